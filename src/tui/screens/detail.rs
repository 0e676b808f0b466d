//! The detail view of a role, user, group or identity provider: the plain-language summary
//! on top (for a role, its effective access lines), then the policy panes (trust and
//! permissions for a role) side by side, or stacked on a narrow terminal, and for a role the
//! "who can assume" pane of hops, filled when the trust graph answers. Each pane scrolls on
//! its own and shows JSON or the per-statement reading. Built by [`build`] when the view
//! opens; owns its keys and draws itself.

pub mod build;

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::engine::graph::TrustGraph;
use crate::tui::access::{AccessQuery, AccessResult};
use crate::tui::command::{Command, Effect};
use crate::tui::keys::{
    Binding, b, c, clock, common_tail, external_key, k, movement as movement_keys, path_key,
    reach_key, whatif_keys,
};
use crate::tui::outcome::{Outcome, movement};
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::PANES_SIDE_BY_SIDE;
use crate::tui::widgets::pane::Pane;
use crate::tui::world::World;

/// Which entity a detail view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Role(usize),
    User(usize),
    Group(usize),
    Provider(usize),
}

/// A summary line: a label and its text; `warn` marks it as a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryLine {
    pub label: String,
    pub text: String,
    pub warn: bool,
}

/// The detail view of one entity.
#[derive(Debug, Clone)]
pub struct Detail {
    pub subject: Subject,
    pub title: String,
    pub arn: String,
    pub summary: Vec<SummaryLine>,
    pub summary_scroll: usize,
    pub panes: Vec<Pane>,
    pub focus: usize,
    /// Per-statement plain-language reading instead of JSON.
    pub plain: bool,
}

impl Detail {
    /// Moves in the focused pane, moves between panes, switches JSON and plain reading,
    /// copies, or simulates the hop under the cursor; `main` is where the view is drawn.
    pub fn handle(&mut self, command: &Command, world: &mut World, main: Rect) -> Outcome {
        if let Some(delta) = movement(command, pane_rows(main, self).max(1)) {
            self.step(delta, main);
            return Outcome::Done;
        }
        match command {
            Command::FocusNext | Command::FocusPrev => {
                let delta = if matches!(command, Command::FocusNext) {
                    1
                } else {
                    -1
                };
                let n = self.panes.len();
                let next = isize::try_from(self.focus).unwrap_or(0) + delta;
                if next < 0 || next >= isize::try_from(n).unwrap_or(0) {
                    self.focus = if next < 0 { n.saturating_sub(1) } else { 0 };
                    return Outcome::FocusSessions;
                }
                self.focus = usize::try_from(next).unwrap_or(0);
                Outcome::Done
            }
            Command::TogglePlain => {
                self.plain = !self.plain;
                for p in &mut self.panes {
                    p.scroll = 0;
                }
                Outcome::Done
            }
            Command::YankArn => {
                world.say(
                    format!(
                        "sent {} to the terminal's clipboard (OSC 52); a terminal without OSC 52 support ignores it",
                        self.arn
                    ),
                    false,
                );
                Outcome::Effects(vec![Effect::Clipboard(self.arn.clone())])
            }
            Command::YankPolicy => match self.panes.get(self.focus) {
                Some(p) if !p.raw.is_empty() => {
                    world.say(
                        format!(
                            "sent the {} JSON to the terminal's clipboard (OSC 52); a terminal without OSC 52 support ignores it",
                            p.title
                        ),
                        false,
                    );
                    Outcome::Effects(vec![Effect::Clipboard(p.raw.clone())])
                }
                _ => {
                    world.say("this pane holds no policy JSON to copy", true);
                    Outcome::Done
                }
            },
            Command::Explain | Command::Simulate
                if matches!(command, Command::Explain)
                    || self
                        .panes
                        .get(self.focus)
                        .and_then(Pane::escalation)
                        .is_some() =>
            {
                let hop = self.panes.get(self.focus).and_then(Pane::escalation);
                crate::tui::widgets::pane::escalation_keys(hop, command, world)
                    .unwrap_or(Outcome::Ignored)
            }
            Command::Simulate => match self.selected_hop() {
                Some(hop) => Outcome::Simulate {
                    hop: Box::new(hop.clone()),
                    duration: None,
                },
                None => Outcome::Ignored,
            },
            Command::Back => Outcome::Close,
            _ => Outcome::Ignored,
        }
    }

