//! The glossary: the terms a class about IAM roles meets, each in a sentence or two, in
//! rolescope's own words. Lessons name terms to review in their recap; the explorer's
//! glossary overlay and `rolescope lessons --glossary` show the list.
//!
//! Every entry states what AWS documents; the source of each claim that is easy to get
//! wrong is named in the comment beside it (IAM User Guide page titles).

/// (term, explanation), alphabetical (case-insensitive).
pub const TERMS: &[(&str, &str)] = &[
    (
        "AssumeRole",
        // IAM UG "How IAM roles differ from resource-based policies"; "AWS JSON policy
        // elements: Principal" (an account principal delegates to the account's policies).
        "The STS call that trades a caller's credentials for a role session. The role's trust policy must let the caller in. When the trust names the caller's account (arn:aws:iam::ACCOUNT:root) rather than the caller, the caller's own policy must also allow sts:AssumeRole on the role — in the same account too; a caller in another account always needs that permission.",
    ),
    (
        "Confused deputy",
        "A service or third party tricked into using its access on behalf of the wrong customer. Guarded against with an external ID (third parties) or aws:SourceAccount / aws:SourceArn conditions (AWS services).",
    ),
    (
        "Cross-account role",
        "A role in one account (the trusting account) whose trust policy names principals of another account (the trusted account).",
    ),
    (
        "Eventual consistency",
        "IAM stores a change at once but it reaches every endpoint a little later; right after a change, calls may still get the old answer. A trust edit does not end sessions already issued.",
    ),
    (
        "External ID",
        // IAM UG "Access to AWS accounts owned by third parties" (How to use an external ID).
        "A value the third party generates, unique for each of its customers, that the customer's role trust requires (sts:ExternalId) and the third party passes on every AssumeRole for that customer. It is not a secret: it stops a multi-tenant third party from being pointed at your role by another of its customers.",
    ),
    (
        "Federation",
        "Signing in with an identity kept outside AWS (a corporate directory via SAML, an OIDC provider) and getting a role session for it, with no IAM user. For people, AWS recommends federation, usually through IAM Identity Center, over IAM users.",
    ),
    (
        "Identity Center",
        "IAM Identity Center: where people sign in once (its own directory or a corporate one) and pick an account and a permission set; it creates AWSReservedSSO_* roles in each account and hands out their sessions through the access portal. AWS recommends it over IAM users for people.",
    ),
    (
        "Instance profile",
        // IAM UG "Roles terms and concepts": a special type of service role.
        "The container that hands a role to an EC2 instance; the role is a special type of service role, and applications on the instance get its credentials from the instance metadata service. A running instance's profile can be replaced without relaunching it.",
    ),
    (
        "Maximum session duration",
        // IAM UG "Update the maximum session duration for a role".
        "A role's setting, 1 to 12 hours (one hour by default): the longest session an AssumeRole* call may ask for. Asking for more is refused, not shortened. It does not bound sessions a service makes, and console switch-role sessions last one hour.",
    ),
    (
        "MFA",
        // IAM UG "AWS global condition context keys" (aws:MultiFactorAuthPresent).
        "Multi-factor authentication. A trust can require aws:MultiFactorAuthPresent. The key is absent for calls signed with long-term access keys, so deny with BoolIfExists (not Bool) false; aws:MultiFactorAuthAge is the seconds since the MFA sign-in.",
    ),
    (
        "PassRole",
        "iam:PassRole: the permission to hand a role to a service (a role in an instance profile at launch, a Lambda function's execution role). Without it on that role the launch or the function's creation fails. The role's trust is checked when the service assumes it: an EC2 instance still starts with a role that does not trust EC2, and only its credentials never come.",
    ),
    (
        "Permission set",
        "In IAM Identity Center, a template of policies; assigning it to a person for an account creates an AWSReservedSSO_<set>_<id> role there, which only Identity Center may change.",
    ),
    (
        "Permissions boundary",
        // IAM UG "Permissions boundaries for IAM entities".
        "A managed policy set on a user or role as a ceiling for its identity-based policies: an identity-based grant works only if the boundary allows it too. Within an account, a resource policy naming the user or the session ARN grants past the boundary.",
    ),
    (
        "Permissions policy",
        "What a user, group or role may do: inline or managed policies without a Principal element.",
    ),
    (
        "Principal",
        "Who makes a request: an account root, an IAM user, a role session, a federated user, an AWS service. In a policy, naming an account means \"whoever that account's own policies allow\", not everyone in it and not its root user.",
    ),
    (
        "RCP",
        "Resource control policy: an organisation's guardrail on what may be done to resources of its member accounts, whoever calls — for the services that support RCPs (S3, STS, KMS, SQS, Secrets Manager and some since), never the management account's resources. Like an SCP it never grants.",
    ),
    (
        "Resource-based policy",
        "A policy attached to a resource (a bucket, a key, a role's trust policy) that names principals. An explicit deny in it wins over every allow.",
    ),
    (
        "Revocation",
        // IAM UG "Revoke IAM role temporary security credentials".
        "STS has no call that ends an issued session. \"Revoke active sessions\" attaches the inline policy AWSRevokeOlderSessions to the role: a deny of every action for sessions whose aws:TokenIssueTime is before that moment; new sessions work. A leaked session key works until it expires (up to 12 hours) unless revoked.",
    ),
    (
        "Role",
        "An identity with permissions but no credentials of its own; whoever its trust policy allows can assume it for a while.",
    ),
    (
        "Role chaining",
        // IAM UG "Roles terms and concepts" (Role chaining).
        "Using a role session to assume another role. A chained session lasts at most one hour: asking for more than 3600 seconds is refused, not shortened.",
    ),
    (
        "Role session",
        "The temporary identity a successful AssumeRole creates: arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, with credentials that expire.",
    ),
    (
        "Roles Anywhere",
        "IAM Roles Anywhere: workloads outside AWS present an X.509 certificate from a registered certificate authority (a trust anchor) and sign with its private key, which they still hold; a profile names the roles they may get.",
    ),
    (
        "SCP",
        "Service control policy: an organisation's guardrail on what principals of member accounts may do. It never grants anything.",
    ),
    (
        "Service role",
        "A role an AWS service assumes to act for you; its trust names the service principal (lambda.amazonaws.com, …). You create and edit it.",
    ),
    (
        "Service-linked role",
        // IAM UG "Create a service-linked role", "Roles terms and concepts".
        "A role a service creates and owns in your account, under /aws-service-role/. Only that service assumes it and the service decides what you may edit (the description always); it takes no permissions boundary, its sessions cannot be revoked, and it can be deleted only once the service's resources are gone.",
    ),
    (
        "Session policy",
        "A policy passed when a session is created (AssumeRole's Policy and PolicyArns, also with SAML, web identity and GetFederationToken): the session may do only what both the role's policies and the session policy allow. It never widens the role; a resource policy naming the session's ARN still grants on its own.",
    ),
    (
        "Session tags",
        // IAM UG "Pass session tags in AWS STS".
        "Key-value tags passed when assuming a role; they become principal tags of the session. Passing them needs sts:TagSession in the caller's policy and the trust; transitive ones carry on down a chain, each hop needing sts:TagSession again.",
    ),
    (
        "Source identity",
        // IAM UG "Monitor and control actions taken with assumed roles".
        "A name set when a session is first created (often the person's); it stays with every later session of the chain and cannot be changed — each hop needs sts:SetSourceIdentity in the caller's policy and the next trust, or the call fails.",
    ),
    (
        "STS",
        "AWS Security Token Service: issues temporary credentials (AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity).",
    ),
    (
        "Trust anchor",
        "In IAM Roles Anywhere, the certificate authority a workload's certificate must chain to. A role used this way trusts rolesanywhere.amazonaws.com for sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity, and can check aws:SourceArn (the anchor) and the certificate's fields, which arrive as principal tags.",
    ),
    (
        "Trust policy",
        "The resource-based policy of a role: who may assume it, under which conditions.",
    ),
    (
        "Trust profile",
        "In IAM Roles Anywhere (where it is simply called a profile): the roles a certificate may get sessions for, with managed or inline session policies that narrow them and the session length; each CreateSession names a profile, a role and a trust anchor.",
    ),
    (
        "Trusted / trusting account",
        "In delegation, the trusting account owns the role and the resources; the trusted account holds the people or programs that assume it.",
    ),
    (
        "User",
        "An IAM identity for one person or program, with long-term credentials (password, access keys) that work until changed or removed.",
    ),
    (
        "Web identity",
        "AssumeRoleWithWebIdentity: an OIDC token (GitHub Actions, EKS, Cognito, Google) traded for a role session.",
    ),
];

