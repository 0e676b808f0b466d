//! From bytes to parsed shapes: text encodings, JSON syntax and shape errors, and the three
//! encodings of a policy document.
//!
//! Owns turning a file's bytes into [`RawAccount`] with errors that name the line and
//! column (syntax) or the JSON path (shape), and turning one policy document — a JSON
//! object, a string holding JSON text, or a URL-encoded string — into a [`PolicyText`].

use std::path::Path;

use std::sync::Arc;

use serde_json::Value;
use serde_json::value::RawValue;

use super::LoadError;
use super::outline::{self, Note};
use super::raw::{Lenient, RawAccount, RawRole};
use super::recognise;
use crate::engine::model::PolicyText;
use crate::engine::policy::document::{Interner, ParseError, PolicyDocument};

/// The keys that make a file something rolescope reads.
pub const KNOWN_KEYS: &[&str] = &[
    "Accounts",
    "RoleDetailList",
    "UserDetailList",
    "GroupDetailList",
    "Policies",
    "Roles",
    "Role",
    "Organization",
    "ResourcePolicies",
    "IdentityProviders",
    "StsRegionsDeactivated",
    "OpenIDConnectProviderList",
    "SAMLProviderList",
];

/// Turns a file's bytes into text: UTF-8 (a byte-order mark is dropped) or UTF-16 with a
/// byte-order mark (what Windows PowerShell 5 writes for `>`). Anything else with a NUL byte
/// near the start, or invalid UTF-8, is binary.
///
/// # Errors
/// [`LoadError::Empty`] for no bytes, [`LoadError::Binary`] for non-text.
pub fn text(path: &Path, data: Vec<u8>) -> Result<String, LoadError> {
    if data.is_empty() {
        return Err(LoadError::Empty {
            path: path.to_owned(),
        });
    }
    let magic: Vec<u8> = data.iter().take(4).copied().collect();
    let binary = |offset: usize| LoadError::Binary {
        path: path.to_owned(),
        offset,
        detail: if magic.starts_with(&[0x1F, 0x8B]) {
            "it is gzip-compressed; decompress it first".to_owned()
        } else if magic.starts_with(b"PK\x03\x04") {
            "it is a zip archive; extract the JSON files first".to_owned()
        } else {
            format!("binary data at byte {offset}")
        },
    };
    if let Some(utf16) = utf16(&data) {
        return utf16.ok_or_else(|| binary(0));
    }
    let start = if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    if let Some(offset) = memchr_nul(&data) {
        return Err(binary(offset));
    }
    let mut data = data;
    data.drain(..start);
    String::from_utf8(data).map_err(|e| binary(e.utf8_error().valid_up_to() + start))
}

/// A NUL byte in the first 8 KiB marks a binary file (the heuristic git and grep use); later
/// ones are caught by the JSON parser.
fn memchr_nul(data: &[u8]) -> Option<usize> {
    data.iter().take(8192).position(|&b| b == 0)
}

