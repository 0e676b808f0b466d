//! Reading one policy document from a file given on its own (`--resource-policy`, `--scp`):
//! the document itself, or the output of the AWS CLI command that prints it, whose wrapper
//! is taken off here.
//!
//! A file is all or nothing: any part of the document rolescope cannot read refuses the whole
//! file with its JSON path, because evaluating what is left would answer for a policy other
//! than the one in the file. Checking what AWS would refuse on save is left to
//! `policy::validate`.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::{LoadError, decode, read_limited};
use crate::engine::policy::PolicyUse;
use crate::engine::policy::document::PolicyDocument;

/// Policy files larger than this are refused unless the caller passes another limit. The
/// largest policy AWS stores is a few tens of kilobytes (a KMS key policy, 32 KB), so this
/// leaves room for any command's output around one.
pub const DEFAULT_MAX_POLICY_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A policy document read from a file.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    /// The parsed document, every element read.
    pub document: Arc<PolicyDocument>,
    /// The document as JSON, for validation.
    pub json: Value,
    /// The AWS CLI command whose output the file is, when it was not the bare document.
    pub command: Option<&'static str>,
    /// Where the document sits in the file (`$` for a bare document, `$.Policy` for
    /// `s3api get-bucket-policy`).
    pub json_path: String,
    /// For `organizations describe-policy`: the policy's `Type`
    /// (`SERVICE_CONTROL_POLICY`, `RESOURCE_CONTROL_POLICY`, …).
    pub organization_policy_type: Option<String>,
}

/// The commands whose output is understood, for messages.
const COMMANDS: &str = "`aws s3api get-bucket-policy`, `aws organizations describe-policy`, `aws kms get-key-policy`, `aws sqs get-queue-attributes`, `aws sns get-topic-attributes`, `aws lambda get-policy`, `aws secretsmanager get-resource-policy`, `aws ecr get-repository-policy`, `aws iam get-role` or `aws iam get-policy-version`";

/// Reads the policy document in the file at `path`, reading at most `limit` bytes.
///
/// # Errors
/// The file's reading errors ([`LoadError::NotFound`], [`LoadError::Binary`],
/// [`LoadError::TooLarge`], …), [`LoadError::Syntax`] for malformed JSON, and
/// [`LoadError::Shape`] naming the JSON path of anything in the document that cannot be read.
pub fn read(path: &Path, limit: u64, usage: PolicyUse) -> Result<PolicyFile, LoadError> {
    let data = read_limited(path, limit)?;
    let text = decode::text(path, data)?;
    from_text(path, &text, usage)
}

/// Reads the policy document in `text` (the content of `path`), to be used as `usage`.
///
/// # Errors
/// As [`read`], without the reading errors; also [`LoadError::Shape`] for an organisation
/// policy of another type than `usage` asks for (a tag policy given as an SCP).
pub fn from_text(path: &Path, text: &str, usage: PolicyUse) -> Result<PolicyFile, LoadError> {
    if text.trim().is_empty() {
        return Err(LoadError::EmptyPolicy {
            path: path.to_owned(),
        });
    }
    let value: Value = serde_json::from_str(text).map_err(|e| LoadError::Syntax {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: decode::strip_position(&e.to_string()),
    })?;
    let shape = |json_path: &str, message: String| LoadError::Shape {
        path: path.to_owned(),
        json_path: json_path.to_owned(),
        message,
    };
    let found = find_document(&value).map_err(|(p, m)| shape(&p, m))?;
    let organization_policy_type = value
        .pointer("/Policy/PolicySummary/Type")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(kind) = &organization_policy_type {
        let wanted = match usage {
            PolicyUse::ServiceControlPolicy => "SERVICE_CONTROL_POLICY",
            PolicyUse::ResourceControlPolicy => "RESOURCE_CONTROL_POLICY",
            _ => "",
        };
        if kind != wanted {
            return Err(shape(
                "$.Policy.PolicySummary.Type",
                format!(
                    "this is an organisation policy of type `{kind}`; {}",
                    match usage {
                        PolicyUse::ServiceControlPolicy =>
                            "an SCP is one of type `SERVICE_CONTROL_POLICY`",
                        PolicyUse::ResourceControlPolicy =>
                            "an RCP is one of type `RESOURCE_CONTROL_POLICY`",
                        _ =>
                            "organisation policies are not resource policies; pass it with `--scp` when it is an SCP",
                    }
                ),
            ));
        }
    }
    let (json, in_string) = match found.document {
        Value::String(s) => (
            document_in_string(s).map_err(|m| shape(&found.path, m))?,
            true,
        ),
        other => (other.clone(), false),
    };
    let parsed = PolicyDocument::from_value(&json);
    if let Some(e) = parsed.errors.first() {
        let more = match parsed.errors.len() {
            1 => String::new(),
            n => format!(" (and {} more problems)", n - 1),
        };
        let (json_path, message) = if in_string {
            (
                found.path.clone(),
                format!(
                    "the policy document in this string cannot be read at `{}`: {}{more}; fix the policy and fetch it again",
                    e.path, e.message
                ),
            )
        } else {
            (
                join_path(&found.path, &e.path),
                format!(
                    "{}{more}; rolescope evaluates a policy only when it can read all of it",
                    e.message
                ),
            )
        };
        return Err(shape(&json_path, message));
    }
    let Some(document) = parsed.document else {
        return Err(shape(&found.path, "not a policy document".to_owned()));
    };
    Ok(PolicyFile {
        document: Arc::new(document),
        json,
        command: found.command,
        json_path: found.path,
        organization_policy_type,
    })
}

