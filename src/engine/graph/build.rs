//! Building the trust graph and deciding one hop.
//!
//! Built once: every trust policy read into grants and indexed by
//! the principal it names (a user, role, session, service, provider or external principal)
//! and for `"*"`; every user's and role's `sts:AssumeRole` statements read once from its
//! identity policies and its permissions boundary, and the distinct documents allowing it
//! indexed by the accounts whose roles they may name. No policy is compiled here (each is
//! compiled the first time a hop needs it, then kept: [`PolicyIndex::compiling_on_use`]),
//! and no hop is decided: each query
//! decides the hops it needs on first use — a role's ways in, a user's or role's ways out
//! (from the grants that can name it), or an outside principal's ways out — and keeps them
//! (see the module documentation of [`super`]). Account-root and `"*"` trusts stay class grants: an account grant is expanded only
//! into the callers whose own policy may name the role, and a hop through one is decided
//! once per caller policy set (same policies, boundary and account) and, for roles of one
//! account with the same trust document, once per document when the caller's policies
//! treat the roles alike. Trust policies and inline policies are compiled when a hop first
//! needs them.
//!
//! Deciding one hop ([`TrustGraph::hop`]): a witness request is built from the
//! trust statement's conditions (and the caller statement's, when the caller's own policy
//! must allow) and the policy engine evaluates `sts:AssumeRole` (plus `sts:TagSession` /
//! `sts:SetSourceIdentity` when the request passes tags or a source identity) exactly as
//! the STS simulator does. An allow is a working edge; a refusal on the caller's side while
//! the trust allows is a broken edge; anything else is no edge.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use chrono::{DateTime, Utc};

use super::edge::{
    Api, Chaining, Edge, EdgeStatus, Grant, HopTerms, Node, NodeId, NodeKind, Requirement,
    RequirementKind, Side, WitnessRequest,
};
use super::query::{Way, Ways};
use super::witness::{escape_deny, satisfy_allow, satisfy_service_tags};
use crate::engine::arn::{Arn, is_account_id};
use crate::engine::model::{AttachedPolicy, Group, InlinePolicy, Inventory, PolicyText, Role};
use crate::engine::policy::context::RequestContext;
use crate::engine::policy::decision::{Decision, LayerOutcome, PolicyType};
use crate::engine::policy::document::{
    Effect, PatternList, PolicyDocument, PrincipalKind, Principals, Statement,
};
use crate::engine::policy::evaluate::{
    EvaluationInput, Gap, NamedPolicy, PolicyLevel, ResourceBasedPolicy, evaluate,
};
use crate::engine::policy::gather::{AccessRequest, PolicyIndex, SessionFacts, gather};
use crate::engine::policy::pattern::{ArnPattern, Wildcard};
use crate::engine::policy::principal::{DEFAULT_SESSION_NAME, Principal, PrincipalType};

/// The account the graph's "anyone outside" caller is made up in (it must not be loaded).
const OUTSIDE_ACCOUNTS: [&str; 2] = ["000000000000", "000000000001"];

/// Who a trust grant names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Who {
    /// One principal node; for `Grant::Session`, the session name it fixes.
    Node(NodeId, Grant, Option<String>),
    /// An account (root ARN or id), loaded or not.
    Account(String),
    /// `"*"`.
    Everyone,
}

/// One way a trust policy lets someone in: statement, call, principal.
#[derive(Debug, Clone)]
pub(crate) struct TrustGrant {
    pub stmt: usize,
    pub api: Api,
    pub who: Who,
}

/// What one trust document's text says, read once however many roles carry it: its
/// grants and `Deny` statements ([`Builder::read_trust`]), whether its hops may be shared
/// ([`trust_shareable`]), and whether a statement reads who the caller is
/// ([`reads_caller`]) or which principal it is ([`reads_principal`]).
#[derive(Debug, Clone, Default)]
struct TrustReading {
    grants: Vec<TrustGrant>,
    denies: Vec<usize>,
    shareable: bool,
    reads_caller: bool,
    reads_principal: bool,
}

impl TrustReading {
    fn of(b: &mut Builder<'_>, doc: &PolicyDocument) -> Self {
        let (grants, denies) = b.read_trust(doc);
        Self {
            grants,
            denies,
            shareable: trust_shareable(doc),
            reads_caller: doc.statements.iter().any(reads_caller),
            reads_principal: doc.statements.iter().any(reads_principal),
        }
    }
}

/// A role's trust policy, read once.
#[derive(Debug, Clone, Default)]
pub(crate) struct RoleTrust {
    pub doc: Option<Arc<PolicyDocument>>,
    /// The compiled trust policy, compiled on the first hop decided into the role.
    pub policy: OnceLock<Option<NamedPolicy>>,
    pub grants: Vec<TrustGrant>,
    /// `Deny` statements that may apply to an `AssumeRole*` call.
    pub denies: Vec<usize>,
    /// True when the trust policy names no individual principal, none of its conditions
    /// reads who the caller is, and no RCP of the role's account does: then a hop through an
    /// account or `*` grant is decided the same way for every caller of one policy set.
    pub shareable: bool,
    /// True when the trust has no `Deny` that may apply, no statement reading who the caller
    /// is, and no RCP of the role's account reading it: then the principals it names by ARN
    /// are told apart by nothing but their names, and a hop of a caller it names is decided
    /// alike for every caller of the same policy set that it names in the same statement.
    pub named_alike: bool,
    /// [`RoleTrust::named_alike`], and no statement reads the caller's account or
    /// organisation either: the principals outside the loaded accounts one statement names
    /// are decided alike (one decision per statement and kind, made each one's own).
    pub outside_alike: bool,
    /// The grants to an account or to `"*"`, in trust order (a trust listing thousands of
    /// principals is read for a caller through [`TrustGraph::by_node`] and these).
    pub class_grants: Vec<u32>,
    /// Roles of one account with the same trust document (role-independent, see
    /// [`trust_role_independent`]) share this key, and so the hop decisions of callers whose
    /// side does not depend on the role; [`UNSHARED`] otherwise.
    pub doc_key: u32,
    /// The first role whose trust policy has the same text, whose compiled form this
    /// role's shares.
    pub same_text_as: u32,
}

/// Where a trust grant lives: role index and grant index.
pub(crate) type GrantRef = (u32, u32);

/// The `sts:AssumeRole` statements of one identity policy document.
#[derive(Debug, Default)]
pub(crate) struct DocGrants {
    /// `Allow` statements that may allow `sts:AssumeRole`, with their resources.
    pub allows: Vec<(usize, ResourceSel)>,
    /// `Deny` statements that may deny it.
    pub denies: Vec<usize>,
    /// True when some statement may apply to an action a hop evaluates (`sts:AssumeRole`,
    /// `sts:TagSession`, `sts:SetSourceIdentity`).
    pub speaks_of_hops: bool,
    /// True when such a statement reads who the caller is (its ARN, name, id, tags, or a
    /// policy variable): callers holding the document are then decided one by one.
    pub reads_caller: bool,
    /// The accounts whose roles the `Allow` statements may name, when every resource
    /// pattern fixes its account; `None` when some pattern may name a role of any account.
    pub allow_accounts: Option<Vec<String>>,
    /// True when the document treats every role alike but for which `sts:AssumeRole`
    /// allows name it (see [`role_blind`]).
    pub role_blind: bool,
}

/// True when a statement that may apply to a hop decides it alike for every role, or only
/// through its resources when it is an `sts:AssumeRole` allow (whose match the hop's
/// sharing key records): it names every resource (`"*"`) or is such an allow, and no
/// condition reads the role's own attributes or a policy variable.
fn role_blind(st: &Statement) -> bool {
    let any_resource = names_every_resource(st);
    let assume_allow = st.effect == Some(Effect::Allow)
        && statement_action_matches(st, "sts:assumerole")
        && st
            .resource
            .as_ref()
            .is_some_and(|r| !r.patterns.iter().any(|p| p.contains("${")));
    (any_resource || assume_allow) && !reads_role(&st.conditions)
}

/// True when a statement applies to every resource: no `Resource` element, or one listing
/// `"*"` (not `NotResource`).
fn names_every_resource(st: &Statement) -> bool {
    st.resource
        .as_ref()
        .is_none_or(|r| !r.negated && r.patterns.iter().any(|p| &**p == "*"))
}

/// True when a condition reads the role's own attributes (its tags or ARN) or a policy
/// variable; the keys about the role's account are the same for every role of the account.
fn reads_role(conditions: &[crate::engine::policy::document::Condition]) -> bool {
    const ACCOUNT_WIDE: [&str; 3] = [
        "aws:resourceaccount",
        "aws:resourceorgid",
        "aws:resourceorgpaths",
    ];
    conditions.iter().any(|c| {
        let k = c.key.to_ascii_lowercase();
        c.key.contains("${")
            || c.values.iter().any(|v| v.contains("${"))
            || (k.contains("resource") && !ACCOUNT_WIDE.contains(&k.as_str()))
    })
}

/// The account a resource pattern fixes: its account part, when the pattern is ARN-shaped
/// and nothing before or in that part is a wildcard (patterns are matched part by part, so
/// a wildcard elsewhere cannot reach into it).
fn pattern_account(pattern: &str) -> Option<&str> {
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    (parts.len() == 6 && parts[..5].iter().all(|p| !p.contains(['*', '?']))).then(|| parts[4])
}

/// One distinct identity document that allows `sts:AssumeRole`, and every user and role
/// holding it: the index that finds the callers whose own policy may name a role without
/// asking each of them.
#[derive(Debug)]
pub(crate) struct AllowDoc {
    pub grants: Arc<DocGrants>,
    /// (account index, holder), sorted.
    pub holders: Vec<(u32, NodeId)>,
    /// The holders as classes: (account index, caller policy set) for the holders that
    /// share their decisions with their set, sorted and without repeats.
    pub sets: Vec<(u32, u32)>,
    /// (account index, holder) for the holders that share with no one, sorted.
    pub loose: Vec<(u32, NodeId)>,
}

/// The actions a hop's witness request is evaluated for, lowercase.
const HOP_ACTIONS: [&str; 3] = ["sts:assumerole", "sts:tagsession", "sts:setsourceidentity"];

/// Condition keys about the caller that are the same for every caller of one policy set
/// (its account and kind are part of the set).
const SET_WIDE_KEYS: [&str; 3] = [
    "aws:principalaccount",
    "aws:principaltype",
    "aws:principalisawsservice",
];

/// True when a statement's outcome may differ between two callers with the same policies:
/// a condition on the caller's ARN, name, id or tags, or a policy variable.
fn reads_caller(st: &Statement) -> bool {
    let variable = |s: &str| s.contains("${");
    st.conditions.iter().any(|c| {
        let k = c.key.to_ascii_lowercase();
        (RequirementKind::of_key(&k) == RequirementKind::PrincipalAttribute
            && !SET_WIDE_KEYS.contains(&k.as_str()))
            || variable(&c.key)
            || c.values.iter().any(|v| variable(v))
    }) || st
        .resource
        .as_ref()
        .is_some_and(|r| r.patterns.iter().any(|p| variable(p)))
}

/// True when a statement's outcome may differ between two callers of different accounts or
/// organisations: [`reads_caller`], or a condition on the caller's account or organisation.
fn reads_principal(st: &Statement) -> bool {
    reads_caller(st)
        || st.conditions.iter().any(|c| {
            matches!(
                RequirementKind::of_key(&c.key),
                RequirementKind::PrincipalAttribute | RequirementKind::Organization
            )
        })
}

/// True when a statement may apply to one of the actions a hop evaluates.
fn speaks_of_hops(st: &Statement) -> bool {
    let Some(list) = &st.action else {
        return false;
    };
    if list.negated {
        return HOP_ACTIONS.iter().any(|a| lower_matches(list, a));
    }
    // Every hop action is of `sts`: a pattern whose text before its first wildcard is not a
    // prefix of `sts:` (or does not begin with it) matches none of them.
    list.patterns
        .iter()
        .any(|p| may_name_sts(p) && HOP_ACTIONS.iter().any(|a| pattern_matches_lower(p, a)))
}

/// False when action pattern `p` cannot match an `sts:` action: its first four characters,
/// up to a wildcard, are not `sts:` in any case.
fn may_name_sts(p: &str) -> bool {
    for (c, want) in p.bytes().zip(*b"sts:") {
        if matches!(c, b'*' | b'?') {
            return true;
        }
        if !c.eq_ignore_ascii_case(&want) {
            return false;
        }
    }
    p.len() >= 4
}

/// True when some statement of a document that may apply to a hop reads who the caller is.
fn doc_reads_caller(doc: &PolicyDocument) -> bool {
    doc.statements
        .iter()
        .any(|st| speaks_of_hops(st) && reads_caller(st))
}

/// An account's caller policy sets, and its users and roles that share with no one.
type AccountClasses = (Vec<u32>, Vec<NodeId>);

/// A shared hop decision's key: role index, grant index, caller policy set.
type SharedKey = (u32, u32, u32);

/// A hop decision shared across roles with the same trust document: document key, grant
/// index, caller policy set, and a bit per `sts:AssumeRole` allow of the set naming the role.
type DocSetKey = (u32, u32, u32, u64);

/// Hop decisions kept by key.
/// The graph's maps: keyed by ARNs, names and small numbers of the loaded data, hashed with
/// foldhash (a fast hash; the keys come from the user's own files).
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

