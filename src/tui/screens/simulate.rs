//! The Simulate form: the role, the caller (picked with the fuzzy picker), the call's
//! parameters, and the outcome — the session issued (it joins the shared world's
//! sessions), or every failing check with its category and fix. In troubleshooting mode it
//! describes the failing call for the wizard instead ([`Outcome::Diagnose`]). Owns its
//! keys; [`draw`] lays it out.

pub mod draw;

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::access::Prefill;
use crate::tui::command::Command;
use crate::tui::keys::{Binding, b, ctrl, k, text_keys};
use crate::tui::outcome::{Outcome, clamp_add, movement};
use crate::tui::sim::{AssumeInput, Caller, CallerView, Refusal};
use crate::tui::theme::Theme;
use crate::tui::widgets::picker::Picker;
use crate::tui::world::{LastRun, Session, World};

/// What the form's picker chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormPick {
    Role,
    Caller,
}

/// The fields of the Simulate form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    Role,
    Caller,
    Duration,
    ExternalId,
    Mfa,
    MfaAge,
    SessionName,
    Tags,
    Transitive,
    SourceIdentity,
    SessionPolicy,
    Claims,
    Region,
    Run,
}

impl FormField {
    pub const ALL: [Self; 14] = [
        Self::Role,
        Self::Caller,
        Self::Duration,
        Self::ExternalId,
        Self::Mfa,
        Self::MfaAge,
        Self::SessionName,
        Self::Tags,
        Self::Transitive,
        Self::SourceIdentity,
        Self::SessionPolicy,
        Self::Claims,
        Self::Region,
        Self::Run,
    ];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Role => "Role",
            Self::Caller => "Caller",
            Self::Duration => "Duration (s)",
            Self::ExternalId => "External ID",
            Self::Mfa => "MFA",
            Self::MfaAge => "MFA age (s)",
            Self::SessionName => "Session name",
            Self::Tags => "Session tags",
            Self::Transitive => "Transitive keys",
            Self::SourceIdentity => "Source identity",
            Self::SessionPolicy => "Session policy",
            Self::Claims => "Claims/attributes",
            Self::Region => "Region",
            Self::Run => "[ Simulate ]",
        }
    }

    /// A hint shown beside an empty field.
    #[must_use]
    pub fn hint(self) -> &'static str {
        match self {
            Self::Role => "Enter to pick a role",
            Self::Caller => "Enter to pick who calls",
            Self::Duration => "default: 3600",
            Self::ExternalId | Self::SourceIdentity => "none",
            Self::Mfa => "space toggles",
            Self::MfaAge => "seconds since MFA",
            Self::SessionName => "rolescope-session",
            Self::Tags => "Key=Value, Key=Value",
            Self::Transitive => "Key, Key",
            Self::SessionPolicy => "inline JSON",
            Self::Claims => "sub=repo:org/app:ref:refs/heads/main, aud=…, aws:SourceIp=…",
            Self::Region => DEFAULT_REGION,
            Self::Run => "Enter runs the simulation",
        }
    }
}

/// The Region simulated calls are made in when the form leaves it empty.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The outcome shown in the form after running it.
#[derive(Debug, Clone)]
pub enum FormOutcome {
    Issued { session: u32 },
    Refused(Refusal),
    Invalid(String),
}

/// The Simulate form.
#[derive(Debug, Clone)]
pub struct SimForm {
    pub role: Option<usize>,
    pub caller: Option<Caller>,
    pub caller_label: String,
    pub fields: Vec<String>,
    pub mfa: bool,
    pub focus: usize,
    pub picker: Option<Picker<FormPick>>,
    pub outcome: Option<FormOutcome>,
    pub scroll: usize,
    /// Set when the form describes a failing call for the troubleshooting wizard: running
    /// it diagnoses for this symptom instead of simulating.
    pub wizard: Option<crate::engine::wizard::Symptom>,
}

