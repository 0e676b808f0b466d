//! A generated organisation for trust-graph tests and benches: `accounts` member accounts of
//! one organisation, each with `roles` roles and `users` users, trust policies of every shape
//! the graph distinguishes (account root with and without MFA, cross-account with external
//! ID, named users and roles, role chains, services with and without a source account,
//! `*` narrowed to the organisation, GitHub's OIDC provider), and callers whose own policies
//! allow some of those roles. Deterministic for a given seed. Output: a bundle the loader
//! reads (`{"Accounts": {...}}`).

#![allow(dead_code)]

use serde_json::{Value, json};

/// A small deterministic generator (xorshift64*).
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
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub const ORG_ID: &str = "o-gen0000001";

pub fn account_id(i: usize) -> String {
    format!("{:012}", 100_000_000_000u64 + i as u64)
}

const MSD: [u32; 3] = [3600, 7200, 43200];

const PATHS: [&str; 4] = ["/app/", "/dev/", "/ops/", "/data/"];

pub fn role_path(r: usize) -> &'static str {
    PATHS[r % PATHS.len()]
}

pub fn role_arn(a: usize, r: usize) -> String {
    format!(
        "arn:aws:iam::{}:role{}role-{r}",
        account_id(a),
        role_path(r)
    )
}

pub fn user_arn(a: usize, u: usize) -> String {
    format!("arn:aws:iam::{}:user/people/user-{u}", account_id(a))
}

fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn trust(rng: &mut Rng, a: usize, r: usize, accounts: usize, roles: usize, users: usize) -> Value {
    let me = account_id(a);
    let other =
        account_id((a + 1 + rng.below(accounts.max(2) as u64 - 1) as usize) % accounts.max(1));
    let assume = "sts:AssumeRole";
    let st = match rng.below(100) {
        0..=29 => {
            json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{me}:root")}, "Action": assume})
        }
        30..=39 => json!({"Effect": "Allow", "Principal": {"AWS": me}, "Action": assume,
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}),
        40..=49 => {
            json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{other}:root")}, "Action": assume,
            "Condition": {"StringEquals": {"sts:ExternalId": format!("ext-{a}-{r}")}}})
        }
        50..=59 => {
            json!({"Effect": "Allow", "Principal": {"AWS": user_arn(a, rng.below(users as u64) as usize)}, "Action": assume})
        }
        60..=69 => {
            let prev = if r == 0 {
                0
            } else {
                rng.below(r as u64) as usize
            };
            json!({"Effect": "Allow", "Principal": {"AWS": role_arn(a, prev)}, "Action": assume})
        }
        70..=74 => {
            json!({"Effect": "Allow", "Principal": {"AWS": role_arn((a + 1) % accounts.max(1), rng.below(roles as u64) as usize)}, "Action": assume})
        }
        75..=82 => {
            json!({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": assume})
        }
        83..=88 => {
            json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": assume,
            "Condition": {"StringEquals": {"aws:SourceAccount": me}}})
        }
        89..=93 => json!({"Effect": "Allow", "Principal": "*", "Action": assume,
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}}),
        94..=96 => {
            json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{me}:root")}, "Action": assume,
            "Condition": {"IpAddress": {"aws:SourceIp": "10.20.0.0/16"}}})
        }
        _ => json!({"Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{me}:oidc-provider/token.actions.githubusercontent.com")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                          "StringLike": {"token.actions.githubusercontent.com:sub": format!("repo:gen/app-{r}:*")}}}),
    };
    doc(vec![st])
}

