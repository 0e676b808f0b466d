//! `rolescope collect` end to end against moto (a local AWS stand-in), with the real AWS CLI:
//! an organisation with an OU, an SCP and an RCP, a member account, users, groups, roles of
//! several kinds, managed policies with versions, a boundary, a SAML and an OIDC provider and
//! a bucket policy, collected with the organisation-wide command and checked through the
//! bundle, `rolescope roles`, `rolescope external` and the bundle's JSON Schema.
//!
//! moto's known gaps shape what is tested here: its `GetAccountAuthorizationDetails` ignores
//! `MaxItems` (so pagination is tested with the stand-in `aws` in tests/collect_fake.rs), and
//! its Organizations `DescribeResourcePolicy` answers 500 (the collector does not call it).
//!
//! Needs `moto_server` and `aws` on PATH (`.ci/run` installs them with pip). The server runs
//! on a free loopback port and is stopped when the test ends, however it ends.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failure is the test failing"
)]

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// A running `moto_server`, killed and reaped on drop (also when a test panics).
struct Moto {
    child: Child,
    url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[expect(clippy::expect_used, reason = "test set-up")]
fn start_moto(log: &Path) -> Moto {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Process::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(log).unwrap())
        .stderr(Stdio::from(std::fs::File::create(log.with_extension("err")).unwrap()))
        .spawn()
        .expect(
            "moto_server is not on PATH; install it with `pip install 'moto[server]' awscli` (.ci/run does)",
        );
    let moto = Moto {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "moto_server did not start within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    moto
}

fn aws_env(cmd: &mut Command) -> &mut Command {
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
}

fn rolescope() -> Command {
    Command::cargo_bin("rolescope").unwrap()
}

fn json_of(cmd: &mut Command) -> Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn schema_errors(instance: &Value) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/bundle.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The `external --json` status of the finding on `role` (by name) from `principal`.
fn finding(external: &Value, role: &str, principal: &str) -> String {
    external["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["resource"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/{role}"))
                && f["principal"].as_str().unwrap() == principal
        })
        .map_or_else(
            || "missing".to_owned(),
            |f| f["status"].as_str().unwrap().to_owned(),
        )
}

