//! The troubleshooting wizard: from a symptom someone reports ("the role cannot be
//! assumed", "the session expired early", …) and the call that shows it, run the checks
//! that matter for that symptom against the loaded data (through the STS simulator and the
//! policy engine), explain in plain words what was found, and offer the fixes. Fixes that
//! change the data are applied through the what-if overlay ([`WhatIf`]), never to the
//! loaded files; fixes that change the call change the request.
//!
//! The symptoms are the common role failures a class meets: wrong trust policy, missing
//! permission, session too short, resource policy blocking, MFA missing, changes not yet
//! in effect, wrong role on an instance, cross-account not working, session expired early —
//! and "caller + role", which runs every check.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::engine::model::Inventory;
use crate::engine::policy::context::ContextValue;
use crate::engine::policy::decision::{Decision, LayerOutcome, PolicyType};
use crate::engine::policy::document::Effect;
use crate::engine::sts::outcome::{Category, Finding, Fix};
use crate::engine::sts::request::{DecisionDoc, Request, ResultDoc};
use crate::engine::sts::{Outcome, SimulationError, Simulator, apply_fix};
use crate::engine::whatif::{Edit, EditError, WhatIf};

/// A reported symptom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Symptom {
    WrongTrustPolicy,
    MissingPermission,
    SessionTooShort,
    ResourcePolicyBlocking,
    MfaMissing,
    ChangesNotInEffect,
    WrongRoleOnInstance,
    CrossAccountNotWorking,
    SessionExpiredEarly,
    /// Start from a caller and a role: every check.
    CallerAndRole,
}

impl Symptom {
    /// Every symptom, in the order the wizard offers them.
    pub const ALL: [Self; 10] = [
        Self::WrongTrustPolicy,
        Self::MissingPermission,
        Self::SessionTooShort,
        Self::ResourcePolicyBlocking,
        Self::MfaMissing,
        Self::ChangesNotInEffect,
        Self::WrongRoleOnInstance,
        Self::CrossAccountNotWorking,
        Self::SessionExpiredEarly,
        Self::CallerAndRole,
    ];

    /// How a person would say it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::WrongTrustPolicy => "the role cannot be assumed (trust policy?)",
            Self::MissingPermission => "the role's permissions are not enough",
            Self::SessionTooShort => "the session is too short for the job",
            Self::ResourcePolicyBlocking => "a resource policy blocks the role",
            Self::MfaMissing => "the role needs MFA and the call has none",
            Self::ChangesNotInEffect => "a change I made does not seem to take effect",
            Self::WrongRoleOnInstance => "the instance has the wrong role",
            Self::CrossAccountNotWorking => "cross-account access does not work",
            Self::SessionExpiredEarly => "the session expired earlier than expected",
            Self::CallerAndRole => "check everything for a caller and a role",
        }
    }

    /// The short name lessons and the command line use.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::WrongTrustPolicy => "wrong-trust-policy",
            Self::MissingPermission => "missing-permission",
            Self::SessionTooShort => "session-too-short",
            Self::ResourcePolicyBlocking => "resource-policy-blocking",
            Self::MfaMissing => "mfa-missing",
            Self::ChangesNotInEffect => "changes-not-in-effect",
            Self::WrongRoleOnInstance => "wrong-role-on-instance",
            Self::CrossAccountNotWorking => "cross-account-not-working",
            Self::SessionExpiredEarly => "session-expired-early",
            Self::CallerAndRole => "caller-and-role",
        }
    }

    /// The categories of failing checks this symptom is about (empty: all of them).
    #[must_use]
    pub fn categories(self) -> &'static [Category] {
        use Category as C;
        match self {
            Self::WrongTrustPolicy => &[
                C::WrongTrustPolicy,
                C::ExternalIdMissingOrWrong,
                C::IdentityProvider,
                C::RoleNotFound,
            ],
            Self::MissingPermission => &[
                C::CallerLacksPermission,
                C::BoundaryBlocking,
                C::SessionPolicyBlocking,
                C::ScpBlocking,
            ],
            Self::SessionTooShort | Self::SessionExpiredEarly => &[
                C::DurationTooLong,
                C::InvalidParameter,
                C::CallerSessionExpired,
            ],
            Self::ResourcePolicyBlocking => &[
                C::ResourcePolicyBlocking,
                C::RcpBlocking,
                C::WrongTrustPolicy,
            ],
            Self::MfaMissing => &[C::MfaMissing],
            Self::WrongRoleOnInstance => &[C::WrongTrustPolicy],
            Self::CrossAccountNotWorking => &[
                C::CrossAccountHalfMissing,
                C::WrongTrustPolicy,
                C::CallerLacksPermission,
                C::ExternalIdMissingOrWrong,
                C::ScpBlocking,
                C::RcpBlocking,
            ],
            Self::ChangesNotInEffect | Self::CallerAndRole => &[],
        }
    }
}

