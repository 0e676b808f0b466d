//! Why a simulated STS call failed and what would fix it.
//!
//! For every policy layer the policy engine found blocking (trust policy, the caller's
//! identity policies, boundary, session policy, SCPs, RCPs) this names the troubleshooting
//! category, explains it in plain words and proposes the minimal fix: the exact statement
//! to add to which policy, the statement to remove, or the request parameter to change.
//! Missing MFA and a missing or wrong external ID are found by re-evaluating with them
//! supplied, so the fix named is the one that actually flips the decision.
//!
//! [`apply_fix`] applies a fix to an inventory and a request (both owned by the caller, so
//! tests, the TUI and lessons can try a fix on a clone).

use serde_json::{Map, Value, json};

use crate::engine::model::{IdentityProvider, Inventory, Known, PolicyText, ProviderType};
use crate::engine::policy::compiled::GrantKind;
use crate::engine::policy::context::{ContextValue, RequestContext};
use crate::engine::policy::decision::{Decision, LayerOutcome, MatchedStatement, PolicyType};
use crate::engine::policy::document::Effect;
use crate::engine::policy::evaluate::{EvaluationInput, evaluate};
use crate::engine::sts::assume::{Checks, Simulator, not_authorized};
use crate::engine::sts::authz::SESSION_POLICY_LABEL;
use crate::engine::sts::caller::{Caller, CallerKind};
use crate::engine::sts::docs;
use crate::engine::sts::outcome::{Category, ErrorCode, Fix, PolicyTarget, StsError};
use crate::engine::sts::request::{AssumeRoleRequest, DenialType, Request};
use crate::engine::sts::trust_swap;

/// Everything the diagnosis of one call needs.
pub(crate) struct Diagnosis<'s, 'a> {
    pub sim: &'s Simulator<'a>,
    /// The IAM caller (`None` for web identity and SAML).
    pub caller: Option<&'s Caller>,
    /// The policy engine's input the denial came from (principal, policies, context).
    pub input: &'s EvaluationInput,
    pub role_idx: usize,
    /// The AssumeRole request, for parameter fixes that depend on it.
    pub request: Option<&'s AssumeRoleRequest>,
    /// Conditions a trust statement added by a fix should carry (web identity: `aud` and
    /// `sub`; SAML: `SAML:aud`), so the fix does not open the role to every token.
    pub trust_conditions: Option<Value>,
}

impl Diagnosis<'_, '_> {
    fn role_arn(&self) -> &str {
        &self.sim.inventory.roles[self.role_idx].arn
    }

    fn role_account(&self) -> &str {
        &self.sim.inventory.roles[self.role_idx].account
    }

    fn cross_account(&self) -> bool {
        self.input.principal.account.as_deref() != Some(self.role_account())
    }

    fn is_federation(&self) -> bool {
        self.caller.is_none()
    }

    fn deny(&self, action: &str, denial: DenialType) -> StsError {
        match self.caller {
            Some(c) => StsError::denied(not_authorized(&c.arn, action, self.role_arn()), denial),
            None => StsError::denied(format!("Not authorized to perform {action}"), denial),
        }
    }

    /// The `Principal` element a trust statement needs to name this caller directly.
    fn trust_principal(&self) -> Value {
        match self.caller.map(|c| &c.kind) {
            Some(CallerKind::Service { name }) => json!({ "Service": name }),
            Some(CallerKind::RoleSession { role_arn, .. }) => json!({ "AWS": role_arn }),
            Some(_) => {
                json!({ "AWS": self.caller.map(|c| c.principal_arn.clone()).unwrap_or_default() })
            }
            None => json!({ "Federated": self.input.principal.arn }),
        }
    }

    fn caller_label(&self) -> String {
        match self.caller {
            Some(c) => format!("`{}`", c.arn),
            None => format!("identity provider `{}`", self.input.principal.arn),
        }
    }
}

fn statement_ref(m: &MatchedStatement) -> String {
    match &m.sid {
        Some(s) if !s.is_empty() => format!("statement `{s}`"),
        _ => format!("statement #{}", m.index),
    }
}

fn category_for(policy_type: PolicyType) -> Category {
    match policy_type {
        PolicyType::ResourceBasedPolicy => Category::WrongTrustPolicy,
        PolicyType::IdentityBasedPolicy => Category::CallerLacksPermission,
        PolicyType::PermissionsBoundary => Category::BoundaryBlocking,
        PolicyType::SessionPolicy => Category::SessionPolicyBlocking,
        PolicyType::ServiceControlPolicy => Category::ScpBlocking,
        PolicyType::ResourceControlPolicy => Category::RcpBlocking,
    }
}

fn policy_name(policy_type: PolicyType, label: &str) -> String {
    match policy_type {
        PolicyType::ResourceBasedPolicy => format!("the role's {label}"),
        _ => format!("{} `{label}`", policy_type.phrase()),
    }
}

/// A parameter alternative tried to explain a denial.
struct Alternative {
    category: Category,
    /// `None` when the caller cannot make the change in its request (a role session cannot
    /// pass MFA).
    fix: Option<Fix>,
    explanation: String,
    decision: Decision,
}

fn is_fresh_mfa(ctx: &RequestContext) -> bool {
    ctx.get("aws:MultiFactorAuthPresent")
        .and_then(ContextValue::single)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        && ctx
            .get("aws:MultiFactorAuthAge")
            .and_then(ContextValue::single)
            .is_none_or(|v| v == "0")
}

