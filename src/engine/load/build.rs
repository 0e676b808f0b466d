//! Turning parsed shapes into the model, and merging what several files say.
//!
//! Merge rules, by ARN:
//! - a role, user, group or customer managed policy described by two exports is kept once
//!   when both agree (same id, same trust policy or default version) and is a
//!   [`LoadError::Conflict`] when they do not;
//! - AWS managed policies (`arn:aws:iam::aws:policy/…`) appear in every account's export and
//!   are kept once;
//! - `list-roles` / `get-role` entries fill what the export lacks (`MaxSessionDuration`,
//!   `Description`, and tags, boundary and last use when absent); a role known only from them
//!   still loads, with a warning that its permission policies are not in the data;
//! - account facts (organisation, resource policies, identity providers, deactivated STS
//!   regions) are united; two different organisations for one account conflict.
//!
//! Identical policy documents within a file are decoded and parsed once and shared.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;
use serde_json::value::RawValue;

use super::LoadError;
use super::decode;
use super::policy_file;
use super::raw::{
    RawAccount, RawAttachedPolicy, RawBoundary, RawGroup, RawIdentityProvider, RawInlinePolicy,
    RawManagedPolicy, RawOrganization, RawPolicyLevel, RawPolicyVersion, RawRole, RawUser,
};
use crate::engine::arn::{Arn, is_account_id};
use crate::engine::model::{
    Account, AttachedPolicy, DataPart, Group, IdentityProvider, InlinePolicy, InstanceProfileRef,
    Inventory, Known, LoadWarning, ManagedPolicy, NotCollected, OrgMembership, OrgPolicyLevel,
    OrgPolicySummary, OrgUnit, PolicyText, PolicyVersion, Provenance, ProviderType, ResourcePolicy,
    Role, RoleLastUsed, Tag, User, VersionText,
};
use crate::engine::policy::document::{Interner, ParseError};

/// The shortest and longest `MaxSessionDuration` IAM accepts, in seconds.
pub const MAX_SESSION_RANGE: std::ops::RangeInclusive<u64> = 3600..=43200;

/// How many entities a parsed file holds, for progress reports.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub roles: usize,
    pub users: usize,
    pub groups: usize,
    pub policies: usize,
}

impl Counts {
    #[must_use]
    pub fn total(&self) -> usize {
        self.roles + self.users + self.groups + self.policies
    }
}

/// Counts the entities of a parsed file, bundle accounts included.
#[must_use]
pub fn count(raw: &RawAccount<'_>) -> Counts {
    let len = |o: Option<usize>| o.unwrap_or(0);
    let mut c = Counts {
        roles: len(raw.role_detail_list.as_ref().map(|l| l.0.len()))
            + len(raw.roles.as_ref().map(|l| l.0.len()))
            + usize::from(raw.role.is_some()),
        users: len(raw.user_detail_list.as_ref().map(|l| l.0.len())),
        groups: len(raw.group_detail_list.as_ref().map(|l| l.0.len())),
        policies: len(raw.policies.as_ref().map(|l| l.0.len())),
    };
    for a in raw.accounts.iter().flat_map(BTreeMap::values) {
        let n = count(a);
        c.roles += n.roles;
        c.users += n.users;
        c.groups += n.groups;
        c.policies += n.policies;
    }
    c
}

/// Where an entity came from, for conflict messages.
type Origin = Arc<str>;

/// Accumulates files into an [`Inventory`].
#[derive(Default)]
pub struct Builder {
    inv: Inventory,
    roles: FastMap<String, (usize, Origin)>,
    users: FastMap<String, (usize, Origin)>,
    groups: FastMap<String, (usize, Origin)>,
    policies: FastMap<String, (usize, Origin)>,
    providers: FastMap<String, usize>,
    /// Roles from `list-roles` / `get-role`, merged in `finish`.
    partial_roles: Vec<(Origin, Role)>,
    org_origin: HashMap<String, Origin>,
    resource_policy_origin: HashMap<(String, String), Origin>,
}

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A policy document's raw text as a map key (hashed in full with a fast hash), so identical
/// documents, and only they, share one decoded [`PolicyText`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct DocKey<'a>(&'a str);

/// Where one occurrence of a document sits in the file buffer (address and length): the
/// merge finds an occurrence's decoded text by place, without comparing texts again.
fn place(raw: &RawValue) -> (usize, usize) {
    (raw.get().as_ptr().addr(), raw.get().len())
}

/// A file's decoded policy documents: each distinct text decoded once, found by text or by
/// the place of any of its occurrences.
#[derive(Default)]
struct Docs<'a> {
    decoded: Vec<PolicyText>,
    by_text: FastMap<DocKey<'a>, usize>,
    by_place: FastMap<(usize, usize), usize>,
}

impl<'a> Docs<'a> {
    fn get(&mut self, raw: &'a RawValue) -> PolicyText {
        if let Some(&i) = self.by_place.get(&place(raw)) {
            return self.decoded[i].clone();
        }
        let i = if let Some(&i) = self.by_text.get(&DocKey(raw.get())) {
            i
        } else {
            self.decoded.push(decode::policy_text(raw));
            let i = self.decoded.len() - 1;
            self.by_text.insert(DocKey(raw.get()), i);
            i
        };
        self.by_place.insert(place(raw), i);
        self.decoded[i].clone()
    }
}

/// One file's worth of work: the source name, the decoded documents and a progress counter.
struct FileCtx<'a, 't> {
    source: Origin,
    docs: Docs<'a>,
    done: usize,
    tick: &'t mut dyn FnMut(usize),
}

impl<'a> FileCtx<'a, '_> {
    fn policy(&mut self, raw: Option<&'a RawValue>, what: &str) -> PolicyText {
        let Some(raw) = raw else {
            return PolicyText::unreadable(
                Value::Null,
                ParseError {
                    path: "$".to_owned(),
                    message: format!("the data has no {what}"),
                },
            );
        };
        self.docs.get(raw)
    }

    fn step(&mut self) {
        self.done += 1;
        if self.done.is_multiple_of(1024) {
            (self.tick)(self.done);
        }
    }

    fn warn(&self, location: impl Into<String>, message: impl Into<String>) -> LoadWarning {
        LoadWarning {
            source: self.source.to_string(),
            location: location.into(),
            message: message.into(),
        }
    }
}

impl Builder {
    /// Adds one parsed file.
    ///
    /// # Errors
    /// [`LoadError::Shape`] for a bundle key that is not an account id or account facts whose
    /// account cannot be told; [`LoadError::Conflict`] when the file disagrees with one loaded
    /// before.
    pub fn add(
        &mut self,
        source: &str,
        raw: RawAccount<'_>,
        tick: &mut dyn FnMut(usize),
    ) -> Result<(), LoadError> {
        self.inv.sources.push(source.to_owned());
        let mut ctx = FileCtx {
            source: Arc::from(source),
            docs: predecode(&raw),
            done: 0,
            tick,
        };
        self.add_account(&mut ctx, raw, None, "$")?;
        let done = ctx.done;
        (ctx.tick)(done);
        Ok(())
    }

