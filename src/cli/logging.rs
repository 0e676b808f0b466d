//! The log file: `--log FILE`, or `ROLESCOPE_LOG=LEVEL` alone for the default file under
//! `$XDG_STATE_HOME/rolescope/`. The log holds load times, the explorer's job times and
//! the errors met — what a bug report needs — and goes to the file only: never to the
//! terminal, which the explorer owns while it runs. Without either, nothing is logged.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

use tracing_subscriber::filter::LevelFilter;

use crate::cli::CliError;

/// The environment variable holding the log level.
pub const ENV_LOG: &str = "ROLESCOPE_LOG";

/// Where `ROLESCOPE_LOG` alone writes: `$XDG_STATE_HOME/rolescope/rolescope.log`, else
/// `~/.local/state/rolescope/rolescope.log`.
#[must_use]
pub fn default_file() -> PathBuf {
    let var = |n: &str| {
        std::env::var_os(n)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let dir = var("XDG_STATE_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| var("HOME").map(|h| h.join(".local").join("state")))
        .unwrap_or_else(|| PathBuf::from("."));
    dir.join("rolescope").join("rolescope.log")
}

/// Starts logging to `file` (or the default file when only `ROLESCOPE_LOG` is set) and
/// gives back the file in use; `None` when nothing is to be logged.
///
/// # Errors
/// [`CliError::Usage`] for a level that is not one, or a file that cannot be opened.
pub fn init(file: Option<&Path>) -> Result<Option<PathBuf>, CliError> {
    let level = std::env::var(ENV_LOG).ok().filter(|v| !v.is_empty());
    let path = match (file, &level) {
        (Some(f), _) => f.to_path_buf(),
        (None, Some(_)) => default_file(),
        (None, None) => return Ok(None),
    };
    let filter = match &level {
        Some(l) => LevelFilter::from_str(l).map_err(|_| {
            CliError::Usage(format!(
                "`{ENV_LOG}={l}` is not a log level; use error, warn, info, debug or trace"
            ))
        })?,
        None => LevelFilter::DEBUG,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            CliError::Usage(format!(
                "cannot create the log folder `{}`: {e}; give another file with `--log FILE`",
                dir.display()
            ))
        })?;
    }
    let out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| {
            CliError::Usage(format!(
                "cannot open the log file `{}`: {e}; give another file with `--log FILE`",
                path.display()
            ))
        })?;
    tracing_subscriber::fmt()
        .with_max_level(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(out))
        .try_init()
        .map_err(|e| CliError::Usage(format!("cannot start the log: {e}")))?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "rolescope started");
    Ok(Some(path))
}
