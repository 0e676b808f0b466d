//! The user's configuration file: `$XDG_CONFIG_HOME/rolescope/config.toml` (or the file
//! `ROLESCOPE_CONFIG` names). It holds defaults — data paths, `collect` options, the
//! explorer's theme, key remapping, clock speed, presenter mode, the principals behind
//! static-key AWS profiles — never data or credentials.
//!
//! Loading never fails: a missing file is the defaults; a file that cannot be read or
//! parsed gives the defaults and a located error (line, column, what was expected); keys
//! rolescope does not know are kept as warnings. The CLI prints those on stderr, the
//! explorer shows them when it opens. What the keys *mean* is left to their users: the
//! explorer checks `[keys]` against its key tables, `collect` reads `[collect]`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::tui::theme::Palette;

/// The environment variable naming the configuration file, instead of the XDG location.
pub const ENV_CONFIG: &str = "ROLESCOPE_CONFIG";

/// The commented default file `rolescope config default` prints. It parses to
/// [`Config::default`] (tested).
pub const DEFAULT_FILE: &str = r#"# rolescope configuration.
# Looked for at $ROLESCOPE_CONFIG, else $XDG_CONFIG_HOME/rolescope/config.toml
# (~/.config/rolescope/config.toml); `rolescope config path` prints where.
# Every key is optional; the values below are the defaults.

[data]
# Account exports loaded when the command line names no PATH (files or directories;
# `~/` is your home, other relative paths are relative to this file's folder). Empty:
# the built-in demo organisation.
paths = []

[collect]
# Defaults for `rolescope collect` (the AWS CLI profile and region to collect with, and
# how many calls to run at once). Command-line options win.
# profile = "audit"
# region = "us-east-1"
# jobs = 4

[explorer]
# dark (for dark terminals), light (for light ones) or high-contrast (projectors).
# `--theme` wins; NO_COLOR (https://no-color.org) always turns colour off.
theme = "dark"
# The simulated clock's speed at start: 1, 10, 60 or 600.
clock_speed = 1

[presenter]
# The theme presenter mode (`P`) switches to.
theme = "high-contrast"

[keys]
# Remap an action to other keys: a key ("x", "ctrl-f", "F2", "enter", "esc", "tab",
# "space", "up", "pgdn", …) or a list of them. They replace the action's letter keys in
# every list and pop-up (arrows, Enter and Esc keep working); `?` shows the result.
# Actions: search, open, back, simulate, reach, paths, external, edit, edit-external,
# troubleshoot, whatif, lessons, profiles, filter-kind, filter-account, sort, clear-filters,
# copy-arn, copy-policy, sessions, help, quit, down, up, top, bottom, page-up,
# page-down, clock-pause, clock-faster, clock-slower, clock-next-expiry, chain, ask,
# inspect, end-session, plain, next-pane, previous-pane, undo, discard, save-bundle,
# expand-all, apply-fixes.
# quit = "x"
# simulate = ["a", "ctrl-a"]

[profiles]
# The AWS CLI config file `rolescope profiles` reads (default ~/.aws/config, or
# $AWS_CONFIG_FILE).
# aws_config = "~/.aws/config"

[profiles.sources]
# Who a profile with static keys (in ~/.aws/credentials, which rolescope never reads)
# signs in as; `--source PROFILE=ARN` wins.
# default = "arn:aws:iam::111111111111:user/maria.garcia"
"#;

/// The whole configuration, every part defaulted.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "snake_case")]
pub struct Config {
    pub data: Data,
    pub collect: Collect,
    pub explorer: Explorer,
    pub presenter: Presenter,
    /// Action name → keys, checked by the explorer's keymap.
    pub keys: BTreeMap<String, KeySpec>,
    pub profiles: Profiles,
}

/// `[data]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Data {
    /// Loaded when the command line names no PATH (resolved by [`Loaded::data_paths`]).
    pub paths: Vec<PathBuf>,
}

/// `[collect]`: defaults for `rolescope collect`, which reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Collect {
    /// The AWS CLI profile to collect with.
    pub profile: Option<String>,
    /// The region to call STS and IAM in.
    pub region: Option<String>,
    /// How many calls to run at once.
    pub jobs: Option<Jobs>,
}

/// A number of parallel jobs, 1 to 64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct Jobs(pub u8);

impl TryFrom<i64> for Jobs {
    type Error = String;
    fn try_from(n: i64) -> Result<Self, String> {
        u8::try_from(n)
            .ok()
            .filter(|n| (1..=64).contains(n))
            .map(Self)
            .ok_or_else(|| format!("`{n}` is not a number of jobs; expected 1 to 64"))
    }
}

