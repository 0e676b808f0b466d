//! `rolescope external`: every role a principal outside the loaded accounts (another
//! account, `*`, a web-identity or SAML provider's users) can assume, with its conditions,
//! in the manner of IAM Access Analyzer's external access findings; and every role that
//! trusts a service without `aws:SourceAccount` / `aws:SourceArn` (confused deputy).

use std::io::Write;

use serde_json::json;

use super::graph::{badges, build, short};
use super::{CliError, Context, Input, Outcome};
use crate::engine::graph::{EdgeStatus, ExternalKind};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: Input,
}

fn kind_word(k: ExternalKind) -> &'static str {
    match k {
        ExternalKind::Account => "account",
        ExternalKind::Principal => "principal",
        ExternalKind::Everyone => "everyone",
        ExternalKind::Federated => "federated",
    }
}

/// Lists the findings.
///
/// # Errors
/// I/O errors writing.
pub fn run(args: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let g = build(ctx);
    let ext = g.external_access();
    if args.json {
        let doc = json!({
            "schema": 1,
            "load_warnings": &ctx.inventory.warnings,
            "findings": ext.findings.iter().map(|f| json!({
                "resource": g.node(f.role).id,
                "resource_type": "AWS::IAM::Role",
                "principal": g.node(f.principal).id,
                "principal_kind": f.kind,
                "action": f.edge.api.action(),
                "status": match f.edge.status {
                    EdgeStatus::Works => "active",
                    EdgeStatus::Broken { .. } => "blocked",
                    EdgeStatus::Unknown { .. } => "unknown",
                },
                "conditions": f.edge.requirements(),
                "edge": g.edge_json(&f.edge),
            })).collect::<Vec<_>>(),
            "confused_deputies": ext.confused_deputies.iter().map(|d| json!({
                "role": g.node(d.role).id,
                "service": d.service,
                "trust_statement": d.trust_statement,
            })).collect::<Vec<_>>(),
        });
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(Outcome::Yes);
    }
    writeln!(
        out,
        "External access: roles principals outside the loaded accounts can assume"
    )?;
    if ext.findings.is_empty() {
        writeln!(out, "\n  none")?;
    } else {
        writeln!(out)?;
        for f in &ext.findings {
            let status = match &f.edge.status {
                EdgeStatus::Works => "active".to_owned(),
                EdgeStatus::Broken { message, .. } => format!("blocked: {message}"),
                EdgeStatus::Unknown { .. } => format!(
                    "unknown: {}",
                    f.edge.status.unknown_sentence().unwrap_or_default()
                ),
            };
            writeln!(
                out,
                "  {} <- {} {} via {}{} ({status})",
                short(&g, f.role),
                kind_word(f.kind),
                g.node(f.principal).id,
                f.edge.api.via(),
                badges(&f.edge)
            )?;
        }
    }
    writeln!(
        out,
        "\nConfused deputy: roles trusting a service that assumes roles by ARN, without aws:SourceAccount, aws:SourceArn or an external ID"
    )?;
    if ext.confused_deputies.is_empty() {
        writeln!(out, "\n  none")?;
    } else {
        writeln!(out)?;
        for d in &ext.confused_deputies {
            writeln!(
                out,
                "  {} trusts {} (statement {}); add a condition on aws:SourceAccount or aws:SourceArn (or sts:ExternalId where the service passes one)",
                short(&g, d.role),
                d.service,
                d.trust_statement
            )?;
        }
    }
    Ok(Outcome::Yes)
}
