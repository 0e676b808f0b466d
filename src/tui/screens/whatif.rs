//! What-if editing: choosing which of a role's documents to change ([`EditMenu`]), the
//! built-in editor ([`EditorView`], on the shared text buffer) and the `$EDITOR` round trip,
//! the one-line prompts ([`Prompt`]: maximum session duration, bundle path), and the view
//! of the edits with who gained or lost access. One room in several stages ([`Stage`]); it
//! owns their keys and draws them ([`draw`]).
//!
//! Every edit goes through the engine's [`WhatIf`](crate::engine::whatif::WhatIf) overlay in
//! the shared world, which checks it as IAM would on save and never touches the loaded
//! files. After each change the room answers [`Outcome::DataChanged`], and the app puts the
//! edited data everywhere the screens read it.

pub mod draw;

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::engine::model::Known;
use crate::engine::whatif::{DocumentKind, Edit, EditError, Replace, SaveError, is_protected};
use crossterm::event::KeyEvent;

use crate::tui::command::{Command, EditKey, Effect};
use crate::tui::editor;
use crate::tui::keys::{Binding, b, c, ctrl, esc_key, k, movement as movement_keys, text_keys};
use crate::tui::outcome::{Outcome, clamp_add, movement};
use crate::tui::sim::{Caller, CallerView};
use crate::tui::theme::Theme;
use crate::tui::widgets::editor::TextBuffer;
use crate::tui::widgets::pane::popup_rows;
use crate::tui::world::World;

/// What an edit changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditTarget {
    Document(DocumentKind),
    MaxSession,
}

/// The choice of document to edit, for one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditMenu {
    pub role: usize,
    pub role_arn: String,
    pub choices: Vec<(String, EditTarget)>,
    pub selected: usize,
    /// Open the choice in `$EDITOR` rather than the built-in editor.
    pub external: bool,
}

/// The built-in editor on one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorView {
    pub role_arn: String,
    pub kind: DocumentKind,
    pub buffer: TextBuffer,
    /// Why the last save was refused, located where it could be.
    pub error: Option<String>,
}

/// What a one-line prompt asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptFor {
    MaxSession { role_arn: String },
    SaveBundle,
}

/// A one-line prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub purpose: PromptFor,
    pub text: String,
    pub error: Option<String>,
    /// The text for which replacing an existing file was asked about: Enter again on the
    /// same text confirms.
    pub confirm_replace: Option<String>,
}

impl Prompt {
    #[must_use]
    pub fn title(&self) -> &'static str {
        match self.purpose {
            PromptFor::MaxSession { .. } => {
                "Maximum session duration, in seconds (3600–43200; Enter saves, Esc cancels)"
            }
            PromptFor::SaveBundle => {
                "Save the edited data as a new bundle file (Enter saves, Esc cancels)"
            }
        }
    }
}

/// Where the what-if room is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Menu(EditMenu),
    Editor(EditorView),
    Prompt(Prompt),
    /// The edits and who gained or lost access, scrolled by this many lines.
    View {
        scroll: usize,
    },
}

/// The what-if room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatIfScreen {
    pub stage: Stage,
    /// `X` was pressed once in the view: the next `X` discards every edit.
    pub discard_armed: bool,
}

pub use crate::tui::world::LastRun;

impl WhatIfScreen {
    /// The view of the edits; asks who gained or lost access when nobody has yet.
    #[must_use]
    pub fn view(world: &mut World) -> Self {
        if world.access_diff.is_none() && world.diff_waiting.is_none() {
            request_diff(world);
        }
        Self {
            discard_armed: false,
            stage: Stage::View { scroll: 0 },
        }
    }

    /// The choice of `role`'s document to edit, or why the role cannot be edited.
    ///
    /// # Errors
    /// IAM's `UnmodifiableEntity` answer for roles only AWS may change.
    pub fn menu(world: &World, role: usize, external: bool) -> Result<Self, String> {
        menu(world, role, external).map(|m| Self {
            discard_armed: false,
            stage: Stage::Menu(m),
        })
    }

