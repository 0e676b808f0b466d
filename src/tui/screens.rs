//! The explorer's screens, one file (or folder) each. A screen owns its state, its key
//! table (`keys`), its handling of commands (`handle`, answering with an
//! [`Outcome`](crate::tui::outcome::Outcome)) and its drawing (`draw`); it reads the shared
//! [`World`](crate::tui::world::World) and never another screen's state. `screen.rs` is the
//! one place that knows them all.

pub mod ask;
pub mod command_line;
pub mod detail;
pub mod explain;
pub mod external;
pub mod help;
pub mod lessons;
pub mod list;
pub mod paths;
pub mod popup;
pub mod profiles;
pub mod reach;
pub mod sessions;
pub mod simulate;
pub mod whatif;
pub mod wizard;
