//! The loop: take over the terminal, then repeatedly drain every pending event, apply
//! the commands ([`take_batch`]), carry out the effects and draw once — only when
//! something on screen changed (state, or the displayed second of the simulated clock).
//! The terminal is given back on quit, Ctrl-C, panic, and around Ctrl-Z (and SIGTSTP);
//! on SIGTERM, SIGHUP and SIGINT it is given back and the process then ends by that
//! signal, so the shell sees the conventional status (143 for SIGTERM).

use std::io::{Stdout, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use chrono::Utc;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::engine::model::Inventory;
use crate::tui::command::{Command, Effect};
use crate::tui::event::{self, AppEvent};
use crate::tui::keymap::Remap;
use crate::tui::search::Worker;
use crate::tui::sim::{EngineSimulator, Simulator};
use crate::tui::state::AppState;
use crate::tui::theme::{Palette, Theme};
use crate::tui::{ui, update};

/// Options for [`run_with`].
#[derive(Clone, Default)]
pub struct Options {
    /// The simulator to use; the engine's when `None`.
    pub simulator: Option<Arc<dyn Simulator>>,
    /// A lesson to start in (`rolescope --lesson NAME`): the narrative pane shows, the
    /// clock starts paused at the lesson's start.
    pub lesson: Option<crate::engine::lesson::Lesson>,
    /// The lessons the lesson index lists (a classroom pack's); the built-in ones when
    /// `None`; the error when a pack's lessons could not be read.
    pub lessons: Option<Result<Vec<crate::engine::lesson::Lesson>, String>>,
    /// Theme, keys and clock, from the configuration and the command line.
    pub settings: Settings,
    /// Where `O` reads the user's AWS CLI profiles from.
    pub profiles: Option<crate::tui::profiles::ProfilesInput>,
    /// What the user must hear when the explorer opens (a configuration that could not be
    /// used, unknown keys); shown in a pop-up and the event log.
    pub notices: Vec<String>,
}

/// The explorer's settings from the configuration file and the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    pub palette: Palette,
    pub presenter_palette: Palette,
    pub clock_speed: u32,
    pub keys: Remap,
    /// `[keys]` entries that could not be used, and why.
    pub problems: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self::from_config(&crate::config::Config::default(), None)
    }
}

impl Settings {
    /// The settings `config` asks for; `theme` (`--theme`) wins over its theme.
    #[must_use]
    pub fn from_config(config: &crate::config::Config, theme: Option<Palette>) -> Self {
        let (keys, problems) = Remap::from_config(&config.keys);
        Self {
            palette: theme.unwrap_or(config.explorer.theme),
            presenter_palette: config.presenter.theme,
            clock_speed: config.explorer.clock_speed.0,
            keys,
            problems,
        }
    }

    /// Puts the settings into a fresh state.
    pub fn apply(&self, state: &mut AppState) {
        state.world.palette = self.palette;
        state.world.presenter_palette = self.presenter_palette;
        state.world.keys = Arc::new(self.keys.clone());
        state
            .world
            .clock
            .set_speed(self.clock_speed, Duration::ZERO);
    }
}

/// Shows `notices` in a pop-up over the first screen, and in the event log.
pub fn show_notices(state: &mut AppState, notices: &[String]) {
    if notices.is_empty() {
        return;
    }
    for n in notices {
        state.world.log.push(crate::tui::state::LogEntry {
            at: state.world.now,
            text: n.clone(),
        });
    }
    crate::tui::screen::open_message(
        state,
        crate::tui::screen::Message {
            title: "Configuration".to_owned(),
            text: format!("{}\n\n(Esc closes)", notices.join("\n")),
        },
    );
    state.world.dirty = true;
}

