//! What AWS would reject when a policy is saved, and the pitfalls worth a warning — as
//! findings located by policy, statement (index and `Sid`) and JSON path. Never a panic, never
//! silent: the evaluator still runs on whatever the document says, and statements that cannot
//! match simply do not apply.
//!
//! Rules (IAM-RULES §3.1, §4.3, §4.4, §4.5; [UG:reference_policies_grammar]): `Effect` is
//! exactly `Allow` or `Deny`; `Action`/`NotAction` is required and names `service:action`;
//! identity-based policies, boundaries, session policies and SCPs take no `Principal`;
//! resource-based policies need one; `NotPrincipal` only with `Deny`, and never in a trust or
//! identity policy; a wildcard inside a principal ARN is not allowed; condition operators must
//! be known (`Null` takes no `IfExists`) and their values readable for their family; `Sid`s
//! are unique. Unknown condition keys are not errors.

pub mod analyze;
pub mod locate;

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

use super::condition::{CompiledCondition, Family, Operator, OperatorError, closest_operator};
use super::document::{Effect, PolicyDocument, PrincipalKind, Principals, Statement};
use super::variables::Template;
use crate::engine::arn::{Arn, is_account_id};
use crate::engine::model::PolicyText;

/// Where a policy is used; decides which elements it may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyUse {
    /// Inline or managed policy of a user, group or role.
    Identity,
    PermissionsBoundary,
    SessionPolicy,
    ServiceControlPolicy,
    ResourceControlPolicy,
    /// A role's trust policy.
    RoleTrust,
    /// Any other resource-based policy (bucket, key, queue, …).
    ResourceBased,
}

impl PolicyUse {
    fn is_identity_like(self) -> bool {
        matches!(
            self,
            Self::Identity | Self::PermissionsBoundary | Self::SessionPolicy
        )
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// AWS would refuse to save the policy.
    Error,
    /// Saved by AWS, but probably not what was meant.
    Warning,
}

/// One problem in a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable name for the kind of problem (`unknown-action`), documented in docs/lint.md.
    pub code: &'static str,
    pub severity: Severity,
    /// The policy's label (name or ARN).
    pub policy: String,
    /// The statement's position, when the finding is inside one.
    pub statement: Option<usize>,
    pub sid: Option<String>,
    /// JSON path inside the document (`$.Statement[1].Condition.StringEquals`).
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{sev}: policy `{}` at {}: {}",
            self.policy, self.path, self.message
        )
    }
}

struct Ctx<'a> {
    policy: &'a str,
    usage: PolicyUse,
    findings: Vec<Finding>,
}

impl Ctx<'_> {
    fn push(
        &mut self,
        code: &'static str,
        severity: Severity,
        st: Option<&Statement>,
        path: String,
        message: String,
    ) {
        self.findings.push(Finding {
            code,
            severity,
            policy: self.policy.to_owned(),
            statement: st.map(|s| s.index),
            sid: st.and_then(|s| s.sid.clone()),
            path,
            message,
        });
    }
}

/// Validates a loaded policy.
#[must_use]
pub fn validate_text(policy: &str, text: &PolicyText, usage: PolicyUse) -> Vec<Finding> {
    validate(policy, &text.json(), usage)
}

