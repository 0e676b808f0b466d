//! The end-of-lesson recap, drawn in the narrative pane: the lesson's key takeaways, every
//! question with the answer given and the truth, the exercises and their points, the score,
//! and the glossary terms to review. The content is the engine's
//! ([`Player::recap`](crate::engine::lesson::Player::recap)); this only lays it out.

use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use crate::tui::teach::LessonView;
use crate::tui::theme::Theme;

/// The recap's lines.
#[must_use]
pub fn lines(l: &LessonView, theme: Theme) -> Vec<Line<'static>> {
    let recap = l.player.recap();
    let lesson = l.player.lesson();
    let heading = |t: &str| Line::styled(t.to_owned(), theme.title());
    let mut out = vec![
        Line::styled(
            format!("Recap · {}", lesson.title),
            theme.title().add_modifier(Modifier::BOLD),
        ),
        Line::raw(""),
    ];
    if !recap.takeaways.is_empty() {
        out.push(heading("Key takeaways"));
        for t in &recap.takeaways {
            out.push(Line::raw(format!("• {t}")));
        }
        out.push(Line::raw(""));
    }
    if !recap.questions.is_empty() {
        out.push(heading("Your answers"));
        for q in &recap.questions {
            let (mark, style) = if q.right {
                ("✓", theme.ok())
            } else {
                ("✗", theme.error())
            };
            out.push(Line::from(vec![
                Span::styled(format!("{mark} "), style),
                Span::raw(format!("step {}: {}", q.step + 1, q.question)),
            ]));
            out.push(Line::raw(format!("    you: {}", q.given)));
            if !q.right {
                out.push(Line::styled(format!("    truth: {}", q.truth), theme.ok()));
            }
        }
        out.push(Line::raw(""));
    }
    if !l.exercises_done.is_empty() {
        out.push(heading("Exercises"));
        for d in &l.exercises_done {
            let (mark, style, what) = if d.solved {
                ("✓", theme.ok(), "solved")
            } else {
                ("✗", theme.error(), "skipped")
            };
            out.push(Line::from(vec![
                Span::styled(format!("{mark} "), style),
                Span::raw(format!(
                    "{} — {what}, {} of {} points",
                    d.title, d.score.points, d.score.out_of
                )),
            ]));
        }
        out.push(Line::raw(""));
    }
    let (points, out_of) = super::exercise::total(l);
    out.push(Line::styled(
        format!(
            "score: {points} of {out_of} ({} question(s), {} exercise(s))",
            recap.score.questions,
            l.exercises_done.len()
        ),
        theme.title(),
    ));
    out.push(Line::raw(""));
    if !recap.terms.is_empty() {
        out.push(heading("Terms to review"));
        for (term, explanation) in &recap.terms {
            out.push(Line::from(vec![
                Span::styled(term.clone(), theme.key()),
                Span::raw(format!(" — {explanation}")),
            ]));
        }
        out.push(Line::raw(""));
    }
    out.push(Line::from(vec![
        Span::styled("{", theme.key()),
        Span::raw(" play it again · "),
        Span::styled("[", theme.key()),
        Span::raw(" back · "),
        Span::styled("I", theme.key()),
        Span::raw(" another lesson · "),
        Span::styled("Ctrl-O", theme.key()),
        Span::raw("/"),
        Span::styled("Ctrl-G", theme.key()),
        Span::raw(" save this screen as text/SVG"),
    ]));
    out
}