    /// Moves the focused pane's cursor (or scroll) by `delta` lines.
    pub fn step(&mut self, delta: isize, main: Rect) {
        let rows = pane_rows(main, self).max(1);
        let plain = self.plain;
        if let Some(p) = self.panes.get_mut(self.focus) {
            p.step(delta, rows, plain);
        }
    }

    /// The hop under the cursor of the focused pane, when it lists hops.
    #[must_use]
    pub fn selected_hop(&self) -> Option<&crate::tui::access::Prefill> {
        self.panes.get(self.focus)?.hop()
    }

    /// Takes in the trust graph's answer to "who can assume" this view's role; an answer
    /// about another role is not for this view.
    pub fn who_answered(
        &mut self,
        world: &World,
        graph: &TrustGraph,
        role: usize,
        result: &AccessResult,
    ) {
        if self.subject != Subject::Role(role) {
            return;
        }
        let pane = match result {
            AccessResult::Who(w) => crate::tui::access::who_pane(world, graph, w),
            AccessResult::Missing(m) => crate::tui::access::who_pending(m),
            _ => return,
        };
        if let Some(p) = self.panes.get_mut(2) {
            p.replace(pane);
        }
    }

    /// The view built again on the world's current data, keeping where the reader was.
    #[must_use]
    pub fn rebuilt(&self, world: &mut World) -> Option<Self> {
        let mut d = open(world, self.subject)?;
        d.plain = self.plain;
        d.focus = self.focus.min(d.panes.len().saturating_sub(1));
        d.summary_scroll = self.summary_scroll;
        for (new, before) in d.panes.iter_mut().zip(&self.panes) {
            new.scroll = before.scroll;
            new.cursor = before.cursor.min(new.rows.len().saturating_sub(1));
        }
        Some(d)
    }
}

/// Opens the detail view of `subject`; a role's asks the trust graph for its "who can
/// assume" pane. `None` when the subject is not loaded.
pub fn open(world: &mut World, subject: Subject) -> Option<Detail> {
    let mut detail = build::build(&world.inventory, &world.role_facts, subject)?;
    if world.teach.predicting() {
        hide_giveaways(&mut detail);
    }
    if let Subject::Role(i) = subject
        && let Some(arn) = world.inventory.roles.get(i).map(|r| r.arn.clone())
    {
        let text = if world.graph.get().is_some() {
            "working out who can assume this role…"
        } else {
            "working out who can assume this role… (the trust graph is built once, then kept)"
        };
        detail.panes.push(crate::tui::access::who_pending(text));
        world.ask_graph(AccessQuery::Who { role: i, arn });
    }
    Some(detail)
}

/// While a lesson's question waits for its answer, what would give it away stays out of
/// sight: a description that says what is broken, the warnings, the tags (the demo marks
/// its broken roles with them). Shown again once the answer is in.
fn hide_giveaways(detail: &mut Detail) {
    let before = detail.summary.len();
    detail
        .summary
        .retain(|l| !matches!(l.label.as_str(), "About" | "⚠ Warning" | "Tags"));
    if detail.summary.len() != before {
        detail.summary.insert(
            0,
            SummaryLine {
                label: "About".into(),
                text: "hidden until you answer the lesson's question".into(),
                warn: false,
            },
        );
    }
}

