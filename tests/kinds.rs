//! Role kinds and flags, one case per documented rule (IAM-RULES §3.1 principals, §7 special
//! roles, §2.2–2.3 federation), on roles built from export-shaped JSON.

use std::path::Path;

use rolescope::engine::kinds::{Flag, Kind, classify};
use rolescope::engine::load;

const ACCOUNT: &str = "111122223333";

struct Case {
    name: &'static str,
    role_name: &'static str,
    path: &'static str,
    trust: &'static str,
    instance_profile: bool,
    kinds: &'static [Kind],
    flags: &'static [Flag],
    reason_has: &'static str,
}

fn bundle(case: &Case) -> String {
    let profiles = if case.instance_profile {
        r#"[{"InstanceProfileName": "web-app", "Arn": "arn:aws:iam::111122223333:instance-profile/web-app", "Path": "/", "Roles": []}]"#
    } else {
        "[]"
    };
    format!(
        r#"{{"Accounts": {{"{ACCOUNT}": {{
        "IdentityProviders": [
            {{"Arn": "arn:aws:iam::{ACCOUNT}:saml-provider/CorpIdP", "Type": "SAML"}},
            {{"Arn": "arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com", "Type": "OIDC"}},
            {{"Arn": "arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123", "Type": "OIDC"}},
            {{"Arn": "arn:aws:iam::{ACCOUNT}:oidc-provider/auth.example.com", "Type": "OIDC"}}
        ],
        "UserDetailList": [{{"UserName": "alice", "Arn": "arn:aws:iam::{ACCOUNT}:user/alice"}}],
        "RoleDetailList": [
          {{"RoleName": "Caller", "Arn": "arn:aws:iam::{ACCOUNT}:role/Caller", "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": []}}}},
          {{"RoleName": "{name}", "Path": "{path}", "Arn": "arn:aws:iam::{ACCOUNT}:role{path}{name}",
            "InstanceProfileList": {profiles},
            "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": {trust}}}}}
        ]}}}}}}"#,
        name = case.role_name,
        path = case.path,
        trust = case.trust,
    )
}

