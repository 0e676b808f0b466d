//! The Sessions panel: who "you" are now, then every simulated session with its chain,
//! ARN, live countdown and gauge, state in words and badges. Collapsed, a one-line count.
//! It owns the cursor over the world's sessions, moves it, ends and copies the session
//! under it; opening something for that session (chain, ask, inspect, reach, paths) is
//! the app's, which reads [`SessionsPanel::current`].

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::command::Command;
use crate::tui::keys::{
    Binding, b, c, clock, common_tail, external_key, k, movement as movement_keys, path_key,
    reach_key, whatif_keys,
};
use crate::tui::outcome::{Outcome, clamp_add, movement};
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::{ellipsize, mmss};
use crate::tui::world::{Session, SessionState, World};

/// The panel's cursor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionsPanel {
    /// The index of the session under the cursor in the world's sessions.
    pub selected: usize,
}

impl SessionsPanel {
    /// The session under the cursor.
    #[must_use]
    pub fn current<'a>(&self, world: &'a World) -> Option<&'a Session> {
        world.sessions.get(self.selected)
    }

    /// Moves the cursor, ends or copies the session under it, or gives the keyboard back
    /// to the main pane; `area` is where the panel is drawn.
    pub fn handle(&mut self, command: &Command, world: &mut World, area: Rect) -> Outcome {
        if let Some(delta) = movement(command, usize::from(area.height / 3)) {
            self.selected = clamp_add(self.selected, delta, world.sessions.len());
            return Outcome::Done;
        }
        match command {
            Command::FocusNext | Command::FocusPrev | Command::Back => Outcome::FocusMain,
            Command::EndSession => {
                let now = world.now;
                if let Some(s) = world.sessions.get_mut(self.selected)
                    && s.ended_at.is_none()
                {
                    s.ended_at = Some(now);
                    let text = format!("ended session {}", s.issued.session_arn);
                    world.note(text);
                }
                Outcome::Done
            }
            Command::YankArn => match self.current(world).map(|s| s.issued.session_arn.clone()) {
                Some(arn) => Outcome::Effects(vec![world.copy(&arn, arn.clone())]),
                None => {
                    world.say("nothing selected to copy", true);
                    Outcome::Done
                }
            },
            _ => Outcome::Ignored,
        }
    }
}

/// The panel's keys.
#[must_use]
pub fn keys() -> Vec<Binding> {
    let mut t = vec![
        b(
            vec![c('c')],
            "c",
            "chain (assume a further role from this session)",
            true,
            Command::Chain,
        ),
        b(
            vec![c('w')],
            "w",
            "what can it do? (action + resource)",
            true,
            Command::Ask,
        ),
        b(
            vec![c('i'), k(KeyCode::Enter)],
            "i",
            "inspect tags and context",
            true,
            Command::Inspect,
        ),
        reach_key("what can this session reach? (tree)"),
        path_key("paths from this session to a role you pick"),
        external_key(),
    ];
    t.extend(whatif_keys(false));
    t.push(b(
        vec![c('x')],
        "x",
        "end the session",
        true,
        Command::EndSession,
    ));
    t.push(b(
        vec![k(KeyCode::Tab), k(KeyCode::Esc)],
        "Tab",
        "back to the main pane",
        true,
        Command::FocusNext,
    ));
    t.extend(movement_keys());
    t.extend(clock());
    t.extend(common_tail());
    t
}

/// Lines above the first session (who "you" are).
const HEAD: u16 = 2;
/// Lines per session.
const PER: u16 = 3;

/// The session index drawn at row `y`, if any.
#[must_use]
pub fn session_at(area: Rect, world: &World, panel: SessionsPanel, y: u16) -> Option<usize> {
    let top = area.y + 1 + HEAD;
    if y < top {
        return None;
    }
    let i = first_shown(area, panel) + usize::from((y - top) / PER);
    (i < world.sessions.len()).then_some(i)
}

fn capacity(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2 + HEAD) / PER).max(1)
}

fn first_shown(area: Rect, panel: SessionsPanel) -> usize {
    let cap = capacity(area);
    panel.selected.saturating_sub(cap - 1)
}

fn gauge(fraction: f64, width: usize) -> String {
    let f = fraction.clamp(0.0, 1.0);
    let total = u32::try_from(width).unwrap_or(0);
    // Rounded to whole cells; the precision loss is the point.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a value in 0..=width"
    )]
    let filled = ((f * f64::from(total)).round() as u32).min(total) as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

