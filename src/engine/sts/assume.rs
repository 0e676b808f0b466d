//! `AssumeRole` simulated end to end, in the rulebook's order of checks (IAM-RULES §8):
//! caller class and expiry, parameters, role lookup, Region, duration, request context,
//! `sts:AssumeRole` / `sts:TagSession` / `sts:SetSourceIdentity` through the policy engine,
//! tag and source-identity rules, packed size, then the session.
//!
//! Every check runs even after one has failed (as far as the data allows), so the outcome
//! lists every failing check; the first in the rulebook's order is what STS answers.
//! Explaining a failing policy layer and proposing its fix is `diagnose`'s job.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::engine::coverage::{self, Missing};
use crate::engine::sts::docs;

use crate::engine::model::{Inventory, Role};
use crate::engine::policy::context::RequestContext;
use crate::engine::policy::context_builder::{ContextBuilder, time_text};
use crate::engine::policy::decision::{Decision, PolicyType};
use crate::engine::policy::document::PolicyDocument;
use crate::engine::policy::evaluate::{EvaluationInput, Gap, NamedPolicy, PolicyLevel, evaluate};
use crate::engine::policy::key_filter::KeyFilter;
use crate::engine::policy::principal::Principal;
use crate::engine::sts::authz::CompiledInventory;
use crate::engine::sts::caller::{Caller, CallerError, CallerKind, classify};
use crate::engine::sts::diagnose::{Diagnosis, diagnose_decision};
use crate::engine::sts::outcome::{Category, ErrorCode, Finding, Fix, StsError};
use crate::engine::sts::params::{
    self, DEFAULT_DURATION, MAX_SESSION_POLICY_CHARS, Violation, duration_problems,
    validation_message,
};
use crate::engine::sts::request::{AssumeRoleRequest, SessionOrigin, TagDoc, supplied_keys};
use crate::engine::sts::session::{
    Session, SimulatedCredentials, assumed_role_arn, assumed_role_id, expiry, merge_principal_tags,
    merge_transitive_keys, packed_size_estimate,
};

/// The service principal of IAM Roles Anywhere.
pub const ROLES_ANYWHERE: &str = "rolesanywhere.amazonaws.com";

/// AWS's answer to the account root user calling `AssumeRole`.
pub const ROOT_MESSAGE: &str = "Roles may not be assumed by root accounts.";
/// AWS's answer when the caller's own credentials have expired.
pub const EXPIRED_TOKEN_MESSAGE: &str = "The security token included in the request is expired";
/// Why an MFA code passed by a role session does not count.
pub const ROLE_SESSION_MFA_NOTE: &str = "the caller is a role session: STS takes an MFA code only for the device of the IAM user making the call (AssumeRole `SerialNumber`), so this call carries the MFA state of the caller's own session and the code passed was not used";
/// AWS's answer to a wrong MFA code.
pub const BAD_MFA_MESSAGE: &str =
    "MultiFactorAuthentication failed with invalid MFA one time pass code.";
/// AWS's answer to an unreadable session policy.
pub const MALFORMED_POLICY_MESSAGE: &str = "The policy is not in the valid JSON format.";

/// AWS's access-denied sentence for an STS action on a role.
#[must_use]
pub fn not_authorized(caller_arn: &str, action: &str, role_arn: &str) -> String {
    format!("User: {caller_arn} is not authorized to perform: {action} on resource: {role_arn}")
}

/// AWS's message when STS is not active in a Region for the role's account.
#[must_use]
pub fn region_disabled_message(account: &str) -> String {
    format!(
        "STS is not activated in this region for account:{account}. Your account administrator can activate STS in this region using the IAM Console."
    )
}

/// Why a request could not be simulated at all (as opposed to a simulated failure).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimulationError {
    #[error(transparent)]
    Caller(#[from] CallerError),
    #[error(
        "the request names no `role`; give the role's ARN (or its name when only one role has it)"
    )]
    MissingRole,
    #[error("role name `{name}` is ambiguous: {arns}; give the role's ARN")]
    AmbiguousRole { name: String, arns: String },
    #[error("`{0}` is not an RFC 3339 time")]
    BadTime(String),
    #[error("{0}")]
    Invalid(String),
    /// The caller's session expired before the request: AWS answers `ExpiredToken`, "The
    /// security token included in the request is expired", to any call made with it (the
    /// common errors of every AWS API, docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html;
    /// IAM-RULES §1.2).
    #[error(
        "ExpiredToken: The security token included in the request is expired (the session expired at {expired_at}; get a fresh session, then call again)"
    )]
    ExpiredToken { expired_at: String },
}

/// The outcome of one simulated STS call.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// `AssumeRole`, `AssumeRoleWithWebIdentity`, …
    pub api: &'static str,
    /// The ARN STS names the caller by (or the provider for federation).
    pub caller_arn: String,
    /// The role, as found (or as asked for, when not found).
    pub role_arn: String,
    /// The session issued, when every check passed.
    pub session: Option<Session>,
    /// What STS answers when some check failed: the first failure in the rulebook's order.
    pub error: Option<StsError>,
    /// Every failing check.
    pub findings: Vec<Finding>,
    /// The policy engine's decision for each STS action evaluated, in order.
    pub decisions: Vec<Decision>,
    /// The request context the trust policy was evaluated with.
    pub context: RequestContext,
    pub notes: Vec<String>,
    /// When no check fails but the answer turns on data that is not loaded (a policy
    /// decision is unknown, the role account's identity providers are not listed): what is
    /// missing. No session is issued then, and no error is answered.
    pub missing: Vec<Arc<Missing>>,
}

impl Outcome {
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        self.session.is_some()
    }

    /// True when the answer depends on data that is not loaded ([`Outcome::missing`]).
    #[must_use]
    pub fn is_unknown(&self) -> bool {
        self.session.is_none() && self.error.is_none() && !self.missing.is_empty()
    }

    /// Every fix proposed, in the order of the findings.
    #[must_use]
    pub fn fixes(&self) -> Vec<&Fix> {
        self.findings
            .iter()
            .filter_map(|f| f.fix.as_ref())
            .collect()
    }
}

/// The simulator: an inventory with every policy compiled once. Cheap to query many times;
/// never clones the inventory per request.
#[derive(Debug)]
pub struct Simulator<'a> {
    pub inventory: &'a Inventory,
    pub compiled: CompiledInventory,
    /// Leave out of request contexts the keys no policy of the inventory reads (faster;
    /// decisions are the same, but [`Outcome::context`] then shows only the keys read).
    pub prune_context: bool,
}

/// What a diagnosis needs besides the policy engine's input.
pub(crate) struct DiagnosisBase<'s> {
    pub caller: Option<&'s Caller>,
    pub role_idx: usize,
    pub request: Option<&'s AssumeRoleRequest>,
    pub trust_conditions: Option<Value>,
}

/// The caller's side of an evaluation.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallerSide {
    pub identity: Vec<NamedPolicy>,
    pub boundary: Option<NamedPolicy>,
    pub session: Option<Vec<NamedPolicy>>,
    pub scps: Option<Vec<PolicyLevel>>,
    /// The caller's policies the data lacks.
    pub gaps: Vec<Gap>,
}

/// A check-by-check accumulator.
#[derive(Debug, Default)]
pub(crate) struct Checks {
    pub findings: Vec<Finding>,
    pub violations: Vec<Violation>,
    pub notes: Vec<String>,
    /// Checks that cannot be made on the loaded data.
    pub missing: Vec<Arc<Missing>>,
}

impl Checks {
    pub fn push(
        &mut self,
        check: &str,
        category: Category,
        error: StsError,
        explanation: String,
        rule: &str,
        fix: Option<Fix>,
    ) {
        self.findings.push(Finding {
            check: check.to_owned(),
            category,
            error,
            explanation,
            rule: rule.to_owned(),
            fix,
        });
    }

    /// Turns parameter violations into findings (one per violation, each with its own
    /// message) and returns AWS's combined message for all of them.
    pub fn flush_violations(
        &mut self,
        fix_for: impl Fn(&Violation) -> Option<Fix>,
    ) -> Option<String> {
        if self.violations.is_empty() {
            return None;
        }
        let all = validation_message(&self.violations);
        for v in std::mem::take(&mut self.violations) {
            let message = validation_message(std::slice::from_ref(&v));
            let fix = fix_for(&v);
            self.push(
                "parameters",
                Category::InvalidParameter,
                StsError::new(ErrorCode::ValidationError, message),
                format!(
                    "parameter `{}` breaks an STS constraint: {}",
                    v.member, v.constraint
                ),
                // IAM-RULES §1.1
                docs::STS_ASSUME_ROLE,
                fix,
            );
        }
        Some(all)
    }

