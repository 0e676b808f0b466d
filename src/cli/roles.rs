//! `rolescope roles`: the loaded roles, one line each with their kinds (or JSON), filtered by
//! kind and account.

use std::io::Write;

use serde::Serialize;

use super::{CliError, Context, Input, Outcome};
use crate::engine::kinds::{Classification, Classifier, FlagFinding, Kind, KindFinding};
use crate::engine::model::{Inventory, Known, Role};
use crate::engine::provenance::{self, AccountData};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only roles of this kind: service-role, service-linked, ec2-instance-profile,
    /// same-account, cross-account, saml, web-identity (any OIDC), github-actions, eks,
    /// cognito, google, roles-anywhere, identity-center
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    pub kind: Option<Kind>,
    /// Only roles in this account (12-digit id or the account's name)
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Option<String>,
    /// Print JSON (schema in docs/cli-json.md) instead of a table
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: Input,
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    s.parse::<Kind>().map_err(|e| e.to_string())
}

/// One role in `roles --json` (and the `role` object of `show --json`).
#[derive(Debug, Serialize)]
pub struct RoleSummary<'a> {
    pub arn: &'a str,
    pub account: &'a str,
    pub account_name: Option<&'a str>,
    pub name: &'a str,
    pub path: &'a str,
    pub role_id: &'a str,
    pub description: Option<&'a str>,
    pub max_session_duration: MaxSession,
    pub kinds: Vec<KindFinding>,
    pub flags: Vec<FlagFinding>,
    pub warnings: usize,
}

/// A role's `MaxSessionDuration`: the seconds and whether the data gave them.
#[derive(Debug, Serialize)]
pub struct MaxSession {
    pub seconds: u32,
    /// False when the data omits it (authorization-details exports): 3600 is assumed.
    pub known: bool,
}

#[derive(Debug, Serialize)]
struct RolesJson<'a> {
    schema: u32,
    demo: bool,
    count: usize,
    roles: Vec<RoleSummary<'a>>,
    /// Everything the loader skipped or doubted, as printed on stderr.
    load_warnings: &'a [crate::engine::model::LoadWarning],
    /// How old each collected account's data is and what it lacks (bundles written by
    /// `rolescope collect`); absent for plain exports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    data: Vec<AccountData<'a>>,
}

/// Says on stderr how old the data is and what it lacks, when the data says.
pub fn note_provenance(data: &[AccountData<'_>]) {
    if let Some(line) = provenance::summary_line(data) {
        eprintln!("note: {line}");
    }
}

/// The summary of `role` that both `roles` and `show` print.
#[must_use]
pub fn summary<'a>(
    role: &'a Role,
    inventory: &'a Inventory,
    classification: Classification,
) -> RoleSummary<'a> {
    RoleSummary {
        arn: &role.arn,
        account: &role.account,
        account_name: inventory
            .account(&role.account)
            .and_then(|a| a.name.as_deref()),
        name: &role.name,
        path: &role.path,
        role_id: &role.role_id,
        description: role.description.as_deref(),
        max_session_duration: MaxSession {
            seconds: role.effective_max_session(),
            known: matches!(role.max_session_duration, Known::Known(_)),
        },
        kinds: classification.kinds,
        flags: classification.flags,
        warnings: inventory
            .warnings
            .iter()
            .filter(|w| w.location == role.arn)
            .count(),
    }
}

/// `3600` → `1h`, `5400` → `1h30m`.
#[must_use]
pub fn duration(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, 0) => format!("{h}h{m}m"),
        _ => format!("{seconds}s"),
    }
}

/// Lists the roles.
///
/// # Errors
/// [`CliError::Usage`] for an `--account` that is not loaded; I/O errors writing.
pub fn run(args: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let inv = &ctx.inventory;
    if let Some(a) = &args.account {
        let known = inv
            .accounts
            .values()
            .any(|acct| &acct.id == a || acct.name.as_deref() == Some(a.as_str()));
        if !known {
            let ids: Vec<String> = inv.accounts.keys().map(|k| format!("`{k}`")).collect();
            return Err(CliError::Usage(format!(
                "account `{a}` is not in the loaded data; loaded accounts: {}",
                ids.join(", ")
            )));
        }
    }
    let classifier = Classifier::new(inv);
    let mut roles: Vec<(&Role, Classification)> = inv
        .roles
        .iter()
        .filter(|r| {
            args.account.as_deref().is_none_or(|a| {
                r.account == a || inv.account(&r.account).and_then(|x| x.name.as_deref()) == Some(a)
            })
        })
        .map(|r| (r, classifier.classify(r)))
        .filter(|(_, c)| args.kind.is_none_or(|k| c.answers_to(k)))
        .collect();
    roles.sort_by(|(a, _), (b, _)| (&a.account, &a.name).cmp(&(&b.account, &b.name)));

    let data = provenance::accounts(inv, chrono::Utc::now());
    note_provenance(&data);
    if args.json {
        let doc = RolesJson {
            schema: 1,
            demo: ctx.demo,
            count: roles.len(),
            roles: roles.into_iter().map(|(r, c)| summary(r, inv, c)).collect(),
            load_warnings: &inv.warnings,
            data,
        };
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(Outcome::Yes);
    }
    let name_width = roles
        .iter()
        .map(|(r, _)| r.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        out,
        "{:<12}  {:<name_width$}  {:>11}  KINDS",
        "ACCOUNT", "ROLE", "MAX SESSION"
    )?;
    for (r, c) in &roles {
        let msd = match r.max_session_duration {
            Known::Known(s) => duration(s),
            Known::Unknown => "unknown".to_owned(),
        };
        let mut tags: Vec<String> = c.kinds.iter().map(|k| k.kind.to_string()).collect();
        tags.extend(c.flags.iter().map(|f| format!("!{}", f.flag)));
        writeln!(
            out,
            "{:<12}  {:<name_width$}  {msd:>11}  {}",
            r.account,
            r.name,
            tags.join(" ")
        )?;
    }
    if roles.is_empty() {
        writeln!(out, "(no role matches)")?;
    }
    Ok(Outcome::Yes)
}
