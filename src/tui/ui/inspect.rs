//! A session's particulars: chain, ARNs, times, MFA, source identity, tags (transitive
//! ones marked), request context and the simulator's notes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::state::AppState;
use crate::tui::theme::Theme;
use crate::tui::ui::{centered, mmss};

pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &AppState,
    id: u32,
    scroll: usize,
    theme: Theme,
) {
    let r = centered(area, 96, area.height.saturating_sub(2));
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(Span::styled(" Session ", theme.title()))
        .border_style(theme.border(true));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let Some(s) = state.session(id) else {
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
                if i.expires_at > state.world.now {
                    format!(
                        "{} left",
                        mmss((i.expires_at - state.world.now).num_seconds())
                    )
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
    lines.push(Line::styled("Request context", theme.title()));
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
            .scroll((u16::try_from(scroll).unwrap_or(0), 0)),
        inner,
    );
}
