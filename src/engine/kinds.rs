//! What a role *is*: its kinds (service role, cross-account, GitHub Actions, …) inferred from
//! its trust policy, path, name and instance profiles, each with a one-line reason; and the
//! flags an auditor or a teacher wants raised (wildcard principal, cross-account trust without
//! an external ID, MFA required, a principal that is not in the loaded data, …).
//!
//! A role can have several kinds. Kinds describe who the trust policy lets in; whether a
//! given caller actually gets in is the STS simulation's job, not this module's.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::engine::arn::{Arn, is_account_id};
use crate::engine::model::{Inventory, ProviderType, Role};
use crate::engine::policy::document::{Effect, PrincipalKind, Principals, Statement};
use crate::engine::policy::pattern::Wildcard;

/// A kind of role. The web-identity kinds (GitHub Actions, EKS, Cognito, Google and other
/// OIDC providers) together answer to the filter name `web-identity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Trusts one or more AWS service principals.
    ServiceRole,
    /// Created and owned by a service under `/aws-service-role/`; read-only in IAM.
    ServiceLinked,
    /// Trusts `ec2.amazonaws.com` and sits in an instance profile.
    Ec2InstanceProfile,
    /// Trusts users, roles or the root of its own account.
    SameAccount,
    /// Trusts principals or the root of other accounts.
    CrossAccount,
    /// Trusts a SAML identity provider (`sts:AssumeRoleWithSAML`).
    Saml,
    /// Trusts GitHub Actions' OIDC provider.
    GithubActions,
    /// Trusts an EKS cluster's OIDC issuer (IAM roles for service accounts).
    Eks,
    /// Trusts Amazon Cognito identity pools.
    Cognito,
    /// Trusts Google accounts.
    Google,
    /// Trusts another OIDC or web-identity provider.
    WebIdentity,
    /// Trusts IAM Roles Anywhere (X.509 certificates from outside AWS).
    RolesAnywhere,
    /// Created by IAM Identity Center for a permission set (`AWSReservedSSO_*`).
    IdentityCenter,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Self; 13] = [
        Self::ServiceRole,
        Self::ServiceLinked,
        Self::Ec2InstanceProfile,
        Self::SameAccount,
        Self::CrossAccount,
        Self::Saml,
        Self::GithubActions,
        Self::Eks,
        Self::Cognito,
        Self::Google,
        Self::WebIdentity,
        Self::RolesAnywhere,
        Self::IdentityCenter,
    ];

    /// The name used in filters and JSON (`cross-account`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::ServiceRole => "service-role",
            Self::ServiceLinked => "service-linked",
            Self::Ec2InstanceProfile => "ec2-instance-profile",
            Self::SameAccount => "same-account",
            Self::CrossAccount => "cross-account",
            Self::Saml => "saml",
            Self::GithubActions => "github-actions",
            Self::Eks => "eks",
            Self::Cognito => "cognito",
            Self::Google => "google",
            Self::WebIdentity => "web-identity",
            Self::RolesAnywhere => "roles-anywhere",
            Self::IdentityCenter => "identity-center",
        }
    }

    /// True for the kinds assumed with `sts:AssumeRoleWithWebIdentity`.
    #[must_use]
    pub fn is_web_identity(self) -> bool {
        matches!(
            self,
            Self::GithubActions | Self::Eks | Self::Cognito | Self::Google | Self::WebIdentity
        )
    }

    /// True when a `--kind` filter `wanted` selects this kind: its own name, or
    /// `web-identity` (alias `oidc`) for every web-identity kind.
    #[must_use]
    pub fn answers_to(self, wanted: Self) -> bool {
        self == wanted || (wanted == Self::WebIdentity && self.is_web_identity())
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A kind name that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a role kind; use one of: {names}", names = kind_names())]
pub struct UnknownKind(pub String);

fn kind_names() -> String {
    Kind::ALL.map(Kind::name).join(", ")
}

impl FromStr for Kind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        if s == "oidc" || s == "web" {
            return Ok(Self::WebIdentity);
        }
        if s == "service" {
            return Ok(Self::ServiceRole);
        }
        if s == "ec2" {
            return Ok(Self::Ec2InstanceProfile);
        }
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or(UnknownKind(s))
    }
}

