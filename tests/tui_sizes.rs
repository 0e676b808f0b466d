//! The explorer at its advertised minimum (50×14) and at 80×24: every screen the registry
//! knows shows what has the keyboard and reaches its content by scrolling; the Simulate
//! form reaches every field, `[ Simulate ]` and the result, and is titled by its call; the
//! detail view shows policy lines, wraps long ones (an EKS trust's `:sub` and `:aud` keys
//! stay apart), lists the role's lint findings and goes to the statement a finding is
//! about; and the small words are right (statement numbers, the clipboard, timestamps).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolescope::engine::load::{load_demo, load_str};
use rolescope::engine::model::Inventory;
use rolescope::tui::command::Command;
use rolescope::tui::keymap::{Mode, mode};
use rolescope::tui::screens::simulate::{FormField, new_form};
use rolescope::tui::sim::{Caller, EngineSimulator};
use rolescope::tui::state::{AppState, Overlay};
use rolescope::tui::update::{apply, apply_all};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn with(inv: Inventory, w: u16, h: u16, now: DateTime<Utc>) -> AppState {
    let inv = Arc::new(inv);
    let sim = Arc::new(EngineSimulator::spawn(Arc::clone(&inv)).unwrap());
    let mut state = AppState::new(inv, sim, now);
    apply(&mut state, Command::Resize(w, h));
    state
}

