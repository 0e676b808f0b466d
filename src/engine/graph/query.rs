//! The questions the trust graph answers: who can assume a role (directly and through
//! chains), what a principal can reach, every path from one principal to a role (or why
//! there is none), and which roles principals outside the loaded accounts can assume.
//!
//! Every answer is a walk over the hops the graph decided when it was built (see
//! [`TrustGraph::build`]); edges are decided by [`TrustGraph::hop`]'s rules, so the answers
//! agree with the STS simulator.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use serde::Serialize;

use super::build::{GrantRef, TrustGraph, UNSHARED, Who};
use super::edge::{
    Api, CHAIN_CAP_SECONDS, Chaining, Edge, EdgeStatus, Grant, NodeId, NodeKind, Requirement,
    RequirementKind, Side, WitnessRequest,
};
use super::outs::OutClass;
use super::witness::satisfy_allow;
use crate::engine::policy::context::RequestContext;

/// Chains longer than this are not followed unless asked.
pub const DEFAULT_MAX_DEPTH: usize = 5;

/// The longest path [`TrustGraph::paths`] follows, in hops; a larger depth is clamped to it.
/// Far beyond any chain that matters (every hop after the first is a role-chaining hop,
/// capped at one hour) and it keeps the walk's own depth bounded, whatever is asked.
pub const MAX_PATH_DEPTH: usize = 32;

/// At most this many paths are listed by [`TrustGraph::paths`].
pub const MAX_PATHS: usize = 256;

/// A chain of hops, the first from the starting principal, the last into the final role.
/// Each hop is the path's own [`Edge`], but what it needs ([`super::edge::HopTerms`]) is kept
/// once per decision and shared by every path through a hop decided alike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Path {
    pub hops: Vec<Edge>,
    /// The longest session the final role can be given at the end of this path: its
    /// `MaxSessionDuration`, or one hour when the last hop is role chaining.
    pub max_session_seconds: u32,
}

impl Path {
    /// The principals between the start and the final role.
    #[must_use]
    pub fn via(&self) -> Vec<NodeId> {
        self.hops.iter().skip(1).map(|e| e.from).collect()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.hops.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.hops.is_empty()
    }
}

/// A class of principals a trust policy lets in without naming them one by one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "class")]
pub enum PrincipalClass {
    /// Every user and role of an account whose own policy allows the call.
    Account { account: String, loaded: bool },
    /// `"*"` narrowed to one or more organisations by `aws:PrincipalOrgID`.
    Organization { org_ids: Vec<String> },
    /// `"*"`: any principal the conditions let through.
    Everyone,
}

/// A trust grant to a class of principals, kept as one row rather than expanded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassGrant {
    #[serde(flatten)]
    pub class: PrincipalClass,
    pub trust_statement: String,
    pub requirements: Vec<Requirement>,
    /// True when a member's own identity policy must also allow `sts:AssumeRole` (account
    /// grants always; `"*"` for members of other accounts).
    pub needs_caller_policy: bool,
    /// Loaded principals of the class with a working edge found among those whose own policy
    /// names the role (a lower bound for `"*"`, where same-account principals need none).
    pub members_working: usize,
}

/// Every way into one role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incoming {
    pub role: NodeId,
    /// One edge per caller: working when one works, else broken.
    pub edges: Vec<Edge>,
    pub classes: Vec<ClassGrant>,
}

/// One principal that can assume the role, with the shortest path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssumeRow {
    pub principal: NodeId,
    pub path: Path,
}

/// A principal a who-can-assume walk found, before its path is made.
struct Found {
    principal: NodeId,
    /// Its hop into the role `via`'s path starts at.
    edge: Edge,
    via: Option<u32>,
    len: usize,
}

/// One hop as the graph keeps it: the principal at its other end (the caller in a role's
/// ways in, the role in a principal's ways out), whether it works, and the edge as decided —
/// for a shared decision, the edge of the first caller of its policy set or into the first
/// role of its trust document, made this hop's own with [`TrustGraph::adopt`] only when an
/// answer shows it.
#[derive(Debug, Clone)]
pub(crate) struct Way {
    pub node: NodeId,
    /// [`UNSHARED`] for one caller; else a caller policy set, whose every member (`node` is
    /// the first) has this hop, decided once for the set.
    pub set: u32,
    pub works: bool,
    /// False for a hop into a role of the caller's own account through its `"*"` grant,
    /// which needs nothing from the caller's policy: the `"*"` class stands for those
    /// callers in who-can-assume answers, but their ways out include the hop.
    pub listed: bool,
    pub edge: Arc<Edge>,
}

/// One hop out of a user or role, kept at build: the role it leads to, whether it works,
/// and its edge as decided (see [`Way`]).
#[derive(Debug, Clone)]
pub(crate) struct OutRef {
    pub to: NodeId,
    /// The role's longest session (`MaxSessionDuration`), kept here so that a walk need not
    /// look it up in a table far from the hop; 0 when it does not fit.
    pub max_session: u16,
    pub works: bool,
    pub edge: Arc<Edge>,
}

/// The hops out of one principal as the graph keeps them.
pub(crate) enum OutWays<'g> {
    /// A user's or role's, found among the ways in: those of its policy set (kept for the
    /// set, or decided for some roles only: see [`TrustGraph::hops_from_into`]), and its own.
    Kept(std::borrow::Cow<'g, [OutRef]>, &'g [OutRef]),
    /// Another principal's, decided on first use; each way's `node` is the role.
    Decided(Arc<[Way]>),
}

/// One hop out, read without touching its edge: the role it leads to, whether it works,
/// and where its edge is kept (see [`OutWays::edge`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OutHop {
    pub to: NodeId,
    pub works: bool,
    /// See [`OutRef::max_session`].
    max_session: u16,
    at: u32,
}

impl OutWays<'_> {
    /// Each hop out, in role order.
    pub(crate) fn hops(&self) -> impl Iterator<Item = OutHop> + '_ {
        let (shared, own, decided): (&[OutRef], &[OutRef], &[Way]) = match self {
            Self::Kept(shared, own) => (shared, *own, &[]),
            Self::Decided(ways) => (&[], &[], ways),
        };
        let at = |k: usize| u32::try_from(k).unwrap_or(u32::MAX);
        let (mut i, mut j) = (0, 0);
        // The set's hops and the principal's own, merged in role order; `at` tells which
        // (the top bit for its own).
        std::iter::from_fn(move || {
            let take_own = match (shared.get(i), own.get(j)) {
                // A hop of the principal's own into a role its set also reaches stands for
                // the set's (it was decided with the grants naming the principal too).
                (Some(a), Some(b)) if b.to == a.to => {
                    i += 1;
                    true
                }
                (Some(a), Some(b)) => b.to < a.to,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (None, None) => return None,
            };
            let (r, k) = if take_own {
                j += 1;
                (&own[j - 1], at(j - 1) | OWN)
            } else {
                i += 1;
                (&shared[i - 1], at(i - 1))
            };
            Some(OutHop {
                to: r.to,
                works: r.works,
                max_session: r.max_session,
                at: k,
            })
        })
        .chain(decided.iter().enumerate().map(move |(k, w)| OutHop {
            to: w.node,
            works: w.works,
            max_session: 0,
            at: at(k),
        }))
    }

    /// The edge of a hop out, as decided (see [`Way`]).
    pub(crate) fn edge(&self, hop: OutHop) -> Option<&Arc<Edge>> {
        match self {
            Self::Kept(_, own) if hop.at & OWN != 0 => {
                own.get((hop.at & !OWN) as usize).map(|r| &r.edge)
            }
            Self::Kept(shared, _) => shared.get(hop.at as usize).map(|r| &r.edge),
            Self::Decided(ways) => ways.get(hop.at as usize).map(|w| &w.edge),
        }
    }
}