/// Something worth pointing out about a role's trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// The trust allows `"*"` (every principal, anonymous included, unless conditions narrow it).
    WildcardPrincipal,
    /// Another account is trusted without an `sts:ExternalId` condition.
    CrossAccountWithoutExternalId,
    /// The trust requires MFA (`aws:MultiFactorAuthPresent` / `aws:MultiFactorAuthAge`).
    MfaRequired,
    /// The trust names a user, role or identity provider that the loaded data does not have
    /// (in an account that is loaded), or a bare unique id left by a deleted principal.
    UnknownPrincipal,
    /// A web-identity trust without a condition on the token's subject or audience: any
    /// workflow, service account or identity pool of that provider can assume the role.
    UnscopedWebIdentity,
    /// In an instance profile but does not trust `ec2.amazonaws.com`: instances cannot use it.
    InstanceProfileWithoutEc2Trust,
    /// The trust policy does not parse (fully); what cannot be read never grants access.
    TrustPolicyProblem,
}

impl Flag {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::WildcardPrincipal => "wildcard-principal",
            Self::CrossAccountWithoutExternalId => "cross-account-without-external-id",
            Self::MfaRequired => "mfa-required",
            Self::UnknownPrincipal => "unknown-principal",
            Self::UnscopedWebIdentity => "unscoped-web-identity",
            Self::InstanceProfileWithoutEc2Trust => "instance-profile-without-ec2-trust",
            Self::TrustPolicyProblem => "trust-policy-problem",
        }
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One kind of a role, with the reason in one line and the principals behind it (service
/// names, account ids, provider ARNs, user and role ARNs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindFinding {
    pub kind: Kind,
    pub reason: String,
    pub principals: Vec<String>,
    /// For cross-account trust: whether every trusted account must pass `sts:ExternalId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id_required: Option<bool>,
}

/// One flag of a role, with the reason in one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlagFinding {
    pub flag: Flag,
    pub reason: String,
}

/// A role's kinds and flags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Classification {
    pub kinds: Vec<KindFinding>,
    pub flags: Vec<FlagFinding>,
}

impl Classification {
    #[must_use]
    pub fn has(&self, kind: Kind) -> bool {
        self.kinds.iter().any(|k| k.kind == kind)
    }

    #[must_use]
    pub fn has_flag(&self, flag: Flag) -> bool {
        self.flags.iter().any(|f| f.flag == flag)
    }

    /// True when some kind answers to the filter `wanted` (see [`Kind::answers_to`]).
    #[must_use]
    pub fn answers_to(&self, wanted: Kind) -> bool {
        self.kinds.iter().any(|k| k.kind.answers_to(wanted))
    }
}

const SERVICE_LINKED_PREFIX: &str = "/aws-service-role/";
const IDENTITY_CENTER_PREFIX: &str = "AWSReservedSSO_";
const ROLES_ANYWHERE: &str = "rolesanywhere.amazonaws.com";
const EC2: &str = "ec2.amazonaws.com";

/// An `Allow` statement's grant, with the parts of the statement kinds and flags look at.
struct Grant<'s> {
    statement: &'s Statement,
    kind: PrincipalKind,
    value: &'s str,
}

fn allows_action(statement: &Statement, action: &str) -> bool {
    let Some(list) = &statement.action else {
        return false;
    };
    let hit = list
        .patterns
        .iter()
        .any(|p| Wildcard::new(p, true).matches(action));
    hit != list.negated
}

fn has_condition_key(statement: &Statement, key: &str) -> bool {
    statement
        .conditions
        .iter()
        .any(|c| c.key.eq_ignore_ascii_case(key))
}

fn condition_values<'s>(statement: &'s Statement, key: &str) -> Vec<&'s str> {
    statement
        .conditions
        .iter()
        .filter(|c| c.key.eq_ignore_ascii_case(key))
        .flat_map(|c| c.values.iter().map(String::as_str))
        .collect()
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
    }
}

