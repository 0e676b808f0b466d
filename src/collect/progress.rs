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
    lines: Vec<Line>,
    /// The id of the next running call.
    next_id: u64,
    /// How many lines are on screen below the messages, to move back over them.
    drawn: usize,
}

/// One slot's line: the calls running now, or the last word when none is.
struct Line {
    label: String,
    text: String,
    running: Vec<(u64, String)>,
}

impl Line {
    fn render(&self) -> String {
        if self.running.is_empty() {
            return format!("{}: {}", self.label, self.text);
        }
        let calls: Vec<&str> = self.running.iter().map(|(_, t)| t.as_str()).collect();
        format!("{}: {}", self.label, calls.join(", "))
    }
}

/// A call shown on its slot's line while it runs; dropping it takes it off.
pub struct Running {
    slot: Slot,
    id: u64,
}

impl Running {
    /// Replaces what the line says about this call (pages and counts so far).
    pub fn update(&self, text: &str) {
        self.slot.edit(|l| {
            if let Some(e) = l.running.iter_mut().find(|(i, _)| *i == self.id) {
                e.1 = text.to_owned();
            }
        });
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let id = self.id;
        self.slot.edit(|l| l.running.retain(|(i, _)| *i != id));
    }
}

/// A handle on one line of the display.
#[derive(Clone)]
pub struct Slot {
    progress: Progress,
    index: usize,
}

impl Progress {
    /// `live`: redraw the per-account lines (stderr is a terminal).
    #[must_use]
    pub fn new(live: bool) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Lines {
                live,
                lines: Vec::new(),
                next_id: 0,
                drawn: 0,
            })),
        }
    }

    /// Opens a line for `label` (an account id and name, or `organisation`).
    #[must_use]
    pub fn slot(&self, label: String) -> Slot {
        let mut l = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        l.lines.push(Line {
            label,
            text: "starting".to_owned(),
            running: Vec::new(),
        });
        let index = l.lines.len() - 1;
        l.draw();
        Slot {
            progress: self.clone(),
            index,
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
            let shown: String = line.render().chars().take(width).collect();
            let _ = writeln!(err, "{shown}");
        }
        let _ = err.flush();
        self.drawn = self.lines.len();
    }
}

impl Slot {
    fn edit(&self, f: impl FnOnce(&mut Line)) {
        let mut l = self
            .progress
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(line) = l.lines.get_mut(self.index) {
            f(line);
        }
        l.draw();
    }

    /// Replaces what the line says when no call is running.
    pub fn set(&self, text: &str) {
        self.edit(|l| text.clone_into(&mut l.text));
    }

    /// Shows `text` on the line while the returned guard lives.
    #[must_use]
    pub fn begin(&self, text: &str) -> Running {
        let id = {
            let mut l = self
                .progress
                .inner
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            l.next_id += 1;
            l.next_id
        };
        self.edit(|l| l.running.push((id, text.to_owned())));
        Running {
            slot: self.clone(),
            id,
        }
    }

    /// Prints a message line above the live lines.
    pub fn message(&self, text: &str) {
        self.progress.message(text);
    }
}