impl SimForm {
    #[must_use]
    pub fn field(&self, f: FormField) -> &str {
        FormField::ALL
            .iter()
            .position(|x| *x == f)
            .and_then(|i| self.fields.get(i))
            .map_or("", String::as_str)
    }

    #[must_use]
    pub fn focused(&self) -> FormField {
        FormField::ALL
            .get(self.focus)
            .copied()
            .unwrap_or(FormField::Run)
    }
}

/// A fresh Simulate form for `role`, with the caller preset when given.
#[must_use]
pub fn new_form(world: &World, role: Option<usize>, caller: Option<(Caller, String)>) -> SimForm {
    let mut fields = vec![String::new(); FormField::ALL.len()];
    if let Some(r) = role.and_then(|r| world.inventory.roles.get(r)) {
        fields[0] = r.name.clone();
    }
    let (caller, caller_label) = caller.map_or((None, String::new()), |(c, l)| (Some(c), l));
    fields[1].clone_from(&caller_label);
    SimForm {
        role,
        caller,
        caller_label,
        fields,
        mfa: false,
        focus: if role.is_some() { 1 } else { 0 },
        picker: None,
        outcome: None,
        scroll: 0,
        wizard: None,
    }
}

/// A Simulate form filled in for one hop of the trust graph: caller, role, and what the
/// hop needs (external ID, MFA, session name, tags, source identity, claims).
#[must_use]
pub fn prefilled_form(world: &World, p: &Prefill) -> SimForm {
    let mut form = new_form(
        world,
        Some(p.role),
        Some((p.caller.clone(), p.caller_label.clone())),
    );
    let r = &p.request;
    let mut set = |f: FormField, v: String| {
        if let Some(i) = FormField::ALL.iter().position(|x| *x == f) {
            form.fields[i] = v;
        }
    };
    set(
        FormField::ExternalId,
        r.external_id.clone().unwrap_or_default(),
    );
    if !r.session_name.is_empty() {
        set(FormField::SessionName, r.session_name.clone());
    }
    set(
        FormField::Tags,
        r.tags
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    set(FormField::Transitive, r.transitive_tag_keys.join(", "));
    set(
        FormField::SourceIdentity,
        r.source_identity.clone().unwrap_or_default(),
    );
    let hop_claims = crate::tui::access::claims_field(r);
    let claims: Vec<String> = p
        .token
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .chain((!hop_claims.is_empty()).then_some(hop_claims))
        .collect();
    set(FormField::Claims, claims.join(", "));
    // A role session's call carries its own session's MFA; it passes no code of its own
    // (the engine's hop rule, `engine::sts::hop`).
    form.mfa = r.mfa && !matches!(p.caller, Caller::Role { .. } | Caller::Session { .. });
    form.focus = FormField::ALL.len() - 1;
    form.follow_focus(world);
    form
}

/// Reads the form into a simulator request, or says which field is wrong.
///
/// # Errors
/// A message naming the field and what to enter.
pub fn form_input(world: &World, form: &SimForm) -> Result<AssumeInput, String> {
    let role = form
        .role
        .and_then(|r| world.inventory.roles.get(r))
        .ok_or("pick a role to assume: move to `Role` and press Enter")?;
    if form.caller.is_none() {
        return Err("pick a caller: move to `Caller` and press Enter".into());
    }
    let opt = |f: FormField| {
        let v = form.field(f).trim();
        (!v.is_empty()).then(|| v.to_owned())
    };
    let duration_seconds = match opt(FormField::Duration) {
        None => None,
        Some(v) => Some(v.parse::<u32>().map_err(|_| {
            format!("duration `{v}` is not a whole number of seconds; enter e.g. 3600")
        })?),
    };
    let mfa_age_seconds = match opt(FormField::MfaAge) {
        None => None,
        Some(v) => Some(v.parse::<u64>().map_err(|_| {
            format!("MFA age `{v}` is not a whole number of seconds; enter e.g. 300")
        })?),
    };
    let pairs = |f: FormField, what: &str| -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::new();
        for item in form
            .field(f)
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let Some((k, v)) = item.split_once('=') else {
                return Err(format!("{what} `{item}` needs the form Key=Value"));
            };
            out.push((k.trim().to_owned(), v.trim().to_owned()));
        }
        Ok(out)
    };
    let session_policy = opt(FormField::SessionPolicy);
    if let Some(p) = &session_policy
        && let Err(e) = serde_json::from_str::<serde_json::Value>(p)
    {
        return Err(format!(
            "the session policy is not valid JSON at column {}: {e}; enter a policy document such as {{\"Version\":\"2012-10-17\",\"Statement\":[…]}}",
            e.column()
        ));
    }
    Ok(AssumeInput {
        role_arn: role.arn.clone(),
        duration_seconds,
        external_id: opt(FormField::ExternalId),
        mfa: form.mfa,
        mfa_age_seconds,
        session_name: opt(FormField::SessionName).unwrap_or_else(|| "rolescope-session".into()),
        tags: pairs(FormField::Tags, "session tag")?,
        transitive_keys: form
            .field(FormField::Transitive)
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        source_identity: opt(FormField::SourceIdentity),
        session_policy,
        claims: pairs(FormField::Claims, "claim")?,
        region: opt(FormField::Region).unwrap_or_else(|| DEFAULT_REGION.into()),
    })
}