const CASES: &[Case] = &[
    Case {
        name: "service_principal_makes_a_service_role",
        role_name: "lambda-fn",
        path: "/service-role/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]"#,
        instance_profile: false,
        kinds: &[Kind::ServiceRole],
        flags: &[],
        reason_has: "trusts the service lambda.amazonaws.com",
    },
    Case {
        name: "service_principals_listed_together_all_count",
        role_name: "hybrid",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "ssm.amazonaws.com"]}, "Action": "sts:AssumeRole"}]"#,
        instance_profile: false,
        kinds: &[Kind::ServiceRole],
        flags: &[],
        reason_has: "ec2.amazonaws.com and ssm.amazonaws.com",
    },
    Case {
        name: "ec2_trust_plus_instance_profile_is_an_instance_profile_role",
        role_name: "web-app",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]"#,
        instance_profile: true,
        kinds: &[Kind::Ec2InstanceProfile],
        flags: &[],
        reason_has: "trusts ec2.amazonaws.com and is in instance profile web-app",
    },
    Case {
        name: "instance_profile_without_ec2_trust_is_flagged",
        role_name: "misfit",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]"#,
        instance_profile: true,
        kinds: &[Kind::ServiceRole],
        flags: &[Flag::InstanceProfileWithoutEc2Trust],
        reason_has: "lambda.amazonaws.com",
    },
    Case {
        name: "service_linked_path_is_read_only_and_not_also_a_service_role",
        role_name: "AWSServiceRoleForAutoScaling",
        path: "/aws-service-role/autoscaling.amazonaws.com/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Service": ["autoscaling.amazonaws.com"]}, "Action": ["sts:AssumeRole"]}]"#,
        instance_profile: false,
        kinds: &[Kind::ServiceLinked],
        flags: &[],
        reason_has: "read-only",
    },
    Case {
        name: "account_root_of_own_account_is_same_account",
        role_name: "DeveloperRole",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]"#,
        instance_profile: false,
        kinds: &[Kind::SameAccount],
        flags: &[],
        reason_has: "its own account 111122223333",
    },
    Case {
        name: "bare_account_id_means_the_account",
        role_name: "BareId",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}]"#,
        instance_profile: false,
        kinds: &[Kind::SameAccount],
        flags: &[],
        reason_has: "its own account",
    },
    Case {
        name: "named_user_and_role_are_listed",
        role_name: "ChainRoleB",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:role/Caller"]}, "Action": "sts:AssumeRole"}]"#,
        instance_profile: false,
        kinds: &[Kind::SameAccount],
        flags: &[],
        reason_has: "assumable by user alice and role Caller",
    },
    Case {
        name: "a_named_principal_missing_from_a_loaded_account_is_flagged",
        role_name: "Orphan",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/mallory"}, "Action": "sts:AssumeRole"}]"#,
        instance_profile: false,
        kinds: &[Kind::SameAccount],
        flags: &[Flag::UnknownPrincipal],
        reason_has: "user mallory",
    },
    Case {
        name: "a_unique_id_left_by_a_deleted_principal_is_flagged",
        role_name: "Deleted",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"AWS": "AROAEXAMPLEEXAMPLE123"}, "Action": "sts:AssumeRole"}]"#,
        instance_profile: false,
        kinds: &[],
        flags: &[Flag::UnknownPrincipal],
        reason_has: "",
    },
    Case {
        name: "other_account_with_external_id_is_guarded_cross_account",
        role_name: "CrossAccountAuditor",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x-1"}}}]"#,
        instance_profile: false,
        kinds: &[Kind::CrossAccount],
        flags: &[],
        reason_has: "account 444455556666 (external ID required)",
    },
    Case {
        name: "other_account_without_external_id_is_flagged",
        role_name: "Partner",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/ops"}, "Action": "sts:AssumeRole"}]"#,
        instance_profile: false,
        kinds: &[Kind::CrossAccount],
        flags: &[Flag::CrossAccountWithoutExternalId],
        reason_has: "role ops in account 444455556666 (no external ID)",
    },
    Case {
        name: "wildcard_principal_is_flagged_with_its_narrowing_condition",
        role_name: "OrgWideReader",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}]"#,
        instance_profile: false,
        kinds: &[],
        flags: &[Flag::WildcardPrincipal],
        reason_has: "",
    },
    Case {
        name: "mfa_condition_is_flagged",
        role_name: "BreakGlass",
        path: "/",
        trust: r#"[{"Sid": "NeedsMfa", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]"#,
        instance_profile: false,
        kinds: &[Kind::SameAccount],
        flags: &[Flag::MfaRequired],
        reason_has: "its own account",
    },
    Case {
        name: "saml_provider_makes_a_saml_role",
        role_name: "SAMLDeveloper",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/CorpIdP"}, "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"], "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]"#,
        instance_profile: false,
        kinds: &[Kind::Saml],
        flags: &[],
        reason_has: "SAML identity provider CorpIdP",
    },
    Case {
        name: "a_saml_provider_the_account_lacks_is_flagged",
        role_name: "SAMLGhost",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/Gone"}, "Action": "sts:AssumeRoleWithSAML"}]"#,
        instance_profile: false,
        kinds: &[Kind::Saml],
        flags: &[Flag::UnknownPrincipal],
        reason_has: "Gone",
    },
    Case {
        name: "github_actions_with_sub_condition",
        role_name: "GitHubActionsDeploy",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}}]"#,
        instance_profile: false,
        kinds: &[Kind::GithubActions],
        flags: &[],
        reason_has: "repo:acme/app:ref:refs/heads/main",
    },
    Case {
        name: "github_actions_without_sub_lets_any_repository_in",
        role_name: "GitHubOpen",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}]"#,
        instance_profile: false,
        kinds: &[Kind::GithubActions],
        flags: &[Flag::UnscopedWebIdentity],
        reason_has: "no condition on the repository",
    },
    Case {
        name: "eks_issuer_is_irsa",
        role_name: "orders-api-irsa",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/ABC123:sub": "system:serviceaccount:orders:api"}}}]"#,
        instance_profile: false,
        kinds: &[Kind::Eks],
        flags: &[],
        reason_has: "system:serviceaccount:orders:api",
    },
    Case {
        name: "cognito_identity_pool",
        role_name: "mobile",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "eu-west-1:1234"}, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}]"#,
        instance_profile: false,
        kinds: &[Kind::Cognito],
        flags: &[],
        reason_has: "identity pool eu-west-1:1234",
    },
    Case {
        name: "google_accounts",
        role_name: "gcp",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"accounts.google.com:aud": "123.apps.googleusercontent.com"}}}]"#,
        instance_profile: false,
        kinds: &[Kind::Google],
        flags: &[],
        reason_has: "Google accounts",
    },
    Case {
        name: "other_oidc_provider",
        role_name: "custom-oidc",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/auth.example.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"auth.example.com:aud": "rolescope"}}}]"#,
        instance_profile: false,
        kinds: &[Kind::WebIdentity],
        flags: &[],
        reason_has: "auth.example.com",
    },
    Case {
        name: "roles_anywhere_names_the_trust_anchor",
        role_name: "onprem-ci",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/abc"}}}]"#,
        instance_profile: false,
        kinds: &[Kind::RolesAnywhere],
        flags: &[],
        reason_has: "trust-anchor/abc",
    },
    Case {
        name: "identity_center_role_names_its_permission_set",
        role_name: "AWSReservedSSO_AdministratorAccess_3f1c2a9b7d6e5f40",
        path: "/aws-reserved/sso.amazonaws.com/",
        trust: r#"[{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/AWSSSO_7d41a9c02e5b8f36_DO_NOT_DELETE"}, "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"]}]"#,
        instance_profile: false,
        kinds: &[Kind::IdentityCenter],
        flags: &[Flag::UnknownPrincipal],
        reason_has: "permission set AdministratorAccess",
    },
    Case {
        name: "a_deny_or_not_principal_grants_nothing",
        role_name: "DenyOnly",
        path: "/",
        trust: r#"[{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"}]"#,
        instance_profile: false,
        kinds: &[],
        flags: &[],
        reason_has: "",
    },
    Case {
        name: "an_unrelated_action_grants_no_kind",
        role_name: "TagOnly",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:TagSession"}]"#,
        instance_profile: false,
        kinds: &[],
        flags: &[],
        reason_has: "",
    },
    Case {
        name: "several_kinds_at_once",
        role_name: "deploy-pipeline",
        path: "/",
        trust: r#"[{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice", "Service": "codebuild.amazonaws.com"}, "Action": "sts:*"}]"#,
        instance_profile: false,
        kinds: &[Kind::ServiceRole, Kind::SameAccount],
        flags: &[],
        reason_has: "codebuild.amazonaws.com",
    },
];