/// Classifies `role` against what is loaded. To classify many roles of one inventory, use
/// a [`Classifier`] (or [`classify_all`]): this builds one for a single role.
#[must_use]
pub fn classify(role: &Role, inventory: &Inventory) -> Classification {
    Classifier::new(inventory).classify(role)
}

/// Every role of `inventory`, classified, in inventory order.
#[must_use]
pub fn classify_all(inventory: &Inventory) -> Vec<Classification> {
    let c = Classifier::new(inventory);
    inventory.roles.iter().map(|r| c.classify(r)).collect()
}

/// Classifies the roles of one inventory, with what every classification asks of the whole
/// inventory (which accounts have users or roles loaded) computed once.
pub struct Classifier<'a> {
    inventory: &'a Inventory,
    /// Accounts with at least one user or role in the data.
    populated: HashSet<&'a str>,
}

impl<'a> Classifier<'a> {
    #[must_use]
    pub fn new(inventory: &'a Inventory) -> Self {
        let populated = inventory
            .roles
            .iter()
            .map(|r| r.account.as_str())
            .chain(inventory.users.iter().map(|u| u.account.as_str()))
            .collect();
        Self {
            inventory,
            populated,
        }
    }

    /// Classifies `role` (one of the inventory's, or one shaped like them).
    #[must_use]
    pub fn classify(&self, role: &Role) -> Classification {
        classify_with(role, self)
    }
}

fn classify_with(role: &Role, classifier: &Classifier<'_>) -> Classification {
    let inventory = classifier.inventory;
    let mut out = Classification::default();
    let service_linked = role.path.starts_with(SERVICE_LINKED_PREFIX);
    let identity_center = role.name.starts_with(IDENTITY_CENTER_PREFIX);

    if service_linked {
        let service = role
            .path
            .trim_start_matches(SERVICE_LINKED_PREFIX)
            .trim_end_matches('/');
        out.kinds.push(KindFinding {
            kind: Kind::ServiceLinked,
            reason: format!(
                "path {}: created and owned by {service}; read-only in IAM (only its description can change)",
                role.path
            ),
            principals: vec![service.to_owned()],
            external_id_required: None,
        });
    }
    if identity_center {
        let set = permission_set(&role.name);
        out.kinds.push(KindFinding {
            kind: Kind::IdentityCenter,
            reason: format!(
                "created by IAM Identity Center for permission set {set}; change it there, not in IAM"
            ),
            principals: Vec::new(),
            external_id_required: None,
        });
    }

    let trust = &role.trust_policy;
    if let Some(e) = trust.errors.first() {
        let consequence = if trust.document.is_none() {
            "nobody can assume the role as loaded"
        } else {
            "the unreadable parts grant nothing"
        };
        out.flags.push(FlagFinding {
            flag: Flag::TrustPolicyProblem,
            reason: format!(
                "trust policy problem at {}: {}; {consequence}",
                e.path, e.message
            ),
        });
    }
    let Some(doc) = trust.document.as_deref() else {
        instance_profile_kinds(role, &[], &mut out);
        return out;
    };

    let mut grants: Vec<Grant<'_>> = Vec::new();
    for s in &doc.statements {
        if s.effect != Some(Effect::Allow) || s.not_principal {
            continue;
        }
        match &s.principal {
            Some(Principals::Any) => grants.push(Grant {
                statement: s,
                kind: PrincipalKind::Aws,
                value: "*",
            }),
            Some(Principals::Listed(items)) => {
                for (kind, value) in items {
                    grants.push(Grant {
                        statement: s,
                        kind: *kind,
                        value,
                    });
                }
            }
            None => {}
        }
    }

    // Service principals.
    let services: Vec<String> = dedup(
        grants
            .iter()
            .filter(|g| {
                g.kind == PrincipalKind::Service && allows_action(g.statement, "sts:assumerole")
            })
            .map(|g| g.value.to_owned()),
    );
    instance_profile_kinds(role, &services, &mut out);
    let other_services: Vec<String> = services
        .iter()
        .filter(|s| s.as_str() != ROLES_ANYWHERE)
        .filter(|s| s.as_str() != EC2 || role.instance_profiles.is_empty())
        .cloned()
        .collect();
    if !other_services.is_empty() && !service_linked {
        out.kinds.push(KindFinding {
            kind: Kind::ServiceRole,
            reason: format!("trusts the service {}", list(&other_services)),
            principals: other_services,
            external_id_required: None,
        });
    }
    if services.iter().any(|s| s == ROLES_ANYWHERE) {
        let anchors: Vec<String> = grants
            .iter()
            .filter(|g| g.value == ROLES_ANYWHERE)
            .flat_map(|g| condition_values(g.statement, "aws:SourceArn"))
            .map(str::to_owned)
            .collect();
        let anchors = dedup(anchors.into_iter());
        let reason = if anchors.is_empty() {
            "trusts rolesanywhere.amazonaws.com: workloads outside AWS with an X.509 certificate from any trust anchor in the account".to_owned()
        } else {
            format!(
                "trusts rolesanywhere.amazonaws.com: workloads outside AWS with an X.509 certificate from trust anchor {}",
                list(&anchors)
            )
        };
        out.kinds.push(KindFinding {
            kind: Kind::RolesAnywhere,
            reason,
            principals: anchors,
            external_id_required: None,
        });
    }

    aws_principal_kinds(role, classifier, &grants, &mut out);
    federated_kinds(inventory, &grants, identity_center, &mut out);

    // MFA, in an Allow (MFA must be present) or a Deny (denied without it).
    for s in &doc.statements {
        let keys: Vec<&str> = s
            .conditions
            .iter()
            .filter(|c| {
                c.key.eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
                    || c.key.eq_ignore_ascii_case("aws:MultiFactorAuthAge")
            })
            .map(|c| c.key.as_str())
            .collect();
        if keys.is_empty() || s.effect.is_none() {
            continue;
        }
        let conds: Vec<String> = s
            .conditions
            .iter()
            .filter(|c| keys.contains(&c.key.as_str()))
            .map(|c| format!("{} {}", c.operator, c.key))
            .collect();
        out.flags.push(FlagFinding {
            flag: Flag::MfaRequired,
            reason: format!(
                "trust statement {} requires MFA ({})",
                s.label(),
                conds.join(", ")
            ),
        });
        break;
    }
    out
}

