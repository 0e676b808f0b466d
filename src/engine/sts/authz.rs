//! The bridge from STS simulation to the policy engine: compiles the policies of an
//! [`Inventory`] (shared ones at once, a role's or user's own when first needed), assembles the policy engine's input for a call (trust policy as the
//! role's resource-based policy, the caller's identity policies, boundary and session
//! policies, the caller account's SCPs and the role account's RCPs) and remembers where
//! each policy lives so a fix can edit it.
//!
//! Evaluation is `policy::evaluate`'s; this module only gathers.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::engine::coverage;
use crate::engine::model::{AttachedPolicy, InlinePolicy, Inventory, OrgPolicyLevel, PolicyText};
use crate::engine::policy::compiled::CompiledPolicy;
use crate::engine::policy::decision::PolicyType;
use crate::engine::policy::document::PolicyDocument;
use crate::engine::policy::evaluate::{Gap, NamedPolicy, PolicyLevel, ResourceBasedPolicy};
use crate::engine::policy::gather::org_policy_name;
use crate::engine::sts::outcome::PolicyTarget;

/// A role's or user's own side of an evaluation, compiled on first use.
#[derive(Debug, Clone, Default)]
pub struct PrincipalPolicies {
    /// Inline and attached managed policies (for a user, its groups' too).
    pub identity: Vec<NamedPolicy>,
    pub boundary: Option<NamedPolicy>,
    /// Its policies the data lacks (managed policies, groups, the boundary, all of a role's
    /// when only `list-roles` describes it).
    pub gaps: Vec<Gap>,
}

