//! The one file that knows every screen: which screens can be open ([`Overlay`]), which
//! key table is in force ([`Mode`], [`mode`]), how a command reaches the open screen
//! ([`route`]) and how each is drawn ([`draw_overlay`]). Adding a screen adds a variant
//! and its arms here, and the screen's own file.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::command::{Command, Effect};
use crate::tui::outcome::Outcome;
use crate::tui::screens::detail::{Detail, Subject};
use crate::tui::screens::whatif::{Stage as WhatIfStage, WhatIfScreen};
use crate::tui::state::{AppState, Focus};
use crate::tui::theme::Theme;
use crate::tui::ui;

/// An overlay on top of the main screen.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help(Box<crate::tui::screens::help::Help>),
    Simulate(Box<crate::tui::state::SimForm>),
    Ask(crate::tui::state::AskForm),
    Inspect(crate::tui::screens::popup::Inspect),
    Message(crate::tui::screens::popup::Message),
    /// The reach tree of a principal or session.
    Reach(Box<crate::tui::screens::reach::ReachView>),
    /// What-if editing: which of a role's documents to change, the built-in editor, a
    /// one-line prompt (maximum session duration, bundle path), the edits and who gained or
    /// lost access.
    WhatIf(Box<WhatIfScreen>),
    /// The troubleshooting wizard.
    Wizard(Box<crate::tui::wizard::WizardView>),
    /// The lesson index.
    Lessons(crate::tui::screens::lessons::LessonIndex),
    /// A picker of its own (the target role of a path).
    Picker(Box<crate::tui::state::Picker>),
    /// Every path from a principal or session to a role, or why there is none.
    Path(Box<crate::tui::screens::paths::PathView>),
    /// The external-access findings and the confused deputies.
    External(Box<crate::tui::screens::external::ExternalView>),
    /// The user's AWS CLI profiles as checked chains.
    Profiles(Box<crate::tui::screens::profiles::ProfilesView>),
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
}

impl Mode {
    pub const ALL: [Self; 20] = [
        Self::List,
        Self::Search,
        Self::Detail,
        Self::Sessions,
        Self::Form,
        Self::Picker,
        Self::Ask,
        Self::Reach,
        Self::Path,
        Self::External,
        Self::EditMenu,
        Self::Editor,
        Self::Prompt,
        Self::WhatIf,
        Self::Wizard,
        Self::WizardReport,
        Self::Lessons,
        Self::Profiles,
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
        }
    }

    /// True when typed characters go into a text field.
    #[must_use]
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Self::Search | Self::Form | Self::Picker | Self::Ask | Self::Editor | Self::Prompt
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
        Some(Overlay::Wizard(w)) => match w.stage {
            crate::tui::wizard::Stage::Symptoms { .. } => Mode::Wizard,
            crate::tui::wizard::Stage::Report(_) | crate::tui::wizard::Stage::Working { .. } => {
                Mode::WizardReport
            }
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
        Overlay::External(v) => v.handle(command, &mut state.world),
        Overlay::Reach(v) => v.handle(command, &mut state.world),
        Overlay::Profiles(v) => v.handle(command, &mut state.world),
        Overlay::Lessons(ix) => ix.handle(command, &mut state.world),
        Overlay::WhatIf(w) => w.handle(command, &mut state.world),
        _ => return None,
    };
    settle(state, outcome)
}

/// Gives `command` to the main screen that has the keyboard (the detail view).
fn route_main(state: &mut AppState, command: &Command) -> Option<Vec<Effect>> {
    if state.focus != Focus::Main {
        return None;
    }
    let main = ui::areas(state).main;
    let d = state.detail.as_mut()?;
    match d.handle(command, &mut state.world, main) {
        Outcome::Close => {
            state.detail = None;
            Some(Vec::new())
        }
        outcome => settle(state, outcome),
    }
}

/// Opens the detail view of `subject` (a role's asks who can assume it).
pub fn open_detail(world: &mut crate::tui::world::World, subject: Subject) -> Option<Detail> {
    crate::tui::screens::detail::open(world, subject)
}

/// Where the detail view's panes are drawn in `main`.
#[must_use]
pub fn detail_pane_areas(main: Rect, d: &Detail) -> Vec<Rect> {
    crate::tui::screens::detail::layout(main, d).1
}

