//! The questions a lesson asks: the prompt for a predict step, worded by the kind of
//! request; the third question "which check decides it?", whose choices are groups of the
//! simulator's troubleshooting categories ([`Decider`]); and the giveaway lint, which finds
//! predict steps whose visible text already states the outcome.
//!
//! The answers are the engine's own: a [`Decider`] is computed from the categories of the
//! simulation's failing checks, never from the lesson's words.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Lesson, Step};
use crate::engine::sts::outcome::Category;

/// Which check decides a call: the answer to "which check decides it?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decider {
    /// Every check allows the call.
    Nothing,
    /// The role's trust policy.
    Trust,
    /// The caller's own identity-based policies (including the trusted account's half of a
    /// cross-account set-up).
    CallerPolicy,
    /// A permissions boundary.
    Boundary,
    /// A session policy.
    SessionPolicy,
    /// An SCP or an RCP of the organisation.
    Organisation,
    /// A resource-based policy (a bucket's, a table's).
    ResourcePolicy,
    /// MFA.
    Mfa,
    /// The external ID.
    ExternalId,
    /// The session length asked for.
    Duration,
    /// The caller's own session has expired.
    ExpiredSession,
    /// The identity provider, its token or its assertion.
    IdentityProvider,
    /// STS is deactivated in the Region.
    Region,
    /// Anything else: a parameter STS refuses, a role that does not exist, a caller that can
    /// never assume roles.
    Other,
}

impl Decider {
    /// Every choice, in the order a learner is offered them.
    pub const ALL: [Self; 14] = [
        Self::Nothing,
        Self::Trust,
        Self::CallerPolicy,
        Self::Boundary,
        Self::SessionPolicy,
        Self::Organisation,
        Self::ResourcePolicy,
        Self::Mfa,
        Self::ExternalId,
        Self::Duration,
        Self::ExpiredSession,
        Self::IdentityProvider,
        Self::Region,
        Self::Other,
    ];

    /// The check that a failing check of this category belongs to.
    #[must_use]
    pub fn of(c: Category) -> Self {
        match c {
            Category::WrongTrustPolicy => Self::Trust,
            Category::CallerLacksPermission | Category::CrossAccountHalfMissing => {
                Self::CallerPolicy
            }
            Category::DurationTooLong => Self::Duration,
            Category::MfaMissing => Self::Mfa,
            Category::ExternalIdMissingOrWrong => Self::ExternalId,
            Category::BoundaryBlocking => Self::Boundary,
            Category::SessionPolicyBlocking => Self::SessionPolicy,
            Category::ScpBlocking | Category::RcpBlocking => Self::Organisation,
            Category::ResourcePolicyBlocking => Self::ResourcePolicy,
            Category::CallerSessionExpired => Self::ExpiredSession,
            Category::RegionDisabled => Self::Region,
            Category::IdentityProvider => Self::IdentityProvider,
            Category::InvalidParameter
            | Category::RoleNotFound
            | Category::CallerCannotAssumeRoles => Self::Other,
        }
    }

    /// The short name lessons and the command line use (`caller-policy`).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Nothing => "nothing",
            Self::Trust => "trust",
            Self::CallerPolicy => "caller-policy",
            Self::Boundary => "boundary",
            Self::SessionPolicy => "session-policy",
            Self::Organisation => "organisation",
            Self::ResourcePolicy => "resource-policy",
            Self::Mfa => "mfa",
            Self::ExternalId => "external-id",
            Self::Duration => "duration",
            Self::ExpiredSession => "expired-session",
            Self::IdentityProvider => "identity-provider",
            Self::Region => "region",
            Self::Other => "other",
        }
    }

    /// What a learner reads as the choice.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Nothing => "nothing blocks it: every check allows",
            Self::Trust => "the role's trust policy",
            Self::CallerPolicy => "the caller's own policy",
            Self::Boundary => "a permissions boundary",
            Self::SessionPolicy => "a session policy",
            Self::Organisation => "an SCP or RCP of the organisation",
            Self::ResourcePolicy => "a resource policy",
            Self::Mfa => "MFA",
            Self::ExternalId => "the external ID",
            Self::Duration => "the session duration",
            Self::ExpiredSession => "the caller's expired session",
            Self::IdentityProvider => "the identity provider or its token",
            Self::Region => "the Region (STS deactivated)",
            Self::Other => "something else in the request",
        }
    }

    /// The choice of that short name.
    #[must_use]
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.key() == key.trim())
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// The checks that decide a call (a call can fail on several at once). Copy, so an answer
/// can be handed around freely.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeciderSet(u16);

impl DeciderSet {
    /// The deciders of an answered call: [`Decider::Nothing`] when it is allowed, the
    /// checks of its failing categories otherwise.
    #[must_use]
    pub fn from_result(allowed: bool, categories: &[Category]) -> Self {
        if allowed {
            return Self(Decider::Nothing.bit());
        }
        let mut set = Self::default();
        for c in categories {
            set.0 |= Decider::of(*c).bit();
        }
        if set.0 == 0 {
            set.0 = Decider::Other.bit();
        }
        set
    }

    #[must_use]
    pub fn contains(self, d: Decider) -> bool {
        self.0 & d.bit() != 0
    }

    /// The deciders, in [`Decider::ALL`] order.
    #[must_use]
    pub fn list(self) -> Vec<Decider> {
        Decider::ALL
            .into_iter()
            .filter(|d| self.contains(*d))
            .collect()
    }

    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl Serialize for DeciderSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.list().serialize(s)
    }
}

