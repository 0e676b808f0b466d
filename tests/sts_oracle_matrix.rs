//! The independent simulator's AssumeRole matrix (every user and every role session of the
//! reference account against every role, without and with MFA) as a conformance fixture:
//! rolescope must reach the same allow/deny decision for every row.

use chrono::{DateTime, Duration, Utc};
use rolescope::engine::load::load_str;
use rolescope::engine::sts::Simulator;
use rolescope::engine::sts::request::{
    AssumeRoleRequest, CallerCredentials, CallerSessionDoc, MfaDoc, SessionOrigin,
};
use serde_json::Value;

#[test]
fn every_row_of_the_oracle_matrix_gets_the_same_decision() {
    let inv = load_str(
        "moto-account-authz-inuse.json",
        include_str!("fixtures/moto-account-authz-inuse.json"),
    )
    .unwrap();
    let matrix: Value =
        serde_json::from_str(include_str!("fixtures/oracle-assume-role-matrix.json")).unwrap();
    let sim = Simulator::new(&inv);
    let now: DateTime<Utc> = "2026-11-24T09:00:00Z".parse().unwrap();
    let mut differ = Vec::new();
    let list = |k: &str| -> Vec<String> {
        matrix[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    let allowed_rows: Vec<Value> = matrix["allowed"].as_array().unwrap().clone();
    let mut count = 0;
    for caller in &list("callers") {
        for role in &list("roles") {
            for scenario in &list("scenarios") {
                count += 1;
                let (caller, role) = (caller.as_str(), role.as_str());
                let mfa = scenario == "mfa";
                let mut req = AssumeRoleRequest {
                    role: role.to_owned(),
                    role_session_name: Some("matrix".to_owned()),
                    ..AssumeRoleRequest::default()
                };
                if caller.contains(":role/") {
                    let name = caller.rsplit('/').next().unwrap();
                    req.caller = format!("arn:aws:sts::123456789012:assumed-role/{name}/matrix");
                    req.caller_credentials = Some(CallerCredentials::AssumedRoleSession);
                    req.caller_session = Some(CallerSessionDoc {
                        role_arn: Some(caller.to_owned()),
                        session_name: Some("matrix".to_owned()),
                        created_by: Some(SessionOrigin::AssumeRole),
                        issued_at: Some(now - Duration::minutes(5)),
                        expires_at: Some(now + Duration::minutes(55)),
                        mfa_authenticated: mfa,
                        mfa_auth_time: mfa.then(|| now - Duration::seconds(60)),
                        ..CallerSessionDoc::default()
                    });
                } else {
                    req.caller = caller.to_owned();
                    req.mfa = mfa.then(|| MfaDoc {
                        serial_number: "arn:aws:iam::123456789012:mfa/device".to_owned(),
                        token_code: "123456".to_owned(),
                        token_valid: true,
                        auth_age_seconds: Some(60),
                    });
                }
                let allowed = sim.assume_role(&req, now).unwrap().is_allowed();
                let oracle = allowed_rows.contains(&serde_json::json!([caller, role, scenario]));
                if allowed != oracle {
                    differ.push(format!(
                        "{caller} → {role} ({scenario}): rolescope {allowed}, oracle {oracle}"
                    ));
                }
            }
        }
    }
    assert_eq!(count, 680);
    assert!(
        differ.is_empty(),
        "{} rows differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}