    fn add_account<'a>(
        &mut self,
        ctx: &mut FileCtx<'a, '_>,
        raw: RawAccount<'a>,
        key: Option<&str>,
        json_path: &str,
    ) -> Result<(), LoadError> {
        let RawAccount {
            accounts,
            roles,
            role,
            name,
            user_detail_list,
            group_detail_list,
            role_detail_list,
            policies,
            organization,
            resource_policies,
            identity_providers,
            sts_regions_deactivated,
            open_id_connect_provider_list,
            saml_provider_list,
            provenance,
            not_collected,
        } = raw;
        for (id, account) in accounts.into_iter().flatten() {
            let path = format!("{json_path}.Accounts[\"{id}\"]");
            if !is_account_id(&id) {
                return Err(LoadError::Shape {
                    path: ctx.source.to_string().into(),
                    json_path: path,
                    message: format!("bundle keys must be 12-digit AWS account ids, found `{id}`"),
                });
            }
            self.add_account(ctx, account, Some(&id), &path)?;
        }

        // The account this part of the file describes: the bundle key, or the first ARN.
        let inferred = key.map(str::to_owned).or_else(|| {
            let arns = role_detail_list
                .iter()
                .flat_map(|l| l.0.iter().map(|r| r.arn.as_str()))
                .chain(
                    user_detail_list
                        .iter()
                        .flat_map(|l| l.0.iter().map(|u| u.arn.as_str())),
                )
                .chain(
                    group_detail_list
                        .iter()
                        .flat_map(|l| l.0.iter().map(|g| g.arn.as_str())),
                );
            arns.filter_map(|a| Arn::parse(a).ok())
                .map(|a| a.account)
                .find(|a| is_account_id(a))
        });
        if let Some(id) = &inferred {
            let has_details = role_detail_list.is_some()
                || user_detail_list.is_some()
                || group_detail_list.is_some();
            let acct = self.account_mut(id);
            if acct.name.is_none() {
                acct.name = name;
            }
            if has_details {
                acct.loaded.insert(DataPart::AuthorizationDetails);
            }
        }

        for (i, r) in role_detail_list.into_iter().flat_map(|l| l.0).enumerate() {
            ctx.step();
            let at = format!("{json_path}.RoleDetailList[{i}]");
            if let Some(role) = self.role(ctx, r, key, &at)? {
                self.insert_role(ctx, role)?;
            }
        }
        let listed = roles.as_ref().map_or(0, |l| l.0.len());
        let role_at = |i: usize| {
            if i < listed {
                format!("{json_path}.Roles[{i}]")
            } else {
                format!("{json_path}.Role")
            }
        };
        for (i, r) in roles.into_iter().flat_map(|l| l.0).chain(role).enumerate() {
            ctx.step();
            if let Some(role) = self.role(ctx, r, key, &role_at(i))? {
                self.partial_roles.push((ctx.source.clone(), role));
            }
        }
        for (i, u) in user_detail_list.into_iter().flat_map(|l| l.0).enumerate() {
            ctx.step();
            let at = format!("{json_path}.UserDetailList[{i}]");
            if let Some(user) = self.user(ctx, u, key, &at)? {
                self.insert_user(ctx, user)?;
            }
        }
        for (i, g) in group_detail_list.into_iter().flat_map(|l| l.0).enumerate() {
            ctx.step();
            let at = format!("{json_path}.GroupDetailList[{i}]");
            if let Some(group) = self.group(ctx, g, key, &at)? {
                self.insert_group(ctx, group)?;
            }
        }
        for (i, p) in policies.into_iter().flat_map(|l| l.0).enumerate() {
            ctx.step();
            let at = format!("{json_path}.Policies[{i}]");
            if let Some(policy) = self.managed_policy(ctx, p, &at)? {
                self.insert_policy(ctx, policy)?;
            }
        }

        let needs_account = organization.is_some()
            || resource_policies.is_some()
            || identity_providers.is_some()
            || sts_regions_deactivated.is_some()
            || provenance.is_some()
            || not_collected.is_some();
        let Some(id) = inferred else {
            if needs_account {
                return Err(LoadError::Shape {
                    path: ctx.source.to_string().into(),
                    json_path: json_path.to_owned(),
                    message: "cannot tell which account the organisation, resource policies, identity providers or STS regions belong to; put them in a bundle under `Accounts` keyed by account id".to_owned(),
                });
            }
            self.provider_lists(
                ctx,
                None,
                json_path,
                open_id_connect_provider_list,
                saml_provider_list,
            );
            return Ok(());
        };

        if let Some(org) = organization {
            let membership = org_membership(ctx, org, &id);
            // While SCPs are enabled every level carries at least one (AWS Organizations
            // attaches FullAWSAccess when they are enabled; Organizations User Guide, "SCP
            // evaluation"): an organisation given without levels says nothing about SCPs.
            // RCPs are opt-in, so an organisation without them has none.
            let scps_given = !membership.scps_by_level.is_empty();
            self.set_org(ctx, &id, membership)?;
            let acct = self.account_mut(&id);
            acct.loaded.insert(DataPart::Organization);
            acct.loaded.insert(DataPart::Rcps);
            if scps_given {
                acct.loaded.insert(DataPart::Scps);
            }
        }
        if resource_policies.is_some() {
            self.account_mut(&id)
                .loaded
                .insert(DataPart::ResourcePolicies);
        }
        if identity_providers.is_some() {
            self.account_mut(&id)
                .loaded
                .insert(DataPart::IdentityProviders);
        }
        for rp in resource_policies.into_iter().flat_map(|l| l.0) {
            let policy = match rp
                .policy
                .and_then(|raw| policy_file::unwrap_output(raw.get()))
            {
                // The output of the command that prints the policy (`get-bucket-policy`, …).
                Some(Ok(document)) => PolicyText::from_json(document),
                Some(Err(message)) => PolicyText::unreadable(
                    Value::Null,
                    ParseError {
                        path: "$".to_owned(),
                        message,
                    },
                ),
                None => ctx.policy(rp.policy, "resource policy document (`Policy`)"),
            };
            let key = (id.clone(), rp.resource_arn.clone());
            if let Some(first) = self.resource_policy_origin.get(&key).cloned() {
                let acct = self.account_mut(&id);
                let same = acct
                    .resource_policies
                    .iter()
                    .any(|p| p.resource_arn == rp.resource_arn && p.policy.same_json(&policy));
                if !same {
                    return Err(LoadError::Conflict {
                        first: first.to_string(),
                        second: ctx.source.to_string(),
                        entity: "resource policy",
                        arn: rp.resource_arn,
                        what: "the policy documents differ".to_owned(),
                    });
                }
                continue;
            }
            self.resource_policy_origin.insert(key, ctx.source.clone());
            let applies_to = if rp.applies_to.0.is_empty() {
                vec![rp.resource_arn.clone()]
            } else {
                rp.applies_to.0
            };
            self.account_mut(&id)
                .resource_policies
                .push(ResourcePolicy {
                    resource_arn: rp.resource_arn,
                    applies_to,
                    policy,
                });
        }
        for p in identity_providers.into_iter().flat_map(|l| l.0) {
            self.provider(ctx, p);
        }
        self.provider_lists(
            ctx,
            Some(&id),
            json_path,
            open_id_connect_provider_list,
            saml_provider_list,
        );
        if let Some(p) = provenance {
            let collected_at = p.collected_at.as_deref().and_then(|t| {
                let parsed = parse_date(t);
                if parsed.is_none() {
                    self.inv.warnings.push(ctx.warn(
                        format!("{json_path}.Provenance.CollectedAt"),
                        format!(
                            "`{t}` is not a timestamp; the age of this account's data is unknown"
                        ),
                    ));
                }
                parsed
            });
            let acct = self.account_mut(&id);
            acct.loaded.extend(p.collected.0.iter().copied());
            acct.provenance = Some(Provenance {
                collected_at,
                caller_arn: p.caller_arn,
                cli_version: p.cli_version,
                tool_version: p.tool_version,
                collected: p.collected.0,
            });
        }
        for n in not_collected.into_iter().flat_map(|l| l.0) {
            let record = NotCollected {
                part: n.part,
                call: n.call,
                region: n.region,
                message: n.message,
            };
            let acct = self.account_mut(&id);
            if !acct.not_collected.contains(&record) {
                acct.not_collected.push(record);
            }
        }
        if let Some(regions) = sts_regions_deactivated {
            let acct = self.account_mut(&id);
            for r in regions.0 {
                if !acct.sts_regions_deactivated.contains(&r) {
                    acct.sts_regions_deactivated.push(r);
                }
            }
        }
        Ok(())
    }

    /// Records a warning found outside any file's content (a skipped file, a link refused).
    pub fn warn(&mut self, warning: LoadWarning) {
        self.inv.warnings.push(warning);
    }

    /// Loads `list-open-id-connect-providers` / `list-saml-providers` output and records, for
    /// the account it lists (`account`, or the account of its providers' ARNs), that its
    /// providers of that kind are all in the data. An empty list of unknown account is
    /// reported: it cannot say which account has no providers.
    fn provider_lists(
        &mut self,
        ctx: &FileCtx<'_, '_>,
        account: Option<&str>,
        json_path: &str,
        oidc: Option<super::raw::Lenient<super::raw::RawProviderRef>>,
        saml: Option<super::raw::Lenient<super::raw::RawProviderRef>>,
    ) {
        for (kind, list, key, call) in [
            (
                ProviderType::Oidc,
                oidc,
                "OpenIDConnectProviderList",
                "list-open-id-connect-providers",
            ),
            (
                ProviderType::Saml,
                saml,
                "SAMLProviderList",
                "list-saml-providers",
            ),
        ] {
            let Some(list) = list else { continue };
            let mut accounts: Vec<String> = account.map(str::to_owned).into_iter().collect();
            for p in list.0 {
                if account.is_none()
                    && let Ok(arn) = Arn::parse(&p.arn)
                    && is_account_id(&arn.account)
                    && !accounts.contains(&arn.account)
                {
                    accounts.push(arn.account);
                }
                self.provider(
                    ctx,
                    RawIdentityProvider {
                        arn: p.arn,
                        provider_type: None,
                        url: None,
                        client_id_list: super::raw::Lenient::default(),
                        thumbprint_list: super::raw::Lenient::default(),
                    },
                );
            }
            if accounts.is_empty() {
                self.inv.warnings.push(ctx.warn(
                    format!("{json_path}.{key}"),
                    format!(
                        "this empty `{call}` output names no account, so rolescope cannot tell whose providers it lists; put it in a bundle under `Accounts` keyed by account id (as `IdentityProviders: []`)"
                    ),
                ));
            }
            for a in accounts {
                self.account_mut(&a).providers_listed.insert(kind);
            }
        }
    }

    fn account_mut(&mut self, id: &str) -> &mut Account {
        self.inv
            .accounts
            .entry(id.to_owned())
            .or_insert_with(|| Account {
                id: id.to_owned(),
                ..Account::default()
            })
    }

    /// Parses an entity ARN (at `at` in the file) and checks it against the bundle key;
    /// `None` (with a warning) when it is not an ARN.
    ///
    /// # Errors
    /// [`LoadError::Shape`] when the ARN's account is not a 12-digit account id.
    fn entity_arn(
        &mut self,
        ctx: &FileCtx<'_, '_>,
        arn: &str,
        kind: &str,
        key: Option<&str>,
        at: &str,
    ) -> Result<Option<Arn>, LoadError> {
        match Arn::parse(arn) {
            Ok(parsed) => {
                check_account_id(ctx, &parsed.account, arn, &format!("{at}.Arn"))?;
                if let Some(key) = key.filter(|k| *k != parsed.account) {
                    self.inv.warnings.push(ctx.warn(
                        arn,
                        format!(
                            "this {kind} is listed under account `{key}` but its ARN names account `{}`; rolescope uses the ARN's",
                            parsed.account
                        ),
                    ));
                }
                if is_account_id(&parsed.account) {
                    self.account_mut(&parsed.account);
                }
                Ok(Some(parsed))
            }
            Err(e) => {
                self.inv
                    .warnings
                    .push(ctx.warn(format!("{at}.Arn"), format!("{e}; this {kind} is skipped")));
                Ok(None)
            }
        }
    }

    fn date(
        &mut self,
        ctx: &FileCtx<'_, '_>,
        value: Option<String>,
        arn: &str,
    ) -> Option<DateTime<Utc>> {
        let value = value?;
        let parsed = parse_date(&value);
        if parsed.is_none() {
            self.inv.warnings.push(ctx.warn(
                arn,
                format!(
                    "unreadable date `{value}`; expected ISO 8601 such as `2026-11-24T07:04:20Z`"
                ),
            ));
        }
        parsed
    }

    fn inline_policies<'a>(
        ctx: &mut FileCtx<'a, '_>,
        list: Vec<RawInlinePolicy<'a>>,
    ) -> Vec<InlinePolicy> {
        list.into_iter()
            .map(|p| InlinePolicy {
                policy: ctx.policy(p.policy_document, "policy document (`PolicyDocument`)"),
                name: p.policy_name,
            })
            .collect()
    }

    fn role<'a>(
        &mut self,
        ctx: &mut FileCtx<'a, '_>,
        r: RawRole<'a>,
        key: Option<&str>,
        at: &str,
    ) -> Result<Option<Role>, LoadError> {
        let Some(arn) = self.entity_arn(ctx, &r.arn, "role", key, at)? else {
            return Ok(None);
        };
        let profile_role = r
            .instance_profile_list
            .0
            .iter()
            .flat_map(|ip| ip.roles.0.iter())
            .find(|pr| pr.arn.as_deref() == Some(r.arn.as_str()));
        let msd = r
            .max_session_duration
            .or_else(|| profile_role.and_then(|p| p.max_session_duration));
        let description = r
            .description
            .or_else(|| profile_role.and_then(|p| p.description.clone()));
        let max_session_duration = match msd {
            Some(s) => {
                if !MAX_SESSION_RANGE.contains(&s) {
                    self.inv.warnings.push(ctx.warn(
                        r.arn.as_str(),
                        format!(
                            "`MaxSessionDuration` {s} is outside the 3600–43200 seconds IAM allows"
                        ),
                    ));
                }
                Known::Known(u32::try_from(s).unwrap_or(u32::MAX))
            }
            None => Known::Unknown,
        };
        let create_date = self.date(ctx, r.create_date, &r.arn);
        let last_used = match r.role_last_used {
            Some(lu) => Some(RoleLastUsed {
                last_used_date: self.date(ctx, lu.last_used_date, &r.arn),
                region: lu.region,
            }),
            None => None,
        };
        let trust_policy = ctx.policy(
            r.assume_role_policy_document,
            "trust policy (`AssumeRolePolicyDocument`) for this role",
        );
        let inline_policies = Self::inline_policies(ctx, r.role_policy_list.0);
        Ok(Some(Role {
            account: arn.account.clone(),
            name: r
                .role_name
                .unwrap_or_else(|| arn.resource_name().to_owned()),
            path: r.path.unwrap_or_else(|| path_of(&arn)),
            role_id: r.role_id.unwrap_or_default(),
            create_date,
            description,
            max_session_duration,
            trust_policy,
            inline_policies,
            managed_policies: attached(r.attached_managed_policies.0),
            permissions_boundary: boundary(r.permissions_boundary),
            tags: r
                .tags
                .0
                .into_iter()
                .map(|t| Tag {
                    key: t.key,
                    value: t.value,
                })
                .collect(),
            last_used,
            instance_profiles: r
                .instance_profile_list
                .0
                .into_iter()
                .map(|ip| InstanceProfileRef {
                    name: ip.instance_profile_name,
                    arn: ip.arn,
                    path: ip.path,
                })
                .collect(),
            arn: r.arn,
            policies_loaded: true,
        }))
    }

    fn insert_role(&mut self, ctx: &FileCtx<'_, '_>, role: Role) -> Result<(), LoadError> {
        if let Some((i, first)) = self.roles.get(&role.arn) {
            let existing = &mut self.inv.roles[*i];
            let what = if existing.role_id != role.role_id {
                Some(format!(
                    "role id `{}` against `{}`",
                    existing.role_id, role.role_id
                ))
            } else if !existing.trust_policy.same_json(&role.trust_policy) {
                Some("the trust policies differ".to_owned())
            } else {
                permissions_differ(
                    (&existing.inline_policies, &existing.managed_policies),
                    (&role.inline_policies, &role.managed_policies),
                )
                .or_else(|| {
                    boundary_differs(&existing.permissions_boundary, &role.permissions_boundary)
                })
            };
            if let Some(what) = what {
                return Err(conflict(first, ctx, "role", role.arn, what));
            }
            fill_role(existing, role);
            return Ok(());
        }
        self.roles
            .insert(role.arn.clone(), (self.inv.roles.len(), ctx.source.clone()));
        self.inv.roles.push(role);
        Ok(())
    }

    fn user<'a>(
        &mut self,
        ctx: &mut FileCtx<'a, '_>,
        u: RawUser<'a>,
        key: Option<&str>,
        at: &str,
    ) -> Result<Option<User>, LoadError> {
        let Some(arn) = self.entity_arn(ctx, &u.arn, "user", key, at)? else {
            return Ok(None);
        };
        let create_date = self.date(ctx, u.create_date, &u.arn);
        Ok(Some(User {
            account: arn.account.clone(),
            name: u
                .user_name
                .unwrap_or_else(|| arn.resource_name().to_owned()),
            path: u.path.unwrap_or_else(|| path_of(&arn)),
            user_id: u.user_id.unwrap_or_default(),
            create_date,
            groups: u.group_list.0,
            inline_policies: Self::inline_policies(ctx, u.user_policy_list.0),
            managed_policies: attached(u.attached_managed_policies.0),
            permissions_boundary: boundary(u.permissions_boundary),
            tags: u
                .tags
                .0
                .into_iter()
                .map(|t| Tag {
                    key: t.key,
                    value: t.value,
                })
                .collect(),
            arn: u.arn,
        }))
    }

    fn insert_user(&mut self, ctx: &FileCtx<'_, '_>, user: User) -> Result<(), LoadError> {
        if let Some((i, first)) = self.users.get(&user.arn) {
            let existing = &self.inv.users[*i];
            let what = permissions_differ(
                (&existing.inline_policies, &existing.managed_policies),
                (&user.inline_policies, &user.managed_policies),
            )
            .or_else(|| {
                boundary_differs(&existing.permissions_boundary, &user.permissions_boundary)
            })
            .or_else(|| {
                (existing.user_id == user.user_id && existing.groups != user.groups)
                    .then(|| "the groups differ".to_owned())
            });
            if let Some(what) = what {
                return Err(conflict(first, ctx, "user", user.arn, what));
            }
        }
        let index = &mut self.users;
        insert_once(index, &mut self.inv.users, ctx, "user", user, |u| {
            (&u.arn, &u.user_id)
        })
    }

    fn group<'a>(
        &mut self,
        ctx: &mut FileCtx<'a, '_>,
        g: RawGroup<'a>,
        key: Option<&str>,
        at: &str,
    ) -> Result<Option<Group>, LoadError> {
        let Some(arn) = self.entity_arn(ctx, &g.arn, "group", key, at)? else {
            return Ok(None);
        };
        Ok(Some(Group {
            account: arn.account.clone(),
            name: g
                .group_name
                .unwrap_or_else(|| arn.resource_name().to_owned()),
            path: g.path.unwrap_or_else(|| path_of(&arn)),
            group_id: g.group_id.unwrap_or_default(),
            inline_policies: Self::inline_policies(ctx, g.group_policy_list.0),
            managed_policies: attached(g.attached_managed_policies.0),
            arn: g.arn,
        }))
    }

    fn insert_group(&mut self, ctx: &FileCtx<'_, '_>, group: Group) -> Result<(), LoadError> {
        if let Some((i, first)) = self.groups.get(&group.arn) {
            let existing = &self.inv.groups[*i];
            if let Some(what) = permissions_differ(
                (&existing.inline_policies, &existing.managed_policies),
                (&group.inline_policies, &group.managed_policies),
            ) {
                return Err(conflict(first, ctx, "group", group.arn, what));
            }
        }
        let index = &mut self.groups;
        insert_once(index, &mut self.inv.groups, ctx, "group", group, |g| {
            (&g.arn, &g.group_id)
        })
    }

    fn managed_policy<'a>(
        &mut self,
        ctx: &mut FileCtx<'a, '_>,
        p: RawManagedPolicy<'a>,
        at: &str,
    ) -> Result<Option<ManagedPolicy>, LoadError> {
        let arn = match Arn::parse(&p.arn) {
            Ok(a) => a,
            Err(e) => {
                self.inv.warnings.push(ctx.warn(
                    format!("{at}.Arn"),
                    format!("{e}; this managed policy is skipped"),
                ));
                return Ok(None);
            }
        };
        if arn.account != "aws" {
            check_account_id(ctx, &arn.account, &p.arn, &format!("{at}.Arn"))?;
        }
        let mut versions = Vec::with_capacity(p.policy_version_list.0.len());
        for v in p.policy_version_list.0 {
            let in_force = may_be_in_force(&v, p.default_version_id.as_deref());
            let create_date = self.date(ctx, v.create_date, &p.arn);
            let policy = match v.document {
                Some(d) if !in_force => VersionText::lazy(d.get()),
                d => ctx
                    .policy(d, "policy document (`Document`) for this version")
                    .into(),
            };
            versions.push(PolicyVersion {
                policy,
                version_id: v.version_id,
                is_default: v.is_default_version,
                create_date,
            });
        }
        let policy = ManagedPolicy {
            name: p
                .policy_name
                .unwrap_or_else(|| arn.resource_name().to_owned()),
            path: p.path.unwrap_or_else(|| path_of(&arn)),
            policy_id: p.policy_id,
            default_version_id: p.default_version_id,
            description: p.description.filter(|d| !d.is_empty()),
            attachment_count: p.attachment_count,
            permissions_boundary_usage_count: p.permissions_boundary_usage_count,
            create_date: self.date(ctx, p.create_date, &p.arn),
            update_date: self.date(ctx, p.update_date, &p.arn),
            versions,
            arn: p.arn,
        };
        if policy.default_version().is_none() {
            self.inv.warnings.push(ctx.warn(
                policy.arn.as_str(),
                "no default version of this managed policy is in the data; it is treated as allowing nothing",
            ));
        }
        Ok(Some(policy))
    }

    fn insert_policy(
        &mut self,
        ctx: &FileCtx<'_, '_>,
        policy: ManagedPolicy,
    ) -> Result<(), LoadError> {
        if let Some((i, first)) = self.policies.get(&policy.arn) {
            let existing = &self.inv.policies[*i];
            let aws_managed = policy.arn.starts_with("arn:aws:iam::aws:")
                || policy.arn.contains(":iam::aws:policy/");
            let same = match (existing.default_version(), policy.default_version()) {
                (Some(a), Some(b)) => a.policy.same_json(&b.policy),
                (a, b) => a.is_none() && b.is_none(),
            };
            if !same && !aws_managed {
                return Err(conflict(
                    first,
                    ctx,
                    "managed policy",
                    policy.arn,
                    "the default versions differ".to_owned(),
                ));
            }
            return Ok(());
        }
        self.policies.insert(
            policy.arn.clone(),
            (self.inv.policies.len(), ctx.source.clone()),
        );
        self.inv.policies.push(policy);
        Ok(())
    }

    fn provider(&mut self, ctx: &FileCtx<'_, '_>, p: RawIdentityProvider) {
        let Ok(arn) = Arn::parse(&p.arn) else {
            self.inv.warnings.push(ctx.warn(
                p.arn.as_str(),
                "not an identity provider ARN; this provider is skipped",
            ));
            return;
        };
        let from_arn = match arn.resource_type() {
            "oidc-provider" => Some(ProviderType::Oidc),
            "saml-provider" => Some(ProviderType::Saml),
            _ => None,
        };
        let provider_type = match p.provider_type.as_deref().map(str::to_ascii_uppercase) {
            Some(t) if t == "OIDC" => Some(ProviderType::Oidc),
            Some(t) if t == "SAML" => Some(ProviderType::Saml),
            _ => from_arn,
        };
        let Some(provider_type) = provider_type else {
            self.inv.warnings.push(ctx.warn(
                p.arn.as_str(),
                "identity provider `Type` must be `OIDC` or `SAML`; this provider is skipped",
            ));
            return;
        };
        let url = p
            .url
            .map(|u| {
                u.trim_start_matches("https://")
                    .trim_start_matches("http://")
                    .to_owned()
            })
            .or_else(|| {
                (provider_type == ProviderType::Oidc)
                    .then(|| arn.resource.trim_start_matches("oidc-provider/").to_owned())
            });
        if is_account_id(&arn.account) {
            self.account_mut(&arn.account);
        }
        if let Some(&i) = self.providers.get(&p.arn) {
            let existing = &mut self.inv.identity_providers[i];
            for c in p.client_id_list.0 {
                if !existing.client_ids.contains(&c) {
                    existing.client_ids.push(c);
                }
            }
            if existing.url.is_none() {
                existing.url = url;
            }
            for t in p.thumbprint_list.0 {
                if !existing.thumbprints.contains(&t) {
                    existing.thumbprints.push(t);
                }
            }
            return;
        }
        self.providers
            .insert(p.arn.clone(), self.inv.identity_providers.len());
        self.inv.identity_providers.push(IdentityProvider {
            account: arn.account,
            provider_type,
            url,
            client_ids: p.client_id_list.0,
            thumbprints: p.thumbprint_list.0,
            arn: p.arn,
        });
    }

    fn set_org(
        &mut self,
        ctx: &FileCtx<'_, '_>,
        id: &str,
        membership: OrgMembership,
    ) -> Result<(), LoadError> {
        let acct = self.account_mut(id);
        if let Some(existing) = &acct.organization {
            let same =
                serde_json::to_value(existing).ok() == serde_json::to_value(&membership).ok();
            if same {
                return Ok(());
            }
            let first = self
                .org_origin
                .get(id)
                .map_or_else(String::new, ToString::to_string);
            return Err(LoadError::Conflict {
                first,
                second: ctx.source.to_string(),
                entity: "the organisation of account",
                arn: id.to_owned(),
                what: "the organisation ids or policies differ".to_owned(),
            });
        }
        acct.organization = Some(membership);
        self.org_origin.insert(id.to_owned(), ctx.source.clone());
        Ok(())
    }

    /// Merges `list-roles`/`get-role` data, reports references to absent policies and groups
    /// and to unreadable policies, and builds the indexes.
    #[must_use]
    pub fn finish(mut self) -> Inventory {
        for (origin, partial) in std::mem::take(&mut self.partial_roles) {
            if let Some((i, _)) = self.roles.get(&partial.arn) {
                let existing = &mut self.inv.roles[*i];
                if !existing.role_id.is_empty()
                    && !partial.role_id.is_empty()
                    && existing.role_id != partial.role_id
                {
                    self.inv.warnings.push(LoadWarning {
                        source: origin.to_string(),
                        location: partial.arn.clone(),
                        message: format!(
                            "role id `{}` here differs from `{}` in the export; the role was probably deleted and re-created between the two",
                            partial.role_id, existing.role_id
                        ),
                    });
                }
                let export_origin = self
                    .roles
                    .get(&partial.arn)
                    .map_or_else(String::new, |(_, o)| o.to_string());
                for what in partial_differences(existing, &partial) {
                    self.inv.warnings.push(LoadWarning {
                        source: origin.to_string(),
                        location: partial.arn.clone(),
                        message: format!(
                            "{what} here differs from the one in `{export_origin}`; rolescope uses the export's, because it was taken together with the role's permission policies; load documents taken at the same time to compare like with like"
                        ),
                    });
                }
                let existing = &mut self.inv.roles[*i];
                fill_role(existing, partial);
            } else {
                self.inv.warnings.push(LoadWarning {
                    source: origin.to_string(),
                    location: partial.arn.clone(),
                    message: "only `list-roles`/`get-role` data describes this role: its permission policies are not in the loaded data; load `get-account-authorization-details` for its account".to_owned(),
                });
                self.roles
                    .insert(partial.arn.clone(), (self.inv.roles.len(), origin));
                let mut partial = partial;
                partial.policies_loaded = false;
                self.inv.roles.push(partial);
            }
        }
        self.report_missing_references();
        self.report_policy_problems();
        self.inv.reindex();
        self.inv
    }

    fn report_missing_references(&mut self) {
        // policy ARN -> (how many references, first referrer, used as boundary)
        let mut missing: BTreeMap<String, (usize, String, bool)> = BTreeMap::new();
        let policies = &self.policies;
        // The referrer is only spelled out for a missing policy.
        let mut add = |arn: &str, (kind, name): (&str, &str), is_boundary: bool| {
            if policies.contains_key(arn) {
                return;
            }
            let e = missing
                .entry(arn.to_owned())
                .or_insert_with(|| (0, format!("{kind} `{name}`"), false));
            e.0 += 1;
            e.2 |= is_boundary;
        };
        for r in &self.inv.roles {
            let by = ("role", r.name.as_str());
            for a in &r.managed_policies {
                add(&a.arn, by, false);
            }
            if let Some(b) = &r.permissions_boundary {
                add(&b.arn, by, true);
            }
        }
        for u in &self.inv.users {
            let by = ("user", u.name.as_str());
            for a in &u.managed_policies {
                add(&a.arn, by, false);
            }
            if let Some(b) = &u.permissions_boundary {
                add(&b.arn, by, true);
            }
        }
        for g in &self.inv.groups {
            let by = ("group", g.name.as_str());
            for a in &g.managed_policies {
                add(&a.arn, by, false);
            }
        }
        let mut warnings = Vec::new();
        for (arn, (n, first, is_boundary)) in missing {
            let used = if is_boundary {
                "attached or used as a permissions boundary"
            } else {
                "attached"
            };
            let others = if n > 1 {
                format!(" and {} more", n - 1)
            } else {
                String::new()
            };
            warnings.push(LoadWarning {
                source: "references".to_owned(),
                message: format!(
                    "managed policy `{arn}` is {used} by {first}{others} but is not in the loaded data, so what it allows is unknown; export with `aws iam get-account-authorization-details` and no `--filter` to include it"
                ),
                location: arn,
            });
        }
        for u in &self.inv.users {
            for g in &u.groups {
                if !self
                    .inv
                    .groups
                    .iter()
                    .any(|x| x.account == u.account && &x.name == g)
                {
                    warnings.push(LoadWarning {
                        source: "references".to_owned(),
                        location: u.arn.clone(),
                        message: format!(
                            "user `{}` is in group `{g}`, which is not in the loaded data; that group's policies are unknown",
                            u.name
                        ),
                    });
                }
            }
        }
        self.inv.warnings.extend(warnings);
    }

    fn report_policy_problems(&mut self) {
        let mut warnings = Vec::new();
        let mut push = |arn: &str, what: String, text: &PolicyText| {
            for e in &text.errors {
                warnings.push(LoadWarning {
                    source: "policies".to_owned(),
                    location: arn.to_owned(),
                    message: format!("{what}: {}: {}", e.path, e.message),
                });
            }
        };
        for r in &self.inv.roles {
            push(&r.arn, "trust policy".to_owned(), &r.trust_policy);
            for p in &r.inline_policies {
                push(&r.arn, format!("inline policy `{}`", p.name), &p.policy);
            }
        }
        for u in &self.inv.users {
            for p in &u.inline_policies {
                push(&u.arn, format!("inline policy `{}`", p.name), &p.policy);
            }
        }
        for g in &self.inv.groups {
            for p in &g.inline_policies {
                push(&g.arn, format!("inline policy `{}`", p.name), &p.policy);
            }
        }
        for p in &self.inv.policies {
            if let Some(v) = p.default_version() {
                push(
                    &p.arn,
                    format!("default version `{}`", v.version_id),
                    &v.policy,
                );
            }
        }
        for a in self.inv.accounts.values() {
            for rp in &a.resource_policies {
                push(&rp.resource_arn, "resource policy".to_owned(), &rp.policy);
            }
            let Some(org) = &a.organization else {
                continue;
            };
            for (kind, levels) in [("SCP", &org.scps_by_level), ("RCP", &org.rcps_by_level)] {
                for l in levels {
                    for (i, p) in l.policies.iter().enumerate() {
                        push(&a.id, format!("{kind} {} at `{}`", i + 1, l.target), p);
                    }
                }
            }
        }
        self.inv.warnings.extend(warnings);
    }
}

