//! A simulation's answer read out check by check, in two styles. The *full* trace is every
//! statement that matched and the engine's own sentences, ARNs in full. The *beginner*
//! trace puts the deciding check first, says each policy type's part in one plain
//! sentence, folds the organisation's SCP and RCP levels into one line, and names things by
//! their short names (a role's name, a bucket's) with the ARNs kept beside each line for
//! whoever asks for them. Wording only: what decided is the engine's, read from its typed
//! answer ([`Decision`], the STS [`Outcome`]).

use serde::Serialize;

use crate::engine::policy::decision::{
    Decision, LayerDecision, LayerOutcome, MatchedStatement, Outcome as PolicyOutcome, PolicyType,
};
use crate::engine::policy::document::Effect;
use crate::engine::sts::assume::Outcome;
use crate::engine::wizard::Ran;

use super::question::Decider;

/// How a trace is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TraceStyle {
    /// The deciding check first, one plain line per policy type, short names.
    #[default]
    Beginner,
    /// Every statement that matched and the engine's own sentences, ARNs in full.
    Full,
}

impl TraceStyle {
    /// The other style.
    #[must_use]
    pub fn toggled(self) -> Self {
        match self {
            Self::Beginner => Self::Full,
            Self::Full => Self::Beginner,
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Beginner => "beginner",
            Self::Full => "full",
        }
    }
}

/// What a trace line is: a check that passed or failed, a fact worth knowing that is no
/// check at all, or a check that turns on data that is not loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TraceMark {
    Passed,
    Failed,
    /// Informational: a note the simulation adds (an assumed default, a condition key the
    /// request lacks); neither passed nor failed.
    Info,
    /// The check turns on data that is not loaded: neither passed nor failed.
    Unknown,
}

impl TraceMark {
    /// The mark printed before the line: `✓`, `✗`, `ℹ` or `?`.
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Passed => "✓",
            Self::Failed => "✗",
            Self::Info => "ℹ",
            Self::Unknown => "?",
        }
    }
}

/// A short name a beginner line uses, and the ARN it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub short: String,
    pub arn: String,
}

/// One line of a revealed trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceLine {
    /// `false` only for a check that failed ([`TraceMark::Failed`]); informational and
    /// unknown lines are not failures.
    pub ok: bool,
    pub mark: TraceMark,
    pub text: String,
    /// The ARNs behind the short names in `text` (beginner lines only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<Named>,
}

impl TraceLine {
    #[must_use]
    pub fn new(mark: TraceMark, text: impl Into<String>) -> Self {
        Self {
            ok: mark != TraceMark::Failed,
            mark,
            text: text.into(),
            names: Vec::new(),
        }
    }

    /// A line whose ARNs are replaced by short names, kept in [`TraceLine::names`].
    #[must_use]
    pub fn short(mark: TraceMark, text: &str) -> Self {
        let (text, names) = shorten(text);
        Self {
            names,
            ..Self::new(mark, text)
        }
    }
}

/// The trace of `ran` in `style`.
#[must_use]
pub fn of(ran: &Ran, style: TraceStyle) -> Vec<TraceLine> {
    match style {
        TraceStyle::Full => full(ran),
        TraceStyle::Beginner => beginner(ran),
    }
}

/// The short name of an ARN: a role's, user's or policy's name, `Role/session` for a role
/// session, `account N` for an account root, a bucket or object as `bucket/key`, the
/// resource part of any other ARN. Anything that is not an ARN is given back as it is.
#[must_use]
pub fn short_name(arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let &[first, _partition, service, _region, account, resource] = parts.as_slice() else {
        return arn.to_owned();
    };
    if first != "arn" || resource.is_empty() {
        return arn.to_owned();
    }
    let last = |s: &str| s.rsplit('/').next().unwrap_or(s).to_owned();
    match service {
        "iam" if resource == "root" => format!("account {account}"),
        "iam" => match resource.split_once('/') {
            Some(("oidc-provider", host)) => host.to_owned(),
            Some((_, rest)) => last(rest),
            None => resource.to_owned(),
        },
        "sts" => match resource.split_once('/') {
            Some(("assumed-role", rest)) => rest.to_owned(),
            Some((_, rest)) => rest.to_owned(),
            None => resource.to_owned(),
        },
        _ => resource.to_owned(),
    }
}

