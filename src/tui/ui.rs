//! Drawing: [`render`] draws a whole frame from the state alone, one file per panel
//! under `ui/`. [`areas`] is the layout, shared with `update` so mouse clicks land on
//! what is drawn.

pub mod ask;
pub mod detail;
pub mod editor;
pub mod entity_list;
pub mod glossary;
pub mod header;
pub mod help;
pub mod hops;
pub mod inspect;
pub mod lesson;
pub mod lessons;
pub mod log;
pub mod profiles;
pub mod reach;
pub mod sessions;
pub mod simulate;
pub mod status;
pub mod whatif;
pub mod wizard;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::state::{AppState, Overlay};
use crate::tui::theme::Theme;

/// Below this size the app shows "terminal too small" instead of its screens.
pub const MIN_WIDTH: u16 = 50;
pub const MIN_HEIGHT: u16 = 14;
/// From this width on, the Sessions panel sits to the right; below, underneath.
pub const WIDE: u16 = 110;
/// From this width on, the detail panes sit side by side; below, stacked.
pub const PANES_SIDE_BY_SIDE: u16 = 90;

/// Where each part of the screen goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub header: Rect,
    pub main: Rect,
    pub sessions: Rect,
    pub log: Rect,
    pub status: Rect,
    pub footer: Rect,
}

/// True when the terminal is too small for the screens.
#[must_use]
pub fn too_small(state: &AppState) -> bool {
    state.world.width < MIN_WIDTH || state.world.height < MIN_HEIGHT
}

/// The screen layout for the state's size and panel settings; a lesson's narrative pane
/// takes the right part of the main area (more of it in presenter mode, where the event
/// log is hidden).
#[must_use]
pub fn areas(state: &AppState) -> Areas {
    let mut a = base_areas(state);
    if state.world.teach.presenter {
        a.log = Rect::new(0, 0, 0, 0);
    }
    a
}

/// The narrative pane's rectangle and what is left of the main area, when a lesson shows.
#[must_use]
pub fn narrative_split(state: &AppState, main: Rect) -> Option<(Rect, Rect)> {
    if !state.world.teach.narrative_shown() || main.width < 40 {
        return None;
    }
    let share = if state.world.teach.presenter { 55 } else { 42 };
    let w = (main.width * share / 100).max(30);
    let left = Rect::new(main.x, main.y, main.width - w, main.height);
    Some((left, Rect::new(left.right(), main.y, w, main.height)))
}

fn base_areas(state: &AppState) -> Areas {
    let (w, h) = (state.world.width, state.world.height);
    let header = Rect::new(0, 0, w, 1);
    let status = Rect::new(0, h.saturating_sub(2), w, 1);
    let footer = Rect::new(0, h.saturating_sub(1), w, 1);
    let body = Rect::new(0, 1, w, h.saturating_sub(3));
    if state.sessions_collapsed {
        let main = Rect::new(body.x, body.y, body.width, body.height.saturating_sub(1));
        let sessions = Rect::new(body.x, main.bottom(), body.width, body.height.min(1));
        return Areas {
            header,
            main,
            sessions,
            log: Rect::new(0, 0, 0, 0),
            status,
            footer,
        };
    }
    if w >= WIDE {
        let side = 46.min(w / 3);
        let main = Rect::new(body.x, body.y, body.width - side, body.height);
        let log_h = (body.height / 3).clamp(3, 10);
        let sessions = Rect::new(
            main.right(),
            body.y,
            side,
            body.height.saturating_sub(log_h),
        );
        let log = Rect::new(main.right(), sessions.bottom(), side, log_h);
        Areas {
            header,
            main,
            sessions,
            log,
            status,
            footer,
        }
    } else {
        let band = (body.height / 3).clamp(4, 10);
        let main = Rect::new(body.x, body.y, body.width, body.height.saturating_sub(band));
        let sessions_w = body.width * 3 / 5;
        let sessions = Rect::new(body.x, main.bottom(), sessions_w, band);
        let log = Rect::new(
            sessions.right(),
            main.bottom(),
            body.width - sessions_w,
            band,
        );
        Areas {
            header,
            main,
            sessions,
            log,
            status,
            footer,
        }
    }
}

