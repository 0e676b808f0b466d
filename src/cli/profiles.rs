//! `rolescope profiles`: the user's AWS CLI profiles, each chain simulated against the
//! loaded data — works (and for how long), refused (the failing check and its fix),
//! unknown, or unmapped. Reads the AWS config file only; never the credentials file,
//! never AWS.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{CliError, Context, Input, Outcome};
use crate::engine::profiles::{self, AwsConfig, ProfileReport, Sources, Verdict};
use crate::engine::sts::Simulator;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: Input,
    /// The AWS CLI config file (default: the rolescope config's `[profiles] aws_config`,
    /// else $AWS_CONFIG_FILE, else ~/.aws/config)
    #[arg(long, value_name = "FILE")]
    pub aws_config: Option<PathBuf>,
    /// Who a static-key profile signs in as, e.g. `dev=arn:aws:iam::111122223333:user/alice`
    /// (repeatable; wins over the rolescope config's `[profiles.sources]`)
    #[arg(long = "source", value_name = "PROFILE=ARN")]
    pub sources: Vec<String>,
    /// The clock, RFC 3339 (default: now)
    #[arg(long, value_name = "TIME")]
    pub now: Option<DateTime<Utc>>,
    /// One JSON document: every profile with its start, hops and verdict
    #[arg(long)]
    pub json: bool,
}

/// The AWS config file to read: `--aws-config`, the rolescope config's, `$AWS_CONFIG_FILE`,
/// or `~/.aws/config` (the AWS CLI's own order after the command line).
#[must_use]
pub fn config_file(arg: Option<&Path>, configured: Option<&Path>) -> PathBuf {
    if let Some(a) = arg {
        return a.to_path_buf();
    }
    if let Some(c) = configured {
        return crate::config::resolve(c, Path::new("."));
    }
    if let Some(env) = std::env::var_os("AWS_CONFIG_FILE").filter(|v| !v.is_empty()) {
        return PathBuf::from(env);
    }
    crate::config::resolve(Path::new("~/.aws/config"), Path::new("."))
}

/// Reads and parses the AWS config file at `path`.
///
/// # Errors
/// [`CliError::Usage`] naming the file (and the line) when it cannot be read or parsed.
pub fn read_config(path: &Path) -> Result<AwsConfig, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::Usage(format!(
            "cannot read the AWS config file `{}`: {e}; name it with `--aws-config FILE`",
            path.display()
        ))
    })?;
    profiles::aws_config::parse(&text, &path.display().to_string())
        .map_err(|e| CliError::Usage(e.to_string()))
}

/// `PROFILE=ARN` pairs over the configured ones.
///
/// # Errors
/// [`CliError::Usage`] for a pair without `=` or with an ARN that is not one.
pub fn sources(configured: &Sources, args: &[String]) -> Result<Sources, CliError> {
    let mut out = configured.clone();
    for a in args {
        let Some((name, arn)) = a.split_once('=') else {
            return Err(CliError::Usage(format!(
                "`--source {a}`: write PROFILE=ARN, e.g. `--source dev=arn:aws:iam::111122223333:user/alice`"
            )));
        };
        if !arn.starts_with("arn:") {
            return Err(CliError::Usage(format!(
                "`--source {a}`: `{arn}` is not an ARN; write PROFILE=arn:aws:iam::ACCOUNT:user/NAME"
            )));
        }
        out.insert(name.trim().to_owned(), arn.trim().to_owned());
    }
    Ok(out)
}

/// Runs `profiles`.
///
/// # Errors
/// When the AWS config file cannot be read, a `--source` is malformed, or the output
/// cannot be written.
pub fn run(
    args: &Args,
    ctx: &Context,
    settings: &crate::config::Profiles,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let path = config_file(args.aws_config.as_deref(), settings.aws_config.as_deref());
    let config = read_config(&path)?;
    let sources = sources(&settings.sources, &args.sources)?;
    let now = args.now.unwrap_or_else(Utc::now);
    let sim = Simulator::new(&ctx.inventory);
    let reports = profiles::check_all(&sim, &config, &sources, now);
    if args.json {
        serde_json::to_writer_pretty(
            &mut *out,
            &serde_json::json!({
                "aws_config": path.display().to_string(),
                "now": now,
                "profiles": reports,
            }),
        )
        .map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        write_text(out, &path, &reports)?;
    }
    Ok(Outcome::Yes)
}

fn write_text(out: &mut dyn Write, path: &Path, reports: &[ProfileReport]) -> std::io::Result<()> {
    writeln!(out, "{} profile(s) in {}", reports.len(), path.display())?;
    let w = reports
        .iter()
        .map(|r| r.profile.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    writeln!(
        out,
        "{:<w$}  {:<8}  {:<30}  CHAIN",
        "PROFILE", "RESULT", "SESSION"
    )?;
    for r in reports {
        writeln!(
            out,
            "{:<w$}  {:<8}  {:<30}  {}",
            r.profile,
            r.verdict.label(),
            r.session_text(),
            r.chain_text()
        )?;
        if let Some(f) = &r.failure {
            let hop = r
                .hops
                .iter()
                .find(|h| h.verdict == Verdict::Refused)
                .and_then(|h| h.error_code.as_deref().map(|c| format!("{c}: ")))
                .unwrap_or_default();
            writeln!(
                out,
                "{:<w$}    why: {hop}{} [{}]",
                "", f.explanation, f.check
            )?;
            if let Some(fix) = &f.fix {
                writeln!(out, "{:<w$}    fix: {fix}", "")?;
            }
        }
        if r.verdict == Verdict::Unknown {
            for n in &r.notes {
                writeln!(out, "{:<w$}    note: {n}", "")?;
            }
        }
    }
    Ok(())
}
