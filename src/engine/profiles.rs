//! The user's own AWS CLI profiles as role chains: where each chain starts (an IAM
//! Identity Center permission set, static keys mapped to a principal, or unmapped), every
//! `role_arn` hop after it, and what STS would answer to each hop against the loaded data
//! — works (with the session length), refused (the failing check and its fix) or unknown
//! (the data to decide is not loaded). Nothing here reads credentials or calls AWS; the
//! hops are the STS simulator's ([`crate::engine::sts`]).
//!
//! How the AWS CLI makes each call (botocore's `AssumeRoleProvider`): `RoleArn` from
//! `role_arn`, `RoleSessionName` from `role_session_name` or `botocore-session-<unix
//! time>`, `DurationSeconds` only when `duration_seconds` is set (else STS's one hour),
//! `ExternalId` from `external_id`, and `SerialNumber` + a code typed at the prompt when
//! `mfa_serial` is set; a `source_profile` that has a `role_arn` itself is assumed first,
//! so the later call is role chaining (IAM-RULES §1.3: one hour at most).

pub mod aws_config;

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

pub use aws_config::{AwsConfig, ConfigSyntaxError, Profile};

use crate::engine::model::Inventory;
use crate::engine::sts::Simulator;
use crate::engine::sts::request::{
    AssumeRoleRequest, CallerCredentials, CallerSessionDoc, MfaDoc, SessionOrigin,
};

/// What a profile's chain comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every hop would be issued a session.
    Works,
    /// A hop would be refused: see the failing check and its fix.
    Refused,
    /// The loaded data cannot tell (an account that is not loaded, a token needed).
    Unknown,
    /// The chain starts from keys rolescope cannot map to a principal: map the profile
    /// with `--source PROFILE=ARN` or the configuration's `[profiles.sources]`.
    Unmapped,
}

impl Verdict {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Works => "works",
            Self::Refused => "refused",
            Self::Unknown => "unknown",
            Self::Unmapped => "unmapped",
        }
    }
}

/// Where a chain starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Start {
    /// `sso`, `keys` (static keys, `credential_process`), `credential-source` or
    /// `web-identity`.
    pub kind: String,
    /// The profile whose credentials start the chain.
    pub profile: String,
    /// The principal the chain starts as, when known.
    pub principal: Option<String>,
    /// How the principal was found (`--source`, the Identity Center role, …).
    pub how: String,
}

/// One `AssumeRole` of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// The profile whose `role_arn` this hop assumes.
    pub profile: String,
    pub role_arn: String,
    pub caller: String,
    pub role_session_name: String,
    pub duration_seconds: Option<i64>,
    pub external_id: Option<String>,
    pub mfa_serial: Option<String>,
    pub verdict: Verdict,
    /// True when the caller is a role session (role chaining: one hour at most).
    pub chained: bool,
    pub session_seconds: Option<i64>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// Why a chain does not work, and what would make it work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The failing check (`trust-policy`, `mfa`, `duration`, `external-id`, …).
    pub check: String,
    pub explanation: String,
    pub fix: Option<String>,
}

/// One profile, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileReport {
    pub profile: String,
    /// The line of the profile's section in the config file.
    pub line: usize,
    pub start: Start,
    pub hops: Vec<Hop>,
    pub verdict: Verdict,
    /// How long the credentials the profile gives would last; `None` for long-term keys
    /// (no expiry) and when the chain does not work.
    pub session_seconds: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
    pub failure: Option<Failure>,
    pub notes: Vec<String>,
}

impl ProfileReport {
    /// The chain of a report as `start → role → role`.
    #[must_use]
    pub fn chain_text(&self) -> String {
        let r = self;
        let short = |arn: &str| arn.rsplit('/').next().unwrap_or(arn).to_owned();
        let mut parts = vec![match (&r.start.kind[..], &r.start.principal) {
            ("sso", Some(p)) => format!("sso:{}", short(p)),
            (_, Some(p)) => short(p),
            (_, None) => format!("{}?", r.start.profile),
        }];
        parts.extend(r.hops.iter().map(|h| short(&h.role_arn)));
        parts.join(" → ")
    }

    /// The session column: length, and why it is capped.
    #[must_use]
    pub fn session_text(&self) -> String {
        let r = self;
        match (r.verdict, r.session_seconds) {
            (Verdict::Works, Some(s)) => {
                let chained = r.hops.last().is_some_and(|h| h.chained);
                if chained {
                    format!("{} (role chaining: 1h cap)", length(s))
                } else {
                    length(s)
                }
            }
            (Verdict::Works, None) => "no expiry (long-term keys)".into(),
            _ => "—".into(),
        }
    }