fn demo(w: u16, h: u16) -> AppState {
    with(load_demo().unwrap(), w, h, t0())
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

fn select(state: &mut AppState, tab: usize, query: &str) {
    let mut cmds = vec![
        Command::SelectTab(tab),
        Command::StartSearch,
        Command::ClearInput,
    ];
    cmds.extend(typed(query));
    cmds.push(Command::AcceptSearch);
    apply_all(state, cmds);
}

/// maria.garcia assumes OpsEntry; the form is closed.
fn with_session(state: &mut AppState) {
    select(state, 0, "OpsEntry");
    let mut cmds = vec![Command::Simulate, Command::Open];
    cmds.extend(typed("maria.garcia"));
    cmds.extend([Command::Open, Command::Run, Command::Back]);
    apply_all(state, cmds);
    assert_eq!(state.sessions.len(), 1, "{}", screen(state));
}

/// Gets a fresh state into `m`, with what it shows: the text of what has the keyboard (on
/// the first screen) and text the screen's content reaches by scrolling.
fn into(m: Mode, state: &mut AppState) -> (&'static str, &'static str) {
    let trust_edit = |state: &mut AppState| {
        select(state, 0, "ProdDatabaseAdmin");
        apply_all(
            state,
            [
                Command::Open,
                Command::Edit { external: false },
                Command::Open,
            ],
        );
    };
    match m {
        Mode::List => ("▶ ", "storefront"),
        Mode::Search => {
            apply_all(state, [Command::StartSearch]);
            ("/", "storefront")
        }
        Mode::Detail => {
            select(state, 0, "legacy-importer");
            apply_all(state, [Command::Open]);
            ("▶ Trust policy", "\"Effect\"")
        }
        Mode::Sessions => {
            with_session(state);
            apply_all(state, [Command::FocusNext]);
            ("▶ ", "OpsEntry")
        }
        Mode::Form => {
            select(state, 0, "OpsEntry");
            apply_all(state, [Command::Simulate]);
            ("▸ Caller", "[ Simulate ]")
        }
        Mode::Picker => {
            select(state, 0, "OpsEntry");
            apply_all(state, [Command::Simulate, Command::Open]);
            ("▶ ", "user")
        }
        Mode::Ask => {
            with_session(state);
            apply_all(state, [Command::FocusNext, Command::Ask]);
            ("What can this session do?", "Action")
        }
        Mode::Help => {
            apply_all(state, [Command::ToggleHelp]);
            ("Help", "quit")
        }
        Mode::Popup => {
            with_session(state);
            apply_all(state, [Command::FocusNext, Command::Inspect]);
            ("┌ Session", "Session tags")
        }
        Mode::Reach => {
            select(state, 1, "maria.garcia");
            apply_all(state, [Command::Reach]);
            ("▶ ", "OpsEntry")
        }
        Mode::Path => {
            select(state, 1, "maria.garcia");
            apply_all(state, [Command::PathTo]);
            apply_all(state, typed("ProdOperations"));
            apply_all(state, [Command::Open]);
            ("▶ ", "ProdOperations")
        }
        Mode::External => {
            apply_all(state, [Command::External]);
            ("▶ ", "deputy")
        }
        Mode::Explain => {
            // intern.build's first line is its escalation hop into lambda-admin-exec.
            select(state, 1, "intern.build");
            apply_all(state, [Command::Reach, Command::Explain]);
            ("Escalation hop", "To close it")
        }
        Mode::EditMenu => {
            select(state, 0, "ProdDatabaseAdmin");
            apply_all(state, [Command::Open, Command::Edit { external: false }]);
            ("▶ trust policy", "maximum session duration")
        }
        Mode::Editor => {
            trust_edit(state);
            ("\"Version\"", "\"Effect\"")
        }
        Mode::Prompt => {
            select(state, 0, "ProdDatabaseAdmin");
            apply_all(
                state,
                [
                    Command::Open,
                    Command::Edit { external: false },
                    Command::Bottom,
                    Command::Open,
                ],
            );
            ("Maximum session", "3600")
        }
        Mode::WhatIf => {
            trust_edit(state);
            apply_all(state, std::iter::repeat_n(Command::Down, 5));
            apply_all(
                state,
                [Command::EditKey(rolescope::tui::command::EditKey::End)],
            );
            apply_all(state, std::iter::repeat_n(Command::Backspace, 7));
            apply_all(state, typed("Deny\","));
            apply_all(state, [Command::Save]);
            ("edit the trust policy", "lost")
        }
        Mode::Wizard => {
            select(state, 0, "QAReleaseVerifier");
            apply_all(state, [Command::Troubleshoot]);
            ("▶ ", "caller and a role")
        }
        Mode::WizardReport => {
            select(state, 0, "QAReleaseVerifier");
            apply_all(state, [Command::Troubleshoot]);
            apply_all(state, std::iter::repeat_n(Command::Down, 7));
            apply_all(state, [Command::Open, Command::Open]);
            apply_all(state, typed("noah.kim"));
            apply_all(state, [Command::Open, Command::Run]);
            ("noah.kim", "sts:AssumeRole")
        }
        Mode::Lessons => {
            apply_all(state, [Command::LessonIndex]);
            ("▶ ", "lesson")
        }
        Mode::Profiles => {
            state.profiles_input = Some(rolescope::tui::profiles::ProfilesInput {
                path: "tests/fixtures/aws-config".into(),
                sources: [(
                    "maria".to_owned(),
                    "arn:aws:iam::111111111111:user/people/maria.garcia".to_owned(),
                )]
                .into_iter()
                .collect(),
            });
            apply_all(state, [Command::Profiles]);
            ("▶ ", "prod-repair-4h")
        }
        Mode::CommandLine => {
            apply_all(state, [Command::CommandLine]);
            (":", "Tab completes")
        }
    }
}

#[test]
fn every_screen_at_50x14_shows_its_focus_and_reaches_its_content() {
    for m in Mode::ALL {
        let mut state = demo(50, 14);
        let (focus, content) = into(m, &mut state);
        assert_eq!(mode(&state), m, "{m:?}:\n{}", screen(&state));
        let first = screen(&state);
        assert!(!first.contains("terminal too small"), "{m:?}:\n{first}");
        assert!(
            first.contains(focus),
            "{m:?}: `{focus}` not on the first screen:\n{first}"
        );
        // Step down: the content comes into view.
        let mut seen = first.clone();
        for _ in 0..80 {
            if seen.contains(content) {
                break;
            }
            apply_all(&mut state, [Command::Down]);
            seen.push_str(&screen(&state));
        }
        assert!(
            seen.contains(content),
            "{m:?}: `{content}` never shown while moving down:\n{seen}"
        );
    }
}

#[test]
fn the_form_at_50x14_reaches_every_field_the_button_and_the_whole_result() {
    let mut state = demo(50, 14);
    select(&mut state, 0, "OpsEntry");
    let mut cmds = vec![Command::Simulate, Command::Open];
    cmds.extend(typed("maria.garcia"));
    cmds.push(Command::Open);
    apply_all(&mut state, cmds);
    // Tab from field to field: each one has the marker on screen when it has the keyboard.
    for _ in 0..FormField::ALL.len() {
        let Some(Overlay::Simulate(form)) = &state.overlay else {
            panic!("no form")
        };
        let label = form.focused().label();
        let shown = screen(&state);
        assert!(
            shown.contains(&format!("▸ {label}")),
            "{label} has the keyboard but is not shown:\n{shown}"
        );
        apply_all(&mut state, [Command::FocusNext]);
    }
    // On to the button and run: the result shows, and paging reaches its end.
    while !matches!(&state.overlay, Some(Overlay::Simulate(f)) if f.focused() == FormField::Run) {
        apply_all(&mut state, [Command::FocusNext]);
    }
    apply_all(&mut state, [Command::Open]);
    let shown = screen(&state);
    assert!(shown.contains("ALLOWED"), "{shown}");
    assert!(shown.contains("▸ [ Simulate ]"), "{shown}");
    let mut seen = shown;
    for _ in 0..5 {
        apply_all(&mut state, [Command::PageDown]);
        seen.push_str(&screen(&state));
    }
    assert!(seen.contains("Esc closes"), "{seen}");
    // Back up to the first field: it shows again.
    apply_all(&mut state, [Command::FocusNext]);
    assert!(screen(&state).contains("▸ Role"), "{}", screen(&state));
}

#[test]
fn the_form_is_titled_by_its_call() {
    let state = demo(120, 40);
    let title = |caller: Caller| {
        let form = new_form(&state.world, Some(0), Some((caller, "x".into())));
        rolescope::tui::screens::simulate::draw::title(&form)
    };
    let saml = state
        .inventory
        .identity_providers
        .iter()
        .find(|p| p.arn.contains(":saml-provider/"))
        .unwrap()
        .arn
        .clone();
    let oidc = state
        .inventory
        .identity_providers
        .iter()
        .find(|p| p.arn.contains(":oidc-provider/"))
        .unwrap()
        .arn
        .clone();
    assert!(
        title(Caller::Federated {
            provider_arn: saml,
            saml: true
        })
        .contains("AssumeRoleWithSAML")
    );
    assert!(
        title(Caller::Federated {
            provider_arn: oidc,
            saml: false
        })
        .contains("AssumeRoleWithWebIdentity")
    );
    let user = title(Caller::User {
        arn: "arn:aws:iam::111111111111:user/people/maria.garcia".into(),
    });
    assert!(
        user.contains("AssumeRole") && !user.contains("With"),
        "{user}"
    );
}

#[test]
fn the_detail_view_at_80x24_shows_a_policy_line_of_every_role() {
    let inv = load_demo().unwrap();
    let names: Vec<String> = inv.roles.iter().map(|r| r.arn.clone()).collect();
    let mut state = with(inv, 80, 24, t0());
    for arn in names {
        select(&mut state, 0, &arn);
        apply_all(&mut state, [Command::Open]);
        let shown = screen(&state);
        assert!(
            shown.contains("\"Effect\"") || shown.contains("\"Principal\""),
            "{arn}: no policy line at 80×24:\n{shown}"
        );
        apply_all(&mut state, [Command::Back]);
    }
}

#[test]
fn an_eks_trusts_sub_and_aud_keys_are_told_apart_at_80_columns() {
    let mut state = demo(80, 24);
    select(&mut state, 0, "orders-api-irsa");
    apply_all(&mut state, [Command::Open]);
    let mut seen = String::new();
    for _ in 0..20 {
        seen.push_str(&screen(&state));
        apply_all(&mut state, [Command::Down]);
    }
    for key in ["E7F8:sub\"", "E7F8:aud\""] {
        assert!(seen.contains(key), "{key} never shown whole:\n{seen}");
    }
}

#[test]
fn a_statement_without_a_sid_reads_by_its_number() {
    let mut state = demo(100, 40);
    select(&mut state, 0, "BreakGlassAdmin");
    apply_all(&mut state, [Command::Open, Command::TogglePlain]);
    let shown = screen(&state);
    assert!(
        shown.contains("statement 1 (AdminsWithRecentMfa): Allow"),
        "{shown}"
    );
    assert!(shown.contains("statement 1: Allow *"), "{shown}");
    assert!(!shown.contains("—:") && !shown.contains("#0"), "{shown}");
}

#[test]
fn copying_says_the_text_was_sent_to_the_terminal_wherever_y_is_pressed() {
    let mut state = demo(120, 40);
    with_session(&mut state);
    let mut messages = Vec::new();
    // The list, the detail view, the Sessions panel.
    apply_all(&mut state, [Command::YankArn]);
    messages.push(state.status.clone().unwrap().text);
    apply_all(&mut state, [Command::Open, Command::YankArn]);
    messages.push(state.status.clone().unwrap().text);
    apply_all(
        &mut state,
        [Command::Back, Command::FocusNext, Command::YankArn],
    );
    messages.push(state.status.clone().unwrap().text);
    for m in &messages {
        assert!(m.starts_with("sent arn:aws:"), "{m}");
        assert!(
            m.contains("OSC 52") && m.contains("up to the terminal"),
            "{m}"
        );
        assert!(!m.contains("copied to"), "{m}");
    }
    // One wording: the messages differ only in what was sent.
    let tail = |m: &str| m.split_once(" to the terminal").unwrap().1.to_owned();
    assert!(messages.iter().all(|m| tail(m) == tail(&messages[0])));
}

#[test]
fn one_failing_check_is_counted_in_the_singular_and_wizard_times_have_no_fractions() {
    // A clock with nanoseconds, as a real start has.
    let now = DateTime::parse_from_rfc3339("2026-11-24T09:00:00.123456789Z")
        .unwrap()
        .with_timezone(&Utc);
    let mut state = with(load_demo().unwrap(), 140, 50, now);
    // sam.patel → ProdDatabaseAdmin fails one check (no MFA).
    select(&mut state, 0, "ProdDatabaseAdmin");
    let mut cmds = vec![Command::Simulate, Command::Open];
    cmds.extend(typed("sam.patel"));
    cmds.extend([Command::Open, Command::Run]);
    apply_all(&mut state, cmds);
    let log: Vec<&str> = state.log.iter().map(|l| l.text.as_str()).collect();
    let last = log.last().unwrap();
    assert!(last.contains("(1 failing check)"), "{log:?}");
    assert!(
        !log.iter().any(|l| l.contains("1 failing checks")),
        "{log:?}"
    );
    // The wizard on a call that works: its report gives the session's end to the second.
    apply_all(&mut state, [Command::Back]);
    select(&mut state, 0, "OpsEntry");
    apply_all(&mut state, [Command::Troubleshoot]);
    let session_too_short = 2;
    apply_all(
        &mut state,
        std::iter::repeat_n(Command::Down, session_too_short),
    );
    apply_all(&mut state, [Command::Open, Command::Open]);
    apply_all(&mut state, typed("maria.garcia"));
    apply_all(&mut state, [Command::Open, Command::Run]);
    let shown = screen(&state);
    assert!(shown.contains("until 2026-11-24 10:00:00 UTC"), "{shown}");
    assert!(!shown.contains(".123"), "{shown}");
    for words in ["May may", "may may"] {
        assert!(!shown.contains(words), "{shown}");
    }
}

#[test]
fn the_detail_lists_the_lint_findings_and_enter_marks_the_statement() {
    let mut state = demo(120, 40);
    select(&mut state, 0, "legacy-importer-malformed-policy");
    apply_all(&mut state, [Command::Open]);
    let d = state.detail.as_ref().unwrap();
    let findings = d
        .panes
        .iter()
        .position(|p| p.title.starts_with("Findings"))
        .expect("a findings pane");
    // The same findings, with their codes, as `rolescope lint` and `show` give.
    let role = state
        .inventory
        .roles
        .iter()
        .find(|r| r.name == "legacy-importer-malformed-policy")
        .unwrap();
    let lint = rolescope::engine::lint::lint_role(
        role,
        &state.inventory,
        rolescope::engine::catalogue::get(),
    );
    assert!(!lint.is_empty());
    let pane = &d.panes[findings];
    assert_eq!(pane.json.len(), lint.len());
    for (line, f) in pane.json.iter().zip(&lint) {
        let text: String = line.iter().map(|(_, s)| s.as_str()).collect();
        assert!(text.contains(f.finding.code), "{text}");
        assert!(
            text.contains("inline policy import-csv, statement 1"),
            "{text}"
        );
    }
    // Tab to the findings, down to the Condition finding, Enter.
    let condition = lint
        .iter()
        .position(|f| f.finding.path.ends_with(".Condition"))
        .unwrap();
    apply_all(
        &mut state,
        std::iter::repeat_n(Command::FocusNext, findings),
    );
    apply_all(&mut state, std::iter::repeat_n(Command::Down, condition));
    apply_all(&mut state, [Command::Open]);
    let d = state.detail.as_ref().unwrap();
    assert_eq!(d.focus, 1, "the permissions pane has the keyboard");
    let marked = d.panes[1].marked_lines(false).expect("a marked statement");
    let marked_text: Vec<String> = d.panes[1].json[marked]
        .iter()
        .map(|l| l.iter().map(|(_, s)| s.as_str()).collect())
        .collect();
    assert!(
        marked_text.first().unwrap().trim() == "{",
        "{marked_text:?}"
    );
    assert!(
        marked_text.iter().any(|l| l.contains("\"Condition\"")),
        "{marked_text:?}"
    );
    let line = d.panes[1].marked_line.expect("the finding's line");
    let at: String = d.panes[1].json[line]
        .iter()
        .map(|(_, s)| s.as_str())
        .collect();
    assert!(at.contains("\"Condition\""), "{at}");
    let shown = screen(&state);
    assert!(
        shown
            .lines()
            .any(|l| l.contains("▌") && l.contains("\"Condition\"")),
        "{shown}"
    );
}

/// One role, three statements; the second names an action no service has.
const THREE_STATEMENTS: &str = r#"{
  "RoleDetailList": [{
    "Path": "/", "RoleName": "reader", "RoleId": "AROAEXAMPLEREADER0001",
    "Arn": "arn:aws:iam::123456789012:role/reader", "CreateDate": "2026-01-01T00:00:00Z",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
    "RolePolicyList": [{"PolicyName": "read", "PolicyDocument": {"Version": "2012-10-17",
      "Statement": [
        {"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"},
        {"Sid": "Get", "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*"},
        {"Sid": "Put", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}
      ]}}],
    "AttachedManagedPolicies": [], "InstanceProfileList": [], "Tags": []
  }],
  "UserDetailList": [], "GroupDetailList": [], "Policies": []
}"#;

