//! rolescope binary: parse the command line, dispatch, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use rolescope::cli::{self, Cli};

/// mimalloc rather than the system allocator: loading an organisation and building its trust
/// graph make and free millions of small objects, and the system allocator's consolidation
/// of freed chunks shows up in both (BENCHMARKS.md, "Trust graph"). Built without transparent
/// huge pages (`no_thp`): the kernel clearing 2 MiB pages for a heap that grows once was most
/// of a large load's system time, and rounded its peak memory up (BENCHMARKS.md, "Loading").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
