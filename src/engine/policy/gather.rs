//! From a loaded [`Inventory`] to an [`EvaluationInput`]: the principal's policies, the
//! organisation guardrails, the resource's policy and the request context AWS would build.
//!
//! Policies gathered (IAM-RULES §4.1, §5, §6):
//! - user: its inline policies, the default version of each attached managed policy, the same
//!   for every group it belongs to, and its permissions boundary;
//! - role session: the role's inline and managed policies and boundary, plus the session
//!   policies the caller passes; a federated-user session: the calling user's policies plus
//!   the session policies;
//! - SCP levels of the principal's account and RCP levels of the resource's account from
//!   `Account.organization` (none for the management account);
//! - the role's trust policy for `sts:AssumeRole*`, `sts:TagSession` and
//!   `sts:SetSourceIdentity` on a role, otherwise the first resource policy of the resource's
//!   account whose `applies_to` patterns match the resource.
//!
//! The request context is [`ContextBuilder::request`]'s, as for every other interface (the
//! principal described by a [`Requester`]); caller-supplied keys are set last and win.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::compiled::CompiledPolicy;
use super::context::RequestContext;
use super::context_builder::{ContextBuilder, Requester, requested_region};
use super::decision::PolicyType;
use super::evaluate::{EvaluationInput, Gap, NamedPolicy, PolicyLevel, ResourceBasedPolicy};
use super::pattern::ArnPattern;
use super::principal::{Principal, PrincipalType};
use crate::engine::coverage;
use crate::engine::model::{
    AttachedPolicy, InlinePolicy, Inventory, OrgPolicyLevel, PolicyText, ResourcePolicy, Role, Tag,
    User,
};

/// Compiled documents by the address of their parsed document.
type Compiled = HashMap<usize, Arc<CompiledPolicy>>;

/// Every policy document of an inventory, compiled once. Keyed by the identity of the parsed
/// document (`Arc` address), so it is valid for the inventory it was built from as long as
/// that inventory is not modified; a document it does not know is compiled on the spot.
#[derive(Debug, Default, Clone)]
pub struct PolicyIndex {
    compiled: Compiled,
    /// For an index made by [`PolicyIndex::compiling_on_use`]: the documents compiled when
    /// first asked for, kept for the next request (shared by the index's clones).
    on_use: Option<Arc<std::sync::Mutex<Compiled>>>,
}

fn text_key(text: &PolicyText) -> Option<usize> {
    text.document.as_ref().map(|d| Arc::as_ptr(d) as usize)
}

impl PolicyIndex {
    /// Compiles every document in `inv`: trust, inline, managed (every version), SCPs, RCPs and
    /// resource policies.
    #[must_use]
    pub fn build(inv: &Inventory) -> Self {
        let mut index = Self::default();
        let mut add = |t: &PolicyText| index.insert(t);
        for r in &inv.roles {
            add(&r.trust_policy);
            r.inline_policies.iter().for_each(|p| add(&p.policy));
        }
        for u in &inv.users {
            u.inline_policies.iter().for_each(|p| add(&p.policy));
        }
        for g in &inv.groups {
            g.inline_policies.iter().for_each(|p| add(&p.policy));
        }
        for m in &inv.policies {
            m.versions.iter().for_each(|v| add(&v.policy));
        }
        for a in inv.accounts.values() {
            if let Some(org) = &a.organization {
                for l in org.scps_by_level.iter().chain(&org.rcps_by_level) {
                    l.policies.iter().for_each(&mut add);
                }
            }
            a.resource_policies.iter().for_each(|r| add(&r.policy));
        }
        index
    }

    /// An empty index that compiles a document the first time it is asked for and keeps it:
    /// for callers that ask about a few principals of a large inventory many times.
    #[must_use]
    pub fn compiling_on_use() -> Self {
        Self {
            compiled: HashMap::new(),
            on_use: Some(Arc::default()),
        }
    }

    /// Compiles one document into the index (a document already there is kept): for callers
    /// that compile only the documents they share widely and leave the rest to be compiled on
    /// the spot.
    pub fn insert(&mut self, text: &PolicyText) {
        if let (Some(key), Some(doc)) = (text_key(text), &text.document) {
            self.compiled
                .entry(key)
                .or_insert_with(|| CompiledPolicy::shared(doc));
        }
    }

