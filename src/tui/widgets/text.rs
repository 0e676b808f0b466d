//! Highlighted text: the token classes policy JSON and plain readings are drawn in, and
//! one displayed line as its tokens. Knows no screen.

/// A token class of pretty-printed JSON, for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Key,
    Str,
    Num,
    Lit,
    Punct,
    /// A section heading ("inline policy: X").
    Heading,
    /// A problem line.
    Problem,
    Plain,
}

/// One displayed line: its tokens.
pub type TextLine = Vec<(Tok, String)>;

/// A duration in seconds as people say it: `45 s`, `15 min`, `1 h 30 min`.
#[must_use]
pub fn human_secs(s: i64) -> String {
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    match (h, m, sec) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, 0) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

/// Cuts `text` into lines of at most `width` characters at spaces (a word longer than the
/// line gets a line of its own).
#[must_use]
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// The width of wrapped text in a pop-up list on a screen `width` wide: the pop-up's
/// margins and borders, and an indent of up to 12 columns, left out.
#[must_use]
pub fn text_width(width: u16) -> usize {
    usize::from(width).saturating_sub(18).max(30)
}
