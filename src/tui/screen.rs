//! The registry: the one module (with its folder, `screen/`) that knows every screen.
//! Which screens can be open ([`Overlay`]), which key table is in force ([`Mode`],
//! [`mode`], [`screen_keys`]), how a command reaches the open screen ([`route`]), what the
//! app does with a screen's [`Outcome`] ([`settle`]), how each is drawn ([`draw_overlay`],
//! [`draw_main`]), and the openers the app calls (`open_*`, [`open`]). A screen in
//! `screens/` owns its state, its keys and its drawing, reads the shared
//! [`World`](crate::tui::world::World) and never names another screen
//! (`tests/tui_architecture.rs` checks it).
//!
//! A new screen touches at most five files:
//! 1. `screens/<name>.rs` (a `screens/<name>/` folder beside it once it grows): its state,
//!    `handle(&Command, &mut World) -> Outcome`, `draw` and `keys()`;
//! 2. `screens.rs`: its `pub mod` line;
//! 3. `screen.rs` (this file): its [`Overlay`] variant and [`Mode`] (with a title), and its
//!    arms in [`mode`], [`route`], [`draw_overlay`] and [`screen_keys`]; the command that
//!    opens it gets an arm in `open::command`;
//! 4. `command.rs`: that command, when a key opens it;
//! 5. `keys.rs` (or the key table of the screen it is opened from): the key.
//!
//! Nothing else changes: `update.rs` routes through here and carries out app-level
//! commands only, the footer and help are generated from the tables.

pub mod open;

pub use crate::tui::screens::popup::Message;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::command::{Command, Effect};
use crate::tui::outcome::{Entry, Outcome};
use crate::tui::screens::detail::{Detail, Subject};
use crate::tui::screens::whatif::{Stage as WhatIfStage, WhatIfScreen};
use crate::tui::screens::wizard::{Stage as WizardStage, WizardView};
use crate::tui::sim::Caller;
use crate::tui::state::{AppState, Focus};
use crate::tui::theme::Theme;
use crate::tui::ui;

/// An overlay on top of the main screen.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help(Box<crate::tui::screens::help::Help>),
    Simulate(Box<crate::tui::screens::simulate::SimForm>),
    Ask(crate::tui::screens::ask::AskForm),
    Inspect(crate::tui::screens::popup::Inspect),
    Message(crate::tui::screens::popup::Message),
    /// The reach tree of a principal or session.
    Reach(Box<crate::tui::screens::reach::ReachView>),
    /// What-if editing: which of a role's documents to change, the built-in editor, a
    /// one-line prompt (maximum session duration, bundle path), the edits and who gained or
    /// lost access.
    WhatIf(Box<WhatIfScreen>),
    /// The troubleshooting wizard.
    Wizard(Box<crate::tui::screens::wizard::WizardView>),
    /// The lesson index.
    Lessons(crate::tui::screens::lessons::LessonIndex),
    /// A picker of its own (the target role of a path).
    Picker(Box<crate::tui::state::PathPicker>),
    /// Every path from a principal or session to a role, or why there is none.
    Path(Box<crate::tui::screens::paths::PathView>),
    /// One escalation hop explained.
    Explain(Box<crate::tui::screens::explain::ExplainView>),
    /// The external-access findings and the confused deputies.
    External(Box<crate::tui::screens::external::ExternalView>),
    /// The user's AWS CLI profiles as checked chains.
    Profiles(Box<crate::tui::screens::profiles::ProfilesView>),
    /// The `:` command line.
    CommandLine(crate::tui::screens::command_line::CommandLine),
}

/// The input modes, each with its own table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    List,
    Search,
    Detail,
    Sessions,
    Form,
    Picker,
    Ask,
    Help,
    Popup,
    Reach,
    Path,
    External,
    EditMenu,
    Editor,
    Prompt,
    WhatIf,
    Wizard,
    WizardReport,
    Lessons,
    Profiles,
    Explain,
    CommandLine,
}

impl Mode {
    pub const ALL: [Self; 22] = [
        Self::List,
        Self::Search,
        Self::Detail,
        Self::Sessions,
        Self::Form,
        Self::Picker,
        Self::Ask,
        Self::Reach,
        Self::Path,
        Self::Explain,
        Self::External,
        Self::EditMenu,
        Self::Editor,
        Self::Prompt,
        Self::WhatIf,
        Self::Wizard,
        Self::WizardReport,
        Self::Lessons,
        Self::Profiles,
        Self::CommandLine,
        Self::Help,
        Self::Popup,
    ];

    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::List => "Lists",
            Self::Search => "Search box",
            Self::Detail => "Role detail",
            Self::Sessions => "Sessions panel",
            Self::Form => "Simulate form",
            Self::Picker => "Picker",
            Self::Ask => "What can it do?",
            Self::Help => "Help",
            Self::Popup => "Pop-ups",
            Self::Reach => "Reach tree",
            Self::Path => "Paths to a role",
            Self::External => "External access",
            Self::EditMenu => "What-if: which document",
            Self::Editor => "Built-in editor",
            Self::Prompt => "Prompt",
            Self::WhatIf => "What-if edits and access diff",
            Self::Wizard => "Troubleshooting wizard: symptoms",
            Self::WizardReport => "Troubleshooting wizard: report",
            Self::Lessons => "Lesson index",
            Self::Profiles => "Your AWS CLI profiles",
            Self::Explain => "Escalation hop explained",
            Self::CommandLine => "Command line",
        }
    }

    /// True when typed characters go into a text field.
    #[must_use]
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Self::Search
                | Self::Form
                | Self::Picker
                | Self::Ask
                | Self::Editor
                | Self::Prompt
                | Self::CommandLine
        )
    }
}

