//! The demo organisation (assets/demo-org.json) is what rolescope shows with no input and what
//! the lessons teach from, so it must stay a faithful bundle: the shapes of
//! `get-account-authorization-details`, policies IAM would accept on save, no dangling
//! references, every kind of role and every deliberately broken set-up present and labelled.

use std::collections::{BTreeMap, BTreeSet};

use rolescope::engine::policy::document::PolicyDocument;
use serde_json::Value;

const DEMO: &str = include_str!("../assets/demo-org.json");

/// The one document that is malformed on purpose: (account, role, inline policy name).
const MALFORMED: (&str, &str, &str) = (
    "333333333333",
    "legacy-importer-malformed-policy",
    "import-csv",
);

/// The unique id of the deleted user that `release-signer`'s trust still names.
const STALE_UNIQUE_ID: &str = "AIDAZ4KQ7M2XW9PLR3TBN";

/// Accounts the story trusts without loading them: Skylight, a SaaS vendor.
const OUTSIDE_ACCOUNTS: &[&str] = &["777788889999"];

fn demo() -> Value {
    match serde_json::from_str(DEMO) {
        Ok(v) => v,
        Err(e) => panic!(
            "assets/demo-org.json is not valid JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        ),
    }
}

fn accounts(d: &Value) -> Vec<(&str, &Value)> {
    d["Accounts"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn roles(d: &Value) -> Vec<(&str, &Value)> {
    accounts(d)
        .into_iter()
        .flat_map(|(id, a)| list(a, "RoleDetailList").iter().map(move |r| (id, r)))
        .collect()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A string or a list of strings, as policies allow.
fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(x)) => vec![x.clone()],
        Some(Value::Array(xs)) => xs
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(xs)) => xs.iter().collect(),
        Some(obj @ Value::Object(_)) => vec![obj],
        _ => Vec::new(),
    }
}

fn tag<'a>(entity: &'a Value, key: &str) -> Option<&'a str> {
    list(entity, "Tags")
        .iter()
        .find(|t| s(t, "Key") == key)
        .map(|t| s(t, "Value"))
}

/// Every policy document in the bundle, with a label saying where it is.
fn all_documents(d: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for (id, a) in accounts(d) {
        for r in list(a, "RoleDetailList") {
            let name = s(r, "RoleName");
            out.push((
                format!("{id} role {name} trust policy"),
                &r["AssumeRolePolicyDocument"],
            ));
            for p in list(r, "RolePolicyList") {
                out.push((
                    format!("{id} role {name} inline {}", s(p, "PolicyName")),
                    &p["PolicyDocument"],
                ));
            }
        }
        for u in list(a, "UserDetailList") {
            for p in list(u, "UserPolicyList") {
                out.push((
                    format!(
                        "{id} user {} inline {}",
                        s(u, "UserName"),
                        s(p, "PolicyName")
                    ),
                    &p["PolicyDocument"],
                ));
            }
        }
        for g in list(a, "GroupDetailList") {
            for p in list(g, "GroupPolicyList") {
                out.push((
                    format!(
                        "{id} group {} inline {}",
                        s(g, "GroupName"),
                        s(p, "PolicyName")
                    ),
                    &p["PolicyDocument"],
                ));
            }
        }
        for p in list(a, "Policies") {
            for v in list(p, "PolicyVersionList") {
                out.push((
                    format!("{id} policy {} {}", s(p, "Arn"), s(v, "VersionId")),
                    &v["Document"],
                ));
            }
        }
        if let Some(org) = a.get("Organization") {
            for key in ["ScpsByLevel", "RcpsByLevel"] {
                for level in list(org, key) {
                    for (i, p) in list(level, "Policies").iter().enumerate() {
                        out.push((format!("{id} {key} {} #{i}", s(level, "Target")), p));
                    }
                }
            }
        }
        for rp in list(a, "ResourcePolicies") {
            out.push((
                format!("{id} resource policy {}", s(rp, "ResourceArn")),
                &rp["Policy"],
            ));
        }
    }
    out
}

#[test]
fn demo_is_a_bundle_of_at_least_three_accounts_keyed_by_twelve_digit_ids() {
    let d = demo();
    let accts = accounts(&d);
    assert!(accts.len() >= 3, "only {} accounts", accts.len());
    for (id, a) in accts {
        assert!(
            id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()),
            "account key `{id}` is not a 12-digit id"
        );
        assert!(!s(a, "Name").is_empty(), "account {id} has no Name");
        for key in [
            "UserDetailList",
            "GroupDetailList",
            "RoleDetailList",
            "Policies",
        ] {
            assert!(
                a.get(key).is_some_and(Value::is_array),
                "account {id} lacks `{key}`"
            );
        }
    }
}

