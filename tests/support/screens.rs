//! The explorer on the demo with each of its screens open: [`open`] drives a fresh state
//! through the keys a user would press (as commands) until the screen of a mode is open.

#![allow(dead_code)]

use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Utc};
use rolescope::engine::load::load_demo;
use rolescope::tui::command::Command;
use rolescope::tui::keymap::{Mode, mode};
use rolescope::tui::sim::EngineSimulator;
use rolescope::tui::state::AppState;
use rolescope::tui::update::{apply, apply_all};

pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// The demo organisation, loaded once.
static DEMO: LazyLock<Arc<rolescope::engine::model::Inventory>> =
    LazyLock::new(|| Arc::new(load_demo().unwrap()));

/// The demo at `w`×`h`, on the roles list.
pub fn demo(w: u16, h: u16) -> AppState {
    let inv = Arc::clone(&DEMO);
    let sim = Arc::new(EngineSimulator::spawn(Arc::clone(&inv)).unwrap());
    let mut state = AppState::new(inv, sim, t0());
    apply(&mut state, Command::Resize(w, h));
    // The user's AWS config (the fixture), so `O` has profiles to check.
    state.profiles_input = Some(rolescope::tui::profiles::ProfilesInput {
        path: concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/aws-config").into(),
        sources: [(
            "maria".to_owned(),
            "arn:aws:iam::111111111111:user/people/maria.garcia".to_owned(),
        )]
        .into_iter()
        .collect(),
    });
    state
}

pub fn typed(text: &str) -> Vec<Command> {
    text.chars().map(Command::Input).collect()
}

/// The roles list with `name` found and selected.
fn select_role(state: &mut AppState, name: &str) {
    let mut cmds = vec![Command::SelectTab(0), Command::StartSearch];
    cmds.extend(typed(name));
    cmds.push(Command::AcceptSearch);
    apply_all(state, cmds);
}

/// A session of OpsEntry taken by maria.garcia, the Sessions panel focused on it.
fn with_session(state: &mut AppState) {
    select_role(state, "OpsEntry");
    let mut cmds = vec![Command::Simulate, Command::Open];
    cmds.extend(typed("maria.garcia"));
    cmds.extend([Command::Open, Command::Run, Command::Back]);
    apply_all(state, cmds);
    assert!(!state.sessions.is_empty(), "no session was issued");
    apply_all(state, [Command::FocusNext]);
}

/// Every mode the explorer has.
pub const MODES: [Mode; 22] = Mode::ALL;

/// The demo at `w`×`h` (the screens are opened at 140×45, then resized) with the screen
/// of `want` open.
pub fn open(want: Mode, w: u16, h: u16) -> AppState {
    let mut state = demo(140, 45);
    let s = &mut state;
    match want {
        Mode::List => {}
        Mode::Search => {
            apply_all(s, [Command::StartSearch]);
        }
        Mode::Detail => {
            select_role(s, "OpsEntry");
            apply_all(s, [Command::Open]);
        }
        Mode::Sessions => with_session(s),
        Mode::Form => {
            apply_all(s, [Command::Simulate]);
        }
        Mode::Picker => {
            select_role(s, "OpsEntry");
            apply_all(s, [Command::PathTo]);
        }
        Mode::Ask => {
            with_session(s);
            apply_all(s, [Command::Ask]);
        }
        Mode::Help => {
            apply_all(s, [Command::ToggleHelp]);
        }
        Mode::Popup => {
            with_session(s);
            apply_all(s, [Command::Inspect]);
        }
        Mode::Reach => {
            select_role(s, "OpsEntry");
            apply_all(s, [Command::Reach]);
        }
        Mode::Path => {
            select_role(s, "OpsEntry");
            apply_all(s, [Command::PathTo, Command::Open]);
        }
        Mode::External => {
            apply_all(s, [Command::External]);
        }
        Mode::EditMenu => {
            select_role(s, "OpsEntry");
            apply_all(s, [Command::Edit { external: false }]);
        }
        Mode::Editor => {
            select_role(s, "OpsEntry");
            apply_all(s, [Command::Edit { external: false }, Command::Open]);
        }
        Mode::Prompt => {
            // The menu's last choice is the maximum session duration, asked in a prompt.
            select_role(s, "OpsEntry");
            apply_all(s, [Command::Edit { external: false }, Command::Bottom]);
            apply_all(s, std::iter::repeat_n(Command::Down, 20));
            apply_all(s, [Command::Open]);
        }
        Mode::WhatIf => {
            apply_all(s, [Command::WhatIf]);
        }
        Mode::Wizard => {
            apply_all(s, [Command::Troubleshoot]);
        }
        Mode::WizardReport => {
            // "cross-account access does not work" (the eighth symptom), diagnosed.
            select_role(s, "QAReleaseVerifier");
            apply_all(s, [Command::Troubleshoot]);
            apply_all(s, std::iter::repeat_n(Command::Down, 7));
            let mut cmds = vec![Command::Open, Command::Open];
            cmds.extend(typed("noah.kim"));
            cmds.extend([Command::Open, Command::Run]);
            apply_all(s, cmds);
        }
        Mode::Lessons => {
            apply_all(s, [Command::LessonIndex]);
        }
        Mode::Profiles => {
            apply_all(s, [Command::Profiles]);
        }
        Mode::CommandLine => {
            apply_all(s, [Command::CommandLine]);
        }
        Mode::Explain => {
            // intern.build's reach tree, the cursor on its first escalation hop, explained.
            apply_all(s, [Command::SelectTab(1), Command::StartSearch]);
            apply_all(s, typed("intern.build"));
            apply_all(
                s,
                [Command::AcceptSearch, Command::Reach, Command::ExpandAll],
            );
            let Some(rolescope::tui::state::Overlay::Reach(v)) = &s.overlay else {
                panic!("no reach tree for intern.build: {:?}", s.overlay);
            };
            let at = v
                .lines()
                .iter()
                .position(|l| l.escalation.is_some())
                .expect("intern.build's reach tree has an escalation hop");
            apply_all(s, std::iter::repeat_n(Command::Down, at));
            apply_all(s, [Command::Explain]);
        }
    }
    assert_eq!(
        mode(&state),
        want,
        "the recipe for {want:?} did not open it; overlay {:?}",
        state.overlay
    );
    apply(&mut state, Command::Resize(w, h));
    state
}
