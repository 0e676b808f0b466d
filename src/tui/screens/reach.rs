//! The reach tree: every role a principal or session can get to, as an expandable tree
//! (shortest paths first), each line ending with the longest session the role can then be
//! given and what the role may do (its highest access level, summarised only for the lines
//! drawn); broken hops (caller half missing) follow, marked `✗`. Principals reached only
//! through escalation hops (as `rolescope reach` lists them) hang under the principal the
//! hop leaves from, marked `⇪` with the actions the technique needs, and so does the way to
//! administrator when it ends with the principal granting itself more; escalation edges out
//! of the start that do not work follow the broken hops. Built from the engine's [`Reach`]
//! answer and its escalation part (worked out off the loop); `a` on a line opens the
//! Simulate form filled in for the hop into that role, `x` explains an escalation hop.

use std::collections::BTreeSet;
use std::sync::Arc;

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::engine::access_summary::RoleAccessLevels;
use crate::engine::escalation::walk::StepPath;
use crate::engine::graph::{DEFAULT_MAX_DEPTH, EdgeStatus, NodeId, Reach, TrustGraph};
use crate::tui::access::{
    Prefill, ReachFrom, badges, called_by_session, max_session, prefill, reach_start, short,
};
use crate::tui::command::Command;
use crate::tui::escalation::{EscalationHop, GLYPH, ReachEscalation};
use crate::tui::keys::{Binding, b, c, esc_key, k, movement as movement_keys, path_key};
use crate::tui::outcome::{Outcome, clamp_add, movement};
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::{ellipsize, selectable};
use crate::tui::widgets::pane::{popup_rect, popup_rows};
use crate::tui::widgets::text::{TextLine, Tok, human_secs};
use crate::tui::world::World;

/// One visible line of the reach tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeLine {
    pub depth: usize,
    /// The row of [`ReachView::rows`] this line shows; `None` for a broken hop.
    pub row: Option<usize>,
    pub has_children: bool,
    pub expanded: bool,
    pub text: TextLine,
    pub prefill: Option<Prefill>,
    /// The escalation hop into the line's principal, when it is one.
    pub escalation: Option<Box<EscalationHop>>,
}

/// The reach tree of one principal: every role it can get to, shortest path first, each
/// path ending with the longest session the last role can then be given and what the role
/// may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReachView {
    pub from: ReachFrom,
    pub title: String,
    /// Each reachable role: its graph node, its parent in the tree, its hop in, the path.
    pub rows: Vec<ReachNode>,
    pub broken: Vec<(TextLine, Option<Prefill>, Option<Box<EscalationHop>>)>,
    pub root: NodeId,
    pub expanded: BTreeSet<NodeId>,
    pub selected: usize,
    pub scroll: usize,
    /// What each role may do, summarised when its line is first drawn.
    pub access: AccessCache,
}

/// One reachable role of a [`ReachView`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReachNode {
    pub node: NodeId,
    /// The principal's ARN (a role's, or a user's reached through an escalation hop).
    pub role_arn: String,
    pub parent: NodeId,
    pub line: TextLine,
    pub prefill: Option<Prefill>,
    /// The escalation hop in, when the last step in is one.
    pub escalation: Option<Box<EscalationHop>>,
    /// The path in takes an escalation hop.
    pub through_escalation: bool,
    /// The engine's whole path in, for a line reached through an escalation hop.
    pub path: Option<StepPath>,
    /// A line with nothing under it: the way to administrator by a self-escalation.
    pub leaf: bool,
    /// Whether the principal is a role (what it may do is summarised then).
    pub is_role: bool,
}

/// The access levels of the roles a reach tree shows, computed for the lines drawn only (a
/// tree can hold 20,000 roles) and kept while the view is open. Derived from the inventory
/// alone, so two caches of one view are equal whatever they hold.
#[derive(Debug, Clone)]
pub struct AccessCache(Arc<RoleAccessLevels>);

impl PartialEq for AccessCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for AccessCache {}

