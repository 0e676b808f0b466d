//! The federation calls and the service-driven sessions: `AssumeRoleWithWebIdentity`
//! (OIDC token claims to `<provider>:aud/sub/amr…` keys, the `https://aws.amazon.com/tags`
//! claim to session tags), `AssumeRoleWithSAML` (assertion to `saml:*` keys, `SAML:aud` =
//! the Recipient, the session ending at `SessionNotOnOrAfter`), IAM Roles Anywhere
//! (certificate fields to `x509Subject/*` principal tags, the CN as source identity) and an
//! EC2 instance-profile launch (IAM-RULES §2, §7.2, §7.3).
//!
//! Federation calls carry no AWS credentials: only the trust policy (and the role account's
//! RCPs) decide, through the policy engine.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Map, Value, json};

use crate::engine::model::{ProviderType, Role};
use crate::engine::policy::context::{ContextValue, RequestContext};
use crate::engine::policy::context_builder::{ContextBuilder, Requester, time_text};
use crate::engine::policy::principal::Principal;
use crate::engine::sts::assume::{
    CallerSide, Checks, DiagnosisBase, Outcome, RoleLookup, SessionBits, SimulationError,
    Simulator, build_session, finish, packed_check, read_session_policy, reserved_prefix_checks,
    violation_fix,
};
use crate::engine::sts::docs;
use crate::engine::sts::outcome::{Category, ErrorCode, Fix, StsError};
use crate::engine::sts::params::{self, MAX_SESSION_POLICY_CHARS};
use crate::engine::sts::request::{
    AssumeRoleRequest, ContextDoc, ContextValueDoc, Ec2InstanceProfileRequest,
    RolesAnywhereRequest, SamlRequest, SessionOrigin, TagDoc, WebIdentityRequest, supplied_keys,
};
use crate::engine::sts::session::packed_size_estimate;

/// Web identity providers that need no IAM OIDC provider in the account.
pub const BUILT_IN_PROVIDERS: &[&str] = &[
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
    "cognito-identity.amazonaws.com",
];

/// The claim that carries session tags in a web identity token.
pub const TAGS_CLAIM: &str = "https://aws.amazon.com/tags";
/// The claim that carries a source identity in a web identity token.
pub const SOURCE_IDENTITY_CLAIM: &str = "https://aws.amazon.com/source_identity";

fn claim_strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Value::Number(n) => vec![n.to_string()],
        Value::Bool(b) => vec![b.to_string()],
        _ => Vec::new(),
    }
}

fn claim_time(v: &Value) -> Option<DateTime<Utc>> {
    let secs = match v {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) => s.parse().ok()?,
        _ => return None,
    };
    Utc.timestamp_opt(secs, 0).single()
}

