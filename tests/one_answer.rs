//! One answer for one hop, whichever interface asks: `assume` (the simulator), `path` and
//! who-can-assume (the trust graph), and the request a face builds for a hop
//! (`sts::hop::hop_request`). Cases on the demo organisation.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::Arc;

use assert_cmd::Command;
use chrono::{DateTime, TimeZone, Utc};
use rolescope::engine::graph::TrustGraph;
use rolescope::engine::load::load_demo;
use rolescope::engine::sts::Simulator;
use rolescope::engine::sts::hop::{CallerSessions, HopRequest, hop_request};
use rolescope::engine::sts::request::{AssumeRoleRequest, CallerCredentials, MfaDoc};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

const MARIA: &str = "arn:aws:iam::111111111111:user/people/maria.garcia";
const OAAR: &str = "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole";
const DB_ADMIN: &str = "arn:aws:iam::222222222222:role/ProdDatabaseAdmin";
const OPS_ENTRY: &str = "arn:aws:iam::111111111111:role/OpsEntry";
const PROD_OPS: &str = "arn:aws:iam::222222222222:role/ProdOperations";

fn graph() -> TrustGraph {
    TrustGraph::build(Arc::new(load_demo().unwrap()), now())
}

/// [STS-API AssumeRole] `SerialNumber`: "the MFA device that is associated with the user who
/// is making the AssumeRole call". A role session has no device: maria.garcia's session of
/// OrganizationAccountAccessRole (made without MFA) cannot meet ProdDatabaseAdmin's MFA
/// condition, and the graph, the simulator's chain and a role caller passing a code agree.
#[test]
fn sts_api_assume_role_serial_number_a_role_session_hop_needs_mfa_from_its_own_session() {
    let g = graph();
    let oaar = g.find(OAAR).unwrap();
    let db = g.find(DB_ADMIN).unwrap();
    let maria = g.find(MARIA).unwrap();
    let hop = g.hop(oaar, db).expect("the trust names the account");
    assert!(
        !hop.works(),
        "the graph lets a role session meet an MFA condition"
    );
    assert!(!hop.request().mfa);
    let paths = g.paths(maria, db, 5);
    assert!(
        paths.paths.is_empty(),
        "path lists a working path: {:?}",
        paths.paths.iter().map(|p| p.hops.len()).collect::<Vec<_>>()
    );

    let inv = g.inventory();
    let sim = Simulator::new(inv);
    // The chain as `assume --then` runs it.
    let first = AssumeRoleRequest {
        caller: MARIA.into(),
        role: OAAR.into(),
        role_session_name: Some("maria".into()),
        ..AssumeRoleRequest::default()
    };
    let step = rolescope::engine::sts::chain::ChainStep {
        role: DB_ADMIN.into(),
        ..Default::default()
    };
    let hops = sim.chain(&first, &[step], now()).unwrap();
    assert!(hops[0].is_allowed());
    assert!(!hops[1].is_allowed());
    // A role caller passing an MFA code of its own is not let in either.
    let mut req = g.simulate_request(&hop).unwrap();
    req.mfa = Some(MfaDoc {
        serial_number: "arn:aws:iam::222222222222:mfa/device".into(),
        token_code: "123456".into(),
        token_valid: true,
        auth_age_seconds: Some(0),
    });
    let out = sim.assume_role(&req, now()).unwrap();
    assert!(!out.is_allowed(), "{:?}", out.findings);
    assert!(
        out.findings
            .iter()
            .all(|f| f.fix.is_none() || !f.fix.as_ref().unwrap().summary().contains("--mfa")),
        "the fix asks a role session for an MFA code: {:?}",
        out.findings
    );
}

