//! Opening the screens that ask the trust graph or the profiles check (reach tree, paths,
//! external access, profiles) and taking the answers in when they come back from off the
//! loop. Part of the registry: it may name every screen.

use std::sync::Arc;

use crate::tui::command::{Command, Effect};
use crate::tui::keymap::Mode;
use crate::tui::state::{AppState, Focus, Overlay, SessionState, Subject, Tab};
use crate::tui::update::{close_overlay, current_arn, push_overlay, status};

/// The user or role under the cursor, or the selected session (or, in a reach tree or a
/// path view, where it starts): where a reach tree or a path starts.
pub(crate) fn principal_here(
    state: &AppState,
    mode: Mode,
) -> Option<crate::tui::access::ReachFrom> {
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
        Mode::List => match state.entities.tab {
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
pub(crate) fn reach(state: &mut AppState, mode: Mode) {
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
pub(crate) fn path_to(state: &mut AppState, mode: Mode) {
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
    let picker = crate::tui::widgets::picker::Picker::new(from, query, state.role_choices());
    push_overlay(state, Overlay::Picker(Box::new(picker)));
}

/// Asks for the paths from `from` to `role` and shows the path view working them out.
pub fn open_paths(state: &mut AppState, from: crate::tui::access::ReachFrom, role: usize) {
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
pub(crate) fn external(state: &mut AppState) {
    let pane = crate::tui::screens::external::pending(state);
    state.ask_graph(crate::tui::access::AccessQuery::External);
    state.waiting.external = Some(state.world.access_generation);
    push_overlay(state, Overlay::External(Box::new(pane)));
}

/// Takes in the trust graph's answer to the newest question of its kind: fills the
/// who-can-assume pane of the role still on screen, opens (or refreshes) the reach tree,
/// or fills the what-if view's diff.
pub(crate) fn access_done(state: &mut AppState, answer: crate::tui::access::AccessAnswer) {
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
        if newest(&mut state.world.diagnose_waiting) {
            crate::tui::screen::diagnosed(state, *d, answer.result);
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
            let mut view =
                match crate::tui::screens::reach::reach_view(state, &graph, from.clone(), &r.reach)
                {
                    Ok(v) => v,
                    Err(e) => {
                        status(state, &e, true);
                        return;
                    }
                };
            view.add_escalation(state, &graph, &from, &r.escalation);
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
pub(crate) fn lay_out_lists_again(state: &mut AppState) {
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

/// Carries out a command that opens a screen (or answers one from off the loop); gives
/// any other command back.
///
/// # Errors
/// The command, when it opens no screen.
pub(crate) fn command(
    state: &mut AppState,
    mode: Mode,
    command: Command,
) -> Result<Vec<Effect>, Command> {
    match command {
        Command::Lesson(c) => {
            crate::tui::screen::play_lesson(state, c);
        }
        Command::ToggleHelp => {
            if matches!(state.overlay, Some(Overlay::Help(_))) {
                close_overlay(state);
            } else {
                crate::tui::screen::open_help(state);
            }
        }
        Command::CommandLine => crate::tui::screen::open_command_line(state),
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
        Command::LessonIndex => {
            if let Err(e) = crate::tui::screen::open_lesson_index(state) {
                status(state, &format!("no lesson index: {e}"), true);
            }
        }
        Command::EditorDone { role, kind, result } => {
            crate::tui::screen::editor_done(state, role, kind, result);
        }
        Command::Simulate => simulate(state),
        Command::Chain => chain(state),
        Command::Ask => match state.selected_session() {
            Some(s) if s.is_usable(state.world.now) => {
                let id = s.id;
                crate::tui::screen::open_ask(state, id);
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
                let id = s.id;
                crate::tui::screen::open_inspect(state, id);
            }
        }
        other => return Err(other),
    }
    Ok(Vec::new())
}

/// Opens the wizard at the symptom list with the role (and user or session caller) under
/// the cursor (the form asks the wizard about the call it holds itself).
fn troubleshoot(state: &mut AppState, mode: Mode) {
    use crate::tui::sim::Caller;
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
        Mode::List if state.entities.tab == Tab::Roles => (state.list().current(), None),
        Mode::List if state.entities.tab == Tab::Users => (
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
    crate::tui::screen::open_wizard(state, role, caller);
}

/// Opens the what-if menu for the role under the cursor or in the detail view.
fn edit_menu(state: &mut AppState, mode: Mode, external: bool) {
    let role = match mode {
        Mode::Detail => state.detail.as_ref().and_then(|d| match d.subject {
            Subject::Role(i) => Some(i),
            _ => None,
        }),
        Mode::List if state.entities.tab == Tab::Roles => state.list().current(),
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

/// The hop under the cursor of the detail view's focused pane, when it lists hops.
fn selected_hop(state: &AppState) -> Option<&crate::tui::access::Prefill> {
    state.detail.as_ref()?.selected_hop()
}

fn simulate(state: &mut AppState) {
    if state.overlay.is_none()
        && state.focus == Focus::Main
        && let Some(hop) = selected_hop(state).cloned()
    {
        crate::tui::screen::open_hop_form(state, &hop, None);
        return;
    }
    let role = match (&state.detail, state.entities.tab) {
        (Some(d), _) => match d.subject {
            Subject::Role(i) => Some(i),
            _ => None,
        },
        (None, Tab::Roles) => state.list().current(),
        _ => None,
    };
    let caller = match (&state.detail, state.entities.tab) {
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
    crate::tui::screen::open_form(state, role, caller, None);
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
    crate::tui::screen::open_form(state, None, Some(caller), Some(0));
}
