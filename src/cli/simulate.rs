//! `rolescope simulate --requests FILE|-`: the machine interface. Reads request documents
//! (one JSON object, a JSON array, or JSON Lines) and writes one JSON result per line, in
//! order. An unreadable request gives a result with `decision: "error"` and the batch goes
//! on. Formats: docs/simulate.md.
//!
//! The requests are read as they arrive (a never-ending producer is answered as it writes,
//! in bounded memory), simulated on every core, and the results written in input order as
//! soon as each is known. How the stream is split, damaged pieces included:
//! [`crate::engine::sts::stream`].

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

use chrono::{DateTime, Utc};

use super::{CliError, Context, Input, Outcome};
use crate::engine::sts::Simulator;
use crate::engine::sts::request::{DecisionDoc, ResultDoc};
use crate::engine::sts::stream::{RequestSplitter, StreamItem};

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

/// Requests simulated together by one worker at most: big enough that handing work out
/// costs little when the input comes fast; a worker takes fewer when no more are waiting,
/// so a slow producer gets each answer as soon as its request is read.
const CHUNK: usize = 64;

/// Requests read ahead of the workers at most; with [`crate::engine::sts::stream::MAX_REQUEST_BYTES`] this bounds
/// the memory a batch holds, however long the stream.
const READ_AHEAD: usize = 256;

/// What the reader hands the workers: a piece of the stream, or why reading stopped.
enum Read {
    Item(StreamItem),
    Stop(String),
}

/// What a worker hands the writer: the results of the pieces `first..first + count`.
struct Done {
    first: u64,
    count: u64,
    bytes: Vec<u8>,
    stop: Option<String>,
}

/// Reads `input` on a thread of its own, splitting it into pieces as the bytes arrive.
/// The thread is not joined: when the output is closed the batch ends without waiting for
/// a producer that may never write again.
fn spawn_reader(
    mut input: Box<dyn std::io::Read + Send>,
    what: String,
) -> mpsc::Receiver<(u64, Read)> {
    let (tx, rx) = mpsc::sync_channel::<(u64, Read)>(READ_AHEAD);
    std::thread::spawn(move || {
        let mut seq = 0_u64;
        let mut send = |r: Read| {
            let ok = tx.send((seq, r)).is_ok();
            seq += 1;
            ok
        };
        let mut splitter = RequestSplitter::default();
        let mut buf = vec![0_u8; 64 * 1024];
        let mut open = true;
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    send(Read::Stop(format!("cannot read the requests {what}: {e}")));
                    return;
                }
            };
            let fed = splitter.feed(&buf[..n], &mut |item| {
                open = open && send(Read::Item(item));
            });
            if let Err(e) = fed {
                if open {
                    send(Read::Stop(format!("{e} (reading {what})")));
                }
                return;
            }
            if !open {
                return;
            }
        }
        splitter.finish(&mut |item| {
            open = open && send(Read::Item(item));
        });
    });
    rx
}