/// Validates a policy document given as JSON, for the use it is put to.
#[must_use]
pub fn validate(policy: &str, json: &Value, usage: PolicyUse) -> Vec<Finding> {
    let parsed = PolicyDocument::from_value(json);
    let mut cx = Ctx {
        policy,
        usage,
        findings: Vec::new(),
    };
    for e in &parsed.errors {
        let st = statement_index_of_path(&e.path).and_then(|i| {
            parsed
                .document
                .as_ref()?
                .statements
                .iter()
                .find(|s| s.index == i)
        });
        cx.push(
            "malformed-element",
            Severity::Error,
            st,
            e.path.clone(),
            e.message.clone(),
        );
    }
    let Some(doc) = parsed.document else {
        return cx.findings;
    };
    let single = json.get("Statement").is_some_and(Value::is_object);
    match doc.version.as_deref() {
        Some("2012-10-17") => {}
        Some("2008-10-17") => {}
        Some(other) => cx.push(
"invalid-version",
            Severity::Error,
            None,
            "$.Version".into(),
            format!("unknown policy version `{other}`; use \"2012-10-17\""),
        ),
        None => cx.push(
"missing-version",
            Severity::Warning,
            None,
            "$".into(),
            "no `Version`: AWS reads the policy as 2008-10-17, where policy variables are literal text; add \"Version\": \"2012-10-17\"".into(),
        ),
    }
    if json
        .get("Statement")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        cx.push(
            "no-statements",
            Severity::Error,
            None,
            "$.Statement".into(),
            "the policy has no statements; add at least one".into(),
        );
    }
    let variables = doc.version.as_deref() == Some("2012-10-17");
    let mut sids = HashSet::new();
    for st in &doc.statements {
        let base = if single {
            "$.Statement".to_owned()
        } else {
            format!("$.Statement[{}]", st.index)
        };
        if let Some(sid) = &st.sid
            && !sids.insert(sid.clone())
        {
            cx.push(
                "duplicate-sid",
                Severity::Error,
                Some(st),
                format!("{base}.Sid"),
                format!("`Sid` `{sid}` is used by another statement; statement ids must be unique"),
            );
        }
        statement(
            &mut cx,
            st,
            &base,
            variables,
            json_statement(json, st.index, single),
        );
    }
    cx.findings
}

fn json_statement(json: &Value, index: usize, single: bool) -> Option<&Value> {
    let s = json.get("Statement")?;
    if single { Some(s) } else { s.get(index) }
}

fn statement_index_of_path(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("$.Statement")?;
    if let Some(r) = rest.strip_prefix('[') {
        r.split(']').next()?.parse().ok()
    } else {
        Some(0)
    }
}

fn statement(cx: &mut Ctx<'_>, st: &Statement, base: &str, variables: bool, raw: Option<&Value>) {
    let usage = cx.usage;
    let has = |k: &str| raw.is_some_and(|v| v.get(k).is_some());
    if !has("Effect") {
        cx.push(
            "missing-effect",
            Severity::Error,
            Some(st),
            base.to_owned(),
            "the statement has no `Effect`; add \"Effect\": \"Allow\" or \"Deny\"".into(),
        );
    }
    match &st.action {
        None => cx.push(
            "missing-action",
            Severity::Error,
            Some(st),
            base.to_owned(),
            "the statement has no `Action` or `NotAction`; add the actions it governs".into(),
        ),
        Some(a) => {
            let el = if a.negated { "NotAction" } else { "Action" };
            if a.patterns.is_empty() {
                cx.push(
                    "empty-action",
                    Severity::Error,
                    Some(st),
                    format!("{base}.{el}"),
                    format!("`{el}` is empty; list at least one action"),
                );
            }
            for (i, p) in a.patterns.iter().enumerate() {
                if &**p != "*"
                    && !p
                        .split_once(':')
                        .is_some_and(|(s, n)| !s.is_empty() && !n.is_empty())
                {
                    cx.push(
"malformed-action",
                        Severity::Error,
                        Some(st),
                        format!("{base}.{el}[{i}]"),
                        format!("action `{p}` must be `service:action` (for example `s3:GetObject`) or `*`"),
                    );
                }
            }
        }
    }
    match &st.resource {
        None => {
            if usage.is_identity_like() || usage == PolicyUse::ResourceBased {
                cx.push(
"missing-resource",
                    Severity::Error,
                    Some(st),
                    base.to_owned(),
                    "the statement has no `Resource` or `NotResource`; add the resources it governs (or \"*\")".into(),
                );
            }
        }
        Some(r) => {
            let el = if r.negated { "NotResource" } else { "Resource" };
            if usage == PolicyUse::RoleTrust {
                cx.push(
                    "resource-in-trust-policy",
                    Severity::Error,
                    Some(st),
                    format!("{base}.{el}"),
                    format!("a role trust policy takes no `{el}`; the resource is the role itself"),
                );
            }
            for (i, p) in r.patterns.iter().enumerate() {
                if &**p != "*" && !p.starts_with("arn:") {
                    cx.push(
"malformed-resource",
                        Severity::Error,
                        Some(st),
                        format!("{base}.{el}[{i}]"),
                        format!("resource `{p}` must be an ARN (`arn:partition:service:region:account:resource`) or `*`"),
                    );
                } else if let Some(service) = p.split(':').nth(2)
                    && (service.contains('*') || service.contains('?'))
                {
                    cx.push(
"resource-service-wildcard",
                        Severity::Warning,
                        Some(st),
                        format!("{base}.{el}[{i}]"),
                        format!("resource `{p}` has a wildcard in the service part, which AWS does not allow; name the service"),
                    );
                }
                if !variables && Template::parse(p).is_some() {
                    literal_variable_warning(cx, st, format!("{base}.{el}[{i}]"), p);
                }
            }
        }
    }
    principal(cx, st, base);
    conditions(cx, st, base, variables);
}

