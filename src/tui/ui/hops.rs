//! A list of hops in a pop-up — the paths to a role, the external-access findings — drawn
//! as the detail view's panes are (the same title, cursor and position), over the screen
//! in the reach tree's frame.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;

use crate::tui::state::Pane;
use crate::tui::theme::Theme;
use crate::tui::ui::{detail, reach};

pub fn render(frame: &mut Frame<'_>, area: Rect, pane: &Pane, focused: bool, theme: Theme) {
    let r = reach::rect(area);
    frame.render_widget(Clear, r);
    detail::render_pane(frame, r, pane, false, focused, theme);
}
