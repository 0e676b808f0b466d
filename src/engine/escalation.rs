//! Privilege escalation beyond `sts:AssumeRole`: who is an administrator, and which other
//! ways one principal has to gain another's permissions (or more of its own).
//!
//! An **administrator** is a user or role allowed `*` on `*` after every layer (identity
//! policies, boundary, SCPs), and every action a `Deny` or `NotAction` of the loaded policies
//! names (so `NotAction: iam:*` or a `Deny` on `iam:*` is not an administrator).
//!
//! An **escalation edge** A → B says A can act as B by a [`Technique`] other than assuming
//! it: pass B to a service that runs A's code as B, make credentials for user B, rewrite B's
//! trust to let A in. A self-escalation (attach or write a policy, edit a policy version,
//! join a group, remove one's boundary) is an edge A → A that makes A an administrator. Each
//! edge carries the statements that allow every action it needs, what the request needs
//! (MFA, the service's trust conditions, an instance profile), and a status in the trust
//! graph's terms ([`EdgeStatus`]): works, broken (an identity statement allows the first
//! action, but a deny, a boundary or an SCP refuses one of them, or the change would not make
//! the caller an administrator) or unknown (the answer turns on data that is not loaded).
//!
//! Every decision is the policy evaluator's ([`decide`]). Edges are not drawn out of
//! administrators (they can do anything; PMapper likewise), nor between accounts (IAM
//! actions act on the caller's own account, and `iam:PassRole` passes only roles of it), nor
//! into service-linked roles (their trust cannot be changed and they cannot be passed).
//!
//! [`Escalations::compute`] decides every user and role of the loaded accounts (for
//! `rolescope admins`, which lists them all); [`LazyEscalations`] decides a principal when a
//! walk meets it and keeps it, with the same code (reach, path, who can reach). Both answer
//! walks through [`EscalationSource`]. Which techniques a principal's loaded identity
//! statements may allow at all is read off each document once (a bit per technique action),
//! so most principals — those allowing none — are passed over without asking the evaluator.
//!
//! - [`technique`]: the techniques, what each needs, and their sources.
//! - [`decide`]: the requests, and administrators.
//! - [`render`]: escalation edges drawn over a picture of the trust graph.
//! - [`walk`]: paths that mix assume-role hops and escalation edges: reach, who can reach,
//!   paths, and who can become an administrator.

mod class;
pub mod decide;
mod lazy;
pub mod render;
pub mod technique;
pub mod walk;

use crate::engine::graph::{FastMap as HashMap, FastSet as HashSet};
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::engine::coverage::Missing;
use crate::engine::graph::{EdgeStatus, NodeId, NodeKind, TrustGraph};
use crate::engine::model::ManagedPolicy;
use crate::engine::policy::decision::{Outcome, PolicyType};
use crate::engine::policy::evaluate::NamedPolicy;
use crate::engine::policy::pattern::glob_match;
pub use decide::{Change, Checker};
pub use lazy::{EscalationSource, LazyEscalations};
pub use technique::{Family, Technique};
pub use walk::{AdminRow, Step, StepPath};

/// One action an edge needs, and what the evaluator said of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionGrant {
    pub action: String,
    pub resource: String,
    /// The service in `iam:PassedToService`, for `iam:PassRole`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passed_to_service: Option<String>,
    /// The identity statement that allows it (`policy` statement `Sid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    pub outcome: Outcome,
    /// True when it is allowed only with MFA.
    pub mfa: bool,
}

/// Whether a principal is an administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum AdminStatus {
    Yes {
        /// Only with MFA.
        mfa: bool,
    },
    No {
        #[serde(skip_serializing_if = "Option::is_none")]
        refused_by: Option<PolicyType>,
        message: String,
    },
    Unknown {
        missing: Vec<Arc<Missing>>,
        message: String,
    },
}

impl AdminStatus {
    #[must_use]
    pub fn is_admin(&self) -> bool {
        matches!(self, Self::Yes { .. })
    }
}

/// One escalation edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EscalationEdge {
    pub from: NodeId,
    /// The principal gained; `from` itself for a self-escalation.
    pub to: NodeId,
    pub technique: Technique,
    /// What the technique acts on besides the principals: the group, the managed policy (and
    /// version), or the instance profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Every action it needs, with the statement that allows it.
    pub grants: Vec<ActionGrant>,
    /// What else must hold: `MFA`, the service trust's conditions, an instance, a password.
    pub requirements: Vec<String>,
    pub status: EdgeStatus,
}

impl EscalationEdge {
    #[must_use]
    pub fn works(&self) -> bool {
        self.status == EdgeStatus::Works
    }

    /// True for a self-escalation (the caller becomes an administrator).
    #[must_use]
    pub fn is_self(&self) -> bool {
        self.technique.is_self()
    }

    /// Badges for listings: the technique, then requirements and status.
    #[must_use]
    pub fn badges(&self) -> Vec<String> {
        let mut out = vec![self.technique.name().to_owned()];
        out.extend(self.requirements.iter().cloned());
        match &self.status {
            EdgeStatus::Works => {}
            EdgeStatus::Broken { refused_by, .. } => out.push(match refused_by {
                Some(p) => format!("broken: {}", p.phrase()),
                None => "broken".to_owned(),
            }),
            EdgeStatus::Unknown { missing, .. } => {
                let names: Vec<&str> = missing.iter().map(|m| m.name.as_str()).collect();
                out.push(format!("unknown: {} not loaded", names.join(", ")));
            }
        }
        out
    }

    /// The statements that allow its actions, `action: statement`.
    #[must_use]
    pub fn statements(&self) -> Vec<String> {
        self.grants
            .iter()
            .filter_map(|g| g.statement.as_ref().map(|s| format!("{}: {s}", g.action)))
            .collect()
    }
}

/// A principal whose own policies are not all loaded: any of them might allow any technique.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownCaller {
    pub node: NodeId,
    pub missing: Vec<Arc<Missing>>,
}

/// Every administrator and escalation edge of the loaded accounts.
#[derive(Debug, Clone, Default)]
pub struct Escalations {
    /// Each user and role of the loaded accounts, with whether it is an administrator.
    pub admins: Vec<(NodeId, AdminStatus)>,
    pub edges: Vec<Arc<EscalationEdge>>,
    pub unknown_callers: Vec<UnknownCaller>,
    out: HashMap<NodeId, Vec<usize>>,
    into: HashMap<NodeId, Vec<usize>>,
    admin_of: HashMap<NodeId, usize>,
}

/// One document's `Allow` statements' action lists, lowercase (`true`: a `NotAction` list).
type DocLists = Arc<[(bool, Vec<String>)]>;

/// The same statements' resource lists, lowercase (`true`: a `NotResource` list; `None`:
/// no `Resource` element, which in an identity policy matches nothing).
type DocResources = Arc<[Option<(bool, Vec<String>)>]>;

