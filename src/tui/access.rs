//! The trust graph in the terminal face: the "who can assume" section of a role's detail
//! and the reach tree of a principal, both built from the engine's [`TrustGraph`] answers,
//! and the pre-filled Simulate form any of their hops opens (caller, role, and what the
//! hop needs: external ID, MFA, session name, tags, source identity, token claims, request
//! keys). Nothing here draws.
//!
//! Building the graph and following chains can take seconds on a large organisation, so
//! the questions run as [`AccessJob`]s off the loop (see [`run_job`]); the screens show
//! "working out…" until the answer comes back as a command, and only the newest answer to
//! each question is used.

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};

use crate::engine::escalation::LazyEscalations;
use crate::engine::escalation::walk::{StepPath, StepRow};
use crate::engine::graph::{
    ClassGrant, DEFAULT_MAX_DEPTH, Edge, EdgeStatus, ExternalAccess, NodeId, NodeKind, Path, Paths,
    PrincipalClass, Reach, TrustGraph, WhoCanAssume, WitnessRequest,
};
use crate::engine::model::Inventory;
use crate::engine::policy::context::ContextValue;
use crate::engine::sts::request::Request;
use crate::engine::whatif::{AccessDiff, WhatIf};
use crate::engine::wizard::{self, Report, Symptom};
use crate::tui::command::Command;
use crate::tui::escalation::{
    EscalationHop, ReachEscalation, Targets, paths_with_part, reach_with_part, who_with_part,
};
use crate::tui::sim::Caller;
use crate::tui::widgets::pane::Pane;
use crate::tui::widgets::text::human_secs;
use crate::tui::widgets::text::{TextLine, Tok};
use crate::tui::world::{SessionState, World};

/// A hop made ready for the Simulate form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefill {
    pub caller: Caller,
    /// How the form shows the caller (`user arn:…`, `session …`).
    pub caller_label: String,
    /// The role to assume, as an index into the inventory's roles.
    pub role: usize,
    /// What STS must be sent for the hop to work.
    pub request: WitnessRequest,
    /// A remark for the status line (e.g. why a role caller is not one of its sessions).
    pub note: Option<String>,
    /// Token claims the caller itself implies (the issuer of a built-in web-identity
    /// provider), written before the hop's own.
    pub token: Vec<(String, String)>,
}

/// A selectable line of a hop list: an assume-role hop (the Simulate form can be
/// pre-filled with it) or an escalation hop (`x` explains it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HopRow {
    Assume(Box<Prefill>),
    Escalate(Box<crate::tui::escalation::EscalationHop>),
}

impl HopRow {
    /// The assume-role hop, ready for the Simulate form.
    #[must_use]
    pub fn prefill(&self) -> Option<&Prefill> {
        match self {
            Self::Assume(p) => Some(p.as_ref()),
            Self::Escalate(_) => None,
        }
    }

    /// The escalation hop.
    #[must_use]
    pub fn escalation(&self) -> Option<&crate::tui::escalation::EscalationHop> {
        match self {
            Self::Assume(_) => None,
            Self::Escalate(h) => Some(h),
        }
    }
}

impl From<Prefill> for HopRow {
    fn from(p: Prefill) -> Self {
        Self::Assume(Box::new(p))
    }
}

/// A principal's short name for listings: a user or role name, the service, the account.
pub(crate) fn short(graph: &TrustGraph, n: NodeId) -> String {
    graph.node(n).name.clone()
}

pub(crate) fn kind_word(graph: &TrustGraph, n: NodeId) -> &'static str {
    graph.node(n).kind.word()
}

/// `alice → OpsEntry → ProdOperations`.
#[must_use]
pub fn path_text(graph: &TrustGraph, path: &Path) -> String {
    let mut out = Vec::new();
    if let Some(first) = path.hops.first() {
        out.push(short(graph, first.from));
    }
    for h in &path.hops {
        out.push(short(graph, h.to));
    }
    out.join(" → ")
}

pub(crate) fn badges(edge: &Edge) -> String {
    let b = edge.badges();
    if b.is_empty() {
        "no conditions".to_owned()
    } else {
        b.join(", ")
    }
}

