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
use ratatui::widgets::{Block, Paragraph};

use crate::engine::graph::TrustGraph;
use crate::tui::access::{AccessQuery, AccessResult};
use crate::tui::command::Command;
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
                // The panes, then the summary when it does not show whole beside them.
                let n = self.panes.len() + usize::from(summary_cut(main, self));
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
                // A statement a finding led to stays in view in the other reading.
                for p in &mut self.panes {
                    p.scroll = p.marked_lines(self.plain).map_or(0, |r| r.start);
                }
                Outcome::Done
            }
            Command::Open => match self.panes.get(self.focus).and_then(Pane::jump) {
                Some(jump) => {
                    self.show(jump, world);
                    Outcome::Done
                }
                None => Outcome::Ignored,
            },
            Command::YankArn => Outcome::Effects(vec![world.copy(&self.arn, self.arn.clone())]),
            Command::YankPolicy => match self.panes.get(self.focus) {
                Some(p) if !p.raw.is_empty() => Outcome::Effects(vec![
                    world.copy(&format!("the {} JSON", p.title), p.raw.clone()),
                ]),
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

    /// Moves the focused pane's cursor (or scroll), or the summary, by `delta` lines.
    pub fn step(&mut self, delta: isize, main: Rect) {
        let rows = pane_rows(main, self).max(1);
        let plain = self.plain;
        if self.summary_focused() {
            let total = summary_lines(self, main.width, Theme::mono()).len();
            self.summary_scroll = crate::tui::outcome::clamp_add(
                self.summary_scroll,
                delta,
                total.saturating_sub(rows).saturating_add(1),
            );
        } else if let Some(p) = self.panes.get_mut(self.focus) {
            p.step(delta, rows, plain);
        }
    }

    /// True when the keyboard is on the summary (it shows whole, the panes folded).
    #[must_use]
    pub fn summary_focused(&self) -> bool {
        self.focus >= self.panes.len()
    }

    /// Goes to the statement a finding is about: its pane takes the keyboard, scrolled to
    /// the statement, which is marked (and no other).
    fn show(&mut self, jump: crate::tui::widgets::pane::Jump, world: &mut World) {
        let plain = self.plain;
        let count = self.panes.len();
        for p in &mut self.panes {
            p.marked = None;
            p.marked_line = None;
        }
        let Some(p) = self.panes.get_mut(jump.pane) else {
            return;
        };
        p.show_statement(jump.statement, jump.line, plain);
        let place = p
            .statements
            .get(jump.statement)
            .map_or_else(String::new, |st| match st.statement {
                Some(i) => format!("{}, statement {}", st.policy, i + 1),
                None => st.policy.clone(),
            });
        let text = format!(
            "{place}, marked ▌ in the {} pane; the findings are pane {} of {} (Tab)",
            p.title,
            self.focus + 1,
            count
        );
        self.focus = jump.pane;
        world.say(text, false);
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
        d.focus = self.focus.min(d.panes.len());
        d.summary_scroll = self.summary_scroll;
        for (new, before) in d.panes.iter_mut().zip(&self.panes) {
            new.scroll = before.scroll;
            new.cursor = before.cursor.min(new.selectable_len().saturating_sub(1));
            if before.marked.is_some_and(|m| m < new.statements.len()) {
                new.marked = before.marked;
                new.marked_line = before.marked_line.filter(|l| *l < new.json.len());
            }
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
        // The lint findings after the hops (a lesson's question keeps them hidden too).
        if !world.teach.predicting()
            && let Some(role) = world.inventory.roles.get(i)
            && let Some(p) = build::findings_pane(&world.inventory, role, &detail.panes)
        {
            detail.panes.push(p);
        }
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
            vec![k(KeyCode::Enter)],
            "Enter",
            "on a finding: show the statement it is about",
            false,
            Command::Open,
        ),
        b(
            vec![c('y')],
            "y",
            "send the ARN to the clipboard (OSC 52)",
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
        "send the focused pane's JSON to the clipboard (OSC 52)",
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

/// Rows a pane needs to be worth showing beside the others: its title and six lines.
const ENOUGH: u16 = 8;
/// Rows the element with the keyboard gets at least when the others fold.
const FOCUSED_MIN: u16 = 6;

/// The summary's rows `width` columns wide (inside its border): each line's label, its
/// text wrapped under itself.
fn summary_lines(d: &Detail, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let label_w = d
        .summary
        .iter()
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(0);
    let room = usize::from(width.saturating_sub(2)).saturating_sub(label_w + 2);
    let mut out = Vec::new();
    for l in &d.summary {
        let style = if l.warn { theme.warn() } else { Style::new() };
        for (k, row) in crate::tui::widgets::text::wrap(&l.text, room)
            .into_iter()
            .enumerate()
        {
            let label = if k == 0 { l.label.as_str() } else { "" };
            out.push(Line::from(vec![
                Span::styled(format!("{label:<label_w$}  "), theme.key()),
                Span::styled(row, style),
            ]));
        }
    }
    out
}

/// True when the summary does not show whole while a pane has the keyboard: it then takes
/// its turn with Tab, and shows whole when it has it.
#[must_use]
pub fn summary_cut(main: Rect, d: &Detail) -> bool {
    let rows = summary_lines(d, main.width, Theme::mono()).len();
    let shown = layout_with(main, d, 0).0.height.saturating_sub(2);
    rows > usize::from(shown)
}

/// The summary's area and each pane's area. A pane or summary squeezed to one row shows
/// its title only; one with no rows is not drawn (the element with the keyboard always
/// has room).
#[must_use]
pub fn layout(main: Rect, d: &Detail) -> (Rect, Vec<Rect>) {
    layout_with(main, d, d.focus)
}

/// The areas the mouse can focus, by focus number: the panes, then the summary when it
/// takes its turn with Tab.
#[must_use]
pub fn focus_areas(main: Rect, d: &Detail) -> Vec<Rect> {
    let (summary, mut panes) = layout(main, d);
    if summary_cut(main, d) {
        panes.push(summary);
    }
    panes
}

fn layout_with(main: Rect, d: &Detail, focus: usize) -> (Rect, Vec<Rect>) {
    let n = d.panes.len();
    let want = u16::try_from(summary_lines(d, main.width, Theme::mono()).len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    if focus < n {
        let sh = want.min(main.height * 2 / 5).max(3.min(main.height));
        let summary = Rect::new(main.x, main.y, main.width, sh);
        let rest = Rect::new(
            main.x,
            main.y + sh,
            main.width,
            main.height.saturating_sub(sh),
        );
        if let Some(panes) = side_by_side_or_stacked(rest, n) {
            return (summary, panes);
        }
    }
    folded(main, n, focus.min(n), want)
}

/// Every pane with room enough: the policies side by side on a wide terminal with the
/// lists below them, or all stacked; `None` when they would not have [`ENOUGH`] rows.
fn side_by_side_or_stacked(rest: Rect, n: usize) -> Option<Vec<Rect>> {
    let count = u16::try_from(n.max(1)).unwrap_or(1);
    if rest.width >= PANES_SIDE_BY_SIDE && n >= 3 {
        // The policies side by side on top, the lists (who can assume, findings) below.
        let top_h = rest.height / 2;
        let low_h = rest.height - top_h;
        if top_h < ENOUGH || low_h < ENOUGH {
            return None;
        }
        let w = rest.width / 2;
        let mut panes = vec![
            Rect::new(rest.x, rest.y, w, top_h),
            Rect::new(rest.x + w, rest.y, rest.width - w, top_h),
        ];
        let low = count - 2;
        // The first list (the hops) gets the larger share.
        let other = if low == 1 {
            0
        } else {
            rest.width * 2 / 5 / (low - 1)
        };
        let first = rest.width - other * (low - 1);
        panes.push(Rect::new(rest.x, rest.y + top_h, first, low_h));
        for i in 1..low {
            let x = rest.x + first + other * (i - 1);
            let width = if i == low - 1 {
                rest.right() - x
            } else {
                other
            };
            panes.push(Rect::new(x, rest.y + top_h, width, low_h));
        }
        return Some(panes);
    }
    if rest.width >= PANES_SIDE_BY_SIDE {
        if rest.height < ENOUGH {
            return None;
        }
        let w = rest.width / count;
        return Some(
            (0..count)
                .map(|i| {
                    let width = if i == count - 1 {
                        rest.width - w * (count - 1)
                    } else {
                        w
                    };
                    Rect::new(rest.x + w * i, rest.y, width, rest.height)
                })
                .collect(),
        );
    }
    let h = rest.height / count;
    if h < ENOUGH {
        return None;
    }
    Some(
        (0..count)
            .map(|i| {
                let height = if i == count - 1 {
                    rest.height - h * (count - 1)
                } else {
                    h
                };
                Rect::new(rest.x, rest.y + h * i, rest.width, height)
            })
            .collect(),
    )
}

/// Too little room for every pane: the element with the keyboard (`focus`; `n` is the
/// summary) takes the height, the others fold to their title row — the summary to its
/// first line when there is room — or, on the smallest screens, out of sight.
fn folded(main: Rect, n: usize, focus: usize, want: u16) -> (Rect, Vec<Rect>) {
    let others = u16::try_from(n - usize::from(focus < n)).unwrap_or(u16::MAX);
    // The summary as tall as beside every pane when the focused one still gets twice its
    // least, else its first line, else its title; the other panes their title, else nothing.
    let tries = [
        (want.min(main.height * 2 / 5).max(3), 1, 2 * FOCUSED_MIN),
        (want.min(3), 1, FOCUSED_MIN),
        (1, 1, FOCUSED_MIN),
        (0, 0, 0),
    ];
    let (summary_h, pane_h) = tries
        .into_iter()
        .map(|(s, p, least)| (if focus == n { 0 } else { s }, p, least))
        .find(|(s, p, least)| s + p * others + least <= main.height)
        .map_or((0, 0), |(s, p, _)| (s, p));
    let focused_h = main.height.saturating_sub(summary_h + pane_h * others);
    let mut y = main.y;
    let mut next = |h: u16| {
        let r = Rect::new(main.x, y, main.width, h);
        y += h;
        r
    };
    let summary = next(if focus == n { focused_h } else { summary_h });
    let panes = (0..n)
        .map(|i| next(if i == focus { focused_h } else { pane_h }))
        .collect();
    (summary, panes)
}

/// How many text rows the focused pane (or the summary) shows.
#[must_use]
pub fn pane_rows(main: Rect, d: &Detail) -> usize {
    let (summary, panes) = layout(main, d);
    let rect = if d.summary_focused() {
        Some(summary)
    } else {
        panes.get(d.focus).copied()
    };
    rect.map_or(1, |r| usize::from(r.height.saturating_sub(2)))
}

/// A pane folded to one row: its title on the rule.
fn folded_title(frame: &mut Frame<'_>, rect: Rect, title: &str, theme: Theme) {
    let text = format!("─ ▸ {title} (Tab) ");
    let fill = usize::from(rect.width).saturating_sub(text.chars().count());
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(text, theme.dim()),
            Span::styled("─".repeat(fill), theme.border(false)),
        ])),
        Rect::new(rect.x, rect.y, rect.width, 1),
    );
}