/// Marks a principal's own hop (not its policy set's) in [`OutHop`].
const OWN: u32 = 1 << 31;

/// The hops out of one principal ([`TrustGraph::hops_from`]).
pub struct HopsOut<'g> {
    graph: &'g TrustGraph,
    from: NodeId,
    ways: OutWays<'g>,
}

/// One hop out in [`HopsOut`]: the role it leads to, and where its edge is kept.
#[derive(Debug, Clone, Copy)]
pub struct HopOut {
    pub to: NodeId,
    hop: OutHop,
}

impl HopsOut<'_> {
    /// Each hop out, in role order (the order of [`TrustGraph::edges_from`]).
    pub fn iter(&self) -> impl Iterator<Item = HopOut> + '_ {
        self.ways.hops().map(|hop| HopOut { to: hop.to, hop })
    }

    /// Whether the hop works, is broken or turns on data that is not loaded.
    #[must_use]
    pub fn status(&self, hop: HopOut) -> Option<&EdgeStatus> {
        self.ways.edge(hop.hop).map(|e| &e.status)
    }

    /// The hop as the principal's own edge (as [`TrustGraph::edges_from`] gives it).
    #[must_use]
    pub fn edge(&self, hop: HopOut) -> Option<Edge> {
        let e = self.ways.edge(hop.hop)?;
        Some(self.graph.adopt(e, self.from, hop.to))
    }
}

/// Every way into one role as the graph keeps it.
#[derive(Debug)]
pub(crate) struct Ways {
    pub role: NodeId,
    pub entries: Vec<Way>,
    pub classes: Vec<ClassGrant>,
    /// True when the listed callers are listed in node order (the `"*"` node first): the
    /// trust has one grant. Else in the order `entries` keeps.
    pub by_node: bool,
}

/// The answer to "who can assume ROLE?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhoCanAssume {
    pub role: NodeId,
    /// Shortest path first; direct callers have one hop.
    pub rows: Vec<AssumeRow>,
    /// Trust grants to accounts, organisations or everyone.
    pub classes: Vec<ClassGrant>,
    /// Direct callers the trust lets in but whose own half is missing.
    pub broken: Vec<Edge>,
}

/// One role a principal can reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReachRow {
    pub role: NodeId,
    pub path: Path,
}

/// The answer to "what can PRINCIPAL reach?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reach {
    pub from: NodeId,
    /// Every reachable role, shortest path first.
    pub rows: Vec<ReachRow>,
    /// Hops out of the reached principals that the trust allows but whose caller half is
    /// missing, into roles no working path of the answer reaches.
    pub broken: Vec<Edge>,
}

impl Reach {
    /// The hops the answer holds (its rows' paths and its broken hops), for keeping it.
    #[must_use]
    pub fn weight(&self) -> usize {
        self.rows.iter().map(|r| r.path.len()).sum::<usize>() + self.broken.len()
    }

    /// The rows one hop below `parent` in the reach tree (the shortest paths form a tree
    /// rooted at [`Reach::from`]): the roles whose path's last hop starts at `parent`.
    #[must_use]
    pub fn children(&self, parent: NodeId) -> Vec<&ReachRow> {
        self.rows
            .iter()
            .filter(|r| r.path.hops.last().is_some_and(|e| e.from == parent))
            .collect()
    }
}

/// Why no path leads from one principal to a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoPath {
    /// The broken hop into the target closest to the start, with the path that reaches its
    /// caller (empty when the caller is the start itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest_broken: Option<(Path, Edge)>,
    /// A sentence saying why.
    pub reason: String,
}

/// The answer to "how does FROM get to TO?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paths {
    pub from: NodeId,
    pub to: NodeId,
    pub max_depth: usize,
    /// Every simple path up to the depth limit, shortest first.
    pub paths: Vec<Path>,
    /// True when more than [`MAX_PATHS`] paths exist.
    pub truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_path: Option<NoPath>,
}

impl Paths {
    /// The hops the answer holds, for keeping it.
    #[must_use]
    pub fn weight(&self) -> usize {
        self.paths.iter().map(Path::len).sum::<usize>()
            + self
                .no_path
                .as_ref()
                .and_then(|n| n.nearest_broken.as_ref())
                .map_or(0, |(p, _)| p.len() + 1)
    }
}

/// How an outside principal is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExternalKind {
    /// An account that is not loaded.
    Account,
    /// A user, role or session of an account that is not loaded.
    Principal,
    /// `"*"`.
    Everyone,
    /// A web-identity or SAML provider (its users are outside every account).
    Federated,
}

/// One external-access finding: an outside principal can assume a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalFinding {
    pub role: NodeId,
    pub principal: NodeId,
    pub kind: ExternalKind,
    pub edge: Edge,
}

/// A role trusting a service without saying for which resource or account it acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfusedDeputy {
    pub role: NodeId,
    pub service: String,
    pub trust_statement: String,
}

/// The answer to "who outside can get in?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalAccess {
    pub findings: Vec<ExternalFinding>,
    pub confused_deputies: Vec<ConfusedDeputy>,
}

impl TrustGraph {
    /// Decides each role's grants in `cands` order: one edge per role, the first that works
    /// or else the first broken one; in the order the roles first appear in `cands`.
    fn decide_grants(&self, caller: NodeId, cands: &[GrantRef]) -> Vec<Way> {
        let mut order: Vec<u32> = Vec::new();
        let mut by_role: HashMap<u32, Vec<u32>> = HashMap::new();
        for &(r, g) in cands {
            let e = by_role.entry(r).or_default();
            if e.is_empty() {
                order.push(r);
            }
            if !e.contains(&g) {
                e.push(g);
            }
        }
        order
            .into_iter()
            .filter_map(|r| {
                let edge = self.first_edge(by_role[&r].iter().map(|g| *g as usize), |g| {
                    self.shared_hop_raw(caller, r as usize, g)
                })?;
                Some(Way {
                    node: self.role_node(r as usize),
                    set: UNSHARED,
                    works: edge.works(),
                    listed: true,
                    edge,
                })
            })
            .collect()
    }

