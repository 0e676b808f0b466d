//! What one edge of the trust graph says: who may assume which role, by which STS call,
//! how the trust policy names the caller, what the request must carry (MFA, external ID,
//! source IP, tags, session name, source identity, token claims…), whether it crosses
//! accounts or chains sessions, and whether the caller's half is there.
//!
//! Also the request an edge stands for ([`WitnessRequest`]): concrete parameter values that
//! satisfy every requirement, so the simulator can replay the hop and a face can pre-fill a
//! simulate form with it ([`WitnessRequest::to_assume_role_request`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::engine::policy::context::{ContextValue, RequestContext};
use crate::engine::policy::decision::PolicyType;
use crate::engine::policy::principal::DEFAULT_SESSION_NAME;
use crate::engine::sts::request::{
    AssumeRoleRequest, CallerCredentials, CallerSessionDoc, MfaDoc, SessionOrigin, TagDoc,
};

/// Index of a node in [`crate::engine::graph::TrustGraph::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct NodeId(pub u32);

impl NodeId {
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The kinds of principal the graph knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// An IAM user of a loaded account.
    User,
    /// An IAM role of a loaded account (as a caller: one of its sessions).
    Role,
    /// An AWS service principal named in a trust policy (`ec2.amazonaws.com`).
    Service,
    /// An OIDC provider (IAM provider ARN, or Cognito/Google/Amazon/Facebook).
    OidcProvider,
    /// A SAML provider.
    SamlProvider,
    /// An account named in a trust policy that is not among the loaded accounts.
    ExternalAccount,
    /// A user, role or session ARN of an account that is not loaded.
    ExternalPrincipal,
    /// `"*"`: any principal of any AWS account.
    Everyone,
}

impl NodeKind {
    /// A short word for listings.
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Role => "role",
            Self::Service => "service",
            Self::OidcProvider => "oidc-provider",
            Self::SamlProvider => "saml-provider",
            Self::ExternalAccount => "external-account",
            Self::ExternalPrincipal => "external-principal",
            Self::Everyone => "everyone",
        }
    }
}

/// A principal of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    pub kind: NodeKind,
    /// The ARN (users, roles, providers, external principals), the service name, the
    /// account id (external accounts) or `*`.
    pub id: String,
    /// The principal's account, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// A short name for pictures: the user's or role's name, the service, the account.
    pub name: String,
}

/// The STS call an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Api {
    AssumeRole,
    AssumeRoleWithWebIdentity,
    #[serde(rename = "AssumeRoleWithSAML")]
    AssumeRoleWithSaml,
    /// Signing in through the IAM Identity Center access portal into one of the roles
    /// Identity Center provisions (`AWSReservedSSO_<permission set>_<suffix>`, trusting the
    /// account's `AWSSSO_*` SAML provider). The portal makes the SAML call on the person's
    /// behalf; STS refuses the same call made directly (IAM-RULES §2.1).
    IdentityCenterPortal,
}

impl Api {
    /// The IAM action the trust policy must allow.
    #[must_use]
    pub fn action(self) -> &'static str {
        match self {
            Self::AssumeRole => "sts:AssumeRole",
            Self::AssumeRoleWithWebIdentity => "sts:AssumeRoleWithWebIdentity",
            Self::AssumeRoleWithSaml | Self::IdentityCenterPortal => "sts:AssumeRoleWithSAML",
        }
    }

    /// How the hop is taken, for text: the STS call, or the Identity Center access portal.
    #[must_use]
    pub fn via(self) -> &'static str {
        match self {
            Self::IdentityCenterPortal => "the IAM Identity Center access portal",
            other => other.action(),
        }
    }
}

/// The key of the requirement an Identity Center portal hop carries: the permission set the
/// person must be assigned in the role's account.
pub const PERMISSION_SET_KEY: &str = "identity-center:PermissionSet";

/// The permission set an Identity Center role stands for: `AWSReservedSSO_<set>_<suffix>`
/// (the suffix is 16 hexadecimal digits; a set's name may contain `_`).
#[must_use]
pub fn permission_set(role_name: &str) -> Option<&str> {
    let rest = role_name.strip_prefix("AWSReservedSSO_")?;
    Some(match rest.rsplit_once('_') {
        Some((set, suffix)) if suffix.bytes().all(|b| b.is_ascii_hexdigit()) => set,
        _ => rest,
    })
}

