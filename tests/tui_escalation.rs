//! Escalation hops in the explorer give the CLI's answer: the reach tree, the path view and
//! the "who can assume" list of the demo's privilege-escalation set-ups (acme-dev,
//! `/escalation/`) and a few other principals hold exactly the principals, steps and
//! techniques `rolescope reach`, `path` and `who-can-assume` print as JSON; `x` explains an
//! escalation hop with the statements that allow it, and `a` on one does not pretend it is
//! an AssumeRole.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::Utc;
use rolescope::engine::escalation::Step;
use rolescope::engine::escalation::walk::StepPath;
use rolescope::engine::graph::TrustGraph;
use rolescope::engine::load::load_demo;
use rolescope::tui::command::Command;
use rolescope::tui::sim::EngineSimulator;
use rolescope::tui::state::{AppState, Overlay, Subject};
use rolescope::tui::update::apply_all;
use serde_json::Value;

const DEV: &str = "arn:aws:iam::333333333333";

/// The demo at the time the CLI runs (it decides at its own clock): the same answers need
/// the same `now`.
fn demo() -> AppState {
    let inv = Arc::new(load_demo().unwrap());
    let sim = Arc::new(EngineSimulator::spawn(Arc::clone(&inv)).unwrap());
    let mut state = AppState::new(inv, sim, Utc::now());
    apply_all(&mut state, [Command::Resize(160, 50)]);
    state
}

fn typed(text: &str) -> Vec<Command> {
    text.chars().map(Command::Input).collect()
}

