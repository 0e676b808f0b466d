//! The one place the state changes: [`apply`] takes a [`Command`] and returns the
//! [`Effect`]s the loop must carry out. Synchronous and deterministic, so flows are
//! tested by feeding commands and reading the state.

use std::sync::Arc;

use crate::tui::command::{Command, Effect};
use crate::tui::keymap::{self, Mode};
use crate::tui::outcome::clamp_add;
use crate::tui::search::{Request, Response, Searcher};
use crate::tui::state::{AppState, Focus, LogEntry, Overlay, Status, Subject};
use crate::tui::ui;

/// Applies `command` to `state`; returns what the loop must do next.
pub fn apply(state: &mut AppState, command: Command) -> Vec<Effect> {
    let mut fx = apply_one(state, command);
    fx.append(&mut state.world.outbox);
    fx
}

fn apply_one(state: &mut AppState, command: Command) -> Vec<Effect> {
    let mut fx = Vec::new();
    if let Command::Tick(elapsed) = command {
        tick(state, elapsed);
        return fx;
    }
    state.world.dirty = true;
    if !matches!(command, Command::Leave) && is_input(&command) {
        state.world.teach.confirm_quit = false;
    }
    // While the terminal is too small to show the screens, keys do nothing but quit (and
    // suspend): acting on screens no one can see would surprise.
    if ui::too_small(state) && is_input(&command) {
        if matches!(
            command,
            Command::Quit | Command::Leave | Command::Input('q')
        ) {
            state.world.quit = true;
            fx.push(Effect::Quit);
        }
        return fx;
    }
    // A pending "q again quits" holds for the next key only.
    if is_input(&command) {
        let armed = std::mem::take(&mut state.leave_armed);
        state.leave_armed = armed && matches!(command, Command::Leave);
    }
    if let Some(fx) = crate::tui::screen::route(state, &command) {
        return fx;
    }
    let mode = keymap::mode(state);
    let command = match crate::tui::screen::open::command(state, mode, command) {
        Ok(fx) => return fx,
        Err(command) => command,
    };
    if let Some(fx) = crate::tui::screen::route_list(state, mode, &command) {
        return fx;
    }
    match command {
        Command::Tick(_) => {}
        // Ctrl-C and signals quit at once; `q` (Leave) is the key that asks.
        Command::Quit => {
            state.world.quit = true;
            fx.push(Effect::Quit);
        }
        Command::Leave => {
            // A lesson asks first (its own message); once it is confirmed, the lesson's
            // exercise edits are not asked about again.
            let in_lesson = state.world.teach.lesson.is_some();
            let edits = state.world.whatif.edits().len();
            if !crate::tui::screen::quit_confirmed(state) {
                // The lesson asked for a second `q`.
            } else if !in_lesson && edits > 0 && !state.leave_armed {
                state.leave_armed = true;
                status(
                    state,
                    &format!(
                        "q again quits and drops the {edits} what-if edit(s) (W in the what-if view, D, saves them as a bundle); any other key stays"
                    ),
                    true,
                );
            } else {
                state.world.quit = true;
                fx.push(Effect::Quit);
            }
        }
        Command::Suspend => fx.push(Effect::Suspend),
        Command::SaveScreen { svg } => crate::tui::screen_text::save(state, svg),
        Command::Resize(w, h) => {
            let rewrap = w != state.world.width;
            state.world.width = w;
            state.world.height = h;
            crate::tui::screen::keep_list_visible(state);
            if rewrap {
                crate::tui::screen::open::lay_out_lists_again(state);
            }
        }
        Command::Up => step(state, mode, -1),
        Command::Down => step(state, mode, 1),
        Command::PageUp => {
            let page = page_size(state, mode);
            step(state, mode, -page);
        }
        Command::PageDown => {
            let page = page_size(state, mode);
            step(state, mode, page);
        }
        Command::Top => step(state, mode, -isize::MAX / 2),
        Command::Bottom => step(state, mode, isize::MAX / 2),
        Command::FocusNext | Command::FocusPrev if mode == Mode::Sessions => {
            state.focus = Focus::Main;
        }
        Command::Open if mode == Mode::Sessions => open_session(state),
        Command::ShowSessions => {
            state.sessions_collapsed = false;
            state.focus = Focus::Sessions;
            crate::tui::screen::keep_list_visible(state);
        }
        Command::SetTheme(palette) => {
            state.world.palette = palette;
            status(
                state,
                &format!(
                    "theme {} (the configuration's [explorer] theme keeps it)",
                    palette.name()
                ),
                false,
            );
        }
        Command::Back => back(state, mode),
        Command::ToggleSessions => {
            state.sessions_collapsed = !state.sessions_collapsed;
            if state.sessions_collapsed {
                state.focus = Focus::Main;
            }
            crate::tui::screen::keep_list_visible(state);
        }
        Command::YankArn => {
            let arn = match (&state.detail, state.focus) {
                (_, Focus::Sessions) => state
                    .selected_session()
                    .map(|s| s.issued.session_arn.clone()),
                (Some(d), _) => Some(d.arn.clone()),
                (None, _) => current_arn(state),
            };
            match arn {
                Some(arn) => fx.push(state.world.copy(&arn, arn.clone())),
                None => status(state, "nothing selected to copy", true),
            }
        }
        Command::ClockPause => {
            state.world.clock.toggle_pause(state.world.elapsed);
            let what = if state.world.clock.is_paused() {
                "paused"
            } else {
                "resumed"
            };
            log(state, format!("clock {what}"));
        }
        Command::ClockFaster | Command::ClockSlower => {
            let before = state.world.clock.speed();
            if matches!(command, Command::ClockFaster) {
                state.world.clock.faster(state.world.elapsed);
            } else {
                state.world.clock.slower(state.world.elapsed);
            }
            let speed = state.world.clock.speed();
            let paused = if state.world.clock.is_paused() {
                " (paused: space resumes)"
            } else {
                ""
            };
            let text = if speed == before {
                format!(
                    "clock speed stays ×{speed}, the {} there is{paused}",
                    if matches!(command, Command::ClockFaster) {
                        "fastest"
                    } else {
                        "slowest"
                    }
                )
            } else {
                format!("clock speed ×{speed}{paused}")
            };
            log(state, format!("clock speed ×{speed}"));
            status(state, &text, false);
        }
        Command::ClockNextExpiry => match state.next_expiry() {
            Some(t) => {
                state.world.clock.jump_to(t, state.world.elapsed);
                log(
                    state,
                    format!("clock jumped to the next expiry, {}", t.format("%H:%M:%S")),
                );
                let elapsed = state.world.elapsed;
                tick(state, elapsed);
            }
            None => status(
                state,
                "no session is waiting to expire; simulate one with a on a role",
                false,
            ),
        },
        Command::Click(x, y) => click(state, x, y, &mut fx),
        Command::Scroll(x, y, delta) => scroll_at(state, x, y, delta),
        // Commands of screens that are not open: nothing to do.
        _ => {}
    }
    fx
}

