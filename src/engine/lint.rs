//! Linting: every policy of a loaded inventory (or a policy file) validated as IAM Access
//! Analyzer does ([`analyze`](crate::engine::policy::validate::analyze::analyze)), with the
//! role-level checks that need more than one document (an administrator role whose trust
//! needs no MFA), each finding tied to its owner and, for files, to a line and column.
//!
//! AWS managed policies are left out: their owner is AWS, and nothing the user does changes
//! them. Organization policies shared by several accounts are linted once.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

use crate::engine::catalogue::Catalogue;
use crate::engine::model::{Inventory, PolicyText, Role};
use crate::engine::policy::document::{Effect, PrincipalKind, Principals};
use crate::engine::policy::pattern::glob_match;
use crate::engine::policy::validate::analyze::analyze;
use crate::engine::policy::validate::locate::{Position, locate};
use crate::engine::policy::validate::{Finding, PolicyUse, Severity};

/// Every finding code, its severity and what it means (docs/lint.md explains each).
pub const RULES: &[(&str, Severity, &str)] = &[
    ("invalid-json", Severity::Error, "the file is not JSON"),
    (
        "malformed-element",
        Severity::Error,
        "an element has the wrong shape or an unknown name",
    ),
    (
        "invalid-version",
        Severity::Error,
        "`Version` is neither 2012-10-17 nor 2008-10-17",
    ),
    (
        "missing-version",
        Severity::Warning,
        "no `Version`: policy variables are literal text",
    ),
    (
        "no-statements",
        Severity::Error,
        "the policy has no statements",
    ),
    (
        "duplicate-sid",
        Severity::Error,
        "two statements share a `Sid`",
    ),
    (
        "missing-effect",
        Severity::Error,
        "a statement has no `Effect`",
    ),
    (
        "missing-action",
        Severity::Error,
        "a statement has no `Action` or `NotAction`",
    ),
    (
        "empty-action",
        Severity::Error,
        "`Action` or `NotAction` lists nothing",
    ),
    (
        "malformed-action",
        Severity::Error,
        "an action is not `service:action` or `*`",
    ),
    (
        "unknown-service",
        Severity::Error,
        "no AWS service has the action's prefix",
    ),
    (
        "unknown-action",
        Severity::Error,
        "the service has no such action",
    ),
    (
        "action-matches-nothing",
        Severity::Error,
        "an action wildcard matches no action",
    ),
    (
        "missing-resource",
        Severity::Error,
        "a statement has no `Resource` or `NotResource`",
    ),
    (
        "resource-in-trust-policy",
        Severity::Error,
        "a trust policy names a `Resource`",
    ),
    (
        "malformed-resource",
        Severity::Error,
        "a resource is not an ARN or `*`",
    ),
    (
        "resource-service-wildcard",
        Severity::Warning,
        "a resource ARN has a wildcard in its service",
    ),
    (
        "resource-type-mismatch",
        Severity::Warning,
        "a resource fits none of the actions' resource types",
    ),
    (
        "literal-policy-variable",
        Severity::Warning,
        "a policy variable under Version 2008-10-17",
    ),
    (
        "missing-principal",
        Severity::Error,
        "a resource-based statement has no `Principal`",
    ),
    (
        "principal-not-allowed",
        Severity::Error,
        "a `Principal` in an identity policy, boundary, session policy or SCP",
    ),
    (
        "principal-as-text",
        Severity::Error,
        "`Principal` is a bare string other than `*`",
    ),
    (
        "not-principal-with-allow",
        Severity::Error,
        "`NotPrincipal` with `Allow`",
    ),
    (
        "not-principal-not-allowed",
        Severity::Error,
        "`NotPrincipal` in a trust policy or RCP",
    ),
    (
        "rcp-principal-not-wildcard",
        Severity::Error,
        "an RCP's `Principal` is not `*`",
    ),
    (
        "invalid-principal",
        Severity::Error,
        "a principal that cannot be one (a group, a wildcard inside an ARN)",
    ),
    (
        "unknown-operator",
        Severity::Error,
        "an unknown or misspelled condition operator",
    ),
    (
        "empty-condition-values",
        Severity::Error,
        "a condition with no values",
    ),
    (
        "unreadable-condition-value",
        Severity::Error,
        "a condition value its operator cannot read",
    ),
    (
        "condition-key-not-applicable",
        Severity::Warning,
        "no request for the statement's actions carries the key",
    ),
    (
        "open-trust",
        Severity::Warning,
        "a trust policy lets in `*` without conditions",
    ),
    (
        "cross-account-without-external-id",
        Severity::Warning,
        "another account may assume the role without an external ID",
    ),
    (
        "admin-without-mfa",
        Severity::Warning,
        "a role with administrator access whose trust needs no MFA",
    ),
    (
        "redundant-statement",
        Severity::Warning,
        "another statement already covers this one",
    ),
];

