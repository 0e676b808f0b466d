//! Teaching state the whole app shares: the lesson being played (its player, the step on
//! screen, the prediction asked), presenter mode, the glossary, and the teaching commands.
//! Knows no screen; `lesson` plays it on the screens.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::engine::exercise::{Attempt, ExerciseScore};
use crate::engine::lesson::{Decider, Lesson, Player, StepReport, Verdict};

/// The durations a learner picks from when predicting a session's length (seconds).
pub const DURATION_CHOICES: [(i64, &str); 6] = [
    (900, "15 min"),
    (3600, "1 h"),
    (7200, "2 h"),
    (14400, "4 h"),
    (28800, "8 h"),
    (43200, "12 h"),
];

/// Where the predict-then-reveal question stands at the current step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// No question at this step, or it has been answered.
    None,
    /// "Will this succeed?" (`y` / `n`).
    Outcome,
    /// "For how long?" (`1`…`6`).
    Duration,
    /// "Which check decides it?" (`a`…`n`, one per [`Decider::ALL`]).
    Decider,
    /// The step's own multiple-choice question (`1`…`9`).
    Choice,
}

/// The exercise being worked on in the explorer: the learner's attempt (checked on every
/// save of the what-if editor), and where it sits in the lesson.
#[derive(Debug, Clone)]
pub struct ExerciseView {
    /// Its position among the lesson's exercises.
    pub index: usize,
    pub attempt: Attempt,
}

/// An exercise finished (solved, or skipped with `]`), for the recap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExerciseDone {
    pub name: String,
    pub title: String,
    pub solved: bool,
    pub score: ExerciseScore,
}

/// Where a lesson stands after its steps: working on an exercise, or at the recap.
#[derive(Debug, Clone, Default)]
pub enum After {
    /// Still playing steps.
    #[default]
    Steps,
    Exercise(Box<ExerciseView>),
    Recap,
}

/// A lesson being played in the terminal.
#[derive(Debug, Clone)]
pub struct LessonView {
    pub player: Player,
    /// The report of the step on screen (`None` before the first step).
    pub report: Option<StepReport>,
    /// How many trace lines are revealed (`usize::MAX`: all of them, in either layout).
    pub revealed: usize,
    pub prompt: Prompt,
    pub verdict: Option<Verdict>,
    /// Hidden while the learner explores off the script.
    pub hidden: bool,
    pub scroll: usize,
    /// Kept lesson sessions → the app's session ids.
    pub sessions: BTreeMap<String, u32>,
    /// The learner's answer to "which check decides it?" at this step, and whether it was
    /// right.
    pub decider: Option<(Decider, bool)>,
    /// The learner's answer to the step's own question (counted from 1), and whether it
    /// was right.
    pub choice: Option<(usize, bool)>,
    /// What a predict step does to the other screens (its edits, the session it keeps),
    /// held back until the answer is given so that nothing on screen gives it away.
    pub held: Option<StepScreen>,
    /// After the steps: the exercises, then the recap.
    pub after: After,
    /// The exercises finished so far.
    pub exercises_done: Vec<ExerciseDone>,
    /// The last exercise solved, for the line that says so.
    pub solved_banner: Option<String>,
    /// The lesson as it was before each `]`, for `[` (newest last).
    pub history: Vec<Box<LessonView>>,
}

impl LessonView {
    #[must_use]
    pub fn new(lesson: Lesson, inventory: Arc<crate::engine::model::Inventory>) -> Self {
        Self {
            player: Player::new(lesson, inventory),
            report: None,
            revealed: 0,
            prompt: Prompt::None,
            verdict: None,
            hidden: false,
            scroll: 0,
            sessions: BTreeMap::new(),
            decider: None,
            choice: None,
            held: None,
            after: After::Steps,
            exercises_done: Vec::new(),
            solved_banner: None,
            history: Vec::new(),
        }
    }

    /// True while a question waits for its answer: what would give the answer away (a
    /// role's description and warnings, the session a step keeps) stays out of sight.
    #[must_use]
    pub fn predicting(&self) -> bool {
        self.prompt != Prompt::None
    }

    /// The data the lesson shows now: the exercise's edits while one is worked on, the
    /// lesson's own otherwise.
    #[must_use]
    pub fn whatif(&self) -> &crate::engine::whatif::WhatIf {
        match &self.after {
            After::Exercise(x) => x.attempt.whatif(),
            _ => self.player.whatif(),
        }
    }

    /// How far the learner is: (done, total) over the steps and the exercises.
    #[must_use]
    pub fn progress(&self) -> (usize, usize) {
        let lesson = self.player.lesson();
        let total = lesson.steps.len() + lesson.exercises.len();
        let done = match &self.after {
            After::Steps => self.current().map_or(0, |i| i + 1),
            After::Exercise(x) => lesson.steps.len() + x.index + 1,
            After::Recap => total,
        };
        (done, total)
    }

    /// The trace of the step on screen, laid out in `style`.
    #[must_use]
    pub fn trace(
        &self,
        style: crate::engine::lesson::TraceStyle,
    ) -> &[crate::engine::lesson::TraceLine] {
        match (&self.report, style) {
            (None, _) => &[],
            (Some(r), crate::engine::lesson::TraceStyle::Full) => &r.trace,
            (Some(r), crate::engine::lesson::TraceStyle::Beginner) => &r.beginner,
        }
    }

