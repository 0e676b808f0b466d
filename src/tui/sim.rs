//! What the terminal face asks of the assume-role simulator, in its own terms: a request
//! built from the Simulate form, the session issued or the failed checks with their fixes,
//! and "what can this session do" questions.
//!
//! [`Simulator`] is the seam: the app plugs the engine's STS simulator in through
//! [`EngineSimulator`], which keeps the engine's compiled policies on a thread of its own
//! so they are built once; tests may plug in their own. Nothing here draws.

use std::sync::mpsc::{Sender, channel, sync_channel};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::engine::model::Inventory;
use crate::engine::sts;
use crate::engine::sts::request::{
    AssumeRoleRequest, AuthorizeRequest, CallerCredentials, ContextValueDoc, MfaDoc, PrincipalDoc,
    Request, SamlAssertionDoc, SamlRequest, TagDoc, WebIdentityRequest,
};

/// The non-Regional AWS sign-in endpoint: the `Recipient` a SAML assertion carries unless the
/// form names another (`https://<region>.signin.aws.amazon.com/saml`), and so `SAML:aud`.
pub const SIGN_IN_RECIPIENT: &str = "https://signin.aws.amazon.com/saml";

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
    /// The Region the call is made in (`aws:RequestedRegion`, STS endpoint).
    pub region: String,
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
    /// The session tags: passed in the call or inherited as transitive tags.
    pub tags: Vec<(String, String)>,
    /// The session's principal tags (`aws:PrincipalTag/…`): the role's own tags with the
    /// session tags over them.
    pub principal_tags: Vec<(String, String)>,
    pub transitive_keys: Vec<String>,
    /// The request context of the `AssumeRole` call that issued the session (not the
    /// context of the session's own requests).
    pub context: Vec<(String, String)>,
    /// Notes such as "max session duration unknown: AWS's default of 3600 s used".
    pub notes: Vec<String>,
    /// The Region the session was obtained in; later questions are asked there too.
    pub region: Option<String>,
    /// The engine's own session, handed back when chaining or asking.
    pub engine: Option<Arc<sts::Session>>,
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
    /// The engine's decision; `None` when the question could not be put.
    pub decision: Option<crate::engine::policy::decision::Outcome>,
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

    /// Answers from `inventory` from now on (after a what-if edit). A simulator that reads
    /// the inventory passed with each call needs nothing here.
    fn reload(&self, inventory: Arc<Inventory>) {
        let _ = inventory;
    }
}

type Job = Box<dyn FnOnce(&sts::Simulator<'_>) + Send>;

/// The engine's STS simulator. Its policies are compiled once, on a thread that owns a
/// share of the inventory; calls are answered synchronously (they take microseconds).
pub struct EngineSimulator {
    jobs: Mutex<Option<Sender<Job>>>,
}

impl std::fmt::Debug for EngineSimulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EngineSimulator")
    }
}

impl EngineSimulator {
    /// Starts the simulator over `inventory` (compiling its policies on first use).
    ///
    /// # Errors
    /// When the thread cannot be spawned.
    pub fn spawn(inventory: Arc<Inventory>) -> std::io::Result<Self> {
        Ok(Self {
            jobs: Mutex::new(Some(Self::start(inventory)?)),
        })
    }

    fn start(inventory: Arc<Inventory>) -> std::io::Result<Sender<Job>> {
        let (tx, rx) = channel::<Job>();
        std::thread::Builder::new()
            .name("rolescope-simulator".into())
            .spawn(move || {
                let Ok(first) = rx.recv() else { return };
                let simulator = sts::Simulator::new(&inventory);
                first(&simulator);
                while let Ok(job) = rx.recv() {
                    job(&simulator);
                }
            })?;
        Ok(tx)
    }

    fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&sts::Simulator<'_>) -> R + Send + 'static,
    ) -> Option<R> {
        let (tx, rx) = sync_channel(1);
        let job: Job = Box::new(move |s| {
            let started = std::time::Instant::now();
            let answer = f(s);
            tracing::debug!(us = started.elapsed().as_micros(), "simulator job done");
            let _ = tx.send(answer);
        });
        self.jobs.lock().ok()?.as_ref()?.send(job).ok()?;
        rx.recv().ok()
    }
}