/// Every action a technique may need (lowercase), in a fixed order: bit `i` of an
/// [`ActionMask`] stands for the `i`-th.
fn technique_actions() -> &'static [String] {
    static ACTIONS: OnceLock<Vec<String>> = OnceLock::new();
    ACTIONS.get_or_init(|| {
        let mut out: Vec<String> = Vec::new();
        let extra = [
            "iam:CreateInstanceProfile",
            "iam:AddRoleToInstanceProfile",
            "iam:DeletePolicyVersion",
        ];
        let needs = technique::ALL
            .iter()
            .flat_map(|t| t.needs())
            .map(|n| n.action)
            .chain(extra);
        for a in needs {
            let a = a.to_ascii_lowercase();
            if !out.contains(&a) {
                out.push(a);
            }
        }
        out
    })
}

/// Which of [`technique_actions`] some list allows (the first 64; the others are looked up
/// in the lists each time).
type ActionMask = u64;

/// The bit of `action` (in any case) among the first 64 [`technique_actions`]: `None` for
/// another action (a walk asks for the techniques' own hundreds of thousands of times; see
/// [`literal_bit`], which copies nothing).
fn action_bit_any(action: &str) -> Option<ActionMask> {
    Some(literal_bit(action)).filter(|&bit| bit != 0)
}

/// The bits of every action technique `t` needs; `None` when one has no bit.
fn needs_mask(t: Technique) -> Option<ActionMask> {
    static MASKS: OnceLock<Vec<(Technique, Option<ActionMask>)>> = OnceLock::new();
    MASKS
        .get_or_init(|| {
            technique::ALL
                .iter()
                .map(|&t| {
                    let m = t
                        .needs()
                        .iter()
                        .try_fold(0, |m, n| Some(m | action_bit_any(n.action)?));
                    (t, m)
                })
                .collect()
        })
        .iter()
        .find(|(x, _)| *x == t)
        .and_then(|&(_, m)| m)
}

/// The bits of [`technique_actions`] one lowercase action pattern matches.
fn pattern_mask(p: &str) -> ActionMask {
    let mut mask = 0;
    for (i, a) in technique_actions().iter().take(64).enumerate() {
        let service = a.split_once(':').map_or(a.as_str(), |(s, _)| s);
        // A pattern naming another service without a wildcard cannot match.
        let hit = match p.split_once(':') {
            Some((ps, _)) if !ps.contains(['*', '?']) && ps != service => false,
            _ => glob_match(p, a),
        };
        if hit {
            mask |= 1 << i;
        }
    }
    mask
}

/// Each wildcard action pattern's [`pattern_mask`], worked out once: the same patterns recur
/// across thousands of documents. (A document's lists are lowercase; a glance looks patterns
/// up as written, so as not to lowercase them each time; see [`list_mask`].) A pattern
/// without a wildcard is not kept: it is looked up among the technique actions
/// ([`literal_bit`]).
type PatternMasks = HashMap<String, ActionMask>;

/// The bit of the technique action an action pattern without a wildcard names, in any case
/// (what [`pattern_mask`] gives it: without a wildcard, a pattern matches the one action it
/// spells), without copying it.
fn literal_bit(p: &str) -> ActionMask {
    static BITS: OnceLock<HashMap<&'static str, ActionMask>> = OnceLock::new();
    let bits = BITS.get_or_init(|| {
        technique_actions()
            .iter()
            .take(64)
            .enumerate()
            .map(|(i, a)| (a.as_str(), 1 << i))
            .collect()
    });
    // Every technique action is short ASCII: a longer or non-ASCII pattern names none.
    let mut buf = [0u8; 80];
    let Some(lower) = buf.get_mut(..p.len()).filter(|_| p.is_ascii()) else {
        return 0;
    };
    lower.copy_from_slice(p.as_bytes());
    lower.make_ascii_lowercase();
    std::str::from_utf8(lower)
        .ok()
        .and_then(|l| bits.get(l))
        .copied()
        .unwrap_or(0)
}

/// The bits of [`technique_actions`] one action pattern (as written) matches: none for a
/// pattern naming another service, [`literal_bit`] without a wildcard, else [`pattern_mask`]
/// (kept in `masks`).
fn pattern_bits(p: &str, masks: &mut PatternMasks) -> ActionMask {
    if !may_name_technique_service(p) {
        return 0;
    }
    if !p.contains(['*', '?']) {
        return literal_bit(p);
    }
    match masks.get(p) {
        Some(&m) => m,
        None => *masks
            .entry(p.to_owned())
            .or_insert_with(|| pattern_mask(&p.to_ascii_lowercase())),
    }
}

/// Every bit of [`technique_actions`].
fn every_action() -> ActionMask {
    match technique_actions().len() {
        n if n >= 64 => !0,
        n => (1 << n) - 1,
    }
}

/// The bits of [`technique_actions`] one document's `Allow` lists allow (`NotAction` lists
/// negated), as [`AllowLists::may_allow`] would answer for each.
fn doc_mask(lists: &[(bool, Vec<String>)], masks: &mut PatternMasks) -> ActionMask {
    lists.iter().fold(0, |mask, (negated, pats)| {
        mask | list_mask(*negated, pats.iter().map(String::as_str), masks)
    })
}

/// The bits of [`technique_actions`] one action list allows: what its patterns match, or
/// for a `NotAction` list (`negated`) the others. Each pattern's mask is looked up as the
/// pattern is written, and worked out (lowercased) the first time.
fn list_mask<'p>(
    negated: bool,
    pats: impl Iterator<Item = &'p str>,
    masks: &mut PatternMasks,
) -> ActionMask {
    let mut hit: ActionMask = 0;
    for p in pats {
        hit |= pattern_bits(p, masks);
    }
    if negated { every_action() & !hit } else { hit }
}

/// The action patterns a principal's loaded identity statements allow (`NotAction` lists
/// negated): a cheap superset test before asking the evaluator.
struct AllowLists {
    /// Per identity document of the principal: its `Allow` statements' action lists.
    lists: Vec<DocLists>,
    /// And their resource lists, statement for statement.
    resources: Vec<DocResources>,
    /// The technique actions some list allows (the answer of [`AllowLists::may_allow`] for
    /// each, worked out once per document).
    mask: ActionMask,
    /// False when some of the principal's own policies are not loaded.
    complete: bool,
}

impl AllowLists {
    fn may_allow(&self, action: &str) -> bool {
        if let Some(bit) = action_bit_any(action) {
            return self.mask & bit != 0;
        }
        let a = action.to_ascii_lowercase();
        self.lists
            .iter()
            .flat_map(|l| l.iter())
            .any(|(negated, pats)| {
                let hit = pats.iter().any(|p| glob_match(p, &a));
                hit != *negated
            })
    }

