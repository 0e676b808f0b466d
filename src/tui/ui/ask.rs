//! "What can this session do?": an action and a resource in, the engine's decision and
//! the statements that matched out.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::state::{AppState, AskForm};
use crate::tui::theme::Theme;
use crate::tui::ui::centered;

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, ask: &AskForm, theme: Theme) {
    let r = centered(area, 90, 18);
    frame.render_widget(Clear, r);
    let who = state
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