/// The mode the state is in.
#[must_use]
pub fn mode(state: &AppState) -> Mode {
    match &state.overlay {
        Some(Overlay::Help(_)) => Mode::Help,
        Some(Overlay::Simulate(f)) if f.picker.is_some() => Mode::Picker,
        Some(Overlay::Picker(_)) => Mode::Picker,
        Some(Overlay::Path(_)) => Mode::Path,
        Some(Overlay::Explain(_)) => Mode::Explain,
        Some(Overlay::External(_)) => Mode::External,
        Some(Overlay::Simulate(_)) => Mode::Form,
        Some(Overlay::Ask(_)) => Mode::Ask,
        Some(Overlay::Inspect(_) | Overlay::Message(_)) => Mode::Popup,
        Some(Overlay::Reach(_)) => Mode::Reach,
        Some(Overlay::WhatIf(w)) => match w.stage {
            WhatIfStage::Menu(_) => Mode::EditMenu,
            WhatIfStage::Editor(_) => Mode::Editor,
            WhatIfStage::Prompt(_) => Mode::Prompt,
            WhatIfStage::View { .. } => Mode::WhatIf,
        },
        Some(Overlay::Lessons(_)) => Mode::Lessons,
        Some(Overlay::Profiles(_)) => Mode::Profiles,
        Some(Overlay::CommandLine(_)) => Mode::CommandLine,
        Some(Overlay::Wizard(w)) => match w.stage {
            WizardStage::Symptoms { .. } => Mode::Wizard,
            WizardStage::Report(_) | WizardStage::Working { .. } => Mode::WizardReport,
        },
        None if state.list().editing && state.detail.is_none() && state.focus == Focus::Main => {
            Mode::Search
        }
        None if state.focus == Focus::Sessions => Mode::Sessions,
        None if state.detail.is_some() => Mode::Detail,
        None => Mode::List,
    }
}

/// Gives `command` to the open screen when it is one that handles its own commands;
/// `None` when the screen ignored it (the app handles it) or no such screen is open.
pub fn route(state: &mut AppState, command: &Command) -> Option<Vec<Effect>> {
    if state.overlay.is_none() {
        return route_main(state, command);
    }
    let outcome = match state.overlay.as_mut()? {
        Overlay::Help(h) => h.handle(command, &state.world),
        Overlay::Inspect(i) => i.handle(command),
        Overlay::Message(m) => m.handle(command),
        Overlay::Path(v) => v.handle(command, &mut state.world),
        Overlay::Explain(v) => v.handle(command, &state.world),
        Overlay::External(v) => v.handle(command, &mut state.world),
        Overlay::Reach(v) => v.handle(command, &mut state.world),
        Overlay::Profiles(v) => v.handle(command, &mut state.world),
        Overlay::Lessons(ix) => ix.handle(command, &mut state.world),
        Overlay::WhatIf(w) => w.handle(command, &mut state.world),
        Overlay::Wizard(w) => w.handle(command, &mut state.world),
        Overlay::Simulate(f) => f.handle(command, &mut state.world),
        Overlay::Ask(a) => a.handle(command, &mut state.world),
        Overlay::CommandLine(c) => c.handle(command, &mut state.world),
        Overlay::Picker(p) => {
            let page = crate::tui::widgets::pane::popup_rows(state.world.width, state.world.height);
            if p.edit(command, page) {
                Outcome::Done
            } else {
                match command {
                    Command::Open => match p.current().and_then(|c| c.role) {
                        Some(role) => {
                            let from = p.purpose.clone();
                            state.overlay = state.overlay_stack.pop();
                            state.world.status = None;
                            open::open_paths(state, from, role);
                            Outcome::Done
                        }
                        None => {
                            state
                                .world
                                .say("no role matches; ⌫ widens the search", true);
                            Outcome::Done
                        }
                    },
                    Command::Back => Outcome::Close,
                    _ => Outcome::Ignored,
                }
            }
        }
    };
    settle(state, outcome)
}