/// `text` with every ARN in it replaced by its short name, and the names used.
#[must_use]
pub fn shorten(text: &str) -> (String, Vec<Named>) {
    let mut out = String::with_capacity(text.len());
    let mut names: Vec<Named> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("arn:") {
        let starts_word = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || "`\"'(".contains(c));
        if !starts_word {
            out.push_str(&rest[..at + 4]);
            rest = &rest[at + 4..];
            continue;
        }
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let mut end = tail
            .find(|c: char| c.is_whitespace() || "`\"'),;".contains(c))
            .unwrap_or(tail.len());
        // A sentence's full stop or a colon after the ARN is not part of it.
        while end > 0 && tail[..end].ends_with(['.', ':']) {
            end -= 1;
        }
        let arn = &tail[..end];
        let short = short_name(arn);
        if short != arn && !names.iter().any(|n| n.arn == arn) {
            names.push(Named {
                short: short.clone(),
                arn: arn.to_owned(),
            });
        }
        out.push_str(&short);
        rest = &tail[end..];
    }
    out.push_str(rest);
    (out, names)
}

/// Builds the check-by-check trace of a simulation: the statements that matched, the checks
/// that decided (passed or failed), the notes the simulation adds (informational, never
/// marked as failed), the outcome, and what data the answer lacks.
#[must_use]
pub fn full(ran: &Ran) -> Vec<TraceLine> {
    use TraceMark::{Failed, Info, Passed, Unknown};
    let doc = ran.result();
    let mut out: Vec<TraceLine> = Vec::new();
    let mut push = |line: TraceLine| {
        if !out.iter().any(|l| l.text == line.text) {
            out.push(line);
        }
    };
    for m in &doc.matched_statements {
        push(TraceLine::new(
            if m.effect == "Allow" { Passed } else { Failed },
            format!("{} — statement {} ({})", m.policy, m.statement, m.effect),
        ));
    }
    let allowed = doc.decision == Some(crate::engine::sts::request::DecisionDoc::Allow);
    let unknown = doc.decision == Some(crate::engine::sts::request::DecisionDoc::Unknown);
    let outcome_mark = if allowed {
        Passed
    } else if unknown {
        Unknown
    } else {
        Failed
    };
    match ran {
        Ran::Sts(o) => {
            // The document's reasons: the deciding messages when the call succeeds (or is
            // unknown), the failing checks when it does not.
            for r in &doc.reasons {
                push(TraceLine::new(outcome_mark, r.clone()));
            }
            for n in &o.notes {
                push(TraceLine::new(Info, n.clone()));
            }
        }
        Ran::Authorize(d) => {
            push(TraceLine::new(outcome_mark, d.message.clone()));
            for n in &d.notes {
                push(TraceLine::new(Info, n.clone()));
            }
            if !d.missing_context_keys.is_empty() {
                push(TraceLine::new(
                    Info,
                    format!(
                        "the request lacks condition keys the policies ask for: {}",
                        d.missing_context_keys.join(", ")
                    ),
                ));
            }
        }
        Ran::Expired(_) => {
            for r in &doc.reasons {
                push(TraceLine::new(Failed, r.clone()));
            }
        }
    }
    out.push(TraceLine::new(
        outcome_mark,
        match (allowed, doc.effective_duration_seconds, &doc.error_code) {
            (true, Some(s), _) => format!(
                "session issued for {} ({} s){}",
                human(s),
                s,
                if doc.chained == Some(true) {
                    ", by role chaining"
                } else {
                    ""
                }
            ),
            (true, None, _) => "allowed".to_owned(),
            (false, _, Some(code)) => {
                format!("{code}: {}", doc.error_message.clone().unwrap_or_default())
            }
            (false, _, None) if unknown => {
                "unknown: the answer depends on data that is not loaded".to_owned()
            }
            (false, _, None) => "denied".to_owned(),
        },
    ));
    for m in &doc.missing {
        out.push(TraceLine::new(
            Unknown,
            format!("not in the data: {} (fetch: {})", m.what, m.fetch),
        ));
    }
    out
}