/// A simulation's raw answer: an STS call's outcome or an authorization decision.
#[derive(Debug, Clone)]
pub enum Ran {
    Sts(Box<Outcome>),
    Authorize(Box<Decision>),
    /// A call made with a session that had expired (at this time): `ExpiredToken`.
    Expired(String),
}

impl Ran {
    /// The result document (what `simulate` prints).
    #[must_use]
    pub fn result(&self) -> ResultDoc {
        match self {
            Self::Sts(o) => ResultDoc::from_outcome(None, o),
            Self::Authorize(d) => ResultDoc::from_decision(None, d),
            Self::Expired(at) => ResultDoc::expired_token(None, at),
        }
    }

    #[must_use]
    pub fn is_allowed(&self) -> bool {
        match self {
            Self::Sts(o) => o.is_allowed(),
            Self::Authorize(d) => d.is_allowed(),
            Self::Expired(_) => false,
        }
    }

    /// True when the answer depends on data that is not loaded.
    #[must_use]
    pub fn is_unknown(&self) -> bool {
        match self {
            Self::Sts(o) => o.is_unknown(),
            Self::Authorize(d) => d.is_unknown(),
            Self::Expired(_) => false,
        }
    }

    /// The pieces of data the answer turns on.
    #[must_use]
    pub fn missing(&self) -> &[std::sync::Arc<crate::engine::coverage::Missing>] {
        match self {
            Self::Sts(o) => &o.missing,
            Self::Authorize(d) => &d.missing,
            Self::Expired(_) => &[],
        }
    }

    fn word(&self) -> &'static str {
        if self.is_allowed() {
            "succeeds"
        } else if self.is_unknown() {
            "may or may not succeed (it depends on data that is not loaded)"
        } else {
            "fails"
        }
    }
}

/// Runs one request document against `sim`, keeping the full outcome.
///
/// # Errors
/// When the request cannot be simulated at all.
pub fn run(sim: &Simulator<'_>, req: &Request, now: DateTime<Utc>) -> Result<Ran, SimulationError> {
    Ok(match req {
        Request::AssumeRole(r) => Ran::Sts(Box::new(sim.assume_role(r, now)?)),
        Request::AssumeRoleWebIdentity(r) => {
            Ran::Sts(Box::new(sim.assume_role_with_web_identity(r, now)?))
        }
        Request::AssumeRoleSaml(r) => Ran::Sts(Box::new(sim.assume_role_with_saml(r, now)?)),
        Request::RolesAnywhere(r) => Ran::Sts(Box::new(sim.roles_anywhere(r, now)?)),
        Request::Ec2InstanceProfile(r) => Ran::Sts(Box::new(sim.ec2_instance_profile(r, now)?)),
        Request::Authorize(r) => match sim.authorize(r, now) {
            Ok(d) => Ran::Authorize(Box::new(d)),
            Err(SimulationError::ExpiredToken { expired_at }) => Ran::Expired(expired_at),
            Err(e) => return Err(e),
        },
    })
}

/// One line of the wizard's findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WizardCheck {
    pub title: String,
    /// `true` passed, `false` failed (or, with `unknown`, could not be judged).
    pub ok: bool,
    /// The check turns on data that is not loaded: neither passed nor failed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unknown: bool,
    pub detail: String,
}

/// What the wizard found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub symptom: Symptom,
    pub checks: Vec<WizardCheck>,
    /// Plain-language explanation, paragraph by paragraph.
    pub explanation: Vec<String>,
    /// The categories of the failing checks that concern the symptom.
    pub categories: Vec<Category>,
    /// Fixes, in the order of the findings (data fixes and request changes).
    pub fixes: Vec<Fix>,
    pub result: ResultDoc,
}

