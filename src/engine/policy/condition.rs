//! Condition operators: parsing an operator name, compiling its values once, and evaluating
//! one operator/key pair against a request context, as AWS defines it
//! [UG:reference_policies_elements_condition_operators], [UG:reference_policies_multi-value-conditions].
//!
//! The rules pinned here (IAM-RULES §4.4):
//! - several values of one key are ORed; a negated operator (`StringNotEquals`, `NotIpAddress`,
//!   …) is true when the request value matches *none* of them;
//! - a missing key makes every operator false except the negated ones (true), `…IfExists`
//!   (true) and `Null`;
//! - `ForAllValues:` is true when every request value matches (and when the key is missing or
//!   its set is empty); `ForAnyValue:` when at least one does (false when missing or empty);
//! - an unresolvable policy variable never matches (so a negated operator is then true).
//!
//! Blocks (operators ANDed, keys ANDed) are evaluated by `policy::compiled`.

use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use ipnet::IpNet;
use serde::Serialize;

use super::context::{ContextValue, RequestContext, ValueCache};
use super::pattern::{ArnParts, ArnPattern, Wildcard, arn_glob_match, glob_match};
use super::variables::Template;

/// `ForAllValues:` / `ForAnyValue:` or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

/// An operator without its qualifier and `IfExists` suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BaseOperator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// The operator name closest to an unknown one (`StringEqualsSortOf` → `StringEquals`), with
/// its `ForAllValues:`/`ForAnyValue:` prefix and `IfExists` suffix kept, when one is close.
#[must_use]
pub fn closest_operator(name: &str) -> Option<String> {
    let (prefix, rest) = ["ForAllValues:", "ForAnyValue:"]
        .iter()
        .find_map(|p| strip_prefix_ignore_case(name, p).map(|r| (*p, r)))
        .unwrap_or(("", name));
    let lower = rest.to_ascii_lowercase();
    let candidates = BASE_OPERATORS
        .iter()
        .flat_map(|(n, _)| [n.to_string(), format!("{n}IfExists")]);
    candidates
        .map(|c| {
            (
                strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, c)| *d <= (c.len() / 2).max(3))
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| format!("{prefix}{c}"))
}

const BASE_OPERATORS: &[(&str, BaseOperator)] = &[
    ("StringEquals", BaseOperator::StringEquals),
    ("StringNotEquals", BaseOperator::StringNotEquals),
    (
        "StringEqualsIgnoreCase",
        BaseOperator::StringEqualsIgnoreCase,
    ),
    (
        "StringNotEqualsIgnoreCase",
        BaseOperator::StringNotEqualsIgnoreCase,
    ),
    ("StringLike", BaseOperator::StringLike),
    ("StringNotLike", BaseOperator::StringNotLike),
    ("NumericEquals", BaseOperator::NumericEquals),
    ("NumericNotEquals", BaseOperator::NumericNotEquals),
    ("NumericLessThan", BaseOperator::NumericLessThan),
    ("NumericLessThanEquals", BaseOperator::NumericLessThanEquals),
    ("NumericGreaterThan", BaseOperator::NumericGreaterThan),
    (
        "NumericGreaterThanEquals",
        BaseOperator::NumericGreaterThanEquals,
    ),
    ("DateEquals", BaseOperator::DateEquals),
    ("DateNotEquals", BaseOperator::DateNotEquals),
    ("DateLessThan", BaseOperator::DateLessThan),
    ("DateLessThanEquals", BaseOperator::DateLessThanEquals),
    ("DateGreaterThan", BaseOperator::DateGreaterThan),
    ("DateGreaterThanEquals", BaseOperator::DateGreaterThanEquals),
    ("Bool", BaseOperator::Bool),
    ("BinaryEquals", BaseOperator::BinaryEquals),
    ("IpAddress", BaseOperator::IpAddress),
    ("NotIpAddress", BaseOperator::NotIpAddress),
    ("ArnEquals", BaseOperator::ArnEquals),
    ("ArnLike", BaseOperator::ArnLike),
    ("ArnNotEquals", BaseOperator::ArnNotEquals),
    ("ArnNotLike", BaseOperator::ArnNotLike),
    ("Null", BaseOperator::Null),
];