/// The items in first-seen order without repeats; linear in their number (a trust can
/// list tens of thousands of principals).
fn dedup(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut v: Vec<String> = Vec::new();
    for i in items {
        if !seen.contains(&i) {
            seen.insert(i.clone());
            v.push(i);
        }
    }
    v
}

/// `AWSReservedSSO_AdministratorAccess_3f1c2a9b7d6e5f40` → `AdministratorAccess`.
fn permission_set(name: &str) -> &str {
    let rest = name.trim_start_matches(IDENTITY_CENTER_PREFIX);
    match rest.rsplit_once('_') {
        Some((set, suffix)) if suffix.bytes().all(|b| b.is_ascii_hexdigit()) => set,
        _ => rest,
    }
}

fn instance_profile_kinds(role: &Role, services: &[String], out: &mut Classification) {
    if role.instance_profiles.is_empty() {
        return;
    }
    let names: Vec<String> = role
        .instance_profiles
        .iter()
        .map(|p| p.name.clone())
        .collect();
    if services.iter().any(|s| s == EC2) {
        out.kinds.push(KindFinding {
            kind: Kind::Ec2InstanceProfile,
            reason: format!(
                "trusts ec2.amazonaws.com and is in instance profile {}",
                list(&names)
            ),
            principals: names,
            external_id_required: None,
        });
    } else {
        out.flags.push(FlagFinding {
            flag: Flag::InstanceProfileWithoutEc2Trust,
            reason: format!(
                "in instance profile {} but its trust does not allow ec2.amazonaws.com, so instances cannot use it",
                list(&names)
            ),
        });
    }
}