/// `Some` when `data` starts with a UTF-16 byte-order mark: the decoded text, or `None` when
/// it is not valid UTF-16.
fn utf16(data: &[u8]) -> Option<Option<String>> {
    let little = match data {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units: Vec<u16> = data[2..]
        .chunks(2)
        .map(|c| match c {
            [a, b] if little => u16::from_le_bytes([*a, *b]),
            [a, b] => u16::from_be_bytes([*a, *b]),
            _ => 0xFFFF,
        })
        .collect();
    Some(
        String::from_utf16(&units)
            .ok()
            .filter(|s| !s.contains('\0')),
    )
}

/// Removes the whitespace between JSON tokens (spaces, tabs, line breaks outside strings),
/// fed a piece at a time: AWS CLI output is mostly indentation, and the parsed shapes borrow
/// from a buffer a third the size. Strings are kept byte for byte; two bare tokens (numbers,
/// `true`, …) that only whitespace separated keep one space between them, so malformed text
/// stays malformed. Positions in the result are not the file's: a syntax error is located
/// again on the original text (see `Loader`).
#[derive(Debug, Default)]
pub struct Compactor {
    in_string: bool,
    escaped: bool,
    skipped: bool,
}

impl Compactor {
    /// Appends `piece` without its insignificant whitespace to `out`.
    pub fn feed(&mut self, piece: &[u8], out: &mut Vec<u8>) {
        let n = piece.len();
        let mut i = 0;
        while i < n {
            if self.in_string {
                if self.escaped {
                    out.push(piece[i]);
                    self.escaped = false;
                    i += 1;
                    continue;
                }
                match memchr::memchr2(b'"', b'\\', &piece[i..]) {
                    Some(k) => {
                        out.extend_from_slice(&piece[i..=i + k]);
                        if piece[i + k] == b'"' {
                            self.in_string = false;
                        } else {
                            self.escaped = true;
                        }
                        i += k + 1;
                    }
                    None => {
                        out.extend_from_slice(&piece[i..]);
                        i = n;
                    }
                }
                continue;
            }
            match piece[i] {
                b' ' | b'\t' | b'\n' | b'\r' => {
                    self.skipped = true;
                    i += 1;
                    // Indentation comes in long runs of spaces: skip them eight at a time.
                    while i + 8 <= n && piece[i..i + 8] == *b"        " {
                        i += 8;
                    }
                    while i < n && piece[i] == b' ' {
                        i += 1;
                    }
                }
                b => {
                    if self.skipped
                        && is_bare_token_byte(b)
                        && out.last().copied().is_some_and(is_bare_token_byte)
                    {
                        out.push(b' ');
                    }
                    self.skipped = false;
                    self.in_string = b == b'"';
                    out.push(b);
                    i += 1;
                }
            }
        }
    }
}

/// A whole text without its insignificant whitespace (see [`Compactor`]).
#[must_use]
pub fn compact(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    Compactor::default().feed(text.as_bytes(), &mut out);
    // Only ASCII bytes outside strings were removed, so the text is still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// [`compact`] as a shared string, copying `text` only once when it is compact already (a
/// document of a file read through [`Compactor`], the usual case).
fn compact_shared(text: &str) -> Arc<str> {
    let bytes = text.as_bytes();
    if memchr::memchr3(b' ', b'\n', b'\t', bytes).is_some()
        || memchr::memchr(b'\r', bytes).is_some()
    {
        Arc::from(compact(text))
    } else {
        // Without whitespace there is nothing to remove.
        Arc::from(text)
    }
}

fn is_bare_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')
}

/// Turns a compacted file's bytes into text, as [`text`] does for a whole file but without
/// the byte-order mark and NUL checks, which need the file's first bytes (see `Loader`).
/// `None` when the bytes are not UTF-8: the caller reads the file again through [`text`] to
/// say where.
#[must_use]
pub fn compacted_text(mut bytes: Vec<u8>) -> Option<String> {
    bytes.shrink_to_fit();
    String::from_utf8(bytes).ok()
}

/// True when `head` (a file's first bytes) is something [`text`] handles specially or refuses:
/// empty, UTF-16, a UTF-8 byte-order mark, or a NUL byte in the first 8 KiB.
#[must_use]
pub fn needs_whole_file(head: &[u8]) -> bool {
    head.is_empty()
        || head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
        || head.starts_with(&[0xEF, 0xBB, 0xBF])
        || memchr_nul(head).is_some()
}

/// True when a file starting with `head` is binary: a NUL byte among its first 8 KiB
/// outside a UTF-16 byte-order-marked text. [`text`] says what it is.
#[must_use]
pub fn is_binary_head(head: &[u8]) -> bool {
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    !utf16 && memchr_nul(head).is_some()
}

/// Parses a whole file into its shapes.
///
/// # Errors
/// [`LoadError::Syntax`] with line and column for malformed JSON, [`LoadError::Shape`] with
/// the JSON path for a wrong shape, [`LoadError::UnknownFormat`] when no known key is there.
pub fn parse<'a>(path: &Path, text: &'a str) -> Result<Parsed<'a>, LoadError> {
    let object = text.trim_start().starts_with('{');
    let (raw, notes) = if object && text.len() >= ALONGSIDE_BYTES && cores() >= 2 {
        // Both passes only read the text: on a large file the outline runs on a second core
        // while the typed parse runs on this one.
        std::thread::scope(|scope| {
            let outline = scope.spawn(|| outline::notes(text));
            let raw = parse_shapes(path, text);
            let notes = outline
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (raw, notes)
        })
    } else {
        let raw = parse_shapes(path, text);
        let notes = match &raw {
            Ok(_) if object => outline::notes(text),
            _ => Vec::new(),
        };
        (raw, notes)
    };
    let raw = raw?;
    let mut warnings = Vec::new();
    for note in notes {
        match note {
            Note::DuplicateAccount { json_path, id } => {
                return Err(LoadError::Shape {
                    path: path.to_owned(),
                    json_path,
                    message: format!(
                        "account `{id}` appears more than once in `Accounts`, and only one of them would be read; merge them into one"
                    ),
                });
            }
            Note::Misspelt {
                json_path,
                key,
                known,
            } => warnings.push((
                json_path,
                format!(
                    "`{key}` is not a key rolescope reads, so what it holds is not loaded; did you mean `{known}`?"
                ),
            )),
            Note::Partial { json_path, key } => warnings.push((
                json_path,
                format!(
                    "`{key}` shows this is one page of a longer answer, so the export is partial; let the AWS CLI follow the pages (leave out `--max-items` and `--no-paginate`) and load the whole answer"
                ),
            )),
        }
    }
    Ok(Parsed { raw, warnings })
}

