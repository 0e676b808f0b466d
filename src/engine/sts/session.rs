//! The role session a successful simulation issues: its ARNs and ids as STS builds them,
//! its expiry, tags, source identity, session policies and MFA state, and credentials that
//! are obviously simulated.
//!
//! Also owns the tag arithmetic of IAM-RULES §3.5 (role tags overridden by inherited
//! transitive tags and new session tags; keys compared case-insensitively) and the packed
//! size estimate of §1.1.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::model::Tag;
use crate::engine::sts::request::{CallerSessionDoc, SessionOrigin, TagDoc};

/// Credentials that look like STS's but can never be mistaken for real ones: the access
/// key id starts `ASIASIMULATED`, the secret and token say what they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulatedCredentials {
    #[serde(rename = "AccessKeyId")]
    pub access_key_id: String,
    #[serde(rename = "SecretAccessKey")]
    pub secret_access_key: String,
    #[serde(rename = "SessionToken")]
    pub session_token: String,
    #[serde(rename = "Expiration")]
    pub expiration: DateTime<Utc>,
}

/// The prefix of every simulated access key id.
pub const SIMULATED_KEY_PREFIX: &str = "ASIASIMULATED";

fn fnv(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for &b in p.iter().chain(std::iter::once(&0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Appends the low `digits` hex digits of `n` (upper or lower case).
fn push_hex(out: &mut String, n: u64, digits: u32, upper: bool) {
    let table: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    for i in (0..digits).rev() {
        let nibble = usize::try_from((n >> (4 * i)) & 0xF).unwrap_or(0);
        out.push(char::from(table[nibble]));
    }
}

impl SimulatedCredentials {
    /// Deterministic credentials for a session (same inputs, same strings).
    #[must_use]
    pub fn for_session(
        assumed_role_id: &str,
        issued_at: DateTime<Utc>,
        expiration: DateTime<Utc>,
    ) -> Self {
        // Hashed with the issue time as chrono's `to_rfc3339` writes it, written directly in
        // the usual case of whole seconds.
        let h = match crate::engine::policy::context_builder::rfc3339_seconds(issued_at)
            .filter(|_| issued_at.timestamp_subsec_nanos() == 0)
        {
            Some(b) => {
                let mut text = [0u8; 25];
                text[..19].copy_from_slice(&b);
                text[19..].copy_from_slice(b"+00:00");
                fnv(&[assumed_role_id.as_bytes(), &text])
            }
            None => fnv(&[
                assumed_role_id.as_bytes(),
                issued_at.to_rfc3339().as_bytes(),
            ]),
        };
        let mut access_key_id = String::with_capacity(SIMULATED_KEY_PREFIX.len() + 7);
        access_key_id.push_str(SIMULATED_KEY_PREFIX);
        push_hex(&mut access_key_id, h & 0x0FFF_FFFF, 7, true);
        const SECRET: &str = "rolescope-simulated-secret-not-valid-";
        let mut secret_access_key = String::with_capacity(SECRET.len() + 16);
        secret_access_key.push_str(SECRET);
        push_hex(&mut secret_access_key, h, 16, false);
        Self {
            access_key_id,
            secret_access_key,
            session_token: [
                "rolescope-simulated-session-token-for-",
                assumed_role_id,
                "-not-accepted-by-aws",
            ]
            .concat(),
            expiration,
        }
    }
}

/// A role session issued by a simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    /// The role's ARN, with its path.
    pub role_arn: String,
    pub role_id: String,
    pub role_name: String,
    pub account: String,
    pub partition: String,
    pub session_name: String,
    /// `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION` (path dropped).
    pub assumed_role_arn: String,
    /// `RoleId:SESSION`.
    pub assumed_role_id: String,
    pub issued_at: DateTime<Utc>,
    pub expiration: DateTime<Utc>,
    pub duration_seconds: i64,
    pub credentials: SimulatedCredentials,
    /// Percentage of the packed-policy allowance used (an estimate); only when a session
    /// policy or tags were passed.
    pub packed_policy_size: Option<u32>,
    /// The principal tags of the session, in order, keys unique case-insensitively.
    pub principal_tags: Vec<Tag>,
    /// The session tags (inherited transitive tags and tags passed in the call) — the part
    /// of `principal_tags` that did not come from the role.
    pub session_tags: Vec<Tag>,
    /// Keys of the session tags that pass down a chain.
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    pub session_policy: Option<Value>,
    pub session_policy_arns: Vec<String>,
    pub mfa_authenticated: bool,
    pub mfa_auth_time: Option<DateTime<Utc>>,
    /// True when this session was made by role chaining.
    pub chained: bool,
    pub origin: SessionOrigin,
    /// For web identity and SAML sessions: the identity provider.
    pub federated_provider: Option<String>,
    /// Facts the simulation assumed or chose (e.g. an unknown `MaxSessionDuration`).
    pub notes: Vec<String>,
}

impl Session {
    /// This session as the caller of a further call (for chaining).
    #[must_use]
    pub fn as_caller_session(&self) -> CallerSessionDoc {
        CallerSessionDoc {
            role_arn: Some(self.role_arn.clone()),
            session_name: Some(self.session_name.clone()),
            created_by: Some(self.origin),
            issued_at: Some(self.issued_at),
            expires_at: Some(self.expiration),
            session_policy: self.session_policy.clone(),
            session_policy_arns: self.session_policy_arns.clone(),
            session_tags: self
                .session_tags
                .iter()
                .map(|t| TagDoc::new(t.key.clone(), t.value.clone()))
                .collect(),
            transitive_tag_keys: self.transitive_tag_keys.clone(),
            source_identity: self.source_identity.clone(),
            mfa_authenticated: self.mfa_authenticated,
            mfa_auth_time: self.mfa_auth_time,
            user_arn: None,
        }
    }

    /// Seconds left at `now` (zero once expired).
    #[must_use]
    pub fn remaining_seconds(&self, now: DateTime<Utc>) -> i64 {
        (self.expiration - now).num_seconds().max(0)
    }
}

/// `arn:<partition>:sts::<account>:assumed-role/<role-name>/<session>` — the role path is
/// not part of it (IAM-RULES §1.4).
#[must_use]
pub fn assumed_role_arn(partition: &str, account: &str, role_name: &str, session: &str) -> String {
    [
        "arn:",
        partition,
        ":sts::",
        account,
        ":assumed-role/",
        role_name,
        "/",
        session,
    ]
    .concat()
}

/// `<RoleId>:<session>` (IAM-RULES §1.4).
#[must_use]
pub fn assumed_role_id(role_id: &str, session: &str) -> String {
    [role_id, ":", session].concat()
}

/// `issued_at + seconds`, saturating instead of overflowing.
#[must_use]
pub fn expiry(issued_at: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
    issued_at
        .checked_add_signed(Duration::seconds(seconds))
        .unwrap_or(issued_at)
}

/// Sets `key` in `tags`, replacing a tag whose key equals it case-insensitively (keeping the
/// new key's case).
pub fn upsert_tag(tags: &mut Vec<Tag>, key: &str, value: &str) {
    if let Some(t) = tags.iter_mut().find(|t| t.key.eq_ignore_ascii_case(key)) {
        key.clone_into(&mut t.key);
        value.clone_into(&mut t.value);
    } else {
        tags.push(Tag {
            key: key.to_owned(),
            value: value.to_owned(),
        });
    }
}

/// The new session's principal tags: the role's tags, overridden by inherited transitive
/// tags, overridden by the tags passed in this call (IAM-RULES §3.5, §6).
#[must_use]
pub fn merge_principal_tags(
    role_tags: &[Tag],
    inherited: &[TagDoc],
    passed: &[TagDoc],
) -> Vec<Tag> {
    let mut out: Vec<Tag> = role_tags.to_vec();
    for t in inherited.iter().chain(passed) {
        upsert_tag(&mut out, &t.key, &t.value);
    }
    out
}

/// The transitive keys a new session carries: inherited ones, then newly passed ones,
/// without case-insensitive duplicates.
#[must_use]
pub fn merge_transitive_keys(inherited: &[String], passed: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in inherited.iter().chain(passed) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(k)) {
            out.push(k.clone());
        }
    }
    out
}