/// The family of an operator, which decides how its values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

impl BaseOperator {
    /// The operator's name as written in a policy.
    #[must_use]
    pub fn name(self) -> &'static str {
        BASE_OPERATORS
            .iter()
            .find(|(_, op)| *op == self)
            .map_or("", |(n, _)| n)
    }

    /// True for the operators that are true when the request matches none of the values.
    #[must_use]
    pub fn is_negated(self) -> bool {
        use BaseOperator as B;
        matches!(
            self,
            B::StringNotEquals
                | B::StringNotEqualsIgnoreCase
                | B::StringNotLike
                | B::NumericNotEquals
                | B::DateNotEquals
                | B::NotIpAddress
                | B::ArnNotEquals
                | B::ArnNotLike
        )
    }

    #[must_use]
    pub fn family(self) -> Family {
        use BaseOperator as B;
        match self {
            B::StringEquals
            | B::StringNotEquals
            | B::StringEqualsIgnoreCase
            | B::StringNotEqualsIgnoreCase
            | B::StringLike
            | B::StringNotLike => Family::String,
            B::NumericEquals
            | B::NumericNotEquals
            | B::NumericLessThan
            | B::NumericLessThanEquals
            | B::NumericGreaterThan
            | B::NumericGreaterThanEquals => Family::Numeric,
            B::DateEquals
            | B::DateNotEquals
            | B::DateLessThan
            | B::DateLessThanEquals
            | B::DateGreaterThan
            | B::DateGreaterThanEquals => Family::Date,
            B::Bool => Family::Bool,
            B::BinaryEquals => Family::Binary,
            B::IpAddress | B::NotIpAddress => Family::Ip,
            B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => Family::Arn,
            B::Null => Family::Null,
        }
    }

    /// Policy variables are read in string, `Bool` and ARN values only.
    #[must_use]
    pub fn allows_variables(self) -> bool {
        matches!(self.family(), Family::String | Family::Bool | Family::Arn)
    }
}

/// `BinaryEquals` compares bytes: the policy holds them base64-encoded, and a request value
/// given as base64 is decoded the same way, so padding and line breaks do not matter
/// [UG:reference_policies_elements_condition_operators#Conditions_BinaryEquals]. Text that
/// is not base64 is compared as it is.
fn binary_equal(policy: &str, request: &str) -> bool {
    use base64::Engine as _;
    let decode = |t: &str| {
        let clean: String = t.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(clean.trim_end_matches('='))
            .ok()
    };
    if policy == request {
        return true;
    }
    match (decode(policy), decode(request)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// A parsed condition operator: `[ForAllValues:|ForAnyValue:]Base[IfExists]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Operator {
    pub qualifier: Option<SetQualifier>,
    pub base: BaseOperator,
    pub if_exists: bool,
}

/// Why an operator name was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OperatorError {
    #[error(
        "unknown condition operator `{0}`; use one of StringEquals, StringLike, NumericLessThan, DateGreaterThan, Bool, IpAddress, ArnLike, Null, …"
    )]
    Unknown(String),
    #[error("`Null` cannot take the `IfExists` suffix; write `Null`")]
    NullIfExists,
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

impl Operator {
    /// Parses an operator name as written in a policy. Names are read without regard to
    /// case (`stringequals` is `StringEquals`), as the independent simulator reads them; the
    /// IAM User Guide only ever writes them in their canonical case and does not say IAM
    /// rejects other spellings [UG:reference_policies_elements_condition_operators].
    ///
    /// # Errors
    /// When the name is not a known operator, or is `NullIfExists`.
    pub fn parse(name: &str) -> Result<Self, OperatorError> {
        let (qualifier, rest) = if let Some(r) = strip_prefix_ignore_case(name, "ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = strip_prefix_ignore_case(name, "ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, name)
        };
        let find = |n: &str| {
            BASE_OPERATORS
                .iter()
                .find(|(known, _)| known.eq_ignore_ascii_case(n))
                .map(|(_, op)| *op)
        };
        // `…IfExists` is a suffix, but an operator name never ends in it, so the whole name
        // is tried first only to keep the lookup exact.
        let (base, if_exists) = match find(rest) {
            Some(op) => (op, false),
            None => {
                let cut = rest.len().checked_sub("IfExists".len());
                let stem = cut
                    .filter(|&c| rest.is_char_boundary(c))
                    .filter(|&c| rest[c..].eq_ignore_ascii_case("IfExists"))
                    .map(|c| &rest[..c]);
                let op = stem
                    .and_then(find)
                    .ok_or_else(|| OperatorError::Unknown(name.to_owned()))?;
                (op, true)
            }
        };
        if base == BaseOperator::Null && if_exists {
            return Err(OperatorError::NullIfExists);
        }
        Ok(Self {
            qualifier,
            base,
            if_exists,
        })
    }
}

