//! A scrollable pane of policy text in two readings (JSON and plain), or a list of hops
//! whose lines can be selected and opened as a pre-filled Simulate form. Knows no screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::command::Command;
use crate::tui::outcome::{Outcome, clamp_add, movement};
use crate::tui::theme::Theme;
use crate::tui::widgets::text::TextLine;
use crate::tui::world::World;

/// A scrollable pane of the detail view, in both readings.
#[derive(Debug, Clone, Default)]
pub struct Pane {
    pub title: String,
    /// The pane's policies as JSON text, for copying.
    pub raw: String,
    pub json: Vec<TextLine>,
    pub plain: Vec<TextLine>,
    pub scroll: usize,
    /// Selectable lines (the same in both readings) and the hop each one stands for; empty
    /// for a pane that only scrolls.
    pub rows: Vec<(usize, crate::tui::access::HopRow)>,
    /// The selected entry of `rows`.
    pub cursor: usize,
    /// A list rather than a policy: no JSON / plain reading to tell apart.
    pub list: bool,
}

impl Pane {
    /// Puts a list's new answer in place of this one, keeping where the reader was.
    pub fn replace(&mut self, new: Self) {
        let (scroll, cursor) = (self.scroll, self.cursor);
        *self = new;
        self.scroll = scroll;
        self.cursor = cursor.min(self.rows.len().saturating_sub(1));
    }

    /// Moves the pane by `delta`: a pane of text scrolls; in a list of hops the cursor moves
    /// and the view follows it, `rows` tall.
    pub fn step(&mut self, delta: isize, rows: usize, plain: bool) {
        if self.rows.is_empty() {
            let len = if plain {
                self.plain.len()
            } else {
                self.json.len()
            };
            self.scroll = clamp_add(self.scroll, delta, len);
        } else {
            self.cursor = clamp_add(self.cursor, delta, self.rows.len());
            let line = self.rows.get(self.cursor).map_or(0, |(l, _)| *l);
            if line < self.scroll {
                // Show the heading above its first hop.
                self.scroll = line.saturating_sub(1);
            } else if line >= self.scroll + rows {
                self.scroll = line + 1 - rows;
            }
        }
    }

    /// The assume-role hop under the cursor, in a list of hops.
    #[must_use]
    pub fn hop(&self) -> Option<&crate::tui::access::Prefill> {
        self.rows.get(self.cursor).and_then(|(_, h)| h.prefill())
    }

    /// The escalation hop under the cursor, in a list of hops.
    #[must_use]
    pub fn escalation(&self) -> Option<&crate::tui::escalation::EscalationHop> {
        self.rows.get(self.cursor).and_then(|(_, h)| h.escalation())
    }
}

/// The box a pop-up list (the reach tree, paths, external access) is drawn in, within
/// the screen `area`.
#[must_use]
pub fn popup_rect(area: Rect) -> Rect {
    crate::tui::widgets::layout::centered(
        area,
        area.width.saturating_sub(4).max(1),
        area.height.saturating_sub(2).max(1),
    )
}

/// How many lines fit in a pop-up list on a screen of `width`×`height`.
#[must_use]
pub fn popup_rows(width: u16, height: u16) -> usize {
    usize::from(
        popup_rect(Rect::new(0, 0, width, height))
            .height
            .saturating_sub(2),
    )
    .max(1)
}

/// A list of hops in a pop-up — the paths to a role, the external-access findings — drawn
/// as the detail view's panes are (the same title, cursor and position).
pub fn render_hops(frame: &mut Frame<'_>, area: Rect, pane: &Pane, focused: bool, theme: Theme) {
    let r = popup_rect(area);
    frame.render_widget(Clear, r);
    render_pane(frame, r, pane, false, focused, theme);
}

