//! What users read names things they can look up: fixes and explanations cite the public
//! AWS documentation by page name (never the rulebook's section numbers, which stay in code
//! comments), and organisation policies are named by their names.

use chrono::{DateTime, TimeZone, Utc};
use rolescope::engine::load::load_demo;
use rolescope::engine::sts::Simulator;
use serde_json::json;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

const PUBLIC_DOCS: &[&str] = &[
    "IAM User Guide: ",
    "AWS STS API Reference: ",
    "AWS Organizations User Guide: ",
    "RFC 7519",
];

/// Failing calls of several kinds (a missing MFA, an expired caller session, a chained
/// duration over the cap, a reserved tag key, a region the role's account has turned off):
/// every finding's `rule` is a public documentation page, and no text shown cites the
/// internal rulebook.
#[test]
fn findings_cite_public_aws_documentation_pages() {
    let inv = load_demo().unwrap();
    let sim = Simulator::new(&inv);
    let maria = "arn:aws:iam::111111111111:user/people/maria.garcia";
    let sam = "arn:aws:iam::222222222222:user/people/sam.patel";
    let requests = [
        json!({"kind": "assume-role", "caller": sam,
               "role": "arn:aws:iam::222222222222:role/ProdDatabaseAdmin", "role_session_name": "s"}),
        json!({"kind": "assume-role", "caller": maria,
               "role": "arn:aws:iam::111111111111:role/OpsEntry", "role_session_name": "s",
               "tags": [{"Key": "aws:team", "Value": "x"}]}),
        json!({"kind": "assume-role", "caller": maria,
               "role": "arn:aws:iam::111111111111:role/OpsEntry", "role_session_name": "s",
               "duration_seconds": 50_000}),
        json!({"kind": "assume-role", "caller": "arn:aws:sts::111111111111:assumed-role/OpsEntry/s",
               "caller_session": {"expires_at": "2026-11-24T11:00:00Z"},
               "role": "arn:aws:iam::222222222222:role/ProdOperations", "role_session_name": "s"}),
    ];
    let mut seen = 0;
    for raw in requests {
        let doc = serde_json::to_value(sim.simulate_value(raw.clone(), now())).unwrap();
        let text = doc.to_string();
        assert!(!text.contains("IAM-RULES"), "{text}");
        let req = rolescope::engine::sts::request::Request::from_value(raw).unwrap();
        if let rolescope::engine::sts::request::Request::AssumeRole(r) = req {
            let out = sim.assume_role(&r, now()).unwrap();
            assert!(!out.findings.is_empty(), "{raw_doc}", raw_doc = text);
            for f in &out.findings {
                seen += 1;
                assert!(
                    PUBLIC_DOCS.iter().any(|d| f.rule.starts_with(d)),
                    "`{}` is not a public page",
                    f.rule
                );
            }
            assert!(out.notes.iter().all(|n| !n.contains("IAM-RULES")));
        }
    }
    assert!(seen >= 4);
}

/// [ORG:orgs_manage_policies_scps]: SCPs have names (`FullAWSAccess`); a decision under them
/// names each by its name at its level, not by its position.
#[test]
fn scps_and_rcps_are_named_by_their_names() {
    let inv = load_demo().unwrap();
    let sim = Simulator::new(&inv);
    let doc = sim.simulate_value(
        json!({"kind": "authorize",
               "principal": {"arn": "arn:aws:sts::222222222222:assumed-role/ProdOperations/s"},
               "action": "s3:GetObject",
               "resource": "arn:aws:s3:::acme-prod-finance-reports/2026/11.csv"}),
        now(),
    );
    let text = serde_json::to_value(&doc).unwrap().to_string();
    assert!(
        text.contains("SCP FullAWSAccess at ou-7k2q-prod4f1a"),
        "{text}"
    );
    assert!(!text.contains("SCP #"), "{text}");
    // `authorize` names them alike.
    let index = rolescope::engine::policy::PolicyIndex::build(&inv);
    let req = rolescope::engine::policy::AccessRequest::new(
        rolescope::engine::policy::Principal::parse(
            "arn:aws:sts::222222222222:assumed-role/ProdOperations/s",
        )
        .unwrap(),
        "s3:GetObject",
        "arn:aws:s3:::acme-prod-finance-reports/2026/11.csv",
        now(),
    );
    let d = rolescope::engine::policy::evaluate(
        &rolescope::engine::policy::gather(&inv, &index, &req).unwrap(),
    );
    let names: Vec<String> = d
        .matched_statements
        .iter()
        .map(|m| m.policy.to_string())
        .collect();
    assert!(
        names.iter().any(|n| n == "SCP FullAWSAccess at r-7k2q"),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n == "RCP RCPFullAWSAccess at r-7k2q"),
        "{names:?}"
    );
}

/// Without names in the data (a bare export), a policy is named by its id, else by its
/// place at the level, counted from 1.
#[test]
fn an_unnamed_org_policy_is_named_by_id_or_place() {
    use rolescope::engine::model::{OrgPolicyLevel, OrgPolicySummary};
    use rolescope::engine::policy::gather::org_policy_name;
    let mut level = OrgPolicyLevel {
        target: "ou-abcd-11111111".into(),
        policies: Vec::new(),
        summaries: Vec::new(),
    };
    assert_eq!(
        org_policy_name("SCP", &level, 0),
        "SCP #1 at ou-abcd-11111111"
    );
    level.summaries.push(OrgPolicySummary {
        id: "p-12345678".into(),
        name: String::new(),
        arn: None,
        aws_managed: false,
    });
    assert_eq!(
        org_policy_name("SCP", &level, 0),
        "SCP p-12345678 at ou-abcd-11111111"
    );
}
