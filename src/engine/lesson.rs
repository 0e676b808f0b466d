//! Lessons: guided walks through the loaded data, written by teachers as TOML files (one
//! file per lesson, in `assets/lessons/` or a classroom pack's `lessons/` folder), and the
//! headless [`player`] that plays them against the engine.
//!
//! A lesson is a title, a summary and steps. A step is narrative text plus, optionally,
//! what the screen should show (a role to select, a pane to open), something to do (run a
//! simulation request — the same documents `simulate` reads — possibly as a session an
//! earlier step obtained; advance the simulated clock; make a what-if edit, apply the last
//! simulation's proposed fixes or undo an edit; run the troubleshooting wizard), an
//! optional predict-then-reveal question, and an `expect` table: what the engine must
//! answer. The player checks every expectation, so a lesson cannot silently go stale when
//! the data changes (tests/lessons.rs plays every built-in lesson).
//!
//! This module owns the file format and loading, with errors located by file, line and
//! step. The format is documented in `assets/lessons/README.md`.

pub mod glossary;
pub mod handout;
pub mod player;
pub mod question;
pub mod trace;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::sts::request::Request;
use crate::engine::wizard::Symptom;

pub use player::{
    Answer, Asked, Check, Player, Prediction, Recap, Score, StepReport, TraceLine, TraceMark,
    Verdict,
};
pub use question::{Decider, DeciderSet, Giveaway};
pub use trace::TraceStyle;

/// The lessons shipped with rolescope, on the demo organisation: (file name, text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "roles-vs-users.toml",
        include_str!("../../assets/lessons/roles-vs-users.toml"),
    ),
    (
        "kinds-of-role.toml",
        include_str!("../../assets/lessons/kinds-of-role.toml"),
    ),
    (
        "trust-permissions-boundary.toml",
        include_str!("../../assets/lessons/trust-permissions-boundary.toml"),
    ),
    (
        "cross-account-delegation.toml",
        include_str!("../../assets/lessons/cross-account-delegation.toml"),
    ),
    (
        "external-id-confused-deputy.toml",
        include_str!("../../assets/lessons/external-id-confused-deputy.toml"),
    ),
    (
        "role-chaining.toml",
        include_str!("../../assets/lessons/role-chaining.toml"),
    ),
    (
        "session-durations.toml",
        include_str!("../../assets/lessons/session-durations.toml"),
    ),
    (
        "consultant-scenario.toml",
        include_str!("../../assets/lessons/consultant-scenario.toml"),
    ),
    (
        "ec2-reads-s3.toml",
        include_str!("../../assets/lessons/ec2-reads-s3.toml"),
    ),
    (
        "service-linked-roles.toml",
        include_str!("../../assets/lessons/service-linked-roles.toml"),
    ),
    (
        "troubleshooting.toml",
        include_str!("../../assets/lessons/troubleshooting.toml"),
    ),
    (
        "privilege-escalation.toml",
        include_str!("../../assets/lessons/privilege-escalation.toml"),
    ),
    (
        "changes-and-sessions.toml",
        include_str!("../../assets/lessons/changes-and-sessions.toml"),
    ),
    (
        "instances-and-passrole.toml",
        include_str!("../../assets/lessons/instances-and-passrole.toml"),
    ),
    (
        "guardrails.toml",
        include_str!("../../assets/lessons/guardrails.toml"),
    ),
    (
        "people-and-resources.toml",
        include_str!("../../assets/lessons/people-and-resources.toml"),
    ),
];

/// The simulated time a lesson starts at unless it says otherwise (the demo's clock).
pub const DEFAULT_START: &str = "2026-11-24T09:00:00Z";

/// The Region a lesson's requests are made in unless the lesson or the request says
/// otherwise (the demo organisation's home Region).
pub const DEFAULT_REGION: &str = "eu-west-1";

/// A pane of the interactive face a step may open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pane {
    Roles,
    Users,
    Detail,
    Simulate,
    Sessions,
    Log,
    Whatif,
    Wizard,
    Glossary,
}

/// Names of the panes, for messages.
pub const PANES: &str =
    "`roles`, `users`, `detail`, `simulate`, `sessions`, `log`, `whatif`, `wizard`, `glossary`";

/// A what-if edit a step makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditStep {
    /// The role's ARN or unique name.
    pub role: String,
    /// `trust`, `inline`, `boundary` or `max-session-duration`.
    pub change: String,
    /// For `inline`: the policy's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The new document: JSON text, or a TOML table written in the policy's shape.
    #[serde(default)]
    pub document: Option<Value>,
    /// For `max-session-duration`.
    #[serde(default)]
    pub seconds: Option<i64>,
}

