//! `rolescope assume` and `rolescope simulate` on the demo organisation: exit codes, the
//! text a person reads and the JSON a script reads.

use assert_cmd::Command;
use predicates::prelude::*;

#[expect(
    clippy::expect_used,
    reason = "a test helper; the binary is built by cargo test"
)]
fn rolescope() -> Command {
    Command::cargo_bin("rolescope").expect("the binary builds")
}

#[test]
fn assume_success_prints_the_session_and_exits_0() {
    rolescope()
        .args([
            "assume",
            "--caller",
            "maria.garcia",
            "--role",
            "OpsEntry",
            "--session-name",
            "maria",
            "--now",
            "2026-11-24T09:00:00Z",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "allowed: arn:aws:sts::111111111111:assumed-role/OpsEntry/maria",
        ))
        .stdout(predicate::str::contains(
            "expires        2026-11-24T10:00:00Z (3600 s)",
        ))
        .stdout(predicate::str::contains("ASIASIMULATED"));
}

#[test]
fn assume_failure_explains_and_proposes_a_fix_and_exits_1() {
    rolescope()
        .args(["assume", "--caller", "sam.patel", "--role", "arn:aws:iam::222222222222:role/ProdDatabaseAdmin", "--now", "2026-11-24T09:00:00Z"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("AccessDenied: User: arn:aws:iam::222222222222:user/people/sam.patel is not authorized to perform: sts:AssumeRole"))
        .stdout(predicate::str::contains("[MFA missing]"))
        .stdout(predicate::str::contains("fix: call with MFA"));
    rolescope()
        .args([
            "assume",
            "--caller",
            "sam.patel",
            "--role",
            "arn:aws:iam::222222222222:role/ProdDatabaseAdmin",
            "--mfa",
            "--now",
            "2026-11-24T09:00:00Z",
        ])
        .assert()
        .code(0);
}

#[test]
fn a_chain_over_one_hour_stops_at_the_first_chained_hop() {
    let out = rolescope()
        .args([
            "assume",
            "--caller",
            "maria.garcia",
            "--role",
            "OpsEntry",
            "--then",
            "ProdOperations",
            "--then",
            "ProdDataRepair",
            "--then-duration",
            "14400",
            "--json",
            "--now",
            "2026-11-24T09:00:00Z",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    let hops = v["hops"].as_array().expect("hops");
    assert_eq!(hops.len(), 2, "{v}");
    assert_eq!(
        hops[1]["error_message"],
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    );
}

#[test]
fn simulate_reads_json_lines_and_keeps_going_after_a_bad_line() {
    let input = concat!(
        r#"{"id": 1, "kind": "assume-role", "caller": "arn:aws:iam::111111111111:user/people/maria.garcia", "role": "arn:aws:iam::111111111111:role/OpsEntry", "role_session_name": "maria", "now": "2026-11-24T09:00:00Z"}"#,
        "\n{not json\n",
        r#"{"id": 3, "kind": "assume-role", "caller": "arn:aws:iam::111111111111:user/people/maria.garcia", "role": "arn:aws:iam::111111111111:role/OpsEntry", "role_session_name": "maria", "duration_seconds": 99999, "now": "2026-11-24T09:00:00Z"}"#,
        "\n"
    );
    let out = rolescope()
        .args(["simulate", "--requests", "-"])
        .write_stdin(input)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON result per line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["decision"], "allow");
    assert_eq!(lines[0]["id"], 1);
    assert_eq!(lines[1]["decision"], "error");
    assert_eq!(lines[2]["error_code"], "ValidationError");
    assert_eq!(
        lines[2]["error_message"],
        "1 validation error detected: Value '99999' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"
    );
}

#[test]
fn simulate_without_a_readable_requests_file_is_a_usage_error() {
    rolescope()
        .args(["simulate", "--requests", "/nonexistent/requests.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read the requests"));
}

/// The demo's AnalyticsReadOnly trusts account 111111111111, where nobody's policy names the
/// role, while li.wei's own policy in 333333333333 does: the fix `assume` proposes swaps the
/// mistaken account for the caller's (least privilege: a trust naming an account delegates
/// to every principal there whose own policy allows the call — IAM User Guide, "IAM JSON
/// policy elements: Principal", AWS account principals), the same fix the wizard applies.
#[test]
fn assume_fixes_a_trust_naming_the_wrong_account_by_swapping_it() {
    rolescope()
        .args([
            "assume",
            "--caller",
            "li.wei",
            "--role",
            "AnalyticsReadOnly",
            "--now",
            "2026-11-24T09:00:00Z",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "replace `arn:aws:iam::111111111111:root` with `arn:aws:iam::333333333333:root`",
        ))
        .stdout(predicate::str::contains(
            "the trust names the wrong account",
        ))
        .stdout(predicate::str::contains("add this statement to the trust policy").not());
}