    /// Whether some `Allow` statement may allow `action` on `resource` (its `Action` and
    /// `Resource` elements alone; a policy variable or a `NotResource` list may match
    /// anything): a superset of what the identity policies allow, which evaluation narrows.
    fn may_allow_on(&self, action: &str, resource: &str) -> bool {
        let a = action.to_ascii_lowercase();
        let r = resource.to_ascii_lowercase();
        self.lists
            .iter()
            .zip(&self.resources)
            .flat_map(|(l, res)| l.iter().zip(res.iter()))
            .any(|((negated, pats), res)| {
                let hit = pats.iter().any(|p| glob_match(p, &a));
                hit != *negated
                    && res.as_ref().is_some_and(|(not, pats)| {
                        *not || pats.iter().any(|p| p.contains("${") || glob_match(p, &r))
                    })
            })
    }

    /// True when every action of `t` may be allowed.
    fn may_use(&self, t: Technique) -> bool {
        t.needs().iter().all(|n| self.may_allow(n.action))
    }

    /// True when no technique's action is allowed: the principal has no escalation edge.
    fn no_technique(&self) -> bool {
        self.mask == 0 && technique_actions().len() <= 64
    }
}

/// Each shared identity document's `Allow` action lists (a managed policy's, a group's),
/// lowercased once per document (by address) however many principals hold it, with the
/// technique actions they allow. A user's or role's own inline document is read for it alone.
#[derive(Default)]
struct ListCache {
    docs: HashMap<usize, (DocLists, DocResources, ActionMask)>,
    patterns: PatternMasks,
}

/// Every identity document of a loaded user or role (inline, managed, its groups'), each
/// handed to `add` with whether other principals may hold it too (all but the user's or
/// role's own inline policies); false when some of its own policies are not loaded.
fn for_each_policy(
    g: &TrustGraph,
    id: NodeId,
    add: &mut dyn FnMut(&crate::engine::model::PolicyText, bool),
) -> bool {
    let inv = g.inventory();
    let node = g.node(id);
    let mut complete = true;
    let mut managed =
        |arn: &str, add: &mut dyn FnMut(&crate::engine::model::PolicyText, bool)| match inv
            .managed_policy(arn)
            .and_then(ManagedPolicy::default_version)
        {
            Some(v) => add(&v.policy, true),
            None => complete = false,
        };
    let mut whole = true;
    match node.kind {
        NodeKind::User => {
            if let Some(u) = g.user(id) {
                u.inline_policies.iter().for_each(|p| add(&p.policy, false));
                for m in &u.managed_policies {
                    managed(&m.arn, add);
                }
                if u.permissions_boundary
                    .as_ref()
                    .is_some_and(|b| inv.managed_policy(&b.arn).is_none())
                {
                    whole = false;
                }
                for g in &u.groups {
                    let Some(g) = inv.group_named(&u.account, g) else {
                        whole = false;
                        continue;
                    };
                    g.inline_policies.iter().for_each(|p| add(&p.policy, true));
                    for m in &g.managed_policies {
                        managed(&m.arn, add);
                    }
                }
            }
        }
        NodeKind::Role => {
            if let Some(r) = g.role(id) {
                if !r.policies_loaded
                    || r.permissions_boundary
                        .as_ref()
                        .is_some_and(|b| inv.managed_policy(&b.arn).is_none())
                {
                    whole = false;
                }
                r.inline_policies.iter().for_each(|p| add(&p.policy, false));
                for m in &r.managed_policies {
                    managed(&m.arn, add);
                }
            }
        }
        _ => {}
    }
    whole && complete
}

fn allow_lists(g: &TrustGraph, node: NodeId, cache: &mut ListCache) -> AllowLists {
    let mut lists = Vec::new();
    let mut resources = Vec::new();
    let mut mask = 0;
    let complete = for_each_policy(g, node, &mut |t, shared| {
        if let Some(doc) = t.document.as_ref() {
            let ListCache { docs, patterns } = &mut *cache;
            let read = |patterns: &mut PatternMasks| {
                let allows: Vec<_> = doc
                    .statements
                    .iter()
                    .filter(|st| st.effect == Some(crate::engine::policy::document::Effect::Allow))
                    .filter_map(|st| st.action.as_ref().map(|a| (a, st.resource.as_ref())))
                    .collect();
                let lower = |l: &crate::engine::policy::document::PatternList| {
                    (
                        l.negated,
                        l.patterns
                            .iter()
                            .map(|p| p.to_ascii_lowercase())
                            .collect::<Vec<String>>(),
                    )
                };
                let lists: DocLists = allows.iter().map(|(a, _)| lower(a)).collect();
                let res: DocResources = allows.iter().map(|(_, r)| r.map(&lower)).collect();
                let bits = doc_mask(&lists, patterns);
                (lists, res, bits)
            };
            let (of_doc, res, doc_bits) = if shared {
                docs.entry(Arc::as_ptr(doc) as usize)
                    .or_insert_with(|| read(patterns))
                    .clone()
            } else {
                read(patterns)
            };
            lists.push(of_doc);
            resources.push(res);
            mask |= doc_bits;
        }
    });
    AllowLists {
        lists,
        resources,
        mask,
        complete,
    }
}

/// Not an administrator: no statement allows the literal `*` (see [`Builder::admin_of`]).
fn no_star() -> AdminStatus {
    AdminStatus::No {
        refused_by: Some(PolicyType::IdentityBasedPolicy),
        message: "no identity statement allows `*`".to_owned(),
    }
}

/// What a user's or role's loaded `Allow` statements say of escalation at a glance: the
/// technique actions they may allow ([`technique_mask`]), whether one may allow the literal
/// `*` (as [`AllowLists::may_allow`] answers for it), and whether its own policies are all
/// loaded — each document read once, without the lists [`allow_lists`] keeps.
#[derive(Debug, Clone, Copy)]
struct Glance {
    mask: ActionMask,
    star: bool,
    complete: bool,
}

/// Each principal's glance, and per shared document (by address; see [`for_each_policy`]) its
/// technique actions and whether it may allow `*`.
#[derive(Default)]
struct GlanceCache {
    by_node: HashMap<NodeId, Glance>,
    by_doc: HashMap<usize, (ActionMask, bool)>,
    /// Each action pattern's mask, by the pattern as written (see [`PatternMasks`]).
    patterns: PatternMasks,
}

