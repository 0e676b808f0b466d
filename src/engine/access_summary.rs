//! What a role or user may actually do, per service and access level, like the IAM console's
//! policy summary — but of the effective permissions: the identity policies intersected with
//! the permissions boundary and every level of SCPs that applies (IAM-RULES §5;
//! [UG:access_policies_boundaries], "Evaluating effective permissions with boundaries").
//!
//! The summary reasons over statements, not one request: an action counts as granted when an
//! `Allow` of each policy type names it (by `Action` or by being outside a `NotAction`) and no
//! `Deny` of that type without conditions names it on every resource. Grants that hold only on
//! some resources or under conditions are counted, and marked as limited with what limits
//! them. Resource-based policies and session policies are not part of a principal's standing
//! permissions and are left to `authorize`. Services are those the identity policies name; the
//! catalogue ([`crate::engine::catalogue`]) says which actions each has and at which level.

use std::borrow::Cow;
use std::rc::Rc;

use serde::Serialize;

use crate::engine::catalogue::{AccessLevel, Catalogue};
use crate::engine::model::{AttachedPolicy, Inventory, PolicyText, Role, User};
use crate::engine::policy::document::{Effect, PolicyDocument, Statement};
use crate::engine::policy::pattern::Wildcard;

/// How much of an access level a principal has in one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Coverage {
    /// Every action of the level.
    Full,
    /// Some of them.
    Partial,
    None,
}

/// One access level of one service.
#[derive(Debug, Clone, Serialize)]
pub struct LevelSummary {
    pub level: AccessLevel,
    pub coverage: Coverage,
    /// Actions of the level granted, and how many the service has.
    pub granted: usize,
    pub total: usize,
    /// Granted only on some resources (the patterns, when they are few) or under conditions.
    pub limited_to: Vec<String>,
    pub conditional: bool,
}

/// One service.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceSummary {
    pub prefix: String,
    pub name: String,
    pub levels: Vec<LevelSummary>,
    /// When the identity policies grant something here but nothing survives: which policy type
    /// takes it away (`permissions boundary`, `service control policies`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_by: Option<&'static str>,
}

impl ServiceSummary {
    /// True when no level has any action granted.
    #[must_use]
    pub fn is_none(&self) -> bool {
        self.levels.iter().all(|l| l.coverage == Coverage::None)
    }
}

/// The summary of a principal's effective permissions.
#[derive(Debug, Clone, Serialize)]
pub struct AccessSummary {
    /// The catalogue's date.
    pub catalogue: String,
    pub services: Vec<ServiceSummary>,
    /// Actions the identity policies name that the catalogue does not know.
    pub unknown_actions: Vec<String>,
}

/// A statement with its action patterns compiled.
struct Stmt<'a> {
    st: &'a Statement,
    actions: Vec<Wildcard>,
    negated: bool,
    /// The service part of each action pattern, lowercase (the whole pattern when it has
    /// no `:`).
    services: Vec<String>,
}

impl Stmt<'_> {
    /// False when no action of the service `prefix` (lowercase) can match: every pattern
    /// names another service without a wildcard in its service part. A `NotAction`
    /// statement may name any service.
    fn may_name_service(&self, prefix: &str) -> bool {
        self.negated
            || self
                .services
                .iter()
                .any(|s| crate::engine::policy::pattern::glob_match(s, prefix))
    }

    fn names(&self, lower_action: &str) -> bool {
        let hit = self.actions.iter().any(|w| w.matches(lower_action));
        hit != self.negated
    }

    /// The statement applies to every resource.
    fn every_resource(&self) -> bool {
        self.st
            .resource
            .as_ref()
            .is_some_and(|r| !r.negated && r.patterns.iter().any(|p| &**p == "*"))
    }
}

/// The statements of one policy type (all identity policies together, the boundary, one SCP
/// level).
struct Layer<'a> {
    /// Shared with the narrowed layers made of this one (see [`Layer::for_service`]).
    allows: Vec<Rc<Stmt<'a>>>,
    denies: Vec<Rc<Stmt<'a>>>,
}

