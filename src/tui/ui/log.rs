//! The event log pane: sessions issued, refused, ended and expired, clock changes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::state::AppState;
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let rows = usize::from(area.height.saturating_sub(2));
    let start = state.world.log.len().saturating_sub(rows);
    let lines: Vec<Line> = state.world.log[start..]
        .iter()
        .map(|e| {
            let style = if e.text.contains("expired") || e.text.contains("could not") {
                theme.warn()
            } else {
                ratatui::style::Style::new()
            };
            Line::from(vec![
                Span::styled(e.at.format("%H:%M:%S ").to_string(), theme.dim()),
                Span::styled(e.text.clone(), style),
            ])
        })
        .collect();
    let lines = if lines.is_empty() {
        vec![Line::styled("no events yet", theme.dim())]
    } else {
        lines
    };
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" Events ")
                .border_style(theme.border(false)),
        ),
        area,
    );
}