#[test]
fn enter_on_a_finding_marks_its_own_statement_not_its_neighbours() {
    let inv = load_str("three.json", THREE_STATEMENTS).unwrap();
    let mut state = with(inv, 120, 40, t0());
    select(&mut state, 0, "reader");
    apply_all(&mut state, [Command::Open]);
    let d = state.detail.as_ref().unwrap();
    let findings = d
        .panes
        .iter()
        .position(|p| p.title.starts_with("Findings"))
        .expect("a findings pane");
    let first: String = d.panes[findings].json[0]
        .iter()
        .map(|(_, s)| s.as_str())
        .collect();
    assert!(
        first.contains("unknown-action") && first.contains("statement 2"),
        "{first}"
    );
    apply_all(
        &mut state,
        std::iter::repeat_n(Command::FocusNext, findings),
    );
    apply_all(&mut state, [Command::Open]);
    for plain in [false, true] {
        let d = state.detail.as_ref().unwrap();
        let p = &d.panes[d.focus];
        let body = if plain { &p.plain } else { &p.json };
        let marked: String = body[p.marked_lines(plain).unwrap()]
            .iter()
            .flat_map(|l| l.iter().map(|(_, s)| s.as_str()))
            .collect();
        assert!(marked.contains("GetObjekt"), "{marked}");
        assert!(
            !marked.contains("ListBucket") && !marked.contains("PutObject"),
            "{marked}"
        );
        // The marked statement is in view in either reading.
        let shown = screen(&state);
        assert!(
            shown
                .lines()
                .any(|l| l.contains("▌") && l.contains("GetObjekt")),
            "{shown}"
        );
        apply_all(&mut state, [Command::TogglePlain]);
    }
}

