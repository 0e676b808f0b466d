//! What-if editing in the terminal face: choosing which of a role's documents to change,
//! the built-in editor and the `$EDITOR` round trip, the one-line prompts (maximum session
//! duration, bundle path), and the view of the edits with who gained or lost access.
//!
//! Every edit goes through the engine's [`WhatIf`](crate::engine::whatif::WhatIf) overlay,
//! which checks it as IAM would on save and never touches the loaded files. After each
//! change [`refresh`] puts the edited data everywhere the screen reads it: the simulator,
//! the trust graph, the role facts, the open detail view (its "who can assume" pane), any
//! reach tree, and the last simulation, which is run again.

use std::sync::Arc;

use crate::engine::model::Known;
use crate::engine::whatif::{DocumentKind, Edit, EditError, Replace, SaveError, is_protected};
use crate::tui::command::Effect;
use crate::tui::editor::{self, TextBuffer};
use crate::tui::sim::{Caller, CallerView};
use crate::tui::state::{AppState, LogEntry, Overlay, Status, TextLine, Tok};

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

/// The edits and who gained or lost access, as lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatIfView {
    pub lines: Vec<TextLine>,
    pub scroll: usize,
}

pub use crate::tui::world::LastRun;

fn status(state: &mut AppState, text: String, error: bool) {
    state.world.status = Some(Status { text, error });
}

fn log(state: &mut AppState, text: String) {
    state.world.log.push(LogEntry {
        at: state.world.now,
        text,
    });
}

