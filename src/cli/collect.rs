//! `rolescope collect`: an account or an organisation, through the user's own `aws` CLI, into
//! a bundle file. The work is in [`crate::collect`]; this face parses the options, runs it on
//! a small async runtime, writes the bundle and prints the one-line summary on stderr.
//!
//! Exit status: 0 when everything asked for was collected, 1 when the bundle was written but
//! some calls were not collected (listed under `NotCollected` and on stderr), 2 when nothing
//! could be written.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use super::{CliError, Outcome};
use crate::collect::{self, CollectError, Options, bundle};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Every call goes through the `aws` program on PATH (CLI v1 or v2) with your own \
                  profiles, SSO sessions and credentials; rolescope sends nothing anywhere else.\n\n\
                  Examples:\n  rolescope collect --out prod.json\n  rolescope collect --profile \
                  mgmt --org --all-accounts --assume-role OrganizationAccountAccessRole \
                  --resources --out org.json\n\nThe bundle format is described in docs/bundle.md."
)]
pub struct Args {
    /// The AWS CLI profile to collect with (default: the CLI's own choice)
    #[arg(long, value_name = "P")]
    pub profile: Option<String>,
    /// Region for the calls; with --resources, every region whose resource policies to
    /// collect (repeat or separate with commas; default: the profile's region)
    #[arg(long, value_name = "R", value_delimiter = ',')]
    pub region: Vec<String>,
    /// Send every call to this endpoint (a test server such as moto)
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Also collect the organisation: its OU tree, accounts, and SCPs and RCPs by target
    /// (from the management account or a delegated administrator)
    #[arg(long)]
    pub org: bool,
    /// Member accounts to collect, through --assume-role
    #[arg(
        long,
        value_name = "ID,...",
        value_delimiter = ',',
        conflicts_with = "all_accounts"
    )]
    pub accounts: Vec<String>,
    /// Collect every account of the organisation (needs --org and --assume-role)
    #[arg(long, requires_all = ["org", "assume_role"])]
    pub all_accounts: bool,
    /// The role to assume in each member account (e.g. a read-only audit role)
    #[arg(long, value_name = "NAME")]
    pub assume_role: Option<String>,
    /// The external ID the member accounts' role requires
    #[arg(long, value_name = "X", requires = "assume_role")]
    pub external_id: Option<String>,
    /// Also collect resource policies: S3 buckets, KMS keys, SQS queues, SNS topics, Lambda
    /// functions and Secrets Manager secrets
    #[arg(long)]
    pub resources: bool,
    /// How many accounts to collect at once (default: `[collect] jobs` of the configuration
    /// file, else 4)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,
    /// Keep the accounts of an existing bundle at --out that are not collected now
    #[arg(long)]
    pub merge: bool,
    /// The bundle file to write
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Collects and writes the bundle.
///
/// # Errors
/// [`CliError::Usage`] when nothing could be collected or written (the message says what to
/// do).
pub fn run(
    args: &Args,
    defaults: &crate::config::Collect,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    // Command-line options win; the configuration file's `[collect]` fills what they leave.
    let regions = if args.region.is_empty() {
        defaults.region.iter().cloned().collect()
    } else {
        args.region.clone()
    };
    let jobs = args
        .jobs
        .map(usize::from)
        .or(defaults.jobs.map(|j| usize::from(j.0)))
        .unwrap_or(4);
    let options = Options {
        program: "aws".into(),
        profile: args.profile.clone().or_else(|| defaults.profile.clone()),
        regions,
        endpoint_url: args.endpoint_url.clone(),
        org: args.org,
        accounts: args.accounts.clone(),
        all_accounts: args.all_accounts,
        assume_role: args.assume_role.clone(),
        external_id: args.external_id.clone(),
        resources: args.resources,
        jobs,
        live_progress: std::io::stderr().is_terminal(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start the collector: {e}")))?;
    let collected = runtime
        .block_on(collect::collect(options))
        .map_err(|e| match e {
            CollectError::Stopped(m) | CollectError::Usage(m) => CliError::Usage(m),
        })?;
    bundle::write(&collected, &args.out, args.merge).map_err(CliError::Usage)?;
    let summary = bundle::summary(&collected);
    eprintln!("{summary}; wrote {}", args.out.display());
    out.flush()?;
    Ok(if summary.errors == 0 {
        Outcome::Yes
    } else {
        Outcome::No
    })
}
