//! "What can this session do?": an action and a resource in, the engine's decision and
//! the statements that matched out. Owns its keys and draws itself.

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::command::Command;
use crate::tui::keys::{Binding, b, k, text_keys};
use crate::tui::outcome::Outcome;
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::centered;
use crate::tui::world::World;

/// The Ask form: may a session do an action on a resource?
#[derive(Debug, Clone, Default)]
pub struct AskForm {
    pub session: u32,
    pub action: String,
    pub resource: String,
    /// 0 = action, 1 = resource.
    pub focus: usize,
    pub answer: Option<crate::tui::sim::Answer>,
}

impl AskForm {
    /// Types into the focused field, switches fields, evaluates, or closes.
    pub fn handle(&mut self, command: &Command, world: &mut World) -> Outcome {
        let field = if self.focus == 0 {
            &mut self.action
        } else {
            &mut self.resource
        };
        match command {
            Command::Input(ch) => field.push(*ch),
            Command::Paste(text) => field.push_str(text),
            Command::Backspace => {
                field.pop();
            }
            Command::ClearInput => field.clear(),
            Command::FocusNext | Command::FocusPrev => {
                self.focus = 1 - self.focus.min(1);
                return Outcome::Done;
            }
            Command::Open => {
                self.ask(world);
                return Outcome::Done;
            }
            Command::Back => return Outcome::Close,
            _ => return Outcome::Ignored,
        }
        self.answer = None;
        Outcome::Done
    }

    /// Evaluates the action on the resource as the session.
    fn ask(&mut self, world: &mut World) {
        let (action, resource) = (
            self.action.trim().to_owned(),
            self.resource.trim().to_owned(),
        );
        let Some(s) = world.session(self.session) else {
            return;
        };
        if action.is_empty() {
            world.say("enter an action such as s3:GetObject", true);
            return;
        }
        let resource = if resource.is_empty() {
            "*".to_owned()
        } else {
            resource
        };
        let answer = world.simulator.ask(
            &world.inventory,
            &s.role_arn,
            &s.issued,
            &action,
            &resource,
            world.now,
        );
        let text = format!(
            "asked whether {} may {action} on {resource}: {}",
            s.issued.session_arn,
            answer.decision.map_or(
                "not answered",
                crate::engine::policy::decision::Outcome::as_str
            )
        );
        world.note(text);
        self.answer = Some(answer);
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, world: &World, theme: Theme) {
        render(frame, area, world, self, theme);
    }
}

/// The Ask form's keys.
#[must_use]
pub fn keys() -> Vec<Binding> {
    let mut keys = vec![
        b(
            vec![
                k(KeyCode::Tab),
                k(KeyCode::Down),
                k(KeyCode::Up),
                k(KeyCode::BackTab),
            ],
            "Tab",
            "action ⇄ resource",
            true,
            Command::FocusNext,
        ),
        b(
            vec![k(KeyCode::Enter)],
            "Enter",
            "evaluate",
            true,
            Command::Open,
        ),
    ];
    keys.extend(text_keys("clear the field"));
    keys.push(b(
        vec![k(KeyCode::Esc)],
        "Esc",
        "close",
        true,
        Command::Back,
    ));
    keys
}

fn render(frame: &mut Frame<'_>, area: Rect, world: &World, ask: &AskForm, theme: Theme) {
    let r = centered(area, 90, 18);
    frame.render_widget(Clear, r);
    let who = world
        .session(ask.session)
        .map_or_else(String::new, |s| s.issued.session_arn.clone());
    let block = Block::bordered()
        .title(Span::styled(" What can this session do? ", theme.title()))
        .border_style(theme.border(true));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let field = |label: &str, value: &str, focused: bool, hint: &str| {
        let style = if focused {
            theme.selected()
        } else {
            theme.key()
        };
        let shown = if value.is_empty() {
            Span::styled(hint.to_owned(), theme.dim())
        } else {
            Span::raw(value.to_owned())
        };
        Line::from(vec![
            Span::styled(
                format!("{}{label:<10}", if focused { "▸ " } else { "  " }),
                style,
            ),
            shown,
            Span::styled(if focused { "▏" } else { "" }, theme.key()),
        ])
    };
    let mut lines = vec![
        Line::styled(format!("as {who}"), theme.dim()),
        field("Action", &ask.action, ask.focus == 0, "e.g. s3:GetObject"),
        field(
            "Resource",
            &ask.resource,
            ask.focus == 1,
            "e.g. arn:aws:s3:::bucket/key (default *)",
        ),
        Line::raw(""),
    ];
    match &ask.answer {
        None => lines.push(Line::styled(
            "Enter evaluates with the session's role policies, boundary and session policy",
            theme.dim(),
        )),
        Some(a) => {
            let (mark, style) = if a.allowed {
                ("✓ ALLOW", theme.ok())
            } else {
                ("✗ DENY", theme.error())
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{mark} "), style),
                Span::styled(
                    a.decision
                        .map(|d| format!("({})", d.as_str()))
                        .unwrap_or_default(),
                    Style::new(),
                ),
            ]));
            lines.push(Line::raw(a.sentence.clone()));
            if !a.matched.is_empty() {
                lines.push(Line::styled("matched statements:", theme.key()));
                for m in &a.matched {
                    lines.push(Line::raw(format!("  • {m}")));
                }
            }
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
