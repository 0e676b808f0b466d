//! What the typed parse cannot see: the keys of a file's top level and of each bundle account,
//! read in one quick pass that skips every value it does not need.
//!
//! Finds what would otherwise be dropped without a word: an account key given twice in a
//! bundle (JSON keeps the last), a key that is a misspelling of one rolescope reads
//! (`RoleDetailLists` leaves the account empty), and the marks of one page of a paginated
//! call (`IsTruncated`, `Marker`, `NextToken`). Which keys are known comes from the shape
//! definitions themselves ([`RawAccount`]), so a key added there is known here.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
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
#[must_use]
pub fn notes(text: &str) -> Vec<Note> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut out = Vec::new();
    let seed = Level {
        json_path: "$".to_owned(),
        notes: &mut out,
        top: true,
    };
    // A syntax or shape problem is the typed parse's to report.
    let _ = de::DeserializeSeed::deserialize(seed, &mut de);
    out
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

/// One object level: the top (which may hold `Accounts`) or an account.
struct Level<'n> {
    json_path: String,
    notes: &'n mut Vec<Note>,
    top: bool,
}

impl<'de> de::DeserializeSeed<'de> for Level<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Level<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let at = format!("{}.{key}", self.json_path);
            match key.as_str() {
                "Accounts" if self.top => map.next_value_seed(Accounts {
                    json_path: at,
                    notes: self.notes,
                })?,
                "IsTruncated" => {
                    if map.next_value::<serde_json::Value>()? == serde_json::Value::Bool(true) {
                        self.notes.push(Note::Partial { json_path: at, key });
                    }
                }
                "Marker" | "NextToken" => {
                    let v = map.next_value::<serde_json::Value>()?;
                    if !(v.is_null() || v.as_str() == Some("")) {
                        self.notes.push(Note::Partial { json_path: at, key });
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    if !known_keys().contains(&key.as_str())
                        && let Some(known) = misspelling_of(&key)
                    {
                        self.notes.push(Note::Misspelt {
                            json_path: at,
                            key,
                            known,
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

/// A bundle's `Accounts` map.
struct Accounts<'n> {
    json_path: String,
    notes: &'n mut Vec<Note>,
}

impl<'de> de::DeserializeSeed<'de> for Accounts<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Accounts<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of accounts")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(id) = map.next_key::<String>()? {
            let at = format!("{}[\"{id}\"]", self.json_path);
            if !seen.insert(id.clone()) {
                self.notes.push(Note::DuplicateAccount {
                    json_path: at.clone(),
                    id: id.clone(),
                });
            }
            map.next_value_seed(Level {
                json_path: at,
                notes: self.notes,
                top: false,
            })?;
        }
        Ok(())
    }
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