/// A troubleshooting-wizard run a step makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WizardStep {
    /// The symptom, by its short name (see [`Symptom::ALL`]).
    pub symptom: Symptom,
    /// The simulation request describing what fails (a request document).
    pub request: Value,
    /// Apply the fixes the wizard offers (through the what-if overlay) and run it again.
    #[serde(default)]
    pub apply_fixes: bool,
}

/// Trust-graph questions a step asks, as the explorer's views and `rolescope reach`,
/// `path` and `external` answer them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphStep {
    /// Every role this principal (user, role, service, provider, account id or `*`) can
    /// reach, directly or through chains.
    #[serde(default)]
    pub reach: Option<String>,
    /// The paths from `from` to `to`.
    #[serde(default)]
    pub path: Option<PathQuery>,
    /// The roles principals outside the loaded accounts can assume.
    #[serde(default)]
    pub external: bool,
}

/// `from` → `to`, for [`GraphStep::path`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathQuery {
    pub from: String,
    pub to: String,
}

/// One step as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    pub text: String,
    /// Select this role (ARN or unique name) in the roles list and show its detail.
    #[serde(default)]
    pub select_role: Option<String>,
    #[serde(default)]
    pub open: Option<Pane>,
    /// A simulation request document (`kind` = `assume-role`, `authorize`, …).
    #[serde(default)]
    pub simulate: Option<Value>,
    /// Run `simulate` as the session an earlier step kept under this name.
    #[serde(default)]
    pub as_session: Option<String>,
    /// Keep the session this step's simulation issues under this name.
    #[serde(default)]
    pub keep_session: Option<String>,
    /// Ask the learner to predict the simulation's answer before revealing it.
    #[serde(default)]
    pub predict: bool,
    /// The question asked when `predict` is set.
    #[serde(default)]
    pub question: Option<String>,
    /// What is explained once the answer is revealed; `text` is what is shown before. On a
    /// predict step, the outcome belongs here, never in `text` or `title`.
    #[serde(default)]
    pub explain: Option<String>,
    /// A multiple-choice question of the author's own (`question` is its wording).
    #[serde(default)]
    pub choices: Vec<String>,
    /// The right choice, counted from 1.
    #[serde(default)]
    pub answer: Option<usize>,
    /// Lines for the teacher only (what to point at, what the engine agrees with); shown
    /// when the teacher view is on, never in a learner's handout.
    #[serde(default)]
    pub teacher: Option<String>,
    /// Move the simulated clock forward: seconds, or text such as `45m`, `1h30m`, `90s`.
    #[serde(default)]
    pub advance_clock: Option<Value>,
    /// Report the state of this kept session (after any clock change).
    #[serde(default)]
    pub watch_session: Option<String>,
    #[serde(default)]
    pub edit: Option<EditStep>,
    /// Apply, through the what-if overlay, the fixes the previous simulation proposed.
    #[serde(default)]
    pub apply_fixes: bool,
    /// Take back the last what-if edit.
    #[serde(default)]
    pub undo: bool,
    #[serde(default)]
    pub wizard: Option<WizardStep>,
    /// Ask the trust graph what the explorer's reach, path and external views show.
    #[serde(default)]
    pub graph: Option<GraphStep>,
    /// What the engine must answer: observation key → value.
    #[serde(default)]
    pub expect: BTreeMap<String, Value>,
}

/// One lesson file's own fields as written (its steps and exercises are read from
/// [`Located`], one by one, so that a mistake in one does not hide the others).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFile {
    title: String,
    summary: String,
    #[serde(default)]
    order: Option<i64>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    region: Option<String>,
    /// About how long the lesson takes in class, in minutes.
    #[serde(default)]
    minutes: Option<u32>,
    #[serde(default)]
    level: Option<Level>,
    /// Lessons (by name) to have played first.
    #[serde(default)]
    prerequisites: Vec<String>,
    #[serde(default)]
    recap: Option<RecapSpec>,
    #[serde(default, rename = "step")]
    _steps: Option<serde::de::IgnoredAny>,
    #[serde(default, rename = "exercise")]
    _exercises: Option<serde::de::IgnoredAny>,
}

/// A table as written, read as JSON values (which, unlike TOML's, hold every whole number a
/// step may write, so that one too large is refused by the step's own check).
type Fields = serde_json::Map<String, Value>;

/// A lesson file's steps and exercises, each with where it starts in the file.
#[derive(Debug, Deserialize)]
struct Located {
    #[serde(default, rename = "step")]
    steps: Vec<toml::Spanned<Fields>>,
    #[serde(default, rename = "exercise")]
    exercises: Vec<toml::Spanned<Fields>>,
}

