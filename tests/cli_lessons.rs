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

/// A classroom pack: the demo organisation and these lesson files (name, text).
fn pack(lessons: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("org.json"),
        rolescope::engine::load::DEMO_BUNDLE,
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("lessons")).unwrap();
    for (f, t) in lessons {
        std::fs::write(dir.path().join("lessons").join(f), t).unwrap();
    }
    dir
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
    let dir = pack(&[(
        "stale.toml",
        "title = \"t\"\nsummary = \"s\"\n\n[[step]]\ntitle = \"max\"\ntext = \"x\"\nselect_role = \"OpsEntry\"\nexpect = { role_max_session_duration = 7200 }\n",
    )]);
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
    let dir = pack(&[(
        "bad.toml",
        "title = \"t\"\nsummary = \"s\"\n[[step]]\ntitle = \"a\"\ntext = \"x\"\nopen = \"nowhere\"\n",
    )]);
    rolescope()
        .arg("lessons")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml"))
        .stderr(predicate::str::contains("line 6"));
}

#[test]
fn the_check_finds_no_giveaway_in_the_built_in_lessons() {
    rolescope()
        .args(["lessons", "--check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 giveaway warning(s)"));
}

#[test]
fn a_pack_with_broken_lessons_reports_every_mistake_and_lists_the_good_lessons() {
    let good = "title = \"Good\"\nsummary = \"s\"\n[[step]]\ntitle = \"a\"\ntext = \"look\"\nselect_role = \"OpsEntry\"\nexpect = { role_max_session_duration = 3600 }\n";
    // Two mistakes in one lesson (an action without `expect`; choices without an answer),
    // and a second broken lesson.
    let two = "title = \"Two\"\nsummary = \"s\"\n[[step]]\ntitle = \"runs\"\ntext = \"t\"\nsimulate = { kind = \"assume-role\", role = \"OpsEntry\", caller = \"x\" }\n[[step]]\ntitle = \"asks\"\ntext = \"t\"\nquestion = \"q\"\nchoices = [\"a\", \"b\"]\n";
    let telling = "title = \"Telling\"\nsummary = \"s\"\n[[step]]\ntitle = \"Refused\"\ntext = \"kevin.lee is denied.\"\npredict = true\nexpect = { decision = \"deny\" }\n[step.simulate]\nkind = \"assume-role\"\ncaller = \"arn:aws:iam::111111111111:user/people/kevin.lee\"\ncaller_credentials = \"long-term\"\nrole_session_name = \"kevin\"\nrole = \"arn:aws:iam::111111111111:role/OpsEntry\"\n";
    let bad =
        "title = \"Bad\"\nsummary = \"s\"\n[[step]]\ntitle = \"a\"\ntext = \"t\"\nundo = true\n";
    let dir = pack(&[
        ("a-good.toml", good),
        ("b-two.toml", two),
        ("c-bad.toml", bad),
        ("d-telling.toml", telling),
    ]);
    let got = rolescope()
        .args(["lessons", "--check"])
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .clone();
    let out = String::from_utf8(got.stdout).unwrap();
    let err = String::from_utf8(got.stderr).unwrap();
    assert!(err.contains("has 2 mistakes"), "{err}");
    assert!(err.contains("states no `expect`"), "{err}");
    assert!(err.contains("`choices` needs `answer`"), "{err}");
    assert!(err.contains("c-bad.toml"), "{err}");
    assert!(
        err.contains("2 lesson(s) of the pack cannot be read"),
        "{err}"
    );
    assert!(err.contains("`a-good`, `d-telling`"), "{err}");
    // The good lessons were still played, and the telling one is warned about.
    assert!(
        out.contains("2 lessons, 2 expectations checked, 0 failing"),
        "{out}"
    );
    assert!(
        out.contains("warning:") && out.contains("gives the outcome away (`denied`, `refused`)"),
        "{out}"
    );
}