    /// The prompt for the bundle path the edited data is saved to, or why there is nothing
    /// to save.
    ///
    /// # Errors
    /// When there is no edit.
    fn save_bundle(world: &World) -> Result<Stage, &'static str> {
        if world.whatif.is_edited() {
            Ok(Stage::Prompt(Prompt {
                purpose: PromptFor::SaveBundle,
                text: "rolescope-what-if.json".to_owned(),
                error: None,
                confirm_replace: None,
            }))
        } else {
            Err("no what-if edit to save: the loaded data is unchanged")
        }
    }

    pub fn handle(&mut self, command: &Command, world: &mut World) -> Outcome {
        let outcome = match &mut self.stage {
            Stage::Menu(m) => m.handle(command, world),
            Stage::Editor(ed) => ed.handle(command, world),
            Stage::Prompt(p) => p.handle(command, world),
            Stage::View { scroll } => {
                // "X again" holds for the next key only.
                let armed = std::mem::take(&mut self.discard_armed);
                let step = view_handle(scroll, armed, command, world);
                self.discard_armed = !armed && matches!(command, Command::Discard);
                step
            }
        };
        match outcome {
            Step::Stay(o) => o,
            Step::To(stage, o) => {
                self.stage = stage;
                o
            }
        }
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, world: &World, theme: Theme) {
        match &self.stage {
            Stage::Menu(m) => draw::render_menu(frame, area, m, theme),
            Stage::Editor(ed) => draw::render_editor(frame, area, ed, theme),
            Stage::Prompt(p) => draw::render_prompt(frame, area, p, theme),
            Stage::View { scroll } => draw::render_view(frame, area, *scroll, world, theme),
        }
    }
}

/// What a stage answers: its outcome, and the stage the room moves to.
enum Step {
    Stay(Outcome),
    To(Stage, Outcome),
}

impl EditMenu {
    fn handle(&mut self, command: &Command, world: &mut World) -> Step {
        if let Some(delta) = movement(command, popup_rows(world.width, world.height)) {
            self.selected = clamp_add(self.selected, delta, self.choices.len());
            return Step::Stay(Outcome::Done);
        }
        match command {
            Command::Open => self.choose(world),
            Command::Back => Step::Stay(Outcome::Close),
            _ => Step::Stay(Outcome::Ignored),
        }
    }

    /// Carries out the selected choice: the built-in editor or the prompt, or `$EDITOR`
    /// run by the loop.
    fn choose(&self, world: &mut World) -> Step {
        let Some((_, target)) = self.choices.get(self.selected) else {
            return Step::Stay(Outcome::Done);
        };
        match target {
            EditTarget::MaxSession => {
                let current = world
                    .inventory
                    .roles
                    .get(self.role)
                    .and_then(|r| match r.max_session_duration {
                        Known::Known(s) => Some(s.to_string()),
                        Known::Unknown => None,
                    })
                    .unwrap_or_default();
                Step::To(
                    Stage::Prompt(Prompt {
                        purpose: PromptFor::MaxSession {
                            role_arn: self.role_arn.clone(),
                        },
                        text: current,
                        error: None,
                        confirm_replace: None,
                    }),
                    Outcome::Done,
                )
            }
            EditTarget::Document(kind) => {
                let text = match world.whatif.document_text(&self.role_arn, kind) {
                    Ok(t) => t,
                    Err(e) => {
                        world.say(e.to_string(), true);
                        return Step::Stay(Outcome::CloseAll(Vec::new()));
                    }
                };
                if self.external {
                    Step::Stay(Outcome::CloseAll(vec![Effect::ExternalEdit {
                        role: self.role_arn.clone(),
                        kind: kind.clone(),
                        name: editor::file_name(&self.role_arn, kind),
                        text,
                    }]))
                } else {
                    Step::To(
                        Stage::Editor(EditorView {
                            role_arn: self.role_arn.clone(),
                            kind: kind.clone(),
                            buffer: TextBuffer::new(&text),
                            error: None,
                        }),
                        Outcome::Done,
                    )
                }
            }
        }
    }
}