/// Where the document is in a file's JSON.
struct Found<'v> {
    document: &'v Value,
    path: String,
    command: Option<&'static str>,
}

/// Finds the policy document in the JSON of a file: the value itself when it is a document,
/// or the member where an AWS CLI command puts it. `Err` holds a JSON path and what to do.
fn find_document(value: &Value) -> Result<Found<'_>, (String, String)> {
    let found = |document, path: &str, command| {
        Ok(Found {
            document,
            path: path.to_owned(),
            command: Some(command),
        })
    };
    let Value::Object(obj) = value else {
        return Err((
            "$".to_owned(),
            format!(
                "found {}; a policy file holds a JSON object: the policy document, or the output of {COMMANDS}",
                decode::kind_of(value)
            ),
        ));
    };
    if obj.contains_key("Statement") || obj.contains_key("Version") {
        return Ok(Found {
            document: value,
            path: "$".to_owned(),
            command: None,
        });
    }
    if let Some(policy) = obj.get("Policy") {
        return match policy {
            // organizations describe-policy: {"Policy": {"PolicySummary": {…}, "Content": "…"}}
            Value::Object(p) if p.contains_key("Content") || p.contains_key("PolicySummary") => {
                match p.get("Content") {
                    Some(c) => found(c, "$.Policy.Content", "aws organizations describe-policy"),
                    None => Err((
                        "$.Policy".to_owned(),
                        "this `describe-policy` output has no `Content`; run `aws organizations describe-policy --policy-id ID` without `--query`".to_owned(),
                    )),
                }
            }
            // A bundle's resource-policy entry, or `--query Policy` on a parsed document.
            Value::Object(_) => found(policy, "$.Policy", "a resource policy entry"),
            Value::String(_) => {
                let command = if obj.contains_key("RevisionId") {
                    "aws lambda get-policy"
                } else if obj.contains_key("PolicyName") {
                    "aws kms get-key-policy"
                } else {
                    "aws s3api get-bucket-policy"
                };
                found(policy, "$.Policy", command)
            }
            Value::Null => Err((
                "$.Policy".to_owned(),
                "`Policy` is null: the resource has no policy; with no policy, leave out the option".to_owned(),
            )),
            other => Err((
                "$.Policy".to_owned(),
                format!(
                    "expected the policy as a JSON string or object, found {}",
                    decode::kind_of(other)
                ),
            )),
        };
    }
    if let Some(attributes) = obj.get("Attributes") {
        let command = if attributes.get("TopicArn").is_some() {
            "aws sns get-topic-attributes"
        } else {
            "aws sqs get-queue-attributes"
        };
        return match attributes.get("Policy") {
            Some(p) => found(p, "$.Attributes.Policy", command),
            None => Err((
                "$.Attributes".to_owned(),
                format!(
                    "this `{}` output has no `Policy` attribute: the resource has no policy, or the command was run without it; run it with `--attribute-names Policy` (sqs) or as it is (sns)",
                    command.trim_start_matches("aws ")
                ),
            )),
        };
    }
    if obj.contains_key("ResourcePolicy") || obj.contains_key("ARN") && obj.contains_key("Name") {
        return match obj.get("ResourcePolicy") {
            Some(p @ Value::String(_)) => found(
                p,
                "$.ResourcePolicy",
                "aws secretsmanager get-resource-policy",
            ),
            _ => Err((
                "$.ResourcePolicy".to_owned(),
                "this `secretsmanager get-resource-policy` output has no `ResourcePolicy`: the secret has no policy".to_owned(),
            )),
        };
    }
    if let Some(p) = obj.get("policyText") {
        return found(p, "$.policyText", "aws ecr get-repository-policy");
    }
    if let Some(p) = obj
        .get("Role")
        .and_then(|r| r.get("AssumeRolePolicyDocument"))
    {
        return found(p, "$.Role.AssumeRolePolicyDocument", "aws iam get-role");
    }
    if let Some(p) = obj.get("PolicyVersion").and_then(|v| v.get("Document")) {
        return found(p, "$.PolicyVersion.Document", "aws iam get-policy-version");
    }
    if let Some(p) = obj.get("PolicyDocument") {
        return found(p, "$.PolicyDocument", "aws iam get-role-policy");
    }
    let keys: Vec<String> = obj.keys().take(8).map(|k| format!("`{k}`")).collect();
    Err((
        "$".to_owned(),
        format!(
            "not a policy document (no `Statement`) nor the output of a command that prints one; found {}; pass the document or the output of {COMMANDS}",
            if keys.is_empty() {
                "an empty object".to_owned()
            } else {
                keys.join(", ")
            }
        ),
    ))
}

