//! Hop decisions shared between callers: a hop through an account or `*` trust is decided
//! once per trust statement and caller policy set (same identity policies and groups, same
//! permissions boundary, same account and so the same SCPs) and reused for every caller of
//! that set. These tests pin that a reused decision says exactly what deciding the hop for
//! that caller alone says, and that callers whose policies differ — or whose trust or
//! policies read who the caller is — are never given another caller's decision.

#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../examples/gen_org/org.rs"]
mod gen_org;
#[path = "support/paths.rs"]
mod paths;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use rolescope::engine::graph::{EdgeStatus, NodeId, NodeKind, TrustGraph};
use rolescope::engine::load::load_str;
use rolescope::engine::policy::decision::PolicyType;
use serde_json::{Value, json};

const A: &str = "111111111111";

fn graph_of(bundle: &Value) -> TrustGraph {
    let inv = load_str("test", &bundle.to_string()).unwrap();
    TrustGraph::build(
        Arc::new(inv),
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(),
    )
}

fn user(name: &str, groups: &[&str], boundary: Option<&str>) -> Value {
    let mut u = json!({"UserName": name, "Path": "/", "UserId": format!("AIDA{}{}", name.to_uppercase(), "X".repeat(8)),
        "Arn": format!("arn:aws:iam::{A}:user/{name}"), "UserPolicyList": [],
        "GroupList": groups, "AttachedManagedPolicies": [], "Tags": []});
    if let Some(b) = boundary {
        u["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": format!("arn:aws:iam::{A}:policy/{b}")});
    }
    u
}

fn role(name: &str, trust_statement: Value) -> Value {
    json!({"RoleName": name, "Path": "/", "RoleId": format!("AROA{}{}", name.to_uppercase(), "X".repeat(8)),
        "Arn": format!("arn:aws:iam::{A}:role/{name}"),
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [trust_statement]},
        "RolePolicyList": [], "AttachedManagedPolicies": [],
        "MaxSessionDuration": 3600, "Tags": [], "InstanceProfileList": []})
}

fn managed(name: &str, statement: Value) -> Value {
    json!({"PolicyName": name, "PolicyId": format!("ANPA{}", name.to_uppercase()),
        "Arn": format!("arn:aws:iam::{A}:policy/{name}"), "Path": "/", "DefaultVersionId": "v1",
        "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
            "Document": {"Version": "2012-10-17", "Statement": [statement]}}]})
}

/// Account A: group `ops` may assume `Ops*` roles with MFA; `ana`, `bo` are in it with no
/// boundary, `cy` and `dan` are in it with a boundary that allows S3 only, `eve` is in it
/// with a boundary that allows everything; `Ops` trusts the account (MFA), `Pinned` trusts
/// the account but only `ana` by `aws:PrincipalArn`.
fn org() -> Value {
    json!({"Accounts": {A: {
        "UserDetailList": [
            user("ana", &["ops"], None),
            user("bo", &["ops"], None),
            user("cy", &["ops"], Some("S3Only")),
            user("dan", &["ops"], Some("S3Only")),
            user("eve", &["ops"], Some("Everything")),
        ],
        "GroupDetailList": [{"GroupName": "ops", "GroupId": "AGPAOPSXXXXXXXX", "Path": "/",
            "Arn": format!("arn:aws:iam::{A}:group/ops"),
            "GroupPolicyList": [{"PolicyName": "assume-ops", "PolicyDocument": {"Version": "2012-10-17",
                "Statement": [{"Sid": "AssumeOps", "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Resource": format!("arn:aws:iam::{A}:role/*"),
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}}],
            "AttachedManagedPolicies": []}],
        "Policies": [
            managed("S3Only", json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})),
            managed("Everything", json!({"Effect": "Allow", "Action": "*", "Resource": "*"})),
        ],
        "RoleDetailList": [
            role("Ops", json!({"Sid": "OpsTeam", "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{A}:root")}, "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})),
            role("Pinned", json!({"Sid": "OnlyAna", "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{A}:root")}, "Action": "sts:AssumeRole",
                "Condition": {"ArnEquals": {"aws:PrincipalArn": format!("arn:aws:iam::{A}:user/ana")}}})),
        ],
    }}})
}

