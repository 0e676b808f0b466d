//! Drawing: [`render`] draws a whole frame from the state alone, one file per panel
//! under `ui/`. [`areas`] is the layout, shared with `update` so mouse clicks land on
//! what is drawn.

pub mod glossary;
pub mod header;

pub mod log;
pub mod status;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::state::AppState;
pub use crate::tui::widgets::layout::*;

/// Below this size the app shows "terminal too small" instead of its screens.
pub const MIN_WIDTH: u16 = 50;
pub const MIN_HEIGHT: u16 = 14;
/// From this width on, the Sessions panel sits to the right; below, underneath.
pub const WIDE: u16 = 110;

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
            crate::tui::screen::draw_narrative(frame, narrative, state, theme);
            left
        }
        None => a.main,
    };
    crate::tui::screen::draw_main(frame, main, state, theme);
    crate::tui::screen::draw_sessions(frame, a.sessions, state, theme);
    if a.log.width > 0 && a.log.height > 0 {
        log::render(frame, a.log, state, theme);
    }
    status::render(frame, a.status, a.footer, state, theme);
    // The overlays a pop-up was opened from stay drawn under it (a Simulate form over the
    // paths it was opened from).
    let below = state.overlay_stack.iter().map(|o| (o, false));
    for (overlay, focused) in below.chain(state.overlay.iter().map(|o| (o, true))) {
        crate::tui::screen::draw_overlay(frame, area, state, overlay, focused, theme);
    }
    if let Some(scroll) = state.world.teach.glossary {
        glossary::render(frame, area, scroll, theme);
    }
    theme.ground(frame.buffer_mut());
}
