//! STS scenario tests: one behaviour per file under `tests/scenarios/`. Each file names the
//! documented rule it pins (`rule`), the data (`inventory`: `"demo"` or an inline bundle),
//! a `simulate` request and the `expect`ed result fields; `categories` must all be reported.
//! With `fixes_make_it_pass`, every fix the diagnosis proposes is applied to a copy of the
//! data and the request, and the simulation must then succeed.

#![expect(
    clippy::unwrap_used,
    reason = "a test harness: a broken fixture should stop the test with its name"
)]

use std::path::Path;

use chrono::{DateTime, Utc};
use rolescope::engine::load::{load_demo, load_str};
use rolescope::engine::model::Inventory;
use rolescope::engine::sts::request::Request;
use rolescope::engine::sts::{Fix, Simulator, apply_fix};
use serde_json::Value;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn check(name: &str, expect: &Value, got: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    let Some(expect) = expect.as_object() else {
        return vec![format!("{name}: `expect` must be an object")];
    };
    for (k, want) in expect {
        let have = &got[k];
        let ok = match (k.as_str(), want) {
            ("categories", Value::Array(cats)) => cats
                .iter()
                .all(|c| have.as_array().is_some_and(|h| h.contains(c))),
            (_, Value::Object(w)) => w.iter().all(|(wk, wv)| &have[wk] == wv),
            _ => have == want,
        };
        if !ok {
            bad.push(format!(
                "{name}: `{k}` expected {want}, got {have}\n    reasons: {}",
                got["reasons"]
            ));
        }
    }
    bad
}

fn run_one(path: &Path, demo: &Inventory) -> Vec<String> {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap();
    let sc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        sc["rule"].as_str().is_some_and(|r| r.contains("IAM-RULES")),
        "{name}: name the documented rule in `rule`"
    );
    let owned;
    let inv: &Inventory = match &sc["inventory"] {
        Value::String(s) if s == "demo" => demo,
        bundle => {
            owned = load_str(&name, &bundle.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
            &owned
        }
    };
    let got =
        serde_json::to_value(Simulator::new(inv).simulate_value(sc["request"].clone(), now()))
            .unwrap();
    let mut bad = check(&name, &sc["expect"], &got);
    // A context without the keys no policy reads must decide the same.
    let pruned = serde_json::to_value(
        Simulator::new(inv)
            .pruned()
            .simulate_value(sc["request"].clone(), now()),
    )
    .unwrap();
    for k in ["decision", "error_code", "error_message", "categories"] {
        if pruned[k] != got[k] {
            bad.push(format!(
                "{name}: pruned context gives {k} {} instead of {}",
                pruned[k], got[k]
            ));
        }
    }
    if sc["fixes_make_it_pass"] == Value::Bool(true) {
        let fixes = got["fixes"].as_array().cloned().unwrap_or_default();
        if fixes.is_empty() {
            bad.push(format!("{name}: the diagnosis proposes no fix"));
        }
        let mut inv2 = inv.clone();
        let mut req = Request::from_value(sc["request"].clone()).unwrap();
        for f in fixes {
            let fix: Fix = serde_json::from_value(f.clone())
                .unwrap_or_else(|e| panic!("{name}: fix {f}: {e}"));
            apply_fix(&mut inv2, &mut req, &fix).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let after = Simulator::new(&inv2).simulate(&req, now());
        if after.decision != Some(rolescope::engine::sts::request::DecisionDoc::Allow) {
            bad.push(format!(
                "{name}: still failing after the fixes: {:?}",
                after.reasons
            ));
        }
    }
    bad
}

#[test]
fn every_scenario_gets_its_expected_answer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let demo = load_demo().unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 90, "scenarios missing: {}", files.len());
    let failures: Vec<String> = files.iter().flat_map(|f| run_one(f, &demo)).collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