/// One finding and where it is.
#[derive(Debug, Clone, Serialize)]
pub struct LintFinding {
    /// The policy's owner: a role, user or group ARN, a managed policy ARN, an account's
    /// organization policy, a resource ARN, or the file given.
    pub subject: String,
    /// The file the policy was read from, when it was given as a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Line and column in that file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    #[serde(flatten)]
    pub finding: Finding,
}

/// Lints every policy of `inv` a user can change.
#[must_use]
pub fn lint_inventory(inv: &Inventory, catalogue: &Catalogue) -> Vec<LintFinding> {
    let mut out = Vec::new();
    let own: Vec<&str> = inv.accounts.keys().map(String::as_str).collect();
    let mut push = |subject: &str, label: String, text: &PolicyText, usage, trust: bool| {
        let own_accounts: &[&str] = if trust { &own } else { &[] };
        for finding in analyze(&label, &text.json(), usage, catalogue, own_accounts) {
            out.push(LintFinding {
                subject: subject.to_owned(),
                file: None,
                position: None,
                finding,
            });
        }
    };
    for role in &inv.roles {
        for p in role_policies(role) {
            push(&role.arn, p.0, p.1, p.2, p.2 == PolicyUse::RoleTrust);
        }
    }
    for user in &inv.users {
        for p in &user.inline_policies {
            push(
                &user.arn,
                format!("inline policy {}", p.name),
                &p.policy,
                PolicyUse::Identity,
                false,
            );
        }
    }
    for group in &inv.groups {
        for p in &group.inline_policies {
            push(
                &group.arn,
                format!("inline policy {}", p.name),
                &p.policy,
                PolicyUse::Identity,
                false,
            );
        }
    }
    for policy in &inv.policies {
        if policy.arn.starts_with("arn:aws:iam::aws:") {
            continue;
        }
        if let Some(v) = policy.default_version() {
            push(
                &policy.arn,
                format!("managed policy {}", policy.name),
                &v.policy,
                PolicyUse::Identity,
                false,
            );
        }
    }
    let mut seen_org_policies = HashSet::new();
    for account in inv.accounts.values() {
        if let Some(org) = &account.organization {
            for (levels, usage, what) in [
                (&org.scps_by_level, PolicyUse::ServiceControlPolicy, "SCP"),
                (&org.rcps_by_level, PolicyUse::ResourceControlPolicy, "RCP"),
            ] {
                for level in levels {
                    for (i, p) in level.policies.iter().enumerate() {
                        if seen_org_policies.insert(p.text.clone()) {
                            push(&level.target, format!("{what} {}", i + 1), p, usage, false);
                        }
                    }
                }
            }
        }
        for rp in &account.resource_policies {
            push(
                &rp.resource_arn,
                "resource policy".into(),
                &rp.policy,
                PolicyUse::ResourceBased,
                false,
            );
        }
    }
    for role in &inv.roles {
        out.extend(admin_without_mfa(role, inv));
    }
    out
}

/// A role's own documents: its trust policy and inline policies, labelled.
fn role_policies(role: &Role) -> Vec<(String, &PolicyText, PolicyUse)> {
    let mut out = vec![(
        "trust policy".to_owned(),
        &role.trust_policy,
        PolicyUse::RoleTrust,
    )];
    out.extend(role.inline_policies.iter().map(|p| {
        (
            format!("inline policy {}", p.name),
            &p.policy,
            PolicyUse::Identity,
        )
    }));
    out
}

/// Lints one role: its trust and inline policies, its customer managed policies and boundary,
/// and the role-level checks (the findings `lint` gives for it, for `show`).
#[must_use]
pub fn lint_role(role: &Role, inv: &Inventory, catalogue: &Catalogue) -> Vec<LintFinding> {
    let own: Vec<&str> = inv.accounts.keys().map(String::as_str).collect();
    let mut out = Vec::new();
    let mut push = |subject: &str, label: String, text: &PolicyText, usage: PolicyUse| {
        let own_accounts: &[&str] = if usage == PolicyUse::RoleTrust {
            &own
        } else {
            &[]
        };
        out.extend(
            analyze(&label, &text.json(), usage, catalogue, own_accounts)
                .into_iter()
                .map(|finding| LintFinding {
                    subject: subject.to_owned(),
                    file: None,
                    position: None,
                    finding,
                }),
        );
    };
    for (label, text, usage) in role_policies(role) {
        push(&role.arn, label, text, usage);
    }
    for a in role
        .managed_policies
        .iter()
        .chain(&role.permissions_boundary)
    {
        if a.arn.starts_with("arn:aws:iam::aws:") {
            continue;
        }
        if let Some(v) = inv.managed_policy(&a.arn).and_then(|p| p.default_version()) {
            let usage = if role
                .permissions_boundary
                .as_ref()
                .is_some_and(|b| b.arn == a.arn)
            {
                PolicyUse::PermissionsBoundary
            } else {
                PolicyUse::Identity
            };
            push(
                &a.arn,
                format!("managed policy {}", a.name),
                &v.policy,
                usage,
            );
        }
    }
    out.extend(admin_without_mfa(role, inv));
    out
}

