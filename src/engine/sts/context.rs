//! The request context STS evaluates a call with (IAM-RULES §3.4 and §6): the caller's
//! principal keys, the call's own `sts:*` and tag keys, the role's `aws:ResourceTag/*`, the
//! clock, and whatever extra keys the request sets.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::engine::model::{Inventory, PolicyText, Role, Tag};
use crate::engine::policy::context::{ContextValue, RequestContext};
use crate::engine::sts::authz::CompiledInventory;
use crate::engine::sts::caller::{Caller, CallerKind};
use crate::engine::sts::request::{ContextDoc, ContextValueDoc, TagDoc};
use crate::engine::sts::session::upsert_tag;

/// `aws:CurrentTime` text: RFC 3339 in UTC with whole seconds.
#[must_use]
pub fn time_text(t: DateTime<Utc>) -> String {
    match rfc3339_seconds(t) {
        Some(b) => {
            let mut s = String::with_capacity(20);
            s.push_str(rfc3339_str(&b));
            s.push('Z');
            s
        }
        None => t.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
}

/// The ASCII text of [`rfc3339_seconds`].
pub(crate) fn rfc3339_str(b: &[u8; 19]) -> &str {
    std::str::from_utf8(b).unwrap_or_default()
}

/// `YYYY-MM-DDTHH:MM:SS` as bytes for years 0 to 9999 outside a leap second (what chrono's
/// RFC 3339 writer prints then, without its formatting machinery); `None` otherwise.
pub(crate) fn rfc3339_seconds(t: DateTime<Utc>) -> Option<[u8; 19]> {
    use chrono::{Datelike, Timelike};
    let year = t.year();
    if !(0..=9999).contains(&year) || t.nanosecond() >= 1_000_000_000 {
        return None;
    }
    let mut b = *b"0000-00-00T00:00:00";
    let two = |b: &mut [u8; 19], at: usize, n: u32| {
        b[at] = b'0' + u8::try_from(n / 10 % 10).unwrap_or(0);
        b[at + 1] = b'0' + u8::try_from(n % 10).unwrap_or(0);
    };
    let y = year.unsigned_abs();
    two(&mut b, 0, y / 100);
    two(&mut b, 2, y % 100);
    two(&mut b, 5, t.month());
    two(&mut b, 8, t.day());
    two(&mut b, 11, t.hour());
    two(&mut b, 14, t.minute());
    two(&mut b, 17, t.second());
    Some(b)
}

/// `prefix` followed by `key` (`aws:PrincipalTag/` and a tag key).
fn prefixed(prefix: &str, key: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + key.len());
    s.push_str(prefix);
    s.push_str(key);
    s
}

/// The clock keys every request carries.
pub fn clock_keys(ctx: &mut ContextBuilder<'_>, now: DateTime<Utc>, region: Option<&str>) {
    if ctx.wants("aws:currenttime") {
        ctx.insert("aws:CurrentTime", time_text(now));
    }
    if ctx.wants("aws:epochtime") {
        ctx.insert("aws:EpochTime", now.timestamp().to_string());
    }
    ctx.insert("aws:SecureTransport", "true");
    if let Some(r) = region {
        ctx.insert("aws:RequestedRegion", r);
    }
}

/// The principal tags of a caller: a user's tags; a role session's role tags overridden by
/// its session tags.
#[must_use]
pub fn caller_principal_tags(inv: &Inventory, caller: &Caller) -> Vec<Tag> {
    match &caller.kind {
        CallerKind::User { .. } => caller.user(inv).map(|u| u.tags.clone()).unwrap_or_default(),
        CallerKind::RoleSession { .. } => {
            let mut tags = caller.role(inv).map(|r| r.tags.clone()).unwrap_or_default();
            if let Some(s) = &caller.session {
                for t in &s.session_tags {
                    upsert_tag(&mut tags, &t.key, &t.value);
                }
            }
            tags
        }
        _ => Vec::new(),
    }
}