fn account(rng: &mut Rng, a: usize, accounts: usize, roles: usize, users: usize) -> Value {
    let me = account_id(a);
    let other = account_id((a + 1) % accounts.max(1));
    let role_list: Vec<Value> = (0..roles)
        .map(|r| {
            let mut inline = Vec::new();
            if rng.below(4) == 0 {
                inline.push(
                    json!({"PolicyName": "chain", "PolicyDocument": doc(vec![json!({
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Resource": format!("arn:aws:iam::{me}:role/ops/*")})])}),
                );
            }
            if rng.below(10) == 0 {
                inline.push(
                    json!({"PolicyName": "cross", "PolicyDocument": doc(vec![json!({
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Resource": format!("arn:aws:iam::{other}:role/*")})])}),
                );
            }
            json!({
                "Path": role_path(r), "RoleName": format!("role-{r}"),
                "RoleId": format!("AROAGEN{a:05}R{r:07}"), "Arn": role_arn(a, r),
                "AssumeRolePolicyDocument": trust(rng, a, r, accounts, roles, users),
                "MaxSessionDuration": MSD[r % 3],
                "RolePolicyList": inline, "AttachedManagedPolicies": [], "Tags": [],
                "InstanceProfileList": [], "RoleLastUsed": {}
            })
        })
        .collect();
    let user_list: Vec<Value> = (0..users)
        .map(|u| {
            let group = ["admins", "developers", "operators", "readers"][u % 4];
            let mut inline = Vec::new();
            if rng.below(3) == 0 {
                inline.push(
                    json!({"PolicyName": "own-role", "PolicyDocument": doc(vec![json!({
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Resource": role_arn(a, rng.below(roles as u64) as usize)})])}),
                );
            }
            json!({"Path": "/people/", "UserName": format!("user-{u}"),
                "UserId": format!("AIDAGEN{a:05}U{u:07}"), "Arn": user_arn(a, u),
                "UserPolicyList": inline, "GroupList": [group], "AttachedManagedPolicies": [],
                "Tags": [{"Key": "team", "Value": group}]})
        })
        .collect();
    let groups = json!([
        {"Path": "/", "GroupName": "admins", "GroupId": format!("AGPAGEN{a:05}ADMIN"), "Arn": format!("arn:aws:iam::{me}:group/admins"),
         "GroupPolicyList": [{"PolicyName": "assume-any", "PolicyDocument": doc(vec![json!({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})])}], "AttachedManagedPolicies": []},
        {"Path": "/", "GroupName": "developers", "GroupId": format!("AGPAGEN{a:05}DEVS"), "Arn": format!("arn:aws:iam::{me}:group/developers"),
         "GroupPolicyList": [{"PolicyName": "assume-dev", "PolicyDocument": doc(vec![json!({"Effect": "Allow", "Action": "sts:AssumeRole",
            "Resource": ["arn:aws:iam::*:role/dev/*", format!("arn:aws:iam::{me}:role/app/*")]})])}], "AttachedManagedPolicies": []},
        {"Path": "/", "GroupName": "operators", "GroupId": format!("AGPAGEN{a:05}OPS"), "Arn": format!("arn:aws:iam::{me}:group/operators"),
         "GroupPolicyList": [{"PolicyName": "assume-ops", "PolicyDocument": doc(vec![json!({"Effect": "Allow", "Action": "sts:AssumeRole",
            "Resource": format!("arn:aws:iam::{me}:role/ops/*")}), json!({"Effect": "Deny", "Action": "sts:AssumeRole",
            "Resource": format!("arn:aws:iam::{me}:role/ops/role-1*")})])}], "AttachedManagedPolicies": []},
        {"Path": "/", "GroupName": "readers", "GroupId": format!("AGPAGEN{a:05}READ"), "Arn": format!("arn:aws:iam::{me}:group/readers"),
         "GroupPolicyList": [], "AttachedManagedPolicies": []}
    ]);
    let full = doc(vec![
        json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    ]);
    json!({
        "Name": format!("gen-{a}"),
        "UserDetailList": user_list, "GroupDetailList": groups, "RoleDetailList": role_list, "Policies": [],
        "Organization": {"Id": ORG_ID, "ManagementAccountId": account_id(0), "IsManagementAccount": a == 0,
            "ScpsByLevel": [{"Target": "r-gen0", "Policies": [full.clone()]}, {"Target": me.clone(), "Policies": [full]}],
            "RcpsByLevel": []},
        "IdentityProviders": [{"Arn": format!("arn:aws:iam::{me}:oidc-provider/token.actions.githubusercontent.com"),
            "Type": "OIDC", "Url": "token.actions.githubusercontent.com", "ClientIDList": ["sts.amazonaws.com"]}]
    })
}

/// The bundle text of a generated organisation.
pub fn generated_org(accounts: usize, roles: usize, users: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut map = serde_json::Map::new();
    for a in 0..accounts {
        map.insert(account_id(a), account(&mut rng, a, accounts, roles, users));
    }
    serde_json::to_string(&json!({"Accounts": map})).unwrap_or_default()
}
