//! A drawn screen (a ratatui [`Buffer`]) saved as plain text or as an SVG picture. It knows
//! no screen: whatever was drawn into the buffer is what is written.
//!
//! The SVG is one monospace `<text>` per run of same-styled cells on a row, with a
//! background `<rect>` under each run whose background is not the terminal's own; colours
//! come from the cells' styles (named colours as xterm draws them, the 256-colour cube,
//! RGB as given), bold, italic, underline, strike-through, dim and reverse are kept. Text is
//! XML-escaped and every run is pinned to its cells' width (`textLength`), so columns line
//! up whatever font the viewer picks. The same buffer always gives the same bytes.

use std::fmt::Write as _;
use std::path::Path;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// Width and height of one cell, in SVG user units.
const CELL_W: u32 = 9;
const CELL_H: u32 = 18;
/// The font size, so that a glyph fills about a cell.
const FONT_SIZE: u32 = 15;

/// The terminal's own colours, which cells drawn with [`Color::Reset`] take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ground {
    /// Light text on a dark background.
    #[default]
    Dark,
    /// Dark text on a light background.
    Light,
}

impl Ground {
    /// The ground a screen drawn in `palette` sits on.
    #[must_use]
    pub fn of(palette: crate::tui::theme::Palette) -> Self {
        match palette {
            crate::tui::theme::Palette::Light => Self::Light,
            crate::tui::theme::Palette::Dark | crate::tui::theme::Palette::HighContrast => {
                Self::Dark
            }
        }
    }

    fn fg(self) -> &'static str {
        match self {
            Self::Dark => "#d0d0d0",
            Self::Light => "#1c1c1c",
        }
    }

    fn bg(self) -> &'static str {
        match self {
            Self::Dark => "#121212",
            Self::Light => "#fafafa",
        }
    }
}

/// How a screen is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotFormat {
    /// The characters only, one line per row, trailing spaces trimmed.
    Text,
    /// An SVG picture on this ground.
    Svg(Ground),
}

/// Why a snapshot could not be saved.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot write the snapshot to `{path}`: {source}; check that its folder exists and is writable"
)]
pub struct SaveError {
    pub path: String,
    #[source]
    pub source: std::io::Error,
}

/// Writes `buffer` to `path` as `format`.
///
/// # Errors
/// When the file cannot be written.
pub fn save_snapshot(
    buffer: &Buffer,
    path: &Path,
    format: SnapshotFormat,
) -> Result<(), SaveError> {
    std::fs::write(path, render(buffer, format)).map_err(|source| SaveError {
        path: path.display().to_string(),
        source,
    })
}

/// `buffer` as `format`.
#[must_use]
pub fn render(buffer: &Buffer, format: SnapshotFormat) -> String {
    match format {
        SnapshotFormat::Text => to_text(buffer),
        SnapshotFormat::Svg(ground) => to_svg(buffer, ground),
    }
}

