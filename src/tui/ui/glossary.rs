//! The glossary overlay: the terms a class about IAM roles meets, each in a sentence or
//! two, in rolescope's own words, under it the AWS page it comes from. Opened with `t`, scrolled with j/k, closed with `t` or Esc.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::theme::Theme;
use crate::tui::ui::centered;

// The engine's glossary, the one lessons and recaps use: one text for every face.
use crate::engine::lesson::glossary::TERMS;

/// Draws the glossary over the screen.
pub fn render(frame: &mut Frame<'_>, area: Rect, scroll: usize, theme: Theme) {
    let r = centered(area, 90, area.height.saturating_sub(2));
    frame.render_widget(Clear, r);
    let mut lines = Vec::new();
    for (term, text) in TERMS {
        lines.push(Line::from(vec![Span::styled(*term, theme.title())]));
        lines.push(Line::raw(format!("  {text}")));
        if let Some(source) = crate::engine::lesson::glossary::source_line(term) {
            lines.push(Line::from(Span::styled(format!("  {source}"), theme.dim())));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(
                Block::bordered()
                    .title(" Glossary — j/k scroll, t or Esc close ")
                    .border_style(theme.border(true)),
            ),
        r,
    );
}
