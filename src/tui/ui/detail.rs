//! The detail view: the plain-language summary on top, then the policy panes (trust and
//! permissions for a role) side by side, or stacked on a narrow terminal; each pane
//! scrolls on its own and shows JSON or the per-statement reading.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::tui::state::{AppState, Detail, Focus};
use crate::tui::theme::Theme;
use crate::tui::ui::PANES_SIDE_BY_SIDE;

fn summary_height(main: Rect, d: &Detail) -> u16 {
    let want = u16::try_from(d.summary.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    want.min(main.height * 2 / 5).max(3.min(main.height))
}

/// The summary's area and each pane's area.
#[must_use]
pub fn layout(main: Rect, d: &Detail) -> (Rect, Vec<Rect>) {
    let sh = summary_height(main, d);
    let summary = Rect::new(main.x, main.y, main.width, sh);
    let rest = Rect::new(
        main.x,
        main.y + sh,
        main.width,
        main.height.saturating_sub(sh),
    );
    let n = u16::try_from(d.panes.len().max(1)).unwrap_or(1);
    if n == 3 && main.width >= PANES_SIDE_BY_SIDE {
        // The policies side by side on top, the "who can assume" list full width below.
        let top_h = rest.height / 2;
        let w = rest.width / 2;
        let panes = vec![
            Rect::new(rest.x, rest.y, w, top_h),
            Rect::new(rest.x + w, rest.y, rest.width - w, top_h),
            Rect::new(rest.x, rest.y + top_h, rest.width, rest.height - top_h),
        ];
        return (summary, panes);
    }
    let panes = if main.width >= PANES_SIDE_BY_SIDE {
        let w = rest.width / n;
        (0..n)
            .map(|i| {
                let width = if i == n - 1 {
                    rest.width - w * (n - 1)
                } else {
                    w
                };
                Rect::new(rest.x + w * i, rest.y, width, rest.height)
            })
            .collect()
    } else {
        let h = rest.height / n;
        (0..n)
            .map(|i| {
                let height = if i == n - 1 {
                    rest.height - h * (n - 1)
                } else {
                    h
                };
                Rect::new(rest.x, rest.y + h * i, rest.width, height)
            })
            .collect()
    };
    (summary, panes)
}

/// The panes' areas for the current detail view (empty without one).
#[must_use]
pub fn pane_areas(main: Rect, state: &AppState) -> Vec<Rect> {
    state
        .detail
        .as_ref()
        .map(|d| layout(main, d).1)
        .unwrap_or_default()
}

/// How many text rows the focused pane shows.
#[must_use]
pub fn pane_rows(main: Rect, state: &AppState) -> usize {
    let Some(d) = &state.detail else { return 1 };
    layout(main, d)
        .1
        .get(d.focus)
        .map_or(1, |r| usize::from(r.height.saturating_sub(2)))
}

pub fn render(frame: &mut Frame<'_>, main: Rect, state: &AppState, d: &Detail, theme: Theme) {
    let (summary_area, pane_rects) = layout(main, d);
    let label_w = d
        .summary
        .iter()
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(0);
    let lines: Vec<Line> = d
        .summary
        .iter()
        .map(|l| {
            let style = if l.warn { theme.warn() } else { Style::new() };
            Line::from(vec![
                Span::styled(format!("{:<label_w$}  ", l.label), theme.key()),
                Span::styled(l.text.clone(), style),
            ])
        })
        .collect();
    let title = format!(" {} — {} ", d.title, d.arn);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(d.summary_scroll).unwrap_or(0), 0))
            .block(
                Block::bordered()
                    .title(Span::styled(title, theme.title()))
                    .border_style(theme.border(false)),
            ),
        summary_area,
    );
    let main_focused = state.focus == Focus::Main && state.overlay.is_none();
    for (i, (pane, rect)) in d.panes.iter().zip(pane_rects).enumerate() {
        render_pane(
            frame,
            rect,
            pane,
            d.plain,
            main_focused && i == d.focus,
            theme,
        );
    }
}

pub use crate::tui::widgets::pane::render_pane;