/// An estimate of `PackedPolicySize` (percent of the packed allowance) for a session policy
/// text, managed session policy ARNs and session tags. AWS does not document the packing;
/// this assumes policy text compresses to about a third and tags are stored nearly
/// verbatim against an allowance of 2,048 bytes, which puts 50 tags of 128+256 characters
/// far over and the documented maximum policy (2,048 characters) at about a third.
#[must_use]
pub fn packed_size_estimate(
    policy_text: Option<&str>,
    policy_arns: &[String],
    tags: &[TagDoc],
) -> u32 {
    let policy = policy_text.map_or(0, |p| compact_len(p) / 3);
    let arns: usize = policy_arns.iter().map(|a| a.len() / 3 + 2).sum();
    let tags: usize = tags.iter().map(|t| t.key.len() + t.value.len() + 2).sum();
    let bytes = policy + arns + tags;
    let pct = (bytes * 100).div_ceil(2048);
    u32::try_from(pct.max(1)).unwrap_or(u32::MAX)
}

fn compact_len(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_arn_drops_the_role_path() {
        // IAM-RULES §1.4; data README "Assumed-role ARNs".
        assert_eq!(
            assumed_role_arn("aws", "123456789012", "GitHubActionsDeploy", "gha-run-1"),
            "arn:aws:sts::123456789012:assumed-role/GitHubActionsDeploy/gha-run-1"
        );
        assert_eq!(
            assumed_role_id("AROARZPUZDIKGIY4UB5F2", "alice-session"),
            "AROARZPUZDIKGIY4UB5F2:alice-session"
        );
    }

    #[test]
    fn simulated_credentials_cannot_pass_for_real_ones() {
        let t = DateTime::parse_from_rfc3339("2026-11-24T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let c = SimulatedCredentials::for_session("AROAX:s", t, expiry(t, 3600));
        assert!(c.access_key_id.starts_with("ASIASIMULATED"));
        assert_eq!(c.access_key_id.len(), 20);
        assert!(c.secret_access_key.contains("simulated"));
        assert!(c.session_token.contains("not-accepted-by-aws"));
        assert_eq!(
            c,
            SimulatedCredentials::for_session("AROAX:s", t, expiry(t, 3600))
        );
    }

    #[test]
    fn simulated_credentials_are_the_documented_text_of_the_id_and_issue_time() {
        // The strings as first defined: a hash of the id and the issue time in chrono's
        // `to_rfc3339`, printed with `format!`; written by hand now, they must not change.
        for at in [
            "2026-11-24T08:00:00Z",
            "2026-11-24T08:00:00.25Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            let t = DateTime::parse_from_rfc3339(at)
                .unwrap()
                .with_timezone(&Utc);
            let id = "AROARZPUZDIKGIY4UB5F2:alice-session";
            let h = fnv(&[id.as_bytes(), t.to_rfc3339().as_bytes()]);
            let suffix = format!("{:07X}", h & 0x0FFF_FFFF);
            let c = SimulatedCredentials::for_session(id, t, expiry(t, 900));
            assert_eq!(c.access_key_id, format!("ASIASIMULATED{}", &suffix[..7]));
            assert_eq!(
                c.secret_access_key,
                format!("rolescope-simulated-secret-not-valid-{h:016x}")
            );
            assert_eq!(
                c.session_token,
                format!("rolescope-simulated-session-token-for-{id}-not-accepted-by-aws")
            );
        }
    }

    #[test]
    fn session_tags_override_role_tags_case_insensitively() {
        // IAM-RULES §3.5: role tags < inherited transitive tags < new session tags.
        let role = vec![
            Tag {
                key: "Team".into(),
                value: "role".into(),
            },
            Tag {
                key: "env".into(),
                value: "prod".into(),
            },
        ];
        let merged = merge_principal_tags(
            &role,
            &[TagDoc::new("team", "inherited")],
            &[TagDoc::new("Env", "dev"), TagDoc::new("cost", "42")],
        );
        let pairs: Vec<(&str, &str)> = merged
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [("team", "inherited"), ("Env", "dev"), ("cost", "42")]
        );
    }

    #[test]
    fn transitive_keys_accumulate_without_duplicates() {
        let k = merge_transitive_keys(&["Team".into()], &["team".into(), "cost".into()]);
        assert_eq!(k, ["Team", "cost"]);
    }

    #[test]
    fn packed_size_grows_with_tags_and_overflows_for_many_long_tags() {
        let few = packed_size_estimate(None, &[], &[TagDoc::new("team", "a")]);
        assert!(few <= 2, "{few}");
        let many: Vec<TagDoc> = (0..50)
            .map(|i| TagDoc::new(format!("{i:0>128}"), "v".repeat(256)))
            .collect();
        assert!(packed_size_estimate(None, &[], &many) > 100);
        let max_policy = "x".repeat(2048);
        let p = packed_size_estimate(Some(&max_policy), &[], &[]);
        assert!((30..=40).contains(&p), "{p}");
    }
}
