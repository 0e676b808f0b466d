//! The key tables, one per mode. Both the footer hints and the help screen are generated
//! from these tables, so what the screen says is what the keys do. The configuration's
//! `[keys]` remaps actions ([`Remap`]) over the tables: [`table_with`] is what the explorer
//! uses, so footer, help and key handling all show and do the remapped keys.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::command::Command;
pub use crate::tui::keys::*;
use crate::tui::state::AppState;

pub use crate::tui::screen::{Mode, mode};

/// The key table of `mode`, from the screen that owns it (through the registry).
#[must_use]
pub fn table(mode: Mode) -> Vec<Binding> {
    crate::tui::screen::screen_keys(mode)
}

/// Keys that work everywhere.
#[must_use]
pub fn global() -> Vec<Binding> {
    vec![
        b(
            vec![ctrl('c')],
            "Ctrl-C",
            "quit from anywhere",
            false,
            Command::Quit,
        ),
        b(
            vec![ctrl('z')],
            "Ctrl-Z",
            "suspend (resume with fg)",
            false,
            Command::Suspend,
        ),
        b(
            vec![ctrl('o')],
            "Ctrl-O",
            "save the screen as text (a new file in the working directory)",
            false,
            Command::SaveScreen { svg: false },
        ),
        b(
            vec![ctrl('g')],
            "Ctrl-G",
            "save the screen as an SVG picture (a new file in the working directory)",
            false,
            Command::SaveScreen { svg: true },
        ),
    ]
}

fn same(a: &KeyEvent, key: &KeyEvent) -> bool {
    if a.code != key.code {
        return false;
    }
    // Shifted characters arrive with SHIFT set; the character itself already says it.
    let strip = |m: KeyModifiers| m - KeyModifiers::SHIFT;
    match key.code {
        KeyCode::Char(_) => strip(a.modifiers) == strip(key.modifiers),
        KeyCode::BackTab => true,
        _ => a.modifiers == key.modifiers,
    }
}

/// The command a key means in `mode`, if any. In text modes, printable characters not
/// bound in the table are typed.
#[must_use]
pub fn lookup(mode: Mode, key: &KeyEvent) -> Option<Command> {
    lookup_with(mode, key, &Remap::default())
}

/// [`lookup`] with the configuration's remapped keys.
#[must_use]
pub fn lookup_with(mode: Mode, key: &KeyEvent, remap: &Remap) -> Option<Command> {
    if let Some(g) = global()
        .into_iter()
        .find(|g| g.keys.iter().any(|x| same(x, key)))
    {
        return Some(g.command);
    }
    if let Some(found) = table_with(mode, remap)
        .into_iter()
        .find(|e| e.keys.iter().any(|x| same(x, key)))
    {
        return Some(found.command);
    }
    match key.code {
        KeyCode::Char(ch)
            if mode.takes_text()
                && !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(Command::Input(ch))
        }
        _ => None,
    }
}

/// The command `key` means in `state` as it is: the one dispatch the loop, the footer and
/// help all read. Space on the form's MFA box ticks it; a teaching key comes before the
/// screen's table; then the keys that work everywhere and the screen's own table (typing
/// into a text field).
#[must_use]
pub fn dispatch(state: &AppState, key: &KeyEvent) -> Option<Command> {
    let mode = mode(state);
    if mode == Mode::Form && on_toggle_field(state) && key.code == KeyCode::Char(' ') {
        return Some(Command::Toggle);
    }
    if let Some(c) = crate::tui::screen::lesson_key(state, key) {
        return Some(c);
    }
    lookup_with(mode, key, &state.world.keys)
}

/// The footer hints of `mode`: `key label` pairs.
#[must_use]
pub fn hints(mode: Mode, remap: &Remap) -> Vec<(Cow<'static, str>, &'static str)> {
    table_with(mode, remap)
        .into_iter()
        .filter(|b| b.hint)
        .map(|b| (b.label, b.help))
        .collect()
}

/// True when the Simulate form's focused field is the MFA box (space toggles it there).
#[must_use]
pub fn on_toggle_field(state: &AppState) -> bool {
    crate::tui::screen::on_toggle_field(state)
}

