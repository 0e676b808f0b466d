//! Escalation edges decided when a query meets a principal, not for every principal up front.
//!
//! [`Escalations::compute`] decides every user and role of the loaded accounts; a walk from
//! one principal (reach, path) or back from one role (who can reach it) meets a few of them.
//! [`LazyEscalations`] decides a principal — whether it is an administrator and its edges out
//! — the first time a walk asks, with the same code, and keeps the answer.
//!
//! The edges *into* a principal are the edges out of callers of its account (no technique
//! crosses accounts): only callers whose loaded identity statements may allow every action of
//! a technique that acts on another principal can hold one, and which those are is read off
//! each identity document once (a bit per technique action, [`super::AllowLists`]). So the
//! edges into a principal are the kept edges out of that account's few possible callers,
//! decided once for the account, in node order — the order [`Escalations`] keeps them in.

use crate::engine::graph::{FastMap as HashMap, FastSet as HashSet};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::class::{self, Classes, Others};
use super::walk::Follow;
use super::{
    ActionGrant, AdminStatus, AllowLists, Builder, Checker, EscalationEdge, Escalations, Glance,
    GlanceCache, ListCache, OfNode, ServiceTrusts, Technique, UnknownCaller, allow_lists, glance,
    mask_may_use, no_star, technique,
};
use crate::engine::graph::EdgeStatus;
use crate::engine::graph::{NodeId, TrustGraph};

/// The escalation answers of a trust graph, each principal's decided on first use and kept.
///
/// Gives the same edges, administrators and principals with missing policies as
/// [`Escalations::compute`] (a test holds them side by side), for the principals asked about.
pub struct LazyEscalations<'g> {
    graph: &'g TrustGraph,
    checker: Checker<'g>,
    services: OnceLock<ServiceTrusts>,
    lists: Mutex<ListCache>,
    nodes: Mutex<HashMap<NodeId, Arc<OfNode>>>,
    /// Whether a principal is an administrator, for principals whose edges out are not
    /// all decided.
    admins: Mutex<HashMap<NodeId, AdminStatus>>,
    /// The edges into a principal, once a walk backwards has asked.
    into: Mutex<HashMap<NodeId, Vec<Arc<EscalationEdge>>>>,
    /// Each identity document at a glance (see [`super::glance`]).
    glances: Mutex<GlanceCache>,
    /// Per loaded account: its users and roles that may act on another principal.
    callers: Mutex<HashMap<String, Arc<[NodeId]>>>,
    /// Callers whose edges to others are decided once for all of them (see [`class`]).
    classes: Mutex<Classes>,
    /// Each shared class's edges to others, decided for its first member with the edge
    /// into that member itself.
    shared: Mutex<HashMap<u32, SharedEdges>>,
    /// A shared class's edges into one principal, when its edges are not all decided.
    shared_toward: Mutex<HashMap<(u32, NodeId), SharedEdges>>,
    /// Shared classes a walk forwards has had decided into the principals it wanted only,
    /// once (see [`LazyEscalations::class_edges`]).
    walked_once: Mutex<HashSet<u32>>,
    /// Each principal's allow lists, once asked.
    allows_of: Mutex<HashMap<NodeId, Arc<AllowLists>>>,
    /// Each principal's [`EscalationSource::walk_class`], once asked.
    walk_classes: Mutex<HashMap<NodeId, Option<u32>>>,
    /// The walks' recent answers.
    answers: super::walk::WalkAnswers,
}

/// The value kept in `map` under `key`, made by `make` and kept on first use. The lock is
/// not held while `make` runs (it may ask for other kept values).
fn kept<K: std::hash::Hash + Eq, V: Clone>(
    map: &Mutex<HashMap<K, V>>,
    key: K,
    make: impl FnOnce() -> V,
) -> V {
    if let Some(v) = map.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
        return v.clone();
    }
    let made = make();
    map.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(key)
        .or_insert(made)
        .clone()
}

/// A class's edges, decided once for its first member.
type SharedEdges = Arc<[Arc<EscalationEdge>]>;

/// Shared edges walked as one (see [`EscalationSource::walk_class`]): no edge out at all.
const NO_EDGES: u32 = 0;

/// The techniques that act on a principal other than the caller.
fn on_others() -> impl Iterator<Item = Technique> {
    technique::ALL.iter().copied().filter(|t| !t.is_self())
}