/// True for a managed policy version that [`ManagedPolicy::default_version`] may pick: one
/// marked default, or the one `DefaultVersionId` names. Only these are decoded at load; the
/// others are decoded on first use (see [`VersionText`]).
fn may_be_in_force(v: &RawPolicyVersion<'_>, default_id: Option<&str>) -> bool {
    v.is_default_version || default_id == Some(v.version_id.as_str())
}

/// Every policy document of a file's entities, each occurrence (of managed policies, the
/// versions that may be in force).
fn documents<'a>(raw: &RawAccount<'a>, out: &mut Vec<&'a RawValue>) {
    let mut add = |d: Option<&'a RawValue>| out.extend(d);
    let roles = raw
        .role_detail_list
        .iter()
        .chain(raw.roles.iter())
        .flat_map(|l| l.0.iter())
        .chain(raw.role.iter());
    for r in roles {
        add(r.assume_role_policy_document);
        for p in &r.role_policy_list.0 {
            add(p.policy_document);
        }
    }
    for u in raw.user_detail_list.iter().flat_map(|l| l.0.iter()) {
        for p in &u.user_policy_list.0 {
            add(p.policy_document);
        }
    }
    for g in raw.group_detail_list.iter().flat_map(|l| l.0.iter()) {
        for p in &g.group_policy_list.0 {
            add(p.policy_document);
        }
    }
    for p in raw.policies.iter().flat_map(|l| l.0.iter()) {
        for v in &p.policy_version_list.0 {
            if may_be_in_force(v, p.default_version_id.as_deref()) {
                add(v.document);
            }
        }
    }
    for a in raw.accounts.iter().flat_map(BTreeMap::values) {
        documents(a, out);
    }
}

