//! `rolescope assume`: simulate an `AssumeRole` (and, with `--then`, further hops made with
//! each new session) and say what STS would answer — the session with its expiry and what
//! carried over, or the error with every failing check, its category and its fix.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::{CliError, Context, Input, Outcome};
use crate::engine::lookup::find_user;
use crate::engine::model::Inventory;
use crate::engine::policy::context_builder::time_text;
use crate::engine::sts::chain::ChainStep;
use crate::engine::sts::request::{
    AssumeRoleRequest, CallerCredentials, CallerSessionDoc, MfaDoc, ResultDoc, SessionOrigin,
    TagDoc,
};
use crate::engine::sts::{Outcome as StsOutcome, Simulator};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Who calls: a user name or ARN, an assumed-role session or role ARN, or a service
    /// principal such as `ec2.amazonaws.com`
    #[arg(long, value_name = "ARN")]
    pub caller: String,
    /// The role to assume: its ARN (case sensitive), or its name when only one role has it
    #[arg(long, value_name = "ROLE")]
    pub role: String,
    /// DurationSeconds to ask for (default 3600)
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<i64>,
    /// ExternalId to pass
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// Pass MFA (a valid SerialNumber and TokenCode)
    #[arg(long)]
    pub mfa: bool,
    /// Seconds since the MFA authentication (with --mfa)
    #[arg(long, value_name = "SECONDS", requires = "mfa")]
    pub mfa_age: Option<i64>,
    /// A session tag KEY=VALUE (repeatable)
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
    /// A transitive tag key (repeatable)
    #[arg(long = "transitive", value_name = "KEY")]
    pub transitive: Vec<String>,
    /// SourceIdentity to set
    #[arg(long, value_name = "NAME")]
    pub source_identity: Option<String>,
    /// RoleSessionName (default `rolescope`)
    #[arg(long, value_name = "NAME")]
    pub session_name: Option<String>,
    /// A file holding an inline session policy (JSON)
    #[arg(long, value_name = "FILE")]
    pub session_policy: Option<PathBuf>,
    /// What the caller's credentials are (default: read from the ARN)
    #[arg(long, value_name = "KIND", value_parser = parse_credentials)]
    pub caller_credentials: Option<CallerCredentials>,
    /// The Region of the STS endpoint (e.g. eu-west-1)
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The clock, RFC 3339 (default: now)
    #[arg(long, value_name = "TIME")]
    pub now: Option<DateTime<Utc>>,
    /// An extra request-context key KEY=VALUE (repeatable), e.g. aws:SourceIp=203.0.113.7
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// Then assume this role with the session just made (repeatable: a chain)
    #[arg(long = "then", value_name = "ROLE")]
    pub then: Vec<String>,
    /// DurationSeconds to ask for at each `--then` hop (default 3600)
    #[arg(long, value_name = "SECONDS")]
    pub then_duration: Option<i64>,
    /// Print JSON: `{"hops": [result, …]}` with the `simulate` result document per hop
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub trace: super::trace::TraceArgs,
    #[command(flatten)]
    pub input: Input,
}

fn parse_credentials(s: &str) -> Result<CallerCredentials, String> {
    serde_json::from_value(Value::String(s.to_owned())).map_err(|_| {
        format!("`{s}` is not a kind of credentials; use long-term, assumed-role-session, ec2-instance-profile, get-session-token, federated-user, root or service-principal")
    })
}

fn key_value(s: &str, what: &str) -> Result<(String, String), CliError> {
    s.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| {
            CliError::Usage(format!("`{s}` is not KEY=VALUE; write {what} as KEY=VALUE"))
        })
}

/// The caller ARN: a user name is looked up; ARNs and service names pass through.
fn resolve_caller(inv: &Inventory, caller: &str) -> Result<String, CliError> {
    if caller.starts_with("arn:")
        || caller.ends_with(".amazonaws.com")
        || caller.ends_with(".amazonaws.com.cn")
        || caller.chars().all(|c| c.is_ascii_digit())
    {
        return Ok(caller.to_owned());
    }
    Ok(find_user(inv, caller)?.arn.clone())
}