#[test]
fn kinds_and_flags_follow_the_trust_policy() {
    for case in CASES {
        let inv = load::load_str(case.name, &bundle(case)).unwrap();
        let role = inv.roles_named(case.role_name)[0];
        let c = classify(role, &inv);
        let kinds: Vec<Kind> = c.kinds.iter().map(|k| k.kind).collect();
        let mut expected = case.kinds.to_vec();
        expected.sort();
        let mut got = kinds.clone();
        got.sort();
        assert_eq!(got, expected, "{}: {:#?}", case.name, c);
        let mut flags: Vec<Flag> = c.flags.iter().map(|f| f.flag).collect();
        flags.sort();
        flags.dedup();
        let mut want = case.flags.to_vec();
        want.sort();
        assert_eq!(flags, want, "{}: {:#?}", case.name, c);
        if !case.reason_has.is_empty() {
            assert!(
                c.kinds.iter().any(|k| k.reason.contains(case.reason_has)),
                "{}: no reason mentions `{}`: {:#?}",
                case.name,
                case.reason_has,
                c.kinds
            );
        }
        for k in &c.kinds {
            assert!(!k.reason.contains('\n'), "one line: {}", k.reason);
        }
    }
}

#[test]
fn an_unreadable_trust_policy_is_flagged_and_grants_no_kind() {
    let text = r#"{"RoleDetailList": [{"RoleName": "R", "Arn": "arn:aws:iam::111122223333:role/R", "AssumeRolePolicyDocument": "not json"}]}"#;
    let inv = load::load_str("x.json", text).unwrap();
    let c = classify(&inv.roles[0], &inv);
    assert!(c.kinds.is_empty());
    assert!(c.has_flag(Flag::TrustPolicyProblem));
}

