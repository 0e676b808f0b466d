//! What a simulated STS call answers and why: the error STS would return, the checks that
//! failed (all of them, in the rulebook's order), their troubleshooting category and the
//! minimal fix for each.
//!
//! The simulation (`assume`, `federation`) produces these; `diagnose` applies fixes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::sts::request::DenialType;

/// An STS error code, spelled as STS returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ErrorCode {
    AccessDenied,
    ValidationError,
    MalformedPolicyDocument,
    PackedPolicyTooLarge,
    RegionDisabledException,
    /// The caller's own session credentials have expired.
    ExpiredToken,
    /// The web identity token or SAML assertion has expired.
    ExpiredTokenException,
    #[serde(rename = "IDPRejectedClaim")]
    IdpRejectedClaim,
    InvalidIdentityToken,
}

impl ErrorCode {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccessDenied => "AccessDenied",
            Self::ValidationError => "ValidationError",
            Self::MalformedPolicyDocument => "MalformedPolicyDocument",
            Self::PackedPolicyTooLarge => "PackedPolicyTooLarge",
            Self::RegionDisabledException => "RegionDisabledException",
            Self::ExpiredToken => "ExpiredToken",
            Self::ExpiredTokenException => "ExpiredTokenException",
            Self::IdpRejectedClaim => "IDPRejectedClaim",
            Self::InvalidIdentityToken => "InvalidIdentityToken",
        }
    }

    /// The HTTP status STS answers with.
    #[must_use]
    pub fn http_status(self) -> u16 {
        match self {
            Self::AccessDenied | Self::RegionDisabledException | Self::IdpRejectedClaim => 403,
            _ => 400,
        }
    }
}

/// The error STS would return: code, AWS's message text, and for denials whether an
/// explicit `Deny` decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StsError {
    pub code: ErrorCode,
    pub message: String,
    pub denial: Option<DenialType>,
}

impl StsError {
    #[must_use]
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            denial: None,
        }
    }

    #[must_use]
    pub fn denied(message: impl Into<String>, denial: DenialType) -> Self {
        Self {
            code: ErrorCode::AccessDenied,
            message: message.into(),
            denial: Some(denial),
        }
    }
}

impl std::fmt::Display for StsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

/// The troubleshooting category a failing check belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The role's trust policy does not let this caller in (or denies it).
    WrongTrustPolicy,
    /// The caller's own identity policies do not allow the call.
    CallerLacksPermission,
    /// The requested duration is longer than the role or the chain allows.
    DurationTooLong,
    MfaMissing,
    ExternalIdMissingOrWrong,
    /// Cross-account: one account's half of the set-up is there, the other's is not.
    CrossAccountHalfMissing,
    /// A permissions boundary blocks the call.
    BoundaryBlocking,
    /// A session policy blocks the call.
    SessionPolicyBlocking,
    /// A service control policy of the caller's account blocks the call.
    ScpBlocking,
    /// A resource control policy of the role's account blocks the call.
    RcpBlocking,
    /// A resource-based policy blocks the call.
    ResourcePolicyBlocking,
    CallerSessionExpired,
    /// A request parameter breaks STS's constraints.
    InvalidParameter,
    /// The role does not exist (or its name's case differs).
    RoleNotFound,
    /// STS is deactivated in the Region for the role's account.
    RegionDisabled,
    /// This kind of caller can never assume a role (root, federated user).
    CallerCannotAssumeRoles,
    /// The identity provider, its token or its assertion is not accepted.
    IdentityProvider,
}

impl Category {
    /// A short human label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::WrongTrustPolicy => "wrong trust policy",
            Self::CallerLacksPermission => "caller lacks permission",
            Self::DurationTooLong => "duration too long for the role or the chain",
            Self::MfaMissing => "MFA missing",
            Self::ExternalIdMissingOrWrong => "external ID missing or wrong",
            Self::CrossAccountHalfMissing => "one half of a cross-account set-up missing",
            Self::BoundaryBlocking => "permissions boundary blocking",
            Self::SessionPolicyBlocking => "session policy blocking",
            Self::ScpBlocking => "SCP blocking",
            Self::RcpBlocking => "RCP blocking",
            Self::ResourcePolicyBlocking => "resource policy blocking",
            Self::CallerSessionExpired => "caller session expired",
            Self::InvalidParameter => "invalid parameter",
            Self::RoleNotFound => "role not found",
            Self::RegionDisabled => "STS Region deactivated",
            Self::CallerCannotAssumeRoles => "caller cannot assume roles",
            Self::IdentityProvider => "identity provider",
        }
    }
}

