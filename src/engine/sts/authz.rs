//! The bridge from STS simulation to the policy engine: compiles every policy of an
//! [`Inventory`] once, assembles the policy engine's input for a call (trust policy as the
//! role's resource-based policy, the caller's identity policies, boundary and session
//! policies, the caller account's SCPs and the role account's RCPs) and remembers where
//! each policy lives so a fix can edit it.
//!
//! Evaluation is `policy::evaluate`'s; this module only gathers.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::engine::model::{Inventory, OrgPolicyLevel, PolicyText};
use crate::engine::policy::compiled::CompiledPolicy;
use crate::engine::policy::document::PolicyDocument;
use crate::engine::policy::evaluate::{NamedPolicy, PolicyLevel};
use crate::engine::sts::outcome::PolicyTarget;

/// Every policy of an inventory, compiled once, with its location.
#[derive(Debug, Clone)]
pub struct CompiledInventory {
    /// Per role (same index as `Inventory::roles`): the trust policy.
    pub trust: Vec<NamedPolicy>,
    /// Per role: inline and attached managed policies.
    pub role_identity: Vec<Vec<NamedPolicy>>,
    pub role_boundary: Vec<Option<NamedPolicy>>,
    /// Per user: inline, attached managed, and every group's policies.
    pub user_identity: Vec<Vec<NamedPolicy>>,
    pub user_boundary: Vec<Option<NamedPolicy>>,
    /// Managed policies by ARN (default version).
    pub managed: HashMap<String, NamedPolicy>,
    /// SCP and RCP levels by account; absent for accounts outside an organisation and the
    /// management account.
    pub scps: HashMap<String, Vec<PolicyLevel>>,
    pub rcps: HashMap<String, Vec<PolicyLevel>>,
    /// Organisation id by account.
    pub org_ids: HashMap<String, String>,
    /// Where each named policy lives, for fixes.
    pub targets: HashMap<String, PolicyTarget>,
    /// Stands in for the identity policies of a caller whose account is not loaded.
    pub assumed_allow: NamedPolicy,
    /// The condition keys the inventory's policies read.
    pub key_filter: crate::engine::sts::context::KeyFilter,
}

impl Default for CompiledInventory {
    fn default() -> Self {
        Self {
            trust: Vec::new(),
            role_identity: Vec::new(),
            role_boundary: Vec::new(),
            user_identity: Vec::new(),
            user_boundary: Vec::new(),
            managed: HashMap::new(),
            scps: HashMap::new(),
            rcps: HashMap::new(),
            org_ids: HashMap::new(),
            targets: HashMap::new(),
            key_filter: crate::engine::sts::context::KeyFilter::default(),
            assumed_allow: NamedPolicy::new(
                "caller's account not loaded: assumed to allow",
                compile_value(&serde_json::json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})),
            ),
        }
    }
}

fn empty_document() -> PolicyDocument {
    PolicyDocument {
        version: None,
        id: None,
        statements: Vec::new(),
    }
}

/// Compiles a loaded policy text (an unreadable one compiles to a policy with no
/// statements: it allows nothing and denies nothing).
#[must_use]
pub fn compile_text(text: &PolicyText) -> Arc<CompiledPolicy> {
    match &text.document {
        Some(doc) => CompiledPolicy::shared(doc),
        None => CompiledPolicy::shared(&empty_document()),
    }
}

/// Compiles a JSON policy value.
#[must_use]
pub fn compile_value(value: &Value) -> Arc<CompiledPolicy> {
    match PolicyDocument::from_value(value).document {
        Some(doc) => CompiledPolicy::shared(&doc),
        None => CompiledPolicy::shared(&empty_document()),
    }
}

/// The label of a role's trust policy in decisions.
#[must_use]
pub fn trust_label(role_arn: &str) -> String {
    format!("trust policy of {role_arn}")
}

fn inline_label(owner_arn: &str, name: &str) -> String {
    format!("{owner_arn} inline policy {name}")
}

fn org_levels(
    account: &str,
    kind: &str,
    levels: &[OrgPolicyLevel],
    targets: &mut HashMap<String, PolicyTarget>,
) -> Vec<PolicyLevel> {
    levels
        .iter()
        .map(|level| PolicyLevel {
            target: level.target.clone(),
            policies: level
                .policies
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let name = format!("{} #{i} at {}", kind.to_uppercase(), level.target);
                    targets.insert(
                        name.clone(),
                        PolicyTarget::OrgPolicy {
                            account: account.to_owned(),
                            kind: kind.to_owned(),
                            target: level.target.clone(),
                            index: i,
                        },
                    );
                    NamedPolicy::new(name, compile_text(p))
                })
                .collect(),
        })
        .collect()
}

