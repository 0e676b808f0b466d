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
        // Asked for some callers first: those alone, and the whole list is still whole.
        let even = |from: NodeId| from.0.is_multiple_of(2);
        let some: Vec<_> = into.iter().filter(|e| even(e.from)).cloned().collect();
        assert_eq!(
            lazy.edges_into_from(n, Some(&even)),
            some,
            "edges into {id} from some"
        );
        assert_eq!(lazy.edges_into(n), into, "edges into {id}");
        assert_eq!(
            lazy.edges_into_from(n, Some(&even)),
            some,
            "edges into {id} from some, kept"
        );
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
            let kept = walk::reach(g, &lazy, n, depth, follow);
            assert_eq!(kept, reach, "reach of {id}");
            // Asked again, the lazy source answers with the answer it kept.
            assert!(
                Arc::ptr_eq(&kept, &walk::reach(g, &lazy, n, depth, follow)),
                "reach of {id} asked again"
            );
            // A path found by the walk that stops at its target is the full walk's.
            for row in reach.rows.iter().step_by(7) {
                assert_eq!(
                    walk::path(g, &lazy, n, row.principal, depth, follow).as_deref(),
                    Some(&row.path),
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

/// An account whose callers share policies in the ways that decide whether their edges to
/// others may be decided once for all of them: a managed help-desk policy held by several
/// users (one class), the same with a boundary that refuses what it grants (another class,
/// whose refusals name each caller), a policy on `${aws:username}` and one on a principal tag
/// (each caller decided alone: the answer turns on who asks).
fn shared_policies_account() -> Arc<Inventory> {
    let acct = "111122223333";
    let managed = |name: &str, statements: serde_json::Value| {
        serde_json::json!({
            "PolicyName": name, "PolicyId": format!("ANPA{name}"),
            "Arn": format!("arn:aws:iam::{acct}:policy/{name}"), "Path": "/",
            "DefaultVersionId": "v1", "AttachmentCount": 1, "IsAttachable": true,
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
                "Document": {"Version": "2012-10-17", "Statement": statements}}]
        })
    };
    let user = |name: &str, policies: &[&str], boundary: Option<&str>, team: &str| {
        let attached: Vec<serde_json::Value> = policies
            .iter()
            .map(|p| serde_json::json!({"PolicyName": p, "PolicyArn": format!("arn:aws:iam::{acct}:policy/{p}")}))
            .collect();
        let mut u = serde_json::json!({
            "UserName": name, "UserId": format!("AIDA{}", name.to_uppercase()), "Path": "/people/",
            "Arn": format!("arn:aws:iam::{acct}:user/people/{name}"),
            "CreateDate": "2024-01-01T00:00:00+00:00", "UserPolicyList": [], "GroupList": [],
            "AttachedManagedPolicies": attached, "Tags": [{"Key": "team", "Value": team}]
        });
        if let Some(b) = boundary {
            u["PermissionsBoundary"] = serde_json::json!({
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": format!("arn:aws:iam::{acct}:policy/{b}")
            });
        }
        u
    };
    let role = |name: &str| {
        serde_json::json!({
            "RoleName": name, "RoleId": format!("AROA{}", name.to_uppercase()), "Path": "/",
            "Arn": format!("arn:aws:iam::{acct}:role/{name}"),
            "CreateDate": "2024-01-01T00:00:00+00:00",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{acct}:root")}, "Action": "sts:AssumeRole"}]},
            "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": [], "Tags": []
        })
    };
    let bundle = serde_json::json!({
        "UserDetailList": [
            user("alice", &["HelpDesk"], None, "ops"),
            user("bob", &["HelpDesk"], None, "dev"),
            user("carol", &["HelpDesk", "ReadOnly"], None, "ops"),
            user("dave", &["HelpDesk"], Some("Narrow"), "ops"),
            user("erin", &["HelpDesk"], Some("Narrow"), "dev"),
            user("frank", &["SelfKeys"], None, "ops"),
            user("grace", &["SelfKeys"], None, "dev"),
            user("heidi", &["TeamKeys"], None, "ops"),
            user("ivan", &["TeamKeys"], None, "dev"),
            // Granted through a `NotAction` list: every technique action but S3's. Its own
            // `Deny` keeps it from being an administrator, so it holds edges.
            user("judy", &["AllButS3", "NoDelete"], None, "ops"),
            user("ken", &["AllButS3", "NoDelete"], None, "dev"),
            // Refused keys for mia (a `Deny` read by tag, so leo is decided alone), then a
            // login profile for her that works: a walk from leo reaches mia by the second.
            user("leo", &["KeysButMia"], None, "ops"),
            user("mia", &[], None, "dev"),
        ],
        "GroupDetailList": [],
        "RoleDetailList": [role("app"), role("batch")],
        "Policies": [
            managed("HelpDesk", serde_json::json!([
                {"Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:CreateLoginProfile"],
                 "Resource": format!("arn:aws:iam::{acct}:user/people/*")},
                {"Effect": "Allow", "Action": ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
                 "Resource": "*"}
            ])),
            managed("ReadOnly", serde_json::json!([
                {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}
            ])),
            managed("Narrow", serde_json::json!([
                {"Effect": "Allow", "Action": ["iam:CreateAccessKey", "sts:AssumeRole"], "Resource": "*"}
            ])),
            managed("SelfKeys", serde_json::json!([
                {"Effect": "Allow", "Action": "iam:CreateAccessKey",
                 "Resource": format!("arn:aws:iam::{acct}:user/people/${{aws:username}}")}
            ])),
            managed("AllButS3", serde_json::json!([
                {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}
            ])),
            managed("NoDelete", serde_json::json!([
                {"Effect": "Deny", "Action": "iam:DeleteUser", "Resource": "*"}
            ])),
            managed("KeysButMia", serde_json::json!([
                {"Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:CreateLoginProfile"],
                 "Resource": format!("arn:aws:iam::{acct}:user/people/*")},
                {"Effect": "Deny", "Action": "iam:CreateAccessKey",
                 "Resource": format!("arn:aws:iam::{acct}:user/people/mia"),
                 "Condition": {"StringEquals": {"aws:PrincipalTag/team": "ops"}}}
            ])),
            managed("TeamKeys", serde_json::json!([
                {"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:PrincipalTag/team": "ops"}}}
            ])),
        ]
    });
    Arc::new(load_str("shared-policies", &bundle.to_string()).unwrap())
}

