//! The built-in editor: the document with line numbers and a visible cursor, the role and
//! document in the title, and — after a refused save — IAM's answer with the line it
//! points at marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::theme::Theme;
use crate::tui::ui::centered;
use crate::tui::whatif::EditorView;

/// Rows of the error box under the text.
const ERROR_ROWS: u16 = 4;

/// The editor's rectangle within the screen `area`.
#[must_use]
pub fn rect(area: Rect) -> Rect {
    centered(
        area,
        area.width.saturating_sub(2).max(1),
        area.height.saturating_sub(2).max(1),
    )
}

/// Text rows the editor shows on a screen of `width`×`height` (room for an error kept).
#[must_use]
pub fn body_rows(width: u16, height: u16) -> usize {
    let r = rect(Rect::new(0, 0, width, height));
    usize::from(r.height.saturating_sub(2 + ERROR_ROWS)).max(1)
}

pub fn render(frame: &mut Frame<'_>, area: Rect, ed: &EditorView, theme: Theme) {
    let r = rect(area);
    frame.render_widget(Clear, r);
    let name = ed.role_arn.rsplit('/').next().unwrap_or(&ed.role_arn);
    let block = Block::bordered()
        .title(Span::styled(
            format!(
                " What-if: the {} of {name} — Ctrl-S checks and applies, Esc cancels ",
                ed.kind.describe()
            ),
            theme.title(),
        ))
        .border_style(theme.border(true));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let err_h = ERROR_ROWS.min(inner.height / 2);
    let text_area = Rect::new(
        inner.x,
        inner.y,
        inner.width,
        inner.height.saturating_sub(err_h),
    );
    let err_area = Rect::new(inner.x, text_area.bottom(), inner.width, err_h);
    let b = &ed.buffer;
    let rows = usize::from(text_area.height);
    let num_w = b.lines.len().to_string().len();
    let lines: Vec<Line> = b
        .lines
        .iter()
        .enumerate()
        .skip(b.scroll)
        .take(rows)
        .map(|(i, l)| {
            let here = i == b.row;
            let mut spans = vec![Span::styled(
                format!("{:>num_w$}{} ", i + 1, if here { "▶" } else { " " }),
                if here { theme.key() } else { theme.dim() },
            )];
            if here {
                let col = b.col.min(l.chars().count());
                let before: String = l.chars().take(col).collect();
                let at: String = l.chars().nth(col).map_or(" ".to_owned(), String::from);
                let after: String = l.chars().skip(col + 1).collect();
                spans.push(Span::raw(before));
                spans.push(Span::styled(
                    at,
                    ratatui::style::Style::new().add_modifier(Modifier::REVERSED),
                ));
                spans.push(Span::raw(after));
            } else {
                spans.push(Span::raw(l.clone()));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), text_area);
    let (msg, style) = match &ed.error {
        Some(e) => (format!("✗ refused — {e}"), theme.error()),
        None => (
            format!(
                "line {}, column {} · checked as IAM checks it on save; the loaded files are never changed",
                b.row + 1,
                b.col + 1
            ),
            theme.dim(),
        ),
    };
    frame.render_widget(
        Paragraph::new(Line::styled(msg, style)).wrap(Wrap { trim: true }),
        err_area,
    );
}
