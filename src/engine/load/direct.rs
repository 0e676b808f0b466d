//! Reading a policy document straight from its JSON text into a [`PolicyDocument`], without
//! building a `serde_json::Value` first.
//!
//! Only for documents that read without a single problem: the first thing that
//! [`PolicyDocument::from_value_in`] would report (an unknown element, a wrong type, `Effect`
//! not exactly `Allow` or `Deny`, both `Action` and `NotAction`, a missing `Statement`, …)
//! and anything whose meaning depends on how a `Value` is built (a key written twice, of
//! which a `Value` keeps the last; a fractional number in a condition) stops the direct
//! reading, and the caller reads the document through a `Value`, which reports the problem
//! at its JSON path. So a document read here is the one `from_value_in` reads, and nothing is
//! lost: the direct reading only skips the intermediate tree and the paths that are built
//! for messages.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::engine::policy::document::{
    Condition, Effect, Interner, PatternList, PolicyDocument, PrincipalKind, Principals, Statement,
};

/// The document `text` (one JSON value) holds, when it reads without any problem; `None`
/// when the caller must read it through a `Value` (see the module's description).
#[must_use]
pub fn clean_document(text: &str, interner: &mut Interner) -> Option<PolicyDocument> {
    let mut de = serde_json::Deserializer::from_str(text);
    let document = DocumentSeed { interner }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(document)
}

/// `list` in an allocation of its length: a list grown by doubling keeps up to half its
/// room unused, and the documents of a large export hold millions of patterns for as long
/// as they are loaded. (Lists read through a `Value` are made at their length too.)
fn exact<T>(list: Vec<T>) -> Vec<T> {
    if list.len() == list.capacity() {
        list
    } else {
        // A new allocation: shrinking in place may leave the room allocated.
        let mut exact = Vec::with_capacity(list.len());
        exact.extend(list);
        exact
    }
}

/// The error that sends a document to the `Value` reading; its text is never shown.
fn not_here<E: de::Error>() -> E {
    E::custom("read through a JSON value")
}

/// A string borrowed from the text when it has no escapes, owned otherwise.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }

        deserializer.deserialize_str(TextVisitor)
    }
}

/// The keys met so far in one object: a key written twice sends the document to the `Value`
/// reading (which keeps the last). A few keys are compared in a list, more in a set, so a
/// large object costs no more than its length.
#[derive(Default)]
struct Seen<'de> {
    few: Vec<Cow<'de, str>>,
    many: HashSet<Cow<'de, str>, foldhash::fast::RandomState>,
}

impl<'de> Seen<'de> {
    /// False when `key` was met before.
    fn first(&mut self, key: Cow<'de, str>) -> bool {
        const FEW: usize = 16;
        if self.many.is_empty() {
            if self.few.contains(&key) {
                return false;
            }
            if self.few.len() < FEW {
                self.few.push(key);
                return true;
            }
            self.many.extend(self.few.drain(..));
        }
        self.many.insert(key)
    }
}

/// Records one of a fixed set of keys (by its bit); false when it was met before.
fn first_time(seen: &mut u16, bit: u16) -> bool {
    let first = *seen & bit == 0;
    *seen |= bit;
    first
}

struct DocumentSeed<'i> {
    interner: &'i mut Interner,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = PolicyDocument;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_> {
    type Value = PolicyDocument;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a policy document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seen = 0;
        let mut version = None;
        let mut id = None;
        let mut statements = None;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let bit = match &*key.0 {
                "Version" => 1,
                "Id" => 2,
                "Statement" => 4,
                _ => return Err(not_here()),
            };
            if !first_time(&mut seen, bit) {
                return Err(not_here());
            }
            match bit {
                1 => version = Some(map.next_value::<String>()?),
                2 => id = Some(map.next_value::<String>()?),
                _ => {
                    statements = Some(map.next_value_seed(StatementsSeed {
                        interner: &mut *self.interner,
                    })?);
                }
            }
        }
        // No `Statement` is a problem the `Value` reading reports.
        let statements = statements.ok_or_else(not_here)?;
        Ok(PolicyDocument {
            version,
            id,
            statements,
        })
    }
}

