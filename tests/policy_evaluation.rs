//! AWS's evaluation logic, each test named after the documented rule it pins
//! (IAM-RULES §3.2, §4.1–4.3, §5, §9).

#![allow(clippy::unwrap_used, reason = "tests")]

use rolescope::engine::policy::document::PolicyDocument;
use rolescope::engine::policy::{
    EvaluationInput, GrantKind, LayerOutcome, NamedPolicy, Outcome, PolicyLevel, PolicyType,
    Principal, ResourceBasedPolicy, evaluate,
};
use serde_json::{Value, json};

const A: &str = "111122223333";
const B: &str = "444455556666";

fn pol(name: &str, v: Value) -> NamedPolicy {
    let p = PolicyDocument::from_value(&v);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    NamedPolicy::from_document(name, &p.document.unwrap())
}

fn allow(action: &str, resource: &str) -> Value {
    json!({"Version":"2012-10-17","Statement":[{"Sid":"Allow","Effect":"Allow","Action":action,"Resource":resource}]})
}

fn deny(action: &str, resource: &str) -> Value {
    json!({"Version":"2012-10-17","Statement":[{"Sid":"Deny","Effect":"Deny","Action":action,"Resource":resource}]})
}

fn resource_allow(principal: Value, action: &str) -> Value {
    json!({"Version":"2012-10-17","Statement":[{"Sid":"Grant","Effect":"Allow","Principal":principal,"Action":action,"Resource":"*"}]})
}

fn user(account: &str, name: &str) -> Principal {
    Principal::parse(&format!("arn:aws:iam::{account}:user/{name}")).unwrap()
}

fn session(account: &str, role: &str, name: &str) -> Principal {
    Principal::role_session(&format!("arn:aws:iam::{account}:role/{role}"), name)
}

fn bucket(account: &str) -> (String, Option<String>) {
    (
        "arn:aws:s3:::data-bucket/report.csv".to_owned(),
        Some(account.to_owned()),
    )
}

fn input(p: Principal, action: &str, resource_account: &str) -> EvaluationInput {
    let (r, acct) = bucket(resource_account);
    let mut i = EvaluationInput::new(p, action, r);
    i.resource_account = acct;
    i
}

fn resource_policy(v: Value) -> Option<ResourceBasedPolicy> {
    Some(ResourceBasedPolicy {
        policy: pol("bucket-policy", v),
        is_role_trust: false,
    })
}

fn trust(v: Value) -> Option<ResourceBasedPolicy> {
    Some(ResourceBasedPolicy {
        policy: pol("trust", v),
        is_role_trust: true,
    })
}

#[test]
fn default_is_implicit_deny() {
    let d = evaluate(&input(user(A, "ana"), "s3:GetObject", A));
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert_eq!(d.deciding, Some(PolicyType::IdentityBasedPolicy));
    assert!(
        d.message
            .ends_with("because no identity-based policy allows the s3:GetObject action")
    );
}