/// Reads `T` from `table` field by field, so that every bad field is reported and not
/// only the first: `T` from the fields that read (with `required` ones set to empty text
/// when missing or bad; the caller reports those), and a message for each field that
/// does not, naming it.
fn read_fields<T: serde::de::DeserializeOwned>(
    table: &Fields,
    required: &[&str],
) -> (Option<T>, Vec<String>) {
    let base: Fields = required
        .iter()
        .map(|k| ((*k).to_owned(), Value::String(String::new())))
        .collect();
    let mut good = base.clone();
    let mut errs = Vec::new();
    for (k, v) in table {
        let mut one = base.clone();
        one.insert(k.clone(), v.clone());
        match serde_json::from_value::<T>(Value::Object(one)) {
            Ok(_) => {
                good.insert(k.clone(), v.clone());
            }
            Err(e) => errs.push(format!("`{k}`: {e}")),
        }
    }
    (serde_json::from_value::<T>(Value::Object(good)).ok(), errs)
}

/// Who a lesson is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Beginner,
    Intermediate,
    Advanced,
}

impl Level {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Beginner => "beginner",
            Self::Intermediate => "intermediate",
            Self::Advanced => "advanced",
        }
    }
}

/// What the end of a lesson sums up: the key takeaways and the glossary terms to review.
/// (The questions, with the answers given and the truth, come from the player.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecapSpec {
    #[serde(default)]
    pub takeaways: Vec<String>,
    /// Glossary terms, as the glossary spells them.
    #[serde(default)]
    pub terms: Vec<String>,
}

/// A loaded, checked lesson.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lesson {
    /// The file name without `.toml`: what `--lesson NAME` takes.
    pub name: String,
    /// Where it came from (a path, or `built-in`).
    pub source: String,
    pub title: String,
    pub summary: String,
    /// Position in the lesson index (smaller first; then by name).
    pub order: i64,
    pub start: chrono::DateTime<chrono::Utc>,
    /// The Region requests are made in when they name none.
    pub region: String,
    pub steps: Vec<Step>,
    /// The line each step starts on, for messages.
    pub step_lines: Vec<usize>,
    pub minutes: Option<u32>,
    pub level: Option<Level>,
    pub prerequisites: Vec<String>,
    pub recap: RecapSpec,
    /// The lesson's exercises.
    pub exercises: Vec<crate::engine::exercise::Exercise>,
}

impl Lesson {
    /// `20 min · beginner · after roles-vs-users`, or nothing when the lesson says none of
    /// it (the lesson index's line, in the explorer and on the command line).
    #[must_use]
    pub fn metadata(&self) -> String {
        let mut parts = Vec::new();
        if let Some(m) = self.minutes {
            parts.push(format!("{m} min"));
        }
        if let Some(level) = self.level {
            parts.push(level.as_str().to_owned());
        }
        if !self.prerequisites.is_empty() {
            parts.push(format!("after {}", self.prerequisites.join(", ")));
        }
        parts.join(" · ")
    }
}

/// Why a lesson could not be loaded. Every message names the file, and the line and step
/// when the problem is inside one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LessonError {
    #[error("cannot read lesson `{path}`: {message}")]
    Io { path: String, message: String },
    #[error("lesson `{path}` line {line}, column {column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("lesson `{path}` line {line}, step {step} (`{title}`): {message}")]
    Step {
        path: String,
        line: usize,
        step: usize,
        title: String,
        message: String,
    },
    #[error("lesson `{path}`: {message}")]
    Lesson { path: String, message: String },
    #[error("no lesson named `{name}`; {hint}")]
    NotFound { name: String, hint: String },
    /// Every mistake of one lesson, each located.
    #[error("lesson `{path}` has {} mistakes:\n{}", .errors.len(), .errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Several {
        path: String,
        errors: Vec<LessonError>,
    },
}