/// Draws the whole frame from `state`.
pub fn render(frame: &mut Frame<'_>, state: &AppState) {
    let theme = state.theme();
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!(
            "terminal too small: {}×{}; rolescope needs at least {MIN_WIDTH}×{MIN_HEIGHT} — enlarge the window, or q to quit",
            area.width, area.height
        );
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .alignment(Alignment::Center)
                .style(theme.warn()),
            area,
        );
        return;
    }
    let a = areas(state);
    header::render(frame, a.header, state, theme);
    let main = match narrative_split(state, a.main) {
        Some((left, narrative)) => {
            lesson::render(frame, narrative, state, theme);
            left
        }
        None => a.main,
    };
    match &state.detail {
        Some(d) => detail::render(frame, main, state, d, theme),
        None => entity_list::render(frame, main, state, theme),
    }
    sessions::render(frame, a.sessions, state, theme);
    if a.log.width > 0 && a.log.height > 0 {
        log::render(frame, a.log, state, theme);
    }
    status::render(frame, a.status, a.footer, state, theme);
    // The overlays a pop-up was opened from stay drawn under it (a Simulate form over the
    // paths it was opened from).
    let below = state.overlay_stack.iter().map(|o| (o, false));
    for (overlay, focused) in below.chain(state.overlay.iter().map(|o| (o, true))) {
        render_overlay(frame, area, state, overlay, focused, theme);
    }
    if let Some(scroll) = state.world.teach.glossary {
        glossary::render(frame, area, scroll, theme);
    }
    theme.ground(frame.buffer_mut());
}

/// Draws one overlay over the screen `area`; `focused` is false for one a pop-up above it
/// was opened from.
fn render_overlay(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &AppState,
    overlay: &Overlay,
    focused: bool,
    theme: Theme,
) {
    match overlay {
        Overlay::Help { scroll } => help::render(frame, area, *scroll, &state.world.keys, theme),
        Overlay::Reach(view) => reach::render(frame, area, view, focused, theme),
        Overlay::Picker(p) => {
            simulate::render_picker(frame, reach::rect(area), state, p, theme);
        }
        Overlay::Path(view) => hops::render(frame, area, &view.pane, focused, theme),
        Overlay::External(view) => hops::render(frame, area, &view.pane, focused, theme),
        Overlay::EditMenu(m) => whatif::render_menu(frame, area, m, theme),
        Overlay::Editor(ed) => editor::render(frame, area, ed, theme),
        Overlay::Prompt(p) => whatif::render_prompt(frame, area, p, theme),
        Overlay::WhatIf(v) => whatif::render_view(frame, area, v, theme),
        Overlay::Wizard(w) => wizard::render(frame, area, w, theme),
        Overlay::Lessons(ix) => lessons::render(frame, area, state, ix, theme),
        Overlay::Profiles(v) => profiles::render(frame, area, v, theme),
        Overlay::Simulate(form) => simulate::render(frame, area, state, form, theme),
        Overlay::Ask(ask) => ask::render(frame, area, state, ask, theme),
        Overlay::Inspect { session, scroll } => {
            inspect::render(frame, area, state, *session, *scroll, theme)
        }
        Overlay::Message { title, text } => {
            let r = centered(area, 70, 9);
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(text.as_str())
                    .wrap(Wrap { trim: false })
                    .block(
                        Block::bordered()
                            .title(format!(" {title} "))
                            .border_style(theme.border(true)),
                    ),
                r,
            );
        }
    }
}

