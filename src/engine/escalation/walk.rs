//! Paths that mix assume-role hops (the trust graph's) and escalation edges.
//!
//! The trust graph is asked only through its public queries — the hops out of a principal
//! ([`TrustGraph::hops_from`], each made an edge only when a path takes it) and into a role
//! ([`TrustGraph::edges_into`]) — so its indexes stay its own. Escalation edges come from an
//! [`EscalationSource`]: every edge decided up front ([`Escalations`]) or each principal's
//! when the walk meets it ([`super::LazyEscalations`]), with the same answers. Walks are
//! breadth-first over both kinds of step, so each path found is a shortest one; a
//! self-escalation ends a path (the caller is then an administrator).

use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;

pub use super::lazy::EscalationSource;
use super::{EscalationEdge, Escalations};
use crate::engine::graph::recent::Recent;
use crate::engine::graph::{Edge, EdgeStatus, FastMap as HashMap, NodeId, TrustGraph};

/// One step of a mixed path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "edge")]
pub enum Step {
    /// An `sts:AssumeRole*` hop of the trust graph (shared by every path through it).
    Assume(Arc<Edge>),
    /// An escalation edge.
    Escalate(Arc<EscalationEdge>),
}

impl Step {
    #[must_use]
    pub fn from(&self) -> NodeId {
        match self {
            Self::Assume(e) => e.from,
            Self::Escalate(e) => e.from,
        }
    }

    #[must_use]
    pub fn to(&self) -> NodeId {
        match self {
            Self::Assume(e) => e.to,
            Self::Escalate(e) => e.to,
        }
    }

    #[must_use]
    pub fn status(&self) -> &EdgeStatus {
        match self {
            Self::Assume(e) => &e.status,
            Self::Escalate(e) => &e.status,
        }
    }

    #[must_use]
    pub fn is_escalation(&self) -> bool {
        matches!(self, Self::Escalate(_))
    }

    /// Badges: the assume hop's, or the technique and the escalation's requirements.
    #[must_use]
    pub fn badges(&self) -> Vec<String> {
        match self {
            Self::Assume(e) => e.badges(),
            Self::Escalate(e) => e.badges(),
        }
    }
}

/// A path of steps, the first from the starting principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct StepPath {
    pub steps: Vec<Step>,
}

impl StepPath {
    #[must_use]
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// True when some step is an escalation edge (not only assume-role hops).
    #[must_use]
    pub fn has_escalation(&self) -> bool {
        self.steps.iter().any(Step::is_escalation)
    }

    /// True when every step works (none unknown).
    #[must_use]
    pub fn works(&self) -> bool {
        self.steps.iter().all(|s| *s.status() == EdgeStatus::Works)
    }
}

/// Which steps a walk follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    /// Working steps only.
    Working,
    /// Working steps and steps whose answer turns on data that is not loaded.
    WorkingOrUnknown,
}

impl Follow {
    pub(crate) fn takes(self, s: &EdgeStatus) -> bool {
        match s {
            EdgeStatus::Works => true,
            EdgeStatus::Unknown { .. } => self == Self::WorkingOrUnknown,
            EdgeStatus::Broken { .. } => false,
        }
    }
}

/// A principal reached, with the shortest mixed path to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRow {
    pub principal: NodeId,
    pub path: StepPath,
}

/// What a principal can reach over both kinds of step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MixedReach {
    pub from: NodeId,
    /// Every principal reached (not the start), shortest path first.
    pub rows: Vec<StepRow>,
    /// The shortest path to administrator: to a principal that is one, or ending in a
    /// self-escalation. `None` when there is none within the depth.
    pub to_admin: Option<StepPath>,
}

/// The principals a walk has met, one flag per node of the graph (a walk asks for each
/// candidate target of every principal it takes, hundreds of thousands of times).
struct Seen(Vec<bool>);

impl Seen {
    fn new(g: &TrustGraph) -> Self {
        Self(vec![false; g.node_count()])
    }

    fn contains(&self, n: &NodeId) -> bool {
        self.0.get(n.index()).copied().unwrap_or(false)
    }

    fn insert(&mut self, n: NodeId) {
        if let Some(x) = self.0.get_mut(n.index()) {
            *x = true;
        }
    }
}