/// External ID values the role's trust policy asks for.
fn trust_external_ids(diag: &Diagnosis<'_, '_>) -> Vec<String> {
    let role = &diag.sim.inventory.roles[diag.role_idx];
    let Some(doc) = &role.trust_policy.document else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for st in &doc.statements {
        if st.effect != Some(Effect::Allow) {
            continue;
        }
        for c in &st.conditions {
            let op = c.operator.to_ascii_lowercase();
            if c.key.eq_ignore_ascii_case("sts:ExternalId")
                && op.starts_with("string")
                && !op.contains("not")
            {
                for v in &c.values {
                    if !v.contains(['*', '?', '$']) && !out.contains(v) {
                        out.push(v.clone());
                    }
                }
            }
        }
    }
    out
}

fn mfa_fix(diag: &Diagnosis<'_, '_>) -> Option<Fix> {
    if role_session_caller(diag) {
        return None;
    }
    let serial = match diag.caller.map(|c| (&c.kind, c)) {
        Some((CallerKind::User { user_arn, .. }, c)) => format!(
            "arn:{}:iam::{}:mfa/{}",
            c.partition,
            c.account,
            user_arn.rsplit('/').next().unwrap_or("device")
        ),
        Some((_, c)) => format!("arn:{}:iam::{}:mfa/device", c.partition, c.account),
        None => "arn:aws:iam::123456789012:mfa/device".to_owned(),
    };
    Some(Fix::SetParameter {
        parameter: "mfa".to_owned(),
        value: json!({"serial_number": serial, "token_code": "123456", "token_valid": true, "auth_age_seconds": 0}),
        summary:
            "call with MFA: pass the device's SerialNumber and its current TokenCode (`--mfa`)"
                .to_owned(),
    })
}

/// True when the caller is a role session: its requests carry its own session's MFA state,
/// and it cannot pass an MFA code ([STS-API AssumeRole] `SerialNumber`: the device of the IAM
/// user making the call).
fn role_session_caller(diag: &Diagnosis<'_, '_>) -> bool {
    diag.caller
        .is_some_and(|c| matches!(c.kind, CallerKind::RoleSession { .. }))
}

/// The decision with another request context.
fn reevaluate(diag: &Diagnosis<'_, '_>, action: &str, context: RequestContext) -> Decision {
    let mut input = diag.input.clone();
    action.clone_into(&mut input.action);
    input.context = context;
    evaluate(&input)
}

fn alternatives(diag: &Diagnosis<'_, '_>, action: &str, ctx: &RequestContext) -> Vec<Alternative> {
    let mut out = Vec::new();
    if diag.is_federation() {
        return out;
    }
    let mut mfa_ctx = None;
    if !is_fresh_mfa(ctx) {
        let mut c = ctx.clone();
        c.insert("aws:MultiFactorAuthPresent", "true");
        c.insert("aws:MultiFactorAuthAge", "0");
        let d = reevaluate(diag, action, c.clone());
        let had = ctx
            .get("aws:MultiFactorAuthPresent")
            .and_then(ContextValue::single)
            == Some("true");
        out.push(Alternative {
            category: Category::MfaMissing,
            fix: mfa_fix(diag),
            explanation: if had {
                "the policy requires a recent MFA authentication and the caller's MFA is too old (aws:MultiFactorAuthAge)".to_owned()
            } else if role_session_caller(diag) {
                "the policy requires MFA (aws:MultiFactorAuthPresent), and the caller is a role session whose own session carries no MFA; a role session cannot pass an MFA code (only an IAM user can, for its own device), so make this call as an IAM user with MFA, or chain from a session that has MFA".to_owned()
            } else {
                "the policy requires MFA (aws:MultiFactorAuthPresent) and the request was made without it".to_owned()
            },
            decision: d,
        });
        mfa_ctx = Some(c);
    }
    let given = diag.request.and_then(|r| r.external_id.clone());
    let wanted = trust_external_ids(diag);
    if let Some(value) = wanted
        .iter()
        .find(|v| Some(*v) != given.as_ref())
        .filter(|_| !given.as_ref().is_some_and(|g| wanted.contains(g)))
    {
        let explanation = match &given {
            Some(g) => format!(
                "the trust policy requires external ID `{value}` (sts:ExternalId) and the request passed `{g}`"
            ),
            None => format!(
                "the trust policy requires external ID `{value}` (sts:ExternalId) and the request passed none"
            ),
        };
        let fix = Fix::SetParameter {
            parameter: "external_id".to_owned(),
            value: Value::String(value.clone()),
            summary: format!(
                "pass the external ID the role's owner gave you: `--external-id {value}`"
            ),
        };
        let mut c = ctx.clone();
        c.insert("sts:ExternalId", value.as_str());
        let d = reevaluate(diag, action, c);
        out.push(Alternative {
            category: Category::ExternalIdMissingOrWrong,
            fix: Some(fix.clone()),
            explanation: explanation.clone(),
            decision: d,
        });
        if let Some(mut both) = mfa_ctx {
            both.insert("sts:ExternalId", value.as_str());
            let d = reevaluate(diag, action, both);
            // Both needed together: recorded as the external-ID alternative; the MFA one is
            // matched separately against this decision below.
            out.push(Alternative {
                category: Category::ExternalIdMissingOrWrong,
                fix: Some(fix),
                explanation,
                decision: d,
            });
        }
    }
    out
}

fn statement_matched(d: &Decision, m: &MatchedStatement) -> bool {
    d.matched_statements
        .iter()
        .any(|x| x.policy == m.policy && x.index == m.index && x.effect == m.effect)
}

fn layer_ok(d: &Decision, t: PolicyType) -> bool {
    matches!(
        d.layer(t),
        LayerOutcome::Allowed | LayerOutcome::NotApplicable
    )
}