#[test]
fn a_hop_decided_for_one_caller_is_reused_for_a_second_caller_of_the_same_policies_with_the_same_badges()
 {
    let g = graph_of(&org());
    let ops = g.find("Ops").unwrap();
    let ana = g.find("ana").unwrap();
    let bo = g.find("bo").unwrap();
    let first = g.hop(ana, ops).unwrap();
    let second = g.hop(bo, ops).unwrap();
    assert!(first.works() && second.works());
    assert_eq!(
        second.from, bo,
        "the reused decision is about the second caller"
    );
    assert_eq!(first.badges(), second.badges());
    assert!(second.badges().contains(&"MFA".to_owned()));
    assert_eq!(Some(second), g.hop_unshared(bo, ops));
}

#[test]
fn a_caller_with_a_different_boundary_is_not_given_the_shared_decision_iam_rules_4_2() {
    let g = graph_of(&org());
    let ops = g.find("Ops").unwrap();
    let ana = g.find("ana").unwrap();
    let cy = g.find("cy").unwrap();
    let dan = g.find("dan").unwrap();
    let eve = g.find("eve").unwrap();
    assert!(g.hop(ana, ops).unwrap().works());
    let refused = g.hop(cy, ops).unwrap();
    assert!(matches!(
        refused.status,
        EdgeStatus::Broken {
            refused_by: Some(PolicyType::PermissionsBoundary),
            ..
        }
    ));
    // `dan` shares `cy`'s boundary: the broken decision is reused, its message names dan.
    let also_refused = g.hop(dan, ops).unwrap();
    let EdgeStatus::Broken { message, .. } = &also_refused.status else {
        panic!("dan's hop should be broken like cy's");
    };
    assert!(message.contains("user/dan"), "{message}");
    assert!(!message.contains("user/cy"), "{message}");
    assert_eq!(Some(also_refused), g.hop_unshared(dan, ops));
    // A boundary that allows the call is another policy set, and it works.
    let works = g.hop(eve, ops).unwrap();
    assert!(works.works());
    assert_eq!(Some(works), g.hop_unshared(eve, ops));

    let who = g.who_can_assume(ops, 1);
    let names: Vec<&str> = who
        .rows
        .iter()
        .map(|r| g.node(r.principal).name.as_str())
        .collect();
    assert_eq!(names, ["ana", "bo", "eve"]);
    let broken: Vec<&str> = who
        .broken
        .iter()
        .map(|e| g.node(e.from).name.as_str())
        .collect();
    assert_eq!(broken, ["cy", "dan"]);
}

/// `Plain` trusts the account with no condition; `ops` may assume it only with MFA. Without
/// MFA the identity policy refuses; with it, `cy`'s boundary does. The broken hop reports
/// the boundary, with the MFA request: that is what stands in the way, as a simulation
/// with MFA shows.
#[test]
fn a_broken_hop_reports_the_refusal_that_remains_once_the_callers_own_conditions_are_met() {
    let mut bundle = org();
    bundle["Accounts"][A]["RoleDetailList"]
        .as_array_mut()
        .unwrap()
        .push(role(
            "Plain",
            json!({"Sid": "Account", "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{A}:root")}, "Action": "sts:AssumeRole"}),
        ));
    let g = graph_of(&bundle);
    let plain = g.find("Plain").unwrap();
    let cy = g.find("cy").unwrap();
    let e = g.hop(cy, plain).unwrap();
    let EdgeStatus::Broken {
        refused_by,
        message,
    } = &e.status
    else {
        panic!("{e:?}");
    };
    assert_eq!(
        *refused_by,
        Some(PolicyType::PermissionsBoundary),
        "{message}"
    );
    assert!(message.contains("permissions boundary"), "{message}");
    assert!(
        e.request().mfa,
        "the request that meets the caller's own MFA condition"
    );
    assert_eq!(Some(e), g.hop_unshared(cy, plain));
    // Without a boundary the same MFA request works.
    let ana = g.find("ana").unwrap();
    let works = g.hop(ana, plain).unwrap();
    assert!(works.works() && works.request().mfa);
}

#[test]
fn a_trust_that_reads_the_callers_arn_is_decided_for_each_caller() {
    let g = graph_of(&org());
    let pinned = g.find("Pinned").unwrap();
    let ana = g.find("ana").unwrap();
    let bo = g.find("bo").unwrap();
    assert!(g.hop(ana, pinned).unwrap().works());
    assert_eq!(g.hop(bo, pinned), None, "the trust lets in only ana");
    assert_eq!(g.hop_unshared(bo, pinned), None);
    let who = g.who_can_assume(pinned, 3);
    assert_eq!(who.rows.len(), 1);
    assert_eq!(who.rows[0].principal, ana);
}

