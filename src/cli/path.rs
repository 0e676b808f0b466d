//! `rolescope path FROM TO`: every simple path from a principal to a role up to a depth
//! limit, shortest first, with the badges of every hop — or why there is none, naming the
//! broken hop nearest to FROM.

use std::io::Write;

use serde_json::json;

use super::escalation::{steps_json, steps_text};
use super::graph::{build, find, path_json, path_text, session, short};
use super::{CliError, Context, Input, Outcome};
use crate::engine::graph::MAX_PATH_DEPTH;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where the path starts: a user or role (name or ARN), a service, an account id or `*`
    #[arg(value_name = "FROM")]
    pub from: String,
    /// The role the path ends at (name or ARN)
    #[arg(value_name = "TO")]
    pub to: String,
    /// Longest path considered, in hops (at most 32)
    #[arg(long, default_value_t = crate::engine::graph::DEFAULT_MAX_DEPTH)]
    pub depth: usize,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: Input,
}

/// Lists the paths (exit 0) or says why there is none (exit 1).
///
/// # Errors
/// Lookups (exit 1 for an unknown principal or role); I/O errors writing.
pub fn run(args: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let g = build(ctx);
    let from = find(&g, &args.from)?;
    let to_arn = crate::engine::lookup::find_role(&ctx.inventory, &args.to)?
        .arn
        .clone();
    let to = find(&g, &to_arn)?;
    if args.depth > MAX_PATH_DEPTH {
        eprintln!(
            "note: `--depth {}` is deeper than a path is followed (at most {MAX_PATH_DEPTH} hops); using {MAX_PATH_DEPTH}",
            args.depth
        );
    }
    let esc = crate::engine::escalation::LazyEscalations::new(&g);
    // The assume-role paths beside the shortest path that also takes escalation edges (at
    // the depth the paths are followed to), kept when it needs one.
    let (answer, escalation) = crate::engine::graph::side_by_side(
        || g.paths(from, to, args.depth),
        || {
            crate::engine::escalation::walk::path(
                &g,
                &esc,
                from,
                to,
                args.depth.clamp(1, MAX_PATH_DEPTH),
                crate::engine::escalation::walk::Follow::Working,
            )
        },
    );
    let escalation = escalation.filter(|p| p.has_escalation());
    // The exit code is that of assume-role paths; an escalation path is reported beside it.
    let found = !answer.paths.is_empty();
    if args.json {
        let doc = json!({
            "schema": 1,
            "load_warnings": &ctx.inventory.warnings,
            "from": g.node(from).id,
            "to": to_arn,
            "max_depth": answer.max_depth,
            "paths": answer.paths.iter().map(|p| path_json(&g, p)).collect::<Vec<_>>(),
            "truncated": answer.truncated,
            "no_path": answer.no_path.as_ref().map(|n| json!({
                "reason": n.reason,
                "nearest_broken": n.nearest_broken.as_ref().map(|(p, e)| json!({
                    "reached_by": path_json(&g, p),
                    "edge": g.edge_json(e),
                })),
            })),
            "escalation_path": escalation.as_ref().map(|p| steps_json(&g, p)),
        });
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(if found { Outcome::Yes } else { Outcome::No });
    }
    writeln!(out, "Paths from {} to {}", short(&g, from), short(&g, to))?;
    if let Some(none) = &answer.no_path {
        writeln!(
            out,
            "\n  none within {} hop(s): {}",
            answer.max_depth, none.reason
        )?;
        if let Some((p, e)) = &none.nearest_broken
            && !p.is_empty()
        {
            let which = if e.status.is_unknown() {
                "unknown"
            } else {
                "broken"
            };
            writeln!(
                out,
                "  the {which} hop's caller is reached by: {}",
                path_text(&g, p)
            )?;
            writeln!(out, "  the {which} hop: {}", short(&g, e.from))?;
        }
        if let Some(p) = &escalation {
            writeln!(
                out,
                "\nThrough escalation edges (=>; `rolescope escalation` explains each):"
            )?;
            writeln!(out, "  {}", steps_text(&g, p))?;
        }
        return Ok(if found { Outcome::Yes } else { Outcome::No });
    }
    writeln!(out)?;
    for (i, p) in answer.paths.iter().enumerate() {
        writeln!(
            out,
            "  {}. {} (max session {})",
            i + 1,
            path_text(&g, p),
            session(p.max_session_seconds)
        )?;
    }
    if let Some(p) = &escalation
        && p.len() < answer.paths.first().map_or(usize::MAX, |x| x.len())
    {
        writeln!(out, "\nShorter through escalation edges (=>):")?;
        writeln!(out, "  {}", steps_text(&g, p))?;
    }
    if answer.truncated {
        writeln!(
            out,
            "\n  (more paths exist; lower --depth to see the shortest ones)"
        )?;
    }
    Ok(Outcome::Yes)
}