/// The statement that grants `action` on the role, for identity-side policies.
fn identity_statement(action: &str, role_arn: &str) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": role_arn})
}

/// Adds the findings for a denied decision of `action` to `checks`.
#[allow(clippy::too_many_lines)]
pub(crate) fn diagnose_decision(
    diag: &Diagnosis<'_, '_>,
    action: &str,
    d: &Decision,
    ctx: &RequestContext,
    checks: &mut Checks,
) {
    let denial = if d.outcome == crate::engine::policy::decision::Outcome::ExplicitDeny {
        DenialType::Explicit
    } else {
        DenialType::Implicit
    };
    let role_arn = diag.role_arn().to_owned();
    let cross = diag.cross_account();
    let alts = alternatives(diag, action, ctx);
    let before = checks.findings.len();
    let mut explained: Vec<PolicyType> = Vec::new();
    let add_alt = |alt: &Alternative, checks: &mut Checks, what: &str| {
        let already = checks.findings[before..]
            .iter()
            .any(|f| f.category == alt.category && f.fix == alt.fix);
        if !already {
            checks.push(
                match alt.category {
                    Category::MfaMissing => "mfa",
                    _ => "external-id",
                },
                alt.category,
                diag.deny(action, denial),
                format!("{} ({what})", alt.explanation),
                // IAM-RULES §3.4
                docs::UG_GLOBAL_KEYS,
                alt.fix.clone(),
            );
        }
    };

    // Explicit denies.
    for m in d
        .matched_statements
        .iter()
        .filter(|m| m.effect == Effect::Deny)
    {
        if let Some(alt) = alts.iter().find(|a| !statement_matched(&a.decision, m)) {
            add_alt(
                alt,
                checks,
                &format!(
                    "{} {} denies without it",
                    policy_name(m.policy_type, &m.policy),
                    statement_ref(m)
                ),
            );
            continue;
        }
        let fix = removal_fix(diag, m);
        let level = m
            .level
            .as_deref()
            .map(|l| format!(" attached at `{l}`"))
            .unwrap_or_default();
        checks.push(
            "explicit-deny",
            category_for(m.policy_type),
            diag.deny(action, DenialType::Explicit),
            format!(
                "{}{level} {} explicitly denies {action} for {}; an explicit deny overrides every allow",
                policy_name(m.policy_type, &m.policy),
                statement_ref(m),
                diag.caller_label()
            ),
            // IAM-RULES §3.2 step 5, §4.1 step 1
            docs::UG_EVALUATION,
            fix,
        );
    }

    // Layers that allow nothing.
    let trust_grants: Vec<GrantKind> = d
        .matched_statements
        .iter()
        .filter(|m| m.policy_type == PolicyType::ResourceBasedPolicy && m.effect == Effect::Allow)
        .filter_map(|m| m.grant)
        .collect();
    let trust_allows = d
        .matched_statements
        .iter()
        .any(|m| m.policy_type == PolicyType::ResourceBasedPolicy && m.effect == Effect::Allow);
    let best = trust_grants.iter().copied().max();
    let iam_caller = diag
        .caller
        .is_some_and(|c| !matches!(c.kind, CallerKind::Service { .. }));
    let identity_needed = iam_caller && (cross || best == Some(GrantKind::Account));
    let limits_needed =
        iam_caller && (cross || matches!(best, Some(GrantKind::Account | GrantKind::Role)));
    let identity_ok = layer_ok(d, PolicyType::IdentityBasedPolicy);

    let mut failing: Vec<PolicyType> = Vec::new();
    if !trust_allows {
        failing.push(PolicyType::ResourceBasedPolicy);
    }
    if identity_needed && d.layer(PolicyType::IdentityBasedPolicy) == LayerOutcome::ImplicitDeny {
        failing.push(PolicyType::IdentityBasedPolicy);
    }
    if limits_needed && d.layer(PolicyType::PermissionsBoundary) == LayerOutcome::ImplicitDeny {
        failing.push(PolicyType::PermissionsBoundary);
    }
    if limits_needed && d.layer(PolicyType::SessionPolicy) == LayerOutcome::ImplicitDeny {
        failing.push(PolicyType::SessionPolicy);
    }
    for t in &failing {
        for alt in &alts {
            let allows_now = if *t == PolicyType::ResourceBasedPolicy {
                alt.decision.matched_statements.iter().any(|m| {
                    m.policy_type == PolicyType::ResourceBasedPolicy && m.effect == Effect::Allow
                })
            } else {
                alt.decision.layer(*t) == LayerOutcome::Allowed
            };
            if allows_now {
                let what = match t {
                    PolicyType::ResourceBasedPolicy => "the role's trust policy".to_owned(),
                    other => format!("the caller's {}", other.phrase()),
                };
                add_alt(alt, checks, &what);
                explained.push(*t);
                break;
            }
        }
    }
    // MFA needed alongside an external ID: the combined alternative flipped the trust.
    if explained.contains(&PolicyType::ResourceBasedPolicy)
        && let (Some(mfa), Some(both)) = (
            alts.iter().find(|a| a.category == Category::MfaMissing),
            alts.iter()
                .rev()
                .find(|a| a.category == Category::ExternalIdMissingOrWrong),
        )
    {
        let mfa_alone =
            mfa.decision.matched_statements.iter().any(|m| {
                m.policy_type == PolicyType::ResourceBasedPolicy && m.effect == Effect::Allow
            });
        let ext_alone = alts
            .iter()
            .find(|a| a.category == Category::ExternalIdMissingOrWrong)
            .is_some_and(|a| {
                a.decision.matched_statements.iter().any(|m| {
                    m.policy_type == PolicyType::ResourceBasedPolicy && m.effect == Effect::Allow
                })
            });
        let both_ok =
            both.decision.matched_statements.iter().any(|m| {
                m.policy_type == PolicyType::ResourceBasedPolicy && m.effect == Effect::Allow
            });
        if both_ok && !mfa_alone && !ext_alone {
            add_alt(
                mfa,
                checks,
                "the role's trust policy, together with the external ID",
            );
        }
    }

    for t in failing.iter().filter(|t| !explained.contains(t)) {
        // A policy type whose policies are not all loaded may well allow: not a failing check.
        if let Some(g) = diag.input.gaps.iter().find(|g| g.layer == *t) {
            let note = format!(
                "the {} side is not judged: {}",
                t.phrase(),
                g.missing.sentence()
            );
            if !checks.notes.contains(&note) {
                checks.notes.push(note);
            }
            continue;
        }
        match t {
            PolicyType::ResourceBasedPolicy => {
                // The trust policy is the role account's half; a missing identity allow is
                // reported as the caller's half (below).
                let category = Category::WrongTrustPolicy;
                let mut statement = Map::new();
                statement.insert("Effect".into(), "Allow".into());
                statement.insert("Principal".into(), diag.trust_principal());
                statement.insert("Action".into(), action.into());
                if let Some(c) = &diag.trust_conditions {
                    statement.insert("Condition".into(), c.clone());
                }
                let statement = Value::Object(statement);
                let missing = if d.missing_context_keys.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; statements that name it ask for condition keys the request lacks: {}",
                        d.missing_context_keys
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let half = if cross && iam_caller && identity_ok {
                    format!(
                        " The caller's account {} allows the call, but the role's account {} does not trust it: both halves of a cross-account set-up are needed.",
                        diag.input.principal.account.clone().unwrap_or_default(),
                        diag.role_account()
                    )
                } else {
                    String::new()
                };
                // A statement that names the caller but whose conditions fail: say which
                // condition failed with what value, and fix it on the caller's side (a
                // federated caller's token or assertion) or, as a data fix, the narrowest
                // change — never a statement without the condition.
                if let Some(miss) = near_misses(diag, action, ctx).into_iter().next() {
                    let why: Vec<String> =
                        miss.failed.iter().map(FailedCondition::sentence).collect();
                    let caller_fix = if diag.is_federation() {
                        miss.failed.first().and_then(FailedCondition::caller_fix)
                    } else {
                        None
                    };
                    let data_fix = narrowest_statement(&miss).map(|statement| Fix::AddStatement {
                        target: PolicyTarget::TrustPolicy { role_arn: role_arn.clone() },
                        summary: format!(
                            "if this caller should get in, add to the trust policy of `{role_arn}` the same statement with the condition widened to the caller's value (every other condition kept): {statement}"
                        ),
                        statement,
                    });
                    let alternative = match (&caller_fix, &data_fix) {
                        (Some(_), Some(d)) => format!("; or, as a data fix, {}", d.summary()),
                        _ => String::new(),
                    };
                    checks.push(
                        "trust-policy",
                        category,
                        diag.deny(action, DenialType::Implicit),
                        format!(
                            "the trust policy of `{role_arn}` names {} in {} for {action}, but {}{alternative}",
                            diag.caller_label(),
                            miss.label,
                            why.join("; ")
                        ),
                        // IAM-RULES §3.1, §3.4
                        docs::UG_PRINCIPAL,
                        caller_fix.or(data_fix).or_else(|| {
                            // An IAM caller the condition cannot be widened for: a statement
                            // naming that one principal, as when no statement names it.
                            (!diag.is_federation()).then(|| Fix::AddStatement {
                                target: PolicyTarget::TrustPolicy { role_arn: role_arn.clone() },
                                summary: format!("add this statement to the trust policy of `{role_arn}`: {statement}"),
                                statement: statement.clone(),
                            })
                        }),
                    );
                    continue;
                }
                let add = Fix::AddStatement {
                    target: PolicyTarget::TrustPolicy {
                        role_arn: role_arn.clone(),
                    },
                    summary: format!(
                        "add this statement to the trust policy of `{role_arn}`: {statement}"
                    ),
                    statement,
                };
                // A trust that evidently names the wrong account is fixed by swapping that
                // principal for the caller's, not by adding the caller beside it.
                let (fix, swapped) =
                    match trust_swap::swap_mistaken_principal(diag.sim.inventory, &add) {
                        Some((swap, why)) => (swap, format!(" {why}")),
                        None => (add, String::new()),
                    };
                checks.push(
                    "trust-policy",
                    category,
                    diag.deny(action, DenialType::Implicit),
                    format!(
                        "the trust policy of `{role_arn}` has no statement that allows {action} for {}{missing}.{half}{swapped}",
                        diag.caller_label()
                    ),
                    // IAM-RULES §3.1, §3.2 step 1
                    docs::UG_PRINCIPAL,
                    Some(fix),
                );
            }
            PolicyType::IdentityBasedPolicy => {
                let Some(caller) = diag.caller else { continue };
                let statement = identity_statement(action, &role_arn);
                let (target, whose) = match &caller.kind {
                    CallerKind::User { user_arn, .. } => (
                        PolicyTarget::UserInline {
                            user_arn: user_arn.clone(),
                            name: format!("allow-{}", short_action(action)),
                        },
                        format!("user `{user_arn}`"),
                    ),
                    CallerKind::RoleSession { role_arn: r, .. } => (
                        PolicyTarget::RoleInline {
                            role_arn: r.clone(),
                            name: format!("allow-{}", short_action(action)),
                        },
                        format!("role `{r}`"),
                    ),
                    _ => continue,
                };
                let category = if cross && trust_allows {
                    Category::CrossAccountHalfMissing
                } else {
                    Category::CallerLacksPermission
                };
                let why = if cross {
                    format!(
                        "the role is in another account ({}), so the caller's own account must allow the call too",
                        diag.role_account()
                    )
                } else {
                    "the trust policy trusts the caller's account rather than the caller itself, which delegates the decision to the caller's identity policies".to_owned()
                };
                checks.push(
                    "caller-identity",
                    category,
                    diag.deny(action, DenialType::Implicit),
                    format!(
                        "no identity-based policy of {whose} allows {action} on `{role_arn}`; {why}"
                    ),
                    // IAM-RULES §3.2 steps 3-4
                    docs::UG_CROSS_ACCOUNT,
                    Some(Fix::AddStatement {
                        summary: format!(
                            "add this statement to {}: {statement}",
                            target.describe()
                        ),
                        target,
                        statement,
                    }),
                );
            }
            PolicyType::PermissionsBoundary => {
                let Some(b) = &diag.input.permissions_boundary else {
                    continue;
                };
                let statement = identity_statement(action, &role_arn);
                let target = PolicyTarget::ManagedPolicy {
                    policy_arn: b.name.to_string(),
                };
                checks.push(
                    "boundary",
                    Category::BoundaryBlocking,
                    diag.deny(action, DenialType::Implicit),
                    format!("the caller's permissions boundary `{}` does not allow {action} on `{role_arn}`; a boundary caps what identity policies can grant", b.name),
                    // IAM-RULES §4.1 step 6
                    docs::UG_BOUNDARIES,
                    Some(Fix::AddStatement {
                        summary: format!("add this statement to the boundary policy `{}`: {statement}", b.name),
                        target,
                        statement,
                    }),
                );
            }
            PolicyType::SessionPolicy => {
                let statement = identity_statement(action, &role_arn);
                let current = diag
                    .caller
                    .and_then(|c| c.session.as_ref())
                    .and_then(|s| s.session_policy.clone());
                let new_policy = with_statement(
                    current.unwrap_or_else(|| json!({"Version": "2012-10-17", "Statement": []})),
                    statement.clone(),
                );
                checks.push(
                    "session-policy",
                    Category::SessionPolicyBlocking,
                    diag.deny(action, DenialType::Implicit),
                    format!("the caller's session was created with a session policy that does not allow {action} on `{role_arn}`; session policies cap what the role's policies grant"),
                    // IAM-RULES §4.1 step 7
                    docs::UG_SESSION_POLICIES,
                    Some(Fix::SetParameter {
                        parameter: "caller_session.session_policy".to_owned(),
                        value: new_policy,
                        summary: format!("get the caller's session with a session policy that also allows it: {statement}"),
                    }),
                );
            }
            _ => {}
        }
    }

    // Organisation levels without an allow.
    for (t, kind) in [
        (PolicyType::ServiceControlPolicy, "scp"),
        (PolicyType::ResourceControlPolicy, "rcp"),
    ] {
        let Some(layer) = d.layers.iter().find(|l| l.policy_type == t) else {
            continue;
        };
        for level in layer
            .levels
            .iter()
            .filter(|l| l.outcome == LayerOutcome::ImplicitDeny)
        {
            let account = if t == PolicyType::ServiceControlPolicy {
                diag.input.principal.account.clone().unwrap_or_default()
            } else {
                diag.role_account().to_owned()
            };
            let statement = if t == PolicyType::ServiceControlPolicy {
                json!({"Effect": "Allow", "Action": action, "Resource": role_arn})
            } else {
                json!({"Effect": "Allow", "Principal": "*", "Action": action, "Resource": role_arn})
            };
            let target = PolicyTarget::OrgPolicy {
                account: account.clone(),
                kind: kind.to_owned(),
                target: level.target.clone(),
                index: 0,
            };
            let whose = if t == PolicyType::ServiceControlPolicy {
                format!("the caller's account {account}")
            } else {
                format!("the role's account {account}")
            };
            checks.push(
                kind,
                category_for(t),
                diag.deny(action, DenialType::Implicit),
                format!("no {} attached at `{}` (governing {whose}) allows {action}; every level of the organisation must allow", t.phrase(), level.target),
                // IAM-RULES §3.2 step 6, §4.1 step 3 (SCPs) and step 2 (RCPs)
                if t == PolicyType::ServiceControlPolicy { docs::ORG_SCPS } else { docs::ORG_RCPS },
                Some(Fix::AddStatement {
                    summary: format!("add this statement to a {} at `{}`: {statement}", t.phrase(), level.target),
                    target,
                    statement,
                }),
            );
        }
    }

    if checks.findings.len() == before {
        let category = d.deciding.map_or(Category::WrongTrustPolicy, category_for);
        checks.push(
            "policy",
            category,
            diag.deny(action, denial),
            d.message.clone(),
            // IAM-RULES §4.1
            docs::UG_EVALUATION,
            None,
        );
    }
}

