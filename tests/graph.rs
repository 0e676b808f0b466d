//! The trust graph's answers, pinned to the rules they follow (IAM-RULES §1.3, §3.1–§3.4)
//! on small hand-written accounts, the demo organisation and the reference account — where
//! they are compared with PMapper's graph.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use rolescope::engine::graph::{
    Api, EdgeStatus, ExternalKind, Format, Grant, NodeKind, PrincipalClass, RequirementKind,
    TrustGraph,
};
use rolescope::engine::load::{load_demo, load_paths, load_str};
use rolescope::engine::policy::decision::PolicyType;
use serde_json::{Value, json};

fn graph_of(bundle: &Value) -> TrustGraph {
    let inv = load_str("test", &bundle.to_string()).unwrap();
    TrustGraph::build(
        Arc::new(inv),
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(),
    )
}

fn demo() -> TrustGraph {
    TrustGraph::build(
        Arc::new(load_demo().unwrap()),
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(),
    )
}

fn role(name: &str, path: &str, account: &str, trust: Value, inline: Value, msd: u32) -> Value {
    json!({"RoleName": name, "Path": path, "RoleId": format!("AROA{}{}", name.to_uppercase().replace('-', ""), "X".repeat(8)),
        "Arn": format!("arn:aws:iam::{account}:role{path}{name}"),
        "AssumeRolePolicyDocument": trust, "RolePolicyList": inline, "AttachedManagedPolicies": [],
        "MaxSessionDuration": msd, "Tags": [], "InstanceProfileList": []})
}

fn user(name: &str, account: &str, inline: Value) -> Value {
    json!({"UserName": name, "Path": "/", "UserId": format!("AIDA{}{}", name.to_uppercase(), "X".repeat(8)),
        "Arn": format!("arn:aws:iam::{account}:user/{name}"), "UserPolicyList": inline,
        "GroupList": [], "AttachedManagedPolicies": [], "Tags": []})
}

fn trust(principal: Value, condition: Option<Value>) -> Value {
    let mut st = json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"});
    if let Some(c) = condition {
        st["Condition"] = c;
    }
    json!({"Version": "2012-10-17", "Statement": [st]})
}

fn allow_assume(resource: &str) -> Value {
    json!([{"PolicyName": "assume", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource}]}}])
}

const A: &str = "111111111111";
const B: &str = "222222222222";

/// Two accounts: `users` and `roles` per account id.
fn bundle(
    a_users: Vec<Value>,
    a_roles: Vec<Value>,
    b_users: Vec<Value>,
    b_roles: Vec<Value>,
) -> Value {
    json!({"Accounts": {
        A: {"UserDetailList": a_users, "RoleDetailList": a_roles, "GroupDetailList": [], "Policies": []},
        B: {"UserDetailList": b_users, "RoleDetailList": b_roles, "GroupDetailList": [], "Policies": []},
    }})
}

#[test]
fn same_account_trust_naming_a_user_needs_no_identity_policy_iam_rules_3_2_3() {
    let g = graph_of(&bundle(
        vec![user("ana", A, json!([]))],
        vec![role(
            "Ops",
            "/",
            A,
            trust(json!({"AWS": format!("arn:aws:iam::{A}:user/ana")}), None),
            json!([]),
            3600,
        )],
        vec![],
        vec![],
    ));
    let e = g
        .hop(g.find("ana").unwrap(), g.find("Ops").unwrap())
        .unwrap();
    assert!(e.works());
    assert_eq!(e.grant, Grant::Principal);
    assert!(!e.cross_account);
}

#[test]
fn cross_account_trust_naming_a_user_still_needs_the_callers_policy_so_the_edge_is_broken_iam_rules_3_2_4()
 {
    let g = graph_of(&bundle(
        vec![user("ana", A, json!([]))],
        vec![],
        vec![],
        vec![role(
            "Ops",
            "/",
            B,
            trust(json!({"AWS": format!("arn:aws:iam::{A}:user/ana")}), None),
            json!([]),
            3600,
        )],
    ));
    let ana = g.find("ana").unwrap();
    let e = g.hop(ana, g.find("Ops").unwrap()).unwrap();
    assert!(e.cross_account);
    assert!(matches!(
        e.status,
        EdgeStatus::Broken {
            refused_by: Some(PolicyType::IdentityBasedPolicy),
            ..
        }
    ));
    let reach = g.reach(ana, 3);
    assert!(reach.rows.is_empty());
    assert_eq!(reach.broken.len(), 1, "a broken hop is kept, not dropped");
}