/// The Simulate form's view of a graph principal calling `edge`, preferring a live
/// simulated session of a role caller (so a chain is simulated as chaining).
#[must_use]
pub fn prefill(world: &World, graph: &TrustGraph, edge: &Edge) -> Option<Prefill> {
    let role_arn = &graph.node(edge.to).id;
    let role = *world.inventory.index.role_by_arn.get(role_arn)?;
    let from = graph.node(edge.from);
    let mut note = None;
    let mut token = Vec::new();
    let (caller, caller_label) = match from.kind {
        NodeKind::User => (
            Caller::User {
                arn: from.id.clone(),
            },
            format!("user {}", from.id),
        ),
        NodeKind::Role => {
            let live = world.sessions.iter().rev().find(|s| {
                s.role_arn == from.id
                    && matches!(
                        s.state(world.now),
                        SessionState::Active | SessionState::ExpiringSoon
                    )
            });
            match live {
                Some(s) => (
                    Caller::Session { id: s.id },
                    format!("session {} ({})", s.issued.session_arn, s.chain.join(" → ")),
                ),
                None => {
                    note = Some(format!(
                        "no live session of {}: the form calls with the role's own credentials; assume {} first and chain (c) to see the 1-hour cap",
                        from.name, from.name
                    ));
                    (
                        Caller::Role {
                            arn: from.id.clone(),
                        },
                        format!("role {}", from.id),
                    )
                }
            }
        }
        NodeKind::Service => (
            Caller::Service {
                name: from.id.clone(),
            },
            format!("service {}", from.id),
        ),
        NodeKind::OidcProvider | NodeKind::SamlProvider => {
            let saml = from.kind == NodeKind::SamlProvider;
            if !saml && !from.id.starts_with("arn:") {
                // Cognito, Google, Amazon, Facebook: no IAM provider to read the issuer
                // from, so the token says it.
                token.push(("iss".to_owned(), format!("https://{}", from.id)));
            }
            (
                Caller::Federated {
                    provider_arn: from.id.clone(),
                    saml,
                },
                format!("{} {}", if saml { "SAML" } else { "OIDC" }, from.id),
            )
        }
        NodeKind::ExternalPrincipal => {
            let caller = if from.id.contains(":role/") {
                Caller::Role {
                    arn: from.id.clone(),
                }
            } else {
                Caller::User {
                    arn: from.id.clone(),
                }
            };
            (caller, format!("outside principal {}", from.id))
        }
        NodeKind::ExternalAccount | NodeKind::Everyone => {
            let arn = graph
                .simulate_request(edge)
                .map_or_else(|| from.id.clone(), |r| r.caller);
            note = Some(format!(
                "{} is a class of principals: the form calls as {arn}, one of them",
                from.name
            ));
            (Caller::User { arn: arn.clone() }, format!("user {arn}"))
        }
    };
    Some(Prefill {
        caller,
        caller_label,
        role,
        request: edge.request().clone(),
        note,
        token,
    })
}

/// The claims and request keys of a witness request as the form's `Key=Value` list:
/// token claims without their provider prefix (`…:sub` → `sub`), SAML keys without
/// `SAML:`, request keys (`aws:SourceIp`) as they are.
#[must_use]
pub fn claims_field(request: &WitnessRequest) -> String {
    let value = |v: &ContextValue| match v {
        ContextValue::Single(s) => s.clone(),
        ContextValue::Multi(m) => m.first().cloned().unwrap_or_default(),
    };
    let mut out = Vec::new();
    for (k, v) in &request.claims {
        if k.eq_ignore_ascii_case("SAML:aud") {
            // `SAML:aud` is the assertion's Recipient. The form sends the sign-in endpoint
            // unless told otherwise, so only another endpoint (a regional one) is written.
            let recipient = value(v);
            if recipient != crate::tui::sim::SIGN_IN_RECIPIENT {
                out.push(format!("Recipient={recipient}"));
            }
            continue;
        }
        let key = k.rsplit_once(':').map_or(k.as_str(), |(_, key)| key);
        out.push(format!("{key}={}", value(v)));
    }
    for (k, v) in &request.context {
        out.push(format!("{k}={}", value(v)));
    }
    out.join(", ")
}

