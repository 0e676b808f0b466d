//! Running request documents: one [`Request`] in, one [`ResultDoc`] out — the machine
//! interface behind `rolescope simulate` — plus `authorize`, which asks the policy engine
//! what a principal (typically a simulated session) may do.
//!
//! Reading and writing JSON Lines in bulk is the CLI's; this module is per request and
//! never clones the inventory.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::engine::policy::context_builder::{ContextBuilder, requested_region, time_text};
use crate::engine::policy::decision::{
    Decision, LayerOutcome, Outcome as PolicyOutcome, PolicyType,
};
use crate::engine::policy::evaluate::{
    EvaluationInput, Gap, NamedPolicy, ResourceBasedPolicy, evaluate,
};
use crate::engine::policy::gather::{find_resource_policy, is_trust_action};
use crate::engine::sts::assume::{Outcome, SimulationError, Simulator};
use crate::engine::sts::authz::compile_text;
use crate::engine::sts::caller::classify;
use crate::engine::sts::outcome::{Category, ErrorCode};
use crate::engine::sts::request::{
    AuthorizeRequest, DecisionDoc, DenialType, MatchedStatementDoc, MissingDoc, Request, ResultDoc,
    supplied_keys,
};
use crate::engine::sts::session::Session;

fn statement_docs(decisions: &[Decision]) -> Vec<MatchedStatementDoc> {
    decisions
        .iter()
        .flat_map(|d| d.matched_statements.iter())
        .map(|m| MatchedStatementDoc {
            policy: m.policy.to_string(),
            statement: match &m.sid {
                Some(s) if !s.is_empty() => s.to_string(),
                _ => format!("#{}", m.index),
            },
            effect: m.effect.to_string(),
        })
        .collect()
}

fn session_fields(doc: &mut ResultDoc, s: &Session) {
    doc.effective_duration_seconds = Some(s.duration_seconds);
    doc.expiration = Some(s.expiration);
    doc.assumed_role_arn = Some(s.assumed_role_arn.clone());
    doc.assumed_role_id = Some(s.assumed_role_id.clone());
    doc.principal_tags = s
        .principal_tags
        .iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect();
    doc.transitive_tag_keys.clone_from(&s.transitive_tag_keys);
    doc.source_identity.clone_from(&s.source_identity);
    doc.packed_policy_size = s.packed_policy_size;
    doc.chained = Some(s.chained);
    doc.mfa_authenticated = Some(s.mfa_authenticated);
    doc.issued_at = Some(s.issued_at);
    doc.credentials = serde_json::to_value(&s.credentials).ok();
    doc.notes.extend(s.notes.iter().cloned());
}

impl ResultDoc {
    /// The result document for a simulated STS call.
    #[must_use]
    pub fn from_outcome(id: Option<Value>, o: &Outcome) -> Self {
        let mut doc = Self {
            id,
            ..Self::default()
        };
        doc.matched_statements = statement_docs(&o.decisions);
        doc.notes.clone_from(&o.notes);
        match (&o.session, &o.error) {
            (Some(s), None) => {
                doc.decision = Some(DecisionDoc::Allow);
                session_fields(&mut doc, s);
                doc.reasons = o
                    .decisions
                    .iter()
                    .map(|d| d.message.clone())
                    .filter(|m| !m.is_empty())
                    .collect();
            }
            (None, None) if o.is_unknown() => {
                doc.decision = Some(DecisionDoc::Unknown);
                doc.missing = o.missing.iter().map(|m| MissingDoc::of(m)).collect();
                doc.reasons = o
                    .decisions
                    .iter()
                    .filter(|d| d.is_unknown())
                    .map(|d| d.message.clone())
                    .chain(o.missing.iter().map(|m| m.sentence()))
                    .collect();
            }
            (_, error) => {
                // AccessDenied is a denial; any other STS error (ValidationError,
                // RegionDisabledException, ExpiredToken, …) is an error answer.
                doc.decision = Some(match error {
                    Some(e) if e.code != ErrorCode::AccessDenied => DecisionDoc::Error,
                    _ => DecisionDoc::Deny,
                });
                for f in &o.findings {
                    if !doc.categories.contains(&f.category) {
                        doc.categories.push(f.category);
                    }
                }
                if let Some(e) = error {
                    doc.error_code = Some(e.code.as_str().to_owned());
                    doc.error_message = Some(e.message.clone());
                    doc.denial_type = e.denial;
                }
                doc.reasons = o
                    .findings
                    .iter()
                    .map(|f| format!("{}: {}", f.category.label(), f.explanation))
                    .collect();
                doc.fixes = o
                    .findings
                    .iter()
                    .filter_map(|f| {
                        let mut v = serde_json::to_value(f.fix.as_ref()?).ok()?;
                        if let Some(obj) = v.as_object_mut() {
                            obj.insert("category".into(), json!(f.category));
                            obj.insert("check".into(), json!(f.check));
                        }
                        Some(v)
                    })
                    .collect();
            }
        }
        doc
    }