/// Callers holding the same shared policies get their edges to others decided once, each
/// made its own: the edge into itself left out, the first member's own edges kept, and a
/// refusal naming the caller. Where a statement reads who asks, each is decided alone. The
/// eager answers decide every caller alone; the lazy ones must equal them.
#[test]
fn callers_with_the_same_shared_policies_share_one_decision() {
    let g = TrustGraph::build(shared_policies_account(), now());
    let all = same_both_ways(&g);
    let lazy = LazyEscalations::new(&g);
    let id = |name: &str| named(&g, &all, name);
    let to = |from: &str, t: Technique| -> Vec<String> {
        lazy.edges_from(id(from))
            .iter()
            .filter(|e| e.technique == t)
            .map(|e| g.node(e.to).name.clone())
            .collect()
    };
    // A `NotAction` list grants technique actions too.
    assert!(to("judy", Technique::CreateAccessKey).contains(&"ken".to_owned()));
    assert!(!lazy.is_admin(id("judy")));
    // alice is the first of her class: bob's edge into her is the class's, made his.
    assert!(to("bob", Technique::CreateAccessKey).contains(&"alice".to_owned()));
    assert!(!to("bob", Technique::CreateAccessKey).contains(&"bob".to_owned()));
    assert!(to("alice", Technique::CreateAccessKey).contains(&"bob".to_owned()));
    assert_eq!(
        to("alice", Technique::UpdateAssumeRolePolicy),
        ["app", "batch"]
    );
    // The boundary refuses a login profile: each refusal names its own caller.
    let erin = lazy.edges_from(id("erin"));
    let refused = erin
        .iter()
        .find(|e| e.technique == Technique::CreateLoginProfile && !e.works())
        .expect("erin's refused login-profile edge");
    let message = match &refused.status {
        rolescope::engine::graph::EdgeStatus::Broken { message, .. } => message.clone(),
        other => panic!("{other:?}"),
    };
    assert!(message.contains(":user/people/erin is not"), "{message}");
    assert!(lazy.shared_classes() >= 2, "{}", lazy.shared_classes());
    // `${aws:username}`: frank may make only his own keys, so no edge to grace.
    assert!(to("frank", Technique::CreateAccessKey).is_empty());
    // A principal tag: heidi (ops) may make every other user's keys (twelve); ivan (dev)
    // none.
    assert_eq!(to("heidi", Technique::CreateAccessKey).len(), 12);
    assert!(to("ivan", Technique::CreateAccessKey).is_empty());
    // A walk takes the first working edge into each principal: leo's refused keys for mia
    // come first, and the login profile after them is still decided and taken.
    let leo = lazy.edges_from(id("leo"));
    let into_mia: Vec<(Technique, bool)> = leo
        .iter()
        .filter(|e| e.to == id("mia"))
        .map(|e| (e.technique, e.works()))
        .collect();
    assert_eq!(
        into_mia,
        [
            (Technique::CreateAccessKey, false),
            (Technique::CreateLoginProfile, true)
        ]
    );
    let walked = LazyEscalations::new(&g);
    let reach = walk::reach(&g, &walked, id("leo"), 1, Follow::Working);
    let row = reach
        .rows
        .iter()
        .find(|r| r.principal == id("mia"))
        .expect("leo reaches mia");
    assert!(
        matches!(&row.path.steps[..], [walk::Step::Escalate(e)] if e.technique == Technique::CreateLoginProfile),
        "{:?}",
        row.path
    );
}

