//! The shapes of the files rolescope reads, exactly as AWS (or a bundle) writes them.
//!
//! One struct per JSON object, deserialized in one pass from a whole-file buffer. Policy
//! documents are kept as borrowed raw JSON (`&RawValue`) and decoded later, once per
//! distinct text, by `load::build`. Scalars are owned `String`s that move into the model
//! without copying. Unknown keys are ignored so newer CLI output still loads; `null` where
//! a list is expected reads as an empty list, and a single value where a list is expected
//! reads as a one-element list.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// A whole input file, or one account of a bundle: every recognised key is optional, and
/// which ones are present decides what the file is. Plain `get-account-authorization-details`
/// output fills the `…DetailList` keys and `Policies`; a bundle fills `Accounts`, whose values
/// are read with this same shape (plus the extensions `Name`, `Organization`, …).
#[derive(Debug, Default, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "an IAM export object (get-account-authorization-details, list-roles, get-role or a bundle)"
)]
pub struct RawAccount<'a> {
    /// A bundle: account id to that account's export plus extensions.
    #[serde(borrow, default)]
    pub accounts: Option<BTreeMap<String, RawAccount<'a>>>,
    /// `aws iam list-roles`.
    #[serde(borrow, default)]
    pub roles: Option<Lenient<RawRole<'a>>>,
    /// `aws iam get-role`.
    #[serde(borrow, default)]
    pub role: Option<RawRole<'a>>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(borrow, default)]
    pub user_detail_list: Option<Lenient<RawUser<'a>>>,
    #[serde(borrow, default)]
    pub group_detail_list: Option<Lenient<RawGroup<'a>>>,
    #[serde(borrow, default)]
    pub role_detail_list: Option<Lenient<RawRole<'a>>>,
    #[serde(borrow, default)]
    pub policies: Option<Lenient<RawManagedPolicy<'a>>>,
    #[serde(borrow, default)]
    pub organization: Option<RawOrganization<'a>>,
    #[serde(borrow, default)]
    pub resource_policies: Option<Lenient<RawResourcePolicy<'a>>>,
    #[serde(default)]
    pub identity_providers: Option<Lenient<RawIdentityProvider>>,
    #[serde(default)]
    pub sts_regions_deactivated: Option<Lenient<String>>,
    /// `aws iam list-open-id-connect-providers`.
    #[serde(default, rename = "OpenIDConnectProviderList")]
    pub open_id_connect_provider_list: Option<Lenient<RawProviderRef>>,
    /// `aws iam list-saml-providers`.
    #[serde(default, rename = "SAMLProviderList")]
    pub saml_provider_list: Option<Lenient<RawProviderRef>>,
    /// Bundle extension written by `rolescope collect`: when and how the account was collected.
    #[serde(default)]
    pub provenance: Option<RawProvenance>,
    /// Bundle extension written by `rolescope collect`: the calls that failed.
    #[serde(default)]
    pub not_collected: Option<Lenient<RawNotCollected>>,
}

/// A bundle account's `Provenance`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", expecting = "a `Provenance` object")]
pub struct RawProvenance {
    #[serde(default)]
    pub collected_at: Option<String>,
    #[serde(default)]
    pub caller_arn: Option<String>,
    #[serde(default)]
    pub cli_version: Option<String>,
    #[serde(default)]
    pub tool_version: Option<String>,
    #[serde(default)]
    pub collected: Lenient<crate::engine::model::DataPart>,
}

/// One entry of a bundle account's `NotCollected`.
#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "a `NotCollected` entry with `Part`, `Call` and `Message`"
)]
pub struct RawNotCollected {
    pub part: crate::engine::model::DataPart,
    #[serde(default)]
    pub call: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "a tag object with `Key` and `Value`"
)]
pub struct RawTag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "an inline policy object with `PolicyName` and `PolicyDocument`"
)]
pub struct RawInlinePolicy<'a> {
    pub policy_name: String,
    #[serde(borrow, default)]
    pub policy_document: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "an attached policy object with `PolicyArn`"
)]
pub struct RawAttachedPolicy {
    #[serde(default)]
    pub policy_name: Option<String>,
    pub policy_arn: String,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "a permissions boundary object with `PermissionsBoundaryArn`"
)]
pub struct RawBoundary {
    #[serde(default)]
    pub permissions_boundary_arn: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", expecting = "a `RoleLastUsed` object")]
pub struct RawLastUsed {
    #[serde(default)]
    pub last_used_date: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
}

/// The role inside an instance profile: the full `Role` shape, of which only the fields the
/// authorization-details role lacks are kept.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", expecting = "a role object")]
pub struct RawProfileRole {
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub max_session_duration: Option<u64>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", expecting = "an instance profile object")]
pub struct RawInstanceProfile {
    #[serde(default)]
    pub instance_profile_name: String,
    #[serde(default)]
    pub arn: String,
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub roles: Lenient<RawProfileRole>,
}

/// A role from `RoleDetailList`, `list-roles` (`Roles`) or `get-role` (`Role`).
#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "a role object with at least `Arn`"
)]
pub struct RawRole<'a> {
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub role_name: Option<String>,
    #[serde(default)]
    pub role_id: Option<String>,
    pub arn: String,
    #[serde(default)]
    pub create_date: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub max_session_duration: Option<u64>,
    #[serde(borrow, default)]
    pub assume_role_policy_document: Option<&'a RawValue>,
    #[serde(default)]
    pub instance_profile_list: Lenient<RawInstanceProfile>,
    #[serde(borrow, default)]
    pub role_policy_list: Lenient<RawInlinePolicy<'a>>,
    #[serde(default)]
    pub attached_managed_policies: Lenient<RawAttachedPolicy>,
    #[serde(default)]
    pub permissions_boundary: Option<RawBoundary>,
    #[serde(default)]
    pub tags: Lenient<RawTag>,
    #[serde(default)]
    pub role_last_used: Option<RawLastUsed>,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "a user object with at least `Arn`"
)]
pub struct RawUser<'a> {
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    pub arn: String,
    #[serde(default)]
    pub create_date: Option<String>,
    #[serde(borrow, default)]
    pub user_policy_list: Lenient<RawInlinePolicy<'a>>,
    #[serde(default)]
    pub group_list: Lenient<String>,
    #[serde(default)]
    pub attached_managed_policies: Lenient<RawAttachedPolicy>,
    #[serde(default)]
    pub permissions_boundary: Option<RawBoundary>,
    #[serde(default)]
    pub tags: Lenient<RawTag>,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "a group object with at least `Arn`"
)]
pub struct RawGroup<'a> {
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub group_name: Option<String>,
    #[serde(default)]
    pub group_id: Option<String>,
    pub arn: String,
    #[serde(borrow, default)]
    pub group_policy_list: Lenient<RawInlinePolicy<'a>>,
    #[serde(default)]
    pub attached_managed_policies: Lenient<RawAttachedPolicy>,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "a policy version object with `Document` and `VersionId`"
)]
pub struct RawPolicyVersion<'a> {
    #[serde(borrow, default)]
    pub document: Option<&'a RawValue>,
    #[serde(default)]
    pub version_id: String,
    #[serde(default)]
    pub is_default_version: bool,
    #[serde(default)]
    pub create_date: Option<String>,
}

