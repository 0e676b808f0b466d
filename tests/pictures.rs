//! `rolescope snapshot`, and the README's pictures made with it: each picture in
//! docs/pictures/ is the explorer's real screen after a key sequence, on the demo at a fixed
//! clock. This test fails when one no longer matches what the explorer draws; rewrite them
//! with `ROLESCOPE_WRITE_PICTURES=1 cargo test --test pictures`, then look at the diff.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use quick_xml::Reader;
use quick_xml::events::Event;

const NOW: &str = "2026-11-24T09:00:00Z";

/// Each picture: file name, window size, lesson (if any), keys.
const PICTURES: &[(&str, &str, Option<&str>, &str)] = &[
    ("role-list.svg", "110x30", None, ""),
    (
        "role-detail.svg",
        "110x34",
        None,
        "/AnalyticsReadOnly<Enter><Enter>",
    ),
    (
        "simulated-denial.svg",
        "110x34",
        None,
        "/AnalyticsReadOnly<Enter>a<Enter>li.wei<Enter><C-r>",
    ),
    (
        "lesson.svg",
        "120x34",
        Some("cross-account-delegation"),
        "]]]y2R",
    ),
];

/// The command with no user configuration and colour on, whatever the environment.
fn rolescope() -> Command {
    let mut c = Command::cargo_bin("rolescope").unwrap();
    c.env("ROLESCOPE_CONFIG", "/dev/null")
        .env_remove("NO_COLOR")
        .env_remove("XDG_CONFIG_HOME");
    c
}

fn snapshot(size: &str, lesson: Option<&str>, keys: &str, format: &str) -> String {
    let mut c = rolescope();
    c.args([
        "snapshot", "--demo", "--now", NOW, "--size", size, "--keys", keys,
    ]);
    c.args(["--format", format]);
    if let Some(l) = lesson {
        c.args(["--lesson", l]);
    }
    let out = c.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

/// Parses `svg` as XML, failing on any error, and returns the text of its `<text>` runs.
fn parse_svg(svg: &str) -> Vec<String> {
    let mut reader = Reader::from_str(svg);
    let mut texts = Vec::new();
    let mut root = None;
    let mut current: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.name().as_ref().to_owned();
                root.get_or_insert_with(|| name.clone());
                if name == "text" {
                    current = Some(String::new());
                }
            }
            Ok(Event::Empty(e)) => {
                assert!(root.is_some(), "an element before the root");
                assert_eq!(e.name().as_ref(), "rect");
            }
            Ok(Event::Text(t)) => {
                if let Some(c) = &mut current {
                    c.push_str(&t.into_inner());
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let entity: &str = r.as_ref();
                let ch = match entity {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity `{other}`"),
                };
                if let Some(c) = &mut current {
                    c.push_str(ch);
                }
            }
            Ok(Event::End(_)) => texts.extend(current.take()),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "the SVG is not well-formed XML at {}: {e}",
                reader.error_position()
            ),
        }
    }
    assert_eq!(root.as_deref(), Some("svg"));
    texts
}

fn pictures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/pictures")
}

#[test]
fn the_readme_pictures_are_the_explorer_s_screens_as_drawn_now() {
    let write = std::env::var_os("ROLESCOPE_WRITE_PICTURES").is_some_and(|v| v == "1");
    let dir = pictures_dir();
    let mut stale = Vec::new();
    for (name, size, lesson, keys) in PICTURES {
        let svg = snapshot(size, *lesson, keys, "svg");
        let texts = parse_svg(&svg);
        // The picture says what the text snapshot says, run by run.
        let text = snapshot(size, *lesson, keys, "text");
        for t in &texts {
            assert!(
                text.contains(t.trim()),
                "{name}: `{t}` is not on the text screen:\n{text}"
            );
        }
        assert_eq!(
            svg,
            snapshot(size, *lesson, keys, "svg"),
            "{name} is the same on every run"
        );
        let path = dir.join(name);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &svg).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(svg.as_str()) {
            stale.push(name.to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "docs/pictures/{} no longer show(s) what the explorer draws; rewrite them with \
         `ROLESCOPE_WRITE_PICTURES=1 cargo test --test pictures` and review the diff",
        stale.join(", docs/pictures/")
    );
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for (name, ..) in PICTURES {
        assert!(
            readme.contains(&format!("docs/pictures/{name}")),
            "README.md does not show docs/pictures/{name}"
        );
    }
}

#[test]
fn the_pictures_show_what_they_are_meant_to() {
    let text = |i: usize| {
        let (_, size, lesson, keys) = PICTURES[i];
        snapshot(size, lesson, keys, "text")
    };
    assert!(text(0).contains("Roles — 51 shown / 51 loaded"));
    let detail = text(1);
    assert!(detail.contains("role AnalyticsReadOnly"), "{detail}");
    assert!(detail.contains("Trust policy (who may assume)"), "{detail}");
    assert!(
        detail.contains("Permissions (what a session may do)"),
        "{detail}"
    );
    let denial = text(2);
    assert!(denial.contains("✗ DENIED — AccessDenied"), "{denial}");
    assert!(denial.contains("[wrong trust policy]"), "{denial}");
    assert!(text(3).contains("Lesson: Delegation acro"));
}

#[test]
fn a_text_snapshot_goes_to_a_file_and_never_over_a_loaded_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("roles.txt");
    rolescope()
        .args(["snapshot", "--demo", "--now", NOW, "--size", "80x24", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 24);
    assert!(text.contains("AnalyticsReadOnly"));
    // A data file given as input is never the output.
    let data = dir.path().join("org.json");
    std::fs::write(&data, include_str!("../assets/demo-org.json")).unwrap();
    rolescope()
        .args(["snapshot", "--size", "80x24", "-o"])
        .arg(&data)
        .arg(&data)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is one of the data files loaded"));
    assert_eq!(
        std::fs::read_to_string(&data).unwrap(),
        include_str!("../assets/demo-org.json")
    );
}

#[test]
fn bad_keys_and_sizes_are_refused_with_what_to_write() {
    rolescope()
        .args(["snapshot", "--demo", "--keys", "ab<Nope>"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`<Nope>` at position 2"));
    rolescope()
        .args(["snapshot", "--demo", "--size", "100"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("write e.g. `100x30`"));
}