    /// The role the profile ends in: its last hop's, or the Identity Center role.
    #[must_use]
    pub fn role(&self) -> Option<&str> {
        self.hops.last().map(|h| h.role_arn.as_str()).or_else(|| {
            (self.start.kind == "sso")
                .then_some(self.start.principal.as_deref())
                .flatten()
        })
    }
}

/// `1h 00m`, `12m`, `45s`.
#[must_use]
pub fn length(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s}s"),
        (0, m, _) => format!("{m}m"),
        (h, m, _) => format!("{h}h {m:02}m"),
    }
}

/// The principal behind each static-key profile: profile name → ARN.
pub type Sources = BTreeMap<String, String>;

enum StartKind {
    Keys,
    CredentialSource(String),
    WebIdentity,
    Sso,
}

/// Checks every profile of `config`; the chains start at `now`.
#[must_use]
pub fn check_all(
    sim: &Simulator<'_>,
    config: &AwsConfig,
    sources: &Sources,
    now: DateTime<Utc>,
) -> Vec<ProfileReport> {
    config
        .profiles
        .iter()
        .map(|p| check(sim, config, sources, &p.name, now))
        .collect()
}

/// Checks one profile.
#[must_use]
pub fn check(
    sim: &Simulator<'_>,
    config: &AwsConfig,
    sources: &Sources,
    name: &str,
    now: DateTime<Utc>,
) -> ProfileReport {
    let line = config.get(name).map_or(0, |p| p.line);
    let mut report = ProfileReport {
        profile: name.to_owned(),
        line,
        start: Start {
            kind: "keys".into(),
            profile: name.to_owned(),
            principal: None,
            how: String::new(),
        },
        hops: Vec::new(),
        verdict: Verdict::Unknown,
        session_seconds: None,
        expires_at: None,
        failure: None,
        notes: Vec::new(),
    };
    let (start_profile, kind, hops) = match resolve(config, name) {
        Ok(r) => r,
        Err(message) => {
            report.verdict = Verdict::Refused;
            report.failure = Some(Failure {
                check: "profile".into(),
                explanation: message,
                fix: Some("correct the profile in the AWS config file".into()),
            });
            return report;
        }
    };
    report.start.profile = start_profile.name.clone();
    let inv = sim.inventory;
    // The caller of the first hop.
    let mut caller = Caller::default();
    match kind {
        StartKind::Sso => {
            report.start.kind = "sso".into();
            if let Err(stop) = sso_start(inv, config, start_profile, now, &mut report, &mut caller)
            {
                report.verdict = stop;
                return report;
            }
        }
        StartKind::WebIdentity => {
            report.start.kind = "web-identity".into();
            report.start.how = "web_identity_token_file".into();
            report.verdict = Verdict::Unknown;
            report.notes.push("the first call is AssumeRoleWithWebIdentity with the token in `web_identity_token_file`, whose claims rolescope does not read; simulate it with `rolescope simulate` and the token's claims".into());
            return report;
        }
        StartKind::Keys | StartKind::CredentialSource(_) => {
            if let StartKind::CredentialSource(s) = &kind {
                report.start.kind = "credential-source".into();
                report.start.how = format!("credential_source = {s}");
            } else {
                report.start.how = if start_profile.credential_process.is_some() {
                    "credential_process".into()
                } else {
                    "static keys (in the credentials file, which rolescope does not read)".into()
                };
            }
            let Some(arn) = sources.get(&start_profile.name) else {
                report.verdict = Verdict::Unmapped;
                report.failure = Some(Failure {
                    check: "source".into(),
                    explanation: format!(
                        "profile `{}` signs in with credentials rolescope does not read, so who it is is not known",
                        start_profile.name
                    ),
                    fix: Some(format!(
                        "say who it is: `--source {}=arn:aws:iam::ACCOUNT:{}`, or `{} = \"ARN\"` under `[profiles.sources]` in the rolescope config",
                        start_profile.name,
                        if matches!(kind, StartKind::CredentialSource(_)) {
                            "role/NAME"
                        } else {
                            "user/NAME"
                        },
                        start_profile.name
                    )),
                });
                return report;
            };
            report.start.principal = Some(arn.clone());
            report
                .start
                .how
                .push_str("; mapped to a principal by the rolescope config or `--source`");
            caller.arn.clone_from(arn);
            caller.credentials = if arn.contains(":assumed-role/") {
                Some(CallerCredentials::AssumedRoleSession)
            } else if arn.contains(":role/") {
                Some(CallerCredentials::Ec2InstanceProfile)
            } else if arn.ends_with(":root") {
                Some(CallerCredentials::Root)
            } else {
                None
            };
            if hops.is_empty() {
                let known =
                    inv.user_by_arn(arn).is_some() || inv.roles.iter().any(|r| r.arn == *arn);
                report.verdict = if known {
                    Verdict::Works
                } else {
                    report
                        .notes
                        .push(format!("`{arn}` is not in the loaded data"));
                    Verdict::Unknown
                };
                report
                    .notes
                    .push("long-term keys: no session, no expiry".into());
                return report;
            }
        }
    }
    let session_stamp = now.timestamp();
    for p in hops {
        let role_arn = p.role_arn.clone().unwrap_or_default();
        let duration = match p.duration_seconds.as_deref().map(str::parse::<i64>) {
            None => None,
            Some(Ok(d)) => Some(d),
            Some(Err(_)) => {
                report.verdict = Verdict::Refused;
                report.failure = Some(Failure {
                    check: "duration".into(),
                    explanation: format!(
                        "profile `{}`: `duration_seconds = {}` is not a whole number of seconds",
                        p.name,
                        p.duration_seconds.as_deref().unwrap_or_default()
                    ),
                    fix: Some("write a number of seconds, 900 to the role's maximum".into()),
                });
                return report;
            }
        };
        let mut hop = Hop {
            profile: p.name.clone(),
            role_arn: role_arn.clone(),
            caller: caller.arn.clone(),
            role_session_name: p
                .role_session_name
                .clone()
                .unwrap_or_else(|| format!("botocore-session-{session_stamp}")),
            duration_seconds: duration,
            external_id: p.external_id.clone(),
            mfa_serial: p.mfa_serial.clone(),
            verdict: Verdict::Unknown,
            chained: caller.session.is_some(),
            session_seconds: None,
            error_code: None,
            error_message: None,
        };
        let account = role_arn.split(':').nth(4).unwrap_or_default();
        if !inv.accounts.contains_key(account) {
            report.verdict = Verdict::Unknown;
            report.notes.push(format!(
                "account `{account}` of `{role_arn}` is not loaded; load its export to check this hop"
            ));
            report.hops.push(hop);
            return report;
        }
        let req = AssumeRoleRequest {
            now: Some(now),
            caller: caller.arn.clone(),
            caller_credentials: caller.credentials,
            caller_session: caller.session.clone(),
            role: role_arn.clone(),
            role_session_name: Some(hop.role_session_name.clone()),
            duration_seconds: duration,
            external_id: p.external_id.clone(),
            mfa: p.mfa_serial.as_ref().map(|serial| MfaDoc {
                serial_number: serial.clone(),
                token_code: "123456".into(),
                token_valid: true,
                auth_age_seconds: Some(0),
            }),
            ..AssumeRoleRequest::default()
        };
        let outcome = match sim.assume_role(&req, now) {
            Ok(o) => o,
            Err(e) => {
                report.verdict = Verdict::Unknown;
                report.notes.push(format!("hop to `{role_arn}`: {e}"));
                report.hops.push(hop);
                return report;
            }
        };
        if let Some(s) = &outcome.session {
            hop.verdict = Verdict::Works;
            hop.chained = s.chained;
            hop.session_seconds = Some(s.duration_seconds);
            report.session_seconds = Some(s.duration_seconds);
            report.expires_at = Some(s.expiration);
            report.notes.extend(s.notes.iter().cloned());
            caller = Caller {
                arn: s.assumed_role_arn.clone(),
                credentials: Some(CallerCredentials::AssumedRoleSession),
                session: Some(s.as_caller_session()),
            };
            report.hops.push(hop);
            continue;
        }
        hop.verdict = Verdict::Refused;
        if let Some(e) = &outcome.error {
            hop.error_code = Some(e.code.as_str().to_owned());
            hop.error_message = Some(e.message.clone());
        }
        report.failure = outcome.findings.first().map(|f| Failure {
            check: f.check.clone(),
            explanation: f.explanation.clone(),
            fix: f
                .fix
                .as_ref()
                .map(|x| profile_fix(x, p, report.start.principal.as_deref())),
        });
        report.verdict = Verdict::Refused;
        report.session_seconds = None;
        report.expires_at = None;
        report.hops.push(hop);
        return report;
    }
    report.verdict = Verdict::Works;
    report
}