/// Decodes and parses a file's distinct policy documents on every available core, so the
/// sequential merge that follows finds them ready. Decoding is most of the loading work.
fn predecode<'a>(raw: &RawAccount<'a>) -> Docs<'a> {
    let mut all = Vec::new();
    documents(raw, &mut all);
    let mut docs = Docs::default();
    docs.by_place.reserve(all.len());
    let mut distinct = Vec::new();
    for d in all {
        let next = distinct.len();
        let i = *docs.by_text.entry(DocKey(d.get())).or_insert(next);
        if i == next {
            distinct.push(d);
        }
        docs.by_place.insert(place(d), i);
    }
    let threads = decode::cores().min(8);
    if threads < 2 || distinct.len() < 2048 {
        let mut interner = Interner::default();
        docs.decoded = distinct
            .into_iter()
            .map(|d| decode::policy_text_in(d, &mut interner))
            .collect();
        return docs;
    }
    let chunk = distinct.len().div_ceil(threads);
    let decoded: Vec<Vec<PolicyText>> = std::thread::scope(|scope| {
        let handles: Vec<_> = distinct
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut interner = Interner::default();
                    part.iter()
                        .map(|d| decode::policy_text_in(d, &mut interner))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    docs.decoded = decoded.into_iter().flatten().collect();
    docs
}

/// Adds a user or group to `list` under its ARN. One already there with the same id (the
/// same entity in two exports) is kept; a different id under the same ARN is a conflict.
fn insert_once<T>(
    index: &mut FastMap<String, (usize, Origin)>,
    list: &mut Vec<T>,
    ctx: &FileCtx<'_, '_>,
    entity: &'static str,
    item: T,
    arn_and_id: impl Fn(&T) -> (&String, &String),
) -> Result<(), LoadError> {
    let (arn, id) = arn_and_id(&item);
    if let Some((i, first)) = index.get(arn) {
        let (_, existing) = arn_and_id(&list[*i]);
        if existing != id {
            let what = format!("{entity} id `{existing}` against `{id}`");
            return Err(conflict(first, ctx, entity, arn.clone(), what));
        }
        return Ok(());
    }
    index.insert(arn.clone(), (list.len(), ctx.source.clone()));
    list.push(item);
    Ok(())
}

fn conflict(
    first: &Origin,
    ctx: &FileCtx<'_, '_>,
    entity: &'static str,
    arn: String,
    what: String,
) -> LoadError {
    LoadError::Conflict {
        first: first.to_string(),
        second: ctx.source.to_string(),
        entity,
        arn,
        what,
    }
}

/// What a `get-role`/`list-roles` copy of a role says differently from the export's copy,
/// among what both carry: the trust policy, the permissions boundary, the tags.
fn partial_differences(export: &Role, partial: &Role) -> Vec<&'static str> {
    let mut out = Vec::new();
    let has_trust =
        partial.trust_policy.document.is_some() || partial.trust_policy.errors.is_empty();
    if has_trust && !export.trust_policy.same_json(&partial.trust_policy) {
        out.push("the trust policy");
    }
    if let (Some(a), Some(b)) = (&export.permissions_boundary, &partial.permissions_boundary)
        && a.arn != b.arn
    {
        out.push("the permissions boundary");
    }
    if !export.tags.is_empty() && !partial.tags.is_empty() {
        let key = |t: &Tag| (t.key.clone(), t.value.clone());
        let mut a: Vec<_> = export.tags.iter().map(key).collect();
        let mut b: Vec<_> = partial.tags.iter().map(key).collect();
        a.sort();
        b.sort();
        if a != b {
            out.push("the tags");
        }
    }
    out
}

