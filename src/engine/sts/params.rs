//! STS parameter validation: the syntactic checks that fail before any policy is read,
//! reported with AWS's exact `ValidationError` wording
//! (`1 validation error detected: Value '…' at 'roleSessionName' failed to satisfy
//! constraint: …`), and the duration rules (range, `MaxSessionDuration`, the one-hour
//! chaining cap).
//!
//! Constraints come from the STS API model's shapes (IAM-RULES §1.1); the duration rules
//! from §1.3.

use crate::engine::sts::request::TagDoc;

/// One violated parameter constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The member name as AWS spells it in messages (`roleSessionName`, `tags.1.member.key`).
    pub member: String,
    /// The offending value; `None` prints as AWS's `Value null`.
    pub value: Option<String>,
    pub constraint: String,
}

impl Violation {
    fn new(member: impl Into<String>, value: Option<&str>, constraint: impl Into<String>) -> Self {
        Self {
            member: member.into(),
            value: value.map(str::to_owned),
            constraint: constraint.into(),
        }
    }

    fn render(&self) -> String {
        let value = match &self.value {
            Some(v) => format!("Value '{v}'"),
            None => "Value null".to_owned(),
        };
        format!(
            "{value} at '{}' failed to satisfy constraint: {}",
            self.member, self.constraint
        )
    }
}

/// AWS's message for a list of violations:
/// `N validation error(s) detected: <v1>; <v2>`.
#[must_use]
pub fn validation_message(violations: &[Violation]) -> String {
    let n = violations.len();
    let noun = if n == 1 { "error" } else { "errors" };
    let parts: Vec<String> = violations.iter().map(Violation::render).collect();
    format!("{n} validation {noun} detected: {}", parts.join("; "))
}

/// The pattern text of a role session name and a source identity.
pub const SESSION_NAME_PATTERN: &str = r"[\w+=,.@-]*";
const EXTERNAL_ID_PATTERN: &str = r"[\w+=,.@:\/-]*";
const SERIAL_PATTERN: &str = r"[\w+=/:,.@-]*";
const TOKEN_PATTERN: &str = r"[\d]*";
const TAG_KEY_PATTERN: &str = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+";
const TAG_VALUE_PATTERN: &str = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*";
const POLICY_PATTERN: &str = r"[\u0009\u000A\u000D\u0020-\u00FF]+";

/// Shortest and longest `DurationSeconds` STS accepts.
pub const MIN_DURATION: i64 = 900;
pub const MAX_DURATION: i64 = 43200;
/// The cap on a role-chaining session.
pub const CHAIN_CAP_SECONDS: i64 = 3600;
/// The duration STS uses when none is asked for.
pub const DEFAULT_DURATION: i64 = 3600;
/// Longest inline + managed session policy plaintext.
pub const MAX_SESSION_POLICY_CHARS: usize = 2048;
pub const MAX_SESSION_TAGS: usize = 50;
pub const MAX_POLICY_ARNS: usize = 10;

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn all_chars(s: &str, extra: &str) -> bool {
    s.chars().all(|c| is_word_char(c) || extra.contains(c))
}

fn length(out: &mut Vec<Violation>, member: &str, value: &str, min: usize, max: usize) {
    let n = value.chars().count();
    if n < min {
        out.push(Violation::new(
            member,
            Some(value),
            format!("Member must have length greater than or equal to {min}"),
        ));
    }
    if n > max {
        out.push(Violation::new(
            member,
            Some(value),
            format!("Member must have length less than or equal to {max}"),
        ));
    }
}

fn pattern(out: &mut Vec<Violation>, member: &str, value: &str, ok: bool, pat: &str) {
    if !ok {
        out.push(Violation::new(
            member,
            Some(value),
            format!("Member must satisfy regular expression pattern: {pat}"),
        ));
    }
}

/// `RoleSessionName`: required, 2..64, `[\w+=,.@-]*`.
pub fn check_session_name(out: &mut Vec<Violation>, name: Option<&str>) {
    let Some(name) = name else {
        out.push(Violation::new(
            "roleSessionName",
            None,
            "Member must not be null",
        ));
        return;
    };
    length(out, "roleSessionName", name, 2, 64);
    pattern(
        out,
        "roleSessionName",
        name,
        all_chars(name, "+=,.@-"),
        SESSION_NAME_PATTERN,
    );
}