    /// The compiled form of `text`; `None` when the document could not be parsed at all.
    #[must_use]
    pub fn get(&self, text: &PolicyText) -> Option<Arc<CompiledPolicy>> {
        let key = text_key(text)?;
        if let Some(c) = self.compiled.get(&key) {
            return Some(Arc::clone(c));
        }
        let doc = text.document.as_deref()?;
        let Some(kept) = &self.on_use else {
            return Some(CompiledPolicy::shared(doc));
        };
        let mut kept = kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Some(Arc::clone(
            kept.entry(key)
                .or_insert_with(|| CompiledPolicy::shared(doc)),
        ))
    }

    /// How many documents are compiled.
    #[must_use]
    pub fn len(&self) -> usize {
        self.compiled.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.compiled.is_empty()
    }
}

/// What the caller knows about the session making the request (role or federated-user
/// sessions); everything is optional.
#[derive(Debug, Clone, Default)]
pub struct SessionFacts {
    /// Session tags, inherited transitive tags included; they override role tags with the
    /// same key (keys compared case-insensitively).
    pub tags: Vec<Tag>,
    /// `None`: no session policy. `Some(vec![])`: a session policy set that allows nothing.
    pub policies: Option<Vec<NamedPolicy>>,
    pub source_identity: Option<String>,
    /// When the session's credentials were issued (`aws:TokenIssueTime`).
    pub issued_at: Option<DateTime<Utc>>,
    /// For web-identity and SAML sessions: the provider (`aws:FederatedProvider`).
    pub federated_provider: Option<String>,
}

/// A request to evaluate against an inventory.
#[derive(Debug, Clone)]
pub struct AccessRequest {
    pub principal: Principal,
    pub action: String,
    pub resource: String,
    /// See [`EvaluationInput::resource_account`].
    pub resource_account: Option<String>,
    /// The simulation clock (`aws:CurrentTime`, `aws:EpochTime`, MFA age).
    pub now: DateTime<Utc>,
    /// The region the request is sent to (`aws:RequestedRegion`). `None`: the resource ARN's
    /// region, or `us-east-1` (where global services such as IAM answer).
    pub region: Option<String>,
    /// When the caller authenticated with MFA, if it did.
    pub mfa_authenticated_at: Option<DateTime<Utc>>,
    pub session: SessionFacts,
    /// Caller-supplied condition keys; merged last, they win.
    pub context: RequestContext,
    /// A resource-based policy to use instead of the one found in the inventory.
    pub resource_policy: Option<ResourceBasedPolicy>,
    /// SCP levels to use instead of the principal account's.
    pub scps: Option<Vec<PolicyLevel>>,
}

impl AccessRequest {
    #[must_use]
    pub fn new(
        principal: Principal,
        action: impl Into<String>,
        resource: impl Into<String>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            principal,
            action: action.into(),
            resource: resource.into(),
            resource_account: None,
            now,
            region: None,
            mfa_authenticated_at: None,
            session: SessionFacts::default(),
            context: RequestContext::new(),
            resource_policy: None,
            scps: None,
        }
    }
}

/// Why a request could not be gathered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatherError {
    #[error(
        "no user `{0}` in the loaded data; check the ARN (user names and paths are case sensitive)"
    )]
    UnknownUser(String),
    #[error(
        "no role `{0}` in the loaded data; check the ARN (role names and paths are case sensitive)"
    )]
    UnknownRole(String),
}

pub use super::context_builder::DEFAULT_REGION;

/// The actions a role's trust policy governs as the role's resource-based policy.
#[must_use]
pub fn is_trust_action(action_lower: &str) -> bool {
    action_lower.starts_with("sts:assumerole")
        || action_lower == "sts:tagsession"
        || action_lower == "sts:setsourceidentity"
}

fn named(index: &PolicyIndex, name: &str, text: &PolicyText) -> Option<NamedPolicy> {
    index.get(text).map(|c| NamedPolicy::new(name, c))
}

fn inline_policies(
    index: &PolicyIndex,
    owner: &str,
    list: &[InlinePolicy],
    out: &mut Vec<NamedPolicy>,
) {
    for p in list {
        if let Some(n) = named(index, &format!("{owner}/{}", p.name), &p.policy) {
            out.push(n);
        }
    }
}

