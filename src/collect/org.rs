//! The organisation (`--org`), read from the management account or a delegated
//! administrator: `describe-organization`, `list-roots` (which policy types are enabled), the
//! OU tree and its accounts (walked level by level from the root), and for the root, every
//! OU and every account the SCPs and RCPs attached there (`list-policies-for-target`, then
//! `describe-policy` once per policy, whose `Content` is a JSON string).
//!
//! [`apply`] then gives every account of the bundle its `Organization`: the root and OUs
//! above it (`Parents`) and, level by level from the root down to the account, the policies
//! attached at each level (`ScpsByLevel`, `RcpsByLevel`) with their names and ids.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::account::{AccountOut, Shared};
use super::aws::{Aws, Failure, Pages};
use super::progress::{Progress, Slot};
use super::{Collected, Gap, Options, advice};
use crate::engine::model::DataPart;

const SCP: &str = "SERVICE_CONTROL_POLICY";
const RCP: &str = "RESOURCE_CONTROL_POLICY";

/// An account of the organisation and where it sits.
#[derive(Debug, Clone)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    /// `(id, name)` of the root and the OUs above the account, root first.
    pub parents: Vec<(String, String)>,
}

/// A failure and the targets (root, OU or account ids) it leaves unknown; `None`: all.
#[derive(Debug, Clone)]
struct ScopedGap {
    scope: Option<BTreeSet<String>>,
    gap: Gap,
}

