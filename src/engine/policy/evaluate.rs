//! AWS's policy evaluation logic: one request against every policy type that applies to it.
//!
//! Order and rules (IAM-RULES §4.1, §4.2, §3.2, §5):
//! 1. an applicable `Deny` in any SCP, RCP, resource-based, identity-based, boundary or session
//!    policy is final;
//! 2. RCPs of the resource's account (supported services only; not for service principals or
//!    service-linked roles): every level, root to account, must allow;
//! 3. SCPs of the principal's account (IAM principals only; not service-linked roles; the
//!    caller passes `None` for the management account or an account outside an organisation):
//!    every level must allow;
//! 4. a resource-based allow decides on its own in the same account, by how it names the
//!    caller: the user, session, federated user, service or provider exactly, or `"*"`, are
//!    enough; the role ARN (for its sessions) or the IAM user behind a federated user still
//!    need the boundary and session policy; the account is only a delegation to the identity
//!    policies. A role trust policy must always allow the caller itself;
//! 5. otherwise identity policies must allow, and the boundary (if any) and session policies
//!    (if any) must allow too. A federated-user session without a session policy has no
//!    permissions; a role session without one is not limited;
//! 6. across accounts both sides must allow: identity ∩ boundary ∩ session policy in the
//!    principal's account, and a resource-based policy naming the principal, its account or
//!    `"*"` in the resource's account.
//!
//! Where the IAM User Guide and the third-party simulator disagree (IAM-RULES §9: a session
//! policy does not limit a grant naming the session ARN; `NotPrincipal` listing an account
//! does not exempt the account's other principals), this follows the guide.

use std::sync::Arc;

use super::compiled::{CompiledPolicy, GrantKind, RequestView, Scope, StatementMatch, service_bit};
use super::context::RequestContext;
use super::decision::{
    Decision, LayerDecision, LayerOutcome, LevelDecision, MatchedStatement, Outcome, PolicyType,
};
use super::document::{Effect, PolicyDocument};
use super::pattern::ArnParts;
use super::principal::{Principal, PrincipalType};
use super::service_rules::{self, ServiceRule};
use crate::engine::coverage::Missing;

/// A compiled policy with the label decisions name it by (policy name or ARN). The label is
/// shared: every matched statement of a decision names its policy without copying the text.
#[derive(Debug, Clone)]
pub struct NamedPolicy {
    pub name: Arc<str>,
    pub policy: Arc<CompiledPolicy>,
}

impl NamedPolicy {
    #[must_use]
    pub fn new(name: impl Into<Arc<str>>, policy: Arc<CompiledPolicy>) -> Self {
        Self {
            name: name.into(),
            policy,
        }
    }

    /// Compiles `doc` under `name`.
    #[must_use]
    pub fn from_document(name: impl Into<Arc<str>>, doc: &PolicyDocument) -> Self {
        Self::new(name, CompiledPolicy::shared(doc))
    }
}

/// The policies attached at one level of an organisation (root, OU or account).
#[derive(Debug, Clone)]
pub struct PolicyLevel {
    pub target: String,
    pub policies: Vec<NamedPolicy>,
}

/// The resource-based policy of the request's resource.
#[derive(Debug, Clone)]
pub struct ResourceBasedPolicy {
    pub policy: NamedPolicy,
    /// True for a role's trust policy: it must allow the caller itself, even in the same
    /// account, and identity policies alone never let anyone assume a role.
    pub is_role_trust: bool,
}

