//! `rolescope lessons` and `--lesson`: the index, the check teachers run on a pack, and the
//! messages for a lesson that does not exist or a broken lesson file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use assert_cmd::Command;
use predicates::prelude::*;

fn rolescope() -> Command {
    Command::cargo_bin("rolescope").unwrap()
}

#[test]
fn the_index_lists_every_built_in_lesson() {
    rolescope()
        .arg("lessons")
        .assert()
        .success()
        .stdout(predicate::str::contains("role-chaining"))
        .stdout(predicate::str::contains("service-linked-roles"))
        .stdout(predicate::str::contains("rolescope --lesson NAME"));
}

#[test]
fn check_plays_every_built_in_lesson_against_the_demo() {
    rolescope()
        .args(["lessons", "--check"])
        .assert()
        .success()
        .stdout(predicate::str::contains(", 0 failing"));
}

#[test]
fn an_unknown_lesson_names_the_ones_there_are() {
    rolescope()
        .args(["--lesson", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no lesson named `nope`"))
        .stderr(predicate::str::contains("`role-chaining`"));
}

#[test]
fn a_pack_whose_lesson_went_stale_fails_the_check_with_file_line_and_step() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("org.json"),
        rolescope::engine::load::DEMO_BUNDLE,
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("lessons")).unwrap();
    std::fs::write(
        dir.path().join("lessons/stale.toml"),
        "title = \"t\"\nsummary = \"s\"\n\n[[step]]\ntitle = \"max\"\ntext = \"x\"\nselect_role = \"OpsEntry\"\nexpect = { role_max_session_duration = 7200 }\n",
    )
    .unwrap();
    rolescope()
        .args(["lessons", "--check"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("stale.toml line 4 step 1 (`max`)"))
        .stdout(predicate::str::contains("expected 7200"));
}

#[test]
fn a_broken_lesson_file_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("org.json"),
        rolescope::engine::load::DEMO_BUNDLE,
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("lessons")).unwrap();
    std::fs::write(
        dir.path().join("lessons/bad.toml"),
        "title = \"t\"\nsummary = \"s\"\n[[step]]\ntitle = \"a\"\ntext = \"x\"\nopen = \"nowhere\"\n",
    )
    .unwrap();
    rolescope()
        .arg("lessons")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml"))
        .stderr(predicate::str::contains("line 6"));
}