impl<'g> LazyEscalations<'g> {
    /// Decides nothing and compiles nothing yet: a policy is compiled the first time a
    /// request needs it and kept (a principal's are asked about many times when it is
    /// decided, and compiling them for each request costs more).
    #[must_use]
    pub fn new(graph: &'g TrustGraph) -> Self {
        Self {
            graph,
            checker: Checker::new(graph),
            services: OnceLock::new(),
            lists: Mutex::new(ListCache::default()),
            nodes: Mutex::new(HashMap::default()),
            admins: Mutex::new(HashMap::default()),
            into: Mutex::new(HashMap::default()),
            glances: Mutex::new(GlanceCache::default()),
            callers: Mutex::new(HashMap::default()),
            classes: Mutex::new(Classes::default()),
            shared: Mutex::new(HashMap::default()),
            shared_toward: Mutex::new(HashMap::default()),
            walked_once: Mutex::new(HashSet::default()),
            walk_classes: Mutex::new(HashMap::default()),
            answers: super::walk::WalkAnswers::default(),
            allows_of: Mutex::new(HashMap::default()),
        }
    }

    fn loaded(&self, node: NodeId) -> bool {
        let n = self.graph.node(node);
        matches!(
            n.kind,
            crate::engine::graph::NodeKind::User | crate::engine::graph::NodeKind::Role
        ) && n
            .account
            .as_deref()
            .is_some_and(|a| self.graph.is_loaded(a))
    }

    /// `node`'s allow lists, read once and kept (a walk backwards asks about each caller of
    /// an account for every principal it meets there).
    fn allows(&self, node: NodeId) -> Arc<AllowLists> {
        kept(&self.allows_of, node, || {
            let mut cache = self.lists.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::new(allow_lists(self.graph, node, &mut cache))
        })
    }