type Memo<K> = HashMap<K, Option<Arc<Edge>>>;

/// One renaming in a sentence: `core` where it stands between `before` and `after` becomes
/// `to` (the text around it kept).
struct Rename<'a> {
    before: &'a str,
    core: &'a str,
    after: &'a str,
    to: &'a str,
}

/// Where `needle` (not empty) starts in `hay`, each place once, left to right: candidates
/// are the places of its first byte (`memchr`, nothing to set up: the sentences this reads
/// are short and each is read once), checked by its last byte, then whole.
fn places<'h>(hay: &'h str, needle: &'h str) -> impl Iterator<Item = usize> + 'h {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let (first, last) = (n.first().copied(), n.last().copied());
    first
        .into_iter()
        .flat_map(move |f| memchr::memchr_iter(f, h))
        .filter(move |&i| {
            h.get(i + n.len() - 1).copied() == last && h.get(i..i + n.len()) == Some(n)
        })
}

/// `hay` with the renamings made in one pass (hundreds of thousands of sentences in a
/// walk); where two would overlap, the one that starts first wins.
fn rename_all(hay: &str, renames: &[Rename<'_>]) -> String {
    splice(hay, &rename_places(hay, renames), renames)
}

/// Where the renamings of `renames` apply in `hay`: start, end and which renaming, left to
/// right, none overlapping (where two would, the one that starts first wins). They depend
/// on the sentence and what is renamed, not on the new names (see [`AdoptPlaces`]).
fn rename_places(hay: &str, renames: &[Rename<'_>]) -> Vec<(usize, usize, usize)> {
    let mut at: Vec<(usize, usize, usize)> = Vec::new();
    for (k, r) in renames
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.core.is_empty())
    {
        for i in places(hay, r.core) {
            let end = i + r.core.len();
            let framed = hay.get(..i).is_some_and(|h| h.ends_with(r.before))
                && hay.get(end..).is_some_and(|t| t.starts_with(r.after));
            if framed {
                at.push((i, end, k));
            }
        }
    }
    at.sort_unstable_by_key(|&(i, ..)| i);
    let mut last = 0;
    at.retain(|&(i, end, _)| {
        let keep = i >= last;
        if keep {
            last = end;
        }
        keep
    });
    at
}

/// `hay` with each place of `at` (see [`rename_places`]) made its renaming's new name.
fn splice(hay: &str, at: &[(usize, usize, usize)], renames: &[Rename<'_>]) -> String {
    if at.is_empty() {
        return hay.to_owned();
    }
    let to = |k: usize| renames.get(k).map_or("", |r| r.to);
    let grown: usize = at.iter().map(|&(.., k)| to(k).len()).sum();
    let mut out = String::with_capacity(hay.len() + grown);
    let mut last = 0;
    for &(i, end, k) in at {
        out.push_str(hay.get(last..i).unwrap_or_default());
        out.push_str(to(k));
        last = end;
    }
    out.push_str(hay.get(last..).unwrap_or_default());
    out
}

/// Where a decided hop's access-denied sentence names its caller, the caller's own inline
/// policies and the role (see [`TrustGraph::adopt`]), kept for the next caller that adopts
/// the same hop into the same role: the members of one class adopt one decided hop one
/// after another, and the places are the same for each. Holds the hop, so its address
/// names it while kept.
#[derive(Debug, Default)]
pub(crate) struct AdoptPlaces {
    hop: Option<(Arc<Edge>, NodeId)>,
    at: Vec<(usize, usize, usize)>,
}

/// Marks, in a [`SharedKey`], a statement index shared by the callers it names (see
/// [`TrustGraph::named_set`]) rather than a grant index.
const NAMED: u32 = 1 << 31;

/// Marks a caller that shares its hop decisions with no one.
pub(crate) const UNSHARED: u32 = u32::MAX;

/// What makes two callers decide every hop through an account or `*` grant alike: kind
/// (user, role, service-linked role), account (and so SCPs and organisation), the identity
/// documents that speak of the hop's actions (each policy of the inventory by address, so
/// its name goes with it) and the permissions boundary.
#[derive(Debug, PartialEq, Eq, Hash)]
struct PolicySetKey<'i> {
    kind: u8,
    account: &'i str,
    docs: Vec<SetDoc>,
    boundary: Option<usize>,
}

/// One identity document of a policy set: a document many principals hold (a managed or
/// group policy, by address), or a principal's own inline policy by its name and its
/// statements about hops (see [`hop_statements_key`]).
#[derive(Debug, PartialEq, Eq, Hash)]
enum SetDoc {
    Shared(usize),
    Inline(usize),
}

/// What decides a hop in an inline policy: its name (edges and messages name it) and each
/// statement that may apply to a hop's actions, with its label and its content; the other
/// statements cannot change a hop's decision.
fn hop_statements_key(name: &str, doc: &PolicyDocument) -> String {
    doc.statements_key(name, speaks_of_hops)
}

/// The resources a statement names, for a quick "may this allow role R?".
#[derive(Debug)]
pub(crate) enum ResourceSel {
    Any,
    /// Patterns (negated for `NotResource`); statements with policy variables are `Any`.
    Patterns(bool, Vec<ArnPattern>),
}

/// How an allow document that names roles only by exact ARNs or ARN prefixes is found.
enum DocKey {
    /// An exact ARN.
    Arn(String),
    /// An ARN prefix (a pattern whose one `*` ends it), with the account it fixes.
    Prefix(String, Option<String>),
}

impl DocGrants {
    /// What the `Allow` statements name, when each names roles only by exact ARNs or ARN
    /// prefixes (no `NotResource`, no other wildcard, no policy variable); `None` otherwise.
    fn index_keys(&self) -> Option<Vec<DocKey>> {
        let mut out = Vec::new();
        for (_, sel) in &self.allows {
            let ResourceSel::Patterns(false, pats) = sel else {
                return None;
            };
            for p in pats {
                out.push(match p.literal() {
                    Some(arn) => DocKey::Arn(arn),
                    None => {
                        let (prefix, account) = p.literal_prefix()?;
                        DocKey::Prefix(prefix, account.map(str::to_owned))
                    }
                });
            }
        }
        Some(out)
    }
}

impl ResourceSel {
    fn may_match(&self, arn: &str) -> bool {
        self.may_match_parts(&crate::engine::policy::pattern::ArnParts::new(arn))
    }

    fn may_match_parts(&self, arn: &crate::engine::policy::pattern::ArnParts<'_>) -> bool {
        match self {
            Self::Any => true,
            Self::Patterns(negated, pats) => pats.iter().any(|p| p.matches_parts(arn)) != *negated,
        }
    }
}

/// One identity document of a caller with its AssumeRole statements.
#[derive(Debug, Clone)]
pub(crate) struct CallerDoc {
    pub doc: Arc<PolicyDocument>,
    pub grants: Arc<DocGrants>,
}

/// The caller's side of every hop it takes, gathered once on first use.
#[derive(Debug, Clone)]
pub(crate) struct CallerTemplate {
    pub input: EvaluationInput,
}

/// The trust graph of a loaded inventory. Cheap to query many times; build it once.
#[derive(Debug)]
pub struct TrustGraph {
    pub(crate) inventory: Arc<Inventory>,
    /// The clock every witness request is evaluated at.
    pub now: DateTime<Utc>,
    pub(crate) index: PolicyIndex,
    /// Users first (same order as `Inventory::users`), then roles, then the principals
    /// trust policies name outside those.
    pub nodes: Vec<Node>,
    pub(crate) node_by_id: HashMap<String, NodeId>,
    pub(crate) trusts: Vec<RoleTrust>,
    pub(crate) by_node: HashMap<NodeId, Vec<GrantRef>>,
    pub(crate) everyone: Vec<GrantRef>,
    /// Per user and role node: its identity documents that speak of `sts:AssumeRole`.
    pub(crate) caller_docs: Vec<Vec<CallerDoc>>,
    /// Every distinct identity document allowing `sts:AssumeRole`, with its holders.
    pub(crate) allow_docs: Vec<AllowDoc>,
    /// The allow documents that may name a role of an account, by account; and those that
    /// may name a role of any account.
    pub(crate) allow_docs_by_account: HashMap<String, Vec<u32>>,
    pub(crate) allow_docs_any: Vec<u32>,
    /// The allow documents whose `Allow` statements name roles only by exact ARNs or ARN
    /// prefixes (they are in neither list above): by ARN, and by prefix (grouped by the
    /// account the prefix fixes, or for any account).
    pub(crate) allow_docs_by_arn: HashMap<String, Vec<u32>>,
    pub(crate) allow_prefixes_by_account: HashMap<String, Vec<(String, Vec<u32>)>>,
    pub(crate) allow_prefixes_any: Vec<(String, Vec<u32>)>,
    /// Each loaded account's index in [`AllowDoc::holders`].
    pub(crate) account_index: HashMap<String, u32>,
    pub(crate) rcps: HashMap<String, Vec<PolicyLevel>>,
    /// Accounts whose RCPs are missing from the data (a collection call failed), decided
    /// once: every hop into their roles turns on them.
    rcp_gaps: HashMap<String, Gap>,
    pub(crate) org_ids: HashMap<String, String>,
    pub(crate) outside_account: String,
    pub(crate) everyone_node: NodeId,
    templates: Vec<OnceLock<Option<CallerTemplate>>>,
    allow_all: NamedPolicy,
    /// Per user and role node: its caller policy set, or [`UNSHARED`].
    pub(crate) policy_sets: Vec<u32>,
    /// Per caller policy set: its members, in node order. A hop through an account or `*`
    /// grant is decided once for a set and kept as one way for all its members (a class of
    /// callers), expanded into members only where an answer lists them.
    pub(crate) set_members: Vec<Vec<NodeId>>,
    /// Per account: its caller policy sets, and its users and roles that share with no one,
    /// made when a `"*"` trust first asks.
    account_classes: OnceLock<HashMap<String, AccountClasses>>,
    /// Per policy set: true when its hops are decided alike for every role whose trust
    /// document is the same, once it is known which of the set's `sts:AssumeRole` allows
    /// name the role (see [`role_blind`]).
    role_blind_sets: Vec<bool>,
    /// Hops through account and `*` grants decided once per (role, grant, policy set): the
    /// edge of the first caller decided, reused for the others (see [`TrustGraph::shared_hop`]).
    shared: Mutex<Memo<SharedKey>>,
    /// Hops from a service, provider or outside principal through a grant of a trust document
    /// shared by roles of one account, decided once per (document key, grant, caller): the
    /// edge into the first role decided, reused for the others (see [`RoleTrust::doc_key`]).
    by_doc: Mutex<Memo<SharedKey>>,
    /// Hops of a role-blind policy set through a grant of a trust document shared by roles
    /// of one account, decided once per (document key, grant, set, which of the set's
    /// `sts:AssumeRole` allows name the role).
    by_doc_set: Mutex<Memo<DocSetKey>>,
    /// Per role: every hop into it, decided on the first query that needs them.
    pub(crate) into: Vec<OnceLock<Arc<Ways>>>,
    /// Per principal other than a loaded user or role: every hop out of it, decided on the
    /// first query that needs them.
    pub(crate) out: Vec<OnceLock<Arc<[Way]>>>,
    /// Every user's and role's hops out, decided when a walk forwards first meets it (see
    /// [`super::outs`]).
    pub(crate) outs: super::outs::LazyOuts,
    /// Per node: whether a hop from it is role chaining.
    chainings: Vec<Chaining>,
    /// Per role node: the ARN of its session as access-denied messages name it, made on
    /// first use.
    session_arns: Vec<OnceLock<Box<str>>>,
    /// Per role: its longest session (`MaxSessionDuration`).
    pub(crate) max_sessions: Vec<u32>,
    /// The users and roles of each account, made when a `"*"` trust first asks.
    members: OnceLock<HashMap<String, Vec<NodeId>>>,
    /// Per node: its place when nodes are sorted by id, for ordering answers cheaply.
    pub(crate) rank: Vec<u32>,
    /// The external-access scan, made on first use.
    pub(crate) external: OnceLock<super::query::ExternalAccess>,
    /// Recent reach answers, by start and depth.
    pub(crate) reaches: super::recent::Recent<(NodeId, usize), super::query::Reach>,
    /// Recent path answers, by start, end and depth.
    pub(crate) path_answers: super::recent::Recent<(NodeId, NodeId, usize), super::query::Paths>,
}

fn lower_matches(list: &PatternList, action_lower: &str) -> bool {
    let hit = list
        .patterns
        .iter()
        .any(|p| pattern_matches_lower(p, action_lower));
    hit != list.negated
}

/// True when an action pattern (any case, `*` and `?` wildcards) matches a lowercase action.
/// The text before the first wildcard is compared byte by byte first, so patterns of other
/// services are turned down without building a matcher.
fn pattern_matches_lower(p: &str, action_lower: &str) -> bool {
    let (pb, ab) = (p.as_bytes(), action_lower.as_bytes());
    for (i, c) in pb.iter().enumerate() {
        if matches!(c, b'*' | b'?') {
            return Wildcard::new(p, true).matches(action_lower);
        }
        if ab.get(i).is_none_or(|a| !c.eq_ignore_ascii_case(a)) {
            return false;
        }
    }
    pb.len() == ab.len()
}

fn statement_action_matches(st: &Statement, action_lower: &str) -> bool {
    st.action
        .as_ref()
        .is_some_and(|a| lower_matches(a, action_lower))
}

fn allow_all_policy() -> NamedPolicy {
    let doc = PolicyDocument::from_value(&serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    }))
    .document
    .unwrap_or(PolicyDocument {
        version: None,
        id: None,
        statements: Vec::new(),
    });
    NamedPolicy::from_document(
        "anyone outside the loaded accounts: some principal's own policies allow it",
        &doc,
    )
}

