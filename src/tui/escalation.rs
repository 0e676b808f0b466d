//! Escalation hops in the explorer: the ways one principal gains another's permissions (or
//! more of its own) other than assuming a role — `iam:PassRole` to a compute service, an
//! access key or a console password for another user, a rewritten trust policy, a policy
//! attached to oneself, a new policy version, a group joined, a boundary removed. The reach
//! tree, the path view and the "who can assume" list show them beside the assume-role hops,
//! marked `⇪` with the actions the technique needs, exactly as the CLI's `reach`, `path` and
//! `who-can-assume` answer (the same engine walks, the same filters).
//!
//! Everything here comes from the engine's answers (its mixed walks [`walk::reach`],
//! [`walk::path`], [`walk::who_can_reach`] over [`LazyEscalations`], which decide the
//! principals a walk meets, as the CLI does), worked out off the loop. Nothing here draws:
//! the lines are tokens, the explain view lays them out.

use std::collections::HashMap;
use std::sync::Arc;

use crate::engine::escalation::walk::{self, Follow, MixedReach, StepPath, StepRow};
use crate::engine::escalation::{AdminStatus, EscalationEdge, LazyEscalations, Step};
use crate::engine::graph::{
    EdgeStatus, MAX_PATH_DEPTH, NodeId, NodeKind, Paths, Reach, TrustGraph, WhoCanAssume,
};
use crate::engine::model::Inventory;
use crate::engine::policy::decision::Outcome;
use crate::tui::widgets::text::{TextLine, Tok};

/// The mark of an escalation hop, wherever one is listed.
pub const GLYPH: &str = "⇪";

/// Whether the principals an answer's escalation hops lead to are administrators, decided
/// with the answer (off the loop).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets(HashMap<NodeId, AdminStatus>);

impl Targets {
    /// The administrator status of every principal the escalation hops of `edges` gain.
    fn of<'a>(
        esc: &LazyEscalations<'_>,
        edges: impl IntoIterator<Item = &'a Arc<EscalationEdge>>,
    ) -> Self {
        let mut out = HashMap::new();
        for e in edges {
            if let std::collections::hash_map::Entry::Vacant(v) = out.entry(e.to)
                && let Some(s) = esc.admin_status(e.to)
            {
                v.insert(s);
            }
        }
        Self(out)
    }

    /// The escalation edges of a mixed path.
    fn edges(path: &StepPath) -> impl Iterator<Item = &Arc<EscalationEdge>> {
        path.steps.iter().filter_map(|s| match s {
            Step::Escalate(e) => Some(e),
            Step::Assume(_) => None,
        })
    }

    #[must_use]
    pub fn admin_status(&self, n: NodeId) -> Option<&AdminStatus> {
        self.0.get(&n)
    }
}

/// One escalation hop, made ready for the explorer's lines and its explain view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationHop {
    pub edge: Arc<EscalationEdge>,
    /// The caller's short name and ARN.
    pub from: String,
    pub from_arn: String,
    /// The principal gained: its short name and ARN (the caller's own for a
    /// self-escalation), and its kind.
    pub to: String,
    pub to_arn: String,
    pub to_kind: NodeKind,
    /// The role gained, as an index into the inventory's roles, when it is one.
    pub role: Option<usize>,
    /// Whether the principal gained is an administrator (`None`: not a loaded user or role).
    pub to_admin: Option<AdminStatus>,
}

impl EscalationHop {
    /// The hop for `edge` of the graph's escalations.
    #[must_use]
    pub fn new(
        inventory: &Inventory,
        graph: &TrustGraph,
        targets: &Targets,
        edge: &Arc<EscalationEdge>,
    ) -> Self {
        let (from, to) = (graph.node(edge.from), graph.node(edge.to));
        Self {
            edge: Arc::clone(edge),
            from: from.name.clone(),
            from_arn: from.id.clone(),
            to: to.name.clone(),
            to_arn: to.id.clone(),
            to_kind: to.kind,
            role: inventory.index.role_by_arn.get(&to.id).copied(),
            to_admin: targets.admin_status(edge.to).cloned(),
        }
    }