/// Fills what `existing` does not know from `other` (same role, another source).
fn fill_role(existing: &mut Role, other: Role) {
    if let Known::Known(s) = other.max_session_duration {
        existing.max_session_duration = Known::Known(s);
    }
    if other.description.is_some() {
        existing.description = other.description;
    }
    if existing.tags.is_empty() {
        existing.tags = other.tags;
    }
    if existing.permissions_boundary.is_none() {
        existing.permissions_boundary = other.permissions_boundary;
    }
    // A known date beats "never used", which beats "not in this source".
    let other_has_date = other
        .last_used
        .as_ref()
        .is_some_and(|l| l.last_used_date.is_some());
    let existing_has_date = existing
        .last_used
        .as_ref()
        .is_some_and(|l| l.last_used_date.is_some());
    if (other_has_date && !existing_has_date) || existing.last_used.is_none() {
        existing.last_used = other.last_used;
    }
    if existing.create_date.is_none() {
        existing.create_date = other.create_date;
    }
    if existing.role_id.is_empty() {
        existing.role_id = other.role_id;
    }
    if existing.instance_profiles.is_empty() {
        existing.instance_profiles = other.instance_profiles;
    }
}

/// How two copies of one entity's permission policies differ, if they do: two exports of one
/// account taken at different times. Loading either silently would answer for a state of the
/// account that depends on argument order, so the caller reports a conflict.
fn permissions_differ(
    (a_inline, a_managed): (&[InlinePolicy], &[AttachedPolicy]),
    (b_inline, b_managed): (&[InlinePolicy], &[AttachedPolicy]),
) -> Option<String> {
    for p in a_inline {
        match b_inline.iter().find(|q| q.name == p.name) {
            None => return Some(format!("inline policy `{}` is in one only", p.name)),
            Some(q) if !p.policy.same_json(&q.policy) => {
                return Some(format!("inline policy `{}` differs", p.name));
            }
            Some(_) => {}
        }
    }
    if let Some(q) = b_inline
        .iter()
        .find(|q| !a_inline.iter().any(|p| p.name == q.name))
    {
        return Some(format!("inline policy `{}` is in one only", q.name));
    }
    let arns = |l: &[AttachedPolicy]| {
        let mut v: Vec<String> = l.iter().map(|a| a.arn.clone()).collect();
        v.sort();
        v
    };
    (arns(a_managed) != arns(b_managed)).then(|| "the attached managed policies differ".to_owned())
}

