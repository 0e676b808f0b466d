//! The machine interface's documents: the JSON request a `simulate` batch feeds in and the
//! JSON result it writes out, one per request.
//!
//! This module owns the exact field names and their (de)serialisation only. Turning a
//! request into a simulation is `assume` (and `federation` for web identity and SAML);
//! turning an outcome into a [`ResultDoc`] is [`ResultDoc::from_outcome`].

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::policy::context::ContextValue;
use crate::engine::policy::context_builder::ContextBuilder;

/// A `{Key, Value}` tag as STS takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagDoc {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value", default)]
    pub value: String,
}

impl TagDoc {
    #[must_use]
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// What kind of credentials signed an `AssumeRole` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallerCredentials {
    /// An IAM user's access keys.
    LongTerm,
    /// Credentials of a role session (AssumeRole, web identity, SAML, ECS task role…).
    AssumedRoleSession,
    /// Role credentials served to an EC2 instance by its instance profile.
    Ec2InstanceProfile,
    /// An IAM user's `GetSessionToken` credentials.
    GetSessionToken,
    /// A `GetFederationToken` session.
    FederatedUser,
    /// The account root user.
    Root,
    /// An AWS service acting on the caller's behalf (e.g. `ec2.amazonaws.com`).
    ServicePrincipal,
}

/// The STS call (or AWS mechanism) that created a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SessionOrigin {
    AssumeRole,
    AssumeRoleWithWebIdentity,
    #[serde(rename = "AssumeRoleWithSAML")]
    AssumeRoleWithSaml,
    #[serde(rename = "EC2InstanceProfile")]
    Ec2InstanceProfile,
    #[serde(rename = "ECSTaskRole")]
    EcsTaskRole,
    GetSessionToken,
    GetFederationToken,
    /// IAM Roles Anywhere `CreateSession` (an `AssumeRole` by `rolesanywhere.amazonaws.com`).
    RolesAnywhere,
}

impl SessionOrigin {
    /// The name used in documents and messages.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AssumeRole => "AssumeRole",
            Self::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
            Self::AssumeRoleWithSaml => "AssumeRoleWithSAML",
            Self::Ec2InstanceProfile => "EC2InstanceProfile",
            Self::EcsTaskRole => "ECSTaskRole",
            Self::GetSessionToken => "GetSessionToken",
            Self::GetFederationToken => "GetFederationToken",
            Self::RolesAnywhere => "RolesAnywhere",
        }
    }
}

/// The caller's own session, for callers holding temporary credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CallerSessionDoc {
    /// The role the session belongs to, with its path (`arn:aws:iam::A:role/path/Name`).
    pub role_arn: Option<String>,
    pub session_name: Option<String>,
    pub created_by: Option<SessionOrigin>,
    pub issued_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub session_policy: Option<Value>,
    pub session_policy_arns: Vec<String>,
    pub session_tags: Vec<TagDoc>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    pub mfa_authenticated: bool,
    pub mfa_auth_time: Option<DateTime<Utc>>,
    /// A `GetFederationToken` session: the IAM user that called it, whose identity policies
    /// the session's permissions are intersected from.
    pub user_arn: Option<String>,
}

/// MFA passed with an `AssumeRole` call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaDoc {
    #[serde(default)]
    pub serial_number: String,
    #[serde(default)]
    pub token_code: String,
    /// Whether the code is the right one for the device now (default true).
    #[serde(default = "yes")]
    pub token_valid: bool,
    /// Seconds since the MFA authentication (default 0: this very call).
    #[serde(default)]
    pub auth_age_seconds: Option<i64>,
}

fn yes() -> bool {
    true
}

/// A request-context value: one string or a list of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ContextValueDoc {
    One(String),
    Many(Vec<String>),
}

/// Extra request-context keys a request sets or overrides (`aws:SourceIp`, …).
pub type ContextDoc = BTreeMap<String, ContextValueDoc>;

impl ContextValueDoc {
    /// The value as the request context holds it.
    #[must_use]
    pub fn to_value(&self) -> ContextValue {
        match self {
            Self::One(s) => ContextValue::Single(s.clone()),
            Self::Many(list) => ContextValue::Multi(list.clone()),
        }
    }
}

/// A request's own keys onto `ctx`, set last so they override what AWS would add.
pub fn supplied_keys<'d>(
    ctx: &mut ContextBuilder<'_>,
    keys: impl IntoIterator<Item = (&'d String, &'d ContextValueDoc)>,
) {
    for (k, v) in keys {
        ctx.force(k.as_str(), v.to_value());
    }
}

