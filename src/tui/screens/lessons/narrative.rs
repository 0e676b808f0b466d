//! The narrative pane of a lesson: the step's title and text, the predict-then-reveal
//! question, the trace revealed check by check, what the step did, the expectations the
//! engine met, and the score. In presenter mode: a big clock on top, wider spacing, strong
//! contrast.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::engine::lesson::player::TraceMark;
use crate::tui::teach::{DURATION_CHOICES, LessonView, Prompt};
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

fn lines_for<'a>(l: &'a LessonView, world: &World, theme: Theme) -> Vec<Line<'a>> {
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
            Span::raw(format!(" to start ({total} steps)")),
        ]));
        return out;
    };
    let step = &lesson.steps[report.index];
    out.push(Line::styled(
        format!("step {} of {total} · {}", report.index + 1, step.title),
        heading(theme, presenter),
    ));
    gap(&mut out);
    for para in step.text.trim().split("\n\n") {
        out.push(Line::raw(para.replace('\n', " ")));
        gap(&mut out);
    }
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
            return out;
        }
        Prompt::None => {}
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
        // The running score sits under the verdict, where the learner is looking: a long
        // trace below would push it out of the pane.
        push_score(&mut out, l, theme);
    }
    let shown = l.revealed.min(report.trace.len());
    for t in &report.trace[..shown] {
        let style = match t.mark {
            TraceMark::Passed => theme.ok(),
            TraceMark::Failed => theme.error(),
            TraceMark::Info => theme.dim(),
            TraceMark::Unknown => theme.warn(),
        };
        out.push(Line::from(vec![
            Span::styled(format!("{} ", t.mark.symbol()), style),
            Span::raw(t.text.clone()),
        ]));
    }
    if shown < report.trace.len() {
        out.push(Line::from(vec![
            Span::styled("r", theme.key()),
            Span::raw(format!(
                " reveal the next check ({} more), R all",
                report.trace.len() - shown
            )),
        ]));
    }
    if !presenter {
        for line in &report.log {
            out.push(Line::styled(format!("· {line}"), theme.dim()));
        }
    }
    let failed: Vec<_> = report.checks.iter().filter(|c| !c.passed).collect();
    if !report.checks.is_empty() && !presenter {
        if failed.is_empty() {
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
        } else {
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
        out.push(Line::styled("end of the lesson", theme.dim()));
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

/// Draws the narrative pane.
pub fn render(frame: &mut Frame<'_>, area: Rect, world: &World, theme: Theme) {
    let Some(l) = &world.teach.lesson else {
        return;
    };
    if area.width < 4 || area.height < 3 {
        return;
    }
    let lines = lines_for(l, world, theme);
    let title = format!(" Lesson: {} ", l.player.lesson().title);
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