/// Gives `command` to the main screen that has the keyboard: the Sessions panel, or the
/// detail view.
fn route_main(state: &mut AppState, command: &Command) -> Option<Vec<Effect>> {
    if state.focus == Focus::Sessions {
        let area = ui::areas(state).sessions;
        let outcome = state.sessions_panel.handle(command, &mut state.world, area);
        return settle(state, outcome);
    }
    let main = ui::areas(state).main;
    let d = state.detail.as_mut()?;
    match d.handle(command, &mut state.world, main) {
        Outcome::Close => {
            match state.return_to.take() {
                Some((mut overlays, detail)) => {
                    state.detail = detail;
                    state.overlay = overlays.pop();
                    state.overlay_stack = overlays;
                }
                None => state.detail = None,
            }
            Some(Vec::new())
        }
        outcome => settle(state, outcome),
    }
}

/// Gives `command` to the list screen when it is the list's: the search worker's results
/// always; `/` and the tab keys from anywhere on the main screen (the detail view closes);
/// any other command while the list or its search box has the keyboard.
pub fn route_list(state: &mut AppState, mode: Mode, command: &Command) -> Option<Vec<Effect>> {
    match command {
        Command::SearchResults(_) => {}
        Command::StartSearch | Command::SelectTab(_) => {
            state.detail = None;
            state.focus = Focus::Main;
        }
        _ if matches!(mode, Mode::List | Mode::Search) => {}
        _ => return None,
    }
    let area = ui::areas(state).main;
    let outcome = state.entities.handle(command, &mut state.world, area);
    settle(state, outcome)
}

/// Keeps the list's cursor on screen (after a resize or a panel shown or hidden).
pub fn keep_list_visible(state: &mut AppState) {
    let area = ui::areas(state).main;
    state.entities.keep_visible(area);
}

/// Moves the list's cursor `delta` rows (the mouse wheel).
pub fn step_list(state: &mut AppState, delta: isize) {
    let area = ui::areas(state).main;
    state.entities.step(delta, area);
}

/// The number of rows the list shows.
#[must_use]
pub fn list_rows(state: &AppState) -> usize {
    usize::from(crate::tui::screens::list::rows_area(ui::areas(state).main).height)
}

/// A click at (`x`, `y`) on the list: selects the row, or opens the selected one.
pub fn click_list(state: &mut AppState, x: u16, y: u16) -> Option<Vec<Effect>> {
    let area = ui::areas(state).main;
    let outcome = state.entities.click(x, y, &mut state.world, area);
    settle(state, outcome)
}

/// Opens the detail view of `subject` (a role's asks who can assume it).
pub fn open_detail(world: &mut crate::tui::world::World, subject: Subject) -> Option<Detail> {
    crate::tui::screens::detail::open(world, subject)
}

/// Where the detail view's panes (then its summary, when it takes a turn with Tab) are drawn in `main`, by focus number.
#[must_use]
pub fn detail_pane_areas(main: Rect, d: &Detail) -> Vec<Rect> {
    crate::tui::screens::detail::focus_areas(main, d)
}

/// Draws the main screen in `main`: the detail view, or the lists.
pub fn draw_main(frame: &mut Frame<'_>, main: Rect, state: &AppState, theme: Theme) {
    match &state.detail {
        Some(d) => {
            let focused = state.focus == Focus::Main && state.overlay.is_none();
            crate::tui::screens::detail::render(frame, main, d, focused, theme);
        }
        None => {
            let focused = state.focus == Focus::Main && state.overlay.is_none();
            crate::tui::screens::list::render(
                frame,
                main,
                &state.entities,
                &state.world,
                focused,
                theme,
            );
        }
    }
}

/// Carries out a screen's outcome; `None` for [`Outcome::Ignored`].
pub fn settle(state: &mut AppState, outcome: Outcome) -> Option<Vec<Effect>> {
    match outcome {
        Outcome::Ignored => None,
        Outcome::Done => Some(Vec::new()),
        Outcome::Close => {
            state.overlay = state.overlay_stack.pop();
            // What the closed screen said no longer applies.
            state.world.status = None;
            Some(Vec::new())
        }
        Outcome::Effects(fx) => Some(fx),
        Outcome::Simulate { hop, duration } => {
            open_hop_form(state, &hop, duration);
            Some(Vec::new())
        }
        Outcome::Explain { hop, simulated } => {
            let view =
                crate::tui::screens::explain::ExplainView::new(&state.world, *hop, simulated);
            crate::tui::update::push_overlay(state, Overlay::Explain(Box::new(view)));
            Some(Vec::new())
        }
        Outcome::SelectSession(i) => {
            state.sessions_panel.selected = i;
            Some(Vec::new())
        }
        Outcome::Diagnose {
            symptom,
            label,
            request,
        } => {
            open_diagnosis(state, symptom, label, *request);
            Some(Vec::new())
        }
        Outcome::OpenRole(role) => {
            // Esc on the role goes back to the pop-ups it was opened from.
            let mut overlays = std::mem::take(&mut state.overlay_stack);
            overlays.extend(state.overlay.take());
            let detail = state.detail.take();
            state.focus = Focus::Main;
            crate::tui::update::open_detail(state, Subject::Role(role));
            state.return_to = Some((overlays, detail));
            Some(Vec::new())
        }
        Outcome::FocusMain => {
            state.focus = Focus::Main;
            Some(Vec::new())
        }
        Outcome::FocusSessions => {
            if !state.sessions_collapsed {
                state.focus = Focus::Sessions;
            }
            Some(Vec::new())
        }
        Outcome::CloseAll(fx) => {
            state.overlay = None;
            state.overlay_stack.clear();
            Some(fx)
        }
        Outcome::DescribeCall {
            symptom,
            role,
            caller,
        } => {
            let mut form = crate::tui::screens::simulate::new_form(&state.world, role, caller);
            form.wizard = Some(symptom);
            state.overlay = Some(Overlay::Simulate(Box::new(form)));
            Some(Vec::new())
        }
        Outcome::DataChanged => {
            data_changed(state);
            Some(Vec::new())
        }
        Outcome::LessonStep(step) => {
            lesson_step(state, *step);
            Some(Vec::new())
        }
        Outcome::OpenEntry(entry) => {
            let subject = match entry {
                Entry::Role(i) => Subject::Role(i),
                Entry::User(i) => Subject::User(i),
                Entry::Group(i) => Subject::Group(i),
                Entry::Provider(i) => Subject::Provider(i),
            };
            crate::tui::update::open_detail(state, subject);
            Some(Vec::new())
        }
        Outcome::Then(command) => {
            state.overlay = state.overlay_stack.pop();
            Some(crate::tui::update::apply(state, *command))
        }
    }
}

