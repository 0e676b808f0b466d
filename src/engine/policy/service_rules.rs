//! Rules a service applies on top of the general evaluation logic: requests whose answer
//! does not come from the policies alone.
//!
//! - `sts:GetCallerIdentity` needs no permission and cannot be denied, even by an explicit
//!   deny [STS-API GetCallerIdentity] (IAM-RULES §2.4).
//! - A KMS key's key policy must allow the caller, directly or by naming its account (then
//!   the identity policies must allow too); an identity policy alone never opens a key, even
//!   in the same account [UG:reference_policies_evaluation-logic] "IAM role trust policies
//!   and KMS key policies are exceptions" (IAM-RULES §4.1).
//! - Resources AWS owns cannot be changed by any principal, whatever the policies say:
//!   AWS managed policies (`arn:aws:iam::aws:policy/…`, "you cannot change the permissions
//!   defined in AWS managed policies" [UG:access_policies_managed-vs-inline]); roles under
//!   `/aws-reserved/` (IAM Identity Center's `AWSReservedSSO_*`, edited only through Identity
//!   Center); the trust, permissions and boundary of service-linked roles (IAM-RULES §7.1);
//!   and KMS aliases under `alias/aws/`, reserved for AWS managed keys [KMS CreateAlias].
//!
//! The evaluator asks [`rule_for`] once per request and applies the answer; everything else
//! is the general logic in `evaluate`.

use super::pattern::ArnParts;
use super::principal::{Principal, PrincipalType};