/// A fix in the profile's own terms when it is a parameter the profile sets
/// (`mfa_serial`, `external_id`, `duration_seconds`); the simulator's words otherwise.
fn profile_fix(fix: &crate::engine::sts::Fix, p: &Profile, start: Option<&str>) -> String {
    use crate::engine::sts::Fix;
    let Fix::SetParameter {
        parameter, value, ..
    } = fix
    else {
        return fix.summary().to_owned();
    };
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match parameter.as_str() {
        "mfa" => {
            // The device belongs to the user the chain starts as.
            let account = start
                .and_then(|a| a.split(':').nth(4))
                .filter(|a| !a.is_empty())
                .unwrap_or("ACCOUNT");
            format!(
                "add `mfa_serial = arn:aws:iam::{account}:mfa/DEVICE` (your MFA device) to profile `{}`",
                p.name
            )
        }
        "external_id" => format!(
            "add `external_id = {}` to profile `{}`",
            text(value),
            p.name
        ),
        "duration_seconds" => format!(
            "set `duration_seconds = {}` (or remove it) in profile `{}`",
            text(value),
            p.name
        ),
        _ => fix.summary().to_owned(),
    }
}

#[derive(Default)]
struct Caller {
    arn: String,
    credentials: Option<CallerCredentials>,
    session: Option<CallerSessionDoc>,
}

