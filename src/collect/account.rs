//! Collecting one account: its IAM data (`get-account-authorization-details`, every page),
//! `list-roles` for what the export lacks, its identity providers, and with `--resources` its
//! resource-based policies. A member account is reached by assuming `--assume-role` in it
//! first. Each failed call becomes a [`Gap`]; a failure of the credentials themselves stops
//! this account's remaining calls, which are recorded as not attempted.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::aws::{Aws, Credentials, Failure};
use super::progress::{Progress, Slot};
use super::{Gap, Options, advice, resources};
use crate::engine::model::DataPart;

/// What every account task shares.
pub struct Shared {
    /// The CLI as the user configured it (their profile).
    pub home: Aws,
    pub home_id: String,
    /// The caller `sts get-caller-identity` named.
    pub caller_arn: String,
    pub partition: String,
    pub cli_version: String,
    pub options: Arc<Options>,
    pub progress: Progress,
}

/// One collected account, before it is written.
#[derive(Debug, Default)]
pub struct AccountOut {
    pub id: String,
    pub name: Option<String>,
    pub caller_arn: Option<String>,
    pub collected_at: Option<DateTime<Utc>>,
    /// The parts whose every call succeeded.
    pub collected: BTreeSet<DataPart>,
    pub gaps: Vec<Gap>,
    /// `Organization`, from the organisation's data.
    pub organization: Option<Value>,
    /// The account's IAM data and providers: `UserDetailList`, …, `Roles`,
    /// `IdentityProviders`, `ResourcePolicies`.
    pub data: Map<String, Value>,
}

/// The state of one account's collection.
pub struct Run<'a> {
    pub shared: &'a Shared,
    pub aws: Aws,
    pub slot: Slot,
    pub out: AccountOut,
    /// The failure that stopped this account, if one did.
    stopped: Option<Failure>,
    /// Parts with at least one failed (or skipped) call.
    failed: BTreeSet<DataPart>,
    /// Set once a failure of the credentials has been said on stderr (forks share it).
    fatal_said: Arc<AtomicBool>,
}

impl<'a> Run<'a> {
    /// A run for calls made at the same time as this one's; [`Run::absorb`] takes its
    /// results back.
    #[must_use]
    pub fn fork(&self) -> Run<'a> {
        Run {
            shared: self.shared,
            aws: self.aws.clone(),
            slot: self.slot.clone(),
            out: AccountOut {
                id: self.out.id.clone(),
                ..AccountOut::default()
            },
            stopped: self.stopped.clone(),
            failed: BTreeSet::new(),
            fatal_said: Arc::clone(&self.fatal_said),
        }
    }

    /// Takes back what a fork collected and recorded.
    pub fn absorb(&mut self, fork: Run<'a>) {
        self.out.gaps.extend(fork.out.gaps);
        self.failed.extend(fork.failed);
        self.out.collected.extend(fork.out.collected);
        self.out.collected.retain(|p| !self.failed.contains(p));
        self.out.data.extend(fork.out.data);
        if self.stopped.is_none() {
            self.stopped = fork.stopped;
        }
    }

    /// Runs one call for `part`; on failure records it and returns `None`.
    pub async fn call(
        &mut self,
        part: DataPart,
        region: Option<&str>,
        args: &[&str],
    ) -> Option<Map<String, Value>> {
        self.call_tolerating(part, region, args, &[]).await
    }

    /// Like [`Run::call`], but an error with one of the `tolerated` codes (a resource
    /// without a policy) is an empty answer, not a failure.
    pub async fn call_tolerating(
        &mut self,
        part: DataPart,
        region: Option<&str>,
        args: &[&str],
        tolerated: &[&str],
    ) -> Option<Map<String, Value>> {
        let call = call_name(args);
        if self.skip(part, &call, region) {
            return None;
        }
        let running = self.slot.begin(&call);
        let result = self.aws.call(region, args, false).await;
        drop(running);
        match result {
            Ok(v) => Some(v),
            Err(f) if f.code().is_some_and(|c| tolerated.contains(&c)) => None,
            Err(f) => {
                self.fail(part, call, region, f);
                None
            }
        }
    }

    /// Runs a paginated call for `part`, gathering `keys`.
    pub async fn paged(
        &mut self,
        part: DataPart,
        region: Option<&str>,
        args: &[&str],
        keys: &[&str],
    ) -> Option<super::aws::Pages> {
        let call = call_name(args);
        if self.skip(part, &call, region) {
            return None;
        }
        let running = self.slot.begin(&call);
        let mut pages = 0usize;
        let result = self
            .aws
            .paged(region, args, keys, |n| {
                pages += 1;
                running.update(&format!("{call} (page {pages}, {n} so far)"));
            })
            .await;
        drop(running);
        match result {
            Ok(p) => Some(p),
            Err(f) => {
                self.fail(part, call, region, f);
                None
            }
        }
    }

    /// True (with the call recorded as not attempted) when the account has been stopped.
    fn skip(&mut self, part: DataPart, call: &str, region: Option<&str>) -> bool {
        let Some(stop) = &self.stopped else {
            return false;
        };
        let message = format!("not attempted: {}", stop.message());
        self.failed.insert(part);
        self.out.gaps.push(Gap {
            part,
            call: call.to_owned(),
            region: region.map(str::to_owned),
            message,
        });
        true
    }

    /// Records a failed call, says so on stderr, and stops the account when the credentials
    /// are gone.
    pub fn fail(&mut self, part: DataPart, call: String, region: Option<&str>, f: Failure) {
        let id = &self.out.id;
        if f.is_fatal() {
            if !self.fatal_said.swap(true, Ordering::Relaxed) {
                self.slot.message(&format!(
                    "error: account {id}: {}; the rest of this account is not collected",
                    advice(&f, self.shared.options.profile.as_deref())
                ));
            }
        } else {
            let place = region.map_or_else(String::new, |r| format!(" in {r}"));
            self.slot.message(&format!(
                "warning: account {id}: `aws {call}`{place} not collected: {}",
                f.message()
            ));
        }
        self.failed.insert(part);
        self.out.gaps.push(Gap {
            part,
            call,
            region: region.map(str::to_owned),
            message: f.message().to_owned(),
        });
        if f.is_fatal() {
            self.stopped = Some(f);
        }
    }

    /// Marks `part` as collected unless one of its calls failed.
    pub fn attempted(&mut self, part: DataPart) {
        if !self.failed.contains(&part) {
            self.out.collected.insert(part);
        }
    }

    pub fn partition(&self) -> &str {
        &self.shared.partition
    }
}