/// Everything an evaluation needs. Build it by hand, or from an inventory with
/// `policy::gather`.
#[derive(Debug, Clone)]
pub struct EvaluationInput {
    pub principal: Principal,
    /// `service:Action`; matched case-insensitively.
    pub action: String,
    /// The resource ARN (or `*` for actions without a resource).
    pub resource: String,
    /// The account that owns the resource. `None`: the account in the resource ARN, or, for
    /// ARNs without one (S3 buckets), the principal's account.
    pub resource_account: Option<String>,
    pub context: RequestContext,
    /// Identity-based policies: a user's inline, managed and group policies; a role's inline
    /// and managed policies.
    pub identity_policies: Vec<NamedPolicy>,
    pub permissions_boundary: Option<NamedPolicy>,
    /// `None`: the session has no session policy. `Some(vec![])` is different: a session
    /// policy set that allows nothing.
    pub session_policies: Option<Vec<NamedPolicy>>,
    /// SCP levels of the principal's account, root first; `None` when the account is not in
    /// an organisation or is its management account.
    pub scps: Option<Vec<PolicyLevel>>,
    /// RCP levels of the resource's account, root first; `None` likewise.
    pub rcps: Option<Vec<PolicyLevel>>,
    pub resource_policy: Option<ResourceBasedPolicy>,
    /// Policies the request needs that the loaded data lacks, each with the policy type it
    /// belongs to. Empty for complete data; otherwise the evaluation asks whether any content
    /// of the missing pieces could change the answer (see [`evaluate`]).
    pub gaps: Vec<Gap>,
}

/// A policy of one policy type that the loaded data lacks.
#[derive(Debug, Clone)]
pub struct Gap {
    pub layer: PolicyType,
    pub missing: Arc<Missing>,
}

impl Gap {
    #[must_use]
    pub fn new(layer: PolicyType, missing: Missing) -> Self {
        Self {
            layer,
            missing: Arc::new(missing),
        }
    }
}

impl EvaluationInput {
    /// An input with no policies and an empty context.
    #[must_use]
    pub fn new(
        principal: Principal,
        action: impl Into<String>,
        resource: impl Into<String>,
    ) -> Self {
        Self {
            principal,
            action: action.into(),
            resource: resource.into(),
            resource_account: None,
            context: RequestContext::new(),
            identity_policies: Vec::new(),
            permissions_boundary: None,
            session_policies: None,
            scps: None,
            rcps: None,
            resource_policy: None,
            gaps: Vec::new(),
        }
    }

    /// The account that owns the resource, as the evaluation reads it.
    #[must_use]
    pub fn effective_resource_account(&self) -> Option<&str> {
        if let Some(a) = self.resource_account.as_deref() {
            return Some(a);
        }
        let mut parts = self.resource.splitn(6, ':');
        match (parts.nth(4), parts.next()) {
            // AWS managed policies (`arn:aws:iam::aws:policy/…`) are visible from every
            // account, as if they were the caller's own.
            (Some("aws"), Some(_)) => self.principal.account.as_deref(),
            (Some(a), Some(_)) if !a.is_empty() && self.resource.starts_with("arn:") => Some(a),
            _ => self.principal.account.as_deref(),
        }
    }
}

/// Services whose resources RCPs restrict [ORG-live:RCP].
pub const RCP_SERVICES: &[&str] = &["s3", "sts", "kms", "sqs", "secretsmanager"];

#[derive(Default)]
struct LayerTally {
    allow: bool,
    deny: bool,
}

struct Evaluator<'a> {
    view: RequestView<'a>,
    missing: Vec<String>,
    matched: Vec<MatchedStatement>,
    notes: Vec<String>,
}

impl Evaluator<'_> {
    fn run(
        &mut self,
        policy_type: PolicyType,
        level: Option<&str>,
        np: &NamedPolicy,
        scope: Scope,
        grants: &mut Vec<GrantKind>,
    ) -> LayerTally {
        let mut tally = LayerTally::default();
        if !np.policy.may_match_service(self.view.service_bit) {
            return tally;
        }
        for st in &np.policy.statements {
            let StatementMatch::Match(grant) = st.matches(&self.view, scope, &mut self.missing)
            else {
                continue;
            };
            let Some(effect) = st.effect else { continue };
            match effect {
                Effect::Allow => {
                    tally.allow = true;
                    if let Some(g) = grant {
                        grants.push(g);
                    }
                }
                Effect::Deny => tally.deny = true,
            }
            self.matched.push(MatchedStatement {
                policy_type,
                policy: np.name.clone(),
                level: level.map(str::to_owned),
                sid: st.sid.clone(),
                index: st.index,
                effect,
                grant,
            });
        }
        tally
    }

    fn run_set(
        &mut self,
        policy_type: PolicyType,
        set: &[NamedPolicy],
        scope: Scope,
    ) -> LayerOutcome {
        let mut t = LayerTally::default();
        let mut grants = Vec::new();
        for np in set {
            let r = self.run(policy_type, None, np, scope, &mut grants);
            t.allow |= r.allow;
            t.deny |= r.deny;
        }
        tally_outcome(&t)
    }

    fn run_levels(
        &mut self,
        policy_type: PolicyType,
        levels: &[PolicyLevel],
    ) -> (LayerOutcome, Vec<LevelDecision>) {
        let mut out = Vec::with_capacity(levels.len());
        let mut any_deny = false;
        let mut all_allow = true;
        for level in levels {
            let mut t = LayerTally::default();
            let mut grants = Vec::new();
            for np in &level.policies {
                let r = self.run(
                    policy_type,
                    Some(&level.target),
                    np,
                    Scope::Organization,
                    &mut grants,
                );
                t.allow |= r.allow;
                t.deny |= r.deny;
            }
            let o = tally_outcome(&t);
            any_deny |= o == LayerOutcome::ExplicitDeny;
            all_allow &= o == LayerOutcome::Allowed;
            out.push(LevelDecision {
                target: level.target.clone(),
                outcome: o,
            });
        }
        let outcome = if any_deny {
            LayerOutcome::ExplicitDeny
        } else if all_allow {
            LayerOutcome::Allowed
        } else {
            LayerOutcome::ImplicitDeny
        };
        (outcome, out)
    }
}