/// What a service adds to the general evaluation of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ServiceRule {
    /// The general logic decides.
    None,
    /// Always allowed for an authenticated caller; the reason says why.
    AlwaysAllowed(&'static str),
    /// The resource's own policy must allow the caller (as a role trust policy must).
    ResourcePolicyRequired(&'static str),
    /// No policy can allow it; the reason names the owner.
    AwsOwned(String),
}

const MANAGED_POLICY_WRITES: &[&str] = &[
    "iam:createpolicy",
    "iam:createpolicyversion",
    "iam:deletepolicy",
    "iam:deletepolicyversion",
    "iam:setdefaultpolicyversion",
    "iam:tagpolicy",
    "iam:untagpolicy",
];

const RESERVED_ROLE_WRITES: &[&str] = &[
    "iam:attachrolepolicy",
    "iam:createrole",
    "iam:createservicelinkedrole",
    "iam:deleterole",
    "iam:deleterolepermissionsboundary",
    "iam:deleterolepolicy",
    "iam:deleteservicelinkedrole",
    "iam:detachrolepolicy",
    "iam:passrole",
    "iam:putrolepermissionsboundary",
    "iam:putrolepolicy",
    "iam:tagrole",
    "iam:untagrole",
    "iam:updateassumerolepolicy",
    "iam:updaterole",
    "iam:updateroledescription",
];

/// What cannot be changed on a service-linked role: its trust, its permissions and a
/// boundary (only its description can be edited, and it is deleted through
/// `DeleteServiceLinkedRole`) [IAM-API PutRolePermissionsBoundary], [UG:using-service-linked-roles].
const SERVICE_LINKED_ROLE_WRITES: &[&str] = &[
    "iam:attachrolepolicy",
    "iam:deleterole",
    "iam:deleterolepermissionsboundary",
    "iam:deleterolepolicy",
    "iam:detachrolepolicy",
    "iam:putrolepermissionsboundary",
    "iam:putrolepolicy",
    "iam:updateassumerolepolicy",
];

const KMS_ALIAS_WRITES: &[&str] = &["kms:createalias", "kms:deletealias", "kms:updatealias"];

/// The rule for `action_lower` (already lowercased) on `resource` by `principal`.
pub(crate) fn rule_for(action_lower: &str, resource: &str, principal: &Principal) -> ServiceRule {
    let Some((service, _)) = action_lower.split_once(':') else {
        return ServiceRule::None;
    };
    match service {
        "sts"
            if action_lower == "sts:getcalleridentity"
                && principal.kind != PrincipalType::Anonymous =>
        {
            ServiceRule::AlwaysAllowed(
                "sts:GetCallerIdentity needs no permission, and no policy can deny it",
            )
        }
        "iam" => iam_rule(action_lower, resource),
        "kms" => kms_rule(action_lower, resource),
        _ => ServiceRule::None,
    }
}

fn iam_rule(action_lower: &str, resource: &str) -> ServiceRule {
    let arn = ArnParts::new(resource);
    let (Some(account), Some(rest)) = (arn.field(4), arn.field(5)) else {
        return ServiceRule::None;
    };
    if account == "aws"
        && rest.starts_with("policy/")
        && MANAGED_POLICY_WRITES.contains(&action_lower)
    {
        return ServiceRule::AwsOwned(format!(
            "`{resource}` is an AWS managed policy; AWS maintains it and no account can change it"
        ));
    }
    let Some(role_path) = rest.strip_prefix("role/") else {
        return ServiceRule::None;
    };
    if role_path.starts_with("aws-reserved/") && RESERVED_ROLE_WRITES.contains(&action_lower) {
        return ServiceRule::AwsOwned(format!(
            "`{resource}` is reserved by AWS (an IAM Identity Center role); change it through IAM Identity Center"
        ));
    }
    if role_path.starts_with("aws-service-role/")
        && SERVICE_LINKED_ROLE_WRITES.contains(&action_lower)
    {
        return ServiceRule::AwsOwned(format!(
            "`{resource}` is a service-linked role; its trust, permissions and boundary belong to the service, only its description can be edited, and it is deleted with iam:DeleteServiceLinkedRole"
        ));
    }
    ServiceRule::None
}

fn kms_rule(action_lower: &str, resource: &str) -> ServiceRule {
    let arn = ArnParts::new(resource);
    let Some(rest) = arn.field(5) else {
        return ServiceRule::None;
    };
    if rest.starts_with("alias/aws/") && KMS_ALIAS_WRITES.contains(&action_lower) {
        return ServiceRule::AwsOwned(format!(
            "`{resource}` is an alias reserved for an AWS managed key; names beginning with alias/aws/ cannot be created, changed or deleted"
        ));
    }
    if arn.field(2) == Some("kms") && rest.starts_with("key/") {
        return ServiceRule::ResourcePolicyRequired(
            "a KMS key's key policy must allow the caller, directly or by naming its account; an identity-based policy alone never opens a key",
        );
    }
    ServiceRule::None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> Principal {
        Principal::user("arn:aws:iam::111122223333:user/ana", "111122223333")
    }

    #[test]
    fn get_caller_identity_is_always_allowed_for_a_signed_caller_sts_api_get_caller_identity() {
        assert!(matches!(
            rule_for("sts:getcalleridentity", "*", &user()),
            ServiceRule::AlwaysAllowed(_)
        ));
        assert_eq!(
            rule_for("sts:getcalleridentity", "*", &Principal::anonymous()),
            ServiceRule::None
        );
    }

    #[test]
    fn aws_managed_policies_cannot_be_changed_but_can_be_read() {
        let arn = "arn:aws:iam::aws:policy/AdministratorAccess";
        assert!(matches!(
            rule_for("iam:createpolicyversion", arn, &user()),
            ServiceRule::AwsOwned(_)
        ));
        assert_eq!(rule_for("iam:getpolicy", arn, &user()), ServiceRule::None);
        // A customer managed policy of the same name is the account's own.
        let own = "arn:aws:iam::111122223333:policy/AdministratorAccess";
        assert_eq!(
            rule_for("iam:createpolicyversion", own, &user()),
            ServiceRule::None
        );
    }

    #[test]
    fn service_linked_role_trust_and_permissions_belong_to_the_service_iam_rules_7_1() {
        let slr = "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling";
        for action in [
            "iam:updateassumerolepolicy",
            "iam:putrolepermissionsboundary",
        ] {
            assert!(matches!(
                rule_for(action, slr, &user()),
                ServiceRule::AwsOwned(_)
            ));
        }
        // Only its description can be edited.
        assert_eq!(
            rule_for("iam:updateroledescription", slr, &user()),
            ServiceRule::None
        );
    }

    #[test]
    fn identity_center_roles_are_reserved() {
        let sso = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123";
        assert!(matches!(
            rule_for("iam:putrolepolicy", sso, &user()),
            ServiceRule::AwsOwned(_)
        ));
        assert_eq!(rule_for("iam:getrole", sso, &user()), ServiceRule::None);
    }

    #[test]
    fn kms_keys_need_their_key_policy_and_aws_aliases_are_reserved() {
        let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd";
        assert!(matches!(
            rule_for("kms:decrypt", key, &user()),
            ServiceRule::ResourcePolicyRequired(_)
        ));
        assert_eq!(rule_for("kms:listkeys", "*", &user()), ServiceRule::None);
        let alias = "arn:aws:kms:us-east-1:111122223333:alias/aws/s3";
        assert!(matches!(
            rule_for("kms:deletealias", alias, &user()),
            ServiceRule::AwsOwned(_)
        ));
        let own_alias = "arn:aws:kms:us-east-1:111122223333:alias/app";
        assert_eq!(
            rule_for("kms:deletealias", own_alias, &user()),
            ServiceRule::None
        );
    }
}