#[test]
fn an_account_grant_is_a_class_that_only_members_allowed_by_their_own_policy_use_iam_rules_3_2() {
    let ops_arn = format!("arn:aws:iam::{B}:role/Ops");
    let g = graph_of(&bundle(
        vec![
            user("ana", A, allow_assume(&ops_arn)),
            user("bo", A, json!([])),
        ],
        vec![],
        vec![],
        vec![role(
            "Ops",
            "/",
            B,
            trust(json!({"AWS": A}), None),
            json!([]),
            3600,
        )],
    ));
    let ops = g.find("Ops").unwrap();
    let who = g.who_can_assume(ops, 3);
    let names: Vec<&str> = who
        .rows
        .iter()
        .map(|r| g.node(r.principal).name.as_str())
        .collect();
    assert_eq!(names, ["ana"]);
    assert!(
        matches!(&who.classes[0].class, PrincipalClass::Account { account, .. } if account == A)
    );
    assert!(who.classes[0].needs_caller_policy);
    assert_eq!(who.classes[0].members_working, 1);
    // bo: the trust lets the account in, bo's own half is missing — the nearest broken hop.
    let paths = g.paths(g.find("bo").unwrap(), ops, 4);
    let none = paths.no_path.clone().unwrap();
    let (_, broken) = none.nearest_broken.unwrap();
    assert_eq!(broken.grant, Grant::Account);
    assert!(
        none.reason.contains("identity-based policy"),
        "{}",
        none.reason
    );
}

#[test]
fn a_chain_through_a_role_caps_the_final_session_at_one_hour_iam_rules_1_3() {
    let hop_arn = format!("arn:aws:iam::{A}:role/Hop");
    let long_arn = format!("arn:aws:iam::{A}:role/Long");
    let g = graph_of(&bundle(
        vec![user("ana", A, allow_assume(&hop_arn))],
        vec![
            role(
                "Hop",
                "/",
                A,
                trust(json!({"AWS": A}), None),
                allow_assume(&long_arn),
                43200,
            ),
            role(
                "Long",
                "/",
                A,
                trust(json!({"AWS": hop_arn}), None),
                json!([]),
                43200,
            ),
        ],
        vec![],
        vec![],
    ));
    let reach = g.reach(g.find("ana").unwrap(), 5);
    let by_name = |n: &str| {
        reach
            .rows
            .iter()
            .find(|r| g.node(r.role).name == n)
            .unwrap()
    };
    assert_eq!(
        by_name("Hop").path.max_session_seconds,
        43200,
        "a user's own session may last the role's maximum"
    );
    let long = by_name("Long");
    assert_eq!(long.path.len(), 2);
    assert_eq!(long.path.via(), vec![g.find("Hop").unwrap()]);
    assert_eq!(
        long.path.max_session_seconds, 3600,
        "role chaining: one hour whatever the role allows"
    );
    assert!(long.path.hops[1].badges().contains(&"chain<=1h".to_owned()));
    // The shortest paths form a tree: Long hangs under Hop, Hop under ana.
    let ana = g.find("ana").unwrap();
    let top: Vec<&str> = reach
        .children(ana)
        .iter()
        .map(|r| g.node(r.role).name.as_str())
        .collect();
    assert_eq!(top, ["Hop"]);
    let below: Vec<&str> = reach
        .children(g.find("Hop").unwrap())
        .iter()
        .map(|r| g.node(r.role).name.as_str())
        .collect();
    assert_eq!(below, ["Long"]);
}