/// `Statement`: an array of statements, or one statement object.
struct StatementsSeed<'i> {
    interner: &'i mut Interner,
}

impl<'de> DeserializeSeed<'de> for StatementsSeed<'_> {
    type Value = Vec<Statement>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StatementsSeed<'_> {
    type Value = Vec<Statement>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("statements")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        loop {
            let seed = StatementSeed {
                index: out.len(),
                interner: &mut *self.interner,
            };
            match seq.next_element_seed(seed)? {
                Some(s) => out.push(s),
                None => return Ok(exact(out)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let seed = StatementSeed {
            index: 0,
            interner: self.interner,
        };
        Ok(vec![seed.visit_map(map)?])
    }
}

struct StatementSeed<'i> {
    index: usize,
    interner: &'i mut Interner,
}

impl<'de> DeserializeSeed<'de> for StatementSeed<'_> {
    type Value = Statement;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StatementSeed<'_> {
    type Value = Statement;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a statement object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        const SID: u16 = 1;
        const EFFECT: u16 = 2;
        const PRINCIPAL: u16 = 4;
        const NOT_PRINCIPAL: u16 = 8;
        const ACTION: u16 = 16;
        const NOT_ACTION: u16 = 32;
        const RESOURCE: u16 = 64;
        const NOT_RESOURCE: u16 = 128;
        const CONDITION: u16 = 256;
        let mut st = Statement {
            index: self.index,
            sid: None,
            effect: None,
            principal: None,
            not_principal: false,
            principal_as_text: false,
            action: None,
            resource: None,
            conditions: Vec::new(),
        };
        let mut seen = 0;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let bit = match &*key.0 {
                "Sid" => SID,
                "Effect" => EFFECT,
                "Principal" => PRINCIPAL,
                "NotPrincipal" => NOT_PRINCIPAL,
                "Action" => ACTION,
                "NotAction" => NOT_ACTION,
                "Resource" => RESOURCE,
                "NotResource" => NOT_RESOURCE,
                "Condition" => CONDITION,
                _ => return Err(not_here()),
            };
            if !first_time(&mut seen, bit) {
                return Err(not_here());
            }
            match bit {
                SID => st.sid = Some(map.next_value::<String>()?),
                EFFECT => {
                    st.effect = Some(match &*map.next_value::<Text<'de>>()?.0 {
                        "Allow" => Effect::Allow,
                        "Deny" => Effect::Deny,
                        _ => return Err(not_here()),
                    });
                }
                PRINCIPAL | NOT_PRINCIPAL => {
                    // Both is a problem the `Value` reading reports.
                    if st.principal.is_some() {
                        return Err(not_here());
                    }
                    let (principals, as_text) = map.next_value_seed(PrincipalSeed)?;
                    st.not_principal = bit == NOT_PRINCIPAL;
                    st.principal = Some(principals);
                    st.principal_as_text = as_text;
                }
                ACTION | NOT_ACTION => {
                    if st.action.is_some() {
                        return Err(not_here());
                    }
                    st.action = Some(PatternList {
                        negated: bit == NOT_ACTION,
                        patterns: map.next_value_seed(PatternsSeed {
                            interner: &mut *self.interner,
                        })?,
                    });
                }
                RESOURCE | NOT_RESOURCE => {
                    if st.resource.is_some() {
                        return Err(not_here());
                    }
                    st.resource = Some(PatternList {
                        negated: bit == NOT_RESOURCE,
                        patterns: map.next_value_seed(PatternsSeed {
                            interner: &mut *self.interner,
                        })?,
                    });
                }
                _ => st.conditions = map.next_value_seed(ConditionsSeed)?,
            }
        }
        Ok(st)
    }
}

/// A string or an array of strings, as shared copies from the interner.
struct PatternsSeed<'i> {
    interner: &'i mut Interner,
}

impl<'de> DeserializeSeed<'de> for PatternsSeed<'_> {
    type Value = Vec<Arc<str>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PatternsSeed<'_> {
    type Value = Vec<Arc<str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an array of strings")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(vec![self.interner.intern(v)])
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(s) = seq.next_element::<Text<'de>>()? {
            out.push(self.interner.intern(&s.0));
        }
        Ok(exact(out))
    }
}

