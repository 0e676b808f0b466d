//! Every shape the AWS CLI (and the tools around it) prints, as a user hands it to rolescope:
//! a policy wrapped by the command that fetched it is unwrapped and evaluated whole or not at
//! all; shapes rolescope does not load say what they are and what to load instead; a folder
//! skips what is not IAM data; special files and endless streams are read within a bound.
//! The files are in tests/fixtures/shapes, shaped as the AWS CLI v1 prints them (`--output
//! json`, four-space indent), with the roles taken from the moto export.

#![allow(clippy::unwrap_used, reason = "tests")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use rolescope::engine::load::{self, LoadError, policy_file};
use rolescope::engine::policy::PolicyUse;

fn shape(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/shapes")
        .join(name)
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn rolescope() -> Command {
    Command::cargo_bin("rolescope").unwrap()
}

/// `authorize` against the demo organisation at a fixed time.
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

const REPORTS: &str = "arn:aws:iam::222222222222:role/app/reports-ec2";
const WEB: &str = "arn:aws:iam::222222222222:role/app/web-app-ec2";

#[test]
fn get_bucket_policy_output_is_evaluated_with_its_deny() {
    // `aws s3api get-bucket-policy` prints `{"Policy": "<the document as a JSON string>"}`
    // (AWS CLI reference, s3api get-bucket-policy, example output).
    let f = shape("s3api-get-bucket-policy.json");
    authorize(
        REPORTS,
        "s3:GetObject",
        "arn:aws:s3:::acme-prod-finance-reports/payroll/2026-11.csv",
    )
    .arg("--resource-policy")
    .arg(&f)
    .assert()
    .code(1)
    .stdout(predicate::str::contains("explicit deny"))
    .stdout(predicate::str::contains("statement `NoPayroll`"))
    .stderr(predicate::str::is_empty());
    authorize(
        REPORTS,
        "s3:GetObject",
        "arn:aws:s3:::acme-prod-finance-reports/2026/11.csv",
    )
    .arg("--resource-policy")
    .arg(&f)
    .assert()
    .code(0)
    .stdout(predicate::str::contains("statement `ReportsReaders`"));
}

#[test]
fn describe_policy_output_is_applied_as_the_scp() {
    // `aws organizations describe-policy` prints `{"Policy": {"PolicySummary": …, "Content":
    // "<the document as a JSON string>"}}` (Organizations API reference, DescribePolicy).
    let resource = "arn:aws:s3:::acme-prod-web-assets/logo.png";
    authorize(WEB, "s3:GetObject", resource)
        .arg("--scp")
        .arg(shape("organizations-describe-policy-deny-s3.json"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("service control policy"))
        .stdout(predicate::str::contains("statement `DenyS3`"));
    authorize(WEB, "s3:GetObject", resource)
        .arg("--scp")
        .arg(shape("organizations-describe-policy-FullAWSAccess.json"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ALLOWED"));
}

#[test]
fn a_tag_policy_is_not_taken_as_an_scp() {
    authorize(WEB, "s3:GetObject", "*")
        .arg("--scp")
        .arg(shape("organizations-describe-policy-tag-policy.json"))
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("`TAG_POLICY`"))
        .stderr(predicate::str::contains("`$.Policy.PolicySummary.Type`"));
}

#[test]
fn each_commands_output_gives_its_policy_document() {
    let cases = [
        (
            "s3api-get-bucket-policy.json",
            "aws s3api get-bucket-policy",
            "NoPayroll",
        ),
        (
            "kms-get-key-policy.json",
            "aws kms get-key-policy",
            "Enable IAM User Permissions",
        ),
        (
            "sqs-get-queue-attributes.json",
            "aws sqs get-queue-attributes",
            "DenyOutsideOrg",
        ),
        (
            "sns-get-topic-attributes.json",
            "aws sns get-topic-attributes",
            "__default_statement_ID",
        ),
        (
            "lambda-get-policy.json",
            "aws lambda get-policy",
            "s3-invoke",
        ),
        (
            "secretsmanager-get-resource-policy.json",
            "aws secretsmanager get-resource-policy",
            "",
        ),
        (
            "ecr-get-repository-policy.json",
            "aws ecr get-repository-policy",
            "AllowPull",
        ),
    ];
    for (file, command, sid) in cases {
        let f = policy_file::read(&shape(file), 1 << 20, PolicyUse::ResourceBased)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(f.command, Some(command), "{file}");
        assert!(!f.document.statements.is_empty(), "{file}");
        if !sid.is_empty() {
            assert_eq!(
                f.document.statements.last().unwrap().sid.as_deref(),
                Some(sid),
                "{file}"
            );
        }
    }
    let scp = policy_file::read(
        &shape("organizations-describe-policy-deny-s3.json"),
        1 << 20,
        PolicyUse::ServiceControlPolicy,
    )
    .unwrap();
    assert_eq!(scp.command, Some("aws organizations describe-policy"));
    assert_eq!(scp.json_path, "$.Policy.Content");
}

#[test]
fn a_policy_file_with_an_unreadable_part_is_refused_not_evaluated_without_it() {
    let dir = tempfile::tempdir().unwrap();
    // The Deny's condition value is an object, which no condition operator reads: evaluating
    // the rest would ignore that statement.
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},{"Sid":"Guard","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":{"not":"a string"}}}}]}"#;
    let bare = dir.path().join("bare.json");
    std::fs::write(&bare, doc).unwrap();
    let wrapped = dir.path().join("wrapped.json");
    std::fs::write(&wrapped, serde_json::json!({ "Policy": doc }).to_string()).unwrap();
    authorize(
        REPORTS,
        "s3:GetObject",
        "arn:aws:s3:::acme-prod-finance-reports/a.csv",
    )
    .arg("--resource-policy")
    .arg(&bare)
    .assert()
    .code(2)
    .stdout(predicate::str::is_empty())
    .stderr(predicate::str::contains("bare.json"))
    .stderr(predicate::str::contains("`$.Statement[1].Condition"));
    authorize(WEB, "s3:GetObject", "*")
        .arg("--scp")
        .arg(&wrapped)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("`$.Policy`"))
        .stderr(predicate::str::contains("`$.Statement[1].Condition"));
    // A wrapper that carries no policy says so.
    authorize(WEB, "s3:GetObject", "*")
        .arg("--resource-policy")
        .arg(shape("sqs-get-queue-attributes-no-policy.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no `Policy` attribute"));
}