fn line_of(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The line where field `key` of a table is written, for messages: `key = …` among the
/// table's own lines, or a `[table.key]` sub-table. `table` is `""` for the lesson's own
/// fields (from the top of the file), or `step` with `after` the line of its `[[step]]`.
/// `None` when it is written another way (an inline table).
fn field_line(text: &str, table: &str, after: usize, key: &str) -> Option<usize> {
    let sub = format!("[{table}.{key}");
    let mut own = true;
    for (i, l) in text.lines().enumerate().skip(after) {
        let l = l.trim_start();
        if l.starts_with('[') {
            if l.strip_prefix(&sub)
                .is_some_and(|r| r.starts_with(']') || r.starts_with('.'))
            {
                return Some(i + 1);
            }
            if table.is_empty() || l.starts_with("[[") || !l.starts_with(&format!("[{table}.")) {
                return None;
            }
            own = false;
        } else if own
            && l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        {
            return Some(i + 1);
        }
    }
    None
}

/// The longest a lesson step may move the clock: ten years, far beyond any session,
/// credential or MFA age a lesson can show, and far from the calendar's end.
pub const MAX_ADVANCE_SECONDS: i64 = 10 * 366 * 24 * 3600;

/// Reads a duration written as seconds or as text (`45m`, `1h30m`, `90s`, `2h`), at most
/// [`MAX_ADVANCE_SECONDS`].
///
/// # Errors
/// A message saying how to write it.
pub fn parse_duration(v: &Value) -> Result<i64, String> {
    const HOW: &str = "write seconds (`900`) or text such as `45m`, `1h30m`, `90s`";
    let too_long = |what: &str| {
        format!(
            "`{what}` is too long; a step moves the clock at most ten years ({MAX_ADVANCE_SECONDS} seconds)"
        )
    };
    if let Some(n) = v.as_i64() {
        return if n < 0 {
            Err(format!("`{n}` is negative; the clock only moves forward"))
        } else if n > MAX_ADVANCE_SECONDS {
            Err(too_long(&n.to_string()))
        } else {
            Ok(n)
        };
    }
    if v.is_number() {
        return Err(if v.as_f64().is_some_and(|f| f < 0.0) {
            format!("`{v}` is negative; the clock only moves forward")
        } else if v.as_u64().is_some() {
            too_long(&v.to_string())
        } else {
            format!("`{v}` is not a whole number of seconds; {HOW}")
        });
    }
    let Some(s) = v.as_str() else {
        return Err(format!("`{v}` is not a duration; {HOW}"));
    };
    let mut total = 0i64;
    let mut num = String::new();
    for c in s.trim().chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(format!("`{s}` is not a duration; {HOW}")),
        };
        if num.is_empty() {
            return Err(format!("`{s}` is not a duration; {HOW}"));
        }
        // Digits only: a number that does not fit is too long, not malformed.
        let n: i64 = num.parse().map_err(|_| too_long(s))?;
        total = n
            .checked_mul(unit)
            .and_then(|d| total.checked_add(d))
            .filter(|t| *t <= MAX_ADVANCE_SECONDS)
            .ok_or_else(|| too_long(s))?;
        num.clear();
    }
    if !num.is_empty() || s.trim().is_empty() {
        return Err(format!("`{s}` is not a duration; {HOW}"));
    }
    Ok(total)
}

/// The keys an `expect` table may use, each with what produces it.
pub const EXPECT_KEYS: &[(&str, Producer)] = &[
    ("decision", Producer::Simulation),
    ("error_code", Producer::Simulation),
    ("error_message", Producer::Simulation),
    ("error_message_contains", Producer::Simulation),
    ("reasons_contain", Producer::Simulation),
    ("denial_type", Producer::Simulation),
    ("effective_duration_seconds", Producer::Simulation),
    ("chained", Producer::Simulation),
    ("source_identity", Producer::Simulation),
    ("principal_tags", Producer::Simulation),
    ("transitive_tag_keys", Producer::Simulation),
    ("categories", Producer::Simulation),
    ("mfa_authenticated", Producer::Simulation),
    ("fixes", Producer::Simulation),
    ("role_service_linked", Producer::Role),
    ("role_editable", Producer::Role),
    ("role_max_session_duration", Producer::Role),
    ("role_has_boundary", Producer::Role),
    ("role_instance_profile", Producer::Role),
    ("role_trust_contains", Producer::Role),
    ("role_permissions_contain", Producer::Role),
    ("role_lint_codes", Producer::Role),
    ("session_state", Producer::Session),
    ("session_remaining_seconds", Producer::Session),
    ("edit_accepted", Producer::Edit),
    ("edit_error_contains", Producer::Edit),
    ("gained", Producer::Edit),
    ("lost", Producer::Edit),
    ("wizard_categories", Producer::Wizard),
    ("wizard_fixes", Producer::Wizard),
    ("wizard_fixed", Producer::Wizard),
    ("wizard_explanation_contains", Producer::Wizard),
    ("role_assumable_by", Producer::Role),
    ("reach_roles", Producer::Graph),
    ("path_hops", Producer::Graph),
    ("path_via", Producer::Graph),
    ("external_roles", Producer::Graph),
    ("confused_deputies", Producer::Graph),
];

/// What part of a step produces an observation key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Producer {
    /// `simulate`.
    Simulation,
    /// `select_role`.
    Role,
    /// `watch_session`.
    Session,
    /// `edit`, `apply_fixes` or `undo`.
    Edit,
    /// `wizard`.
    Wizard,
    /// `graph`.
    Graph,
}

