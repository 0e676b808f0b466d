//! The loaded world: accounts, their roles, users, groups, managed policies, identity
//! providers and organisation policies, indexed for lookup by ARN and name.
//!
//! This module owns the shapes and the lookups. Reading files into it is `load`; deciding
//! what a role *is* (its kinds) is `kinds`; deciding what a policy *allows* is `policy`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::engine::policy::document::{ParseError, PolicyDocument};

/// A policy document as loaded: the decoded JSON, kept as compact text (a `Value` is made on
/// demand, for display or editing), and the parsed document or the problems that kept it
/// from parsing. Identical documents of a file share one text and one parsed document.
#[derive(Debug, Clone)]
pub struct PolicyText {
    /// The decoded JSON as compact text, whichever of the three encodings it came in: the
    /// document itself, `null` when there was none, or a JSON string holding what could not be
    /// decoded.
    pub text: Arc<str>,
    /// The parsed document; `None` when the top level was unreadable.
    pub document: Option<Arc<PolicyDocument>>,
    /// Problems met while reading it, located by JSON path inside the document.
    pub errors: Vec<ParseError>,
}

impl PolicyText {
    /// Parses an already-decoded JSON value.
    #[must_use]
    pub fn from_json(json: serde_json::Value) -> Self {
        let parsed = PolicyDocument::from_value(&json);
        Self {
            text: Arc::from(json.to_string()),
            document: parsed.document.map(Arc::new),
            errors: parsed.errors,
        }
    }

    /// A document that could not be decoded at all: `json` is what was there (the raw
    /// string, or `null` when nothing was), `error` says why.
    #[must_use]
    pub fn unreadable(json: serde_json::Value, error: ParseError) -> Self {
        Self {
            text: Arc::from(json.to_string()),
            document: None,
            errors: vec![error],
        }
    }

    /// The decoded JSON as a value, made from [`PolicyText::text`] on each call.
    #[must_use]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or(serde_json::Value::Null)
    }

    /// True when both hold the same JSON value: the same text, or texts that differ only in
    /// the order of object keys or the spelling of escapes and numbers.
    #[must_use]
    pub fn same_json(&self, other: &Self) -> bool {
        self.text == other.text || self.json() == other.json()
    }

    /// True when the document parsed without any problem.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.document.is_some() && self.errors.is_empty()
    }
}

/// Serialises as `{"json": <the decoded JSON>, "errors": [...]}`.
impl Serialize for PolicyText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("PolicyText", 2)?;
        s.serialize_field("json", &self.json())?;
        s.serialize_field("errors", &self.errors)?;
        s.end()
    }
}

/// A key/value tag, as IAM returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value")]
    pub value: String,
}

/// An inline policy embedded in a role, user or group.
#[derive(Debug, Clone, Serialize)]
pub struct InlinePolicy {
    pub name: String,
    pub policy: PolicyText,
}

/// One version of a managed policy.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyVersion {
    pub version_id: String,
    pub is_default: bool,
    pub create_date: Option<DateTime<Utc>>,
    pub policy: VersionText,
}

/// A managed policy version's document. The version in force is decoded and parsed when the
/// file is loaded, like every other document; the others (a real export carries up to five
/// versions of each customer managed policy, most of them never read) keep their JSON as
/// written and are decoded on first use, with the same result and the same problems, located
/// by JSON path inside the document, as if they had been decoded at load. Reading one works
/// through `Deref`: `&version.policy` is a [`PolicyText`].
///
/// When the problems of a version that is not in force are reported: loading reports the
/// problems of each policy's version in force only (a version that is not in force decides
/// nothing); a command that reads another version (`show` of the policy, a what-if that makes
/// it the default, the policy index of an evaluation) decodes it then, and shows its problems
/// where it shows that version.
#[derive(Clone)]
pub struct VersionText {
    /// The document's JSON as written in the file (any of the three encodings), while it is
    /// not decoded yet; `None` for a document decoded at load.
    raw: Option<Arc<str>>,
    decoded: std::sync::OnceLock<PolicyText>,
}