fn glance(g: &TrustGraph, node: NodeId, cache: &mut GlanceCache) -> Glance {
    if let Some(&seen) = cache.by_node.get(&node) {
        return seen;
    }
    let mut mask = 0;
    let mut star = false;
    let complete = for_each_policy(g, node, &mut |t, shared| {
        if let Some(doc) = t.document.as_ref() {
            let GlanceCache {
                by_doc, patterns, ..
            } = &mut *cache;
            let read = |patterns: &mut PatternMasks| {
                let allows = doc
                    .statements
                    .iter()
                    .filter(|st| st.effect == Some(crate::engine::policy::document::Effect::Allow))
                    .filter_map(|st| st.action.as_ref());
                let mut mask: ActionMask = 0;
                let mut star = false;
                for l in allows {
                    // Case does not change whether a pattern matches the literal `*`.
                    star |= l.patterns.iter().any(|p| matches_lone_star(p)) != l.negated;
                    mask |= list_mask(l.negated, l.patterns.iter().map(|p| &**p), patterns);
                }
                (mask, star)
            };
            let (m, s) = if shared {
                *by_doc
                    .entry(Arc::as_ptr(doc) as usize)
                    .or_insert_with(|| read(patterns))
            } else {
                read(patterns)
            };
            mask |= m;
            star |= s;
        }
    });
    let seen = Glance {
        mask,
        star,
        complete,
    };
    cache.by_node.insert(node, seen);
    seen
}

/// True when action pattern `p` matches the literal action `*`, as [`glob_match`] answers:
/// it is wildcards only, at least one, with at most one `?` (which takes the one character).
fn matches_lone_star(p: &str) -> bool {
    let mut single = false;
    !p.is_empty()
        && p.bytes().all(|b| match b {
            b'*' => true,
            b'?' => !std::mem::replace(&mut single, true),
            _ => false,
        })
}

/// True when a principal whose statements may allow the technique actions of `mask` may use
/// technique `t` (every action of it), as [`AllowLists::may_use`] answers; `None` when some
/// technique action has no bit (more than 64), and the lists must be read.
fn mask_may_use(mask: ActionMask, t: Technique) -> Option<bool> {
    needs_mask(t).map(|m| mask & m == m)
}

/// False for an action pattern that names, without a wildcard, a service no technique
/// action is of: it cannot match one (so leaving it out of a list changes no bit).
fn may_name_technique_service(pattern: &str) -> bool {
    static SERVICES: OnceLock<Vec<&'static str>> = OnceLock::new();
    let services = SERVICES.get_or_init(|| {
        let mut out: Vec<&'static str> = technique_actions()
            .iter()
            .filter_map(|a| a.split_once(':').map(|(svc, _)| svc))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    });
    match pattern.split_once(':') {
        Some((s, _)) if !s.contains(['*', '?']) => {
            services.iter().any(|svc| svc.eq_ignore_ascii_case(s))
        }
        _ => true,
    }
}

/// The needs of one technique decided, or `None` when the caller's loaded identity
/// statements do not allow one of them (no edge: the technique is not the caller's).
struct Decided {
    results: Vec<decide::NeedResult>,
}

impl Decided {
    fn decisions(&self) -> Vec<&crate::engine::policy::decision::Decision> {
        self.results.iter().map(|r| &r.decision).collect()
    }
}

/// A role a service may assume, with the trust's conditions and, when the trust's answer
/// turns on data that is not loaded, that status.
type ServiceTrust = (NodeId, Vec<String>, Option<EdgeStatus>);

/// The roles each service may assume, by the role's account, in node order (see
/// [`service_trusts`]): a caller passes only roles of its own account.
type ServiceTrusts = HashMap<&'static str, HashMap<String, Vec<ServiceTrust>>>;

struct Builder<'c, 'a> {
    c: &'c Checker<'a>,
    out: Vec<EscalationEdge>,
    /// When set, only the edges into this principal are decided (for walks backwards).
    only: Option<NodeId>,
    /// When set, only the edges to others into principals it keeps are decided (for walks
    /// forwards, which have no use for an edge into a principal already reached).
    wanted: Option<&'c dyn Fn(NodeId) -> bool>,
    /// True when the caller's edge into itself is decided too: the answer is shared by a
    /// class of callers (see [`class`]), and each member leaves out its own.
    all_targets: bool,
    /// When set, a walk takes only the first edge into each principal that this follows:
    /// once one is decided, the techniques after it are not decided into that principal.
    first: Option<walk::Follow>,
    /// The principals given an edge `first` follows so far.
    taken: HashSet<NodeId>,
    /// For each service a technique hands roles to, the roles whose trust lets it in: the
    /// trust graph's own hops out of the service, asked when a caller first may pass a role.
    services: &'c OnceLock<ServiceTrusts>,
}

fn service_trusts(g: &TrustGraph) -> ServiceTrusts {
    let mut out: ServiceTrusts = HashMap::default();
    for t in technique::ALL {
        let Some(svc) = t.service() else { continue };
        if out.contains_key(svc) {
            continue;
        }
        let mut by_account: HashMap<String, Vec<ServiceTrust>> = HashMap::default();
        let hops = g.node_id(svc).map_or_else(Vec::new, |s| g.edges_from(s));
        for hop in hops {
            let unknown = match &hop.status {
                EdgeStatus::Works => None,
                EdgeStatus::Unknown { .. } => Some(hop.status.clone()),
                EdgeStatus::Broken { .. } => continue,
            };
            let Some(account) = g.node(hop.to).account.as_deref() else {
                continue;
            };
            let reqs: Vec<String> = hop
                .requirements()
                .iter()
                .map(|r| format!("trust: {}", r.badge()))
                .collect();
            by_account
                .entry(account.to_owned())
                .or_default()
                .push((hop.to, reqs, unknown));
        }
        out.insert(svc, by_account);
    }
    out
}

impl Builder<'_, '_> {
    fn needs(
        &self,
        node: NodeId,
        allows: &AllowLists,
        needs: &[technique::Need],
        target: &str,
        object: Option<&str>,
        change: &Change,
    ) -> Option<Decided> {
        if !needs.iter().all(|n| allows.may_allow(n.action)) {
            return None;
        }
        // With every policy of the caller loaded, a request no `Allow` statement's action
        // and resource can match is refused, and no edge is made of it: most targets of a
        // caller are passed over without a decision.
        if allows.complete && change.is_none() && self.c.nothing_missing(node) {
            for n in needs {
                let resource = self.c.resource_of(node, n, target, object)?;
                if !allows.may_allow_on(n.action, &resource) {
                    return None;
                }
            }
        }
        let mut results = Vec::with_capacity(needs.len());
        for n in needs {
            let r = self.c.need(node, n, target, object, change)?;
            if !r.identity_allows && r.decision.outcome != Outcome::Unknown {
                return None;
            }
            results.push(r);
        }
        Some(Decided { results })
    }