/// Carries out a lesson step's screen part: its what-if edits shown everywhere, the clock
/// moved to the lesson's, the role it names opened, the pane it names brought forward, the
/// session it keeps added to the Sessions panel.
fn lesson_step(state: &mut AppState, step: crate::tui::teach::StepScreen) {
    use crate::engine::lesson::Pane;
    use crate::tui::state::Tab;
    // A reveal alone leaves the what-if view open; a step closes it.
    let reveal_only = step.refresh && step.edited.is_none() && step.keep.is_none();
    if !reveal_only && matches!(state.overlay, Some(Overlay::WhatIf(_))) {
        state.overlay = None;
    }
    if !step.drop_sessions.is_empty() {
        state
            .world
            .sessions
            .retain(|s| !step.drop_sessions.contains(&s.id));
        state.sessions_panel.selected = state
            .sessions_panel
            .selected
            .min(state.world.sessions.len().saturating_sub(1));
    }
    // The clock follows the lesson's (back too, when the lesson goes back).
    if step.now > state.world.now || (step.rewind && step.now != state.world.now) {
        state.world.clock.set_to(step.now, state.world.elapsed);
        state.world.now = step.now;
    }
    if let Some(w) = step.edited {
        state.world.whatif = w;
        data_changed(state);
    } else if step.refresh
        && let Some(old) = state.detail.take()
    {
        state.detail = old.rebuilt(&mut state.world);
    }
    if let Some(q) = &step.select_role
        && let Ok(r) = crate::engine::lookup::find_role(&state.world.inventory, q)
        && let Some(&i) = state.world.inventory.index.role_by_arn.get(&r.arn)
    {
        state.entities.select_tab(Tab::Roles);
        state.focus = Focus::Main;
        crate::tui::update::open_detail(state, Subject::Role(i));
    }
    match step.open {
        Some(Pane::Roles) => {
            state.entities.select_tab(Tab::Roles);
            state.detail = None;
            state.focus = Focus::Main;
        }
        Some(Pane::Users) => {
            state.entities.select_tab(Tab::Users);
            state.detail = None;
            state.focus = Focus::Main;
        }
        Some(Pane::Sessions) => {
            state.sessions_collapsed = false;
            state.focus = Focus::Sessions;
        }
        Some(Pane::Glossary) => state.world.teach.glossary = Some(0),
        Some(Pane::Whatif) => open_whatif_view(state),
        _ => {}
    }
    if let Some(kept) = step.keep {
        state.sessions_panel.selected =
            crate::tui::screens::lessons::keep_session(&mut state.world, kept);
    }
    if let Some((role, external)) = step.edit_role
        && let Err(e) = open_edit_menu(state, role, external)
    {
        state.world.say(e, true);
    }
}

/// True on the screens the teaching keys work on.
fn teaching_keys_work(mode: Mode) -> bool {
    matches!(
        mode,
        Mode::List | Mode::Detail | Mode::Sessions | Mode::WhatIf
    )
}

/// The teaching command a key means on the screen open now, read before the key tables.
#[must_use]
pub fn lesson_key(
    state: &AppState,
    key: &crossterm::event::KeyEvent,
) -> Option<crate::tui::command::Command> {
    crate::tui::screens::lessons::key(&state.world, teaching_keys_work(mode(state)), key)
}

/// `q`: true when the app may quit now (a lesson being played asks for a second `q`).
pub fn quit_confirmed(state: &mut AppState) -> bool {
    crate::tui::screens::lessons::quit_confirmed(&mut state.world)
}