impl AccessCache {
    /// The phrase for the role with this ARN: `full admin`, `Read on s3 (partial)`, `nothing`.
    #[must_use]
    pub fn phrase(&self, role_arn: &str) -> String {
        self.0
            .of(role_arn, crate::engine::catalogue::get())
            .map_or_else(|| "nothing".to_owned(), |a| a.summary.clone())
    }
}

/// Builds the reach tree for `from` from the graph's answer.
///
/// # Errors
/// A sentence saying why no tree can be built.
pub fn reach_view(
    world: &World,
    graph: &TrustGraph,
    from: ReachFrom,
    reach: &Reach,
) -> Result<ReachView, String> {
    let (_, title) = reach_start(world, &from)?;
    let root = reach.from;
    let mut rows = Vec::new();
    for r in &reach.rows {
        let Some(last) = r.path.hops.last() else {
            continue;
        };
        let mut p = prefill(world, graph, last);
        if last.from == root
            && let Some(p) = &mut p
        {
            called_by_session(world, &from, p);
        }
        let max = max_session(&from, &r.path);
        let line = vec![
            (
                Tok::Key,
                format!(
                    "{} ({})",
                    short(graph, r.role),
                    graph.node(r.role).account.as_deref().unwrap_or("?")
                ),
            ),
            (Tok::Plain, "  ".to_owned()),
            (Tok::Str, format!("[{}]", badges(last))),
            (
                Tok::Plain,
                format!(
                    "  {} hop(s) · max {}",
                    r.path.len(),
                    human_secs(i64::from(max))
                ),
            ),
        ];
        rows.push(ReachNode {
            node: r.role,
            role_arn: graph.node(r.role).id.clone(),
            parent: last.from,
            line,
            prefill: p,
            escalation: None,
            through_escalation: false,
            path: None,
            leaf: false,
            is_role: true,
        });
    }
    let broken = reach
        .broken
        .iter()
        .map(|e| {
            let msg = match &e.status {
                EdgeStatus::Broken { message, .. } => message.clone(),
                EdgeStatus::Unknown { .. } => {
                    format!("unknown: {}", e.status.unknown_reason().unwrap_or_default())
                }
                EdgeStatus::Works => String::new(),
            };
            (
                vec![
                    (
                        Tok::Problem,
                        format!("✗ {} → {}", short(graph, e.from), short(graph, e.to)),
                    ),
                    (Tok::Plain, "  ".to_owned()),
                    (Tok::Problem, format!("[{}]", badges(e))),
                    (Tok::Plain, format!("  {msg}")),
                ],
                prefill(world, graph, e),
                None,
            )
        })
        .collect();
    Ok(ReachView {
        from,
        title,
        rows,
        broken,
        root,
        expanded: BTreeSet::from([root]),
        selected: 0,
        scroll: 0,
        access: AccessCache(Arc::new(RoleAccessLevels::new(Arc::clone(
            &world.inventory,
        )))),
    })
}