    /// The error STS answers: the first finding's, with every parameter violation in one
    /// message when the first failure is a parameter.
    pub fn first_error(&self, combined_validation: Option<&str>) -> Option<StsError> {
        let first = self.findings.first()?;
        if first.check == "parameters"
            && let Some(all) = combined_validation
        {
            return Some(StsError::new(ErrorCode::ValidationError, all));
        }
        Some(first.error.clone())
    }
}

fn set_param(parameter: &str, value: Value, summary: impl Into<String>) -> Fix {
    Fix::SetParameter {
        parameter: parameter.to_owned(),
        value,
        summary: summary.into(),
    }
}

/// A session name made valid: disallowed characters replaced by `-`, padded or cut to
/// 2..64 characters.
#[must_use]
pub fn sanitize_session_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    while s.chars().count() < 2 {
        s.push('-');
    }
    s
}

/// The fix for one parameter violation.
pub(crate) fn violation_fix(v: &Violation) -> Option<Fix> {
    let value = v.value.as_deref().unwrap_or_default();
    match v.member.as_str() {
        "roleSessionName" => Some(set_param(
            "role_session_name",
            Value::String(sanitize_session_name(if v.value.is_some() {
                value
            } else {
                "rolescope-session"
            })),
            "use a session name of 2 to 64 letters, digits and `_+=,.@-`",
        )),
        "durationSeconds" => {
            let n: i64 = value.parse().unwrap_or(DEFAULT_DURATION);
            let clamped = n.clamp(params::MIN_DURATION, params::MAX_DURATION);
            Some(set_param(
                "duration_seconds",
                json!(clamped),
                format!("ask for a duration between 900 and 43200 seconds (e.g. {clamped})"),
            ))
        }
        "sourceIdentity" => Some(set_param(
            "source_identity",
            Value::String(sanitize_session_name(value.trim_start_matches("aws:"))),
            "use a source identity of 2 to 64 letters, digits and `_+=,.@-`, not starting with `aws:`",
        )),
        "externalId" => Some(set_param(
            "external_id",
            Value::String({
                let mut id: String = value
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(*c))
                    .take(1224)
                    .collect();
                while id.len() < 2 {
                    id.push('0');
                }
                id
            }),
            "use an external ID of 2 to 1224 letters, digits and `_+=,.@:/-`",
        )),
        "serialNumber" | "tokenCode" => Some(set_param(
            "mfa",
            json!({"serial_number": "arn:aws:iam::123456789012:mfa/device", "token_code": "123456", "token_valid": true}),
            "give the MFA device's serial number (or ARN) and its current six-digit code",
        )),
        "policy" => Some(set_param(
            "policy_raw",
            Value::Null,
            "shorten the session policy to at most 2048 characters of printable Latin-1 text, or leave it out",
        )),
        m if m.starts_with("tags") => Some(set_param(
            "tags",
            json!([]),
            "pass at most 50 tags, keys 1-128 and values 0-256 characters of letters, digits, spaces and `_.:/=+-@`, keys not starting with `aws:`",
        )),
        m if m.starts_with("transitiveTagKeys") => Some(set_param(
            "transitive_tag_keys",
            json!([]),
            "pass at most 50 transitive tag keys, each the key of a tag passed in the call",
        )),
        m if m.starts_with("policyArns") => Some(set_param(
            "policy_arns",
            json!([]),
            "pass at most 10 managed session policy ARNs",
        )),
        _ => None,
    }
}

/// The session policy of a request: its text (for size checks) and parsed value.
pub(crate) struct SessionPolicyInput {
    pub text: Option<String>,
    pub value: Option<Value>,
}

/// Reads `policy` / `policy_raw`, recording a `MalformedPolicyDocument` finding when the
/// text is not a valid policy.
pub(crate) fn read_session_policy(
    checks: &mut Checks,
    policy: Option<&Value>,
    policy_raw: Option<&str>,
    max: Option<usize>,
) -> SessionPolicyInput {
    let text = match (policy_raw, policy) {
        (Some(raw), _) => Some(raw.to_owned()),
        (None, Some(v)) => Some(v.to_string()),
        (None, None) => None,
    };
    params::check_policy_text(&mut checks.violations, text.as_deref(), max);
    let Some(t) = text.as_deref() else {
        return SessionPolicyInput { text, value: None };
    };
    let parsed = PolicyDocument::parse_str(t);
    if parsed.document.is_none() || !parsed.errors.is_empty() {
        let detail: Vec<String> = parsed.errors.iter().map(ToString::to_string).collect();
        checks.push(
            "session-policy",
            Category::InvalidParameter,
            StsError::new(ErrorCode::MalformedPolicyDocument, MALFORMED_POLICY_MESSAGE),
            format!(
                "the session policy is not a valid policy document: {}",
                detail.join("; ")
            ),
            // IAM-RULES §1.1 (Policy)
            docs::STS_ASSUME_ROLE,
            Some(set_param(
                "policy_raw",
                Value::Null,
                "fix the session policy's JSON (or leave the session policy out)",
            )),
        );
        return SessionPolicyInput { text, value: None };
    }
    let value = serde_json::from_str(t).ok();
    SessionPolicyInput { text, value }
}

/// Tag keys and a source identity may not start with `aws:` (the error code is not
/// documented, IAM-RULES §9.4; rolescope answers `ValidationError`).
pub(crate) fn reserved_prefix_checks(
    checks: &mut Checks,
    tags: &[TagDoc],
    source_identity: Option<&str>,
) {
    for t in tags {
        if t.key.to_ascii_lowercase().starts_with("aws:") {
            checks.push(
                "tags",
                Category::InvalidParameter,
                StsError::new(
                    ErrorCode::ValidationError,
                    format!("Tag key '{}' uses the reserved prefix 'aws:'.", t.key),
                ),
                format!("session tag key `{}` starts with `aws:`, which AWS reserves; the operation fails (AWS does not document the error code, rolescope reports ValidationError)", t.key),
                // IAM-RULES §1.1 (Tags), §9.4
                docs::UG_SESSION_TAGS,
                Some(set_param(
                    "tags",
                    serde_json::to_value(
                        tags.iter()
                            .filter(|x| !x.key.to_ascii_lowercase().starts_with("aws:"))
                            .collect::<Vec<_>>(),
                    )
                    .unwrap_or(Value::Null),
                    format!("drop the tag `{}` (or rename it without `aws:`)", t.key),
                )),
            );
        }
    }
    if let Some(si) = source_identity
        && si.to_ascii_lowercase().starts_with("aws:")
    {
        checks.push(
                "source-identity",
                Category::InvalidParameter,
                StsError::new(
                    ErrorCode::ValidationError,
                    format!("Source identity '{si}' uses the reserved prefix 'aws:'."),
                ),
                format!("source identity `{si}` starts with `aws:`, which AWS reserves; the operation fails (the error code is undocumented)"),
                // IAM-RULES §1.1 (SourceIdentity), §9.4
                docs::UG_SOURCE_IDENTITY,
                Some(set_param(
                    "source_identity",
                    Value::String(si[4..].to_owned()),
                    "use a source identity that does not start with `aws:`",
                )),
            );
    }
}

/// The role a request names: by exact ARN, or by name when exactly one role has it.
pub(crate) enum RoleLookup<'a> {
    Found(usize, &'a Role),
    /// Not found; the ARN as asked for (built from a name when needed), and a role whose
    /// ARN differs only in case, if any.
    Missing {
        arn: String,
        near: Option<String>,
    },
}

impl<'a> Simulator<'a> {
    /// Compiles every policy of `inventory` once.
    #[must_use]
    pub fn new(inventory: &'a Inventory) -> Self {
        Self {
            inventory,
            compiled: CompiledInventory::new(inventory),
            prune_context: false,
        }
    }

    /// This simulator, building only the context keys some policy reads (for bulk runs).
    #[must_use]
    pub fn pruned(mut self) -> Self {
        self.prune_context = true;
        self
    }

    /// The key filter for a request: none when pruning is off or the request brings policies
    /// of its own (a caller's session policy), which may read other keys.
    pub(crate) fn key_filter(&self, request_has_policies: bool) -> Option<&KeyFilter> {
        (self.prune_context && !request_has_policies).then_some(&self.compiled.key_filter)
    }

