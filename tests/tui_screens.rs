//! Every screen rendered into ratatui's `TestBackend` at a fixed simulated clock and size,
//! pinned with insta snapshots (`.ci/run` sets `INSTA_UPDATE=no`, so a change fails until
//! the snapshot is reviewed). Colour-carrying states are snapshotted with their styles.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use rolescope::engine::load::load_demo;
use rolescope::tui::command::{Command, EditKey};
use rolescope::tui::sim::EngineSimulator;
use rolescope::tui::state::AppState;
use rolescope::tui::ui;
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

fn draw(state: &AppState) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    t.draw(|f| ui::render(f, state)).unwrap();
    t.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The text, then every run of non-default style as `row col..col fg bg modifiers "text"`.
fn styled(buf: &Buffer) -> String {
    let mut out = text(buf);
    out.push_str("--- styles ---\n");
    for y in 0..buf.area.height {
        let mut x = 0;
        while x < buf.area.width {
            let c = &buf[(x, y)];
            let key = (c.fg, c.bg, c.modifier);
            if key == (Color::Reset, Color::Reset, Modifier::empty()) {
                x += 1;
                continue;
            }
            let start = x;
            let mut s = String::new();
            while x < buf.area.width
                && (buf[(x, y)].fg, buf[(x, y)].bg, buf[(x, y)].modifier) == key
            {
                s.push_str(buf[(x, y)].symbol());
                x += 1;
            }
            let _ = writeln!(
                out,
                "{y:>2} {start:>3}..{x:<3} {:?} {:?} {:?} {:?}",
                key.0,
                key.1,
                key.2,
                s.trim_end()
            );
        }
    }
    out
}

fn select_role(state: &mut AppState, query: &str) {
    let mut cmds = vec![
        Command::SelectTab(0),
        Command::StartSearch,
        Command::ClearInput,
    ];
    cmds.extend(typed(query));
    cmds.push(Command::AcceptSearch);
    apply_all(state, cmds);
}

fn assume(state: &mut AppState, role: &str, caller: &str) {
    select_role(state, role);
    let mut cmds = vec![Command::Simulate, Command::Open];
    cmds.extend(typed(caller));
    cmds.extend([Command::Open, Command::Run]);
    apply_all(state, cmds);
}

/// maria.garcia → OpsEntry → ProdOperations, form closed, Sessions panel focused.
fn chained() -> AppState {
    let mut state = demo(140, 40);
    assume(&mut state, "OpsEntry", "maria.garcia");
    apply_all(
        &mut state,
        [
            Command::Back,
            Command::FocusNext,
            Command::Chain,
            Command::Open,
        ],
    );
    apply_all(&mut state, typed("ProdOperations"));
    apply_all(&mut state, [Command::Open, Command::Run, Command::Back]);
    state
}

#[test]
fn roles_list() {
    insta::assert_snapshot!(text(&draw(&demo(120, 36))));
}

#[test]
fn roles_list_search_highlights_matched_characters() {
    let mut state = demo(120, 24);
    apply_all(
        &mut state,
        [Command::StartSearch].into_iter().chain(typed("prdops")),
    );
    insta::assert_snapshot!(styled(&draw(&state)));
}