impl ReachView {
    /// Adds what `escalation` (the escalation part of the same answer) reaches: each
    /// principal reached only through escalation hops under the principal its last step
    /// leaves from (at the top when that one is not in the tree), the way to administrator
    /// by a self-escalation under the principal that grants itself more, and the escalation
    /// edges out of the start that do not work after the broken hops.
    pub fn add_escalation(
        &mut self,
        world: &World,
        graph: &TrustGraph,
        from: &ReachFrom,
        escalation: &ReachEscalation,
    ) {
        let esc = &escalation.esc;
        let hop_of = |e: &Arc<crate::engine::escalation::EscalationEdge>| {
            Box::new(EscalationHop::new(&world.inventory, graph, esc, e))
        };
        let root = self.root;
        let in_tree = |rows: &[ReachNode], n: NodeId| n == root || rows.iter().any(|r| r.node == n);
        for r in &escalation.through {
            let Some(last) = r.path.steps.last() else {
                continue;
            };
            let node = graph.node(r.principal);
            let mut parent = last.from();
            if !in_tree(&self.rows, parent) {
                parent = root;
            }
            let name = format!("{} ({})", node.name, node.account.as_deref().unwrap_or("?"));
            let steps = format!("  {} step(s)", r.path.len());
            let (line, prefill, escalation) = match last {
                crate::engine::escalation::Step::Escalate(e) => {
                    let hop = hop_of(e);
                    (
                        vec![
                            (Tok::Key, name),
                            (Tok::Plain, "  ".to_owned()),
                            (
                                Tok::Lit,
                                format!("{GLYPH} {}", crate::tui::escalation::actions(e)),
                            ),
                            (Tok::Plain, "  ".to_owned()),
                            (Tok::Str, format!("[{}]", crate::tui::escalation::badges(e))),
                            (Tok::Plain, steps),
                        ],
                        None,
                        Some(hop),
                    )
                }
                crate::engine::escalation::Step::Assume(e) => {
                    let mut p = prefill(world, graph, e);
                    if e.from == root
                        && let Some(p) = &mut p
                    {
                        called_by_session(world, from, p);
                    }
                    (
                        vec![
                            (Tok::Key, name),
                            (Tok::Plain, "  ".to_owned()),
                            (Tok::Str, format!("[{}]", badges(e))),
                            (Tok::Plain, steps),
                            (Tok::Lit, format!(" (after a {GLYPH} hop)")),
                        ],
                        p,
                        None,
                    )
                }
            };
            let node_id = r.principal;
            self.rows.push(ReachNode {
                node: node_id,
                role_arn: node.id.clone(),
                parent,
                line,
                prefill,
                escalation,
                through_escalation: true,
                path: Some(r.path.clone()),
                leaf: false,
                is_role: node.kind == crate::engine::graph::NodeKind::Role,
            });
        }
        if let Some(p) = &escalation.to_admin
            && let Some(crate::engine::escalation::Step::Escalate(e)) = p.steps.last()
        {
            let mut parent = e.from;
            if !in_tree(&self.rows, parent) {
                parent = root;
            }
            self.rows.push(ReachNode {
                node: e.from,
                role_arn: graph.node(e.from).id.clone(),
                parent,
                line: vec![
                    (
                        Tok::Key,
                        format!(
                            "administrator ({} grants itself more)",
                            graph.node(e.from).name
                        ),
                    ),
                    (Tok::Plain, "  ".to_owned()),
                    (
                        Tok::Lit,
                        format!("{GLYPH} {}", crate::tui::escalation::actions(e)),
                    ),
                    (Tok::Plain, "  ".to_owned()),
                    (Tok::Str, format!("[{}]", crate::tui::escalation::badges(e))),
                    (Tok::Plain, format!("  {} step(s)", p.len())),
                ],
                prefill: None,
                escalation: Some(hop_of(e)),
                through_escalation: true,
                path: Some(p.clone()),
                leaf: true,
                is_role: false,
            });
        }
        for e in &escalation.refused {
            let hop = hop_of(e);
            let why = match &e.status {
                EdgeStatus::Broken { message, .. } => message.clone(),
                EdgeStatus::Unknown { message, .. } => format!("unknown: {message}"),
                EdgeStatus::Works => String::new(),
            };
            self.broken.push((
                vec![
                    (
                        Tok::Problem,
                        format!("✗ {GLYPH} {} ⇒ {}", hop.from, hop.target()),
                    ),
                    (Tok::Plain, "  ".to_owned()),
                    (Tok::Lit, crate::tui::escalation::actions(e)),
                    (Tok::Plain, "  ".to_owned()),
                    (
                        Tok::Problem,
                        format!("[{}]", crate::tui::escalation::badges(e)),
                    ),
                    (Tok::Plain, format!("  {why}")),
                ],
                None,
                Some(hop),
            ));
        }
    }

