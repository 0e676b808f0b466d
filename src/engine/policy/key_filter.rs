//! Which condition keys an inventory's policies read: a context built for speed (bulk
//! simulation) may leave out every other key, since a key no policy reads cannot change a
//! decision. The builder that consults it is [`super::context_builder::ContextBuilder`].

use std::collections::HashSet;
use std::sync::Arc;

use crate::engine::model::{Inventory, PolicyText};

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

    /// True when some policy reads a key under `lowercase_prefix` (`aws:principaltag/`).
    #[must_use]
    pub fn reads_prefix(&self, lowercase_prefix: &str) -> bool {
        self.prefixes.iter().any(|p| p == lowercase_prefix)
    }
}