#[test]
fn shapes_rolescope_does_not_load_say_what_they_are_and_what_to_load() {
    let cases = [
        (
            "organizations-list-policies.json",
            "aws organizations list-policies",
            "describe-policy",
        ),
        (
            "iam-list-policies.json",
            "aws iam list-policies",
            "get-account-authorization-details",
        ),
        (
            "iam-list-attached-role-policies.json",
            "list-attached-role-policies",
            "get-account-authorization-details",
        ),
        (
            "cloudsplaining-iam-results.json",
            "cloudsplaining results",
            "cloudsplaining download",
        ),
        (
            "terraform-plan.json",
            "Terraform plan",
            "get-account-authorization-details",
        ),
        (
            "cloudformation-template.json",
            "CloudFormation template",
            "get-account-authorization-details",
        ),
        ("list-roles.yaml", "YAML", "--output json"),
        (
            "s3api-get-bucket-policy.json",
            "aws s3api get-bucket-policy",
            "--resource-policy",
        ),
        (
            "organizations-describe-policy-deny-s3.json",
            "aws organizations describe-policy",
            "--scp",
        ),
    ];
    for (file, what, instead) in cases {
        let e = load::load_paths(&[shape(file)]).unwrap_err();
        assert!(matches!(e, LoadError::NotUsed { .. }), "{file}: {e:?}");
        let msg = e.to_string();
        assert!(msg.contains(file), "{msg}");
        assert!(msg.contains(what), "{file}: {msg}");
        assert!(msg.contains(instead), "{file}: {msg}");
        rolescope()
            .arg("roles")
            .arg(shape(file))
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(what));
    }
}