impl Producer {
    fn needs(self) -> &'static str {
        match self {
            Self::Simulation => "`simulate`",
            Self::Role => "`select_role`",
            Self::Session => "`watch_session`",
            Self::Edit => "`edit`, `apply_fixes` or `undo`",
            Self::Wizard => "`wizard`",
            Self::Graph => "`graph`",
        }
    }

    fn present(self, s: &Step) -> bool {
        match self {
            Self::Simulation => s.simulate.is_some(),
            Self::Role => s.select_role.is_some(),
            Self::Session => s.watch_session.is_some(),
            Self::Edit => s.edit.is_some() || s.apply_fixes || s.undo,
            Self::Wizard => s.wizard.is_some(),
            Self::Graph => s.graph.is_some(),
        }
    }
}

const CHANGES: &[&str] = &["trust", "inline", "boundary", "max-session-duration"];

/// Every mistake of one step, each saying what to do (none when the step is right).
fn check_step(s: &Step, kept: &mut Vec<String>) -> Vec<String> {
    let mut errs = Vec::new();
    if s.text.trim().is_empty() {
        errs.push("the step has no `text`; say what the class should look at".to_owned());
    }
    if let Some(req) = &s.simulate {
        match Request::from_value(req.clone()) {
            Err(e) => errs.push(format!("`simulate`: {e}")),
            Ok(r)
                if s.as_session.is_some()
                    && !matches!(r, Request::AssumeRole(_) | Request::Authorize(_)) =>
            {
                errs.push(
                    "`as_session` works with `assume-role` and `authorize` requests only"
                        .to_owned(),
                );
            }
            Ok(_) => {}
        }
    }
    for (field, name) in [
        ("as_session", &s.as_session),
        ("watch_session", &s.watch_session),
    ] {
        if let Some(n) = name
            && !kept.contains(n)
        {
            errs.push(format!(
                "`{field}` names session `{n}`, which no earlier step keeps; add `keep_session = \"{n}\"` to the step that obtains it"
            ));
        }
    }
    if s.as_session.is_some() && s.simulate.is_none() {
        errs.push("`as_session` needs a `simulate` request to run as that session".to_owned());
    }
    if s.keep_session.is_some() && s.simulate.is_none() {
        errs.push("`keep_session` needs a `simulate` request that issues a session".to_owned());
    }
    if s.predict && s.simulate.is_none() {
        errs.push("`predict` asks about a simulation; add a `simulate` request".to_owned());
    }
    if s.explain.is_some() && !s.predict && s.choices.is_empty() {
        errs.push(
            "`explain` is shown after an answer; add `predict = true` or `choices`, or put the words in `text`"
                .to_owned(),
        );
    }
    match (s.choices.len(), s.answer) {
        (0, Some(_)) => {
            errs.push("`answer` needs `choices` to choose from".to_owned());
        }
        (n, None) if n > 0 => {
            errs.push(format!(
                "`choices` needs `answer`, the right one counted from 1 (1 to {n})"
            ));
        }
        (1, _) => {
            errs.push("`choices` needs at least two choices".to_owned());
        }
        (n, Some(a)) if a == 0 || a > n => {
            errs.push(format!(
                "`answer` is {a}, but there are {n} choices; count from 1 (1 to {n})"
            ));
        }
        (n, _) if n > 0 && s.question.is_none() => {
            errs.push("`choices` needs the `question` they answer".to_owned());
        }
        _ => {}
    }
    if let Some(v) = &s.advance_clock
        && let Err(e) = parse_duration(v)
    {
        errs.push(format!("`advance_clock`: {e}"));
    }
    if let Some(e) = &s.edit {
        if !CHANGES.contains(&e.change.as_str()) {
            errs.push(format!(
                "`edit.change` is `{}`; use one of `trust`, `inline`, `boundary`, `max-session-duration`",
                e.change
            ));
        }
        match e.change.as_str() {
            "max-session-duration" if e.seconds.is_none() => {
                errs.push("`edit.change = \"max-session-duration\"` needs `seconds`".to_owned());
            }
            "inline" if e.name.is_none() => {
                errs.push("`edit.change = \"inline\"` needs the policy's `name`".to_owned());
            }
            "trust" | "inline" | "boundary" if e.document.is_none() => {
                errs.push(format!(
                    "`edit.change = \"{}\"` needs a `document`",
                    e.change
                ));
            }
            _ => {}
        }
    }
    if let Some(w) = &s.wizard
        && let Err(e) = Request::from_value(w.request.clone())
    {
        errs.push(format!("`wizard.request`: {e}"));
    }
    for key in s.expect.keys() {
        let Some((_, producer)) = EXPECT_KEYS.iter().find(|(k, _)| k == key) else {
            let known: Vec<String> = EXPECT_KEYS.iter().map(|(k, _)| format!("`{k}`")).collect();
            errs.push(format!(
                "`expect.{key}` is not something a step can check; use one of {}",
                known.join(", ")
            ));
            continue;
        };
        if !producer.present(s) {
            errs.push(format!(
                "`expect.{key}` needs {} in the same step",
                producer.needs()
            ));
        }
    }
    let acts = s.simulate.is_some()
        || s.edit.is_some()
        || s.apply_fixes
        || s.undo
        || s.wizard.is_some()
        || s.graph.is_some();
    if acts && s.expect.is_empty() {
        errs.push(
            "the step does something but states no `expect`; say what the engine must answer so the lesson cannot go stale"
                .to_owned(),
        );
    }
    if let Some(k) = &s.keep_session {
        kept.push(k.clone());
    }
    errs
}

