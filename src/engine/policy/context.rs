//! The request context: the condition keys a request carries and their values.
//!
//! Key names are case-insensitive, as in AWS (`aws:SourceIp` is `AWS:sourceip`); the name is
//! stored as first written, for display. A value is single (`aws:username`) or multi-valued
//! (`aws:TagKeys`); multivaluedness is a property of the request, not of the policy, and only
//! the `ForAllValues:`/`ForAnyValue:` operators look at every member of a set. Building the
//! context for a principal (what AWS adds on its own) is `policy::gather`.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Serialize, Serializer};

/// The value of one condition key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ContextValue {
    /// A single-valued key.
    Single(String),
    /// A multivalued key (possibly empty, which AWS treats like a missing key for set operators).
    Multi(Vec<String>),
}

impl ContextValue {
    /// Every value, a single value as a one-element slice.
    #[must_use]
    pub fn values(&self) -> &[String] {
        match self {
            Self::Single(v) => std::slice::from_ref(v),
            Self::Multi(v) => v,
        }
    }

    /// The value when single-valued (policy variables can only name single-valued keys).
    #[must_use]
    pub fn single(&self) -> Option<&str> {
        match self {
            Self::Single(v) => Some(v),
            Self::Multi(_) => None,
        }
    }
}

impl From<&str> for ContextValue {
    fn from(v: &str) -> Self {
        Self::Single(v.to_owned())
    }
}

impl From<String> for ContextValue {
    fn from(v: String) -> Self {
        Self::Single(v)
    }
}

impl From<Vec<String>> for ContextValue {
    fn from(v: Vec<String>) -> Self {
        Self::Multi(v)
    }
}

/// FNV-1a: condition keys are short and trusted (they come from the caller, not the network),
/// so a fast non-keyed hash serves lookups better than the default SipHash.
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    name: String,
    value: ContextValue,
}

/// Condition keys and values of one request. Lookups ignore the case of the key name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    // INVARIANT: map keys are the lowercased key names.
    entries: FnvMap<String, Entry>,
}

impl RequestContext {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty context with room for `n` keys, so building a large context does not rehash.
    #[must_use]
    pub fn with_capacity(n: usize) -> Self {
        Self {
            entries: FnvMap::with_capacity_and_hasher(n, BuildHasherDefault::default()),
        }
    }

    /// Sets `key` (any case) to `value`, replacing a value under the same key in any case.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<ContextValue>) {
        let name = key.into();
        let lower = if name.is_ascii() {
            name.to_ascii_lowercase()
        } else {
            name.to_lowercase()
        };
        self.entries.insert(
            lower,
            Entry {
                name,
                value: value.into(),
            },
        );
    }

    /// Builder form of [`RequestContext::insert`].
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<ContextValue>) -> Self {
        self.insert(key, value);
        self
    }

    /// Removes `key` (any case); returns its value.
    pub fn remove(&mut self, key: &str) -> Option<ContextValue> {
        self.entries.remove(&key.to_lowercase()).map(|e| e.value)
    }

    /// The value of `key`, whatever its case.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) || !key.is_ascii() {
            self.entries.get(&key.to_lowercase()).map(|e| &e.value)
        } else {
            self.entries.get(key).map(|e| &e.value)
        }
    }

    /// The value of a key already lowercased (the compiled policy form stores keys so).
    #[must_use]
    pub fn get_lowercase(&self, lowercase_key: &str) -> Option<&ContextValue> {
        self.entries.get(lowercase_key).map(|e| &e.value)
    }

    /// True when `key` is present.
    #[must_use]
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Copies every key of `other` into `self`; `other` wins on a clash.
    pub fn merge(&mut self, other: &RequestContext) {
        for (k, e) in &other.entries {
            self.entries.insert(k.clone(), e.clone());
        }
    }

    /// Every key (as first written) and value, sorted by lowercase name.
    #[must_use]
    pub fn iter(&self) -> Vec<(&str, &ContextValue)> {
        let mut out: Vec<(&String, &Entry)> = self.entries.iter().collect();
        out.sort_by(|a, b| a.0.cmp(b.0));
        out.into_iter()
            .map(|(_, e)| (e.name.as_str(), &e.value))
            .collect()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Serialize for RequestContext {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let items = self.iter();
        let mut map = serializer.serialize_map(Some(items.len()))?;
        for (k, v) in items {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_key_names_are_case_insensitive() {
        let ctx = RequestContext::new().with("aws:SourceIp", "10.0.0.1");
        assert_eq!(
            ctx.get("AWS:sourceip"),
            Some(&ContextValue::Single("10.0.0.1".into()))
        );
        assert!(ctx.contains("aws:sourceip"));
    }

    #[test]
    fn tag_keys_in_condition_key_names_ignore_case() {
        let ctx = RequestContext::new().with("aws:PrincipalTag/owner", "ana");
        assert!(ctx.get("aws:PrincipalTag/Owner").is_some());
    }

    #[test]
    fn a_later_insert_replaces_the_same_key_in_another_case() {
        let mut ctx = RequestContext::new().with("aws:PrincipalTag/Team", "a");
        ctx.insert("aws:principaltag/team", "b");
        assert_eq!(ctx.len(), 1);
        assert_eq!(
            ctx.get("aws:PrincipalTag/team")
                .and_then(ContextValue::single),
            Some("b")
        );
    }

    #[test]
    fn merge_prefers_the_other_context() {
        let mut a = RequestContext::new().with("k", "1").with("x", "keep");
        let b = RequestContext::new().with("K", vec!["2".to_owned(), "3".to_owned()]);
        a.merge(&b);
        assert_eq!(
            a.get("k").map(ContextValue::values).map(<[String]>::len),
            Some(2)
        );
        assert!(a.contains("x"));
    }
}
