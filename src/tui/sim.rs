//! What the terminal face asks of the assume-role simulator, in its own terms: a request
//! built from the Simulate form, the session issued or the failed checks with their fixes,
//! and "what can this session do" questions.
//!
//! [`Simulator`] is the seam: the app plugs the engine's STS simulator in through
//! [`EngineSimulator`]; tests may plug in their own. Nothing here draws.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::engine::model::Inventory;

/// Who makes the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// An IAM user with long-term keys.
    User { arn: String },
    /// A role's credentials obtained outside the simulation (e.g. an EC2 instance profile).
    Role { arn: String },
    /// A session simulated earlier (role chaining).
    Session { id: u32 },
    /// An AWS service principal such as `ec2.amazonaws.com`.
    Service { name: String },
    /// A federated identity through an OIDC or SAML provider.
    Federated { provider_arn: String, saml: bool },
}

/// Everything the form collects for one assume-role call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssumeInput {
    pub role_arn: String,
    pub duration_seconds: Option<u32>,
    pub external_id: Option<String>,
    pub mfa: bool,
    pub mfa_age_seconds: Option<u64>,
    pub session_name: String,
    pub tags: Vec<(String, String)>,
    pub transitive_keys: Vec<String>,
    pub source_identity: Option<String>,
    pub session_policy: Option<String>,
    /// Web-identity token claims or SAML attributes, for federated callers.
    pub claims: Vec<(String, String)>,
}

/// A session the simulator issued.
#[derive(Debug, Clone)]
pub struct Issued {
    pub session_arn: String,
    pub assumed_role_id: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// True when the caller was itself a role session (the one-hour cap applies).
    pub chained: bool,
    pub mfa: bool,
    pub source_identity: Option<String>,
    pub tags: Vec<(String, String)>,
    pub transitive_keys: Vec<String>,
    /// Request-context facts worth showing when the session is inspected.
    pub context: Vec<(String, String)>,
    /// Notes such as "max session duration unknown: AWS's default of 3600 s used".
    pub notes: Vec<String>,
    /// The engine's own session value, handed back when chaining or asking.
    pub engine: Option<Arc<dyn std::any::Any + Send + Sync>>,
}

/// One failing check of a refused call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedCheck {
    pub category: String,
    pub what: String,
    pub fix: String,
}

/// A refused call: STS's error and every failing check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: String,
    pub message: String,
    pub checks: Vec<FailedCheck>,
}

/// The answer to "may this session do ACTION on RESOURCE?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub decision: String,
    pub allowed: bool,
    pub sentence: String,
    pub matched: Vec<String>,
}

/// A caller as the simulator sees it: the form's choice, with the session it refers to.
pub struct CallerView<'a> {
    pub caller: &'a Caller,
    pub session: Option<&'a Issued>,
    pub session_role_arn: Option<&'a str>,
}

/// The simulator seam.
pub trait Simulator: Send + Sync {
    /// Simulates one assume-role call at `now`.
    ///
    /// # Errors
    /// The refusal, with every failing check, when STS would refuse the call.
    fn assume(
        &self,
        inventory: &Inventory,
        caller: &CallerView<'_>,
        input: &AssumeInput,
        now: DateTime<Utc>,
    ) -> Result<Issued, Refusal>;

    /// Evaluates whether `session` (of role `role_arn`) may perform `action` on `resource`.
    fn ask(
        &self,
        inventory: &Inventory,
        role_arn: &str,
        session: &Issued,
        action: &str,
        resource: &str,
        now: DateTime<Utc>,
    ) -> Answer;
}

/// The engine's simulator, as the app uses it.
#[derive(Debug, Default, Clone, Copy)]
pub struct EngineSimulator;

impl Simulator for EngineSimulator {
    fn assume(
        &self,
        _inventory: &Inventory,
        _caller: &CallerView<'_>,
        _input: &AssumeInput,
        _now: DateTime<Utc>,
    ) -> Result<Issued, Refusal> {
        Err(Refusal {
            code: "Unavailable".into(),
            message: "this build of rolescope has no assume-role simulator; use a build that includes `engine::sts`".into(),
            checks: Vec::new(),
        })
    }

    fn ask(
        &self,
        _inventory: &Inventory,
        _role_arn: &str,
        _session: &Issued,
        _action: &str,
        _resource: &str,
        _now: DateTime<Utc>,
    ) -> Answer {
        Answer {
            decision: "unavailable".into(),
            allowed: false,
            sentence: "this build of rolescope has no policy evaluator".into(),
            matched: Vec::new(),
        }
    }
}
