//! The compiled form of a policy: every pattern, principal and condition value read once, so
//! a statement can be matched against a request without parsing or allocating (policy
//! variables aside).
//!
//! A statement applies to a request when its Action/NotAction, Resource/NotResource,
//! Principal/NotPrincipal (resource-based policies only) and every condition match
//! (IAM-RULES §4.3). Principal rules (IAM-RULES §3.1): `"*"` is everyone; an account id or
//! root ARN names the account (a delegation); a user, role, session or federated-user ARN
//! names exactly that principal (a role ARN covers every session of the role); a wildcard
//! inside a principal ARN is not a pattern and matches nothing. How a match combines with
//! the other policy types is `policy::evaluate`.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::condition::CompiledCondition;
use super::context::RequestContext;
use super::document::{Effect, PolicyDocument, PrincipalKind, Principals, Statement};
use super::pattern::{ArnParts, ArnPattern, Wildcard, arn_glob_match, glob_match};
use super::principal::{Principal, PrincipalType};
use super::variables::Template;
use crate::engine::arn::{Arn, is_account_id};

/// How a resource-based policy's `Principal` named the caller. Decides what the grant is
/// worth on its own (IAM-RULES §4.1 step 4, §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GrantKind {
    /// The account (id or root ARN): delegation only, the identity policy must allow too.
    Account,
    /// The role ARN, for a session of that role: limited by boundary and session policy.
    Role,
    /// The IAM user that called `GetFederationToken`, for its federated-user session: limited
    /// by boundary and session policy.
    SourceUser,
    /// `"*"`: every principal.
    Everyone,
    /// The caller exactly: user ARN, session ARN, federated-user ARN, service or provider.
    Direct,
}

/// The version under which policy variables are read.
pub const VARIABLES_VERSION: &str = "2012-10-17";

#[derive(Debug, Clone, PartialEq)]
enum ResourcePat {
    Plain(ArnPattern),
    /// A pattern with policy variables, and the literal text it starts with (up to the first
    /// wildcard or variable): every resource it matches starts with that text, so most
    /// resources are turned away before the variables are resolved.
    Template(Template, TemplatePrefix),
}

/// The literal start of a resource template.
#[derive(Debug, Clone, PartialEq)]
struct TemplatePrefix {
    text: String,
    /// True when the text runs past the fifth colon, into the ARN's resource part: the first
    /// five parts are then literal, and matching the resolved pattern part by part is the
    /// same as matching what follows the prefix in the pattern against what follows it in
    /// the resource (the resource part takes the rest of the ARN, colons included).
    covers_parts: bool,
}

/// The literal text a template starts with, up to its first wildcard or variable.
fn literal_prefix(t: &Template) -> TemplatePrefix {
    let text = match t.parts.first() {
        Some(super::variables::Part::Text(s)) => {
            s.split(['*', '?']).next().unwrap_or_default().to_owned()
        }
        _ => String::new(),
    };
    TemplatePrefix {
        covers_parts: text.bytes().filter(|&b| b == b':').count() >= 5,
        text,
    }
}

#[derive(Debug, Clone, PartialEq)]
struct ActionMatcher {
    negated: bool,
    any: bool,
    patterns: Vec<Wildcard>,
}

#[derive(Debug, Clone, PartialEq)]
struct ResourceMatcher {
    negated: bool,
    any: bool,
    patterns: Vec<ResourcePat>,
}

/// One value of a `Principal` element, read once.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PrincipalEntry {
    Everyone,
    Account(String),
    User(String),
    Role {
        arn: String,
        account: String,
        name: String,
    },
    Session(String),
    FederatedUser(String),
    UniqueId(String),
    Service(String),
    Federated(String),
    /// Never matches: a wildcard inside an ARN, a canonical user, or unreadable text.
    Nothing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct PrincipalMatcher {
    negated: bool,
    entries: Vec<PrincipalEntry>,
    /// For long lists (a trust naming thousands of accounts or users): the entries that can
    /// match a principal, found by its names instead of by reading every entry. Boxed: the
    /// index is rare and large, and inline it would triple every statement's size (more
    /// cache lines read per statement on every evaluation).
    index: Option<Box<PrincipalIndex>>,
}

