//! `rolescope snapshot`: drives the explorer without a terminal — a window of the given
//! size, the given keys pressed in order — and writes the screen they lead to as plain
//! text or as an SVG picture (for scripts, documentation and bug reports). The explorer
//! is the same one `rolescope` opens, on the same data and settings; nothing is read from
//! or written to the terminal.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use super::{CliError, Context, Input, Outcome};
use crate::tui::sim::EngineSimulator;
use crate::tui::state::AppState;
use crate::tui::svg::{Ground, SnapshotFormat, render};
use crate::tui::{Settings, event, keys, ui, update};

/// The most keys one snapshot takes: enough for any walk through the explorer, and a
/// bound on the work a mistyped argument can ask for.
const MAX_KEYS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The characters only, one line per row
    Text,
    /// An SVG picture with the screen's colours
    Svg,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The window, COLUMNSxROWS (at least 20x5, at most 500x200)
    #[arg(long, value_name = "COLSxROWS", default_value = "100x30")]
    pub size: String,
    /// Keys to press, in order: characters as typed, named keys in angle brackets
    /// (`<Enter>`, `<Esc>`, `<Tab>`, `<Down>`, `<PgDn>`, `<C-t>`, `<F1>`; `<lt>` is `<`),
    /// e.g. `/storefront<Enter>`
    #[arg(
        long,
        value_name = "KEYS",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub keys: String,
    /// text or svg
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write to FILE instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Start in this lesson (as `rolescope --lesson NAME`), at its clock
    #[arg(long, value_name = "NAME")]
    pub lesson: Option<String>,
    /// The simulated clock at the start, RFC 3339 (default: now; a lesson's start with
    /// --lesson); fix it for output that is the same on every run
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    #[command(flatten)]
    pub input: Input,
}

/// Runs `rolescope snapshot`.
///
/// # Errors
/// [`CliError::Usage`] for a bad size, key, time or lesson, or an output file that is one
/// of the data files; [`CliError::Io`] when the output cannot be written.
pub fn run(
    args: &Args,
    paths: &[PathBuf],
    ctx: &Context,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let (width, height) = parse_size(&args.size)?;
    let keys = parse_keys(&args.keys)?;
    let now = match &args.now {
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                CliError::Usage(format!(
                    "`--now {t}` is not an RFC 3339 time ({e}); write e.g. `2026-11-24T09:00:00Z`"
                ))
            })?,
        None => Utc::now(),
    };
    if let Some(o) = &args.output {
        refuse_overwriting_input(o, paths)?;
    }
    let lesson = match &args.lesson {
        Some(name) => {
            let all = super::lessons::lessons_for(paths)?;
            Some(crate::engine::lesson::find(&all, name)?.clone())
        }
        None => None,
    };
    let sim = Arc::new(EngineSimulator::spawn(Arc::clone(&ctx.inventory))?);
    let start = match (&lesson, &args.now) {
        (Some(l), None) => l.start,
        _ => now,
    };
    let mut state = AppState::new(Arc::clone(&ctx.inventory), sim, start);
    state.world.no_color = !crate::tui::theme::Theme::from_env().color;
    settings.apply(&mut state);
    if let Some(l) = lesson {
        crate::tui::screens::lessons::start(&mut state.world, l);
    } else {
        crate::tui::app::say_when_on_the_demo(&mut state);
    }
    let buffer = drive(&mut state, width, height, &keys);
    let format = match args.format {
        Format::Text => SnapshotFormat::Text,
        Format::Svg => SnapshotFormat::Svg(Ground::of(state.world.palette)),
    };
    match &args.output {
        Some(path) => crate::tui::svg::save_snapshot(&buffer, path, format)
            .map_err(|e| CliError::Usage(e.to_string()))?,
        None => out.write_all(render(&buffer, format).as_bytes())?,
    }
    Ok(Outcome::Yes)
}

/// Sizes the explorer, presses `keys` in order (every search and trust-graph question is
/// answered before the next key, as the explorer's loop would) and draws the last screen.
pub fn drive(state: &mut AppState, width: u16, height: u16, keys: &[KeyEvent]) -> Buffer {
    update::apply_all(state, [crate::tui::command::Command::Resize(width, height)]);
    for key in keys {
        let commands = event::commands(state, &Event::Key(*key));
        update::apply_all(state, commands);
        if state.world.quit {
            break;
        }
    }
    // Drawing into memory cannot fail.
    let Ok(mut terminal) = Terminal::new(TestBackend::new(width, height));
    let Ok(_) = terminal.draw(|f| ui::render(f, state));
    terminal.backend().buffer().clone()
}