fn build_request(
    a: &Args,
    inv: &Inventory,
    now: DateTime<Utc>,
) -> Result<AssumeRoleRequest, CliError> {
    let caller = resolve_caller(inv, &a.caller)?;
    let mut tags = Vec::new();
    for t in &a.tags {
        let (k, v) = key_value(t, "--tag")?;
        tags.push(TagDoc::new(k, v));
    }
    let mut context = std::collections::BTreeMap::new();
    for c in &a.context {
        let (k, v) = key_value(c, "--context")?;
        context.insert(k, crate::engine::sts::request::ContextValueDoc::One(v));
    }
    let policy_raw = match &a.session_policy {
        // Read within the policy-file limit; binary input is refused at its first bytes.
        Some(p) => Some(crate::engine::load::decode::text(
            p,
            crate::engine::load::read_limited(p, super::policy_file_limit())?,
        )?),
        None => None,
    };
    let session_caller = caller.contains(":assumed-role/") || caller.contains(":role/");
    let caller_session = session_caller.then(|| CallerSessionDoc {
        created_by: Some(match a.caller_credentials {
            Some(CallerCredentials::Ec2InstanceProfile) => SessionOrigin::Ec2InstanceProfile,
            _ => SessionOrigin::AssumeRole,
        }),
        issued_at: Some(now - Duration::minutes(5)),
        expires_at: Some(now + Duration::minutes(55)),
        ..CallerSessionDoc::default()
    });
    let account = caller
        .split(':')
        .nth(4)
        .unwrap_or("123456789012")
        .to_owned();
    let user = caller.rsplit('/').next().unwrap_or("device").to_owned();
    Ok(AssumeRoleRequest {
        now: Some(now),
        region: a.region.clone(),
        context,
        caller,
        caller_credentials: a.caller_credentials,
        caller_session,
        role: a.role.clone(),
        role_session_name: Some(
            a.session_name
                .clone()
                .unwrap_or_else(|| "rolescope".to_owned()),
        ),
        duration_seconds: a.duration,
        external_id: a.external_id.clone(),
        source_identity: a.source_identity.clone(),
        mfa: a.mfa.then(|| MfaDoc {
            serial_number: format!("arn:aws:iam::{account}:mfa/{user}"),
            token_code: "123456".to_owned(),
            token_valid: true,
            auth_age_seconds: a.mfa_age,
        }),
        tags,
        transitive_tag_keys: a.transitive.clone(),
        policy_raw,
        ..AssumeRoleRequest::default()
    })
}

/// Runs `rolescope assume`.
///
/// # Errors
/// Usage errors (bad KEY=VALUE, unreadable session policy, unknown caller) and output errors.
pub fn run(a: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let inv = &*ctx.inventory;
    let now = a.now.unwrap_or_else(Utc::now);
    let first = build_request(a, inv, now)?;
    let steps: Vec<ChainStep> = a
        .then
        .iter()
        .map(|r| ChainStep {
            role: r.clone(),
            duration_seconds: a.then_duration,
            ..ChainStep::default()
        })
        .collect();
    let sim = Simulator::new(inv);
    let hops = sim
        .chain(&first, &steps, now)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let all_ok = hops.len() == steps.len() + 1 && hops.iter().all(StsOutcome::is_allowed);
    if a.json {
        let docs: Vec<ResultDoc> = hops
            .iter()
            .map(|h| ResultDoc::from_outcome(None, h))
            .collect();
        let mut doc = json!({"hops": docs, "load_warnings": &ctx.inventory.warnings});
        if a.trace.trace.is_some() {
            let traces: Vec<_> = hops.iter().filter_map(|h| hop_trace(a, h)).collect();
            doc["traces"] = json!(traces);
        }
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(|e| CliError::Io(e.into()))?;
        writeln!(out)?;
    } else {
        for (i, h) in hops.iter().enumerate() {
            match hop_trace(a, h) {
                Some(trace) => {
                    writeln!(out, "hop {}: {} → {}", i + 1, h.caller_arn, h.role_arn)?;
                    super::trace::write(out, &trace, "  ", a.trace.arns)?;
                    for fix in h.fixes() {
                        writeln!(out, "  fix: {}", fix.summary())?;
                    }
                }
                None => write_hop(out, i + 1, h, now)?,
            }
        }
        if hops.len() < steps.len() + 1 {
            writeln!(
                out,
                "{}",
                if hops.last().is_some_and(StsOutcome::is_unknown) {
                    "the chain stops here: whether this hop gets a session is unknown, and the remaining hops need it"
                } else {
                    "the chain stops here: the remaining hops need the session this hop did not get"
                }
            )?;
        }
    }
    Ok(if all_ok {
        Outcome::Yes
    } else if hops.last().is_some_and(StsOutcome::is_unknown) {
        Outcome::Unknown
    } else {
        Outcome::No
    })
}