fn managed_policy(
    inv: &Inventory,
    index: &PolicyIndex,
    att: &AttachedPolicy,
) -> Option<NamedPolicy> {
    let mp = inv.managed_policy(&att.arn)?;
    let v = mp.default_version()?;
    named(index, &att.arn, &v.policy)
}

/// How an SCP or RCP is named in decisions and explanations: `SCP FullAWSAccess at r-7k2q`
/// — the policy's name when the data gives it (`list-policies-for-target`), else its id,
/// else its place at the level (`SCP #2 at ou-…`, counting from 1). `kind` is `SCP` or `RCP`.
#[must_use]
pub fn org_policy_name(kind: &str, level: &OrgPolicyLevel, i: usize) -> String {
    let summary = level.summaries.get(i);
    match summary
        .map(|s| s.name.as_str())
        .filter(|n| !n.is_empty())
        .or_else(|| summary.map(|s| s.id.as_str()).filter(|n| !n.is_empty()))
    {
        Some(name) => format!("{kind} {name} at {}", level.target),
        None => format!("{kind} #{} at {}", i + 1, level.target),
    }
}

fn org_levels(index: &PolicyIndex, kind: &str, levels: &[OrgPolicyLevel]) -> Vec<PolicyLevel> {
    levels
        .iter()
        .map(|l| PolicyLevel {
            target: l.target.clone(),
            policies: l
                .policies
                .iter()
                .enumerate()
                .filter_map(|(i, p)| named(index, &org_policy_name(kind, l, i), p))
                .collect(),
        })
        .collect()
}

fn user_policies(
    inv: &Inventory,
    index: &PolicyIndex,
    user: &User,
    out: &mut Vec<NamedPolicy>,
    gaps: &mut Vec<Gap>,
) {
    inline_policies(index, &user.name, &user.inline_policies, out);
    let owner = format!("user `{}`", user.name);
    attached_policies(inv, index, &owner, &user.managed_policies, out, gaps);
    for g in &user.groups {
        if let Some(group) = inv.group_named(&user.account, g) {
            inline_policies(
                index,
                &format!("group/{}", group.name),
                &group.inline_policies,
                out,
            );
            let owner = format!("group `{}`", group.name);
            attached_policies(inv, index, &owner, &group.managed_policies, out, gaps);
        } else {
            gaps.push(Gap::new(
                PolicyType::IdentityBasedPolicy,
                coverage::group(user, g),
            ));
        }
    }
}

/// A user's permissions boundary; one the data lacks goes onto `gaps`.
fn user_boundary(
    inv: &Inventory,
    index: &PolicyIndex,
    user: &User,
    gaps: &mut Vec<Gap>,
) -> Option<NamedPolicy> {
    let owner = format!("user `{}`", user.name);
    boundary_policy(inv, index, &owner, user.permissions_boundary.as_ref(), gaps)
}

/// The attached managed policies of `owner` onto `out`; those the data lacks onto `gaps`.
fn attached_policies(
    inv: &Inventory,
    index: &PolicyIndex,
    owner: &str,
    list: &[AttachedPolicy],
    out: &mut Vec<NamedPolicy>,
    gaps: &mut Vec<Gap>,
) {
    for att in list {
        match managed_policy(inv, index, att) {
            Some(p) => out.push(p),
            None => gaps.push(Gap::new(
                PolicyType::IdentityBasedPolicy,
                coverage::managed_policy(&att.arn, owner, false),
            )),
        }
    }
}

/// The permissions boundary of `owner`; a boundary the data lacks goes onto `gaps`.
fn boundary_policy(
    inv: &Inventory,
    index: &PolicyIndex,
    owner: &str,
    boundary: Option<&AttachedPolicy>,
    gaps: &mut Vec<Gap>,
) -> Option<NamedPolicy> {
    let b = boundary?;
    let found = managed_policy(inv, index, b);
    if found.is_none() {
        gaps.push(Gap::new(
            PolicyType::PermissionsBoundary,
            coverage::managed_policy(&b.arn, owner, true),
        ));
    }
    found
}

/// The identity side of a principal whose account is not loaded: unknown, SCPs included.
fn unloaded_account(principal: &Principal, gaps: &mut Vec<Gap>) {
    let account = principal.account.as_deref().unwrap_or("(unknown)");
    let m = std::sync::Arc::new(coverage::account(account, principal.principal_arn()));
    for layer in [
        PolicyType::IdentityBasedPolicy,
        PolicyType::ServiceControlPolicy,
    ] {
        gaps.push(Gap {
            layer,
            missing: std::sync::Arc::clone(&m),
        });
    }
}

