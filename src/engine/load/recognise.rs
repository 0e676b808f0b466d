//! Telling what a file is when it is not something rolescope loads: the outputs of other AWS
//! CLI commands, other tools' files (cloudsplaining, Terraform, CloudFormation), YAML, and a
//! bare policy document. Each gets a name and the next step, so that nothing a user passes
//! loads silently as nothing.
//!
//! Only called once a file has failed to be an export, so it may take its time.

use serde_json::Value;

use super::policy_file;
use crate::engine::policy::PolicyUse;

/// A file's shape that rolescope recognises but does not load: what it is, and what to load
/// instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unused {
    pub what: String,
    pub instead: String,
}

fn unused(what: &str, instead: &str) -> Option<Unused> {
    Some(Unused {
        what: what.to_owned(),
        instead: instead.to_owned(),
    })
}

const EXPORT: &str = "load the output of `aws iam get-account-authorization-details`, which holds every role, user, group and policy with its documents";

/// What `value` (a whole file) is, when it is a shape rolescope knows but does not load.
#[must_use]
pub fn unused_shape(value: &Value) -> Option<Unused> {
    let Value::Object(obj) = value else {
        return None;
    };
    let has = |k: &str| obj.contains_key(k);
    if has("Statement") {
        return unused(
            "a policy document, not account data",
            "to evaluate a request against it, pass it to `rolescope authorize` with `--resource-policy` or `--scp`",
        );
    }
    if has("AttachedPolicies") {
        return unused(
            "the output of `aws iam list-attached-role-policies` (or its user or group form), which names policies without their documents",
            EXPORT,
        );
    }
    if has("PolicyNames") {
        return unused(
            "the output of `aws iam list-role-policies` (or its user or group form), which names inline policies without their documents",
            EXPORT,
        );
    }
    if has("Users") || has("User") || has("Groups") || has("Group") {
        return unused(
            "the output of `aws iam list-users`, `get-user`, `list-groups` or `get-group`, which lacks the policies",
            EXPORT,
        );
    }
    if has("Credentials") && (has("AssumedRoleUser") || has("FederatedUser")) {
        return unused(
            "the output of an `aws sts` call (temporary credentials), not account data",
            "rolescope simulates such calls itself: try `rolescope assume`",
        );
    }
    if has("Account") && has("UserId") && has("Arn") {
        return unused(
            "the output of `aws sts get-caller-identity`, not account data",
            EXPORT,
        );
    }
    if has("PolicyVersion") || has("Versions") {
        return unused(
            "the output of `aws iam get-policy-version` or `list-policy-versions`, one policy out of its account",
            "pass one version's document with `--resource-policy` or `--scp`, or load the account's `aws iam get-account-authorization-details` output",
        );
    }
    if has("customer_managed_policies") || has("aws_managed_policies") {
        return unused(
            "a cloudsplaining results file, which holds its findings rather than the account",
            "load the authorization details file cloudsplaining downloaded (`cloudsplaining download` writes it), or the output of `aws iam get-account-authorization-details`",
        );
    }
    if has("format_version") && (has("planned_values") || has("resource_changes")) {
        return unused(
            "a Terraform plan (`terraform show -json`), which describes changes, not what the account holds",
            "apply it and export the account with `aws iam get-account-authorization-details`",
        );
    }
    if has("terraform_version") && has("resources") {
        return unused(
            "a Terraform state file, which holds Terraform's view of some resources",
            EXPORT,
        );
    }
    let cfn_resources = obj
        .get("Resources")
        .and_then(Value::as_object)
        .is_some_and(|r| {
            r.values().any(|v| {
                v.get("Type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.starts_with("AWS::"))
            })
        });
    if has("AWSTemplateFormatVersion") || cfn_resources {
        return unused(
            "an AWS CloudFormation template, which describes resources to create",
            "deploy it and export the account with `aws iam get-account-authorization-details`",
        );
    }
    if let Some(policies) = obj.get("Policies").and_then(Value::as_array) {
        return policy_listing(policies);
    }
    // The output of a command that prints one resource policy (get-bucket-policy, …).
    let text = value.to_string();
    let path = std::path::Path::new("-");
    for usage in [PolicyUse::ResourceBased, PolicyUse::ServiceControlPolicy] {
        if let Ok(file) = policy_file::from_text(path, &text, usage)
            && let Some(command) = file.command
        {
            let option = if usage == PolicyUse::ServiceControlPolicy {
                "--scp"
            } else {
                "--resource-policy"
            };
            return Some(Unused {
                what: format!("the output of `{command}`, one policy rather than account data"),
                instead: format!(
                    "pass it to `rolescope authorize` with `{option}`, or load the account's `aws iam get-account-authorization-details` output"
                ),
            });
        }
    }
    None
}

/// `Policies` without documents: `aws iam list-policies` or `aws organizations list-policies`.
#[must_use]
pub fn policy_listing(policies: &[Value]) -> Option<Unused> {
    let first = policies.first()?;
    if policies
        .iter()
        .any(|p| p.get("PolicyVersionList").is_some())
    {
        return None;
    }
    let organizations = first.get("Type").is_some()
        || first.get("AwsManaged").is_some()
        || first
            .get("Arn")
            .and_then(Value::as_str)
            .is_some_and(|a| a.starts_with("arn:aws:organizations:"));
    if organizations {
        unused(
            "the output of `aws organizations list-policies`, which names the organisation's policies without their content",
            "pass each SCP with `--scp` as printed by `aws organizations describe-policy --policy-id ID`, or put the organisation in a bundle under `Organization`",
        )
    } else {
        unused(
            "the output of `aws iam list-policies`, which names managed policies without their documents",
            EXPORT,
        )
    }
}

/// True when `text`, which is not JSON, reads as YAML: a document marker, or a first
/// meaningful line that is a `key:` mapping entry.
#[must_use]
pub fn looks_like_yaml(text: &str) -> bool {
    let Some(line) = text
        .lines()
        .map(str::trim_end)
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    else {
        return false;
    };
    if line == "---" || line.starts_with("--- ") || line.starts_with("%YAML") {
        return true;
    }
    let Some((key, _)) = line.split_once(':') else {
        return false;
    };
    let key = key.trim().trim_matches(['"', '\'']);
    !key.is_empty()
        && !line.starts_with(['{', '['])
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_is_told_from_json_and_text() {
        assert!(looks_like_yaml("---\nRoles: []\n"));
        assert!(looks_like_yaml(
            "# exported\nAWSTemplateFormatVersion: '2010-09-09'\n"
        ));
        assert!(looks_like_yaml("RoleDetailList:\n- Arn: x\n"));
        assert!(!looks_like_yaml("{\"Roles\": []}"));
        assert!(!looks_like_yaml("hello world"));
        assert!(!looks_like_yaml(""));
    }
}