/// `AssumeRole`: a caller (user, role session, service…) asks for a role session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AssumeRoleRequest {
    /// An identifier echoed into the result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    pub now: Option<DateTime<Utc>>,
    pub region: Option<String>,
    pub context: ContextDoc,
    /// A principal ARN (user, assumed-role session, role, root, federated user) or a service
    /// principal name such as `ec2.amazonaws.com`.
    pub caller: String,
    pub caller_credentials: Option<CallerCredentials>,
    pub caller_session: Option<CallerSessionDoc>,
    /// The role's ARN (case-sensitive) or, when unambiguous, its name.
    pub role: String,
    pub role_session_name: Option<String>,
    pub duration_seconds: Option<i64>,
    pub external_id: Option<String>,
    pub source_identity: Option<String>,
    pub mfa: Option<MfaDoc>,
    pub tags: Vec<TagDoc>,
    pub transitive_tag_keys: Vec<String>,
    /// The inline session policy as a JSON object.
    pub policy: Option<Value>,
    /// The inline session policy as text, exactly as it would be sent (possibly malformed).
    pub policy_raw: Option<String>,
    pub policy_arns: Vec<String>,
}

/// `AssumeRoleWithWebIdentity`: an OIDC token traded for a role session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct WebIdentityRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    pub now: Option<DateTime<Utc>>,
    pub region: Option<String>,
    pub context: ContextDoc,
    pub role: String,
    pub role_session_name: Option<String>,
    pub duration_seconds: Option<i64>,
    /// The decoded JWT claims (`iss`, `aud`, `sub`, `amr`, `exp`, …).
    pub token_claims: serde_json::Map<String, Value>,
    pub policy: Option<Value>,
    pub policy_raw: Option<String>,
    pub policy_arns: Vec<String>,
}

/// The parts of a SAML assertion STS reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SamlAssertionDoc {
    #[serde(rename = "Issuer")]
    pub issuer: Option<String>,
    /// `SubjectConfirmationData/@Recipient`: what `SAML:aud` is compared with.
    #[serde(rename = "Recipient")]
    pub recipient: Option<String>,
    #[serde(rename = "Audience")]
    pub audience: Option<String>,
    #[serde(rename = "NameID")]
    pub name_id: Option<String>,
    #[serde(rename = "NameIDFormat")]
    pub name_id_format: Option<String>,
    #[serde(rename = "RoleSessionName")]
    pub role_session_name: Option<String>,
    /// `role-arn,provider-arn` pairs from the `Role` attribute.
    #[serde(rename = "Roles")]
    pub roles: Vec<String>,
    #[serde(rename = "NotOnOrAfter")]
    pub not_on_or_after: Option<DateTime<Utc>>,
    #[serde(rename = "SessionNotOnOrAfter")]
    pub session_not_on_or_after: Option<DateTime<Utc>>,
    /// Other attributes by name (short names such as `eduPersonAffiliation` or full URIs).
    #[serde(rename = "Attributes")]
    pub attributes: BTreeMap<String, ContextValueDoc>,
    #[serde(rename = "PrincipalTags")]
    pub principal_tags: BTreeMap<String, String>,
    #[serde(rename = "TransitiveTagKeys")]
    pub transitive_tag_keys: Vec<String>,
    #[serde(rename = "SourceIdentity")]
    pub source_identity: Option<String>,
}

/// `AssumeRoleWithSAML`: an IdP's assertion traded for a role session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SamlRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    pub now: Option<DateTime<Utc>>,
    pub region: Option<String>,
    pub context: ContextDoc,
    pub role: String,
    /// The SAML provider's ARN.
    pub principal_arn: String,
    pub duration_seconds: Option<i64>,
    pub assertion: SamlAssertionDoc,
    pub policy: Option<Value>,
    pub policy_raw: Option<String>,
    pub policy_arns: Vec<String>,
}

/// The principal an `authorize` request acts as.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PrincipalDoc {
    pub arn: String,
    /// `User`, `AssumedRole` or `FederatedUser`.
    #[serde(rename = "type")]
    pub principal_type: Option<String>,
    pub credentials: Option<CallerCredentials>,
    pub session: Option<CallerSessionDoc>,
}

/// `authorize`: may this principal (often a simulated session) perform this action?
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AuthorizeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    pub now: Option<DateTime<Utc>>,
    pub region: Option<String>,
    pub context: ContextDoc,
    pub principal: PrincipalDoc,
    pub action: String,
    pub resource: String,
    pub resource_account: Option<String>,
}

/// The certificate fields Roles Anywhere maps to session tags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CertificateDoc {
    /// Subject attributes (`CN`, `OU`, `O`, …).
    pub subject: BTreeMap<String, String>,
    pub issuer: BTreeMap<String, String>,
    /// Subject alternative names by type (`DNS`, `URI`, …).
    pub san: BTreeMap<String, String>,
    /// Hex serial number: the session name.
    pub serial_number: Option<String>,
}