/// The policies of an inventory, compiled once, with their locations: managed policies,
/// SCPs and RCPs at once; each role's trust policy and each role's and user's own policies
/// when a simulation first needs them (a one-off simulation over 100,000 roles compiles two
/// or three of them, not all).
#[derive(Debug, Clone, Default)]
pub struct CompiledInventory {
    /// Per role (same index as `Inventory::roles`): the trust policy.
    trust: Vec<OnceLock<NamedPolicy>>,
    /// Per role: inline and attached managed policies, and the boundary.
    roles: Vec<OnceLock<PrincipalPolicies>>,
    /// Per user: inline, attached managed, and every group's policies, and the boundary.
    users: Vec<OnceLock<PrincipalPolicies>>,
    /// Managed policies by ARN (default version).
    pub managed: HashMap<String, NamedPolicy>,
    /// SCP and RCP levels by account; absent for accounts outside an organisation and the
    /// management account.
    pub scps: HashMap<String, Vec<PolicyLevel>>,
    pub rcps: HashMap<String, Vec<PolicyLevel>>,
    /// Where each named policy lives, for fixes.
    pub targets: HashMap<String, PolicyTarget>,
    /// The condition keys the inventory's policies read.
    pub key_filter: crate::engine::policy::key_filter::KeyFilter,
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
                    let name = org_policy_name(&kind.to_uppercase(), level, i);
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
    /// Compiles the shared policies of `inv` (managed policies, SCPs, RCPs) and records
    /// where every policy lives; the rest is compiled on first use (`inv` must then be the
    /// same inventory).
    #[must_use]
    pub fn new(inv: &Inventory) -> Self {
        let mut c = Self {
            key_filter: crate::engine::policy::key_filter::KeyFilter::from_inventory(inv),
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
            c.targets.insert(
                trust_label(&r.arn),
                PolicyTarget::TrustPolicy {
                    role_arn: r.arn.clone(),
                },
            );
            for ip in &r.inline_policies {
                c.targets.insert(
                    inline_label(&r.arn, &ip.name),
                    PolicyTarget::RoleInline {
                        role_arn: r.arn.clone(),
                        name: ip.name.clone(),
                    },
                );
            }
        }
        for u in &inv.users {
            for ip in &u.inline_policies {
                c.targets.insert(
                    inline_label(&u.arn, &ip.name),
                    PolicyTarget::UserInline {
                        user_arn: u.arn.clone(),
                        name: ip.name.clone(),
                    },
                );
            }
        }
        for g in &inv.groups {
            for ip in &g.inline_policies {
                c.targets.insert(
                    inline_label(&g.arn, &ip.name),
                    PolicyTarget::GroupInline {
                        group_arn: g.arn.clone(),
                        name: ip.name.clone(),
                    },
                );
            }
        }
        c.trust = inv.roles.iter().map(|_| OnceLock::new()).collect();
        c.roles = inv.roles.iter().map(|_| OnceLock::new()).collect();
        c.users = inv.users.iter().map(|_| OnceLock::new()).collect();
        for (id, acct) in &inv.accounts {
            let Some(org) = &acct.organization else {
                continue;
            };
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

    /// The trust policy of role `i` of `inv` (the inventory this was made from).
    #[must_use]
    pub fn trust(&self, inv: &Inventory, i: usize) -> Option<&NamedPolicy> {
        let r = inv.roles.get(i)?;
        Some(
            self.trust.get(i)?.get_or_init(|| {
                NamedPolicy::new(trust_label(&r.arn), compile_text(&r.trust_policy))
            }),
        )
    }

    /// Role `i`'s own policies: inline, attached managed, and its boundary.
    #[must_use]
    pub fn role_policies(&self, inv: &Inventory, i: usize) -> Option<&PrincipalPolicies> {
        let r = inv.roles.get(i)?;
        Some(self.roles.get(i)?.get_or_init(|| {
            let mut identity = Vec::new();
            let mut gaps = Vec::new();
            let owner = format!("role `{}`", r.name);
            self.own_policies(
                &r.arn,
                &owner,
                &r.inline_policies,
                &r.managed_policies,
                &mut identity,
                &mut gaps,
            );
            if !r.policies_loaded {
                let m = Arc::new(coverage::role_policies(r));
                for layer in [
                    PolicyType::IdentityBasedPolicy,
                    PolicyType::PermissionsBoundary,
                ] {
                    gaps.push(Gap {
                        layer,
                        missing: Arc::clone(&m),
                    });
                }
            }
            PrincipalPolicies {
                identity,
                boundary: self.boundary(&owner, r.permissions_boundary.as_ref(), &mut gaps),
                gaps,
            }
        }))
    }

    /// User `i`'s own policies: inline, attached managed, every group's, and its boundary.
    #[must_use]
    pub fn user_policies(&self, inv: &Inventory, i: usize) -> Option<&PrincipalPolicies> {
        let u = inv.users.get(i)?;
        Some(self.users.get(i)?.get_or_init(|| {
            let mut identity = Vec::new();
            let mut gaps = Vec::new();
            let owner = format!("user `{}`", u.name);
            self.own_policies(
                &u.arn,
                &owner,
                &u.inline_policies,
                &u.managed_policies,
                &mut identity,
                &mut gaps,
            );
            for g in &u.groups {
                let group = inv
                    .group_by_arn(g)
                    .or_else(|| inv.group_named(&u.account, g));
                let Some(group) = group else {
                    gaps.push(Gap::new(
                        PolicyType::IdentityBasedPolicy,
                        coverage::group(u, g),
                    ));
                    continue;
                };
                self.own_policies(
                    &group.arn,
                    &format!("group `{}`", group.name),
                    &group.inline_policies,
                    &group.managed_policies,
                    &mut identity,
                    &mut gaps,
                );
            }
            PrincipalPolicies {
                identity,
                boundary: self.boundary(&owner, u.permissions_boundary.as_ref(), &mut gaps),
                gaps,
            }
        }))
    }

    /// The trust policy of role `i` as the role's resource-based policy.
    #[must_use]
    pub fn trust_resource_policy(&self, inv: &Inventory, i: usize) -> Option<ResourceBasedPolicy> {
        self.trust(inv, i).map(|policy| ResourceBasedPolicy {
            policy: policy.clone(),
            is_role_trust: true,
        })
    }

    /// An owner's inline policies, compiled, and its attached managed policies, onto `out`.
    fn own_policies(
        &self,
        owner_arn: &str,
        owner: &str,
        inline: &[InlinePolicy],
        managed: &[AttachedPolicy],
        out: &mut Vec<NamedPolicy>,
        gaps: &mut Vec<Gap>,
    ) {
        out.extend(inline.iter().map(|ip| {
            NamedPolicy::new(inline_label(owner_arn, &ip.name), compile_text(&ip.policy))
        }));
        for mp in managed {
            match self.managed.get(&mp.arn) {
                Some(p) => out.push(p.clone()),
                None => gaps.push(Gap::new(
                    PolicyType::IdentityBasedPolicy,
                    coverage::managed_policy(&mp.arn, owner, false),
                )),
            }
        }
    }

    fn boundary(
        &self,
        owner: &str,
        b: Option<&AttachedPolicy>,
        gaps: &mut Vec<Gap>,
    ) -> Option<NamedPolicy> {
        let b = b?;
        let found = self.managed.get(&b.arn).cloned();
        if found.is_none() {
            gaps.push(Gap::new(
                PolicyType::PermissionsBoundary,
                coverage::managed_policy(&b.arn, owner, true),
            ));
        }
        found
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
