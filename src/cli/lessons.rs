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
    /// Print the glossary
    #[arg(long, conflicts_with_all = ["play", "check"])]
    pub glossary: bool,
    /// Print one lesson as a Markdown handout: the narrative, the questions with blanks, the
    /// exercises, the recap and the trust graph of its roles (mermaid)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["play", "check", "glossary"])]
    pub handout: Option<String>,
    /// With --handout: the answer key (answers, explanations, teacher lines, solutions)
    #[arg(long, requires = "handout")]
    pub answer_key: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    // With --play: `--trace beginner` prints each step's trace for a beginner (the
    // deciding check first, short names; `--arns` adds the ARNs), `full` (the default)
    // every statement that matched.
    #[command(flatten)]
    pub trace: super::trace::TraceArgs,
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

/// The lessons that go with the data, and every mistake of a pack's broken lessons.
///
/// # Errors
/// A pack's lessons folder that cannot be read at all.
pub fn lessons_report(paths: &[PathBuf]) -> Result<lesson::PackLessons, LessonError> {
    match lesson::load_packs_report(paths)? {
        Some(p) => Ok(p),
        None => Ok(lesson::PackLessons {
            lessons: lesson::builtin()?,
            errors: Vec::new(),
        }),
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
    if args.glossary {
        return glossary(args.json, out);
    }
    let pack = lessons_report(paths)?;
    let lessons = pack.lessons;
    if let Some(name) = &args.handout {
        let l = lesson::find(&lessons, name).map_err(|e| {
            if pack.errors.is_empty() {
                e.into()
            } else {
                broken(&pack.errors, &lessons)
            }
        })?;
        out.write_all(lesson::handout::markdown(l, &ctx.inventory, args.answer_key).as_bytes())?;
        return Ok(Outcome::Yes);
    }
    if let Some(name) = &args.play {
        return match lesson::find(&lessons, name) {
            Ok(l) => play(l, ctx, args, out),
            Err(e) if pack.errors.is_empty() => Err(e.into()),
            Err(_) => Err(broken(&pack.errors, &lessons)),
        };
    }
    if args.check {
        let outcome = check(&lessons, ctx, args.json, out)?;
        return if pack.errors.is_empty() {
            Ok(outcome)
        } else {
            Err(broken(&pack.errors, &lessons))
        };
    }

    if args.json {
        let list: Vec<_> = lessons
            .iter()
            .map(|l| {
                serde_json::json!({"name": l.name, "title": l.title, "summary": l.summary,
                    "steps": l.steps.len(), "source": l.source, "minutes": l.minutes,
                    "level": l.level, "prerequisites": l.prerequisites})
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
        let meta = l.metadata();
        if !meta.is_empty() {
            writeln!(out, "{:width$}  {meta}", "")?;
        }
    }
    writeln!(
        out,
        "\nstart one with `rolescope --lesson NAME`; check them with `rolescope lessons --check`"
    )?;
    if pack.errors.is_empty() {
        return Ok(Outcome::Yes);
    }
    Err(broken(&pack.errors, &lessons))
}

/// Every mistake of a pack's broken lessons, and the lessons that are fine.
fn broken(errors: &[LessonError], lessons: &[Lesson]) -> CliError {
    let mut message: Vec<String> = errors.iter().map(ToString::to_string).collect();
    message.push(format!(
        "{} lesson(s) of the pack cannot be read; {}",
        errors.len(),
        if lessons.is_empty() {
            "none can".to_owned()
        } else {
            format!(
                "these can: {}",
                lessons
                    .iter()
                    .map(|l| format!("`{}`", l.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    ));
    CliError::Usage(message.join("\n"))
}

fn glossary(json: bool, out: &mut dyn Write) -> Result<Outcome, CliError> {
    if json {
        let list: Vec<_> = lesson::glossary::TERMS
            .iter()
            .map(|(t, e)| {
                let (title, url) = lesson::glossary::source(t).unwrap_or_default();
                serde_json::json!({"term": t, "explanation": e, "source": {"title": title, "url": url}})
            })
            .collect();
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        )?;
    } else {
        for (t, e) in lesson::glossary::TERMS {
            writeln!(out, "{t}\n  {e}")?;
            if let Some(line) = lesson::glossary::source_line(t) {
                writeln!(out, "  {line}")?;
            }
        }
    }
    Ok(Outcome::Yes)
}

fn check(
    lessons: &[Lesson],
    ctx: &Context,
    json: bool,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let mut failures: Vec<serde_json::Value> = Vec::new();
    let mut warnings = Vec::new();
    for l in lessons {
        for g in lesson::question::giveaways(l) {
            warnings.push(serde_json::json!({
                "lesson": l.name, "source": l.source, "step": g.step + 1, "line": g.line,
                "title": g.title,
                "problem": format!(
                    "a predict step's visible text gives the outcome away ({}); move it to `explain`",
                    g.words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")
                ),
            }));
        }
    }
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
            "failures": failures, "warnings": warnings});
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
        for w in &warnings {
            writeln!(
                out,
                "warning: {} line {} step {} (`{}`): {}",
                w["source"].as_str().unwrap_or(""),
                w["line"],
                w["step"],
                w["title"].as_str().unwrap_or(""),
                w["problem"].as_str().unwrap_or("")
            )?;
        }
        writeln!(
            out,
            "{} lessons, {checked} expectations checked, {} failing, {} giveaway warning(s)",
            lessons.len(),
            failures.len(),
            warnings.len()
        )?;
    }
    Ok(if failures.is_empty() {
        Outcome::Yes
    } else {
        Outcome::No
    })
}

fn play(l: &Lesson, ctx: &Context, args: &Args, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let json = args.json;
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
            writeln!(out, "? {}", lesson::question::prompt(step))?;
            writeln!(out, "? {}", lesson::question::WHICH_CHECK)?;
            if let Some(a) = r.answer {
                writeln!(
                    out,
                    "  answer: {}",
                    a.deciders
                        .list()
                        .iter()
                        .map(|d| d.label())
                        .collect::<Vec<_>>()
                        .join("; ")
                )?;
            }
        }
        if !step.choices.is_empty() {
            writeln!(out, "? {}", step.question.as_deref().unwrap_or(""))?;
            for (i, c) in step.choices.iter().enumerate() {
                let mark = if step.answer == Some(i + 1) { "*" } else { " " };
                writeln!(out, "  {mark}{}. {c}", i + 1)?;
            }
        }
        if let Some(teacher) = &step.teacher {
            writeln!(out, "[teacher] {}", teacher.trim_end())?;
        }
        if let Some(x) = &step.explain {
            writeln!(out, "= {}", x.trim_end())?;
        }
        for line in &r.log {
            writeln!(out, "  · {line}")?;
        }
        match args.trace.style() {
            Some(lesson::TraceStyle::Beginner) => {
                super::trace::write(out, &r.beginner, "  ", args.trace.arns)?;
            }
            _ => {
                for t in &r.trace {
                    writeln!(out, "  {} {}", t.mark.symbol(), t.text)?;
                }
            }
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