/// Everything collected about the organisation.
#[derive(Debug, Default)]
pub struct OrgData {
    /// False when the caller's account is in no organisation.
    pub in_org: bool,
    pub id: Option<String>,
    pub management_account_id: Option<String>,
    /// The policy types enabled on the root; `None` when the roots could not be listed.
    pub enabled_types: Option<Vec<String>>,
    pub accounts: Vec<OrgAccount>,
    /// `(target, policy type)` to the policies attached there: summary and document.
    policies: BTreeMap<(String, &'static str), Vec<(Value, Value)>>,
    gaps: Vec<ScopedGap>,
    collected_at: Option<DateTime<Utc>>,
}

fn gap(part: DataPart, call: &str, f: &Failure, scope: Option<BTreeSet<String>>) -> ScopedGap {
    ScopedGap {
        scope,
        gap: Gap {
            part,
            call: call.to_owned(),
            region: None,
            message: f.message().to_owned(),
        },
    }
}

fn warn(slot: &Slot, call: &str, f: &Failure, profile: Option<&str>) {
    if f.is_fatal() {
        slot.message(&format!(
            "error: organisation: {}; the organisation is not collected",
            advice(f, profile)
        ));
    } else {
        slot.message(&format!(
            "warning: organisation: `aws {call}` not collected: {}",
            f.message()
        ));
    }
}

/// Collects the organisation as the caller sees it.
pub async fn collect(home: &Aws, options: &Arc<Options>, progress: &Progress) -> OrgData {
    let slot = progress.slot("organisation".to_owned());
    let profile = options.profile.as_deref();
    let mut data = OrgData {
        collected_at: Some(Utc::now()),
        ..OrgData::default()
    };
    let all_parts = [DataPart::Organization, DataPart::Scps, DataPart::Rcps];
    slot.set("organizations describe-organization");
    let call = "organizations describe-organization";
    match home
        .call(None, &["organizations", "describe-organization"], false)
        .await
    {
        Ok(v) => {
            let o = v.get("Organization");
            let field = |k: &str| {
                o.and_then(|o| o.get(k))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            data.in_org = true;
            data.id = field("Id");
            data.management_account_id = field("MasterAccountId");
        }
        Err(f) if f.code() == Some("AWSOrganizationsNotInUseException") => {
            slot.set("the account is in no organisation");
            return data;
        }
        Err(f) => {
            warn(&slot, call, &f, profile);
            data.gaps
                .extend(all_parts.iter().map(|p| gap(*p, call, &f, None)));
            slot.set("not collected");
            return data;
        }
    }

    let call = "organizations list-roots";
    slot.set(call);
    let roots = match home
        .paged(None, &["organizations", "list-roots"], &["Roots"], |_| {})
        .await
    {
        Ok(p) => p,
        Err(f) => {
            warn(&slot, call, &f, profile);
            data.gaps
                .extend(all_parts.iter().map(|p| gap(*p, call, &f, None)));
            slot.set("not collected");
            return data;
        }
    };
    let mut enabled = Vec::new();
    let mut level: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut targets: Vec<String> = Vec::new();
    for r in roots.list("Roots") {
        let Some(id) = r.get("Id").and_then(Value::as_str) else {
            continue;
        };
        let name = r.get("Name").and_then(Value::as_str).unwrap_or("Root");
        for t in r
            .get("PolicyTypes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if t.get("Status").and_then(Value::as_str) == Some("ENABLED")
                && let Some(ty) = t.get("Type").and_then(Value::as_str)
                && !enabled.iter().any(|e| e == ty)
            {
                enabled.push(ty.to_owned());
            }
        }
        targets.push(id.to_owned());
        level.push((id.to_owned(), vec![(id.to_owned(), name.to_owned())]));
    }
    data.enabled_types = Some(enabled.clone());
    let mut seen: BTreeSet<String> = targets.iter().cloned().collect();

    // The tree, one level at a time, every parent of a level at once.
    let jobs = Arc::new(tokio::sync::Semaphore::new(options.jobs.max(1)));
    let mut walked = 0usize;
    while !level.is_empty() {
        let mut tasks = tokio::task::JoinSet::new();
        for (parent, path) in &level {
            for (op, key) in [
                (
                    "list-organizational-units-for-parent",
                    "OrganizationalUnits",
                ),
                ("list-accounts-for-parent", "Accounts"),
            ] {
                let (aws, jobs, parent, path) = (
                    home.clone(),
                    Arc::clone(&jobs),
                    parent.clone(),
                    path.clone(),
                );
                tasks.spawn(async move {
                    let _permit = jobs.acquire_owned().await.ok();
                    let r = aws
                        .paged(
                            None,
                            &["organizations", op, "--parent-id", &parent],
                            &[key],
                            |_| {},
                        )
                        .await;
                    (op, key, path, r)
                });
            }
        }
        let mut next = Vec::new();
        while let Some(done) = tasks.join_next().await {
            let Ok((op, key, path, result)) = done else {
                continue;
            };
            walked += 1;
            slot.set(&format!(
                "the OU tree: {walked} calls, {} accounts",
                data.accounts.len()
            ));
            let call = format!("organizations {op}");
            let pages: Pages = match result {
                Ok(p) => p,
                Err(f) => {
                    warn(&slot, &call, &f, profile);
                    data.gaps.push(gap(DataPart::Organization, &call, &f, None));
                    continue;
                }
            };
            for e in pages.list(key) {
                let Some(id) = e.get("Id").and_then(Value::as_str) else {
                    continue;
                };
                let name = e.get("Name").and_then(Value::as_str).unwrap_or_default();
                // INVARIANT: every root, OU and account is walked once, so an answer that
                // names one twice (or an OU as its own child) cannot make the walk endless.
                if !seen.insert(id.to_owned()) {
                    continue;
                }
                if key == "Accounts" {
                    data.accounts.push(OrgAccount {
                        id: id.to_owned(),
                        name: name.to_owned(),
                        parents: path.clone(),
                    });
                } else {
                    let mut p = path.clone();
                    p.push((id.to_owned(), name.to_owned()));
                    next.push((id.to_owned(), p));
                }
                targets.push(id.to_owned());
            }
        }
        level = next;
    }
    data.accounts.sort_by(|a, b| a.id.cmp(&b.id));

    policies(&mut data, home, &jobs, &slot, &targets, &enabled, profile).await;
    let (scps, rcps) = data.policies.iter().fold(
        (BTreeSet::new(), BTreeSet::new()),
        |(mut s, mut r), ((_, ty), list)| {
            for (summary, _) in list {
                let id = summary
                    .get("Id")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if *ty == SCP {
                    s.insert(id.to_owned());
                } else {
                    r.insert(id.to_owned());
                }
            }
            (s, r)
        },
    );
    slot.set(&format!(
        "done: {} accounts, {} SCPs, {} RCPs",
        data.accounts.len(),
        scps.len(),
        rcps.len()
    ));
    data
}

/// The SCPs and RCPs attached to every target, each policy described once.
async fn policies(
    data: &mut OrgData,
    home: &Aws,
    jobs: &Arc<tokio::sync::Semaphore>,
    slot: &Slot,
    targets: &[String],
    enabled: &[String],
    profile: Option<&str>,
) {
    let mut tasks = tokio::task::JoinSet::new();
    for ty in [SCP, RCP] {
        if !enabled.iter().any(|e| e == ty) {
            continue;
        }
        for t in targets {
            let (aws, jobs, t) = (home.clone(), Arc::clone(jobs), t.clone());
            tasks.spawn(async move {
                let _permit = jobs.acquire_owned().await.ok();
                let r = aws
                    .paged(
                        None,
                        &[
                            "organizations",
                            "list-policies-for-target",
                            "--target-id",
                            &t,
                            "--filter",
                            ty,
                        ],
                        &["Policies"],
                        |_| {},
                    )
                    .await;
                (t, ty, r)
            });
        }
    }
    let total = tasks.len();
    let mut done_count = 0usize;
    let mut attached: BTreeMap<(String, &'static str), Vec<Value>> = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        let Ok((t, ty, result)) = done else {
            continue;
        };
        done_count += 1;
        slot.set(&format!(
            "organizations list-policies-for-target ({done_count} of {total})"
        ));
        let call = "organizations list-policies-for-target";
        match result {
            Ok(mut p) => {
                attached.insert((t, ty), p.take("Policies"));
            }
            Err(f) => {
                warn(slot, call, &f, profile);
                data.gaps.push(gap(part_of(ty), call, &f, Some([t].into())));
            }
        }
    }

    // Each policy once, however many targets it is attached to.
    let mut ids: BTreeMap<String, (&'static str, BTreeSet<String>)> = BTreeMap::new();
    for ((t, ty), list) in &attached {
        for s in list {
            if let Some(id) = s.get("Id").and_then(Value::as_str) {
                ids.entry(id.to_owned())
                    .or_insert_with(|| (ty, BTreeSet::new()))
                    .1
                    .insert(t.clone());
            }
        }
    }
    let mut tasks = tokio::task::JoinSet::new();
    for id in ids.keys() {
        let (aws, jobs, id) = (home.clone(), Arc::clone(jobs), id.clone());
        tasks.spawn(async move {
            let _permit = jobs.acquire_owned().await.ok();
            let r = aws
                .call(
                    None,
                    &["organizations", "describe-policy", "--policy-id", &id],
                    false,
                )
                .await;
            (id, r)
        });
    }
    let total = tasks.len();
    let mut done_count = 0usize;
    let mut documents: BTreeMap<String, Value> = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        let Ok((id, result)) = done else {
            continue;
        };
        done_count += 1;
        slot.set(&format!(
            "organizations describe-policy ({done_count} of {total})"
        ));
        let call = "organizations describe-policy";
        let content = result.and_then(|v| {
            v.get("Policy")
                .and_then(|p| p.get("Content"))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    Failure::Garbage(format!("`describe-policy` printed no `Content` for `{id}`"))
                })
        });
        match content {
            Ok(text) => {
                let doc = serde_json::from_str::<Value>(&text)
                    .ok()
                    .filter(Value::is_object)
                    .unwrap_or(Value::String(text));
                documents.insert(id, doc);
            }
            Err(f) => {
                warn(slot, call, &f, profile);
                if let Some((ty, scope)) = ids.get(&id) {
                    data.gaps
                        .push(gap(part_of(ty), call, &f, Some(scope.clone())));
                }
            }
        }
    }
    for ((t, ty), list) in attached {
        let entries = list
            .into_iter()
            .filter_map(|s| {
                let id = s.get("Id").and_then(Value::as_str)?;
                let doc = documents.get(id)?.clone();
                let summary = json!({
                    "Id": id,
                    "Name": s.get("Name").cloned().unwrap_or(Value::Null),
                    "Arn": s.get("Arn").cloned().unwrap_or(Value::Null),
                    "AwsManaged": s.get("AwsManaged").cloned().unwrap_or(Value::Bool(false)),
                });
                Some((summary, doc))
            })
            .collect();
        data.policies.insert((t, ty), entries);
    }
}

