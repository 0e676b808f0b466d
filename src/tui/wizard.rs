//! The troubleshooting wizard in the terminal face: pick a symptom (or start from the call
//! in the Simulate form), fill in the call in the same form, and read what the engine's
//! wizard checked and found, with the fixes it offers. Applying the fixes goes through the
//! what-if overlay — data fixes become edits that show in the what-if view and can be
//! undone; request fixes change the wizard's copy of the call — and the call is checked
//! again.

use crate::engine::sts::request::Request;
use crate::engine::wizard::{self, Report, Symptom};
use crate::tui::access::{AccessQuery, AccessResult, Diagnose};
use crate::tui::sim::{Caller, build_request};
use crate::tui::state::{AppState, Overlay, SimForm, Status, TextLine, Tok};

/// Where the wizard stands.
#[derive(Debug, Clone)]
pub enum Stage {
    /// Choosing the symptom.
    Symptoms { selected: usize },
    /// The call is being diagnosed (off the loop).
    Working { label: String },
    /// The report for a call.
    Report(Box<Diagnosis>),
}

/// A diagnosed call.
#[derive(Debug, Clone)]
pub struct Diagnosis {
    pub symptom: Symptom,
    /// `maria.garcia → ProdOperations`.
    pub label: String,
    pub request: Request,
    pub report: Report,
    /// What applying the fixes did, one line each.
    pub applied: Vec<String>,
    pub lines: Vec<TextLine>,
    pub scroll: usize,
}

/// The wizard overlay, with the role and caller to start the form with.
#[derive(Debug, Clone)]
pub struct WizardView {
    pub stage: Stage,
    pub role: Option<usize>,
    pub caller: Option<(Caller, String)>,
}

/// Opens the symptom list; the form that follows starts with `role` and `caller`.
pub fn open(state: &mut AppState, role: Option<usize>, caller: Option<(Caller, String)>) {
    state.overlay = Some(Overlay::Wizard(Box::new(WizardView {
        stage: Stage::Symptoms { selected: 0 },
        role,
        caller,
    })));
}

/// Enter on a symptom: the Simulate form, in wizard mode, to describe the failing call.
pub fn choose_symptom(state: &mut AppState) {
    let Some(Overlay::Wizard(w)) = &state.overlay else {
        return;
    };
    let Stage::Symptoms { selected } = w.stage else {
        return;
    };
    let Some(symptom) = Symptom::ALL.get(selected).copied() else {
        return;
    };
    let mut form = state.new_form(w.role, w.caller.clone());
    form.wizard = Some(symptom);
    state.overlay = Some(Overlay::Simulate(Box::new(form)));
    state.world.status = Some(Status {
        text: format!(
            "troubleshooting \u{201c}{}\u{201d}: describe the call, then Enter on [ Diagnose ]",
            symptom.label()
        ),
        error: false,
    });
}

/// Runs the wizard on the call the form describes, for `symptom`.
pub fn diagnose_form(state: &mut AppState, form: &SimForm, symptom: Symptom) {
    let input = match state.form_input(form) {
        Ok(i) => i,
        Err(msg) => {
            if let Some(Overlay::Simulate(f)) = &mut state.overlay {
                f.outcome = Some(crate::tui::state::FormOutcome::Invalid(msg));
            }
            return;
        }
    };
    let Some(caller) = form.caller.clone() else {
        return;
    };
    let session = match &caller {
        Caller::Session { id } => state.session(*id),
        _ => None,
    };
    let engine_session = session.and_then(|s| s.issued.engine.clone());
    let chain = session.map_or_else(|| vec![state.caller_name(&caller)], |s| s.chain.clone());
    let role_name = form
        .role
        .and_then(|r| state.world.inventory.roles.get(r))
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let label = format!("{} → {role_name}", chain.join(" → "));
    let request = match build_request(
        &state.world.inventory,
        &caller,
        engine_session.as_deref(),
        &input,
        state.world.now,
    ) {
        Ok(r) => r,
        Err(msg) => {
            if let Some(Overlay::Simulate(f)) = &mut state.overlay {
                f.outcome = Some(crate::tui::state::FormOutcome::Invalid(msg));
            }
            return;
        }
    };
    run(state, symptom, label, request, Vec::new());
}

fn run(
    state: &mut AppState,
    symptom: Symptom,
    label: String,
    request: Request,
    applied: Vec<String>,
) {
    state.ask_graph(AccessQuery::Diagnose(Box::new(Diagnose {
        symptom,
        label: label.clone(),
        request,
        applied,
    })));
    state.waiting.diagnose = Some(state.world.access_generation);
    let working = Overlay::Wizard(Box::new(WizardView {
        stage: Stage::Working { label },
        role: None,
        caller: None,
    }));
    // From the form, Esc on the report goes back to the form.
    if let Some(form @ Overlay::Simulate(_)) = state.overlay.take() {
        state.overlay_stack.push(form);
    }
    state.overlay = Some(working);
}