/// IAM Roles Anywhere `CreateSession`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct RolesAnywhereRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    pub now: Option<DateTime<Utc>>,
    pub region: Option<String>,
    pub context: ContextDoc,
    pub role: String,
    pub trust_anchor_arn: Option<String>,
    pub certificate: CertificateDoc,
    pub role_session_name: Option<String>,
    pub duration_seconds: Option<i64>,
    pub session_policy: Option<Value>,
    pub managed_policy_arns: Vec<String>,
}

/// An EC2 instance launched with the role's instance profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Ec2InstanceProfileRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    pub now: Option<DateTime<Utc>>,
    pub region: Option<String>,
    pub context: ContextDoc,
    pub role: String,
    pub instance_id: Option<String>,
}

/// One request of a `simulate` batch, by its `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Request {
    AssumeRole(AssumeRoleRequest),
    AssumeRoleWebIdentity(WebIdentityRequest),
    AssumeRoleSaml(SamlRequest),
    Authorize(AuthorizeRequest),
    RolesAnywhere(RolesAnywhereRequest),
    Ec2InstanceProfile(Ec2InstanceProfileRequest),
}

/// The kinds a request may name, for messages.
pub const REQUEST_KINDS: &[&str] = &[
    "assume-role",
    "assume-role-web-identity",
    "assume-role-saml",
    "authorize",
    "roles-anywhere",
    "ec2-instance-profile",
];

impl Request {
    /// Reads one request from a decoded JSON value, with a message saying what to change
    /// when it cannot be read.
    ///
    /// # Errors
    /// When the value is not an object, has no known `kind`, or a field has the wrong type.
    pub fn from_value(value: Value) -> Result<Self, String> {
        let Some(obj) = value.as_object() else {
            return Err("a request must be a JSON object with a `kind` field".to_owned());
        };
        match obj.get("kind").and_then(Value::as_str) {
            None => {
                return Err(format!(
                    "the request has no `kind`; use one of {}",
                    kinds_list()
                ));
            }
            Some(k) if !REQUEST_KINDS.contains(&k) => {
                return Err(format!(
                    "unknown request kind `{k}`; use one of {}",
                    kinds_list()
                ));
            }
            Some(_) => {}
        }
        serde_json::from_value(value).map_err(|e| format!("the request cannot be read: {e}"))
    }

    /// The `id` the request carries, if any.
    #[must_use]
    pub fn id(&self) -> Option<&Value> {
        match self {
            Self::AssumeRole(r) => r.id.as_ref(),
            Self::AssumeRoleWebIdentity(r) => r.id.as_ref(),
            Self::AssumeRoleSaml(r) => r.id.as_ref(),
            Self::Authorize(r) => r.id.as_ref(),
            Self::RolesAnywhere(r) => r.id.as_ref(),
            Self::Ec2InstanceProfile(r) => r.id.as_ref(),
        }
    }
}

fn kinds_list() -> String {
    REQUEST_KINDS
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `allow`, `deny`, `unknown` (the answer depends on data that is not loaded) or `error` (the
/// request could not be simulated at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionDoc {
    Allow,
    Deny,
    Error,
    /// The answer depends on data that is not loaded; `missing` names it.
    Unknown,
}

/// A piece of data an `unknown` answer turns on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingDoc {
    /// The kind of data (`authorization-details`, `identity-providers`, `scps`, …).
    pub part: crate::engine::model::DataPart,
    pub what: String,
    pub fetch: String,
}

impl MissingDoc {
    #[must_use]
    pub fn of(m: &crate::engine::coverage::Missing) -> Self {
        Self {
            part: m.part,
            what: m.what.clone(),
            fetch: m.fetch.clone(),
        }
    }
}

/// Whether a denial came from an explicit `Deny` statement or from no `Allow`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DenialType {
    Explicit,
    Implicit,
}

/// A statement that decided (or helped decide) a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchedStatementDoc {
    /// Which policy: `trust policy of arn:…`, `inline policy X of arn:…`, `SCP …`.
    pub policy: String,
    /// `Sid`, or `#index`.
    pub statement: String,
    pub effect: String,
}