/// One lesson with three mistakes of different kinds (a lesson field of the wrong type, an
/// unknown step field, a bad value in that same step): all three are reported, each
/// located and saying what to write, and the good lesson of the pack is still listed.
#[test]
fn every_mistake_inside_one_lesson_is_reported_with_its_place() {
    let good = "title = \"Good\"\nsummary = \"s\"\n[[step]]\ntitle = \"a\"\ntext = \"look\"\nselect_role = \"OpsEntry\"\nexpect = { role_max_session_duration = 3600 }\n";
    let three = "title = \"Three\"\nsummary = \"s\"\nminutes = \"ten\"\n\n[[step]]\ntitle = \"look\"\ntext = \"t\"\nslect_role = \"OpsEntry\"\nadvance_clock = \"soon\"\n";
    let dir = pack(&[("a-good.toml", good), ("b-three.toml", three)]);
    let got = rolescope()
        .arg("lessons")
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(got.stderr).unwrap();
    assert!(err.contains("b-three.toml` has 3 mistakes"), "{err}");
    let line = |needle: &str| {
        err.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in {err}"))
            .to_owned()
    };
    // The lesson's own field, by its name, with the type it takes.
    let minutes = line("`minutes`:");
    assert!(
        minutes.contains("b-three.toml` line 3, column 1"),
        "{minutes}"
    );
    // The unknown step field and the bad duration: their lines, the step's number, and
    // what to write instead.
    let typo = line("slect_role");
    assert!(typo.contains("line 8, step 1"), "{typo}");
    assert!(typo.contains("`select_role`"), "{typo}");
    let clock = line("`advance_clock`:");
    assert!(clock.contains("line 9, step 1"), "{clock}");
    assert!(clock.contains("`45m`"), "{clock}");
    assert!(err.contains("`a-good`"), "{err}");
}

#[test]
fn the_index_shows_minutes_level_and_prerequisites() {
    rolescope()
        .args(["lessons"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "25 min · advanced · after roles-vs-users, cross-account-delegation",
        ));
}