    /// What the hop leads to, for a line: the principal, or `administrator` for a
    /// self-escalation.
    #[must_use]
    pub fn target(&self) -> String {
        if self.edge.is_self() {
            "administrator".to_owned()
        } else {
            self.to.clone()
        }
    }
}

/// The actions the hop needs, in order: `iam:PassRole → lambda:CreateFunction →
/// lambda:InvokeFunction`.
#[must_use]
pub fn actions(edge: &EscalationEdge) -> String {
    let mut out: Vec<&str> = Vec::new();
    for g in &edge.grants {
        if !out.contains(&g.action.as_str()) {
            out.push(&g.action);
        }
    }
    out.join(" → ")
}

/// The badges of an escalation hop: the technique, then what it needs and its status.
#[must_use]
pub fn badges(edge: &EscalationEdge) -> String {
    edge.badges().join(", ")
}

/// An escalation hop as a line of a hop list: `  ⇪ intern.build ⇒ lambda-admin-exec
/// iam:PassRole → lambda:CreateFunction → lambda:InvokeFunction  [pass-role-lambda]`.
#[must_use]
pub fn hop_line(hop: &EscalationHop) -> TextLine {
    let tok = if hop.edge.works() {
        Tok::Str
    } else {
        Tok::Problem
    };
    vec![
        (Tok::Plain, "  ".to_owned()),
        (Tok::Lit, format!("{GLYPH} ")),
        (Tok::Plain, format!("{} ⇒ {}  ", hop.from, hop.target())),
        (Tok::Lit, format!("{GLYPH} {}", actions(&hop.edge))),
        (Tok::Plain, "  ".to_owned()),
        (tok, format!("[{}]", badges(&hop.edge))),
    ]
}

/// `alice → OpsEntry ⇒ lambda-admin-exec`: assume-role hops as `→`, escalation hops as `⇒`
/// (a self-escalation ends in `administrator`).
#[must_use]
pub fn steps_text(graph: &TrustGraph, path: &StepPath) -> String {
    let mut out = String::new();
    for (i, s) in path.steps.iter().enumerate() {
        if i == 0 {
            out.push_str(&graph.node(s.from()).name);
        }
        match s {
            Step::Assume(e) => {
                out.push_str(" → ");
                out.push_str(&graph.node(e.to).name);
            }
            Step::Escalate(e) => {
                out.push_str(" ⇒ ");
                if e.is_self() {
                    out.push_str("administrator");
                } else {
                    out.push_str(&graph.node(e.to).name);
                }
            }
        }
    }
    out
}

/// The escalation part of a reach tree, as `rolescope reach` answers it.
#[derive(Debug, Clone, Default)]
pub struct ReachEscalation {
    pub targets: Arc<Targets>,
    /// The principals reached only through escalation hops (those assume-role hops reach
    /// are the tree's own), each with its shortest mixed path.
    pub through: Vec<StepRow>,
    /// The shortest way to administrator, when it ends with the principal granting itself
    /// more (a self-escalation); a way that ends at an administrator is a row.
    pub to_admin: Option<StepPath>,
    /// The escalation edges out of the start that do not work (broken or unknown), as
    /// `rolescope escalation` lists them.
    pub refused: Vec<Arc<EscalationEdge>>,
}

/// What `from` can reach, as `rolescope reach` answers it: by assume-role hops alone, and
/// through escalation hops (the working steps of both kinds up to `max_depth`), the two
/// worked out side by side (see [`crate::engine::graph::side_by_side`]).
#[must_use]
pub fn reach_with_part(
    graph: &TrustGraph,
    esc: &LazyEscalations<'_>,
    from: NodeId,
    max_depth: usize,
) -> (Arc<Reach>, ReachEscalation) {
    let (reach, mixed) = crate::engine::graph::side_by_side(
        || graph.reach(from, max_depth),
        || walk::reach(graph, esc, from, max_depth.max(1), Follow::Working),
    );
    let part = reach_part(esc, from, &reach, &mixed);
    (reach, part)
}