/// `[explorer]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Explorer {
    pub theme: Palette,
    pub clock_speed: ClockSpeed,
}

impl Default for Explorer {
    fn default() -> Self {
        Self {
            theme: Palette::Dark,
            clock_speed: ClockSpeed(1),
        }
    }
}

/// One of the simulated clock's speeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct ClockSpeed(pub u32);

impl TryFrom<i64> for ClockSpeed {
    type Error = String;
    fn try_from(n: i64) -> Result<Self, String> {
        crate::tui::clock::SPEEDS
            .iter()
            .copied()
            .find(|&s| i64::from(s) == n)
            .map(Self)
            .ok_or_else(|| format!("`{n}` is not a clock speed; expected 1, 10, 60 or 600"))
    }
}

/// `[presenter]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Presenter {
    pub theme: Palette,
}

impl Default for Presenter {
    fn default() -> Self {
        Self {
            theme: Palette::HighContrast,
        }
    }
}

/// The keys of one `[keys]` entry: one or several.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum KeySpec {
    One(String),
    Many(Vec<String>),
}

impl KeySpec {
    #[must_use]
    pub fn keys(&self) -> Vec<&str> {
        match self {
            Self::One(k) => vec![k.as_str()],
            Self::Many(ks) => ks.iter().map(String::as_str).collect(),
        }
    }
}

/// `[profiles]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Profiles {
    /// The AWS CLI config file to read.
    pub aws_config: Option<PathBuf>,
    /// Static-key profile name → the principal ARN its keys belong to.
    pub sources: BTreeMap<String, String>,
}

/// Why the configuration file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file `{path}`: {reason}")]
    Read { path: String, reason: String },
    #[error("config file `{path}` line {line}, column {column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// A loaded configuration: the settings in force, where they came from, and what the user
/// should hear about.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    /// Where the file is looked for.
    pub path: PathBuf,
    /// True when a file was read and used.
    pub used: bool,
    /// Why the file was not used (the defaults are in force).
    pub error: Option<ConfigError>,
    /// Keys that are not rolescope's, and similar warnings; the rest of the file is used.
    pub warnings: Vec<String>,
}

impl Loaded {
    /// Every message for the user: the error (saying the defaults are used) and the warnings.
    #[must_use]
    pub fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(e) = &self.error {
            out.push(format!("{e}; using the default settings"));
        }
        out.extend(self.warnings.iter().cloned());
        out
    }

    /// `[data] paths`, with `~/` expanded and relative paths taken from the file's folder.
    #[must_use]
    pub fn data_paths(&self) -> Vec<PathBuf> {
        let base = self.path.parent().unwrap_or(Path::new("."));
        self.config
            .data
            .paths
            .iter()
            .map(|p| resolve(p, base))
            .collect()
    }
}

