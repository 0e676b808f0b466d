//! Styles by meaning. With `NO_COLOR` set, every style falls back to modifiers only
//! (bold, underline, reverse, dim); nothing on screen relies on colour alone — states,
//! decisions and warnings also carry words or marks.

use ratatui::style::{Color, Modifier, Style};

use crate::tui::state::Tok;

/// The styles the screens use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
    #[must_use]
    pub fn from_env() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self { color: !no_color }
    }

    fn pick(self, color: Style, mono: Style) -> Style {
        if self.color { color } else { mono }
    }

    #[must_use]
    pub fn title(self) -> Style {
        self.pick(
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    #[must_use]
    pub fn border(self, focused: bool) -> Style {
        match (focused, self.color) {
            (true, true) => Style::new().fg(Color::Cyan),
            (true, false) => Style::new().add_modifier(Modifier::BOLD),
            (false, true) => Style::new().fg(Color::DarkGray),
            (false, false) => Style::new(),
        }
    }

    #[must_use]
    pub fn selected(self) -> Style {
        self.pick(
            Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    }

    /// Matched characters of a search hit.
    #[must_use]
    pub fn matched(self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }

    #[must_use]
    pub fn dim(self) -> Style {
        self.pick(
            Style::new().fg(Color::DarkGray),
            Style::new().add_modifier(Modifier::DIM),
        )
    }

    #[must_use]
    pub fn key(self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    #[must_use]
    pub fn warn(self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    #[must_use]
    pub fn error(self) -> Style {
        self.pick(
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        )
    }

    #[must_use]
    pub fn ok(self) -> Style {
        self.pick(
            Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    #[must_use]
    pub fn badge(self) -> Style {
        self.pick(Style::new().fg(Color::Magenta), Style::new())
    }

    /// A JSON token's style.
    #[must_use]
    pub fn token(self, tok: Tok) -> Style {
        if !self.color {
            return match tok {
                Tok::Heading | Tok::Key => Style::new().add_modifier(Modifier::BOLD),
                Tok::Problem => Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                _ => Style::new(),
            };
        }
        match tok {
            Tok::Key => Style::new().fg(Color::Cyan),
            Tok::Str => Style::new().fg(Color::Green),
            Tok::Num => Style::new().fg(Color::Magenta),
            Tok::Lit => Style::new().fg(Color::Yellow),
            Tok::Punct => Style::new().fg(Color::DarkGray),
            Tok::Heading => Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            Tok::Problem => Style::new().fg(Color::Red),
            Tok::Plain => Style::new(),
        }
    }
}