/// The beginner trace of a simulation: the deciding check first, then each other check
/// in one plain line (the organisation's levels folded into one), the notes, and for an
/// STS call the session issued or the error STS answers.
#[must_use]
pub fn beginner(ran: &Ran) -> Vec<TraceLine> {
    let mut out = Lines::default();
    match ran {
        Ran::Authorize(d) => decision_lines(&mut out, d),
        Ran::Sts(o) => sts_lines(&mut out, o),
        Ran::Expired(at) => {
            out.push(
                TraceMark::Failed,
                &format!(
                    "denied — decided by {}: that session expired at {at}, before this call; get a fresh session, then call again",
                    Decider::ExpiredSession.label()
                ),
            );
            out.push(
                TraceMark::Failed,
                "the service answers ExpiredToken, whatever the call",
            );
        }
    }
    out.0
}

/// Beginner lines, each written once.
#[derive(Default)]
struct Lines(Vec<TraceLine>);

impl Lines {
    fn push(&mut self, mark: TraceMark, text: &str) {
        let line = TraceLine::short(mark, text);
        if !self.0.iter().any(|l| l.text == line.text) {
            self.0.push(line);
        }
    }
}

/// A statement's `Sid`, or `#n` for one without.
fn sid(m: &MatchedStatement) -> String {
    match &m.sid {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => format!("#{}", m.index),
    }
}

/// `policy (statement Sid)`.
fn statement(m: &MatchedStatement) -> String {
    format!("{} (statement {})", m.policy, sid(m))
}

/// The first statement of `policy_type` with `effect` that matched.
fn matched(d: &Decision, policy_type: PolicyType, effect: Effect) -> Option<&MatchedStatement> {
    d.matched_statements
        .iter()
        .find(|m| m.policy_type == policy_type && m.effect == effect)
}

/// `root`, `OU ou-…`, `account N`.
fn level_name(target: &str) -> String {
    if target.starts_with("r-") {
        "the root".to_owned()
    } else if target.starts_with("ou-") {
        format!("OU {target}")
    } else {
        format!("account {target}")
    }
}

/// The organisation's SCP and RCP levels in one line, when either takes part.
fn organisation(d: &Decision) -> Option<(TraceMark, String)> {
    let layer = |t: PolicyType| d.layers.iter().find(|l| l.policy_type == t);
    let scp = layer(PolicyType::ServiceControlPolicy);
    let rcp = layer(PolicyType::ResourceControlPolicy);
    let applies =
        |l: Option<&LayerDecision>| l.is_some_and(|l| l.outcome != LayerOutcome::NotApplicable);
    if !applies(scp) && !applies(rcp) {
        return None;
    }
    let mut parts = Vec::new();
    let mut mark = TraceMark::Passed;
    for (l, name, ty) in [
        (scp, "SCPs", PolicyType::ServiceControlPolicy),
        (rcp, "RCPs", PolicyType::ResourceControlPolicy),
    ] {
        let Some(l) = l else { continue };
        match l.outcome {
            LayerOutcome::Allowed => parts.push(format!(
                "{name} allow it at {}",
                match l.levels.len() {
                    0 | 1 => "its level".to_owned(),
                    n => format!("all {n} levels (root to account)"),
                }
            )),
            // The simulation's own note says why (not a supported service, the
            // management account).
            LayerOutcome::NotApplicable => {}
            LayerOutcome::ExplicitDeny => {
                mark = TraceMark::Failed;
                let by = matched(d, ty, Effect::Deny)
                    .map(|m| {
                        let at = m.level.as_deref().map(level_name).unwrap_or_default();
                        format!(" — {} at {at}", statement(m))
                    })
                    .unwrap_or_default();
                parts.push(format!("an {} denies it{by}", &name[..name.len() - 1]));
            }
            LayerOutcome::ImplicitDeny => {
                mark = TraceMark::Failed;
                let at = l
                    .levels
                    .iter()
                    .find(|v| v.outcome != LayerOutcome::Allowed)
                    .map(|v| level_name(&v.target))
                    .unwrap_or_else(|| "one level".to_owned());
                parts.push(format!(
                    "no {} at {at} allows it (every level from the root down must)",
                    &name[..name.len() - 1]
                ));
            }
        }
    }
    Some((mark, format!("organisation: {}", parts.join("; "))))
}

