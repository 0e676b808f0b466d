//! `rolescope authorize`: may this principal perform this action on this resource? Evaluates
//! one request against the loaded data as AWS would, and prints the decision with its reasons
//! (text, or JSON with `--json`).
//!
//! Exit status: 0 allowed, 1 denied (explicitly or implicitly), 2 error (unreadable input,
//! unknown principal, bad argument).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{CliError, Context, Input, Outcome};
use crate::engine::load::policy_file;
use crate::engine::lookup::{find_role, find_user};
use crate::engine::model::Inventory;
use crate::engine::policy::decision::{LayerOutcome, Outcome as Verdict};
use crate::engine::policy::{
    AccessRequest, ContextValue, Decision, Finding, NamedPolicy, PolicyIndex, PolicyLevel,
    PolicyUse, Principal, RequestContext, ResourceBasedPolicy, gather, validate,
};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Exit codes: 0 allowed, 1 denied (explicit or implicit deny), 2 error.

The principal is a user, role, assumed-role session, federated-user or root ARN, an account
id, a service name (ec2.amazonaws.com), or the name of a loaded user or role. A role stands
for one of its sessions. Context keys AWS sets on its own (aws:PrincipalArn, aws:PrincipalTag/*,
aws:userid, aws:CurrentTime, …) are filled in from the data; --context adds or overrides keys,
and repeating a key gives it several values (aws:TagKeys). A --context key that no real request
for the action carries (by the service authorization catalogue: s3:prefix on dynamodb:GetItem)
is left out and reported in a note.")]
pub struct Args {
    /// Who makes the request
    #[arg(long, value_name = "ARN")]
    pub principal: String,
    /// The action, `service:Action` (case-insensitive)
    #[arg(long, value_name = "ACTION")]
    pub action: String,
    /// The resource ARN, or `*`
    #[arg(long, value_name = "ARN")]
    pub resource: String,
    /// The account that owns the resource, for ARNs without one (S3 buckets)
    #[arg(long, value_name = "ACCOUNT")]
    pub resource_account: Option<String>,
    /// A condition key for the request, `KEY=VALUE`; repeat for more keys or values
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// A resource-based policy to use instead of the one in the data: the document, or the
    /// output of the AWS CLI command that prints it (s3api get-bucket-policy, …)
    #[arg(long, value_name = "FILE")]
    pub resource_policy: Option<PathBuf>,
    /// An SCP replacing the principal account's SCPs (the document, or `aws organizations
    /// describe-policy` output); repeat for one level each, root first
    #[arg(long, value_name = "FILE")]
    pub scp: Vec<PathBuf>,
    /// The region the request is sent to (default: the resource ARN's, or us-east-1)
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The time of the request (RFC 3339), for aws:CurrentTime and date conditions
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub trace: super::trace::TraceArgs,
    #[command(flatten)]
    pub input: Input,
}

#[derive(Debug, Serialize)]
struct AuthorizeJson<'a> {
    schema: u32,
    demo: bool,
    decision: &'a Decision,
    context: &'a RequestContext,
    findings: &'a [Finding],
    /// Everything the loader skipped or doubted, as printed on stderr.
    load_warnings: &'a [crate::engine::model::LoadWarning],
    /// With `--trace`: the checks as a trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<&'a [crate::engine::lesson::TraceLine]>,
}

/// Reads a policy file: the document, or the AWS CLI output around it. A file with any part
/// rolescope cannot read is refused, never evaluated without that part.
fn read_policy(
    path: &Path,
    usage: PolicyUse,
    findings: &mut Vec<Finding>,
) -> Result<NamedPolicy, CliError> {
    let file = policy_file::read(path, super::policy_file_limit(), usage)?;
    let label = path.display().to_string();
    findings.extend(validate(&label, &file.json, usage));
    Ok(NamedPolicy::new(
        label,
        crate::engine::policy::CompiledPolicy::shared(&file.document),
    ))
}

fn parse_context(items: &[String]) -> Result<RequestContext, CliError> {
    let mut ctx = RequestContext::new();
    for item in items {
        let Some((k, v)) = item.split_once('=') else {
            return Err(CliError::Usage(format!(
                "`--context {item}` needs KEY=VALUE, for example `--context aws:SourceIp=203.0.113.7`"
            )));
        };
        let k = k.trim();
        if k.is_empty() {
            return Err(CliError::Usage(format!(
                "`--context {item}` has no key before `=`"
            )));
        }
        let value = match ctx.get(k) {
            Some(prev) => {
                let mut all = prev.values().to_vec();
                all.push(v.to_owned());
                ContextValue::Multi(all)
            }
            None => ContextValue::Single(v.to_owned()),
        };
        ctx.insert(k, value);
    }
    Ok(ctx)
}

fn resolve_principal(inv: &Inventory, text: &str) -> Result<Principal, CliError> {
    if let Ok(p) = Principal::parse(text) {
        return Ok(p);
    }
    if let Ok(user) = find_user(inv, text) {
        return Ok(Principal::user(&user.arn, &user.account));
    }
    match find_role(inv, text) {
        Ok(role) => Ok(Principal::role_session(
            &role.arn,
            crate::engine::policy::principal::DEFAULT_SESSION_NAME,
        )),
        Err(_) => Err(CliError::Usage(format!(
            "`{text}` is not a principal ARN, an account id, a service name or a loaded user or role; give an ARN such as `arn:aws:iam::111122223333:user/ana`"
        ))),
    }
}

/// Runs `authorize`.
///
/// # Errors
/// [`CliError::Usage`] for unreadable files, bad arguments or an unknown principal.
pub fn run(args: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let inv = &ctx.inventory;
    let principal = resolve_principal(inv, &args.principal)?;
    let now: DateTime<Utc> = match &args.time {
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map_err(|e| {
                CliError::Usage(format!(
                    "`--time {t}` is not an RFC 3339 time ({e}); write it like `2026-11-24T09:00:00Z`"
                ))
            })?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    let mut findings = Vec::new();
    let mut req = AccessRequest::new(principal, &args.action, &args.resource, now);
    req.resource_account.clone_from(&args.resource_account);
    req.region.clone_from(&args.region);
    req.context = parse_context(&args.context)?;
    // Keys no real request for the action carries are left out, as AWS would never send them.
    let key_notes = crate::engine::catalogue::get()
        .screen_supplied_keys(&args.action, req.context.iter().into_iter().map(|(k, _)| k));
    for n in key_notes.iter().filter(|n| n.ignored) {
        req.context.remove(&n.key);
    }
    if let Some(path) = &args.resource_policy {
        let is_role_trust = args.action.to_lowercase().starts_with("sts:assumerole")
            && args.resource.contains(":role/");
        let usage = if is_role_trust {
            PolicyUse::RoleTrust
        } else {
            PolicyUse::ResourceBased
        };
        req.resource_policy = Some(ResourceBasedPolicy {
            policy: read_policy(path, usage, &mut findings)?,
            is_role_trust,
        });
    }
    if !args.scp.is_empty() {
        let mut levels = Vec::new();
        for (i, path) in args.scp.iter().enumerate() {
            levels.push(PolicyLevel {
                target: format!("level {}", i + 1),
                policies: vec![read_policy(
                    path,
                    PolicyUse::ServiceControlPolicy,
                    &mut findings,
                )?],
            });
        }
        req.scps = Some(levels);
    }
    let index = PolicyIndex::build(inv);
    let input = gather(inv, &index, &req).map_err(|e| CliError::Usage(e.to_string()))?;
    let mut decision = crate::engine::policy::evaluate(&input);
    decision.notes.extend(key_notes.iter().map(|n| n.line()));
    let trace = args
        .trace
        .of(&crate::engine::wizard::Ran::Authorize(Box::new(
            decision.clone(),
        )));
    if args.json {
        let doc = AuthorizeJson {
            schema: 1,
            demo: ctx.demo,
            decision: &decision,
            context: &input.context,
            findings: &findings,
            load_warnings: &inv.warnings,
            trace: trace.as_deref(),
        };
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else if let Some(trace) = &trace {
        writeln!(out, "{}", head(&decision))?;
        super::trace::write(out, trace, "", args.trace.arns)?;
        for f in &findings {
            writeln!(out, "{f}")?;
        }
    } else {
        text(&decision, &findings, out)?;
    }
    Ok(if decision.is_allowed() {
        Outcome::Yes
    } else if decision.is_unknown() {
        Outcome::Unknown
    } else {
        Outcome::No
    })
}

fn layer_word(o: LayerOutcome) -> &'static str {
    match o {
        LayerOutcome::Allowed => "allows",
        LayerOutcome::ExplicitDeny => "denies (explicit)",
        LayerOutcome::ImplicitDeny => "does not allow",
        LayerOutcome::NotApplicable => "not applicable",
    }
}

/// The answer's first line: `ALLOWED`, `DENIED (…)` or `UNKNOWN (…)`.
fn head(d: &Decision) -> &'static str {
    match d.outcome {
        Verdict::Allow => "ALLOWED",
        Verdict::ExplicitDeny => "DENIED (explicit deny)",
        Verdict::ImplicitDeny => "DENIED (implicit deny)",
        Verdict::Unknown => "UNKNOWN (the answer depends on data that is not loaded)",
    }
}

fn text(d: &Decision, findings: &[Finding], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{}", head(d))?;
    writeln!(out, "{}", d.message)?;
    if !d.missing.is_empty() {
        writeln!(
            out,
            "{}",
            if d.is_unknown() {
                "missing from the data:"
            } else {
                "missing from the data (the answer is the same whatever it holds):"
            }
        )?;
        for m in &d.missing {
            writeln!(out, "  - {}", m.what)?;
            writeln!(out, "    fetch: {}", m.fetch)?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        if d.is_unknown() {
            "policy types (as loaded, without the missing pieces):"
        } else {
            "policy types:"
        }
    )?;
    for l in &d.layers {
        write!(
            out,
            "  {:<24} {}",
            l.policy_type.phrase(),
            layer_word(l.outcome)
        )?;
        if !l.levels.is_empty() {
            let levels: Vec<String> = l
                .levels
                .iter()
                .map(|lv| format!("{}: {}", lv.target, layer_word(lv.outcome)))
                .collect();
            write!(out, " ({})", levels.join("; "))?;
        }
        writeln!(out)?;
    }
    if !d.matched_statements.is_empty() {
        writeln!(out, "matched statements:")?;
        for m in &d.matched_statements {
            writeln!(
                out,
                "  {:<5} {} {}",
                m.effect.to_string().to_lowercase(),
                m.policy_type.phrase(),
                m.describe()
            )?;
        }
    }
    if !d.missing_context_keys.is_empty() {
        writeln!(
            out,
            "context keys the policies asked for but the request lacks: {}",
            d.missing_context_keys.join(", ")
        )?;
    }
    for n in &d.notes {
        writeln!(out, "note: {n}")?;
    }
    for f in findings {
        writeln!(out, "{f}")?;
    }
    Ok(())
}
