//! Gathering a principal's policies and request context from a loaded inventory, as AWS
//! builds them (IAM-RULES §3.4, §6), checked on the demo organisation.

#![allow(clippy::unwrap_used, reason = "tests")]

use chrono::{DateTime, Duration, Utc};
use rolescope::engine::load::load_demo;
use rolescope::engine::model::Tag;
use rolescope::engine::policy::{
    AccessRequest, ContextValue, GatherError, Outcome, PolicyIndex, Principal, evaluate, gather,
};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn value(input: &rolescope::engine::policy::EvaluationInput, key: &str) -> Option<String> {
    input
        .context
        .get(key)
        .and_then(ContextValue::single)
        .map(str::to_owned)
}

#[test]
fn principal_context_keys_follow_the_principal_type() {
    let inv = load_demo().unwrap();
    let index = PolicyIndex::build(&inv);
    // IAM user: aws:username present, aws:PrincipalArn is the user, no MFA key for long-term
    // keys without MFA, no token issue time.
    let user = inv.users.iter().find(|u| u.name == "maria.garcia").unwrap();
    let req = AccessRequest::new(
        Principal::user(&user.arn, &user.account),
        "s3:ListAllMyBuckets",
        "*",
        now(),
    );
    let i = gather(&inv, &index, &req).unwrap();
    assert_eq!(value(&i, "aws:username").as_deref(), Some("maria.garcia"));
    assert_eq!(
        value(&i, "aws:PrincipalArn").as_deref(),
        Some(user.arn.as_str())
    );
    assert_eq!(value(&i, "aws:PrincipalType").as_deref(), Some("User"));
    assert_eq!(
        value(&i, "aws:userid").as_deref(),
        Some(user.user_id.as_str())
    );
    assert_eq!(
        value(&i, "aws:PrincipalOrgID").as_deref(),
        Some("o-acme7x2k9q")
    );
    assert_eq!(
        value(&i, "aws:PrincipalTag/team").as_deref(),
        Some("platform")
    );
    assert_eq!(value(&i, "aws:MultiFactorAuthPresent"), None);
    assert_eq!(value(&i, "aws:TokenIssueTime"), None);
    assert_eq!(
        value(&i, "aws:CurrentTime").as_deref(),
        Some("2026-11-24T09:00:00Z")
    );
    assert!(
        !i.identity_policies.is_empty(),
        "group policies are gathered"
    );
    // The management account is exempt from SCPs.
    assert!(i.scps.is_none());

    // With MFA: present and aged.
    let mut mfa = req.clone();
    mfa.mfa_authenticated_at = Some(now() - Duration::seconds(90));
    let i = gather(&inv, &index, &mfa).unwrap();
    assert_eq!(
        value(&i, "aws:MultiFactorAuthPresent").as_deref(),
        Some("true")
    );
    assert_eq!(value(&i, "aws:MultiFactorAuthAge").as_deref(), Some("90"));
}

#[test]
fn role_session_keys_use_the_role_arn_and_session_tags_override_role_tags() {
    let inv = load_demo().unwrap();
    let index = PolicyIndex::build(&inv);
    let role = inv
        .roles
        .iter()
        .find(|r| r.name == "storefront-builder")
        .unwrap();
    let tag_key = role.tags.first().map(|t| t.key.clone()).unwrap();
    // A session ARN drops the role's path; gathering finds the role by account and name.
    let p = Principal::parse(&format!(
        "arn:aws:sts::{}:assumed-role/storefront-builder/build-42",
        role.account
    ))
    .unwrap();
    let mut req = AccessRequest::new(
        p,
        "dynamodb:PutItem",
        format!(
            "arn:aws:dynamodb:eu-west-1:{}:table/storefront-carts",
            role.account
        ),
        now(),
    );
    req.session.issued_at = Some(now() - Duration::minutes(5));
    req.session.source_identity = Some("dana.okafor".into());
    req.session.tags = vec![Tag {
        key: tag_key.to_uppercase(),
        value: "from-session".into(),
    }];
    let i = gather(&inv, &index, &req).unwrap();
    assert_eq!(
        value(&i, "aws:PrincipalArn").as_deref(),
        Some(role.arn.as_str())
    );
    assert_eq!(
        value(&i, "aws:PrincipalType").as_deref(),
        Some("AssumedRole")
    );
    assert_eq!(
        value(&i, "aws:userid"),
        Some(format!("{}:build-42", role.role_id))
    );
    assert_eq!(value(&i, "aws:username"), None);
    assert_eq!(
        value(&i, "aws:MultiFactorAuthPresent").as_deref(),
        Some("false")
    );
    assert_eq!(
        value(&i, "aws:TokenIssueTime").as_deref(),
        Some("2026-11-24T08:55:00Z")
    );
    assert_eq!(
        value(&i, "aws:SourceIdentity").as_deref(),
        Some("dana.okafor")
    );
    assert_eq!(
        value(&i, &format!("aws:PrincipalTag/{tag_key}")).as_deref(),
        Some("from-session")
    );
    assert_eq!(
        value(&i, "aws:RequestedRegion").as_deref(),
        Some("eu-west-1")
    );
    assert!(i.permissions_boundary.is_some());
    assert!(i.scps.is_some(), "acme-dev is a member account");
    // The demo's documented outcome: the boundary does not allow DynamoDB.
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
}

