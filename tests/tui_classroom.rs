//! The classroom in the explorer, through `update::apply` and the drawn frame on the demo
//! organisation: the three questions of a predict step, a step's own multiple-choice
//! question, the teacher view, what stays out of sight before an answer, an exercise
//! worked on in the built-in what-if editor (checked on every save, over-broad fixes
//! refused with the extra access named, hints, reset, score), the recap, the lesson index's
//! metadata and progress, `q` asking first during a lesson, and the screen saved as text.

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
use rolescope::tui::screens::whatif::Stage;
use rolescope::tui::sim::EngineSimulator;
use rolescope::tui::state::{AppState, Overlay, Subject};
use rolescope::tui::teach::{After, LessonCommand, Prompt};
use rolescope::tui::update::apply;
use rolescope::tui::widgets::editor::TextBuffer;

fn in_lesson(name: &str) -> AppState {
    let inv = Arc::new(load_demo().unwrap());
    let sim = Arc::new(EngineSimulator::spawn(Arc::clone(&inv)).unwrap());
    let all = lesson::builtin().unwrap();
    let l = lesson::find(&all, name).unwrap().clone();
    let mut state = AppState::new(inv, sim, l.start);
    apply(&mut state, Command::Resize(160, 50));
    start(&mut state.world, l);
    state
}

fn teach(state: &mut AppState, c: LessonCommand) {
    apply(state, Command::Lesson(c));
}

fn screen(state: &AppState) -> String {
    rolescope::tui::screen_text::text(state)
}

/// Answers whatever the step on screen asks: right when `right`, wrong otherwise.
fn answer(s: &mut AppState, right: bool) {
    loop {
        let l = s.teach.lesson.as_ref().unwrap();
        let a = l.report.as_ref().and_then(|r| r.answer);
        let c = match l.prompt {
            Prompt::None => return,
            Prompt::Outcome => LessonCommand::PredictOutcome(a.unwrap().succeeds == right),
            Prompt::Duration => LessonCommand::PredictDuration(1),
            Prompt::Decider => {
                let d = a.unwrap().deciders.list()[0];
                let i = lesson::Decider::ALL.iter().position(|x| *x == d).unwrap();
                LessonCommand::PredictDecider(if right { i } else { (i + 1) % 14 })
            }
            Prompt::Choice => {
                let step = &l.player.lesson().steps[l.current().unwrap()];
                let want = step.answer.unwrap();
                LessonCommand::Choose(if right { want } else { want % 4 + 1 })
            }
        };
        teach(s, c);
    }
}

/// Plays steps until the lesson's steps are done, answering every question rightly.
fn play_steps(s: &mut AppState) {
    while !s.teach.lesson.as_ref().unwrap().player.is_finished() {
        teach(s, LessonCommand::Next);
        answer(s, true);
    }
}

fn role_index(s: &AppState, name: &str) -> usize {
    s.inventory
        .roles
        .iter()
        .position(|r| r.name == name)
        .unwrap()
}

#[test]
fn a_predict_step_asks_which_check_decides_it_and_scores_it_against_the_engine() {
    let mut s = in_lesson("cross-account-delegation");
    teach(&mut s, LessonCommand::Next);
    teach(&mut s, LessonCommand::Next);
    answer(&mut s, true);
    teach(&mut s, LessonCommand::Next);
    // Step 3: noah.kim and QAReleaseVerifier; the answer: it fails, on the caller's side.
    teach(&mut s, LessonCommand::PredictOutcome(false));
    assert_eq!(s.teach.lesson.as_ref().unwrap().prompt, Prompt::Decider);
    let text = screen(&s);
    assert!(text.contains("? Which check decides it?"), "{text}");
    assert!(text.contains("c the caller's own policy"), "{text}");
    assert!(
        !text.contains("trusted account's half is missing"),
        "{text}"
    );
    // `b`: the trust policy — wrong; the engine names the caller's own policy.
    teach(&mut s, LessonCommand::PredictDecider(1));
    let l = s.teach.lesson.as_ref().unwrap();
    assert_eq!(l.decider, Some((lesson::Decider::Trust, false)));
    let score = l.player.score();
    assert_eq!((score.points, score.out_of), (4, 5));
    let text = screen(&s);
    assert!(
        text.contains("it is the caller's own policy"),
        "the truth is shown: {text}"
    );
    // The explanation comes with the reveal.
    assert!(
        text.contains("the trusted account's half is missing"),
        "{text}"
    );
}

