//! `rolescope collect` against a stand-in `aws` on PATH (tests/fixtures/collect/fake-aws):
//! pagination, and every failure path — a refused call, an expired SSO session, throttling,
//! a missing `aws`, output that is not JSON — each said in one line on stderr and recorded
//! in the bundle, without stopping the other calls.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};

const HOME: &str = "111111111111";
const MEMBER: &str = "222222222222";

struct Fake {
    dir: tempfile::TempDir,
}

#[expect(clippy::unwrap_used, reason = "test set-up")]
impl Fake {
    /// A directory with the fake `aws` (in `bin/`) and the answers of a small account.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/collect/fake-aws");
        // A link, not a copy: a file just written may still be open in a process another test
        // thread forks, and running it would then fail with "text file busy".
        std::os::unix::fs::symlink(&script, bin.join("aws")).unwrap();
        let answers = dir.path().join("answers");
        std::fs::create_dir(&answers).unwrap();
        let fake = Self { dir };
        fake.answer(
            "sts.get-caller-identity",
            &json!({"UserId": "AIDA", "Account": HOME, "Arn": format!("arn:aws:iam::{HOME}:user/admin")}),
        );
        fake.answer(
            "iam.get-account-authorization-details",
            &json!({
                "UserDetailList": [{"UserName": "admin", "UserId": "AIDA1", "Arn": format!("arn:aws:iam::{HOME}:user/admin"), "Path": "/"}],
                "GroupDetailList": [],
                "RoleDetailList": [role(HOME, "Deploy")],
                "Policies": []
            }),
        );
        fake.answer(
            "iam.list-roles",
            &json!({"Roles": [{"RoleName": "Deploy", "Arn": format!("arn:aws:iam::{HOME}:role/Deploy"), "MaxSessionDuration": 7200, "Path": "/", "RoleId": "AROADeploy"}]}),
        );
        fake.answer(
            "iam.list-open-id-connect-providers",
            &json!({"OpenIDConnectProviderList": [{"Arn": format!("arn:aws:iam::{HOME}:oidc-provider/token.actions.githubusercontent.com")}]}),
        );
        fake.answer(
            "iam.get-open-id-connect-provider",
            &json!({"Url": "token.actions.githubusercontent.com", "ClientIDList": ["sts.amazonaws.com"], "ThumbprintList": ["6938fd4d98bab03faadb97b34396831e3780aea1"]}),
        );
        fake.answer(
            "iam.list-saml-providers",
            &json!({"SAMLProviderList": [{"Arn": format!("arn:aws:iam::{HOME}:saml-provider/CorpIdP")}]}),
        );
        fake
    }

    fn answer(&self, name: &str, value: &Value) {
        let path = self.dir.path().join("answers").join(format!("{name}.json"));
        std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("bundle.json")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("calls.log")).unwrap_or_default()
    }

    /// `rolescope collect ARGS --out bundle.json` with the fake first on PATH and `fail`
    /// as its failure rules.
    fn collect(&self, fail: &str, args: &[&str]) -> assert_cmd::assert::Assert {
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Command::cargo_bin("rolescope")
            .unwrap()
            .arg("collect")
            .args(args)
            .arg("--out")
            .arg(self.out())
            .env("PATH", path)
            .env("FAKE_AWS_DIR", self.dir.path().join("answers"))
            .env("FAKE_AWS_FAIL", fail)
            .env("FAKE_AWS_LOG", self.dir.path().join("calls.log"))
            .assert()
    }

    fn bundle(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.out()).unwrap()).unwrap()
    }
}

