//! The explorer's screens are rooms of their own. This reads the sources under `src/tui`,
//! builds the graph of `crate::tui::…` module references and checks that:
//! - no screen (a file or folder under `tui::screens`) names another screen;
//! - no chain of references leads from one screen back to another that leads to it (no
//!   strongly connected part holds two screens);
//! - only the registry (`screen.rs` and its folder) names the screens — besides the app
//!   state, which holds the main views (the detail view, the Sessions panel) — and it
//!   names every one;
//! - the shared widgets know no screen, no registry and no app state.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// `src/tui/screens/help.rs` → `screens::help`; `src/tui.rs` → `` (the root).
fn module_of(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap_or(file).with_extension("");
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("::")
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every module path a source mentions: `crate::tui::a::b::Thing` and the items of
/// `use crate::tui::{a, b::c}` groups, resolved to the longest known module.
fn references(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::tui::") {
        rest = &rest[at + "crate::tui::".len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':' || *c == '{')
            .collect();
        if let Some(group) = path
            .strip_suffix('{')
            .or_else(|| path.split_once('{').map(|x| x.0))
        {
            // `crate::tui::{a, b::c}` or `crate::tui::a::{b, c}`.
            let prefix = group.trim_end_matches(':');
            let inner: String = rest[group.len() + 1..]
                .chars()
                .take_while(|c| *c != '}')
                .collect();
            for item in inner.split(',') {
                let item = item.trim().trim_start_matches("self");
                let full = if prefix.is_empty() {
                    item.trim_start_matches(':').to_owned()
                } else {
                    format!("{prefix}::{}", item.trim_start_matches(':'))
                };
                if let Some(m) = longest_module(&full, modules) {
                    out.insert(m);
                }
            }
        } else if let Some(m) = longest_module(&path, modules) {
            out.insert(m);
        }
    }
    out
}

fn longest_module(path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|m| modules.contains(m))
}

/// Tarjan's strongly connected components.
fn components(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let i = t.index.len();
        t.index.insert(v, i);
        t.low.insert(v, i);
        t.stack.push(v);
        t.on.insert(v);
        for w in t.g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(lw));
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(iw));
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            t.out.push(comp);
        }
    }
    let mut t = T {
        g: graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn tui_graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&root, f)).collect();
    files
        .iter()
        .map(|f| {
            let m = module_of(&root, f);
            let text = std::fs::read_to_string(f).unwrap();
            let mut refs = references(&text, &modules);
            refs.remove(&m);
            (m, refs)
        })
        .collect()
}

fn is_screen(m: &str) -> bool {
    m.starts_with("screens::")
}

/// The screen a module belongs to: `screens::whatif::draw` → `whatif`.
fn room(m: &str) -> Option<&str> {
    m.strip_prefix("screens::")
        .map(|rest| rest.split("::").next().unwrap_or(rest))
}

fn is_registry(m: &str) -> bool {
    m == "screen" || m.starts_with("screen::")
}

#[test]
fn no_screen_names_another_screen() {
    let graph = tui_graph();
    for (m, refs) in &graph {
        let Some(own) = room(m) else { continue };
        let others: Vec<&String> = refs
            .iter()
            .filter(|r| room(r).is_some_and(|o| o != own))
            .collect();
        assert!(
            others.is_empty(),
            "screen module {m} names {others:?}; a screen asks the app through its outcome instead"
        );
    }
}

#[test]
fn only_the_registry_names_the_screens() {
    let graph = tui_graph();
    let rooms: BTreeSet<&str> = graph.keys().filter_map(|m| room(m)).collect();
    // The app state holds the main views: the lists and their search, the detail view a
    // list opens into, and the Sessions panel's cursor.
    let allowed: BTreeMap<&str, &[&str]> = [("state", &["detail", "sessions", "list"][..])]
        .into_iter()
        .collect();
    let mut named_by_registry = BTreeSet::new();
    for (m, refs) in &graph {
        if is_screen(m) || m == "screens" {
            continue;
        }
        let named: BTreeSet<&str> = refs.iter().filter_map(|r| room(r)).collect();
        if is_registry(m) {
            named_by_registry.extend(named);
            continue;
        }
        let ok = allowed.get(m.as_str()).copied().unwrap_or(&[]);
        let extra: Vec<&&str> = named.iter().filter(|r| !ok.contains(r)).collect();
        assert!(
            extra.is_empty(),
            "{m} names the screens {extra:?}; only screen.rs (the registry) may"
        );
    }
    assert_eq!(
        named_by_registry, rooms,
        "the registry (screen.rs) registers every screen"
    );
}

#[test]
fn widgets_know_no_screen_and_no_app_state() {
    let graph = tui_graph();
    for (m, refs) in graph.iter().filter(|(m, _)| m.starts_with("widgets::")) {
        let bad: Vec<&String> = refs
            .iter()
            .filter(|r| {
                is_screen(r)
                    || is_registry(r)
                    || ["screens", "state", "update", "ui", "keymap", "app"].contains(&r.as_str())
                    || r.starts_with("ui::")
            })
            .collect();
        assert!(bad.is_empty(), "widget {m} reaches {bad:?}");
    }
}

#[test]
fn no_import_circle_spans_two_screens() {
    let graph = tui_graph();
    let screens = graph.keys().filter(|m| is_screen(m)).count();
    assert!(
        screens >= 12,
        "expected the screens under src/tui/screens, found {screens}"
    );
    for comp in components(&graph) {
        let inside: Vec<&String> = comp.iter().filter(|m| is_screen(m)).collect();
        assert!(
            inside.len() < 2,
            "screens {inside:?} reach each other through {comp:?}; a screen asks the app through its outcome instead"
        );
    }
}

/// The checker itself finds a circle when there is one.
#[test]
fn the_check_sees_a_circle() {
    let modules: BTreeSet<String> = ["screens::a", "screens::b", "state"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut graph = BTreeMap::new();
    graph.insert(
        "screens::a".to_owned(),
        references("use crate::tui::state::AppState;", &modules),
    );
    graph.insert(
        "screens::b".to_owned(),
        references("use crate::tui::{state::World, screens::a};", &modules),
    );
    graph.insert(
        "state".to_owned(),
        references("let x = crate::tui::screens::b::View::new();", &modules),
    );
    let comps = components(&graph);
    assert!(comps.iter().any(|c| c.len() == 3), "{comps:?}");
}