impl VersionText {
    /// A document decoded on first use from `raw`, its JSON exactly as the file has it.
    #[must_use]
    pub fn lazy(raw: &str) -> Self {
        Self {
            raw: Some(Arc::from(raw)),
            decoded: std::sync::OnceLock::new(),
        }
    }

    /// True until the document has been decoded.
    #[must_use]
    pub fn is_pending(&self) -> bool {
        self.decoded.get().is_none()
    }
}

impl From<PolicyText> for VersionText {
    fn from(text: PolicyText) -> Self {
        Self {
            raw: None,
            decoded: std::sync::OnceLock::from(text),
        }
    }
}

impl std::ops::Deref for VersionText {
    type Target = PolicyText;

    fn deref(&self) -> &PolicyText {
        self.decoded.get_or_init(|| {
            let raw = self.raw.as_deref().unwrap_or("null");
            match serde_json::from_str::<&serde_json::value::RawValue>(raw) {
                Ok(value) => crate::engine::load::decode::policy_text(value),
                // Cannot happen: the text was one JSON value of a file that parsed.
                Err(e) => PolicyText::unreadable(
                    serde_json::Value::Null,
                    ParseError {
                        path: "$".to_owned(),
                        message: format!("the document is not valid JSON: {e}"),
                    },
                ),
            }
        })
    }
}

impl std::fmt::Debug for VersionText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl Serialize for VersionText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

/// A managed policy (customer or AWS managed) with all its versions.
#[derive(Debug, Clone, Serialize)]
pub struct ManagedPolicy {
    pub arn: String,
    pub name: String,
    pub path: String,
    pub policy_id: Option<String>,
    pub default_version_id: Option<String>,
    pub description: Option<String>,
    pub attachment_count: Option<u64>,
    pub permissions_boundary_usage_count: Option<u64>,
    pub create_date: Option<DateTime<Utc>>,
    pub update_date: Option<DateTime<Utc>>,
    pub versions: Vec<PolicyVersion>,
}

impl ManagedPolicy {
    /// The version in force: the one marked default (or named by `DefaultVersionId`).
    #[must_use]
    pub fn default_version(&self) -> Option<&PolicyVersion> {
        self.versions.iter().find(|v| v.is_default).or_else(|| {
            let id = self.default_version_id.as_deref()?;
            self.versions.iter().find(|v| v.version_id == id)
        })
    }
}

/// A reference to a managed policy attached to a principal (or used as a boundary).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachedPolicy {
    pub arn: String,
    pub name: String,
}

/// When and where a role was last used, as IAM reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleLastUsed {
    pub last_used_date: Option<DateTime<Utc>>,
    pub region: Option<String>,
}

/// An instance profile as seen from the role it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstanceProfileRef {
    pub name: String,
    pub arn: String,
    pub path: String,
}

/// Where a fact came from, so views can say "unknown" rather than guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Known<T> {
    Known(T),
    /// The loaded data does not say; simulations use AWS's default and say so.
    Unknown,
}

impl<T: Copy> Known<T> {
    #[must_use]
    pub fn or(self, default: T) -> T {
        match self {
            Self::Known(v) => v,
            Self::Unknown => default,
        }
    }
}

/// The default `MaxSessionDuration` (seconds) AWS gives a role, used when the data omits it.
pub const DEFAULT_MAX_SESSION_SECONDS: u32 = 3600;

/// An IAM role with every field its source gave.
#[derive(Debug, Clone, Serialize)]
pub struct Role {
    pub arn: String,
    pub account: String,
    pub name: String,
    pub path: String,
    pub role_id: String,
    pub create_date: Option<DateTime<Utc>>,
    /// `None` when the source does not carry descriptions (the authorization-details export).
    pub description: Option<String>,
    pub max_session_duration: Known<u32>,
    pub trust_policy: PolicyText,
    pub inline_policies: Vec<InlinePolicy>,
    pub managed_policies: Vec<AttachedPolicy>,
    pub permissions_boundary: Option<AttachedPolicy>,
    pub tags: Vec<Tag>,
    pub last_used: Option<RoleLastUsed>,
    pub instance_profiles: Vec<InstanceProfileRef>,
    /// False for a role known only from `list-roles`/`get-role` output, which carries no
    /// permission policies: what the role may do is then unknown, not "nothing".
    pub policies_loaded: bool,
}