    /// The result document for an `authorize` decision.
    #[must_use]
    pub fn from_decision(id: Option<Value>, d: &Decision) -> Self {
        let allowed = d.is_allowed();
        let denied = !allowed && !d.is_unknown();
        Self {
            id,
            decision: Some(if allowed {
                DecisionDoc::Allow
            } else if denied {
                DecisionDoc::Deny
            } else {
                DecisionDoc::Unknown
            }),
            error_code: denied.then(|| "AccessDenied".to_owned()),
            error_message: denied.then(|| d.message.clone()),
            denial_type: match d.outcome {
                PolicyOutcome::Allow | PolicyOutcome::Unknown => None,
                PolicyOutcome::ExplicitDeny => Some(DenialType::Explicit),
                PolicyOutcome::ImplicitDeny => Some(DenialType::Implicit),
            },
            missing: d.missing.iter().map(|m| MissingDoc::of(m)).collect(),
            reasons: std::iter::once(d.message.clone())
                .chain(d.notes.iter().cloned())
                .chain((!d.missing_context_keys.is_empty()).then(|| {
                    format!(
                        "the request lacks condition keys the policies ask for: {}",
                        d.missing_context_keys.join(", ")
                    )
                }))
                .collect(),
            matched_statements: statement_docs(std::slice::from_ref(d)),
            categories: if !denied {
                Vec::new()
            } else {
                decision_categories(d)
            },
            ..Self::default()
        }
    }
}

/// The troubleshooting categories of a denied policy decision: the policy types that
/// denied explicitly, else the layers that allowed nothing.
fn decision_categories(d: &Decision) -> Vec<Category> {
    let of = |t: PolicyType| match t {
        PolicyType::ServiceControlPolicy => Category::ScpBlocking,
        PolicyType::ResourceControlPolicy => Category::RcpBlocking,
        PolicyType::ResourceBasedPolicy => Category::ResourcePolicyBlocking,
        PolicyType::IdentityBasedPolicy => Category::CallerLacksPermission,
        PolicyType::PermissionsBoundary => Category::BoundaryBlocking,
        PolicyType::SessionPolicy => Category::SessionPolicyBlocking,
    };
    let mut out: Vec<Category> = Vec::new();
    let mut add = |c: Category| {
        if !out.contains(&c) {
            out.push(c);
        }
    };
    let explicit: Vec<PolicyType> = d
        .matched_statements
        .iter()
        .filter(|m| m.effect == crate::engine::policy::document::Effect::Deny)
        .map(|m| m.policy_type)
        .collect();
    if explicit.is_empty() {
        if let Some(t) = d.deciding {
            add(of(t));
        }
        for l in &d.layers {
            if l.outcome == LayerOutcome::ImplicitDeny
                && l.policy_type != PolicyType::ResourceBasedPolicy
            {
                add(of(l.policy_type));
            }
        }
        if !d.same_account && d.layer(PolicyType::ResourceBasedPolicy) != LayerOutcome::Allowed {
            add(Category::CrossAccountHalfMissing);
        }
    } else {
        for t in explicit {
            add(of(t));
        }
    }
    out
}