/// `iam list-roles` from the arguments of a call.
fn call_name(args: &[&str]) -> String {
    args.iter().take(2).copied().collect::<Vec<_>>().join(" ")
}

/// The parts an account's collection tries.
fn parts(options: &Options) -> Vec<DataPart> {
    let mut parts = vec![
        DataPart::AuthorizationDetails,
        DataPart::Roles,
        DataPart::IdentityProviders,
    ];
    if options.resources {
        parts.push(DataPart::ResourcePolicies);
    }
    parts
}

/// Collects account `id` (the caller's own directly, any other through `--assume-role`).
pub async fn collect(shared: &Shared, id: String, name: Option<String>) -> AccountOut {
    let label = match &name {
        Some(n) => format!("{id} ({n})"),
        None => id.clone(),
    };
    let slot = shared.progress.slot(label);
    let mut run = Run {
        shared,
        aws: shared.home.clone(),
        slot,
        out: AccountOut {
            id: id.clone(),
            name,
            collected_at: Some(Utc::now()),
            ..AccountOut::default()
        },
        stopped: None,
        failed: BTreeSet::new(),
        fatal_said: Arc::new(AtomicBool::new(false)),
    };
    if id == shared.home_id {
        run.out.caller_arn = Some(shared.caller_arn.clone());
    } else if !assume(&mut run).await {
        run.slot.set("not collected");
        return run.out;
    }
    // The parts at once: each a fork of its own, taken back in a fixed order.
    let (mut a, mut b, mut c) = (run.fork(), run.fork(), run.fork());
    let resources_on = shared.options.resources;
    tokio::join!(iam(&mut a), providers(&mut b), async {
        if resources_on {
            resources::collect(&mut c).await;
            c.attempted(DataPart::ResourcePolicies);
        }
    });
    run.absorb(a);
    run.absorb(b);
    run.absorb(c);
    let o = &run.out;
    let count = |k: &str| o.data.get(k).and_then(Value::as_array).map_or(0, Vec::len);
    let summary = format!(
        "done: {} roles, {} users, {} policies, {} providers{}",
        count("RoleDetailList"),
        count("UserDetailList"),
        count("Policies"),
        count("IdentityProviders"),
        if o.gaps.is_empty() {
            String::new()
        } else {
            format!(", {} not collected", o.gaps.len())
        }
    );
    run.slot.set(&summary);
    run.out
}

