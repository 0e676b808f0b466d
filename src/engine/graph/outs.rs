//! A user's or role's hops out, decided the first time a walk forwards meets it.
//!
//! A caller's hops out are found from the trust grants that can name it, not by deciding
//! every role's ways in first: the grants naming it (by ARN or session), the account grants
//! to its account and the `"*"` grants. Those through trusts that treat every caller of one
//! policy set alike are decided once for the set and kept for all its members (the set's
//! hops); the others — grants naming the caller, trusts that read who the caller is, and every
//! hop of a caller that shares with no one — are the caller's own. Callers of one set whose
//! own hops lead to the same roles with the same outcomes (none, often) have exactly the same
//! hops out, so a walk that has taken one of them learns nothing new from the others
//! ([`OutClass`]).
//!
//! Each hop is decided as a role's ways in decide it for that caller (the grants that list
//! the caller first, then, for a `"*"` trust of its own account, every grant that lets it in
//! without its own policy), so hops out and ways in always agree; the tests
//! `hops_out_are_the_ways_in_read_by_caller_dense` (tests/graph_dense.rs) and
//! `a_lazily_built_graph_answers_as_the_fully_built_one_gen_org` hold them to it.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::build::{HashMap, TrustGraph, UNSHARED, Who};
use super::edge::{Edge, NodeId};
use super::query::{OutRef, OutWays};

/// Which principals have the very same hops out (roles and outcomes): the users and roles
/// of one caller policy set whose own hops lead to the same roles with the same outcomes
/// share a class; any other principal is a class of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutClass {
    /// The members of this caller policy set that have no hops of their own.
    Set(u32),
    /// Users and roles of one policy set (or of none) with the same own hops: numbered in
    /// the order the graph first met them.
    Own(u32),
    /// One principal other than a loaded user or role.
    Node(NodeId),
}

/// A user's or role's own hops out and its class.
#[derive(Debug)]
struct Own {
    refs: Arc<[OutRef]>,
    class: OutClass,
}

/// What makes two users' or roles' hops out the same: their policy set (its hops) and their
/// own hops' roles and outcomes.
type OwnKey = (u32, Vec<(NodeId, bool)>);

/// The hops out kept so far: per caller policy set and per user and role, each decided on
/// first use.
#[derive(Debug, Default)]
pub(crate) struct LazyOuts {
    /// Per caller policy set: its hops out through grants that treat every member alike.
    sets: Vec<OnceLock<Arc<[OutRef]>>>,
    /// Per user and role: its own hops out and its class.
    own: Vec<OnceLock<Own>>,
    /// The classes of users and roles with hops of their own, by what they share.
    classes: Mutex<HashMap<OwnKey, u32>>,
    /// The roles whose trust may let a caller in through an account or `"*"` grant.
    candidates: OnceLock<Candidates>,
}

impl LazyOuts {
    pub(crate) fn new(sets: usize, callers: usize) -> Self {
        Self {
            sets: (0..sets).map(|_| OnceLock::new()).collect(),
            own: (0..callers).map(|_| OnceLock::new()).collect(),
            classes: Mutex::new(HashMap::default()),
            candidates: OnceLock::new(),
        }
    }
}

/// Roles by the grants of their trust that do not name one principal, split by whether the
/// trust decides such a hop alike for every caller of a policy set; each list sorted.
#[derive(Debug, Default)]
struct Candidates {
    /// Per account: the roles whose trust grants that account.
    shared_by_account: HashMap<String, Vec<u32>>,
    unshared_by_account: HashMap<String, Vec<u32>>,
    /// The roles whose trust has a `"*"` grant.
    shared_open: Vec<u32>,
    unshared_open: Vec<u32>,
}

/// The roles listed for `account`.
fn of<'m>(map: &'m HashMap<String, Vec<u32>>, account: &str) -> &'m [u32] {
    map.get(account).map_or(&[][..], Vec::as_slice)
}