/// Starts a chain at an Identity Center profile: the role `AWSReservedSSO_<permission
/// set>_<suffix>` that Identity Center provisions in `sso_account_id`, as a SAML session
/// (<https://docs.aws.amazon.com/singlesignon/latest/userguide/using-service-linked-roles.html>
/// names the roles it creates under `/aws-reserved/sso.amazonaws.com/`).
fn sso_start(
    inv: &Inventory,
    config: &AwsConfig,
    p: &Profile,
    now: DateTime<Utc>,
    report: &mut ProfileReport,
    caller: &mut Caller,
) -> Result<(), Verdict> {
    let account = p.sso_account_id.clone().unwrap_or_default();
    let set = p.sso_role_name.clone().unwrap_or_default();
    report.start.how = format!("IAM Identity Center: permission set `{set}` in {account}");
    let refuse = |report: &mut ProfileReport, check: &str, explanation: String, fix: String| {
        report.failure = Some(Failure {
            check: check.into(),
            explanation,
            fix: Some(fix),
        });
        Verdict::Refused
    };
    if account.is_empty() || set.is_empty() {
        return Err(refuse(
            report,
            "profile",
            format!(
                "profile `{}` names no `sso_account_id` or no `sso_role_name`",
                p.name
            ),
            "give both, as `aws configure sso` writes them".into(),
        ));
    }
    if let Some(s) = &p.sso_session
        && !config.sso_sessions.contains_key(s)
    {
        return Err(refuse(
            report,
            "sso-session",
            format!(
                "profile `{}` names `sso_session = {s}`, but the file has no `[sso-session {s}]` section",
                p.name
            ),
            format!("add `[sso-session {s}]` with `sso_start_url` and `sso_region`"),
        ));
    }
    if !inv.accounts.contains_key(&account) {
        report.notes.push(format!(
            "account `{account}` is not loaded; load its export to check this profile"
        ));
        return Err(Verdict::Unknown);
    }
    let prefix = format!("AWSReservedSSO_{set}_");
    let Some(role) = inv
        .roles
        .iter()
        .find(|r| r.account == account && r.name.starts_with(&prefix))
    else {
        return Err(refuse(
            report,
            "permission-set",
            format!(
                "no role `{prefix}*` in account {account}: permission set `{set}` is not assigned there, so the access portal offers no such role"
            ),
            format!(
                "assign permission set `{set}` to the user (or a group of theirs) in account {account} in IAM Identity Center"
            ),
        ));
    };
    report.start.principal = Some(role.arn.clone());
    let seconds = i64::from(role.effective_max_session());
    let session_name = "sso-user";
    caller.arn = format!(
        "arn:aws:sts::{account}:assumed-role/{}/{session_name}",
        role.name
    );
    caller.credentials = Some(CallerCredentials::AssumedRoleSession);
    caller.session = Some(CallerSessionDoc {
        role_arn: Some(role.arn.clone()),
        session_name: Some(session_name.into()),
        created_by: Some(SessionOrigin::AssumeRoleWithSaml),
        issued_at: Some(now),
        expires_at: Some(now + TimeDelta::seconds(seconds)),
        ..CallerSessionDoc::default()
    });
    report.session_seconds = Some(seconds);
    report.expires_at = Some(now + TimeDelta::seconds(seconds));
    report.notes.push(format!(
        "the portal session lasts the permission set's session duration, which Identity Center sets as `{}`'s maximum session ({seconds} s)",
        role.name
    ));
    Ok(())
}