/// Reads one lesson from TOML text; `name` is its file name without `.toml`.
///
/// # Errors
/// [`LessonError`] located by file, line and step.
pub fn parse(name: &str, source: &str, text: &str) -> Result<Lesson, LessonError> {
    let syntax = |e: toml::de::Error| {
        let (line, column) = e.span().map_or((0, 0), |sp| line_of(text, sp.start));
        LessonError::Syntax {
            path: source.to_owned(),
            line,
            column,
            message: e.message().to_owned(),
        }
    };
    let table: Fields = toml::from_str(text).map_err(syntax)?;
    let located: Located = toml::from_str(text).map_err(syntax)?;
    let lesson_error = |message: String| LessonError::Lesson {
        path: source.to_owned(),
        message,
    };
    let (file, field_errors) = read_fields::<LessonFile>(&table, &["title", "summary"]);
    let mut errors: Vec<LessonError> = field_errors
        .into_iter()
        .map(|message| {
            let key = message.split('`').nth(1).unwrap_or_default();
            match field_line(text, "", 0, key) {
                Some(line) => LessonError::Syntax {
                    path: source.to_owned(),
                    line,
                    column: 1,
                    message,
                },
                None => lesson_error(message),
            }
        })
        .collect();
    for key in ["title", "summary"] {
        if !table.contains_key(key) {
            errors.push(lesson_error(format!(
                "the lesson has no `{key}`; add `{key} = \"…\"` at the top of the file"
            )));
        }
    }
    let Some(file) = file else {
        // Cannot happen: every field that did not read was left out.
        return Err(errors
            .pop()
            .unwrap_or_else(|| lesson_error("the lesson's fields cannot be read".to_owned())));
    };
    if located.steps.is_empty() {
        errors.push(lesson_error(
            "the lesson has no steps; add `[[step]]` tables".to_owned(),
        ));
    }
    let start_text = file.start.as_deref().unwrap_or(DEFAULT_START);
    let start = match chrono::DateTime::parse_from_rfc3339(start_text) {
        Ok(t) => t.with_timezone(&chrono::Utc),
        Err(_) => {
            errors.push(lesson_error(format!(
                "`start` is `{start_text}`, not an RFC 3339 time such as `{DEFAULT_START}`"
            )));
            chrono::DateTime::<chrono::Utc>::UNIX_EPOCH
        }
    };
    if let Some(r) = &file.recap {
        for term in &r.terms {
            if glossary::lookup(term).is_none() {
                errors.push(lesson_error(format!(
                    "`recap.terms` names `{term}`, which the glossary does not have; use a term of `rolescope lessons --glossary`"
                )));
            }
        }
    }
    let mut kept = Vec::new();
    let mut steps = Vec::new();
    let mut step_lines = Vec::new();
    for (i, sp) in located.steps.into_iter().enumerate() {
        let line = line_of(text, sp.span().start).0;
        let table = sp.into_inner();
        let (step, mut messages) = read_fields::<Step>(&table, &["title", "text"]);
        if !table.contains_key("title") {
            messages.push("the step has no `title`; give it one".to_owned());
        }
        let title = table
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if let Some(step) = step {
            // A field that did not read is left out of the step: leave out the mistakes
            // that follow from its absence, reported already.
            let bad: Vec<String> = table
                .keys()
                .filter(|k| messages.iter().any(|m| m.starts_with(&format!("`{k}`:"))))
                .map(|k| format!("`{k}`"))
                .collect();
            messages.extend(
                check_step(&step, &mut kept)
                    .into_iter()
                    .filter(|m| !bad.iter().any(|b| m.contains(b.as_str()))),
            );
            steps.push(step);
            step_lines.push(line);
        }
        errors.extend(messages.into_iter().map(|message| {
            LessonError::Step {
                path: source.to_owned(),
                // A field's own mistake is located at the field.
                line: message
                    .strip_prefix('`')
                    .and_then(|m| m.split_once("`:"))
                    .and_then(|(key, _)| field_line(text, "step", line, key))
                    .unwrap_or(line),
                step: i + 1,
                title: title.clone(),
                message,
            }
        }));
    }
    let region = file.region.unwrap_or_else(|| DEFAULT_REGION.to_owned());
    let mut exercises = Vec::new();
    for sp in located.exercises {
        let line = line_of(text, sp.span().start).0;
        let spec = serde_json::from_value::<crate::engine::exercise::ExerciseSpec>(Value::Object(
            sp.into_inner(),
        ))
        .map_err(|e| e.to_string())
        .and_then(|spec| crate::engine::exercise::check_spec(&spec).map(|()| spec));
        match spec {
            Ok(spec) => exercises.push(crate::engine::exercise::Exercise {
                spec,
                lesson: name.to_owned(),
                start,
                region: region.clone(),
            }),
            Err(message) => errors.push(LessonError::Syntax {
                path: source.to_owned(),
                line,
                column: 1,
                message,
            }),
        }
    }
    if errors.len() == 1
        && let Some(e) = errors.pop()
    {
        return Err(e);
    }
    if !errors.is_empty() {
        return Err(LessonError::Several {
            path: source.to_owned(),
            errors,
        });
    }
    Ok(Lesson {
        name: name.to_owned(),
        source: source.to_owned(),
        title: file.title,
        summary: file.summary,
        order: file.order.unwrap_or(1000),
        start,
        region,
        steps,
        step_lines,
        minutes: file.minutes,
        level: file.level,
        prerequisites: file.prerequisites,
        recap: file.recap.unwrap_or_default(),
        exercises,
    })
}