/// Lists shorter than this are read whole; longer ones are indexed.
const INDEX_PRINCIPALS_FROM: usize = 16;

/// Entry positions by the one name each entry can match on (see [`entry_grant`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct PrincipalIndex {
    /// `Everyone`: matches whoever asks.
    always: Vec<u32>,
    /// `Account`, by account id.
    accounts: HashMap<String, Vec<u32>>,
    /// `User`, `Session`, `FederatedUser`, `Service`, `Federated`, by the ARN or name.
    names: HashMap<String, Vec<u32>>,
    /// `Role`, by role ARN, and by account then role name (for sessions whose role path is
    /// not known).
    roles: HashMap<String, Vec<u32>>,
    role_names: HashMap<String, HashMap<String, Vec<u32>>>,
    /// `UniqueId`, by id.
    unique_ids: HashMap<String, Vec<u32>>,
}

impl PrincipalIndex {
    fn build(entries: &[PrincipalEntry]) -> Self {
        let mut ix = Self::default();
        for (i, e) in entries.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            let add = |map: &mut HashMap<String, Vec<u32>>, key: &str| {
                map.entry(key.to_owned()).or_default().push(i);
            };
            match e {
                PrincipalEntry::Everyone => ix.always.push(i),
                PrincipalEntry::Account(a) => add(&mut ix.accounts, a),
                PrincipalEntry::User(n)
                | PrincipalEntry::Session(n)
                | PrincipalEntry::FederatedUser(n)
                | PrincipalEntry::Service(n)
                | PrincipalEntry::Federated(n) => add(&mut ix.names, n),
                PrincipalEntry::Role { arn, account, name } => {
                    add(&mut ix.roles, arn);
                    add(ix.role_names.entry(account.clone()).or_default(), name);
                }
                PrincipalEntry::UniqueId(id) => add(&mut ix.unique_ids, id),
                PrincipalEntry::Nothing => {}
            }
        }
        ix
    }

    /// Every entry that may match `p` (a superset; [`entry_grant`] decides).
    fn candidates<'a>(&'a self, p: &'a Principal) -> impl Iterator<Item = usize> + 'a {
        let get = |map: &'a HashMap<String, Vec<u32>>, key: Option<&str>| {
            key.and_then(|k| map.get(k)).map_or(&[][..], Vec::as_slice)
        };
        let role_named = p
            .account
            .as_deref()
            .and_then(|a| self.role_names.get(a))
            .and_then(|m| p.role_name().and_then(|n| m.get(n)))
            .map_or(&[][..], Vec::as_slice);
        self.always
            .iter()
            .chain(get(&self.accounts, p.account.as_deref()))
            .chain(get(&self.names, Some(p.arn.as_str())))
            .chain(get(&self.names, p.source_user_arn.as_deref()))
            .chain(get(&self.roles, p.role_arn.as_deref()))
            .chain(role_named)
            .chain(get(&self.unique_ids, p.unique_id.as_deref()))
            .map(|&i| i as usize)
    }
}

/// One compiled statement.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledStatement {
    /// Which services the statement's `Action` can match (see [`service_bit`]); lets most
    /// statements be passed over without touching their patterns.
    service_mask: u64,
    pub index: usize,
    pub sid: Option<Arc<str>>,
    pub effect: Option<Effect>,
    action: Option<ActionMatcher>,
    resource: Option<ResourceMatcher>,
    principal: Option<PrincipalMatcher>,
    pub conditions: Vec<CompiledCondition>,
}

