//! The interactive terminal face of rolescope, built as events → commands → update →
//! effects → render:
//!
//! - `event` reads the terminal and signals; `keymap` turns keys into [`command::Command`]s
//!   by mode (the same tables make the footer and help);
//! - `update::apply` is the only place the [`state::AppState`] changes, returning
//!   [`command::Effect`]s (search requests, clipboard, suspend, quit) for `app`'s loop;
//! - `ui::render` draws a frame from the state alone (one file per panel);
//! - `search` ranks entries on a worker thread, newest query wins; `clock` is the
//!   simulated time sessions count down against; `sim` is the seam to the STS simulator.

pub mod access;
pub mod app;
pub mod clock;
pub mod command;
pub mod editor;
pub mod escalation;
pub mod event;
pub mod facts;
pub mod keymap;
pub mod keys;
pub mod outcome;
pub mod profiles;
pub mod reading;
pub mod screen;
pub mod screen_text;
pub mod screens;
pub mod search;
pub mod sim;
pub mod state;
pub mod svg;
pub mod teach;
pub mod theme;
pub mod ui;
pub mod update;
pub mod widgets;
pub mod world;

pub use app::{Options, Settings, run, run_with};
