//! Deciding escalation edges and administrators with the policy evaluator.
//!
//! Every question is one request to [`crate::engine::policy::evaluate()`], gathered by
//! [`crate::engine::policy::gather::gather`] exactly as `rolescope authorize` gathers it — the
//! caller's identity policies, boundary and SCPs, with the resource's own tags — so conditions,
//! boundaries, SCPs and explicit denies count as they do everywhere else. What changes between
//! questions is only the request (action, resource, `iam:PassedToService`, MFA) and, for the
//! techniques that change the caller's own permissions, the policies the request is evaluated
//! with after the change ([`Change`]).
//!
//! IAM users and roles have no resource-based policies (a role's trust policy governs only
//! `sts:*`), and the resources a technique creates (an instance, a function, a stack) are the
//! caller's own new ones: no resource policy is read for these requests. RCPs do not cover
//! IAM or the compute services.

use crate::engine::graph::FastMap as HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};

use super::technique::{Aim, Need, Technique};
use super::{ActionGrant, AdminStatus, EscalationEdge};
use crate::engine::coverage::Missing;
use crate::engine::graph::{EdgeStatus, NodeId, NodeKind, TrustGraph};
use crate::engine::model::{Inventory, PolicyText};
use crate::engine::policy::context::RequestContext;
use crate::engine::policy::decision::{Decision, LayerOutcome, Outcome, PolicyType};
use crate::engine::policy::document::{Effect, PolicyDocument};
use crate::engine::policy::evaluate::{
    EvaluationInput, NamedPolicy, ResourceBasedPolicy, evaluate,
};
use crate::engine::policy::gather::{
    AccessRequest, PolicyIndex, SessionFacts, caller_context, context_on, gather,
};
use crate::engine::policy::principal::{DEFAULT_SESSION_NAME, Principal};

/// The label of the stand-in policy that allows everything (what an attacker attaches).
pub const ALLOW_ALL_LABEL: &str = "(a policy allowing `*` on `*`)";

/// How the caller's policies change before a request is evaluated.
#[derive(Debug, Clone, Default)]
pub struct Change {
    /// Drop the permissions boundary.
    pub drop_boundary: bool,
    /// Replace the permissions boundary with one allowing everything.
    pub allow_all_boundary: bool,
    /// Add a policy allowing everything to the identity policies.
    pub add_allow_all: bool,
    /// Replace the managed policy with this ARN (wherever it is attached: directly or
    /// through a group) by this document.
    pub replace_managed: Option<(String, NamedPolicy)>,
    /// Add these identity policies (a group's, when joining it).
    pub add_policies: Vec<NamedPolicy>,
    /// Missing pieces the change brings (a group whose policies are not loaded).
    pub add_missing: Vec<Arc<Missing>>,
}

impl Change {
    pub(super) fn is_none(&self) -> bool {
        !self.drop_boundary
            && !self.allow_all_boundary
            && !self.add_allow_all
            && self.replace_managed.is_none()
            && self.add_policies.is_empty()
            && self.add_missing.is_empty()
    }
}

/// The evaluator, set up for one inventory.
pub struct Checker<'a> {
    pub graph: &'a TrustGraph,
    pub inv: &'a Inventory,
    pub index: PolicyIndex,
    pub now: DateTime<Utc>,
    allow_all: NamedPolicy,
    /// Stands in for the resource policy while a request is gathered: every request here is
    /// evaluated without one (see [`Checker::with_input`]), so gathering need not find or
    /// compile the target's.
    no_resource_policy: ResourceBasedPolicy,
    /// Per caller: the trust policy naming it that a trust rewrite would write, compiled once.
    rewritten: Mutex<HashMap<NodeId, NamedPolicy>>,
    /// The latest callers' requests gathered (with and without MFA), each caller's policies
    /// gathered once for the many requests deciding it makes (see [`Checker::with_input`]).
    gathered: Mutex<HashMap<(NodeId, bool), GatheredOnce>>,
}

/// A caller's request gathered (`None`: it cannot be: not a user or role of the data).
type GatheredOnce = Option<Arc<Gathered>>;

