//! Splitting a stream of request documents into requests as the bytes arrive, in bounded
//! memory: one JSON object, JSON arrays of them, JSON Lines, or objects pretty-printed one
//! after another, in any mix. Every request comes out once, in order, with the line it
//! starts on, and a piece of the stream that is not a request (a line that is not JSON, a
//! line that is not UTF-8, a request cut short, an empty array element) comes out as an
//! error at its own line, so the requests around it keep their places.
//!
//! How a damaged stream is read, so that one bad piece costs one result:
//! - a JSON string never spans lines, so a line end closes any open string;
//! - a `{` in the first column of a line, met while a request is still open, starts a new
//!   request (pretty printers indent nested objects); the open one is reported cut short;
//! - anything after a complete request on its line, other than another request, belongs to
//!   that request, which is then reported as not valid JSON;
//! - a line at the top level that does not start a request is one error.
//!
//! Line ends are `\n`, `\r\n` or a lone `\r`. A request larger than [`MAX_REQUEST_BYTES`]
//! is reported and skipped without being held in memory; a NUL byte means the input is not
//! text and stops the stream.

use serde_json::value::RawValue;

/// The largest request document accepted, in bytes. STS's own request limits are far
/// below it (a session policy of 2048 characters, 50 tags).
pub const MAX_REQUEST_BYTES: usize = 256 * 1024;

/// One piece of the stream: a request's JSON text (a valid JSON value), or why the piece
/// at `line` is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamItem {
    /// The line the piece starts on, from 1.
    pub line: usize,
    pub request: Result<String, String>,
}

/// Why reading stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamError {
    #[error(
        "the requests are not text (a NUL byte on line {line}); give JSON, a JSON array or JSON Lines"
    )]
    Binary { line: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A JSON value: ends when its brackets close (then at the end of its line).
    Value,
    /// Not the start of a request: ends at the end of its line.
    Junk,
}

#[derive(Debug)]
struct Piece {
    kind: Kind,
    bytes: Vec<u8>,
    line: usize,
    column: usize,
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// The value's brackets closed; only its line's end or a next value follow.
    closed: bool,
    /// More than [`MAX_REQUEST_BYTES`]: the bytes were let go.
    oversize: bool,
}

impl Piece {
    fn new(kind: Kind, line: usize, column: usize) -> Self {
        Self {
            kind,
            bytes: Vec::new(),
            line,
            column,
            depth: 0,
            in_string: false,
            escaped: false,
            closed: false,
            oversize: false,
        }
    }

    fn push(&mut self, b: u8) {
        if self.oversize {
            return;
        }
        if self.bytes.len() >= MAX_REQUEST_BYTES {
            self.oversize = true;
            self.bytes = Vec::new();
            return;
        }
        self.bytes.push(b);
    }

    /// Follows strings and brackets through one byte that is not a line end.
    fn track(&mut self, b: u8) {
        if self.kind == Kind::Junk {
            return;
        }
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' if self.depth > 0 => {
                self.depth -= 1;
                self.closed = self.depth == 0;
            }
            _ => {}
        }
    }

    fn finish(self, cut_at: Option<usize>) -> StreamItem {
        let line = self.line;
        let request = if self.oversize {
            Err(format!(
                "line {line}: the request is larger than {} KiB; a request document is at most that size",
                MAX_REQUEST_BYTES / 1024
            ))
        } else if let Some(next) = cut_at {
            Err(format!(
                "line {line}: the request is not complete before the next one starts on line {next}; close its brackets"
            ))
        } else {
            match String::from_utf8(self.bytes) {
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let bad_line =
                        line + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
                    Err(format!(
                        "line {bad_line}: not UTF-8 text; save the requests as UTF-8"
                    ))
                }
                Ok(text) => validate(text, line, self.column),
            }
        };
        StreamItem { line, request }
    }
}