    pub(crate) fn lookup_role(&self, role: &str) -> Result<RoleLookup<'a>, SimulationError> {
        let inv = self.inventory;
        let role = role.trim();
        if role.is_empty() {
            return Err(SimulationError::MissingRole);
        }
        if role.starts_with("arn:") {
            if let Some(&i) = inv.index.role_by_arn.get(role) {
                return Ok(RoleLookup::Found(i, &inv.roles[i]));
            }
            let near = inv
                .roles
                .iter()
                .find(|r| r.arn.eq_ignore_ascii_case(role))
                .map(|r| r.arn.clone());
            return Ok(RoleLookup::Missing {
                arn: role.to_owned(),
                near,
            });
        }
        match inv.index.roles_by_name.get(role).map(Vec::as_slice) {
            Some([i]) => Ok(RoleLookup::Found(*i, &inv.roles[*i])),
            Some(many) if many.len() > 1 => Err(SimulationError::AmbiguousRole {
                name: role.to_owned(),
                arns: many
                    .iter()
                    .map(|&i| format!("`{}`", inv.roles[i].arn))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
            _ => {
                let near = inv
                    .roles
                    .iter()
                    .find(|r| r.name.eq_ignore_ascii_case(role))
                    .map(|r| r.arn.clone());
                Ok(RoleLookup::Missing {
                    arn: format!("arn:aws:iam::000000000000:role/{role}"),
                    near,
                })
            }
        }
    }

    /// Records the role-not-found finding.
    pub(crate) fn role_missing(
        checks: &mut Checks,
        caller_arn: &str,
        action: &str,
        arn: &str,
        near: Option<String>,
    ) {
        let explanation = match &near {
            Some(n) => format!(
                "no role `{arn}` exists; role names are case sensitive and `{n}` differs only in case"
            ),
            None => format!(
                "no role `{arn}` exists in the loaded data; STS answers as if the caller were not authorized"
            ),
        };
        let fix = near.map(|n| {
            set_param(
                "role",
                Value::String(n.clone()),
                format!("use the role's exact ARN `{n}`"),
            )
        });
        checks.push(
            "role-exists",
            Category::RoleNotFound,
            StsError::denied(
                not_authorized(caller_arn, action, arn),
                crate::engine::sts::request::DenialType::Implicit,
            ),
            explanation,
            // IAM-RULES §1.1 (RoleArn), §8 step 3
            docs::STS_ASSUME_ROLE,
            fix,
        );
    }

    /// Records the Region finding when STS is deactivated for the role's account.
    pub(crate) fn region_check(&self, checks: &mut Checks, role: &Role, region: Option<&str>) {
        let Some(region) = region else { return };
        let deactivated = self
            .inventory
            .account(&role.account)
            .is_some_and(|a| a.sts_regions_deactivated.iter().any(|r| r == region));
        if deactivated {
            checks.push(
                "region",
                Category::RegionDisabled,
                StsError::new(
                    ErrorCode::RegionDisabledException,
                    region_disabled_message(&role.account),
                ),
                format!(
                    "STS is deactivated in {region} for account {}, which owns the role; the Region must be active in the account where the credentials are generated",
                    role.account
                ),
                // IAM-RULES §1.5 (RegionDisabledException)
                docs::UG_STS_REGIONS,
                Some(Fix::ActivateRegion {
                    account: role.account.clone(),
                    region: region.to_owned(),
                    summary: format!(
                        "activate the STS endpoint in {region} for account {} (IAM console, Account settings)",
                        role.account
                    ),
                }),
            );
        }
    }

    /// Records the duration findings; returns the effective duration.
    pub(crate) fn duration_check(
        checks: &mut Checks,
        role: &Role,
        requested: Option<i64>,
        chained: bool,
        limited_by_role: bool,
    ) -> i64 {
        let effective = requested.unwrap_or(DEFAULT_DURATION);
        if !(params::MIN_DURATION..=params::MAX_DURATION).contains(&effective) {
            return effective;
        }
        if matches!(
            role.max_session_duration,
            crate::engine::model::Known::Unknown
        ) && limited_by_role
        {
            checks.notes.push(format!(
                "the data does not give `MaxSessionDuration` for `{}`; AWS's default of 3600 seconds is assumed",
                role.arn
            ));
        }
        let max = if limited_by_role {
            i64::from(role.effective_max_session())
        } else {
            params::MAX_DURATION
        };
        for p in duration_problems(effective, chained, max) {
            let (explanation, fix) = match p {
                params::DurationProblem::ChainCap => (
                    format!(
                        "the caller holds role-session credentials, so this is role chaining, and a chained session lasts at most one hour; {effective} seconds were asked for"
                    ),
                    set_param(
                        "duration_seconds",
                        json!(params::CHAIN_CAP_SECONDS),
                        "ask for at most 3600 seconds (the one-hour cap on role chaining)",
                    ),
                ),
                params::DurationProblem::AboveMaxSession => (
                    format!(
                        "{effective} seconds were asked for but `{}` allows sessions of at most {max} seconds (its MaxSessionDuration); alternatively raise the role's MaxSessionDuration",
                        role.name
                    ),
                    set_param(
                        "duration_seconds",
                        json!(max),
                        format!("ask for at most {max} seconds, the role's MaxSessionDuration"),
                    ),
                ),
            };
            checks.push(
                "duration",
                Category::DurationTooLong,
                StsError::new(ErrorCode::ValidationError, p.message()),
                explanation,
                // IAM-RULES §1.3
                docs::UG_ROLE_TERMS,
                Some(fix),
            );
        }
        effective
    }

    /// The caller's side of an evaluation: identity policies, boundary, session policies
    /// and the SCPs of the caller's account.
    pub(crate) fn caller_side(&self, caller: &Caller) -> CallerSide {
        let c = &self.compiled;
        let mut side = CallerSide::default();
        match &caller.kind {
            CallerKind::User { user: Some(i), .. } => {
                if let Some(p) = c.user_policies(self.inventory, *i) {
                    side.identity.clone_from(&p.identity);
                    side.boundary.clone_from(&p.boundary);
                    side.gaps.clone_from(&p.gaps);
                }
            }
            CallerKind::RoleSession { role: Some(i), .. } => {
                if let Some(p) = c.role_policies(self.inventory, *i) {
                    side.identity.clone_from(&p.identity);
                    side.boundary.clone_from(&p.boundary);
                    side.gaps.clone_from(&p.gaps);
                }
            }
            // The caller's account is not in the data: its side is unknown.
            CallerKind::User {
                user_arn: arn,
                user: None,
            }
            | CallerKind::RoleSession {
                role_arn: arn,
                role: None,
                ..
            } => {
                let m = Arc::new(coverage::account(&caller.account, arn));
                for layer in [
                    PolicyType::IdentityBasedPolicy,
                    PolicyType::ServiceControlPolicy,
                ] {
                    side.gaps.push(Gap {
                        layer,
                        missing: Arc::clone(&m),
                    });
                }
            }
            // A `GetFederationToken` session: the calling user's identity policies (and
            // boundary), intersected with the session policy below
            // ([STS-API GetFederationToken]; [UG:id_credentials_temp_request]).
            CallerKind::FederatedUser => {
                if let Some(p) = caller
                    .session
                    .as_ref()
                    .and_then(|s| s.user_arn.as_deref())
                    .and_then(|arn| self.inventory.index.user_by_arn.get(arn))
                    .and_then(|&i| c.user_policies(self.inventory, i))
                {
                    side.identity.clone_from(&p.identity);
                    side.boundary.clone_from(&p.boundary);
                    side.gaps.clone_from(&p.gaps);
                }
            }
            _ => {}
        }
        if matches!(
            caller.kind,
            CallerKind::User { user: Some(_), .. } | CallerKind::RoleSession { role: Some(_), .. }
        ) && let Some(m) = self
            .inventory
            .account(&caller.account)
            .and_then(coverage::scps)
        {
            side.gaps
                .push(Gap::new(PolicyType::ServiceControlPolicy, m));
        }
        if matches!(caller.kind, CallerKind::RoleSession { .. })
            && let Some(s) = &caller.session
        {
            side.session = c.session_policies(s.session_policy.as_ref(), &s.session_policy_arns);
        }
        // A federated user's session policy always applies; without one the session has no
        // permissions ([STS-API GetFederationToken] `Policy`).
        if caller.kind == CallerKind::FederatedUser {
            side.session = Some(
                caller
                    .session
                    .as_ref()
                    .and_then(|s| {
                        c.session_policies(s.session_policy.as_ref(), &s.session_policy_arns)
                    })
                    .unwrap_or_default(),
            );
        }
        side.scps = c.scps.get(&caller.account).cloned();
        side
    }

    /// The policy engine's principal for a caller.
    pub(crate) fn principal_of(&self, caller: &Caller) -> Principal {
        match &caller.kind {
            CallerKind::User { user_arn, user } => {
                let mut p = Principal::user(user_arn, &caller.account);
                p.unique_id = user.map(|i| self.inventory.users[i].user_id.clone());
                p
            }
            CallerKind::RoleSession {
                role_arn,
                role,
                session_name,
            } => {
                let mut p = Principal::role_session(role_arn, session_name);
                p.unique_id = role.map(|i| self.inventory.roles[i].role_id.clone());
                p
            }
            CallerKind::Service { name } => Principal::service(name),
            CallerKind::Root => Principal::root(&caller.account),
            CallerKind::FederatedUser => {
                Principal::parse(&caller.arn).unwrap_or_else(|_| Principal::root(&caller.account))
            }
        }
    }

    /// The policy engine's input for an STS action on a role: the trust policy as the role's
    /// resource-based policy, the caller's side, the role account's RCPs. Built once per
    /// request and reused for every action evaluated.
    pub(crate) fn input_on_role(
        &self,
        principal: Principal,
        role_idx: usize,
        context: RequestContext,
        side: CallerSide,
    ) -> EvaluationInput {
        let role = &self.inventory.roles[role_idx];
        let mut input = EvaluationInput::new(principal, "sts:AssumeRole", role.arn.clone());
        input.resource_account = Some(role.account.clone());
        input.context = context;
        input.identity_policies = side.identity;
        input.permissions_boundary = side.boundary;
        input.session_policies = side.session;
        input.scps = side.scps;
        input.rcps = self.compiled.rcps.get(&role.account).cloned();
        input.resource_policy = self
            .compiled
            .trust_resource_policy(self.inventory, role_idx);
        input.gaps = side.gaps;
        if let Some(m) = self
            .inventory
            .account(&role.account)
            .and_then(coverage::rcps)
        {
            input
                .gaps
                .push(Gap::new(PolicyType::ResourceControlPolicy, m));
        }
        input
    }

    /// Evaluates each action on `input` (changing only the action), diagnosing denials.
    pub(crate) fn decide_actions(
        &self,
        input: &mut EvaluationInput,
        actions: &[&str],
        diag: &DiagnosisBase<'_>,
        checks: &mut Checks,
    ) -> Vec<Decision> {
        let mut out = Vec::with_capacity(actions.len());
        for action in actions {
            (*action).clone_into(&mut input.action);
            let d = evaluate(input);
            if !d.is_allowed() && !d.is_unknown() {
                let full = Diagnosis {
                    sim: self,
                    caller: diag.caller,
                    input,
                    role_idx: diag.role_idx,
                    request: diag.request,
                    trust_conditions: diag.trust_conditions.clone(),
                };
                diagnose_decision(&full, action, &d, &input.context, checks);
            }
            out.push(d);
        }
        out
    }

    /// Simulates `AssumeRole`. `now` is the clock when the request gives none.
    ///
    /// # Errors
    /// When the request cannot be simulated at all (no caller, no role, an ambiguous role
    /// name): a simulated failure is an `Ok` outcome with an error.
    pub fn assume_role(
        &self,
        req: &AssumeRoleRequest,
        now: DateTime<Utc>,
    ) -> Result<Outcome, SimulationError> {
        let now = req.now.unwrap_or(now);
        let inv = self.inventory;
        let caller = classify(
            inv,
            &req.caller,
            req.caller_credentials,
            req.caller_session.as_ref(),
        )?;
        let mut checks = Checks::default();
        checks.notes.extend(caller.notes.iter().cloned());
        let lookup = self.lookup_role(&req.role)?;
        let role_arn_asked = match &lookup {
            RoleLookup::Found(_, r) => r.arn.clone(),
            RoleLookup::Missing { arn, .. } => arn.clone(),
        };
        let mut outcome = Outcome {
            api: "AssumeRole",
            caller_arn: caller.arn.clone(),
            role_arn: role_arn_asked.clone(),
            session: None,
            error: None,
            findings: Vec::new(),
            decisions: Vec::new(),
            context: RequestContext::new(),
            notes: Vec::new(),
            missing: Vec::new(),
        };

        // 1. Caller class and expiry.
        match caller.kind {
            CallerKind::Root => {
                checks.push(
                    "caller",
                    Category::CallerCannotAssumeRoles,
                    StsError::denied(ROOT_MESSAGE, crate::engine::sts::request::DenialType::Explicit),
                    "the account root user can never assume a role; sign in as an IAM user (or use a role session) of the account instead".to_owned(),
                    // IAM-RULES §1.2
                    docs::UG_TEMP_CREDENTIALS,
                    None,
                );
            }
            CallerKind::FederatedUser => {
                checks.push(
                    "caller",
                    Category::CallerCannotAssumeRoles,
                    StsError::denied(
                        not_authorized(&caller.arn, "sts:AssumeRole", &role_arn_asked),
                        crate::engine::sts::request::DenialType::Implicit,
                    ),
                    "a GetFederationToken session cannot call any STS operation except GetCallerIdentity; assume the role with the IAM user's own credentials instead".to_owned(),
                    // IAM-RULES §1.2
                    docs::UG_TEMP_CREDENTIALS,
                    None,
                );
            }
            _ => {}
        }
        if matches!(caller.kind, CallerKind::Root | CallerKind::FederatedUser) {
            return Ok(finish(outcome, checks, None));
        }
        if caller.session_expired(now) {
            let expired_at = caller
                .session
                .as_ref()
                .and_then(|s| s.expires_at)
                .map(time_text)
                .unwrap_or_default();
            checks.push(
                "caller-session",
                Category::CallerSessionExpired,
                StsError::new(ErrorCode::ExpiredToken, EXPIRED_TOKEN_MESSAGE),
                format!("the caller's session expired at {expired_at}, before this request; get fresh credentials (re-assume the caller's role) first"),
                // IAM-RULES §1.2, §1.5 (ExpiredToken)
                docs::STS_COMMON_ERRORS,
                Some(set_param(
                    "caller_session.expires_at",
                    Value::String(time_text(expiry(now, 3600))),
                    "refresh the caller's credentials so its session is still valid",
                )),
            );
        }

        // 2. Parameters.
        params::check_role_arn(&mut checks.violations, &role_arn_asked);
        params::check_session_name(&mut checks.violations, req.role_session_name.as_deref());
        params::check_duration_range(&mut checks.violations, req.duration_seconds);
        params::check_external_id(&mut checks.violations, req.external_id.as_deref());
        params::check_source_identity(&mut checks.violations, req.source_identity.as_deref());
        if let Some(m) = &req.mfa {
            params::check_mfa(&mut checks.violations, &m.serial_number, &m.token_code);
        }
        params::check_tags(&mut checks.violations, &req.tags);
        params::check_transitive_keys(&mut checks.violations, &req.transitive_tag_keys);
        params::check_policy_arns(&mut checks.violations, &req.policy_arns);
        let policy = read_session_policy(
            &mut checks,
            req.policy.as_ref(),
            req.policy_raw.as_deref(),
            Some(MAX_SESSION_POLICY_CHARS),
        );
        let combined = checks.flush_violations(violation_fix);
        // Parameter findings go before a malformed-policy finding recorded while reading.
        reorder_parameters_first(&mut checks.findings);
        reserved_prefix_checks(&mut checks, &req.tags, req.source_identity.as_deref());
        if let Some(m) = &req.mfa
            && !m.token_valid
        {
            checks.push(
                    "mfa",
                    Category::MfaMissing,
                    StsError::denied(BAD_MFA_MESSAGE, crate::engine::sts::request::DenialType::Implicit),
                    "the MFA code is not the device's current code".to_owned(),
                    // IAM-RULES §1.1 (TokenCode)
                    docs::STS_ASSUME_ROLE,
                    Some(set_param(
                        "mfa",
                        json!({"serial_number": m.serial_number, "token_code": m.token_code, "token_valid": true}),
                        "enter the code the MFA device shows now",
                    )),
                );
        }

        // 3. Role lookup.
        let (role_idx, role) = match lookup {
            RoleLookup::Found(i, r) => (i, r),
            RoleLookup::Missing { arn, near } => {
                Self::role_missing(&mut checks, &caller.arn, "sts:AssumeRole", &arn, near);
                return Ok(finish(outcome, checks, combined.as_deref()));
            }
        };

        // 4. Region.
        self.region_check(&mut checks, role, req.region.as_deref());

        // 5. Duration (AWS services are not limited by MaxSessionDuration).
        let is_service = matches!(caller.kind, CallerKind::Service { .. });
        let allowed_max = if is_service {
            params::MAX_DURATION
        } else if caller.chaining {
            params::CHAIN_CAP_SECONDS.min(i64::from(role.effective_max_session()))
        } else {
            i64::from(role.effective_max_session())
        };
        let duration = Self::duration_check(
            &mut checks,
            role,
            req.duration_seconds,
            caller.chaining,
            !is_service,
        );
        tailor_parameter_fixes(&mut checks, allowed_max, req.policy_raw.is_none());

        // 6. Request context.
        let inherited = caller.inherited_transitive();
        let own_policies = req
            .caller_session
            .as_ref()
            .is_some_and(|s| s.session_policy.is_some() || !s.session_policy_arns.is_empty());
        // STS takes `SerialNumber` and `TokenCode` for "the MFA device that is associated
        // with the user who is making the AssumeRole call" ([STS-API AssumeRole]): a role
        // session has no device, so its call carries the MFA state of its own session only.
        let role_session = matches!(caller.kind, CallerKind::RoleSession { .. });
        if role_session && req.mfa.is_some() {
            checks.notes.push(ROLE_SESSION_MFA_NOTE.to_owned());
        }
        let passed_mfa = req.mfa.as_ref().filter(|m| m.token_valid && !role_session);
        let mfa_used = passed_mfa.is_some();
        let principal = self.principal_of(&caller);
        let session_tags = caller.session_tags();
        let mut who = caller.requester(inv, &principal, &session_tags, now);
        if let Some(m) = passed_mfa {
            let age = chrono::Duration::seconds(m.auth_age_seconds.unwrap_or(0).max(0));
            who.mfa_authenticated_at = Some(now - age);
        }
        let mut ctx = ContextBuilder::new(self.key_filter(own_policies));
        ctx.clock(now, req.region.as_deref());
        ctx.principal(inv, &who, now);
        let inherited_pairs: Vec<(&str, &str)> = inherited
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect();
        ctx.role_resource(inv, role, &inherited_pairs);
        if let Some(name) = &req.role_session_name {
            ctx.insert("sts:RoleSessionName", name.as_str());
        }
        if let Some(x) = &req.external_id {
            ctx.insert("sts:ExternalId", x.as_str());
        }
        if let Some(si) = &req.source_identity {
            ctx.insert("sts:SourceIdentity", si.as_str());
        }
        ctx.request_tags(
            req.tags.iter().map(|t| (t.key.as_str(), t.value.as_str())),
            &req.transitive_tag_keys,
        );
        if matches!(&caller.kind, CallerKind::Service { name } if name == ROLES_ANYWHERE) {
            // Roles Anywhere presents the certificate's fields as the principal's tags too
            // (`aws:PrincipalTag/x509Subject/CN`, IAM-RULES §7.3).
            for t in &req.tags {
                ctx.insert(format!("aws:PrincipalTag/{}", t.key), t.value.as_str());
            }
        }
        supplied_keys(&mut ctx, &req.context);
        let ctx = ctx.finish();

        // 7. sts:AssumeRole, sts:TagSession, sts:SetSourceIdentity.
        let side = self.caller_side(&caller);
        let mut actions = vec!["sts:AssumeRole"];
        let tags_involved =
            !req.tags.is_empty() || !req.transitive_tag_keys.is_empty() || !inherited.is_empty();
        if tags_involved {
            actions.push("sts:TagSession");
            if req.tags.is_empty() && !inherited.is_empty() {
                // IAM-RULES §3.3, §9.5
                checks.notes.push(format!("the caller's session carries transitive tags, so the role's trust policy must also allow sts:TagSession (observed behaviour; {})", docs::UG_SESSION_TAGS));
            }
        }
        let inherited_si = caller
            .session
            .as_ref()
            .and_then(|s| s.source_identity.clone());
        if req.source_identity.is_some() || inherited_si.is_some() {
            actions.push("sts:SetSourceIdentity");
            if req.source_identity.is_none() {
                // IAM-RULES §3.3
                checks.notes.push(format!("the caller's session carries a source identity, so the role's trust policy must also allow sts:SetSourceIdentity (observed behaviour; {})", docs::UG_SOURCE_IDENTITY));
            }
        }
        let mut input = self.input_on_role(principal, role_idx, ctx, side);
        let base = DiagnosisBase {
            caller: Some(&caller),
            role_idx,
            request: Some(req),
            trust_conditions: None,
        };
        outcome.decisions = self.decide_actions(&mut input, &actions, &base, &mut checks);
        outcome.context = input.context;

        // 8. Tags and source identity in a chain; packed size.
        for t in &req.tags {
            if inherited.iter().any(|i| i.key.eq_ignore_ascii_case(&t.key)) {
                let keep: Vec<&TagDoc> = req
                    .tags
                    .iter()
                    .filter(|x| !inherited.iter().any(|i| i.key.eq_ignore_ascii_case(&x.key)))
                    .collect();
                checks.push(
                    "transitive-tags",
                    Category::InvalidParameter,
                    StsError::new(
                        ErrorCode::ValidationError,
                        format!("Tag key '{}' is already set as a transitive session tag by the calling session and cannot be overridden.", t.key),
                    ),
                    format!("tag `{}` was passed, but the caller's session already carries it as a transitive tag, which a chained session cannot override (AWS does not document the error code; rolescope reports ValidationError)", t.key),
                    // IAM-RULES §3.5
                    docs::UG_SESSION_TAGS,
                    Some(set_param(
                        "tags",
                        serde_json::to_value(keep).unwrap_or(Value::Null),
                        format!("do not pass tag `{}`: it is inherited from the caller's session", t.key),
                    )),
                );
            }
        }
        if let (Some(old), Some(new)) = (&inherited_si, &req.source_identity)
            && old != new
        {
            checks.push(
                    "source-identity",
                    Category::InvalidParameter,
                    StsError::new(
                        ErrorCode::ValidationError,
                        format!("The source identity of the calling session is '{old}' and cannot be changed to '{new}'."),
                    ),
                    format!("the caller's session already has source identity `{old}`, which persists down the chain and cannot be changed (AWS does not document the error code; rolescope reports ValidationError)"),
                    // IAM-RULES §3.5
                    docs::UG_SESSION_TAGS,
                    Some(set_param(
                        "source_identity",
                        Value::String(old.clone()),
                        format!("pass source identity `{old}` (or none): it is inherited"),
                    )),
                );
        }
        let packed = (policy.text.is_some() || !req.policy_arns.is_empty() || !req.tags.is_empty())
            .then(|| packed_size_estimate(policy.text.as_deref(), &req.policy_arns, &req.tags));
        packed_check(
            &mut checks,
            packed,
            policy.text.is_some() || !req.policy_arns.is_empty(),
            &req.tags,
        );

        // 9. The session.
        let session = if checks.findings.is_empty() {
            let session_name = req.role_session_name.clone().unwrap_or_default();
            let mut notes = Vec::new();
            if mfa_used || caller.session.as_ref().is_some_and(|s| s.mfa_authenticated) {
                // IAM-RULES §3.4, §9.2
                notes.push(format!("MFA was used to get this session, but AssumeRole credentials carry no MFA information into later requests, as {} documents: aws:MultiFactorAuthPresent is false for this session's own requests", docs::UG_MFA_API));
            }
            Some(build_session(
                role,
                &session_name,
                now,
                duration,
                SessionBits {
                    inherited: &inherited,
                    passed: &req.tags,
                    transitive: merge_transitive_keys(
                        &caller
                            .session
                            .as_ref()
                            .map(|s| s.transitive_tag_keys.clone())
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|k| inherited.iter().any(|t| t.key.eq_ignore_ascii_case(k)))
                            .collect::<Vec<_>>(),
                        &req.transitive_tag_keys,
                    ),
                    source_identity: req.source_identity.clone().or(inherited_si.clone()),
                    session_policy: policy.value.clone(),
                    session_policy_arns: req.policy_arns.clone(),
                    mfa: false,
                    chained: caller.chaining,
                    origin: SessionOrigin::AssumeRole,
                    packed,
                    federated_provider: None,
                    notes,
                },
            ))
        } else {
            None
        };
        outcome.session = session;
        Ok(finish(outcome, checks, combined.as_deref()))
    }
}