impl EditorView {
    fn handle(&mut self, command: &Command, world: &mut World) -> Step {
        let rows = draw::body_rows(world.width, world.height);
        let b = &mut self.buffer;
        match command {
            Command::Input(ch) => b.insert(ch.encode_utf8(&mut [0; 4])),
            Command::Paste(text) => b.insert(text),
            Command::Backspace => b.backspace(),
            Command::ClearInput => b.clear_line(),
            Command::EditKey(key) => match key {
                EditKey::Left => b.move_by(0, -1),
                EditKey::Right => b.move_by(0, 1),
                EditKey::Home => b.home(),
                EditKey::End => b.end(),
                EditKey::Newline => b.newline(),
                EditKey::Delete => b.delete(),
                EditKey::Indent => b.insert("  "),
            },
            Command::Save => return self.save(world),
            Command::Back => return Step::Stay(Outcome::Close),
            other => match movement(other, rows) {
                Some(delta) => b.move_by(delta, 0),
                None => return Step::Stay(Outcome::Ignored),
            },
        }
        b.follow(rows);
        Step::Stay(Outcome::Done)
    }

    /// Saves the text, or shows where IAM would refuse it; what Access Analyzer still finds
    /// in a saved document (warnings) goes to the status line.
    fn save(&mut self, world: &mut World) -> Step {
        let text = self.buffer.text();
        let edit = Edit::Document {
            role: self.role_arn.clone(),
            kind: self.kind.clone(),
            text: text.clone(),
        };
        match apply_checked(world, edit, &self.kind, &text) {
            Ok(()) => Step::To(Stage::View { scroll: 0 }, Outcome::DataChanged),
            Err(e) => {
                let (message, at) = editor::refusal(&text, &e);
                if let Some((line, column)) = at {
                    self.buffer.goto(line, column);
                }
                self.error = Some(message);
                Step::Stay(Outcome::Done)
            }
        }
    }
}

impl Prompt {
    fn handle(&mut self, command: &Command, world: &mut World) -> Step {
        match command {
            Command::Input(ch) => self.text.push(*ch),
            Command::Paste(text) => self.text.push_str(text),
            Command::Backspace => {
                self.text.pop();
            }
            Command::ClearInput => self.text.clear(),
            Command::Open => return self.submit(world),
            Command::Back => return Step::Stay(Outcome::Close),
            _ => return Step::Stay(Outcome::Ignored),
        }
        self.error = None;
        Step::Stay(Outcome::Done)
    }

    /// Enter: applies the duration, or saves the bundle (asking before replacing a file).
    fn submit(&mut self, world: &mut World) -> Step {
        let text = self.text.trim().to_owned();
        let result: Result<Step, String> = match &self.purpose {
            PromptFor::MaxSession { role_arn } => match text.parse::<i64>() {
                Err(_) => Err(format!(
                    "`{text}` is not a whole number of seconds; enter e.g. 7200 (IAM accepts 3600 to 43200)"
                )),
                Ok(seconds) => apply(
                    world,
                    Edit::MaxSessionDuration {
                        role: role_arn.clone(),
                        seconds,
                    },
                )
                .map(|()| Step::To(Stage::View { scroll: 0 }, Outcome::DataChanged))
                .map_err(|e| e.to_string()),
            },
            PromptFor::SaveBundle => {
                if text.is_empty() {
                    Err("enter a file name for the new bundle, e.g. class-variant.json".to_owned())
                } else {
                    let replace = if self.confirm_replace.as_deref() == Some(text.as_str()) {
                        Replace::Confirmed
                    } else {
                        Replace::No
                    };
                    match world
                        .whatif
                        .save_bundle(std::path::Path::new(&text), replace)
                    {
                        Ok(()) => {
                            let n = world.whatif.edits().len();
                            let msg = format!(
                                "saved the data with {n} what-if edit(s) as `{text}`; open it with rolescope {text}"
                            );
                            world.note(msg.clone());
                            world.say(msg, false);
                            Ok(Step::To(Stage::View { scroll: 0 }, Outcome::Done))
                        }
                        Err(SaveError::Exists { .. }) => {
                            self.confirm_replace = Some(text.clone());
                            Err(format!(
                                "`{text}` already exists; press Enter again to replace it, or change the name"
                            ))
                        }
                        Err(e) => Err(e.to_string()),
                    }
                }
            }
        };
        result.unwrap_or_else(|msg| {
            self.error = Some(msg);
            Step::Stay(Outcome::Done)
        })
    }
}