#[test]
fn before_the_answer_descriptions_warnings_and_kept_sessions_stay_out_of_sight() {
    let mut s = in_lesson("cross-account-delegation");
    teach(&mut s, LessonCommand::Next);
    teach(&mut s, LessonCommand::Next);
    assert!(s.teach.predicting());
    // The learner looks at the role while the question waits.
    let i = role_index(&s, "QAReleaseVerifier");
    rolescope::tui::update::open_detail(&mut s, Subject::Role(i));
    let about = |s: &AppState| {
        s.detail
            .as_ref()
            .unwrap()
            .summary
            .iter()
            .map(|l| format!("{}: {}", l.label, l.text))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let before = about(&s);
    assert!(!before.contains("Broken on purpose"), "{before}");
    assert!(before.contains("hidden until you answer"), "{before}");
    // The roles list shows no warning counts either.
    apply(&mut s, Command::Back);
    assert!(s.detail.is_none());
    assert!(!screen(&s).contains('⚠'), "{}", screen(&s));
    rolescope::tui::update::open_detail(&mut s, Subject::Role(i));
    answer(&mut s, true);
    let after = about(&s);
    assert!(after.contains("Broken on purpose"), "{after}");
}

#[test]
fn a_step_s_own_question_and_the_teacher_view() {
    let mut s = in_lesson("cross-account-delegation");
    let check = s
        .teach
        .lesson
        .as_ref()
        .unwrap()
        .player
        .lesson()
        .steps
        .iter()
        .position(|st| !st.choices.is_empty())
        .unwrap();
    for _ in 0..check {
        teach(&mut s, LessonCommand::Next);
        answer(&mut s, true);
    }
    teach(&mut s, LessonCommand::Next);
    assert_eq!(s.teach.lesson.as_ref().unwrap().prompt, Prompt::Choice);
    let text = screen(&s);
    assert!(
        text.contains("2 replace acme-management in the trust"),
        "{text}"
    );
    teach(&mut s, LessonCommand::Choose(1));
    let text = screen(&s);
    assert!(text.contains("not quite"), "{text}");
    // Teacher lines only in the teacher view.
    assert!(!text.contains("[teacher]"), "{text}");
    teach(&mut s, LessonCommand::ToggleTeacher);
    let text = screen(&s);
    assert!(
        text.contains("[teacher] The exercise `analytics-trust`"),
        "{text}"
    );
    assert!(text.contains("teacher view"), "{text}");
    let asked = s.teach.lesson.as_ref().unwrap().player.asked().to_vec();
    let last = asked.last().unwrap();
    assert!(!last.right);
    assert!(last.truth.starts_with("replace acme-management"));
}

#[test]
fn engine_agreement_lines_are_for_the_teacher_view() {
    let mut s = in_lesson("cross-account-delegation");
    teach(&mut s, LessonCommand::Next);
    assert!(!screen(&s).contains("engine agrees"), "{}", screen(&s));
    teach(&mut s, LessonCommand::ToggleTeacher);
    assert!(screen(&s).contains("engine agrees"), "{}", screen(&s));
}

/// The built-in editor open on the exercise's role's trust policy.
fn open_exercise_editor(s: &mut AppState) {
    teach(s, LessonCommand::EditExercise { external: false });
    assert!(
        matches!(&s.overlay, Some(Overlay::WhatIf(w)) if matches!(w.stage, Stage::Menu(_))),
        "{:?}",
        s.overlay
    );
    apply(s, Command::Open);
}

fn save_in_editor(s: &mut AppState, text: &str) {
    let Some(Overlay::WhatIf(w)) = &mut s.overlay else {
        panic!("no editor: {:?}", s.overlay)
    };
    let Stage::Editor(ed) = &mut w.stage else {
        panic!("no editor: {:?}", w.stage)
    };
    ed.buffer = TextBuffer::new(text);
    apply(s, Command::Save);
}

const OPEN_TO_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
const ACME_DEV: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"sts:AssumeRole"}]}"#;