impl Role {
    /// The max session duration to simulate with: the role's own, or AWS's default (3600 s).
    #[must_use]
    pub fn effective_max_session(&self) -> u32 {
        self.max_session_duration.or(DEFAULT_MAX_SESSION_SECONDS)
    }

    /// Service-linked roles live under `/aws-service-role/`.
    #[must_use]
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}

/// An IAM user.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub arn: String,
    pub account: String,
    pub name: String,
    pub path: String,
    pub user_id: String,
    pub create_date: Option<DateTime<Utc>>,
    pub groups: Vec<String>,
    pub inline_policies: Vec<InlinePolicy>,
    pub managed_policies: Vec<AttachedPolicy>,
    pub permissions_boundary: Option<AttachedPolicy>,
    pub tags: Vec<Tag>,
}

/// An IAM group.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub arn: String,
    pub account: String,
    pub name: String,
    pub path: String,
    pub group_id: String,
    pub inline_policies: Vec<InlinePolicy>,
    pub managed_policies: Vec<AttachedPolicy>,
}

/// The kind of an IAM identity provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ProviderType {
    #[serde(rename = "OIDC")]
    Oidc,
    #[serde(rename = "SAML")]
    Saml,
}

/// An OIDC or SAML identity provider registered in an account.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityProvider {
    pub arn: String,
    pub account: String,
    pub provider_type: ProviderType,
    /// OIDC issuer URL (without `https://`, as it appears in the provider ARN).
    pub url: Option<String>,
    pub client_ids: Vec<String>,
    /// OIDC: the server certificate thumbprints (`ThumbprintList`), when the data has them.
    pub thumbprints: Vec<String>,
}

/// One level of an organisation's policy hierarchy (root, an OU, the account), with the
/// SCPs or RCPs attached there. Every level must allow for a request to be allowed.
#[derive(Debug, Clone, Serialize)]
pub struct OrgPolicyLevel {
    pub target: String,
    pub policies: Vec<PolicyText>,
    /// Which policies those are (id, name), in the same order, when the data names them
    /// (bundles written by `rolescope collect`); empty otherwise.
    pub summaries: Vec<OrgPolicySummary>,
}

/// The name and id of an SCP or RCP (`list-policies-for-target`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgPolicySummary {
    pub id: String,
    pub name: String,
    pub arn: Option<String>,
    pub aws_managed: bool,
}

/// A root or organisational unit above an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgUnit {
    /// `r-…` for the root, `ou-…` for an organisational unit.
    pub id: String,
    pub name: String,
}

/// Organizations facts about one account.
#[derive(Debug, Clone, Serialize)]
pub struct OrgMembership {
    pub org_id: String,
    pub management_account_id: Option<String>,
    pub is_management_account: bool,
    /// The root and the OUs above the account, root first (bundle key `Parents`); empty when
    /// the data does not say.
    pub parents: Vec<OrgUnit>,
    /// The policy types enabled on the root (`SERVICE_CONTROL_POLICY`, …); empty when the
    /// data does not say.
    pub enabled_policy_types: Vec<String>,
    pub scps_by_level: Vec<OrgPolicyLevel>,
    pub rcps_by_level: Vec<OrgPolicyLevel>,
}

/// A resource-based policy (S3 bucket policy, KMS key policy, …) and the resources it
/// governs (ARN patterns).
#[derive(Debug, Clone, Serialize)]
pub struct ResourcePolicy {
    pub resource_arn: String,
    pub applies_to: Vec<String>,
    pub policy: PolicyText,
}

