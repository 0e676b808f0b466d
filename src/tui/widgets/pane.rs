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
    /// Where each policy statement is, in both readings (what a finding jumps to).
    pub statements: Vec<StatementLines>,
    /// The statement drawn marked (an index into `statements`), after a jump to it.
    pub marked: Option<usize>,
    /// The JSON line the jump was about (the element a finding names), drawn highlighted.
    pub marked_line: Option<usize>,
    /// Selectable lines of a findings list and the statement each is about; empty for
    /// other panes.
    pub jumps: Vec<(usize, Jump)>,
}

/// The lines one policy statement takes in a pane, in both readings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatementLines {
    /// The policy as the linter labels it (`trust policy`, `inline policy NAME`,
    /// `managed policy NAME`).
    pub policy: String,
    /// The statement's position in the policy's `Statement` array; `None` for the policy
    /// as a whole.
    pub statement: Option<usize>,
    pub json: std::ops::Range<usize>,
    pub plain: std::ops::Range<usize>,
    /// The first line of the policy's JSON text in the pane (below its heading).
    pub body: usize,
}

impl StatementLines {
    /// Its lines in the reading shown.
    #[must_use]
    pub fn lines(&self, plain: bool) -> std::ops::Range<usize> {
        if plain {
            self.plain.clone()
        } else {
            self.json.clone()
        }
    }
}

/// Where a line of a findings list leads: a pane of the same view and one of its
/// [`StatementLines`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Jump {
    pub pane: usize,
    pub statement: usize,
    /// The JSON line of the element the finding names, when it could be located.
    pub line: Option<usize>,
}

impl Pane {
    /// Puts a list's new answer in place of this one, keeping where the reader was.
    pub fn replace(&mut self, new: Self) {
        let (scroll, cursor) = (self.scroll, self.cursor);
        *self = new;
        self.scroll = scroll;
        self.cursor = cursor.min(self.selectable_len().saturating_sub(1));
    }

    /// How many lines can be selected (hops or findings); 0 for a pane that only scrolls.
    #[must_use]
    pub fn selectable_len(&self) -> usize {
        self.rows.len() + self.jumps.len()
    }

    /// The line the cursor is on, in a list of hops or findings.
    #[must_use]
    pub fn cursor_line(&self) -> Option<usize> {
        self.rows
            .iter()
            .map(|(l, _)| *l)
            .chain(self.jumps.iter().map(|(l, _)| *l))
            .nth(self.cursor)
    }

    /// Where the finding under the cursor leads, in a findings list.
    #[must_use]
    pub fn jump(&self) -> Option<Jump> {
        self.jumps.get(self.cursor).map(|(_, j)| *j)
    }

    /// Marks statement `i` of [`Self::statements`] (and JSON line `line` in it) and scrolls
    /// to its first line in the reading shown.
    pub fn show_statement(&mut self, i: usize, line: Option<usize>, plain: bool) {
        if let Some(st) = self.statements.get(i) {
            self.marked = Some(i);
            self.marked_line = line;
            self.scroll = st.lines(plain).start;
        }
    }

    /// The lines of the marked statement in the reading shown.
    #[must_use]
    pub fn marked_lines(&self, plain: bool) -> Option<std::ops::Range<usize>> {
        self.marked
            .and_then(|i| self.statements.get(i))
            .map(|st| st.lines(plain))
    }

    /// Moves the pane by `delta`: a pane of text scrolls; in a list of hops the cursor moves
    /// and the view follows it, `rows` tall.
    pub fn step(&mut self, delta: isize, rows: usize, plain: bool) {
        if self.selectable_len() == 0 {
            let len = if plain {
                self.plain.len()
            } else {
                self.json.len()
            };
            self.scroll = clamp_add(self.scroll, delta, len);
        } else {
            self.cursor = clamp_add(self.cursor, delta, self.selectable_len());
            let line = self.cursor_line().unwrap_or(0);
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
/// window of its lines, and (in a list of hops or findings) the selected line marked `▶`.
/// A policy's lines too long for the pane wrap (keys that differ only at their end stay
/// apart); the statement a finding jumped to is marked `▌` down its left edge.
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
    let cursor_line = pane.cursor_line();
    // A line of a list too long for the pane is shown whole under the list.
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
    let (lines, end) = if pane.list {
        let end = (start + rows).min(body.len());
        let lines = body[start..end]
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
        (lines, end)
    } else {
        let marks = Marks {
            lines: pane.marked_lines(plain),
            line: pane.marked_line.filter(|_| !plain),
        };
        wrapped_window(body, start, rows, usize::from(inner.width), &marks, theme)
    };
    let reading = match (pane.list, plain) {
        (true, _) if !pane.jumps.is_empty() => "Enter shows the statement",
        (true, _) => "a simulates the selected hop",
        (false, true) => "plain",
        (false, false) => "JSON",
    };
    let pos = if start > 0 || end < body.len() {
        format!(" {}-{}/{}", start + 1, end, body.len())
    } else {
        String::new()
    };
    let mark = if focused { "▶ " } else { "" };
    let title = format!(" {mark}{} · {reading}{pos} ", pane.title);
    frame.render_widget(block.title(Span::styled(title, theme.title())), rect);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// What a jump marked in a pane: a statement's lines and one line in it.
struct Marks {
    lines: Option<std::ops::Range<usize>>,
    line: Option<usize>,
}

/// The rows of `body` from line `start` that fill `rows` rows `width` wide, long lines
/// wrapped, the marked lines with `▌` down their left edge (the one marked line
/// highlighted); and the line after the last one shown (whole or in part).
fn wrapped_window(
    body: &[TextLine],
    start: usize,
    rows: usize,
    width: usize,
    marks: &Marks,
    theme: Theme,
) -> (Vec<Line<'static>>, usize) {
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut end = start;
    for (i, toks) in body.iter().enumerate().skip(start) {
        if out.len() >= rows {
            break;
        }
        let is_marked = marks.lines.as_ref().is_some_and(|m| m.contains(&i));
        let room = if is_marked {
            width.saturating_sub(1)
        } else {
            width
        };
        for piece in crate::tui::widgets::text::wrap_tokens(toks, room) {
            if out.len() >= rows {
                break;
            }
            let mut spans: Vec<Span<'static>> = Vec::with_capacity(piece.len() + 1);
            if is_marked {
                spans.push(Span::styled("▌", theme.selected()));
            }
            spans.extend(
                piece
                    .into_iter()
                    .map(|(t, s)| Span::styled(s, theme.token(t))),
            );
            let line = Line::from(spans);
            out.push(crate::tui::widgets::layout::selectable(
                line,
                marks.line == Some(i),
                theme,
            ));
        }
        end = i + 1;
    }
    (out, end)
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
