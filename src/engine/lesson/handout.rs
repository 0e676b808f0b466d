//! Handouts: a lesson as a Markdown document to print or share — the narrative, every
//! question with a blank to fill in (or, in the answer key, the engine's answer and the
//! explanation), the exercises, the recap, and the trust graph of the roles the lesson
//! touches as a mermaid diagram. Teacher-only lines appear in the answer key only.
//!
//! The answers are played, not written: the handout runs the lesson through the
//! [`Player`] on the data, so the key always says what the engine answers.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::sync::Arc;

use serde_json::Value;

use super::question::{Decider, WHICH_CHECK, prompt};
use super::{Lesson, Player, player::human};
use crate::engine::graph::TrustGraph;
use crate::engine::graph::render::Format;
use crate::engine::lookup::find_role;
use crate::engine::model::Inventory;

const BLANK: &str = "______________________________";

/// Every role the lesson selects, simulates against, edits or sets an exercise on, as ARNs
/// resolved in `inv` (names that resolve to nothing are left out).
fn lesson_roles(lesson: &Lesson, inv: &Inventory) -> BTreeSet<String> {
    let mut names: Vec<String> = Vec::new();
    let role_of = |v: &Value| v.get("role").and_then(Value::as_str).map(str::to_owned);
    for s in &lesson.steps {
        names.extend(s.select_role.clone());
        names.extend(s.simulate.as_ref().and_then(role_of));
        names.extend(s.edit.as_ref().map(|e| e.role.clone()));
        names.extend(s.wizard.as_ref().and_then(|w| role_of(&w.request)));
    }
    for e in &lesson.exercises {
        names.extend(e.spec.roles.iter().cloned());
        names.extend(
            e.spec
                .goals
                .iter()
                .filter_map(|g| g.request.as_ref().and_then(role_of)),
        );
    }
    names
        .iter()
        .filter_map(|n| find_role(inv, n).ok().map(|r| r.arn.clone()))
        .collect()
}

/// The trust graph of the lesson's roles: every hop into them, as mermaid.
fn mermaid(lesson: &Lesson, inv: &Arc<Inventory>) -> String {
    let roles = lesson_roles(lesson, inv);
    let g = TrustGraph::build(Arc::clone(inv), lesson.start);
    let edges: Vec<_> = g
        .all_edges()
        .into_iter()
        .filter(|e| g.role(e.to).is_some_and(|r| roles.contains(&r.arn)))
        .collect();
    g.render(&edges, Format::Mermaid)
}

