//! Flows through the terminal face: command sequences fed to `update::apply` on the demo
//! organisation, with the engine's simulator, asserting on the state.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use rolescope::engine::load::load_demo;
use rolescope::tui::command::{Command, EditKey, Effect};
use rolescope::tui::facts::KINDS;
use rolescope::tui::screens::simulate::{FormField, FormOutcome};
use rolescope::tui::screens::whatif::Stage as WhatIfStage;
use rolescope::tui::search::{Request, Sort};
use rolescope::tui::sim::EngineSimulator;
use rolescope::tui::state::{AppState, Focus, Overlay, SessionState, Subject};
use rolescope::tui::update::{apply, apply_all};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn demo() -> AppState {
    let inv = Arc::new(load_demo().unwrap());
    let sim = Arc::new(EngineSimulator::spawn(Arc::clone(&inv)).unwrap());
    let mut state = AppState::new(inv, sim, t0());
    apply(&mut state, Command::Resize(140, 40));
    state
}

fn typed(text: &str) -> Vec<Command> {
    text.chars().map(Command::Input).collect()
}

fn names(state: &AppState) -> Vec<String> {
    state
        .list()
        .hits
        .iter()
        .map(|&i| state.inventory.roles[i as usize].name.clone())
        .collect()
}

/// Searches for `query` on the roles list and keeps the first hit selected.
fn select_role(state: &mut AppState, query: &str) {
    let mut cmds = vec![
        Command::SelectTab(0),
        Command::StartSearch,
        Command::ClearInput,
    ];
    cmds.extend(typed(query));
    cmds.push(Command::AcceptSearch);
    apply_all(state, cmds);
    assert_eq!(
        names(state).first().map(String::as_str),
        Some(query),
        "search for {query}"
    );
}

/// Fills the open Simulate form's caller with the first pick for `query` and runs it.
fn pick_caller_and_run(state: &mut AppState, query: &str) {
    let mut cmds = vec![Command::Open];
    cmds.extend(typed(query));
    cmds.push(Command::Open);
    cmds.push(Command::Run);
    apply_all(state, cmds);
}

fn outcome(state: &AppState) -> FormOutcome {
    match &state.overlay {
        Some(Overlay::Simulate(f)) => f.outcome.clone().expect("the form ran"),
        other => panic!("no form open: {other:?}"),
    }
}

#[test]
fn typing_a_query_ranks_name_matches_and_counts_shown_against_loaded() {
    let mut state = demo();
    let loaded = state.list().hits.len();
    assert_eq!(loaded, state.inventory.roles.len());
    apply_all(
        &mut state,
        [Command::StartSearch].into_iter().chain(typed("etl")),
    );
    let hits = names(&state);
    assert!(hits.len() < loaded);
    assert!(
        hits[..2].iter().all(|n| n.starts_with("etl-stage")),
        "{hits:?}"
    );
    assert!(!state.list().pending());
}

#[test]
fn stale_search_results_never_replace_the_newest_query() {
    let mut state = demo();
    let mut fx = apply(&mut state, Command::StartSearch);
    fx.extend(apply(&mut state, Command::Input('e')));
    let Some(Effect::Search(old)) = fx.pop() else {
        panic!("no search requested")
    };
    let fx = apply(&mut state, Command::Input('t'));
    let Some(Effect::Search(new)) = fx.into_iter().next() else {
        panic!("no search requested")
    };
    assert!(new.generation > old.generation);
    // The newest answer arrives first; the older one arrives late and is dropped.
    let newest = rolescope::tui::update::search_now(&state, &new);
    apply(&mut state, newest);
    let shown = state.list().hits.clone();
    let stale = rolescope::tui::update::search_now(&state, &Request { ..old });
    apply(&mut state, stale);
    assert_eq!(state.list().hits, shown);
    assert_eq!(state.list().hits_for.text, "et");
}

#[test]
fn kind_filter_keeps_only_roles_of_that_kind() {
    let mut state = demo();
    let service_linked = KINDS.iter().position(|k| *k == "service-linked").unwrap();
    for _ in 0..KINDS.len() {
        if state.list().kind == Some(u8::try_from(service_linked).unwrap()) {
            break;
        }
        apply_all(&mut state, [Command::CycleKind]);
    }
    let hits = names(&state);
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|n| n.starts_with("AWSServiceRoleFor")),
        "{hits:?}"
    );
    apply_all(&mut state, [Command::ClearFilters]);
    assert_eq!(state.list().hits.len(), state.inventory.roles.len());
}

#[test]
fn account_filter_and_sort_by_last_used() {
    let mut state = demo();
    apply_all(&mut state, [Command::CycleAccount]);
    let first_account = state.indexes[0].accounts()[0].clone();
    assert!(
        state
            .list()
            .hits
            .iter()
            .all(|&i| state.inventory.roles[i as usize].account == first_account)
    );
    let accounts = state.indexes[0].accounts().len();
    apply_all(
        &mut state,
        std::iter::repeat_n(Command::CycleAccount, accounts),
    );
    assert_eq!(state.list().account, None);
    apply_all(&mut state, [Command::CycleSort, Command::CycleSort]);
    assert_eq!(state.list().sort, Sort::LastUsed);
    let last_used = |i: u32| {
        state.inventory.roles[i as usize]
            .last_used
            .as_ref()
            .and_then(|l| l.last_used_date)
    };
    let dates: Vec<_> = state.list().hits.iter().map(|&i| last_used(i)).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
}

#[test]
fn opening_a_role_shows_trust_and_permissions_labelled() {
    let mut state = demo();
    select_role(&mut state, "ProdOperations");
    apply_all(&mut state, [Command::Open]);
    let d = state.detail.as_ref().expect("detail open");
    assert!(matches!(d.subject, Subject::Role(_)));
    assert_eq!(d.panes.len(), 3);
    assert!(d.panes[0].title.starts_with("Trust policy"));
    assert!(d.panes[2].title.starts_with("Who can assume"));
    assert!(d.summary.iter().any(|l| l.label == "Who"));
    assert!(d.summary.iter().any(|l| l.label == "Session"));
    apply_all(
        &mut state,
        [Command::TogglePlain, Command::FocusNext, Command::Down],
    );
    let d = state.detail.as_ref().unwrap();
    assert!(d.plain);
    assert_eq!(d.focus, 1);
    assert_eq!(d.panes[1].scroll, 1);
    apply_all(&mut state, [Command::Back]);
    assert!(state.detail.is_none());
}

#[test]
fn simulating_a_trusted_user_issues_a_session_that_counts_down_with_a_paused_clock_still() {
    let mut state = demo();
    select_role(&mut state, "OpsEntry");
    apply_all(&mut state, [Command::Simulate]);
    pick_caller_and_run(&mut state, "maria.garcia");
    let FormOutcome::Issued { session } = outcome(&state) else {
        panic!("refused: {:?}", outcome(&state))
    };
    let s = state.session(session).unwrap();
    assert_eq!(
        s.chain,
        vec!["maria.garcia".to_owned(), "OpsEntry".to_owned()]
    );
    assert_eq!(s.issued.issued_at, t0());
    assert_eq!(s.issued.expires_at, t0() + TimeDelta::hours(1));
    assert!(
        s.issued
            .session_arn
            .starts_with("arn:aws:sts::111111111111:assumed-role/OpsEntry/")
    );
    assert_eq!(state.you().map(|s| s.id), Some(session));
    // Paused: real time passes, simulated time does not.
    apply_all(
        &mut state,
        [
            Command::Back,
            Command::ClockPause,
            Command::Tick(Duration::from_secs(7200)),
        ],
    );
    assert_eq!(state.now, t0());
    assert_eq!(
        state.session(session).unwrap().state(state.now),
        SessionState::Active
    );
}

#[test]
fn a_chain_of_three_hops_is_capped_and_expiry_is_logged_under_a_fast_clock() {
    let mut state = demo();
    select_role(&mut state, "OpsEntry");
    apply_all(&mut state, [Command::Simulate]);
    pick_caller_and_run(&mut state, "maria.garcia");
    apply_all(&mut state, [Command::Back, Command::FocusNext]);
    assert_eq!(state.focus, Focus::Sessions);
    // Chain: the session is the caller; pick the next role.
    apply_all(&mut state, [Command::Chain, Command::Open]);
    apply_all(&mut state, typed("ProdOperations"));
    apply_all(&mut state, [Command::Open, Command::Run]);
    let FormOutcome::Issued { session } = outcome(&state) else {
        panic!("refused: {:?}", outcome(&state))
    };
    let s = state.session(session).unwrap();
    assert_eq!(s.chain, vec!["maria.garcia", "OpsEntry", "ProdOperations"]);
    assert!(
        s.issued.chained,
        "a session assuming a role is role chaining"
    );
    assert!(s.issued.expires_at - s.issued.issued_at <= TimeDelta::hours(1));
    // ×600: ten real seconds are 100 simulated minutes, past every expiry.
    apply_all(
        &mut state,
        [
            Command::Back,
            Command::ClockFaster,
            Command::ClockFaster,
            Command::ClockFaster,
        ],
    );
    assert_eq!(state.clock.speed(), 600);
    apply_all(&mut state, [Command::Tick(Duration::from_secs(10))]);
    assert_eq!(state.now, t0() + TimeDelta::minutes(100));
    assert!(
        state
            .sessions
            .iter()
            .all(|s| s.state(state.now) == SessionState::Expired)
    );
    assert_eq!(
        state
            .log
            .iter()
            .filter(|e| e.text.ends_with("expired"))
            .count(),
        2
    );
    assert!(state.you().is_none());
    // An expired session cannot be chained from.
    apply_all(&mut state, [Command::Chain]);
    assert!(state.overlay.is_none());
    assert!(state.status.as_ref().is_some_and(|s| s.error));
}

#[test]
fn jumping_to_the_next_expiry_expires_the_soonest_session() {
    let mut state = demo();
    select_role(&mut state, "OpsEntry");
    apply_all(&mut state, [Command::Simulate]);
    pick_caller_and_run(&mut state, "maria.garcia");
    apply_all(&mut state, [Command::Back, Command::ClockNextExpiry]);
    assert_eq!(state.now, t0() + TimeDelta::hours(1));
    assert_eq!(state.sessions[0].state(state.now), SessionState::Expired);
    assert!(
        state
            .log
            .iter()
            .any(|e| e.text.ends_with("expired") && e.at == t0() + TimeDelta::hours(1))
    );
}

#[test]
fn a_refused_assume_lists_every_failing_check_with_its_category_and_fix() {
    let mut state = demo();
    select_role(&mut state, "ProdOperations");
    apply_all(&mut state, [Command::Simulate]);
    pick_caller_and_run(&mut state, "maria.garcia");
    let FormOutcome::Refused(r) = outcome(&state) else {
        panic!("expected a refusal")
    };
    assert_eq!(r.code, "AccessDenied");
    assert!(!r.checks.is_empty());
    assert!(
        r.checks
            .iter()
            .all(|c| !c.category.is_empty() && !c.fix.is_empty())
    );
    assert!(state.sessions.is_empty());
    assert!(
        state
            .log
            .iter()
            .any(|e| e.text.contains("could not assume ProdOperations"))
    );
}

#[test]
fn a_bad_form_field_is_named_without_running_the_simulation() {
    let mut state = demo();
    select_role(&mut state, "OpsEntry");
    apply_all(&mut state, [Command::Simulate]);
    let mut cmds = vec![Command::Open];
    cmds.extend(typed("maria.garcia"));
    cmds.push(Command::Open);
    cmds.extend(typed("an hour"));
    cmds.push(Command::Run);
    apply_all(&mut state, cmds);
    let FormOutcome::Invalid(msg) = outcome(&state) else {
        panic!("expected a form error")
    };
    assert!(msg.contains("`an hour`"), "{msg}");
    assert!(state.sessions.is_empty());
}

