//! What the typed parse cannot see: the keys of a file's top level and of each bundle account,
//! read in one quick scan that jumps over every value it does not need.
//!
//! Finds what would otherwise be dropped without a word: an account key given twice in a
//! bundle (JSON keeps the last), a key that is a misspelling of one rolescope reads
//! (`RoleDetailLists` leaves the account empty), and the marks of one page of a paginated
//! call (`IsTruncated`, `Marker`, `NextToken`). Which keys are known comes from the shape
//! definitions themselves ([`RawAccount`]), so a key added there is known here.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, forward_to_deserialize_any};

use super::raw::RawAccount;

/// Something the outline found, at a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A bundle account key that appears more than once.
    DuplicateAccount { json_path: String, id: String },
    /// An unknown key close to a known one.
    Misspelt {
        json_path: String,
        key: String,
        known: &'static str,
    },
    /// `IsTruncated: true`, or a `Marker`/`NextToken` to the next page.
    Partial { json_path: String, key: String },
}

/// The notes about a file's JSON text (a top-level object). Text that is not an object gives
/// none; the typed parse reports it.
///
/// A hand-written scan rather than a second serde pass: it jumps over strings with `memchr`
/// and looks only at keys two levels deep, so it costs a small part of the typed parse.
/// Malformed text ends the scan early; the typed parse reports it.
#[must_use]
pub fn notes(text: &str) -> Vec<Note> {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        text,
        at: 0,
        notes: Vec::new(),
    };
    scan.run();
    scan.notes
}

/// What an open object is, for the keys found in it; other objects and arrays are jumped
/// over whole.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Level {
    /// The file's top-level object.
    Top,
    /// A bundle's `Accounts` object, with the ids seen so far.
    Accounts(std::collections::HashSet<String>),
    /// One bundle account, at this JSON path.
    Account(String),
}

struct Scan<'t> {
    bytes: &'t [u8],
    text: &'t str,
    at: usize,
    notes: Vec<Note>,
}

impl Scan<'_> {
    fn run(&mut self) {
        let mut stack: Vec<Level> = Vec::new();
        // The last key met in each open object, for the level a value opens.
        let mut last_key: Option<String> = None;
        while self.at < self.bytes.len() {
            let b = self.bytes[self.at];
            match b {
                b'"' => {
                    let Some((start, end)) = self.string() else {
                        return;
                    };
                    if !self.followed_by_colon() {
                        continue;
                    }
                    let key = self.key(start, end);
                    match stack.last_mut() {
                        Some(Level::Top) => self.key_at("$", &key),
                        Some(Level::Account(path)) => {
                            let path = path.clone();
                            self.key_at(&path, &key);
                        }
                        Some(Level::Accounts(seen)) => {
                            let first_time = seen.insert(key.clone());
                            if !first_time {
                                self.notes.push(Note::DuplicateAccount {
                                    json_path: format!("$.Accounts[\"{key}\"]"),
                                    id: key.clone(),
                                });
                            }
                        }
                        None => {}
                    }
                    last_key = Some(key);
                }
                b'{' | b'[' => {
                    let level = match (stack.last(), last_key.as_deref()) {
                        (None, _) if b == b'{' => Level::Top,
                        (Some(Level::Top), Some("Accounts")) if b == b'{' => {
                            Level::Accounts(std::collections::HashSet::new())
                        }
                        (Some(Level::Accounts(_)), Some(id)) if b == b'{' => {
                            Level::Account(format!("$.Accounts[\"{id}\"]"))
                        }
                        (None, _) => return,
                        _ => {
                            // Nothing inside matters: jump to its end.
                            if !self.skip_container(b) {
                                return;
                            }
                            last_key = None;
                            continue;
                        }
                    };
                    stack.push(level);
                    last_key = None;
                    self.at += 1;
                }
                b'}' | b']' => {
                    stack.pop();
                    last_key = None;
                    self.at += 1;
                    if stack.is_empty() {
                        return;
                    }
                }
                _ => self.at += 1,
            }
        }
    }

    /// Skips the object or array opening at `self.at` (`open`), strings included, counting
    /// only its own kind of bracket: the other kind nests inside it in pairs. False when the
    /// text ends first.
    fn skip_container(&mut self, open: u8) -> bool {
        let close = if open == b'{' { b'}' } else { b']' };
        let mut depth = 0_usize;
        loop {
            let Some(k) = self
                .bytes
                .get(self.at..)
                .and_then(|rest| memchr::memchr3(b'"', open, close, rest))
            else {
                return false;
            };
            self.at += k;
            match self.bytes[self.at] {
                b'"' => {
                    if self.string().is_none() {
                        return false;
                    }
                }
                b if b == open => {
                    depth += 1;
                    self.at += 1;
                }
                _ => {
                    depth -= 1;
                    self.at += 1;
                    if depth == 0 {
                        return true;
                    }
                }
            }
        }
    }

    /// Skips the string starting at `self.at` (a `"`); its content's byte range.
    fn string(&mut self) -> Option<(usize, usize)> {
        let start = self.at + 1;
        let mut i = start;
        loop {
            let k = memchr::memchr2(b'"', b'\\', self.bytes.get(i..)?)?;
            if self.bytes[i + k] == b'"' {
                self.at = i + k + 1;
                return Some((start, i + k));
            }
            // A backslash escapes the next byte, whatever it is.
            i += k + 2;
        }
    }

    fn skip_space(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    /// True when the string just skipped is a key; then `self.at` is past the colon.
    fn followed_by_colon(&mut self) -> bool {
        self.skip_space();
        if self.bytes.get(self.at) == Some(&b':') {
            self.at += 1;
            self.skip_space();
            true
        } else {
            false
        }
    }

    fn key(&self, start: usize, end: usize) -> String {
        let raw = self.text.get(start..end).unwrap_or_default();
        if raw.contains('\\') {
            let quoted = self.text.get(start - 1..=end).unwrap_or_default();
            serde_json::from_str(quoted).unwrap_or_else(|_| raw.to_owned())
        } else {
            raw.to_owned()
        }
    }

    /// A key of the top level or of an account (`path`), with `self.at` on its value.
    fn key_at(&mut self, path: &str, key: &str) {
        let json_path = format!("{path}.{key}");
        let value = self.bytes.get(self.at..).unwrap_or_default();
        match key {
            "IsTruncated" => {
                if value.starts_with(b"true") {
                    self.notes.push(Note::Partial {
                        json_path,
                        key: key.to_owned(),
                    });
                }
            }
            "Marker" | "NextToken" => {
                if !(value.starts_with(b"null") || value.starts_with(b"\"\"")) {
                    self.notes.push(Note::Partial {
                        json_path,
                        key: key.to_owned(),
                    });
                }
            }
            _ => {
                if !known_keys().contains(&key)
                    && let Some(known) = misspelling_of(key)
                {
                    self.notes.push(Note::Misspelt {
                        json_path,
                        key: key.to_owned(),
                        known,
                    });
                }
            }
        }
    }
}