/// On the built-in demo organisation, the first screen's status line says so, and how to
/// load one's own data instead.
pub fn say_when_on_the_demo(state: &mut AppState) {
    let sources = &state.world.inventory.sources;
    if sources.len() == 1 && sources[0] == crate::engine::load::DEMO_SOURCE {
        state.world.status = Some(crate::tui::world::Status {
            text: format!(
                "the built-in demo organisation ({} accounts) · yours: `rolescope FILE…` or `rolescope collect`",
                state.world.inventory.accounts.len()
            ),
            error: false,
        });
    }
}

/// The fastest the screen redraws for a running clock (about 30 frames a second).
const MIN_FRAME: Duration = Duration::from_millis(33);
/// How long to wait for input when nothing on screen moves.
const IDLE_WAIT: Duration = Duration::from_secs(3600);

fn setup(out: &mut Stdout) -> std::io::Result<()> {
    enable_raw_mode()?;
    crossterm::execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )
}

/// Gives the terminal back: cooked mode, main screen, no mouse capture, cursor shown.
pub fn restore() {
    let mut out = std::io::stdout();
    let _ = crossterm::execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Encodes `bytes` as standard base64 (for OSC 52).
#[must_use]
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Opens the interactive explorer with default options.
///
/// # Errors
/// When the terminal cannot be set up, read or written.
pub fn run(inventory: Arc<Inventory>) -> std::io::Result<()> {
    run_with(inventory, Options::default())
}

/// Opens the interactive explorer.
///
/// # Errors
/// When the terminal cannot be set up, read or written.
pub fn run_with(inventory: Arc<Inventory>, options: Options) -> std::io::Result<()> {
    let simulator: Arc<dyn Simulator> = match options.simulator {
        Some(s) => s,
        None => Arc::new(EngineSimulator::spawn(Arc::clone(&inventory))?),
    };
    let start = options.lesson.as_ref().map_or_else(Utc::now, |l| l.start);
    let mut state = AppState::new(inventory, simulator, start);
    state.world.no_color = !Theme::from_env().color;
    options.settings.apply(&mut state);
    state.world.profiles_input = options.profiles;
    state.world.teach.catalog = options.lessons.map(|l| l.map(Arc::new));
    if let Some(lesson) = options.lesson {
        crate::tui::screen::start_lesson(&mut state, lesson);
    }
    show_notices(&mut state, &options.notices);
    if state.world.teach.lesson.is_none() {
        say_when_on_the_demo(&mut state);
    }
    install_panic_hook();
    let mut out = std::io::stdout();
    if let Err(e) = setup(&mut out) {
        restore();
        return Err(e);
    }
    let result = event_loop(&mut state);
    restore();
    if let Ok(Some(signal)) = result {
        // End as the signal would have ended us, now that the terminal is back.
        let _ = signal_hook::low_level::emulate_default_handler(signal);
    }
    result.map(|_| ())
}

/// What one batch of events left for the loop to do, once the state has taken it in.
#[derive(Debug, Default)]
pub struct Batch {
    /// Effects in order, with only the newest search request per list kept.
    pub effects: Vec<Effect>,
    /// A termination signal arrived: quit, then end by it.
    pub terminate: Option<i32>,
    /// The process was continued after a stop: take the terminal back and redraw.
    pub resumed: bool,
    /// The input thread failed.
    pub error: Option<String>,
}

/// Applies every event of one batch (all that was queued when the loop woke) and the
/// clock tick, so a burst — a paste of thousands of characters, key repeat — costs one
/// search request per list and one frame, however many events it holds.
pub fn take_batch(state: &mut AppState, events: Vec<AppEvent>, elapsed: Duration) -> Batch {
    let mut batch = Batch::default();
    let mut effects = Vec::new();
    for ev in events {
        match ev {
            AppEvent::Terminal(e) => {
                for c in event::commands(state, &e) {
                    effects.extend(update::apply(state, c));
                }
            }
            AppEvent::Search(r) => effects.extend(update::apply(state, Command::SearchResults(r))),
            AppEvent::Terminate(signal) => {
                batch.terminate = Some(signal);
                effects.extend(update::apply(state, Command::Quit));
            }
            AppEvent::Suspend => effects.push(Effect::Suspend),
            AppEvent::Resumed => batch.resumed = true,
            AppEvent::InputError(e) => batch.error = Some(e),
            AppEvent::Answer(c) => effects.extend(update::apply(state, *c)),
        }
    }
    effects.extend(update::apply(state, Command::Tick(elapsed)));
    // Only the newest search per list matters; older ones are superseded.
    let mut searched: Vec<usize> = Vec::new();
    let mut kept: Vec<Effect> = Vec::with_capacity(effects.len());
    for fx in effects.into_iter().rev() {
        if let Effect::Search(r) = &fx {
            if searched.contains(&r.list) {
                continue;
            }
            searched.push(r.list);
        }
        kept.push(fx);
    }
    kept.reverse();
    batch.effects = kept;
    batch
}

/// Gives the terminal back and stops the process as SIGTSTP would; once continued, takes
/// the terminal back and redraws everything.
fn suspend(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    state: &mut AppState,
) -> std::io::Result<()> {
    restore();
    let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP);
    take_back(terminal, state)
}

