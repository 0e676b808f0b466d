//! The result of an evaluation: the decision, the layer that made it, every statement that
//! matched, the decision of each policy type and the context keys the policies asked for
//! that the request lacked — in the spirit of the IAM policy simulator's `MatchedStatements`,
//! `PermissionsBoundaryDecisionDetail` and `OrganizationsDecisionDetail` — plus a sentence in
//! the shape of AWS's access-denied messages.
//!
//! This is the one shape every face draws: the CLI prints it as text or JSON, the TUI's
//! "why?" panel renders it. Producing it is `policy::evaluate`.

use std::sync::Arc;

use serde::Serialize;

use super::compiled::GrantKind;
use super::document::Effect;

/// The final decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Outcome {
    Allow,
    /// A `Deny` statement applied (or an SCP/RCP level lacked an allow and AWS reports it as
    /// an implicit deny in that policy type).
    ExplicitDeny,
    /// Nothing allowed the request.
    ImplicitDeny,
    /// The answer depends on data that is not loaded ([`Decision::missing`] names it): with
    /// it, the request could be allowed or denied.
    Unknown,
}

impl Outcome {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allowed",
            Self::ExplicitDeny => "explicitly denied",
            Self::ImplicitDeny => "implicitly denied",
            Self::Unknown => "unknown",
        }
    }
}

/// A policy type, as AWS names them in access-denied messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyType {
    ServiceControlPolicy,
    ResourceControlPolicy,
    ResourceBasedPolicy,
    IdentityBasedPolicy,
    PermissionsBoundary,
    SessionPolicy,
}

impl PolicyType {
    /// The phrase AWS uses (`identity-based policy`).
    #[must_use]
    pub fn phrase(self) -> &'static str {
        match self {
            Self::ServiceControlPolicy => "service control policy",
            Self::ResourceControlPolicy => "resource control policy",
            Self::ResourceBasedPolicy => "resource-based policy",
            Self::IdentityBasedPolicy => "identity-based policy",
            Self::PermissionsBoundary => "permissions boundary",
            Self::SessionPolicy => "session policy",
        }
    }

    /// The phrase with its article (`an identity-based policy`).
    #[must_use]
    pub fn with_article(self) -> String {
        let p = self.phrase();
        let article = if p.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {p}")
    }
}

/// What one policy type (or one organisation level) decided on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LayerOutcome {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
    /// The policy type does not take part (no boundary set, management account, …).
    NotApplicable,
}

/// A statement that applied to the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedStatement {
    pub policy_type: PolicyType,
    /// The policy's label (name or ARN as the caller gave it), shared with the policy.
    pub policy: Arc<str>,
    /// SCP/RCP: the organisation level (root, OU or account) the policy is attached to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<Arc<str>>,
    /// Position in the policy's `Statement` array.
    pub index: usize,
    pub effect: Effect,
    /// Resource-based allows: how the `Principal` element named the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant: Option<GrantKind>,
}

impl MatchedStatement {
    /// `policy` statement `Sid` (or `#index`).
    #[must_use]
    pub fn describe(&self) -> String {
        let mut s = String::new();
        self.describe_into(&mut s);
        s
    }

    /// [`MatchedStatement::describe`] into a buffer.
    pub fn describe_into(&self, out: &mut String) {
        out.push('`');
        out.push_str(&self.policy);
        out.push('`');
        if let Some(level) = &self.level {
            out.push_str(" (at `");
            out.push_str(level);
            out.push_str("`)");
        }
        out.push_str(" statement ");
        match &self.sid {
            Some(s) if !s.is_empty() => {
                out.push('`');
                out.push_str(s);
                out.push('`');
            }
            _ => {
                out.push('#');
                out.push_str(&self.index.to_string());
            }
        }
    }
}

/// One organisation level's decision (root, OU, account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelDecision {
    pub target: String,
    pub outcome: LayerOutcome,
}

/// One policy type's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayerDecision {
    pub policy_type: PolicyType,
    pub outcome: LayerOutcome,
    /// SCPs and RCPs: each level, root first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<LevelDecision>,
}

/// The full answer to "may this principal do this action on this resource?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub outcome: Outcome,
    /// The policy type that decided (for an allow: the one that granted).
    pub deciding: Option<PolicyType>,
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// True when principal and resource are in the same account.
    pub same_account: bool,
    /// Every statement that applied, deny and allow, in evaluation order.
    pub matched_statements: Vec<MatchedStatement>,
    /// Each policy type's own decision, in AWS's evaluation order.
    pub layers: Vec<LayerDecision>,
    /// Condition keys (and policy variables) a policy asked for that the request lacked,
    /// as first written, sorted.
    pub missing_context_keys: Vec<String>,
    /// A sentence in the shape of AWS's messages.
    pub message: String,
    /// Further facts worth knowing (exemptions applied, documented pitfalls met).
    pub notes: Vec<String>,
    /// The pieces of data the request needed that are not loaded. For an
    /// [`Outcome::Unknown`] decision they are what it turns on; for a definite one, the
    /// answer is the same whatever they hold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Arc<crate::engine::coverage::Missing>>,
}

impl Decision {
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        self.outcome == Outcome::Allow
    }

    /// True when the answer depends on data that is not loaded.
    #[must_use]
    pub fn is_unknown(&self) -> bool {
        self.outcome == Outcome::Unknown
    }

    /// The decision of one policy type.
    #[must_use]
    pub fn layer(&self, policy_type: PolicyType) -> LayerOutcome {
        self.layers
            .iter()
            .find(|l| l.policy_type == policy_type)
            .map_or(LayerOutcome::NotApplicable, |l| l.outcome)
    }
}