/// Draws the main screen in `main`: the detail view, or the lists.
pub fn draw_main(frame: &mut Frame<'_>, main: Rect, state: &AppState, theme: Theme) {
    match &state.detail {
        Some(d) => {
            let focused = state.focus == Focus::Main && state.overlay.is_none();
            crate::tui::screens::detail::render(frame, main, d, focused, theme);
        }
        None => ui::entity_list::render(frame, main, state, theme),
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
            crate::tui::update::simulate_hop(state, &hop);
            if let (Some(Overlay::Simulate(form)), Some(d)) = (&mut state.overlay, duration)
                && let Some(i) = crate::tui::state::FormField::ALL
                    .iter()
                    .position(|f| *f == crate::tui::state::FormField::Duration)
            {
                form.fields[i] = d.to_string();
            }
            Some(Vec::new())
        }
        Outcome::OpenRole(role) => {
            state.overlay = None;
            state.overlay_stack.clear();
            state.focus = Focus::Main;
            crate::tui::update::open_detail(state, Subject::Role(role));
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
        Outcome::DataChanged => {
            data_changed(state);
            Some(Vec::new())
        }
        Outcome::LessonStep(step) => {
            lesson_step(state, *step);
            Some(Vec::new())
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
        state.session_selected = state
            .session_selected
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
        Some(Pane::Whatif) => open_whatif_view(state),
        _ => {}
    }
    if let Some(kept) = step.keep {
        state.session_selected = crate::tui::screens::lessons::keep_session(&mut state.world, kept);
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

/// The footer hints of the lesson being played.
#[must_use]
pub fn lesson_hints(state: &AppState) -> Vec<(&'static str, &'static str)> {
    crate::tui::screens::lessons::hints(&state.world)
}

/// Draws the narrative pane of the lesson being played.
pub fn draw_narrative(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    crate::tui::screens::lessons::narrative::render(frame, area, &state.world, theme);
}

/// The teaching keys, which work on the lists, a role, the Sessions panel and the what-if
/// view (the lesson keys while a lesson plays).
fn teaching_keys() -> Vec<crate::tui::keys::Binding> {
    use crate::tui::keys::{b, c};
    use crate::tui::teach::LessonCommand as L;
    let key = |ch: char, label: &'static str, help: &'static str, command: L| {
        b(vec![c(ch)], label, help, false, Command::Lesson(command))
    };
    vec![
        key('t', "t", "glossary of IAM terms", L::ToggleGlossary),
        key(
            'P',
            "P",
            "presenter mode (large, high contrast)",
            L::TogglePresenter,
        ),
        key(']', "]", "lesson: play the next step", L::Next),
        key(
            'r',
            "r",
            "lesson: reveal one more line of the trace",
            L::Reveal,
        ),
        key('R', "R", "lesson: reveal the whole trace", L::RevealAll),
        key(
            'L',
            "L",
            "lesson: hide the narrative to explore, or come back",
            L::ToggleNarrative,
        ),
        key('J', "J/K", "lesson: scroll the narrative", L::Scroll(1)),
        key(
            'y',
            "y/n",
            "lesson: predict that the call succeeds / fails",
            L::PredictOutcome(true),
        ),
        key(
            '1',
            "1–6",
            "lesson: predict how long the session lasts",
            L::PredictDuration(0),
        ),
        key(
            'a',
            "a–n",
            "lesson: which check decides it? (after the prediction)",
            L::PredictDecider(0),
        ),
        key(
            '1',
            "1–9",
            "lesson: answer the step's own question",
            L::Choose(1),
        ),
        key('[', "[", "lesson: back to the step before", L::Back),
        key(
            '{',
            "{",
            "lesson: start it again from the first step",
            L::Restart,
        ),
        key(
            'H',
            "H",
            "lesson: teacher view (teacher notes, the engine's checks)",
            L::ToggleTeacher,
        ),
        key(
            'e',
            "e/E",
            "exercise: edit its role (built-in editor / $EDITOR); each save is checked",
            L::EditExercise { external: false },
        ),
        key(
            'h',
            "h",
            "exercise: the next hint (each costs a point)",
            L::Hint,
        ),
        key(
            'z',
            "z",
            "exercise: reset the data to as loaded",
            L::ResetExercise,
        ),
    ]
}

/// Opens help on the key tables: the current screen's first, then the keys that work
/// everywhere, then every other screen's.
pub fn open_help(state: &mut AppState) {
    let here = mode(state);
    let remap = std::sync::Arc::clone(&state.world.keys);
    let mut tables = vec![(
        format!("This screen: {}", here.title()),
        crate::tui::keymap::table_with(here, &remap),
    )];
    if teaching_keys_work(here) {
        tables.push(("Teaching keys here".to_owned(), teaching_keys()));
    }
    tables.push(("Everywhere".to_owned(), crate::tui::keymap::global()));
    for m in Mode::ALL {
        if m != here && m != Mode::Help {
            tables.push((
                m.title().to_owned(),
                crate::tui::keymap::table_with(m, &remap),
            ));
        }
    }
    let help = crate::tui::screens::help::Help::new(tables);
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
            ui::simulate::render_picker(
                frame,
                crate::tui::widgets::pane::popup_rect(area),
                state,
                p,
                theme,
            );
        }
        Overlay::Path(view) => view.draw(frame, area, focused, theme),
        Overlay::External(view) => view.draw(frame, area, focused, theme),
        Overlay::WhatIf(w) => w.draw(frame, area, &state.world, theme),
        Overlay::Wizard(w) => ui::wizard::render(frame, area, w, theme),
        Overlay::Lessons(ix) => ix.draw(frame, area, &state.world, theme),
        Overlay::Profiles(v) => v.draw(frame, area, theme),
        Overlay::Simulate(form) => ui::simulate::render(frame, area, state, form, theme),
        Overlay::Ask(ask) => ui::ask::render(frame, area, state, ask, theme),
        Overlay::Inspect(i) => i.draw(frame, area, &state.world, theme),
        Overlay::Message(m) => m.draw(frame, area, theme),
    }
}

/// Puts the what-if overlay's current data everywhere the screens read it: the simulator,
/// the trust graph, the role facts and the lists' indexes, the open detail view (its "who
/// can assume" pane), the open reach trees, path and external-access views (asked again,
/// replaced when the answers come), who gained or lost access, and the last simulation,
/// run again.
pub fn data_changed(state: &mut AppState) {
    use std::sync::Arc;
    let inv = Arc::clone(state.world.whatif.inventory());
    state.world.inventory = Arc::clone(&inv);
    state.world.simulator.reload(Arc::clone(&inv));
    state.world.graph = Arc::default();
    state.world.role_facts = Arc::new(crate::tui::facts::all_role_facts(&inv));
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