fn tally_outcome(t: &LayerTally) -> LayerOutcome {
    if t.deny {
        LayerOutcome::ExplicitDeny
    } else if t.allow {
        LayerOutcome::Allowed
    } else {
        LayerOutcome::ImplicitDeny
    }
}

fn service_of(action_lower: &str) -> &str {
    action_lower.split(':').next().unwrap_or("")
}

thread_local! {
    static ACTION_BUFFER: std::cell::Cell<String> = const { std::cell::Cell::new(String::new()) };
}

/// Evaluates a request as AWS would. Never panics; statements that cannot match (missing
/// `Effect`, unknown operator, …) simply do not apply — `policy::validate` reports them.
///
/// With [`EvaluationInput::gaps`], the request is also evaluated with every missing policy
/// standing in as one that allows everything and as one that denies everything (the most and
/// the least any content of it could give; evaluation is monotonic in each policy). When both
/// agree, that answer stands, and the decision lists the pieces it did not need; when they
/// differ the outcome is [`Outcome::Unknown`], naming the pieces, and when one piece decides,
/// what the answer would be either way.
#[must_use]
pub fn evaluate(input: &EvaluationInput) -> Decision {
    if input.gaps.is_empty() {
        return evaluate_known(input);
    }
    let mut base = evaluate_known(input);
    let missing: Vec<Arc<Missing>> = {
        let mut m: Vec<Arc<Missing>> = Vec::with_capacity(input.gaps.len());
        for g in &input.gaps {
            if !m.iter().any(|x| x == &g.missing) {
                m.push(Arc::clone(&g.missing));
            }
        }
        m
    };
    let most = evaluate_known(&stand_in(input, Effect::Allow));
    let least = if most.is_allowed() {
        Some(evaluate_known(&stand_in(input, Effect::Deny)))
    } else {
        None
    };
    base.missing = missing;
    match least {
        // Denied even if the missing pieces allowed everything.
        None => {
            if base.is_allowed() {
                // Cannot happen (monotonic), but never report an allow the pieces deny.
                base.outcome = Outcome::ImplicitDeny;
            }
            base
        }
        // Allowed even if they denied everything.
        Some(l) if l.is_allowed() => base,
        Some(_) => {
            let names: Vec<&str> = base.missing.iter().map(|m| m.name.as_str()).collect();
            let either = if let [one] = names.as_slice() {
                if base.is_allowed() {
                    format!(
                        "allowed unless {} on {} is denied by {one}; denied if it is",
                        input.action, input.resource
                    )
                } else {
                    format!(
                        "allowed if {} on {} is allowed by {one} (the rest as loaded); denied otherwise",
                        input.action, input.resource
                    )
                }
            } else {
                format!("allowed or denied depending on {}", names.join(", "))
            };
            base.notes.push(format!(
                "as loaded (without the missing pieces) the request is {}",
                base.outcome.as_str()
            ));
            base.message = format!(
                "unknown: whether {} may perform: {} on resource: {} depends on data that is not loaded: {either}",
                input.principal.arn, input.action, input.resource
            );
            base.outcome = Outcome::Unknown;
            base.deciding = None;
            base
        }
    }
}