/// Assumes `--assume-role` in the member account; false (with every part recorded) when
/// that fails.
async fn assume(run: &mut Run<'_>) -> bool {
    let options = &run.shared.options;
    let Some(role) = &options.assume_role else {
        return false;
    };
    let role_arn = format!(
        "arn:{}:iam::{}:role/{role}",
        run.shared.partition, run.out.id
    );
    let mut args = vec![
        "sts",
        "assume-role",
        "--role-arn",
        role_arn.as_str(),
        "--role-session-name",
        "rolescope-collect",
    ];
    if let Some(x) = &options.external_id {
        args.extend(["--external-id", x.as_str()]);
    }
    let running = run.slot.begin(&format!("sts assume-role {role}"));
    let result = run.shared.home.call(None, &args, false).await;
    drop(running);
    match result {
        Ok(v) => {
            let creds = v.get("Credentials");
            let field = |k: &str| {
                creds
                    .and_then(|c| c.get(k))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            if let (Some(a), Some(s), Some(t)) = (
                field("AccessKeyId"),
                field("SecretAccessKey"),
                field("SessionToken"),
            ) {
                run.aws.credentials = Some(Credentials {
                    access_key_id: a,
                    secret_access_key: s,
                    session_token: t,
                });
                run.out.caller_arn = v
                    .get("AssumedRoleUser")
                    .and_then(|u| u.get("Arn"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                return true;
            }
            let f = Failure::Garbage("`sts assume-role` printed no credentials".to_owned());
            record_all(run, &f);
            false
        }
        Err(f) => {
            record_all(run, &f);
            false
        }
    }
}

/// Records every part of the account as not collected because the role could not be
/// assumed.
fn record_all(run: &mut Run<'_>, f: &Failure) {
    let id = run.out.id.clone();
    let role = run.shared.options.assume_role.clone().unwrap_or_default();
    let message = if f.is_fatal() {
        advice(f, run.shared.options.profile.as_deref())
    } else {
        f.message().to_owned()
    };
    run.slot.message(&format!(
        "warning: account {id}: cannot assume `{role}`, the account is not collected: {message}"
    ));
    for part in parts(&run.shared.options) {
        run.failed.insert(part);
        run.out.gaps.push(Gap {
            part,
            call: "sts assume-role".to_owned(),
            region: None,
            message: f.message().to_owned(),
        });
    }
}

/// `get-account-authorization-details` and `list-roles`.
async fn iam(run: &mut Run<'_>) {
    let keys = [
        "UserDetailList",
        "GroupDetailList",
        "RoleDetailList",
        "Policies",
    ];
    if let Some(mut pages) = run
        .paged(
            DataPart::AuthorizationDetails,
            None,
            &["iam", "get-account-authorization-details"],
            &keys,
        )
        .await
    {
        for k in keys {
            run.out
                .data
                .insert(k.to_owned(), Value::Array(pages.take(k)));
        }
    }
    run.attempted(DataPart::AuthorizationDetails);
    if let Some(mut pages) = run
        .paged(DataPart::Roles, None, &["iam", "list-roles"], &["Roles"])
        .await
    {
        // Only what the export lacks; the trust policy is already in RoleDetailList.
        let roles: Vec<Value> = pages
            .take("Roles")
            .into_iter()
            .map(|mut r| {
                if let Some(o) = r.as_object_mut() {
                    o.retain(|k, _| {
                        matches!(
                            k.as_str(),
                            "Path"
                                | "RoleName"
                                | "RoleId"
                                | "Arn"
                                | "CreateDate"
                                | "Description"
                                | "MaxSessionDuration"
                        )
                    });
                }
                r
            })
            .collect();
        run.out.data.insert("Roles".to_owned(), Value::Array(roles));
    }
    run.attempted(DataPart::Roles);
}

/// The OIDC providers (URL, client ids, thumbprints) and the SAML providers.
async fn providers(run: &mut Run<'_>) {
    let part = DataPart::IdentityProviders;
    let mut list = Vec::new();
    if let Some(v) = run
        .call(part, None, &["iam", "list-open-id-connect-providers"])
        .await
    {
        let arns: Vec<String> = v
            .get("OpenIDConnectProviderList")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| p.get("Arn").and_then(Value::as_str).map(str::to_owned))
            .collect();
        for arn in arns {
            let mut entry = Map::new();
            entry.insert("Arn".into(), json!(arn));
            entry.insert("Type".into(), json!("OIDC"));
            if let Some(d) = run
                .call(
                    part,
                    None,
                    &[
                        "iam",
                        "get-open-id-connect-provider",
                        "--open-id-connect-provider-arn",
                        &arn,
                    ],
                )
                .await
            {
                if let Some(url) = d.get("Url").and_then(Value::as_str) {
                    // IAM prints the URL without its scheme.
                    let url = if url.contains("://") {
                        url.to_owned()
                    } else {
                        format!("https://{url}")
                    };
                    entry.insert("Url".into(), json!(url));
                }
                for (from, to) in [
                    ("ClientIDList", "ClientIDList"),
                    ("ThumbprintList", "ThumbprintList"),
                ] {
                    if let Some(v) = d.get(from) {
                        entry.insert(to.into(), v.clone());
                    }
                }
            }
            list.push(Value::Object(entry));
        }
    }
    if let Some(v) = run.call(part, None, &["iam", "list-saml-providers"]).await {
        for p in v
            .get("SAMLProviderList")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(arn) = p.get("Arn").and_then(Value::as_str) {
                list.push(json!({"Arn": arn, "Type": "SAML"}));
            }
        }
    }
    run.out
        .data
        .insert("IdentityProviders".into(), Value::Array(list));
    run.attempted(part);
}
