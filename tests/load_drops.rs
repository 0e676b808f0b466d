//! Nothing a file holds is dropped without a word: a bundle account given twice, a misspelt
//! key, an entity that cannot be read, a page of a longer answer, two exports of one account
//! that disagree, a `get-role` that differs from the export. Each is a refusal or a warning
//! printed on stderr and carried in `--json` output.

#![allow(clippy::unwrap_used, reason = "tests")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use rolescope::engine::load::{self, LoadError};
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn rolescope() -> Command {
    Command::cargo_bin("rolescope").unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const TRUST: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;

fn role(account: &str, name: &str) -> String {
    format!(
        r#"{{"RoleName": "{name}", "RoleId": "AROAEXAMPLE{name}", "Arn": "arn:aws:iam::{account}:role/{name}", "AssumeRolePolicyDocument": {TRUST}, "RolePolicyList": [], "AttachedManagedPolicies": []}}"#
    )
}

/// `roles --json` on `paths`: exit code, parsed stdout and stderr.
fn roles_json(paths: &[&Path]) -> (Option<i32>, Value, String) {
    let out = rolescope()
        .arg("roles")
        .arg("--json")
        .args(paths)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), v, String::from_utf8(out.stderr).unwrap())
}

#[test]
fn a_bundle_account_given_twice_is_refused_at_the_second() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"{{"Accounts": {{"111111111111": {{"RoleDetailList": [{}]}}, "111111111111": {{"Name": "empty"}}}}}}"#,
        role("111111111111", "A")
    );
    let p = write(&dir, "bundle.json", &text);
    match load::load_paths(&[p]).unwrap_err() {
        LoadError::Shape {
            json_path, message, ..
        } => {
            assert_eq!(json_path, r#"$.Accounts["111111111111"]"#);
            assert!(message.contains("more than once"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_misspelt_account_key_is_said_on_stderr_and_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"{{"Accounts": {{"111111111111": {{"Name": "prod", "RoleDetailLists": [{}]}}, "222222222222": {{"roledetaillist": [], "RoleDetailList": [{}]}}}}}}"#,
        role("111111111111", "A"),
        role("222222222222", "B")
    );
    let p = write(&dir, "bundle.json", &text);
    let (code, v, stderr) = roles_json(&[&p]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("`RoleDetailLists` is not a key rolescope reads")
            && stderr.contains("did you mean `RoleDetailList`?"),
        "{stderr}"
    );
    assert!(stderr.contains("`roledetaillist`"), "{stderr}");
    let warnings = v["load_warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w["location"] == r#"$.Accounts["111111111111"].RoleDetailLists"#),
        "{warnings:?}"
    );
    // Alone at the top level, the misspelling is the whole file: refused, with the hint.
    let p = write(
        &dir,
        "alone.json",
        &format!(r#"{{"RoleDetailLists": [{}]}}"#, role("111111111111", "A")),
    );
    let e = load::load_paths(&[p]).unwrap_err();
    assert!(
        e.to_string().contains("did you mean `RoleDetailList`?"),
        "{e}"
    );
}

#[test]
fn a_role_whose_arn_does_not_parse_is_skipped_aloud() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"{{"RoleDetailList": [{}, {{"RoleName": "Bad", "Arn": "not-an-arn", "AssumeRolePolicyDocument": {TRUST}}}]}}"#,
        role("111111111111", "A")
    );
    let p = write(&dir, "export.json", &text);
    let (code, v, stderr) = roles_json(&[&p]);
    assert_eq!(code, Some(0));
    assert_eq!(v["count"], 1);
    assert!(stderr.contains("$.RoleDetailList[1].Arn"), "{stderr}");
    assert!(stderr.contains("this role is skipped"), "{stderr}");
    assert!(v["load_warnings"].as_array().unwrap().iter().any(|w| {
        w["message"]
            .as_str()
            .unwrap()
            .contains("this role is skipped")
    }));
}

#[test]
fn an_account_id_that_is_not_twelve_digits_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"{{"RoleDetailList": [{}, {}]}}"#,
        role("111111111111", "A"),
        role("1234", "B")
    );
    let p = write(&dir, "export.json", &text);
    match load::load_paths(&[p]).unwrap_err() {
        LoadError::Shape {
            json_path, message, ..
        } => {
            assert_eq!(json_path, "$.RoleDetailList[1].Arn");
            assert!(
                message.contains("`1234`") && message.contains("12 digits"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_page_of_a_longer_answer_warns_that_the_export_is_partial() {
    let dir = tempfile::tempdir().unwrap();
    let mut page: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("moto-list-roles.json")).unwrap())
            .unwrap();
    page["IsTruncated"] = json!(true);
    page["Marker"] = json!("AAEAAQ");
    let p = write(&dir, "page.json", &page.to_string());
    let (code, v, stderr) = roles_json(&[&p]);
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains("`IsTruncated` shows this is one page"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`Marker` shows this is one page"),
        "{stderr}"
    );
    assert!(stderr.contains("partial"), "{stderr}");
    assert!(
        v["load_warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["location"] == "$.IsTruncated")
    );
    // The last page (or the CLI's merged answer) says nothing.
    page["IsTruncated"] = json!(false);
    page.as_object_mut().unwrap().remove("Marker");
    let p = write(&dir, "whole.json", &page.to_string());
    let (_, _, stderr) = roles_json(&[&p]);
    assert!(!stderr.contains("partial"), "{stderr}");
}

/// The moto export, with alice's inline policy changed as if edited between two exports.
fn later_export(dir: &tempfile::TempDir) -> PathBuf {
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("moto-account-authz-inuse.json")).unwrap(),
    )
    .unwrap();
    let users = v["UserDetailList"].as_array_mut().unwrap();
    let alice = users.iter_mut().find(|u| u["UserName"] == "alice").unwrap();
    alice["UserPolicyList"][0]["PolicyDocument"]["Statement"] =
        json!([{"Effect": "Deny", "Action": "*", "Resource": "*"}]);
    write(dir, "later.json", &v.to_string())
}

#[test]
fn two_exports_of_one_account_that_disagree_are_a_conflict_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let earlier = fixture("moto-account-authz-inuse.json");
    let later = later_export(&dir);
    for paths in [[&earlier, &later], [&later, &earlier]] {
        let e = load::load_paths(&[paths[0].clone(), paths[1].clone()]).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, LoadError::Conflict { .. }), "{msg}");
        assert!(msg.contains("user/people/alice"), "{msg}");
        assert!(msg.contains("inline policy"), "{msg}");
    }
    // The same export twice agrees with itself.
    assert!(load::load_paths(&[earlier.clone(), earlier]).is_ok());
}

#[test]
fn a_get_role_that_differs_from_the_export_says_which_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("moto-get-role-DeveloperRole.json")).unwrap(),
    )
    .unwrap();
    v["Role"]["AssumeRolePolicyDocument"] = serde_json::from_str(TRUST).unwrap();
    let p = write(&dir, "get-role.json", &v.to_string());
    let export = fixture("moto-account-authz-inuse.json");
    let (code, _, stderr) = roles_json(&[&export, &p]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("the trust policy here differs from the one in")
            && stderr.contains("rolescope uses the export's"),
        "{stderr}"
    );
    // As fetched together with the export, it says nothing.
    rolescope()
        .args(["roles"])
        .arg(&export)
        .arg(fixture("moto-get-role-DeveloperRole.json"))
        .assert()
        .code(0)
        .stderr(predicate::str::contains("differs").not());
}