    fn pass_roles(&mut self, node: NodeId, allows: &AllowLists) {
        let g = self.c.graph;
        let Some(account) = g.node(node).account.clone() else {
            return;
        };
        let me = g.node(node).id.clone();
        // Techniques whose every action some loaded statement might allow, decided once per
        // caller rather than once per role.
        let possible: Vec<Technique> = technique::ALL
            .iter()
            .copied()
            .filter(|t| t.service().is_some() && allows.may_use(*t))
            .collect();
        for t in possible {
            let Some(svc) = t.service() else { continue };
            // Asked about one role: only the services its trust names can run as it.
            if let Some(o) = self.only
                && !g.trust_names(o, svc)
            {
                continue;
            }
            // The actions on resources the caller creates do not depend on the role: asked
            // once per technique.
            let (targeted, own): (Vec<technique::Need>, Vec<technique::Need>) = t
                .needs()
                .into_iter()
                .partition(|n| !matches!(n.aim, technique::Aim::New(..)));
            let Some(shared) = self.needs(node, allows, &own, &me, None, &Change::default()) else {
                continue;
            };
            // Read through the builder's `'c` reference, not through `self`.
            let services = self.services;
            let targets = services
                .get_or_init(|| service_trusts(g))
                .get(svc)
                .and_then(|by_account| by_account.get(&account))
                .map_or(&[][..], Vec::as_slice);
            for (target, trust_reqs, trust_unknown) in targets {
                let target = *target;
                if self.only.is_some_and(|o| o != target)
                    || self.wanted.is_some_and(|w| !w(target))
                    || self.has_taken(target)
                {
                    continue;
                }
                let Some(role) = g.role(target) else { continue };
                if role.account != account
                    || role.is_service_linked()
                    || (role.arn == me && !self.all_targets)
                {
                    continue;
                }
                let mut needs = targeted.clone();
                let mut reqs: Vec<String> = Vec::new();
                let ssm = t.family() == Family::InstanceAccess;
                if ssm || t == Technique::PassRoleEc2 {
                    match role.instance_profiles.first() {
                        Some(p) => reqs.push(format!("instance profile `{}`", p.name)),
                        None if ssm => continue,
                        None => {
                            let profile = technique::Aim::New("iam", "instance-profile/*");
                            needs.push(technique::Need {
                                action: "iam:CreateInstanceProfile",
                                aim: profile,
                                passes_to: None,
                                keys: &[],
                            });
                            needs.push(technique::Need {
                                action: "iam:AddRoleToInstanceProfile",
                                aim: profile,
                                passes_to: None,
                                keys: &[],
                            });
                            reqs.push("a new instance profile".to_owned());
                        }
                    }
                }
                if ssm {
                    reqs.push(format!(
                        "a running instance with `{}`",
                        role.instance_profiles
                            .first()
                            .map_or("", |p| p.name.as_str())
                    ));
                }
                let Some(mut d) =
                    self.needs(node, allows, &needs, &role.arn, None, &Change::default())
                else {
                    continue;
                };
                d.results.extend(shared.results.iter().cloned());
                reqs.extend(trust_reqs.iter().cloned());
                let mut status = decide::status_of(&d.decisions());
                if status == EdgeStatus::Works
                    && let Some(u) = trust_unknown
                {
                    status = u.clone();
                }
                self.push(decide::edge(
                    node, target, t, None, &d.results, reqs, status,
                ));
            }
        }
    }

    /// An edge to another principal, onto `out`.
    fn push(&mut self, e: EscalationEdge) {
        if self.first.is_some_and(|f| f.takes(&e.status)) {
            self.taken.insert(e.to);
        }
        self.out.push(e);
    }

    /// True when a walk has no use for another edge into `target` (see [`Builder::first`]).
    fn has_taken(&self, target: NodeId) -> bool {
        self.taken.contains(&target)
    }

    fn users(&mut self, node: NodeId, allows: &AllowLists) {
        let g = self.c.graph;
        let Some(account) = g.node(node).account.clone() else {
            return;
        };
        let possible: Vec<Technique> = [
            Technique::CreateAccessKey,
            Technique::CreateLoginProfile,
            Technique::UpdateLoginProfile,
        ]
        .into_iter()
        .filter(|t| allows.may_use(*t))
        .collect();
        if possible.is_empty() {
            return;
        }
        for target in self.wanted_targets(node, &account) {
            let Some(user) = g.user(target).filter(|u| u.account == account) else {
                continue;
            };
            for &t in &possible {
                if self.has_taken(target) {
                    break;
                }
                let Some(d) = self.needs(
                    node,
                    allows,
                    &t.needs(),
                    &user.arn,
                    None,
                    &Change::default(),
                ) else {
                    continue;
                };
                let reqs = match t {
                    Technique::CreateLoginProfile => {
                        vec![format!("`{}` has no console password", user.name)]
                    }
                    Technique::UpdateLoginProfile => {
                        vec![format!("`{}` has a console password", user.name)]
                    }
                    _ => vec![format!("`{}` has fewer than two access keys", user.name)],
                };
                let status = decide::status_of(&d.decisions());
                self.push(decide::edge(
                    node, target, t, None, &d.results, reqs, status,
                ));
            }
        }
    }

    /// The users and roles of `account` (or the one principal asked about) an edge to others
    /// from `node` may lead to, in the order they were loaded: those the walk does not want
    /// or has an edge into already, and `node` itself unless the answer is a class's, are
    /// passed over before anything is read of them.
    fn wanted_targets(&self, node: NodeId, account: &str) -> Vec<NodeId> {
        let all: &[NodeId] = match &self.only {
            Some(o) => std::slice::from_ref(o),
            None => self.c.graph.members_of(account),
        };
        all.iter()
            .copied()
            .filter(|&t| {
                (t != node || self.all_targets)
                    && self.wanted.is_none_or(|w| w(t))
                    && !self.has_taken(t)
            })
            .collect()
    }

    fn trust_rewrites(&mut self, node: NodeId, allows: &AllowLists) {
        let g = self.c.graph;
        let Some(account) = g.node(node).account.clone() else {
            return;
        };
        let t = Technique::UpdateAssumeRolePolicy;
        if !allows.may_allow("iam:UpdateAssumeRolePolicy") {
            return;
        }
        for target in self.wanted_targets(node, &account) {
            let Some(role) = g
                .role(target)
                .filter(|r| r.account == account && !r.is_service_linked())
            else {
                continue;
            };
            let Some(mut d) = self.needs(
                node,
                allows,
                &t.needs(),
                &role.arn,
                None,
                &Change::default(),
            ) else {
                continue;
            };
            let Some(assume) = self.c.assume_after_rewrite(node, &role.arn) else {
                continue;
            };
            d.results.push(assume);
            let status = decide::status_of(&d.decisions());
            self.push(decide::edge(
                node,
                target,
                t,
                None,
                &d.results,
                Vec::new(),
                status,
            ));
        }
    }

