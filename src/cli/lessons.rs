//! `rolescope lessons`: the lesson index (built-in lessons, or a classroom pack's), a
//! check that every lesson still plays against the loaded data (`--check`, for teachers
//! preparing a pack), and a printed walk-through of one lesson (`--play NAME`).

use std::io::Write;
use std::path::PathBuf;

use super::{CliError, Context, Input, Outcome};
use crate::engine::lesson::{self, Lesson, LessonError, Player};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Play every lesson against the loaded data and report any expectation that fails
    /// (exit 1 when one does)
    #[arg(long, conflicts_with = "play")]
    pub check: bool,
    /// Print one lesson step by step, with what the engine answers at each step
    #[arg(long, value_name = "NAME")]
    pub play: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: Input,
}

impl From<LessonError> for CliError {
    fn from(e: LessonError) -> Self {
        Self::Usage(e.to_string())
    }
}

/// The lessons that go with the data the command line names: a pack's `lessons/` folder
/// when a PATH is a pack, the built-in lessons otherwise.
///
/// # Errors
/// A lesson that cannot be read, located by file, line and step.
pub fn lessons_for(paths: &[PathBuf]) -> Result<Vec<Lesson>, LessonError> {
    match lesson::load_packs(paths)? {
        Some(list) => Ok(list),
        None => lesson::builtin(),
    }
}

/// Runs `rolescope lessons`.
///
/// # Errors
/// [`CliError`] for unreadable lessons or output failures.
pub fn run(
    args: &Args,
    paths: &[PathBuf],
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let lessons = lessons_for(paths)?;
    if let Some(name) = &args.play {
        let l = lesson::find(&lessons, name)?;
        return play(l, ctx, args.json, out);
    }
    if args.check {
        return check(&lessons, ctx, args.json, out);
    }
    if args.json {
        let list: Vec<_> = lessons
            .iter()
            .map(|l| {
                serde_json::json!({"name": l.name, "title": l.title, "summary": l.summary,
                    "steps": l.steps.len(), "source": l.source})
            })
            .collect();
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        )?;
        return Ok(Outcome::Yes);
    }
    let width = lessons.iter().map(|l| l.name.len()).max().unwrap_or(4);
    for l in &lessons {
        writeln!(
            out,
            "{:width$}  {} ({} steps)",
            l.name,
            l.title,
            l.steps.len()
        )?;
        writeln!(out, "{:width$}  {}", "", l.summary)?;
    }
    writeln!(
        out,
        "\nstart one with `rolescope --lesson NAME`; check them with `rolescope lessons --check`"
    )?;
    Ok(Outcome::Yes)
}

fn check(
    lessons: &[Lesson],
    ctx: &Context,
    json: bool,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let mut failures = Vec::new();
    let mut checked = 0usize;
    for l in lessons {
        let mut p = Player::new(l.clone(), ctx.inventory.clone());
        for r in p.play_all() {
            checked += r.checks.len();
            for f in r.failures() {
                failures.push(serde_json::json!({
                    "lesson": l.name, "source": l.source, "step": r.index + 1,
                    "line": l.step_lines.get(r.index), "title": r.title, "problem": f,
                }));
            }
        }
    }
    if json {
        let doc = serde_json::json!({"lessons": lessons.len(), "expectations": checked,
            "failures": failures});
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        )?;
    } else {
        for f in &failures {
            writeln!(
                out,
                "{} line {} step {} (`{}`): {}",
                f["source"].as_str().unwrap_or(""),
                f["line"],
                f["step"],
                f["title"].as_str().unwrap_or(""),
                f["problem"].as_str().unwrap_or("")
            )?;
        }
        writeln!(
            out,
            "{} lessons, {checked} expectations checked, {} failing",
            lessons.len(),
            failures.len()
        )?;
    }
    Ok(if failures.is_empty() {
        Outcome::Yes
    } else {
        Outcome::No
    })
}

fn play(l: &Lesson, ctx: &Context, json: bool, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let mut p = Player::new(l.clone(), ctx.inventory.clone());
    let reports = p.play_all();
    let ok = reports
        .iter()
        .all(crate::engine::lesson::StepReport::passed);
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&reports).unwrap_or_default()
        )?;
        return Ok(if ok { Outcome::Yes } else { Outcome::No });
    }
    writeln!(out, "{}\n{}\n", l.title, l.summary)?;
    for (step, r) in l.steps.iter().zip(&reports) {
        writeln!(
            out,
            "── step {} of {}: {}",
            r.index + 1,
            l.steps.len(),
            step.title
        )?;
        writeln!(out, "{}", step.text.trim_end())?;
        if step.predict {
            writeln!(
                out,
                "? {}",
                step.question
                    .as_deref()
                    .unwrap_or("Will this succeed, and for how long?")
            )?;
        }
        if let Some(x) = &step.explain {
            writeln!(out, "= {}", x.trim_end())?;
        }
        for line in &r.log {
            writeln!(out, "  · {line}")?;
        }
        for t in &r.trace {
            writeln!(out, "  {} {}", if t.ok { "✓" } else { "✗" }, t.text)?;
        }
        for c in &r.checks {
            writeln!(
                out,
                "  {} expect {} = {}",
                if c.passed { "ok" } else { "FAILED" },
                c.key,
                c.expected
            )?;
        }
        for e in &r.errors {
            writeln!(out, "  error: {e}")?;
        }
        writeln!(out)?;
    }
    Ok(if ok { Outcome::Yes } else { Outcome::No })
}