impl<'a> Layer<'a> {
    /// The statements that may name an action of the service `prefix` (lowercase; `None`:
    /// every statement): the others grant and deny none of its actions, so the layer
    /// decides them alike without matching each action against them.
    fn for_service(&self, prefix: Option<&str>) -> Self {
        let keep = |list: &[Rc<Stmt<'a>>]| -> Vec<Rc<Stmt<'a>>> {
            list.iter()
                .filter(|s| prefix.is_none_or(|p| s.may_name_service(p)))
                .cloned()
                .collect()
        };
        Self {
            allows: keep(&self.allows),
            denies: keep(&self.denies),
        }
    }

    fn new(docs: impl IntoIterator<Item = &'a PolicyDocument>) -> Self {
        let mut allows = Vec::new();
        let mut denies = Vec::new();
        for doc in docs {
            for st in &doc.statements {
                let Some(list) = &st.action else { continue };
                let s = Stmt {
                    st,
                    actions: list
                        .patterns
                        .iter()
                        .map(|p| Wildcard::new(p, true))
                        .collect(),
                    negated: list.negated,
                    services: list
                        .patterns
                        .iter()
                        .map(|p| {
                            p.split_once(':')
                                .map_or(&**p, |(s, _)| s)
                                .to_ascii_lowercase()
                        })
                        .collect(),
                };
                match st.effect {
                    Some(Effect::Allow) => allows.push(Rc::new(s)),
                    Some(Effect::Deny) => denies.push(Rc::new(s)),
                    None => {}
                }
            }
        }
        Self { allows, denies }
    }

    /// The grant this layer gives `lower_action`, if any.
    fn grant(&self, lower_action: &str) -> Option<Grant> {
        if self
            .denies
            .iter()
            .any(|d| d.st.conditions.is_empty() && d.every_resource() && d.names(lower_action))
        {
            return None;
        }
        let mut grant: Option<Grant> = None;
        for a in self.allows.iter().filter(|a| a.names(lower_action)) {
            let g = grant.get_or_insert_with(Grant::default);
            if a.st.conditions.is_empty() && a.every_resource() {
                g.everywhere = true;
            } else if !a.st.conditions.is_empty() {
                g.conditional = true;
            }
            if let Some(r) = &a.st.resource
                && !a.every_resource()
            {
                for p in &r.patterns {
                    let text = if r.negated {
                        format!("all but {p}")
                    } else {
                        p.to_string()
                    };
                    if !g.resources.contains(&text) {
                        g.resources.push(text);
                    }
                }
            }
        }
        if let Some(g) = &mut grant
            && g.everywhere
        {
            g.resources.clear();
            g.conditional = false;
        }
        // Denies with conditions or on some resources only limit what is left.
        if let Some(g) = &mut grant
            && self.denies.iter().any(|d| d.names(lower_action))
        {
            g.conditional = true;
            g.everywhere = false;
        }
        grant
    }
}

#[derive(Debug, Default, Clone)]
struct Grant {
    everywhere: bool,
    conditional: bool,
    resources: Vec<String>,
}

impl Grant {
    /// Both grants at once (policy types intersect).
    fn and(mut self, other: &Self) -> Self {
        self.everywhere &= other.everywhere;
        self.conditional |= other.conditional;
        if self.resources.is_empty() {
            self.resources.clone_from(&other.resources);
        }
        self
    }
}

/// The policies of a principal, by type.
struct Sources<'a> {
    identity: Vec<&'a PolicyDocument>,
    boundary: Option<&'a PolicyDocument>,
    scp_levels: Vec<Vec<&'a PolicyDocument>>,
}

fn managed<'a>(inv: &'a Inventory, p: &AttachedPolicy) -> Option<&'a PolicyDocument> {
    inv.managed_policy(&p.arn)?
        .default_version()?
        .policy
        .document
        .as_deref()
}

fn doc(t: &PolicyText) -> Option<&PolicyDocument> {
    t.document.as_deref()
}