/// Where AWS documents each term: (term, page title, address). Every term has one.
pub const SOURCES: &[(&str, &str, &str)] = &[
    (
        "AssumeRole",
        "IAM User Guide, AWS JSON policy elements: Principal",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
    ),
    (
        "Confused deputy",
        "IAM User Guide, The confused deputy problem",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
    ),
    (
        "Cross-account role",
        "IAM User Guide, Access for an IAM user in another AWS account that you own",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html",
    ),
    (
        "Eventual consistency",
        "IAM User Guide, Troubleshoot general issues (changes that I make are not always immediately visible)",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html",
    ),
    (
        "External ID",
        "IAM User Guide, Access to AWS accounts owned by third parties",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html",
    ),
    (
        "Federation",
        "IAM User Guide, Identity providers and federation",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers.html",
    ),
    (
        "Identity Center",
        "IAM Identity Center User Guide, What is IAM Identity Center?",
        "https://docs.aws.amazon.com/singlesignon/latest/userguide/what-is.html",
    ),
    (
        "Instance profile",
        "IAM User Guide, Use instance profiles",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html",
    ),
    (
        "Maximum session duration",
        "IAM User Guide, Update the maximum session duration for a role",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html",
    ),
    (
        "MFA",
        "IAM User Guide, AWS global condition context keys (aws:MultiFactorAuthPresent)",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
    ),
    (
        "PassRole",
        "IAM User Guide, Grant a user permissions to pass a role to an AWS service; Troubleshoot IAM and Amazon EC2",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
    ),
    (
        "Permission set",
        "IAM Identity Center User Guide, Permission sets",
        "https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html",
    ),
    (
        "Permissions boundary",
        "IAM User Guide, Permissions boundaries for IAM entities",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
    ),
    (
        "Permissions policy",
        "IAM User Guide, Policies and permissions in IAM",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html",
    ),
    (
        "Principal",
        "IAM User Guide, AWS JSON policy elements: Principal",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
    ),
    (
        "RCP",
        "AWS Organizations User Guide, Resource control policies (RCPs)",
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html",
    ),
    (
        "Resource-based policy",
        "IAM User Guide, Identity-based policies and resource-based policies",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html",
    ),
    (
        "Revocation",
        "IAM User Guide, Revoke IAM role temporary security credentials",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html",
    ),
    (
        "Role",
        "IAM User Guide, IAM roles",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html",
    ),
    (
        "Role chaining",
        "IAM User Guide, Roles terms and concepts (Role chaining)",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html",
    ),
    (
        "Role session",
        "IAM User Guide, Roles terms and concepts",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html",
    ),
    (
        "Roles Anywhere",
        "IAM Roles Anywhere User Guide, Trust model",
        "https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html",
    ),
    (
        "SCP",
        "AWS Organizations User Guide, Service control policies (SCPs)",
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html",
    ),
    (
        "Service role",
        "IAM User Guide, Roles terms and concepts (Service role)",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html",
    ),
    (
        "Service-linked role",
        "IAM User Guide, Create a service-linked role",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create-service-linked-role.html",
    ),
    (
        "Session policy",
        "IAM User Guide, Policies and permissions in IAM (Session policies)",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session",
    ),
    (
        "Session tags",
        "IAM User Guide, Pass session tags in AWS STS",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html",
    ),
    (
        "Source identity",
        "IAM User Guide, Monitor and control actions taken with assumed roles",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html",
    ),
    (
        "STS",
        "AWS STS API Reference, Welcome",
        "https://docs.aws.amazon.com/STS/latest/APIReference/welcome.html",
    ),
    (
        "Trust anchor",
        "IAM Roles Anywhere User Guide, Trust model",
        "https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html",
    ),
    (
        "Trust policy",
        "IAM User Guide, Roles terms and concepts (Trust policy)",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html",
    ),
    (
        "Trust profile",
        "IAM Roles Anywhere User Guide, Trust model (Profiles)",
        "https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html",
    ),
    (
        "Trusted / trusting account",
        "IAM User Guide, Access for an IAM user in another AWS account that you own",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html",
    ),
    (
        "User",
        "IAM User Guide, IAM users",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users.html",
    ),
    (
        "Web identity",
        "IAM User Guide, OIDC federation",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc.html",
    ),
];

