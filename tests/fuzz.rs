//! The fuzzing harness: generated and mutated input for every way data gets into rolescope,
//! checking that nothing panics, aborts or loops, and that what must hold still holds.
//!
//! - the loader: exports, bundles and list-roles output under structural mutations (keys
//!   removed, renamed or misspelt, values of the wrong type, extreme numbers and strings,
//!   policy documents re-encoded as JSON text or URL-encoded text) and byte-level noise;
//! - the policy parser, validator and evaluator, on documents built from IAM's vocabulary
//!   in any shape;
//! - the request stream of `simulate`, on arbitrary bytes and on requests mixed with damage,
//!   and the simulator on mutated request documents;
//! - lesson files, mutated and played on the demo organisation;
//! - the explorer: a random storm of keys, pastes, clicks and resizes (down to 1×1) over
//!   every screen, each frame drawn.
//!
//! `cargo test` runs a small budget (a few seconds). For a longer run set `PROPTEST_CASES`
//! (cases per target), e.g. `PROPTEST_CASES=100000 cargo test --test fuzz` — a debug build,
//! so arithmetic overflow panics and is found. A failing case is shrunk and written to
//! `tests/fixtures/fuzz/proptest-regressions.txt`, which proptest replays first on every
//! run; inputs worth keeping as files go in `tests/fixtures/fuzz/` (see
//! [`kept_crashers_stay_fixed`]).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::path::Path;
use std::sync::{Arc, LazyLock};

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolescope::engine::lesson::player::Player;
use rolescope::engine::load::{load_demo, load_paths, load_str};
use rolescope::engine::model::Inventory;
use rolescope::engine::policy::document::PolicyDocument;
use rolescope::engine::policy::{
    EvaluationInput, NamedPolicy, PolicyUse, Principal, ResourceBasedPolicy, evaluate, validate,
};
use rolescope::engine::sts::Simulator;
use rolescope::engine::sts::stream::{RequestSplitter, split_all};
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------------------
// Budget and inputs.

/// Cases per target: `PROPTEST_CASES` when set, else the small default given.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        max_shrink_iters: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/fixtures/fuzz/proptest-regressions.txt",
        ))),
        ..ProptestConfig::default()
    }
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

static DEMO: LazyLock<Arc<Inventory>> = LazyLock::new(|| Arc::new(load_demo().unwrap()));

/// The inputs mutated: an export, list-roles output, and a bundle of one demo account.
static SEEDS: LazyLock<Vec<Value>> = LazyLock::new(|| {
    let demo: Value = serde_json::from_str(rolescope::engine::load::DEMO_BUNDLE).unwrap();
    let (id, account) = demo["Accounts"]
        .as_object()
        .unwrap()
        .iter()
        .min_by_key(|(_, a)| a.to_string().len())
        .map(|(k, v)| (k.clone(), v.clone()))
        .unwrap();
    vec![
        serde_json::from_str(&fixture("tests/fixtures/moto-account-authz-local.json")).unwrap(),
        serde_json::from_str(&fixture("tests/fixtures/moto-list-roles.json")).unwrap(),
        json!({"Accounts": {id: account}}),
    ]
});

static REQUESTS: LazyLock<Vec<Value>> = LazyLock::new(|| {
    let v: Value = serde_json::from_str(&fixture("tests/fixtures/demo-scenarios.json")).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s["request"].clone())
        .collect()
});

static LESSONS: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/lessons");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
});

// ---------------------------------------------------------------------------------------
// Generators.

const WORDS: &[&str] = &[
    "Version",
    "Statement",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
    "Sid",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "StringEquals",
    "StringLike",
    "StringNotEqualsIfExists",
    "ForAnyValue:StringLike",
    "ForAllValues:StringEquals",
    "ArnLike",
    "DateGreaterThan",
    "DateLessThan",
    "NumericLessThan",
    "NumericGreaterThanEquals",
    "Bool",
    "Null",
    "IpAddress",
    "BinaryEquals",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:MultiFactorAuthAge",
    "aws:PrincipalTag/team",
    "aws:SourceIp",
    "aws:PrincipalArn",
    "sts:ExternalId",
    "aws:username",
    "RoleName",
    "RoleDetailList",
    "AssumeRolePolicyDocument",
    "PolicyDocument",
    "Accounts",
];