/// The union of sorted lists, sorted and without repeats.
fn merged<'a>(lists: impl IntoIterator<Item = &'a [u32]>) -> Vec<u32> {
    let mut out: Vec<u32> = lists.into_iter().flatten().copied().collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The union of two sorted lists without repeats, in order, walked side by side.
fn union_sorted<'a>(a: &'a [u32], b: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
    let (mut i, mut j) = (0, 0);
    let mut last: Option<u32> = None;
    std::iter::from_fn(move || {
        loop {
            let next = match (a.get(i), b.get(j)) {
                (Some(&x), Some(&y)) if x <= y => {
                    i += 1;
                    x
                }
                (_, Some(&y)) => {
                    j += 1;
                    y
                }
                (Some(&x), None) => {
                    i += 1;
                    x
                }
                (None, None) => return None,
            };
            if last != Some(next) {
                last = Some(next);
                return Some(next);
            }
        }
    })
}

impl TrustGraph {
    fn candidates(&self) -> &Candidates {
        self.outs.candidates.get_or_init(|| {
            let mut c = Candidates::default();
            for (ri, trust) in self.trusts.iter().enumerate() {
                let r = u32::try_from(ri).unwrap_or(u32::MAX);
                for g in &trust.grants {
                    match (&g.who, trust.shareable) {
                        (Who::Account(a), true) => {
                            c.shared_by_account.entry(a.clone()).or_default().push(r);
                        }
                        (Who::Account(a), false) => {
                            c.unshared_by_account.entry(a.clone()).or_default().push(r);
                        }
                        (Who::Everyone, true) => c.shared_open.push(r),
                        (Who::Everyone, false) => c.unshared_open.push(r),
                        (Who::Node(..), _) => {}
                    }
                }
            }
            for list in c
                .shared_by_account
                .values_mut()
                .chain(c.unshared_by_account.values_mut())
                .chain([&mut c.shared_open, &mut c.unshared_open])
            {
                list.dedup();
            }
            c
        })
    }

    /// True for a node that is a loaded user or role.
    pub(crate) fn is_caller(&self, node: NodeId) -> bool {
        node.index() < self.inventory.users.len() + self.inventory.roles.len()
    }

