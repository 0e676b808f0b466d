//! `rolescope exercises`: the exercises of the built-in lessons (or a classroom pack's),
//! and `--check NAME DATA...`: whether the data solves one, with the goals not met and the
//! access an over-broad solution adds (exit 0 solved, 1 not).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use super::{CliError, Context, Input, Outcome};
use crate::engine::exercise::{self, Exercise};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Check whether the data (PATH...) solves this exercise, against the built-in demo
    /// organisation (or `--pack`'s data)
    #[arg(long, value_name = "NAME")]
    pub check: Option<String>,
    /// The classroom pack the exercise comes from (its lessons and its data are the base)
    #[arg(long, value_name = "DIR")]
    pub pack: Option<PathBuf>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: Input,
}

/// Runs `rolescope exercises`.
///
/// # Errors
/// [`CliError`] for unreadable lessons or data, an unknown exercise, output failures.
pub fn run(args: &Args, top: &Input, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let paths: Vec<PathBuf> = top.paths.iter().chain(&args.input.paths).cloned().collect();
    let Some(name) = &args.check else {
        // Listing: PATH is the pack (or nothing: the built-in lessons).
        let lessons = super::lessons::lessons_for(&paths)?;
        return list(&exercise::all(&lessons), args.json, out);
    };
    let pack: Vec<PathBuf> = args.pack.iter().cloned().collect();
    let lessons = super::lessons::lessons_for(&pack)?;
    let all = exercise::all(&lessons);
    let ex = exercise::find(&all, name).map_err(CliError::Usage)?;
    let base = super::context(
        &Input::default(),
        &Input {
            paths: pack,
            demo: false,
        },
    )?;
    let candidate = super::context(top, &args.input)?;
    check(ex, &base, &candidate, args.json, out)
}

fn list(all: &[Exercise], json: bool, out: &mut dyn Write) -> Result<Outcome, CliError> {
    if json {
        let list: Vec<_> = all
            .iter()
            .map(|e| {
                serde_json::json!({"name": e.spec.name, "title": e.spec.title,
                    "lesson": e.lesson, "goals": e.spec.goals.iter().map(|g| &g.says).collect::<Vec<_>>(),
                    "hints": e.spec.hints.len()})
            })
            .collect();
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        )?;
        return Ok(Outcome::Yes);
    }
    let width = all.iter().map(|e| e.spec.name.len()).max().unwrap_or(4);
    for e in all {
        writeln!(
            out,
            "{:width$}  {} (lesson {})",
            e.spec.name, e.spec.title, e.lesson
        )?;
        for g in &e.spec.goals {
            writeln!(out, "{:width$}    · {}", "", g.says)?;
        }
    }
    writeln!(
        out,
        "\n{} exercises; check your data with `rolescope exercises --check NAME DATA...`",
        all.len()
    )?;
    Ok(Outcome::Yes)
}

fn check(
    ex: &Exercise,
    base: &Context,
    candidate: &Context,
    json: bool,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let report = exercise::check(ex, &base.inventory, &Arc::clone(&candidate.inventory));
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        )?;
    } else {
        writeln!(
            out,
            "exercise `{}`: {}",
            ex.spec.name,
            if report.solved {
                "solved"
            } else {
                "not solved"
            }
        )?;
        for g in &report.goals {
            writeln!(
                out,
                "  {} {}{}",
                if g.met { "✓" } else { "✗" },
                g.says,
                g.why
                    .as_ref()
                    .map(|w| format!(" — {w}"))
                    .unwrap_or_default()
            )?;
        }
        for p in report.problems().iter().filter(|p| !p.starts_with("goal")) {
            writeln!(out, "  ✗ {p}")?;
        }
    }
    Ok(if report.solved {
        Outcome::Yes
    } else {
        Outcome::No
    })
}