/// A compiled policy document. Build once (`CompiledPolicy::compile`) and share (`Arc`).
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledPolicy {
    /// The union of the statements' service masks: a policy whose mask misses the request's
    /// service cannot match and is skipped whole.
    service_mask: u64,
    /// True under `"Version": "2012-10-17"`, where policy variables are read.
    pub variables: bool,
    pub statements: Vec<CompiledStatement>,
}

/// Where a policy is attached, which changes how its statements are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Identity-based policies, boundaries, session policies: `Principal` is ignored, a
    /// missing `Resource` matches nothing.
    Identity,
    /// SCPs and RCPs: `Principal` is ignored (RCPs use `"*"`), a missing `Resource` means all.
    Organization,
    /// Resource-based policies (trust policies included): `Principal`/`NotPrincipal` must
    /// match; a missing `Resource` means the policy's own resource.
    Resource,
}

/// The request as a statement sees it; built once per evaluation.
pub struct RequestView<'a> {
    /// The action, lowercased.
    pub action: &'a str,
    /// [`service_bit`] of the action's service.
    pub service_bit: u64,
    pub resource: ArnParts<'a>,
    pub principal: &'a Principal,
    /// True when the principal has a permissions boundary (a `NotPrincipal` deny then always
    /// applies to it).
    pub has_boundary: bool,
    pub context: &'a RequestContext,
}

thread_local! {
    /// A buffer for resolving policy variables in resource patterns, reused across the
    /// statements and requests a thread evaluates (no allocation per decision).
    static SCRATCH: Cell<String> = const { Cell::new(String::new()) };
}

/// One bit standing for a (lowercase) service prefix in 64-bit service masks. Different
/// services may share a bit; a shared bit only costs a full match, never a wrong answer.
#[must_use]
pub fn service_bit(service: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in service.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    1u64 << (h % 64)
}

/// The outcome of matching one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementMatch {
    NoMatch,
    /// The statement applies; for resource-based policies with `Principal`, how the caller
    /// was named.
    Match(Option<GrantKind>),
}

impl CompiledPolicy {
    /// Compiles a parsed document.
    #[must_use]
    pub fn compile(doc: &PolicyDocument) -> Self {
        let variables = doc.version.as_deref() == Some(VARIABLES_VERSION);
        let statements: Vec<CompiledStatement> = doc
            .statements
            .iter()
            .map(|s| CompiledStatement::compile(s, variables))
            .collect();
        Self {
            service_mask: statements.iter().fold(0, |m, s| m | s.service_mask),
            variables,
            statements,
        }
    }

    /// False when no statement can match an action of the service whose [`service_bit`] is
    /// given.
    #[must_use]
    pub fn may_match_service(&self, bit: u64) -> bool {
        self.service_mask & bit != 0
    }

    /// Compiles and wraps in an `Arc` for sharing between inputs.
    #[must_use]
    pub fn shared(doc: &PolicyDocument) -> Arc<Self> {
        Arc::new(Self::compile(doc))
    }
}

