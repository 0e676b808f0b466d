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

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::{
    AdminStatus, Builder, Checker, EscalationEdge, Escalations, ListCache, OfNode, ServiceTrust,
    Technique, UnknownCaller, allow_lists, mask_may_use, technique, technique_mask,
};
use crate::engine::graph::{NodeId, TrustGraph};

/// The escalation answers of a trust graph, each principal's decided on first use and kept.
///
/// Gives the same edges, administrators and principals with missing policies as
/// [`Escalations::compute`] (a test holds them side by side), for the principals asked about.
pub struct LazyEscalations<'g> {
    graph: &'g TrustGraph,
    checker: Checker<'g>,
    services: OnceLock<HashMap<&'static str, Vec<ServiceTrust>>>,
    lists: Mutex<ListCache>,
    nodes: Mutex<HashMap<NodeId, Arc<OfNode>>>,
    /// Whether a principal is an administrator, for principals whose edges out are not
    /// all decided.
    admins: Mutex<HashMap<NodeId, AdminStatus>>,
    /// The edges into a principal, once a walk backwards has asked.
    into: Mutex<HashMap<NodeId, Vec<Arc<EscalationEdge>>>>,
    /// Each identity document's technique actions (see [`super::technique_mask`]).
    masks: Mutex<HashMap<usize, super::ActionMask>>,
    /// Per loaded account: its users and roles that may act on another principal.
    callers: Mutex<HashMap<String, Arc<[NodeId]>>>,
}

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
            lists: Mutex::new(ListCache::new()),
            nodes: Mutex::new(HashMap::new()),
            admins: Mutex::new(HashMap::new()),
            into: Mutex::new(HashMap::new()),
            masks: Mutex::new(HashMap::new()),
            callers: Mutex::new(HashMap::new()),
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

    fn allows(&self, node: NodeId) -> super::AllowLists {
        let mut cache = self.lists.lock().unwrap_or_else(PoisonError::into_inner);
        allow_lists(self.graph.inventory(), self.graph.node(node), &mut cache)
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
        let of = Arc::new(b.decide_node(node, &allows, admin));
        let mut nodes = self.nodes.lock().unwrap_or_else(PoisonError::into_inner);
        Some(Arc::clone(nodes.entry(node).or_insert(of)))
    }

    fn builder(&self) -> Builder<'_, 'g> {
        Builder {
            c: &self.checker,
            out: Vec::new(),
            only: None,
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
        let admin = self.builder().admin_of(node, &self.allows(node));
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
        self.builder().decide_toward(node, &allows, &admin, target)
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
            let inv = self.graph.inventory();
            let mut masks = self.masks.lock().unwrap_or_else(PoisonError::into_inner);
            let mut cache = self.lists.lock().unwrap_or_else(PoisonError::into_inner);
            self.graph
                .members_of(account)
                .iter()
                .copied()
                .filter(|&n| {
                    // Most principals allow no technique action at all: their documents'
                    // masks say so without reading their action lists.
                    let mask = technique_mask(inv, self.graph.node(n), &mut masks);
                    let by_mask: Option<bool> = on_others()
                        .map(|t| mask_may_use(mask, t))
                        .try_fold(false, |any, m| Some(any || m?));
                    by_mask.unwrap_or_else(|| {
                        let allows = allow_lists(inv, self.graph.node(n), &mut cache);
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
            return known.clone();
        }
        // Each caller's edges into this principal alone: a walk backwards meets many
        // principals, and deciding every edge out of each caller would decide the account.
        for &c in with_self {
            out.extend(self.toward(c, node));
        }
        let mut into = self.into.lock().unwrap_or_else(PoisonError::into_inner);
        into.entry(node).or_insert(out).clone()
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
    /// True when `node` is an administrator.
    fn admin(&self, node: NodeId) -> bool;
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

    fn admin(&self, node: NodeId) -> bool {
        self.is_admin(node)
    }
}