    /// Every hop out of `caller` as it is kept, each made `caller`'s own edge only when
    /// asked ([`HopsOut::edge`]): for walks that look at many hops and keep few.
    #[must_use]
    pub fn hops_from(&self, caller: NodeId) -> HopsOut<'_> {
        HopsOut {
            graph: self,
            from: caller,
            ways: self.out_ways(caller),
        }
    }

    /// The hops out of `caller` into roles `wanted` keeps, and maybe others: for a walk
    /// that needs only the roles it has not met yet. A user's or role's hops through the
    /// grants its policy set shares are taken from the set's kept list once decided; until
    /// then only those into wanted roles are decided (each decision through a shared grant
    /// is kept by the graph all the same), and not kept as the set's list.
    #[must_use]
    pub fn hops_from_into(&self, caller: NodeId, wanted: &dyn Fn(NodeId) -> bool) -> HopsOut<'_> {
        let ways = if self.is_caller(caller) {
            self.kept_out_into(caller, Some(wanted))
        } else {
            self.out_ways(caller)
        };
        HopsOut {
            graph: self,
            from: caller,
            ways,
        }
    }

    /// Which principals have the very same hops out as `node` (same roles, same
    /// outcomes). A walk forwards that has taken one principal of such a class learns
    /// nothing new from the others' hops.
    #[must_use]
    pub fn same_hops_out(&self, node: NodeId) -> OutClass {
        self.out_class(node)
    }

    /// Every hop out of `caller`: one edge per role, working or broken.
    #[must_use]
    pub fn edges_from(&self, caller: NodeId) -> Vec<Edge> {
        let outs = self.out_ways(caller);
        outs.hops()
            .filter_map(|h| Some(self.adopt(outs.edge(h)?, caller, h.to)))
            .collect()
    }

    /// Every hop out of `caller` as the graph keeps it, decided on first use: for users and
    /// roles, from the grants that can name them ([`super::outs`]); for other principals,
    /// from the grants naming them, their account or `"*"`.
    pub(crate) fn out_ways(&self, caller: NodeId) -> OutWays<'_> {
        let i = caller.index();
        if i < self.inventory.users.len() + self.inventory.roles.len() {
            return self.kept_out(caller);
        }
        OutWays::Decided(match self.out.get(i) {
            Some(cell) => Arc::clone(cell.get_or_init(|| self.decide_out(caller).into())),
            None => Arc::from(Vec::new()),
        })
    }

    /// The hops out of a principal other than a loaded user or role: the grants naming it
    /// (or, for a principal outside, its account) and the `"*"` grants. (A user's or role's
    /// are decided by [`super::outs`].)
    fn decide_out(&self, caller: NodeId) -> Vec<Way> {
        let node = self.node(caller);
        let mut cands: Vec<GrantRef> = self.by_node.get(&caller).cloned().unwrap_or_default();
        if matches!(
            node.kind,
            NodeKind::ExternalPrincipal | NodeKind::ExternalAccount | NodeKind::Everyone
        ) {
            if let Some(acc) = node
                .account
                .as_deref()
                .filter(|_| node.kind == NodeKind::ExternalPrincipal)
                .and_then(|a| self.node_id(a))
            {
                cands.extend(self.by_node.get(&acc).into_iter().flatten().copied());
            }
            cands.extend(self.everyone.iter().copied());
        }
        cands.sort_unstable();
        self.decide_grants(caller, &cands)
    }

    /// Decides every hop of the graph now (each role's ways in, each principal's ways out),
    /// so that no later query decides any.
    pub(crate) fn decide_all(&self) {
        for ri in 0..self.inventory.roles.len() {
            let _ = self.incoming_of(ri);
        }
        for i in 0..self.nodes.len() {
            let _ = self.out_ways(NodeId(u32::try_from(i).unwrap_or(u32::MAX)));
        }
    }

    /// Every hop into `role` from principals the graph can name, and the class grants.
    #[must_use]
    pub fn edges_into(&self, role: NodeId) -> Incoming {
        match self.role_index(role) {
            Some(ri) => {
                let ways = self.incoming_of(ri);
                Incoming {
                    role: ways.role,
                    edges: self
                        .listed(&ways)
                        .into_iter()
                        .map(|(caller, w)| self.adopt(&w.edge, caller, role))
                        .collect(),
                    classes: ways.classes.clone(),
                }
            }
            None => Incoming {
                role,
                edges: Vec::new(),
                classes: Vec::new(),
            },
        }
    }

    /// Every hop into role `ri`, decided on first use (when the graph is built) and kept.
    pub(crate) fn incoming_of(&self, ri: usize) -> Arc<Ways> {
        let role = self.role_node(ri);
        match self.into.get(ri) {
            Some(cell) => Arc::clone(cell.get_or_init(|| Arc::new(self.incoming(role)))),
            None => Arc::new(self.incoming(role)),
        }
    }

    /// The hops into `role` from every principal the trust lets in, and the class grants.
    fn incoming(&self, role: NodeId) -> Ways {
        let mut incoming = Ways {
            role,
            entries: Vec::new(),
            classes: Vec::new(),
            by_node: true,
        };
        let Some(ri) = self.role_index(role) else {
            return incoming;
        };
        let trust = &self.trusts[ri];
        incoming.by_node = trust.grants.len() == 1;
        // A trust whose one grant is to an account or `*`, deciding alike for every caller
        // of a policy set: each set of holders is one way in.
        let by_class = trust.grants.len() == 1 && trust.shareable;
        let mut class_sets: Vec<u32> = Vec::new();
        // (caller, grant, order of appearance)
        let mut cands: Vec<(NodeId, u32, u32)> = Vec::new();
        let mut push = |n: NodeId, g: GrantRef| {
            let seq = u32::try_from(cands.len()).unwrap_or(u32::MAX);
            cands.push((n, g.1, seq));
        };
        let rr = u32::try_from(ri).unwrap_or(u32::MAX);
        let mut class_slots: Vec<(usize, ClassGrant, Option<String>)> = Vec::new();
        let mut same_account_open = false;
        for (gi, g) in trust.grants.iter().enumerate() {
            let gref = (rr, u32::try_from(gi).unwrap_or(u32::MAX));
            match &g.who {
                Who::Node(n, ..) => push(*n, gref),
                Who::Account(a) => {
                    // An account grant needs the caller's own policy.
                    if by_class {
                        let (sets, loose) = self.holder_classes(ri, Some(a));
                        class_sets = sets;
                        for h in loose {
                            push(h, gref);
                        }
                    } else {
                        for h in self.holders_for(ri, Some(a)) {
                            push(h, gref);
                        }
                    }
                    class_slots.push((
                        gi,
                        self.class_grant(
                            ri,
                            gi,
                            PrincipalClass::Account {
                                account: a.clone(),
                                loaded: true,
                            },
                            true,
                        ),
                        Some(a.clone()),
                    ));
                }
                Who::Everyone => {
                    push(self.everyone(), gref);
                    // Across accounts the caller's own policy is needed too.
                    if by_class {
                        let (sets, loose) = self.holder_classes(ri, None);
                        class_sets = sets;
                        for h in loose {
                            push(h, gref);
                        }
                    } else {
                        for h in self.holders_for(ri, None) {
                            push(h, gref);
                        }
                    }
                    same_account_open = true;
                    let st = trust
                        .doc
                        .as_ref()
                        .and_then(|d| d.statements.get(g.stmt))
                        .map(|s| s.conditions.as_slice())
                        .unwrap_or_default();
                    let org_ids: Vec<String> = st
                        .iter()
                        .filter(|c| {
                            c.key.eq_ignore_ascii_case("aws:PrincipalOrgID")
                                && c.operator.starts_with("StringEquals")
                        })
                        .flat_map(|c| c.values.iter().cloned())
                        .collect();
                    let class = if org_ids.is_empty() {
                        PrincipalClass::Everyone
                    } else {
                        PrincipalClass::Organization { org_ids }
                    };
                    class_slots.push((gi, self.class_grant(ri, gi, class, false), None));
                }
            }
        }
        // Each caller once, in order of first appearance, with its grants in trust order.
        let mut by_set = HashMap::default();
        if trust.grants.len() > 1 {
            cands.sort_unstable();
            let mut groups: Vec<(u32, usize, usize)> = Vec::new();
            let mut i = 0;
            while i < cands.len() {
                let j = i + cands[i..].iter().take_while(|c| c.0 == cands[i].0).count();
                groups.push((cands[i].2, i, j));
                i = j;
            }
            groups.sort_unstable();
            for (_, i, j) in groups {
                let caller = cands[i].0;
                let mut grants: Vec<usize> = cands[i..j].iter().map(|c| c.1 as usize).collect();
                grants.dedup();
                self.push_way(&mut incoming.entries, &mut by_set, caller, ri, grants);
            }
        } else {
            for &(caller, g, _) in &cands {
                self.push_way(&mut incoming.entries, &mut by_set, caller, ri, [g as usize]);
            }
        }
        for set in class_sets {
            self.push_class_way(&mut incoming.entries, &mut by_set, set, ri, true);
        }
        if same_account_open {
            self.add_open_to_own_account(&mut incoming.entries, ri, by_class);
        }
        for (gi, mut class, account) in class_slots {
            class.members_working = incoming
                .entries
                .iter()
                .filter(|w| w.works && w.listed)
                .filter(|w| {
                    let e = &w.edge;
                    let from = self.node(w.node);
                    match &account {
                        Some(a) => from.account.as_deref() == Some(a.as_str()),
                        None => {
                            e.grant == Grant::Everyone
                                && e.trust_statement() == self.statement_label(ri, gi)
                        }
                    }
                })
                .map(|w| match w.set {
                    UNSHARED => 1,
                    set => self.members_of_set(set).len(),
                })
                .sum();
            incoming.classes.push(class);
        }
        incoming
    }

    /// The hops into role `ri`, whose trust says `"*"`, from the users and roles of its own
    /// account: they need nothing from their own policy, so they are not among the callers
    /// listed; they are kept unlisted (for their ways out), or make a listed caller's broken
    /// hop a working one.
    fn add_open_to_own_account(&self, entries: &mut Vec<Way>, ri: usize, by_class: bool) {
        let role = &self.inventory.roles[ri];
        let at: HashMap<NodeId, usize> = entries
            .iter()
            .enumerate()
            .map(|(k, w)| (w.node, k))
            .collect();
        let loose = if by_class {
            // Listed callers are of other accounts: each set of this one is one way in.
            let (sets, loose) = self.account_classes(&role.account);
            let mut by_set = HashMap::default();
            for &set in sets {
                self.push_class_way(entries, &mut by_set, set, ri, false);
            }
            loose
        } else {
            self.members_of(&role.account)
        };
        for &caller in loose {
            let known = at.get(&caller).copied();
            if known.is_some_and(|k| entries[k].works) {
                continue;
            }
            let grants = self.grants_for(caller, ri).into_iter().filter(|&g| {
                !matches!(self.trusts[ri].grants[g].who, Who::Account(_))
                    || self.may_allow(caller, &role.arn)
            });
            let Some(edge) = self.first_edge(grants, |g| self.shared_hop_raw(caller, ri, g)) else {
                continue;
            };
            match known {
                Some(k) if edge.works() => {
                    entries[k].works = true;
                    entries[k].edge = edge;
                }
                Some(_) => {}
                None => entries.push(Way {
                    node: caller,
                    set: UNSHARED,
                    works: edge.works(),
                    listed: false,
                    edge,
                }),
            }
        }
    }

    /// Decides the hop `caller` → role `ri` through `grants` (first working, else first
    /// broken) and keeps it as a way in. `by_set` holds this role's decisions by (grant,
    /// policy set), so the many callers of one set ask the graph's shared decisions once.
    fn push_way(
        &self,
        entries: &mut Vec<Way>,
        by_set: &mut HashMap<(usize, u32), Option<Arc<Edge>>, foldhash::fast::RandomState>,
        caller: NodeId,
        ri: usize,
        grants: impl IntoIterator<Item = usize>,
    ) {
        let decide = |g: usize| match self.shared_set(caller, ri, g) {
            Some(set) => by_set
                .entry((g, set))
                .or_insert_with(|| self.shared_hop_raw(caller, ri, g))
                .clone(),
            None => self.shared_hop_raw(caller, ri, g),
        };
        if let Some(edge) = self.first_edge(grants, decide) {
            entries.push(Way {
                node: caller,
                set: UNSHARED,
                works: edge.works(),
                listed: true,
                edge,
            });
        }
    }

    /// Decides the hop of every member of policy set `set` into role `ri` through its one
    /// grant, once (by its first member), and keeps it as one way in for the set; `listed`
    /// as [`Way::listed`]. A member of the role's own account through a `"*"` grant needs
    /// nothing from its own policy, as [`TrustGraph::add_open_to_own_account`] says.
    fn push_class_way(
        &self,
        entries: &mut Vec<Way>,
        by_set: &mut HashMap<(usize, u32), Option<Arc<Edge>>, foldhash::fast::RandomState>,
        set: u32,
        ri: usize,
        listed: bool,
    ) {
        let Some(&first) = self.members_of_set(set).first() else {
            return;
        };
        let role = &self.inventory.roles[ri];
        let grants = self.grants_for(first, ri).into_iter().filter(|&g| {
            listed
                || !matches!(self.trusts[ri].grants[g].who, Who::Account(_))
                || self.may_allow(first, &role.arn)
        });
        let decide = |g: usize| {
            by_set
                .entry((g, set))
                .or_insert_with(|| self.shared_hop_raw(first, ri, g))
                .clone()
        };
        if let Some(edge) = self.first_edge(grants, decide) {
            entries.push(Way {
                node: first,
                set,
                works: edge.works(),
                listed,
                edge,
            });
        }
    }

    /// The callers a role's ways in list, each with its way: a class of callers as its
    /// members, in the order of the graph's callers when the trust has one grant (the `"*"`
    /// node first), else in the order the ways are kept.
    pub(crate) fn listed<'w>(&self, ways: &'w Ways) -> Vec<(NodeId, &'w Way)> {
        let mut out: Vec<(NodeId, &Way)> = Vec::new();
        for w in ways.entries.iter().filter(|w| w.listed) {
            match w.set {
                UNSHARED => out.push((w.node, w)),
                set => out.extend(self.members_of_set(set).iter().map(|&m| (m, w))),
            }
        }
        if ways.by_node {
            let everyone = self.everyone();
            out.sort_by_key(|(n, _)| (*n != everyone, *n));
        }
        out
    }

    fn statement_label(&self, role: usize, grant: usize) -> String {
        let t = &self.trusts[role];
        t.grants
            .get(grant)
            .and_then(|g| t.doc.as_ref()?.statements.get(g.stmt))
            .map(|s| s.label())
            .unwrap_or_default()
    }

    fn class_grant(
        &self,
        role: usize,
        grant: usize,
        class: PrincipalClass,
        account: bool,
    ) -> ClassGrant {
        let t = &self.trusts[role];
        let st = t
            .grants
            .get(grant)
            .and_then(|g| t.doc.as_ref()?.statements.get(g.stmt));
        let mut w = WitnessRequest::default();
        let requirements = st
            .map(|s| satisfy_allow(&s.conditions, Side::Trust, &mut w, &RequestContext::new()))
            .unwrap_or_default();
        ClassGrant {
            class,
            trust_statement: st.map(|s| s.label()).unwrap_or_default(),
            requirements,
            needs_caller_policy: account,
            members_working: 0,
        }
    }

    /// The longest session at the end of a path (IAM-RULES §1.3); `known`, when not 0, is
    /// the last role's `MaxSessionDuration`.
    fn max_session(&self, hops: &[Edge], known: u16) -> u32 {
        let Some(last) = hops.last() else { return 0 };
        let max = match known {
            0 => self
                .role_index(last.to)
                .and_then(|ri| self.max_sessions.get(ri).copied())
                .unwrap_or(CHAIN_CAP_SECONDS),
            m => u32::from(m),
        };
        match last.chaining {
            Chaining::No => max,
            Chaining::Yes | Chaining::UnlessInstanceProfile => max.min(CHAIN_CAP_SECONDS),
        }
    }

    fn path(&self, hops: Vec<Edge>) -> Path {
        Path {
            max_session_seconds: self.max_session(&hops, 0),
            hops,
        }
    }

    /// Who can assume `role`, directly and through chains of at most `max_depth` hops.
    ///
    /// A breadth-first walk backwards over each role's hops in (decided once per role and
    /// kept in the graph), skipping a role whose ways in are those of a role already walked;
    /// each path is its first hop followed by the path of the principal that hop leads to.
    #[must_use]
    pub fn who_can_assume(&self, role: NodeId, max_depth: usize) -> WhoCanAssume {
        let mut answer = WhoCanAssume {
            role,
            rows: Vec::new(),
            classes: Vec::new(),
            broken: Vec::new(),
        };
        let mut seen = vec![false; self.nodes.len()];
        let mut expanded = vec![false; self.nodes.len()];
        if let Some(x) = expanded.get_mut(role.index()) {
            *x = true;
        }
        // Each principal found: its first hop and the found principal that hop leads to
        // (`None`: the asked role), with its path's length. Paths are made at the end.
        let mut found: Vec<Found> = Vec::new();
        // Each queued role with the principal whose path reaches it (`None`: the asked role).
        let mut queue: VecDeque<(NodeId, Option<u32>)> = VecDeque::from([(role, None)]);
        while let Some((target, via)) = queue.pop_front() {
            let depth = via.map_or(0, |i| found[i as usize].len);
            if depth >= max_depth {
                continue;
            }
            let Some(ti) = self.role_index(target) else {
                continue;
            };
            let incoming = self.incoming_of(ti);
            if target == role {
                answer.classes.clone_from(&incoming.classes);
            }
            for (caller, w) in self.listed(&incoming) {
                if !w.works {
                    if target == role {
                        answer.broken.push(self.adopt(&w.edge, caller, target));
                    }
                    continue;
                }
                if std::mem::replace(&mut seen[caller.index()], true) {
                    continue;
                }
                let at = u32::try_from(found.len()).unwrap_or(u32::MAX);
                if self.role(caller).is_some()
                    && !std::mem::replace(&mut expanded[caller.index()], true)
                {
                    queue.push_back((caller, Some(at)));
                }
                found.push(Found {
                    principal: caller,
                    edge: self.adopt(&w.edge, caller, target),
                    via,
                    len: depth + 1,
                });
            }
        }
        answer.rows = self.assume_rows(found);
        answer
    }

    /// The rows of a who-can-assume answer, shortest path first, then in the graph's order
    /// of principals: each path is its first hop followed by the path of the principal that
    /// hop leads to, which sorts before it.
    fn assume_rows(&self, found: Vec<Found>) -> Vec<AssumeRow> {
        let mut order: Vec<(usize, u32, u32)> = found
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let rank = self
                    .rank
                    .get(f.principal.index())
                    .copied()
                    .unwrap_or(u32::MAX);
                (f.len, rank, u32::try_from(i).unwrap_or(u32::MAX))
            })
            .collect();
        order.sort_unstable();
        let mut place = vec![0u32; found.len()];
        for (k, &(_, _, i)) in order.iter().enumerate() {
            place[i as usize] = u32::try_from(k).unwrap_or(u32::MAX);
        }
        let mut found: Vec<Option<Found>> = found.into_iter().map(Some).collect();
        let mut rows: Vec<AssumeRow> = Vec::with_capacity(found.len());
        for &(len, _, i) in &order {
            let Some(f) = found.get_mut(i as usize).and_then(Option::take) else {
                continue;
            };
            let mut hops = Vec::with_capacity(len);
            hops.push(f.edge);
            if let Some(row) = f.via.and_then(|v| rows.get(place[v as usize] as usize)) {
                hops.extend(row.path.hops.iter().cloned());
            }
            rows.push(AssumeRow {
                principal: f.principal,
                path: self.path(hops),
            });
        }
        rows
    }

    /// Every role `from` can reach in at most `max_depth` hops, shortest path first.
    ///
    /// A breadth-first walk forwards over each principal's hops out (decided once per
    /// principal and kept in the graph); each path is the path of the principal it leaves
    /// from, then one hop. Recent answers are kept (see [`super::recent`]): asking again
    /// returns the same answer.
    #[must_use]
    pub fn reach(&self, from: NodeId, max_depth: usize) -> Arc<Reach> {
        self.reaches.get_or_make(
            (from, max_depth),
            || self.walk_reach(from, max_depth),
            Reach::weight,
        )
    }

    fn walk_reach(&self, from: NodeId, max_depth: usize) -> Reach {
        let mut answer = Reach {
            from,
            rows: Vec::new(),
            broken: Vec::new(),
        };
        let mut seen = vec![false; self.nodes.len()];
        if let Some(x) = seen.get_mut(from.index()) {
            *x = true;
        }
        // Broken hops out of reached principals, kept for the roles no path reaches.
        let mut broken: Vec<(NodeId, OutHop)> = Vec::new();
        // Principals not walked from because another with the same hops out was, by their
        // class: their broken hops are the same hops.
        let mut walked: HashSet<OutClass, foldhash::fast::RandomState> = HashSet::default();
        let mut alike: Vec<(OutClass, NodeId)> = Vec::new();
        // Each queued principal with the row whose path reaches it (`None`: the start).
        let mut queue: VecDeque<(NodeId, Option<usize>)> = VecDeque::from([(from, None)]);
        while let Some((node, row)) = queue.pop_front() {
            let depth = row.map_or(0, |i| answer.rows[i].path.len());
            if depth >= max_depth {
                continue;
            }
            let class = self.out_class(node);
            if !walked.insert(class) {
                alike.push((class, node));
                continue;
            }
            let outs = self.out_ways(node);
            for hop in outs.hops() {
                let to = hop.to;
                if !hop.works {
                    // Kept only while no path reaches the role (`seen` only grows).
                    if !seen[to.index()] {
                        broken.push((node, hop));
                    }
                    continue;
                }
                if std::mem::replace(&mut seen[to.index()], true) {
                    continue;
                }
                let Some(edge) = outs.edge(hop) else { continue };
                let mut hops = Vec::with_capacity(depth + 1);
                if let Some(i) = row {
                    hops.extend(answer.rows[i].path.hops.iter().cloned());
                }
                hops.push(self.adopt(edge, node, to));
                queue.push_back((to, Some(answer.rows.len())));
                answer.rows.push(ReachRow {
                    role: to,
                    path: Path {
                        max_session_seconds: self.max_session(&hops, hop.max_session),
                        hops,
                    },
                });
            }
        }
        broken.retain(|(_, hop)| !seen[hop.to.index()]);
        let mut others: HashMap<OutClass, Vec<NodeId>> = HashMap::new();
        if !broken.is_empty() {
            for (class, node) in alike {
                others.entry(class).or_default().push(node);
            }
        }
        for (caller, hop) in broken {
            let others = others
                .get(&self.out_class(caller))
                .map_or(&[][..], Vec::as_slice);
            let mut places = super::build::AdoptPlaces::default();
            for &c in std::iter::once(&caller).chain(others) {
                // The same hop: principals of one class keep their hops out in the same
                // places (their set's, and their own in the same order), so the hop's place
                // in the first is its place in each.
                let ways = self.out_ways(c);
                if let Some(e) = ways.edge(hop) {
                    answer
                        .broken
                        .push(self.adopt_kept(e, c, hop.to, &mut places));
                }
            }
        }
        answer
    }

    /// Every simple path from `from` to `to` of at most `max_depth` hops (shortest first,
    /// `max_depth` clamped to 1..=[`MAX_PATH_DEPTH`]), or why there is none: the broken hop
    /// into `to` nearest to `from`.
    /// Recent answers are kept (see [`super::recent`]).
    #[must_use]
    pub fn paths(&self, from: NodeId, to: NodeId, max_depth: usize) -> Arc<Paths> {
        // INVARIANT: the walk below recurses once per hop, so its depth is this bound's.
        let max_depth = max_depth.clamp(1, MAX_PATH_DEPTH);
        self.path_answers.get_or_make(
            (from, to, max_depth),
            || self.walk_paths(from, to, max_depth),
            Paths::weight,
        )
    }

    fn walk_paths(&self, from: NodeId, to: NodeId, max_depth: usize) -> Paths {
        let mut found: Vec<Vec<Edge>> = Vec::new();
        let mut stack: Vec<Edge> = Vec::new();
        let mut on_path: HashSet<NodeId> = HashSet::from([from]);
        let mut truncated = false;
        self.dfs(
            from,
            to,
            max_depth,
            &mut stack,
            &mut on_path,
            &mut found,
            &mut truncated,
            &self.hops_to(to, max_depth - 1),
        );
        found.sort_by_key(Vec::len);
        let paths: Vec<Path> = found.into_iter().map(|h| self.path(h)).collect();
        let no_path = paths
            .is_empty()
            .then(|| self.why_no_path(from, to, max_depth));
        Paths {
            from,
            to,
            max_depth,
            paths,
            truncated,
            no_path,
        }
    }

    /// For each principal, the fewest working hops that lead from it to `to` (revisits
    /// allowed), when at most `max`; `u8::MAX` otherwise. Found walking back from `to` over
    /// the ways into each role met (a principal's hops out are the ways in read by caller),
    /// so that a walk forwards toward `to` skips every principal that cannot reach it in the
    /// hops it has left without deciding anything of theirs.
    fn hops_to(&self, to: NodeId, max: usize) -> Vec<u8> {
        let mut hops = vec![u8::MAX; self.nodes.len()];
        let Some(x) = hops.get_mut(to.index()) else {
            return hops;
        };
        *x = 0;
        let mut queue: VecDeque<(NodeId, usize)> = VecDeque::from([(to, 0)]);
        while let Some((role, depth)) = queue.pop_front() {
            if depth >= max {
                continue;
            }
            let Some(ri) = self.role_index(role).filter(|_| self.role(role).is_some()) else {
                continue;
            };
            let ways = self.incoming_of(ri);
            for w in ways.entries.iter().filter(|w| w.works) {
                let members = match w.set {
                    UNSHARED => std::slice::from_ref(&w.node),
                    set => self.members_of_set(set),
                };
                for &m in members {
                    let Some(h) = hops.get_mut(m.index()) else {
                        continue;
                    };
                    if *h == u8::MAX {
                        *h = u8::try_from(depth + 1).unwrap_or(u8::MAX);
                        queue.push_back((m, depth + 1));
                    }
                }
            }
        }
        hops
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the depth-first walk's state, kept out of a struct for clarity"
    )]
    fn dfs(
        &self,
        node: NodeId,
        to: NodeId,
        depth: usize,
        stack: &mut Vec<Edge>,
        on_path: &mut HashSet<NodeId>,
        found: &mut Vec<Vec<Edge>>,
        truncated: &mut bool,
        hops_to: &[u8],
    ) {
        if stack.len() >= depth || *truncated {
            return;
        }
        let ways = self.out_ways(node);
        for hop in ways.hops().filter(|h| h.works) {
            let next = hop.to;
            let edge = || ways.edge(hop).map(|e| self.adopt(e, node, next));
            if next == to {
                if found.len() >= MAX_PATHS {
                    *truncated = true;
                    return;
                }
                let mut p = stack.clone();
                p.extend(edge());
                found.push(p);
                continue;
            }
            if on_path.contains(&next) {
                continue;
            }
            // Only principals that lead to `to` in the hops left are worth walking from.
            let left = depth - stack.len() - 1;
            if hops_to
                .get(next.index())
                .is_none_or(|&h| usize::from(h) > left)
            {
                continue;
            }
            let Some(e) = edge() else { continue };
            on_path.insert(next);
            stack.push(e);
            self.dfs(next, to, depth, stack, on_path, found, truncated, hops_to);
            stack.pop();
            on_path.remove(&next);
        }
    }

    fn why_no_path(&self, from: NodeId, to: NodeId, max_depth: usize) -> NoPath {
        let to_name = self.node(to).id.clone();
        let Some(ti) = self.role_index(to).filter(|_| self.role(to).is_some()) else {
            return NoPath {
                nearest_broken: None,
                reason: format!(
                    "`{to_name}` is not a role of the loaded data; only roles can be assumed"
                ),
            };
        };
        // The start and what it reaches, nearest first.
        let mut reached: Vec<(NodeId, Vec<Edge>)> = vec![(from, Vec::new())];
        if max_depth > 1 {
            let reach = self.walk_reach(from, max_depth - 1);
            reached.extend(
                reach
                    .rows
                    .into_iter()
                    .filter(|r| r.role != to)
                    .map(|r| (r.role, r.path.hops)),
            );
        }
        for (n, hops) in &reached {
            if let Some(e) =
                self.first_edge(self.grants_for(*n, ti), |g| self.shared_hop(*n, ti, g))
                && !e.works()
            {
                let reason = match &e.status {
                    super::edge::EdgeStatus::Broken {
                        refused_by: Some(p),
                        message,
                    } => format!(
                        "the trust policy of `{to_name}` lets `{}` in, but the {} refuses: {message}",
                        self.node(*n).id,
                        // A role's trust policy is its resource-based policy.
                        if *p == crate::engine::policy::decision::PolicyType::ResourceBasedPolicy {
                            "trust policy"
                        } else {
                            p.phrase()
                        }
                    ),
                    super::edge::EdgeStatus::Broken {
                        refused_by: None,
                        message,
                    } => message.clone(),
                    super::edge::EdgeStatus::Unknown { message, .. } => format!(
                        "unknown: whether `{}` may assume `{to_name}` depends on data that is not loaded ({}); {message}",
                        self.node(*n).id,
                        e.status.unknown_sentence().unwrap_or_default()
                    ),
                    super::edge::EdgeStatus::Works => String::new(),
                };
                return NoPath {
                    nearest_broken: Some((self.path(hops.clone()), e)),
                    reason,
                };
            }
        }
        let trusted = self.trusted_summary(to);
        NoPath {
            nearest_broken: None,
            reason: format!(
                "the trust policy of `{to_name}` lets in neither `{}` nor any of the {} role(s) it reaches within {} hop(s); it trusts {}",
                self.node(from).id,
                reached.len() - 1,
                max_depth.saturating_sub(1),
                if trusted.is_empty() {
                    "no one".to_owned()
                } else {
                    trusted.join(", ")
                }
            ),
        }
    }

    /// The principals a role's trust names, for messages.
    #[must_use]
    pub fn trusted_summary(&self, role: NodeId) -> Vec<String> {
        let Some(ri) = self.role_index(role) else {
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        for g in &self.trusts[ri].grants {
            let s = match &g.who {
                Who::Node(n, Grant::Session, Some(s)) => {
                    format!("`{}` (session `{s}`)", self.node(*n).id)
                }
                Who::Node(n, ..) => format!("`{}`", self.node(*n).id),
                Who::Account(a) => format!("account `{a}`"),
                Who::Everyone => "`*`".to_owned(),
            };
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }

    /// Every role a principal outside the loaded accounts (or `*`, or a federated provider)
    /// can assume, and every role trusting a service that assumes roles by ARN without
    /// `aws:SourceAccount` / `aws:SourceArn` / an external ID (confused deputy; see
    /// [`super::deputy`]).
    #[must_use]
    pub fn external_access(&self) -> &ExternalAccess {
        self.external.get_or_init(|| self.scan_external(true))
    }

    /// [`TrustGraph::external_access`] with every hop decided on its own, sharing no
    /// decision between principals or roles: slower, and meant for checking the scan.
    #[doc(hidden)]
    #[must_use]
    pub fn external_access_unshared(&self) -> ExternalAccess {
        self.scan_external(false)
    }

    /// [`TrustGraph::external_access`], decided: every grant to a principal outside. With
    /// `share`, a hop is decided once for the roles of one account holding the same trust
    /// document ([`TrustGraph::shared_hop`]), and once for the outside accounts (or the
    /// outside principals) one statement names when nothing in the trust can tell them
    /// apart (no `Deny`, no condition on who the caller is): a trust listing thousands of
    /// accounts is one decision, made each account's own.
    fn scan_external(&self, share: bool) -> ExternalAccess {
        let mut findings = Vec::new();
        let mut deputies = Vec::new();
        for (ri, trust) in self.trusts.iter().enumerate() {
            let role_node = self.role_node(ri);
            let role = &self.inventory.roles[ri];
            let mut done: HashSet<NodeId> = HashSet::new();
            // This role's findings; a principal's broken finding is replaced by a later one
            // (found through its position, so a trust naming thousands stays linear).
            let mut role_findings: Vec<Option<ExternalFinding>> = Vec::new();
            let mut at: HashMap<NodeId, usize> = HashMap::new();
            for (gi, g) in trust.grants.iter().enumerate() {
                let (principal, kind) = match &g.who {
                    Who::Everyone => (self.everyone(), ExternalKind::Everyone),
                    Who::Node(n, ..) => match self.node(*n).kind {
                        NodeKind::ExternalAccount => (*n, ExternalKind::Account),
                        NodeKind::ExternalPrincipal => (*n, ExternalKind::Principal),
                        NodeKind::OidcProvider | NodeKind::SamlProvider => {
                            (*n, ExternalKind::Federated)
                        }
                        NodeKind::Service => {
                            let st = trust.doc.as_ref().and_then(|d| d.statements.get(g.stmt));
                            let service = &self.node(*n).id;
                            let pinned = st.is_some_and(|s| {
                                s.conditions.iter().any(|c| {
                                    super::deputy::PINNING_KEYS
                                        .contains(&c.key.to_ascii_lowercase().as_str())
                                })
                            });
                            if !pinned
                                && !role.is_service_linked()
                                && super::deputy::assumes_by_arn(service)
                            {
                                deputies.push(ConfusedDeputy {
                                    role: role_node,
                                    service: service.clone(),
                                    trust_statement: st.map(|s| s.label()).unwrap_or_default(),
                                });
                            }
                            continue;
                        }
                        _ => continue,
                    },
                    Who::Account(_) => continue,
                };
                if done.contains(&principal) {
                    continue;
                }
                // Shared: once per trust document of an account, and once per statement for
                // the outside principals it names ([`TrustGraph::shared_hop`]).
                let decided = if share {
                    self.shared_hop(principal, ri, gi)
                } else {
                    self.check(principal, ri, gi)
                };
                if let Some(edge) = decided {
                    if edge.works() {
                        done.insert(principal);
                    }
                    if let Some(&i) = at.get(&principal)
                        && let Some(slot) = role_findings.get_mut(i)
                        && slot.as_ref().is_some_and(|f| !f.edge.works())
                    {
                        *slot = None;
                    }
                    at.insert(principal, role_findings.len());
                    role_findings.push(Some(ExternalFinding {
                        role: role_node,
                        principal,
                        kind,
                        edge,
                    }));
                }
            }
            findings.extend(role_findings.into_iter().flatten());
        }
        ExternalAccess {
            findings,
            confused_deputies: deputies,
        }
    }

    /// Every edge of the graph: each principal's hops, working and broken. Costly on large
    /// inventories (it expands class grants for principals whose own policy names a role);
    /// meant for pictures and checks.
    #[must_use]
    pub fn all_edges(&self) -> Vec<Edge> {
        let mut out = Vec::new();
        for i in 0..self.nodes.len() {
            out.extend(self.edges_from(NodeId(u32::try_from(i).unwrap_or(u32::MAX))));
        }
        out
    }

    /// Finds a node from what a person types: an ARN, a user or role name (unique across the
    /// loaded accounts, case-insensitive when unambiguous), a service name, an account id or
    /// `*`.
    ///
    /// # Errors
    /// A sentence saying what was not found or which names clash.
    pub fn find(&self, query: &str) -> Result<NodeId, String> {
        let q = query.trim();
        if let Some(n) = self.node_id(q) {
            return Ok(n);
        }
        let exact: Vec<NodeId> = (0..self.nodes.len())
            .map(|i| NodeId(u32::try_from(i).unwrap_or(u32::MAX)))
            .filter(|n| {
                let node = self.node(*n);
                matches!(node.kind, NodeKind::User | NodeKind::Role) && node.name == q
            })
            .collect();
        let candidates = if exact.is_empty() {
            (0..self.nodes.len())
                .map(|i| NodeId(u32::try_from(i).unwrap_or(u32::MAX)))
                .filter(|n| {
                    let node = self.node(*n);
                    matches!(node.kind, NodeKind::User | NodeKind::Role)
                        && node.name.eq_ignore_ascii_case(q)
                })
                .collect()
        } else {
            exact
        };
        match candidates.as_slice() {
            [one] => Ok(*one),
            [] => Err(format!(
                "no principal `{q}` in the loaded data; give a user or role ARN or name, a service name, an account id or `*` (list roles with `rolescope roles`)"
            )),
            many => Err(format!(
                "`{q}` names several principals ({}); pass the ARN instead",
                many.iter()
                    .map(|n| format!("`{}`", self.node(*n).id))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// The `AssumeRole` request document for a hop, ready for the simulator or a simulate
    /// form; `None` for web-identity and SAML hops (their requests carry a token instead).
    #[must_use]
    pub fn simulate_request(
        &self,
        edge: &Edge,
    ) -> Option<crate::engine::sts::request::AssumeRoleRequest> {
        if edge.api != Api::AssumeRole {
            return None;
        }
        let from = self.node(edge.from);
        let caller = match from.kind {
            NodeKind::Everyone => format!("arn:aws:iam::{}:user/anyone", self.outside_account),
            NodeKind::ExternalAccount => format!("arn:aws:iam::{}:user/any-principal", from.id),
            _ => from.id.clone(),
        };
        match crate::engine::sts::hop::hop_request(
            &caller,
            &self.node(edge.to).id,
            edge.request(),
            crate::engine::sts::hop::CallerSessions::Assumed,
            self.now,
        ) {
            crate::engine::sts::hop::HopRequest::Ready(req) => Some(*req),
            crate::engine::sts::hop::HopRequest::NeedsSession { .. } => None,
        }
    }

    /// The requirements of a class of keys across a path, for summaries.
    #[must_use]
    pub fn path_requirements(path: &Path, kind: RequirementKind) -> Vec<&Requirement> {
        path.hops
            .iter()
            .flat_map(|e| e.requirements().iter())
            .filter(|r| r.kind == kind)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::UNSHARED;
    use crate::engine::graph::{NodeKind, TrustGraph};

    /// An account where 40 users hold the same managed policy allowing `sts:AssumeRole` on
    /// `*`, 3 users each an inline one named after them, and 30 roles trust the account's
    /// root.
    fn root_trusting_account() -> Arc<crate::engine::model::Inventory> {
        let id = "111122223333";
        let users: Vec<_> = (0..43)
            .map(|u| {
                let mut user = json!({
                    "Path": "/", "UserName": format!("u{u:02}"), "UserId": format!("AIDAU{u:02}"),
                    "Arn": format!("arn:aws:iam::{id}:user/u{u:02}"),
                    "CreateDate": "2024-01-01T00:00:00Z", "GroupList": [],
                    "UserPolicyList": [], "AttachedManagedPolicies": []
                });
                if u < 40 {
                    user["AttachedManagedPolicies"] = json!([{"PolicyName": "AssumeAny",
                        "PolicyArn": format!("arn:aws:iam::{id}:policy/AssumeAny")}]);
                } else {
                    user["UserPolicyList"] = json!([{"PolicyName": format!("own-{u}"),
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}}]);
                }
                user
            })
            .collect();
        let roles: Vec<_> = (0..30)
            .map(|r| {
                json!({
                    "Path": "/", "RoleName": format!("r{r:02}"), "RoleId": format!("AROAR{r:02}"),
                    "Arn": format!("arn:aws:iam::{id}:role/r{r:02}"),
                    "CreateDate": "2024-01-01T00:00:00Z", "MaxSessionDuration": 3600,
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{id}:root")},
                         "Action": "sts:AssumeRole"}]},
                    "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []
                })
            })
            .collect();
        let bundle = json!({"Accounts": {id: {
            "UserDetailList": users, "RoleDetailList": roles, "GroupDetailList": [],
            "Policies": [{
                "PolicyName": "AssumeAny", "PolicyId": "ANPAASSUMEANY", "Path": "/",
                "Arn": format!("arn:aws:iam::{id}:policy/AssumeAny"), "DefaultVersionId": "v1",
                "AttachmentCount": 40, "IsAttachable": true,
                "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
                    "Document": {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}}]
            }]
        }}});
        Arc::new(crate::engine::load::load_str("classes", &bundle.to_string()).expect("it loads"))
    }

    /// A role trusting its account's root keeps one way in per class of callers (the 40
    /// holders of one policy are one), and answers list every member with its own edge.
    #[test]
    fn a_class_of_callers_is_one_way_in_and_every_member_in_answers() {
        let g = TrustGraph::build(root_trusting_account(), chrono::Utc::now());
        let role = g.find("r07").expect("a role");
        let ri = g.role_index(role).expect("a role index");
        let ways = g.incoming_of(ri);
        let classes = ways.entries.iter().filter(|w| w.set != UNSHARED).count();
        // One way for the 40 holders of the managed policy, one for each inline policy's
        // holder (its policy's name is its own: a class of one).
        assert_eq!(ways.entries.len(), 4, "{:?}", ways.entries);
        assert_eq!(classes, 4, "{:?}", ways.entries);
        let who = g.who_can_assume(role, 1);
        assert_eq!(who.rows.len(), 43);
        for row in &who.rows {
            assert_eq!(row.path.hops[0].from, row.principal);
            assert_eq!(row.path.hops[0].to, role);
            assert_eq!(g.node(row.principal).kind, NodeKind::User);
        }
        assert_eq!(who.classes[0].members_working, 43);
        // Walking forwards: a member's hops out are its class's, one per role.
        let user = g.find("u05").expect("a user");
        let reach = g.reach(user, 1);
        assert_eq!(reach.rows.len(), 30);
        assert!(reach.rows.iter().all(|r| r.path.hops[0].from == user));
        // Kept once for the holders' class: the user has no hop of its own, and every
        // holder of the managed policy walks as one.
        assert!(matches!(g.same_hops_out(user), super::OutClass::Set(_)));
        let other = g.find("u06").expect("a user");
        assert_eq!(g.same_hops_out(user), g.same_hops_out(other));
        assert_eq!(g.edges_from(user), g.edges_from_ways_in(user));
    }
}