fn doc_grants(doc: &PolicyDocument) -> DocGrants {
    // Which statements may apply to a hop, read once for the three questions below.
    let hops: Vec<(&Statement, bool)> = doc
        .statements
        .iter()
        .map(|st| (st, speaks_of_hops(st)))
        .collect();
    let mut out = DocGrants {
        speaks_of_hops: hops.iter().any(|(_, h)| *h),
        // As `doc_reads_caller` answers.
        reads_caller: hops.iter().any(|(st, h)| *h && reads_caller(st)),
        role_blind: hops.iter().all(|(st, h)| !*h || role_blind(st)),
        ..DocGrants::default()
    };
    let mut accounts: Option<Vec<String>> = Some(Vec::new());
    for (i, st) in doc.statements.iter().enumerate() {
        if !statement_action_matches(st, "sts:assumerole") {
            continue;
        }
        match st.effect {
            Some(Effect::Allow) => {
                if let Some(list) = &mut accounts {
                    match &st.resource {
                        Some(r) if !r.negated => {
                            for p in &r.patterns {
                                match pattern_account(p) {
                                    Some(a) if !list.iter().any(|x| x == a) => {
                                        list.push(a.to_owned());
                                    }
                                    Some(_) => {}
                                    None => {
                                        accounts = None;
                                        break;
                                    }
                                }
                            }
                        }
                        Some(_) => accounts = None,
                        None => {}
                    }
                }
                let sel = match &st.resource {
                    None => continue,
                    Some(r) if r.patterns.iter().any(|p| p.contains("${")) => ResourceSel::Any,
                    Some(r) if !r.negated && r.patterns.iter().any(|p| &**p == "*") => {
                        ResourceSel::Any
                    }
                    Some(r) => ResourceSel::Patterns(
                        r.negated,
                        r.patterns.iter().map(|p| ArnPattern::new(p)).collect(),
                    ),
                };
                out.allows.push((i, sel));
            }
            Some(Effect::Deny) => out.denies.push(i),
            None => {}
        }
    }
    out.allow_accounts = accounts;
    out
}

/// The identity documents of a user or role: inline, attached managed (default version),
/// and those of its groups, in the order `policy::gather` reads them. False when one of them
/// (a managed policy, a group) is not in the data.
fn identity_texts<'i>(
    inv: &'i Inventory,
    groups_by_name: &HashMap<(&str, &str), &'i Group>,
    account: &str,
    inline: &'i [InlinePolicy],
    managed: &'i [AttachedPolicy],
    groups: &'i [String],
    out: &mut Vec<&'i PolicyText>,
) -> bool {
    out.extend(inline.iter().map(|p| &p.policy));
    let mut whole = true;
    let push_managed =
        |att: &AttachedPolicy, out: &mut Vec<&'i PolicyText>| match inv.managed_policy(&att.arn) {
            Some(m) => {
                out.extend(m.default_version().map(|v| &*v.policy));
                true
            }
            None => false,
        };
    for att in managed {
        whole &= push_managed(att, out);
    }
    for g in groups {
        if let Some(group) = groups_by_name.get(&(account, g.as_str())) {
            out.extend(group.inline_policies.iter().map(|p| &p.policy));
            for att in &group.managed_policies {
                whole &= push_managed(att, out);
            }
        } else {
            whole = false;
        }
    }
    whole
}

/// The caller document that stands for identity policies missing from the data: it may
/// allow anything, so the caller is asked about every role (and the policy engine, told what
/// is missing, answers unknown where it matters).
fn missing_policies_doc() -> CallerDoc {
    static DOC: std::sync::LazyLock<Arc<PolicyDocument>> = std::sync::LazyLock::new(|| {
        Arc::new(
            PolicyDocument::from_value(&serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]
            }))
            .document
            .unwrap_or(PolicyDocument {
                version: None,
                id: None,
                statements: Vec::new(),
            }),
        )
    });
    CallerDoc {
        grants: Arc::new(doc_grants(&DOC)),
        doc: Arc::clone(&DOC),
    }
}

/// True when a trust policy decides a hop through an account or `*` grant the same way for
/// every caller of one policy set: it names no individual principal (an `Allow` or `Deny`
/// naming one would treat that caller apart) and no condition reads who the caller is.
fn trust_shareable(doc: &PolicyDocument) -> bool {
    doc.statements.iter().all(|st| {
        let names_one = st.not_principal
            || match &st.principal {
                None | Some(Principals::Any) => false,
                Some(Principals::Listed(l)) => l.iter().any(|(kind, value)| {
                    *kind == PrincipalKind::Aws
                        && value != "*"
                        && !is_account_id(value)
                        && !(value.starts_with("arn:") && value.ends_with(":root"))
                }),
            };
        !names_one && !reads_caller(st)
    })
}

/// True when a hop through this trust policy is decided alike for every role of one account
/// holding the same document, by a caller whose side does not depend on the role (a service,
/// a provider, a principal outside the loaded accounts): no statement names resources, and no
/// condition reads the role's own attributes (its tags or ARN) or a policy variable. Keys
/// about the role's account (`aws:ResourceAccount`, `aws:ResourceOrgID`,
/// `aws:ResourceOrgPaths`) are the same for every role of the account.
fn trust_role_independent(doc: &PolicyDocument) -> bool {
    doc.statements
        .iter()
        .all(|st| st.resource.is_none() && !reads_role(&st.conditions))
}

/// True for callers whose side of a hop is the same whichever role they call: no identity
/// policy of their own is read (services, providers) or one that allows everything stands in
/// for it (principals outside the loaded accounts).
fn caller_role_independent(kind: NodeKind) -> bool {
    matches!(
        kind,
        NodeKind::Service
            | NodeKind::OidcProvider
            | NodeKind::SamlProvider
            | NodeKind::ExternalAccount
            | NodeKind::ExternalPrincipal
            | NodeKind::Everyone
    )
}

/// True for the SAML provider IAM Identity Center registers in an account
/// (`saml-provider/AWSSSO_<id>_DO_NOT_DELETE`), through which the access portal signs people
/// into the account's `AWSReservedSSO_*` roles.
fn identity_center_provider(node: &Node, account: &str) -> bool {
    node.kind == NodeKind::SamlProvider
        && node.account.as_deref() == Some(account)
        && node.name.starts_with("AWSSSO_")
}

struct Builder<'i> {
    inv: &'i Inventory,
    nodes: Vec<Node>,
    node_by_id: HashMap<String, NodeId>,
    by_unique_id: HashMap<&'i str, NodeId>,
}

impl Builder<'_> {
    fn intern(&mut self, kind: NodeKind, id: &str, account: Option<String>, name: &str) -> NodeId {
        if let Some(&n) = self.node_by_id.get(id) {
            return n;
        }
        let n = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX));
        self.nodes.push(Node {
            kind,
            id: id.to_owned(),
            account,
            name: name.to_owned(),
        });
        self.node_by_id.insert(id.to_owned(), n);
        n
    }

    fn loaded(&self, account: &str) -> bool {
        self.inv.accounts.contains_key(account)
    }

    /// Reads one `AWS` principal value (IAM-RULES §3.1).
    fn aws_principal(&mut self, value: &str) -> Option<Who> {
        if value == "*" {
            return Some(Who::Everyone);
        }
        if value.contains('*') || value.contains('?') {
            return None;
        }
        if is_account_id(value) {
            return Some(Who::Account(value.to_owned()));
        }
        if let Some(&n) = self.by_unique_id.get(value) {
            return Some(Who::Node(n, Grant::Principal, None));
        }
        let arn = Arn::parse(value).ok()?;
        let account = arn.account.clone();
        let loaded = self.loaded(&account);
        match (arn.service.as_str(), arn.resource_type()) {
            ("iam", "root") if arn.resource == "root" => Some(Who::Account(account)),
            ("iam", "user") if loaded => {
                let n = self.node_by_id.get(value).copied()?;
                Some(Who::Node(n, Grant::Principal, None))
            }
            ("iam", "role") if loaded => {
                let n = self.node_by_id.get(value).copied()?;
                Some(Who::Node(n, Grant::Principal, None))
            }
            ("sts", "assumed-role") => {
                let mut parts = arn.resource.splitn(3, '/');
                let (_, Some(role), Some(session)) = (parts.next(), parts.next(), parts.next())
                else {
                    return None;
                };
                if loaded {
                    let r = self
                        .inv
                        .roles_named(role)
                        .into_iter()
                        .find(|r| r.account == account)?;
                    let n = self.node_by_id.get(&r.arn).copied()?;
                    Some(Who::Node(n, Grant::Session, Some(session.to_owned())))
                } else {
                    let n = self.intern(
                        NodeKind::ExternalPrincipal,
                        value,
                        Some(account),
                        arn.resource_name(),
                    );
                    Some(Who::Node(n, Grant::Principal, None))
                }
            }
            ("iam", "user" | "role") => {
                let n = self.intern(
                    NodeKind::ExternalPrincipal,
                    value,
                    Some(account),
                    arn.resource_name(),
                );
                Some(Who::Node(n, Grant::Principal, None))
            }
            // Federated users cannot call AssumeRole (IAM-RULES §1.2); other ARNs name no caller.
            _ => None,
        }
    }

    fn federated(&mut self, value: &str) -> Option<(NodeId, Api)> {
        if value.contains('*') {
            return None;
        }
        match Arn::parse(value) {
            Ok(arn) if arn.resource_type() == "saml-provider" => Some((
                self.intern(
                    NodeKind::SamlProvider,
                    value,
                    Some(arn.account.clone()),
                    arn.resource_name(),
                ),
                Api::AssumeRoleWithSaml,
            )),
            Ok(arn) if arn.resource_type() == "oidc-provider" => {
                let name = arn
                    .resource
                    .strip_prefix("oidc-provider/")
                    .unwrap_or(&arn.resource)
                    .to_owned();
                Some((
                    self.intern(
                        NodeKind::OidcProvider,
                        value,
                        Some(arn.account.clone()),
                        &name,
                    ),
                    Api::AssumeRoleWithWebIdentity,
                ))
            }
            Ok(_) => None,
            Err(_) => Some((
                self.intern(NodeKind::OidcProvider, value, None, value),
                Api::AssumeRoleWithWebIdentity,
            )),
        }
    }

    fn read_trust(&mut self, doc: &PolicyDocument) -> (Vec<TrustGrant>, Vec<usize>) {
        let mut grants = Vec::new();
        let mut denies = Vec::new();
        for (i, st) in doc.statements.iter().enumerate() {
            let assume = statement_action_matches(st, "sts:assumerole");
            let web = statement_action_matches(st, "sts:assumerolewithwebidentity");
            let saml = statement_action_matches(st, "sts:assumerolewithsaml");
            if !(assume || web || saml) {
                continue;
            }
            match st.effect {
                Some(Effect::Deny) => {
                    denies.push(i);
                    continue;
                }
                Some(Effect::Allow) => {}
                None => continue,
            }
            // `NotPrincipal` is not allowed in trust policies (IAM-RULES §3.1).
            if st.not_principal {
                continue;
            }
            let Some(principals) = &st.principal else {
                continue;
            };
            let entries: Vec<(PrincipalKind, String)> = match principals {
                Principals::Any => vec![(PrincipalKind::Aws, "*".to_owned())],
                Principals::Listed(l) => l.clone(),
            };
            for (kind, value) in entries {
                match kind {
                    PrincipalKind::Aws => {
                        if !assume {
                            continue;
                        }
                        if let Some(who) = self.aws_principal(&value) {
                            if let Who::Account(a) = &who
                                && !self.loaded(a)
                            {
                                let n =
                                    self.intern(NodeKind::ExternalAccount, a, Some(a.clone()), a);
                                grants.push(TrustGrant {
                                    stmt: i,
                                    api: Api::AssumeRole,
                                    who: Who::Node(n, Grant::Account, None),
                                });
                                continue;
                            }
                            grants.push(TrustGrant {
                                stmt: i,
                                api: Api::AssumeRole,
                                who,
                            });
                        }
                    }
                    PrincipalKind::Service => {
                        if assume && !value.contains('*') {
                            let n = self.intern(NodeKind::Service, &value, None, &value);
                            grants.push(TrustGrant {
                                stmt: i,
                                api: Api::AssumeRole,
                                who: Who::Node(n, Grant::Principal, None),
                            });
                        }
                    }
                    PrincipalKind::Federated => {
                        if let Some((n, api)) = self.federated(&value) {
                            let allowed = match api {
                                Api::AssumeRoleWithSaml => saml,
                                _ => web,
                            };
                            if allowed {
                                grants.push(TrustGrant {
                                    stmt: i,
                                    api,
                                    who: Who::Node(n, Grant::Principal, None),
                                });
                            }
                        }
                    }
                    PrincipalKind::CanonicalUser => {}
                }
            }
        }
        (grants, denies)
    }
}

