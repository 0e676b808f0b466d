//! The screen as plain text: the frame the state draws, cell by cell, each row with its
//! trailing blanks trimmed (what a teacher pastes into notes or a handout). `Ctrl-O` saves
//! it to a new file in the working directory; nothing existing is overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::tui::state::AppState;

/// The frame `state` draws at its size, as text.
#[must_use]
pub fn text(state: &AppState) -> String {
    let (w, h) = (state.world.width.max(1), state.world.height.max(1));
    let Ok(mut term) = Terminal::new(TestBackend::new(w, h));
    if term.draw(|f| crate::tui::ui::render(f, state)).is_err() {
        return String::new();
    }
    let buffer = term.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut row = String::new();
        for x in 0..w {
            row.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

/// Saves `screen` as a new file in `dir`, named after the simulated time (`-2`, `-3`… when
/// that name is taken). The path written.
///
/// # Errors
/// Why the file could not be written.
pub fn save_in(dir: &Path, stem: &str, screen: &str) -> std::io::Result<PathBuf> {
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}.txt")
        } else {
            format!("{stem}-{n}.txt")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(screen.as_bytes())?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(
        "a thousand screen files of that name already exist; move some away",
    ))
}

/// `Ctrl-O`: saves the screen as text in the working directory and says where.
pub fn save(state: &mut AppState) {
    let screen = text(state);
    let stem = format!(
        "rolescope-screen-{}",
        state.world.now.format("%Y%m%d-%H%M%S")
    );
    match save_in(Path::new("."), &stem, &screen) {
        Ok(path) => {
            let msg = format!("screen saved as text: {}", path.display());
            state.world.note(msg.clone());
            state.world.say(msg, false);
        }
        Err(e) => state
            .world
            .say(format!("cannot save the screen: {e}"), true),
    }
}
