//! Reading IAM data into an [`Inventory`]: account exports, `list-roles`/`get-role` output,
//! identity-provider listings and organisation bundles, freely mixed.
//!
//! This module owns files: finding them (a directory loads every `*.json` in it, skipping
//! what is not IAM data and links that lead outside it), reading each within a size limit
//! into one buffer, refusing what is not a JSON export with one clear message ([`LoadError`];
//! [`recognise`] names other tools' and commands' files), and handing the parsed shapes to
//! [`build`], which owns merging them into the model. Problems that do not stop loading (a
//! policy that does not parse, a managed policy referenced but absent, a misspelt key found
//! by [`outline`]) become [`LoadWarning`]s on the inventory. [`policy_file`] reads one policy
//! given on its own (`--resource-policy`, `--scp`).
//!
//! Entry points: [`load_paths`], [`load_demo`], [`load_str`]; [`Loader`] for progress
//! reporting and custom limits.

pub mod build;
pub mod decode;
pub mod direct;
pub mod outline;
pub mod policy_file;
pub mod raw;
pub mod recognise;

use std::path::{Path, PathBuf};

use crate::engine::model::{Inventory, LoadWarning};

/// The demo organisation, compiled into the binary.
pub const DEMO_BUNDLE: &str = include_str!("../../assets/demo-org.json");

/// The name warnings and errors use for the built-in demo organisation.
pub const DEMO_SOURCE: &str = "demo organisation";

/// Files larger than this are refused unless [`LoadOptions::max_file_bytes`] says otherwise.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// The environment variable the command line reads to raise or lower
/// [`LoadOptions::max_file_bytes`]; error messages name it.
pub const MAX_FILE_BYTES_VAR: &str = "ROLESCOPE_MAX_FILE_BYTES";

/// Why loading stopped. Every variant names the file; messages follow the pattern
/// "what is wrong; what to do".
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read `{path}`: no such file or directory; check the path")]
    NotFound { path: PathBuf },
    #[error("cannot read `{path}`: {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` is empty; pass the output of `aws iam get-account-authorization-details`")]
    Empty { path: PathBuf },
    #[error(
        "`{path}` is not a text file ({detail}); rolescope reads JSON as the AWS CLI prints it with `--output json`"
    )]
    Binary {
        path: PathBuf,
        offset: usize,
        detail: String,
    },
    #[error(
        "`{path}` is {}more than the {limit} bytes rolescope reads from one file; split an export into one file per account, or raise the limit with the environment variable `{var}` (in bytes)",
        .size.map_or_else(String::new, |s| format!("{s} bytes, ")),
        var = MAX_FILE_BYTES_VAR
    )]
    TooLarge {
        path: PathBuf,
        /// The file's size when it was known before reading (`None` for a stream).
        size: Option<u64>,
        limit: u64,
    },
    #[error(
        "`{path}` is empty; pass a policy document or the output of the AWS CLI command that prints it"
    )]
    EmptyPolicy { path: PathBuf },
    #[error("`{path}` is {what}, which rolescope does not load; {instead}")]
    NotUsed {
        path: PathBuf,
        what: String,
        instead: String,
    },
    #[error("directory `{path}` holds no `*.json` file; put the exports there or name the files")]
    NoJson { path: PathBuf },
    #[error("`{path}` is not valid JSON: {message} at line {line}, column {column}")]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("`{path}` has an unexpected shape at `{json_path}`: {message}")]
    Shape {
        path: PathBuf,
        json_path: String,
        message: String,
    },
    #[error(
        "`{path}` is not an IAM export rolescope knows: expected one of the keys {expected} at the top level, found {found}"
    )]
    UnknownFormat {
        path: PathBuf,
        expected: String,
        found: String,
    },
    #[error(
        "`{first}` and `{second}` both describe {entity} `{arn}` and disagree ({what}); load only one export per account"
    )]
    Conflict {
        first: String,
        second: String,
        entity: &'static str,
        arn: String,
        what: String,
    },
}

