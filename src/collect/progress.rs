//! What the collector shows while it works: one live line per account on stderr when stderr
//! is a terminal, and every failure as one line as it happens (terminal or not).

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// The shared display. Cheap to clone; every account task holds one.
#[derive(Clone)]
pub struct Progress {
    inner: Arc<Mutex<Lines>>,
}

struct Lines {
    live: bool,
    /// One line per slot (an account, or the organisation), in the order they were opened.
    lines: Vec<String>,
    /// How many lines are on screen below the messages, to move back over them.
    drawn: usize,
}

/// A handle on one line of the display.
#[derive(Clone)]
pub struct Slot {
    progress: Progress,
    index: usize,
    label: String,
}

impl Progress {
    /// `live`: redraw the per-account lines (stderr is a terminal).
    #[must_use]
    pub fn new(live: bool) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Lines {
                live,
                lines: Vec::new(),
                drawn: 0,
            })),
        }
    }

    /// Opens a line for `label` (an account id and name, or `organisation`).
    #[must_use]
    pub fn slot(&self, label: String) -> Slot {
        let mut l = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        l.lines.push(format!("{label}: starting"));
        let index = l.lines.len() - 1;
        l.draw();
        Slot {
            progress: self.clone(),
            index,
            label,
        }
    }

    /// Prints a message line above the live lines.
    pub fn message(&self, text: &str) {
        let mut l = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        l.clear();
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{text}");
        drop(err);
        l.draw();
    }

    /// Removes the live lines before the summary.
    pub fn finish(&self) {
        let mut l = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        l.clear();
        l.live = false;
    }
}

impl Lines {
    fn clear(&mut self) {
        if !self.live || self.drawn == 0 {
            return;
        }
        let mut err = std::io::stderr().lock();
        // Up over the drawn lines, then erase to the end of the screen.
        let _ = write!(err, "\x1b[{}F\x1b[J", self.drawn);
        let _ = err.flush();
        self.drawn = 0;
    }

    fn draw(&mut self) {
        if !self.live {
            return;
        }
        self.clear();
        let width = crossterm::terminal::size().map_or(100, |(w, _)| usize::from(w.max(20)) - 1);
        let mut err = std::io::stderr().lock();
        for line in &self.lines {
            let shown: String = line.chars().take(width).collect();
            let _ = writeln!(err, "{shown}");
        }
        let _ = err.flush();
        self.drawn = self.lines.len();
    }
}

impl Slot {
    /// Replaces the line's text after the label.
    pub fn set(&self, text: &str) {
        let mut l = self
            .progress
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(line) = l.lines.get_mut(self.index) {
            *line = format!("{}: {text}", self.label);
        }
        l.draw();
    }

    /// Prints a message line above the live lines.
    pub fn message(&self, text: &str) {
        self.progress.message(text);
    }
}
