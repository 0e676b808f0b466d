//! rolescope: explore and simulate AWS IAM roles.
//!
//! - [`engine`]: everything that is true about IAM — the model of accounts and roles,
//!   loading real exports, policy evaluation, STS simulation and the trust graph. It knows
//!   nothing of terminals or async and can be scripted against directly.
//! - [`cli`]: the scriptable command-line face (text and JSON output).
//! - [`tui`]: the interactive terminal face.
//! - [`collect`]: `rolescope collect`, which runs the user's AWS CLI (several calls at once,
//!   on `tokio`) and writes what it prints as a bundle.

pub mod cli;
pub mod collect;
pub mod engine;
pub mod tui;