/// `RoleArn`: required, 20..2048.
pub fn check_role_arn(out: &mut Vec<Violation>, arn: &str) {
    if arn.is_empty() {
        out.push(Violation::new("roleArn", None, "Member must not be null"));
        return;
    }
    length(out, "roleArn", arn, 20, 2048);
}

/// `DurationSeconds`: 900..43200 when given.
pub fn check_duration_range(out: &mut Vec<Violation>, duration: Option<i64>) {
    let Some(d) = duration else { return };
    let text = d.to_string();
    if d < MIN_DURATION {
        out.push(Violation::new(
            "durationSeconds",
            Some(&text),
            format!("Member must have value greater than or equal to {MIN_DURATION}"),
        ));
    }
    if d > MAX_DURATION {
        out.push(Violation::new(
            "durationSeconds",
            Some(&text),
            format!("Member must have value less than or equal to {MAX_DURATION}"),
        ));
    }
}

/// `ExternalId`: 2..1224, `[\w+=,.@:\/-]*`.
pub fn check_external_id(out: &mut Vec<Violation>, id: Option<&str>) {
    let Some(id) = id else { return };
    length(out, "externalId", id, 2, 1224);
    pattern(
        out,
        "externalId",
        id,
        all_chars(id, "+=,.@:/-"),
        EXTERNAL_ID_PATTERN,
    );
}

/// `SerialNumber` 9..256 `[\w+=/:,.@-]*` and `TokenCode` exactly six digits.
pub fn check_mfa(out: &mut Vec<Violation>, serial: &str, token: &str) {
    length(out, "serialNumber", serial, 9, 256);
    pattern(
        out,
        "serialNumber",
        serial,
        all_chars(serial, "+=/:,.@-"),
        SERIAL_PATTERN,
    );
    length(out, "tokenCode", token, 6, 6);
    pattern(
        out,
        "tokenCode",
        token,
        token.chars().all(|c| c.is_ascii_digit()),
        TOKEN_PATTERN,
    );
}

/// `SourceIdentity`: 2..64, `[\w+=,.@-]*`.
pub fn check_source_identity(out: &mut Vec<Violation>, si: Option<&str>) {
    let Some(si) = si else { return };
    length(out, "sourceIdentity", si, 2, 64);
    pattern(
        out,
        "sourceIdentity",
        si,
        all_chars(si, "+=,.@-"),
        SESSION_NAME_PATTERN,
    );
}

fn tag_char(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || c == ' '
        || c == '\u{a0}'
        || c.is_whitespace() && !c.is_control()
        || "_.:/=+-@".contains(c)
}

fn render_tags(tags: &[TagDoc]) -> String {
    let inner: Vec<String> = tags
        .iter()
        .map(|t| format!("Tag(key={}, value={})", t.key, t.value))
        .collect();
    format!("[{}]", inner.join(", "))
}

/// `Tags`: at most 50; keys 1..128, values 0..256, tag character set.
pub fn check_tags(out: &mut Vec<Violation>, tags: &[TagDoc]) {
    if tags.len() > MAX_SESSION_TAGS {
        out.push(Violation::new(
            "tags",
            Some(&render_tags(tags)),
            format!("Member must have length less than or equal to {MAX_SESSION_TAGS}"),
        ));
    }
    // Tag keys are case-insensitive with case preserved, so two keys that differ only in case
    // are the same key given twice ([STS-API AssumeRole] `Tags`: "you cannot have separate
    // Department and department tag keys").
    for (i, t) in tags.iter().enumerate() {
        if tags[..i].iter().any(|e| e.key.eq_ignore_ascii_case(&t.key)) {
            out.push(Violation::new(
                format!("tags.{}.member.key", i + 1),
                Some(&t.key),
                "Duplicate tag keys found. Please note that Tag keys are case insensitive."
                    .to_owned(),
            ));
        }
    }
    for (i, t) in tags.iter().enumerate() {
        let key_member = format!("tags.{}.member.key", i + 1);
        let value_member = format!("tags.{}.member.value", i + 1);
        length(out, &key_member, &t.key, 1, 128);
        pattern(
            out,
            &key_member,
            &t.key,
            !t.key.is_empty() && t.key.chars().all(tag_char),
            TAG_KEY_PATTERN,
        );
        length(out, &value_member, &t.value, 0, 256);
        pattern(
            out,
            &value_member,
            &t.value,
            t.value.chars().all(tag_char),
            TAG_VALUE_PATTERN,
        );
    }
}