    /// The caller's managed policies it could edit (customer managed, directly or through
    /// its groups).
    fn own_customer_policies(&self, node: NodeId) -> Vec<&ManagedPolicy> {
        let inv = self.c.inv;
        let n = self.c.graph.node(node);
        let mut arns: Vec<&str> = Vec::new();
        match n.kind {
            NodeKind::User => {
                if let Some(u) = inv.user_by_arn(&n.id) {
                    arns.extend(u.managed_policies.iter().map(|m| m.arn.as_str()));
                    for g in &u.groups {
                        if let Some(g) = inv.group_named(&u.account, g) {
                            arns.extend(g.managed_policies.iter().map(|m| m.arn.as_str()));
                        }
                    }
                }
            }
            NodeKind::Role => {
                if let Some(r) = inv.role_by_arn(&n.id) {
                    arns.extend(r.managed_policies.iter().map(|m| m.arn.as_str()));
                }
            }
            _ => {}
        }
        let mut out: Vec<&ManagedPolicy> = Vec::new();
        for a in arns {
            if crate::engine::coverage::is_aws_managed(a) {
                continue;
            }
            if let Some(p) = inv.managed_policy(a)
                && !out.iter().any(|x| x.arn == p.arn)
            {
                out.push(p);
            }
        }
        out
    }

    /// Self-grants: techniques that change the caller's own identity policies, decided with
    /// `base` already made (a boundary removed first). Returns the edges, unpushed.
    #[expect(
        clippy::too_many_lines,
        reason = "one pass over the self-grant techniques, each a few lines"
    )]
    fn self_grants(&self, node: NodeId, allows: &AllowLists, base: &Change) -> Vec<EscalationEdge> {
        let inv = self.c.inv;
        let n = self.c.graph.node(node);
        let mut out = Vec::new();
        let with = |f: &dyn Fn(&mut Change)| {
            let mut c = base.clone();
            f(&mut c);
            c
        };
        let finish = |t: Technique, object: Option<String>, d: Decided, gain: &Change| {
            let mut status = decide::status_of(&d.decisions());
            if status == EdgeStatus::Works {
                status = decide::gain_status(&self.c.admin(node, gain), t);
            }
            decide::edge(node, node, t, object, &d.results, Vec::new(), status)
        };
        let allow_all = with(&|c| c.add_allow_all = true);
        let own = match n.kind {
            NodeKind::User => [Technique::AttachUserPolicy, Technique::PutUserPolicy],
            _ => [Technique::AttachRolePolicy, Technique::PutRolePolicy],
        };
        for t in own {
            if let Some(d) = self.needs(node, allows, &t.needs(), &n.id, None, base) {
                out.push(finish(t, None, d, &allow_all));
            }
        }
        let user = (n.kind == NodeKind::User)
            .then(|| inv.user_by_arn(&n.id))
            .flatten();
        if let Some(u) = user {
            for gname in &u.groups {
                let Some(group) = inv.group_named(&u.account, gname) else {
                    continue;
                };
                for t in [Technique::AttachGroupPolicy, Technique::PutGroupPolicy] {
                    if let Some(d) =
                        self.needs(node, allows, &t.needs(), &n.id, Some(&group.arn), base)
                    {
                        out.push(finish(t, Some(group.arn.clone()), d, &allow_all));
                    }
                }
            }
        }
        for p in self.own_customer_policies(node) {
            let mut needs = Technique::CreatePolicyVersion.needs();
            if p.versions.len() >= 5 {
                // A managed policy keeps at most five versions; one must go first.
                needs.push(technique::Need {
                    action: "iam:DeletePolicyVersion",
                    aim: technique::Aim::Object,
                    passes_to: None,
                    keys: &[],
                });
            }
            if let Some(d) = self.needs(node, allows, &needs, &n.id, Some(&p.arn), base) {
                let gain = with(&|c| {
                    c.replace_managed = Some((p.arn.clone(), self.c.allow_all().clone()));
                });
                out.push(finish(
                    Technique::CreatePolicyVersion,
                    Some(p.arn.clone()),
                    d,
                    &gain,
                ));
            }
            let t = Technique::SetDefaultPolicyVersion;
            let others: Vec<_> = p.versions.iter().filter(|v| !v.is_default).collect();
            if others.is_empty() {
                continue;
            }
            let Some(d) = self.needs(node, allows, &t.needs(), &n.id, Some(&p.arn), base) else {
                continue;
            };
            // The first other version that makes the caller an administrator; else the
            // first one, to show why not.
            let mut chosen: Option<(String, EdgeStatus)> = None;
            for v in others {
                let Some(compiled) = self.c.index.get(&v.policy) else {
                    continue;
                };
                let gain = with(&|c| {
                    c.replace_managed = Some((
                        p.arn.clone(),
                        NamedPolicy::new(p.arn.as_str(), Arc::clone(&compiled)),
                    ));
                });
                let mut status = decide::status_of(&d.decisions());
                if status == EdgeStatus::Works {
                    status = decide::gain_status(&self.c.admin(node, &gain), t);
                }
                let label = format!("{} (version {})", p.arn, v.version_id);
                let works = status == EdgeStatus::Works;
                if chosen.is_none() || works {
                    chosen = Some((label, status));
                }
                if works {
                    break;
                }
            }
            if let Some((label, status)) = chosen {
                out.push(decide::edge(
                    node,
                    node,
                    t,
                    Some(label),
                    &d.results,
                    Vec::new(),
                    status,
                ));
            }
        }
        if let Some(u) = user {
            let t = Technique::AddUserToGroup;
            for group in inv
                .groups
                .iter()
                .filter(|g| g.account == u.account && !u.groups.contains(&g.name))
            {
                let Some(d) = self.needs(node, allows, &t.needs(), &n.id, Some(&group.arn), base)
                else {
                    continue;
                };
                let mut policies = Vec::new();
                let mut missing = Vec::new();
                for p in &group.inline_policies {
                    if let Some(c) = self.c.index.get(&p.policy) {
                        policies.push(NamedPolicy::new(
                            format!("group/{}/{}", group.name, p.name),
                            c,
                        ));
                    }
                }
                for m in &group.managed_policies {
                    match inv
                        .managed_policy(&m.arn)
                        .and_then(ManagedPolicy::default_version)
                        .and_then(|v| self.c.index.get(&v.policy))
                    {
                        Some(c) => policies.push(NamedPolicy::new(m.arn.as_str(), c)),
                        None => missing.push(Arc::new(crate::engine::coverage::managed_policy(
                            &m.arn,
                            &format!("group `{}`", group.name),
                            false,
                        ))),
                    }
                }
                let gain = with(&|c| {
                    c.add_policies.clone_from(&policies);
                    c.add_missing.clone_from(&missing);
                });
                let mut status = decide::status_of(&d.decisions());
                if status == EdgeStatus::Works {
                    status = decide::gain_status(&self.c.admin(node, &gain), t);
                }
                // Joining a group that would not make the caller an administrator is no
                // escalation worth listing.
                if matches!(status, EdgeStatus::Broken { .. })
                    && d.decisions().iter().all(|x| x.is_allowed())
                {
                    continue;
                }
                out.push(decide::edge(
                    node,
                    node,
                    t,
                    Some(group.arn.clone()),
                    &d.results,
                    Vec::new(),
                    status,
                ));
            }
        }
        out
    }

    fn boundaries(&mut self, node: NodeId, allows: &AllowLists) {
        let inv = self.c.inv;
        let n = self.c.graph.node(node);
        let has_boundary = match n.kind {
            NodeKind::User => inv
                .user_by_arn(&n.id)
                .is_some_and(|u| u.permissions_boundary.is_some()),
            NodeKind::Role => inv
                .role_by_arn(&n.id)
                .is_some_and(|r| r.permissions_boundary.is_some()),
            _ => false,
        };
        if !has_boundary {
            return;
        }
        let techniques = if n.kind == NodeKind::User {
            [
                Technique::DeleteUserPermissionsBoundary,
                Technique::PutUserPermissionsBoundary,
            ]
        } else {
            [
                Technique::DeleteRolePermissionsBoundary,
                Technique::PutRolePermissionsBoundary,
            ]
        };
        for t in techniques {
            let Some(d) = self.needs(node, allows, &t.needs(), &n.id, None, &Change::default())
            else {
                continue;
            };
            let after = Change {
                drop_boundary: matches!(
                    t,
                    Technique::DeleteUserPermissionsBoundary
                        | Technique::DeleteRolePermissionsBoundary
                ),
                allow_all_boundary: matches!(
                    t,
                    Technique::PutUserPermissionsBoundary | Technique::PutRolePermissionsBoundary
                ),
                ..Change::default()
            };
            let mut reqs = Vec::new();
            let mut status = decide::status_of(&d.decisions());
            if status == EdgeStatus::Works {
                status = decide::gain_status(&self.c.admin(node, &after), t);
                if !matches!(status, EdgeStatus::Works) {
                    // Without the boundary, a self-grant may now work.
                    let then = self.self_grants(node, allows, &after);
                    if let Some(e) = then.iter().find(|e| e.works()) {
                        reqs.push(format!("then {}", e.technique.name()));
                        status = EdgeStatus::Works;
                    } else if let Some(e) = then.iter().find(|e| e.status.is_unknown()) {
                        reqs.push(format!("then {}", e.technique.name()));
                        status = e.status.clone();
                    }
                }
            }
            self.out
                .push(decide::edge(node, node, t, None, &d.results, reqs, status));
        }
    }
}