fn role(account: &str, name: &str) -> Value {
    json!({
        "Path": "/", "RoleName": name, "RoleId": format!("AROA{name}"),
        "Arn": format!("arn:aws:iam::{account}:role/{name}"),
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "RolePolicyList": [], "AttachedManagedPolicies": [], "Tags": [], "InstanceProfileList": []
    })
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

fn parts(bundle: &Value, account: &str) -> Vec<String> {
    bundle["Accounts"][account]["Provenance"]["Collected"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect()
}

fn gaps(bundle: &Value, account: &str) -> Vec<Value> {
    bundle["Accounts"][account]["NotCollected"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_complete_account_is_written_with_its_provenance() {
    let fake = Fake::new();
    let a = fake.collect("", &[]).code(0);
    let err = stderr(&a);
    assert!(
        err.contains(
            "collected 1 account: 1 role, 1 user, 0 managed policies, 2 identity providers"
        ),
        "{err}"
    );
    let b = fake.bundle();
    let acct = &b["Accounts"][HOME];
    assert_eq!(
        parts(&b, HOME),
        ["authorization-details", "roles", "identity-providers"]
    );
    assert_eq!(
        acct["Provenance"]["CallerArn"],
        format!("arn:aws:iam::{HOME}:user/admin")
    );
    assert_eq!(
        acct["Provenance"]["CliVersion"],
        "aws-cli/2.99.0 Python/3.12.0 Linux/fake exe/x86_64"
    );
    assert_eq!(acct["NotCollected"], json!([]));
    let oidc = &acct["IdentityProviders"][0];
    assert_eq!(oidc["Type"], "OIDC");
    assert_eq!(oidc["Url"], "https://token.actions.githubusercontent.com");
    assert_eq!(
        oidc["ThumbprintList"],
        json!(["6938fd4d98bab03faadb97b34396831e3780aea1"])
    );
    assert_eq!(acct["IdentityProviders"][1]["Type"], "SAML");
    // list-roles keeps only what the export lacks.
    assert_eq!(acct["Roles"][0]["MaxSessionDuration"], 7200);
    assert!(acct["Roles"][0].get("AssumeRolePolicyDocument").is_none());
}

#[test]
fn pagination_follows_the_cli_next_token_and_keeps_each_entry_once() {
    let fake = Fake::new();
    fake.answer(
        "iam.get-account-authorization-details",
        &json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [role(HOME, "First")], "Policies": [], "NextToken": "page2"}),
    );
    fake.answer(
        "iam.get-account-authorization-details@page2",
        // The CLI's resume token repeats the non-primary keys of the page it truncated.
        &json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [role(HOME, "First"), role(HOME, "Second")], "Policies": [], "NextToken": "page3"}),
    );
    fake.answer(
        "iam.get-account-authorization-details@page3",
        &json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [role(HOME, "Third")], "Policies": []}),
    );
    fake.collect("", &[]).code(0);
    let names: Vec<Value> = fake.bundle()["Accounts"][HOME]["RoleDetailList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["RoleName"].clone())
        .collect();
    assert_eq!(names, [json!("First"), json!("Second"), json!("Third")]);
    let log = fake.log();
    assert!(
        log.contains("iam.get-account-authorization-details token=page2"),
        "{log}"
    );
    assert!(
        log.contains("iam.get-account-authorization-details token=page3"),
        "{log}"
    );
}

#[test]
fn a_token_that_comes_back_is_recorded_not_followed_forever() {
    let fake = Fake::new();
    fake.answer(
        "iam.list-roles",
        &json!({"Roles": [], "NextToken": "again"}),
    );
    fake.answer(
        "iam.list-roles@again",
        &json!({"Roles": [], "NextToken": "again"}),
    );
    let a = fake.collect("", &[]).code(1);
    assert!(stderr(&a).contains("the same NextToken"), "{}", stderr(&a));
    let g = gaps(&fake.bundle(), HOME);
    assert_eq!(g.len(), 1);
    assert_eq!(g[0]["Part"], "roles");
}

#[test]
fn access_denied_on_one_call_is_recorded_and_the_rest_collected() {
    let fake = Fake::new();
    let a = fake.collect("iam.list-saml-providers=denied", &[]).code(1);
    let err = stderr(&a);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("list-saml-providers"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("AccessDenied"), "{err}");
    assert!(err.contains("1 call not collected"), "{err}");
    let b = fake.bundle();
    assert_eq!(parts(&b, HOME), ["authorization-details", "roles"]);
    let g = gaps(&b, HOME);
    assert_eq!(g.len(), 1);
    assert_eq!(g[0]["Part"], "identity-providers");
    assert_eq!(g[0]["Call"], "iam list-saml-providers");
    assert!(
        g[0]["Message"]
            .as_str()
            .unwrap()
            .contains("is not authorized")
    );
    // The OIDC provider, listed by another call, is still there.
    assert_eq!(
        b["Accounts"][HOME]["IdentityProviders"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // And the bundle loads, its role with the collected MaxSessionDuration.
    let roles = Command::cargo_bin("rolescope")
        .unwrap()
        .args(["roles", "--json"])
        .arg(fake.out())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&roles.stdout).unwrap();
    assert_eq!(v["roles"][0]["max_session_duration"]["seconds"], 7200);
    // `roles` and `show` say how old the data is and what it lacks.
    let note = String::from_utf8_lossy(&roles.stderr);
    assert!(note.starts_with("note: data collected "), "{note}");
    assert!(note.contains("missing: identity-providers"), "{note}");
    assert_eq!(v["data"][0]["account"], HOME);
    assert_eq!(
        v["data"][0]["not_collected"][0]["call"],
        "iam list-saml-providers"
    );
    let show = Command::cargo_bin("rolescope")
        .unwrap()
        .args(["show", "Deploy", "--json"])
        .arg(fake.out())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&show.stdout).unwrap();
    assert!(
        v["data"]["missing"]
            .as_array()
            .unwrap()
            .contains(&json!("identity-providers"))
    );
    assert!(String::from_utf8_lossy(&show.stderr).contains("missing: identity-providers"));
}