fn literal_variable_warning(cx: &mut Ctx<'_>, st: &Statement, path: String, value: &str) {
    cx.push(
"literal-policy-variable",
        Severity::Warning,
        Some(st),
        path,
        format!("`{value}` holds a policy variable, which is literal text unless the policy's Version is \"2012-10-17\""),
    );
}

fn principal(cx: &mut Ctx<'_>, st: &Statement, base: &str) {
    let usage = cx.usage;
    let el = if st.not_principal {
        "NotPrincipal"
    } else {
        "Principal"
    };
    let path = format!("{base}.{el}");
    let Some(p) = &st.principal else {
        if matches!(
            usage,
            PolicyUse::RoleTrust | PolicyUse::ResourceBased | PolicyUse::ResourceControlPolicy
        ) {
            cx.push(
                "missing-principal",
                Severity::Error,
                Some(st),
                base.to_owned(),
                "a resource-based policy statement needs a `Principal`; name who it applies to"
                    .into(),
            );
        }
        return;
    };
    if usage.is_identity_like() || usage == PolicyUse::ServiceControlPolicy {
        cx.push(
            "principal-not-allowed",
            Severity::Error,
            Some(st),
            path,
            format!(
                "`{el}` is not allowed in this policy; it applies to the identity it is attached to"
            ),
        );
        return;
    }
    if st.principal_as_text {
        cx.push(
"principal-as-text",
            Severity::Error,
            Some(st),
            path.clone(),
            format!("`{el}` must be \"*\" or an object; write {{\"AWS\": \"…\"}} around the ARN or account id (rolescope reads it that way)"),
        );
    }
    if st.not_principal {
        if st.effect == Some(Effect::Allow) {
            cx.push(
"not-principal-with-allow",
                Severity::Error,
                Some(st),
                path.clone(),
                "`NotPrincipal` with `Allow` is not supported; use `Principal` with a condition on `aws:PrincipalArn`".into(),
            );
        }
        if matches!(
            usage,
            PolicyUse::RoleTrust | PolicyUse::ResourceControlPolicy
        ) {
            cx.push(
"not-principal-not-allowed",
                Severity::Error,
                Some(st),
                path.clone(),
                "`NotPrincipal` is not allowed in role trust policies or RCPs; use `Principal` with `ArnNotEquals` on `aws:PrincipalArn`".into(),
            );
        }
    }
    if usage == PolicyUse::ResourceControlPolicy && *p != Principals::Any {
        cx.push(
            "rcp-principal-not-wildcard",
            Severity::Error,
            Some(st),
            path.clone(),
            "an RCP's `Principal` must be \"*\"; narrow it with conditions".into(),
        );
    }
    let Principals::Listed(list) = p else { return };
    for (i, (kind, value)) in list.iter().enumerate() {
        let vpath = format!("{path}.{}[{i}]", kind.as_str());
        let problem = match kind {
            PrincipalKind::Aws => aws_principal_problem(value),
            PrincipalKind::Service | PrincipalKind::Federated => {
                (value.contains('*') || value.contains('?')).then(|| {
                    format!(
                        "a wildcard in principal `{value}` is not a pattern; name the {} exactly",
                        kind.as_str()
                    )
                })
            }
            PrincipalKind::CanonicalUser => None,
        };
        if let Some(message) = problem {
            cx.push(
                "invalid-principal",
                Severity::Error,
                Some(st),
                vpath,
                message,
            );
        }
    }
}

