//! Which service trusts are open to a cross-service confused deputy.
//!
//! A service is a confused deputy when another customer can make it act with *your* role:
//! they configure the service (in their own account) with your role's ARN, and the service
//! assumes it. That needs a service that takes a role ARN from a request and assumes it
//! without the requester passing the role with `iam:PassRole` — `iam:PassRole` is evaluated
//! in the requester's account and cannot pass a role of another account, so services that
//! receive roles through it (EC2 instance profiles, Lambda execution roles, ECS tasks, Glue,
//! Step Functions, CodeBuild, …) cannot be pointed at a role of another customer, and a
//! condition on `aws:SourceAccount`/`aws:SourceArn` adds nothing there; on some it breaks the
//! role, because the service does not send those keys when it assumes it
//! (prowler-cloud/prowler #2810, #7021, #4714).
//!
//! The services below are those whose AWS documentation tells customers to pin the roles
//! they assume with `aws:SourceArn`/`aws:SourceAccount` (or an external ID) in the role's
//! trust policy, because the service assumes a role named by ARN in a request; the list and
//! its sources are in docs/trust-graph.md. A trust of one of them with none of
//! [`PINNING_KEYS`] in the statement is a finding; other service trusts are not.

/// Services that assume a customer's role by the ARN given in a request, each with the page
/// that recommends pinning the trust policy.
pub const BY_ARN: [(&str, &str); 4] = [
    (
        "personalize.amazonaws.com",
        "https://docs.aws.amazon.com/personalize/latest/dg/cross-service-confused-deputy-prevention.html",
    ),
    (
        "iot.amazonaws.com",
        "https://docs.aws.amazon.com/iot/latest/developerguide/cross-service-confused-deputy-prevention.html",
    ),
    (
        "frauddetector.amazonaws.com",
        "https://docs.aws.amazon.com/frauddetector/latest/ug/confused-deputy-prevention.html",
    ),
    (
        "cognito-idp.amazonaws.com",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cognito-userpool-smsconfiguration.html",
    ),
];

/// The condition keys that tie a deputy's call to one customer: the resource or account it
/// acts for, or an external ID the customer chose.
pub const PINNING_KEYS: [&str; 5] = [
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "sts:externalid",
];

/// True when `service` (a service principal, any case) assumes customers' roles by ARN
/// without `iam:PassRole`, so a trust of it needs a pinning condition.
#[must_use]
pub fn assumes_by_arn(service: &str) -> bool {
    BY_ARN.iter().any(|(s, _)| s.eq_ignore_ascii_case(service))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_that_receive_roles_through_pass_role_are_not_deputies_prowler_2810() {
        for s in [
            "ec2.amazonaws.com",
            "lambda.amazonaws.com",
            "ecs-tasks.amazonaws.com",
            "glue.amazonaws.com",
            "states.amazonaws.com",
            "codebuild.amazonaws.com",
        ] {
            assert!(!assumes_by_arn(s), "{s}");
        }
    }

    #[test]
    fn services_documented_to_assume_by_arn_are() {
        assert!(assumes_by_arn("personalize.amazonaws.com"));
        assert!(assumes_by_arn("IoT.amazonaws.com"));
    }
}
