//! The troubleshooting wizard: the list of symptoms, then the report — each check with
//! `✓ ok` or `✗ FAILS`, the explanation, the fixes offered and the result.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{Stage, WizardView};
use crate::engine::wizard::Symptom;
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::{centered, selectable, token_line};

pub fn render(frame: &mut Frame<'_>, area: Rect, w: &WizardView, theme: Theme) {
    match &w.stage {
        Stage::Symptoms { selected } => {
            let h = u16::try_from(Symptom::ALL.len() + 4).unwrap_or(u16::MAX);
            let r = centered(area, 72, h);
            frame.render_widget(Clear, r);
            let block = Block::bordered()
                .title(Span::styled(
                    " Troubleshooting wizard — what goes wrong? ",
                    theme.title(),
                ))
                .border_style(theme.border(true));
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let mut lines = vec![Line::styled(
                "Pick the symptom; then describe the failing call in the form.",
                theme.dim(),
            )];
            let rows = usize::from(inner.height.saturating_sub(1)).max(1);
            let skip = selected.saturating_sub(rows - 1);
            for (i, s) in Symptom::ALL.iter().enumerate().skip(skip).take(rows) {
                let sel = i == *selected;
                let mark = if sel { "▶ " } else { "  " };
                lines.push(selectable(
                    Line::raw(format!("{mark}{}", s.label())),
                    sel,
                    theme,
                ));
            }
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Stage::Working { label } => {
            let r = centered(area, 72, 5);
            frame.render_widget(Clear, r);
            let block = Block::bordered()
                .title(Span::styled(" Troubleshooting wizard ", theme.title()))
                .border_style(theme.border(true));
            let inner = block.inner(r);
            frame.render_widget(block, r);
            frame.render_widget(
                Paragraph::new(format!("checking {label}…")).wrap(Wrap { trim: true }),
                inner,
            );
        }
        Stage::Report(d) => {
            let r = crate::tui::widgets::pane::popup_rect(area);
            frame.render_widget(Clear, r);
            let block = Block::bordered()
                .title(Span::styled(
                    " Troubleshooting wizard — what it checked and found ",
                    theme.title(),
                ))
                .border_style(theme.border(true));
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let lines: Vec<Line> = super::lines(d)
                .iter()
                .skip(d.scroll)
                .map(|toks| token_line(toks, theme))
                .collect();
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
    }
}