#[test]
fn an_expired_sso_session_says_what_to_run_once_and_records_the_rest() {
    let fake = Fake::new();
    let a = fake
        .collect(
            "iam.get-account-authorization-details=sso-expired",
            &["--profile", "dev"],
        )
        .code(1);
    let err = stderr(&a);
    let advice: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("aws sso login --profile dev"))
        .collect();
    assert_eq!(advice.len(), 1, "{err}");
    let b = fake.bundle();
    let g = gaps(&b, HOME);
    assert!(
        g.iter()
            .any(|x| x["Call"] == "iam get-account-authorization-details"
                && x["Message"].as_str().unwrap().contains("Token has expired")),
        "{g:?}"
    );
    assert!(!parts(&b, HOME).contains(&"authorization-details".to_owned()));
}

#[test]
fn an_expired_sso_session_before_anything_is_one_line_and_no_file() {
    let fake = Fake::new();
    let a = fake
        .collect("sts.get-caller-identity=sso-expired", &["--profile", "dev"])
        .code(2);
    let err = stderr(&a);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: the AWS SSO session has expired"),
        "{err}"
    );
    assert!(err.contains("run `aws sso login --profile dev`"), "{err}");
    assert!(!fake.out().exists());
}

#[test]
fn a_profile_that_does_not_exist_is_one_line_and_no_file() {
    let fake = Fake::new();
    let a = fake
        .collect("sts.get-caller-identity=no-profile", &["--profile", "dev"])
        .code(2);
    let err = stderr(&a);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("the AWS CLI has no profile `dev`"), "{err}");
    assert!(err.contains("aws configure list-profiles"), "{err}");
    assert!(!fake.out().exists());
}

#[test]
fn a_throttled_call_is_tried_again_and_recorded_when_it_stays_throttled() {
    let fake = Fake::new();
    let a = fake
        .collect(
            "iam.list-roles=throttled-once iam.list-saml-providers=throttled",
            &[],
        )
        .code(1);
    let err = stderr(&a);
    let b = fake.bundle();
    // Throttled once: the second try answered.
    assert_eq!(b["Accounts"][HOME]["Roles"][0]["MaxSessionDuration"], 7200);
    let g = gaps(&b, HOME);
    assert_eq!(g.len(), 1, "{g:?}");
    assert_eq!(g[0]["Call"], "iam list-saml-providers");
    assert!(g[0]["Message"].as_str().unwrap().contains("Throttling"));
    assert_eq!(
        err.lines().filter(|l| l.contains("Throttling")).count(),
        1,
        "{err}"
    );
    let tries = fake
        .log()
        .lines()
        .filter(|l| l.starts_with("iam.list-saml-providers"))
        .count();
    assert_eq!(tries, 3, "one call and two more tries");
}

#[test]
fn garbage_output_is_recorded_as_not_collected() {
    let fake = Fake::new();
    let a = fake.collect("iam.list-roles=garbage", &[]).code(1);
    let err = stderr(&a);
    assert!(err.contains("`aws iam list-roles` not collected"), "{err}");
    assert!(err.contains("not JSON"), "{err}");
    let g = gaps(&fake.bundle(), HOME);
    assert_eq!(g[0]["Part"], "roles");
    assert!(g[0]["Message"].as_str().unwrap().contains("<html>"));
}

#[test]
fn a_missing_aws_program_is_one_line_and_no_file() {
    let fake = Fake::new();
    let empty = fake.dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let a = Command::cargo_bin("rolescope")
        .unwrap()
        .args(["collect", "--out"])
        .arg(fake.out())
        .env("PATH", &empty)
        .assert()
        .code(2);
    let err = stderr(&a);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("the AWS CLI `aws` is not on PATH"), "{err}");
    assert!(!fake.out().exists());
}

