//! `rolescope lint`: every policy of the loaded data and of the files given, validated as IAM
//! and IAM Access Analyzer do, as text, JSON or SARIF 2.1.0 (docs/lint.md).

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use serde_json::{Value, json};

use super::{CliError, Context, Input, Outcome};
use crate::engine::catalogue;
use crate::engine::lint::{LintFinding, RULES, lint_inventory, lint_text};
use crate::engine::policy::validate::{PolicyUse, Severity};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A policy document file to lint (repeatable); with only these, no account data is loaded
    #[arg(long = "policy", value_name = "FILE")]
    pub policies: Vec<PathBuf>,
    /// What the --policy files are (guessed from each document when not given)
    #[arg(long, value_enum, value_name = "USE")]
    pub policy_type: Option<PolicyType>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit 1 only for findings at least this severe
    #[arg(long, value_enum, default_value_t = MinSeverity::Warning, value_name = "S")]
    pub min_severity: MinSeverity,
    #[command(flatten)]
    pub input: Input,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyType {
    Identity,
    Boundary,
    Session,
    Scp,
    Rcp,
    Trust,
    Resource,
}

impl PolicyType {
    fn usage(self) -> PolicyUse {
        match self {
            Self::Identity => PolicyUse::Identity,
            Self::Boundary => PolicyUse::PermissionsBoundary,
            Self::Session => PolicyUse::SessionPolicy,
            Self::Scp => PolicyUse::ServiceControlPolicy,
            Self::Rcp => PolicyUse::ResourceControlPolicy,
            Self::Trust => PolicyUse::RoleTrust,
            Self::Resource => PolicyUse::ResourceBased,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinSeverity {
    Error,
    Warning,
}

impl MinSeverity {
    fn admits(self, s: Severity) -> bool {
        match self {
            Self::Error => s == Severity::Error,
            Self::Warning => true,
        }
    }
}

/// Lints and prints; exit 1 when a finding is at or above `--min-severity`.
///
/// # Errors
/// An unreadable policy file or data, or a failed write.
pub fn run(args: &Args, ctx: Option<&Context>, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let cat = catalogue::get();
    let mut findings = Vec::new();
    if let Some(ctx) = ctx {
        findings.extend(lint_inventory(&ctx.inventory, cat));
    }
    for path in &args.policies {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::Usage(format!(
                "cannot read `{}`: {e}; check the path",
                path.display()
            ))
        })?;
        findings.extend(lint_text(
            &path.display().to_string(),
            &text,
            args.policy_type.map(PolicyType::usage),
            cat,
        ));
    }
    findings.retain(|f| args.min_severity.admits(f.finding.severity));
    match args.format {
        Format::Text => text(&findings, out)?,
        Format::Json => {
            let v = json!({
                "schema": 1,
                "catalogue": cat.source,
                "count": findings.len(),
                "findings": findings,
            });
            serde_json::to_writer_pretty(&mut *out, &v).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif(&findings, &cat.source))
                .map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
    }
    Ok(if findings.is_empty() {
        Outcome::Yes
    } else {
        Outcome::No
    })
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn text(findings: &[LintFinding], out: &mut dyn Write) -> std::io::Result<()> {
    for f in findings {
        let sev = severity_word(f.finding.severity);
        let code = f.finding.code;
        match (&f.file, f.position) {
            (Some(file), Some(p)) => writeln!(
                out,
                "{file}:{}:{}: {sev}[{code}]: {} (at {})",
                p.line, p.column, f.finding.message, f.finding.path
            )?,
            _ => writeln!(
                out,
                "{} ({}) at {}: {sev}[{code}]: {}",
                f.subject, f.finding.policy, f.finding.path, f.finding.message
            )?,
        }
    }
    let errors = findings
        .iter()
        .filter(|f| f.finding.severity == Severity::Error)
        .count();
    writeln!(
        out,
        "{} finding{}: {errors} error{}, {} warning{}",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        if errors == 1 { "" } else { "s" },
        findings.len() - errors,
        if findings.len() - errors == 1 {
            ""
        } else {
            "s"
        },
    )
}

/// The findings as a SARIF 2.1.0 log: one rule per code, one result per finding.
fn sarif(findings: &[LintFinding], source: &catalogue::Source) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|(code, severity, text)| {
            json!({
                "id": code,
                "shortDescription": {"text": text},
                "defaultConfiguration": {"level": severity_word(*severity)},
                "helpUri": format!("https://github.com/rolescope/rolescope/blob/main/docs/lint.md#{}", if *severity == Severity::Error { "errors-what-aws-would-reject-or-what-cannot-mean-what-it-says" } else { "warnings-saved-by-aws-but-probably-not-what-was-meant" }),
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let rule_index = RULES.iter().position(|(c, _, _)| *c == f.finding.code);
            let mut location = json!({
                "logicalLocations": [{
                    "fullyQualifiedName": format!("{} / {} / {}", f.subject, f.finding.policy, f.finding.path),
                    "kind": "resource",
                }],
            });
            if let Some(file) = &f.file {
                let mut physical = json!({"artifactLocation": {"uri": file_uri(file)}});
                if let Some(p) = f.position {
                    physical["region"] = json!({"startLine": p.line, "startColumn": p.column});
                }
                location["physicalLocation"] = physical;
            }
            let mut result = json!({
                "ruleId": f.finding.code,
                "level": severity_word(f.finding.severity),
                "message": {"text": f.finding.message},
                "locations": [location],
            });
            if let Some(i) = rule_index {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rolescope",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/rolescope/rolescope",
                "properties": {"catalogue": source},
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// A relative path as a URI reference (forward slashes, spaces and other reserved characters
/// escaped).
fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    percent_encoding::utf8_percent_encode(&path, URI_PATH).to_string()
}

const URI_PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');
