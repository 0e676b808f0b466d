//! The trust-graph commands on the demo organisation: text for people, JSON for scripts,
//! exit 1 when the answer is no.

#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn rolescope() -> Command {
    Command::cargo_bin("rolescope").unwrap()
}

fn json_of(args: &[&str]) -> Value {
    let out = rolescope().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn who_can_assume_lists_direct_callers_and_chains_with_via_and_badges() {
    rolescope()
        .args(["who-can-assume", "ProdDatabaseAdmin"])
        .assert()
        .success()
        .stdout(predicate::str::contains("user sam.patel (222222222222)"))
        .stdout(predicate::str::contains("MFA"))
        // A session of OrganizationAccountAccessRole has no MFA to meet the trust with.
        .stdout(predicate::str::contains("via OrganizationAccountAccessRole").not());
    rolescope()
        .args(["who-can-assume", "ProdOperations"])
        .assert()
        .success()
        .stdout(predicate::str::contains("via OpsEntry"));
    let doc = json_of(&["who-can-assume", "ProdDatabaseAdmin", "--json"]);
    let sam = doc["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["principal"] == "arn:aws:iam::222222222222:user/people/sam.patel")
        .unwrap();
    assert_eq!(sam["direct"], true);
    assert_eq!(sam["path"]["hops"][0]["request"]["mfa"], true);
}

#[test]
fn who_can_assume_an_unknown_role_exits_1_with_suggestions() {
    rolescope()
        .args(["who-can-assume", "ProdDatabaseAdmn"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("ProdDatabaseAdmin"));
}

#[test]
fn reach_lists_roles_shortest_first_with_the_session_limit() {
    let doc = json_of(&["reach", "maria.garcia", "--json"]);
    let roles = doc["roles"].as_array().unwrap();
    let hops: Vec<u64> = roles.iter().map(|r| r["hops"].as_u64().unwrap()).collect();
    assert!(
        hops.windows(2).all(|w| w[0] <= w[1]),
        "shortest first: {hops:?}"
    );
    let stage_two = roles
        .iter()
        .find(|r| r["role"].as_str().unwrap().ends_with("/etl-stage-two"))
        .unwrap();
    assert_eq!(stage_two["max_session_seconds"], 3600);
}

#[test]
fn path_without_a_way_exits_1_and_names_the_broken_hop() {
    rolescope()
        .args(["path", "noah.kim", "QAReleaseVerifier"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("identity-based policy refuses"));
    rolescope()
        .args(["path", "maria.garcia", "etl-stage-two"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1. user maria.garcia"));
}

#[test]
fn external_reports_federated_access_and_confused_deputies() {
    let doc = json_of(&["external", "--json"]);
    assert!(doc["findings"].as_array().unwrap().iter().any(|f| {
        f["principal_kind"] == "federated"
            && f["resource"]
                .as_str()
                .unwrap()
                .ends_with("github-actions-deploy-prod")
            && f["status"] == "active"
    }));
    let deputies = doc["confused_deputies"].as_array().unwrap();
    // Lambda receives its role through iam:PassRole, which cannot cross accounts: no
    // confused-deputy finding (AWS IAM User Guide, "The confused deputy problem"). Cognito
    // assumes the SMS role by its ARN, so its trust needs aws:SourceAccount.
    assert!(
        !deputies
            .iter()
            .any(|d| d["service"] == "lambda.amazonaws.com"),
        "{doc}"
    );
    assert!(
        deputies
            .iter()
            .any(|d| d["service"] == "cognito-idp.amazonaws.com"),
        "{doc}"
    );
}

#[test]
fn graph_draws_dot_mermaid_and_json_and_refuses_other_formats() {
    rolescope()
        .args(["graph", "--format", "dot"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("digraph rolescope {"));
    rolescope()
        .args(["graph", "--format", "mermaid", "--from", "maria.garcia"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("flowchart LR"))
        // A label breaks its line with mermaid's own markup, not an escaped copy of it.
        .stdout(predicate::str::contains(
            "user maria.garcia<br/>111111111111",
        ))
        .stdout(predicate::str::contains("#lt;br").not());
    let doc = json_of(&["graph", "--format", "json", "--role", "ProdDatabaseAdmin"]);
    assert!(!doc["edges"].as_array().unwrap().is_empty());
    rolescope()
        .args(["graph", "--format", "png"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use `dot`, `mermaid` or `json`"));
}