fn short_action(action: &str) -> String {
    action.replace(':', "-").to_ascii_lowercase()
}

fn removal_fix(diag: &Diagnosis<'_, '_>, m: &MatchedStatement) -> Option<Fix> {
    if *m.policy == *SESSION_POLICY_LABEL {
        let current = diag
            .caller
            .and_then(|c| c.session.as_ref())
            .and_then(|s| s.session_policy.clone())?;
        return Some(Fix::SetParameter {
            parameter: "caller_session.session_policy".to_owned(),
            value: without_statement(current, m.index),
            summary: format!(
                "get the caller's session without the session policy's {}",
                statement_ref(m)
            ),
        });
    }
    let target = diag.sim.compiled.targets.get(&*m.policy)?.clone();
    Some(Fix::RemoveStatement {
        summary: format!("remove {} from {}", statement_ref(m), target.describe()),
        target,
        statement_index: m.index,
    })
}

/// `policy` with `statement` appended to its `Statement` list.
#[must_use]
pub fn with_statement(mut policy: Value, statement: Value) -> Value {
    let Some(obj) = policy.as_object_mut() else {
        return json!({"Version": "2012-10-17", "Statement": [statement]});
    };
    obj.entry("Version").or_insert_with(|| "2012-10-17".into());
    let list = match obj.remove("Statement") {
        Some(Value::Array(mut items)) => {
            items.push(statement);
            items
        }
        Some(single @ Value::Object(_)) => vec![single, statement],
        _ => vec![statement],
    };
    obj.insert("Statement".into(), Value::Array(list));
    policy
}