#[test]
fn member_accounts_are_collected_through_the_assumed_role() {
    let fake = Fake::new();
    fake.answer(
        "sts.assume-role",
        &json!({"Credentials": {"AccessKeyId": "ASIAMEMBER", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2030-01-01T00:00:00Z"},
                "AssumedRoleUser": {"Arn": format!("arn:aws:sts::{MEMBER}:assumed-role/Audit/rolescope-collect")}}),
    );
    fake.collect(
        "",
        &[
            "--accounts",
            &format!("{HOME},{MEMBER}"),
            "--assume-role",
            "Audit",
            "--external-id",
            "x-123",
            "--jobs",
            "2",
        ],
    )
    .code(0);
    let b = fake.bundle();
    assert_eq!(
        b["Accounts"][MEMBER]["Provenance"]["CallerArn"],
        format!("arn:aws:sts::{MEMBER}:assumed-role/Audit/rolescope-collect")
    );
    let log = fake.log();
    // The caller's own account with its own credentials, the member's with the role's.
    assert!(
        log.lines()
            .any(|l| l.starts_with("iam.list-roles") && l.ends_with("key=ASIAMEMBER")),
        "{log}"
    );
    assert!(
        log.lines()
            .any(|l| l.starts_with("iam.list-roles") && !l.ends_with("key=ASIAMEMBER")),
        "{log}"
    );
}

#[test]
fn a_role_that_cannot_be_assumed_leaves_the_account_recorded() {
    let fake = Fake::new();
    let a = fake
        .collect(
            "sts.assume-role=denied",
            &["--accounts", MEMBER, "--assume-role", "Audit"],
        )
        .code(1);
    let err = stderr(&a);
    assert_eq!(
        err.lines()
            .filter(|l| l.contains("cannot assume `Audit`"))
            .count(),
        1,
        "{err}"
    );
    let b = fake.bundle();
    assert_eq!(parts(&b, MEMBER), Vec::<String>::new());
    let g = gaps(&b, MEMBER);
    assert_eq!(g.len(), 3);
    assert!(g.iter().all(|x| x["Call"] == "sts assume-role"));
}

#[test]
fn other_accounts_need_a_role_to_assume() {
    let fake = Fake::new();
    let a = fake.collect("", &["--accounts", MEMBER]).code(2);
    assert!(
        stderr(&a).contains("add `--assume-role NAME`"),
        "{}",
        stderr(&a)
    );
    assert!(!fake.out().exists());
}

#[test]
fn merge_replaces_only_the_accounts_collected_now() {
    let fake = Fake::new();
    let old = json!({"Accounts": {
        "999999999999": {"Name": "kept", "RoleDetailList": [role("999999999999", "Old")]},
        HOME: {"Name": "replaced", "RoleDetailList": [role(HOME, "Gone")]}
    }});
    std::fs::write(fake.out(), old.to_string()).unwrap();
    fake.collect("", &["--merge"]).code(0);
    let b = fake.bundle();
    assert_eq!(b["Accounts"]["999999999999"]["Name"], "kept");
    assert_eq!(
        b["Accounts"][HOME]["RoleDetailList"][0]["RoleName"],
        "Deploy"
    );
    // Without --merge the file is the accounts collected now.
    fake.collect("", &[]).code(0);
    assert!(fake.bundle()["Accounts"].get("999999999999").is_none());
    // A file that is not a bundle is not merged into.
    std::fs::write(fake.out(), "[1, 2]").unwrap();
    let a = fake.collect("", &["--merge"]).code(2);
    assert!(stderr(&a).contains("is not a bundle"), "{}", stderr(&a));
}

/// The answers of an organisation whose management account is the caller's: a root with SCPs
/// and RCPs enabled, an OU, and a member account. The stand-in answers the same for every
/// parent and target, so the OU also names itself as its child and the member shows up under
/// both the root and the OU: each must be walked once.
fn organisation(fake: &Fake) {
    fake.answer(
        "organizations.describe-organization",
        &json!({"Organization": {"Id": "o-abc123", "MasterAccountId": HOME}}),
    );
    fake.answer(
        "organizations.list-roots",
        &json!({"Roots": [{"Id": "r-ab12", "Name": "Root", "PolicyTypes": [
            {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"},
            {"Type": "RESOURCE_CONTROL_POLICY", "Status": "PENDING_ENABLE"}]}]}),
    );
    fake.answer(
        "organizations.list-organizational-units-for-parent",
        &json!({"OrganizationalUnits": [{"Id": "ou-ab12-prod", "Name": "Prod"}]}),
    );
    fake.answer(
        "organizations.list-accounts-for-parent",
        &json!({"Accounts": [{"Id": MEMBER, "Name": "prod", "Status": "ACTIVE"}]}),
    );
    fake.answer(
        "organizations.list-policies-for-target",
        &json!({"Policies": [{"Id": "p-deny1", "Name": "DenyLeave", "Arn": "arn:aws:organizations::111111111111:policy/o-abc123/service_control_policy/p-deny1", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": false}]}),
    );
    fake.answer(
        "organizations.describe-policy",
        &json!({"Policy": {"PolicySummary": {"Id": "p-deny1"},
            "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"organizations:LeaveOrganization\",\"Resource\":\"*\"}]}"}}),
    );
}

#[test]
fn the_organisation_alone_gives_every_account_its_place_and_guardrails() {
    let fake = Fake::new();
    organisation(&fake);
    let a = fake.collect("", &["--org"]).code(0);
    assert!(
        stderr(&a).contains("collected 2 accounts"),
        "{}",
        stderr(&a)
    );
    let b = fake.bundle();
    let m = &b["Accounts"][MEMBER];
    assert_eq!(m["Name"], "prod");
    // Only the organisation's parts: its IAM data was not asked for.
    assert_eq!(parts(&b, MEMBER), ["organization", "scps", "rcps"]);
    assert!(m.get("RoleDetailList").is_none());
    let org = &m["Organization"];
    assert_eq!(org["Id"], "o-abc123");
    assert_eq!(org["IsManagementAccount"], false);
    assert_eq!(org["Parents"], json!([{"Id": "r-ab12", "Name": "Root"}]));
    assert_eq!(org["EnabledPolicyTypes"], json!(["SERVICE_CONTROL_POLICY"]));
    let levels: Vec<&Value> = org["ScpsByLevel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["Target"])
        .collect();
    assert_eq!(levels, [&json!("r-ab12"), &json!(MEMBER)]);
    assert_eq!(
        org["ScpsByLevel"][0]["Policies"][0]["Statement"][0]["Effect"],
        "Deny"
    );
    assert_eq!(
        org["ScpsByLevel"][0]["PolicySummaries"][0]["Name"],
        "DenyLeave"
    );
    // RCPs are not enabled (only pending): no levels, which is not the same as a level with none.
    assert_eq!(org["RcpsByLevel"], json!([]));
    assert_eq!(
        b["Accounts"][HOME]["Organization"]["IsManagementAccount"],
        true
    );
    // The OU that names itself is walked once.
    let walks = fake
        .log()
        .lines()
        .filter(|l| l.starts_with("organizations.list-organizational-units-for-parent"))
        .count();
    assert_eq!(walks, 2, "the root and the OU");
}

#[test]
fn a_refused_organisation_call_is_recorded_on_every_account_it_leaves_unknown() {
    let fake = Fake::new();
    organisation(&fake);
    let a = fake
        .collect("organizations.list-roots=denied", &["--org"])
        .code(1);
    assert_eq!(
        stderr(&a)
            .lines()
            .filter(|l| l.contains("list-roots"))
            .count(),
        1,
        "{}",
        stderr(&a)
    );
    let b = fake.bundle();
    let g = gaps(&b, HOME);
    let parts_missing: Vec<&Value> = g.iter().map(|x| &x["Part"]).collect();
    assert_eq!(
        parts_missing,
        [&json!("organization"), &json!("scps"), &json!("rcps")]
    );
    assert!(g.iter().all(|x| x["Call"] == "organizations list-roots"));
    // What describe-organization said is kept.
    assert_eq!(b["Accounts"][HOME]["Organization"]["Id"], "o-abc123");
    assert!(
        b["Accounts"][HOME]["Organization"]
            .get("ScpsByLevel")
            .is_none()
    );
    assert_eq!(
        parts(&b, HOME),
        ["authorization-details", "roles", "identity-providers"]
    );
}

#[test]
fn the_configuration_files_collect_profile_is_used_when_the_command_line_names_none() {
    let fake = Fake::new();
    let config = fake.dir.path().join("config.toml");
    std::fs::write(&config, "[collect]\nprofile = \"audit\"\njobs = 2\n").unwrap();
    let path = format!(
        "{}:{}",
        fake.dir.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let a = Command::cargo_bin("rolescope")
        .unwrap()
        .args(["collect", "--out"])
        .arg(fake.out())
        .env("ROLESCOPE_CONFIG", &config)
        .env("PATH", path)
        .env("FAKE_AWS_DIR", fake.dir.path().join("answers"))
        .env("FAKE_AWS_FAIL", "sts.get-caller-identity=sso-expired")
        .env("FAKE_AWS_LOG", fake.dir.path().join("calls.log"))
        .assert()
        .code(2);
    let err = stderr(&a);
    assert!(err.contains("run `aws sso login --profile audit`"), "{err}");
}
