//! Exercises: goals over the data that a learner reaches by editing it, checked by the
//! engine. An exercise is written in a lesson file (`[[exercise]]`): goals (calls that must
//! be allowed or refused, run as the lesson player runs steps, possibly chaining sessions;
//! a trust that must no longer name something), the who-can-assume changes a solution may
//! make (`may_gain`, `may_lose` — anything else is an over-broad or destructive fix, named),
//! rules every edited role must keep (no `Principal: "*"` without a condition), progressive
//! hints and a reference solution (what-if edits, for teachers and tests).
//!
//! [`check`] compares a candidate version of the data with the exercise's base data;
//! [`Attempt`] is a learner working on one exercise through the what-if overlay: edits,
//! hints, reset, a score.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::engine::lesson::{EditStep, Lesson, Player, Step};
use crate::engine::lookup::find_role;
use crate::engine::model::Inventory;
use crate::engine::whatif::{AccessDiff, AccessPair, EditError, WhatIf};

/// What a goal's call must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expected {
    /// Allowed (a session issued, or the action allowed).
    Allow,
    /// Refused in any way: AccessDenied or another STS error.
    Refused,
}

/// A trust that must not contain a text (the wrong principal, gone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustLacks {
    pub role: String,
    pub text: String,
}

/// One goal as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// The goal in the learner's words: "li.wei can assume AnalyticsReadOnly".
    pub says: String,
    /// A request document, as `simulate` reads it.
    #[serde(default)]
    pub request: Option<Value>,
    /// Run the request as the session an earlier goal kept.
    #[serde(default)]
    pub as_session: Option<String>,
    #[serde(default)]
    pub keep_session: Option<String>,
    #[serde(default)]
    pub expect: Option<Expected>,
    #[serde(default)]
    pub trust_lacks: Option<TrustLacks>,
}

/// A rule every role the solution edits must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// No trust statement allows `Principal: "*"` (or `{"AWS": "*"}`) without a condition.
    NoWildcardPrincipalWithoutCondition,
}

impl Rule {
    fn says(self) -> &'static str {
        match self {
            Self::NoWildcardPrincipalWithoutCondition => {
                "no trust allows `Principal: \"*\"` without a condition"
            }
        }
    }
}

/// One exercise as written in a lesson file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseSpec {
    /// Unique among the exercises: what `rolescope exercises --check NAME` takes.
    pub name: String,
    pub title: String,
    /// The task, as the learner reads it.
    pub text: String,
    /// The roles the learner is expected to edit (the editor opens on the first).
    #[serde(default)]
    pub roles: Vec<String>,
    /// Hints, shown one at a time, each a little more telling.
    #[serde(default)]
    pub hints: Vec<String>,
    #[serde(default, rename = "goal")]
    pub goals: Vec<Goal>,
    /// `caller → role` patterns (short names or ARNs, `*` matches any run of characters)
    /// that a solution may add to who-can-assume.
    #[serde(default)]
    pub may_gain: Vec<String>,
    /// Patterns a solution may remove from who-can-assume.
    #[serde(default)]
    pub may_lose: Vec<String>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// A reference solution, as what-if edits.
    #[serde(default)]
    pub solution: Vec<EditStep>,
}

/// A loaded exercise: its spec and the lesson it belongs to (clock and Region).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exercise {
    #[serde(flatten)]
    pub spec: ExerciseSpec,
    /// The lesson's name.
    pub lesson: String,
    #[serde(skip)]
    pub start: chrono::DateTime<chrono::Utc>,
    #[serde(skip)]
    pub region: String,
}

/// Checks an exercise as written, before any data is involved.
///
/// # Errors
/// What to write instead.
pub fn check_spec(e: &ExerciseSpec) -> Result<(), String> {
    if e.goals.is_empty() {
        return Err(format!(
            "exercise `{}` has no goal; add `[[exercise.goal]]` tables",
            e.name
        ));
    }
    let mut kept: Vec<&str> = Vec::new();
    for (i, g) in e.goals.iter().enumerate() {
        let n = i + 1;
        match (&g.request, g.expect, &g.trust_lacks) {
            (Some(r), Some(_), None) => {
                crate::engine::sts::request::Request::from_value(r.clone())
                    .map_err(|err| format!("goal {n} (`{}`): `request`: {err}", g.says))?;
            }
            (None, None, Some(_)) => {}
            _ => {
                return Err(format!(
                    "goal {n} (`{}`) needs either `request` with `expect` (`allow` or `refused`), or `trust_lacks`",
                    g.says
                ));
            }
        }
        if let Some(s) = &g.as_session
            && !kept.contains(&s.as_str())
        {
            return Err(format!(
                "goal {n} (`{}`): `as_session` names `{s}`, which no earlier goal keeps",
                g.says
            ));
        }
        if let Some(k) = &g.keep_session {
            kept.push(k);
        }
    }
    for p in e.may_gain.iter().chain(&e.may_lose) {
        if !p.contains('→') {
            return Err(format!(
                "`{p}` in `may_gain`/`may_lose` is not `caller → role`; write e.g. `li.wei → AnalyticsReadOnly`"
            ));
        }
    }
    if e.solution.is_empty() {
        return Err(format!(
            "exercise `{}` has no `solution`; add the what-if edits that solve it (`[[exercise.solution]]`)",
            e.name
        ));
    }
    Ok(())
}

