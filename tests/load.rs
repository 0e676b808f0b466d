//! Loading real-shaped exports: every role of the reference account loads, `list-roles`
//! fills what `get-account-authorization-details` lacks, and bad input is refused with a
//! message naming the file and the place.

use std::path::{Path, PathBuf};

use rolescope::engine::load::{self, LoadError, LoadOptions, Loader};
use rolescope::engine::model::Known;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

const MOTO_ROLES: [&str; 17] = [
    "ec2-web-app",
    "lambda-order-processor",
    "AWSServiceRoleForAutoScaling",
    "CrossAccountAuditor",
    "AdminMFA",
    "SAMLDeveloper",
    "GitHubActionsDeploy",
    "ChainRoleA",
    "ChainRoleB",
    "RolesAnywhereWorkload",
    "DeveloperRole",
    "ReadOnlyAnalyst",
    "deploy-pipeline",
    "BreakGlass",
    "ecs-task-api",
    "OrgWideReader",
    "ssm-hybrid-node",
];

#[test]
fn every_role_of_the_reference_export_loads() {
    for file in [
        "moto-account-authz-inuse.json",
        "moto-account-authz-local.json",
    ] {
        let inv = load::load_paths(&[fixture(file)]).unwrap();
        assert_eq!(inv.roles.len(), MOTO_ROLES.len(), "{file}");
        for name in MOTO_ROLES {
            let roles = inv.roles_named(name);
            assert_eq!(roles.len(), 1, "{file}: {name}");
            assert_eq!(roles[0].account, "123456789012");
        }
        assert_eq!(inv.users.len(), 3);
        assert_eq!(inv.groups.len(), 3);
    }
}

#[test]
fn authorization_details_export_has_no_max_session_duration_so_it_is_unknown() {
    // botocore's RoleDetail shape has neither MaxSessionDuration nor Description.
    let inv = load::load_paths(&[fixture("moto-account-authz-inuse.json")]).unwrap();
    let role = inv.roles_named("DeveloperRole")[0];
    assert_eq!(role.max_session_duration, Known::Unknown);
    assert_eq!(role.effective_max_session(), 3600);
    // ec2-web-app's instance profile carries the full Role shape, MaxSessionDuration included.
    let ec2 = inv.roles_named("ec2-web-app")[0];
    assert_eq!(ec2.max_session_duration, Known::Known(3600));
}

#[test]
fn list_roles_fills_max_session_duration_and_description() {
    let inv = load::load_paths(&[
        fixture("moto-list-roles.json"),
        fixture("moto-account-authz-inuse.json"),
    ])
    .unwrap();
    assert_eq!(inv.roles.len(), 17, "merged by ARN, not added twice");
    let expect = [
        ("DeveloperRole", 14400),
        ("CrossAccountAuditor", 14400),
        ("SAMLDeveloper", 43200),
        ("ChainRoleB", 43200),
        ("ReadOnlyAnalyst", 43200),
        ("ssm-hybrid-node", 7200),
        ("AdminMFA", 3600),
    ];
    for (name, seconds) in expect {
        assert_eq!(
            inv.roles_named(name)[0].max_session_duration,
            Known::Known(seconds),
            "{name}"
        );
    }
    assert!(
        inv.roles
            .iter()
            .all(|r| matches!(r.max_session_duration, Known::Known(_)))
    );
    assert!(inv.roles_named("ssm-hybrid-node")[0].description.is_some());
    // Permissions still come from the export.
    assert!(!inv.roles_named("ec2-web-app")[0].inline_policies.is_empty());
}

#[test]
fn get_role_output_merges_by_arn() {
    let inv = load::load_paths(&[
        fixture("moto-account-authz-inuse.json"),
        fixture("moto-get-role-DeveloperRole.json"),
    ])
    .unwrap();
    assert_eq!(inv.roles.len(), 17);
    assert_eq!(
        inv.roles_named("DeveloperRole")[0].max_session_duration,
        Known::Known(14400)
    );
}

#[test]
fn a_managed_policy_referenced_but_absent_is_reported() {
    // The `--filter LocalManagedPolicy` export leaves AWS managed policies out.
    let inv = load::load_paths(&[fixture("moto-account-authz-local.json")]).unwrap();
    let w = inv
        .warnings
        .iter()
        .find(|w| w.location == "arn:aws:iam::aws:policy/AdministratorAccess")
        .expect("a warning about the absent AdministratorAccess");
    assert!(
        w.message.contains("not in the loaded data"),
        "{}",
        w.message
    );
    assert!(
        inv.managed_policy("arn:aws:iam::aws:policy/AdministratorAccess")
            .is_none()
    );
}

#[test]
fn the_default_version_of_a_managed_policy_is_the_one_in_force() {
    let inv = load::load_paths(&[fixture("moto-account-authz-inuse.json")]).unwrap();
    let p = inv
        .managed_policy("arn:aws:iam::123456789012:policy/team/DeveloperAccess")
        .unwrap();
    assert_eq!(p.versions.len(), 3);
    assert_eq!(p.default_version().unwrap().version_id, "v3");
}

