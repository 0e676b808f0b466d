//! `rolescope admins`, `rolescope escalation` and the escalation edges the other trust-graph
//! commands show, on the demo organisation's privilege-escalation set-up (acme-dev,
//! `/escalation/`).

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

const DEV: &str = "arn:aws:iam::333333333333";

/// The techniques of the escalation steps of a `steps` array.
fn techniques(steps: &Value) -> Vec<String> {
    steps
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "escalation")
        .map(|s| s["edge"]["technique"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn admins_lists_administrators_and_every_escalation_set_up_with_its_technique() {
    let doc = json_of(&["admins", "--json"]);
    let admins: Vec<&str> = doc["administrators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["principal"].as_str().unwrap())
        .collect();
    assert!(admins.contains(&format!("{DEV}:user/escalation/ops.admin").as_str()));
    assert!(admins.contains(&format!("{DEV}:role/escalation/lambda-admin-exec").as_str()));
    let can: Vec<&Value> = doc["can_become"].as_array().unwrap().iter().collect();
    let technique_of = |user: &str| {
        let arn = format!("{DEV}:user/escalation/{user}");
        let row = can
            .iter()
            .find(|r| r["principal"] == arn.as_str())
            .unwrap_or_else(|| panic!("{user} in can_become"));
        techniques(&row["steps"])
    };
    assert_eq!(technique_of("intern.build"), ["pass-role-lambda"]);
    assert_eq!(technique_of("helpdesk.amy"), ["create-access-key"]);
    assert_eq!(technique_of("release.bot"), ["update-assume-role-policy"]);
    assert_eq!(technique_of("policy.author"), ["create-policy-version"]);
    assert_eq!(technique_of("group.joiner"), ["add-user-to-group"]);
    assert_eq!(
        technique_of("bounded.dev"),
        ["delete-user-permissions-boundary"]
    );
    assert!(
        can.iter()
            .all(|r| r["principal"] != format!("{DEV}:user/escalation/sandbox.dev").as_str())
    );
    rolescope()
        .arg("admins")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "user intern.build (333333333333) =[pass-role-lambda]=> role lambda-admin-exec (333333333333)",
        ));
}

#[test]
fn escalation_shows_each_edge_with_its_statements_and_the_broken_ones() {
    let doc = json_of(&["escalation", "intern.build", "--json"]);
    let e = &doc["edges"][0];
    assert_eq!(e["technique"], "pass-role-lambda");
    assert_eq!(e["family"], "pass-role");
    assert_eq!(e["status"]["state"], "works");
    assert_eq!(e["grants"][0]["passed_to_service"], "lambda.amazonaws.com");
    assert!(
        e["grants"][0]["statement"]
            .as_str()
            .unwrap()
            .contains("PassMaintenanceRole")
    );
    assert_eq!(techniques(&doc["to_admin"]), ["pass-role-lambda"]);
    // sandbox.dev: the edge is there, broken by its boundary; exit 1 (no way up).
    let out = rolescope()
        .args(["escalation", "sandbox.dev", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["edges"][0]["status"]["state"], "broken");
    assert_eq!(
        doc["edges"][0]["status"]["refused_by"],
        "permissions-boundary"
    );
    assert!(doc["to_admin"].is_null());
}

#[test]
fn who_can_reach_is_who_can_assume_with_escalation_edges_marked_apart() {
    let a = json_of(&["who-can-assume", "lambda-admin-exec", "--json"]);
    let b = json_of(&["who-can-reach", "lambda-admin-exec", "--json"]);
    assert_eq!(a, b);
    let rows = a["escalation"].as_array().unwrap();
    let intern = rows
        .iter()
        .find(|r| r["principal"] == format!("{DEV}:user/escalation/intern.build").as_str())
        .unwrap();
    assert_eq!(techniques(&intern["steps"]), ["pass-role-lambda"]);
    rolescope()
        .args(["who-can-reach", "lambda-admin-exec"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Through escalation edges"))
        .stdout(predicate::str::contains("=[pass-role-lambda]=>"));
}

#[test]
fn reach_and_path_follow_escalation_edges() {
    let doc = json_of(&["reach", "intern.build", "--json"]);
    assert!(
        doc["escalation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["principal"] == format!("{DEV}:role/escalation/lambda-admin-exec").as_str())
    );
    assert_eq!(techniques(&doc["to_admin"]), ["pass-role-lambda"]);
    // No assume-role path (exit 1), but one through the escalation edge, reported beside it.
    let out = rolescope()
        .args(["path", "intern.build", "lambda-admin-exec", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["paths"].as_array().unwrap().is_empty());
    assert_eq!(techniques(&doc["escalation_path"]), ["pass-role-lambda"]);
}

#[test]
fn graph_draws_escalation_edges_apart_from_assume_hops() {
    rolescope()
        .args(["graph", "--format", "dot", "--from", "policy.author"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "administrator [label=\"administrator\"",
        ))
        .stdout(predicate::str::contains("create-policy-version"))
        .stdout(predicate::str::contains("color=purple"));
    rolescope()
        .args(["graph", "--format", "mermaid", "--from", "intern.build"])
        .assert()
        .success()
        .stdout(predicate::str::contains("==>|\"pass-role-lambda\"|"));
    let doc = json_of(&["graph", "--format", "json"]);
    assert!(
        doc["escalation_edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["technique"] == "update-assume-role-policy")
    );
}