#[test]
fn a_top_level_array_of_roles_and_a_bare_role_are_read() {
    // `aws iam list-roles --query 'Roles'` and `aws iam get-role --query 'Role'`.
    let inv = load::load_paths(&[shape("iam-list-roles-query-roles.json")]).unwrap();
    assert_eq!(inv.roles.len(), 17);
    assert!(inv.roles.iter().all(|r| matches!(
        r.max_session_duration,
        rolescope::engine::model::Known::Known(_)
    )));
    let inv = load::load_paths(&[shape("iam-get-role-query-role.json")]).unwrap();
    assert_eq!(inv.roles.len(), 1);
    assert_eq!(inv.roles[0].name, "DeveloperRole");
    assert!(inv.roles[0].permissions_boundary.is_some());
    // With the export, they fill in what it lacks, as `list-roles` output does.
    let inv = load::load_paths(&[
        fixture("moto-account-authz-inuse.json"),
        shape("iam-list-roles-query-roles.json"),
    ])
    .unwrap();
    assert_eq!(inv.roles.len(), 17);
    assert!(inv.roles.iter().all(|r| matches!(
        r.max_session_duration,
        rolescope::engine::model::Known::Known(_)
    )));
    // An array of something else is refused at the element.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("users.json");
    std::fs::write(
        &p,
        r#"[{"UserName": "bob", "Arn": "arn:aws:iam::123456789012:user/bob"}]"#,
    )
    .unwrap();
    match load::load_paths(&[p]).unwrap_err() {
        LoadError::Shape {
            json_path, message, ..
        } => {
            assert_eq!(json_path, "$[0]");
            assert!(message.contains("read as roles"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_folder_loads_its_export_and_warns_once_about_each_other_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("moto-account-authz-inuse.json"),
        dir.path().join("account.json"),
    )
    .unwrap();
    std::fs::copy(
        shape("s3api-get-bucket-policy.json"),
        dir.path().join("bucket.json"),
    )
    .unwrap();
    std::fs::copy(shape("terraform-plan.json"), dir.path().join("plan.json")).unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        r#"{"name": "x", "version": "1.0.0"}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.json"), "").unwrap();
    let inv = load::load_paths(&[dir.path().to_owned()]).unwrap();
    assert_eq!(inv.roles.len(), 17);
    for name in ["bucket.json", "plan.json", "package.json", "empty.json"] {
        let n = inv
            .warnings
            .iter()
            .filter(|w| w.source.ends_with(name))
            .count();
        assert_eq!(n, 1, "{name}: {:?}", inv.warnings);
    }
    let out = rolescope()
        .arg("roles")
        .arg(dir.path())
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    for name in ["bucket.json", "plan.json", "package.json", "empty.json"] {
        assert_eq!(
            stderr.lines().filter(|l| l.contains(name)).count(),
            1,
            "{name}: {stderr}"
        );
    }
    assert!(stderr.contains("skipped, not IAM data"), "{stderr}");
    // A broken export in a folder is still an error: it is IAM data that cannot be read.
    std::fs::write(
        dir.path().join("broken.json"),
        r#"{"RoleDetailList": [{"Arn": 5}]}"#,
    )
    .unwrap();
    assert!(load::load_paths(&[dir.path().to_owned()]).is_err());
}

#[cfg(unix)]
#[test]
fn a_folder_follows_links_only_to_files_inside_it() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.json");
    std::fs::copy(fixture("moto-list-roles.json"), &secret).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("moto-account-authz-inuse.json"),
        dir.path().join("account.json"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("roles.json")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("passwd.json")).unwrap();
    let inv = load::load_paths(&[dir.path().to_owned()]).unwrap();
    assert!(
        !inv.sources
            .iter()
            .any(|s| s.ends_with("roles.json") || s.ends_with("passwd.json")),
        "{:?}",
        inv.sources
    );
    for name in ["roles.json", "passwd.json"] {
        assert!(
            inv.warnings
                .iter()
                .any(|w| w.source.ends_with(name) && w.message.contains("outside the folder")),
            "{name}: {:?}",
            inv.warnings
        );
    }
    // A link to a file inside the folder is followed.
    std::os::unix::fs::symlink(
        dir.path().join("account.json"),
        dir.path().join("same.json"),
    )
    .unwrap();
    let inv = load::load_paths(&[dir.path().to_owned()]).unwrap();
    assert!(inv.sources.iter().any(|s| s.ends_with("same.json")));
    // Named on its own, a link is the user's choice and is read.
    assert!(load::load_paths(&[dir.path().join("roles.json")]).is_ok());
}

/// Runs `rolescope ARGS` with its address space capped at 1 GiB, so a read without bound
/// fails (allocation failure) instead of eating the machine.
#[cfg(target_os = "linux")]
fn capped(args: &str) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("rolescope");
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1048576; exec '{}' {args}",
            bin.display()
        ))
        .output()
        .unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn dev_zero_is_refused_as_binary_without_reading_it_all() {
    for args in [
        "roles /dev/zero",
        "authorize --principal maria.garcia --action s3:GetObject --resource '*' --scp /dev/zero",
        "authorize --principal maria.garcia --action s3:GetObject --resource '*' --resource-policy /dev/zero",
    ] {
        let out = capped(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args}: {stderr}");
        assert!(
            stderr.contains("`/dev/zero` is not a text file"),
            "{args}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{args}: {stderr}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_endless_text_stream_stops_at_the_limit_which_the_message_names() {
    // `yes` never ends; the limit, lowered here, ends the read.
    let bin = assert_cmd::cargo::cargo_bin("rolescope");
    for option in [
        "",
        "authorize --principal maria.garcia --action s3:GetObject --resource '*' --scp",
    ] {
        let cmd = if option.is_empty() {
            format!(
                "yes ' ' | ROLESCOPE_MAX_FILE_BYTES=100000 '{}' roles /dev/stdin",
                bin.display()
            )
        } else {
            format!(
                "yes ' ' | ROLESCOPE_MAX_FILE_BYTES=100000 '{}' {option} /dev/stdin",
                bin.display()
            )
        };
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -v 1048576; {cmd}"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {stderr}");
        assert!(stderr.contains("more than the 100000 bytes"), "{stderr}");
        assert!(stderr.contains("ROLESCOPE_MAX_FILE_BYTES"), "{stderr}");
    }
}