pub(crate) fn hop_line(graph: &TrustGraph, edge: &Edge) -> TextLine {
    let tok = if edge.works() { Tok::Str } else { Tok::Problem };
    vec![
        (Tok::Plain, "  ".to_owned()),
        (
            Tok::Plain,
            format!("{} → {}  ", short(graph, edge.from), short(graph, edge.to)),
        ),
        (tok, format!("[{}]", badges(edge))),
    ]
}

fn class_text(c: &ClassGrant) -> String {
    let who = match &c.class {
        PrincipalClass::Account { account, loaded } => format!(
            "any principal of account {account}{} whose own policy allows it",
            if *loaded { "" } else { " (not loaded)" }
        ),
        PrincipalClass::Organization { org_ids } => {
            format!("any principal of organisation {}", org_ids.join(", "))
        }
        PrincipalClass::Everyone => "anyone (\"*\")".to_owned(),
    };
    let reqs: Vec<String> = c.requirements.iter().map(|r| r.badge()).collect();
    let reqs = if reqs.is_empty() {
        "no conditions".to_owned()
    } else {
        reqs.join(", ")
    };
    format!(
        "class: {who} [{reqs}] — statement {}, {} loaded member(s) found working",
        c.trust_statement, c.members_working
    )
}

/// A question for the trust graph (or the troubleshooting wizard), answered off the loop.
#[derive(Debug, Clone, PartialEq)]
pub enum AccessQuery {
    /// Who can assume the role (its index and ARN).
    Who { role: usize, arn: String },
    /// What a principal or session can reach; `refresh` replaces an open tree.
    Reach {
        from: ReachFrom,
        arn: String,
        refresh: bool,
    },
    /// Every path from a principal or session to a role (its index and ARN).
    Path {
        from: ReachFrom,
        arn: String,
        role: usize,
        role_arn: String,
    },
    /// Which roles principals outside the loaded accounts can assume, and the confused
    /// deputies.
    External,
    /// Who gained or lost access with the what-if edits.
    Diff,
    /// The wizard's checks of one call for one symptom.
    Diagnose(Box<Diagnose>),
}

/// A call for the wizard to diagnose.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnose {
    pub symptom: Symptom,
    /// `maria.garcia → ProdOperations`.
    pub label: String,
    pub request: Request,
    /// Fixes applied before this run, kept for the report.
    pub applied: Vec<String>,
}

/// One question with what answering it needs: the data (loaded and edited), the graph
/// (built by whichever job needs it first; the others wait for it).
#[derive(Debug, Clone)]
pub struct AccessJob {
    pub generation: u64,
    pub query: AccessQuery,
    pub whatif: WhatIf,
    pub graph: Arc<OnceLock<Arc<TrustGraph>>>,
    pub now: DateTime<Utc>,
}

impl PartialEq for AccessJob {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation && self.query == other.query
    }
}

impl Eq for AccessJob {}

/// Who can assume a role: the trust graph's answer, and the principals that get there only
/// through escalation hops (as `rolescope who-can-assume` lists them).
#[derive(Debug, Clone)]
pub struct WhoAnswer {
    pub who: WhoCanAssume,
    pub through: Vec<StepRow>,
    pub targets: Targets,
}

/// What a principal reaches: the trust graph's answer and its escalation part (as
/// `rolescope reach` answers it).
#[derive(Debug, Clone)]
pub struct ReachAnswer {
    pub reach: Arc<Reach>,
    pub escalation: ReachEscalation,
}

/// The paths to a role: the trust graph's answer, and the shortest path that takes an
/// escalation hop (as `rolescope path` gives it).
#[derive(Debug, Clone)]
pub struct PathsAnswer {
    pub paths: Arc<Paths>,
    pub escalation: Option<StepPath>,
    pub targets: Targets,
}

/// The answer.
#[derive(Debug, Clone)]
pub enum AccessResult {
    Who(WhoAnswer),
    Reach(ReachAnswer),
    Paths(PathsAnswer),
    External(ExternalAccess),
    Diff(AccessDiff),
    Diagnosed(Box<Report>),
    /// The principal is not in the graph, or the call cannot be simulated.
    Missing(String),
}

