//! Drawing the list of the current tab (roles, users, groups, identity providers): search
//! box, shown-vs-loaded count, filters, and only the visible window of rows, with the
//! matched characters of each visible row highlighted.

use std::cell::RefCell;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{EntityList, Tab, arn};
use crate::tui::facts::KINDS;
use crate::tui::search::{Field, Searcher};
use crate::tui::theme::Theme;
use crate::tui::widgets::layout::{ellipsize, highlighted};
use crate::tui::world::World;

thread_local! {
    // Highlighting reuses one matcher's allocations across frames.
    static HIGHLIGHTER: RefCell<Option<Searcher>> = const { RefCell::new(None) };
}

/// Where the rows go inside the list's area (below the search line and the headings).
#[must_use]
pub fn rows_area(main: Rect) -> Rect {
    Rect::new(
        main.x + 1,
        main.y + 3,
        main.width.saturating_sub(2),
        main.height.saturating_sub(4),
    )
}

fn pad(s: &str, w: usize) -> String {
    let s = ellipsize(s, w);
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(w.saturating_sub(n)))
}

struct Row {
    name: String,
    account: String,
    extra: String,
    marks: String,
}

fn row(world: &World, tab: Tab, i: usize) -> Row {
    let inv = &world.inventory;
    let account_name = |a: &str| {
        inv.account(a)
            .and_then(|x| x.name.clone())
            .map_or_else(|| a.to_owned(), |n| format!("{a} {n}"))
    };
    match tab {
        Tab::Roles => {
            let r = &inv.roles[i];
            let f = world.role_facts.get(i);
            let kinds = f.map(|f| f.labels().join(",")).unwrap_or_default();
            // A lesson's question waiting for its answer: the warnings would give it away.
            let warn = if world.teach.predicting() {
                0
            } else {
                f.map_or(0, |f| f.warnings.len())
            };
            let last = r
                .last_used
                .as_ref()
                .and_then(|l| l.last_used_date)
                .map_or_else(|| "—".to_owned(), |d| d.format("%Y-%m-%d").to_string());
            Row {
                name: r.name.clone(),
                account: account_name(&r.account),
                extra: format!("{kinds}  {last}"),
                marks: if warn > 0 {
                    format!("⚠{warn}")
                } else {
                    String::new()
                },
            }
        }
        Tab::Users => {
            let u = &inv.users[i];
            Row {
                name: u.name.clone(),
                account: account_name(&u.account),
                extra: u.groups.join(","),
                marks: String::new(),
            }
        }
        Tab::Groups => {
            let g = &inv.groups[i];
            Row {
                name: g.name.clone(),
                account: account_name(&g.account),
                extra: format!(
                    "{} inline, {} managed",
                    g.inline_policies.len(),
                    g.managed_policies.len()
                ),
                marks: String::new(),
            }
        }
        Tab::Providers => {
            let p = &inv.identity_providers[i];
            Row {
                name: crate::tui::facts::provider_name(p),
                account: account_name(&p.account),
                extra: match p.provider_type {
                    crate::engine::model::ProviderType::Oidc => "OIDC",
                    crate::engine::model::ProviderType::Saml => "SAML",
                }
                .to_owned(),
                marks: String::new(),
            }
        }
    }
}