#[test]
fn request_choices_become_requirements_and_the_witness_meets_them_iam_rules_3_4() {
    let g = graph_of(&bundle(
        vec![user("ana", A, json!([]))],
        vec![role(
            "Ops",
            "/",
            A,
            json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{A}:user/ana")}, "Action": ["sts:AssumeRole", "sts:TagSession"],
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "StringEquals": {"sts:ExternalId": "x-42", "aws:RequestTag/team": "red"},
                           "StringLike": {"sts:RoleSessionName": "ana-*"}}},
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}),
            json!([]),
            3600,
        )],
        vec![],
        vec![],
    ));
    let e = g
        .hop(g.find("ana").unwrap(), g.find("Ops").unwrap())
        .unwrap();
    assert!(e.works(), "{:?}", e.status);
    let kinds: BTreeSet<RequirementKind> = e.requirements().iter().map(|r| r.kind).collect();
    for k in [
        RequirementKind::Mfa,
        RequirementKind::ExternalId,
        RequirementKind::SessionTags,
        RequirementKind::SessionName,
        RequirementKind::Network,
    ] {
        assert!(kinds.contains(&k), "missing {k:?} in {kinds:?}");
    }
    assert!(
        e.requirements()
            .iter()
            .any(|r| r.kind == RequirementKind::Network && r.from_deny)
    );
    assert!(e.request().mfa);
    assert_eq!(e.request().external_id.as_deref(), Some("x-42"));
    assert_eq!(
        e.request().tags,
        vec![("team".to_owned(), "red".to_owned())]
    );
    assert!(e.request().session_name.starts_with("ana-"));
    assert!(e.badges().contains(&"ExternalId=x-42".to_owned()));
    let req = g.simulate_request(&e).unwrap();
    assert_eq!(req.external_id.as_deref(), Some("x-42"));
    assert!(req.mfa.is_some());
}

#[test]
fn a_trust_naming_one_session_fixes_the_callers_session_name_iam_rules_3_1() {
    let next = format!("arn:aws:iam::{A}:role/Next");
    let g = graph_of(&bundle(
        vec![],
        vec![
            role(
                "Worker",
                "/",
                A,
                trust(json!({"Service": "ec2.amazonaws.com"}), None),
                allow_assume(&next),
                3600,
            ),
            role(
                "Next",
                "/",
                A,
                trust(
                    json!({"AWS": format!("arn:aws:sts::{A}:assumed-role/Worker/batch-7")}),
                    None,
                ),
                json!([]),
                3600,
            ),
        ],
        vec![],
        vec![],
    ));
    let e = g
        .hop(g.find("Worker").unwrap(), g.find("Next").unwrap())
        .unwrap();
    assert!(e.works(), "{:?}", e.status);
    assert_eq!(e.grant, Grant::Session);
    assert_eq!(e.request().caller_session_name.as_deref(), Some("batch-7"));
    assert!(
        e.requirements()
            .iter()
            .any(|r| r.kind == RequirementKind::CallerSession)
    );
}

#[test]
fn a_wildcard_inside_a_principal_arn_names_nobody_iam_rules_3_1() {
    let g = graph_of(&bundle(
        vec![user("ana", A, allow_assume("*"))],
        vec![role(
            "Ops",
            "/",
            A,
            trust(json!({"AWS": format!("arn:aws:iam::{A}:user/*")}), None),
            json!([]),
            3600,
        )],
        vec![],
        vec![],
    ));
    assert!(
        g.hop(g.find("ana").unwrap(), g.find("Ops").unwrap())
            .is_none()
    );
}