/// `~/x` → `$HOME/x`; a relative path → `base/path`; an absolute one as it is.
#[must_use]
pub fn resolve(p: &Path, base: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~")
        && let Some(home) = home()
    {
        return home.join(rest);
    }
    if p.is_relative() {
        base.join(p)
    } else {
        p.to_path_buf()
    }
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Where the configuration file is looked for: `ROLESCOPE_CONFIG`, else
/// `$XDG_CONFIG_HOME/rolescope/config.toml` (an absolute `XDG_CONFIG_HOME` only, as the
/// XDG base directory specification says), else `~/.config/rolescope/config.toml`.
#[must_use]
pub fn path() -> PathBuf {
    if let Some(p) = env_path(ENV_CONFIG) {
        return p;
    }
    let dir = env_path("XDG_CONFIG_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| home().map(|h| h.join(".config")))
        .unwrap_or_else(|| PathBuf::from(".config"));
    dir.join("rolescope").join("config.toml")
}

/// Loads the configuration from [`path`].
#[must_use]
pub fn load() -> Loaded {
    let explicit = env_path(ENV_CONFIG).is_some();
    load_from(&path(), explicit)
}

/// Loads the configuration at `path`; a missing file is the defaults, and a warning when
/// the file was named explicitly (`required`).
#[must_use]
pub fn load_from(path: &Path, required: bool) -> Loaded {
    let mut loaded = Loaded {
        path: path.to_path_buf(),
        ..Loaded::default()
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return loaded,
        Err(e) => {
            loaded.error = Some(ConfigError::Read {
                path: path.display().to_string(),
                reason: e.to_string(),
            });
            return loaded;
        }
    };
    match parse(&text, &path.display().to_string()) {
        Ok((config, warnings)) => {
            loaded.config = config;
            loaded.warnings = warnings;
            loaded.used = true;
        }
        Err(e) => loaded.error = Some(e),
    }
    loaded
}

/// Parses a configuration file's text; `path` names it in messages. Unknown keys come
/// back as warnings.
///
/// # Errors
/// [`ConfigError::Syntax`] with the line and column of the first problem.
pub fn parse(text: &str, path: &str) -> Result<(Config, Vec<String>), ConfigError> {
    let located = |e: &toml::de::Error| {
        let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
        ConfigError::Syntax {
            path: path.to_owned(),
            line,
            column,
            message: e
                .message()
                .trim_end_matches('\n')
                .trim_end_matches('.')
                .to_owned(),
        }
    };
    let de = toml::Deserializer::parse(text).map_err(|e| located(&e))?;
    let mut unknown = Vec::new();
    let config: Config =
        serde_ignored::deserialize(de, |p| unknown.push(p.to_string())).map_err(|e| located(&e))?;
    let warnings = unknown
        .into_iter()
        .map(|key| {
            format!("config file `{path}`: unknown key `{key}` is not used; see `rolescope config default` for the keys")
        })
        .collect();
    Ok((config, warnings))
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
#[must_use]
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit_once('\n')
        .map_or(before, |(_, tail)| tail)
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_parses_to_the_defaults_without_warnings() {
        let (config, warnings) = parse(DEFAULT_FILE, "config.toml").unwrap();
        assert_eq!(config, Config::default());
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn the_default_file_with_its_examples_uncommented_uses_every_key() {
        let uncommented: String = DEFAULT_FILE
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") && !rest.starts_with("Actions") => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let (config, warnings) = parse(&uncommented, "config.toml").unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.collect.profile.as_deref(), Some("audit"));
        assert_eq!(config.collect.jobs, Some(Jobs(4)));
        assert_eq!(config.keys.len(), 2);
        assert_eq!(
            config.profiles.sources.get("default").map(String::as_str),
            Some("arn:aws:iam::111111111111:user/maria.garcia")
        );
    }

    #[test]
    fn a_syntax_error_is_located_by_line_and_column() {
        let text = "[explorer]\ntheme = \"light\"\nclock_speed = = 10\n";
        let Err(ConfigError::Syntax {
            line,
            column,
            message,
            ..
        }) = parse(text, "c.toml")
        else {
            panic!("not a syntax error")
        };
        assert_eq!((line, column), (3, 15), "{message}");
    }

    #[test]
    fn a_wrong_value_says_what_is_expected_where() {
        let text = "[explorer]\n\ntheme = \"blue\"\n";
        let e = parse(text, "c.toml").unwrap_err().to_string();
        assert!(
            e.starts_with("config file `c.toml` line 3, column 9: "),
            "{e}"
        );
        assert!(e.contains("`blue`") && e.contains("high-contrast"), "{e}");
        let e = parse("[explorer]\nclock_speed = 7\n", "c.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2") && e.contains("expected 1, 10, 60 or 600"),
            "{e}"
        );
    }

    #[test]
    fn unknown_keys_are_warned_about_and_the_rest_is_used() {
        let text = "[explorer]\ntheme = \"light\"\ncolour = \"x\"\n[nonsense]\na = 1\n";
        let (config, warnings) = parse(text, "c.toml").unwrap();
        assert_eq!(config.explorer.theme, Palette::Light);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("`explorer.colour`"), "{warnings:?}");
        assert!(warnings[1].contains("`nonsense`"), "{warnings:?}");
    }

    #[test]
    fn a_missing_file_is_the_defaults_unless_named_explicitly() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("none.toml");
        let l = load_from(&p, false);
        assert!(l.error.is_none() && !l.used);
        let l = load_from(&p, true);
        assert!(matches!(l.error, Some(ConfigError::Read { .. })));
        assert!(l.messages()[0].ends_with("using the default settings"));
    }

    #[test]
    fn data_paths_are_taken_from_the_file_folder() {
        let l = Loaded {
            path: PathBuf::from("/etc/rs/config.toml"),
            config: Config {
                data: Data {
                    paths: vec![PathBuf::from("exports"), PathBuf::from("/abs")],
                },
                ..Config::default()
            },
            ..Loaded::default()
        };
        assert_eq!(
            l.data_paths(),
            [PathBuf::from("/etc/rs/exports"), PathBuf::from("/abs")]
        );
    }
}