/// `input` with each missing policy standing in as one whose single statement is `effect`
/// on every action and resource (for every principal, in a resource-based policy).
fn stand_in(input: &EvaluationInput, effect: Effect) -> EvaluationInput {
    use std::sync::LazyLock;
    static DOCS: LazyLock<[Arc<CompiledPolicy>; 4]> = LazyLock::new(|| {
        let doc = |effect: &str, principal: bool| {
            let mut st = serde_json::json!({"Effect": effect, "Action": "*", "Resource": "*"});
            if principal && let Some(o) = st.as_object_mut() {
                o.insert("Principal".to_owned(), serde_json::json!("*"));
            }
            let v = serde_json::json!({"Version": "2012-10-17", "Statement": [st]});
            PolicyDocument::from_value(&v).document.map_or_else(
                || {
                    CompiledPolicy::shared(&PolicyDocument {
                        version: None,
                        id: None,
                        statements: Vec::new(),
                    })
                },
                |d| CompiledPolicy::shared(&d),
            )
        };
        [
            doc("Allow", false),
            doc("Deny", false),
            doc("Allow", true),
            doc("Deny", true),
        ]
    });
    let pick = |principal: bool| {
        let i = usize::from(effect == Effect::Deny) + if principal { 2 } else { 0 };
        Arc::clone(&DOCS[i])
    };
    let mut out = input.clone();
    out.gaps = Vec::new();
    for g in &input.gaps {
        let name: Arc<str> = Arc::from(g.missing.name.as_str());
        let np = |principal: bool| NamedPolicy::new(Arc::clone(&name), pick(principal));
        match g.layer {
            PolicyType::IdentityBasedPolicy => out.identity_policies.push(np(false)),
            PolicyType::PermissionsBoundary => out.permissions_boundary = Some(np(false)),
            PolicyType::SessionPolicy => {
                out.session_policies
                    .get_or_insert_with(Vec::new)
                    .push(np(false));
            }
            PolicyType::ServiceControlPolicy | PolicyType::ResourceControlPolicy => {
                let levels = if g.layer == PolicyType::ServiceControlPolicy {
                    &mut out.scps
                } else {
                    &mut out.rcps
                };
                let levels = levels.get_or_insert_with(Vec::new);
                if effect == Effect::Allow {
                    // Allowing everything: every loaded level allows too.
                    for l in levels.iter_mut() {
                        l.policies.push(np(false));
                    }
                } else {
                    levels.push(PolicyLevel {
                        target: g.missing.name.clone(),
                        policies: vec![np(false)],
                    });
                }
            }
            PolicyType::ResourceBasedPolicy => {
                let is_role_trust = out
                    .resource_policy
                    .as_ref()
                    .is_some_and(|r| r.is_role_trust);
                out.resource_policy = Some(ResourceBasedPolicy {
                    policy: np(true),
                    is_role_trust,
                });
            }
        }
    }
    out
}