/// A caller's request gathered once: the request and its policies, without a resource's.
struct Gathered {
    req: AccessRequest,
    input: EvaluationInput,
    /// The keys of its context that do not depend on the resource ([`caller_context`]), under
    /// each request's own.
    caller: Arc<RequestContext>,
    /// A copy of `input` a request used and gave back, to be used again rather than copied
    /// (the request's own fields are set anew each time).
    spare: Mutex<Option<EvaluationInput>>,
}

/// How many callers' gathered requests are kept: deciding one caller asks many requests in a
/// row, and a walk meets many callers once each.
const GATHERED_KEPT: usize = 256;

fn allow_all_policy() -> NamedPolicy {
    let parsed = PolicyDocument::parse_str(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    );
    let doc = parsed.document.unwrap_or(PolicyDocument {
        version: None,
        id: None,
        statements: Vec::new(),
    });
    NamedPolicy::from_document(ALLOW_ALL_LABEL, &doc)
}

/// A concrete action matched by `pattern` (wildcards filled in).
fn concrete(pattern: &str) -> String {
    pattern.replace(['*', '?'], "x")
}

/// The most probes kept for one principal; far more than the distinct denied actions of the
/// policies one principal's requests are decided with.
const MAX_PROBES: usize = 1024;

/// Each action a `Deny` or a `NotAction` list of `t` names (wildcards filled in), onto `out`.
fn add_probes(t: &PolicyText, out: &mut Vec<String>) {
    let Some(doc) = t.document.as_deref() else {
        return;
    };
    for st in &doc.statements {
        let Some(list) = &st.action else { continue };
        if list.negated || st.effect == Some(Effect::Deny) {
            for p in &list.patterns {
                let a = concrete(p);
                if out.len() < MAX_PROBES && !out.iter().any(|x| x.eq_ignore_ascii_case(&a)) {
                    out.push(a);
                }
            }
        }
    }
}

/// Actions a principal allowed the literal `*` on `*` must also be allowed, for it to be an
/// administrator: every action a `Deny` or a `NotAction` list names in the policies its
/// requests are decided with — its own (every version of its managed policies, which a
/// technique may make the default), its account's groups' (it may join one), its boundary,
/// its account's SCPs — and IAM's own. Another principal's policies cannot refuse it.
fn probes_for(inv: &Inventory, node: &crate::engine::graph::Node) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let managed = |arn: &str, out: &mut Vec<String>| {
        if let Some(m) = inv.managed_policy(arn) {
            m.versions.iter().for_each(|v| add_probes(&v.policy, out));
        }
    };
    let account = node.account.as_deref().unwrap_or_default();
    // A principal's or a group's inline and attached policies.
    let own = |inline: &[crate::engine::model::InlinePolicy],
               attached: &[crate::engine::model::AttachedPolicy],
               out: &mut Vec<String>| {
        inline.iter().for_each(|p| add_probes(&p.policy, out));
        attached.iter().for_each(|m| managed(&m.arn, out));
    };
    let boundary = match node.kind {
        NodeKind::User => inv.user_by_arn(&node.id).and_then(|u| {
            own(&u.inline_policies, &u.managed_policies, &mut out);
            for g in inv.groups.iter().filter(|g| g.account == account) {
                own(&g.inline_policies, &g.managed_policies, &mut out);
            }
            u.permissions_boundary.as_ref()
        }),
        NodeKind::Role => inv.role_by_arn(&node.id).and_then(|r| {
            own(&r.inline_policies, &r.managed_policies, &mut out);
            r.permissions_boundary.as_ref()
        }),
        _ => None,
    };
    if let Some(b) = boundary {
        managed(&b.arn, &mut out);
    }
    if let Some(org) = inv.account(account).and_then(|a| a.organization.as_ref()) {
        for l in &org.scps_by_level {
            l.policies.iter().for_each(|p| add_probes(p, &mut out));
        }
    }
    // Always probe IAM itself: "administrator" must include changing IAM.
    for a in ["iam:PutRolePolicy", "iam:CreateUser", "sts:AssumeRole"] {
        if !out.iter().any(|x| x.eq_ignore_ascii_case(a)) {
            out.push(a.to_owned());
        }
    }
    out
}

