//! What the screens show about each role at a glance, computed once at start-up: its
//! kinds (with the reason for each), its warning flags and the search haystack of its
//! secondary fields. Users, groups and identity providers get their haystacks here too.

use crate::engine::model::{Inventory, ProviderType, Role};
use crate::engine::policy::document::{Effect, PrincipalKind, Principals};
use crate::tui::search::EntryInput;

/// The kinds the role list can filter by; a role's kind mask has bit `i` for `KINDS[i]`.
pub const KINDS: [&str; 9] = [
    "service",
    "service-linked",
    "instance-profile",
    "same-account",
    "cross-account",
    "saml",
    "web-identity",
    "roles-anywhere",
    "identity-center",
];

/// One kind of a role and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindFact {
    pub kind: u8,
    pub reason: String,
}

/// A role's kinds and warning flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleFacts {
    pub kinds: Vec<KindFact>,
    pub warnings: Vec<String>,
}

impl RoleFacts {
    #[must_use]
    pub fn mask(&self) -> u32 {
        self.kinds.iter().fold(0, |m, k| m | (1u32 << k.kind))
    }

    /// Short labels of the kinds, for the list's badge column.
    #[must_use]
    pub fn labels(&self) -> Vec<&'static str> {
        self.kinds
            .iter()
            .filter_map(|k| KINDS.get(usize::from(k.kind)).copied())
            .collect()
    }
}

fn kind(name: &str) -> u8 {
    KINDS
        .iter()
        .position(|k| *k == name)
        .and_then(|p| u8::try_from(p).ok())
        .unwrap_or(0)
}

/// Reads a role's kinds and warnings from its trust policy, path and instance profiles.
#[must_use]
pub fn role_facts(inv: &Inventory, role: &Role) -> RoleFacts {
    let mut facts = RoleFacts::default();
    let mut push = |name: &str, reason: String| {
        let k = kind(name);
        if !facts.kinds.iter().any(|f| f.kind == k) {
            facts.kinds.push(KindFact { kind: k, reason });
        }
    };
    if role.is_service_linked() {
        push(
            "service-linked",
            format!("its path is {} (AWS manages it; read-only)", role.path),
        );
    }
    if role.name.starts_with("AWSReservedSSO_") {
        push(
            "identity-center",
            "its name starts with AWSReservedSSO_ (IAM Identity Center permission set)".into(),
        );
    }
    if let Some(p) = role.instance_profiles.first() {
        push(
            "instance-profile",
            format!("it is in instance profile {}", p.name),
        );
    }
    let mut warnings = Vec::new();
    if let Some(doc) = role.trust_policy.document.as_deref() {
        for s in doc
            .statements
            .iter()
            .filter(|s| s.effect == Some(Effect::Allow))
        {
            let has_external_id = s
                .conditions
                .iter()
                .any(|c| c.key.eq_ignore_ascii_case("sts:ExternalId"));
            let list: Vec<(PrincipalKind, String)> = match &s.principal {
                Some(Principals::Any) => {
                    warnings.push(format!(
                        "trust statement {} allows any principal (\"*\")",
                        s.label()
                    ));
                    continue;
                }
                Some(Principals::Listed(l)) => l.clone(),
                None => continue,
            };
            for (k, v) in list {
                match k {
                    PrincipalKind::Service if v == "rolesanywhere.amazonaws.com" => {
                        push(
                            "roles-anywhere",
                            "trusts rolesanywhere.amazonaws.com".into(),
                        );
                    }
                    PrincipalKind::Service => push("service", format!("trusts {v}")),
                    PrincipalKind::Federated if v.contains(":saml-provider/") => {
                        push(
                            "saml",
                            format!(
                                "trusts SAML provider {}",
                                v.rsplit('/').next().unwrap_or(&v)
                            ),
                        );
                    }
                    PrincipalKind::Federated => {
                        push("web-identity", format!("trusts identity provider {v}"))
                    }
                    PrincipalKind::Aws if v == "*" => {
                        warnings.push(format!(
                            "trust statement {} allows any AWS principal",
                            s.label()
                        ));
                    }
                    PrincipalKind::Aws => {
                        let account = if v.len() == 12 {
                            v.as_str()
                        } else {
                            v.split(':').nth(4).unwrap_or("")
                        };
                        if account == role.account {
                            push("same-account", format!("trusts {v}"));
                        } else {
                            push("cross-account", format!("trusts account {account}"));
                            if !has_external_id {
                                warnings.push(format!(
                                    "cross-account trust of {account} without an external ID"
                                ));
                            }
                        }
                        if v.contains(":user/") && inv.user_by_arn(&v).is_none()
                            || v.contains(":role/") && inv.role_by_arn(&v).is_none()
                        {
                            warnings
                                .push(format!("trust names {v}, which is not in the loaded data"));
                        }
                    }
                    PrincipalKind::CanonicalUser => {}
                }
            }
        }
    }
    for (what, text) in std::iter::once(("trust policy", &role.trust_policy)).chain(
        role.inline_policies
            .iter()
            .map(|p| (p.name.as_str(), &p.policy)),
    ) {
        for e in &text.errors {
            warnings.push(format!("{what}: {e}"));
        }
    }
    for p in role
        .managed_policies
        .iter()
        .chain(role.permissions_boundary.iter())
    {
        if inv.managed_policy(&p.arn).is_none() {
            warnings.push(format!(
                "managed policy {} is not in the loaded data",
                p.arn
            ));
        }
    }
    facts.warnings = warnings;
    facts
}