/// From this size on, [`parse`] reads a file's outline on a second core.
const ALONGSIDE_BYTES: usize = 4 << 20;

/// How many cores loading may use.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// A parsed file: its shapes, and warnings about its JSON (JSON path, message).
pub struct Parsed<'a> {
    pub raw: RawAccount<'a>,
    pub warnings: Vec<(String, String)>,
}

fn parse_shapes<'a>(path: &Path, text: &'a str) -> Result<RawAccount<'a>, LoadError> {
    let first = text.trim_start().chars().next();
    if first == Some('[') {
        return parse_role_array(path, text);
    }
    if first.is_some_and(|c| c != '{') {
        if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
            let found =
                serde_json::from_str::<Value>(text).map_or("something else", |v| kind_of(&v));
            return Err(LoadError::Shape {
                path: path.to_owned(),
                json_path: "$".to_owned(),
                message: format!("found {found}; the top level must be a JSON object"),
            });
        }
        if recognise::looks_like_yaml(text) {
            return Err(LoadError::NotUsed {
                path: path.to_owned(),
                what: "YAML".to_owned(),
                instead: "rolescope reads JSON: run the AWS CLI with `--output json`, or convert the file with `yq -o=json`".to_owned(),
            });
        }
    }
    match serde_json::from_str::<RawAccount<'a>>(text) {
        Ok(raw) => {
            if !has_known_key(&raw) {
                return bare_role(path, text).unwrap_or_else(|| Err(unknown_format(path, text)));
            }
            if only_policies_without_documents(&raw)
                && let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text)
                && let Some(unused) = map
                    .get("Policies")
                    .and_then(Value::as_array)
                    .and_then(|p| recognise::policy_listing(p))
            {
                return Err(LoadError::NotUsed {
                    path: path.to_owned(),
                    what: unused.what,
                    instead: unused.instead,
                });
            }
            Ok(raw)
        }
        Err(e) if e.is_data() => Err(shape_error(path, text, &e)),
        Err(e) => Err(LoadError::Syntax {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        }),
    }
}

/// A file whose only known key is `Policies`, none of which carries its documents: a policy
/// listing, not an export.
fn only_policies_without_documents(raw: &RawAccount<'_>) -> bool {
    let only_policies = raw.accounts.is_none()
        && raw.roles.is_none()
        && raw.role.is_none()
        && raw.user_detail_list.is_none()
        && raw.group_detail_list.is_none()
        && raw.role_detail_list.is_none();
    only_policies
        && raw.policies.as_ref().is_some_and(|l| {
            !l.0.is_empty() && l.0.iter().all(|p| p.policy_version_list.0.is_empty())
        })
}

/// Which of a role object's keys are there: `get-role`/`list-roles` roles lack the policy
/// lists that `RoleDetailList` entries carry.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoleKeys {
    #[serde(default)]
    arn: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    role_name: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    assume_role_policy_document: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    role_policy_list: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    attached_managed_policies: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    instance_profile_list: Option<serde::de::IgnoredAny>,
}

impl RoleKeys {
    fn is_role(&self) -> bool {
        self.arn.is_some()
            && (self.role_name.is_some() || self.assume_role_policy_document.is_some())
    }

    fn is_detail(&self) -> bool {
        self.role_policy_list.is_some()
            || self.attached_managed_policies.is_some()
            || self.instance_profile_list.is_some()
    }
}

/// A top-level role object (`aws iam get-role --query Role`, or one `RoleDetailList` entry):
/// `None` when the object is not a role.
fn bare_role<'a>(path: &Path, text: &'a str) -> Option<Result<RawAccount<'a>, LoadError>> {
    let keys = serde_json::from_str::<RoleKeys>(text).ok()?;
    if !keys.is_role() {
        return None;
    }
    Some(match element_role(path, text, "$") {
        Ok(role) if keys.is_detail() => Ok(RawAccount {
            role_detail_list: Some(Lenient(vec![role])),
            ..RawAccount::default()
        }),
        Ok(role) => Ok(RawAccount {
            role: Some(role),
            ..RawAccount::default()
        }),
        Err(e) => Err(e),
    })
}

