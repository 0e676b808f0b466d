//! `rolescope collect`: bringing a real account, or a whole organisation, into a bundle file
//! through the user's own AWS CLI.
//!
//! The collector owns the subprocesses and the waiting (`tokio`, outside the engine): it runs
//! `aws … --output json` calls, several accounts at once, and writes what they print in the
//! bundle format the engine loads (docs/bundle.md). A call that fails is recorded in the
//! account's `NotCollected` with AWS's message and does not stop the others; the parts whose
//! every call succeeded are listed in the account's `Provenance`. Only a failure that leaves
//! nothing to collect (no `aws` program, no credentials) stops the run.
//!
//! - [`aws`]: one CLI call, pagination, and the sorting of its failures;
//! - [`account`]: one account's IAM data, identity providers and (optionally) resource policies;
//! - [`org`]: the organisation — the OU tree, the accounts, the SCPs and RCPs by target;
//! - [`resources`]: resource-based policies of S3, KMS, SQS, SNS, Lambda and Secrets Manager;
//! - [`bundle`]: assembling, merging and writing the bundle, and the one-line summary;
//! - [`progress`]: the live lines on stderr.

pub mod account;
pub mod aws;
pub mod bundle;
pub mod org;
pub mod progress;
pub mod resources;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::engine::model::DataPart;
use aws::{Aws, CredentialProblem, Failure};
use progress::Progress;

/// What to collect and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The AWS CLI program (`aws`, found on PATH).
    pub program: OsString,
    pub profile: Option<String>,
    /// Regions for resource policies; the first is also passed to every call. Empty: the
    /// CLI's configured region.
    pub regions: Vec<String>,
    pub endpoint_url: Option<String>,
    /// Collect the organisation: its tree, accounts, SCPs and RCPs.
    pub org: bool,
    /// Member accounts to collect (through `assume_role`).
    pub accounts: Vec<String>,
    /// Collect every account of the organisation (needs `org`).
    pub all_accounts: bool,
    pub assume_role: Option<String>,
    pub external_id: Option<String>,
    /// Collect resource-based policies too.
    pub resources: bool,
    /// How many accounts are collected at once.
    pub jobs: usize,
    /// Redraw per-account progress lines (stderr is a terminal).
    pub live_progress: bool,
}

/// A recorded failed call, as written under `NotCollected`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub part: DataPart,
    pub call: String,
    pub region: Option<String>,
    pub message: String,
}

impl Gap {
    fn to_json(&self) -> Value {
        json!({"Part": self.part, "Call": self.call, "Region": self.region, "Message": self.message})
    }
}

/// Why nothing could be collected.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The one line that says what to run.
    #[error("{0}")]
    Stopped(String),
    #[error("{0}")]
    Usage(String),
}

/// The collected accounts, keyed by account id.
#[derive(Debug, Default)]
pub struct Collected {
    pub accounts: BTreeMap<String, account::AccountOut>,
    /// The `aws --version` line.
    pub cli_version: String,
}

/// The one line that says what to do about a failure that stops collection.
#[must_use]
pub fn advice(failure: &Failure, profile: Option<&str>) -> String {
    let profile_arg = profile.map_or_else(String::new, |p| format!(" --profile {p}"));
    match failure {
        Failure::Missing(m) => format!(
            "the AWS CLI `aws` is not on PATH ({m}); install it (https://aws.amazon.com/cli/) or add its folder to PATH, then collect again"
        ),
        Failure::Credentials(CredentialProblem::SsoExpired, m) => format!(
            "the AWS SSO session has expired ({m}); run `aws sso login{profile_arg}` and collect again"
        ),
        Failure::Credentials(CredentialProblem::ProfileNotFound, m) => format!(
            "the AWS CLI has no profile `{}` ({m}); list the profiles with `aws configure list-profiles`",
            profile.unwrap_or("default")
        ),
        Failure::Credentials(CredentialProblem::NoCredentials, m) => format!(
            "the AWS CLI found no credentials ({m}); run `aws configure` or `aws sso login`, or pass `--profile`"
        ),
        Failure::Credentials(CredentialProblem::Rejected, m) => format!(
            "AWS rejected the credentials ({m}); refresh them (for example `aws sso login{profile_arg}`) and collect again"
        ),
        other => format!("`aws sts get-caller-identity` failed: {}", other.message()),
    }
}

