//! The demo organisation's scenario book (tests/fixtures/demo-scenarios.json), run through
//! the STS simulator: every scenario's request must get the answer its `expect` names.

use chrono::{DateTime, Utc};
use rolescope::engine::load::load_demo;
use rolescope::engine::sts::Simulator;
use serde_json::Value;

#[test]
fn every_demo_scenario_gets_the_expected_answer() {
    let inv = load_demo().expect("the demo loads");
    let sim = Simulator::new(&inv);
    let book: Vec<Value> = serde_json::from_str(include_str!("fixtures/demo-scenarios.json"))
        .expect("the book parses");
    let now: DateTime<Utc> = "2026-11-24T09:00:00Z".parse().expect("a time");
    let mut failures = Vec::new();
    for sc in &book {
        let name = sc["name"].as_str().unwrap_or("?");
        let got = serde_json::to_value(sim.simulate_value(sc["request"].clone(), now))
            .expect("serialises");
        let Some(expect) = sc["expect"].as_object() else {
            continue;
        };
        for (k, want) in expect {
            let have = &got[k];
            let ok = match (k.as_str(), want) {
                (_, Value::Object(w)) => w.iter().all(|(wk, wv)| &have[wk] == wv),
                ("reasons_contain" | "error_message_contains", Value::String(s)) => {
                    got.to_string().contains(s.as_str())
                }
                // At least one of the listed categories must be reported.
                ("categories", Value::Array(cats)) => cats.iter().any(|c| {
                    got["categories"]
                        .as_array()
                        .is_some_and(|have| have.contains(c))
                }),
                _ => have == want,
            };
            if !ok {
                failures.push(format!(
                    "{name}: `{k}` expected {want}, got {have}\n    reasons: {}",
                    got["reasons"]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n{}",
        failures.len(),
        book.len(),
        failures.join("\n")
    );
}
