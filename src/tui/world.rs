//! The shared world every screen reads: the loaded data with its what-if edits, the trust
//! graph, the simulator, the simulated sessions and their clock, the event log, the status
//! line, the teaching state and the settings. It knows no screen: screens read it (and the
//! app's loop writes it), so no screen reaches into another through it.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::engine::graph::TrustGraph;
use crate::engine::model::Inventory;
use crate::tui::clock::SimClock;
use crate::tui::facts::RoleFacts;
use crate::tui::search::EntityIndex;
use crate::tui::sim::{Caller, Issued, Simulator};

/// A simulated session.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: u32,
    /// Display names from the original caller to this session's role.
    pub chain: Vec<String>,
    pub role_arn: String,
    pub role_name: String,
    pub caller: Caller,
    pub issued: Issued,
    /// When the user ended it.
    pub ended_at: Option<DateTime<Utc>>,
    /// True once the expiry has been written to the log.
    pub expiry_logged: bool,
}

/// Where a session stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Active,
    ExpiringSoon,
    Expired,
    Ended,
}

/// Sessions with at most this long left are "expiring soon".
pub const EXPIRING_SOON: TimeDelta = TimeDelta::minutes(5);

impl Session {
    #[must_use]
    pub fn state(&self, now: DateTime<Utc>) -> SessionState {
        if self.ended_at.is_some() {
            SessionState::Ended
        } else if now >= self.issued.expires_at {
            SessionState::Expired
        } else if self.issued.expires_at - now <= EXPIRING_SOON {
            SessionState::ExpiringSoon
        } else {
            SessionState::Active
        }
    }

    #[must_use]
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        matches!(
            self.state(now),
            SessionState::Active | SessionState::ExpiringSoon
        )
    }
}

/// One line of the event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub text: String,
}

/// A status-line message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// A choice offered by a picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// What the list shows (and matches against).
    pub label: String,
    /// A short category: user, role, session, service, OIDC, SAML.
    pub group: &'static str,
    pub caller: Option<Caller>,
    pub role: Option<usize>,
}

/// The last simulation run from the form, kept to run it again after each edit.
#[derive(Debug, Clone)]
pub struct LastRun {
    pub caller: Caller,
    pub input: crate::tui::sim::AssumeInput,
    /// `maria.garcia → ProdOperations`.
    pub label: String,
    /// Its answer on the data of the time it ran, and on the data now.
    pub first: Result<crate::tui::sim::Issued, crate::tui::sim::Refusal>,
    pub now: Option<Result<crate::tui::sim::Issued, crate::tui::sim::Refusal>>,
}