/// What `from` reaches through escalation hops (`mixed`, the walk over both kinds of step),
/// beside `reach` (its assume-role answer).
fn reach_part(
    esc: &LazyEscalations<'_>,
    from: NodeId,
    reach: &Reach,
    mixed: &MixedReach,
) -> ReachEscalation {
    let assumed: crate::engine::graph::FastSet<NodeId> =
        reach.rows.iter().map(|x| x.role).collect();
    let through: Vec<StepRow> = mixed
        .rows
        .iter()
        .filter(|r| r.path.has_escalation() && !assumed.contains(&r.principal))
        .cloned()
        .collect();
    let to_admin = mixed
        .to_admin
        .clone()
        .filter(|p| matches!(p.steps.last(), Some(Step::Escalate(e)) if e.is_self()));
    let refused: Vec<Arc<EscalationEdge>> = esc
        .edges_from(from)
        .into_iter()
        .filter(|e| !e.works())
        .collect();
    let targets = Targets::of(
        esc,
        through
            .iter()
            .flat_map(|r| Targets::edges(&r.path))
            .chain(to_admin.iter().flat_map(Targets::edges))
            .chain(&refused),
    );
    ReachEscalation {
        targets: Arc::new(targets),
        through,
        to_admin,
        refused,
    }
}

/// Who can assume `role`, as `rolescope who-can-assume` lists them: by assume-role hops
/// alone, and the principals that get to it only through escalation hops, the two worked
/// out side by side (see [`crate::engine::graph::side_by_side`]).
#[must_use]
pub fn who_with_part(
    graph: &TrustGraph,
    esc: &LazyEscalations<'_>,
    role: NodeId,
    max_depth: usize,
) -> (WhoCanAssume, Vec<StepRow>, Targets) {
    let (who, reaching) = crate::engine::graph::side_by_side(
        || graph.who_can_assume(role, max_depth),
        || walk::who_can_reach(graph, esc, role, max_depth.max(1), Follow::Working),
    );
    let assume: crate::engine::graph::FastSet<NodeId> =
        who.rows.iter().map(|x| x.principal).collect();
    let rows: Vec<StepRow> = reaching
        .iter()
        .filter(|r| r.path.has_escalation() && !assume.contains(&r.principal))
        .cloned()
        .collect();
    let targets = Targets::of(esc, rows.iter().flat_map(|r| Targets::edges(&r.path)));
    (who, rows, targets)
}

/// The paths from `from` to `to`, as `rolescope path` gives them: by assume-role hops, and
/// the shortest path when it takes an escalation hop (within the same depth), the two
/// worked out side by side (see [`crate::engine::graph::side_by_side`]).
#[must_use]
pub fn paths_with_part(
    graph: &TrustGraph,
    esc: &LazyEscalations<'_>,
    from: NodeId,
    to: NodeId,
    max_depth: usize,
) -> (Arc<Paths>, Option<StepPath>, Targets) {
    let (paths, path) = crate::engine::graph::side_by_side(
        || graph.paths(from, to, max_depth),
        || {
            walk::path(
                graph,
                esc,
                from,
                to,
                max_depth.clamp(1, MAX_PATH_DEPTH),
                Follow::Working,
            )
        },
    );
    let path = path
        .filter(|p| p.has_escalation())
        .map(|p| StepPath::clone(&p));
    let targets = Targets::of(esc, path.iter().flat_map(Targets::edges));
    (paths, path, targets)
}

/// A line's word for an action's decision: `✓ allowed`, `✗ explicitly denied`, `? unknown`.
fn decided(outcome: Outcome) -> (Tok, String) {
    match outcome {
        Outcome::Allow => (Tok::Str, format!("✓ {}", outcome.as_str())),
        Outcome::Unknown => (Tok::Problem, format!("? {}", outcome.as_str())),
        Outcome::ExplicitDeny | Outcome::ImplicitDeny => {
            (Tok::Problem, format!("✗ {}", outcome.as_str()))
        }
    }
}