/// What one need decided.
#[derive(Debug, Clone)]
pub struct NeedResult {
    pub grant: ActionGrant,
    /// The full decision (with the missing pieces).
    pub decision: Decision,
    /// True when some identity statement the loaded data holds allows the request: the
    /// technique is on the caller's mind, whatever else refuses.
    pub identity_allows: bool,
}

impl<'a> Checker<'a> {
    #[must_use]
    pub fn new(graph: &'a TrustGraph) -> Self {
        let inv = graph.inventory();
        Self {
            graph,
            inv,
            // Compiled when a request first needs them (most principals of a large inventory
            // are never asked about), then kept.
            index: PolicyIndex::compiling_on_use(),
            now: graph.now,
            no_resource_policy: ResourceBasedPolicy {
                policy: allow_all_policy(),
                is_role_trust: false,
            },
            allow_all: allow_all_policy(),
            rewritten: Mutex::new(HashMap::default()),
            gathered: Mutex::new(HashMap::default()),
        }
    }

    #[must_use]
    pub fn allow_all(&self) -> &NamedPolicy {
        &self.allow_all
    }

    fn principal(&self, node: NodeId) -> Option<(Principal, SessionFacts)> {
        let n = self.graph.node(node);
        let account = n.account.as_deref()?;
        match n.kind {
            NodeKind::User => Some((Principal::user(&n.id, account), SessionFacts::default())),
            NodeKind::Role => Some((
                Principal::role_session(&n.id, DEFAULT_SESSION_NAME),
                SessionFacts {
                    issued_at: Some(self.now),
                    ..SessionFacts::default()
                },
            )),
            _ => None,
        }
    }

    /// Sets the request's action, resource and context on `input` (a copy of `gathered`'s,
    /// a new one or the spare one of [`Checker::with_input`]), and makes `change`.
    fn fill(
        &self,
        gathered: &Gathered,
        input: &mut EvaluationInput,
        action: &str,
        resource: &str,
        change: &Change,
    ) {
        action.clone_into(&mut input.action);
        resource.clone_into(&mut input.resource);
        let account = input.effective_resource_account().map(str::to_owned);
        // The caller's keys are made once ([`caller_context`]); `gather` would make the same
        // context, key for key (a test in `policy::gather` holds them side by side).
        input.context = context_on(
            self.inv,
            &gathered.req,
            &gathered.caller,
            resource,
            account.as_deref(),
        );
        self.apply(input, change);
    }

    /// The request `node` makes, gathered, with `change` applied, handed to `f`.
    ///
    /// Every request here is evaluated without a resource policy or RCPs (IAM users and roles
    /// have none that grants these actions), so what differs between two requests of one
    /// caller is the action, the resource and the context keys of the resource: the caller's
    /// policies are gathered once (with and without MFA), and of the context only the keys of
    /// the resource are made again ([`context_on`], over the caller's keys: the context
    /// [`gather`] makes). Without a change, the input is the caller's spare copy when it has
    /// one, given back after `f` (a walk decides thousands of requests of one caller, and
    /// copying the gathered policies for each costs more than deciding it). `f` may change
    /// the action and the context and set a resource policy: they are set anew for each
    /// request.
    fn with_input<R>(
        &self,
        node: NodeId,
        action: &str,
        resource: &str,
        mfa: bool,
        change: &Change,
        f: impl FnOnce(&mut EvaluationInput) -> R,
    ) -> Option<R> {
        let gathered = self.gathered(node, mfa)?;
        let reuse = change.is_none();
        let spare = if reuse {
            gathered
                .spare
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
        } else {
            None
        };
        let mut input = spare.unwrap_or_else(|| gathered.input.clone());
        self.fill(&gathered, &mut input, action, resource, change);
        let out = f(&mut input);
        if reuse {
            // As gathered: no resource policy (see [`Checker::gathered`]).
            input.resource_policy = None;
            *gathered
                .spare
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(input);
        }
        Some(out)
    }

