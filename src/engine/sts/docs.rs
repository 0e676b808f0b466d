//! The public AWS documentation pages that explanations and fixes cite, by the names users
//! can look up (the guide, then the page's title as AWS publishes it). Code comments beside
//! each use keep the reference to the rulebook section the check implements.

/// AWS STS API Reference, `AssumeRole` (its parameters, limits and errors).
pub const STS_ASSUME_ROLE: &str = "AWS STS API Reference: AssumeRole";
/// AWS STS API Reference, `AssumeRoleWithWebIdentity`.
pub const STS_ASSUME_ROLE_WEB_IDENTITY: &str = "AWS STS API Reference: AssumeRoleWithWebIdentity";
/// AWS STS API Reference, `AssumeRoleWithSAML`.
pub const STS_ASSUME_ROLE_SAML: &str = "AWS STS API Reference: AssumeRoleWithSAML";
/// AWS STS API Reference, the errors every action can return (`ExpiredToken`).
pub const STS_COMMON_ERRORS: &str = "AWS STS API Reference: Common Errors";
/// Who may call which STS operation with which credentials.
pub const UG_TEMP_CREDENTIALS: &str = "IAM User Guide: Request temporary security credentials";
/// Role chaining and its one-hour cap; which credentials count as chaining.
pub const UG_ROLE_TERMS: &str = "IAM User Guide: Roles terms and concepts (Role chaining)";
/// Activating STS in a Region for the account that owns the role.
pub const UG_STS_REGIONS: &str = "IAM User Guide: Manage AWS STS in an AWS Region";
/// Session tags, transitive tags and chaining with them.
pub const UG_SESSION_TAGS: &str = "IAM User Guide: Pass session tags in AWS STS";
/// Source identity.
pub const UG_SOURCE_IDENTITY: &str =
    "IAM User Guide: Monitor and control actions taken with assumed roles";
/// MFA in API requests (`aws:MultiFactorAuthPresent`).
pub const UG_MFA_API: &str = "IAM User Guide: Secure API access with MFA";
/// The global condition keys (`aws:PrincipalArn`, `aws:SourceIdentity`…).
pub const UG_GLOBAL_KEYS: &str = "IAM User Guide: AWS global condition context keys";
/// The `Principal` element (trust policies naming principals).
pub const UG_PRINCIPAL: &str = "IAM User Guide: IAM JSON policy elements: Principal";
/// The evaluation logic within one account.
pub const UG_EVALUATION: &str = "IAM User Guide: Policy evaluation logic";
/// The evaluation logic across accounts.
pub const UG_CROSS_ACCOUNT: &str = "IAM User Guide: Cross-account policy evaluation logic";
/// Permissions boundaries.
pub const UG_BOUNDARIES: &str = "IAM User Guide: Permissions boundaries for IAM entities";
/// Session policies.
pub const UG_SESSION_POLICIES: &str = "IAM User Guide: Policies and permissions in AWS Identity and Access Management (Session policies)";
/// Service control policies.
pub const ORG_SCPS: &str = "AWS Organizations User Guide: Service control policies (SCPs)";
/// Resource control policies.
pub const ORG_RCPS: &str = "AWS Organizations User Guide: Resource control policies (RCPs)";
/// OIDC identity providers in IAM.
pub const UG_OIDC_PROVIDER: &str =
    "IAM User Guide: Create an OpenID Connect (OIDC) identity provider in IAM";
/// SAML assertions for AWS.
pub const UG_SAML_ASSERTIONS: &str =
    "IAM User Guide: Configure SAML assertions for the authentication response";
/// EC2 instance profiles.
pub const UG_INSTANCE_PROFILES: &str = "IAM User Guide: Use instance profiles";