impl CompiledStatement {
    fn compile(s: &Statement, variables: bool) -> Self {
        let action = s.action.as_ref().map(|a| {
            let patterns: Vec<Wildcard> =
                a.patterns.iter().map(|p| Wildcard::new(p, true)).collect();
            ActionMatcher {
                negated: a.negated,
                any: patterns.iter().any(Wildcard::is_any),
                patterns,
            }
        });
        let resource = s.resource.as_ref().map(|r| {
            let patterns: Vec<ResourcePat> = r
                .patterns
                .iter()
                .map(|p| match variables.then(|| Template::parse(p)).flatten() {
                    Some(t) => {
                        let prefix = literal_prefix(&t);
                        ResourcePat::Template(t, prefix)
                    }
                    None => ResourcePat::Plain(ArnPattern::new(p)),
                })
                .collect();
            ResourceMatcher {
                negated: r.negated,
                any: patterns
                    .iter()
                    .any(|p| matches!(p, ResourcePat::Plain(a) if a.is_any())),
                patterns,
            }
        });
        let principal = s.principal.as_ref().map(|p| {
            let entries: Vec<PrincipalEntry> = match p {
                Principals::Any => vec![PrincipalEntry::Everyone],
                Principals::Listed(list) => list
                    .iter()
                    .map(|(kind, value)| compile_principal(*kind, value))
                    .collect(),
            };
            PrincipalMatcher {
                negated: s.not_principal,
                index: (entries.len() >= INDEX_PRINCIPALS_FROM)
                    .then(|| Box::new(PrincipalIndex::build(&entries))),
                entries,
            }
        });
        let service_mask = match (&s.action, s.effect) {
            (Some(a), Some(_)) if !a.negated => {
                a.patterns
                    .iter()
                    .fold(0u64, |m, p| match p.split_once(':') {
                        Some((svc, _)) if !svc.contains(['*', '?']) => {
                            m | service_bit(&svc.to_ascii_lowercase())
                        }
                        _ => u64::MAX,
                    })
            }
            (Some(_), Some(_)) => u64::MAX,
            _ => 0,
        };
        Self {
            service_mask,
            index: s.index,
            sid: s.sid.as_deref().map(Arc::from),
            effect: s.effect,
            action,
            resource,
            principal,
            conditions: s
                .conditions
                .iter()
                .map(|c| CompiledCondition::compile(&c.operator, &c.key, &c.values, variables))
                .collect(),
        }
    }

    /// `Sid` when present, otherwise `#index`.
    #[must_use]
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => sid.to_string(),
            _ => format!("#{}", self.index),
        }
    }

    /// True when the statement has a `Principal` or `NotPrincipal` element.
    #[must_use]
    pub fn has_principal(&self) -> bool {
        self.principal.is_some()
    }

    /// Matches the statement against a request. Condition keys (and variables) the request
    /// lacks are added to `missing`.
    pub fn matches(
        &self,
        req: &RequestView<'_>,
        scope: Scope,
        missing: &mut Vec<String>,
    ) -> StatementMatch {
        if self.service_mask & req.service_bit == 0 {
            return StatementMatch::NoMatch;
        }
        let Some(action) = &self.action else {
            return StatementMatch::NoMatch;
        };
        if !action.matches(req.action) {
            return StatementMatch::NoMatch;
        }
        match &self.resource {
            Some(r) => {
                if !r.matches(req, missing) {
                    return StatementMatch::NoMatch;
                }
            }
            None => {
                if scope == Scope::Identity {
                    return StatementMatch::NoMatch;
                }
            }
        }
        let grant = if scope == Scope::Resource {
            let Some(p) = &self.principal else {
                return StatementMatch::NoMatch;
            };
            if p.negated {
                match self.effect {
                    Some(Effect::Deny) if p.not_principal_applies(req) => None,
                    // `NotPrincipal` with `Allow` is rejected on save by IAM today (validation
                    // says so), but where such a policy exists it "allows all principals
                    // except the one named in the NotPrincipal element"
                    // [UG:reference_policies_elements_notprincipal, 2023 edition], like `"*"`.
                    Some(Effect::Allow) if !p.exempts(req.principal) => Some(GrantKind::Everyone),
                    _ => return StatementMatch::NoMatch,
                }
            } else {
                match p.best_grant(req.principal) {
                    Some(g) => Some(g),
                    None => return StatementMatch::NoMatch,
                }
            }
        } else {
            None
        };
        for c in &self.conditions {
            if !c.evaluate(req.context, missing) {
                return StatementMatch::NoMatch;
            }
        }
        StatementMatch::Match(grant)
    }

    /// For `NotPrincipal` statements that exempt the caller: whether the list also names the
    /// caller's account (and role, for sessions), which AWS may check first
    /// [UG:reference_policies_elements_notprincipal].
    #[must_use]
    pub fn not_principal_lacks_chain(&self, principal: &Principal) -> bool {
        let Some(p) = &self.principal else {
            return false;
        };
        if !p.negated || !p.exempts(principal) {
            return false;
        }
        let account_listed = principal.account.as_deref().is_some_and(|a| {
            p.matching(principal)
                .any(|e| matches!(e, PrincipalEntry::Account(x) if x == a))
        });
        let role_listed = principal.kind != PrincipalType::AssumedRole
            || p.matching(principal)
                .any(|e| entry_grant(e, principal) == Some(GrantKind::Role));
        !(account_listed && role_listed)
    }
}