    /// `node`'s request gathered, without a resource policy, RCPs or what they lack.
    fn gathered(&self, node: NodeId, mfa: bool) -> Option<Arc<Gathered>> {
        if let Some(g) = self
            .gathered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(node, mfa))
        {
            return g.clone();
        }
        let made = self.principal(node).and_then(|(principal, session)| {
            let mut req = AccessRequest::new(principal, "*", "*", self.now);
            req.session = session;
            req.resource_policy = Some(self.no_resource_policy.clone());
            if mfa {
                req.mfa_authenticated_at = Some(self.now);
            }
            let mut input = gather(self.inv, &self.index, &req).ok()?;
            input.resource_policy = None;
            input.rcps = None;
            input.gaps.retain(|g| {
                !matches!(
                    g.layer,
                    PolicyType::ResourceBasedPolicy | PolicyType::ResourceControlPolicy
                )
            });
            // Made again for each request's resource, over the caller's keys.
            input.context = RequestContext::default();
            let caller = Arc::new(caller_context(self.inv, &req, &input.principal));
            Some(Arc::new(Gathered {
                req,
                input,
                caller,
                spare: Mutex::new(None),
            }))
        });
        let mut kept = self.gathered.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= GATHERED_KEPT {
            kept.clear();
        }
        kept.insert((node, mfa), made.clone());
        made
    }

    fn apply(&self, input: &mut EvaluationInput, change: &Change) {
        if change.is_none() {
            return;
        }
        if change.drop_boundary || change.allow_all_boundary {
            input.permissions_boundary = change.allow_all_boundary.then(|| self.allow_all.clone());
            input
                .gaps
                .retain(|g| g.layer != PolicyType::PermissionsBoundary);
        }
        if let Some((arn, policy)) = &change.replace_managed {
            input.identity_policies.retain(|p| &*p.name != arn.as_str());
            input.identity_policies.push(policy.clone());
        }
        if change.add_allow_all {
            input.identity_policies.push(self.allow_all.clone());
        }
        input
            .identity_policies
            .extend(change.add_policies.iter().cloned());
        for m in &change.add_missing {
            input.gaps.push(crate::engine::policy::evaluate::Gap {
                layer: PolicyType::IdentityBasedPolicy,
                missing: Arc::clone(m),
            });
        }
    }

    /// The decision for one request, without MFA and, when that is refused, with it.
    /// Returns the decision and whether it needed MFA.
    fn decide_input(
        &self,
        node: NodeId,
        action: &str,
        resource: &str,
        extra: &[(&str, String)],
        change: &Change,
    ) -> Option<(Decision, bool, bool)> {
        let mut best: Option<(Decision, bool, bool)> = None;
        for mfa in [false, true] {
            let (d, identity_allows) =
                self.with_input(node, action, resource, mfa, change, |input| {
                    for (k, v) in extra {
                        input.context.insert((*k).to_owned(), v.clone());
                    }
                    let d = evaluate(input);
                    let identity_allows = if input.gaps.is_empty() {
                        identity_allowed(&d)
                    } else {
                        let mut known = input.clone();
                        known.gaps.clear();
                        identity_allowed(&evaluate(&known))
                    };
                    (d, identity_allows)
                })?;
            let done = d.is_allowed();
            if best.is_none() || done || (identity_allows && !best.as_ref().is_some_and(|b| b.2)) {
                best = Some((d, mfa, identity_allows));
            }
            if done {
                break;
            }
        }
        best
    }

    /// The resource `node` asks `need` on: the target, itself, the object, or a new one.
    #[must_use]
    pub fn resource_of(
        &self,
        node: NodeId,
        need: &Need,
        target: &str,
        object: Option<&str>,
    ) -> Option<String> {
        let me = &self.graph.node(node);
        let account = me.account.as_deref()?;
        Some(match need.aim {
            Aim::TargetRole | Aim::TargetUser => target.to_owned(),
            Aim::SelfArn => me.id.clone(),
            Aim::Object => object?.to_owned(),
            Aim::New(service, rest) => {
                format!(
                    "arn:aws:{service}:{}:{account}:{rest}",
                    crate::engine::policy::gather::DEFAULT_REGION
                )
            }
        })
    }

    /// True when every policy `node`'s requests are decided with is loaded (its own, its
    /// boundary, its account's SCPs): a request its loaded statements do not allow is then
    /// refused, never unknown.
    #[must_use]
    pub fn nothing_missing(&self, node: NodeId) -> bool {
        self.gathered(node, false)
            .is_some_and(|g| g.input.gaps.is_empty())
    }

    /// Decides one need of a technique.
    pub fn need(
        &self,
        node: NodeId,
        need: &Need,
        target: &str,
        object: Option<&str>,
        change: &Change,
    ) -> Option<NeedResult> {
        let resource = self.resource_of(node, need, target, object)?;
        let mut extra: Vec<(&str, String)> = Vec::new();
        if let Some(s) = need.passes_to {
            extra.push(("iam:PassedToService", s.to_owned()));
        }
        for (k, v) in need.keys {
            extra.push((k, (*v).to_owned()));
        }
        let (decision, mfa, identity_allows) =
            self.decide_input(node, need.action, &resource, &extra, change)?;
        Some(NeedResult {
            grant: ActionGrant {
                action: need.action.to_owned(),
                resource,
                passed_to_service: need.passes_to.map(str::to_owned),
                statement: granting_statement(&decision),
                outcome: decision.outcome,
                mfa,
            },
            decision,
            identity_allows,
        })
    }

    /// `sts:AssumeRole` by `node` on `role` once the role's trust policy names `node`.
    pub fn assume_after_rewrite(&self, node: NodeId, role_arn: &str) -> Option<NeedResult> {
        let known = self
            .rewritten
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&node)
            .cloned();
        let trust = match known {
            Some(t) => t,
            None => {
                let me = self.graph.node(node);
                let doc = PolicyDocument::parse_str(
                    &serde_json::json!({
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Principal": {"AWS": me.id}, "Action": "sts:AssumeRole"}]
                    })
                    .to_string(),
                )
                .document?;
                let t = NamedPolicy::from_document("(the rewritten trust policy)", &doc);
                self.rewritten
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(node, t.clone());
                t
            }
        };
        let mut best: Option<(Decision, bool)> = None;
        for mfa in [false, true] {
            let d = self.with_input(
                node,
                "sts:AssumeRole",
                role_arn,
                mfa,
                &Change::default(),
                |input| {
                    input.resource_policy = Some(ResourceBasedPolicy {
                        policy: trust.clone(),
                        is_role_trust: true,
                    });
                    evaluate(input)
                },
            )?;
            let done = d.is_allowed();
            if best.is_none() || done {
                best = Some((d, mfa));
            }
            if done {
                break;
            }
        }
        let (decision, mfa) = best?;
        Some(NeedResult {
            grant: ActionGrant {
                action: "sts:AssumeRole".to_owned(),
                resource: role_arn.to_owned(),
                passed_to_service: None,
                statement: granting_statement(&decision),
                outcome: decision.outcome,
                mfa,
            },
            identity_allows: true,
            decision,
        })
    }

    /// Whether `node` is an administrator once `change` is made: allowed the literal `*` on
    /// `*`, and every action a `Deny` or `NotAction` of the loaded policies names.
    #[must_use]
    pub fn admin(&self, node: NodeId, change: &Change) -> AdminStatus {
        let Some((first, mfa, _)) = self.decide_input(node, "*", "*", &[], change) else {
            return AdminStatus::No {
                refused_by: None,
                message: "not a user or role of the loaded accounts".to_owned(),
            };
        };
        let mut unknown: Option<Decision> = None;
        match first.outcome {
            Outcome::Allow => {}
            Outcome::Unknown => unknown = Some(first),
            Outcome::ExplicitDeny | Outcome::ImplicitDeny => {
                return AdminStatus::No {
                    refused_by: first.deciding,
                    message: first.message,
                };
            }
        }
        let probes = probes_for(self.inv, self.graph.node(node));
        let refused = self.with_input(node, "*", "*", mfa, change, |input| {
            for probe in &probes {
                input.action.clone_from(probe);
                let d = evaluate(input);
                match d.outcome {
                    Outcome::Allow => {}
                    Outcome::Unknown => {
                        if unknown.is_none() {
                            unknown = Some(d);
                        }
                    }
                    Outcome::ExplicitDeny | Outcome::ImplicitDeny => {
                        return Some(AdminStatus::No {
                            refused_by: d.deciding,
                            message: format!("`{probe}` is refused: {}", d.message),
                        });
                    }
                }
            }
            None
        });
        match refused {
            None => {
                return AdminStatus::No {
                    refused_by: None,
                    message: String::new(),
                };
            }
            Some(Some(no)) => return no,
            Some(None) => {}
        }
        match unknown {
            Some(d) => AdminStatus::Unknown {
                missing: d.missing,
                message: d.message,
            },
            None => AdminStatus::Yes { mfa },
        }
    }
}