impl Simulator<'_> {
    /// What `principal` may do: the policy engine over the principal's identity policies,
    /// boundary, session policies, its account's SCPs, the resource account's RCPs and the
    /// resource's policy (IAM-RULES §5).
    ///
    /// # Errors
    /// When the principal cannot be read or is not in the data.
    pub fn authorize(
        &self,
        req: &AuthorizeRequest,
        now: DateTime<Utc>,
    ) -> Result<Decision, SimulationError> {
        let (input, key_notes) = self.authorize_input(req, now)?;
        let mut decision = evaluate(&input);
        decision.notes.extend(key_notes);
        Ok(decision)
    }

    /// The policy engine's input for an `authorize` request (its policies, request context
    /// and gaps), with a note for each supplied key the request's action never carries,
    /// which is left out.
    ///
    /// # Errors
    /// As [`Simulator::authorize`].
    pub fn authorize_input(
        &self,
        req: &AuthorizeRequest,
        now: DateTime<Utc>,
    ) -> Result<(EvaluationInput, Vec<String>), SimulationError> {
        let now = req.now.unwrap_or(now);
        let p = &req.principal;
        let caller = classify(self.inventory, &p.arn, p.credentials, p.session.as_ref())?;
        // Expired credentials are refused before any policy is read, whatever the call.
        if caller.session_expired(now) {
            return Err(SimulationError::ExpiredToken {
                expired_at: caller
                    .session
                    .as_ref()
                    .and_then(|s| s.expires_at)
                    .map(time_text)
                    .unwrap_or_default(),
            });
        }
        if req.action.trim().is_empty() {
            return Err(SimulationError::Invalid(
                "the request names no `action`; give one such as `s3:GetObject`".to_owned(),
            ));
        }
        let principal = self.principal_of(&caller);
        let side = self.caller_side(&caller);
        let resource = if req.resource.is_empty() {
            "*".to_owned()
        } else {
            req.resource.clone()
        };
        let mut input = EvaluationInput::new(principal, req.action.clone(), resource.clone());
        input.resource_account.clone_from(&req.resource_account);
        let tags = caller.session_tags();
        let who = caller.requester(self.inventory, &input.principal, &tags, now);
        let mut ctx = ContextBuilder::new(None);
        ctx.request(
            self.inventory,
            &who,
            &resource,
            input.effective_resource_account(),
            req.region.as_deref(),
            now,
        );
        // Supplied keys no real request for the action carries are left out, with a note.
        let key_notes = crate::engine::catalogue::get()
            .screen_supplied_keys(&req.action, req.context.keys().map(String::as_str));
        supplied_keys(
            &mut ctx,
            req.context
                .iter()
                .filter(|(k, _)| !key_notes.iter().any(|n| n.ignored && n.key == **k)),
        );
        input.context = ctx.finish();
        input.identity_policies = side.identity;
        input.permissions_boundary = side.boundary;
        input.session_policies = side.session;
        input.scps = side.scps;
        let resource_account = input.effective_resource_account().map(str::to_owned);
        if let Some(acct) = &resource_account {
            input.rcps = self.compiled.rcps.get(acct).cloned();
        }
        // A role is a resource too: its trust policy for the STS actions it governs; any
        // other resource, a role for other actions included, the resource-based policy
        // of its account's data that governs it (as `policy::gather` has it).
        let trust_of = self
            .inventory
            .index
            .role_by_arn
            .get(&resource)
            .copied()
            .filter(|_| is_trust_action(&req.action.to_ascii_lowercase()));
        if let Some(i) = trust_of {
            input.resource_policy = self.compiled.trust_resource_policy(self.inventory, i);
        } else if let Some(rp) =
            find_resource_policy(self.inventory, &resource, resource_account.as_deref())
        {
            input.resource_policy = Some(ResourceBasedPolicy {
                policy: NamedPolicy::new(rp.resource_arn.clone(), compile_text(&rp.policy)),
                is_role_trust: false,
            });
        }
        input.gaps = side.gaps;
        if let Some(a) = resource_account
            .as_deref()
            .and_then(|a| self.inventory.account(a))
            && let Some(m) = crate::engine::coverage::rcps(a)
        {
            input
                .gaps
                .push(Gap::new(PolicyType::ResourceControlPolicy, m));
        }
        if input.resource_policy.is_none()
            && trust_of.is_none()
            && let Some(m) = crate::engine::coverage::resource_policy(
                self.inventory,
                &resource,
                resource_account.as_deref(),
                &requested_region(req.region.as_deref(), &resource),
            )
        {
            input
                .gaps
                .push(Gap::new(PolicyType::ResourceBasedPolicy, m));
        }
        Ok((input, key_notes.iter().map(|n| n.line()).collect()))
    }

    /// Runs one request document.
    #[must_use]
    pub fn simulate(&self, req: &Request, now: DateTime<Utc>) -> ResultDoc {
        let id = req.id().cloned();
        let result = match req {
            Request::AssumeRole(r) => self
                .assume_role(r, now)
                .map(|o| ResultDoc::from_outcome(id.clone(), &o)),
            Request::AssumeRoleWebIdentity(r) => self
                .assume_role_with_web_identity(r, now)
                .map(|o| ResultDoc::from_outcome(id.clone(), &o)),
            Request::AssumeRoleSaml(r) => self
                .assume_role_with_saml(r, now)
                .map(|o| ResultDoc::from_outcome(id.clone(), &o)),
            Request::RolesAnywhere(r) => self
                .roles_anywhere(r, now)
                .map(|o| ResultDoc::from_outcome(id.clone(), &o)),
            Request::Ec2InstanceProfile(r) => self
                .ec2_instance_profile(r, now)
                .map(|o| ResultDoc::from_outcome(id.clone(), &o)),
            Request::Authorize(r) => self
                .authorize(r, now)
                .map(|d| ResultDoc::from_decision(id.clone(), &d)),
        };
        result.unwrap_or_else(|e| match e {
            SimulationError::ExpiredToken { expired_at } => {
                ResultDoc::expired_token(id, &expired_at)
            }
            e => ResultDoc::error(id, e.to_string()),
        })
    }

    /// Reads and runs one request given as JSON text; an unreadable one gives an `error`
    /// result saying why.
    #[must_use]
    pub fn simulate_json(&self, text: &str, now: DateTime<Utc>) -> ResultDoc {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => self.simulate_value(v, now),
            Err(e) => ResultDoc::error(
                None,
                format!(
                    "the request is not valid JSON (line {}, column {}): {e}",
                    e.line(),
                    e.column()
                ),
            ),
        }
    }

    /// Runs one request given as JSON text that is known to be valid JSON (one value of a
    /// batch). The text is read straight into the typed request of its `kind`; anything
    /// that way cannot read (a missing or unknown `kind`, a field of the wrong type, a
    /// repeated field) goes through [`Simulator::simulate_json`], so its result, error
    /// message included, is the same as for a decoded value.
    #[must_use]
    pub fn simulate_valid_json(&self, text: &str, now: DateTime<Utc>) -> ResultDoc {
        match typed_request(text) {
            Some(r) => self.simulate(&r, now),
            None => self.simulate_json(text, now),
        }
    }

    /// Reads and runs one request given as a decoded JSON value.
    #[must_use]
    pub fn simulate_value(&self, v: Value, now: DateTime<Utc>) -> ResultDoc {
        let id = v.get("id").cloned();
        match Request::from_value(v) {
            Ok(r) => self.simulate(&r, now),
            Err(e) => ResultDoc::error(id, e),
        }
    }
}