/// The question a predict step asks, worded by the kind of its request (or the step's own).
#[must_use]
pub fn prompt(step: &Step) -> String {
    if let Some(q) = &step.question {
        return q.clone();
    }
    let kind = step
        .simulate
        .as_ref()
        .and_then(|v| v.get("kind"))
        .and_then(Value::as_str)
        .unwrap_or("");
    match kind {
        "authorize" => "Will this call be allowed?",
        "ec2-instance-profile" => "Will EC2 get credentials for the instance, and for how long?",
        "roles-anywhere" => "Will Roles Anywhere issue a session, and for how long?",
        _ => "Will this call succeed, and for how long?",
    }
    .to_owned()
}

/// The third question, asked after the outcome.
pub const WHICH_CHECK: &str = "Which check decides it?";

/// A predict step whose visible text gives its outcome away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Giveaway {
    /// 0-based step index.
    pub step: usize,
    pub line: usize,
    pub title: String,
    /// The words found.
    pub words: Vec<String>,
}

/// Words that state an outcome, by the expected decision.
fn outcome_words(expect: &std::collections::BTreeMap<String, Value>) -> Vec<String> {
    let decision = expect.get("decision").and_then(Value::as_str).unwrap_or("");
    let mut words: Vec<String> = match decision {
        "allow" => [
            "succeeds",
            "succeeded",
            "allowed",
            "it works",
            "works",
            "gets in",
            "gets its",
            "in scope",
            "granted",
        ]
        .iter()
        .map(|w| (*w).to_owned())
        .collect(),
        "deny" | "error" => [
            "denied",
            "denies",
            "deny wins",
            "out of scope",
            "cannot",
            "refused",
            "refuses",
            "fails",
            "failed",
            "not allowed",
            "blocked",
            "blocks",
            "is not to blame",
            "accessdenied",
        ]
        .iter()
        .map(|w| (*w).to_owned())
        .collect(),
        _ => Vec::new(),
    };
    if let Some(code) = expect.get("error_code").and_then(Value::as_str) {
        words.push(code.to_lowercase());
    }
    if let Some(Value::Array(cats)) = expect.get("categories") {
        for c in cats.iter().filter_map(Value::as_str) {
            words.push(c.to_owned());
        }
    }
    words
}

/// The predict steps of a lesson whose title, text or question contain their outcome:
/// the decision in words, the error code, or a category's name.
#[must_use]
pub fn giveaways(lesson: &Lesson) -> Vec<Giveaway> {
    let mut out = Vec::new();
    for (i, s) in lesson.steps.iter().enumerate() {
        if !s.predict {
            continue;
        }
        let visible = format!(
            "{}\n{}\n{}",
            s.title,
            s.text,
            s.question.as_deref().unwrap_or("")
        )
        .to_lowercase();
        let words: Vec<String> = outcome_words(&s.expect)
            .into_iter()
            .filter(|w| contains_word(&visible, w))
            .collect();
        if !words.is_empty() {
            out.push(Giveaway {
                step: i,
                line: lesson.step_lines.get(i).copied().unwrap_or(0),
                title: s.title.clone(),
                words,
            });
        }
    }
    out
}

/// True when `word` occurs in `text` not as part of a longer word.
fn contains_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_a_decider_and_keys_round_trip() {
        for d in Decider::ALL {
            assert_eq!(Decider::from_key(d.key()), Some(d));
        }
        let set = DeciderSet::from_result(
            false,
            &[Category::ScpBlocking, Category::CrossAccountHalfMissing],
        );
        assert_eq!(
            set.list(),
            vec![Decider::CallerPolicy, Decider::Organisation]
        );
        assert_eq!(
            DeciderSet::from_result(true, &[]).list(),
            vec![Decider::Nothing]
        );
    }

    fn lesson(text: &str) -> Lesson {
        super::super::parse("x", "x.toml", text).unwrap()
    }

    #[test]
    fn a_predict_step_that_states_its_outcome_is_found() {
        let l = lesson(
            "title = \"a\"\nsummary = \"b\"\n[[step]]\ntitle = \"Refused\"\ntext = \"Sam is denied.\"\npredict = true\nsimulate = { kind = \"assume-role\", role = \"OpsEntry\", caller = \"x\" }\nexpect = { decision = \"deny\", categories = [\"mfa-missing\"] }\n",
        );
        let g = giveaways(&l);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].words, vec!["denied", "refused"]);
        let fair = lesson(
            "title = \"a\"\nsummary = \"b\"\n[[step]]\ntitle = \"Sam\"\ntext = \"Sam calls. Will it succeed?\"\npredict = true\nexplain = \"It is refused: MFA.\"\nsimulate = { kind = \"assume-role\", role = \"OpsEntry\", caller = \"x\" }\nexpect = { decision = \"deny\" }\n",
        );
        assert!(giveaways(&fair).is_empty());
    }

    #[test]
    fn prompts_are_worded_by_request_kind() {
        let l = lesson(
            "title = \"a\"\nsummary = \"b\"\n[[step]]\ntitle = \"s\"\ntext = \"t\"\npredict = true\nsimulate = { kind = \"authorize\", action = \"s3:GetObject\", resource = \"arn:aws:s3:::b/k\" }\nexpect = { decision = \"deny\" }\n",
        );
        assert_eq!(prompt(&l.steps[0]), "Will this call be allowed?");
    }
}