/// Shows `overlay` on top of the current one, which comes back when it closes.
pub(crate) fn push_overlay(state: &mut AppState, overlay: Overlay) {
    if let Some(below) = state.overlay.take() {
        state.overlay_stack.push(below);
    }
    state.overlay = Some(overlay);
}

/// Closes the current overlay, showing again the one it was opened from.
pub(crate) fn close_overlay(state: &mut AppState) {
    state.overlay = state.overlay_stack.pop();
    // What the closed screen said no longer applies.
    state.world.status = None;
}

fn tick(state: &mut AppState, elapsed: std::time::Duration) {
    state.world.elapsed = elapsed;
    let now = state.world.clock.now(elapsed);
    if now.timestamp() != state.world.now.timestamp() {
        state.world.dirty = true;
    }
    state.world.now = now;
    let mut expired = Vec::new();
    for s in &mut state.world.sessions {
        if !s.expiry_logged && s.ended_at.is_none() && now >= s.issued.expires_at {
            s.expiry_logged = true;
            expired.push((
                s.issued.expires_at,
                format!("session {} expired", s.issued.session_arn),
            ));
        }
    }
    for (at, text) in expired {
        state.world.log.push(LogEntry { at, text });
        state.world.dirty = true;
    }
}

fn log(state: &mut AppState, text: String) {
    state.world.log.push(LogEntry {
        at: state.world.now,
        text,
    });
}

