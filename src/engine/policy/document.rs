//! The IAM policy language as data: a parsed policy document, its statements and their
//! elements, built from JSON without losing anything the author wrote.
//!
//! Parsing is lenient: it accepts every shape AWS accepts (a single statement object or an
//! array, strings or arrays of strings) and turns what it cannot read into a [`ParseError`]
//! located by JSON path. Checking what AWS would *reject on save* (unknown operators,
//! `NotPrincipal` with `Allow`, …) is validation, which lives in `policy::validate`;
//! matching and evaluation live in `policy::evaluate`.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

/// A whole policy document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDocument {
    /// The `Version` element as written; `None` when absent (which AWS treats as 2008-10-17).
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

/// `Allow` or `Deny`. The element is case sensitive in AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// Which kind of principal a `Principal` map entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum PrincipalKind {
    #[serde(rename = "AWS")]
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalKind {
    /// The key as it appears in a policy.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "AWS",
            Self::Service => "Service",
            Self::Federated => "Federated",
            Self::CanonicalUser => "CanonicalUser",
        }
    }
}

/// The value of `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Principals {
    /// `"*"`: every principal, anonymous included (same as `{"AWS":"*"}`).
    Any,
    /// A map of kinds to values; entries are ORed.
    Listed(Vec<(PrincipalKind, String)>),
}

/// A list of patterns under `Action`/`NotAction` or `Resource`/`NotResource`.
///
/// Patterns are shared strings: the same action or ARN written in many documents of a file
/// is held once (see [`Interner`]), which is most of a large export's parsed size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternList {
    /// True for the `Not…` form of the element.
    pub negated: bool,
    pub patterns: Vec<Arc<str>>,
}

/// Hands out one shared copy of each distinct string it is given. Parsing many documents
/// with one interner stores each action name or resource ARN once, however often it is
/// written; the interner is dropped with the parse, so nothing outlives the documents.
#[derive(Debug, Default)]
pub struct Interner {
    /// foldhash: a fast hash, fit for keys that come from the user's own files.
    strings: HashSet<Arc<str>, foldhash::fast::RandomState>,
}

impl Interner {
    /// The shared copy of `s`.
    pub fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(found) = self.strings.get(s) {
            return Arc::clone(found);
        }
        let shared: Arc<str> = Arc::from(s);
        self.strings.insert(Arc::clone(&shared));
        shared
    }
}

/// One operator/key pair of a `Condition` block, with its values (ORed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// The operator exactly as written, e.g. `ForAnyValue:StringLikeIfExists`.
    pub operator: String,
    /// The condition key as written (matching is case-insensitive).
    pub key: String,
    pub values: Vec<String>,
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    /// Position in the `Statement` array (0 for a single-object statement).
    pub index: usize,
    pub sid: Option<String>,
    /// `None` when the `Effect` element is missing or not `Allow`/`Deny`; such a statement
    /// never matches and is reported by validation.
    pub effect: Option<Effect>,
    pub principal: Option<Principals>,
    /// True when the principals came from `NotPrincipal`.
    pub not_principal: bool,
    /// True when `Principal` was a bare ARN or account id string rather than `"*"` or an
    /// object. IAM rejects that on save; it is read as `{"AWS": …}` (as the independent
    /// simulator reads it) and validation reports it.
    pub principal_as_text: bool,
    pub action: Option<PatternList>,
    pub resource: Option<PatternList>,
    pub conditions: Vec<Condition>,
}

impl Statement {
    /// `Sid` when present, otherwise `#index`, for messages.
    #[must_use]
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => sid.clone(),
            _ => format!("#{}", self.index),
        }
    }
}

/// Something in a policy document that could not be read, located by JSON path
/// (`$.Statement[2].Condition.StringEquals`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ParseError {
    pub path: String,
    pub message: String,
}

impl ParseError {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// The outcome of reading a document: the document (when its top level was readable) and
/// every problem met on the way. A statement with a problem is kept with the readable part
/// of its elements, so nothing the author wrote silently disappears.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parsed {
    pub document: Option<PolicyDocument>,
    pub errors: Vec<ParseError>,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Allow => "Allow",
            Self::Deny => "Deny",
        })
    }
}