fn part_of(ty: &str) -> DataPart {
    if ty == SCP {
        DataPart::Scps
    } else {
        DataPart::Rcps
    }
}

/// The policy levels of one type from the root down to the account.
fn levels(data: &OrgData, ty: &'static str, targets: &[String]) -> Value {
    Value::Array(
        targets
            .iter()
            .map(|t| {
                let list = data
                    .policies
                    .get(&(t.clone(), ty))
                    .map_or(&[][..], Vec::as_slice);
                json!({
                    "Target": t,
                    "Policies": list.iter().map(|(_, d)| d.clone()).collect::<Vec<_>>(),
                    "PolicySummaries": list.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// Gives every account of the bundle what the organisation says about it, and adds the
/// organisation's accounts that were not collected themselves.
pub fn apply(data: &OrgData, collected: &mut Collected, shared: &Shared) {
    for a in &data.accounts {
        collected
            .accounts
            .entry(a.id.clone())
            .or_insert_with(|| AccountOut {
                id: a.id.clone(),
                name: Some(a.name.clone()),
                caller_arn: Some(shared.caller_arn.clone()),
                collected_at: data.collected_at,
                ..AccountOut::default()
            });
    }
    for out in collected.accounts.values_mut() {
        apply_one(data, out);
    }
}

fn apply_one(data: &OrgData, out: &mut AccountOut) {
    let parts = [DataPart::Organization, DataPart::Scps, DataPart::Rcps];
    if !data.in_org && data.gaps.is_empty() {
        // Known to be in no organisation: no SCP or RCP applies.
        out.collected.extend(parts);
        return;
    }
    let place = data.accounts.iter().find(|a| a.id == out.id);
    if out.name.is_none() {
        out.name = place.map(|p| p.name.clone());
    }
    let mut targets: Vec<String> = place
        .map(|p| p.parents.iter().map(|(id, _)| id.clone()).collect())
        .unwrap_or_default();
    targets.push(out.id.clone());
    let mut failed = BTreeSet::new();
    for g in &data.gaps {
        let hits = g
            .scope
            .as_ref()
            .is_none_or(|s| targets.iter().any(|t| s.contains(t)));
        if hits {
            failed.insert(g.gap.part);
            if !out.gaps.contains(&g.gap) {
                out.gaps.push(g.gap.clone());
            }
        }
    }
    let Some(id) = &data.id else {
        return;
    };
    let mut o = Map::new();
    o.insert("Id".into(), json!(id));
    if let Some(m) = &data.management_account_id {
        o.insert("ManagementAccountId".into(), json!(m));
    }
    o.insert(
        "IsManagementAccount".into(),
        json!(data.management_account_id.as_deref() == Some(out.id.as_str())),
    );
    if let Some(p) = place {
        o.insert(
            "Parents".into(),
            Value::Array(
                p.parents
                    .iter()
                    .map(|(id, name)| json!({"Id": id, "Name": name}))
                    .collect(),
            ),
        );
    }
    if let Some(types) = &data.enabled_types {
        o.insert("EnabledPolicyTypes".into(), json!(types));
        // A type that is not enabled applies nowhere: no levels at all (an empty level
        // would deny everything).
        if place.is_some() {
            for (key, ty) in [("ScpsByLevel", SCP), ("RcpsByLevel", RCP)] {
                let on = types.iter().any(|t| t == ty);
                o.insert(
                    key.into(),
                    if on {
                        levels(data, ty, &targets)
                    } else {
                        json!([])
                    },
                );
            }
        }
    }
    out.organization = Some(Value::Object(o));
    if place.is_none() {
        // An account collected on its own that the organisation's tree does not hold.
        return;
    }
    for p in parts {
        if !failed.contains(&p) {
            out.collected.insert(p);
        }
    }
}
