//! The path view: how a user, a role or a simulated session gets to one role — every simple
//! path up to the depth limit, shortest first, each hop on its own selectable line with its
//! badges and each path ending with the longest session the role can then be given, under a
//! line saying what the role may do (its highest access level) — or,
//! when there is none, the engine's reason and the nearest broken hop. Built from the
//! engine's [`Paths`](crate::engine::graph::Paths) — and, when the shortest way there takes
//! an escalation hop, that way too (as `rolescope path` gives it), its escalation hops
//! marked `⇪` and explained with `x`; the role is chosen with the fuzzy picker and the paths are worked
//! out off the loop as an [`AccessJob`](crate::tui::access::AccessJob). It owns its keys and draws itself.

use std::sync::Arc;

use crate::engine::access_summary::{RoleAccess, for_role};
use crate::engine::graph::{Edge, EdgeStatus, MAX_PATHS, TrustGraph};
use crate::tui::access::PathsAnswer;
use crate::tui::access::{
    self, AccessQuery, ReachFrom, called_by_session, hop_line, max_session, path_text, prefill,
};
use crate::tui::escalation::{self, GLYPH};
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::command::Command;
use crate::tui::keys::{Binding, b, c, esc_key, hop_list_keys, movement as movement_keys};
use crate::tui::outcome::Outcome;
use crate::tui::theme::Theme;
use crate::tui::widgets::pane::Pane;
use crate::tui::widgets::pane::{hop_list, render_hops};
use crate::tui::widgets::text::human_secs;
use crate::tui::widgets::text::{TextLine, Tok};
use crate::tui::world::World;

/// The paths from one principal or session to one role, as a list pane of hops.
#[derive(Debug, Clone)]
pub struct PathView {
    pub from: ReachFrom,
    /// The graph principal the paths start at (a session's role for a session).
    pub from_arn: String,
    /// The target role, as an index into the inventory's roles, and its ARN.
    pub role: usize,
    pub role_arn: String,
    /// "working out…" until the answer comes, then the paths.
    pub pane: Pane,
    /// The graph's answer, kept to lay the pane out again at another width; `None` while it
    /// is worked out.
    pub answer: Option<(Arc<TrustGraph>, Arc<PathsAnswer>)>,
}

impl PathView {
    /// Moves, opens the hop's role, simulates the hop, or closes.
    pub fn handle(&mut self, command: &Command, world: &mut World) -> Outcome {
        hop_list(&mut self.pane, command, world)
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, focused: bool, theme: Theme) {
        render_hops(frame, area, &self.pane, focused, theme);
    }
}

/// The start of a path as the view names it: `maria.garcia`, `session arn:…`.
///
/// # Errors
/// When the session is gone.
pub fn start(world: &World, from: &ReachFrom) -> Result<(String, String), String> {
    let (arn, _) = access::reach_start(world, from)?;
    let label = match from {
        ReachFrom::Principal(arn) => arn.rsplit('/').next().unwrap_or(arn).to_owned(),
        ReachFrom::Session(id) => world.session(*id).map_or_else(
            || arn.clone(),
            |s| format!("session {}", s.issued.session_arn),
        ),
    };
    Ok((arn, label))
}

fn title(world: &World, from: &ReachFrom, role: usize) -> String {
    let label = start(world, from).map_or_else(|e| e, |(_, l)| l);
    let role = world
        .inventory
        .roles
        .get(role)
        .map_or("?", |r| r.name.as_str());
    let chained = if matches!(from, ReachFrom::Session(_)) {
        " (chaining: each first hop is capped at 1 h)"
    } else {
        ""
    };
    format!("Paths from {label} to {role}{chained}")
}

/// A path view waiting for its answer, and the question to ask for it.
///
/// # Errors
/// When the session is gone or the role is not loaded.
pub fn ask(world: &World, from: ReachFrom, role: usize) -> Result<(PathView, AccessQuery), String> {
    let (arn, label) = start(world, &from)?;
    let role_arn = world
        .inventory
        .roles
        .get(role)
        .map(|r| r.arn.clone())
        .ok_or("that role is no longer loaded; pick another")?;
    let name = role_arn.rsplit('/').next().unwrap_or(&role_arn).to_owned();
    let text = format!("working out how {label} gets to {name}…");
    let view = PathView {
        pane: access::pending_pane(&title(world, &from, role), &text),
        from: from.clone(),
        from_arn: arn.clone(),
        role,
        role_arn: role_arn.clone(),
        answer: None,
    };
    Ok((
        view,
        AccessQuery::Path {
            from,
            arn,
            role,
            role_arn,
        },
    ))
}

pub use crate::tui::widgets::text::{text_width, wrap};