/// The footer hints of the lesson being played.
#[must_use]
pub fn lesson_hints(state: &AppState) -> Vec<(&'static str, &'static str)> {
    // Text fields and pop-ups keep their keys: no lesson hint there.
    if !teaching_keys_work(mode(state)) {
        return Vec::new();
    }
    crate::tui::screens::lessons::hints(&state.world)
}

/// Draws the narrative pane of the lesson being played.
pub fn draw_narrative(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    crate::tui::screens::lessons::narrative::render(frame, area, &state.world, theme);
}

/// The teaching keys, which work on the lists, a role, the Sessions panel and the what-if
/// view (the lesson keys while a lesson plays), each with every key it covers.
fn teaching_keys() -> Vec<crate::tui::keys::Binding> {
    use crate::tui::keys::{b, c};
    use crate::tui::teach::LessonCommand as L;
    let key = |keys: &str, label: &'static str, help: &'static str, command: L| {
        b(
            keys.chars().map(c).collect(),
            label,
            help,
            false,
            Command::Lesson(command),
        )
    };
    vec![
        key("t", "t", "glossary of IAM terms", L::ToggleGlossary),
        key(
            "P",
            "P",
            "presenter mode (large, high contrast)",
            L::TogglePresenter,
        ),
        key("]", "]", "lesson: play the next step", L::Next),
        key(
            "r",
            "r",
            "lesson: reveal one more line of the trace",
            L::Reveal,
        ),
        key("R", "R", "lesson: reveal the whole trace", L::RevealAll),
        key(
            "b",
            "b",
            "lesson: the trace for a beginner (deciding check first, short names) or in full",
            L::ToggleTrace,
        ),
        key(
            "N",
            "N",
            "lesson: the ARNs behind the beginner trace's short names",
            L::ToggleArns,
        ),
        key(
            "L",
            "L",
            "lesson: hide the narrative to explore, or come back",
            L::ToggleNarrative,
        ),
        key("JK", "J/K", "lesson: scroll the narrative", L::Scroll(1)),
        key(
            "yn",
            "y/n",
            "lesson: predict that the call succeeds / fails",
            L::PredictOutcome(true),
        ),
        key(
            "123456",
            "1–6",
            "lesson: predict how long the session lasts",
            L::PredictDuration(0),
        ),
        key(
            "abcdefghijklmn",
            "a–n",
            "lesson: which check decides it? (after the prediction)",
            L::PredictDecider(0),
        ),
        key(
            "123456789",
            "1–9",
            "lesson: answer the step's own question",
            L::Choose(1),
        ),
        key("[", "[", "lesson: back to the step before", L::Back),
        key(
            "{",
            "{",
            "lesson: start it again from the first step",
            L::Restart,
        ),
        key(
            "H",
            "H",
            "lesson: teacher view (teacher notes, the engine's checks)",
            L::ToggleTeacher,
        ),
        key(
            "eE",
            "e/E",
            "exercise: edit its role (built-in editor / $EDITOR); each save is checked",
            L::EditExercise { external: false },
        ),
        key(
            "h",
            "h",
            "exercise: the next hint (each costs a point)",
            L::Hint,
        ),
        key(
            "z",
            "z",
            "exercise: reset the data to as loaded",
            L::ResetExercise,
        ),
    ]
}

/// True when `a` is the command `b` stands for in a key table (a lesson key's table entry
/// stands for every answer of its kind: `1–6` for each duration).
#[must_use]
pub fn same_command(a: &Command, b: &Command) -> bool {
    use crate::tui::teach::LessonCommand as L;
    match (a, b) {
        (Command::Lesson(x), Command::Lesson(y)) => match (x, y) {
            (L::EditExercise { .. }, L::EditExercise { .. })
            | (L::Scroll(_), L::Scroll(_))
            | (L::PredictOutcome(_), L::PredictOutcome(_))
            | (L::PredictDuration(_), L::PredictDuration(_))
            | (L::PredictDecider(_), L::PredictDecider(_))
            | (L::Choose(_), L::Choose(_)) => true,
            _ => format!("{x:?}") == format!("{y:?}"),
        },
        (Command::Edit { .. }, Command::Edit { .. }) => true,
        _ => format!("{a:?}") == format!("{b:?}"),
    }
}

/// `bindings` with only the keys that do what they say in `state` (through the same
/// dispatch the loop uses): a key taken by a lesson's question, a key that works
/// everywhere or another entry is dropped, and so is an entry left without keys. An entry
/// bound to no key (a key the screen reads itself, like Space on the form's MFA box) stays.
fn working(
    state: &AppState,
    bindings: Vec<crate::tui::keys::Binding>,
) -> Vec<crate::tui::keys::Binding> {
    bindings
        .into_iter()
        .filter_map(|mut b| {
            if b.keys.is_empty() {
                return Some(b);
            }
            b.keys.retain(|k| {
                crate::tui::keymap::dispatch(state, k).is_some_and(|c| same_command(&c, &b.command))
            });
            (!b.keys.is_empty()).then_some(b)
        })
        .collect()
}

