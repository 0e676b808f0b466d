//! Honest answers on incomplete real data: every command says "unknown", naming the missing
//! piece and the command that fetches it, where the loaded files do not settle the answer —
//! and gives the definite answer once the piece is loaded. Runs on the moto exports in
//! tests/fixtures (real AWS CLI output shapes; see /tests/fixtures and the data README):
//! `moto-account-authz-inuse.json` is the account's full authorization-details export (it
//! carries no identity providers, as real ones do not), `moto-account-authz-local.json` the
//! same with `--filter … LocalManagedPolicy` (no AWS managed policies), `moto-list-roles.json`
//! a `list-roles` output (no permission policies at all).

#![allow(clippy::unwrap_used, reason = "tests")]

use std::io::Write;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const FULL: &str = "tests/fixtures/moto-account-authz-inuse.json";
const LOCAL: &str = "tests/fixtures/moto-account-authz-local.json";
const LIST_ROLES: &str = "tests/fixtures/moto-list-roles.json";
const SAML_LIST: &str = "tests/fixtures/moto-list-saml-providers.json";
const OIDC_LIST: &str = "tests/fixtures/moto-list-open-id-connect-providers.json";

const ADMIN_SESSION: &str = "arn:aws:sts::123456789012:assumed-role/AdminMFA/s";
const ADMIN_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

fn rolescope() -> Command {
    Command::cargo_bin("rolescope").unwrap()
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap()
}

fn external(files: &[&str]) -> Value {
    let out = rolescope()
        .arg("external")
        .arg("--json")
        .args(files)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    json_of(&out)
}

fn status_of(doc: &Value, role: &str) -> String {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"].as_str().unwrap().ends_with(role))
        .unwrap_or_else(|| panic!("no finding for {role}: {doc}"))["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn external_access_through_a_provider_not_in_the_export_is_unknown_until_the_provider_lists_are_loaded()
 {
    // get-account-authorization-details lists no identity providers: whether CorpIdP and
    // the GitHub provider are registered is not in the data.
    let alone = external(&[FULL]);
    assert_eq!(status_of(&alone, "role/federated/SAMLDeveloper"), "unknown");
    assert_eq!(
        status_of(&alone, "role/deploy/GitHubActionsDeploy"),
        "unknown"
    );
    let text = rolescope()
        .args(["external", FULL])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("unknown: whether identity provider `arn:aws:iam::123456789012:saml-provider/CorpIdP` is registered"),
        "{text}"
    );
    assert!(!text.contains("blocked"), "{text}");
    // Each unknown names the command that would fetch the missing provider list.
    assert!(
        text.contains("fetch it with `aws iam list-saml-providers`"),
        "{text}"
    );
    assert!(
        text.contains("fetch it with `aws iam list-open-id-connect-providers`"),
        "{text}"
    );

    // With both provider lists the providers are known: the findings are active.
    let listed = external(&[FULL, SAML_LIST, OIDC_LIST]);
    assert_eq!(status_of(&listed, "role/federated/SAMLDeveloper"), "active");
    assert_eq!(
        status_of(&listed, "role/deploy/GitHubActionsDeploy"),
        "active"
    );

    // `list-saml-providers` lists SAML providers only: the OIDC one stays unknown.
    let saml_only = external(&[FULL, SAML_LIST]);
    assert_eq!(
        status_of(&saml_only, "role/federated/SAMLDeveloper"),
        "active"
    );
    assert_eq!(
        status_of(&saml_only, "role/deploy/GitHubActionsDeploy"),
        "unknown"
    );
}

#[test]
fn a_provider_the_lists_do_not_hold_is_blocked_not_unknown() {
    // The account's OIDC providers are listed, and the list is empty: the provider is not
    // registered, and STS refuses (IAM-RULES §2.1).
    let mut empty = tempfile::NamedTempFile::new().unwrap();
    empty
        .write_all(
            br#"{"Accounts": {"123456789012": {"OpenIDConnectProviderList": [], "SAMLProviderList": []}}}"#,
        )
        .unwrap();
    let doc = external(&[FULL, empty.path().to_str().unwrap()]);
    assert_eq!(
        status_of(&doc, "role/deploy/GitHubActionsDeploy"),
        "blocked"
    );
    assert_eq!(status_of(&doc, "role/federated/SAMLDeveloper"), "blocked");
}

#[test]
fn a_failed_provider_listing_recorded_by_the_collector_makes_the_provider_unknown() {
    let mut bundle = tempfile::NamedTempFile::new().unwrap();
    bundle
        .write_all(
            br#"{"Accounts": {"123456789012": {"IdentityProviders": [],
                "NotCollected": [{"Part": "identity-providers", "Call": "iam list-saml-providers",
                                  "Message": "AccessDenied: not authorized to perform iam:ListSAMLProviders"}]}}}"#,
        )
        .unwrap();
    let out = rolescope()
        .args(["external", FULL, bundle.path().to_str().unwrap()])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("`aws iam list-saml-providers` failed while collecting (AccessDenied"),
        "{text}"
    );
}

