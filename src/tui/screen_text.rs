//! The screen as plain text or as an SVG picture: the frame the state draws, drawn again
//! off screen and written by [`svg`](crate::tui::svg) (text: each row with its trailing
//! blanks trimmed, what a teacher pastes into notes or a handout; SVG: the colours too).
//! `Ctrl-O` saves the text, `Ctrl-G` the picture, each to a new file in the folder screens
//! are saved to (the working directory unless set); nothing existing is overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use crate::tui::state::AppState;
use crate::tui::svg::Ground;

/// The frame `state` draws at its size.
#[must_use]
pub fn buffer(state: &AppState) -> Buffer {
    let (w, h) = (state.world.width.max(1), state.world.height.max(1));
    let Ok(mut term) = Terminal::new(TestBackend::new(w, h));
    if term.draw(|f| crate::tui::ui::render(f, state)).is_err() {
        return Buffer::empty(ratatui::layout::Rect::new(0, 0, w, h));
    }
    term.backend().buffer().clone()
}

/// The frame `state` draws at its size, as text.
#[must_use]
pub fn text(state: &AppState) -> String {
    crate::tui::svg::to_text(&buffer(state))
}

/// The frame `state` draws at its size, as an SVG picture on the ground of the palette on
/// screen.
#[must_use]
pub fn svg(state: &AppState) -> String {
    crate::tui::svg::to_svg(&buffer(state), ground(state))
}

fn ground(state: &AppState) -> Ground {
    let palette = if state.world.teach.presenter {
        state.world.presenter_palette
    } else {
        state.world.palette
    };
    Ground::of(palette)
}

/// Saves `screen` as a new file `STEM.EXT` in `dir` (`STEM-2.EXT`, `-3`… when that name
/// is taken). The path written.
///
/// # Errors
/// Why the file could not be written.
pub fn save_in(dir: &Path, stem: &str, ext: &str, screen: &str) -> std::io::Result<PathBuf> {
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
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

/// `Ctrl-O` (text) and `Ctrl-G` (SVG): saves the screen, named after the simulated time,
/// in the folder screens are saved to, and says where.
pub fn save(state: &mut AppState, svg: bool) {
    let (screen, ext, what) = if svg {
        (self::svg(state), "svg", "an SVG picture")
    } else {
        (text(state), "txt", "text")
    };
    let stem = format!(
        "rolescope-screen-{}",
        state.world.now.format("%Y%m%d-%H%M%S")
    );
    let dir = state
        .world
        .teach
        .screens_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("."));
    match save_in(&dir, &stem, ext, &screen) {
        Ok(path) => {
            let msg = format!("screen saved as {what}: {}", path.display());
            state.world.note(msg.clone());
            state.world.say(msg, false);
        }
        Err(e) => state.world.say(
            format!(
                "cannot save the screen in `{}`: {e}; check that the folder exists and is writable",
                dir.display()
            ),
            true,
        ),
    }
}