#[test]
fn repeated_queries_give_the_same_answers_as_the_first() {
    let g = graph_of(&org());
    let ops = g.find("Ops").unwrap();
    let ana = g.find("ana").unwrap();
    let who = g.who_can_assume(ops, 5);
    let reach = g.reach(ana, 5);
    let paths = g.paths(ana, ops, 4);
    assert_eq!(who, g.who_can_assume(ops, 5));
    assert_eq!(reach, g.reach(ana, 5));
    assert_eq!(paths, g.paths(ana, ops, 4));
    // Asked again, reach and paths answer with the answers the graph kept.
    assert!(Arc::ptr_eq(&reach, &g.reach(ana, 5)));
    assert!(Arc::ptr_eq(&paths, &g.paths(ana, ops, 4)));
    // Another depth is another question.
    assert!(!Arc::ptr_eq(&reach, &g.reach(ana, 4)));
    let fresh = graph_of(&org());
    assert_eq!(
        reach,
        fresh.reach(ana, 5),
        "a fresh graph gives the same reach"
    );
    assert_eq!(paths, fresh.paths(ana, ops, 4), "and the same paths");
}

#[test]
fn paths_skip_only_principals_that_cannot_lead_to_the_target_demo() {
    let g = TrustGraph::build(
        Arc::new(rolescope::engine::load::load_demo().unwrap()),
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(),
    );
    let starts: Vec<_> = (0..g.nodes.len() as u32)
        .map(rolescope::engine::graph::NodeId)
        .filter(|n| {
            matches!(
                g.node(*n).kind,
                rolescope::engine::graph::NodeKind::User | rolescope::engine::graph::NodeKind::Role
            )
        })
        .collect();
    let mut compared = 0;
    for &from in &starts {
        for &to in starts
            .iter()
            .filter(|n| g.node(**n).kind == rolescope::engine::graph::NodeKind::Role)
        {
            if from == to {
                continue;
            }
            let expected = paths::simple_paths(&g, from, to, 4, &mut |_, _| true);
            let got = g.paths(from, to, 4);
            assert!(!got.truncated);
            let got: std::collections::BTreeSet<Vec<(u32, u32)>> = got
                .paths
                .iter()
                .map(|p| p.hops.iter().map(|e| (e.from.0, e.to.0)).collect())
                .collect();
            assert_eq!(got, expected, "{} -> {}", g.node(from).id, g.node(to).id);
            compared += usize::from(!expected.is_empty());
        }
    }
    assert!(compared >= 20, "only {compared} pairs with a path");
}

/// Roles of one account with the same trust document share hop decisions too (one decision
/// per document, grant and caller policy set, or per service or provider caller). The
/// roles' own resources and tags still count: which of the caller's `sts:AssumeRole`
/// allows name a role, and a trust condition on the role's tags, keep decisions apart.
fn same_trust_org() -> Value {
    let account_trust = json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{A}:root")},
        "Action": "sts:AssumeRole"});
    let tagged_trust = json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}});
    let mut prod = role("FnProd", tagged_trust.clone());
    prod["Tags"] = json!([{"Key": "env", "Value": "prod"}]);
    let mut dev = role("FnDev", tagged_trust);
    dev["Tags"] = json!([{"Key": "env", "Value": "dev"}]);
    json!({"Accounts": {A: {
        "UserDetailList": [
            user("ana", &["ops"], None),
            user("bo", &["ops"], None),
            user("cy", &["ops"], Some("S3Only")),
        ],
        "GroupDetailList": [{"GroupName": "ops", "GroupId": "AGPAOPSXXXXXXXX", "Path": "/",
            "Arn": format!("arn:aws:iam::{A}:group/ops"),
            "GroupPolicyList": [{"PolicyName": "assume", "PolicyDocument": {"Version": "2012-10-17",
                "Statement": [
                    {"Sid": "AppWithMfa", "Effect": "Allow", "Action": "sts:AssumeRole",
                        "Resource": format!("arn:aws:iam::{A}:role/app-*"),
                        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
                    {"Sid": "Ops", "Effect": "Allow", "Action": "sts:AssumeRole",
                        "Resource": format!("arn:aws:iam::{A}:role/ops-*")}]}}],
            "AttachedManagedPolicies": []}],
        "Policies": [
            managed("S3Only", json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})),
        ],
        "RoleDetailList": [
            role("app-one", account_trust.clone()),
            role("app-two", account_trust.clone()),
            role("ops-one", account_trust.clone()),
            role("ops-two", account_trust),
            prod,
            dev,
        ],
    }}})
}