fn authorize(files: &[&str], principal: &str, action: &str) -> Command {
    let mut c = rolescope();
    c.args([
        "authorize",
        "--principal",
        principal,
        "--action",
        action,
        "--resource",
        "*",
        "--time",
        "2026-11-24T09:00:00Z",
    ])
    .args(files);
    c
}

#[test]
fn authorize_exits_3_naming_an_aws_managed_policy_absent_from_a_filtered_export() {
    authorize(&[LOCAL], ADMIN_SESSION, "iam:ListRoles")
        .assert()
        .code(3)
        .stdout(predicate::str::starts_with("UNKNOWN"))
        .stdout(predicate::str::contains(format!(
            "managed policy `{ADMIN_ACCESS}` (attached to role `AdminMFA`) is not in the loaded data; it is the AWS managed policy `AdministratorAccess`"
        )))
        .stdout(predicate::str::contains(format!(
            "fetch: aws iam get-policy-version --policy-arn {ADMIN_ACCESS}"
        )))
        // One piece decides: the answer either way.
        .stdout(predicate::str::contains(
            "allowed if iam:ListRoles on * is allowed by the AWS managed policy `AdministratorAccess`",
        ));
    // With the policy in the data the answer is definite.
    authorize(&[FULL], ADMIN_SESSION, "iam:ListRoles")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("ALLOWED"));
}

#[test]
fn authorize_json_says_unknown_with_the_missing_pieces() {
    let out = authorize(&[LOCAL], ADMIN_SESSION, "iam:ListRoles")
        .arg("--json")
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let doc = json_of(&out);
    assert_eq!(doc["decision"]["outcome"], "Unknown", "{doc}");
    let missing = doc["decision"]["missing"].as_array().unwrap();
    assert_eq!(missing.len(), 1, "{doc}");
    assert_eq!(missing[0]["part"], "authorization-details");
    assert!(
        missing[0]["what"].as_str().unwrap().contains(ADMIN_ACCESS),
        "{doc}"
    );
}

#[test]
fn a_missing_policy_that_cannot_change_the_answer_leaves_it_definite() {
    // DeveloperRole's permissions boundary DevBoundary (customer managed, in the filtered
    // export) and DeveloperAccess decide; nothing AWS managed is attached to it, so the
    // filtered export answers as the full one.
    for files in [[LOCAL], [FULL]] {
        authorize(
            &files,
            "arn:aws:sts::123456789012:assumed-role/DeveloperRole/s",
            "iam:CreateUser",
        )
        .assert()
        .code(1);
    }
}