/// One plain sentence for policy type `t`'s part in `d`, when it takes part; `trust`
/// when the resource is a role and its resource policy is the trust policy.
fn layer_sentence(d: &Decision, t: PolicyType, trust: bool) -> Option<String> {
    let who = &d.principal;
    let what = format!("{} on {}", d.action, d.resource);
    let outcome = d.layer(t);
    let effect = if outcome == LayerOutcome::ExplicitDeny {
        Effect::Deny
    } else {
        Effect::Allow
    };
    // The statement that decided this policy type's part: the resource's own policy is
    // named already, so its statement goes by its Sid alone.
    let by = matched(d, t, effect)
        .filter(|_| outcome != LayerOutcome::ImplicitDeny)
        .map(|m| {
            if t == PolicyType::ResourceBasedPolicy {
                format!(" — statement {}", sid(m))
            } else {
                format!(" — {}", statement(m))
            }
        })
        .unwrap_or_default();
    let whose = |kind: &str| format!("the {kind} of {who}");
    let (subject, missing) = match t {
        PolicyType::ResourceBasedPolicy if trust => (
            format!("the trust policy of {}", d.resource),
            format!(
                "the trust policy of {} has no statement that lets {who} in",
                d.resource
            ),
        ),
        PolicyType::ResourceBasedPolicy => (
            format!("the resource policy of {}", d.resource),
            format!("the resource policy of {} does not allow {who}", d.resource),
        ),
        PolicyType::IdentityBasedPolicy => (
            format!("a policy of {who}"),
            format!("no policy of {who} allows {what}"),
        ),
        PolicyType::PermissionsBoundary => {
            let s = whose("permissions boundary");
            (s.clone(), format!("{s} does not allow {what}"))
        }
        PolicyType::SessionPolicy => {
            let s = whose("session policy");
            (s.clone(), format!("{s} does not allow {what}"))
        }
        PolicyType::ServiceControlPolicy | PolicyType::ResourceControlPolicy => {
            return organisation(d).map(|(_, s)| s);
        }
    };
    Some(match outcome {
        LayerOutcome::NotApplicable => return None,
        LayerOutcome::Allowed if trust && t == PolicyType::ResourceBasedPolicy => {
            format!("{subject} lets {who} in{by}")
        }
        LayerOutcome::Allowed => format!("{subject} allows it{by}"),
        LayerOutcome::ExplicitDeny => {
            format!("{subject} denies it{by} (a deny wins over every allow)")
        }
        LayerOutcome::ImplicitDeny => missing,
    })
}

/// The order a beginner reads the checks in: the organisation, then the resource's policy,
/// the caller's own, its boundary and its session policy.
const ORDER: [PolicyType; 4] = [
    PolicyType::ResourceBasedPolicy,
    PolicyType::IdentityBasedPolicy,
    PolicyType::PermissionsBoundary,
    PolicyType::SessionPolicy,
];