/// A string value: plain, or with policy variables.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StrValue {
    Plain(String),
    Template(Template),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum LikeValue {
    Plain(Wildcard),
    Template(Template),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ArnValue {
    Plain(ArnPattern),
    Template(Template),
}

/// The compiled values of one condition, by family. `None` entries could not be read (a
/// number that is not a number) and match nothing; validation reports them.
#[derive(Debug, Clone, PartialEq)]
enum Values {
    /// StringEquals / NotEquals (case-sensitive) and the IgnoreCase pair (values lowercased).
    Strings(Vec<StrValue>),
    Likes(Vec<LikeValue>),
    Numbers(Vec<Option<f64>>),
    Dates(Vec<Option<i64>>),
    Bools(Vec<StrValue>),
    Binary(Vec<String>),
    Ips(Vec<Option<IpNet>>),
    Arns(Vec<ArnValue>),
    Null(Vec<Option<bool>>),
}

/// One operator/key pair compiled for evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledCondition {
    /// `None` when the operator name is unknown: such a condition is never true.
    pub operator: Option<Operator>,
    /// The operator as written.
    pub operator_name: String,
    /// The key as written.
    pub key: String,
    lower_key: String,
    values: Option<Values>,
}

/// Parses a date as AWS's date operators read it: ISO 8601 (date, date-time with `Z` or an
/// offset, optional fractional seconds) or epoch seconds. Returns epoch milliseconds.
#[must_use]
pub fn parse_date(text: &str) -> Option<i64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().ok().map(|s| s.saturating_mul(1000));
    }
    if let Some(ms) = parse_utc_seconds(t) {
        return Some(ms);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.timestamp_millis());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.fZ",
        "%Y-%m-%dT%H:%M:%SZ",
        "%Y-%m-%dT%H:%MZ",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(ndt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(ndt.and_utc().timestamp_millis());
        }
    }
    if let Ok(dt) = DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%z") {
        return Some(dt.timestamp_millis());
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return d
            .and_hms_opt(0, 0, 0)
            .map(|ndt| ndt.and_utc().timestamp_millis());
    }
    None
}

/// The common `YYYY-MM-DDTHH:MM:SSZ` form (what AWS puts in `aws:CurrentTime`), read
/// without the general parser. `None` for anything else, including days past the 28th, which
/// the general parser checks against the month.
fn parse_utc_seconds(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut v = 0i64;
        for &c in &b[r] {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Some(v)
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=28).contains(&d) || hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + hh * 3_600 + mm * 60 + ss) * 1_000)
}

/// Formats a time as AWS puts it in `aws:CurrentTime` / `aws:TokenIssueTime`.
#[must_use]
pub fn format_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parses a number as the numeric operators read it.
#[must_use]
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parses a CIDR or bare address (a bare IPv4 address is /32, IPv6 /128).
#[must_use]
pub fn parse_cidr(text: &str) -> Option<IpNet> {
    let t = text.trim();
    t.parse::<IpNet>()
        .ok()
        .or_else(|| t.parse::<IpAddr>().ok().map(IpNet::from))
}

fn str_value(text: &str, variables: bool, lower: bool) -> StrValue {
    let text = if lower {
        text.to_lowercase()
    } else {
        text.to_owned()
    };
    match variables.then(|| Template::parse(&text)).flatten() {
        Some(t) => StrValue::Template(t),
        None => StrValue::Plain(text),
    }
}