/// The keys AWS adds for the caller (IAM-RULES §6).
pub fn caller_keys(
    ctx: &mut ContextBuilder<'_>,
    inv: &Inventory,
    compiled: &CompiledInventory,
    caller: &Caller,
    now: DateTime<Utc>,
) {
    // A call made directly by the caller, not by a service on its behalf: `aws:ViaAWSService`
    // is false, and `aws:PrincipalIsAWSService` is present in every request, false unless a
    // service principal signs it ([UG:reference_policies_condition-keys], the keys'
    // "Availability").
    ctx.insert("aws:ViaAWSService", "false");
    match &caller.kind {
        CallerKind::Service { name } => {
            ctx.insert("aws:PrincipalIsAWSService", "true");
            ctx.insert("aws:PrincipalServiceName", name.as_str());
            return;
        }
        CallerKind::Root => {
            ctx.insert("aws:PrincipalType", "Account");
            ctx.insert("aws:userid", caller.account.as_str());
        }
        CallerKind::FederatedUser => {
            ctx.insert("aws:PrincipalType", "FederatedUser");
        }
        CallerKind::User { .. } => {
            ctx.insert("aws:PrincipalType", "User");
            if let Some(u) = caller.user(inv) {
                ctx.insert("aws:username", u.name.as_str());
                ctx.insert("aws:userid", u.user_id.as_str());
            } else if let Some(name) = caller.arn.rsplit('/').next() {
                ctx.insert("aws:username", name);
            }
        }
        CallerKind::RoleSession { session_name, .. } => {
            ctx.insert("aws:PrincipalType", "AssumedRole");
            if let Some(r) = caller.role(inv) {
                ctx.insert("aws:userid", format!("{}:{session_name}", r.role_id));
            }
        }
    }
    ctx.insert("aws:PrincipalIsAWSService", "false");
    ctx.insert("aws:PrincipalArn", caller.principal_arn.as_str());
    ctx.insert("aws:PrincipalAccount", caller.account.as_str());
    if let Some(org) = compiled.org_ids.get(&caller.account) {
        ctx.insert("aws:PrincipalOrgID", org.as_str());
    }
    if ctx.wants_prefix("aws:principaltag/") {
        match (&caller.kind, caller.user(inv)) {
            // A user's own tags, read in place.
            (CallerKind::User { .. }, Some(u)) => {
                for t in &u.tags {
                    ctx.insert(prefixed("aws:PrincipalTag/", &t.key), t.value.as_str());
                }
            }
            _ => {
                for t in caller_principal_tags(inv, caller) {
                    ctx.insert(prefixed("aws:PrincipalTag/", &t.key), t.value);
                }
            }
        }
    }
    if caller.has_temporary_credentials() {
        let session = caller.session.as_ref();
        let issued = session.and_then(|s| s.issued_at).unwrap_or(now);
        ctx.insert("aws:TokenIssueTime", time_text(issued));
        let mfa = session.is_some_and(|s| s.mfa_authenticated);
        ctx.insert(
            "aws:MultiFactorAuthPresent",
            if mfa { "true" } else { "false" },
        );
        if mfa {
            let at = session.and_then(|s| s.mfa_auth_time).unwrap_or(issued);
            ctx.insert(
                "aws:MultiFactorAuthAge",
                (now - at).num_seconds().max(0).to_string(),
            );
        }
        if let Some(si) = session.and_then(|s| s.source_identity.as_deref()) {
            ctx.insert("aws:SourceIdentity", si);
        }
    }
}

/// The keys of a role as the resource of an STS call, as the role is (no caller's session
/// tags): `aws:ResourceAccount`, `aws:ResourceOrgID` when its account is in an organization
/// (`org_id`), and its tags under `iam:ResourceTag/` and `aws:ResourceTag/`
/// ([SAR:awsidentityandaccessmanagementiam]; [UG:reference_policies_examples_iam-assume-tagged-role]).
/// One definition for the simulator ([`role_resource_keys`]) and the trust graph.
pub fn role_resource_pairs<'r>(
    role: &'r Role,
    org_id: Option<&'r str>,
) -> impl Iterator<Item = (Cow<'static, str>, &'r str)> + 'r {
    std::iter::once((Cow::Borrowed("aws:ResourceAccount"), role.account.as_str()))
        .chain(org_id.map(|o| (Cow::Borrowed("aws:ResourceOrgID"), o)))
        .chain(role.tags.iter().flat_map(|t| {
            [
                (
                    Cow::Owned(prefixed("iam:ResourceTag/", &t.key)),
                    t.value.as_str(),
                ),
                (
                    Cow::Owned(prefixed("aws:ResourceTag/", &t.key)),
                    t.value.as_str(),
                ),
            ]
        }))
}