/// The lines of every check `d` made but `skip`, marked by what they did to the answer.
fn layer_lines(out: &mut Lines, d: &Decision, skip: Option<PolicyType>, trust: bool) {
    let org_decides = matches!(
        skip,
        Some(PolicyType::ServiceControlPolicy | PolicyType::ResourceControlPolicy)
    );
    if !org_decides && let Some((mark, text)) = organisation(d) {
        out.push(mark, &text);
    }
    for t in ORDER {
        if Some(t) == skip {
            continue;
        }
        let Some(text) = layer_sentence(d, t, trust) else {
            continue;
        };
        let mark = match d.layer(t) {
            LayerOutcome::Allowed => TraceMark::Passed,
            LayerOutcome::ExplicitDeny => TraceMark::Failed,
            // An implicit deny that did not stop an allowed call: the grant came from a
            // policy this one does not limit (a resource policy naming the caller).
            LayerOutcome::ImplicitDeny if d.is_allowed() => TraceMark::Info,
            _ => TraceMark::Failed,
        };
        let text = if mark == TraceMark::Info {
            format!("{text} — not needed here: the grant above does not go through it")
        } else {
            text
        };
        out.push(mark, &text);
    }
}

/// The first line of a decision: its outcome and the check that decided it.
fn deciding_line(d: &Decision, trust: bool) -> (TraceMark, String) {
    let deciding = d.deciding;
    let sentence = deciding.and_then(|t| layer_sentence(d, t, trust));
    match d.outcome {
        PolicyOutcome::Allow => (
            TraceMark::Passed,
            format!(
                "allowed — {}",
                sentence.unwrap_or_else(|| format!(
                    "{} may {} on {}",
                    d.principal, d.action, d.resource
                ))
            ),
        ),
        PolicyOutcome::Unknown => (
            TraceMark::Unknown,
            "unknown — the answer turns on data that is not loaded (below)".to_owned(),
        ),
        PolicyOutcome::ExplicitDeny | PolicyOutcome::ImplicitDeny => {
            let how = if d.outcome == PolicyOutcome::ExplicitDeny {
                "explicitly"
            } else {
                "implicitly"
            };
            (
                TraceMark::Failed,
                match (deciding, sentence) {
                    (Some(t), Some(s)) => {
                        format!("denied {how} — decided by {}: {s}", t.with_article())
                    }
                    _ => format!("denied {how} — {}", d.message),
                },
            )
        }
    }
}

fn decision_lines(out: &mut Lines, d: &Decision) {
    let (mark, text) = deciding_line(d, false);
    out.push(mark, &text);
    layer_lines(out, d, d.deciding, false);
    for n in &d.notes {
        out.push(TraceMark::Info, n);
    }
    if !d.missing_context_keys.is_empty() {
        out.push(
            TraceMark::Info,
            &format!(
                "the request lacks condition keys the policies ask for: {}",
                d.missing_context_keys.join(", ")
            ),
        );
    }
    for m in &d.missing {
        out.push(
            TraceMark::Unknown,
            &format!("not in the data: {}", m.sentence()),
        );
    }
}

