//! Pictures of the trust graph: Graphviz `dot`, Mermaid `flowchart` and a JSON document of
//! nodes and edges. Broken edges are dashed (red in `dot`); labels carry the badges.
//!
//! Render with `dot -Tsvg graph.dot -o graph.svg`, or paste the Mermaid text into
//! <https://mermaid.live> (or `mmdc -i graph.mmd -o graph.svg` with mermaid-cli).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::build::TrustGraph;
use super::edge::{Edge, EdgeStatus, NodeId, NodeKind};

/// The picture formats `rolescope graph` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Dot,
    Mermaid,
    Json,
}

impl Format {
    /// Reads `dot`, `mermaid` or `json`.
    ///
    /// # Errors
    /// A sentence naming the accepted formats.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.to_ascii_lowercase().as_str() {
            "dot" | "graphviz" => Ok(Self::Dot),
            "mermaid" | "mmd" => Ok(Self::Mermaid),
            "json" => Ok(Self::Json),
            _ => Err(format!(
                "unknown graph format `{text}`; use `dot`, `mermaid` or `json`"
            )),
        }
    }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

impl TrustGraph {
    /// The label a picture gives a node: kind, name and account.
    #[must_use]
    pub fn node_label(&self, id: NodeId) -> String {
        let n = self.node(id);
        match (&n.kind, &n.account) {
            (NodeKind::User | NodeKind::Role, Some(a)) => {
                format!("{} {}\n{a}", n.kind.word(), n.name)
            }
            (NodeKind::Everyone, _) => "* (anyone)".to_owned(),
            (k, _) => format!("{} {}", k.word(), n.name),
        }
    }

    /// One edge as JSON, with node ids spelled out.
    #[must_use]
    pub fn edge_json(&self, e: &Edge) -> Value {
        let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.insert("from".into(), Value::String(self.node(e.from).id.clone()));
            m.insert("to".into(), Value::String(self.node(e.to).id.clone()));
            m.insert(
                "badges".into(),
                Value::Array(e.badges().into_iter().map(Value::String).collect()),
            );
        }
        v
    }

    /// Draws `edges` (and only the nodes they touch) in `format`.
    #[must_use]
    pub fn render(&self, edges: &[Edge], format: Format) -> String {
        let nodes: BTreeSet<NodeId> = edges.iter().flat_map(|e| [e.from, e.to]).collect();
        match format {
            Format::Dot => self.render_dot(&nodes, edges),
            Format::Mermaid => self.render_mermaid(&nodes, edges),
            Format::Json => {
                let doc = json!({
                    "nodes": nodes.iter().map(|n| serde_json::to_value(self.node(*n)).unwrap_or(Value::Null)).collect::<Vec<_>>(),
                    "edges": edges.iter().map(|e| self.edge_json(e)).collect::<Vec<_>>(),
                });
                serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
            }
        }
    }

    fn render_dot(&self, nodes: &BTreeSet<NodeId>, edges: &[Edge]) -> String {
        let mut out = String::from(
            "digraph rolescope {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
        );
        for n in nodes {
            let shape = match self.node(*n).kind {
                NodeKind::Role => "box, style=rounded",
                NodeKind::User => "ellipse",
                NodeKind::Service => "hexagon",
                NodeKind::OidcProvider | NodeKind::SamlProvider => "parallelogram",
                NodeKind::ExternalAccount | NodeKind::ExternalPrincipal => {
                    "octagon, color=darkorange"
                }
                NodeKind::Everyone => "doubleoctagon, color=red",
            };
            let _ = writeln!(
                out,
                "  n{} [label=\"{}\", shape={shape}];",
                n.0,
                dot_escape(&self.node_label(*n))
            );
        }
        for e in edges {
            let label = dot_escape(&e.badges().join("\n"));
            let style = match e.status {
                EdgeStatus::Works => String::new(),
                EdgeStatus::Broken { .. } => ", style=dashed, color=red".to_owned(),
                EdgeStatus::Unknown { .. } => ", style=dotted, color=orange".to_owned(),
            };
            let _ = writeln!(
                out,
                "  n{} -> n{} [label=\"{label}\"{style}];",
                e.from.0, e.to.0
            );
        }
        out.push_str("}\n");
        out
    }

    fn render_mermaid(&self, nodes: &BTreeSet<NodeId>, edges: &[Edge]) -> String {
        let mut out = String::from("flowchart LR\n");
        for n in nodes {
            // Escape the name first: the line break is mermaid markup, not text.
            let label = mermaid_escape(&self.node_label(*n)).replace('\n', "<br/>");
            let (open, close) = match self.node(*n).kind {
                NodeKind::Role => ("(\"", "\")"),
                NodeKind::User => ("([\"", "\"])"),
                NodeKind::Service => ("{{\"", "\"}}"),
                NodeKind::OidcProvider | NodeKind::SamlProvider => ("[/\"", "\"/]"),
                _ => ("[[\"", "\"]]"),
            };
            let _ = writeln!(out, "  n{}{open}{label}{close}", n.0);
        }
        for e in edges {
            let badges = e.badges();
            let arrow = if e.works() { "-->" } else { "-.->" };
            if badges.is_empty() {
                let _ = writeln!(out, "  n{} {arrow} n{}", e.from.0, e.to.0);
            } else {
                let _ = writeln!(
                    out,
                    "  n{} {arrow}|\"{}\"| n{}",
                    e.from.0,
                    mermaid_escape(&badges.join(", ")),
                    e.to.0
                );
            }
        }
        out
    }
}
