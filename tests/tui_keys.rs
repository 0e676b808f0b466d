//! Every key of every screen: help lists each key the screen reacts to (and only keys that
//! do something there), and thousands of random keys, pastes, clicks and resizes over every
//! screen at sizes from 1×1 up, drawn after each, panic nowhere. The random keys are seeded
//! and bounded, so a failure names its seed and replays.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

mod support;

use std::sync::Once;

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolescope::tui::command::{Command, Effect};
use rolescope::tui::keymap::{Mode, dispatch, mode};
use rolescope::tui::screen::{help_for, same_command};
use rolescope::tui::state::AppState;
use rolescope::tui::update::apply_all;
use support::org::Rng;
use support::screens::{MODES, open};

/// What the random keys may write (a what-if bundle saved with `W`, a screen saved with
/// Ctrl-O) goes to a directory of its own, not the source tree.
fn in_scratch_dir() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let dir = std::env::temp_dir().join(format!("rolescope-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::env::set_current_dir(&dir).unwrap();
    });
}

/// Every key a test presses: the printable characters, the named keys, Ctrl with each
/// letter, Alt with a few.
fn all_keys() -> Vec<KeyEvent> {
    let mut out: Vec<KeyEvent> = (' '..='~')
        .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
        .collect();
    for code in [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Insert,
        KeyCode::F(1),
        KeyCode::F(2),
        KeyCode::F(5),
        KeyCode::F(12),
    ] {
        out.push(KeyEvent::new(code, KeyModifiers::NONE));
    }
    for c in 'a'..='z' {
        out.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    }
    for c in ['a', 'x', '1', 'q'] {
        out.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT));
    }
    out
}

fn label(k: &KeyEvent) -> String {
    rolescope::tui::keys::key_label(k)
}

/// Checks help against the keys of the state's screen, both ways.
fn help_matches_the_keys(state: &AppState, what: &str) {
    let help = help_for(state);
    let here: Vec<_> = help.here().collect();
    let m = mode(state);
    assert!(
        !here.is_empty(),
        "{what}: help lists no key for this screen"
    );
    for key in all_keys() {
        let Some(command) = dispatch(state, &key) else {
            continue;
        };
        if matches!(command, Command::Input(_)) && m.takes_text() {
            // Typing: the section's title says other keys go into the field.
            assert!(
                help.sections[0].title.contains("typed into the field"),
                "{what}: {}",
                help.sections[0].title
            );
            continue;
        }
        let listed = here.iter().any(|b| {
            same_command(&command, &b.command) && (b.keys.contains(&key) || b.keys.is_empty())
        });
        assert!(
            listed,
            "{what}: key {} does {command:?} but help does not list it",
            label(&key)
        );
    }
    // Nothing listed is dead: each listed key does what help says.
    for b in &here {
        for key in &b.keys {
            let got = dispatch(state, key);
            assert!(
                got.as_ref().is_some_and(|c| same_command(c, &b.command)),
                "{what}: help lists {} as \"{}\" but it does {got:?}",
                label(key),
                b.help
            );
        }
    }
}

#[test]
fn help_lists_every_key_that_works_on_each_screen_and_no_other() {
    in_scratch_dir();
    for m in MODES {
        let state = open(m, 140, 45);
        help_matches_the_keys(&state, &format!("{m:?}"));
    }
}

#[test]
fn help_follows_the_keys_a_lesson_takes() {
    in_scratch_dir();
    let mut state = open(Mode::Lessons, 140, 45);
    // The first lesson, then its steps: each step's question takes other keys.
    apply_all(&mut state, [Command::Open]);
    assert!(state.teach.lesson.is_some(), "no lesson started");
    for step in 0..8 {
        help_matches_the_keys(&state, &format!("lesson step {step}, {:?}", mode(&state)));
        let next = dispatch(
            &state,
            &KeyEvent::new(KeyCode::Char(']'), KeyModifiers::NONE),
        );
        let Some(next) = next else { break };
        apply_all(&mut state, [next]);
    }
}

/// The sizes the random keys are pressed at: from a single cell to a large terminal,
/// around the smallest the screens are drawn at (50×14).
const SIZES: [(u16, u16); 9] = [
    (1, 1),
    (2, 3),
    (12, 4),
    (30, 8),
    (49, 13),
    (50, 14),
    (80, 24),
    (140, 45),
    (250, 70),
];

/// Keys per screen and size: 21 screens × 9 sizes × 25 = 4,725 keys in all.
const KEYS_PER_RUN: usize = 25;

fn random_event(rng: &mut Rng, keys: &[KeyEvent], w: u16, h: u16) -> Event {
    match rng.below(20) {
        0 => Event::Paste("arn:aws:iam::111111111111:role/OpsEntry\tx".to_owned()),
        1 => Event::Mouse(MouseEvent {
            kind: if rng.below(2) == 0 {
                MouseEventKind::Down(MouseButton::Left)
            } else {
                MouseEventKind::ScrollDown
            },
            column: u16::try_from(rng.below(u64::from(w) + 2)).unwrap(),
            row: u16::try_from(rng.below(u64::from(h) + 2)).unwrap(),
            modifiers: KeyModifiers::NONE,
        }),
        2 => {
            let (w, h) = SIZES[usize::try_from(rng.below(SIZES.len() as u64)).unwrap()];
            Event::Resize(w, h)
        }
        _ => Event::Key(keys[usize::try_from(rng.below(keys.len() as u64)).unwrap()]),
    }
}

/// Draws a frame of `state` on `term`, made again when the state's size changed.
fn draw(term: &mut Option<Terminal<TestBackend>>, state: &AppState) {
    let area = ratatui::layout::Rect::new(0, 0, state.width, state.height);
    if term
        .as_ref()
        .is_none_or(|t| t.backend().buffer().area != area)
    {
        *term = Some(Terminal::new(TestBackend::new(state.width, state.height)).unwrap());
    }
    let t = term.as_mut().unwrap();
    t.draw(|f| rolescope::tui::ui::render(f, state)).unwrap();
}

#[test]
fn random_keys_over_every_screen_at_every_size_panic_nowhere() {
    in_scratch_dir();
    let keys = all_keys();
    let mut pressed = 0usize;
    for (i, m) in MODES.into_iter().enumerate() {
        for (j, &(w, h)) in SIZES.iter().enumerate() {
            let seed = u64::try_from(i * 100 + j).unwrap() + 1;
            let mut rng = Rng::new(seed);
            let mut state = open(m, w, h);
            let mut history: Vec<String> = Vec::new();
            let mut term = None;
            for _ in 0..KEYS_PER_RUN {
                let event = random_event(&mut rng, &keys, state.width, state.height);
                history.push(format!("{event:?}"));
                let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let commands = rolescope::tui::event::commands(&state, &event);
                    let fx = apply_all(&mut state, commands);
                    draw(&mut term, &state);
                    fx
                }));
                let fx = match run {
                    Ok(fx) => fx,
                    Err(_) => panic!(
                        "panicked on {m:?} at {w}×{h}, seed {seed}, after:\n{}",
                        history.join("\n")
                    ),
                };
                pressed += 1;
                // A quit ends this run: the keys go on over the same screen, opened again.
                if state.quit || fx.contains(&Effect::Quit) {
                    let (w, h) = (state.width, state.height);
                    state = open(m, w, h);
                }
            }
        }
    }
    assert_eq!(pressed, MODES.len() * SIZES.len() * KEYS_PER_RUN);
}