/// One piece's result, one JSON document and a line end; a piece that is not a readable
/// request says its line.
fn simulate_item(sim: &Simulator<'_>, item: &StreamItem, now: DateTime<Utc>, buf: &mut Vec<u8>) {
    let result = match &item.request {
        Ok(text) => {
            let mut r = sim.simulate_valid_json(text, now);
            // A request that could not be read says where it is; STS's own errors (with
            // an error code) keep STS's wording.
            if r.decision == Some(DecisionDoc::Error)
                && r.error_code.is_none()
                && let Some(m) = &mut r.error_message
                && !m.starts_with("line ")
            {
                let located = format!("line {}: {m}", item.line);
                for reason in &mut r.reasons {
                    if reason == m {
                        reason.clone_from(&located);
                    }
                }
                *m = located;
            }
            r
        }
        Err(message) => ResultDoc::error(None, message.clone()),
    };
    // Writing a document to memory cannot fail (every key is a string).
    if serde_json::to_writer(&mut *buf, &result).is_err() {
        buf.extend_from_slice(br#"{"decision":"error"}"#);
    }
    buf.push(b'\n');
}

/// Simulates the requests `input` holds on every core as they are read, writing the results
/// in input order as soon as each is known.
fn simulate_stream(
    sim: &Simulator<'_>,
    input: Box<dyn std::io::Read + Send>,
    what: String,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let reads = Mutex::new(spawn_reader(input, what));
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Done>(workers * 2);
        for _ in 0..workers {
            let tx = tx.clone();
            let (reads, stop) = (&reads, &stop);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Some((first, items, halt)) = take_some(reads) else {
                        return;
                    };
                    if items.is_empty() && halt.is_none() {
                        continue;
                    }
                    let mut bytes = Vec::with_capacity(items.len() * 1024);
                    for item in &items {
                        simulate_item(sim, item, now, &mut bytes);
                    }
                    let count = items.len() as u64 + u64::from(halt.is_some());
                    let done = Done {
                        first,
                        count,
                        bytes,
                        stop: halt,
                    };
                    if tx.send(done).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let result = write_in_order(&rx, out);
        stop.store(true, Ordering::Relaxed);
        result
    })
}

/// Takes the next pieces for one worker: waits (a while) for the first, then takes what is
/// already read, up to [`CHUNK`]. `None` once the reader is done and everything is taken.
fn take_some(
    reads: &Mutex<mpsc::Receiver<(u64, Read)>>,
) -> Option<(u64, Vec<StreamItem>, Option<String>)> {
    let rx = reads.lock().ok()?;
    let mut items = Vec::new();
    let mut next = match rx.recv_timeout(std::time::Duration::from_millis(100)) {
        Ok(r) => Some(r),
        Err(mpsc::RecvTimeoutError::Timeout) => return Some((0, items, None)),
        Err(mpsc::RecvTimeoutError::Disconnected) => return None,
    };
    let mut first = None;
    while let Some((seq, r)) = next.take() {
        first.get_or_insert(seq);
        match r {
            Read::Item(item) => items.push(item),
            Read::Stop(m) => return Some((first.unwrap_or(seq), items, Some(m))),
        }
        if items.len() < CHUNK {
            next = rx.try_recv().ok();
        }
    }
    Some((first.unwrap_or(0), items, None))
}

/// Writes the workers' results in input order, flushing whenever no more are ready, so an
/// answer is out as soon as it is known.
fn write_in_order(rx: &mpsc::Receiver<Done>, out: &mut dyn Write) -> Result<(), CliError> {
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut written = 0_u64;
    let mut wait = true;
    loop {
        let done = if wait {
            match rx.recv() {
                Ok(d) => d,
                Err(_) => break,
            }
        } else {
            match rx.try_recv() {
                Ok(d) => d,
                Err(mpsc::TryRecvError::Empty) => {
                    out.flush()?;
                    wait = true;
                    continue;
                }
                Err(mpsc::TryRecvError::Disconnected) => break,
            }
        };
        wait = false;
        pending.insert(done.first, done);
        while let Some(d) = pending.remove(&written) {
            out.write_all(&d.bytes)?;
            written += d.count;
            if let Some(m) = d.stop {
                out.flush()?;
                return Err(CliError::Usage(m));
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Runs `rolescope simulate`.
///
/// # Errors
/// When the requests cannot be read, or the output cannot be written.
pub fn run(a: &Args, ctx: &Context, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let (input, what): (Box<dyn std::io::Read + Send>, String) = if a.requests.as_os_str() == "-" {
        (Box::new(std::io::stdin()), "from standard input".to_owned())
    } else {
        let file = std::fs::File::open(&a.requests).map_err(|e| {
            CliError::Usage(format!(
                "cannot read the requests `{}`: {e}",
                a.requests.display()
            ))
        })?;
        (Box::new(file), format!("`{}`", a.requests.display()))
    };
    let now = a.now.unwrap_or_else(Utc::now);
    let sim = Simulator::new(&ctx.inventory).pruned();
    simulate_stream(&sim, input, what, now, out)?;
    Ok(Outcome::Yes)
}