fn unavailable() -> Refusal {
    Refusal {
        code: "SimulatorStopped".into(),
        message: "the simulator stopped; restart rolescope to simulate again".into(),
        checks: Vec::new(),
    }
}

fn tags(pairs: &[(String, String)]) -> Vec<TagDoc> {
    pairs
        .iter()
        .map(|(k, v)| TagDoc::new(k.clone(), v.clone()))
        .collect()
}

fn policy_fields(input: &AssumeInput) -> (Option<Value>, Option<String>) {
    match input.session_policy.as_deref() {
        None => (None, None),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(v) => (Some(v), None),
            Err(_) => (None, Some(text.to_owned())),
        },
    }
}

fn mfa_doc(input: &AssumeInput, caller_arn: &str) -> Option<MfaDoc> {
    input.mfa.then(|| {
        let account = caller_arn.split(':').nth(4).unwrap_or_default();
        let name = caller_arn.rsplit('/').next().unwrap_or_default();
        MfaDoc {
            serial_number: format!("arn:aws:iam::{account}:mfa/{name}"),
            token_code: "123456".into(),
            token_valid: true,
            auth_age_seconds: input.mfa_age_seconds.and_then(|a| i64::try_from(a).ok()),
        }
    })
}

/// Builds the engine's request for `caller` and runs it.
fn run_assume(
    sim: &sts::Simulator<'_>,
    caller: &Caller,
    session: Option<&sts::Session>,
    input: &AssumeInput,
    now: DateTime<Utc>,
) -> Result<sts::Outcome, String> {
    let result = match build_request(sim.inventory, caller, session, input, now)? {
        Request::AssumeRoleWebIdentity(req) => sim.assume_role_with_web_identity(&req, now),
        Request::AssumeRoleSaml(req) => sim.assume_role_with_saml(&req, now),
        Request::AssumeRole(req) => sim.assume_role(&req, now),
        _ => return Err("the form only makes assume-role calls".into()),
    };
    result.map_err(|e| e.to_string())
}