impl ActionMatcher {
    fn matches(&self, action: &str) -> bool {
        let hit = self.any || self.patterns.iter().any(|p| p.matches(action));
        hit != self.negated
    }
}

impl ResourceMatcher {
    fn matches(&self, req: &RequestView<'_>, missing: &mut Vec<String>) -> bool {
        let hit = self.any
            || self.patterns.iter().any(|p| match p {
                ResourcePat::Plain(a) => a.matches_parts(&req.resource),
                // An unresolvable variable makes the pattern match nothing.
                ResourcePat::Template(t, prefix) => {
                    let resource = req.resource.text();
                    if !resource.starts_with(prefix.text.as_str()) {
                        return false;
                    }
                    let mut text = SCRATCH.take();
                    text.clear();
                    let hit = match t.resolve_glob_into(req.context, missing, &mut text) {
                        None => false,
                        // The resolved text starts with the prefix too (both begin with the
                        // template's first text).
                        Some(false) if prefix.covers_parts => glob_match(
                            text.get(prefix.text.len()..).unwrap_or_default(),
                            &resource[prefix.text.len()..],
                        ),
                        Some(false) => arn_glob_match(&text, &req.resource),
                        Some(true) => {
                            t.resolve_pieces(req.context, missing)
                                .is_some_and(|pieces| {
                                    ArnPattern::from_pieces(&pieces).matches_parts(&req.resource)
                                })
                        }
                    };
                    SCRATCH.set(text);
                    hit
                }
            });
        hit != self.negated
    }
}

impl PrincipalMatcher {
    /// The entries that may match `principal`: all of a short list, the indexed candidates
    /// of a long one.
    fn matching<'a>(
        &'a self,
        principal: &'a Principal,
    ) -> impl Iterator<Item = &'a PrincipalEntry> {
        let (all, indexed) = match &self.index {
            None => (Some(self.entries.iter()), None),
            Some(ix) => (
                None,
                Some(ix.candidates(principal).filter_map(|i| self.entries.get(i))),
            ),
        };
        all.into_iter()
            .flatten()
            .chain(indexed.into_iter().flatten())
    }

    fn best_grant(&self, principal: &Principal) -> Option<GrantKind> {
        self.matching(principal)
            .filter_map(|e| entry_grant(e, principal))
            .max()
    }

    /// True when the principal is one of the exempted ones: its own most specific name is
    /// listed (the user, the session, the federated user, the root's account, the service or
    /// provider). Listing an account does not exempt the other principals of that account.
    fn exempts(&self, principal: &Principal) -> bool {
        self.matching(principal).any(|e| match e {
            PrincipalEntry::Everyone => true,
            PrincipalEntry::Account(a) => {
                principal.kind == PrincipalType::Root && principal.account.as_deref() == Some(a)
            }
            other => entry_grant(other, principal) == Some(GrantKind::Direct),
        })
    }

    /// A `NotPrincipal` statement applies to everyone it does not exempt; it always applies
    /// to a principal with a permissions boundary [UG:reference_policies_elements_notprincipal].
    fn not_principal_applies(&self, req: &RequestView<'_>) -> bool {
        if req.has_boundary && req.principal.kind.is_iam_identity() {
            return true;
        }
        !self.exempts(req.principal)
    }
}

#[cfg(test)]
thread_local! {
    /// How many entries [`entry_grant`] has read on this thread (for complexity tests).
    static ENTRIES_READ: Cell<u64> = const { Cell::new(0) };
}