const VALUES: &[&str] = &[
    "*",
    "",
    "Allow",
    "Deny",
    "2012-10-17",
    "2008-10-17",
    "sts:AssumeRole",
    "sts:*",
    "s3:Get*",
    "iam:PassRole",
    "arn:aws:iam::111111111111:root",
    "111111111111",
    "arn:aws:iam::111111111111:user/people/maria.garcia",
    "arn:aws:iam::*:role/*",
    "arn:aws:sts::111111111111:assumed-role/OpsEntry/s",
    "arn:aws:s3:::bucket/${aws:username}/*",
    "${aws:PrincipalTag/team}",
    "${*}${?}${$}",
    "ec2.amazonaws.com",
    "accounts.google.com",
    "AROAEXAMPLEEXAMPLE01",
    "9223372036854775807",
    "-9223372036854775808",
    "1e308",
    "262143-12-31T23:59:59Z",
    "2026-11-24T09:00:00Z",
    "0.0.0.0/0",
    "::/0",
    "10.0.0.0/33",
    "true",
    "%7B%22Version%22%3A",
    "\u{0}\u{feff}\u{202e}",
    "ß ǅ İ ﬃ",
];

fn leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => prop::sample::select(VALUES).prop_map(|s| json!(s)),
        1 => any::<i64>().prop_map(|n| json!(n)),
        1 => prop::sample::select(&[i64::MAX, i64::MIN, 0, -1, 3600, 43_200][..]).prop_map(|n| json!(n)),
        1 => prop::sample::select(&[u64::MAX, 1 << 53][..]).prop_map(|n| json!(n)),
        1 => prop::sample::select(&[1e308, -0.0, 0.5][..]).prop_map(|f| json!(f)),
        1 => any::<bool>().prop_map(|b| json!(b)),
        1 => Just(Value::Null),
        1 => "[ -~]{0,12}".prop_map(|s| json!(s)),
    ]
    .boxed()
}

/// Any JSON, built from IAM's vocabulary so that it often looks almost right.
fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(WORDS), inner), 0..6).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// A policy document that is usually well-formed at the top and anything further down.
fn policy_value() -> impl Strategy<Value = Value> {
    let statement = (
        prop::option::of(prop::sample::select(&["Allow", "Deny", "allow", ""][..])),
        prop::option::of(json_value()),
        prop::option::of(json_value()),
        prop::option::of(json_value()),
        prop::option::of(json_value()),
        any::<bool>(),
    )
        .prop_map(|(effect, action, resource, principal, condition, not)| {
            let mut s = Map::new();
            if let Some(e) = effect {
                s.insert("Effect".into(), json!(e));
            }
            let (a, r, p) = if not {
                ("NotAction", "NotResource", "NotPrincipal")
            } else {
                ("Action", "Resource", "Principal")
            };
            for (k, v) in [
                (a, action),
                (r, resource),
                (p, principal),
                ("Condition", condition),
            ] {
                if let Some(v) = v {
                    s.insert(k.into(), v);
                }
            }
            Value::Object(s)
        });
    prop_oneof![
        3 => (prop::sample::select(&["2012-10-17", "2008-10-17", "2020-01-01"][..]),
              prop::collection::vec(statement, 0..4))
            .prop_map(|(v, st)| json!({"Version": v, "Statement": st})),
        1 => json_value(),
    ]
}

/// One structural mutation: where (an index into the value's paths), what, and with what.
#[derive(Debug, Clone)]
struct Mutation {
    at: usize,
    op: u8,
    with: Value,
}

fn mutations(max: usize) -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(
        (any::<usize>(), 0u8..9, json_value()).prop_map(|(at, op, with)| Mutation { at, op, with }),
        1..max,
    )
}

/// Every JSON pointer in `v` (at most `limit`).
fn pointers(v: &Value, here: &str, out: &mut Vec<String>, limit: usize) {
    if out.len() >= limit {
        return;
    }
    out.push(here.to_owned());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = k.replace('~', "~0").replace('/', "~1");
                pointers(x, &format!("{here}/{key}"), out, limit);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, &format!("{here}/{i}"), out, limit);
            }
        }
        _ => {}
    }
}