/// The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`), `aws` when it is not an ARN.
fn partition(arn: &str) -> String {
    arn.split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
        .to_owned()
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Collects what `options` asks for.
///
/// # Errors
/// [`CollectError::Stopped`] when nothing can be collected (no `aws`, no usable
/// credentials), [`CollectError::Usage`] for account ids that cannot be reached.
pub async fn collect(options: Options) -> Result<Collected, CollectError> {
    for a in &options.accounts {
        if !is_account_id(a) {
            return Err(CollectError::Usage(format!(
                "`{a}` is not a 12-digit account id; give `--accounts` ids such as `111122223333`"
            )));
        }
    }
    let options = Arc::new(options);
    let progress = Progress::new(options.live_progress);
    let home = Aws {
        program: options.program.clone(),
        profile: options.profile.clone(),
        endpoint_url: options.endpoint_url.clone(),
        credentials: None,
        default_region: options.regions.first().cloned(),
    };
    let profile = options.profile.as_deref();
    let cli_version = home
        .version()
        .await
        .map_err(|f| CollectError::Stopped(advice(&f, profile)))?;
    let identity = home
        .call(None, &["sts", "get-caller-identity"], true)
        .await
        .map_err(|f| CollectError::Stopped(advice(&f, profile)))?;
    let caller_arn = identity
        .get("Arn")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let home_id = identity
        .get("Account")
        .and_then(Value::as_str)
        .filter(|a| is_account_id(a))
        .ok_or_else(|| {
            CollectError::Stopped(
                "`aws sts get-caller-identity` did not name an account; check the AWS CLI's configuration"
                    .to_owned(),
            )
        })?
        .to_owned();

    if options.assume_role.is_none()
        && let Some(other) = options.accounts.iter().find(|a| **a != home_id)
    {
        return Err(CollectError::Usage(format!(
            "account `{other}` is not the caller's account `{home_id}`; add `--assume-role NAME` with a role that account trusts (for example `OrganizationAccountAccessRole`)"
        )));
    }

    let shared = Arc::new(account::Shared {
        home: home.clone(),
        home_id: home_id.clone(),
        caller_arn: caller_arn.clone(),
        partition: partition(&caller_arn),
        cli_version,
        options: Arc::clone(&options),
        progress: progress.clone(),
    });
    let semaphore = Arc::new(tokio::sync::Semaphore::new(options.jobs.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    let spawn = |tasks: &mut tokio::task::JoinSet<_>, id: String, name: Option<String>| {
        let shared = Arc::clone(&shared);
        let semaphore = Arc::clone(&semaphore);
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await.ok();
            account::collect(&shared, id, name).await
        });
    };
    // The caller's own account starts at once, while the organisation is read.
    let home_wanted =
        options.accounts.is_empty() || options.all_accounts || options.accounts.contains(&home_id);
    if home_wanted {
        spawn(&mut tasks, home_id.clone(), None);
    }
    let org = if options.org {
        Some(org::collect(&home, &options, &progress).await)
    } else {
        None
    };
    let mut members: BTreeSet<String> = options.accounts.iter().cloned().collect();
    if options.all_accounts
        && let Some(o) = &org
    {
        members.extend(o.accounts.iter().map(|a| a.id.clone()));
    }
    members.remove(&home_id);
    let names: BTreeMap<String, String> = org
        .iter()
        .flat_map(|o| o.accounts.iter().map(|a| (a.id.clone(), a.name.clone())))
        .collect();
    for id in members {
        let name = names.get(&id).cloned();
        spawn(&mut tasks, id, name);
    }
    let mut collected = Collected {
        cli_version: shared.cli_version.clone(),
        ..Collected::default()
    };
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(out) => {
                collected.accounts.insert(out.id.clone(), out);
            }
            Err(e) => {
                return Err(CollectError::Stopped(format!(
                    "collecting an account stopped unexpectedly: {e}"
                )));
            }
        }
    }
    if let Some(o) = &org {
        org::apply(o, &mut collected, &shared);
    }
    progress.finish();
    Ok(collected)
}