fn take_back(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    state: &mut AppState,
) -> std::io::Result<()> {
    setup(&mut std::io::stdout())?;
    terminal.clear()?;
    let size = terminal.size()?;
    update::apply(state, Command::Resize(size.width, size.height));
    state.world.dirty = true;
    Ok(())
}

/// Answers a trust-graph question on a thread of its own; the answer comes back through
/// the loop's channel.
fn spawn_access(
    state: &mut AppState,
    job: crate::tui::access::AccessJob,
    tx: std::sync::mpsc::Sender<AppEvent>,
) {
    let spawned = std::thread::Builder::new()
        .name("rolescope-graph".into())
        .spawn(move || {
            let started = Instant::now();
            let answer = crate::tui::access::run_job(job);
            tracing::debug!(ms = started.elapsed().as_millis(), "trust-graph job done");
            let _ = tx.send(AppEvent::Answer(Box::new(answer)));
        });
    if let Err(e) = spawned {
        state.world.status = Some(crate::tui::state::Status {
            text: format!("cannot start the trust-graph worker: {e}; restart rolescope"),
            error: true,
        });
    }
}

/// Checks the user's AWS CLI profiles on a thread of its own; the answer comes back
/// through the loop's channel.
fn spawn_profiles(
    state: &mut AppState,
    job: crate::tui::profiles::ProfilesJob,
    tx: std::sync::mpsc::Sender<AppEvent>,
) {
    let spawned = std::thread::Builder::new()
        .name("rolescope-profiles".into())
        .spawn(move || {
            let answer = crate::tui::profiles::run_job(job);
            let _ = tx.send(AppEvent::Answer(Box::new(answer)));
        });
    if let Err(e) = spawned {
        state.world.status = Some(crate::tui::state::Status {
            text: format!("cannot start the profiles check: {e}; restart rolescope"),
            error: true,
        });
    }
}