pub(crate) fn status(state: &mut AppState, text: &str, error: bool) {
    state.world.status = Some(Status {
        text: text.to_owned(),
        error,
    });
}

/// The ARN of the list entry under the cursor.
pub(crate) fn current_arn(state: &AppState) -> Option<String> {
    state.entities.current_arn(&state.world)
}

/// Runs a search request on the calling thread and returns its results as a command
/// (what the worker does, for tests and for callers without a worker).
#[must_use]
pub fn search_now(state: &AppState, request: &Request) -> Command {
    let started = std::time::Instant::now();
    let mut searcher = Searcher::new();
    let hits = state
        .indexes
        .get(request.list)
        .map(|idx| searcher.search(idx, &request.query, None))
        .unwrap_or_default();
    Command::SearchResults(Response {
        list: request.list,
        generation: request.generation,
        query: request.query.clone(),
        hits: Arc::new(hits),
        elapsed: started.elapsed(),
    })
}

fn page_size(state: &AppState, mode: Mode) -> isize {
    let a = ui::areas(state);
    let rows = match mode {
        Mode::Sessions => usize::from(a.sessions.height / 3),
        Mode::Reach | Mode::Path | Mode::External | Mode::WizardReport => {
            crate::tui::widgets::pane::popup_rows(state.world.width, state.world.height)
        }
        _ => crate::tui::screen::list_rows(state),
    };
    isize::try_from(rows.max(1)).unwrap_or(1)
}

fn step(state: &mut AppState, mode: Mode, delta: isize) {
    match mode {
        Mode::List | Mode::Search => crate::tui::screen::step_list(state, delta),
        Mode::Detail => {
            let main = ui::areas(state).main;
            if let Some(d) = &mut state.detail {
                d.step(delta, main);
            }
        }
        Mode::Path | Mode::External | Mode::Explain => {}
        Mode::Sessions => {
            state.sessions_panel.selected = clamp_add(
                state.sessions_panel.selected,
                delta,
                state.world.sessions.len(),
            );
        }
        Mode::Help | Mode::Popup => {}
        // The form and the pickers move their own cursors.
        Mode::Form | Mode::Picker => {}
        Mode::Reach => {}
        // The what-if screens move their own cursors.
        Mode::EditMenu | Mode::Editor | Mode::WhatIf => {}
        Mode::Profiles | Mode::Lessons | Mode::CommandLine => {}
        // The wizard moves its own cursor.
        Mode::Wizard | Mode::WizardReport => {}
        Mode::Ask | Mode::Prompt => {}
    }
}

/// Opens the detail view of `subject`; a role's gets its "who can assume" pane from the
/// trust graph.
pub fn open_detail(state: &mut AppState, subject: Subject) {
    // A role opened anew goes back to the list, not to where another was opened from.
    state.return_to = None;
    state.detail = crate::tui::screen::open_detail(&mut state.world, subject);
}

/// Enter in the Sessions panel: the selected session's tags and context.
fn open_session(state: &mut AppState) {
    if let Some(s) = state.selected_session() {
        let id = s.id;
        crate::tui::screen::open_inspect(state, id);
    }
}

/// Esc that no screen took: a pop-up closes, the detail view goes back to the list, the
/// Sessions panel gives the keyboard back.
fn back(state: &mut AppState, mode: Mode) {
    match mode {
        Mode::Detail => state.detail = None,
        Mode::Sessions => state.focus = Focus::Main,
        Mode::List | Mode::Search => {}
        _ => close_overlay(state),
    }
}

