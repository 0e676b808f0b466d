//! Lessons: the index of every lesson on offer (a classroom pack's, or the built-in ones)
//! in order, with its summary and the one being played marked ([`LessonIndex`], a pop-up);
//! and the lesson being played ([`play`](mod@play): its teaching keys and steps, drawn beside the
//! live screens by [`narrative`]). The lesson's own state lives in the shared world
//! ([`Teach`](crate::tui::teach::Teach)), since every screen shows it; what a step asks of
//! other screens (a role opened, a pane brought forward) goes to the app as an
//! [`Outcome::LessonStep`].

pub mod exercise;
pub mod narrative;
pub mod play;
pub mod recap;

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::engine::lesson::Lesson;
use crate::tui::command::Command;
use crate::tui::keys::{Binding, b, esc_key, k, movement as movement_keys};
use crate::tui::outcome::{Outcome, clamp_add, movement};
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::{ellipsize, selectable};
use crate::tui::world::World;
use crossterm::event::KeyCode;

pub use exercise::watch;
pub use play::{hints, keep_session, key, play, start};

/// The lesson index pop-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonIndex {
    pub selected: usize,
}

impl LessonIndex {
    /// Opens the index, loading the built-in lessons on first use.
    ///
    /// # Errors
    /// Why the lessons could not be read.
    pub fn open(world: &mut World) -> Result<Self, String> {
        catalog(world).map(|_| Self { selected: 0 })
    }

    /// Moves, starts the selected lesson, or closes.
    pub fn handle(&mut self, command: &Command, world: &mut World) -> Outcome {
        if let Some(delta) = movement(
            command,
            crate::tui::widgets::pane::popup_rows(world.width, world.height),
        ) {
            let n = catalog(world).map_or(0, |l| l.len());
            self.selected = clamp_add(self.selected, delta, n);
            return Outcome::Done;
        }
        match command {
            Command::Open => start_selected(world, self.selected),
            Command::Back => Outcome::Close,
            _ => Outcome::Ignored,
        }
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, world: &World, theme: Theme) {
        render(frame, area, world, self, theme);
    }
}

/// `q` during a lesson: the first asks for a second (the lesson's progress would be lost),
/// the second quits. True when the app may quit now.
pub fn quit_confirmed(world: &mut World) -> bool {
    let Some(l) = &world.teach.lesson else {
        return true;
    };
    if world.teach.confirm_quit || matches!(l.after, crate::tui::teach::After::Recap) {
        return true;
    }
    world.teach.confirm_quit = true;
    let (done, total) = l.progress();
    world.say(
        format!(
            "quit in the middle of the lesson ({done} of {total} done)? q again quits, any other key stays"
        ),
        true,
    );
    false
}

/// The lesson index's keys.
#[must_use]
pub fn keys() -> Vec<Binding> {
    let mut t = vec![b(
        vec![k(KeyCode::Enter)],
        "Enter",
        "start this lesson",
        true,
        Command::Open,
    )];
    t.extend(movement_keys());
    t.push(esc_key("close"));
    t
}

/// The lessons the index lists, loading the built-in ones on first use.
///
/// # Errors
/// Why the lessons could not be read.
pub fn catalog(world: &mut World) -> Result<Arc<Vec<Lesson>>, String> {
    if world.teach.catalog.is_none() {
        world.teach.catalog = Some(
            crate::engine::lesson::builtin()
                .map(Arc::new)
                .map_err(|e| e.to_string()),
        );
    }
    match &world.teach.catalog {
        Some(Ok(l)) => Ok(Arc::clone(l)),
        Some(Err(e)) => Err(e.clone()),
        None => Err("no lessons".to_owned()),
    }
}

/// Enter in the index: starts the selected lesson (replacing one being played) and closes
/// every pop-up.
fn start_selected(world: &mut World, selected: usize) -> Outcome {
    let lessons = match catalog(world) {
        Ok(l) => l,
        Err(e) => {
            world.say(e, true);
            return Outcome::Done;
        }
    };
    let Some(lesson) = lessons.get(selected).cloned() else {
        return Outcome::Done;
    };
    let replaced = world
        .teach
        .lesson
        .as_ref()
        .map(|l| l.player.lesson().title.clone());
    let title = lesson.title.clone();
    start(world, lesson);
    world.note(match replaced {
        Some(old) => format!("lesson `{title}` started (`{old}` left)"),
        None => format!("lesson `{title}` started"),
    });
    world.say(
        format!("lesson `{title}`: ] plays the first step, L hides the narrative"),
        false,
    );
    Outcome::CloseAll(Vec::new())
}

fn render(frame: &mut Frame<'_>, area: Rect, world: &World, ix: &LessonIndex, theme: Theme) {
    let r = crate::tui::widgets::pane::popup_rect(area);
    frame.render_widget(Clear, r);
    let lessons = match &world.teach.catalog {
        Some(Ok(l)) => l.as_slice(),
        _ => &[],
    };
    let source = lessons.first().map_or("", |l| {
        if l.source.starts_with("built-in") {
            "built-in"
        } else {
            "classroom pack"
        }
    });
    let block = Block::bordered()
        .title(Span::styled(
            format!(" Lessons ({} {source}) — Enter starts one ", lessons.len()),
            theme.title(),
        ))
        .border_style(theme.border(true));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let playing = world
        .teach
        .lesson
        .as_ref()
        .map(|l| (l.player.lesson().name.clone(), l.progress()));
    let mut lines = Vec::new();
    let mut selected_line = 0;
    let width = usize::from(inner.width);
    for (i, l) in lessons.iter().enumerate() {
        let sel = i == ix.selected;
        if sel {
            selected_line = lines.len();
        }
        let mark = if sel { "▶ " } else { "  " };
        let progress = match (&playing, world.teach.finished.get(&l.name)) {
            (Some((name, (done, total))), _) if *name == l.name => {
                format!("  (playing: {done} of {total})")
            }
            (_, Some((points, out_of))) => format!("  ✓ done, {points} of {out_of} points"),
            _ => String::new(),
        };
        lines.push(selectable(
            Line::from(vec![
                Span::raw(format!("{mark}{:>2}. ", i + 1)),
                Span::styled(l.title.clone(), theme.key()),
                Span::styled(
                    format!("  {} · {} steps{progress}", l.name, l.steps.len()),
                    theme.dim(),
                ),
            ]),
            sel,
            theme,
        ));
        lines.push(Line::raw(ellipsize(&format!("      {}", l.summary), width)));
        let meta = l.metadata();
        if !meta.is_empty() {
            lines.push(Line::styled(
                ellipsize(&format!("      {meta}"), width),
                theme.dim(),
            ));
        }
    }
    if lessons.is_empty() {
        lines.push(Line::styled(
            "no lessons to list: put *.toml lessons in a classroom pack's lessons/ folder",
            theme.dim(),
        ));
    }
    // Keep the selected lesson on screen.
    let rows = usize::from(inner.height).max(1);
    let scroll = (selected_line + 3).saturating_sub(rows);
    frame.render_widget(
        Paragraph::new(lines).scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        inner,
    );
}
