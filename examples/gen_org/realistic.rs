//! A real-shaped `get-account-authorization-details` export of one large account, as the AWS
//! CLI prints it (four-space indentation, policy documents as objects).
//!
//! Real exports differ from the bundle `org.rs` writes in what makes them heavy to load:
//! every version of each customer managed policy (up to five), the AWS managed policies
//! attached in the account at their default version (some with over a thousand actions),
//! roles with many attachments, inline policies, tags and instance profiles (whose `Roles`
//! repeat the role and its trust policy), users and groups. The proportions follow the
//! 20,000-role account export the load targets were set on (about 7.8 KB per role).

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::org::{REGIONS, Rng, TEAMS, account_id, pretty};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub roles: usize,
    pub seed: u64,
}

const SERVICES: &[&str] = &[
    "s3",
    "dynamodb",
    "sqs",
    "sns",
    "kms",
    "logs",
    "ec2",
    "ecs",
    "eks",
    "lambda",
    "rds",
    "glue",
    "athena",
    "kinesis",
    "firehose",
    "cloudwatch",
    "events",
    "states",
    "ssm",
    "secretsmanager",
    "ecr",
    "elasticloadbalancing",
    "autoscaling",
    "cloudformation",
    "codebuild",
    "codepipeline",
    "iam",
    "sts",
    "route53",
    "cloudfront",
    "apigateway",
    "elasticache",
    "es",
    "redshift",
    "sagemaker",
    "xray",
    "config",
    "cloudtrail",
    "guardduty",
    "securityhub",
    "backup",
    "organizations",
    "acm",
    "waf",
    "wafv2",
    "ses",
    "cognito-idp",
    "appsync",
    "batch",
    "emr",
];
const VERBS: &[&str] = &[
    "Get", "List", "Describe", "Put", "Create", "Delete", "Update", "Tag", "Untag", "Start",
    "Stop", "Batch", "Search", "Invoke", "Publish", "Send", "Receive", "Modify", "Attach",
    "Detach",
];
const NOUNS: &[&str] = &[
    "Object",
    "Bucket",
    "Table",
    "Item",
    "Queue",
    "Message",
    "Topic",
    "Key",
    "Alias",
    "LogGroup",
    "LogStream",
    "Instance",
    "Volume",
    "Snapshot",
    "Cluster",
    "Service",
    "Task",
    "Function",
    "Layer",
    "Database",
    "Job",
    "Crawler",
    "Stream",
    "Record",
    "Alarm",
    "Rule",
    "Execution",
    "Parameter",
    "Secret",
    "Repository",
    "Image",
    "LoadBalancer",
    "TargetGroup",
    "Stack",
    "Project",
    "Pipeline",
    "Role",
    "Policy",
    "HostedZone",
    "Distribution",
    "RestApi",
    "ReplicationGroup",
    "Domain",
    "Endpoint",
    "Trail",
    "Detector",
    "Finding",
    "Plan",
    "Certificate",
    "WebACL",
];

fn action(rng: &mut Rng) -> String {
    format!(
        "{}:{}{}",
        rng.pick(SERVICES),
        rng.pick(VERBS),
        rng.pick(NOUNS)
    )
}

pub fn date(rng: &mut Rng) -> String {
    format!(
        "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        18 + rng.below(8),
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(24),
        rng.below(60),
        rng.below(60)
    )
}

/// A statement list with `statements` statements of about `actions` actions each.
pub fn statements(rng: &mut Rng, account: &str, statements: usize, actions: usize) -> Vec<Value> {
    (0..statements)
        .map(|i| {
            let mut list: Vec<String> = (0..actions.max(1)).map(|_| action(rng)).collect();
            list.sort_unstable();
            list.dedup();
            let team = *rng.pick(TEAMS);
            let resources: Vec<String> = (0..1 + rng.below(4))
                .map(|j| match rng.below(4) {
                    0 => format!("arn:aws:s3:::acme-{team}-{j}/*"),
                    1 => format!(
                        "arn:aws:dynamodb:{}:{account}:table/{team}-{j}",
                        rng.pick(REGIONS)
                    ),
                    2 => format!("arn:aws:sqs:{}:{account}:{team}-{j}", rng.pick(REGIONS)),
                    _ => "*".to_owned(),
                })
                .collect();
            let mut s = json!({
                "Sid": format!("Statement{i}"),
                "Effect": if rng.chance(6) { "Deny" } else { "Allow" },
                "Action": list,
                "Resource": if resources.len() == 1 { json!(resources[0]) } else { json!(resources) },
            });
            if rng.chance(20) {
                s["Condition"] = json!({
                    "StringEquals": {"aws:RequestedRegion": [rng.pick(REGIONS), rng.pick(REGIONS)]},
                    "Bool": {"aws:SecureTransport": "true"}
                });
            }
            s
        })
        .collect()
}

