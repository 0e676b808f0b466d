//! The `:` command line, as k9s has it: `:roles`, `:users`, `:groups`, `:providers`,
//! `:sessions`, `:lessons`, `:external`, `:whatif`, `:profiles`, `:help`, `:theme NAME`,
//! `:q`/`:quit`. Tab completes the command name, a line below the box lists the commands
//! that match what is typed, Enter runs it (a unique beginning is enough), Esc cancels, and
//! an unknown command is named with the list of those that exist. A command runs as its key
//! would: the screen closes and hands the app the [`Command`] through its outcome.

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::command::Command;
use crate::tui::keys::{Binding, b, k, text_keys};
use crate::tui::outcome::Outcome;
use crate::tui::theme::{Palette, Theme};
use crate::tui::world::World;

/// The commands, with what each does (also the suggestion line and help).
pub const COMMANDS: [(&str, &str); 13] = [
    ("roles", "the roles list"),
    ("users", "the users list"),
    ("groups", "the groups list"),
    ("providers", "the identity providers list"),
    ("sessions", "the Sessions panel"),
    ("lessons", "the lesson index"),
    ("external", "external access findings and confused deputies"),
    ("whatif", "the what-if edits and who gained or lost access"),
    ("profiles", "your AWS CLI profiles"),
    ("help", "the keys of the screen below"),
    (
        "theme",
        "colours: theme dark, theme light, theme high-contrast",
    ),
    ("quit", "quit (as q does)"),
    ("q", "quit (as q does)"),
];

/// The palettes `:theme` knows, by name.
const THEMES: [Palette; 3] = [Palette::Dark, Palette::Light, Palette::HighContrast];

/// The command line's state: the text typed, and why the last Enter did nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandLine {
    pub text: String,
    pub problem: Option<String>,
}

/// The names of every command, for messages.
fn names() -> String {
    COMMANDS
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| *n != "q")
        .collect::<Vec<_>>()
        .join(", ")
}

/// The commands whose name begins with `word`.
fn matching(word: &str) -> Vec<(&'static str, &'static str)> {
    COMMANDS
        .iter()
        .copied()
        .filter(|(n, _)| n.starts_with(word))
        .collect()
}

/// The command `name` stands for: itself, or the one command it begins.
fn resolve(name: &str) -> Option<&'static str> {
    if let Some((n, _)) = COMMANDS.iter().find(|(n, _)| *n == name) {
        return Some(*n);
    }
    match matching(name).as_slice() {
        [(n, _)] => Some(*n),
        _ => None,
    }
}