/// What an `AWS` principal value names.
enum AwsPrincipal {
    Anyone,
    Account(String),
    Entity {
        account: String,
        arn: String,
        label: String,
        is_user: bool,
        is_session: bool,
    },
    UniqueId(String),
    Other(String),
}

fn aws_principal(value: &str) -> AwsPrincipal {
    if value == "*" {
        return AwsPrincipal::Anyone;
    }
    if is_account_id(value) {
        return AwsPrincipal::Account(value.to_owned());
    }
    let Ok(arn) = Arn::parse(value) else {
        let looks_like_id = value.len() >= 16
            && (value.starts_with("AROA") || value.starts_with("AIDA"))
            && value.bytes().all(|b| b.is_ascii_alphanumeric());
        return if looks_like_id {
            AwsPrincipal::UniqueId(value.to_owned())
        } else {
            AwsPrincipal::Other(value.to_owned())
        };
    };
    if arn.resource == "root" {
        return AwsPrincipal::Account(arn.account);
    }
    let (is_user, is_session, label) = match arn.resource_type() {
        "user" => (true, false, format!("user {}", arn.resource_name())),
        "role" => (false, false, format!("role {}", arn.resource_name())),
        "assumed-role" => {
            let mut parts = arn.resource.splitn(3, '/');
            let _ = parts.next();
            let role = parts.next().unwrap_or_default();
            let session = parts.next().unwrap_or_default();
            (false, true, format!("session {session} of role {role}"))
        }
        _ => (false, false, arn.resource.clone()),
    };
    AwsPrincipal::Entity {
        account: arn.account.clone(),
        arn: value.to_owned(),
        label,
        is_user,
        is_session,
    }
}

