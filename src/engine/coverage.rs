//! What the loaded data covers, and what an answer lacks when it does not.
//!
//! Real exports are never whole: `get-account-authorization-details` carries no identity
//! providers, no organisation and no resource policies; a `--filter`ed export leaves out AWS
//! managed policies; `list-roles` output carries no permission policies; a collection call may
//! have failed. This module decides, per account and per kind of data ([`DataPart`], recorded
//! by the loader on [`Account::loaded`]), whether a fact an answer needs is in the data, and
//! names what is not as a [`Missing`] piece with the command that would fetch it.
//!
//! Evaluating with missing pieces is `policy::evaluate`'s (an answer the pieces could change is
//! `unknown`); this module only finds and names them. Every check is a lookup in the loaded
//! inventory, cheap enough to run once per policy or account of a request.

use std::sync::Arc;

use serde::Serialize;

use crate::engine::model::{Account, DataPart, Inventory, NotCollected, ProviderType, Role, User};

/// The prefix of AWS managed policy ARNs: AWS writes these policies, and the same ARN names
/// the same policy in every account.
pub const AWS_MANAGED_PREFIX: &str = "arn:aws:iam::aws:policy/";

/// Services whose resources may have a resource-based policy rolescope reads (bundle
/// `ResourcePolicies`): an answer about their resources depends on it.
pub const RESOURCE_POLICY_SERVICES: &[&str] =
    &["s3", "kms", "sqs", "sns", "lambda", "secretsmanager", "ecr"];

/// A piece of data an answer needs that the loaded data lacks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Missing {
    /// The kind of data it belongs to.
    pub part: DataPart,
    /// What is missing, in words: ``managed policy `arn:…` (attached to role `Deploy`)``.
    pub what: String,
    /// A short name for it in "either way" sentences: ```AmazonS3FullAccess` ``.
    pub name: String,
    /// The command that would fetch it.
    pub fetch: String,
}

impl Missing {
    /// `what` is not in the loaded data; fetch it with `fetch`.
    #[must_use]
    pub fn sentence(&self) -> String {
        format!("{}; fetch it with `{}`", self.what, self.fetch)
    }
}

/// True for an AWS managed policy's ARN (`arn:aws:iam::aws:policy/…`, any partition).
#[must_use]
pub fn is_aws_managed(arn: &str) -> bool {
    arn.strip_prefix("arn:")
        .and_then(|r| r.split_once(':'))
        .is_some_and(|(_, rest)| rest.starts_with("iam::aws:policy/"))
}

fn policy_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// A managed policy attached to (or the permissions boundary of) `owner` that the data lacks.
#[must_use]
pub fn managed_policy(arn: &str, owner: &str, boundary: bool) -> Missing {
    let name = policy_name(arn);
    let role = if boundary {
        "the permissions boundary of"
    } else {
        "attached to"
    };
    if is_aws_managed(arn) {
        Missing {
            part: DataPart::AuthorizationDetails,
            what: format!(
                "managed policy `{arn}` ({role} {owner}) is not in the loaded data; it is the AWS managed policy `{name}`, whose document AWS publishes"
            ),
            name: format!("the AWS managed policy `{name}`"),
            fetch: format!(
                "aws iam get-policy-version --policy-arn {arn} --version-id $(aws iam get-policy --policy-arn {arn} --query Policy.DefaultVersionId --output text)"
            ),
        }
    } else {
        Missing {
            part: DataPart::AuthorizationDetails,
            what: format!("managed policy `{arn}` ({role} {owner}) is not in the loaded data"),
            name: format!("`{name}`"),
            fetch: "aws iam get-account-authorization-details".to_owned(),
        }
    }
}

/// The permission policies of a role known only from `list-roles` / `get-role` output.
#[must_use]
pub fn role_policies(role: &Role) -> Missing {
    Missing {
        part: DataPart::AuthorizationDetails,
        what: format!(
            "the permission policies of role `{}` are not in the loaded data (only `list-roles`/`get-role` output describes it)",
            role.arn
        ),
        name: format!("the policies of `{}`", role.name),
        fetch: "aws iam get-account-authorization-details".to_owned(),
    }
}