impl LoadError {
    /// True when the file is not IAM data at all (rather than broken IAM data): another
    /// tool's JSON, a shape rolescope does not load, an empty or a binary file. A directory
    /// skips such files.
    #[must_use]
    pub fn is_not_iam_data(&self) -> bool {
        match self {
            Self::NotUsed { .. }
            | Self::UnknownFormat { .. }
            | Self::Empty { .. }
            | Self::Binary { .. } => true,
            Self::Shape {
                json_path, message, ..
            } => {
                json_path == "$" && message.contains("the top level must be a JSON object")
                    || json_path.starts_with("$[") && message.starts_with("not a role")
            }
            _ => false,
        }
    }

    /// The file the error is about.
    #[must_use]
    pub fn path(&self) -> String {
        match self {
            Self::NotFound { path }
            | Self::Unreadable { path, .. }
            | Self::Empty { path }
            | Self::EmptyPolicy { path }
            | Self::NotUsed { path, .. }
            | Self::Binary { path, .. }
            | Self::TooLarge { path, .. }
            | Self::NoJson { path }
            | Self::Syntax { path, .. }
            | Self::Shape { path, .. }
            | Self::UnknownFormat { path, .. } => path.display().to_string(),
            Self::Conflict { second, .. } => second.clone(),
        }
    }
}

/// What a loader reports while it runs, so a caller can show progress on big inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// About to read a file of `bytes` bytes; `index` of `count` files.
    Reading {
        source: String,
        bytes: u64,
        index: usize,
        count: usize,
    },
    /// The file's JSON is parsed; its entities are being turned into the model.
    Parsed {
        source: String,
        roles: usize,
        users: usize,
        groups: usize,
        policies: usize,
    },
    /// `done` of `total` entities of the current file are in the model.
    Building { done: usize, total: usize },
    /// Every file is in; references are being resolved and the lookup tables built.
    Indexing,
}

/// Limits for a [`Loader`].
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Files larger than this are refused with [`LoadError::TooLarge`].
    pub max_file_bytes: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// A progress callback.
pub type ProgressFn<'p> = Box<dyn FnMut(&Progress) + 'p>;

/// Loads files one after the other into one inventory.
///
/// ```no_run
/// # use rolescope::engine::load::{Loader, LoadOptions};
/// let mut loader = Loader::new(LoadOptions::default());
/// loader.on_progress(|p| eprintln!("{p:?}"));
/// loader.add_path(std::path::Path::new("prod.json"))?;
/// let inventory = loader.finish();
/// # Ok::<(), rolescope::engine::load::LoadError>(())
/// ```
pub struct Loader<'p> {
    options: LoadOptions,
    builder: build::Builder,
    progress: Option<ProgressFn<'p>>,
}

impl<'p> Loader<'p> {
    #[must_use]
    pub fn new(options: LoadOptions) -> Self {
        Self {
            options,
            builder: build::Builder::default(),
            progress: None,
        }
    }

    /// Calls `f` as loading goes on.
    pub fn on_progress(&mut self, f: impl FnMut(&Progress) + 'p) {
        self.progress = Some(Box::new(f));
    }

    fn report(&mut self, p: &Progress) {
        if let Some(f) = self.progress.as_mut() {
            f(p);
        }
    }

    /// Loads a file, or every `*.json` file of a directory (not its subdirectories), in name
    /// order. In a directory, a file that is not IAM data (another tool's JSON, a policy, an
    /// empty or binary file) is skipped with a warning, and links are followed only to files
    /// inside the directory.
    ///
    /// # Errors
    /// When a file cannot be read, is not a JSON export, or conflicts with one loaded before.
    pub fn add_path(&mut self, path: &Path) -> Result<(), LoadError> {
        self.add_paths(&[path.to_owned()])
    }

