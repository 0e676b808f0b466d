//! `rolescope authorize` as a user meets it: exit 0 allowed, 1 denied, 2 error; the decision's
//! sentence on stdout; JSON for scripts. Runs against the demo organisation.

#![allow(clippy::unwrap_used, reason = "tests")]

use std::io::Write;

use assert_cmd::Command;
use predicates::prelude::*;

fn rolescope() -> Command {
    Command::cargo_bin("rolescope").unwrap()
}

fn authorize(principal: &str, action: &str, resource: &str) -> Command {
    let mut c = rolescope();
    c.args([
        "authorize",
        "--principal",
        principal,
        "--action",
        action,
        "--resource",
        resource,
        "--time",
        "2026-11-24T09:00:00Z",
    ]);
    c
}

fn policy_file(json: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(json.as_bytes()).unwrap();
    f
}

#[test]
fn an_allowed_request_exits_0_and_names_the_granting_statement() {
    authorize(
        "arn:aws:iam::222222222222:role/app/web-app-ec2",
        "s3:GetObject",
        "arn:aws:s3:::acme-prod-web-assets/logo.png",
    )
    .assert()
    .code(0)
    .stdout(predicate::str::starts_with("ALLOWED"))
    .stdout(predicate::str::contains("statement `WebTierReads`"));
}

#[test]
fn an_explicit_deny_from_a_bucket_policy_exits_1_with_aws_wording() {
    authorize(
        "arn:aws:iam::222222222222:role/app/reports-ec2",
        "s3:GetObject",
        "arn:aws:s3:::acme-prod-finance-reports/2026/11.csv",
    )
    .assert()
    .code(1)
    .stdout(predicate::str::contains(
        "is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::acme-prod-finance-reports/2026/11.csv with an explicit deny in a resource-based policy",
    ))
    .stdout(predicate::str::contains("OnlyFinanceRoles"));
}

#[test]
fn a_boundary_that_does_not_allow_is_an_implicit_deny() {
    authorize(
        "storefront-builder",
        "dynamodb:PutItem",
        "arn:aws:dynamodb:eu-west-1:333333333333:table/storefront-carts",
    )
    .assert()
    .code(1)
    .stdout(predicate::str::contains(
        "because no permissions boundary allows the dynamodb:PutItem action",
    ));
}

#[test]
fn an_scp_deny_wins_over_administrator_access() {
    authorize(
        "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole",
        "cloudtrail:StopLogging",
        "*",
    )
    .assert()
    .code(1)
    .stdout(predicate::str::contains(
        "with an explicit deny in a service control policy",
    ));
}

#[test]
fn context_keys_from_the_command_line_reach_the_conditions() {
    let cmd = || {
        authorize(
            "maria.garcia",
            "sts:AssumeRole",
            "arn:aws:iam::111111111111:role/BreakGlassAdmin",
        )
    };
    cmd()
        .assert()
        .code(1)
        .stdout(predicate::str::contains("aws:MultiFactorAuthPresent"));
    cmd()
        .args([
            "--context",
            "aws:MultiFactorAuthPresent=true",
            "--context",
            "aws:MultiFactorAuthAge=60",
        ])
        .assert()
        .code(0);
}

#[test]
fn json_output_carries_the_decision_and_the_context() {
    let out = authorize(
        "arn:aws:iam::222222222222:role/app/reports-ec2",
        "s3:GetObject",
        "arn:aws:s3:::acme-prod-finance-reports/2026/11.csv",
    )
    .arg("--json")
    .assert()
    .code(1)
    .get_output()
    .stdout
    .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["schema"], 1);
    assert_eq!(v["decision"]["outcome"], "ExplicitDeny");
    assert_eq!(v["decision"]["deciding"], "resource-based-policy");
    assert_eq!(
        v["context"]["aws:PrincipalArn"],
        "arn:aws:iam::222222222222:role/app/reports-ec2"
    );
    assert_eq!(v["context"]["aws:CurrentTime"], "2026-11-24T09:00:00Z");
}

#[test]
fn a_resource_policy_file_replaces_the_one_in_the_data() {
    let f = policy_file(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/app/reports-ec2"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-prod-finance-reports/*"}]}"#,
    );
    authorize(
        "arn:aws:iam::222222222222:role/app/reports-ec2",
        "s3:GetObject",
        "arn:aws:s3:::acme-prod-finance-reports/2026/11.csv",
    )
    .arg("--resource-policy")
    .arg(f.path())
    .assert()
    .code(0);
}

#[test]
fn an_scp_file_replaces_the_accounts_scps_and_its_findings_are_shown() {
    let f = policy_file(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Sid":"NoS3","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
    );
    authorize(
        "arn:aws:iam::222222222222:role/app/web-app-ec2",
        "s3:GetObject",
        "arn:aws:s3:::acme-prod-web-assets/logo.png",
    )
    .arg("--scp")
    .arg(f.path())
    .assert()
    .code(1)
    .stdout(predicate::str::contains("statement `NoS3`"))
    .stdout(predicate::str::contains("`Principal` is not allowed"));
}

#[test]
fn errors_exit_2_with_a_message_that_says_what_to_do() {
    authorize("nobody-such", "s3:GetObject", "*")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`nobody-such` is not a principal"));
    authorize("maria.garcia", "s3:GetObject", "*")
        .args(["--context", "novalue"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs KEY=VALUE"));
    let bad = policy_file("{\"Version\": ");
    authorize("maria.garcia", "s3:GetObject", "*")
        .arg("--resource-policy")
        .arg(bad.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not valid JSON: EOF while parsing a value at line 1, column 12",
        ));
    authorize("maria.garcia", "s3:GetObject", "*")
        .args(["--resource-policy", "/nonexistent/policy.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read `/nonexistent/policy.json`",
        ));
    authorize(
        "arn:aws:iam::111111111111:user/people/nobody",
        "s3:GetObject",
        "*",
    )
    .assert()
    .code(2)
    .stderr(predicate::str::contains("no user"));
}