fn entry_grant(e: &PrincipalEntry, p: &Principal) -> Option<GrantKind> {
    use PrincipalType as T;
    #[cfg(test)]
    ENTRIES_READ.with(|n| n.set(n.get() + 1));
    match e {
        PrincipalEntry::Everyone => Some(GrantKind::Everyone),
        PrincipalEntry::Account(a) => (p.kind.is_iam_identity()
            && p.account.as_deref() == Some(a.as_str()))
        .then_some(GrantKind::Account),
        PrincipalEntry::User(arn) => match p.kind {
            T::User if p.arn == *arn => Some(GrantKind::Direct),
            T::FederatedUser if p.source_user_arn.as_deref() == Some(arn) => {
                Some(GrantKind::SourceUser)
            }
            _ => None,
        },
        PrincipalEntry::Role { arn, account, name } => {
            if p.kind != T::AssumedRole {
                return None;
            }
            let same = if p.role_path_known {
                p.role_arn.as_deref() == Some(arn.as_str())
            } else {
                p.account.as_deref() == Some(account.as_str()) && p.role_name() == Some(name)
            };
            same.then_some(GrantKind::Role)
        }
        PrincipalEntry::Session(arn) => {
            (p.kind == T::AssumedRole && p.arn == *arn).then_some(GrantKind::Direct)
        }
        PrincipalEntry::FederatedUser(arn) => {
            (p.kind == T::FederatedUser && p.arn == *arn).then_some(GrantKind::Direct)
        }
        PrincipalEntry::UniqueId(id) => {
            if p.unique_id.as_deref() != Some(id.as_str()) {
                return None;
            }
            match p.kind {
                T::User => Some(GrantKind::Direct),
                T::AssumedRole => Some(GrantKind::Role),
                _ => None,
            }
        }
        PrincipalEntry::Service(s) => {
            (p.kind == T::Service && p.arn == *s).then_some(GrantKind::Direct)
        }
        PrincipalEntry::Federated(f) => {
            (matches!(p.kind, T::WebIdentity | T::Saml) && p.arn == *f).then_some(GrantKind::Direct)
        }
        PrincipalEntry::Nothing => None,
    }
}

