//! `rolescope escalation PRINCIPAL`: whether a principal is an administrator, every
//! escalation edge out of it (working, broken and unknown, each with its technique, the
//! statements that allow it and what it needs), and its shortest way to administrator.
//!
//! Also the helpers the other trust-graph commands use to print escalation edges and mixed
//! paths, marked apart from assume-role hops.

use std::io::Write;

use serde_json::{Value, json};

use super::graph::{build, find, short};
use super::{CliError, Context, Input, Outcome};
use crate::engine::escalation::walk::{self, Follow, StepPath};
use crate::engine::escalation::{AdminStatus, EscalationEdge, Escalations, Step};
use crate::engine::graph::{EdgeStatus, TrustGraph};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The principal: a user or role (name or ARN)
    #[arg(value_name = "PRINCIPAL")]
    pub principal: String,
    /// Longest path followed to administrator
    #[arg(long, default_value_t = crate::engine::graph::DEFAULT_MAX_DEPTH)]
    pub depth: usize,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: Input,
}

/// An escalation edge as JSON, principals spelled out.
#[must_use]
pub fn edge_json(g: &TrustGraph, e: &EscalationEdge) -> Value {
    json!({
        "from": g.node(e.from).id,
        "to": g.node(e.to).id,
        "technique": e.technique,
        "family": e.technique.family(),
        "explain": e.technique.explain(),
        "object": e.object,
        "grants": e.grants,
        "requirements": e.requirements,
        "status": e.status,
    })
}

/// One step of a mixed path as JSON: `{"kind": "assume" | "escalation", "edge": …}`.
#[must_use]
pub fn step_json(g: &TrustGraph, s: &Step) -> Value {
    match s {
        Step::Assume(e) => json!({"kind": "assume", "edge": g.edge_json(e)}),
        Step::Escalate(e) => json!({"kind": "escalation", "edge": edge_json(g, e)}),
    }
}

/// A mixed path as JSON: its steps.
#[must_use]
pub fn steps_json(g: &TrustGraph, p: &StepPath) -> Value {
    Value::Array(p.steps.iter().map(|s| step_json(g, s)).collect())
}

/// `A -[assume: badges]-> B =[technique, badges]=> C`: assume hops as `->`, escalation
/// edges as `=>`, a self-escalation as `=[technique]=> administrator`.
#[must_use]
pub fn steps_text(g: &TrustGraph, p: &StepPath) -> String {
    let mut out = String::new();
    for (i, s) in p.steps.iter().enumerate() {
        if i == 0 {
            out.push_str(&short(g, s.from()));
        }
        match s {
            Step::Assume(e) => {
                let b = e.badges();
                let label = if b.is_empty() {
                    String::new()
                } else {
                    format!("[{}]", b.join(", "))
                };
                out.push_str(&format!(" -{label}-> {}", short(g, e.to)));
            }
            Step::Escalate(e) => {
                let to = if e.is_self() {
                    "administrator".to_owned()
                } else {
                    short(g, e.to)
                };
                out.push_str(&format!(" =[{}]=> {to}", e.badges().join(", ")));
            }
        }
    }
    out
}

/// Prints an escalation edge's lines: technique and badges, what it does, the statements.
///
/// # Errors
/// I/O errors writing.
pub fn edge_lines(out: &mut dyn Write, g: &TrustGraph, e: &EscalationEdge) -> std::io::Result<()> {
    let to = if e.is_self() {
        "administrator".to_owned()
    } else {
        short(g, e.to)
    };
    writeln!(out, "  => {to}  [{}]", e.badges().join(", "))?;
    writeln!(out, "     {}", e.technique.explain())?;
    if let Some(o) = &e.object {
        writeln!(out, "     on {o}")?;
    }
    for gr in &e.grants {
        let who = gr
            .statement
            .as_deref()
            .map_or_else(|| "no identity statement".to_owned(), str::to_owned);
        let svc = gr
            .passed_to_service
            .as_deref()
            .map_or_else(String::new, |s| format!(" to {s}"));
        writeln!(
            out,
            "     {} on {}{svc}: {} by {who}",
            gr.action,
            gr.resource,
            gr.outcome.as_str()
        )?;
    }
    match &e.status {
        EdgeStatus::Works => {}
        EdgeStatus::Broken { message, .. } | EdgeStatus::Unknown { message, .. } => {
            writeln!(out, "     {message}")?;
        }
    }
    Ok(())
}

/// The admin state in words.
#[must_use]
pub fn admin_words(s: &AdminStatus) -> String {
    match s {
        AdminStatus::Yes { mfa: false } => "administrator (allowed `*` on `*`)".to_owned(),
        AdminStatus::Yes { mfa: true } => {
            "administrator with MFA (allowed `*` on `*` when signed in with MFA)".to_owned()
        }
        AdminStatus::No { .. } => "not an administrator".to_owned(),
        AdminStatus::Unknown { message, .. } => format!("unknown: {message}"),
    }
}

