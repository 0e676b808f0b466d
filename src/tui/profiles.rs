//! Checking the user's AWS CLI profiles off the loop: where to read them, the job the
//! loop runs and the answer it sends back. Knows no screen.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::engine::model::Inventory;
use crate::engine::profiles::{self, ProfileReport, Sources};
use crate::tui::command::Command;

/// Where the explorer reads profiles from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfilesInput {
    /// The AWS CLI config file.
    pub path: PathBuf,
    /// Static-key profile → principal ARN.
    pub sources: Sources,
}

/// A check of the profiles, to run off the loop: the data on screen, where to read, when.
#[derive(Debug, Clone)]
pub struct ProfilesJob {
    pub generation: u64,
    pub inventory: Arc<Inventory>,
    pub input: ProfilesInput,
    pub now: DateTime<Utc>,
}

impl PartialEq for ProfilesJob {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation && self.input == other.input
    }
}

impl Eq for ProfilesJob {}

/// The answer to a [`ProfilesJob`].
#[derive(Debug, Clone)]
pub struct ProfilesAnswer {
    pub generation: u64,
    pub reports: Result<Vec<ProfileReport>, String>,
}

/// Reads the AWS config file and checks every profile against the job's data.
#[must_use]
pub fn run_job(job: ProfilesJob) -> Command {
    let started = std::time::Instant::now();
    let reports = std::fs::read_to_string(&job.input.path)
        .map_err(|e| {
            format!(
                "cannot read the AWS config file `{}`: {e}; set `[profiles] aws_config` in the rolescope config",
                job.input.path.display()
            )
        })
        .and_then(|text| {
            profiles::aws_config::parse(&text, &job.input.path.display().to_string())
                .map_err(|e| e.to_string())
        })
        .map(|config| {
            let sim = crate::engine::sts::Simulator::new(&job.inventory);
            profiles::check_all(&sim, &config, &job.input.sources, job.now)
        });
    tracing::debug!(
        ms = started.elapsed().as_millis(),
        profiles = reports.as_ref().map_or(0, Vec::len),
        "profiles job done"
    );
    if let Err(e) = &reports {
        tracing::warn!("{e}");
    }
    Command::ProfilesDone(Box::new(ProfilesAnswer {
        generation: job.generation,
        reports,
    }))
}