    /// The lines on screen: the tree, expanded where asked, then the broken hops.
    #[must_use]
    pub fn lines(&self) -> Vec<TreeLine> {
        let mut out = Vec::new();
        self.walk(self.root, 0, &mut out);
        if out.is_empty() {
            out.push(TreeLine {
                depth: 0,
                row: None,
                has_children: false,
                expanded: false,
                text: vec![(
                    Tok::Plain,
                    "no role can be reached from here with the loaded data".into(),
                )],
                prefill: None,
                escalation: None,
            });
        }
        for (text, prefill, escalation) in &self.broken {
            out.push(TreeLine {
                depth: 0,
                row: None,
                has_children: false,
                expanded: false,
                text: text.clone(),
                prefill: prefill.clone(),
                escalation: escalation.clone(),
            });
        }
        out
    }

    fn walk(&self, parent: NodeId, depth: usize, out: &mut Vec<TreeLine>) {
        for (i, r) in self.rows.iter().enumerate() {
            if r.parent != parent {
                continue;
            }
            let has_children = !r.leaf && self.rows.iter().any(|c| c.parent == r.node);
            let expanded = self.expanded.contains(&r.node);
            out.push(TreeLine {
                depth,
                row: Some(i),
                has_children,
                expanded,
                text: r.line.clone(),
                prefill: r.prefill.clone(),
                escalation: r.escalation.clone(),
            });
            if expanded && has_children && depth < DEFAULT_MAX_DEPTH {
                self.walk(r.node, depth + 1, out);
            }
        }
    }

    /// Opens or closes the selected line's subtree; `open` `None` toggles.
    pub fn expand(&mut self, open: Option<bool>) {
        let lines = self.lines();
        let Some(line) = lines.get(self.selected) else {
            return;
        };
        let Some(node) = line
            .row
            .and_then(|i| self.rows.get(i))
            .filter(|r| !r.leaf)
            .map(|r| r.node)
        else {
            return;
        };
        let now_open = self.expanded.contains(&node);
        let want = open.unwrap_or(!now_open);
        if want && line.has_children {
            self.expanded.insert(node);
        } else if !want {
            if now_open {
                self.expanded.remove(&node);
            } else if line.depth > 0 {
                // Closing a closed line goes up to its parent.
                let parent = self.rows.get(line.row.unwrap_or(0)).map(|r| r.parent);
                if let Some(pos) = lines
                    .iter()
                    .position(|l| l.row.and_then(|i| self.rows.get(i)).map(|r| r.node) == parent)
                {
                    self.selected = pos;
                }
            }
        }
    }

    /// Ends a role's line with what the role may do (summarised now if it was not yet).
    fn with_access(&self, line: &mut TreeLine) {
        if let Some(r) = line.row.and_then(|i| self.rows.get(i))
            && r.is_role
        {
            line.text.push((Tok::Plain, " · ".to_owned()));
            line.text.push((Tok::Str, self.access.phrase(&r.role_arn)));
        }
    }

    /// Opens every subtree.
    pub fn expand_all(&mut self) {
        let nodes: Vec<NodeId> = self.rows.iter().map(|r| r.node).collect();
        self.expanded.extend(nodes);
    }
}

impl ReachView {
    /// Moves, opens and closes branches, simulates the hop into the selected role, or
    /// closes; `v` and `V` are the app's (they start from the tree's start).
    pub fn handle(&mut self, command: &Command, world: &mut World) -> Outcome {
        let rows = popup_rows(world.width, world.height);
        if let Some(delta) = movement(command, rows) {
            self.selected = clamp_add(self.selected, delta, self.lines().len());
            self.keep_visible(rows);
            return Outcome::Done;
        }
        let selected = self
            .lines()
            .get(self.selected)
            .map(|l| l.escalation.clone());
        if matches!(command, Command::Explain | Command::Simulate)
            && let Some(escalation) = &selected
            && (escalation.is_some() || matches!(command, Command::Explain))
            && let Some(outcome) =
                crate::tui::widgets::pane::escalation_keys(escalation.as_deref(), command, world)
        {
            return outcome;
        }
        match command {
            Command::Open => self.expand(None),
            Command::Collapse => self.expand(Some(false)),
            Command::ExpandAll => self.expand_all(),
            Command::Simulate => {
                return match self
                    .lines()
                    .get(self.selected)
                    .and_then(|l| l.prefill.clone())
                {
                    Some(hop) => Outcome::Simulate {
                        hop: Box::new(hop),
                        duration: None,
                    },
                    None => {
                        world.say("no hop on this line to simulate", true);
                        Outcome::Done
                    }
                };
            }
            Command::Back => return Outcome::Close,
            _ => return Outcome::Ignored,
        }
        self.keep_visible(rows);
        Outcome::Done
    }