#[test]
fn identity_provider_listings_load() {
    let inv = load::load_paths(&[
        fixture("moto-list-saml-providers.json"),
        fixture("moto-list-open-id-connect-providers.json"),
    ])
    .unwrap();
    assert_eq!(inv.identity_providers.len(), 2);
    let oidc = inv
        .identity_providers
        .iter()
        .find(|p| p.arn.contains("oidc-provider"))
        .unwrap();
    assert_eq!(
        oidc.url.as_deref(),
        Some("token.actions.githubusercontent.com")
    );
}

#[test]
fn the_demo_organisation_loads_cleanly() {
    let inv = load::load_demo().unwrap();
    assert!(inv.accounts.len() >= 2);
    assert!(!inv.roles.is_empty());
}

#[test]
fn progress_is_reported_while_loading() {
    let mut events = Vec::new();
    let mut loader = Loader::new(LoadOptions::default());
    loader.on_progress(|p| events.push(format!("{p:?}")));
    loader
        .add_path(&fixture("moto-account-authz-inuse.json"))
        .unwrap();
    let _ = loader.finish();
    assert!(events[0].starts_with("Reading"));
    assert!(events.iter().any(|e| e.starts_with("Parsed")));
    assert!(events.iter().any(|e| e.starts_with("Building")));
    assert_eq!(events.last().map(String::as_str), Some("Indexing"));
}

#[test]
fn malformed_json_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("broken.json");
    std::fs::write(
        &p,
        "{\n  \"RoleDetailList\": [\n    {\"Arn\": \"x\" \"RoleName\": 1}\n",
    )
    .unwrap();
    let e = load::load_paths(&[p]).unwrap_err();
    assert!(matches!(e, LoadError::Syntax { line: 3, .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("broken.json"), "{msg}");
    assert!(msg.contains("line 3, column"), "{msg}");
    assert!(msg.contains("expected"), "{msg}");
}

#[test]
fn a_bundle_carries_organisation_resource_policies_providers_and_sts_regions() {
    let bundle = r#"{"Accounts": {
      "111111111111": {
        "Name": "management",
        "Organization": {"Id": "o-abc", "ManagementAccountId": "111111111111",
          "ScpsByLevel": [
            {"Target": "r-root", "Policies": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}]},
            {"Target": "111111111111", "Policies": {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}}}
          ],
          "RcpsByLevel": []},
        "RoleDetailList": []
      },
      "222222222222": {
        "Organization": {"Id": "o-abc", "ManagementAccountId": "111111111111"},
        "ResourcePolicies": [{"ResourceArn": "arn:aws:s3:::bucket", "AppliesTo": "arn:aws:s3:::bucket/*",
          "Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"}],
        "IdentityProviders": [{"Arn": "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com",
          "Type": "OIDC", "Url": "https://token.actions.githubusercontent.com", "ClientIDList": "sts.amazonaws.com"}],
        "StsRegionsDeactivated": ["ap-east-1"],
        "RoleDetailList": [{"RoleName": "R", "Arn": "arn:aws:iam::222222222222:role/R", "MaxSessionDuration": 7200, "Description": "d",
          "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}]
      }
    }}"#;
    let inv = load::load_str("org.json", bundle).unwrap();
    let mgmt = inv.account("111111111111").unwrap();
    assert_eq!(mgmt.name.as_deref(), Some("management"));
    let org = mgmt.organization.as_ref().unwrap();
    assert!(
        org.is_management_account,
        "management account inferred from its id"
    );
    assert_eq!(org.scps_by_level.len(), 2);
    assert_eq!(
        org.scps_by_level[1].policies.len(),
        1,
        "a single policy reads as a list of one"
    );
    let member = inv.account("222222222222").unwrap();
    assert!(!member.organization.as_ref().unwrap().is_management_account);
    assert_eq!(
        member.resource_policies[0].applies_to,
        vec!["arn:aws:s3:::bucket/*"]
    );
    assert!(member.resource_policies[0].policy.is_clean());
    assert_eq!(member.sts_regions_deactivated, vec!["ap-east-1"]);
    assert_eq!(
        inv.identity_providers[0].client_ids,
        vec!["sts.amazonaws.com"]
    );
    assert_eq!(
        inv.identity_providers[0].url.as_deref(),
        Some("token.actions.githubusercontent.com")
    );
    let r = inv.roles_named("R")[0];
    assert_eq!(r.max_session_duration, Known::Known(7200));
    assert_eq!(r.description.as_deref(), Some("d"));
}