fn evaluate_known(input: &EvaluationInput) -> Decision {
    // The lowercased action goes into a buffer the thread keeps (no allocation per decision).
    let mut action_lower = ACTION_BUFFER.take();
    action_lower.clear();
    if input.action.is_ascii() {
        action_lower.push_str(&input.action);
        action_lower.make_ascii_lowercase();
    } else {
        action_lower.push_str(&input.action.to_lowercase());
    }
    let principal = &input.principal;
    let kind = principal.kind;
    let iam = kind.is_iam_identity();
    let resource_account = input.effective_resource_account();
    let same_account = match (resource_account, &principal.account) {
        (Some(r), Some(p)) => r == p,
        _ => false,
    };
    let mut ev = Evaluator {
        view: RequestView {
            action: &action_lower,
            service_bit: service_bit(service_of(&action_lower)),
            resource: ArnParts::new(&input.resource),
            principal,
            has_boundary: input.permissions_boundary.is_some(),
            context: &input.context,
        },
        missing: Vec::new(),
        matched: Vec::with_capacity(8),
        notes: Vec::new(),
    };

    // Organisation guardrails.
    let (scp, scp_levels) = match &input.scps {
        Some(levels) if iam && !principal.service_linked => {
            ev.run_levels(PolicyType::ServiceControlPolicy, levels)
        }
        Some(_) => {
            ev.notes.push(if principal.service_linked {
                "service control policies do not restrict service-linked roles".to_owned()
            } else {
                "service control policies restrict only IAM principals of member accounts"
                    .to_owned()
            });
            (LayerOutcome::NotApplicable, Vec::new())
        }
        None => (LayerOutcome::NotApplicable, Vec::new()),
    };
    let rcp_service = RCP_SERVICES.contains(&service_of(&action_lower));
    let (rcp, rcp_levels) = match &input.rcps {
        Some(levels)
            if rcp_service && kind != PrincipalType::Service && !principal.service_linked =>
        {
            ev.run_levels(PolicyType::ResourceControlPolicy, levels)
        }
        Some(_) => {
            ev.notes.push(if rcp_service {
                "resource control policies do not restrict service principals or service-linked roles".to_owned()
            } else {
                format!(
                    "resource control policies do not apply to `{}` actions",
                    service_of(&action_lower)
                )
            });
            (LayerOutcome::NotApplicable, Vec::new())
        }
        None => (LayerOutcome::NotApplicable, Vec::new()),
    };

    // Resource-based policy.
    let mut grants: Vec<GrantKind> = Vec::new();
    let resource = match &input.resource_policy {
        Some(rp) => {
            let t = ev.run(
                PolicyType::ResourceBasedPolicy,
                None,
                &rp.policy,
                Scope::Resource,
                &mut grants,
            );
            for st in &rp.policy.policy.statements {
                if st.effect == Some(Effect::Deny) && st.not_principal_lacks_chain(principal) {
                    ev.notes.push(format!(
                        "`{}` statement {} exempts the caller with `NotPrincipal` but does not also list its account{}; AWS may check the account first and deny",
                        rp.policy.name,
                        st.label(),
                        if kind == PrincipalType::AssumedRole { " and role ARNs" } else { " ARN" }
                    ));
                }
            }
            tally_outcome(&t)
        }
        None => LayerOutcome::NotApplicable,
    };

    // The principal's own policies.
    let (identity, boundary, session) = if iam && kind != PrincipalType::Root {
        let identity = ev.run_set(
            PolicyType::IdentityBasedPolicy,
            &input.identity_policies,
            Scope::Identity,
        );
        let boundary = match &input.permissions_boundary {
            Some(b) => ev.run_set(
                PolicyType::PermissionsBoundary,
                std::slice::from_ref(b),
                Scope::Identity,
            ),
            None => LayerOutcome::NotApplicable,
        };
        let session = match &input.session_policies {
            Some(set) => ev.run_set(PolicyType::SessionPolicy, set, Scope::Identity),
            None if kind == PrincipalType::FederatedUser => {
                ev.notes.push(
                    "a federated-user session created without a session policy has no permissions"
                        .to_owned(),
                );
                LayerOutcome::ImplicitDeny
            }
            None => LayerOutcome::NotApplicable,
        };
        (identity, boundary, session)
    } else if kind == PrincipalType::Root {
        ev.notes.push(
            "the account root user needs no identity-based policy in its own account".to_owned(),
        );
        (
            LayerOutcome::Allowed,
            LayerOutcome::NotApplicable,
            LayerOutcome::NotApplicable,
        )
    } else {
        (
            LayerOutcome::NotApplicable,
            LayerOutcome::NotApplicable,
            LayerOutcome::NotApplicable,
        )
    };

    let layers = vec![
        LayerDecision {
            policy_type: PolicyType::ServiceControlPolicy,
            outcome: scp,
            levels: scp_levels,
        },
        LayerDecision {
            policy_type: PolicyType::ResourceControlPolicy,
            outcome: rcp,
            levels: rcp_levels,
        },
        LayerDecision {
            policy_type: PolicyType::ResourceBasedPolicy,
            outcome: resource,
            levels: Vec::new(),
        },
        LayerDecision {
            policy_type: PolicyType::IdentityBasedPolicy,
            outcome: identity,
            levels: Vec::new(),
        },
        LayerDecision {
            policy_type: PolicyType::PermissionsBoundary,
            outcome: boundary,
            levels: Vec::new(),
        },
        LayerDecision {
            policy_type: PolicyType::SessionPolicy,
            outcome: session,
            levels: Vec::new(),
        },
    ];

    let rule = service_rules::rule_for(&action_lower, &input.resource, principal);
    if let ServiceRule::ResourcePolicyRequired(why) = &rule {
        ev.notes.push((*why).to_owned());
    }
    let (mut outcome, mut deciding) = decide(
        &layers,
        &grants,
        kind,
        same_account,
        input
            .resource_policy
            .as_ref()
            .is_some_and(|r| r.is_role_trust)
            || matches!(rule, ServiceRule::ResourcePolicyRequired(_)),
    );
    let mut reason = None;
    match rule {
        ServiceRule::AlwaysAllowed(why) => {
            outcome = Outcome::Allow;
            deciding = None;
            reason = Some(why.to_owned());
        }
        ServiceRule::AwsOwned(why) if outcome == Outcome::Allow => {
            outcome = Outcome::ImplicitDeny;
            deciding = None;
            reason = Some(why);
        }
        _ => {}
    }

    let Evaluator {
        mut missing,
        matched,
        mut notes,
        ..
    } = ev;
    ACTION_BUFFER.set(action_lower);
    if missing.len() > 1 {
        missing.sort_by_key(|k| k.to_lowercase());
        missing.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    }
    let message = match &reason {
        Some(why) => {
            notes.push(why.clone());
            format!(
                "{}: {} {} perform: {} on resource: {} because {why}",
                principal.kind.message_word(),
                principal.arn,
                if outcome == Outcome::Allow {
                    "is allowed to"
                } else {
                    "is not authorized to"
                },
                input.action,
                input.resource
            )
        }
        None => message(input, outcome, deciding, &matched),
    };
    Decision {
        outcome,
        deciding,
        principal: principal.arn.clone(),
        action: input.action.clone(),
        resource: input.resource.clone(),
        same_account,
        matched_statements: matched,
        layers,
        missing_context_keys: missing,
        message,
        notes,
        missing: Vec::new(),
    }
}