fn choices_line() -> String {
    Decider::ALL
        .iter()
        .map(|d| format!("☐ {}", d.label()))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The lesson as Markdown; with `answer_key`, the answers, explanations, teacher lines and
/// reference solutions are filled in.
#[must_use]
pub fn markdown(lesson: &Lesson, inv: &Arc<Inventory>, answer_key: bool) -> String {
    let mut out = String::new();
    let reports = Player::new(lesson.clone(), Arc::clone(inv)).play_all();
    let _ = writeln!(
        out,
        "# {}{}\n\n{}\n",
        lesson.title,
        if answer_key { " — answer key" } else { "" },
        lesson.summary
    );
    let mut meta = Vec::new();
    if let Some(m) = lesson.minutes {
        meta.push(format!("{m} min"));
    }
    if let Some(l) = lesson.level {
        meta.push(l.as_str().to_owned());
    }
    if !lesson.prerequisites.is_empty() {
        meta.push(format!("after: {}", lesson.prerequisites.join(", ")));
    }
    if !meta.is_empty() {
        let _ = writeln!(out, "*{}*\n", meta.join(" · "));
    }
    for (i, (step, r)) in lesson.steps.iter().zip(&reports).enumerate() {
        let _ = writeln!(
            out,
            "## {}. {}\n\n{}\n",
            i + 1,
            step.title,
            step.text.trim()
        );
        if step.predict {
            let _ = writeln!(out, "**{}**", prompt(step));
            match (answer_key, r.answer) {
                (true, Some(a)) if a.unknown => {
                    let _ = writeln!(out, "> Answer: it depends on data that is not loaded.\n");
                }
                (true, Some(a)) => {
                    let mut said = if a.succeeds {
                        "it succeeds".to_owned()
                    } else {
                        "it fails".to_owned()
                    };
                    if let (true, true, Some(d)) = (a.succeeds, a.asks_duration, a.duration_seconds)
                    {
                        let _ = write!(said, ", for {}", human(d));
                    }
                    if let Some(code) = r.result.as_ref().and_then(|d| d.error_code.clone()) {
                        let _ = write!(said, " (`{code}`)");
                    }
                    let _ = writeln!(out, "> Answer: {said}.\n");
                }
                _ => {
                    let _ = writeln!(out, "{BLANK}\n");
                }
            }
            let _ = writeln!(out, "**{WHICH_CHECK}**");
            match (answer_key, r.answer) {
                (true, Some(a)) if !a.unknown => {
                    let labels: Vec<&str> = a.deciders.list().iter().map(|d| d.label()).collect();
                    let _ = writeln!(out, "> Answer: {}.\n", labels.join("; "));
                }
                _ => {
                    let _ = writeln!(out, "{}\n", choices_line());
                }
            }
        }
        if !step.choices.is_empty() {
            let _ = writeln!(out, "**{}**\n", step.question.as_deref().unwrap_or(""));
            for (k, c) in step.choices.iter().enumerate() {
                let mark = if answer_key && step.answer == Some(k + 1) {
                    "x"
                } else {
                    " "
                };
                let _ = writeln!(out, "- [{mark}] {c}");
            }
            out.push('\n');
        }
        if answer_key {
            if let Some(x) = &step.explain {
                let _ = writeln!(out, "> {}\n", x.trim().replace('\n', "\n> "));
            }
            if let Some(t) = &step.teacher {
                let _ = writeln!(out, "> **Teacher:** {}\n", t.trim().replace('\n', "\n> "));
            }
        }
    }
    if !lesson.exercises.is_empty() {
        out.push_str("## Exercises\n\n");
        for e in &lesson.exercises {
            let _ = writeln!(
                out,
                "### {} (`{}`)\n\n{}\n",
                e.spec.title,
                e.spec.name,
                e.spec.text.trim()
            );
            out.push_str("Goals:\n\n");
            for g in &e.spec.goals {
                let _ = writeln!(out, "- [ ] {}", g.says);
            }
            let _ = writeln!(
                out,
                "\nCheck your data with `rolescope exercises --check {} DATA...`.\n",
                e.spec.name
            );
            if answer_key {
                out.push_str("Reference solution (what-if edits):\n\n");
                for s in &e.spec.solution {
                    let what = match (&s.document, s.seconds) {
                        (Some(Value::String(d)), _) => format!("```json\n{}\n```", d.trim()),
                        (Some(d), _) => format!(
                            "```json\n{}\n```",
                            serde_json::to_string_pretty(d).unwrap_or_default()
                        ),
                        (None, Some(sec)) => format!("{sec} seconds"),
                        (None, None) => String::new(),
                    };
                    let name = s
                        .name
                        .as_ref()
                        .map(|n| format!(" `{n}`"))
                        .unwrap_or_default();
                    let _ = writeln!(out, "- `{}`, {}{name}:\n\n{what}\n", s.role, s.change);
                }
            }
        }
    }
    if !lesson.recap.takeaways.is_empty() || !lesson.recap.terms.is_empty() {
        out.push_str("## Recap\n\n");
        for t in &lesson.recap.takeaways {
            let _ = writeln!(out, "- {t}");
        }
        if !lesson.recap.terms.is_empty() {
            out.push_str("\nTerms to review:\n\n");
            for t in &lesson.recap.terms {
                let _ = writeln!(
                    out,
                    "- **{t}**: {}",
                    super::glossary::lookup(t).unwrap_or_default()
                );
            }
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "## Trust graph of the lesson's roles\n\n```mermaid\n{}```",
        mermaid(lesson, inv)
    );
    out
}
