//! `rolescope show ROLE`: everything known about one role — identity, trust policy,
//! permissions (inline, managed at their default version, boundary) and load warnings.

mod catalogue;

use std::io::Write;

use serde::Serialize;
use serde_json::Value;

use super::roles::{RoleSummary, duration, summary};
use super::{CliError, Context, Input, Outcome};
use crate::engine::kinds::{Classification, classify};
use crate::engine::lookup::find_role;
use crate::engine::model::{
    AttachedPolicy, InstanceProfileRef, Inventory, Known, LoadWarning, PolicyText, Role, Tag,
};
use crate::engine::policy::document::ParseError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The role: its name, or its ARN when the name exists in several accounts
    #[arg(value_name = "ROLE")]
    pub role: String,
    /// Print JSON (schema in docs/cli-json.md) instead of text
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: Input,
}

#[derive(Debug, Serialize)]
struct PolicyJson<'a> {
    document: Value,
    errors: &'a [ParseError],
}

#[derive(Debug, Serialize)]
struct InlineJson<'a> {
    name: &'a str,
    #[serde(flatten)]
    policy: PolicyJson<'a>,
}

#[derive(Debug, Serialize)]
struct ManagedJson<'a> {
    arn: &'a str,
    name: &'a str,
    /// False when the policy is referenced but not in the loaded data.
    found: bool,
    default_version: Option<&'a str>,
    document: Option<Value>,
    errors: &'a [ParseError],
}

#[derive(Debug, Serialize)]
struct ShowJson<'a> {
    schema: u32,
    demo: bool,
    role: RoleSummary<'a>,
    create_date: Option<String>,
    tags: &'a [Tag],
    instance_profiles: &'a [InstanceProfileRef],
    last_used: Option<LastUsedJson>,
    trust_policy: PolicyJson<'a>,
    inline_policies: Vec<InlineJson<'a>>,
    managed_policies: Vec<ManagedJson<'a>>,
    permissions_boundary: Option<ManagedJson<'a>>,
    /// False when only `list-roles`/`get-role` output describes the role: its permission
    /// policies are then unknown, not absent.
    policies_loaded: bool,
    warnings: Vec<&'a LoadWarning>,
    /// Everything the loader skipped or doubted, as printed on stderr.
    load_warnings: &'a [crate::engine::model::LoadWarning],
    /// How old the role's account's data is and what it lacks (bundles written by
    /// `rolescope collect`); absent for plain exports.
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<crate::engine::provenance::AccountData<'a>>,
    /// Wildcards read as actions, policy findings, and the access-level summary.
    #[serde(flatten)]
    catalogue: catalogue::CatalogueJson,
}

#[derive(Debug, Serialize)]
struct LastUsedJson {
    date: Option<String>,
    region: Option<String>,
}

fn policy_json(p: &PolicyText) -> PolicyJson<'_> {
    PolicyJson {
        document: p.json(),
        errors: &p.errors,
    }
}

fn managed_json<'a>(a: &'a AttachedPolicy, inv: &'a Inventory) -> ManagedJson<'a> {
    let policy = inv.managed_policy(&a.arn);
    let version = policy.and_then(|p| p.default_version());
    ManagedJson {
        arn: &a.arn,
        name: &a.name,
        found: policy.is_some(),
        default_version: version.map(|v| v.version_id.as_str()),
        document: version.map(|v| v.policy.json()),
        errors: version.map_or(&[], |v| v.policy.errors.as_slice()),
    }
}

/// Every warning that concerns `role`: its own and those about the policies it uses.
#[must_use]
pub fn role_warnings<'a>(role: &'a Role, inv: &'a Inventory) -> Vec<&'a LoadWarning> {
    let mut arns: Vec<&str> = vec![role.arn.as_str()];
    arns.extend(role.managed_policies.iter().map(|a| a.arn.as_str()));
    arns.extend(role.permissions_boundary.iter().map(|a| a.arn.as_str()));
    inv.warnings
        .iter()
        .filter(|w| arns.contains(&w.location.as_str()))
        .collect()
}

/// Prints one role.
///
/// # Errors
/// [`CliError::NotFound`] (exit 1) with close names when the role is not loaded.
pub fn run(args: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let inv = &ctx.inventory;
    let role = find_role(inv, &args.role)?;
    let warnings = role_warnings(role, inv);
    let data = inv
        .account(&role.account)
        .and_then(|a| crate::engine::provenance::account(a, chrono::Utc::now()));
    super::roles::note_provenance(data.as_slice());
    if args.json {
        let doc = ShowJson {
            schema: 1,
            demo: ctx.demo,
            role: summary(role, inv, classify(role, inv)),
            create_date: role.create_date.map(|d| d.to_rfc3339()),
            tags: &role.tags,
            instance_profiles: &role.instance_profiles,
            last_used: role.last_used.as_ref().map(|l| LastUsedJson {
                date: l.last_used_date.map(|d| d.to_rfc3339()),
                region: l.region.clone(),
            }),
            trust_policy: policy_json(&role.trust_policy),
            inline_policies: role
                .inline_policies
                .iter()
                .map(|p| InlineJson {
                    name: &p.name,
                    policy: policy_json(&p.policy),
                })
                .collect(),
            managed_policies: role
                .managed_policies
                .iter()
                .map(|a| managed_json(a, inv))
                .collect(),
            permissions_boundary: role
                .permissions_boundary
                .as_ref()
                .map(|a| managed_json(a, inv)),
            policies_loaded: role.policies_loaded,
            warnings,
            load_warnings: &inv.warnings,
            data,
            catalogue: catalogue::for_role(role, inv),
        };
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(Outcome::Yes);
    }
    text(role, inv, &classify(role, inv), &warnings, out)?;
    catalogue::text(&catalogue::for_role(role, inv), out)?;
    Ok(Outcome::Yes)
}