fn steps_in<E: EscalationSource + ?Sized>(
    g: &TrustGraph,
    esc: &E,
    node: NodeId,
    follow: Follow,
    wanted: &dyn Fn(NodeId) -> bool,
) -> Vec<Step> {
    let mut out: Vec<Step> = if g.role(node).is_some() {
        g.edges_into(node)
            .edges
            .into_iter()
            .filter(|e| follow.takes(&e.status) && e.from != node && wanted(e.from))
            .map(|e| Step::Assume(Arc::new(e)))
            .collect()
    } else {
        Vec::new()
    };
    out.extend(
        esc.escalations_in_from(node, wanted)
            .into_iter()
            .filter(|e| follow.takes(&e.status) && !e.is_self())
            .map(Step::Escalate),
    );
    out
}

/// Recent answers of the walks over one source, kept so that asking again costs a lookup
/// (bounded by the steps they hold: see [`crate::engine::graph::recent`]).
#[derive(Debug, Default)]
pub struct WalkAnswers {
    reaches: Recent<(NodeId, usize, Follow), MixedReach>,
    paths: Recent<(NodeId, NodeId, usize, Follow), Option<Arc<StepPath>>>,
    callers: Recent<(NodeId, usize, Follow), Vec<StepRow>>,
}

fn steps_held(rows: &[StepRow]) -> usize {
    rows.iter().map(|r| r.path.len()).sum()
}

/// Everything `from` can reach in at most `max_depth` steps of either kind. Recent answers
/// are kept where the source keeps them ([`EscalationSource::answers`]).
#[must_use]
pub fn reach<E: EscalationSource + ?Sized>(
    g: &TrustGraph,
    esc: &E,
    from: NodeId,
    max_depth: usize,
    follow: Follow,
) -> Arc<MixedReach> {
    let walk = || reach_until(g, esc, from, max_depth, follow, None);
    match esc.answers() {
        Some(kept) => kept
            .reaches
            .get_or_make((from, max_depth, follow), walk, |r| {
                steps_held(&r.rows) + r.to_admin.as_ref().map_or(0, StepPath::len)
            }),
        None => Arc::new(walk()),
    }
}

/// The assume-role hops out of `node` that a walk takes into principals `unseen` keeps.
fn assumed_steps(
    g: &TrustGraph,
    node: NodeId,
    unseen: &dyn Fn(NodeId) -> bool,
    follow: Follow,
) -> Vec<Step> {
    let hops = g.hops_from_into(node, unseen);
    hops.iter()
        .filter_map(|h| {
            let takes =
                h.to != node && unseen(h.to) && hops.status(h).is_some_and(|s| follow.takes(s));
            takes
                .then(|| hops.edge(h).map(|e| Step::Assume(Arc::new(e))))
                .flatten()
        })
        .collect()
}

/// Where a walk toward one principal stops: the principal, and the first step into it out
/// of each principal with one (in the order a walk forwards takes a principal's steps:
/// assume-role hops, then escalation edges).
struct Stop {
    at: NodeId,
    last: HashMap<NodeId, Step>,
}

impl Stop {
    fn new<E: EscalationSource + ?Sized>(
        g: &TrustGraph,
        esc: &E,
        at: NodeId,
        follow: Follow,
    ) -> Self {
        let mut last: HashMap<NodeId, Step> = HashMap::default();
        for step in steps_in(g, esc, at, follow, &|_| true) {
            last.entry(step.from()).or_insert(step);
        }
        Self { at, last }
    }
}