/// An entry of `Policies` (`ManagedPolicyDetail`).
#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "a managed policy object with at least `Arn`"
)]
pub struct RawManagedPolicy<'a> {
    #[serde(default)]
    pub policy_name: Option<String>,
    #[serde(default)]
    pub policy_id: Option<String>,
    pub arn: String,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub default_version_id: Option<String>,
    #[serde(default)]
    pub attachment_count: Option<u64>,
    #[serde(default)]
    pub permissions_boundary_usage_count: Option<u64>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub create_date: Option<String>,
    #[serde(default)]
    pub update_date: Option<String>,
    #[serde(borrow, default)]
    pub policy_version_list: Lenient<RawPolicyVersion<'a>>,
}

/// One level (root, OU, account) of SCPs or RCPs. `Policies` is a list of documents or a
/// single one; it is split by `load::build`.
#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "an organisation policy level with `Target` and `Policies`"
)]
pub struct RawPolicyLevel<'a> {
    #[serde(default)]
    pub target: String,
    #[serde(borrow, default)]
    pub policies: Option<&'a RawValue>,
    /// Bundle extension written by `rolescope collect`: which policies `Policies` holds.
    #[serde(default)]
    pub policy_summaries: Lenient<RawOrgPolicySummary>,
}

/// An entry of a policy level's `PolicySummaries` (`list-policies-for-target`'s shape).
#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "a policy summary object with `Id` and `Name`"
)]
pub struct RawOrgPolicySummary {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub aws_managed: bool,
}

/// An entry of `Organization.Parents`: the root or an OU above the account.
#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "an organisation parent object with `Id` and `Name`"
)]
pub struct RawOrgUnit {
    pub id: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", expecting = "an `Organization` object")]
pub struct RawOrganization<'a> {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub management_account_id: Option<String>,
    #[serde(default)]
    pub is_management_account: Option<bool>,
    /// Bundle extension: the root and the OUs above the account, root first.
    #[serde(default)]
    pub parents: Lenient<RawOrgUnit>,
    /// Bundle extension: the policy types enabled on the root (`list-roots`).
    #[serde(default)]
    pub enabled_policy_types: Lenient<String>,
    #[serde(borrow, default)]
    pub scps_by_level: Lenient<RawPolicyLevel<'a>>,
    #[serde(borrow, default)]
    pub rcps_by_level: Lenient<RawPolicyLevel<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "a resource policy object with `ResourceArn` and `Policy`"
)]
pub struct RawResourcePolicy<'a> {
    pub resource_arn: String,
    #[serde(default)]
    pub applies_to: Lenient<String>,
    #[serde(borrow, default)]
    pub policy: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "an identity provider object with `Arn` and `Type`"
)]
pub struct RawIdentityProvider {
    pub arn: String,
    #[serde(default, rename = "Type")]
    pub provider_type: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default, rename = "ClientIDList")]
    pub client_id_list: Lenient<String>,
    /// Bundle extension: an OIDC provider's `ThumbprintList`.
    #[serde(default)]
    pub thumbprint_list: Lenient<String>,
}

/// An entry of `list-open-id-connect-providers` or `list-saml-providers`.
#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "an identity provider object with `Arn`"
)]
pub struct RawProviderRef {
    pub arn: String,
}

/// A list that also accepts `null` (empty) and a single value (one element), as AWS
/// tooling writes either.
#[derive(Debug, Clone)]
pub struct Lenient<T>(pub Vec<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LenientVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for LenientVisitor<T> {
            type Value = Lenient<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Lenient(Vec::new()))
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Lenient(Vec::new()))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Lenient(items))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let one = T::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Lenient(vec![one]))
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                let one = T::deserialize(de::value::BorrowedStrDeserializer::new(v))?;
                Ok(Lenient(vec![one]))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                let one = T::deserialize(v.to_owned().into_deserializer())?;
                Ok(Lenient(vec![one]))
            }
        }

        deserializer.deserialize_any(LenientVisitor(PhantomData))
    }
}