#[test]
fn an_exercise_is_checked_on_every_save_refuses_an_over_broad_fix_and_moves_on_when_solved() {
    let mut s = in_lesson("cross-account-delegation");
    play_steps(&mut s);
    teach(&mut s, LessonCommand::Next);
    assert!(matches!(
        s.teach.lesson.as_ref().unwrap().after,
        After::Exercise(_)
    ));
    assert!(
        !s.whatif.is_edited(),
        "an exercise starts on the loaded data"
    );
    assert!(screen(&s).contains("exercise 1 of 2"), "{}", screen(&s));
    // Over-broad: everyone may assume it. Saved (IAM accepts it), checked, refused.
    open_exercise_editor(&mut s);
    save_in_editor(&mut s, OPEN_TO_ALL);
    assert!(s.whatif.is_edited());
    let status = s.status.clone().unwrap();
    assert!(status.error, "{status:?}");
    assert!(status.text.starts_with("not solved yet"), "{status:?}");
    let After::Exercise(x) = &s.teach.lesson.as_ref().unwrap().after else {
        panic!("still the exercise")
    };
    let report = x.attempt.last().unwrap();
    assert!(!report.solved);
    assert!(
        report
            .extra_gained
            .iter()
            .any(|p| p.ends_with("→ AnalyticsReadOnly")),
        "{report:?}"
    );
    apply(&mut s, Command::Back); // close the what-if view
    let text = screen(&s);
    assert!(
        text.contains("too broad:"),
        "the extra access is named: {text}"
    );
    // A hint, then a reset.
    teach(&mut s, LessonCommand::Hint);
    assert!(screen(&s).contains("hint 1:"), "{}", screen(&s));
    teach(&mut s, LessonCommand::ResetExercise);
    assert!(!s.whatif.is_edited());
    // The right fix: solved, scored (one hint seen: 2 of 3), and the lesson moves on.
    open_exercise_editor(&mut s);
    save_in_editor(&mut s, ACME_DEV);
    let l = s.teach.lesson.as_ref().unwrap();
    assert_eq!(l.exercises_done.len(), 1);
    assert!(l.exercises_done[0].solved);
    assert_eq!(l.exercises_done[0].score.points, 2);
    let After::Exercise(x) = &l.after else {
        panic!("on to the second exercise: {:?}", l.after)
    };
    assert_eq!(x.index, 1);
    assert!(s.overlay.is_none(), "the editor closed: {:?}", s.overlay);
    assert!(!s.whatif.is_edited(), "the next exercise starts afresh");
    assert!(
        screen(&s).contains("✓ exercise `analytics-trust` solved: 2 of 3 points"),
        "{}",
        screen(&s)
    );
    // Skipped: no points; then the recap.
    teach(&mut s, LessonCommand::Next);
    let l = s.teach.lesson.as_ref().unwrap();
    assert!(matches!(l.after, After::Recap));
    assert!(!l.exercises_done[1].solved);
}