#[test]
fn a_role_known_only_from_list_roles_is_unknown_everywhere_and_never_can_do_nothing() {
    authorize(&[LIST_ROLES], ADMIN_SESSION, "s3:ListAllMyBuckets")
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "the permission policies of role `arn:aws:iam::123456789012:role/AdminMFA` are not in the loaded data",
        ))
        .stdout(predicate::str::contains(
            "fetch: aws iam get-account-authorization-details",
        ));
    rolescope()
        .args(["show", "AdminMFA", LIST_ROLES])
        .assert()
        .success()
        .stdout(predicate::str::contains("can do nothing").not())
        .stdout(predicate::str::contains(
            "unknown: only `list-roles`/`get-role` output describes this role",
        ));
    let out = rolescope()
        .args(["show", "AdminMFA", "--json", LIST_ROLES])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_of(&out)["policies_loaded"], false);
    // With the export the role is what it is.
    let out = rolescope()
        .args(["show", "AdminMFA", "--json", FULL, LIST_ROLES])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_of(&out)["policies_loaded"], true);
}

#[test]
fn no_command_says_can_do_nothing_for_a_role_whose_policies_are_missing() {
    for role in ["AdminMFA", "BreakGlass", "ReadOnlyAnalyst", "ec2-web-app"] {
        for files in [&[LOCAL][..], &[LIST_ROLES][..]] {
            rolescope()
                .args(["show", role])
                .args(files)
                .assert()
                .success()
                .stdout(predicate::str::contains("can do nothing").not());
        }
    }
}

#[test]
fn simulate_answers_unknown_with_a_missing_list() {
    let req = r#"{"kind": "authorize", "id": 1, "principal": {"arn": "arn:aws:sts::123456789012:assumed-role/AdminMFA/s"}, "action": "iam:ListRoles", "resource": "*", "now": "2026-11-24T09:00:00Z"}"#;
    let out = rolescope()
        .args(["simulate", "--requests", "-", LOCAL])
        .write_stdin(req)
        .assert()
        .get_output()
        .stdout
        .clone();
    let doc: Value = serde_json::from_slice(out.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(doc["decision"], "unknown", "{doc}");
    assert!(doc["error_code"].is_null(), "{doc}");
    let missing = doc["missing"].as_array().unwrap();
    assert!(
        missing[0]["what"].as_str().unwrap().contains(ADMIN_ACCESS),
        "{doc}"
    );
    assert!(
        missing[0]["fetch"]
            .as_str()
            .unwrap()
            .starts_with("aws iam get-policy-version"),
        "{doc}"
    );
}

#[test]
fn assume_stops_the_chain_at_an_unknown_hop_and_says_why() {
    rolescope()
        .args([
            "assume",
            "--caller",
            "arn:aws:iam::123456789012:role/AdminMFA",
            "--role",
            "arn:aws:iam::123456789012:role/team/DeveloperRole",
            "--then",
            "ChainRoleA",
            "--now",
            "2026-11-24T09:00:00Z",
            LOCAL,
        ])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "unknown: whether STS would allow this hop depends on data that is not loaded",
        ))
        .stdout(predicate::str::contains(ADMIN_ACCESS))
        .stdout(predicate::str::contains(
            "the chain stops here: whether this hop gets a session is unknown",
        ))
        .stdout(predicate::str::contains("hop 2").not());
    // With AdministratorAccess loaded, AdminMFA gets into DeveloperRole (its trust names
    // the account; the admin policy allows the call).
    rolescope()
        .args([
            "assume",
            "--caller",
            "arn:aws:iam::123456789012:role/AdminMFA",
            "--role",
            "arn:aws:iam::123456789012:role/team/DeveloperRole",
            "--now",
            "2026-11-24T09:00:00Z",
            FULL,
        ])
        .assert()
        .code(0);
}

#[test]
fn a_caller_from_an_account_not_loaded_is_unknown_not_assumed_to_allow() {
    // CrossAccountAuditor trusts account 111122223333 with an external ID; that account's
    // policies are not in the data.
    rolescope()
        .args([
            "assume",
            "--caller",
            "arn:aws:iam::111122223333:user/auditor",
            "--role",
            "CrossAccountAuditor",
            "--external-id",
            "ExampleExternalId-7f3a",
            "--now",
            "2026-11-24T09:00:00Z",
            FULL,
        ])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "account 111122223333 is not in the loaded data, so the identity policies, boundary and SCPs of `arn:aws:iam::111122223333:user/auditor` are unknown",
        ));
}

