//! Teaching state the whole app shares: the lesson being played (its player, the step on
//! screen, the prediction asked), presenter mode, the glossary, and the teaching commands.
//! Knows no screen; `lesson` plays it on the screens.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::engine::lesson::{Lesson, Player, StepReport, Verdict};

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
}

/// A lesson being played in the terminal.
#[derive(Debug, Clone)]
pub struct LessonView {
    pub player: Player,
    /// The report of the step on screen (`None` before the first step).
    pub report: Option<StepReport>,
    /// How many trace lines are revealed.
    pub revealed: usize,
    pub prompt: Prompt,
    pub verdict: Option<Verdict>,
    /// Hidden while the learner explores off the script.
    pub hidden: bool,
    pub scroll: usize,
    /// Kept lesson sessions → the app's session ids.
    pub sessions: BTreeMap<String, u32>,
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
    /// The lessons the index offers (a classroom pack's, or the built-in ones), loaded the
    /// first time the index opens unless the command line gave them; or why they could not
    /// be read.
    pub catalog: Option<Result<Arc<Vec<Lesson>>, String>>,
}

impl Teach {
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