fn mutate(mut v: Value, muts: &[Mutation]) -> Value {
    for m in muts {
        let mut all = Vec::new();
        pointers(&v, "", &mut all, 20_000);
        let at = &all[m.at % all.len()];
        if at.is_empty() {
            if m.op == 1 {
                v = m.with.clone();
            }
            continue;
        }
        let (parent_ptr, last) = at.rsplit_once('/').unwrap();
        let key = last.replace("~1", "/").replace("~0", "~");
        let Some(parent) = v.pointer_mut(parent_ptr) else {
            continue;
        };
        match parent {
            Value::Object(obj) => {
                let Some(old) = obj.get(&key).cloned() else {
                    continue;
                };
                match m.op {
                    0 => {
                        obj.remove(&key);
                    }
                    // A misspelt or miscased key.
                    2 => {
                        obj.remove(&key);
                        obj.insert(format!("{key}s"), old);
                    }
                    3 => {
                        obj.remove(&key);
                        obj.insert(key.to_lowercase(), old);
                    }
                    // A policy document as JSON text, then URL-encoded text (the encodings
                    // IAM's own outputs use).
                    4 => {
                        obj.insert(key, json!(old.to_string()));
                    }
                    5 => {
                        let text = percent_encoding::utf8_percent_encode(
                            &old.to_string(),
                            percent_encoding::NON_ALPHANUMERIC,
                        )
                        .to_string();
                        obj.insert(key, json!(text));
                    }
                    6 => {
                        let mut big = old.clone();
                        if let Value::Array(a) = &mut big {
                            let copy = a.clone();
                            a.extend(copy);
                        }
                        obj.insert(key, big);
                    }
                    _ => {
                        obj.insert(key, m.with.clone());
                    }
                }
            }
            Value::Array(arr) => {
                let Ok(i) = key.parse::<usize>() else {
                    continue;
                };
                if i >= arr.len() {
                    continue;
                }
                match m.op {
                    0 => {
                        arr.remove(i);
                    }
                    6 => {
                        let copy = arr[i].clone();
                        arr.insert(i, copy);
                    }
                    4 => arr[i] = json!(arr[i].to_string()),
                    _ => arr[i] = m.with.clone(),
                }
            }
            _ => {}
        }
    }
    v
}

/// Byte-level noise: flips, insertions, deletions and a cut.
fn noise(mut bytes: Vec<u8>, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    for &(at, op, b) in edits {
        if bytes.is_empty() {
            bytes.push(b);
            continue;
        }
        let i = at % bytes.len();
        match op % 4 {
            0 => bytes[i] ^= b.max(1),
            1 => bytes.insert(i, b),
            2 => {
                bytes.remove(i);
            }
            _ => bytes.truncate(i),
        }
    }
    bytes
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..12)
}

// ---------------------------------------------------------------------------------------
// The loader.

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn the_loader_takes_structurally_mutated_input_without_panicking(
        seed in 0..3usize,
        muts in mutations(6),
    ) {
        let v = mutate(SEEDS[seed].clone(), &muts);
        let text = serde_json::to_string_pretty(&v).unwrap();
        if let Ok(inv) = load_str("mutated.json", &text) {
            // Whatever loaded can be asked about.
            for r in inv.roles.iter().take(5) {
                let _ = rolescope::engine::kinds::classify(r, &inv);
            }
        }
    }

    #[test]
    fn the_loader_takes_byte_noise_without_panicking(seed in 0..3usize, edits in edits()) {
        let text = serde_json::to_string_pretty(&SEEDS[seed]).unwrap();
        let bytes = noise(text.into_bytes(), &edits);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("noisy.json");
        std::fs::write(&path, &bytes).unwrap();
        let _ = load_paths(&[path]);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = load_str("noisy.json", text);
        }
    }
}

// ---------------------------------------------------------------------------------------
// The policy language.

