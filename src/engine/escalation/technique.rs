//! The privilege-escalation techniques rolescope models: what each one needs (the actions, on
//! which resource, with which request keys), what it gains, and where it is documented.
//!
//! Sources (cited per technique in [`Technique::source`]):
//! - PMapper's edge checkers, `nccgroup/PMapper:principalmapper/graphing/*_edges.py`
//!   (`iam_edges.py`, `ec2_edges.py`, `lambda_edges.py`, `glue_edges.py`,
//!   `cloudformation_edges.py`, `codebuild_edges.py`, `ecs_edges.py`, `sagemaker_edges.py`,
//!   `datapipeline_edges.py`, `ssm_edges.py`) and its administrator test (`gathering.py`);
//! - Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation" (the escalation list);
//! - the IAM User Guide: "Granting a user permissions to pass a role to an AWS service"
//!   (`iam:PassRole` is authorised against the passer's policy with `iam:PassedToService`;
//!   the role's trust must let the service in), "Permissions boundaries for IAM entities"
//!   (a boundary limits what any identity policy, a self-attached one too, can grant) and
//!   "Versioning IAM policies" (`CreatePolicyVersion --set-as-default` needs no
//!   `SetDefaultPolicyVersion`).

use serde::Serialize;

/// A technique family, for keys and summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Pass a role to a service that runs the caller's code as that role.
    PassRole,
    /// Run commands on an instance that already holds the role's instance profile.
    InstanceAccess,
    /// Make credentials for another user (access key, console password).
    UserCredentials,
    /// Rewrite a role's trust policy to let oneself in.
    TrustRewrite,
    /// Grant oneself more: attach or write a policy, edit a policy's versions, join a group.
    SelfGrant,
    /// Take away or replace one's own permissions boundary.
    BoundaryRemoval,
}

impl Family {
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Self::PassRole => "pass a role to a service",
            Self::InstanceAccess => "run commands on an instance",
            Self::UserCredentials => "credentials of another user",
            Self::TrustRewrite => "rewrite a trust policy",
            Self::SelfGrant => "grant oneself more",
            Self::BoundaryRemoval => "remove one's permissions boundary",
        }
    }
}

/// One way to gain another principal's permissions, or more of one's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Technique {
    PassRoleEc2,
    PassRoleLambda,
    PassRoleLambdaEventSource,
    PassRoleGlueDevEndpoint,
    PassRoleGlueJob,
    PassRoleCloudFormation,
    PassRoleCodeBuild,
    PassRoleEcs,
    PassRoleSageMaker,
    PassRoleDataPipeline,
    SsmSendCommand,
    SsmStartSession,
    CreateAccessKey,
    CreateLoginProfile,
    UpdateLoginProfile,
    UpdateAssumeRolePolicy,
    AttachUserPolicy,
    AttachRolePolicy,
    AttachGroupPolicy,
    PutUserPolicy,
    PutRolePolicy,
    PutGroupPolicy,
    CreatePolicyVersion,
    SetDefaultPolicyVersion,
    AddUserToGroup,
    DeleteUserPermissionsBoundary,
    PutUserPermissionsBoundary,
    DeleteRolePermissionsBoundary,
    PutRolePermissionsBoundary,
}

/// Every technique, in the order listings use.
pub const ALL: &[Technique] = &[
    Technique::PassRoleEc2,
    Technique::PassRoleLambda,
    Technique::PassRoleLambdaEventSource,
    Technique::PassRoleGlueDevEndpoint,
    Technique::PassRoleGlueJob,
    Technique::PassRoleCloudFormation,
    Technique::PassRoleCodeBuild,
    Technique::PassRoleEcs,
    Technique::PassRoleSageMaker,
    Technique::PassRoleDataPipeline,
    Technique::SsmSendCommand,
    Technique::SsmStartSession,
    Technique::CreateAccessKey,
    Technique::CreateLoginProfile,
    Technique::UpdateLoginProfile,
    Technique::UpdateAssumeRolePolicy,
    Technique::AttachUserPolicy,
    Technique::AttachRolePolicy,
    Technique::AttachGroupPolicy,
    Technique::PutUserPolicy,
    Technique::PutRolePolicy,
    Technique::PutGroupPolicy,
    Technique::CreatePolicyVersion,
    Technique::SetDefaultPolicyVersion,
    Technique::AddUserToGroup,
    Technique::DeleteUserPermissionsBoundary,
    Technique::PutUserPermissionsBoundary,
    Technique::DeleteRolePermissionsBoundary,
    Technique::PutRolePermissionsBoundary,
];

