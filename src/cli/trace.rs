//! `--trace` and `--arns`, shared by `authorize`, `assume`, `simulate` and `lessons --play`:
//! the checks of an answer as a trace, for a beginner (the deciding check first, one plain
//! line per check, the organisation's levels on one line, short names) or in full, and the
//! trace written as text — each line's sentence wrapped under its mark, the ARN behind
//! each short name below it when `--arns` asks.

use std::io::Write;

use crate::engine::lesson::trace::{TraceLine, TraceStyle};
use crate::engine::wizard::Ran;

/// Columns a trace line is wrapped to.
const WIDTH: usize = 88;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Style {
    /// The deciding check first, one plain line per check, short names
    Beginner,
    /// Every statement that matched and the engine's own sentences, ARNs in full
    Full,
}

#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct TraceArgs {
    /// Show the checks as a trace: `beginner` (the deciding check first, one plain line
    /// per check, the organisation's SCP/RCP levels on one line, short names) or `full`
    /// (every statement that matched, ARNs in full)
    #[arg(long, value_enum, value_name = "STYLE")]
    pub trace: Option<Style>,
    /// With `--trace beginner`: the ARN behind each short name, under its line
    #[arg(long, requires = "trace")]
    pub arns: bool,
}

impl TraceArgs {
    /// The style asked for, if any.
    #[must_use]
    pub fn style(&self) -> Option<TraceStyle> {
        self.trace.map(|s| match s {
            Style::Beginner => TraceStyle::Beginner,
            Style::Full => TraceStyle::Full,
        })
    }

    /// The trace of `ran`, when one is asked for.
    #[must_use]
    pub fn of(&self, ran: &Ran) -> Option<Vec<TraceLine>> {
        self.style()
            .map(|s| crate::engine::lesson::trace::of(ran, s))
    }
}

/// Writes `trace`, each line after `indent` and its mark, wrapped under itself; with
/// `arns`, each short name's ARN below the first line that uses it.
///
/// # Errors
/// When `out` cannot be written.
pub fn write(
    out: &mut dyn Write,
    trace: &[TraceLine],
    indent: &str,
    arns: bool,
) -> std::io::Result<()> {
    let width = WIDTH.saturating_sub(indent.chars().count() + 2);
    // Each ARN once, under the first line that names it.
    let mut seen: Vec<&str> = Vec::new();
    for t in trace {
        for (i, row) in crate::tui::widgets::text::wrap(&t.text, width)
            .iter()
            .enumerate()
        {
            let mark = if i == 0 { t.mark.symbol() } else { " " };
            writeln!(out, "{indent}{mark} {row}")?;
        }
        if arns {
            for n in &t.names {
                if !seen.contains(&n.arn.as_str()) {
                    seen.push(&n.arn);
                    writeln!(out, "{indent}    {} = {}", n.short, n.arn)?;
                }
            }
        }
    }
    Ok(())
}