/// The piece's text when it is one JSON value, else where and why it is not.
fn validate(text: String, line: usize, column: usize) -> Result<String, String> {
    let trimmed = text.trim_end();
    match serde_json::from_str::<&RawValue>(trimmed) {
        Ok(_) if trimmed.len() == text.len() => Ok(text),
        Ok(_) => Ok(trimmed.to_owned()),
        Err(e) => {
            let at_line = line + e.line().saturating_sub(1);
            let at_column = if e.line() <= 1 {
                column + e.column().saturating_sub(1)
            } else {
                e.column()
            };
            let message = e.to_string();
            let message = message
                .rfind(" at line ")
                .map_or(message.as_str(), |i| &message[..i]);
            Err(format!(
                "line {at_line}: not valid JSON (column {at_column}): {message}"
            ))
        }
    }
}

/// The state of an outer `[` … `]` holding requests.
#[derive(Debug, Clone, Copy)]
struct ArrayState {
    line: usize,
    /// The last thing seen at the array's level was `[` or `,` (an element is due).
    element_due: bool,
    after_comma: bool,
}

/// Splits bytes into [`StreamItem`]s. Feed it what was read, then call
/// [`RequestSplitter::finish`] at the end of the input.
#[derive(Debug)]
pub struct RequestSplitter {
    line: usize,
    column: usize,
    after_cr: bool,
    /// Bytes of a leading byte-order mark seen so far (`None` once past the start).
    bom: Option<usize>,
    array: Option<ArrayState>,
    piece: Option<Piece>,
}

impl Default for RequestSplitter {
    fn default() -> Self {
        Self {
            line: 1,
            column: 1,
            after_cr: false,
            bom: Some(0),
            array: None,
            piece: None,
        }
    }
}

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

impl RequestSplitter {
    /// Reads `bytes`, handing every piece completed to `emit`.
    ///
    /// # Errors
    /// [`StreamError::Binary`] at a NUL byte; nothing after it is read.
    pub fn feed(
        &mut self,
        bytes: &[u8],
        emit: &mut dyn FnMut(StreamItem),
    ) -> Result<(), StreamError> {
        for &b in bytes {
            if let Some(n) = self.bom {
                if n < 3 && b == BOM[n] {
                    self.bom = Some(n + 1);
                    continue;
                }
                self.bom = None;
            }
            if b == 0 {
                return Err(StreamError::Binary { line: self.line });
            }
            self.byte(b, emit);
        }
        Ok(())
    }

    /// Ends the input: the open piece (and an unclosed array) are handed to `emit`.
    pub fn finish(mut self, emit: &mut dyn FnMut(StreamItem)) {
        if let Some(p) = self.piece.take() {
            emit(p.finish(None));
        }
        if let Some(a) = self.array.take() {
            emit(StreamItem {
                line: a.line,
                request: Err(format!(
                    "line {}: the request array opened here is not closed with `]`",
                    a.line
                )),
            });
        }
    }

    fn byte(&mut self, b: u8, emit: &mut dyn FnMut(StreamItem)) {
        if b == b'\n' && self.after_cr {
            self.after_cr = false;
            return;
        }
        self.after_cr = b == b'\r';
        if b == b'\n' || b == b'\r' {
            self.line_end(emit);
            self.line += 1;
            self.column = 1;
            return;
        }
        let first_column = self.column == 1;
        self.column += 1;
        // A `{` in the first column while a value is open starts a new request.
        if b == b'{'
            && first_column
            && let Some(p) = &self.piece
            && p.kind == Kind::Value
            && p.depth > 0
            && !p.closed
            && let Some(p) = self.piece.take()
        {
            emit(p.finish(Some(self.line)));
        }
        if let Some(p) = &mut self.piece {
            let level = !p.in_string && (p.depth == 0 || p.closed);
            // At the array's level a comma or `]` ends the element.
            if self.array.is_some() && level && (b == b',' || b == b']') {
                if let Some(p) = self.piece.take() {
                    emit(p.finish(None));
                }
                self.between(b, emit);
                return;
            }
            // After a complete value, another value starts a new piece; anything else
            // spoils this one.
            if p.closed {
                if b == b' ' || b == b'\t' {
                    return;
                }
                if b == b'{' || (b == b'[' && self.array.is_none()) {
                    if let Some(p) = self.piece.take() {
                        emit(p.finish(None));
                    }
                    self.between(b, emit);
                    return;
                }
                p.closed = false;
                p.kind = Kind::Junk;
            }
            p.push(b);
            p.track(b);
            return;
        }
        self.between(b, emit);
    }

