//! Guarantees that hold on hostile or careless input: a loaded file is never overwritten,
//! output pipes closed early end quietly, request streams are answered as they are read
//! with bounded memory, and numbers from input never overflow time or size arithmetic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, mpsc};
use std::time::Duration;

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

// ---------------------------------------------------------------------------------------
// `simulate --requests -`: answered as read, in bounded memory, one result per piece.

fn request_line() -> String {
    let scenarios: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("demo-scenarios.json")).unwrap())
            .unwrap();
    let mut line = scenarios[0]["request"].to_string();
    line.push('\n');
    line
}

/// Lines of the child's output, read on a thread of their own.
fn output_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Not a timing: a generous bound after which the answer is taken as never coming (the
/// batch waited for the end of its input).
const NEVER: Duration = Duration::from_secs(120);

fn simulate_stdin() -> Child {
    Command::new(bin())
        .args([
            "simulate",
            "--requests",
            "-",
            "--now",
            "2026-11-24T09:00:00Z",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn each_request_is_answered_before_the_input_ends() {
    let mut child = simulate_stdin();
    let mut stdin = child.stdin.take().unwrap();
    let lines = output_lines(&mut child);
    let request = request_line();
    for _ in 0..3 {
        stdin.write_all(request.as_bytes()).unwrap();
        stdin.flush().unwrap();
        let answer = lines
            .recv_timeout(NEVER)
            .expect("no answer while the input is open");
        let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(v["decision"], "allow", "{answer}");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn an_endless_producer_is_answered_and_a_closed_reader_ends_the_batch_quietly() {
    let mut child = simulate_stdin();
    let mut stdin = child.stdin.take().unwrap();
    let request = request_line().repeat(64);
    // Writes until the batch goes away (a broken pipe ends the producer).
    let producer = std::thread::spawn(move || while stdin.write_all(request.as_bytes()).is_ok() {});
    let stdout = child.stdout.take().unwrap();
    let first: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(5)
        .map(Result::unwrap)
        .collect();
    assert_eq!(first.len(), 5);
    // The reader stops here (like `head -n 5`): the batch ends with 0 and says nothing.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    producer.join().unwrap();
}

/// The peak resident memory of a running process, in kB.
fn peak_rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_huge_request_is_refused_without_being_held_and_the_next_one_is_answered() {
    let mut child = simulate_stdin();
    let mut stdin = child.stdin.take().unwrap();
    let lines = output_lines(&mut child);
    // 300 MB without a line end: the old batch read it all before answering anything.
    let block = vec![b'x'; 1 << 20];
    for _ in 0..300 {
        stdin.write_all(&block).unwrap();
    }
    stdin.write_all(b"\n").unwrap();
    stdin.write_all(request_line().as_bytes()).unwrap();
    stdin.flush().unwrap();
    let refused = lines.recv_timeout(NEVER).unwrap();
    assert!(
        refused.contains("line 1: the request is larger than 256 KiB"),
        "{refused}"
    );
    let answered = lines.recv_timeout(NEVER).unwrap();
    assert!(answered.contains("\"decision\":\"allow\""), "{answered}");
    let peak = peak_rss_kb(child.id());
    assert!(peak < 200 * 1024, "peak resident memory {peak} kB");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

fn simulate_file(bytes: &[u8]) -> (Vec<serde_json::Value>, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.jsonl");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new(bin())
        .args(["simulate", "--now", "2026-11-24T09:00:00Z", "--requests"])
        .arg(&path)
        .output()
        .unwrap();
    let results = String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (results, out)
}

fn decisions(results: &[serde_json::Value]) -> Vec<String> {
    results
        .iter()
        .map(|r| {
            let d = r["decision"].as_str().unwrap().to_owned();
            match r["error_message"].as_str() {
                Some(m) => format!("{d} {}", m.split(':').next().unwrap()),
                None => d,
            }
        })
        .collect()
}

#[test]
fn a_line_that_is_not_utf8_is_one_error_and_the_batch_goes_on() {
    let r = request_line();
    let mut bytes = r.clone().into_bytes();
    bytes.extend_from_slice(b"{\"kind\": \"authorize\", \"caller\": \"\xff\xfe\"}\n");
    bytes.extend_from_slice(r.as_bytes());
    let (results, out) = simulate_file(&bytes);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(decisions(&results), ["allow", "error line 2", "allow"]);
}

#[test]
fn errors_name_their_own_line_after_leading_blank_lines_and_with_cr_line_ends() {
    let r = request_line();
    let (results, _) = simulate_file(format!("\n\n\n{r}{{oops\n{r}").as_bytes());
    assert_eq!(decisions(&results), ["allow", "error line 5", "allow"]);
    let cr = r.trim_end();
    let (results, _) = simulate_file(format!("{cr}\r{{oops\r\r{cr}\r").as_bytes());
    assert_eq!(decisions(&results), ["allow", "error line 2", "allow"]);
}

#[test]
fn a_bad_line_among_pretty_printed_requests_costs_only_its_own_result() {
    let v: serde_json::Value = serde_json::from_str(&request_line()).unwrap();
    let pretty = serde_json::to_string_pretty(&v).unwrap() + "\n";
    let n = pretty.lines().count();
    let text = format!("{pretty}{pretty}this is not json\n{pretty}");
    let (results, _) = simulate_file(text.as_bytes());
    let bad = format!("error line {}", 2 * n + 1);
    assert_eq!(
        decisions(&results),
        ["allow", "allow", bad.as_str(), "allow"]
    );
}

#[test]
fn a_trailing_comma_in_an_array_keeps_the_requests_and_is_reported() {
    let r = request_line();
    let r = r.trim_end();
    let (results, out) = simulate_file(format!("[\n{r},\n{r},\n]\n").as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(decisions(&results), ["allow", "allow", "error line 4"]);
    assert!(
        results[2]["error_message"]
            .as_str()
            .unwrap()
            .contains("comma after the last request")
    );
}

#[test]
fn requests_that_are_binary_stop_with_a_message_after_the_answers_before() {
    let mut bytes = request_line().into_bytes();
    bytes.extend_from_slice(&[0; 64]);
    let (results, out) = simulate_file(&bytes);
    assert_eq!(decisions(&results), ["allow"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not text (a NUL byte on line 2)"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------
// Numbers from input meeting time.

fn lesson_pack(lesson: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("org.json"),
        rolescope::engine::load::DEMO_BUNDLE,
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("lessons")).unwrap();
    std::fs::write(dir.path().join("lessons/clock.toml"), lesson).unwrap();
    dir
}

#[test]
fn a_lesson_step_moving_the_clock_too_far_is_refused_where_it_is_written() {
    for (advance, shown) in [
        // Overflowed the multiplication (a panic in debug builds, a clock moved backwards
        // in release builds).
        ("\"2562047788015216h\"", "`2562047788015216h` is too long"),
        ("\"99999999999999999999999s\"", "is too long"),
        // Overflowed chrono's duration (a panic).
        ("9223372036854775807", "`9223372036854775807` is too long"),
        ("18446744073709551615", "is too long"),
        ("1e300", "not a whole number of seconds"),
    ] {
        let pack = lesson_pack(&format!(
            "title = \"t\"\nsummary = \"s\"\n\n[[step]]\ntitle = \"wait\"\ntext = \"x\"\nadvance_clock = {advance}\n"
        ));
        for args in [
            &["lessons", "--check"][..],
            &["lessons", "--play", "clock"][..],
        ] {
            let out = Command::new(bin())
                .args(args)
                .arg(pack.path())
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{advance} {args:?}: {stderr}");
            assert!(
                stderr.contains("clock.toml` line 7, step 1 (`wait`)"),
                "{stderr}"
            );
            assert!(stderr.contains(shown), "{advance}: {stderr}");
        }
    }
}

#[test]
fn a_lesson_clock_at_the_end_of_the_calendar_stops_there_with_an_error() {
    use rolescope::engine::lesson::{MAX_ADVANCE_SECONDS, parse, player::Player};
    let text = format!(
        "title = \"t\"\nsummary = \"s\"\n\n[[step]]\ntitle = \"w\"\ntext = \"x\"\nadvance_clock = {MAX_ADVANCE_SECONDS}\n"
    );
    let mut lesson = parse("clock", "clock.toml", &text).unwrap();
    // Near the end of the last year a request can name (RFC 3339 has four-digit years); a
    // start there can also be reached by many long steps.
    lesson.start = chrono::DateTime::parse_from_rfc3339("9999-06-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let start = lesson.start;
    let inv = Arc::new(rolescope::engine::load::load_demo().unwrap());
    let mut player = Player::new(lesson, inv);
    let report = player.step().unwrap();
    assert_eq!(player.now(), start);
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.contains("past the end of year 9999")),
        "{:?}",
        report.errors
    );
}

// ---------------------------------------------------------------------------------------
// Depths a user asks for.

#[test]
fn a_huge_path_depth_is_clamped_and_said_instead_of_overflowing_the_stack() {
    let out = Command::new(bin())
        .args([
            "path",
            "--demo",
            "maria.garcia",
            "DataLakeReader",
            "--depth",
            "100000",
            "--json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("`--depth 100000` is deeper than a path is followed (at most 32 hops)"),
        "{stderr}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["max_depth"], 32);
    assert!(!v["paths"].as_array().unwrap().is_empty());
    for cmd in [
        &["reach", "--demo", "maria.garcia", "--depth", "100000"][..],
        &[
            "who-can-assume",
            "--demo",
            "DataLakeReader",
            "--depth",
            "100000",
        ][..],
    ] {
        let out = Command::new(bin()).args(cmd).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{cmd:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Small organisations built in the test.

/// A one-account export: `users` (name, inline policy) and `roles` (name, trust policy).
fn export(users: &[(&str, serde_json::Value)], roles: &[(&str, serde_json::Value)]) -> String {
    use serde_json::json;
    let acct = "111111111111";
    json!({
        "UserDetailList": users.iter().map(|(n, p)| json!({
            "Path": "/", "UserName": n, "UserId": format!("AIDA{}", n.to_uppercase()),
            "Arn": format!("arn:aws:iam::{acct}:user/{n}"), "CreateDate": "2024-01-01T00:00:00Z",
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": p}],
            "GroupList": [], "AttachedManagedPolicies": [], "Tags": []
        })).collect::<Vec<_>>(),
        "GroupDetailList": [],
        "RoleDetailList": roles.iter().map(|(n, t)| json!({
            "Path": "/", "RoleName": n, "RoleId": format!("AROA{}", n.to_uppercase()),
            "Arn": format!("arn:aws:iam::{acct}:role/{n}"), "CreateDate": "2024-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": t, "InstanceProfileList": [], "RolePolicyList": [],
            "AttachedManagedPolicies": [], "Tags": [], "MaxSessionDuration": 3600
        })).collect::<Vec<_>>(),
        "Policies": []
    })
    .to_string()
}

fn assume_anything() -> serde_json::Value {
    serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]})
}

fn write_export(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.json");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn a_date_condition_at_the_end_of_time_does_not_overflow_the_witness() {
    use serde_json::json;
    for (op, value) in [
        ("DateGreaterThan", "9223372036854775807"),
        ("DateLessThan", "-9223372036854775808"),
        ("DateGreaterThan", "262143-12-31T23:59:59Z"),
        ("NumericGreaterThan", "1.7976931348623157e308"),
        ("NumericLessThan", "-1.7976931348623157e308"),
    ] {
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole",
            "Condition": {op: {"aws:CurrentTime": value, "aws:EpochTime": value}}}]});
        let (_dir, path) =
            write_export(&export(&[("alice", assume_anything())], &[("Late", trust)]));
        for args in [
            &["who-can-assume", "Late", "--json"][..],
            &["path", "alice", "Late", "--json"][..],
            &["external", "--json"][..],
        ] {
            let out = Command::new(bin()).args(args).arg(&path).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.code() == Some(0) || out.status.code() == Some(1),
                "{op} {value} {args:?}: {:?} {stderr}",
                out.status
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Long trusts: answered whole, in time linear in their length (the count of entries read is
// pinned in the policy engine's own tests; these check the answers at size).

fn wide_role(principals: Vec<String>) -> String {
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": principals}, "Action": "sts:AssumeRole"}]});
    export(&[], &[("Wide", trust)])
}

#[test]
fn a_trust_naming_thousands_of_accounts_lists_every_one_as_external_access() {
    use rolescope::engine::graph::TrustGraph;
    let n = 3_000;
    let accounts: Vec<String> = (0..n)
        .map(|i| format!("arn:aws:iam::{:012}:root", 200_000_000_000_u64 + i))
        .collect();
    let inv = rolescope::engine::load::load_str("wide.json", &wide_role(accounts)).unwrap();
    let g = TrustGraph::build(Arc::new(inv), chrono::Utc::now());
    let ext = g.external_access();
    assert_eq!(ext.findings.len(), n as usize);
    let role = g.find("Wide").unwrap();
    let who = g.who_can_assume(role, rolescope::engine::graph::DEFAULT_MAX_DEPTH);
    // Each account is outside the data, so each hop is unknown, listed with its account.
    let unknown = who.broken.iter().filter(|e| e.status.is_unknown()).count();
    assert_eq!(who.classes.len() + who.rows.len() + unknown, n as usize);
}

#[test]
fn a_role_trusting_a_hundred_thousand_users_is_classified_with_each_listed_once() {
    let n = 100_000;
    let mut users: Vec<String> = (0..n)
        .map(|i| format!("arn:aws:iam::111111111111:user/u{i}"))
        .collect();
    // Repeats are listed once.
    users.extend((0..100).map(|i| format!("arn:aws:iam::111111111111:user/u{i}")));
    let inv = rolescope::engine::load::load_str("wide.json", &wide_role(users)).unwrap();
    let role = inv.roles.first().unwrap();
    let c = rolescope::engine::kinds::classify(role, &inv);
    let listed: usize = c.kinds.iter().map(|k| k.principals.len()).max().unwrap();
    assert_eq!(listed, n);
}