impl CompiledCondition {
    /// Compiles one operator/key pair; `variables` is true under Version 2012-10-17.
    #[must_use]
    pub fn compile(operator_name: &str, key: &str, values: &[String], variables: bool) -> Self {
        let operator = Operator::parse(operator_name).ok();
        let compiled = operator.map(|op| {
            use BaseOperator as B;
            let vars = variables && op.base.allows_variables();
            match op.base.family() {
                Family::String => match op.base {
                    B::StringLike | B::StringNotLike => Values::Likes(
                        values
                            .iter()
                            .map(|v| match vars.then(|| Template::parse(v)).flatten() {
                                Some(t) => LikeValue::Template(t),
                                None => LikeValue::Plain(Wildcard::new(v, false)),
                            })
                            .collect(),
                    ),
                    B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase => {
                        Values::Strings(values.iter().map(|v| str_value(v, vars, true)).collect())
                    }
                    _ => {
                        Values::Strings(values.iter().map(|v| str_value(v, vars, false)).collect())
                    }
                },
                Family::Numeric => {
                    Values::Numbers(values.iter().map(|v| parse_number(v)).collect())
                }
                Family::Date => Values::Dates(values.iter().map(|v| parse_date(v)).collect()),
                Family::Bool => {
                    Values::Bools(values.iter().map(|v| str_value(v, vars, true)).collect())
                }
                Family::Binary => Values::Binary(values.to_vec()),
                Family::Ip => Values::Ips(values.iter().map(|v| parse_cidr(v)).collect()),
                Family::Arn => Values::Arns(
                    values
                        .iter()
                        .map(|v| match vars.then(|| Template::parse(v)).flatten() {
                            Some(t) => ArnValue::Template(t),
                            None => ArnValue::Plain(ArnPattern::new(v)),
                        })
                        .collect(),
                ),
                Family::Null => Values::Null(
                    values
                        .iter()
                        .map(|v| match v.to_ascii_lowercase().as_str() {
                            "true" => Some(true),
                            "false" => Some(false),
                            _ => None,
                        })
                        .collect(),
                ),
            }
        });
        Self {
            operator,
            operator_name: operator_name.to_owned(),
            key: key.to_owned(),
            lower_key: key.to_lowercase(),
            values: compiled,
        }
    }

    /// The key lowercased.
    #[must_use]
    pub fn lower_key(&self) -> &str {
        &self.lower_key
    }

