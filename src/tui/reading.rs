//! Plain-language readings of policy documents for the detail view: one short paragraph
//! per statement (named by its number, as a reader counts), and the "who may assume, under which conditions" and "what it may do"
//! lines of a role's summary. Wording only; what a policy *allows* is the policy engine's.

use crate::engine::policy::document::{
    Condition, Effect, PatternList, PolicyDocument, PrincipalKind, Principals, Statement,
};

/// Describes one principal entry in words.
#[must_use]
pub fn principal_words(kind: PrincipalKind, value: &str) -> String {
    match kind {
        PrincipalKind::Aws if value == "*" => "any AWS principal, in any account".into(),
        PrincipalKind::Aws if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) => {
            format!("account {value} (whoever its own policies allow)")
        }
        PrincipalKind::Aws if value.ends_with(":root") => {
            let account = value.split(':').nth(4).unwrap_or(value);
            format!("account {account} (whoever its own policies allow)")
        }
        PrincipalKind::Aws => {
            let resource = value.splitn(6, ':').nth(5).unwrap_or(value);
            let account = value.split(':').nth(4).unwrap_or("");
            if let Some(name) = resource.strip_prefix("user/") {
                format!("user {} in {account}", last(name))
            } else if let Some(name) = resource.strip_prefix("role/") {
                format!("role {} in {account}", last(name))
            } else if resource.starts_with("assumed-role/") {
                format!("session {resource} in {account}")
            } else {
                value.to_owned()
            }
        }
        PrincipalKind::Service => format!("the service {value}"),
        PrincipalKind::Federated => {
            if value.contains(":saml-provider/") {
                format!("SAML users of {}", last(value))
            } else if value.contains(":oidc-provider/") {
                format!(
                    "web identities from {}",
                    value.split("oidc-provider/").nth(1).unwrap_or(value)
                )
            } else {
                format!("web identities from {value}")
            }
        }
        PrincipalKind::CanonicalUser => format!("canonical user {value}"),
    }
}

fn last(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Describes one condition in words, with friendlier readings for the keys a trust
/// policy usually carries.
#[must_use]
pub fn condition_words(c: &Condition) -> String {
    let key = c.key.to_ascii_lowercase();
    let values = c
        .values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(" or ");
    let op = c.operator.as_str();
    match key.as_str() {
        "sts:externalid" => format!("external ID {values} ({op})"),
        "aws:multifactorauthpresent" => {
            if c.values.iter().any(|v| v.eq_ignore_ascii_case("true")) && op.starts_with("Bool") {
                "MFA used".into()
            } else {
                format!("MFA present {op} {values}")
            }
        }
        "aws:multifactorauthage" => format!("MFA age {op} {values} seconds"),
        "aws:sourceip" => format!("source IP {op} {values}"),
        "aws:principalorgid" => format!("caller in organisation {values}"),
        "aws:sourceaccount" => format!("on behalf of account {values}"),
        "aws:sourcearn" => format!("on behalf of resource {values}"),
        "sts:sourceidentity" => format!("source identity {op} {values}"),
        _ => format!("{} {op} {values}", c.key),
    }
}

fn patterns(list: Option<&PatternList>, what: &str) -> String {
    match list {
        None => format!("(no {what})"),
        Some(p) => {
            let joined = if p.patterns.len() > 6 {
                format!(
                    "{} and {} more",
                    p.patterns[..6].join(", "),
                    p.patterns.len() - 6
                )
            } else {
                p.patterns.join(", ")
            };
            if p.negated {
                format!("everything except {joined}")
            } else {
                joined
            }
        }
    }
}

/// A statement as a reader counts it: "statement 2", with its `Sid` when it has one
/// ("statement 2 (ReadLogs)"). Counted from 1; the JSON path's index is one less.
#[must_use]
pub fn statement_name(s: &Statement) -> String {
    match s.sid.as_deref() {
        Some(sid) if !sid.is_empty() => format!("statement {} ({sid})", s.index + 1),
        _ => format!("statement {}", s.index + 1),
    }
}

/// One statement in words, e.g. "statement 1: Allow sts:AssumeRole", "  by user alice in
/// 111…", "  when MFA used".
#[must_use]
pub fn statement_words(s: &Statement) -> Vec<String> {
    let effect = match s.effect {
        Some(Effect::Allow) => "Allow",
        Some(Effect::Deny) => "Deny",
        None => "(no valid Effect: never applies)",
    };
    let mut lines = vec![format!(
        "{}: {effect} {}",
        statement_name(s),
        patterns(s.action.as_ref(), "Action")
    )];
    if let Some(p) = &s.principal {
        let who = match p {
            Principals::Any => vec!["anyone (Principal \"*\")".to_owned()],
            Principals::Listed(list) => list.iter().map(|(k, v)| principal_words(*k, v)).collect(),
        };
        let prefix = if s.not_principal {
            "  by everyone except "
        } else {
            "  by "
        };
        lines.push(format!("{prefix}{}", who.join("; ")));
    }
    if s.resource.is_some() {
        lines.push(format!(
            "  on {}",
            patterns(s.resource.as_ref(), "Resource")
        ));
    }
    for c in &s.conditions {
        lines.push(format!("  when {}", condition_words(c)));
    }
    lines
}

/// "Who may assume" lines of a trust policy: one per Allow statement with its conditions.
#[must_use]
pub fn who_may_assume(doc: &PolicyDocument) -> Vec<String> {
    let mut out = Vec::new();
    for s in &doc.statements {
        if s.effect != Some(Effect::Allow) {
            continue;
        }
        let who = match &s.principal {
            Some(Principals::Any) => "anyone".to_owned(),
            Some(Principals::Listed(list)) => list
                .iter()
                .map(|(k, v)| principal_words(*k, v))
                .collect::<Vec<_>>()
                .join("; "),
            None => "nobody (no Principal)".to_owned(),
        };
        let how = patterns(s.action.as_ref(), "Action");
        let conds: Vec<String> = s.conditions.iter().map(condition_words).collect();
        let when = if conds.is_empty() {
            "with no conditions".to_owned()
        } else {
            format!("when {}", conds.join(" and "))
        };
        out.push(format!("{who} — {how} — {when}"));
    }
    for s in &doc.statements {
        if s.effect == Some(Effect::Deny) {
            out.push(format!(
                "but Deny in {}: {}",
                statement_name(s),
                patterns(s.action.as_ref(), "Action")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_reading_names_principals_and_conditions() {
        let doc = PolicyDocument::parse_str(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole",
            "Condition":{"StringEquals":{"sts:ExternalId":"abc"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
        )
        .document
        .unwrap();
        let lines = who_may_assume(&doc);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].contains("account 111122223333"), "{}", lines[0]);
        assert!(lines[0].contains("external ID `abc`"), "{}", lines[0]);
        assert!(lines[0].contains("MFA used"), "{}", lines[0]);
    }

    #[test]
    fn a_statement_reads_by_its_number_with_or_without_a_sid() {
        let doc = PolicyDocument::parse_str(
            r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
            {"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#,
        )
        .document
        .unwrap();
        let first = statement_words(&doc.statements[0]);
        assert_eq!(first[0], "statement 1: Allow s3:GetObject");
        let second = statement_words(&doc.statements[1]);
        assert_eq!(second[0], "statement 2 (NoDelete): Deny s3:DeleteObject");
        for line in doc.statements.iter().flat_map(statement_words) {
            assert!(!line.contains('#') && !line.contains("—:"), "{line}");
        }
    }
}
