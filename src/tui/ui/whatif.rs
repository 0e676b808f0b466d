//! What-if pop-ups: the choice of document to edit, the one-line prompts, and the view of
//! the edits with who gained (`+`) or lost (`-`) the ability to assume a role.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::theme::Theme;
use crate::tui::ui::{centered, selectable};
use crate::tui::whatif::{EditMenu, Prompt, WhatIfView};

fn frame_block<'a>(title: String, theme: Theme) -> Block<'a> {
    Block::bordered()
        .title(Span::styled(format!(" {title} "), theme.title()))
        .border_style(theme.border(true))
}

pub fn render_menu(frame: &mut Frame<'_>, area: Rect, m: &EditMenu, theme: Theme) {
    let h = u16::try_from(m.choices.len() + 4).unwrap_or(u16::MAX);
    let r = centered(area, 76, h);
    frame.render_widget(Clear, r);
    let how = if m.external {
        "$EDITOR"
    } else {
        "the built-in editor"
    };
    let block = frame_block(format!("What-if: edit which document? ({how})"), theme);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let mut lines = vec![Line::styled(m.role_arn.clone(), theme.dim())];
    for (i, (label, _)) in m.choices.iter().enumerate() {
        let selected = i == m.selected;
        let mark = if selected { "▶ " } else { "  " };
        lines.push(selectable(
            Line::raw(format!("{mark}{label}")),
            selected,
            theme,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn render_prompt(frame: &mut Frame<'_>, area: Rect, p: &Prompt, theme: Theme) {
    let r = centered(area, 80, 7);
    frame.render_widget(Clear, r);
    let block = frame_block(p.title().to_owned(), theme);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let mut lines = vec![Line::from(vec![
        Span::styled("> ", theme.key()),
        Span::raw(p.text.clone()),
        Span::styled("█", theme.key()),
    ])];
    if let Some(e) = &p.error {
        lines.push(Line::styled(format!("✗ {e}"), theme.error()));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

pub fn render_view(frame: &mut Frame<'_>, area: Rect, v: &WhatIfView, theme: Theme) {
    let r = crate::tui::widgets::pane::popup_rect(area);
    frame.render_widget(Clear, r);
    let block = frame_block(
        "What-if: edits, and who gained or lost access".to_owned(),
        theme,
    );
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let lines: Vec<Line> = v
        .lines
        .iter()
        .skip(v.scroll)
        .take(usize::from(inner.height))
        .map(|toks| crate::tui::ui::token_line(toks, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