/// A top-level array of roles: `aws iam list-roles --query 'Roles'` (read as `list-roles`),
/// or `get-account-authorization-details --query 'RoleDetailList'` (read as the export's).
fn parse_role_array<'a>(path: &Path, text: &'a str) -> Result<RawAccount<'a>, LoadError> {
    let items = match serde_json::from_str::<Vec<&'a RawValue>>(text) {
        Ok(items) => items,
        Err(e) if e.is_data() => {
            return Err(LoadError::Shape {
                path: path.to_owned(),
                json_path: "$".to_owned(),
                message: format!(
                    "{}; a top-level array is read as roles (the output of `--query 'Roles'`), and the top level is otherwise a JSON object",
                    strip_position(&e.to_string())
                ),
            });
        }
        Err(e) => {
            return Err(LoadError::Syntax {
                path: path.to_owned(),
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            });
        }
    };
    let mut roles = Vec::with_capacity(items.len());
    let mut detail = false;
    for (i, item) in items.into_iter().enumerate() {
        let at = format!("$[{i}]");
        let keys = serde_json::from_str::<RoleKeys>(item.get()).unwrap_or_default();
        if !keys.is_role() {
            return Err(LoadError::Shape {
                path: path.to_owned(),
                json_path: at,
                message: "not a role (no `Arn` with `RoleName`); a top-level array is read as roles, the output of `aws iam list-roles --query 'Roles'`; the top level is otherwise a JSON object".to_owned(),
            });
        }
        detail |= keys.is_detail();
        roles.push(element_role(path, item.get(), &at)?);
    }
    let list = Some(Lenient(roles));
    Ok(if detail {
        RawAccount {
            role_detail_list: list,
            ..RawAccount::default()
        }
    } else {
        RawAccount {
            roles: list,
            ..RawAccount::default()
        }
    })
}

/// One role object at `at` in the file, with errors located inside it.
fn element_role<'a>(path: &Path, text: &'a str, at: &str) -> Result<RawRole<'a>, LoadError> {
    serde_json::from_str::<RawRole<'a>>(text).map_err(|_| {
        let mut de = serde_json::Deserializer::from_str(text);
        let (inner, message) = match serde_path_to_error::deserialize::<_, RawRole<'_>>(&mut de) {
            Err(e) => (e.path().to_string(), strip_position(&e.inner().to_string())),
            Ok(_) => (String::new(), "not a role".to_owned()),
        };
        let json_path = if inner.is_empty() || inner == "." {
            at.to_owned()
        } else {
            format!("{at}.{inner}")
        };
        LoadError::Shape {
            path: path.to_owned(),
            json_path,
            message,
        }
    })
}

fn has_known_key(raw: &RawAccount<'_>) -> bool {
    raw.accounts.is_some()
        || raw.roles.is_some()
        || raw.role.is_some()
        || raw.user_detail_list.is_some()
        || raw.group_detail_list.is_some()
        || raw.role_detail_list.is_some()
        || raw.policies.is_some()
        || raw.organization.is_some()
        || raw.resource_policies.is_some()
        || raw.identity_providers.is_some()
        || raw.sts_regions_deactivated.is_some()
        || raw.open_id_connect_provider_list.is_some()
        || raw.saml_provider_list.is_some()
}

fn unknown_format(path: &Path, text: &str) -> LoadError {
    let value = serde_json::from_str::<Value>(text);
    if let Ok(v) = &value
        && let Some(unused) = recognise::unused_shape(v)
    {
        return LoadError::NotUsed {
            path: path.to_owned(),
            what: unused.what,
            instead: unused.instead,
        };
    }
    let misspelt: Vec<String> = outline::notes(text)
        .into_iter()
        .filter_map(|n| match n {
            Note::Misspelt { key, known, .. } => Some(format!("`{key}` (did you mean `{known}`?)")),
            _ => None,
        })
        .collect();
    let found = match value {
        Ok(Value::Object(_)) if !misspelt.is_empty() => misspelt.join(", "),
        Ok(Value::Object(map)) if map.is_empty() => "an empty object".to_owned(),
        Ok(Value::Object(map)) => {
            let keys: Vec<String> = map.keys().take(8).map(|k| format!("`{k}`")).collect();
            let more = if map.len() > 8 { ", …" } else { "" };
            format!("{}{more}", keys.join(", "))
        }
        Ok(other) => kind_of(&other).to_owned(),
        Err(_) => "something else".to_owned(),
    };
    LoadError::UnknownFormat {
        path: path.to_owned(),
        expected: "`RoleDetailList`, `UserDetailList`, `Policies` (get-account-authorization-details), `Roles` (list-roles), `Role` (get-role) or `Accounts` (a bundle)".to_owned(),
        found,
    }
}

