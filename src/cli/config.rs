//! `rolescope config path|default|check`: where the configuration file is looked for, a
//! commented default file to start from, and whether the file in use is valid.

use std::io::Write;

use crate::cli::{CliError, Outcome};
use crate::config::{self, Loaded};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Print where the configuration file is looked for ($ROLESCOPE_CONFIG, else
    /// $XDG_CONFIG_HOME/rolescope/config.toml)
    Path,
    /// Print a commented configuration file holding the defaults
    Default,
    /// Check the configuration file: its errors and unknown keys (exit 2 when it has any)
    Check,
}

/// Runs `config`.
///
/// # Errors
/// When the output cannot be written.
pub fn run(args: &Args, loaded: &Loaded, out: &mut dyn Write) -> Result<Outcome, CliError> {
    match args.action {
        Action::Path => writeln!(out, "{}", loaded.path.display())?,
        Action::Default => out.write_all(config::DEFAULT_FILE.as_bytes())?,
        Action::Check => {
            let mut problems = loaded.messages();
            let (_, keys) = crate::tui::keymap::Remap::from_config(&loaded.config.keys);
            problems.extend(keys);
            if problems.is_empty() {
                let state = if loaded.used {
                    "is valid"
                } else {
                    "does not exist; the defaults are used"
                };
                writeln!(out, "`{}` {state}", loaded.path.display())?;
            } else {
                return Err(CliError::Usage(problems.join("\n")));
            }
        }
    }
    Ok(Outcome::Yes)
}