/// What every screen may read: the data, the sessions, the clock, the settings.
pub struct World {
    /// The data on screen: the loaded data with the what-if edits applied.
    pub inventory: Arc<Inventory>,
    /// The what-if overlay: the loaded data and the edits laid over it.
    pub whatif: crate::engine::whatif::WhatIf,
    /// The last simulation run from the form, run again after each edit.
    pub last_run: Option<LastRun>,
    /// The trust graph of `inventory`, built by the first question that needs it (off the
    /// loop); replaced by an empty cell when the data changes.
    pub graph: Arc<std::sync::OnceLock<Arc<TrustGraph>>>,
    /// The escalation edges of `inventory`, decided by the first question that needs them
    /// (off the loop); replaced with the graph.
    pub escalations: Arc<std::sync::OnceLock<Arc<crate::engine::escalation::Escalations>>>,
    /// The newest question put to the graph; older answers are dropped.
    pub access_generation: u64,
    /// The newest answer to "who gained or lost access", for the what-if view.
    pub access_diff: Option<crate::engine::whatif::AccessDiff>,
    /// The question whose answer `access_diff` waits for; an older answer is dropped.
    pub diff_waiting: Option<u64>,
    /// The troubleshooting wizard's newest question; an older answer is dropped.
    pub diagnose_waiting: Option<u64>,
    /// Effects raised outside `update::apply`'s own arms (by views rebuilt after an edit);
    /// `apply` hands them to the loop with its own.
    pub outbox: Vec<crate::tui::command::Effect>,
    pub role_facts: Arc<Vec<RoleFacts>>,
    pub indexes: [Arc<EntityIndex>; 4],
    pub simulator: Arc<dyn Simulator>,
    pub sessions: Vec<Session>,
    pub next_session: u32,
    pub log: Vec<LogEntry>,
    pub clock: SimClock,
    /// Real time since start, as last ticked.
    pub elapsed: Duration,
    /// Simulated time, as last ticked; what every timer on screen is computed from.
    pub now: DateTime<Utc>,
    pub width: u16,
    pub height: u16,
    pub status: Option<Status>,
    /// Lessons, presenter mode and the glossary.
    pub teach: crate::tui::teach::Teach,
    pub no_color: bool,
    /// The palette the screens are drawn in (outside presenter mode).
    pub palette: crate::tui::theme::Palette,
    /// The palette presenter mode switches to.
    pub presenter_palette: crate::tui::theme::Palette,
    /// The keys the configuration remapped, applied over the key tables.
    pub keys: Arc<crate::tui::keys::Remap>,
    /// Where `O` reads the user's AWS CLI profiles from.
    pub profiles_input: Option<crate::tui::profiles::ProfilesInput>,
    /// Bumped by every profiles check; the answer of an older one is dropped.
    pub profiles_generation: u64,
    pub quit: bool,
    /// Set when the frame on screen no longer matches the state.
    pub dirty: bool,
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("sessions", &self.sessions.len())
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

impl World {
    /// Puts a message on the status line (`error` shows it as one).
    pub fn say(&mut self, text: impl Into<String>, error: bool) {
        self.status = Some(Status {
            text: text.into(),
            error,
        });
    }

    /// Sends `text` to the terminal's clipboard (OSC 52), `what` naming it on the status
    /// line. The terminal answers nothing, so the message says it was sent, not copied.
    pub fn copy(&mut self, what: &str, text: String) -> crate::tui::command::Effect {
        self.say(
            format!(
                "sent {what} to the terminal's clipboard (OSC 52); whether it was copied is up to the terminal (some ignore OSC 52)"
            ),
            false,
        );
        crate::tui::command::Effect::Clipboard(text)
    }

    /// Writes a line to the event log, at the simulated clock's time.
    pub fn note(&mut self, text: impl Into<String>) {
        self.log.push(LogEntry {
            at: self.now,
            text: text.into(),
        });
    }

    /// Puts the what-if overlay's data in place of the data on screen: the inventory, the
    /// simulator's copy, the trust graph (built again when next asked) and the role facts.
    /// Nothing to do when it is already in place.
    pub fn take_whatif_data(&mut self) {
        let inv = Arc::clone(self.whatif.inventory());
        if Arc::ptr_eq(&inv, &self.inventory) {
            return;
        }
        self.inventory = Arc::clone(&inv);
        self.simulator.reload(Arc::clone(&inv));
        self.graph = Arc::default();
        self.escalations = Arc::default();
        self.role_facts = Arc::new(crate::tui::facts::all_role_facts(&inv));
    }

    /// The styles to draw with: presenter mode's palette while it is on, `NO_COLOR` first.
    #[must_use]
    pub fn theme(&self) -> crate::tui::theme::Theme {
        let palette = if self.teach.presenter {
            self.presenter_palette
        } else {
            self.palette
        };
        crate::tui::theme::Theme::new(palette, !self.no_color)
    }