/// Takes in the wizard's report (or why it could not run) for the call asked about.
pub fn diagnosed(state: &mut AppState, asked: Diagnose, result: AccessResult) {
    let working = |o: &Option<Overlay>| matches!(o, Some(Overlay::Wizard(w)) if matches!(w.stage, Stage::Working { .. }));
    let report = match result {
        AccessResult::Diagnosed(r) => *r,
        AccessResult::Missing(msg) => {
            state.world.status = Some(Status {
                text: msg,
                error: true,
            });
            if working(&state.overlay) {
                state.overlay = state.overlay_stack.pop();
            }
            return;
        }
        _ => return,
    };
    let mut d = Diagnosis {
        symptom: asked.symptom,
        label: asked.label,
        request: asked.request,
        report,
        applied: asked.applied,
        lines: Vec::new(),
        scroll: 0,
    };
    d.lines = lines(&d);
    state.world.log.push(crate::tui::state::LogEntry {
        at: state.world.now,
        text: format!(
            "wizard: {} — {}",
            d.label,
            if d.report.succeeds() {
                "the call succeeds"
            } else {
                "the call fails"
            }
        ),
    });
    // The report takes the place of "working"; a wizard closed meanwhile stays closed.
    if working(&state.overlay)
        && let Some(Overlay::Wizard(w)) = &mut state.overlay
    {
        w.stage = Stage::Report(Box::new(d));
    }
}

/// `f` on the report: applies every fix it offers (data fixes through the what-if
/// overlay), refreshes the screens and checks the call again.
pub fn apply_fixes(state: &mut AppState) {
    let Some(Overlay::Wizard(w)) = &state.overlay else {
        return;
    };
    let Stage::Report(d) = &w.stage else {
        return;
    };
    let d = (**d).clone();
    if d.report.fixes.is_empty() {
        state.world.status = Some(Status {
            text: "the wizard offers no fix for this call".to_owned(),
            error: false,
        });
        return;
    }
    let mut request = d.request.clone();
    let edits_before = state.world.whatif.edits().len();
    let result = wizard::apply_fixes(&d.report, &mut state.world.whatif, &mut request);
    if state.world.whatif.edits().len() != edits_before {
        crate::tui::screen::data_changed(state);
    }
    let mut applied = d.applied.clone();
    match result {
        Ok(done) => {
            for line in &done {
                state.world.log.push(crate::tui::state::LogEntry {
                    at: state.world.now,
                    text: format!("wizard fix: {line}"),
                });
            }
            applied.extend(done);
            state.world.status = Some(Status {
                text: "fixes applied as what-if edits (D shows them, u there undoes them); the call was checked again".to_owned(),
                error: false,
            });
        }
        Err(e) => {
            state.world.status = Some(Status {
                text: format!("a fix was refused: {e}"),
                error: true,
            });
        }
    }
    run(state, d.symptom, d.label, request, applied);
}

fn lines(d: &Diagnosis) -> Vec<TextLine> {
    let r = &d.report;
    let mut out: Vec<TextLine> = vec![
        vec![(
            Tok::Heading,
            format!("── symptom: {} ──", d.symptom.label()),
        )],
        vec![(Tok::Plain, format!("call: {}", d.label))],
        vec![(Tok::Heading, "── what was checked ──".to_owned())],
    ];
    for c in &r.checks {
        let (mark, tok) = if c.ok {
            ("✓ ok    ", Tok::Str)
        } else if c.unknown {
            ("? UNKNOWN ", Tok::Problem)
        } else {
            ("✗ FAILS ", Tok::Problem)
        };
        out.push(vec![
            (tok, mark.to_owned()),
            (Tok::Key, c.title.clone()),
            (Tok::Plain, format!(": {}", c.detail)),
        ]);
    }
    if !r.explanation.is_empty() {
        out.push(vec![(Tok::Heading, "── what it means ──".to_owned())]);
        for p in &r.explanation {
            out.push(vec![(Tok::Plain, p.clone())]);
        }
    }
    out.push(vec![(
        Tok::Heading,
        format!("── fixes offered: {} ──", r.fixes.len()),
    )]);
    if r.fixes.is_empty() {
        out.push(vec![(Tok::Plain, "none".to_owned())]);
    }
    for f in &r.fixes {
        let what = if matches!(f, crate::engine::sts::Fix::SetParameter { .. }) {
            "change the call"
        } else {
            "change the data"
        };
        out.push(vec![(Tok::Plain, format!("• {} ({what})", f.summary()))]);
    }
    if !d.applied.is_empty() {
        out.push(vec![(Tok::Heading, "── applied ──".to_owned())]);
        for a in &d.applied {
            out.push(vec![(Tok::Str, format!("✓ {a}"))]);
        }
    }
    out.push(vec![(
        if r.succeeds() { Tok::Str } else { Tok::Problem },
        match (r.succeeds(), d.applied.is_empty()) {
            (true, _) => "RESULT: the call succeeds with the data on screen".to_owned(),
            (false, true) => "RESULT: the call fails as described; f applies the fixes".to_owned(),
            (false, false) => "RESULT: the call still fails after the fixes".to_owned(),
        },
    )]);
    out
}