#[test]
fn an_organisation_collected_from_moto_loads_completely() {
    let dir = tempfile::tempdir().unwrap();
    let moto = start_moto(&dir.path().join("moto.log"));

    // The account and organisation, built through the AWS API.
    let setup = Process::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/collect/moto_setup.py"))
        .arg(&moto.url)
        .output()
        .unwrap();
    assert!(
        setup.status.success(),
        "{}",
        String::from_utf8_lossy(&setup.stderr)
    );
    let made: Value = serde_json::from_slice(&setup.stdout).unwrap();
    let (mgmt, member) = (
        made["management"].as_str().unwrap(),
        made["member"].as_str().unwrap(),
    );

    let out: PathBuf = dir.path().join("org.json");
    let collect = aws_env(&mut rolescope())
        .args([
            "collect",
            "--endpoint-url",
            &moto.url,
            "--org",
            "--all-accounts",
            "--assume-role",
            "OrganizationAccountAccessRole",
            "--resources",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&collect.stderr);
    assert_eq!(collect.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("collected 2 accounts: 7 roles"), "{stderr}");
    assert!(
        stderr.contains("1 SCP") || stderr.contains("2 SCPs"),
        "{stderr}"
    );
    assert!(stderr.contains("0 calls not collected"), "{stderr}");

    let mut text = String::new();
    std::fs::File::open(&out)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let bundle: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(schema_errors(&bundle), Vec::<String>::new());

    // Every part collected, nothing recorded as missing, in both accounts.
    for id in [mgmt, member] {
        let a = &bundle["Accounts"][id];
        assert_eq!(a["NotCollected"], serde_json::json!([]), "{id}");
        assert_eq!(
            a["Provenance"]["Collected"].as_array().unwrap().len(),
            7,
            "{id}: {}",
            a["Provenance"]
        );
    }
    assert!(
        bundle["Accounts"][member]["Provenance"]["CallerArn"]
            .as_str()
            .unwrap()
            .ends_with(":assumed-role/OrganizationAccountAccessRole/rolescope-collect")
    );
    assert_eq!(bundle["Accounts"][member]["Name"], "workloads-prod");

    // Every role, with its MaxSessionDuration.
    let roles = json_of(rolescope().args(["roles", "--json"]).arg(&out));
    let listed = roles["roles"].as_array().unwrap();
    let expected = made["roles"].as_object().unwrap();
    assert_eq!(listed.len(), expected.len(), "{roles}");
    for (arn, seconds) in expected {
        let r = listed
            .iter()
            .find(|r| r["arn"] == arn.as_str())
            .unwrap_or_else(|| panic!("{arn} is not listed"));
        assert_eq!(r["max_session_duration"]["known"], true, "{arn}");
        if let Some(s) = seconds.as_u64() {
            assert_eq!(r["max_session_duration"]["seconds"], s, "{arn}");
        }
    }

    // Both identity providers, the OIDC one with its client id and thumbprint.
    let providers = bundle["Accounts"][mgmt]["IdentityProviders"]
        .as_array()
        .unwrap();
    let arns: Vec<&str> = providers
        .iter()
        .map(|p| p["Arn"].as_str().unwrap())
        .collect();
    assert!(arns.contains(&made["saml"].as_str().unwrap()), "{arns:?}");
    assert!(arns.contains(&made["oidc"].as_str().unwrap()), "{arns:?}");
    let oidc = providers.iter().find(|p| p["Type"] == "OIDC").unwrap();
    assert_eq!(
        oidc["ClientIDList"],
        serde_json::json!(["sts.amazonaws.com"])
    );
    assert_eq!(
        oidc["ThumbprintList"],
        serde_json::json!(["6938fd4d98bab03faadb97b34396831e3780aea1"])
    );

    // The SCP on the OU and the RCP on the root, at their levels of the member account.
    let org = &bundle["Accounts"][member]["Organization"];
    let targets = |key: &str| -> Vec<String> {
        org[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["Target"].as_str().unwrap().to_owned())
            .collect()
    };
    let path = [
        made["root"].as_str().unwrap(),
        made["ou"].as_str().unwrap(),
        member,
    ];
    assert_eq!(targets("ScpsByLevel"), path);
    assert_eq!(targets("RcpsByLevel"), path);
    let ids_at = |key: &str, level: usize| -> Vec<String> {
        org[key][level]["PolicySummaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["Id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(ids_at("ScpsByLevel", 1).contains(&made["scp"].as_str().unwrap().to_owned()));
    assert!(!ids_at("ScpsByLevel", 0).contains(&made["scp"].as_str().unwrap().to_owned()));
    assert!(ids_at("RcpsByLevel", 0).contains(&made["rcp"].as_str().unwrap().to_owned()));
    assert_eq!(org["Parents"][1]["Name"], "Workloads");
    assert_eq!(org["IsManagementAccount"], false);
    assert_eq!(
        bundle["Accounts"][mgmt]["Organization"]["IsManagementAccount"],
        true
    );

    // The bucket policy.
    let rp = bundle["Accounts"][mgmt]["ResourcePolicies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["ResourceArn"] == made["bucket"])
        .unwrap();
    assert_eq!(rp["Policy"]["Statement"][0]["Sid"], "TeamRead");

    // The SAML and OIDC roles are judged against the collected providers: active with them,
    // blocked (no such provider) once they are taken out of the bundle.
    let external = json_of(rolescope().args(["external", "--json"]).arg(&out));
    let (saml, oidc) = (
        made["saml"].as_str().unwrap(),
        made["oidc"].as_str().unwrap(),
    );
    assert_eq!(
        finding(&external, "SAMLDeveloper", saml),
        "active",
        "{external}"
    );
    assert_eq!(
        finding(&external, "GitHubActionsDeploy", oidc),
        "active",
        "{external}"
    );
    let mut without = bundle.clone();
    without["Accounts"][mgmt]
        .as_object_mut()
        .unwrap()
        .remove("IdentityProviders");
    let stripped = dir.path().join("no-providers.json");
    std::fs::write(&stripped, without.to_string()).unwrap();
    let external = json_of(rolescope().args(["external", "--json"]).arg(&stripped));
    assert_eq!(
        finding(&external, "SAMLDeveloper", saml),
        "blocked",
        "{external}"
    );
    assert_eq!(
        finding(&external, "GitHubActionsDeploy", oidc),
        "blocked",
        "{external}"
    );

    drop(moto);
}
