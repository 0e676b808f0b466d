//! The status bar (simulated clock, speed, next expiry, last message) and the footer
//! hints for the current mode, generated from the key tables.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::keymap;
use crate::tui::state::AppState;
use crate::tui::theme::Theme;
use crate::tui::ui::mmss;

pub fn render(frame: &mut Frame<'_>, status: Rect, footer: Rect, state: &AppState, theme: Theme) {
    let clock = if state.world.clock.is_paused() {
        format!(
            "⏸ PAUSED {} UTC",
            state.world.now.format("%Y-%m-%d %H:%M:%S")
        )
    } else {
        format!(
            "▶ {} UTC ×{}",
            state.world.now.format("%Y-%m-%d %H:%M:%S"),
            state.world.clock.speed()
        )
    };
    let mut spans = vec![Span::styled(format!(" {clock} "), theme.selected())];
    if let Some(t) = state.next_expiry() {
        spans.push(Span::styled(
            format!(
                " next expiry in {} ",
                mmss((t - state.world.now).num_seconds())
            ),
            theme.dim(),
        ));
    }
    if let Some(s) = &state.world.status {
        let (mark, style) = if s.error {
            ("✗ ", theme.error())
        } else {
            ("• ", ratatui::style::Style::new())
        };
        spans.push(Span::styled(format!(" {mark}{}", s.text), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), status);
    let mode = keymap::mode(state);
    let mut hints = Vec::new();
    for (key, help) in crate::tui::lesson::hints(state)
        .into_iter()
        .map(|(k, h)| (std::borrow::Cow::Borrowed(k), h))
        .chain(keymap::hints(mode, &state.world.keys))
    {
        hints.push(Span::styled(format!(" {key}"), theme.key()));
        hints.push(Span::raw(format!(" {help} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(hints)), footer);
}
