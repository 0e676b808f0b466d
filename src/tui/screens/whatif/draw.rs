//! Drawing the what-if screens: the choice of document to edit, the built-in editor (the
//! document with line numbers and a visible cursor, the role and document in the title,
//! and — after a refused save — IAM's answer with the line it points at marked), the
//! one-line prompts, and the view of the edits with who gained (`+`) or lost (`-`) the
//! ability to assume a role, laid out from the world's typed answers when drawn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{EditMenu, EditorView, Prompt};
use crate::tui::sim::{Issued, Refusal};
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::{centered, selectable, token_line};
use crate::tui::widgets::text::{TextLine, Tok};
use crate::tui::world::World;

/// Rows of the error box under the editor's text.
const ERROR_ROWS: u16 = 4;

/// The editor's rectangle within the screen `area`.
#[must_use]
pub fn rect(area: Rect) -> Rect {
    centered(
        area,
        area.width.saturating_sub(2).max(1),
        area.height.saturating_sub(2).max(1),
    )
}

/// Text rows the editor shows on a screen of `width`×`height` (room for an error kept).
#[must_use]
pub fn body_rows(width: u16, height: u16) -> usize {
    let r = rect(Rect::new(0, 0, width, height));
    usize::from(r.height.saturating_sub(2 + ERROR_ROWS)).max(1)
}

fn frame_block<'a>(title: String, theme: Theme) -> Block<'a> {
    Block::bordered()
        .title(Span::styled(format!(" {title} "), theme.title()))
        .border_style(theme.border(true))
}