#[test]
fn who_can_assume_reach_and_path_mark_hops_that_turn_on_missing_policies_unknown() {
    let role = "arn:aws:iam::123456789012:role/team/DeveloperRole";
    let admin = "arn:aws:iam::123456789012:role/AdminMFA";
    let out = rolescope()
        .args(["who-can-assume", role, "--json", LOCAL])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc = json_of(&out);
    assert!(!doc["unknown"].as_array().unwrap().is_empty(), "{doc}");
    assert!(
        doc["unknown"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["status"]["state"] == "unknown"),
        "{doc}"
    );
    assert!(
        doc["broken"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["status"]["state"] == "broken"),
        "{doc}"
    );
    rolescope()
        .args(["who-can-assume", role, LOCAL])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "role AdminMFA (123456789012): unknown: managed policy `arn:aws:iam::aws:policy/AdministratorAccess`",
        ));
    // With the full export AdminMFA is a working caller.
    rolescope()
        .args(["who-can-assume", role, FULL])
        .assert()
        .success()
        .stdout(predicate::str::contains("role AdminMFA (123456789012)"))
        .stdout(predicate::str::contains("unknown:").not());
    rolescope()
        .args(["reach", admin, LOCAL])
        .assert()
        .stdout(predicate::str::contains(
            "role AdminMFA (123456789012) -> role DeveloperRole (123456789012): unknown:",
        ));
    rolescope()
        .args(["path", admin, role, LOCAL])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("unknown: whether"));
    rolescope()
        .args(["graph", "--role", role, "--format", "dot", LOCAL])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "unknown: the AWS managed policy `AdministratorAccess` not loaded",
        ))
        .stdout(predicate::str::contains("style=dotted"));
}

#[test]
fn a_hop_from_an_account_not_loaded_is_unknown_in_every_trust_graph_answer() {
    // CrossAccountAuditor trusts account 111122223333 (with an external ID), which is not in
    // the data: whether any of its principals may call AssumeRole turns on that account's
    // identity policies and SCPs. Every graph answer says unknown and names the account.
    let role = "arn:aws:iam::123456789012:role/CrossAccountAuditor";
    let doc = external(&[FULL]);
    assert_eq!(status_of(&doc, "role/CrossAccountAuditor"), "unknown");
    let text = rolescope()
        .args(["external", FULL])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("role CrossAccountAuditor (123456789012) <- account 111122223333"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("unknown: account 111122223333 is not in the loaded data")
            && line.contains(
                "fetch it with `aws iam get-account-authorization-details (with credentials for account 111122223333)`"
            ),
        "{line}"
    );

    let out = rolescope()
        .args(["who-can-assume", role, "--json", FULL])
        .assert()
        .get_output()
        .stdout
        .clone();
    let doc = json_of(&out);
    let unknown = doc["unknown"].as_array().unwrap();
    assert!(
        unknown.iter().any(|e| e
            .to_string()
            .contains("account 111122223333 is not in the loaded data")),
        "{doc}"
    );
    let fetch = "fetch it with `aws iam get-account-authorization-details (with credentials for account 111122223333)`";
    rolescope()
        .args(["who-can-assume", role, FULL])
        .assert()
        .stdout(predicate::str::contains(
            "account 111122223333 (not loaded): unknown: account 111122223333 is not in the loaded data",
        ))
        .stdout(predicate::str::contains(fetch));
    rolescope()
        .args(["reach", "111122223333", FULL])
        .assert()
        .stdout(predicate::str::contains(
            "account 111122223333 (not loaded) -> role CrossAccountAuditor (123456789012): unknown: account 111122223333",
        ))
        .stdout(predicate::str::contains(fetch));
    rolescope()
        .args(["path", "111122223333", role, FULL])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "unknown: whether `111122223333` may assume",
        ))
        .stdout(predicate::str::contains(fetch));
    rolescope()
        .args(["graph", "--role", role, "--format", "dot", FULL])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "unknown: the policies of `arn:aws:iam::111122223333:root` in account 111122223333 not loaded",
        ));
}