/// A group a user is in that the data lacks.
#[must_use]
pub fn group(user: &User, group: &str) -> Missing {
    Missing {
        part: DataPart::AuthorizationDetails,
        what: format!(
            "group `{group}` of user `{}` is not in the loaded data, so its policies are unknown",
            user.arn
        ),
        name: format!("the policies of group `{group}`"),
        fetch: "aws iam get-account-authorization-details".to_owned(),
    }
}

/// The identity policies of a principal whose account is not loaded at all.
#[must_use]
pub fn account(id: &str, principal: &str) -> Missing {
    Missing {
        part: DataPart::AuthorizationDetails,
        what: format!(
            "account {id} is not in the loaded data, so the identity policies, boundary and SCPs of `{principal}` are unknown"
        ),
        name: format!("the policies of `{principal}` in account {id}"),
        fetch: format!(
            "aws iam get-account-authorization-details (with credentials for account {id})"
        ),
    }
}

fn failed(n: &NotCollected, what: String, name: String) -> Missing {
    let region = n
        .region
        .as_deref()
        .map(|r| format!(" --region {r}"))
        .unwrap_or_default();
    Missing {
        part: n.part,
        what: format!(
            "{what}: `aws {}` failed while collecting ({})",
            n.call, n.message
        ),
        name,
        fetch: format!("aws {}{region}", n.call),
    }
}

/// An identity provider named by a trust policy that the data neither holds nor rules out:
/// the provider lists of its account were not loaded.
#[must_use]
pub fn identity_provider(inv: &Inventory, arn: &str) -> Option<Missing> {
    if inv.identity_providers.iter().any(|p| p.arn == arn) {
        return None;
    }
    let parsed = crate::engine::arn::Arn::parse(arn).ok()?;
    let kind = match parsed.resource_type() {
        "saml-provider" => ProviderType::Saml,
        "oidc-provider" => ProviderType::Oidc,
        _ => return None,
    };
    let account = inv.account(&parsed.account);
    if account.is_some_and(|a| a.lists_providers(kind)) {
        return None;
    }
    let call = match kind {
        ProviderType::Saml => "iam list-saml-providers",
        ProviderType::Oidc => "iam list-open-id-connect-providers",
    };
    let what = format!(
        "whether identity provider `{arn}` is registered in account {}",
        parsed.account
    );
    let name = format!("provider `{}`", parsed.resource_name());
    if let Some(n) = account.and_then(|a| a.failed_call(DataPart::IdentityProviders)) {
        return Some(failed(n, what, name));
    }
    Some(Missing {
        part: DataPart::IdentityProviders,
        what: format!(
            "{what} is unknown: the loaded data has no list of the account's {} providers",
            match kind {
                ProviderType::Saml => "SAML",
                ProviderType::Oidc => "OIDC",
            }
        ),
        name,
        fetch: format!("aws {call}"),
    })
}

/// The SCPs of an account that is in an organisation (not its management account) when the
/// data lacks them.
#[must_use]
pub fn scps(account: &Account) -> Option<Missing> {
    let name = format!("the SCPs of account {}", account.id);
    let what = format!("the service control policies of account {}", account.id);
    if let Some(n) = account
        .failed_call(DataPart::Scps)
        .or_else(|| account.failed_call(DataPart::Organization))
    {
        return Some(failed(n, what, name));
    }
    let org = account.organization.as_ref()?;
    if org.is_management_account || account.has(DataPart::Scps) {
        return None;
    }
    Some(Missing {
        part: DataPart::Scps,
        what: format!(
            "{what} are not in the loaded data (the account is in organisation `{}`)",
            org.org_id
        ),
        name,
        fetch: "rolescope collect --org".to_owned(),
    })
}