impl PolicyDocument {
    /// What decides a request in a principal's own inline policy named `name`, when only its
    /// statements that `keep` holds can apply: the name (decisions name the policy after its
    /// owner) and each kept statement, with its label and its content. Two inline policies
    /// with the same key decide every such request alike.
    #[must_use]
    pub fn statements_key(&self, name: &str, keep: impl Fn(&Statement) -> bool) -> String {
        let mut key = name.to_owned();
        for st in self.statements.iter().filter(|st| keep(st)) {
            // A statement with a `Sid` is named by it; its position then shows nowhere.
            let mut st = st.clone();
            if st.sid.as_deref().is_some_and(|s| !s.is_empty()) {
                st.index = 0;
            }
            key.push('\u{0}');
            key.push_str(&st.label());
            key.push('\u{0}');
            key.push_str(&serde_json::to_string(&st).unwrap_or_default());
        }
        key
    }

    /// Reads a policy document from JSON text.
    #[must_use]
    pub fn parse_str(text: &str) -> Parsed {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => Self::from_value(&value),
            Err(e) => Parsed {
                document: None,
                errors: vec![ParseError::new(
                    "$",
                    format!(
                        "not valid JSON at line {}, column {}: {e}",
                        e.line(),
                        e.column()
                    ),
                )],
            },
        }
    }

    /// Reads a policy document from an already-decoded JSON value.
    #[must_use]
    pub fn from_value(value: &Value) -> Parsed {
        Self::from_value_in(value, &mut Interner::default())
    }

    /// Reads a policy document, sharing its patterns with the other documents read through
    /// the same `interner`.
    #[must_use]
    pub fn from_value_in(value: &Value, interner: &mut Interner) -> Parsed {
        let mut errors = Vec::new();
        let Some(obj) = value.as_object() else {
            errors.push(ParseError::new(
                "$",
                format!(
                    "a policy document must be a JSON object, found {}",
                    kind_of(value)
                ),
            ));
            return Parsed {
                document: None,
                errors,
            };
        };
        let mut version = None;
        let mut id = None;
        let mut statements = Vec::new();
        let mut saw_statement = false;
        for (k, v) in obj {
            match k.as_str() {
                "Version" => version = string_at(v, "$.Version", &mut errors),
                "Id" => id = string_at(v, "$.Id", &mut errors),
                "Statement" => {
                    saw_statement = true;
                    match v {
                        Value::Array(items) => {
                            for (i, item) in items.iter().enumerate() {
                                if let Some(s) =
                                    read_statement(
                                        item,
                                        i,
                                        &format!("$.Statement[{i}]"),
                                        &mut errors,
                                        interner,
                                    )
                                {
                                    statements.push(s);
                                }
                            }
                        }
                        Value::Object(_) => {
                            if let Some(s) = read_statement(v, 0, "$.Statement", &mut errors, interner) {
                                statements.push(s);
                            }
                        }
                        other => errors.push(ParseError::new(
                            "$.Statement",
                            format!("`Statement` must be an object or an array, found {}", kind_of(other)),
                        )),
                    }
                }
                other => errors.push(ParseError::new(
                    format!("$.{other}"),
                    format!("unknown top-level element `{other}`; a policy has only Version, Id and Statement"),
                )),
            }
        }
        if !saw_statement {
            errors.push(ParseError::new(
                "$",
                "the policy has no `Statement` element",
            ));
        }
        Parsed {
            document: Some(PolicyDocument {
                version,
                id,
                statements,
            }),
            errors,
        }
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn string_at(v: &Value, path: &str, errors: &mut Vec<ParseError>) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        other => {
            errors.push(ParseError::new(
                path,
                format!("expected a string, found {}", kind_of(other)),
            ));
            None
        }
    }
}

/// A scalar condition or list value as AWS reads it: strings as they are, numbers and
/// booleans by their JSON text.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A string or an array of strings, as shared copies from `interner`.
fn pattern_list(
    v: &Value,
    path: &str,
    errors: &mut Vec<ParseError>,
    interner: &mut Interner,
) -> Vec<Arc<str>> {
    list_of(v, path, errors, |s| interner.intern(s))
}

/// A string or an array of strings.
fn string_list(v: &Value, path: &str, errors: &mut Vec<ParseError>) -> Vec<String> {
    list_of(v, path, errors, str::to_owned)
}