#[test]
fn the_glossary_prints_the_classroom_terms() {
    rolescope()
        .args(["lessons", "--glossary"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Permission set"))
        .stdout(predicate::str::contains("BoolIfExists"));
}

#[test]
fn play_asks_which_check_decides_and_flags_teacher_lines() {
    rolescope()
        .args(["lessons", "--play", "trust-permissions-boundary"])
        .assert()
        .success()
        .stdout(predicate::str::contains("? Will this call be allowed?"))
        .stdout(predicate::str::contains("? Which check decides it?"))
        .stdout(predicate::str::contains("answer: a permissions boundary"))
        .stdout(predicate::str::contains("*3. a resource policy naming"))
        .stdout(predicate::str::contains("[teacher] Point back"));
}

/// The handout of the delegation lesson: questions with blanks and nothing given away; the
/// answer key with the engine's answers, the marked choice, the teacher's line and the
/// exercise's solution; the trust graph of the lesson's roles as mermaid.
#[test]
fn the_handout_and_its_answer_key_for_one_lesson() {
    let run = |key: bool| {
        let mut cmd = rolescope();
        cmd.args(["lessons", "--handout", "cross-account-delegation"]);
        if key {
            cmd.arg("--answer-key");
        }
        let out = cmd.assert().success().get_output().stdout.clone();
        String::from_utf8(out).unwrap()
    };
    let handout = run(false);
    assert!(
        handout.starts_with("# Delegation across accounts: both halves\n"),
        "{handout}"
    );
    assert!(handout.contains("*20 min · intermediate · after: roles-vs-users*"));
    assert!(handout.contains("## 3. noah.kim and QAReleaseVerifier"));
    assert!(
        handout.contains(
            "**Will this call succeed, and for how long?**\n______________________________"
        )
    );
    assert!(handout.contains("**Which check decides it?**\n☐ nothing blocks it"));
    assert!(handout.contains("- [ ] replace acme-management in the trust with acme-dev"));
    assert!(handout.contains("- [ ] li.wei can assume AnalyticsReadOnly"));
    for secret in [
        "Answer:",
        "[x]",
        "Teacher",
        "Reference solution",
        "Neither noah.kim",
    ] {
        assert!(
            !handout.contains(secret),
            "the handout gives away `{secret}`"
        );
    }
    assert!(handout.contains("```mermaid\nflowchart LR"), "{handout}");
    let graph = &handout[handout.find("```mermaid").unwrap()..];
    for role in ["DataLakeReader", "QAReleaseVerifier", "AnalyticsReadOnly"] {
        assert!(
            graph.contains(&format!("role {role}")),
            "{role} in the graph"
        );
    }
    assert!(!graph.contains("role OpsEntry"), "only the lesson's roles");

    let key = run(true);
    assert!(key.starts_with("# Delegation across accounts: both halves — answer key\n"));
    assert!(key.contains("> Answer: it succeeds, for 1 h.\n"), "{key}");
    assert!(key.contains("> Answer: it fails (`AccessDenied`).\n\n**Which check decides it?**\n> Answer: the caller's own policy.\n"), "{key}");
    assert!(key.contains("- [x] replace acme-management in the trust with acme-dev"));
    assert!(key.contains("> **Teacher:** The exercise `analytics-trust`"));
    assert!(key.contains("Reference solution (what-if edits):"));
    assert!(key.contains("arn:aws:iam::333333333333:root"));
}

/// `--play` marks checks `✓`/`✗` and notes `ℹ`: a note on a denied call is not a failure.
#[test]
fn play_marks_notes_as_information_not_as_failed_checks() {
    let out = rolescope()
        .args(["lessons", "--play", "privilege-escalation"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let notes: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("resource control policies do not apply"))
        .collect();
    assert!(!notes.is_empty(), "{text}");
    for l in &notes {
        assert!(l.trim_start().starts_with("ℹ "), "{l}");
    }
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("✗ AccessDenied")),
        "the failing outcome keeps its ✗:\n{text}"
    );
}

/// `authorize --trace beginner`: the deciding check first, the organisation on one line,
/// short names; `--arns` adds the ARN behind each; `--trace full` lists every statement.
#[test]
fn authorize_prints_a_beginner_trace_on_request() {
    let args = [
        "authorize",
        "--principal",
        "arn:aws:sts::333333333333:assumed-role/storefront-builder/build",
        "--action",
        "dynamodb:PutItem",
        "--resource",
        "arn:aws:dynamodb:eu-west-1:333333333333:table/storefront-carts",
    ];
    let out = rolescope()
        .args(args)
        .args(["--trace", "beginner"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "DENIED (implicit deny)", "{text}");
    assert!(
        lines[1].starts_with("✗ denied implicitly — decided by a permissions boundary:"),
        "{text}"
    );
    assert_eq!(text.matches("organisation:").count(), 1, "{text}");
    assert!(!text.contains("arn:aws"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 88), "{text}");
    rolescope()
        .args(args)
        .args(["--trace", "beginner", "--arns"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "storefront-builder/build = arn:aws:sts::333333333333:assumed-role/storefront-builder/build",
        ));
    rolescope()
        .args(args)
        .args(["--trace", "full"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("SCP FullAWSAccess at r-7k2q"));
    // --arns means nothing without a trace.
    rolescope().args(args).arg("--arns").assert().code(2);
}

/// `assume --trace beginner`: each hop's deciding check first, and the fix after it.
#[test]
fn assume_prints_a_beginner_trace_per_hop() {
    rolescope()
        .args([
            "assume", "--caller", "kevin.lee", "--role", "OpsEntry", "--trace", "beginner",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "hop 1: arn:aws:iam::111111111111:user/people/kevin.lee → arn:aws:iam::111111111111:role/OpsEntry\n  ✗ denied — decided by the caller's own policy:",
        ))
        .stdout(predicate::str::contains("  ✗ STS answers AccessDenied"))
        .stdout(predicate::str::contains("  fix: "));
    rolescope()
        .args([
            "assume",
            "--caller",
            "maria.garcia",
            "--role",
            "OpsEntry",
            "--trace",
            "beginner",
            "--json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"traces\""))
        .stdout(predicate::str::contains(
            "allowed — the trust policy of OpsEntry lets maria.garcia in",
        ));
}

/// `lessons --play NAME --trace beginner` prints each step's beginner trace.
#[test]
fn play_prints_the_beginner_trace_when_asked() {
    rolescope()
        .args([
            "lessons",
            "--play",
            "trust-permissions-boundary",
            "--trace",
            "beginner",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "  ✗ denied implicitly — decided by a permissions boundary:",
        ))
        .stdout(predicate::str::contains("SCP FullAWSAccess at r-7k2q").not());
}

/// Every glossary entry names the AWS page it comes from.
#[test]
fn the_glossary_cites_its_sources() {
    rolescope()
        .args(["lessons", "--glossary"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Revocation\n  STS has no call that ends an issued session.",
        ))
        .stdout(predicate::str::contains(
            "  source: IAM User Guide, Revoke IAM role temporary security credentials <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html>",
        ));
}