#[test]
fn caller_supplied_keys_win_over_gathered_ones() {
    let inv = load_demo().unwrap();
    let index = PolicyIndex::build(&inv);
    let role = inv.roles.iter().find(|r| r.name == "web-app-ec2").unwrap();
    let mut req = AccessRequest::new(
        Principal::role_session(&role.arn, "i-0abc"),
        "s3:GetObject",
        "arn:aws:s3:::acme-prod-web-assets/logo.png",
        now(),
    );
    assert_eq!(
        evaluate(&gather(&inv, &index, &req).unwrap()).outcome,
        Outcome::Allow
    );
    // Plain HTTP: the bucket policy's DenyInsecureTransport applies.
    req.context.insert("aws:SecureTransport", "false");
    let d = evaluate(&gather(&inv, &index, &req).unwrap());
    assert_eq!(d.outcome, Outcome::ExplicitDeny);
    assert!(d.message.contains("DenyInsecureTransport"), "{}", d.message);
}

#[test]
fn a_trust_action_on_a_role_uses_the_roles_trust_policy() {
    let inv = load_demo().unwrap();
    let index = PolicyIndex::build(&inv);
    let role = inv
        .roles
        .iter()
        .find(|r| r.name == "BreakGlassAdmin")
        .unwrap();
    let user = inv.users.iter().find(|u| u.name == "maria.garcia").unwrap();
    let mut req = AccessRequest::new(
        Principal::user(&user.arn, &user.account),
        "sts:AssumeRole",
        role.arn.clone(),
        now(),
    );
    let i = gather(&inv, &index, &req).unwrap();
    assert!(i.resource_policy.as_ref().unwrap().is_role_trust);
    let d = evaluate(&i);
    assert_eq!(d.outcome, Outcome::ImplicitDeny, "MFA missing");
    req.mfa_authenticated_at = Some(now() - Duration::minutes(2));
    let d = evaluate(&gather(&inv, &index, &req).unwrap());
    assert_eq!(d.outcome, Outcome::Allow, "{}", d.message);
}

#[test]
fn an_unknown_principal_of_a_loaded_account_is_an_error() {
    let inv = load_demo().unwrap();
    let index = PolicyIndex::build(&inv);
    let req = AccessRequest::new(
        Principal::parse("arn:aws:iam::111111111111:user/nobody").unwrap(),
        "s3:GetObject",
        "*",
        now(),
    );
    assert!(matches!(
        gather(&inv, &index, &req),
        Err(GatherError::UnknownUser(_))
    ));
    // An external account that is not loaded: no policies, no error.
    let req = AccessRequest::new(
        Principal::parse("arn:aws:iam::999999999999:user/x").unwrap(),
        "s3:GetObject",
        "*",
        now(),
    );
    let i = gather(&inv, &index, &req).unwrap();
    assert!(i.identity_policies.is_empty());
}

/// A caller's many requests share the keys that do not depend on the resource: the context
/// made on top of them ([`caller_context`], [`context_on`]) is, key for key, the one `gather`
/// makes for the same request — for users and role sessions of the demo, with and without
/// MFA, session tags, a source identity, a region and keys the request supplies, on roles
/// (whose tags are resource keys), users, a resource of another service, a new resource and `*`.
#[test]
fn a_context_made_over_the_callers_keys_is_the_one_gather_makes() {
    use rolescope::engine::policy::gather::{caller_context, context_for, context_on};
    let inv = load_demo().unwrap();
    let index = PolicyIndex::build(&inv);
    let mut callers: Vec<AccessRequest> = Vec::new();
    for u in &inv.users {
        callers.push(AccessRequest::new(
            Principal::user(&u.arn, &u.account),
            "iam:CreateAccessKey",
            "*",
            now(),
        ));
    }
    for r in inv.roles.iter().filter(|r| !r.is_service_linked()) {
        let mut req = AccessRequest::new(
            Principal::role_session(&r.arn, "rolescope"),
            "iam:PassRole",
            "*",
            now(),
        );
        req.session.issued_at = Some(now() - Duration::minutes(7));
        callers.push(req);
    }
    // Variations on a few of them: MFA, session facts, a region, a supplied key.
    let extra: Vec<AccessRequest> = callers
        .iter()
        .step_by(3)
        .map(|base| {
            let mut req = base.clone();
            req.mfa_authenticated_at = Some(now() - Duration::minutes(2));
            req.session.tags = vec![Tag {
                key: "Team".into(),
                value: "from-session".into(),
            }];
            req.session.source_identity = Some("dana.okafor".into());
            req.region = Some("eu-west-1".into());
            req.context
                .insert("iam:PassedToService", "ec2.amazonaws.com");
            req.context.insert("aws:SecureTransport", "false");
            req
        })
        .collect();
    callers.extend(extra);
    let account = inv.roles[0].account.clone();
    let mut resources: Vec<String> = inv.roles.iter().map(|r| r.arn.clone()).collect();
    resources.extend(inv.users.iter().map(|u| u.arn.clone()));
    resources.push(format!("arn:aws:s3:::{account}-logs/key"));
    resources.push(format!("arn:aws:lambda:us-east-1:{account}:function/*"));
    resources.push(format!(
        "arn:aws:dynamodb:eu-west-2:{account}:table/storefront-carts"
    ));
    resources.push("*".to_owned());
    let mut compared = 0;
    for base in &callers {
        let input = gather(&inv, &index, base).unwrap();
        let caller = std::sync::Arc::new(caller_context(&inv, base, &input.principal));
        for resource in &resources {
            let mut req = base.clone();
            req.resource.clone_from(resource);
            let whole = gather(&inv, &index, &req).unwrap();
            let account = whole.effective_resource_account().map(str::to_owned);
            let layered = context_on(&inv, base, &caller, resource, account.as_deref());
            assert_eq!(
                layered, whole.context,
                "{} on {resource}: layered context differs from gather's",
                base.principal.arn
            );
            assert_eq!(
                context_for(&inv, base, &input.principal, resource, account.as_deref()),
                whole.context
            );
            compared += 1;
        }
    }
    assert!(compared > 1000, "{compared} contexts compared");
}
