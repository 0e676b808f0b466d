//! A synthetic AWS organisation in the export format, for benchmarks and demos at scale.
//!
//! Shared by `examples/gen_org.rs` and `benches/load.rs`. Output is deterministic for a seed
//! and shaped like real `get-account-authorization-details` output (4-space indentation as the
//! AWS CLI prints it): realistic role names, trust policies of every common kind with their
//! condition blocks, inline and managed policies of realistic sizes, instance profiles with
//! their nested role, users in groups whose policies allow `sts:AssumeRole` on roles of their
//! own and other accounts.

#![allow(
    dead_code,
    reason = "shared between the example and the load benchmark"
)]

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use serde_json::{Value, json};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub accounts: usize,
    pub roles_per_account: usize,
    pub users_per_account: usize,
    pub seed: u64,
}

/// A small deterministic generator (xorshift64*), so the data is the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub fn id(&mut self, prefix: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let mut s = prefix.to_owned();
        while s.len() < 21 {
            s.push(char::from(ALPHABET[self.below(ALPHABET.len())]));
        }
        s
    }
}

pub const TEAMS: &[&str] = &[
    "payments",
    "orders",
    "checkout",
    "catalog",
    "search",
    "identity",
    "billing",
    "shipping",
    "inventory",
    "analytics",
    "reporting",
    "platform",
    "data",
    "ml",
    "notifications",
    "fraud",
    "ledger",
    "customer",
    "partner",
    "mobile",
];
const PARTS: &[&str] = &[
    "api",
    "worker",
    "ingest",
    "export",
    "scheduler",
    "reconciler",
    "etl",
    "gateway",
    "sync",
    "indexer",
    "processor",
    "backfill",
    "webhook",
    "stream",
    "cache-warmer",
];
const ENVS: &[&str] = &["prod", "staging", "dev", "qa"];
const SERVICES: &[(&str, &str)] = &[
    ("lambda.amazonaws.com", "lambda"),
    ("ecs-tasks.amazonaws.com", "ecs-task"),
    ("codebuild.amazonaws.com", "codebuild"),
    ("glue.amazonaws.com", "glue"),
    ("states.amazonaws.com", "sfn"),
    ("events.amazonaws.com", "events"),
    ("sagemaker.amazonaws.com", "sagemaker"),
];
const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:DeleteObject",
    "s3:GetBucketLocation",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
    "dynamodb:BatchWriteItem",
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sns:Publish",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "secretsmanager:GetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParametersByPath",
    "events:PutEvents",
    "states:StartExecution",
    "lambda:InvokeFunction",
    "ecr:GetAuthorizationToken",
    "ecr:BatchGetImage",
    "cloudwatch:PutMetricData",
    "xray:PutTraceSegments",
    "kinesis:PutRecord",
    "kinesis:GetRecords",
    "athena:StartQueryExecution",
    "glue:GetTable",
];
const FIRST: &[&str] = &[
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe",
];
pub const REGIONS: &[&str] = &["eu-west-1", "us-east-1", "us-west-2", "eu-central-1"];
const AWS_MANAGED: &[(&str, &str)] = &[
    (
        "AdministratorAccess",
        "arn:aws:iam::aws:policy/AdministratorAccess",
    ),
    ("ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
    (
        "AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    ),
    (
        "AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ),
    (
        "AmazonS3ReadOnlyAccess",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ),
];

/// The 12-digit id of account `i`.
pub fn account_id(i: usize) -> String {
    format!("{:012}", 210_000_000_000_u64 + (i as u64) * 1_000_003)
}

fn date(rng: &mut Rng) -> String {
    format!(
        "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        19 + rng.below(7),
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(24),
        rng.below(60),
        rng.below(60)
    )
}

fn statement_block(rng: &mut Rng, account: &str, team: &str, env: &str) -> Vec<Value> {
    let n = 1 + rng.below(3);
    (0..n)
        .map(|i| {
            let actions: Vec<&str> = (0..1 + rng.below(5)).map(|_| *rng.pick(ACTIONS)).collect();
            let mut actions: Vec<&str> = actions;
            actions.sort_unstable();
            actions.dedup();
            let service = actions[0].split(':').next().unwrap_or("s3");
            let resources: Vec<String> = (0..1 + rng.below(3))
                .map(|j| match service {
                    "s3" => format!("arn:aws:s3:::acme-{team}-{env}-{j}/*"),
                    "dynamodb" => format!(
                        "arn:aws:dynamodb:{}:{account}:table/{team}-{env}-{j}",
                        rng.pick(REGIONS)
                    ),
                    "sqs" | "sns" => format!(
                        "arn:aws:{service}:{}:{account}:{team}-{env}-events-{j}",
                        rng.pick(REGIONS)
                    ),
                    "kms" => format!(
                        "arn:aws:kms:{}:{account}:key/{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                        rng.pick(REGIONS),
                        rng.next() & 0xFFFF_FFFF,
                        rng.next() & 0xFFFF,
                        rng.next() & 0xFFF,
                        rng.next() & 0xFFF,
                        rng.next() & 0xFFFF_FFFF_FFFF
                    ),
                    _ => format!("arn:aws:{service}:*:{account}:*{team}*"),
                })
                .collect();
            let mut s = json!({
                "Sid": format!("{}{}", capitalise(service), i),
                "Effect": if rng.chance(8) { "Deny" } else { "Allow" },
                "Action": if actions.len() == 1 { json!(actions[0]) } else { json!(actions) },
                "Resource": if resources.len() == 1 { json!(resources[0]) } else { json!(resources) },
            });
            if rng.chance(25) {
                s["Condition"] = json!({
                    "StringEquals": {"aws:RequestedRegion": [rng.pick(REGIONS), rng.pick(REGIONS)]},
                    "Bool": {"aws:SecureTransport": "true"}
                });
            }
            s
        })
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
        .replace('-', "")
}

fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// One account's export (the `get-account-authorization-details` keys plus bundle extensions).
pub fn account(spec: &Spec, index: usize) -> Value {
    let mut rng = Rng::new(spec.seed ^ (index as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407));
    let id = account_id(index);
    let env = ENVS[index % ENVS.len()];
    let mgmt = account_id(0);

    // Customer managed policies: boundaries and shared access policies.
    let mut policies: Vec<Value> = Vec::new();
    let boundary_arn = format!("arn:aws:iam::{id}:policy/boundaries/WorkloadBoundary");
    let mut customer_arns: Vec<(String, String)> = Vec::new();
    for (name, path) in [
        ("WorkloadBoundary", "/boundaries/"),
        ("DeveloperAccess", "/team/"),
        ("DataReadOnly", "/data/"),
        ("DeployAccess", "/deploy/"),
        ("AuditAccess", "/"),
    ] {
        let arn = format!("arn:aws:iam::{id}:policy{path}{name}");
        let versions = 1 + rng.below(3);
        let default = 1 + rng.below(versions);
        let list: Vec<Value> = (1..=versions)
            .map(|v| {
                json!({
                    "Document": doc(statement_block(&mut rng, &id, "platform", env)),
                    "VersionId": format!("v{v}"),
                    "IsDefaultVersion": v == default,
                    "CreateDate": date(&mut rng),
                })
            })
            .collect();
        policies.push(json!({
            "PolicyName": name, "PolicyId": rng.id("ANPA"), "Arn": arn, "Path": path,
            "DefaultVersionId": format!("v{default}"), "AttachmentCount": 1 + rng.below(40),
            "PermissionsBoundaryUsageCount": 0, "IsAttachable": true,
            "CreateDate": date(&mut rng), "UpdateDate": date(&mut rng),
            "PolicyVersionList": list,
        }));
        customer_arns.push((name.to_owned(), arn));
    }
    for (name, arn) in AWS_MANAGED {
        policies.push(json!({
            "PolicyName": name, "PolicyId": rng.id("ANPA"), "Arn": arn,
            "Path": if arn.contains("service-role") { "/service-role/" } else { "/" },
            "DefaultVersionId": "v1", "AttachmentCount": 1, "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": true, "CreateDate": "2015-02-06T18:39:46Z", "UpdateDate": "2015-02-06T18:39:46Z",
            "PolicyVersionList": [{
                "Document": if *name == "AdministratorAccess" {
                    doc(vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*"})])
                } else {
                    doc(statement_block(&mut rng, "*", "aws", "managed"))
                },
                "VersionId": "v1", "IsDefaultVersion": true, "CreateDate": "2015-02-06T18:39:46Z"
            }]
        }));
    }

    let eks_issuer = format!(
        "oidc.eks.eu-west-1.amazonaws.com/id/{:016X}{:016X}",
        rng.next(),
        rng.next()
    );
    let sso_provider = format!("AWSSSO_{:016x}_DO_NOT_DELETE", spec.seed ^ 0x5EED);
    let other_account = |rng: &mut Rng| {
        if spec.accounts < 2 {
            return id.clone();
        }
        let k = rng.below(spec.accounts - 1);
        account_id(if k >= index { k + 1 } else { k })
    };
    const SERVICE_LINKED: [&str; 5] = [
        "config",
        "securityhub",
        "autoscaling",
        "inspector2",
        "elasticloadbalancing",
    ];

    // Groups and users.
    let groups = ["developers", "operators", "auditors", "data-engineers"];
    let group_list: Vec<Value> = groups
        .iter()
        .map(|g| {
            let target = other_account(&mut rng);
            json!({
                "Path": "/", "GroupName": g, "GroupId": rng.id("AGPA"),
                "Arn": format!("arn:aws:iam::{id}:group/{g}"), "CreateDate": date(&mut rng),
                "GroupPolicyList": [{
                    "PolicyName": format!("assume-{g}-roles"),
                    "PolicyDocument": doc(vec![json!({
                        "Effect": "Allow", "Action": "sts:AssumeRole",
                        "Resource": [format!("arn:aws:iam::{id}:role/{g}-*"), format!("arn:aws:iam::{target}:role/cross-{g}-*")],
                        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
                    })])
                }],
                "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]
            })
        })
        .collect();
    let users: Vec<Value> = (0..spec.users_per_account)
        .map(|u| {
            let name = format!("{}.{}{}", rng.pick(FIRST), rng.pick(TEAMS), u);
            let member: Vec<&str> = groups.iter().filter(|_| rng.chance(40)).copied().collect();
            let mut user = json!({
                "Path": "/people/", "UserName": name, "UserId": rng.id("AIDA"),
                "Arn": format!("arn:aws:iam::{id}:user/people/{name}"), "CreateDate": date(&mut rng),
                "GroupList": member, "AttachedManagedPolicies": [],
                "Tags": [{"Key": "team", "Value": rng.pick(TEAMS)}]
            });
            if rng.chance(30) {
                let target = account_id(rng.below(spec.accounts.max(1)));
                user["UserPolicyList"] = json!([{
                    "PolicyName": "assume-team-role",
                    "PolicyDocument": doc(vec![json!({
                        "Effect": "Allow", "Action": "sts:AssumeRole",
                        "Resource": format!("arn:aws:iam::{target}:role/{}-*", rng.pick(TEAMS))
                    })])
                }]);
            } else {
                user["UserPolicyList"] = json!([]);
            }
            user
        })
        .collect();
    let user_arns: Vec<String> = users
        .iter()
        .filter_map(|u| u["Arn"].as_str().map(str::to_owned))
        .collect();

    // Roles.
    let mut roles: Vec<Value> = Vec::with_capacity(spec.roles_per_account);
    let mut names = std::collections::HashSet::new();
    for r in 0..spec.roles_per_account {
        let team = *rng.pick(TEAMS);
        let part = *rng.pick(PARTS);
        let roll = if r < SERVICE_LINKED.len() && spec.roles_per_account >= 20 {
            95 + r
        } else {
            rng.below(95)
        };
        let (mut name, path, trust, profile, max_session): (String, &str, Value, bool, u32) =
            match roll {
                0..=29 => {
                    let (svc, suffix) = *rng.pick(SERVICES);
                    let mut st = json!({"Effect": "Allow", "Principal": {"Service": svc}, "Action": "sts:AssumeRole"});
                    if rng.chance(50) {
                        st["Condition"] = json!({"StringEquals": {"aws:SourceAccount": id}, "ArnLike": {"aws:SourceArn": format!("arn:aws:{}:*:{id}:*", suffix.split('-').next().unwrap_or(suffix))}});
                    }
                    (
                        format!("{team}-{part}-{env}-{suffix}"),
                        "/service-role/",
                        doc(vec![st]),
                        false,
                        3600,
                    )
                }
                30..=44 => (
                    format!("{team}-{part}-{env}-ec2"),
                    "/app/",
                    doc(vec![
                        json!({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}),
                    ]),
                    true,
                    3600,
                ),
                45..=59 => {
                    let group = *rng.pick(&groups);
                    let principal = if rng.chance(50) || user_arns.is_empty() {
                        json!(format!("arn:aws:iam::{id}:root"))
                    } else {
                        json!([rng.pick(&user_arns), rng.pick(&user_arns)])
                    };
                    let mut st = json!({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": ["sts:AssumeRole", "sts:TagSession"]});
                    if rng.chance(40) {
                        st["Condition"] = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}});
                    }
                    (
                        format!("{group}-{team}-{part}"),
                        "/team/",
                        doc(vec![st]),
                        false,
                        [3600, 14400, 43200][rng.below(3)],
                    )
                }
                60..=74 => {
                    let other = other_account(&mut rng);
                    let group = *rng.pick(&groups);
                    let mut st = json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{other}:root")}, "Action": "sts:AssumeRole"});
                    if rng.chance(50) {
                        st["Condition"] = json!({"StringEquals": {"sts:ExternalId": format!("{team}-{:08x}", rng.next() & 0xFFFF_FFFF), "aws:PrincipalOrgID": "o-synthetic01"}});
                    }
                    (
                        format!("cross-{group}-{team}-{part}"),
                        "/",
                        doc(vec![st]),
                        false,
                        3600,
                    )
                }
                75..=81 => (
                    format!("gha-{team}-{part}-deploy"),
                    "/deploy/",
                    doc(vec![json!({
                        "Effect": "Allow",
                        "Principal": {"Federated": format!("arn:aws:iam::{id}:oidc-provider/token.actions.githubusercontent.com")},
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Condition": {
                            "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                            "StringLike": {"token.actions.githubusercontent.com:sub": [format!("repo:acme/{team}-{part}:ref:refs/heads/main"), format!("repo:acme/{team}-{part}:environment:{env}")]}
                        }
                    })]),
                    false,
                    3600,
                ),
                82..=86 => (
                    format!("{team}-{part}-irsa"),
                    "/eks/",
                    doc(vec![json!({
                        "Effect": "Allow",
                        "Principal": {"Federated": format!("arn:aws:iam::{id}:oidc-provider/{eks_issuer}")},
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Condition": {"StringEquals": {
                            format!("{eks_issuer}:sub"): format!("system:serviceaccount:{team}:{part}"),
                            format!("{eks_issuer}:aud"): "sts.amazonaws.com"
                        }}
                    })]),
                    false,
                    3600,
                ),
                87..=91 => (
                    format!("CorpAD-{}{}", capitalise(team), capitalise(part)),
                    "/federated/",
                    doc(vec![json!({
                        "Effect": "Allow",
                        "Principal": {"Federated": format!("arn:aws:iam::{id}:saml-provider/CorpAD")},
                        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                        "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
                    })]),
                    false,
                    43200,
                ),
                92..=93 => (
                    format!(
                        "AWSReservedSSO_{}Access_{:016x}",
                        capitalise(team),
                        rng.next()
                    ),
                    "/aws-reserved/sso.amazonaws.com/",
                    doc(vec![json!({
                        "Effect": "Allow",
                        "Principal": {"Federated": format!("arn:aws:iam::{id}:saml-provider/{sso_provider}")},
                        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                        "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
                    })]),
                    false,
                    [3600, 28800, 43200][rng.below(3)],
                ),
                95..=99 => {
                    let svc = SERVICE_LINKED[roll - 95];
                    (
                        format!("AWSServiceRoleFor{}", capitalise(svc)),
                        "/aws-service-role/",
                        doc(vec![
                            json!({"Effect": "Allow", "Principal": {"Service": [format!("{svc}.amazonaws.com")]}, "Action": ["sts:AssumeRole"]}),
                        ]),
                        false,
                        3600,
                    )
                }
                _ => (
                    format!("{team}-{part}-onprem"),
                    "/onprem/",
                    doc(vec![json!({
                        "Effect": "Allow",
                        "Principal": {"Service": "rolesanywhere.amazonaws.com"},
                        "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
                        "Condition": {
                            "ArnEquals": {"aws:SourceArn": format!("arn:aws:rolesanywhere:eu-west-1:{id}:trust-anchor/{:032x}", u128::from(rng.next()))},
                            "StringEquals": {"aws:PrincipalTag/x509Subject/CN": format!("{team}-{part}.corp.example.com")}
                        }
                    })]),
                    false,
                    3600,
                ),
            };
        let path = if path == "/aws-service-role/" {
            // Service-linked roles live under their service's path.
            let svc = name
                .trim_start_matches("AWSServiceRoleFor")
                .to_ascii_lowercase();
            format!("/aws-service-role/{svc}.amazonaws.com/")
        } else {
            path.to_owned()
        };
        if !names.insert(name.to_ascii_lowercase()) {
            name = format!("{name}-{r}");
            names.insert(name.to_ascii_lowercase());
        }
        let arn = format!("arn:aws:iam::{id}:role{path}{name}");
        let role_id = rng.id("AROA");
        let created = date(&mut rng);
        let inline: Vec<Value> = (0..rng.below(3))
            .map(|k| {
                json!({
                    "PolicyName": format!("{team}-{part}-access-{k}"),
                    "PolicyDocument": doc(statement_block(&mut rng, &id, team, env)),
                })
            })
            .collect();
        let mut attached: Vec<Value> = Vec::new();
        if rng.chance(60) {
            let (n, a) = rng.pick(AWS_MANAGED);
            attached.push(json!({"PolicyName": n, "PolicyArn": a}));
        }
        if rng.chance(40) {
            let (n, a) = rng.pick(&customer_arns[1..]);
            attached.push(json!({"PolicyName": n, "PolicyArn": a}));
        }
        let description = format!(
            "{} {} for the {team} team ({env})",
            capitalise(part),
            name.split('-').next_back().unwrap_or("role")
        );
        let profiles = if profile {
            json!([{
                "Path": path, "InstanceProfileName": name, "InstanceProfileId": rng.id("AIPA"),
                "Arn": format!("arn:aws:iam::{id}:instance-profile{path}{name}"), "CreateDate": created,
                "Roles": [{
                    "Path": path, "RoleName": name, "RoleId": role_id, "Arn": arn, "CreateDate": created,
                    "AssumeRolePolicyDocument": trust, "Description": description, "MaxSessionDuration": max_session
                }]
            }])
        } else {
            json!([])
        };
        let mut role = json!({
            "Path": path, "RoleName": name, "RoleId": role_id, "Arn": arn, "CreateDate": created,
            "Description": description, "MaxSessionDuration": max_session,
            "AssumeRolePolicyDocument": trust, "InstanceProfileList": profiles,
            "RolePolicyList": inline, "AttachedManagedPolicies": attached,
            "Tags": [{"Key": "team", "Value": team}, {"Key": "env", "Value": env}],
            "RoleLastUsed": if rng.chance(70) { json!({"LastUsedDate": date(&mut rng), "Region": rng.pick(REGIONS)}) } else { json!({}) }
        });
        if rng.chance(20) && !path.starts_with("/aws-") {
            role["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary_arn});
        }
        roles.push(role);
    }

    let mut out = json!({
        "Name": format!("acme-{env}-{index:03}"),
        "Organization": {
            "Id": "o-synthetic01",
            "ManagementAccountId": mgmt,
            "IsManagementAccount": index == 0,
            "ScpsByLevel": [
                {"Target": "r-syn1", "Policies": [doc(vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*"})])]},
                {"Target": format!("ou-syn1-{env}"), "Policies": [doc(vec![
                    json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
                    json!({"Sid": "DenyOutsideRegions", "Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*",
                           "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}})
                ])]},
                {"Target": id, "Policies": [doc(vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*"})])]}
            ],
            "RcpsByLevel": []
        },
        "IdentityProviders": [
            {"Arn": format!("arn:aws:iam::{id}:saml-provider/CorpAD"), "Type": "SAML"},
            {"Arn": format!("arn:aws:iam::{id}:saml-provider/{sso_provider}"), "Type": "SAML"},
            {"Arn": format!("arn:aws:iam::{id}:oidc-provider/{eks_issuer}"), "Type": "OIDC",
             "Url": format!("https://{eks_issuer}"), "ClientIDList": ["sts.amazonaws.com"]},
            {"Arn": format!("arn:aws:iam::{id}:oidc-provider/token.actions.githubusercontent.com"), "Type": "OIDC",
             "Url": "https://token.actions.githubusercontent.com", "ClientIDList": ["sts.amazonaws.com"]}
        ],
        "UserDetailList": users,
        "GroupDetailList": group_list,
        "RoleDetailList": roles,
        "Policies": policies,
    });
    if index % 7 == 3 {
        out["StsRegionsDeactivated"] = json!(["ap-east-1"]);
    }
    out
}

/// `value` as the AWS CLI prints JSON (four-space indentation), each line after the first
/// indented by `indent`.
pub fn pretty(value: &Value, indent: &str) -> io::Result<String> {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    value.serialize(&mut ser)?;
    let text = String::from_utf8(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    Ok(text.replace('\n', &format!("\n{indent}")))
}

/// Writes the whole organisation as one bundle `{"Accounts": {...}}`, one account at a time.
///
/// # Errors
/// When writing fails.
pub fn write_bundle(spec: &Spec, out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"{\n    \"Accounts\": {\n")?;
    for i in 0..spec.accounts {
        let text = pretty(&account(spec, i), "        ")?;
        write!(out, "        \"{}\": {text}", account_id(i))?;
        out.write_all(if i + 1 < spec.accounts { b",\n" } else { b"\n" })?;
    }
    out.write_all(b"    }\n}\n")
}

/// Writes one `get-account-authorization-details`-shaped file per account into `dir`
/// (bundle extensions included, since each file names its own account through its ARNs).
///
/// # Errors
/// When the directory or a file cannot be written.
pub fn write_per_account(spec: &Spec, dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for i in 0..spec.accounts {
        let mut value = account(spec, i);
        if let Some(map) = value.as_object_mut() {
            map.remove("Name");
            map.remove("Organization");
            map.remove("IdentityProviders");
            map.remove("StsRegionsDeactivated");
        }
        let text = pretty(&value, "")?;
        std::fs::write(dir.join(format!("{}.json", account_id(i))), text + "\n")?;
    }
    Ok(())
}
