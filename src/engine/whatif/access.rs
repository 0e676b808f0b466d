//! Who can assume which role, and how that changes between two versions of the data.
//!
//! The answer is the trust graph's (`graph`): an edge caller → role that works means the
//! caller can make some request STS would allow — meeting the hop's requirements (MFA, an
//! external ID, token claims…) — with both halves of a cross-account grant in place.
//! Callers are users, role sessions, AWS services, identity providers and principals
//! outside the loaded data.

use std::collections::BTreeSet;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::engine::graph::TrustGraph;
use crate::engine::model::Inventory;

/// One caller able to assume one role.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct AccessPair {
    /// A user ARN, a role ARN (meaning a session of that role) or a service principal.
    pub caller: String,
    pub role: String,
}

impl AccessPair {
    /// `short-caller → role-name`, for lists.
    #[must_use]
    pub fn short(&self) -> String {
        let c = self.caller.rsplit('/').next().unwrap_or(&self.caller);
        let r = self.role.rsplit('/').next().unwrap_or(&self.role);
        format!("{c} → {r}")
    }
}

/// The clock the graph is built at; the answers do not depend on it beyond session
/// validity, and a fixed value keeps them reproducible.
fn clock() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .map_or_else(|_| Utc::now(), |t| t.with_timezone(&Utc))
}

/// Every (caller, role) pair the trust graph says works: the caller can make some request
/// (with MFA, an external ID, a token… when the hop needs them) that STS would allow.
#[must_use]
pub fn who_can_assume(inv: &Inventory) -> BTreeSet<AccessPair> {
    let graph = TrustGraph::build(Arc::new(inv.clone()), clock());
    graph
        .all_edges()
        .into_iter()
        .filter(|e| e.works())
        .filter_map(|e| {
            let role = graph.role(e.to)?;
            Some(AccessPair {
                caller: graph.node(e.from).id.clone(),
                role: role.arn.clone(),
            })
        })
        .collect()
}

/// Who gained and who lost the ability to assume a role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccessDiff {
    pub gained: Vec<AccessPair>,
    pub lost: Vec<AccessPair>,
}

impl AccessDiff {
    /// Compares two versions of the data.
    #[must_use]
    pub fn between(before: &Inventory, after: &Inventory) -> Self {
        let b = who_can_assume(before);
        let a = who_can_assume(after);
        Self {
            gained: a.difference(&b).cloned().collect(),
            lost: b.difference(&a).cloned().collect(),
        }
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.gained.is_empty() && self.lost.is_empty()
    }

    /// `+ caller → role` and `- caller → role` lines.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        self.gained
            .iter()
            .map(|p| format!("+ {}", p.short()))
            .chain(self.lost.iter().map(|p| format!("- {}", p.short())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::load::load_demo;

    #[test]
    fn the_demo_access_map_holds_the_documented_working_pairs_and_not_the_broken_ones() {
        let inv = load_demo().unwrap();
        let all = who_can_assume(&inv);
        let has = |c: &str, r: &str| {
            all.iter()
                .any(|p| p.caller.ends_with(c) && p.role.ends_with(r))
        };
        assert!(has("user/people/maria.garcia", "role/OpsEntry"));
        assert!(has("role/OpsEntry", "role/ProdOperations"));
        assert!(has("ec2.amazonaws.com", "role/app/web-app-ec2"));
        assert!(has("config.amazonaws.com", "AWSServiceRoleForConfig"));
        // Broken on purpose: wrong account in the trust, and the trusted half missing.
        assert!(!all.iter().any(
            |p| p.role.ends_with("role/data/AnalyticsReadOnly") && p.caller.contains("li.wei")
        ));
        assert!(
            !all.iter()
                .any(|p| p.role.ends_with("QAReleaseVerifier") && p.caller.contains("noah.kim"))
        );
        // A hop that needs MFA works for a caller who can use MFA.
        assert!(has("user/people/maria.garcia", "role/BreakGlassAdmin"));
    }
}