pub fn render_menu(frame: &mut Frame<'_>, area: Rect, m: &EditMenu, theme: Theme) {
    let h = u16::try_from(m.choices.len() + 4).unwrap_or(u16::MAX);
    let r = centered(area, 76, h);
    frame.render_widget(Clear, r);
    let how = if m.external {
        "$EDITOR"
    } else {
        "the built-in editor"
    };
    let block = frame_block(format!("What-if: edit which document? ({how})"), theme);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let mut lines = vec![Line::styled(m.role_arn.clone(), theme.dim())];
    for (i, (label, _)) in m.choices.iter().enumerate() {
        let selected = i == m.selected;
        let mark = if selected { "▶ " } else { "  " };
        lines.push(selectable(
            Line::raw(format!("{mark}{label}")),
            selected,
            theme,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn render_prompt(frame: &mut Frame<'_>, area: Rect, p: &Prompt, theme: Theme) {
    let r = centered(area, 80, 7);
    frame.render_widget(Clear, r);
    let block = frame_block(p.title().to_owned(), theme);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let mut lines = vec![Line::from(vec![
        Span::styled("> ", theme.key()),
        Span::raw(p.text.clone()),
        Span::styled("█", theme.key()),
    ])];
    if let Some(e) = &p.error {
        lines.push(Line::styled(format!("✗ {e}"), theme.error()));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

pub fn render_view(frame: &mut Frame<'_>, area: Rect, scroll: usize, world: &World, theme: Theme) {
    let r = crate::tui::widgets::pane::popup_rect(area);
    frame.render_widget(Clear, r);
    let block = frame_block(
        "What-if: edits, and who gained or lost access".to_owned(),
        theme,
    );
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let lines: Vec<Line> = view_lines(world)
        .iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .map(|toks| token_line(toks, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn render_editor(frame: &mut Frame<'_>, area: Rect, ed: &EditorView, theme: Theme) {
    let r = rect(area);
    frame.render_widget(Clear, r);
    let name = ed.role_arn.rsplit('/').next().unwrap_or(&ed.role_arn);
    let block = Block::bordered()
        .title(Span::styled(
            format!(
                " What-if: the {} of {name} — Ctrl-S checks and applies, Esc cancels ",
                ed.kind.describe()
            ),
            theme.title(),
        ))
        .border_style(theme.border(true));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let err_h = ERROR_ROWS.min(inner.height / 2);
    let text_area = Rect::new(
        inner.x,
        inner.y,
        inner.width,
        inner.height.saturating_sub(err_h),
    );
    let err_area = Rect::new(inner.x, text_area.bottom(), inner.width, err_h);
    let b = &ed.buffer;
    let rows = usize::from(text_area.height);
    let num_w = b.lines.len().to_string().len();
    let lines: Vec<Line> = b
        .lines
        .iter()
        .enumerate()
        .skip(b.scroll)
        .take(rows)
        .map(|(i, l)| {
            let here = i == b.row;
            let mut spans = vec![Span::styled(
                format!("{:>num_w$}{} ", i + 1, if here { "▶" } else { " " }),
                if here { theme.key() } else { theme.dim() },
            )];
            if here {
                let col = b.col.min(l.chars().count());
                let before: String = l.chars().take(col).collect();
                let at: String = l.chars().nth(col).map_or(" ".to_owned(), String::from);
                let after: String = l.chars().skip(col + 1).collect();
                spans.push(Span::raw(before));
                spans.push(Span::styled(
                    at,
                    ratatui::style::Style::new().add_modifier(Modifier::REVERSED),
                ));
                spans.push(Span::raw(after));
            } else {
                spans.push(Span::raw(l.clone()));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), text_area);
    let (msg, style) = match &ed.error {
        Some(e) => (format!("✗ refused — {e}"), theme.error()),
        None => (
            format!(
                "line {}, column {} · checked as IAM checks it on save; the loaded files are never changed",
                b.row + 1,
                b.col + 1
            ),
            theme.dim(),
        ),
    };
    frame.render_widget(
        Paragraph::new(Line::styled(msg, style)).wrap(Wrap { trim: true }),
        err_area,
    );
}

/// One line for a simulation's answer.
#[must_use]
pub fn describe_outcome(r: &Result<Issued, Refusal>) -> String {
    match r {
        Ok(i) => format!(
            "ALLOWED: a session until {}",
            i.expires_at.format("%H:%M:%S")
        ),
        Err(r) => format!(
            "REFUSED: {} ({} failing check{})",
            r.code,
            r.checks.len(),
            if r.checks.len() == 1 { "" } else { "s" }
        ),
    }
}

/// The what-if view's lines: the edits, who gained and lost access, the last simulation
/// again.
#[must_use]
pub fn view_lines(world: &World) -> Vec<TextLine> {
    let mut lines: Vec<TextLine> = Vec::new();
    let edits = world.whatif.edits();
    lines.push(vec![(
        Tok::Heading,
        format!(
            "── {} what-if edit(s) — kept apart from the loaded files ──",
            edits.len()
        ),
    )]);
    if edits.is_empty() {
        lines.push(vec![(
            Tok::Plain,
            "none yet: e on a role edits a document in the built-in editor, E in $EDITOR".into(),
        )]);
    }
    for (i, e) in edits.iter().enumerate() {
        lines.push(vec![(
            Tok::Plain,
            format!("{:>3}. {}", i + 1, e.describe()),
        )]);
    }
    match &world.access_diff {
        None => lines.push(vec![(
            Tok::Plain,
            "working out who gained or lost access… (the trust graph of both versions)".into(),
        )]),
        Some(diff) => {
            lines.push(vec![(
                Tok::Heading,
                format!(
                    "── who can assume what: {} gained, {} lost ──",
                    diff.gained.len(),
                    diff.lost.len()
                ),
            )]);
            if diff.is_empty() {
                lines.push(vec![(
                    Tok::Plain,
                    "nobody gained or lost the ability to assume a role".into(),
                )]);
            }
            for p in &diff.gained {
                lines.push(vec![(Tok::Str, format!("+ gained  {}", p.short()))]);
            }
            for p in &diff.lost {
                lines.push(vec![(Tok::Problem, format!("- lost    {}", p.short()))]);
            }
        }
    }
    if let Some(last) = &world.last_run {
        lines.push(vec![(
            Tok::Heading,
            format!("── your last simulation: {} ──", last.label),
        )]);
        lines.push(vec![(
            Tok::Plain,
            format!("when run:   {}", describe_outcome(&last.first)),
        )]);
        if let Some(now) = &last.now {
            let tok = if now.is_err() { Tok::Problem } else { Tok::Str };
            lines.push(vec![(
                tok,
                format!("data now:   {}", describe_outcome(now)),
            )]);
        }
    }
    lines
}