fn cli(args: &[&str]) -> Value {
    let out = assert_cmd::Command::cargo_bin("rolescope")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn graph(state: &AppState) -> Arc<TrustGraph> {
    rolescope::tui::access::graph_of(&state.graph, &state.inventory, state.now)
}

/// A step as `kind from to technique`, principals by ARN.
type StepKey = (String, String, String, String);

fn steps_of(g: &TrustGraph, p: &StepPath) -> Vec<StepKey> {
    p.steps
        .iter()
        .map(|s| match s {
            Step::Assume(e) => (
                "assume".to_owned(),
                g.node(e.from).id.clone(),
                g.node(e.to).id.clone(),
                String::new(),
            ),
            Step::Escalate(e) => (
                "escalation".to_owned(),
                g.node(e.from).id.clone(),
                g.node(e.to).id.clone(),
                e.technique.name().to_owned(),
            ),
        })
        .collect()
}

fn json_steps(steps: &Value) -> Vec<StepKey> {
    steps
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let e = &s["edge"];
            (
                s["kind"].as_str().unwrap().to_owned(),
                e["from"].as_str().unwrap().to_owned(),
                e["to"].as_str().unwrap().to_owned(),
                e["technique"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn open_user(state: &mut AppState, user: &str, then: Command) {
    apply_all(state, [Command::SelectTab(1), Command::StartSearch]);
    apply_all(state, typed(user));
    apply_all(state, [Command::AcceptSearch, then]);
}

fn reach_view(state: &AppState) -> &rolescope::tui::screens::reach::ReachView {
    match &state.overlay {
        Some(Overlay::Reach(v)) => v,
        other => panic!("no reach tree open: {other:?}"),
    }
}

/// The demo users the comparisons start from: every privilege-escalation set-up (one
/// technique each, and one a boundary holds back), an administrator, and people with
/// assume-role paths only.
const USERS: [&str; 10] = [
    "intern.build",
    "helpdesk.amy",
    "release.bot",
    "policy.author",
    "group.joiner",
    "bounded.dev",
    "sandbox.dev",
    "ops.admin",
    "maria.garcia",
    "priya.nair",
];

#[test]
fn the_reach_tree_holds_the_cli_s_roles_escalation_rows_and_way_to_administrator() {
    let mut escalated = 0;
    for user in USERS {
        let mut state = demo();
        open_user(&mut state, user, Command::Reach);
        let g = graph(&state);
        let view = reach_view(&state);
        let principal = g.node(view.root).id.clone();
        let doc = cli(&["reach", &principal, "--json"]);
        assert_eq!(doc["principal"], principal.as_str());
        // The assume-role rows: the CLI's roles.
        let tree: BTreeSet<String> = view
            .rows
            .iter()
            .filter(|r| !r.through_escalation)
            .map(|r| r.role_arn.clone())
            .collect();
        let roles: BTreeSet<String> = doc["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["role"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(tree, roles, "{user}: roles");
        // The rows reached only through escalation hops: the CLI's, path for path.
        let ours: BTreeSet<(String, Vec<StepKey>)> = view
            .rows
            .iter()
            .filter(|r| r.through_escalation && !r.leaf)
            .map(|r| (r.role_arn.clone(), steps_of(&g, r.path.as_ref().unwrap())))
            .collect();
        let theirs: BTreeSet<(String, Vec<StepKey>)> = doc["escalation"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["principal"].as_str().unwrap().to_owned(),
                    json_steps(&r["steps"]),
                )
            })
            .collect();
        assert_eq!(ours, theirs, "{user}: escalation rows");
        escalated += ours.len();
        // The way to administrator, when the principal ends it by granting itself more.
        let leaf: Vec<Vec<StepKey>> = view
            .rows
            .iter()
            .filter(|r| r.leaf)
            .map(|r| steps_of(&g, r.path.as_ref().unwrap()))
            .collect();
        let to_admin: Vec<Vec<StepKey>> = match &doc["to_admin"] {
            Value::Null => Vec::new(),
            steps => {
                let s = json_steps(steps);
                let by_self = s
                    .last()
                    .is_some_and(|(k, from, to, _)| k == "escalation" && from == to);
                if by_self { vec![s] } else { Vec::new() }
            }
        };
        assert_eq!(leaf, to_admin, "{user}: way to administrator");
        // The escalation edges out of the start that do not work: `rolescope escalation`'s.
        let refused: BTreeSet<(String, String)> = view
            .broken
            .iter()
            .filter_map(|(_, _, e)| e.as_ref())
            .map(|h| (h.to_arn.clone(), h.edge.technique.name().to_owned()))
            .collect();
        let edges = cli(&["escalation", &principal, "--json"]);
        let not_working: BTreeSet<(String, String)> = edges["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["status"]["state"] != "works")
            .map(|e| {
                (
                    e["to"].as_str().unwrap().to_owned(),
                    e["technique"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            refused, not_working,
            "{user}: escalation edges that do not work"
        );
    }
    assert!(
        escalated >= 3,
        "the set-ups reach principals through escalation hops"
    );
}

/// The reach tree's lines that show an escalation hop, as text.
fn escalation_lines(state: &AppState) -> Vec<String> {
    reach_view(state)
        .lines()
        .iter()
        .filter(|l| l.escalation.is_some())
        .map(|l| l.text.iter().map(|(_, s)| s.as_str()).collect())
        .collect()
}

#[test]
fn the_demo_set_ups_show_their_technique_in_the_tree() {
    let cases = [
        (
            "intern.build",
            "iam:PassRole → lambda:CreateFunction",
            "pass-role-lambda",
        ),
        ("helpdesk.amy", "iam:CreateAccessKey", "create-access-key"),
        (
            "release.bot",
            "iam:UpdateAssumeRolePolicy",
            "update-assume-role-policy",
        ),
        (
            "policy.author",
            "iam:CreatePolicyVersion",
            "create-policy-version",
        ),
        ("group.joiner", "iam:AddUserToGroup", "add-user-to-group"),
        (
            "bounded.dev",
            "iam:DeleteUserPermissionsBoundary",
            "delete-user-permissions-boundary",
        ),
    ];
    for (user, actions, technique) in cases {
        let mut state = demo();
        open_user(&mut state, user, Command::Reach);
        apply_all(&mut state, [Command::ExpandAll]);
        let lines = escalation_lines(&state);
        assert!(
            lines
                .iter()
                .any(|l| l.contains(&format!("⇪ {actions}")) && l.contains(technique)),
            "{user}: {lines:#?}"
        );
    }
    // The boundary holds sandbox.dev back: its edge is listed as not working, marked ✗.
    let mut state = demo();
    open_user(&mut state, "sandbox.dev", Command::Reach);
    let broken = escalation_lines(&state);
    assert!(
        broken
            .iter()
            .any(|l| l.starts_with("✗ ⇪ sandbox.dev ⇒") && l.contains("permissions boundary")),
        "{broken:#?}"
    );
}

/// The escalation hops of a hop list after its escalation heading, as steps.
fn listed_escalation(pane: &rolescope::tui::state::Pane) -> Vec<(String, String, String)> {
    let heading = pane
        .json
        .iter()
        .position(|l| {
            l.iter()
                .map(|(_, s)| s.as_str())
                .collect::<String>()
                .contains("through escalation hops")
        })
        .unwrap_or(usize::MAX);
    pane.rows
        .iter()
        .filter(|(line, _)| *line > heading)
        .filter_map(|(_, h)| h.escalation())
        .map(|h| {
            (
                h.from_arn.clone(),
                h.to_arn.clone(),
                h.edge.technique.name().to_owned(),
            )
        })
        .collect()
}

fn escalation_steps(steps: &[StepKey]) -> Vec<(String, String, String)> {
    steps
        .iter()
        .filter(|s| s.0 == "escalation")
        .map(|(_, f, t, x)| (f.clone(), t.clone(), x.clone()))
        .collect()
}

#[test]
fn the_path_view_gives_the_cli_s_escalation_path() {
    let cases = [
        ("intern.build", "lambda-admin-exec"),
        ("release.bot", "deploy-admin"),
        ("helpdesk.amy", "deploy-admin"),
        ("maria.garcia", "ProdOperations"),
        ("sandbox.dev", "lambda-admin-exec"),
    ];
    let mut found = 0;
    for (user, role) in cases {
        let mut state = demo();
        open_user(&mut state, user, Command::PathTo);
        apply_all(&mut state, typed(role));
        apply_all(&mut state, [Command::Open]);
        let Some(Overlay::Path(view)) = &state.overlay else {
            panic!("{user} → {role}: no path view: {:?}", state.overlay);
        };
        let role_arn = view.role_arn.clone();
        let doc = cli(&["path", &view.from_arn, &role_arn, "--json"]);
        let theirs = match &doc["escalation_path"] {
            Value::Null => Vec::new(),
            steps => escalation_steps(&json_steps(steps)),
        };
        let ours = listed_escalation(&view.pane);
        assert_eq!(ours, theirs, "{user} → {role}");
        assert_eq!(
            view.pane.raw.contains("through escalation hops"),
            !doc["escalation_path"].is_null(),
            "{user} → {role}: {}",
            view.pane.raw
        );
        found += usize::from(!ours.is_empty());
    }
    assert!(found >= 2, "the set-ups have escalation paths");
}

#[test]
fn who_can_assume_lists_the_cli_s_principals_through_escalation_hops() {
    let mut found = 0;
    for role in [
        "lambda-admin-exec",
        "deploy-admin",
        "ProdOperations",
        "BreakGlassAdmin",
    ] {
        let mut state = demo();
        let i = state
            .inventory
            .roles
            .iter()
            .position(|r| r.name == role)
            .unwrap();
        let arn = state.inventory.roles[i].arn.clone();
        rolescope::tui::update::open_detail(&mut state, Subject::Role(i));
        let fx: Vec<Command> = std::mem::take(&mut state.outbox)
            .into_iter()
            .filter_map(|e| match e {
                rolescope::tui::command::Effect::Access(job) => {
                    Some(rolescope::tui::access::run_job(*job))
                }
                _ => None,
            })
            .collect();
        apply_all(&mut state, fx);
        let pane = state.detail.as_ref().unwrap().panes[2].clone();
        let doc = cli(&["who-can-assume", &arn, "--json"]);
        let mut theirs: Vec<(String, String, String)> = Vec::new();
        for r in doc["escalation"].as_array().unwrap() {
            theirs.extend(escalation_steps(&json_steps(&r["steps"])));
        }
        let ours = listed_escalation(&pane);
        assert_eq!(ours, theirs, "{role}");
        let count = doc["escalation"].as_array().unwrap().len();
        if count > 0 {
            assert!(
                pane.raw
                    .contains(&format!("── {count} more through escalation hops")),
                "{role}: {}",
                pane.raw
            );
            found += 1;
        } else {
            assert!(
                !pane.raw.contains("through escalation hops"),
                "{}",
                pane.raw
            );
        }
    }
    assert!(found >= 1, "some role is reached through escalation hops");
}

/// intern.build's reach tree with the cursor on its first escalation hop.
fn on_escalation(user: &str) -> AppState {
    let mut state = demo();
    open_user(&mut state, user, Command::Reach);
    apply_all(&mut state, [Command::ExpandAll]);
    let at = reach_view(&state)
        .lines()
        .iter()
        .position(|l| l.escalation.is_some())
        .expect("an escalation line");
    apply_all(&mut state, std::iter::repeat_n(Command::Down, at));
    state
}

#[test]
fn x_explains_the_hop_with_its_actions_statements_and_gains() {
    let mut state = on_escalation("intern.build");
    apply_all(&mut state, [Command::Explain]);
    let Some(Overlay::Explain(v)) = &state.overlay else {
        panic!("no explain view: {:?}", state.overlay);
    };
    let text: String = v
        .lines(400)
        .iter()
        .map(|l| l.iter().map(|(_, s)| s.as_str()).collect::<String>() + "\n")
        .collect();
    for want in [
        "pass-role-lambda (pass a role to a service)",
        "iam:PassRole on arn:aws:iam::333333333333:role/escalation/lambda-admin-exec",
        "iam:PassedToService = lambda.amazonaws.com",
        "✓ allowed by `intern.build/deploy-functions` statement `PassMaintenanceRole`",
        "lambda:CreateFunction",
        "lambda:InvokeFunction",
        "role arn:aws:iam::333333333333:role/escalation/lambda-admin-exec — an administrator",
        "PMapper lambda_edges.py",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    assert!(!v.simulated);
    // Esc goes back to the tree.
    apply_all(&mut state, [Command::Back]);
    assert!(matches!(state.overlay, Some(Overlay::Reach(_))));
}

#[test]
fn a_on_an_escalation_hop_explains_it_instead_of_simulating_an_assume_role() {
    let mut state = on_escalation("helpdesk.amy");
    apply_all(&mut state, [Command::Simulate]);
    let Some(Overlay::Explain(v)) = &state.overlay else {
        panic!("no explain view: {:?}", state.overlay);
    };
    assert!(v.simulated);
    assert_eq!(v.hop.edge.technique.name(), "create-access-key");
    assert!(
        v.hop.to_arn.starts_with(&format!("{DEV}:user/escalation/")),
        "{}",
        v.hop.to_arn
    );
    let status = state.status.as_ref().map(|s| s.text.clone()).unwrap();
    assert!(status.contains("not an AssumeRole"), "{status}");
    assert!(
        !state
            .overlay_stack
            .iter()
            .chain(&state.overlay)
            .any(|o| matches!(o, Overlay::Simulate(_))),
        "no Simulate form"
    );
}