/// `TransitiveTagKeys`: at most 50 keys, each 1..128 of the tag key character set.
pub fn check_transitive_keys(out: &mut Vec<Violation>, keys: &[String]) {
    if keys.len() > MAX_SESSION_TAGS {
        out.push(Violation::new(
            "transitiveTagKeys",
            Some(&format!("[{}]", keys.join(", "))),
            format!("Member must have length less than or equal to {MAX_SESSION_TAGS}"),
        ));
    }
    for (i, k) in keys.iter().enumerate() {
        let member = format!("transitiveTagKeys.{}.member", i + 1);
        length(out, &member, k, 1, 128);
        pattern(out, &member, k, k.chars().all(tag_char), TAG_KEY_PATTERN);
    }
}

/// `Policy`: the allowed character range and, when `max` is given, its length.
pub fn check_policy_text(out: &mut Vec<Violation>, text: Option<&str>, max: Option<usize>) {
    let Some(text) = text else { return };
    let ok = !text.is_empty()
        && text
            .chars()
            .all(|c| matches!(c, '\u{9}' | '\u{a}' | '\u{d}' | '\u{20}'..='\u{ff}'));
    pattern(out, "policy", text, ok, POLICY_PATTERN);
    if let Some(max) = max {
        length(out, "policy", text, 1, max);
    }
}

/// `PolicyArns`: at most 10; each 20..2048 characters.
pub fn check_policy_arns(out: &mut Vec<Violation>, arns: &[String]) {
    if arns.len() > MAX_POLICY_ARNS {
        out.push(Violation::new(
            "policyArns",
            Some(&format!("[{}]", arns.join(", "))),
            format!("Member must have length less than or equal to {MAX_POLICY_ARNS}"),
        ));
    }
    for (i, a) in arns.iter().enumerate() {
        length(
            out,
            &format!("policyArns.{}.member.arn", i + 1),
            a,
            20,
            2048,
        );
    }
}

/// Which duration rule failed, with AWS's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationProblem {
    /// Role chaining asked for more than one hour.
    ChainCap,
    /// More than the role's `MaxSessionDuration`.
    AboveMaxSession,
}

/// AWS's message when role chaining asks for more than an hour.
pub const CHAIN_CAP_MESSAGE: &str = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.";
/// AWS's message when the duration exceeds the role's `MaxSessionDuration`.
pub const MAX_SESSION_MESSAGE: &str =
    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.";

impl DurationProblem {
    #[must_use]
    pub fn message(self) -> &'static str {
        match self {
            Self::ChainCap => CHAIN_CAP_MESSAGE,
            Self::AboveMaxSession => MAX_SESSION_MESSAGE,
        }
    }
}

