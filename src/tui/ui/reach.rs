//! The reach tree: every role a principal or session can get to, as an expandable tree
//! (shortest paths first), each line ending with the longest session the role can then be
//! given; broken hops (caller half missing) follow, marked `✗`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::access::ReachView;
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::{ellipsize, selectable};

pub use crate::tui::widgets::pane::{popup_rect as rect, popup_rows as body_rows};

pub fn render(frame: &mut Frame<'_>, area: Rect, view: &ReachView, focused: bool, theme: Theme) {
    let r = rect(area);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(Span::styled(format!(" {} ", view.title), theme.title()))
        .border_style(theme.border(focused));
    let mut inner = block.inner(r);
    frame.render_widget(block, r);
    let lines = view.lines();
    // The selected line, when too long for the tree, is shown whole under it.
    if let Some(l) = lines.get(view.selected) {
        let text: String = l.text.iter().map(|(_, s)| s.as_str()).collect();
        let width = usize::from(inner.width);
        let room = width.saturating_sub(4 + 2 * l.depth);
        let max = usize::from(inner.height / 2).saturating_sub(1);
        let more = crate::tui::widgets::layout::overflow(&text, room, width, max);
        inner = crate::tui::widgets::layout::render_overflow(frame, inner, &more, theme);
    }
    let rows = usize::from(inner.height).max(1);
    let mut start = view.scroll.min(lines.len().saturating_sub(1));
    if view.selected >= start + rows {
        start = view.selected + 1 - rows;
    }
    let width = usize::from(inner.width);
    let out: Vec<Line> = lines
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(i, l)| {
            let selected = i == view.selected;
            let mark = match (l.row.is_some(), l.has_children, l.expanded) {
                (false, _, _) => "  ",
                (true, true, true) => "▾ ",
                (true, true, false) => "▸ ",
                (true, false, _) => "• ",
            };
            let mut spans = vec![
                Span::styled(
                    if selected { "▶ " } else { "  " },
                    if selected {
                        theme.selected()
                    } else {
                        theme.dim()
                    },
                ),
                Span::raw(format!("{}{mark}", "  ".repeat(l.depth))),
            ];
            let mut used = 4 + 2 * l.depth;
            for (tok, s) in &l.text {
                let room = width.saturating_sub(used);
                if room == 0 {
                    break;
                }
                let s = ellipsize(s, room);
                used += s.chars().count();
                spans.push(Span::styled(s, theme.token(*tok)));
            }
            selectable(Line::from(spans), selected, theme)
        })
        .collect();
    frame.render_widget(Paragraph::new(out), inner);
}