/// True when an identity-based statement allows the request.
fn identity_allowed(d: &Decision) -> bool {
    d.matched_statements
        .iter()
        .any(|m| m.policy_type == PolicyType::IdentityBasedPolicy && m.effect == Effect::Allow)
        && d.layer(PolicyType::IdentityBasedPolicy) != LayerOutcome::NotApplicable
}

/// The identity statement that allows the request (`policy` statement `Sid`).
fn granting_statement(d: &Decision) -> Option<String> {
    d.matched_statements
        .iter()
        .find(|m| m.policy_type == PolicyType::IdentityBasedPolicy && m.effect == Effect::Allow)
        .map(crate::engine::policy::decision::MatchedStatement::describe)
}

/// The status of an edge from the decisions of its needs (all must be allowed).
#[must_use]
pub fn status_of(results: &[&Decision]) -> EdgeStatus {
    let mut missing: Vec<Arc<Missing>> = Vec::new();
    let mut unknown_message = None;
    for d in results {
        match d.outcome {
            Outcome::Allow => {}
            Outcome::Unknown => {
                for m in &d.missing {
                    if !missing.contains(m) {
                        missing.push(Arc::clone(m));
                    }
                }
                unknown_message.get_or_insert_with(|| d.message.clone());
            }
            Outcome::ExplicitDeny | Outcome::ImplicitDeny => {
                return EdgeStatus::Broken {
                    refused_by: d.deciding,
                    message: d.message.clone(),
                };
            }
        }
    }
    match unknown_message {
        Some(message) => EdgeStatus::Unknown { missing, message },
        None => EdgeStatus::Works,
    }
}