/// A string or an array of strings, owned.
struct Strings;

impl<'de> DeserializeSeed<'de> for Strings {
    type Value = Vec<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strings {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an array of strings")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(vec![v.to_owned()])
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(vec![v])
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(s) = seq.next_element::<String>()? {
            out.push(s);
        }
        Ok(out)
    }
}

/// `Principal` or `NotPrincipal`, and whether it was a bare string other than `"*"`.
struct PrincipalSeed;

impl<'de> DeserializeSeed<'de> for PrincipalSeed {
    type Value = (Principals, bool);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PrincipalSeed {
    type Value = (Principals, bool);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a principal")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(if v == "*" {
            (Principals::Any, false)
        } else {
            (
                Principals::Listed(vec![(PrincipalKind::Aws, v.to_owned())]),
                true,
            )
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut listed = Vec::new();
        let mut seen = 0;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let (kind, bit) = match &*key.0 {
                "AWS" => (PrincipalKind::Aws, 1),
                "Service" => (PrincipalKind::Service, 2),
                "Federated" => (PrincipalKind::Federated, 4),
                "CanonicalUser" => (PrincipalKind::CanonicalUser, 8),
                _ => return Err(not_here()),
            };
            if !first_time(&mut seen, bit) {
                return Err(not_here());
            }
            for s in map.next_value_seed(Strings)? {
                listed.push((kind, s));
            }
        }
        Ok((Principals::Listed(listed), false))
    }
}

/// `Condition`: operators, each mapping condition keys to values.
struct ConditionsSeed;

impl<'de> DeserializeSeed<'de> for ConditionsSeed {
    type Value = Vec<Condition>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ConditionsSeed {
    type Value = Vec<Condition>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a condition block")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        let mut operators = Seen::default();
        while let Some(op) = map.next_key::<Text<'de>>()? {
            if !operators.first(op.0.clone()) {
                return Err(not_here());
            }
            map.next_value_seed(OperatorSeed {
                operator: &op.0,
                out: &mut out,
            })?;
        }
        Ok(out)
    }
}

/// One operator's keys and values, appended to `out`.
struct OperatorSeed<'o> {
    operator: &'o str,
    out: &'o mut Vec<Condition>,
}

impl<'de> DeserializeSeed<'de> for OperatorSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OperatorSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("condition keys and values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = Seen::default();
        while let Some(key) = map.next_key::<Text<'de>>()? {
            if !keys.first(key.0.clone()) {
                return Err(not_here());
            }
            let values = map.next_value_seed(ValuesSeed { list: true })?;
            self.out.push(Condition {
                operator: self.operator.to_owned(),
                key: key.0.into_owned(),
                values,
            });
        }
        Ok(())
    }
}

/// A condition value: a scalar or (`list`) an array of scalars, each as its text (strings as
/// they are, integers and booleans as JSON writes them).
struct ValuesSeed {
    list: bool,
}