/// `policy` without the statement at `index`.
#[must_use]
pub fn without_statement(mut policy: Value, index: usize) -> Value {
    if let Some(obj) = policy.as_object_mut() {
        match obj.get_mut("Statement") {
            Some(Value::Array(items)) if index < items.len() => {
                items.remove(index);
            }
            Some(Value::Object(_)) if index == 0 => {
                obj.insert("Statement".into(), Value::Array(Vec::new()));
            }
            _ => {}
        }
    }
    policy
}

/// `policy` with the statement at `index` replaced by `statement` (appended when there is
/// no such statement, so the replacement is never lost).
#[must_use]
pub fn replacing_statement(mut policy: Value, index: usize, statement: Value) -> Value {
    if let Some(obj) = policy.as_object_mut() {
        match obj.get_mut("Statement") {
            Some(Value::Array(items)) if index < items.len() => {
                items[index] = statement;
                return policy;
            }
            Some(single @ Value::Object(_)) if index == 0 => {
                *single = statement;
                return policy;
            }
            _ => {}
        }
    }
    with_statement(policy, statement)
}

/// Why a fix could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixError {
    #[error("role `{0}` is not in the data")]
    NoRole(String),
    #[error("user `{0}` is not in the data")]
    NoUser(String),
    #[error("group `{0}` is not in the data")]
    NoGroup(String),
    #[error("managed policy `{0}` is not in the data (or has no default version)")]
    NoPolicy(String),
    #[error("account `{0}` has no organisation level `{1}`")]
    NoOrgLevel(String, String),
    #[error("account `{0}` is not in the data")]
    NoAccount(String),
    #[error("request parameter `{0}` cannot be set: {1}")]
    Parameter(String, String),
}