pub fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The AWS managed policies in use: a few very large read-only ones, many of medium size.
pub fn aws_managed(rng: &mut Rng) -> Vec<(String, String, Value)> {
    let mut out = vec![(
        "AdministratorAccess".to_owned(),
        "arn:aws:iam::aws:policy/AdministratorAccess".to_owned(),
        doc(vec![
            json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        ]),
    )];
    for (k, name) in [
        "ReadOnlyAccess",
        "ViewOnlyAccess",
        "SecurityAudit",
        "AWSSupportServiceRolePolicy",
        "AWSConfigServiceRolePolicy",
        "AmazonInspector2ServiceRolePolicy",
        "AWSSecurityHubServiceRolePolicy",
        "SupportUser",
    ]
    .iter()
    .enumerate()
    {
        let actions = 900 + 200 * k + rng.below(400);
        out.push((
            (*name).to_owned(),
            format!("arn:aws:iam::aws:policy/{name}"),
            doc(vec![json!({
                "Sid": "ReadOnly",
                "Effect": "Allow",
                "Action": (0..actions).map(|_| action(rng)).collect::<Vec<_>>(),
                "Resource": "*"
            })]),
        ));
    }
    for i in 0..140 {
        let service = rng.pick(SERVICES);
        let name = format!(
            "Amazon{}{}Access{i}",
            service.to_ascii_uppercase().replace('-', ""),
            ["Full", "ReadOnly", "PowerUser", "Service"][i % 4]
        );
        let arn = if i % 3 == 0 {
            format!("arn:aws:iam::aws:policy/service-role/{name}")
        } else {
            format!("arn:aws:iam::aws:policy/{name}")
        };
        let n = 1 + rng.below(4);
        let size = 5 + rng.below(120);
        out.push((name, arn, doc(statements(rng, "*", n, size))));
    }
    out
}

/// Writes `items` as the members of a JSON array at the second level of the export.
pub fn write_list(
    out: &mut impl Write,
    key: &str,
    count: usize,
    mut item: impl FnMut(usize) -> Value,
    last: bool,
) -> io::Result<()> {
    write!(out, "    \"{key}\": [")?;
    for i in 0..count {
        let text = pretty(&item(i), "        ")?;
        out.write_all(if i == 0 {
            b"\n        "
        } else {
            b",\n        "
        })?;
        out.write_all(text.as_bytes())?;
    }
    out.write_all(if count == 0 { b"]" } else { b"\n    ]" })?;
    out.write_all(if last { b"\n" } else { b",\n" })
}