    /// Loads several paths (files or directories), as [`Loader::add_path`] does each.
    ///
    /// # Errors
    /// As [`Loader::add_path`], for the first path that fails.
    pub fn add_paths(&mut self, paths: &[PathBuf]) -> Result<(), LoadError> {
        let mut files = Vec::new();
        for p in paths {
            let (found, warnings) = expand(p)?;
            files.extend(found);
            for w in warnings {
                self.builder.warn(w);
            }
        }
        let count = files.len();
        for (index, file) in files.into_iter().enumerate() {
            match self.add_file(&file.path, file.bytes, index, count) {
                Err(e) if file.in_directory && e.is_not_iam_data() => {
                    self.builder.warn(LoadWarning {
                        source: file.path.display().to_string(),
                        location: "$".to_owned(),
                        message: format!("skipped, not IAM data: {e}"),
                    });
                }
                other => other?,
            }
        }
        Ok(())
    }

    fn add_file(
        &mut self,
        path: &Path,
        bytes: u64,
        index: usize,
        count: usize,
    ) -> Result<(), LoadError> {
        let source = path.display().to_string();
        let limit = self.options.max_file_bytes;
        if bytes > limit {
            return Err(LoadError::TooLarge {
                path: path.to_owned(),
                size: Some(bytes),
                limit,
            });
        }
        self.report(&Progress::Reading {
            source: source.clone(),
            bytes,
            index,
            count,
        });
        let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
        if !regular {
            // A pipe, a device or a socket: it can be read only once and its size is not
            // known ahead, so it is read whole, within the limit.
            let data = read_limited(path, limit)?;
            let text = decode::text(path, data)?;
            return self.add_text_at(path, &source, &text);
        }
        let text = read_compact(path, bytes, limit)?;
        match self.add_text_at(path, &source, &text) {
            Err(LoadError::Syntax { .. }) => {
                // Positions in the compacted text are not the file's: parse the file as it
                // is to say where the error is.
                drop(text);
                let data = read_limited(path, limit)?;
                let original = decode::text(path, data)?;
                self.add_text_at(path, &source, &original)
            }
            other => other,
        }
    }

    /// Loads JSON text that did not come from a file (`source` names it in messages).
    ///
    /// # Errors
    /// When `text` is not a JSON export or conflicts with what was loaded before.
    pub fn add_str(&mut self, source: &str, text: &str) -> Result<(), LoadError> {
        self.add_text_at(Path::new(source), source, text)
    }

    fn add_text_at(&mut self, path: &Path, source: &str, text: &str) -> Result<(), LoadError> {
        if text.trim().is_empty() {
            return Err(LoadError::Empty {
                path: path.to_owned(),
            });
        }
        let decode::Parsed { raw, warnings } = decode::parse(path, text)?;
        for (location, message) in warnings {
            self.builder.warn(LoadWarning {
                source: source.to_owned(),
                location,
                message,
            });
        }
        let counts = build::count(&raw);
        self.report(&Progress::Parsed {
            source: source.to_owned(),
            roles: counts.roles,
            users: counts.users,
            groups: counts.groups,
            policies: counts.policies,
        });
        let total = counts.total();
        let Self {
            builder, progress, ..
        } = self;
        let mut tick = |done: usize| {
            if let Some(f) = progress.as_mut() {
                f(&Progress::Building { done, total });
            }
        };
        builder.add(source, raw, &mut tick)
    }

    /// Resolves references across everything loaded (missing managed policies and groups
    /// become warnings) and builds the lookup tables.
    #[must_use]
    pub fn finish(mut self) -> Inventory {
        self.report(&Progress::Indexing);
        self.builder.finish()
    }
}

/// Loads every path (files or directories) into one inventory.
///
/// # Errors
/// The first [`LoadError`] met; nothing is returned half-loaded.
pub fn load_paths(paths: &[PathBuf]) -> Result<Inventory, LoadError> {
    let mut loader = Loader::new(LoadOptions::default());
    loader.add_paths(paths)?;
    Ok(loader.finish())
}