/// How the trust policy names the caller (IAM-RULES §3.1, §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grant {
    /// The caller's own ARN (user, role, service, provider).
    Principal,
    /// One session of the caller role (`assumed-role/Role/Session`): the session name is fixed.
    Session,
    /// The caller's account (root ARN or id): the caller's own policy must allow too.
    Account,
    /// `"*"`, usually narrowed by conditions (`aws:PrincipalOrgID`, `aws:PrincipalArn`).
    Everyone,
}

/// Whether taking the hop is role chaining, which caps the new session at one hour
/// (IAM-RULES §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Chaining {
    /// The caller holds long-term keys, is a service or a federated token: not chaining.
    No,
    /// The caller holds role-session credentials: the new session lasts at most one hour.
    Yes,
    /// The caller role has an instance profile: from an EC2 instance's own credentials it
    /// is not chaining; from any other session of the role it is.
    UnlessInstanceProfile,
}

/// One hour: the longest session role chaining may ask for.
pub const CHAIN_CAP_SECONDS: u32 = 3600;

/// What a requirement is about, for badges and filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequirementKind {
    /// `aws:MultiFactorAuthPresent` / `aws:MultiFactorAuthAge`.
    Mfa,
    /// `sts:ExternalId`.
    ExternalId,
    /// `aws:SourceIp`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:VpcSourceIp`.
    Network,
    /// `sts:RoleSessionName`: the name of the new session.
    SessionName,
    /// A trust naming one session of the caller role (`assumed-role/Role/Session`): the
    /// caller's own session must have been given that name.
    CallerSession,
    /// `sts:SourceIdentity` (needs `sts:SetSourceIdentity` in the trust too).
    SourceIdentity,
    /// `aws:RequestTag/*`, `aws:TagKeys`, `sts:TransitiveTagKeys` (needs `sts:TagSession`).
    SessionTags,
    /// Web-identity and SAML keys (`<provider>:sub`, `:aud`, `SAML:aud`, `saml:*`…).
    Claim,
    /// `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID`, `aws:SourceOrgPaths`: the
    /// resource a service acts for (confused-deputy protection).
    SourceResource,
    /// `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`.
    Organization,
    /// A condition on who the caller is (`aws:PrincipalTag/*`, `aws:PrincipalArn`, …):
    /// fixed by the caller, not by the request.
    PrincipalAttribute,
    /// A condition on the role (`aws:ResourceTag/*`, `aws:ResourceAccount`, …).
    ResourceAttribute,
    /// `aws:CurrentTime`, `aws:EpochTime`, `aws:TokenIssueTime`.
    Time,
    /// Anything else (`aws:SecureTransport`, `aws:RequestedRegion`, …).
    Other,
}

impl RequirementKind {
    /// Classifies a condition key (any case).
    #[must_use]
    pub fn of_key(key: &str) -> Self {
        let k = key.to_ascii_lowercase();
        match k.as_str() {
            "aws:multifactorauthpresent" | "aws:multifactorauthage" => Self::Mfa,
            "sts:externalid" => Self::ExternalId,
            "aws:sourceip" | "aws:sourcevpc" | "aws:sourcevpce" | "aws:vpcsourceip" => {
                Self::Network
            }
            "sts:rolesessionname" => Self::SessionName,
            "sts:sourceidentity" => Self::SourceIdentity,
            "aws:tagkeys" | "sts:transitivetagkeys" => Self::SessionTags,
            "aws:sourcearn" | "aws:sourceaccount" | "aws:sourceorgid" | "aws:sourceorgpaths" => {
                Self::SourceResource
            }
            "aws:principalorgid" | "aws:principalorgpaths" => Self::Organization,
            "aws:principalarn"
            | "aws:principalaccount"
            | "aws:principaltype"
            | "aws:principalisawsservice"
            | "aws:principalservicename"
            | "aws:principalservicenameslist"
            | "aws:userid"
            | "aws:username"
            | "aws:sourceidentity"
            | "aws:federatedprovider" => Self::PrincipalAttribute,
            "aws:resourceaccount" | "aws:resourceorgid" | "aws:resourceorgpaths" => {
                Self::ResourceAttribute
            }
            "aws:currenttime" | "aws:epochtime" | "aws:tokenissuetime" => Self::Time,
            _ if k.starts_with("aws:requesttag/") => Self::SessionTags,
            _ if k.starts_with("aws:principaltag/") => Self::PrincipalAttribute,
            _ if k.starts_with("aws:resourcetag/") => Self::ResourceAttribute,
            _ if k.starts_with("saml:") => Self::Claim,
            _ if !k.starts_with("aws:") && !k.starts_with("sts:") && k.contains(':') => Self::Claim,
            _ => Self::Other,
        }
    }

