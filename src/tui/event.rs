//! Where events come from: a thread reading the terminal, a thread turning signals
//! (SIGTERM, SIGHUP, SIGINT: quit; SIGTSTP: suspend; SIGCONT: take the terminal back) into
//! events, and the search worker's answers — all into one channel the loop drains.
//! [`commands`] translates a terminal event into commands for the mode the state is in.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;
use std::time::Duration;

use crossterm::event::{Event, KeyEventKind, MouseButton, MouseEventKind};

use crate::tui::command::Command;
use crate::tui::keymap;
use crate::tui::search::Response;
use crate::tui::state::AppState;

/// Something the loop must react to.
#[derive(Debug)]
pub enum AppEvent {
    Terminal(Event),
    Search(Response),
    /// A termination signal arrived (its number): give the terminal back, then end as
    /// that signal would have ended the process.
    Terminate(i32),
    /// SIGTSTP from outside (`kill -TSTP`): suspend as Ctrl-Z does.
    Suspend,
    /// SIGCONT: the process was stopped and continued; take the terminal back and redraw.
    Resumed,
    /// The input thread failed; the message says why.
    InputError(String),
    /// A background job's answer (the trust graph's), to apply as it is.
    Answer(Box<Command>),
}

/// Reads terminal events until `stop` is set (checked twice a second; the loop does not
/// wait for this thread when quitting).
///
/// # Errors
/// When the thread cannot be spawned.
pub fn spawn_input(tx: Sender<AppEvent>, stop: Arc<AtomicBool>) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("rolescope-input".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match crossterm::event::poll(Duration::from_millis(500)) {
                    Ok(false) => {}
                    Ok(true) => match crossterm::event::read() {
                        Ok(ev) => {
                            if tx.send(AppEvent::Terminal(ev)).is_err() {
                                return;
                            }
                        }
                        Err(e) => {
                            let _ = tx.send(AppEvent::InputError(e.to_string()));
                            return;
                        }
                    },
                    Err(e) => {
                        let _ = tx.send(AppEvent::InputError(e.to_string()));
                        return;
                    }
                }
            }
        })
}

/// True while another program (the external editor) has the terminal.
static TERMINAL_LENT: AtomicBool = AtomicBool::new(false);

/// Says that another program has the terminal (`true`) or that it is ours again. While it
/// is lent, SIGTSTP (Ctrl-Z in that program) stops this process at once, as it would without
/// a handler: the whole job stops together and `fg` continues it, instead of the program
/// stopping while this process waits for it.
pub fn lend_terminal(lent: bool) {
    TERMINAL_LENT.store(lent, Ordering::SeqCst);
}

/// Turns SIGTERM, SIGHUP and SIGINT into [`AppEvent::Terminate`], SIGTSTP into
/// [`AppEvent::Suspend`] (or a stop at once while the terminal is lent, see
/// [`lend_terminal`]) and SIGCONT into [`AppEvent::Resumed`].
///
/// # Errors
/// When the handlers cannot be installed.
pub fn spawn_signals(tx: Sender<AppEvent>) -> std::io::Result<signal_hook::iterator::Handle> {
    use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGTERM, SIGTSTP};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGTSTP, SIGCONT])?;
    let handle = signals.handle();
    std::thread::Builder::new()
        .name("rolescope-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let event = match signal {
                    SIGTSTP if TERMINAL_LENT.load(Ordering::SeqCst) => {
                        let _ = signal_hook::low_level::emulate_default_handler(SIGTSTP);
                        continue;
                    }
                    SIGTSTP => AppEvent::Suspend,
                    SIGCONT => AppEvent::Resumed,
                    other => AppEvent::Terminate(other),
                };
                if tx.send(event).is_err() {
                    return;
                }
            }
        })?;
    Ok(handle)
}

/// The commands a terminal event means in the state's current mode.
#[must_use]
pub fn commands(state: &AppState, event: &Event) -> Vec<Command> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            keymap::dispatch(state, key).into_iter().collect()
        }
        Event::Paste(text) => {
            if keymap::mode(state).takes_text() {
                vec![Command::Paste(
                    text.chars().filter(|c| !c.is_control()).collect(),
                )]
            } else {
                Vec::new()
            }
        }
        Event::Resize(w, h) => vec![Command::Resize(*w, *h)],
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => vec![Command::Click(m.column, m.row)],
            MouseEventKind::ScrollUp => vec![Command::Scroll(m.column, m.row, -3)],
            MouseEventKind::ScrollDown => vec![Command::Scroll(m.column, m.row, 3)],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}