impl<'de> DeserializeSeed<'de> for ValuesSeed {
    type Value = Vec<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValuesSeed {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("condition values")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(vec![v.to_owned()])
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(vec![v])
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(vec![v.to_string()])
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(vec![v.to_string()])
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(vec![v.to_string()])
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if !self.list {
            // An array inside the array is a problem the `Value` reading reports.
            return Err(not_here());
        }
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(ValuesSeed { list: false })? {
            out.extend(v);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;

    /// What the `Value` reading makes of `text`: the document and whether it had problems.
    fn via_value(text: &str) -> Option<(Option<PolicyDocument>, bool)> {
        let value = serde_json::from_str::<Value>(text).ok()?;
        let parsed = PolicyDocument::from_value_in(&value, &mut Interner::default());
        Some((parsed.document, parsed.errors.is_empty()))
    }

    /// A document read directly is exactly the one the `Value` reading makes, and that
    /// reading found no problem in it.
    fn agrees(text: &str) -> Option<PolicyDocument> {
        let direct = clean_document(text, &mut Interner::default());
        if let Some(d) = &direct {
            let (document, clean) = via_value(text).unwrap_or((None, false));
            assert!(
                clean,
                "read directly, but the Value reading has problems: {text}"
            );
            assert_eq!(document.as_ref(), Some(d), "{text}");
        }
        direct
    }

    #[test]
    fn clean_documents_are_read_directly_and_the_same() {
        for text in [
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}]}"#,
            r#"{"Statement":{"Sid":"x","Effect":"Deny","NotAction":"iam:*","NotResource":["*"]}}"#,
            r#"{"Version":"2012-10-17","Id":"i","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","222233334444"],"Service":"ec2.amazonaws.com","Federated":[]},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"abc","aws:PrincipalTag/team":["a","b"]},"Bool":{"aws:MultiFactorAuthPresent":true},"NumericLessThan":{"aws:MultiFactorAuthAge":[3600,"-7"]},"NumericGreaterThan":{"k":-3}}}]}"#,
            r#"{"Statement":[{"NotPrincipal":{"CanonicalUser":"abc"},"Effect":"Deny","Action":"*"}]}"#,
            r#"{"Statement":[{"Principal":"123456789012","Effect":"Allow","Action":"*"}]}"#,
            r#"{"Statement":[]}"#,
            r#"{"Statement":[{}]}"#,
            r#"{"Statement":[{"Condition":{}}]}"#,
            r#"{"Statement":[{"Condition":{"Null":{}}}]}"#,
            r#"{"St\u0061tement":[{"Eff\u0065ct":"Allow","Action":"s3:Get\u002a","Sid":"\u00e9"}]}"#,
            "{\n  \"Statement\" : [ { \"Effect\" : \"Allow\" , \"Action\" : [ ] } ]\n}",
        ] {
            assert!(agrees(text).is_some(), "not read directly: {text}");
        }
    }

    #[test]
    fn documents_with_problems_or_repeated_keys_go_through_a_value() {
        for text in [
            "null",
            "[]",
            r#""text""#,
            r#"{}"#,
            r#"{"Version":"2012-10-17"}"#,
            r#"{"Statement":[],"Extra":1}"#,
            r#"{"Version":1,"Statement":[]}"#,
            r#"{"Statement":"x"}"#,
            r#"{"Statement":[1]}"#,
            r#"{"Statement":[{"Effect":"allow"}]}"#,
            r#"{"Statement":[{"Effect":null}]}"#,
            r#"{"Statement":[{"Principal":"*","NotPrincipal":"*"}]}"#,
            r#"{"Statement":[{"Action":"a","NotAction":"b"}]}"#,
            r#"{"Statement":[{"Resource":"a","NotResource":"b"}]}"#,
            r#"{"Statement":[{"Action":["a",1]}]}"#,
            r#"{"Statement":[{"Principal":{"User":"x"}}]}"#,
            r#"{"Statement":[{"Principal":{"AWS":[null]}}]}"#,
            r#"{"Statement":[{"Principal":null}]}"#,
            r#"{"Statement":[{"Condition":[]}]}"#,
            r#"{"Statement":[{"Condition":{"StringEquals":"x"}}]}"#,
            r#"{"Statement":[{"Condition":{"StringEquals":{"k":{"a":1}}}}]}"#,
            r#"{"Statement":[{"Condition":{"StringEquals":{"k":[[1]]}}}]}"#,
            r#"{"Statement":[{"Condition":{"StringEquals":{"k":null}}}]}"#,
            // Repeated keys: a `Value` keeps the last, which the direct reading leaves to it.
            r#"{"Statement":[],"Statement":[{"Effect":"Allow"}]}"#,
            r#"{"Statement":[{"Effect":"Deny","Effect":"Allow"}]}"#,
            r#"{"Statement":[{"Principal":{"AWS":"a","AWS":"b"}}]}"#,
            r#"{"Statement":[{"Condition":{"Bool":{"k":"true"},"Bool":{"k":"false"}}}]}"#,
            r#"{"Statement":[{"Condition":{"Bool":{"k":"true","k":"false"}}}]}"#,
            // Fractional numbers are printed by the `Value` reading.
            r#"{"Statement":[{"Condition":{"NumericLessThan":{"k":1.50}}}]}"#,
            r#"{"Statement":[{"Condition":{"NumericLessThan":{"k":-0}}}]}"#,
        ] {
            assert!(agrees(text).is_none(), "read directly: {text}");
        }
    }

    #[test]
    fn many_condition_keys_are_checked_for_repeats_too() {
        let keys: Vec<String> = (0..40).map(|i| format!("\"k{i}\":\"v\"")).collect();
        let text = format!(
            r#"{{"Statement":[{{"Condition":{{"StringEquals":{{{}}}}}}}]}}"#,
            keys.join(",")
        );
        assert_eq!(
            agrees(&text).map(|d| d.statements[0].conditions.len()),
            Some(40)
        );
        let repeated = text.replacen("\"k39\"", "\"k3\"", 1);
        assert!(agrees(&repeated).is_none());
    }

    #[test]
    fn every_document_of_the_demo_is_read_directly() {
        fn documents(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(map) if map.contains_key("Statement") => out.push(v.to_string()),
                Value::Object(map) => map.values().for_each(|v| documents(v, out)),
                Value::Array(items) => items.iter().for_each(|v| documents(v, out)),
                _ => {}
            }
        }
        let bundle: Value =
            serde_json::from_str(crate::engine::load::DEMO_BUNDLE).unwrap_or(Value::Null);
        let mut all = Vec::new();
        documents(&bundle, &mut all);
        assert!(all.len() > 50, "{}", all.len());
        for text in &all {
            let (_, clean) = via_value(text).unwrap_or((None, false));
            if clean {
                assert!(agrees(text).is_some(), "not read directly: {text}");
            }
        }
    }

    /// JSON text built from policy words, with repeated keys allowed.
    #[derive(Debug, Clone)]
    enum Json {
        Object(Vec<(String, Json)>),
        Array(Vec<Json>),
        Text(String),
        Int(i64),
        Float(f64),
        Bool(bool),
        Null,
    }

    impl Json {
        fn write(&self, out: &mut String) {
            match self {
                Self::Object(entries) => {
                    out.push('{');
                    for (i, (k, v)) in entries.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(&Value::from(k.as_str()).to_string());
                        out.push(':');
                        v.write(out);
                    }
                    out.push('}');
                }
                Self::Array(items) => {
                    out.push('[');
                    for (i, v) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(" , ");
                        }
                        v.write(out);
                    }
                    out.push(']');
                }
                Self::Text(s) => out.push_str(&Value::from(s.as_str()).to_string()),
                Self::Int(n) => out.push_str(&n.to_string()),
                Self::Float(f) => out.push_str(&Value::from(*f).to_string()),
                Self::Bool(b) => out.push_str(&b.to_string()),
                Self::Null => out.push_str("null"),
            }
        }
    }

    const WORDS: &[&str] = &[
        "Version",
        "Id",
        "Statement",
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
        "AWS",
        "Service",
        "Federated",
        "CanonicalUser",
        "Allow",
        "Deny",
        "*",
        "s3:GetObject",
        "StringEquals",
        "Bool",
        "aws:SourceIp",
        "é\"\\",
        "",
    ];

    fn json() -> impl Strategy<Value = Json> {
        let word = proptest::sample::select(WORDS).prop_map(str::to_owned);
        let leaf = prop_oneof![
            4 => word.clone().prop_map(Json::Text),
            1 => any::<i64>().prop_map(Json::Int),
            1 => (-10.0..10.0_f64).prop_map(Json::Float),
            1 => any::<bool>().prop_map(Json::Bool),
            1 => Just(Json::Null),
        ];
        leaf.prop_recursive(5, 64, 6, move |inner| {
            prop_oneof![
                3 => proptest::collection::vec((word.clone(), inner.clone()), 0..6)
                    .prop_map(Json::Object),
                1 => proptest::collection::vec(inner, 0..4).prop_map(Json::Array),
            ]
        })
    }

    proptest! {
        #[test]
        fn a_document_read_directly_is_the_one_a_value_gives(
            statements in proptest::collection::vec(json(), 0..4),
            top in json(),
        ) {
            let mut text = String::from(r#"{"Version":"2012-10-17","Statement":"#);
            Json::Array(statements).write(&mut text);
            text.push('}');
            agrees(&text);
            let mut other = String::new();
            top.write(&mut other);
            agrees(&other);
        }
    }
}
