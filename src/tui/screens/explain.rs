//! The explain view of one escalation hop (`x` on a line marked `⇪` in the reach tree, the
//! path view or the "who can assume" list; `a` there too, since such a hop is no AssumeRole
//! the Simulate form could run): the technique and what it does, what the caller gains,
//! every action it needs with the policy engine's decision and the statement that allows
//! it, what else must hold, whether it works, where the technique is documented and how to
//! close it. Holds the engine's hop and lays the words out when drawn; scrolls and closes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::command::Command;
use crate::tui::escalation::{EscalationHop, GLYPH, Paragraph as Para, explain};
use crate::tui::keys::{Binding, b, c, esc_key, movement as movement_keys};
use crate::tui::outcome::{Outcome, clamp_add, movement};
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::centered;
use crate::tui::widgets::text::{TextLine, Tok, wrap};
use crate::tui::world::World;

/// The width of the labels column.
const LABEL: usize = 16;

/// One escalation hop, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainView {
    pub hop: EscalationHop,
    /// What the principal gained may do (its highest access level), worked out on opening.
    pub gains: String,
    /// True when `a` asked to simulate the hop: the view says why it explains instead.
    pub simulated: bool,
    pub scroll: usize,
}

impl ExplainView {
    /// The view of `hop`; what the principal it gains may do is summarised now (one role).
    #[must_use]
    pub fn new(world: &World, hop: EscalationHop, simulated: bool) -> Self {
        let gains = hop
            .role
            .and_then(|i| world.inventory.roles.get(i))
            .map_or_else(
                || "what its own policies and groups allow".to_owned(),
                |r| {
                    let catalogue = crate::engine::catalogue::get();
                    crate::engine::access_summary::RoleAccess::of(
                        &crate::engine::access_summary::for_role(r, &world.inventory, catalogue),
                        catalogue,
                    )
                    .map_or_else(|| "nothing".to_owned(), |a| a.summary)
                },
            );
        Self {
            hop,
            gains,
            simulated,
            scroll: 0,
        }
    }

    /// The paragraphs, before wrapping: a note when `a` opened it, then the explanation.
    #[must_use]
    pub fn paragraphs(&self) -> Vec<Para> {
        let mut out = Vec::new();
        if self.simulated {
            out.push((
                "Not an AssumeRole",
                vec![(
                    Tok::Lit,
                    "the Simulate form runs sts:AssumeRole calls; this hop is taken with the IAM and service calls below, each decided by the policy engine for the caller (as `rolescope authorize` would)".to_owned(),
                )],
            ));
        }
        out.extend(explain(&self.hop, &self.gains));
        out
    }

    /// The lines at `width` columns: each paragraph wrapped after its label, drawn in its
    /// strongest token's style (a problem, else its first token's).
    #[must_use]
    pub fn lines(&self, width: usize) -> Vec<TextLine> {
        let room = width.saturating_sub(LABEL).max(20);
        let mut out = Vec::new();
        for (label, toks) in self.paragraphs() {
            let text: String = toks.iter().map(|(_, s)| s.as_str()).collect();
            let style = if toks.iter().any(|(t, _)| *t == Tok::Problem) {
                Tok::Problem
            } else {
                toks.first().map_or(Tok::Plain, |(t, _)| *t)
            };
            for (i, piece) in wrap(&text, room).into_iter().enumerate() {
                let lead = if i == 0 {
                    format!("{label:<LABEL$}")
                } else {
                    " ".repeat(LABEL)
                };
                out.push(vec![(Tok::Heading, lead), (style, piece)]);
            }
        }
        out
    }

    /// Scrolls, or closes.
    pub fn handle(&mut self, command: &Command, world: &World) -> Outcome {
        let rows = usize::from(world.height.saturating_sub(6)).max(1);
        if let Some(delta) = movement(command, rows) {
            let n = self.lines(usize::from(world.width.saturating_sub(8))).len();
            self.scroll = clamp_add(self.scroll, delta, n);
            return Outcome::Done;
        }
        match command {
            Command::Back | Command::Explain => Outcome::Close,
            _ => Outcome::Ignored,
        }
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        let r = centered(
            area,
            area.width.saturating_sub(6).min(120),
            area.height.saturating_sub(4),
        );
        frame.render_widget(Clear, r);
        let title = format!(
            " {GLYPH} Escalation hop: {} ⇒ {} · Esc closes ",
            self.hop.from,
            self.hop.target()
        );
        let block = Block::bordered()
            .title(Span::styled(title, theme.title()))
            .border_style(theme.border(true));
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let all = self.lines(usize::from(inner.width));
        let rows = usize::from(inner.height);
        let start = self.scroll.min(all.len().saturating_sub(rows));
        let lines: Vec<Line> = all
            .into_iter()
            .skip(start)
            .take(rows)
            .map(|l| {
                Line::from(
                    l.into_iter()
                        .map(|(t, s)| Span::styled(s, theme.token(t)))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// The explain view's keys.
#[must_use]
pub fn keys() -> Vec<Binding> {
    let mut t = movement_keys();
    t.push(b(
        vec![c('x')],
        "x",
        "close the explanation",
        false,
        Command::Explain,
    ));
    t.push(b(vec![c('?')], "?", "help", false, Command::ToggleHelp));
    t.push(esc_key("close"));
    t
}
