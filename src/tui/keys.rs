//! Key bindings as data: one [`Binding`] per action of a screen, the shared groups of
//! bindings (movement, the clock, Esc, the what-if keys), and the user's `[keys]`
//! remapping ([`Remap`]). Screens build their tables from these; knows no screen.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::command::Command;

/// One entry of a key table.
#[derive(Debug, Clone)]
pub struct Binding {
    pub keys: Vec<KeyEvent>,
    /// How the keys are written on screen, e.g. `j/↓`.
    pub label: Cow<'static, str>,
    pub help: &'static str,
    /// Shown in the footer as well as in help.
    pub hint: bool,
    pub command: Command,
}

pub fn k(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn c(ch: char) -> KeyEvent {
    k(KeyCode::Char(ch))
}

pub fn ctrl(ch: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(ch), KeyModifiers::CONTROL)
}

pub fn b(
    keys: Vec<KeyEvent>,
    label: &'static str,
    help: &'static str,
    hint: bool,
    command: Command,
) -> Binding {
    Binding {
        keys,
        label: Cow::Borrowed(label),
        help,
        hint,
        command,
    }
}

pub fn movement() -> Vec<Binding> {
    vec![
        b(
            vec![c('j'), k(KeyCode::Down)],
            "j/↓",
            "down",
            false,
            Command::Down,
        ),
        b(
            vec![c('k'), k(KeyCode::Up)],
            "k/↑",
            "up",
            false,
            Command::Up,
        ),
        b(
            vec![c('g'), k(KeyCode::Home)],
            "g",
            "top",
            false,
            Command::Top,
        ),
        b(
            vec![c('G'), k(KeyCode::End)],
            "G",
            "bottom",
            false,
            Command::Bottom,
        ),
        b(
            vec![k(KeyCode::PageUp), ctrl('b')],
            "PgUp",
            "page up",
            false,
            Command::PageUp,
        ),
        b(
            vec![k(KeyCode::PageDown), ctrl('f')],
            "PgDn",
            "page down",
            false,
            Command::PageDown,
        ),
    ]
}

pub fn clock() -> Vec<Binding> {
    vec![
        b(
            vec![c(' ')],
            "space",
            "pause/resume the simulated clock",
            false,
            Command::ClockPause,
        ),
        b(
            vec![c('+'), c('=')],
            "+",
            "clock faster (×1 ×10 ×60 ×600)",
            false,
            Command::ClockFaster,
        ),
        b(
            vec![c('-')],
            "-",
            "clock slower",
            false,
            Command::ClockSlower,
        ),
        b(
            vec![c('n')],
            "n",
            "jump the clock to the next session expiry",
            false,
            Command::ClockNextExpiry,
        ),
    ]
}

pub fn common_tail() -> Vec<Binding> {
    vec![
        b(
            vec![c('S')],
            "S",
            "show/hide the Sessions panel",
            false,
            Command::ToggleSessions,
        ),
        b(
            vec![c(':')],
            ":",
            "command line: :roles :users :sessions :lessons :help :q …",
            false,
            Command::CommandLine,
        ),
        b(vec![c('?')], "?", "help", true, Command::ToggleHelp),
        b(vec![c('q')], "q", "quit", true, Command::Leave),
    ]
}

/// ⌫ and Ctrl-U in a text field (`clear` says what Ctrl-U clears).
pub fn text_keys(clear: &'static str) -> Vec<Binding> {
    vec![
        b(
            vec![k(KeyCode::Backspace)],
            "⌫",
            "delete a character",
            false,
            Command::Backspace,
        ),
        b(vec![ctrl('u')], "Ctrl-U", clear, false, Command::ClearInput),
    ]
}

/// Esc (or q) closes a pop-up without text fields.
pub fn esc_key(help: &'static str) -> Binding {
    b(
        vec![k(KeyCode::Esc), c('q')],
        "Esc",
        help,
        true,
        Command::Back,
    )
}

pub fn reach_key(help: &'static str) -> Binding {
    b(vec![c('v')], "v", help, false, Command::Reach)
}

pub fn path_key(help: &'static str) -> Binding {
    b(vec![c('V')], "V", help, false, Command::PathTo)
}

