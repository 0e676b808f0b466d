//! STS simulation: what AWS's Security Token Service would answer to `AssumeRole`,
//! `AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`, an EC2 instance-profile launch and an
//! IAM Roles Anywhere session — the session it would issue or the error it would return —
//! and, when it fails, every failing check with a plain-language reason and a minimal fix.
//!
//! - [`request`]: the JSON request and result documents of the machine interface.
//! - [`params`]: parameter validation with AWS's exact messages; duration rules.
//! - [`caller`]: who is calling and whether the call is role chaining.
//! - [`session`]: the issued session (ARNs, expiry, tags, simulated credentials).
//! - [`outcome`]: error codes, findings, categories and fixes.
//! - [`authz`]: the inventory's policies compiled once, and the policy engine's input.
//! - [`assume`]: `AssumeRole` end to end ([`Simulator`]).
//! - [`federation`]: web identity, SAML, Roles Anywhere and EC2 instance profiles.
//! - [`batch`]: request documents in, result documents out; `authorize`.
//! - [`chain`]: several hops, each made with the previous hop's session.
//! - [`hop`]: a hop (a trust-graph edge, or a chosen caller and role) as the request STS
//!   receives; a role calls only as a session of itself.
//! - [`docs`]: the public AWS documentation pages explanations cite.
//! - [`diagnose`]: why a call failed, the fix for each failing check, [`apply_fix`].
//!
//! Policy evaluation itself is `policy`'s, and so is the request context
//! (`policy::context_builder`): this module sets a call's own keys on it and asks the policy
//! engine about the trust policy, the caller's side and RCPs.

pub mod assume;
pub mod authz;
pub mod batch;
pub mod caller;
pub mod chain;
pub mod diagnose;
pub mod docs;
pub mod federation;
pub mod hop;
pub mod outcome;
pub mod params;
pub mod request;
pub mod session;
pub mod stream;
#[cfg(test)]
pub(crate) mod testkit;
pub mod trust_swap;

pub use assume::{Outcome, SimulationError, Simulator};
pub use diagnose::{FixError, apply_fix, with_fix};
pub use outcome::{Category, ErrorCode, Finding, Fix, PolicyTarget, StsError};
pub use session::{Session, SimulatedCredentials};