fn tags_text(tags: &[crate::engine::model::Tag]) -> String {
    tags.iter()
        .map(|t| format!("{}={}", t.key, t.value))
        .collect::<Vec<_>>()
        .join(" ")
}

fn account_label(inv: &Inventory, account: &str) -> String {
    match inv.account(account).and_then(|a| a.name.clone()) {
        Some(name) => format!("{account} {name}"),
        None => account.to_owned(),
    }
}

/// The search entries of every role, in inventory order.
#[must_use]
pub fn role_entries(inv: &Inventory, facts: &[RoleFacts]) -> Vec<EntryInput> {
    inv.roles
        .iter()
        .zip(facts)
        .map(|(r, f)| EntryInput {
            name: r.name.clone(),
            secondary: format!(
                "{} {} {} {}",
                r.path,
                account_label(inv, &r.account),
                tags_text(&r.tags),
                f.labels().join(" ")
            ),
            arn: r.arn.clone(),
            account: r.account.clone(),
            kinds: f.mask(),
            last_used: r
                .last_used
                .as_ref()
                .and_then(|l| l.last_used_date)
                .map(|d| d.timestamp()),
        })
        .collect()
}

/// The search entries of every user.
#[must_use]
pub fn user_entries(inv: &Inventory) -> Vec<EntryInput> {
    inv.users
        .iter()
        .map(|u| EntryInput {
            name: u.name.clone(),
            secondary: format!(
                "{} {} {} {}",
                u.path,
                account_label(inv, &u.account),
                tags_text(&u.tags),
                u.groups.join(" ")
            ),
            arn: u.arn.clone(),
            account: u.account.clone(),
            kinds: 0,
            last_used: None,
        })
        .collect()
}

/// The search entries of every group.
#[must_use]
pub fn group_entries(inv: &Inventory) -> Vec<EntryInput> {
    inv.groups
        .iter()
        .map(|g| EntryInput {
            name: g.name.clone(),
            secondary: format!("{} {}", g.path, account_label(inv, &g.account)),
            arn: g.arn.clone(),
            account: g.account.clone(),
            kinds: 0,
            last_used: None,
        })
        .collect()
}

/// A provider's display name: the OIDC URL or the SAML provider's name.
#[must_use]
pub fn provider_name(p: &crate::engine::model::IdentityProvider) -> String {
    match (&p.url, p.provider_type) {
        (Some(url), _) => url.clone(),
        (None, _) => p.arn.rsplit('/').next().unwrap_or(&p.arn).to_owned(),
    }
}

/// The search entries of every identity provider.
#[must_use]
pub fn provider_entries(inv: &Inventory) -> Vec<EntryInput> {
    inv.identity_providers
        .iter()
        .map(|p| EntryInput {
            name: provider_name(p),
            secondary: format!(
                "{} {} {}",
                match p.provider_type {
                    ProviderType::Oidc => "OIDC",
                    ProviderType::Saml => "SAML",
                },
                account_label(inv, &p.account),
                p.client_ids.join(" ")
            ),
            arn: p.arn.clone(),
            account: p.account.clone(),
            kinds: 0,
            last_used: None,
        })
        .collect()
}