fn find_role<'i>(inv: &'i Inventory, p: &Principal) -> Option<&'i Role> {
    let arn = p.role_arn.as_deref()?;
    if p.role_path_known {
        return inv.role_by_arn(arn);
    }
    let name = p.role_name()?;
    inv.roles_named(name)
        .into_iter()
        .find(|r| Some(r.account.as_str()) == p.account.as_deref())
}

/// The request context of `req` made by `principal` (as [`gather`] completes it) on
/// `resource`: the keys AWS adds for the caller, the resource and the clock, then those the
/// request supplies. [`gather`] makes every request's context this way; [`context_for`] makes
/// it again for another resource of the same caller's request.
fn context_of(
    inv: &Inventory,
    req: &AccessRequest,
    principal: &Principal,
    (user, role): (Option<&User>, Option<&Role>),
    resource: &str,
    resource_account: Option<&str>,
) -> RequestContext {
    let session_tags = session_tags_of(req);
    let who = requester(req, principal, (user, role), &session_tags);
    let region = requested_region(req.region.as_deref(), resource);
    let mut ctx = ContextBuilder::new(None);
    ctx.request(
        inv,
        &who,
        resource,
        resource_account,
        Some(&region),
        req.now,
    );
    ctx.supplied(&req.context);
    ctx.finish()
}

/// The session's tags of `req` as (key, value).
fn session_tags_of(req: &AccessRequest) -> Vec<(&str, &str)> {
    req.session
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect()
}

/// The caller of `req`, as the context describes it.
fn requester<'a>(
    req: &'a AccessRequest,
    principal: &'a Principal,
    (user, role): (Option<&'a User>, Option<&'a Role>),
    session_tags: &'a [(&'a str, &'a str)],
) -> Requester<'a> {
    Requester {
        user,
        role,
        temporary: matches!(
            principal.kind,
            PrincipalType::AssumedRole | PrincipalType::FederatedUser
        ),
        issued_at: req.session.issued_at,
        mfa_authenticated_at: req.mfa_authenticated_at,
        session_tags,
        source_identity: req.session.source_identity.as_deref(),
        federated_provider: req.session.federated_provider.as_deref(),
        ..Requester::new(principal)
    }
}

/// The context [`gather`] gives `req` when its resource is `resource` instead, for
/// `principal` as [`gather`] completed it (`input.principal`): a caller's requests for one
/// action on many resources gather the caller's policies once and make only this again.
#[must_use]
pub fn context_for(
    inv: &Inventory,
    req: &AccessRequest,
    principal: &Principal,
    resource: &str,
    resource_account: Option<&str>,
) -> RequestContext {
    context_of(
        inv,
        req,
        principal,
        requester_of(inv, principal),
        resource,
        resource_account,
    )
}

/// The keys of [`context_for`]'s context that do not depend on the resource — the clock's
/// (`aws:RequestedRegion` aside) and the principal's — made once for a caller's many requests
/// and shared by each request's context (see [`context_on`]).
#[must_use]
pub fn caller_context(
    inv: &Inventory,
    req: &AccessRequest,
    principal: &Principal,
) -> RequestContext {
    let (user, role) = requester_of(inv, principal);
    let session_tags = session_tags_of(req);
    let who = requester(req, principal, (user, role), &session_tags);
    let mut ctx = ContextBuilder::new(None);
    ctx.clock(req.now, None);
    ctx.principal(inv, &who, req.now);
    ctx.finish()
}

/// The context [`context_for`] gives the same request on `resource`, layered on `caller`
/// ([`caller_context`] of that request): only the region, the resource's keys and the keys the
/// request supplies are set on top, so a caller's requests on many resources do not make the
/// caller's keys again. Equal, key for key, to [`context_for`]'s.
#[must_use]
pub fn context_on(
    inv: &Inventory,
    req: &AccessRequest,
    caller: &Arc<RequestContext>,
    resource: &str,
    resource_account: Option<&str>,
) -> RequestContext {
    let mut ctx = ContextBuilder::new(None);
    ctx.ctx = RequestContext::layered(Arc::clone(caller));
    ctx.insert(
        "aws:RequestedRegion",
        requested_region(req.region.as_deref(), resource),
    );
    ctx.resource(inv, resource, resource_account);
    ctx.supplied(&req.context);
    ctx.finish()
}

