//! Styles by meaning, in three palettes: dark (for dark terminals, the default), light
//! (for light ones) and high-contrast (for projectors: white and bright colours on black,
//! nothing dimmed; presenter mode uses it unless the configuration says otherwise). With
//! `NO_COLOR` set, every style falls back to modifiers only (bold, underline, reverse,
//! dim) whatever the palette; nothing on screen relies on colour alone — states,
//! decisions and warnings also carry words or marks.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};

use crate::tui::widgets::text::Tok;

/// The colour palettes a user can choose (`--theme`, `[explorer] theme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Palette {
    /// Colours for a dark terminal background.
    #[default]
    Dark,
    /// Colours for a light terminal background.
    Light,
    /// White and bright colours on black, nothing dimmed: for projectors.
    HighContrast,
}

impl Palette {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Dark => "dark",
            Self::Light => "light",
            Self::HighContrast => "high-contrast",
        }
    }
}

/// The styles the screens use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub palette: Palette,
}

/// Dark orange: warnings and literals on a light background, where yellow cannot be read.
const AMBER: Color = Color::Indexed(130);
/// Dark green: strings and successes on a light background.
const FOREST: Color = Color::Indexed(28);

impl Theme {
    /// The dark palette, coloured unless `NO_COLOR` is set to a non-empty value
    /// (<https://no-color.org>).
    #[must_use]
    pub fn from_env() -> Self {
        Self::new(Palette::Dark, !no_color_env())
    }

    /// `palette`, in colour when `color`.
    #[must_use]
    pub fn new(palette: Palette, color: bool) -> Self {
        Self { color, palette }
    }

    /// Modifiers only, no colour.
    #[must_use]
    pub fn mono() -> Self {
        Self::new(Palette::Dark, false)
    }

    /// `dark`, `light` and `high-contrast` colour styles, or the monochrome one.
    fn by(self, dark: Style, light: Style, high: Style, mono: Style) -> Style {
        match (self.color, self.palette) {
            (false, _) => mono,
            (true, Palette::Dark) => dark,
            (true, Palette::Light) => light,
            (true, Palette::HighContrast) => high,
        }
    }

    /// Gives every cell drawn on the terminal's own colours the palette's ground: white on
    /// black in high-contrast, whatever the terminal's background; nothing otherwise.
    pub fn ground(self, buf: &mut Buffer) {
        if !(self.color && self.palette == Palette::HighContrast) {
            return;
        }
        for cell in &mut buf.content {
            if cell.bg == Color::Reset {
                cell.bg = Color::Black;
            }
            if cell.fg == Color::Reset {
                cell.fg = Color::White;
            }
            cell.modifier.remove(Modifier::DIM);
        }
    }

    #[must_use]
    pub fn title(self) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        self.by(
            bold.fg(Color::Cyan),
            bold.fg(Color::Blue),
            bold.fg(Color::White).add_modifier(Modifier::UNDERLINED),
            bold,
        )
    }

    #[must_use]
    pub fn border(self, focused: bool) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        if focused {
            self.by(
                Style::new().fg(Color::Cyan),
                Style::new().fg(Color::Blue),
                bold.fg(Color::LightYellow),
                bold,
            )
        } else {
            self.by(
                Style::new().fg(Color::DarkGray),
                Style::new().fg(Color::DarkGray),
                Style::new().fg(Color::White),
                Style::new(),
            )
        }
    }

    #[must_use]
    pub fn selected(self) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        self.by(
            bold.bg(Color::Blue).fg(Color::White),
            bold.bg(Color::Blue).fg(Color::White),
            // Blue, not white: the bright colours of badges and matches stay readable on it.
            bold.bg(Color::Blue).fg(Color::White),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    }

    /// Matched characters of a search hit.
    #[must_use]
    pub fn matched(self) -> Style {
        let strong = Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        self.by(
            strong.fg(Color::Yellow),
            strong.fg(Color::Magenta),
            strong.fg(Color::LightYellow),
            strong,
        )
    }

    #[must_use]
    pub fn dim(self) -> Style {
        self.by(
            Style::new().fg(Color::DarkGray),
            Style::new().fg(Color::DarkGray),
            // Nothing faint on a projector: secondary text is plain white.
            Style::new().fg(Color::White),
            Style::new().add_modifier(Modifier::DIM),
        )
    }

    #[must_use]
    pub fn key(self) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        self.by(
            bold.fg(Color::Yellow),
            bold.fg(Color::Magenta),
            bold.fg(Color::LightYellow),
            bold,
        )
    }

    #[must_use]
    pub fn warn(self) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        self.by(
            Style::new().fg(Color::Yellow),
            Style::new().fg(AMBER),
            bold.fg(Color::LightYellow),
            bold,
        )
    }

    #[must_use]
    pub fn error(self) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        self.by(
            bold.fg(Color::Red),
            bold.fg(Color::Red),
            bold.fg(Color::LightRed),
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        )
    }

    #[must_use]
    pub fn ok(self) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        self.by(
            bold.fg(Color::Green),
            bold.fg(FOREST),
            bold.fg(Color::LightGreen),
            bold,
        )
    }

    #[must_use]
    pub fn badge(self) -> Style {
        self.by(
            Style::new().fg(Color::Magenta),
            Style::new().fg(Color::Magenta),
            Style::new().fg(Color::LightMagenta),
            Style::new(),
        )
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
        let fg = |dark: Color, light: Color, high: Color| {
            let c = match self.palette {
                Palette::Dark => dark,
                Palette::Light => light,
                Palette::HighContrast => high,
            };
            Style::new().fg(c)
        };
        match tok {
            Tok::Key => fg(Color::Cyan, Color::Blue, Color::LightCyan),
            Tok::Str => fg(Color::Green, FOREST, Color::LightGreen),
            Tok::Num => fg(Color::Magenta, Color::Magenta, Color::LightMagenta),
            Tok::Lit => fg(Color::Yellow, AMBER, Color::LightYellow),
            Tok::Punct => fg(Color::DarkGray, Color::DarkGray, Color::White),
            Tok::Heading => fg(Color::Blue, Color::Blue, Color::White).add_modifier(Modifier::BOLD),
            Tok::Problem => fg(Color::Red, Color::Red, Color::LightRed),
            Tok::Plain => Style::new(),
        }
    }
}

/// True when `NO_COLOR` is set to a non-empty value.
#[must_use]
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
