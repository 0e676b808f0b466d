//! Escalation edges drawn over a picture of the trust graph
//! ([`crate::engine::graph::TrustGraph::render`]): bold purple arrows (`==>` in Mermaid)
//! labelled with the technique, apart from assume-role hops; a self-escalation points at an
//! `administrator` node. Nodes the picture does not hold yet are declared first.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::EscalationEdge;
use crate::engine::graph::{EdgeStatus, Format, NodeId, NodeKind, TrustGraph};

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn label(e: &EscalationEdge) -> String {
    e.badges().join(", ")
}

/// The escalation edges as JSON, principals spelled out.
#[must_use]
pub fn edges_json(g: &TrustGraph, edges: &[&EscalationEdge]) -> Value {
    Value::Array(
        edges
            .iter()
            .map(|e| {
                json!({
                    "from": g.node(e.from).id,
                    "to": g.node(e.to).id,
                    "technique": e.technique,
                    "object": e.object,
                    "grants": e.grants,
                    "requirements": e.requirements,
                    "status": e.status,
                    "badges": e.badges(),
                })
            })
            .collect(),
    )
}

/// Adds `edges` to `picture`, a picture `TrustGraph::render` made of `drawn` nodes.
#[must_use]
pub fn overlay(
    g: &TrustGraph,
    picture: String,
    drawn: &BTreeSet<NodeId>,
    edges: &[&EscalationEdge],
    format: Format,
) -> String {
    if edges.is_empty() {
        return picture;
    }
    let new: BTreeSet<NodeId> = edges
        .iter()
        .flat_map(|e| [e.from, e.to])
        .filter(|n| !drawn.contains(n))
        .collect();
    let admin = edges.iter().any(|e| e.is_self());
    match format {
        Format::Json => {
            let mut doc: Value = serde_json::from_str(&picture).unwrap_or_else(|_| json!({}));
            if let Value::Object(m) = &mut doc {
                if let Some(Value::Array(nodes)) = m.get_mut("nodes") {
                    for n in &new {
                        nodes.push(serde_json::to_value(g.node(*n)).unwrap_or(Value::Null));
                    }
                }
                m.insert("escalation_edges".into(), edges_json(g, edges));
            }
            serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
        }
        Format::Dot => {
            let mut out = picture
                .trim_end()
                .strip_suffix('}')
                .unwrap_or(&picture)
                .to_owned();
            for n in &new {
                let shape = match g.node(*n).kind {
                    NodeKind::Role => "box, style=rounded",
                    _ => "ellipse",
                };
                let _ = writeln!(
                    out,
                    "  n{} [label=\"{}\", shape={shape}];",
                    n.0,
                    esc(&g.node_label(*n))
                );
            }
            if admin {
                out.push_str(
                    "  administrator [label=\"administrator\", shape=star, color=purple];\n",
                );
            }
            for e in edges {
                let to = if e.is_self() {
                    "administrator".to_owned()
                } else {
                    format!("n{}", e.to.0)
                };
                let style = match e.status {
                    EdgeStatus::Works => "color=purple, penwidth=2",
                    EdgeStatus::Broken { .. } => "color=purple, style=dashed",
                    EdgeStatus::Unknown { .. } => "color=purple, style=dotted",
                };
                let _ = writeln!(
                    out,
                    "  n{} -> {to} [label=\"{}\", {style}];",
                    e.from.0,
                    esc(&label(e))
                );
            }
            out.push_str("}\n");
            out
        }
        Format::Mermaid => {
            let mut out = picture;
            for n in &new {
                let _ = writeln!(
                    out,
                    "  n{}[\"{}\"]",
                    n.0,
                    esc(&g.node_label(*n).replace('\n', "<br/>"))
                );
            }
            if admin {
                out.push_str("  administrator[[\"administrator\"]]\n");
            }
            for e in edges {
                let to = if e.is_self() {
                    "administrator".to_owned()
                } else {
                    format!("n{}", e.to.0)
                };
                let arrow = if e.works() { "==>" } else { "-.->" };
                let _ = writeln!(out, "  n{} {arrow}|\"{}\"| {to}", e.from.0, esc(&label(e)));
            }
            out
        }
    }
}