fn decide(
    layers: &[LayerDecision],
    grants: &[GrantKind],
    kind: PrincipalType,
    same_account: bool,
    is_role_trust: bool,
) -> (Outcome, Option<PolicyType>) {
    let of = |t: PolicyType| {
        layers
            .iter()
            .find(|l| l.policy_type == t)
            .map_or(LayerOutcome::NotApplicable, |l| l.outcome)
    };
    // 1. Explicit deny anywhere.
    for l in layers {
        if l.outcome == LayerOutcome::ExplicitDeny {
            return (Outcome::ExplicitDeny, Some(l.policy_type));
        }
    }
    // 2-3. Organisation guardrails must allow.
    for t in [
        PolicyType::ResourceControlPolicy,
        PolicyType::ServiceControlPolicy,
    ] {
        if of(t) == LayerOutcome::ImplicitDeny {
            return (Outcome::ImplicitDeny, Some(t));
        }
    }
    let ok = |t: PolicyType| matches!(of(t), LayerOutcome::Allowed | LayerOutcome::NotApplicable);
    let identity_ok = of(PolicyType::IdentityBasedPolicy) == LayerOutcome::Allowed;
    let boundary_ok = ok(PolicyType::PermissionsBoundary);
    let session_ok = ok(PolicyType::SessionPolicy);
    let identity_path = identity_ok && boundary_ok && session_ok;
    let first_identity_gap = || {
        if !identity_ok {
            PolicyType::IdentityBasedPolicy
        } else if !boundary_ok {
            PolicyType::PermissionsBoundary
        } else {
            PolicyType::SessionPolicy
        }
    };

    // Principals without identity policies: the resource-based policy alone decides.
    if !kind.is_iam_identity() {
        return if grants.is_empty() {
            (Outcome::ImplicitDeny, Some(PolicyType::ResourceBasedPolicy))
        } else {
            (Outcome::Allow, Some(PolicyType::ResourceBasedPolicy))
        };
    }

    let grant_suffices = |g: GrantKind| match g {
        GrantKind::Direct | GrantKind::Everyone => true,
        GrantKind::Role | GrantKind::SourceUser => boundary_ok && session_ok,
        GrantKind::Account => identity_path,
    };
    let resource_grants = grants.iter().any(|&g| grant_suffices(g));

    if is_role_trust && grants.is_empty() {
        return (Outcome::ImplicitDeny, Some(PolicyType::ResourceBasedPolicy));
    }
    if !same_account {
        if !identity_path {
            return (Outcome::ImplicitDeny, Some(first_identity_gap()));
        }
        if grants.is_empty() {
            return (Outcome::ImplicitDeny, Some(PolicyType::ResourceBasedPolicy));
        }
        return (Outcome::Allow, Some(PolicyType::ResourceBasedPolicy));
    }
    if resource_grants {
        return (Outcome::Allow, Some(PolicyType::ResourceBasedPolicy));
    }
    if is_role_trust {
        // The trust names the caller's account or role, but the rest does not allow.
        return (Outcome::ImplicitDeny, Some(first_identity_gap()));
    }
    if identity_path {
        return (Outcome::Allow, Some(PolicyType::IdentityBasedPolicy));
    }
    // A grant to the role was blocked by the boundary or session policy.
    if !grants.is_empty() && identity_ok {
        return (Outcome::ImplicitDeny, Some(first_identity_gap()));
    }
    if grants
        .iter()
        .any(|g| matches!(g, GrantKind::Role | GrantKind::SourceUser))
    {
        let gap = if boundary_ok {
            PolicyType::SessionPolicy
        } else {
            PolicyType::PermissionsBoundary
        };
        return (Outcome::ImplicitDeny, Some(gap));
    }
    (Outcome::ImplicitDeny, Some(first_identity_gap()))
}

