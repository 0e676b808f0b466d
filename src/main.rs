//! rolescope binary: parse the command line, dispatch, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use rolescope::cli::{self, Cli};

fn main() -> ExitCode {
    match cli::run(Cli::parse()) {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            if !e.is_silent() {
                eprintln!("error: {e}");
            }
            e.exit_code()
        }
    }
}
