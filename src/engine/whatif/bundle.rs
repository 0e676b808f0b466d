//! Writing an [`Inventory`] back out as a bundle the loader reads
//! (`{"Accounts": {"<id>": {...}}}`, each account in the shape of
//! `aws iam get-account-authorization-details` plus `Organization`, `ResourcePolicies`,
//! `IdentityProviders` and `StsRegionsDeactivated`), so that what-if edits can be kept as a
//! new file without touching the loaded ones.
//!
//! Policy documents are written as JSON objects (not URL-encoded strings); AWS managed
//! policies are written once, in the first account, which the loader accepts because it
//! keeps AWS managed policies once across accounts.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::engine::model::{
    AttachedPolicy, DataPart, InlinePolicy, Inventory, Known, ManagedPolicy, PolicyText,
    ProviderType, Tag,
};

fn opt_time(t: Option<chrono::DateTime<chrono::Utc>>) -> Value {
    t.map_or(Value::Null, |t| {
        Value::String(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    })
}

fn doc(p: &PolicyText) -> Value {
    p.json()
}

fn tags(tags: &[Tag]) -> Value {
    Value::Array(
        tags.iter()
            .map(|t| json!({"Key": t.key, "Value": t.value}))
            .collect(),
    )
}

fn inline(list: &[InlinePolicy]) -> Value {
    Value::Array(
        list.iter()
            .map(|p| json!({"PolicyName": p.name, "PolicyDocument": doc(&p.policy)}))
            .collect(),
    )
}

fn attached(list: &[AttachedPolicy]) -> Value {
    Value::Array(
        list.iter()
            .map(|p| json!({"PolicyName": p.name, "PolicyArn": p.arn}))
            .collect(),
    )
}

fn boundary(b: Option<&AttachedPolicy>) -> Option<Value> {
    b.map(|b| json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": b.arn}))
}

fn insert_opt(obj: &mut Map<String, Value>, key: &str, v: Option<Value>) {
    if let Some(v) = v
        && !v.is_null()
    {
        obj.insert(key.to_owned(), v);
    }
}

fn managed(p: &ManagedPolicy) -> Value {
    let mut obj = Map::new();
    obj.insert("PolicyName".into(), json!(p.name));
    obj.insert("Arn".into(), json!(p.arn));
    obj.insert("Path".into(), json!(p.path));
    insert_opt(&mut obj, "PolicyId", p.policy_id.clone().map(Value::String));
    insert_opt(
        &mut obj,
        "DefaultVersionId",
        p.default_version_id.clone().map(Value::String),
    );
    insert_opt(
        &mut obj,
        "AttachmentCount",
        p.attachment_count.map(Value::from),
    );
    insert_opt(
        &mut obj,
        "PermissionsBoundaryUsageCount",
        p.permissions_boundary_usage_count.map(Value::from),
    );
    insert_opt(
        &mut obj,
        "Description",
        p.description.clone().map(Value::String),
    );
    insert_opt(&mut obj, "CreateDate", Some(opt_time(p.create_date)));
    insert_opt(&mut obj, "UpdateDate", Some(opt_time(p.update_date)));
    obj.insert(
        "PolicyVersionList".into(),
        Value::Array(
            p.versions
                .iter()
                .map(|v| {
                    let mut o = Map::new();
                    o.insert("Document".into(), doc(&v.policy));
                    o.insert("VersionId".into(), json!(v.version_id));
                    o.insert("IsDefaultVersion".into(), json!(v.is_default));
                    insert_opt(&mut o, "CreateDate", Some(opt_time(v.create_date)));
                    Value::Object(o)
                })
                .collect(),
        ),
    );
    Value::Object(obj)
}

fn account_of_arn(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// The inventory as a bundle document.
#[must_use]
pub fn to_bundle(inv: &Inventory) -> Value {
    let mut accounts: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let ids: Vec<String> = {
        let mut ids: Vec<String> = inv.accounts.keys().cloned().collect();
        for id in inv
            .roles
            .iter()
            .map(|r| &r.account)
            .chain(inv.users.iter().map(|u| &u.account))
            .chain(inv.groups.iter().map(|g| &g.account))
        {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        ids.sort();
        ids
    };
    for id in &ids {
        let mut obj = Map::new();
        for key in [
            "UserDetailList",
            "GroupDetailList",
            "RoleDetailList",
            "Policies",
            // Roles only `list-roles` described: their permission policies stay unknown.
            "Roles",
        ] {
            obj.insert(key.to_owned(), Value::Array(Vec::new()));
        }
        if let Some(acct) = inv.accounts.get(id) {
            insert_opt(&mut obj, "Name", acct.name.clone().map(Value::String));
            if let Some(org) = &acct.organization {
                let levels = |ls: &[crate::engine::model::OrgPolicyLevel]| {
                    Value::Array(
                        ls.iter()
                            .map(|l| {
                                let mut o = Map::new();
                                o.insert("Target".into(), json!(l.target));
                                o.insert(
                                    "Policies".into(),
                                    Value::Array(l.policies.iter().map(doc).collect()),
                                );
                                if !l.summaries.is_empty() {
                                    o.insert(
                                        "PolicySummaries".into(),
                                        Value::Array(
                                            l.summaries
                                                .iter()
                                                .map(|p| {
                                                    json!({"Id": p.id, "Name": p.name,
                                                        "Arn": p.arn, "AwsManaged": p.aws_managed})
                                                })
                                                .collect(),
                                        ),
                                    );
                                }
                                Value::Object(o)
                            })
                            .collect(),
                    )
                };
                let mut o = Map::new();
                o.insert("Id".into(), json!(org.org_id));
                insert_opt(
                    &mut o,
                    "ManagementAccountId",
                    org.management_account_id.clone().map(Value::String),
                );
                o.insert(
                    "IsManagementAccount".into(),
                    json!(org.is_management_account),
                );
                if !org.parents.is_empty() {
                    o.insert(
                        "Parents".into(),
                        Value::Array(
                            org.parents
                                .iter()
                                .map(|u| json!({"Id": u.id, "Name": u.name}))
                                .collect(),
                        ),
                    );
                }
                if !org.enabled_policy_types.is_empty() {
                    o.insert("EnabledPolicyTypes".into(), json!(org.enabled_policy_types));
                }
                o.insert("ScpsByLevel".into(), levels(&org.scps_by_level));
                o.insert("RcpsByLevel".into(), levels(&org.rcps_by_level));
                obj.insert("Organization".into(), Value::Object(o));
            }
            // What was loaded is written as loaded, and nothing more: a part the data lacks
            // stays missing when the bundle is read back.
            if acct.loaded.contains(&DataPart::ResourcePolicies) {
                obj.insert(
                    "ResourcePolicies".into(),
                    Value::Array(
                        acct.resource_policies
                            .iter()
                            .map(|rp| {
                                json!({"ResourceArn": rp.resource_arn, "AppliesTo": rp.applies_to,
                                    "Policy": doc(&rp.policy)})
                            })
                            .collect(),
                    ),
                );
            }
            obj.insert(
                "StsRegionsDeactivated".into(),
                json!(acct.sts_regions_deactivated),
            );
            if let Some(p) = &acct.provenance {
                let mut o = Map::new();
                insert_opt(
                    &mut o,
                    "CollectedAt",
                    p.collected_at.map(|t| opt_time(Some(t))),
                );
                insert_opt(&mut o, "CallerArn", p.caller_arn.clone().map(Value::String));
                insert_opt(
                    &mut o,
                    "CliVersion",
                    p.cli_version.clone().map(Value::String),
                );
                insert_opt(
                    &mut o,
                    "ToolVersion",
                    p.tool_version.clone().map(Value::String),
                );
                o.insert("Collected".into(), json!(p.collected));
                obj.insert("Provenance".into(), Value::Object(o));
            }
            if !acct.not_collected.is_empty() {
                obj.insert(
                    "NotCollected".into(),
                    Value::Array(
                        acct.not_collected
                            .iter()
                            .map(|n| {
                                let mut o = Map::new();
                                o.insert("Part".into(), json!(n.part));
                                o.insert("Call".into(), json!(n.call));
                                insert_opt(&mut o, "Region", n.region.clone().map(Value::String));
                                o.insert("Message".into(), json!(n.message));
                                Value::Object(o)
                            })
                            .collect(),
                    ),
                );
            }
        }
        let acct = inv.accounts.get(id);
        let all_listed = acct.is_some_and(|a| a.loaded.contains(&DataPart::IdentityProviders));
        let listed = |kind: ProviderType| acct.is_some_and(|a| a.providers_listed.contains(&kind));
        let providers: Vec<Value> = inv
            .identity_providers
            .iter()
            .filter(|p| &p.account == id)
            .map(|p| {
                let mut o = Map::new();
                o.insert("Arn".into(), json!(p.arn));
                o.insert(
                    "Type".into(),
                    json!(match p.provider_type {
                        ProviderType::Oidc => "OIDC",
                        ProviderType::Saml => "SAML",
                    }),
                );
                if let Some(url) = &p.url {
                    o.insert("Url".into(), json!(format!("https://{url}")));
                }
                if !p.client_ids.is_empty() {
                    o.insert("ClientIDList".into(), json!(p.client_ids));
                }
                if !p.thumbprints.is_empty() {
                    o.insert("ThumbprintList".into(), json!(p.thumbprints));
                }
                Value::Object(o)
            })
            .collect();
        if all_listed {
            obj.insert("IdentityProviders".into(), Value::Array(providers));
        } else {
            // Listed one kind at a time: written back the way it was read.
            for (kind, key) in [
                (ProviderType::Saml, "SAMLProviderList"),
                (ProviderType::Oidc, "OpenIDConnectProviderList"),
            ] {
                if listed(kind) {
                    let arns: Vec<Value> = inv
                        .identity_providers
                        .iter()
                        .filter(|p| &p.account == id && p.provider_type == kind)
                        .map(|p| json!({"Arn": p.arn}))
                        .collect();
                    obj.insert(key.into(), Value::Array(arns));
                }
            }
        }
        accounts.insert(id.clone(), obj);
    }
    let push = |accounts: &mut BTreeMap<String, Map<String, Value>>, id: &str, key: &str, v| {
        if let Some(Value::Array(list)) = accounts.get_mut(id).and_then(|a| a.get_mut(key)) {
            list.push(v);
        }
    };
    for r in &inv.roles {
        let mut o = Map::new();
        o.insert("Path".into(), json!(r.path));
        o.insert("RoleName".into(), json!(r.name));
        o.insert("RoleId".into(), json!(r.role_id));
        o.insert("Arn".into(), json!(r.arn));
        insert_opt(&mut o, "CreateDate", Some(opt_time(r.create_date)));
        o.insert("AssumeRolePolicyDocument".into(), doc(&r.trust_policy));
        insert_opt(
            &mut o,
            "Description",
            r.description.clone().map(Value::String),
        );
        if let Known::Known(s) = r.max_session_duration {
            o.insert("MaxSessionDuration".into(), json!(s));
        }
        o.insert(
            "InstanceProfileList".into(),
            Value::Array(
                r.instance_profiles
                    .iter()
                    .map(|p| {
                        json!({"InstanceProfileName": p.name, "Arn": p.arn, "Path": p.path,
                            "Roles": [{"Arn": r.arn}]})
                    })
                    .collect(),
            ),
        );
        o.insert("RolePolicyList".into(), inline(&r.inline_policies));
        o.insert(
            "AttachedManagedPolicies".into(),
            attached(&r.managed_policies),
        );
        insert_opt(
            &mut o,
            "PermissionsBoundary",
            boundary(r.permissions_boundary.as_ref()),
        );
        o.insert("Tags".into(), tags(&r.tags));
        if let Some(lu) = &r.last_used {
            let mut l = Map::new();
            insert_opt(&mut l, "LastUsedDate", Some(opt_time(lu.last_used_date)));
            insert_opt(&mut l, "Region", lu.region.clone().map(Value::String));
            o.insert("RoleLastUsed".into(), Value::Object(l));
        }
        push(
            &mut accounts,
            &r.account,
            if r.policies_loaded {
                "RoleDetailList"
            } else {
                "Roles"
            },
            Value::Object(o),
        );
    }
    for u in &inv.users {
        let mut o = Map::new();
        o.insert("Path".into(), json!(u.path));
        o.insert("UserName".into(), json!(u.name));
        o.insert("UserId".into(), json!(u.user_id));
        o.insert("Arn".into(), json!(u.arn));
        insert_opt(&mut o, "CreateDate", Some(opt_time(u.create_date)));
        o.insert("UserPolicyList".into(), inline(&u.inline_policies));
        o.insert("GroupList".into(), json!(u.groups));
        o.insert(
            "AttachedManagedPolicies".into(),
            attached(&u.managed_policies),
        );
        insert_opt(
            &mut o,
            "PermissionsBoundary",
            boundary(u.permissions_boundary.as_ref()),
        );
        o.insert("Tags".into(), tags(&u.tags));
        push(
            &mut accounts,
            &u.account,
            "UserDetailList",
            Value::Object(o),
        );
    }
    for g in &inv.groups {
        let o = json!({"Path": g.path, "GroupName": g.name, "GroupId": g.group_id, "Arn": g.arn,
            "GroupPolicyList": inline(&g.inline_policies),
            "AttachedManagedPolicies": attached(&g.managed_policies)});
        push(&mut accounts, &g.account, "GroupDetailList", o);
    }
    let first = ids.first().cloned();
    for p in &inv.policies {
        let id = match account_of_arn(&p.arn) {
            Some(a) if a != "aws" && accounts.contains_key(a) => a.to_owned(),
            _ => match &first {
                Some(f) => f.clone(),
                None => continue,
            },
        };
        push(&mut accounts, &id, "Policies", managed(p));
    }
    let accounts: Map<String, Value> = accounts
        .into_iter()
        .map(|(k, v)| (k, Value::Object(v)))
        .collect();
    json!({ "Accounts": accounts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::load::{load_demo, load_str};

    #[test]
    fn the_demo_written_as_a_bundle_loads_back_the_same() {
        let inv = load_demo().unwrap();
        let text = serde_json::to_string_pretty(&to_bundle(&inv)).unwrap();
        let back = load_str("saved.json", &text).unwrap();
        assert_eq!(back.roles.len(), inv.roles.len());
        assert_eq!(back.users.len(), inv.users.len());
        assert_eq!(back.groups.len(), inv.groups.len());
        assert_eq!(back.policies.len(), inv.policies.len());
        assert_eq!(back.identity_providers.len(), inv.identity_providers.len());
        assert_eq!(
            serde_json::to_value(&back.accounts).unwrap(),
            serde_json::to_value(&inv.accounts).unwrap()
        );
        for r in &inv.roles {
            let b = back.role_by_arn(&r.arn).unwrap();
            assert_eq!(
                serde_json::to_value(b).unwrap(),
                serde_json::to_value(r).unwrap(),
                "{}",
                r.arn
            );
        }
        for u in &inv.users {
            let b = back.user_by_arn(&u.arn).unwrap();
            assert_eq!(
                serde_json::to_value(b).unwrap(),
                serde_json::to_value(u).unwrap()
            );
        }
        let warn = |i: &Inventory| {
            i.warnings
                .iter()
                .map(|w| w.message.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(warn(&back), warn(&inv));
    }
}