/// Every principal of `g`, once the lazy answers equal the eager ones asked in node order and
/// backwards, and the walks from each (four steps) over both equal too.
fn same_both_ways(g: &TrustGraph) -> Vec<NodeId> {
    let all = principals(g);
    same_answers(g, &all);
    let mut backwards = all.clone();
    backwards.reverse();
    same_answers(g, &backwards);
    same_walks(g, &all, 4);
    all
}

/// The principal of `all` named `name`.
fn named(g: &TrustGraph, all: &[NodeId], name: &str) -> NodeId {
    all.iter()
        .copied()
        .find(|n| g.node(*n).name == name)
        .unwrap_or_else(|| panic!("{name}"))
}

/// Users and roles whose own inline policies say the same, under the same names: help-desk
/// users that may make people's keys and login profiles but not mia's (an explicit `Deny`
/// whose access-denied sentence names the statement), deployers that may pass service roles
/// to Lambda, and callers whose policies differ only by name, by a statement's position, or
/// by statements that take no part.
fn alike_inline_policies_account() -> Arc<Inventory> {
    let acct = "111122223333";
    let helpdesk = serde_json::json!([
        {"Sid": "Keys", "Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:CreateLoginProfile"],
         "Resource": format!("arn:aws:iam::{acct}:user/people/*")},
        {"Sid": "NotForMia", "Effect": "Deny", "Action": "iam:CreateAccessKey",
         "Resource": format!("arn:aws:iam::{acct}:user/people/mia")}
    ]);
    // The same statements without `Sid`s, in the other order: each is named by its place.
    let unnamed = serde_json::json!([
        {"Effect": "Deny", "Action": "iam:CreateAccessKey",
         "Resource": format!("arn:aws:iam::{acct}:user/people/mia")},
        {"Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:CreateLoginProfile"],
         "Resource": format!("arn:aws:iam::{acct}:user/people/*")}
    ]);
    let inline = |name: &str, statements: &serde_json::Value| {
        serde_json::json!({"PolicyName": name,
            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}})
    };
    let reads = serde_json::json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]);
    let user = |name: &str, policies: Vec<serde_json::Value>| {
        serde_json::json!({
            "UserName": name, "UserId": format!("AIDA{}", name.to_uppercase()), "Path": "/people/",
            "Arn": format!("arn:aws:iam::{acct}:user/people/{name}"),
            "CreateDate": "2024-01-01T00:00:00+00:00", "UserPolicyList": policies, "GroupList": [],
            "AttachedManagedPolicies": [], "Tags": []
        })
    };
    let deploy = serde_json::json!([
        {"Sid": "PassServiceRoles", "Effect": "Allow", "Action": "iam:PassRole",
         "Resource": format!("arn:aws:iam::{acct}:role/service-role/*"),
         "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}},
        {"Sid": "Functions", "Effect": "Allow",
         "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}
    ]);
    let role = |path: &str, name: &str, service: Option<&str>, policies: Vec<serde_json::Value>| {
        let principal = service.map_or_else(
            || serde_json::json!({"AWS": format!("arn:aws:iam::{acct}:root")}),
            |s| serde_json::json!({"Service": s}),
        );
        serde_json::json!({
            "RoleName": name, "RoleId": format!("AROA{}", name.to_uppercase()), "Path": path,
            "Arn": format!("arn:aws:iam::{acct}:role{path}{name}"),
            "CreateDate": "2024-01-01T00:00:00+00:00",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": principal, "Action": "sts:AssumeRole"}]},
            "RolePolicyList": policies, "AttachedManagedPolicies": [], "InstanceProfileList": [],
            "Tags": []
        })
    };
    let bundle = serde_json::json!({
        "UserDetailList": [
            user("nina", vec![inline("helpdesk", &helpdesk), inline("notes", &reads)]),
            // Another policy beside it that takes no part: the same class as nina.
            user("omar", vec![inline("scratch", &serde_json::json!([
                {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}])),
                inline("helpdesk", &helpdesk)]),
            // The same statements under another name.
            user("pat", vec![inline("desk", &helpdesk)]),
            user("quinn", vec![inline("helpdesk", &unnamed)]),
            user("rosa", vec![inline("helpdesk", &unnamed)]),
            user("mia", vec![]),
        ],
        "GroupDetailList": [],
        "RoleDetailList": [
            role("/", "deployer-a", None, vec![inline("deploy", &deploy)]),
            role("/", "deployer-b", None, vec![inline("deploy", &deploy), inline("reads", &reads)]),
            role("/service-role/", "fn", Some("lambda.amazonaws.com"), vec![]),
        ],
        "Policies": []
    });
    Arc::new(load_str("alike-inline", &bundle.to_string()).unwrap())
}

/// Callers whose own inline policies that take part say the same, under the same names, get
/// their edges to others decided once, each made its own: the statements that grant an edge
/// and the explicit `Deny` that refuses one name the member's own policy (`omar/helpdesk`),
/// and the refusal names the member. The eager answers decide every caller alone; the lazy
/// ones must equal them.
#[test]
fn callers_with_alike_inline_policies_share_one_decision() {
    let g = TrustGraph::build(alike_inline_policies_account(), now());
    let all = same_both_ways(&g);
    let lazy = LazyEscalations::new(&g);
    let id = |name: &str| named(&g, &all, name);
    for &n in &all {
        let _ = lazy.edges_from(n);
    }
    // Classes: nina and omar; pat; quinn and rosa; the deployers.
    assert_eq!(lazy.shared_classes(), 4);
    let omar = lazy.edges_from(id("omar"));
    let keys_for = |to: &str| {
        omar.iter()
            .find(|e| e.technique == Technique::CreateAccessKey && e.to == id(to))
            .unwrap_or_else(|| panic!("omar's keys for {to}"))
    };
    assert!(keys_for("pat").works());
    assert_eq!(
        keys_for("pat").grants[0].statement.as_deref(),
        Some("`omar/helpdesk` statement `Keys`")
    );
    let refused = keys_for("mia");
    let message = match &refused.status {
        rolescope::engine::graph::EdgeStatus::Broken { message, .. } => message.clone(),
        other => panic!("{other:?}"),
    };
    assert!(message.contains(":user/people/omar is not"), "{message}");
    assert!(
        message.contains("(`omar/helpdesk` statement `NotForMia`)"),
        "{message}"
    );
    assert!(!message.contains("nina"), "{message}");
    // The deployers may each pass the service role to Lambda, by their own statement.
    for d in ["deployer-a", "deployer-b"] {
        let edges = lazy.edges_from(id(d));
        let pass = edges
            .iter()
            .find(|e| e.to == id("fn") && e.works())
            .unwrap_or_else(|| panic!("{d} passes fn"));
        assert!(
            pass.grants.iter().any(|x| x.statement.as_deref()
                == Some(&format!("`{d}/deploy` statement `PassServiceRoles`")[..])),
            "{pass:?}"
        );
    }
}
