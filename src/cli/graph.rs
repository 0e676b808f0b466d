//! `rolescope graph --format dot|mermaid|json`: the trust graph as a picture, and the
//! helpers the other trust-graph commands (`who-can-assume`, `reach`, `path`, `external`)
//! share: finding a principal, and printing hops, paths and badges as text or JSON.
//!
//! Render the output with `dot -Tsvg graph.dot -o graph.svg` (Graphviz), or paste the
//! Mermaid text into <https://mermaid.live> (or `mmdc -i graph.mmd -o graph.svg`).

use std::io::Write;
use std::sync::Arc;

use serde_json::{Value, json};

use super::roles::duration;
use super::{CliError, Context, Input, Outcome};
use crate::engine::graph::{Edge, Format, NodeId, NodeKind, Path, TrustGraph};
use crate::engine::lookup::{LookupError, close_names};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Picture format: `dot` (Graphviz), `mermaid` or `json`
    #[arg(long, value_name = "FORMAT", default_value = "dot")]
    pub format: String,
    /// Draw only what this principal can reach (user, role, ARN, service or account id)
    #[arg(long, value_name = "PRINCIPAL")]
    pub from: Option<String>,
    /// Draw only who can assume this role (directly and through chains)
    #[arg(long, value_name = "ROLE", conflicts_with = "from")]
    pub role: Option<String>,
    /// Longest chain followed with --from or --role
    #[arg(long, default_value_t = crate::engine::graph::DEFAULT_MAX_DEPTH)]
    pub depth: usize,
    #[command(flatten)]
    pub input: Input,
}

/// Builds the trust graph of the loaded data at the current time.
#[must_use]
pub fn build(ctx: &Context) -> TrustGraph {
    TrustGraph::build(Arc::clone(&ctx.inventory), chrono::Utc::now())
}

/// The trust graph for one who-can-assume question: only the hops into the roles the
/// answer walks are decided.
pub fn build_for_who_can_assume(ctx: &Context) -> TrustGraph {
    TrustGraph::build_lazy(Arc::clone(&ctx.inventory), chrono::Utc::now())
}

/// The node a person named: an ARN, a user or role name, a service, an account id or `*`.
///
/// # Errors
/// [`CliError::NotFound`] with close names, or [`CliError::Usage`] when the name is
/// ambiguous.
pub fn find(g: &TrustGraph, query: &str) -> Result<NodeId, CliError> {
    g.find(query).map_err(|message| {
        if message.contains("several principals") {
            return CliError::Usage(message);
        }
        let names = g
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::User | NodeKind::Role))
            .map(|n| n.name.as_str());
        CliError::NotFound(LookupError::NotFound {
            kind: "principal",
            query: query.trim().to_owned(),
            suggestions: close_names(names, query.trim()),
        })
    })
}

/// `user alice (123456789012)`, `role Deploy (…)`, `service ec2.amazonaws.com`, `*`.
#[must_use]
pub fn short(g: &TrustGraph, id: NodeId) -> String {
    let n = g.node(id);
    match (&n.kind, &n.account) {
        (NodeKind::User | NodeKind::Role, Some(a)) => format!("{} {} ({a})", n.kind.word(), n.name),
        (NodeKind::Everyone, _) => "* (anyone)".to_owned(),
        (NodeKind::ExternalAccount, _) => format!("account {} (not loaded)", n.id),
        (k, _) => format!("{} {}", k.word(), n.id),
    }
}

/// One hop's badges as `[a, b]`, or nothing.
#[must_use]
pub fn badges(e: &Edge) -> String {
    let b = e.badges();
    if b.is_empty() {
        String::new()
    } else {
        format!(" [{}]", b.join(", "))
    }
}

/// `A -[badges]-> B -[badges]-> C`.
#[must_use]
pub fn path_text(g: &TrustGraph, p: &Path) -> String {
    let mut out = String::new();
    for (i, e) in p.hops.iter().enumerate() {
        if i == 0 {
            out.push_str(&short(g, e.from));
        }
        out.push_str(&format!(" -{}-> {}", badges(e).trim(), short(g, e.to)));
    }
    out
}