fn edit_text(text: &mut PolicyText, edit: impl FnOnce(Value) -> Value) {
    let new = edit(text.json());
    *text = PolicyText::from_json(new);
}

fn edit_target(
    inv: &mut Inventory,
    target: &PolicyTarget,
    edit: impl FnOnce(Value) -> Value,
) -> Result<(), FixError> {
    match target {
        PolicyTarget::TrustPolicy { role_arn } => {
            let i = *inv
                .index
                .role_by_arn
                .get(role_arn)
                .ok_or_else(|| FixError::NoRole(role_arn.clone()))?;
            edit_text(&mut inv.roles[i].trust_policy, edit);
        }
        PolicyTarget::RoleInline { role_arn, name } => {
            let i = *inv
                .index
                .role_by_arn
                .get(role_arn)
                .ok_or_else(|| FixError::NoRole(role_arn.clone()))?;
            upsert_inline(&mut inv.roles[i].inline_policies, name, edit);
        }
        PolicyTarget::UserInline { user_arn, name } => {
            let i = *inv
                .index
                .user_by_arn
                .get(user_arn)
                .ok_or_else(|| FixError::NoUser(user_arn.clone()))?;
            upsert_inline(&mut inv.users[i].inline_policies, name, edit);
        }
        PolicyTarget::GroupInline { group_arn, name } => {
            let i = *inv
                .index
                .group_by_arn
                .get(group_arn)
                .ok_or_else(|| FixError::NoGroup(group_arn.clone()))?;
            upsert_inline(&mut inv.groups[i].inline_policies, name, edit);
        }
        PolicyTarget::ManagedPolicy { policy_arn } => {
            let i = *inv
                .index
                .policy_by_arn
                .get(policy_arn)
                .ok_or_else(|| FixError::NoPolicy(policy_arn.clone()))?;
            let p = &mut inv.policies[i];
            let default_id = p
                .default_version()
                .map(|v| v.version_id.clone())
                .ok_or_else(|| FixError::NoPolicy(policy_arn.clone()))?;
            let v = p
                .versions
                .iter_mut()
                .find(|v| v.version_id == default_id)
                .ok_or_else(|| FixError::NoPolicy(policy_arn.clone()))?;
            let mut text = PolicyText::clone(&v.policy);
            edit_text(&mut text, edit);
            v.policy = text.into();
        }
        PolicyTarget::OrgPolicy {
            account,
            kind,
            target,
            index,
        } => {
            let acct = inv
                .accounts
                .get_mut(account)
                .ok_or_else(|| FixError::NoAccount(account.clone()))?;
            let org = acct
                .organization
                .as_mut()
                .ok_or_else(|| FixError::NoOrgLevel(account.clone(), target.clone()))?;
            let levels = if kind == "rcp" {
                &mut org.rcps_by_level
            } else {
                &mut org.scps_by_level
            };
            let level = levels
                .iter_mut()
                .find(|l| &l.target == target)
                .ok_or_else(|| FixError::NoOrgLevel(account.clone(), target.clone()))?;
            if let Some(p) = level.policies.get_mut(*index) {
                edit_text(p, edit);
            } else {
                level.policies.push(PolicyText::from_json(edit(
                    json!({"Version": "2012-10-17", "Statement": []}),
                )));
            }
        }
    }
    Ok(())
}