/// The view of the edits: scrolls, undoes the newest edit, discards them all (`X` twice:
/// `armed` is true when the key before was the first `X`), saves them.
fn view_handle(scroll: &mut usize, armed: bool, command: &Command, world: &mut World) -> Step {
    if let Some(delta) = movement(command, popup_rows(world.width, world.height)) {
        *scroll = clamp_add(*scroll, delta, draw::view_lines(world).len());
        return Step::Stay(Outcome::Done);
    }
    match command {
        Command::Undo => {
            match world.whatif.undo() {
                Some(e) => {
                    let msg = format!("undone: {}", e.describe());
                    world.note(format!("what-if {msg}"));
                    world.say(msg, false);
                }
                None => {
                    world.say("no what-if edit to undo", false);
                    return Step::To(Stage::View { scroll: 0 }, Outcome::Done);
                }
            }
            Step::To(Stage::View { scroll: 0 }, Outcome::DataChanged)
        }
        Command::Discard => {
            let n = world.whatif.edits().len();
            if n > 0 && !armed {
                // Every edit would be lost: ask first.
                world.say(
                    format!(
                        "X again discards all {n} what-if edit(s) (W saves them as a bundle first); any other key keeps them"
                    ),
                    true,
                );
                return Step::Stay(Outcome::Done);
            }
            world.whatif.discard();
            let msg = format!("discarded {n} what-if edit(s); back to the loaded data");
            world.note(msg.clone());
            world.say(msg, false);
            Step::To(Stage::View { scroll: 0 }, Outcome::DataChanged)
        }
        Command::SaveBundle => match WhatIfScreen::save_bundle(world) {
            Ok(stage) => Step::To(stage, Outcome::Done),
            Err(e) => {
                world.say(e, false);
                Step::Stay(Outcome::Done)
            }
        },
        Command::Back => Step::Stay(Outcome::Close),
        _ => Step::Stay(Outcome::Ignored),
    }
}

/// The edit menu for role `role`, or why the role cannot be edited.
///
/// # Errors
/// IAM's `UnmodifiableEntity` answer for roles only AWS may change.
pub fn menu(world: &World, role: usize, external: bool) -> Result<EditMenu, String> {
    let r = world
        .inventory
        .roles
        .get(role)
        .ok_or("select a role to edit")?;
    if is_protected(r) {
        return Err(EditError::Protected(r.name.clone()).to_string());
    }
    let mut choices = vec![(
        "trust policy (who may assume)".to_owned(),
        EditTarget::Document(DocumentKind::Trust),
    )];
    for p in &r.inline_policies {
        choices.push((
            format!("inline policy `{}`", p.name),
            EditTarget::Document(DocumentKind::Inline(p.name.clone())),
        ));
    }
    choices.push((
        "a new inline policy `rolescope-what-if`".to_owned(),
        EditTarget::Document(DocumentKind::Inline("rolescope-what-if".to_owned())),
    ));
    if let Some(b) = &r.permissions_boundary {
        choices.push((
            format!("permissions boundary `{}` (its default version)", b.name),
            EditTarget::Document(DocumentKind::Boundary),
        ));
    }
    let max = match r.max_session_duration {
        Known::Known(s) => format!("{s} s"),
        Known::Unknown => "unknown".to_owned(),
    };
    choices.push((
        format!("maximum session duration (now {max})"),
        EditTarget::MaxSession,
    ));
    Ok(EditMenu {
        role,
        role_arn: r.arn.clone(),
        choices,
        selected: 0,
        external,
    })
}