fn boundary_differs(a: &Option<AttachedPolicy>, b: &Option<AttachedPolicy>) -> Option<String> {
    (a.as_ref().map(|x| &x.arn) != b.as_ref().map(|x| &x.arn))
        .then(|| "the permissions boundaries differ".to_owned())
}

/// Refuses an account id that is not 12 digits, naming the place.
fn check_account_id(
    ctx: &FileCtx<'_, '_>,
    account: &str,
    arn: &str,
    at: &str,
) -> Result<(), LoadError> {
    if is_account_id(account) {
        return Ok(());
    }
    Err(LoadError::Shape {
        path: ctx.source.to_string().into(),
        json_path: at.to_owned(),
        message: format!(
            "`{arn}` names account `{account}`, and an AWS account id is 12 digits; fix the ARN or load the export as the AWS CLI wrote it"
        ),
    })
}

fn attached(list: Vec<RawAttachedPolicy>) -> Vec<AttachedPolicy> {
    list.into_iter()
        .map(|a| AttachedPolicy {
            name: a
                .policy_name
                .unwrap_or_else(|| name_of(&a.policy_arn).to_owned()),
            arn: a.policy_arn,
        })
        .collect()
}

fn boundary(b: Option<RawBoundary>) -> Option<AttachedPolicy> {
    let arn = b?.permissions_boundary_arn?;
    Some(AttachedPolicy {
        name: name_of(&arn).to_owned(),
        arn,
    })
}