fn upsert_inline(
    list: &mut Vec<crate::engine::model::InlinePolicy>,
    name: &str,
    edit: impl FnOnce(Value) -> Value,
) {
    if let Some(p) = list.iter_mut().find(|p| p.name == name) {
        edit_text(&mut p.policy, edit);
    } else {
        list.push(crate::engine::model::InlinePolicy {
            name: name.to_owned(),
            policy: PolicyText::from_json(edit(json!({"Version": "2012-10-17", "Statement": []}))),
        });
    }
}

/// Sets a (dotted) parameter of a request document.
fn set_request_param(
    request: &mut Request,
    parameter: &str,
    value: &Value,
) -> Result<(), FixError> {
    let err = |m: String| FixError::Parameter(parameter.to_owned(), m);
    let mut doc = serde_json::to_value(&*request).map_err(|e| err(e.to_string()))?;
    let mut cur = &mut doc;
    let parts: Vec<&str> = parameter.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let Some(obj) = cur.as_object_mut() else {
            return Err(err("its parent is not an object".to_owned()));
        };
        if i + 1 == parts.len() {
            obj.insert((*part).to_owned(), value.clone());
            break;
        }
        let next = obj.entry((*part).to_owned()).or_insert_with(|| json!({}));
        if next.is_null() {
            *next = json!({});
        }
        cur = next;
    }
    *request = serde_json::from_value(doc).map_err(|e| err(e.to_string()))?;
    Ok(())
}

/// Applies `fix` to `inventory` (policy, role, account or provider edits) or to `request`
/// (parameter changes). Rebuild any [`Simulator`] over the inventory afterwards.
///
/// # Errors
/// When the fix names something the inventory does not hold, or a parameter that does not
/// fit the request.
pub fn apply_fix(
    inventory: &mut Inventory,
    request: &mut Request,
    fix: &Fix,
) -> Result<(), FixError> {
    match fix {
        Fix::AddStatement {
            target, statement, ..
        } => {
            let st = statement.clone();
            edit_target(inventory, target, move |p| with_statement(p, st))?;
        }
        Fix::RemoveStatement {
            target,
            statement_index,
            ..
        } => {
            let i = *statement_index;
            edit_target(inventory, target, move |p| without_statement(p, i))?;
        }
        Fix::ReplaceStatement {
            target,
            statement_index,
            statement,
            ..
        } => {
            let (i, st) = (*statement_index, statement.clone());
            edit_target(inventory, target, move |p| replacing_statement(p, i, st))?;
        }
        Fix::SetParameter {
            parameter, value, ..
        } => set_request_param(request, parameter, value)?,
        Fix::SetMaxSessionDuration {
            role_arn, seconds, ..
        } => {
            let i = *inventory
                .index
                .role_by_arn
                .get(role_arn)
                .ok_or_else(|| FixError::NoRole(role_arn.clone()))?;
            inventory.roles[i].max_session_duration = Known::Known(*seconds);
        }
        Fix::ActivateRegion {
            account, region, ..
        } => {
            let acct = inventory
                .accounts
                .get_mut(account)
                .ok_or_else(|| FixError::NoAccount(account.clone()))?;
            acct.sts_regions_deactivated.retain(|r| r != region);
        }
        Fix::AddOidcProvider {
            account,
            url,
            client_ids,
            ..
        } => {
            inventory.identity_providers.push(IdentityProvider {
                arn: format!("arn:aws:iam::{account}:oidc-provider/{url}"),
                account: account.clone(),
                provider_type: ProviderType::Oidc,
                url: Some(url.clone()),
                client_ids: client_ids.clone(),
                thumbprints: Vec::new(),
            });
        }
    }
    inventory.reindex();
    Ok(())
}

/// Applies `fix` to clones of `inventory` and `request` and returns them.
///
/// # Errors
/// As [`apply_fix`].
pub fn with_fix(
    inventory: &Inventory,
    request: &Request,
    fix: &Fix,
) -> Result<(Inventory, Request), FixError> {
    let mut inv = inventory.clone();
    let mut req = request.clone();
    apply_fix(&mut inv, &mut req, fix)?;
    Ok((inv, req))
}

/// Maps an error code to its troubleshooting category, for results without findings.
#[must_use]
pub fn category_of_code(code: ErrorCode) -> Category {
    match code {
        ErrorCode::ValidationError
        | ErrorCode::MalformedPolicyDocument
        | ErrorCode::PackedPolicyTooLarge => Category::InvalidParameter,
        ErrorCode::RegionDisabledException => Category::RegionDisabled,
        ErrorCode::ExpiredToken => Category::CallerSessionExpired,
        ErrorCode::ExpiredTokenException
        | ErrorCode::IdpRejectedClaim
        | ErrorCode::InvalidIdentityToken => Category::IdentityProvider,
        ErrorCode::AccessDenied => Category::WrongTrustPolicy,
    }
}

/// A condition of a trust statement that the request does not meet.
struct FailedCondition {
    operator: String,
    key: String,
    wanted: Vec<String>,
    /// The request's values for the key (`None`: the request does not carry it).
    got: Option<Vec<String>>,
}

/// A trust statement that names the caller and the action, but whose conditions fail.
struct NearMiss {
    /// `statement `Sid`` or `statement #i`.
    label: String,
    statement: Value,
    failed: Vec<FailedCondition>,
}

