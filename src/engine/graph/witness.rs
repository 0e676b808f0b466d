//! From a statement's conditions to a request that meets them: for each condition on a key
//! the caller chooses (external ID, MFA, source IP, session name, tags, token claims, …) a
//! value that makes it true, and for a `Deny` statement a value that keeps it out of the
//! way. Conditions on who the caller is (principal tags, organisation, ARN) are not chosen:
//! the caller's own context decides them, and the policy engine checks the result.
//!
//! Witnesses are proposals; `graph::build` always has the policy engine confirm them.

use chrono::DateTime;

use super::edge::{Requirement, RequirementKind, Side, WitnessRequest};
use crate::engine::policy::condition::{
    BaseOperator, Operator, SetQualifier, parse_cidr, parse_date, parse_number,
};
use crate::engine::policy::context::{ContextValue, RequestContext};
use crate::engine::policy::document::Condition;
use crate::engine::policy::variables::Template;

/// A value that makes a condition true, or a reason to leave the key out.
enum Choice {
    Set(ContextValue),
    /// The key must be absent (`Null: true`).
    Absent,
    /// Nothing to choose: the key's absence already satisfies the condition, or no value can.
    Skip,
}

/// Replaces the wildcards of a `*Like` pattern with literal text.
fn instantiate(pattern: &str) -> String {
    pattern.replace(['*', '?'], "x")
}

/// Substitutes policy variables from the caller's context, when the value has any.
fn resolve(value: &str, fixed: &RequestContext) -> String {
    match Template::parse(value) {
        Some(t) => t
            .resolve_string(fixed, &mut Vec::new())
            .unwrap_or_else(|| value.to_owned()),
        None => value.to_owned(),
    }
}

fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn date_text(ms: i64) -> Option<String> {
    DateTime::from_timestamp_millis(ms).map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// A value making `op key values` true (positive reading).
fn satisfying(op: Operator, values: &[String], fixed: &RequestContext) -> Choice {
    use BaseOperator as B;
    let Some(first) = values.first() else {
        return Choice::Skip;
    };
    let single = match op.base {
        B::StringEquals | B::StringEqualsIgnoreCase | B::Bool | B::BinaryEquals => {
            Some(resolve(first, fixed))
        }
        B::StringLike | B::ArnEquals | B::ArnLike => Some(instantiate(&resolve(first, fixed))),
        B::NumericEquals | B::NumericLessThanEquals | B::NumericGreaterThanEquals => {
            parse_number(first).map(number_text)
        }
        B::NumericLessThan => parse_number(first).map(|v| number_text(v - 1.0)),
        B::NumericGreaterThan => parse_number(first).map(|v| number_text(v + 1.0)),
        B::DateEquals | B::DateLessThanEquals | B::DateGreaterThanEquals => {
            parse_date(first).and_then(date_text)
        }
        B::DateLessThan => parse_date(first)
            .and_then(|ms| ms.checked_sub(1000))
            .and_then(date_text),
        B::DateGreaterThan => parse_date(first)
            .and_then(|ms| ms.checked_add(1000))
            .and_then(date_text),
        B::IpAddress => parse_cidr(first).map(|n| n.network().to_string()),
        B::Null => {
            return if first.eq_ignore_ascii_case("true") {
                Choice::Absent
            } else {
                Choice::Set(ContextValue::Single("rolescope".to_owned()))
            };
        }
        _ => None,
    };
    match single {
        Some(v) if op.qualifier.is_some() => Choice::Set(ContextValue::Multi(vec![v])),
        Some(v) => Choice::Set(ContextValue::Single(v)),
        None => Choice::Skip,
    }
}

/// A value making `op key values` false, for keeping a `Deny` statement from applying.
fn refuting(op: Operator, values: &[String], fixed: &RequestContext) -> Choice {
    use BaseOperator as B;
    let positive = match op.base {
        B::StringNotEquals => B::StringEquals,
        B::StringNotEqualsIgnoreCase => B::StringEqualsIgnoreCase,
        B::StringNotLike => B::StringLike,
        B::NumericNotEquals => B::NumericEquals,
        B::DateNotEquals => B::DateEquals,
        B::NotIpAddress => B::IpAddress,
        B::ArnNotEquals | B::ArnNotLike => B::ArnLike,
        B::Bool => {
            let v = values.first().map(|s| s.eq_ignore_ascii_case("true"));
            return match v {
                Some(true) => Choice::Set(ContextValue::Single("false".to_owned())),
                Some(false) => Choice::Set(ContextValue::Single("true".to_owned())),
                None => Choice::Skip,
            };
        }
        B::Null => {
            return match values.first() {
                Some(v) if v.eq_ignore_ascii_case("true") => {
                    Choice::Set(ContextValue::Single("rolescope".to_owned()))
                }
                Some(_) => Choice::Absent,
                None => Choice::Skip,
            };
        }
        // A positive operator is false when the key is absent (unless `IfExists`).
        _ if !op.if_exists => return Choice::Absent,
        _ => return Choice::Skip,
    };
    satisfying(
        Operator {
            qualifier: op.qualifier.filter(|q| *q == SetQualifier::ForAnyValue),
            base: positive,
            if_exists: false,
        },
        values,
        fixed,
    )
}

fn upsert_tag(tags: &mut Vec<(String, String)>, key: &str, value: &str) {
    match tags.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
        Some(t) => value.clone_into(&mut t.1),
        None => tags.push((key.to_owned(), value.to_owned())),
    }
}

