//! The external-access view: every role a principal outside the loaded accounts (another
//! account, `*`, the users of a web-identity or SAML provider) can assume, with its status
//! and conditions, in the manner of IAM Access Analyzer's external access findings; then
//! the confused deputies, roles trusting a service without `aws:SourceAccount` or
//! `aws:SourceArn`. Built from the engine's [`ExternalAccess`], worked out off the loop as
//! an [`AccessJob`](crate::tui::access::AccessJob). Each finding is a selectable line whose
//! hop the Simulate form can be pre-filled with. It owns its keys and draws itself.

use std::sync::Arc;

use crate::engine::graph::{EdgeStatus, ExternalAccess, ExternalKind, NodeId, TrustGraph};
use crate::tui::access::{self, Prefill, badges, prefill, short};
use crate::tui::sim::Caller;
use crate::tui::widgets::text::{text_width, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::command::Command;
use crate::tui::keys::{Binding, b, c, esc_key, hop_list_keys, movement as movement_keys};
use crate::tui::outcome::Outcome;
use crate::tui::theme::Theme;
use crate::tui::widgets::pane::Pane;
use crate::tui::widgets::pane::hop_list;
use crate::tui::widgets::pane::render_hops;
use crate::tui::widgets::text::{TextLine, Tok};
use crate::tui::world::World;

/// The view's title.
pub const TITLE: &str = "External access: roles principals outside the loaded accounts can assume";

/// Where a finding's second and later lines start, under the role.
const INDENT: &str = "           ";

/// The findings as a list pane, and the answer it was laid out from.
#[derive(Debug, Clone)]
pub struct ExternalView {
    pub pane: Pane,
    /// The graph's answer, kept to lay the pane out again at another width; `None` while it
    /// is worked out.
    pub answer: Option<(Arc<TrustGraph>, Arc<ExternalAccess>)>,
}

impl ExternalView {
    /// Moves, opens the finding's role, simulates its hop, or closes.
    pub fn handle(&mut self, command: &Command, world: &mut World) -> Outcome {
        hop_list(&mut self.pane, command, world)
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, focused: bool, theme: Theme) {
        render_hops(frame, area, &self.pane, focused, theme);
    }
}

/// The view while its findings are worked out.
#[must_use]
pub fn pending(world: &World) -> ExternalView {
    let text = if world.graph.get().is_some() {
        "working out who outside the loaded accounts can get in…"
    } else {
        "working out who outside the loaded accounts can get in… (the trust graph is built once, then kept)"
    };
    ExternalView {
        pane: access::pending_pane(TITLE, text),
        answer: None,
    }
}

fn who(graph: &TrustGraph, kind: ExternalKind, principal: NodeId) -> String {
    let node = graph.node(principal);
    match kind {
        ExternalKind::Account => format!("account {}", node.id),
        ExternalKind::Principal => format!("outside principal {}", node.id),
        ExternalKind::Everyone => "anyone (\"*\")".to_owned(),
        ExternalKind::Federated => format!("federated users of {}", node.name),
    }
}

fn role_label(graph: &TrustGraph, role: NodeId) -> String {
    format!(
        "{} ({})",
        short(graph, role),
        graph.node(role).account.as_deref().unwrap_or("?")
    )
}

/// The hop of a service into a role it trusts: the graph's edge when it has one, else the
/// bare call.
fn service_hop(world: &World, graph: &TrustGraph, role: NodeId, service: &str) -> Option<Prefill> {
    let from = graph.node_id(service);
    let edge = from.and_then(|s| {
        graph
            .edges_into(role)
            .edges
            .into_iter()
            .find(|e| e.from == s)
    });
    if let Some(p) = edge.and_then(|e| prefill(world, graph, &e)) {
        return Some(p);
    }
    let role = *world
        .inventory
        .index
        .role_by_arn
        .get(&graph.node(role).id)?;
    Some(Prefill {
        caller: Caller::Service {
            name: service.to_owned(),
        },
        caller_label: format!("service {service}"),
        role,
        request: crate::engine::graph::WitnessRequest::default(),
        note: None,
        token: Vec::new(),
    })
}

/// The findings as a list pane: one selectable line per finding (status, role, outside
/// principal), its call and conditions beneath; then the confused deputies.
#[must_use]
pub fn pane(world: &World, graph: &TrustGraph, answer: &ExternalAccess) -> Pane {
    let width = text_width(world.width);
    let mut pane = Pane {
        title: TITLE.to_owned(),
        list: true,
        ..Pane::default()
    };
    let mut lines: Vec<TextLine> = Vec::new();
    let active = answer.findings.iter().filter(|f| f.edge.works()).count();
    let unknown = answer
        .findings
        .iter()
        .filter(|f| f.edge.status.is_unknown())
        .count();
    lines.push(vec![(
        Tok::Heading,
        if unknown == 0 {
            format!(
                "── {} finding(s): {active} active · {} blocked ──",
                answer.findings.len(),
                answer.findings.len() - active
            )
        } else {
            format!(
                "── {} finding(s): {active} active · {} blocked · {unknown} unknown ──",
                answer.findings.len(),
                answer.findings.len() - active - unknown
            )
        },
    )]);
    if answer.findings.is_empty() {
        lines.push(vec![(
            Tok::Plain,
            "none: no role can be assumed from outside the loaded accounts".to_owned(),
        )]);
    }
    let role_w = answer
        .findings
        .iter()
        .map(|f| role_label(graph, f.role).chars().count())
        .chain(
            answer
                .confused_deputies
                .iter()
                .map(|d| role_label(graph, d.role).chars().count()),
        )
        .max()
        .unwrap_or(0)
        .min(48);
    for f in &answer.findings {
        let (status, tok) = if f.edge.works() {
            ("active ", Tok::Str)
        } else if f.edge.status.is_unknown() {
            ("unknown", Tok::Problem)
        } else {
            ("blocked", Tok::Problem)
        };
        if let Some(p) = prefill(world, graph, &f.edge) {
            pane.rows.push((lines.len(), p.into()));
        }
        lines.push(vec![
            (Tok::Plain, "  ".to_owned()),
            (tok, format!("{status}  ")),
            (Tok::Key, format!("{:<role_w$}", role_label(graph, f.role))),
            (
                Tok::Plain,
                format!("  ← {}", who(graph, f.kind, f.principal)),
            ),
        ]);
        let tok = if f.edge.works() {
            Tok::Str
        } else {
            Tok::Problem
        };
        let call = format!("{}  [{}]", f.edge.api.via(), badges(&f.edge));
        for l in wrap(&call, width) {
            lines.push(vec![(Tok::Plain, INDENT.to_owned()), (tok, l)]);
        }
        if let EdgeStatus::Broken { message, .. } = &f.edge.status {
            for l in wrap(message, width) {
                lines.push(vec![(Tok::Plain, INDENT.to_owned()), (Tok::Problem, l)]);
            }
        }
    }
    lines.push(vec![(
        Tok::Heading,
        format!(
            "── confused deputy: {} role(s) trust a service without aws:SourceAccount or aws:SourceArn ──",
            answer.confused_deputies.len()
        ),
    )]);
    if answer.confused_deputies.is_empty() {
        lines.push(vec![(
            Tok::Plain,
            "none: every service trust says which account or resource it acts for".to_owned(),
        )]);
    }
    for d in &answer.confused_deputies {
        if let Some(p) = service_hop(world, graph, d.role, &d.service) {
            pane.rows.push((lines.len(), p.into()));
        }
        lines.push(vec![
            (Tok::Plain, "  ".to_owned()),
            (Tok::Lit, "deputy   ".to_owned()),
            (Tok::Key, format!("{:<role_w$}", role_label(graph, d.role))),
            (Tok::Plain, format!("  ← service {}", d.service)),
        ]);
        lines.push(vec![(
            Tok::Plain,
            format!(
                "{INDENT}statement {}: add a condition on aws:SourceAccount or aws:SourceArn",
                d.trust_statement
            ),
        )]);
    }
    access::fill_pane(&mut pane, lines);
    pane
}

/// The external-access view's keys.
#[must_use]
pub fn keys() -> Vec<Binding> {
    let mut t = hop_list_keys("open the finding's role");
    t.extend(movement_keys());
    t.push(b(vec![c('?')], "?", "help", false, Command::ToggleHelp));
    t.push(esc_key("close"));
    t
}
