//! `rolescope expand PATTERN...`: the actions an `Action` pattern matches by the service
//! authorization catalogue, with their access levels; with `--not`, the patterns read as a
//! `NotAction` list.

use std::io::Write;

use serde::Serialize;

use super::{CliError, Outcome};
use crate::engine::catalogue::{self, Expansion, expand::count_words};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Action patterns as a policy writes them (`s3:Get*`, `*:Describe*`, `iam:PassRole`)
    #[arg(value_name = "PATTERN", required = true)]
    pub patterns: Vec<String>,
    /// Read the patterns as a `NotAction` list: every action except those they match
    #[arg(long)]
    pub not: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct ExpandJson<'a> {
    schema: u32,
    catalogue: &'a catalogue::Source,
    not_action: bool,
    /// `NotAction` only: how the list reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    reading: Option<String>,
    patterns: &'a [Expansion],
}

/// Prints what every pattern matches; exit 1 when some pattern matches no action.
///
/// # Errors
/// Only a failed write.
pub fn run(args: &Args, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let cat = catalogue::get();
    let expansions: Vec<Expansion> = args.patterns.iter().map(|p| cat.expand(p)).collect();
    let reading = args.not.then(|| cat.describe_not_action(&args.patterns));
    let all_match = expansions.iter().all(|e| !e.actions.is_empty());
    if args.json {
        let json = ExpandJson {
            schema: 1,
            catalogue: &cat.source,
            not_action: args.not,
            reading,
            patterns: &expansions,
        };
        serde_json::to_writer_pretty(&mut *out, &json).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        if let Some(r) = &reading {
            writeln!(out, "NotAction: {r}")?;
        }
        for e in &expansions {
            if e.actions.is_empty() {
                writeln!(
                    out,
                    "{}: matches no action in the catalogue of {}",
                    e.pattern, cat.source.date
                )?;
                continue;
            }
            writeln!(out, "{} ({})", e.pattern, count_words(e.actions.len()))?;
            let width = e.actions.iter().map(|a| a.action.len()).max().unwrap_or(0);
            for a in &e.actions {
                writeln!(out, "  {:width$}  {}", a.action, a.access_level)?;
            }
        }
    }
    Ok(if all_match { Outcome::Yes } else { Outcome::No })
}