/// Which policy a fix edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "kebab-case")]
pub enum PolicyTarget {
    /// The role's trust policy (`AssumeRolePolicyDocument`).
    TrustPolicy { role_arn: String },
    /// An inline policy of a user (created when missing).
    UserInline { user_arn: String, name: String },
    /// An inline policy of a group (created when missing).
    GroupInline { group_arn: String, name: String },
    /// An inline policy of a role (created when missing).
    RoleInline { role_arn: String, name: String },
    /// A managed policy's default version (used as a boundary here).
    ManagedPolicy { policy_arn: String },
    /// An SCP or RCP at one level of an account's organisation hierarchy.
    OrgPolicy {
        account: String,
        /// `scp` or `rcp`.
        kind: String,
        /// The level's target (root, OU or account id) as the data names it.
        target: String,
        /// Index of the policy at that level.
        index: usize,
    },
}

impl PolicyTarget {
    /// A human description: `the trust policy of arn:…`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::TrustPolicy { role_arn } => format!("the trust policy of `{role_arn}`"),
            Self::UserInline { user_arn, name } => {
                format!("inline policy `{name}` of `{user_arn}`")
            }
            Self::RoleInline { role_arn, name } => {
                format!("inline policy `{name}` of `{role_arn}`")
            }
            Self::GroupInline { group_arn, name } => {
                format!("inline policy `{name}` of `{group_arn}`")
            }
            Self::ManagedPolicy { policy_arn } => format!("managed policy `{policy_arn}`"),
            Self::OrgPolicy {
                account,
                kind,
                target,
                index,
            } => format!(
                "{} #{index} at `{target}` (governing account {account})",
                kind.to_uppercase()
            ),
        }
    }
}

/// A minimal change that removes one failing check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fix {
    /// Add this statement to that policy.
    AddStatement {
        target: PolicyTarget,
        statement: Value,
        summary: String,
    },
    /// Remove the statement at this index of that policy (an explicit deny in the way).
    RemoveStatement {
        target: PolicyTarget,
        statement_index: usize,
        summary: String,
    },
    /// Replace the statement at this index of that policy with this one (a principal named
    /// by mistake swapped for the right one, every other part of the statement kept).
    ReplaceStatement {
        target: PolicyTarget,
        statement_index: usize,
        statement: Value,
        summary: String,
    },
    /// Change a request parameter (named as in the request document).
    SetParameter {
        parameter: String,
        value: Value,
        summary: String,
    },
    /// Raise the role's `MaxSessionDuration`.
    SetMaxSessionDuration {
        role_arn: String,
        seconds: u32,
        summary: String,
    },
    /// Activate the STS Region endpoint for the role's account.
    ActivateRegion {
        account: String,
        region: String,
        summary: String,
    },
    /// Register an OIDC identity provider in the role's account.
    AddOidcProvider {
        account: String,
        url: String,
        client_ids: Vec<String>,
        summary: String,
    },
}

impl Fix {
    /// The one-line instruction shown to people.
    #[must_use]
    pub fn summary(&self) -> &str {
        match self {
            Self::AddStatement { summary, .. }
            | Self::RemoveStatement { summary, .. }
            | Self::ReplaceStatement { summary, .. }
            | Self::SetParameter { summary, .. }
            | Self::SetMaxSessionDuration { summary, .. }
            | Self::ActivateRegion { summary, .. }
            | Self::AddOidcProvider { summary, .. } => summary,
        }
    }
}

/// One failing check of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// A stable short name of the check (`trust-policy`, `caller-identity`, `duration`…).
    pub check: String,
    pub category: Category,
    /// What STS would answer if this were the only failure.
    pub error: StsError,
    /// Plain-language explanation.
    pub explanation: String,
    /// The rulebook rule this check implements.
    pub rule: String,
    /// The minimal fix, when one is known.
    pub fix: Option<Fix>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_serialise_as_sts_spells_them() {
        assert_eq!(
            serde_json::to_value(ErrorCode::IdpRejectedClaim).unwrap(),
            "IDPRejectedClaim"
        );
        assert_eq!(ErrorCode::AccessDenied.http_status(), 403);
        assert_eq!(ErrorCode::ValidationError.http_status(), 400);
    }

    #[test]
    fn fixes_serialise_with_a_kind_tag() {
        let f = Fix::SetParameter {
            parameter: "duration_seconds".into(),
            value: 3600.into(),
            summary: "s".into(),
        };
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["kind"], "set-parameter");
        let back: Fix = serde_json::from_value(v).unwrap();
        assert_eq!(back, f);
    }
}
