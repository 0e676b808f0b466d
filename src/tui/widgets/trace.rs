//! A simulation's trace laid out for the screen: one mark (`✓` `✗` `ℹ` `?`) per check,
//! its sentence wrapped under itself (a hanging indent, so the marks stay in one column),
//! and, when asked, the ARN behind each short name of a beginner line on a dim line below
//! it. Knows no screen: whoever shows a trace (a lesson's narrative, a result pane) passes
//! the lines, how many are revealed and the width.

use ratatui::text::{Line, Span};

use crate::engine::lesson::{TraceLine, TraceMark};
use crate::tui::theme::Theme;
use crate::tui::widgets::text::wrap;

/// The first `shown` lines of `trace`, wrapped to `width` columns; with `arns`, each
/// short name's ARN below the first line that uses it.
#[must_use]
pub fn lines(
    trace: &[TraceLine],
    shown: usize,
    width: usize,
    arns: bool,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let text_width = width.saturating_sub(2).max(10);
    // Each ARN once, under the first line that names it.
    let mut seen: Vec<&str> = Vec::new();
    for t in trace.iter().take(shown) {
        let style = match t.mark {
            TraceMark::Passed => theme.ok(),
            TraceMark::Failed => theme.error(),
            TraceMark::Info => theme.dim(),
            TraceMark::Unknown => theme.warn(),
        };
        for (i, row) in rows(&t.text, text_width).into_iter().enumerate() {
            let lead = if i == 0 {
                Span::styled(format!("{} ", t.mark.symbol()), style)
            } else {
                Span::raw("  ")
            };
            out.push(Line::from(vec![lead, Span::raw(row)]));
        }
        if arns {
            for n in &t.names {
                if seen.contains(&n.arn.as_str()) {
                    continue;
                }
                seen.push(&n.arn);
                for (i, row) in wrap(
                    &format!("{} = {}", n.short, n.arn),
                    text_width.saturating_sub(2),
                )
                .into_iter()
                .enumerate()
                {
                    let lead = if i == 0 { "    " } else { "      " };
                    out.push(Line::styled(format!("{lead}{row}"), theme.dim()));
                }
            }
        }
    }
    out
}

/// `text` wrapped at spaces to `width` columns, a word longer than that (an ARN) cut
/// into pieces of the width, so that no row wraps again on screen.
fn rows(text: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let mut out = Vec::new();
    for row in wrap(text, width) {
        let chars: Vec<char> = row.chars().collect();
        if chars.len() <= width {
            out.push(row);
        } else {
            out.extend(chars.chunks(width).map(|c| c.iter().collect::<String>()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn wrapped_lines_hang_under_their_mark_and_arns_come_on_demand() {
        let trace = vec![
            TraceLine::short(
                TraceMark::Failed,
                "denied — decided by a permissions boundary: the permissions boundary of arn:aws:sts::3:assumed-role/builder/s does not allow it",
            ),
            TraceLine::new(TraceMark::Info, "a note"),
            TraceLine::short(
                TraceMark::Passed,
                "arn:aws:sts::3:assumed-role/builder/s again",
            ),
        ];
        let theme = Theme::new(crate::tui::theme::Palette::Dark, false);
        let plain = text(&lines(&trace, 9, 40, false, theme));
        assert!(plain[0].starts_with("✗ denied"), "{plain:?}");
        assert!(plain.iter().all(|l| l.chars().count() <= 40), "{plain:?}");
        assert!(
            plain[1].starts_with("  ") && !plain[1].starts_with("   "),
            "{plain:?}"
        );
        assert!(!plain.iter().any(|l| l.contains("arn:")), "{plain:?}");
        assert_eq!(plain.last().unwrap(), "✓ builder/s again");
        let with = text(&lines(&trace, 9, 80, true, theme));
        assert!(
            with.iter()
                .any(|l| l.trim() == "builder/s = arn:aws:sts::3:assumed-role/builder/s"),
            "{with:?}"
        );
        assert_eq!(
            with.iter().filter(|l| l.contains("= arn:")).count(),
            1,
            "each ARN once: {with:?}"
        );
        // A word longer than the line (an ARN in the full trace) is cut, never left to
        // wrap again on screen.
        let long = vec![TraceLine::new(
            TraceMark::Passed,
            "arn:aws:iam::333333333333:role/team/storefront-builder inline policy app-data",
        )];
        let cut = text(&lines(&long, 1, 30, false, theme));
        assert_eq!(cut[0], "✓ arn:aws:iam::333333333333:ro", "{cut:?}");
        assert!(cut.iter().all(|l| l.chars().count() <= 30), "{cut:?}");
        // Only what is revealed is drawn.
        assert_eq!(
            text(&lines(&trace, 0, 40, true, theme)),
            Vec::<String>::new()
        );
    }
}