#[test]
fn a_large_file_decodes_on_several_cores_and_shares_identical_documents() {
    // Above 2,048 distinct documents, decoding is split across threads.
    let roles: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                r#"{{"RoleName": "r{i}", "Arn": "arn:aws:iam::111122223333:role/r{i}",
                "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "lambda.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}},
                "RolePolicyList": [{{"PolicyName": "p", "PolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-{i}/*"}}]}}}}]}}"#
            )
        })
        .collect();
    let text = format!(r#"{{"RoleDetailList": [{}]}}"#, roles.join(","));
    let inv = load::load_str("big.json", &text).unwrap();
    assert_eq!(inv.roles.len(), 3000);
    for (i, r) in inv.roles.iter().enumerate() {
        let p = &r.inline_policies[0].policy;
        assert!(p.is_clean());
        assert_eq!(
            p.json()["Statement"][0]["Resource"],
            format!("arn:aws:s3:::bucket-{i}/*")
        );
    }
    // The identical trust policy is decoded once and shared.
    assert!(std::sync::Arc::ptr_eq(
        &inv.roles[0].trust_policy.text,
        &inv.roles[2999].trust_policy.text
    ));
}

/// What the loader records as loaded, per account and kind of data: the facts "unknown"
/// answers are decided on.
mod coverage {
    use super::fixture;
    use rolescope::engine::load::{load_demo, load_paths, load_str};
    use rolescope::engine::model::{DataPart, ProviderType};
    use rolescope::engine::whatif::bundle::to_bundle;

    const ACCOUNT: &str = "123456789012";

    #[test]
    fn a_bare_authorization_details_export_gives_iam_entities_only() {
        let inv = load_paths(&[fixture("moto-account-authz-inuse.json")]).unwrap();
        let a = inv.account(ACCOUNT).unwrap();
        assert!(a.has(DataPart::AuthorizationDetails));
        for part in [
            DataPart::IdentityProviders,
            DataPart::Organization,
            DataPart::Scps,
            DataPart::ResourcePolicies,
        ] {
            assert!(!a.has(part), "{part:?}");
        }
        assert!(!a.lists_providers(ProviderType::Saml));
        assert!(inv.roles.iter().all(|r| r.policies_loaded));
    }

    #[test]
    fn each_provider_list_covers_its_own_kind_of_provider() {
        let inv = load_paths(&[
            fixture("moto-account-authz-inuse.json"),
            fixture("moto-list-saml-providers.json"),
        ])
        .unwrap();
        let a = inv.account(ACCOUNT).unwrap();
        assert!(a.lists_providers(ProviderType::Saml));
        assert!(!a.lists_providers(ProviderType::Oidc));
    }

    #[test]
    fn an_empty_provider_list_names_no_account_and_says_so() {
        let inv = load_str("saml.json", r#"{"SAMLProviderList": []}"#).unwrap();
        assert!(
            inv.warnings
                .iter()
                .any(|w| w.message.contains("cannot tell whose providers it lists")),
            "{:?}",
            inv.warnings
        );
    }

    #[test]
    fn a_bundle_key_even_empty_gives_its_part_and_a_failed_call_takes_it_away() {
        let inv = load_str(
            "bundle.json",
            r#"{"Accounts": {"123456789012": {"IdentityProviders": [], "ResourcePolicies": [],
                "NotCollected": [{"Part": "resource-policies", "Call": "s3api get-bucket-policy",
                                  "Region": "eu-west-1", "Message": "AccessDenied"}]}}}"#,
        )
        .unwrap();
        let a = inv.account(ACCOUNT).unwrap();
        assert!(a.has(DataPart::IdentityProviders));
        assert!(a.lists_providers(ProviderType::Oidc));
        assert!(!a.has(DataPart::ResourcePolicies));
    }

    #[test]
    fn roles_known_only_from_list_roles_have_unknown_policies() {
        let inv = load_paths(&[fixture("moto-list-roles.json")]).unwrap();
        assert!(!inv.roles.is_empty());
        assert!(inv.roles.iter().all(|r| !r.policies_loaded));
        let inv = load_paths(&[
            fixture("moto-account-authz-inuse.json"),
            fixture("moto-list-roles.json"),
        ])
        .unwrap();
        assert!(inv.roles.iter().all(|r| r.policies_loaded));
    }

    #[test]
    fn a_saved_bundle_claims_no_more_than_was_loaded() {
        let inv = load_paths(&[
            fixture("moto-account-authz-local.json"),
            fixture("moto-list-saml-providers.json"),
            fixture("moto-list-roles.json"),
        ])
        .unwrap();
        let text = serde_json::to_string(&to_bundle(&inv)).unwrap();
        let back = load_str("saved.json", &text).unwrap();
        let (a, b) = (
            inv.account(ACCOUNT).unwrap(),
            back.account(ACCOUNT).unwrap(),
        );
        for kind in [ProviderType::Saml, ProviderType::Oidc] {
            assert_eq!(a.lists_providers(kind), b.lists_providers(kind), "{kind:?}");
        }
        assert_eq!(
            a.has(DataPart::ResourcePolicies),
            b.has(DataPart::ResourcePolicies)
        );
        // The demo organisation is complete, and stays so.
        let demo = load_demo().unwrap();
        for a in demo.accounts.values() {
            assert!(a.has(DataPart::IdentityProviders), "{}", a.id);
            assert!(a.has(DataPart::ResourcePolicies), "{}", a.id);
        }
    }
}
