//! Teaching in the terminal face: the lesson being played (a narrative pane beside the live
//! screens, driven by the engine's lesson player), the predict-then-reveal prompt and its
//! score, presenter mode and the glossary overlay.
//!
//! Steps advance with `]`. Each step's screen part is carried out on the app state: the role
//! it names is selected and opened, the pane it names comes forward, the simulated clock
//! moves with the lesson's, and the sessions it keeps join the Sessions panel with their live
//! countdown. Between steps the learner may explore freely (`L` hides the narrative, `L`
//! brings it back at the same step). The lesson player owns the checks; this module only
//! shows them.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::engine::lesson::{Lesson, Pane, Prediction};
use crate::engine::lookup::find_role;
use crate::tui::command::Command;
use crate::tui::keymap::{self, Mode};
use crate::tui::sim::{Caller, Issued};
use crate::tui::state::{AppState, Focus, LogEntry, Session, Subject, Tab};
pub use crate::tui::teach::*;

/// The lesson index overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonIndex {
    pub selected: usize,
}

/// The lessons the index lists, loading the built-in ones on first use.
///
/// # Errors
/// Why the lessons could not be read.
pub fn catalog(state: &mut AppState) -> Result<Arc<Vec<Lesson>>, String> {
    if state.world.teach.catalog.is_none() {
        state.world.teach.catalog = Some(
            crate::engine::lesson::builtin()
                .map(Arc::new)
                .map_err(|e| e.to_string()),
        );
    }
    match &state.world.teach.catalog {
        Some(Ok(l)) => Ok(Arc::clone(l)),
        Some(Err(e)) => Err(e.clone()),
        None => Err("no lessons".to_owned()),
    }
}

/// Enter in the index: starts the selected lesson (replacing one being played).
pub fn start_selected(state: &mut AppState, selected: usize) {
    let lessons = match catalog(state) {
        Ok(l) => l,
        Err(e) => {
            state.world.status = Some(crate::tui::state::Status {
                text: e,
                error: true,
            });
            return;
        }
    };
    let Some(lesson) = lessons.get(selected).cloned() else {
        return;
    };
    let replaced = state
        .teach
        .lesson
        .as_ref()
        .map(|l| l.player.lesson().title.clone());
    let title = lesson.title.clone();
    state.overlay = None;
    start(state, lesson);
    log(
        state,
        match replaced {
            Some(old) => format!("lesson `{title}` started (`{old}` left)"),
            None => format!("lesson `{title}` started"),
        },
    );
    state.world.status = Some(crate::tui::state::Status {
        text: format!("lesson `{title}`: ] plays the first step, L hides the narrative"),
        error: false,
    });
}

/// The teaching command a key means, before the normal key tables; `None` lets the key
/// through. Text fields and overlays keep their keys.
#[must_use]
pub fn key(state: &AppState, key: &KeyEvent) -> Option<Command> {
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return None;
    }
    let mode = keymap::mode(state);
    let KeyCode::Char(ch) = key.code else {
        if state.world.teach.glossary.is_some() {
            return match key.code {
                KeyCode::Esc => Some(Command::Lesson(LessonCommand::ToggleGlossary)),
                KeyCode::Down => Some(Command::Lesson(LessonCommand::Scroll(1))),
                KeyCode::Up => Some(Command::Lesson(LessonCommand::Scroll(-1))),
                _ => None,
            };
        }
        return None;
    };
    if state.world.teach.glossary.is_some() {
        return match ch {
            't' | 'q' => Some(Command::Lesson(LessonCommand::ToggleGlossary)),
            'j' => Some(Command::Lesson(LessonCommand::Scroll(1))),
            'k' => Some(Command::Lesson(LessonCommand::Scroll(-1))),
            _ => None,
        };
    }
    // The what-if view a step opens leaves the lesson's keys working (it binds none of them).
    if !matches!(
        mode,
        Mode::List | Mode::Detail | Mode::Sessions | Mode::WhatIf
    ) {
        return None;
    }
    let cmd = |c| Some(Command::Lesson(c));
    match ch {
        't' => return cmd(LessonCommand::ToggleGlossary),
        'P' => return cmd(LessonCommand::TogglePresenter),
        _ => {}
    }
    let lesson = state.world.teach.lesson.as_ref()?;
    match (lesson.prompt, ch) {
        (Prompt::Outcome, 'y') => cmd(LessonCommand::PredictOutcome(true)),
        (Prompt::Outcome, 'n') => cmd(LessonCommand::PredictOutcome(false)),
        (Prompt::Duration, '1'..='6') => {
            cmd(LessonCommand::PredictDuration(usize::from(ch as u8 - b'1')))
        }
        (_, ']') => cmd(LessonCommand::Next),
        (_, 'r') => cmd(LessonCommand::Reveal),
        (_, 'R') => cmd(LessonCommand::RevealAll),
        (_, 'L') => cmd(LessonCommand::ToggleNarrative),
        (_, 'J') => cmd(LessonCommand::Scroll(1)),
        (_, 'K') => cmd(LessonCommand::Scroll(-1)),
        _ => None,
    }
}