    /// True when the caller chooses the value in its request (rather than being it).
    #[must_use]
    pub fn is_request_choice(self) -> bool {
        matches!(
            self,
            Self::Mfa
                | Self::ExternalId
                | Self::Network
                | Self::SessionName
                | Self::SourceIdentity
                | Self::SessionTags
                | Self::Claim
                | Self::SourceResource
                | Self::Other
        )
    }
}

/// Which policy a requirement comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// The role's trust policy.
    Trust,
    /// The caller's identity-based policy (or a deny elsewhere on the caller's side).
    Caller,
}

/// One condition the request (or the caller) must meet for the hop to work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub kind: RequirementKind,
    pub side: Side,
    /// The operator as written (`StringEquals`, `BoolIfExists`, …).
    pub operator: String,
    /// The key as written.
    pub key: String,
    pub values: Vec<String>,
    /// True when the condition comes from a `Deny` statement the request must stay out of.
    pub from_deny: bool,
}

impl Requirement {
    /// A short badge: `MFA`, `ExternalId=acme-42`, `SourceIp 10.0.0.0/8`, `org o-…`.
    #[must_use]
    pub fn badge(&self) -> String {
        let vals = self.values.join("|");
        let not = if self.from_deny { "not " } else { "" };
        match self.kind {
            RequirementKind::Mfa => {
                if self.key.eq_ignore_ascii_case("aws:MultiFactorAuthAge") {
                    format!("MFA age {}{vals}", op_symbol(&self.operator))
                } else {
                    "MFA".to_owned()
                }
            }
            RequirementKind::ExternalId => format!("ExternalId={vals}"),
            RequirementKind::Organization => format!("org {vals}"),
            RequirementKind::SessionName => format!("session-name {vals}"),
            RequirementKind::CallerSession => format!("caller-session {vals}"),
            RequirementKind::Other if self.key == PERMISSION_SET_KEY => {
                format!("permission set {vals}")
            }
            RequirementKind::SourceIdentity => format!("source-identity {vals}"),
            RequirementKind::SessionTags => match self.key.split_once('/') {
                Some((_, k)) => format!("tag {k}={vals}"),
                None => format!("{} {vals}", self.key),
            },
            RequirementKind::PrincipalAttribute => match self.key.split_once('/') {
                Some((_, k)) => format!("principal-tag {k}={vals}"),
                None => format!("{} {not}{vals}", short_key(&self.key)),
            },
            _ => format!("{} {not}{vals}", short_key(&self.key)),
        }
    }
}

fn short_key(key: &str) -> &str {
    key.strip_prefix("aws:").unwrap_or(key)
}

fn op_symbol(op: &str) -> &'static str {
    if op.contains("LessThanEquals") {
        "<="
    } else if op.contains("LessThan") {
        "<"
    } else if op.contains("GreaterThanEquals") {
        ">="
    } else if op.contains("GreaterThan") {
        ">"
    } else {
        "="
    }
}

/// Whether the caller's half of a hop is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum EdgeStatus {
    /// The simulator allows the witness request.
    Works,
    /// The trust policy allows the caller but something on the caller's side (its identity
    /// policy, boundary, an SCP) or an RCP does not: the hop fails as the data stands.
    Broken {
        /// The policy type that refused; `None` when STS refuses before any policy (the
        /// identity provider is not registered, Identity Center roles and SAML).
        #[serde(skip_serializing_if = "Option::is_none")]
        refused_by: Option<PolicyType>,
        /// AWS's access-denied sentence for the witness request, or why STS refuses.
        message: String,
    },
    /// Whether the hop works depends on data that is not loaded (a caller's managed policy,
    /// the identity providers of the role's account, an account's SCPs, …).
    Unknown {
        /// What the answer turns on, each with the command that would fetch it.
        missing: Vec<Arc<crate::engine::coverage::Missing>>,
        /// What the answer would be either way, or why it is unknown.
        message: String,
    },
}

/// `unknown: <the missing pieces> not loaded`.
fn unknown_badge(missing: &[Arc<crate::engine::coverage::Missing>]) -> String {
    let names: Vec<&str> = missing.iter().map(|m| m.name.as_str()).collect();
    format!("unknown: {} not loaded", names.join(", "))
}

impl EdgeStatus {
    /// The short reason shown after `unknown: ` (the first missing piece, and how many more).
    #[must_use]
    pub fn unknown_reason(&self) -> Option<String> {
        let Self::Unknown { missing, .. } = self else {
            return None;
        };
        let first = missing.first()?;
        Some(if missing.len() > 1 {
            format!("{} (and {} more)", first.what, missing.len() - 1)
        } else {
            first.what.clone()
        })
    }

