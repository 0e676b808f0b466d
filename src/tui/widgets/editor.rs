//! The built-in editor's text buffer: lines of text with a cursor (row, column in
//! characters) and the first line on screen. Knows no screen and no document kind.

/// A multi-line text with a cursor (row, column in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextBuffer {
    pub lines: Vec<String>,
    pub row: usize,
    pub col: usize,
    /// The first line on screen.
    pub scroll: usize,
}

fn byte_at(s: &str, col: usize) -> usize {
    s.char_indices().nth(col).map_or(s.len(), |(i, _)| i)
}

impl TextBuffer {
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        Self {
            lines,
            row: 0,
            col: 0,
            scroll: 0,
        }
    }

    #[must_use]
    pub fn text(&self) -> String {
        let mut t = self.lines.join("\n");
        t.push('\n');
        t
    }

    fn line_len(&self, row: usize) -> usize {
        self.lines.get(row).map_or(0, |l| l.chars().count())
    }

    fn clamp(&mut self) {
        self.row = self.row.min(self.lines.len().saturating_sub(1));
        self.col = self.col.min(self.line_len(self.row));
    }

    /// Inserts text at the cursor; newlines split the line.
    pub fn insert(&mut self, text: &str) {
        self.clamp();
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                self.newline();
            }
            let part = part.replace('\r', "").replace('\t', "  ");
            let line = &mut self.lines[self.row];
            let at = byte_at(line, self.col);
            line.insert_str(at, &part);
            self.col += part.chars().count();
        }
    }

    /// Splits the line at the cursor, keeping the line's indentation.
    pub fn newline(&mut self) {
        self.clamp();
        let line = &mut self.lines[self.row];
        let at = byte_at(line, self.col);
        let rest = line.split_off(at);
        let indent: String = line.chars().take_while(|c| *c == ' ').collect();
        self.row += 1;
        self.col = indent.chars().count();
        self.lines
            .insert(self.row, format!("{indent}{}", rest.trim_start()));
    }

    /// Deletes the character before the cursor, joining lines at a line start.
    pub fn backspace(&mut self) {
        self.clamp();
        if self.col > 0 {
            let line = &mut self.lines[self.row];
            let at = byte_at(line, self.col - 1);
            line.remove(at);
            self.col -= 1;
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = self.line_len(self.row);
            self.lines[self.row].push_str(&line);
        }
    }

    /// Deletes the character under the cursor, joining the next line at a line end.
    pub fn delete(&mut self) {
        self.clamp();
        if self.col < self.line_len(self.row) {
            let line = &mut self.lines[self.row];
            let at = byte_at(line, self.col);
            line.remove(at);
        } else if self.row + 1 < self.lines.len() {
            let next = self.lines.remove(self.row + 1);
            self.lines[self.row].push_str(&next);
        }
    }

    /// Empties the line under the cursor.
    pub fn clear_line(&mut self) {
        self.clamp();
        self.lines[self.row].clear();
        self.col = 0;
    }

    /// Moves the cursor by rows (up/down, keeping the column where it can) or by columns
    /// (left/right, across line ends).
    pub fn move_by(&mut self, rows: isize, cols: isize) {
        self.clamp();
        if rows != 0 {
            let max = self.lines.len().saturating_sub(1);
            self.row = self.row.saturating_add_signed(rows).min(max);
            self.col = self.col.min(self.line_len(self.row));
        }
        if cols < 0 {
            if self.col > 0 {
                self.col -= 1;
            } else if self.row > 0 {
                self.row -= 1;
                self.col = self.line_len(self.row);
            }
        } else if cols > 0 {
            if self.col < self.line_len(self.row) {
                self.col += 1;
            } else if self.row + 1 < self.lines.len() {
                self.row += 1;
                self.col = 0;
            }
        }
    }

    pub fn home(&mut self) {
        self.col = 0;
    }

    pub fn end(&mut self) {
        self.clamp();
        self.col = self.line_len(self.row);
    }

    /// Puts the cursor at a 1-based line and column (as serde_json reports them).
    pub fn goto(&mut self, line: usize, column: usize) {
        self.row = line.saturating_sub(1);
        self.col = column.saturating_sub(1);
        self.clamp();
    }

    /// Scrolls so the cursor is inside a window of `rows` lines.
    pub fn follow(&mut self, rows: usize) {
        let rows = rows.max(1);
        if self.row < self.scroll {
            self.scroll = self.row;
        } else if self.row >= self.scroll + rows {
            self.scroll = self.row + 1 - rows;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_newlines_and_deleting_edit_the_buffer_like_a_text_field() {
        let mut b = TextBuffer::new("{\n  \"a\": 1\n}");
        b.goto(2, 9);
        b.insert(",");
        b.newline();
        b.insert("\"b\": 2");
        assert_eq!(b.text(), "{\n  \"a\": 1,\n  \"b\": 2\n}\n");
        b.backspace();
        b.move_by(0, -1);
        b.delete();
        assert_eq!(b.lines[2], "  \"b\":");
        b.home();
        b.backspace();
        assert_eq!(b.lines[1], "  \"a\": 1,  \"b\":");
    }
}