/// How one goal fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoalResult {
    pub says: String,
    pub met: bool,
    /// What the engine answered, when the goal is not met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// The answer to "does this data solve the exercise?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExerciseReport {
    pub exercise: String,
    pub solved: bool,
    pub goals: Vec<GoalResult>,
    /// Who-can-assume pairs the data adds that the exercise does not allow: an over-broad fix.
    pub extra_gained: Vec<String>,
    /// Pairs the data removes that the exercise does not allow.
    pub extra_lost: Vec<String>,
    /// Rules broken, each with the role.
    pub rules_broken: Vec<String>,
}

impl ExerciseReport {
    /// One line per problem, for the command line and the editor's status.
    #[must_use]
    pub fn problems(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .goals
            .iter()
            .filter(|g| !g.met)
            .map(|g| match &g.why {
                Some(w) => format!("goal not met: {} — {w}", g.says),
                None => format!("goal not met: {}", g.says),
            })
            .collect();
        out.extend(self.extra_gained.iter().map(|p| {
            format!("too broad: {p} can now assume it, which the exercise does not allow")
        }));
        out.extend(
            self.extra_lost
                .iter()
                .map(|p| format!("too much taken away: {p} can no longer assume it")),
        );
        out.extend(self.rules_broken.iter().cloned());
        out
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(p) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            let Some(at) = rest.find(p) else {
                return false;
            };
            rest = &rest[at + p.len()..];
        }
    }
    true
}

fn allowed_by(patterns: &[String], pair: &AccessPair) -> bool {
    let short = pair.short();
    let (sc, sr) = short.split_once(" → ").unwrap_or((&short, ""));
    patterns.iter().any(|p| {
        let (pc, pr) = p.split_once('→').unwrap_or((p, ""));
        let (pc, pr) = (pc.trim(), pr.trim());
        (glob(pc, sc) || glob(pc, &pair.caller)) && (glob(pr, sr) || glob(pr, &pair.role))
    })
}

/// The trust statements of `role` that allow everyone without a condition.
fn wildcard_statements(doc: &Value) -> Vec<usize> {
    let stmts = match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(v @ Value::Object(_)) => vec![v.clone()],
        _ => Vec::new(),
    };
    let star = |v: &Value| match v {
        Value::String(s) => s == "*",
        Value::Array(a) => a.iter().any(|x| x.as_str() == Some("*")),
        _ => false,
    };
    stmts
        .iter()
        .enumerate()
        .filter(|(_, s)| s.get("Effect").and_then(Value::as_str) == Some("Allow"))
        .filter(|(_, s)| match s.get("Principal") {
            Some(p @ Value::String(_)) => star(p),
            Some(Value::Object(m)) => m.get("AWS").is_some_and(star),
            _ => false,
        })
        .filter(|(_, s)| {
            s.get("Condition")
                .and_then(Value::as_object)
                .is_none_or(serde_json::Map::is_empty)
        })
        .map(|(i, _)| i)
        .collect()
}

fn goal_step(g: &Goal) -> Option<Step> {
    let request = g.request.clone()?;
    g.expect?;
    // The goal's own `expect` is judged below; the step records what the engine answered.
    let mut v = json!({
        "title": g.says,
        "text": g.says,
        "simulate": request,
    });
    if let Some(obj) = v.as_object_mut() {
        if let Some(s) = &g.as_session {
            obj.insert("as_session".into(), json!(s));
        }
        if let Some(k) = &g.keep_session {
            obj.insert("keep_session".into(), json!(k));
        }
    }
    serde_json::from_value(v).ok()
}

