//! Escalation edges decided when a query meets a principal ([`LazyEscalations`]) are the
//! edges deciding every principal up front gives ([`Escalations::compute`]): out of and into
//! every principal, administrators, principals with missing policies, and the walks that mix
//! them with assume-role hops — on the demo organisation (one set-up per technique family),
//! the shared moto account and a small dense organisation (examples/gen_org's dense profile,
//! with its deployers and help-desk users).

#![allow(clippy::expect_used, clippy::unwrap_used)]

#[allow(dead_code, reason = "the generator's other profiles are not used here")]
#[path = "../examples/gen_org/dense.rs"]
mod dense;
#[path = "../examples/gen_org/org.rs"]
mod org;
#[allow(dead_code, reason = "the generator's other profiles are not used here")]
#[path = "../examples/gen_org/realistic.rs"]
mod realistic;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use rolescope::engine::escalation::walk::{self, Follow};
use rolescope::engine::escalation::{Escalations, LazyEscalations, Technique};
use rolescope::engine::graph::{NodeId, NodeKind, TrustGraph};
use rolescope::engine::load::{load_demo, load_str};
use rolescope::engine::model::Inventory;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

fn principals(g: &TrustGraph) -> Vec<NodeId> {
    (0..g.nodes.len())
        .map(|i| NodeId(u32::try_from(i).unwrap()))
        .filter(|n| matches!(g.node(*n).kind, NodeKind::User | NodeKind::Role))
        .collect()
}

/// Every answer of a fresh lazy set (asked in the order given) equals the eager one's.
/// Returns how many escalation edges the eager set holds.
fn same_answers(g: &TrustGraph, order: &[NodeId]) -> usize {
    let eager = Escalations::compute(g);
    let lazy = LazyEscalations::new(g);
    for &n in order {
        let id = &g.node(n).id;
        let into: Vec<_> = eager.edges_into(n).cloned().collect();
        assert_eq!(lazy.edges_into(n), into, "edges into {id}");
        let out: Vec<_> = eager.edges_from(n).cloned().collect();
        assert_eq!(lazy.edges_from(n), out, "edges out of {id}");
        assert_eq!(
            lazy.admin_status(n).as_ref(),
            eager.admin_status(n),
            "administrator {id}"
        );
        assert_eq!(
            lazy.unknown_caller(n).as_ref(),
            eager.unknown_callers.iter().find(|u| u.node == n),
            "missing policies of {id}"
        );
    }
    eager.edges.len()
}

/// The mixed walks over lazily decided edges are the walks over every edge decided.
fn same_walks(g: &TrustGraph, from: &[NodeId], depth: usize) {
    let eager = Escalations::compute(g);
    let lazy = LazyEscalations::new(g);
    for &n in from {
        let id = &g.node(n).id;
        for follow in [Follow::Working, Follow::WorkingOrUnknown] {
            assert_eq!(
                walk::who_can_reach(g, &lazy, n, depth, follow),
                walk::who_can_reach(g, &eager, n, depth, follow),
                "who can reach {id}"
            );
            let reach = walk::reach(g, &eager, n, depth, follow);
            assert_eq!(
                walk::reach(g, &lazy, n, depth, follow),
                reach,
                "reach of {id}"
            );
            // A path found by the walk that stops at its target is the full walk's.
            for row in reach.rows.iter().step_by(7) {
                assert_eq!(
                    walk::path(g, &lazy, n, row.principal, depth, follow),
                    Some(row.path.clone()),
                    "path {id} -> {}",
                    g.node(row.principal).id
                );
            }
        }
    }
}

#[test]
fn lazy_escalations_are_the_eager_ones_on_the_demo() {
    let g = TrustGraph::build(Arc::new(load_demo().unwrap()), now());
    let all = principals(&g);
    let edges = same_answers(&g, &all);
    // The demo has a set-up per technique family; walks from and to every principal.
    assert!(edges >= 6, "{edges} escalation edges on the demo");
    same_walks(&g, &all, 5);
    // Asked backwards first (edges into a principal decide its account's callers).
    let mut backwards = all.clone();
    backwards.reverse();
    same_answers(&g, &backwards);
}

#[test]
fn lazy_escalations_are_the_eager_ones_on_the_moto_account() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/moto-account-authz.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        // The shared data is outside the repository; the demo and dense tests still run.
        eprintln!("skipped: {} not found", path.display());
        return;
    };
    let g = TrustGraph::build(Arc::new(load_str("moto", &text).unwrap()), now());
    let all = principals(&g);
    same_answers(&g, &all);
    same_walks(&g, &all, 5);
}

fn dense_inventory(roles: usize, seed: u64) -> Arc<Inventory> {
    let mut text = Vec::new();
    dense::write_bundle(&dense::Spec { roles, seed }, &mut text).unwrap();
    Arc::new(load_str("dense", &String::from_utf8(text).unwrap()).unwrap())
}

#[test]
fn lazy_escalations_are_the_eager_ones_on_a_dense_organisation() {
    let g = TrustGraph::build(dense_inventory(1200, 5), now());
    let all = principals(&g);
    let eager = Escalations::compute(&g);
    // The dense profile's set-ups give edges of several families, into many principals.
    for t in [
        Technique::PassRoleLambda,
        Technique::CreateAccessKey,
        Technique::UpdateAssumeRolePolicy,
    ] {
        assert!(
            eager.edges.iter().any(|e| e.technique == t && e.works()),
            "no working {} edge",
            t.name()
        );
    }
    same_answers(&g, &all);
    // Walks from every user, and to a spread of principals (service roles passed to Lambda,
    // users, application roles).
    let users: Vec<NodeId> = all
        .iter()
        .copied()
        .filter(|n| g.node(*n).kind == NodeKind::User)
        .step_by(5)
        .collect();
    same_walks(&g, &users, 4);
    let targets: Vec<NodeId> = eager
        .edges
        .iter()
        .map(|e| e.to)
        .step_by(41)
        .chain(all.iter().copied().step_by(151))
        .collect();
    same_walks(&g, &targets, 4);
}

/// A walk decides the principals it meets, not every principal: who can reach a service
/// role decides the few principals of its account whose policies may allow a technique.
#[test]
fn a_walk_decides_only_what_it_meets() {
    let g = TrustGraph::build(dense_inventory(1200, 5), now());
    let all = principals(&g);
    let lazy = LazyEscalations::new(&g);
    let eager = Escalations::compute(&g);
    let passed = eager
        .edges
        .iter()
        .find(|e| e.technique == Technique::PassRoleLambda && e.works())
        .expect("a role passed to Lambda")
        .to;
    let rows = walk::who_can_reach(&g, &lazy, passed, 1, Follow::Working);
    assert!(rows.iter().any(|r| r.path.has_escalation()));
    assert!(
        lazy.decided() < all.len() / 10,
        "{} of {} principals decided for who can reach one role",
        lazy.decided(),
        all.len()
    );
}