/// The trace of one hop, when `--trace` asks for one.
fn hop_trace(a: &Args, h: &StsOutcome) -> Option<Vec<crate::engine::lesson::TraceLine>> {
    a.trace
        .of(&crate::engine::wizard::Ran::Sts(Box::new(h.clone())))
}

fn write_hop(
    out: &mut dyn Write,
    n: usize,
    h: &StsOutcome,
    now: DateTime<Utc>,
) -> std::io::Result<()> {
    writeln!(out, "hop {n}: {} → {}", h.caller_arn, h.role_arn)?;
    match (&h.session, &h.error) {
        (Some(s), None) => {
            writeln!(out, "  allowed: {}", s.assumed_role_arn)?;
            writeln!(out, "    AssumedRoleId  {}", s.assumed_role_id)?;
            writeln!(
                out,
                "    expires        {} ({} s{}){}",
                time_text(s.expiration),
                s.duration_seconds,
                if s.chained {
                    ", role chaining: 1-hour cap"
                } else {
                    ""
                },
                if s.expiration <= now {
                    " — already expired"
                } else {
                    ""
                }
            )?;
            writeln!(
                out,
                "    credentials    {} (simulated, not usable with AWS)",
                s.credentials.access_key_id
            )?;
            if !s.principal_tags.is_empty() {
                let tags: Vec<String> = s
                    .principal_tags
                    .iter()
                    .map(|t| format!("{}={}", t.key, t.value))
                    .collect();
                writeln!(out, "    principal tags {}", tags.join(", "))?;
            }
            if !s.transitive_tag_keys.is_empty() {
                writeln!(
                    out,
                    "    carried over   transitive tags {}",
                    s.transitive_tag_keys.join(", ")
                )?;
            }
            if let Some(si) = &s.source_identity {
                writeln!(out, "    carried over   source identity {si}")?;
            }
            if let Some(p) = s.packed_policy_size {
                writeln!(out, "    packed size    ~{p}% (estimate)")?;
            }
            for note in h.notes.iter().chain(&s.notes) {
                writeln!(out, "    note: {note}")?;
            }
        }
        (None, None) if h.is_unknown() => {
            writeln!(
                out,
                "  unknown: whether STS would allow this hop depends on data that is not loaded"
            )?;
            writeln!(out, "  missing from the data:")?;
            for m in &h.missing {
                writeln!(out, "  - {}", m.what)?;
                writeln!(out, "    fetch: {}", m.fetch)?;
            }
            for note in &h.notes {
                writeln!(out, "  note: {note}")?;
            }
        }
        (_, error) => {
            if let Some(e) = error {
                writeln!(out, "  {}: {}", e.code.as_str(), e.message)?;
            }
            let n = h.findings.len();
            writeln!(
                out,
                "  why ({n} failing check{}):",
                if n == 1 { "" } else { "s" }
            )?;
            for (i, f) in h.findings.iter().enumerate() {
                writeln!(
                    out,
                    "  {}. [{}] {}",
                    i + 1,
                    f.category.label(),
                    f.explanation
                )?;
                if let Some(fix) = &f.fix {
                    writeln!(out, "     fix: {}", fix.summary())?;
                }
            }
            for note in &h.notes {
                writeln!(out, "  note: {note}")?;
            }
        }
    }
    Ok(())
}
