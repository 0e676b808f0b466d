//! A scrollable pane of policy text in two readings (JSON and plain), or a list of hops
//! whose lines can be selected and opened as a pre-filled Simulate form. Knows no screen.

use crate::tui::widgets::text::TextLine;

/// A scrollable pane of the detail view, in both readings.
#[derive(Debug, Clone, Default)]
pub struct Pane {
    pub title: String,
    /// The pane's policies as JSON text, for copying.
    pub raw: String,
    pub json: Vec<TextLine>,
    pub plain: Vec<TextLine>,
    pub scroll: usize,
    /// Selectable lines (the same in both readings) and the hop each one stands for; empty
    /// for a pane that only scrolls.
    pub rows: Vec<(usize, crate::tui::access::Prefill)>,
    /// The selected entry of `rows`.
    pub cursor: usize,
    /// A list rather than a policy: no JSON / plain reading to tell apart.
    pub list: bool,
}