/// The duration rules of IAM-RULES §1.3 for a duration already inside 900..43200: every
/// rule that fails, the chaining cap first (the order when both fail is undocumented,
/// §9.7; rolescope reports the chaining message, the rule listed first).
#[must_use]
pub fn duration_problems(requested: i64, chained: bool, max_session: i64) -> Vec<DurationProblem> {
    let mut out = Vec::new();
    if chained && requested > CHAIN_CAP_SECONDS {
        out.push(DurationProblem::ChainCap);
    }
    if requested > max_session {
        out.push(DurationProblem::AboveMaxSession);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(f: impl FnOnce(&mut Vec<Violation>)) -> String {
        let mut v = Vec::new();
        f(&mut v);
        validation_message(&v)
    }

    #[test]
    fn session_name_with_colon_fails_the_pattern_as_aws_words_it() {
        // IAM-RULES §1.1: `a:b` → pattern failure (AWSCore.jl#38).
        assert_eq!(
            msg(|v| check_session_name(v, Some("a:b"))),
            r"1 validation error detected: Value 'a:b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*"
        );
    }

    #[test]
    fn session_name_rules_table() {
        let cases: &[(&str, usize)] = &[
            ("dependabot[bot]", 1),
            ("PowerUser/hjacobs", 1),
            ("has space", 1),
            ("ok.name@x_y=z,1-2+3", 0),
            ("a", 1),
            (&"x".repeat(64), 0),
            (&"x".repeat(65), 1),
        ];
        for (name, n) in cases {
            let mut v = Vec::new();
            check_session_name(&mut v, Some(name));
            assert_eq!(v.len(), *n, "{name}: {v:?}");
        }
    }

    #[test]
    fn session_name_over_64_says_the_length_limit() {
        let long = "x".repeat(65);
        let m = msg(|v| check_session_name(v, Some(&long)));
        assert!(
            m.ends_with("Member must have length less than or equal to 64"),
            "{m}"
        );
    }

    #[test]
    fn missing_session_name_is_a_null_value() {
        assert_eq!(
            msg(|v| check_session_name(v, None)),
            "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn duration_outside_900_to_43200_is_a_constraint_error() {
        assert_eq!(
            msg(|v| check_duration_range(v, Some(899))),
            "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
        );
        assert!(
            msg(|v| check_duration_range(v, Some(43201))).contains("less than or equal to 43200")
        );
        let mut v = Vec::new();
        check_duration_range(&mut v, Some(43200));
        check_duration_range(&mut v, Some(900));
        assert!(v.is_empty());
    }

    #[test]
    fn several_violations_are_counted_and_joined() {
        let m = msg(|v| {
            check_session_name(v, Some("a b"));
            check_duration_range(v, Some(1));
        });
        assert!(
            m.starts_with("2 validation errors detected: Value 'a b'"),
            "{m}"
        );
        assert!(m.contains("; Value '1' at 'durationSeconds'"), "{m}");
    }

    #[test]
    fn external_id_serial_and_token_constraints() {
        let mut v = Vec::new();
        check_external_id(&mut v, Some("arn:aws:x/y=1"));
        check_mfa(&mut v, "arn:aws:iam::123456789012:mfa/alice", "123456");
        assert!(v.is_empty(), "{v:?}");
        check_external_id(&mut v, Some("a"));
        check_external_id(&mut v, Some("a b"));
        check_mfa(&mut v, "GAHT", "12345a");
        let members: Vec<_> = v.iter().map(|x| x.member.as_str()).collect();
        assert_eq!(
            members,
            ["externalId", "externalId", "serialNumber", "tokenCode"]
        );
    }

    #[test]
    fn tags_limits_and_character_set() {
        let mut v = Vec::new();
        check_tags(&mut v, &[TagDoc::new("team", "a b:c/d=e+f-g@h_i.j")]);
        assert!(v.is_empty(), "{v:?}");
        check_tags(&mut v, &[TagDoc::new("", "x"), TagDoc::new("k", "bad#")]);
        let members: Vec<_> = v.iter().map(|x| x.member.as_str()).collect();
        assert_eq!(
            members,
            [
                "tags.1.member.key",
                "tags.1.member.key",
                "tags.2.member.value"
            ]
        );
        let many: Vec<TagDoc> = (0..51).map(|i| TagDoc::new(format!("k{i}"), "v")).collect();
        let mut v = Vec::new();
        check_tags(&mut v, &many);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].member, "tags");
    }

    #[test]
    fn policy_text_character_range_and_max() {
        let mut v = Vec::new();
        check_policy_text(&mut v, Some("{\"a\":\"é\"}"), Some(2048));
        assert!(v.is_empty());
        check_policy_text(&mut v, Some("{\"a\":\"→\"}"), None);
        assert_eq!(v.len(), 1);
        let long = "x".repeat(2049);
        let mut v = Vec::new();
        check_policy_text(&mut v, Some(&long), Some(2048));
        assert_eq!(
            v[0].constraint,
            "Member must have length less than or equal to 2048"
        );
    }

    #[test]
    fn duration_rules_chain_cap_and_max_session() {
        // IAM-RULES §1.3 steps 3 and 4.
        assert_eq!(duration_problems(3600, true, 3600), vec![]);
        assert_eq!(
            duration_problems(3601, true, 43200),
            vec![DurationProblem::ChainCap]
        );
        assert_eq!(
            duration_problems(7200, false, 3600),
            vec![DurationProblem::AboveMaxSession]
        );
        assert_eq!(
            duration_problems(43200, true, 3600),
            vec![DurationProblem::ChainCap, DurationProblem::AboveMaxSession]
        );
        assert_eq!(
            DurationProblem::ChainCap.message(),
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
        );
    }
}
