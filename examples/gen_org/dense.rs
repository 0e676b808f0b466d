//! A dense organisation: the shape of real accounts where the trust graph has the most
//! edges, written as a bundle (`{"Accounts": {...}}`) so organisation-wide trusts resolve.
//!
//! What makes it dense, in proportions seen in real estates:
//! - several hundred principals holding `sts:AssumeRole` through broad policies:
//!   `AdministratorAccess` (`Action: "*"`), `PowerUserAccess` (`NotAction` that leaves `sts`
//!   in), a break-glass `sts:*` on `"*"` and `sts:AssumeRole` on `"*"` (about 3% of roles and
//!   15% of users, some through an `admins` group);
//! - thousands of roles trusting their own account's root (30%), some with an MFA condition;
//! - cross-account fan-in: roles of every account trusting the first (security) account's root
//!   or a handful of its operator roles;
//! - organisation-wide trusts: `Principal: "*"` with `aws:PrincipalOrgID`;
//! - vendor roles trusting outside accounts with an external ID, and a few roles whose trust
//!   lists thousands of accounts or principals (scanners and CI allowlists);
//! - service roles, GitHub OIDC roles, SAML roles and IAM Identity Center roles;
//! - escalation set-ups beyond `sts:AssumeRole`: in each account a deployer role per 1,000
//!   that may pass service roles to Lambda (half of them may also rewrite their team's
//!   application roles' trust), and a help-desk user per 100 who may make access keys for
//!   the other people.
//!
//! Role names are `{team}-{kind}-{index}`; the first `ci` roles of each account (`ci/ci-…`)
//! are named by index alone so allowlists can name them.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::org::{Rng, TEAMS, account_id, pretty};
use crate::realistic::{aws_managed, date, doc, statements, write_list};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Roles over all accounts.
    pub roles: usize,
    pub seed: u64,
}

/// The organisation's id in every account's `Organization` block.
pub const ORG_ID: &str = "o-dense00001";

/// One account per 10,000 roles, at least two (the security account and one workload).
#[must_use]
pub fn accounts(spec: &Spec) -> usize {
    (spec.roles / 10_000).max(2)
}

/// Roles whose names are fixed by index (`ci/ci-{k}`), per account.
fn ci_roles(per_account: usize) -> usize {
    (per_account / 10).min(1000)
}

/// Accounts outside the organisation that vendor roles trust.
fn vendor_account(k: usize) -> String {
    format!("{:012}", 400_000_000_000u64 + k as u64 * 7_919)
}

const SERVICES: [&str; 12] = [
    "lambda",
    "ecs-tasks",
    "ec2",
    "glue",
    "states",
    "codebuild",
    "events",
    "sagemaker",
    "backup",
    "config",
    "cloudtrail",
    "s3",
];

