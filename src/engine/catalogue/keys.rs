//! Which condition keys a request for an action can carry.
//!
//! A request carries the global keys (`aws:…`) whatever the action, and otherwise only the keys
//! the Service Authorization Reference lists for the action or its resource types. A key of
//! another service (`s3:prefix` on `dynamodb:GetItem`), or of the same service but not listed
//! for the action, never reaches the policy: AWS does not put it in that request's context.
//! Keys whose prefix names no service (identity-provider keys such as
//! `token.actions.githubusercontent.com:sub`, `saml:aud`) come from the caller's token or
//! assertion and are left alone. Key names are matched without regard to case; templated
//! names (`aws:RequestTag/${TagKey}`, `s3:ExistingObjectTag/<key>`) match any value in place
//! of the placeholder.

use serde::Serialize;

use super::{ActionRef, Catalogue, template_to_glob};
use crate::engine::policy::pattern::Wildcard;

/// A condition key name as the catalogue writes it, compiled for matching.
#[derive(Debug, Clone)]
pub struct KeyPattern {
    text: String,
    matcher: Wildcard,
}

impl KeyPattern {
    #[must_use]
    pub fn new(text: &str) -> Self {
        Self {
            matcher: Wildcard::new(&template_to_glob(text), true),
            text: text.to_owned(),
        }
    }

    /// The name as written.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Matches a key name (any case).
    #[must_use]
    pub fn matches(&self, key: &str) -> bool {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.matcher.matches(&key.to_ascii_lowercase())
        } else {
            self.matcher.matches(key)
        }
    }
}

/// Whether a request for an action can carry a condition key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum KeyApplies {
    /// A global key (`aws:…`): every request can carry it.
    Global,
    /// Listed for the action or one of its resource types.
    Listed,
    /// The key's prefix is not a service (an identity provider's key, for instance).
    NotAServiceKey,
    /// The catalogue does not know the action (or its service), so cannot say.
    UnknownAction,
    /// The catalogue says no request for the action carries the key.
    Never {
        /// Why, in words (``a key of Amazon S3; `dynamodb:GetItem` never carries it``).
        reason: String,
    },
}

impl KeyApplies {
    /// True unless the catalogue rules the key out.
    #[must_use]
    pub fn can_carry(&self) -> bool {
        !matches!(self, Self::Never { .. })
    }
}

impl Catalogue {
    /// Whether a request for `action` (`service:Action`, any case) can carry `key`.
    #[must_use]
    pub fn key_applies(&self, action: &str, key: &str) -> KeyApplies {
        let Some((key_prefix, _)) = key.split_once(':') else {
            return KeyApplies::NotAServiceKey;
        };
        if key_prefix.eq_ignore_ascii_case("aws") {
            return KeyApplies::Global;
        }
        let Some(a) = self.action(action) else {
            return KeyApplies::UnknownAction;
        };
        if action_carries(a, key) {
            return KeyApplies::Listed;
        }
        let Some(owner) = self.service(key_prefix) else {
            return KeyApplies::NotAServiceKey;
        };
        let name = a.full_name();
        let reason = if std::ptr::eq(owner, a.service) {
            format!(
                "`{key}` is not among the condition keys the Service Authorization Reference lists for `{name}`"
            )
        } else {
            format!(
                "`{key}` is a key of {} (`{}`); a `{name}` request never carries it",
                owner.name, owner.prefix
            )
        };
        KeyApplies::Never { reason }
    }

    /// True when `key` can apply to at least one of `actions`, or is global, or the
    /// catalogue cannot tell (an unknown action, or a key that is not a service's).
    #[must_use]
    pub fn key_applies_to_any<'c>(
        &'c self,
        actions: impl IntoIterator<Item = ActionRef<'c>>,
        key: &str,
    ) -> bool {
        let Some((key_prefix, _)) = key.split_once(':') else {
            return true;
        };
        if key_prefix.eq_ignore_ascii_case("aws") || self.service(key_prefix).is_none() {
            return true;
        }
        actions.into_iter().any(|a| action_carries(a, key))
    }
}

fn action_carries(a: ActionRef<'_>, key: &str) -> bool {
    a.action.keys.iter().any(|k| k.matches(key))
        || a.action.resources.iter().any(|&(i, _)| {
            a.service
                .resource_types
                .get(i)
                .is_some_and(|r| r.keys.iter().any(|k| k.matches(key)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::catalogue::get;

    #[test]
    fn a_key_of_another_service_never_reaches_the_request() {
        let c = get();
        match c.key_applies("dynamodb:GetItem", "s3:prefix") {
            KeyApplies::Never { reason } => assert!(reason.contains("Amazon S3"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_key_of_the_same_service_must_be_listed_for_the_action() {
        let c = get();
        assert_eq!(
            c.key_applies("s3:ListBucket", "s3:prefix"),
            KeyApplies::Listed
        );
        assert_eq!(
            c.key_applies("S3:LISTBUCKET", "S3:Prefix"),
            KeyApplies::Listed
        );
        assert!(!c.key_applies("s3:GetObject", "s3:prefix").can_carry());
    }

    #[test]
    fn templated_keys_match_any_tag() {
        let c = get();
        assert_eq!(
            c.key_applies("s3:GetObject", "s3:ExistingObjectTag/team"),
            KeyApplies::Listed
        );
        assert_eq!(
            c.key_applies("sts:AssumeRole", "iam:ResourceTag/team"),
            KeyApplies::Listed
        );
    }

    #[test]
    fn global_provider_and_unknown_keys_are_kept() {
        let c = get();
        assert_eq!(
            c.key_applies("dynamodb:GetItem", "aws:SourceIp"),
            KeyApplies::Global
        );
        assert_eq!(
            c.key_applies(
                "sts:AssumeRoleWithWebIdentity",
                "token.actions.githubusercontent.com:sub"
            ),
            KeyApplies::NotAServiceKey
        );
        assert_eq!(
            c.key_applies("madeup:DoThing", "s3:prefix"),
            KeyApplies::UnknownAction
        );
    }
}
