//! The lesson player: plays a lesson's steps against the engine without any screen, keeps
//! the simulated clock, the sessions steps obtained, the what-if overlay and the learner's
//! score, and checks each step's `expect` table against what the engine answered.
//!
//! The interactive face drives the same player (one step per key press) and draws its
//! reports; tests play whole lessons with [`Player::play_all`].

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::question::{Decider, DeciderSet};
use super::{GraphStep, Lesson, Step, glossary, parse_duration};
use crate::engine::graph::{DEFAULT_MAX_DEPTH, TrustGraph};
use crate::engine::lookup::find_role;
use crate::engine::model::Inventory;
use crate::engine::sts::Simulator;
use crate::engine::sts::outcome::Fix;
use crate::engine::sts::request::{CallerCredentials, Request, ResultDoc, SessionOrigin};
use crate::engine::sts::session::Session;
use crate::engine::whatif::{AccessDiff, DocumentKind, Edit, WhatIf, is_protected};
use crate::engine::wizard::{self, Ran};

/// Seconds left under which a session counts as expiring soon.
pub const EXPIRING_SOON_SECONDS: i64 = 300;

/// One expectation checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub key: String,
    pub expected: Value,
    /// What the engine answered (`null` when it said nothing about this key).
    pub actual: Value,
    pub passed: bool,
}

pub use super::trace::{TraceLine, TraceMark, human};

/// The right answer to a predict-then-reveal question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub succeeds: bool,
    /// The call's outcome depends on data that is not loaded: neither "succeeds" nor "fails"
    /// is right, and the question is not scored.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unknown: bool,
    /// The session's length, when one is issued.
    pub duration_seconds: Option<i64>,
    /// True for an STS call, where "for how long?" is part of the question.
    pub asks_duration: bool,
    /// The checks that decide the call: the answer to "which check decides it?".
    pub deciders: DeciderSet,
}

/// What a learner predicted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Prediction {
    pub succeeds: bool,
    /// Ignored when the learner predicts a failure.
    pub duration_seconds: Option<i64>,
}

/// How a prediction fared: one point for success or failure, one for the duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub outcome_right: bool,
    /// `None` when no duration was at stake (the call fails, or is not an STS call).
    pub duration_right: Option<bool>,
    pub points: u32,
    pub out_of: u32,
}

/// The score kept for a learner over the lesson.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Score {
    pub questions: u32,
    pub points: u32,
    pub out_of: u32,
}

/// One question put to the learner, with the answer given and the truth, for the recap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asked {
    /// 0-based step index.
    pub step: usize,
    pub question: String,
    pub given: String,
    pub truth: String,
    pub right: bool,
}

/// The end of a lesson: the takeaways, every question with the answer given and the truth,
/// the score and the glossary terms to review (term, explanation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recap {
    pub takeaways: Vec<String>,
    pub questions: Vec<Asked>,
    pub score: Score,
    pub terms: Vec<(String, String)>,
}

/// What happened at one step.
#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    /// 0-based.
    pub index: usize,
    pub title: String,
    /// Everything the step observed, by expectation key.
    pub observation: Map<String, Value>,
    pub checks: Vec<Check>,
    /// The simulation's result document, when the step ran one.
    pub result: Option<ResultDoc>,
    /// The simulation's checks, in order, to reveal one by one.
    pub trace: Vec<TraceLine>,
    /// The same checks for a beginner: the deciding one first, short names.
    pub beginner: Vec<TraceLine>,
    /// The answer to the step's question, when it asks one.
    pub answer: Option<Answer>,
    /// What the step did, in words (edits applied, clock moved, …).
    pub log: Vec<String>,
    /// Problems running the step (a request that could not be simulated, …).
    pub errors: Vec<String>,
}