impl TrustGraph {
    /// Builds the graph of `inventory`, evaluating hops at `now`. What a query needs is
    /// decided when it first needs it and kept: a who-can-assume question decides the hops
    /// into the roles its walk meets; a walk forwards (reach, path) decides the hops out of
    /// the principals it meets; the external-access scan decides only the hops of principals
    /// outside the loaded accounts. Later queries walk what is kept.
    #[must_use]
    pub fn build(inventory: Arc<Inventory>, now: DateTime<Utc>) -> Self {
        Self::build_lazy(inventory, now)
    }

    /// Builds the graph of `inventory` and decides every hop now, so that no query decides
    /// any: for benchmarks and for callers that will walk the whole graph anyway.
    #[must_use]
    pub fn build_eager(inventory: Arc<Inventory>, now: DateTime<Utc>) -> Self {
        let graph = Self::build_lazy(inventory, now);
        graph.decide_all();
        graph
    }

    /// The same as [`TrustGraph::build`] (kept for callers that name it).
    #[must_use]
    #[expect(
        clippy::too_many_lines,
        reason = "one pass per index, in the order the module documentation gives"
    )]
    pub fn build_lazy(inventory: Arc<Inventory>, now: DateTime<Utc>) -> Self {
        let inv: &Inventory = &inventory;
        // Every policy document is compiled the first time a hop needs it, then kept.
        let index = PolicyIndex::compiling_on_use();
        let mut b = Builder {
            inv,
            nodes: Vec::with_capacity(inv.users.len() + inv.roles.len() + 16),
            node_by_id: HashMap::with_capacity_and_hasher(
                inv.users.len() + inv.roles.len() + 16,
                foldhash::fast::RandomState::default(),
            ),
            by_unique_id: HashMap::default(),
        };
        for u in &inv.users {
            let n = b.intern(NodeKind::User, &u.arn, Some(u.account.clone()), &u.name);
            b.by_unique_id.insert(u.user_id.as_str(), n);
        }
        for r in &inv.roles {
            let n = b.intern(NodeKind::Role, &r.arn, Some(r.account.clone()), &r.name);
            b.by_unique_id.insert(r.role_id.as_str(), n);
        }
        let everyone_node = b.intern(NodeKind::Everyone, "*", None, "*");

        // Each caller's sts:AssumeRole statements (read on a second thread while this one
        // reads the trust policies: the two passes share nothing but the inventory), read
        // once per distinct document.
        let read_callers = || {
            let mut doc_cache: HashMap<usize, Arc<DocGrants>> = HashMap::default();
            let mut caller_docs: Vec<Vec<CallerDoc>> =
                Vec::with_capacity(inv.users.len() + inv.roles.len());
            let mut account_index: HashMap<String, u32> = HashMap::default();
            let mut allow_docs: Vec<AllowDoc> = Vec::new();
            let mut allow_doc_of: HashMap<usize, u32> = HashMap::default();
            let mut texts = Vec::new();
            let mut groups_by_name: HashMap<(&str, &str), &Group> = HashMap::default();
            for g in &inv.groups {
                groups_by_name
                    .entry((g.account.as_str(), g.name.as_str()))
                    .or_insert(g);
            }
            let principals = inv
                .users
                .iter()
                .map(|u| {
                    (
                        u.permissions_boundary.as_ref(),
                        u.account.as_str(),
                        u.inline_policies.as_slice(),
                        u.managed_policies.as_slice(),
                        u.groups.as_slice(),
                        true,
                    )
                })
                .chain(inv.roles.iter().map(|r| {
                    (
                        r.permissions_boundary.as_ref(),
                        r.account.as_str(),
                        r.inline_policies.as_slice(),
                        r.managed_policies.as_slice(),
                        &[][..],
                        r.policies_loaded,
                    )
                }));
            let mut missing_doc: Option<CallerDoc> = None;
            // Accounts whose SCPs read who the caller is share no hop decisions.
            let scps_read_caller = |account: &str| {
                inv.accounts
                    .get(account)
                    .and_then(|a| a.organization.as_ref())
                    .is_some_and(|org| {
                        org.scps_by_level
                            .iter()
                            .flat_map(|l| &l.policies)
                            .any(|p| p.document.as_deref().is_none_or(doc_reads_caller))
                    })
            };
            // Accounts whose SCPs treat every role alike (see `role_blind`).
            let scps_role_blind = |account: &str| {
                inv.accounts
                    .get(account)
                    .and_then(|a| a.organization.as_ref())
                    .is_none_or(|org| {
                        org.scps_by_level.iter().flat_map(|l| &l.policies).all(|p| {
                            p.document.as_deref().is_some_and(|d| {
                                d.statements.iter().all(|st| {
                                    !speaks_of_hops(st)
                                        || (names_every_resource(st) && !reads_role(&st.conditions))
                                })
                            })
                        })
                    })
            };
            let mut scp_flags: HashMap<&str, (bool, bool)> = HashMap::default();
            let mut role_blind_sets: Vec<bool> = Vec::new();
            let mut set_ids: HashMap<PolicySetKey<'_>, u32> = HashMap::default();
            let mut inline_keys: HashMap<String, usize> = HashMap::default();
            let mut policy_sets: Vec<u32> = Vec::with_capacity(inv.users.len() + inv.roles.len());
            for (i, (boundary, account, inline, managed, groups, loaded)) in principals.enumerate()
            {
                let boundary_text = boundary
                    .and_then(|att| inv.managed_policy(&att.arn)?.default_version())
                    .map(|v| &v.policy);
                let boundary_grants = boundary_text.and_then(|t| t.document.as_ref()).map(|doc| {
                    Arc::clone(
                        doc_cache
                            .entry(Arc::as_ptr(doc) as usize)
                            .or_insert_with(|| Arc::new(doc_grants(doc))),
                    )
                });
                let (scp_caller, scp_role) = *scp_flags
                    .entry(account)
                    .or_insert_with(|| (scps_read_caller(account), scps_role_blind(account)));
                let mut role_blind_set =
                    scp_role && boundary_grants.as_ref().is_none_or(|g| g.role_blind);
                let mut shareable = !scp_caller
                    && boundary.is_none() == boundary_text.is_none()
                    && boundary_grants.as_ref().is_none_or(|g| !g.reads_caller)
                    && boundary_text.is_none_or(|t| t.document.is_some());
                texts.clear();
                let whole = identity_texts(
                    inv,
                    &groups_by_name,
                    account,
                    inline,
                    managed,
                    groups,
                    &mut texts,
                ) && loaded
                    && boundary.is_none() == boundary_text.is_none();
                let mut docs = Vec::new();
                if !whole {
                    // Its decisions turn on what it lacks: decided on their own, and asked about
                    // every role its missing policies might allow.
                    shareable = false;
                    docs.push(missing_doc.get_or_insert_with(missing_policies_doc).clone());
                }
                let mut set_docs = Vec::new();
                for (k, text) in texts.iter().enumerate() {
                    let Some(doc) = &text.document else {
                        shareable = false;
                        continue;
                    };
                    let key = Arc::as_ptr(doc) as usize;
                    let grants = doc_cache
                        .entry(key)
                        .or_insert_with(|| Arc::new(doc_grants(doc)));
                    if grants.speaks_of_hops {
                        shareable &= !grants.reads_caller;
                        role_blind_set &= grants.role_blind;
                        // The principal's own inline policies (listed first) are one document
                        // each; two with the same name and the same statements about hops decide
                        // every hop alike, whatever else they allow: one class.
                        set_docs.push(match inline.get(k) {
                            Some(p) => {
                                let next = inline_keys.len();
                                SetDoc::Inline(
                                    *inline_keys
                                        .entry(hop_statements_key(&p.name, doc))
                                        .or_insert(next),
                                )
                            }
                            None => SetDoc::Shared(std::ptr::from_ref::<PolicyText>(text) as usize),
                        });
                    }
                    if !grants.allows.is_empty() || !grants.denies.is_empty() {
                        docs.push(CallerDoc {
                            doc: Arc::clone(doc),
                            grants: Arc::clone(grants),
                        });
                    }
                }
                let kind = match i.checked_sub(inv.users.len()).map(|r| &inv.roles[r]) {
                    None => 0,
                    Some(r) if r.is_service_linked() => 2,
                    Some(_) => 1,
                };
                policy_sets.push(if shareable {
                    let next = u32::try_from(set_ids.len()).unwrap_or(UNSHARED);
                    *set_ids
                        .entry(PolicySetKey {
                            kind,
                            account,
                            docs: set_docs,
                            boundary: boundary_text
                                .map(|t| std::ptr::from_ref::<PolicyText>(t) as usize),
                        })
                        .or_insert_with(|| {
                            role_blind_sets.push(role_blind_set);
                            next
                        })
                } else {
                    UNSHARED
                });
                let node = NodeId(u32::try_from(i).unwrap_or(u32::MAX));
                if docs.iter().any(|d| !d.grants.allows.is_empty()) {
                    let next = u32::try_from(account_index.len()).unwrap_or(u32::MAX);
                    let acct = *account_index.entry(account.to_owned()).or_insert(next);
                    for d in docs.iter().filter(|d| !d.grants.allows.is_empty()) {
                        let next = u32::try_from(allow_docs.len()).unwrap_or(u32::MAX);
                        let k = *allow_doc_of
                            .entry(Arc::as_ptr(&d.grants) as usize)
                            .or_insert_with(|| {
                                allow_docs.push(AllowDoc {
                                    grants: Arc::clone(&d.grants),
                                    holders: Vec::new(),
                                    sets: Vec::new(),
                                    loose: Vec::new(),
                                });
                                next
                            });
                        let holders = &mut allow_docs[k as usize].holders;
                        if holders.last() != Some(&(acct, node)) {
                            holders.push((acct, node));
                        }
                    }
                }
                caller_docs.push(docs);
            }
            (
                caller_docs,
                account_index,
                allow_docs,
                policy_sets,
                set_ids,
                role_blind_sets,
            )
        };
        // Trust policies, indexed by who they name.
        let mut trusts = Vec::with_capacity(inv.roles.len());
        let mut by_node: HashMap<NodeId, Vec<GrantRef>> = HashMap::default();
        let mut everyone = Vec::new();
        // Real accounts repeat a few trust documents across thousands of roles (the account's
        // root, a CI provider): each text is read once, with what it says of its statements.
        let mut read: HashMap<&str, TrustReading> = HashMap::default();
        let (callers, ()) = super::side_by_side(read_callers, || {
            for (ri, role) in inv.roles.iter().enumerate() {
                let doc = role.trust_policy.document.clone();
                let reading = match &doc {
                    Some(d) => read
                        .entry(&*role.trust_policy.text)
                        .or_insert_with(|| TrustReading::of(&mut b, d))
                        .clone(),
                    None => TrustReading::default(),
                };
                let TrustReading {
                    mut grants,
                    denies,
                    shareable,
                    reads_caller,
                    reads_principal,
                } = reading;
                if role.name.starts_with("AWSReservedSSO_") {
                    for g in &mut grants {
                        if g.api == Api::AssumeRoleWithSaml
                            && let Who::Node(n, ..) = &g.who
                            && identity_center_provider(&b.nodes[n.index()], &role.account)
                        {
                            g.api = Api::IdentityCenterPortal;
                        }
                    }
                }
                let r = u32::try_from(ri).unwrap_or(u32::MAX);
                for (gi, g) in grants.iter().enumerate() {
                    let gref = (r, u32::try_from(gi).unwrap_or(u32::MAX));
                    match &g.who {
                        Who::Node(n, ..) => by_node.entry(*n).or_default().push(gref),
                        Who::Account(_) => {}
                        Who::Everyone => everyone.push(gref),
                    }
                }
                let named_alike = denies.is_empty() && doc.is_some() && !reads_caller;
                let outside_alike = named_alike && !reads_principal;
                let class_grants = grants
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| matches!(g.who, Who::Account(_) | Who::Everyone))
                    .map(|(gi, _)| u32::try_from(gi).unwrap_or(u32::MAX))
                    .collect();
                trusts.push(RoleTrust {
                    doc,
                    policy: OnceLock::new(),
                    grants,
                    denies,
                    shareable,
                    named_alike,
                    outside_alike,
                    class_grants,
                    doc_key: UNSHARED,
                    same_text_as: UNSHARED,
                });
            }
        });
        let (caller_docs, account_index, mut allow_docs, policy_sets, set_ids, role_blind_sets) =
            callers;

        let mut allow_docs_by_account: HashMap<String, Vec<u32>> = HashMap::default();
        let mut allow_docs_by_arn: HashMap<String, Vec<u32>> = HashMap::default();
        let mut by_prefix: HashMap<(Option<String>, String), Vec<u32>> = HashMap::default();
        let mut allow_docs_any = Vec::new();
        for (k, d) in allow_docs.iter_mut().enumerate() {
            d.holders.sort_unstable();
            for &(acct, node) in &d.holders {
                match policy_sets.get(node.index()).copied().unwrap_or(UNSHARED) {
                    UNSHARED => d.loose.push((acct, node)),
                    set => d.sets.push((acct, set)),
                }
            }
            d.sets.sort_unstable();
            d.sets.dedup();
            let k = u32::try_from(k).unwrap_or(u32::MAX);
            if let Some(keys) = d.grants.index_keys() {
                for key in keys {
                    let docs = match key {
                        DocKey::Arn(arn) => allow_docs_by_arn.entry(arn).or_default(),
                        DocKey::Prefix(p, account) => by_prefix.entry((account, p)).or_default(),
                    };
                    if docs.last() != Some(&k) {
                        docs.push(k);
                    }
                }
                continue;
            }
            match &d.grants.allow_accounts {
                Some(list) => {
                    for a in list {
                        allow_docs_by_account.entry(a.clone()).or_default().push(k);
                    }
                }
                None => allow_docs_any.push(k),
            }
        }

        let mut allow_prefixes_by_account: HashMap<String, Vec<(String, Vec<u32>)>> =
            HashMap::default();
        let mut allow_prefixes_any = Vec::new();
        for ((account, prefix), docs) in by_prefix {
            match account {
                Some(a) => allow_prefixes_by_account
                    .entry(a)
                    .or_default()
                    .push((prefix, docs)),
                None => allow_prefixes_any.push((prefix, docs)),
            }
        }

        // Organisation guardrails by account.
        let rcp_gaps: HashMap<String, Gap> = inv
            .accounts
            .iter()
            .filter_map(|(id, a)| {
                crate::engine::coverage::rcps(a)
                    .map(|m| (id.clone(), Gap::new(PolicyType::ResourceControlPolicy, m)))
            })
            .collect();
        let mut rcps = HashMap::default();
        let mut org_ids = HashMap::default();
        let mut rcps_read_caller = HashMap::default();
        for (id, acc) in &inv.accounts {
            let Some(org) = &acc.organization else {
                continue;
            };
            org_ids.insert(id.clone(), org.org_id.clone());
            if org.is_management_account || org.rcps_by_level.is_empty() {
                continue;
            }
            rcps_read_caller.insert(
                id.clone(),
                org.rcps_by_level
                    .iter()
                    .flat_map(|l| &l.policies)
                    .any(|p| p.document.as_deref().is_none_or(doc_reads_caller)),
            );
            let levels = org
                .rcps_by_level
                .iter()
                .map(|l| PolicyLevel {
                    target: l.target.clone(),
                    policies: l
                        .policies
                        .iter()
                        .enumerate()
                        .filter_map(|(i, p)| {
                            index.get(p).map(|c| {
                                NamedPolicy::new(
                                    crate::engine::policy::gather::org_policy_name("RCP", l, i),
                                    c,
                                )
                            })
                        })
                        .collect(),
                })
                .collect();
            rcps.insert(id.clone(), levels);
        }
        // Hops into roles of accounts whose RCPs read who the caller is are not shared.
        for (role, trust) in inv.roles.iter().zip(trusts.iter_mut()) {
            if rcps_read_caller
                .get(&role.account)
                .copied()
                .unwrap_or(false)
            {
                trust.shareable = false;
                trust.named_alike = false;
                trust.outside_alike = false;
            }
        }
        // Roles sharing a role-independent trust document in an account without RCPs (an RCP
        // may name roles by ARN) and outside Identity Center (STS treats its roles apart).
        let mut doc_keys: HashMap<(&str, &str), u32> = HashMap::default();
        let mut by_text: HashMap<&str, u32> = HashMap::default();
        for (ri, (role, trust)) in inv.roles.iter().zip(trusts.iter_mut()).enumerate() {
            let ri = u32::try_from(ri).unwrap_or(UNSHARED);
            trust.same_text_as = *by_text.entry(&*role.trust_policy.text).or_insert(ri);
            if trust.doc.as_deref().is_some_and(trust_role_independent)
                && !rcps.contains_key(&role.account)
                && !role.name.starts_with("AWSReservedSSO_")
            {
                let next = u32::try_from(doc_keys.len()).unwrap_or(UNSHARED);
                trust.doc_key = *doc_keys
                    .entry((&*role.trust_policy.text, role.account.as_str()))
                    .or_insert(next);
            }
        }
        let outside_account = OUTSIDE_ACCOUNTS
            .iter()
            .find(|a| !inv.accounts.contains_key(**a))
            .map_or_else(|| OUTSIDE_ACCOUNTS[0].to_owned(), |a| (*a).to_owned());

        let nodes = b.nodes;
        let node_by_id = b.node_by_id;
        let templates = (0..nodes.len()).map(|_| OnceLock::new()).collect();
        let mut order: Vec<u32> = (0..u32::try_from(nodes.len()).unwrap_or(u32::MAX)).collect();
        order.sort_unstable_by(|a, b| nodes[*a as usize].id.cmp(&nodes[*b as usize].id));
        let mut rank = vec![0; nodes.len()];
        for (place, n) in order.into_iter().enumerate() {
            rank[n as usize] = u32::try_from(place).unwrap_or(u32::MAX);
        }
        let mut set_members: Vec<Vec<NodeId>> = vec![Vec::new(); set_ids.len()];
        for (i, &set) in policy_sets.iter().enumerate() {
            if let Some(m) = set_members.get_mut(set as usize) {
                m.push(NodeId(u32::try_from(i).unwrap_or(u32::MAX)));
            }
        }
        let mut graph = Self {
            set_members,
            account_classes: OnceLock::new(),
            policy_sets,
            shared: Mutex::new(Memo::default()),
            by_doc: Mutex::new(Memo::default()),
            by_doc_set: Mutex::new(Memo::default()),
            role_blind_sets,
            into: (0..inv.roles.len()).map(|_| OnceLock::new()).collect(),
            out: (0..nodes.len()).map(|_| OnceLock::new()).collect(),
            outs: super::outs::LazyOuts::new(set_ids.len(), inv.users.len() + inv.roles.len()),
            chainings: Vec::new(),
            session_arns: (0..nodes.len()).map(|_| OnceLock::new()).collect(),
            max_sessions: inv.roles.iter().map(Role::effective_max_session).collect(),
            members: OnceLock::new(),
            external: OnceLock::new(),
            reaches: super::recent::Recent::default(),
            path_answers: super::recent::Recent::default(),
            rank,
            now,
            index,
            nodes,
            node_by_id,
            trusts,
            by_node,
            everyone,
            caller_docs,
            allow_docs,
            allow_docs_by_account,
            allow_docs_by_arn,
            allow_prefixes_by_account,
            allow_prefixes_any,
            allow_docs_any,
            account_index,
            rcps,
            rcp_gaps,
            org_ids,
            outside_account,
            everyone_node,
            templates,
            allow_all: allow_all_policy(),
            inventory,
        };
        graph.chainings = (0..graph.nodes.len())
            .map(|i| graph.chaining_of(NodeId(u32::try_from(i).unwrap_or(u32::MAX))))
            .collect();
        graph
    }

    /// The inventory the graph was built from.
    #[must_use]
    pub fn inventory(&self) -> &Inventory {
        &self.inventory
    }

    /// The node `id` stands for.
    #[must_use]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// How many nodes the graph has (every [`NodeId`] is below it).
    #[must_use]
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The node of a user ARN, role ARN, service name, provider, account id or `*`.
    #[must_use]
    pub fn node_id(&self, id: &str) -> Option<NodeId> {
        self.node_by_id.get(id).copied()
    }

    /// The `"*"` node.
    #[must_use]
    pub fn everyone(&self) -> NodeId {
        self.everyone_node
    }

    /// The role a node stands for, when it is a role of the inventory.
    #[must_use]
    pub fn role(&self, id: NodeId) -> Option<&Role> {
        let i = id.index().checked_sub(self.inventory.users.len())?;
        self.inventory
            .roles
            .get(i)
            .filter(|_| self.nodes[id.index()].kind == NodeKind::Role)
    }

    /// The user behind a user node (users are the first nodes, in the order loaded).
    #[must_use]
    pub fn user(&self, id: NodeId) -> Option<&crate::engine::model::User> {
        self.inventory.users.get(id.index()).filter(|_| {
            self.nodes
                .get(id.index())
                .is_some_and(|n| n.kind == NodeKind::User)
        })
    }

    pub(crate) fn role_index(&self, id: NodeId) -> Option<usize> {
        let i = id.index().checked_sub(self.inventory.users.len())?;
        (i < self.inventory.roles.len()).then_some(i)
    }

    pub(crate) fn role_node(&self, role: usize) -> NodeId {
        NodeId(u32::try_from(self.inventory.users.len() + role).unwrap_or(u32::MAX))
    }

    /// The users and roles of `account`.
    pub(crate) fn members_of(&self, account: &str) -> &[NodeId] {
        self.members
            .get_or_init(|| {
                let mut by: HashMap<String, Vec<NodeId>> = HashMap::default();
                for (i, n) in self.nodes.iter().enumerate() {
                    if matches!(n.kind, NodeKind::User | NodeKind::Role)
                        && let Some(a) = &n.account
                    {
                        by.entry(a.clone())
                            .or_default()
                            .push(NodeId(u32::try_from(i).unwrap_or(u32::MAX)));
                    }
                }
                by
            })
            .get(account)
            .map_or(&[][..], Vec::as_slice)
    }

    /// True when the account is among the loaded ones.
    #[must_use]
    pub fn is_loaded(&self, account: &str) -> bool {
        self.inventory.accounts.contains_key(account)
    }

    /// The caller documents of a user or role node (empty for other nodes).
    pub(crate) fn docs_of(&self, caller: NodeId) -> &[CallerDoc] {
        self.caller_docs
            .get(caller.index())
            .map_or(&[][..], Vec::as_slice)
    }

    /// True when some identity statement of the caller may allow `sts:AssumeRole` on `arn`
    /// (conditions aside): the quick filter before a full evaluation.
    pub(crate) fn may_allow(&self, caller: NodeId, arn: &str) -> bool {
        self.docs_of(caller)
            .iter()
            .any(|d| d.grants.allows.iter().any(|(_, sel)| sel.may_match(arn)))
    }

    /// The allow documents that may name role `ri` (conditions aside), found through the
    /// indexes by ARN, ARN prefix and account; a document may come more than once.
    fn allow_docs_for(&self, ri: usize) -> Vec<u32> {
        let role = &self.inventory.roles[ri];
        let arn = crate::engine::policy::pattern::ArnParts::new(&role.arn);
        let named = self
            .allow_docs_by_arn
            .get(&role.arn)
            .into_iter()
            .flatten()
            .chain(
                self.allow_prefixes_by_account
                    .get(&role.account)
                    .into_iter()
                    .flatten()
                    .chain(&self.allow_prefixes_any)
                    .filter(|(prefix, _)| role.arn.starts_with(prefix.as_str()))
                    .flat_map(|(_, docs)| docs),
            );
        let scanned = self
            .allow_docs_by_account
            .get(&role.account)
            .into_iter()
            .flatten()
            .chain(&self.allow_docs_any)
            .filter(|&&k| {
                self.allow_docs[k as usize]
                    .grants
                    .allows
                    .iter()
                    .any(|(_, sel)| sel.may_match_parts(&arn))
            });
        named.chain(scanned).copied().collect()
    }

    /// The account index `account` restricts holders to (`Ok(None)`: every account but the
    /// role's own), or `Err` when no holder can be of it.
    fn holder_account(&self, account: Option<&str>) -> Result<Option<u32>, ()> {
        match account {
            Some(a) => self.account_index.get(a).map(|&k| Some(k)).ok_or(()),
            None => Ok(None),
        }
    }

    /// The part of a sorted `(account index, x)` list in account `only`, or outside `skip`.
    fn in_account<T: Copy>(
        list: &[(u32, T)],
        only: Option<u32>,
        skip: Option<u32>,
    ) -> impl Iterator<Item = T> + '_ {
        let (lo, hi) = match only {
            Some(a) => (
                list.partition_point(|(x, _)| *x < a),
                list.partition_point(|(x, _)| *x <= a),
            ),
            None => (0, list.len()),
        };
        list[lo..hi]
            .iter()
            .filter(move |(x, _)| only.is_some() || Some(*x) != skip)
            .map(|(_, t)| *t)
    }

    /// The users and roles whose own identity policy may allow `sts:AssumeRole` on role `ri`
    /// (conditions aside), in `account` only or (`None`) outside the role's account, sorted
    /// and without repeats: [`TrustGraph::may_allow`] for every holder, found through the
    /// allow documents that may name the role instead of asking each holder.
    pub(crate) fn holders_for(&self, ri: usize, account: Option<&str>) -> Vec<NodeId> {
        let Ok(only) = self.holder_account(account) else {
            return Vec::new();
        };
        let skip = self
            .account_index
            .get(&self.inventory.roles[ri].account)
            .copied();
        let mut out = Vec::new();
        for k in self.allow_docs_for(ri) {
            out.extend(Self::in_account(
                &self.allow_docs[k as usize].holders,
                only,
                skip,
            ));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// [`TrustGraph::holders_for`] as classes: the caller policy sets whose members hold an
    /// allow document that may name the role (every member holds the same ones), and the
    /// holders that share their decisions with no one; each sorted, without repeats.
    pub(crate) fn holder_classes(
        &self,
        ri: usize,
        account: Option<&str>,
    ) -> (Vec<u32>, Vec<NodeId>) {
        let Ok(only) = self.holder_account(account) else {
            return (Vec::new(), Vec::new());
        };
        let skip = self
            .account_index
            .get(&self.inventory.roles[ri].account)
            .copied();
        let (mut sets, mut loose) = (Vec::new(), Vec::new());
        for k in self.allow_docs_for(ri) {
            let d = &self.allow_docs[k as usize];
            sets.extend(Self::in_account(&d.sets, only, skip));
            loose.extend(Self::in_account(&d.loose, only, skip));
        }
        sets.sort_unstable();
        sets.dedup();
        loose.sort_unstable();
        loose.dedup();
        (sets, loose)
    }

    /// The caller policy sets of `account`, and its users and roles in no set.
    pub(crate) fn account_classes(&self, account: &str) -> (&[u32], &[NodeId]) {
        self.account_classes
            .get_or_init(|| {
                let mut by: HashMap<String, AccountClasses> = HashMap::default();
                for (i, n) in self.nodes.iter().enumerate() {
                    if !matches!(n.kind, NodeKind::User | NodeKind::Role) {
                        continue;
                    }
                    let Some(a) = &n.account else { continue };
                    let entry = by.entry(a.clone()).or_default();
                    match self.policy_sets.get(i).copied().unwrap_or(UNSHARED) {
                        UNSHARED => entry.1.push(NodeId(u32::try_from(i).unwrap_or(u32::MAX))),
                        set => entry.0.push(set),
                    }
                }
                for (sets, _) in by.values_mut() {
                    sets.sort_unstable();
                    sets.dedup();
                }
                by
            })
            .get(account)
            .map_or((&[][..], &[][..]), |(s, l)| (s.as_slice(), l.as_slice()))
    }

    /// The members of a caller policy set, in node order.
    pub(crate) fn members_of_set(&self, set: u32) -> &[NodeId] {
        self.set_members
            .get(set as usize)
            .map_or(&[][..], Vec::as_slice)
    }

    /// The compiled trust policy of role `ri`, compiled on first use (once per trust text).
    fn trust_policy(&self, ri: usize) -> Option<&NamedPolicy> {
        let role = self.inventory.roles.get(ri)?;
        let trust = self.trusts.get(ri)?;
        trust
            .policy
            .get_or_init(|| {
                let compiled = match trust.same_text_as as usize {
                    first if first != ri && first < self.trusts.len() => {
                        Arc::clone(&self.trust_policy(first)?.policy)
                    }
                    _ => self.index.get(&role.trust_policy)?,
                };
                Some(NamedPolicy::new(
                    format!("{} trust policy", role.name),
                    compiled,
                ))
            })
            .as_ref()
    }

    fn template(&self, caller: NodeId) -> Option<&CallerTemplate> {
        self.templates
            .get(caller.index())?
            .get_or_init(|| self.make_template(caller))
            .as_ref()
    }

    fn make_template(&self, caller: NodeId) -> Option<CallerTemplate> {
        let node = &self.nodes[caller.index()];
        let mut outside = false;
        let mut session = SessionFacts::default();
        let principal = match node.kind {
            NodeKind::User => {
                Principal::user(&node.id, node.account.as_deref().unwrap_or_default())
            }
            NodeKind::Role => {
                session.issued_at = Some(self.now);
                Principal::role_session(&node.id, DEFAULT_SESSION_NAME)
            }
            NodeKind::Service => Principal::service(&node.id),
            NodeKind::OidcProvider | NodeKind::SamlProvider => Principal {
                kind: if node.kind == NodeKind::SamlProvider {
                    PrincipalType::Saml
                } else {
                    PrincipalType::WebIdentity
                },
                arn: node.id.clone(),
                account: node.account.clone(),
                role_arn: None,
                role_path_known: true,
                source_user_arn: None,
                unique_id: None,
                session_name: None,
                service_linked: false,
            },
            NodeKind::ExternalAccount => {
                outside = true;
                Principal::user(
                    &format!("arn:aws:iam::{}:user/any-principal", node.id),
                    &node.id,
                )
            }
            NodeKind::ExternalPrincipal => {
                outside = true;
                let mut p = Principal::parse(&node.id).ok()?;
                if p.kind == PrincipalType::AssumedRole {
                    session.issued_at = Some(self.now);
                    p.role_path_known = false;
                }
                p
            }
            NodeKind::Everyone => {
                outside = true;
                Principal::user(
                    &format!("arn:aws:iam::{}:user/anyone", self.outside_account),
                    &self.outside_account,
                )
            }
        };
        let mut req = AccessRequest::new(principal, "sts:AssumeRole", "*", self.now);
        req.session = session;
        let mut input = gather(&self.inventory, &self.index, &req).ok()?;
        input.context.insert_static("aws:SecureTransport", "true");
        if node.kind == NodeKind::Service {
            input
                .context
                .insert("aws:PrincipalServiceName", node.id.clone());
        }
        if outside {
            input.gaps.clear();
            if node.kind == NodeKind::Everyone {
                // Anyone anywhere: some principal of some account allows itself the call, so
                // the graph asks only what the trust lets in.
                input.identity_policies = vec![self.allow_all.clone()];
            } else {
                // A principal of an account that is not loaded: its half (identity policies,
                // boundary, SCPs) is not in the data, so a hop the trust lets in is unknown.
                let account = node.account.as_deref().unwrap_or(&node.id);
                let who = if node.kind == NodeKind::ExternalAccount {
                    format!("arn:aws:iam::{account}:root")
                } else {
                    node.id.clone()
                };
                let missing = Arc::new(crate::engine::coverage::account(account, &who));
                input.identity_policies = Vec::new();
                for layer in [
                    PolicyType::IdentityBasedPolicy,
                    PolicyType::ServiceControlPolicy,
                ] {
                    input.gaps.push(Gap {
                        layer,
                        missing: Arc::clone(&missing),
                    });
                }
            }
        }
        // RCPs are the role's account's, added per hop.
        input
            .gaps
            .retain(|g| g.layer != PolicyType::ResourceControlPolicy);
        input.resource_policy = None;
        // Each hop's request adds a few keys on top of the caller's own.
        input.context = RequestContext::layered(Arc::new(std::mem::take(&mut input.context)));
        Some(CallerTemplate { input })
    }

    pub(crate) fn chaining(&self, caller: NodeId) -> Chaining {
        self.chainings
            .get(caller.index())
            .copied()
            .unwrap_or_else(|| self.chaining_of(caller))
    }

    fn chaining_of(&self, caller: NodeId) -> Chaining {
        match self.nodes[caller.index()].kind {
            NodeKind::Role => match self.role(caller) {
                Some(r) if !r.instance_profiles.is_empty() => Chaining::UnlessInstanceProfile,
                _ => Chaining::Yes,
            },
            NodeKind::ExternalPrincipal if self.nodes[caller.index()].id.contains(":role/") => {
                Chaining::Yes
            }
            _ => Chaining::No,
        }
    }

    /// Evaluates one STS action of a witness request through the policy engine, as the
    /// simulator would.
    fn decide(
        &self,
        tmpl: &CallerTemplate,
        role: &Role,
        trust: &NamedPolicy,
        action: &str,
        w: &WitnessRequest,
    ) -> Decision {
        let mut input = tmpl.input.clone();
        input.action = action.to_owned();
        input.resource.clone_from(&role.arn);
        input.resource_account = Some(role.account.clone());
        input.rcps = self.rcps.get(&role.account).cloned();
        if let Some(g) = self.rcp_gaps.get(&role.account) {
            input.gaps.push(g.clone());
        }
        input.resource_policy = Some(ResourceBasedPolicy {
            policy: trust.clone(),
            is_role_trust: true,
        });
        if let Some(session) = &w.caller_session_name
            && input.principal.kind == PrincipalType::AssumedRole
            && input.principal.session_name.as_deref() != Some(session.as_str())
            && let Some(role_arn) = input.principal.role_arn.clone()
        {
            let mut p = Principal::role_session(&role_arn, session);
            p.unique_id.clone_from(&input.principal.unique_id);
            p.role_path_known = input.principal.role_path_known;
            if let Some(id) = &p.unique_id {
                input
                    .context
                    .insert("aws:userid", format!("{id}:{session}"));
            }
            input.principal = p;
        }
        let ctx = &mut input.context;
        // The role's keys as the simulator sets them (one definition).
        let org = self.org_ids.get(&role.account).map(String::as_str);
        for (k, v) in crate::engine::policy::context_builder::role_resource_pairs(role, org) {
            ctx.insert(k.into_owned(), v);
        }
        w.apply(ctx);
        evaluate(&input)
    }

    /// Every trust grant of `role` that could apply to `caller`, ignoring identity policies.
    pub(crate) fn grants_for(&self, caller: NodeId, role: usize) -> Vec<usize> {
        let node = &self.nodes[caller.index()];
        let trust = &self.trusts[role];
        let caller_account = match node.kind {
            NodeKind::User
            | NodeKind::Role
            | NodeKind::ExternalPrincipal
            | NodeKind::ExternalAccount => node.account.clone(),
            NodeKind::Everyone => Some(self.outside_account.clone()),
            _ => None,
        };
        trust
            .grants
            .iter()
            .enumerate()
            .filter(|(_, g)| match &g.who {
                Who::Node(n, Grant::Account, _) => {
                    *n == caller
                        || caller_account.as_deref() == Some(self.nodes[n.index()].id.as_str())
                }
                Who::Node(n, ..) => *n == caller,
                Who::Account(a) => caller_account.as_deref() == Some(a.as_str()),
                Who::Everyone => matches!(
                    node.kind,
                    NodeKind::User
                        | NodeKind::Role
                        | NodeKind::ExternalPrincipal
                        | NodeKind::ExternalAccount
                        | NodeKind::Everyone
                ),
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Decides the hop `caller` → `role` through every trust grant that could apply:
    /// the first working edge, or else the first broken one, or `None`. A hop through an
    /// account or `*` grant reuses the decision made for an earlier caller with the same
    /// policies (see [`TrustGraph::hop_unshared`]).
    #[must_use]
    pub fn hop(&self, caller: NodeId, role: NodeId) -> Option<Edge> {
        let ri = self.role_index(role)?;
        self.first_edge(self.grants_for(caller, ri), |g| {
            self.shared_hop(caller, ri, g)
        })
    }

    /// [`TrustGraph::hop`] decided for this caller alone, sharing nothing with callers of
    /// the same policies: slower, and meant for checking the shared decisions.
    #[must_use]
    pub fn hop_unshared(&self, caller: NodeId, role: NodeId) -> Option<Edge> {
        let ri = self.role_index(role)?;
        self.first_edge(self.grants_for(caller, ri), |g| {
            self.check(caller, ri, g).map(Arc::new)
        })
        .map(Arc::unwrap_or_clone)
    }

    /// The first working edge `decide` gives for the grants, in order, or else the first
    /// broken one.
    pub(crate) fn first_edge<E: std::borrow::Borrow<Edge>>(
        &self,
        grants: impl IntoIterator<Item = usize>,
        mut decide: impl FnMut(usize) -> Option<E>,
    ) -> Option<E> {
        let mut broken = None;
        for g in grants {
            match decide(g) {
                Some(e) if e.borrow().works() => return Some(e),
                Some(e) if broken.is_none() => broken = Some(e),
                _ => {}
            }
        }
        broken
    }

    /// The policy set whose decision `caller` may share for grant `gi` of role `ri`: only
    /// account and `*` grants of a trust that treats every caller of a set alike, into an
    /// account whose RCPs do the same.
    pub(crate) fn shared_set(&self, caller: NodeId, ri: usize, gi: usize) -> Option<u32> {
        let set = *self.policy_sets.get(caller.index())?;
        let trust = self.trusts.get(ri)?;
        (set != UNSHARED
            && trust.shareable
            && matches!(trust.grants.get(gi)?.who, Who::Account(_) | Who::Everyone))
        .then_some(set)
    }

    /// The policy set whose decision `caller` may share for grant `gi` of role `ri` when the
    /// grant names it by ARN: the trust tells the principals it names apart by nothing else
    /// ([`RoleTrust::named_alike`]), so the callers of one set named in one statement are
    /// decided alike.
    fn named_set(&self, caller: NodeId, ri: usize, gi: usize) -> Option<u32> {
        let set = *self.policy_sets.get(caller.index())?;
        let trust = self.trusts.get(ri)?;
        (set != UNSHARED
            && trust.named_alike
            && matches!(trust.grants.get(gi)?.who, Who::Node(n, Grant::Principal, None) if n == caller))
        .then_some(set)
    }

    /// For a principal outside the loaded accounts that grant `gi` of role `ri` names, when
    /// the trust tells such principals apart by nothing but their names
    /// ([`RoleTrust::outside_alike`]): the key its decision is shared under with the other
    /// outside principals of its kind the same statement names (in place of a policy set,
    /// numbers no set takes).
    fn outside_named(&self, caller: NodeId, ri: usize, gi: usize) -> Option<u32> {
        let trust = self.trusts.get(ri)?;
        let kind = match self.nodes.get(caller.index())?.kind {
            NodeKind::ExternalAccount => UNSHARED - 1,
            NodeKind::ExternalPrincipal => UNSHARED - 2,
            _ => return None,
        };
        (trust.outside_alike
            && matches!(trust.grants.get(gi)?.who, Who::Node(n, Grant::Principal | Grant::Account, None) if n == caller))
        .then_some(kind)
    }

    /// Decides one hop through one trust grant, reusing the decision made for an earlier
    /// caller of the same policy set when the grant allows it ([`TrustGraph::shared_set`]),
    /// or for an earlier role with the same trust document ([`RoleTrust::doc_key`]).
    pub(crate) fn shared_hop(&self, caller: NodeId, ri: usize, gi: usize) -> Option<Edge> {
        self.shared_hop_raw(caller, ri, gi)
            .map(|e| self.adopt(&e, caller, self.role_node(ri)))
    }

    /// [`TrustGraph::shared_hop`] without making the edge the caller's: when the decision is
    /// shared, the edge decided for the first caller of the set, or into the first role of the
    /// document (see [`TrustGraph::adopt`]).
    pub(crate) fn shared_hop_raw(&self, caller: NodeId, ri: usize, gi: usize) -> Option<Arc<Edge>> {
        let as_u32 = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let doc_key = self.trusts.get(ri).map_or(UNSHARED, |t| t.doc_key);
        if let Some(set) = self.shared_set(caller, ri, gi) {
            let decide = || {
                Self::remembered(&self.shared, (as_u32(ri), as_u32(gi), set), || {
                    self.check(caller, ri, gi).map(Arc::new)
                })
            };
            return match self.role_signature(caller, ri, set, doc_key) {
                Some(sig) => {
                    Self::remembered(&self.by_doc_set, (doc_key, as_u32(gi), set, sig), decide)
                }
                None => decide(),
            };
        }
        // A caller a trust names, decided once with the others of its kind (an outside
        // principal) or policy set that the same statement names.
        if let Some(class) = self
            .outside_named(caller, ri, gi)
            .or_else(|| self.named_set(caller, ri, gi))
        {
            let stmt = self.trusts[ri].grants[gi].stmt;
            return Self::remembered(
                &self.shared,
                (as_u32(ri), NAMED | as_u32(stmt), class),
                || self.check(caller, ri, gi).map(Arc::new),
            );
        }
        if doc_key != UNSHARED && caller_role_independent(self.nodes[caller.index()].kind) {
            return Self::remembered(&self.by_doc, (doc_key, as_u32(gi), caller.0), || {
                self.check(caller, ri, gi).map(Arc::new)
            });
        }
        self.check(caller, ri, gi).map(Arc::new)
    }

    /// For a caller of a role-blind policy set calling a role whose trust document is
    /// shared: which of the caller's `sts:AssumeRole` allows may name the role, one bit each
    /// (`None` past 64, or when the hop is not shared across roles).
    fn role_signature(&self, caller: NodeId, ri: usize, set: u32, doc_key: u32) -> Option<u64> {
        if doc_key == UNSHARED || !*self.role_blind_sets.get(set as usize)? {
            return None;
        }
        let arn = crate::engine::policy::pattern::ArnParts::new(&self.inventory.roles[ri].arn);
        let mut sig = 0u64;
        let mut bit = 0u32;
        for d in self.docs_of(caller) {
            for (_, sel) in &d.grants.allows {
                if bit >= 64 {
                    return None;
                }
                if sel.may_match_parts(&arn) {
                    sig |= 1 << bit;
                }
                bit += 1;
            }
        }
        Some(sig)
    }

    /// The decision kept under `key`, or else `decide`'s, which is kept for next time.
    fn remembered<K: std::hash::Hash + Eq>(
        memo: &Mutex<Memo<K>>,
        key: K,
        decide: impl FnOnce() -> Option<Arc<Edge>>,
    ) -> Option<Arc<Edge>> {
        let known = memo
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        if let Some(edge) = known {
            return edge;
        }
        let edge = decide();
        memo.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, edge.clone());
        edge
    }

    /// Another caller's (or role's) decided hop, made this caller's hop into `to`: the same
    /// requirements, request and outcome; its own caller and role in the edge and in the
    /// access-denied message, its own chaining.
    pub(crate) fn adopt(&self, edge: &Edge, caller: NodeId, to: NodeId) -> Edge {
        self.adopt_with(edge, caller, to, None)
    }

    /// [`TrustGraph::adopt`] for one of many callers adopting `edge` into `to` in turn: the
    /// places its sentence names the caller and the role are found once (see
    /// [`AdoptPlaces`]).
    pub(crate) fn adopt_kept(
        &self,
        edge: &Arc<Edge>,
        caller: NodeId,
        to: NodeId,
        places: &mut AdoptPlaces,
    ) -> Edge {
        self.adopt_with(edge, caller, to, Some((edge, places)))
    }

    fn adopt_with(
        &self,
        edge: &Edge,
        caller: NodeId,
        to: NodeId,
        kept: Option<(&Arc<Edge>, &mut AdoptPlaces)>,
    ) -> Edge {
        if edge.from == caller && edge.to == to {
            return edge.clone();
        }
        // The access-denied sentence names the caller, its inline policies and the role:
        // written anew from the decided one (a walk makes hundreds of thousands of these).
        let status = match &edge.status {
            EdgeStatus::Broken {
                refused_by,
                message,
            } => EdgeStatus::Broken {
                refused_by: *refused_by,
                message: self.adopted_message(message, edge, caller, to, kept),
            },
            other => other.clone(),
        };
        let mut e = Edge {
            from: edge.from,
            to: edge.to,
            api: edge.api,
            grant: edge.grant,
            cross_account: edge.cross_account,
            chaining: edge.chaining,
            status,
            terms: Arc::clone(&edge.terms),
        };
        if edge.from != caller {
            // A caller's own inline policies are named after it (`owner/policy`): callers of
            // one policy set hold inline policies of the same name and statements.
            let (was, is) = (&self.node(edge.from).name, &self.node(caller).name);
            // Read without allocating: most hops' statements are not the caller's own.
            if let Some(rest) = e
                .terms
                .caller_statement
                .as_deref()
                .and_then(|s| s.strip_prefix(was.as_str()))
                .and_then(|s| s.strip_prefix('/'))
            {
                e.terms = Arc::new(HopTerms {
                    trust_statement: e.terms.trust_statement.clone(),
                    caller_statement: Some(format!("{is}/{rest}")),
                    requirements: e.terms.requirements.clone(),
                    request: e.terms.request.clone(),
                });
            }
            // An unknown hop of a principal outside the loaded accounts names it and its
            // account in what is missing (its policies): name the caller's instead.
            let outside = |n: NodeId| {
                matches!(
                    self.node(n).kind,
                    NodeKind::ExternalAccount | NodeKind::ExternalPrincipal
                )
            };
            if outside(edge.from)
                && outside(caller)
                && let EdgeStatus::Unknown { missing, message } = &mut e.status
            {
                let (was, is) = (self.node(edge.from), self.node(caller));
                let swap = |t: &str| {
                    let t = t.replace(&was.id, &is.id);
                    match (&was.account, &is.account) {
                        (Some(a), Some(b)) => t.replace(a.as_str(), b),
                        _ => t,
                    }
                };
                *message = swap(message);
                for m in missing.iter_mut() {
                    *m = Arc::new(crate::engine::coverage::Missing {
                        part: m.part,
                        what: swap(&m.what),
                        name: swap(&m.name),
                        fetch: swap(&m.fetch),
                    });
                }
            }
            e.from = caller;
            e.chaining = self.chaining(caller);
        }
        e.to = to;
        e
    }

    /// A decided hop's access-denied sentence, made `caller`'s hop into `to` (see
    /// [`TrustGraph::adopt`]).
    fn adopted_message(
        &self,
        message: &str,
        edge: &Edge,
        caller: NodeId,
        to: NodeId,
        kept: Option<(&Arc<Edge>, &mut AdoptPlaces)>,
    ) -> String {
        let mut renames: Vec<Rename<'_>> = Vec::with_capacity(3);
        if edge.from != caller {
            renames.push(Rename {
                before: "",
                core: self.message_principal(edge.from),
                after: "",
                to: self.message_principal(caller),
            });
            // A caller's own inline policy, named `` `owner/policy` ``.
            renames.push(Rename {
                before: "`",
                core: &self.node(edge.from).name,
                after: "/",
                to: &self.node(caller).name,
            });
        }
        if edge.to != to {
            renames.push(Rename {
                before: " on resource: ",
                core: &self.node(edge.to).id,
                after: " ",
                to: &self.node(to).id,
            });
        }
        if renames.is_empty() {
            return message.to_owned();
        }
        match kept {
            // Which renamings apply turns on the hop, the role and whether the caller is
            // the hop's own: a caller that is not, adopting the kept hop into the kept role,
            // finds them at the kept places.
            Some((hop, places)) if edge.from != caller => {
                let same = places
                    .hop
                    .as_ref()
                    .is_some_and(|(h, t)| Arc::ptr_eq(h, hop) && *t == to);
                if !same {
                    places.at = rename_places(message, &renames);
                    places.hop = Some((Arc::clone(hop), to));
                }
                splice(message, &places.at, &renames)
            }
            _ => rename_all(message, &renames),
        }
    }

    /// The principal a caller's access-denied messages name: the user, or the role's
    /// session (as [`TrustGraph::make_template`] describes it).
    pub(crate) fn message_principal(&self, caller: NodeId) -> &str {
        let node = &self.nodes[caller.index()];
        match (node.kind, self.session_arns.get(caller.index())) {
            (NodeKind::Role, Some(cell)) => cell.get_or_init(|| {
                Principal::role_session(&node.id, DEFAULT_SESSION_NAME)
                    .arn
                    .into_boxed_str()
            }),
            _ => &node.id,
        }
    }

    /// Decides one hop through one trust grant.
    #[expect(
        clippy::too_many_lines,
        reason = "the attempts are one loop; splitting it hides the order they run in"
    )]
    pub(crate) fn check(&self, caller: NodeId, role_idx: usize, grant_idx: usize) -> Option<Edge> {
        let inv = &self.inventory;
        let role = &inv.roles[role_idx];
        let trust = &self.trusts[role_idx];
        let g = trust.grants.get(grant_idx)?;
        let doc = trust.doc.as_ref()?;
        let policy = self.trust_policy(role_idx)?;
        let st = doc.statements.get(g.stmt)?;
        let tmpl = self.template(caller)?;
        let node = &self.nodes[caller.index()];
        let fixed = &tmpl.input.context;
        // A role session signs with its session: its MFA is its session's (none for the
        // session the graph gives a role caller), never a code passed with the call — STS
        // takes `SerialNumber` only for the device of the IAM user making the call
        // ([STS-API AssumeRole]), as the simulator has it.
        let session_caller = matches!(
            tmpl.input.principal.kind,
            PrincipalType::AssumedRole | PrincipalType::FederatedUser
        );

        let (grant, session) = match &g.who {
            Who::Node(_, grant, session) => (*grant, session.clone()),
            Who::Account(_) => (Grant::Account, None),
            Who::Everyone => (Grant::Everyone, None),
        };
        let mut base = WitnessRequest {
            session_name: DEFAULT_SESSION_NAME.to_owned(),
            caller_session_name: session.clone(),
            ..WitnessRequest::default()
        };
        let mut trust_reqs = satisfy_allow(&st.conditions, Side::Trust, &mut base, fixed);
        if node.kind == NodeKind::Service {
            satisfy_service_tags(&st.conditions, &mut base, fixed);
        }
        if g.api == Api::IdentityCenterPortal
            && let Some(set) = super::edge::permission_set(&role.name)
        {
            // The portal offers the role to the people assigned its permission set in
            // this account.
            trust_reqs.push(Requirement {
                kind: RequirementKind::Other,
                side: Side::Trust,
                operator: "assigned".to_owned(),
                key: super::edge::PERMISSION_SET_KEY.to_owned(),
                values: vec![set.to_owned()],
                from_deny: false,
            });
        }
        if let Some(s) = session {
            trust_reqs.push(Requirement {
                kind: super::edge::RequirementKind::CallerSession,
                side: Side::Trust,
                operator: "Principal".to_owned(),
                key: "caller session".to_owned(),
                values: vec![s],
                from_deny: false,
            });
        }

        // Caller statements that may allow the call, tried one at a time.
        let mut caller_stmts: Vec<(&CallerDoc, &Statement)> = Vec::new();
        let mut caller_denies: Vec<(&CallerDoc, &Statement)> = Vec::new();
        if g.api == Api::AssumeRole {
            for d in self.docs_of(caller) {
                for (si, sel) in &d.grants.allows {
                    if sel.may_match(&role.arn)
                        && let Some(s) = d.doc.statements.get(*si)
                    {
                        caller_stmts.push((d, s));
                    }
                }
                for si in &d.grants.denies {
                    if let Some(s) = d.doc.statements.get(*si) {
                        caller_denies.push((d, s));
                    }
                }
            }
        }
        let attempts: Vec<Option<(&CallerDoc, &Statement)>> = std::iter::once(None)
            .chain(caller_stmts.iter().copied().map(Some))
            .collect();

        // A provider STS would not accept (or that the data cannot vouch for) decides the hop
        // before any policy: the edge is broken, or unknown when the provider list is missing.
        let refused = match self.federation_refusal(caller, g.api, role, &mut base) {
            Some(Err(missing)) => Some(EdgeStatus::Unknown {
                missing: vec![Arc::new(missing)],
                message: format!(
                    "STS accepts {} only if the provider is registered in account {}",
                    g.api.action(),
                    role.account
                ),
            }),
            Some(Ok(message)) => Some(EdgeStatus::Broken {
                refused_by: None,
                message,
            }),
            None => None,
        };
        if let Some(status) = refused {
            return Some(Edge {
                from: caller,
                to: self.role_node(role_idx),
                api: g.api,
                grant,
                cross_account: false,
                chaining: Chaining::No,
                terms: Arc::new(HopTerms {
                    trust_statement: st.label(),
                    caller_statement: None,
                    requirements: trust_reqs,
                    request: base,
                }),
                status,
            });
        }
        let cross_account = node.account.as_deref().is_some_and(|a| a != role.account)
            || matches!(node.kind, NodeKind::Everyone | NodeKind::ExternalAccount);
        let mut first_broken: Option<(WitnessRequest, Vec<Requirement>, Decision)> = None;
        let mut first_unknown: Option<(WitnessRequest, Vec<Requirement>, Decision)> = None;
        for escape in [false, true] {
            if escape && trust.denies.is_empty() && caller_denies.is_empty() {
                break;
            }
            for attempt in &attempts {
                let mut w = base.clone();
                let mut reqs = trust_reqs.clone();
                if let Some((_, s)) = attempt {
                    reqs.extend(satisfy_allow(&s.conditions, Side::Caller, &mut w, fixed));
                }
                if escape {
                    for di in &trust.denies {
                        if let Some(d) = doc.statements.get(*di)
                            && let Some(r) = escape_deny(&d.conditions, Side::Trust, &mut w, fixed)
                        {
                            reqs.push(r);
                        }
                    }
                    for (_, d) in &caller_denies {
                        if let Some(r) = escape_deny(&d.conditions, Side::Caller, &mut w, fixed) {
                            reqs.push(r);
                        }
                    }
                }
                if session_caller {
                    w.mfa = false;
                }
                let mut actions = vec![g.api.action()];
                if w.passes_tags() {
                    actions.push("sts:TagSession");
                }
                if w.source_identity.is_some() {
                    actions.push("sts:SetSourceIdentity");
                }
                let mut refusal = None;
                let mut caller_statement = None;
                for action in actions {
                    let d = self.decide(tmpl, role, policy, action, &w);
                    if d.is_allowed() {
                        if caller_statement.is_none() {
                            caller_statement = d
                                .matched_statements
                                .iter()
                                .find(|m| {
                                    m.policy_type == PolicyType::IdentityBasedPolicy
                                        && m.effect == Effect::Allow
                                })
                                .map(|m| m.describe().replace('`', ""));
                        }
                    } else {
                        refusal = Some(d);
                        break;
                    }
                }
                match refusal {
                    None => {
                        let needs_caller = cross_account || grant == Grant::Account;
                        return Some(Edge {
                            from: caller,
                            to: self.role_node(role_idx),
                            api: g.api,
                            grant,
                            cross_account,
                            chaining: self.chaining(caller),
                            terms: Arc::new(HopTerms {
                                trust_statement: st.label(),
                                caller_statement: caller_statement.filter(|_| needs_caller),
                                requirements: reqs,
                                request: w,
                            }),
                            status: EdgeStatus::Works,
                        });
                    }
                    Some(d) if d.is_unknown() => {
                        if first_unknown.is_none() {
                            first_unknown = Some((w, reqs, d));
                        }
                    }
                    Some(d) => {
                        // The first refusal, unless a later attempt got past the caller's
                        // identity policy (its conditions met) and was refused further on:
                        // that refusal is what stands in the way.
                        let better = match &first_broken {
                            None => true,
                            Some((_, _, b)) => past_identity(&d) && !past_identity(b),
                        };
                        // A trust the caller's session cannot meet (MFA asked of a role
                        // session) is a broken hop, not an absent one: the trust names it.
                        let session_mfa = session_caller
                            && reqs.iter().any(|r| {
                                r.kind == super::edge::RequirementKind::Mfa && !r.from_deny
                            });
                        if better && (caller_half_refused(&d) || session_mfa) {
                            first_broken = Some((w, reqs, d));
                        }
                    }
                }
            }
        }
        if let Some((w, reqs, d)) = first_unknown {
            return Some(Edge {
                from: caller,
                to: self.role_node(role_idx),
                api: g.api,
                grant,
                cross_account,
                chaining: self.chaining(caller),
                terms: Arc::new(HopTerms {
                    trust_statement: st.label(),
                    caller_statement: None,
                    requirements: reqs,
                    request: w,
                }),
                status: EdgeStatus::Unknown {
                    missing: d.missing,
                    message: d.message,
                },
            });
        }
        let (w, reqs, d) = first_broken?;
        let message = if session_caller
            && reqs
                .iter()
                .any(|r| r.kind == super::edge::RequirementKind::Mfa && !r.from_deny)
        {
            format!(
                "{}; the caller is a role session: its requests carry its own session's MFA, which an AssumeRole session does not have, and it cannot pass an MFA code (only an IAM user can)",
                d.message
            )
        } else {
            d.message
        };
        Some(Edge {
            from: caller,
            to: self.role_node(role_idx),
            api: g.api,
            grant,
            cross_account,
            chaining: self.chaining(caller),
            terms: Arc::new(HopTerms {
                trust_statement: st.label(),
                caller_statement: None,
                requirements: reqs,
                request: w,
            }),
            status: EdgeStatus::Broken {
                refused_by: Some(d.deciding.unwrap_or(PolicyType::IdentityBasedPolicy)),
                message,
            },
        })
    }

    /// Why STS would refuse a federation call before any policy is read, if it would
    /// (`Ok`), or the missing data that would tell (`Err`: the provider lists of the role's
    /// account are not loaded).
    fn federation_refusal(
        &self,
        caller: NodeId,
        api: Api,
        role: &Role,
        w: &mut WitnessRequest,
    ) -> Option<Result<String, crate::engine::coverage::Missing>> {
        self.federation_check(caller, api, role, w).map(|r| match r {
            Ok(m) => Ok(m),
            Err(()) => {
                let node = &self.nodes[caller.index()];
                crate::engine::coverage::identity_provider(&self.inventory, &node.id)
                    .ok_or_else(|| {
                        format!(
                            "no identity provider `{}` is registered in account {}; STS answers InvalidIdentityToken",
                            node.id, role.account
                        )
                    })
                    .map_or_else(Ok, Err)
            }
        })
    }

    /// [`Self::federation_refusal`] as the data stands; `Err(())` when the provider is not
    /// in the data.
    fn federation_check(
        &self,
        caller: NodeId,
        api: Api,
        role: &Role,
        w: &mut WitnessRequest,
    ) -> Option<Result<String, ()>> {
        if api == Api::AssumeRole {
            return None;
        }
        if api == Api::AssumeRoleWithSaml && role.name.starts_with("AWSReservedSSO_") {
            // IAM-RULES §2.1
            return Some(Ok(format!(
                "STS refuses AssumeRoleWithSAML on IAM Identity Center roles (`{}`): sign in through the Identity Center access portal instead (AWS STS API Reference: AssumeRoleWithSAML)",
                role.name
            )));
        }
        let node = &self.nodes[caller.index()];
        let Some(account) = &node.account else {
            // A built-in provider (Cognito, Google, Login with Amazon, Facebook).
            return None;
        };
        if *account != role.account {
            return Some(Ok(format!(
                "the trust names provider `{}` of account {account}, but STS only accepts providers registered in the role's account {}",
                node.id, role.account
            )));
        }
        let Some(provider) = self
            .inventory
            .identity_providers
            .iter()
            .find(|p| p.arn == node.id && p.account == role.account)
        else {
            return Some(Err(()));
        };
        if api != Api::AssumeRoleWithWebIdentity || provider.client_ids.is_empty() {
            return None;
        }
        // The token's audience must be one of the provider's client IDs (IAM-RULES §2.2).
        let aud_key = format!("{}:aud", node.name);
        match w.claims.get(&aud_key).map(|v| v.values().to_vec()) {
            Some(auds) => (!auds.iter().any(|a| provider.client_ids.contains(a))).then(|| {
                Ok(format!(
                    "the trust requires audience {}, which is not a client ID of `{}` ({}); STS answers InvalidIdentityToken",
                    auds.join(", "),
                    node.id,
                    provider.client_ids.join(", ")
                ))
            }),
            None => {
                w.claims.insert(
                    aud_key,
                    crate::engine::policy::context::ContextValue::Single(
                        provider.client_ids[0].clone(),
                    ),
                );
                None
            }
        }
    }
}

/// True when the trust policy allowed and something else refused.
/// True when the caller's identity policy did not refuse the request for want of an allow.
fn past_identity(d: &Decision) -> bool {
    d.layer(PolicyType::IdentityBasedPolicy) != LayerOutcome::ImplicitDeny
}

fn caller_half_refused(d: &Decision) -> bool {
    d.layer(PolicyType::ResourceBasedPolicy) == LayerOutcome::Allowed
        && matches!(
            d.deciding,
            Some(
                PolicyType::IdentityBasedPolicy
                    | PolicyType::PermissionsBoundary
                    | PolicyType::SessionPolicy
                    | PolicyType::ServiceControlPolicy
                    | PolicyType::ResourceControlPolicy
            )
        )
}

#[cfg(test)]
mod tests {
    use super::{HOP_ACTIONS, lower_matches, pattern_matches_lower, speaks_of_hops};
    use crate::engine::policy::document::PolicyDocument;

    /// The quick test of `speaks_of_hops` (patterns that cannot name `sts:` passed over)
    /// answers as matching every hop action against every pattern does.
    #[test]
    fn statements_speak_of_hops_as_every_pattern_matched_against_every_hop_action_says() {
        let patterns = [
            "sts:AssumeRole",
            "STS:TagSession",
            "sts:SetSourceIdentity",
            "sts:*",
            "st*",
            "s?s:*",
            "?",
            "*",
            "sts",
            "sts:",
            "sts:Get*",
            "s3:*",
            "iam:PassRole",
            "ec2:*",
            "stsx:AssumeRole",
            "sts:AssumeRole?",
            "sts:Assume*",
            "",
        ];
        let mut checked = 0;
        for negated in [false, true] {
            for a in patterns {
                for b in patterns {
                    let key = if negated { "NotAction" } else { "Action" };
                    let doc = PolicyDocument::from_value(&serde_json::json!({
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", key: [a, b], "Resource": "*"}]
                    }))
                    .document
                    .expect("a document");
                    let st = &doc.statements[0];
                    let list = st.action.as_ref().expect("an action list");
                    let expected = HOP_ACTIONS.iter().any(|h| lower_matches(list, h));
                    assert_eq!(speaks_of_hops(st), expected, "{key} [{a}, {b}]");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 2 * patterns.len() * patterns.len());
    }

    #[test]
    fn action_patterns_match_as_iam_matches_them_ignoring_case() {
        for (pattern, action, expected) in [
            ("sts:AssumeRole", "sts:assumerole", true),
            ("STS:ASSUMEROLE", "sts:assumerole", true),
            ("sts:*", "sts:tagsession", true),
            ("*", "sts:assumerole", true),
            ("sts:AssumeRole*", "sts:assumerolewithsaml", true),
            ("sts:Assume?ole", "sts:assumerole", true),
            ("s3:*", "sts:assumerole", false),
            ("sts:Assume", "sts:assumerole", false),
            ("sts:AssumeRoleX", "sts:assumerole", false),
            ("sts:assumerole?", "sts:assumerole", false),
            ("", "sts:assumerole", false),
        ] {
            assert_eq!(
                pattern_matches_lower(pattern, action),
                expected,
                "{pattern} vs {action}"
            );
        }
    }
}

#[cfg(test)]
mod rename_tests {
    use super::{Rename, places, rename_all};

    #[test]
    fn places_finds_every_whole_occurrence_and_nothing_past_the_end() {
        let hay = "arn:a arn:ab arn:a";
        assert_eq!(places(hay, "arn:a").collect::<Vec<_>>(), vec![0, 6, 13]);
        assert_eq!(places(hay, "arn:ab").collect::<Vec<_>>(), vec![6]);
        // Longer than what is left after a candidate's first byte.
        assert_eq!(places("xa", "ab").count(), 0);
        assert_eq!(places("", "a").count(), 0);
        assert_eq!(places("abc", "").count(), 0);
    }

    #[test]
    fn a_sentence_is_renamed_where_each_name_stands_in_its_frame() {
        let renames = [
            Rename {
                before: "",
                core: "arn:aws:iam::1:user/a",
                after: "",
                to: "arn:aws:iam::1:user/b",
            },
            Rename {
                before: "`",
                core: "a",
                after: "/",
                to: "b",
            },
            Rename {
                before: " on resource: ",
                core: "arn:aws:iam::1:role/R",
                after: " ",
                to: "arn:aws:iam::1:role/S",
            },
        ];
        let said = "User: arn:aws:iam::1:user/a is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::1:role/R because `a/deny` denies it (a/x stays)";
        assert_eq!(
            rename_all(said, &renames),
            "User: arn:aws:iam::1:user/b is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::1:role/S because `b/deny` denies it (a/x stays)"
        );
        // A role ARN that is not the resource keeps its name.
        let other = "trusts arn:aws:iam::1:role/R and more";
        assert_eq!(rename_all(other, &renames[2..]), other);
    }
}
