//! `rolescope simulate --requests FILE|-`: the machine interface. Reads request documents
//! (one JSON object, a JSON array, or JSON Lines) and writes one JSON result per line, in
//! order. An unreadable request gives a result with `decision: "error"` and the batch goes
//! on. Formats: docs/simulate.md.

use std::io::{Read, Write};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{CliError, Context, Input, Outcome};
use crate::engine::sts::Simulator;
use crate::engine::sts::request::ResultDoc;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The requests: a file, or `-` for standard input
    #[arg(long, value_name = "FILE")]
    pub requests: PathBuf,
    /// The clock for requests without `now` (RFC 3339; default: the time the batch starts)
    #[arg(long, value_name = "TIME")]
    pub now: Option<DateTime<Utc>>,
    #[command(flatten)]
    pub input: Input,
}

/// The requests of a batch, each either read or the reason it could not be.
#[must_use]
pub fn split_requests(text: &str) -> Vec<Result<Value, String>> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Vec::new();
    }
    if trimmed.starts_with('[') {
        return match serde_json::from_str::<Vec<Value>>(trimmed) {
            Ok(items) => items.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(format!(
                "the request array is not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ))],
        };
    }
    // A stream of JSON values (JSON Lines, or one object over several lines)…
    let mut values = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(trimmed).into_iter::<Value>();
    let mut clean = true;
    for v in stream.by_ref() {
        match v {
            Ok(v) => values.push(Ok(v)),
            Err(_) => {
                clean = false;
                break;
            }
        }
    }
    if clean {
        return values;
    }
    // …or JSON Lines with some bad lines: read line by line so the batch goes on.
    trimmed
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str::<Value>(l).map_err(|e| {
                format!(
                    "line {}: not valid JSON (column {}): {e}",
                    i + 1,
                    e.column()
                )
            })
        })
        .collect()
}

/// Runs `rolescope simulate`.
///
/// # Errors
/// When the requests cannot be read, or the output cannot be written.
pub fn run(a: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let text = if a.requests.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .lock()
            .read_to_string(&mut s)
            .map_err(|e| {
                CliError::Usage(format!("cannot read the requests from standard input: {e}"))
            })?;
        s
    } else {
        std::fs::read_to_string(&a.requests).map_err(|e| {
            CliError::Usage(format!(
                "cannot read the requests `{}`: {e}",
                a.requests.display()
            ))
        })?
    };
    let now = a.now.unwrap_or_else(Utc::now);
    let sim = Simulator::new(&ctx.inventory).pruned();
    for item in split_requests(&text) {
        let result = match item {
            Ok(v) => sim.simulate_value(v, now),
            Err(message) => ResultDoc::error(None, message),
        };
        serde_json::to_writer(&mut *out, &result).map_err(|e| CliError::Io(e.into()))?;
        out.write_all(b"\n")?;
    }
    Ok(Outcome::Yes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_object_an_array_and_json_lines_are_all_read() {
        assert_eq!(split_requests("{\n \"kind\": \"authorize\"\n}").len(), 1);
        assert_eq!(split_requests("[{\"a\":1},{\"a\":2}]").len(), 2);
        assert_eq!(
            split_requests("{\"a\":1}\n{\"a\":2}\n\n{\"a\":3}\n").len(),
            3
        );
        assert!(split_requests("  ").is_empty());
    }

    #[test]
    fn a_bad_line_is_an_error_and_the_batch_goes_on() {
        let items = split_requests("{\"a\":1}\n{oops\n{\"a\":3}");
        assert_eq!(items.len(), 3);
        assert!(items[0].is_ok() && items[2].is_ok());
        assert!(items[1].as_ref().unwrap_err().starts_with("line 2:"));
    }
}