pub fn external_key() -> Binding {
    b(
        vec![c('X')],
        "X",
        "external access findings and confused deputies",
        false,
        Command::External,
    )
}

/// `x`: explain the escalation hop under the cursor (a line marked `⇪`).
pub fn explain_key() -> Binding {
    b(
        vec![c('x')],
        "x",
        "explain the ⇪ escalation hop",
        true,
        Command::Explain,
    )
}

/// Enter and `a` on a list of hops (paths, external-access findings).
pub fn hop_list_keys(enter: &'static str) -> Vec<Binding> {
    vec![
        b(
            vec![k(KeyCode::Enter), c('l'), k(KeyCode::Right)],
            "Enter",
            enter,
            true,
            Command::Open,
        ),
        b(
            vec![c('a')],
            "a",
            "simulate the selected hop, pre-filled",
            true,
            Command::Simulate,
        ),
    ]
}

/// What-if keys: edit the role's documents (on a role), and the edits' view.
pub fn whatif_keys(on_role: bool) -> Vec<Binding> {
    let mut t = Vec::new();
    if on_role {
        t.push(b(
            vec![c('e')],
            "e",
            "what-if: edit trust, a policy, the boundary or max session (built-in editor)",
            false,
            Command::Edit { external: false },
        ));
        t.push(b(
            vec![c('E')],
            "E",
            "what-if: edit in $EDITOR",
            false,
            Command::Edit { external: true },
        ));
    }
    t.push(b(
        vec![c('T')],
        "T",
        "troubleshooting wizard: start from a symptom",
        false,
        Command::Troubleshoot,
    ));
    t.push(b(
        vec![c('D')],
        "D",
        "what-if edits: who gained or lost access; undo, discard, save",
        false,
        Command::WhatIf,
    ));
    t.push(b(
        vec![c('I')],
        "I",
        "lesson index (built-in or the classroom pack's)",
        false,
        Command::LessonIndex,
    ));
    t.push(b(
        vec![c('O')],
        "O",
        "your AWS CLI profiles: which work, for how long; start one",
        false,
        Command::Profiles,
    ));
    t
}

/// The actions `[keys]` can remap, by name.
pub const ACTIONS: [&str; 44] = [
    "search",
    "open",
    "back",
    "simulate",
    "reach",
    "paths",
    "external",
    "edit",
    "edit-external",
    "troubleshoot",
    "whatif",
    "lessons",
    "profiles",
    "filter-kind",
    "filter-account",
    "sort",
    "clear-filters",
    "copy-arn",
    "copy-policy",
    "sessions",
    "help",
    "quit",
    "down",
    "up",
    "top",
    "bottom",
    "page-up",
    "page-down",
    "clock-pause",
    "clock-faster",
    "clock-slower",
    "clock-next-expiry",
    "chain",
    "ask",
    "inspect",
    "end-session",
    "plain",
    "next-pane",
    "previous-pane",
    "undo",
    "discard",
    "save-bundle",
    "expand-all",
    "apply-fixes",
];

/// The action name of a command, when `[keys]` can remap it.
#[must_use]
pub fn action_of(command: &Command) -> Option<&'static str> {
    Some(match command {
        Command::StartSearch => "search",
        Command::Open => "open",
        Command::Back => "back",
        Command::Simulate => "simulate",
        Command::Reach => "reach",
        Command::PathTo => "paths",
        Command::External => "external",
        Command::Edit { external: false } => "edit",
        Command::Edit { external: true } => "edit-external",
        Command::Troubleshoot => "troubleshoot",
        Command::WhatIf => "whatif",
        Command::LessonIndex => "lessons",
        Command::Profiles => "profiles",
        Command::CycleKind => "filter-kind",
        Command::CycleAccount => "filter-account",
        Command::CycleSort => "sort",
        Command::ClearFilters => "clear-filters",
        Command::YankArn => "copy-arn",
        Command::YankPolicy => "copy-policy",
        Command::ToggleSessions => "sessions",
        Command::ToggleHelp => "help",
        Command::Leave => "quit",
        Command::Down => "down",
        Command::Up => "up",
        Command::Top => "top",
        Command::Bottom => "bottom",
        Command::PageUp => "page-up",
        Command::PageDown => "page-down",
        Command::ClockPause => "clock-pause",
        Command::ClockFaster => "clock-faster",
        Command::ClockSlower => "clock-slower",
        Command::ClockNextExpiry => "clock-next-expiry",
        Command::Chain => "chain",
        Command::Ask => "ask",
        Command::Inspect => "inspect",
        Command::EndSession => "end-session",
        Command::TogglePlain => "plain",
        Command::FocusNext => "next-pane",
        Command::FocusPrev => "previous-pane",
        Command::Undo => "undo",
        Command::Discard => "discard",
        Command::SaveBundle => "save-bundle",
        Command::ExpandAll => "expand-all",
        Command::ApplyFixes => "apply-fixes",
        _ => return None,
    })
}