/// The RCPs of an account when a collection call for them failed.
#[must_use]
pub fn rcps(account: &Account) -> Option<Missing> {
    let n = account
        .failed_call(DataPart::Rcps)
        .or_else(|| account.failed_call(DataPart::Organization))?;
    if account
        .organization
        .as_ref()
        .is_some_and(|o| o.is_management_account)
    {
        return None;
    }
    Some(failed(
        n,
        format!("the resource control policies of account {}", account.id),
        format!("the RCPs of account {}", account.id),
    ))
}

/// The resource-based policy of `resource` (in `account`, read in `region`) when its service
/// has them and the data lacks the account's.
#[must_use]
pub fn resource_policy(
    inv: &Inventory,
    resource: &str,
    account: Option<&str>,
    region: &str,
) -> Option<Missing> {
    let mut parts = resource.splitn(6, ':');
    if parts.next() != Some("arn") {
        return None;
    }
    let service = parts.nth(1)?;
    if !RESOURCE_POLICY_SERVICES.contains(&service) {
        return None;
    }
    let what = format!("the resource-based policy of `{resource}`");
    let name = format!("the {service} resource policy of `{resource}`");
    let fetch = match service {
        "s3" => {
            let bucket = resource
                .rsplit(':')
                .next()
                .and_then(|r| r.split('/').next())
                .unwrap_or(resource);
            format!("aws s3api get-bucket-policy --bucket {bucket}")
        }
        "kms" => format!("aws kms get-key-policy --key-id {resource} --policy-name default"),
        "sqs" => format!(
            "aws sqs get-queue-attributes --queue-url <url of {resource}> --attribute-names Policy"
        ),
        "sns" => format!("aws sns get-topic-attributes --topic-arn {resource}"),
        "lambda" => format!("aws lambda get-policy --function-name {resource}"),
        "secretsmanager" => {
            format!("aws secretsmanager get-resource-policy --secret-id {resource}")
        }
        _ => format!(
            "aws ecr get-repository-policy --repository-name {}",
            policy_name(resource)
        ),
    };
    let Some(acct) = account.and_then(|a| inv.account(a)) else {
        return Some(Missing {
            part: DataPart::ResourcePolicies,
            what: format!(
                "{what} is unknown: the resource's account {} is not in the loaded data",
                account.unwrap_or("(unknown)")
            ),
            name,
            fetch,
        });
    };
    if let Some(n) = acct
        .not_collected
        .iter()
        .find(|n| {
            n.part == DataPart::ResourcePolicies
                && n.region.as_deref().is_none_or(|r| r == region)
                && n.call.split_whitespace().next() == Some(service)
        })
        .or_else(|| {
            acct.not_collected.iter().find(|n| {
                n.part == DataPart::ResourcePolicies
                    && n.region.as_deref().is_none_or(|r| r == region)
            })
        })
    {
        return Some(failed(n, what, name));
    }
    if acct.loaded.contains(&DataPart::ResourcePolicies) {
        return None;
    }
    Some(Missing {
        part: DataPart::ResourcePolicies,
        what: format!(
            "{what} is unknown: the loaded data has no resource policies for account {}",
            acct.id
        ),
        name,
        fetch,
    })
}