    #[must_use]
    pub fn session(&self, id: u32) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == id)
    }

    /// Who "you" are: the newest usable session, if any.
    #[must_use]
    pub fn you(&self) -> Option<&Session> {
        self.sessions.iter().rev().find(|s| s.is_usable(self.now))
    }

    /// The soonest expiry still ahead of the clock.
    #[must_use]
    pub fn next_expiry(&self) -> Option<DateTime<Utc>> {
        self.sessions
            .iter()
            .filter(|s| s.ended_at.is_none() && s.issued.expires_at > self.now)
            .map(|s| s.issued.expires_at)
            .min()
    }

    /// Puts a question to the trust graph: the loop answers it off the loop and sends the
    /// answer back as `Command::AccessDone`.
    pub fn ask_graph(&mut self, query: crate::tui::access::AccessQuery) {
        self.access_generation += 1;
        self.outbox
            .push(crate::tui::command::Effect::Access(Box::new(
                crate::tui::access::AccessJob {
                    generation: self.access_generation,
                    query,
                    whatif: self.whatif.clone(),
                    graph: Arc::clone(&self.graph),
                    escalations: Arc::clone(&self.escalations),
                    now: self.now,
                },
            )));
    }

    /// Every caller the Simulate form can offer: users, roles, usable sessions, the
    /// service principals trust policies name, and the identity providers.
    #[must_use]
    pub fn caller_choices(&self) -> Vec<Choice> {
        let inv = &self.inventory;
        let mut out = Vec::new();
        for s in self.sessions.iter().filter(|s| s.is_usable(self.now)).rev() {
            out.push(Choice {
                label: format!("{} ({})", s.issued.session_arn, s.chain.join(" → ")),
                group: "session",
                caller: Some(Caller::Session { id: s.id }),
                role: None,
            });
        }
        for u in &inv.users {
            out.push(Choice {
                label: u.arn.clone(),
                group: "user",
                caller: Some(Caller::User { arn: u.arn.clone() }),
                role: None,
            });
        }
        let mut services: Vec<String> = Vec::new();
        for r in &inv.roles {
            if let Some(doc) = r.trust_policy.document.as_deref() {
                for s in &doc.statements {
                    if let Some(crate::engine::policy::document::Principals::Listed(l)) =
                        &s.principal
                    {
                        for (k, v) in l {
                            if *k == crate::engine::policy::document::PrincipalKind::Service {
                                services.push(v.clone());
                            }
                        }
                    }
                }
            }
        }
        services.sort();
        services.dedup();
        for name in services {
            out.push(Choice {
                label: name.clone(),
                group: "service",
                caller: Some(Caller::Service { name }),
                role: None,
            });
        }
        for p in &inv.identity_providers {
            let saml = p.provider_type == crate::engine::model::ProviderType::Saml;
            out.push(Choice {
                label: p.arn.clone(),
                group: if saml { "SAML" } else { "OIDC" },
                caller: Some(Caller::Federated {
                    provider_arn: p.arn.clone(),
                    saml,
                }),
                role: None,
            });
        }
        for r in &inv.roles {
            out.push(Choice {
                label: r.arn.clone(),
                group: "role",
                caller: Some(Caller::Role { arn: r.arn.clone() }),
                role: None,
            });
        }
        out
    }

    /// Every role, as picker choices.
    #[must_use]
    pub fn role_choices(&self) -> Vec<Choice> {
        self.inventory
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| Choice {
                label: r.arn.clone(),
                group: "role",
                caller: None,
                role: Some(i),
            })
            .collect()
    }

    /// A display name for a caller: the user or role name, the session's role, the service.
    #[must_use]
    pub fn caller_name(&self, caller: &Caller) -> String {
        match caller {
            Caller::User { arn } | Caller::Role { arn } => {
                arn.rsplit('/').next().unwrap_or(arn).to_owned()
            }
            Caller::Session { id } => self
                .session(*id)
                .map_or_else(|| format!("session {id}"), |s| s.role_name.clone()),
            Caller::Service { name } => name.clone(),
            Caller::Federated { provider_arn, .. } => provider_arn
                .split_once('/')
                .map_or(provider_arn.as_str(), |(_, p)| p)
                .to_owned(),
        }
    }
}