#[test]
fn the_recap_sums_up_takeaways_answers_exercises_and_terms() {
    let mut s = in_lesson("cross-account-delegation");
    // One question answered wrongly, to see the truth beside it.
    teach(&mut s, LessonCommand::Next);
    teach(&mut s, LessonCommand::Next);
    answer(&mut s, false);
    play_steps(&mut s);
    teach(&mut s, LessonCommand::Next);
    teach(&mut s, LessonCommand::Next);
    teach(&mut s, LessonCommand::Next);
    assert!(matches!(
        s.teach.lesson.as_ref().unwrap().after,
        After::Recap
    ));
    let text = screen(&s);
    for want in [
        "Recap · Delegation across accounts",
        "Key takeaways",
        "Cross-account access needs both halves",
        "Your answers",
        "Which check decides it?",
        "truth:",
        "Exercises",
        "skipped, 0 of 3 points",
        "Terms to review",
        "Cross-account role",
    ] {
        assert!(text.contains(want), "`{want}` missing:\n{text}");
    }
    // The index remembers it.
    assert!(s.teach.finished.contains_key("cross-account-delegation"));
    // `[` goes back to the last exercise.
    teach(&mut s, LessonCommand::Back);
    assert!(matches!(
        s.teach.lesson.as_ref().unwrap().after,
        After::Exercise(_)
    ));
}

#[test]
fn the_lesson_index_shows_metadata_and_progress() {
    let mut s = in_lesson("cross-account-delegation");
    teach(&mut s, LessonCommand::Next);
    apply(&mut s, Command::LessonIndex);
    let text = screen(&s);
    assert!(
        text.contains("20 min · intermediate · after roles-vs-users"),
        "{text}"
    );
    assert!(text.contains("(playing: 1 of 13)"), "{text}");
}

#[test]
fn q_during_a_lesson_asks_before_quitting() {
    let mut s = in_lesson("roles-vs-users");
    teach(&mut s, LessonCommand::Next);
    apply(&mut s, Command::Leave);
    assert!(!s.quit);
    assert!(s.status.as_ref().unwrap().text.contains("q again quits"));
    // Any other key: staying.
    apply(&mut s, Command::Down);
    apply(&mut s, Command::Leave);
    assert!(!s.quit);
    apply(&mut s, Command::Leave);
    assert!(s.quit);
    // Ctrl-C (and a signal) quits at once, lesson or not.
    let mut s = in_lesson("roles-vs-users");
    teach(&mut s, LessonCommand::Next);
    apply(&mut s, Command::Quit);
    assert!(s.quit);
}

#[test]
fn the_screen_saves_as_text_without_overwriting() {
    let s = in_lesson("roles-vs-users");
    let text = screen(&s);
    assert!(text.contains("rolescope"), "{text}");
    assert!(text.contains("Lesson: "), "{text}");
    assert_eq!(text.lines().count(), 50);
    let dir = tempfile::tempdir().unwrap();
    let a = rolescope::tui::screen_text::save_in(dir.path(), "shot", "txt", &text).unwrap();
    let b = rolescope::tui::screen_text::save_in(dir.path(), "shot", "txt", "other").unwrap();
    assert_ne!(a, b);
    assert_eq!(std::fs::read_to_string(&a).unwrap(), text);
    assert!(b.ends_with("shot-2.txt"));
}