/// Draws one pane in `rect`: its title with the reading and the position, the visible
/// window of its lines, and (in a list of hops) the selected line marked `▶`.
pub fn render_pane(
    frame: &mut Frame<'_>,
    rect: Rect,
    pane: &Pane,
    plain: bool,
    focused: bool,
    theme: Theme,
) {
    let body = if plain { &pane.plain } else { &pane.json };
    let block = Block::bordered().border_style(theme.border(focused));
    let mut inner = block.inner(rect);
    let cursor_line = pane.rows.get(pane.cursor).map(|(l, _)| *l);
    // A hop line too long for the pane is shown whole under the list.
    if pane.list
        && let Some(toks) = cursor_line.and_then(|l| body.get(l))
    {
        let text: String = toks.iter().map(|(_, s)| s.as_str()).collect();
        let max = usize::from(inner.height / 2).saturating_sub(1);
        let width = usize::from(inner.width);
        let more = crate::tui::widgets::layout::overflow(&text, width, width, max);
        inner = crate::tui::widgets::layout::render_overflow(frame, inner, &more, theme);
    }
    let rows = usize::from(inner.height).max(1);
    let mut start = pane.scroll.min(body.len().saturating_sub(1));
    if let Some(c) = cursor_line
        && c >= start + rows
    {
        start = c + 1 - rows;
    }
    let end = (start + rows).min(body.len());
    let lines: Vec<Line> = body[start..end]
        .iter()
        .enumerate()
        .map(|(k, toks)| {
            let selected = cursor_line == Some(start + k);
            let mut spans: Vec<Span> = toks
                .iter()
                .map(|(t, s)| Span::styled(s.clone(), theme.token(*t)))
                .collect();
            if selected && let Some(first) = spans.first_mut() {
                // The marker carries the selection without colour.
                *first = Span::styled("▶ ", theme.selected());
            }
            crate::tui::widgets::layout::selectable(Line::from(spans), selected, theme)
        })
        .collect();
    let reading = match (pane.list, plain) {
        (true, _) => "a simulates the selected hop",
        (false, true) => "plain",
        (false, false) => "JSON",
    };
    let pos = if body.len() > rows {
        format!(" {}-{}/{}", start + 1, end, body.len())
    } else {
        String::new()
    };
    let mark = if focused { "▶ " } else { "" };
    let title = format!(" {mark}{} · {reading}{pos} ", pane.title);
    frame.render_widget(block.title(Span::styled(title, theme.title())), rect);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// What a list of hops does with a command: moves, opens the hop's role, simulates the
/// hop (an escalation hop is explained instead: it is no AssumeRole), explains an
/// escalation hop, or closes.
pub fn hop_list(pane: &mut Pane, command: &Command, world: &mut World) -> Outcome {
    if let Some(delta) = movement(command, popup_rows(world.width, world.height)) {
        pane.step(delta, popup_rows(world.width, world.height), false);
        return Outcome::Done;
    }
    if let Some(outcome) = escalation_keys(pane.escalation(), command, world) {
        return outcome;
    }
    match command {
        Command::Open => match pane.hop() {
            Some(h) => Outcome::OpenRole(h.role),
            None => {
                world.say("no role on this line to open", true);
                Outcome::Done
            }
        },
        Command::Simulate => match pane.hop() {
            Some(h) => Outcome::Simulate {
                hop: Box::new(h.clone()),
                duration: None,
            },
            None => {
                world.say("no hop on this line to simulate", true);
                Outcome::Done
            }
        },
        Command::Back => Outcome::Close,
        _ => Outcome::Ignored,
    }
}

/// What `x`, `a` and Enter do on a line: on an escalation hop, `x` explains it, `a` says it
/// is no AssumeRole and explains it (the policy engine's decision for every action it
/// needs), Enter opens the role it gains (when it gains one); `x` elsewhere says what it is
/// for. `None`: the command is not one of these, or the line is an assume-role hop's.
pub fn escalation_keys(
    hop: Option<&crate::tui::escalation::EscalationHop>,
    command: &Command,
    world: &mut World,
) -> Option<Outcome> {
    match (command, hop) {
        (Command::Explain, Some(h)) => Some(Outcome::Explain {
            hop: Box::new(h.clone()),
            simulated: false,
        }),
        (Command::Explain, None) => {
            world.say(
                "x explains an escalation hop (a line marked ⇪); this line is none",
                true,
            );
            Some(Outcome::Done)
        }
        (Command::Simulate, Some(h)) => {
            world.say(
                format!(
                    "{} ⇒ {} is an escalation hop ({}), not an AssumeRole: here is the policy engine's decision for each action it needs",
                    h.from,
                    h.target(),
                    h.edge.technique.name()
                ),
                false,
            );
            Some(Outcome::Explain {
                hop: Box::new(h.clone()),
                simulated: true,
            })
        }
        (Command::Open, Some(h)) => Some(match h.role {
            Some(role) if !h.edge.is_self() => Outcome::OpenRole(role),
            _ => {
                world.say(
                    format!(
                        "{} ⇒ {} gains no role to open; x explains the hop",
                        h.from,
                        h.target()
                    ),
                    true,
                );
                Outcome::Done
            }
        }),
        _ => None,
    }
}
