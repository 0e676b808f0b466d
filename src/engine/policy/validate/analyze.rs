//! The checks IAM Access Analyzer's policy validation adds to IAM's save-time ones, where they
//! need the service authorization catalogue or the policy's owner: unknown services and
//! actions (with the closest name), action wildcards that match nothing, resources that fit
//! none of the actions' resource types, condition keys none of the actions carry, open and
//! cross-account trusts, and statements another statement already covers.
//!
//! [`analyze`] runs the save-time checks of the parent module first, then these; findings
//! carry the same codes and paths.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Ctx, Finding, PolicyUse, Severity};
use crate::engine::arn::is_account_id;
use crate::engine::catalogue::{ActionRef, Catalogue, Resolved, template_to_glob};
use crate::engine::policy::document::{
    Effect, PatternList, PolicyDocument, PrincipalKind, Principals, Statement,
};
use crate::engine::policy::pattern::glob_match;

/// An expansion larger than this (a service-wide wildcard such as `*:Get*`) is not used for
/// the resource and condition-key checks: it says nothing useful and costs time.
const EXPANSION_LIMIT: usize = 5_000;

/// Validates a policy as IAM Access Analyzer does: the save-time checks, then those that need
/// the catalogue and, for a trust policy, the accounts that are the user's own (`own_accounts`:
/// the role's account and those loaded beside it; a trust into any other account without an
/// external ID is a warning; empty skips that check).
#[must_use]
pub fn analyze(
    policy: &str,
    json: &Value,
    usage: PolicyUse,
    catalogue: &Catalogue,
    own_accounts: &[&str],
) -> Vec<Finding> {
    let mut findings = super::validate(policy, json, usage);
    let Some(doc) = PolicyDocument::from_value(json).document else {
        return findings;
    };
    let mut cx = Ctx {
        policy,
        usage,
        findings: Vec::new(),
    };
    let single = json.get("Statement").is_some_and(Value::is_object);
    for st in &doc.statements {
        let base = if single {
            "$.Statement".to_owned()
        } else {
            format!("$.Statement[{}]", st.index)
        };
        let actions = actions(&mut cx, st, &base, catalogue);
        if let Some(actions) = &actions {
            if usage != PolicyUse::RoleTrust {
                resources(&mut cx, st, &base, catalogue, actions);
            }
            condition_keys(&mut cx, st, &base, catalogue, actions);
        }
        if usage == PolicyUse::RoleTrust {
            trust(&mut cx, st, &base, own_accounts);
        }
    }
    redundant(&mut cx, &doc, single);
    findings.append(&mut cx.findings);
    findings
}

/// Checks every action name; returns the actions an `Action` list names, when it is small
/// enough to reason about (no `*`, no service wildcard).
fn actions<'c>(
    cx: &mut Ctx<'_>,
    st: &Statement,
    base: &str,
    catalogue: &'c Catalogue,
) -> Option<Vec<ActionRef<'c>>> {
    let list = st.action.as_ref()?;
    let el = if list.negated { "NotAction" } else { "Action" };
    let mut named = Vec::new();
    let mut complete = !list.negated;
    for (i, p) in list.patterns.iter().enumerate() {
        let path = format!("{base}.{el}[{i}]");
        let Some((service, name)) = p.split_once(':') else {
            complete = false;
            continue;
        };
        let wild_service = service.contains(['*', '?']);
        let wild_name = name.contains(['*', '?']);
        if !wild_service && !wild_name {
            match catalogue.resolve(p) {
                Resolved::Known(a) => named.push(a),
                Resolved::UnknownService { suggestion } => {
                    complete = false;
                    let mut m = format!("no AWS service has the prefix `{service}`");
                    if let Some(s) = suggestion {
                        let _ = write!(m, "; did you mean `{s}:{name}`?");
                    }
                    cx.push("unknown-service", Severity::Error, Some(st), path, m);
                }
                Resolved::UnknownAction {
                    service: svc,
                    suggestion,
                } => {
                    complete = false;
                    let mut m = format!("`{p}` is not an action of {}", svc.name);
                    match suggestion {
                        Some(s) => {
                            let _ = write!(m, "; did you mean {s}?");
                        }
                        None => {
                            let _ = write!(
                                m,
                                "; list its actions with `rolescope expand '{}:*'`",
                                svc.prefix
                            );
                        }
                    }
                    cx.push("unknown-action", Severity::Error, Some(st), path, m);
                }
            }
            continue;
        }
        if !wild_service && catalogue.service(service).is_none() {
            complete = false;
            let mut m = format!("no AWS service has the prefix `{service}`");
            if let Resolved::UnknownService {
                suggestion: Some(s),
            } = catalogue.resolve(&format!("{service}:x"))
            {
                let _ = write!(m, "; did you mean `{s}`?");
            }
            cx.push("unknown-service", Severity::Error, Some(st), path, m);
            continue;
        }
        let before = named.len();
        named.extend(catalogue.matching(p).take(EXPANSION_LIMIT + 1));
        let found = named.len() - before;
        if found == 0 {
            complete = false;
            cx.push(
                "action-matches-nothing",
                Severity::Error,
                Some(st),
                path,
                format!("`{p}` matches no action in the service authorization catalogue; check the spelling (`rolescope expand '{service}:*'` lists them)"),
            );
        }
        if wild_service || named.len() > EXPANSION_LIMIT {
            complete = false;
        }
    }
    complete.then_some(named)
}