fn value_strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().flat_map(value_strings).collect(),
        Value::String(s) => vec![s.clone()],
        Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

/// Whether a trust policy made of `statement` alone allows the call.
fn trust_statement_allows(
    diag: &Diagnosis<'_, '_>,
    action: &str,
    ctx: &RequestContext,
    statement: &Value,
) -> bool {
    let doc = json!({"Version": "2012-10-17", "Statement": [statement]});
    let mut input = diag.input.clone();
    action.clone_into(&mut input.action);
    input.context = ctx.clone();
    input.resource_policy = Some(crate::engine::policy::evaluate::ResourceBasedPolicy {
        policy: crate::engine::policy::evaluate::NamedPolicy::new(
            crate::engine::sts::authz::trust_label(diag.role_arn()),
            crate::engine::sts::authz::compile_value(&doc),
        ),
        is_role_trust: true,
    });
    evaluate(&input).layer(PolicyType::ResourceBasedPolicy) == LayerOutcome::Allowed
}

/// The trust statements that would let the caller in for `action` but for their conditions,
/// each with the conditions the request fails and the values it has for their keys.
fn near_misses(diag: &Diagnosis<'_, '_>, action: &str, ctx: &RequestContext) -> Vec<NearMiss> {
    let trust = diag.sim.inventory.roles[diag.role_idx].trust_policy.json();
    let statements = match &trust["Statement"] {
        Value::Array(list) => list.clone(),
        obj @ Value::Object(_) => vec![obj.clone()],
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for (i, st) in statements.iter().enumerate() {
        let Some(obj) = st.as_object() else { continue };
        if obj.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        let Some(conditions) = obj.get("Condition").and_then(Value::as_object) else {
            continue;
        };
        let mut bare = obj.clone();
        bare.remove("Condition");
        if !trust_statement_allows(diag, action, ctx, &Value::Object(bare.clone())) {
            continue;
        }
        let mut failed = Vec::new();
        for (op, keys) in conditions {
            let Some(keys) = keys.as_object() else {
                continue;
            };
            for (key, values) in keys {
                let mut one = bare.clone();
                one.insert("Condition".into(), json!({ op: { key: values } }));
                if !trust_statement_allows(diag, action, ctx, &Value::Object(one)) {
                    failed.push(FailedCondition {
                        operator: op.clone(),
                        key: key.clone(),
                        wanted: value_strings(values),
                        got: ctx.get(key).map(|v| v.values().to_vec()),
                    });
                }
            }
        }
        if !failed.is_empty() {
            let label = obj
                .get("Sid")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map_or_else(|| format!("statement #{i}"), |s| format!("statement `{s}`"));
            out.push(NearMiss {
                label,
                statement: st.clone(),
                failed,
            });
        }
    }
    out
}

fn or_list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

impl FailedCondition {
    fn sentence(&self) -> String {
        let got = match &self.got {
            Some(v) if !v.is_empty() => {
                format!("the request has {}", or_list(v).replace(" or ", ", "))
            }
            _ => "the request does not carry it".to_owned(),
        };
        format!(
            "its condition `{}` on `{}` wants {}, and {got}",
            self.operator,
            self.key,
            or_list(&self.wanted)
        )
    }

    /// The caller's side of the fix for a federated call: the request parameter (token claim
    /// or assertion field) that carries the key, and a value that meets the condition.
    fn caller_fix(&self) -> Option<Fix> {
        let want = self.wanted.first()?;
        if want.contains("${") {
            return None;
        }
        let value = want.replace(['*', '?'], "x");
        let lower = self.key.to_ascii_lowercase();
        let multi =
            self.operator.starts_with("ForAnyValue:") || self.operator.starts_with("ForAllValues:");
        let (parameter, who) = if let Some(attr) = lower.strip_prefix("saml:") {
            match attr {
                "aud" => (
                    "assertion.Recipient".to_owned(),
                    "the SAML assertion's Recipient",
                ),
                "sub" => ("assertion.NameID".to_owned(), "the SAML assertion's NameID"),
                "iss" | "doc" | "namequalifier" | "sub_type" => return None,
                _ => (
                    format!("assertion.Attributes.{}", &self.key["saml:".len()..]),
                    "the identity provider's assertion",
                ),
            }
        } else {
            let (_, claim) = self.key.rsplit_once(':')?;
            let claim = if claim.eq_ignore_ascii_case("oaud") {
                "aud"
            } else {
                claim
            };
            (format!("token_claims.{claim}"), "the identity token")
        };
        let field = parameter.rsplit('.').next().unwrap_or_default().to_owned();
        Some(Fix::SetParameter {
            parameter,
            value: if multi { json!([value]) } else { json!(value) },
            summary: format!(
                "on the caller's side: {who} must carry `{field}` = {} (the trust lets in only those); sign in as, or run from, such an identity",
                or_list(&self.wanted)
            ),
        })
    }
}

/// The narrowest data fix for a near miss: the same statement, every other condition kept,
/// with the failing condition widened to the value the request has.
fn narrowest_statement(miss: &NearMiss) -> Option<Value> {
    let mut st = miss.statement.clone();
    for f in &miss.failed {
        let got = f.got.as_ref().filter(|g| !g.is_empty())?;
        let slot = st
            .get_mut("Condition")?
            .get_mut(&f.operator)?
            .get_mut(&f.key)?;
        let mut values = f.wanted.clone();
        for g in got {
            if !values.contains(g) {
                values.push(g.clone());
            }
        }
        *slot = json!(values);
    }
    Some(st)
}