/// Re-reads the text tracking the path, which only a failed parse pays for.
fn shape_error(path: &Path, text: &str, first: &serde_json::Error) -> LoadError {
    let mut de = serde_json::Deserializer::from_str(text);
    let (json_path, message) = match serde_path_to_error::deserialize::<_, RawAccount<'_>>(&mut de)
    {
        Err(e) => (
            json_path(&e.path().to_string()),
            strip_position(&e.inner().to_string()),
        ),
        Ok(_) => ("$".to_owned(), strip_position(&first.to_string())),
    };
    let message = if json_path == "$" && message.starts_with("invalid type") {
        format!("{message}; the top level must be a JSON object")
    } else {
        message
    };
    LoadError::Shape {
        path: path.to_owned(),
        json_path,
        message,
    }
}

/// `RoleDetailList[3].RoleName` → `$.RoleDetailList[3].RoleName`; `.` → `$`.
fn json_path(p: &str) -> String {
    if p.is_empty() || p == "." {
        "$".to_owned()
    } else {
        format!("$.{p}")
    }
}

/// serde_json appends " at line L column C"; the error carries those separately.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Decodes one policy document in any of its three encodings — a JSON object (AWS CLI
/// output), a string holding JSON text, or a URL-encoded string (the raw API and SDKs
/// without botocore's decoding) — and parses it. A document that cannot be decoded still
/// yields a [`PolicyText`], holding the problem. The text kept is compact JSON.
#[must_use]
pub fn policy_text(raw: &RawValue) -> PolicyText {
    policy_text_in(raw, &mut Interner::default())
}

/// As [`policy_text`], sharing the document's patterns with the other documents decoded
/// through the same `interner`.
pub fn policy_text_in(raw: &RawValue, interner: &mut Interner) -> PolicyText {
    let text = raw.get().trim_start();
    if !text.starts_with('"') {
        // The usual case, a document without problems, is read straight from its text; one
        // with a problem is read through a `Value`, which says where the problem is.
        if let Some(document) = super::direct::clean_document(text, interner) {
            return PolicyText {
                text: compact_shared(text),
                document: Some(Arc::new(document)),
                errors: Vec::new(),
            };
        }
        return match serde_json::from_str::<Value>(text) {
            Ok(v) => {
                let parsed = PolicyDocument::from_value_in(&v, interner);
                drop(v);
                PolicyText {
                    text: compact_shared(text),
                    document: parsed.document.map(Arc::new),
                    errors: parsed.errors,
                }
            }
            Err(e) => unreadable(Value::Null, format!("not valid JSON: {e}")),
        };
    }
    let Ok(inner) = serde_json::from_str::<String>(text) else {
        return unreadable(Value::Null, "not a readable string".to_owned());
    };
    let trimmed = inner.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return match serde_json::from_str::<Value>(trimmed) {
            Ok(v) => PolicyText::from_json(v),
            Err(e) => unreadable(
                Value::String(inner.clone()),
                format!(
                    "the document is a string of JSON text that does not parse: {} at line {}, column {}",
                    strip_position(&e.to_string()),
                    e.line(),
                    e.column()
                ),
            ),
        };
    }
    // URL-encoded (RFC 3986; `+` for a space as form encoding writes it — a literal `+` is
    // always `%2B` in either encoding).
    let spaced = inner.replace('+', " ");
    let decoded = percent_encoding::percent_decode_str(&spaced).decode_utf8();
    match decoded {
        Ok(d) if d.trim_start().starts_with('{') => match serde_json::from_str::<Value>(&d) {
            Ok(v) => PolicyText::from_json(v),
            Err(e) => unreadable(
                Value::String(inner.clone()),
                format!(
                    "the URL-encoded document decodes to text that is not valid JSON: {} at line {}, column {}",
                    strip_position(&e.to_string()),
                    e.line(),
                    e.column()
                ),
            ),
        },
        _ => unreadable(
            Value::String(inner),
            "a policy document must be a JSON object, JSON text or URL-encoded JSON text; this string is none of them".to_owned(),
        ),
    }
}