/// Where a needed action is aimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aim {
    /// The role being passed or reached (its ARN).
    TargetRole,
    /// The user being reached (its ARN).
    TargetUser,
    /// The caller itself (its user or role ARN).
    SelfArn,
    /// The group or managed policy the technique acts on.
    Object,
    /// A resource the caller creates, in its own account: the text after
    /// `arn:aws:<service>:<region>:<account>:`.
    New(&'static str, &'static str),
}

/// One action a technique needs: all of a technique's `needs` must be allowed, and of each
/// `any_of` group at least one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub action: &'static str,
    pub aim: Aim,
    /// `iam:PassRole`: the service the role is passed to goes in `iam:PassedToService`.
    pub passes_to: Option<&'static str>,
    /// Request keys the call carries (`iam:PolicyARN` of the policy attached).
    pub keys: &'static [(&'static str, &'static str)],
}

/// The AWS managed policy that allows everything: what a self-attaching caller attaches.
pub const ADMIN_POLICY_ARN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

const ATTACH_ADMIN: &[(&str, &str)] = &[("iam:PolicyARN", ADMIN_POLICY_ARN)];
const BOUNDARY_ADMIN: &[(&str, &str)] = &[("iam:PermissionsBoundary", ADMIN_POLICY_ARN)];

const fn keyed(
    action: &'static str,
    aim: Aim,
    keys: &'static [(&'static str, &'static str)],
) -> Need {
    Need {
        action,
        aim,
        passes_to: None,
        keys,
    }
}

const fn need(action: &'static str, aim: Aim) -> Need {
    Need {
        action,
        aim,
        passes_to: None,
        keys: &[],
    }
}

const fn pass(service: &'static str) -> Need {
    Need {
        action: "iam:PassRole",
        aim: Aim::TargetRole,
        passes_to: Some(service),
        keys: &[],
    }
}