/// A kind of data about an account that may be present in the loaded files or missing from
/// them. Answers that depend on a missing part are "unknown", naming the part.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum DataPart {
    /// Users, groups, roles and managed policies (`iam get-account-authorization-details`).
    AuthorizationDetails,
    /// `MaxSessionDuration` and `Description` of roles (`iam list-roles`).
    Roles,
    /// SAML and OIDC providers (`iam list-saml-providers`, `list-open-id-connect-providers`).
    IdentityProviders,
    /// Organisation membership and the OU tree (`organizations describe-organization`, …).
    Organization,
    /// Service control policies by target.
    Scps,
    /// Resource control policies by target.
    Rcps,
    /// Resource-based policies (S3, KMS, SQS, SNS, Lambda, Secrets Manager).
    ResourcePolicies,
}

impl DataPart {
    /// Every part, in the order above.
    pub const ALL: &'static [Self] = &[
        Self::AuthorizationDetails,
        Self::Roles,
        Self::IdentityProviders,
        Self::Organization,
        Self::Scps,
        Self::Rcps,
        Self::ResourcePolicies,
    ];
}

/// A call that was made to collect a part of an account and failed: the part is missing from
/// the data, and answers that depend on it are "unknown".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotCollected {
    pub part: DataPart,
    /// The AWS CLI call, e.g. `iam list-saml-providers`.
    pub call: String,
    /// The region the call was made in, for regional services.
    pub region: Option<String>,
    /// AWS's message (or the CLI's), as printed.
    pub message: String,
}

/// When, by whom and with what an account's data was collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Provenance {
    pub collected_at: Option<DateTime<Utc>>,
    /// The caller ARN `sts get-caller-identity` reported for the collection.
    pub caller_arn: Option<String>,
    /// The AWS CLI's version line (`aws --version`).
    pub cli_version: Option<String>,
    /// The rolescope version that collected it.
    pub tool_version: Option<String>,
    /// The parts the collector fetched successfully.
    pub collected: Vec<DataPart>,
}

/// One AWS account and what the data says about it beyond IAM entities.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Account {
    pub id: String,
    /// A human name when the data gives one (bundle `Name`/`Alias`).
    pub name: Option<String>,
    pub organization: Option<OrgMembership>,
    pub resource_policies: Vec<ResourcePolicy>,
    pub sts_regions_deactivated: Vec<String>,
    /// Set for accounts of a bundle written by `rolescope collect` (bundle key `Provenance`).
    pub provenance: Option<Provenance>,
    /// Calls that failed while collecting this account (bundle key `NotCollected`).
    pub not_collected: Vec<NotCollected>,
    /// The kinds of data the loaded files gave for this account, as the loader saw them (a
    /// bundle's `IdentityProviders` key, even an empty list, gives the identity providers; a
    /// bare `get-account-authorization-details` export does not). A part named in
    /// [`Account::not_collected`] is missing whatever this says; see [`Account::has`].
    pub loaded: BTreeSet<DataPart>,
    /// Provider kinds whose full list was loaded for this account on its own
    /// (`iam list-saml-providers` lists SAML providers only, `list-open-id-connect-providers`
    /// OIDC ones only). [`DataPart::IdentityProviders`] in [`Account::loaded`] covers both.
    pub providers_listed: BTreeSet<ProviderType>,
}

impl Account {
    /// True when the loaded data holds `part` for this account: a file gave it and no
    /// collection call for it failed (for resource policies, in any region).
    #[must_use]
    pub fn has(&self, part: DataPart) -> bool {
        self.loaded.contains(&part) && !self.not_collected.iter().any(|n| n.part == part)
    }

    /// True when the loaded data lists every identity provider of `kind` in this account.
    #[must_use]
    pub fn lists_providers(&self, kind: ProviderType) -> bool {
        (self.loaded.contains(&DataPart::IdentityProviders)
            || self.providers_listed.contains(&kind))
            && !self
                .not_collected
                .iter()
                .any(|n| n.part == DataPart::IdentityProviders)
    }

