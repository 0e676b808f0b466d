//! Privilege-escalation edges and administrators, one technique at a time: allowed, refused
//! (a condition, an explicit deny, a boundary, an SCP) and unknown (data not loaded), on small
//! hand-written accounts; then the demo organisation's set-ups and the shared moto account,
//! compared with PMapper's output there.
//!
//! Sources: PMapper 1.1.5's edge checkers (`principalmapper/graphing/*_edges.py`) and
//! administrator test (`gathering.py`); Rhino Security Labs' list of IAM privilege-escalation
//! methods; IAM User Guide: "Granting a user permissions to pass a role to an AWS service"
//! (`iam:PassedToService`), "Permissions boundaries for IAM entities", "Versioning IAM
//! policies" (five versions at most).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use rolescope::engine::escalation::walk::{self, Follow};
use rolescope::engine::escalation::{AdminStatus, EscalationEdge, Escalations, Technique};
use rolescope::engine::graph::{EdgeStatus, TrustGraph};
use rolescope::engine::load::{load_demo, load_str};
use rolescope::engine::policy::decision::PolicyType;
use serde_json::{Value, json};

const A: &str = "111111111111";

fn doc(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn allow(actions: Value, resource: Value) -> Value {
    json!({"Effect": "Allow", "Action": actions, "Resource": resource})
}

fn user(name: &str, statements: Value) -> Value {
    json!({"UserName": name, "Path": "/", "UserId": format!("AIDA{}XXXXXXXX", name.to_uppercase().replace('-', "")),
        "Arn": format!("arn:aws:iam::{A}:user/{name}"),
        "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc(statements)}],
        "GroupList": [], "AttachedManagedPolicies": [], "Tags": []})
}

fn role(name: &str, service: &str, statements: Value) -> Value {
    json!({"RoleName": name, "Path": "/", "RoleId": format!("AROA{}XXXXXXXX", name.to_uppercase().replace('-', "")),
        "Arn": format!("arn:aws:iam::{A}:role/{name}"),
        "AssumeRolePolicyDocument": doc(json!([{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}])),
        "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": doc(statements)}],
        "AttachedManagedPolicies": [], "MaxSessionDuration": 3600, "Tags": [], "InstanceProfileList": []})
}

fn admin_role(name: &str, service: &str) -> Value {
    role(name, service, json!([allow(json!("*"), json!("*"))]))
}

fn managed(name: &str, versions: &[Value], default: usize) -> Value {
    json!({"PolicyName": name, "PolicyId": format!("ANPA{}XXXXXXXX", name.to_uppercase()),
        "Arn": format!("arn:aws:iam::{A}:policy/{name}"), "Path": "/",
        "DefaultVersionId": format!("v{}", default + 1), "IsAttachable": true,
        "PolicyVersionList": versions.iter().enumerate().map(|(i, d)| json!({
            "Document": d, "VersionId": format!("v{}", i + 1), "IsDefaultVersion": i == default
        })).collect::<Vec<_>>()})
}

fn gaad(users: Vec<Value>, roles: Vec<Value>, groups: Vec<Value>, policies: Vec<Value>) -> Value {
    json!({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies})
}

/// The account as a bundle in an organisation whose account-level SCP is `scp`.
fn with_scp(account: Value, scp: Value) -> Value {
    let mut a = account;
    a["Organization"] = json!({"Id": "o-test1234", "ManagementAccountId": "999999999999",
    "IsManagementAccount": false,
    "ScpsByLevel": [
        {"Target": "r-root", "Policies": [doc(json!([allow(json!("*"), json!("*"))]))]},
        {"Target": A, "Policies": [scp]}
    ]});
    json!({"Accounts": {A: a}})
}

fn graph(data: &Value) -> TrustGraph {
    let inv = load_str("test", &data.to_string()).unwrap();
    TrustGraph::build(
        Arc::new(inv),
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(),
    )
}

fn name(g: &TrustGraph, e: &EscalationEdge) -> (String, String) {
    (g.node(e.from).name.clone(), g.node(e.to).name.clone())
}

/// The edges of `technique` as (from, to, status) by name.
fn edges(g: &TrustGraph, esc: &Escalations, t: Technique) -> Vec<(String, String, EdgeStatus)> {
    esc.edges
        .iter()
        .filter(|e| e.technique == t)
        .map(|e| {
            let (f, to) = name(g, e);
            (f, to, e.status.clone())
        })
        .collect()
}

fn works(g: &TrustGraph, esc: &Escalations, t: Technique, from: &str, to: &str) -> bool {
    edges(g, esc, t)
        .iter()
        .any(|(f, x, s)| f == from && x == to && *s == EdgeStatus::Works)
}

fn refused_by(s: &EdgeStatus) -> Option<PolicyType> {
    match s {
        EdgeStatus::Broken { refused_by, .. } => *refused_by,
        _ => None,
    }
}

