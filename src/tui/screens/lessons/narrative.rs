//! The narrative pane of a lesson: the step's title and text, the predict-then-reveal
//! question, the trace revealed check by check, what the step did, the expectations the
//! engine met, and the score. In presenter mode: a big clock on top, wider spacing, strong
//! contrast.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::engine::lesson::Decider;
use crate::tui::teach::{After, DURATION_CHOICES, LessonView, Prompt};
use crate::tui::theme::Theme;
use crate::tui::world::World;

/// Digits 0-9 and `:` drawn 3 cells wide and 3 rows high, for presenter mode's clock.
const BIG: [[&str; 3]; 11] = [
    ["█▀█", "█ █", "▀▀▀"],
    [" ▀█", "  █", "  ▀"],
    ["▀▀█", "█▀▀", "▀▀▀"],
    ["▀▀█", " ▀█", "▀▀▀"],
    ["█ █", "▀▀█", "  ▀"],
    ["█▀▀", "▀▀█", "▀▀▀"],
    ["█▀▀", "█▀█", "▀▀▀"],
    ["▀▀█", "  █", "  ▀"],
    ["█▀█", "█▀█", "▀▀▀"],
    ["█▀█", "▀▀█", "▀▀▀"],
    ["   ", " ▀ ", " ▀ "],
];

/// `text` (digits and colons) as three rows of big characters.
#[must_use]
pub fn big_text(text: &str) -> [String; 3] {
    let mut rows = [String::new(), String::new(), String::new()];
    for ch in text.chars() {
        let glyph = match ch {
            '0'..='9' => BIG[usize::from(ch as u8 - b'0')],
            ':' => BIG[10],
            _ => continue,
        };
        for (row, g) in rows.iter_mut().zip(glyph) {
            row.push_str(g);
            row.push(' ');
        }
    }
    rows
}

