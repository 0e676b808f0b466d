//! Properties of the evaluator that must hold for every policy and request:
//! an explicit deny is never overridden; a boundary, a session policy or an SCP never widens
//! access; the wildcard matcher agrees with a regular-expression oracle; nothing panics on
//! generated documents and requests.

#![allow(clippy::unwrap_used, reason = "tests")]

use proptest::prelude::*;
use rolescope::engine::policy::document::PolicyDocument;
use rolescope::engine::policy::pattern::{ArnPattern, Wildcard};
use rolescope::engine::policy::{
    EvaluationInput, NamedPolicy, Outcome, PolicyLevel, PolicyUse, Principal, ResourceBasedPolicy,
    evaluate, validate,
};
use serde_json::{Value, json};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "iam:CreateUser",
    "ec2:RunInstances",
    "sts:AssumeRole",
];
const ACTION_PATTERNS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "S3:getobject",
    "iam:*",
    "*Object",
    "ec2:Run?nstances",
    "sts:*",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::data/report.csv",
    "arn:aws:iam::111122223333:user/ana",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
    "arn:aws:iam::111122223333:role/Target",
];
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:s3:::data/*",
    "arn:aws:iam::*:user/*",
    "arn:aws:ec2:*:*:instance/*",
    "arn:aws:iam::111122223333:role/T?rget",
    "arn:aws:s3:::home/${aws:username}/*",
];
const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111122223333:user/ana",
    "arn:aws:iam::111122223333:role/App",
    "arn:aws:sts::111122223333:assumed-role/App/s1",
    "arn:aws:iam::444455556666:user/partner",
    "arn:aws:iam::111122223333:root",
    "ec2.amazonaws.com",
];

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(list)
}

fn condition() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(
            json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})
        )),
        Just(Some(
            json!({"StringEqualsIfExists": {"aws:PrincipalTag/team": "blue"}})
        )),
        Just(Some(
            json!({"ForAllValues:StringLike": {"aws:TagKeys": ["team*"]}})
        )),
        Just(Some(
            json!({"StringNotEquals": {"aws:username": ["ana", "bob"]}})
        )),
        Just(Some(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))),
        Just(Some(
            json!({"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}})
        )),
    ]
}

fn statement(effect: &'static str) -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(pick(ACTION_PATTERNS), 1..3),
        prop::collection::vec(pick(RESOURCE_PATTERNS), 1..3),
        any::<bool>(),
        any::<bool>(),
        condition(),
    )
        .prop_map(
            move |(actions, resources, not_action, not_resource, cond)| {
                let mut s = json!({"Effect": effect});
                s[if not_action { "NotAction" } else { "Action" }] = json!(actions);
                s[if not_resource {
                    "NotResource"
                } else {
                    "Resource"
                }] = json!(resources);
                if let Some(c) = cond {
                    s["Condition"] = c;
                }
                s
            },
        )
}

fn policy() -> impl Strategy<Value = Value> {
    prop::collection::vec(
        prop_oneof![3 => statement("Allow"), 1 => statement("Deny")],
        1..5,
    )
    .prop_map(|st| json!({"Version": "2012-10-17", "Statement": st}))
}

fn resource_policy() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(statement("Allow"), 1..3),
        prop::sample::select(vec![
            json!("*"),
            json!({"AWS": "111122223333"}),
            json!({"AWS": "arn:aws:iam::111122223333:user/ana"}),
            json!({"AWS": "arn:aws:iam::111122223333:role/App"}),
            json!({"AWS": "arn:aws:iam::444455556666:root"}),
            json!({"Service": "ec2.amazonaws.com"}),
        ]),
    )
        .prop_map(|(mut st, principal)| {
            for s in &mut st {
                s["Principal"] = principal.clone();
            }
            json!({"Version": "2012-10-17", "Statement": st})
        })
}

fn named(name: &str, v: &Value) -> NamedPolicy {
    NamedPolicy::from_document(name, &PolicyDocument::from_value(v).document.unwrap())
}

#[derive(Debug, Clone)]
struct Case {
    principal: &'static str,
    action: &'static str,
    resource: &'static str,
    identity: Vec<Value>,
    resource_policy: Option<Value>,
    trust: bool,
    context: Vec<(&'static str, &'static str)>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        pick(PRINCIPALS),
        pick(ACTIONS),
        pick(RESOURCES),
        prop::collection::vec(policy(), 0..3),
        prop::option::of(resource_policy()),
        any::<bool>(),
        prop::collection::vec(
            prop::sample::select(vec![
                ("aws:MultiFactorAuthPresent", "true"),
                ("aws:PrincipalTag/team", "blue"),
                ("aws:username", "ana"),
                ("aws:SourceIp", "10.1.2.3"),
                ("aws:MultiFactorAuthAge", "100"),
            ]),
            0..4,
        ),
    )
        .prop_map(
            |(principal, action, resource, identity, resource_policy, trust, context)| Case {
                principal,
                action,
                resource,
                identity,
                resource_policy,
                trust,
                context,
            },
        )
}

fn input_of(c: &Case) -> EvaluationInput {
    let mut i = EvaluationInput::new(Principal::parse(c.principal).unwrap(), c.action, c.resource);
    i.identity_policies = c
        .identity
        .iter()
        .enumerate()
        .map(|(n, v)| named(&format!("p{n}"), v))
        .collect();
    i.resource_policy = c.resource_policy.as_ref().map(|v| ResourceBasedPolicy {
        policy: named("resource", v),
        is_role_trust: c.trust,
    });
    for (k, v) in &c.context {
        i.context.insert(*k, *v);
    }
    i
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn an_explicit_deny_is_never_overridden(c in case(), layer in 0usize..4) {
        let mut i = input_of(&c);
        let d = json!({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]});
        match layer {
            0 => i.identity_policies.push(named("deny", &d)),
            1 => i.scps = Some(vec![PolicyLevel { target: "r-root".into(), policies: vec![named("deny", &d)] }]),
            2 => i.session_policies = Some(vec![named("deny", &d)]),
            _ => i.permissions_boundary = Some(named("deny", &d)),
        }
        let out = evaluate(&i).outcome;
        // The deny reaches IAM principals; the root user has only SCPs over it, and a
        // service's request never meets these policy types.
        let root = c.principal.ends_with(":root");
        if i.principal.kind.is_iam_identity() && (!root || layer == 1) {
            prop_assert_eq!(out, Outcome::ExplicitDeny);
        }
    }

    // (Federated-user sessions are left out: without a session policy they have no
    // permissions at all, so there adding one is what grants.)
    #[test]
    fn a_boundary_a_session_policy_or_an_scp_never_widens_access(c in case(), extra in policy(), layer in 0usize..3) {
        let base = input_of(&c);
        let before = evaluate(&base).outcome;
        let mut i = base;
        match layer {
            0 => i.permissions_boundary = Some(named("b", &extra)),
            1 => i.session_policies = Some(vec![named("s", &extra)]),
            _ => i.scps = Some(vec![PolicyLevel { target: "r-root".into(), policies: vec![named("scp", &extra)] }]),
        }
        let after = evaluate(&i).outcome;
        if before != Outcome::Allow {
            prop_assert_ne!(after, Outcome::Allow);
        }
        if before == Outcome::ExplicitDeny {
            prop_assert_eq!(after, Outcome::ExplicitDeny);
        }
    }

    #[test]
    fn the_wildcard_matcher_agrees_with_a_regex_oracle(pattern in "[ab*?:/é]{0,8}", text in "[ab:/é]{0,10}") {
        let mut re = String::from("^");
        for ch in pattern.chars() {
            match ch {
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                other => re.push_str(&regex::escape(&other.to_string())),
            }
        }
        re.push('$');
        let oracle = regex::Regex::new(&format!("(?s){re}")).unwrap();
        prop_assert_eq!(Wildcard::new(&pattern, false).matches(&text), oracle.is_match(&text));
    }

    #[test]
    fn arn_patterns_agree_with_a_part_by_part_regex_oracle(
        pattern_parts in prop::collection::vec("[ab*?]{0,3}", 6),
        text_parts in prop::collection::vec("[ab]{0,3}", 6),
    ) {
        let pattern = format!("arn:{}", pattern_parts[1..].join(":"));
        let text = format!("arn:{}", text_parts[1..].join(":"));
        let part_re = |p: &str| {
            let mut re = String::from("^");
            for ch in p.chars() {
                match ch {
                    '*' => re.push_str("[^:]*"),
                    '?' => re.push_str("[^:]"),
                    other => re.push_str(&regex::escape(&other.to_string())),
                }
            }
            re
        };
        // The last part may run over colons; the others may not.
        let mut re = String::new();
        let pp: Vec<&str> = pattern.splitn(6, ':').collect();
        for (i, p) in pp.iter().enumerate() {
            let r = part_re(p);
            let r = r.trim_start_matches('^');
            if i + 1 == pp.len() {
                re.push_str(&r.replace("[^:]*", ".*").replace("[^:]", "."));
            } else {
                re.push_str(r);
                re.push(':');
            }
        }
        let oracle = regex::Regex::new(&format!("^{re}$")).unwrap();
        prop_assert_eq!(ArnPattern::new(&pattern).matches(&text), oracle.is_match(&text));
    }

    #[test]
    fn evaluation_and_validation_never_panic_on_generated_documents(
        doc in arbitrary_json(),
        principal in pick(PRINCIPALS),
        action in "[a-zA-Z0-9:*?]{0,20}",
        resource in "[a-z0-9:/*?${}]{0,30}",
    ) {
        for usage in [PolicyUse::Identity, PolicyUse::RoleTrust, PolicyUse::ResourceBased, PolicyUse::ServiceControlPolicy] {
            let _ = validate("generated", &doc, usage);
        }
        if let Some(parsed) = PolicyDocument::from_value(&doc).document {
            let p = NamedPolicy::from_document("generated", &parsed);
            let mut i = EvaluationInput::new(Principal::parse(principal).unwrap(), action, resource);
            i.identity_policies.push(p.clone());
            i.permissions_boundary = Some(p.clone());
            i.session_policies = Some(vec![p.clone()]);
            i.scps = Some(vec![PolicyLevel { target: "r".into(), policies: vec![p.clone()] }]);
            i.rcps = Some(vec![PolicyLevel { target: "r".into(), policies: vec![p.clone()] }]);
            i.resource_policy = Some(ResourceBasedPolicy { policy: p, is_role_trust: false });
            i.context.insert("aws:username", "ana");
            let _ = evaluate(&i);
        }
    }
}

/// JSON shaped like a policy often enough to reach the evaluator, and arbitrary otherwise.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "[A-Za-z0-9:*?/${}' ,.-]{0,16}".prop_map(Value::String),
        pick(&[
            "Allow",
            "Deny",
            "*",
            "2012-10-17",
            "2008-10-17",
            "s3:*",
            "arn:aws:s3:::b/*"
        ])
        .prop_map(|s| json!(s)),
    ];
    let keys = prop::sample::select(vec![
        "Version",
        "Statement",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
        "Sid",
        "AWS",
        "Service",
        "StringEquals",
        "StringLike",
        "ForAllValues:StringLike",
        "NumericLessThan",
        "DateGreaterThan",
        "IpAddress",
        "ArnLike",
        "Null",
        "BoolIfExists",
        "aws:username",
        "aws:SourceIp",
        "x",
    ]);
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..5).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}