    /// As [`Self::unknown_reason`], with the command that would fetch the first missing
    /// piece: `… is unknown: …; fetch it with `aws iam list-saml-providers``.
    #[must_use]
    pub fn unknown_sentence(&self) -> Option<String> {
        let Self::Unknown { missing, .. } = self else {
            return None;
        };
        let first = missing.first()?;
        Some(if missing.len() > 1 {
            format!("{} (and {} more)", first.sentence(), missing.len() - 1)
        } else {
            first.sentence()
        })
    }

    #[must_use]
    pub fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown { .. })
    }
}

/// What a decided hop needs: the statements that let it through, every condition it needs and
/// a request that meets them. Kept once per decision and shared by every hop decided alike
/// (see [`crate::engine::graph::TrustGraph::build`]), so copying an [`Edge`] is cheap.
#[derive(Debug, PartialEq, Eq)]
pub struct HopTerms {
    /// The trust statement that lets the caller in (`Sid` or `#index`).
    pub trust_statement: String,
    /// The caller's identity statement that allows the call, when one is needed and found
    /// (`policy-name Sid`).
    pub caller_statement: Option<String>,
    /// Every condition the hop needs, trust and caller side.
    pub requirements: Vec<Requirement>,
    /// A request that meets them.
    pub request: WitnessRequest,
}

/// One hop: `from` may assume the role `to` (or could, were its half not missing).
///
/// Its JSON has the fields of [`HopTerms`] next to its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: NodeId,
    pub to: NodeId,
    pub api: Api,
    pub grant: Grant,
    pub cross_account: bool,
    pub chaining: Chaining,
    pub status: EdgeStatus,
    /// Statements, requirements and request, shared with the hops decided alike.
    pub terms: Arc<HopTerms>,
}

impl Serialize for Edge {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            from: NodeId,
            to: NodeId,
            api: Api,
            grant: Grant,
            trust_statement: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            caller_statement: Option<&'a str>,
            cross_account: bool,
            chaining: Chaining,
            requirements: &'a [Requirement],
            request: &'a WitnessRequest,
            status: &'a EdgeStatus,
        }
        Json {
            from: self.from,
            to: self.to,
            api: self.api,
            grant: self.grant,
            trust_statement: &self.terms.trust_statement,
            caller_statement: self.terms.caller_statement.as_deref(),
            cross_account: self.cross_account,
            chaining: self.chaining,
            requirements: &self.terms.requirements,
            request: &self.terms.request,
            status: &self.status,
        }
        .serialize(serializer)
    }
}

impl Edge {
    #[must_use]
    pub fn works(&self) -> bool {
        self.status == EdgeStatus::Works
    }

    /// The trust statement that lets the caller in (`Sid` or `#index`).
    #[must_use]
    pub fn trust_statement(&self) -> &str {
        &self.terms.trust_statement
    }

    /// The caller's identity statement that allows the call, when one is needed and found.
    #[must_use]
    pub fn caller_statement(&self) -> Option<&str> {
        self.terms.caller_statement.as_deref()
    }

    /// Every condition the hop needs, trust and caller side.
    #[must_use]
    pub fn requirements(&self) -> &[Requirement] {
        &self.terms.requirements
    }

    /// A request that meets the hop's requirements.
    #[must_use]
    pub fn request(&self) -> &WitnessRequest {
        &self.terms.request
    }

    /// Badges for listings: requirements, `cross-account`, `chain<=1h`, `broken`, `unknown`.
    #[must_use]
    pub fn badges(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in self.requirements() {
            let b = r.badge();
            if !out.contains(&b) {
                out.push(b);
            }
        }
        match self.api {
            Api::AssumeRole => {}
            Api::AssumeRoleWithWebIdentity => out.insert(0, "web-identity".to_owned()),
            Api::AssumeRoleWithSaml => out.insert(0, "saml".to_owned()),
            Api::IdentityCenterPortal => out.insert(0, "identity-center portal".to_owned()),
        }
        if self.cross_account {
            out.push("cross-account".to_owned());
        }
        match self.chaining {
            Chaining::No => {}
            Chaining::Yes => out.push("chain<=1h".to_owned()),
            Chaining::UnlessInstanceProfile => out.push("chain<=1h unless EC2".to_owned()),
        }
        match &self.status {
            EdgeStatus::Broken { refused_by, .. } => out.push(match refused_by {
                Some(p) => format!("broken: {}", p.phrase()),
                None => "broken: refused by STS".to_owned(),
            }),
            EdgeStatus::Unknown { missing, .. } => out.push(unknown_badge(missing)),
            EdgeStatus::Works => {}
        }
        out
    }
}