/// A line of highlighted tokens.
#[must_use]
pub fn token_line(
    toks: &crate::tui::state::TextLine,
    theme: Theme,
) -> ratatui::text::Line<'static> {
    ratatui::text::Line::from(
        toks.iter()
            .map(|(t, s)| ratatui::text::Span::styled(s.clone(), theme.token(*t)))
            .collect::<Vec<_>>(),
    )
}

/// A line of a selectable list, highlighted when `selected` (the list also marks it `▶`,
/// so the selection does not rest on colour).
#[must_use]
pub fn selectable(
    line: ratatui::text::Line<'_>,
    selected: bool,
    theme: Theme,
) -> ratatui::text::Line<'_> {
    if selected {
        line.style(theme.selected())
    } else {
        line
    }
}

/// A rectangle of at most `w`×`h` centred in `area`.
#[must_use]
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// The whole of a list line whose text is cut at `room` columns, wrapped to `width` to be
/// shown under the list (at most `max_rows` lines, the last cut with `…`); empty when it
/// fits.
#[must_use]
pub fn overflow(text: &str, room: usize, width: usize, max_rows: usize) -> Vec<String> {
    let text = text.trim();
    if width == 0 || max_rows == 0 || text.chars().count() <= room {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for line in crate::tui::path_view::wrap(text, width) {
        let chars: Vec<char> = line.chars().collect();
        out.extend(chars.chunks(width).map(|c| c.iter().collect::<String>()));
    }
    if out.len() > max_rows {
        out.truncate(max_rows);
        if let Some(last) = out.last_mut() {
            *last = ellipsize(&format!("{last}…"), width);
        }
    }
    out
}

/// Draws the lines [`overflow`] made at the bottom of `area`, under a rule; gives back the
/// rows left above them.
pub fn render_overflow(
    frame: &mut ratatui::Frame<'_>,
    area: ratatui::layout::Rect,
    lines: &[String],
    theme: Theme,
) -> ratatui::layout::Rect {
    if lines.is_empty() {
        return area;
    }
    let n = u16::try_from(lines.len() + 1).unwrap_or(u16::MAX);
    let rows = area.height.saturating_sub(n);
    let foot = ratatui::layout::Rect::new(area.x, area.y + rows, area.width, area.height - rows);
    let mut text = vec![ratatui::text::Line::styled(
        "─".repeat(usize::from(area.width)),
        theme.dim(),
    )];
    text.extend(
        lines
            .iter()
            .map(|l| ratatui::text::Line::styled(l.clone(), theme.dim())),
    );
    frame.render_widget(ratatui::widgets::Paragraph::new(text), foot);
    ratatui::layout::Rect::new(area.x, area.y, area.width, rows)
}

/// Cuts `s` to at most `max` characters, marking the cut with `…`.
#[must_use]
pub fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// `mm:ss` (or `h:mm:ss` from an hour) for a number of seconds; negative counts as zero.
#[must_use]
pub fn mmss(secs: i64) -> String {
    let s = secs.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::overflow;

    #[test]
    fn a_cut_line_is_wrapped_whole_and_a_fitting_one_is_not_repeated() {
        assert!(overflow("a → b  [MFA]", 20, 20, 5).is_empty());
        let text = "a → b  [MFA, ExternalId=abc, cross-account, chain<=1h]";
        let lines = overflow(text, 20, 20, 5);
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        // Cut at a smaller room (an indented tree line) though it would fit the width.
        assert_eq!(overflow("a → b  [MFA]", 8, 40, 5), ["a → b [MFA]"]);
        // A word longer than the width is split; too many lines end with `…`.
        let long = format!("x {}", "y".repeat(45));
        assert_eq!(overflow(&long, 20, 20, 5).len(), 4);
        let cut = overflow(&long, 20, 20, 2);
        assert_eq!(cut.len(), 2);
        assert!(
            cut[1].ends_with('…') && cut[1].chars().count() <= 20,
            "{cut:?}"
        );
    }
}
