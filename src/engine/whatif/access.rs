//! Who can assume which role, and how that changes between two versions of the data.
//!
//! Every role is tried against every caller the data names, through the STS simulator:
//! each IAM user with its access keys, a session of each role (a chained call), and each
//! AWS service that some trust policy names, acting for the role's own account
//! (`aws:SourceAccount`). Federated identities (web identity, SAML, Roles Anywhere) need a
//! token or a certificate and are not enumerated. No MFA is supplied: a role whose trust
//! asks for MFA counts as not assumable by a caller who has not used it.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::engine::model::Inventory;
use crate::engine::sts::Simulator;
use crate::engine::sts::request::{
    AssumeRoleRequest, CallerCredentials, CallerSessionDoc, ContextValueDoc, SessionOrigin,
};

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

/// The clock the enumeration runs at; the answers do not depend on it beyond session
/// validity, and a fixed value keeps them reproducible.
fn clock() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .map_or_else(|_| Utc::now(), |t| t.with_timezone(&Utc))
}

fn trusted_services(inv: &Inventory) -> BTreeSet<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if k == "Service" {
                        match v {
                            Value::String(s) => {
                                out.insert(s.clone());
                            }
                            Value::Array(a) => {
                                out.extend(a.iter().filter_map(Value::as_str).map(str::to_owned));
                            }
                            _ => {}
                        }
                    } else {
                        walk(v, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for r in &inv.roles {
        walk(&r.trust_policy.json, &mut out);
    }
    out
}

/// Every (caller, role) pair whose `AssumeRole` the simulator allows.
#[must_use]
pub fn who_can_assume(inv: &Inventory) -> BTreeSet<AccessPair> {
    let sim = Simulator::new(inv);
    let now = clock();
    let services = trusted_services(inv);
    let mut out = BTreeSet::new();
    for role in &inv.roles {
        let mut try_one = |caller: &str, req: AssumeRoleRequest| {
            if sim.assume_role(&req, now).is_ok_and(|o| o.is_allowed()) {
                out.insert(AccessPair {
                    caller: caller.to_owned(),
                    role: role.arn.clone(),
                });
            }
        };
        let base = AssumeRoleRequest {
            role: role.arn.clone(),
            role_session_name: Some("who-can-assume".to_owned()),
            now: Some(now),
            ..AssumeRoleRequest::default()
        };
        for u in &inv.users {
            try_one(
                &u.arn,
                AssumeRoleRequest {
                    caller: u.arn.clone(),
                    caller_credentials: Some(CallerCredentials::LongTerm),
                    ..base.clone()
                },
            );
        }
        for c in &inv.roles {
            if c.arn == role.arn {
                continue;
            }
            try_one(
                &c.arn,
                AssumeRoleRequest {
                    caller: format!(
                        "arn:aws:sts::{}:assumed-role/{}/who-can-assume",
                        c.account, c.name
                    ),
                    caller_credentials: Some(CallerCredentials::AssumedRoleSession),
                    caller_session: Some(CallerSessionDoc {
                        role_arn: Some(c.arn.clone()),
                        session_name: Some("who-can-assume".to_owned()),
                        created_by: Some(SessionOrigin::AssumeRole),
                        issued_at: Some(now),
                        expires_at: Some(now + Duration::hours(1)),
                        ..CallerSessionDoc::default()
                    }),
                    ..base.clone()
                },
            );
        }
        for s in &services {
            let mut req = AssumeRoleRequest {
                caller: s.clone(),
                caller_credentials: Some(CallerCredentials::ServicePrincipal),
                ..base.clone()
            };
            req.context.insert(
                "aws:SourceAccount".to_owned(),
                ContextValueDoc::One(role.account.clone()),
            );
            try_one(s, req);
        }
    }
    out
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
        // MFA is not supplied.
        assert!(!has("user/people/sam.patel", "role/ProdDatabaseAdmin"));
    }
}