/// What `text` asks for, or what is wrong with it.
///
/// # Errors
/// An unknown or ambiguous command, or a theme that does not exist, in words, with the
/// choices.
pub fn parse(text: &str) -> Result<Command, String> {
    let mut words = text.split_whitespace();
    let Some(word) = words.next() else {
        return Err(format!("type a command: {}", names()));
    };
    let arg = words.next();
    let Some(name) = resolve(word) else {
        let close = matching(word);
        return Err(if close.is_empty() {
            format!("unknown command `{word}`; the commands: {}", names())
        } else {
            format!(
                "`{word}` could be {}; type more of it",
                close.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            )
        });
    };
    let theme_names = || {
        THEMES
            .iter()
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Ok(match name {
        "roles" => Command::SelectTab(0),
        "users" => Command::SelectTab(1),
        "groups" => Command::SelectTab(2),
        "providers" => Command::SelectTab(3),
        "sessions" => Command::ShowSessions,
        "lessons" => Command::LessonIndex,
        "external" => Command::External,
        "whatif" => Command::WhatIf,
        "profiles" => Command::Profiles,
        "help" => Command::ToggleHelp,
        "quit" | "q" => Command::Leave,
        _ => {
            // `theme`
            let Some(arg) = arg else {
                return Err(format!("theme needs a name: {}", theme_names()));
            };
            match THEMES.iter().find(|p| p.name() == arg) {
                Some(p) => Command::SetTheme(*p),
                None => {
                    return Err(format!(
                        "no theme is called `{arg}`; the themes: {}",
                        theme_names()
                    ));
                }
            }
        }
    })
}

impl CommandLine {
    /// The commands that match the first word typed (every one when nothing is typed).
    #[must_use]
    pub fn suggestions(&self) -> Vec<(&'static str, &'static str)> {
        let word = self.text.split_whitespace().next().unwrap_or("");
        if self.text.contains(' ') {
            // The command is chosen; its own line says what it takes.
            return resolve(word)
                .and_then(|n| COMMANDS.iter().copied().find(|(c, _)| *c == n))
                .into_iter()
                .collect();
        }
        matching(word)
    }

    /// Tab: completes the command name as far as the commands that match agree.
    fn complete(&mut self) {
        if self.text.contains(' ') {
            return;
        }
        let found = matching(self.text.trim());
        let Some((first, _)) = found.first() else {
            self.problem = Some(format!(
                "unknown command `{}`; the commands: {}",
                self.text.trim(),
                names()
            ));
            return;
        };
        let common = found.iter().fold((*first).to_owned(), |acc, (n, _)| {
            acc.chars()
                .zip(n.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect()
        });
        self.text = common;
        if found.len() == 1 && self.text == "theme" {
            self.text.push(' ');
        }
    }

    pub fn handle(&mut self, command: &Command, _world: &mut World) -> Outcome {
        match command {
            Command::Input(ch) => {
                self.text.push(*ch);
                self.problem = None;
            }
            Command::Paste(text) => {
                self.text.push_str(text);
                self.problem = None;
            }
            Command::Backspace => {
                self.text.pop();
                self.problem = None;
            }
            Command::ClearInput => {
                self.text.clear();
                self.problem = None;
            }
            Command::FocusNext => self.complete(),
            Command::Back => return Outcome::Close,
            Command::Open => match parse(&self.text) {
                Ok(c) => return Outcome::Then(Box::new(c)),
                Err(e) => self.problem = Some(e),
            },
            // Keys that work everywhere (Ctrl-C, Ctrl-Z, Ctrl-O) are the app's.
            _ => return Outcome::Ignored,
        }
        Outcome::Done
    }

    /// Draws the line at the bottom of `area`, over the status line and the footer.
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        let h = 4.min(area.height);
        let r = Rect::new(area.x, area.bottom().saturating_sub(h), area.width, h);
        frame.render_widget(Clear, r);
        let input = Line::from(vec![
            Span::styled(":", theme.key()),
            Span::raw(self.text.clone()),
            Span::styled("▏", theme.key()),
        ]);
        let below = match &self.problem {
            Some(p) => Line::styled(p.clone(), theme.error()),
            None => {
                let s = self.suggestions();
                if s.is_empty() {
                    Line::styled(
                        format!("no command begins so; the commands: {}", names()),
                        theme.error(),
                    )
                } else if s.len() == 1 {
                    Line::from(vec![
                        Span::styled(s[0].0, theme.key()),
                        Span::styled(format!("  {}", s[0].1), theme.dim()),
                    ])
                } else {
                    Line::styled(
                        s.iter()
                            .map(|(n, _)| *n)
                            .filter(|n| *n != "q")
                            .collect::<Vec<_>>()
                            .join("  "),
                        theme.dim(),
                    )
                }
            }
        };
        frame.render_widget(
            Paragraph::new(vec![input, below])
                .wrap(Wrap { trim: true })
                .block(
                    Block::bordered()
                        .title(Span::styled(
                            " Command (Tab completes, Enter runs, Esc cancels) ",
                            theme.title(),
                        ))
                        .border_style(theme.border(true)),
                ),
            r,
        );
    }
}

/// The command line's keys (other characters are typed into it).
#[must_use]
pub fn keys() -> Vec<Binding> {
    vec![
        b(
            vec![k(KeyCode::Enter)],
            "Enter",
            "run the command",
            true,
            Command::Open,
        ),
        b(
            vec![k(KeyCode::Tab)],
            "Tab",
            "complete the command's name",
            true,
            Command::FocusNext,
        ),
        b(vec![k(KeyCode::Esc)], "Esc", "cancel", true, Command::Back),
    ]
    .into_iter()
    .chain(text_keys("clear the line"))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_their_beginnings_are_understood() {
        assert!(matches!(parse("roles"), Ok(Command::SelectTab(0))));
        assert!(matches!(parse(" us "), Ok(Command::SelectTab(1))));
        assert!(matches!(parse("q"), Ok(Command::Leave)));
        assert!(matches!(parse("quit"), Ok(Command::Leave)));
        assert!(matches!(
            parse("theme light"),
            Ok(Command::SetTheme(Palette::Light))
        ));
        let e = parse("frobnicate").unwrap_err();
        assert!(e.contains("unknown command `frobnicate`"), "{e}");
        assert!(e.contains("roles") && e.contains("lessons"), "{e}");
        // `p` begins both `providers` and `profiles`.
        let e = parse("p").unwrap_err();
        assert!(e.contains("providers") && e.contains("profiles"), "{e}");
        assert!(parse("theme").unwrap_err().contains("high-contrast"));
        assert!(parse("theme pink").unwrap_err().contains("`pink`"));
    }

    #[test]
    fn tab_completes_as_far_as_the_matches_agree() {
        let mut line = CommandLine {
            text: "ro".to_owned(),
            problem: None,
        };
        line.complete();
        assert_eq!(line.text, "roles");
        line.text = "pro".to_owned();
        line.complete();
        assert_eq!(line.text, "pro");
        assert_eq!(line.suggestions().len(), 2);
        line.text = "th".to_owned();
        line.complete();
        assert_eq!(line.text, "theme ");
    }
}