/// Checks `candidate` against the exercise, `base` being the data the exercise is about.
#[must_use]
pub fn check(ex: &Exercise, base: &Inventory, candidate: &Arc<Inventory>) -> ExerciseReport {
    let mut goals = Vec::new();
    // The call goals play as lesson steps, in order, so sessions can be kept and chained.
    let calls: Vec<(usize, Step)> = ex
        .spec
        .goals
        .iter()
        .enumerate()
        .filter_map(|(i, g)| goal_step(g).map(|s| (i, s)))
        .collect();
    let lesson = Lesson {
        name: ex.spec.name.clone(),
        source: format!("exercise `{}`", ex.spec.name),
        title: ex.spec.title.clone(),
        summary: String::new(),
        order: 0,
        start: ex.start,
        region: ex.region.clone(),
        steps: calls.iter().map(|(_, s)| s.clone()).collect(),
        step_lines: vec![0; calls.len()],
        minutes: None,
        level: None,
        prerequisites: Vec::new(),
        recap: crate::engine::lesson::RecapSpec::default(),
        exercises: Vec::new(),
    };
    let mut reports = Player::new(lesson, Arc::clone(candidate))
        .play_all()
        .into_iter();
    for g in &ex.spec.goals {
        if let Some(t) = &g.trust_lacks {
            let r = find_role(candidate, &t.role);
            let (met, why) = match r {
                Ok(r) => {
                    let text = r.trust_policy.json().to_string();
                    if text.contains(&t.text) {
                        (
                            false,
                            Some(format!(
                                "the trust of `{}` still names `{}`",
                                t.role, t.text
                            )),
                        )
                    } else {
                        (true, None)
                    }
                }
                Err(e) => (false, Some(e.to_string())),
            };
            goals.push(GoalResult {
                says: g.says.clone(),
                met,
                why,
            });
            continue;
        }
        let Some(rep) = reports.next() else {
            goals.push(GoalResult {
                says: g.says.clone(),
                met: false,
                why: Some("the goal could not be checked".to_owned()),
            });
            continue;
        };
        let decision = rep
            .result
            .as_ref()
            .and_then(|d| serde_json::to_value(d.decision).ok())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let met = rep.errors.is_empty()
            && match g.expect {
                Some(Expected::Allow) => decision == "allow",
                Some(Expected::Refused) => decision == "deny" || decision == "error",
                None => false,
            };
        let why = if met {
            None
        } else if !rep.errors.is_empty() {
            Some(rep.errors.join("; "))
        } else {
            rep.result.as_ref().map(|d| {
                let mut w = d.error_code.clone().map_or_else(
                    || format!("the engine answered {decision}"),
                    |c| format!("{c}: {}", d.error_message.clone().unwrap_or_default()),
                );
                if decision == "allow" {
                    w = "it is allowed".to_owned();
                }
                w
            })
        };
        goals.push(GoalResult {
            says: g.says.clone(),
            met,
            why,
        });
    }
    let diff = AccessDiff::between(base, candidate);
    let extra_gained: Vec<String> = diff
        .gained
        .iter()
        .filter(|p| !allowed_by(&ex.spec.may_gain, p))
        .map(AccessPair::short)
        .collect();
    let extra_lost: Vec<String> = diff
        .lost
        .iter()
        .filter(|p| !allowed_by(&ex.spec.may_lose, p))
        .map(AccessPair::short)
        .collect();
    let mut rules_broken = Vec::new();
    for rule in &ex.spec.rules {
        match rule {
            Rule::NoWildcardPrincipalWithoutCondition => {
                for r in &candidate.roles {
                    let now = r.trust_policy.json();
                    let before = base
                        .roles
                        .iter()
                        .find(|b| b.arn == r.arn)
                        .map(|b| b.trust_policy.json());
                    if before.as_ref() == Some(&now) {
                        continue;
                    }
                    for i in wildcard_statements(&now) {
                        rules_broken.push(format!(
                            "rule broken: {} — the trust of `{}` statement #{i} lets everyone in",
                            rule.says(),
                            r.name
                        ));
                    }
                }
            }
        }
    }
    let solved = goals.iter().all(|g| g.met)
        && extra_gained.is_empty()
        && extra_lost.is_empty()
        && rules_broken.is_empty();
    ExerciseReport {
        exercise: ex.spec.name.clone(),
        solved,
        goals,
        extra_gained,
        extra_lost,
        rules_broken,
    }
}

/// A learner's score on one exercise: three points when solved without a hint, one less
/// per hint seen (at least one point when solved), none until solved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ExerciseScore {
    pub points: u32,
    pub out_of: u32,
}