/// Loads JSON text (one file's worth) into an inventory; `source` names it in messages.
///
/// # Errors
/// When `text` is not a JSON export rolescope knows.
pub fn load_str(source: &str, text: &str) -> Result<Inventory, LoadError> {
    let mut loader = Loader::new(LoadOptions::default());
    loader.add_str(source, text)?;
    Ok(loader.finish())
}

/// The built-in demo organisation.
///
/// # Errors
/// Only if the compiled-in bundle is broken, which the test suite rules out.
pub fn load_demo() -> Result<Inventory, LoadError> {
    load_str(DEMO_SOURCE, DEMO_BUNDLE)
}

/// The total size in bytes of the files `paths` name (directories expanded), for deciding
/// whether to show progress. Unreadable paths count as zero; loading reports them.
#[must_use]
pub fn input_size(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .filter_map(|p| expand(p).ok())
        .flat_map(|(files, _)| files)
        .map(|f| f.bytes)
        .sum()
}

/// How many bytes of a file's start decide whether it is text: a NUL byte among them makes it
/// binary (the heuristic git and grep use).
const HEAD_BYTES: usize = 8192;

/// Reads a whole file, refusing it as soon as it is known to be binary (a NUL byte in its
/// first 8 KiB) or once it passes `limit` bytes, so a device like `/dev/zero` or an endless
/// pipe costs at most the limit — and a binary one only its first 8 KiB.
///
/// # Errors
/// [`LoadError::TooLarge`] past the limit, [`LoadError::Binary`] for a binary start, and the
/// errors of opening and reading the file.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut reader = file.take(limit.saturating_add(1));
    let mut data = Vec::new();
    let mut head = [0_u8; HEAD_BYTES];
    let mut got = 0;
    while got < HEAD_BYTES {
        match reader.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_error(path, e)),
        }
    }
    data.extend_from_slice(&head[..got]);
    if decode::is_binary_head(&data) {
        // `decode::text` names what it is (gzip, zip, a byte offset).
        return Err(decode::text(path, data).err().unwrap_or(LoadError::Binary {
            path: path.to_owned(),
            offset: 0,
            detail: "binary data".to_owned(),
        }));
    }
    reader
        .read_to_end(&mut data)
        .map_err(|e| io_error(path, e))?;
    if data.len() as u64 > limit {
        return Err(LoadError::TooLarge {
            path: path.to_owned(),
            size: None,
            limit,
        });
    }
    Ok(data)
}

/// Reads a file into text without the whitespace between its JSON tokens, a piece at a time,
/// so the indented file is never whole in memory. Files that [`decode::text`] treats specially
/// (empty, UTF-16, byte-order mark) and files that turn out not to be UTF-8 are read whole
/// through it, for its messages; a binary start is refused at once. Never reads more than
/// `limit` bytes, whatever the file's size said.
fn read_compact(path: &Path, size: u64, limit: u64) -> Result<String, LoadError> {
    use std::io::Read;
    let whole = || -> Result<String, LoadError> {
        let data = read_limited(path, limit)?;
        Ok(decode::compact(&decode::text(path, data)?))
    };
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut file = file.take(limit.saturating_add(1));
    let mut total: u64 = 0;
    let mut piece = vec![0_u8; 1 << 20];
    let mut fill = |piece: &mut [u8]| -> Result<usize, LoadError> {
        let mut n = 0;
        while n < piece.len() {
            match file.read(&mut piece[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_error(path, e)),
            }
        }
        total += n as u64;
        if total > limit {
            return Err(LoadError::TooLarge {
                path: path.to_owned(),
                size: None,
                limit,
            });
        }
        Ok(n)
    };
    let got = fill(&mut piece)?;
    if decode::needs_whole_file(&piece[..got.min(HEAD_BYTES)]) {
        return whole();
    }
    let mut out = Vec::with_capacity(usize::try_from(size.min(limit) / 2).unwrap_or(0));
    let mut compactor = decode::Compactor::default();
    compactor.feed(&piece[..got], &mut out);
    loop {
        let got = fill(&mut piece)?;
        if got == 0 {
            break;
        }
        compactor.feed(&piece[..got], &mut out);
    }
    match decode::compacted_text(out) {
        Some(text) => Ok(text),
        None => whole(),
    }
}