fn aws_principal_problem(value: &str) -> Option<String> {
    if value == "*" || is_account_id(value) {
        return None;
    }
    if value.contains('*') || value.contains('?') {
        return Some(format!(
            "a wildcard inside principal `{value}` is not a pattern and matches nothing; use \"*\" with an `ArnLike` condition on `aws:PrincipalArn`"
        ));
    }
    if value.starts_with("AIDA") || value.starts_with("AROA") {
        return None;
    }
    match Arn::parse(value) {
        Ok(arn) => match (arn.service.as_str(), arn.resource_type()) {
            ("iam", "root" | "user" | "role") | ("sts", "assumed-role" | "federated-user") => None,
            _ => Some(format!(
                "principal `{value}` is not an account, user, role, assumed-role session or federated user; IAM groups and other resources cannot be principals"
            )),
        },
        Err(e) => Some(format!("{e}; name an account id or an ARN")),
    }
}

fn conditions(cx: &mut Ctx<'_>, st: &Statement, base: &str, variables: bool) {
    for c in &st.conditions {
        let path = format!("{base}.Condition.{}.{}", c.operator, c.key);
        match Operator::parse(&c.operator) {
            Err(e) => cx.push(
                "unknown-operator",
                Severity::Error,
                Some(st),
                format!("{base}.Condition.{}", c.operator),
                match (&e, closest_operator(&c.operator)) {
                    (OperatorError::Unknown(_), Some(s)) => format!(
                        "unknown condition operator `{}`; did you mean `{s}`? (a condition with an unknown operator never matches: an Allow never allows and a Deny never denies)",
                        c.operator
                    ),
                    _ => e.to_string(),
                },
            ),
            Ok(op) => {
                if c.values.is_empty() {
                    cx.push(
                        "empty-condition-values",
                        Severity::Error,
                        Some(st),
                        path.clone(),
                        "the condition has no values; give at least one".into(),
                    );
                }
                let compiled =
                    CompiledCondition::compile(&c.operator, &c.key, &c.values, variables);
                for (i, v) in compiled.unreadable_values(&c.values) {
                    let what = match op.base.family() {
                        Family::Numeric => "a number",
                        Family::Date => "an ISO 8601 date or epoch seconds",
                        Family::Ip => "an IP address or CIDR block",
                        Family::Null => "\"true\" or \"false\"",
                        _ => "readable",
                    };
                    cx.push(
                        "unreadable-condition-value",
                        Severity::Error,
                        Some(st),
                        format!("{path}[{i}]"),
                        format!("`{v}` is not {what}, as `{}` needs", c.operator),
                    );
                }
                if op.base.family() == Family::Bool {
                    for (i, v) in c.values.iter().enumerate() {
                        let lower = v.to_ascii_lowercase();
                        if lower != "true" && lower != "false" && Template::parse(v).is_none() {
                            cx.push(
                                "unreadable-condition-value",
                                Severity::Error,
                                Some(st),
                                format!("{path}[{i}]"),
                                format!("`{v}` is not \"true\" or \"false\", as `Bool` needs"),
                            );
                        }
                    }
                }
                if !variables && op.base.allows_variables() {
                    for (i, v) in c.values.iter().enumerate() {
                        if Template::parse(v).is_some() {
                            literal_variable_warning(cx, st, format!("{path}[{i}]"), v);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn findings(doc: &Value, usage: PolicyUse) -> Vec<(Severity, String, String)> {
        validate("p", doc, usage)
            .into_iter()
            .map(|f| (f.severity, f.path, f.message))
            .collect()
    }

    fn has(doc: &Value, usage: PolicyUse, path: &str, needle: &str) -> bool {
        findings(doc, usage)
            .iter()
            .any(|(s, p, m)| *s == Severity::Error && p == path && m.contains(needle))
    }

    #[test]
    fn what_aws_rejects_on_save_is_an_error_at_its_json_path() {
        // (rule, usage, document, path, words in the message)
        let cases: Vec<(&str, PolicyUse, Value, &str, &str)> = vec![
            (
                "unknown_operator",
                PolicyUse::Identity,
                json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}]}),
                "$.Statement[0].Condition.StringEqualz",
                "unknown condition operator",
            ),
            (
                "unknown_effect",
                PolicyUse::Identity,
                json!({"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}),
                "$.Statement[0].Effect",
                "Allow",
            ),
            (
                "wildcard_inside_principal_arn",
                PolicyUse::RoleTrust,
                json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/*"},"Action":"sts:AssumeRole"}]}),
                "$.Statement[0].Principal.AWS[0]",
                "not a pattern",
            ),
            (
                "not_principal_with_allow",
                PolicyUse::ResourceBased,
                json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"}]}),
                "$.Statement[0].NotPrincipal",
                "NotPrincipal",
            ),
            (
                "missing_action",
                PolicyUse::Identity,
                json!({"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}),
                "$.Statement",
                "no `Action`",
            ),
            (
                "principal_in_identity_policy",
                PolicyUse::Identity,
                json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}),
                "$.Statement[0].Principal",
                "not allowed",
            ),
            (
                "null_takes_no_ifexists",
                PolicyUse::Identity,
                json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"aws:TokenIssueTime":"true"}}}]}),
                "$.Statement[0].Condition.NullIfExists",
                "IfExists",
            ),
            (
                "numeric_value_must_be_a_number",
                PolicyUse::Identity,
                json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"an hour"}}}]}),
                "$.Statement[0].Condition.NumericLessThan.aws:MultiFactorAuthAge[0]",
                "not a number",
            ),
            (
                "duplicate_sid",
                PolicyUse::Identity,
                json!({"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}]}),
                "$.Statement[1].Sid",
                "unique",
            ),
            (
                "trust_policy_needs_a_principal",
                PolicyUse::RoleTrust,
                json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}),
                "$.Statement[0]",
                "needs a `Principal`",
            ),
            (
                "not_principal_not_in_trust_policies",
                PolicyUse::RoleTrust,
                json!({"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}),
                "$.Statement[0].NotPrincipal",
                "not allowed in role trust",
            ),
            (
                "action_needs_a_service_prefix",
                PolicyUse::Identity,
                json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}),
                "$.Statement[0].Action[0]",
                "service:action",
            ),
            (
                "group_cannot_be_a_principal",
                PolicyUse::ResourceBased,
                json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:group/devs"},"Action":"s3:*","Resource":"*"}]}),
                "$.Statement[0].Principal.AWS[0]",
                "cannot be principals",
            ),
        ];
        for (rule, usage, doc, path, needle) in cases {
            assert!(
                has(&doc, usage, path, needle),
                "{rule}: {:?}",
                findings(&doc, usage)
            );
        }
    }

    #[test]
    fn unknown_condition_keys_are_not_errors() {
        let doc = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"example:MadeUpKey":"x"}}}]});
        assert!(findings(&doc, PolicyUse::Identity).is_empty());
    }

    #[test]
    fn a_policy_variable_under_the_old_version_is_a_warning() {
        let doc = json!({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}]});
        let f = findings(&doc, PolicyUse::Identity);
        assert!(
            f.iter()
                .any(|(s, p, _)| *s == Severity::Warning && p == "$.Statement[0].Resource[0]"),
            "{f:?}"
        );
    }

    #[test]
    fn findings_name_the_statement_by_index_and_sid() {
        let doc = json!({"Version":"2012-10-17","Statement":[{"Sid":"Bad","Effect":"Allow","Action":"s3:*"}]});
        let f = validate("Mine", &doc, PolicyUse::Identity);
        assert_eq!(f[0].statement, Some(0));
        assert_eq!(f[0].sid.as_deref(), Some("Bad"));
        assert_eq!(f[0].policy, "Mine");
    }
}
