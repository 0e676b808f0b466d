//! The whole state of the terminal face. Only the loop mutates it, through
//! `update::apply`; the screen is drawn from it alone, so a frame is fully determined by
//! a state (and a snapshot test can pin the clock).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::engine::model::Inventory;
use crate::tui::clock::SimClock;
use crate::tui::facts::{self, RoleFacts};
pub use crate::tui::screen::Overlay;
pub use crate::tui::screens::detail::{Detail, Subject, SummaryLine};
use crate::tui::search::{EntityIndex, Query, Sort};
use crate::tui::sim::{AssumeInput, Caller, Simulator};
pub use crate::tui::widgets::pane::Pane;
pub use crate::tui::widgets::text::{TextLine, Tok};
pub use crate::tui::world::{
    Choice, EXPIRING_SOON, LogEntry, Session, SessionState, Status, World,
};

/// The browsable lists, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Roles,
    Users,
    Groups,
    Providers,
}

impl Tab {
    pub const ALL: [Self; 4] = [Self::Roles, Self::Users, Self::Groups, Self::Providers];

    #[must_use]
    pub fn index(self) -> usize {
        match self {
            Self::Roles => 0,
            Self::Users => 1,
            Self::Groups => 2,
            Self::Providers => 3,
        }
    }

    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Roles => "Roles",
            Self::Users => "Users",
            Self::Groups => "Groups",
            Self::Providers => "Identity providers",
        }
    }
}

/// One browsable list: its query, filters, current results and cursor.
#[derive(Debug, Clone, Default)]
pub struct ListView {
    pub query: String,
    /// True while the search box has the keyboard.
    pub editing: bool,
    pub kind: Option<u8>,
    pub account: Option<u16>,
    pub sort: Sort,
    /// The results on screen, and the query they answer.
    pub hits: Arc<Vec<u32>>,
    pub hits_for: Query,
    /// Bumped on every query change; results of older generations are dropped.
    pub generation: u64,
    pub selected: usize,
    pub offset: usize,
}

impl ListView {
    /// The query as it stands now (text, filters, order).
    #[must_use]
    pub fn query(&self) -> Query {
        Query {
            text: self.query.clone(),
            kind: self.kind,
            account: self.account,
            sort: self.sort,
        }
    }

    /// True while results for the current query have not arrived yet.
    #[must_use]
    pub fn pending(&self) -> bool {
        self.hits_for != self.query()
    }

    /// The entity number under the cursor.
    #[must_use]
    pub fn current(&self) -> Option<usize> {
        self.hits.get(self.selected).map(|&i| i as usize)
    }
}

/// Where keyboard focus is on the main screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Main,
    Sessions,
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

/// What a picker chooses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerFor {
    /// The Simulate form's role.
    Role,
    /// The Simulate form's caller.
    Caller,
    /// The role a path from this principal or session should lead to (a picker of its
    /// own, not inside the form).
    PathTo(crate::tui::access::ReachFrom),
}

/// A fuzzy picker over a short list.
#[derive(Debug, Clone)]
pub struct Picker {
    pub purpose: PickerFor,
    pub query: String,
    pub choices: Vec<Choice>,
    /// Matching choices (index, matched character positions), best first.
    pub hits: Vec<(usize, Vec<u32>)>,
    pub selected: usize,
}

/// The outcome shown in the form after running it.
#[derive(Debug, Clone)]
pub enum FormOutcome {
    Issued { session: u32 },
    Refused(crate::tui::sim::Refusal),
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
    pub picker: Option<Picker>,
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

/// The Ask form: may a session do an action on a resource?
#[derive(Debug, Clone, Default)]
pub struct AskForm {
    pub session: u32,
    pub action: String,
    pub resource: String,
    /// 0 = action, 1 = resource.
    pub focus: usize,
    pub answer: Option<crate::tui::sim::Answer>,
}

/// The generations of the graph questions a screen waits for (an older answer is dropped).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    /// `v` was pressed: the reach tree opens when this answer comes.
    pub reach: Option<u64>,
    /// The path view waits for its paths.
    pub path: Option<u64>,
    /// The external-access view waits for its findings.
    pub external: Option<u64>,
}

/// Everything the app knows: the shared [`World`] and the state of the screens. Reading a
/// world field through the state (`state.world.now`) reads the world.
pub struct AppState {
    pub world: World,
    /// The questions whose newest answer a screen waits for.
    pub waiting: Waiting,
    pub tab: Tab,
    pub lists: [ListView; 4],
    pub detail: Option<Detail>,
    pub focus: Focus,
    pub overlay: Option<Overlay>,
    /// Overlays under the current one, shown again when it closes (a form opened from the
    /// reach tree goes back to the tree).
    pub overlay_stack: Vec<Overlay>,
    pub session_selected: usize,
    pub sessions_collapsed: bool,
}

impl std::ops::Deref for AppState {
    type Target = World;
    fn deref(&self) -> &World {
        &self.world
    }
}

impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut World {
        &mut self.world
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("tab", &self.tab)
            .field("focus", &self.focus)
            .field("sessions", &self.world.sessions.len())
            .field("now", &self.world.now)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// A fresh state over `inventory`, with the simulated clock starting at `start`.
    #[must_use]
    pub fn new(
        inventory: Arc<Inventory>,
        simulator: Arc<dyn Simulator>,
        start: DateTime<Utc>,
    ) -> Self {
        let role_facts: Vec<RoleFacts> = facts::all_role_facts(&inventory);
        let indexes = [
            Arc::new(EntityIndex::new(facts::role_entries(
                &inventory,
                &role_facts,
            ))),
            Arc::new(EntityIndex::new(facts::user_entries(&inventory))),
            Arc::new(EntityIndex::new(facts::group_entries(&inventory))),
            Arc::new(EntityIndex::new(facts::provider_entries(&inventory))),
        ];
        let mut state = Self {
            world: World {
                whatif: crate::engine::whatif::WhatIf::new(Arc::clone(&inventory)),
                last_run: None,
                inventory,
                graph: Arc::default(),
                access_generation: 0,
                access_diff: None,
                diff_waiting: None,
                diagnose_waiting: None,
                outbox: Vec::new(),
                role_facts: Arc::new(role_facts),
                indexes,
                simulator,
                sessions: Vec::new(),
                next_session: 1,
                log: Vec::new(),
                clock: SimClock::new(start),
                elapsed: Duration::ZERO,
                now: start,
                width: 80,
                height: 24,
                status: None,
                teach: crate::tui::teach::Teach::default(),
                no_color: false,
                palette: crate::tui::theme::Palette::Dark,
                presenter_palette: crate::tui::theme::Palette::HighContrast,
                keys: Arc::default(),
                profiles_input: None,
                profiles_generation: 0,
                quit: false,
                dirty: true,
            },
            waiting: Waiting::default(),
            tab: Tab::Roles,
            lists: Default::default(),
            detail: None,
            focus: Focus::Main,
            overlay: None,
            overlay_stack: Vec::new(),
            session_selected: 0,
            sessions_collapsed: false,
        };
        // The unfiltered lists are known without searching: show them at once.
        for (i, list) in state.lists.iter_mut().enumerate() {
            let q = list.query();
            let mut searcher = crate::tui::search::Searcher::new();
            list.hits = Arc::new(searcher.search(&state.world.indexes[i], &q, None));
            list.hits_for = q;
        }
        state
    }

    #[must_use]
    pub fn list(&self) -> &ListView {
        &self.lists[self.tab.index()]
    }

    pub fn list_mut(&mut self) -> &mut ListView {
        &mut self.lists[self.tab.index()]
    }

    /// Makes the search indexes of the lists a what-if edit can change again (roles, whose
    /// kinds follow their documents, and providers, which a fix can add), hands them to the
    /// search worker and asks every list's query again.
    pub fn reindex(&mut self) {
        let inv = &self.world.inventory;
        let new = vec![
            (
                Tab::Roles.index(),
                Arc::new(EntityIndex::new(facts::role_entries(
                    inv,
                    &self.world.role_facts,
                ))),
            ),
            (
                Tab::Providers.index(),
                Arc::new(EntityIndex::new(facts::provider_entries(inv))),
            ),
        ];
        for (list, index) in &new {
            if let Some(slot) = self.world.indexes.get_mut(*list) {
                *slot = Arc::clone(index);
            }
        }
        self.world.outbox.push(crate::tui::command::Effect::Reindex(
            crate::tui::search::NewIndexes(new),
        ));
        for (i, list) in self.lists.iter_mut().enumerate() {
            list.generation += 1;
            let Some(len) = self.world.indexes.get(i).map(|x| x.len()) else {
                continue;
            };
            list.selected = list.selected.min(len.saturating_sub(1));
            self.world.outbox.push(crate::tui::command::Effect::Search(
                crate::tui::search::Request {
                    list: i,
                    generation: list.generation,
                    query: list.query(),
                },
            ));
        }
    }

    /// The number of entities in the current tab's collection.
    #[must_use]
    pub fn loaded(&self, tab: Tab) -> usize {
        self.world.indexes[tab.index()].len()
    }

    /// The session under the cursor in the Sessions panel.
    #[must_use]
    pub fn selected_session(&self) -> Option<&Session> {
        self.world.sessions.get(self.session_selected)
    }

    /// A fresh Simulate form for `role`, with the caller preset when given.
    #[must_use]
    pub fn new_form(&self, role: Option<usize>, caller: Option<(Caller, String)>) -> SimForm {
        let mut fields = vec![String::new(); FormField::ALL.len()];
        if let Some(r) = role.and_then(|r| self.world.inventory.roles.get(r)) {
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
    pub fn prefilled_form(&self, p: &crate::tui::access::Prefill) -> SimForm {
        let mut form = self.new_form(
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
        form.mfa = r.mfa
            && !matches!(
                p.caller,
                crate::tui::sim::Caller::Role { .. } | crate::tui::sim::Caller::Session { .. }
            );
        form.focus = FormField::ALL.len() - 1;
        form
    }

    /// Reads the form into a simulator request, or says which field is wrong.
    ///
    /// # Errors
    /// A message naming the field and what to enter.
    pub fn form_input(&self, form: &SimForm) -> Result<AssumeInput, String> {
        let role = form
            .role
            .and_then(|r| self.world.inventory.roles.get(r))
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
}