/// Help for the screen open in `state`: the keys that work on it (read from the tables the
/// keys are dispatched by, less any a lesson's question or another key takes), the teaching
/// keys that work here, the lesson keys that work at other steps, the keys that work
/// everywhere, then every other screen's table.
#[must_use]
pub fn help_for(state: &AppState) -> crate::tui::screens::help::Help {
    use crate::tui::screens::help::Section;
    let here = mode(state);
    let remap = std::sync::Arc::clone(&state.world.keys);
    let title = if here.takes_text() {
        format!(
            "This screen: {} (other keys are typed into the field)",
            here.title()
        )
    } else {
        format!("This screen: {}", here.title())
    };
    let mut sections = vec![Section::new(
        title,
        working(state, crate::tui::keymap::table_with(here, &remap)),
        true,
    )];
    if teaching_keys_work(here) {
        let all = teaching_keys();
        let work = working(state, all.clone());
        let rest: Vec<_> = all
            .into_iter()
            .filter(|b| !work.iter().any(|w| w.help == b.help))
            .collect();
        sections.push(Section::new("Teaching keys here".to_owned(), work, true));
        if !rest.is_empty() {
            let title = if state.world.teach.lesson.is_some() {
                "Lesson keys at other steps"
            } else {
                "Lesson keys, while a lesson plays (I opens the lesson index)"
            };
            sections.push(Section::new(title.to_owned(), rest, false));
        }
    }
    sections.push(Section::new(
        "Everywhere".to_owned(),
        working(state, crate::tui::keymap::global()),
        true,
    ));
    for m in Mode::ALL {
        if m != here && m != Mode::Help {
            sections.push(Section::new(
                m.title().to_owned(),
                crate::tui::keymap::table_with(m, &remap),
                false,
            ));
        }
    }
    crate::tui::screens::help::Help::new(sections)
}

/// Opens help over the screen open now ([`help_for`]).
pub fn open_help(state: &mut AppState) {
    let help = help_for(state);
    if let Some(below) = state.overlay.take() {
        state.overlay_stack.push(below);
    }
    state.overlay = Some(Overlay::Help(Box::new(help)));
}

/// Draws one overlay over the screen `area`; `focused` is false for one a pop-up above it
/// was opened from.
pub fn draw_overlay(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &AppState,
    overlay: &Overlay,
    focused: bool,
    theme: Theme,
) {
    match overlay {
        Overlay::Help(h) => h.draw(frame, area, theme),
        Overlay::Reach(view) => view.draw(frame, area, focused, theme),
        Overlay::Picker(p) => {
            let start = crate::tui::screens::paths::start(&state.world, &p.purpose)
                .map_or_else(|e| e, |(_, l)| l);
            p.draw(
                frame,
                crate::tui::widgets::pane::popup_rect(area),
                &format!("Paths from {start}: pick the role to reach"),
                theme,
            );
        }
        Overlay::Path(view) => view.draw(frame, area, focused, theme),
        Overlay::Explain(view) => view.draw(frame, area, theme),
        Overlay::External(view) => view.draw(frame, area, focused, theme),
        Overlay::WhatIf(w) => w.draw(frame, area, &state.world, theme),
        Overlay::Wizard(w) => w.draw(frame, area, theme),
        Overlay::Lessons(ix) => ix.draw(frame, area, &state.world, theme),
        Overlay::Profiles(v) => v.draw(frame, area, theme),
        Overlay::Simulate(form) => form.draw(frame, area, &state.world, theme),
        Overlay::Ask(ask) => ask.draw(frame, area, &state.world, theme),
        Overlay::Inspect(i) => i.draw(frame, area, &state.world, theme),
        Overlay::Message(m) => m.draw(frame, area, theme),
        Overlay::CommandLine(c) => c.draw(frame, area, theme),
    }
}

