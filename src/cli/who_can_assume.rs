//! `rolescope who-can-assume ROLE`: what the role may do (its highest access level), and
//! every principal that can get into it, directly or through a chain, with the path (VIA) and
//! the badges of every hop; the accounts and organisations the trust lets in as a whole; and
//! callers whose own half is missing.

use std::io::Write;

use serde_json::json;

use super::escalation::{steps_json, steps_text};
use super::graph::{build_for_who_can_assume, find, path_json, path_table, short};
use super::{CliError, Context, Input, Outcome};
use crate::engine::access_summary::RoleAccessLevels;
use crate::engine::graph::{EdgeStatus, NodeKind, PrincipalClass};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The role: its name, or its ARN when the name exists in several accounts
    #[arg(value_name = "ROLE")]
    pub role: String,
    /// Longest chain followed (1: direct callers only)
    #[arg(long, default_value_t = crate::engine::graph::DEFAULT_MAX_DEPTH)]
    pub depth: usize,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: Input,
}

/// Lists who can assume the role.
///
/// # Errors
/// Lookups (exit 1 for an unknown role); I/O errors writing.
pub fn run(args: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let g = build_for_who_can_assume(ctx);
    let role_arn = crate::engine::lookup::find_role(&ctx.inventory, &args.role)?
        .arn
        .clone();
    let role = find(&g, &role_arn)?;
    let esc = crate::engine::escalation::LazyEscalations::new(&g);
    // The assume-role answer beside the walk back that also takes escalation edges.
    let (answer, reaching) = crate::engine::graph::side_by_side(
        || g.who_can_assume(role, args.depth.max(1)),
        || {
            crate::engine::escalation::walk::who_can_reach(
                &g,
                &esc,
                role,
                args.depth.max(1),
                crate::engine::escalation::walk::Follow::Working,
            )
        },
    );
    // What the role may do once assumed (its effective permissions' highest access level).
    let access = RoleAccessLevels::new(std::sync::Arc::clone(&ctx.inventory))
        .of(&role_arn, crate::engine::catalogue::get())
        .cloned();
    // Principals that reach the role only through escalation edges (who-can-reach).
    let assume: crate::engine::graph::FastSet<crate::engine::graph::NodeId> =
        answer.rows.iter().map(|x| x.principal).collect();
    let through: Vec<_> = reaching
        .iter()
        .filter(|r| r.path.has_escalation() && !assume.contains(&r.principal))
        .cloned()
        .collect();
    if args.json {
        let doc = json!({
            "schema": 1,
            "load_warnings": &ctx.inventory.warnings,
            "role": role_arn,
            "role_access": access,
            "max_depth": args.depth.max(1),
            "principals": answer.rows.iter().map(|r| json!({
                "principal": g.node(r.principal).id,
                "kind": g.node(r.principal).kind,
                "direct": r.path.len() == 1,
                "path": path_json(&g, &r.path),
            })).collect::<Vec<_>>(),
            "classes": answer.classes,
            "broken": answer.broken.iter().filter(|e| !e.status.is_unknown()).map(|e| g.edge_json(e)).collect::<Vec<_>>(),
            "unknown": answer.broken.iter().filter(|e| e.status.is_unknown()).map(|e| g.edge_json(e)).collect::<Vec<_>>(),
            "escalation": through.iter().map(|r| json!({
                "principal": g.node(r.principal).id,
                "kind": g.node(r.principal).kind,
                "steps": steps_json(&g, &r.path),
            })).collect::<Vec<_>>(),
        });
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(Outcome::Yes);
    }
    writeln!(out, "Who can assume {role_arn}")?;
    writeln!(
        out,
        "  the role may do: {}",
        access
            .as_ref()
            .map_or("nothing (no policy of its grants any action)", |a| a
                .summary
                .as_str())
    )?;
    if answer.rows.is_empty() {
        writeln!(out, "\n  no principal in the loaded data can assume it")?;
    } else {
        writeln!(out)?;
        let rows: Vec<_> = answer.rows.iter().map(|r| (r.principal, &r.path)).collect();
        path_table(out, &g, "PRINCIPAL", &rows, None)?;
    }
    if !through.is_empty() {
        writeln!(
            out,
            "\nThrough escalation edges (=>; `rolescope escalation` explains each):"
        )?;
        for r in &through {
            writeln!(out, "  {}", steps_text(&g, &r.path))?;
        }
    }
    if !answer.classes.is_empty() {
        writeln!(out, "\nAlso let in as a whole (not listed one by one):")?;
        for c in &answer.classes {
            let who = match &c.class {
                PrincipalClass::Account { account, .. } => {
                    format!("any principal of account {account}")
                }
                PrincipalClass::Organization { org_ids } => {
                    format!("any principal of organisation {}", org_ids.join(", "))
                }
                PrincipalClass::Everyone => "any principal (`*`)".to_owned(),
            };
            let own = if c.needs_caller_policy {
                "whose own policy allows sts:AssumeRole on the role"
            } else {
                "(same-account principals need no policy of their own)"
            };
            let reqs: Vec<String> = c.requirements.iter().map(|r| r.badge()).collect();
            let reqs = if reqs.is_empty() {
                String::new()
            } else {
                format!(" [{}]", reqs.join(", "))
            };
            let status = if c.needs_caller_policy && c.members_working == 0 {
                " — broken: no principal of that account is allowed by its own policy".to_owned()
            } else {
                format!(" — {} listed above", c.members_working)
            };
            writeln!(
                out,
                "  {who} {own}, statement {}{reqs}{status}",
                c.trust_statement
            )?;
        }
    }
    if answer.broken.iter().any(|e| !e.status.is_unknown()) {
        writeln!(
            out,
            "\nTrusted, but refused (the caller's half is missing, or the caller cannot meet a condition):"
        )?;
        for e in &answer.broken {
            if let EdgeStatus::Broken { message, .. } = &e.status {
                writeln!(out, "  {}: {message}", short(&g, e.from))?;
            }
        }
    }
    if answer.broken.iter().any(|e| e.status.is_unknown()) {
        writeln!(
            out,
            "\nTrusted, but whether the caller's half is there depends on data that is not loaded:"
        )?;
        for e in &answer.broken {
            if let Some(why) = e.status.unknown_sentence() {
                writeln!(out, "  {}: unknown: {why}", short(&g, e.from))?;
            }
        }
    }
    let external = answer
        .rows
        .iter()
        .filter(|r| {
            matches!(
                g.node(r.principal).kind,
                NodeKind::Everyone | NodeKind::ExternalAccount | NodeKind::ExternalPrincipal
            )
        })
        .count();
    if external > 0 {
        writeln!(
            out,
            "\n{external} of them are outside the loaded accounts (see `rolescope external`)"
        )?;
    }
    Ok(if answer.rows.is_empty() {
        Outcome::No
    } else {
        Outcome::Yes
    })
}