fn scp_levels<'a>(inv: &'a Inventory, account: &str) -> Vec<Vec<&'a PolicyDocument>> {
    inv.account(account)
        .and_then(|a| a.organization.as_ref())
        .filter(|o| !o.is_management_account)
        .map(|o| {
            o.scps_by_level
                .iter()
                .map(|l| l.policies.iter().filter_map(doc).collect())
                .collect()
        })
        .unwrap_or_default()
}

/// The summary of a role's effective permissions.
#[must_use]
pub fn for_role(role: &Role, inv: &Inventory, catalogue: &Catalogue) -> AccessSummary {
    let identity = role
        .inline_policies
        .iter()
        .filter_map(|p| doc(&p.policy))
        .chain(role.managed_policies.iter().filter_map(|p| managed(inv, p)))
        .collect();
    summarize(
        &Sources {
            identity,
            boundary: role
                .permissions_boundary
                .as_ref()
                .and_then(|b| managed(inv, b)),
            scp_levels: scp_levels(inv, &role.account),
        },
        catalogue,
    )
}

/// The summary of a user's effective permissions (its own and its groups' policies).
#[must_use]
pub fn for_user(user: &User, inv: &Inventory, catalogue: &Catalogue) -> AccessSummary {
    let groups: Vec<_> = user
        .groups
        .iter()
        .filter_map(|g| inv.group_named(&user.account, g))
        .collect();
    let identity = user
        .inline_policies
        .iter()
        .filter_map(|p| doc(&p.policy))
        .chain(user.managed_policies.iter().filter_map(|p| managed(inv, p)))
        .chain(groups.iter().flat_map(|g| {
            g.inline_policies
                .iter()
                .filter_map(|p| doc(&p.policy))
                .chain(g.managed_policies.iter().filter_map(|p| managed(inv, p)))
        }))
        .collect();
    summarize(
        &Sources {
            identity,
            boundary: user
                .permissions_boundary
                .as_ref()
                .and_then(|b| managed(inv, b)),
            scp_levels: scp_levels(inv, &user.account),
        },
        catalogue,
    )
}

/// More resource patterns than this are summarised as "some resources".
const RESOURCE_LIST_LIMIT: usize = 3;

/// The actions of the service `prefix` (lowercase) that the allow statements of `identity`
/// name, lowercase, when every pattern that may name one is a whole action name: no other
/// action of the service is granted, and only these need matching against the statements.
/// `None` when some statement names the service's actions by a wildcard or `NotAction`.
fn named_actions<'a>(
    identity: &'a Layer<'_>,
    prefix: &str,
) -> Option<crate::engine::graph::FastSet<Cow<'a, str>>> {
    let mut named = crate::engine::graph::FastSet::default();
    for a in &identity.allows {
        if a.negated {
            return None;
        }
        let Some(list) = &a.st.action else { continue };
        for p in &list.patterns {
            let (service, _) = p.split_once(':')?;
            if service.contains(['*', '?']) {
                return None;
            }
            if !service.eq_ignore_ascii_case(prefix) {
                continue;
            }
            if p.contains(['*', '?']) {
                return None;
            }
            named.insert(if p.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(p.to_ascii_lowercase())
            } else {
                Cow::Borrowed(&**p)
            });
        }
    }
    Some(named)
}

fn summarize(src: &Sources<'_>, catalogue: &Catalogue) -> AccessSummary {
    summarize_with(src, catalogue, true)
}