/// Puts the what-if overlay's current data everywhere the screens read it: the simulator,
/// the trust graph, the role facts and the lists' indexes, the open detail view (its "who
/// can assume" pane), the open reach trees, path and external-access views (asked again,
/// replaced when the answers come), who gained or lost access, and the last simulation,
/// run again.
pub fn data_changed(state: &mut AppState) {
    state.world.take_whatif_data();
    state.reindex();
    if let Some(old) = state.detail.take() {
        state.detail = old.rebuilt(&mut state.world);
    }
    // Open reach trees are asked again; they are replaced when the answers come.
    let trees: Vec<(crate::tui::access::ReachFrom, String)> = state
        .overlay
        .iter()
        .chain(&state.overlay_stack)
        .filter_map(|o| match o {
            Overlay::Reach(v) => crate::tui::access::reach_start(&state.world, &v.from)
                .ok()
                .map(|(arn, _)| (v.from.clone(), arn)),
            _ => None,
        })
        .collect();
    for (from, arn) in trees {
        state
            .world
            .ask_graph(crate::tui::access::AccessQuery::Reach {
                from,
                arn,
                refresh: true,
            });
    }
    // Open path and external-access views are asked again and filled when the answers
    // come (the newest of each).
    let paths: Vec<(crate::tui::access::ReachFrom, usize)> = state
        .overlay
        .iter()
        .chain(&state.overlay_stack)
        .filter_map(|o| match o {
            Overlay::Path(v) => Some((v.from.clone(), v.role)),
            _ => None,
        })
        .collect();
    for (from, role) in paths {
        if let Ok((_, query)) = crate::tui::screens::paths::ask(&state.world, from, role) {
            state.world.ask_graph(query);
            state.waiting.path = Some(state.world.access_generation);
        }
    }
    if state
        .overlay
        .iter()
        .chain(&state.overlay_stack)
        .any(|o| matches!(o, Overlay::External(_)))
    {
        state
            .world
            .ask_graph(crate::tui::access::AccessQuery::External);
        state.waiting.external = Some(state.world.access_generation);
    }
    crate::tui::screens::whatif::request_diff(&mut state.world);
    crate::tui::screens::whatif::rerun_last(&mut state.world);
    // An exercise being worked on is checked on every change of the data.
    if let Some(step) = crate::tui::screens::lessons::watch(&mut state.world) {
        lesson_step(state, step);
    }
}

/// Opens the view of the what-if edits (in place of the open pop-up).
pub fn open_whatif_view(state: &mut AppState) {
    let view = WhatIfScreen::view(&mut state.world);
    state.overlay = Some(Overlay::WhatIf(Box::new(view)));
}

/// Opens the choice of `role`'s document to edit (in place of the open pop-up).
///
/// # Errors
/// Why the role cannot be edited.
pub fn open_edit_menu(state: &mut AppState, role: usize, external: bool) -> Result<(), String> {
    let menu = WhatIfScreen::menu(&state.world, role, external)?;
    state.overlay = Some(Overlay::WhatIf(Box::new(menu)));
    Ok(())
}

/// Takes back the text `$EDITOR` returned: applied (the edits show), or opened in the
/// built-in editor with the problem located.
pub fn editor_done(
    state: &mut AppState,
    role: String,
    kind: crate::engine::whatif::DocumentKind,
    result: Result<String, String>,
) {
    use crate::tui::screens::whatif::EditorReturn;
    match crate::tui::screens::whatif::editor_done(&mut state.world, role, kind, result) {
        EditorReturn::Nothing => {}
        EditorReturn::Applied(view) => {
            data_changed(state);
            state.overlay = Some(Overlay::WhatIf(Box::new(view)));
        }
        EditorReturn::Refused(editor) => state.overlay = Some(Overlay::WhatIf(Box::new(editor))),
    }
}

/// Opens the troubleshooting wizard's symptom list (in place of the open pop-up).
pub fn open_wizard(state: &mut AppState, role: Option<usize>, caller: Option<(Caller, String)>) {
    state.overlay = Some(Overlay::Wizard(Box::new(WizardView::new(role, caller))));
}

/// Asks the wizard about `request`; the wizard shows it working (over the form the call
/// came from, which Esc on the report goes back to).
pub fn open_diagnosis(
    state: &mut AppState,
    symptom: crate::engine::wizard::Symptom,
    label: String,
    request: crate::engine::sts::request::Request,
) {
    let working = crate::tui::screens::wizard::diagnose(
        &mut state.world,
        symptom,
        label,
        request,
        Vec::new(),
    );
    if let Some(form @ Overlay::Simulate(_)) = state.overlay.take() {
        state.overlay_stack.push(form);
    }
    state.overlay = Some(Overlay::Wizard(Box::new(working)));
}

/// Takes in the wizard's report for the call asked about: the wizard still working shows
/// it; when it could not run, the working wizard closes.
pub fn diagnosed(
    state: &mut AppState,
    asked: crate::tui::access::Diagnose,
    result: crate::tui::access::AccessResult,
) {
    match &mut state.overlay {
        Some(Overlay::Wizard(w)) if w.working() => {
            if !w.diagnosed(&mut state.world, asked, result) {
                state.overlay = state.overlay_stack.pop();
            }
        }
        // A wizard closed meanwhile stays closed; the log still says what was found.
        _ => {
            WizardView::new(None, None).diagnosed(&mut state.world, asked, result);
        }
    }
}

/// Opens the Simulate form for `role` and `caller` (in place of the open pop-up), its
/// keyboard on field `focus` when given.
pub fn open_form(
    state: &mut AppState,
    role: Option<usize>,
    caller: Option<(Caller, String)>,
    focus: Option<usize>,
) {
    let mut form = crate::tui::screens::simulate::new_form(&state.world, role, caller);
    if let Some(f) = focus {
        form.focus = f;
    }
    state.overlay = Some(Overlay::Simulate(Box::new(form)));
}

