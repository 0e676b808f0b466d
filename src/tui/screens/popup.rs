//! Small pop-ups: a session's particulars (chain, ARNs, times, MFA, source identity,
//! tags, request context and the simulator's notes) and a plain message. They scroll and
//! close; nothing else.

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::command::Command;
use crate::tui::keys::{Binding, b, c, k};
use crate::tui::outcome::{Outcome, clamp_add, movement};
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::{centered, mmss};
use crate::tui::world::World;

/// A session's particulars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspect {
    pub session: u32,
    pub scroll: usize,
}

impl Inspect {
    #[must_use]
    pub fn new(session: u32) -> Self {
        Self { session, scroll: 0 }
    }

    pub fn handle(&mut self, command: &Command) -> Outcome {
        if let Some(delta) = movement(command, 10) {
            self.scroll = clamp_add(self.scroll, delta, 100);
            return Outcome::Done;
        }
        close_on(command)
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, world: &World, theme: Theme) {
        let r = centered(area, 96, area.height.saturating_sub(2));
        frame.render_widget(Clear, r);
        let block = Block::bordered()
            .title(Span::styled(" Session ", theme.title()))
            .border_style(theme.border(true));
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let Some(s) = world.session(self.session) else {
            frame.render_widget(Paragraph::new("this session is gone"), inner);
            return;
        };
        let kv = |k: &str, v: String| {
            Line::from(vec![
                Span::styled(format!("{k:<18}"), theme.key()),
                Span::raw(v),
            ])
        };
        let i = &s.issued;
        let mut lines = vec![
            kv("Chain", s.chain.join(" → ")),
            kv("Session ARN", i.session_arn.clone()),
            kv("Assumed role id", i.assumed_role_id.clone()),
            kv("Role", s.role_arn.clone()),
            kv(
                "Issued",
                i.issued_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            ),
            kv(
                "Expires",
                format!(
                    "{} ({})",
                    i.expires_at.format("%Y-%m-%d %H:%M:%S UTC"),
                    if i.expires_at > world.now {
                        format!("{} left", mmss((i.expires_at - world.now).num_seconds()))
                    } else {
                        "expired".into()
                    }
                ),
            ),
            kv(
                "Chained",
                if i.chained {
                    "yes — capped at one hour".into()
                } else {
                    "no".into()
                },
            ),
            kv("MFA", if i.mfa { "yes".into() } else { "no".into() }),
            kv(
                "Source identity",
                i.source_identity.clone().unwrap_or_else(|| "none".into()),
            ),
            Line::raw(""),
            Line::styled(
                format!(
                    "Permissions: {}'s policies (and boundary, and any session policy) — the caller's own permissions do not carry over",
                    s.role_name
                ),
                theme.dim(),
            ),
            Line::raw(""),
            Line::styled("Session tags", theme.title()),
        ];
        if i.tags.is_empty() {
            lines.push(Line::raw("  none"));
        }
        for (k, v) in &i.tags {
            let transitive = i.transitive_keys.iter().any(|t| t.eq_ignore_ascii_case(k));
            lines.push(Line::raw(format!(
                "  {k} = {v}{}",
                if transitive {
                    "   (transitive: passes down the chain)"
                } else {
                    ""
                }
            )));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Principal tags (aws:PrincipalTag): the role's tags, session tags over them",
            theme.title(),
        ));
        if i.principal_tags.is_empty() {
            lines.push(Line::raw("  none"));
        }
        for (k, v) in &i.principal_tags {
            lines.push(Line::raw(format!("  {k} = {v}")));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "The AssumeRole call that issued it: its request context",
            theme.title(),
        ));
        if i.context.is_empty() {
            lines.push(Line::raw("  none recorded"));
        }
        for (k, v) in &i.context {
            lines.push(Line::raw(format!("  {k} = {v}")));
        }
        for n in &i.notes {
            lines.push(Line::styled(format!("note: {n}"), theme.dim()));
        }
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((u16::try_from(self.scroll).unwrap_or(0), 0)),
            inner,
        );
    }
}

/// A titled message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub title: String,
    pub text: String,
}

impl Message {
    pub fn handle(&mut self, command: &Command) -> Outcome {
        if movement(command, 1).is_some() {
            return Outcome::Done;
        }
        close_on(command)
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        let r = centered(area, 70, 9);
        frame.render_widget(Clear, r);
        frame.render_widget(
            Paragraph::new(self.text.as_str())
                .wrap(Wrap { trim: false })
                .block(
                    Block::bordered()
                        .title(format!(" {} ", self.title))
                        .border_style(theme.border(true)),
                ),
            r,
        );
    }
}

fn close_on(command: &Command) -> Outcome {
    match command {
        Command::Back | Command::Open => Outcome::Close,
        _ => Outcome::Ignored,
    }
}

/// The keys of a pop-up.
#[must_use]
pub fn keys() -> Vec<Binding> {
    vec![
        b(
            vec![c('j'), k(KeyCode::Down)],
            "j/↓",
            "scroll",
            false,
            Command::Down,
        ),
        b(
            vec![c('k'), k(KeyCode::Up)],
            "k/↑",
            "scroll back",
            false,
            Command::Up,
        ),
        b(
            vec![k(KeyCode::Esc), k(KeyCode::Enter), c('q')],
            "Esc",
            "close",
            true,
            Command::Back,
        ),
    ]
}
