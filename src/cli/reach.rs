//! `rolescope reach PRINCIPAL`: every role a principal can get into, directly or through a
//! chain, shortest path first, with what the role may do (its highest access level, from its
//! effective permissions) and the longest session it can have at the end of each path.

use std::io::Write;

use serde_json::json;

use super::escalation::{steps_json, steps_text};
use super::graph::{build, find, path_json, path_table, short};
use super::{CliError, Context, Input, Outcome};
use crate::engine::access_summary::RoleAccessLevels;
use crate::engine::graph::{EdgeStatus, NodeId};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The principal: a user or role (name or ARN), a service, a provider, an account id or `*`
    #[arg(value_name = "PRINCIPAL")]
    pub principal: String,
    /// Longest chain followed
    #[arg(long, default_value_t = crate::engine::graph::DEFAULT_MAX_DEPTH)]
    pub depth: usize,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: Input,
}

/// Lists what the principal can reach.
///
/// # Errors
/// Lookups (exit 1 for an unknown principal); I/O errors writing.
pub fn run(args: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let g = build(ctx);
    let from = find(&g, &args.principal)?;
    let esc = crate::engine::escalation::LazyEscalations::new(&g);
    // The assume-role answer beside the walk that also takes escalation edges.
    let (reach, mixed) = crate::engine::graph::side_by_side(
        || g.reach(from, args.depth.max(1)),
        || {
            crate::engine::escalation::walk::reach(
                &g,
                &esc,
                from,
                args.depth.max(1),
                crate::engine::escalation::walk::Follow::Working,
            )
        },
    );
    // What each role reached may do, summarised once per role, for the rows printed.
    let levels = RoleAccessLevels::new(std::sync::Arc::clone(&ctx.inventory));
    let catalogue = crate::engine::catalogue::get();
    let access_of = |n: NodeId| levels.of(&g.node(n).id, catalogue).cloned();
    // Principals reached only through escalation edges (assume-only paths are above).
    let assumed: crate::engine::graph::FastSet<NodeId> =
        reach.rows.iter().map(|x| x.role).collect();
    let through: Vec<_> = mixed
        .rows
        .iter()
        .filter(|r| r.path.has_escalation() && !assumed.contains(&r.principal))
        .collect();
    if args.json {
        let doc = json!({
            "schema": 1,
            "load_warnings": &ctx.inventory.warnings,
            "principal": g.node(from).id,
            "max_depth": args.depth.max(1),
            "roles": reach.rows.iter().map(|r| json!({
                "role": g.node(r.role).id,
                "hops": r.path.len(),
                "max_session_seconds": r.path.max_session_seconds,
                "access": access_of(r.role),
                "path": path_json(&g, &r.path),
            })).collect::<Vec<_>>(),
            "broken": reach.broken.iter().filter(|e| !e.status.is_unknown()).map(|e| g.edge_json(e)).collect::<Vec<_>>(),
            "unknown": reach.broken.iter().filter(|e| e.status.is_unknown()).map(|e| g.edge_json(e)).collect::<Vec<_>>(),
            "escalation": through.iter().map(|r| json!({
                "principal": g.node(r.principal).id,
                "kind": g.node(r.principal).kind,
                "steps": steps_json(&g, &r.path),
            })).collect::<Vec<_>>(),
            "to_admin": mixed.to_admin.as_ref().map(|p| steps_json(&g, p)),
        });
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(Outcome::Yes);
    }
    writeln!(out, "What {} can reach", short(&g, from))?;
    if reach.rows.is_empty() {
        writeln!(out, "\n  no role")?;
    } else {
        writeln!(out)?;
        let rows: Vec<_> = reach.rows.iter().map(|r| (r.role, &r.path)).collect();
        let cell = |n: NodeId| access_of(n).map_or_else(|| "none".to_owned(), |a| a.summary);
        path_table(out, &g, "ROLE", &rows, Some(&cell))?;
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
    if reach.broken.iter().any(|e| e.status.is_unknown()) {
        writeln!(
            out,
            "\nTrusted, but whether the caller's half is there depends on data that is not loaded:"
        )?;
        for e in &reach.broken {
            if let Some(why) = e.status.unknown_sentence() {
                writeln!(
                    out,
                    "  {} -> {}: unknown: {why}",
                    short(&g, e.from),
                    short(&g, e.to)
                )?;
            }
        }
    }
    if reach.broken.iter().any(|e| !e.status.is_unknown()) {
        writeln!(
            out,
            "\nTrusted, but refused (the caller's half is missing, or the caller cannot meet a condition):"
        )?;
        for e in &reach.broken {
            if let EdgeStatus::Broken { message, .. } = &e.status {
                writeln!(
                    out,
                    "  {} -> {}: {message}",
                    short(&g, e.from),
                    short(&g, e.to)
                )?;
            }
        }
    }
    Ok(if reach.rows.is_empty() && through.is_empty() {
        Outcome::No
    } else {
        Outcome::Yes
    })
}
