//! The help screen: every key that works on the screen it was opened from first, then the
//! keys that work everywhere, then every other screen's. The app hands it the sections (the
//! key tables the keys are dispatched by, with the configuration's remapped keys) when it
//! opens; it only scrolls and draws them.

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::command::Command;
use crate::tui::keys::{Binding, b, c, k};
use crate::tui::outcome::{Outcome, clamp_add, movement};
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::centered;
use crate::tui::world::World;

/// One titled table of keys.
#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    /// True for the keys that work on the screen help was opened from.
    pub here: bool,
    pub bindings: Vec<Binding>,
}

impl Section {
    #[must_use]
    pub fn new(title: String, bindings: Vec<Binding>, here: bool) -> Self {
        Self {
            title,
            here,
            bindings,
        }
    }
}

/// The help screen's state.
#[derive(Debug, Clone)]
pub struct Help {
    pub scroll: usize,
    pub sections: Vec<Section>,
}

impl Help {
    /// Help over these sections, first one first.
    #[must_use]
    pub fn new(sections: Vec<Section>) -> Self {
        Self {
            scroll: 0,
            sections,
        }
    }

    /// The entries that work on the screen help was opened from.
    pub fn here(&self) -> impl Iterator<Item = &Binding> {
        self.sections
            .iter()
            .filter(|s| s.here)
            .flat_map(|s| &s.bindings)
    }

    /// Every line of help.
    #[must_use]
    pub fn lines(&self, theme: Theme) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        for (i, s) in self.sections.iter().enumerate() {
            if i > 0 {
                out.push(Line::raw(""));
            }
            out.push(Line::styled(s.title.clone(), theme.title()));
            for b in &s.bindings {
                out.push(Line::from(vec![
                    Span::styled(format!("  {:<10}", b.label), theme.key()),
                    Span::raw(b.help),
                ]));
            }
        }
        out
    }

    fn line_count(&self) -> usize {
        self.sections.iter().map(|s| s.bindings.len() + 2).sum()
    }

    pub fn handle(&mut self, command: &Command, world: &World) -> Outcome {
        let shown = usize::from(world.height.saturating_sub(4)).max(1);
        if let Some(delta) = movement(command, shown) {
            // Scrolls until the last line shows at the bottom of the box.
            let n = self.line_count();
            self.scroll = clamp_add(self.scroll, delta, n.saturating_sub(shown) + 1);
            return Outcome::Done;
        }
        match command {
            Command::Back | Command::Open | Command::ToggleHelp => Outcome::Close,
            _ => Outcome::Ignored,
        }
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        let r = centered(area, 72, area.height.saturating_sub(2));
        frame.render_widget(Clear, r);
        let all = self.lines(theme);
        let skip = self.scroll.min(all.len().saturating_sub(1));
        frame.render_widget(
            Paragraph::new(all.into_iter().skip(skip).collect::<Vec<_>>()).block(
                Block::bordered()
                    .title(" Help — keys (Esc closes, j/k scroll) ")
                    .border_style(theme.border(true)),
            ),
            r,
        );
    }
}

/// The help screen's keys.
#[must_use]
pub fn keys() -> Vec<Binding> {
    vec![
        b(
            vec![c('j'), k(KeyCode::Down)],
            "j/↓",
            "scroll",
            true,
            Command::Down,
        ),
        b(
            vec![c('k'), k(KeyCode::Up)],
            "k/↑",
            "scroll back",
            false,
            Command::Up,
        ),
        b(
            vec![k(KeyCode::PageDown)],
            "PgDn",
            "page down",
            false,
            Command::PageDown,
        ),
        b(
            vec![k(KeyCode::PageUp)],
            "PgUp",
            "page up",
            false,
            Command::PageUp,
        ),
        b(
            vec![k(KeyCode::Esc), c('?'), c('q')],
            "Esc/?",
            "close help",
            true,
            Command::Back,
        ),
    ]
}