/// Concrete parameters that satisfy an edge's requirements: what to send to STS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct WitnessRequest {
    /// The new session's name (`RoleSessionName`).
    pub session_name: String,
    /// For a caller role: the name its own session must have (a trust naming one session).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_session_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Pass a valid MFA code (authenticated just now).
    pub mfa: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transitive_tag_keys: Vec<String>,
    /// Extra request keys (`aws:SourceIp`, `aws:SourceArn`, …).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub context: BTreeMap<String, ContextValue>,
    /// Web-identity or SAML condition keys with their values (`<provider>:sub`, `SAML:aud`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub claims: BTreeMap<String, ContextValue>,
}

/// A virtual MFA device serial used when a witness request needs MFA.
pub const WITNESS_MFA_SERIAL: &str = "arn:aws:iam::000000000000:mfa/rolescope";

impl WitnessRequest {
    /// Writes the request's keys into `ctx` as STS does (IAM-RULES §3.4).
    pub fn apply(&self, ctx: &mut RequestContext) {
        ctx.insert("sts:RoleSessionName", self.session_name.clone());
        if let Some(x) = &self.external_id {
            ctx.insert("sts:ExternalId", x.clone());
        }
        if let Some(s) = &self.source_identity {
            ctx.insert("sts:SourceIdentity", s.clone());
        }
        if !self.tags.is_empty() {
            for (k, v) in &self.tags {
                ctx.insert(format!("aws:RequestTag/{k}"), v.clone());
            }
            ctx.insert(
                "aws:TagKeys",
                ContextValue::Multi(self.tags.iter().map(|(k, _)| k.clone()).collect()),
            );
        }
        if !self.transitive_tag_keys.is_empty() {
            ctx.insert(
                "sts:TransitiveTagKeys",
                ContextValue::Multi(self.transitive_tag_keys.clone()),
            );
        }
        if self.mfa {
            ctx.insert("aws:MultiFactorAuthPresent", "true");
            ctx.insert("aws:MultiFactorAuthAge", "0");
        }
        for (k, v) in self.context.iter().chain(&self.claims) {
            ctx.insert(k.clone(), v.clone());
        }
    }

    /// True when the request passes session tags (the trust must allow `sts:TagSession`).
    #[must_use]
    pub fn passes_tags(&self) -> bool {
        !self.tags.is_empty() || !self.transitive_tag_keys.is_empty()
    }

    /// The `AssumeRole` request document for this hop, as the simulator and the simulate
    /// form take it. `caller` is the caller's ARN (a user, a role, or a service name); a
    /// role caller is described as one of its sessions, issued at `now`.
    #[must_use]
    pub fn to_assume_role_request(
        &self,
        caller: &str,
        role_arn: &str,
        now: DateTime<Utc>,
    ) -> AssumeRoleRequest {
        let caller_is_role = caller.contains(":role/");
        AssumeRoleRequest {
            now: Some(now),
            caller: caller.to_owned(),
            caller_credentials: caller_is_role.then_some(CallerCredentials::AssumedRoleSession),
            caller_session: caller_is_role.then(|| CallerSessionDoc {
                role_arn: Some(caller.to_owned()),
                session_name: Some(
                    self.caller_session_name
                        .clone()
                        .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_owned()),
                ),
                created_by: Some(SessionOrigin::AssumeRole),
                issued_at: Some(now),
                expires_at: Some(now + chrono::Duration::hours(1)),
                ..CallerSessionDoc::default()
            }),
            role: role_arn.to_owned(),
            role_session_name: Some(self.session_name.clone()),
            external_id: self.external_id.clone(),
            source_identity: self.source_identity.clone(),
            mfa: self.mfa.then(|| MfaDoc {
                serial_number: WITNESS_MFA_SERIAL.to_owned(),
                token_code: "123456".to_owned(),
                token_valid: true,
                auth_age_seconds: Some(0),
            }),
            tags: self
                .tags
                .iter()
                .map(|(k, v)| TagDoc::new(k.clone(), v.clone()))
                .collect(),
            transitive_tag_keys: self.transitive_tag_keys.clone(),
            context: self
                .context
                .iter()
                .map(|(k, v)| {
                    let doc = match v {
                        ContextValue::Single(s) => {
                            crate::engine::sts::request::ContextValueDoc::One(s.clone())
                        }
                        ContextValue::Multi(m) => {
                            crate::engine::sts::request::ContextValueDoc::Many(m.clone())
                        }
                    };
                    (k.clone(), doc)
                })
                .collect(),
            ..AssumeRoleRequest::default()
        }
    }
}