#[test]
fn roles_with_the_same_trust_share_a_decision_only_when_the_callers_policy_names_them_alike() {
    let g = graph_of(&same_trust_org());
    let find = |n: &str| g.find(n).unwrap();
    for who in ["ana", "bo"] {
        for (r, mfa) in [
            ("app-one", true),
            ("app-two", true),
            ("ops-one", false),
            ("ops-two", false),
        ] {
            let e = g.hop(find(who), find(r)).unwrap();
            assert!(e.works(), "{who} → {r}");
            assert_eq!(
                e.to,
                find(r),
                "the edge leads to {r}, not to the role first decided"
            );
            assert_eq!(e.from, find(who));
            assert_eq!(
                e.badges().iter().any(|b| b == "MFA"),
                mfa,
                "{who} → {r}: the MFA allow names app-* roles only"
            );
            assert_eq!(Some(e), g.hop_unshared(find(who), find(r)));
        }
    }
}

#[test]
fn a_broken_hop_shared_across_roles_names_each_role_in_its_message() {
    let g = graph_of(&same_trust_org());
    let cy = g.find("cy").unwrap();
    for r in ["ops-one", "ops-two"] {
        let role = g.find(r).unwrap();
        let e = g.hop(cy, role).unwrap();
        let EdgeStatus::Broken {
            message,
            refused_by,
        } = &e.status
        else {
            panic!("cy boundary allows S3 only, so {r} is broken: {e:?}");
        };
        assert_eq!(
            *refused_by,
            Some(PolicyType::PermissionsBoundary),
            "{r}: {message}"
        );
        assert!(
            message.contains(&format!("on resource: arn:aws:iam::{A}:role/{r} ")),
            "{message}"
        );
        assert!(message.contains("user/cy"), "{message}");
        assert_eq!(Some(e), g.hop_unshared(cy, role));
    }
}

#[test]
fn a_trust_reading_the_roles_tags_is_decided_for_each_role() {
    let g = graph_of(&same_trust_org());
    let lambda = g.find("lambda.amazonaws.com").unwrap();
    let prod = g.find("FnProd").unwrap();
    let dev = g.find("FnDev").unwrap();
    assert!(g.hop(lambda, prod).is_some_and(|e| e.works()));
    assert_eq!(
        g.hop(lambda, dev),
        None,
        "the dev role's tag fails the trust"
    );
    assert_eq!(g.hop(lambda, dev), g.hop_unshared(lambda, dev));
    let who = g.who_can_assume(dev, 1);
    assert!(who.rows.is_empty());
}

/// Shortest hop counts by plain breadth-first walks over a graph's single-hop answers, with
/// nothing skipped: `next(n)` gives the working hops out of (or into) `n`. `start` is listed
/// when a cycle leads back to it and `list_start` says so (who-can-assume lists a role that
/// can assume itself through others; reach does not list where it starts).
fn plain_walk(
    start: NodeId,
    depth: usize,
    next: impl Fn(NodeId) -> Vec<NodeId>,
    expands: impl Fn(NodeId) -> bool,
    list_start: bool,
) -> BTreeMap<NodeId, usize> {
    let mut found = BTreeMap::new();
    let mut expanded = BTreeSet::from([start]);
    let mut queue = std::collections::VecDeque::from([(start, 0usize)]);
    while let Some((n, d)) = queue.pop_front() {
        if d >= depth {
            continue;
        }
        for m in next(n) {
            if m == start && !list_start {
                continue;
            }
            if found.contains_key(&m) {
                continue;
            }
            found.insert(m, d + 1);
            if expands(m) && expanded.insert(m) {
                queue.push_back((m, d + 1));
            }
        }
    }
    found
}

/// Checks that a path's hops join up, all work and run from `from` to `to`.
fn assert_joined(path: &rolescope::engine::graph::Path, from: NodeId, to: NodeId) {
    assert_eq!(path.hops.first().map(|e| e.from), Some(from));
    assert_eq!(path.hops.last().map(|e| e.to), Some(to));
    assert!(path.hops.iter().all(rolescope::engine::graph::Edge::works));
    assert!(path.hops.windows(2).all(|w| w[0].to == w[1].from));
}

