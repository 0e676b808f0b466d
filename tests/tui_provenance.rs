//! The explorer's header says how old collected data is and what it lacks.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolescope::engine::load::load_str;
use rolescope::tui::command::Command;
use rolescope::tui::sim::EngineSimulator;
use rolescope::tui::state::AppState;
use rolescope::tui::ui;
use rolescope::tui::update::apply;

const BUNDLE: &str = r#"{"Accounts": {"111122223333": {
    "Provenance": {"CollectedAt": "2026-11-24T06:00:00Z", "CallerArn": "arn:aws:iam::111122223333:user/a",
        "Collected": ["authorization-details", "roles", "organization", "scps", "rcps", "resource-policies"]},
    "NotCollected": [{"Part": "identity-providers", "Call": "iam list-saml-providers", "Region": null, "Message": "AccessDenied"}],
    "RoleDetailList": [{"RoleName": "r", "RoleId": "AROAR", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/r",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}]
}}}"#;

fn header(text: &str) -> String {
    let inv = Arc::new(load_str("bundle.json", text).unwrap());
    let sim = Arc::new(EngineSimulator::spawn(Arc::clone(&inv)).unwrap());
    let now: DateTime<Utc> = "2026-11-24T09:00:00Z".parse().unwrap();
    let mut state = AppState::new(inv, sim, now);
    apply(&mut state, Command::Resize(220, 20));
    let mut t = Terminal::new(TestBackend::new(220, 20)).unwrap();
    t.draw(|f| ui::render(f, &state)).unwrap();
    let buf = t.backend().buffer();
    (0..buf.area.width).map(|x| buf[(x, 0)].symbol()).collect()
}

#[test]
fn the_header_shows_the_age_and_the_gaps_of_collected_data() {
    let line = header(BUNDLE);
    assert!(
        line.contains("data collected 3 h ago (1 account); missing: identity-providers"),
        "{line}"
    );
}

#[test]
fn plain_exports_get_no_data_note() {
    let line = header(
        r#"{"RoleDetailList": [{"RoleName": "r", "RoleId": "AROAR", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/r",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}]}"#,
    );
    assert!(!line.contains("data collected"), "{line}");
}