/// `100x30` as (100, 30).
///
/// # Errors
/// [`CliError::Usage`] saying what to write.
pub fn parse_size(text: &str) -> Result<(u16, u16), CliError> {
    let bad = || {
        CliError::Usage(format!(
            "`--size {text}` is not COLUMNSxROWS between 20x5 and 500x200; write e.g. `100x30`"
        ))
    };
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let w: u16 = w.trim().parse().map_err(|_| bad())?;
    let h: u16 = h.trim().parse().map_err(|_| bad())?;
    if !(20..=500).contains(&w) || !(5..=200).contains(&h) {
        return Err(bad());
    }
    Ok((w, h))
}

/// `/storefront<Enter>` as key presses: characters as typed, `<name>` as the key of that
/// name (the names `[keys]` in the configuration takes), `<lt>` as `<`.
///
/// # Errors
/// [`CliError::Usage`] naming the key that cannot be read and its position.
pub fn parse_keys(text: &str) -> Result<Vec<KeyEvent>, CliError> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(ch) = rest.chars().next() {
        let at = text.len() - rest.len();
        if ch == '<' {
            let Some(end) = rest.find('>') else {
                return Err(CliError::Usage(format!(
                    "`--keys`: the `<` at position {at} is not closed; write `<lt>` for the character `<`"
                )));
            };
            let name = &rest[1..end];
            let key = if name.eq_ignore_ascii_case("lt") {
                keys::parse_key("<")
            } else {
                keys::parse_key(name)
            }
            .map_err(|e| CliError::Usage(format!("`--keys`: `<{name}>` at position {at}: {e}")))?;
            out.push(key);
            rest = &rest[end + 1..];
        } else {
            out.push(
                keys::parse_key(ch.encode_utf8(&mut [0; 4])).map_err(|e| {
                    CliError::Usage(format!("`--keys`: `{ch}` at position {at}: {e}"))
                })?,
            );
            rest = &rest[ch.len_utf8()..];
        }
        if out.len() > MAX_KEYS {
            return Err(CliError::Usage(format!(
                "`--keys` holds more than {MAX_KEYS} keys; take fewer steps"
            )));
        }
    }
    Ok(out)
}

/// Refuses an output file that is one of the data files (or inside a data folder): a
/// snapshot never overwrites what the user loaded.
fn refuse_overwriting_input(output: &Path, inputs: &[PathBuf]) -> Result<(), CliError> {
    let Ok(target) = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .canonicalize()
        .map(|dir| dir.join(output.file_name().unwrap_or_default()))
    else {
        return Ok(());
    };
    for input in inputs {
        let Ok(input) = input.canonicalize() else {
            continue;
        };
        if target == input || (input.is_dir() && target.starts_with(&input)) {
            return Err(CliError::Usage(format!(
                "`-o {}` is one of the data files loaded (or inside a loaded folder); write the snapshot elsewhere",
                output.display()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn keys_are_characters_and_named_keys_in_brackets() {
        let keys = parse_keys("/a<Enter><C-t><lt>x").unwrap();
        let codes: Vec<KeyCode> = keys.iter().map(|k| k.code).collect();
        assert_eq!(
            codes,
            vec![
                KeyCode::Char('/'),
                KeyCode::Char('a'),
                KeyCode::Enter,
                KeyCode::Char('t'),
                KeyCode::Char('<'),
                KeyCode::Char('x')
            ]
        );
        assert_eq!(keys[3].modifiers, KeyModifiers::CONTROL);
    }

    #[test]
    fn a_bad_key_or_size_says_what_to_write() {
        let e = parse_keys("ab<Bogus>").unwrap_err().to_string();
        assert!(e.contains("`<Bogus>` at position 2"), "{e}");
        let e = parse_keys("a<Enter").unwrap_err().to_string();
        assert!(e.contains("write `<lt>`"), "{e}");
        assert_eq!(parse_size("100x30").unwrap(), (100, 30));
        for bad in ["100", "10x30", "100x3", "axb", "100x300"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}
