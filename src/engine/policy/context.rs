//! The request context: the condition keys a request carries and their values.
//!
//! Key names are case-insensitive, as in AWS (`aws:SourceIp` is `AWS:sourceip`); the name is
//! stored as first written, for display. A value is single (`aws:username`) or multi-valued
//! (`aws:TagKeys`); multivaluedness is a property of the request, not of the policy, and only
//! the `ForAllValues:`/`ForAnyValue:` operators look at every member of a set. Building the
//! context for a principal (what AWS adds on its own) is `policy::gather`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock};

use ipnet::IpNet;

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

/// A word-at-a-time multiplicative hash (the shape of rustc's FxHash): condition keys are
/// short and trusted (they come from the caller, not the network), so a fast non-keyed hash
/// serves lookups better than the default SipHash, and reading eight bytes a step beats a
/// byte-at-a-time hash on keys like `aws:principaltag/team`.
#[derive(Debug, Clone, Copy, Default)]
struct KeyHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl KeyHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
}

type KeyMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// A single value read once as a date or an address by the condition operators, so a
/// context evaluated many times (a sweep over roles, the actions of one STS call) parses it
/// once.
#[derive(Debug, Clone, Default)]
pub struct ValueCache {
    date: OnceLock<Option<i64>>,
    ip: OnceLock<Option<IpNet>>,
}

impl ValueCache {
    /// `text` read by `parse` as a date, parsed on first use.
    pub fn date(&self, text: &str, parse: impl FnOnce(&str) -> Option<i64>) -> Option<i64> {
        *self.date.get_or_init(|| parse(text))
    }

    /// `text` read by `parse` as an address or network, parsed on first use.
    pub fn ip(&self, text: &str, parse: impl FnOnce(&str) -> Option<IpNet>) -> Option<IpNet> {
        *self.ip.get_or_init(|| parse(text))
    }
}

#[derive(Debug, Clone)]
struct Entry {
    /// The key as first written, when it differs from its lowercased form (the map key).
    name: Option<Cow<'static, str>>,
    value: ContextValue,
    cache: ValueCache,
}

/// Condition keys and values of one request. Lookups ignore the case of the key name.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    // INVARIANT: map keys are the lowercased key names.
    entries: KeyMap<Cow<'static, str>, Entry>,
    /// Keys under the ones set here: a shared context this one was layered on (see
    /// [`RequestContext::layered`]); a key set here hides the same key below.
    base: Option<Arc<RequestContext>>,
}

impl PartialEq for RequestContext {
    fn eq(&self, other: &Self) -> bool {
        let mine = self.all_entries();
        mine.len() == other.len()
            && mine.into_iter().all(|(k, e)| {
                other.entry(k).is_some_and(|o| {
                    o.value == e.value
                        && o.name.as_deref().unwrap_or(k) == e.name.as_deref().unwrap_or(k)
                })
            })
    }
}

impl Eq for RequestContext {}

/// The lowercase form of the condition keys rolescope itself sets, so setting them costs no
/// lowercasing.
fn known_lowercase(key: &str) -> Option<&'static str> {
    Some(match key {
        "aws:CurrentTime" => "aws:currenttime",
        "aws:EpochTime" => "aws:epochtime",
        "aws:FederatedProvider" => "aws:federatedprovider",
        "aws:MultiFactorAuthAge" => "aws:multifactorauthage",
        "aws:MultiFactorAuthPresent" => "aws:multifactorauthpresent",
        "aws:PrincipalAccount" => "aws:principalaccount",
        "aws:PrincipalArn" => "aws:principalarn",
        "aws:PrincipalIsAWSService" => "aws:principalisawsservice",
        "aws:PrincipalOrgID" => "aws:principalorgid",
        "aws:PrincipalOrgPaths" => "aws:principalorgpaths",
        "aws:PrincipalServiceName" => "aws:principalservicename",
        "aws:PrincipalType" => "aws:principaltype",
        "aws:RequestedRegion" => "aws:requestedregion",
        "aws:ResourceAccount" => "aws:resourceaccount",
        "aws:ResourceOrgID" => "aws:resourceorgid",
        "aws:ResourceOrgPaths" => "aws:resourceorgpaths",
        "aws:SecureTransport" => "aws:securetransport",
        "aws:SourceAccount" => "aws:sourceaccount",
        "aws:SourceArn" => "aws:sourcearn",
        "aws:SourceIdentity" => "aws:sourceidentity",
        "aws:SourceIp" => "aws:sourceip",
        "aws:TagKeys" => "aws:tagkeys",
        "aws:TokenIssueTime" => "aws:tokenissuetime",
        "aws:ViaAWSService" => "aws:viaawsservice",
        "sts:ExternalId" => "sts:externalid",
        "sts:RoleSessionName" => "sts:rolesessionname",
        "sts:SourceIdentity" => "sts:sourceidentity",
        "sts:TransitiveTagKeys" => "sts:transitivetagkeys",
        "SAML:aud" => "saml:aud",
        _ => return None,
    })
}