/// One labelled paragraph of the explain view: the label, then its text (wrapped when drawn).
pub type Paragraph = (&'static str, Vec<(Tok, String)>);

/// What the explain view says of `hop`, for administrators: the technique and what it
/// does, what the caller gains (`gains`: what the principal gained may do), every action it
/// needs with the policy engine's decision and the statement that allows it, what else
/// must hold, whether it works, where the technique is documented, and how to close it.
#[must_use]
pub fn explain(hop: &EscalationHop, gains: &str) -> Vec<Paragraph> {
    let e = &hop.edge;
    let t = e.technique;
    let mut out: Vec<Paragraph> = vec![
        (
            "Technique",
            vec![
                (Tok::Key, t.name().to_owned()),
                (Tok::Plain, format!(" ({})", t.family().word())),
            ],
        ),
        (
            "What is done",
            vec![(Tok::Plain, format!("{}: {}", hop.from, t.explain()))],
        ),
    ];
    let gain = if e.is_self() {
        format!(
            "{} becomes an administrator: allowed `*` on `*` after every layer (identity policies, boundary, SCPs)",
            hop.from
        )
    } else {
        let admin = match &hop.to_admin {
            Some(AdminStatus::Yes { mfa: false }) => {
                " — an administrator (allowed `*` on `*`)".to_owned()
            }
            Some(AdminStatus::Yes { mfa: true }) => {
                " — an administrator when signed in with MFA".to_owned()
            }
            _ => format!("; it may do: {gains}"),
        };
        format!(
            "every permission of {} {}{admin}; and every role it can assume in turn (its reach tree)",
            hop.to_kind.word(),
            hop.to_arn
        )
    };
    out.push(("Gains", vec![(Tok::Plain, gain)]));
    if let Some(o) = &e.object {
        out.push(("Acts on", vec![(Tok::Str, o.clone())]));
    }
    for (i, g) in e.grants.iter().enumerate() {
        let label = if i == 0 { "Actions needed" } else { "" };
        let mut line = vec![
            (Tok::Key, g.action.clone()),
            (Tok::Plain, format!(" on {}", g.resource)),
        ];
        if let Some(s) = &g.passed_to_service {
            line.push((Tok::Plain, format!(" (iam:PassedToService = {s})")));
        }
        line.push((Tok::Plain, ": ".to_owned()));
        line.push(decided(g.outcome));
        match &g.statement {
            Some(st) => line.push((Tok::Plain, format!(" by {st}"))),
            None => line.push((Tok::Plain, " (no identity statement allows it)".to_owned())),
        }
        if g.mfa {
            line.push((Tok::Lit, " — only with MFA".to_owned()));
        }
        out.push((label, line));
    }
    let conditions = if e.requirements.is_empty() {
        vec![(Tok::Plain, "none".to_owned())]
    } else {
        vec![(Tok::Lit, e.requirements.join(", "))]
    };
    out.push(("Also needs", conditions));
    let status = match &e.status {
        EdgeStatus::Works => vec![(
            Tok::Str,
            "works: every action is allowed after every layer (identity policies, boundary, SCPs)"
                .to_owned(),
        )],
        EdgeStatus::Broken {
            refused_by,
            message,
        } => vec![(
            Tok::Problem,
            match refused_by {
                Some(p) => format!("broken: refused by {}: {message}", p.with_article()),
                None => format!("broken: {message}"),
            },
        )],
        EdgeStatus::Unknown { message, .. } => {
            vec![(Tok::Problem, format!("unknown: {message}"))]
        }
    };
    out.push(("Status", status));
    out.push(("Documented in", vec![(Tok::Plain, t.source().to_owned())]));
    out.push(("To close it", vec![(Tok::Plain, remedy(hop))]));
    out
}

/// How an administrator takes the hop away, in one sentence.
fn remedy(hop: &EscalationHop) -> String {
    let e = &hop.edge;
    let first = e
        .grants
        .iter()
        .find(|g| g.outcome == Outcome::Allow)
        .or_else(|| e.grants.first());
    let which = first.map_or_else(String::new, |g| {
        let by = g
            .statement
            .as_deref()
            .map_or_else(String::new, |s| format!(" ({s})"));
        format!(" `{}`{by}", g.action)
    });
    format!(
        "remove or narrow the statement that allows{which} to {}, or deny it with a permissions boundary or an SCP; the hop is gone once any action it needs is refused",
        hop.from
    )
}