/// `aws:ResourceTag/*` for the role: its tags, overridden by the caller's inherited
/// transitive tags (IAM-RULES §3.5, the "chaining roles with session tags" paragraph);
/// `iam:ResourceTag/*` stays the role's own.
pub fn role_resource_keys(
    ctx: &mut ContextBuilder<'_>,
    compiled: &CompiledInventory,
    role: &Role,
    inherited_transitive: &[TagDoc],
) {
    let org = compiled.org_ids.get(&role.account).map(String::as_str);
    for (k, v) in role_resource_pairs(role, org) {
        if !inherited_transitive.is_empty() && k.starts_with("aws:ResourceTag/") {
            continue;
        }
        ctx.insert(k, v);
    }
    if inherited_transitive.is_empty() {
        return;
    }
    let mut tags = role.tags.clone();
    for t in inherited_transitive {
        upsert_tag(&mut tags, &t.key, &t.value);
    }
    for t in tags {
        ctx.insert(prefixed("aws:ResourceTag/", &t.key), t.value);
    }
}

/// The resource's keys for a request on any resource: `aws:ResourceAccount` and
/// `aws:ResourceOrgID` whenever the resource's account is known, and for an IAM role or user
/// its tags under `aws:ResourceTag/` and `iam:ResourceTag/` — as `policy::gather` sets them for
/// `authorize`.
pub fn resource_keys(
    ctx: &mut ContextBuilder<'_>,
    inv: &Inventory,
    compiled: &CompiledInventory,
    resource: &str,
    resource_account: Option<&str>,
) {
    if let Some(acct) = resource_account {
        ctx.insert("aws:ResourceAccount", acct);
        if let Some(org) = compiled.org_ids.get(acct) {
            ctx.insert("aws:ResourceOrgID", org.as_str());
        }
    }
    let tags = inv
        .role_by_arn(resource)
        .map(|r| &r.tags)
        .or_else(|| inv.user_by_arn(resource).map(|u| &u.tags));
    for t in tags.into_iter().flatten() {
        ctx.insert(prefixed("aws:ResourceTag/", &t.key), t.value.as_str());
        ctx.insert(prefixed("iam:ResourceTag/", &t.key), t.value.as_str());
    }
}

/// `aws:RequestTag/*` and `aws:TagKeys` for tags passed in the call, and
/// `sts:TransitiveTagKeys`.
pub fn request_tag_keys(ctx: &mut ContextBuilder<'_>, tags: &[TagDoc], transitive: &[String]) {
    if !tags.is_empty() {
        for t in tags {
            ctx.insert(prefixed("aws:RequestTag/", &t.key), t.value.as_str());
        }
        ctx.insert(
            "aws:TagKeys",
            ContextValue::Multi(tags.iter().map(|t| t.key.clone()).collect()),
        );
    }
    if !transitive.is_empty() {
        ctx.insert(
            "sts:TransitiveTagKeys",
            ContextValue::Multi(transitive.to_vec()),
        );
    }
}

/// The request's own extra keys, set last so they override.
pub fn extra_keys(ctx: &mut ContextBuilder<'_>, extra: &ContextDoc) {
    for (k, v) in extra {
        match v {
            ContextValueDoc::One(s) => ctx.force(k.as_str(), s.as_str()),
            ContextValueDoc::Many(list) => ctx.force(k.as_str(), ContextValue::Multi(list.clone())),
        }
    }
}

/// The inherited transitive tags of a caller session.
#[must_use]
pub fn inherited_transitive(caller: &Caller) -> Vec<TagDoc> {
    let Some(s) = &caller.session else {
        return Vec::new();
    };
    s.session_tags
        .iter()
        .filter(|t| {
            s.transitive_tag_keys
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&t.key))
        })
        .cloned()
        .collect()
}

/// The condition keys (lowercased) that some policy of an inventory reads, in a condition or
/// as a policy variable. A key no policy reads cannot change a decision, so a context built
/// for speed may leave it out.
#[derive(Debug, Clone, Default)]
pub struct KeyFilter {
    keys: HashSet<String, foldhash::fast::RandomState>,
    prefixes: Vec<String>,
}

impl KeyFilter {
    /// Collects the keys every policy text of `inv` reads.
    #[must_use]
    pub fn from_inventory(inv: &Inventory) -> Self {
        let mut f = Self::default();
        // Loaded documents share their text; each distinct one is read once.
        let mut seen = HashSet::new();
        let mut add = |t: &PolicyText| {
            if seen.insert(Arc::as_ptr(&t.text).cast::<u8>().addr()) {
                f.scan(&t.json(), false);
            }
        };
        for r in &inv.roles {
            add(&r.trust_policy);
            for p in &r.inline_policies {
                add(&p.policy);
            }
        }
        for u in &inv.users {
            for p in &u.inline_policies {
                add(&p.policy);
            }
        }
        for g in &inv.groups {
            for p in &g.inline_policies {
                add(&p.policy);
            }
        }
        for p in &inv.policies {
            for v in &p.versions {
                add(&v.policy);
            }
        }
        for a in inv.accounts.values() {
            for rp in &a.resource_policies {
                add(&rp.policy);
            }
            if let Some(org) = &a.organization {
                for level in org.scps_by_level.iter().chain(&org.rcps_by_level) {
                    for p in &level.policies {
                        add(p);
                    }
                }
            }
        }
        for k in &f.keys {
            if let Some(i) = k.find('/') {
                let prefix = k[..=i].to_owned();
                if !f.prefixes.contains(&prefix) {
                    f.prefixes.push(prefix);
                }
            }
        }
        f
    }