fn name_of(arn: &str) -> &str {
    arn.rsplit(['/', ':']).next().unwrap_or(arn)
}

/// The IAM path of an entity from its ARN: `role/a/b/Name` → `/a/b/`.
fn path_of(arn: &Arn) -> String {
    let mut parts: Vec<&str> = arn.resource.split('/').collect();
    if parts.len() <= 2 {
        return "/".to_owned();
    }
    parts.remove(0);
    parts.pop();
    format!("/{}/", parts.join("/"))
}

fn org_membership<'a>(
    ctx: &mut FileCtx<'a, '_>,
    org: RawOrganization<'a>,
    account: &str,
) -> OrgMembership {
    let mut levels = |list: Vec<RawPolicyLevel<'a>>| -> Vec<OrgPolicyLevel> {
        list.into_iter()
            .map(|l| OrgPolicyLevel {
                policies: level_policies(ctx, l.policies),
                target: l.target,
                summaries: l
                    .policy_summaries
                    .0
                    .into_iter()
                    .map(|p| OrgPolicySummary {
                        id: p.id,
                        name: p.name,
                        arn: p.arn,
                        aws_managed: p.aws_managed,
                    })
                    .collect(),
            })
            .collect()
    };
    let scps_by_level = levels(org.scps_by_level.0);
    let rcps_by_level = levels(org.rcps_by_level.0);
    OrgMembership {
        org_id: org.id.unwrap_or_default(),
        is_management_account: org
            .is_management_account
            .unwrap_or_else(|| org.management_account_id.as_deref() == Some(account)),
        management_account_id: org.management_account_id,
        parents: org
            .parents
            .0
            .into_iter()
            .map(|u| OrgUnit {
                id: u.id,
                name: u.name,
            })
            .collect(),
        enabled_policy_types: org.enabled_policy_types.0,
        scps_by_level,
        rcps_by_level,
    }
}