/// The STS request the form's call stands for: `AssumeRole` for users, roles, sessions and
/// services, `AssumeRoleWithWebIdentity` / `AssumeRoleWithSAML` for federated callers (the
/// token or assertion built from the provider and the claims typed in the form).
///
/// # Errors
/// When the calling session is gone.
pub fn build_request(
    inventory: &Inventory,
    caller: &Caller,
    session: Option<&sts::Session>,
    input: &AssumeInput,
    now: DateTime<Utc>,
) -> Result<Request, String> {
    let (policy, policy_raw) = policy_fields(input);
    let duration_seconds = input.duration_seconds.map(i64::from);
    let result = match caller {
        Caller::Federated {
            provider_arn,
            saml: false,
        } => {
            let provider = inventory
                .identity_providers
                .iter()
                .find(|p| &p.arn == provider_arn);
            let mut claims = Map::new();
            let issuer = provider.and_then(|p| p.url.clone()).unwrap_or_default();
            claims.insert("iss".into(), Value::String(format!("https://{issuer}")));
            if let Some(aud) = provider.and_then(|p| p.client_ids.first()) {
                claims.insert("aud".into(), Value::String(aud.clone()));
            }
            claims.insert("sub".into(), Value::String("rolescope-user".into()));
            claims.insert(
                "exp".into(),
                Value::from((now + chrono::TimeDelta::hours(1)).timestamp()),
            );
            for (k, v) in &input.claims {
                claims.insert(k.clone(), Value::String(v.clone()));
            }
            let req = WebIdentityRequest {
                region: Some(input.region.clone()),
                role: input.role_arn.clone(),
                role_session_name: Some(input.session_name.clone()),
                duration_seconds,
                token_claims: claims,
                policy,
                policy_raw,
                ..WebIdentityRequest::default()
            };
            Request::AssumeRoleWebIdentity(req)
        }
        Caller::Federated {
            provider_arn,
            saml: true,
        } => {
            let mut assertion = SamlAssertionDoc {
                recipient: Some(SIGN_IN_RECIPIENT.into()),
                name_id: Some("rolescope-user".into()),
                role_session_name: Some(input.session_name.clone()),
                roles: vec![format!("{},{provider_arn}", input.role_arn)],
                not_on_or_after: Some(now + chrono::TimeDelta::minutes(5)),
                source_identity: input.source_identity.clone(),
                transitive_tag_keys: input.transitive_keys.clone(),
                ..SamlAssertionDoc::default()
            };
            for (k, v) in &input.tags {
                assertion.principal_tags.insert(k.clone(), v.clone());
            }
            for (k, v) in &input.claims {
                match k.as_str() {
                    "Issuer" => assertion.issuer = Some(v.clone()),
                    "Recipient" => assertion.recipient = Some(v.clone()),
                    "Audience" => assertion.audience = Some(v.clone()),
                    "NameID" => assertion.name_id = Some(v.clone()),
                    _ => {
                        assertion
                            .attributes
                            .insert(k.clone(), ContextValueDoc::One(v.clone()));
                    }
                }
            }
            let req = SamlRequest {
                region: Some(input.region.clone()),
                role: input.role_arn.clone(),
                principal_arn: provider_arn.clone(),
                duration_seconds,
                assertion,
                policy,
                policy_raw,
                ..SamlRequest::default()
            };
            Request::AssumeRoleSaml(req)
        }
        _ => {
            let (caller_arn, credentials, caller_session) = match caller {
                Caller::User { arn } => (arn.clone(), CallerCredentials::LongTerm, None),
                Caller::Role { arn } => (arn.clone(), CallerCredentials::Ec2InstanceProfile, None),
                Caller::Service { name } => {
                    (name.clone(), CallerCredentials::ServicePrincipal, None)
                }
                Caller::Session { .. } => {
                    let s = session.ok_or("the calling session is gone; pick another caller")?;
                    (
                        s.assumed_role_arn.clone(),
                        CallerCredentials::AssumedRoleSession,
                        Some(s.as_caller_session()),
                    )
                }
                Caller::Federated { .. } => return Err("unreachable caller".into()),
            };
            let mut context = std::collections::BTreeMap::new();
            // A service's claims are its request keys; other callers may name request keys
            // such as `aws:SourceIp` in the same list.
            let service = matches!(caller, Caller::Service { .. });
            for (k, v) in &input.claims {
                if service || k.contains(':') {
                    context.insert(k.clone(), ContextValueDoc::One(v.clone()));
                }
            }
            let req = AssumeRoleRequest {
                region: Some(input.region.clone()),
                context,
                mfa: mfa_doc(input, &caller_arn),
                caller: caller_arn,
                caller_credentials: Some(credentials),
                caller_session,
                role: input.role_arn.clone(),
                role_session_name: Some(input.session_name.clone()),
                duration_seconds,
                external_id: input.external_id.clone(),
                source_identity: input.source_identity.clone(),
                tags: tags(&input.tags),
                transitive_tag_keys: input.transitive_keys.clone(),
                policy,
                policy_raw,
                ..AssumeRoleRequest::default()
            };
            Request::AssumeRole(req)
        }
    };
    Ok(result)
}

fn issued(s: sts::Session, context: Vec<(String, String)>, region: String) -> Issued {
    issued_from(s, context, Some(region))
}

/// The explorer's record of a session the engine issued.
pub(crate) fn issued_from(
    s: sts::Session,
    context: Vec<(String, String)>,
    region: Option<String>,
) -> Issued {
    Issued {
        region,
        session_arn: s.assumed_role_arn.clone(),
        assumed_role_id: s.assumed_role_id.clone(),
        issued_at: s.issued_at,
        expires_at: s.expiration,
        chained: s.chained,
        mfa: s.mfa_authenticated,
        source_identity: s.source_identity.clone(),
        tags: s
            .session_tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect(),
        principal_tags: s
            .principal_tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect(),
        transitive_keys: s.transitive_tag_keys.clone(),
        context,
        notes: s.notes.clone(),
        engine: Some(Arc::new(s)),
    }
}