    /// A byte outside any piece: whitespace, array punctuation, or the start of a piece.
    fn between(&mut self, b: u8, emit: &mut dyn FnMut(StreamItem)) {
        let (line, column) = (self.line, self.column.saturating_sub(1).max(1));
        if b == b' ' || b == b'\t' {
            return;
        }
        match (&mut self.array, b) {
            (None, b'[') => {
                self.array = Some(ArrayState {
                    line,
                    element_due: true,
                    after_comma: false,
                });
            }
            (Some(a), b',') => {
                if a.element_due {
                    emit(StreamItem {
                        line,
                        request: Err(format!(
                            "line {line}: an empty element in the request array (two commas, or a comma after `[`); remove the comma"
                        )),
                    });
                }
                a.element_due = true;
                a.after_comma = true;
            }
            (Some(a), b']') => {
                if a.after_comma {
                    emit(StreamItem {
                        line,
                        request: Err(format!(
                            "line {line}: a comma after the last request of the array; remove it"
                        )),
                    });
                }
                self.array = None;
            }
            (array, _) => {
                let kind = if array.is_some() || b == b'{' {
                    Kind::Value
                } else {
                    Kind::Junk
                };
                if let Some(a) = array {
                    a.element_due = false;
                    a.after_comma = false;
                }
                let mut p = Piece::new(kind, line, column);
                p.push(b);
                p.track(b);
                self.piece = Some(p);
            }
        }
    }

    fn line_end(&mut self, emit: &mut dyn FnMut(StreamItem)) {
        let Some(p) = &mut self.piece else { return };
        // A string cannot hold a line end: it ends here, and the value is not valid.
        p.in_string = false;
        p.escaped = false;
        let done = p.closed || p.kind == Kind::Junk || p.depth == 0;
        if done {
            if let Some(p) = self.piece.take() {
                emit(p.finish(None));
            }
        } else {
            p.push(b'\n');
        }
    }
}