/// True for IAM unique ids as they appear in a policy after the named principal was deleted.
fn looks_like_unique_id(s: &str) -> bool {
    s.len() >= 16
        && ["AIDA", "AROA", "AGPA", "ANPA", "AIPA"]
            .iter()
            .any(|p| s.starts_with(p))
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn compile_principal(kind: PrincipalKind, value: &str) -> PrincipalEntry {
    match kind {
        PrincipalKind::Aws => compile_aws_principal(value),
        PrincipalKind::Service => {
            if value.contains('*') {
                PrincipalEntry::Nothing
            } else {
                PrincipalEntry::Service(value.to_owned())
            }
        }
        PrincipalKind::Federated => {
            if value.contains('*') {
                PrincipalEntry::Nothing
            } else {
                PrincipalEntry::Federated(value.to_owned())
            }
        }
        PrincipalKind::CanonicalUser => PrincipalEntry::Nothing,
    }
}

fn compile_aws_principal(value: &str) -> PrincipalEntry {
    if value == "*" {
        return PrincipalEntry::Everyone;
    }
    // A wildcard inside a principal name is not a pattern (IAM-RULES §3.1).
    if value.contains('*') || value.contains('?') {
        return PrincipalEntry::Nothing;
    }
    if is_account_id(value) {
        return PrincipalEntry::Account(value.to_owned());
    }
    if looks_like_unique_id(value) {
        return PrincipalEntry::UniqueId(value.to_owned());
    }
    let Ok(arn) = Arn::parse(value) else {
        return PrincipalEntry::Nothing;
    };
    match (arn.service.as_str(), arn.resource_type()) {
        ("iam", "root") if arn.resource == "root" => PrincipalEntry::Account(arn.account),
        ("iam", "user") => PrincipalEntry::User(value.to_owned()),
        ("iam", "role") => PrincipalEntry::Role {
            arn: value.to_owned(),
            name: arn.resource_name().to_owned(),
            account: arn.account,
        },
        ("sts", "assumed-role") => PrincipalEntry::Session(value.to_owned()),
        ("sts", "federated-user") => PrincipalEntry::FederatedUser(value.to_owned()),
        _ => PrincipalEntry::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::policy::document::PolicyDocument;

    /// Evaluation walks statements in order and reads each one's service mask first: a
    /// statement that spans more cache lines costs a miss per statement on large inventories.
    /// An inline long-list principal index once tripled the size (≈ 400 bytes) and cost the
    /// 10,000-role evaluation bench about 15 % (`CompiledStatement::matches` went from 2.4 % to
    /// 10 % of its profile); the index is boxed since.
    #[test]
    fn a_statement_stays_small() {
        let size = std::mem::size_of::<CompiledStatement>();
        assert!(size <= 192, "CompiledStatement is {size} bytes");
    }

    /// A trust naming `n` principals of each kind the index keys on.
    fn wide_trust(n: usize) -> CompiledPolicy {
        let mut aws: Vec<String> = Vec::new();
        for i in 0..n {
            aws.push(format!("{:012}", 200_000_000_000 + i));
            aws.push(format!("arn:aws:iam::111111111111:user/u{i}"));
            aws.push(format!("arn:aws:iam::111111111111:role/path/r{i}"));
            aws.push(format!("arn:aws:sts::111111111111:assumed-role/s{i}/sess"));
        }
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": aws}, "Action": "sts:AssumeRole"}]});
        CompiledPolicy::compile(&PolicyDocument::from_value(&doc).document.unwrap())
    }

    fn grant(policy: &CompiledPolicy, who: &str) -> Option<GrantKind> {
        let p = Principal::parse(who).unwrap();
        policy.statements[0]
            .principal
            .as_ref()
            .unwrap()
            .best_grant(&p)
    }

    #[test]
    fn a_long_principal_list_answers_each_principal_as_a_short_one_would() {
        let policy = wide_trust(40);
        assert!(
            policy.statements[0]
                .principal
                .as_ref()
                .unwrap()
                .index
                .is_some()
        );
        for (who, want) in [
            ("arn:aws:iam::200000000007:user/x", Some(GrantKind::Account)),
            ("arn:aws:iam::200000000007:root", Some(GrantKind::Account)),
            ("arn:aws:iam::111111111111:user/u3", Some(GrantKind::Direct)),
            ("arn:aws:iam::111111111111:user/u99", None),
            (
                "arn:aws:sts::111111111111:assumed-role/r5/any",
                Some(GrantKind::Role),
            ),
            (
                "arn:aws:sts::111111111111:assumed-role/s5/sess",
                Some(GrantKind::Direct),
            ),
            ("arn:aws:sts::111111111111:assumed-role/s5/other", None),
            ("arn:aws:iam::999999999999:user/u3", None),
        ] {
            assert_eq!(grant(&policy, who), want, "{who}");
        }
    }

    /// A trust naming 2,000 accounts (plus as many users, roles and sessions) is asked about
    /// each of them: every question reads a handful of entries, not the whole list, so the
    /// whole costs time linear in the list (it read all 8,000 each time before: at 30,000
    /// accounts that took seconds per role in who-can-assume and external).
    #[test]
    fn asking_about_every_principal_of_a_long_trust_reads_each_entry_a_bounded_number_of_times() {
        let n = 2_000;
        let policy = wide_trust(n);
        ENTRIES_READ.with(|c| c.set(0));
        for i in 0..n {
            let who = format!("arn:aws:iam::{:012}:root", 200_000_000_000 + i);
            assert_eq!(grant(&policy, &who), Some(GrantKind::Account));
        }
        let read = ENTRIES_READ.with(Cell::get);
        assert!(
            read <= 2 * n as u64,
            "{read} entries read for {n} questions"
        );
    }
}
