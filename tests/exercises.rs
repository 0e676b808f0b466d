//! Exercises: each one fails on the demo as shipped, naming the goal not met, and is solved
//! by its reference solution — as edits through the what-if overlay and, through the
//! command line, as the what-if bundle in `tests/fixtures/exercises/NAME.json`. An
//! over-broad solution is refused with the extra access named.
//!
//! `ROLESCOPE_WRITE_FIXTURES=1 cargo test --test exercises` rewrites the bundles from the
//! solutions (review the diff before committing).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::path::PathBuf;
use std::sync::Arc;

use assert_cmd::Command;
use rolescope::engine::exercise::{self, Attempt};
use rolescope::engine::lesson::{self, EditStep};
use rolescope::engine::load::load_demo;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/exercises")
        .join(format!("{name}.json"))
}

fn exercises() -> Vec<exercise::Exercise> {
    exercise::all(&lesson::builtin().expect("the built-in lessons load"))
}

#[test]
fn there_are_at_least_eight_exercises_with_unique_names() {
    let all = exercises();
    assert!(all.len() >= 8, "{} exercises", all.len());
    let mut names: Vec<&str> = all.iter().map(|e| e.spec.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), all.len(), "exercise names are unique");
}

#[test]
fn every_exercise_fails_on_the_demo_and_its_solution_solves_it() {
    let base = Arc::new(load_demo().unwrap());
    let write = std::env::var_os("ROLESCOPE_WRITE_FIXTURES").is_some();
    for ex in exercises() {
        let mut a = Attempt::new(ex.clone(), Arc::clone(&base));
        let before = a.check().clone();
        assert!(
            !before.solved,
            "{}: solved by the demo as shipped",
            ex.spec.name
        );
        assert!(
            before.goals.iter().any(|g| !g.met),
            "{}: no goal fails on the demo",
            ex.spec.name
        );
        for e in &ex.spec.solution {
            a.edit(e)
                .unwrap_or_else(|err| panic!("{}: {err}", ex.spec.name));
        }
        let after = a.check().clone();
        assert!(
            after.solved,
            "{}: the reference solution does not solve it: {:?}",
            ex.spec.name,
            after.problems()
        );
        assert_eq!(
            a.score().points,
            3,
            "{}: solved without hints",
            ex.spec.name
        );
        if write {
            let text = serde_json::to_string_pretty(&a.whatif().to_bundle()).unwrap();
            std::fs::write(fixture(&ex.spec.name), text + "\n").unwrap();
        }
    }
}

/// The CLI on the unmodified demo exits 1 naming a goal; on the shipped solution bundle, 0.
#[test]
fn the_command_line_checks_the_demo_and_each_solution_bundle() {
    for ex in exercises() {
        let name = &ex.spec.name;
        let out = Command::cargo_bin("rolescope")
            .unwrap()
            .args(["exercises", "--check", name])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name} on the demo");
        let text = String::from_utf8_lossy(&out.stdout);
        let failing = ex
            .spec
            .goals
            .iter()
            .find(|g| text.contains(&format!("✗ {}", g.says)));
        assert!(failing.is_some(), "{name}: no failing goal named:\n{text}");
        let out = Command::cargo_bin("rolescope")
            .unwrap()
            .args(["exercises", "--check", name])
            .arg(fixture(name))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name} with its solution bundle (if the demo changed on purpose, rewrite the bundles: ROLESCOPE_WRITE_FIXTURES=1 cargo test --test exercises):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn trust(role: &str, doc: &str) -> EditStep {
    EditStep {
        role: role.to_owned(),
        change: "trust".to_owned(),
        name: None,
        document: Some(serde_json::Value::String(doc.to_owned())),
        seconds: None,
    }
}

/// The fix the troubleshooting wizard used to propose — li.wei added beside the wrong
/// account — and `Principal: "*"` both get li.wei in, and both are refused.
#[test]
fn over_broad_or_half_fixes_are_refused_with_what_is_wrong_named() {
    let base = Arc::new(load_demo().unwrap());
    let all = exercises();
    let ex = exercise::find(&all, "analytics-trust").unwrap();
    let mut a = Attempt::new(ex.clone(), Arc::clone(&base));
    a.edit(&trust(
        "AnalyticsReadOnly",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:root","arn:aws:iam::333333333333:user/people/li.wei"]},"Action":"sts:AssumeRole"}]}"#,
    ))
    .unwrap();
    let r = a.check().clone();
    assert!(!r.solved);
    assert!(r.goals[0].met, "li.wei gets in");
    assert!(
        r.problems()
            .iter()
            .any(|p| p.contains("the trust no longer names acme-management")),
        "{:?}",
        r.problems()
    );
    a.reset();
    a.edit(&trust(
        "AnalyticsReadOnly",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#,
    ))
    .unwrap();
    let r = a.check().clone();
    assert!(!r.solved && r.goals.iter().all(|g| g.met));
    assert!(
        r.extra_gained
            .iter()
            .any(|p| p.ends_with("→ AnalyticsReadOnly")),
        "{r:?}"
    );
    assert!(
        r.rules_broken
            .iter()
            .any(|p| p.contains("lets everyone in")),
        "{r:?}"
    );
    // The score counts the hints seen.
    assert!(a.hint().is_some());
    for e in &ex.spec.solution {
        a.reset();
        a.edit(e).unwrap();
    }
    assert!(a.check().solved);
    assert_eq!(a.score().points, 2);
}

/// Through the command line: the etl exercise solved by trusting the whole account lets
/// every principal of acme-prod with sts:AssumeRole in, and the extra access is named.
#[test]
fn the_command_line_names_the_extra_access_of_an_over_broad_bundle() {
    let base = Arc::new(load_demo().unwrap());
    let all = exercises();
    let ex = exercise::find(&all, "etl-two-hours").unwrap();
    let mut a = Attempt::new(ex.clone(), base);
    a.edit(&trust(
        "etl-stage-two",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}]}"#,
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("too-broad.json");
    std::fs::write(
        &path,
        serde_json::to_string(&a.whatif().to_bundle()).unwrap(),
    )
    .unwrap();
    let out = Command::cargo_bin("rolescope")
        .unwrap()
        .args(["exercises", "--check", "etl-two-hours"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("too broad: OrganizationAccountAccessRole → etl-stage-two can now assume it"),
        "{text}"
    );
}

#[test]
fn exercises_lists_them_all() {
    let out = Command::cargo_bin("rolescope")
        .unwrap()
        .args(["exercises"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for ex in exercises() {
        assert!(text.contains(&ex.spec.name), "{text}");
    }
}
