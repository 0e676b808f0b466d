//! The user's AWS CLI profiles inside the explorer (`O`): the same chains `rolescope
//! profiles` prints, checked against the data on screen (what-if edits included), and
//! Enter to start a simulated session from one — the Simulate form filled in for the
//! profile's next hop (its first, or the one after the last hop that already has a live
//! simulated session), so Enter, Ctrl-R, then `O` and Enter again walks the chain.

use std::path::PathBuf;
use std::sync::Arc;

use crate::engine::profiles::{ProfileReport, Verdict};
use crate::tui::access::Prefill;
pub use crate::tui::profiles_check::{ProfilesAnswer, ProfilesInput, ProfilesJob, run_job};
use crate::tui::sim::Caller;
use crate::tui::state::{AppState, FormField, Overlay};

/// The open profiles list.
#[derive(Debug, Clone)]
pub struct ProfilesView {
    pub path: PathBuf,
    /// The checked profiles, or why the file could not be read.
    pub reports: Result<Vec<ProfileReport>, String>,
    /// True until the check's answer is in.
    pub pending: bool,
    /// Which check the view waits for; older answers are dropped.
    pub generation: u64,
    pub selected: usize,
}

impl ProfilesView {
    #[must_use]
    pub fn len(&self) -> usize {
        self.reports.as_ref().map_or(0, Vec::len)
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[must_use]
    pub fn current(&self) -> Option<&ProfileReport> {
        self.reports.as_ref().ok()?.get(self.selected)
    }
}

/// Opens the list at once ("checking…") and asks for the check off the loop: compiling the
/// policies of a large inventory takes a moment.
pub fn open(state: &mut AppState) {
    let Some(input) = state.world.profiles_input.clone() else {
        crate::tui::update::status(
            state,
            "no AWS config file to read: set `[profiles] aws_config` in the rolescope config or AWS_CONFIG_FILE",
            true,
        );
        return;
    };
    state.world.profiles_generation += 1;
    let generation = state.world.profiles_generation;
    state
        .world
        .outbox
        .push(crate::tui::command::Effect::Profiles(Box::new(
            ProfilesJob {
                generation,
                inventory: Arc::clone(&state.world.inventory),
                input: input.clone(),
                now: state.world.now,
            },
        )));
    crate::tui::update::push_overlay(
        state,
        Overlay::Profiles(Box::new(ProfilesView {
            path: input.path,
            reports: Ok(Vec::new()),
            pending: true,
            generation,
            selected: 0,
        })),
    );
}

/// Puts an answer into the list that asked for it; a stale one is dropped.
pub fn answered(state: &mut AppState, answer: ProfilesAnswer) {
    let views = state
        .overlay
        .iter_mut()
        .chain(state.overlay_stack.iter_mut());
    for o in views {
        if let Overlay::Profiles(v) = o
            && v.generation == answer.generation
        {
            v.reports = answer.reports;
            v.pending = false;
            v.selected = v.selected.min(v.len().saturating_sub(1));
            return;
        }
    }
}

/// Enter on a profile: the Simulate form filled in for its next hop.
pub fn simulate_selected(state: &mut AppState) {
    let Some(Overlay::Profiles(view)) = &state.overlay else {
        return;
    };
    let Some(report) = view.current().cloned() else {
        return;
    };
    match next_hop(state, &report) {
        Ok((prefill, duration)) => {
            crate::tui::update::simulate_hop(state, &prefill);
            if let (Some(Overlay::Simulate(form)), Some(d)) = (&mut state.overlay, duration)
                && let Some(i) = FormField::ALL
                    .iter()
                    .position(|f| *f == FormField::Duration)
            {
                form.fields[i] = d.to_string();
            }
        }
        Err(why) => crate::tui::update::status(state, &why, true),
    }
}

/// The hop to simulate next for `report`, and the duration it asks for.
fn next_hop(state: &AppState, report: &ProfileReport) -> Result<(Prefill, Option<i64>), String> {
    if report.verdict == Verdict::Unmapped {
        return Err(format!(
            "profile `{}` starts from keys rolescope cannot place: map `{}` with `[profiles.sources]` in the rolescope config",
            report.profile, report.start.profile
        ));
    }
    if report.hops.is_empty() {
        return Err(format!(
            "profile `{}` assumes no role: its credentials are {}",
            report.profile,
            report.start.principal.as_deref().unwrap_or("not known")
        ));
    }
    let Some(start) = report.start.principal.clone() else {
        return Err(format!(
            "profile `{}`: who it starts as is not known",
            report.profile
        ));
    };
    let now = state.world.now;
    let live = |arn: &str| {
        state
            .sessions
            .iter()
            .any(|s| s.role_arn == arn && s.is_usable(now))
    };
    // The first hop whose role has no live session yet; its caller is the hop before.
    let i = report
        .hops
        .iter()
        .position(|h| !live(&h.role_arn))
        .unwrap_or(report.hops.len() - 1);
    let hop = &report.hops[i];
    let Some(&role) = state.world.inventory.index.role_by_arn.get(&hop.role_arn) else {
        return Err(format!("`{}` is not in the loaded data", hop.role_arn));
    };
    let (caller, caller_label) = if i == 0 {
        if start.contains(":user/") {
            (Caller::User { arn: start.clone() }, format!("user {start}"))
        } else {
            (Caller::Role { arn: start.clone() }, format!("role {start}"))
        }
    } else {
        let prev = &report.hops[i - 1].role_arn;
        (Caller::Role { arn: prev.clone() }, format!("role {prev}"))
    };
    let request = crate::engine::graph::edge::WitnessRequest {
        session_name: hop.role_session_name.clone(),
        external_id: hop.external_id.clone(),
        mfa: hop.mfa_serial.is_some(),
        ..Default::default()
    };
    Ok((
        Prefill {
            caller,
            caller_label,
            role,
            request,
            note: Some(format!(
                "profile `{}`, hop {} of {}: Enter on [ Simulate ] runs it, then `O` and Enter for the next",
                hop.profile,
                i + 1,
                report.hops.len()
            )),
            token: Vec::new(),
        },
        hop.duration_seconds,
    ))
}
