//! What `show` adds from the service authorization catalogue: the wildcards of the role's
//! policies read as the actions they match (`s3:Get* (63 actions)`), the lint findings of its
//! policies, and the access-level summary of its effective permissions.

use std::io::Write;

use serde::Serialize;

use crate::engine::access_summary::{self, AccessSummary};
use crate::engine::catalogue::{self, Catalogue};
use crate::engine::lint::{LintFinding, lint_role};
use crate::engine::model::{Inventory, PolicyText, Role};
use crate::engine::policy::validate::Severity;

/// The catalogue's part of `show --json`.
#[derive(Debug, Serialize)]
pub struct CatalogueJson {
    /// The role's wildcards and `NotAction` lists, read as the actions they match.
    pub action_readings: Vec<String>,
    pub findings: Vec<LintFinding>,
    pub access_summary: AccessSummary,
}

/// Builds the catalogue's part of `show` for `role`.
#[must_use]
pub fn for_role(role: &Role, inv: &Inventory) -> CatalogueJson {
    let cat = catalogue::get();
    let mut texts: Vec<&PolicyText> = role.inline_policies.iter().map(|p| &p.policy).collect();
    texts.extend(
        role.managed_policies
            .iter()
            .chain(&role.permissions_boundary)
            .filter_map(|a| Some(&*inv.managed_policy(&a.arn)?.default_version()?.policy)),
    );
    CatalogueJson {
        action_readings: texts.iter().flat_map(|t| readings(t, cat)).collect(),
        findings: lint_role(role, inv, cat),
        access_summary: access_summary::for_role(role, inv, cat),
    }
}

/// `s3:Get* (63 actions)` for every wildcard action, `NotAction: every action except 3 s3
/// actions` for every `NotAction` list.
fn readings(text: &PolicyText, cat: &Catalogue) -> Vec<String> {
    let Some(doc) = &text.document else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for st in &doc.statements {
        let Some(list) = &st.action else { continue };
        if list.negated {
            out.push(format!(
                "NotAction {}: {}",
                list.patterns.join(", "),
                cat.describe_not_action(&list.patterns)
            ));
            continue;
        }
        for p in list.patterns.iter().filter(|p| p.contains(['*', '?'])) {
            let label = cat.expand(p).label();
            if !out.contains(&label) {
                out.push(label);
            }
        }
    }
    out
}

/// The text sections: wildcards, findings, access summary.
///
/// # Errors
/// A failed write.
pub fn text(c: &CatalogueJson, out: &mut dyn Write) -> std::io::Result<()> {
    if !c.action_readings.is_empty() {
        writeln!(
            out,
            "\nwildcards (rolescope expand PATTERN lists the actions)"
        )?;
        for r in &c.action_readings {
            writeln!(out, "  {r}")?;
        }
    }
    writeln!(
        out,
        "\naccess summary (identity policies ∩ permissions boundary ∩ SCPs; catalogue of {})",
        c.access_summary.catalogue
    )?;
    if c.access_summary.services.is_empty() {
        writeln!(
            out,
            "  nothing: no policy grants an action the catalogue knows"
        )?;
    }
    let width = c
        .access_summary
        .services
        .iter()
        .map(|s| s.prefix.len())
        .max()
        .unwrap_or(0);
    for s in &c.access_summary.services {
        writeln!(
            out,
            "  {:width$}  {}",
            s.prefix,
            access_summary::describe(s)
        )?;
    }
    for a in &c.access_summary.unknown_actions {
        writeln!(out, "  `{a}` is not an action the catalogue knows")?;
    }
    if !c.findings.is_empty() {
        writeln!(
            out,
            "\npolicy findings (rolescope lint; codes in docs/lint.md)"
        )?;
        for f in &c.findings {
            let sev = match f.finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            writeln!(
                out,
                "  {sev}[{}] {} at {}: {}",
                f.finding.code, f.finding.policy, f.finding.path, f.finding.message
            )?;
        }
    }
    Ok(())
}