#[test]
fn demo_has_at_least_thirty_roles_shaped_like_get_account_authorization_details() {
    let d = demo();
    let all = roles(&d);
    assert!(all.len() >= 30, "only {} roles", all.len());
    for (id, r) in all {
        let name = s(r, "RoleName");
        let path = s(r, "Path");
        assert!(
            path.starts_with('/') && path.ends_with('/'),
            "{name}: path `{path}`"
        );
        assert_eq!(
            s(r, "Arn"),
            format!("arn:aws:iam::{id}:role{path}{name}"),
            "role ARN is account + path + name"
        );
        let rid = s(r, "RoleId");
        assert!(
            rid.len() == 21
                && rid.starts_with("AROA")
                && rid
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
            "{name}: RoleId `{rid}` is not AROA + 17 characters"
        );
        assert!(
            chrono::DateTime::parse_from_rfc3339(s(r, "CreateDate")).is_ok(),
            "{name}: CreateDate"
        );
        // IAM: MaxSessionDuration is 3600..=43200 seconds.
        let msd = r["MaxSessionDuration"].as_u64().unwrap_or(0);
        assert!(
            (3600..=43200).contains(&msd),
            "{name}: MaxSessionDuration {msd}"
        );
        // IAM: a role description is at most 1000 characters; ours say the scenario.
        let desc = s(r, "Description");
        assert!(
            !desc.is_empty() && desc.chars().count() <= 1000,
            "{name}: description"
        );
        for key in [
            "AssumeRolePolicyDocument",
            "InstanceProfileList",
            "RolePolicyList",
            "AttachedManagedPolicies",
            "Tags",
            "RoleLastUsed",
        ] {
            assert!(r.get(key).is_some(), "{name}: missing `{key}`");
        }
        for ip in list(r, "InstanceProfileList") {
            let roles_in = list(ip, "Roles");
            assert_eq!(roles_in.len(), 1, "an instance profile holds one role");
            assert_eq!(s(&roles_in[0], "Arn"), s(r, "Arn"));
            assert_eq!(s(&roles_in[0], "RoleId"), rid);
            assert!(s(ip, "Arn").starts_with(&format!("arn:aws:iam::{id}:instance-profile/")));
        }
    }
}

#[test]
fn unique_ids_and_arns_are_unique_across_the_organisation() {
    let d = demo();
    let mut seen = BTreeSet::new();
    for (id, a) in accounts(&d) {
        let entities = [
            ("RoleDetailList", "RoleId"),
            ("UserDetailList", "UserId"),
            ("GroupDetailList", "GroupId"),
        ];
        for (list_key, id_key) in entities {
            for e in list(a, list_key) {
                assert!(
                    seen.insert(s(e, id_key).to_owned()),
                    "{id}: duplicate {id_key}"
                );
                assert!(seen.insert(s(e, "Arn").to_owned()), "{id}: duplicate ARN");
            }
        }
        for p in list(a, "Policies") {
            // AWS managed policies appear once per account that uses them.
            if !s(p, "Arn").starts_with("arn:aws:iam::aws:") {
                assert!(
                    seen.insert(s(p, "PolicyId").to_owned()),
                    "duplicate PolicyId"
                );
            }
        }
    }
}

#[test]
fn every_policy_document_parses_cleanly_except_the_one_malformed_on_purpose() {
    let d = demo();
    let malformed_label = format!(
        "{} role {} inline {}",
        MALFORMED.0, MALFORMED.1, MALFORMED.2
    );
    let mut broken = Vec::new();
    let docs = all_documents(&d);
    assert!(docs.len() > 100, "only {} documents found", docs.len());
    for (label, doc) in docs {
        let parsed = PolicyDocument::from_value(doc);
        if parsed.document.is_none() || !parsed.errors.is_empty() {
            broken.push((label, parsed.errors));
        }
    }
    assert_eq!(broken.len(), 1, "broken documents: {broken:#?}");
    assert_eq!(broken[0].0, malformed_label);
    // It shows several kinds of mistake, each located by JSON path.
    let paths: Vec<&str> = broken[0].1.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.contains(&"$.Statement[0].Effect"), "{paths:?}");
    assert!(paths.contains(&"$.Statement[0].Condition"), "{paths:?}");
}

/// IAM rejects on save: a wildcard inside a principal ARN, `NotPrincipal` in a trust policy,
/// a `Resource` in a trust policy, and a trust statement without a principal
/// (IAM-RULES 3.1; UG reference_policies_elements_principal).
#[test]
fn trust_policies_are_ones_iam_would_accept_on_save() {
    let d = demo();
    for (_, r) in roles(&d) {
        let name = s(r, "RoleName");
        let trust = &r["AssumeRolePolicyDocument"];
        assert_eq!(s(trust, "Version"), "2012-10-17", "{name}");
        for st in statements(trust) {
            assert!(
                st.get("NotPrincipal").is_none(),
                "{name}: NotPrincipal in a trust"
            );
            assert!(st.get("Resource").is_none(), "{name}: Resource in a trust");
            let principal = st.get("Principal");
            assert!(principal.is_some(), "{name}: statement without Principal");
            if let Some(Value::Object(map)) = principal {
                for (kind, v) in map {
                    for p in strings(Some(v)) {
                        if p != "*" {
                            assert!(!p.contains('*') && !p.contains('?'), "{name}: {kind} `{p}`");
                        }
                    }
                }
            }
            for a in strings(st.get("Action")) {
                assert!(
                    [
                        "sts:AssumeRole",
                        "sts:AssumeRoleWithSAML",
                        "sts:AssumeRoleWithWebIdentity",
                        "sts:TagSession",
                        "sts:SetSourceIdentity",
                        "sts:SetContext",
                    ]
                    .contains(&a.as_str()),
                    "{name}: trust action `{a}`"
                );
            }
        }
    }
}