/// A string or an array of strings, each made into a `T` by `make`.
fn list_of<T>(
    v: &Value,
    path: &str,
    errors: &mut Vec<ParseError>,
    mut make: impl FnMut(&str) -> T,
) -> Vec<T> {
    match v {
        Value::String(s) => vec![make(s)],
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) => out.push(make(s)),
                    other => errors.push(ParseError::new(
                        format!("{path}[{i}]"),
                        format!("expected a string, found {}", kind_of(other)),
                    )),
                }
            }
            out
        }
        other => {
            errors.push(ParseError::new(
                path,
                format!(
                    "expected a string or an array of strings, found {}",
                    kind_of(other)
                ),
            ));
            Vec::new()
        }
    }
}

fn read_principals(v: &Value, path: &str, errors: &mut Vec<ParseError>) -> Option<Principals> {
    match v {
        Value::String(s) if s == "*" => Some(Principals::Any),
        // Not valid IAM (validation says so), but its meaning is plain: an AWS principal.
        Value::String(s) => Some(Principals::Listed(vec![(PrincipalKind::Aws, s.clone())])),
        Value::Object(map) => {
            let mut listed = Vec::new();
            for (k, val) in map {
                let kind = match k.as_str() {
                    "AWS" => PrincipalKind::Aws,
                    "Service" => PrincipalKind::Service,
                    "Federated" => PrincipalKind::Federated,
                    "CanonicalUser" => PrincipalKind::CanonicalUser,
                    other => {
                        errors.push(ParseError::new(
                            format!("{path}.{other}"),
                            format!("unknown principal type `{other}`; use AWS, Service, Federated or CanonicalUser"),
                        ));
                        continue;
                    }
                };
                for s in string_list(val, &format!("{path}.{k}"), errors) {
                    listed.push((kind, s));
                }
            }
            Some(Principals::Listed(listed))
        }
        other => {
            errors.push(ParseError::new(
                path,
                format!(
                    "a principal must be \"*\" or an object such as {{\"AWS\": \"…\"}}, found {}",
                    describe(other)
                ),
            ));
            None
        }
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string `{s}`"),
        other => kind_of(other).to_owned(),
    }
}