/// The edit menu for role `role`, or why the role cannot be edited.
///
/// # Errors
/// IAM's `UnmodifiableEntity` answer for roles only AWS may change.
pub fn menu(state: &AppState, role: usize, external: bool) -> Result<EditMenu, String> {
    let r = state
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

/// Carries out the menu's selected choice: opens the built-in editor or the prompt, or
/// asks the loop to run `$EDITOR`.
pub fn choose(state: &mut AppState, m: &EditMenu) -> Option<Effect> {
    let (_, target) = m.choices.get(m.selected)?;
    match target {
        EditTarget::MaxSession => {
            let current = state
                .inventory
                .roles
                .get(m.role)
                .and_then(|r| match r.max_session_duration {
                    Known::Known(s) => Some(s.to_string()),
                    Known::Unknown => None,
                })
                .unwrap_or_default();
            state.overlay = Some(Overlay::Prompt(Box::new(Prompt {
                purpose: PromptFor::MaxSession {
                    role_arn: m.role_arn.clone(),
                },
                text: current,
                error: None,
                confirm_replace: None,
            })));
            None
        }
        EditTarget::Document(kind) => {
            let text = match state.world.whatif.document_text(&m.role_arn, kind) {
                Ok(t) => t,
                Err(e) => {
                    status(state, e.to_string(), true);
                    state.overlay = None;
                    return None;
                }
            };
            if m.external {
                state.overlay = None;
                Some(Effect::ExternalEdit {
                    role: m.role_arn.clone(),
                    kind: kind.clone(),
                    name: editor::file_name(&m.role_arn, kind),
                    text,
                })
            } else {
                state.overlay = Some(Overlay::Editor(Box::new(EditorView {
                    role_arn: m.role_arn.clone(),
                    kind: kind.clone(),
                    buffer: TextBuffer::new(&text),
                    error: None,
                })));
                None
            }
        }
    }
}

/// Tries `edit` on the overlay; on success refreshes every view and shows the diff.
///
/// # Errors
/// IAM's answer, when it would refuse the edit; nothing changes then.
pub fn apply(state: &mut AppState, edit: Edit) -> Result<(), EditError> {
    let what = edit.describe();
    state.world.whatif.apply(edit)?;
    log(state, format!("what-if: {what}"));
    refresh(state);
    open_view(state);
    status(
        state,
        format!("applied: {what} (what-if only; the loaded files are unchanged)"),
        false,
    );
    Ok(())
}

/// Saves the built-in editor's text, or shows where IAM would refuse it.
pub fn save_editor(state: &mut AppState) {
    let Some(Overlay::Editor(ed)) = &state.overlay else {
        return;
    };
    let text = ed.buffer.text();
    let edit = Edit::Document {
        role: ed.role_arn.clone(),
        kind: ed.kind.clone(),
        text: text.clone(),
    };
    if let Err(e) = apply(state, edit) {
        let (message, at) = editor::refusal(&text, &e);
        if let Some(Overlay::Editor(ed)) = &mut state.overlay {
            if let Some((line, column)) = at {
                ed.buffer.goto(line, column);
            }
            ed.error = Some(message);
        }
    }
}

/// Takes back the text `$EDITOR` returned: applies it, or opens it in the built-in
/// editor with the problem located so it can be fixed (nothing typed is lost).
pub fn editor_done(
    state: &mut AppState,
    role: String,
    kind: DocumentKind,
    result: Result<String, String>,
) {
    state.world.dirty = true;
    let text = match result {
        Ok(t) => t,
        Err(msg) => {
            status(state, msg, true);
            return;
        }
    };
    let before = state
        .world
        .whatif
        .document_text(&role, &kind)
        .unwrap_or_default();
    if text.trim() == before.trim() {
        status(
            state,
            "no change made in the editor; nothing applied".to_owned(),
            false,
        );
        return;
    }
    let edit = Edit::Document {
        role: role.clone(),
        kind: kind.clone(),
        text: text.clone(),
    };
    if let Err(e) = apply(state, edit) {
        let (message, at) = editor::refusal(&text, &e);
        let mut buffer = TextBuffer::new(&text);
        if let Some((line, column)) = at {
            buffer.goto(line, column);
        }
        state.overlay = Some(Overlay::Editor(Box::new(EditorView {
            role_arn: role,
            kind,
            buffer,
            error: Some(message),
        })));
    }
}

/// Enter in a prompt.
pub fn submit_prompt(state: &mut AppState) {
    let Some(Overlay::Prompt(p)) = &state.overlay else {
        return;
    };
    let p = (**p).clone();
    let text = p.text.trim().to_owned();
    let result: Result<(), String> = match &p.purpose {
        PromptFor::MaxSession { role_arn } => match text.parse::<i64>() {
            Err(_) => Err(format!(
                "`{text}` is not a whole number of seconds; enter e.g. 7200 (IAM accepts 3600 to 43200)"
            )),
            Ok(seconds) => apply(
                state,
                Edit::MaxSessionDuration {
                    role: role_arn.clone(),
                    seconds,
                },
            )
            .map_err(|e| e.to_string()),
        },
        PromptFor::SaveBundle => {
            if text.is_empty() {
                Err("enter a file name for the new bundle, e.g. class-variant.json".to_owned())
            } else {
                let replace = if p.confirm_replace.as_deref() == Some(text.as_str()) {
                    Replace::Confirmed
                } else {
                    Replace::No
                };
                match state
                    .whatif
                    .save_bundle(std::path::Path::new(&text), replace)
                {
                    Ok(()) => {
                        let n = state.world.whatif.edits().len();
                        let msg = format!(
                            "saved the data with {n} what-if edit(s) as `{text}`; open it with rolescope {text}"
                        );
                        log(state, msg.clone());
                        status(state, msg, false);
                        state.overlay = Some(Overlay::WhatIf(Box::new(view(state))));
                        Ok(())
                    }
                    Err(SaveError::Exists { .. }) => {
                        if let Some(Overlay::Prompt(p)) = &mut state.overlay {
                            p.confirm_replace = Some(text.clone());
                        }
                        Err(format!(
                            "`{text}` already exists; press Enter again to replace it, or change the name"
                        ))
                    }
                    Err(e) => Err(e.to_string()),
                }
            }
        }
    };
    if let Err(msg) = result
        && let Some(Overlay::Prompt(p)) = &mut state.overlay
    {
        p.error = Some(msg);
    }
}

/// Takes back the newest edit.
pub fn undo(state: &mut AppState) {
    match state.world.whatif.undo() {
        Some(e) => {
            let msg = format!("undone: {}", e.describe());
            log(state, format!("what-if {msg}"));
            refresh(state);
            status(state, msg, false);
        }
        None => status(state, "no what-if edit to undo".to_owned(), false),
    }
    if matches!(state.overlay, Some(Overlay::WhatIf(_))) {
        state.overlay = Some(Overlay::WhatIf(Box::new(view(state))));
    }
}

/// Drops every edit.
pub fn discard(state: &mut AppState) {
    let n = state.world.whatif.edits().len();
    state.world.whatif.discard();
    refresh(state);
    let msg = format!("discarded {n} what-if edit(s); back to the loaded data");
    log(state, msg.clone());
    status(state, msg, false);
    if matches!(state.overlay, Some(Overlay::WhatIf(_))) {
        state.overlay = Some(Overlay::WhatIf(Box::new(view(state))));
    }
}

/// Puts the overlay's current data everywhere the screen reads it.
pub fn refresh(state: &mut AppState) {
    let inv = Arc::clone(state.world.whatif.inventory());
    state.world.inventory = Arc::clone(&inv);
    state.world.simulator.reload(Arc::clone(&inv));
    state.world.graph = Arc::default();
    state.world.role_facts = Arc::new(crate::tui::facts::all_role_facts(&inv));
    state.reindex();
    if let Some(old) = state.detail.take() {
        crate::tui::update::open_detail(state, old.subject);
        if let Some(d) = &mut state.detail {
            d.plain = old.plain;
            d.focus = old.focus.min(d.panes.len().saturating_sub(1));
            d.summary_scroll = old.summary_scroll;
            for (new, before) in d.panes.iter_mut().zip(&old.panes) {
                new.scroll = before.scroll;
                new.cursor = before.cursor.min(new.rows.len().saturating_sub(1));
            }
        }
    }
    // Open reach trees are asked again; they are replaced when the answers come.
    let trees: Vec<(crate::tui::access::ReachFrom, String)> = state
        .overlay
        .iter()
        .chain(&state.overlay_stack)
        .filter_map(|o| match o {
            Overlay::Reach(v) => crate::tui::access::reach_start(state, &v.from)
                .ok()
                .map(|(arn, _)| (v.from.clone(), arn)),
            _ => None,
        })
        .collect();
    for (from, arn) in trees {
        state.ask_graph(crate::tui::access::AccessQuery::Reach {
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
        if let Ok((_, query)) = crate::tui::screens::paths::ask(state, from, role) {
            state.ask_graph(query);
            state.waiting.path = Some(state.world.access_generation);
        }
    }
    if state
        .overlay
        .iter()
        .chain(&state.overlay_stack)
        .any(|o| matches!(o, Overlay::External(_)))
    {
        state.ask_graph(crate::tui::access::AccessQuery::External);
        state.waiting.external = Some(state.world.access_generation);
    }
    request_diff(state);
    rerun_last(state);
}

/// Asks who gained or lost access with the edits (nothing to ask without edits).
pub fn request_diff(state: &mut AppState) {
    if state.world.whatif.is_edited() {
        state.world.access_diff = None;
        state.ask_graph(crate::tui::access::AccessQuery::Diff);
        state.waiting.diff = Some(state.world.access_generation);
    } else {
        state.world.access_diff = Some(crate::engine::whatif::AccessDiff::default());
        state.waiting.diff = None;
    }
}

/// Opens the what-if view, asking for the diff when none is known yet.
pub fn open_view(state: &mut AppState) {
    if state.world.access_diff.is_none() && state.waiting.diff.is_none() {
        request_diff(state);
    }
    state.overlay = Some(Overlay::WhatIf(Box::new(view(state))));
}

/// Rebuilds an open what-if view (after the diff arrives, or an undo).
pub fn redraw_view(state: &mut AppState) {
    let fresh = view(state);
    for o in state
        .overlay
        .iter_mut()
        .chain(state.overlay_stack.iter_mut())
    {
        if let Overlay::WhatIf(v) = o {
            let scroll = v.scroll;
            **v = fresh.clone();
            v.scroll = scroll;
        }
    }
}

/// Runs the last simulation again on the current data (without issuing a session).
fn rerun_last(state: &mut AppState) {
    let Some(last) = &state.world.last_run else {
        return;
    };
    let session = match &last.caller {
        Caller::Session { id } => state.session(*id),
        _ => None,
    };
    let view = CallerView {
        caller: &last.caller,
        session: session.map(|s| &s.issued),
        session_role_arn: session.map(|s| s.role_arn.as_str()),
    };
    let answer = describe_outcome(state.world.simulator.assume(
        &state.world.inventory,
        &view,
        &last.input,
        state.world.now,
    ));
    if let Some(last) = &mut state.world.last_run {
        last.now = Some(answer);
    }
}

/// One line for a simulation's answer.
#[must_use]
pub fn describe_outcome(r: Result<crate::tui::sim::Issued, crate::tui::sim::Refusal>) -> String {
    match r {
        Ok(i) => format!(
            "ALLOWED: a session until {}",
            i.expires_at.format("%H:%M:%S")
        ),
        Err(r) => format!(
            "REFUSED: {} ({} failing check{})",
            r.code,
            r.checks.len(),
            if r.checks.len() == 1 { "" } else { "s" }
        ),
    }
}

/// The what-if view: the edits, who gained and lost access, the last simulation again.
#[must_use]
pub fn view(state: &AppState) -> WhatIfView {
    let mut lines: Vec<TextLine> = Vec::new();
    let edits = state.world.whatif.edits();
    lines.push(vec![(
        Tok::Heading,
        format!(
            "── {} what-if edit(s) — kept apart from the loaded files ──",
            edits.len()
        ),
    )]);
    if edits.is_empty() {
        lines.push(vec![(
            Tok::Plain,
            "none yet: e on a role edits a document in the built-in editor, E in $EDITOR".into(),
        )]);
    }
    for (i, e) in edits.iter().enumerate() {
        lines.push(vec![(
            Tok::Plain,
            format!("{:>3}. {}", i + 1, e.describe()),
        )]);
    }
    match &state.world.access_diff {
        None => lines.push(vec![(
            Tok::Plain,
            "working out who gained or lost access… (the trust graph of both versions)".into(),
        )]),
        Some(diff) => {
            lines.push(vec![(
                Tok::Heading,
                format!(
                    "── who can assume what: {} gained, {} lost ──",
                    diff.gained.len(),
                    diff.lost.len()
                ),
            )]);
            if diff.is_empty() {
                lines.push(vec![(
                    Tok::Plain,
                    "nobody gained or lost the ability to assume a role".into(),
                )]);
            }
            for p in &diff.gained {
                lines.push(vec![(Tok::Str, format!("+ gained  {}", p.short()))]);
            }
            for p in &diff.lost {
                lines.push(vec![(Tok::Problem, format!("- lost    {}", p.short()))]);
            }
        }
    }
    if let Some(last) = &state.world.last_run {
        lines.push(vec![(
            Tok::Heading,
            format!("── your last simulation: {} ──", last.label),
        )]);
        lines.push(vec![(Tok::Plain, format!("when run:   {}", last.first))]);
        if let Some(now) = &last.now {
            let tok = if now.starts_with("REFUSED") {
                Tok::Problem
            } else {
                Tok::Str
            };
            lines.push(vec![(tok, format!("data now:   {now}"))]);
        }
    }
    WhatIfView { lines, scroll: 0 }
}