    fn scan(&mut self, v: &serde_json::Value, in_condition: bool) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map {
                    if in_condition {
                        // operator → { key: values }
                        if let Some(keys) = child.as_object() {
                            for (key, values) in keys {
                                self.keys.insert(key.to_lowercase());
                                self.scan(values, false);
                            }
                        }
                    } else {
                        self.scan(child, k == "Condition");
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for i in items {
                    self.scan(i, false);
                }
            }
            serde_json::Value::String(s) => {
                let mut rest = s.as_str();
                while let Some(start) = rest.find("${") {
                    let after = &rest[start + 2..];
                    let Some(end) = after.find('}') else { break };
                    let var = after[..end].split(',').next().unwrap_or_default().trim();
                    self.keys.insert(var.to_lowercase());
                    rest = &after[end..];
                }
            }
            _ => {}
        }
    }

    /// True when some policy reads `lowercase_key`.
    #[must_use]
    pub fn reads(&self, lowercase_key: &str) -> bool {
        self.keys.contains(lowercase_key)
    }
}

/// Builds a request context, leaving out keys no policy reads when given a filter.
#[derive(Debug)]
pub struct ContextBuilder<'f> {
    pub ctx: RequestContext,
    filter: Option<&'f KeyFilter>,
    buf: String,
}

impl<'f> ContextBuilder<'f> {
    /// A builder that keeps every key (`None`) or only the keys `filter` says are read.
    #[must_use]
    pub fn new(filter: Option<&'f KeyFilter>) -> Self {
        Self {
            ctx: RequestContext::with_capacity(28),
            filter,
            buf: String::with_capacity(64),
        }
    }

    /// True when `key` should be set (always, without a filter).
    pub fn wants(&mut self, key: &str) -> bool {
        let Some(f) = self.filter else { return true };
        self.buf.clear();
        if key.is_ascii() {
            self.buf.push_str(key);
            self.buf.make_ascii_lowercase();
        } else {
            self.buf.extend(key.chars().flat_map(char::to_lowercase));
        }
        f.reads(&self.buf)
    }

    /// True when some key under `lowercase_prefix` (e.g. `aws:principaltag/`) may be read.
    #[must_use]
    pub fn wants_prefix(&self, lowercase_prefix: &str) -> bool {
        self.filter
            .is_none_or(|f| f.prefixes.iter().any(|p| p == lowercase_prefix))
    }

    /// Sets `key` when it is wanted. Key names written in the code cost no copy.
    pub fn insert(
        &mut self,
        key: impl Into<Cow<'static, str>> + AsRef<str>,
        value: impl Into<ContextValue>,
    ) {
        if self.wants(key.as_ref()) {
            match key.into() {
                Cow::Borrowed(k) => self.ctx.insert_static(k, value),
                Cow::Owned(k) => self.ctx.insert(k, value),
            }
        }
    }

    /// Sets `key` whatever the filter says (keys the request itself gives).
    pub fn force(&mut self, key: impl Into<String>, value: impl Into<ContextValue>) {
        self.ctx.insert(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_texts_are_what_chrono_writes() {
        for t in [
            "2026-11-24T09:00:00Z",
            "0001-01-01T00:00:00Z",
            "1970-01-01T00:00:00.5Z",
            "9999-12-31T23:59:59.999999999Z",
            "2024-02-29T12:34:56.000123Z",
            "1987-06-15T13:47:38Z",
            "0999-10-05T03:09:07Z",
        ] {
            let t: DateTime<Utc> = t.parse().unwrap();
            assert_eq!(time_text(t), t.to_rfc3339_opts(SecondsFormat::Secs, true));
            if let Some(b) = rfc3339_seconds(t).filter(|_| t.timestamp_subsec_nanos() == 0) {
                assert_eq!(format!("{}+00:00", rfc3339_str(&b)), t.to_rfc3339());
            }
        }
    }
}