/// The profile the chain of `name` starts from, how it starts, and the profiles whose
/// `role_arn` is assumed in order.
fn resolve<'a>(
    config: &'a AwsConfig,
    name: &str,
) -> Result<(&'a Profile, StartKind, Vec<&'a Profile>), String> {
    let mut hops: Vec<&Profile> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut current = name;
    loop {
        let Some(p) = config.get(current) else {
            let from = seen.last().copied().unwrap_or(name);
            return Err(format!(
                "profile `{from}` names `source_profile = {current}`, which is not in the file"
            ));
        };
        if seen.contains(&current) {
            return Err(format!(
                "the source profiles of `{name}` go round in a circle: {} → {current}",
                seen.join(" → ")
            ));
        }
        seen.push(current);
        if p.role_arn.is_none() {
            hops.reverse();
            if p.is_sso() {
                return Ok((p, StartKind::Sso, hops));
            }
            return Ok((p, StartKind::Keys, hops));
        }
        hops.push(p);
        match (&p.source_profile, &p.credential_source) {
            // A profile that is its own source uses its own static keys for the call.
            (Some(src), _) if src == current => {
                hops.reverse();
                return Ok((p, StartKind::Keys, hops));
            }
            (Some(src), _) => current = src,
            (None, Some(cs)) => {
                hops.reverse();
                return Ok((p, StartKind::CredentialSource(cs.clone()), hops));
            }
            (None, None) if p.web_identity_token_file.is_some() => {
                hops.reverse();
                return Ok((p, StartKind::WebIdentity, hops));
            }
            (None, None) => {
                return Err(format!(
                    "profile `{}` has a `role_arn` but neither `source_profile` nor `credential_source`, so the AWS CLI has no credentials to assume it with",
                    p.name
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_text(text: &str, name: &str) -> ProfileReport {
        let inv = crate::engine::load::load_demo().unwrap();
        let sim = Simulator::new(&inv);
        let config = aws_config::parse(text, "config").unwrap();
        let sources: Sources = [(
            "maria".to_owned(),
            "arn:aws:iam::111111111111:user/people/maria.garcia".to_owned(),
        )]
        .into_iter()
        .collect();
        let now = DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        check(&sim, &config, &sources, name, now)
    }

    #[test]
    fn source_profiles_in_a_circle_or_missing_are_refused_with_the_reason() {
        let text = "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/OpsEntry\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::111111111111:role/OpsEntry\nsource_profile = a\n";
        let r = check_text(text, "a");
        assert_eq!(r.verdict, Verdict::Refused);
        let why = &r.failure.unwrap().explanation;
        assert!(why.contains("circle") && why.contains("a → b → a"), "{why}");
        let r = check_text(
            "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/OpsEntry\nsource_profile = gone\n",
            "a",
        );
        assert!(
            r.failure
                .unwrap()
                .explanation
                .contains("names `source_profile = gone`, which is not in the file")
        );
        let r = check_text(
            "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/OpsEntry\n",
            "a",
        );
        assert!(
            r.failure
                .unwrap()
                .explanation
                .contains("neither `source_profile` nor `credential_source`")
        );
    }

    #[test]
    fn a_profile_that_is_its_own_source_uses_its_own_keys() {
        // AWS CLI: `source_profile` naming the profile itself takes its static keys.
        let r = check_text(
            "[profile maria]\nrole_arn = arn:aws:iam::111111111111:role/OpsEntry\nsource_profile = maria\nmfa_serial = arn:aws:iam::111111111111:mfa/maria.garcia\n",
            "maria",
        );
        assert_eq!(r.verdict, Verdict::Works, "{r:?}");
        assert_eq!(r.hops.len(), 1);
        assert!(!r.hops[0].chained);
    }

    #[test]
    fn a_duration_that_is_not_a_number_is_refused_and_a_web_identity_start_is_unknown() {
        let r = check_text(
            "[profile maria]\n[profile a]\nrole_arn = arn:aws:iam::111111111111:role/OpsEntry\nsource_profile = maria\nduration_seconds = 1h\n",
            "a",
        );
        assert_eq!(r.verdict, Verdict::Refused);
        assert_eq!(r.failure.unwrap().check, "duration");
        let r = check_text(
            "[profile w]\nrole_arn = arn:aws:iam::222222222222:role/ProdOperations\nweb_identity_token_file = /tmp/token\n",
            "w",
        );
        assert_eq!(r.verdict, Verdict::Unknown);
        assert_eq!(r.start.kind, "web-identity");
    }
}