/// `name` lowercased, or `None` when it already is.
fn lowercased(name: &str) -> Option<String> {
    if name.is_ascii() {
        name.bytes()
            .any(|b| b.is_ascii_uppercase())
            .then(|| name.to_ascii_lowercase())
    } else {
        let lower = name.to_lowercase();
        (lower != name).then_some(lower)
    }
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
            entries: KeyMap::with_capacity_and_hasher(n, BuildHasherDefault::default()),
            base: None,
        }
    }

    /// A context holding every key of `base`, taking new keys on top of them without
    /// copying `base`: cloning it copies only what was set on top. For evaluating many
    /// requests that share most of their keys (one caller's hops into many roles).
    #[must_use]
    pub fn layered(base: Arc<RequestContext>) -> Self {
        Self {
            entries: KeyMap::default(),
            base: Some(base),
        }
    }

    fn entry(&self, lowercase_key: &str) -> Option<&Entry> {
        match self.entries.get(lowercase_key) {
            Some(e) => Some(e),
            None => self.base.as_deref()?.entry(lowercase_key),
        }
    }

    /// Every entry, those set on top hiding the same keys below.
    fn all_entries(&self) -> Vec<(&Cow<'static, str>, &Entry)> {
        let mut out: Vec<(&Cow<'static, str>, &Entry)> = self.entries.iter().collect();
        if let Some(base) = &self.base {
            out.extend(
                base.all_entries()
                    .into_iter()
                    .filter(|(k, _)| !self.entries.contains_key(k.as_ref())),
            );
        }
        out
    }

    /// Copies the keys below into this context, so it stands alone.
    fn flatten(&mut self) {
        if let Some(base) = self.base.take() {
            for (k, e) in base.all_entries() {
                if !self.entries.contains_key(k.as_ref()) {
                    self.entries.insert(k.clone(), e.clone());
                }
            }
        }
    }

    /// Sets `key` (any case) to `value`, replacing a value under the same key in any case.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<ContextValue>) {
        self.insert_name(Cow::Owned(key.into()), value.into());
    }

    /// [`RequestContext::insert`] for a key name known at compile time (no copy of the name).
    pub fn insert_static(&mut self, key: &'static str, value: impl Into<ContextValue>) {
        self.insert_name(Cow::Borrowed(key), value.into());
    }

    fn insert_name(&mut self, name: Cow<'static, str>, value: ContextValue) {
        let (lower, name) = match name {
            Cow::Borrowed(s) => match known_lowercase(s) {
                Some(l) => (Cow::Borrowed(l), Some(name)),
                None => match lowercased(s) {
                    Some(l) => (Cow::Owned(l), Some(name)),
                    None => (name, None),
                },
            },
            Cow::Owned(s) => match lowercased(&s) {
                Some(l) => (Cow::Owned(l), Some(Cow::Owned(s))),
                None => (Cow::Owned(s), None),
            },
        };
        let entry = Entry {
            name,
            value,
            cache: ValueCache::default(),
        };
        // A replaced entry keeps its map key, which is the same lowercase text.
        self.entries.insert(lower, entry);
    }

    /// Builder form of [`RequestContext::insert`].
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<ContextValue>) -> Self {
        self.insert(key, value);
        self
    }

    /// Removes `key` (any case); returns its value.
    pub fn remove(&mut self, key: &str) -> Option<ContextValue> {
        self.flatten();
        self.entries
            .remove(key.to_lowercase().as_str())
            .map(|e| e.value)
    }

    /// The value of `key`, whatever its case.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) || !key.is_ascii() {
            self.entry(key.to_lowercase().as_str()).map(|e| &e.value)
        } else {
            self.entry(key).map(|e| &e.value)
        }
    }

    /// The value of a key already lowercased (the compiled policy form stores keys so).
    #[must_use]
    pub fn get_lowercase(&self, lowercase_key: &str) -> Option<&ContextValue> {
        self.entry(lowercase_key).map(|e| &e.value)
    }

    /// [`RequestContext::get_lowercase`] with the value's parse cache.
    #[must_use]
    pub fn get_lowercase_cached(
        &self,
        lowercase_key: &str,
    ) -> Option<(&ContextValue, &ValueCache)> {
        self.entry(lowercase_key).map(|e| (&e.value, &e.cache))
    }

    /// True when `key` is present.
    #[must_use]
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Copies every key of `other` into `self`; `other` wins on a clash.
    pub fn merge(&mut self, other: &RequestContext) {
        for (k, e) in other.all_entries() {
            self.entries.insert(k.clone(), e.clone());
        }
    }

    /// Every key (as first written) and value, sorted by lowercase name.
    #[must_use]
    pub fn iter(&self) -> Vec<(&str, &ContextValue)> {
        let mut out = self.all_entries();
        out.sort_by(|a, b| a.0.cmp(b.0));
        out.into_iter()
            .map(|(k, e)| (e.name.as_deref().unwrap_or(k), &e.value))
            .collect()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        match &self.base {
            None => self.entries.len(),
            Some(_) => self.all_entries().len(),
        }
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.base.as_deref().is_none_or(RequestContext::is_empty)
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
    fn known_keys_lowercase_as_any_key_does() {
        for key in [
            "aws:CurrentTime",
            "aws:PrincipalArn",
            "aws:PrincipalIsAWSService",
            "aws:ViaAWSService",
            "sts:TransitiveTagKeys",
            "SAML:aud",
        ] {
            assert_eq!(known_lowercase(key), Some(key.to_lowercase().as_str()));
        }
        let mut a = RequestContext::new();
        a.insert_static("aws:PrincipalOrgID", "o-1");
        a.insert_static("aws:principaltag/Team", "blue");
        a.insert_static("aws:username", "ana");
        let b = RequestContext::new()
            .with("aws:PrincipalOrgID", "o-1")
            .with("aws:principaltag/Team", "blue")
            .with("aws:username", "ana");
        assert_eq!(a, b);
        assert_eq!(a.iter(), b.iter());
        assert!(a.get("AWS:PrincipalTag/team").is_some());
    }

    #[test]
    fn a_layered_context_reads_through_to_its_base_and_hides_what_it_sets_again() {
        let base = Arc::new(
            RequestContext::new()
                .with("aws:PrincipalArn", "arn:aws:iam::111122223333:user/ana")
                .with("aws:SourceIp", "10.0.0.1"),
        );
        let mut top = RequestContext::layered(Arc::clone(&base));
        top.insert("AWS:SourceIP", "192.0.2.7");
        top.insert("sts:ExternalId", "x-1");
        assert_eq!(
            top.get("aws:principalarn").and_then(ContextValue::single),
            Some("arn:aws:iam::111122223333:user/ana")
        );
        assert_eq!(
            top.get_lowercase("aws:sourceip")
                .and_then(ContextValue::single),
            Some("192.0.2.7")
        );
        assert_eq!(top.len(), 3);
        assert_eq!(
            top,
            RequestContext::new()
                .with("aws:PrincipalArn", "arn:aws:iam::111122223333:user/ana")
                .with("AWS:SourceIP", "192.0.2.7")
                .with("sts:ExternalId", "x-1")
        );
        assert_eq!(
            top.remove("aws:principalarn")
                .and_then(|v| v.single().map(str::to_owned)),
            Some("arn:aws:iam::111122223333:user/ana".to_owned())
        );
        assert!(
            !top.contains("aws:PrincipalArn"),
            "a removed key stays removed"
        );
        assert_eq!(top.len(), 2);
        assert_eq!(base.len(), 2, "the base is not changed");
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