impl Technique {
    /// The kebab-case name, as in JSON.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::PassRoleEc2 => "pass-role-ec2",
            Self::PassRoleLambda => "pass-role-lambda",
            Self::PassRoleLambdaEventSource => "pass-role-lambda-event-source",
            Self::PassRoleGlueDevEndpoint => "pass-role-glue-dev-endpoint",
            Self::PassRoleGlueJob => "pass-role-glue-job",
            Self::PassRoleCloudFormation => "pass-role-cloud-formation",
            Self::PassRoleCodeBuild => "pass-role-code-build",
            Self::PassRoleEcs => "pass-role-ecs",
            Self::PassRoleSageMaker => "pass-role-sage-maker",
            Self::PassRoleDataPipeline => "pass-role-data-pipeline",
            Self::SsmSendCommand => "ssm-send-command",
            Self::SsmStartSession => "ssm-start-session",
            Self::CreateAccessKey => "create-access-key",
            Self::CreateLoginProfile => "create-login-profile",
            Self::UpdateLoginProfile => "update-login-profile",
            Self::UpdateAssumeRolePolicy => "update-assume-role-policy",
            Self::AttachUserPolicy => "attach-user-policy",
            Self::AttachRolePolicy => "attach-role-policy",
            Self::AttachGroupPolicy => "attach-group-policy",
            Self::PutUserPolicy => "put-user-policy",
            Self::PutRolePolicy => "put-role-policy",
            Self::PutGroupPolicy => "put-group-policy",
            Self::CreatePolicyVersion => "create-policy-version",
            Self::SetDefaultPolicyVersion => "set-default-policy-version",
            Self::AddUserToGroup => "add-user-to-group",
            Self::DeleteUserPermissionsBoundary => "delete-user-permissions-boundary",
            Self::PutUserPermissionsBoundary => "put-user-permissions-boundary",
            Self::DeleteRolePermissionsBoundary => "delete-role-permissions-boundary",
            Self::PutRolePermissionsBoundary => "put-role-permissions-boundary",
        }
    }

    #[must_use]
    pub fn family(self) -> Family {
        match self {
            Self::PassRoleEc2
            | Self::PassRoleLambda
            | Self::PassRoleLambdaEventSource
            | Self::PassRoleGlueDevEndpoint
            | Self::PassRoleGlueJob
            | Self::PassRoleCloudFormation
            | Self::PassRoleCodeBuild
            | Self::PassRoleEcs
            | Self::PassRoleSageMaker
            | Self::PassRoleDataPipeline => Family::PassRole,
            Self::SsmSendCommand | Self::SsmStartSession => Family::InstanceAccess,
            Self::CreateAccessKey | Self::CreateLoginProfile | Self::UpdateLoginProfile => {
                Family::UserCredentials
            }
            Self::UpdateAssumeRolePolicy => Family::TrustRewrite,
            Self::AttachUserPolicy
            | Self::AttachRolePolicy
            | Self::AttachGroupPolicy
            | Self::PutUserPolicy
            | Self::PutRolePolicy
            | Self::PutGroupPolicy
            | Self::CreatePolicyVersion
            | Self::SetDefaultPolicyVersion
            | Self::AddUserToGroup => Family::SelfGrant,
            Self::DeleteUserPermissionsBoundary
            | Self::PutUserPermissionsBoundary
            | Self::DeleteRolePermissionsBoundary
            | Self::PutRolePermissionsBoundary => Family::BoundaryRemoval,
        }
    }

    /// True when the technique changes the caller's own permissions (the edge leads from
    /// the caller to itself, made administrator) rather than into another principal.
    #[must_use]
    pub fn is_self(self) -> bool {
        matches!(self.family(), Family::SelfGrant | Family::BoundaryRemoval)
    }

    /// The service principal the role is handed to, which the role's trust must let in.
    #[must_use]
    pub fn service(self) -> Option<&'static str> {
        match self {
            Self::PassRoleEc2 | Self::SsmSendCommand | Self::SsmStartSession => {
                Some("ec2.amazonaws.com")
            }
            Self::PassRoleLambda | Self::PassRoleLambdaEventSource => Some("lambda.amazonaws.com"),
            Self::PassRoleGlueDevEndpoint | Self::PassRoleGlueJob => Some("glue.amazonaws.com"),
            Self::PassRoleCloudFormation => Some("cloudformation.amazonaws.com"),
            Self::PassRoleCodeBuild => Some("codebuild.amazonaws.com"),
            Self::PassRoleEcs => Some("ecs-tasks.amazonaws.com"),
            Self::PassRoleSageMaker => Some("sagemaker.amazonaws.com"),
            Self::PassRoleDataPipeline => Some("datapipeline.amazonaws.com"),
            _ => None,
        }
    }

    /// Every action the technique needs.
    #[must_use]
    pub fn needs(self) -> Vec<Need> {
        use Aim::{New, Object, SelfArn, TargetRole, TargetUser};
        match self {
            Self::PassRoleEc2 => vec![
                pass("ec2.amazonaws.com"),
                need("ec2:RunInstances", New("ec2", "instance/*")),
            ],
            Self::PassRoleLambda => vec![
                pass("lambda.amazonaws.com"),
                need("lambda:CreateFunction", New("lambda", "function:*")),
                need("lambda:InvokeFunction", New("lambda", "function:*")),
            ],
            Self::PassRoleLambdaEventSource => vec![
                pass("lambda.amazonaws.com"),
                need("lambda:CreateFunction", New("lambda", "function:*")),
                need(
                    "lambda:CreateEventSourceMapping",
                    New("lambda", "event-source-mapping:*"),
                ),
            ],
            Self::PassRoleGlueDevEndpoint => vec![
                pass("glue.amazonaws.com"),
                need("glue:CreateDevEndpoint", New("glue", "devEndpoint/*")),
            ],
            Self::PassRoleGlueJob => vec![
                pass("glue.amazonaws.com"),
                need("glue:CreateJob", New("glue", "job/*")),
                need("glue:StartJobRun", New("glue", "job/*")),
            ],
            Self::PassRoleCloudFormation => vec![
                pass("cloudformation.amazonaws.com"),
                need(
                    "cloudformation:CreateStack",
                    New("cloudformation", "stack/*/*"),
                ),
            ],
            Self::PassRoleCodeBuild => vec![
                pass("codebuild.amazonaws.com"),
                need("codebuild:CreateProject", New("codebuild", "project/*")),
                need("codebuild:StartBuild", New("codebuild", "project/*")),
            ],
            Self::PassRoleEcs => vec![
                pass("ecs-tasks.amazonaws.com"),
                need(
                    "ecs:RegisterTaskDefinition",
                    New("ecs", "task-definition/*"),
                ),
                need("ecs:RunTask", New("ecs", "task-definition/*")),
            ],
            Self::PassRoleSageMaker => vec![
                pass("sagemaker.amazonaws.com"),
                need(
                    "sagemaker:CreateNotebookInstance",
                    New("sagemaker", "notebook-instance/*"),
                ),
                need(
                    "sagemaker:CreatePresignedNotebookInstanceUrl",
                    New("sagemaker", "notebook-instance/*"),
                ),
            ],
            Self::PassRoleDataPipeline => vec![
                pass("datapipeline.amazonaws.com"),
                need(
                    "datapipeline:CreatePipeline",
                    New("datapipeline", "pipeline/*"),
                ),
                need(
                    "datapipeline:PutPipelineDefinition",
                    New("datapipeline", "pipeline/*"),
                ),
                need(
                    "datapipeline:ActivatePipeline",
                    New("datapipeline", "pipeline/*"),
                ),
            ],
            Self::SsmSendCommand => vec![need("ssm:SendCommand", New("ec2", "instance/*"))],
            Self::SsmStartSession => vec![need("ssm:StartSession", New("ec2", "instance/*"))],
            Self::CreateAccessKey => vec![need("iam:CreateAccessKey", TargetUser)],
            Self::CreateLoginProfile => vec![need("iam:CreateLoginProfile", TargetUser)],
            Self::UpdateLoginProfile => vec![need("iam:UpdateLoginProfile", TargetUser)],
            Self::UpdateAssumeRolePolicy => vec![need("iam:UpdateAssumeRolePolicy", TargetRole)],
            Self::AttachUserPolicy => vec![keyed("iam:AttachUserPolicy", SelfArn, ATTACH_ADMIN)],
            Self::AttachRolePolicy => vec![keyed("iam:AttachRolePolicy", SelfArn, ATTACH_ADMIN)],
            Self::AttachGroupPolicy => vec![keyed("iam:AttachGroupPolicy", Object, ATTACH_ADMIN)],
            Self::PutUserPolicy => vec![need("iam:PutUserPolicy", SelfArn)],
            Self::PutRolePolicy => vec![need("iam:PutRolePolicy", SelfArn)],
            Self::PutGroupPolicy => vec![need("iam:PutGroupPolicy", Object)],
            Self::CreatePolicyVersion => vec![need("iam:CreatePolicyVersion", Object)],
            Self::SetDefaultPolicyVersion => vec![need("iam:SetDefaultPolicyVersion", Object)],
            Self::AddUserToGroup => vec![need("iam:AddUserToGroup", Object)],
            Self::DeleteUserPermissionsBoundary => {
                vec![need("iam:DeleteUserPermissionsBoundary", SelfArn)]
            }
            Self::PutUserPermissionsBoundary => {
                vec![keyed(
                    "iam:PutUserPermissionsBoundary",
                    SelfArn,
                    BOUNDARY_ADMIN,
                )]
            }
            Self::DeleteRolePermissionsBoundary => {
                vec![need("iam:DeleteRolePermissionsBoundary", SelfArn)]
            }
            Self::PutRolePermissionsBoundary => {
                vec![keyed(
                    "iam:PutRolePermissionsBoundary",
                    SelfArn,
                    BOUNDARY_ADMIN,
                )]
            }
        }
    }

    /// One sentence for the explorer's key and the CLI: what the caller does.
    #[must_use]
    pub fn explain(self) -> &'static str {
        match self {
            Self::PassRoleEc2 => {
                "launch an EC2 instance with the role's instance profile and read its credentials from the instance metadata"
            }
            Self::PassRoleLambda => {
                "create a Lambda function that runs as the role, then invoke it"
            }
            Self::PassRoleLambdaEventSource => {
                "create a Lambda function that runs as the role and an event source mapping that triggers it"
            }
            Self::PassRoleGlueDevEndpoint => {
                "create a Glue development endpoint that runs as the role and log in to it"
            }
            Self::PassRoleGlueJob => "create a Glue job that runs as the role, then start it",
            Self::PassRoleCloudFormation => {
                "create a CloudFormation stack with the role as its service role; the stack's resources are created as the role"
            }
            Self::PassRoleCodeBuild => {
                "create a CodeBuild project that runs as the role, then start a build"
            }
            Self::PassRoleEcs => {
                "register an ECS task definition with the role as task role, then run the task"
            }
            Self::PassRoleSageMaker => {
                "create a SageMaker notebook instance that runs as the role and open it through a presigned URL"
            }
            Self::PassRoleDataPipeline => {
                "create and activate a Data Pipeline whose activities run as the role"
            }
            Self::SsmSendCommand => {
                "run a command through Systems Manager on an instance that holds the role's instance profile"
            }
            Self::SsmStartSession => {
                "open a Systems Manager session on an instance that holds the role's instance profile"
            }
            Self::CreateAccessKey => "create an access key for the user and sign in with it",
            Self::CreateLoginProfile => {
                "give the user a console password (when it has none) and sign in as it"
            }
            Self::UpdateLoginProfile => {
                "change the user's console password (when it has one) and sign in as it"
            }
            Self::UpdateAssumeRolePolicy => {
                "rewrite the role's trust policy to trust oneself, then assume it"
            }
            Self::AttachUserPolicy => "attach a managed policy that allows everything to oneself",
            Self::AttachRolePolicy => {
                "attach a managed policy that allows everything to one's own role"
            }
            Self::AttachGroupPolicy => {
                "attach a managed policy that allows everything to a group one belongs to"
            }
            Self::PutUserPolicy => "write an inline policy that allows everything on oneself",
            Self::PutRolePolicy => {
                "write an inline policy that allows everything on one's own role"
            }
            Self::PutGroupPolicy => {
                "write an inline policy that allows everything on a group one belongs to"
            }
            Self::CreatePolicyVersion => {
                "add a new default version that allows everything to a managed policy one holds"
            }
            Self::SetDefaultPolicyVersion => {
                "make an older, broader version of a managed policy one holds the default"
            }
            Self::AddUserToGroup => "add oneself to a group whose policies allow everything",
            Self::DeleteUserPermissionsBoundary | Self::DeleteRolePermissionsBoundary => {
                "delete one's own permissions boundary, so one's policies apply in full"
            }
            Self::PutUserPermissionsBoundary | Self::PutRolePermissionsBoundary => {
                "replace one's own permissions boundary with a policy that allows everything"
            }
        }
    }

    /// Where the technique is documented.
    #[must_use]
    pub fn source(self) -> &'static str {
        match self {
            Self::PassRoleEc2 => "PMapper ec2_edges.py; Rhino Security Labs escalation list",
            Self::PassRoleLambda => "PMapper lambda_edges.py; Rhino Security Labs escalation list",
            Self::PassRoleLambdaEventSource => "Rhino Security Labs escalation list",
            Self::PassRoleGlueDevEndpoint => {
                "PMapper glue_edges.py; Rhino Security Labs escalation list"
            }
            Self::PassRoleGlueJob => "PMapper glue_edges.py",
            Self::PassRoleCloudFormation => {
                "PMapper cloudformation_edges.py; Rhino Security Labs escalation list"
            }
            Self::PassRoleCodeBuild => "PMapper codebuild_edges.py",
            Self::PassRoleEcs => "PMapper ecs_edges.py",
            Self::PassRoleSageMaker => "PMapper sagemaker_edges.py",
            Self::PassRoleDataPipeline => {
                "PMapper datapipeline_edges.py; Rhino Security Labs escalation list"
            }
            Self::SsmSendCommand | Self::SsmStartSession => "PMapper ssm_edges.py",
            Self::CreateAccessKey => "PMapper iam_edges.py; Rhino Security Labs escalation list",
            Self::CreateLoginProfile => "PMapper iam_edges.py; Rhino Security Labs escalation list",
            Self::UpdateLoginProfile => "PMapper iam_edges.py; Rhino Security Labs escalation list",
            Self::UpdateAssumeRolePolicy => {
                "PMapper iam_edges.py; Rhino Security Labs escalation list"
            }
            Self::AttachUserPolicy => "PMapper gathering.py; Rhino Security Labs escalation list",
            Self::AttachGroupPolicy => "Rhino Security Labs escalation list",
            Self::AttachRolePolicy => "PMapper gathering.py; Rhino Security Labs escalation list",
            Self::PutUserPolicy => "PMapper gathering.py; Rhino Security Labs escalation list",
            Self::PutGroupPolicy => "Rhino Security Labs escalation list",
            Self::PutRolePolicy => "PMapper gathering.py; Rhino Security Labs escalation list",
            Self::CreatePolicyVersion => {
                "PMapper gathering.py; Rhino Security Labs escalation list"
            }
            Self::SetDefaultPolicyVersion => "Rhino Security Labs escalation list",
            Self::AddUserToGroup => "Rhino Security Labs escalation list",
            Self::DeleteUserPermissionsBoundary
            | Self::PutUserPermissionsBoundary
            | Self::DeleteRolePermissionsBoundary
            | Self::PutRolePermissionsBoundary => {
                "IAM User Guide, permissions boundaries for IAM entities"
            }
        }
    }
}
