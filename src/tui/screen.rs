//! The one file that knows every screen: which screens can be open ([`Overlay`]), which
//! key table is in force ([`Mode`], [`mode`]), how a command reaches the open screen
//! ([`route`]) and how each is drawn ([`draw_overlay`]). Adding a screen adds a variant
//! and its arms here, and the screen's own file.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::command::{Command, Effect};
use crate::tui::outcome::Outcome;
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
    /// Which of a role's documents a what-if edit changes.
    EditMenu(Box<crate::tui::whatif::EditMenu>),
    /// The built-in editor.
    Editor(Box<crate::tui::whatif::EditorView>),
    /// A one-line prompt (maximum session duration, bundle path).
    Prompt(Box<crate::tui::whatif::Prompt>),
    /// The what-if edits and who gained or lost access.
    WhatIf(Box<crate::tui::whatif::WhatIfView>),
    /// The troubleshooting wizard.
    Wizard(Box<crate::tui::wizard::WizardView>),
    /// The lesson index.
    Lessons(crate::tui::lesson::LessonIndex),
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
        Some(Overlay::EditMenu(_)) => Mode::EditMenu,
        Some(Overlay::Editor(_)) => Mode::Editor,
        Some(Overlay::Prompt(_)) => Mode::Prompt,
        Some(Overlay::WhatIf(_)) => Mode::WhatIf,
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
    let outcome = match state.overlay.as_mut()? {
        Overlay::Help(h) => h.handle(command, &state.world),
        Overlay::Inspect(i) => i.handle(command),
        Overlay::Message(m) => m.handle(command),
        Overlay::Path(v) => v.handle(command, &mut state.world),
        Overlay::External(v) => v.handle(command, &mut state.world),
        Overlay::Reach(v) => v.handle(command, &mut state.world),
        Overlay::Profiles(v) => v.handle(command, &mut state.world),
        _ => return None,
    };
    settle(state, outcome)
}

/// Carries out a screen's outcome; `None` for [`Outcome::Ignored`].
fn settle(state: &mut AppState, outcome: Outcome) -> Option<Vec<Effect>> {
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
            crate::tui::update::open_detail(state, crate::tui::state::Subject::Role(role));
            Some(Vec::new())
        }
    }
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
    if matches!(
        here,
        Mode::List | Mode::Detail | Mode::Sessions | Mode::WhatIf
    ) {
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
        Overlay::EditMenu(m) => ui::whatif::render_menu(frame, area, m, theme),
        Overlay::Editor(ed) => ui::editor::render(frame, area, ed, theme),
        Overlay::Prompt(p) => ui::whatif::render_prompt(frame, area, p, theme),
        Overlay::WhatIf(v) => ui::whatif::render_view(frame, area, v, theme),
        Overlay::Wizard(w) => ui::wizard::render(frame, area, w, theme),
        Overlay::Lessons(ix) => ui::lessons::render(frame, area, state, ix, theme),
        Overlay::Profiles(v) => v.draw(frame, area, theme),
        Overlay::Simulate(form) => ui::simulate::render(frame, area, state, form, theme),
        Overlay::Ask(ask) => ui::ask::render(frame, area, state, ask, theme),
        Overlay::Inspect(i) => i.draw(frame, area, &state.world, theme),
        Overlay::Message(m) => m.draw(frame, area, theme),
    }
}