/// A role calls only as a session of itself: with no live session of OpsEntry the hop into
/// ProdOperations needs one first (never EC2 instance-profile credentials OpsEntry is not
/// trusted for); with one, the request chains from it and the session is capped at an hour.
#[test]
fn a_role_caller_chains_from_its_live_session_or_needs_one_first() {
    let g = graph();
    let ops = g.find(OPS_ENTRY).unwrap();
    let prod = g.find(PROD_OPS).unwrap();
    let edge = g.hop(ops, prod).expect("ProdOperations trusts OpsEntry");
    assert!(edge.works());

    match hop_request(
        OPS_ENTRY,
        PROD_OPS,
        edge.request(),
        CallerSessions::Live(&[]),
        now(),
    ) {
        HopRequest::NeedsSession { role_arn, message } => {
            assert_eq!(role_arn, OPS_ENTRY);
            assert!(message.contains("assume it first"), "{message}");
        }
        HopRequest::Ready(r) => {
            panic!("a role with no session calls as {:?}", r.caller_credentials)
        }
    }

    let sim = Simulator::new(g.inventory());
    let first = AssumeRoleRequest {
        caller: MARIA.into(),
        role: OPS_ENTRY.into(),
        role_session_name: Some("maria".into()),
        duration_seconds: Some(3600),
        ..AssumeRoleRequest::default()
    };
    let session = sim
        .assume_role(&first, now())
        .unwrap()
        .session
        .expect("maria may");
    let later = now() + chrono::Duration::minutes(5);
    let HopRequest::Ready(req) = hop_request(
        OPS_ENTRY,
        PROD_OPS,
        edge.request(),
        CallerSessions::Live(std::slice::from_ref(&session)),
        later,
    ) else {
        panic!("a live session is there");
    };
    assert_eq!(req.caller, session.assumed_role_arn);
    assert_eq!(
        req.caller_credentials,
        Some(CallerCredentials::AssumedRoleSession)
    );
    assert!(req.mfa.is_none());
    let out = sim.assume_role(&req, later).unwrap();
    let issued = out.session.expect("the chained hop works");
    assert!(issued.chained);
    assert!(issued.duration_seconds <= 3600);

    // An expired session is no session.
    let after = session.expiration + chrono::Duration::seconds(1);
    assert!(matches!(
        hop_request(
            OPS_ENTRY,
            PROD_OPS,
            edge.request(),
            CallerSessions::Live(&[session]),
            after
        ),
        HopRequest::NeedsSession { .. }
    ));
}

