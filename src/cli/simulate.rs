//! `rolescope simulate --requests FILE|-`: the machine interface. Reads request documents
//! (one JSON object, a JSON array, or JSON Lines) and writes one JSON result per line, in
//! order. An unreadable request gives a result with `decision: "error"` and the batch goes
//! on. Formats: docs/simulate.md.
//!
//! The batch is split into chunks simulated on every core; the results are written in
//! input order as each next chunk is done.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use chrono::{DateTime, Utc};
use serde_json::value::RawValue;

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

/// The requests of a batch, each either its JSON text (a valid JSON value) or the reason
/// it could not be read.
#[must_use]
pub fn split_requests(text: &str) -> Vec<Result<&str, String>> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Vec::new();
    }
    if trimmed.starts_with('[') {
        return match serde_json::from_str::<Vec<&RawValue>>(trimmed) {
            Ok(items) => items.into_iter().map(|v| Ok(v.get())).collect(),
            Err(e) => vec![Err(format!(
                "the request array is not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ))],
        };
    }
    // A stream of JSON values (JSON Lines, or one object over several lines)…
    let mut values = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(trimmed).into_iter::<&RawValue>();
    let mut clean = true;
    for v in stream.by_ref() {
        match v {
            Ok(v) => values.push(Ok(v.get())),
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
        .map(|(i, l)| match serde_json::from_str::<&RawValue>(l) {
            Ok(v) => Ok(v.get()),
            Err(e) => Err(format!(
                "line {}: not valid JSON (column {}): {e}",
                i + 1,
                e.column()
            )),
        })
        .collect()
}

/// Requests simulated together by one worker: big enough that handing work out costs
/// little, small enough that the workers finish together.
const CHUNK: usize = 64;

/// The results of one chunk of requests, one JSON document a line.
fn simulate_chunk(
    sim: &Simulator<'_>,
    items: &[Result<&str, String>],
    now: DateTime<Utc>,
) -> Vec<u8> {
    let mut buf = Vec::with_capacity(items.len() * 1024);
    for item in items {
        let result = match item {
            Ok(text) => sim.simulate_valid_json(text, now),
            Err(message) => ResultDoc::error(None, message.clone()),
        };
        // Writing a document to memory cannot fail (every key is a string).
        if serde_json::to_writer(&mut buf, &result).is_err() {
            buf.extend_from_slice(br#"{"decision":"error"}"#);
        }
        buf.push(b'\n');
    }
    buf
}

/// Simulates `items` on every core and writes the results in input order.
fn simulate_all(
    sim: &Simulator<'_>,
    items: &[Result<&str, String>],
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let chunks: Vec<&[Result<&str, String>]> = items.chunks(CHUNK).collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(chunks.len());
    if workers <= 1 {
        for c in &chunks {
            out.write_all(&simulate_chunk(sim, c, now))?;
        }
        return Ok(());
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        // Bounded, so workers far ahead of the writer wait instead of piling up results.
        let (tx, rx) = mpsc::sync_channel::<(usize, Vec<u8>)>(workers * 4);
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, chunks) = (&next, &chunks);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(c) = chunks.get(i) else { break };
                    if tx.send((i, simulate_chunk(sim, c, now))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
        let mut written = 0;
        for (i, bytes) in rx {
            pending.insert(i, bytes);
            while let Some(bytes) = pending.remove(&written) {
                out.write_all(&bytes)?;
                written += 1;
            }
        }
        Ok(())
    })
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
    simulate_all(&sim, &split_requests(&text), now, out)?;
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