impl SimForm {
    /// Moves between fields, types, picks the role or caller, ticks MFA, runs the call
    /// (or diagnoses it), scrolls the result, or closes. The view follows the field with
    /// the keyboard and, after a run, shows the result.
    pub fn handle(&mut self, command: &Command, world: &mut World) -> Outcome {
        let focus = self.focus;
        let outcome = self.act(command, world);
        if self.focus != focus {
            self.follow_focus(world);
        }
        outcome
    }

    /// The rows the form shows at once and the rows its text takes, on the world's screen.
    fn view(&self, world: &World) -> (usize, usize) {
        let body = draw::body_rect(Rect::new(0, 0, world.width, world.height));
        let text = draw::lines(world, self, Theme::mono(), body.width);
        (
            usize::from(body.height).max(1),
            draw::rows(text, body.width),
        )
    }

    /// Scrolls as little as shows rows `top..=bottom` (`top` when they do not all fit).
    fn reveal(&mut self, world: &World, top: usize, bottom: usize) {
        let (rows, total) = self.view(world);
        if bottom >= self.scroll + rows {
            self.scroll = bottom + 1 - rows;
        }
        if top < self.scroll {
            self.scroll = top;
        }
        self.scroll = self.scroll.min(total.saturating_sub(rows));
    }

    /// Brings the field with the keyboard into view; on `[ Simulate ]`, the line under it
    /// (the hint or the result's first line) too.
    fn follow_focus(&mut self, world: &World) {
        let bottom = if self.focused() == FormField::Run {
            self.focus + 2
        } else {
            self.focus
        };
        self.reveal(world, self.focus, bottom);
    }

    /// Shows the result of a run: from `[ Simulate ]` down, as much of it as fits.
    fn show_result(&mut self, world: &World) {
        let (rows, total) = self.view(world);
        let run = FormField::ALL.len() - 1;
        self.scroll = run.min(total.saturating_sub(rows));
    }