fn message(
    input: &EvaluationInput,
    outcome: Outcome,
    deciding: Option<PolicyType>,
    matched: &[MatchedStatement],
) -> String {
    let p = &input.principal;
    let mut m =
        String::with_capacity(160 + p.arn.len() + 2 * input.action.len() + input.resource.len());
    m.push_str(p.kind.message_word());
    m.push_str(": ");
    m.push_str(&p.arn);
    let statements = |m: &mut String, effect: Effect, t: PolicyType| {
        let mut first = true;
        for st in matched
            .iter()
            .filter(|s| s.effect == effect && s.policy_type == t)
        {
            if !first {
                m.push_str(", ");
            }
            first = false;
            st.describe_into(m);
        }
        !first
    };
    match outcome {
        Outcome::Allow => {
            m.push_str(" is allowed to perform: ");
            m.push_str(&input.action);
            m.push_str(" on resource: ");
            m.push_str(&input.resource);
            if let Some(t) = deciding {
                m.push_str(" by ");
                let mark = m.len();
                m.push_str(t.phrase());
                m.push(' ');
                if !statements(&mut m, Effect::Allow, t) {
                    m.truncate(mark);
                    m.push_str(&t.with_article());
                }
            }
        }
        Outcome::ExplicitDeny => {
            let t = deciding.unwrap_or(PolicyType::IdentityBasedPolicy);
            m.push_str(" is not authorized to perform: ");
            m.push_str(&input.action);
            m.push_str(" on resource: ");
            m.push_str(&input.resource);
            m.push_str(" with an explicit deny in ");
            m.push_str(&t.with_article());
            let mark = m.len();
            m.push_str(" (");
            if statements(&mut m, Effect::Deny, t) {
                m.push(')');
            } else {
                m.truncate(mark);
            }
        }
        // Made by `evaluate` from the bounds; never the known evaluation's own outcome.
        Outcome::Unknown => {
            m.push_str(" may or may not perform: ");
            m.push_str(&input.action);
            m.push_str(" on resource: ");
            m.push_str(&input.resource);
        }
        Outcome::ImplicitDeny => {
            let t = deciding.unwrap_or(PolicyType::IdentityBasedPolicy);
            m.push_str(" is not authorized to perform: ");
            m.push_str(&input.action);
            m.push_str(" on resource: ");
            m.push_str(&input.resource);
            m.push_str(" because no ");
            m.push_str(t.phrase());
            m.push_str(" allows the ");
            m.push_str(&input.action);
            m.push_str(" action");
        }
    }
    m
}