/// The footer hints while a lesson runs.
#[must_use]
pub fn hints(state: &AppState) -> Vec<(&'static str, &'static str)> {
    let Some(l) = &state.world.teach.lesson else {
        return Vec::new();
    };
    match l.prompt {
        Prompt::Outcome => vec![("y", "it succeeds"), ("n", "it fails")],
        Prompt::Duration => vec![("1-6", "how long")],
        Prompt::None => vec![
            ("]", "next step"),
            ("r", "reveal"),
            ("L", "leave/return"),
            ("P", "presenter"),
            ("t", "glossary"),
        ],
    }
}

/// Starts `lesson` in the app: narrative pane shown, simulated clock paused at the lesson's
/// start (steps move it).
pub fn start(state: &mut AppState, lesson: Lesson) {
    if !state.world.clock.is_paused() {
        state.world.clock.toggle_pause(state.world.elapsed);
    }
    state.world.teach.lesson = Some(LessonView::new(lesson, Arc::clone(&state.world.inventory)));
    state.world.dirty = true;
}

fn log(state: &mut AppState, text: String) {
    state.world.log.push(LogEntry {
        at: state.world.now,
        text,
    });
}

/// Carries out a teaching command.
pub fn apply(state: &mut AppState, c: LessonCommand) {
    state.world.dirty = true;
    match c {
        LessonCommand::ToggleGlossary => {
            state.world.teach.glossary = match state.world.teach.glossary {
                Some(_) => None,
                None => Some(0),
            };
        }
        LessonCommand::TogglePresenter => {
            state.world.teach.presenter = !state.world.teach.presenter
        }
        LessonCommand::Scroll(d) => {
            if let Some(s) = &mut state.world.teach.glossary {
                *s = s.saturating_add_signed(isize::from(d));
            } else if let Some(l) = &mut state.world.teach.lesson {
                l.scroll = l.scroll.saturating_add_signed(isize::from(d));
            }
        }
        LessonCommand::ToggleNarrative => {
            if let Some(l) = &mut state.world.teach.lesson {
                l.hidden = !l.hidden;
            }
        }
        LessonCommand::Reveal | LessonCommand::RevealAll => {
            if let Some(l) = &mut state.world.teach.lesson
                && l.prompt == Prompt::None
                && let Some(r) = &l.report
            {
                l.revealed = if c == LessonCommand::RevealAll {
                    r.trace.len()
                } else {
                    (l.revealed + 1).min(r.trace.len())
                };
            }
        }
        LessonCommand::PredictOutcome(yes) => predict(state, yes, None),
        LessonCommand::PredictDuration(i) => {
            let secs = DURATION_CHOICES.get(i).map(|(s, _)| *s);
            predict(state, true, secs);
        }
        LessonCommand::Next => next(state),
    }
}

fn predict(state: &mut AppState, succeeds: bool, duration: Option<i64>) {
    let Some(l) = &mut state.world.teach.lesson else {
        return;
    };
    let asks_duration = l
        .report
        .as_ref()
        .and_then(|r| r.answer)
        .is_some_and(|a| a.asks_duration);
    if l.prompt == Prompt::Outcome && succeeds && duration.is_none() && asks_duration {
        l.prompt = Prompt::Duration;
        return;
    }
    let Some(report) = l.report.clone() else {
        return;
    };
    l.verdict = l.player.answer(
        &report,
        Prediction {
            succeeds,
            duration_seconds: duration,
        },
    );
    l.prompt = Prompt::None;
    l.revealed = 0;
}