fn badges(s: &Session) -> String {
    let mut b = Vec::new();
    if s.issued.chained {
        b.push("chained: 1 h cap");
    }
    if s.issued.mfa {
        b.push("MFA");
    }
    if s.issued.source_identity.is_some() {
        b.push("source identity");
    }
    if !s.issued.tags.is_empty() {
        b.push("tags");
    }
    b.join(" · ")
}

fn session_lines(
    s: &Session,
    world: &World,
    (selected, focused): (bool, bool),
    width: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let now = world.now;
    let st = s.state(now);
    let (word, style) = match st {
        SessionState::Active => ("ACTIVE", theme.ok()),
        SessionState::ExpiringSoon => ("EXPIRING", theme.warn()),
        SessionState::Expired => ("EXPIRED", theme.error()),
        SessionState::Ended => ("ENDED", theme.dim()),
    };
    let base = if selected && focused {
        theme.selected()
    } else {
        Style::new()
    };
    let cursor = if selected { "▶" } else { " " };
    let chain = s.chain.join(" → ");
    let line1 = Line::from(vec![
        Span::styled(format!("{cursor} "), base),
        Span::styled(format!("{word:<8}"), style),
        Span::styled(
            format!(" {}", ellipsize(&chain, width.saturating_sub(11))),
            base,
        ),
    ]);
    let line2 = Line::styled(
        format!(
            "  {}",
            ellipsize(&s.issued.session_arn, width.saturating_sub(2))
        ),
        theme.dim(),
    );
    let line3 = match st {
        SessionState::Active | SessionState::ExpiringSoon => {
            let left = (s.issued.expires_at - now).num_seconds();
            let life = (s.issued.expires_at - s.issued.issued_at)
                .num_seconds()
                .max(1);
            #[expect(clippy::cast_precision_loss, reason = "a display fraction")]
            let fraction = left as f64 / life as f64;
            let text = format!("{} left ", mmss(left));
            let bw = 10.min(width.saturating_sub(text.chars().count() + 3));
            Line::from(vec![
                Span::raw("  "),
                Span::styled(text, style),
                Span::styled(gauge(fraction, bw), style),
                Span::styled(
                    format!(" {}", ellipsize(&badges(s), width.saturating_sub(bw + 14))),
                    theme.badge(),
                ),
            ])
        }
        SessionState::Expired => Line::from(vec![
            Span::raw("  "),
            Span::styled(
                format!("expired at {}", s.issued.expires_at.format("%H:%M:%S")),
                style,
            ),
            Span::styled(format!(" {}", badges(s)), theme.dim()),
        ]),
        SessionState::Ended => Line::styled(
            format!(
                "  ended at {}",
                s.ended_at
                    .map(|t| t.format("%H:%M:%S").to_string())
                    .unwrap_or_default()
            ),
            theme.dim(),
        ),
    };
    vec![line1, line2, line3]
}

/// Draws the panel in `area`: collapsed to one line, or with the keyboard (`focused`).
pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    world: &World,
    panel: SessionsPanel,
    (collapsed, focused): (bool, bool),
    theme: Theme,
) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let usable = world
        .sessions
        .iter()
        .filter(|s| s.is_usable(world.now))
        .count();
    if collapsed {
        let text = format!(
            " Sessions: {usable} usable, {} listed — S shows the panel",
            world.sessions.len()
        );
        frame.render_widget(Paragraph::new(Line::styled(text, theme.dim())), area);
        return;
    }
    let title = format!(" Sessions — {usable} usable / {} ", world.sessions.len());
    let block = Block::bordered()
        .title(Span::styled(title, theme.title()))
        .border_style(theme.border(focused));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = usize::from(inner.width);
    let mut lines = Vec::new();
    match world.you() {
        Some(s) => {
            lines.push(Line::from(vec![
                Span::styled("You: ", theme.key()),
                Span::raw(ellipsize(&s.issued.session_arn, w.saturating_sub(5))),
            ]));
            lines.push(Line::styled(
                ellipsize(
                    &format!(
                        "{}'s permissions only: they replace the caller's own",
                        s.role_name
                    ),
                    w,
                ),
                theme.dim(),
            ));
        }
        None => {
            lines.push(Line::from(vec![
                Span::styled("You: ", theme.key()),
                Span::raw("no simulated session"),
            ]));
            lines.push(Line::styled(
                ellipsize("a on a role simulates an assume-role", w),
                theme.dim(),
            ));
        }
    }
    let first = first_shown(area, panel);
    for (i, s) in world
        .sessions
        .iter()
        .enumerate()
        .skip(first)
        .take(capacity(area))
    {
        lines.extend(session_lines(
            s,
            world,
            (i == panel.selected, focused),
            w,
            theme,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