/// Lints a policy file's text, for the use given or, without one, the use guessed from the
/// document: principals in every statement and an `sts:AssumeRole*` action make it a trust
/// policy, principals in every statement otherwise a resource-based policy, and anything else
/// an identity policy (a stray `Principal` is then reported).
#[must_use]
pub fn lint_text(
    file: &str,
    text: &str,
    usage: Option<PolicyUse>,
    catalogue: &Catalogue,
) -> Vec<LintFinding> {
    let json: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let message = e.to_string();
            let message = message
                .split(" at line")
                .next()
                .unwrap_or_default()
                .to_owned();
            return vec![LintFinding {
                subject: file.to_owned(),
                file: Some(file.to_owned()),
                position: Some(Position {
                    line: e.line(),
                    column: e.column(),
                }),
                finding: Finding {
                    code: "invalid-json",
                    severity: Severity::Error,
                    policy: file.to_owned(),
                    statement: None,
                    sid: None,
                    path: "$".into(),
                    message: format!("{message}; fix the JSON syntax"),
                },
            }];
        }
    };
    let usage = usage.unwrap_or_else(|| guess_use(&json));
    let mut out: Vec<LintFinding> = analyze(file, &json, usage, catalogue, &[])
        .into_iter()
        .map(|finding| LintFinding {
            subject: file.to_owned(),
            file: Some(file.to_owned()),
            position: locate(text, &finding.path),
            finding,
        })
        .collect();
    out.sort_by_key(|f| f.position.map(|p| (p.line, p.column)));
    out
}