fn sort(lessons: &mut [Lesson]) {
    lessons.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.name.cmp(&b.name)));
}

/// The built-in lessons, in index order.
///
/// # Errors
/// Only if a shipped lesson is broken, which the test suite rules out.
pub fn builtin() -> Result<Vec<Lesson>, LessonError> {
    let mut out = Vec::new();
    for (file, text) in BUILTIN {
        let name = file.trim_end_matches(".toml");
        out.push(parse(name, &format!("built-in {file}"), text)?);
    }
    sort(&mut out);
    Ok(out)
}

/// Every `*.toml` lesson in a folder, in index order.
///
/// # Errors
/// The first lesson that cannot be read, located.
pub fn load_dir(dir: &Path) -> Result<Vec<Lesson>, LessonError> {
    first_error(load_dir_within(dir, dir)?)
}

fn first_error(p: PackLessons) -> Result<Vec<Lesson>, LessonError> {
    match p.errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(p.lessons),
    }
}

/// The most bytes read from one lesson file.
pub const MAX_LESSON_BYTES: u64 = 4 * 1024 * 1024;

/// Every `*.toml` lesson in `dir`, refusing a link that leads outside `root` (the folder the
/// user gave, which holds `dir`).
fn load_dir_within(root: &Path, dir: &Path) -> Result<PackLessons, LessonError> {
    let io = |p: &Path, e: std::io::Error| LessonError::Io {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    let root = std::fs::canonicalize(root).map_err(|e| io(root, e))?;
    if !std::fs::canonicalize(dir)
        .map_err(|e| io(dir, e))?
        .starts_with(&root)
    {
        return Err(LessonError::Io {
            path: dir.display().to_string(),
            message: "a link to a folder outside the pack; rolescope reads a pack's lessons only from inside its folder".to_owned(),
        });
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("toml"))
        })
        .collect();
    files.sort();
    let mut out = PackLessons::default();
    for f in files {
        match read_lesson_file(&root, &f) {
            Ok(l) => out.lessons.push(l),
            Err(e) => out.errors.push(e),
        }
    }
    sort(&mut out.lessons);
    Ok(out)
}

/// The lessons of a pack that load, and the mistakes of those that do not — every one,
/// so a teacher fixes a pack in one pass and the good lessons stay usable.
#[derive(Debug, Clone, Default)]
pub struct PackLessons {
    pub lessons: Vec<Lesson>,
    pub errors: Vec<LessonError>,
}

fn read_lesson_file(root: &Path, f: &Path) -> Result<Lesson, LessonError> {
    {
        if let Some(why) = crate::engine::load::link_outside(root, f) {
            return Err(LessonError::Io {
                path: f.display().to_string(),
                message: format!("{why}; copy the lesson into the folder"),
            });
        }
        let bytes = crate::engine::load::read_limited(f, MAX_LESSON_BYTES).map_err(|e| {
            use crate::engine::load::LoadError;
            let message = match e {
                LoadError::Binary { .. } => "not a text file; a lesson is TOML text".to_owned(),
                LoadError::TooLarge { limit, .. } => {
                    format!("more than the {limit} bytes rolescope reads from one lesson")
                }
                other => other.to_string(),
            };
            LessonError::Io {
                path: f.display().to_string(),
                message,
            }
        })?;
        let text = String::from_utf8(bytes).map_err(|e| LessonError::Io {
            path: f.display().to_string(),
            message: format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        })?;
        let name = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        parse(&name, &f.display().to_string(), &text)
    }
}