/// What is decided of one user or role of a loaded account.
#[derive(Debug)]
struct OfNode {
    admin: AdminStatus,
    unknown: Option<UnknownCaller>,
    edges: Vec<Arc<EscalationEdge>>,
}

impl Builder<'_, '_> {
    /// The edges to other principals (passed roles, users' credentials, trust policies), in
    /// technique order, onto `out`.
    fn others(&mut self, node: NodeId, allows: &AllowLists) {
        self.pass_roles(node, allows);
        self.users(node, allows);
        self.trust_rewrites(node, allows);
    }

    /// The self-escalations (own policies, groups, boundary), onto `out`.
    fn selves(&mut self, node: NodeId, allows: &AllowLists) {
        let own = self.self_grants(node, allows, &Change::default());
        self.out.extend(own);
        self.boundaries(node, allows);
    }
}

impl Builder<'_, '_> {
    /// Whether its own policies are all loaded, and its escalation edges out (none out of
    /// an administrator: `admin` is [`Builder::admin_of`]), in technique order.
    fn decide_node(&mut self, node: NodeId, allows: &AllowLists, admin: AdminStatus) -> OfNode {
        let checker = self.c;
        let mut unknown = None;
        if admin.is_admin() {
            return OfNode {
                admin,
                unknown,
                edges: Vec::new(),
            };
        }
        if !allows.complete {
            let missing = checker.identity_missing(node);
            if !missing.is_empty() {
                unknown = Some(UnknownCaller { node, missing });
            }
        }
        // Every edge needs some technique action allowed (see `Builder::needs`).
        if !allows.no_technique() {
            self.others(node, allows);
            self.selves(node, allows);
        }
        OfNode {
            admin,
            unknown,
            edges: std::mem::take(&mut self.out)
                .into_iter()
                .map(Arc::new)
                .collect(),
        }
    }
}

impl Builder<'_, '_> {
    /// Whether `node` is an administrator. Only a statement that matches the literal `*`
    /// can allow `*` on `*`: without one (and with every own policy loaded) the evaluator
    /// need not be asked.
    fn admin_of(&self, node: NodeId, allows: &AllowLists) -> AdminStatus {
        if allows.complete && !allows.may_allow("*") {
            no_star()
        } else {
            self.c.admin(node, &Change::default())
        }
    }

    /// The escalation edges of `node` into `target` alone, as [`Builder::decide_node`]
    /// gives them (the same edges, in the same order), without deciding its edges into any
    /// other principal: for walks backwards, which ask who can reach one principal.
    fn decide_toward(
        &mut self,
        node: NodeId,
        allows: &AllowLists,
        admin: &AdminStatus,
        target: NodeId,
    ) -> Vec<Arc<EscalationEdge>> {
        if admin.is_admin() || allows.no_technique() {
            return Vec::new();
        }
        if target == node {
            self.only = Some(target);
            self.selves(node, allows);
            self.only = None;
            return std::mem::take(&mut self.out)
                .into_iter()
                .filter(|e| e.to == target)
                .map(Arc::new)
                .collect();
        }
        self.others_toward(node, allows, target)
    }

    /// The edges of `node` to other principals into `target` alone (into `node` itself
    /// when [`Builder::all_targets`] is set), as [`Builder::others`] gives them.
    fn others_toward(
        &mut self,
        node: NodeId,
        allows: &AllowLists,
        target: NodeId,
    ) -> Vec<Arc<EscalationEdge>> {
        if allows.no_technique() {
            return Vec::new();
        }
        self.only = Some(target);
        self.others(node, allows);
        self.only = None;
        std::mem::take(&mut self.out)
            .into_iter()
            .filter(|e| e.to == target)
            .map(Arc::new)
            .collect()
    }
}

/// The users and roles of the loaded accounts, in node order.
fn loaded_principals(graph: &TrustGraph) -> impl Iterator<Item = NodeId> + '_ {
    graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.kind, NodeKind::User | NodeKind::Role))
        .filter(|(_, n)| n.account.as_deref().is_some_and(|a| graph.is_loaded(a)))
        .map(|(i, _)| NodeId(u32::try_from(i).unwrap_or(u32::MAX)))
}

