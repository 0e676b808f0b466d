//! Pieces of screen shared by several screens: highlighted text lines, scrollable policy
//! and hop panes, the built-in editor's text buffer. A widget knows no screen and no app
//! state.

pub mod editor;
pub mod layout;
pub mod pane;
pub mod picker;
pub mod text;
pub mod trace;