    /// The step on screen (0-based), when one is.
    #[must_use]
    pub fn current(&self) -> Option<usize> {
        self.report.as_ref().map(|r| r.index)
    }
}

/// Teaching state of the app: the lesson, presenter mode, the glossary.
#[derive(Debug, Clone, Default)]
pub struct Teach {
    pub lesson: Option<LessonView>,
    pub presenter: bool,
    /// The glossary overlay's scroll, when it is open.
    pub glossary: Option<usize>,
    /// The teacher view: the lines meant for the teacher only (what to point at, the
    /// engine agreeing with the lesson) are shown.
    pub teacher: bool,
    /// Lessons finished in this run of the explorer: name → (points, out of).
    pub finished: BTreeMap<String, (u32, u32)>,
    /// `q` was pressed once during a lesson: a second `q` quits.
    pub confirm_quit: bool,
    /// The lessons the index offers (a classroom pack's, or the built-in ones), loaded the
    /// first time the index opens unless the command line gave them; or why they could not
    /// be read.
    pub catalog: Option<Result<Arc<Vec<Lesson>>, String>>,
    /// Where `Ctrl-O` and `Ctrl-G` save the screen (the working directory when unset).
    pub screens_dir: Option<std::path::PathBuf>,
    /// How a step's trace is laid out (`b`): for a beginner (the default) or in full.
    pub trace: crate::engine::lesson::TraceStyle,
    /// The beginner trace shows the ARN behind each short name (`N`).
    pub arns: bool,
}

impl Teach {
    /// True while a lesson's question waits for its answer.
    #[must_use]
    pub fn predicting(&self) -> bool {
        self.lesson.as_ref().is_some_and(LessonView::predicting)
    }

    /// True when the narrative pane takes part of the screen.
    #[must_use]
    pub fn narrative_shown(&self) -> bool {
        self.lesson.as_ref().is_some_and(|l| !l.hidden)
    }
}

/// What the teaching keys do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonCommand {
    /// `]`: play the next step.
    Next,
    /// `r`: reveal one more line of the trace; `R` all of it.
    Reveal,
    RevealAll,
    /// `y` / `n` at the prompt.
    PredictOutcome(bool),
    /// `1`…`6` at the prompt: a duration choice.
    PredictDuration(usize),
    /// `L`: leave the script (hide the narrative) or come back.
    ToggleNarrative,
    /// `P`: presenter mode.
    TogglePresenter,
    /// `t`: the glossary.
    ToggleGlossary,
    /// Movement inside the glossary or the narrative.
    Scroll(i8),
    /// `a`…`n` at the "which check decides it?" prompt.
    PredictDecider(usize),
    /// `1`…`9` at a step's own multiple-choice question.
    Choose(usize),
    /// `[`: back to the step before.
    Back,
    /// `{`: the lesson again from its start.
    Restart,
    /// `H`: the teacher view.
    ToggleTeacher,
    /// `b`: the trace for a beginner, or in full.
    ToggleTrace,
    /// `N`: the ARNs behind the beginner trace's short names.
    ToggleArns,
    /// `e` / `E` during an exercise: edit its role (built-in editor, or `$EDITOR`).
    EditExercise {
        external: bool,
    },
    /// `h` during an exercise: the next hint.
    Hint,
    /// `z` during an exercise: back to the data as loaded.
    ResetExercise,
}

/// What a lesson step asks of the screens beyond the lesson itself, carried out by the app
/// in this order: the step's what-if edits shown everywhere, the clock moved to the
/// lesson's, the role it names opened, the pane it names brought forward, the session it
/// keeps added to the Sessions panel.
#[derive(Debug, Clone)]
pub struct StepScreen {
    /// The lesson's what-if overlay, when the step changed its edits.
    pub edited: Option<crate::engine::whatif::WhatIf>,
    /// The lesson's clock after the step.
    pub now: chrono::DateTime<chrono::Utc>,
    /// The role to select and open, as the lesson names it.
    pub select_role: Option<String>,
    pub open: Option<crate::engine::lesson::Pane>,
    pub keep: Option<KeptSession>,
    /// Put the clock at `now` even when that is earlier (going back in the lesson).
    pub rewind: bool,
    /// Sessions to take off the Sessions panel (kept by the steps gone back over).
    pub drop_sessions: Vec<u32>,
    /// Open the edit menu of this role (the role's index), in `$EDITOR` when true.
    pub edit_role: Option<(usize, bool)>,
    /// Build the open detail view again (what it held back is now shown).
    pub refresh: bool,
}

impl StepScreen {
    /// A screen part that changes nothing but the clock.
    #[must_use]
    pub fn at(now: chrono::DateTime<chrono::Utc>) -> Self {
        Self {
            edited: None,
            now,
            select_role: None,
            open: None,
            keep: None,
            rewind: false,
            drop_sessions: Vec::new(),
            edit_role: None,
            refresh: false,
        }
    }
}

/// A session a lesson step keeps, to join the Sessions panel.
#[derive(Debug, Clone)]
pub struct KeptSession {
    /// The lesson's name for it.
    pub name: String,
    /// The app's session it was assumed from, when the step ran as one.
    pub parent: Option<u32>,
    /// Who called, for a chain that starts here.
    pub caller_name: String,
    pub session: crate::engine::sts::session::Session,
}
