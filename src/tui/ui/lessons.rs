//! The lesson index: every lesson on offer (a classroom pack's, or the built-in ones) in
//! order, with its summary; the one being played is marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::lesson::LessonIndex;
use crate::tui::state::AppState;
use crate::tui::theme::Theme;
use crate::tui::ui::selectable;

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, ix: &LessonIndex, theme: Theme) {
    let r = crate::tui::widgets::pane::popup_rect(area);
    frame.render_widget(Clear, r);
    let lessons = match &state.world.teach.catalog {
        Some(Ok(l)) => l.as_slice(),
        _ => &[],
    };
    let source = lessons.first().map_or("", |l| {
        if l.source.starts_with("built-in") {
            "built-in"
        } else {
            "classroom pack"
        }
    });
    let block = Block::bordered()
        .title(Span::styled(
            format!(" Lessons ({} {source}) — Enter starts one ", lessons.len()),
            theme.title(),
        ))
        .border_style(theme.border(true));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let playing = state
        .teach
        .lesson
        .as_ref()
        .map(|l| l.player.lesson().name.clone());
    let mut lines = Vec::new();
    let mut selected_line = 0;
    for (i, l) in lessons.iter().enumerate() {
        let sel = i == ix.selected;
        if sel {
            selected_line = lines.len();
        }
        let mark = if sel { "▶ " } else { "  " };
        let now = if playing.as_deref() == Some(l.name.as_str()) {
            "  (playing)"
        } else {
            ""
        };
        lines.push(selectable(
            Line::from(vec![
                Span::raw(format!("{mark}{:>2}. ", i + 1)),
                Span::styled(l.title.clone(), theme.key()),
                Span::styled(
                    format!("  {} · {} steps{now}", l.name, l.steps.len()),
                    theme.dim(),
                ),
            ]),
            sel,
            theme,
        ));
        lines.push(Line::raw(crate::tui::ui::ellipsize(
            &format!("      {}", l.summary),
            usize::from(inner.width),
        )));
    }
    if lessons.is_empty() {
        lines.push(Line::styled(
            "no lessons to list: put *.toml lessons in a classroom pack's lessons/ folder",
            theme.dim(),
        ));
    }
    // Keep the selected lesson on screen.
    let rows = usize::from(inner.height).max(1);
    let scroll = (selected_line + 2).saturating_sub(rows);
    frame.render_widget(
        Paragraph::new(lines).scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        inner,
    );
}