/// Lists a principal's escalation edges.
///
/// # Errors
/// Lookups (exit 1 for an unknown principal); I/O errors writing.
pub fn run(args: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let g = build(ctx);
    let from = find(&g, &args.principal)?;
    let esc = Escalations::compute(&g);
    let depth = args.depth.max(1);
    let edges: Vec<_> = esc.edges_from(from).collect();
    let reach = walk::reach(&g, &esc, from, depth, Follow::Working);
    let admin = esc.admin_status(from);
    let unknown = esc.unknown_callers.iter().find(|u| u.node == from);
    let found = !edges.iter().all(|e| !e.works()) || reach.to_admin.is_some();
    if args.json {
        let doc = json!({
            "schema": 1,
            "load_warnings": &ctx.inventory.warnings,
            "principal": g.node(from).id,
            "administrator": admin,
            "edges": edges.iter().map(|e| edge_json(&g, e)).collect::<Vec<_>>(),
            "to_admin": reach.to_admin.as_ref().map(|p| steps_json(&g, p)),
            "reach": reach.rows.iter().filter(|r| r.path.has_escalation()).map(|r| json!({
                "principal": g.node(r.principal).id,
                "steps": steps_json(&g, &r.path),
            })).collect::<Vec<_>>(),
            "own_policies_missing": unknown.map(|u| &u.missing),
        });
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(if found { Outcome::Yes } else { Outcome::No });
    }
    writeln!(out, "Privilege escalation from {}", short(&g, from))?;
    if let Some(a) = admin {
        writeln!(out, "\n  {}", admin_words(a))?;
    }
    if let Some(u) = unknown {
        let names: Vec<&str> = u.missing.iter().map(|m| m.name.as_str()).collect();
        writeln!(
            out,
            "  unknown: its own policies are not all loaded ({}); any of them might allow any technique",
            names.join(", ")
        )?;
    }
    if edges.is_empty() {
        writeln!(out, "\n  no escalation edge")?;
    } else {
        writeln!(
            out,
            "\nEscalation edges (=> ; assume-role hops are `rolescope reach`):"
        )?;
        for e in &edges {
            edge_lines(out, &g, e)?;
        }
    }
    match &reach.to_admin {
        Some(p) if !p.is_empty() => {
            writeln!(
                out,
                "\nShortest way to administrator ({} step(s)):",
                p.len()
            )?;
            writeln!(out, "  {}", steps_text(&g, p))?;
        }
        Some(_) => {}
        None => writeln!(out, "\nNo way to administrator within {depth} step(s)")?,
    }
    let through: Vec<_> = reach
        .rows
        .iter()
        .filter(|r| r.path.has_escalation())
        .collect();
    if !through.is_empty() {
        writeln!(out, "\nReached through escalation edges:")?;
        for r in through {
            writeln!(out, "  {}", steps_text(&g, &r.path))?;
        }
    }
    Ok(if found { Outcome::Yes } else { Outcome::No })
}

/// The escalation edges a picture draws: every one, or those on the mixed paths out of
/// `from` (or into `role`) within `depth` steps.
///
/// # Errors
/// Lookups of `from` or `role`.
pub fn picture_edges(
    g: &TrustGraph,
    from: Option<&str>,
    role: Option<&str>,
    depth: usize,
) -> Result<(Escalations, Vec<std::sync::Arc<EscalationEdge>>), CliError> {
    let esc = Escalations::compute(g);
    if from.is_none() && role.is_none() {
        let all = esc.edges.clone();
        return Ok((esc, all));
    }
    let mut picked: Vec<std::sync::Arc<EscalationEdge>> = Vec::new();
    let mut add = |s: &Step| {
        if let Step::Escalate(e) = s
            && !picked.iter().any(|x| std::sync::Arc::ptr_eq(x, e))
        {
            picked.push(std::sync::Arc::clone(e));
        }
    };
    if let Some(f) = from {
        let id = find(g, f)?;
        let r = walk::reach(g, &esc, id, depth.max(1), Follow::Working);
        r.rows.iter().flat_map(|x| &x.path.steps).for_each(&mut add);
        r.to_admin.iter().flat_map(|p| &p.steps).for_each(&mut add);
    } else if let Some(t) = role {
        let id = find(g, t)?;
        walk::who_can_reach(g, &esc, id, depth.max(1), Follow::Working)
            .iter()
            .flat_map(|x| &x.path.steps)
            .for_each(&mut add);
    }
    Ok((esc, picked))
}