fn read_conditions(v: &Value, path: &str, errors: &mut Vec<ParseError>) -> Vec<Condition> {
    let Some(ops) = v.as_object() else {
        errors.push(ParseError::new(
            path,
            format!(
                "`Condition` must be an object of operators, found {}",
                kind_of(v)
            ),
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (op, keys) in ops {
        let op_path = format!("{path}.{op}");
        let Some(keys) = keys.as_object() else {
            errors.push(ParseError::new(
                op_path,
                format!(
                    "operator `{op}` must map condition keys to values, found {}",
                    kind_of(keys)
                ),
            ));
            continue;
        };
        for (key, vals) in keys {
            let key_path = format!("{op_path}.{key}");
            let values = match vals {
                Value::Array(items) => {
                    let mut list = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        match scalar_text(item) {
                            Some(s) => list.push(s),
                            None => errors.push(ParseError::new(
                                format!("{key_path}[{i}]"),
                                format!("a condition value must be a string, number or boolean, found {}", kind_of(item)),
                            )),
                        }
                    }
                    list
                }
                other => match scalar_text(other) {
                    Some(s) => vec![s],
                    None => {
                        errors.push(ParseError::new(
                            key_path,
                            format!("a condition value must be a string, number, boolean or an array of them, found {}", kind_of(other)),
                        ));
                        continue;
                    }
                },
            };
            out.push(Condition {
                operator: op.clone(),
                key: key.clone(),
                values,
            });
        }
    }
    out
}

fn read_statement(
    v: &Value,
    index: usize,
    path: &str,
    errors: &mut Vec<ParseError>,
    interner: &mut Interner,
) -> Option<Statement> {
    let Some(obj) = v.as_object() else {
        errors.push(ParseError::new(
            path,
            format!("a statement must be an object, found {}", kind_of(v)),
        ));
        return None;
    };
    let mut st = Statement {
        index,
        sid: None,
        effect: None,
        principal: None,
        not_principal: false,
        principal_as_text: false,
        action: None,
        resource: None,
        conditions: Vec::new(),
    };
    for (k, val) in obj {
        let p = format!("{path}.{k}");
        match k.as_str() {
            "Sid" => st.sid = string_at(val, &p, errors),
            "Effect" => match val.as_str() {
                Some("Allow") => st.effect = Some(Effect::Allow),
                Some("Deny") => st.effect = Some(Effect::Deny),
                _ => errors.push(ParseError::new(
                    p,
                    format!(
                        "`Effect` must be exactly \"Allow\" or \"Deny\" (case sensitive), found {}",
                        describe(val)
                    ),
                )),
            },
            "Principal" | "NotPrincipal" => {
                if st.principal.is_some() {
                    errors.push(ParseError::new(
                        p,
                        "a statement may have `Principal` or `NotPrincipal`, not both",
                    ));
                    continue;
                }
                st.not_principal = k == "NotPrincipal";
                st.principal = read_principals(val, &p, errors);
                st.principal_as_text = matches!(val, Value::String(t) if t != "*");
            }
            "Action" | "NotAction" => {
                if st.action.is_some() {
                    errors.push(ParseError::new(
                        p,
                        "a statement may have `Action` or `NotAction`, not both",
                    ));
                    continue;
                }
                st.action = Some(PatternList {
                    negated: k == "NotAction",
                    patterns: pattern_list(val, &p, errors, interner),
                });
            }
            "Resource" | "NotResource" => {
                if st.resource.is_some() {
                    errors.push(ParseError::new(
                        p,
                        "a statement may have `Resource` or `NotResource`, not both",
                    ));
                    continue;
                }
                st.resource = Some(PatternList {
                    negated: k == "NotResource",
                    patterns: pattern_list(val, &p, errors, interner),
                });
            }
            "Condition" => st.conditions = read_conditions(val, &p, errors),
            other => errors.push(ParseError::new(
                p,
                format!("unknown statement element `{other}`"),
            )),
        }
    }
    Some(st)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn single_statement_object_and_scalar_elements_are_accepted() {
        let p = PolicyDocument::from_value(&json!({
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
        }));
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let doc = p.document.unwrap();
        assert_eq!(doc.statements.len(), 1);
        assert_eq!(doc.statements[0].effect, Some(Effect::Allow));
        assert_eq!(
            doc.statements[0].action.as_ref().unwrap().patterns,
            vec![Arc::<str>::from("s3:GetObject")]
        );
    }

    #[test]
    fn documents_read_through_one_interner_share_their_patterns() {
        let mut interner = Interner::default();
        let doc = |interner: &mut Interner| {
            let v = serde_json::json!({"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}});
            PolicyDocument::from_value_in(&v, interner)
                .document
                .unwrap()
        };
        let (a, b) = (doc(&mut interner), doc(&mut interner));
        let pattern =
            |d: &PolicyDocument| Arc::clone(&d.statements[0].action.as_ref().unwrap().patterns[0]);
        assert!(Arc::ptr_eq(&pattern(&a), &pattern(&b)));
        let other = doc(&mut Interner::default());
        assert!(!Arc::ptr_eq(&pattern(&a), &pattern(&other)));
    }

    #[test]
    fn condition_values_keep_numbers_and_booleans_as_text() {
        let p = PolicyDocument::from_value(&json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
              "Condition": {"Bool": {"aws:MultiFactorAuthPresent": true},
                            "NumericLessThan": {"aws:MultiFactorAuthAge": [3600, "7200"]}}}]
        }));
        let st = &p.document.unwrap().statements[0];
        assert_eq!(st.conditions[0].values, vec!["true"]);
        assert_eq!(st.conditions[1].values, vec!["3600", "7200"]);
    }

    #[test]
    fn problems_are_located_by_json_path_and_the_rest_is_kept() {
        let p = PolicyDocument::from_value(&json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "allow", "Action": "s3:*", "Resource": "*"},
                {"Effect": "Deny", "Action": ["s3:*", 5], "Resource": "*"}
            ]
        }));
        let doc = p.document.unwrap();
        assert_eq!(doc.statements.len(), 2);
        assert_eq!(p.errors[0].path, "$.Statement[0].Effect");
        assert_eq!(p.errors[1].path, "$.Statement[1].Action[1]");
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let p =
            PolicyDocument::parse_str("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}");
        assert!(p.document.is_none());
        assert!(
            p.errors[0].message.contains("line 4"),
            "{}",
            p.errors[0].message
        );
    }
}
