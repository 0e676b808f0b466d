//! What a screen answers a command with. A screen changes its own state and may read (and,
//! for the few commands that act on the shared data, change) the [`World`](crate::tui::world::World);
//! anything beyond itself — closing, opening another screen, a job off the loop, the
//! clipboard — it asks the app for through its [`Outcome`], never by reaching into another
//! screen.

use crate::tui::command::Effect;

/// A screen's answer to one command.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Not this screen's command: the app handles it (quit, help, the clock, resizing…).
    Ignored,
    /// Handled; nothing more to do.
    Done,
    /// Close this screen, showing again the one it was opened from.
    Close,
    /// Handled; the app carries out these effects.
    Effects(Vec<Effect>),
    /// Open the Simulate form filled in for this hop (over this screen), with this
    /// duration when one is asked for.
    Simulate {
        hop: Box<crate::tui::access::Prefill>,
        duration: Option<i64>,
    },
    /// Open the explain view of this escalation hop (over this screen); `simulated` when
    /// `a` asked to simulate it (it is no AssumeRole: the view says so).
    Explain {
        hop: Box<crate::tui::escalation::EscalationHop>,
        simulated: bool,
    },
    /// Select this session (its index) in the Sessions panel: the form issued it.
    SelectSession(usize),
    /// Ask the troubleshooting wizard about this call, over the form that describes it.
    Diagnose {
        symptom: crate::engine::wizard::Symptom,
        label: String,
        request: Box<crate::engine::sts::request::Request>,
    },
    /// Close every pop-up and open this role's detail view.
    OpenRole(usize),
    /// Close every pop-up (what this screen said stays on the status line); the app
    /// carries out these effects.
    CloseAll(Vec<Effect>),
    /// Open the Simulate form to describe the failing call for the troubleshooting wizard,
    /// starting with this role and caller.
    DescribeCall {
        symptom: crate::engine::wizard::Symptom,
        role: Option<usize>,
        caller: Option<(crate::tui::sim::Caller, String)>,
    },
    /// The screen changed the what-if data: the app puts it everywhere the screens read it.
    DataChanged,
    /// Give the keyboard back to the main pane.
    FocusMain,
    /// Give the keyboard to the Sessions panel (when it shows).
    FocusSessions,
    /// A lesson step's screen part, for the app to carry out.
    LessonStep(Box<crate::tui::teach::StepScreen>),
    /// Open the detail view of this entry of the loaded data.
    OpenEntry(Entry),
    /// Close this screen, then carry out this command as if its key had been pressed (the
    /// command line's `:roles`, `:help`…).
    Then(Box<crate::tui::command::Command>),
}

/// One entry of the loaded data, by its number in its collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Role(usize),
    User(usize),
    Group(usize),
    Provider(usize),
}

/// Clamps `value + delta` into `0..len` (0 when `len` is 0): the cursor and scroll step of
/// every list and pane.
#[must_use]
pub fn clamp_add(value: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let v = isize::try_from(value).unwrap_or(0).saturating_add(delta);
    usize::try_from(v.max(0)).unwrap_or(0).min(len - 1)
}

/// How far a movement command moves, with `page` rows to a page; `None` for other commands.
#[must_use]
pub fn movement(command: &crate::tui::command::Command, page: usize) -> Option<isize> {
    use crate::tui::command::Command;
    let page = isize::try_from(page.max(1)).unwrap_or(1);
    Some(match command {
        Command::Up => -1,
        Command::Down => 1,
        Command::PageUp => -page,
        Command::PageDown => page,
        Command::Top => -isize::MAX / 2,
        Command::Bottom => isize::MAX / 2,
        _ => return None,
    })
}
