//! What can happen to the app: [`Command`]s (from keys, mouse, the clock, the search
//! worker) that `update::apply` turns into state changes, and the [`Effect`]s it asks the
//! loop to carry out (searching, clipboard, suspending, quitting).

use std::time::Duration;

use crate::tui::search::{Request, Response};

/// One thing to do to the state.
#[derive(Debug, Clone)]
pub enum Command {
    /// Quit at once (Ctrl-C, a signal).
    Quit,
    /// `q`: quit, asking first when what-if edits would be lost.
    Leave,
    /// Ctrl-Z: hand the terminal back to the shell until resumed.
    Suspend,
    /// Ctrl-O: save the screen as text; Ctrl-G (`svg`): as an SVG picture.
    SaveScreen {
        svg: bool,
    },
    Resize(u16, u16),
    /// Real time since start; moves the simulated clock.
    Tick(Duration),
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    /// `/`: give the keyboard to the search box.
    StartSearch,
    /// A typed character, for whichever text field has the keyboard.
    Input(char),
    /// Pasted text, typed into the text field at once (one search, not one per character).
    Paste(String),
    Backspace,
    /// Ctrl-U: clear the text field.
    ClearInput,
    /// Enter in the search box: keep the query, give the keyboard back to the list.
    AcceptSearch,
    /// Esc in the search box: clear the query.
    CancelSearch,
    SearchResults(Response),
    CycleKind,
    CycleAccount,
    CycleSort,
    ClearFilters,
    SelectTab(usize),
    FocusNext,
    FocusPrev,
    Open,
    Back,
    TogglePlain,
    ToggleHelp,
    ToggleSessions,
    YankArn,
    YankPolicy,
    ClockPause,
    ClockFaster,
    ClockSlower,
    ClockNextExpiry,
    /// `a`: open the Simulate form for the role under the cursor.
    Simulate,
    /// `c`: open the Simulate form with the selected session as caller.
    Chain,
    /// `w`: ask what the selected session can do.
    Ask,
    /// `i`: inspect the selected session's tags and context.
    Inspect,
    /// `x`: end the selected session.
    EndSession,
    /// `v`: the reach tree of the principal or session under the cursor.
    Reach,
    /// `V`: pick a role and list every path to it from the principal or session under the
    /// cursor (or the reach tree's start).
    PathTo,
    /// `X`: the external-access findings and the confused deputies.
    External,
    /// `x` on an escalation hop (reach tree, paths, who can assume): explain it.
    Explain,
    /// `h`/`←` in the reach tree: close the branch (or go to its parent).
    Collapse,
    /// `*` in the reach tree: open every branch.
    ExpandAll,
    /// `e` / `E`: choose one of the role's documents to edit (built-in editor / `$EDITOR`).
    Edit {
        external: bool,
    },
    /// `D`: the what-if edits and who gained or lost access.
    WhatIf,
    /// `u` in the what-if view: take back the newest edit.
    Undo,
    /// `X` in the what-if view: drop every edit.
    Discard,
    /// `W` in the what-if view: save the edited data as a new bundle (asks for a path).
    SaveBundle,
    /// Ctrl-S in the built-in editor: check and apply the edit.
    Save,
    /// Cursor and line keys of the built-in editor.
    EditKey(EditKey),
    /// `$EDITOR` returned: the edited text, or why it could not run.
    EditorDone {
        role: String,
        kind: crate::engine::whatif::DocumentKind,
        result: Result<String, String>,
    },
    /// `T`: the troubleshooting wizard (Ctrl-T in the form: diagnose the call it holds).
    Troubleshoot,
    /// `f` on the wizard's report: apply the fixes it offers.
    ApplyFixes,
    /// The trust graph's answer to a question put with `AppState::ask_graph`.
    AccessDone(Box<crate::tui::access::AccessAnswer>),
    /// `I`: the lesson index.
    LessonIndex,
    /// `O`: the user's AWS CLI profiles, checked.
    Profiles,
    /// The profiles check's answer, from off the loop.
    ProfilesDone(Box<crate::tui::profiles::ProfilesAnswer>),
    /// Space in the form: toggle the MFA box.
    Toggle,
    /// Ctrl-R in the form: run the simulation from any field.
    Run,
    /// A left click at a cell.
    Click(u16, u16),
    /// A wheel turn at a cell: negative is up.
    Scroll(u16, u16, i8),
    /// `:`: the command line (`:roles`, `:help`, `:q`…).
    CommandLine,
    /// `:sessions`: show the Sessions panel and give it the keyboard.
    ShowSessions,
    /// `:theme NAME`: draw in this palette.
    SetTheme(crate::tui::theme::Palette),
    /// A teaching key: lesson steps, predictions, presenter mode, glossary.
    Lesson(crate::tui::teach::LessonCommand),
}

/// Keys of the built-in editor beyond typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditKey {
    Left,
    Right,
    Home,
    End,
    Newline,
    Delete,
    Indent,
}

/// Something the loop must do outside the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Search(Request),
    /// Give the search worker new indexes for some lists (the data changed under them).
    Reindex(crate::tui::search::NewIndexes),
    /// Copy text to the system clipboard (OSC 52).
    Clipboard(String),
    /// Hand the terminal to `$EDITOR` on this text, then send back
    /// [`Command::EditorDone`].
    ExternalEdit {
        role: String,
        kind: crate::engine::whatif::DocumentKind,
        /// A file name for the temporary file.
        name: String,
        text: String,
    },
    /// Answer a trust-graph question off the loop, then send back
    /// [`Command::AccessDone`].
    Access(Box<crate::tui::access::AccessJob>),
    /// Check the user's AWS CLI profiles off the loop, then send back
    /// [`Command::ProfilesDone`].
    Profiles(Box<crate::tui::profiles::ProfilesJob>),
    Suspend,
    Quit,
}

impl PartialEq for Request {
    fn eq(&self, other: &Self) -> bool {
        self.list == other.list && self.generation == other.generation && self.query == other.query
    }
}

impl Eq for Request {}