/// The lessons of a classroom pack: the `lessons/` folder of any directory among `paths`.
/// `None` when no path is a pack (then the built-in lessons apply).
///
/// # Errors
/// A lesson of the pack that cannot be read.
pub fn load_packs(paths: &[PathBuf]) -> Result<Option<Vec<Lesson>>, LessonError> {
    load_packs_report(paths)?.map(first_error).transpose()
}

/// The lessons of the classroom packs among `paths`, with every mistake found in them;
/// `None` when no path is a pack.
///
/// # Errors
/// A pack's `lessons/` folder that cannot be read at all.
pub fn load_packs_report(paths: &[PathBuf]) -> Result<Option<PackLessons>, LessonError> {
    let mut found: Option<PackLessons> = None;
    for p in paths {
        let dir = p.join("lessons");
        if p.is_dir() && dir.is_dir() {
            let mut all = found.take().unwrap_or_default();
            let got = load_dir_within(p, &dir)?;
            all.lessons.extend(got.lessons);
            all.errors.extend(got.errors);
            sort(&mut all.lessons);
            found = Some(all);
        }
    }
    Ok(found)
}

/// The lesson called `name` among `lessons`.
///
/// # Errors
/// [`LessonError::NotFound`] listing the names there are.
pub fn find<'a>(lessons: &'a [Lesson], name: &str) -> Result<&'a Lesson, LessonError> {
    let want = name.trim().trim_end_matches(".toml");
    lessons.iter().find(|l| l.name == want).ok_or_else(|| {
        let names: Vec<String> = lessons.iter().map(|l| format!("`{}`", l.name)).collect();
        LessonError::NotFound {
            name: name.to_owned(),
            hint: if names.is_empty() {
                "there are no lessons here; see `rolescope lessons`".to_owned()
            } else {
                format!(
                    "use one of {} (list them with `rolescope lessons`)",
                    names.join(", ")
                )
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_seconds_or_text() {
        for (v, want) in [
            (Value::from(900), Ok(900)),
            (Value::from("45m"), Ok(2700)),
            (Value::from("1h30m"), Ok(5400)),
            (Value::from("90s"), Ok(90)),
        ] {
            assert_eq!(parse_duration(&v), want);
        }
        for bad in [
            Value::from("1x"),
            Value::from(""),
            Value::from("5"),
            Value::from(-1),
        ] {
            assert!(parse_duration(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn toml_syntax_errors_name_file_line_and_column() {
        let e = parse("x", "x.toml", "title = \"a\"\nsummary = \"b\"\n[[step]\n").unwrap_err();
        assert!(matches!(e, LessonError::Syntax { line: 3, .. }), "{e}");
    }

    #[test]
    fn step_errors_name_the_step_and_its_line() {
        let text = "title = \"a\"\nsummary = \"b\"\n\n[[step]]\ntitle = \"one\"\ntext = \"t\"\n\n[[step]]\ntitle = \"two\"\ntext = \"t\"\nas_session = \"ops\"\nsimulate = { kind = \"assume-role\", role = \"OpsEntry\" }\nexpect = { decision = \"allow\" }\n";
        let e = parse("x", "x.toml", text).unwrap_err();
        let LessonError::Step { line, step, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!((*line, *step), (8, 2), "{e}");
        assert!(e.to_string().contains("keep_session"), "{e}");
    }

    #[test]
    fn unknown_fields_and_expectations_are_refused_with_the_known_ones() {
        let e = parse(
            "x",
            "x.toml",
            "title = \"a\"\nsummary = \"b\"\n[[step]]\ntitle = \"s\"\ntext = \"t\"\nselect_role = \"OpsEntry\"\nexpect = { colour = \"red\" }\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("`expect.colour`"), "{e}");
        let e = parse(
            "x",
            "x.toml",
            "title = \"a\"\nsummary = \"b\"\n[[step]]\ntitle = \"s\"\ntext = \"t\"\nslect_role = \"OpsEntry\"\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("slect_role"), "{e}");
    }

    #[test]
    fn an_action_without_expectation_is_refused() {
        let e = parse(
            "x",
            "x.toml",
            "title = \"a\"\nsummary = \"b\"\n[[step]]\ntitle = \"s\"\ntext = \"t\"\nsimulate = { kind = \"assume-role\", role = \"OpsEntry\", caller = \"x\" }\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("states no `expect`"), "{e}");
    }

    #[test]
    fn find_lists_the_lessons_there_are() {
        let all = builtin().unwrap();
        assert!(find(&all, "role-chaining").is_ok());
        let e = find(&all, "nope").unwrap_err();
        assert!(e.to_string().contains("`role-chaining`"), "{e}");
    }
}