/// Makes parameter fixes fit the role: a duration no longer than the role (or the chain)
/// allows, and the session-policy fix aimed at the field the request used.
pub(crate) fn tailor_parameter_fixes(
    checks: &mut Checks,
    allowed_max: i64,
    policy_as_object: bool,
) {
    for f in &mut checks.findings {
        let Some(Fix::SetParameter {
            parameter,
            value,
            summary,
        }) = &mut f.fix
        else {
            continue;
        };
        if parameter == "duration_seconds" {
            if value.as_i64().is_some_and(|n| n > allowed_max) {
                *value = json!(allowed_max);
                *summary = format!(
                    "ask for at most {allowed_max} seconds (what this role allows{})",
                    if allowed_max == params::CHAIN_CAP_SECONDS {
                        " when chained"
                    } else {
                        ""
                    }
                );
            }
        } else if parameter == "policy_raw" && policy_as_object {
            "policy".clone_into(parameter);
        }
    }
}

/// Parameter findings first, then the rest in the order they were found.
fn reorder_parameters_first(findings: &mut [Finding]) {
    findings.sort_by_key(|f| {
        u8::from(f.check != "parameters" && f.check != "caller" && f.check != "caller-session")
    });
}

/// Records `PackedPolicyTooLarge` when the estimate passes 100 %.
pub(crate) fn packed_check(
    checks: &mut Checks,
    packed: Option<u32>,
    has_policy: bool,
    tags: &[TagDoc],
) {
    let Some(pct) = packed else { return };
    if pct <= 100 {
        return;
    }
    let what = match (has_policy, tags.is_empty()) {
        (true, false) => "session policy and session tags",
        (true, true) => "session policy",
        _ => "session tags",
    };
    let mut keep = tags.to_vec();
    while !keep.is_empty() && packed_size_estimate(None, &[], &keep) > 100 {
        keep.pop();
    }
    checks.push(
        "packed-size",
        Category::InvalidParameter,
        StsError::new(
            ErrorCode::PackedPolicyTooLarge,
            format!("Packed size of {what} consumes {pct}% of allotted space."),
        ),
        format!("the {what} would use about {pct}% of STS's packed allowance (rolescope's estimate; AWS does not document the packing)"),
        // IAM-RULES §1.1 (packed size)
        docs::STS_ASSUME_ROLE,
        Some(set_param(
            "tags",
            serde_json::to_value(keep).unwrap_or(Value::Null),
            "pass fewer or shorter session tags (and a shorter session policy)",
        )),
    );
}

