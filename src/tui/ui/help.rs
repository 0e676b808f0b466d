//! The help overlay, generated from the key tables of every mode.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::keymap::{self, Mode};
use crate::tui::theme::Theme;
use crate::tui::ui::centered;

/// Every line of help, from the tables with the configuration's remapped keys.
#[must_use]
pub fn lines(theme: Theme, remap: &keymap::Remap) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    out.push(Line::styled("Everywhere", theme.title()));
    for b in keymap::global() {
        out.push(Line::from(vec![
            Span::styled(format!("  {:<10}", b.label), theme.key()),
            Span::raw(b.help),
        ]));
    }
    for mode in Mode::ALL {
        if mode == Mode::Help {
            continue;
        }
        out.push(Line::raw(""));
        out.push(Line::styled(mode.title(), theme.title()));
        for b in keymap::table_with(mode, remap) {
            out.push(Line::from(vec![
                Span::styled(format!("  {:<10}", b.label), theme.key()),
                Span::raw(b.help),
            ]));
        }
    }
    out
}

pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    scroll: usize,
    remap: &keymap::Remap,
    theme: Theme,
) {
    let r = centered(area, 72, area.height.saturating_sub(2));
    frame.render_widget(Clear, r);
    let all = lines(theme, remap);
    let skip = scroll.min(all.len().saturating_sub(1));
    frame.render_widget(
        Paragraph::new(all.into_iter().skip(skip).collect::<Vec<_>>()).block(
            Block::bordered()
                .title(" Help — keys (Esc closes, j/k scroll) ")
                .border_style(theme.border(true)),
        ),
        r,
    );
}