/// [`summarize`]; with `narrow`, each service's actions are matched only against the
/// statements that may name that service (the others cannot change its answer).
fn summarize_with(src: &Sources<'_>, catalogue: &Catalogue, narrow: bool) -> AccessSummary {
    let identity = Layer::new(src.identity.iter().copied());
    let boundary = src.boundary.map(|b| Layer::new([b]));
    let scps: Vec<Layer<'_>> = src
        .scp_levels
        .iter()
        .map(|l| Layer::new(l.iter().copied()))
        .collect();
    // The services the identity policies name (all of them for `*`).
    let mut prefixes: Vec<String> = Vec::new();
    let mut unknown_actions = Vec::new();
    let mut every_service = false;
    for a in &identity.allows {
        if a.negated {
            every_service = true;
            continue;
        }
        let Some(list) = &a.st.action else { continue };
        for p in &list.patterns {
            let service = p.split_once(':').map_or(&**p, |(s, _)| s);
            if service.contains(['*', '?']) {
                every_service = true;
            } else if let Some(s) = catalogue.service(service) {
                if !prefixes.contains(&s.prefix) {
                    prefixes.push(s.prefix.clone());
                }
                if !p.contains(['*', '?']) && catalogue.action(p).is_none() {
                    unknown_actions.push(p.to_string());
                }
            } else {
                unknown_actions.push(p.to_string());
            }
        }
    }
    let services: Vec<_> = if every_service {
        catalogue.services.iter().collect()
    } else {
        prefixes
            .iter()
            .filter_map(|p| catalogue.service(p))
            .collect()
    };
    let mut out = Vec::new();
    for service in services {
        let lower = service.prefix.to_ascii_lowercase();
        let prefix = narrow.then_some(lower.as_str());
        let identity = identity.for_service(prefix);
        let boundary = boundary.as_ref().map(|b| b.for_service(prefix));
        let scps: Vec<Layer<'_>> = scps.iter().map(|l| l.for_service(prefix)).collect();
        let mut levels: Vec<LevelSummary> = AccessLevel::ALL
            .iter()
            .map(|&level| LevelSummary {
                level,
                coverage: Coverage::None,
                granted: 0,
                total: 0,
                limited_to: Vec::new(),
                conditional: false,
            })
            .collect();
        let mut identity_grants = 0usize;
        let mut boundary_removed = 0usize;
        let named = narrow.then(|| named_actions(&identity, &lower)).flatten();
        for action in &service.actions {
            let Some(level) = levels.iter_mut().find(|l| l.level == action.level) else {
                continue;
            };
            level.total += 1;
            let lower = action.lower.as_str();
            if named.as_ref().is_some_and(|n| !n.contains(lower)) {
                continue;
            }
            let Some(mut g) = identity.grant(lower) else {
                continue;
            };
            identity_grants += 1;
            if let Some(b) = &boundary {
                match b.grant(lower) {
                    Some(bg) => g = g.and(&bg),
                    None => {
                        boundary_removed += 1;
                        continue;
                    }
                }
            }
            let mut denied_by_scp = false;
            for s in &scps {
                match s.grant(lower) {
                    Some(sg) => g = g.and(&sg),
                    None => {
                        denied_by_scp = true;
                        break;
                    }
                }
            }
            if denied_by_scp {
                continue;
            }
            level.granted += 1;
            level.conditional |= g.conditional;
            if !g.everywhere {
                for r in g.resources {
                    if !level.limited_to.contains(&r) {
                        level.limited_to.push(r);
                    }
                }
            }
        }
        for l in &mut levels {
            l.coverage = match l.granted {
                0 => Coverage::None,
                n if n == l.total => Coverage::Full,
                _ => Coverage::Partial,
            };
            if l.limited_to.len() > RESOURCE_LIST_LIMIT {
                let n = l.limited_to.len();
                l.limited_to = vec![format!("{n} resource patterns")];
            }
        }
        let granted: usize = levels.iter().map(|l| l.granted).sum();
        // A service named only by a wide wildcard with nothing granted says nothing.
        if granted == 0 && identity_grants == 0 {
            continue;
        }
        let removed_by = (granted == 0).then_some(if boundary_removed == identity_grants {
            "permissions boundary"
        } else {
            "service control policies"
        });
        out.push(ServiceSummary {
            prefix: service.prefix.clone(),
            name: service.name.clone(),
            levels,
            removed_by,
        });
    }
    AccessSummary {
        catalogue: catalogue.source.date.clone(),
        services: out,
        unknown_actions,
    }
}