#[test]
/// Confused deputies: only services that assume a customer's role by the ARN in a request
/// (Amazon Personalize: "Cross-service confused deputy prevention"), not those receiving
/// roles through iam:PassRole such as Lambda (prowler-cloud/prowler#2810); an external ID or
/// a source key pins the trust.
fn everyone_and_outside_accounts_are_external_access_and_services_assuming_roles_by_arn_unpinned_are_confused_deputies()
 {
    let g = graph_of(&bundle(
        vec![],
        vec![
            role("Open", "/", A, trust(json!("*"), None), json!([]), 3600),
            role(
                "OrgOnly",
                "/",
                A,
                trust(
                    json!("*"),
                    Some(json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}})),
                ),
                json!([]),
                3600,
            ),
            role(
                "Partner",
                "/",
                A,
                trust(
                    json!({"AWS": "999988887777"}),
                    Some(json!({"StringEquals": {"sts:ExternalId": "p-1"}})),
                ),
                json!([]),
                3600,
            ),
            role(
                "Lambda",
                "/",
                A,
                trust(json!({"Service": "lambda.amazonaws.com"}), None),
                json!([]),
                3600,
            ),
            role(
                "Personalize",
                "/",
                A,
                trust(json!({"Service": "personalize.amazonaws.com"}), None),
                json!([]),
                3600,
            ),
            role(
                "PinnedPersonalize",
                "/",
                A,
                trust(
                    json!({"Service": "personalize.amazonaws.com"}),
                    Some(json!({"StringEquals": {"aws:SourceAccount": A}})),
                ),
                json!([]),
                3600,
            ),
            role(
                "SmsWithExternalId",
                "/",
                A,
                trust(
                    json!({"Service": "cognito-idp.amazonaws.com"}),
                    Some(json!({"StringEquals": {"sts:ExternalId": "pool-1"}})),
                ),
                json!([]),
                3600,
            ),
        ],
        vec![],
        vec![],
    ));
    let ext = g.external_access();
    let found: BTreeSet<(String, ExternalKind, bool)> = ext
        .findings
        .iter()
        .filter(|f| f.edge.works() || f.edge.status.is_unknown())
        .map(|f| (g.node(f.role).name.clone(), f.kind, f.edge.works()))
        .collect();
    // Anyone can assume Open; whether a principal of account 999988887777 (not loaded) may
    // call AssumeRole on Partner turns on that account's own policies, which are not in the
    // data: unknown.
    assert_eq!(
        found,
        BTreeSet::from([
            ("Open".to_owned(), ExternalKind::Everyone, true),
            ("Partner".to_owned(), ExternalKind::Account, false)
        ])
    );
    let partner = ext
        .findings
        .iter()
        .find(|f| g.node(f.role).name == "Partner")
        .unwrap();
    assert_eq!(partner.edge.request().external_id.as_deref(), Some("p-1"));
    assert_eq!(g.node(partner.principal).kind, NodeKind::ExternalAccount);
    let deputies: Vec<&str> = ext
        .confused_deputies
        .iter()
        .map(|d| g.node(d.role).name.as_str())
        .collect();
    assert_eq!(deputies, ["Personalize"]);
}

#[test]
fn demo_mfa_role_is_assumed_by_its_dba_with_mfa_and_not_through_a_role_session() {
    let g = demo();
    let who = g.who_can_assume(g.find("ProdDatabaseAdmin").unwrap(), 5);
    let sam = who
        .rows
        .iter()
        .find(|r| g.node(r.principal).name == "sam.patel")
        .unwrap();
    assert_eq!(sam.path.len(), 1);
    assert!(sam.path.hops[0].request().mfa);
    // A session of OrganizationAccountAccessRole has no MFA and cannot pass a code: trusted,
    // refused, and nobody gets in through it ([STS-API AssumeRole] `SerialNumber`).
    assert!(
        !who.rows
            .iter()
            .any(|r| g.node(r.principal).name == "maria.garcia")
    );
    let oaar = g
        .find("arn:aws:iam::222222222222:role/OrganizationAccountAccessRole")
        .unwrap();
    let hop = g.hop(oaar, g.find("ProdDatabaseAdmin").unwrap()).unwrap();
    assert!(!hop.works());
    assert!(!hop.request().mfa);
}

#[test]
fn demo_cross_account_half_missing_is_the_nearest_broken_hop() {
    let g = demo();
    let paths = g.paths(
        g.find("noah.kim").unwrap(),
        g.find("QAReleaseVerifier").unwrap(),
        5,
    );
    assert!(paths.paths.is_empty());
    let (reached_by, e) = paths.no_path.clone().unwrap().nearest_broken.unwrap();
    assert!(
        reached_by.is_empty(),
        "noah.kim's own hop is the broken one"
    );
    assert!(matches!(
        e.status,
        EdgeStatus::Broken {
            refused_by: Some(PolicyType::IdentityBasedPolicy),
            ..
        }
    ));
}