/// Every principal (user or role) a policy names by ARN, and every role an identity policy
/// lets someone assume, exists in the bundle — so failures in the demo are the deliberate
/// ones, not typos. Account principals must name a loaded account.
#[test]
fn principals_and_assumable_roles_named_anywhere_exist() {
    let d = demo();
    let mut arns = BTreeSet::new();
    let mut ids = BTreeSet::new();
    let loaded: BTreeSet<&str> = accounts(&d).iter().map(|(id, _)| *id).collect();
    for (_, a) in accounts(&d) {
        for (key, id_key) in [("RoleDetailList", "RoleId"), ("UserDetailList", "UserId")] {
            for e in list(a, key) {
                arns.insert(s(e, "Arn").to_owned());
                ids.insert(s(e, id_key).to_owned());
            }
        }
    }
    for (label, doc) in all_documents(&d) {
        for st in statements(doc) {
            if let Some(Value::Object(map)) = st.get("Principal")
                && let Some(v) = map.get("AWS")
            {
                for p in strings(Some(v)) {
                    if p.ends_with(":root") {
                        let acct = p
                            .trim_start_matches("arn:aws:iam::")
                            .trim_end_matches(":root");
                        assert!(
                            loaded.contains(acct) || OUTSIDE_ACCOUNTS.contains(&acct),
                            "{label}: account `{acct}` is neither loaded nor a known outsider"
                        );
                    } else if p.starts_with("AIDA") || p.starts_with("AROA") {
                        // A deleted principal's unique id: the one deliberate stale trust.
                        assert_eq!(p, STALE_UNIQUE_ID, "{label}");
                        assert!(
                            !ids.contains(&p),
                            "{label}: `{p}` belongs to a live principal"
                        );
                    } else if let Some(rest) = p.strip_prefix("arn:aws:sts::") {
                        // A role session named by its ARN: its role must exist.
                        let (acct, path) = rest.split_once(":assumed-role/").unwrap_or_default();
                        let role = path.split('/').next().unwrap_or_default();
                        assert!(
                            arns.iter()
                                .any(|a| a.starts_with(&format!("arn:aws:iam::{acct}:role/"))
                                    && a.ends_with(&format!("/{role}"))),
                            "{label}: session `{p}` is of no role that exists"
                        );
                    } else {
                        assert!(arns.contains(&p), "{label}: principal `{p}` does not exist");
                    }
                }
            }
            let actions = strings(st.get("Action"));
            if s(st, "Effect") == "Allow" && actions.iter().any(|a| a == "sts:AssumeRole") {
                for res in strings(st.get("Resource")) {
                    if res.contains(":role/") {
                        assert!(
                            arns.contains(&res),
                            "{label}: assumable role `{res}` does not exist"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn every_referenced_managed_policy_is_in_its_accounts_policies_with_one_default_version() {
    let d = demo();
    for (id, a) in accounts(&d) {
        let mut policies = BTreeMap::new();
        for p in list(a, "Policies") {
            let arn = s(p, "Arn");
            let defaults: Vec<&Value> = list(p, "PolicyVersionList")
                .iter()
                .filter(|v| v["IsDefaultVersion"].as_bool() == Some(true))
                .collect();
            assert_eq!(defaults.len(), 1, "{id} {arn}: one default version");
            assert_eq!(
                s(defaults[0], "VersionId"),
                s(p, "DefaultVersionId"),
                "{arn}"
            );
            assert!(
                arn.starts_with(&format!("arn:aws:iam::{id}:policy/"))
                    || arn.starts_with("arn:aws:iam::aws:policy/"),
                "{id}: policy `{arn}` belongs to another account"
            );
            policies.insert(arn.to_owned(), p);
        }
        let mut refs = Vec::new();
        for (key, name_key) in [
            ("RoleDetailList", "RoleName"),
            ("UserDetailList", "UserName"),
            ("GroupDetailList", "GroupName"),
        ] {
            for e in list(a, key) {
                for m in list(e, "AttachedManagedPolicies") {
                    refs.push((s(e, name_key), s(m, "PolicyArn"), s(m, "PolicyName")));
                }
                if let Some(b) = e.get("PermissionsBoundary") {
                    let arn = s(b, "PermissionsBoundaryArn");
                    refs.push((s(e, name_key), arn, arn.rsplit('/').next().unwrap_or("")));
                }
            }
        }
        for (who, arn, name) in refs {
            let Some(p) = policies.get(arn) else {
                panic!("{id} {who}: managed policy `{arn}` is not in Policies");
            };
            assert_eq!(s(p, "PolicyName"), name, "{id} {who}: name of `{arn}`");
        }
    }
}

#[test]
fn users_belong_to_groups_that_exist_and_federated_principals_have_providers() {
    let d = demo();
    for (id, a) in accounts(&d) {
        let groups: BTreeSet<&str> = list(a, "GroupDetailList")
            .iter()
            .map(|g| s(g, "GroupName"))
            .collect();
        for u in list(a, "UserDetailList") {
            for g in strings(u.get("GroupList")) {
                assert!(
                    groups.contains(g.as_str()),
                    "{id} {}: group `{g}`",
                    s(u, "UserName")
                );
            }
        }
        let providers: BTreeSet<&str> = list(a, "IdentityProviders")
            .iter()
            .map(|p| s(p, "Arn"))
            .collect();
        for p in list(a, "IdentityProviders") {
            let arn = s(p, "Arn");
            let kind = s(p, "Type");
            match kind {
                "SAML" => assert!(arn.contains(":saml-provider/"), "{arn}"),
                "OIDC" => {
                    assert!(arn.contains(":oidc-provider/"), "{arn}");
                    let host = arn.split(":oidc-provider/").nth(1).unwrap_or("");
                    assert_eq!(s(p, "Url"), format!("https://{host}"), "{arn}");
                }
                other => panic!("{arn}: provider type `{other}`"),
            }
            assert!(arn.starts_with(&format!("arn:aws:iam::{id}:")), "{arn}");
        }
        for r in list(a, "RoleDetailList") {
            for st in statements(&r["AssumeRolePolicyDocument"]) {
                if let Some(Value::Object(map)) = st.get("Principal")
                    && let Some(v) = map.get("Federated")
                {
                    for f in strings(Some(v)) {
                        if f.starts_with("arn:") {
                            assert!(
                                providers.contains(f.as_str()),
                                "{id} {}: provider `{f}` not registered",
                                s(r, "RoleName")
                            );
                        }
                    }
                }
            }
        }
    }
}

/// What a role's trust says about who may assume it, read straight from the JSON.
#[derive(Default, Debug)]
struct TrustFacts {
    services: Vec<String>,
    federated: Vec<String>,
    aws: Vec<String>,
    actions: Vec<String>,
    condition_keys: Vec<String>,
}

fn trust_facts(r: &Value) -> TrustFacts {
    let mut f = TrustFacts::default();
    for st in statements(&r["AssumeRolePolicyDocument"]) {
        if let Some(Value::Object(map)) = st.get("Principal") {
            f.services.extend(strings(map.get("Service")));
            f.federated.extend(strings(map.get("Federated")));
            f.aws.extend(strings(map.get("AWS")));
        }
        f.actions.extend(strings(st.get("Action")));
        if let Some(Value::Object(ops)) = st.get("Condition") {
            for keys in ops.values() {
                if let Value::Object(keys) = keys {
                    f.condition_keys.extend(keys.keys().cloned());
                }
            }
        }
    }
    f
}

/// Every kind of role the course material names, each on at least one demo role.
#[test]
fn every_role_kind_is_present() {
    let d = demo();
    let all = roles(&d);
    type Check = fn(&str, &Value, &TrustFacts) -> bool;
    let kinds: Vec<(&str, Check)> = vec![
        ("service role", |_, r, f| {
            !f.services.is_empty() && !s(r, "Path").starts_with("/aws-service-role/")
        }),
        ("service-linked: Config", |_, r, _| {
            s(r, "Path") == "/aws-service-role/config.amazonaws.com/"
        }),
        ("service-linked: Security Hub", |_, r, _| {
            s(r, "Path") == "/aws-service-role/securityhub.amazonaws.com/"
        }),
        ("service-linked: Inspector", |_, r, _| {
            s(r, "Path") == "/aws-service-role/inspector2.amazonaws.com/"
        }),
        ("service-linked: Auto Scaling", |_, r, _| {
            s(r, "Path") == "/aws-service-role/autoscaling.amazonaws.com/"
        }),
        ("EC2 instance profile", |_, r, f| {
            !list(r, "InstanceProfileList").is_empty()
                && f.services.iter().any(|x| x == "ec2.amazonaws.com")
        }),
        ("same-account assumable", |id, _, f| {
            f.aws.iter().any(|p| p.contains(&format!("::{id}:")))
        }),
        ("cross-account with external ID", |id, _, f| {
            f.aws.iter().any(|p| !p.contains(&format!("::{id}:")))
                && f.condition_keys.iter().any(|k| k == "sts:ExternalId")
        }),
        ("cross-account without external ID", |id, _, f| {
            f.aws.iter().any(|p| !p.contains(&format!("::{id}:")))
                && !f.condition_keys.iter().any(|k| k == "sts:ExternalId")
        }),
        ("SAML federated", |_, r, f| {
            f.federated.iter().any(|p| p.contains(":saml-provider/"))
                && f.actions.iter().any(|a| a == "sts:AssumeRoleWithSAML")
                && !s(r, "RoleName").starts_with("AWSReservedSSO_")
        }),
        ("OIDC: GitHub Actions", |_, _, f| {
            f.federated
                .iter()
                .any(|p| p.ends_with(":oidc-provider/token.actions.githubusercontent.com"))
                && f.condition_keys
                    .iter()
                    .any(|k| k == "token.actions.githubusercontent.com:aud")
                && f.condition_keys
                    .iter()
                    .any(|k| k == "token.actions.githubusercontent.com:sub")
        }),
        ("OIDC: EKS IRSA", |_, _, f| {
            f.federated
                .iter()
                .any(|p| p.contains(":oidc-provider/oidc.eks."))
                && f.condition_keys.iter().any(|k| k.ends_with(":sub"))
        }),
        ("web identity: Cognito", |_, _, f| {
            f.federated
                .iter()
                .any(|p| p == "cognito-identity.amazonaws.com")
                && f.condition_keys
                    .iter()
                    .any(|k| k == "cognito-identity.amazonaws.com:aud")
        }),
        ("web identity: Google", |_, _, f| {
            f.federated.iter().any(|p| p == "accounts.google.com")
        }),
        ("IAM Roles Anywhere", |_, _, f| {
            f.services
                .iter()
                .any(|x| x == "rolesanywhere.amazonaws.com")
                && ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
                    .iter()
                    .all(|a| f.actions.iter().any(|x| x == a))
                && f.condition_keys
                    .iter()
                    .any(|k| k.starts_with("aws:PrincipalTag/x509Subject/"))
                && f.condition_keys.iter().any(|k| k == "aws:SourceArn")
        }),
        ("IAM Identity Center", |_, r, f| {
            s(r, "RoleName").starts_with("AWSReservedSSO_")
                && s(r, "Path").starts_with("/aws-reserved/sso.amazonaws.com/")
                && f.federated
                    .iter()
                    .any(|p| p.contains(":saml-provider/AWSSSO_"))
        }),
        ("MFA required", |_, _, f| {
            f.condition_keys
                .iter()
                .any(|k| k == "aws:MultiFactorAuthPresent")
        }),
        ("under a permissions boundary", |_, r, _| {
            r.get("PermissionsBoundary").is_some()
        }),
    ];
    for (kind, check) in kinds {
        let found: Vec<&str> = all
            .iter()
            .filter(|(id, r)| check(id, r, &trust_facts(r)))
            .map(|(_, r)| s(r, "RoleName"))
            .collect();
        assert!(!found.is_empty(), "no demo role of kind `{kind}`");
    }
}

/// The set-ups broken on purpose carry the tag `demo-broken` = the failure they show, and a
/// description that says so; one of each common failure is present.
#[test]
fn every_common_failure_has_one_labelled_broken_set_up() {
    let d = demo();
    let mut found = BTreeMap::new();
    for (_, r) in roles(&d) {
        if let Some(category) = tag(r, "demo-broken") {
            assert!(
                s(r, "Description").starts_with("Broken on purpose"),
                "{}: a broken set-up says so in its description",
                s(r, "RoleName")
            );
            assert!(
                found
                    .insert(category.to_owned(), s(r, "RoleName"))
                    .is_none(),
                "two roles show `{category}`"
            );
        }
    }
    let expected = [
        "trust-names-wrong-account",
        "duration-too-long-for-role",
        "mfa-missing",
        "resource-policy-blocks",
        "cross-account-half-missing",
        "chain-over-one-hour",
        "malformed-policy-document",
        "trust-names-deleted-principal",
    ];
    let got: Vec<&str> = found.keys().map(String::as_str).collect();
    assert_eq!(
        got,
        expected
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
}

#[test]
fn organisation_has_an_scp_deny_on_one_ou_and_an_account_with_a_deactivated_sts_region() {
    let d = demo();
    let mut ou_denies = Vec::new();
    let mut deactivated = Vec::new();
    for (id, a) in accounts(&d) {
        if !list(a, "StsRegionsDeactivated").is_empty() {
            deactivated.push(id);
        }
        let Some(org) = a.get("Organization") else {
            continue;
        };
        let levels = list(org, "ScpsByLevel");
        assert!(levels.len() >= 2, "{id}: root to account");
        assert!(
            s(&levels[0], "Target").starts_with("r-"),
            "{id}: first level is the root"
        );
        assert_eq!(
            s(&levels[levels.len() - 1], "Target"),
            id,
            "{id}: last level is the account"
        );
        for level in levels {
            // Every level must allow: each carries FullAWSAccess (or another Allow).
            assert!(
                list(level, "Policies")
                    .iter()
                    .any(|p| statements(p).iter().any(|st| s(st, "Effect") == "Allow")),
                "{id}: level {} allows nothing",
                s(level, "Target")
            );
            let target = s(level, "Target");
            if target.starts_with("ou-")
                && list(level, "Policies")
                    .iter()
                    .any(|p| statements(p).iter().any(|st| s(st, "Effect") == "Deny"))
            {
                ou_denies.push(target.to_owned());
            }
        }
        assert_eq!(s(org, "ManagementAccountId"), "111111111111");
        assert_eq!(
            org["IsManagementAccount"].as_bool(),
            Some(id == "111111111111")
        );
    }
    ou_denies.sort();
    ou_denies.dedup();
    assert_eq!(ou_denies.len(), 1, "one OU with a deny: {ou_denies:?}");
    assert_eq!(deactivated.len(), 1, "{deactivated:?}");
}

/// The demo's scenario book (tests/fixtures/demo-scenarios.json): one simulation request per
/// scenario and broken set-up, in the `simulate` request format, with what rolescope should
/// answer. Lessons and the README draw their examples from it.
const SCENARIOS: &str = include_str!("fixtures/demo-scenarios.json");

fn scenarios() -> Vec<Value> {
    match serde_json::from_str::<Value>(SCENARIOS) {
        Ok(Value::Array(items)) => items,
        Ok(_) => panic!("demo-scenarios.json must be an array"),
        Err(e) => panic!(
            "demo-scenarios.json: line {}, column {}: {e}",
            e.line(),
            e.column()
        ),
    }
}

#[test]
fn every_scenario_is_a_valid_simulate_request_about_entities_that_exist() {
    use rolescope::engine::sts::outcome::Category;
    use rolescope::engine::sts::request::{DecisionDoc, DenialType, Request};

    let d = demo();
    let mut arns = BTreeSet::new();
    for (_, a) in accounts(&d) {
        for key in ["RoleDetailList", "UserDetailList"] {
            for e in list(a, key) {
                arns.insert(s(e, "Arn").to_owned());
            }
        }
        for p in list(a, "IdentityProviders") {
            arns.insert(s(p, "Arn").to_owned());
        }
    }
    let all = scenarios();
    assert!(all.len() >= 40, "only {} scenarios", all.len());
    let mut names = BTreeSet::new();
    for sc in &all {
        let name = s(sc, "name");
        assert!(
            names.insert(name.to_owned()),
            "two scenarios named `{name}`"
        );
        assert!(!s(sc, "shows").is_empty(), "{name}: say what it shows");
        let req = match Request::from_value(sc["request"].clone()) {
            Ok(r) => r,
            Err(e) => panic!("{name}: {e}"),
        };
        let mut named = Vec::new();
        match &req {
            Request::AssumeRole(r) => {
                // The role-not-found scenario names a role that must not exist.
                let missing_on_purpose = list(&sc["expect"], "categories")
                    .iter()
                    .any(|c| c == "role-not-found");
                if missing_on_purpose {
                    assert!(!arns.contains(&r.role), "{name}: `{}` exists", r.role);
                } else {
                    named.push(r.role.clone());
                }
                if r.caller.starts_with("arn:aws:iam::") && !r.caller.ends_with(":root") {
                    named.push(r.caller.clone());
                }
                if let Some(sess) = &r.caller_session {
                    named.extend(sess.role_arn.clone());
                }
            }
            Request::AssumeRoleWebIdentity(r) => named.push(r.role.clone()),
            Request::AssumeRoleSaml(r) => {
                named.push(r.role.clone());
                named.push(r.principal_arn.clone());
            }
            Request::Authorize(r) => named.extend(
                r.principal
                    .session
                    .as_ref()
                    .and_then(|s| s.role_arn.clone()),
            ),
            Request::RolesAnywhere(r) => named.push(r.role.clone()),
            Request::Ec2InstanceProfile(r) => named.push(r.role.clone()),
        }
        for arn in named {
            assert!(arns.contains(&arn), "{name}: `{arn}` is not in the demo");
        }
        let expect = &sc["expect"];
        let decision: Result<DecisionDoc, _> = serde_json::from_value(expect["decision"].clone());
        assert!(decision.is_ok(), "{name}: expect.decision");
        if let Some(dt) = expect.get("denial_type") {
            assert!(
                serde_json::from_value::<DenialType>(dt.clone()).is_ok(),
                "{name}: denial_type"
            );
        }
        for c in list(expect, "categories") {
            assert!(
                serde_json::from_value::<Category>(c.clone()).is_ok(),
                "{name}: category {c}"
            );
        }
    }
    // Every broken set-up that a simulation can show has its scenario, named after it.
    for (_, r) in roles(&d) {
        if let Some(category) = tag(r, "demo-broken")
            && category != "malformed-policy-document"
        {
            let want = format!("broken-{category}");
            assert!(
                names.contains(&want),
                "no scenario `{want}` for {}",
                s(r, "RoleName")
            );
        }
    }
}

/// Through rolescope's own loader: the demo loads, every account and role arrives, its only
/// warnings are about the one malformed policy, every role knows its maximum session and
/// description, and every managed policy a principal references resolves.
#[test]
fn demo_loads_through_the_loader_with_only_the_deliberate_problem_reported() {
    use rolescope::engine::model::Known;

    let inv = match rolescope::engine::load::load_demo() {
        Ok(inv) => inv,
        Err(e) => panic!("the demo does not load: {e}"),
    };
    let d = demo();
    assert_eq!(inv.accounts.len(), accounts(&d).len());
    assert_eq!(inv.roles.len(), roles(&d).len());
    assert!(
        !inv.warnings.is_empty(),
        "the malformed policy must be reported"
    );
    for w in &inv.warnings {
        assert!(
            w.location
                .ends_with(&format!("role/legacy/{}", MALFORMED.1))
                && w.message.contains(MALFORMED.2),
            "unexpected warning: {w:?}"
        );
    }
    for r in &inv.roles {
        assert!(
            matches!(r.max_session_duration, Known::Known(_)),
            "{}: MaxSessionDuration",
            r.arn
        );
        assert!(r.description.is_some(), "{}: description", r.arn);
        let clean =
            r.trust_policy.is_clean() && r.inline_policies.iter().all(|p| p.policy.is_clean());
        assert_eq!(clean, r.name != MALFORMED.1, "{}: policies parse", r.arn);
        let mut refs: Vec<&str> = r.managed_policies.iter().map(|p| p.arn.as_str()).collect();
        refs.extend(r.permissions_boundary.as_ref().map(|b| b.arn.as_str()));
        for arn in refs {
            let p = inv.managed_policy(arn);
            assert!(
                p.is_some_and(|p| p.default_version().is_some()),
                "{}: `{arn}` does not resolve to a default version",
                r.arn
            );
        }
    }
    for u in &inv.users {
        for g in &u.groups {
            assert!(
                inv.group_named(&u.account, g).is_some(),
                "{}: group {g}",
                u.arn
            );
        }
    }
    assert!(inv.identity_providers.len() >= 8);
}

/// For every failing assume-role scenario of the book, applying the fixes rolescope proposes
/// to the demo data (or to the request) makes the same request succeed — so a lesson or the
/// troubleshooting wizard can offer them with confidence.
#[test]
fn every_fix_proposed_for_a_failing_demo_scenario_makes_it_succeed() {
    use rolescope::engine::sts::request::{DecisionDoc, Request};
    use rolescope::engine::sts::{Fix, Simulator, apply_fix};

    let inv = match rolescope::engine::load::load_demo() {
        Ok(inv) => inv,
        Err(e) => panic!("the demo does not load: {e}"),
    };
    let now = match "2026-11-24T09:00:00Z".parse() {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    let original = Simulator::new(&inv);
    let mut checked = 0;
    let mut failures = Vec::new();
    for sc in scenarios() {
        let name = s(&sc, "name").to_owned();
        if s(&sc["expect"], "decision") == "allow" {
            continue;
        }
        let Ok(mut req) = Request::from_value(sc["request"].clone()) else {
            panic!("{name}: unreadable request");
        };
        if matches!(req, Request::Authorize(_)) {
            continue;
        }
        let first = original.simulate(&req, now);
        assert_ne!(first.decision, Some(DecisionDoc::Allow), "{name}");
        // A root caller cannot assume a role whatever the data says: nothing to fix.
        if list(&sc["expect"], "categories")
            .iter()
            .any(|c| c == "caller-cannot-assume-roles")
        {
            assert!(first.fixes.is_empty(), "{name}: a fix for the unfixable");
            continue;
        }
        assert!(!first.fixes.is_empty(), "{name}: no fix proposed");
        let mut fixed = inv.clone();
        for f in &first.fixes {
            let fix: Fix = match serde_json::from_value(f.clone()) {
                Ok(fix) => fix,
                Err(e) => panic!("{name}: fix {f} does not read back: {e}"),
            };
            if let Err(e) = apply_fix(&mut fixed, &mut req, &fix) {
                panic!("{name}: fix `{}` cannot be applied: {e}", fix.summary());
            }
        }
        let again = Simulator::new(&fixed).simulate(&req, now);
        checked += 1;
        if again.decision != Some(DecisionDoc::Allow) {
            failures.push(format!(
                "{name}: still {:?}: {:?}",
                again.decision, again.reasons
            ));
        }
    }
    assert!(checked >= 15, "only {checked} failing scenarios checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Through rolescope's own classifier: every kind of role appears on the demo role meant to
/// show it, cross-account trust appears both with and without an external ID, and the only
/// audit flags raised are the ones the story intends.
#[test]
fn role_kinds_as_rolescope_infers_them_cover_every_kind_on_the_intended_roles() {
    use rolescope::engine::kinds::{Flag, Kind, classify};

    let inv = match rolescope::engine::load::load_demo() {
        Ok(inv) => inv,
        Err(e) => panic!("the demo does not load: {e}"),
    };
    let by_name = |account: &str, name: &str| {
        inv.roles
            .iter()
            .find(|r| r.account == account && r.name == name)
            .map(|r| classify(r, &inv))
            .unwrap_or_else(|| panic!("no role {name} in {account}"))
    };
    let table: &[(&str, &str, &[Kind])] = &[
        ("222222222222", "web-app-ec2", &[Kind::Ec2InstanceProfile]),
        (
            "222222222222",
            "order-processor-lambda",
            &[Kind::ServiceRole],
        ),
        (
            "222222222222",
            "AWSServiceRoleForAutoScaling",
            &[Kind::ServiceLinked],
        ),
        (
            "222222222222",
            "AWSServiceRoleForAmazonInspector2",
            &[Kind::ServiceLinked],
        ),
        (
            "111111111111",
            "AWSServiceRoleForConfig",
            &[Kind::ServiceLinked],
        ),
        (
            "111111111111",
            "AWSServiceRoleForSecurityHub",
            &[Kind::ServiceLinked],
        ),
        ("111111111111", "OpsEntry", &[Kind::SameAccount]),
        ("111111111111", "BreakGlassAdmin", &[Kind::SameAccount]),
        ("222222222222", "ProdOperations", &[Kind::CrossAccount]),
        ("222222222222", "ProdDataRepair", &[Kind::SameAccount]),
        (
            "222222222222",
            "northwind-engagement",
            &[Kind::CrossAccount],
        ),
        ("222222222222", "DataLakeReader", &[Kind::CrossAccount]),
        ("111111111111", "CorpAD-FinanceReadOnly", &[Kind::Saml]),
        ("333333333333", "CorpAD-Engineering", &[Kind::Saml]),
        (
            "222222222222",
            "github-actions-deploy-prod",
            &[Kind::GithubActions],
        ),
        ("222222222222", "orders-api-irsa", &[Kind::Eks]),
        ("222222222222", "mobile-app-authenticated", &[Kind::Cognito]),
        ("333333333333", "gcp-export-writer", &[Kind::Google]),
        (
            "333333333333",
            "terraform-cloud-network",
            &[Kind::WebIdentity],
        ),
        ("222222222222", "onprem-ci-deployer", &[Kind::RolesAnywhere]),
        (
            "222222222222",
            "AWSReservedSSO_ReadOnlyAccess_8c2d4e6f0a1b3c5d",
            &[Kind::IdentityCenter],
        ),
    ];
    let mut covered = BTreeSet::new();
    for (account, name, kinds) in table {
        let c = by_name(account, name);
        for k in *kinds {
            assert!(
                c.has(*k),
                "{name}: expected kind {}, got {:?}",
                k.name(),
                c.kinds
            );
            covered.insert(k.name());
        }
    }
    for k in Kind::ALL {
        assert!(
            covered.contains(k.name()),
            "kind {} is not shown on any demo role",
            k.name()
        );
    }
    let ext = |name: &str| {
        by_name("222222222222", name)
            .kinds
            .iter()
            .find(|k| k.kind == Kind::CrossAccount)
            .and_then(|k| k.external_id_required)
    };
    assert_eq!(ext("northwind-engagement"), Some(true));
    assert_eq!(ext("DataLakeReader"), Some(false));

    // Flags across the whole demo: the intended ones appear, the alarming ones do not.
    let mut flags: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in &inv.roles {
        for f in classify(r, &inv).flags {
            flags.entry(f.flag.name()).or_default().push(r.name.clone());
        }
    }
    assert!(flags[Flag::MfaRequired.name()].contains(&"BreakGlassAdmin".to_owned()));
    assert!(flags[Flag::MfaRequired.name()].contains(&"ProdDatabaseAdmin".to_owned()));
    // A trust of another account of the organisation needs no external ID; a third party's
    // does.
    let no_external_id = &flags[Flag::CrossAccountWithoutExternalId.name()];
    assert!(no_external_id.contains(&"skylight-cost-monitor".to_owned()));
    assert!(!no_external_id.contains(&"DataLakeReader".to_owned()));
    // IAM-RULES 3.1: a deleted principal leaves its unique id in the trust.
    assert_eq!(
        flags.get(Flag::UnknownPrincipal.name()),
        Some(&vec!["release-signer".to_owned()])
    );
    for absent in [
        Flag::WildcardPrincipal,
        Flag::UnscopedWebIdentity,
        Flag::InstanceProfileWithoutEc2Trust,
        Flag::TrustPolicyProblem,
    ] {
        assert!(
            !flags.contains_key(absent.name()),
            "flag {} raised on {:?}",
            absent.name(),
            flags.get(absent.name())
        );
    }
}

/// Through rolescope's validator, each document for the use it is put to: nothing AWS would
/// refuse to save (only the one malformed policy), and no pitfall warnings in the policies
/// Acme wrote itself (AWS managed policies are AWS's own text and are not judged here).
#[test]
fn every_demo_policy_passes_validation_for_its_use() {
    use rolescope::engine::policy::validate::{PolicyUse, Severity, validate};

    let d = demo();
    let mut docs: Vec<(String, &Value, PolicyUse)> = Vec::new();
    for (id, a) in accounts(&d) {
        for r in list(a, "RoleDetailList") {
            let name = s(r, "RoleName");
            docs.push((
                format!("{id} {name} trust"),
                &r["AssumeRolePolicyDocument"],
                PolicyUse::RoleTrust,
            ));
            for p in list(r, "RolePolicyList") {
                docs.push((
                    format!("{id} {name} inline {}", s(p, "PolicyName")),
                    &p["PolicyDocument"],
                    PolicyUse::Identity,
                ));
            }
        }
        for (key, list_key) in [
            ("UserDetailList", "UserPolicyList"),
            ("GroupDetailList", "GroupPolicyList"),
        ] {
            for e in list(a, key) {
                for p in list(e, list_key) {
                    docs.push((
                        format!("{id} {} inline {}", s(e, "Arn"), s(p, "PolicyName")),
                        &p["PolicyDocument"],
                        PolicyUse::Identity,
                    ));
                }
            }
        }
        for p in list(a, "Policies") {
            if s(p, "Arn").starts_with("arn:aws:iam::aws:") {
                continue;
            }
            let usage = if s(p, "Path") == "/boundaries/" {
                PolicyUse::PermissionsBoundary
            } else {
                PolicyUse::Identity
            };
            for v in list(p, "PolicyVersionList") {
                docs.push((
                    format!("{id} {} {}", s(p, "Arn"), s(v, "VersionId")),
                    &v["Document"],
                    usage,
                ));
            }
        }
        if let Some(org) = a.get("Organization") {
            for (key, usage) in [
                ("ScpsByLevel", PolicyUse::ServiceControlPolicy),
                ("RcpsByLevel", PolicyUse::ResourceControlPolicy),
            ] {
                for level in list(org, key) {
                    for (i, p) in list(level, "Policies").iter().enumerate() {
                        docs.push((format!("{id} {key} {} #{i}", s(level, "Target")), p, usage));
                    }
                }
            }
        }
        for rp in list(a, "ResourcePolicies") {
            docs.push((
                format!("{id} {}", s(rp, "ResourceArn")),
                &rp["Policy"],
                PolicyUse::ResourceBased,
            ));
        }
    }
    let mut problems = Vec::new();
    for (label, doc, usage) in &docs {
        let findings = validate(label, doc, *usage);
        let deliberate = label.ends_with(&format!("{} inline {}", MALFORMED.1, MALFORMED.2));
        if deliberate {
            assert!(
                findings.iter().any(|f| f.severity == Severity::Error),
                "{label}: the malformed policy must be refused"
            );
            continue;
        }
        problems.extend(findings.iter().map(ToString::to_string));
    }
    assert!(docs.len() > 80, "only {} documents", docs.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
