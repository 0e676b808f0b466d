//! `rolescope completions SHELL` and `rolescope man`: a shell's completion script and the
//! man page, both generated from the same clap definitions as the parser itself.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, CliError, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Prints the completion script for `args.shell`.
///
/// # Errors
/// When the output cannot be written.
pub fn run(args: &Args, out: &mut dyn Write) -> Result<Outcome, CliError> {
    use clap_complete::Generator;
    let mut cmd = Cli::command();
    cmd.set_bin_name("rolescope");
    cmd.build();
    // The fallible form: a closed pipe (`rolescope completions bash | head`) is no panic.
    args.shell.try_generate(&cmd, out)?;
    Ok(Outcome::Yes)
}

/// Prints the man page (roff), for `man -l -` or a `man1` directory.
///
/// # Errors
/// When the output cannot be written.
pub fn man(out: &mut dyn Write) -> Result<Outcome, CliError> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    Ok(Outcome::Yes)
}