    /// Evaluates the pair. Keys the request lacks (the condition key itself, or a variable in
    /// a value) are pushed to `missing` as written.
    pub fn evaluate(&self, ctx: &RequestContext, missing: &mut Vec<String>) -> bool {
        let (Some(op), Some(values)) = (self.operator, &self.values) else {
            return false;
        };
        let (found, cache) = match ctx.get_lowercase_cached(&self.lower_key) {
            Some((v, c)) => (Some(v), matches!(v, ContextValue::Single(_)).then_some(c)),
            None => (None, None),
        };
        if let Values::Null(expected) = values {
            let absent = match found {
                None => true,
                Some(ContextValue::Multi(v)) => v.is_empty(),
                Some(ContextValue::Single(_)) => false,
            };
            return expected.contains(&Some(absent));
        }
        let negated = op.base.is_negated();
        let Some(found) = found else {
            if !missing.iter().any(|m| m.eq_ignore_ascii_case(&self.key)) {
                missing.push(self.key.clone());
            }
            return match op.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => op.if_exists,
                None => op.if_exists || negated,
            };
        };
        let request = found.values();
        match op.qualifier {
            Some(SetQualifier::ForAllValues) => request
                .iter()
                .all(|v| self.any_matches(op.base, values, v, cache, ctx, missing) != negated),
            Some(SetQualifier::ForAnyValue) => request
                .iter()
                .any(|v| self.any_matches(op.base, values, v, cache, ctx, missing) != negated),
            None => {
                if request.is_empty() {
                    // An empty set behaves as a missing key.
                    return op.if_exists || negated;
                }
                let any = request
                    .iter()
                    .any(|v| self.any_matches(op.base, values, v, cache, ctx, missing));
                any != negated
            }
        }
    }

    /// True when the request value matches at least one policy value under the positive
    /// form of `base`. `cache` is the parse cache of a single-valued request value.
    fn any_matches(
        &self,
        base: BaseOperator,
        values: &Values,
        request: &str,
        cache: Option<&ValueCache>,
        ctx: &RequestContext,
        missing: &mut Vec<String>,
    ) -> bool {
        use BaseOperator as B;
        match values {
            Values::Strings(list) => {
                let ignore_case = matches!(
                    base,
                    B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase
                );
                let lowered;
                let req = if ignore_case && request.chars().any(char::is_uppercase) {
                    lowered = request.to_lowercase();
                    lowered.as_str()
                } else {
                    request
                };
                list.iter().any(|v| match v {
                    StrValue::Plain(s) => s == req,
                    StrValue::Template(t) => t.resolve_string(ctx, missing).is_some_and(|s| {
                        if ignore_case {
                            s.to_lowercase() == req
                        } else {
                            s == req
                        }
                    }),
                })
            }
            Values::Likes(list) => list.iter().any(|v| match v {
                LikeValue::Plain(w) => w.matches(request),
                LikeValue::Template(t) => match t.resolve_glob(ctx, missing) {
                    None => false,
                    Some((text, false)) => glob_match(&text, request),
                    Some((_, true)) => t
                        .resolve_pieces(ctx, missing)
                        .is_some_and(|p| Wildcard::from_pieces(p).matches(request)),
                },
            }),
            Values::Numbers(list) => {
                let Some(r) = parse_number(request) else {
                    return false;
                };
                list.iter().flatten().any(|&p| match base {
                    B::NumericEquals | B::NumericNotEquals => r == p,
                    B::NumericLessThan => r < p,
                    B::NumericLessThanEquals => r <= p,
                    B::NumericGreaterThan => r > p,
                    B::NumericGreaterThanEquals => r >= p,
                    _ => false,
                })
            }
            Values::Dates(list) => {
                let parsed = match cache {
                    Some(c) => c.date(request, parse_date),
                    None => parse_date(request),
                };
                let Some(r) = parsed else {
                    return false;
                };
                list.iter().flatten().any(|&p| match base {
                    B::DateEquals | B::DateNotEquals => r == p,
                    B::DateLessThan => r < p,
                    B::DateLessThanEquals => r <= p,
                    B::DateGreaterThan => r > p,
                    B::DateGreaterThanEquals => r >= p,
                    _ => false,
                })
            }
            Values::Bools(list) => list.iter().any(|v| match v {
                StrValue::Plain(s) => s.eq_ignore_ascii_case(request),
                StrValue::Template(t) => t
                    .resolve_string(ctx, missing)
                    .is_some_and(|s| s.eq_ignore_ascii_case(request)),
            }),
            Values::Binary(list) => list.iter().any(|v| binary_equal(v, request)),
            Values::Ips(list) if cache.is_some() => {
                let net = cache.and_then(|c| {
                    c.ip(request, |t| {
                        parse_request_ip(t).map(|ip| match ip {
                            // A host address is contained where its one-address network is.
                            RequestIp::Addr(a) => IpNet::from(a),
                            RequestIp::Net(n) => n,
                        })
                    })
                });
                let Some(net) = net else {
                    return false;
                };
                list.iter().flatten().any(|p| p.contains(&net))
            }
            Values::Ips(list) => {
                let Some(addr) = parse_request_ip(request) else {
                    return false;
                };
                list.iter().flatten().any(|net| match addr {
                    RequestIp::Addr(a) => net.contains(&a),
                    RequestIp::Net(n) => net.contains(&n),
                })
            }
            Values::Arns(list) => list.iter().any(|v| match v {
                ArnValue::Plain(p) => p.matches(request),
                ArnValue::Template(t) => match t.resolve_glob(ctx, missing) {
                    None => false,
                    Some((text, false)) => arn_glob_match(&text, &ArnParts::new(request)),
                    Some((_, true)) => t
                        .resolve_pieces(ctx, missing)
                        .is_some_and(|p| ArnPattern::from_pieces(&p).matches(request)),
                },
            }),
            Values::Null(_) => false,
        }
    }

    /// Values that could not be read for this operator's family (for validation), as
    /// `(index, value)`.
    #[must_use]
    pub fn unreadable_values<'a>(&self, written: &'a [String]) -> Vec<(usize, &'a str)> {
        let Some(values) = &self.values else {
            return Vec::new();
        };
        let bad: Vec<usize> = match values {
            Values::Numbers(v) => indices_of_none(v),
            Values::Dates(v) => indices_of_none(v),
            Values::Ips(v) => indices_of_none(v),
            Values::Null(v) => indices_of_none(v),
            _ => Vec::new(),
        };
        bad.into_iter()
            .filter_map(|i| written.get(i).map(|w| (i, w.as_str())))
            .collect()
    }
}

