//! The trust graph on a small dense organisation (examples/gen_org's dense profile): broad
//! `sts:AssumeRole` grants, roles trusting account roots, organisation-wide and cross-account
//! trusts, a trust listing thousands of accounts. What the graph decides once for a class of
//! callers (same policies) or keeps per caller must be what deciding each caller alone gives.

#![allow(clippy::expect_used, clippy::unwrap_used)]

#[allow(dead_code, reason = "the generator's other profiles are not used here")]
#[path = "../examples/gen_org/dense.rs"]
mod dense;
#[path = "../examples/gen_org/org.rs"]
mod org;
#[path = "support/paths.rs"]
mod paths;
#[allow(dead_code, reason = "the generator's other profiles are not used here")]
#[path = "../examples/gen_org/realistic.rs"]
mod realistic;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use rolescope::engine::graph::{Edge, Grant, NodeId, NodeKind, TrustGraph};
use rolescope::engine::load::load_str;
use rolescope::engine::model::Inventory;

fn dense_inventory(roles: usize, seed: u64) -> Arc<Inventory> {
    let mut text = Vec::new();
    dense::write_bundle(&dense::Spec { roles, seed }, &mut text).unwrap();
    Arc::new(load_str("dense", &String::from_utf8(text).unwrap()).unwrap())
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

fn nodes(g: &TrustGraph, kind: NodeKind) -> Vec<NodeId> {
    (0..g.nodes.len())
        .map(|i| NodeId(u32::try_from(i).unwrap()))
        .filter(|n| g.node(*n).kind == kind)
        .collect()
}

fn working(edges: &[Edge]) -> Vec<Edge> {
    edges.iter().filter(|e| e.works()).cloned().collect()
}

/// Every user's and every other role's hops out, as the graph keeps them (decided once per
/// class of callers with the same policies, through indexes of the documents allowing
/// `sts:AssumeRole`), are the hops decided for that caller alone against every role.
#[test]
fn hops_decided_for_a_class_are_each_members_own_dense() {
    let g = TrustGraph::build(dense_inventory(400, 3), now());
    let roles = nodes(&g, NodeKind::Role);
    let callers: Vec<NodeId> = nodes(&g, NodeKind::User)
        .into_iter()
        .chain(nodes(&g, NodeKind::Role).into_iter().step_by(2))
        .collect();
    let (mut kept, mut through_account, mut cross) = (0, 0, 0);
    for &caller in &callers {
        let mut got = g.edges_from(caller);
        got.sort_by_key(|e| e.to);
        let alone: Vec<Edge> = roles
            .iter()
            .filter_map(|r| g.hop_unshared(caller, *r))
            .collect();
        assert_eq!(
            working(&got),
            working(&alone),
            "working hops out of {}",
            g.node(caller).id
        );
        for e in got.iter().filter(|e| !e.works()) {
            assert!(alone.contains(e), "{e:?}");
        }
        kept += got.len();
        through_account += got.iter().filter(|e| e.grant == Grant::Account).count();
        cross += got.iter().filter(|e| e.cross_account).count();
    }
    // The data is dense: many hops through account grants, many across accounts.
    assert!(
        kept > 2000 && through_account > 500 && cross > 200,
        "{kept} hops, {through_account} through account grants, {cross} across accounts"
    );
}

/// Answers do not depend on when hops are decided: a graph deciding on demand answers
/// who-can-assume (before and after a walk forwards), reach and the external-access scan as
/// one that decided every hop when it was built.
#[test]
fn answers_on_demand_are_those_of_a_graph_decided_up_front_dense() {
    let inv = dense_inventory(400, 5);
    let eager = TrustGraph::build_eager(Arc::clone(&inv), now());
    let lazy = TrustGraph::build(Arc::clone(&inv), now());
    let roles = nodes(&eager, NodeKind::Role);
    for r in roles.iter().step_by(7) {
        assert_eq!(lazy.who_can_assume(*r, 4), eager.who_can_assume(*r, 4));
    }
    assert_eq!(lazy.external_access(), eager.external_access());
    for u in nodes(&eager, NodeKind::User).iter().step_by(3) {
        assert_eq!(
            lazy.reach(*u, 3),
            eager.reach(*u, 3),
            "{}",
            eager.node(*u).id
        );
    }
    for r in roles.iter().step_by(5) {
        assert_eq!(lazy.who_can_assume(*r, 4), eager.who_can_assume(*r, 4));
    }
}

/// A caller's hops out are decided from the trust grants that can name it, without deciding
/// every role's ways in; they must be exactly the ways in that list it (each role's, read by
/// caller), for every user and role, including those whose policies share no class, name
/// roles by ARN, or are missing.
#[test]
fn hops_out_are_the_ways_in_read_by_caller_dense() {
    for seed in [3, 8] {
        let g = TrustGraph::build(dense_inventory(400, seed), now());
        let mut hops = 0;
        for caller in nodes(&g, NodeKind::User)
            .into_iter()
            .chain(nodes(&g, NodeKind::Role))
        {
            let out = g.edges_from(caller);
            assert_eq!(out, g.edges_from_ways_in(caller), "{}", g.node(caller).id);
            hops += out.len();
        }
        assert!(hops > 2000, "{hops} hops");
    }
}

/// The external-access scan shares decisions (roles of one account holding the same trust
/// document; the thousands of accounts one scanner trust lists): its findings and confused
/// deputies must be those of a scan deciding every hop on its own.
#[test]
fn the_external_scan_is_the_scan_deciding_each_hop_alone_dense() {
    for seed in [3, 8] {
        let g = TrustGraph::build(dense_inventory(5200, seed), now());
        let ext = g.external_access();
        let alone = g.external_access_unshared();
        assert_eq!(ext.findings.len(), alone.findings.len());
        for (a, b) in ext.findings.iter().zip(&alone.findings) {
            assert_eq!(
                a,
                b,
                "{} from {}",
                g.node(a.role).id,
                g.node(a.principal).id
            );
        }
        assert_eq!(ext.confused_deputies, alone.confused_deputies);
        let listed = ext
            .findings
            .iter()
            .filter(|f| g.node(f.role).id.contains("scanner-"))
            .count();
        assert!(listed >= 3000, "{listed} findings for the scanner role");
        // The hops of the outside accounts one statement lists, shared by statement, are
        // each account's own decided alone.
        for f in ext
            .findings
            .iter()
            .filter(|f| g.node(f.role).id.contains("scanner-"))
            .step_by(97)
        {
            assert_eq!(
                g.hop(f.principal, f.role),
                g.hop_unshared(f.principal, f.role),
                "{}",
                g.node(f.principal).id
            );
        }
    }
}

/// Reach skips principals whose hops out are those of one already walked; its rows (each
/// role once, at its shortest depth) and its broken hops (every reached principal's broken
/// hop into a role no path reaches, each principal's own) must be those of a plain
/// breadth-first walk over every principal's hops out.
#[test]
fn reach_is_a_plain_walk_over_every_principals_hops_dense() {
    use std::collections::{BTreeMap, BTreeSet, VecDeque};
    let g = TrustGraph::build(dense_inventory(2600, 3), now());
    let max_depth = 4;
    let mut checked = (0, 0);
    for from in nodes(&g, NodeKind::User).into_iter().step_by(9) {
        let mut depth: BTreeMap<NodeId, usize> = BTreeMap::from([(from, 0)]);
        let mut queue = VecDeque::from([from]);
        let mut walked = Vec::new();
        while let Some(n) = queue.pop_front() {
            if depth[&n] >= max_depth {
                continue;
            }
            walked.push(n);
            for e in g.edges_from(n).into_iter().filter(Edge::works) {
                if !depth.contains_key(&e.to) {
                    depth.insert(e.to, depth[&n] + 1);
                    queue.push_back(e.to);
                }
            }
        }
        let broken: BTreeSet<(NodeId, NodeId)> = walked
            .iter()
            .flat_map(|&n| g.edges_from(n))
            .filter(|e| !e.works() && !depth.contains_key(&e.to))
            .map(|e| (e.from, e.to))
            .collect();
        let reach = g.reach(from, max_depth);
        let rows: BTreeMap<NodeId, usize> =
            reach.rows.iter().map(|r| (r.role, r.path.len())).collect();
        depth.remove(&from);
        assert_eq!(rows, depth, "rows from {}", g.node(from).id);
        let got: BTreeSet<(NodeId, NodeId)> = reach.broken.iter().map(|e| (e.from, e.to)).collect();
        assert_eq!(got, broken, "broken hops from {}", g.node(from).id);
        assert_eq!(got.len(), reach.broken.len(), "each broken hop once");
        checked.0 += rows.len();
        checked.1 += got.len();
    }
    assert!(
        checked.0 > 1000 && checked.1 > 50,
        "{checked:?} rows and broken hops"
    );
}

/// The access level shown beside each role of a reach or who-can-assume answer is
/// summarised once per set of documents (account, identity documents, boundary): it must be
/// the summary of the role's own policies, for every role.
#[test]
fn access_levels_shared_by_roles_with_the_same_documents_are_each_roles_own_dense() {
    use rolescope::engine::access_summary::{RoleAccess, RoleAccessLevels, for_role};
    let inv = dense_inventory(1200, 5);
    let catalogue = rolescope::engine::catalogue::get();
    let levels = RoleAccessLevels::new(Arc::clone(&inv));
    let mut some = 0;
    for role in &inv.roles {
        let own = RoleAccess::of(&for_role(role, &inv, catalogue), catalogue);
        assert_eq!(
            levels.of(&role.arn, catalogue),
            own.as_ref(),
            "{}",
            role.arn
        );
        some += usize::from(own.is_some());
    }
    assert!(some > 200, "{some} roles with access");
}

/// Whether some walk of at most `hops` working hops leads from `node` to `to`, read off
/// `edges_from` breadth-first (revisits allowed), memoised per principal and hops left.
fn leads_within(
    g: &TrustGraph,
    node: NodeId,
    to: NodeId,
    hops: usize,
    memo: &mut std::collections::HashMap<(NodeId, usize), bool>,
) -> bool {
    if hops == 0 {
        return false;
    }
    if let Some(&known) = memo.get(&(node, hops)) {
        return known;
    }
    let next: Vec<NodeId> = g
        .edges_from(node)
        .into_iter()
        .filter(|e| e.works())
        .map(|e| e.to)
        .collect();
    let yes = next.contains(&to) || next.iter().any(|&n| leads_within(g, n, to, hops - 1, memo));
    memo.insert((node, hops), yes);
    yes
}

/// `paths` walks forwards only from principals that can still reach the target, found by
/// walking back from it over the roles' ways in: it finds every simple path a walk forwards
/// over each principal's hops out finds.
#[test]
fn paths_are_every_simple_path_to_the_target_dense() {
    let g = TrustGraph::build(dense_inventory(240, 11), now());
    let users = nodes(&g, NodeKind::User);
    let roles = nodes(&g, NodeKind::Role);
    let mut compared = 0;
    let mut none = 0;
    for &from in users.iter().step_by(3).chain(roles.iter().step_by(17)) {
        let reached: Vec<NodeId> = g.reach(from, 3).rows.iter().map(|r| r.role).collect();
        let targets = reached
            .iter()
            .copied()
            .step_by(5)
            .chain(roles.iter().copied().step_by(29));
        for to in targets.filter(|&t| t != from) {
            let got = g.paths(from, to, 4);
            if got.truncated {
                continue;
            }
            let got: std::collections::BTreeSet<Vec<(u32, u32)>> = got
                .paths
                .iter()
                .map(|p| p.hops.iter().map(|e| (e.from.0, e.to.0)).collect())
                .collect();
            let mut memo = std::collections::HashMap::new();
            let expected = paths::simple_paths(&g, from, to, 4, &mut |n, left| {
                leads_within(&g, n, to, left, &mut memo)
            });
            assert_eq!(got, expected, "{} -> {}", g.node(from).id, g.node(to).id);
            if expected.is_empty() {
                none += 1;
            } else {
                compared += 1;
            }
        }
    }
    assert!(compared >= 40, "only {compared} pairs with a path");
    assert!(none >= 50, "only {none} pairs without a path");
}