impl Simulator for EngineSimulator {
    fn reload(&self, inventory: Arc<Inventory>) {
        // A new thread compiles the edited data; the old one ends when its sender drops.
        let next = Self::start(inventory).ok();
        if let Ok(mut jobs) = self.jobs.lock() {
            *jobs = next;
        }
    }

    fn assume(
        &self,
        _inventory: &Inventory,
        caller: &CallerView<'_>,
        input: &AssumeInput,
        now: DateTime<Utc>,
    ) -> Result<Issued, Refusal> {
        let who = caller.caller.clone();
        let session = caller.session.and_then(|s| s.engine.clone());
        let region = input.region.clone();
        let input = input.clone();
        let outcome = self
            .call(move |sim| run_assume(sim, &who, session.as_deref(), &input, now))
            .ok_or_else(unavailable)?;
        let outcome = outcome.map_err(|message| Refusal {
            code: "CannotSimulate".into(),
            message,
            checks: Vec::new(),
        })?;
        let context: Vec<(String, String)> = serde_json::to_value(&outcome.context)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .map(|o| {
                o.into_iter()
                    .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                    .collect()
            })
            .unwrap_or_default();
        if outcome.is_unknown() {
            return Err(Refusal {
                code: "Unknown".into(),
                message: "whether STS would allow this depends on data that is not loaded".into(),
                checks: outcome
                    .missing
                    .iter()
                    .map(|m| FailedCheck {
                        category: "unknown".to_owned(),
                        what: m.what.clone(),
                        fix: format!("load it: {}", m.fetch),
                    })
                    .collect(),
            });
        }
        match (outcome.session, outcome.error) {
            (Some(s), None) => {
                let mut out = issued(s, context, region);
                out.notes.extend(outcome.notes);
                out.notes.dedup();
                Ok(out)
            }
            (_, error) => Err(Refusal {
                code: error
                    .as_ref()
                    .map_or_else(|| "AccessDenied".to_owned(), |e| e.code.as_str().to_owned()),
                message: error.map_or_else(String::new, |e| e.message),
                checks: outcome
                    .findings
                    .iter()
                    .map(|f| FailedCheck {
                        category: f.category.label().to_owned(),
                        what: f.explanation.clone(),
                        fix: f
                            .fix
                            .as_ref()
                            .map_or_else(|| "no automatic fix is known".to_owned(), fix_text),
                    })
                    .collect(),
            }),
        }
    }

    fn ask(
        &self,
        _inventory: &Inventory,
        _role_arn: &str,
        session: &Issued,
        action: &str,
        resource: &str,
        now: DateTime<Utc>,
    ) -> Answer {
        let Some(engine) = session.engine.clone() else {
            return Answer {
                decision: None,
                allowed: false,
                sentence: "this session was not issued by the engine; nothing to evaluate".into(),
                matched: Vec::new(),
            };
        };
        let req = AuthorizeRequest {
            principal: PrincipalDoc {
                arn: engine.assumed_role_arn.clone(),
                principal_type: Some("AssumedRole".into()),
                credentials: Some(CallerCredentials::AssumedRoleSession),
                session: Some(engine.as_caller_session()),
            },
            region: session.region.clone(),
            action: action.to_owned(),
            resource: resource.to_owned(),
            ..AuthorizeRequest::default()
        };
        let decision = self.call(move |sim| sim.authorize(&req, now).map_err(|e| e.to_string()));
        match decision {
            Some(Ok(d)) => Answer {
                decision: Some(d.outcome),
                allowed: d.is_allowed(),
                sentence: d.message.clone(),
                matched: d
                    .matched_statements
                    .iter()
                    .map(|m| format!("{} ({})", m.describe(), m.effect))
                    .collect(),
            },
            Some(Err(e)) => Answer {
                decision: None,
                allowed: false,
                sentence: e,
                matched: Vec::new(),
            },
            None => Answer {
                decision: None,
                allowed: false,
                sentence: unavailable().message,
                matched: Vec::new(),
            },
        }
    }
}

/// A fix in words (the engine's summary names the policy and the statement to add).
fn fix_text(fix: &sts::Fix) -> String {
    fix.summary().to_owned()
}
