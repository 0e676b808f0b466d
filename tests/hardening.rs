//! Guarantees that hold on hostile or careless input: a loaded file is never overwritten,
//! output pipes closed early end quietly, request streams are answered as they are read
//! with bounded memory, and numbers from input never overflow time or size arithmetic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use rolescope::engine::load::load_paths;
use rolescope::engine::whatif::{Edit, Replace, SaveError, WhatIf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rolescope"))
}

/// A directory under the target directory, so that it can be named relative to the
/// working directory the tests run in (the package root).
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let root = std::env::current_dir().unwrap();
    let rel = dir.path().strip_prefix(&root).unwrap().to_owned();
    (dir, rel)
}

fn edited(paths: &[PathBuf]) -> WhatIf {
    let inv = load_paths(paths).unwrap();
    let role = inv.roles.first().unwrap().arn.clone();
    let mut w = WhatIf::new(Arc::new(inv));
    w.apply(Edit::MaxSessionDuration {
        role,
        seconds: 7200,
    })
    .unwrap();
    w
}

// ---------------------------------------------------------------------------------------
// What-if save: a loaded file is never replaced, whatever it is called.

#[test]
fn saving_over_a_loaded_file_is_refused_under_every_spelling_of_its_name() {
    let (dir, rel) = scratch();
    let org = rel.join("org.json");
    std::fs::copy(fixture("moto-account-authz-local.json"), &org).unwrap();
    let original = std::fs::read(&org).unwrap();
    let w = edited(std::slice::from_ref(&org));
    let dir_name = rel.file_name().unwrap();
    std::os::unix::fs::symlink(dir.path().join("org.json"), dir.path().join("link.json")).unwrap();
    std::fs::hard_link(dir.path().join("org.json"), dir.path().join("hard.json")).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let spellings: Vec<PathBuf> = vec![
        org.clone(),
        Path::new(".").join(&org),
        rel.join("sub").join("..").join("org.json"),
        rel.join("..").join(dir_name).join("org.json"),
        dir.path().join("org.json"),
        rel.join("link.json"),
        rel.join("hard.json"),
    ];
    for path in &spellings {
        for replace in [Replace::No, Replace::Confirmed] {
            let e = w.save_bundle(path, replace).unwrap_err();
            assert!(
                matches!(e, SaveError::Loaded { .. }),
                "{}: {e}",
                path.display()
            );
            assert!(e.to_string().contains("is the loaded file"), "{e}");
        }
    }
    assert_eq!(std::fs::read(&org).unwrap(), original);
    assert!(
        std::fs::symlink_metadata(dir.path().join("link.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn saving_over_a_file_of_a_loaded_directory_is_refused() {
    let (dir, rel) = scratch();
    let loaded = dir.path().join("exports");
    std::fs::create_dir(&loaded).unwrap();
    std::fs::copy(
        fixture("moto-account-authz-local.json"),
        loaded.join("a.json"),
    )
    .unwrap();
    let original = std::fs::read(loaded.join("a.json")).unwrap();
    let w = edited(&[rel.join("exports")]);
    for path in [
        loaded.join("a.json"),
        rel.join("exports/./a.json"),
        Path::new("./").join(&rel).join("exports/a.json"),
    ] {
        let e = w.save_bundle(&path, Replace::Confirmed).unwrap_err();
        assert!(
            matches!(e, SaveError::Loaded { .. }),
            "{}: {e}",
            path.display()
        );
    }
    assert_eq!(std::fs::read(loaded.join("a.json")).unwrap(), original);
}

#[test]
fn an_existing_file_is_replaced_only_when_confirmed_and_a_new_one_is_written_whole() {
    let (dir, _) = scratch();
    let w = edited(&[fixture("moto-account-authz-local.json")]);
    let other = dir.path().join("notes.json");
    std::fs::write(&other, "keep me").unwrap();
    let e = w.save_bundle(&other, Replace::No).unwrap_err();
    assert!(matches!(e, SaveError::Exists { .. }), "{e}");
    assert!(e.to_string().contains("already exists"), "{e}");
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "keep me");
    // A dangling link is something existing too: writing through it would create a file
    // wherever it points.
    let dangling = dir.path().join("dangling.json");
    std::os::unix::fs::symlink(dir.path().join("nowhere/x.json"), &dangling).unwrap();
    let e = w.save_bundle(&dangling, Replace::No).unwrap_err();
    assert!(matches!(e, SaveError::Exists { .. }), "{e}");
    // Confirmed, the file is replaced by a loadable bundle.
    w.save_bundle(&other, Replace::Confirmed).unwrap();
    assert!(load_paths(&[other]).is_ok());
    // A new name is written, and nothing but it is left in the directory.
    let fresh = dir.path().join("fresh.json");
    w.save_bundle(&fresh, Replace::No).unwrap();
    assert!(load_paths(std::slice::from_ref(&fresh)).is_ok());
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["dangling.json", "fresh.json", "notes.json"]);
    // A directory is not a file name.
    let e = w.save_bundle(dir.path(), Replace::Confirmed).unwrap_err();
    assert!(matches!(e, SaveError::Directory { .. }), "{e}");
}

// ---------------------------------------------------------------------------------------
// Pipes: a reader that stops early is not an error.

#[test]
fn json_commands_end_quietly_when_the_reader_stops_early() {
    for args in [
        &["who-can-assume", "--demo", "DataLakeReader", "--json"][..],
        &["reach", "--demo", "maria.garcia", "--json"][..],
        &["external", "--demo", "--json"][..],
        &["path", "--demo", "maria.garcia", "DataLakeReader", "--json"][..],
    ] {
        // Each answer is longer than the output buffer, so writing it meets the closed pipe.
        let mut child = Command::new(bin())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before anything is written.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.code() == Some(0),
            "{args:?}: {:?} {stderr}",
            out.status
        );
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