fn lambda_caller(extra: Value) -> Value {
    let mut st = vec![
        json!({"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": format!("arn:aws:iam::{A}:role/fn-admin"),
               "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}),
        allow(
            json!(["lambda:CreateFunction", "lambda:InvokeFunction"]),
            json!("*"),
        ),
    ];
    if let Value::Array(more) = extra {
        st.extend(more);
    }
    user("dev", Value::Array(st))
}

// ---- PassRole and a service that runs code as the role ----

#[test]
fn pass_role_lambda_works_and_names_the_statements_iam_user_guide_passedtoservice() {
    let g = graph(&gaad(
        vec![lambda_caller(json!([]))],
        vec![admin_role("fn-admin", "lambda.amazonaws.com")],
        vec![],
        vec![],
    ));
    let esc = Escalations::compute(&g);
    assert!(works(
        &g,
        &esc,
        Technique::PassRoleLambda,
        "dev",
        "fn-admin"
    ));
    let e = esc
        .edges
        .iter()
        .find(|e| e.technique == Technique::PassRoleLambda)
        .unwrap();
    let pass = &e.grants[0];
    assert_eq!(pass.action, "iam:PassRole");
    assert_eq!(
        pass.passed_to_service.as_deref(),
        Some("lambda.amazonaws.com")
    );
    assert!(
        pass.statement.as_deref().unwrap().contains("`Pass`"),
        "{pass:?}"
    );
    assert_eq!(
        e.grants.len(),
        3,
        "PassRole, CreateFunction, InvokeFunction"
    );
    // The condition names Lambda only: no EC2 or Glue edge, whatever the role trusts.
    assert!(edges(&g, &esc, Technique::PassRoleEc2).is_empty());
    // And dev becomes administrator through it.
    let rows = walk::admins(&g, &esc, 5, Follow::Working);
    assert!(
        rows.iter()
            .any(|r| g.node(r.principal).name == "dev" && r.path.has_escalation())
    );
}

#[test]
fn pass_role_is_refused_when_iam_passedtoservice_names_another_service() {
    let mut caller = lambda_caller(json!([]));
    caller["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Condition"] =
        json!({"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}});
    let g = graph(&gaad(
        vec![caller],
        vec![admin_role("fn-admin", "lambda.amazonaws.com")],
        vec![],
        vec![],
    ));
    let esc = Escalations::compute(&g);
    assert!(
        edges(&g, &esc, Technique::PassRoleLambda).is_empty(),
        "the condition refuses Lambda"
    );
}

#[test]
fn pass_role_needs_the_role_to_trust_the_service_pmapper_lambda_edges() {
    let g = graph(&gaad(
        vec![lambda_caller(json!([]))],
        vec![admin_role("fn-admin", "ec2.amazonaws.com")],
        vec![],
        vec![],
    ));
    let esc = Escalations::compute(&g);
    assert!(edges(&g, &esc, Technique::PassRoleLambda).is_empty());
}

#[test]
fn pass_role_lambda_needs_invoke_or_an_event_source_rhino_security_labs() {
    let mut caller = lambda_caller(json!([]));
    caller["UserPolicyList"][0]["PolicyDocument"]["Statement"][1]["Action"] =
        json!(["lambda:CreateFunction"]);
    let g = graph(&gaad(
        vec![caller.clone()],
        vec![admin_role("fn-admin", "lambda.amazonaws.com")],
        vec![],
        vec![],
    ));
    let esc = Escalations::compute(&g);
    assert!(edges(&g, &esc, Technique::PassRoleLambda).is_empty());
    caller["UserPolicyList"][0]["PolicyDocument"]["Statement"][1]["Action"] =
        json!(["lambda:CreateFunction", "lambda:CreateEventSourceMapping"]);
    let g = graph(&gaad(
        vec![caller],
        vec![admin_role("fn-admin", "lambda.amazonaws.com")],
        vec![],
        vec![],
    ));
    let esc = Escalations::compute(&g);
    assert!(works(
        &g,
        &esc,
        Technique::PassRoleLambdaEventSource,
        "dev",
        "fn-admin"
    ));
}

#[test]
fn pass_role_lambda_is_broken_when_an_scp_denies_creating_functions() {
    let account = gaad(
        vec![lambda_caller(json!([]))],
        vec![admin_role("fn-admin", "lambda.amazonaws.com")],
        vec![],
        vec![],
    );
    let scp = doc(json!([allow(json!("*"), json!("*")),
        {"Effect": "Deny", "Action": "lambda:CreateFunction", "Resource": "*"}]));
    let g = graph(&with_scp(account, scp));
    let esc = Escalations::compute(&g);
    let e = edges(&g, &esc, Technique::PassRoleLambda);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        refused_by(&e[0].2),
        Some(PolicyType::ServiceControlPolicy),
        "{e:?}"
    );
    assert!(
        walk::admins(&g, &esc, 5, Follow::Working)
            .iter()
            .all(|r| g.node(r.principal).name != "dev")
    );
}

#[test]
fn pass_role_is_unknown_when_a_managed_policy_of_the_caller_is_not_loaded() {
    let mut caller = lambda_caller(json!([]));
    caller["AttachedManagedPolicies"] =
        json!([{"PolicyName": "Absent", "PolicyArn": format!("arn:aws:iam::{A}:policy/Absent")}]);
    let g = graph(&gaad(
        vec![caller],
        vec![admin_role("fn-admin", "lambda.amazonaws.com")],
        vec![],
        vec![],
    ));
    let esc = Escalations::compute(&g);
    let e = edges(&g, &esc, Technique::PassRoleLambda);
    assert_eq!(e.len(), 1);
    assert!(e[0].2.is_unknown(), "{e:?}");
    assert!(
        esc.unknown_callers
            .iter()
            .any(|u| g.node(u.node).name == "dev")
    );
    // Not a sure path to administrator, but a possible one.
    let sure = walk::admins(&g, &esc, 5, Follow::Working);
    let maybe = walk::admins(&g, &esc, 5, Follow::WorkingOrUnknown);
    assert!(sure.iter().all(|r| g.node(r.principal).name != "dev"));
    assert!(maybe.iter().any(|r| g.node(r.principal).name == "dev"));
}

#[test]
fn pass_role_ec2_uses_the_instance_profile_or_needs_to_create_one_pmapper_ec2_edges() {
    let caller = user(
        "dev",
        json!([allow(
            json!(["iam:PassRole", "ec2:RunInstances"]),
            json!("*")
        )]),
    );
    let mut with_profile = admin_role("box-admin", "ec2.amazonaws.com");
    with_profile["InstanceProfileList"] = json!([{"InstanceProfileName": "box-admin", "Path": "/",
        "InstanceProfileId": "AIPAXXXXXXXXXXXXXXXXX", "Arn": format!("arn:aws:iam::{A}:instance-profile/box-admin"), "Roles": []}]);
    let without = admin_role("bare-admin", "ec2.amazonaws.com");
    let g = graph(&gaad(
        vec![caller],
        vec![with_profile, without],
        vec![],
        vec![],
    ));
    let esc = Escalations::compute(&g);
    assert!(works(&g, &esc, Technique::PassRoleEc2, "dev", "box-admin"));
    assert!(
        !edges(&g, &esc, Technique::PassRoleEc2)
            .iter()
            .any(|(_, to, _)| to == "bare-admin"),
        "no instance profile and no iam:CreateInstanceProfile"
    );
    // SSM: no PassRole needed, only an instance holding the profile.
    let ssm = user("ops", json!([allow(json!("ssm:SendCommand"), json!("*"))]));
    let mut with_profile = admin_role("box-admin", "ec2.amazonaws.com");
    with_profile["InstanceProfileList"] = json!([{"InstanceProfileName": "box-admin", "Path": "/",
        "InstanceProfileId": "AIPAXXXXXXXXXXXXXXXXX", "Arn": format!("arn:aws:iam::{A}:instance-profile/box-admin"), "Roles": []}]);
    let g = graph(&gaad(vec![ssm], vec![with_profile], vec![], vec![]));
    let esc = Escalations::compute(&g);
    assert!(works(
        &g,
        &esc,
        Technique::SsmSendCommand,
        "ops",
        "box-admin"
    ));
    assert!(edges(&g, &esc, Technique::SsmStartSession).is_empty());
}

#[test]
fn every_pass_role_service_technique_needs_its_own_actions_pmapper_edge_checkers() {
    let cases: &[(Technique, &str, &[&str])] = &[
        (
            Technique::PassRoleGlueDevEndpoint,
            "glue.amazonaws.com",
            &["glue:CreateDevEndpoint"],
        ),
        (
            Technique::PassRoleGlueJob,
            "glue.amazonaws.com",
            &["glue:CreateJob", "glue:StartJobRun"],
        ),
        (
            Technique::PassRoleCloudFormation,
            "cloudformation.amazonaws.com",
            &["cloudformation:CreateStack"],
        ),
        (
            Technique::PassRoleCodeBuild,
            "codebuild.amazonaws.com",
            &["codebuild:CreateProject", "codebuild:StartBuild"],
        ),
        (
            Technique::PassRoleEcs,
            "ecs-tasks.amazonaws.com",
            &["ecs:RegisterTaskDefinition", "ecs:RunTask"],
        ),
        (
            Technique::PassRoleSageMaker,
            "sagemaker.amazonaws.com",
            &[
                "sagemaker:CreateNotebookInstance",
                "sagemaker:CreatePresignedNotebookInstanceUrl",
            ],
        ),
        (
            Technique::PassRoleDataPipeline,
            "datapipeline.amazonaws.com",
            &[
                "datapipeline:CreatePipeline",
                "datapipeline:PutPipelineDefinition",
                "datapipeline:ActivatePipeline",
            ],
        ),
    ];
    for (t, service, actions) in cases {
        let pass = json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
            "Condition": {"StringEquals": {"iam:PassedToService": service}}});
        let all = user("dev", json!([pass, allow(json!(actions), json!("*"))]));
        let g = graph(&gaad(
            vec![all],
            vec![admin_role("target", service)],
            vec![],
            vec![],
        ));
        let esc = Escalations::compute(&g);
        assert!(works(&g, &esc, *t, "dev", "target"), "{t:?}");
        // One action short: no edge.
        let short = user(
            "dev",
            json!([
                pass,
                allow(json!(&actions[..actions.len() - 1]), json!("*"))
            ]),
        );
        let mut partial = vec![short];
        if actions.len() == 1 {
            partial = vec![user("dev", json!([pass]))];
        }
        let g = graph(&gaad(
            partial,
            vec![admin_role("target", service)],
            vec![],
            vec![],
        ));
        let esc = Escalations::compute(&g);
        assert!(edges(&g, &esc, *t).is_empty(), "{t:?} without every action");
    }
}

// ---- Credentials of another user ----

fn admin_user(name: &str) -> Value {
    user(name, json!([allow(json!("*"), json!("*"))]))
}

#[test]
fn create_access_key_on_another_user_works_pmapper_iam_edges() {
    let helpdesk = user(
        "helpdesk",
        json!([allow(
            json!("iam:CreateAccessKey"),
            json!(format!("arn:aws:iam::{A}:user/*"))
        )]),
    );
    let g = graph(&gaad(
        vec![helpdesk, admin_user("boss")],
        vec![],
        vec![],
        vec![],
    ));
    let esc = Escalations::compute(&g);
    assert!(works(
        &g,
        &esc,
        Technique::CreateAccessKey,
        "helpdesk",
        "boss"
    ));
    // Not on itself (that gains nothing), and not out of the administrator.
    assert!(
        edges(&g, &esc, Technique::CreateAccessKey)
            .iter()
            .all(|(f, t, _)| f == "helpdesk" && t == "boss")
    );
}

#[test]
fn create_access_key_is_broken_by_an_explicit_deny() {
    let helpdesk = user(
        "helpdesk",
        json!([allow(json!("iam:CreateAccessKey"), json!("*")),
            {"Effect": "Deny", "Action": "iam:*", "Resource": format!("arn:aws:iam::{A}:user/boss")}]),
    );
    let g = graph(&gaad(
        vec![helpdesk, admin_user("boss")],
        vec![],
        vec![],
        vec![],
    ));
    let esc = Escalations::compute(&g);
    let e = edges(&g, &esc, Technique::CreateAccessKey);
    assert_eq!(
        refused_by(&e[0].2),
        Some(PolicyType::IdentityBasedPolicy),
        "{e:?}"
    );
}

#[test]
fn create_access_key_needing_mfa_carries_the_mfa_requirement() {
    let helpdesk = user(
        "helpdesk",
        json!([{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]),
    );
    let g = graph(&gaad(
        vec![helpdesk, admin_user("boss")],
        vec![],
        vec![],
        vec![],
    ));
    let esc = Escalations::compute(&g);
    let e = esc
        .edges
        .iter()
        .find(|e| e.technique == Technique::CreateAccessKey)
        .unwrap();
    assert!(e.works());
    assert!(e.requirements.iter().any(|r| r == "MFA"), "{e:?}");
}

#[test]
fn login_profile_techniques_are_both_listed_since_exports_do_not_say_whether_a_password_exists() {
    let helpdesk = user(
        "helpdesk",
        json!([allow(
            json!(["iam:CreateLoginProfile", "iam:UpdateLoginProfile"]),
            json!("*")
        )]),
    );
    let g = graph(&gaad(
        vec![helpdesk, admin_user("boss")],
        vec![],
        vec![],
        vec![],
    ));
    let esc = Escalations::compute(&g);
    assert!(works(
        &g,
        &esc,
        Technique::CreateLoginProfile,
        "helpdesk",
        "boss"
    ));
    assert!(works(
        &g,
        &esc,
        Technique::UpdateLoginProfile,
        "helpdesk",
        "boss"
    ));
}

#[test]
fn create_access_key_is_unknown_when_the_accounts_scps_are_not_all_loaded() {
    let helpdesk = user(
        "helpdesk",
        json!([allow(json!("iam:CreateAccessKey"), json!("*"))]),
    );
    let mut account = gaad(vec![helpdesk, admin_user("boss")], vec![], vec![], vec![]);
    account["NotCollected"] = json!([{"Part": "organization", "Call": "organizations describe-organization", "Message": "AccessDenied"}]);
    let g = graph(&json!({"Accounts": {A: account}}));
    let esc = Escalations::compute(&g);
    let e = edges(&g, &esc, Technique::CreateAccessKey);
    let from_helpdesk: Vec<_> = e.iter().filter(|(f, _, _)| f == "helpdesk").collect();
    assert_eq!(from_helpdesk.len(), 1, "{e:?}");
    assert!(from_helpdesk[0].2.is_unknown(), "{e:?}");
    // Whether boss is an administrator turns on the same SCPs: edges out of it are kept.
    let boss = esc.admin_status(g.find("boss").unwrap()).unwrap();
    assert!(matches!(boss, AdminStatus::Unknown { .. }), "{boss:?}");
}

// ---- Rewriting a trust policy ----

#[test]
fn update_assume_role_policy_then_assume_works_in_the_same_account_pmapper_iam_edges() {
    let bot = user(
        "bot",
        json!([allow(
            json!("iam:UpdateAssumeRolePolicy"),
            json!(format!("arn:aws:iam::{A}:role/deploy"))
        )]),
    );
    let g = graph(&gaad(
        vec![bot],
        vec![admin_role("deploy", "codepipeline.amazonaws.com")],
        vec![],
        vec![],
    ));
    let esc = Escalations::compute(&g);
    assert!(works(
        &g,
        &esc,
        Technique::UpdateAssumeRolePolicy,
        "bot",
        "deploy"
    ));
    let e = esc
        .edges
        .iter()
        .find(|e| e.technique == Technique::UpdateAssumeRolePolicy)
        .unwrap();
    assert_eq!(e.grants.last().unwrap().action, "sts:AssumeRole");
}

#[test]
fn update_assume_role_policy_is_broken_when_an_scp_denies_assuming_roles() {
    let bot = user(
        "bot",
        json!([allow(json!("iam:UpdateAssumeRolePolicy"), json!("*"))]),
    );
    let account = gaad(
        vec![bot],
        vec![admin_role("deploy", "codepipeline.amazonaws.com")],
        vec![],
        vec![],
    );
    let scp = doc(json!([allow(json!("*"), json!("*")),
        {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}]));
    let g = graph(&with_scp(account, scp));
    let esc = Escalations::compute(&g);
    let e = edges(&g, &esc, Technique::UpdateAssumeRolePolicy);
    assert_eq!(
        refused_by(&e[0].2),
        Some(PolicyType::ServiceControlPolicy),
        "{e:?}"
    );
}

// ---- Granting oneself more ----

#[test]
fn attach_user_policy_to_oneself_makes_an_administrator_pmapper_gathering() {
    let me = user(
        "me",
        json!([allow(
            json!("iam:AttachUserPolicy"),
            json!(format!("arn:aws:iam::{A}:user/${{aws:username}}"))
        )]),
    );
    let g = graph(&gaad(vec![me], vec![], vec![], vec![]));
    let esc = Escalations::compute(&g);
    assert!(works(&g, &esc, Technique::AttachUserPolicy, "me", "me"));
    let rows = walk::admins(&g, &esc, 5, Follow::Working);
    let row = rows
        .iter()
        .find(|r| g.node(r.principal).name == "me")
        .unwrap();
    assert!(!row.admin);
    assert_eq!(row.path.len(), 1);
}

#[test]
fn a_permissions_boundary_limits_what_a_self_attached_policy_grants_iam_user_guide_boundaries() {
    let mut me = user(
        "me",
        json!([allow(json!(["iam:AttachUserPolicy", "s3:*"]), json!("*"))]),
    );
    me["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": format!("arn:aws:iam::{A}:policy/Bound")});
    let bound = managed(
        "Bound",
        &[doc(json!([allow(
            json!(["s3:*", "iam:AttachUserPolicy"]),
            json!("*")
        )]))],
        0,
    );
    let g = graph(&gaad(vec![me], vec![], vec![], vec![bound]));
    let esc = Escalations::compute(&g);
    let e = edges(&g, &esc, Technique::AttachUserPolicy);
    assert_eq!(e.len(), 1);
    assert_eq!(
        refused_by(&e[0].2),
        Some(PolicyType::PermissionsBoundary),
        "{e:?}"
    );
    assert!(
        walk::admins(&g, &esc, 5, Follow::Working)
            .iter()
            .all(|r| g.node(r.principal).name != "me")
    );
}

#[test]
fn attach_limited_by_iam_policyarn_to_a_harmless_policy_is_no_edge() {
    let me = user(
        "me",
        json!([{"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": "*",
            "Condition": {"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}}]),
    );
    let g = graph(&gaad(vec![me], vec![], vec![], vec![]));
    let esc = Escalations::compute(&g);
    assert!(edges(&g, &esc, Technique::AttachUserPolicy).is_empty());
}

#[test]
fn put_role_policy_on_its_own_role_works() {
    let r = role(
        "worker",
        "ec2.amazonaws.com",
        json!([allow(
            json!("iam:PutRolePolicy"),
            json!(format!("arn:aws:iam::{A}:role/worker"))
        )]),
    );
    let g = graph(&gaad(vec![], vec![r], vec![], vec![]));
    let esc = Escalations::compute(&g);
    assert!(works(
        &g,
        &esc,
        Technique::PutRolePolicy,
        "worker",
        "worker"
    ));
}

#[test]
fn group_policies_of_ones_own_group_rhino_security_labs() {
    let mut me = user(
        "me",
        json!([allow(
            json!(["iam:AttachGroupPolicy", "iam:PutGroupPolicy"]),
            json!(format!("arn:aws:iam::{A}:group/team"))
        )]),
    );
    me["GroupList"] = json!(["team"]);
    let team = json!({"GroupName": "team", "Path": "/", "GroupId": "AGPATEAMXXXXXXXXXXXX", "Arn": format!("arn:aws:iam::{A}:group/team"),
        "GroupPolicyList": [], "AttachedManagedPolicies": []});
    let g = graph(&gaad(vec![me], vec![], vec![team], vec![]));
    let esc = Escalations::compute(&g);
    assert!(works(&g, &esc, Technique::AttachGroupPolicy, "me", "me"));
    assert!(works(&g, &esc, Technique::PutGroupPolicy, "me", "me"));
}

#[test]
fn create_policy_version_on_ones_own_policy_and_the_five_version_limit_iam_user_guide_versioning() {
    let own = |versions: usize, delete: bool| {
        let mut actions = vec!["iam:CreatePolicyVersion"];
        if delete {
            actions.push("iam:DeletePolicyVersion");
        }
        let d = doc(json!([allow(
            json!(actions),
            json!(format!("arn:aws:iam::{A}:policy/Mine"))
        )]));
        let mut me = user("me", json!([allow(json!("s3:GetObject"), json!("*"))]));
        me["AttachedManagedPolicies"] =
            json!([{"PolicyName": "Mine", "PolicyArn": format!("arn:aws:iam::{A}:policy/Mine")}]);
        let vs: Vec<Value> = (0..versions).map(|_| d.clone()).collect();
        graph(&gaad(
            vec![me],
            vec![],
            vec![],
            vec![managed("Mine", &vs, 0)],
        ))
    };
    let g = own(1, false);
    let esc = Escalations::compute(&g);
    assert!(works(&g, &esc, Technique::CreatePolicyVersion, "me", "me"));
    let g = own(5, false);
    let esc = Escalations::compute(&g);
    assert!(
        edges(&g, &esc, Technique::CreatePolicyVersion).is_empty(),
        "five versions: one must be deleted first"
    );
    let g = own(5, true);
    let esc = Escalations::compute(&g);
    assert!(works(&g, &esc, Technique::CreatePolicyVersion, "me", "me"));
}

#[test]
fn set_default_policy_version_to_an_older_broader_version_rhino_security_labs() {
    let narrow = doc(json!([allow(
        json!("iam:SetDefaultPolicyVersion"),
        json!("*")
    )]));
    let broad = doc(json!([allow(json!("*"), json!("*"))]));
    let mut me = user("me", json!([allow(json!("s3:GetObject"), json!("*"))]));
    me["AttachedManagedPolicies"] =
        json!([{"PolicyName": "Mine", "PolicyArn": format!("arn:aws:iam::{A}:policy/Mine")}]);
    let g = graph(&gaad(
        vec![me],
        vec![],
        vec![],
        vec![managed("Mine", &[broad, narrow], 1)],
    ));
    let esc = Escalations::compute(&g);
    let e = esc
        .edges
        .iter()
        .find(|e| e.technique == Technique::SetDefaultPolicyVersion)
        .unwrap();
    assert!(e.works(), "{e:?}");
    assert!(e.object.as_deref().unwrap().contains("(version v1)"));
}

#[test]
fn add_user_to_an_administrators_group_but_not_to_a_harmless_one_rhino_security_labs() {
    let me = user(
        "me",
        json!([allow(json!("iam:AddUserToGroup"), json!("*"))]),
    );
    let admins = json!({"GroupName": "admins", "Path": "/", "GroupId": "AGPAADMINSXXXXXXXXXX", "Arn": format!("arn:aws:iam::{A}:group/admins"),
        "GroupPolicyList": [{"PolicyName": "all", "PolicyDocument": doc(json!([allow(json!("*"), json!("*"))]))}], "AttachedManagedPolicies": []});
    let readers = json!({"GroupName": "readers", "Path": "/", "GroupId": "AGPAREADERSXXXXXXXXX", "Arn": format!("arn:aws:iam::{A}:group/readers"),
        "GroupPolicyList": [{"PolicyName": "r", "PolicyDocument": doc(json!([allow(json!("s3:Get*"), json!("*"))]))}], "AttachedManagedPolicies": []});
    let g = graph(&gaad(vec![me], vec![], vec![admins, readers], vec![]));
    let esc = Escalations::compute(&g);
    let e: Vec<_> = esc
        .edges
        .iter()
        .filter(|e| e.technique == Technique::AddUserToGroup)
        .collect();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].works());
    assert!(e[0].object.as_deref().unwrap().ends_with("group/admins"));
}

#[test]
fn deleting_or_replacing_ones_own_boundary_iam_user_guide_boundaries() {
    let bound = managed(
        "Bound",
        &[doc(json!([allow(
            json!([
                "s3:*",
                "iam:DeleteRolePermissionsBoundary",
                "iam:PutRolePermissionsBoundary"
            ]),
            json!("*")
        )]))],
        0,
    );
    let mut r = admin_role("worker", "ec2.amazonaws.com");
    r["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": format!("arn:aws:iam::{A}:policy/Bound")});
    let g = graph(&gaad(vec![], vec![r], vec![], vec![bound]));
    let esc = Escalations::compute(&g);
    assert!(!esc.is_admin(g.find("worker").unwrap()));
    assert!(works(
        &g,
        &esc,
        Technique::DeleteRolePermissionsBoundary,
        "worker",
        "worker"
    ));
    assert!(works(
        &g,
        &esc,
        Technique::PutRolePermissionsBoundary,
        "worker",
        "worker"
    ));
}

#[test]
fn removing_a_boundary_then_granting_oneself_more_is_one_edge_with_its_second_step() {
    let bound = managed(
        "Bound",
        &[doc(json!([allow(
            json!(["s3:*", "iam:DeleteUserPermissionsBoundary"]),
            json!("*")
        )]))],
        0,
    );
    let mut me = user(
        "me",
        json!([allow(
            json!([
                "s3:*",
                "iam:DeleteUserPermissionsBoundary",
                "iam:PutUserPolicy"
            ]),
            json!("*")
        )]),
    );
    me["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": format!("arn:aws:iam::{A}:policy/Bound")});
    let g = graph(&gaad(vec![me], vec![], vec![], vec![bound]));
    let esc = Escalations::compute(&g);
    // PutUserPolicy alone is refused by the boundary: no working edge of its own.
    assert!(!works(&g, &esc, Technique::PutUserPolicy, "me", "me"));
    let e = esc
        .edges
        .iter()
        .find(|e| e.technique == Technique::DeleteUserPermissionsBoundary)
        .unwrap();
    assert!(e.works(), "{e:?}");
    assert!(
        e.requirements.iter().any(|r| r == "then put-user-policy"),
        "{e:?}"
    );
}

// ---- Administrators ----

#[test]
fn administrator_means_star_on_star_after_every_layer() {
    let power = user(
        "power",
        json!([{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}]),
    );
    let denied = user(
        "denied",
        json!([allow(json!("*"), json!("*")), {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]),
    );
    let mfa = user(
        "mfa",
        json!([{"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]),
    );
    let g = graph(&gaad(
        vec![power, denied, mfa, admin_user("root-like")],
        vec![],
        vec![],
        vec![],
    ));
    let esc = Escalations::compute(&g);
    let status = |n: &str| esc.admin_status(g.find(n).unwrap()).cloned().unwrap();
    assert!(
        !status("power").is_admin(),
        "NotAction iam:* is not everything"
    );
    assert!(!status("denied").is_admin(), "a deny on iam:* counts");
    assert_eq!(status("mfa"), AdminStatus::Yes { mfa: true });
    assert_eq!(status("root-like"), AdminStatus::Yes { mfa: false });
    // No edges are drawn out of administrators (PMapper skips them too).
    assert!(esc.edges.iter().all(|e| g.node(e.from).name != "root-like"));
}

#[test]
fn an_scp_that_refuses_iam_keeps_star_on_star_from_being_administrator() {
    let account = gaad(vec![admin_user("boss")], vec![], vec![], vec![]);
    let scp = doc(json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]));
    let g = graph(&with_scp(account, scp));
    let esc = Escalations::compute(&g);
    let s = esc.admin_status(g.find("boss").unwrap()).unwrap();
    assert!(
        matches!(
            s,
            AdminStatus::No {
                refused_by: Some(PolicyType::ServiceControlPolicy),
                ..
            }
        ),
        "{s:?}"
    );
}

// ---- The demo organisation ----

#[test]
fn demo_admins_lists_the_administrators_and_every_escalation_set_up_with_its_technique() {
    let g = TrustGraph::build(
        Arc::new(load_demo().unwrap()),
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(),
    );
    let esc = Escalations::compute(&g);
    let rows = walk::admins(&g, &esc, 5, Follow::Working);
    let admins: Vec<&str> = rows
        .iter()
        .filter(|r| r.admin)
        .map(|r| g.node(r.principal).name.as_str())
        .collect();
    for a in [
        "ops.admin",
        "BreakGlassAdmin",
        "OrganizationAccountAccessRole",
        "lambda-admin-exec",
        "deploy-admin",
    ] {
        assert!(admins.contains(&a), "{a} in {admins:?}");
    }
    let first_technique = |who: &str| {
        let r = rows
            .iter()
            .find(|r| g.node(r.principal).name == who)
            .unwrap_or_else(|| panic!("{who} can become administrator"));
        r.path
            .steps
            .iter()
            .find_map(|s| match s {
                rolescope::engine::escalation::Step::Escalate(e) => Some(e.technique),
                rolescope::engine::escalation::Step::Assume(_) => None,
            })
            .unwrap()
    };
    assert_eq!(first_technique("intern.build"), Technique::PassRoleLambda);
    assert_eq!(first_technique("helpdesk.amy"), Technique::CreateAccessKey);
    assert_eq!(
        first_technique("release.bot"),
        Technique::UpdateAssumeRolePolicy
    );
    assert_eq!(
        first_technique("policy.author"),
        Technique::CreatePolicyVersion
    );
    assert_eq!(first_technique("group.joiner"), Technique::AddUserToGroup);
    assert_eq!(
        first_technique("bounded.dev"),
        Technique::DeleteUserPermissionsBoundary
    );
    // The boundary holds sandbox.dev back: broken edge, not an administrator.
    assert!(
        rows.iter()
            .all(|r| g.node(r.principal).name != "sandbox.dev")
    );
    let sandbox = g.find("sandbox.dev").unwrap();
    let e: Vec<_> = esc.edges_from(sandbox).collect();
    assert_eq!(e.len(), 1);
    assert_eq!(
        refused_by(&e[0].status),
        Some(PolicyType::PermissionsBoundary)
    );
}

// ---- The shared moto account, compared with PMapper ----

#[test]
fn moto_account_admins_and_escalation_edges_are_pmappers() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/moto-account-authz.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        // The shared data lives beside the checkout; its PMapper figures are in
        // docs/trust-graph.md.
        eprintln!("skipped: {} not found", path.display());
        return;
    };
    let inv = load_str("moto", &text).unwrap();
    let g = TrustGraph::build(
        Arc::new(inv),
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(),
    );
    let esc = Escalations::compute(&g);
    // pmapper-query-who-admin.txt: role/AdminMFA and role/BreakGlass are administrators.
    let mut admins: Vec<&str> = esc
        .admins
        .iter()
        .filter(|(_, s)| s.is_admin())
        .map(|(n, _)| g.node(*n).name.as_str())
        .collect();
    admins.sort_unstable();
    assert_eq!(admins, ["AdminMFA", "BreakGlass"]);
    // pmapper-graph/edges.json holds only its 8 AssumeRole edges: no escalation edge.
    assert!(esc.edges.is_empty(), "{:?}", esc.edges);
    // Who can become administrator: alice, by assuming AdminMFA with MFA.
    let rows = walk::admins(&g, &esc, 5, Follow::Working);
    let others: Vec<&str> = rows
        .iter()
        .filter(|r| !r.admin)
        .map(|r| g.node(r.principal).name.as_str())
        .collect();
    assert_eq!(others, ["alice"]);
}

/// A principal allowed `*` on `*` whose own policy denies one action is no administrator,
/// however many other actions the rest of the account denies: the actions probed are those
/// its own policies (and boundary, groups, SCPs) name, not a list of the whole inventory's
/// (which, cut at a thousand actions, missed this one).
#[test]
fn an_administrator_is_probed_with_its_own_denied_actions() {
    let noisy: Vec<Value> = (0..1100)
        .map(|i| {
            user(
                &format!("noisy-{i}"),
                json!([{"Effect": "Deny", "Action": format!("svc{i}:Act{i}"), "Resource": "*"}]),
            )
        })
        .collect();
    let mut users = noisy;
    users.push(user(
        "almost",
        json!([allow(json!("*"), json!("*")),
            {"Effect": "Deny", "Action": "zzz:LastAction", "Resource": "*"}]),
    ));
    users.push(user("whole", json!([allow(json!("*"), json!("*"))])));
    let g = graph(&gaad(users, vec![], vec![], vec![]));
    let esc = Escalations::compute(&g);
    let status = |n: &str| {
        let id = g.node_id(&format!("arn:aws:iam::{A}:user/{n}")).unwrap();
        esc.admin_status(id).cloned().unwrap()
    };
    match status("almost") {
        AdminStatus::No { message, .. } => {
            assert!(message.contains("zzz:LastAction"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(status("whole").is_admin());
}