/// The keys: Ctrl-O saves the screen as text, Ctrl-G as an SVG picture of the same
/// screen, each a new file in the folder screens go to (never over an existing one); help
/// lists both keys.
#[test]
fn ctrl_o_saves_text_and_ctrl_g_an_svg_of_the_same_screen() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let mut s = in_lesson("roles-vs-users");
    let dir = tempfile::tempdir().unwrap();
    s.world.teach.screens_dir = Some(dir.path().to_owned());
    let before = screen(&s);
    let press = |s: &mut AppState, ch: char| {
        let key = Event::Key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::CONTROL));
        for c in rolescope::tui::event::commands(s, &key) {
            apply(s, c);
        }
    };
    press(&mut s, 'o');
    press(&mut s, 'g');
    press(&mut s, 'o');
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let stem = format!("rolescope-screen-{}", s.world.now.format("%Y%m%d-%H%M%S"));
    assert_eq!(
        names,
        [
            format!("{stem}-2.txt"),
            format!("{stem}.svg"),
            format!("{stem}.txt")
        ]
    );
    let text = std::fs::read_to_string(dir.path().join(format!("{stem}.txt"))).unwrap();
    assert_eq!(text, before);
    let svg = std::fs::read_to_string(dir.path().join(format!("{stem}.svg"))).unwrap();
    assert!(svg.starts_with("<svg "), "{svg}");
    assert!(
        svg.contains("Lesson: "),
        "the picture is of the lesson's screen"
    );
    let status = s.world.status.as_ref().unwrap();
    assert!(
        status.text.starts_with("screen saved as text: ") && !status.error,
        "{status:?}"
    );
    apply(&mut s, Command::ToggleHelp);
    let Some(Overlay::Help(help)) = &s.overlay else {
        panic!("? opens help");
    };
    let everywhere = help
        .sections
        .iter()
        .find(|x| x.title == "Everywhere")
        .unwrap();
    for key in ["Ctrl-O", "Ctrl-G"] {
        assert!(
            everywhere.bindings.iter().any(|b| b.label == key),
            "{key} missing from help: {:?}",
            everywhere
                .bindings
                .iter()
                .map(|b| b.label.as_ref())
                .collect::<Vec<_>>()
        );
    }
}

/// A folder that cannot be written: the status line says so, and nothing panics.
#[test]
fn saving_the_screen_into_a_missing_folder_says_why() {
    let mut s = in_lesson("roles-vs-users");
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");
    s.world.teach.screens_dir = Some(missing.clone());
    apply(&mut s, Command::SaveScreen { svg: true });
    let status = s.world.status.as_ref().unwrap();
    assert!(status.error, "{status:?}");
    assert!(status.text.contains("cannot save the screen"), "{status:?}");
    assert!(!missing.exists());
}

/// The what-if editor's save runs the policy validator: an error refuses the save as IAM
/// would (`MalformedPolicyDocument`, located by line:column, the cursor put there); a
/// warning lets it through and is said (IAM Access Analyzer's `ValidatePolicy` findings:
/// errors are what IAM refuses, warnings are saved).
#[test]
fn the_editor_s_save_refuses_validator_errors_and_reports_warnings() {
    let inv = Arc::new(load_demo().unwrap());
    let sim = Arc::new(EngineSimulator::spawn(Arc::clone(&inv)).unwrap());
    let mut s = AppState::new(inv, sim, lesson::builtin().unwrap()[0].start);
    apply(&mut s, Command::Resize(140, 40));
    let i = role_index(&s, "DataLakeReader");
    rolescope::tui::screen::open_edit_menu(&mut s, i, false).unwrap();
    apply(&mut s, Command::Open);
    let duplicate = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"A\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::333333333333:root\"}, \"Action\": \"sts:AssumeRole\"},\n    {\"Sid\": \"A\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::333333333333:root\"}, \"Action\": \"sts:AssumeRole\"}\n  ]\n}";
    save_in_editor(&mut s, duplicate);
    assert!(!s.whatif.is_edited(), "refused");
    let Some(Overlay::WhatIf(w)) = &s.overlay else {
        panic!("{:?}", s.overlay)
    };
    let Stage::Editor(ed) = &w.stage else {
        panic!("the editor stays open: {:?}", w.stage)
    };
    let error = ed.error.clone().unwrap();
    assert!(
        error.contains("MalformedPolicyDocument") && error.contains("Sid"),
        "{error}"
    );
    assert!(
        error.starts_with("5:") || error.starts_with("4:"),
        "located by line:column: {error}"
    );
    // No Version: saved (IAM accepts it) but said.
    let no_version = "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::333333333333:root\"}, \"Action\": \"sts:AssumeRole\"}\n  ]\n}";
    save_in_editor(&mut s, no_version);
    assert!(s.whatif.is_edited(), "saved");
    let status = s.status.clone().unwrap();
    assert!(
        status.text.contains("saved with") && status.text.contains("missing-version"),
        "{status:?}"
    );
}