/// The user and role whose keys a request by `principal` carries.
fn requester_of<'i>(
    inv: &'i Inventory,
    principal: &Principal,
) -> (Option<&'i User>, Option<&'i Role>) {
    match principal.kind {
        PrincipalType::User => (inv.user_by_arn(&principal.arn), None),
        PrincipalType::AssumedRole => (None, find_role(inv, principal)),
        PrincipalType::FederatedUser => (
            principal
                .source_user_arn
                .as_deref()
                .and_then(|a| inv.user_by_arn(a)),
            None,
        ),
        _ => (None, None),
    }
}

/// Gathers everything [`crate::engine::policy::evaluate()`] needs for `req` from `inv`.
///
/// A principal of an account that is not loaded (an external partner) gets no identity
/// policies; give them by hand on the returned input if known.
///
/// # Errors
/// When the principal is a user or role session of a loaded account that has no such user or
/// role.
pub fn gather(
    inv: &Inventory,
    index: &PolicyIndex,
    req: &AccessRequest,
) -> Result<EvaluationInput, GatherError> {
    let mut principal = req.principal.clone();
    let account_loaded = principal
        .account
        .as_deref()
        .is_some_and(|a| inv.account(a).is_some());
    let mut identity = Vec::new();
    let mut boundary = None;
    let mut gaps: Vec<Gap> = Vec::new();
    let mut session_policies = req.session.policies.clone();
    // The user and role the context reads (tags, ids).
    let mut user_found: Option<&User> = None;
    let mut role_found: Option<&Role> = None;

    // Principal-specific policies.
    match principal.kind {
        PrincipalType::User => match inv.user_by_arn(&principal.arn) {
            Some(user) => {
                user_policies(inv, index, user, &mut identity, &mut gaps);
                boundary = user_boundary(inv, index, user, &mut gaps);
                principal.unique_id = Some(user.user_id.clone());
                user_found = Some(user);
            }
            None if account_loaded => return Err(GatherError::UnknownUser(principal.arn)),
            None => unloaded_account(&principal, &mut gaps),
        },
        PrincipalType::AssumedRole => match find_role(inv, &principal) {
            Some(role) => {
                principal.role_arn = Some(role.arn.clone());
                principal.role_path_known = true;
                principal.service_linked = role.is_service_linked();
                principal.unique_id = Some(role.role_id.clone());
                role_policies(inv, index, role, &mut identity, &mut boundary, &mut gaps);
                role_found = Some(role);
            }
            None if account_loaded => {
                return Err(GatherError::UnknownRole(
                    principal.role_arn.clone().unwrap_or_default(),
                ));
            }
            None => unloaded_account(&principal, &mut gaps),
        },
        PrincipalType::FederatedUser => {
            if let Some(src) = principal.source_user_arn.clone()
                && let Some(user) = inv.user_by_arn(&src)
            {
                user_policies(inv, index, user, &mut identity, &mut gaps);
                boundary = user_boundary(inv, index, user, &mut gaps);
                user_found = Some(user);
            }
        }
        PrincipalType::Root
        | PrincipalType::Service
        | PrincipalType::WebIdentity
        | PrincipalType::Saml
        | PrincipalType::Anonymous => {}
    }
    let is_session = matches!(
        principal.kind,
        PrincipalType::AssumedRole | PrincipalType::FederatedUser
    );
    if !is_session {
        session_policies = None;
    }

    // The resource.
    let mut input = EvaluationInput::new(principal, req.action.clone(), req.resource.clone());
    input.resource_account.clone_from(&req.resource_account);
    let resource_account = input.effective_resource_account().map(str::to_owned);
    let action_lower = req.action.to_lowercase();
    let region = requested_region(req.region.as_deref(), &req.resource);
    let ctx = context_of(
        inv,
        req,
        &input.principal,
        (user_found, role_found),
        &req.resource,
        resource_account.as_deref(),
    );

    let target_role = inv.role_by_arn(&req.resource);
    input.resource_policy = match &req.resource_policy {
        Some(rp) => Some(rp.clone()),
        None => match target_role {
            Some(role) if is_trust_action(&action_lower) => named(
                index,
                &format!("{} trust policy", role.name),
                &role.trust_policy,
            )
            .map(|policy| ResourceBasedPolicy {
                policy,
                is_role_trust: true,
            }),
            _ => find_resource_policy(inv, &req.resource, resource_account.as_deref())
                .and_then(|rp| named(index, &rp.resource_arn, &rp.policy))
                .map(|policy| ResourceBasedPolicy {
                    policy,
                    is_role_trust: false,
                }),
        },
    };

    if req.resource_policy.is_none()
        && input.resource_policy.is_none()
        && !(target_role.is_some() && is_trust_action(&action_lower))
        && let Some(m) =
            coverage::resource_policy(inv, &req.resource, resource_account.as_deref(), &region)
    {
        gaps.push(Gap::new(PolicyType::ResourceBasedPolicy, m));
    }

    // Organisation guardrails.
    if req.scps.is_none()
        && let Some(m) = principal_account_facts(inv, &input.principal).and_then(coverage::scps)
    {
        gaps.push(Gap::new(PolicyType::ServiceControlPolicy, m));
    }
    if let Some(m) = resource_account
        .as_deref()
        .and_then(|a| inv.account(a))
        .and_then(coverage::rcps)
    {
        gaps.push(Gap::new(PolicyType::ResourceControlPolicy, m));
    }
    input.scps = match &req.scps {
        Some(levels) => Some(levels.clone()),
        None => input
            .principal
            .account
            .as_deref()
            .and_then(|a| inv.account(a))
            .and_then(|acc| acc.organization.as_ref())
            .filter(|org| !org.is_management_account)
            .map(|org| org_levels(index, "SCP", &org.scps_by_level)),
    };
    input.rcps = resource_account
        .as_deref()
        .and_then(|a| inv.account(a))
        .and_then(|acc| acc.organization.as_ref())
        .filter(|org| !org.is_management_account && !org.rcps_by_level.is_empty())
        .map(|org| org_levels(index, "RCP", &org.rcps_by_level));

    input.context = ctx;
    input.identity_policies = identity;
    input.permissions_boundary = boundary;
    input.session_policies = session_policies;
    input.gaps = gaps;
    Ok(input)
}

