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

/// Cuts one line of tokens into rows at most `width` characters wide, each character
/// keeping its token's class. A row breaks after a space in its second half when there is
/// one, else after a `/` or `,`, else after a `:` (so `…/id/ABC:sub` and `…/id/ABC:aud`
/// keep their ends together on rows of their own), otherwise at the width; the rows after the first are indented two columns past the
/// line's own indent (at most half the width).
#[must_use]
pub fn wrap_tokens(line: &TextLine, width: usize) -> Vec<TextLine> {
    let chars: Vec<(Tok, char)> = line
        .iter()
        .flat_map(|(t, s)| s.chars().map(move |c| (*t, c)))
        .collect();
    let width = width.max(1);
    if chars.len() <= width {
        return vec![line.clone()];
    }
    let indent = chars.iter().take_while(|(_, c)| *c == ' ').count();
    let cont = (indent + 2).min(width / 2);
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < chars.len() {
        let lead = if pos == 0 { 0 } else { cont };
        let room = width - lead;
        let mut cut = (pos + room).min(chars.len());
        // The latest space in the row's second half, else `/` or `,`, else `:`.
        if cut < chars.len()
            && let Some(b) = [&[' '][..], &['/', ','], &[':']].iter().find_map(|set| {
                (pos + room / 2..cut)
                    .rev()
                    .find(|&i| set.contains(&chars[i].1))
            })
        {
            cut = b + 1;
        }
        let mut row: TextLine = Vec::new();
        if lead > 0 {
            row.push((Tok::Plain, " ".repeat(lead)));
        }
        for &(t, c) in &chars[pos..cut] {
            match row.last_mut() {
                Some((last, text)) if *last == t => text.push(c),
                _ => row.push((t, c.to_string())),
            }
        }
        out.push(row);
        pos = cut;
        // A row does not start with the space it broke at.
        while pos < chars.len() && chars[pos].1 == ' ' && pos > 0 {
            pos += 1;
        }
    }
    out
}

/// The width of wrapped text in a pop-up list on a screen `width` wide: the pop-up's
/// margins and borders, and an indent of up to 12 columns, left out.
#[must_use]
pub fn text_width(width: u16) -> usize {
    usize::from(width).saturating_sub(18).max(30)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rows: &[TextLine]) -> Vec<String> {
        rows.iter()
            .map(|r| r.iter().map(|(_, s)| s.as_str()).collect())
            .collect()
    }

    #[test]
    fn a_line_that_fits_is_one_row() {
        let line = vec![
            (Tok::Key, "\"Effect\"".to_owned()),
            (Tok::Punct, ": ".into()),
        ];
        assert_eq!(wrap_tokens(&line, 40), vec![line]);
    }

    #[test]
    fn long_condition_keys_wrap_so_their_ends_show() {
        let key = "\"oidc.eks.us-east-1.amazonaws.com/id/5E1B1D3D2A9C4F8E:sub\"";
        let line = vec![
            (Tok::Punct, "          ".to_owned()),
            (Tok::Key, key.to_owned()),
            (Tok::Punct, ": ".into()),
            (Tok::Str, "\"system:serviceaccount:payments:api\"".into()),
        ];
        let rows = wrap_tokens(&line, 60);
        let shown = text(&rows);
        assert!(rows.len() > 1, "{shown:?}");
        assert!(shown.iter().all(|r| r.chars().count() <= 60), "{shown:?}");
        // Nothing is lost: the rows put together (their indents aside) are the line.
        let joined: String = shown.iter().map(|r| r.trim_start()).collect();
        let whole: String = line.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(joined.replace(' ', ""), whole.replace(' ', ""));
        assert!(shown.iter().any(|r| r.contains(":sub\"")), "{shown:?}");
        // Continuation rows are indented past the line's own indent.
        assert!(shown[1].starts_with("            "), "{shown:?}");
        // The key keeps its class on every row it spans.
        assert!(rows[1].iter().any(|(t, _)| *t == Tok::Key), "{rows:?}");
    }

    #[test]
    fn a_word_longer_than_the_row_is_cut_at_the_width() {
        let line = vec![(Tok::Str, "x".repeat(25))];
        let rows = text(&wrap_tokens(&line, 10));
        assert_eq!(rows[0], "x".repeat(10));
        assert!(rows.iter().all(|r| r.chars().count() <= 10), "{rows:?}");
        assert_eq!(rows.concat().replace(' ', ""), "x".repeat(25));
    }
}
