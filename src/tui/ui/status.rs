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
    let pairs: Vec<(std::borrow::Cow<'static, str>, &'static str)> =
        crate::tui::screen::lesson_hints(state)
            .into_iter()
            .map(|(k, h)| (std::borrow::Cow::Borrowed(k), h))
            .chain(keymap::hints(mode, &state.world.keys))
            .collect();
    frame.render_widget(
        Paragraph::new(Line::from(footer_spans(&pairs, footer.width, theme))),
        footer,
    );
}

/// The footer's hints in `width` columns: as many as fit, in table order, always ending
/// with the way back, help and quit (what someone lost needs most) when the screen has
/// them.
fn footer_spans(
    pairs: &[(std::borrow::Cow<'static, str>, &'static str)],
    width: u16,
    theme: Theme,
) -> Vec<Span<'static>> {
    let cost = |(k, h): &(std::borrow::Cow<'static, str>, &'static str)| {
        k.chars().count() + h.chars().count() + 3
    };
    let last = |(k, h): &&(std::borrow::Cow<'static, str>, &'static str)| {
        matches!(*h, "help" | "quit") || k.starts_with("Esc")
    };
    let tail: Vec<_> = pairs.iter().filter(last).collect();
    let mut room = usize::from(width).saturating_sub(tail.iter().map(|p| cost(p)).sum());
    let mut shown = Vec::new();
    for p in pairs.iter().filter(|p| !last(p)) {
        let c = cost(p);
        if c > room {
            break;
        }
        room -= c;
        shown.push(p);
    }
    shown
        .into_iter()
        .chain(tail)
        .flat_map(|(key, help)| {
            [
                Span::styled(format!(" {key}"), theme.key()),
                Span::raw(format!(" {help} ")),
            ]
        })
        .collect()
}
