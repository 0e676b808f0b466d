//! The one place the state changes: [`apply`] takes a [`Command`] and returns the
//! [`Effect`]s the loop must carry out. Synchronous and deterministic, so flows are
//! tested by feeding commands and reading the state.

use std::sync::Arc;

use nucleo_matcher::{Config, Matcher};

use crate::tui::command::{Command, Effect};
use crate::tui::facts::KINDS;
use crate::tui::keymap::{self, Mode};
use crate::tui::outcome::clamp_add;
use crate::tui::search::{self, Request, Response, Searcher};
use crate::tui::sim::CallerView;
use crate::tui::state::{
    AppState, AskForm, Choice, Focus, FormField, FormOutcome, LogEntry, Overlay, Picker, PickerFor,
    Session, SessionState, Status, Subject, Tab,
};
use crate::tui::ui::{self, entity_list, sessions};

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
    if !matches!(command, Command::Quit) && is_input(&command) {
        state.world.teach.confirm_quit = false;
    }
    // While the terminal is too small to show the screens, keys do nothing but quit (and
    // suspend): acting on screens no one can see would surprise.
    if ui::too_small(state) && is_input(&command) {
        if matches!(command, Command::Quit | Command::Input('q')) {
            state.world.quit = true;
            fx.push(Effect::Quit);
        }
        return fx;
    }
    if let Some(fx) = crate::tui::screen::route(state, &command) {
        return fx;
    }
    let mode = keymap::mode(state);
    match command {
        Command::Tick(_) => {}
        Command::Lesson(c) => {
            let outcome = crate::tui::screens::lessons::play(&mut state.world, c);
            crate::tui::screen::settle(state, outcome);
        }
        Command::Quit => {
            if crate::tui::screens::lessons::quit_confirmed(&mut state.world) {
                state.world.quit = true;
                fx.push(Effect::Quit);
            }
        }
        Command::Suspend => fx.push(Effect::Suspend),
        Command::SaveScreen => crate::tui::screen_text::save(state),
        Command::Resize(w, h) => {
            let rewrap = w != state.world.width;
            state.world.width = w;
            state.world.height = h;
            keep_cursor_visible(state);
            if rewrap {
                lay_out_lists_again(state);
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
        Command::StartSearch => {
            state.detail = None;
            state.focus = Focus::Main;
            state.list_mut().editing = true;
        }
        Command::Input(ch) => input(state, mode, ch, &mut fx),
        Command::Paste(text) => edit(state, mode, &mut fx, |s| s.push_str(&text)),
        Command::Backspace => edit(state, mode, &mut fx, |s| {
            s.pop();
        }),
        Command::ClearInput => edit(state, mode, &mut fx, String::clear),
        Command::AcceptSearch => state.list_mut().editing = false,
        Command::CancelSearch => {
            let list = state.list_mut();
            list.editing = false;
            if !list.query.is_empty() {
                list.query.clear();
                requery(state, &mut fx);
            }
        }
        Command::SearchResults(response) => accept_results(state, response),
        Command::CycleKind => {
            if state.tab == Tab::Roles {
                let present = state
                    .world
                    .role_facts
                    .iter()
                    .fold(0u32, |m, f| m | f.mask());
                let current = state.list().kind;
                let next = (current.map_or(0, |k| k + 1)..u8::try_from(KINDS.len()).unwrap_or(0))
                    .find(|k| present & (1 << k) != 0);
                state.list_mut().kind = next;
                requery(state, &mut fx);
            } else {
                status(
                    state,
                    "kinds apply to roles; press 1 for the roles list",
                    false,
                );
            }
        }
        Command::CycleAccount => {
            let n = state.world.indexes[state.tab.index()].accounts().len();
            let list = state.list_mut();
            list.account = match list.account {
                None if n > 0 => Some(0),
                Some(a) if usize::from(a) + 1 < n => Some(a + 1),
                _ => None,
            };
            requery(state, &mut fx);
        }
        Command::CycleSort => {
            let list = state.list_mut();
            list.sort = list.sort.next();
            requery(state, &mut fx);
        }
        Command::ClearFilters => {
            let list = state.list_mut();
            list.kind = None;
            list.account = None;
            requery(state, &mut fx);
        }
        Command::SelectTab(i) => {
            if let Some(tab) = Tab::ALL.get(i) {
                state.tab = *tab;
                state.detail = None;
                state.focus = Focus::Main;
            }
        }
        Command::FocusNext => focus_step(state, mode, 1),
        Command::FocusPrev => focus_step(state, mode, -1),
        Command::Open => open(state, mode),
        Command::Back => back(state, mode, &mut fx),
        // The detail view's own commands; nothing to do elsewhere.
        Command::TogglePlain | Command::YankPolicy => {}
        Command::ToggleHelp => {
            if matches!(state.overlay, Some(Overlay::Help(_))) {
                close_overlay(state);
            } else {
                crate::tui::screen::open_help(state);
            }
        }
        Command::Reach => reach(state, mode),
        Command::PathTo => path_to(state, mode),
        Command::External => external(state),
        Command::Edit { external } => edit_menu(state, mode, external),
        Command::WhatIf => crate::tui::screen::open_whatif_view(state),
        Command::Troubleshoot => troubleshoot(state, mode),
        Command::AccessDone(answer) => access_done(state, *answer),
        Command::Profiles => open_profiles(state),
        Command::ProfilesDone(answer) => {
            for o in state
                .overlay
                .iter_mut()
                .chain(state.overlay_stack.iter_mut())
            {
                if let Overlay::Profiles(v) = o
                    && v.answered(&answer)
                {
                    break;
                }
            }
        }
        Command::LessonIndex => match crate::tui::screens::lessons::LessonIndex::open(state) {
            Ok(ix) => state.overlay = Some(Overlay::Lessons(ix)),
            Err(e) => status(state, &format!("no lesson index: {e}"), true),
        },
        Command::ApplyFixes => crate::tui::wizard::apply_fixes(state),
        Command::EditorDone { role, kind, result } => {
            crate::tui::screen::editor_done(state, role, kind, result);
        }
        // The what-if screens' own commands; nothing to do elsewhere.
        Command::Undo
        | Command::Discard
        | Command::SaveBundle
        | Command::Save
        | Command::EditKey(_) => {}
        // The reach tree's own commands; nothing to do elsewhere.
        Command::Collapse | Command::ExpandAll => {}
        Command::ToggleSessions => {
            state.sessions_collapsed = !state.sessions_collapsed;
            if state.sessions_collapsed {
                state.focus = Focus::Main;
            }
            keep_cursor_visible(state);
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
                Some(arn) => {
                    status(
                        state,
                        &format!(
                            "sent {arn} to the terminal's clipboard (OSC 52); a terminal without OSC 52 support ignores it"
                        ),
                        false,
                    );
                    fx.push(Effect::Clipboard(arn));
                }
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
        Command::Simulate => simulate(state),
        Command::Chain => chain(state),
        Command::Ask => match state.selected_session() {
            Some(s) if s.is_usable(state.world.now) => {
                state.overlay = Some(Overlay::Ask(AskForm {
                    session: s.id,
                    ..AskForm::default()
                }));
            }
            Some(s) => {
                let msg = format!(
                    "session {} is no longer usable; simulate a new one",
                    s.issued.session_arn
                );
                status(state, &msg, true);
            }
            None => status(
                state,
                "no session selected; simulate one with a on a role",
                true,
            ),
        },
        Command::Inspect => {
            if let Some(s) = state.selected_session() {
                state.overlay = Some(Overlay::Inspect(crate::tui::screens::popup::Inspect::new(
                    s.id,
                )));
            }
        }
        Command::EndSession => {
            let now = state.world.now;
            if let Some(s) = state.world.sessions.get_mut(state.session_selected)
                && s.ended_at.is_none()
            {
                s.ended_at = Some(now);
                let text = format!("ended session {}", s.issued.session_arn);
                log(state, text);
            }
        }
        Command::Toggle => {
            if let Some(Overlay::Simulate(f)) = &mut state.overlay {
                f.mfa = !f.mfa;
            }
        }
        Command::Run => run_form(state),
        Command::Click(x, y) => click(state, x, y, &mut fx),
        Command::Scroll(x, y, delta) => scroll_at(state, x, y, delta),
    }
    fx
}

/// Opens the wizard: from the form, on the call it holds; elsewhere, at the symptom list
/// with the role (and user or session caller) under the cursor.
fn troubleshoot(state: &mut AppState, mode: Mode) {
    use crate::tui::sim::Caller;
    if let Some(Overlay::Simulate(form)) = &state.overlay {
        let form = (**form).clone();
        let symptom = form
            .wizard
            .unwrap_or(crate::engine::wizard::Symptom::CallerAndRole);
        crate::tui::wizard::diagnose_form(state, &form, symptom);
        return;
    }
    let inv = &state.world.inventory;
    let (role, caller) = match mode {
        Mode::Sessions => match state.selected_session() {
            Some(s) => (
                inv.index.role_by_arn.get(&s.role_arn).copied(),
                Some((s.caller.clone(), state.caller_name(&s.caller))),
            ),
            None => (None, None),
        },
        Mode::Detail => match state.detail.as_ref().map(|d| d.subject) {
            Some(Subject::Role(i)) => (Some(i), None),
            Some(Subject::User(i)) => (
                None,
                inv.users.get(i).map(|u| {
                    (
                        Caller::User { arn: u.arn.clone() },
                        format!("user {}", u.arn),
                    )
                }),
            ),
            _ => (None, None),
        },
        Mode::List if state.tab == Tab::Roles => (state.list().current(), None),
        Mode::List if state.tab == Tab::Users => (
            None,
            state
                .list()
                .current()
                .and_then(|i| inv.users.get(i))
                .map(|u| {
                    (
                        Caller::User { arn: u.arn.clone() },
                        format!("user {}", u.arn),
                    )
                }),
        ),
        _ => (None, None),
    };
    crate::tui::wizard::open(state, role, caller);
}

/// Opens the what-if menu for the role under the cursor or in the detail view.
fn edit_menu(state: &mut AppState, mode: Mode, external: bool) {
    let role = match mode {
        Mode::Detail => state.detail.as_ref().and_then(|d| match d.subject {
            Subject::Role(i) => Some(i),
            _ => None,
        }),
        Mode::List if state.tab == Tab::Roles => state.list().current(),
        _ => None,
    };
    let Some(role) = role else {
        status(
            state,
            "what-if edits change a role: select one in the roles list (1) and press e",
            true,
        );
        return;
    };
    if let Err(e) = crate::tui::screen::open_edit_menu(state, role, external) {
        status(state, &e, true);
    }
}

/// Shows `overlay` on top of the current one, which comes back when it closes.
pub(crate) fn push_overlay(state: &mut AppState, overlay: Overlay) {
    if let Some(below) = state.overlay.take() {
        state.overlay_stack.push(below);
    }
    state.overlay = Some(overlay);
}

/// Closes the current overlay, showing again the one it was opened from.
fn close_overlay(state: &mut AppState) {
    state.overlay = state.overlay_stack.pop();
    // What the closed screen said no longer applies.
    state.world.status = None;
}

/// The user or role under the cursor, or the selected session (or, in a reach tree or a
/// path view, where it starts): where a reach tree or a path starts.
fn principal_here(state: &AppState, mode: Mode) -> Option<crate::tui::access::ReachFrom> {
    use crate::tui::access::ReachFrom;
    let inv = &state.world.inventory;
    match mode {
        Mode::Sessions => state.selected_session().map(|s| ReachFrom::Session(s.id)),
        Mode::Detail => state.detail.as_ref().and_then(|d| match d.subject {
            Subject::Role(i) => inv
                .roles
                .get(i)
                .map(|r| ReachFrom::Principal(r.arn.clone())),
            Subject::User(i) => inv
                .users
                .get(i)
                .map(|u| ReachFrom::Principal(u.arn.clone())),
            _ => None,
        }),
        Mode::List => match state.tab {
            Tab::Roles | Tab::Users => current_arn(state).map(ReachFrom::Principal),
            _ => None,
        },
        Mode::Reach => match &state.overlay {
            Some(Overlay::Reach(v)) => Some(v.from.clone()),
            _ => None,
        },
        Mode::Path => match &state.overlay {
            Some(Overlay::Path(v)) => Some(v.from.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Opens the reach tree of the user or role under the cursor, or of the selected session.
fn reach(state: &mut AppState, mode: Mode) {
    let from = if mode == Mode::Reach {
        None
    } else {
        principal_here(state, mode)
    };
    let Some(from) = from else {
        status(
            state,
            "the reach tree starts from a user, a role or a session: select one and press v",
            true,
        );
        return;
    };
    match crate::tui::access::reach_start(state, &from) {
        Ok((arn, _)) => {
            status(state, &format!("working out what {arn} can reach…"), false);
            state.ask_graph(crate::tui::access::AccessQuery::Reach {
                from,
                arn,
                refresh: false,
            });
            state.waiting.reach = Some(state.world.access_generation);
        }
        Err(e) => status(state, &e, true),
    }
}

/// Opens the picker of the role a path from the principal or session under the cursor
/// should reach (from a path view: another role from the same start, replacing the view).
fn path_to(state: &mut AppState, mode: Mode) {
    let Some(from) = principal_here(state, mode) else {
        status(
            state,
            "a path starts from a user, a role or a session: select one and press V",
            true,
        );
        return;
    };
    if let Err(e) = crate::tui::screens::paths::start(state, &from) {
        status(state, &e, true);
        return;
    }
    // In a reach tree, the role under the cursor is offered first.
    let query = match &state.overlay {
        Some(Overlay::Reach(v)) => v
            .lines()
            .get(v.selected)
            .and_then(|l| l.row)
            .and_then(|i| v.rows.get(i))
            .and_then(|r| r.prefill.as_ref())
            .and_then(|p| state.world.inventory.roles.get(p.role))
            .map(|r| r.arn.clone())
            .unwrap_or_default(),
        _ => String::new(),
    };
    if mode == Mode::Path {
        close_overlay(state);
    }
    let picker = new_picker(state, PickerFor::PathTo(from), query);
    push_overlay(state, Overlay::Picker(Box::new(picker)));
}

/// Asks for the paths from `from` to `role` and shows the path view working them out.
fn open_paths(state: &mut AppState, from: crate::tui::access::ReachFrom, role: usize) {
    match crate::tui::screens::paths::ask(state, from, role) {
        Ok((view, query)) => {
            state.ask_graph(query);
            state.waiting.path = Some(state.world.access_generation);
            push_overlay(state, Overlay::Path(Box::new(view)));
        }
        Err(e) => status(state, &e, true),
    }
}

/// Opens the external-access findings, worked out off the loop.
fn external(state: &mut AppState) {
    let pane = crate::tui::screens::external::pending(state);
    state.ask_graph(crate::tui::access::AccessQuery::External);
    state.waiting.external = Some(state.world.access_generation);
    push_overlay(state, Overlay::External(Box::new(pane)));
}

/// Takes in the trust graph's answer to the newest question of its kind: fills the
/// who-can-assume pane of the role still on screen, opens (or refreshes) the reach tree,
/// or fills the what-if view's diff.
fn access_done(state: &mut AppState, answer: crate::tui::access::AccessAnswer) {
    use crate::tui::access::{AccessQuery, AccessResult};
    // An answer about data that has since been edited is stale.
    if !Arc::ptr_eq(&answer.inventory, &state.world.inventory) {
        return;
    }
    let newest = |wanted: &mut Option<u64>| {
        let yes = *wanted == Some(answer.generation);
        if yes {
            *wanted = None;
        }
        yes
    };
    if let AccessQuery::Diagnose(d) = answer.query {
        if newest(&mut state.waiting.diagnose) {
            crate::tui::wizard::diagnosed(state, *d, answer.result);
        }
        return;
    }
    if let (AccessQuery::Diff, AccessResult::Diff(d)) = (&answer.query, &answer.result) {
        if newest(&mut state.world.diff_waiting) {
            state.world.access_diff = Some(d.clone());
        }
        return;
    }
    let Some(graph) = answer.graph.clone() else {
        return;
    };
    match (answer.query, answer.result) {
        (AccessQuery::Who { role, .. }, result) => {
            if let Some(d) = &mut state.detail {
                d.who_answered(&state.world, &graph, role, &result);
            }
        }
        (AccessQuery::Reach { refresh: false, .. }, _) if !newest(&mut state.waiting.reach) => {}
        (AccessQuery::Reach { from, refresh, .. }, AccessResult::Reach(r)) => {
            let view = match crate::tui::screens::reach::reach_view(state, &graph, from.clone(), &r)
            {
                Ok(v) => v,
                Err(e) => {
                    status(state, &e, true);
                    return;
                }
            };
            if refresh {
                for o in state
                    .overlay
                    .iter_mut()
                    .chain(state.overlay_stack.iter_mut())
                {
                    if let Overlay::Reach(v) = o
                        && v.from == from
                    {
                        let mut new = view.clone();
                        new.expanded.extend(v.expanded.iter().copied());
                        new.selected = v.selected;
                        new.scroll = v.scroll;
                        **v = new;
                    }
                }
            } else {
                state.world.status = None;
                push_overlay(state, Overlay::Reach(Box::new(view)));
            }
        }
        (AccessQuery::Reach { .. }, AccessResult::Missing(m)) => status(state, &m, true),
        (AccessQuery::Path { .. }, _) if !newest(&mut state.waiting.path) => {}
        (AccessQuery::Path { from, role, .. }, result) => {
            let Some(mut view) = state
                .overlay
                .iter()
                .chain(&state.overlay_stack)
                .find_map(|o| match o {
                    Overlay::Path(v) if v.from == from && v.role == role => Some(v.clone()),
                    _ => None,
                })
            else {
                return;
            };
            match result {
                AccessResult::Paths(p) => {
                    crate::tui::screens::paths::fill(state, &graph, &mut view, &p);
                    view.answer = Some((Arc::clone(&graph), Arc::new(p)));
                }
                AccessResult::Missing(m) => {
                    view.pane = crate::tui::access::pending_pane(&view.pane.title, &m);
                }
                _ => return,
            }
            for o in state
                .overlay
                .iter_mut()
                .chain(state.overlay_stack.iter_mut())
            {
                if let Overlay::Path(v) = o
                    && v.from == from
                    && v.role == role
                {
                    replace_pane(&mut v.pane, view.pane.clone());
                    v.answer.clone_from(&view.answer);
                }
            }
        }
        (AccessQuery::External, _) if !newest(&mut state.waiting.external) => {}
        (AccessQuery::External, AccessResult::External(ext)) => {
            let pane = crate::tui::screens::external::pane(state, &graph, &ext);
            let answer = Some((Arc::clone(&graph), Arc::new(ext)));
            for o in state
                .overlay
                .iter_mut()
                .chain(state.overlay_stack.iter_mut())
            {
                if let Overlay::External(v) = o {
                    replace_pane(&mut v.pane, pane.clone());
                    v.answer.clone_from(&answer);
                }
            }
        }
        _ => {}
    }
}

/// Lays the open path and external-access views out again from their answers, their
/// long lines wrapped to the new width.
fn lay_out_lists_again(state: &mut AppState) {
    let Some(top) = state.overlay.take() else {
        return;
    };
    let mut overlays = std::mem::take(&mut state.overlay_stack);
    overlays.push(top);
    for o in &mut overlays {
        match o {
            Overlay::Path(v) => {
                if let Some((graph, paths)) = v.answer.clone() {
                    let mut new = (**v).clone();
                    crate::tui::screens::paths::fill(state, &graph, &mut new, &paths);
                    replace_pane(&mut v.pane, new.pane);
                }
            }
            Overlay::External(v) => {
                if let Some((graph, ext)) = &v.answer {
                    let pane = crate::tui::screens::external::pane(state, graph, ext);
                    replace_pane(&mut v.pane, pane);
                }
            }
            _ => {}
        }
    }
    // The selected line may have moved with the wrapping: keep it on screen.
    let rows = crate::tui::widgets::pane::popup_rows(state.world.width, state.world.height);
    for o in &mut overlays {
        match o {
            Overlay::Path(v) => v.pane.step(0, rows, false),
            Overlay::External(v) => v.pane.step(0, rows, false),
            _ => {}
        }
    }
    state.overlay = overlays.pop();
    state.overlay_stack = overlays;
}

fn replace_pane(old: &mut crate::tui::state::Pane, new: crate::tui::state::Pane) {
    old.replace(new);
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

fn current_arn(state: &AppState) -> Option<String> {
    let i = state.list().current()?;
    let inv = &state.world.inventory;
    match state.tab {
        Tab::Roles => inv.roles.get(i).map(|r| r.arn.clone()),
        Tab::Users => inv.users.get(i).map(|u| u.arn.clone()),
        Tab::Groups => inv.groups.get(i).map(|g| g.arn.clone()),
        Tab::Providers => inv.identity_providers.get(i).map(|p| p.arn.clone()),
    }
}

/// Starts a search for the current list's query, with a new generation.
fn requery(state: &mut AppState, fx: &mut Vec<Effect>) {
    let list_no = state.tab.index();
    let list = state.list_mut();
    list.generation += 1;
    list.selected = 0;
    list.offset = 0;
    fx.push(Effect::Search(Request {
        list: list_no,
        generation: list.generation,
        query: list.query(),
    }));
}

fn accept_results(state: &mut AppState, r: Response) {
    let Some(list) = state.lists.get_mut(r.list) else {
        return;
    };
    // INVARIANT: only the newest generation's results reach the screen.
    if r.generation != list.generation {
        return;
    }
    list.hits = r.hits;
    list.hits_for = r.query;
    list.selected = list.selected.min(list.hits.len().saturating_sub(1));
    keep_cursor_visible(state);
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
        _ => usize::from(entity_list::rows_area(a.main).height),
    };
    isize::try_from(rows.max(1)).unwrap_or(1)
}

fn step(state: &mut AppState, mode: Mode, delta: isize) {
    match mode {
        Mode::List | Mode::Search => {
            let list = state.list_mut();
            list.selected = clamp_add(list.selected, delta, list.hits.len());
            keep_cursor_visible(state);
        }
        Mode::Detail => {
            let main = ui::areas(state).main;
            if let Some(d) = &mut state.detail {
                d.step(delta, main);
            }
        }
        Mode::Path | Mode::External => {}
        Mode::Sessions => {
            state.session_selected =
                clamp_add(state.session_selected, delta, state.world.sessions.len());
        }
        Mode::Help | Mode::Popup => {}
        Mode::Form => {
            if let Some(Overlay::Simulate(f)) = &mut state.overlay {
                f.scroll = clamp_add(f.scroll, delta, 200);
            }
        }
        Mode::Picker => {
            if let Some(p) = picker_mut(state) {
                p.selected = clamp_add(p.selected, delta, p.hits.len());
            }
        }
        Mode::Reach => {}
        // The what-if screens move their own cursors.
        Mode::EditMenu | Mode::Editor | Mode::WhatIf => {}
        Mode::Profiles | Mode::Lessons => {}
        Mode::Wizard | Mode::WizardReport => {
            if let Some(Overlay::Wizard(w)) = &mut state.overlay {
                match &mut w.stage {
                    crate::tui::wizard::Stage::Symptoms { selected } => {
                        *selected =
                            clamp_add(*selected, delta, crate::engine::wizard::Symptom::ALL.len());
                    }
                    crate::tui::wizard::Stage::Report(d) => {
                        d.scroll = clamp_add(d.scroll, delta, d.lines.len());
                    }
                    crate::tui::wizard::Stage::Working { .. } => {}
                }
            }
        }
        Mode::Ask | Mode::Prompt => {}
    }
}

/// The picker that has the keyboard: the Simulate form's, or one of its own.
fn picker_mut(state: &mut AppState) -> Option<&mut Picker> {
    match &mut state.overlay {
        Some(Overlay::Simulate(f)) => f.picker.as_mut(),
        Some(Overlay::Picker(p)) => Some(p),
        _ => None,
    }
}

/// Opens the detail view of `subject`; a role's gets its "who can assume" pane from the
/// trust graph.
pub fn open_detail(state: &mut AppState, subject: Subject) {
    state.detail = crate::tui::screen::open_detail(&mut state.world, subject);
}

/// Keeps the list's cursor inside the visible window.
fn keep_cursor_visible(state: &mut AppState) {
    let rows = usize::from(entity_list::rows_area(ui::areas(state).main).height).max(1);
    for list in &mut state.lists {
        if list.selected < list.offset {
            list.offset = list.selected;
        } else if list.selected >= list.offset + rows {
            list.offset = list.selected + 1 - rows;
        }
        let max_offset = list.hits.len().saturating_sub(rows);
        list.offset = list.offset.min(max_offset);
    }
}

fn input(state: &mut AppState, mode: Mode, ch: char, fx: &mut Vec<Effect>) {
    if mode == Mode::Form && keymap::on_toggle_field(state) && ch == ' ' {
        if let Some(Overlay::Simulate(f)) = &mut state.overlay {
            f.mfa = !f.mfa;
        }
        return;
    }
    edit(state, mode, fx, |s| s.push(ch));
}

/// Edits the text field that has the keyboard in `mode`.
fn edit(state: &mut AppState, mode: Mode, fx: &mut Vec<Effect>, change: impl FnOnce(&mut String)) {
    match mode {
        Mode::Search => {
            let before = state.list().query.clone();
            change(&mut state.list_mut().query);
            if state.list().query != before {
                requery(state, fx);
            }
        }
        Mode::Form => {
            if let Some(Overlay::Simulate(f)) = &mut state.overlay {
                let field = f.focused();
                if matches!(field, FormField::Role | FormField::Caller) {
                    // Typing on a picked field opens its picker with what was typed.
                    let mut q = String::new();
                    change(&mut q);
                    let purpose = if field == FormField::Role {
                        PickerFor::Role
                    } else {
                        PickerFor::Caller
                    };
                    open_picker(state, purpose, q);
                    return;
                }
                if matches!(field, FormField::Mfa | FormField::Run) {
                    return;
                }
                if let Some(v) = f.fields.get_mut(f.focus) {
                    change(v);
                }
            }
        }
        Mode::Picker => {
            let mut matcher = Matcher::new(Config::DEFAULT);
            if let Some(p) = picker_mut(state) {
                change(&mut p.query);
                refilter(p, &mut matcher);
            }
        }
        Mode::Ask => {
            if let Some(Overlay::Ask(a)) = &mut state.overlay {
                let field = if a.focus == 0 {
                    &mut a.action
                } else {
                    &mut a.resource
                };
                change(field);
                a.answer = None;
            }
        }
        _ => {}
    }
}

fn refilter(p: &mut Picker, matcher: &mut Matcher) {
    let q = p.query.trim();
    p.hits = if q.is_empty() {
        p.choices
            .iter()
            .enumerate()
            .map(|(i, _)| (i, Vec::new()))
            .collect()
    } else {
        let mut scored: Vec<(u32, usize, Vec<u32>)> = p
            .choices
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                search::match_small(q, &c.label, matcher).map(|(s, idx)| (s, i, idx))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, i, idx)| (i, idx)).collect()
    };
    p.selected = 0;
}

/// A picker for `purpose`, filtered by `query`.
fn new_picker(state: &AppState, purpose: PickerFor, query: String) -> Picker {
    let choices: Vec<Choice> = match purpose {
        PickerFor::Role | PickerFor::PathTo(_) => state.role_choices(),
        PickerFor::Caller => state.caller_choices(),
    };
    let mut picker = Picker {
        purpose,
        query,
        choices,
        hits: Vec::new(),
        selected: 0,
    };
    refilter(&mut picker, &mut Matcher::new(Config::DEFAULT));
    picker
}

fn open_picker(state: &mut AppState, purpose: PickerFor, query: String) {
    let picker = new_picker(state, purpose, query);
    if let Some(Overlay::Simulate(f)) = &mut state.overlay {
        f.picker = Some(picker);
    }
}

fn focus_step(state: &mut AppState, mode: Mode, delta: isize) {
    match mode {
        Mode::Form => {
            if let Some(Overlay::Simulate(f)) = &mut state.overlay {
                let n = FormField::ALL.len();
                f.focus = usize::try_from(
                    (isize::try_from(f.focus).unwrap_or(0) + delta)
                        .rem_euclid(isize::try_from(n).unwrap_or(1)),
                )
                .unwrap_or(0);
            }
        }
        Mode::Ask => {
            if let Some(Overlay::Ask(a)) = &mut state.overlay {
                a.focus = 1 - a.focus.min(1);
            }
        }
        // The detail view moves between its own panes.
        Mode::Detail => {}
        Mode::List | Mode::Search => {
            if !state.sessions_collapsed {
                state.list_mut().editing = false;
                state.focus = Focus::Sessions;
            }
        }
        Mode::Sessions => state.focus = Focus::Main,
        Mode::Picker | Mode::Help | Mode::Popup | Mode::Reach | Mode::Path | Mode::External => {}
        Mode::EditMenu | Mode::Editor | Mode::Prompt | Mode::WhatIf => {}
        Mode::Wizard | Mode::WizardReport | Mode::Lessons | Mode::Profiles => {}
    }
}

fn open(state: &mut AppState, mode: Mode) {
    match mode {
        Mode::List | Mode::Search => {
            let Some(i) = state.list().current() else {
                status(
                    state,
                    "no entry selected: the list is empty; clear the search with Esc",
                    true,
                );
                return;
            };
            let subject = match state.tab {
                Tab::Roles => Subject::Role(i),
                Tab::Users => Subject::User(i),
                Tab::Groups => Subject::Group(i),
                Tab::Providers => Subject::Provider(i),
            };
            state.list_mut().editing = false;
            open_detail(state, subject);
        }
        Mode::Sessions => {
            if let Some(s) = state.selected_session() {
                state.overlay = Some(Overlay::Inspect(crate::tui::screens::popup::Inspect::new(
                    s.id,
                )));
            }
        }
        Mode::Form => {
            let Some(Overlay::Simulate(f)) = &mut state.overlay else {
                return;
            };
            match f.focused() {
                FormField::Role => open_picker(state, PickerFor::Role, String::new()),
                FormField::Caller => open_picker(state, PickerFor::Caller, String::new()),
                FormField::Mfa => f.mfa = !f.mfa,
                FormField::Run => run_form(state),
                _ => f.focus = (f.focus + 1).min(FormField::ALL.len() - 1),
            }
        }
        Mode::Picker => choose(state),
        Mode::Ask => ask(state),
        Mode::Reach => {}
        Mode::EditMenu | Mode::Prompt | Mode::Editor | Mode::WhatIf | Mode::WizardReport => {}
        Mode::Wizard => crate::tui::wizard::choose_symptom(state),
        Mode::Profiles | Mode::Lessons => {}
        Mode::Path | Mode::External | Mode::Help | Mode::Popup => {}
        Mode::Detail => {}
    }
}

fn back(state: &mut AppState, mode: Mode, fx: &mut Vec<Effect>) {
    match mode {
        Mode::Picker => match &mut state.overlay {
            Some(Overlay::Simulate(f)) => f.picker = None,
            _ => close_overlay(state),
        },
        Mode::Form
        | Mode::Ask
        | Mode::Help
        | Mode::Popup
        | Mode::Reach
        | Mode::Path
        | Mode::External
        | Mode::EditMenu
        | Mode::Editor
        | Mode::Prompt
        | Mode::WhatIf
        | Mode::Wizard
        | Mode::WizardReport
        | Mode::Lessons
        | Mode::Profiles => close_overlay(state),
        Mode::Detail => state.detail = None,
        Mode::Sessions => state.focus = Focus::Main,
        Mode::List => {
            if !state.list().query.is_empty() {
                state.list_mut().query.clear();
                requery(state, fx);
            }
        }
        Mode::Search => {}
    }
}

fn choose(state: &mut AppState) {
    if let Some(Overlay::Picker(p)) = &state.overlay {
        let chosen = p.hits.get(p.selected).and_then(|(i, _)| p.choices.get(*i));
        match (&p.purpose, chosen.and_then(|c| c.role)) {
            (PickerFor::PathTo(from), Some(role)) => {
                let from = from.clone();
                close_overlay(state);
                open_paths(state, from, role);
            }
            _ => status(state, "no role matches; ⌫ widens the search", true),
        }
        return;
    }
    let Some(Overlay::Simulate(f)) = &mut state.overlay else {
        return;
    };
    let Some(p) = f.picker.take() else { return };
    let Some(choice) = p
        .hits
        .get(p.selected)
        .and_then(|(i, _)| p.choices.get(*i))
        .cloned()
    else {
        f.picker = Some(p);
        return;
    };
    match p.purpose {
        PickerFor::Role => {
            f.role = choice.role;
            f.fields[0] = choice
                .role
                .and_then(|r| state.world.inventory.roles.get(r))
                .map(|r| r.name.clone())
                .unwrap_or_default();
        }
        PickerFor::Caller => {
            f.caller = choice.caller;
            f.caller_label = format!("{} {}", choice.group, choice.label);
            f.fields[1].clone_from(&f.caller_label);
        }
        PickerFor::PathTo(_) => {}
    }
    f.outcome = None;
    f.focus = (f.focus + 1).min(FormField::ALL.len() - 1);
}

/// The hop under the cursor of the detail view's focused pane, when it lists hops.
fn selected_hop(state: &AppState) -> Option<&crate::tui::access::Prefill> {
    state.detail.as_ref()?.selected_hop()
}

/// Opens the Simulate form filled in for `hop`.
pub(crate) fn simulate_hop(state: &mut AppState, hop: &crate::tui::access::Prefill) {
    let mut hop = hop.clone();
    // A role caller with a live simulated session calls as that session (role chaining);
    // the list may have been built before the session existed or after it ended.
    let role_arn = match &hop.caller {
        crate::tui::sim::Caller::Role { arn } => Some(arn.clone()),
        crate::tui::sim::Caller::Session { id } => state
            .session(*id)
            .filter(|s| !s.is_usable(state.world.now))
            .map(|s| s.role_arn.clone()),
        _ => None,
    };
    if let Some(arn) = role_arn {
        let now = state.world.now;
        match state
            .sessions
            .iter()
            .rev()
            .find(|s| s.role_arn == arn && s.is_usable(now))
        {
            Some(s) => {
                hop.caller = crate::tui::sim::Caller::Session { id: s.id };
                hop.caller_label =
                    format!("session {} ({})", s.issued.session_arn, s.chain.join(" → "));
                hop.note = None;
            }
            None => {
                // No live session of the caller role. The engine's one rule for a hop: a
                // role calls only as a session of itself, so nothing is simulated until one
                // exists (never an instance profile the role may not be trusted for).
                let target = state
                    .world
                    .inventory
                    .roles
                    .get(hop.role)
                    .map(|r| r.arn.clone())
                    .unwrap_or_default();
                if let crate::engine::sts::hop::HopRequest::NeedsSession { message, .. } =
                    crate::engine::sts::hop::hop_request(
                        &arn,
                        &target,
                        &hop.request,
                        crate::engine::sts::hop::CallerSessions::Live(&[]),
                        now,
                    )
                {
                    status(state, &message, true);
                    return;
                }
            }
        }
    }
    let hop = &hop;
    let form = state.prefilled_form(hop);
    push_overlay(state, Overlay::Simulate(Box::new(form)));
    match &hop.note {
        Some(n) => status(state, n, false),
        None => status(
            state,
            "the form holds what this hop needs; Enter on [ Simulate ] runs it",
            false,
        ),
    }
}

fn simulate(state: &mut AppState) {
    if state.overlay.is_none()
        && state.focus == Focus::Main
        && let Some(hop) = selected_hop(state).cloned()
    {
        simulate_hop(state, &hop);
        return;
    }
    let role = match (&state.detail, state.tab) {
        (Some(d), _) => match d.subject {
            Subject::Role(i) => Some(i),
            _ => None,
        },
        (None, Tab::Roles) => state.list().current(),
        _ => None,
    };
    let caller = match (&state.detail, state.tab) {
        (Some(d), _) => match d.subject {
            Subject::User(i) => state.world.inventory.users.get(i).map(|u| u.arn.clone()),
            _ => None,
        },
        (None, Tab::Users) => state
            .list()
            .current()
            .and_then(|i| state.world.inventory.users.get(i))
            .map(|u| u.arn.clone()),
        _ => None,
    }
    .map(|arn| {
        (
            crate::tui::sim::Caller::User { arn: arn.clone() },
            format!("user {arn}"),
        )
    });
    let form = state.new_form(role, caller);
    state.overlay = Some(Overlay::Simulate(Box::new(form)));
}

fn chain(state: &mut AppState) {
    let Some(s) = state.selected_session() else {
        status(
            state,
            "no session selected; simulate one with a on a role first",
            true,
        );
        return;
    };
    if !s.is_usable(state.world.now) {
        let msg = format!(
            "session {} is {}; a chain needs a live session — simulate a new one",
            s.issued.session_arn,
            if s.state(state.world.now) == SessionState::Ended {
                "ended"
            } else {
                "expired"
            }
        );
        status(state, &msg, true);
        return;
    }
    let caller = (
        crate::tui::sim::Caller::Session { id: s.id },
        format!("session {} ({})", s.issued.session_arn, s.chain.join(" → ")),
    );
    let mut form = state.new_form(None, Some(caller));
    form.focus = 0;
    state.overlay = Some(Overlay::Simulate(Box::new(form)));
}

fn run_form(state: &mut AppState) {
    let Some(Overlay::Simulate(form)) = &state.overlay else {
        return;
    };
    if let Some(symptom) = form.wizard {
        let form = (**form).clone();
        crate::tui::wizard::diagnose_form(state, &form, symptom);
        return;
    }
    let input = match state.form_input(form) {
        Ok(i) => i,
        Err(msg) => {
            if let Some(Overlay::Simulate(f)) = &mut state.overlay {
                f.outcome = Some(FormOutcome::Invalid(msg));
            }
            return;
        }
    };
    let Some(caller) = form.caller.clone() else {
        return;
    };
    let role_index = form.role;
    let session = match &caller {
        crate::tui::sim::Caller::Session { id } => state.session(*id),
        _ => None,
    };
    let view = CallerView {
        caller: &caller,
        session: session.map(|s| &s.issued),
        session_role_arn: session.map(|s| s.role_arn.as_str()),
    };
    let result = state
        .simulator
        .assume(&state.world.inventory, &view, &input, state.world.now);
    let mut chain_names =
        session.map_or_else(|| vec![state.caller_name(&caller)], |s| s.chain.clone());
    let role_label = role_index
        .and_then(|r| state.world.inventory.roles.get(r))
        .map(|r| r.name.clone())
        .unwrap_or_default();
    state.world.last_run = Some(crate::tui::world::LastRun {
        caller: caller.clone(),
        input: input.clone(),
        label: format!("{} → {role_label}", chain_names.join(" → ")),
        first: result.clone(),
        now: None,
    });
    let role = role_index.and_then(|r| state.world.inventory.roles.get(r));
    let role_name = role.map(|r| r.name.clone()).unwrap_or_default();
    let outcome = match result {
        Ok(issued) => {
            let id = state.world.next_session;
            state.world.next_session += 1;
            chain_names.push(role_name.clone());
            let text = format!(
                "{} assumed {role_name}: {} until {}",
                state.caller_name(&caller),
                issued.session_arn,
                issued.expires_at.format("%H:%M:%S")
            );
            state.world.sessions.push(Session {
                id,
                chain: chain_names,
                role_arn: input.role_arn.clone(),
                role_name,
                caller: caller.clone(),
                issued,
                ended_at: None,
                expiry_logged: false,
            });
            state.session_selected = state.world.sessions.len() - 1;
            log(state, text);
            FormOutcome::Issued { session: id }
        }
        Err(refusal) => {
            let text = format!(
                "{} could not assume {role_name}: {} ({} failing check{})",
                state.caller_name(&caller),
                refusal.code,
                refusal.checks.len(),
                if refusal.checks.len() == 1 { "" } else { "s" }
            );
            log(state, text);
            FormOutcome::Refused(refusal)
        }
    };
    if let Some(Overlay::Simulate(f)) = &mut state.overlay {
        f.outcome = Some(outcome);
        f.scroll = 0;
    }
}

fn ask(state: &mut AppState) {
    let Some(Overlay::Ask(a)) = &state.overlay else {
        return;
    };
    let (action, resource) = (a.action.trim().to_owned(), a.resource.trim().to_owned());
    let Some(s) = state.session(a.session) else {
        return;
    };
    if action.is_empty() {
        status(state, "enter an action such as s3:GetObject", true);
        return;
    }
    let resource = if resource.is_empty() {
        "*".to_owned()
    } else {
        resource
    };
    let answer = state.world.simulator.ask(
        &state.world.inventory,
        &s.role_arn,
        &s.issued,
        &action,
        &resource,
        state.world.now,
    );
    let text = format!(
        "asked whether {} may {action} on {resource}: {}",
        s.issued.session_arn,
        answer.decision.map_or(
            "not answered",
            crate::engine::policy::decision::Outcome::as_str
        )
    );
    log(state, text);
    if let Some(Overlay::Ask(a)) = &mut state.overlay {
        a.answer = Some(answer);
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
        if let Some(i) = sessions::session_at(a.sessions, state, y) {
            state.session_selected = i;
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
                let rows = entity_list::rows_area(a.main);
                if hit(rows) {
                    let list = state.list_mut();
                    let i = list.offset + usize::from(y - rows.y);
                    if i < list.hits.len() {
                        if list.selected == i {
                            open(state, Mode::List);
                        } else {
                            list.selected = i;
                        }
                    }
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

/// Opens the list at once ("checking…") and asks for the check off the loop: compiling the
/// policies of a large inventory takes a moment.
pub fn open_profiles(state: &mut AppState) {
    let Some(input) = state.world.profiles_input.clone() else {
        status(
            state,
            "no AWS config file to read: set `[profiles] aws_config` in the rolescope config or AWS_CONFIG_FILE",
            true,
        );
        return;
    };
    state.world.profiles_generation += 1;
    let generation = state.world.profiles_generation;
    state
        .world
        .outbox
        .push(crate::tui::command::Effect::Profiles(Box::new(
            crate::tui::profiles::ProfilesJob {
                generation,
                inventory: Arc::clone(&state.world.inventory),
                input: input.clone(),
                now: state.world.now,
            },
        )));
    push_overlay(
        state,
        Overlay::Profiles(Box::new(crate::tui::screens::profiles::ProfilesView {
            path: input.path,
            reports: Ok(Vec::new()),
            pending: true,
            generation,
            selected: 0,
        })),
    );
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
