//! A lesson in the terminal face: teaching commands fed to `update::apply` on the demo
//! organisation, asserting that steps drive the screens (role selected, sessions joined
//! with their countdown, the clock moved), that predictions are asked before the trace is
//! revealed and scored, and that a learner can leave the script and come back.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::sync::Arc;

use rolescope::engine::lesson;
use rolescope::engine::load::load_demo;
use rolescope::tui::command::Command;
use rolescope::tui::screens::lessons::start;
use rolescope::tui::sim::EngineSimulator;
use rolescope::tui::state::{AppState, Subject};
use rolescope::tui::teach::{LessonCommand, Prompt};
use rolescope::tui::update::apply;

fn in_lesson(name: &str) -> AppState {
    let inv = Arc::new(load_demo().unwrap());
    let sim = Arc::new(EngineSimulator::spawn(Arc::clone(&inv)).unwrap());
    let all = lesson::builtin().unwrap();
    let l = lesson::find(&all, name).unwrap().clone();
    let mut state = AppState::new(inv, sim, l.start);
    apply(&mut state, Command::Resize(160, 45));
    start(&mut state.world, l);
    state
}

fn teach(state: &mut AppState, c: LessonCommand) {
    apply(state, Command::Lesson(c));
}

#[test]
fn role_chaining_lesson_drives_the_screens_and_scores_the_predictions() {
    let mut s = in_lesson("role-chaining");
    assert!(s.clock.is_paused(), "a lesson starts with the clock paused");
    teach(&mut s, LessonCommand::Next);
    // Step 1 selects ProdOperations and opens its detail.
    let d = s.detail.as_ref().expect("a detail view");
    let Subject::Role(i) = d.subject else {
        panic!("a role")
    };
    assert_eq!(s.inventory.roles[i].name, "ProdOperations");
    teach(&mut s, LessonCommand::Next);
    // Step 2 keeps session `a`: it joins the Sessions panel.
    assert_eq!(s.sessions.len(), 1);
    assert_eq!(s.sessions[0].chain, vec!["maria.garcia", "OpsEntry"]);
    // Step 3 asks first: nothing is revealed before the answer.
    teach(&mut s, LessonCommand::Next);
    let l = s.teach.lesson.as_ref().unwrap();
    assert_eq!(l.prompt, Prompt::Outcome);
    assert_eq!(l.revealed, 0);
    assert_eq!(
        s.now.format("%H:%M").to_string(),
        "09:10",
        "the clock follows the lesson"
    );
    // `]` does not skip an unanswered question.
    teach(&mut s, LessonCommand::Next);
    assert_eq!(s.teach.lesson.as_ref().unwrap().current(), Some(2));
    teach(&mut s, LessonCommand::PredictOutcome(false));
    let l = s.teach.lesson.as_ref().unwrap();
    assert_eq!(l.verdict.map(|v| (v.points, v.out_of)), Some((1, 1)));
    // Then "which check decides it?", before anything is revealed.
    assert_eq!(l.prompt, Prompt::Decider);
    teach(&mut s, LessonCommand::Reveal);
    assert_eq!(s.teach.lesson.as_ref().unwrap().revealed, 0);
    let d = right_decider(&s);
    teach(&mut s, LessonCommand::PredictDecider(d));
    assert_eq!(
        s.teach.lesson.as_ref().unwrap().decider.map(|d| d.1),
        Some(true)
    );
    teach(&mut s, LessonCommand::Reveal);
    assert_eq!(s.teach.lesson.as_ref().unwrap().revealed, 1);
    teach(&mut s, LessonCommand::RevealAll);
    // Leave the script, explore, come back at the same step.
    teach(&mut s, LessonCommand::ToggleNarrative);
    assert!(!s.teach.narrative_shown());
    apply(&mut s, Command::SelectTab(1));
    teach(&mut s, LessonCommand::ToggleNarrative);
    assert!(s.teach.narrative_shown());
    assert_eq!(s.teach.lesson.as_ref().unwrap().current(), Some(2));
    // Step 4 (hop B within the cap) chains from `a`; step 5 asks and predicts wrong.
    teach(&mut s, LessonCommand::Next);
    assert_eq!(s.sessions.len(), 2);
    assert_eq!(
        s.sessions[1].chain,
        vec!["maria.garcia", "OpsEntry", "ProdOperations"]
    );
    teach(&mut s, LessonCommand::Next);
    // Hop C keeps session `c`, but its length would give the answer away: it joins the
    // Sessions panel (and the event log) only once the answer is in.
    assert_eq!(s.sessions.len(), 2);
    assert!(!s.log.iter().any(|e| e.text.contains("session `c`")));
    teach(&mut s, LessonCommand::PredictOutcome(true));
    assert_eq!(s.teach.lesson.as_ref().unwrap().prompt, Prompt::Duration);
    teach(&mut s, LessonCommand::PredictDuration(3)); // 4 h: wrong, chained is 1 h
    assert_eq!(s.sessions.len(), 2);
    let d = right_decider(&s);
    teach(&mut s, LessonCommand::PredictDecider(d));
    assert_eq!(s.sessions.len(), 3);
    assert!(s.log.iter().any(|e| e.text.contains("session `c`")));
    let score = s.teach.lesson.as_ref().unwrap().player.score();
    assert_eq!((score.points, score.out_of), (4, 5));
    // `[` goes back before Hop C: its session leaves the panel, the score is as it was.
    teach(&mut s, LessonCommand::Back);
    assert_eq!(s.sessions.len(), 2);
    assert_eq!(s.teach.lesson.as_ref().unwrap().current(), Some(3));
    let score = s.teach.lesson.as_ref().unwrap().player.score();
    assert_eq!((score.points, score.out_of), (2, 2));
    // `{` starts again: no lesson session left, the clock back at the start.
    teach(&mut s, LessonCommand::Restart);
    assert!(s.sessions.is_empty());
    assert_eq!(s.now.format("%H:%M").to_string(), "09:00");
    assert_eq!(s.teach.lesson.as_ref().unwrap().current(), None);
}