/// `List: full · Read: partial (12 of 60) · Write: none`, conditions and resource limits
/// included, or why there is nothing.
#[must_use]
pub fn describe(s: &ServiceSummary) -> String {
    if let Some(by) = s.removed_by {
        let verb = if by.ends_with('s') { "allow" } else { "allows" };
        return format!("none: the identity policies grant it, but the {by} {verb} none of it");
    }
    let parts: Vec<String> = s
        .levels
        .iter()
        .filter(|l| l.total > 0)
        .map(|l| {
            let mut t = format!("{}: ", l.level);
            match l.coverage {
                Coverage::Full => t.push_str("full"),
                Coverage::None => t.push_str("none"),
                Coverage::Partial => t.push_str(&format!("partial ({} of {})", l.granted, l.total)),
            }
            if l.coverage != Coverage::None {
                if !l.limited_to.is_empty() {
                    t.push_str(&format!(" on {}", l.limited_to.join(", ")));
                }
                if l.conditional {
                    t.push_str(", with conditions");
                }
            }
            t
        })
        .collect();
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::catalogue;

    /// Matching a service's actions only against the statements that may name it gives the
    /// summary that matching them against every statement gives, for every principal of the
    /// demo (boundaries, SCPs, `NotAction`, wildcards in service names).
    #[test]
    fn a_summary_narrowed_per_service_is_the_whole_one_demo() {
        let inv = crate::engine::load::load_demo().unwrap();
        let cat = catalogue::get();
        let json = |s: &AccessSummary| serde_json::to_string(s).unwrap();
        let mut services = 0;
        for role in &inv.roles {
            let identity = role
                .inline_policies
                .iter()
                .filter_map(|p| doc(&p.policy))
                .chain(
                    role.managed_policies
                        .iter()
                        .filter_map(|p| managed(&inv, p)),
                )
                .collect();
            let src = Sources {
                identity,
                boundary: role
                    .permissions_boundary
                    .as_ref()
                    .and_then(|b| managed(&inv, b)),
                scp_levels: scp_levels(&inv, &role.account),
            };
            let narrow = summarize_with(&src, cat, true);
            assert_eq!(
                json(&narrow),
                json(&summarize_with(&src, cat, false)),
                "{}",
                role.arn
            );
            services += narrow.services.len();
        }
        assert!(services > 100, "{services} services summarised");
    }

    fn demo_role(name: &str) -> (Inventory, usize) {
        let inv = crate::engine::load::load_demo().unwrap();
        let i = inv.roles.iter().position(|r| r.name == name).unwrap();
        (inv, i)
    }

    /// [UG:access_policies_boundaries]: the effective permissions are the intersection of the
    /// identity policies and the boundary; DynamoDB granted by the role's policy but not by
    /// its boundary is not something the role may do.
    #[test]
    fn access_policies_boundaries_a_boundary_takes_away_what_it_does_not_allow() {
        let (inv, i) = demo_role("storefront-builder");
        let s = for_role(&inv.roles[i], &inv, catalogue::get());
        let ddb = s.services.iter().find(|s| s.prefix == "dynamodb").unwrap();
        assert!(ddb.is_none(), "{ddb:?}");
        assert_eq!(ddb.removed_by, Some("permissions boundary"));
        let s3 = s.services.iter().find(|s| s.prefix == "s3").unwrap();
        let read = s3
            .levels
            .iter()
            .find(|l| l.level == AccessLevel::Read)
            .unwrap();
        assert_ne!(read.coverage, Coverage::None, "{s3:?}");
        let write = s3
            .levels
            .iter()
            .find(|l| l.level == AccessLevel::Write)
            .unwrap();
        assert_eq!(write.coverage, Coverage::Partial);
        assert_eq!(
            write.limited_to,
            vec!["arn:aws:s3:::acme-dev-storefront-builds/*"]
        );
        // Nothing grants S3 permissions management.
        let pm = s3
            .levels
            .iter()
            .find(|l| l.level == AccessLevel::PermissionsManagement)
            .unwrap();
        assert_eq!(pm.coverage, Coverage::None, "{pm:?}");
        assert!(describe(ddb).contains("permissions boundary"));
    }

    #[test]
    fn without_a_boundary_the_identity_grant_stands() {
        let (mut inv, i) = demo_role("storefront-builder");
        inv.roles[i].permissions_boundary = None;
        let s = for_role(&inv.roles[i], &inv, catalogue::get());
        let ddb = s.services.iter().find(|s| s.prefix == "dynamodb").unwrap();
        assert!(!ddb.is_none());
        assert!(
            ddb.levels
                .iter()
                .all(|l| l.total == 0 || l.coverage == Coverage::Full)
        );
    }
}