/// Shared form, for the many decisions that name the same piece.
#[must_use]
pub fn shared(m: Missing) -> Arc<Missing> {
    Arc::new(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{IdentityProvider, OrgMembership, OrgPolicyLevel};

    fn inv_with(account: Account) -> Inventory {
        let mut inv = Inventory::default();
        inv.accounts.insert(account.id.clone(), account);
        inv
    }

    fn acct(id: &str) -> Account {
        Account {
            id: id.to_owned(),
            ..Account::default()
        }
    }

    #[test]
    fn aws_managed_policies_are_recognised_by_arn_in_every_partition() {
        assert!(is_aws_managed("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert!(is_aws_managed(
            "arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        ));
        assert!(!is_aws_managed("arn:aws:iam::123456789012:policy/aws/Mine"));
        let m = managed_policy(
            "arn:aws:iam::aws:policy/AmazonS3FullAccess",
            "role `R`",
            false,
        );
        assert!(
            m.what.contains("AWS managed policy `AmazonS3FullAccess`"),
            "{}",
            m.what
        );
        assert!(
            m.fetch.starts_with("aws iam get-policy-version"),
            "{}",
            m.fetch
        );
    }

    #[test]
    fn a_provider_is_unknown_only_while_its_accounts_list_of_that_kind_is_missing() {
        let arn = "arn:aws:iam::123456789012:saml-provider/CorpIdP";
        let mut inv = inv_with(acct("123456789012"));
        let m = identity_provider(&inv, arn).expect("no list: unknown");
        assert_eq!(m.fetch, "aws iam list-saml-providers");
        // An OIDC list says nothing about SAML providers.
        inv.accounts
            .get_mut("123456789012")
            .expect("account")
            .providers_listed
            .insert(ProviderType::Oidc);
        assert!(identity_provider(&inv, arn).is_some());
        inv.accounts
            .get_mut("123456789012")
            .expect("account")
            .providers_listed
            .insert(ProviderType::Saml);
        assert_eq!(
            identity_provider(&inv, arn),
            None,
            "listed and absent: not registered"
        );
        // A provider in the data is known whatever the lists say.
        let mut inv = inv_with(acct("123456789012"));
        inv.identity_providers.push(IdentityProvider {
            arn: arn.to_owned(),
            account: "123456789012".to_owned(),
            provider_type: ProviderType::Saml,
            url: None,
            client_ids: Vec::new(),
            thumbprints: Vec::new(),
        });
        assert_eq!(identity_provider(&inv, arn), None);
    }

    #[test]
    fn a_failed_collection_call_makes_its_part_missing_whatever_was_loaded() {
        let mut a = acct("123456789012");
        a.loaded.insert(DataPart::IdentityProviders);
        a.not_collected.push(NotCollected {
            part: DataPart::IdentityProviders,
            call: "iam list-saml-providers".to_owned(),
            region: None,
            message: "AccessDenied".to_owned(),
        });
        let inv = inv_with(a);
        let m = identity_provider(&inv, "arn:aws:iam::123456789012:saml-provider/X")
            .expect("not collected");
        assert!(m.what.contains("AccessDenied"), "{}", m.what);
    }

    #[test]
    fn scps_of_a_member_account_are_missing_until_a_level_is_loaded() {
        let mut a = acct("222222222222");
        assert_eq!(scps(&a), None, "not known to be in an organisation");
        a.organization = Some(OrgMembership {
            org_id: "o-abc".to_owned(),
            management_account_id: Some("111111111111".to_owned()),
            is_management_account: false,
            parents: Vec::new(),
            enabled_policy_types: Vec::new(),
            scps_by_level: Vec::new(),
            rcps_by_level: Vec::new(),
        });
        let m = scps(&a).expect("member without SCPs");
        assert_eq!(m.fetch, "rolescope collect --org");
        a.loaded.insert(DataPart::Scps);
        if let Some(o) = a.organization.as_mut() {
            o.scps_by_level.push(OrgPolicyLevel {
                target: "r-root".to_owned(),
                policies: Vec::new(),
                summaries: Vec::new(),
            });
        }
        assert_eq!(scps(&a), None);
    }

    #[test]
    fn resource_policies_matter_only_for_services_that_have_them() {
        let inv = inv_with(acct("123456789012"));
        let bucket = "arn:aws:s3:::reports/2026/q1.csv";
        let m = resource_policy(&inv, bucket, Some("123456789012"), "us-east-1")
            .expect("bucket policy not loaded");
        assert_eq!(m.fetch, "aws s3api get-bucket-policy --bucket reports");
        assert_eq!(
            resource_policy(
                &inv,
                "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
                Some("123456789012"),
                "us-east-1"
            ),
            None
        );
        let mut a = acct("123456789012");
        a.loaded.insert(DataPart::ResourcePolicies);
        let inv = inv_with(a);
        assert_eq!(
            resource_policy(&inv, bucket, Some("123456789012"), "us-east-1"),
            None
        );
    }
}