/// The page that documents `term` (case-insensitive): (title, address).
#[must_use]
pub fn source(term: &str) -> Option<(&'static str, &'static str)> {
    SOURCES
        .iter()
        .find(|(t, _, _)| t.eq_ignore_ascii_case(term.trim()))
        .map(|(_, title, url)| (*title, *url))
}

/// The line that cites the page documenting `term`, as every face prints it under the
/// explanation: `source: TITLE <URL>`.
#[must_use]
pub fn source_line(term: &str) -> Option<String> {
    source(term).map(|(title, url)| format!("source: {title} <{url}>"))
}

/// The explanation of `term` (case-insensitive).
#[must_use]
pub fn lookup(term: &str) -> Option<&'static str> {
    TERMS
        .iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(term.trim()))
        .map(|(_, e)| *e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_in_alphabetical_order_and_unique() {
        let names: Vec<String> = TERMS.iter().map(|(t, _)| t.to_lowercase()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
    }

    /// The classroom terms a trainer asked for are all there.
    #[test]
    fn classroom_terms_are_present() {
        for t in [
            "Identity Center",
            "Permission set",
            "Session policy",
            "RCP",
            "PassRole",
            "Trust anchor",
            "Trust profile",
            "Revocation",
        ] {
            assert!(lookup(t).is_some(), "{t}");
        }
    }

    /// Every term names the AWS page that documents it.
    #[test]
    fn every_term_cites_an_aws_page() {
        for (t, _) in TERMS {
            let (title, url) = source(t).unwrap_or_else(|| panic!("{t} has no source"));
            assert!(!title.is_empty(), "{t}");
            assert!(
                url.starts_with("https://docs.aws.amazon.com/"),
                "{t}: {url}"
            );
        }
        assert_eq!(
            SOURCES.len(),
            TERMS.len(),
            "a source for a term that is not there"
        );
    }

    /// IAM UG "Roles terms and concepts": chaining with DurationSeconds above one hour
    /// fails; "How to use an external ID": the third party generates it.
    #[test]
    fn entries_say_what_aws_documents() {
        assert!(lookup("role chaining").is_some_and(|e| e.contains("refused")));
        assert!(lookup("External ID").is_some_and(|e| e.contains("generates")));
        assert!(lookup("AssumeRole").is_some_and(|e| e.contains("same account too")));
        assert!(lookup("MFA").is_some_and(|e| e.contains("BoolIfExists")));
        // IAM UG "Revoke IAM role temporary security credentials".
        assert!(lookup("Revocation").is_some_and(
            |e| e.contains("AWSRevokeOlderSessions") && e.contains("aws:TokenIssueTime")
        ));
        // IAM Roles Anywhere UG "Trust model": the three actions a role's trust must allow.
        assert!(
            lookup("Trust anchor").is_some_and(
                |e| e.contains("sts:SetSourceIdentity") && e.contains("sts:TagSession")
            )
        );
        // Organizations UG "Resource control policies": not the management account.
        assert!(lookup("RCP").is_some_and(|e| e.contains("management account")));
        // IAM UG "Session policies": a resource policy naming the session still grants.
        assert!(lookup("Session policy").is_some_and(|e| e.contains("naming the session")));
    }
}
