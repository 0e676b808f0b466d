//! The top line: the app's name, the list tabs (click or 1–4), how old collected data is and
//! what it lacks, and who "you" are.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::state::{AppState, Tab};
use crate::tui::theme::Theme;

const BRAND: &str = " rolescope ";

fn tab_label(tab: Tab, n: usize) -> String {
    format!(" {} {} ", tab.index() + 1, tab.title()) + &format!("({n}) ")
}

/// The tab under column `x`, if any.
#[must_use]
pub fn tab_at(state: &AppState, x: u16) -> Option<usize> {
    let mut col = u16::try_from(BRAND.chars().count()).unwrap_or(0);
    for tab in Tab::ALL {
        let w = u16::try_from(tab_label(tab, state.loaded(tab)).chars().count()).unwrap_or(0) + 1;
        if x >= col && x < col + w {
            return Some(tab.index());
        }
        col += w;
    }
    None
}

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: Theme) {
    let mut spans = vec![Span::styled(BRAND, theme.title())];
    for tab in Tab::ALL {
        let label = tab_label(tab, state.loaded(tab));
        let style = if tab == state.entities.tab {
            theme.selected()
        } else {
            theme.dim()
        };
        let label = if tab == state.entities.tab {
            format!("[{}]", label.trim())
        } else {
            label
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    if state.world.whatif.is_edited() {
        // What is on screen is not the loaded data: say so in words, not only colour.
        spans.push(Span::styled(
            format!(" WHAT-IF: {} edit(s), D ", state.world.whatif.edits().len()),
            theme.warn(),
        ));
    }
    // Collected data says how old it is (on the explorer's clock) and what it lacks.
    let data = crate::engine::provenance::accounts(&state.world.inventory, state.world.now);
    if let Some(line) = crate::engine::provenance::summary_line(&data) {
        let complete = data.iter().all(|d| d.missing.is_empty());
        spans.push(Span::styled(
            format!(" {line} "),
            if complete { theme.dim() } else { theme.warn() },
        ));
    }
    let you = match state.you() {
        Some(s) => format!("you: {} ({})", s.role_name, s.chain.join(" → ")),
        None => "you: nobody yet (simulate with a)".to_owned(),
    };
    spans.push(Span::styled(format!(" │ {you}"), theme.dim()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