/// Tries `edit` on the world's what-if overlay and says so; the caller answers
/// [`Outcome::DataChanged`] on success.
///
/// # Errors
/// IAM's answer, when it would refuse the edit; nothing changes then.
pub fn apply(world: &mut World, edit: Edit) -> Result<(), EditError> {
    let what = edit.describe();
    world.whatif.apply(edit)?;
    world.note(format!("what-if: {what}"));
    world.say(
        format!("applied: {what} (what-if only; the loaded files are unchanged)"),
        false,
    );
    Ok(())
}

/// [`apply`] after the save check of the what-if editor: refused as IAM would refuse it,
/// and when saved, the findings it still has said on the status line.
///
/// # Errors
/// IAM's answer, when it would refuse the edit; nothing changes then.
fn apply_checked(
    world: &mut World,
    edit: Edit,
    kind: &DocumentKind,
    text: &str,
) -> Result<(), EditError> {
    let check = crate::engine::whatif::save_check(kind, text, crate::engine::catalogue::get())?;
    apply(world, edit)?;
    if let Some(line) = editor::findings_line(&check.findings) {
        world.note(line.clone());
        world.say(line, false);
    }
    Ok(())
}

/// What became of the text `$EDITOR` returned.
#[derive(Debug)]
pub enum EditorReturn {
    /// Nothing to apply (the status line says why).
    Nothing,
    /// Applied: the data changed; the room shows the edits.
    Applied(WhatIfScreen),
    /// Refused: the room opens the text in the built-in editor with the problem located,
    /// so it can be fixed (nothing typed is lost).
    Refused(WhatIfScreen),
}

/// Takes back the text `$EDITOR` returned.
pub fn editor_done(
    world: &mut World,
    role: String,
    kind: DocumentKind,
    result: Result<String, String>,
) -> EditorReturn {
    world.dirty = true;
    let text = match result {
        Ok(t) => t,
        Err(msg) => {
            world.say(msg, true);
            return EditorReturn::Nothing;
        }
    };
    let before = world.whatif.document_text(&role, &kind).unwrap_or_default();
    if text.trim() == before.trim() {
        world.say("no change made in the editor; nothing applied", false);
        return EditorReturn::Nothing;
    }
    let edit = Edit::Document {
        role: role.clone(),
        kind: kind.clone(),
        text: text.clone(),
    };
    match apply_checked(world, edit, &kind, &text) {
        Ok(()) => EditorReturn::Applied(WhatIfScreen {
            discard_armed: false,
            stage: Stage::View { scroll: 0 },
        }),
        Err(e) => {
            let (message, at) = editor::refusal(&text, &e);
            let mut buffer = TextBuffer::new(&text);
            if let Some((line, column)) = at {
                buffer.goto(line, column);
            }
            EditorReturn::Refused(WhatIfScreen {
                discard_armed: false,
                stage: Stage::Editor(EditorView {
                    role_arn: role,
                    kind,
                    buffer,
                    error: Some(message),
                }),
            })
        }
    }
}

/// Asks who gained or lost access with the edits (nothing to ask without edits).
pub fn request_diff(world: &mut World) {
    if world.whatif.is_edited() {
        world.access_diff = None;
        world.ask_graph(crate::tui::access::AccessQuery::Diff);
        world.diff_waiting = Some(world.access_generation);
    } else {
        world.access_diff = Some(crate::engine::whatif::AccessDiff::default());
        world.diff_waiting = None;
    }
}

/// Runs the last simulation again on the current data (without issuing a session).
pub fn rerun_last(world: &mut World) {
    let Some(last) = &world.last_run else {
        return;
    };
    let session = match &last.caller {
        Caller::Session { id } => world.session(*id),
        _ => None,
    };
    let view = CallerView {
        caller: &last.caller,
        session: session.map(|s| &s.issued),
        session_role_arn: session.map(|s| s.role_arn.as_str()),
    };
    let answer = world
        .simulator
        .assume(&world.inventory, &view, &last.input, world.now);
    if let Some(last) = &mut world.last_run {
        last.now = Some(answer);
    }
}

