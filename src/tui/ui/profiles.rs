//! The profiles overlay: one line per AWS CLI profile (result, session length, chain),
//! and under the list the selected profile's failing check, fix and notes, wrapped.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::engine::profiles::Verdict;
use crate::tui::profiles::ProfilesView;
use crate::tui::theme::Theme;
use crate::tui::ui::{ellipsize, selectable};

pub fn render(frame: &mut Frame<'_>, area: Rect, view: &ProfilesView, theme: Theme) {
    let r = crate::tui::widgets::pane::popup_rect(area);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(Span::styled(
            format!(
                " AWS CLI profiles ({}) — {} — Enter simulates one ",
                view.len(),
                view.path.display()
            ),
            theme.title(),
        ))
        .border_style(theme.border(true));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let width = usize::from(inner.width);
    if view.pending {
        frame.render_widget(
            Paragraph::new(Line::styled("checking the profiles…", theme.dim())),
            inner,
        );
        return;
    }
    let reports = match &view.reports {
        Ok(r) => r,
        Err(e) => {
            let text: Vec<Line<'_>> = crate::tui::widgets::text::wrap(e, width.max(1))
                .into_iter()
                .map(|l| Line::styled(l, theme.error()))
                .collect();
            frame.render_widget(Paragraph::new(text), inner);
            return;
        }
    };
    // The selected profile's explanation takes the bottom rows.
    let mut detail: Vec<Line<'_>> = Vec::new();
    if let Some(sel) = view.current() {
        detail.push(Line::styled("─".repeat(width), theme.dim()));
        detail.push(Line::from(vec![
            Span::styled(format!("{}: ", sel.profile), theme.key()),
            Span::raw(format!(
                "starts as {}",
                sel.start.principal.as_deref().unwrap_or("?")
            )),
            Span::styled(format!(" ({})", sel.start.how), theme.dim()),
        ]));
        let mut wrapped = |label: &str, text: &str, style| {
            for (i, l) in crate::tui::widgets::text::wrap(text, width.saturating_sub(6).max(1))
                .into_iter()
                .enumerate()
            {
                let head = if i == 0 {
                    format!("{label:<6}")
                } else {
                    " ".repeat(6)
                };
                detail.push(Line::from(vec![
                    Span::styled(head, theme.key()),
                    Span::styled(l, style),
                ]));
            }
        };
        if let Some(f) = &sel.failure {
            wrapped(
                "why",
                &format!("{} [{}]", f.explanation, f.check),
                theme.error(),
            );
            if let Some(fix) = &f.fix {
                wrapped("fix", fix, theme.ok());
            }
        }
        for n in &sel.notes {
            wrapped("note", n, theme.dim());
        }
    }
    let detail_rows = detail.len().min(usize::from(inner.height) / 2);
    let list_rows = usize::from(inner.height).saturating_sub(detail_rows).max(1);
    let name_w = reports
        .iter()
        .map(|r| r.profile.chars().count())
        .max()
        .unwrap_or(7)
        .clamp(7, 28);
    let mut lines = vec![Line::styled(
        format!(
            "  {:<name_w$}  {:<8}  {:<30}  CHAIN",
            "PROFILE", "RESULT", "SESSION"
        ),
        theme.dim(),
    )];
    let offset = (view.selected + 2).saturating_sub(list_rows);
    for (i, rep) in reports.iter().enumerate().skip(offset) {
        if lines.len() >= list_rows {
            break;
        }
        let sel = i == view.selected;
        let style = match rep.verdict {
            Verdict::Works => theme.ok(),
            Verdict::Refused => theme.error(),
            Verdict::Unknown | Verdict::Unmapped => theme.warn(),
        };
        let mark = if sel { "▶ " } else { "  " };
        let text = format!("{:<name_w$}  ", ellipsize(&rep.profile, name_w));
        let rest = format!("  {:<30}  {}", rep.session_text(), rep.chain_text());
        let room = width.saturating_sub(2 + name_w + 2 + 8);
        lines.push(selectable(
            Line::from(vec![
                Span::raw(format!("{mark}{text}")),
                Span::styled(format!("{:<8}", rep.verdict.label()), style),
                Span::raw(ellipsize(&rest, room)),
            ]),
            sel,
            theme,
        ));
    }
    if reports.is_empty() {
        lines.push(Line::styled("the file holds no profile", theme.dim()));
    }
    let list = Rect::new(
        inner.x,
        inner.y,
        inner.width,
        u16::try_from(list_rows)
            .unwrap_or(u16::MAX)
            .min(inner.height),
    );
    frame.render_widget(Paragraph::new(lines), list);
    let below = Rect::new(
        inner.x,
        list.bottom(),
        inner.width,
        inner.height.saturating_sub(list.height),
    );
    frame.render_widget(Paragraph::new(detail), below);
}
