//! CPU time with nanosecond resolution (`CLOCK_THREAD_CPUTIME_ID` and
//! `CLOCK_PROCESS_CPUTIME_ID` through the `cpu-time` crate): on a shared machine the wall
//! clock also counts the time other processes hold the core, the CPU time does not.
//! [`Cpu::THREAD`] measures the benchmark thread; [`Cpu::PROCESS`] every thread of the
//! process (for work that fans out, such as loading). [`now`] reads the thread's clock for
//! hand-made percentiles.

use std::time::Duration;

use criterion::Throughput;
use criterion::measurement::{Measurement, ValueFormatter};

/// The calling thread's CPU time so far.
pub fn now() -> Duration {
    cpu_time::ThreadTime::try_now().map_or(Duration::ZERO, |t| t.as_duration())
}

/// The whole process's CPU time so far.
pub fn process_now() -> Duration {
    cpu_time::ProcessTime::try_now().map_or(Duration::ZERO, |t| t.as_duration())
}

/// Criterion measurement: CPU time (user + system) of the benchmark thread or of the
/// whole process.
pub struct Cpu {
    process: bool,
}

impl Cpu {
    pub const THREAD: Self = Self { process: false };
    #[allow(dead_code, reason = "not every benchmark measures every thread")]
    pub const PROCESS: Self = Self { process: true };

    fn read(&self) -> Duration {
        if self.process { process_now() } else { now() }
    }
}

struct Nanos;

impl ValueFormatter for Nanos {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (div, unit) = if typical < 1e3 {
            (1.0, "ns cpu")
        } else if typical < 1e6 {
            (1e3, "µs cpu")
        } else if typical < 1e9 {
            (1e6, "ms cpu")
        } else {
            (1e9, "s cpu")
        };
        for v in values {
            *v /= div;
        }
        unit
    }

    fn scale_throughputs(
        &self,
        typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        // Elements per CPU second: "decisions per second on one core".
        let elems = match throughput {
            Throughput::Elements(n) => *n as f64,
            _ => 1.0,
        };
        let per_sec = elems * 1e9 / typical;
        let (div, unit) = if per_sec < 1e3 {
            (1.0, "elem/s cpu")
        } else if per_sec < 1e6 {
            (1e3, "Kelem/s cpu")
        } else {
            (1e6, "Melem/s cpu")
        };
        for v in values {
            *v = elems * 1e9 / *v / div;
        }
        unit
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

impl Measurement for Cpu {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        self.read()
    }

    fn end(&self, start: Duration) -> Duration {
        self.read().saturating_sub(start)
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanos
    }
}