/// A job's answer, with the data it is about and the graph it came from.
#[derive(Debug, Clone)]
pub struct AccessAnswer {
    pub generation: u64,
    pub query: AccessQuery,
    pub inventory: Arc<Inventory>,
    pub graph: Option<Arc<TrustGraph>>,
    pub result: AccessResult,
}

/// The graph of `inventory`, built once per cell (concurrent callers wait for the first).
#[must_use]
pub fn graph_of(
    cell: &OnceLock<Arc<TrustGraph>>,
    inventory: &Arc<Inventory>,
    now: DateTime<Utc>,
) -> Arc<TrustGraph> {
    Arc::clone(cell.get_or_init(|| Arc::new(TrustGraph::build(Arc::clone(inventory), now))))
}

/// Answers one job (on a worker thread, or inline in tests and scripted playback).
#[must_use]
pub fn run_job(job: AccessJob) -> Command {
    let inventory = Arc::clone(job.whatif.inventory());
    let graph = || graph_of(&job.graph, &inventory, job.now);
    let (graph, result) = match &job.query {
        AccessQuery::Who { arn, .. } => {
            let g = graph();
            let r = match g.node_id(arn) {
                Some(n) => {
                    let esc = LazyEscalations::new(&g);
                    let (who, through, targets) = who_with_part(&g, &esc, n, DEFAULT_MAX_DEPTH);
                    AccessResult::Who(WhoAnswer {
                        who,
                        through,
                        targets,
                    })
                }
                None => AccessResult::Missing(format!("`{arn}` is not in the trust graph")),
            };
            (Some(g), r)
        }
        AccessQuery::Reach { arn, .. } => {
            let g = graph();
            let r = match g.node_id(arn) {
                Some(n) => {
                    let esc = LazyEscalations::new(&g);
                    let (reach, escalation) = reach_with_part(&g, &esc, n, DEFAULT_MAX_DEPTH);
                    AccessResult::Reach(ReachAnswer { reach, escalation })
                }
                None => {
                    AccessResult::Missing(format!("`{arn}` is not a principal of the trust graph"))
                }
            };
            (Some(g), r)
        }
        AccessQuery::Path { arn, role_arn, .. } => {
            let g = graph();
            let r = match (g.node_id(arn), g.node_id(role_arn)) {
                (Some(from), Some(to)) => {
                    let esc = LazyEscalations::new(&g);
                    let (paths, escalation, targets) =
                        paths_with_part(&g, &esc, from, to, DEFAULT_MAX_DEPTH);
                    AccessResult::Paths(PathsAnswer {
                        paths,
                        escalation,
                        targets,
                    })
                }
                (None, _) => {
                    AccessResult::Missing(format!("`{arn}` is not a principal of the trust graph"))
                }
                (_, None) => {
                    AccessResult::Missing(format!("`{role_arn}` is not a role of the trust graph"))
                }
            };
            (Some(g), r)
        }
        AccessQuery::External => {
            let g = graph();
            let r = AccessResult::External(g.external_access().clone());
            (Some(g), r)
        }
        AccessQuery::Diff => (None, AccessResult::Diff(job.whatif.access_diff())),
        AccessQuery::Diagnose(d) => (
            None,
            match wizard::diagnose(&job.whatif, d.symptom, &d.request, job.now) {
                Ok(report) => AccessResult::Diagnosed(Box::new(report)),
                Err(e) => AccessResult::Missing(format!("the wizard could not run this call: {e}")),
            },
        ),
    };
    Command::AccessDone(Box::new(AccessAnswer {
        generation: job.generation,
        query: job.query,
        inventory,
        graph,
        result,
    }))
}

/// A list pane saying its answer is being worked out.
#[must_use]
pub fn who_pending(text: &str) -> Pane {
    pending_pane("Who can assume (VIA and every hop)", text)
}

/// A list pane titled `title` holding one line of `text` (the answer is being worked out,
/// or could not be).
#[must_use]
pub fn pending_pane(title: &str, text: &str) -> Pane {
    let line = vec![vec![(Tok::Plain, text.to_owned())]];
    Pane {
        title: title.to_owned(),
        list: true,
        json: line.clone(),
        plain: line,
        ..Pane::default()
    }
}

