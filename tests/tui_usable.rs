//! The explorer stays usable and says what is true: keys do nothing on the "terminal too
//! small" screen, the clock's speed keys do not wrap and say the speed, a closed screen's
//! message goes with it, and a session's particulars tell its session tags from the role's
//! own tags and the `AssumeRole` call's context from the session's.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolescope::engine::load::load_demo;
use rolescope::tui::command::Command;
use rolescope::tui::screens::simulate::FormOutcome;
use rolescope::tui::sim::EngineSimulator;
use rolescope::tui::state::{AppState, Overlay};
use rolescope::tui::update::{apply, apply_all};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn demo(w: u16, h: u16) -> AppState {
    let inv = Arc::new(load_demo().unwrap());
    let sim = Arc::new(EngineSimulator::spawn(Arc::clone(&inv)).unwrap());
    let mut state = AppState::new(inv, sim, t0());
    apply(&mut state, Command::Resize(w, h));
    state
}

fn typed(text: &str) -> Vec<Command> {
    text.chars().map(Command::Input).collect()
}

fn screen(state: &AppState) -> String {
    let mut term = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    term.draw(|f| rolescope::tui::ui::render(f, state)).unwrap();
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn keys_do_nothing_while_the_terminal_is_too_small() {
    let mut state = demo(40, 12);
    let before = state.list().selected;
    apply_all(
        &mut state,
        [Command::Down, Command::Simulate, Command::StartSearch],
    );
    assert!(state.overlay.is_none(), "{:?}", state.overlay);
    assert_eq!(state.list().selected, before);
    assert!(!state.list().editing);
    // Grown again, the screen is where it was; and q still quits while small.
    apply(&mut state, Command::Resize(100, 30));
    assert!(state.overlay.is_none());
    apply_all(&mut state, [Command::Resize(40, 12), Command::Quit]);
    assert!(state.quit);
}

#[test]
fn the_clock_stays_at_its_fastest_and_says_its_speed_when_paused() {
    let mut state = demo(100, 30);
    apply_all(
        &mut state,
        [
            Command::ClockFaster,
            Command::ClockFaster,
            Command::ClockFaster,
        ],
    );
    assert_eq!(state.clock.speed(), 600);
    apply_all(&mut state, [Command::ClockFaster]);
    assert_eq!(state.clock.speed(), 600, "+ at ×600 does not wrap to ×1");
    let text = &state.status.as_ref().unwrap().text;
    assert!(text.contains("×600") && text.contains("fastest"), "{text}");
    apply_all(&mut state, [Command::ClockPause, Command::ClockSlower]);
    let text = &state.status.as_ref().unwrap().text;
    assert!(text.contains("×60") && text.contains("paused"), "{text}");
}

#[test]
fn a_screens_message_goes_when_the_screen_closes() {
    let mut state = demo(120, 40);
    apply_all(&mut state, [Command::External, Command::Simulate]);
    // The first finding's hop, in a form that says what it holds.
    assert!(matches!(state.overlay, Some(Overlay::Simulate(_))));
    assert!(state.status.is_some());
    apply_all(&mut state, [Command::Back]);
    assert!(matches!(state.overlay, Some(Overlay::External(_))));
    assert!(state.status.is_none(), "{:?}", state.status);
}

/// A session of OpsEntry (tagged `demo-scenario`, `chain-hop`) taken by maria.garcia with
/// one session tag of her own.
fn tagged_session() -> AppState {
    let mut state = demo(140, 50);
    let mut cmds = vec![Command::SelectTab(0), Command::StartSearch];
    cmds.extend(typed("OpsEntry"));
    cmds.extend([Command::AcceptSearch, Command::Simulate, Command::Open]);
    cmds.extend(typed("maria.garcia"));
    cmds.push(Command::Open);
    apply_all(&mut state, cmds);
    // Down to the session tags field and type one.
    let Some(Overlay::Simulate(form)) = &mut state.overlay else {
        panic!("no form")
    };
    let tags = rolescope::tui::screens::simulate::FormField::ALL
        .iter()
        .position(|f| *f == rolescope::tui::screens::simulate::FormField::Tags)
        .unwrap();
    form.fields[tags] = "ticket=OPS-1".to_owned();
    apply_all(&mut state, [Command::Run]);
    let Some(Overlay::Simulate(form)) = &state.overlay else {
        panic!("no form")
    };
    assert!(
        matches!(form.outcome, Some(FormOutcome::Issued { .. })),
        "{:?}",
        form.outcome
    );
    apply_all(&mut state, [Command::Back]);
    state
}

#[test]
fn inspect_tells_session_tags_from_the_roles_own_tags() {
    let mut state = tagged_session();
    let s = state.sessions.last().unwrap();
    assert_eq!(
        s.issued.tags,
        vec![("ticket".to_owned(), "OPS-1".to_owned())]
    );
    assert!(
        s.issued
            .principal_tags
            .iter()
            .any(|(k, _)| k == "chain-hop"),
        "{:?}",
        s.issued.principal_tags
    );
    apply_all(&mut state, [Command::FocusNext, Command::Inspect]);
    let shown = screen(&state);
    let session_tags = shown
        .split("Session tags")
        .nth(1)
        .and_then(|rest| rest.split("Principal tags").next())
        .expect("a session tags section above the principal tags");
    assert!(session_tags.contains("ticket = OPS-1"), "{shown}");
    assert!(!session_tags.contains("chain-hop"), "{shown}");
    assert!(
        shown.contains("The AssumeRole call that issued it"),
        "{shown}"
    );
}

#[test]
fn the_footer_keeps_help_and_quit_at_every_width() {
    for w in [50, 80, 120, 160, 200] {
        let mut state = demo(w, 30);
        let mut cmds = vec![Command::StartSearch];
        cmds.extend(typed("OpsEntry"));
        cmds.extend([Command::AcceptSearch, Command::Open]);
        apply_all(&mut state, cmds);
        assert!(state.detail.is_some());
        let shown = screen(&state);
        let footer = shown.lines().last().unwrap();
        assert!(
            footer.contains("? help") && footer.contains("q quit"),
            "{w} columns: {footer}"
        );
    }
}

#[test]
fn an_answer_is_worded_not_a_type_name() {
    let mut state = tagged_session();
    apply_all(&mut state, [Command::FocusNext, Command::Ask]);
    apply_all(&mut state, typed("iam:CreateUser"));
    apply_all(&mut state, [Command::FocusNext]);
    apply_all(&mut state, typed("*"));
    apply_all(&mut state, [Command::Open]);
    let shown = screen(&state);
    assert!(shown.contains("✗ DENY"), "{shown}");
    assert!(
        !shown.contains("ImplicitDeny") && !shown.contains("ExplicitDeny"),
        "{shown}"
    );
    assert!(shown.contains("denied)"), "{shown}");
}

/// The open help screen's lines.
fn help_text(state: &AppState) -> String {
    match &state.overlay {
        Some(Overlay::Help(h)) => h
            .lines(rolescope::tui::theme::Theme::mono())
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        other => panic!("help is not open: {other:?}"),
    }
}

#[test]
fn help_lists_the_teaching_keys_and_space_in_the_form() {
    let mut state = demo(120, 40);
    apply_all(&mut state, [Command::ToggleHelp]);
    let help = help_text(&state);
    let here = help.split("Everywhere").next().unwrap();
    for key in ["]", "r ", "R ", "L ", "J/K", "y/n", "1–6", "P ", "t "] {
        assert!(
            here.lines().any(|l| l.trim_start().starts_with(key)),
            "{key} not listed before the keys that work everywhere:\n{here}"
        );
    }
    let mut form = demo(120, 40);
    apply_all(&mut form, [Command::Simulate, Command::ToggleHelp]);
    let help = help_text(&form);
    let here = help.split("Everywhere").next().unwrap();
    assert!(here.contains("This screen: Simulate form"), "{here}");
    assert!(here.contains("Space"), "{here}");
}

#[test]
fn the_command_line_completes_runs_names_unknown_commands_and_cancels() {
    use rolescope::tui::state::{Focus, Tab};
    let mut state = demo(120, 40);
    let line = |state: &AppState| match &state.overlay {
        Some(Overlay::CommandLine(c)) => c.clone(),
        other => panic!("the command line is not open: {other:?}"),
    };
    apply_all(&mut state, [Command::CommandLine]);
    apply_all(&mut state, typed("us"));
    apply_all(&mut state, [Command::FocusNext]);
    assert_eq!(line(&state).text, "users", "Tab completes");
    apply_all(&mut state, [Command::Open]);
    assert!(state.overlay.is_none());
    assert_eq!(state.entities.tab, Tab::Users);
    // An unknown command is named, with the commands there are; Esc cancels.
    apply_all(&mut state, [Command::CommandLine]);
    apply_all(&mut state, typed("nope"));
    apply_all(&mut state, [Command::Open]);
    let problem = line(&state).problem.unwrap();
    assert!(
        problem.contains("unknown command `nope`") && problem.contains("sessions"),
        "{problem}"
    );
    apply_all(&mut state, [Command::Back]);
    assert!(state.overlay.is_none());
    assert_eq!(state.entities.tab, Tab::Users);
    // `:sessions`, then `:help` over the Sessions panel, then `:q`.
    apply_all(&mut state, [Command::CommandLine]);
    apply_all(&mut state, typed("sessions"));
    apply_all(&mut state, [Command::Open]);
    assert_eq!(state.focus, Focus::Sessions);
    apply_all(&mut state, [Command::CommandLine]);
    apply_all(&mut state, typed("help"));
    apply_all(&mut state, [Command::Open]);
    assert!(
        help_text(&state).contains("This screen: Sessions panel"),
        "{}",
        help_text(&state)
    );
    apply_all(&mut state, [Command::Back, Command::CommandLine]);
    apply_all(&mut state, typed("q"));
    apply_all(&mut state, [Command::Open]);
    assert!(state.quit);
}