    fn act(&mut self, command: &Command, world: &mut World) -> Outcome {
        if let Some(p) = &mut self.picker {
            let page = crate::tui::widgets::pane::popup_rows(world.width, world.height);
            if p.edit(command, page) {
                return Outcome::Done;
            }
            return match command {
                Command::Open => {
                    self.choose(world);
                    Outcome::Done
                }
                Command::Back => {
                    self.picker = None;
                    Outcome::Done
                }
                _ => Outcome::Ignored,
            };
        }
        let (rows, total) = self.view(world);
        if let Some(delta) = movement(command, rows) {
            self.scroll = clamp_add(self.scroll, delta, total.saturating_sub(rows) + 1);
            return Outcome::Done;
        }
        let n = FormField::ALL.len();
        match command {
            Command::FocusNext | Command::FocusPrev => {
                let delta = if matches!(command, Command::FocusNext) {
                    1
                } else {
                    n - 1
                };
                self.focus = (self.focus + delta) % n;
            }
            Command::Open => match self.focused() {
                FormField::Role => self.open_picker(world, FormPick::Role, String::new()),
                FormField::Caller => self.open_picker(world, FormPick::Caller, String::new()),
                FormField::Mfa => self.mfa = !self.mfa,
                FormField::Run => return self.run(world),
                _ => self.focus = (self.focus + 1).min(n - 1),
            },
            Command::Run => return self.run(world),
            Command::Troubleshoot => {
                let symptom = self
                    .wizard
                    .unwrap_or(crate::engine::wizard::Symptom::CallerAndRole);
                return self.diagnose(world, symptom);
            }
            Command::Toggle => self.mfa = !self.mfa,
            Command::Input(' ') if self.focused() == FormField::Mfa => self.mfa = !self.mfa,
            Command::Input(ch) => self.edit(world, |s| s.push(*ch)),
            Command::Paste(text) => self.edit(world, |s| s.push_str(text)),
            Command::Backspace => self.edit(world, |s| {
                s.pop();
            }),
            Command::ClearInput => self.edit(world, String::clear),
            Command::Back => return Outcome::Close,
            _ => return Outcome::Ignored,
        }
        Outcome::Done
    }

    /// Edits the focused field; typing on a picked field opens its picker with what was
    /// typed.
    fn edit(&mut self, world: &World, change: impl FnOnce(&mut String)) {
        let field = self.focused();
        if matches!(field, FormField::Role | FormField::Caller) {
            let mut q = String::new();
            change(&mut q);
            let purpose = if field == FormField::Role {
                FormPick::Role
            } else {
                FormPick::Caller
            };
            self.open_picker(world, purpose, q);
            return;
        }
        if matches!(field, FormField::Mfa | FormField::Run) {
            return;
        }
        if let Some(v) = self.fields.get_mut(self.focus) {
            change(v);
        }
    }

    fn open_picker(&mut self, world: &World, purpose: FormPick, query: String) {
        let choices = match purpose {
            FormPick::Role => world.role_choices(),
            FormPick::Caller => world.caller_choices(),
        };
        self.picker = Some(Picker::new(purpose, query, choices));
    }

    /// Enter in the picker: the role or caller chosen, on to the next field.
    fn choose(&mut self, world: &World) {
        let Some(p) = self.picker.take() else { return };
        let Some(choice) = p.current().cloned() else {
            self.picker = Some(p);
            return;
        };
        match p.purpose {
            FormPick::Role => {
                self.role = choice.role;
                self.fields[0] = choice
                    .role
                    .and_then(|r| world.inventory.roles.get(r))
                    .map(|r| r.name.clone())
                    .unwrap_or_default();
            }
            FormPick::Caller => {
                self.caller = choice.caller;
                self.caller_label = format!("{} {}", choice.group, choice.label);
                self.fields[1].clone_from(&self.caller_label);
            }
        }
        self.outcome = None;
        // On to the next field that needs input: a role or caller already picked (the
        // session a chain starts from) is passed over.
        let last = FormField::ALL.len() - 1;
        let mut next = (self.focus + 1).min(last);
        while next < last && self.picked(FormField::ALL[next]) {
            next += 1;
        }
        self.focus = next;
    }

    /// True for the role or caller field once it holds a pick.
    fn picked(&self, field: FormField) -> bool {
        match field {
            FormField::Role => self.role.is_some(),
            FormField::Caller => self.caller.is_some(),
            _ => false,
        }
    }