fn resources(
    cx: &mut Ctx<'_>,
    st: &Statement,
    base: &str,
    catalogue: &Catalogue,
    actions: &[ActionRef<'_>],
) {
    let Some(PatternList {
        negated: false,
        patterns,
    }) = &st.resource
    else {
        return;
    };
    if actions.is_empty() {
        return;
    }
    for (i, r) in patterns.iter().enumerate() {
        if &**r == "*" || !r.starts_with("arn:") {
            continue;
        }
        // Policy variables stand for any text.
        let r_glob = template_to_glob(r);
        let fits = actions.iter().any(|&a| {
            catalogue
                .resource_types_of(a)
                .any(|(t, _)| t.may_fit(&r_glob))
        });
        if fits {
            continue;
        }
        let names: Vec<String> = actions.iter().take(3).map(ActionRef::full_name).collect();
        let mut listed = names.join(", ");
        if actions.len() > 3 {
            let _ = write!(listed, " and {} more", actions.len() - 3);
        }
        cx.push(
            "resource-type-mismatch",
            Severity::Warning,
            Some(st),
            format!("{base}.Resource[{i}]"),
            format!("`{r}` fits none of the resource types of {listed}; the statement never applies to it (an action that takes no resource type needs \"*\")"),
        );
    }
}

fn condition_keys(
    cx: &mut Ctx<'_>,
    st: &Statement,
    base: &str,
    catalogue: &Catalogue,
    actions: &[ActionRef<'_>],
) {
    if actions.is_empty() {
        return;
    }
    for c in &st.conditions {
        if catalogue.key_applies_to_any(actions.iter().copied(), &c.key) {
            continue;
        }
        let what = match actions {
            [one] => format!("`{}`", one.full_name()),
            _ => "any of the statement's actions".to_owned(),
        };
        cx.push(
            "condition-key-not-applicable",
            Severity::Warning,
            Some(st),
            format!("{base}.Condition.{}.{}", c.operator, c.key),
            format!("no request for {what} carries `{}`, so this condition never matches (and an `...IfExists` or negated operator always does)", c.key),
        );
    }
}

fn trust(cx: &mut Ctx<'_>, st: &Statement, base: &str, own_accounts: &[&str]) {
    if st.effect != Some(Effect::Allow) || st.not_principal {
        return;
    }
    let Some(principals) = &st.principal else {
        return;
    };
    let path = format!("{base}.Principal");
    let open = match principals {
        Principals::Any => true,
        Principals::Listed(list) => list
            .iter()
            .any(|(k, v)| *k == PrincipalKind::Aws && v == "*"),
    };
    if open && st.conditions.is_empty() {
        cx.push(
            "open-trust",
            Severity::Warning,
            Some(st),
            path.clone(),
            "anyone in any AWS account can assume this role: the principal is \"*\" and no condition narrows it; name the accounts or add `aws:PrincipalOrgID`".into(),
        );
    }
    if own_accounts.is_empty() {
        return;
    }
    let assumes = st.action.as_ref().is_some_and(|a| {
        !a.negated
            && a.patterns
                .iter()
                .any(|p| glob_match(&p.to_ascii_lowercase(), "sts:assumerole"))
    });
    let has_external_id = st
        .conditions
        .iter()
        .any(|c| c.key.eq_ignore_ascii_case("sts:ExternalId"));
    if !assumes || has_external_id {
        return;
    }
    let Principals::Listed(list) = principals else {
        return;
    };
    for (i, (kind, v)) in list.iter().enumerate() {
        if *kind != PrincipalKind::Aws {
            continue;
        }
        let account = if is_account_id(v) {
            Some(v.as_str())
        } else {
            v.split(':').nth(4).filter(|a| is_account_id(a))
        };
        if let Some(account) = account
            && !own_accounts.contains(&account)
        {
            cx.push(
                "cross-account-without-external-id",
                Severity::Warning,
                Some(st),
                format!("{path}.AWS[{i}]"),
                format!("account {account} may assume this role without an external ID; if a third party acts for you there, require `sts:ExternalId` (confused deputy)"),
            );
        }
    }
}

/// A statement is redundant when another of the same effect, without conditions, names at
/// least its actions and resources (and the same principals).
fn redundant(cx: &mut Ctx<'_>, doc: &PolicyDocument, single: bool) {
    let covers =
        |outer: &[std::sync::Arc<str>], inner: &[std::sync::Arc<str>], ignore_case: bool| {
            inner.iter().all(|i| {
                outer.iter().any(|o| {
                    if ignore_case {
                        glob_match(&o.to_ascii_lowercase(), &i.to_ascii_lowercase())
                    } else {
                        glob_match(o, i)
                    }
                })
            })
        };
    for a in &doc.statements {
        let covered_by = doc.statements.iter().find(|b| {
            if a.index == b.index || a.effect != b.effect || a.effect.is_none() {
                return false;
            }
            let (Some(aa), Some(ba)) = (&a.action, &b.action) else {
                return false;
            };
            let (Some(ar), Some(br)) = (&a.resource, &b.resource) else {
                return false;
            };
            if aa.negated || ba.negated || ar.negated || br.negated {
                return false;
            }
            if !b.conditions.is_empty()
                || a.principal != b.principal
                || a.not_principal != b.not_principal
            {
                return false;
            }
            let identical =
                aa.patterns == ba.patterns && ar.patterns == br.patterns && a.conditions.is_empty();
            // Of two identical statements, the later one is the redundant one.
            if identical && b.index > a.index {
                return false;
            }
            covers(&ba.patterns, &aa.patterns, true) && covers(&br.patterns, &ar.patterns, false)
        });
        if let Some(b) = covered_by {
            let path = if single {
                "$.Statement".to_owned()
            } else {
                format!("$.Statement[{}]", a.index)
            };
            let other = b.sid.as_ref().map_or_else(
                || format!("statement {}", b.index),
                |s| format!("statement `{s}`"),
            );
            cx.push(
                "redundant-statement",
                Severity::Warning,
                Some(a),
                path,
                format!("{other} already covers every action and resource of this statement, without conditions; remove one of them"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::catalogue;
    use serde_json::json;

    fn codes(
        doc: &Value,
        usage: PolicyUse,
        owner: &[&str],
    ) -> Vec<(&'static str, Severity, String, String)> {
        analyze("p", doc, usage, catalogue::get(), owner)
            .into_iter()
            .map(|f| (f.code, f.severity, f.path, f.message))
            .collect()
    }

    fn one(
        doc: &Value,
        usage: PolicyUse,
        owner: &[&str],
        code: &str,
    ) -> (Severity, String, String) {
        let all = codes(doc, usage, owner);
        let hits: Vec<_> = all.iter().filter(|f| f.0 == code).collect();
        assert_eq!(hits.len(), 1, "{code}: {all:?}");
        (hits[0].1, hits[0].2.clone(), hits[0].3.clone())
    }

    fn identity(statement: &Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [statement]})
    }

    #[test]
    fn an_unknown_action_is_an_error_with_the_closest_name() {
        let doc = identity(
            &json!({"Effect":"Allow","Action":["s3:ListBucket","s3:GetObjekt"],"Resource":"*"}),
        );
        let (sev, path, msg) = one(&doc, PolicyUse::Identity, &[], "unknown-action");
        assert_eq!(sev, Severity::Error);
        assert_eq!(path, "$.Statement[0].Action[1]");
        assert!(msg.contains("did you mean s3:GetObject?"), "{msg}");
    }

    #[test]
    fn an_unknown_service_is_an_error() {
        let doc = identity(&json!({"Effect":"Allow","Action":"s4:GetObject","Resource":"*"}));
        let (_, _, msg) = one(&doc, PolicyUse::Identity, &[], "unknown-service");
        assert!(msg.contains("did you mean `s3:GetObject`?"), "{msg}");
        let doc = identity(&json!({"Effect":"Allow","Action":"nosuchsvc:Get*","Resource":"*"}));
        one(&doc, PolicyUse::Identity, &[], "unknown-service");
    }

    #[test]
    fn a_wildcard_matching_nothing_is_an_error() {
        let doc = identity(&json!({"Effect":"Deny","NotAction":"s3:Gte*","Resource":"*"}));
        let (sev, path, _) = one(&doc, PolicyUse::Identity, &[], "action-matches-nothing");
        assert_eq!(
            (sev, path.as_str()),
            (Severity::Error, "$.Statement[0].NotAction[0]")
        );
    }

    #[test]
    fn a_resource_of_the_wrong_type_is_a_warning() {
        let doc = identity(
            &json!({"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*","arn:aws:ec2:us-east-1:111122223333:instance/i-1"]}),
        );
        let (sev, path, _) = one(&doc, PolicyUse::Identity, &[], "resource-type-mismatch");
        assert_eq!(
            (sev, path.as_str()),
            (Severity::Warning, "$.Statement[0].Resource[1]")
        );
        let ok = identity(
            &json!({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}),
        );
        assert!(codes(&ok, PolicyUse::Identity, &[]).is_empty());
    }

    #[test]
    fn a_condition_key_none_of_the_actions_carries_is_a_warning() {
        let doc = identity(
            &json!({"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/*","aws:SourceIp":"10.0.0.0/8"}}}),
        );
        let (_, path, _) = one(
            &doc,
            PolicyUse::Identity,
            &[],
            "condition-key-not-applicable",
        );
        assert_eq!(path, "$.Statement[0].Condition.StringLike.s3:prefix");
        let ok = identity(
            &json!({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/*"}}}),
        );
        assert!(codes(&ok, PolicyUse::Identity, &[]).is_empty());
    }

    #[test]
    fn open_and_cross_account_trusts_are_warnings() {
        let open = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]});
        one(&open, PolicyUse::RoleTrust, &["111122223333"], "open-trust");
        let narrowed = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]});
        assert!(codes(&narrowed, PolicyUse::RoleTrust, &["111122223333"]).is_empty());
        let cross = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"]},"Action":"sts:AssumeRole"}]});
        let (_, path, msg) = one(
            &cross,
            PolicyUse::RoleTrust,
            &["111122223333"],
            "cross-account-without-external-id",
        );
        assert_eq!(path, "$.Statement[0].Principal.AWS[1]");
        assert!(msg.contains("444455556666"));
        let with_id = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]});
        assert!(codes(&with_id, PolicyUse::RoleTrust, &["111122223333"]).is_empty());
    }

    #[test]
    fn a_statement_another_covers_is_redundant() {
        let doc = json!({"Version":"2012-10-17","Statement":[
            {"Sid":"All","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"},
            {"Sid":"One","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/x"},
            {"Sid":"Other","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/x"}
        ]});
        let (_, path, msg) = one(&doc, PolicyUse::Identity, &[], "redundant-statement");
        assert_eq!(path, "$.Statement[1]");
        assert!(msg.contains("`All`"), "{msg}");
        let twins = json!({"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}
        ]});
        let (_, path, _) = one(&twins, PolicyUse::Identity, &[], "redundant-statement");
        assert_eq!(path, "$.Statement[1]");
    }

    #[test]
    fn the_save_time_checks_keep_their_codes() {
        let doc = json!({"Version":"2012-10-18","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsSortOf":{"aws:username":"a"}}}]});
        let all = codes(&doc, PolicyUse::Identity, &[]);
        for code in [
            "invalid-version",
            "principal-not-allowed",
            "unknown-operator",
        ] {
            assert!(
                all.iter().any(|f| f.0 == code && f.1 == Severity::Error),
                "{code}: {all:?}"
            );
        }
    }
}
