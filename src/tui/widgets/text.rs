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