fn gen_org_inventory(seed: u64) -> Arc<rolescope::engine::model::Inventory> {
    let spec = gen_org::Spec {
        accounts: 3,
        roles_per_account: 60,
        users_per_account: 15,
        seed,
    };
    let mut text = Vec::new();
    gen_org::write_bundle(&spec, &mut text).unwrap();
    Arc::new(load_str("gen_org", &String::from_utf8(text).unwrap()).unwrap())
}

fn gen_org_graph(seed: u64) -> TrustGraph {
    TrustGraph::build(
        gen_org_inventory(seed),
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(),
    )
}

/// The graph finds the callers whose policies may name a role through indexes (exact ARNs,
/// ARN prefixes, the accounts resource patterns fix): no caller may be missed, so every
/// user's and every third role's working hops out must be exactly the working hops decided
/// alone for each role of the organisation, and each broken hop kept must be the one decided
/// alone. (Through an account grant, a caller whose policy names the role nowhere is not
/// kept one by one: the account's class row stands for it.)
#[test]
fn the_hops_kept_for_each_caller_are_the_hops_decided_alone_for_every_role_gen_org() {
    let g = gen_org_graph(7);
    let roles: Vec<NodeId> = (0..g.nodes.len())
        .map(|i| NodeId(u32::try_from(i).unwrap()))
        .filter(|n| g.node(*n).kind == NodeKind::Role)
        .collect();
    let callers = (0..g.nodes.len())
        .map(|i| NodeId(u32::try_from(i).unwrap()))
        .filter(|n| match g.node(*n).kind {
            NodeKind::User => true,
            NodeKind::Role => n.0 % 3 == 0,
            _ => false,
        });
    let (mut kept, mut cross) = (0, 0);
    for caller in callers {
        let mut got = g.edges_from(caller);
        got.sort_by_key(|e| e.to);
        let alone: Vec<_> = roles
            .iter()
            .filter_map(|r| g.hop_unshared(caller, *r))
            .collect();
        let working = |edges: &[rolescope::engine::graph::Edge]| {
            edges
                .iter()
                .filter(|e| e.works())
                .cloned()
                .collect::<Vec<_>>()
        };
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
        cross += got.iter().filter(|e| e.cross_account).count();
    }
    assert!(
        kept > 100 && cross > 50,
        "{kept} hops, {cross} across accounts"
    );
}

/// Who-can-assume skips a role whose ways in are those of a role already walked, and reach
/// skips a principal whose ways out are those of one already walked; both must still find
/// every principal (or role) at its shortest distance, as a walk skipping nothing does.
#[test]
fn chained_answers_match_a_walk_that_skips_nothing_gen_org() {
    let g = gen_org_graph(5);
    let all: Vec<NodeId> = (0..g.nodes.len())
        .map(|i| NodeId(u32::try_from(i).unwrap()))
        .collect();
    let is_role = |n: NodeId| g.node(n).kind == NodeKind::Role;
    let mut into: BTreeMap<NodeId, Vec<NodeId>> = BTreeMap::new();
    let mut out: BTreeMap<NodeId, Vec<NodeId>> = BTreeMap::new();
    for &r in all.iter().filter(|n| is_role(**n)) {
        for e in g.edges_into(r).edges.iter().filter(|e| e.works()) {
            into.entry(r).or_default().push(e.from);
        }
    }
    for &p in &all {
        for e in g.edges_from(p).iter().filter(|e| e.works()) {
            out.entry(p).or_default().push(e.to);
        }
    }
    let (mut rows, mut chained) = (0, 0);
    for &r in all.iter().filter(|n| is_role(**n)) {
        let who = g.who_can_assume(r, 4);
        let plain = plain_walk(
            r,
            4,
            |n| into.get(&n).cloned().unwrap_or_default(),
            is_role,
            true,
        );
        let got: BTreeMap<NodeId, usize> = who
            .rows
            .iter()
            .map(|row| (row.principal, row.path.len()))
            .collect();
        assert_eq!(got, plain, "who can assume {}", g.node(r).id);
        for row in &who.rows {
            assert_joined(&row.path, row.principal, r);
        }
        rows += who.rows.len();
        chained += who.rows.iter().filter(|row| row.path.len() > 1).count();
    }
    for &p in out.keys() {
        let reach = g.reach(p, 4);
        let plain = plain_walk(
            p,
            4,
            |n| out.get(&n).cloned().unwrap_or_default(),
            |_| true,
            false,
        );
        let got: BTreeMap<NodeId, usize> = reach
            .rows
            .iter()
            .map(|row| (row.role, row.path.len()))
            .collect();
        assert_eq!(got, plain, "reach from {}", g.node(p).id);
        for row in &reach.rows {
            assert_joined(&row.path, p, row.role);
        }
    }
    assert!(
        rows > 500 && chained > 200,
        "{rows} rows, {chained} chained"
    );
}