fn role(spec: &Spec, rng: &mut Rng, a: usize, r: usize, per_account: usize) -> Value {
    let id = account_id(a);
    let hub = account_id(0);
    let accounts = accounts(spec);
    let team = *rng.pick(TEAMS);
    let stmt = |principal: Value| json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"});
    let (path, name, trust, broad) = if r < ci_roles(per_account) {
        (
            "/ci/".to_owned(),
            format!("ci-{r:06}"),
            doc(vec![stmt(
                json!({"AWS": format!("arn:aws:iam::{id}:root")}),
            )]),
            false,
        )
    } else if a == 0 && r < ci_roles(per_account) + 8 {
        // The security account's operator roles that workload accounts trust by name.
        (
            "/ops/".to_owned(),
            format!("ops-admin-{}", r - ci_roles(per_account)),
            doc(vec![stmt(
                json!({"AWS": format!("arn:aws:iam::{id}:root")}),
            )]),
            true,
        )
    } else if r % 2500 == 17 {
        // A scanner role trusting thousands of customer accounts.
        let list: Vec<String> = (0..3000)
            .map(|k| format!("arn:aws:iam::{}:root", vendor_account(k)))
            .collect();
        (
            "/scanner/".to_owned(),
            format!("scanner-{r:06}"),
            doc(vec![json!({
                "Effect": "Allow", "Principal": {"AWS": list}, "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": format!("{:016x}", rng.next())}}
            })]),
            false,
        )
    } else if r % 2500 == 29 {
        // A deployment role allowing every CI role of every account by ARN.
        let list: Vec<String> = (0..accounts)
            .flat_map(|k| {
                (0..ci_roles(per_account))
                    .map(move |c| format!("arn:aws:iam::{}:role/ci/ci-{c:06}", account_id(k)))
            })
            .collect();
        (
            "/deploy/".to_owned(),
            format!("deploy-all-{r:06}"),
            doc(vec![stmt(json!({"AWS": list}))]),
            false,
        )
    } else {
        let roll = rng.below(100);
        let root = |acct: &str| json!({"AWS": format!("arn:aws:iam::{acct}:root")});
        match roll {
            0..=27 => {
                let svc = SERVICES[rng.below(SERVICES.len())];
                let mut st = stmt(json!({"Service": format!("{svc}.amazonaws.com")}));
                if rng.chance(30) {
                    st["Condition"] = json!({"StringEquals": {"aws:SourceAccount": id}});
                }
                (
                    "/service-role/".to_owned(),
                    format!("{team}-{svc}-{r:06}"),
                    doc(vec![st]),
                    false,
                )
            }
            28..=57 => {
                let mut st = stmt(root(&id));
                if rng.chance(10) {
                    st["Condition"] = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}});
                }
                (
                    "/".to_owned(),
                    format!("{team}-app-{r:06}"),
                    doc(vec![st]),
                    rng.chance(3),
                )
            }
            58..=65 => (
                "/cross/".to_owned(),
                format!("{team}-from-security-{r:06}"),
                doc(vec![stmt(root(&hub))]),
                rng.chance(3),
            ),
            66..=69 => {
                let ops: Vec<String> = (0..1 + rng.below(4))
                    .map(|k| format!("arn:aws:iam::{hub}:role/ops/ops-admin-{k}"))
                    .collect();
                (
                    "/cross/".to_owned(),
                    format!("{team}-ops-{r:06}"),
                    doc(vec![stmt(json!({"AWS": ops}))]),
                    rng.chance(10),
                )
            }
            70..=74 => (
                "/org/".to_owned(),
                format!("{team}-org-read-{r:06}"),
                doc(vec![json!({
                    "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}
                })]),
                false,
            ),
            75..=81 => {
                let list: Vec<String> = (0..1 + rng.below(3))
                    .map(|_| vendor_account(rng.below(200)))
                    .collect();
                (
                    "/vendor/".to_owned(),
                    format!("{team}-vendor-{r:06}"),
                    doc(vec![json!({
                        "Effect": "Allow", "Principal": {"AWS": list}, "Action": "sts:AssumeRole",
                        "Condition": {"StringEquals": {"sts:ExternalId": format!("{:016x}", rng.next())}}
                    })]),
                    false,
                )
            }
            82..=89 => (
                "/deploy/".to_owned(),
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
                false,
            ),
            90..=95 => {
                let k = rng.below(ci_roles(per_account).max(1));
                (
                    "/chain/".to_owned(),
                    format!("{team}-chain-{r:06}"),
                    doc(vec![stmt(
                        json!({"AWS": format!("arn:aws:iam::{id}:role/ci/ci-{k:06}")}),
                    )]),
                    false,
                )
            }
            96..=98 => (
                "/federated/".to_owned(),
                format!("CorpAD-{team}-{r:06}"),
                doc(vec![json!({
                    "Effect": "Allow",
                    "Principal": {"Federated": format!("arn:aws:iam::{id}:saml-provider/CorpAD")},
                    "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
                })]),
                false,
            ),
            _ => (
                "/aws-reserved/sso.amazonaws.com/".to_owned(),
                format!("AWSReservedSSO_{team}Access_{:016x}", rng.next()),
                doc(vec![json!({
                    "Effect": "Allow",
                    "Principal": {"Federated": format!("arn:aws:iam::{id}:saml-provider/{}", sso_provider(spec))},
                    "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
                })]),
                rng.chance(20),
            ),
        }
    };
    let arn = format!("arn:aws:iam::{id}:role{path}{name}");
    let mut attached: Vec<Value> = Vec::new();
    let mut inline: Vec<Value> = Vec::new();
    if broad {
        // Half the broad grants are managed policies, half a statement in the role's own
        // inline policy next to its other permissions (as infrastructure code writes them).
        if rng.chance(50) {
            attached.push(broad_policy(rng, &id));
        } else {
            inline.push(broad_inline(rng, &id));
        }
    }
    for _ in 0..rng.below(4) {
        let k = rng.below(customer_policies(per_account));
        attached.push(
            json!({"PolicyName": format!("Access{k:05}"), "PolicyArn": customer_arn(&id, k)}),
        );
    }
    inline.extend((0..rng.below(3)).map(|k| {
        let n = 1 + rng.below(3);
        let size = 3 + rng.below(10);
        json!({"PolicyName": format!("inline-{k}"), "PolicyDocument": doc(statements(rng, &id, n, size))})
    }));
    // Escalation set-ups, chosen by index so the random stream stays as it was: deployers
    // that may pass service roles to Lambda, some of which may also rewrite their team's
    // application roles' trust.
    if r % 1000 == 41 {
        inline.push(json!({"PolicyName": "deployer", "PolicyDocument": doc(vec![
            json!({"Sid": "PassServiceRoles", "Effect": "Allow", "Action": "iam:PassRole",
                "Resource": format!("arn:aws:iam::{id}:role/service-role/*"),
                "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}),
            json!({"Sid": "Functions", "Effect": "Allow",
                "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}),
        ])}));
        if r % 2000 == 41 {
            inline.push(json!({"PolicyName": "trust-admin", "PolicyDocument": doc(vec![
                json!({"Sid": "TeamTrusts", "Effect": "Allow", "Action": "iam:UpdateAssumeRolePolicy",
                    "Resource": format!("arn:aws:iam::{id}:role/{team}-app-*")}),
            ])}));
        }
    }
    json!({
        "Path": path, "RoleName": name, "RoleId": rng.id("AROA"), "Arn": arn,
        "CreateDate": date(rng), "AssumeRolePolicyDocument": trust, "InstanceProfileList": [],
        "RolePolicyList": inline, "AttachedManagedPolicies": attached,
        "Tags": [{"Key": "team", "Value": team}],
        "MaxSessionDuration": 3600,
        "RoleLastUsed": {}
    })
}

fn sso_provider(spec: &Spec) -> String {
    format!("AWSSSO_{:016x}_DO_NOT_DELETE", spec.seed ^ 0xD5)
}

fn customer_policies(per_account: usize) -> usize {
    (per_account / 40).max(4)
}

fn customer_arn(id: &str, k: usize) -> String {
    format!("arn:aws:iam::{id}:policy/team/Access{k:05}")
}

/// One of the broad grants of `sts:AssumeRole`.
fn broad_policy(rng: &mut Rng, id: &str) -> Value {
    match rng.below(4) {
        0 => {
            json!({"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
        }
        1 => {
            json!({"PolicyName": "PowerUserAccess", "PolicyArn": "arn:aws:iam::aws:policy/PowerUserAccess"})
        }
        2 => {
            json!({"PolicyName": "BreakGlassSts", "PolicyArn": format!("arn:aws:iam::{id}:policy/BreakGlassSts")})
        }
        _ => {
            json!({"PolicyName": "AssumeAnyRole", "PolicyArn": format!("arn:aws:iam::{id}:policy/AssumeAnyRole")})
        }
    }
}

/// An inline policy holding a broad grant of `sts:AssumeRole` among the principal's own
/// statements: `Action: "*"`, `sts:*` or `sts:AssumeRole` on `"*"`.
fn broad_inline(rng: &mut Rng, id: &str) -> Value {
    let (n, size) = (1 + rng.below(3), 3 + rng.below(8));
    let mut list = statements(rng, id, n, size);
    let grant = match rng.below(3) {
        0 => json!({"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"}),
        1 => json!({"Sid": "Sts", "Effect": "Allow", "Action": "sts:*", "Resource": "*"}),
        _ => {
            json!({"Sid": "AssumeAny", "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*"})
        }
    };
    list.insert(rng.below(list.len() + 1), grant);
    json!({"PolicyName": "platform-access", "PolicyDocument": doc(list)})
}

fn managed(p: &(String, String, Value), rng: &mut Rng) -> Value {
    let (name, arn, document) = p;
    let version = format!("v{}", 1 + rng.below(40));
    json!({
        "PolicyName": name, "PolicyId": rng.id("ANPA"), "Arn": arn,
        "Path": if arn.contains("/service-role/") { "/service-role/" } else { "/" },
        "DefaultVersionId": version, "AttachmentCount": 1 + rng.below(500),
        "PermissionsBoundaryUsageCount": 0, "IsAttachable": true,
        "CreateDate": "2015-02-06T18:39:46+00:00", "UpdateDate": date(rng),
        "PolicyVersionList": [{"Document": document, "VersionId": version, "IsDefaultVersion": true, "CreateDate": date(rng)}]
    })
}

/// Writes one account's entry of the bundle.
fn write_account(spec: &Spec, a: usize, out: &mut impl Write) -> io::Result<()> {
    let mut rng = Rng::new(spec.seed ^ (a as u64 + 1).wrapping_mul(0xD3E5_0000_0000_0001));
    let id = account_id(a);
    let per_account = spec.roles / accounts(spec);
    let users = if a == 0 {
        per_account / 10
    } else {
        per_account / 25
    }
    .max(1);
    let mut aws = aws_managed(&mut rng);
    aws.push((
        "PowerUserAccess".to_owned(),
        "arn:aws:iam::aws:policy/PowerUserAccess".to_owned(),
        doc(vec![
            json!({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}),
            json!({"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization", "account:ListRegions"], "Resource": "*"}),
        ]),
    ));
    let own: Vec<(String, String, Value)> = vec![
        (
            "BreakGlassSts".to_owned(),
            format!("arn:aws:iam::{id}:policy/BreakGlassSts"),
            doc(vec![
                json!({"Effect": "Allow", "Action": "sts:*", "Resource": "*"}),
            ]),
        ),
        (
            "AssumeAnyRole".to_owned(),
            format!("arn:aws:iam::{id}:policy/AssumeAnyRole"),
            doc(vec![
                json!({"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*"}),
            ]),
        ),
    ];
    let customer = customer_policies(per_account);

    write!(
        out,
        "        \"{id}\": {{\n    \"Name\": \"dense-{a:03}\",\n    \"Organization\": {},\n    \"IdentityProviders\": {},\n",
        pretty(
            &json!({
                "Id": ORG_ID, "ManagementAccountId": account_id(0), "IsManagementAccount": a == 0,
                "ScpsByLevel": [
                    {"Target": "r-dns1", "Policies": [doc(vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*"})])]},
                    {"Target": id, "Policies": [doc(vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*"})])]}
                ],
                "RcpsByLevel": []
            }),
            "    "
        )?,
        pretty(
            &json!([
                {"Arn": format!("arn:aws:iam::{id}:saml-provider/CorpAD"), "Type": "SAML"},
                {"Arn": format!("arn:aws:iam::{id}:saml-provider/{}", sso_provider(spec)), "Type": "SAML"},
                {"Arn": format!("arn:aws:iam::{id}:oidc-provider/token.actions.githubusercontent.com"), "Type": "OIDC",
                 "Url": "https://token.actions.githubusercontent.com", "ClientIDList": ["sts.amazonaws.com"]}
            ]),
            "    "
        )?
    )?;
    write_list(
        out,
        "UserDetailList",
        users,
        |u| {
            let team = *rng.pick(TEAMS);
            let name = format!("{team}.user{u:05}");
            let mut attached = Vec::new();
            let mut groups = Vec::new();
            let mut inline = Vec::new();
            if rng.chance(15) {
                match rng.below(3) {
                    0 => groups.push("admins"),
                    1 => attached.push(broad_policy(&mut rng, &id)),
                    _ => inline.push(broad_inline(&mut rng, &id)),
                }
            }
            if rng.chance(40) {
                groups.push("developers");
            }
            if rng.chance(25) {
                inline.push(json!({"PolicyName": "assume-team-roles", "PolicyDocument": doc(vec![json!({
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Resource": [format!("arn:aws:iam::{id}:role/{team}-*"), format!("arn:aws:iam::*:role/cross/{team}-*")]
                })])}));
            }
            if u % 100 == 3 {
                // A help-desk user who may make access keys for the other people.
                inline.push(
                    json!({"PolicyName": "helpdesk", "PolicyDocument": doc(vec![json!({
                        "Sid": "PeopleKeys", "Effect": "Allow", "Action": "iam:CreateAccessKey",
                        "Resource": format!("arn:aws:iam::{id}:user/people/*")
                    })])}),
                );
            }
            json!({
                "Path": "/people/", "UserName": name, "UserId": rng.id("AIDA"),
                "Arn": format!("arn:aws:iam::{id}:user/people/{name}"), "CreateDate": date(&mut rng),
                "UserPolicyList": inline, "GroupList": groups, "AttachedManagedPolicies": attached,
                "Tags": [{"Key": "team", "Value": team}]
            })
        },
        false,
    )?;
    write_list(
        out,
        "GroupDetailList",
        2,
        |g| {
            let (name, attached) = if g == 0 {
                (
                    "admins",
                    json!([{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]),
                )
            } else {
                (
                    "developers",
                    json!([{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]),
                )
            };
            json!({
                "Path": "/", "GroupName": name, "GroupId": rng.id("AGPA"),
                "Arn": format!("arn:aws:iam::{id}:group/{name}"), "CreateDate": date(&mut rng),
                "GroupPolicyList": [], "AttachedManagedPolicies": attached
            })
        },
        false,
    )?;
    write_list(
        out,
        "RoleDetailList",
        per_account,
        |r| role(spec, &mut rng, a, r, per_account),
        false,
    )?;
    write_list(
        out,
        "Policies",
        customer + own.len() + aws.len(),
        |p| {
            if p < customer {
                let (n, size) = (1 + rng.below(4), 6 + rng.below(24));
                json!({
                    "PolicyName": format!("Access{p:05}"), "PolicyId": rng.id("ANPA"),
                    "Arn": customer_arn(&id, p), "Path": "/team/", "DefaultVersionId": "v1",
                    "AttachmentCount": 1 + rng.below(30), "PermissionsBoundaryUsageCount": 0,
                    "IsAttachable": true, "CreateDate": date(&mut rng), "UpdateDate": date(&mut rng),
                    "PolicyVersionList": [{
                        "Document": doc(statements(&mut rng, &id, n, size)),
                        "VersionId": "v1", "IsDefaultVersion": true, "CreateDate": date(&mut rng)
                    }]
                })
            } else if p < customer + own.len() {
                managed(&own[p - customer], &mut rng)
            } else {
                managed(&aws[p - customer - own.len()], &mut rng)
            }
        },
        true,
    )?;
    out.write_all(b"        }")
}

/// Writes the organisation as one bundle, one account at a time.
///
/// # Errors
/// When writing fails.
pub fn write_bundle(spec: &Spec, out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"{\n    \"Accounts\": {\n")?;
    let n = accounts(spec);
    for a in 0..n {
        write_account(spec, a, out)?;
        out.write_all(if a + 1 < n { b",\n" } else { b"\n" })?;
    }
    out.write_all(b"    }\n}\n")
}