/// Runs until quit; `Some(signal)` when a termination signal ended it.
///
/// The loop is plain threads and one channel, not tokio: input, signals, the search
/// worker and the graph and profile jobs each send [`AppEvent`]s, and the loop drains them,
/// applies them and draws once, waking only for an event or the next second of the
/// simulated clock. Measured idle on the demo (debug build, 120×40 in tmux, 10 s): no CPU
/// time at all (0 ticks of /proc/PID/stat at 100 Hz), five threads. An async loop
/// (crossterm's `EventStream` under `tokio::select!`) would add a runtime without removing
/// a thread or a line of job handling, since the jobs are CPU-bound and already run off
/// the loop; tokio stays in the package for `collect`, which waits on the network.
fn event_loop(state: &mut AppState) -> std::io::Result<Option<i32>> {
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    terminal.clear()?;
    let (tx, rx) = channel::<AppEvent>();
    let search_tx = tx.clone();
    let worker = Worker::spawn(state.world.indexes.to_vec(), move |r| {
        let _ = search_tx.send(AppEvent::Search(r));
    })?;
    let mut stop = Arc::new(AtomicBool::new(false));
    let mut input = event::spawn_input(tx.clone(), Arc::clone(&stop))?;
    let input_tx = tx.clone();
    let signals = event::spawn_signals(tx)?;
    let started = Instant::now();
    let size = terminal.size()?;
    update::apply(state, Command::Resize(size.width, size.height));
    let result = (|| -> std::io::Result<Option<i32>> {
        loop {
            if state.world.dirty {
                terminal.draw(|f| ui::render(f, state))?;
                state.world.dirty = false;
            }
            let wait = state
                .clock
                .until_next_second(started.elapsed())
                .map_or(IDLE_WAIT, |d| d.max(MIN_FRAME));
            let mut events = Vec::new();
            match rx.recv_timeout(wait) {
                Ok(ev) => events.push(ev),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(None),
            }
            // Coalesce bursts: everything already queued is handled before drawing once.
            while let Ok(ev) = rx.try_recv() {
                events.push(ev);
            }
            let before = state.world.status.clone();
            let batch = take_batch(state, events, started.elapsed());
            if let Some(e) = batch.error {
                tracing::error!("terminal input failed: {e}");
                return Err(std::io::Error::other(e));
            }
            if let Some(s) = &state.world.status
                && s.error
                && before.as_ref() != Some(s)
            {
                tracing::warn!("{}", s.text);
            }
            for fx in batch.effects {
                match fx {
                    Effect::Search(r) => worker.send(r),
                    Effect::Reindex(indexes) => worker.replace(indexes),
                    Effect::Clipboard(text) => {
                        let mut out = std::io::stdout();
                        write!(out, "\x1b]52;c;{}\x07", base64(text.as_bytes()))?;
                        out.flush()?;
                    }
                    Effect::ExternalEdit {
                        role,
                        kind,
                        name,
                        text,
                    } => {
                        // The editor gets the real terminal and the keyboard: the input
                        // thread stops reading first (within half a second) and a new one
                        // starts afterwards; ours comes back whatever the editor did.
                        stop.store(true, Ordering::Relaxed);
                        let old = std::mem::replace(
                            &mut input,
                            std::thread::Builder::new().spawn(|| {})?,
                        );
                        let _ = old.join();
                        restore();
                        event::lend_terminal(true);
                        let result = crate::tui::editor::run_external(
                            crate::tui::editor::configured().as_deref(),
                            &name,
                            &text,
                        );
                        event::lend_terminal(false);
                        // The window may have been resized while the editor ran.
                        take_back(&mut terminal, state)?;
                        stop = Arc::new(AtomicBool::new(false));
                        input = event::spawn_input(input_tx.clone(), Arc::clone(&stop))?;
                        // The edit's follow-up questions to the trust graph.
                        for fx in update::apply(state, Command::EditorDone { role, kind, result }) {
                            if let Effect::Access(job) = fx {
                                spawn_access(state, *job, input_tx.clone());
                            }
                        }
                        state.world.dirty = true;
                    }
                    Effect::Access(job) => spawn_access(state, *job, input_tx.clone()),
                    Effect::Profiles(job) => spawn_profiles(state, *job, input_tx.clone()),
                    Effect::Suspend => suspend(&mut terminal, state)?,
                    Effect::Quit => return Ok(batch.terminate),
                }
            }
            if batch.resumed {
                take_back(&mut terminal, state)?;
            }
            if state.world.quit || batch.terminate.is_some() {
                return Ok(batch.terminate);
            }
        }
    })();
    stop.store(true, Ordering::Relaxed);
    signals.close();
    // The input thread notices `stop` within half a second; quitting does not wait for it.
    drop(input);
    drop(worker);
    result
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_rfc4648_test_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want);
        }
    }
}
