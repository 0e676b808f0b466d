//! Reading IAM data into an [`Inventory`]: account exports, `list-roles`/`get-role` output,
//! identity-provider listings and organisation bundles, freely mixed.
//!
//! This module owns files: finding them (a directory loads every `*.json` in it), reading
//! each into one buffer, refusing what is not a JSON export with one clear message
//! ([`LoadError`]), and handing the parsed shapes to [`build`], which owns merging them into
//! the model. Problems that do not stop loading (a policy that does not parse, a managed
//! policy referenced but absent) become [`LoadWarning`]s on the inventory.
//!
//! Entry points: [`load_paths`], [`load_demo`], [`load_str`]; [`Loader`] for progress
//! reporting and custom limits.

pub mod build;
pub mod decode;
pub mod raw;

use std::path::{Path, PathBuf};

use crate::engine::model::{Inventory, LoadWarning};

/// The demo organisation, compiled into the binary.
pub const DEMO_BUNDLE: &str = include_str!("../../assets/demo-org.json");

/// The name warnings and errors use for the built-in demo organisation.
pub const DEMO_SOURCE: &str = "demo organisation";

/// Files larger than this are refused unless [`LoadOptions::max_file_bytes`] says otherwise.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

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
        "`{path}` is not a text file ({detail}); pass a JSON export such as the output of `aws iam get-account-authorization-details`"
    )]
    Binary {
        path: PathBuf,
        offset: usize,
        detail: String,
    },
    #[error(
        "`{path}` is {size} bytes, more than the {limit} bytes rolescope reads from one file; split the export, one file per account"
    )]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
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
    /// The file the error is about.
    #[must_use]
    pub fn path(&self) -> String {
        match self {
            Self::NotFound { path }
            | Self::Unreadable { path, .. }
            | Self::Empty { path }
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
    /// order.
    ///
    /// # Errors
    /// When a file cannot be read, is not a JSON export, or conflicts with one loaded before.
    pub fn add_path(&mut self, path: &Path) -> Result<(), LoadError> {
        let files = expand(path)?;
        let count = files.len();
        for (index, (file, bytes)) in files.into_iter().enumerate() {
            self.add_file(&file, bytes, index, count)?;
        }
        Ok(())
    }

    /// Loads several paths (files or directories).
    ///
    /// # Errors
    /// As [`Loader::add_path`], for the first path that fails.
    pub fn add_paths(&mut self, paths: &[PathBuf]) -> Result<(), LoadError> {
        let mut files = Vec::new();
        for p in paths {
            files.extend(expand(p)?);
        }
        let count = files.len();
        for (index, (file, bytes)) in files.into_iter().enumerate() {
            self.add_file(&file, bytes, index, count)?;
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
        if bytes > self.options.max_file_bytes {
            return Err(LoadError::TooLarge {
                path: path.to_owned(),
                size: bytes,
                limit: self.options.max_file_bytes,
            });
        }
        self.report(&Progress::Reading {
            source: source.clone(),
            bytes,
            index,
            count,
        });
        let text = read_compact(path, bytes)?;
        match self.add_text_at(path, &source, &text) {
            Err(LoadError::Syntax { .. }) => {
                // Positions in the compacted text are not the file's: parse the file as it
                // is to say where the error is.
                drop(text);
                let data = std::fs::read(path).map_err(|e| io_error(path, e))?;
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
        let raw = decode::parse(path, text)?;
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
        .flatten()
        .map(|(_, bytes)| bytes)
        .sum()
}

/// Reads a file into text without the whitespace between its JSON tokens, a piece at a time,
/// so the indented file is never whole in memory. Files that [`decode::text`] treats specially
/// (empty, UTF-16, byte-order mark, binary) and files that turn out not to be UTF-8 are read
/// whole through it, for its messages.
fn read_compact(path: &Path, size: u64) -> Result<String, LoadError> {
    use std::io::Read;
    let whole = || -> Result<String, LoadError> {
        let data = std::fs::read(path).map_err(|e| io_error(path, e))?;
        Ok(decode::compact(&decode::text(path, data)?))
    };
    let mut file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
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
        Ok(n)
    };
    let got = fill(&mut piece)?;
    if decode::needs_whole_file(&piece[..got.min(8192)]) {
        return whole();
    }
    let mut out = Vec::with_capacity(usize::try_from(size / 2).unwrap_or(0));
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

/// The files a path stands for, with their sizes: itself, or a directory's `*.json` files
/// in name order.
fn expand(path: &Path) -> Result<Vec<(PathBuf, u64)>, LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if !meta.is_dir() {
        return Ok(vec![(path.to_owned(), meta.len())]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| io_error(path, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_error(path, e))?;
        let p = entry.path();
        let is_json = p
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
        if !is_json {
            continue;
        }
        let meta = std::fs::metadata(&p).map_err(|e| io_error(&p, e))?;
        if meta.is_file() {
            files.push((p, meta.len()));
        }
    }
    if files.is_empty() {
        return Err(LoadError::NoJson {
            path: path.to_owned(),
        });
    }
    files.sort();
    Ok(files)
}

/// Warnings about one entity (by ARN), for views that show a role, user or policy.
pub fn warnings_about<'a>(
    inventory: &'a Inventory,
    arn: &'a str,
) -> impl Iterator<Item = &'a LoadWarning> + 'a {
    inventory.warnings.iter().filter(move |w| w.location == arn)
}
