//! Layout helpers every screen draws with: a centred box, highlighted token lines, a
//! selectable line, text that overflows into a few rows, ellipsis, `mm:ss`. Knows no screen.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;

use crate::tui::theme::Theme;

/// From this width on, the detail panes sit side by side; below, stacked.
pub const PANES_SIDE_BY_SIDE: u16 = 90;

/// A line of highlighted tokens.
#[must_use]
pub fn token_line(
    toks: &crate::tui::widgets::text::TextLine,
    theme: Theme,
) -> ratatui::text::Line<'static> {
    ratatui::text::Line::from(
        toks.iter()
            .map(|(t, s)| ratatui::text::Span::styled(s.clone(), theme.token(*t)))
            .collect::<Vec<_>>(),
    )
}

/// A line of a selectable list, highlighted when `selected` (the list also marks it `▶`,
/// so the selection does not rest on colour).
#[must_use]
pub fn selectable(
    line: ratatui::text::Line<'_>,
    selected: bool,
    theme: Theme,
) -> ratatui::text::Line<'_> {
    if selected {
        line.style(theme.selected())
    } else {
        line
    }
}

/// A rectangle of at most `w`×`h` centred in `area`.
#[must_use]
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// The whole of a list line whose text is cut at `room` columns, wrapped to `width` to be
/// shown under the list (at most `max_rows` lines, the last cut with `…`); empty when it
/// fits.
#[must_use]
pub fn overflow(text: &str, room: usize, width: usize, max_rows: usize) -> Vec<String> {
    let text = text.trim();
    if width == 0 || max_rows == 0 || text.chars().count() <= room {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for line in crate::tui::widgets::text::wrap(text, width) {
        let chars: Vec<char> = line.chars().collect();
        out.extend(chars.chunks(width).map(|c| c.iter().collect::<String>()));
    }
    if out.len() > max_rows {
        out.truncate(max_rows);
        if let Some(last) = out.last_mut() {
            *last = ellipsize(&format!("{last}…"), width);
        }
    }
    out
}

/// Draws the lines [`overflow`] made at the bottom of `area`, under a rule; gives back the
/// rows left above them.
pub fn render_overflow(
    frame: &mut ratatui::Frame<'_>,
    area: ratatui::layout::Rect,
    lines: &[String],
    theme: Theme,
) -> ratatui::layout::Rect {
    if lines.is_empty() {
        return area;
    }
    let n = u16::try_from(lines.len() + 1).unwrap_or(u16::MAX);
    let rows = area.height.saturating_sub(n);
    let foot = ratatui::layout::Rect::new(area.x, area.y + rows, area.width, area.height - rows);
    let mut text = vec![ratatui::text::Line::styled(
        "─".repeat(usize::from(area.width)),
        theme.dim(),
    )];
    text.extend(
        lines
            .iter()
            .map(|l| ratatui::text::Line::styled(l.clone(), theme.dim())),
    );
    frame.render_widget(ratatui::widgets::Paragraph::new(text), foot);
    ratatui::layout::Rect::new(area.x, area.y, area.width, rows)
}

/// Cuts `s` to at most `max` characters, marking the cut with `…`.
#[must_use]
pub fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// `mm:ss` (or `h:mm:ss` from an hour) for a number of seconds; negative counts as zero.
#[must_use]
pub fn mmss(secs: i64) -> String {
    let s = secs.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// Spans of `text` with the characters at `idx` (char positions) highlighted.
#[must_use]
pub fn highlighted(text: &str, idx: &[u32], base: Style, hl: Style) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_hl = false;
    for (i, ch) in text.chars().enumerate() {
        let is_hl = u32::try_from(i).is_ok_and(|i| idx.binary_search(&i).is_ok());
        if is_hl != run_hl && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                if run_hl { hl } else { base },
            ));
        }
        run_hl = is_hl;
        run.push(ch);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hl { hl } else { base }));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::overflow;

    #[test]
    fn a_cut_line_is_wrapped_whole_and_a_fitting_one_is_not_repeated() {
        assert!(overflow("a → b  [MFA]", 20, 20, 5).is_empty());
        let text = "a → b  [MFA, ExternalId=abc, cross-account, chain<=1h]";
        let lines = overflow(text, 20, 20, 5);
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        // Cut at a smaller room (an indented tree line) though it would fit the width.
        assert_eq!(overflow("a → b  [MFA]", 8, 40, 5), ["a → b [MFA]"]);
        // A word longer than the width is split; too many lines end with `…`.
        let long = format!("x {}", "y".repeat(45));
        assert_eq!(overflow(&long, 20, 20, 5).len(), 4);
        let cut = overflow(&long, 20, 20, 2);
        assert_eq!(cut.len(), 2);
        assert!(
            cut[1].ends_with('…') && cut[1].chars().count() <= 20,
            "{cut:?}"
        );
    }
}