const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111111111111:user/people/maria.garcia",
    "arn:aws:sts::111111111111:assumed-role/OpsEntry/s",
    "arn:aws:iam::222222222222:root",
    "ec2.amazonaws.com",
    "*",
];

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn the_policy_parser_validator_and_evaluator_take_any_document(
        identity in policy_value(),
        resource_policy in policy_value(),
        who in prop::sample::select(PRINCIPALS),
        action in prop::sample::select(&["sts:AssumeRole", "s3:GetObject", "iam:PassRole", "x"][..]),
        context in prop::collection::vec(
            (prop::sample::select(WORDS), prop::sample::select(VALUES)), 0..4),
    ) {
        for usage in [PolicyUse::Identity, PolicyUse::RoleTrust, PolicyUse::ServiceControlPolicy] {
            let _ = validate("fuzzed", &identity, usage);
        }
        let _ = PolicyDocument::parse_str(&identity.to_string());
        let (Some(id_doc), Some(rp_doc)) = (
            PolicyDocument::from_value(&identity).document,
            PolicyDocument::from_value(&resource_policy).document,
        ) else {
            return Ok(());
        };
        let principal = Principal::parse(who).unwrap();
        let mut input = EvaluationInput::new(
            principal,
            action,
            "arn:aws:iam::111111111111:role/OpsEntry",
        );
        for (k, v) in context {
            input.context.insert(k, v);
        }
        input.identity_policies.push(NamedPolicy::from_document("identity", &id_doc));
        input.resource_policy = Some(ResourceBasedPolicy {
            policy: NamedPolicy::from_document("trust", &rp_doc),
            is_role_trust: action == "sts:AssumeRole",
        });
        let _ = evaluate(&input);
    }
}

// ---------------------------------------------------------------------------------------
// The request stream and the simulator.

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn the_request_splitter_takes_any_bytes_in_any_pieces(
        bytes in prop::collection::vec(
            prop_oneof![
                4 => prop::sample::select(&b"{}[],\"\\:\n\r \tax1"[..]),
                1 => any::<u8>(),
            ],
            0..400),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let whole = split_all(&bytes);
        // The same bytes fed in pieces give the same items.
        let mut items = Vec::new();
        let mut s = RequestSplitter::default();
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let mut from = 0;
        let mut failed = None;
        for c in cuts.into_iter().chain([bytes.len()]) {
            if let Err(e) = s.feed(&bytes[from..c], &mut |i| items.push(i)) {
                failed = Some(e);
                break;
            }
            from = c;
        }
        match (whole, failed) {
            (Ok(w), None) => {
                s.finish(&mut |i| items.push(i));
                prop_assert_eq!(w, items);
            }
            (Err(a), Some(b)) => prop_assert_eq!(a, b),
            (w, f) => prop_assert!(false, "whole {:?}, in pieces {:?}", w, f),
        }
    }

    /// Valid requests, one a line, among damaged lines: every request comes out once, in
    /// order, at its own line, and the damage is reported.
    #[test]
    fn requests_keep_their_places_among_damaged_lines(
        lines in prop::collection::vec(
            prop_oneof![
                3 => Just(None),
                1 => prop::sample::select(&[
                    "not json", "{oops", "}", "]", "\"half", "{\"a\": [1, 2}", "nul\u{fffd}", "{} x",
                ][..]).prop_map(Some),
            ],
            1..30),
        blank in 0..3usize,
    ) {
        let mut text = "\n".repeat(blank);
        let mut want = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let line = blank + i + 1;
            match l {
                None => {
                    text.push_str(&format!("{{\"id\": {line}, \"kind\": \"authorize\"}}\n"));
                    want.push((line, true));
                }
                Some(bad) => {
                    text.push_str(bad);
                    text.push('\n');
                    want.push((line, false));
                }
            }
        }
        let got: Vec<(usize, bool)> = split_all(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|i| (i.line, i.request.is_ok()))
            .collect();
        // Every request exactly once, in order, at its own line; the damage around them is
        // reported (damaged lines that together read as one object are one error).
        let requests: Vec<usize> = got.iter().filter(|g| g.1).map(|g| g.0).collect();
        let wanted: Vec<usize> = want.iter().filter(|w| w.1).map(|w| w.0).collect();
        prop_assert_eq!(requests, wanted);
        let errors = got.iter().filter(|g| !g.1).count();
        let damaged = want.iter().filter(|w| !w.1).count();
        prop_assert!(errors <= damaged && (damaged == 0) == (errors == 0), "{:?}", got);
        prop_assert!(got.windows(2).all(|w| w[0].0 <= w[1].0), "{:?}", got);
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn the_simulator_takes_mutated_requests(
        which in any::<prop::sample::Index>(),
        muts in mutations(5),
    ) {
        let base = which.get(&REQUESTS).clone();
        let req = mutate(base, &muts);
        let sim = Simulator::new(&DEMO);
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z").unwrap().to_utc();
        let _ = sim.simulate_valid_json(&req.to_string(), now);
    }
}