impl StepReport {
    /// True when every expectation held and nothing went wrong.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.errors.is_empty() && self.checks.iter().all(|c| c.passed)
    }

    /// A one-paragraph account of what failed, for test output and `lessons --check`.
    #[must_use]
    pub fn failures(&self) -> Vec<String> {
        let mut out: Vec<String> = self.errors.clone();
        out.extend(self.checks.iter().filter(|c| !c.passed).map(|c| {
            format!(
                "`{}`: expected {}, the engine answered {}",
                c.key, c.expected, c.actual
            )
        }));
        out
    }
}

/// Plays one lesson.
#[derive(Debug, Clone)]
pub struct Player {
    lesson: Lesson,
    whatif: WhatIf,
    now: DateTime<Utc>,
    sessions: BTreeMap<String, Session>,
    /// The last simulation's request and proposed fixes, for `apply_fixes`.
    last_request: Option<Request>,
    last_fixes: Vec<Fix>,
    next: usize,
    score: Score,
    asked: Vec<Asked>,
}

/// The clock trust-graph answers are computed at (they turn on session validity only); the
/// demo's, as the what-if diff uses, so the answers are the same on every run.
fn graph_clock() -> DateTime<Utc> {
    super::DEFAULT_START
        .parse()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// What the explorer's reach, path and external views show for a step's `graph` questions.
fn graph_obs(inv: &Inventory, q: &GraphStep, obs: &mut Map<String, Value>) -> Result<(), String> {
    let graph = TrustGraph::build(Arc::new(inv.clone()), graph_clock());
    if let Some(p) = &q.reach {
        let from = graph.find(p)?;
        let mut roles: Vec<String> = graph
            .reach(from, DEFAULT_MAX_DEPTH)
            .rows
            .iter()
            .map(|row| graph.node(row.role).name.clone())
            .collect();
        roles.dedup();
        obs.insert("reach_roles".into(), json!(roles));
    }
    if let Some(p) = &q.path {
        let (from, to) = (graph.find(&p.from)?, graph.find(&p.to)?);
        let paths = graph.paths(from, to, DEFAULT_MAX_DEPTH);
        let shortest = paths.paths.iter().min_by_key(|p| p.len());
        obs.insert("path_hops".into(), json!(shortest.map(|p| p.len())));
        obs.insert(
            "path_via".into(),
            json!(
                shortest
                    .map(|p| p
                        .via()
                        .into_iter()
                        .map(|n| graph.node(n).name.clone())
                        .collect::<Vec<_>>())
                    .unwrap_or_default()
            ),
        );
    }
    if q.external {
        let ext = graph.external_access();
        let mut roles: Vec<String> = ext
            .findings
            .iter()
            .map(|f| graph.node(f.role).name.clone())
            .collect();
        roles.sort();
        roles.dedup();
        obs.insert("external_roles".into(), json!(roles));
        let mut deputies: Vec<String> = ext
            .confused_deputies
            .iter()
            .map(|d| graph.node(d.role).name.clone())
            .collect();
        deputies.sort();
        deputies.dedup();
        obs.insert("confused_deputies".into(), json!(deputies));
    }
    Ok(())
}

/// What `select_role` observes of the role. The who-can-assume answer needs the whole trust
/// graph, so it is worked out only when the step expects it (`graph`).
fn role_obs(
    inv: &Inventory,
    query: &str,
    graph: bool,
    obs: &mut Map<String, Value>,
) -> Result<(), String> {
    let r = find_role(inv, query).map_err(|e| e.to_string())?;
    obs.insert("role_service_linked".into(), json!(r.is_service_linked()));
    obs.insert("role_editable".into(), json!(!is_protected(r)));
    obs.insert(
        "role_max_session_duration".into(),
        json!(r.effective_max_session()),
    );
    obs.insert(
        "role_has_boundary".into(),
        json!(r.permissions_boundary.is_some()),
    );
    obs.insert(
        "role_instance_profile".into(),
        json!(!r.instance_profiles.is_empty()),
    );
    obs.insert(
        "role_trust_contains".into(),
        json!(r.trust_policy.json().to_string()),
    );
    // What `rolescope lint` finds in the role (its documents and the role-level checks).
    let mut codes: Vec<&str> =
        crate::engine::lint::lint_role(r, inv, crate::engine::catalogue::get())
            .iter()
            .map(|f| f.finding.code)
            .collect();
    codes.dedup();
    obs.insert("role_lint_codes".into(), json!(codes));
    let mut perms: Vec<String> = r
        .inline_policies
        .iter()
        .map(|p| format!("{} {}", p.name, p.policy.json()))
        .collect();
    perms.extend(r.managed_policies.iter().map(|m| m.arn.clone()));
    for m in &r.managed_policies {
        if let Some(v) = inv.managed_policy(&m.arn).and_then(|p| p.default_version()) {
            perms.push(v.policy.json().to_string());
        }
    }
    obs.insert("role_permissions_contain".into(), json!(perms.join("\n")));
    // The explorer's who-can-assume pane: every principal with a working way in.
    if graph {
        let graph = TrustGraph::build(Arc::new(inv.clone()), graph_clock());
        if let Some(id) = graph.node_id(&r.arn) {
            let mut who: Vec<String> = graph
                .who_can_assume(id, DEFAULT_MAX_DEPTH)
                .rows
                .iter()
                .map(|row| graph.node(row.principal).name.clone())
                .collect();
            who.dedup();
            obs.insert("role_assumable_by".into(), json!(who));
        }
    }
    Ok(())
}

fn result_obs(doc: &ResultDoc, obs: &mut Map<String, Value>) {
    if let Ok(Value::Object(m)) = serde_json::to_value(doc) {
        for (k, v) in m {
            obs.insert(k, v);
        }
    }
    obs.insert(
        "error_message_contains".into(),
        json!(doc.error_message.clone().unwrap_or_default()),
    );
    obs.insert("reasons_contain".into(), json!(doc.reasons.join("\n")));
    obs.insert("fixes".into(), json!(doc.fixes.len()));
}

/// The what-if edit a lesson's (or an exercise's) `edit` table describes.
#[must_use]
pub fn edit_of(e: &super::EditStep) -> Edit {
    let document_text = |d: &Value| match d {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    };
    match e.change.as_str() {
        "max-session-duration" => Edit::MaxSessionDuration {
            role: e.role.clone(),
            seconds: e.seconds.unwrap_or_default(),
        },
        change => Edit::Document {
            role: e.role.clone(),
            kind: match change {
                "trust" => DocumentKind::Trust,
                "boundary" => DocumentKind::Boundary,
                _ => DocumentKind::Inline(e.name.clone().unwrap_or_default()),
            },
            text: e.document.as_ref().map(document_text).unwrap_or_default(),
        },
    }
}

fn compare(key: &str, expected: &Value, obs: &Map<String, Value>) -> Check {
    let actual = obs.get(key).cloned().unwrap_or(Value::Null);
    let passed = match (key, expected) {
        (k, Value::String(want)) if k.ends_with("_contains") || k.ends_with("_contain") => {
            actual.as_str().is_some_and(|a| a.contains(want.as_str()))
        }
        (_, Value::Array(want)) => {
            let have = actual.as_array().cloned().unwrap_or_default();
            want.iter().all(|w| have.contains(w))
        }
        (_, Value::Object(want)) => want.iter().all(|(k, v)| actual.get(k) == Some(v)),
        (_, Value::Number(n)) => actual.as_f64().is_some_and(|a| Some(a) == n.as_f64()),
        _ => &actual == expected,
    };
    Check {
        key: key.to_owned(),
        expected: expected.clone(),
        actual,
        passed,
    }
}

impl Player {
    #[must_use]
    pub fn new(lesson: Lesson, inventory: Arc<Inventory>) -> Self {
        Self {
            now: lesson.start,
            lesson,
            whatif: WhatIf::new(inventory),
            sessions: BTreeMap::new(),
            last_request: None,
            last_fixes: Vec::new(),
            next: 0,
            score: Score::default(),
            asked: Vec::new(),
        }
    }

    /// Starts the lesson again from its first step: clock, sessions, edits and score as at
    /// the start.
    pub fn restart(&mut self) {
        let inventory = Arc::clone(self.whatif.base());
        *self = Self::new(self.lesson.clone(), inventory);
    }

    /// The questions answered so far, in order.
    #[must_use]
    pub fn asked(&self) -> &[Asked] {
        &self.asked
    }

    /// The recap: the lesson's takeaways and terms, and every question answered.
    #[must_use]
    pub fn recap(&self) -> Recap {
        Recap {
            takeaways: self.lesson.recap.takeaways.clone(),
            questions: self.asked.clone(),
            score: self.score,
            terms: self
                .lesson
                .recap
                .terms
                .iter()
                .map(|t| {
                    (
                        t.clone(),
                        glossary::lookup(t).unwrap_or_default().to_owned(),
                    )
                })
                .collect(),
        }
    }

    /// Scores the answer to "which check decides it?" for a predict step: one point when
    /// the choice is among the checks the engine found deciding. `None` when the step asks
    /// nothing, or the answer depends on data that is not loaded.
    pub fn answer_check(&mut self, report: &StepReport, choice: Decider) -> Option<bool> {
        let a = report.answer?;
        if a.unknown {
            return None;
        }
        let right = a.deciders.contains(choice);
        self.score.points += u32::from(right);
        self.score.out_of += 1;
        self.asked.push(Asked {
            step: report.index,
            question: super::question::WHICH_CHECK.to_owned(),
            given: choice.label().to_owned(),
            truth: a
                .deciders
                .list()
                .iter()
                .map(|d| d.label())
                .collect::<Vec<_>>()
                .join("; "),
            right,
        });
        Some(right)
    }

    /// Scores the answer (counted from 1) to a step's own multiple-choice question. `None`
    /// when the step has none or the choice is not one of them.
    pub fn answer_choice(&mut self, step: usize, choice: usize) -> Option<bool> {
        let s = self.lesson.steps.get(step)?;
        let want = s.answer?;
        let given = s.choices.get(choice.checked_sub(1)?)?.clone();
        let right = choice == want;
        self.score.questions += 1;
        self.score.points += u32::from(right);
        self.score.out_of += 1;
        self.asked.push(Asked {
            step,
            question: s.question.clone().unwrap_or_default(),
            given,
            truth: s.choices.get(want - 1).cloned().unwrap_or_default(),
            right,
        });
        Some(right)
    }

    #[must_use]
    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    /// The simulated clock.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The index of the next step to play.
    #[must_use]
    pub fn position(&self) -> usize {
        self.next
    }

    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.next >= self.lesson.steps.len()
    }

    #[must_use]
    pub fn whatif(&self) -> &WhatIf {
        &self.whatif
    }

    /// The sessions kept so far, by name.
    #[must_use]
    pub fn sessions(&self) -> &BTreeMap<String, Session> {
        &self.sessions
    }

    #[must_use]
    pub fn score(&self) -> Score {
        self.score
    }

    /// The request a step's simulation would run, with `as_session` filled in and the
    /// player's clock — what the interactive face puts in its Simulate form.
    #[must_use]
    pub fn request_for(&self, step: &Step) -> Option<Result<Request, String>> {
        let raw = step.simulate.clone()?;
        Some(self.build_request(raw, step.as_session.as_deref()))
    }

    fn build_request(&self, mut raw: Value, as_session: Option<&str>) -> Result<Request, String> {
        if let Some(obj) = raw.as_object_mut()
            && !obj.contains_key("now")
        {
            obj.insert("now".into(), json!(self.now));
        }
        if let Some(obj) = raw.as_object_mut()
            && !obj.contains_key("region")
        {
            obj.insert("region".into(), json!(self.lesson.region));
        }
        let mut req = Request::from_value(raw)?;
        if let Some(name) = as_session {
            let s = self.sessions.get(name).ok_or_else(|| {
                format!("session `{name}` was not obtained: the step that keeps it failed")
            })?;
            let creds = if s.origin == SessionOrigin::Ec2InstanceProfile {
                CallerCredentials::Ec2InstanceProfile
            } else {
                CallerCredentials::AssumedRoleSession
            };
            match &mut req {
                Request::AssumeRole(r) => {
                    r.caller.clone_from(&s.assumed_role_arn);
                    r.caller_credentials = Some(creds);
                    r.caller_session = Some(s.as_caller_session());
                }
                Request::Authorize(r) => {
                    r.principal.arn.clone_from(&s.assumed_role_arn);
                    r.principal.principal_type = Some("AssumedRole".to_owned());
                    r.principal.credentials = Some(creds);
                    r.principal.session = Some(s.as_caller_session());
                }
                _ => {
                    return Err(
                        "`as_session` works with `assume-role` and `authorize` requests only"
                            .to_owned(),
                    );
                }
            }
        }
        Ok(req)
    }

    /// Plays the next step; `None` when the lesson is over.
    pub fn step(&mut self) -> Option<StepReport> {
        let i = self.next;
        let step = self.lesson.steps.get(i)?.clone();
        self.next += 1;
        Some(self.play(i, &step))
    }

    /// Plays every remaining step.
    pub fn play_all(&mut self) -> Vec<StepReport> {
        std::iter::from_fn(|| self.step()).collect()
    }

    /// Scores a learner's prediction against a step's answer.
    pub fn answer(&mut self, report: &StepReport, p: Prediction) -> Option<Verdict> {
        let a = report.answer?;
        if a.unknown {
            return None;
        }
        let outcome_right = a.succeeds == p.succeeds;
        let duration_right = match (a.succeeds, a.duration_seconds) {
            (true, Some(d)) => Some(outcome_right && p.duration_seconds == Some(d)),
            _ => None,
        };
        let out_of = if duration_right.is_some() { 2 } else { 1 };
        let points = u32::from(outcome_right) + u32::from(duration_right == Some(true));
        self.score.questions += 1;
        self.score.points += points;
        self.score.out_of += out_of;
        let said = |succeeds: bool, d: Option<i64>| match (succeeds, d) {
            (true, Some(s)) => format!("succeeds, for {}", human(s)),
            (true, None) => "succeeds".to_owned(),
            (false, _) => "fails".to_owned(),
        };
        let question = self
            .lesson
            .steps
            .get(report.index)
            .map(super::question::prompt)
            .unwrap_or_default();
        self.asked.push(Asked {
            step: report.index,
            question,
            given: said(
                p.succeeds,
                p.duration_seconds.filter(|_| a.asks_duration && a.succeeds),
            ),
            truth: said(a.succeeds, a.duration_seconds.filter(|_| a.asks_duration)),
            right: points == out_of,
        });
        Some(Verdict {
            outcome_right,
            duration_right,
            points,
            out_of,
        })
    }

    fn play(&mut self, index: usize, step: &Step) -> StepReport {
        let mut r = StepReport {
            index,
            title: step.title.clone(),
            observation: Map::new(),
            checks: Vec::new(),
            result: None,
            trace: Vec::new(),
            beginner: Vec::new(),
            answer: None,
            log: Vec::new(),
            errors: Vec::new(),
        };
        if let Some(v) = &step.advance_clock {
            match parse_duration(v) {
                Ok(s) => match Duration::try_seconds(s)
                    .and_then(|d| self.now.checked_add_signed(d))
                    .filter(|t| t.year() <= 9999)
                {
                    Some(t) => {
                        self.now = t;
                        r.log.push(format!(
                            "the clock moves on {} to {}",
                            human(s),
                            self.now.to_rfc3339()
                        ));
                    }
                    None => r.errors.push(format!(
                        "`advance_clock` would move the clock from {} past the end of year 9999, the last time requests can name; move it less",
                        self.now.to_rfc3339()
                    )),
                },
                Err(e) => r.errors.push(e),
            }
        }
        if step.undo {
            match self.whatif.undo() {
                Some(e) => r.log.push(format!("undone: {}", e.describe())),
                None => r.errors.push("there is no edit to undo".to_owned()),
            }
            r.observation.insert("edit_accepted".into(), json!(true));
        }
        if let Some(e) = &step.edit {
            self.edit(step, e, &mut r);
        }
        if step.apply_fixes {
            self.apply_last_fixes(&mut r);
        }
        if step.expect.contains_key("gained") || step.expect.contains_key("lost") {
            let diff = self.whatif.access_diff();
            r.observation.insert(
                "gained".into(),
                json!(diff.gained.iter().map(|p| p.short()).collect::<Vec<_>>()),
            );
            r.observation.insert(
                "lost".into(),
                json!(diff.lost.iter().map(|p| p.short()).collect::<Vec<_>>()),
            );
            r.log.extend(AccessDiff::lines(&diff));
        }
        if let Some(q) = &step.select_role
            && let Err(e) = role_obs(
                self.whatif.inventory(),
                q,
                step.expect.contains_key("role_assumable_by"),
                &mut r.observation,
            )
        {
            r.errors.push(e);
        }
        if let Some(raw) = &step.simulate {
            self.simulate(step, raw.clone(), &mut r);
        }
        if let Some(q) = &step.graph
            && let Err(e) = graph_obs(self.whatif.inventory(), q, &mut r.observation)
        {
            r.errors.push(e);
        }
        if let Some(w) = &step.wizard {
            self.wizard(w, &mut r);
        }
        if let Some(name) = &step.watch_session {
            match self.sessions.get(name) {
                Some(s) => {
                    let left = s.remaining_seconds(self.now);
                    let state = if left == 0 {
                        "expired"
                    } else if left <= EXPIRING_SOON_SECONDS {
                        "expiring"
                    } else {
                        "active"
                    };
                    r.observation.insert("session_state".into(), json!(state));
                    r.observation
                        .insert("session_remaining_seconds".into(), json!(left));
                }
                None => r.errors.push(format!("session `{name}` was not obtained")),
            }
        }
        r.checks = step
            .expect
            .iter()
            .map(|(k, v)| compare(k, v, &r.observation))
            .collect();
        r
    }

    fn simulate(&mut self, step: &Step, raw: Value, r: &mut StepReport) {
        let req = match self.build_request(raw, step.as_session.as_deref()) {
            Ok(req) => req,
            Err(e) => {
                r.errors.push(e);
                return;
            }
        };
        let sim = Simulator::new(self.whatif.inventory());
        let ran = match wizard::run(&sim, &req, self.now) {
            Ok(ran) => ran,
            Err(e) => {
                r.errors
                    .push(format!("the request cannot be simulated: {e}"));
                return;
            }
        };
        let doc = ran.result();
        result_obs(&doc, &mut r.observation);
        r.trace = super::trace::full(&ran);
        r.beginner = super::trace::beginner(&ran);
        self.last_fixes.clear();
        if let Ran::Sts(o) = &ran {
            self.last_fixes = o.fixes().into_iter().cloned().collect();
            if step.predict {
                r.answer = Some(Answer {
                    succeeds: o.is_allowed(),
                    unknown: o.is_unknown(),
                    duration_seconds: o.session.as_ref().map(|s| s.duration_seconds),
                    asks_duration: true,
                    deciders: DeciderSet::from_result(o.is_allowed(), &doc.categories),
                });
            }
            if let (Some(name), Some(s)) = (&step.keep_session, &o.session) {
                self.sessions.insert(name.clone(), s.clone());
                r.log
                    .push(format!("session `{name}` kept: {}", s.assumed_role_arn));
            }
        } else if step.predict {
            r.answer = Some(Answer {
                succeeds: ran.is_allowed(),
                unknown: ran.is_unknown(),
                duration_seconds: None,
                asks_duration: false,
                deciders: DeciderSet::from_result(ran.is_allowed(), &doc.categories),
            });
        }
        self.last_request = Some(req);
        r.result = Some(doc);
    }

    fn edit(&mut self, step: &Step, e: &super::EditStep, r: &mut StepReport) {
        let _ = step;
        let edit = edit_of(e);
        let what = edit.describe();
        match self.whatif.apply(edit) {
            Ok(()) => {
                r.observation.insert("edit_accepted".into(), json!(true));
                r.observation
                    .insert("edit_error_contains".into(), json!(""));
                r.log.push(format!("what-if: {what}"));
            }
            Err(err) => {
                r.observation.insert("edit_accepted".into(), json!(false));
                r.observation
                    .insert("edit_error_contains".into(), json!(err.to_string()));
                r.log.push(format!("refused: {err}"));
            }
        }
    }

    fn apply_last_fixes(&mut self, r: &mut StepReport) {
        let fixes = std::mem::take(&mut self.last_fixes);
        if fixes.is_empty() {
            r.errors
                .push("`apply_fixes`: the previous simulation proposed no fix".to_owned());
            return;
        }
        let mut ok = true;
        for f in fixes {
            if matches!(f, Fix::SetParameter { .. }) {
                r.log.push(format!(
                    "(a change to the call, not the data: {})",
                    f.summary()
                ));
                continue;
            }
            match self.whatif.apply(Edit::Fix(f.clone())) {
                Ok(()) => r.log.push(format!("what-if: {}", f.summary())),
                Err(e) => {
                    ok = false;
                    r.observation
                        .insert("edit_error_contains".into(), json!(e.to_string()));
                    r.log.push(format!("refused: {e}"));
                }
            }
        }
        r.observation.insert("edit_accepted".into(), json!(ok));
    }

    fn wizard(&mut self, w: &super::WizardStep, r: &mut StepReport) {
        let mut req = match self.build_request(w.request.clone(), None) {
            Ok(req) => req,
            Err(e) => {
                r.errors.push(e);
                return;
            }
        };
        let report = match wizard::diagnose(&self.whatif, w.symptom, &req, self.now) {
            Ok(rep) => rep,
            Err(e) => {
                r.errors.push(format!("the wizard cannot run: {e}"));
                return;
            }
        };
        r.observation
            .insert("wizard_categories".into(), json!(report.categories));
        r.observation
            .insert("wizard_fixes".into(), json!(report.fixes.len()));
        for c in &report.checks {
            let mark = match (c.unknown, c.ok) {
                (true, _) => TraceMark::Unknown,
                (false, true) => TraceMark::Passed,
                (false, false) => TraceMark::Failed,
            };
            let text = format!("{}: {}", c.title, c.detail);
            r.beginner.push(TraceLine::short(mark, &text));
            r.trace.push(TraceLine::new(mark, text));
        }
        // The beginner reads the failing checks first.
        r.beginner.sort_by_key(|l| l.mark != TraceMark::Failed);
        r.observation.insert(
            "wizard_explanation_contains".into(),
            json!(report.explanation.join(" ")),
        );
        r.log.extend(report.explanation.iter().cloned());
        let mut fixed = report.succeeds();
        if w.apply_fixes {
            match wizard::apply_fixes(&report, &mut self.whatif, &mut req) {
                Ok(done) => {
                    r.log
                        .extend(done.into_iter().map(|d| format!("applied: {d}")));
                    fixed = wizard::diagnose(&self.whatif, w.symptom, &req, self.now)
                        .is_ok_and(|rep| rep.succeeds());
                }
                Err(e) => {
                    r.log.push(format!("refused: {e}"));
                    fixed = false;
                }
            }
        }
        r.observation.insert("wizard_fixed".into(), json!(fixed));
        r.result = Some(report.result);
    }
}