/// What goes into a session besides the role and the clock.
pub(crate) struct SessionBits<'a> {
    pub inherited: &'a [TagDoc],
    pub passed: &'a [TagDoc],
    pub transitive: Vec<String>,
    pub source_identity: Option<String>,
    pub session_policy: Option<Value>,
    pub session_policy_arns: Vec<String>,
    pub mfa: bool,
    pub chained: bool,
    pub origin: SessionOrigin,
    pub packed: Option<u32>,
    pub federated_provider: Option<String>,
    pub notes: Vec<String>,
}

/// Builds the session STS would issue.
pub(crate) fn build_session(
    role: &Role,
    session_name: &str,
    now: DateTime<Utc>,
    duration: i64,
    bits: SessionBits<'_>,
) -> Session {
    let partition = role.arn.split(':').nth(1).unwrap_or("aws").to_owned();
    let arn = assumed_role_arn(&partition, &role.account, &role.name, session_name);
    let id = assumed_role_id(&role.role_id, session_name);
    let expiration = expiry(now, duration);
    let principal_tags = merge_principal_tags(&role.tags, bits.inherited, bits.passed);
    let session_tags = merge_principal_tags(&[], bits.inherited, bits.passed);
    Session {
        role_arn: role.arn.clone(),
        role_id: role.role_id.clone(),
        role_name: role.name.clone(),
        account: role.account.clone(),
        partition,
        session_name: session_name.to_owned(),
        credentials: SimulatedCredentials::for_session(&id, now, expiration),
        assumed_role_arn: arn,
        assumed_role_id: id,
        issued_at: now,
        expiration,
        duration_seconds: duration,
        packed_policy_size: bits.packed,
        principal_tags,
        session_tags,
        transitive_tag_keys: bits.transitive,
        source_identity: bits.source_identity,
        session_policy: bits.session_policy,
        session_policy_arns: bits.session_policy_arns,
        mfa_authenticated: bits.mfa,
        mfa_auth_time: None,
        chained: bits.chained,
        origin: bits.origin,
        federated_provider: bits.federated_provider,
        notes: bits.notes,
    }
}