/// A request's `kind`, read without decoding the rest.
#[derive(serde::Deserialize)]
struct KindOnly {
    kind: Option<Value>,
}

/// `text` read straight into the typed request its `kind` names; `None` whenever that
/// fails, for the caller to read it the long way and say why.
fn typed_request(text: &str) -> Option<Request> {
    use crate::engine::sts::request::{
        AssumeRoleRequest, Ec2InstanceProfileRequest, RolesAnywhereRequest, SamlRequest,
        WebIdentityRequest,
    };
    let head: KindOnly = serde_json::from_str(text).ok()?;
    Some(match head.kind.as_ref()?.as_str()? {
        "assume-role" => Request::AssumeRole(serde_json::from_str::<AssumeRoleRequest>(text).ok()?),
        "assume-role-web-identity" => {
            Request::AssumeRoleWebIdentity(serde_json::from_str::<WebIdentityRequest>(text).ok()?)
        }
        "assume-role-saml" => {
            Request::AssumeRoleSaml(serde_json::from_str::<SamlRequest>(text).ok()?)
        }
        "authorize" => Request::Authorize(serde_json::from_str::<AuthorizeRequest>(text).ok()?),
        "roles-anywhere" => {
            Request::RolesAnywhere(serde_json::from_str::<RolesAnywhereRequest>(text).ok()?)
        }
        "ec2-instance-profile" => Request::Ec2InstanceProfile(
            serde_json::from_str::<Ec2InstanceProfileRequest>(text).ok()?,
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::engine::sts::request::AssumeRoleRequest;
    use crate::engine::sts::testkit::{A, Kit};

    #[test]
    fn authorize_as_a_simulated_session_intersects_role_policies_and_session_policy() {
        // IAM-RULES §5: role policies ∩ session policy.
        let role_policy = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}]});
        let inv = Kit::new()
            .user(A, "bob", None)
            .role(A, "Data", json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{A}:user/bob")}, "Action": "sts:AssumeRole"}]}), Some(role_policy))
            .build();
        let sim = Simulator::new(&inv);
        let now = DateTime::parse_from_rfc3339("2026-11-24T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let o = sim
            .assume_role(&AssumeRoleRequest {
                caller: format!("arn:aws:iam::{A}:user/bob"),
                role: "Data".into(),
                role_session_name: Some("bob".into()),
                policy: Some(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})),
                ..AssumeRoleRequest::default()
            }, now)
            .unwrap();
        let s = o.session.unwrap();
        let ask = |action: &str| {
            let v = json!({"kind": "authorize", "principal": {"arn": s.assumed_role_arn, "type": "AssumedRole",
                "credentials": "assumed-role-session", "session": s.as_caller_session()},
                "action": action, "resource": "arn:aws:s3:::reports/q1.csv"});
            sim.simulate_value(v, now)
        };
        assert_eq!(ask("s3:GetObject").decision, Some(DecisionDoc::Allow));
        let put = ask("s3:PutObject");
        assert_eq!(put.decision, Some(DecisionDoc::Deny));
        assert_eq!(put.denial_type, Some(DenialType::Implicit));
    }

    #[test]
    fn unreadable_requests_give_an_error_result_and_keep_their_id() {
        let inv = Kit::new().build();
        let sim = Simulator::new(&inv);
        let now = Utc::now();
        let r = sim.simulate_json("{not json", now);
        assert_eq!(r.decision, Some(DecisionDoc::Error));
        let r = sim.simulate_value(json!({"id": 7, "kind": "assume-role", "caller": "arn:aws:iam::111111111111:user/ghost", "role": "x"}), now);
        assert_eq!(r.decision, Some(DecisionDoc::Error));
        assert_eq!(r.id, Some(json!(7)));
        assert!(r.error_message.unwrap().contains("not in the loaded data"));
    }

    #[test]
    fn requests_read_straight_from_text_match_requests_read_as_values() {
        for text in [
            r#"{"kind":"assume-role","id":"a","caller":"arn:aws:iam::111111111111:user/bob","role":"R","tags":[{"Key":"k","Value":"v"}],"context":{"aws:SourceIp":"10.0.0.1","x":["a","b"]}}"#,
            r#"{"id":3,"role":"R","kind":"ec2-instance-profile","now":"2026-11-24T08:00:00Z"}"#,
            r#"{"kind":"authorize","principal":{"arn":"arn:aws:iam::111111111111:user/bob"},"action":"s3:GetObject"}"#,
            r#"{"kind":"assume-role-web-identity","role":"R","token_claims":{"iss":"x","aud":["a"],"iss":"y"}}"#,
        ] {
            let v: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                typed_request(text),
                Some(Request::from_value(v).unwrap()),
                "{text}"
            );
        }
        // Whatever the typed reading cannot take is left to the value path, which says why.
        for text in [
            r#"{"kind":"assume-role","role":"a","role":"b"}"#,
            r#"{"kind":"assume-role","duration_seconds":"x"}"#,
            r#"{"kind":"assume"}"#,
            r#"{"kind":7}"#,
            r#"{"role":"x"}"#,
            r#"[1]"#,
        ] {
            assert_eq!(typed_request(text), None, "{text}");
        }
        let inv = Kit::new().build();
        let sim = Simulator::new(&inv);
        let now = Utc::now();
        let text = r#"{"id":9,"kind":"assume-role","role":"a","role":"b","caller":"arn:aws:iam::111111111111:user/ghost"}"#;
        assert_eq!(
            sim.simulate_valid_json(text, now),
            sim.simulate_value(serde_json::from_str(text).unwrap(), now)
        );
    }

    /// A resource policy's `applies_to` patterns match as the `Resource` element does
    /// (IAM-RULES §4.3), the same for `simulate` and `authorize`.
    #[test]
    fn resource_policies_are_found_by_their_applies_to_patterns() {
        use crate::engine::policy::pattern::ArnPattern;
        assert!(ArnPattern::new("arn:aws:s3:::bucket/*").matches("arn:aws:s3:::bucket/a/b"));
        assert!(ArnPattern::new("arn:aws:s3:::b?cket").matches("arn:aws:s3:::bucket"));
        assert!(!ArnPattern::new("arn:aws:s3:::bucket/*").matches("arn:aws:s3:::other/a"));
    }
}
