//! docs/bundle.schema.json describes the bundles rolescope reads: the demo organisation
//! validates against it, and so does a bundle written by `rolescope collect` (also checked,
//! against moto, in tests/collect_moto.rs); a bundle that breaks the format does not.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failure is the test failing"
)]

use std::path::Path;

use serde_json::{Value, json};

fn read(rel: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn errors(instance: &Value) -> Vec<String> {
    let schema = read("docs/bundle.schema.json");
    let validator = jsonschema::validator_for(&schema).unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_demo_organisation_validates() {
    assert_eq!(errors(&read("assets/demo-org.json")), Vec::<String>::new());
}

#[test]
fn the_example_of_the_format_document_validates() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/bundle.md"))
        .unwrap();
    let start = doc.find("```json\n").unwrap() + "```json\n".len();
    let end = start + doc[start..].find("```").unwrap();
    let example: Value = serde_json::from_str(&doc[start..end]).unwrap();
    assert_eq!(errors(&example), Vec::<String>::new());
    // And it loads.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("example.json");
    std::fs::write(&file, example.to_string()).unwrap();
    let inv = rolescope::engine::load::load_paths(&[file]).unwrap();
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

#[test]
fn a_broken_bundle_does_not_validate() {
    let cases = [
        json!({"Accounts": {"prod": {}}}),
        json!({"Accounts": {"111122223333": {"RoleDetailList": [{"RoleName": "no-arn"}]}}}),
        json!({"Accounts": {"111122223333": {"NotCollected": [{"Part": "everything", "Call": "x", "Message": "y"}]}}}),
        json!({"Accounts": {"111122223333": {"Roles": [{"Arn": "arn:aws:iam::111122223333:role/r", "MaxSessionDuration": 60}]}}}),
        json!({"Accounts": []}),
    ];
    for c in cases {
        assert!(!errors(&c).is_empty(), "{c} should not validate");
    }
}