/// The documents of one SCP/RCP level: a list of documents, or a single one.
fn level_policies<'a>(ctx: &mut FileCtx<'a, '_>, raw: Option<&'a RawValue>) -> Vec<PolicyText> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    if raw.get().trim_start().starts_with('[') {
        match serde_json::from_str::<Vec<&'a RawValue>>(raw.get()) {
            Ok(list) => list
                .into_iter()
                .map(|d| ctx.policy(Some(d), "policy document"))
                .collect(),
            Err(e) => vec![PolicyText::unreadable(
                Value::Null,
                ParseError {
                    path: "$".to_owned(),
                    message: format!("unreadable list of policies: {e}"),
                },
            )],
        }
    } else {
        vec![ctx.policy(Some(raw), "policy document")]
    }
}

/// Reads the timestamp forms AWS tools write: `…Z` with or without fractions (IAM, moto),
/// `+00:00` offsets (CLI v2), and offset-less local forms (treated as UTC).
#[must_use]
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(n.and_utc());
        }
    }
    if let Ok(d) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(d.with_timezone(&Utc));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_timestamp_forms_aws_tools_write_parse() {
        for s in [
            "2026-11-24T07:04:20Z",
            "2026-11-24T07:04:20.327827Z",
            "2026-11-24T07:04:20+00:00",
            "2026-11-24T07:04:20",
        ] {
            assert_eq!(
                parse_date(s).map(|d| d.timestamp()),
                Some(1_795_503_860),
                "{s}"
            );
        }
        assert_eq!(parse_date("yesterday"), None);
    }

    /// An export of one customer managed policy with three versions: `v1` malformed (an
    /// unknown statement element and an `Effect` AWS does not know), `v2` URL-encoded as the
    /// raw API returns it, `v3` in force.
    const VERSIONS: &str = r#"{"Policies": [{
        "PolicyName": "Deploy", "Arn": "arn:aws:iam::123456789012:policy/Deploy",
        "DefaultVersionId": "v3",
        "PolicyVersionList": [
          {"VersionId": "v1", "IsDefaultVersion": false,
           "Document": {"Version": "2012-10-17", "Statement": [
             {"Effect": "Permit", "Action": "s3:*", "Resource": "*", "Colour": "blue"}]}},
          {"VersionId": "v2", "IsDefaultVersion": false,
           "Document": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"},
          {"VersionId": "v3", "IsDefaultVersion": true,
           "Document": {"Version": "2012-10-17", "Statement": [
             {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}}
        ]}],
      "RoleDetailList": [], "UserDetailList": [], "GroupDetailList": []}"#;

    /// Each version of `VERSIONS`, decoded at once as every document used to be.
    fn eager(version: &str) -> PolicyText {
        let raw: serde_json::Value = serde_json::from_str(VERSIONS).unwrap();
        let list = raw["Policies"][0]["PolicyVersionList"].as_array().unwrap();
        let v = list.iter().find(|v| v["VersionId"] == version).unwrap();
        let text = serde_json::to_string(&v["Document"]).unwrap();
        decode::policy_text(&serde_json::value::RawValue::from_string(text).unwrap())
    }

    #[test]
    fn versions_not_in_force_are_decoded_on_first_use_with_the_same_text_and_problems() {
        let inv = crate::engine::load::load_str("versions.json", VERSIONS).unwrap();
        let p = inv
            .managed_policy("arn:aws:iam::123456789012:policy/Deploy")
            .unwrap();
        let version = |id: &str| p.versions.iter().find(|v| v.version_id == id).unwrap();
        // The version in force is decoded at load, the others are not yet.
        assert!(!version("v3").policy.is_pending());
        assert!(version("v1").policy.is_pending());
        assert!(version("v2").policy.is_pending());
        // Loading reports the problems of the version in force only: v1 decides nothing.
        assert!(
            inv.warnings.iter().all(|w| !w.message.contains("v1")),
            "{:?}",
            inv.warnings
        );
        // Read, each holds what decoding it at load would have given, problems and their
        // JSON paths included.
        for id in ["v1", "v2", "v3"] {
            let lazy: &PolicyText = &version(id).policy;
            let now = eager(id);
            assert_eq!(lazy.text, now.text, "{id}");
            assert_eq!(lazy.errors, now.errors, "{id}");
            assert_eq!(lazy.document, now.document, "{id}");
        }
        assert!(!version("v1").policy.is_pending());
        let errors = &version("v1").policy.errors;
        assert!(
            errors.iter().any(|e| e.path == "$.Statement[0].Effect"),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.path.starts_with("$.Statement[0].Colour")),
            "{errors:?}"
        );
        assert!(version("v2").policy.is_clean());
        // Copies of a pending version decode on their own and agree.
        let copy = version("v1").clone();
        assert_eq!(copy.policy.errors, version("v1").policy.errors);
    }

    #[test]
    fn a_version_named_by_default_version_id_alone_is_decoded_at_load_and_its_problems_reported() {
        // No version is marked default; `DefaultVersionId` names v1, the malformed one: it is
        // the version in force, so its problems are reported when the file loads.
        let text = VERSIONS
            .replace(
                "\"DefaultVersionId\": \"v3\"",
                "\"DefaultVersionId\": \"v1\"",
            )
            .replace("\"IsDefaultVersion\": true", "\"IsDefaultVersion\": false");
        let inv = crate::engine::load::load_str("versions.json", &text).unwrap();
        let p = inv
            .managed_policy("arn:aws:iam::123456789012:policy/Deploy")
            .unwrap();
        assert_eq!(p.default_version().unwrap().version_id, "v1");
        assert!(!p.default_version().unwrap().policy.is_pending());
        assert!(
            inv.warnings.iter().any(|w| w
                .message
                .starts_with("default version `v1`: $.Statement[0].Effect")),
            "{:?}",
            inv.warnings
        );
    }

    #[test]
    fn path_comes_from_the_arn_when_absent() {
        let a = Arn::parse("arn:aws:iam::123456789012:role/a/b/Name").unwrap();
        assert_eq!(path_of(&a), "/a/b/");
        let a = Arn::parse("arn:aws:iam::123456789012:role/Name").unwrap();
        assert_eq!(path_of(&a), "/");
    }
}