fn heading(theme: Theme, presenter: bool) -> Style {
    if presenter {
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else {
        theme.title()
    }
}

fn lines_for(l: &LessonView, world: &World, width: usize, theme: Theme) -> Vec<Line<'static>> {
    let presenter = world.teach.presenter;
    let lesson = l.player.lesson();
    let total = lesson.steps.len();
    let mut out: Vec<Line> = Vec::new();
    let gap = |out: &mut Vec<Line>| {
        out.push(Line::raw(""));
        if presenter {
            out.push(Line::raw(""));
        }
    };
    if presenter {
        for row in big_text(&world.now.format("%H:%M").to_string()) {
            out.push(Line::styled(row, Style::new().add_modifier(Modifier::BOLD)));
        }
        gap(&mut out);
    }
    if let Some(b) = &l.solved_banner {
        out.push(Line::styled(
            b.clone(),
            theme.ok().add_modifier(Modifier::BOLD),
        ));
        gap(&mut out);
    }
    match &l.after {
        After::Recap => {
            out.extend(super::recap::lines(l, theme));
            return out;
        }
        After::Exercise(x) => {
            out.extend(super::exercise::lines(x, lesson.exercises.len(), theme));
            return out;
        }
        After::Steps => {}
    }
    let Some(report) = &l.report else {
        out.push(Line::styled(
            lesson.title.clone(),
            heading(theme, presenter),
        ));
        gap(&mut out);
        out.push(Line::raw(lesson.summary.clone()));
        gap(&mut out);
        out.push(Line::from(vec![
            Span::raw("press "),
            Span::styled("]", theme.key()),
            Span::raw(format!(" to start ({})", size(lesson))),
        ]));
        return out;
    };
    let step = &lesson.steps[report.index];
    out.push(Line::styled(
        format!("step {} of {total} · {}", report.index + 1, step.title),
        heading(theme, presenter),
    ));
    gap(&mut out);
    // While a question waits, it comes first (a small screen shows it without scrolling);
    // the step's text follows.
    let head = out.len();
    let mut text = Vec::new();
    for para in step.text.trim().split("\n\n") {
        text.push(Line::raw(para.replace('\n', " ")));
        text.push(Line::raw(""));
    }
    if l.prompt == Prompt::None {
        out.extend(text);
    } else {
        out.push(Line::raw(""));
        out.extend(text);
    }
    let q_from = out.len();
    match l.prompt {
        Prompt::Outcome => {
            out.push(Line::styled(
                format!(
                    "? {}",
                    step.question
                        .as_deref()
                        .unwrap_or("Will this succeed, and for how long?")
                ),
                theme.warn().add_modifier(Modifier::BOLD),
            ));
            out.push(Line::from(vec![
                Span::styled("y", theme.key()),
                Span::raw(" it succeeds   "),
                Span::styled("n", theme.key()),
                Span::raw(" it fails"),
            ]));
            let question: Vec<Line<'static>> = out.drain(q_from..).collect();
            out.splice(head..head, question);
            return out;
        }
        Prompt::Duration => {
            out.push(Line::styled(
                "? For how long will the session last?",
                theme.warn().add_modifier(Modifier::BOLD),
            ));
            let mut spans = Vec::new();
            for (i, (_, label)) in DURATION_CHOICES.iter().enumerate() {
                spans.push(Span::styled(format!("{}", i + 1), theme.key()));
                spans.push(Span::raw(format!(" {label}  ")));
            }
            out.push(Line::from(spans));
            let question: Vec<Line<'static>> = out.drain(q_from..).collect();
            out.splice(head..head, question);
            return out;
        }
        Prompt::Decider => {
            out.push(Line::styled(
                format!("? {}", crate::engine::lesson::question::WHICH_CHECK),
                theme.warn().add_modifier(Modifier::BOLD),
            ));
            for (i, d) in Decider::ALL.iter().enumerate() {
                out.push(Line::from(vec![
                    Span::styled(
                        format!("{}", char::from(b'a' + u8::try_from(i).unwrap_or(0))),
                        theme.key(),
                    ),
                    Span::raw(format!(" {}", d.label())),
                ]));
            }
            let question: Vec<Line<'static>> = out.drain(q_from..).collect();
            out.splice(head..head, question);
            return out;
        }
        Prompt::Choice => {
            out.push(Line::styled(
                format!("? {}", step.question.as_deref().unwrap_or("")),
                theme.warn().add_modifier(Modifier::BOLD),
            ));
            for (i, c) in step.choices.iter().enumerate() {
                out.push(Line::from(vec![
                    Span::styled(format!("{}", i + 1), theme.key()),
                    Span::raw(format!(" {c}")),
                ]));
            }
            let question: Vec<Line<'static>> = out.drain(q_from..).collect();
            out.splice(head..head, question);
            return out;
        }
        Prompt::None => {}
    }
    if let Some((n, right)) = l.choice {
        let mark = if right { theme.ok() } else { theme.warn() };
        let truth = step
            .answer
            .and_then(|a| step.choices.get(a.wrapping_sub(1)))
            .cloned()
            .unwrap_or_default();
        out.push(Line::styled(
            if right {
                format!("{n}: right — {truth}")
            } else {
                format!("{n}: not quite — the answer is {truth}")
            },
            mark.add_modifier(Modifier::BOLD),
        ));
    }
    if let (Some(v), Some(a)) = (l.verdict, report.answer) {
        let answer = match (a.succeeds, a.duration_seconds) {
            (true, Some(d)) => format!(
                "it succeeds, for {}",
                crate::engine::lesson::player::human(d)
            ),
            (true, None) => "it is allowed".to_owned(),
            (false, _) => "it fails".to_owned(),
        };
        let style = if v.points == v.out_of {
            theme.ok()
        } else {
            theme.warn()
        };
        out.push(Line::styled(
            format!("{} of {} — {answer}", v.points, v.out_of),
            style.add_modifier(Modifier::BOLD),
        ));
        if let Some((d, right)) = l.decider {
            let truth: Vec<&str> = a.deciders.list().iter().map(|d| d.label()).collect();
            out.push(Line::styled(
                if right {
                    format!("which check: {} — right", d.label())
                } else {
                    format!(
                        "which check: you said {}; it is {}",
                        d.label(),
                        truth.join("; ")
                    )
                },
                if right { theme.ok() } else { theme.warn() },
            ));
        }
        // The running score sits under the verdict, where the learner is looking: a long
        // trace below would push it out of the pane.
        push_score(&mut out, l, theme);
    }
    if let Some(x) = step.explain.as_deref().filter(|_| l.prompt == Prompt::None) {
        gap(&mut out);
        for para in x.trim().split("\n\n") {
            out.push(Line::raw(para.replace('\n', " ")));
        }
        gap(&mut out);
    }
    if world.teach.teacher
        && let Some(t) = &step.teacher
    {
        out.push(Line::styled(
            format!("[teacher] {}", t.trim().replace('\n', " ")),
            theme.warn(),
        ));
    }
    let trace = l.trace(world.teach.trace);
    let shown = l.revealed.min(trace.len());
    out.extend(crate::tui::widgets::trace::lines(
        trace,
        shown,
        width,
        world.teach.arns,
        theme,
    ));
    if !trace.is_empty() && l.prompt == Prompt::None {
        let mut keys = Vec::new();
        if shown < trace.len() {
            keys.push(Span::styled("r", theme.key()));
            keys.push(Span::raw(format!(
                " reveal the next check ({} more), R all · ",
                trace.len() - shown
            )));
        }
        keys.push(Span::styled("b", theme.key()));
        keys.push(Span::raw(format!(
            " {} trace",
            world.teach.trace.toggled().label()
        )));
        if world.teach.trace == crate::engine::lesson::TraceStyle::Beginner {
            keys.push(Span::raw(" · "));
            keys.push(Span::styled("N", theme.key()));
            keys.push(Span::raw(if world.teach.arns {
                " hide the ARNs"
            } else {
                " show the ARNs"
            }));
        }
        out.push(Line::from(keys));
    }
    if !presenter {
        for line in &report.log {
            out.push(Line::styled(format!("· {line}"), theme.dim()));
        }
    }
    let failed: Vec<_> = report.checks.iter().filter(|c| !c.passed).collect();
    if !report.checks.is_empty() && !presenter {
        if failed.is_empty() && world.teach.teacher {
            out.push(Line::styled(
                format!(
                    "engine agrees with the lesson ({} {})",
                    report.checks.len(),
                    if report.checks.len() == 1 {
                        "check"
                    } else {
                        "checks"
                    }
                ),
                theme.dim(),
            ));
        } else if !failed.is_empty() {
            for c in failed {
                out.push(Line::styled(
                    format!(
                        "lesson out of date: `{}` expected {}, engine says {}",
                        c.key, c.expected, c.actual
                    ),
                    theme.error(),
                ));
            }
        }
    }
    for e in &report.errors {
        out.push(Line::styled(e.clone(), theme.error()));
    }
    if l.verdict.is_none() || report.answer.is_none() {
        gap(&mut out);
        push_score(&mut out, l, theme);
    }
    if l.player.is_finished() {
        out.push(Line::from(vec![
            Span::styled("]", theme.key()),
            Span::raw(if lesson.exercises.is_empty() {
                " the recap".to_owned()
            } else {
                format!(" the exercises ({})", lesson.exercises.len())
            }),
        ]));
    }
    out
}