/// Writes the export, one entity at a time, so a 100,000-role account needs little memory.
///
/// # Errors
/// When writing fails.
#[allow(clippy::too_many_lines)]
pub fn write_export(spec: &Spec, out: &mut impl Write) -> io::Result<()> {
    let mut rng = Rng::new(spec.seed ^ 0x5EA1_15E0);
    let id = account_id(0);
    let users = (spec.roles / 10).max(1);
    let groups = (spec.roles / 300).clamp(4, 200);
    let customer = (spec.roles / 8).max(4);
    let managed = aws_managed(&mut rng);

    let customer_arn = |i: usize| format!("arn:aws:iam::{id}:policy/team/Access{i:05}");
    let boundary_arn = format!("arn:aws:iam::{id}:policy/boundaries/WorkloadBoundary");
    let attach = |rng: &mut Rng| -> Vec<Value> {
        let n = 1 + rng.below(9);
        (0..n)
            .map(|_| {
                if rng.chance(55) {
                    let (name, arn, _) = &managed[rng.below(managed.len())];
                    json!({"PolicyName": name, "PolicyArn": arn})
                } else {
                    let k = rng.below(customer);
                    json!({"PolicyName": format!("Access{k:05}"), "PolicyArn": customer_arn(k)})
                }
            })
            .collect()
    };
    let tags = |rng: &mut Rng| -> Vec<Value> {
        let team = *rng.pick(TEAMS);
        [
            ("team", team.to_owned()),
            ("cost-center", format!("cc-{:04}", rng.below(10_000))),
            ("owner", format!("{team}-oncall@example.com")),
            ("env", ["prod", "staging", "dev"][rng.below(3)].to_owned()),
            ("managed-by", "terraform".to_owned()),
            ("repository", format!("github.com/acme/{team}-infra")),
        ]
        .into_iter()
        .take(rng.below(7))
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect()
    };

    out.write_all(b"{\n")?;
    write_list(
        out,
        "UserDetailList",
        users,
        |u| {
            let team = *rng.pick(TEAMS);
            let name = format!("{team}.user{u:05}");
            let groups_of: Vec<String> = (0..rng.below(4))
                .map(|_| format!("group-{:03}", rng.below(groups)))
                .collect();
            json!({
                "Path": "/people/", "UserName": name, "UserId": rng.id("AIDA"),
                "Arn": format!("arn:aws:iam::{id}:user/people/{name}"), "CreateDate": date(&mut rng),
                "UserPolicyList": if rng.chance(25) {
                    json!([{"PolicyName": "assume-team-roles", "PolicyDocument": doc(vec![json!({
                        "Effect": "Allow", "Action": "sts:AssumeRole",
                        "Resource": format!("arn:aws:iam::{id}:role/{team}-*")
                    })])}])
                } else { json!([]) },
                "GroupList": groups_of,
                "AttachedManagedPolicies": attach(&mut rng).into_iter().take(rng.below(3)).collect::<Vec<_>>(),
                "Tags": tags(&mut rng)
            })
        },
        false,
    )?;
    write_list(
        out,
        "GroupDetailList",
        groups,
        |g| {
            json!({
                "Path": "/", "GroupName": format!("group-{g:03}"), "GroupId": rng.id("AGPA"),
                "Arn": format!("arn:aws:iam::{id}:group/group-{g:03}"), "CreateDate": date(&mut rng),
                "GroupPolicyList": [{"PolicyName": "group-access", "PolicyDocument": doc(statements(&mut rng, &id, 2, 12))}],
                "AttachedManagedPolicies": attach(&mut rng)
            })
        },
        false,
    )?;
    write_list(
        out,
        "RoleDetailList",
        spec.roles,
        |r| {
            let team = *rng.pick(TEAMS);
            let roll = rng.below(100);
            let (path, name, trust) = match roll {
                0..=44 => {
                    let svc =
                        ["lambda", "ecs-tasks", "ec2", "glue", "states", "codebuild"][rng.below(6)];
                    (
                        "/service-role/",
                        format!("{team}-{svc}-{r:06}"),
                        doc(vec![
                            json!({"Effect": "Allow", "Principal": {"Service": format!("{svc}.amazonaws.com")}, "Action": "sts:AssumeRole"}),
                        ]),
                    )
                }
                45..=74 => (
                    "/",
                    format!("{team}-app-{r:06}"),
                    doc(vec![
                        json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{id}:root")}, "Action": "sts:AssumeRole"}),
                    ]),
                ),
                75..=89 => (
                    "/cross/",
                    format!("{team}-cross-{r:06}"),
                    doc(vec![json!({
                        "Effect": "Allow",
                        "Principal": {"AWS": format!("arn:aws:iam::{:012}:root", 100_000_000_000u64 + rng.below(50) as u64)},
                        "Action": "sts:AssumeRole",
                        "Condition": {"StringEquals": {"sts:ExternalId": format!("{:016x}", rng.next())}}
                    })]),
                ),
                _ => (
                    "/deploy/",
                    format!("{team}-gha-{r:06}"),
                    doc(vec![json!({
                        "Effect": "Allow",
                        "Principal": {"Federated": format!("arn:aws:iam::{id}:oidc-provider/token.actions.githubusercontent.com")},
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Condition": {
                            "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                            "StringLike": {"token.actions.githubusercontent.com:sub": format!("repo:acme/{team}-{r}:*")}
                        }
                    })]),
                ),
            };
            let arn = format!("arn:aws:iam::{id}:role{path}{name}");
            let role_id = rng.id("AROA");
            let created = date(&mut rng);
            let inline: Vec<Value> = (0..rng.below(4))
                .map(|k| {
                    let n = 1 + rng.below(3);
                    let size = 3 + rng.below(10);
                    json!({"PolicyName": format!("inline-{k}"), "PolicyDocument": doc(statements(&mut rng, &id, n, size))})
                })
                .collect();
            let profiles = if (30..45).contains(&roll) || rng.chance(8) {
                json!([{
                    "Path": path, "InstanceProfileName": name, "InstanceProfileId": rng.id("AIPA"),
                    "Arn": format!("arn:aws:iam::{id}:instance-profile{path}{name}"), "CreateDate": created,
                    "Roles": [{
                        "Path": path, "RoleName": name, "RoleId": role_id, "Arn": arn, "CreateDate": created,
                        "AssumeRolePolicyDocument": trust, "Description": format!("{team} workload role"),
                        "MaxSessionDuration": 3600
                    }],
                    "Tags": []
                }])
            } else {
                json!([])
            };
            let mut role = json!({
                "Path": path, "RoleName": name, "RoleId": role_id, "Arn": arn, "CreateDate": created,
                "AssumeRolePolicyDocument": trust, "InstanceProfileList": profiles,
                "RolePolicyList": inline, "AttachedManagedPolicies": attach(&mut rng),
                "Tags": tags(&mut rng),
                "RoleLastUsed": if rng.chance(70) {
                    json!({"LastUsedDate": date(&mut rng), "Region": rng.pick(REGIONS)})
                } else { json!({}) }
            });
            if rng.chance(10) {
                role["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary_arn});
            }
            role
        },
        false,
    )?;
    let total_policies = customer + 1 + managed.len();
    write_list(
        out,
        "Policies",
        total_policies,
        |p| {
            if p <= customer {
                let (name, arn, path) = if p == customer {
                    (
                        "WorkloadBoundary".to_owned(),
                        boundary_arn.clone(),
                        "/boundaries/",
                    )
                } else {
                    (format!("Access{p:05}"), customer_arn(p), "/team/")
                };
                let versions = 1 + rng.below(5);
                let default = 1 + rng.below(versions);
                let size = 6 + rng.below(32);
                let n = 1 + rng.below(4);
                let list: Vec<Value> = (1..=versions)
                    .map(|v| {
                        json!({
                            "Document": doc(statements(&mut rng, &id, n, size)),
                            "VersionId": format!("v{v}"),
                            "IsDefaultVersion": v == default,
                            "CreateDate": date(&mut rng)
                        })
                    })
                    .collect();
                json!({
                    "PolicyName": name, "PolicyId": rng.id("ANPA"), "Arn": arn, "Path": path,
                    "DefaultVersionId": format!("v{default}"), "AttachmentCount": 1 + rng.below(30),
                    "PermissionsBoundaryUsageCount": 0, "IsAttachable": true,
                    "CreateDate": date(&mut rng), "UpdateDate": date(&mut rng),
                    "PolicyVersionList": list
                })
            } else {
                let (name, arn, document) = &managed[p - customer - 1];
                let version = format!("v{}", 1 + rng.below(40));
                json!({
                    "PolicyName": name, "PolicyId": rng.id("ANPA"), "Arn": arn,
                    "Path": if arn.contains("/service-role/") { "/service-role/" } else { "/" },
                    "DefaultVersionId": version, "AttachmentCount": 1 + rng.below(500),
                    "PermissionsBoundaryUsageCount": 0, "IsAttachable": true,
                    "CreateDate": "2015-02-06T18:39:46+00:00", "UpdateDate": date(&mut rng),
                    "PolicyVersionList": [{
                        "Document": document, "VersionId": version, "IsDefaultVersion": true,
                        "CreateDate": date(&mut rng)
                    }]
                })
            }
        },
        true,
    )?;
    out.write_all(b"}\n")
}
