//! The IAM policy language and AWS's evaluation logic.
//!
//! - [`document`]: the parsed shape of a policy document.
//! - [`compiled`]: a document compiled once for fast matching ([`CompiledPolicy`]).
//! - [`pattern`], [`condition`], [`variables`]: wildcards, condition operators, policy variables.
//! - [`context`]: the request's condition keys ([`RequestContext`]).
//! - [`context_builder`]: the one builder of a request's context, for every interface
//!   ([`ContextBuilder`], [`Requester`]); [`key_filter`]: the keys an inventory reads.
//! - [`principal`]: who makes the request ([`Principal`], [`PrincipalType`]).
//! - [`evaluate`]: AWS's evaluation logic ([`evaluate()`], [`EvaluationInput`]).
//! - [`decision`]: the answer and its reasons ([`Decision`]).
//! - [`validate`]: what AWS would reject on save, as located findings ([`validate()`]).
//! - [`gather`]: a principal's policies and request context from a loaded inventory
//!   ([`gather()`], [`PolicyIndex`], [`AccessRequest`]).
//!
//! # Example
//!
//! ```
//! use rolescope::engine::policy::{evaluate, EvaluationInput, NamedPolicy, Principal, Outcome};
//! use rolescope::engine::policy::document::PolicyDocument;
//!
//! let doc = PolicyDocument::parse_str(r#"{"Version":"2012-10-17","Statement":[
//!     {"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::reports/*"}]}"#)
//!     .document
//!     .expect("the policy parses");
//! let alice = Principal::parse("arn:aws:iam::123456789012:user/alice").expect("a user ARN");
//! let mut input = EvaluationInput::new(alice, "s3:GetObject", "arn:aws:s3:::reports/q1.csv");
//! input.identity_policies.push(NamedPolicy::from_document("ReadReports", &doc));
//! let decision = evaluate(&input);
//! assert_eq!(decision.outcome, Outcome::Allow);
//!
//! input.action = "s3:PutObject".into();
//! let denied = evaluate(&input);
//! assert_eq!(
//!     denied.message,
//!     "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: s3:PutObject \
//!      on resource: arn:aws:s3:::reports/q1.csv because no identity-based policy allows the \
//!      s3:PutObject action"
//! );
//! ```

pub mod compiled;
pub mod condition;
pub mod context;
pub mod context_builder;
pub mod decision;
pub mod document;
pub mod evaluate;
pub mod gather;
pub mod key_filter;
pub mod pattern;
pub mod principal;
mod service_rules;
pub mod validate;
pub mod variables;

pub use compiled::{CompiledPolicy, GrantKind};
pub use context::{ContextValue, RequestContext};
pub use context_builder::{ContextBuilder, Requester};
pub use decision::{Decision, LayerOutcome, MatchedStatement, Outcome, PolicyType};
pub use evaluate::{EvaluationInput, NamedPolicy, PolicyLevel, ResourceBasedPolicy, evaluate};
pub use gather::{AccessRequest, GatherError, PolicyIndex, SessionFacts, gather};
pub use principal::{Principal, PrincipalType};
pub use validate::{Finding, PolicyUse, Severity, validate};
