//! The user's AWS CLI profiles inside the explorer (`O`): the same chains `rolescope
//! profiles` prints, checked against the data on screen (what-if edits included), and
//! Enter to start a simulated session from one — the Simulate form filled in for the
//! profile's next hop (its first, or the one after the last hop that already has a live
//! simulated session), so Enter, Ctrl-R, then `O` and Enter again walks the chain. The
//! check itself runs off the loop (`tui::profiles`).

use std::path::PathBuf;

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::engine::profiles::{ProfileReport, Verdict};
use crate::tui::access::Prefill;
use crate::tui::command::Command;
use crate::tui::keys::{Binding, b, esc_key, k, movement as movement_keys};
use crate::tui::outcome::{Outcome, clamp_add, movement};
use crate::tui::profiles::ProfilesAnswer;
use crate::tui::sim::Caller;
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::{ellipsize, selectable};
use crate::tui::world::World;

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

impl ProfilesView {
    /// Takes in the check's answer when it is the one this list waits for.
    pub fn answered(&mut self, answer: &ProfilesAnswer) -> bool {
        if self.generation != answer.generation {
            return false;
        }
        self.reports.clone_from(&answer.reports);
        self.pending = false;
        self.selected = self.selected.min(self.len().saturating_sub(1));
        true
    }

    /// Moves, simulates the selected profile's next hop, or closes.
    pub fn handle(&mut self, command: &Command, world: &mut World) -> Outcome {
        if let Some(delta) = movement(command, 10) {
            self.selected = clamp_add(self.selected, delta, self.len());
            return Outcome::Done;
        }
        match command {
            Command::Open => {
                let Some(report) = self.current() else {
                    return Outcome::Done;
                };
                match next_hop(world, report) {
                    Ok((hop, duration)) => Outcome::Simulate {
                        hop: Box::new(hop),
                        duration,
                    },
                    Err(why) => {
                        world.say(why, true);
                        Outcome::Done
                    }
                }
            }
            Command::Back => Outcome::Close,
            _ => Outcome::Ignored,
        }
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        let view = self;
        let r = crate::tui::widgets::pane::popup_rect(area);
        frame.render_widget(Clear, r);
        let block = Block::bordered()
            .title(Span::styled(
                format!(
                    " AWS CLI profiles ({}) — {} — Enter simulates one ",
                    view.len(),
                    view.path.display()
                ),
                theme.title(),
            ))
            .border_style(theme.border(true));
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let width = usize::from(inner.width);
        if view.pending {
            frame.render_widget(
                Paragraph::new(Line::styled("checking the profiles…", theme.dim())),
                inner,
            );
            return;
        }
        let reports = match &view.reports {
            Ok(r) => r,
            Err(e) => {
                let text: Vec<Line<'_>> = crate::tui::widgets::text::wrap(e, width.max(1))
                    .into_iter()
                    .map(|l| Line::styled(l, theme.error()))
                    .collect();
                frame.render_widget(Paragraph::new(text), inner);
                return;
            }
        };
        // The selected profile's explanation takes the bottom rows.
        let mut detail: Vec<Line<'_>> = Vec::new();
        if let Some(sel) = view.current() {
            detail.push(Line::styled("─".repeat(width), theme.dim()));
            detail.push(Line::from(vec![
                Span::styled(format!("{}: ", sel.profile), theme.key()),
                Span::raw(format!(
                    "starts as {}",
                    sel.start.principal.as_deref().unwrap_or("?")
                )),
                Span::styled(format!(" ({})", sel.start.how), theme.dim()),
            ]));
            let mut wrapped = |label: &str, text: &str, style| {
                for (i, l) in crate::tui::widgets::text::wrap(text, width.saturating_sub(6).max(1))
                    .into_iter()
                    .enumerate()
                {
                    let head = if i == 0 {
                        format!("{label:<6}")
                    } else {
                        " ".repeat(6)
                    };
                    detail.push(Line::from(vec![
                        Span::styled(head, theme.key()),
                        Span::styled(l, style),
                    ]));
                }
            };
            if let Some(f) = &sel.failure {
                wrapped(
                    "why",
                    &format!("{} [{}]", f.explanation, f.check),
                    theme.error(),
                );
                if let Some(fix) = &f.fix {
                    wrapped("fix", fix, theme.ok());
                }
            }
            for n in &sel.notes {
                wrapped("note", n, theme.dim());
            }
        }
        let detail_rows = detail.len().min(usize::from(inner.height) / 2);
        let list_rows = usize::from(inner.height).saturating_sub(detail_rows).max(1);
        let name_w = reports
            .iter()
            .map(|r| r.profile.chars().count())
            .max()
            .unwrap_or(7)
            .clamp(7, 28);
        let mut lines = vec![Line::styled(
            format!(
                "  {:<name_w$}  {:<8}  {:<30}  CHAIN",
                "PROFILE", "RESULT", "SESSION"
            ),
            theme.dim(),
        )];
        let offset = (view.selected + 2).saturating_sub(list_rows);
        for (i, rep) in reports.iter().enumerate().skip(offset) {
            if lines.len() >= list_rows {
                break;
            }
            let sel = i == view.selected;
            let style = match rep.verdict {
                Verdict::Works => theme.ok(),
                Verdict::Refused => theme.error(),
                Verdict::Unknown | Verdict::Unmapped => theme.warn(),
            };
            let mark = if sel { "▶ " } else { "  " };
            let text = format!("{:<name_w$}  ", ellipsize(&rep.profile, name_w));
            let rest = format!("  {:<30}  {}", rep.session_text(), rep.chain_text());
            let room = width.saturating_sub(2 + name_w + 2 + 8);
            lines.push(selectable(
                Line::from(vec![
                    Span::raw(format!("{mark}{text}")),
                    Span::styled(format!("{:<8}", rep.verdict.label()), style),
                    Span::raw(ellipsize(&rest, room)),
                ]),
                sel,
                theme,
            ));
        }
        if reports.is_empty() {
            lines.push(Line::styled("the file holds no profile", theme.dim()));
        }
        let list = Rect::new(
            inner.x,
            inner.y,
            inner.width,
            u16::try_from(list_rows)
                .unwrap_or(u16::MAX)
                .min(inner.height),
        );
        frame.render_widget(Paragraph::new(lines), list);
        let below = Rect::new(
            inner.x,
            list.bottom(),
            inner.width,
            inner.height.saturating_sub(list.height),
        );
        frame.render_widget(Paragraph::new(detail), below);
    }
}

/// The hop to simulate next for `report`, and the duration it asks for.
fn next_hop(world: &World, report: &ProfileReport) -> Result<(Prefill, Option<i64>), String> {
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
    let now = world.now;
    let live = |arn: &str| {
        world
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
    let Some(&role) = world.inventory.index.role_by_arn.get(&hop.role_arn) else {
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

/// The profiles list's keys.
#[must_use]
pub fn keys() -> Vec<Binding> {
    let mut t = vec![b(
        vec![k(KeyCode::Enter)],
        "Enter",
        "simulate the profile's next hop, pre-filled",
        true,
        Command::Open,
    )];
    t.extend(movement_keys());
    t.push(esc_key("close"));
    t
}