#[test]
fn explicit_deny_in_any_policy_type_beats_every_allow() {
    // (layer holding the deny, how to set it up)
    type Setup = fn(&mut EvaluationInput);
    let cases: Vec<(PolicyType, Setup)> = vec![
        (PolicyType::IdentityBasedPolicy, |i| {
            i.identity_policies.push(pol("d", deny("s3:*", "*")))
        }),
        (PolicyType::PermissionsBoundary, |i| {
            i.permissions_boundary = Some(pol(
                "b",
                json!({"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"*","Resource":"*"},
                {"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}),
            ));
        }),
        (PolicyType::SessionPolicy, |i| {
            i.session_policies = Some(vec![pol("s", deny("s3:Get*", "*"))])
        }),
        (PolicyType::ResourceBasedPolicy, |i| {
            i.resource_policy = resource_policy(json!({"Version":"2012-10-17","Statement":[
                {"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}));
        }),
        (PolicyType::ServiceControlPolicy, |i| {
            i.scps = Some(vec![PolicyLevel {
                target: "r-root".into(),
                policies: vec![
                    pol("FullAWSAccess", allow("*", "*")),
                    pol("NoS3", deny("s3:*", "*")),
                ],
            }]);
        }),
        (PolicyType::ResourceControlPolicy, |i| {
            i.rcps = Some(vec![PolicyLevel {
                target: "r-root".into(),
                policies: vec![
                    pol(
                        "RCPFullAWSAccess",
                        json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}),
                    ),
                    pol(
                        "NoGet",
                        json!({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}),
                    ),
                ],
            }]);
        }),
    ];
    for (layer, setup) in cases {
        let mut i = input(session(A, "App", "s1"), "s3:GetObject", A);
        i.identity_policies.push(pol("admin", allow("*", "*")));
        i.resource_policy = resource_policy(resource_allow(json!("*"), "s3:*"));
        setup(&mut i);
        let d = evaluate(&i);
        assert_eq!(d.outcome, Outcome::ExplicitDeny, "{layer:?}: {}", d.message);
        assert_eq!(d.deciding, Some(layer), "{}", d.message);
        assert!(
            d.message.contains(&format!(
                "with an explicit deny in {}",
                layer.with_article()
            )),
            "{}",
            d.message
        );
    }
}

#[test]
fn identity_allow_is_enough_in_the_same_account_without_a_resource_policy() {
    let mut i = input(user(A, "ana"), "s3:GetObject", A);
    i.identity_policies.push(pol(
        "read",
        allow("s3:GetObject", "arn:aws:s3:::data-bucket/*"),
    ));
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::Allow);
    assert_eq!(d.deciding, Some(PolicyType::IdentityBasedPolicy));
    assert_eq!(d.matched_statements.len(), 1);
    assert_eq!(d.matched_statements[0].sid.as_deref(), Some("Allow"));
}

#[test]
fn permissions_boundary_never_grants_and_must_allow() {
    let mut i = input(user(A, "ana"), "s3:GetObject", A);
    i.permissions_boundary = Some(pol("b", allow("s3:*", "*")));
    assert_eq!(evaluate(&i).outcome, Outcome::ImplicitDeny);
    i.identity_policies.push(pol("all", allow("*", "*")));
    assert_eq!(evaluate(&i).outcome, Outcome::Allow);
    i.permissions_boundary = Some(pol("b", allow("ec2:*", "*")));
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert_eq!(d.deciding, Some(PolicyType::PermissionsBoundary));
}

#[test]
fn session_policy_none_differs_from_an_empty_session_policy_set() {
    let mut i = input(session(A, "App", "s1"), "s3:GetObject", A);
    i.identity_policies.push(pol("all", allow("*", "*")));
    i.session_policies = None;
    assert_eq!(evaluate(&i).outcome, Outcome::Allow);
    i.session_policies = Some(Vec::new());
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert_eq!(d.deciding, Some(PolicyType::SessionPolicy));
}

#[test]
fn federated_user_session_without_a_session_policy_has_no_permissions() {
    let p = Principal::parse(&format!("arn:aws:sts::{A}:federated-user/ana")).unwrap();
    let mut i = input(p, "s3:GetObject", A);
    i.identity_policies.push(pol("all", allow("*", "*")));
    assert_eq!(evaluate(&i).outcome, Outcome::ImplicitDeny);
    i.session_policies = Some(vec![pol("s", allow("s3:*", "*"))]);
    assert_eq!(evaluate(&i).outcome, Outcome::Allow);
}

/// [UG:reference_policies_evaluation-logic] resource-based policies, by principal named.
#[test]
fn same_account_resource_policy_grant_depends_on_the_principal_named() {
    let boundary_without_s3 = || Some(pol("b", allow("ec2:*", "*")));
    // (rule, caller, principal element, boundary blocks?, session policy blocks?, want)
    let role_arn = format!("arn:aws:iam::{A}:role/App");
    let session_arn = format!("arn:aws:sts::{A}:assumed-role/App/s1");
    let user_arn = format!("arn:aws:iam::{A}:user/ana");
    let cases: Vec<(&str, Principal, Value, bool, bool, Outcome)> = vec![
        (
            "user_arn_grant_not_limited_by_boundary",
            user(A, "ana"),
            json!({"AWS": user_arn}),
            true,
            false,
            Outcome::Allow,
        ),
        (
            "role_arn_grant_limited_by_boundary",
            session(A, "App", "s1"),
            json!({"AWS": role_arn}),
            true,
            false,
            Outcome::ImplicitDeny,
        ),
        (
            "role_arn_grant_limited_by_session_policy",
            session(A, "App", "s1"),
            json!({"AWS": role_arn}),
            false,
            true,
            Outcome::ImplicitDeny,
        ),
        (
            "role_arn_grant_needs_no_identity_policy",
            session(A, "App", "s1"),
            json!({"AWS": role_arn}),
            false,
            false,
            Outcome::Allow,
        ),
        (
            "session_arn_grant_not_limited_by_boundary",
            session(A, "App", "s1"),
            json!({"AWS": session_arn}),
            true,
            false,
            Outcome::Allow,
        ),
        // IAM-RULES §9.1: the guide says a session policy does not limit a grant naming the
        // session ARN; the third-party simulator denies. rolescope follows the guide.
        (
            "session_arn_grant_not_limited_by_session_policy_per_the_guide",
            session(A, "App", "s1"),
            json!({"AWS": session_arn}),
            false,
            true,
            Outcome::Allow,
        ),
        (
            "account_grant_is_delegation_only",
            user(A, "ana"),
            json!({"AWS": A}),
            false,
            false,
            Outcome::ImplicitDeny,
        ),
        (
            "everyone_grant_not_limited_by_boundary",
            session(A, "App", "s1"),
            json!("*"),
            true,
            true,
            Outcome::Allow,
        ),
    ];
    for (rule, p, principal, boundary_blocks, session_blocks, want) in cases {
        let mut i = input(p, "s3:GetObject", A);
        i.resource_policy = resource_policy(resource_allow(principal, "s3:GetObject"));
        if boundary_blocks {
            i.permissions_boundary = boundary_without_s3();
        }
        if session_blocks {
            i.session_policies = Some(vec![pol("s", allow("ec2:*", "*"))]);
        }
        let d = evaluate(&i);
        assert_eq!(d.outcome, want, "{rule}: {}", d.message);
    }
}

#[test]
fn cross_account_needs_both_the_identity_side_and_the_resource_side() {
    let caller = || user(B, "partner");
    // Resource policy only: not enough across accounts.
    let mut i = input(caller(), "s3:GetObject", A);
    i.resource_policy = resource_policy(resource_allow(
        json!({"AWS": format!("arn:aws:iam::{B}:user/partner")}),
        "s3:GetObject",
    ));
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert_eq!(d.deciding, Some(PolicyType::IdentityBasedPolicy));
    assert!(!d.same_account);
    // Identity only: not enough either.
    let mut j = input(caller(), "s3:GetObject", A);
    j.identity_policies.push(pol("all", allow("s3:*", "*")));
    let d = evaluate(&j);
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert_eq!(d.deciding, Some(PolicyType::ResourceBasedPolicy));
    // Both: allowed; an account grant works across accounts when the identity side allows.
    i.identity_policies.push(pol("all", allow("s3:*", "*")));
    assert_eq!(evaluate(&i).outcome, Outcome::Allow);
    j.resource_policy = resource_policy(resource_allow(
        json!({"AWS": format!("arn:aws:iam::{B}:root")}),
        "s3:GetObject",
    ));
    assert_eq!(evaluate(&j).outcome, Outcome::Allow);
}

#[test]
fn cross_account_boundary_is_never_bypassed() {
    let mut i = input(session(B, "Partner", "s"), "s3:GetObject", A);
    i.identity_policies.push(pol("all", allow("*", "*")));
    i.permissions_boundary = Some(pol("b", allow("ec2:*", "*")));
    i.resource_policy = resource_policy(resource_allow(
        json!({"AWS": format!("arn:aws:sts::{B}:assumed-role/Partner/s")}),
        "s3:*",
    ));
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert_eq!(d.deciding, Some(PolicyType::PermissionsBoundary));
}

#[test]
fn role_trust_policy_must_name_the_principal_even_in_the_same_account() {
    let role = format!("arn:aws:iam::{A}:role/Target");
    let mut i = EvaluationInput::new(user(A, "ana"), "sts:AssumeRole", &role);
    i.identity_policies
        .push(pol("all", allow("sts:AssumeRole", "*")));
    i.resource_policy = trust(
        json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":format!("arn:aws:iam::{A}:user/other")},"Action":"sts:AssumeRole"}]}),
    );
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert_eq!(d.deciding, Some(PolicyType::ResourceBasedPolicy));
    // An account grant in the trust delegates to the identity policy.
    i.resource_policy = trust(
        json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":format!("arn:aws:iam::{A}:root")},"Action":"sts:AssumeRole"}]}),
    );
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::Allow);
    assert!(
        d.matched_statements
            .iter()
            .any(|m| m.grant == Some(GrantKind::Account))
    );
    i.identity_policies.clear();
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert_eq!(d.deciding, Some(PolicyType::IdentityBasedPolicy));
}

#[test]
fn a_wildcard_inside_a_principal_arn_is_not_a_pattern() {
    let mut i = input(session(A, "App", "s1"), "s3:GetObject", A);
    i.resource_policy = resource_policy(resource_allow(
        json!({"AWS": format!("arn:aws:iam::{A}:role/*")}),
        "s3:*",
    ));
    assert_eq!(evaluate(&i).outcome, Outcome::ImplicitDeny);
}

#[test]
fn not_principal_deny_exempts_only_the_principal_listed() {
    let policy = |listed: Vec<String>| {
        json!({"Version":"2012-10-17","Statement":[
            {"Sid":"All","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},
            {"Sid":"OnlyBob","Effect":"Deny","NotPrincipal":{"AWS":listed},"Action":"s3:*","Resource":"*"}]})
    };
    let bob = format!("arn:aws:iam::{A}:user/Bob");
    let root = format!("arn:aws:iam::{A}:root");
    // Bob listed with his account: exempt.
    let mut i = input(user(A, "Bob"), "s3:GetObject", A);
    i.resource_policy = resource_policy(policy(vec![bob.clone(), root.clone()]));
    assert_eq!(evaluate(&i).outcome, Outcome::Allow);
    // [UG:reference_policies_elements_notprincipal]: listing the account does not exempt the
    // account's other principals ("all principals except the user named Bob ... are
    // explicitly denied"). IAM-RULES §9.9: the third-party simulator exempts the whole
    // account; rolescope follows the guide.
    let mut j = input(user(A, "Alice"), "s3:GetObject", A);
    j.resource_policy = resource_policy(policy(vec![bob.clone(), root]));
    assert_eq!(evaluate(&j).outcome, Outcome::ExplicitDeny);
    // Bob listed without his account: exempt here, with a note that AWS may check the
    // account first.
    let mut k = input(user(A, "Bob"), "s3:GetObject", A);
    k.resource_policy = resource_policy(policy(vec![bob]));
    let d = evaluate(&k);
    assert_eq!(d.outcome, Outcome::Allow);
    assert!(
        d.notes.iter().any(|n| n.contains("account")),
        "{:?}",
        d.notes
    );
}

#[test]
fn not_principal_deny_always_denies_a_principal_with_a_permissions_boundary() {
    // [UG:reference_policies_elements_notprincipal] key points.
    let bob = format!("arn:aws:iam::{A}:user/Bob");
    let mut i = input(user(A, "Bob"), "s3:GetObject", A);
    i.identity_policies.push(pol("all", allow("*", "*")));
    i.permissions_boundary = Some(pol("b", allow("*", "*")));
    i.resource_policy = resource_policy(json!({"Version":"2012-10-17","Statement":[
        {"Effect":"Deny","NotPrincipal":{"AWS":[bob, format!("arn:aws:iam::{A}:root")]},"Action":"s3:*","Resource":"*"}]}));
    assert_eq!(evaluate(&i).outcome, Outcome::ExplicitDeny);
}

#[test]
fn scps_need_an_allow_at_every_level() {
    let mut i = input(user(A, "ana"), "s3:GetObject", A);
    i.identity_policies.push(pol("all", allow("*", "*")));
    i.scps = Some(vec![
        PolicyLevel {
            target: "r-root".into(),
            policies: vec![pol("FullAWSAccess", allow("*", "*"))],
        },
        PolicyLevel {
            target: "ou-prod".into(),
            policies: vec![pol("OnlyEc2", allow("ec2:*", "*"))],
        },
        PolicyLevel {
            target: A.into(),
            policies: vec![pol("FullAWSAccess", allow("*", "*"))],
        },
    ]);
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert_eq!(d.deciding, Some(PolicyType::ServiceControlPolicy));
    let scp = d
        .layers
        .iter()
        .find(|l| l.policy_type == PolicyType::ServiceControlPolicy)
        .unwrap();
    assert_eq!(scp.levels[1].outcome, LayerOutcome::ImplicitDeny);
    assert!(
        d.message
            .ends_with("because no service control policy allows the s3:GetObject action")
    );
}

#[test]
fn scps_do_not_restrict_service_linked_roles() {
    let mut i = input(
        Principal::role_session(
            &format!(
                "arn:aws:iam::{A}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
            ),
            "AutoScaling",
        ),
        "ec2:RunInstances",
        A,
    );
    i.identity_policies.push(pol("slr", allow("ec2:*", "*")));
    i.scps = Some(vec![PolicyLevel {
        target: "r-root".into(),
        policies: vec![pol("deny", deny("*", "*"))],
    }]);
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::Allow, "{}", d.message);
    assert_eq!(
        d.layer(PolicyType::ServiceControlPolicy),
        LayerOutcome::NotApplicable
    );
}

#[test]
fn scps_restrict_the_member_account_root_user() {
    let mut i = input(Principal::root(A), "s3:GetObject", A);
    assert_eq!(evaluate(&i).outcome, Outcome::Allow);
    i.scps = Some(vec![PolicyLevel {
        target: "r-root".into(),
        policies: vec![pol("deny", deny("s3:*", "*"))],
    }]);
    assert_eq!(evaluate(&i).outcome, Outcome::ExplicitDeny);
}

#[test]
fn rcps_apply_to_supported_services_only() {
    let mut i = input(user(A, "ana"), "s3:GetObject", A);
    i.identity_policies.push(pol("all", allow("*", "*")));
    let rcp = || {
        Some(vec![PolicyLevel {
            target: "r-root".into(),
            policies: vec![pol(
                "r",
                json!({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}),
            )],
        }])
    };
    i.rcps = rcp();
    assert_eq!(evaluate(&i).outcome, Outcome::ExplicitDeny);
    let mut j = EvaluationInput::new(
        user(A, "ana"),
        "ec2:RunInstances",
        format!("arn:aws:ec2:us-east-1:{A}:instance/i-1"),
    );
    j.identity_policies.push(pol("all", allow("*", "*")));
    j.rcps = rcp();
    assert_eq!(evaluate(&j).outcome, Outcome::Allow);
}

#[test]
fn action_matching_is_case_insensitive_and_resource_matching_is_not() {
    let cases: &[(&str, &str, &str, &str, Outcome)] = &[
        (
            "action_prefix_and_name_ignore_case",
            "IAM:listaccesskeys",
            "*",
            "iam:ListAccessKeys",
            Outcome::Allow,
        ),
        (
            "action_wildcard_in_the_middle",
            "iam:*AccessKey*",
            "*",
            "iam:DeleteAccessKey",
            Outcome::Allow,
        ),
        (
            "action_question_mark",
            "s3:?etObject",
            "*",
            "s3:GetObject",
            Outcome::Allow,
        ),
        (
            "resource_is_case_sensitive",
            "s3:*",
            "arn:aws:s3:::Data-Bucket/*",
            "s3:GetObject",
            Outcome::ImplicitDeny,
        ),
        (
            "resource_wildcard_spans_slashes",
            "s3:*",
            "arn:aws:s3:::data-*/*",
            "s3:GetObject",
            Outcome::Allow,
        ),
        (
            "resource_question_mark_is_one_character",
            "s3:*",
            "arn:aws:s3:::data-bucke?/report.csv",
            "s3:GetObject",
            Outcome::Allow,
        ),
    ];
    for (rule, action_pat, res_pat, action, want) in cases {
        let mut i = input(user(A, "ana"), action, A);
        i.identity_policies
            .push(pol("p", allow(action_pat, res_pat)));
        assert_eq!(evaluate(&i).outcome, *want, "{rule}");
    }
}

#[test]
fn not_action_and_not_resource_match_everything_else() {
    let mut i = input(user(A, "ana"), "s3:GetObject", A);
    i.identity_policies.push(pol("p", json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]})));
    assert_eq!(evaluate(&i).outcome, Outcome::Allow);
    i.action = "iam:CreateUser".into();
    assert_eq!(evaluate(&i).outcome, Outcome::ImplicitDeny);
    // A Deny with NotResource touches only the statement's actions.
    let mut j = input(user(A, "ana"), "ec2:RunInstances", A);
    j.identity_policies.push(pol("all", allow("*", "*")));
    j.identity_policies.push(pol("d", json!({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::other/*"}]})));
    assert_eq!(evaluate(&j).outcome, Outcome::Allow);
    j.action = "s3:GetObject".into();
    assert_eq!(evaluate(&j).outcome, Outcome::ExplicitDeny);
}

#[test]
fn policy_variables_in_resources_follow_the_version() {
    let doc = |version: &str| json!({"Version":version,"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}]});
    let mut i = EvaluationInput::new(user(A, "ana"), "s3:GetObject", "arn:aws:s3:::home/ana/file");
    i.context.insert("aws:username", "ana");
    i.identity_policies.push(pol("p", doc("2012-10-17")));
    assert_eq!(evaluate(&i).outcome, Outcome::Allow);
    i.identity_policies = vec![pol("p", doc("2008-10-17"))];
    assert_eq!(evaluate(&i).outcome, Outcome::ImplicitDeny);
    // An unresolvable variable makes the resource match nothing.
    i.identity_policies = vec![pol("p", doc("2012-10-17"))];
    i.context.remove("aws:username");
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert_eq!(d.missing_context_keys, vec!["aws:username".to_owned()]);
}

#[test]
fn service_and_federated_principals_are_decided_by_the_resource_policy_alone() {
    let role = format!("arn:aws:iam::{A}:role/Target");
    let mut i = EvaluationInput::new(
        Principal::service("ec2.amazonaws.com"),
        "sts:AssumeRole",
        &role,
    );
    i.resource_policy = trust(
        json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}),
    );
    assert_eq!(evaluate(&i).outcome, Outcome::Allow);
    i.principal = Principal::service("lambda.amazonaws.com");
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert!(
        d.message
            .starts_with("Service: lambda.amazonaws.com is not authorized"),
        "{}",
        d.message
    );
}

#[test]
fn a_role_arn_in_a_policy_covers_every_session_of_the_role_but_not_other_roles() {
    let mut i = input(session(A, "App", "any-name"), "s3:GetObject", A);
    i.resource_policy = resource_policy(resource_allow(
        json!({"AWS": format!("arn:aws:iam::{A}:role/App")}),
        "s3:*",
    ));
    assert_eq!(evaluate(&i).outcome, Outcome::Allow);
    i.principal = session(A, "Other", "any-name");
    assert_eq!(evaluate(&i).outcome, Outcome::ImplicitDeny);
}

#[test]
fn a_statement_that_matched_is_reported_with_its_policy_and_sid() {
    let mut i = input(user(A, "ana"), "s3:GetObject", A);
    i.identity_policies.push(pol("read", allow("s3:*", "*")));
    i.identity_policies
        .push(pol("guard", deny("s3:GetObject", "*")));
    let d = evaluate(&i);
    assert_eq!(d.matched_statements.len(), 2);
    assert!(
        d.message.contains("(`guard` statement `Deny`)"),
        "{}",
        d.message
    );
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["outcome"], "ExplicitDeny");
    assert_eq!(json["deciding"], "identity-based-policy");
}

#[test]
fn not_principal_with_allow_grants_every_principal_not_listed() {
    // [UG:reference_policies_elements_notprincipal] (2023 edition): "Doing so allows all
    // principals except the one named in the NotPrincipal element." IAM now rejects the
    // statement on save (validation reports it), but where one exists it grants like "*".
    let policy = json!({"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","NotPrincipal":{"AWS":format!("arn:aws:iam::{A}:user/Bob")},"Action":"s3:GetObject","Resource":"*"}]});
    let mut i = input(user(A, "Alice"), "s3:GetObject", A);
    i.resource_policy = resource_policy(policy.clone());
    assert_eq!(evaluate(&i).outcome, Outcome::Allow);
    let mut j = input(user(A, "Bob"), "s3:GetObject", A);
    j.resource_policy = resource_policy(policy.clone());
    assert_eq!(evaluate(&j).outcome, Outcome::ImplicitDeny);
    // Anonymous callers are not listed either: the reason the guide warns against it.
    let mut k = input(Principal::anonymous(), "s3:GetObject", A);
    k.resource_policy = resource_policy(policy);
    assert_eq!(evaluate(&k).outcome, Outcome::Allow);
}

#[test]
fn a_bare_arn_as_principal_is_read_as_an_aws_principal_and_reported() {
    // IAM's grammar allows only "*" or a principal map [UG:reference_policies_grammar];
    // rolescope reads a bare ARN as {"AWS": ARN} and validation reports it.
    use rolescope::engine::policy::{PolicyUse, validate};
    let doc = json!({"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":format!("arn:aws:iam::{A}:user/ana"),"Action":"s3:GetObject","Resource":"*"}]});
    let mut i = input(user(A, "ana"), "s3:GetObject", A);
    i.resource_policy = resource_policy(doc.clone());
    assert_eq!(evaluate(&i).outcome, Outcome::Allow);
    let mut j = input(user(A, "bo"), "s3:GetObject", A);
    j.resource_policy = resource_policy(doc.clone());
    assert_eq!(evaluate(&j).outcome, Outcome::ImplicitDeny);
    let findings = validate("bucket-policy", &doc, PolicyUse::ResourceBased);
    assert!(
        findings
            .iter()
            .any(|f| f.path == "$.Statement[0].Principal" && f.message.contains("{\"AWS\"")),
        "{findings:?}"
    );
}

#[test]
fn get_caller_identity_needs_no_permission_and_cannot_be_denied() {
    // [STS-API GetCallerIdentity]: "No permissions are required to perform this operation.
    // If an administrator attaches a policy to your identity that explicitly denies access
    // to the sts:GetCallerIdentity action, you can still perform this operation."
    let mut i = EvaluationInput::new(session(A, "App", "s1"), "sts:GetCallerIdentity", "*");
    assert_eq!(evaluate(&i).outcome, Outcome::Allow);
    i.identity_policies.push(pol("deny", deny("sts:*", "*")));
    i.session_policies = Some(vec![pol("session", deny("*", "*"))]);
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::Allow);
    assert!(d.message.contains("needs no permission"), "{}", d.message);
    // The layers still show the deny that does not bite.
    assert_eq!(
        d.layer(PolicyType::IdentityBasedPolicy),
        LayerOutcome::ExplicitDeny
    );
}

fn key_input(p: Principal, action: &str) -> EvaluationInput {
    let mut i = EvaluationInput::new(
        p,
        action,
        format!("arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    );
    i.identity_policies.push(pol("kms", allow("kms:*", "*")));
    i
}

#[test]
fn a_kms_key_policy_must_allow_even_in_the_same_account() {
    // [UG:reference_policies_evaluation-logic]: "IAM role trust policies and KMS key policies
    // are exceptions to this logic, because they must explicitly allow access for principals."
    let no_key_policy = key_input(user(A, "ana"), "kms:Decrypt");
    let d = evaluate(&no_key_policy);
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert_eq!(d.deciding, Some(PolicyType::ResourceBasedPolicy));
    assert!(
        d.notes.iter().any(|n| n.contains("key policy")),
        "{:?}",
        d.notes
    );
    // The default key policy names the account: the identity policy then decides.
    let mut delegated = key_input(user(A, "ana"), "kms:Decrypt");
    delegated.resource_policy = resource_policy(resource_allow(
        json!({"AWS": format!("arn:aws:iam::{A}:root")}),
        "kms:*",
    ));
    assert_eq!(evaluate(&delegated).outcome, Outcome::Allow);
    delegated.identity_policies.clear();
    assert_eq!(evaluate(&delegated).outcome, Outcome::ImplicitDeny);
    // A key policy naming the user is enough on its own.
    let mut direct = key_input(user(A, "ana"), "kms:Decrypt");
    direct.identity_policies.clear();
    direct.resource_policy = resource_policy(resource_allow(
        json!({"AWS": format!("arn:aws:iam::{A}:user/ana")}),
        "kms:Decrypt",
    ));
    assert_eq!(evaluate(&direct).outcome, Outcome::Allow);
    // Actions without a key resource are ordinary identity-policy decisions.
    let mut list = key_input(user(A, "ana"), "kms:ListKeys");
    list.resource = "*".into();
    list.resource_account = Some(A.into());
    assert_eq!(evaluate(&list).outcome, Outcome::Allow);
}

#[test]
fn aws_managed_policies_can_be_read_but_never_changed() {
    // [UG:access_policies_managed-vs-inline]: "You cannot change the permissions defined in
    // AWS managed policies."
    let arn = "arn:aws:iam::aws:policy/AdministratorAccess";
    let mut read = EvaluationInput::new(user(A, "ana"), "iam:GetPolicy", arn);
    read.identity_policies.push(pol("admin", allow("*", "*")));
    assert_eq!(evaluate(&read).outcome, Outcome::Allow);
    let mut write = read.clone();
    write.action = "iam:CreatePolicyVersion".into();
    let d = evaluate(&write);
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert!(d.message.contains("AWS managed policy"), "{}", d.message);
}

#[test]
fn service_linked_and_identity_center_roles_cannot_be_edited() {
    // IAM-RULES §7.1 [UG:using-service-linked-roles]: only the description of a
    // service-linked role can be edited; Identity Center roles are managed from Identity Center.
    for (role, action, allowed) in [
        (
            "role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
            "iam:UpdateAssumeRolePolicy",
            false,
        ),
        (
            "role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
            "iam:UpdateRoleDescription",
            true,
        ),
        (
            "role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123",
            "iam:PutRolePolicy",
            false,
        ),
        ("role/Deploy", "iam:PutRolePolicy", true),
    ] {
        let mut i =
            EvaluationInput::new(user(A, "ana"), action, format!("arn:aws:iam::{A}:{role}"));
        i.identity_policies.push(pol("admin", allow("*", "*")));
        assert_eq!(evaluate(&i).is_allowed(), allowed, "{action} on {role}");
    }
}