#[test]
fn kind_names_parse_back_and_web_identity_covers_every_oidc_kind() {
    for k in Kind::ALL {
        assert_eq!(k.name().parse::<Kind>().unwrap(), k);
    }
    assert_eq!("oidc".parse::<Kind>().unwrap(), Kind::WebIdentity);
    assert!(Kind::GithubActions.answers_to(Kind::WebIdentity));
    assert!(!Kind::Saml.answers_to(Kind::WebIdentity));
    let e = "lamda".parse::<Kind>().unwrap_err().to_string();
    assert!(e.contains("`lamda` is not a role kind"), "{e}");
}

#[test]
fn every_role_of_the_reference_export_gets_the_kinds_its_readme_describes() {
    let inv =
        load::load_paths(&[Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/moto-account-authz-inuse.json")])
        .unwrap();
    let expect: &[(&str, Kind)] = &[
        ("ec2-web-app", Kind::Ec2InstanceProfile),
        ("lambda-order-processor", Kind::ServiceRole),
        ("AWSServiceRoleForAutoScaling", Kind::ServiceLinked),
        ("CrossAccountAuditor", Kind::CrossAccount),
        ("AdminMFA", Kind::SameAccount),
        ("SAMLDeveloper", Kind::Saml),
        ("GitHubActionsDeploy", Kind::GithubActions),
        ("ChainRoleB", Kind::SameAccount),
        ("RolesAnywhereWorkload", Kind::RolesAnywhere),
        ("DeveloperRole", Kind::SameAccount),
        ("deploy-pipeline", Kind::ServiceRole),
        ("deploy-pipeline", Kind::SameAccount),
        ("ecs-task-api", Kind::ServiceRole),
        ("ssm-hybrid-node", Kind::ServiceRole),
    ];
    for (name, kind) in expect {
        let c = classify(inv.roles_named(name)[0], &inv);
        assert!(c.has(*kind), "{name}: {c:#?}");
    }
    let c = classify(inv.roles_named("AdminMFA")[0], &inv);
    assert!(c.has_flag(Flag::MfaRequired));
    let c = classify(inv.roles_named("OrgWideReader")[0], &inv);
    assert!(c.has_flag(Flag::WildcardPrincipal));
    let c = classify(inv.roles_named("CrossAccountAuditor")[0], &inv);
    assert!(!c.has_flag(Flag::CrossAccountWithoutExternalId));
}

#[test]
fn the_demo_organisation_shows_every_kind() {
    // `web-identity` is satisfied by any OIDC kind (the demo has no generic OIDC provider).
    let inv = load::load_demo().unwrap();
    for kind in Kind::ALL {
        assert!(
            inv.roles.iter().any(|r| classify(r, &inv).answers_to(kind)),
            "no demo role of kind {kind}"
        );
    }
}

/// An account of the role's own organisation is not a third party, so a trust of it needs no
/// external ID and is not flagged (IAM User Guide, "Access to AWS accounts owned by third
/// parties"); a trust of an account outside the organisation without one still is. The
/// demo's OrganizationAccountAccessRole says so in its description, and its findings agree.
#[test]
fn trusts_inside_the_organisation_are_not_flagged_for_a_missing_external_id() {
    let inv = load::load_demo().unwrap();
    let flagged = |name: &str, account: &str| {
        let role = inv
            .roles
            .iter()
            .find(|r| r.name == name && r.account == account)
            .unwrap();
        let c = classify(role, &inv);
        assert!(c.has(Kind::CrossAccount), "{name}: {c:?}");
        c.has_flag(Flag::CrossAccountWithoutExternalId)
    };
    assert!(!flagged("OrganizationAccountAccessRole", "222222222222"));
    assert!(!flagged("ProdOperations", "222222222222"));
    assert!(flagged("skylight-cost-monitor", "222222222222"));
}