/// The result written for one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ResultDoc {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<Value>,
    pub decision: Option<DecisionDoc>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub denial_type: Option<DenialType>,
    pub effective_duration_seconds: Option<i64>,
    pub expiration: Option<DateTime<Utc>>,
    pub assumed_role_arn: Option<String>,
    pub assumed_role_id: Option<String>,
    pub principal_tags: BTreeMap<String, String>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub packed_policy_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub chained: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mfa_authenticated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub issued_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub credentials: Option<Value>,
    pub reasons: Vec<String>,
    /// The troubleshooting category of every failing check, without repeats.
    #[serde(default)]
    pub categories: Vec<crate::engine::sts::outcome::Category>,
    pub fixes: Vec<Value>,
    pub matched_statements: Vec<MatchedStatementDoc>,
    /// Facts the simulation assumed (e.g. an unknown `MaxSessionDuration`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub notes: Vec<String>,
    /// For an `unknown` decision: each piece of data the answer turns on (`what`), and the
    /// command that would fetch it (`fetch`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub missing: Vec<MissingDoc>,
}

impl ResultDoc {
    /// The result for a call made with a session that had expired: `ExpiredToken`, whatever
    /// the call.
    #[must_use]
    pub fn expired_token(id: Option<Value>, expired_at: &str) -> Self {
        Self {
            id,
            decision: Some(DecisionDoc::Error),
            error_code: Some("ExpiredToken".to_owned()),
            error_message: Some(crate::engine::sts::assume::EXPIRED_TOKEN_MESSAGE.to_owned()),
            reasons: vec![format!(
                "{}: the caller's session expired at {expired_at}, before this request; get a fresh session, then call again",
                crate::engine::sts::outcome::Category::CallerSessionExpired.label()
            )],
            categories: vec![crate::engine::sts::outcome::Category::CallerSessionExpired],
            ..Self::default()
        }
    }

    /// The result for a request that could not be read or simulated.
    #[must_use]
    pub fn error(id: Option<Value>, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            id,
            decision: Some(DecisionDoc::Error),
            error_message: Some(message.clone()),
            reasons: vec![message],
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn assume_role_request_reads_every_documented_field() {
        let r = Request::from_value(json!({
            "kind": "assume-role", "now": "2026-11-24T08:00:00Z", "region": "us-east-1",
            "context": {"aws:SourceIp": "203.0.113.5", "aws:CalledVia": ["a", "b"]},
            "caller": "arn:aws:sts::123456789012:assumed-role/ChainRoleA/s1",
            "caller_credentials": "assumed-role-session",
            "caller_session": {"role_arn": "arn:aws:iam::123456789012:role/ChainRoleA",
                "session_name": "s1", "created_by": "AssumeRoleWithSAML",
                "issued_at": "2026-11-24T07:30:00Z", "expires_at": "2026-11-24T08:30:00Z",
                "session_tags": [{"Key": "team", "Value": "a"}], "transitive_tag_keys": ["team"],
                "source_identity": "alice", "mfa_authenticated": true},
            "role": "arn:aws:iam::123456789012:role/ChainRoleB", "role_session_name": "s2",
            "duration_seconds": 900, "external_id": "x1",
            "mfa": {"serial_number": "arn:aws:iam::123456789012:mfa/alice", "token_code": "123456"},
            "tags": [{"Key": "k", "Value": "v"}], "transitive_tag_keys": ["k"],
            "policy": {"Version": "2012-10-17", "Statement": []}, "policy_arns": []
        }))
        .unwrap();
        let Request::AssumeRole(a) = r else {
            panic!("wrong kind")
        };
        assert_eq!(
            a.caller_credentials,
            Some(CallerCredentials::AssumedRoleSession)
        );
        let s = a.caller_session.unwrap();
        assert_eq!(s.created_by, Some(SessionOrigin::AssumeRoleWithSaml));
        assert!(s.mfa_authenticated);
        assert!(a.mfa.unwrap().token_valid);
        assert_eq!(
            a.context["aws:CalledVia"],
            ContextValueDoc::Many(vec!["a".into(), "b".into()])
        );
    }

    #[test]
    fn unreadable_requests_say_what_to_change() {
        let e = Request::from_value(json!({"role": "x"})).unwrap_err();
        assert!(e.contains("no `kind`"), "{e}");
        let e = Request::from_value(json!({"kind": "assume"})).unwrap_err();
        assert!(e.contains("unknown request kind `assume`"), "{e}");
        let e = Request::from_value(json!({"kind": "assume-role", "duration_seconds": "x"}))
            .unwrap_err();
        assert!(e.contains("invalid type"), "{e}");
        let e = Request::from_value(json!([1])).unwrap_err();
        assert!(e.contains("JSON object"), "{e}");
    }

    #[test]
    fn error_result_carries_the_message() {
        let r = ResultDoc::error(Some(json!(3)), "bad");
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["decision"], "error");
        assert_eq!(v["error_message"], "bad");
        assert_eq!(v["id"], 3);
    }
}
