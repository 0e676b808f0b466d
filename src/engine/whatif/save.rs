//! Writing a what-if bundle to disk without harming what is there: a loaded file is never
//! replaced, whatever the spelling of its name (`./org.json`, `../dir/org.json`, an absolute
//! path, a symbolic or hard link to it, a file of a loaded directory), and any other existing
//! file is replaced only when the caller says so.
//!
//! Files are compared by identity — device and inode where the platform has them, the
//! canonical path otherwise — never by the text of their names. The text is written to a
//! temporary file in the target's directory and moved into place in one step, so a failed
//! or interrupted save leaves the old file (or no file) rather than half a bundle; without
//! permission to replace, the move itself refuses an existing file, so a file created
//! between the check and the move is not lost either.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Whether an existing file (not a loaded one) may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Refuse when the file exists.
    No,
    /// The user confirmed replacing it.
    Confirmed,
}

/// Why a save did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(
        "`{path}` is the loaded file `{source_name}`; what-if edits are saved as a new bundle, choose another name"
    )]
    Loaded { path: String, source_name: String },
    #[error("`{path}` already exists; confirm to replace it, or choose another name")]
    Exists { path: String },
    #[error("`{path}` is a directory; give a file name such as `{path}/edited.json`")]
    Directory { path: String },
    #[error("cannot write `{path}`: {message}")]
    Io { path: String, message: String },
}

/// What identifies a file on this system, whatever its name.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileId {
    #[cfg(unix)]
    dev_ino: (u64, u64),
    canonical: PathBuf,
}

impl FileId {
    /// The identity of the file `path` names (links followed), if it exists.
    fn of(path: &Path) -> Option<Self> {
        let meta = std::fs::metadata(path).ok()?;
        let canonical = std::fs::canonicalize(path).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Self {
                dev_ino: (meta.dev(), meta.ino()),
                canonical,
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            Some(Self { canonical })
        }
    }

    fn same(&self, other: &Self) -> bool {
        #[cfg(unix)]
        {
            self.dev_ino == other.dev_ino
        }
        #[cfg(not(unix))]
        {
            self.canonical == other.canonical
        }
    }
}

/// The loaded source `path` is the same file as, if any.
fn loaded_match<'a>(path: &Path, loaded: &'a [String]) -> Option<&'a str> {
    let target = FileId::of(path)?;
    loaded
        .iter()
        .find(|s| FileId::of(Path::new(s)).is_some_and(|id| id.same(&target)))
        .map(String::as_str)
}

/// Writes `text` to `path`, refusing when `path` is one of the `loaded` files (by identity)
/// and, unless `replace` is [`Replace::Confirmed`], when anything exists under that name
/// (a dangling link included).
///
/// # Errors
/// [`SaveError`] saying why nothing was written.
pub fn write_new(
    path: &Path,
    text: &str,
    loaded: &[String],
    replace: Replace,
) -> Result<(), SaveError> {
    let shown = path.display().to_string();
    let io = |e: std::io::Error| SaveError::Io {
        path: shown.clone(),
        message: e.to_string(),
    };
    if let Some(source) = loaded_match(path, loaded) {
        return Err(SaveError::Loaded {
            path: shown,
            source_name: source.to_owned(),
        });
    }
    // The name itself (a link not followed), then what it leads to.
    let exists = std::fs::symlink_metadata(path).is_ok();
    let mut target = path.to_owned();
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_dir() {
            return Err(SaveError::Directory { path: shown });
        }
        // Replacing through a link replaces the file it leads to, as an editor would.
        if let Ok(c) = std::fs::canonicalize(path) {
            target = c;
        }
    }
    if exists && replace == Replace::No {
        return Err(SaveError::Exists { path: shown });
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".rolescope-save-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io)?;
    // A replaced file keeps its permissions; a new one is readable by its owner only,
    // as the temporary file was created.
    if let Ok(meta) = std::fs::metadata(&target) {
        std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(io)?;
    }
    tmp.write_all(text.as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    match replace {
        Replace::No => tmp.persist_noclobber(&target).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                SaveError::Exists {
                    path: shown.clone(),
                }
            } else {
                io(e.error)
            }
        })?,
        Replace::Confirmed => {
            // Checked again just before the move: the name may have been pointed at a
            // loaded file since the first check.
            if let Some(source) = loaded_match(&target, loaded) {
                return Err(SaveError::Loaded {
                    path: shown,
                    source_name: source.to_owned(),
                });
            }
            tmp.persist(&target).map_err(|e| io(e.error))?
        }
    };
    Ok(())
}
