//! Small hand-built inventories for the STS unit tests.

use serde_json::Value;

use crate::engine::model::{
    Account, AttachedPolicy, DataPart, IdentityProvider, InlinePolicy, Inventory, Known,
    ManagedPolicy, OrgMembership, OrgPolicyLevel, PolicyText, PolicyVersion, ProviderType, Role,
    Tag, User,
};

pub struct Kit {
    pub inv: Inventory,
}

pub const A: &str = "111111111111";
pub const B: &str = "222222222222";

impl Kit {
    pub fn new() -> Self {
        let mut inv = Inventory::default();
        for id in [A, B] {
            inv.accounts.insert(
                id.to_owned(),
                Account {
                    id: id.to_owned(),
                    // The kit's accounts are complete: what they do not hold does not exist.
                    loaded: DataPart::ALL.iter().copied().collect(),
                    ..Account::default()
                },
            );
        }
        Self { inv }
    }

    pub fn user(mut self, account: &str, name: &str, inline: Option<Value>) -> Self {
        let arn = format!("arn:aws:iam::{account}:user/{name}");
        self.inv.users.push(User {
            arn,
            account: account.to_owned(),
            name: name.to_owned(),
            path: "/".to_owned(),
            user_id: format!("AIDA{}", name.to_uppercase()),
            create_date: None,
            groups: Vec::new(),
            inline_policies: inline
                .map(|p| {
                    vec![InlinePolicy {
                        name: "inline".to_owned(),
                        policy: PolicyText::from_json(p),
                    }]
                })
                .unwrap_or_default(),
            managed_policies: Vec::new(),
            permissions_boundary: None,
            tags: Vec::new(),
        });
        self
    }

    pub fn user_tag(mut self, name: &str, key: &str, value: &str) -> Self {
        if let Some(u) = self.inv.users.iter_mut().find(|u| u.name == name) {
            u.tags.push(Tag {
                key: key.to_owned(),
                value: value.to_owned(),
            });
        }
        self
    }

    pub fn role(mut self, account: &str, name: &str, trust: Value, inline: Option<Value>) -> Self {
        self.inv.roles.push(Role {
            arn: format!("arn:aws:iam::{account}:role/{name}"),
            account: account.to_owned(),
            name: name.rsplit('/').next().unwrap_or(name).to_owned(),
            path: "/".to_owned(),
            role_id: format!("AROA{}", name.to_uppercase().replace('/', "")),
            create_date: None,
            description: None,
            max_session_duration: Known::Known(3600),
            trust_policy: PolicyText::from_json(trust),
            inline_policies: inline
                .map(|p| {
                    vec![InlinePolicy {
                        name: "inline".to_owned(),
                        policy: PolicyText::from_json(p),
                    }]
                })
                .unwrap_or_default(),
            managed_policies: Vec::new(),
            permissions_boundary: None,
            tags: Vec::new(),
            last_used: None,
            instance_profiles: Vec::new(),
            policies_loaded: true,
        });
        self
    }

    pub fn max_session(mut self, role: &str, seconds: Option<u32>) -> Self {
        if let Some(r) = self.inv.roles.iter_mut().find(|r| r.name == role) {
            r.max_session_duration = seconds.map_or(Known::Unknown, Known::Known);
        }
        self
    }

    pub fn role_tag(mut self, role: &str, key: &str, value: &str) -> Self {
        if let Some(r) = self.inv.roles.iter_mut().find(|r| r.name == role) {
            r.tags.push(Tag {
                key: key.to_owned(),
                value: value.to_owned(),
            });
        }
        self
    }

    pub fn managed(mut self, account: &str, name: &str, doc: Value) -> Self {
        self.inv.policies.push(ManagedPolicy {
            arn: format!("arn:aws:iam::{account}:policy/{name}"),
            name: name.to_owned(),
            path: "/".to_owned(),
            policy_id: None,
            default_version_id: Some("v1".to_owned()),
            description: None,
            attachment_count: None,
            permissions_boundary_usage_count: None,
            create_date: None,
            update_date: None,
            versions: vec![PolicyVersion {
                version_id: "v1".to_owned(),
                is_default: true,
                create_date: None,
                policy: PolicyText::from_json(doc).into(),
            }],
        });
        self
    }

    pub fn user_boundary(mut self, user: &str, policy_arn: &str) -> Self {
        if let Some(u) = self.inv.users.iter_mut().find(|u| u.name == user) {
            u.permissions_boundary = Some(AttachedPolicy {
                arn: policy_arn.to_owned(),
                name: policy_arn.rsplit('/').next().unwrap_or_default().to_owned(),
            });
        }
        self
    }

    pub fn scp(mut self, account: &str, levels: Vec<(&str, Vec<Value>)>) -> Self {
        let acct = self.inv.accounts.entry(account.to_owned()).or_default();
        let org = acct.organization.get_or_insert_with(|| OrgMembership {
            org_id: "o-test".to_owned(),
            management_account_id: None,
            is_management_account: false,
            parents: Vec::new(),
            enabled_policy_types: Vec::new(),
            scps_by_level: Vec::new(),
            rcps_by_level: Vec::new(),
        });
        org.scps_by_level = levels
            .into_iter()
            .map(|(t, ps)| OrgPolicyLevel {
                target: t.to_owned(),
                policies: ps.into_iter().map(PolicyText::from_json).collect(),
                summaries: Vec::new(),
            })
            .collect();
        self
    }

    pub fn rcp(mut self, account: &str, levels: Vec<(&str, Vec<Value>)>) -> Self {
        let acct = self.inv.accounts.entry(account.to_owned()).or_default();
        let org = acct.organization.get_or_insert_with(|| OrgMembership {
            org_id: "o-test".to_owned(),
            management_account_id: None,
            is_management_account: false,
            parents: Vec::new(),
            enabled_policy_types: Vec::new(),
            scps_by_level: Vec::new(),
            rcps_by_level: Vec::new(),
        });
        org.rcps_by_level = levels
            .into_iter()
            .map(|(t, ps)| OrgPolicyLevel {
                target: t.to_owned(),
                policies: ps.into_iter().map(PolicyText::from_json).collect(),
                summaries: Vec::new(),
            })
            .collect();
        self
    }

    pub fn region_off(mut self, account: &str, region: &str) -> Self {
        if let Some(a) = self.inv.accounts.get_mut(account) {
            a.sts_regions_deactivated.push(region.to_owned());
        }
        self
    }

    pub fn provider(
        mut self,
        account: &str,
        kind: ProviderType,
        name_or_url: &str,
        client_ids: &[&str],
    ) -> Self {
        let (arn, url) = match kind {
            ProviderType::Oidc => (
                format!("arn:aws:iam::{account}:oidc-provider/{name_or_url}"),
                Some(name_or_url.to_owned()),
            ),
            ProviderType::Saml => (
                format!("arn:aws:iam::{account}:saml-provider/{name_or_url}"),
                None,
            ),
        };
        self.inv.identity_providers.push(IdentityProvider {
            arn,
            account: account.to_owned(),
            provider_type: kind,
            url,
            client_ids: client_ids.iter().map(|s| (*s).to_owned()).collect(),
            thumbprints: Vec::new(),
        });
        self
    }

    pub fn build(mut self) -> Inventory {
        self.inv.reindex();
        self.inv
    }
}