/// Opens the Simulate form filled in for `hop` over the open screen (with `duration` when
/// one is asked for), unless the hop cannot be simulated yet (the status line says why).
pub fn open_hop_form(
    state: &mut AppState,
    hop: &crate::tui::access::Prefill,
    duration: Option<i64>,
) {
    if let Some(form) = crate::tui::screens::simulate::for_hop(&mut state.world, hop, duration) {
        crate::tui::update::push_overlay(state, Overlay::Simulate(Box::new(form)));
    }
}

/// Carries out a teaching command on the lesson being played.
pub fn play_lesson(state: &mut AppState, c: crate::tui::teach::LessonCommand) {
    let outcome = crate::tui::screens::lessons::play(&mut state.world, c);
    settle(state, outcome);
}

/// Starts `lesson`: its narrative pane shows, the clock paused at its start.
pub fn start_lesson(state: &mut AppState, lesson: crate::engine::lesson::Lesson) {
    crate::tui::screens::lessons::start(&mut state.world, lesson);
}

/// Opens the lesson index (in place of the open pop-up).
///
/// # Errors
/// Why the lessons could not be read.
pub fn open_lesson_index(state: &mut AppState) -> Result<(), String> {
    let ix = crate::tui::screens::lessons::LessonIndex::open(&mut state.world)?;
    state.overlay = Some(Overlay::Lessons(ix));
    Ok(())
}

/// Opens the tags and context of session `id` (in place of the open pop-up).
pub fn open_inspect(state: &mut AppState, id: u32) {
    state.overlay = Some(Overlay::Inspect(crate::tui::screens::popup::Inspect::new(
        id,
    )));
}

/// Opens the `:` command line over the screen.
pub fn open_command_line(state: &mut AppState) {
    crate::tui::update::push_overlay(
        state,
        Overlay::CommandLine(crate::tui::screens::command_line::CommandLine::default()),
    );
}

/// Shows `message` in a pop-up over the screen.
pub fn open_message(state: &mut AppState, message: Message) {
    state.overlay = Some(Overlay::Message(message));
}

/// The key table of a screen's mode, from the screen itself.
#[must_use]
pub fn screen_keys(mode: Mode) -> Vec<crate::tui::keys::Binding> {
    match mode {
        Mode::List => crate::tui::screens::list::keys(),
        Mode::Search => crate::tui::screens::list::search_keys(),
        Mode::Sessions => crate::tui::screens::sessions::keys(),
        Mode::Detail => crate::tui::screens::detail::keys(),
        Mode::Form => crate::tui::screens::simulate::keys(),
        Mode::Ask => crate::tui::screens::ask::keys(),
        Mode::Reach => crate::tui::screens::reach::keys(),
        Mode::Path => crate::tui::screens::paths::keys(),
        Mode::Explain => crate::tui::screens::explain::keys(),
        Mode::External => crate::tui::screens::external::keys(),
        Mode::EditMenu => crate::tui::screens::whatif::menu_keys(),
        Mode::Editor => crate::tui::screens::whatif::editor_keys(),
        Mode::Prompt => crate::tui::screens::whatif::prompt_keys(),
        Mode::WhatIf => crate::tui::screens::whatif::view_keys(),
        Mode::Wizard => crate::tui::screens::wizard::symptom_keys(),
        Mode::Profiles => crate::tui::screens::profiles::keys(),
        Mode::Lessons => crate::tui::screens::lessons::keys(),
        Mode::WizardReport => crate::tui::screens::wizard::report_keys(),
        Mode::Help => crate::tui::screens::help::keys(),
        Mode::Popup => crate::tui::screens::popup::keys(),
        Mode::CommandLine => crate::tui::screens::command_line::keys(),
        Mode::Picker => crate::tui::widgets::picker::keys(),
    }
}

/// Opens "what can this session do?" for session `id` (in place of the open pop-up).
pub fn open_ask(state: &mut AppState, id: u32) {
    state.overlay = Some(Overlay::Ask(crate::tui::screens::ask::AskForm {
        session: id,
        ..Default::default()
    }));
}

/// True when the Simulate form's focused field is the MFA box (space toggles it there).
#[must_use]
pub fn on_toggle_field(state: &AppState) -> bool {
    matches!(&state.overlay, Some(Overlay::Simulate(f))
        if f.focused() == crate::tui::screens::simulate::FormField::Mfa)
}

/// Draws the Sessions panel in `area`.
pub fn draw_sessions(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let focused = state.focus == Focus::Sessions && state.overlay.is_none();
    crate::tui::screens::sessions::render(
        frame,
        area,
        &state.world,
        state.sessions_panel,
        (state.sessions_collapsed, focused),
        theme,
    );
}

/// The index of the session drawn at row `y` of the Sessions panel in `area`, if any.
#[must_use]
pub fn session_at(area: Rect, state: &AppState, y: u16) -> Option<usize> {
    crate::tui::screens::sessions::session_at(area, &state.world, state.sessions_panel, y)
}