    /// The failed collection call for `part`, if one was recorded.
    #[must_use]
    pub fn failed_call(&self, part: DataPart) -> Option<&NotCollected> {
        self.not_collected.iter().find(|n| n.part == part)
    }
}

/// A problem found while loading, kept with where it came from. Loading goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadWarning {
    /// The file (or `demo`) the problem is in.
    pub source: String,
    /// A JSON path inside that file, or the entity it concerns.
    pub location: String,
    pub message: String,
}

/// Everything loaded, across accounts. Entities are stored in vectors; the maps index them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inventory {
    pub accounts: BTreeMap<String, Account>,
    pub roles: Vec<Role>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub policies: Vec<ManagedPolicy>,
    pub identity_providers: Vec<IdentityProvider>,
    pub warnings: Vec<LoadWarning>,
    /// The files (or `demo organisation`) the data came from, in load order.
    pub sources: Vec<String>,
    #[serde(skip)]
    pub index: Index,
}

/// A lookup table of [`Index`]: hashed with foldhash, fast on the short keys (ARNs, names)
/// the graph and the escalation walks look up hundreds of thousands of times; the keys come
/// from the user's own files.
pub type Lookup<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// Lookup tables over an [`Inventory`]'s vectors. Rebuilt by [`Inventory::reindex`].
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub role_by_arn: Lookup<usize>,
    pub user_by_arn: Lookup<usize>,
    pub group_by_arn: Lookup<usize>,
    pub policy_by_arn: Lookup<usize>,
    /// Role name to every role with that name (one per account at most).
    pub roles_by_name: Lookup<Vec<usize>>,
    /// Group name to every group with that name (one per account at most).
    pub groups_by_name: Lookup<Vec<usize>>,
}

impl Inventory {
    /// Rebuilds the lookup tables after the vectors changed.
    pub fn reindex(&mut self) {
        let mut index = Index::default();
        for (i, r) in self.roles.iter().enumerate() {
            index.role_by_arn.insert(r.arn.clone(), i);
            index
                .roles_by_name
                .entry(r.name.clone())
                .or_default()
                .push(i);
        }
        for (i, u) in self.users.iter().enumerate() {
            index.user_by_arn.insert(u.arn.clone(), i);
        }
        for (i, g) in self.groups.iter().enumerate() {
            index.group_by_arn.insert(g.arn.clone(), i);
            index
                .groups_by_name
                .entry(g.name.clone())
                .or_default()
                .push(i);
        }
        for (i, p) in self.policies.iter().enumerate() {
            index.policy_by_arn.insert(p.arn.clone(), i);
        }
        self.index = index;
    }

    /// The role with exactly this ARN (case-sensitive, as STS looks roles up).
    #[must_use]
    pub fn role_by_arn(&self, arn: &str) -> Option<&Role> {
        self.index.role_by_arn.get(arn).map(|&i| &self.roles[i])
    }

    /// Every role with exactly this name, across accounts.
    #[must_use]
    pub fn roles_named(&self, name: &str) -> Vec<&Role> {
        self.index
            .roles_by_name
            .get(name)
            .map(|v| v.iter().map(|&i| &self.roles[i]).collect())
            .unwrap_or_default()
    }

    #[must_use]
    pub fn user_by_arn(&self, arn: &str) -> Option<&User> {
        self.index.user_by_arn.get(arn).map(|&i| &self.users[i])
    }

    #[must_use]
    pub fn group_by_arn(&self, arn: &str) -> Option<&Group> {
        self.index.group_by_arn.get(arn).map(|&i| &self.groups[i])
    }

    /// The group named `name` in `account`.
    #[must_use]
    pub fn group_named(&self, account: &str, name: &str) -> Option<&Group> {
        self.index
            .groups_by_name
            .get(name)?
            .iter()
            .map(|&i| &self.groups[i])
            .find(|g| g.account == account)
    }

    #[must_use]
    pub fn managed_policy(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.index
            .policy_by_arn
            .get(arn)
            .map(|&i| &self.policies[i])
    }

    #[must_use]
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.get(id)
    }
}
