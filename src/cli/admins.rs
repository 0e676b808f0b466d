//! `rolescope admins`: who is an administrator (allowed `*` on `*` after every layer), and
//! who can become one — by assuming roles, by escalation edges or by granting itself more —
//! with the shortest path of each; then the paths that turn on data that is not loaded, and
//! the principals whose own policies are not all loaded.

use std::io::Write;

use serde_json::json;

use super::escalation::{steps_json, steps_text};
use super::graph::{build, short};
use super::{CliError, Context, Input, Outcome};
use crate::engine::escalation::walk::{self, Follow};
use crate::engine::escalation::{AdminStatus, Escalations};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Longest path followed to an administrator
    #[arg(long, default_value_t = crate::engine::graph::DEFAULT_MAX_DEPTH)]
    pub depth: usize,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: Input,
}

/// Lists administrators and who can become one.
///
/// # Errors
/// I/O errors writing.
pub fn run(args: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let g = build(ctx);
    let esc = Escalations::compute(&g);
    let depth = args.depth.max(1);
    let rows = walk::admins(&g, &esc, depth, Follow::Working);
    let sure: crate::engine::graph::FastSet<crate::engine::graph::NodeId> =
        rows.iter().map(|x| x.principal).collect();
    let maybe: Vec<_> = walk::admins(&g, &esc, depth, Follow::WorkingOrUnknown)
        .into_iter()
        .filter(|r| !sure.contains(&r.principal))
        .collect();
    let unknown_admins: Vec<_> = esc
        .admins
        .iter()
        .filter(|(_, s)| matches!(s, AdminStatus::Unknown { .. }))
        .collect();
    let mfa = |n| matches!(esc.admin_status(n), Some(AdminStatus::Yes { mfa: true }));
    if args.json {
        let doc = json!({
            "schema": 1,
            "load_warnings": &ctx.inventory.warnings,
            "max_depth": depth,
            "administrators": rows.iter().filter(|r| r.admin).map(|r| json!({
                "principal": g.node(r.principal).id,
                "kind": g.node(r.principal).kind,
                "mfa": mfa(r.principal),
            })).collect::<Vec<_>>(),
            "can_become": rows.iter().filter(|r| !r.admin).map(|r| json!({
                "principal": g.node(r.principal).id,
                "kind": g.node(r.principal).kind,
                "escalation": r.path.has_escalation(),
                "steps": steps_json(&g, &r.path),
            })).collect::<Vec<_>>(),
            "unknown": maybe.iter().map(|r| json!({
                "principal": g.node(r.principal).id,
                "kind": g.node(r.principal).kind,
                "steps": steps_json(&g, &r.path),
            })).collect::<Vec<_>>(),
            "unknown_administrators": unknown_admins.iter().map(|(n, s)| json!({
                "principal": g.node(*n).id,
                "status": s,
            })).collect::<Vec<_>>(),
            "own_policies_missing": esc.unknown_callers.iter().map(|u| json!({
                "principal": g.node(u.node).id,
                "missing": u.missing,
            })).collect::<Vec<_>>(),
        });
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(Outcome::Yes);
    }
    writeln!(out, "Administrators (allowed `*` on `*` after every layer)")?;
    let admins: Vec<_> = rows.iter().filter(|r| r.admin).collect();
    if admins.is_empty() {
        writeln!(out, "\n  none")?;
    } else {
        writeln!(out)?;
        for r in admins {
            let m = if mfa(r.principal) { "  [MFA]" } else { "" };
            writeln!(out, "  {}{m}", short(&g, r.principal))?;
        }
    }
    writeln!(
        out,
        "\nCan become administrator (-> assume-role hop, => escalation edge, shortest path)"
    )?;
    let others: Vec<_> = rows.iter().filter(|r| !r.admin).collect();
    if others.is_empty() {
        writeln!(out, "\n  no one")?;
    } else {
        writeln!(out)?;
        for r in others {
            writeln!(out, "  {}", steps_text(&g, &r.path))?;
        }
    }
    if !maybe.is_empty() {
        writeln!(
            out,
            "\nMight become administrator (a step turns on data that is not loaded):"
        )?;
        for r in &maybe {
            writeln!(out, "  {}", steps_text(&g, &r.path))?;
        }
    }
    if !unknown_admins.is_empty() {
        writeln!(out, "\nMight be administrators (data not loaded):")?;
        for (n, s) in &unknown_admins {
            if let AdminStatus::Unknown { missing, .. } = s {
                let names: Vec<&str> = missing.iter().map(|m| m.name.as_str()).collect();
                writeln!(
                    out,
                    "  {}: unknown: {} not loaded",
                    short(&g, *n),
                    names.join(", ")
                )?;
            }
        }
    }
    if !esc.unknown_callers.is_empty() {
        writeln!(
            out,
            "\nOwn policies not all loaded (any might allow a technique): {}",
            esc.unknown_callers
                .iter()
                .map(|u| short(&g, u.node))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    Ok(Outcome::Yes)
}