/// The characters of `buffer`, one line per row, trailing spaces trimmed.
#[must_use]
pub fn to_text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        for x in area.left()..area.right() {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The resolved look of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Look {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

/// `buffer` as an SVG picture on `ground`.
#[must_use]
pub fn to_svg(buffer: &Buffer, ground: Ground) -> String {
    let area = buffer.area;
    let (w, h) = (
        u32::from(area.width) * CELL_W,
        u32::from(area.height) * CELL_H,
    );
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace" font-size="{FONT_SIZE}" xml:space="preserve">"#
    );
    let _ = writeln!(
        out,
        r#"<rect width="{w}" height="{h}" fill="{}"/>"#,
        ground.bg()
    );
    for (row, y) in (area.top()..area.bottom()).enumerate() {
        let mut x = area.left();
        while x < area.right() {
            let look = look_of(buffer, x, y);
            let start = x;
            let mut text = String::new();
            while x < area.right() && look_of(buffer, x, y) == look {
                text.push_str(buffer[(x, y)].symbol());
                x += 1;
            }
            let col = u32::from(start - area.left());
            let cells = u32::from(x - start);
            run(&mut out, ground, look, row, col, cells, &text);
        }
    }
    out.push_str("</svg>\n");
    out
}

fn look_of(buffer: &Buffer, x: u16, y: u16) -> Look {
    let c = &buffer[(x, y)];
    Look {
        fg: c.fg,
        bg: c.bg,
        modifier: c.modifier,
    }
}

/// One run of `cells` same-styled cells at `row`, `col`: its background, then its text.
fn run(out: &mut String, ground: Ground, look: Look, row: usize, col: u32, cells: u32, text: &str) {
    let (mut fg, mut bg) = (
        colour(look.fg).unwrap_or_else(|| ground.fg().to_owned()),
        colour(look.bg),
    );
    if look.modifier.contains(Modifier::REVERSED) {
        let was_fg = fg;
        fg = bg.unwrap_or_else(|| ground.bg().to_owned());
        bg = Some(was_fg);
    }
    let row = u32::try_from(row).unwrap_or(u32::MAX);
    let (x, y) = (col * CELL_W, row * CELL_H);
    if let Some(bg) = &bg {
        let _ = writeln!(
            out,
            r#"<rect x="{x}" y="{y}" width="{}" height="{CELL_H}" fill="{bg}"/>"#,
            cells * CELL_W
        );
    }
    let shown = text.trim_end();
    if shown.is_empty() {
        return;
    }
    // The cells the text covers once trailing spaces are dropped (a wide glyph's second
    // cell holds an empty symbol and is counted by the glyph's width).
    let used = cells - u32::try_from(text.len() - shown.len()).unwrap_or(0);
    let mut attrs = format!(r#" fill="{fg}""#);
    if look.modifier.contains(Modifier::BOLD) {
        attrs.push_str(r#" font-weight="bold""#);
    }
    if look.modifier.contains(Modifier::ITALIC) {
        attrs.push_str(r#" font-style="italic""#);
    }
    match (
        look.modifier.contains(Modifier::UNDERLINED),
        look.modifier.contains(Modifier::CROSSED_OUT),
    ) {
        (true, true) => attrs.push_str(r#" text-decoration="underline line-through""#),
        (true, false) => attrs.push_str(r#" text-decoration="underline""#),
        (false, true) => attrs.push_str(r#" text-decoration="line-through""#),
        (false, false) => {}
    }
    if look.modifier.contains(Modifier::DIM) {
        attrs.push_str(r#" opacity="0.6""#);
    }
    // The baseline sits a little above the cell's bottom, leaving room for descenders.
    let baseline = y + CELL_H - 5;
    let _ = writeln!(
        out,
        r#"<text x="{x}" y="{baseline}" textLength="{}" lengthAdjust="spacingAndGlyphs"{attrs}>{}</text>"#,
        used * CELL_W,
        escape(shown)
    );
}

/// `#rrggbb` for a colour; `None` for [`Color::Reset`] (the ground's).
fn colour(c: Color) -> Option<String> {
    let hex = |r: u8, g: u8, b: u8| format!("#{r:02x}{g:02x}{b:02x}");
    Some(match c {
        Color::Reset => return None,
        Color::Rgb(r, g, b) => hex(r, g, b),
        Color::Indexed(i) => {
            let (r, g, b) = indexed(i);
            hex(r, g, b)
        }
        named => {
            let i = match named {
                Color::Black => 0,
                Color::Red => 1,
                Color::Green => 2,
                Color::Yellow => 3,
                Color::Blue => 4,
                Color::Magenta => 5,
                Color::Cyan => 6,
                Color::Gray => 7,
                Color::DarkGray => 8,
                Color::LightRed => 9,
                Color::LightGreen => 10,
                Color::LightYellow => 11,
                Color::LightBlue => 12,
                Color::LightMagenta => 13,
                Color::LightCyan => 14,
                _ => 15,
            };
            let (r, g, b) = indexed(i);
            hex(r, g, b)
        }
    })
}

/// The xterm 256-colour palette: 16 system colours, the 6×6×6 cube, 24 greys.
fn indexed(i: u8) -> (u8, u8, u8) {
    const SYSTEM: [(u8, u8, u8); 16] = [
        (0x00, 0x00, 0x00),
        (0xcd, 0x00, 0x00),
        (0x00, 0xcd, 0x00),
        (0xcd, 0xcd, 0x00),
        (0x00, 0x00, 0xee),
        (0xcd, 0x00, 0xcd),
        (0x00, 0xcd, 0xcd),
        (0xe5, 0xe5, 0xe5),
        (0x7f, 0x7f, 0x7f),
        (0xff, 0x00, 0x00),
        (0x00, 0xff, 0x00),
        (0xff, 0xff, 0x00),
        (0x5c, 0x5c, 0xff),
        (0xff, 0x00, 0xff),
        (0x00, 0xff, 0xff),
        (0xff, 0xff, 0xff),
    ];
    match i {
        0..=15 => SYSTEM[usize::from(i)],
        16..=231 => {
            let n = i - 16;
            let step = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (step(n / 36), step(n / 6 % 6), step(n % 6))
        }
        _ => {
            let v = 8 + (i - 232) * 10;
            (v, v, v)
        }
    }
}

/// `text` with the five XML special characters escaped, and characters XML 1.0 cannot
/// hold (control characters) replaced by U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn buffer() -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, 12, 2));
        b.set_string(0, 0, "a<b & \"c\"", Style::default().fg(Color::Red));
        b.set_string(0, 1, "ok", Style::default().bg(Color::Indexed(21)));
        b.set_string(
            4,
            1,
            "rev",
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        );
        b
    }

    #[test]
    fn text_is_the_characters_with_trailing_spaces_trimmed() {
        assert_eq!(to_text(&buffer()), "a<b & \"c\"\nok  rev\n");
    }

    #[test]
    fn svg_escapes_text_colours_runs_and_sizes_the_picture_by_cells() {
        let svg = to_svg(&buffer(), Ground::Dark);
        assert!(
            svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" width="108" height="36""#),
            "{svg}"
        );
        assert!(
            svg.contains(r##"textLength="81" lengthAdjust="spacingAndGlyphs" fill="#cd0000">a&lt;b &amp; &quot;c&quot;</text>"##),
            "{svg}"
        );
        // Indexed 21 is the cube's pure blue; its run gets a background rect.
        assert!(
            svg.contains(r##"<rect x="0" y="18" width="18" height="18" fill="#0000ff"/>"##),
            "{svg}"
        );
        // Reverse video: the ground's colours swapped, bold kept.
        assert!(
            svg.contains(r##"<rect x="36" y="18" width="27" height="18" fill="#d0d0d0"/>"##),
            "{svg}"
        );
        assert!(
            svg.contains(r##"fill="#121212" font-weight="bold">rev</text>"##),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>\n"));
        assert_eq!(svg, to_svg(&buffer(), Ground::Dark), "deterministic");
    }

    #[test]
    fn control_characters_never_reach_the_xml() {
        assert_eq!(escape("a\u{1b}b\tc'"), "a\u{FFFD}b c&apos;");
    }

    #[test]
    fn the_cube_and_the_greys_are_xterms() {
        assert_eq!(indexed(16), (0, 0, 0));
        assert_eq!(indexed(231), (255, 255, 255));
        assert_eq!(indexed(130), (0xaf, 0x5f, 0x00));
        assert_eq!(indexed(232), (8, 8, 8));
        assert_eq!(indexed(255), (238, 238, 238));
    }
}
