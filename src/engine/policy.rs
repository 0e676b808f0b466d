//! The IAM policy language and AWS's evaluation logic.
//!
//! - [`document`]: the parsed shape of a policy document.

pub mod document;
