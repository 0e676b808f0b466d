//! The troubleshooting wizard: pick a symptom (or start from the call in the Simulate
//! form), describe the call in that form (asked of the app with
//! [`Outcome::DescribeCall`]), and read what the engine's wizard checked and found, with
//! the fixes it offers. Applying the fixes goes through the what-if overlay — data fixes
//! become edits that show in the what-if view and can be undone; request fixes change the
//! wizard's copy of the call — and the call is checked again. Owns its keys; [`draw`]
//! lays the report out when drawn.

pub mod draw;

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::engine::sts::request::Request;
use crate::engine::wizard::{self, Report, Symptom};
use crate::tui::access::{AccessQuery, AccessResult, Diagnose};
use crate::tui::command::Command;
use crate::tui::keys::{Binding, b, c, esc_key, k, movement as movement_keys};
use crate::tui::outcome::{Outcome, clamp_add, movement};
use crate::tui::sim::Caller;
use crate::tui::theme::Theme;
use crate::tui::widgets::pane::popup_rows;
use crate::tui::widgets::text::{TextLine, Tok};
use crate::tui::world::World;

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
    pub scroll: usize,
}

/// The wizard, with the role and caller to start the form with.
#[derive(Debug, Clone)]
pub struct WizardView {
    pub stage: Stage,
    pub role: Option<usize>,
    pub caller: Option<(Caller, String)>,
}

impl WizardView {
    /// The symptom list; the form that follows starts with `role` and `caller`.
    #[must_use]
    pub fn new(role: Option<usize>, caller: Option<(Caller, String)>) -> Self {
        Self {
            stage: Stage::Symptoms { selected: 0 },
            role,
            caller,
        }
    }

    /// True while the call is being diagnosed.
    #[must_use]
    pub fn working(&self) -> bool {
        matches!(self.stage, Stage::Working { .. })
    }

    pub fn handle(&mut self, command: &Command, world: &mut World) -> Outcome {
        if let Some(delta) = movement(command, popup_rows(world.width, world.height)) {
            match &mut self.stage {
                Stage::Symptoms { selected } => {
                    *selected = clamp_add(*selected, delta, Symptom::ALL.len());
                }
                Stage::Report(d) => d.scroll = clamp_add(d.scroll, delta, lines(d).len()),
                Stage::Working { .. } => {}
            }
            return Outcome::Done;
        }
        match (command, &self.stage) {
            (Command::Open, Stage::Symptoms { selected }) => {
                let Some(symptom) = Symptom::ALL.get(*selected).copied() else {
                    return Outcome::Done;
                };
                world.say(
                    format!(
                        "troubleshooting \u{201c}{}\u{201d}: describe the call, then Enter on [ Diagnose ]",
                        symptom.label()
                    ),
                    false,
                );
                Outcome::DescribeCall {
                    symptom,
                    role: self.role,
                    caller: self.caller.clone(),
                }
            }
            (Command::ApplyFixes, Stage::Report(d)) => {
                let d = (**d).clone();
                self.apply_fixes(world, d)
            }
            (Command::Back, _) => Outcome::Close,
            _ => Outcome::Ignored,
        }
    }

    /// `f` on the report: applies every fix it offers (data fixes through the what-if
    /// overlay) and checks the call again; the app refreshes the screens when the data
    /// changed.
    fn apply_fixes(&mut self, world: &mut World, d: Diagnosis) -> Outcome {
        if d.report.fixes.is_empty() {
            world.say("the wizard offers no fix for this call", false);
            return Outcome::Done;
        }
        let mut request = d.request.clone();
        let edits_before = world.whatif.edits().len();
        let result = wizard::apply_fixes(&d.report, &mut world.whatif, &mut request);
        let changed = world.whatif.edits().len() != edits_before;
        if changed {
            // The call is checked again on the fixed data.
            world.take_whatif_data();
        }
        let mut applied = d.applied.clone();
        match result {
            Ok(done) => {
                for line in &done {
                    world.note(format!("wizard fix: {line}"));
                }
                applied.extend(done);
                world.say(
                    "fixes applied as what-if edits (D shows them, u there undoes them); the call was checked again",
                    false,
                );
            }
            Err(e) => world.say(format!("a fix was refused: {e}"), true),
        }
        *self = diagnose(world, d.symptom, d.label, request, applied);
        if changed {
            Outcome::DataChanged
        } else {
            Outcome::Done
        }
    }

    /// Takes in the wizard's report (or why it could not run) for the call asked about;
    /// `false` when it could not run (the status line says why).
    pub fn diagnosed(&mut self, world: &mut World, asked: Diagnose, result: AccessResult) -> bool {
        let report = match result {
            AccessResult::Diagnosed(r) => *r,
            AccessResult::Missing(msg) => {
                world.say(msg, true);
                return false;
            }
            _ => return true,
        };
        let d = Diagnosis {
            symptom: asked.symptom,
            label: asked.label,
            request: asked.request,
            report,
            applied: asked.applied,
            scroll: 0,
        };
        world.note(format!(
            "wizard: {} — {}",
            d.label,
            if d.report.succeeds() {
                "the call succeeds"
            } else {
                "the call fails"
            }
        ));
        // The report takes the place of "working".
        if self.working() {
            self.stage = Stage::Report(Box::new(d));
        }
        true
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        draw::render(frame, area, self, theme);
    }
}

/// Asks the engine's wizard about `request` off the loop; the wizard working on it.
pub fn diagnose(
    world: &mut World,
    symptom: Symptom,
    label: String,
    request: Request,
    applied: Vec<String>,
) -> WizardView {
    world.ask_graph(AccessQuery::Diagnose(Box::new(Diagnose {
        symptom,
        label: label.clone(),
        request,
        applied,
    })));
    world.diagnose_waiting = Some(world.access_generation);
    WizardView {
        stage: Stage::Working { label },
        role: None,
        caller: None,
    }
}

/// The symptom list's keys.
#[must_use]
pub fn symptom_keys() -> Vec<Binding> {
    let mut t = vec![b(
        vec![k(KeyCode::Enter)],
        "Enter",
        "this symptom: describe the call",
        true,
        Command::Open,
    )];
    t.extend(movement_keys());
    t.push(esc_key("close"));
    t
}

/// The report's keys.
#[must_use]
pub fn report_keys() -> Vec<Binding> {
    let mut t = vec![
        b(
            vec![c('f')],
            "f",
            "apply the fixes (data fixes as what-if edits) and check again",
            true,
            Command::ApplyFixes,
        ),
        b(
            vec![c('D')],
            "D",
            "what-if edits and who gained or lost access",
            false,
            Command::WhatIf,
        ),
    ];
    t.extend(movement_keys());
    t.push(esc_key("close"));
    t
}

/// The report's lines, laid out from the engine's report.
#[must_use]
pub fn lines(d: &Diagnosis) -> Vec<TextLine> {
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