fn text(
    role: &Role,
    inv: &Inventory,
    classification: &Classification,
    warnings: &[&LoadWarning],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "role {}", role.name)?;
    let account = match inv.account(&role.account).and_then(|a| a.name.as_deref()) {
        Some(n) => format!("{} ({n})", role.account),
        None => role.account.clone(),
    };
    let field = |out: &mut dyn Write, k: &str, v: &str| writeln!(out, "  {k:<13}{v}");
    field(out, "arn", &role.arn)?;
    field(out, "account", &account)?;
    field(out, "path", &role.path)?;
    if !role.role_id.is_empty() {
        field(out, "role id", &role.role_id)?;
    }
    if let Some(d) = role.create_date {
        field(out, "created", &d.to_rfc3339())?;
    }
    field(
        out,
        "description",
        role.description
            .as_deref()
            .unwrap_or("(none in the loaded data)"),
    )?;
    let msd = match role.max_session_duration {
        Known::Known(s) => format!("{s} s ({})", duration(s)),
        Known::Unknown => {
            "unknown (3600 assumed for simulation; load `aws iam list-roles` output to know)"
                .to_owned()
        }
    };
    field(out, "max session", &msd)?;
    let last_used = match &role.last_used {
        None => "unknown".to_owned(),
        Some(l) => match (&l.last_used_date, &l.region) {
            (None, _) => "never (as far as IAM tracks)".to_owned(),
            (Some(d), Some(r)) => format!("{} in {r}", d.to_rfc3339()),
            (Some(d), None) => d.to_rfc3339(),
        },
    };
    field(out, "last used", &last_used)?;
    if !role.tags.is_empty() {
        let tags: Vec<String> = role
            .tags
            .iter()
            .map(|t| format!("{}={}", t.key, t.value))
            .collect();
        field(out, "tags", &tags.join(", "))?;
    }
    for ip in &role.instance_profiles {
        field(out, "instance prof", &format!("{} ({})", ip.name, ip.arn))?;
    }

    writeln!(out, "\nkinds")?;
    if classification.kinds.is_empty() {
        writeln!(
            out,
            "  (none: the trust policy lets no one assume this role)"
        )?;
    }
    for k in &classification.kinds {
        writeln!(out, "  {:<21}{}", k.kind.name(), k.reason)?;
    }
    if !classification.flags.is_empty() {
        writeln!(out, "\nflags")?;
        for f in &classification.flags {
            writeln!(out, "  ! {:<19}{}", f.flag.name(), f.reason)?;
        }
    }

    writeln!(out, "\ntrust policy")?;
    policy_text(out, &role.trust_policy)?;

    writeln!(out, "\npermissions")?;
    if !role.policies_loaded {
        writeln!(
            out,
            "  unknown: only `list-roles`/`get-role` output describes this role, so its permission policies are not in the loaded data; load `aws iam get-account-authorization-details`"
        )?;
    } else if role.inline_policies.is_empty() && role.managed_policies.is_empty() {
        writeln!(
            out,
            "  (no inline or attached policy: this role can do nothing)"
        )?;
    }
    for p in &role.inline_policies {
        writeln!(out, "  inline policy `{}`", p.name)?;
        policy_text(out, &p.policy)?;
    }
    for a in &role.managed_policies {
        managed_text(out, inv, a, "managed policy")?;
    }
    if let Some(b) = &role.permissions_boundary {
        writeln!(out, "\npermissions boundary")?;
        managed_text(out, inv, b, "boundary")?;
    }
    if !warnings.is_empty() {
        writeln!(out, "\nwarnings")?;
        for w in warnings {
            writeln!(out, "  - {} ({})", w.message, w.source)?;
        }
    }
    Ok(())
}

fn managed_text(
    out: &mut dyn Write,
    inv: &Inventory,
    a: &AttachedPolicy,
    label: &str,
) -> std::io::Result<()> {
    match inv.managed_policy(&a.arn) {
        None => writeln!(
            out,
            "  {label} `{}` ({}): not in the loaded data; what it allows is unknown{}",
            a.name,
            a.arn,
            if crate::engine::coverage::is_aws_managed(&a.arn) {
                " (it is an AWS managed policy: export without `--filter`, or fetch it with `aws iam get-policy-version`)"
            } else {
                ""
            }
        ),
        Some(p) => match p.default_version() {
            None => writeln!(
                out,
                "  {label} `{}` ({}): no default version in the data",
                a.name, a.arn
            ),
            Some(v) => {
                writeln!(
                    out,
                    "  {label} `{}` ({}), default version {}",
                    a.name, a.arn, v.version_id
                )?;
                policy_text(out, &v.policy)
            }
        },
    }
}

fn policy_text(out: &mut dyn Write, p: &PolicyText) -> std::io::Result<()> {
    let pretty = serde_json::to_string_pretty(&p.json()).unwrap_or_default();
    for line in pretty.lines() {
        writeln!(out, "    {line}")?;
    }
    for e in &p.errors {
        writeln!(out, "    ! {}: {}", e.path, e.message)?;
    }
    Ok(())
}