    /// Keeps the selected line inside a window `rows` tall.
    pub fn keep_visible(&mut self, rows: usize) {
        let n = self.lines().len();
        self.selected = self.selected.min(n.saturating_sub(1));
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + rows {
            self.scroll = self.selected + 1 - rows;
        }
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, focused: bool, theme: Theme) {
        let view = self;
        let r = popup_rect(area);
        frame.render_widget(Clear, r);
        let block = Block::bordered()
            .title(Span::styled(format!(" {} ", view.title), theme.title()))
            .border_style(theme.border(focused));
        let mut inner = block.inner(r);
        frame.render_widget(block, r);
        let mut lines = view.lines();
        // The selected line, when too long for the tree, is shown whole under it.
        if let Some(l) = lines.get_mut(view.selected) {
            view.with_access(l);
            let text: String = l.text.iter().map(|(_, s)| s.as_str()).collect();
            let width = usize::from(inner.width);
            let room = width.saturating_sub(4 + 2 * l.depth);
            let max = usize::from(inner.height / 2).saturating_sub(1);
            let more = crate::tui::widgets::layout::overflow(&text, room, width, max);
            inner = crate::tui::widgets::layout::render_overflow(frame, inner, &more, theme);
        }
        let rows = usize::from(inner.height).max(1);
        let mut start = view.scroll.min(lines.len().saturating_sub(1));
        if view.selected >= start + rows {
            start = view.selected + 1 - rows;
        }
        let width = usize::from(inner.width);
        let out: Vec<Line> = lines
            .iter_mut()
            .enumerate()
            .skip(start)
            .take(rows)
            .map(|(i, l)| {
                let selected = i == view.selected;
                if !selected {
                    view.with_access(l);
                }
                let mark = match (l.row.is_some(), l.has_children, l.expanded) {
                    (false, _, _) => "  ",
                    (true, true, true) => "▾ ",
                    (true, true, false) => "▸ ",
                    (true, false, _) => "• ",
                };
                let mut spans = vec![
                    Span::styled(
                        if selected { "▶ " } else { "  " },
                        if selected {
                            theme.selected()
                        } else {
                            theme.dim()
                        },
                    ),
                    Span::raw(format!("{}{mark}", "  ".repeat(l.depth))),
                ];
                let mut used = 4 + 2 * l.depth;
                for (tok, s) in &l.text {
                    let room = width.saturating_sub(used);
                    if room == 0 {
                        break;
                    }
                    let s = ellipsize(s, room);
                    used += s.chars().count();
                    spans.push(Span::styled(s, theme.token(*tok)));
                }
                selectable(Line::from(spans), selected, theme)
            })
            .collect();
        frame.render_widget(Paragraph::new(out), inner);
    }
}

/// The reach tree's keys.
#[must_use]
pub fn keys() -> Vec<Binding> {
    let mut t = vec![
        b(
            vec![k(KeyCode::Enter), c('l'), k(KeyCode::Right)],
            "Enter",
            "open/close the branch",
            true,
            Command::Open,
        ),
        b(
            vec![c('h'), k(KeyCode::Left)],
            "h/←",
            "close the branch (or go to its parent)",
            false,
            Command::Collapse,
        ),
        b(
            vec![c('*')],
            "*",
            "open every branch",
            true,
            Command::ExpandAll,
        ),
        b(
            vec![c('a')],
            "a",
            "simulate the hop into this role",
            true,
            Command::Simulate,
        ),
        crate::tui::keys::explain_key(),
        path_key("every path from the tree's start to a role (this one offered first)"),
    ];
    t.extend(movement_keys());
    t.push(b(vec![c('?')], "?", "help", false, Command::ToggleHelp));
    t.push(esc_key("close"));
    t
}