impl Escalations {
    /// Decides every administrator and escalation edge of the graph's loaded accounts
    /// ([`LazyEscalations`] decides a principal's only when a query meets it).
    #[must_use]
    pub fn compute(graph: &TrustGraph) -> Self {
        let checker = Checker::new(graph);
        let services = OnceLock::new();
        let mut b = Builder {
            c: &checker,
            out: Vec::new(),
            only: None,
            wanted: None,
            all_targets: false,
            first: None,
            taken: HashSet::default(),
            services: &services,
        };
        let mut admins = Vec::new();
        let mut unknown_callers = Vec::new();
        let mut edges: Vec<Arc<EscalationEdge>> = Vec::new();
        let mut list_cache = ListCache::default();
        for node in loaded_principals(graph) {
            let allows = allow_lists(graph, node, &mut list_cache);
            let admin = b.admin_of(node, &allows);
            let of = b.decide_node(node, &allows, admin);
            admins.push((node, of.admin));
            unknown_callers.extend(of.unknown);
            edges.extend(of.edges);
        }
        let mut out: HashMap<NodeId, Vec<usize>> = HashMap::default();
        let mut into: HashMap<NodeId, Vec<usize>> = HashMap::default();
        for (i, e) in edges.iter().enumerate() {
            out.entry(e.from).or_default().push(i);
            into.entry(e.to).or_default().push(i);
        }
        let admin_of = admins
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (*n, i))
            .collect();
        Self {
            admins,
            edges,
            unknown_callers,
            out,
            into,
            admin_of,
        }
    }

    /// The escalation edges out of `node`.
    pub fn edges_from(&self, node: NodeId) -> impl Iterator<Item = &Arc<EscalationEdge>> {
        self.out
            .get(&node)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.edges.get(i))
    }

    /// The escalation edges into `node` (self-escalations included).
    pub fn edges_into(&self, node: NodeId) -> impl Iterator<Item = &Arc<EscalationEdge>> {
        self.into
            .get(&node)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.edges.get(i))
    }

    /// Whether `node` is an administrator (`None`: not a user or role of a loaded account).
    #[must_use]
    pub fn admin_status(&self, node: NodeId) -> Option<&AdminStatus> {
        self.admin_of
            .get(&node)
            .and_then(|&i| self.admins.get(i))
            .map(|(_, s)| s)
    }

    /// True when `node` is an administrator.
    #[must_use]
    pub fn is_admin(&self, node: NodeId) -> bool {
        self.admin_status(node).is_some_and(AdminStatus::is_admin)
    }
}

#[cfg(test)]
mod tests {
    //! The cheap tests that pass over most targets before the evaluator is asked.

    use super::*;
    use crate::engine::load::load_demo;

    /// The quick test of a pattern matching the literal `*` answers as the matcher does.
    #[test]
    fn a_pattern_matches_the_literal_star_as_the_matcher_says() {
        let patterns = [
            "*", "**", "?", "*?", "?*", "*?*", "??", "*??", "a*", "*a", "iam:*", "", "?a", "*:*",
        ];
        for p in patterns {
            assert_eq!(matches_lone_star(p), glob_match(p, "*"), "{p:?}");
        }
        assert!(matches_lone_star("*?*") && !matches_lone_star("??"));
    }

    /// The quick reading of an action pattern's technique bits (other services passed over,
    /// a pattern without a wildcard looked up) gives the bits matching it against every
    /// technique action gives: for every technique action as written, lowercased, uppercased
    /// and with a wildcard; near misses; other services; non-ASCII and long patterns.
    #[test]
    fn a_patterns_technique_bits_are_what_matching_every_technique_action_gives() {
        let mut patterns: Vec<String> = Vec::new();
        for t in technique::ALL {
            for n in t.needs() {
                let a = n.action;
                let (svc, name) = a.split_once(':').unwrap();
                patterns.extend([
                    a.to_owned(),
                    a.to_ascii_lowercase(),
                    a.to_ascii_uppercase(),
                    format!("{a}x"),
                    a[..a.len() - 1].to_owned(),
                    format!("{svc}:*"),
                    format!("{svc}:{}*", &name[..3]),
                    format!("{svc}:?{}", &name[1..]),
                    format!("*:{name}"),
                    format!("{}:{name}", svc.to_ascii_uppercase()),
                    format!("{svc}x:{name}"),
                    format!("{a}\u{e9}"),
                ]);
            }
        }
        patterns.extend(
            [
                "*",
                "?",
                "",
                ":",
                "iam",
                "iam:",
                "s3:GetObject",
                "sts:AssumeRole",
                "i*:p*",
                "iam:Pass\u{c9}",
                "\u{c9}am:PassRole",
            ]
            .map(str::to_owned),
        );
        patterns.push(format!("iam:{}", "x".repeat(200)));
        let mut masks = PatternMasks::default();
        for p in &patterns {
            assert_eq!(
                pattern_bits(p, &mut masks),
                pattern_mask(&p.to_ascii_lowercase()),
                "{p:?}"
            );
        }
        assert_ne!(literal_bit("IAM:PASSROLE"), 0);
        assert!(masks.keys().all(|p| p.contains(['*', '?'])));
    }

    /// [`AllowLists::may_allow_on`] is a superset of what the identity policies allow: when
    /// it says no statement can allow a technique's action on a principal, the evaluator
    /// agrees, for every user and role of the demo, every technique action and every
    /// principal of its account as the resource.
    #[test]
    fn no_statement_matching_means_the_identity_policies_do_not_allow() {
        let g = TrustGraph::build(
            Arc::new(load_demo().expect("the demo loads")),
            chrono::Utc::now(),
        );
        let checker = Checker::new(&g);
        let mut cache = ListCache::default();
        let mut passed_over = 0;
        let mut asked = 0;
        for caller in loaded_principals(&g) {
            let allows = allow_lists(&g, caller, &mut cache);
            let account = g.node(caller).account.clone().unwrap_or_default();
            for &target in g.members_of(&account) {
                let target_arn = g.node(target).id.clone();
                for t in technique::ALL {
                    for need in t.needs() {
                        let Some(resource) =
                            checker.resource_of(caller, &need, &target_arn, Some(&target_arn))
                        else {
                            continue;
                        };
                        if allows.may_allow_on(need.action, &resource) {
                            continue;
                        }
                        passed_over += 1;
                        if let Some(r) = checker.need(
                            caller,
                            &need,
                            &target_arn,
                            Some(&target_arn),
                            &Change::default(),
                        ) {
                            asked += 1;
                            assert!(
                                !r.identity_allows,
                                "{} may {} on {resource}",
                                g.node(caller).id,
                                need.action
                            );
                        }
                    }
                }
            }
        }
        assert!(passed_over > 1000 && asked > 1000, "{passed_over} {asked}");
    }
}