    /// What is decided of `node`, deciding it on first use (`None`: not a user or role of a
    /// loaded account).
    fn of(&self, node: NodeId) -> Option<Arc<OfNode>> {
        if !self.loaded(node) {
            return None;
        }
        if let Some(of) = self
            .nodes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&node)
        {
            return Some(Arc::clone(of));
        }
        let allows = self.allows(node);
        let mut b = self.builder();
        // Whether it is an administrator may be known already (a walk asks that first).
        let known = self
            .admins
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&node)
            .cloned();
        let admin = known.unwrap_or_else(|| b.admin_of(node, &allows));
        let class = if admin.is_admin() || allows.no_technique() {
            Others::Own
        } else {
            self.others_class(node, &allows)
        };
        let of = Arc::new(match class {
            Others::Own => b.decide_node(node, &allows, admin),
            // Its policies are all loaded (else it is its own class): nothing is missing.
            Others::Nothing | Others::Shared(_) => {
                let mut edges = match class {
                    Others::Shared(k) => self.class_edges(k, node, &|_| true, None),
                    _ => Vec::new(),
                };
                b.selves(node, &allows);
                edges.extend(std::mem::take(&mut b.out).into_iter().map(Arc::new));
                OfNode {
                    admin,
                    unknown: None,
                    edges,
                }
            }
        });
        let mut nodes = self.nodes.lock().unwrap_or_else(PoisonError::into_inner);
        Some(Arc::clone(nodes.entry(node).or_insert(of)))
    }

    fn builder(&self) -> Builder<'_, 'g> {
        Builder {
            c: &self.checker,
            out: Vec::new(),
            only: None,
            wanted: None,
            all_targets: false,
            first: None,
            taken: HashSet::default(),
            services: &self.services,
        }
    }

    /// The decided edges out of `node`, when every one is decided already.
    fn known(&self, node: NodeId) -> Option<Arc<OfNode>> {
        self.nodes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&node)
            .cloned()
    }

    /// Whether `node` is an administrator, decided on first use without deciding its edges
    /// (`None`: not a user or role of a loaded account).
    fn admin_of(&self, node: NodeId) -> Option<AdminStatus> {
        if !self.loaded(node) {
            return None;
        }
        if let Some(of) = self.known(node) {
            return Some(of.admin.clone());
        }
        if let Some(a) = self
            .admins
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&node)
        {
            return Some(a.clone());
        }
        // Most principals allow no `*`: a glance at their documents says so.
        let glance = self.glance_of(node);
        let admin = if glance.complete && !glance.star {
            no_star()
        } else {
            self.builder().admin_of(node, &self.allows(node))
        };
        let mut admins = self.admins.lock().unwrap_or_else(PoisonError::into_inner);
        Some(admins.entry(node).or_insert(admin).clone())
    }

    /// The edges of `node` into `target` alone: read off its decided edges when they are
    /// all decided, else decided for that target only.
    fn toward(&self, node: NodeId, target: NodeId) -> Vec<Arc<EscalationEdge>> {
        if let Some(of) = self.known(node) {
            return of
                .edges
                .iter()
                .filter(|e| e.to == target)
                .cloned()
                .collect();
        }
        let Some(admin) = self.admin_of(node) else {
            return Vec::new();
        };
        let allows = self.allows(node);
        if target != node && !admin.is_admin() && !allows.no_technique() {
            match self.others_class(node, &allows) {
                Others::Nothing => return Vec::new(),
                Others::Shared(k) => {
                    return self
                        .class_toward(k, target)
                        .iter()
                        .map(|e| self.adopt(e, node))
                        .collect();
                }
                Others::Own => {}
            }
        }
        self.builder().decide_toward(node, &allows, &admin, target)
    }

    fn glance_of(&self, node: NodeId) -> Glance {
        let mut cache = self.glances.lock().unwrap_or_else(PoisonError::into_inner);
        glance(self.graph, node, &mut cache)
    }

    /// Whether `node`'s statements may allow a technique acting on another principal.
    fn may_act_on_others(allows: &AllowLists) -> bool {
        !allows.no_technique() && on_others().any(|t| allows.may_use(t))
    }

    /// How `node`'s edges to other principals are decided: a caller with policies not all
    /// loaded is decided alone (what is missing is its own).
    fn others_class(&self, node: NodeId, allows: &AllowLists) -> Others {
        self.class_of(node, allows.complete, Self::may_act_on_others(allows))
    }

    fn class_of(&self, node: NodeId, complete: bool, may_act: bool) -> Others {
        if !complete {
            return Others::Own;
        }
        self.classes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .of(self.graph, node, may_act)
    }

    /// The first member of class `k`, and its statements' allow lists.
    fn first_of(&self, k: u32) -> Option<(NodeId, Arc<AllowLists>)> {
        let first = self
            .classes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .first(k)?;
        Some((first, self.allows(first)))
    }

    /// Class `k`'s edges to others, decided once (for its first member, into every
    /// principal of the account, itself included).
    fn shared_edges(&self, k: u32) -> SharedEdges {
        kept(&self.shared, k, || {
            self.class_decision(k, None, None).into()
        })
    }

    /// Class `k`'s edges to others, decided for its first member (into every principal of
    /// the account, itself included; with `wanted`, into those it keeps only, and with
    /// `first`, the first edge `first` follows into each principal only).
    fn class_decision(
        &self,
        k: u32,
        wanted: Option<&dyn Fn(NodeId) -> bool>,
        first: Option<Follow>,
    ) -> Vec<Arc<EscalationEdge>> {
        let Some((member, allows)) = self.first_of(k) else {
            return Vec::new();
        };
        let mut b = self.builder();
        b.all_targets = true;
        b.wanted = wanted;
        b.first = first;
        b.others(member, &allows);
        b.out.into_iter().map(Arc::new).collect()
    }

    /// Class `k`'s edges into `target` alone.
    fn class_toward(&self, k: u32, target: NodeId) -> Arc<[Arc<EscalationEdge>]> {
        if let Some(all) = self
            .shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&k)
        {
            return all.iter().filter(|e| e.to == target).cloned().collect();
        }
        kept(&self.shared_toward, (k, target), || {
            match self.first_of(k) {
                Some((first, allows)) => {
                    let mut b = self.builder();
                    b.all_targets = true;
                    b.others_toward(first, &allows, target).into()
                }
                None => Arc::from(Vec::new()),
            }
        })
    }

    /// `node`'s edges to others into principals `wanted` keeps, from its class's: the edge
    /// into itself left out. While the class's edges are not decided, a walk that wants
    /// fewer than half of the account's principals has only those decided (for the class's
    /// first member, as the whole list would be) and not kept; so does, once per class, a
    /// walk forwards (`first`), which takes one member's edges of a class and passes over the
    /// others' (see [`EscalationSource::walk_class`]). Otherwise the whole list is decided and
    /// kept for every member.
    fn class_edges(
        &self,
        k: u32,
        node: NodeId,
        wanted: &dyn Fn(NodeId) -> bool,
        first: Option<Follow>,
    ) -> Vec<Arc<EscalationEdge>> {
        let decided = self
            .shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&k)
            .cloned();
        let all = match decided {
            Some(all) => all,
            None if self.few_wanted(node, wanted)
                || (first.is_some()
                    && self
                        .walked_once
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(k)) =>
            {
                let keep = |t: NodeId| t != node && wanted(t);
                return self
                    .class_decision(k, Some(&keep), first)
                    .iter()
                    .map(|e| self.adopt(e, node))
                    .collect();
            }
            None => self.shared_edges(k),
        };
        all.iter()
            .filter(|e| e.to != node && wanted(e.to))
            .map(|e| self.adopt(e, node))
            .collect()
    }

    /// True when `wanted` keeps fewer than half of the principals of `node`'s account (the
    /// only principals an edge to others leads to).
    fn few_wanted(&self, node: NodeId, wanted: &dyn Fn(NodeId) -> bool) -> bool {
        let Some(account) = self.graph.node(node).account.as_deref() else {
            return false;
        };
        let members = self.graph.members_of(account);
        members.iter().filter(|&&m| wanted(m)).count() * 2 < members.len()
    }

    /// A class's edge made `node`'s: `node` is the caller, and its sentences name it.
    fn adopt(&self, e: &Arc<EscalationEdge>, node: NodeId) -> Arc<EscalationEdge> {
        if e.from == node {
            return Arc::clone(e);
        }
        let status = match &e.status {
            EdgeStatus::Works => EdgeStatus::Works,
            EdgeStatus::Broken {
                refused_by,
                message,
            } => EdgeStatus::Broken {
                refused_by: *refused_by,
                message: class::naming(self.graph, message, e.from, node),
            },
            EdgeStatus::Unknown { missing, message } => EdgeStatus::Unknown {
                missing: missing.clone(),
                message: class::naming(self.graph, message, e.from, node),
            },
        };
        let grants = e
            .grants
            .iter()
            .map(|g| ActionGrant {
                statement: g
                    .statement
                    .as_deref()
                    .map(|s| class::own_policies_renamed(self.graph, s, e.from, node)),
                ..g.clone()
            })
            .collect();
        Arc::new(EscalationEdge {
            from: node,
            status,
            grants,
            ..EscalationEdge::clone(e)
        })
    }

    /// The users and roles of `account` that may hold an edge to another principal, in node
    /// order: those whose loaded statements may allow every action of such a technique.
    fn callers_in(&self, account: &str) -> Arc<[NodeId]> {
        if let Some(c) = self
            .callers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(account)
        {
            return Arc::clone(c);
        }
        let found: Arc<[NodeId]> = {
            let mut glances = self.glances.lock().unwrap_or_else(PoisonError::into_inner);
            let mut cache = self.lists.lock().unwrap_or_else(PoisonError::into_inner);
            self.graph
                .members_of(account)
                .iter()
                .copied()
                .filter(|&n| {
                    // Most principals allow no technique action at all: their documents'
                    // masks say so without reading their action lists.
                    let mask = glance(self.graph, n, &mut glances).mask;
                    let by_mask: Option<bool> = on_others()
                        .map(|t| mask_may_use(mask, t))
                        .try_fold(false, |any, m| Some(any || m?));
                    by_mask.unwrap_or_else(|| {
                        let allows = allow_lists(self.graph, n, &mut cache);
                        !allows.no_technique() && on_others().any(|t| allows.may_use(t))
                    })
                })
                .collect()
        };
        let mut callers = self.callers.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(callers.entry(account.to_owned()).or_insert(found))
    }

    /// The escalation edges out of `node`, as [`Escalations::edges_from`] gives them.
    #[must_use]
    pub fn edges_from(&self, node: NodeId) -> Vec<Arc<EscalationEdge>> {
        self.of(node).map_or_else(Vec::new, |of| of.edges.clone())
    }

    /// The escalation edges into `node` (self-escalations included), as
    /// [`Escalations::edges_into`] gives them.
    #[must_use]
    pub fn edges_into(&self, node: NodeId) -> Vec<Arc<EscalationEdge>> {
        self.edges_into_from(node, None)
    }

    /// The escalation edges into `node` out of the principals `wanted` keeps (all, with
    /// `None`), as [`LazyEscalations::edges_into`] gives them. Only the whole list is kept:
    /// a walk backwards passes over the principals it has reached, and deciding their edges
    /// into each principal it meets would decide most of the account.
    #[must_use]
    pub fn edges_into_from(
        &self,
        node: NodeId,
        wanted: Option<&dyn Fn(NodeId) -> bool>,
    ) -> Vec<Arc<EscalationEdge>> {
        let Some(account) = self
            .graph
            .node(node)
            .account
            .clone()
            .filter(|_| self.loaded(node))
        else {
            return Vec::new();
        };
        let callers = self.callers_in(&account);
        // The target itself (its self-escalations) in its place in node order.
        let at = callers.partition_point(|&c| c < node);
        let mut out = Vec::new();
        let with_self = callers[..at]
            .iter()
            .chain(std::iter::once(&node))
            .chain(callers[at..].iter().filter(|&&c| c != node));
        if let Some(known) = self
            .into
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&node)
        {
            return match wanted {
                Some(wanted) => known.iter().filter(|e| wanted(e.from)).cloned().collect(),
                None => known.clone(),
            };
        }
        // Each caller's edges into this principal alone: a walk backwards meets many
        // principals, and deciding every edge out of each caller would decide the account.
        let mut whole = true;
        for &c in with_self {
            if wanted.is_some_and(|w| !w(c)) {
                whole = false;
                continue;
            }
            out.extend(self.toward(c, node));
        }
        if !whole {
            return out;
        }
        let mut into = self.into.lock().unwrap_or_else(PoisonError::into_inner);
        into.entry(node).or_insert(out).clone()
    }

    /// The edges out of `node` into principals `wanted` keeps, and its self-escalations, as
    /// [`LazyEscalations::edges_from`] gives them: read off its decided edges, or its class's,
    /// else decided for those principals alone (and not kept: another walk wants others).
    /// With `first`, what is decided now may leave out the edges into a principal after the
    /// first that `first` follows.
    #[must_use]
    pub fn edges_out_into(
        &self,
        node: NodeId,
        wanted: &dyn Fn(NodeId) -> bool,
        first: Option<Follow>,
    ) -> Vec<Arc<EscalationEdge>> {
        let keep = |e: &Arc<EscalationEdge>| e.is_self() || wanted(e.to);
        if let Some(of) = self.known(node) {
            return of.edges.iter().filter(|e| keep(e)).cloned().collect();
        }
        let Some(admin) = self.admin_of(node) else {
            return Vec::new();
        };
        let allows = self.allows(node);
        if admin.is_admin() || allows.no_technique() {
            return Vec::new();
        }
        let mut b = Builder {
            c: &self.checker,
            out: Vec::new(),
            only: None,
            wanted: Some(wanted),
            all_targets: false,
            first,
            taken: HashSet::default(),
            services: &self.services,
        };
        let mut edges = match self.others_class(node, &allows) {
            Others::Own => {
                b.others(node, &allows);
                std::mem::take(&mut b.out)
                    .into_iter()
                    .map(Arc::new)
                    .collect()
            }
            Others::Nothing => Vec::new(),
            Others::Shared(k) => self.class_edges(k, node, wanted, first),
        };
        b.selves(node, &allows);
        edges.extend(b.out.into_iter().map(Arc::new));
        edges
    }

    /// Whether `node` is an administrator (`None`: not a user or role of a loaded account).
    #[must_use]
    pub fn admin_status(&self, node: NodeId) -> Option<AdminStatus> {
        self.admin_of(node)
    }

    /// True when `node` is an administrator.
    #[must_use]
    pub fn is_admin(&self, node: NodeId) -> bool {
        self.admin_of(node).is_some_and(|a| a.is_admin())
    }

    /// `node`'s own policies that are not loaded, when some are.
    #[must_use]
    pub fn unknown_caller(&self, node: NodeId) -> Option<UnknownCaller> {
        self.of(node).and_then(|of| of.unknown.clone())
    }

    /// How many classes of callers share one decision of their edges to others so far.
    #[must_use]
    pub fn shared_classes(&self) -> usize {
        self.classes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// How many principals are decided so far.
    #[must_use]
    pub fn decided(&self) -> usize {
        self.nodes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// Where a walk asks for escalation edges: every edge decided up front ([`Escalations`]) or
/// each principal's when the walk meets it ([`LazyEscalations`]). Both give the same answers.
pub trait EscalationSource {
    /// The edges out of `node`.
    fn escalations_out(&self, node: NodeId) -> Vec<Arc<EscalationEdge>>;
    /// The edges into `node`, self-escalations included.
    fn escalations_in(&self, node: NodeId) -> Vec<Arc<EscalationEdge>>;
    /// The edges into `node` out of the principals `wanted` keeps, in the order
    /// [`EscalationSource::escalations_in`] gives them.
    fn escalations_in_from(
        &self,
        node: NodeId,
        wanted: &dyn Fn(NodeId) -> bool,
    ) -> Vec<Arc<EscalationEdge>> {
        self.escalations_in(node)
            .into_iter()
            .filter(|e| wanted(e.from))
            .collect()
    }
    /// True when `node` is an administrator.
    fn admin(&self, node: NodeId) -> bool;
    /// The edges out of `node` into principals `wanted` keeps, and its self-escalations, in
    /// the order [`EscalationSource::escalations_out`] gives them. With `first`, the edges
    /// into a principal after the first that `first` follows may be left out (a walk takes
    /// only that one).
    fn escalations_out_into(
        &self,
        node: NodeId,
        wanted: &dyn Fn(NodeId) -> bool,
        _first: Option<Follow>,
    ) -> Vec<Arc<EscalationEdge>> {
        self.escalations_out(node)
            .into_iter()
            .filter(|e| e.is_self() || wanted(e.to))
            .collect()
    }
    /// A class of principals whose edges out each lead where another member's do, the
    /// member itself aside, and that have no self-escalation: once a walk has taken one
    /// member's edges, another's reach nothing new. `None`: not known to share its edges.
    fn walk_class(&self, _node: NodeId) -> Option<u32> {
        None
    }
    /// Where the walks' recent answers are kept; `None`: not kept.
    fn answers(&self) -> Option<&super::walk::WalkAnswers> {
        None
    }
}

impl EscalationSource for Escalations {
    fn escalations_out(&self, node: NodeId) -> Vec<Arc<EscalationEdge>> {
        self.edges_from(node).cloned().collect()
    }

    fn escalations_in(&self, node: NodeId) -> Vec<Arc<EscalationEdge>> {
        self.edges_into(node).cloned().collect()
    }

    fn admin(&self, node: NodeId) -> bool {
        self.is_admin(node)
    }
}

impl EscalationSource for LazyEscalations<'_> {
    fn escalations_out(&self, node: NodeId) -> Vec<Arc<EscalationEdge>> {
        self.edges_from(node)
    }

    fn escalations_in(&self, node: NodeId) -> Vec<Arc<EscalationEdge>> {
        self.edges_into(node)
    }

    fn escalations_in_from(
        &self,
        node: NodeId,
        wanted: &dyn Fn(NodeId) -> bool,
    ) -> Vec<Arc<EscalationEdge>> {
        self.edges_into_from(node, Some(wanted))
    }

    fn admin(&self, node: NodeId) -> bool {
        self.is_admin(node)
    }

    fn escalations_out_into(
        &self,
        node: NodeId,
        wanted: &dyn Fn(NodeId) -> bool,
        first: Option<Follow>,
    ) -> Vec<Arc<EscalationEdge>> {
        self.edges_out_into(node, wanted, first)
    }

    fn walk_class(&self, node: NodeId) -> Option<u32> {
        kept(&self.walk_classes, node, || self.find_walk_class(node))
    }

    fn answers(&self) -> Option<&super::walk::WalkAnswers> {
        Some(&self.answers)
    }
}

impl LazyEscalations<'_> {
    /// [`EscalationSource::walk_class`], worked out.
    fn find_walk_class(&self, node: NodeId) -> Option<u32> {
        let Some(admin) = self.admin_of(node) else {
            return Some(NO_EDGES);
        };
        if admin.is_admin() {
            return Some(NO_EDGES);
        }
        // At a glance when every technique action has a bit in the mask, else from the
        // statements' lists.
        let glance = self.glance_of(node);
        let by_mask = |pick: &dyn Fn(&Technique) -> bool| -> Option<bool> {
            technique::ALL
                .iter()
                .filter(|t| pick(t))
                .map(|t| mask_may_use(glance.mask, *t))
                .try_fold(false, |any, m| Some(any || m?))
        };
        let (selves, others) = match (by_mask(&|t| t.is_self()), by_mask(&|t| !t.is_self())) {
            (Some(s), Some(o)) => (s, o),
            _ => {
                let allows = self.allows(node);
                if allows.no_technique() {
                    return Some(NO_EDGES);
                }
                (
                    technique::ALL
                        .iter()
                        .any(|t| t.is_self() && allows.may_use(*t)),
                    Self::may_act_on_others(&allows),
                )
            }
        };
        if selves {
            return None;
        }
        if !others {
            return Some(NO_EDGES);
        }
        match self.class_of(node, glance.complete, others) {
            Others::Nothing => Some(NO_EDGES),
            Others::Shared(k) => Some(k.saturating_add(1)),
            Others::Own => None,
        }
    }
}