/// `https://host/path/` → `host/path`, as the provider ARN and condition keys spell it.
#[must_use]
pub fn issuer_host(iss: &str) -> String {
    iss.trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

fn token_expired_message(now: DateTime<Utc>, exp: DateTime<Utc>) -> String {
    format!(
        "Token expired: current date/time {} must be before the expiration date/time {}",
        now.timestamp(),
        exp.timestamp()
    )
}

/// Session tags and transitive keys from the `https://aws.amazon.com/tags` claim.
fn tags_from_claim(v: Option<&Value>) -> (Vec<TagDoc>, Vec<String>) {
    let Some(obj) = v.and_then(Value::as_object) else {
        return (Vec::new(), Vec::new());
    };
    let mut tags = Vec::new();
    if let Some(pt) = obj.get("principal_tags").and_then(Value::as_object) {
        for (k, v) in pt {
            let value = claim_strings(v).into_iter().next().unwrap_or_default();
            tags.push(TagDoc::new(k.clone(), value));
        }
    }
    let transitive = obj
        .get("transitive_tag_keys")
        .map(claim_strings)
        .unwrap_or_default();
    (tags, transitive)
}

impl Simulator<'_> {
    fn federation_common(
        &self,
        checks: &mut Checks,
        role: &Role,
        region: Option<&str>,
        duration: Option<i64>,
    ) -> i64 {
        self.region_check(checks, role, region);
        Self::duration_check(checks, role, duration, false, true)
    }

    /// Evaluates the federation actions and diagnoses them.
    #[allow(clippy::too_many_arguments)]
    fn federation_decisions(
        &self,
        outcome: &mut Outcome,
        checks: &mut Checks,
        principal: &Principal,
        main_action: &str,
        role_idx: usize,
        ctx: RequestContext,
        tags: bool,
        source_identity: bool,
        trust_conditions: Option<Value>,
    ) {
        let base = DiagnosisBase {
            caller: None,
            role_idx,
            request: None,
            trust_conditions,
        };
        let mut actions = vec![main_action];
        if tags {
            actions.push("sts:TagSession");
        }
        if source_identity {
            actions.push("sts:SetSourceIdentity");
        }
        let mut input = self.input_on_role(principal.clone(), role_idx, ctx, CallerSide::default());
        outcome.decisions = self.decide_actions(&mut input, &actions, &base, checks);
        outcome.context = input.context;
    }

    fn new_outcome(api: &'static str, caller: &str, role_arn: &str) -> Outcome {
        Outcome {
            api,
            caller_arn: caller.to_owned(),
            role_arn: role_arn.to_owned(),
            session: None,
            error: None,
            findings: Vec::new(),
            decisions: Vec::new(),
            context: RequestContext::new(),
            notes: Vec::new(),
            missing: Vec::new(),
        }
    }

    /// Simulates `AssumeRoleWithWebIdentity`.
    ///
    /// # Errors
    /// When the request names no role or an ambiguous one.
    #[allow(clippy::too_many_lines)]
    pub fn assume_role_with_web_identity(
        &self,
        req: &WebIdentityRequest,
        now: DateTime<Utc>,
    ) -> Result<Outcome, SimulationError> {
        const API: &str = "sts:AssumeRoleWithWebIdentity";
        let now = req.now.unwrap_or(now);
        let claims = &req.token_claims;
        let iss = claims
            .get("iss")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let host = issuer_host(iss);
        let lookup = self.lookup_role(&req.role)?;
        let role_arn = match &lookup {
            RoleLookup::Found(_, r) => r.arn.clone(),
            RoleLookup::Missing { arn, .. } => arn.clone(),
        };
        let mut outcome = Self::new_outcome("AssumeRoleWithWebIdentity", iss, &role_arn);
        let mut checks = Checks::default();
        params::check_role_arn(&mut checks.violations, &role_arn);
        params::check_session_name(&mut checks.violations, req.role_session_name.as_deref());
        params::check_duration_range(&mut checks.violations, req.duration_seconds);
        params::check_policy_arns(&mut checks.violations, &req.policy_arns);
        let (tags, transitive) = tags_from_claim(claims.get(TAGS_CLAIM));
        let source_identity = claims
            .get(SOURCE_IDENTITY_CLAIM)
            .and_then(Value::as_str)
            .map(str::to_owned);
        params::check_tags(&mut checks.violations, &tags);
        params::check_source_identity(&mut checks.violations, source_identity.as_deref());
        let policy = read_session_policy(
            &mut checks,
            req.policy.as_ref(),
            req.policy_raw.as_deref(),
            Some(MAX_SESSION_POLICY_CHARS),
        );
        let combined = checks.flush_violations(violation_fix);
        checks
            .findings
            .sort_by_key(|f| u8::from(f.check != "parameters"));
        reserved_prefix_checks(&mut checks, &tags, source_identity.as_deref());

        // The token itself.
        if iss.is_empty() {
            checks.push("token", Category::IdentityProvider,
                StsError::new(ErrorCode::InvalidIdentityToken, "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"),
                "the token has no `iss` claim, so STS cannot tell which provider issued it".to_owned(),
                // IAM-RULES §1.5 (InvalidIdentityToken)
                docs::STS_ASSUME_ROLE_WEB_IDENTITY, None);
        }
        // `exp`, `iat` and `nbf` are NumericDates (RFC 7519 §2, §4.1.4–4.1.6): a token whose
        // time claims are not numbers is malformed, and STS refuses it rather than reading it
        // as a token without expiry.
        for claim in ["exp", "iat", "nbf"] {
            if let Some(v) = claims.get(claim)
                && claim_time(v).is_none()
            {
                checks.push(
                    "token",
                    Category::IdentityProvider,
                    StsError::new(
                        ErrorCode::InvalidIdentityToken,
                        "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
                    ),
                    format!("the token's `{claim}` claim `{v}` is not a NumericDate (seconds since the epoch), so the token is malformed"),
                    // IAM-RULES §1.5 (InvalidIdentityToken)
                    "RFC 7519 (JSON Web Token) §4.1.4: NumericDate",
                    None,
                );
            }
        }
        if let Some(exp) = claims.get("exp").and_then(claim_time)
            && exp <= now
        {
            checks.push(
                "token",
                Category::IdentityProvider,
                StsError::new(
                    ErrorCode::ExpiredTokenException,
                    token_expired_message(now, exp),
                ),
                format!("the web identity token expired at {}", time_text(exp)),
                // IAM-RULES §2.1
                docs::STS_ASSUME_ROLE_WEB_IDENTITY,
                Some(Fix::SetParameter {
                    parameter: "token_claims.exp".into(),
                    value: json!(now.timestamp() + 3600),
                    summary: "get a fresh token from the identity provider".into(),
                }),
            );
        }

        let (role_idx, role) = match lookup {
            RoleLookup::Found(i, r) => (i, r),
            RoleLookup::Missing { arn, near } => {
                Self::role_missing(&mut checks, iss, API, &arn, near);
                if let Some(f) = checks.findings.last_mut() {
                    f.error.message = format!("Not authorized to perform {API}");
                }
                return Ok(finish(outcome, checks, combined.as_deref()));
            }
        };

        // The provider: built in, or an IAM OIDC provider in the role's account.
        let aud = claims.get("aud").map(claim_strings).unwrap_or_default();
        let built_in = BUILT_IN_PROVIDERS.contains(&host.as_str());
        let provider_arn = if built_in {
            host.clone()
        } else {
            format!("arn:aws:iam::{}:oidc-provider/{host}", role.account)
        };
        if !built_in && !iss.is_empty() {
            let provider = self.inventory.identity_providers.iter().find(|p| {
                p.provider_type == ProviderType::Oidc
                    && p.account == role.account
                    && (p.url.as_deref().map(issuer_host).as_deref() == Some(host.as_str())
                        || p.arn == provider_arn)
            });
            let unlisted = provider
                .is_none()
                .then(|| crate::engine::coverage::identity_provider(self.inventory, &provider_arn))
                .flatten();
            match provider {
                None if unlisted.is_some() => {
                    checks.missing.extend(unlisted.map(std::sync::Arc::new));
                }
                None => checks.push("identity-provider", Category::IdentityProvider,
                    StsError::new(ErrorCode::InvalidIdentityToken, format!("No OpenIDConnect provider found in your account for {iss}")),
                    format!("account {} has no IAM OIDC identity provider for issuer `{iss}`; STS only trusts tokens from providers registered in the role's account (or the built-in ones)", role.account),
                    // IAM-RULES §2.1, §2.2
                    docs::UG_OIDC_PROVIDER,
                    Some(Fix::AddOidcProvider { account: role.account.clone(), url: host.clone(), client_ids: aud.clone(),
                        summary: format!("register an OIDC identity provider for `{iss}` in account {} with client ID(s) {}", role.account, aud.join(", ")) })),
                Some(p) if !p.client_ids.is_empty() && !aud.iter().any(|a| p.client_ids.contains(a)) => checks.push("identity-provider", Category::IdentityProvider,
                    StsError::new(ErrorCode::InvalidIdentityToken, "Incorrect token audience"),
                    format!("the token's audience {} is not among the provider's client IDs ({})", aud.join(", "), p.client_ids.join(", ")),
                    // IAM-RULES §2.2
                    docs::UG_OIDC_PROVIDER, None),
                Some(_) => {}
            }
        }
        let duration = self.federation_common(
            &mut checks,
            role,
            req.region.as_deref(),
            req.duration_seconds,
        );

        // Context: provider keys.
        let principal =
            Principal::parse(&provider_arn).unwrap_or_else(|_| Principal::service(&provider_arn));
        let mut ctx = ContextBuilder::new(self.key_filter(false));
        ctx.clock(now, req.region.as_deref());
        ctx.principal(self.inventory, &Requester::new(&principal), now);
        ctx.role_resource(self.inventory, role, &[]);
        ctx.insert("aws:FederatedProvider", provider_arn.as_str());
        if let Some(n) = &req.role_session_name {
            ctx.insert("sts:RoleSessionName", n.as_str());
        }
        let google = host == "accounts.google.com";
        let azp = claims.get("azp").and_then(Value::as_str);
        match (google, azp) {
            (true, Some(azp)) => {
                ctx.insert("accounts.google.com:aud", azp);
                if let Some(a) = aud.first() {
                    ctx.insert("accounts.google.com:oaud", a.as_str());
                }
            }
            // Without `azp`, AWS fills both keys from the token's `aud`
            // ([UG:reference_policies_iam-condition-keys], "accounts.google.com:oaud").
            (true, None) => {
                if let Some(a) = aud.first() {
                    ctx.insert("accounts.google.com:aud", a.as_str());
                    ctx.insert("accounts.google.com:oaud", a.as_str());
                }
            }
            _ => {
                if let Some(a) = aud.first() {
                    ctx.insert(format!("{host}:aud"), a.as_str());
                }
            }
        }
        if let Some(sub) = claims
            .get("sub")
            .map(claim_strings)
            .and_then(|v| v.into_iter().next())
        {
            ctx.insert(format!("{host}:sub"), sub);
        }
        if let Some(amr) = claims.get("amr") {
            ctx.insert(
                format!("{host}:amr"),
                ContextValue::Multi(claim_strings(amr)),
            );
        }
        for (claim, key) in [("app_id", "app_id"), ("user_id", "user_id"), ("id", "id")] {
            if let Some(v) = claims
                .get(claim)
                .map(claim_strings)
                .and_then(|v| v.into_iter().next())
            {
                ctx.insert(format!("{host}:{key}"), v);
            }
        }
        if let Some(si) = &source_identity {
            ctx.insert("sts:SourceIdentity", si.as_str());
        }
        ctx.request_tags(
            tags.iter().map(|t| (t.key.as_str(), t.value.as_str())),
            &transitive,
        );
        supplied_keys(&mut ctx, &req.context);
        let ctx = ctx.finish();

        let mut cond = Map::new();
        if let Some(a) = aud.first() {
            cond.insert(format!("{host}:aud"), json!(a));
        }
        if let Some(sub) = claims.get("sub").and_then(Value::as_str) {
            cond.insert(format!("{host}:sub"), json!(sub));
        }
        let trust_conditions = (!cond.is_empty()).then(|| json!({"StringEquals": cond}));
        self.federation_decisions(
            &mut outcome,
            &mut checks,
            &principal,
            API,
            role_idx,
            ctx,
            !tags.is_empty(),
            source_identity.is_some(),
            trust_conditions,
        );

        let packed = (policy.text.is_some() || !req.policy_arns.is_empty() || !tags.is_empty())
            .then(|| packed_size_estimate(policy.text.as_deref(), &req.policy_arns, &tags));
        packed_check(&mut checks, packed, policy.text.is_some(), &tags);
        if checks.findings.is_empty() {
            outcome.session = Some(build_session(
                role,
                req.role_session_name.as_deref().unwrap_or_default(),
                now,
                duration,
                SessionBits {
                    inherited: &[],
                    passed: &tags,
                    transitive,
                    source_identity,
                    session_policy: policy.value,
                    session_policy_arns: req.policy_arns.clone(),
                    mfa: false,
                    chained: false,
                    origin: SessionOrigin::AssumeRoleWithWebIdentity,
                    packed,
                    federated_provider: Some(provider_arn),
                    // IAM-RULES §2.1
                    notes: vec![format!(
                        "web identity sessions never carry MFA: AWS cannot tell whether the provider required it ({})",
                        docs::UG_MFA_API
                    )],
                },
            ));
        }
        Ok(finish(outcome, checks, combined.as_deref()))
    }

    /// Simulates `AssumeRoleWithSAML`.
    ///
    /// # Errors
    /// When the request names no role or an ambiguous one.
    #[allow(clippy::too_many_lines)]
    pub fn assume_role_with_saml(
        &self,
        req: &SamlRequest,
        now: DateTime<Utc>,
    ) -> Result<Outcome, SimulationError> {
        const API: &str = "sts:AssumeRoleWithSAML";
        let now = req.now.unwrap_or(now);
        let a = &req.assertion;
        let lookup = self.lookup_role(&req.role)?;
        let role_arn = match &lookup {
            RoleLookup::Found(_, r) => r.arn.clone(),
            RoleLookup::Missing { arn, .. } => arn.clone(),
        };
        let mut outcome = Self::new_outcome("AssumeRoleWithSAML", &req.principal_arn, &role_arn);
        let mut checks = Checks::default();
        params::check_role_arn(&mut checks.violations, &role_arn);
        params::check_session_name(&mut checks.violations, a.role_session_name.as_deref());
        params::check_duration_range(&mut checks.violations, req.duration_seconds);
        params::check_policy_arns(&mut checks.violations, &req.policy_arns);
        let tags: Vec<TagDoc> = a
            .principal_tags
            .iter()
            .map(|(k, v)| TagDoc::new(k.clone(), v.clone()))
            .collect();
        params::check_tags(&mut checks.violations, &tags);
        params::check_source_identity(&mut checks.violations, a.source_identity.as_deref());
        let policy = read_session_policy(
            &mut checks,
            req.policy.as_ref(),
            req.policy_raw.as_deref(),
            Some(MAX_SESSION_POLICY_CHARS),
        );
        let combined = checks.flush_violations(|v| {
            if v.member == "roleSessionName" {
                Some(Fix::SetParameter { parameter: "assertion.RoleSessionName".into(), value: json!(crate::engine::sts::assume::sanitize_session_name(v.value.as_deref().unwrap_or("saml-user"))),
                    summary: "have the IdP send a RoleSessionName attribute of 2 to 64 letters, digits and `_+=,.@-`".into() })
            } else {
                violation_fix(v)
            }
        });
        checks
            .findings
            .sort_by_key(|f| u8::from(f.check != "parameters"));
        reserved_prefix_checks(&mut checks, &tags, a.source_identity.as_deref());
        if let Some(exp) = a.not_on_or_after
            && exp <= now
        {
            checks.push(
                "assertion",
                Category::IdentityProvider,
                StsError::new(
                    ErrorCode::ExpiredTokenException,
                    token_expired_message(now, exp),
                ),
                format!(
                    "the SAML assertion is valid only until {} (NotOnOrAfter)",
                    time_text(exp)
                ),
                // IAM-RULES §1.5 (ExpiredTokenException)
                docs::STS_ASSUME_ROLE_WEB_IDENTITY,
                Some(Fix::SetParameter {
                    parameter: "assertion.NotOnOrAfter".into(),
                    value: json!(time_text(now + chrono::Duration::minutes(5))),
                    summary: "sign in at the IdP again for a fresh assertion".into(),
                }),
            );
        }
        let (role_idx, role) = match lookup {
            RoleLookup::Found(i, r) => (i, r),
            RoleLookup::Missing { arn, near } => {
                Self::role_missing(&mut checks, &req.principal_arn, API, &arn, near);
                if let Some(f) = checks.findings.last_mut() {
                    f.error.message = format!("Not authorized to perform {API}");
                }
                return Ok(finish(outcome, checks, combined.as_deref()));
            }
        };
        let provider = self
            .inventory
            .identity_providers
            .iter()
            .find(|p| p.arn == req.principal_arn && p.provider_type == ProviderType::Saml);
        let in_role_account = req.principal_arn.contains(&format!(":{}:", role.account));
        let unlisted = (provider.is_none() && in_role_account)
            .then(|| crate::engine::coverage::identity_provider(self.inventory, &req.principal_arn))
            .flatten();
        if let Some(m) = unlisted {
            checks.missing.push(std::sync::Arc::new(m));
        } else if provider.is_none() || !in_role_account {
            checks.push(
                "identity-provider",
                Category::IdentityProvider,
                StsError::new(
                    ErrorCode::InvalidIdentityToken,
                    format!(
                        "SAML provider {} not found in account {}",
                        req.principal_arn, role.account
                    ),
                ),
                format!(
                    "`{}` is not a SAML identity provider of account {}, which owns the role",
                    req.principal_arn, role.account
                ),
                // IAM-RULES §2.3
                docs::UG_SAML_ASSERTIONS,
                None,
            );
        }
        if !a.roles.is_empty() {
            let listed = a
                .roles
                .iter()
                .any(|pair| pair.split(',').any(|p| p.trim() == role.arn));
            if !listed {
                checks.push("assertion", Category::IdentityProvider,
                    StsError::denied(format!("Not authorized to perform {API}"), crate::engine::sts::request::DenialType::Implicit),
                    format!("the assertion's Role attribute does not list `{}`; the IdP must offer the role to this user", role.arn),
                    // IAM-RULES §2.3
                    docs::UG_SAML_ASSERTIONS,
                    Some(Fix::SetParameter { parameter: "assertion.Roles".into(), value: json!([format!("{},{}", role.arn, req.principal_arn)]), summary: "have the IdP include `role-arn,provider-arn` for this role in the Role attribute".into() }));
            }
        }
        let mut duration = self.federation_common(
            &mut checks,
            role,
            req.region.as_deref(),
            req.duration_seconds,
        );

        let principal = Principal::parse(&req.principal_arn)
            .unwrap_or_else(|_| Principal::service(&req.principal_arn));
        let mut ctx = ContextBuilder::new(self.key_filter(false));
        ctx.clock(now, req.region.as_deref());
        ctx.principal(self.inventory, &Requester::new(&principal), now);
        ctx.role_resource(self.inventory, role, &[]);
        ctx.insert("aws:FederatedProvider", req.principal_arn.as_str());
        let provider_name = req.principal_arn.rsplit('/').next().unwrap_or_default();
        if let Some(r) = &a.recipient {
            ctx.insert("SAML:aud", r.as_str());
        }
        if let Some(i) = &a.issuer {
            ctx.insert("saml:iss", i.as_str());
            let qualifier = saml_name_qualifier(i, &role.account, provider_name);
            ctx.insert("saml:namequalifier", qualifier);
        }
        ctx.insert("saml:doc", format!("{}/{provider_name}", role.account));
        if let Some(n) = &a.name_id {
            ctx.insert("saml:sub", n.as_str());
        }
        if let Some(f) = &a.name_id_format {
            let short = match f.as_str() {
                "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" => "persistent",
                "urn:oasis:names:tc:SAML:2.0:nameid-format:transient" => "transient",
                other => other,
            };
            ctx.insert("saml:sub_type", short);
        }
        if let Some(n) = &a.role_session_name {
            ctx.insert("sts:RoleSessionName", n.as_str());
        }
        for (name, v) in &a.attributes {
            let key = format!("saml:{}", name.to_ascii_lowercase());
            match v {
                ContextValueDoc::One(s) => ctx.insert(key, s.as_str()),
                ContextValueDoc::Many(list) => ctx.insert(key, ContextValue::Multi(list.clone())),
            }
        }
        if let Some(si) = &a.source_identity {
            ctx.insert("sts:SourceIdentity", si.as_str());
        }
        ctx.request_tags(
            tags.iter().map(|t| (t.key.as_str(), t.value.as_str())),
            &a.transitive_tag_keys,
        );
        supplied_keys(&mut ctx, &req.context);
        let ctx = ctx.finish();
        let trust_conditions = a
            .recipient
            .as_ref()
            .map(|r| json!({"StringEquals": {"SAML:aud": r}}));
        self.federation_decisions(
            &mut outcome,
            &mut checks,
            &principal,
            API,
            role_idx,
            ctx,
            !tags.is_empty(),
            a.source_identity.is_some(),
            trust_conditions,
        );
        let packed = (policy.text.is_some() || !req.policy_arns.is_empty() || !tags.is_empty())
            .then(|| packed_size_estimate(policy.text.as_deref(), &req.policy_arns, &tags));
        packed_check(&mut checks, packed, policy.text.is_some(), &tags);
        if checks.findings.is_empty() {
            // IAM-RULES §2.1
            let mut notes = vec![format!(
                "SAML sessions never carry MFA: AWS cannot tell whether the IdP required it ({})",
                docs::UG_MFA_API
            )];
            if let Some(end) = a.session_not_on_or_after {
                let by_end = (end - now).num_seconds();
                if by_end < duration {
                    notes.push(format!("the session ends at SessionNotOnOrAfter ({}), before the requested {duration} seconds ({})", time_text(end), docs::STS_ASSUME_ROLE_SAML));
                    duration = by_end.max(0);
                }
            }
            outcome.session = Some(build_session(
                role,
                a.role_session_name.as_deref().unwrap_or_default(),
                now,
                duration,
                SessionBits {
                    inherited: &[],
                    passed: &tags,
                    transitive: a.transitive_tag_keys.clone(),
                    source_identity: a.source_identity.clone(),
                    session_policy: policy.value,
                    session_policy_arns: req.policy_arns.clone(),
                    mfa: false,
                    chained: false,
                    origin: SessionOrigin::AssumeRoleWithSaml,
                    packed,
                    federated_provider: Some(req.principal_arn.clone()),
                    notes,
                },
            ));
        }
        Ok(finish(outcome, checks, combined.as_deref()))
    }

    /// Simulates IAM Roles Anywhere `CreateSession` for a certificate: an `AssumeRole` by
    /// `rolesanywhere.amazonaws.com` with the certificate's fields as session tags and its
    /// subject CN as source identity (IAM-RULES §7.3).
    ///
    /// # Errors
    /// When the request names no role or an ambiguous one.
    pub fn roles_anywhere(
        &self,
        req: &RolesAnywhereRequest,
        now: DateTime<Utc>,
    ) -> Result<Outcome, SimulationError> {
        let mut tags = Vec::new();
        let mut context: ContextDoc = req.context.clone();
        for (prefix, map) in [
            ("x509Subject", &req.certificate.subject),
            ("x509Issuer", &req.certificate.issuer),
            ("x509SAN", &req.certificate.san),
        ] {
            for (k, v) in map {
                let key = format!("{prefix}/{k}");
                context.insert(
                    format!("aws:PrincipalTag/{key}"),
                    ContextValueDoc::One(v.clone()),
                );
                tags.push(TagDoc::new(key, v.clone()));
            }
        }
        if let Some(anchor) = &req.trust_anchor_arn {
            context.insert("aws:SourceArn".into(), ContextValueDoc::One(anchor.clone()));
            if let Some(acct) = anchor.split(':').nth(4) {
                context.insert(
                    "aws:SourceAccount".into(),
                    ContextValueDoc::One(acct.to_owned()),
                );
            }
        }
        let serial = req
            .certificate
            .serial_number
            .clone()
            .unwrap_or_else(|| "01".to_owned());
        let session_name = req.role_session_name.clone().unwrap_or(serial);
        let inner = AssumeRoleRequest {
            id: None,
            now: req.now,
            region: req.region.clone(),
            context,
            caller: "rolesanywhere.amazonaws.com".to_owned(),
            caller_credentials: Some(
                crate::engine::sts::request::CallerCredentials::ServicePrincipal,
            ),
            role: req.role.clone(),
            role_session_name: Some(session_name),
            duration_seconds: req.duration_seconds,
            source_identity: req.certificate.subject.get("CN").cloned(),
            tags,
            policy: req.session_policy.clone(),
            policy_arns: req.managed_policy_arns.clone(),
            ..AssumeRoleRequest::default()
        };
        let mut o = self.assume_role(&inner, now)?;
        o.api = "RolesAnywhere:CreateSession";
        if let Some(s) = &mut o.session {
            s.origin = SessionOrigin::RolesAnywhere;
        }
        Ok(o)
    }

    /// Simulates the session EC2 gets for an instance launched with the role's instance
    /// profile: `ec2.amazonaws.com` assumes the role, the session is named after the
    /// instance, and it is not role chaining when used later (IAM-RULES §7.2).
    ///
    /// # Errors
    /// When the request names no role or an ambiguous one.
    pub fn ec2_instance_profile(
        &self,
        req: &Ec2InstanceProfileRequest,
        now: DateTime<Utc>,
    ) -> Result<Outcome, SimulationError> {
        let instance = req
            .instance_id
            .clone()
            .unwrap_or_else(|| "i-0123456789abcdef0".to_owned());
        let inner = AssumeRoleRequest {
            now: req.now,
            region: req.region.clone(),
            context: req.context.clone(),
            caller: "ec2.amazonaws.com".to_owned(),
            caller_credentials: Some(
                crate::engine::sts::request::CallerCredentials::ServicePrincipal,
            ),
            role: req.role.clone(),
            role_session_name: Some(instance),
            duration_seconds: Some(EC2_SESSION_SECONDS),
            ..AssumeRoleRequest::default()
        };
        let mut o = self.assume_role(&inner, now)?;
        o.api = "EC2:InstanceProfile";
        if let RoleLookup::Found(_, role) = self.lookup_role(&req.role)?
            && role.instance_profiles.is_empty()
        {
            // IAM-RULES §7.2
            o.notes.push(format!("`{}` is in no instance profile in the data; an instance can only get it through one ({})", role.arn, docs::UG_INSTANCE_PROFILES));
        }
        if let Some(s) = &mut o.session {
            s.origin = SessionOrigin::Ec2InstanceProfile;
            // IAM-RULES §7.2, §9.8
            s.notes.push("instance-profile credentials last about six hours and are rotated by EC2 before they expire; the lifetime is not documented (observed)".to_owned());
        }
        Ok(o)
    }
}