/// [`reach`], stopping as soon as `stop` is reached (its row is then the last one, with the
/// path [`reach`] gives it: rows are found in breadth-first order).
///
/// A walk toward one principal does not take the steps of the principals one step short of
/// it: when a level of the walk begins, the first principal of the level with a step into
/// the stop (in the walk's order) is the one whose steps would reach it first, and that
/// step is the one the walk would take, so the path ends there. Principals of the level
/// without such a step would only lead elsewhere.
fn reach_until<E: EscalationSource + ?Sized>(
    g: &TrustGraph,
    esc: &E,
    from: NodeId,
    max_depth: usize,
    follow: Follow,
    stop: Option<&Stop>,
) -> MixedReach {
    let mut rows: Vec<StepRow> = Vec::new();
    let mut seen = Seen::new(g);
    seen.insert(from);
    let mut queue: VecDeque<(NodeId, Option<usize>)> = VecDeque::from([(from, None)]);
    let mut to_admin: Option<StepPath> = None;
    let path_to = |rows: &[StepRow], at: Option<usize>| -> Vec<Step> {
        at.and_then(|i| rows.get(i))
            .map(|r| r.path.steps.clone())
            .unwrap_or_default()
    };
    // Only a whole reach tells the way to administrator: a walk toward one principal
    // does not ask whether each principal it meets is one.
    let wants_admin = stop.is_none();
    // The depth of the level whose principals were last looked at for a step into the stop.
    let mut level: Option<usize> = None;
    if wants_admin && esc.admin(from) {
        to_admin = Some(StepPath::default());
    }
    // Principals with the same hops out as one already walked, and escalation edges out
    // that lead where the walked one's did (none, or a class's: see
    // [`EscalationSource::walk_class`]): every step of theirs leads where the walked one's
    // did, to principals already seen, at no lesser depth (the walk is breadth-first).
    let mut walked: std::collections::HashSet<(crate::engine::graph::OutClass, u32)> =
        std::collections::HashSet::new();
    // The class of principals with no escalation edge out.
    let no_edges = 0;
    // Classes of [`EscalationSource::walk_class`] one member of which the walk has taken the
    // steps of: another member's escalation edges lead where that one's did (but into that
    // one, already reached), to principals already seen.
    let mut classes_walked: std::collections::HashSet<u32> = std::collections::HashSet::new();
    while let Some((node, at)) = queue.pop_front() {
        let depth = at.map_or(0, |i| rows[i].path.len());
        if depth >= max_depth {
            continue;
        }
        if let Some(stop) = stop
            && level.is_none_or(|l| l < depth)
        {
            level = Some(depth);
            let first = std::iter::once(&(node, at))
                .chain(queue.iter())
                .find_map(|(n, i)| stop.last.get(n).map(|s| (*i, s)));
            if let Some((i, step)) = first {
                let mut steps = path_to(&rows, i);
                steps.push(step.clone());
                rows.push(StepRow {
                    principal: stop.at,
                    path: StepPath { steps },
                });
                return MixedReach {
                    from,
                    rows,
                    to_admin,
                };
            }
        }
        let alike = g.same_hops_out(node);
        let class = esc.walk_class(node);
        if let Some(k) = class
            && !walked.insert((alike, k))
        {
            continue;
        }
        let unseen = |to: NodeId| !seen.contains(&to);
        // A member of a class walked already: only its hops out may lead somewhere new.
        let class_walked = class.is_some_and(|k| k != no_edges && !classes_walked.insert(k));
        // A principal whose hops out are a walked one's: they lead to principals already
        // reached, so only its escalation edges may lead somewhere new.
        let repeat = class.is_none() && !walked.insert((alike, no_edges));
        // An edge into a principal already reached leads nowhere new, and the walk takes only
        // the first step into each principal (hops, then escalation edges).
        let (assumed, out) = if repeat {
            let out = esc.escalations_out_into(node, &unseen, Some(follow));
            if out.is_empty() {
                continue;
            }
            (assumed_steps(g, node, &unseen, follow), out)
        } else if class_walked {
            (assumed_steps(g, node, &unseen, follow), Vec::new())
        } else {
            let assumed = assumed_steps(g, node, &unseen, follow);
            let hopped: crate::engine::graph::FastSet<NodeId> =
                assumed.iter().map(Step::to).collect();
            let out = esc.escalations_out_into(
                node,
                &|to| unseen(to) && !hopped.contains(&to),
                Some(follow),
            );
            (assumed, out)
        };
        let escalated = out
            .into_iter()
            .filter(|e| follow.takes(&e.status))
            .map(Step::Escalate);
        for step in assumed.into_iter().chain(escalated) {
            if let Step::Escalate(e) = &step
                && e.is_self()
            {
                if to_admin.as_ref().is_none_or(|p| p.len() > depth + 1) {
                    let mut steps = path_to(&rows, at);
                    steps.push(step.clone());
                    to_admin = Some(StepPath { steps });
                }
                continue;
            }
            let to = step.to();
            if seen.contains(&to) {
                continue;
            }
            let mut steps = path_to(&rows, at);
            steps.push(step);
            let path = StepPath { steps };
            // A shorter way to administrator is known already: `to` is not asked.
            if wants_admin
                && to_admin.as_ref().is_none_or(|p| p.len() > path.len())
                && esc.admin(to)
            {
                to_admin = Some(path.clone());
            }
            seen.insert(to);
            queue.push_back((to, Some(rows.len())));
            rows.push(StepRow {
                principal: to,
                path,
            });
            if stop.is_some_and(|s| s.at == to) {
                return MixedReach {
                    from,
                    rows,
                    to_admin,
                };
            }
        }
    }
    MixedReach {
        from,
        rows,
        to_admin,
    }
}