fn io_error(path: &Path, e: std::io::Error) -> LoadError {
    if e.kind() == std::io::ErrorKind::NotFound {
        LoadError::NotFound {
            path: path.to_owned(),
        }
    } else {
        LoadError::Unreadable {
            path: path.to_owned(),
            source: e,
        }
    }
}

/// One file to load.
struct InputFile {
    path: PathBuf,
    bytes: u64,
    /// Found by listing a directory rather than named by the user.
    in_directory: bool,
}

/// The files a path stands for, with their sizes: itself, or a directory's `*.json` files in
/// name order. A directory's entries that are links are followed only when they lead to a
/// file inside the directory; others, and entries that are not regular files, come back as
/// warnings.
fn expand(path: &Path) -> Result<(Vec<InputFile>, Vec<LoadWarning>), LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if !meta.is_dir() {
        let file = InputFile {
            path: path.to_owned(),
            bytes: meta.len(),
            in_directory: false,
        };
        return Ok((vec![file], Vec::new()));
    }
    let root = std::fs::canonicalize(path).map_err(|e| io_error(path, e))?;
    let entries = std::fs::read_dir(path).map_err(|e| io_error(path, e))?;
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let mut skip = |p: &Path, message: String| {
        warnings.push(LoadWarning {
            source: p.display().to_string(),
            location: "$".to_owned(),
            message,
        });
    };
    for entry in entries {
        let entry = entry.map_err(|e| io_error(path, e))?;
        let p = entry.path();
        let is_json = p
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
        if !is_json {
            continue;
        }
        if let Some(why) = link_outside(&root, &p) {
            skip(
                &p,
                format!("skipped: {why}; name the file itself to load it"),
            );
            continue;
        }
        let meta = std::fs::metadata(&p).map_err(|e| io_error(&p, e))?;
        if meta.is_file() {
            files.push(InputFile {
                path: p,
                bytes: meta.len(),
                in_directory: true,
            });
        } else if !meta.is_dir() {
            skip(
                &p,
                "skipped: not a regular file (a pipe, device or socket); name it to read it"
                    .to_owned(),
            );
        }
    }
    if files.is_empty() {
        return Err(LoadError::NoJson {
            path: path.to_owned(),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, warnings))
}

/// Why `entry` (found in the folder whose canonical path is `root`) is not to be read: it is
/// a link that leads outside the folder, or one that cannot be followed. `None` for a plain
/// entry or a link that stays inside. A folder someone else made (a classroom pack) must not
/// make rolescope read files elsewhere.
#[must_use]
pub fn link_outside(root: &Path, entry: &Path) -> Option<String> {
    let own = std::fs::symlink_metadata(entry).ok()?;
    if !own.file_type().is_symlink() {
        return None;
    }
    match std::fs::canonicalize(entry) {
        Ok(target) if target.starts_with(root) => None,
        Ok(target) => Some(format!(
            "a link to `{}`, outside the folder; rolescope follows links only to files inside the folder it is given",
            target.display()
        )),
        Err(e) => Some(format!("a link that cannot be followed ({e})")),
    }
}

/// Warnings about one entity (by ARN), for views that show a role, user or policy.
pub fn warnings_about<'a>(
    inventory: &'a Inventory,
    arn: &'a str,
) -> impl Iterator<Item = &'a LoadWarning> + 'a {
    inventory.warnings.iter().filter(move |w| w.location == arn)
}