/// The running score of the lesson's questions, when it has any.
fn push_score(out: &mut Vec<Line<'_>>, l: &LessonView, theme: Theme) {
    let s = l.player.score();
    if s.questions > 0 {
        let noun = if s.questions == 1 {
            "question"
        } else {
            "questions"
        };
        out.push(Line::styled(
            format!(
                "score: {} of {} ({} {noun})",
                s.points, s.out_of, s.questions
            ),
            theme.title(),
        ));
    }
}

/// `9 steps, 2 exercises`.
fn size(lesson: &crate::engine::lesson::Lesson) -> String {
    let steps = lesson.steps.len();
    match lesson.exercises.len() {
        0 => format!("{steps} steps"),
        n => format!("{steps} steps, {n} exercise(s)"),
    }
}

/// Draws the narrative pane.
pub fn render(frame: &mut Frame<'_>, area: Rect, world: &World, theme: Theme) {
    let Some(l) = &world.teach.lesson else {
        return;
    };
    if area.width < 4 || area.height < 3 {
        return;
    }
    let lines = lines_for(l, world, usize::from(area.width.saturating_sub(2)), theme);
    let (done, total) = l.progress();
    let teacher = if world.teach.teacher {
        " · teacher view"
    } else {
        ""
    };
    let title = format!(
        " Lesson: {} · {done}/{total}{teacher} ",
        l.player.lesson().title
    );
    let border = if world.teach.presenter {
        Style::new().add_modifier(Modifier::BOLD)
    } else {
        theme.border(true)
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(l.scroll).unwrap_or(u16::MAX), 0))
            .block(Block::bordered().title(title).border_style(border)),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_text_draws_three_rows_per_glyph() {
        let rows = big_text("09:41");
        for r in &rows {
            assert_eq!(r.chars().count(), 5 * 4);
        }
    }
}
