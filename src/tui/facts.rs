//! What the screens show about each role at a glance, computed once at start-up: its
//! kinds with the reason for each (the engine's classification, [`crate::engine::kinds`],
//! the same the `roles` and `show` commands print), its warning flags and the search
//! haystack of its secondary fields. Users, groups and identity providers get their
//! haystacks here too.

use crate::engine::kinds::{Classification, Classifier, Flag, Kind};
use crate::engine::model::{Inventory, ProviderType, Role};
use crate::tui::search::EntryInput;

/// The kinds the role list can filter by, by their engine names; a role's kind mask has
/// bit `i` for `KINDS[i]` (that is, [`Kind::ALL`]`[i]`).
pub const KINDS: [&str; Kind::ALL.len()] = {
    let mut names = [""; Kind::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = Kind::ALL[i].name();
        i += 1;
    }
    names
};

/// One kind of a role and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindFact {
    /// The kind's position in [`KINDS`] and [`Kind::ALL`].
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
    /// Bit `i` set when the role answers to the kind filter `KINDS[i]`: its own kinds, and
    /// `web-identity` for every web-identity kind (GitHub Actions, EKS, …), as `roles --kind`.
    #[must_use]
    pub fn mask(&self) -> u32 {
        let mut m = 0u32;
        for k in self
            .kinds
            .iter()
            .filter_map(|k| Kind::ALL.get(usize::from(k.kind)))
        {
            for (i, wanted) in Kind::ALL.iter().enumerate() {
                if k.answers_to(*wanted) {
                    m |= 1u32 << i;
                }
            }
        }
        m
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

fn kind_number(kind: Kind) -> u8 {
    Kind::ALL
        .iter()
        .position(|k| *k == kind)
        .and_then(|p| u8::try_from(p).ok())
        .unwrap_or(0)
}

/// The facts of every role, in inventory order.
#[must_use]
pub fn all_role_facts(inv: &Inventory) -> Vec<RoleFacts> {
    let classifier = Classifier::new(inv);
    inv.roles
        .iter()
        .map(|r| from_classification(inv, r, classifier.classify(r)))
        .collect()
}

/// The engine's kinds with their reasons; its flags as warnings (MFA required is a
/// condition, not a problem: the "who may assume" reading shows it); and the problems on
/// the permissions side: unreadable inline policies, managed policies not loaded.
fn from_classification(inv: &Inventory, role: &Role, c: Classification) -> RoleFacts {
    let kinds = c
        .kinds
        .into_iter()
        .map(|k| KindFact {
            kind: kind_number(k.kind),
            reason: k.reason,
        })
        .collect();
    let mut warnings: Vec<String> = c
        .flags
        .into_iter()
        .filter(|f| f.flag != Flag::MfaRequired)
        .map(|f| f.reason)
        .collect();
    for p in &role.inline_policies {
        for e in &p.policy.errors {
            warnings.push(format!("{}: {e}", p.name));
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
    RoleFacts { kinds, warnings }
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