#[test]
fn demo_chain_stage_two_is_capped_at_one_hour_despite_its_twelve_hours() {
    let g = demo();
    let stage2 = g.find("etl-stage-two").unwrap();
    assert_eq!(g.role(stage2).unwrap().effective_max_session(), 43200);
    let paths = g.paths(g.find("etl-stage-one").unwrap(), stage2, 3);
    assert_eq!(paths.paths[0].max_session_seconds, 3600);
}

#[test]
fn demo_partner_needs_the_pinned_external_id() {
    let g = demo();
    let e = g
        .hop(
            g.find("priya.nair").unwrap(),
            g.find("northwind-engagement").unwrap(),
        )
        .unwrap();
    assert!(e.works());
    assert!(e.cross_account);
    assert!(
        e.requirements()
            .iter()
            .any(|r| r.kind == RequirementKind::ExternalId && !r.values.is_empty())
    );
    assert_eq!(
        e.request().external_id.as_deref(),
        e.requirements()
            .iter()
            .find(|r| r.kind == RequirementKind::ExternalId)
            .map(|r| r.values[0].as_str())
    );
}

/// The demo's EC2 and Lambda roles receive their role through iam:PassRole and are not
/// confused deputies; its Cognito SMS role, assumed by ARN with no external ID, is.
#[test]
fn demo_confused_deputies_are_the_services_assuming_roles_by_arn_prowler_2810() {
    let g = demo();
    let ext = g.external_access();
    let found: Vec<(&str, &str)> = ext
        .confused_deputies
        .iter()
        .map(|d| (g.node(d.role).name.as_str(), d.service.as_str()))
        .collect();
    assert_eq!(
        found,
        [("storefront-sms-sender", "cognito-idp.amazonaws.com")]
    );
}

/// IAM Identity Center roles (`AWSReservedSSO_<permission set>_<suffix>`, trusting the
/// account's `AWSSSO_*` SAML provider) are reached through the access portal, which makes the
/// SAML call for the people assigned the permission set; STS refuses the same call made
/// directly (IAM-RULES §2.1), so the hop is the portal's, not a blocked SAML hop.
#[test]
fn identity_center_roles_are_reached_through_the_access_portal_iam_rules_2_1() {
    let g = demo();
    let ext = g.external_access();
    let sso: Vec<_> = ext
        .findings
        .iter()
        .filter(|f| g.node(f.role).name.starts_with("AWSReservedSSO_"))
        .collect();
    assert!(sso.len() >= 3, "{sso:?}");
    for f in &sso {
        assert_eq!(f.edge.api, Api::IdentityCenterPortal);
        assert_eq!(f.edge.status, EdgeStatus::Works, "{:?}", f.edge.status);
        let set = rolescope::engine::graph::permission_set(&g.node(f.role).name).unwrap();
        let badges = f.edge.badges();
        assert_eq!(badges[0], "identity-center portal");
        assert!(
            badges.contains(&format!("permission set {set}")),
            "{badges:?}"
        );
    }
    // The same hop in who-can-assume and reach.
    let role = g
        .find("AWSReservedSSO_AdministratorAccess_3f1c2a9b7d6e5f40")
        .unwrap();
    let who = g.who_can_assume(role, 1);
    assert!(who.broken.is_empty(), "{:?}", who.broken);
    let row = who
        .rows
        .iter()
        .find(|r| g.node(r.principal).name.starts_with("AWSSSO_"))
        .expect("the portal's provider can assume the role");
    assert_eq!(row.path.hops[0].api, Api::IdentityCenterPortal);
    let reach = g.reach(row.principal, 1);
    assert!(reach.rows.iter().any(|r| r.role == role));
    // A permission set's name may hold `_`; the suffix is the last part.
    assert_eq!(
        rolescope::engine::graph::permission_set("AWSReservedSSO_Data_Eng_0123456789abcdef"),
        Some("Data_Eng")
    );
}