impl Remap {
    /// The remapping `[keys]` asks for, and a message for every entry that cannot be used
    /// (an unknown action or key, a key another action of the same screen already has);
    /// those actions keep their own keys.
    #[must_use]
    pub fn from_config(entries: &BTreeMap<String, crate::config::KeySpec>) -> (Self, Vec<String>) {
        let mut problems = Vec::new();
        let mut remap = Self::default();
        for (name, spec) in entries {
            let Some(action) = ACTIONS.iter().copied().find(|a| a == name) else {
                problems.push(format!(
                    "`[keys]`: no action is called `{name}`; the actions are {}",
                    ACTIONS.join(", ")
                ));
                continue;
            };
            let mut keys = Vec::new();
            let mut bad = false;
            for text in spec.keys() {
                match parse_key(text) {
                    Ok(k) => keys.push(k),
                    Err(e) => {
                        problems.push(format!("`[keys]` `{name}`: {e}"));
                        bad = true;
                    }
                }
            }
            if keys.is_empty() && !bad {
                problems.push(format!(
                    "`[keys]` `{name}` names no key; give one (\"x\") or a list ([\"x\", \"ctrl-x\"])"
                ));
                bad = true;
            }
            if !bad {
                remap.keys.insert(action, keys);
            }
        }
        // Drop remappings that clash until none does; each dropped one is reported.
        while let Some((action, message)) = remap.first_conflict() {
            problems.push(message);
            remap.keys.remove(action);
        }
        (remap, problems)
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The first remapped action whose keys clash with another binding of some mode (or a
    /// key that works everywhere, or a teaching key), and the message saying so.
    fn first_conflict(&self) -> Option<(&'static str, String)> {
        let teaching = [c('t'), c('P')];
        for mode in Mode::ALL {
            if mode.takes_text() {
                continue;
            }
            let table = table_with(mode, self);
            let mut seen: Vec<(KeyEvent, String)> = global()
                .into_iter()
                .flat_map(|b| b.keys.into_iter().map(move |k| (k, b.help.to_owned())))
                .collect();
            if matches!(
                mode,
                Mode::List | Mode::Detail | Mode::Sessions | Mode::WhatIf
            ) {
                seen.extend(teaching.iter().map(|k| (*k, "a teaching key".to_owned())));
            }
            for binding in &table {
                let remapped = action_of(&binding.command).filter(|a| self.keys.contains_key(a));
                for key in &binding.keys {
                    if let Some((_, other)) = seen.iter().find(|(s, _)| same(s, key)) {
                        let action = remapped.or_else(|| {
                            // The other binding is the remapped one.
                            table
                                .iter()
                                .find(|b| b.help == other.as_str())
                                .and_then(|b| action_of(&b.command))
                                .filter(|a| self.keys.contains_key(a))
                        });
                        if let Some(action) = action {
                            return Some((
                                action,
                                format!(
                                    "`[keys]` `{action}`: key `{}` already means \"{other}\" in {}; `{action}` keeps its own keys",
                                    key_label(key),
                                    mode.title()
                                ),
                            ));
                        }
                    }
                    seen.push((*key, binding.help.to_owned()));
                }
            }
        }
        None
    }
}

fn is_letter_key(k: &KeyEvent) -> bool {
    matches!(k.code, KeyCode::Char(_))
}

/// The table of `mode` with `remap` applied: a remapped action's character keys are
/// replaced by the configured ones (named keys — arrows, Enter, Esc, Tab, PgUp — stay) in
/// every mode that does not take text.
#[must_use]
pub fn table_with(mode: Mode, remap: &Remap) -> Vec<Binding> {
    let mut t = table(mode);
    if remap.is_empty() || mode.takes_text() {
        return t;
    }
    for binding in &mut t {
        let Some(new) = action_of(&binding.command).and_then(|a| remap.keys.get(a)) else {
            continue;
        };
        let kept: Vec<KeyEvent> = binding
            .keys
            .iter()
            .copied()
            .filter(|k| !is_letter_key(k))
            .collect();
        let mut labels: Vec<String> = new.iter().map(key_label).collect();
        if let Some(first) = kept.first() {
            let l = key_label(first);
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
        binding.keys = new.iter().copied().chain(kept).collect();
        binding.label = Cow::Owned(labels.join("/"));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_one_mode() {
        for mode in Mode::ALL {
            let mut seen: Vec<KeyEvent> = global().into_iter().flat_map(|b| b.keys).collect();
            for binding in table(mode) {
                for key in binding.keys {
                    assert!(
                        !seen.iter().any(|s| same(s, &key)),
                        "{mode:?}: {key:?} bound twice"
                    );
                    seen.push(key);
                }
            }
        }
    }

    #[test]
    fn typing_goes_to_text_fields_and_keys_to_lists() {
        assert!(matches!(
            lookup(Mode::Search, &c('q')),
            Some(Command::Input('q'))
        ));
        assert!(matches!(lookup(Mode::List, &c('q')), Some(Command::Leave)));
        assert!(matches!(
            lookup(Mode::Search, &ctrl('c')),
            Some(Command::Quit)
        ));
    }

    fn remap(entries: &[(&str, &[&str])]) -> (Remap, Vec<String>) {
        let map = entries
            .iter()
            .map(|(a, ks)| {
                (
                    (*a).to_owned(),
                    crate::config::KeySpec::Many(ks.iter().map(|k| (*k).to_owned()).collect()),
                )
            })
            .collect();
        Remap::from_config(&map)
    }

    #[test]
    fn every_action_is_bound_somewhere_and_named_in_the_default_config() {
        for action in ACTIONS {
            assert!(
                Mode::ALL.iter().any(|m| table(*m)
                    .iter()
                    .any(|b| action_of(&b.command) == Some(action))),
                "{action} is in no table"
            );
            assert!(
                crate::config::DEFAULT_FILE.contains(&format!(" {action},"))
                    || crate::config::DEFAULT_FILE.contains(&format!(" {action}."))
                    || crate::config::DEFAULT_FILE.contains(&format!("# {action},")),
                "{action} is not listed in the default config"
            );
        }
    }

    #[test]
    fn a_remapped_key_replaces_the_letter_and_keeps_the_arrows_in_every_list() {
        let (r, problems) = remap(&[
            ("quit", &["Q"]),
            ("down", &["n"]),
            ("clock-next-expiry", &["N"]),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(matches!(
            lookup_with(Mode::List, &c('Q'), &r),
            Some(Command::Leave)
        ));
        assert!(lookup_with(Mode::List, &c('q'), &r).is_none());
        assert!(matches!(
            lookup_with(Mode::List, &c('n'), &r),
            Some(Command::Down)
        ));
        assert!(matches!(
            lookup_with(Mode::Reach, &k(KeyCode::Down), &r),
            Some(Command::Down)
        ));
        assert!(matches!(
            lookup_with(Mode::Reach, &c('n'), &r),
            Some(Command::Down)
        ));
        // Text fields keep their keys: `x` is typed into the search box.
        assert!(matches!(
            lookup_with(Mode::Search, &c('x'), &r),
            Some(Command::Input('x'))
        ));
        let hints = hints(Mode::List, &r);
        assert!(
            hints.iter().any(|(k, h)| k == "Q" && *h == "quit"),
            "{hints:?}"
        );
        let down = table_with(Mode::List, &r)
            .into_iter()
            .find(|b| matches!(b.command, Command::Down))
            .unwrap();
        assert_eq!(down.label, "n/↓");
    }

    #[test]
    fn a_clashing_remap_is_reported_and_the_action_keeps_its_keys() {
        // `a` is simulate in the lists.
        let (r, problems) = remap(&[("quit", &["a"])]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("`quit`") && problems[0].contains("key `a`"),
            "{problems:?}"
        );
        assert!(matches!(
            lookup_with(Mode::List, &c('q'), &r),
            Some(Command::Leave)
        ));
        assert!(matches!(
            lookup_with(Mode::List, &c('a'), &r),
            Some(Command::Simulate)
        ));
        // Swapping two keys is no clash.
        let (r, problems) = remap(&[("filter-kind", &["s"]), ("sort", &["f"])]);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(matches!(
            lookup_with(Mode::List, &c('s'), &r),
            Some(Command::CycleKind)
        ));
        assert!(matches!(
            lookup_with(Mode::List, &c('f'), &r),
            Some(Command::CycleSort)
        ));
        // A teaching key and a key that works everywhere are taken too.
        let (_, problems) = remap(&[("quit", &["t"]), ("help", &["ctrl-c"])]);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn unknown_actions_and_keys_are_reported() {
        let (r, problems) = remap(&[("qiut", &["x"]), ("quit", &["ctrl-"]), ("help", &["F2"])]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("`help`") || problems[0].contains("`qiut`"),
            "{problems:?}"
        );
        assert!(matches!(
            lookup_with(Mode::List, &k(KeyCode::F(2)), &r),
            Some(Command::ToggleHelp)
        ));
    }

    #[test]
    fn keys_are_read_as_written() {
        assert_eq!(parse_key("x").unwrap(), c('x'));
        assert_eq!(parse_key("ctrl-F").unwrap(), ctrl('f'));
        assert_eq!(parse_key("pgdn").unwrap(), k(KeyCode::PageDown));
        assert_eq!(parse_key("space").unwrap(), c(' '));
        assert_eq!(parse_key("-").unwrap(), c('-'));
        assert!(parse_key("f13").is_err());
        assert!(parse_key("hello").is_err());
        assert_eq!(key_label(&ctrl('f')), "Ctrl-F");
    }
}