/// Closes an outcome: findings, the error STS answers, notes.
pub(crate) fn finish(mut outcome: Outcome, checks: Checks, combined: Option<&str>) -> Outcome {
    outcome.error = checks.first_error(combined);
    outcome.findings = checks.findings;
    outcome.notes = checks.notes;
    if outcome.error.is_some() {
        outcome.session = None;
        return outcome;
    }
    // No check fails: the answer is unknown if a check could not be made or a policy
    // decision turns on missing data.
    let mut missing = checks.missing;
    for d in outcome.decisions.iter().filter(|d| d.is_unknown()) {
        for m in &d.missing {
            if !missing.contains(m) {
                missing.push(Arc::clone(m));
            }
        }
        outcome.notes.push(d.message.clone());
    }
    if !missing.is_empty() {
        outcome.session = None;
        outcome.missing = missing;
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sts::diagnose::apply_fix;
    use crate::engine::sts::request::{DenialType, Request};
    use crate::engine::sts::testkit::{A, B, Kit};
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn req(v: Value) -> AssumeRoleRequest {
        let mut v = v;
        v["kind"] = json!("assume-role");
        match Request::from_value(v).unwrap() {
            Request::AssumeRole(r) => r,
            _ => unreachable!(),
        }
    }

    fn run(inv: &Inventory, r: &AssumeRoleRequest) -> Outcome {
        Simulator::new(inv).assume_role(r, now()).unwrap()
    }

    fn trust(principal: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})
    }

    fn allow_assume(resource: &str) -> Value {
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource}]})
    }

    fn bob() -> String {
        format!("arn:aws:iam::{A}:user/bob")
    }

    fn target(account: &str, name: &str) -> String {
        format!("arn:aws:iam::{account}:role/{name}")
    }

    /// Applies every fix of `o` and simulates again; the result must succeed.
    fn fixes_make_it_pass(inv: &Inventory, r: &AssumeRoleRequest, o: &Outcome) -> Outcome {
        assert!(!o.is_allowed(), "expected a failure");
        assert!(!o.findings.is_empty());
        let mut inv = inv.clone();
        let mut request = Request::AssumeRole(r.clone());
        for f in o.fixes() {
            apply_fix(&mut inv, &mut request, f).unwrap();
        }
        let Request::AssumeRole(r2) = request else {
            unreachable!()
        };
        let o2 = run(&inv, &r2);
        assert!(
            o2.is_allowed(),
            "still failing after the fixes: {:#?}",
            o2.findings
        );
        o2
    }

    fn categories(o: &Outcome) -> Vec<Category> {
        o.findings.iter().map(|f| f.category).collect()
    }

    #[test]
    fn same_account_trust_naming_the_user_needs_no_identity_policy() {
        // IAM-RULES §3.2 step 3: a direct grant to a same-account IAM user is enough.
        let inv = Kit::new()
            .user(A, "bob", None)
            .role(A, "team/Deploy", trust(json!({"AWS": bob()})), None)
            .build();
        let o = run(
            &inv,
            &req(
                json!({"caller": bob(), "role": target(A, "team/Deploy"), "role_session_name": "s1"}),
            ),
        );
        assert!(o.is_allowed(), "{:#?}", o.findings);
        let s = o.session.unwrap();
        assert_eq!(
            s.assumed_role_arn,
            format!("arn:aws:sts::{A}:assumed-role/Deploy/s1")
        );
        assert_eq!(s.assumed_role_id, "AROATEAMDEPLOY:s1");
        assert_eq!(s.expiration, expiry(now(), 3600));
        assert!(!s.chained);
        assert!(s.credentials.access_key_id.starts_with("ASIASIMULATED"));
        assert_eq!(s.packed_policy_size, None);
    }

    #[test]
    fn account_grant_delegates_to_the_callers_identity_policy() {
        // IAM-RULES §3.2 step 3, account grant.
        let inv = Kit::new()
            .user(A, "bob", None)
            .role(
                A,
                "Deploy",
                trust(json!({"AWS": format!("arn:aws:iam::{A}:root")})),
                None,
            )
            .build();
        let r =
            req(json!({"caller": bob(), "role": target(A, "Deploy"), "role_session_name": "s1"}));
        let o = run(&inv, &r);
        assert_eq!(categories(&o), vec![Category::CallerLacksPermission]);
        let e = o.error.clone().unwrap();
        assert_eq!(e.code, ErrorCode::AccessDenied);
        assert_eq!(
            e.message,
            format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {}",
                bob(),
                target(A, "Deploy")
            )
        );
        fixes_make_it_pass(&inv, &r, &o);
    }

    #[test]
    fn cross_account_needs_both_halves() {
        // IAM-RULES §3.2 step 4: a direct grant does not remove the need for the caller's
        // identity policy across accounts.
        let inv = Kit::new()
            .user(A, "bob", None)
            .role(B, "Audit", trust(json!({"AWS": bob()})), None)
            .build();
        let r =
            req(json!({"caller": bob(), "role": target(B, "Audit"), "role_session_name": "s1"}));
        let o = run(&inv, &r);
        assert_eq!(categories(&o), vec![Category::CrossAccountHalfMissing]);
        assert_eq!(o.findings[0].check, "caller-identity");
        fixes_make_it_pass(&inv, &r, &o);

        let inv = Kit::new()
            .user(A, "bob", Some(allow_assume(&target(B, "Audit"))))
            .role(
                B,
                "Audit",
                trust(json!({"AWS": format!("arn:aws:iam::{A}:user/alice")})),
                None,
            )
            .build();
        let o = run(&inv, &r);
        assert_eq!(categories(&o), vec![Category::WrongTrustPolicy]);
        assert!(o.findings[0].explanation.contains("both halves"));
        fixes_make_it_pass(&inv, &r, &o);
    }

    #[test]
    fn trust_requiring_mfa_is_diagnosed_as_mfa_missing() {
        // IAM-RULES §3.4 MFA details.
        let t = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": bob()}, "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]});
        let inv = Kit::new()
            .user(A, "bob", None)
            .role(A, "Admin", t, None)
            .build();
        let r = req(json!({"caller": bob(), "role": "Admin", "role_session_name": "s1"}));
        let o = run(&inv, &r);
        assert_eq!(categories(&o), vec![Category::MfaMissing]);
        let o2 = fixes_make_it_pass(&inv, &r, &o);
        // Documented side of IAM-RULES §9.2: the session carries no MFA.
        assert!(!o2.session.unwrap().mfa_authenticated);
    }

    #[test]
    fn missing_or_wrong_external_id_is_named_with_the_expected_value() {
        let t = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": A}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "Xyz-42"}}}]});
        let inv = Kit::new()
            .user(A, "bob", Some(allow_assume("*")))
            .role(B, "Vendor", t, None)
            .build();
        for ext in [None, Some("wrong")] {
            let mut r = req(
                json!({"caller": bob(), "role": target(B, "Vendor"), "role_session_name": "s1"}),
            );
            r.external_id = ext.map(str::to_owned);
            let o = run(&inv, &r);
            assert_eq!(
                categories(&o),
                vec![Category::ExternalIdMissingOrWrong],
                "{ext:?}"
            );
            let Some(Fix::SetParameter { value, .. }) = &o.findings[0].fix else {
                panic!()
            };
            assert_eq!(value, "Xyz-42");
            fixes_make_it_pass(&inv, &r, &o);
        }
    }

    #[test]
    fn chaining_over_one_hour_fails_with_the_chaining_message() {
        // IAM-RULES §1.3 step 3.
        let inv = Kit::new()
            .role(
                A,
                "First",
                trust(json!({"AWS": A})),
                Some(allow_assume("*")),
            )
            .role(A, "Second", trust(json!({"AWS": target(A, "First")})), None)
            .max_session("Second", Some(43200))
            .build();
        let r = req(
            json!({"caller": format!("arn:aws:sts::{A}:assumed-role/First/s0"),
            "caller_session": {"created_by": "AssumeRole", "issued_at": "2026-11-24T07:50:00Z", "expires_at": "2026-11-24T08:50:00Z"},
            "role": "Second", "role_session_name": "s1", "duration_seconds": 7200}),
        );
        let o = run(&inv, &r);
        assert_eq!(categories(&o), vec![Category::DurationTooLong]);
        assert_eq!(
            o.error.clone().unwrap().message,
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
        );
        let o2 = fixes_make_it_pass(&inv, &r, &o);
        let s = o2.session.unwrap();
        assert!(s.chained);
        assert_eq!(s.duration_seconds, 3600);
    }

    #[test]
    fn duration_above_max_session_and_unknown_max_assumes_3600() {
        let inv = Kit::new()
            .user(A, "bob", None)
            .role(A, "R", trust(json!({"AWS": bob()})), None)
            .max_session("R", None)
            .build();
        let r = req(
            json!({"caller": bob(), "role": "R", "role_session_name": "s1", "duration_seconds": 7200}),
        );
        let o = run(&inv, &r);
        assert_eq!(
            o.error.clone().unwrap().message,
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        );
        assert!(
            o.notes
                .iter()
                .any(|n| n.contains("3600 seconds is assumed")),
            "{:?}",
            o.notes
        );
        fixes_make_it_pass(&inv, &r, &o);
    }

    #[test]
    fn root_and_federated_users_are_refused() {
        let inv = Kit::new()
            .role(A, "R", trust(json!({"AWS": A})), None)
            .build();
        let o = run(
            &inv,
            &req(
                json!({"caller": format!("arn:aws:iam::{A}:root"), "role": "R", "role_session_name": "s1"}),
            ),
        );
        assert_eq!(
            o.error.unwrap().message,
            "Roles may not be assumed by root accounts."
        );
        let o = run(
            &inv,
            &req(
                json!({"caller": format!("arn:aws:sts::{A}:federated-user/ann"), "role": "R", "role_session_name": "s1"}),
            ),
        );
        assert_eq!(o.error.clone().unwrap().code, ErrorCode::AccessDenied);
        assert_eq!(categories(&o), vec![Category::CallerCannotAssumeRoles]);
    }

    #[test]
    fn an_expired_caller_session_gets_expired_token_and_every_other_failure_is_listed_too() {
        let inv = Kit::new()
            .role(
                A,
                "First",
                trust(json!({"AWS": A})),
                Some(allow_assume("*")),
            )
            .role(A, "Second", trust(json!({"AWS": target(A, "Other")})), None)
            .build();
        let r = req(
            json!({"caller": format!("arn:aws:sts::{A}:assumed-role/First/s0"),
            "caller_session": {"created_by": "AssumeRole", "issued_at": "2026-11-24T06:00:00Z", "expires_at": "2026-11-24T07:00:00Z"},
            "role": "Second", "role_session_name": "s1"}),
        );
        let o = run(&inv, &r);
        let e = o.error.clone().unwrap();
        assert_eq!(e.code, ErrorCode::ExpiredToken);
        assert_eq!(
            categories(&o),
            vec![Category::CallerSessionExpired, Category::WrongTrustPolicy]
        );
        fixes_make_it_pass(&inv, &r, &o);
    }

    #[test]
    fn explicit_deny_in_the_callers_policy_is_removed_by_its_fix() {
        let deny = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
            {"Sid": "NoDeploy", "Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}]});
        let inv = Kit::new()
            .user(A, "bob", Some(deny))
            .role(A, "R", trust(json!({"AWS": bob()})), None)
            .build();
        let r = req(json!({"caller": bob(), "role": "R", "role_session_name": "s1"}));
        let o = run(&inv, &r);
        assert_eq!(categories(&o), vec![Category::CallerLacksPermission]);
        assert_eq!(o.error.clone().unwrap().denial, Some(DenialType::Explicit));
        assert!(matches!(
            o.findings[0].fix,
            Some(Fix::RemoveStatement {
                statement_index: 1,
                ..
            })
        ));
        fixes_make_it_pass(&inv, &r, &o);
    }

    #[test]
    fn boundary_scp_and_rcp_blocking_each_have_a_fix() {
        let boundary = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]});
        let inv = Kit::new()
            .user(A, "bob", Some(allow_assume("*")))
            .managed(A, "Boundary", boundary)
            .user_boundary("bob", &format!("arn:aws:iam::{A}:policy/Boundary"))
            .role(B, "R", trust(json!({"AWS": bob()})), None)
            .scp(A, vec![("r-root", vec![json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})]),
                          ("ou-a", vec![json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})])])
            .rcp(B, vec![("r-root", vec![json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]})])])
            .build();
        let r = req(json!({"caller": bob(), "role": target(B, "R"), "role_session_name": "s1"}));
        let o = run(&inv, &r);
        let mut cats = categories(&o);
        cats.sort_by_key(|c| format!("{c:?}"));
        assert_eq!(
            cats,
            vec![
                Category::BoundaryBlocking,
                Category::RcpBlocking,
                Category::ScpBlocking
            ]
        );
        fixes_make_it_pass(&inv, &r, &o);
    }

    #[test]
    fn caller_session_policy_blocking_is_fixed_by_a_wider_session_policy() {
        let inv = Kit::new()
            .role(
                A,
                "First",
                trust(json!({"AWS": A})),
                Some(allow_assume("*")),
            )
            .role(B, "Second", trust(json!({"AWS": target(A, "First")})), None)
            .build();
        let r = req(
            json!({"caller": format!("arn:aws:sts::{A}:assumed-role/First/s0"),
            "caller_session": {"created_by": "AssumeRole", "issued_at": "2026-11-24T07:50:00Z", "expires_at": "2026-11-24T08:50:00Z",
                "session_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}},
            "role": target(B, "Second"), "role_session_name": "s1"}),
        );
        let o = run(&inv, &r);
        assert_eq!(categories(&o), vec![Category::SessionPolicyBlocking]);
        fixes_make_it_pass(&inv, &r, &o);
    }

    #[test]
    fn passing_tags_needs_tag_session_and_source_identity_needs_set_source_identity() {
        // IAM-RULES §3.3.
        let inv = Kit::new()
            .user(A, "bob", None)
            .role(A, "R", trust(json!({"AWS": bob()})), None)
            .role_tag("R", "team", "role")
            .build();
        let r = req(
            json!({"caller": bob(), "role": "R", "role_session_name": "s1",
            "tags": [{"Key": "Team", "Value": "blue"}], "transitive_tag_keys": ["Team"], "source_identity": "bob"}),
        );
        let o = run(&inv, &r);
        let actions: Vec<String> = o.findings.iter().map(|f| f.error.message.clone()).collect();
        assert_eq!(o.findings.len(), 2, "{actions:?}");
        assert!(actions[0].contains("sts:TagSession"));
        assert!(actions[1].contains("sts:SetSourceIdentity"));
        let o2 = fixes_make_it_pass(&inv, &r, &o);
        let s = o2.session.unwrap();
        assert_eq!(s.principal_tags.len(), 1);
        assert_eq!(
            (
                s.principal_tags[0].key.as_str(),
                s.principal_tags[0].value.as_str()
            ),
            ("Team", "blue")
        );
        assert_eq!(s.transitive_tag_keys, ["Team"]);
        assert_eq!(s.source_identity.as_deref(), Some("bob"));
        assert!(s.packed_policy_size.is_some());
    }

    #[test]
    fn inherited_transitive_tags_and_source_identity_flow_down_and_cannot_change() {
        // IAM-RULES §3.5.
        let t = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": target(A, "First")},
            "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]}]});
        let inv = Kit::new()
            .role(
                A,
                "First",
                trust(json!({"AWS": A})),
                Some(allow_assume("*")),
            )
            .role(A, "Second", t, None)
            .build();
        let base = json!({"caller": format!("arn:aws:sts::{A}:assumed-role/First/s0"),
            "caller_session": {"created_by": "AssumeRole", "issued_at": "2026-11-24T07:50:00Z", "expires_at": "2026-11-24T08:50:00Z",
                "session_tags": [{"Key": "project", "Value": "p1"}, {"Key": "temp", "Value": "x"}], "transitive_tag_keys": ["project"],
                "source_identity": "alice"},
            "role": "Second", "role_session_name": "s1"});
        let o = run(&inv, &req(base.clone()));
        assert!(o.is_allowed(), "{:#?}", o.findings);
        let s = o.session.unwrap();
        assert_eq!(
            s.principal_tags
                .iter()
                .map(|t| t.key.as_str())
                .collect::<Vec<_>>(),
            ["project"]
        );
        assert_eq!(s.source_identity.as_deref(), Some("alice"));
        assert_eq!(s.transitive_tag_keys, ["project"]);

        let mut conflicting = base.clone();
        conflicting["tags"] = json!([{"Key": "Project", "Value": "p2"}]);
        conflicting["source_identity"] = json!("mallory");
        let r = req(conflicting);
        let o = run(&inv, &r);
        assert_eq!(o.findings.len(), 2, "{:#?}", o.findings);
        fixes_make_it_pass(&inv, &r, &o);
    }

    #[test]
    fn region_deactivated_in_the_roles_account() {
        let inv = Kit::new()
            .user(A, "bob", None)
            .role(A, "R", trust(json!({"AWS": bob()})), None)
            .region_off(A, "eu-south-1")
            .build();
        let r = req(
            json!({"caller": bob(), "role": "R", "role_session_name": "s1", "region": "eu-south-1"}),
        );
        let o = run(&inv, &r);
        let e = o.error.clone().unwrap();
        assert_eq!(e.code, ErrorCode::RegionDisabledException);
        assert!(e.message.starts_with(&format!(
            "STS is not activated in this region for account:{A}."
        )));
        fixes_make_it_pass(&inv, &r, &o);
    }

    #[test]
    fn validation_errors_come_first_and_name_every_bad_parameter() {
        let inv = Kit::new()
            .user(A, "bob", None)
            .role(A, "R", trust(json!({"AWS": bob()})), None)
            .build();
        let r = req(
            json!({"caller": bob(), "role": "R", "role_session_name": "dependabot[bot]", "duration_seconds": 60}),
        );
        let o = run(&inv, &r);
        let e = o.error.clone().unwrap();
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert!(
            e.message.starts_with(
                "2 validation errors detected: Value 'dependabot[bot]' at 'roleSessionName'"
            ),
            "{}",
            e.message
        );
        fixes_make_it_pass(&inv, &r, &o);
    }

    #[test]
    fn role_lookup_is_case_sensitive() {
        let inv = Kit::new()
            .user(A, "bob", None)
            .role(A, "Deploy", trust(json!({"AWS": bob()})), None)
            .build();
        let r =
            req(json!({"caller": bob(), "role": target(A, "deploy"), "role_session_name": "s1"}));
        let o = run(&inv, &r);
        assert_eq!(categories(&o), vec![Category::RoleNotFound]);
        assert_eq!(o.error.clone().unwrap().code, ErrorCode::AccessDenied);
        fixes_make_it_pass(&inv, &r, &o);
    }

    #[test]
    fn service_principal_with_confused_deputy_conditions() {
        // IAM-RULES §7.1.
        let t = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": A}}}]});
        let inv = Kit::new().role(A, "Task", t, None).build();
        let ok = req(
            json!({"caller": "ecs-tasks.amazonaws.com", "role": "Task", "role_session_name": "task1",
            "context": {"aws:SourceAccount": A}}),
        );
        assert!(run(&inv, &ok).is_allowed());
        let bad = req(
            json!({"caller": "ecs-tasks.amazonaws.com", "role": "Task", "role_session_name": "task1",
            "context": {"aws:SourceAccount": B}}),
        );
        let o = run(&inv, &bad);
        assert_eq!(categories(&o), vec![Category::WrongTrustPolicy]);
    }

    #[test]
    fn principal_tag_conditions_read_the_callers_tags() {
        // IAM-RULES §6: aws:PrincipalTag/* are the user's tags.
        let t = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": A},
            "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "platform"}}}]});
        let inv = Kit::new()
            .user(A, "bob", Some(allow_assume("*")))
            .user_tag("bob", "Team", "analytics")
            .user(A, "alice", Some(allow_assume("*")))
            .user_tag("alice", "team", "platform")
            .role(A, "Platform", t, None)
            .build();
        let alice = format!("arn:aws:iam::{A}:user/alice");
        assert!(
            run(
                &inv,
                &req(json!({"caller": alice, "role": "Platform", "role_session_name": "s1"}))
            )
            .is_allowed()
        );
        let o = run(
            &inv,
            &req(json!({"caller": bob(), "role": "Platform", "role_session_name": "s1"})),
        );
        assert_eq!(categories(&o), vec![Category::WrongTrustPolicy]);
    }
}