/// The reference account against PMapper 1.1.5's stored graph (pmapper-graph/edges.json).
/// PMapper draws 8 AssumeRole edges; rolescope draws those 8 and, following the rulebook,
/// five more that PMapper leaves out:
/// - `DeveloperRole` → itself: its trust names the account and its own policy allows
///   `role/team/*` (IAM-RULES §3.1: a role may re-assume itself when its trust names the
///   account); PMapper does not draw self-edges;
/// - `AdminMFA`, `BreakGlass` → `DeveloperRole`: AdministratorAccess allows
///   `sts:AssumeRole` on everything and the trust names the account (§3.2); PMapper draws no
///   edges out of admin principals (it reports them as admins instead);
/// - with MFA (an edge carries it as a requirement, §3.4): alice → `AdminMFA`, alice →
///   `BreakGlass` (her `breakglass=true` tag); PMapper's graph assumes no MFA.
///
/// `AdminMFA` → `AdminMFA` and `BreakGlass` → `AdminMFA` are trusted but refused: a role
/// session cannot pass an MFA code ([STS-API AssumeRole] `SerialNumber` is the device of the
/// IAM user making the call) and an AssumeRole session carries none (§3.4). The independent
/// simulator's assume-role matrix allows them, as it lets a request set
/// `aws:MultiFactorAuthPresent` for any principal.
#[test]
fn reference_account_edges_are_pmappers_and_the_rulebooks_extra_ones() {
    let inv = load_paths(&[
        "tests/fixtures/moto-account-authz-inuse.json".into(),
        "tests/fixtures/moto-list-saml-providers.json".into(),
        "tests/fixtures/moto-list-open-id-connect-providers.json".into(),
    ])
    .unwrap();
    let g = TrustGraph::build(
        Arc::new(inv),
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(),
    );
    let short = |arn: &str| arn.rsplit('/').next().unwrap().to_owned();
    let ours: BTreeSet<(String, String)> = g
        .all_edges()
        .into_iter()
        .filter(|e| e.works() && matches!(g.node(e.from).kind, NodeKind::User | NodeKind::Role))
        .map(|e| (short(&g.node(e.from).id), short(&g.node(e.to).id)))
        .collect();
    let pmapper: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/pmapper-edges.json").unwrap(),
    )
    .unwrap();
    let theirs: BTreeSet<(String, String)> = pmapper
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                short(e["source"].as_str().unwrap()),
                short(e["destination"].as_str().unwrap()),
            )
        })
        .collect();
    assert_eq!(theirs.len(), 8);
    assert!(
        theirs.is_subset(&ours),
        "missing PMapper edges: {:?}",
        theirs.difference(&ours).collect::<Vec<_>>()
    );
    let extra: BTreeSet<(String, String)> = ours.difference(&theirs).cloned().collect();
    let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    assert_eq!(
        extra,
        BTreeSet::from([
            pair("DeveloperRole", "DeveloperRole"),
            pair("AdminMFA", "DeveloperRole"),
            pair("BreakGlass", "DeveloperRole"),
            pair("alice", "AdminMFA"),
            pair("alice", "BreakGlass"),
        ])
    );
    for (from, to) in [("AdminMFA", "AdminMFA"), ("BreakGlass", "AdminMFA")] {
        let from = g.find(from).unwrap();
        let to = g.find(to).unwrap();
        let hop = g.hop(from, to).expect("the trust names the account");
        assert!(!hop.works(), "a role session met an MFA condition");
    }
    let mfa_only: BTreeSet<(String, String)> = g
        .all_edges()
        .into_iter()
        .filter(|e| e.works() && e.request().mfa)
        .map(|e| (short(&g.node(e.from).id), short(&g.node(e.to).id)))
        .collect();
    assert_eq!(
        mfa_only.len(),
        2,
        "exactly the two MFA edges need MFA: {mfa_only:?}"
    );
}