fn guess_use(json: &Value) -> PolicyUse {
    let statements: Vec<&Value> = match json.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    let has_principal = !statements.is_empty()
        && statements
            .iter()
            .all(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some());
    if !has_principal {
        return PolicyUse::Identity;
    }
    let assumes = statements.iter().any(|s| {
        let actions = match s.get("Action") {
            Some(Value::String(a)) => vec![a.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        actions
            .iter()
            .any(|a| a.to_ascii_lowercase().starts_with("sts:assumerole"))
    });
    if assumes {
        PolicyUse::RoleTrust
    } else {
        PolicyUse::ResourceBased
    }
}

/// True when a role can do anything: AWS's `AdministratorAccess`, or a policy of its own that
/// allows `*` (or `iam:*`) on `*` without conditions.
fn is_admin(role: &Role, inv: &Inventory) -> bool {
    if role
        .managed_policies
        .iter()
        .any(|p| p.arn.ends_with(":policy/AdministratorAccess"))
    {
        return true;
    }
    let managed = role
        .managed_policies
        .iter()
        .filter_map(|p| Some(&*inv.managed_policy(&p.arn)?.default_version()?.policy));
    let mut texts = role
        .inline_policies
        .iter()
        .map(|p| &p.policy)
        .chain(managed);
    texts.any(|t| {
        t.document.as_ref().is_some_and(|d| {
            d.statements.iter().any(|s| {
                s.effect == Some(Effect::Allow)
                    && s.conditions.is_empty()
                    && s.action.as_ref().is_some_and(|a| {
                        !a.negated
                            && a.patterns
                                .iter()
                                .any(|p| &**p == "*" || p.eq_ignore_ascii_case("iam:*"))
                    })
                    && s.resource
                        .as_ref()
                        .is_some_and(|r| !r.negated && r.patterns.iter().any(|p| &**p == "*"))
            })
        })
    })
}

/// An administrator role whose trust lets IAM users and roles in without MFA
/// ([UG:id_credentials_mfa_configure-api-require], "Configuring MFA-protected API access").
fn admin_without_mfa(role: &Role, inv: &Inventory) -> Vec<LintFinding> {
    let Some(doc) = role.trust_policy.document.as_ref() else {
        return Vec::new();
    };
    if !is_admin(role, inv) {
        return Vec::new();
    }
    let single = role
        .trust_policy
        .json()
        .get("Statement")
        .is_some_and(Value::is_object);
    let mut out = Vec::new();
    for st in &doc.statements {
        let aws_principal = match &st.principal {
            Some(Principals::Any) => true,
            Some(Principals::Listed(l)) => l.iter().any(|(k, _)| *k == PrincipalKind::Aws),
            None => false,
        };
        let assume = st.action.as_ref().is_some_and(|a| {
            !a.negated
                && a.patterns
                    .iter()
                    .any(|p| glob_match(&p.to_ascii_lowercase(), "sts:assumerole"))
        });
        let mfa = st.conditions.iter().any(|c| {
            c.key.eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
                || c.key.eq_ignore_ascii_case("aws:MultiFactorAuthAge")
        });
        if st.effect != Some(Effect::Allow) || st.not_principal || !aws_principal || !assume || mfa
        {
            continue;
        }
        out.push(LintFinding {
            subject: role.arn.clone(),
            file: None,
            position: None,
            finding: Finding {
                code: "admin-without-mfa",
                severity: Severity::Warning,
                policy: "trust policy".into(),
                statement: Some(st.index),
                sid: st.sid.clone(),
                path: if single {
                    "$.Statement".into()
                } else {
                    format!("$.Statement[{}]", st.index)
                },
                message: format!("`{}` has administrator access, and this statement lets callers in without MFA; add a `Bool` condition on `aws:MultiFactorAuthPresent`", role.name),
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::catalogue;

    #[test]
    fn every_code_the_checks_emit_is_a_documented_rule() {
        let docs = include_str!("../../docs/lint.md");
        for (code, _, _) in RULES {
            assert!(
                docs.contains(&format!("`{code}`")),
                "docs/lint.md lacks `{code}`"
            );
        }
        let sources = [
            include_str!("policy/validate.rs"),
            include_str!("policy/validate/analyze.rs"),
            include_str!("lint.rs"),
        ];
        for src in sources {
            for chunk in src
                .split("code: \"")
                .skip(1)
                .chain(src.split("cx.push(\n").skip(1))
            {
                let code = chunk.trim_start().trim_start_matches('"');
                let code: String = code
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                    .collect();
                if !code.is_empty() {
                    assert!(
                        RULES.iter().any(|(c, _, _)| *c == code),
                        "`{code}` is not in RULES"
                    );
                }
            }
        }
    }

    #[test]
    fn a_file_gets_line_and_column_and_its_use_is_guessed() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObjekt\", \"Resource\": \"*\"}]\n}\n";
        let f = lint_text("p.json", text, None, catalogue::get());
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].finding.code, "unknown-action");
        assert_eq!(
            f[0].position,
            Some(Position {
                line: 3,
                column: 47
            })
        );
        let bad = lint_text("p.json", "{\"Version\": ", None, catalogue::get());
        assert_eq!(bad[0].finding.code, "invalid-json");
        let trust = serde_json::json!({"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]});
        assert_eq!(guess_use(&trust), PolicyUse::RoleTrust);
    }

    #[test]
    fn a_role_gets_the_findings_of_its_own_policies() {
        let inv = crate::engine::load::load_demo().unwrap();
        let broken = inv
            .roles
            .iter()
            .find(|r| r.name == "legacy-importer-malformed-policy")
            .unwrap();
        let f = lint_role(broken, &inv, catalogue::get());
        assert!(
            f.iter()
                .any(|f| f.finding.path == "$.Statement[0].Principle"),
            "{f:?}"
        );
        let fine = inv
            .roles
            .iter()
            .find(|r| r.name == "storefront-builder")
            .unwrap();
        assert!(
            lint_role(fine, &inv, catalogue::get())
                .iter()
                .all(|f| f.finding.severity == Severity::Warning)
        );
    }

    #[test]
    fn the_demo_organisation_lints_its_malformed_policy_and_no_other_error() {
        let inv = crate::engine::load::load_demo().unwrap();
        let f = lint_inventory(&inv, catalogue::get());
        let errors: Vec<_> = f
            .iter()
            .filter(|f| f.finding.severity == Severity::Error)
            .collect();
        assert!(!errors.is_empty());
        for e in &errors {
            assert!(
                e.subject
                    .ends_with("role/legacy/legacy-importer-malformed-policy"),
                "{e:?}"
            );
        }
        assert!(
            errors
                .iter()
                .any(|e| e.finding.path == "$.Statement[0].Effect")
        );
    }
}
