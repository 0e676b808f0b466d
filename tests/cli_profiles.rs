//! `rolescope profiles` on tests/fixtures/aws-config against the demo organisation: each
//! profile's chain simulated as the AWS CLI would make its calls (IAM-RULES §1.3 for the
//! chaining cap; STS's `DurationSeconds` and MaxSessionDuration rules; MFA and external
//! ID in the trust policies of docs/demo-organisation.md).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/aws-config");

fn rolescope() -> Command {
    let mut c = Command::cargo_bin("rolescope").unwrap();
    c.env("ROLESCOPE_CONFIG", "/dev/null")
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("ROLESCOPE_LOG");
    c
}

fn profiles_json(extra: &[&str]) -> Value {
    let out = rolescope()
        .args([
            "profiles",
            "--json",
            "--now",
            "2026-11-24T09:00:00Z",
            "--aws-config",
            FIXTURE,
        ])
        .args([
            "--source",
            "maria=arn:aws:iam::111111111111:user/people/maria.garcia",
            "--source",
            "priya=arn:aws:iam::444455556666:user/consultants/priya.nair",
            "--source",
            "batch=arn:aws:iam::222222222222:user/service-accounts/batch-scheduler",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn profile<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["profile"] == name)
        .unwrap_or_else(|| panic!("no profile {name}"))
}

#[test]
fn an_mfa_profile_works_for_the_role_s_hour_and_without_mfa_is_refused_with_the_fix() {
    let doc = profiles_json(&[]);
    let p = profile(&doc, "ops-entry");
    assert_eq!(p["verdict"], "works");
    assert_eq!(p["session_seconds"], 3600);
    assert_eq!(
        p["hops"][0]["mfa_serial"],
        "arn:aws:iam::111111111111:mfa/maria.garcia"
    );
    assert_eq!(p["hops"][0]["role_session_name"], "maria.garcia");
    let p = profile(&doc, "break-glass-no-mfa");
    assert_eq!(p["verdict"], "refused");
    assert_eq!(p["failure"]["check"], "mfa");
    assert_eq!(p["hops"][0]["error_code"], "AccessDenied");
    assert!(
        p["failure"]["fix"]
            .as_str()
            .unwrap()
            .contains("add `mfa_serial = arn:aws:iam::111111111111:mfa/DEVICE`"),
        "{p}"
    );
    // The AWS CLI's own session name when the profile sets none (botocore).
    let p = profile(&doc, "break-glass");
    assert_eq!(p["verdict"], "works");
    assert!(
        p["hops"][0]["role_session_name"]
            .as_str()
            .unwrap()
            .starts_with("botocore-session-"),
        "{p}"
    );
}

#[test]
fn chained_hops_are_capped_at_one_hour_and_asking_more_is_refused() {
    let doc = profiles_json(&[]);
    let p = profile(&doc, "prod-ops");
    assert_eq!(p["verdict"], "works");
    assert_eq!(p["hops"].as_array().unwrap().len(), 2);
    assert_eq!(p["hops"][1]["chained"], true);
    assert_eq!(p["session_seconds"], 3600);
    let p = profile(&doc, "prod-repair-4h");
    assert_eq!(p["verdict"], "refused");
    assert_eq!(p["hops"].as_array().unwrap().len(), 3);
    assert_eq!(p["hops"][2]["error_code"], "ValidationError");
    assert_eq!(
        p["hops"][2]["error_message"],
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    );
    assert!(
        p["failure"]["fix"]
            .as_str()
            .unwrap()
            .contains("duration_seconds = 3600")
    );
    // From an Identity Center session the next hop is chained as well.
    let p = profile(&doc, "mgmt-admin-ops");
    assert_eq!(p["verdict"], "works");
    assert_eq!(p["hops"][0]["chained"], true);
    assert_eq!(p["session_seconds"], 3600);
}

#[test]
fn duration_above_the_role_maximum_is_refused_as_sts_refuses_it() {
    let doc = profiles_json(&[]);
    let p = profile(&doc, "nightly-4h");
    assert_eq!(p["verdict"], "refused");
    assert_eq!(
        p["hops"][0]["error_message"],
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    );
}

#[test]
fn an_external_id_profile_works_for_the_duration_it_asks_and_without_one_is_refused() {
    let doc = profiles_json(&[]);
    let p = profile(&doc, "northwind");
    assert_eq!(p["verdict"], "works");
    assert_eq!(p["session_seconds"], 7200);
    assert_eq!(p["hops"][0]["external_id"], "northwind-cust-0417-7f3c9e2d");
    let p = profile(&doc, "northwind-no-external-id");
    assert_eq!(p["verdict"], "refused");
    assert_eq!(p["failure"]["check"], "external-id");
    assert!(
        p["failure"]["fix"]
            .as_str()
            .unwrap()
            .contains("external_id = northwind-cust-0417-7f3c9e2d"),
        "{p}"
    );
}

#[test]
fn sso_profiles_start_at_the_identity_center_role_of_their_account() {
    let doc = profiles_json(&[]);
    let p = profile(&doc, "mgmt-admin");
    assert_eq!(p["verdict"], "works");
    assert_eq!(p["start"]["kind"], "sso");
    assert_eq!(
        p["start"]["principal"],
        "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_3f1c2a9b7d6e5f40"
    );
    assert_eq!(p["session_seconds"], 14400);
    assert_eq!(profile(&doc, "dev-power")["session_seconds"], 28800);
    let p = profile(&doc, "prod-admin");
    assert_eq!(p["verdict"], "refused");
    assert_eq!(p["failure"]["check"], "permission-set");
}

#[test]
fn unmapped_and_unknown_say_what_is_missing() {
    let doc = profiles_json(&[]);
    assert_eq!(profile(&doc, "on-instance")["verdict"], "unmapped");
    assert_eq!(profile(&doc, "default")["verdict"], "unmapped");
    let p = profile(&doc, "skylight");
    assert_eq!(p["verdict"], "unknown");
    assert!(
        p["notes"][0].as_str().unwrap().contains("`777788889999`"),
        "{p}"
    );
    // Without --source the static-key profiles and their chains are unmapped.
    let out = rolescope()
        .args(["profiles", "--json", "--aws-config", FIXTURE])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(profile(&doc, "prod-ops")["verdict"], "unmapped");
    assert_eq!(profile(&doc, "prod-ops")["start"]["profile"], "maria");
    // --source on an instance profile maps its role.
    let doc = profiles_json(&[
        "--source",
        "on-instance=arn:aws:iam::222222222222:role/ProdOperations",
    ]);
    assert_ne!(profile(&doc, "on-instance")["verdict"], "unmapped");
}

#[test]
fn the_sources_come_from_the_rolescope_config_too() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles]\naws_config = \"{FIXTURE}\"\n[profiles.sources]\nmaria = \"arn:aws:iam::111111111111:user/people/maria.garcia\"\n"
        ),
    )
    .unwrap();
    rolescope()
        .env("ROLESCOPE_CONFIG", &config)
        .args(["profiles", "--now", "2026-11-24T09:00:00Z"])
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(r"(?m)^ops-entry\s+works\s+1h 00m\s+maria.garcia → OpsEntry$")
                .unwrap(),
        )
        .stdout(
            predicate::str::is_match(r"(?m)^prod-ops\s+works\s+1h 00m \(role chaining: 1h cap\)")
                .unwrap(),
        );
}

#[test]
fn a_bad_aws_config_is_located_and_a_bad_source_explained() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("config");
    std::fs::write(&bad, "[profile a]\nrole_arn arn:aws:iam::1:role/x\n").unwrap();
    rolescope()
        .args(["profiles", "--aws-config"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "`{}` line 2:",
            bad.display()
        )));
    rolescope()
        .args(["profiles", "--aws-config", FIXTURE, "--source", "maria"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("write PROFILE=ARN"));
    rolescope()
        .args(["profiles", "--aws-config"])
        .arg(Path::new("/nonexistent/aws/config"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read the AWS config file"));
}