/// The lifetime rolescope gives EC2 instance-profile sessions (observed, not documented).
pub const EC2_SESSION_SECONDS: i64 = 21600;

/// `saml:namequalifier` = `BASE64(SHA1(issuer + account + "/" + provider-name))`.
#[must_use]
pub fn saml_name_qualifier(issuer: &str, account: &str, provider_name: &str) -> String {
    base64(&sha1(
        format!("{issuer}{account}/{provider_name}").as_bytes(),
    ))
}

fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in chunk.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, v) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&v.to_be_bytes());
    }
    out
}

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{Inventory, ProviderType};
    use crate::engine::sts::diagnose::apply_fix;
    use crate::engine::sts::request::{DecisionDoc, Request};
    use crate::engine::sts::testkit::{A, Kit};

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn run(inv: &Inventory, v: Value) -> (Request, crate::engine::sts::request::ResultDoc) {
        let r = Request::from_value(v).unwrap();
        let out = Simulator::new(inv).simulate(&r, now());
        (r, out)
    }

    fn fixed(
        inv: &Inventory,
        r: &Request,
        res: &crate::engine::sts::request::ResultDoc,
    ) -> crate::engine::sts::request::ResultDoc {
        let mut inv = inv.clone();
        let mut r = r.clone();
        for f in &res.fixes {
            let fix: Fix = serde_json::from_value(f.clone()).unwrap();
            apply_fix(&mut inv, &mut r, &fix).unwrap();
        }
        Simulator::new(&inv).simulate(&r, now())
    }

    fn github_trust() -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                          "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}}]})
    }

    fn gh_request(sub: &str) -> Value {
        json!({"kind": "assume-role-web-identity", "role": "Deploy", "role_session_name": "gha-run-1",
            "token_claims": {"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com", "sub": sub,
                             "exp": now().timestamp() + 300}})
    }

    #[test]
    fn github_oidc_claims_become_provider_condition_keys() {
        // IAM-RULES §2.2; sub matching is case sensitive.
        let inv = Kit::new()
            .provider(
                A,
                ProviderType::Oidc,
                "token.actions.githubusercontent.com",
                &["sts.amazonaws.com"],
            )
            .role(A, "deploy/Deploy", github_trust(), None)
            .build();
        let (_, ok) = run(&inv, gh_request("repo:acme/app:ref:refs/heads/main"));
        assert_eq!(ok.decision, Some(DecisionDoc::Allow), "{:?}", ok.reasons);
        assert_eq!(
            ok.assumed_role_arn.as_deref(),
            Some(&*format!("arn:aws:sts::{A}:assumed-role/Deploy/gha-run-1"))
        );
        assert_eq!(ok.chained, Some(false));
        let (r, bad) = run(&inv, gh_request("repo:Acme/app:ref:refs/heads/main"));
        assert_eq!(bad.decision, Some(DecisionDoc::Deny));
        assert_eq!(bad.error_code.as_deref(), Some("AccessDenied"));
        assert_eq!(
            bad.error_message.as_deref(),
            Some("Not authorized to perform sts:AssumeRoleWithWebIdentity")
        );
        assert_eq!(fixed(&inv, &r, &bad).decision, Some(DecisionDoc::Allow));
    }

    #[test]
    fn a_token_from_an_unregistered_issuer_is_an_invalid_identity_token() {
        let inv = Kit::new()
            .role(A, "deploy/Deploy", github_trust(), None)
            .build();
        let (r, res) = run(&inv, gh_request("repo:acme/app:ref:refs/heads/main"));
        assert_eq!(res.error_code.as_deref(), Some("InvalidIdentityToken"));
        assert_eq!(
            res.error_message.as_deref(),
            Some(
                "No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com"
            )
        );
        assert_eq!(fixed(&inv, &r, &res).decision, Some(DecisionDoc::Allow));
    }

    #[test]
    fn an_expired_web_identity_token_is_refused() {
        let inv = Kit::new()
            .provider(
                A,
                ProviderType::Oidc,
                "token.actions.githubusercontent.com",
                &[],
            )
            .role(A, "deploy/Deploy", github_trust(), None)
            .build();
        let mut v = gh_request("repo:acme/app:ref:refs/heads/main");
        v["token_claims"]["exp"] = json!(now().timestamp() - 1);
        let (r, res) = run(&inv, v);
        assert_eq!(res.error_code.as_deref(), Some("ExpiredTokenException"));
        assert_eq!(fixed(&inv, &r, &res).decision, Some(DecisionDoc::Allow));
    }

    #[test]
    fn tags_claim_needs_tag_session_and_cognito_amr_is_multivalued() {
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": ["sts:AssumeRoleWithWebIdentity"],
            "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"},
                          "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}]});
        let inv = Kit::new().role(A, "App", trust, None).build();
        let v = json!({"kind": "assume-role-web-identity", "role": "App", "role_session_name": "app-user",
            "token_claims": {"iss": "https://cognito-identity.amazonaws.com", "aud": "us-east-1:pool", "sub": "us-east-1:abc",
                "amr": ["authenticated", "accounts.google.com"],
                "https://aws.amazon.com/tags": {"principal_tags": {"tier": ["gold"]}, "transitive_tag_keys": ["tier"]}}});
        let (r, res) = run(&inv, v);
        assert_eq!(res.decision, Some(DecisionDoc::Deny));
        assert!(
            res.error_message
                .as_deref()
                .unwrap()
                .contains("sts:TagSession"),
            "{res:?}"
        );
        let ok = fixed(&inv, &r, &res);
        assert_eq!(ok.decision, Some(DecisionDoc::Allow), "{:?}", ok.reasons);
        assert_eq!(
            ok.principal_tags.get("tier").map(String::as_str),
            Some("gold")
        );
        assert_eq!(ok.transitive_tag_keys, ["tier"]);
    }

    fn saml_inv() -> Inventory {
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{A}:saml-provider/CorpIdP")},
            "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]});
        Kit::new()
            .provider(A, ProviderType::Saml, "CorpIdP", &[])
            .role(A, "federated/SAMLDeveloper", trust, None)
            .max_session("SAMLDeveloper", Some(43200))
            .build()
    }

    fn saml_request(recipient: &str) -> Value {
        json!({"kind": "assume-role-saml", "role": format!("arn:aws:iam::{A}:role/federated/SAMLDeveloper"),
            "principal_arn": format!("arn:aws:iam::{A}:saml-provider/CorpIdP"), "duration_seconds": 43200,
            "assertion": {"Issuer": "https://idp.example.com/", "Recipient": recipient, "Audience": "urn:amazon:webservices",
                "NameID": "carol@example.com", "NameIDFormat": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
                "RoleSessionName": "carol@example.com", "NotOnOrAfter": "2026-11-24T08:05:00Z",
                "SessionNotOnOrAfter": "2026-11-24T12:00:00Z", "PrincipalTags": {"dept": "eng"}}})
    }

    #[test]
    fn saml_aud_is_the_recipient_and_the_session_ends_at_session_not_on_or_after() {
        // IAM-RULES §2.1, §2.3.
        let inv = saml_inv();
        let (_, ok) = run(&inv, saml_request("https://signin.aws.amazon.com/saml"));
        assert_eq!(ok.decision, Some(DecisionDoc::Allow), "{:?}", ok.reasons);
        assert_eq!(ok.effective_duration_seconds, Some(4 * 3600));
        assert_eq!(
            ok.principal_tags.get("dept").map(String::as_str),
            Some("eng")
        );
        let (r, bad) = run(&inv, saml_request("https://elsewhere.example.com/saml"));
        assert_eq!(bad.decision, Some(DecisionDoc::Deny));
        assert_eq!(fixed(&inv, &r, &bad).decision, Some(DecisionDoc::Allow));
    }

    #[test]
    fn saml_name_qualifier_is_base64_sha1() {
        assert_eq!(base64(&sha1(b"abc")), "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(
            saml_name_qualifier("https://idp.example.com/", A, "CorpIdP").len(),
            28
        );
    }

    #[test]
    fn roles_anywhere_maps_the_certificate_to_tags_and_source_identity() {
        // IAM-RULES §7.3.
        let anchor = format!("arn:aws:rolesanywhere:eu-west-1:{A}:trust-anchor/ta1");
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "rolesanywhere.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            "Condition": {"StringEquals": {"aws:PrincipalTag/x509Subject/CN": "build01"},
                          "ArnEquals": {"aws:SourceArn": anchor}}}]});
        let inv = Kit::new().role(A, "onprem/Workload", trust, None).build();
        let v = json!({"kind": "roles-anywhere", "role": "Workload", "trust_anchor_arn": anchor,
            "certificate": {"subject": {"CN": "build01", "OU": "ci"}, "serial_number": "0a1b2c"}});
        let (_, ok) = run(&inv, v.clone());
        assert_eq!(ok.decision, Some(DecisionDoc::Allow), "{:?}", ok.reasons);
        assert_eq!(ok.source_identity.as_deref(), Some("build01"));
        assert_eq!(
            ok.assumed_role_arn.as_deref(),
            Some(&*format!("arn:aws:sts::{A}:assumed-role/Workload/0a1b2c"))
        );
        assert_eq!(
            ok.principal_tags.get("x509Subject/OU").map(String::as_str),
            Some("ci")
        );
        let mut other = v;
        other["certificate"]["subject"]["CN"] = json!("laptop");
        let (_, bad) = run(&inv, other);
        assert_eq!(bad.decision, Some(DecisionDoc::Deny));
    }

    #[test]
    fn ec2_instance_profile_session_is_named_after_the_instance() {
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
        let inv = Kit::new().role(A, "app/web", trust, None).build();
        let (_, ok) = run(
            &inv,
            json!({"kind": "ec2-instance-profile", "role": "web", "instance_id": "i-0abc"}),
        );
        assert_eq!(ok.decision, Some(DecisionDoc::Allow), "{:?}", ok.reasons);
        assert_eq!(
            ok.assumed_role_arn.as_deref(),
            Some(&*format!("arn:aws:sts::{A}:assumed-role/web/i-0abc"))
        );
        assert_eq!(ok.effective_duration_seconds, Some(EC2_SESSION_SECONDS));
    }
}