#[test]
fn asking_what_a_session_may_do_returns_the_engine_decision() {
    let mut state = demo();
    select_role(&mut state, "OpsEntry");
    apply_all(&mut state, [Command::Simulate]);
    pick_caller_and_run(&mut state, "maria.garcia");
    apply_all(
        &mut state,
        [Command::Back, Command::FocusNext, Command::Ask],
    );
    apply_all(&mut state, typed("sts:AssumeRole"));
    apply_all(&mut state, [Command::FocusNext]);
    apply_all(
        &mut state,
        typed("arn:aws:iam::222222222222:role/ProdOperations"),
    );
    apply_all(&mut state, [Command::Open]);
    let Some(Overlay::Ask(a)) = &state.overlay else {
        panic!("ask form closed")
    };
    let answer = a.answer.as_ref().expect("answered");
    assert!(answer.allowed, "{answer:?}");
    assert!(!answer.matched.is_empty());
}

#[test]
fn ending_a_session_keeps_it_listed_as_ended() {
    let mut state = demo();
    select_role(&mut state, "OpsEntry");
    apply_all(&mut state, [Command::Simulate]);
    pick_caller_and_run(&mut state, "maria.garcia");
    apply_all(
        &mut state,
        [Command::Back, Command::FocusNext, Command::EndSession],
    );
    assert_eq!(state.sessions.len(), 1);
    assert_eq!(state.sessions[0].state(state.now), SessionState::Ended);
    assert!(state.you().is_none());
}

#[test]
fn users_groups_and_providers_are_browsable_the_same_way() {
    let mut state = demo();
    for tab in 1..4 {
        apply_all(&mut state, [Command::SelectTab(tab), Command::Open]);
        assert!(state.detail.is_some(), "tab {tab}");
        apply_all(&mut state, [Command::Back]);
    }
    apply_all(&mut state, [Command::SelectTab(1), Command::StartSearch]);
    apply_all(&mut state, typed("maria"));
    let first = state.list().hits[0] as usize;
    assert_eq!(state.inventory.users[first].name, "maria.garcia");
}

#[test]
fn clicks_select_rows_and_tabs_and_a_second_click_opens() {
    let mut state = demo();
    let rows = rolescope::tui::screens::list::rows_area(rolescope::tui::ui::areas(&state).main);
    apply_all(&mut state, [Command::Click(rows.x + 2, rows.y + 3)]);
    assert_eq!(state.list().selected, 3);
    apply_all(&mut state, [Command::Click(rows.x + 2, rows.y + 3)]);
    assert!(state.detail.is_some());
    apply_all(
        &mut state,
        [Command::Back, Command::Scroll(rows.x + 2, rows.y + 1, 3)],
    );
    assert_eq!(state.list().selected, 6);
}

#[test]
fn yanking_copies_the_selected_arn() {
    let mut state = demo();
    select_role(&mut state, "OpsEntry");
    let fx = apply_all(&mut state, [Command::YankArn]);
    assert_eq!(
        fx,
        vec![Effect::Clipboard(
            "arn:aws:iam::111111111111:role/OpsEntry".into()
        )]
    );
}

/// Opens `role`'s detail and moves to its "who can assume" pane.
fn who_can_assume(state: &mut AppState, role: &str) {
    select_role(state, role);
    apply_all(
        state,
        [Command::Open, Command::FocusNext, Command::FocusNext],
    );
    let d = state.detail.as_ref().expect("detail open");
    assert_eq!(d.focus, 2, "the who-can-assume pane has focus");
}

/// The text of the who-can-assume pane.
fn who_text(state: &AppState) -> String {
    let d = state.detail.as_ref().expect("detail open");
    d.panes[2].raw.clone()
}

/// Moves the cursor of the who-can-assume pane to the first hop line starting with `hop`
/// (`caller → role`).
fn select_hop(state: &mut AppState, hop: &str) {
    apply(state, Command::Top);
    for _ in 0..60 {
        let d = state.detail.as_ref().unwrap();
        let p = &d.panes[2];
        let line: String = p.json[p.rows[p.cursor].0]
            .iter()
            .map(|(_, s)| s.as_str())
            .collect();
        if line.trim_start_matches(['▶', ' ']).starts_with(hop) {
            return;
        }
        apply(state, Command::Down);
    }
    panic!("no hop {hop} in:\n{}", who_text(state));
}

fn field(state: &AppState, f: FormField) -> String {
    match &state.overlay {
        Some(Overlay::Simulate(form)) => form.field(f).to_owned(),
        other => panic!("no form open: {other:?}"),
    }
}

#[test]
fn who_can_assume_lists_direct_and_chained_principals_with_via_and_badges() {
    let mut state = demo();
    who_can_assume(&mut state, "ProdDatabaseAdmin");
    let text = who_text(&state);
    // Direct: sam.patel needs MFA.
    assert!(text.contains("user sam.patel · directly"), "{text}");
    assert!(
        text.contains("sam.patel → ProdDatabaseAdmin  [MFA"),
        "{text}"
    );
    // Not through a chain: a session of OrganizationAccountAccessRole carries no MFA and
    // cannot pass a code ([STS-API AssumeRole] `SerialNumber`), so the role is trusted but
    // refused, and maria.garcia does not get in through it by assuming roles.
    let (assumed, escalated) = text
        .split_once("more through escalation hops")
        .unwrap_or((text.as_str(), ""));
    assert!(!assumed.contains("user maria.garcia"), "{text}");
    // She does through an escalation hop: that role may rewrite the trust policy
    // (`rolescope who-can-assume` lists the same).
    assert!(
        escalated.contains(
            "user maria.garcia · maria.garcia → OrganizationAccountAccessRole ⇒ ProdDatabaseAdmin"
        ),
        "{text}"
    );
    assert!(
        text.contains("role OrganizationAccountAccessRole"),
        "{text}"
    );
    // The account grant is one class row, not expanded.
    assert!(
        text.contains("class: any principal of account 222222222222"),
        "{text}"
    );
}

#[test]
fn a_who_can_assume_hop_opens_the_form_with_its_external_id_and_the_call_succeeds() {
    let mut state = demo();
    who_can_assume(&mut state, "northwind-engagement");
    select_hop(&mut state, "priya.nair → northwind-engagement");
    apply_all(&mut state, [Command::Simulate]);
    assert_eq!(field(&state, FormField::Role), "northwind-engagement");
    let caller = field(&state, FormField::Caller);
    assert!(caller.contains("user/consultants/priya.nair"), "{caller}");
    assert_eq!(
        field(&state, FormField::ExternalId),
        "northwind-cust-0417-7f3c9e2d"
    );
    apply_all(&mut state, [Command::Run]);
    assert!(
        matches!(outcome(&state), FormOutcome::Issued { .. }),
        "{:?}",
        outcome(&state)
    );
}

#[test]
fn a_hop_that_needs_mfa_is_prefilled_with_mfa_and_succeeds() {
    let mut state = demo();
    who_can_assume(&mut state, "ProdDatabaseAdmin");
    select_hop(&mut state, "sam.patel → ProdDatabaseAdmin");
    apply_all(&mut state, [Command::Simulate]);
    match &state.overlay {
        Some(Overlay::Simulate(f)) => assert!(f.mfa, "MFA box ticked"),
        other => panic!("{other:?}"),
    }
    apply_all(&mut state, [Command::Run]);
    assert!(matches!(outcome(&state), FormOutcome::Issued { .. }));
}

#[test]
fn a_chained_hop_uses_a_live_session_of_the_calling_role() {
    let mut state = demo();
    who_can_assume(&mut state, "ProdOperations");
    // maria.garcia assumes OpsEntry from her hop's row first.
    select_hop(&mut state, "maria.garcia → OpsEntry");
    apply_all(&mut state, [Command::Simulate, Command::Run]);
    assert!(
        matches!(outcome(&state), FormOutcome::Issued { .. }),
        "{:?}",
        outcome(&state)
    );
    apply_all(&mut state, [Command::Back]);
    // Then the next hop of the same row calls as that live session.
    select_hop(&mut state, "OpsEntry → ProdOperations");
    apply_all(&mut state, [Command::Simulate]);
    assert!(field(&state, FormField::Caller).starts_with("session "));
    apply_all(&mut state, [Command::Run]);
    match outcome(&state) {
        FormOutcome::Issued { session } => {
            let s = state.session(session).unwrap();
            assert!(s.issued.chained, "chaining");
            assert!(s.issued.expires_at - s.issued.issued_at <= TimeDelta::hours(1));
            assert_eq!(s.chain.len(), 3, "{:?}", s.chain);
        }
        other => panic!("{other:?}"),
    }
}

fn reach_view(state: &AppState) -> &rolescope::tui::screens::reach::ReachView {
    match &state.overlay {
        Some(Overlay::Reach(v)) => v,
        other => panic!("no reach tree open: {other:?}"),
    }
}

/// The reach tree's visible lines as text, with their depth.
fn reach_lines(state: &AppState) -> Vec<(usize, String)> {
    reach_view(state)
        .lines()
        .iter()
        .map(|l| (l.depth, l.text.iter().map(|(_, s)| s.as_str()).collect()))
        .collect()
}

/// Moves the reach tree's cursor to the first line starting with `text`.
fn select_reach_line(state: &mut AppState, text: &str) {
    apply(state, Command::Top);
    let lines = reach_lines(state);
    let at = lines
        .iter()
        .position(|(_, l)| l.starts_with(text))
        .unwrap_or_else(|| panic!("no line {text} in {lines:#?}"));
    apply_all(state, std::iter::repeat_n(Command::Down, at));
}

#[test]
fn the_reach_tree_of_a_user_lists_shortest_paths_first_and_expands_chains() {
    let mut state = demo();
    apply_all(&mut state, [Command::SelectTab(1), Command::StartSearch]);
    apply_all(&mut state, typed("maria.garcia"));
    apply_all(&mut state, [Command::AcceptSearch, Command::Reach]);
    let lines = reach_lines(&state);
    // One hop away, at the top level, with the session length at the end.
    assert!(
        lines.iter().any(|(d, l)| *d == 0
            && l.starts_with("OpsEntry (111111111111)")
            && l.ends_with("1 hop(s) · max 1 h")),
        "{lines:#?}"
    );
    // Two hops away: hidden until the branch opens.
    assert!(!lines.iter().any(|(_, l)| l.starts_with("ProdOperations")));
    select_reach_line(&mut state, "OpsEntry");
    apply_all(&mut state, [Command::Open]);
    let lines = reach_lines(&state);
    let ops = lines
        .iter()
        .find(|(_, l)| l.starts_with("ProdOperations"))
        .expect("ProdOperations under OpsEntry");
    assert_eq!(ops.0, 1, "one level down");
    assert!(ops.1.contains("cross-account, chain<=1h"), "{}", ops.1);
    // h closes the branch again; * opens them all.
    apply_all(&mut state, [Command::Collapse]);
    assert!(
        !reach_lines(&state)
            .iter()
            .any(|(_, l)| l.starts_with("ProdOperations"))
    );
    apply_all(&mut state, [Command::ExpandAll]);
    let all = reach_lines(&state);
    assert!(
        all.iter()
            .any(|(d, l)| *d == 2 && l.starts_with("ProdDataRepair")),
        "{all:#?}"
    );
    apply_all(&mut state, [Command::Back]);
    assert!(state.overlay.is_none());
}