    /// Runs the call at the simulated time: a session issued joins the world's sessions
    /// (and the Sessions panel selects it); a refusal shows every failing check. In
    /// troubleshooting mode, diagnoses it instead.
    fn run(&mut self, world: &mut World) -> Outcome {
        if let Some(symptom) = self.wizard {
            return self.diagnose(world, symptom);
        }
        let input = match form_input(world, self) {
            Ok(i) => i,
            Err(msg) => {
                self.outcome = Some(FormOutcome::Invalid(msg));
                self.show_result(world);
                return Outcome::Done;
            }
        };
        let Some(caller) = self.caller.clone() else {
            return Outcome::Done;
        };
        let role_index = self.role;
        let session = match &caller {
            Caller::Session { id } => world.session(*id),
            _ => None,
        };
        let view = CallerView {
            caller: &caller,
            session: session.map(|s| &s.issued),
            session_role_arn: session.map(|s| s.role_arn.as_str()),
        };
        let result = world
            .simulator
            .assume(&world.inventory, &view, &input, world.now);
        let mut chain_names =
            session.map_or_else(|| vec![world.caller_name(&caller)], |s| s.chain.clone());
        let role_name = role_index
            .and_then(|r| world.inventory.roles.get(r))
            .map(|r| r.name.clone())
            .unwrap_or_default();
        world.last_run = Some(LastRun {
            caller: caller.clone(),
            input: input.clone(),
            label: format!("{} → {role_name}", chain_names.join(" → ")),
            first: result.clone(),
            now: None,
        });
        let mut selected = None;
        let outcome = match result {
            Ok(issued) => {
                let id = world.next_session;
                world.next_session += 1;
                chain_names.push(role_name.clone());
                let text = format!(
                    "{} assumed {role_name}: {} until {}",
                    world.caller_name(&caller),
                    issued.session_arn,
                    issued.expires_at.format("%H:%M:%S")
                );
                world.sessions.push(Session {
                    id,
                    chain: chain_names,
                    role_arn: input.role_arn.clone(),
                    role_name,
                    caller: caller.clone(),
                    issued,
                    ended_at: None,
                    expiry_logged: false,
                });
                selected = Some(world.sessions.len() - 1);
                world.note(text);
                FormOutcome::Issued { session: id }
            }
            Err(refusal) => {
                let text = format!(
                    "{} could not assume {role_name}: {} ({} failing check{})",
                    world.caller_name(&caller),
                    refusal.code,
                    refusal.checks.len(),
                    if refusal.checks.len() == 1 { "" } else { "s" }
                );
                world.note(text);
                FormOutcome::Refused(refusal)
            }
        };
        self.outcome = Some(outcome);
        self.show_result(world);
        selected.map_or(Outcome::Done, Outcome::SelectSession)
    }

    /// Asks the troubleshooting wizard about the call the form describes, for `symptom`;
    /// a form that does not describe a call says what is missing.
    fn diagnose(&mut self, world: &World, symptom: crate::engine::wizard::Symptom) -> Outcome {
        let input = match form_input(world, self) {
            Ok(i) => i,
            Err(msg) => {
                self.outcome = Some(FormOutcome::Invalid(msg));
                self.show_result(world);
                return Outcome::Done;
            }
        };
        let Some(caller) = self.caller.clone() else {
            return Outcome::Done;
        };
        let session = match &caller {
            Caller::Session { id } => world.session(*id),
            _ => None,
        };
        let engine_session = session.and_then(|s| s.issued.engine.clone());
        let chain = session.map_or_else(|| vec![world.caller_name(&caller)], |s| s.chain.clone());
        let role_name = self
            .role
            .and_then(|r| world.inventory.roles.get(r))
            .map(|r| r.name.clone())
            .unwrap_or_default();
        let label = format!("{} → {role_name}", chain.join(" → "));
        match crate::tui::sim::build_request(
            &world.inventory,
            &caller,
            engine_session.as_deref(),
            &input,
            world.now,
        ) {
            Ok(request) => Outcome::Diagnose {
                symptom,
                label,
                request: Box::new(request),
            },
            Err(msg) => {
                self.outcome = Some(FormOutcome::Invalid(msg));
                self.show_result(world);
                Outcome::Done
            }
        }
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, world: &World, theme: Theme) {
        draw::render(frame, area, world, self, theme);
    }
}