/// Splits a whole text (for tests and callers that have it in memory).
///
/// # Errors
/// As [`RequestSplitter::feed`].
pub fn split_all(bytes: &[u8]) -> Result<Vec<StreamItem>, StreamError> {
    let mut items = Vec::new();
    let mut s = RequestSplitter::default();
    s.feed(bytes, &mut |i| items.push(i))?;
    s.finish(&mut |i| items.push(i));
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, bool)> {
        split_all(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|i| (i.line, i.request.is_ok()))
            .collect()
    }

    fn errors(text: &[u8]) -> Vec<String> {
        split_all(text)
            .unwrap()
            .into_iter()
            .filter_map(|i| i.request.err())
            .collect()
    }

    #[test]
    fn one_object_an_array_and_json_lines_are_all_read() {
        assert_eq!(lines("{\n \"kind\": \"authorize\"\n}"), [(1, true)]);
        assert_eq!(lines("[{\"a\":1},{\"a\":2}]"), [(1, true), (1, true)]);
        assert_eq!(
            lines("{\"a\":1}\n{\"a\":2}\n\n{\"a\":3}\n"),
            [(1, true), (2, true), (4, true)]
        );
        assert!(lines("  \n\n").is_empty());
        assert_eq!(lines("{\"a\":1} {\"a\":2}"), [(1, true), (1, true)]);
        assert_eq!(
            lines("[\n  {\"a\": [1, 2]},\n  {\n    \"b\": {}\n  }\n]\n{\"c\":1}"),
            [(2, true), (3, true), (7, true)]
        );
    }

    #[test]
    fn line_numbers_count_leading_blank_lines_and_every_kind_of_line_end() {
        assert_eq!(lines("\n\n\n{oops\n{\"a\":1}"), [(4, false), (5, true)]);
        assert_eq!(
            errors(b"\n\n{oops}")[0],
            "line 3: not valid JSON (column 2): key must be a string"
        );
        assert_eq!(
            lines("{\"a\":1}\r{\"a\":2}\r\r{x}"),
            [(1, true), (2, true), (4, false)]
        );
        assert_eq!(lines("{\"a\":1}\r\n{\"a\":2}\r\n"), [(1, true), (2, true)]);
        assert_eq!(lines("\u{feff}{\"a\":1}"), [(1, true)]);
    }

    #[test]
    fn a_bad_line_among_pretty_printed_requests_costs_one_result() {
        let good =
            "{\n  \"kind\": \"authorize\",\n  \"context\": {\n    \"x\": [1, {\"y\": 2}]\n  }\n}\n";
        let text = format!("{good}{good}not json at all\n{good}{{\"kind\": oops}}\n{good}");
        assert_eq!(
            lines(&text),
            [
                (1, true),
                (7, true),
                (13, false),
                (14, true),
                (20, false),
                (21, true)
            ]
        );
    }

    #[test]
    fn an_unclosed_request_is_cut_at_the_next_one() {
        assert_eq!(lines("{\"a\": 1\n{\"b\": 2}\n"), [(1, false), (2, true)]);
        assert!(errors(b"{\"a\": 1\n{\"b\": 2}")[0].contains("not complete before"));
        // A string left open at a line end does not swallow the lines after it.
        assert_eq!(lines("{\"a\": \"x\n{\"b\": 2}\n"), [(1, false), (2, true)]);
        // Junk after a complete request spoils that request only.
        assert_eq!(lines("{\"a\":1}}\n{\"b\":2}"), [(1, false), (2, true)]);
    }

    #[test]
    fn a_trailing_or_doubled_comma_in_an_array_is_an_error_and_the_requests_are_kept() {
        let items = split_all(b"[{\"a\":1},\n{\"a\":2},\n]").unwrap();
        assert_eq!(items.len(), 3);
        assert!(items[0].request.is_ok() && items[1].request.is_ok());
        assert_eq!(items[2].line, 3);
        assert!(
            items[2]
                .request
                .as_ref()
                .unwrap_err()
                .contains("comma after the last")
        );
        assert_eq!(
            lines("[{\"a\":1},,{\"a\":2}]"),
            [(1, true), (1, false), (1, true)]
        );
        assert!(errors(b"[{\"a\":1}")[0].contains("not closed"));
    }

    #[test]
    fn a_line_that_is_not_utf8_is_one_error_and_the_batch_goes_on() {
        let items = split_all(b"{\"a\":1}\n{\"a\":\"\xff\"}\n{\"a\":3}\n").unwrap();
        assert_eq!(items.len(), 3);
        assert!(items[0].request.is_ok() && items[2].request.is_ok());
        assert_eq!(
            items[1].request.as_ref().unwrap_err(),
            "line 2: not UTF-8 text; save the requests as UTF-8"
        );
    }

    #[test]
    fn an_oversized_request_is_reported_without_being_kept() {
        let big = format!(
            "{{\"a\": \"{}\"}}\n{{\"b\":1}}",
            "x".repeat(MAX_REQUEST_BYTES)
        );
        let items = split_all(big.as_bytes()).unwrap();
        assert_eq!(items.len(), 2);
        assert!(
            items[0]
                .request
                .as_ref()
                .unwrap_err()
                .contains("larger than 256 KiB")
        );
        assert!(items[1].request.is_ok());
    }

    #[test]
    fn a_nul_byte_stops_the_stream() {
        assert_eq!(
            split_all(b"{\"a\":1}\n\0\0\0"),
            Err(StreamError::Binary { line: 2 })
        );
    }

    #[test]
    fn bytes_fed_one_at_a_time_split_the_same_as_whole() {
        let text = b"\r\n[{\"a\":1},\r\n {\"b\":\"x\\\"}\"}]\n{\"c\":\n2}\nzz\n{\"d\":1";
        let mut items = Vec::new();
        let mut s = RequestSplitter::default();
        for b in text {
            s.feed(std::slice::from_ref(b), &mut |i| items.push(i))
                .unwrap();
        }
        s.finish(&mut |i| items.push(i));
        assert_eq!(items, split_all(text).unwrap());
    }
}