impl Report {
    /// True when the call succeeds as it stands.
    #[must_use]
    pub fn succeeds(&self) -> bool {
        self.result.decision == Some(DecisionDoc::Allow)
    }
}

/// Why the wizard could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WizardError {
    #[error(transparent)]
    Simulation(#[from] SimulationError),
    #[error(transparent)]
    Edit(#[from] EditError),
}

fn finding_check(f: &Finding) -> WizardCheck {
    WizardCheck {
        title: f.category.label().to_owned(),
        ok: false,
        unknown: false,
        detail: f.explanation.clone(),
    }
}

/// The `DurationSeconds` a request asks for.
fn requested_duration(request: &Request) -> Option<i64> {
    match request {
        Request::AssumeRole(r) => r.duration_seconds,
        Request::AssumeRoleWebIdentity(r) => r.duration_seconds,
        Request::AssumeRoleSaml(r) => r.duration_seconds,
        _ => None,
    }
}

fn sts_checks(
    symptom: Symptom,
    o: &Outcome,
    inv: &Inventory,
    asked: Option<i64>,
    out: &mut Report,
) {
    let wanted = symptom.categories();
    let relevant = |c: Category| wanted.is_empty() || wanted.contains(&c);
    for f in &o.findings {
        if relevant(f.category) {
            out.checks.push(finding_check(f));
            if !out.categories.contains(&f.category) {
                out.categories.push(f.category);
            }
            if let Some(fix) = &f.fix {
                // The simulator swaps a mistaken principal instead of adding the caller:
                // the explanation says why, since the fix changes what the trust already says.
                if matches!(fix, Fix::ReplaceStatement { .. })
                    && f.category == Category::WrongTrustPolicy
                {
                    out.explanation.push(f.explanation.clone());
                }
                out.fixes.push(fix.clone());
            }
        }
    }
    let others: Vec<&Finding> = o
        .findings
        .iter()
        .filter(|f| !relevant(f.category))
        .collect();
    if !others.is_empty() {
        out.explanation.push(format!(
            "Other checks fail too, outside this symptom: {}. Fix those as well (the fixes are listed).",
            others
                .iter()
                .map(|f| f.category.label())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        for f in others {
            out.checks.push(finding_check(f));
            if let Some(fix) = &f.fix {
                out.fixes.push(fix.clone());
            }
        }
    }
    let role = inv.role_by_arn(&o.role_arn);
    match symptom {
        Symptom::WrongRoleOnInstance => {
            if let Some(r) = role {
                let has_profile = !r.instance_profiles.is_empty();
                out.checks.push(WizardCheck {
                    title: "the role is in an instance profile".to_owned(),
                    ok: has_profile,
                    unknown: false,
                    detail: if has_profile {
                        format!("`{}` is in instance profile `{}`", r.name, r.instance_profiles[0].name)
                    } else {
                        format!("`{}` is in no instance profile: an EC2 instance gets a role only through an instance profile", r.name)
                    },
                });
                let candidates: Vec<String> = inv
                    .roles
                    .iter()
                    .filter(|c| {
                        c.account == r.account && !c.instance_profiles.is_empty() && c.arn != r.arn
                    })
                    .map(|c| format!("`{}`", c.name))
                    .collect();
                if !o.is_allowed() && !candidates.is_empty() {
                    out.explanation.push(format!(
                        "The launch did not fail on this: EC2 checks `iam:PassRole` and the instance profile at launch, not the role's trust, so the instance runs but its metadata service has no credentials to give (its IAM info shows `AssumeRoleUnauthorizedAccess`). Roles of this account that are meant for instances (they are in an instance profile): {}. Replace the running instance's profile with the one built for the job, without relaunching (`aws ec2 replace-iam-instance-profile-association`, which needs `iam:PassRole` on the new role), or make this role trust `ec2.amazonaws.com` (IAM User Guide, \"Troubleshoot IAM and Amazon EC2\").",
                        candidates.join(", ")
                    ));
                }
            }
        }
        Symptom::SessionTooShort | Symptom::SessionExpiredEarly => {
            let too_long = o
                .findings
                .iter()
                .any(|f| f.category == Category::DurationTooLong);
            let chained = o
                .context
                .get("aws:PrincipalType")
                .and_then(ContextValue::single)
                == Some("AssumedRole");
            if let Some(r) = role {
                let max = r.effective_max_session();
                // The role's maximum is the cause when the call asks for more than it allows
                // and no one-hour chaining cap is in the way.
                let cause = too_long && !chained && asked.is_some_and(|a| a > i64::from(max));
                out.checks.push(WizardCheck {
                    title: "the role's maximum session duration".to_owned(),
                    ok: !cause,
                    unknown: false,
                    detail: if cause {
                        format!(
                            "`{}` allows sessions of up to {max} s, less than the call asks for",
                            r.name
                        )
                    } else {
                        format!("`{}` allows sessions of up to {max} s", r.name)
                    },
                });
                if cause
                    && let Some(asked) = asked
                    && let Ok(seconds) = u32::try_from(asked)
                    && (3600..=43_200).contains(&seconds)
                {
                    // The job needs the longer session: the data fix raises the role's
                    // MaxSessionDuration (3600 to 43200 s, IAM-RULES §1.1) instead of
                    // shortening the call.
                    out.fixes.retain(|f| {
                        !matches!(f, Fix::SetParameter { parameter, .. } if parameter == "duration_seconds")
                    });
                    out.fixes.push(Fix::SetMaxSessionDuration {
                        role_arn: r.arn.clone(),
                        seconds,
                        summary: format!(
                            "raise the MaxSessionDuration of `{}` from {max} s to {seconds} s (`aws iam update-role --role-name {} --max-session-duration {seconds}`)",
                            r.name, r.name
                        ),
                    });
                    out.explanation.push(format!(
                        "The call asks for a {asked} s session, and `{}` allows at most {max} s, so STS refuses it (ValidationError). Either ask for {max} s or less, or, if the job needs the longer session, raise the role's maximum session duration to {asked} s (at most 43200 s, 12 hours).",
                        r.name
                    ));
                }
            }
            if let Some(s) = &o.session {
                out.checks.push(WizardCheck {
                    title: "the session issued".to_owned(),
                    ok: true,
                    unknown: false,
                    detail: format!(
                        "{} s, until {}",
                        s.duration_seconds,
                        s.expiration.format("%Y-%m-%d %H:%M:%S UTC")
                    ),
                });
                if s.chained {
                    out.explanation.push("This session was made by role chaining (a role session assuming another role): AWS caps it at one hour whatever the role's maximum. Start from long-term credentials or an identity provider to get longer sessions.".to_owned());
                } else if s.duration_seconds == 3600 {
                    out.explanation.push("One hour is the default when the call asks for no duration: pass DurationSeconds (up to the role's maximum session duration).".to_owned());
                }
            }
            if symptom == Symptom::SessionExpiredEarly {
                out.explanation.push("A session keeps the expiry it was issued with: a chained session does not end when the session it came from does. A session ends before the length someone expected when DurationSeconds was left out (one hour), when it was made by role chaining (one hour at most), when it is a console switch-role session (one hour), when a SAML assertion's SessionNotOnOrAfter came sooner, when the role's sessions were revoked (\"Revoke active sessions\" denies every session issued before it), or when the CLI reused cached credentials from an earlier, shorter session. EC2 instance credentials are rotated by the instance metadata service before they expire: applications must fetch them again.".to_owned());
            }
        }
        Symptom::CrossAccountNotWorking => {
            let caller_half = !o.findings.iter().any(|f| {
                matches!(
                    f.category,
                    Category::CallerLacksPermission
                        | Category::CrossAccountHalfMissing
                        | Category::ScpBlocking
                )
            });
            let trust_half = !o.findings.iter().any(|f| {
                matches!(
                    f.category,
                    Category::WrongTrustPolicy
                        | Category::ExternalIdMissingOrWrong
                        | Category::MfaMissing
                )
            });
            out.checks.insert(
                0,
                WizardCheck {
                    title: "trusting account's half: the role's trust policy".to_owned(),
                    ok: trust_half,
                    unknown: false,
                    detail: if trust_half {
                        "the trust policy lets this caller in".to_owned()
                    } else {
                        "the trust policy does not let this caller in".to_owned()
                    },
                },
            );
            out.checks.insert(1, WizardCheck {
                title: "trusted account's half: the caller's own policies".to_owned(),
                ok: caller_half,
                unknown: false,
                detail: if caller_half { "the caller's identity policies allow sts:AssumeRole on the role".to_owned() } else { "the caller's own account does not allow it to call sts:AssumeRole on the role".to_owned() },
            });
            out.explanation.push("Across accounts both halves are needed: the role's trust policy in the trusting account names the caller (or its account), and the caller's identity policy in the trusted account allows sts:AssumeRole on the role.".to_owned());
        }
        Symptom::MfaMissing
            if !o
                .findings
                .iter()
                .any(|f| f.category == Category::MfaMissing) =>
        {
            out.explanation.push("The call does not fail for lack of MFA: the trust policy does not ask for it here, or the call already carries it.".to_owned());
        }
        Symptom::MfaMissing => {
            out.explanation.push("A policy in the way (usually the role's trust policy) asks for MFA with `aws:MultiFactorAuthPresent` or `aws:MultiFactorAuthAge`, and this call carries none (or too old a one). An IAM user passes its MFA device's serial number and current code with the call (`--mfa`, or `mfa_serial` in an AWS CLI profile). A role session cannot pass a code: its calls carry only its own session's MFA state, and a session made by AssumeRole carries none, so a role that needs MFA must be assumed by the IAM user directly.".to_owned());
        }
        _ => {}
    }
}

fn authorize_checks(symptom: Symptom, d: &Decision, out: &mut Report) {
    for layer in &d.layers {
        if layer.outcome == LayerOutcome::NotApplicable {
            continue;
        }
        let ok = layer.outcome == LayerOutcome::Allowed;
        out.checks.push(WizardCheck {
            title: layer.policy_type.phrase().to_owned(),
            ok,
            unknown: false,
            detail: match layer.outcome {
                LayerOutcome::Allowed => "allows the request".to_owned(),
                LayerOutcome::ExplicitDeny => "denies the request explicitly".to_owned(),
                _ => "does not allow the request (implicit deny)".to_owned(),
            },
        });
        if !ok {
            let cat = match layer.policy_type {
                PolicyType::ResourceBasedPolicy => Category::ResourcePolicyBlocking,
                PolicyType::IdentityBasedPolicy => Category::CallerLacksPermission,
                PolicyType::PermissionsBoundary => Category::BoundaryBlocking,
                PolicyType::SessionPolicy => Category::SessionPolicyBlocking,
                PolicyType::ServiceControlPolicy => Category::ScpBlocking,
                PolicyType::ResourceControlPolicy => Category::RcpBlocking,
            };
            let wanted = symptom.categories();
            if (wanted.is_empty() || wanted.contains(&cat)) && !out.categories.contains(&cat) {
                out.categories.push(cat);
            }
        }
    }
    for m in d
        .matched_statements
        .iter()
        .filter(|m| m.effect == Effect::Deny)
    {
        out.explanation.push(format!(
            "{} {} denies it explicitly: an explicit deny wins over every allow. Change that statement (for a resource policy, exempt this principal in it) or use a principal it lets in.",
            m.policy_type.with_article(),
            m.describe()
        ));
    }
    if !d.is_allowed()
        && !d
            .matched_statements
            .iter()
            .any(|m| m.effect == Effect::Deny)
    {
        out.explanation.push(format!(
            "Nothing allows `{}` on `{}`: add an Allow to the policy that is missing it.",
            d.action, d.resource
        ));
    }
    out.explanation.push(d.message.clone());
}

/// Runs the checks for `symptom` on `request` against the edited data of `whatif`.
///
/// # Errors
/// When the request cannot be simulated at all.
pub fn diagnose(
    whatif: &WhatIf,
    symptom: Symptom,
    request: &Request,
    now: DateTime<Utc>,
) -> Result<Report, WizardError> {
    let inv = whatif.inventory();
    let sim = Simulator::new(inv);
    let ran = run(&sim, request, now)?;
    let mut report = Report {
        symptom,
        checks: Vec::new(),
        explanation: Vec::new(),
        categories: Vec::new(),
        fixes: Vec::new(),
        result: ran.result(),
    };
    report.checks.push(WizardCheck {
        title: "the call as it stands".to_owned(),
        ok: ran.is_allowed(),
        unknown: false,
        detail: match (&report.result.error_code, &report.result.error_message) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            _ if ran.is_allowed() => "succeeds".to_owned(),
            _ if ran.is_unknown() => {
                "cannot be judged: it depends on data that is not loaded".to_owned()
            }
            _ => "is denied".to_owned(),
        },
    });
    if ran.is_unknown() {
        // Unknown is its own outcome: say what is missing and how to fetch it, and propose
        // no fix for a failure that may not be there.
        if let Some(c) = report.checks.last_mut() {
            c.unknown = true;
        }
        for m in ran.missing() {
            report.checks.push(WizardCheck {
                title: "data the answer needs".to_owned(),
                ok: false,
                unknown: true,
                detail: m.what.clone(),
            });
            report.explanation.push(format!(
                "Load {} to get a definite answer: `{}`.",
                m.name, m.fetch
            ));
        }
        report.explanation.push(
            "Until then rolescope cannot tell whether the call succeeds: the missing data could allow it or deny it.".to_owned(),
        );
        return Ok(report);
    }
    match &ran {
        Ran::Sts(o) => sts_checks(symptom, o, inv, requested_duration(request), &mut report),
        Ran::Authorize(d) => authorize_checks(symptom, d, &mut report),
        Ran::Expired(at) => {
            report.checks.push(WizardCheck {
                title: "the caller's session is still valid".to_owned(),
                ok: false,
                unknown: false,
                detail: format!(
                    "it expired at {at}: AWS answers ExpiredToken to any call made with it"
                ),
            });
            if !report.categories.contains(&Category::CallerSessionExpired) {
                report.categories.push(Category::CallerSessionExpired);
            }
            report.explanation.push("The session's credentials have expired, so AWS refuses every call made with them (ExpiredToken) before reading any policy. Get a fresh session (assume the role again), then call again.".to_owned());
        }
    }
    if symptom == Symptom::ChangesNotInEffect {
        let base_sim = Simulator::new(whatif.base());
        let before = run(&base_sim, request, now)?;
        let changed = before.is_allowed() != ran.is_allowed();
        report.checks.push(WizardCheck {
            title: "your edits change the answer".to_owned(),
            ok: changed,
            unknown: false,
            detail: format!(
                "without the edits the call {}, with them it {}",
                before.word(),
                ran.word()
            ),
        });
        report.explanation.push(if changed {
            "IAM is eventually consistent: a change is stored at once but reaches every AWS Region's endpoints a little later (usually seconds). Until then, calls can still get the old answer. Wait and retry, and in automation do not create a role or policy and use it in the same breath: retry with back-off.".to_owned()
        } else {
            "Your edits do not change the answer to this call, so waiting for IAM to propagate them will not help: the cause is elsewhere (see the checks).".to_owned()
        });
    }
    if report.succeeds() && report.fixes.is_empty() {
        report.explanation.push("The call succeeds with the data as loaded (and edited): nothing is left to fix. If it still fails in AWS, check that the failing call really is this one: same caller, same role ARN (names are case-sensitive), same Region.".to_owned());
    }
    Ok(report)
}

/// Applies every fix of `report`: data fixes through `whatif`, request changes to
/// `request`. Returns what was done, one line per fix.
///
/// # Errors
/// The first fix that cannot be applied ([`EditError`]); earlier ones stay applied.
pub fn apply_fixes(
    report: &Report,
    whatif: &mut WhatIf,
    request: &mut Request,
) -> Result<Vec<String>, EditError> {
    let mut done = Vec::new();
    for fix in &report.fixes {
        if let Fix::SetParameter { .. } = fix {
            let mut scratch = Inventory::default();
            apply_fix(&mut scratch, request, fix)?;
        } else {
            whatif.apply(Edit::Fix(fix.clone()))?;
        }
        done.push(fix.summary().to_owned());
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::load::load_demo;
    use serde_json::json;
    use std::sync::Arc;

    fn now() -> DateTime<Utc> {
        "2026-11-24T09:00:00Z".parse().unwrap()
    }

    fn req(v: serde_json::Value) -> Request {
        Request::from_value(v).unwrap()
    }

    #[test]
    fn every_symptom_has_a_name_and_a_label() {
        for s in Symptom::ALL {
            let v = serde_json::to_value(s).unwrap();
            assert_eq!(v, s.name());
            assert!(!s.label().is_empty());
        }
    }

    #[test]
    fn wrong_trust_policy_is_found_fixed_through_the_overlay_and_then_succeeds() {
        let mut w = WhatIf::new(Arc::new(load_demo().unwrap()));
        let mut r = req(json!({"kind": "assume-role",
            "caller": "arn:aws:iam::333333333333:user/people/li.wei", "caller_credentials": "long-term",
            "role": "arn:aws:iam::222222222222:role/data/AnalyticsReadOnly"}));
        let rep = diagnose(&w, Symptom::WrongTrustPolicy, &r, now()).unwrap();
        assert!(!rep.succeeds());
        assert!(
            rep.categories.contains(&Category::WrongTrustPolicy),
            "{:?}",
            rep.categories
        );
        assert!(!rep.fixes.is_empty());
        apply_fixes(&rep, &mut w, &mut r).unwrap();
        assert!(w.is_edited());
        let after = diagnose(&w, Symptom::WrongTrustPolicy, &r, now()).unwrap();
        assert!(after.succeeds(), "{:?}", after.result.reasons);
        // The loaded data is untouched.
        let base = diagnose(
            &WhatIf::new(Arc::clone(w.base())),
            Symptom::WrongTrustPolicy,
            &r,
            now(),
        )
        .unwrap();
        assert!(!base.succeeds());
    }

    fn li_wei_into_analytics() -> Request {
        req(json!({"kind": "assume-role",
            "caller": "arn:aws:iam::333333333333:user/people/li.wei", "caller_credentials": "long-term",
            "role": "arn:aws:iam::222222222222:role/data/AnalyticsReadOnly", "role_session_name": "li.wei"}))
    }

    /// The trust of AnalyticsReadOnly names acme-management (111111111111), where no
    /// identity policy names the role, while li.wei's group policy in acme-dev does: the
    /// trust names the wrong account, and the fix swaps it. Adding li.wei beside it would
    /// leave every principal of acme-management whose own policy allows sts:AssumeRole on
    /// `*` able to get in (IAM-RULES §3.1: an account principal delegates to the account).
    #[test]
    fn a_trust_naming_the_wrong_account_is_fixed_by_swapping_it_not_by_adding_the_caller() {
        let mut w = WhatIf::new(Arc::new(load_demo().unwrap()));
        let mut r = li_wei_into_analytics();
        let rep = diagnose(&w, Symptom::WrongTrustPolicy, &r, now()).unwrap();
        assert_eq!(rep.fixes.len(), 1, "{:?}", rep.fixes);
        let Fix::ReplaceStatement {
            statement_index,
            statement,
            summary,
            ..
        } = &rep.fixes[0]
        else {
            panic!("a swap, not an addition: {:?}", rep.fixes[0]);
        };
        assert_eq!(*statement_index, 0);
        assert_eq!(
            statement["Principal"]["AWS"],
            json!("arn:aws:iam::333333333333:root")
        );
        assert_eq!(statement["Action"], json!("sts:AssumeRole"));
        assert!(
            summary.contains(
                "replace `arn:aws:iam::111111111111:root` with `arn:aws:iam::333333333333:root`"
            ),
            "{summary}"
        );
        assert!(
            rep.explanation
                .iter()
                .any(|e| e.contains("names the wrong account")
                    && e.contains("111111111111 trusted for no reason")),
            "{:?}",
            rep.explanation
        );
        apply_fixes(&rep, &mut w, &mut r).unwrap();
        let role = w
            .inventory()
            .role_by_arn("arn:aws:iam::222222222222:role/data/AnalyticsReadOnly")
            .unwrap();
        assert!(
            !role.trust_policy.text.contains("111111111111"),
            "{}",
            role.trust_policy.text
        );
        let after = diagnose(&w, Symptom::WrongTrustPolicy, &r, now()).unwrap();
        assert!(after.succeeds(), "{:?}", after.result.reasons);
        // Who-can-assume: acme-dev principals gained, acme-management ones lost, nobody else.
        let diff = w.access_diff();
        assert!(
            diff.gained.iter().any(|p| p.caller.contains("li.wei")),
            "{diff:?}"
        );
        assert!(
            diff.gained
                .iter()
                .all(|p| p.caller.contains(":333333333333:")),
            "{diff:?}"
        );
        assert!(
            diff.lost
                .iter()
                .all(|p| p.caller.contains(":111111111111:")),
            "{diff:?}"
        );
    }

    /// When someone in the named account was given the other half (an identity policy there
    /// names the role), that account is not evidently a mistake: the wizard adds the caller.
    #[test]
    fn a_trusted_account_whose_people_name_the_role_is_kept_and_the_caller_added() {
        let mut w = WhatIf::new(Arc::new(load_demo().unwrap()));
        w.apply(Edit::Document {
            role: "arn:aws:iam::111111111111:role/OpsEntry".into(),
            kind: crate::engine::whatif::DocumentKind::Inline("analytics".into()),
            text: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::222222222222:role/data/AnalyticsReadOnly"}]}"#.into(),
        })
        .unwrap();
        let rep = diagnose(
            &w,
            Symptom::WrongTrustPolicy,
            &li_wei_into_analytics(),
            now(),
        )
        .unwrap();
        assert!(
            matches!(rep.fixes.as_slice(), [Fix::AddStatement { .. }]),
            "{:?}",
            rep.fixes
        );
        assert!(
            !rep.explanation.iter().any(|e| e.contains("wrong account")),
            "{:?}",
            rep.explanation
        );
    }

    #[test]
    fn cross_account_reports_both_halves() {
        let w = WhatIf::new(Arc::new(load_demo().unwrap()));
        let r = req(json!({"kind": "assume-role",
            "caller": "arn:aws:iam::333333333333:user/people/noah.kim", "caller_credentials": "long-term",
            "role": "arn:aws:iam::222222222222:role/qa/QAReleaseVerifier"}));
        let rep = diagnose(&w, Symptom::CrossAccountNotWorking, &r, now()).unwrap();
        assert!(rep.checks[0].ok, "trust half is there: {:?}", rep.checks);
        assert!(
            !rep.checks[1].ok,
            "caller half is missing: {:?}",
            rep.checks
        );
    }

    #[test]
    fn a_resource_policy_deny_is_named() {
        let w = WhatIf::new(Arc::new(load_demo().unwrap()));
        let r = req(json!({"kind": "authorize",
            "principal": {"arn": "arn:aws:sts::222222222222:assumed-role/reports-ec2/i-0abc", "credentials": "ec2-instance-profile",
                "session": {"role_arn": "arn:aws:iam::222222222222:role/app/reports-ec2", "created_by": "EC2InstanceProfile"}},
            "action": "s3:GetObject", "resource": "arn:aws:s3:::acme-prod-finance-reports/2026/11.csv"}));
        let rep = diagnose(&w, Symptom::ResourcePolicyBlocking, &r, now()).unwrap();
        assert!(
            rep.categories.contains(&Category::ResourcePolicyBlocking),
            "{:?}",
            rep
        );
        assert!(
            rep.explanation
                .iter()
                .any(|e| e.contains("OnlyFinanceRoles")),
            "{:?}",
            rep.explanation
        );
    }

    #[test]
    fn changes_not_in_effect_compares_loaded_and_edited_data() {
        let mut w = WhatIf::new(Arc::new(load_demo().unwrap()));
        let r = req(json!({"kind": "assume-role",
            "caller": "arn:aws:iam::222222222222:user/service-accounts/batch-scheduler", "caller_credentials": "long-term",
            "role": "nightly-batch-report", "role_session_name": "nightly", "duration_seconds": 14400}));
        w.apply(Edit::MaxSessionDuration {
            role: "nightly-batch-report".into(),
            seconds: 14400,
        })
        .unwrap();
        let rep = diagnose(&w, Symptom::ChangesNotInEffect, &r, now()).unwrap();
        assert!(
            rep.checks
                .iter()
                .any(|c| c.title.contains("edits change") && c.ok),
            "{:?}",
            rep.checks
        );
        assert!(
            rep.explanation
                .iter()
                .any(|e| e.contains("eventually consistent"))
        );
    }
}