/// `path` and `assume --then` give the same answer for maria.garcia →
/// OrganizationAccountAccessRole → ProdDatabaseAdmin.
#[test]
fn path_and_assume_agree_on_the_mfa_hop_from_a_role_session() {
    // No AssumeRole path (an administrator's escalation edge, listed apart, is another way).
    let path = Command::cargo_bin("rolescope")
        .unwrap()
        .args(["path", "maria.garcia", "ProdDatabaseAdmin", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&path.stdout).unwrap();
    assert_eq!(doc["paths"], serde_json::json!([]), "{doc}");
    let reason = doc["no_path"]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("MFA"), "{reason}");
    let assume = Command::cargo_bin("rolescope")
        .unwrap()
        .args([
            "assume",
            "--caller",
            "maria.garcia",
            "--role",
            OAAR,
            "--mfa",
        ])
        .args(["--then", "ProdDatabaseAdmin"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&assume.stdout);
    assert_ne!(assume.status.code(), Some(0), "{text}");
    assert!(text.contains("MFA missing"), "{text}");
    assert!(!text.contains("`--mfa`"), "{text}");
}

/// An expired session gets `ExpiredToken`, "The security token included in the request is
/// expired", on any call: the common errors of every AWS API
/// (docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html). `simulate`'s
/// authorize requests, the wizard and lessons (both through `wizard::run`) and `assume`
/// answer alike.
#[test]
fn aws_common_errors_expired_token_for_any_call_with_an_expired_session() {
    let inv = load_demo().unwrap();
    let sim = Simulator::new(&inv);
    let first = AssumeRoleRequest {
        caller: MARIA.into(),
        role: OPS_ENTRY.into(),
        role_session_name: Some("maria".into()),
        ..AssumeRoleRequest::default()
    };
    let session = sim.assume_role(&first, now()).unwrap().session.unwrap();
    let later = session.expiration + chrono::Duration::seconds(1);
    let authorize = serde_json::json!({"kind": "authorize",
        "principal": {"arn": session.assumed_role_arn, "credentials": "assumed-role-session",
                      "session": session.as_caller_session()},
        "action": "sts:AssumeRole", "resource": PROD_OPS});
    let fresh = serde_json::to_value(sim.simulate_value(authorize.clone(), now())).unwrap();
    assert_eq!(fresh["decision"], "allow", "{fresh}");
    let doc = serde_json::to_value(sim.simulate_value(authorize.clone(), later)).unwrap();
    assert_eq!(doc["decision"], "error", "{doc}");
    assert_eq!(doc["error_code"], "ExpiredToken", "{doc}");
    assert_eq!(
        doc["error_message"],
        "The security token included in the request is expired"
    );
    let req = rolescope::engine::sts::request::Request::from_value(authorize).unwrap();
    let ran = rolescope::engine::wizard::run(&sim, &req, later).unwrap();
    assert_eq!(ran.result().error_code.as_deref(), Some("ExpiredToken"));
    let chained = AssumeRoleRequest {
        caller: session.assumed_role_arn.clone(),
        caller_credentials: Some(CallerCredentials::AssumedRoleSession),
        caller_session: Some(session.as_caller_session()),
        role: PROD_OPS.into(),
        role_session_name: Some("maria".into()),
        ..AssumeRoleRequest::default()
    };
    let out = sim.assume_role(&chained, later).unwrap();
    assert_eq!(
        out.error.map(|e| e.code.as_str().to_owned()).as_deref(),
        Some("ExpiredToken")
    );
}

/// A federated call that fails a trust condition: the answer names the statement, the
/// condition and the value the call had, and the fix is on the caller's side (the assertion
/// or the token), which then gets in; the data alternative keeps every condition and only
/// widens the failing one. Never a statement without the condition.
#[test]
fn a_federated_call_failing_a_trust_condition_names_it_and_fixes_the_caller() {
    let inv = load_demo().unwrap();
    let sim = Simulator::new(&inv);
    let saml = serde_json::json!({"kind": "assume-role-saml",
        "role": "arn:aws:iam::333333333333:role/federated/CorpAD-Engineering",
        "principal_arn": "arn:aws:iam::333333333333:saml-provider/AcmeCorpAD",
        "assertion": {"Issuer": "https://adfs.acme.example/adfs/services/trust",
            "Recipient": "https://signin.aws.amazon.com/saml", "NameID": "jdoe",
            "RoleSessionName": "jdoe",
            "Roles": ["arn:aws:iam::333333333333:role/federated/CorpAD-Engineering,arn:aws:iam::333333333333:saml-provider/AcmeCorpAD"],
            "Attributes": {"eduPersonAffiliation": ["finance"]}}});
    let github = serde_json::json!({"kind": "assume-role-web-identity",
        "role": "arn:aws:iam::333333333333:role/ci/github-actions-deploy-dev",
        "role_session_name": "gh",
        "token_claims": {"iss": "https://token.actions.githubusercontent.com",
            "aud": "sts.amazonaws.com",
            "sub": "repo:acme-corp/storefront:ref:refs/heads/feature-x",
            "exp": now().timestamp() + 600}});
    for (raw, key, value) in [
        (saml, "saml:edupersonaffiliation", "finance"),
        (
            github,
            "token.actions.githubusercontent.com:sub",
            "refs/heads/feature-x",
        ),
    ] {
        let req = rolescope::engine::sts::request::Request::from_value(raw).unwrap();
        let doc = sim.simulate(&req, now());
        assert_eq!(
            doc.decision,
            Some(rolescope::engine::sts::request::DecisionDoc::Deny)
        );
        let reason = doc.reasons.join("\n");
        assert!(reason.contains("statement #0"), "{reason}");
        assert!(reason.contains(key) && reason.contains(value), "{reason}");
        assert!(!reason.contains("has no statement"), "{reason}");
        assert_eq!(doc.fixes.len(), 1, "{:?}", doc.fixes);
        assert_eq!(doc.fixes[0]["kind"], "set-parameter", "{:?}", doc.fixes);
        let fix: rolescope::engine::sts::Fix =
            serde_json::from_value(doc.fixes[0].clone()).unwrap();
        let mut inv2 = inv.clone();
        let mut req2 = req.clone();
        rolescope::engine::sts::apply_fix(&mut inv2, &mut req2, &fix).unwrap();
        let after = Simulator::new(&inv2).simulate(&req2, now());
        assert_eq!(
            after.decision,
            Some(rolescope::engine::sts::request::DecisionDoc::Allow),
            "{:?}",
            after.reasons
        );
    }
}

/// The wizard's "session too short for the job": when the call asks for more than the
/// role's MaxSessionDuration, the max-duration check fails (it is the cause), the fix offered
/// is raising MaxSessionDuration (a data fix, not shortening the call), "what it means" says
/// so, and after applying it the call succeeds with the length asked for. IAM-RULES §1.1
/// (DurationSeconds up to the role's maximum, 3600 to 43200 s).
#[test]
fn iam_rules_duration_the_wizard_offers_raising_max_session_duration() {
    use rolescope::engine::wizard::{Symptom, apply_fixes, diagnose};
    let inv = Arc::new(load_demo().unwrap());
    let mut whatif = rolescope::engine::whatif::WhatIf::new(Arc::clone(&inv));
    let mut req = rolescope::engine::sts::request::Request::from_value(serde_json::json!({
        "kind": "assume-role", "caller": MARIA, "role": OPS_ENTRY,
        "role_session_name": "maria", "duration_seconds": 14_400}))
    .unwrap();
    let report = diagnose(&whatif, Symptom::SessionTooShort, &req, now()).unwrap();
    assert!(!report.succeeds());
    let max = report
        .checks
        .iter()
        .find(|c| c.title == "the role's maximum session duration")
        .unwrap();
    assert!(!max.ok, "{}", max.detail);
    assert!(!report.explanation.is_empty());
    assert!(
        report.fixes.iter().any(|f| matches!(
            f,
            rolescope::engine::sts::Fix::SetMaxSessionDuration {
                seconds: 14_400,
                ..
            }
        )),
        "{:?}",
        report.fixes
    );
    assert!(
        !report
            .fixes
            .iter()
            .any(|f| matches!(f, rolescope::engine::sts::Fix::SetParameter { .. })),
        "{:?}",
        report.fixes
    );
    apply_fixes(&report, &mut whatif, &mut req).unwrap();
    let after = diagnose(&whatif, Symptom::SessionTooShort, &req, now()).unwrap();
    assert!(after.succeeds(), "{:?}", after.checks);
    assert_eq!(after.result.effective_duration_seconds, Some(14_400));

    let mfa = rolescope::engine::sts::request::Request::from_value(serde_json::json!({
        "kind": "assume-role", "caller": "arn:aws:iam::222222222222:user/people/sam.patel",
        "role": DB_ADMIN, "role_session_name": "sam"}))
    .unwrap();
    let report = diagnose(&whatif, Symptom::MfaMissing, &mfa, now()).unwrap();
    assert!(
        report
            .explanation
            .iter()
            .any(|p| p.contains("MultiFactorAuthPresent")),
        "{:?}",
        report.explanation
    );
}

/// The what-if editor's save check: IAM's refusals refuse the save (located), Access
/// Analyzer's other findings come back with the line, column and statement they belong to.
#[test]
fn the_save_check_refuses_what_iam_refuses_and_locates_the_rest() {
    use rolescope::engine::whatif::{DocumentKind, EditError, save_check};
    let catalogue = rolescope::engine::catalogue::get();
    let kind = DocumentKind::Inline("reports".into());
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:ListBucket\", \"Resource\": \"*\"},\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObjekt\", \"Resource\": \"*\"}\n  ]\n}";
    let check = save_check(&kind, text, catalogue).unwrap();
    let f = check
        .findings
        .iter()
        .find(|f| f.finding.code == "unknown-action")
        .expect("s3:GetObjekt is found");
    assert_eq!(f.finding.statement, Some(1));
    assert_eq!(f.position.map(|p| p.line), Some(5));
    assert!(
        f.finding.message.contains("s3:GetObject"),
        "{}",
        f.finding.message
    );
    let bad = text.replace(
        "\"Allow\", \"Action\": \"s3:GetObjekt\"",
        "\"allow\", \"Action\": \"s3:GetObject\"",
    );
    assert!(matches!(
        save_check(&kind, &bad, catalogue),
        Err(EditError::Malformed { .. })
    ));
}

/// The access level of a reached role, for who-can-assume and reach rows.
#[test]
fn a_reached_roles_access_level_is_typed_and_kept() {
    use rolescope::engine::access_summary::{Coverage, RoleAccessLevels};
    use rolescope::engine::catalogue::AccessLevel;
    let inv = Arc::new(load_demo().unwrap());
    let levels = RoleAccessLevels::new(Arc::clone(&inv));
    let catalogue = rolescope::engine::catalogue::get();
    let admin = levels.of(OAAR, catalogue).unwrap();
    assert_eq!(
        (admin.level, admin.coverage),
        (AccessLevel::PermissionsManagement, Coverage::Full)
    );
    // AdministratorAccess, less what the production OU's SCP denies (leaving the
    // organisation, stopping CloudTrail and Config, disabling Security Hub), and under its
    // region guardrail.
    assert_eq!(
        admin.summary,
        "full admin except 6 actions in cloudtrail, config, organizations and 1 more, with conditions"
    );
    assert_eq!(
        levels.of("arn:aws:iam::222222222222:role/NoSuchRole", catalogue),
        None
    );
    // storefront-builder's boundary takes DynamoDB away; what is left is not Permissions
    // management.
    let builder = inv
        .roles
        .iter()
        .find(|r| r.name == "storefront-builder")
        .unwrap();
    let top = levels.of(&builder.arn, catalogue).unwrap();
    assert_ne!(top.level, AccessLevel::PermissionsManagement);
    // The phrase names the level and the services that have it, never DynamoDB.
    assert!(
        top.summary.starts_with(top.level.as_str()),
        "{}",
        top.summary
    );
    assert!(top.summary.contains("s3"), "{}", top.summary);
    assert!(!top.summary.contains("dynamodb"), "{}", top.summary);
    assert_eq!(levels.computed(), 2);
}
