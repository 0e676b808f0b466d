//! The fuzzy picker: a query over a short list of choices (users, roles, sessions,
//! services, identity providers), the matches best first with the matched characters
//! highlighted. What the choice is for is the caller's (`P`); the picker knows no screen.

use nucleo_matcher::{Config, Matcher};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crossterm::event::KeyCode;

use crate::tui::command::Command;
use crate::tui::keys::{Binding, b, ctrl, k, text_keys};
use crate::tui::outcome::{clamp_add, movement};
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::{centered, ellipsize, highlighted};
use crate::tui::world::Choice;

/// A fuzzy picker over a short list, for `purpose`.
#[derive(Debug, Clone)]
pub struct Picker<P> {
    pub purpose: P,
    pub query: String,
    pub choices: Vec<Choice>,
    /// Matching choices (index, matched character positions), best first.
    pub hits: Vec<(usize, Vec<u32>)>,
    pub selected: usize,
}

impl<P> Picker<P> {
    /// A picker over `choices`, filtered by `query`.
    #[must_use]
    pub fn new(purpose: P, query: String, choices: Vec<Choice>) -> Self {
        let mut picker = Self {
            purpose,
            query,
            choices,
            hits: Vec::new(),
            selected: 0,
        };
        picker.refilter();
        picker
    }

    /// The choice under the cursor.
    #[must_use]
    pub fn current(&self) -> Option<&Choice> {
        self.hits
            .get(self.selected)
            .and_then(|(i, _)| self.choices.get(*i))
    }

    /// Types into the query or moves the cursor; `false` for a command it does not take
    /// (choosing and cancelling are the caller's).
    pub fn edit(&mut self, command: &Command, page: usize) -> bool {
        if let Some(delta) = movement(command, page) {
            self.selected = clamp_add(self.selected, delta, self.hits.len());
            return true;
        }
        match command {
            Command::Input(ch) => self.query.push(*ch),
            Command::Paste(text) => self.query.push_str(text),
            Command::Backspace => {
                self.query.pop();
            }
            Command::ClearInput => self.query.clear(),
            _ => return false,
        }
        self.refilter();
        true
    }

    fn refilter(&mut self) {
        let q = self.query.trim();
        self.hits = if q.is_empty() {
            (0..self.choices.len()).map(|i| (i, Vec::new())).collect()
        } else {
            let mut matcher = Matcher::new(Config::DEFAULT);
            let mut scored: Vec<(u32, usize, Vec<u32>)> = self
                .choices
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    crate::tui::search::match_small(q, &c.label, &mut matcher)
                        .map(|(s, idx)| (s, i, idx))
                })
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.into_iter().map(|(_, i, idx)| (i, idx)).collect()
        };
        self.selected = 0;
    }

    /// Draws the picker over `area`, titled `what`: the query, then the matching choices
    /// with the matched characters highlighted.
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, what: &str, theme: Theme) {
        let r = centered(
            area,
            area.width.saturating_sub(6),
            area.height.saturating_sub(4),
        );
        frame.render_widget(Clear, r);
        let title = format!(" {what} — {} / {} ", self.hits.len(), self.choices.len());
        let block = Block::bordered()
            .title(Span::styled(title, theme.title()))
            .border_style(theme.border(true));
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let mut lines = vec![Line::from(vec![
            Span::styled("> ", theme.key()),
            Span::raw(self.query.clone()),
            Span::styled("▏", theme.key()),
        ])];
        let rows = usize::from(inner.height.saturating_sub(1));
        let start = self.selected.saturating_sub(rows.saturating_sub(1));
        let w = usize::from(inner.width);
        for (pos, (i, idx)) in self.hits.iter().enumerate().skip(start).take(rows) {
            let Some(c) = self.choices.get(*i) else {
                continue;
            };
            let selected = pos == self.selected;
            let base = if selected {
                theme.selected()
            } else {
                Style::new()
            };
            let hl = if selected {
                theme.selected().patch(theme.matched())
            } else {
                theme.matched()
            };
            let mut spans = vec![Span::styled(
                format!("{}{:<8} ", if selected { "▶ " } else { "  " }, c.group),
                base.patch(theme.badge()),
            )];
            let label = ellipsize(&c.label, w.saturating_sub(12));
            spans.extend(highlighted(&label, idx, base, hl));
            lines.push(Line::from(spans));
        }
        if self.hits.is_empty() {
            lines.push(Line::styled(
                "no match — ⌫ to widen the search",
                theme.dim(),
            ));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// A picker's keys (other characters are typed into its query).
#[must_use]
pub fn keys() -> Vec<Binding> {
    vec![
        b(
            vec![k(KeyCode::Enter)],
            "Enter",
            "choose",
            true,
            Command::Open,
        ),
        b(
            vec![k(KeyCode::Down), ctrl('n')],
            "↓",
            "down",
            true,
            Command::Down,
        ),
        b(
            vec![k(KeyCode::Up), ctrl('p')],
            "↑",
            "up",
            true,
            Command::Up,
        ),
        b(vec![k(KeyCode::Esc)], "Esc", "cancel", true, Command::Back),
    ]
    .into_iter()
    .chain(text_keys("clear the query"))
    .collect()
}