/// Actions given other keys by the configuration's `[keys]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Remap {
    pub(crate) keys: BTreeMap<&'static str, Vec<KeyEvent>>,
}

/// How a key is written on screen and in the configuration's messages.
#[must_use]
pub fn key_label(k: &KeyEvent) -> String {
    let base = match k.code {
        KeyCode::Char(' ') => "space".to_owned(),
        KeyCode::Char(ch) => ch.to_string(),
        KeyCode::Enter => "Enter".to_owned(),
        KeyCode::Esc => "Esc".to_owned(),
        KeyCode::Tab => "Tab".to_owned(),
        KeyCode::BackTab => "S-Tab".to_owned(),
        KeyCode::Up => "↑".to_owned(),
        KeyCode::Down => "↓".to_owned(),
        KeyCode::Left => "←".to_owned(),
        KeyCode::Right => "→".to_owned(),
        KeyCode::PageUp => "PgUp".to_owned(),
        KeyCode::PageDown => "PgDn".to_owned(),
        KeyCode::Home => "Home".to_owned(),
        KeyCode::End => "End".to_owned(),
        KeyCode::Backspace => "⌫".to_owned(),
        KeyCode::Delete => "Del".to_owned(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    let mut out = String::new();
    if k.modifiers.contains(KeyModifiers::CONTROL) {
        out.push_str("Ctrl-");
    }
    if k.modifiers.contains(KeyModifiers::ALT) {
        out.push_str("Alt-");
    }
    if k.modifiers.contains(KeyModifiers::CONTROL) {
        out.push_str(&base.to_uppercase());
    } else {
        out.push_str(&base);
    }
    out
}

/// Reads a key as the configuration writes it: one character (`x`, `X`, `?`), a named key
/// (`enter`, `esc`, `tab`, `backtab`, `space`, `up`, `down`, `left`, `right`, `pgup`,
/// `pgdn`, `home`, `end`, `backspace`, `delete`, `f1`…`f12`), or `ctrl-`/`alt-` and one of
/// those.
///
/// # Errors
/// A message saying what a key looks like.
pub fn parse_key(text: &str) -> Result<KeyEvent, String> {
    let mut rest = text;
    let mut mods = KeyModifiers::NONE;
    loop {
        let lower = rest.to_ascii_lowercase();
        if rest.chars().count() > 1 && (lower.starts_with("ctrl-") || lower.starts_with("c-")) {
            mods |= KeyModifiers::CONTROL;
            rest = &rest[rest.find('-').map_or(0, |i| i + 1)..];
        } else if rest.chars().count() > 1 && (lower.starts_with("alt-") || lower.starts_with("m-"))
        {
            mods |= KeyModifiers::ALT;
            rest = &rest[rest.find('-').map_or(0, |i| i + 1)..];
        } else {
            break;
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(ch), None) if !ch.is_control() => {
            if mods.contains(KeyModifiers::CONTROL) {
                KeyCode::Char(ch.to_ascii_lowercase())
            } else {
                KeyCode::Char(ch)
            }
        }
        _ => match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" | "shift-tab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            f if f.len() >= 2
                && f.starts_with('f')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse::<u8>().unwrap_or(1))
            }
            _ => {
                return Err(format!(
                    "`{text}` is not a key; write one character (`x`), a named key (`enter`, `esc`, `tab`, `space`, `up`, `pgdn`, `f2`, …) or `ctrl-x`"
                ));
            }
        },
    };
    Ok(KeyEvent::new(code, mods))
}