#[test]
fn roles_list_filtered_by_kind_narrow() {
    let mut state = demo(80, 24);
    apply_all(&mut state, [Command::CycleKind, Command::CycleKind]);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn role_detail_side_by_side() {
    let mut state = demo(160, 44);
    select_role(&mut state, "northwind-engagement");
    apply_all(&mut state, [Command::Open]);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn role_detail_stacked_on_a_narrow_terminal_in_plain_language() {
    let mut state = demo(80, 40);
    select_role(&mut state, "BreakGlassAdmin");
    apply_all(
        &mut state,
        [Command::Open, Command::TogglePlain, Command::ToggleSessions],
    );
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn role_detail_json_is_syntax_highlighted() {
    let mut state = demo(100, 30);
    select_role(&mut state, "OpsEntry");
    apply_all(&mut state, [Command::Open, Command::ToggleSessions]);
    insta::assert_snapshot!(styled(&draw(&state)));
}

#[test]
fn simulate_form_caller_picker() {
    let mut state = demo(120, 36);
    select_role(&mut state, "OpsEntry");
    apply_all(&mut state, [Command::Simulate, Command::Open]);
    apply_all(&mut state, typed("maria"));
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn simulate_form_refusal_with_checks_and_fixes() {
    let mut state = demo(120, 40);
    assume(&mut state, "ProdOperations", "maria.garcia");
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn simulate_form_session_issued() {
    let mut state = demo(120, 36);
    assume(&mut state, "OpsEntry", "maria.garcia");
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn sessions_panel_chain_with_live_countdown() {
    let mut state = chained();
    apply(
        &mut state,
        Command::Tick(std::time::Duration::from_secs(754)),
    );
    insta::assert_snapshot!(styled(&draw(&state)));
}

#[test]
fn sessions_panel_expiring_and_expired_states() {
    let mut state = chained();
    // ×60 for 57 real seconds: 57 minutes on, the chained hop has 3 minutes left…
    apply_all(&mut state, [Command::ClockFaster, Command::ClockFaster]);
    apply(
        &mut state,
        Command::Tick(std::time::Duration::from_secs(57)),
    );
    assert!(state.now >= t0() + TimeDelta::minutes(57));
    insta::assert_snapshot!("expiring", styled(&draw(&state)));
    // …and past the hour both are expired and stay listed.
    apply(
        &mut state,
        Command::Tick(std::time::Duration::from_secs(65)),
    );
    insta::assert_snapshot!("expired", styled(&draw(&state)));
}

#[test]
fn sessions_panel_without_colour_keeps_its_words() {
    let mut state = chained();
    state.no_color = true;
    apply_all(&mut state, [Command::ClockFaster, Command::ClockFaster]);
    apply(
        &mut state,
        Command::Tick(std::time::Duration::from_secs(57)),
    );
    let out = styled(&draw(&state));
    assert!(out.contains("EXPIRING"));
    assert!(
        !out.contains("Yellow") && !out.contains("Red") && !out.contains("Green"),
        "colour used under NO_COLOR"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn ask_what_a_session_can_do() {
    let mut state = chained();
    apply_all(&mut state, [Command::Ask]);
    apply_all(&mut state, typed("s3:DeleteBucket"));
    apply_all(&mut state, [Command::Open]);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn inspect_a_session() {
    let mut state = chained();
    apply_all(&mut state, [Command::Inspect]);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn help_is_generated_from_the_key_tables() {
    let mut state = demo(100, 40);
    apply_all(&mut state, [Command::ToggleHelp]);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn terminal_too_small() {
    insta::assert_snapshot!("tiny_20x6", text(&draw(&demo(20, 6))));
    insta::assert_snapshot!("just_below_49x13", text(&draw(&demo(49, 13))));
}

#[test]
fn smallest_usable_size() {
    let mut state = chained();
    apply(&mut state, Command::Resize(ui::MIN_WIDTH, ui::MIN_HEIGHT));
    insta::assert_snapshot!(text(&draw(&state)));
}

/// `role`'s detail with the "who can assume" pane focused and the cursor moved `down`.
fn who_can_assume(w: u16, h: u16, role: &str, down: usize) -> AppState {
    let mut state = demo(w, h);
    select_role(&mut state, role);
    apply_all(
        &mut state,
        [Command::Open, Command::FocusNext, Command::FocusNext],
    );
    apply_all(&mut state, std::iter::repeat_n(Command::Down, down));
    state
}

#[test]
fn role_detail_who_can_assume_with_via_badges_and_cursor() {
    let state = who_can_assume(140, 40, "ProdDatabaseAdmin", 2);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn role_detail_who_can_assume_stacked_without_colour() {
    let mut state = who_can_assume(80, 30, "northwind-engagement", 0);
    state.no_color = true;
    let out = styled(&draw(&state));
    assert!(out.contains("▶ priya.nair → northwind-engagement"), "{out}");
    assert!(
        !out.contains("Yellow") && !out.contains("Red") && !out.contains("Green"),
        "colour used under NO_COLOR"
    );
    insta::assert_snapshot!(out);
}

/// maria.garcia's reach tree with the OpsEntry branch open and its child selected.
fn reach_tree(w: u16, h: u16) -> AppState {
    let mut state = demo(w, h);
    apply_all(&mut state, [Command::SelectTab(1), Command::StartSearch]);
    apply_all(&mut state, typed("maria.garcia"));
    apply_all(&mut state, [Command::AcceptSearch, Command::Reach]);
    // OpsEntry is the second line: open it and step onto ProdOperations.
    apply_all(&mut state, [Command::Down, Command::Open, Command::Down]);
    state
}

#[test]
fn reach_tree_of_a_user_with_a_branch_open() {
    let state = reach_tree(120, 30);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn reach_tree_marks_the_selection_without_colour() {
    let mut state = reach_tree(100, 24);
    state.no_color = true;
    let out = styled(&draw(&state));
    assert!(
        out.contains("▶   • ProdOperations") || out.contains("▶   ▸ ProdOperations"),
        "{out}"
    );
    assert!(
        !out.contains("Yellow") && !out.contains("Red") && !out.contains("Green"),
        "colour used under NO_COLOR"
    );
}

/// The paths from `user` to `role`, with the cursor moved `down` hops.
fn paths(w: u16, h: u16, user: &str, role: &str, down: usize) -> AppState {
    let mut state = demo(w, h);
    apply_all(&mut state, [Command::SelectTab(1), Command::StartSearch]);
    apply_all(&mut state, typed(user));
    apply_all(&mut state, [Command::AcceptSearch, Command::PathTo]);
    apply_all(&mut state, typed(role));
    apply_all(&mut state, [Command::Open]);
    apply_all(&mut state, std::iter::repeat_n(Command::Down, down));
    state
}

#[test]
fn path_target_picker() {
    let mut state = demo(120, 30);
    apply_all(&mut state, [Command::SelectTab(1), Command::StartSearch]);
    apply_all(&mut state, typed("maria.garcia"));
    apply_all(&mut state, [Command::AcceptSearch, Command::PathTo]);
    apply_all(&mut state, typed("prodops"));
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn paths_from_a_user_to_a_role_with_a_hop_selected() {
    let state = paths(120, 30, "maria.garcia", "ProdOperations", 1);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn paths_none_with_the_reason_and_the_nearest_broken_hop() {
    let state = paths(120, 30, "noah.kim", "QAReleaseVerifier", 0);
    insta::assert_snapshot!(text(&draw(&state)));
}

/// The external-access findings, the cursor moved `down` findings.
fn external(w: u16, h: u16, down: usize) -> AppState {
    let mut state = demo(w, h);
    apply_all(&mut state, [Command::External]);
    apply_all(&mut state, std::iter::repeat_n(Command::Down, down));
    state
}

#[test]
fn external_access_findings_and_confused_deputies() {
    let state = external(160, 48, 3);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn external_access_scrolled_to_the_confused_deputies_without_colour() {
    let mut state = external(120, 30, 15);
    state.no_color = true;
    let out = styled(&draw(&state));
    assert!(out.contains("▶ deputy"), "{out}");
    assert!(out.contains("confused deputy"), "{out}");
    for colour in ["Yellow", "Red", "Green", "Cyan", "Blue", "Magenta"] {
        assert!(
            !out.contains(colour),
            "{colour} used under NO_COLOR:\n{out}"
        );
    }
}

/// The built-in editor on ProdDatabaseAdmin's trust policy, its Effect changed to
/// `effect` and saved.
fn trust_edited(w: u16, h: u16, effect: &str) -> AppState {
    let mut state = demo(w, h);
    select_role(&mut state, "ProdDatabaseAdmin");
    apply_all(
        &mut state,
        [
            Command::Open,
            Command::Edit { external: false },
            Command::Open,
        ],
    );
    // Line 6 is `"Effect": "Allow",`.
    apply_all(&mut state, std::iter::repeat_n(Command::Down, 5));
    apply_all(&mut state, [Command::EditKey(EditKey::End)]);
    apply_all(&mut state, std::iter::repeat_n(Command::Backspace, 7));
    apply_all(&mut state, typed(&format!("{effect}\",")));
    apply_all(&mut state, [Command::Save]);
    state
}

#[test]
fn whatif_edit_menu() {
    let mut state = demo(100, 30);
    select_role(&mut state, "northwind-engagement");
    apply_all(
        &mut state,
        [Command::Open, Command::Edit { external: false }],
    );
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn whatif_editor_refusal_is_located() {
    let state = trust_edited(100, 30, "Alow");
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn whatif_diff_after_an_edit() {
    let state = trust_edited(120, 30, "Deny");
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn whatif_max_session_prompt_refusal() {
    let mut state = demo(100, 24);
    select_role(&mut state, "northwind-engagement");
    apply_all(
        &mut state,
        [
            Command::Open,
            Command::Edit { external: false },
            Command::Bottom,
        ],
    );
    apply_all(&mut state, [Command::Open, Command::ClearInput]);
    apply_all(&mut state, typed("50000"));
    apply_all(&mut state, [Command::Open]);
    insta::assert_snapshot!(text(&draw(&state)));
}

/// The wizard on "cross-account access does not work" for noah.kim → QAReleaseVerifier.
fn wizard_report(w: u16, h: u16) -> AppState {
    let mut state = demo(w, h);
    select_role(&mut state, "QAReleaseVerifier");
    apply_all(&mut state, [Command::Troubleshoot]);
    apply_all(&mut state, std::iter::repeat_n(Command::Down, 7));
    apply_all(&mut state, [Command::Open, Command::Open]);
    apply_all(&mut state, typed("noah.kim"));
    apply_all(&mut state, [Command::Open, Command::Run]);
    state
}

#[test]
fn wizard_symptoms() {
    let mut state = demo(100, 30);
    select_role(&mut state, "QAReleaseVerifier");
    apply_all(&mut state, [Command::Troubleshoot, Command::Down]);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn wizard_report_with_fix_offered() {
    let state = wizard_report(120, 36);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn wizard_report_after_the_fix() {
    let mut state = wizard_report(120, 36);
    apply_all(&mut state, [Command::ApplyFixes]);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn lesson_index() {
    let mut state = demo(110, 32);
    apply_all(
        &mut state,
        [Command::LessonIndex, Command::Down, Command::Down],
    );
    insta::assert_snapshot!(text(&draw(&state)));
}

/// Every screen of the trust graph, what-if editing, the wizard and the lesson index, at
/// `w`×`h`.
fn access_and_teaching_screens(w: u16, h: u16) -> Vec<AppState> {
    let mut states = vec![
        who_can_assume(w, h, "ProdDatabaseAdmin", 3),
        reach_tree(w, h),
        paths(w, h, "maria.garcia", "ProdOperations", 2),
        paths(w, h, "noah.kim", "QAReleaseVerifier", 0),
        external(w, h, 5),
        trust_edited(w, h, "Alow"),
        trust_edited(w, h, "Deny"),
        wizard_report(w, h),
    ];
    let mut symptoms = demo(w, h);
    apply_all(&mut symptoms, [Command::Troubleshoot, Command::Bottom]);
    states.push(symptoms);
    let mut lessons = demo(w, h);
    apply_all(&mut lessons, [Command::LessonIndex, Command::Bottom]);
    states.push(lessons);
    // The wizard still working on its report.
    let mut working = demo(w, h);
    select_role(&mut working, "QAReleaseVerifier");
    apply_all(&mut working, [Command::Simulate, Command::Open]);
    apply_all(&mut working, typed("noah.kim"));
    apply_all(&mut working, [Command::Open]);
    let _ = apply(&mut working, Command::Troubleshoot);
    assert!(matches!(
        &working.overlay,
        Some(rolescope::tui::state::Overlay::Wizard(_))
    ));
    states.push(working);
    for prompt in [false, true] {
        let mut menu = demo(w, h);
        select_role(&mut menu, "northwind-engagement");
        apply_all(
            &mut menu,
            [Command::Edit { external: false }, Command::Bottom],
        );
        if prompt {
            // The maximum-session prompt, refusing 99 seconds.
            apply_all(&mut menu, [Command::Open]);
            apply_all(&mut menu, typed("99"));
            apply_all(&mut menu, [Command::Open]);
        }
        states.push(menu);
    }
    states
}

#[test]
fn what_if_and_wizard_carry_their_meaning_in_words_without_colour() {
    let mut diff = trust_edited(120, 30, "Deny");
    let mut report = wizard_report(120, 36);
    for (state, words) in [
        (&mut diff, ["WHAT-IF: 1 edit(s)", "- lost    sam.patel"]),
        (&mut report, ["✗ FAILS", "✓ ok"]),
    ] {
        state.no_color = true;
        let out = styled(&draw(state));
        for w in words {
            assert!(out.contains(w), "{w} missing:\n{out}");
        }
        for colour in ["Yellow", "Red", "Green", "Cyan", "Blue", "Magenta"] {
            assert!(
                !out.contains(colour),
                "{colour} used under NO_COLOR:\n{out}"
            );
        }
    }
}

/// The lines of the open help screen.
fn help_lines(state: &AppState) -> Vec<String> {
    match &state.overlay {
        Some(rolescope::tui::state::Overlay::Help(h)) => h
            .lines(rolescope::tui::theme::Theme::mono())
            .iter()
            .map(ToString::to_string)
            .collect(),
        other => panic!("help is not open: {other:?}"),
    }
}

#[test]
fn help_scrolls_to_its_last_table() {
    let mut state = demo(100, 30);
    apply_all(&mut state, [Command::ToggleHelp, Command::Bottom]);
    let shown = text(&draw(&state));
    assert!(shown.contains("Pop-ups"), "{shown}");
    assert!(
        shown.contains("Lesson index") || shown.contains("close"),
        "{shown}"
    );
    let lines = help_lines(&state).len();
    assert!(
        lines > 200,
        "{lines} lines of help: the old 200-line limit would hide some"
    );
}

#[test]
fn no_screen_panics_at_any_size_from_1x1() {
    // Each screen is opened at a usable size (keys do nothing while the terminal is too
    // small), then drawn at every size.
    let mut states = vec![demo(120, 40), chained()];
    states.extend(access_and_teaching_screens(120, 40));
    let mut detail = demo(120, 40);
    select_role(&mut detail, "OpsEntry");
    apply_all(&mut detail, [Command::Open]);
    states.push(detail);
    let mut form = demo(120, 40);
    assume(&mut form, "ProdOperations", "maria.garcia");
    states.push(form);
    let mut help = demo(120, 40);
    apply_all(&mut help, [Command::ToggleHelp]);
    states.push(help);
    for state in &mut states {
        for w in (1..=130).step_by(7) {
            for h in 1..=32 {
                apply(state, Command::Resize(w, h));
                let _ = draw(state);
                apply(state, Command::Click(w / 2, h / 2));
                apply(state, Command::Scroll(w / 2, h / 2, 3));
            }
        }
    }
}

/// Every size from 1×1 up to past the usable minimum, one column and one row at a time,
/// for every screen and overlay, with the window resized while each is open: no panic,
/// and below the usable size the "terminal too small" message instead of the screens.
#[test]
fn every_small_size_renders_every_screen_without_panic() {
    let mut states = vec![demo(140, 40), chained()];
    let mut searched = demo(140, 40);
    apply_all(&mut searched, [Command::StartSearch]);
    apply_all(&mut searched, typed("prod ops"));
    states.push(searched);
    let mut detail = demo(140, 40);
    select_role(&mut detail, "OpsEntry");
    apply_all(&mut detail, [Command::Open, Command::TogglePlain]);
    states.push(detail);
    let mut picker = demo(140, 40);
    select_role(&mut picker, "OpsEntry");
    apply_all(&mut picker, [Command::Simulate, Command::Open]);
    apply_all(&mut picker, typed("maria"));
    states.push(picker);
    let mut refused = demo(140, 40);
    assume(&mut refused, "QAReleaseVerifier", "noah.kim");
    states.push(refused);
    for overlay in [Command::Ask, Command::Inspect, Command::ToggleHelp] {
        let mut s = chained();
        apply_all(&mut s, [overlay]);
        states.push(s);
    }
    let mut collapsed = chained();
    apply_all(&mut collapsed, [Command::ToggleSessions]);
    states.push(collapsed);
    states.extend(access_and_teaching_screens(140, 40));
    for state in &mut states {
        for w in 1..=ui::MIN_WIDTH + 12 {
            for h in 1..=ui::MIN_HEIGHT + 6 {
                apply(state, Command::Resize(w, h));
                let shown = text(&draw(state));
                if w < ui::MIN_WIDTH || h < ui::MIN_HEIGHT {
                    assert!(
                        w < 20 || h < 6 || shown.contains("small"),
                        "{w}×{h} should say the terminal is too small:\n{shown}"
                    );
                }
                apply(state, Command::Down);
                apply(state, Command::Scroll(w / 2, h / 2, 3));
            }
        }
    }
}

/// A hop whose badges run past the pane's edge is shown whole under the list.
#[test]
fn a_hop_line_too_long_for_its_pane_is_shown_whole_under_the_list() {
    let state = who_can_assume(100, 40, "CorpAD-Engineering", 0);
    let screen = text(&draw(&state));
    let badges = state.detail.as_ref().unwrap().panes[2].json[2]
        .iter()
        .map(|(_, s)| s.as_str())
        .collect::<String>();
    assert!(badges.trim().len() > 100, "{badges}");
    // Every word of the cut line is on the screen.
    let flat: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    for word in badges.split_whitespace() {
        assert!(flat.contains(word), "`{word}` missing:\n{screen}");
    }
    insta::assert_snapshot!(screen);
}

/// The Simulate form opened from a reach tree is drawn over the tree, which stays in view
/// around it (and comes back when the form closes).
#[test]
fn a_simulate_form_opened_from_the_reach_tree_is_drawn_over_the_tree() {
    let mut state = reach_tree(160, 40);
    // Back onto OpsEntry: maria.garcia's own hop (the next one's caller is a role).
    apply_all(&mut state, [Command::Up, Command::Simulate]);
    let screen = text(&draw(&state));
    assert!(screen.contains("Simulate — AssumeRole"), "{screen}");
    assert!(screen.contains("┌ What arn:aws:iam::1"), "{screen}");
    assert!(screen.contains("▾ OpsEntry (111111111111)"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// The sessions panel (a chain with its countdown, expiring state and log) in `palette`.
fn themed(palette: rolescope::tui::theme::Palette) -> String {
    let mut state = chained();
    state.palette = palette;
    apply_all(&mut state, [Command::ClockFaster, Command::ClockFaster]);
    apply(
        &mut state,
        Command::Tick(std::time::Duration::from_secs(57)),
    );
    styled(&draw(&state))
}

#[test]
fn theme_dark_on_the_sessions_screen() {
    insta::assert_snapshot!(themed(rolescope::tui::theme::Palette::Dark));
}

#[test]
fn theme_light_on_the_sessions_screen() {
    let out = themed(rolescope::tui::theme::Palette::Light);
    // Nothing yellow on a light background: it cannot be read there.
    assert!(
        !out.contains("fg=Yellow") && !out.contains("Yellow "),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn theme_high_contrast_on_the_sessions_screen() {
    let out = themed(rolescope::tui::theme::Palette::HighContrast);
    // White on black everywhere, nothing dimmed or dark grey.
    assert!(!out.contains("DarkGray") && !out.contains("DIM"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn presenter_mode_switches_to_its_own_theme_and_no_color_still_wins() {
    use rolescope::tui::theme::Palette;
    let mut state = chained();
    apply(
        &mut state,
        Command::Lesson(rolescope::tui::teach::LessonCommand::TogglePresenter),
    );
    assert_eq!(state.theme().palette, Palette::HighContrast);
    let buf = draw(&state);
    assert_eq!(buf[(0, 1)].bg, Color::Black, "the high-contrast ground");
    state.presenter_palette = Palette::Light;
    assert_eq!(state.theme().palette, Palette::Light);
    state.presenter_palette = Palette::HighContrast;
    state.no_color = true;
    let out = styled(&draw(&state));
    assert!(
        !out.contains("Black") && !out.contains("White") && !out.contains("Yellow"),
        "colour used under NO_COLOR"
    );
}

#[test]
fn remapped_keys_show_in_the_footer_and_in_help() {
    let mut state = demo(120, 30);
    let keys = [
        (
            "quit".to_owned(),
            rolescope::config::KeySpec::One("Q".into()),
        ),
        (
            "simulate".to_owned(),
            rolescope::config::KeySpec::One("ctrl-a".into()),
        ),
    ]
    .into_iter()
    .collect();
    let (remap, problems) = rolescope::tui::keymap::Remap::from_config(&keys);
    assert!(problems.is_empty(), "{problems:?}");
    state.keys = Arc::new(remap);
    let screen = text(&draw(&state));
    let footer = screen.lines().last().unwrap();
    assert!(footer.contains("Ctrl-A simulate"), "{footer}");
    assert!(!footer.contains(" a simulate"), "{footer}");
    apply_all(&mut state, [Command::ToggleHelp]);
    let help = help_lines(&state);
    assert!(
        help.iter()
            .any(|l| l.trim_start().starts_with("Q ") && l.ends_with("quit")),
        "{help:?}"
    );
    assert!(
        !help
            .iter()
            .any(|l| l.trim_start().starts_with("q ") && l.ends_with("quit"))
    );
}

#[test]
fn profiles_list_with_a_refused_profile_selected() {
    let mut state = demo(140, 40);
    state.profiles_input = Some(rolescope::tui::profiles::ProfilesInput {
        path: "tests/fixtures/aws-config".into(),
        sources: [(
            "maria".to_owned(),
            "arn:aws:iam::111111111111:user/people/maria.garcia".to_owned(),
        )]
        .into_iter()
        .collect(),
    });
    apply_all(&mut state, [Command::Profiles]);
    // prod-repair-4h: the chained hop asking four hours.
    apply_all(&mut state, (0..4).map(|_| Command::Down));
    let screen = text(&draw(&state));
    assert!(screen.contains("▶ prod-repair-4h"), "{screen}");
    assert!(screen.contains("duration_seconds = 3600"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// A hop whose caller is a role with no live session is not simulated as instance-profile
/// credentials the role is not trusted for: the status line says a session of the role is
/// needed first, and no form opens (a role calls only as a session of itself).
#[test]
fn a_reach_hop_from_a_role_without_a_session_asks_for_the_session_first() {
    let mut state = reach_tree(160, 40);
    apply_all(&mut state, [Command::Simulate]);
    let screen = text(&draw(&state));
    assert!(!screen.contains("Simulate — AssumeRole"), "{screen}");
    let said = state.world.status.as_ref().map(|s| s.text.clone());
    assert!(
        said.as_deref().is_some_and(
            |t| t.contains("OpsEntry") && t.contains("calls only as a session of itself")
        ),
        "{said:?}"
    );
}

/// `user`'s reach tree, every branch open, the cursor on its first escalation hop (`⇪`).
fn reach_on_escalation(w: u16, h: u16, user: &str) -> AppState {
    let mut state = demo(w, h);
    apply_all(&mut state, [Command::SelectTab(1), Command::StartSearch]);
    apply_all(&mut state, typed(user));
    apply_all(
        &mut state,
        [Command::AcceptSearch, Command::Reach, Command::ExpandAll],
    );
    let Some(rolescope::tui::state::Overlay::Reach(v)) = &state.overlay else {
        panic!("no reach tree");
    };
    let at = v
        .lines()
        .iter()
        .position(|l| l.escalation.is_some())
        .expect("an escalation hop");
    apply_all(&mut state, std::iter::repeat_n(Command::Down, at));
    state
}

#[test]
fn reach_tree_marks_escalation_hops_with_their_actions() {
    let state = reach_on_escalation(140, 24, "intern.build");
    let out = text(&draw(&state));
    assert!(
        out.contains("⇪ iam:PassRole → lambda:CreateFunction → lambda:InvokeFunction"),
        "{out}"
    );
    assert!(out.contains("x explain"), "the footer lists x: {out}");
    insta::assert_snapshot!(out);
}

#[test]
fn reach_tree_of_a_user_who_grants_itself_more_and_one_a_boundary_holds_back() {
    let bounded = text(&draw(&reach_on_escalation(140, 20, "bounded.dev")));
    assert!(
        bounded.contains("administrator (bounded.dev grants itself more)"),
        "{bounded}"
    );
    insta::assert_snapshot!("reach_tree_bounded_dev", bounded);
    let sandbox = text(&draw(&reach_on_escalation(140, 20, "sandbox.dev")));
    assert!(
        sandbox.contains("✗ ⇪ sandbox.dev ⇒ administrator"),
        "{sandbox}"
    );
    insta::assert_snapshot!("reach_tree_sandbox_dev", sandbox);
}

#[test]
fn escalation_hop_explained() {
    let mut state = reach_on_escalation(140, 40, "intern.build");
    apply_all(&mut state, [Command::Explain]);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn escalation_hop_simulated_says_it_is_no_assume_role() {
    let mut state = reach_on_escalation(120, 40, "helpdesk.amy");
    apply_all(&mut state, [Command::Simulate]);
    let out = text(&draw(&state));
    assert!(out.contains("Not an AssumeRole"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn paths_through_an_escalation_hop() {
    let state = paths(140, 30, "intern.build", "lambda-admin-exec", 0);
    insta::assert_snapshot!(text(&draw(&state)));
}

#[test]
fn role_detail_who_can_assume_through_escalation_hops() {
    let state = who_can_assume(140, 40, "lambda-admin-exec", 0);
    insta::assert_snapshot!(text(&draw(&state)));
}