fn aws_principal_kinds(
    role: &Role,
    classifier: &Classifier<'_>,
    grants: &[Grant<'_>],
    out: &mut Classification,
) {
    let mut same: Vec<String> = Vec::new();
    let mut same_principals: Vec<String> = Vec::new();
    // account id -> (labels, all statements guarded by external id)
    let mut cross: BTreeMap<String, (Vec<String>, bool)> = BTreeMap::new();
    for g in grants
        .iter()
        .filter(|g| g.kind == PrincipalKind::Aws && allows_action(g.statement, "sts:assumerole"))
    {
        let guarded = has_condition_key(g.statement, "sts:ExternalId");
        match aws_principal(g.value) {
            AwsPrincipal::Anyone => {
                let narrowing: Vec<String> = g
                    .statement
                    .conditions
                    .iter()
                    .map(|c| format!("{} {}", c.operator, c.key))
                    .collect();
                let reason = if narrowing.is_empty() {
                    "trusts `*` with no condition: any principal in any account, anonymous included".to_owned()
                } else {
                    format!("trusts `*`, narrowed only by {}", narrowing.join(", "))
                };
                out.flags.push(FlagFinding {
                    flag: Flag::WildcardPrincipal,
                    reason,
                });
            }
            AwsPrincipal::Account(id) if id == role.account => {
                same.push(format!(
                    "its own account {id} (any user or role there whose identity policy allows sts:AssumeRole on it)"
                ));
                same_principals.push(format!("arn:aws:iam::{id}:root"));
            }
            AwsPrincipal::Account(id) => {
                let e = cross.entry(id).or_insert_with(|| (Vec::new(), true));
                e.0.push("the account".to_owned());
                e.1 &= guarded;
            }
            AwsPrincipal::Entity {
                account,
                arn,
                label,
                is_user,
                is_session,
            } => {
                if !is_session && !principal_exists(classifier, &account, &arn, is_user) {
                    out.flags.push(FlagFinding {
                        flag: Flag::UnknownPrincipal,
                        reason: format!(
                            "trust names {label} (`{arn}`), which is not in the loaded data for account {account}"
                        ),
                    });
                }
                if account == role.account {
                    same.push(label);
                    same_principals.push(arn);
                } else {
                    let e = cross.entry(account).or_insert_with(|| (Vec::new(), true));
                    e.0.push(label);
                    e.1 &= guarded;
                }
            }
            AwsPrincipal::UniqueId(id) => out.flags.push(FlagFinding {
                flag: Flag::UnknownPrincipal,
                reason: format!(
                    "trust names `{id}`, the unique id IAM leaves when a named user or role is deleted; nobody matches it until the ARN is entered again"
                ),
            }),
            AwsPrincipal::Other(v) => out.flags.push(FlagFinding {
                flag: Flag::UnknownPrincipal,
                reason: format!("trust names `{v}`, which is neither an ARN nor an account id"),
            }),
        }
    }
    if !same.is_empty() {
        out.kinds.push(KindFinding {
            kind: Kind::SameAccount,
            reason: format!("assumable by {}", list(&dedup(same.into_iter()))),
            principals: dedup(same_principals.into_iter()),
            external_id_required: None,
        });
    }
    if !cross.is_empty() {
        let parts: Vec<String> = cross
            .iter()
            .map(|(id, (labels, guarded))| {
                let who = dedup(labels.iter().cloned());
                let who = if who == ["the account"] {
                    format!("account {id}")
                } else {
                    format!("{} in account {id}", list(&who))
                };
                let ext = if *guarded {
                    "external ID required"
                } else if same_organization(classifier.inventory, &role.account, id) {
                    "same organisation, no external ID needed"
                } else {
                    "no external ID"
                };
                format!("{who} ({ext})")
            })
            .collect();
        let all_guarded = cross.values().all(|(_, g)| *g);
        for (id, (_, guarded)) in &cross {
            // An account of the role's own organisation is not a third party: the external ID
            // guards against a deputy acting for another customer, and there is none
            // (IAM User Guide, "Access to AWS accounts owned by third parties").
            if !guarded && !same_organization(classifier.inventory, &role.account, id) {
                out.flags.push(FlagFinding {
                    flag: Flag::CrossAccountWithoutExternalId,
                    reason: format!(
                        "trusts account {id} without an sts:ExternalId condition; if that account belongs to a third party, it can be tricked into acting for someone else (confused deputy)"
                    ),
                });
            }
        }
        out.kinds.push(KindFinding {
            kind: Kind::CrossAccount,
            reason: format!("trusts {}", parts.join("; ")),
            principals: cross.keys().cloned().collect(),
            external_id_required: Some(all_guarded),
        });
    }
}

/// True when both accounts are loaded and belong to the same organisation.
fn same_organization(inventory: &Inventory, a: &str, b: &str) -> bool {
    let org = |id: &str| {
        inventory
            .accounts
            .get(id)
            .and_then(|acc| acc.organization.as_ref())
            .map(|o| o.org_id.as_str())
    };
    org(a).is_some_and(|x| org(b) == Some(x))
}

/// False only when the principal's account is loaded (it has users or roles in the data)
/// and the principal is not there.
fn principal_exists(classifier: &Classifier<'_>, account: &str, arn: &str, is_user: bool) -> bool {
    let inventory = classifier.inventory;
    let loaded = inventory.accounts.contains_key(account) && classifier.populated.contains(account);
    if !loaded {
        return true;
    }
    if is_user {
        inventory.user_by_arn(arn).is_some()
    } else {
        inventory.role_by_arn(arn).is_some()
    }
}

fn federated_kinds(
    inventory: &Inventory,
    grants: &[Grant<'_>],
    identity_center: bool,
    out: &mut Classification,
) {
    let mut seen: Vec<(Kind, String)> = Vec::new();
    for g in grants.iter().filter(|g| g.kind == PrincipalKind::Federated) {
        let value = g.value;
        let provider_arn = Arn::parse(value).ok();
        let resource_type = provider_arn.as_ref().map(Arn::resource_type);
        if resource_type == Some("saml-provider") {
            if !allows_action(g.statement, "sts:assumerolewithsaml") {
                continue;
            }
            let name = provider_arn.as_ref().map_or(value, Arn::resource_name);
            check_provider(inventory, value, ProviderType::Saml, out);
            if identity_center && name.starts_with("AWSSSO_") {
                continue; // Identity Center's own provider: the identity-center kind says it.
            }
            if seen.iter().any(|(k, v)| *k == Kind::Saml && v == value) {
                continue;
            }
            seen.push((Kind::Saml, value.to_owned()));
            out.kinds.push(KindFinding {
                kind: Kind::Saml,
                reason: format!("trusts SAML identity provider {name} (sts:AssumeRoleWithSAML)"),
                principals: vec![value.to_owned()],
                external_id_required: None,
            });
            continue;
        }
        if !allows_action(g.statement, "sts:assumerolewithwebidentity") {
            continue;
        }
        let host = match &provider_arn {
            Some(a) if a.resource_type() == "oidc-provider" => {
                check_provider(inventory, value, ProviderType::Oidc, out);
                a.resource.trim_start_matches("oidc-provider/").to_owned()
            }
            _ => value.to_owned(),
        };
        let sub = condition_values(g.statement, &format!("{host}:sub"));
        let aud = condition_values(g.statement, &format!("{host}:aud"));
        let (kind, reason, scoped) = if host == "token.actions.githubusercontent.com" {
            let r = if sub.is_empty() {
                "trusts GitHub Actions (token.actions.githubusercontent.com) with no condition on the repository".to_owned()
            } else {
                format!("trusts GitHub Actions workflows of {}", sub.join(", "))
            };
            (Kind::GithubActions, r, !sub.is_empty())
        } else if host.starts_with("oidc.eks.") {
            let r = if sub.is_empty() {
                format!(
                    "trusts service accounts of EKS cluster issuer {host} (IRSA), any service account"
                )
            } else {
                format!(
                    "trusts EKS service account {} of cluster issuer {host} (IRSA)",
                    sub.join(", ")
                )
            };
            (Kind::Eks, r, !sub.is_empty())
        } else if host == "cognito-identity.amazonaws.com" {
            let r = if aud.is_empty() {
                "trusts Amazon Cognito identity pools, with no condition on which pool".to_owned()
            } else {
                format!("trusts Amazon Cognito identity pool {}", aud.join(", "))
            };
            (Kind::Cognito, r, !aud.is_empty())
        } else if host == "accounts.google.com" {
            let r = if aud.is_empty() {
                "trusts Google accounts, with no condition on the audience".to_owned()
            } else {
                format!("trusts Google accounts for audience {}", aud.join(", "))
            };
            (Kind::Google, r, !aud.is_empty())
        } else {
            let scoped = !sub.is_empty() || !aud.is_empty();
            (
                Kind::WebIdentity,
                format!("trusts web identity provider {host} (sts:AssumeRoleWithWebIdentity)"),
                scoped,
            )
        };
        if seen.iter().any(|(k, v)| *k == kind && v == value) {
            continue;
        }
        seen.push((kind, value.to_owned()));
        if !scoped {
            out.flags.push(FlagFinding {
                flag: Flag::UnscopedWebIdentity,
                reason: format!(
                    "the trust of {host} has no `{host}:sub` or `{host}:aud` condition: any identity that provider issues can assume the role"
                ),
            });
        }
        out.kinds.push(KindFinding {
            kind,
            reason,
            principals: vec![value.to_owned()],
            external_id_required: None,
        });
    }
}

/// Flags a provider ARN missing from an account whose providers were loaded.
fn check_provider(inventory: &Inventory, arn: &str, t: ProviderType, out: &mut Classification) {
    let Ok(parsed) = Arn::parse(arn) else {
        return;
    };
    let providers_loaded = inventory
        .identity_providers
        .iter()
        .any(|p| p.account == parsed.account);
    if providers_loaded
        && !inventory
            .identity_providers
            .iter()
            .any(|p| p.arn == arn && p.provider_type == t)
    {
        out.flags.push(FlagFinding {
            flag: Flag::UnknownPrincipal,
            reason: format!(
                "trust names identity provider `{arn}`, which account {} does not have in the loaded data",
                parsed.account
            ),
        });
    }
}