/// Routes a chosen value to the request parameter that carries the key.
fn set_key(w: &mut WitnessRequest, key: &str, choice: Choice) {
    let lower = key.to_ascii_lowercase();
    let kind = RequirementKind::of_key(key);
    if !kind.is_request_choice() {
        return;
    }
    let value = match choice {
        Choice::Skip => return,
        Choice::Absent => {
            match lower.as_str() {
                "sts:externalid" => w.external_id = None,
                "sts:sourceidentity" => w.source_identity = None,
                "aws:multifactorauthpresent" | "aws:multifactorauthage" => w.mfa = false,
                _ => {
                    w.context.retain(|k, _| !k.eq_ignore_ascii_case(key));
                    w.claims.retain(|k, _| !k.eq_ignore_ascii_case(key));
                }
            }
            return;
        }
        Choice::Set(v) => v,
    };
    let first = value.values().first().cloned().unwrap_or_default();
    match lower.as_str() {
        "sts:externalid" => w.external_id = Some(first),
        "sts:rolesessionname" => w.session_name = first,
        "sts:sourceidentity" => w.source_identity = Some(first),
        "aws:multifactorauthpresent" => w.mfa = first.eq_ignore_ascii_case("true"),
        "aws:multifactorauthage" => w.mfa = true,
        "aws:tagkeys" => {
            for k in value.values() {
                if !w.tags.iter().any(|(t, _)| t.eq_ignore_ascii_case(k)) {
                    w.tags.push((k.clone(), "rolescope".to_owned()));
                }
            }
        }
        "sts:transitivetagkeys" => {
            for k in value.values() {
                if !w.tags.iter().any(|(t, _)| t.eq_ignore_ascii_case(k)) {
                    w.tags.push((k.clone(), "rolescope".to_owned()));
                }
                if !w.transitive_tag_keys.contains(k) {
                    w.transitive_tag_keys.push(k.clone());
                }
            }
        }
        _ if lower.starts_with("aws:requesttag/") => {
            let tag_key = &key["aws:RequestTag/".len()..];
            upsert_tag(&mut w.tags, tag_key, &first);
        }
        _ if kind == RequirementKind::Claim => {
            w.claims.insert(key.to_owned(), value);
        }
        _ => {
            w.context.insert(key.to_owned(), value);
        }
    }
}

fn requirement(c: &Condition, side: Side, from_deny: bool) -> Requirement {
    Requirement {
        kind: RequirementKind::of_key(&c.key),
        side,
        operator: c.operator.clone(),
        key: c.key.clone(),
        values: c.values.clone(),
        from_deny,
    }
}

/// Makes every condition of an `Allow` statement true where the request can; returns the
/// conditions as requirements.
pub(crate) fn satisfy_allow(
    conditions: &[Condition],
    side: Side,
    w: &mut WitnessRequest,
    fixed: &RequestContext,
) -> Vec<Requirement> {
    let mut out = Vec::with_capacity(conditions.len());
    for c in conditions {
        if let Ok(op) = Operator::parse(&c.operator) {
            let choice = if op.base.is_negated() {
                Choice::Skip
            } else {
                satisfying(op, &c.values, fixed)
            };
            set_key(w, &c.key, choice);
        }
        out.push(requirement(c, side, false));
    }
    out
}