fn click(state: &mut AppState, x: u16, y: u16, fx: &mut Vec<Effect>) {
    if state.overlay.is_some() || ui::too_small(state) {
        return;
    }
    let a = ui::areas(state);
    let hit = |r: ratatui::layout::Rect| x >= r.x && x < r.right() && y >= r.y && y < r.bottom();
    if hit(a.header) {
        if let Some(tab) = ui::header::tab_at(state, x) {
            apply_nested(state, Command::SelectTab(tab), fx);
        }
        return;
    }
    if hit(a.sessions) {
        state.focus = Focus::Sessions;
        if let Some(i) = crate::tui::screen::session_at(a.sessions, state, y) {
            state.sessions_panel.selected = i;
        }
        return;
    }
    if hit(a.main) {
        state.focus = Focus::Main;
        match &mut state.detail {
            Some(d) => {
                let areas = crate::tui::screen::detail_pane_areas(a.main, d);
                if let Some(i) = areas.iter().position(|r| hit(*r)) {
                    d.focus = i;
                }
            }
            None => {
                if let Some(more) = crate::tui::screen::click_list(state, x, y) {
                    fx.extend(more);
                }
            }
        }
    }
}

fn apply_nested(state: &mut AppState, command: Command, fx: &mut Vec<Effect>) {
    fx.extend(apply(state, command));
}

fn scroll_at(state: &mut AppState, x: u16, y: u16, delta: i8) {
    if ui::too_small(state) {
        return;
    }
    let a = ui::areas(state);
    let hit = |r: ratatui::layout::Rect| x >= r.x && x < r.right() && y >= r.y && y < r.bottom();
    let d = isize::from(delta);
    if state.overlay.is_some() {
        // A screen that moves its own cursor is given the wheel as arrow keys.
        let key = if d < 0 { Command::Up } else { Command::Down };
        if crate::tui::screen::route(state, &key).is_some() {
            for _ in 1..d.unsigned_abs() {
                crate::tui::screen::route(state, &key);
            }
            return;
        }
        let mode = keymap::mode(state);
        step(state, mode, d);
        return;
    }
    if hit(a.sessions) {
        step(state, Mode::Sessions, d);
    } else if hit(a.main) {
        if state.detail.is_some() {
            let areas = state
                .detail
                .as_ref()
                .map(|d| crate::tui::screen::detail_pane_areas(a.main, d))
                .unwrap_or_default();
            for (i, r) in areas.iter().enumerate() {
                if hit(*r)
                    && let Some(det) = &mut state.detail
                {
                    det.focus = i;
                }
            }
            step(state, Mode::Detail, d);
        } else {
            step(state, Mode::List, d);
        }
    }
}

/// Applies `commands` in order, answering search requests on the calling thread as they
/// come (for tests and scripted playback); returns the other effects, in order.
pub fn apply_all(state: &mut AppState, commands: impl IntoIterator<Item = Command>) -> Vec<Effect> {
    let mut out = Vec::new();
    for command in commands {
        for effect in apply(state, command) {
            match effect {
                Effect::Search(request) => {
                    let results = search_now(state, &request);
                    out.extend(apply(state, results));
                }
                Effect::Access(job) => {
                    let answer = crate::tui::access::run_job(*job);
                    out.extend(apply(state, answer));
                }
                Effect::Profiles(job) => {
                    let answer = crate::tui::profiles::run_job(*job);
                    out.extend(apply(state, answer));
                }
                other => out.push(other),
            }
        }
    }
    out
}

/// True for a command that comes from a key, a paste or the mouse (not from the clock, a
/// job or the terminal's size), other than suspending.
fn is_input(command: &Command) -> bool {
    !matches!(
        command,
        Command::Tick(_)
            | Command::Resize(..)
            | Command::Suspend
            | Command::SearchResults(_)
            | Command::AccessDone(_)
            | Command::ProfilesDone(_)
            | Command::EditorDone { .. }
    )
}