/// Runs the open form and checks it chained maria.garcia → OpsEntry → ProdOperations.
fn run_chained_into_prod_operations(state: &mut AppState) {
    apply_all(state, [Command::Run]);
    match outcome(state) {
        FormOutcome::Issued { session } => {
            let s = state.session(session).unwrap();
            assert!(s.issued.chained);
            assert_eq!(s.chain, ["maria.garcia", "OpsEntry", "ProdOperations"]);
        }
        other => panic!("{other:?}"),
    }
}

/// maria.garcia has a live session of OpsEntry, selected in the Sessions panel.
fn maria_in_ops_entry() -> AppState {
    let mut state = demo();
    select_role(&mut state, "OpsEntry");
    apply_all(&mut state, [Command::Simulate]);
    pick_caller_and_run(&mut state, "maria.garcia");
    assert!(matches!(outcome(&state), FormOutcome::Issued { .. }));
    apply_all(&mut state, [Command::Back, Command::FocusNext]);
    state
}

#[test]
fn from_a_session_the_reach_tree_simulates_a_chained_hop_and_returns_to_the_tree() {
    let mut state = maria_in_ops_entry();
    apply_all(&mut state, [Command::Reach]);
    assert!(reach_view(&state).title.contains("session"));
    select_reach_line(&mut state, "ProdOperations");
    apply_all(&mut state, [Command::Simulate]);
    assert!(field(&state, FormField::Caller).starts_with("session "));
    assert_eq!(field(&state, FormField::Role), "ProdOperations");
    run_chained_into_prod_operations(&mut state);
    // Esc closes the form and shows the tree again.
    apply_all(&mut state, [Command::Back]);
    assert!(matches!(state.overlay, Some(Overlay::Reach(_))));
}

/// The status line's text.
fn status_text(state: &AppState) -> &str {
    &state.status.as_ref().expect("a status line").text
}

#[test]
fn reach_needs_a_principal() {
    let mut state = demo();
    apply_all(&mut state, [Command::SelectTab(2), Command::Reach]);
    assert!(state.overlay.is_none());
    assert!(status_text(&state).contains("reach tree starts from"));
}

fn editor(state: &AppState) -> &rolescope::tui::screens::whatif::EditorView {
    match &state.overlay {
        Some(Overlay::WhatIf(w)) => match &w.stage {
            WhatIfStage::Editor(e) => e,
            other => panic!("no editor open: {other:?}"),
        },
        other => panic!("no editor open: {other:?}"),
    }
}

/// True while the what-if room shows the edits (not the menu, editor or a prompt).
fn whatif_view_open(state: &AppState) -> bool {
    matches!(&state.overlay, Some(Overlay::WhatIf(w)) if matches!(w.stage, WhatIfStage::View { .. }))
}

fn whatif_text(state: &AppState) -> String {
    assert!(
        whatif_view_open(state),
        "no what-if view open: {:?}",
        state.overlay
    );
    rolescope::tui::screens::whatif::draw::view_lines(&state.world)
        .iter()
        .map(|l| l.iter().map(|(_, s)| s.as_str()).collect::<String>() + "\n")
        .collect()
}

/// Opens the built-in editor on ProdDatabaseAdmin's trust policy with the cursor at the
/// end of its `"Effect"` line.
fn edit_trust_effect(state: &mut AppState) {
    select_role(state, "ProdDatabaseAdmin");
    apply_all(
        state,
        [
            Command::Open,
            Command::Edit { external: false },
            Command::Open,
        ],
    );
    let row = editor(state)
        .buffer
        .lines
        .iter()
        .position(|l| l.contains("\"Effect\""))
        .unwrap();
    apply_all(state, std::iter::repeat_n(Command::Down, row));
    apply_all(state, [Command::EditKey(EditKey::End)]);
}

#[test]
fn a_refused_trust_edit_is_located_and_a_fixed_one_updates_who_can_assume_and_the_diff() {
    let mut state = demo();
    // A simulation to watch: sam.patel with MFA into ProdDatabaseAdmin.
    who_can_assume(&mut state, "ProdDatabaseAdmin");
    select_hop(&mut state, "sam.patel → ProdDatabaseAdmin");
    apply_all(
        &mut state,
        [
            Command::Simulate,
            Command::Run,
            Command::Back,
            Command::Back,
        ],
    );
    edit_trust_effect(&mut state);
    let effect_row = editor(&state).buffer.row;
    // "Allow", -> "Alow",  : IAM refuses it, pointing at the statement's Effect.
    apply_all(&mut state, std::iter::repeat_n(Command::Backspace, 7));
    apply_all(&mut state, typed("Alow\","));
    apply_all(&mut state, [Command::Up, Command::Up, Command::Save]);
    let ed = editor(&state);
    let err = ed.error.clone().expect("refused");
    // Located by line:column first, then IAM's answer.
    assert!(err.starts_with(&format!("{}:", effect_row + 1)), "{err}");
    assert!(err.contains(": MalformedPolicyDocument"), "{err}");
    assert!(err.contains("$.Statement[0].Effect"), "{err}");
    assert_eq!(
        ed.buffer.row, effect_row,
        "the cursor goes to the located line"
    );
    assert!(!state.whatif.is_edited(), "nothing applied");
    // Fixed to Deny: accepted, the diff shows who lost access.
    apply_all(&mut state, [Command::EditKey(EditKey::End)]);
    apply_all(&mut state, std::iter::repeat_n(Command::Backspace, 6));
    apply_all(&mut state, typed("Deny\","));
    apply_all(&mut state, [Command::Save]);
    assert_eq!(state.whatif.edits().len(), 1);
    let diff = whatif_text(&state);
    assert!(
        diff.contains("- lost    sam.patel → ProdDatabaseAdmin"),
        "{diff}"
    );
    assert!(diff.contains("when run:   ALLOWED"), "{diff}");
    assert!(diff.contains("data now:   REFUSED"), "{diff}");
    // The loaded data is untouched; the detail view shows the edited data.
    let base = state.whatif.base();
    assert!(
        base.roles.iter().any(|r| r.name == "ProdDatabaseAdmin"
            && r.trust_policy.json().to_string().contains("Allow"))
    );
    apply_all(&mut state, [Command::Back]);
    let d = state.detail.as_ref().unwrap();
    assert!(
        d.panes[0].raw.contains("\"Deny\""),
        "trust pane shows the edit"
    );
    assert!(
        d.panes[2].raw.contains("0 principal(s) can get in"),
        "{}",
        d.panes[2].raw
    );
    // Undo one by one brings sam.patel back.
    apply_all(&mut state, [Command::WhatIf, Command::Undo]);
    assert!(!state.whatif.is_edited());
    assert!(whatif_text(&state).contains("data now:   ALLOWED"));
    apply_all(&mut state, [Command::Back]);
    assert!(who_text(&state).contains("sam.patel → ProdDatabaseAdmin"));
}