/// A graph decides hops into a role when a query first needs them; its answers must be those
/// of a graph whose every hop was decided when it was built: who can assume each role (before
/// any walk forwards has decided every role's ways in), and what each user reaches.
#[test]
fn a_lazily_built_graph_answers_as_the_fully_built_one_gen_org() {
    let inv = gen_org_inventory(11);
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let g = TrustGraph::build_eager(Arc::clone(&inv), now);
    let lazy = TrustGraph::build(inv, now);
    let nodes = || (0..g.nodes.len()).map(|i| NodeId(u32::try_from(i).unwrap()));
    let mut rows = 0;
    for r in nodes().filter(|n| g.node(*n).kind == NodeKind::Role) {
        let full = g.who_can_assume(r, 4);
        assert_eq!(lazy.who_can_assume(r, 4), full, "{}", g.node(r).id);
        rows += full.rows.len();
    }
    for u in nodes().filter(|n| g.node(*n).kind == NodeKind::User) {
        assert_eq!(lazy.reach(u, 3), g.reach(u, 3), "{}", g.node(u).id);
        assert_eq!(lazy.edges_from(u), g.edges_from(u), "{}", g.node(u).id);
    }
    assert_eq!(*lazy.external_access(), lazy.external_access_unshared());
    // Hops out, decided from the grants that can name each caller, are the ways in that
    // list it (every role's, read by caller).
    for c in nodes().filter(|n| matches!(g.node(*n).kind, NodeKind::User | NodeKind::Role)) {
        assert_eq!(
            lazy.edges_from(c),
            lazy.edges_from_ways_in(c),
            "{}",
            g.node(c).id
        );
    }
    assert!(rows > 500, "{rows} rows");
}

/// A trust naming callers of one policy set by ARN decides them alike (one decision, each
/// made the caller's own) only when nothing in it tells them apart: a `Deny` naming one, or
/// a condition on the caller's name, is decided for each caller. The IAM policy evaluation
/// logic: an explicit deny in any applicable policy overrides an allow
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
#[test]
fn callers_a_trust_names_by_arn_share_a_decision_only_when_nothing_tells_them_apart() {
    let arn = |u: &str| format!("arn:aws:iam::{A}:user/{u}");
    let mut bundle = org();
    let roles = bundle["Accounts"][A]["RoleDetailList"]
        .as_array_mut()
        .unwrap();
    roles.push(role(
        "Named",
        json!({"Effect": "Allow", "Principal": {"AWS": [arn("ana"), arn("bo")]},
            "Action": "sts:AssumeRole"}),
    ));
    let mut denied = role(
        "NamedButBo",
        json!({"Effect": "Allow", "Principal": {"AWS": [arn("ana"), arn("bo")]},
            "Action": "sts:AssumeRole"}),
    );
    denied["AssumeRolePolicyDocument"]["Statement"]
        .as_array_mut()
        .unwrap()
        .push(
            json!({"Effect": "Deny", "Principal": {"AWS": arn("bo")}, "Action": "sts:AssumeRole"}),
        );
    roles.push(denied);
    roles.push(role(
        "NamedAnaByName",
        json!({"Effect": "Allow", "Principal": {"AWS": [arn("ana"), arn("bo")]},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:username": "ana"}}}),
    ));
    let g = graph_of(&bundle);
    let (ana, bo) = (g.find("ana").unwrap(), g.find("bo").unwrap());
    for (name, bo_works) in [
        ("Named", true),
        ("NamedButBo", false),
        ("NamedAnaByName", false),
    ] {
        let r = g.find(name).unwrap();
        // Ana first, so that a shared decision would be hers.
        let first = g.hop(ana, r).unwrap();
        assert!(first.works(), "{name}: {first:?}");
        // A trust that refuses the caller is no hop at all.
        let second = g.hop(bo, r);
        assert_eq!(
            second.as_ref().is_some_and(|e| e.works()),
            bo_works,
            "{name}: {second:?}"
        );
        assert!(second.as_ref().is_none_or(|e| e.from == bo));
        assert_eq!(second, g.hop_unshared(bo, r), "{name}");
    }
}
