//! A synthetic organisation for the terminal face's benchmarks: `n` roles with realistic
//! names, paths, tags and trust policies over ten accounts, as an export bundle the
//! loader reads. Deterministic (a fixed linear congruential generator).

use std::fmt::Write as _;

const TEAMS: [&str; 12] = [
    "payments",
    "checkout",
    "search",
    "identity",
    "analytics",
    "platform",
    "mobile",
    "billing",
    "ledger",
    "catalog",
    "shipping",
    "support",
];
const SERVICES: [&str; 10] = [
    "api",
    "worker",
    "etl",
    "frontend",
    "scheduler",
    "gateway",
    "indexer",
    "reports",
    "sync",
    "batch",
];
const PURPOSES: [&str; 10] = [
    "deploy", "readonly", "admin", "runner", "task", "lambda", "ec2", "ci", "audit", "ops",
];
const ENVS: [&str; 4] = ["prod", "staging", "dev", "sandbox"];
const PRINCIPALS: [&str; 5] = [
    r#"{"Service":"lambda.amazonaws.com"}"#,
    r#"{"Service":"ec2.amazonaws.com"}"#,
    r#"{"AWS":"arn:aws:iam::ACCOUNT:root"}"#,
    r#"{"AWS":"arn:aws:iam::999988887777:root"}"#,
    r#"{"Federated":"arn:aws:iam::ACCOUNT:saml-provider/CorpAD"}"#,
];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n
    }
}

/// A bundle with `n` roles spread over ten accounts.
pub fn bundle(n: usize) -> String {
    let mut rng = Lcg(42);
    let mut out = String::from(r#"{"Accounts":{"#);
    let per = n.div_ceil(10);
    for a in 0..10 {
        let account = format!("{:012}", 100_000_000_000u64 + a as u64 * 11_111);
        if a > 0 {
            out.push(',');
        }
        let _ = write!(out, r#""{account}":{{"Name":"org-{a}","RoleDetailList":["#);
        for i in 0..per.min(n.saturating_sub(a * per)) {
            let team = TEAMS[rng.next(TEAMS.len())];
            let svc = SERVICES[rng.next(SERVICES.len())];
            let purpose = PURPOSES[rng.next(PURPOSES.len())];
            let env = ENVS[rng.next(ENVS.len())];
            let name = format!("{team}-{svc}-{env}-{purpose}-{i}");
            let path = if rng.next(3) == 0 {
                format!("/{team}/")
            } else {
                "/".to_owned()
            };
            let principal = PRINCIPALS[rng.next(PRINCIPALS.len())].replace("ACCOUNT", &account);
            if i > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                r#"{{"Path":"{path}","RoleName":"{name}","RoleId":"AROA{a:02}{i:015}","Arn":"arn:aws:iam::{account}:role{path}{name}","CreateDate":"2024-01-01T00:00:00Z","AssumeRolePolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}},"RolePolicyList":[{{"PolicyName":"inline","PolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::{team}-{env}/*"}}]}}}}],"AttachedManagedPolicies":[],"Tags":[{{"Key":"Team","Value":"{team}"}},{{"Key":"Env","Value":"{env}"}}],"InstanceProfileList":[],"RoleLastUsed":{{"LastUsedDate":"2026-11-{:02}T10:00:00Z","Region":"eu-west-1"}}}}"#,
                1 + rng.next(23)
            );
        }
        out.push_str("]}");
    }
    out.push_str("}}");
    out
}

/// Typed sequences: each query as it grows one keystroke at a time.
#[allow(dead_code, reason = "used by the search benchmark, not the render one")]
pub const SEQUENCES: [&str; 8] = [
    "payments-api",
    "deploy",
    "checkout prod",
    "ledger-etl",
    "audit",
    "idnty",
    "srchidx",
    "platform-worker-staging",
];