/// The most powerful access level a summary grants in any service (Permissions management,
/// then Write, Tagging, Read, List), with whether it is granted in full somewhere: what a
/// who-can-assume or reach row shows for the role reached. `None` when nothing is granted.
#[must_use]
pub fn top_level(summary: &AccessSummary) -> Option<(AccessLevel, Coverage)> {
    const POWER: [AccessLevel; 5] = [
        AccessLevel::PermissionsManagement,
        AccessLevel::Write,
        AccessLevel::Tagging,
        AccessLevel::Read,
        AccessLevel::List,
    ];
    POWER.into_iter().find_map(|level| {
        let granted: Vec<Coverage> = summary
            .services
            .iter()
            .flat_map(|s| s.levels.iter())
            .filter(|l| l.level == level && l.coverage != Coverage::None)
            .map(|l| l.coverage)
            .collect();
        if granted.is_empty() {
            None
        } else if granted.contains(&Coverage::Full) {
            Some((level, Coverage::Full))
        } else {
            Some((level, Coverage::Partial))
        }
    })
}

/// What a who-can-assume or reach row shows for the role reached: the most powerful access
/// level its effective permissions grant ([`top_level`]) and a short phrase for people —
/// `full admin` when every action of every service is granted (`full admin, with
/// conditions` when some only under conditions, such as an SCP's region guardrail), else the
/// level and the services that have it, IAM first (`Permissions management on iam`,
/// `Write on s3, dynamodb (partial)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleAccess {
    pub level: AccessLevel,
    pub coverage: Coverage,
    pub summary: String,
}

/// More services than this at the top level are counted (`on iam, s3, ec2 and 4 more`).
const SERVICE_LIST_LIMIT: usize = 3;

/// At most this many actions withheld from a role granted everything still make it
/// `full admin except N actions`.
const ADMIN_EXCEPTIONS: usize = 50;

/// `iam, s3, ec2 and 4 more`.
fn list_some(items: &[&str]) -> String {
    if items.len() > SERVICE_LIST_LIMIT {
        format!(
            "{} and {} more",
            items[..SERVICE_LIST_LIMIT].join(", "),
            items.len() - SERVICE_LIST_LIMIT
        )
    } else {
        items.join(", ")
    }
}