/// Draws the list screen in `area` (`focused` when it has the keyboard).
pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    screen: &EntityList,
    world: &World,
    focused: bool,
    theme: Theme,
) {
    let tab = screen.tab;
    let list = screen.list();
    let index = &world.indexes[tab.index()];
    let mut title = format!(
        " {} — {} shown / {} loaded",
        tab.title(),
        list.hits.len(),
        index.len()
    );
    if let Some(k) = list.kind.and_then(|k| KINDS.get(usize::from(k))) {
        title.push_str(&format!(" · kind: {k}"));
    }
    if let Some(a) = list
        .account
        .and_then(|a| index.accounts().get(usize::from(a)))
    {
        title.push_str(&format!(" · account: {a}"));
    }
    if list.query.trim().is_empty() {
        title.push_str(&format!(" · sort: {} ", list.sort.label()));
    } else {
        title.push_str(&format!(" · ranked by match, then {} ", list.sort.label()));
    }
    let block = Block::bordered()
        .title(Span::styled(title, theme.title()))
        .border_style(theme.border(focused));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let search = if list.editing {
        Line::from(vec![
            Span::styled("/ ", theme.key()),
            Span::raw(list.query.clone()),
            Span::styled("▏", theme.key()),
            Span::styled(
                if list.pending() { "  searching…" } else { "" },
                theme.dim(),
            ),
        ])
    } else if list.query.is_empty() {
        Line::styled("/ to search · f kind · A account · s sort", theme.dim())
    } else {
        Line::from(vec![
            Span::styled("/ ", theme.key()),
            Span::raw(list.query.clone()),
            Span::styled(
                if list.pending() {
                    "  searching…"
                } else {
                    "  (Esc clears)"
                },
                theme.dim(),
            ),
        ])
    };
    frame.render_widget(
        Paragraph::new(search),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    let w = usize::from(inner.width);
    let name_w = (w * 35 / 100).max(12);
    let acct_w = 26.min(w / 4);
    let extra_w = w.saturating_sub(name_w + acct_w + 2 + 2 + 4);
    let (h_extra, h_name) = match tab {
        Tab::Roles => ("KINDS  LAST USED", "NAME"),
        Tab::Users => ("GROUPS", "NAME"),
        Tab::Groups => ("POLICIES", "NAME"),
        Tab::Providers => ("TYPE", "ISSUER / NAME"),
    };
    let heading = format!(
        "  {} {} {} {}",
        pad(h_name, name_w),
        pad("ACCOUNT", acct_w),
        pad(h_extra, extra_w),
        "!"
    );
    frame.render_widget(
        Paragraph::new(Line::styled(ellipsize(&heading, w), theme.dim())),
        Rect::new(inner.x, inner.y + 1, inner.width, 1),
    );
    let rows = rows_area(area);
    if list.hits.is_empty() {
        let msg = if list.pending() {
            "searching…"
        } else {
            "no match — Esc clears the search, F clears filters"
        };
        frame.render_widget(
            Paragraph::new(Line::styled(msg, theme.dim())),
            Rect::new(rows.x, rows.y, rows.width, rows.height.min(1)),
        );
        return;
    }
    let query = list.hits_for.text.clone();
    let end = (list.offset + usize::from(rows.height)).min(list.hits.len());
    let mut lines = Vec::with_capacity(end.saturating_sub(list.offset));
    HIGHLIGHTER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let searcher = slot.get_or_insert_with(Searcher::new);
        for pos in list.offset..end {
            let i = list.hits[pos];
            let r = row(world, tab, i as usize);
            let selected = pos == list.selected;
            let base = if selected {
                theme.selected()
            } else {
                Style::new()
            };
            let hl = if selected {
                theme.selected().patch(theme.matched())
            } else {
                theme.matched()
            };
            let hit = if query.trim().is_empty() {
                None
            } else {
                searcher.highlight(index, i, &query)
            };
            let mut spans = vec![Span::styled(if selected { "▶ " } else { "  " }, base)];
            let name = pad(&r.name, name_w);
            match &hit {
                Some((Field::Name, idx)) => spans.extend(highlighted(&name, idx, base, hl)),
                _ => spans.push(Span::styled(name, base)),
            }
            spans.push(Span::styled(
                format!(" {} ", pad(&r.account, acct_w)),
                base.patch(theme.dim()),
            ));
            match &hit {
                Some((Field::Secondary | Field::Arn, idx)) => {
                    let text = if matches!(hit, Some((Field::Arn, _))) {
                        arn(world, tab, i as usize).unwrap_or_default()
                    } else {
                        index.secondary(i).to_owned()
                    };
                    let shown = window(&text, idx, extra_w.saturating_sub(2));
                    spans.push(Span::styled("≈ ", base.patch(theme.dim())));
                    spans.extend(highlighted(&shown.0, &shown.1, base, hl));
                    let used = shown.0.chars().count() + 2;
                    spans.push(Span::styled(" ".repeat(extra_w.saturating_sub(used)), base));
                }
                _ => spans.push(Span::styled(
                    pad(&r.extra, extra_w),
                    base.patch(theme.badge()),
                )),
            }
            spans.push(Span::styled(
                format!(" {}", r.marks),
                base.patch(theme.warn()),
            ));
            lines.push(Line::from(spans));
        }
    });
    // Each row is one line cut at the width: drawn as a line, without a paragraph's
    // reflow machinery, which was most of a frame's cost.
    for (y, line) in (rows.y..rows.bottom()).zip(lines) {
        frame.render_widget(line, Rect::new(rows.x, y, rows.width, 1));
    }
}

/// A window of at most `w` characters of `text` around the first highlighted position,
/// with the positions shifted into it.
fn window(text: &str, idx: &[u32], w: usize) -> (String, Vec<u32>) {
    let first = idx.first().copied().unwrap_or(0) as usize;
    let start = first.saturating_sub(w / 4);
    let shown: String = text.chars().skip(start).take(w).collect();
    let start32 = u32::try_from(start).unwrap_or(0);
    let shifted = idx
        .iter()
        .filter(|&&p| p >= start32)
        .map(|&p| p - start32)
        .collect();
    (shown, shifted)
}
