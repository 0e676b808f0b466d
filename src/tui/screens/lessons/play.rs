//! The lesson being played: its teaching keys (read before the key tables), the
//! predict-then-reveal prompt and its score, presenter mode and the glossary, and the steps.
//!
//! Steps advance with `]`. Each step's screen part is asked of the app
//! ([`Outcome::LessonStep`]): the role it names is selected and opened, the pane it names
//! comes forward, the simulated clock moves with the lesson's, and the sessions it keeps
//! join the Sessions panel with their live countdown. Between steps the learner may explore
//! freely (`L` hides the narrative, `L` brings it back at the same step). The lesson player
//! owns the checks; this module only shows them.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::engine::lesson::{Decider, Lesson, Prediction};
use crate::tui::command::Command;
use crate::tui::outcome::Outcome;
use crate::tui::sim::Caller;
use crate::tui::teach::{
    After, DURATION_CHOICES, KeptSession, LessonCommand, LessonView, Prompt, StepScreen,
};

use super::exercise;
use crate::tui::world::{Session, World};

/// The teaching command a key means, before the normal key tables; `None` lets the key
/// through. Text fields and overlays keep their keys: `explorable` is true on the screens
/// the teaching keys work on (the lists, a role, the Sessions panel, the what-if view).
#[must_use]
pub fn key(world: &World, explorable: bool, key: &KeyEvent) -> Option<Command> {
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return None;
    }
    let KeyCode::Char(ch) = key.code else {
        if world.teach.glossary.is_some() {
            return match key.code {
                KeyCode::Esc => Some(Command::Lesson(LessonCommand::ToggleGlossary)),
                KeyCode::Down => Some(Command::Lesson(LessonCommand::Scroll(1))),
                KeyCode::Up => Some(Command::Lesson(LessonCommand::Scroll(-1))),
                _ => None,
            };
        }
        return None;
    };
    if world.teach.glossary.is_some() {
        return match ch {
            't' | 'q' => Some(Command::Lesson(LessonCommand::ToggleGlossary)),
            'j' => Some(Command::Lesson(LessonCommand::Scroll(1))),
            'k' => Some(Command::Lesson(LessonCommand::Scroll(-1))),
            _ => None,
        };
    }
    // The what-if view a step opens leaves the lesson's keys working (it binds none of them).
    if !explorable {
        return None;
    }
    let cmd = |c| Some(Command::Lesson(c));
    match ch {
        't' => return cmd(LessonCommand::ToggleGlossary),
        'P' => return cmd(LessonCommand::TogglePresenter),
        _ => {}
    }
    let lesson = world.teach.lesson.as_ref()?;
    let exercise = matches!(lesson.after, After::Exercise(_));
    match (lesson.prompt, ch) {
        (Prompt::Outcome, 'y') => cmd(LessonCommand::PredictOutcome(true)),
        (Prompt::Outcome, 'n') => cmd(LessonCommand::PredictOutcome(false)),
        (Prompt::Duration, '1'..='6') => {
            cmd(LessonCommand::PredictDuration(usize::from(ch as u8 - b'1')))
        }
        (Prompt::Decider, 'a'..='z') if usize::from(ch as u8 - b'a') < Decider::ALL.len() => {
            cmd(LessonCommand::PredictDecider(usize::from(ch as u8 - b'a')))
        }
        (Prompt::Choice, '1'..='9') => cmd(LessonCommand::Choose(usize::from(ch as u8 - b'0'))),
        (Prompt::None, 'e') if exercise => cmd(LessonCommand::EditExercise { external: false }),
        (Prompt::None, 'E') if exercise => cmd(LessonCommand::EditExercise { external: true }),
        (Prompt::None, 'h') if exercise => cmd(LessonCommand::Hint),
        (Prompt::None, 'z') if exercise => cmd(LessonCommand::ResetExercise),
        (_, ']') => cmd(LessonCommand::Next),
        (_, '[') => cmd(LessonCommand::Back),
        (_, '{') => cmd(LessonCommand::Restart),
        (_, 'H') => cmd(LessonCommand::ToggleTeacher),
        (_, 'b') => cmd(LessonCommand::ToggleTrace),
        (_, 'N') => cmd(LessonCommand::ToggleArns),
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
pub fn hints(world: &World) -> Vec<(&'static str, &'static str)> {
    let Some(l) = &world.teach.lesson else {
        return Vec::new();
    };
    match (l.prompt, &l.after) {
        (Prompt::Outcome, _) => vec![("y", "it succeeds"), ("n", "it fails")],
        (Prompt::Duration, _) => vec![("1-6", "how long")],
        (Prompt::Decider, _) => vec![("a-n", "which check decides it")],
        (Prompt::Choice, _) => vec![("1-9", "your answer")],
        (Prompt::None, After::Exercise(_)) => vec![
            ("e", "edit"),
            ("h", "hint"),
            ("z", "reset"),
            ("]", "skip"),
            ("[", "back"),
        ],
        (Prompt::None, After::Recap) => vec![("{", "play again"), ("[", "back"), ("I", "lessons")],
        (Prompt::None, After::Steps) => vec![
            ("]", "next step"),
            ("[", "back"),
            ("r", "reveal"),
            ("b", "beginner/full trace"),
            ("L", "leave/return"),
            ("t", "glossary"),
        ],
    }
}

/// Starts `lesson` in the app: narrative pane shown, simulated clock paused at the lesson's
/// start (steps move it).
pub fn start(world: &mut World, lesson: Lesson) {
    if !world.clock.is_paused() {
        world.clock.toggle_pause(world.elapsed);
    }
    world.teach.lesson = Some(LessonView::new(lesson, Arc::clone(&world.inventory)));
    world.dirty = true;
}

/// Carries out a teaching command; a step's screen part goes to the app.
pub fn play(world: &mut World, c: LessonCommand) -> Outcome {
    world.dirty = true;
    match c {
        LessonCommand::ToggleGlossary => {
            world.teach.glossary = match world.teach.glossary {
                Some(_) => None,
                None => Some(0),
            };
        }
        LessonCommand::TogglePresenter => world.teach.presenter = !world.teach.presenter,
        LessonCommand::Scroll(d) => {
            if let Some(s) = &mut world.teach.glossary {
                *s = s.saturating_add_signed(isize::from(d));
            } else if let Some(l) = &mut world.teach.lesson {
                l.scroll = l.scroll.saturating_add_signed(isize::from(d));
            }
        }
        LessonCommand::ToggleNarrative => {
            if let Some(l) = &mut world.teach.lesson {
                l.hidden = !l.hidden;
            }
        }
        LessonCommand::Reveal | LessonCommand::RevealAll => {
            let style = world.teach.trace;
            if let Some(l) = &mut world.teach.lesson
                && l.prompt == Prompt::None
            {
                let n = l.trace(style).len();
                l.revealed = if c == LessonCommand::RevealAll {
                    usize::MAX
                } else {
                    (l.revealed.min(n) + 1).min(n)
                };
            }
        }
        LessonCommand::ToggleTrace => {
            world.teach.trace = world.teach.trace.toggled();
            world.say(
                format!(
                    "trace: {} (b switches; N shows the ARNs behind the short names)",
                    world.teach.trace.label()
                ),
                false,
            );
        }
        LessonCommand::ToggleArns => {
            world.teach.arns = !world.teach.arns;
            let on = if world.teach.arns { "shown" } else { "hidden" };
            world.say(format!("ARNs in the beginner trace: {on} (N)"), false);
        }
        LessonCommand::PredictOutcome(yes) => return predict(world, yes, None),
        LessonCommand::PredictDuration(i) => {
            let secs = DURATION_CHOICES.get(i).map(|(s, _)| *s);
            return predict(world, true, secs);
        }
        LessonCommand::PredictDecider(i) => return decide(world, i),
        LessonCommand::Choose(n) => choose(world, n),
        LessonCommand::Back => return back(world),
        LessonCommand::Restart => return restart(world),
        LessonCommand::ToggleTeacher => {
            world.teach.teacher = !world.teach.teacher;
            let on = if world.teach.teacher { "on" } else { "off" };
            world.say(format!("teacher view {on} (H)"), false);
        }
        LessonCommand::EditExercise { external } => return exercise::edit(world, external),
        LessonCommand::Hint => exercise::hint(world),
        LessonCommand::ResetExercise => return exercise::reset(world),
        LessonCommand::Next => {
            return next(world).map_or(Outcome::Done, |s| Outcome::LessonStep(Box::new(s)));
        }
    }
    Outcome::Done
}

/// The answer is in: the prompt closes, the trace starts hidden, and what the step held
/// back (its edits, the session it keeps) goes to the screens, which show again what they
/// kept out of sight.
fn reveal(l: &mut LessonView) -> Outcome {
    l.prompt = Prompt::None;
    l.revealed = 0;
    let mut screen = l
        .held
        .take()
        .unwrap_or_else(|| StepScreen::at(l.player.now()));
    screen.refresh = true;
    Outcome::LessonStep(Box::new(screen))
}

/// `a`…`n`: the answer to "which check decides it?", scored against the engine's
/// deciding checks; then the reveal.
fn decide(world: &mut World, i: usize) -> Outcome {
    let Some(l) = &mut world.teach.lesson else {
        return Outcome::Done;
    };
    let (Prompt::Decider, Some(d), Some(report)) =
        (l.prompt, Decider::ALL.get(i).copied(), l.report.clone())
    else {
        return Outcome::Done;
    };
    l.decider = l.player.answer_check(&report, d).map(|right| (d, right));
    reveal(l)
}

/// `1`…`9`: the answer to the step's own question.
fn choose(world: &mut World, n: usize) {
    let Some(l) = &mut world.teach.lesson else {
        return;
    };
    let Some(step) = l.current() else {
        return;
    };
    if l.prompt != Prompt::Choice {
        return;
    }
    if let Some(right) = l.player.answer_choice(step, n) {
        l.choice = Some((n, right));
        l.prompt = Prompt::None;
        l.revealed = usize::MAX;
    }
}

/// `[`: the lesson as it was before the last `]` — the step, the score, the edits, the
/// clock and the kept sessions.
fn back(world: &mut World) -> Outcome {
    let Some(l) = &mut world.teach.lesson else {
        return Outcome::Done;
    };
    let Some(prev) = l.history.pop() else {
        world.say("at the start of the lesson: ] plays the first step", false);
        return Outcome::Done;
    };
    let mut prev = *prev;
    prev.history = std::mem::take(&mut l.history);
    let drop_sessions: Vec<u32> = l
        .sessions
        .values()
        .filter(|id| !prev.sessions.values().any(|p| p == *id))
        .copied()
        .collect();
    *l = prev;
    let mut screen = StepScreen::at(l.player.now());
    screen.edited = Some(l.whatif().clone());
    screen.rewind = true;
    screen.drop_sessions = drop_sessions;
    screen.refresh = true;
    Outcome::LessonStep(Box::new(screen))
}

/// `{`: the lesson from its start: clock, edits, sessions and score as they were.
fn restart(world: &mut World) -> Outcome {
    let Some(l) = &mut world.teach.lesson else {
        return Outcome::Done;
    };
    let drop_sessions: Vec<u32> = l.sessions.values().copied().collect();
    let lesson = l.player.lesson().clone();
    let base = Arc::clone(l.player.whatif().base());
    let title = lesson.title.clone();
    *l = LessonView::new(lesson, base);
    let mut screen = StepScreen::at(l.player.now());
    screen.edited = Some(l.whatif().clone());
    screen.rewind = true;
    screen.drop_sessions = drop_sessions;
    screen.refresh = true;
    world.note(format!("lesson `{title}` restarted"));
    world.say(
        format!("lesson `{title}` from the start: ] plays the first step"),
        false,
    );
    Outcome::LessonStep(Box::new(screen))
}

fn predict(world: &mut World, succeeds: bool, duration: Option<i64>) -> Outcome {
    let Some(l) = &mut world.teach.lesson else {
        return Outcome::Done;
    };
    if !matches!(l.prompt, Prompt::Outcome | Prompt::Duration) {
        return Outcome::Done;
    }
    let answer = l.report.as_ref().and_then(|r| r.answer);
    let asks_duration = answer.is_some_and(|a| a.asks_duration);
    if l.prompt == Prompt::Outcome && succeeds && duration.is_none() && asks_duration {
        l.prompt = Prompt::Duration;
        return Outcome::Done;
    }
    let Some(report) = l.report.clone() else {
        return Outcome::Done;
    };
    l.verdict = l.player.answer(
        &report,
        Prediction {
            succeeds,
            duration_seconds: duration,
        },
    );
    // An answer that depends on data not loaded has no deciding check to ask about.
    if answer.is_some_and(|a| a.unknown) {
        return reveal(l);
    }
    l.prompt = Prompt::Decider;
    Outcome::Done
}

/// Keeps the lesson as it is now for `[`.
fn remember(l: &mut LessonView) {
    let history = std::mem::take(&mut l.history);
    let now = l.clone();
    l.history = history;
    l.history.push(Box::new(now));
}

fn next(world: &mut World) -> Option<StepScreen> {
    let l = world.teach.lesson.as_mut()?;
    if l.prompt != Prompt::None {
        return None;
    }
    if l.player.is_finished() {
        if matches!(l.after, After::Recap) {
            world.say(
                "end of the lesson: { plays it again, I picks another",
                false,
            );
            return None;
        }
        remember(l);
        return exercise::advance(world);
    }
    remember(l);
    let step_index = l.player.position();
    let step = l.player.lesson().steps.get(step_index).cloned()?;
    let edits_before = l.player.whatif().edits().to_vec();
    let report = l.player.step()?;
    // A step's what-if edit (or undo, or applied fix) shows on the explorer's screens too.
    let edited =
        (l.player.whatif().edits() != edits_before.as_slice()).then(|| l.player.whatif().clone());
    l.prompt = if report.answer.is_some() {
        Prompt::Outcome
    } else if !step.choices.is_empty() && step.answer.is_some() {
        Prompt::Choice
    } else {
        Prompt::None
    };
    l.decider = None;
    l.choice = None;
    l.solved_banner = None;
    l.revealed = if l.prompt != Prompt::None {
        0
    } else {
        usize::MAX
    };
    l.verdict = None;
    l.scroll = 0;
    l.hidden = false;
    let now = l.player.now();
    let keep = step.keep_session.as_ref().and_then(|n| {
        let session = l.player.sessions().get(n).cloned()?;
        let caller_name = step
            .simulate
            .as_ref()
            .and_then(|v| v.get("caller"))
            .and_then(|c| c.as_str())
            .map_or_else(
                || "lesson".to_owned(),
                |c| c.rsplit('/').next().unwrap_or(c).to_owned(),
            );
        Some(KeptSession {
            name: n.clone(),
            parent: step
                .as_session
                .as_ref()
                .and_then(|p| l.sessions.get(p).copied()),
            caller_name,
            session,
        })
    });
    let predict = report.answer.is_some();
    l.report = Some(report);
    let mut screen = StepScreen::at(now);
    screen.select_role.clone_from(&step.select_role);
    screen.open = step.open;
    if predict {
        // Shown after the answer: a kept session's length, an edit's diff and the events
        // they log would give it away.
        let mut held = StepScreen::at(now);
        held.edited = edited;
        held.keep = keep;
        l.held = Some(held);
    } else {
        screen.edited = edited;
        screen.keep = keep;
    }
    Some(screen)
}

/// Adds a session a step kept to the Sessions panel (and the log); its index there.
pub fn keep_session(world: &mut World, kept: KeptSession) -> usize {
    let KeptSession {
        name,
        parent,
        caller_name,
        session: s,
    } = kept;
    let id = world.next_session;
    world.next_session += 1;
    let mut chain = parent
        .and_then(|p| world.sessions.iter().find(|x| x.id == p))
        .map_or_else(|| vec![caller_name], |p| p.chain.clone());
    chain.push(s.role_name.clone());
    let caller = match parent {
        Some(p) => Caller::Session { id: p },
        None => Caller::Role {
            arn: s.role_arn.clone(),
        },
    };
    world.note(format!(
        "lesson: session `{name}` {} until {}",
        s.assumed_role_arn,
        s.expiration.format("%H:%M:%S")
    ));
    world.sessions.push(Session {
        id,
        chain,
        role_arn: s.role_arn.clone(),
        role_name: s.role_name.clone(),
        caller,
        issued: crate::tui::sim::issued_from(s, Vec::new(), None),
        ended_at: None,
        expiry_logged: false,
    });
    if let Some(l) = &mut world.teach.lesson {
        l.sessions.insert(name, id);
    }
    world.sessions.len() - 1
}