/// A role's inline and attached policies onto `out`, its boundary into `boundary`, and what
/// the data lacks onto `gaps`.
fn role_policies(
    inv: &Inventory,
    index: &PolicyIndex,
    role: &Role,
    out: &mut Vec<NamedPolicy>,
    boundary: &mut Option<NamedPolicy>,
    gaps: &mut Vec<Gap>,
) {
    inline_policies(index, &role.name, &role.inline_policies, out);
    let owner = format!("role `{}`", role.name);
    attached_policies(inv, index, &owner, &role.managed_policies, out, gaps);
    *boundary = boundary_policy(inv, index, &owner, role.permissions_boundary.as_ref(), gaps);
    if !role.policies_loaded {
        let m = std::sync::Arc::new(coverage::role_policies(role));
        for layer in [
            PolicyType::IdentityBasedPolicy,
            PolicyType::PermissionsBoundary,
        ] {
            gaps.push(Gap {
                layer,
                missing: std::sync::Arc::clone(&m),
            });
        }
    }
}

/// The resource-based policy of `resource` in its account's data: the first whose resource
/// is `resource` or whose `applies_to` patterns match it (as the `Resource` element matches).
/// One definition for `authorize` and `simulate`.
#[must_use]
pub fn find_resource_policy<'i>(
    inv: &'i Inventory,
    resource: &str,
    resource_account: Option<&str>,
) -> Option<&'i ResourcePolicy> {
    inv.account(resource_account?)?
        .resource_policies
        .iter()
        .find(|rp| {
            rp.resource_arn == resource
                || rp
                    .applies_to
                    .iter()
                    .any(|p| ArnPattern::new(p).matches(resource))
        })
}

fn principal_account_facts<'i>(
    inv: &'i Inventory,
    principal: &Principal,
) -> Option<&'i crate::engine::model::Account> {
    principal
        .kind
        .is_iam_identity()
        .then(|| principal.account.as_deref().and_then(|a| inv.account(a)))
        .flatten()
}