/// Turns an administrator answer into an edge status for a self-escalation.
#[must_use]
pub fn gain_status(admin: &AdminStatus, technique: Technique) -> EdgeStatus {
    match admin {
        AdminStatus::Yes { .. } => EdgeStatus::Works,
        AdminStatus::No {
            refused_by,
            message,
        } => EdgeStatus::Broken {
            refused_by: *refused_by,
            message: format!(
                "`{}` is allowed, but the caller would still not be an administrator: {message}",
                technique.needs().first().map_or("", |n| n.action)
            ),
        },
        AdminStatus::Unknown { missing, message } => EdgeStatus::Unknown {
            missing: missing.clone(),
            message: message.clone(),
        },
    }
}

/// An edge with its grants and status.
#[must_use]
pub fn edge(
    from: NodeId,
    to: NodeId,
    technique: Technique,
    object: Option<String>,
    results: &[NeedResult],
    requirements: Vec<String>,
    status: EdgeStatus,
) -> EscalationEdge {
    let mut requirements = requirements;
    if results.iter().any(|r| r.grant.mfa) && !requirements.iter().any(|r| r == "MFA") {
        requirements.insert(0, "MFA".to_owned());
    }
    EscalationEdge {
        from,
        to,
        technique,
        object,
        grants: results.iter().map(|r| r.grant.clone()).collect(),
        requirements,
        status,
    }
}

impl Checker<'_> {
    /// The caller's own policies (identity and boundary) the loaded data lacks.
    #[must_use]
    pub fn identity_missing(&self, node: NodeId) -> Vec<Arc<Missing>> {
        self.with_input(node, "*", "*", false, &Change::default(), |input| {
            let mut out: Vec<Arc<Missing>> = Vec::new();
            for g in &input.gaps {
                if matches!(
                    g.layer,
                    PolicyType::IdentityBasedPolicy | PolicyType::PermissionsBoundary
                ) && !out.contains(&g.missing)
                {
                    out.push(Arc::clone(&g.missing));
                }
            }
            out
        })
        .unwrap_or_default()
    }
}