/// Draws the view in `main`; `focused` when it has the keyboard.
pub fn render(frame: &mut Frame<'_>, main: Rect, d: &Detail, focused: bool, theme: Theme) {
    let (summary_area, pane_rects) = layout(main, d);
    let title = format!(" {} — {} ", d.title, d.arn);
    if summary_area.height >= 3 {
        let lines = summary_lines(d, summary_area.width, theme);
        let rows = usize::from(summary_area.height - 2);
        let start = d.summary_scroll.min(lines.len().saturating_sub(rows));
        let summary_focused = focused && d.summary_focused();
        let mark = if summary_focused { "▶" } else { "" };
        let mut block = Block::bordered()
            .title(Span::styled(format!("{mark}{title}"), theme.title()))
            .border_style(theme.border(summary_focused));
        if lines.len() > rows {
            // Where the view is, and how to see the rest.
            let how = if summary_focused {
                "j/k scroll"
            } else {
                "Tab to it shows it whole"
            };
            block = block.title_bottom(Span::styled(
                format!(
                    " {}-{}/{} · {how} ",
                    start + 1,
                    (start + rows).min(lines.len()),
                    lines.len()
                ),
                theme.dim(),
            ));
        }
        frame.render_widget(
            Paragraph::new(lines.into_iter().skip(start).take(rows).collect::<Vec<_>>())
                .block(block),
            summary_area,
        );
    } else if summary_area.height > 0 {
        folded_title(frame, summary_area, title.trim(), theme);
    }
    for (i, (pane, rect)) in d.panes.iter().zip(pane_rects).enumerate() {
        if rect.height >= 3 {
            render_pane(frame, rect, pane, d.plain, focused && i == d.focus, theme);
        } else if rect.height > 0 {
            folded_title(frame, rect, &pane.title, theme);
        }
    }
}

use crate::tui::widgets::pane::render_pane;