/// A learner working on one exercise: what-if edits over the base data, the hints seen,
/// the checks run.
#[derive(Debug, Clone)]
pub struct Attempt {
    exercise: Exercise,
    whatif: WhatIf,
    hints_shown: usize,
    checks: u32,
    last: Option<ExerciseReport>,
}

impl Attempt {
    #[must_use]
    pub fn new(exercise: Exercise, base: Arc<Inventory>) -> Self {
        Self {
            exercise,
            whatif: WhatIf::new(base),
            hints_shown: 0,
            checks: 0,
            last: None,
        }
    }

    #[must_use]
    pub fn exercise(&self) -> &Exercise {
        &self.exercise
    }

    #[must_use]
    pub fn whatif(&self) -> &WhatIf {
        &self.whatif
    }

    /// Applies one edit (checked as IAM checks it on save).
    ///
    /// # Errors
    /// The edit as IAM would refuse it.
    pub fn edit(&mut self, e: &EditStep) -> Result<(), EditError> {
        self.whatif.apply(crate::engine::lesson::player::edit_of(e))
    }

    /// Checks the edited data; the watch loop calls this on every save.
    pub fn check(&mut self) -> &ExerciseReport {
        self.checks += 1;
        let r = check(&self.exercise, self.whatif.base(), self.whatif.inventory());
        self.last.insert(r)
    }

    /// Takes `edited` (what-if edits over this exercise's base data, made elsewhere — the
    /// explorer's editor) as the attempt's data and checks it.
    pub fn check_edited(&mut self, edited: &WhatIf) -> &ExerciseReport {
        self.whatif = edited.clone();
        self.check()
    }

    /// The last check's report.
    #[must_use]
    pub fn last(&self) -> Option<&ExerciseReport> {
        self.last.as_ref()
    }

    #[must_use]
    pub fn solved(&self) -> bool {
        self.last.as_ref().is_some_and(|r| r.solved)
    }

    /// The next hint, if any is left; each one seen costs a point.
    pub fn hint(&mut self) -> Option<&str> {
        let h = self.exercise.spec.hints.get(self.hints_shown)?;
        self.hints_shown += 1;
        Some(h)
    }

    /// The hints seen so far.
    #[must_use]
    pub fn hints_seen(&self) -> &[String] {
        let n = self.hints_shown.min(self.exercise.spec.hints.len());
        &self.exercise.spec.hints[..n]
    }

    /// Back to the data as loaded (the hints seen stay seen).
    pub fn reset(&mut self) {
        self.whatif.discard();
        self.last = None;
    }

    #[must_use]
    pub fn score(&self) -> ExerciseScore {
        let points = if self.solved() {
            3u32.saturating_sub(u32::try_from(self.hints_shown).unwrap_or(u32::MAX))
                .max(1)
        } else {
            0
        };
        ExerciseScore { points, out_of: 3 }
    }
}

/// Every exercise of these lessons, in lesson order.
#[must_use]
pub fn all(lessons: &[Lesson]) -> Vec<Exercise> {
    lessons.iter().flat_map(|l| l.exercises.clone()).collect()
}

/// The exercise called `name`.
///
/// # Errors
/// A message listing the names there are.
pub fn find<'a>(list: &'a [Exercise], name: &str) -> Result<&'a Exercise, String> {
    list.iter()
        .find(|e| e.spec.name == name.trim())
        .ok_or_else(|| {
            let names: Vec<String> = list.iter().map(|e| format!("`{}`", e.spec.name)).collect();
            format!(
                "no exercise named `{name}`; use one of {} (list them with `rolescope exercises`)",
                names.join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_short_names_or_arns_with_stars() {
        let p = AccessPair {
            caller: "arn:aws:iam::333333333333:user/people/li.wei".to_owned(),
            role: "arn:aws:iam::222222222222:role/data/AnalyticsReadOnly".to_owned(),
        };
        assert!(allowed_by(&["li.wei → AnalyticsReadOnly".to_owned()], &p));
        assert!(allowed_by(&["* → AnalyticsReadOnly".to_owned()], &p));
        assert!(allowed_by(
            &["arn:aws:iam::333333333333:* → *".to_owned()],
            &p
        ));
        assert!(!allowed_by(&["noah.kim → *".to_owned()], &p));
    }

    #[test]
    fn a_wildcard_principal_needs_a_condition() {
        let open = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]});
        let aws = json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "sts:AssumeRole"}});
        let guarded = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::1:role/x"}}}]});
        assert_eq!(wildcard_statements(&open), vec![0]);
        assert_eq!(wildcard_statements(&aws), vec![0]);
        assert!(wildcard_statements(&guarded).is_empty());
    }
}