impl RoleAccess {
    /// The access of a summary; `None` when it grants nothing.
    #[must_use]
    pub fn of(summary: &AccessSummary, catalogue: &Catalogue) -> Option<Self> {
        let (level, coverage) = top_level(summary)?;
        let levels = || {
            summary
                .services
                .iter()
                .flat_map(|s| s.levels.iter())
                .filter(|l| l.total > 0)
        };
        // Every service the catalogue knows, every level granted, all but a handful of
        // actions (an SCP's guardrail against leaving the organisation or stopping logging).
        let everything = !catalogue.services.is_empty()
            && summary.services.len() == catalogue.services.len()
            && levels().all(|l| l.coverage != Coverage::None);
        let withheld: usize = levels().map(|l| l.total - l.granted).sum();
        let summary = if everything && withheld <= ADMIN_EXCEPTIONS {
            let mut text = "full admin".to_owned();
            if withheld > 0 {
                let services: Vec<&str> = summary
                    .services
                    .iter()
                    .filter(|s| s.levels.iter().any(|l| l.granted < l.total))
                    .map(|s| s.prefix.as_str())
                    .collect();
                let actions = if withheld == 1 { "action" } else { "actions" };
                text.push_str(&format!(
                    " except {withheld} {actions} in {}",
                    list_some(&services)
                ));
            }
            if levels().any(|l| !l.limited_to.is_empty()) {
                text.push_str(", on some resources");
            }
            if levels().any(|l| l.conditional) {
                text.push_str(", with conditions");
            }
            text
        } else {
            // IAM first: permissions management there is what lets a role grant itself more.
            let mut services: Vec<&str> = summary
                .services
                .iter()
                .filter(|s| {
                    s.levels
                        .iter()
                        .any(|l| l.level == level && l.coverage != Coverage::None)
                })
                .map(|s| s.prefix.as_str())
                .collect();
            services.sort_by_key(|p| *p != "iam");
            let mut text = format!("{level} on {}", list_some(&services));
            if coverage == Coverage::Partial {
                text.push_str(" (partial)");
            }
            text
        };
        Some(Self {
            level,
            coverage,
            summary,
        })
    }
}

impl std::fmt::Display for RoleAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary)
    }
}

/// The access of each role of an inventory ([`RoleAccess`]), summarised on first use and
/// kept: a list of 20,000 rows summarises each role it shows once, and a list shown a
/// window at a time summarises only the roles of the rows drawn.
#[derive(Debug)]
pub struct RoleAccessLevels {
    inventory: std::sync::Arc<Inventory>,
    levels: Vec<std::sync::OnceLock<Option<RoleAccess>>>,
    /// The access of roles with the very same documents (by address), account and
    /// boundary: summarised once (a reach through a dense organisation lists tens of
    /// thousands of roles holding a few policy sets).
    by_sources: std::sync::Mutex<std::collections::HashMap<SourcesKey, Option<RoleAccess>>>,
}

/// What a role's summary is made of: its account (its SCPs), its identity documents in
/// order and its boundary, each by the address of the parsed document (0: not loaded).
type SourcesKey = (String, Vec<usize>, Option<usize>);

fn doc_address(d: Option<&PolicyDocument>) -> usize {
    d.map_or(0, |d| std::ptr::from_ref(d) as usize)
}

impl RoleAccessLevels {
    /// Levels for the roles of `inventory` (none summarised yet).
    #[must_use]
    pub fn new(inventory: std::sync::Arc<Inventory>) -> Self {
        let levels = inventory
            .roles
            .iter()
            .map(|_| std::sync::OnceLock::new())
            .collect();
        Self {
            inventory,
            levels,
            by_sources: std::sync::Mutex::default(),
        }
    }

    /// The access of the role with this ARN, or `None` when the role is not in the data or
    /// may do nothing.
    #[must_use]
    pub fn of(&self, role_arn: &str, catalogue: &Catalogue) -> Option<&RoleAccess> {
        let i = *self.inventory.index.role_by_arn.get(role_arn)?;
        self.levels
            .get(i)?
            .get_or_init(|| {
                let inv = &self.inventory;
                let role = &inv.roles[i];
                let key: SourcesKey = (
                    role.account.clone(),
                    role.inline_policies
                        .iter()
                        .map(|p| doc_address(doc(&p.policy)))
                        .chain(
                            role.managed_policies
                                .iter()
                                .map(|p| doc_address(managed(inv, p))),
                        )
                        .collect(),
                    role.permissions_boundary
                        .as_ref()
                        .map(|b| doc_address(managed(inv, b))),
                );
                let known = self
                    .by_sources
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .get(&key)
                    .cloned();
                known.unwrap_or_else(|| {
                    let access = RoleAccess::of(&for_role(role, inv, catalogue), catalogue);
                    self.by_sources
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(key, access.clone());
                    access
                })
            })
            .as_ref()
    }

    /// How many roles have been summarised so far.
    #[must_use]
    pub fn computed(&self) -> usize {
        self.levels.iter().filter(|l| l.get().is_some()).count()
    }
}