#[test]
fn no_confused_deputy_warning_for_a_trust_inside_the_organisation() {
    let state = demo(140, 50);
    let org = |account: &str| {
        state
            .inventory
            .accounts
            .get(account)
            .and_then(|a| a.organization.as_ref())
            .map(|o| o.org_id.clone())
    };
    let mut warned = 0;
    for (i, role) in state.inventory.roles.iter().enumerate() {
        let d = rolescope::tui::screens::detail::build::build(
            &state.inventory,
            &state.role_facts,
            rolescope::tui::screens::detail::Subject::Role(i),
        )
        .unwrap();
        for w in d.summary.iter().filter(|l| l.label == "⚠ Warning") {
            if !w.text.contains("confused deputy") {
                continue;
            }
            warned += 1;
            let account = w
                .text
                .split("trusts account ")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .unwrap();
            assert!(
                org(account).is_none() || org(account) != org(&role.account),
                "{}: {}",
                role.name,
                w.text
            );
            let about = d
                .summary
                .iter()
                .find(|l| l.label == "About")
                .map_or("", |l| l.text.as_str());
            assert!(!about.contains("inside the organisation"), "{about}");
        }
    }
    // The demo's third party without an external ID is still warned about.
    assert!(warned >= 1);
}

#[test]
fn qa_release_verifiers_description_is_true_of_who_can_assume_it() {
    let mut state = demo(140, 50);
    select(&mut state, 0, "QAReleaseVerifier");
    apply_all(&mut state, [Command::Open]);
    let d = state.detail.as_ref().unwrap();
    let about = &d.summary.iter().find(|l| l.label == "About").unwrap().text;
    let who = &d.panes[2].raw;
    assert!(who.contains("can get in"), "{who}");
    // Those it says cannot are not listed; those it names are.
    assert!(
        about.contains("neither noah.kim nor the qa group"),
        "{about}"
    );
    assert!(!who.contains("noah.kim"), "{who}");
    for named in ["ops.admin", "developer"] {
        assert!(about.contains(named), "{about}");
        assert!(who.contains(named), "{named} not listed:\n{who}");
    }
    // Every acme-dev user who gets in directly is named.
    for line in who
        .lines()
        .filter(|l| l.starts_with("user ") && l.contains("directly"))
    {
        let name = line.split_whitespace().nth(1).unwrap();
        let user = state
            .inventory
            .users
            .iter()
            .find(|u| u.name == name)
            .unwrap();
        if user.account == "333333333333" {
            assert!(about.contains(name), "{name} gets in directly:\n{about}");
        }
    }
}

#[test]
fn at_50x14_the_line_a_finding_names_comes_into_view() {
    let mut state = demo(50, 14);
    select(&mut state, 0, "legacy-importer-malformed-policy");
    apply_all(&mut state, [Command::Open]);
    let d = state.detail.as_ref().unwrap();
    let findings = d
        .panes
        .iter()
        .position(|p| p.title.starts_with("Findings"))
        .unwrap();
    let condition = d.panes[findings]
        .json
        .iter()
        .position(|l| l.iter().any(|(_, s)| s.contains("`Condition`")))
        .unwrap();
    apply_all(
        &mut state,
        std::iter::repeat_n(Command::FocusNext, findings),
    );
    apply_all(&mut state, std::iter::repeat_n(Command::Down, condition));
    apply_all(&mut state, [Command::Open]);
    let shown = screen(&state);
    assert!(
        shown
            .lines()
            .any(|l| l.contains("▌") && l.contains("\"Condition\"")),
        "{shown}"
    );
}