    /// The hops out of a loaded user or role: its set's and its own.
    pub(crate) fn kept_out(&self, caller: NodeId) -> OutWays<'_> {
        self.kept_out_into(caller, None)
    }

    /// [`TrustGraph::kept_out`]; with `wanted`, while the set's hops are not decided, only
    /// its hops into the roles `wanted` keeps, decided now and not kept as the set's list
    /// (see [`TrustGraph::hops_from_into`]).
    pub(crate) fn kept_out_into(
        &self,
        caller: NodeId,
        wanted: Option<&dyn Fn(NodeId) -> bool>,
    ) -> OutWays<'_> {
        let set = self
            .policy_sets
            .get(caller.index())
            .copied()
            .unwrap_or(UNSHARED);
        let shared: Cow<'_, [OutRef]> = match (self.outs.sets.get(set as usize), wanted) {
            (Some(cell), Some(wanted)) if cell.get().is_none() => {
                Cow::Owned(self.set_outs(set, Some(wanted)))
            }
            (Some(cell), _) => {
                Cow::Borrowed(&cell.get_or_init(|| self.set_outs(set, None).into())[..])
            }
            (None, _) => Cow::Borrowed(&[]),
        };
        let own = self.own_outs(caller).map_or(&[][..], |o| &o.refs[..]);
        OutWays::Kept(shared, own)
    }

    /// A caller's own hops out (see the module documentation) and its class, decided on
    /// first use.
    fn own_outs(&self, caller: NodeId) -> Option<&Own> {
        let cell = self.outs.own.get(caller.index())?;
        Some(cell.get_or_init(|| {
            let refs = self.decide_own(caller);
            let set = self
                .policy_sets
                .get(caller.index())
                .copied()
                .unwrap_or(UNSHARED);
            let class = if set != UNSHARED && refs.is_empty() {
                OutClass::Set(set)
            } else {
                let key = (set, refs.iter().map(|r| (r.to, r.works)).collect());
                let mut classes = self
                    .outs
                    .classes
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                let next = u32::try_from(classes.len()).unwrap_or(u32::MAX);
                OutClass::Own(*classes.entry(key).or_insert(next))
            };
            Own { refs, class }
        }))
    }

    /// Which principals have the same hops out as `node` (see [`OutClass`]).
    pub(crate) fn out_class(&self, node: NodeId) -> OutClass {
        match self.own_outs(node) {
            Some(own) if self.is_caller(node) => own.class,
            _ => OutClass::Node(node),
        }
    }

    /// The hops of every member of policy set `set` through the account and `"*"` grants of
    /// trusts that treat the set's members alike, decided for its first member; with
    /// `wanted`, only those into the roles it keeps.
    fn set_outs(&self, set: u32, wanted: Option<&dyn Fn(NodeId) -> bool>) -> Vec<OutRef> {
        let Some(&first) = self.members_of_set(set).first() else {
            return Vec::new();
        };
        let Some(account) = self.node(first).account.as_deref() else {
            return Vec::new();
        };
        let c = self.candidates();
        // Both lists are sorted: walked side by side, not gathered and sorted (a walk asks
        // for the set's hops into the roles it still wants once per member class it meets).
        let all = union_sorted(of(&c.shared_by_account, account), &c.shared_open);
        let roles: Vec<u32> = match wanted {
            Some(wanted) => all
                .filter(|&r| wanted(self.role_node(r as usize)))
                .collect(),
            None => all.collect(),
        };
        self.out_refs(first, &roles, false)
    }

    /// A caller's own hops: through grants naming it, through trusts that read who the
    /// caller is, and — for a caller that shares with no one — every hop.
    fn decide_own(&self, caller: NodeId) -> Arc<[OutRef]> {
        let Some(account) = self.node(caller).account.as_deref() else {
            return Arc::from(Vec::new());
        };
        let c = self.candidates();
        let named: Vec<u32> = self
            .by_node
            .get(&caller)
            .map(|g| g.iter().map(|(r, _)| *r).collect())
            .unwrap_or_default();
        let alone = self
            .policy_sets
            .get(caller.index())
            .is_none_or(|&s| s == UNSHARED);
        let mut lists: Vec<&[u32]> = vec![
            &named,
            of(&c.unshared_by_account, account),
            c.unshared_open.as_slice(),
        ];
        if alone {
            lists.extend([of(&c.shared_by_account, account), c.shared_open.as_slice()]);
        }
        let roles = merged(lists);
        self.out_refs(caller, &roles, true)
    }

    /// The hops of `caller` into `roles` (sorted), each decided by [`TrustGraph::way_for`].
    fn out_refs<C: FromIterator<OutRef>>(&self, caller: NodeId, roles: &[u32], own: bool) -> C {
        roles
            .iter()
            .filter_map(|&r| {
                let ri = r as usize;
                let edge = self.way_for(caller, ri, own)?;
                Some(OutRef {
                    to: self.role_node(ri),
                    max_session: self
                        .max_sessions
                        .get(ri)
                        .and_then(|m| u16::try_from(*m).ok())
                        .unwrap_or(0),
                    works: edge.works(),
                    edge,
                })
            })
            .collect()
    }

    /// The hop `caller` → role `ri` as the role's ways in decide it: through the grants that list the caller (naming it, when
    /// `own`; granting its account, or `"*"` from another account, when its own policy may
    /// allow the call), the first that works or else the first broken; and for a `"*"` trust
    /// of the caller's own account, which needs nothing from its policy, the first grant
    /// that lets it in that way when the listed ones do not work.
    pub(crate) fn way_for(&self, caller: NodeId, ri: usize, own: bool) -> Option<Arc<Edge>> {
        let trust = self.trusts.get(ri)?;
        let role = self.inventory.roles.get(ri)?;
        let account = self.node(caller).account.as_deref();
        let same = account == Some(role.account.as_str());
        let mut may: Option<bool> = None;
        let mut may_allow = || *may.get_or_insert_with(|| self.may_allow(caller, &role.arn));
        // The grants that may let the caller in, in trust order: those naming it (found
        // through the index by principal, not by reading a list of thousands), and those to
        // an account or `"*"`.
        let r = u32::try_from(ri).unwrap_or(u32::MAX);
        let named = || {
            self.by_node
                .get(&caller)
                .into_iter()
                .flatten()
                .filter(move |(x, _)| *x == r)
                .map(|(_, g)| *g)
        };
        let cands: std::borrow::Cow<'_, [u32]> = if own && named().next().is_some() {
            let mut all: Vec<u32> = trust.class_grants.iter().copied().chain(named()).collect();
            all.sort_unstable();
            all.dedup();
            std::borrow::Cow::Owned(all)
        } else {
            std::borrow::Cow::Borrowed(&trust.class_grants)
        };
        let who = |g: u32| trust.grants.get(g as usize).map(|g| &g.who);
        let open = same && cands.iter().any(|&g| matches!(who(g), Some(Who::Everyone)));
        let listed = cands.iter().filter_map(|&g| {
            let lists = match who(g)? {
                Who::Node(n, ..) => own && *n == caller,
                Who::Account(a) => account == Some(a.as_str()) && may_allow(),
                Who::Everyone => !same && may_allow(),
            };
            lists.then_some(g as usize)
        });
        let decide = |g: usize| self.shared_hop_raw(caller, ri, g);
        let listed_edge = self.first_edge(listed, decide);
        if !open || listed_edge.as_ref().is_some_and(|e| e.works()) {
            return listed_edge;
        }
        // Every grant that lets the caller in without its own policy, or with it for an
        // account grant ([`TrustGraph::grants_for`], read through the same index).
        let grants = cands.iter().filter_map(|&g| {
            let lets_in = match who(g)? {
                Who::Account(a) => account == Some(a.as_str()) && may_allow(),
                Who::Node(n, ..) => *n == caller,
                Who::Everyone => true,
            };
            lets_in.then_some(g as usize)
        });
        let open_edge = self.first_edge(grants, decide);
        match (listed_edge, open_edge) {
            (Some(l), Some(o)) => Some(if o.works() { o } else { l }),
            (l, o) => l.or(o),
        }
    }

    /// True when the trust policy of `role` names the principal `id` (a service, say).
    pub(crate) fn trust_names(&self, role: NodeId, id: &str) -> bool {
        let (Some(ri), Some(n)) = (self.role_index(role), self.node_id(id)) else {
            return false;
        };
        self.trusts.get(ri).is_some_and(|t| {
            t.grants
                .iter()
                .any(|g| matches!(g.who, Who::Node(x, ..) if x == n))
        })
    }

    /// Every hop out of `caller` found by reading every role's ways in: what
    /// [`TrustGraph::edges_from`] must give, kept to check it against.
    #[doc(hidden)]
    #[must_use]
    pub fn edges_from_ways_in(&self, caller: NodeId) -> Vec<Edge> {
        let mut out = Vec::new();
        for ri in 0..self.inventory.roles.len() {
            let ways = self.incoming_of(ri);
            let to = self.role_node(ri);
            let mine = ways.entries.iter().find(|w| {
                w.node == caller
                    || (w.set != UNSHARED && self.members_of_set(w.set).contains(&caller))
            });
            if let Some(w) = mine {
                out.push(self.adopt(&w.edge, caller, to));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{merged, union_sorted};

    #[test]
    fn the_union_of_two_sorted_lists_is_their_merged_list() {
        let cases: [(&[u32], &[u32]); 6] = [
            (&[], &[]),
            (&[1, 2, 3], &[]),
            (&[], &[4, 9]),
            (&[1, 3, 5, 7], &[2, 3, 4, 7, 8]),
            (&[0, 0, 2], &[0, 2, 2]),
            (&[5, 6], &[1, 2]),
        ];
        for (a, b) in cases {
            let walked: Vec<u32> = union_sorted(a, b).collect();
            assert_eq!(walked, merged([a, b]), "{a:?} ∪ {b:?}");
        }
    }
}