fn next(state: &mut AppState) {
    let Some(l) = &mut state.world.teach.lesson else {
        return;
    };
    if l.prompt != Prompt::None {
        return;
    }
    if l.player.is_finished() {
        let s = l.player.score();
        let text = format!(
            "lesson finished: {} of {} points over {} question(s)",
            s.points, s.out_of, s.questions
        );
        log(state, text);
        return;
    }
    let step_index = l.player.position();
    let Some(step) = l.player.lesson().steps.get(step_index).cloned() else {
        return;
    };
    let edits_before = l.player.whatif().edits().to_vec();
    let Some(report) = l.player.step() else {
        return;
    };
    // A step's what-if edit (or undo, or applied fix) shows on the explorer's screens too.
    let edited =
        (l.player.whatif().edits() != edits_before.as_slice()).then(|| l.player.whatif().clone());
    l.prompt = if report.answer.is_some() {
        Prompt::Outcome
    } else {
        Prompt::None
    };
    l.revealed = if report.answer.is_some() {
        0
    } else {
        report.trace.len()
    };
    l.verdict = None;
    l.scroll = 0;
    l.hidden = false;
    let lesson_now = l.player.now();
    let kept = step
        .keep_session
        .as_ref()
        .and_then(|n| l.player.sessions().get(n).cloned().map(|s| (n.clone(), s)));
    let parent = step
        .as_session
        .as_ref()
        .and_then(|n| l.sessions.get(n).copied());
    l.report = Some(report);
    if matches!(state.overlay, Some(crate::tui::state::Overlay::WhatIf(_))) {
        state.overlay = None;
    }
    if let Some(w) = edited {
        state.world.whatif = w;
        crate::tui::whatif::refresh(state);
    }
    // The clock follows the lesson's.
    if lesson_now > state.world.now {
        state.world.clock.jump_to(lesson_now, state.world.elapsed);
        state.world.now = lesson_now;
    }
    if let Some(q) = &step.select_role
        && let Ok(r) = find_role(&state.world.inventory, q)
        && let Some(&i) = state.world.inventory.index.role_by_arn.get(&r.arn)
    {
        state.tab = Tab::Roles;
        state.focus = Focus::Main;
        crate::tui::update::open_detail(state, Subject::Role(i));
    }
    match step.open {
        Some(Pane::Roles) => {
            state.tab = Tab::Roles;
            state.detail = None;
            state.focus = Focus::Main;
        }
        Some(Pane::Users) => {
            state.tab = Tab::Users;
            state.detail = None;
            state.focus = Focus::Main;
        }
        Some(Pane::Sessions) => {
            state.sessions_collapsed = false;
            state.focus = Focus::Sessions;
        }
        Some(Pane::Glossary) => state.world.teach.glossary = Some(0),
        Some(Pane::Whatif) => crate::tui::whatif::open_view(state),
        _ => {}
    }
    if let Some((name, s)) = kept {
        let id = state.world.next_session;
        state.world.next_session += 1;
        let mut chain = parent
            .and_then(|p| state.world.sessions.iter().find(|x| x.id == p))
            .map(|p| p.chain.clone())
            .unwrap_or_else(|| {
                let caller = step
                    .simulate
                    .as_ref()
                    .and_then(|v| v.get("caller"))
                    .and_then(|c| c.as_str())
                    .map_or_else(
                        || "lesson".to_owned(),
                        |c| c.rsplit('/').next().unwrap_or(c).to_owned(),
                    );
                vec![caller]
            });
        chain.push(s.role_name.clone());
        let caller = match parent {
            Some(p) => Caller::Session { id: p },
            None => Caller::Role {
                arn: s.role_arn.clone(),
            },
        };
        log(
            state,
            format!(
                "lesson: session `{name}` {} until {}",
                s.assumed_role_arn,
                s.expiration.format("%H:%M:%S")
            ),
        );
        state.world.sessions.push(Session {
            id,
            chain,
            role_arn: s.role_arn.clone(),
            role_name: s.role_name.clone(),
            caller,
            issued: Issued {
                session_arn: s.assumed_role_arn.clone(),
                assumed_role_id: s.assumed_role_id.clone(),
                issued_at: s.issued_at,
                expires_at: s.expiration,
                chained: s.chained,
                mfa: s.mfa_authenticated,
                source_identity: s.source_identity.clone(),
                tags: s
                    .session_tags
                    .iter()
                    .map(|t| (t.key.clone(), t.value.clone()))
                    .collect(),
                principal_tags: s
                    .principal_tags
                    .iter()
                    .map(|t| (t.key.clone(), t.value.clone()))
                    .collect(),
                transitive_keys: s.transitive_tag_keys.clone(),
                context: Vec::new(),
                notes: s.notes.clone(),
                region: None,
                engine: Some(Arc::new(s)),
            },
            ended_at: None,
            expiry_logged: false,
        });
        state.session_selected = state.world.sessions.len() - 1;
        if let Some(l) = &mut state.world.teach.lesson {
            l.sessions.insert(name, id);
        }
    }
}