/// The detail view's keys.
#[must_use]
pub fn keys() -> Vec<Binding> {
    let mut t = vec![
        b(
            vec![k(KeyCode::Tab)],
            "Tab",
            "next pane",
            true,
            Command::FocusNext,
        ),
        b(
            vec![k(KeyCode::BackTab)],
            "S-Tab",
            "previous pane",
            false,
            Command::FocusPrev,
        ),
        b(
            vec![c('p')],
            "p",
            "JSON / plain-language reading",
            true,
            Command::TogglePlain,
        ),
        b(
            vec![c('a')],
            "a",
            "simulate (on a who-can-assume hop: pre-filled)",
            true,
            Command::Simulate,
        ),
        crate::tui::keys::explain_key(),
        b(
            vec![c('y')],
            "y",
            "copy the ARN (OSC 52)",
            true,
            Command::YankArn,
        ),
        reach_key("what can this user or role reach? (tree)"),
        path_key("paths from this user or role to a role you pick"),
        external_key(),
    ];
    t.extend(whatif_keys(true));
    t.push(b(
        vec![c('Y')],
        "Y",
        "copy the focused policy JSON (OSC 52)",
        false,
        Command::YankPolicy,
    ));
    t.push(b(
        vec![k(KeyCode::Esc), c('h'), k(KeyCode::Left)],
        "Esc",
        "back to the list",
        true,
        Command::Back,
    ));
    t.extend(movement_keys());
    t.extend(clock());
    t.extend(common_tail());
    t
}

fn summary_height(main: Rect, d: &Detail) -> u16 {
    let want = u16::try_from(d.summary.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    want.min(main.height * 2 / 5).max(3.min(main.height))
}

/// The summary's area and each pane's area.
#[must_use]
pub fn layout(main: Rect, d: &Detail) -> (Rect, Vec<Rect>) {
    let sh = summary_height(main, d);
    let summary = Rect::new(main.x, main.y, main.width, sh);
    let rest = Rect::new(
        main.x,
        main.y + sh,
        main.width,
        main.height.saturating_sub(sh),
    );
    let n = u16::try_from(d.panes.len().max(1)).unwrap_or(1);
    if n == 3 && main.width >= PANES_SIDE_BY_SIDE {
        // The policies side by side on top, the "who can assume" list full width below.
        let top_h = rest.height / 2;
        let w = rest.width / 2;
        let panes = vec![
            Rect::new(rest.x, rest.y, w, top_h),
            Rect::new(rest.x + w, rest.y, rest.width - w, top_h),
            Rect::new(rest.x, rest.y + top_h, rest.width, rest.height - top_h),
        ];
        return (summary, panes);
    }
    let panes = if main.width >= PANES_SIDE_BY_SIDE {
        let w = rest.width / n;
        (0..n)
            .map(|i| {
                let width = if i == n - 1 {
                    rest.width - w * (n - 1)
                } else {
                    w
                };
                Rect::new(rest.x + w * i, rest.y, width, rest.height)
            })
            .collect()
    } else {
        let h = rest.height / n;
        (0..n)
            .map(|i| {
                let height = if i == n - 1 {
                    rest.height - h * (n - 1)
                } else {
                    h
                };
                Rect::new(rest.x, rest.y + h * i, rest.width, height)
            })
            .collect()
    };
    (summary, panes)
}

/// How many text rows the focused pane shows.
#[must_use]
pub fn pane_rows(main: Rect, d: &Detail) -> usize {
    layout(main, d)
        .1
        .get(d.focus)
        .map_or(1, |r| usize::from(r.height.saturating_sub(2)))
}

/// Draws the view in `main`; `focused` when it has the keyboard.
pub fn render(frame: &mut Frame<'_>, main: Rect, d: &Detail, focused: bool, theme: Theme) {
    let (summary_area, pane_rects) = layout(main, d);
    let label_w = d
        .summary
        .iter()
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(0);
    let lines: Vec<Line> = d
        .summary
        .iter()
        .map(|l| {
            let style = if l.warn { theme.warn() } else { Style::new() };
            Line::from(vec![
                Span::styled(format!("{:<label_w$}  ", l.label), theme.key()),
                Span::styled(l.text.clone(), style),
            ])
        })
        .collect();
    let title = format!(" {} — {} ", d.title, d.arn);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(d.summary_scroll).unwrap_or(0), 0))
            .block(
                Block::bordered()
                    .title(Span::styled(title, theme.title()))
                    .border_style(theme.border(false)),
            ),
        summary_area,
    );
    let main_focused = focused;
    for (i, (pane, rect)) in d.panes.iter().zip(pane_rects).enumerate() {
        render_pane(
            frame,
            rect,
            pane,
            d.plain,
            main_focused && i == d.focus,
            theme,
        );
    }
}

use crate::tui::widgets::pane::render_pane;