/// The choice of document's keys.
#[must_use]
pub fn menu_keys() -> Vec<Binding> {
    let mut t = vec![b(
        vec![k(KeyCode::Enter)],
        "Enter",
        "edit this",
        true,
        Command::Open,
    )];
    t.extend(movement_keys());
    t.push(esc_key("cancel"));
    t
}

/// The prompt's keys.
#[must_use]
pub fn prompt_keys() -> Vec<Binding> {
    let mut keys = vec![b(
        vec![k(KeyCode::Enter)],
        "Enter",
        "save",
        true,
        Command::Open,
    )];
    keys.extend(text_keys("clear"));
    keys.push(b(
        vec![k(KeyCode::Esc)],
        "Esc",
        "cancel",
        true,
        Command::Back,
    ));
    keys
}

/// The built-in editor's keys.
#[must_use]
pub fn editor_keys() -> Vec<Binding> {
    let mut t = Vec::new();
    t.push(b(
        vec![ctrl('s')],
        "Ctrl-S",
        "check as IAM would and apply the edit",
        true,
        Command::Save,
    ));
    t.push(b(
        vec![k(KeyCode::Esc)],
        "Esc",
        "cancel the edit",
        true,
        Command::Back,
    ));
    let keys: [(Vec<KeyEvent>, &'static str, &'static str, Command); 12] = [
        (vec![k(KeyCode::Up)], "↑", "line up", Command::Up),
        (vec![k(KeyCode::Down)], "↓", "line down", Command::Down),
        (
            vec![k(KeyCode::Left)],
            "←",
            "left",
            Command::EditKey(EditKey::Left),
        ),
        (
            vec![k(KeyCode::Right)],
            "→",
            "right",
            Command::EditKey(EditKey::Right),
        ),
        (
            vec![k(KeyCode::Home), ctrl('a')],
            "Home",
            "start of the line",
            Command::EditKey(EditKey::Home),
        ),
        (
            vec![k(KeyCode::End), ctrl('e')],
            "End",
            "end of the line",
            Command::EditKey(EditKey::End),
        ),
        (
            vec![k(KeyCode::Enter)],
            "Enter",
            "new line (keeps the indentation)",
            Command::EditKey(EditKey::Newline),
        ),
        (
            vec![k(KeyCode::Tab)],
            "Tab",
            "indent (two spaces)",
            Command::EditKey(EditKey::Indent),
        ),
        (
            vec![k(KeyCode::Backspace)],
            "⌫",
            "delete before the cursor",
            Command::Backspace,
        ),
        (
            vec![k(KeyCode::Delete)],
            "Del",
            "delete under the cursor",
            Command::EditKey(EditKey::Delete),
        ),
        (
            vec![ctrl('u')],
            "Ctrl-U",
            "empty the line",
            Command::ClearInput,
        ),
        (vec![k(KeyCode::PageUp)], "PgUp", "page up", Command::PageUp),
    ];
    for (keys, label, help, command) in keys {
        t.push(b(keys, label, help, false, command));
    }
    t.push(b(
        vec![k(KeyCode::PageDown)],
        "PgDn",
        "page down",
        false,
        Command::PageDown,
    ));
    t
}

/// The what-if view's keys.
#[must_use]
pub fn view_keys() -> Vec<Binding> {
    let mut t = Vec::new();
    t.push(b(
        vec![c('u')],
        "u",
        "undo the newest edit",
        true,
        Command::Undo,
    ));
    t.push(b(
        vec![c('X')],
        "X",
        "discard every edit",
        true,
        Command::Discard,
    ));
    t.push(b(
        vec![c('W')],
        "W",
        "save the edited data as a new bundle",
        true,
        Command::SaveBundle,
    ));
    t.extend(movement_keys());
    t.push(b(
        vec![k(KeyCode::Esc), c('q'), c('D')],
        "Esc",
        "close",
        true,
        Command::Back,
    ));
    t
}