/// The keys a file's top level, or a bundle account, may have.
fn known_keys() -> &'static [&'static str] {
    static KEYS: std::sync::OnceLock<&'static [&'static str]> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let mut fields: &'static [&'static str] = &[];
        let _ = RawAccount::deserialize(FieldNames(&mut fields));
        fields
    })
}

/// Keys of AWS responses that carry nothing rolescope reads, or that the outline handles.
const PAGINATION: &[&str] = &["IsTruncated", "Marker", "NextToken"];

/// The known key `key` is a misspelling of: the same letters in another case, or (for keys of
/// six letters or more) at most two edits away.
fn misspelling_of(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    known_keys()
        .iter()
        .chain(PAGINATION)
        .copied()
        .filter(|k| *k != key)
        .map(|k| {
            (
                k,
                strsim::damerau_levenshtein(&lower, &k.to_ascii_lowercase()),
            )
        })
        .filter(|(k, d)| *d == 0 || (k.len() >= 6 && *d <= 2))
        .min_by_key(|(_, d)| *d)
        .map(|(k, _)| k)
}

/// A deserializer that only records the field names a derived struct asks for.
struct FieldNames<'f>(&'f mut &'static [&'static str]);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("field names only"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("field names only"))
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_keys_come_from_the_shape() {
        let keys = known_keys();
        assert!(keys.contains(&"RoleDetailList"));
        assert!(keys.contains(&"OpenIDConnectProviderList"));
        assert!(keys.contains(&"Accounts"));
    }

    #[test]
    fn misspellings_are_told_from_other_keys() {
        assert_eq!(misspelling_of("RoleDetailLists"), Some("RoleDetailList"));
        assert_eq!(misspelling_of("roledetaillist"), Some("RoleDetailList"));
        assert_eq!(misspelling_of("UserDetaiList"), Some("UserDetailList"));
        assert_eq!(misspelling_of("policies"), Some("Policies"));
        assert_eq!(misspelling_of("ResponseMetadata"), None);
        assert_eq!(misspelling_of("Owner"), None);
    }

    #[test]
    fn strings_with_brackets_quotes_and_escapes_do_not_mislead_the_scan() {
        let text = r#"{ "Name" : "a{[\"b\\", "Accounts" : { "111111111111" : { "Role\u0044etailLists": [ {"x": "}]"} ] } ,
            "111111111111": {"Marker": null, "IsTruncated": false} }, "NextToken": "t" }"#;
        let n = notes(text);
        assert_eq!(n.len(), 3, "{n:?}");
        assert!(
            n.iter()
                .any(|x| matches!(x, Note::DuplicateAccount { id, .. } if id == "111111111111"))
        );
        assert!(
            n.iter()
                .any(|x| matches!(x, Note::Misspelt { key, .. } if key == "RoleDetailLists"))
        );
        assert!(
            n.iter().any(
                |x| matches!(x, Note::Partial { json_path, .. } if json_path == "$.NextToken")
            )
        );
        // Truncated or malformed text ends the scan without a panic.
        for cut in 0..text.len() {
            if text.is_char_boundary(cut) {
                let _ = notes(&text[..cut]);
            }
        }
        assert!(notes("[1, 2]").is_empty());
    }

    #[test]
    fn duplicates_misspellings_and_pages_are_noted_with_their_paths() {
        let text = r#"{"Accounts": {"111111111111": {"Name": "a"}, "111111111111": {"roledetaillist": []}}, "IsTruncated": true, "Marker": "abc"}"#;
        let n = notes(text);
        assert!(n.contains(&Note::DuplicateAccount {
            json_path: r#"$.Accounts["111111111111"]"#.to_owned(),
            id: "111111111111".to_owned()
        }));
        assert!(n.contains(&Note::Misspelt {
            json_path: r#"$.Accounts["111111111111"].roledetaillist"#.to_owned(),
            key: "roledetaillist".to_owned(),
            known: "RoleDetailList"
        }));
        assert!(
            n.iter()
                .any(|x| matches!(x, Note::Partial { key, .. } if key == "IsTruncated"))
        );
        assert!(
            n.iter()
                .any(|x| matches!(x, Note::Partial { key, .. } if key == "Marker"))
        );
        assert!(notes(r#"{"IsTruncated": false, "RoleDetailList": []}"#).is_empty());
    }
}