/// The choice (a…n) the engine counts right at the step on screen.
fn right_decider(s: &AppState) -> usize {
    let l = s.teach.lesson.as_ref().unwrap();
    let d = l.report.as_ref().unwrap().answer.unwrap().deciders.list()[0];
    rolescope::engine::lesson::Decider::ALL
        .iter()
        .position(|x| *x == d)
        .unwrap()
}

#[test]
fn presenter_mode_hides_the_event_log_and_the_glossary_opens_anywhere() {
    let mut s = in_lesson("roles-vs-users");
    let before = rolescope::tui::ui::areas(&s);
    assert!(before.log.width > 0);
    teach(&mut s, LessonCommand::TogglePresenter);
    assert_eq!(rolescope::tui::ui::areas(&s).log.width, 0);
    teach(&mut s, LessonCommand::ToggleGlossary);
    assert_eq!(s.teach.glossary, Some(0));
    teach(&mut s, LessonCommand::Scroll(1));
    assert_eq!(s.teach.glossary, Some(1));
    teach(&mut s, LessonCommand::ToggleGlossary);
    assert_eq!(s.teach.glossary, None);
}

#[test]
fn the_narrative_pane_renders_at_every_size_without_panicking() {
    let mut s = in_lesson("kinds-of-role");
    for _ in 0..4 {
        teach(&mut s, LessonCommand::Next);
    }
    for (w, h) in [(20, 6), (50, 14), (80, 24), (200, 60)] {
        apply(&mut s, Command::Resize(w, h));
        for presenter in [false, true] {
            s.teach.presenter = presenter;
            let backend = ratatui::backend::TestBackend::new(w, h);
            let mut term = ratatui::Terminal::new(backend).unwrap();
            term.draw(|f| rolescope::tui::ui::render(f, &s)).unwrap();
        }
    }
}