impl CompiledInventory {
    /// Compiles every policy of `inv`.
    #[must_use]
    pub fn new(inv: &Inventory) -> Self {
        let mut c = Self {
            key_filter: crate::engine::sts::context::KeyFilter::from_inventory(inv),
            ..Self::default()
        };
        for p in &inv.policies {
            let compiled = p.default_version().map_or_else(
                || CompiledPolicy::shared(&empty_document()),
                |v| compile_text(&v.policy),
            );
            c.targets.insert(
                p.arn.clone(),
                PolicyTarget::ManagedPolicy {
                    policy_arn: p.arn.clone(),
                },
            );
            c.managed
                .insert(p.arn.clone(), NamedPolicy::new(p.arn.clone(), compiled));
        }
        for r in &inv.roles {
            let label = trust_label(&r.arn);
            c.targets.insert(
                label.clone(),
                PolicyTarget::TrustPolicy {
                    role_arn: r.arn.clone(),
                },
            );
            c.trust
                .push(NamedPolicy::new(label, compile_text(&r.trust_policy)));
            let mut ident = Vec::new();
            for ip in &r.inline_policies {
                let label = inline_label(&r.arn, &ip.name);
                c.targets.insert(
                    label.clone(),
                    PolicyTarget::RoleInline {
                        role_arn: r.arn.clone(),
                        name: ip.name.clone(),
                    },
                );
                ident.push(NamedPolicy::new(label, compile_text(&ip.policy)));
            }
            for mp in &r.managed_policies {
                if let Some(np) = c.managed.get(&mp.arn) {
                    ident.push(np.clone());
                }
            }
            c.role_identity.push(ident);
            c.role_boundary.push(
                r.permissions_boundary
                    .as_ref()
                    .and_then(|b| c.managed.get(&b.arn).cloned()),
            );
        }
        for u in &inv.users {
            let mut ident = Vec::new();
            for ip in &u.inline_policies {
                let label = inline_label(&u.arn, &ip.name);
                c.targets.insert(
                    label.clone(),
                    PolicyTarget::UserInline {
                        user_arn: u.arn.clone(),
                        name: ip.name.clone(),
                    },
                );
                ident.push(NamedPolicy::new(label, compile_text(&ip.policy)));
            }
            for mp in &u.managed_policies {
                if let Some(np) = c.managed.get(&mp.arn) {
                    ident.push(np.clone());
                }
            }
            for g in &u.groups {
                let group = inv
                    .group_by_arn(g)
                    .or_else(|| inv.group_named(&u.account, g));
                let Some(group) = group else { continue };
                for ip in &group.inline_policies {
                    let label = inline_label(&group.arn, &ip.name);
                    c.targets.insert(
                        label.clone(),
                        PolicyTarget::GroupInline {
                            group_arn: group.arn.clone(),
                            name: ip.name.clone(),
                        },
                    );
                    ident.push(NamedPolicy::new(label, compile_text(&ip.policy)));
                }
                for mp in &group.managed_policies {
                    if let Some(np) = c.managed.get(&mp.arn) {
                        ident.push(np.clone());
                    }
                }
            }
            c.user_identity.push(ident);
            c.user_boundary.push(
                u.permissions_boundary
                    .as_ref()
                    .and_then(|b| c.managed.get(&b.arn).cloned()),
            );
        }
        for (id, acct) in &inv.accounts {
            let Some(org) = &acct.organization else {
                continue;
            };
            c.org_ids.insert(id.clone(), org.org_id.clone());
            if org.is_management_account {
                continue;
            }
            if !org.scps_by_level.is_empty() {
                let levels = org_levels(id, "scp", &org.scps_by_level, &mut c.targets);
                c.scps.insert(id.clone(), levels);
            }
            if !org.rcps_by_level.is_empty() {
                let levels = org_levels(id, "rcp", &org.rcps_by_level, &mut c.targets);
                c.rcps.insert(id.clone(), levels);
            }
        }
        c
    }

    /// Session policies of a session: the inline policy and the managed policy ARNs.
    #[must_use]
    pub fn session_policies(
        &self,
        inline: Option<&Value>,
        arns: &[String],
    ) -> Option<Vec<NamedPolicy>> {
        if inline.is_none() && arns.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        if let Some(v) = inline {
            out.push(NamedPolicy::new(SESSION_POLICY_LABEL, compile_value(v)));
        }
        for a in arns {
            match self.managed.get(a) {
                Some(np) => out.push(np.clone()),
                // An ARN the data does not hold grants nothing.
                None => out.push(NamedPolicy::new(a.clone(), compile_value(&Value::Null))),
            }
        }
        Some(out)
    }
}

/// The label of a caller session's inline session policy in decisions.
pub const SESSION_POLICY_LABEL: &str = "session policy";