/// The shortest mixed path from `from` to `to`, if any within `max_depth` steps.
#[must_use]
pub fn path<E: EscalationSource + ?Sized>(
    g: &TrustGraph,
    esc: &E,
    from: NodeId,
    to: NodeId,
    max_depth: usize,
    follow: Follow,
) -> Option<Arc<StepPath>> {
    let walk = || {
        if to == from {
            return None;
        }
        let stop = Stop::new(g, esc, to, follow);
        reach_until(g, esc, from, max_depth, follow, Some(&stop))
            .rows
            .into_iter()
            .find(|r| r.principal == to)
            .map(|r| Arc::new(r.path))
    };
    match esc.answers() {
        Some(kept) => (*kept
            .paths
            .get_or_make((from, to, max_depth, follow), walk, |p| {
                p.as_ref().map_or(0, |p| p.len())
            }))
        .clone(),
        None => walk(),
    }
}

/// Who can reach any of `targets` in at most `max_depth` steps, each with its shortest path
/// (ending at a target); `starts` are the paths the targets themselves begin with (empty, or
/// a self-escalation).
fn reach_back<E: EscalationSource + ?Sized>(
    g: &TrustGraph,
    esc: &E,
    starts: Vec<(NodeId, StepPath)>,
    max_depth: usize,
    follow: Follow,
) -> Vec<StepRow> {
    let mut rows: Vec<StepRow> = Vec::new();
    let mut seen = Seen::new(g);
    let mut queue: VecDeque<usize> = VecDeque::new();
    for (node, path) in starts {
        if seen.contains(&node) {
            continue;
        }
        seen.insert(node);
        queue.push_back(rows.len());
        rows.push(StepRow {
            principal: node,
            path,
        });
    }
    while let Some(i) = queue.pop_front() {
        let (node, depth) = (rows[i].principal, rows[i].path.len());
        if depth >= max_depth {
            continue;
        }
        // A principal already reached has its row: its steps into `node` are not asked.
        for step in steps_in(g, esc, node, follow, &|from| !seen.contains(&from)) {
            let from = step.from();
            if seen.contains(&from) {
                continue;
            }
            let mut steps = vec![step];
            steps.extend(rows[i].path.steps.iter().cloned());
            seen.insert(from);
            queue.push_back(rows.len());
            rows.push(StepRow {
                principal: from,
                path: StepPath { steps },
            });
        }
    }
    rows
}

/// Who can reach `target` over both kinds of step, shortest path first (the target itself
/// left out).
#[must_use]
pub fn who_can_reach<E: EscalationSource + ?Sized>(
    g: &TrustGraph,
    esc: &E,
    target: NodeId,
    max_depth: usize,
    follow: Follow,
) -> Arc<Vec<StepRow>> {
    let walk = || {
        let mut rows = reach_back(
            g,
            esc,
            vec![(target, StepPath::default())],
            max_depth,
            follow,
        );
        rows.retain(|r| r.principal != target);
        rows
    };
    match esc.answers() {
        Some(kept) => kept
            .callers
            .get_or_make((target, max_depth, follow), walk, |r| steps_held(r)),
        None => Arc::new(walk()),
    }
}

/// An administrator, or a principal that can become one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdminRow {
    pub principal: NodeId,
    /// True when it is an administrator itself.
    pub admin: bool,
    /// The shortest way to administrator: empty for an administrator.
    pub path: StepPath,
}

/// Administrators, then every principal that can become one within `max_depth` steps,
/// shortest path first (AWS service principals left out).
#[must_use]
pub fn admins(
    g: &TrustGraph,
    esc: &Escalations,
    max_depth: usize,
    follow: Follow,
) -> Vec<AdminRow> {
    let mut starts: Vec<(NodeId, StepPath)> = esc
        .admins
        .iter()
        .filter(|(_, s)| s.is_admin())
        .map(|(n, _)| (*n, StepPath::default()))
        .collect();
    for e in &esc.edges {
        if e.is_self() && follow.takes(&e.status) {
            starts.push((
                e.from,
                StepPath {
                    steps: vec![Step::Escalate(Arc::clone(e))],
                },
            ));
        }
    }
    reach_back(g, esc, starts, max_depth, follow)
        .into_iter()
        // A service assuming a role is not a principal becoming administrator.
        .filter(|r| g.node(r.principal).kind != crate::engine::graph::NodeKind::Service)
        .map(|r| AdminRow {
            admin: r.path.is_empty(),
            principal: r.principal,
            path: r.path,
        })
        .collect()
}