fn unreadable(json: Value, message: String) -> PolicyText {
    PolicyText::unreadable(
        json,
        ParseError {
            path: "$".to_owned(),
            message,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_owned()).unwrap()
    }

    const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

    #[test]
    fn the_three_policy_encodings_decode_to_the_same_document() {
        let object = policy_text(&raw(DOC));
        let json_text = policy_text(&raw(&serde_json::to_string(DOC).unwrap()));
        let encoded: String =
            percent_encoding::utf8_percent_encode(DOC, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let url = policy_text(&raw(&serde_json::to_string(&encoded).unwrap()));
        assert!(object.is_clean());
        assert_eq!(object.text, json_text.text);
        assert_eq!(object.text, url.text);
        assert_eq!(&*object.text, DOC);
        assert_eq!(object.document, json_text.document);
        assert_eq!(object.document, url.document);
    }

    #[test]
    fn form_encoded_spaces_decode() {
        let doc = r#"{"Version":"2012-10-17","Statement":{"Sid":"a b","Effect":"Allow","Action":"*","Resource":"*"}}"#;
        let form = percent_encoding::utf8_percent_encode(doc, percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .replace("%20", "+");
        let t = policy_text(&raw(&serde_json::to_string(&form).unwrap()));
        assert!(t.is_clean(), "{:?}", t.errors);
        assert_eq!(t.json()["Statement"]["Sid"], "a b");
    }

    #[test]
    fn an_undecodable_string_keeps_the_problem() {
        let t = policy_text(&raw(r#""not a policy""#));
        assert!(t.document.is_none());
        assert!(t.errors[0].message.contains("URL-encoded"));
        let t = policy_text(&raw(r#""{\"Version\": ""#));
        assert!(t.errors[0].message.contains("does not parse"));
    }

    #[test]
    fn whitespace_goes_but_strings_and_token_boundaries_stay() {
        let strip = |s: &str| compact(s);
        assert_eq!(
            strip("{\n    \"A b\": [ 1 , true ],\r\n\t\"c\\\" d\": \"é \\\\\" }"),
            "{\"A b\":[1,true],\"c\\\" d\":\"é \\\\\"}"
        );
        // Bare tokens keep a separator, so `1 2` stays invalid rather than becoming `12`.
        assert_eq!(strip("[1 2, true  false, -1 .5]"), "[1 2,true false,-1 .5]");
        // An unterminated string or a dangling escape is kept as it is.
        assert_eq!(strip("{\"a\": \"b  "), "{\"a\":\"b  ");
        assert_eq!(strip("\"a\\"), "\"a\\");
    }

    #[test]
    fn compacting_in_pieces_gives_the_same_text() {
        let text = "{\n  \"a \\\" b\": [ 1 ,  2 ],\n                   \"c\": \"x\\\\\"   }";
        let whole = compact(text);
        for size in 1..text.len() {
            let mut out = Vec::new();
            let mut c = Compactor::default();
            for piece in text.as_bytes().chunks(size) {
                c.feed(piece, &mut out);
            }
            assert_eq!(String::from_utf8(out).unwrap(), whole, "pieces of {size}");
        }
    }

    #[test]
    fn a_pretty_printed_document_is_kept_compact() {
        let pretty =
            serde_json::to_string_pretty(&serde_json::from_str::<Value>(DOC).unwrap()).unwrap();
        let t = policy_text(&raw(&pretty));
        assert_eq!(&*t.text, DOC);
        assert!(t.is_clean());
    }

    #[test]
    fn utf16_with_bom_is_text_and_nul_bytes_are_binary() {
        let mut le = vec![0xFF, 0xFE];
        for u in "{\"Roles\":[]}".encode_utf16() {
            le.extend(u.to_le_bytes());
        }
        assert_eq!(text(Path::new("x"), le).unwrap(), "{\"Roles\":[]}");
        let bom = [&[0xEF, 0xBB, 0xBF][..], b"{}"].concat();
        assert_eq!(text(Path::new("x"), bom).unwrap(), "{}");
        assert!(matches!(
            text(Path::new("x"), vec![b'{', 0, 1]),
            Err(LoadError::Binary { offset: 1, .. })
        ));
        assert!(matches!(
            text(Path::new("x"), vec![b'{', 0xC3, 0x28]),
            Err(LoadError::Binary { offset: 1, .. })
        ));
    }
}
