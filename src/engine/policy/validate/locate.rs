//! Where a finding's JSON path (`$.Statement[1].Condition.StringEquals.aws:SourceIp`) is in
//! the policy's text, as a 1-based line and column, so editors and code-scanning tools can
//! point at it.
//!
//! The text is scanned once into a tree of value positions. Object keys may contain dots
//! (`token.actions.githubusercontent.com:sub`), so a path step matches the longest key that
//! fits. A scalar answers index `[0]` for itself, as IAM reads `"Action": "s3:GetObject"` as a
//! one-element list. A path that goes deeper than the text answers with the deepest value it
//! reached; text that is not JSON answers `None`.

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

enum Node {
    Object(Vec<(String, usize, usize, Node)>),
    Array(Vec<(usize, Node)>),
    Scalar,
}

/// The position of the value (or, for an object member, of its key) at `path` in `text`.
#[must_use]
pub fn locate(text: &str, path: &str) -> Option<Position> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    p.ws();
    let start = p.at;
    let root = p.value()?;
    let offset = walk(&root, start, path.strip_prefix('$').unwrap_or(path));
    Some(position(text, offset))
}

fn walk(node: &Node, here: usize, rest: &str) -> usize {
    if rest.is_empty() {
        return here;
    }
    if let Some(r) = rest.strip_prefix('[') {
        let Some((n, after)) = r.split_once(']') else {
            return here;
        };
        let Ok(i) = n.parse::<usize>() else {
            return here;
        };
        return match node {
            Node::Array(items) => match items.get(i) {
                Some((at, child)) => walk(child, *at, after),
                None => here,
            },
            _ if i == 0 => walk(node, here, after),
            _ => here,
        };
    }
    let Some(r) = rest.strip_prefix('.') else {
        return here;
    };
    let Node::Object(members) = node else {
        return here;
    };
    let best = members
        .iter()
        .filter(|(k, _, _, _)| {
            r.starts_with(k.as_str())
                && matches!(r.as_bytes().get(k.len()), None | Some(b'.' | b'['))
        })
        .max_by_key(|(k, _, _, _)| k.len());
    match best {
        Some((k, key_at, value_at, child)) => {
            let after = &r[k.len()..];
            if after.is_empty() {
                *key_at
            } else {
                walk(child, *value_at, after)
            }
        }
        None => here,
    }
}

fn position(text: &str, offset: usize) -> Position {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Position { line, column }
}

/// Deeper nesting than this is not a policy; the scan gives up rather than recursing on.
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Option<Node> {
        self.ws();
        match self.bytes.get(self.at)? {
            b'{' => self.nested(|p| p.object()),
            b'[' => self.nested(|p| p.array()),
            b'"' => {
                self.string()?;
                Some(Node::Scalar)
            }
            _ => {
                while self
                    .bytes
                    .get(self.at)
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
                Some(Node::Scalar)
            }
        }
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Option<Node>) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let n = f(self);
        self.depth -= 1;
        n
    }

    fn string(&mut self) -> Option<String> {
        let start = self.at + 1;
        let mut i = start;
        loop {
            match self.bytes.get(i)? {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        self.at = i + 1;
        let raw = std::str::from_utf8(self.bytes.get(start..i)?).ok()?;
        // Keys with escapes are rare in policies; decode them through serde_json when present.
        if raw.contains('\\') {
            serde_json::from_str(&format!("\"{raw}\"")).ok()
        } else {
            Some(raw.to_owned())
        }
    }

    fn object(&mut self) -> Option<Node> {
        self.at += 1;
        let mut members = Vec::new();
        loop {
            self.ws();
            match self.bytes.get(self.at)? {
                b'}' => {
                    self.at += 1;
                    return Some(Node::Object(members));
                }
                b',' => self.at += 1,
                b'"' => {
                    let key_at = self.at;
                    let key = self.string()?;
                    self.ws();
                    if self.bytes.get(self.at) != Some(&b':') {
                        return None;
                    }
                    self.at += 1;
                    self.ws();
                    let value_at = self.at;
                    let child = self.value()?;
                    members.push((key, key_at, value_at, child));
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self) -> Option<Node> {
        self.at += 1;
        let mut items = Vec::new();
        loop {
            self.ws();
            match self.bytes.get(self.at)? {
                b']' => {
                    self.at += 1;
                    return Some(Node::Array(items));
                }
                b',' => self.at += 1,
                _ => {
                    let at = self.at;
                    items.push((at, self.value()?));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    {
      "Effect": "Deny",
      "Action": ["s3:PutObject", "s3:GetObjekt"],
      "Resource": "*",
      "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "x"}}
    }
  ]
}"#;

    fn at(path: &str) -> (usize, usize) {
        let p = locate(DOC, path).unwrap();
        (p.line, p.column)
    }

    #[test]
    fn paths_resolve_to_lines_and_columns() {
        assert_eq!(at("$"), (1, 1));
        assert_eq!(at("$.Version"), (2, 3));
        assert_eq!(at("$.Statement[0]"), (4, 5));
        assert_eq!(at("$.Statement[1].Action[1]"), (7, 34));
        assert_eq!(at("$.Statement[0].Action[0]"), (4, 35));
        assert_eq!(
            at("$.Statement[1].Condition.StringEquals.token.actions.githubusercontent.com:sub"),
            (9, 38)
        );
    }

    #[test]
    fn a_path_past_the_text_stops_at_the_deepest_value_and_non_json_is_none() {
        assert_eq!(at("$.Statement[7]"), (3, 16));
        assert!(locate("{not json", "$.Version").is_none());
        assert!(locate(&"[".repeat(10_000), "$").is_none());
    }
}