fn sts_lines(out: &mut Lines, o: &Outcome) {
    let assume = o.decisions.first();
    match (&o.session, o.findings.first()) {
        (Some(_), _) => {
            if let Some(d) = assume {
                let trust = layer_sentence(d, PolicyType::ResourceBasedPolicy, true)
                    .unwrap_or_else(|| {
                        format!(
                            "the trust policy of {} lets {} in",
                            o.role_arn, o.caller_arn
                        )
                    });
                out.push(TraceMark::Passed, &format!("allowed — {trust}"));
            } else {
                out.push(
                    TraceMark::Passed,
                    &format!("allowed — {} may assume {}", o.caller_arn, o.role_arn),
                );
            }
        }
        (None, Some(first)) => {
            out.push(
                TraceMark::Failed,
                &format!(
                    "denied — decided by {}: {}",
                    Decider::of(first.category).label(),
                    first.explanation
                ),
            );
            for f in &o.findings[1..] {
                out.push(
                    TraceMark::Failed,
                    &format!(
                        "also: {} — {}",
                        Decider::of(f.category).label(),
                        f.explanation
                    ),
                );
            }
        }
        (None, None) => out.push(
            TraceMark::Unknown,
            "unknown — the answer turns on data that is not loaded (below)",
        ),
    }
    if let Some(d) = assume {
        // The checks that passed, for the picture; the failing ones are said above.
        let mut passed = Lines::default();
        layer_lines(&mut passed, d, Some(PolicyType::ResourceBasedPolicy), true);
        for l in passed.0 {
            if l.mark == TraceMark::Passed || o.session.is_some() {
                out.0.push(l);
            }
        }
    }
    for d in o.decisions.iter().skip(1) {
        if d.is_allowed() {
            out.push(
                TraceMark::Passed,
                &format!(
                    "{} is allowed too (the trust and the caller's own policy)",
                    d.action
                ),
            );
        }
    }
    for n in &o.notes {
        out.push(TraceMark::Info, n);
    }
    match (&o.session, &o.error) {
        (Some(s), _) => out.push(
            TraceMark::Passed,
            &format!(
                "session issued for {} ({} s){}",
                human(s.duration_seconds),
                s.duration_seconds,
                if s.chained { ", by role chaining" } else { "" }
            ),
        ),
        (None, Some(e)) => out.push(
            TraceMark::Failed,
            &format!("STS answers {}", e.code.as_str()),
        ),
        (None, None) => {}
    }
    for m in &o.missing {
        out.push(
            TraceMark::Unknown,
            &format!("not in the data: {}", m.sentence()),
        );
    }
}

/// `1 h 30 min`, `45 min`, `90 s`.
#[must_use]
pub fn human(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s} s"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_of_the_arns_a_trace_meets() {
        for (arn, short) in [
            (
                "arn:aws:iam::333333333333:role/team/storefront-builder",
                "storefront-builder",
            ),
            (
                "arn:aws:iam::111111111111:user/people/kevin.lee",
                "kevin.lee",
            ),
            ("arn:aws:iam::111111111111:root", "account 111111111111"),
            (
                "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                "AmazonS3ReadOnlyAccess",
            ),
            (
                "arn:aws:sts::333333333333:assumed-role/storefront-builder/build",
                "storefront-builder/build",
            ),
            (
                "arn:aws:s3:::acme-finance-reports/q3.csv",
                "acme-finance-reports/q3.csv",
            ),
            (
                "arn:aws:dynamodb:eu-west-1:333333333333:table/storefront-carts",
                "table/storefront-carts",
            ),
            ("ec2.amazonaws.com", "ec2.amazonaws.com"),
        ] {
            assert_eq!(short_name(arn), short, "{arn}");
        }
    }

    #[test]
    fn shorten_keeps_every_arn_it_replaces_and_the_punctuation_around_it() {
        let (text, names) = shorten(
            "User: arn:aws:iam::1:user/a/kevin is not authorized on resource: arn:aws:iam::1:role/Ops. See `arn:aws:iam::1:role/Ops`",
        );
        assert_eq!(
            text,
            "User: kevin is not authorized on resource: Ops. See `Ops`"
        );
        assert_eq!(
            names,
            vec![
                Named {
                    short: "kevin".into(),
                    arn: "arn:aws:iam::1:user/a/kevin".into()
                },
                Named {
                    short: "Ops".into(),
                    arn: "arn:aws:iam::1:role/Ops".into()
                },
            ]
        );
        // `arn:` inside a word is not an ARN.
        assert_eq!(shorten("learn:x").0, "learn:x");
    }
}