#[test]
fn pictures_draw_broken_hops_dashed() {
    let g = graph_of(&bundle(
        vec![user("ana", A, json!([]))],
        vec![],
        vec![],
        vec![role(
            "Ops",
            "/",
            B,
            trust(json!({"AWS": format!("arn:aws:iam::{A}:user/ana")}), None),
            json!([]),
            3600,
        )],
    ));
    let edges = g.all_edges();
    let dot = g.render(&edges, Format::Dot);
    assert!(dot.starts_with("digraph rolescope {"));
    assert!(dot.contains("style=dashed"));
    let mermaid = g.render(&edges, Format::Mermaid);
    assert!(mermaid.starts_with("flowchart LR"));
    assert!(mermaid.contains("-.->"));
    let json: Value = serde_json::from_str(&g.render(&edges, Format::Json)).unwrap();
    assert_eq!(
        json["edges"][0]["from"],
        format!("arn:aws:iam::{A}:user/ana")
    );
    assert!(Format::parse("png").is_err());
}

/// IAM-RULES §3.2: a trust naming `"*"` lets principals of the role's own account in without
/// anything from their own policy. Such a principal reaches the role; who can assume it
/// keeps those principals in the `"*"` class row rather than listing every one.
#[test]
fn a_star_trust_is_reached_by_its_own_accounts_principals_and_kept_as_a_class_in_who_can_assume() {
    let g = graph_of(&bundle(
        vec![user("ana", A, json!([]))],
        vec![role(
            "Open",
            "/",
            A,
            trust(json!("*"), None),
            json!([]),
            3600,
        )],
        vec![user("bo", B, json!([]))],
        vec![],
    ));
    let (ana, bo, open) = (
        g.find("ana").unwrap(),
        g.find("bo").unwrap(),
        g.find("Open").unwrap(),
    );
    let reach = g.reach(ana, 3);
    assert_eq!(reach.rows.len(), 1);
    assert_eq!(reach.rows[0].role, open);
    assert!(reach.rows[0].path.hops[0].works());
    assert_eq!(reach.rows[0].path.hops[0].from, ana);
    assert!(
        g.reach(bo, 3).rows.is_empty(),
        "another account's principal needs its own policy too"
    );
    let who = g.who_can_assume(open, 3);
    assert!(who.rows.iter().all(|r| r.principal != ana));
    assert_eq!(who.classes.len(), 1);
    assert!(g.edges_into(open).edges.iter().all(|e| e.from != ana));
    assert_eq!(g.edges_from(ana).len(), 1);
}

/// Principals with the very same hops out are walked once by reach (the second learns nothing
/// new), but each one's broken hop into a role no path reaches is still listed.
#[test]
fn reach_lists_the_broken_hops_of_every_principal_with_the_same_hops_out() {
    let r1 = format!("arn:aws:iam::{A}:role/R1");
    let r2 = format!("arn:aws:iam::{A}:role/R2");
    let root = json!({"AWS": format!("arn:aws:iam::{A}:root")});
    let g = graph_of(&bundle(
        vec![user(
            "ana",
            A,
            allow_assume(&format!("arn:aws:iam::{A}:role/R*")),
        )],
        vec![
            role("R1", "/", A, trust(root.clone(), None), json!([]), 3600),
            role("R2", "/", A, trust(root, None), json!([]), 3600),
        ],
        vec![],
        vec![role(
            "Target",
            "/",
            B,
            trust(json!({"AWS": [r1, r2]}), None),
            json!([]),
            3600,
        )],
    ));
    let reach = g.reach(g.find("ana").unwrap(), 3);
    let reached: Vec<&str> = reach
        .rows
        .iter()
        .map(|r| g.node(r.role).name.as_str())
        .collect();
    assert_eq!(reached, ["R1", "R2"]);
    let mut froms: Vec<&str> = reach
        .broken
        .iter()
        .map(|e| g.node(e.from).name.as_str())
        .collect();
    froms.sort_unstable();
    assert_eq!(froms, ["R1", "R2"], "{:#?}", reach.broken);
    for e in &reach.broken {
        assert_eq!(e.to, g.find("Target").unwrap());
        let EdgeStatus::Broken { message, .. } = &e.status else {
            panic!("{e:?}")
        };
        assert!(
            message.contains(&format!("assumed-role/{}/", g.node(e.from).name)),
            "{message}"
        );
    }
}
