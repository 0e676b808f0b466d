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

#[test]
fn bad_inputs_each_give_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let empty_dir = dir.path().join("exports");
    std::fs::create_dir(&empty_dir).unwrap();
    let empty_file = dir.path().join("empty.json");
    std::fs::write(&empty_file, "").unwrap();
    let cases: [(Vec<std::ffi::OsString>, &str); 4] = [
        (vec![empty_dir.into()], "holds no `*.json` file"),
        (vec![empty_file.into()], "is empty"),
        (vec!["/nonexistent/prod.json".into()], "no such file"),
        (
            vec!["--demo".into(), fixture("moto-list-roles.json").into()],
            "`--demo`",
        ),
    ];
    for (args, expected) in cases {
        rolescope()
            .arg("roles")
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with("error: "))
            .stderr(predicate::str::contains(expected))
            .stderr(predicate::function(|s: &str| s.lines().count() == 1));
    }
}

#[test]
fn show_prints_trust_permissions_boundary_and_unknown_session_length() {
    rolescope()
        .args(["show", "GitHubActionsDeploy"])
        .arg(fixture("moto-account-authz-inuse.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains("trust policy"))
        .stdout(predicate::str::contains(
            "token.actions.githubusercontent.com",
        ))
        .stdout(predicate::str::contains("permissions boundary"))
        .stdout(predicate::str::contains("DeployBoundary"))
        .stdout(predicate::str::contains(
            "unknown (3600 assumed for simulation",
        ));
}

#[test]
fn show_accepts_an_arn_and_a_name_in_the_wrong_case() {
    for query in [
        "arn:aws:iam::123456789012:role/team/DeveloperRole",
        "developerrole",
    ] {
        rolescope()
            .args(["show", query, "--json"])
            .arg(fixture("moto-account-authz-inuse.json"))
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "\"arn\": \"arn:aws:iam::123456789012:role/team/DeveloperRole\"",
            ));
    }
}

#[test]
fn show_reports_a_managed_policy_absent_from_the_export() {
    rolescope()
        .args(["show", "AdminMFA"])
        .arg(fixture("moto-account-authz-local.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "`AdministratorAccess` (arn:aws:iam::aws:policy/AdministratorAccess): not in the loaded data",
        ));
}

#[test]
fn show_a_name_in_several_accounts_asks_for_the_arn() {
    // The demo organisation has AWSServiceRoleForConfig in every account.
    rolescope()
        .args(["show", "AWSServiceRoleForConfig"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass the ARN"));
}

#[test]
fn roles_filters_by_kind_and_web_identity_covers_every_oidc_kind() {
    let out = rolescope()
        .args(["roles", "--kind", "web-identity", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let roles = v["roles"].as_array().unwrap();
    assert!(!roles.is_empty());
    for r in roles {
        let kinds: Vec<&str> = r["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kind"].as_str().unwrap())
            .collect();
        assert!(
            kinds.iter().any(
                |k| ["github-actions", "eks", "cognito", "google", "web-identity"].contains(k)
            ),
            "{kinds:?}"
        );
        assert!(
            r["kinds"][0]["reason"]
                .as_str()
                .unwrap()
                .starts_with("trusts")
        );
    }
}

#[test]
fn an_unknown_kind_is_a_usage_error_listing_the_kinds() {
    rolescope()
        .args(["roles", "--kind", "lamda"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`lamda` is not a role kind"))
        .stderr(predicate::str::contains("service-role"));
}

#[test]
fn roles_by_account_rejects_an_account_that_is_not_loaded() {
    rolescope()
        .args(["roles", "--account", "999999999999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`999999999999` is not in the loaded data",
        ));
}

#[test]
fn show_prints_kinds_with_reasons_and_flags() {
    rolescope()
        .args(["show", "CrossAccountAuditor"])
        .arg(fixture("moto-account-authz-inuse.json"))
        .arg(fixture("moto-list-roles.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "cross-account        trusts account 111122223333 (external ID required)",
        ))
        .stdout(predicate::str::contains("14400 s (4h)"));
}
