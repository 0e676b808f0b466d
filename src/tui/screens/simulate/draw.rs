//! The Simulate form: the role, the caller (picked by fuzzy search), the call's
//! parameters, and the outcome — the session issued, or every failing check with its
//! category and fix.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{FormField, FormOutcome, FormPick, SimForm};
use crate::tui::sim::Caller;
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::{centered, ellipsize, mmss};
use crate::tui::world::World;

/// The form's box on a screen `area`.
#[must_use]
pub fn form_rect(area: Rect) -> Rect {
    centered(area, 100, area.height.saturating_sub(2))
}

/// Where the form's fields and result are drawn (inside its border), on a screen `area`.
#[must_use]
pub fn body_rect(area: Rect) -> Rect {
    Block::bordered().inner(form_rect(area))
}

/// The STS call the form simulates, by its caller: a SAML or OIDC identity calls
/// `AssumeRoleWithSAML` or `AssumeRoleWithWebIdentity`; everyone else `AssumeRole`.
#[must_use]
pub fn call_name(caller: Option<&Caller>) -> &'static str {
    match caller {
        Some(Caller::Federated { saml: true, .. }) => "AssumeRoleWithSAML",
        Some(Caller::Federated { saml: false, .. }) => "AssumeRoleWithWebIdentity",
        _ => "AssumeRole",
    }
}

/// The form's title: the call it simulates (or, for the wizard, the symptom).
#[must_use]
pub fn title(form: &SimForm) -> String {
    if let Some(symptom) = form.wizard {
        format!(" Troubleshoot — {}: the failing call ", symptom.label())
    } else if matches!(form.caller, Some(Caller::Session { .. })) {
        " Simulate — chain from a session (AssumeRole) ".to_owned()
    } else {
        format!(" Simulate — {} ", call_name(form.caller.as_ref()))
    }
}

/// The form's text: one row per field (the `i`th field on row `i`), a blank row, then the
/// hint or the result; lines of the result wrap when drawn `width` wide.
#[must_use]
pub fn lines(world: &World, form: &SimForm, theme: Theme, width: u16) -> Vec<Line<'static>> {
    let w = usize::from(width);
    let mut lines = Vec::new();
    for (i, f) in FormField::ALL.iter().enumerate() {
        let focused = i == form.focus;
        let cursor = if focused { "▸ " } else { "  " };
        let value = match f {
            FormField::Mfa => {
                if form.mfa {
                    "[x] MFA used for the call".to_owned()
                } else {
                    "[ ] no MFA".to_owned()
                }
            }
            FormField::Run => String::new(),
            _ => form.fields.get(i).cloned().unwrap_or_default(),
        };
        let (shown, style) = if value.is_empty() && *f != FormField::Run {
            (f.hint().to_owned(), theme.dim())
        } else {
            (value, Style::new())
        };
        let label_style = if focused {
            theme.selected()
        } else {
            theme.key()
        };
        let text = if focused
            && !matches!(
                f,
                FormField::Mfa | FormField::Run | FormField::Role | FormField::Caller
            ) {
            format!("{shown}▏")
        } else {
            shown
        };
        lines.push(Line::from(vec![
            Span::styled(cursor, label_style),
            Span::styled(
                format!(
                    "{:<18}",
                    if *f == FormField::Run && form.wizard.is_some() {
                        "[ Diagnose ]"
                    } else {
                        f.label()
                    }
                ),
                label_style,
            ),
            Span::styled(ellipsize(&text, w.saturating_sub(21)), style),
        ]));
    }
    lines.push(Line::raw(""));
    match &form.outcome {
        None => lines.push(Line::styled(
            "Enter on [ Simulate ] (or Ctrl-R) runs the call at the simulated time",
            theme.dim(),
        )),
        Some(FormOutcome::Invalid(msg)) => {
            lines.push(Line::styled(
                format!("✗ cannot simulate yet: {msg}"),
                theme.error(),
            ));
        }
        Some(FormOutcome::Issued { session }) => {
            if let Some(s) = world.session(*session) {
                lines.push(Line::styled("✓ ALLOWED — STS issues a session", theme.ok()));
                lines.push(Line::raw(format!("  chain        {}", s.chain.join(" → "))));
                lines.push(Line::raw(format!(
                    "  session ARN  {}",
                    s.issued.session_arn
                )));
                lines.push(Line::raw(format!(
                    "  role id      {}",
                    s.issued.assumed_role_id
                )));
                lines.push(Line::raw(format!(
                    "  expires      {} (in {})",
                    s.issued.expires_at.format("%Y-%m-%d %H:%M:%S UTC"),
                    mmss((s.issued.expires_at - world.now).num_seconds())
                )));
                if s.issued.chained {
                    lines.push(Line::styled(
                        "  role chaining: the session is capped at one hour",
                        theme.warn(),
                    ));
                }
                for n in &s.issued.notes {
                    lines.push(Line::styled(format!("  note: {n}"), theme.dim()));
                }
                lines.push(Line::styled(
                    "  Esc closes; the session is in the Sessions panel (Tab)",
                    theme.dim(),
                ));
            }
        }
        Some(FormOutcome::Refused(refusal)) => {
            lines.push(Line::styled(
                format!("✗ DENIED — {}", refusal.code),
                theme.error(),
            ));
            lines.push(Line::raw(format!("  {}", refusal.message)));
            if refusal.checks.is_empty() {
                lines.push(Line::styled("  no failing check was reported", theme.dim()));
            }
            for (n, c) in refusal.checks.iter().enumerate() {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {}. [{}] ", n + 1, c.category), theme.warn()),
                    Span::raw(c.what.clone()),
                ]));
                lines.push(Line::from(vec![
                    Span::styled("     fix: ", theme.key()),
                    Span::raw(c.fix.clone()),
                ]));
            }
        }
    }
    lines
}

/// How many rows the form's text takes `width` wide.
#[must_use]
pub fn rows(lines: Vec<Line<'static>>, width: u16) -> usize {
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .line_count(width)
}

pub fn render(frame: &mut Frame<'_>, area: Rect, world: &World, form: &SimForm, theme: Theme) {
    let r = form_rect(area);
    frame.render_widget(Clear, r);
    let inner = body_rect(area);
    let text = lines(world, form, theme, inner.width);
    let total = rows(text.clone(), inner.width);
    let height = usize::from(inner.height).max(1);
    // The form scrolls when it is taller than the box; where the view is shows below it.
    let skip = form.scroll.min(total.saturating_sub(height));
    let mut block = Block::bordered()
        .title(Span::styled(title(form), theme.title()))
        .border_style(theme.border(true));
    if total > height {
        block = block.title_bottom(Span::styled(
            format!(
                " {}-{}/{} · Tab/↓ next field · PgDn/PgUp scroll ",
                skip + 1,
                (skip + height).min(total),
                total
            ),
            theme.dim(),
        ));
    }
    frame.render_widget(block, r);
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(skip).unwrap_or(u16::MAX), 0)),
        inner,
    );
    if let Some(p) = &form.picker {
        let what = match p.purpose {
            FormPick::Role => "Pick the role to assume",
            FormPick::Caller => {
                "Pick the caller: users, roles, sessions, services, federated identities"
            }
        };
        p.draw(frame, r, what, theme);
    }
}