/// A Simulate form filled in for `hop` (with this duration when one is asked for); `None`
/// when the hop's caller is a role with no live session to call as (the status line says
/// so).
pub fn for_hop(world: &mut World, hop: &Prefill, duration: Option<i64>) -> Option<SimForm> {
    let mut hop = hop.clone();
    // A role caller with a live simulated session calls as that session (role chaining);
    // the list may have been built before the session existed or after it ended.
    let role_arn = match &hop.caller {
        Caller::Role { arn } => Some(arn.clone()),
        Caller::Session { id } => world
            .session(*id)
            .filter(|s| !s.is_usable(world.now))
            .map(|s| s.role_arn.clone()),
        _ => None,
    };
    if let Some(arn) = role_arn {
        let now = world.now;
        match world
            .sessions
            .iter()
            .rev()
            .find(|s| s.role_arn == arn && s.is_usable(now))
        {
            Some(s) => {
                hop.caller = Caller::Session { id: s.id };
                hop.caller_label =
                    format!("session {} ({})", s.issued.session_arn, s.chain.join(" → "));
                hop.note = None;
            }
            None => {
                // No live session of the caller role. The engine's one rule for a hop: a
                // role calls only as a session of itself, so nothing is simulated until one
                // exists (never an instance profile the role may not be trusted for).
                let target = world
                    .inventory
                    .roles
                    .get(hop.role)
                    .map(|r| r.arn.clone())
                    .unwrap_or_default();
                if let crate::engine::sts::hop::HopRequest::NeedsSession { message, .. } =
                    crate::engine::sts::hop::hop_request(
                        &arn,
                        &target,
                        &hop.request,
                        crate::engine::sts::hop::CallerSessions::Live(&[]),
                        now,
                    )
                {
                    world.say(message, true);
                    return None;
                }
            }
        }
    }
    let mut form = prefilled_form(world, &hop);
    if let (Some(d), Some(i)) = (
        duration,
        FormField::ALL
            .iter()
            .position(|f| *f == FormField::Duration),
    ) {
        form.fields[i] = d.to_string();
    }
    match &hop.note {
        Some(n) => world.say(n.clone(), false),
        None => world.say(
            "the form holds what this hop needs; Enter on [ Simulate ] runs it",
            false,
        ),
    }
    Some(form)
}

/// The form's keys.
#[must_use]
pub fn keys() -> Vec<Binding> {
    let mut keys = vec![
        b(
            vec![k(KeyCode::Tab), k(KeyCode::Down)],
            "Tab/↓",
            "next field",
            true,
            Command::FocusNext,
        ),
        b(
            vec![k(KeyCode::BackTab), k(KeyCode::Up)],
            "S-Tab/↑",
            "previous field",
            false,
            Command::FocusPrev,
        ),
        b(
            vec![k(KeyCode::Enter)],
            "Enter",
            "pick / next field / simulate",
            true,
            Command::Open,
        ),
        b(
            vec![ctrl('r')],
            "Ctrl-R",
            "simulate now",
            true,
            Command::Run,
        ),
        b(
            vec![ctrl('t')],
            "Ctrl-T",
            "troubleshoot this call (wizard)",
            false,
            Command::Troubleshoot,
        ),
    ];
    keys.extend(text_keys("clear the field"));
    keys.extend([
        b(
            vec![k(KeyCode::PageDown)],
            "PgDn",
            "scroll the result",
            false,
            Command::PageDown,
        ),
        b(
            vec![k(KeyCode::PageUp)],
            "PgUp",
            "scroll the result back",
            false,
            Command::PageUp,
        ),
        // Space reaches the form as a typed character (the event reader makes it a
        // toggle on the MFA box only), so it is listed here and bound to no key.
        b(
            Vec::new(),
            "Space",
            "on the MFA box: tick or untick it",
            false,
            Command::Toggle,
        ),
        b(vec![k(KeyCode::Esc)], "Esc", "close", true, Command::Back),
    ]);
    keys
}
