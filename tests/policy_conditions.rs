//! Condition operators, one table per family, each row named after the documented rule it
//! pins [UG:reference_policies_elements_condition_operators],
//! [UG:reference_policies_multi-value-conditions], [UG:reference_policies_variables]
//! (IAM-RULES §4.4, §4.5).

#![allow(clippy::unwrap_used, reason = "tests")]

use rolescope::engine::policy::condition::CompiledCondition;
use rolescope::engine::policy::{ContextValue, RequestContext};

/// What the request carries under the key.
#[derive(Clone)]
enum Req {
    Absent,
    One(&'static str),
    Many(&'static [&'static str]),
}

struct Row {
    rule: &'static str,
    op: &'static str,
    values: &'static [&'static str],
    req: Req,
    want: bool,
}

const KEY: &str = "test:Key";

fn run(rows: &[Row]) {
    run_with(rows, true, RequestContext::new());
}

fn run_with(rows: &[Row], variables: bool, base: RequestContext) {
    let mut failures = Vec::new();
    for r in rows {
        let values: Vec<String> = r.values.iter().map(|s| (*s).to_owned()).collect();
        let c = CompiledCondition::compile(r.op, KEY, &values, variables);
        let mut ctx = base.clone();
        match &r.req {
            Req::Absent => {}
            Req::One(v) => ctx.insert(KEY, *v),
            Req::Many(vs) => ctx.insert(
                KEY,
                ContextValue::Multi(vs.iter().map(|s| (*s).to_owned()).collect()),
            ),
        }
        let mut missing = Vec::new();
        let got = c.evaluate(&ctx, &mut missing);
        if got != r.want {
            failures.push(format!("{}: {} got {got}, want {}", r.rule, r.op, r.want));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

macro_rules! row {
    ($rule:ident, $op:expr, [$($v:expr),*], $req:expr, $want:expr) => {
        Row { rule: stringify!($rule), op: $op, values: &[$($v),*], req: $req, want: $want }
    };
}

use Req::{Absent, Many, One};

#[test]
fn string_operators() {
    run(&[
        row!(
            string_equals_is_case_sensitive,
            "StringEquals",
            ["Alice"],
            One("alice"),
            false
        ),
        row!(
            string_equals_matches_exactly,
            "StringEquals",
            ["alice"],
            One("alice"),
            true
        ),
        row!(
            several_values_are_ored,
            "StringEquals",
            ["bob", "alice"],
            One("alice"),
            true
        ),
        row!(
            string_not_equals_true_when_no_value_matches,
            "StringNotEquals",
            ["a", "b"],
            One("c"),
            true
        ),
        row!(
            string_not_equals_over_several_values_is_false_when_one_matches,
            "StringNotEquals",
            ["a", "b"],
            One("b"),
            false
        ),
        row!(
            equals_ignore_case_folds_case,
            "StringEqualsIgnoreCase",
            ["ALICE"],
            One("alice"),
            true
        ),
        row!(
            not_equals_ignore_case_folds_case,
            "StringNotEqualsIgnoreCase",
            ["ALICE"],
            One("Alice"),
            false
        ),
        row!(
            string_like_star_spans_anything,
            "StringLike",
            ["repo:org/app:*"],
            One("repo:org/app:ref:refs/heads/main"),
            true
        ),
        row!(
            string_like_question_mark_is_one_character,
            "StringLike",
            ["v?"],
            One("v12"),
            false
        ),
        row!(
            string_like_is_case_sensitive,
            "StringLike",
            ["Prod-*"],
            One("prod-1"),
            false
        ),
        row!(
            string_not_like_true_when_no_pattern_matches,
            "StringNotLike",
            ["dev-*", "test-*"],
            One("prod-1"),
            true
        ),
        row!(
            string_not_like_false_when_a_pattern_matches,
            "StringNotLike",
            ["dev-*", "test-*"],
            One("test-1"),
            false
        ),
    ]);
}

#[test]
fn numeric_operators() {
    run(&[
        row!(
            numeric_equals_compares_numbers_not_text,
            "NumericEquals",
            ["10"],
            One("10.0"),
            true
        ),
        row!(
            numeric_not_equals,
            "NumericNotEquals",
            ["10", "20"],
            One("15"),
            true
        ),
        row!(
            numeric_less_than,
            "NumericLessThan",
            ["3600"],
            One("120"),
            true
        ),
        row!(
            numeric_less_than_is_strict,
            "NumericLessThan",
            ["3600"],
            One("3600"),
            false
        ),
        row!(
            numeric_less_than_equals,
            "NumericLessThanEquals",
            ["3600"],
            One("3600"),
            true
        ),
        row!(
            numeric_greater_than,
            "NumericGreaterThan",
            ["5"],
            One("6"),
            true
        ),
        row!(
            numeric_greater_than_equals,
            "NumericGreaterThanEquals",
            ["5"],
            One("4.5"),
            false
        ),
        row!(
            numeric_request_value_that_is_not_a_number_never_matches,
            "NumericEquals",
            ["1"],
            One("one"),
            false
        ),
    ]);
}

#[test]
fn date_operators_read_iso_8601_and_epoch_seconds() {
    run(&[
        row!(
            date_less_than_iso,
            "DateLessThan",
            ["2026-01-01T00:00:00Z"],
            One("2025-12-31T23:59:59Z"),
            true
        ),
        row!(
            date_less_than_epoch_request,
            "DateLessThan",
            ["2026-01-01T00:00:00Z"],
            One("1767225599"),
            true
        ),
        row!(
            date_policy_value_in_epoch_seconds,
            "DateGreaterThan",
            ["1767225600"],
            One("2026-01-01T00:00:01Z"),
            true
        ),
        row!(
            date_equals_across_formats,
            "DateEquals",
            ["2026-01-01"],
            One("2026-01-01T00:00:00Z"),
            true
        ),
        row!(
            date_with_offset,
            "DateEquals",
            ["2026-01-01T02:00:00+02:00"],
            One("2026-01-01T00:00:00Z"),
            true
        ),
        row!(
            date_with_fraction,
            "DateLessThanEquals",
            ["2026-01-01T00:00:00.000Z"],
            One("2026-01-01T00:00:00Z"),
            true
        ),
        row!(
            date_not_equals,
            "DateNotEquals",
            ["2026-01-01T00:00:00Z"],
            One("2026-01-02T00:00:00Z"),
            true
        ),
        row!(
            date_greater_than_equals,
            "DateGreaterThanEquals",
            ["2026-01-01T00:00:00Z"],
            One("2025-01-01T00:00:00Z"),
            false
        ),
    ]);
}

#[test]
fn bool_binary_ip_and_arn_operators() {
    run(&[
        row!(bool_true_matches_true, "Bool", ["true"], One("true"), true),
        row!(
            bool_value_is_case_insensitive,
            "Bool",
            ["True"],
            One("true"),
            true
        ),
        row!(
            bool_false_does_not_match_true,
            "Bool",
            ["false"],
            One("true"),
            false
        ),
        row!(
            binary_equals_compares_base64,
            "BinaryEquals",
            ["QmluYXJ5VmFsdWU="],
            One("QmluYXJ5VmFsdWU="),
            true
        ),
        row!(
            binary_equals_compares_bytes_not_padding,
            "BinaryEquals",
            ["QmluYXJ5VmFsdWU="],
            One("QmluYXJ5VmFsdWU"),
            true
        ),
        row!(
            binary_equals_different_bytes_do_not_match,
            "BinaryEquals",
            ["QmluYXJ5VmFsdWU="],
            One("T3RoZXJWYWx1ZQ=="),
            false
        ),
        row!(
            ip_address_in_cidr,
            "IpAddress",
            ["203.0.113.0/24"],
            One("203.0.113.7"),
            true
        ),
        row!(
            ip_address_outside_cidr,
            "IpAddress",
            ["203.0.113.0/24"],
            One("198.51.100.7"),
            false
        ),
        row!(
            bare_ip_is_a_slash_32,
            "IpAddress",
            ["203.0.113.7"],
            One("203.0.113.7"),
            true
        ),
        row!(
            ipv6_cidr,
            "IpAddress",
            ["2001:db8::/32"],
            One("2001:db8:1234::1"),
            true
        ),
        row!(
            ipv4_request_outside_ipv6_block,
            "IpAddress",
            ["2001:db8::/32"],
            One("203.0.113.7"),
            false
        ),
        row!(
            not_ip_address_outside_every_block,
            "NotIpAddress",
            ["203.0.113.0/24", "2001:db8::/32"],
            One("198.51.100.1"),
            true
        ),
        row!(
            not_ip_address_inside_a_block,
            "NotIpAddress",
            ["203.0.113.0/24", "2001:db8::/32"],
            One("2001:db8::9"),
            false
        ),
        row!(
            arn_like_matches_part_by_part,
            "ArnLike",
            ["arn:aws:iam::*:role/deploy/*"],
            One("arn:aws:iam::123456789012:role/deploy/app"),
            true
        ),
        row!(
            arn_like_star_does_not_cross_parts,
            "ArnLike",
            ["arn:aws:someservice:*:111122223333:finance/*"],
            One(
                "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
            ),
            false
        ),
        row!(
            string_like_does_cross_parts,
            "StringLike",
            ["arn:aws:someservice:*:111122223333:finance/*"],
            One(
                "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
            ),
            true
        ),
        row!(
            arn_equals_is_arn_like,
            "ArnEquals",
            ["arn:aws:iam::123456789012:role/*"],
            One("arn:aws:iam::123456789012:role/x"),
            true
        ),
        row!(
            arn_operators_are_case_sensitive,
            "ArnEquals",
            ["arn:aws:iam::123456789012:role/Admin"],
            One("arn:aws:iam::123456789012:role/admin"),
            false
        ),
        row!(
            arn_not_like,
            "ArnNotLike",
            ["arn:aws:iam::123456789012:role/admin*"],
            One("arn:aws:iam::123456789012:role/dev"),
            true
        ),
        row!(
            arn_not_equals_matching,
            "ArnNotEquals",
            ["arn:aws:iam::123456789012:role/dev"],
            One("arn:aws:iam::123456789012:role/dev"),
            false
        ),
    ]);
}

#[test]
fn a_missing_key_makes_positive_operators_false_and_negated_ones_true() {
    run(&[
        row!(
            missing_key_string_equals_false,
            "StringEquals",
            ["a"],
            Absent,
            false
        ),
        row!(
            missing_key_string_not_equals_true,
            "StringNotEquals",
            ["a"],
            Absent,
            true
        ),
        row!(
            missing_key_string_not_like_true,
            "StringNotLike",
            ["a*"],
            Absent,
            true
        ),
        row!(
            missing_key_numeric_less_than_false,
            "NumericLessThan",
            ["5"],
            Absent,
            false
        ),
        row!(
            missing_key_numeric_not_equals_true,
            "NumericNotEquals",
            ["5"],
            Absent,
            true
        ),
        row!(
            missing_key_date_not_equals_true,
            "DateNotEquals",
            ["2026-01-01"],
            Absent,
            true
        ),
        row!(missing_key_bool_false, "Bool", ["false"], Absent, false),
        row!(
            missing_key_not_ip_address_true,
            "NotIpAddress",
            ["10.0.0.0/8"],
            Absent,
            true
        ),
        row!(
            missing_key_arn_not_like_true,
            "ArnNotLike",
            ["arn:*"],
            Absent,
            true
        ),
        row!(
            missing_key_arn_like_false,
            "ArnLike",
            ["arn:*"],
            Absent,
            false
        ),
    ]);
}

#[test]
fn if_exists_is_true_when_the_key_is_missing_and_otherwise_the_operator() {
    run(&[
        row!(
            string_equals_if_exists_absent_true,
            "StringEqualsIfExists",
            ["a"],
            Absent,
            true
        ),
        row!(
            string_equals_if_exists_present_wrong_false,
            "StringEqualsIfExists",
            ["a"],
            One("b"),
            false
        ),
        row!(
            string_equals_if_exists_present_right_true,
            "StringEqualsIfExists",
            ["a"],
            One("a"),
            true
        ),
        row!(
            bool_if_exists_absent_true,
            "BoolIfExists",
            ["true"],
            Absent,
            true
        ),
        row!(
            bool_if_exists_present_false_value,
            "BoolIfExists",
            ["true"],
            One("false"),
            false
        ),
        row!(
            string_not_equals_if_exists_absent_true,
            "StringNotEqualsIfExists",
            ["a"],
            Absent,
            true
        ),
        row!(
            numeric_less_than_if_exists_absent_true,
            "NumericLessThanIfExists",
            ["5"],
            Absent,
            true
        ),
        row!(
            ip_address_if_exists_absent_true,
            "IpAddressIfExists",
            ["10.0.0.0/8"],
            Absent,
            true
        ),
        row!(
            arn_like_if_exists_absent_true,
            "ArnLikeIfExists",
            ["arn:*"],
            Absent,
            true
        ),
    ]);
}

#[test]
fn null_checks_presence() {
    run(&[
        row!(null_true_when_absent, "Null", ["true"], Absent, true),
        row!(
            null_true_false_when_present,
            "Null",
            ["true"],
            One("x"),
            false
        ),
        row!(null_false_when_present, "Null", ["false"], One("x"), true),
        row!(
            null_false_false_when_absent,
            "Null",
            ["false"],
            Absent,
            false
        ),
        row!(null_true_when_empty_set, "Null", ["true"], Many(&[]), true),
        // The independent simulator reads operator names without regard to case, and the
        // IAM User Guide does not say IAM rejects other spellings.
        row!(
            operator_names_are_read_without_regard_to_case,
            "stringequals",
            ["x"],
            One("x"),
            true
        ),
        row!(
            qualifier_and_suffix_are_read_without_regard_to_case,
            "forallvalues:stringEqualsifexists",
            ["x"],
            Many(&["x"]),
            true
        ),
        row!(
            null_if_exists_is_not_an_operator,
            "NullIfExists",
            ["true"],
            Absent,
            false
        ),
    ]);
}

#[test]
fn set_operators_follow_aws_empty_set_and_missing_key_rules() {
    run(&[
        row!(
            for_all_values_true_when_every_value_is_allowed,
            "ForAllValues:StringEquals",
            ["a", "b", "c"],
            Many(&["a", "c"]),
            true
        ),
        row!(
            for_all_values_false_when_one_value_is_not,
            "ForAllValues:StringEquals",
            ["a", "b"],
            Many(&["a", "z"]),
            false
        ),
        row!(
            for_all_values_true_when_key_missing,
            "ForAllValues:StringEquals",
            ["a"],
            Absent,
            true
        ),
        row!(
            for_all_values_true_when_set_empty,
            "ForAllValues:StringEquals",
            ["a"],
            Many(&[]),
            true
        ),
        row!(
            for_any_value_true_when_one_matches,
            "ForAnyValue:StringEquals",
            ["a"],
            Many(&["z", "a"]),
            true
        ),
        row!(
            for_any_value_false_when_none_matches,
            "ForAnyValue:StringEquals",
            ["a"],
            Many(&["y", "z"]),
            false
        ),
        row!(
            for_any_value_false_when_key_missing,
            "ForAnyValue:StringEquals",
            ["a"],
            Absent,
            false
        ),
        row!(
            for_any_value_false_when_set_empty,
            "ForAnyValue:StringEquals",
            ["a"],
            Many(&[]),
            false
        ),
        row!(
            for_any_value_if_exists_true_when_key_missing,
            "ForAnyValue:StringEqualsIfExists",
            ["a"],
            Absent,
            true
        ),
        row!(
            for_all_values_string_like,
            "ForAllValues:StringLike",
            ["team-*"],
            Many(&["team-a", "team-b"]),
            true
        ),
        row!(
            for_all_values_negated_true_when_no_value_is_listed,
            "ForAllValues:StringNotEquals",
            ["secret"],
            Many(&["a", "b"]),
            true
        ),
        row!(
            for_all_values_negated_false_when_a_value_is_listed,
            "ForAllValues:StringNotEquals",
            ["secret"],
            Many(&["a", "secret"]),
            false
        ),
        row!(
            for_any_value_negated_true_when_one_value_is_not_listed,
            "ForAnyValue:StringNotEquals",
            ["a"],
            Many(&["a", "b"]),
            true
        ),
        row!(
            single_valued_request_works_with_set_operators,
            "ForAnyValue:StringEquals",
            ["a"],
            One("a"),
            true
        ),
        row!(
            multivalued_request_without_qualifier_matches_any,
            "StringEquals",
            ["a"],
            Many(&["z", "a"]),
            true
        ),
    ]);
}

#[test]
fn policy_variables_in_condition_values() {
    let ctx = RequestContext::new()
        .with("aws:username", "alice")
        .with("aws:PrincipalTag/team", "blue");
    run_with(
        &[
            row!(
                variable_substitutes_the_request_value,
                "StringEquals",
                ["${aws:username}"],
                One("alice"),
                true
            ),
            row!(
                variable_key_name_is_case_insensitive,
                "StringEquals",
                ["${AWS:UserName}"],
                One("alice"),
                true
            ),
            row!(
                variable_inside_a_like_pattern,
                "StringLike",
                ["home/${aws:username}/*"],
                One("home/alice/x"),
                true
            ),
            row!(
                principal_tag_variable,
                "StringEquals",
                ["${aws:PrincipalTag/team}"],
                One("blue"),
                true
            ),
            row!(
                default_used_when_key_missing,
                "StringEquals",
                ["${aws:PrincipalTag/dept, 'none'}"],
                One("none"),
                true
            ),
            row!(
                unresolvable_variable_never_matches,
                "StringEquals",
                ["${aws:userid}"],
                One("${aws:userid}"),
                false
            ),
            row!(
                unresolvable_variable_makes_negated_operator_true,
                "StringNotEquals",
                ["${aws:userid}"],
                One("x"),
                true
            ),
            row!(
                escaped_star_is_literal_in_like,
                "StringLike",
                ["a${*}"],
                One("a*"),
                true
            ),
            row!(
                escaped_star_does_not_wildcard,
                "StringLike",
                ["a${*}"],
                One("ab"),
                false
            ),
            row!(
                escaped_question_mark_and_dollar,
                "StringEquals",
                ["${?}${$}"],
                One("?$"),
                true
            ),
            row!(
                variable_in_bool,
                "Bool",
                ["${aws:PrincipalTag/flag, 'true'}"],
                One("true"),
                true
            ),
            row!(
                variable_in_arn_like,
                "ArnLike",
                ["arn:aws:iam::*:user/${aws:username}"],
                One("arn:aws:iam::123456789012:user/alice"),
                true
            ),
            row!(
                numeric_values_take_no_variables,
                "NumericEquals",
                ["${aws:EpochTime}"],
                One("5"),
                false
            ),
        ],
        true,
        ctx.clone(),
    );
    // Under Version 2008-10-17 the text is literal [UG:reference_policies_variables].
    run_with(
        &[
            row!(
                variables_are_literal_under_the_old_version,
                "StringEquals",
                ["${aws:username}"],
                One("${aws:username}"),
                true
            ),
            row!(
                old_version_does_not_substitute,
                "StringEquals",
                ["${aws:username}"],
                One("alice"),
                false
            ),
        ],
        false,
        ctx,
    );
}

#[test]
fn missing_keys_are_reported() {
    let values = vec!["true".to_owned()];
    let c = CompiledCondition::compile("Bool", "aws:MultiFactorAuthPresent", &values, true);
    let mut missing = Vec::new();
    assert!(!c.evaluate(&RequestContext::new(), &mut missing));
    assert_eq!(missing, vec!["aws:MultiFactorAuthPresent".to_owned()]);
}