#[test]
fn max_session_duration_is_checked_by_the_prompt_and_shows_in_who_can_assume() {
    let mut state = demo();
    select_role(&mut state, "northwind-engagement");
    apply_all(
        &mut state,
        [Command::Open, Command::Edit { external: false }],
    );
    let last = match &state.overlay {
        Some(Overlay::WhatIf(w)) => match &w.stage {
            WhatIfStage::Menu(m) => m.choices.len() - 1,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    apply_all(&mut state, std::iter::repeat_n(Command::Down, last));
    apply_all(&mut state, [Command::Open, Command::ClearInput]);
    apply_all(&mut state, typed("100"));
    apply_all(&mut state, [Command::Open]);
    match &state.overlay {
        Some(Overlay::WhatIf(w)) => match &w.stage {
            WhatIfStage::Prompt(p) => {
                let e = p.error.clone().unwrap();
                assert!(e.starts_with("ValidationError"), "{e}");
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    apply_all(&mut state, [Command::ClearInput]);
    apply_all(&mut state, typed("3600"));
    apply_all(&mut state, [Command::Open, Command::Back]);
    assert!(
        who_text(&state).contains("user priya.nair · directly · 1 hop(s) · max 1 h"),
        "{}",
        who_text(&state)
    );
    // Discard all (X asks first, X again does it): back to four hours.
    apply_all(
        &mut state,
        [
            Command::WhatIf,
            Command::Discard,
            Command::Discard,
            Command::Back,
        ],
    );
    assert!(who_text(&state).contains("max 4 h"));
}

#[test]
fn discarding_every_what_if_edit_asks_first() {
    let mut state = demo();
    edit_trust_effect(&mut state);
    apply_all(&mut state, std::iter::repeat_n(Command::Backspace, 7));
    apply_all(&mut state, typed("Deny\","));
    apply_all(&mut state, [Command::Save]);
    assert_eq!(state.whatif.edits().len(), 1);
    assert!(whatif_view_open(&state));
    // X once: nothing is lost yet, and the status line says how to go on.
    apply_all(&mut state, [Command::Discard]);
    assert_eq!(state.whatif.edits().len(), 1);
    assert!(
        status_text(&state).contains("X again discards all 1"),
        "{}",
        status_text(&state)
    );
    // Any other key keeps the edits: the next X asks again.
    apply_all(&mut state, [Command::Down, Command::Discard]);
    assert_eq!(state.whatif.edits().len(), 1);
    // X twice in a row discards them.
    apply_all(&mut state, [Command::Discard]);
    assert_eq!(state.whatif.edits().len(), 0);
    assert!(status_text(&state).contains("discarded 1 what-if edit(s)"));
}

#[test]
fn q_with_what_if_edits_pending_asks_before_quitting() {
    // Without edits, q quits at once.
    let mut state = demo();
    apply_all(&mut state, [Command::Leave]);
    assert!(state.quit);
    let mut state = demo();
    edit_trust_effect(&mut state);
    apply_all(&mut state, std::iter::repeat_n(Command::Backspace, 7));
    apply_all(&mut state, typed("Deny\","));
    apply_all(&mut state, [Command::Save, Command::Back]);
    assert_eq!(state.whatif.edits().len(), 1);
    apply_all(&mut state, [Command::Leave]);
    assert!(!state.quit, "the first q only asks");
    assert!(
        status_text(&state).contains("q again quits"),
        "{}",
        status_text(&state)
    );
    // Another key in between: the next q asks again.
    apply_all(&mut state, [Command::Down, Command::Leave]);
    assert!(!state.quit);
    apply_all(&mut state, [Command::Leave]);
    assert!(state.quit);
    // Ctrl-C (and a signal) still quit at once.
    let mut state = demo();
    edit_trust_effect(&mut state);
    apply_all(&mut state, std::iter::repeat_n(Command::Backspace, 7));
    apply_all(&mut state, typed("Deny\","));
    apply_all(&mut state, [Command::Save, Command::Back, Command::Quit]);
    assert!(state.quit);
}

#[test]
fn picking_the_role_of_a_chain_moves_on_past_the_filled_caller() {
    let mut state = demo();
    select_role(&mut state, "OpsEntry");
    apply_all(&mut state, [Command::Simulate]);
    pick_caller_and_run(&mut state, "maria.garcia");
    apply_all(&mut state, [Command::Back, Command::FocusNext]);
    apply_all(&mut state, [Command::Chain, Command::Open]);
    apply_all(&mut state, typed("ProdOperations"));
    apply_all(&mut state, [Command::Open]);
    match &state.overlay {
        Some(Overlay::Simulate(f)) => {
            assert_eq!(f.field(FormField::Role), "ProdOperations");
            assert_eq!(
                f.focused(),
                FormField::Duration,
                "the caller is already filled"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_edited_data_saves_as_a_new_bundle_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("variant.json");
    let mut state = demo();
    edit_trust_effect(&mut state);
    apply_all(&mut state, std::iter::repeat_n(Command::Backspace, 7));
    apply_all(&mut state, typed("Deny\","));
    apply_all(
        &mut state,
        [Command::Save, Command::SaveBundle, Command::ClearInput],
    );
    apply_all(&mut state, typed(path.to_str().unwrap()));
    apply_all(&mut state, [Command::Open]);
    assert!(whatif_view_open(&state), "{:?}", state.overlay);
    let saved = rolescope::engine::load::load_paths(&[path]).unwrap();
    let r = saved
        .roles
        .iter()
        .find(|r| r.name == "ProdDatabaseAdmin")
        .unwrap();
    assert!(r.trust_policy.json().to_string().contains("Deny"));
}

#[test]
fn saving_over_an_existing_file_asks_first_and_enter_again_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("variant-a.json");
    let second = dir.path().join("variant-b.json");
    std::fs::write(&first, "keep me").unwrap();
    std::fs::write(&second, "keep me too").unwrap();
    let mut state = demo();
    edit_trust_effect(&mut state);
    apply_all(&mut state, std::iter::repeat_n(Command::Backspace, 7));
    apply_all(&mut state, typed("Deny\","));
    apply_all(
        &mut state,
        [Command::Save, Command::SaveBundle, Command::ClearInput],
    );
    apply_all(&mut state, typed(first.to_str().unwrap()));
    apply_all(&mut state, [Command::Open]);
    let error = |state: &AppState| match &state.overlay {
        Some(Overlay::WhatIf(w)) => match &w.stage {
            WhatIfStage::Prompt(p) => p.error.clone().unwrap(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    assert!(
        error(&state).contains("already exists; press Enter again"),
        "{}",
        error(&state)
    );
    // Another name is asked about on its own.
    apply_all(&mut state, [Command::ClearInput]);
    apply_all(&mut state, typed(second.to_str().unwrap()));
    apply_all(&mut state, [Command::Open]);
    assert!(
        error(&state).contains("variant-b.json"),
        "{}",
        error(&state)
    );
    assert_eq!(std::fs::read_to_string(&first).unwrap(), "keep me");
    assert_eq!(std::fs::read_to_string(&second).unwrap(), "keep me too");
    // Enter again on the same name replaces it.
    apply_all(&mut state, [Command::Open]);
    assert!(whatif_view_open(&state), "{:?}", state.overlay);
    assert!(rolescope::engine::load::load_paths(&[second]).is_ok());
    assert_eq!(std::fs::read_to_string(&first).unwrap(), "keep me");
}

/// Opens `role`'s first document in the external editor: the effect asking for it.
fn external_edit(state: &mut AppState, role: &str) -> Effect {
    select_role(state, role);
    let fx = apply_all(
        state,
        [
            Command::Open,
            Command::Edit { external: true },
            Command::Open,
        ],
    );
    fx.last().cloned().unwrap()
}

#[test]
fn the_external_editor_round_trip_applies_or_reopens_the_text_with_the_problem() {
    let mut state = demo();
    let fx = external_edit(&mut state, "ProdDatabaseAdmin");
    let Effect::ExternalEdit {
        role,
        kind,
        text,
        name,
    } = fx
    else {
        panic!("{fx:?}");
    };
    assert!(name.ends_with(".json"));
    // The editor could not start: a message, nothing applied.
    apply_all(
        &mut state,
        [Command::EditorDone {
            role: role.clone(),
            kind: kind.clone(),
            result: Err("cannot start the editor `nope`".into()),
        }],
    );
    assert!(state.status.as_ref().unwrap().error);
    assert!(!state.whatif.is_edited());
    // Broken JSON comes back: the built-in editor opens on it at the error.
    let broken = text.replacen("\"Version\"", "Version", 1);
    apply_all(
        &mut state,
        [Command::EditorDone {
            role: role.clone(),
            kind: kind.clone(),
            result: Ok(broken),
        }],
    );
    let ed = editor(&state);
    assert!(
        ed.error
            .as_ref()
            .unwrap()
            .contains("not valid JSON at line 2"),
        "{:?}",
        ed.error
    );
    assert_eq!(ed.buffer.row, 1);
    // A good text is applied.
    apply_all(&mut state, [Command::Back]);
    let good = text.replacen("Allow", "Deny", 1);
    apply_all(
        &mut state,
        [Command::EditorDone {
            role,
            kind,
            result: Ok(good),
        }],
    );
    assert_eq!(state.whatif.edits().len(), 1);
}

/// The role list's kinds follow the data: after a what-if edit gives a role a SAML trust,
/// the `saml` kind filter finds it, and after undoing the edit it does not.
#[test]
fn the_role_list_searches_the_kinds_of_the_edited_data() {
    let mut state = demo();
    let saml = u8::try_from(KINDS.iter().position(|k| *k == "saml").unwrap()).unwrap();
    let saml_roles = |state: &mut AppState| {
        while state.detail.is_some() || state.overlay.is_some() {
            apply_all(state, [Command::Back]);
        }
        for _ in 0..=KINDS.len() {
            if state.list().kind == Some(saml) {
                break;
            }
            apply_all(state, [Command::CycleKind]);
        }
        names(state)
    };
    assert!(!saml_roles(&mut state).contains(&"ProdDatabaseAdmin".to_owned()));
    apply_all(&mut state, [Command::ClearFilters]);
    let fx = external_edit(&mut state, "ProdDatabaseAdmin");
    let Effect::ExternalEdit { role, kind, .. } = fx else {
        panic!("{fx:?}");
    };
    assert_eq!(kind, rolescope::engine::whatif::DocumentKind::Trust);
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": "arn:aws:iam::333333333333:saml-provider/AcmeCorpAD"},
        "Action": "sts:AssumeRoleWithSAML",
        "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]}"#;
    apply_all(
        &mut state,
        [Command::EditorDone {
            role,
            kind,
            result: Ok(trust.to_owned()),
        }],
    );
    assert_eq!(state.whatif.edits().len(), 1);
    let after = saml_roles(&mut state);
    assert!(after.contains(&"ProdDatabaseAdmin".to_owned()), "{after:?}");
    apply_all(&mut state, [Command::WhatIf, Command::Undo]);
    assert!(!saml_roles(&mut state).contains(&"ProdDatabaseAdmin".to_owned()));
}

#[test]
fn service_linked_roles_cannot_be_edited() {
    let mut state = demo();
    select_role(&mut state, "AWSServiceRoleForConfig");
    apply_all(&mut state, [Command::Edit { external: false }]);
    assert!(state.overlay.is_none());
    let s = state.status.as_ref().unwrap();
    assert!(
        s.error && s.text.starts_with("UnmodifiableEntity"),
        "{}",
        s.text
    );
}

fn wizard_report(state: &AppState) -> String {
    match &state.overlay {
        Some(Overlay::Wizard(w)) => match &w.stage {
            rolescope::tui::screens::wizard::Stage::Report(d) => {
                rolescope::tui::screens::wizard::lines(d)
                    .iter()
                    .map(|l| l.iter().map(|(_, s)| s.as_str()).collect::<String>() + "\n")
                    .collect()
            }
            other => panic!("no report yet: {other:?}"),
        },
        other => panic!("no wizard open: {other:?}"),
    }
}

/// From the roles list: `T`, the symptom at `index`, the caller picked, diagnosed.
fn wizard_for(state: &mut AppState, role: &str, symptom: usize, caller: &str) {
    select_role(state, role);
    apply_all(state, [Command::Troubleshoot]);
    apply_all(state, std::iter::repeat_n(Command::Down, symptom));
    apply_all(state, [Command::Open]);
    match &state.overlay {
        Some(Overlay::Simulate(f)) => {
            assert!(f.wizard.is_some());
            assert_eq!(f.field(FormField::Role), role);
        }
        other => panic!("{other:?}"),
    }
    pick_caller_and_run(state, caller);
}

#[test]
fn the_wizard_finds_the_missing_half_and_its_fix_goes_through_the_what_if_overlay() {
    let mut state = demo();
    // "cross-account access does not work" is the eighth symptom.
    wizard_for(&mut state, "QAReleaseVerifier", 7, "noah.kim");
    let report = wizard_report(&state);
    assert!(
        report.contains("symptom: cross-account access does not work"),
        "{report}"
    );
    assert!(report.contains("✗ FAILS"), "{report}");
    assert!(report.contains("allow-sts-assumerole"), "{report}");
    assert!(
        report.contains("RESULT: the call fails as described"),
        "{report}"
    );
    apply_all(&mut state, [Command::ApplyFixes]);
    let report = wizard_report(&state);
    assert!(report.contains("── applied ──"), "{report}");
    assert!(report.contains("RESULT: the call succeeds"), "{report}");
    // The fix is a what-if edit: it shows in the diff and can be undone.
    assert_eq!(state.whatif.edits().len(), 1);
    apply_all(&mut state, [Command::WhatIf]);
    let diff = whatif_text(&state);
    assert!(
        diff.contains("+ gained  noah.kim → QAReleaseVerifier"),
        "{diff}"
    );
    apply_all(&mut state, [Command::Undo]);
    assert!(!state.whatif.is_edited());
}

#[test]
fn a_request_fix_changes_the_call_not_the_data() {
    let mut state = demo();
    // "the role needs MFA and the call has none" is the fifth symptom.
    wizard_for(&mut state, "ProdDatabaseAdmin", 4, "sam.patel");
    let report = wizard_report(&state);
    assert!(report.contains("(change the call)"), "{report}");
    apply_all(&mut state, [Command::ApplyFixes]);
    assert!(wizard_report(&state).contains("RESULT: the call succeeds"));
    assert!(!state.whatif.is_edited(), "no data changed");
}

#[test]
fn from_a_refused_simulation_ctrl_t_diagnoses_the_same_call_and_esc_returns_to_it() {
    let mut state = demo();
    select_role(&mut state, "QAReleaseVerifier");
    apply_all(&mut state, [Command::Simulate]);
    pick_caller_and_run(&mut state, "noah.kim");
    assert!(matches!(outcome(&state), FormOutcome::Refused(_)));
    apply_all(&mut state, [Command::Troubleshoot]);
    let report = wizard_report(&state);
    assert!(
        report.contains("symptom: check everything for a caller and a role"),
        "{report}"
    );
    assert!(report.contains("noah.kim → QAReleaseVerifier"), "{report}");
    apply_all(&mut state, [Command::Back]);
    assert!(matches!(outcome(&state), FormOutcome::Refused(_)));
}

#[test]
fn the_lesson_index_lists_the_built_in_lessons_and_starts_the_chosen_one() {
    let mut state = demo();
    let builtin = rolescope::engine::lesson::builtin().unwrap();
    apply_all(&mut state, [Command::LessonIndex]);
    assert!(matches!(state.overlay, Some(Overlay::Lessons(_))));
    apply_all(&mut state, [Command::Bottom]);
    match &state.overlay {
        Some(Overlay::Lessons(ix)) => assert_eq!(ix.selected, builtin.len() - 1),
        other => panic!("{other:?}"),
    }
    apply_all(&mut state, [Command::Up, Command::Open]);
    assert!(state.overlay.is_none());
    let playing = state.teach.lesson.as_ref().expect("a lesson runs");
    assert_eq!(
        playing.player.lesson().name,
        builtin[builtin.len() - 2].name
    );
    assert!(
        state.clock.is_paused(),
        "lessons start with the clock paused"
    );
    // The lesson's keys work from there: ] plays the first step.
    apply_all(
        &mut state,
        [Command::Lesson(rolescope::tui::teach::LessonCommand::Next)],
    );
    assert_eq!(
        state.teach.lesson.as_ref().unwrap().current(),
        Some(0),
        "first step on screen"
    );
}

#[test]
fn a_classroom_pack_that_cannot_be_read_is_reported_by_the_index() {
    let mut state = demo();
    state.teach.catalog = Some(Err(
        "lesson `my-class/lessons/intro.toml` line 3, column 1: expected `=`".into(),
    ));
    apply_all(&mut state, [Command::LessonIndex]);
    assert!(state.overlay.is_none());
    let s = state.status.as_ref().unwrap();
    assert!(
        s.error && s.text.contains("intro.toml` line 3"),
        "{}",
        s.text
    );
}

#[test]
fn a_classroom_pack_s_lessons_replace_the_built_in_ones_in_the_index() {
    let mut state = demo();
    let mut pack = rolescope::engine::lesson::builtin().unwrap();
    pack.truncate(2);
    state.teach.catalog = Some(Ok(Arc::new(pack.clone())));
    apply_all(
        &mut state,
        [Command::LessonIndex, Command::Bottom, Command::Open],
    );
    assert_eq!(
        state.teach.lesson.as_ref().unwrap().player.lesson().name,
        pack[1].name
    );
}

fn key(c: char) -> rolescope::tui::event::AppEvent {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    rolescope::tui::event::AppEvent::Terminal(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

fn searches(effects: &[Effect]) -> Vec<&Request> {
    effects
        .iter()
        .filter_map(|fx| match fx {
            Effect::Search(r) => Some(r),
            _ => None,
        })
        .collect()
}

#[test]
fn a_burst_of_ten_thousand_keys_is_one_search_and_one_frame() {
    use rolescope::tui::app::take_batch;
    let mut state = demo();
    apply_all(&mut state, [Command::StartSearch]);
    state.dirty = false;
    let text: String = "payments-api-".chars().cycle().take(10_000).collect();
    let batch = take_batch(
        &mut state,
        text.chars().map(key).collect(),
        Duration::from_secs(1),
    );
    let asked = searches(&batch.effects);
    assert_eq!(asked.len(), 1, "one search for the whole burst");
    assert_eq!(asked[0].query.text, text);
    assert_eq!(state.list().query, text);
    // The loop draws when the state is dirty, once per batch.
    assert!(state.dirty);
    assert!(batch.terminate.is_none() && !batch.resumed && batch.error.is_none());
}

#[test]
fn pasting_ten_thousand_characters_is_one_search() {
    use crossterm::event::Event;
    use rolescope::tui::app::take_batch;
    use rolescope::tui::event::AppEvent;
    let mut state = demo();
    apply_all(&mut state, [Command::StartSearch]);
    // A terminal may deliver a long paste in pieces; the pieces queued together are one batch.
    let text: String = "ledger-etl ".chars().cycle().take(10_000).collect();
    let (a, b) = text.split_at(4_000);
    let batch = take_batch(
        &mut state,
        vec![
            AppEvent::Terminal(Event::Paste(a.to_owned())),
            AppEvent::Terminal(Event::Paste(format!("{b}\u{7}"))),
        ],
        Duration::from_secs(1),
    );
    let asked = searches(&batch.effects);
    assert_eq!(asked.len(), 1);
    // Control characters in a paste are dropped.
    assert_eq!(asked[0].query.text, text);
    let answer = rolescope::tui::update::search_now(&state, asked[0]);
    apply(&mut state, answer);
    assert!(!state.list().pending());
    assert!(state.list().hits.is_empty());
}

#[test]
fn a_termination_signal_quits_and_is_remembered_for_the_exit_status() {
    use rolescope::tui::app::take_batch;
    use rolescope::tui::event::AppEvent;
    let mut state = demo();
    let batch = take_batch(
        &mut state,
        vec![key('j'), AppEvent::Terminate(15)],
        Duration::from_secs(1),
    );
    assert_eq!(batch.terminate, Some(15));
    assert!(batch.effects.contains(&Effect::Quit));
}

#[test]
fn ctrl_z_and_sigtstp_suspend_and_sigcont_asks_for_a_full_redraw() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use rolescope::tui::app::take_batch;
    use rolescope::tui::event::AppEvent;
    let mut state = demo();
    let ctrl_z = AppEvent::Terminal(Event::Key(KeyEvent::new(
        KeyCode::Char('z'),
        KeyModifiers::CONTROL,
    )));
    let batch = take_batch(&mut state, vec![ctrl_z], Duration::from_secs(1));
    assert_eq!(batch.effects, vec![Effect::Suspend]);
    let batch = take_batch(&mut state, vec![AppEvent::Suspend], Duration::from_secs(1));
    assert_eq!(batch.effects, vec![Effect::Suspend]);
    let batch = take_batch(&mut state, vec![AppEvent::Resumed], Duration::from_secs(1));
    assert!(batch.resumed);
    assert!(!state.quit);
}

#[test]
fn the_role_list_shows_the_engine_kinds_and_filters_web_identity_as_the_cli_does() {
    use rolescope::engine::kinds::{Kind, classify};
    let mut state = demo();
    for (i, role) in state.inventory.roles.iter().enumerate() {
        let engine = classify(role, &state.inventory);
        let shown: Vec<&str> = state.role_facts[i].labels();
        let want: Vec<&str> = engine.kinds.iter().map(|k| k.kind.name()).collect();
        assert_eq!(shown, want, "{}", role.name);
        let reasons: Vec<&str> = state.role_facts[i]
            .kinds
            .iter()
            .map(|k| k.reason.as_str())
            .collect();
        let want: Vec<&str> = engine.kinds.iter().map(|k| k.reason.as_str()).collect();
        assert_eq!(reasons, want, "{}", role.name);
    }
    let web = KINDS
        .iter()
        .position(|k| *k == Kind::WebIdentity.name())
        .unwrap();
    for _ in 0..KINDS.len() {
        if state.list().kind == Some(u8::try_from(web).unwrap()) {
            break;
        }
        apply_all(&mut state, [Command::CycleKind]);
    }
    let inv = Arc::clone(&state.inventory);
    let want: Vec<String> = inv
        .roles
        .iter()
        .filter(|r| classify(r, &inv).answers_to(Kind::WebIdentity))
        .map(|r| r.name.clone())
        .collect();
    let mut got = names(&state);
    got.sort();
    let mut want = want;
    want.sort();
    assert!(
        want.iter().any(|n| n.starts_with("github-actions")),
        "{want:?}"
    );
    assert_eq!(got, want);
}

/// The trust-graph jobs among `fx`.
fn graph_jobs(fx: Vec<Effect>) -> Vec<rolescope::tui::access::AccessJob> {
    fx.into_iter()
        .filter_map(|e| match e {
            Effect::Access(job) => Some(*job),
            _ => None,
        })
        .collect()
}

#[test]
fn who_can_assume_is_worked_out_off_the_loop_and_a_stale_answer_is_dropped() {
    let mut state = demo();
    select_role(&mut state, "ProdDatabaseAdmin");
    // Opening the role only asks: the pane says so until the answer comes.
    let first = graph_jobs(apply(&mut state, Command::Open));
    assert_eq!(first.len(), 1);
    assert!(who_text(&state).is_empty());
    let pane = &state.detail.as_ref().unwrap().panes[2];
    assert!(pane.json[0][0].1.starts_with("working out who can assume"));
    // Meanwhile the trust policy is edited: the first answer is about data gone by.
    apply_all(&mut state, [Command::WhatIf, Command::Back]);
    let arn = "arn:aws:iam::222222222222:role/ProdDatabaseAdmin";
    let kind = rolescope::engine::whatif::DocumentKind::Trust;
    let text = state.whatif.document_text(arn, &kind).unwrap();
    let edit = apply(
        &mut state,
        Command::EditorDone {
            role: arn.into(),
            kind,
            result: Ok(text.replacen("Allow", "Deny", 1)),
        },
    );
    let second = graph_jobs(edit);
    assert!(second.len() >= 2, "who can assume again, and the diff");
    let stale = rolescope::tui::access::run_job(first[0].clone());
    apply(&mut state, stale);
    assert!(who_text(&state).is_empty(), "the stale answer is not shown");
    for job in second {
        let answer = rolescope::tui::access::run_job(job);
        apply(&mut state, answer);
    }
    assert!(
        who_text(&state).contains("0 principal(s) can get in"),
        "{}",
        who_text(&state)
    );
    let diff = whatif_text(&state);
    assert!(
        diff.contains("- lost    sam.patel → ProdDatabaseAdmin"),
        "{diff}"
    );
}

#[test]
fn only_the_newest_reach_question_opens_a_tree() {
    let mut state = demo();
    apply_all(&mut state, [Command::SelectTab(1), Command::StartSearch]);
    apply_all(&mut state, typed("maria.garcia"));
    apply_all(&mut state, [Command::AcceptSearch]);
    let older = graph_jobs(apply(&mut state, Command::Reach));
    let newer = graph_jobs(apply(&mut state, Command::Reach));
    assert!(
        state
            .status
            .as_ref()
            .unwrap()
            .text
            .starts_with("working out what")
    );
    apply(
        &mut state,
        rolescope::tui::access::run_job(older[0].clone()),
    );
    assert!(state.overlay.is_none(), "an older answer opens nothing");
    apply(
        &mut state,
        rolescope::tui::access::run_job(newer[0].clone()),
    );
    assert!(matches!(state.overlay, Some(Overlay::Reach(_))));
    assert!(state.overlay_stack.is_empty());
}

#[test]
fn the_wizard_checks_off_the_loop_and_a_report_for_a_closed_wizard_opens_nothing() {
    let mut state = demo();
    select_role(&mut state, "QAReleaseVerifier");
    apply_all(&mut state, [Command::Simulate]);
    apply_all(&mut state, [Command::Open]);
    apply_all(&mut state, typed("noah.kim"));
    apply_all(&mut state, [Command::Open]);
    let jobs = graph_jobs(apply(&mut state, Command::Troubleshoot));
    assert_eq!(jobs.len(), 1);
    assert!(matches!(
        &state.overlay,
        Some(Overlay::Wizard(w)) if matches!(w.stage, rolescope::tui::screens::wizard::Stage::Working { .. })
    ));
    // The answer fills the wizard in.
    apply(&mut state, rolescope::tui::access::run_job(jobs[0].clone()));
    assert!(wizard_report(&state).contains("noah.kim → QAReleaseVerifier"));
    // Asked again, then closed before the answer: the answer opens nothing.
    apply_all(&mut state, [Command::Back]);
    let again = graph_jobs(apply(&mut state, Command::Troubleshoot));
    apply_all(&mut state, [Command::Back]);
    assert!(matches!(state.overlay, Some(Overlay::Simulate(_))));
    apply(
        &mut state,
        rolescope::tui::access::run_job(again[0].clone()),
    );
    assert!(matches!(state.overlay, Some(Overlay::Simulate(_))));
}

/// Plays the next lesson step, answering its question (if any) with "it succeeds, 1 h".
fn play_step(state: &mut AppState) {
    use rolescope::tui::teach::{LessonCommand, Prompt};
    apply_all(state, [Command::Lesson(LessonCommand::Next)]);
    for _ in 0..3 {
        match state.teach.lesson.as_ref().unwrap().prompt {
            Prompt::Outcome => {
                apply_all(
                    state,
                    [Command::Lesson(LessonCommand::PredictOutcome(true))],
                );
            }
            Prompt::Duration => {
                apply_all(state, [Command::Lesson(LessonCommand::PredictDuration(1))]);
            }
            Prompt::Decider => {
                apply_all(state, [Command::Lesson(LessonCommand::PredictDecider(0))]);
            }
            Prompt::Choice => {
                apply_all(state, [Command::Lesson(LessonCommand::Choose(1))]);
            }
            Prompt::None => {}
        }
    }
}

#[test]
fn a_lesson_step_s_what_if_edit_shows_on_the_explorer_and_its_undo_too() {
    let mut state = demo();
    let lessons = rolescope::engine::lesson::builtin().unwrap();
    let lesson = rolescope::engine::lesson::find(&lessons, "trust-permissions-boundary")
        .unwrap()
        .clone();
    let edit_step = lesson.steps.iter().position(|s| s.edit.is_some()).unwrap();
    rolescope::tui::screens::lessons::start(&mut state.world, lesson);
    for _ in 0..=edit_step {
        play_step(&mut state);
    }
    // The step edited the boundary and opened the what-if view.
    assert_eq!(state.whatif.edits().len(), 1);
    assert!(whatif_view_open(&state));
    assert!(whatif_text(&state).contains("edit the permissions boundary"));
    let boundary = state
        .inventory
        .roles
        .iter()
        .find(|r| r.name == "storefront-builder")
        .and_then(|r| r.permissions_boundary.clone())
        .unwrap();
    let doc = state.inventory.managed_policy(&boundary.arn).unwrap();
    assert!(
        doc.default_version()
            .unwrap()
            .policy
            .json()
            .to_string()
            .contains("StorefrontTables")
    );
    // ] works with the view open, closes it, and the lesson's undo takes the edit back.
    let bracket = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(']'),
        crossterm::event::KeyModifiers::NONE,
    );
    assert!(matches!(
        rolescope::tui::screen::lesson_key(&state, &bracket),
        Some(Command::Lesson(rolescope::tui::teach::LessonCommand::Next))
    ));
    while state.whatif.is_edited() {
        play_step(&mut state);
        assert!(state.teach.lesson.as_ref().unwrap().current().is_some());
    }
    assert!(!whatif_view_open(&state));
}

/// Runs the pre-filled form of the first hop into `role` from a caller whose line starts
/// with `hop`, and returns the outcome.
fn simulate_hop_into(role: &str, hop: &str) -> FormOutcome {
    let mut state = demo();
    who_can_assume(&mut state, role);
    select_hop(&mut state, hop);
    apply_all(&mut state, [Command::Simulate, Command::Run]);
    outcome(&state)
}

#[test]
fn federated_service_and_outside_hops_are_prefilled_with_what_their_trust_needs() {
    for (role, hop) in [
        (
            "github-actions-deploy-prod",
            "token.actions.githubusercontent.com → github-actions-deploy-prod",
        ),
        ("CorpAD-Engineering", "AcmeCorpAD → CorpAD-Engineering"),
        (
            "mobile-app-authenticated",
            "cognito-identity.amazonaws.com → mobile-app-authenticated",
        ),
        // A service, and an account outside the loaded data (called as one of its users).
        ("web-app-ec2", "ec2.amazonaws.com → web-app-ec2"),
        (
            "skylight-cost-monitor",
            "777788889999 → skylight-cost-monitor",
        ),
    ] {
        let out = simulate_hop_into(role, hop);
        let outside = role == "skylight-cost-monitor";
        assert!(
            matches!(&out, FormOutcome::Issued { .. })
                || outside
                    && matches!(&out, FormOutcome::Refused(r) if only_outside_caller_unknown(r)),
            "{role}: {out:?}"
        );
    }
}

/// A trust may pin `SAML:aud` to a Regional sign-in endpoint; the assertion's Recipient must
/// then be that endpoint (IAM User Guide, "Configure SAML assertions for the authentication
/// response": the Recipient must match the sign-in endpoint, `https://<region>.signin.aws.amazon.com/saml`
/// or the non-Regional one). The pre-filled form must send it, not the default endpoint.
#[test]
fn a_saml_hop_pinned_to_a_regional_sign_in_endpoint_is_prefilled_with_that_recipient() {
    let regional = "https://eu-west-1.signin.aws.amazon.com/saml";
    let text = include_str!("../assets/demo-org.json")
        .replace("https://signin.aws.amazon.com/saml", regional);
    let inv = Arc::new(rolescope::engine::load::load_str("demo-org.json", &text).unwrap());
    let sim = Arc::new(EngineSimulator::spawn(Arc::clone(&inv)).unwrap());
    let mut state = AppState::new(inv, sim, t0());
    apply(&mut state, Command::Resize(140, 40));
    who_can_assume(&mut state, "CorpAD-Engineering");
    select_hop(&mut state, "AcmeCorpAD → CorpAD-Engineering");
    apply_all(&mut state, [Command::Simulate]);
    assert!(
        field(&state, FormField::Claims).contains(&format!("Recipient={regional}")),
        "{}",
        field(&state, FormField::Claims)
    );
    apply_all(&mut state, [Command::Run]);
    let out = outcome(&state);
    assert!(matches!(out, FormOutcome::Issued { .. }), "{out:?}");
}

/// Runs the form pre-filled for `hop` through the simulator, as the form would.
fn run_prefilled(state: &AppState, hop: &rolescope::tui::access::Prefill) -> Result<(), String> {
    let form = rolescope::tui::screens::simulate::prefilled_form(&state.world, hop);
    let input = rolescope::tui::screens::simulate::form_input(&state.world, &form)?;
    let caller = rolescope::tui::sim::CallerView {
        caller: &hop.caller,
        session: None,
        session_role_arn: None,
    };
    match state
        .simulator
        .assume(&state.inventory, &caller, &input, state.now)
    {
        Ok(_) => Ok(()),
        // A caller outside the loaded accounts: the trust lets it in, its own half is unknown.
        Err(r) if only_outside_caller_unknown(&r) => Ok(()),
        Err(r) => Err(format!("{} {}", r.code, r.message)),
    }
}

/// True for a refusal that is "unknown" only because the caller's account is not loaded.
fn only_outside_caller_unknown(r: &rolescope::tui::sim::Refusal) -> bool {
    r.code == "Unknown"
        && !r.checks.is_empty()
        && r.checks.iter().all(|c| {
            c.what.contains(
                "is not in the loaded data, so the identity policies, boundary and SCPs of",
            )
        })
}

/// Every working hop the who-can-assume lists of the demo organisation show opens a form
/// that the simulator accepts as it stands: the pre-fill carries what each hop needs.
#[test]
fn every_working_hop_of_the_demo_simulates_successfully_from_its_prefilled_form() {
    let mut state = demo();
    let mut failures = Vec::new();
    let mut tried = 0;
    for i in 0..state.inventory.roles.len() {
        rolescope::tui::update::open_detail(&mut state, Subject::Role(i));
        let fx: Vec<Command> = std::mem::take(&mut state.outbox)
            .into_iter()
            .filter_map(|e| match e {
                Effect::Access(job) => Some(rolescope::tui::access::run_job(*job)),
                _ => None,
            })
            .collect();
        apply_all(&mut state, fx);
        let pane = state.detail.as_ref().unwrap().panes[2].clone();
        for (line, hop) in &pane.rows {
            let text: String = pane.json[*line].iter().map(|(_, s)| s.as_str()).collect();
            // An escalation hop is no AssumeRole: the explain view takes it, not the form.
            let Some(hop) = hop.prefill() else {
                continue;
            };
            if text.contains("broken") {
                continue;
            }
            tried += 1;
            if let Err(e) = run_prefilled(&state, hop) {
                failures.push(format!("{}: {e}", text.trim()));
            }
        }
    }
    assert!(tried > 40, "only {tried} hops tried");
    assert!(
        failures.is_empty(),
        "{} of {tried} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every line of every demo user's reach tree opens a form the simulator accepts.
#[test]
fn every_hop_of_every_demo_user_s_reach_tree_simulates_successfully() {
    let mut state = demo();
    let users: Vec<String> = state
        .inventory
        .users
        .iter()
        .map(|u| u.arn.clone())
        .collect();
    let mut failures = Vec::new();
    let mut tried = 0;
    for arn in users {
        state.overlay = None;
        let graph = rolescope::tui::access::graph_of(&state.graph, &state.inventory, state.now);
        let from = rolescope::tui::access::ReachFrom::Principal(arn.clone());
        let node = graph.node_id(&arn).unwrap();
        let reach = graph.reach(node, rolescope::engine::graph::DEFAULT_MAX_DEPTH);
        let mut view =
            rolescope::tui::screens::reach::reach_view(&state, &graph, from, &reach).unwrap();
        view.expand_all();
        for line in view.lines() {
            let (Some(_), Some(hop)) = (line.row, line.prefill) else {
                continue;
            };
            tried += 1;
            if let Err(e) = run_prefilled(&state, &hop) {
                let text: String = line.text.iter().map(|(_, s)| s.as_str()).collect();
                failures.push(format!("{arn}: {text}: {e}"));
            }
        }
    }
    assert!(tried > 20, "only {tried} hops tried");
    assert!(
        failures.is_empty(),
        "{} of {tried} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The list pane of the open path view or external-access view.
fn hop_list(state: &AppState) -> &rolescope::tui::state::Pane {
    match &state.overlay {
        Some(Overlay::Path(v)) => &v.pane,
        Some(Overlay::External(v)) => &v.pane,
        other => panic!("no path or external-access view open: {other:?}"),
    }
}

/// Moves the open hop list's cursor to the first selectable line containing `text`.
fn select_listed(state: &mut AppState, text: &str) {
    apply(state, Command::Top);
    for _ in 0..200 {
        let p = hop_list(state);
        let line: String = p.json[p.rows[p.cursor].0]
            .iter()
            .map(|(_, s)| s.as_str())
            .collect();
        if line.contains(text) {
            return;
        }
        if p.cursor + 1 == p.rows.len() {
            break;
        }
        apply(state, Command::Down);
    }
    panic!("no line with {text} in:\n{}", hop_list(state).raw);
}

/// Picks `role` in the open path picker.
fn pick_path_target(state: &mut AppState, role: &str) {
    assert!(
        matches!(state.overlay, Some(Overlay::Picker(_))),
        "the target picker is open: {:?}",
        state.overlay
    );
    apply_all(state, typed(role));
    apply_all(state, [Command::Open]);
}

/// Searches the users list for `user` and asks for its paths to `role`.
fn paths_of_user(state: &mut AppState, user: &str, role: &str) {
    apply_all(state, [Command::SelectTab(1), Command::StartSearch]);
    apply_all(state, typed(user));
    apply_all(state, [Command::AcceptSearch, Command::PathTo]);
    pick_path_target(state, role);
}

#[test]
fn paths_from_a_user_list_every_path_shortest_first_with_badges_and_the_session_cap() {
    let mut state = demo();
    paths_of_user(&mut state, "maria.garcia", "ProdOperations");
    let text = hop_list(&state).raw.clone();
    assert!(
        text.contains("── 2 path(s) within 5 hop(s), shortest first ──"),
        "{text}"
    );
    let one = text
        .find("1. maria.garcia → OpsEntry → ProdOperations · 2 hop(s) · max 1 h")
        .expect(&text);
    let two = text
        .find("2. maria.garcia → BreakGlassAdmin → OpsEntry → ProdOperations · 3 hop(s) · max 1 h")
        .expect(&text);
    assert!(one < two, "shortest first");
    assert!(
        text.contains("maria.garcia → BreakGlassAdmin  [MFA, MFA age <3600]"),
        "{text}"
    );
    assert!(
        text.contains("OpsEntry → ProdOperations  [cross-account, chain<=1h]"),
        "{text}"
    );
    // Every hop of both paths is selectable: 2 + 3.
    assert_eq!(hop_list(&state).rows.len(), 5);
    assert!(!text.contains("truncated"), "{text}");
}

#[test]
fn a_path_hop_opens_the_form_pre_filled_and_esc_returns_to_the_paths() {
    let mut state = demo();
    paths_of_user(&mut state, "maria.garcia", "ProdOperations");
    // The MFA hop of the second path: the form ticks MFA and the call succeeds.
    select_listed(&mut state, "maria.garcia → BreakGlassAdmin");
    apply_all(&mut state, [Command::Simulate]);
    assert_eq!(field(&state, FormField::Role), "BreakGlassAdmin");
    assert!(field(&state, FormField::Caller).contains("user/people/maria.garcia"));
    match &state.overlay {
        Some(Overlay::Simulate(f)) => assert!(f.mfa, "MFA box ticked"),
        other => panic!("{other:?}"),
    }
    apply_all(&mut state, [Command::Run]);
    assert!(matches!(outcome(&state), FormOutcome::Issued { .. }));
    apply_all(&mut state, [Command::Back]);
    assert!(matches!(state.overlay, Some(Overlay::Path(_))));
    // The chained hop of the first path, once OpsEntry is assumed, calls as its session.
    select_listed(&mut state, "maria.garcia → OpsEntry");
    apply_all(&mut state, [Command::Simulate, Command::Run, Command::Back]);
    select_listed(&mut state, "OpsEntry → ProdOperations");
    apply_all(&mut state, [Command::Simulate]);
    assert_eq!(field(&state, FormField::Role), "ProdOperations");
    assert!(field(&state, FormField::Caller).starts_with("session "));
    run_chained_into_prod_operations(&mut state);
    // Enter on a hop opens its role's detail on the main screen.
    apply_all(&mut state, [Command::Back, Command::Open]);
    assert!(state.overlay.is_none());
    let d = state.detail.as_ref().unwrap();
    assert_eq!(
        d.subject,
        Subject::Role(
            state.inventory.index.role_by_arn["arn:aws:iam::222222222222:role/ProdOperations"]
        )
    );
}

#[test]
fn esc_on_a_role_opened_from_the_paths_returns_to_the_paths() {
    let mut state = demo();
    paths_of_user(&mut state, "maria.garcia", "ProdOperations");
    select_listed(&mut state, "OpsEntry → ProdOperations");
    let cursor = hop_list(&state).cursor;
    apply_all(&mut state, [Command::Open]);
    assert!(state.overlay.is_none());
    assert!(state.detail.is_some());
    // Esc: the paths again, on the same hop; the list under them as it was.
    apply_all(&mut state, [Command::Back]);
    assert!(
        matches!(state.overlay, Some(Overlay::Path(_))),
        "{:?}",
        state.overlay
    );
    assert_eq!(hop_list(&state).cursor, cursor);
    assert!(state.detail.is_none());
    // Esc on the paths closes them; a role opened from the list goes back to the list.
    apply_all(&mut state, [Command::Back]);
    assert!(state.overlay.is_none());
    apply_all(
        &mut state,
        [Command::SelectTab(0), Command::Open, Command::Back],
    );
    assert!(state.overlay.is_none() && state.detail.is_none());
}

#[test]
fn no_path_says_why_and_its_nearest_broken_hop_opens_the_form_that_is_refused() {
    let mut state = demo();
    paths_of_user(&mut state, "noah.kim", "QAReleaseVerifier");
    let text = hop_list(&state).raw.clone();
    assert!(text.contains("── no path within 5 hop(s) ──"), "{text}");
    assert!(text.contains("why: the trust policy of"), "{text}");
    assert!(text.contains("identity-based policy refuses"), "{text}");
    assert!(text.contains("── the nearest broken hop ──"), "{text}");
    assert!(
        text.contains("straight from the start: the first hop itself is broken"),
        "{text}"
    );
    assert_eq!(
        hop_list(&state).rows.len(),
        1,
        "the broken hop is selectable"
    );
    select_listed(&mut state, "noah.kim → QAReleaseVerifier");
    apply_all(&mut state, [Command::Simulate]);
    assert_eq!(field(&state, FormField::Role), "QAReleaseVerifier");
    assert!(field(&state, FormField::Caller).contains("noah.kim"));
    apply_all(&mut state, [Command::Run]);
    match outcome(&state) {
        FormOutcome::Refused(r) => assert!(
            r.checks
                .iter()
                .any(|c| c.what.contains("identity-based policy")
                    || c.category.to_string().contains("identity")),
            "{r:?}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn paths_from_a_session_chain_from_it_and_are_capped_at_one_hour() {
    let mut state = maria_in_ops_entry();
    apply_all(&mut state, [Command::PathTo]);
    pick_path_target(&mut state, "ProdOperations");
    let view = match &state.overlay {
        Some(Overlay::Path(v)) => v.clone(),
        other => panic!("{other:?}"),
    };
    assert!(
        view.pane.title.starts_with("Paths from session "),
        "{}",
        view.pane.title
    );
    assert!(
        view.pane
            .raw
            .contains("1. OpsEntry → ProdOperations · 1 hop(s) · max 1 h"),
        "{}",
        view.pane.raw
    );
    select_listed(&mut state, "OpsEntry → ProdOperations");
    apply_all(&mut state, [Command::Simulate]);
    assert!(field(&state, FormField::Caller).starts_with("session "));
}

#[test]
fn paths_are_worked_out_off_the_loop_and_only_the_newest_answer_fills_the_view() {
    let mut state = demo();
    apply_all(&mut state, [Command::SelectTab(1), Command::StartSearch]);
    apply_all(&mut state, typed("maria.garcia"));
    apply_all(&mut state, [Command::AcceptSearch, Command::PathTo]);
    apply_all(&mut state, typed("ProdOperations"));
    let older = graph_jobs(apply(&mut state, Command::Open));
    assert_eq!(older.len(), 1);
    assert!(
        hop_list(&state).json[0][0]
            .1
            .starts_with("working out how maria.garcia gets to ProdOperations"),
        "{:?}",
        hop_list(&state).json
    );
    // V in the path view asks for another role from the same start, replacing the view.
    apply_all(&mut state, [Command::PathTo]);
    apply_all(&mut state, typed("etl-stage-two"));
    let newer = graph_jobs(apply(&mut state, Command::Open));
    assert!(state.overlay_stack.is_empty(), "the old view was replaced");
    apply(
        &mut state,
        rolescope::tui::access::run_job(older[0].clone()),
    );
    assert!(
        hop_list(&state).json[0][0].1.starts_with("working out"),
        "the older answer is dropped"
    );
    apply(
        &mut state,
        rolescope::tui::access::run_job(newer[0].clone()),
    );
    let text = hop_list(&state).raw.clone();
    assert!(
        text.contains(
            "1. maria.garcia → OrganizationAccountAccessRole → etl-stage-one → etl-stage-two"
        ),
        "{text}"
    );
}

#[test]
fn a_path_needs_a_principal_and_a_picked_role() {
    let mut state = demo();
    apply_all(&mut state, [Command::SelectTab(2), Command::PathTo]);
    assert!(state.overlay.is_none());
    assert!(status_text(&state).contains("a path starts from a user"));
    // Esc in the picker closes it without asking anything.
    apply_all(&mut state, [Command::SelectTab(0), Command::PathTo]);
    assert!(matches!(state.overlay, Some(Overlay::Picker(_))));
    let fx = apply(&mut state, Command::Back);
    assert!(graph_jobs(fx).is_empty());
    assert!(state.overlay.is_none());
    // A query matching nothing chooses nothing.
    apply_all(&mut state, [Command::PathTo]);
    apply_all(&mut state, typed("zzzzzzzzqqq"));
    apply_all(&mut state, [Command::Open]);
    assert!(matches!(state.overlay, Some(Overlay::Picker(_))));
}

#[test]
fn external_access_lists_findings_like_access_analyzer_and_the_confused_deputies() {
    let mut state = demo();
    let jobs = graph_jobs(apply(&mut state, Command::External));
    assert_eq!(jobs.len(), 1);
    assert!(
        hop_list(&state).json[0][0]
            .1
            .starts_with("working out who outside")
    );
    apply(&mut state, rolescope::tui::access::run_job(jobs[0].clone()));
    let text = hop_list(&state).raw.clone();
    assert!(
        // skylight-cost-monitor's caller is account 777788889999, which is not loaded: whether
        // its principals may call AssumeRole is unknown.
        text.contains("── 12 finding(s): 11 active · 0 blocked · 1 unknown ──"),
        "{text}"
    );
    assert!(
        text.contains("skylight-cost-monitor (222222222222)")
            && text.contains("← account 777788889999"),
        "{text}"
    );
    assert!(text.contains("sts:AssumeRoleWithSAML [saml"), "{text}");
    // Identity Center roles are reached through the access portal, not refused.
    assert!(text.contains("[identity-center portal"), "{text}");
    assert!(!text.contains("refused by STS"), "{text}");
    assert!(
        text.contains("── confused deputy: 1 role(s) trust a service without aws:SourceAccount or aws:SourceArn ──"),
        "{text}"
    );
    assert!(
        text.contains("storefront-sms-sender (222222222222)"),
        "{text}"
    );
    assert!(
        text.contains("← service cognito-idp.amazonaws.com"),
        "{text}"
    );
    assert!(!text.contains("web-app-ec2"), "{text}");
    // One selectable line per finding and per deputy.
    assert_eq!(hop_list(&state).rows.len(), 12 + 1);
}

#[test]
fn an_external_finding_opens_its_role_and_prefills_the_outside_caller() {
    let mut state = demo();
    apply_all(&mut state, [Command::External]);
    select_listed(&mut state, "skylight-cost-monitor");
    apply_all(&mut state, [Command::Simulate]);
    assert_eq!(field(&state, FormField::Role), "skylight-cost-monitor");
    let caller = field(&state, FormField::Caller);
    assert!(caller.contains("777788889999"), "{caller}");
    apply_all(&mut state, [Command::Run]);
    // The trust lets the outside account in; its own half is not in the data.
    assert!(
        matches!(outcome(&state), FormOutcome::Refused(r) if only_outside_caller_unknown(&r)),
        "{:?}",
        outcome(&state)
    );
    apply_all(&mut state, [Command::Back]);
    assert!(matches!(state.overlay, Some(Overlay::External(_))));
    // A confused deputy's hop is its service calling; Enter opens the role.
    select_listed(&mut state, "storefront-sms-sender");
    apply_all(&mut state, [Command::Simulate]);
    assert_eq!(field(&state, FormField::Role), "storefront-sms-sender");
    assert!(field(&state, FormField::Caller).contains("cognito-idp.amazonaws.com"));
    apply_all(&mut state, [Command::Back, Command::Open]);
    assert!(state.overlay.is_none());
    let d = state.detail.as_ref().unwrap();
    assert!(d.arn.ends_with("/storefront-sms-sender"), "{}", d.arn);
}

#[test]
fn only_the_newest_external_access_answer_is_used() {
    let mut state = demo();
    let older = graph_jobs(apply(&mut state, Command::External));
    apply(&mut state, Command::Back);
    let newer = graph_jobs(apply(&mut state, Command::External));
    apply(
        &mut state,
        rolescope::tui::access::run_job(older[0].clone()),
    );
    assert!(hop_list(&state).json[0][0].1.starts_with("working out"));
    apply(
        &mut state,
        rolescope::tui::access::run_job(newer[0].clone()),
    );
    assert!(hop_list(&state).raw.contains("finding(s)"));
}

#[test]
fn a_narrower_window_wraps_the_findings_again_and_keeps_the_selection() {
    let mut state = demo();
    apply_all(&mut state, [Command::Resize(160, 48), Command::External]);
    select_listed(&mut state, "skylight-cost-monitor");
    let wide = hop_list(&state).json.len();
    apply_all(&mut state, [Command::Resize(90, 40)]);
    let p = hop_list(&state);
    assert!(
        p.json.len() > wide,
        "{} lines at 90 columns, {wide} at 160",
        p.json.len()
    );
    let selected: String = p.json[p.rows[p.cursor].0]
        .iter()
        .map(|(_, s)| s.as_str())
        .collect();
    assert!(selected.contains("skylight-cost-monitor"), "{selected}");
    // Wrapped lines fit the pop-up (90 - 4 margin - 2 borders).
    for line in p.json.iter().skip(1) {
        let text: String = line.iter().map(|(_, s)| s.as_str()).collect();
        if text.trim_start().starts_with("STS refuses") {
            assert!(text.chars().count() <= 84, "{text}");
        }
    }
}

#[test]
fn from_a_reach_tree_v_offers_the_selected_role_and_lists_every_path_to_it() {
    let mut state = demo();
    apply_all(&mut state, [Command::SelectTab(1), Command::StartSearch]);
    apply_all(&mut state, typed("maria.garcia"));
    apply_all(&mut state, [Command::AcceptSearch, Command::Reach]);
    select_reach_line(&mut state, "OpsEntry");
    apply_all(&mut state, [Command::PathTo, Command::Open]);
    let text = hop_list(&state).raw.clone();
    assert!(
        text.contains("1. maria.garcia → OpsEntry · 1 hop(s)"),
        "{text}"
    );
    assert!(
        text.contains("2. maria.garcia → BreakGlassAdmin → OpsEntry · 2 hop(s)"),
        "{text}"
    );
    // Esc goes back to the tree.
    apply_all(&mut state, [Command::Back]);
    assert!(matches!(state.overlay, Some(Overlay::Reach(_))));
}

#[test]
fn an_open_path_view_follows_a_what_if_edit() {
    let mut state = demo();
    paths_of_user(&mut state, "sam.patel", "ProdDatabaseAdmin");
    let before = hop_list(&state).raw.clone();
    assert!(
        before.contains("1. sam.patel → ProdDatabaseAdmin · 1 hop(s)"),
        "{before}"
    );
    // The hop's form is open over the paths when the trust policy is edited (as the
    // wizard's fixes do): the what-if view replaces the form, and the paths below it are
    // asked again.
    apply_all(&mut state, [Command::Simulate]);
    let arn = "arn:aws:iam::222222222222:role/ProdDatabaseAdmin";
    let kind = rolescope::engine::whatif::DocumentKind::Trust;
    let text = state.whatif.document_text(arn, &kind).unwrap();
    apply_all(
        &mut state,
        [Command::EditorDone {
            role: arn.into(),
            kind,
            result: Ok(text.replacen("Allow", "Deny", 1)),
        }],
    );
    assert!(whatif_view_open(&state));
    apply_all(&mut state, [Command::Back]);
    let after = hop_list(&state).raw.clone();
    assert!(after.contains("── no path within 5 hop(s) ──"), "{after}");
}

/// The demo with tests/fixtures/aws-config as the user's AWS config, maria's and priya's
/// keys mapped.
fn with_profiles() -> AppState {
    let mut state = demo();
    state.profiles_input = Some(rolescope::tui::profiles::ProfilesInput {
        path: concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/aws-config").into(),
        sources: [
            (
                "maria".to_owned(),
                "arn:aws:iam::111111111111:user/people/maria.garcia".to_owned(),
            ),
            (
                "priya".to_owned(),
                "arn:aws:iam::444455556666:user/consultants/priya.nair".to_owned(),
            ),
        ]
        .into_iter()
        .collect(),
    });
    state
}

fn select_profile(state: &mut AppState, name: &str) {
    let Some(Overlay::Profiles(v)) = &state.overlay else {
        panic!("the profiles list is not open")
    };
    let i = v
        .reports
        .as_ref()
        .unwrap()
        .iter()
        .position(|r| r.profile == name)
        .unwrap();
    apply_all(state, [Command::Top]);
    apply_all(state, (0..i).map(|_| Command::Down));
}

#[test]
fn the_profiles_list_starts_a_chain_hop_by_hop_from_a_profile() {
    let mut state = with_profiles();
    apply_all(&mut state, [Command::Profiles]);
    let Some(Overlay::Profiles(v)) = &state.overlay else {
        panic!("no profiles overlay: {:?}", state.status)
    };
    let prod_ops = v
        .reports
        .as_ref()
        .unwrap()
        .iter()
        .find(|r| r.profile == "prod-ops")
        .unwrap();
    assert_eq!(prod_ops.session_seconds, Some(3600));
    // Enter on prod-ops: its first hop, maria.garcia → OpsEntry with MFA, pre-filled.
    select_profile(&mut state, "prod-ops");
    apply(&mut state, Command::Open);
    let Some(Overlay::Simulate(form)) = &state.overlay else {
        panic!("no form: {:?}", state.status)
    };
    assert!(form.mfa, "the profile's mfa_serial checks MFA");
    assert_eq!(form.fields[0], "OpsEntry");
    assert!(
        form.caller_label.contains("maria.garcia"),
        "{}",
        form.caller_label
    );
    assert_eq!(form.fields[6], "maria.garcia", "role_session_name");
    apply(&mut state, Command::Run);
    assert!(matches!(outcome(&state), FormOutcome::Issued { .. }));
    apply_all(&mut state, [Command::Back]);
    // Again: now the next hop, from the live OpsEntry session, with its duration.
    apply_all(&mut state, [Command::Profiles]);
    select_profile(&mut state, "prod-ops");
    apply(&mut state, Command::Open);
    let Some(Overlay::Simulate(form)) = &state.overlay else {
        panic!("no form: {:?}", state.status)
    };
    assert_eq!(form.fields[0], "ProdOperations");
    assert_eq!(form.fields[2], "3600");
    assert!(
        form.caller_label.starts_with("session"),
        "{}",
        form.caller_label
    );
    apply(&mut state, Command::Run);
    let FormOutcome::Issued { session } = outcome(&state) else {
        panic!("refused: {:?}", outcome(&state))
    };
    let s = state.session(session).unwrap();
    assert_eq!(s.chain, vec!["maria.garcia", "OpsEntry", "ProdOperations"]);
    assert!(s.issued.chained);
}

#[test]
fn a_profile_that_cannot_start_says_why_and_a_missing_file_is_reported() {
    let mut state = with_profiles();
    apply_all(&mut state, [Command::Profiles]);
    select_profile(&mut state, "on-instance");
    apply(&mut state, Command::Open);
    assert!(matches!(state.overlay, Some(Overlay::Profiles(_))));
    let s = state.status.clone().unwrap();
    assert!(s.error && s.text.contains("[profiles.sources]"), "{s:?}");
    let mut state = demo();
    state.profiles_input = Some(rolescope::tui::profiles::ProfilesInput {
        path: "/nonexistent/aws/config".into(),
        sources: Default::default(),
    });
    apply_all(&mut state, [Command::Profiles]);
    let Some(Overlay::Profiles(v)) = &state.overlay else {
        panic!("no overlay")
    };
    assert!(
        v.reports
            .as_ref()
            .unwrap_err()
            .contains("cannot read the AWS config file")
    );
}

#[test]
fn the_configuration_sets_the_theme_presenter_theme_clock_speed_and_keys() {
    use rolescope::tui::theme::Palette;
    let (config, warnings) = rolescope::config::parse(
        "[explorer]\ntheme = \"light\"\nclock_speed = 60\n[presenter]\ntheme = \"dark\"\n[keys]\nquit = \"Q\"\nsort = \"a\"\n",
        "config.toml",
    )
    .unwrap();
    assert!(warnings.is_empty());
    let settings = rolescope::tui::Settings::from_config(&config, None);
    // `a` is simulate in the lists: reported, and sort keeps `s`.
    assert_eq!(settings.problems.len(), 1, "{:?}", settings.problems);
    let mut state = demo();
    settings.apply(&mut state);
    assert_eq!(state.clock.speed(), 60);
    assert_eq!(state.theme().palette, Palette::Light);
    apply(
        &mut state,
        Command::Lesson(rolescope::tui::teach::LessonCommand::TogglePresenter),
    );
    assert_eq!(state.theme().palette, Palette::Dark);
    let quit = rolescope::tui::event::commands(
        &state,
        &crossterm::event::Event::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('Q'),
        )),
    );
    assert!(matches!(quit.as_slice(), [Command::Leave]), "{quit:?}");
    // --theme wins over the file.
    let settings = rolescope::tui::Settings::from_config(&config, Some(Palette::HighContrast));
    assert_eq!(settings.palette, Palette::HighContrast);
}

#[test]
fn the_profiles_list_waits_for_its_check_off_the_loop_and_drops_a_stale_answer() {
    let mut state = with_profiles();
    let fx = apply(&mut state, Command::Profiles);
    let [Effect::Profiles(first)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let Some(Overlay::Profiles(v)) = &state.overlay else {
        panic!("no overlay")
    };
    assert!(v.pending && v.is_empty());
    // Closed and opened again: the first check's answer is stale.
    apply(&mut state, Command::Back);
    let fx = apply(&mut state, Command::Profiles);
    let [Effect::Profiles(second)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    apply(
        &mut state,
        rolescope::tui::profiles::run_job(*first.clone()),
    );
    let Some(Overlay::Profiles(v)) = &state.overlay else {
        panic!("no overlay")
    };
    assert!(v.pending, "a stale answer was taken");
    apply(
        &mut state,
        rolescope::tui::profiles::run_job(*second.clone()),
    );
    let Some(Overlay::Profiles(v)) = &state.overlay else {
        panic!("no overlay")
    };
    assert!(!v.pending && v.len() == 18);
}

/// The detail view's access lines are effective permissions: storefront-builder's own
/// boundary takes DynamoDB away, so the view says so instead of "may dynamodb:*" (IAM User
/// Guide, "Permissions boundaries for IAM entities": the boundary caps identity-based grants).
#[test]
fn the_detail_view_does_not_grant_what_the_boundary_takes_away() {
    let mut state = demo();
    select_role(&mut state, "storefront-builder");
    apply_all(&mut state, [Command::Open]);
    let d = state.detail.as_ref().expect("detail open");
    let access: Vec<String> = d
        .summary
        .iter()
        .filter(|l| l.label == "Access")
        .map(|l| l.text.clone())
        .collect();
    assert!(
        access
            .iter()
            .any(|t| t.starts_with("dynamodb: none") && t.contains("permissions boundary")),
        "{access:?}"
    );
    assert!(
        !d.summary.iter().any(|l| l.text.contains("may dynamodb")),
        "{access:?}"
    );
}

/// The first screen on the built-in demo says it is the demo, and how to open one's own data.
#[test]
fn the_first_screen_says_it_is_the_built_in_demo() {
    let mut state = demo();
    rolescope::tui::app::say_when_on_the_demo(&mut state);
    let said = state.world.status.as_ref().map(|s| s.text.clone());
    assert!(
        said.as_deref()
            .is_some_and(|t| t.starts_with("the built-in demo organisation")
                && t.contains("rolescope collect")),
        "{said:?}"
    );
}