fn indices_of_none<T>(v: &[Option<T>]) -> Vec<usize> {
    v.iter()
        .enumerate()
        .filter_map(|(i, x)| x.is_none().then_some(i))
        .collect()
}

enum RequestIp {
    Addr(IpAddr),
    Net(IpNet),
}

fn parse_request_ip(text: &str) -> Option<RequestIp> {
    let t = text.trim();
    if let Ok(a) = t.parse::<IpAddr>() {
        return Some(RequestIp::Addr(a));
    }
    t.parse::<IpNet>().ok().map(RequestIp::Net)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A single-valued request address is parsed once and kept with the context; the
    /// answer must be the one the uncached reading (used for multivalued keys) gives.
    #[test]
    fn cached_request_addresses_and_dates_match_as_uncached_ones() {
        let cases = [
            ("IpAddress", "203.0.113.0/24"),
            ("IpAddress", "2001:db8::/32"),
            ("NotIpAddress", "203.0.113.0/24"),
            ("IpAddress", "10.0.0.0/8"),
            ("IpAddress", "::ffff:203.0.113.0/120"),
            ("DateLessThan", "2026-11-24T09:00:00Z"),
            ("DateGreaterThanEquals", "1700000000"),
        ];
        let requests = [
            "203.0.113.10",
            "203.0.113.0/28",
            "10.1.2.3",
            "2001:db8::1",
            "::ffff:203.0.113.5",
            "not an address",
            "2026-11-24T08:59:59Z",
            "2026-11-24T09:00:00Z",
            "1700000000",
        ];
        for (op, policy_value) in cases {
            let c = CompiledCondition::compile(op, "k", &[policy_value.to_owned()], true);
            for r in requests {
                let single = RequestContext::new().with("k", r);
                let multi = RequestContext::new().with("k", vec![r.to_owned()]);
                let mut missing = Vec::new();
                let uncached = c.evaluate(&multi, &mut missing);
                assert_eq!(
                    c.evaluate(&single, &mut missing),
                    uncached,
                    "{op} {policy_value} {r}"
                );
                // Second use reads the cache.
                assert_eq!(
                    c.evaluate(&single, &mut missing),
                    uncached,
                    "{op} {policy_value} {r}"
                );
            }
        }
    }

    #[test]
    fn the_quick_date_reader_agrees_with_the_general_one() {
        for t in [
            "1970-01-01T00:00:00Z",
            "1969-12-28T23:59:59Z",
            "2000-02-28T12:34:56Z",
            "2024-02-28T23:59:59Z",
            "2026-11-24T09:00:00Z",
            "2100-03-01T00:00:00Z",
            "1600-01-01T00:00:00Z",
        ] {
            let general = DateTime::parse_from_rfc3339(t).unwrap().timestamp_millis();
            assert_eq!(parse_utc_seconds(t), Some(general), "{t}");
        }
        assert_eq!(parse_utc_seconds("2026-02-30T00:00:00Z"), None);
        assert_eq!(parse_date("2026-02-30T00:00:00Z"), None);
        assert_eq!(parse_utc_seconds("2026-13-01T00:00:00Z"), None);
    }
}