// ---------------------------------------------------------------------------------------
// Lesson files.

/// Replaces values in a TOML document at random places.
fn mutate_toml(v: &mut toml::Value, muts: &[(usize, u8)], step: &mut usize) {
    let replacement = |op: u8| -> toml::Value {
        match op % 8 {
            0 => toml::Value::Integer(i64::MAX),
            1 => toml::Value::Integer(-1),
            2 => toml::Value::String("2562047788015216h".into()),
            3 => toml::Value::String(String::new()),
            4 => toml::Value::String("9999-12-31T23:59:59Z".into()),
            5 => toml::Value::Boolean(true),
            6 => toml::Value::Array(Vec::new()),
            _ => toml::Value::Float(f64::NAN),
        }
    };
    match v {
        toml::Value::Table(t) => {
            let keys: Vec<String> = t.keys().cloned().collect();
            for k in keys {
                *step += 1;
                if let Some(&(_, op)) = muts.iter().find(|(at, _)| at % 97 == *step % 97) {
                    if op % 5 == 0 {
                        t.remove(&k);
                    } else {
                        t.insert(k, replacement(op));
                    }
                } else if let Some(x) = t.get_mut(&k) {
                    mutate_toml(x, muts, step);
                }
            }
        }
        toml::Value::Array(a) => {
            for x in a {
                mutate_toml(x, muts, step);
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(config(12))]

    #[test]
    fn lessons_take_mutated_files_and_play_without_panicking(
        which in any::<prop::sample::Index>(),
        muts in prop::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        edits in edits(),
        bytes_level in any::<bool>(),
    ) {
        let (name, text) = which.get(&LESSONS);
        let text = if bytes_level {
            String::from_utf8_lossy(&noise(text.clone().into_bytes(), &edits)).into_owned()
        } else {
            let mut v: toml::Value = toml::from_str(text).unwrap();
            mutate_toml(&mut v, &muts, &mut 0);
            toml::to_string(&v).unwrap_or_default()
        };
        if let Ok(lesson) = rolescope::engine::lesson::parse(name, "fuzzed.toml", &text) {
            let mut player = Player::new(lesson, Arc::clone(&DEMO));
            let _ = player.play_all();
        }
    }
}

// ---------------------------------------------------------------------------------------
// The explorer.

fn key_event() -> impl Strategy<Value = Event> {
    let code = prop_oneof![
        6 => prop::sample::select(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVXYZ0123456789/?:;,.<>[]{}-+= *"
                .chars()
                .collect::<Vec<_>>()
        ).prop_map(KeyCode::Char),
        3 => prop::sample::select(&[
            KeyCode::Enter, KeyCode::Esc, KeyCode::Tab, KeyCode::BackTab, KeyCode::Up,
            KeyCode::Down, KeyCode::Left, KeyCode::Right, KeyCode::PageUp, KeyCode::PageDown,
            KeyCode::Home, KeyCode::End, KeyCode::Backspace, KeyCode::Delete, KeyCode::F(1),
        ][..]),
    ];
    let modifiers = prop::sample::select(
        &[
            KeyModifiers::NONE,
            KeyModifiers::NONE,
            KeyModifiers::NONE,
            KeyModifiers::SHIFT,
            KeyModifiers::CONTROL,
            KeyModifiers::ALT,
        ][..],
    );
    prop_oneof![
        12 => (code, modifiers).prop_map(|(c, m)| Event::Key(KeyEvent::new(c, m))),
        1 => (1u16..=160, 1u16..=50).prop_map(|(w, h)| Event::Resize(w, h)),
        1 => prop::sample::select(&[(1u16, 1u16), (2, 1), (1, 2), (3, 3), (20, 5)][..])
            .prop_map(|(w, h)| Event::Resize(w, h)),
        1 => "[ -~]{0,20}".prop_map(Event::Paste),
        1 => (0u16..160, 0u16..50).prop_map(|(x, y)| Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })),
    ]
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn a_storm_of_keys_and_resizes_over_every_screen_never_panics(
        events in prop::collection::vec(key_event(), 1..160),
        size in (1u16..=160, 1u16..=50),
    ) {
        use rolescope::tui::command::Command;
        use rolescope::tui::update::apply;
        let sim = Arc::new(
            rolescope::tui::sim::EngineSimulator::spawn(Arc::clone(&DEMO)).unwrap(),
        );
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z").unwrap().to_utc();
        let mut state = rolescope::tui::state::AppState::new(Arc::clone(&DEMO), sim, now);
        // Ctrl-O and Ctrl-G save the screen: into a folder of this run's own, never the
        // working directory.
        let screens = tempfile::tempdir().unwrap();
        state.world.teach.screens_dir = Some(screens.path().to_owned());
        apply(&mut state, Command::Resize(size.0, size.1));
        for (i, e) in events.iter().enumerate() {
            for c in rolescope::tui::event::commands(&state, e) {
                // Saving writes a file in the working directory; the save itself is
                // covered by its own tests.
                if matches!(c, Command::SaveBundle) {
                    continue;
                }
                let _effects = apply(&mut state, c);
            }
            if i % 8 == 7 || i + 1 == events.len() {
                let mut t = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
                t.draw(|f| rolescope::tui::ui::render(f, &state)).unwrap();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Kept inputs.

/// Every input kept under `tests/fixtures/fuzz/` is replayed: `load/*` through the loader,
/// `requests/*` through the request splitter and the simulator, `lessons/*` parsed and
/// played, `policies/*` validated and evaluated.
#[test]
fn kept_crashers_stay_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let files = |dir: &str| -> Vec<std::path::PathBuf> {
        let mut v: Vec<_> = std::fs::read_dir(root.join(dir))
            .map(|r| r.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        v.sort();
        v
    };
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .unwrap()
        .to_utc();
    let mut seen = 0;
    for p in files("load") {
        if let Ok(inv) = load_paths(std::slice::from_ref(&p)) {
            let g = rolescope::engine::graph::TrustGraph::build(Arc::new(inv), now);
            let _ = g.external_access();
            for r in 0..g.inventory().roles.len() {
                if let Ok(n) = g.find(&g.inventory().roles[r].arn) {
                    let _ = g.who_can_assume(n, rolescope::engine::graph::DEFAULT_MAX_DEPTH);
                }
            }
        }
        seen += 1;
    }
    for p in files("requests") {
        let bytes = std::fs::read(&p).unwrap();
        if let Ok(items) = split_all(&bytes) {
            let sim = Simulator::new(&DEMO);
            for i in items {
                if let Ok(text) = i.request {
                    let _ = sim.simulate_valid_json(&text, now);
                }
            }
        }
        seen += 1;
    }
    for p in files("lessons") {
        let text = std::fs::read_to_string(&p).unwrap();
        if let Ok(lesson) =
            rolescope::engine::lesson::parse("kept", &p.display().to_string(), &text)
        {
            let _ = Player::new(lesson, Arc::clone(&DEMO)).play_all();
        }
        seen += 1;
    }
    for p in files("policies") {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let _ = validate("kept", &v, PolicyUse::RoleTrust);
        if let Some(doc) = PolicyDocument::from_value(&v).document {
            let mut input = EvaluationInput::new(
                Principal::parse(PRINCIPALS[0]).unwrap(),
                "sts:AssumeRole",
                "arn:aws:iam::111111111111:role/OpsEntry",
            );
            input
                .identity_policies
                .push(NamedPolicy::from_document("kept", &doc));
            let _ = evaluate(&input);
        }
        seen += 1;
    }
    assert!(seen > 0, "no kept inputs under {}", root.display());
}