/// The principals between the start and the end, as short names (`-` when direct).
#[must_use]
pub fn via_text(g: &TrustGraph, p: &Path) -> String {
    let via = p.via();
    if via.is_empty() {
        "-".to_owned()
    } else {
        via.iter()
            .map(|n| g.node(*n).name.clone())
            .collect::<Vec<_>>()
            .join(" > ")
    }
}

/// The badges of every hop, hop by hop.
#[must_use]
pub fn hop_badges(p: &Path) -> String {
    p.hops
        .iter()
        .map(|e| {
            let b = e.badges();
            if b.is_empty() {
                "-".to_owned()
            } else {
                b.join(", ")
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A path as JSON: hops with node ids spelled out, `via`, and the session limit.
#[must_use]
pub fn path_json(g: &TrustGraph, p: &Path) -> Value {
    json!({
        "hops": p.hops.iter().map(|e| g.edge_json(e)).collect::<Vec<_>>(),
        "via": p.via().iter().map(|n| g.node(*n).id.clone()).collect::<Vec<_>>(),
        "max_session_seconds": p.max_session_seconds,
    })
}

/// `1h` style durations.
#[must_use]
pub fn session(seconds: u32) -> String {
    duration(seconds)
}

/// Prints a table of paths, one row per principal or role: its name under `heading`, with
/// `access` the ACCESS column (what the role reached may do), the number of hops, the
/// longest session at the end, the path (VIA) and every hop's badges.
///
/// # Errors
/// I/O errors writing.
pub fn path_table(
    out: &mut dyn Write,
    g: &TrustGraph,
    heading: &str,
    rows: &[(NodeId, &Path)],
    access: Option<&dyn Fn(NodeId) -> String>,
) -> std::io::Result<()> {
    let width = rows
        .iter()
        .map(|(n, _)| short(g, *n).len())
        .max()
        .unwrap_or(heading.len())
        .max(heading.len());
    // The access column, when asked for, is as wide as its longest entry.
    let cells: Vec<String> = match access {
        Some(f) => rows.iter().map(|(n, _)| f(*n)).collect(),
        None => Vec::new(),
    };
    let access_width = cells.iter().map(|c| c.chars().count()).max().unwrap_or(0);
    let access_head = if access.is_some() {
        format!(
            "{:access_width$}  ",
            "ACCESS",
            access_width = access_width.max(6)
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "  {heading:width$}  {access_head}HOPS  MAX  VIA / BADGES"
    )?;
    for (i, (n, path)) in rows.iter().enumerate() {
        let cell = cells
            .get(i)
            .map(|c| format!("{c:w$}  ", w = access_width.max(6)))
            .unwrap_or_default();
        writeln!(
            out,
            "  {:width$}  {cell}{:>4}  {:>3}  via {}: {}",
            short(g, *n),
            path.len(),
            session(path.max_session_seconds),
            via_text(g, path),
            hop_badges(path)
        )?;
    }
    Ok(())
}

/// Draws the graph.
///
/// # Errors
/// [`CliError::Usage`] for an unknown format; lookups; I/O errors writing.
pub fn run(args: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let format = Format::parse(&args.format).map_err(CliError::Usage)?;
    let g = build(ctx);
    let edges: Vec<Edge> = if let Some(from) = &args.from {
        let id = find(&g, from)?;
        let reach = g.reach(id, args.depth);
        reach
            .rows
            .iter()
            .filter_map(|r| r.path.hops.last())
            .chain(&reach.broken)
            .cloned()
            .collect()
    } else if let Some(role) = &args.role {
        let id = find(&g, role)?;
        let who = g.who_can_assume(id, args.depth);
        who.rows
            .into_iter()
            .filter_map(|r| r.path.hops.first().cloned())
            .chain(who.broken)
            .collect()
    } else {
        g.all_edges()
    };
    let escalations = super::escalation::picture_edges(
        &g,
        args.from.as_deref(),
        args.role.as_deref(),
        args.depth,
    )?;
    let esc_edges: Vec<&crate::engine::escalation::EscalationEdge> =
        escalations.1.iter().map(AsRef::as_ref).collect();
    let drawn = edges.iter().flat_map(|e| [e.from, e.to]).collect();
    let picture = crate::engine::escalation::render::overlay(
        &g,
        g.render(&edges, format),
        &drawn,
        &esc_edges,
        format,
    );
    out.write_all(picture.as_bytes())?;
    Ok(Outcome::Yes)
}