/// The explorer's glossary is the engine's: the external ID is generated by the third party
/// and is no secret (IAM User Guide, "Access to AWS accounts owned by third parties").
#[test]
fn the_glossary_overlay_shows_the_engines_corrected_terms() {
    use ratatui::{Terminal, backend::TestBackend};
    let mut s = in_lesson("external-id-confused-deputy");
    apply(&mut s, Command::Resize(200, 120));
    teach(&mut s, LessonCommand::TogglePresenter);
    teach(&mut s, LessonCommand::ToggleGlossary);
    let mut t = Terminal::new(TestBackend::new(s.width, s.height)).unwrap();
    t.draw(|f| rolescope::tui::ui::render(f, &s)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut screen = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            screen.push_str(buf[(x, y)].symbol());
        }
        screen.push('\n');
    }
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("External ID"), "{screen}");
    assert!(flat.contains("It is not a secret"), "{screen}");
    assert!(!flat.contains("A value agreed between"), "{screen}");
    // Each term cites its AWS page as `rolescope lessons --glossary` prints it. The overlay
    // (90 columns, centred) wraps a long address, so read its inside as one text.
    let x0 = (buf.area.width - 90) / 2 + 1;
    let mut inside = String::new();
    for y in 0..buf.area.height {
        for x in x0..x0 + 88 {
            inside.push_str(buf[(x, y)].symbol());
        }
    }
    let bare = |t: &str| t.split_whitespace().collect::<String>();
    let inside = bare(&inside);
    let (title, url) = lesson::glossary::source("External ID").unwrap();
    let cited = bare(&format!("source: {title} <{url}>"));
    let at = inside
        .find(&cited)
        .unwrap_or_else(|| panic!("{cited} not in {screen}"));
    assert!(inside.find("ExternalID").unwrap() < at, "{screen}");
}

/// A lesson shows the beginner trace by default (the deciding check first, the
/// organisation on one line, no ARNs); `b` switches to the full trace (every SCP level,
/// ARNs in full) and back; `N` shows the ARN behind each short name.
#[test]
fn the_lesson_trace_is_for_beginners_until_b_and_arns_come_with_n() {
    use rolescope::engine::lesson::TraceStyle;
    let mut s = in_lesson("trust-permissions-boundary");
    // Tall enough for the whole step and its trace in the narrative pane.
    apply(&mut s, Command::Resize(200, 90));
    for _ in 0..3 {
        teach(&mut s, LessonCommand::Next);
    }
    // Step 3 asks; answer it, then reveal everything.
    teach(&mut s, LessonCommand::PredictOutcome(false));
    let d = right_decider(&s);
    teach(&mut s, LessonCommand::PredictDecider(d));
    teach(&mut s, LessonCommand::RevealAll);
    assert_eq!(s.teach.trace, TraceStyle::Beginner);
    let text = rolescope::tui::screen_text::text(&s);
    assert!(
        text.contains("✗ denied implicitly — decided by a permissions"),
        "{text}"
    );
    assert!(text.contains("b full trace"), "{text}");
    assert!(!text.contains("SCP FullAWSAccess at ou-"), "{text}");
    assert!(!text.contains("= arn:aws:sts::"), "{text}");
    teach(&mut s, LessonCommand::ToggleTrace);
    assert_eq!(s.teach.trace, TraceStyle::Full);
    let text = rolescope::tui::screen_text::text(&s);
    assert!(
        text.contains("SCP FullAWSAccess at ou-"),
        "the whole trace stays revealed: {text}"
    );
    teach(&mut s, LessonCommand::ToggleTrace);
    teach(&mut s, LessonCommand::ToggleArns);
    let text = rolescope::tui::screen_text::text(&s);
    assert!(
        text.contains("storefront-builder/storefront-builder ="),
        "{text}"
    );
    assert!(
        text.contains("arn:aws:sts::333333333333:assumed-role/storefront-builde"),
        "{text}"
    );
    assert!(text.contains("N hide the ARNs"), "{text}");
}