/// Builds the "who can assume" pane from the graph's answer: every principal that can get
/// in, shortest path first, with each hop on its own selectable line (path and badges),
/// then the class grants and the direct callers whose half is missing.
#[must_use]
pub fn who_pane(world: &World, graph: &TrustGraph, full: &WhoAnswer) -> Pane {
    let answer = &full.who;
    let mut pane = Pane {
        title: "Who can assume (VIA and every hop)".into(),
        list: true,
        ..Pane::default()
    };
    let mut lines: Vec<TextLine> = vec![vec![(
        Tok::Heading,
        format!(
            "── {} principal(s) can get in · {} class grant(s) · {} broken ──",
            answer.rows.len(),
            answer.classes.len(),
            answer.broken.len()
        ),
    )]];
    if answer.rows.is_empty() && answer.classes.is_empty() {
        lines.push(vec![(
            Tok::Plain,
            "nobody among the loaded principals can assume this role".into(),
        )]);
    }
    for row in &answer.rows {
        let via: Vec<String> = row
            .path
            .via()
            .into_iter()
            .map(|n| short(graph, n))
            .collect();
        let via = if via.is_empty() {
            "directly".to_owned()
        } else {
            format!("VIA {}", via.join(" → "))
        };
        lines.push(principal_line(
            graph,
            row.principal,
            format!(
                " · {via} · {} hop(s) · max {}",
                row.path.len(),
                human_secs(i64::from(row.path.max_session_seconds))
            ),
        ));
        for hop in &row.path.hops {
            if let Some(p) = prefill(world, graph, hop) {
                pane.rows.push((lines.len(), p.into()));
            }
            lines.push(hop_line(graph, hop));
        }
    }
    if !full.through.is_empty() {
        lines.push(vec![(
            Tok::Heading,
            format!(
                "── {} more through escalation hops ({} = not an AssumeRole; x explains) ──",
                full.through.len(),
                crate::tui::escalation::GLYPH
            ),
        )]);
    }
    for row in &full.through {
        lines.push(principal_line(
            graph,
            row.principal,
            format!(
                " · {} · {} step(s)",
                crate::tui::escalation::steps_text(graph, &row.path),
                row.path.len()
            ),
        ));
        step_lines(
            world,
            graph,
            &full.targets,
            &row.path,
            &mut pane,
            &mut lines,
        );
    }
    for c in &answer.classes {
        lines.push(vec![(Tok::Plain, class_text(c))]);
    }
    if !answer.broken.is_empty() {
        lines.push(vec![(
            Tok::Heading,
            if answer.broken.iter().any(|e| e.status.is_unknown()) {
                "── broken or unknown: the trust lets them in, their own half is missing or not in the data ──"
            } else {
                "── broken: the trust lets them in, their own half is missing ──"
            }
            .into(),
        )]);
    }
    for e in &answer.broken {
        lines.push(vec![(
            Tok::Key,
            format!("{} {}", kind_word(graph, e.from), short(graph, e.from)),
        )]);
        if let Some(p) = prefill(world, graph, e) {
            pane.rows.push((lines.len(), p.into()));
        }
        lines.push(hop_line(graph, e));
        if let EdgeStatus::Broken { message, .. } = &e.status {
            lines.push(vec![(Tok::Problem, format!("    {message}"))]);
        }
        if let Some(why) = e.status.unknown_reason() {
            lines.push(vec![(Tok::Problem, format!("    unknown: {why}"))]);
        }
    }
    fill_pane(&mut pane, lines);
    pane
}

/// A principal's heading in the who-can-assume list: `user maria.garcia`, then `rest`.
fn principal_line(graph: &TrustGraph, n: NodeId, rest: String) -> TextLine {
    vec![
        (
            Tok::Key,
            format!("{} {}", kind_word(graph, n), short(graph, n)),
        ),
        (Tok::Plain, rest),
    ]
}