/// For a service caller, principal tags are what the service says on the caller's behalf
/// (IAM Roles Anywhere maps certificate fields to `aws:PrincipalTag/x509…`, IAM-RULES §7.3):
/// chooses them like request keys.
pub(crate) fn satisfy_service_tags(
    conditions: &[Condition],
    w: &mut WitnessRequest,
    fixed: &RequestContext,
) {
    for c in conditions {
        if !c.key.to_ascii_lowercase().starts_with("aws:principaltag/") {
            continue;
        }
        if let Ok(op) = Operator::parse(&c.operator)
            && !op.base.is_negated()
            && let Choice::Set(v) = satisfying(op, &c.values, fixed)
        {
            w.context.insert(c.key.clone(), v);
        }
    }
}

/// Makes one condition of a `Deny` statement false, when a request choice can; returns the
/// condition kept false as a requirement, or `None` when the request cannot escape the deny.
pub(crate) fn escape_deny(
    conditions: &[Condition],
    side: Side,
    w: &mut WitnessRequest,
    fixed: &RequestContext,
) -> Option<Requirement> {
    for c in conditions {
        if !RequirementKind::of_key(&c.key).is_request_choice() {
            continue;
        }
        let Ok(op) = Operator::parse(&c.operator) else {
            continue;
        };
        match refuting(op, &c.values, fixed) {
            Choice::Skip => {}
            choice => {
                set_key(w, &c.key, choice);
                return Some(requirement(c, side, true));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        Condition {
            operator: op.to_owned(),
            key: key.to_owned(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    #[test]
    fn request_choices_are_routed_to_sts_parameters() {
        let mut w = WitnessRequest {
            session_name: "rolescope".into(),
            ..WitnessRequest::default()
        };
        let conds = [
            cond("StringEquals", "sts:ExternalId", &["acme-42"]),
            cond("Bool", "aws:MultiFactorAuthPresent", &["true"]),
            cond("IpAddress", "aws:SourceIp", &["10.1.0.0/16"]),
            cond("StringLike", "sts:RoleSessionName", &["ops-*"]),
            cond("StringEquals", "aws:RequestTag/team", &["data"]),
            cond(
                "StringLike",
                "token.actions.githubusercontent.com:sub",
                &["repo:acme/app:*"],
            ),
            cond("StringEquals", "aws:PrincipalOrgID", &["o-1"]),
        ];
        let reqs = satisfy_allow(&conds, Side::Trust, &mut w, &RequestContext::new());
        assert_eq!(w.external_id.as_deref(), Some("acme-42"));
        assert!(w.mfa);
        assert_eq!(
            w.context.get("aws:SourceIp"),
            Some(&ContextValue::Single("10.1.0.0".into()))
        );
        assert_eq!(w.session_name, "ops-x");
        assert_eq!(w.tags, vec![("team".to_owned(), "data".to_owned())]);
        assert_eq!(
            w.claims.get("token.actions.githubusercontent.com:sub"),
            Some(&ContextValue::Single("repo:acme/app:x".into()))
        );
        // Who the caller is is not chosen by the request.
        assert!(!w.context.contains_key("aws:PrincipalOrgID"));
        assert_eq!(reqs.len(), 7);
        assert_eq!(reqs[6].kind, RequirementKind::Organization);
    }

    #[test]
    fn a_deny_on_a_source_ip_outside_a_range_is_escaped_from_inside_it() {
        let mut w = WitnessRequest::default();
        let r = escape_deny(
            &[cond("NotIpAddress", "aws:SourceIp", &["192.0.2.0/24"])],
            Side::Trust,
            &mut w,
            &RequestContext::new(),
        );
        assert!(r.is_some_and(|r| r.from_deny));
        assert_eq!(
            w.context.get("aws:SourceIp"),
            Some(&ContextValue::Single("192.0.2.0".into()))
        );
    }

    #[test]
    fn numeric_and_date_bounds_get_values_inside_them() {
        let mut w = WitnessRequest::default();
        satisfy_allow(
            &[
                cond("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"]),
                cond(
                    "DateLessThan",
                    "aws:SourceArnDate",
                    &["2030-01-01T00:00:00Z"],
                ),
            ],
            Side::Trust,
            &mut w,
            &RequestContext::new(),
        );
        assert!(w.mfa);
        assert_eq!(
            w.context.get("aws:SourceArnDate"),
            Some(&ContextValue::Single("2029-12-31T23:59:59Z".into()))
        );
    }
}