/// Fills the view's pane from the graph's answer: every path with each hop selectable
/// (its Simulate form pre-filled), or the reason there is none and the hops up to the
/// nearest broken one.
pub fn fill(world: &World, graph: &TrustGraph, view: &mut PathView, full: &PathsAnswer) {
    let answer = &full.paths;
    let width = text_width(world.width);
    let mut pane = Pane {
        title: title(world, &view.from, view.role),
        list: true,
        ..Pane::default()
    };
    let mut lines: Vec<TextLine> = Vec::new();
    let root = answer.from;
    let hop = |lines: &mut Vec<TextLine>, pane: &mut Pane, e: &Edge| {
        if let Some(mut p) = prefill(world, graph, e) {
            if e.from == root {
                called_by_session(world, &view.from, &mut p);
            }
            pane.rows.push((lines.len(), p.into()));
        }
        lines.push(hop_line(graph, e));
    };
    if let Some(none) = &answer.no_path {
        lines.push(vec![(
            Tok::Heading,
            format!("── no path within {} hop(s) ──", answer.max_depth),
        )]);
        for (i, l) in wrap(&none.reason, width).into_iter().enumerate() {
            let lead = if i == 0 { "why: " } else { "     " };
            lines.push(vec![(Tok::Plain, format!("{lead}{l}"))]);
        }
        match &none.nearest_broken {
            Some((reached, broken)) => {
                lines.push(vec![(
                    Tok::Heading,
                    "── the nearest broken hop ──".to_owned(),
                )]);
                if reached.is_empty() {
                    lines.push(vec![(
                        Tok::Plain,
                        "straight from the start: the first hop itself is broken".to_owned(),
                    )]);
                } else {
                    lines.push(vec![(
                        Tok::Plain,
                        format!(
                            "its caller is reached by {} ({} working hop(s)):",
                            path_text(graph, reached),
                            reached.len()
                        ),
                    )]);
                    for e in &reached.hops {
                        hop(&mut lines, &mut pane, e);
                    }
                }
                hop(&mut lines, &mut pane, broken);
                if let EdgeStatus::Broken { message, .. } = &broken.status {
                    for l in wrap(message, width) {
                        lines.push(vec![(Tok::Problem, format!("    {l}"))]);
                    }
                }
            }
            None => lines.push(vec![(
                Tok::Plain,
                "no broken hop leads there either: nothing the trust names is within reach"
                    .to_owned(),
            )]),
        }
    } else {
        lines.push(vec![(
            Tok::Heading,
            format!(
                "── {} path(s) within {} hop(s), shortest first ──",
                answer.paths.len(),
                answer.max_depth
            ),
        )]);
        // What the role reached may do: one role, summarised once when the answer comes.
        let access = world.inventory.roles.get(view.role).and_then(|r| {
            let catalogue = crate::engine::catalogue::get();
            RoleAccess::of(&for_role(r, &world.inventory, catalogue), catalogue)
        });
        lines.push(vec![
            (Tok::Plain, "the role may do: ".to_owned()),
            (
                Tok::Str,
                access.map_or_else(|| "nothing".to_owned(), |a| a.summary),
            ),
        ]);
        for (i, path) in answer.paths.iter().enumerate() {
            lines.push(vec![
                (Tok::Key, format!("{}. {}", i + 1, path_text(graph, path))),
                (
                    Tok::Plain,
                    format!(
                        " · {} hop(s) · max {}",
                        path.len(),
                        human_secs(i64::from(max_session(&view.from, path)))
                    ),
                ),
            ]);
            for e in &path.hops {
                hop(&mut lines, &mut pane, e);
            }
        }
        if answer.truncated {
            lines.push(vec![(
                Tok::Problem,
                format!(
                    "truncated: more than {MAX_PATHS} paths exist; the first {MAX_PATHS} are listed, shortest first"
                ),
            )]);
        }
    }
    if let Some(p) = &full.escalation {
        let shorter = answer.paths.first().is_some_and(|x| p.len() < x.len());
        lines.push(vec![(
            Tok::Heading,
            format!(
                "── {} through escalation hops ({GLYPH} = not an AssumeRole; x explains) ──",
                if answer.paths.is_empty() {
                    "but a way exists"
                } else if shorter {
                    "shorter"
                } else {
                    "also"
                },
            ),
        )]);
        lines.push(vec![
            (Tok::Key, escalation::steps_text(graph, p)),
            (Tok::Plain, format!(" · {} step(s)", p.len())),
        ]);
        access::step_lines(world, graph, &full.esc, p, &mut pane, &mut lines);
    }
    access::fill_pane(&mut pane, lines);
    view.pane = pane;
}

/// The path view's keys.
#[must_use]
pub fn keys() -> Vec<Binding> {
    let mut t = hop_list_keys("open the hop's role");
    t.push(crate::tui::keys::explain_key());
    t.push(b(
        vec![c('V')],
        "V",
        "paths from the same start to another role",
        true,
        Command::PathTo,
    ));
    t.extend(movement_keys());
    t.push(b(vec![c('?')], "?", "help", false, Command::ToggleHelp));
    t.push(esc_key("close"));
    t
}