/// The steps of a mixed path, each on its own selectable line: an assume-role hop (the
/// Simulate form pre-filled) or an escalation hop marked `⇪` (explained with `x`).
pub(crate) fn step_lines(
    world: &World,
    graph: &TrustGraph,
    targets: &Targets,
    path: &StepPath,
    pane: &mut Pane,
    lines: &mut Vec<TextLine>,
) {
    for step in &path.steps {
        match step {
            crate::engine::escalation::Step::Assume(e) => {
                if let Some(p) = prefill(world, graph, e) {
                    pane.rows.push((lines.len(), p.into()));
                }
                lines.push(hop_line(graph, e));
            }
            crate::engine::escalation::Step::Escalate(e) => {
                let hop = EscalationHop::new(&world.inventory, graph, targets, e);
                lines.push(crate::tui::escalation::hop_line(&hop));
                pane.rows
                    .push((lines.len() - 1, HopRow::Escalate(Box::new(hop))));
            }
        }
    }
}

/// Puts `lines` in a list pane (both readings, and as text for copying).
pub(crate) fn fill_pane(pane: &mut Pane, lines: Vec<TextLine>) {
    pane.raw = lines
        .iter()
        .map(|l| l.iter().map(|(_, s)| s.as_str()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n");
    pane.plain.clone_from(&lines);
    pane.json = lines;
}

/// Where a reach tree starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReachFrom {
    /// A user or role of the loaded data (its ARN).
    Principal(String),
    /// A simulated session: reach from its role, calling as the session.
    Session(u32),
}

/// The ARN a reach tree starts from, and its title.
///
/// # Errors
/// When the session is gone.
pub fn reach_start(world: &World, from: &ReachFrom) -> Result<(String, String), String> {
    Ok(match from {
        ReachFrom::Principal(arn) => (arn.clone(), format!("What {arn} can reach")),
        ReachFrom::Session(id) => {
            let s = world
                .session(*id)
                .ok_or("the session is gone; pick another in the Sessions panel")?;
            (
                s.role_arn.clone(),
                format!(
                    "What session {} can reach (chaining: each first hop is capped at 1 h)",
                    s.issued.session_arn
                ),
            )
        }
    })
}

/// When `from` is a simulated session, makes `hop` (a first hop out of its role) a call
/// by the session itself: role chaining, as the Simulate form will then show.
pub(crate) fn called_by_session(world: &World, from: &ReachFrom, hop: &mut Prefill) {
    if let ReachFrom::Session(id) = from
        && let Some(s) = world.session(*id)
    {
        hop.caller = Caller::Session { id: *id };
        hop.caller_label = format!("session {} ({})", s.issued.session_arn, s.chain.join(" → "));
        hop.note = None;
    }
}

/// The longest session the last role of `path` can be given when the path starts at
/// `from`: a session's first hop is role chaining, capped at one hour.
pub(crate) fn max_session(from: &ReachFrom, path: &Path) -> u32 {
    if matches!(from, ReachFrom::Session(_)) {
        path.max_session_seconds
            .min(crate::engine::graph::CHAIN_CAP_SECONDS)
    } else {
        path.max_session_seconds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saml_request(aud: &str) -> WitnessRequest {
        let mut w = WitnessRequest::default();
        w.claims
            .insert("SAML:aud".to_owned(), ContextValue::Single(aud.to_owned()));
        w.claims.insert(
            "saml:edupersonaffiliation".to_owned(),
            ContextValue::Single("staff".to_owned()),
        );
        w
    }

    #[test]
    fn a_regional_saml_audience_is_sent_as_the_assertions_recipient() {
        // AWS: SAML:aud is the SubjectConfirmationData Recipient, the sign-in endpoint the
        // IdP posts to; regional endpoints are https://<region>.signin.aws.amazon.com/saml
        // (IAM User Guide, "Configure SAML assertions for the authentication response").
        let regional = "https://eu-west-1.signin.aws.amazon.com/saml";
        assert_eq!(
            claims_field(&saml_request(regional)),
            format!("Recipient={regional}, edupersonaffiliation=staff")
        );
        assert_eq!(
            claims_field(&saml_request(crate::tui::sim::SIGN_IN_RECIPIENT)),
            "edupersonaffiliation=staff",
            "the default endpoint is what the form sends anyway"
        );
    }
}
