//! The command line as a user meets it: exit codes, stdout and the stderr messages.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[expect(
    clippy::unwrap_used,
    reason = "a test helper; the binary is built by cargo test"
)]
fn rolescope() -> Command {
    Command::cargo_bin("rolescope").unwrap()
}

#[test]
fn help_documents_the_exit_codes() {
    rolescope()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes"))
        .stdout(predicate::str::contains("2  usage error"));
}

#[test]
fn roles_without_paths_lists_the_demo_organisation() {
    rolescope()
        .arg("roles")
        .assert()
        .success()
        .stdout(predicate::str::contains("ACCOUNT"));
}

#[test]
fn roles_lists_every_role_of_an_export_given_after_the_command() {
    let out = rolescope()
        .args(["roles", "--json"])
        .arg(fixture("moto-account-authz-inuse.json"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["count"], 17);
    assert_eq!(v["demo"], false);
}

#[test]
fn paths_before_the_command_are_accepted_too() {
    rolescope()
        .arg(fixture("moto-list-roles.json"))
        .arg("roles")
        .assert()
        .success()
        .stdout(predicate::str::contains("DeveloperRole"));
}

#[test]
fn show_on_a_miss_suggests_close_names_and_exits_1() {
    rolescope()
        .args(["show", "DevloperRole"])
        .arg(fixture("moto-account-authz-inuse.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`DevloperRole` is not in the loaded data",
        ))
        .stderr(predicate::str::contains("did you mean `DeveloperRole`"));
}

#[test]
fn a_broken_file_is_one_line_on_stderr_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("prod.json");
    std::fs::write(&p, "{\"RoleDetailList\": [}").unwrap();
    rolescope()
        .arg("roles")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("prod.json"))
        .stderr(predicate::str::contains("line 1, column"))
        .stderr(predicate::function(|s: &str| s.lines().count() == 1));
}