/// The document a JSON string holds: JSON text (what the AWS CLI prints) or URL-encoded JSON
/// text (what the raw API returns).
fn document_in_string(s: &str) -> Result<Value, String> {
    let raw = serde_json::value::to_raw_value(s).map_err(|e| e.to_string())?;
    let text = decode::policy_text(&raw);
    match (text.document.is_some(), text.errors.first()) {
        (false, Some(e)) => Err(e.message.clone()),
        (false, None) => Err("the string does not hold a policy document".to_owned()),
        (true, _) => Ok(text.json()),
    }
}

/// `$.Role.AssumeRolePolicyDocument` + `$.Statement[0]` →
/// `$.Role.AssumeRolePolicyDocument.Statement[0]`.
fn join_path(outer: &str, inner: &str) -> String {
    match inner.strip_prefix('$') {
        Some(rest) => format!("{outer}{rest}"),
        None => format!("{outer}.{inner}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;

    fn read_str(text: &str) -> Result<PolicyFile, LoadError> {
        from_text(Path::new("p.json"), text, PolicyUse::ResourceBased)
    }

    #[test]
    fn every_wrapper_gives_the_same_document() {
        let s = serde_json::to_string(DOC).unwrap();
        let wrapped = [
            (DOC.to_owned(), None),
            (
                format!(r#"{{"Policy": {s}}}"#),
                Some("aws s3api get-bucket-policy"),
            ),
            (
                format!(r#"{{"Policy": {s}, "PolicyName": "default"}}"#),
                Some("aws kms get-key-policy"),
            ),
            (
                format!(r#"{{"Policy": {s}, "RevisionId": "r"}}"#),
                Some("aws lambda get-policy"),
            ),
            (
                format!(r#"{{"Policy": {{"PolicySummary": {{"Name": "x"}}, "Content": {s}}}}}"#),
                Some("aws organizations describe-policy"),
            ),
            (
                format!(r#"{{"Attributes": {{"Policy": {s}, "QueueArn": "q"}}}}"#),
                Some("aws sqs get-queue-attributes"),
            ),
            (
                format!(r#"{{"Attributes": {{"Policy": {s}, "TopicArn": "t"}}}}"#),
                Some("aws sns get-topic-attributes"),
            ),
            (
                format!(r#"{{"ARN": "a", "Name": "n", "ResourcePolicy": {s}}}"#),
                Some("aws secretsmanager get-resource-policy"),
            ),
            (
                format!(r#"{{"registryId": "1", "repositoryName": "r", "policyText": {s}}}"#),
                Some("aws ecr get-repository-policy"),
            ),
            (
                format!(r#"{{"Role": {{"AssumeRolePolicyDocument": {DOC}}}}}"#),
                Some("aws iam get-role"),
            ),
        ];
        let want: Value = serde_json::from_str(DOC).unwrap();
        for (text, command) in wrapped {
            let f = read_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(f.json, want, "{text}");
            assert_eq!(f.command, command, "{text}");
            assert_eq!(f.document.statements.len(), 1);
        }
    }

    #[test]
    fn a_document_with_an_unreadable_part_is_refused_at_its_path() {
        let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"k":{"x":1}}}}]}"#;
        let e = read_str(bad).unwrap_err();
        assert!(
            matches!(&e, LoadError::Shape { json_path, .. } if json_path.starts_with("$.Statement[0].Condition")),
            "{e}"
        );
        let s = serde_json::to_string(bad).unwrap();
        let e = read_str(&format!(r#"{{"Policy": {s}}}"#)).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("`$.Policy`"), "{msg}");
        assert!(msg.contains("`$.Statement[0].Condition"), "{msg}");
    }

    #[test]
    fn an_organisation_policy_of_another_type_is_refused_by_its_type() {
        let s = serde_json::to_string(DOC).unwrap();
        let text = |kind: &str| {
            format!(r#"{{"Policy": {{"PolicySummary": {{"Type": "{kind}"}}, "Content": {s}}}}}"#)
        };
        let scp = PolicyUse::ServiceControlPolicy;
        let p = Path::new("p.json");
        assert!(from_text(p, &text("SERVICE_CONTROL_POLICY"), scp).is_ok());
        for (kind, usage) in [
            ("TAG_POLICY", scp),
            ("RESOURCE_CONTROL_POLICY", scp),
            ("SERVICE_CONTROL_POLICY", PolicyUse::ResourceBased),
        ] {
            let e = from_text(p, &text(kind), usage).unwrap_err();
            assert!(e.to_string().contains(&format!("`{kind}`")), "{e}");
        }
    }

    #[test]
    fn a_wrapper_without_a_policy_says_so() {
        for (text, path) in [
            (r#"{"Attributes": {"QueueArn": "q"}}"#, "$.Attributes"),
            (r#"{"Policy": null}"#, "$.Policy"),
            (r#"{"Buckets": []}"#, "$"),
            ("[1]", "$"),
        ] {
            match read_str(text) {
                Err(LoadError::Shape { json_path, .. }) => assert_eq!(json_path, path, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }
}
