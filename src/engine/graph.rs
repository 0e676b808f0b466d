//! The trust graph: who can assume which role, by which path, with which conditions.
//!
//! Nodes are principals — users and roles of the loaded accounts, AWS services, web-identity
//! and SAML providers, accounts and principals outside the loaded data, and `*`. An edge
//! A → R exists when the STS simulator would let A assume R under some request A can make;
//! it carries what that request needs (MFA, external ID, source IP, tags, session name,
//! source identity, token claims), whether it crosses accounts, whether it is role chaining
//! (which caps the new session at one hour), and whether the caller's half is there — an
//! account grant needs the caller's own policy too, and a hop whose caller half is missing
//! is kept as a broken edge.
//!
//! - [`build`]: indexing trust policies and callers' `sts:AssumeRole` allows
//!   ([`TrustGraph::build`]) and deciding one hop ([`TrustGraph::hop`]).
//! - [`deputy`]: which service trusts are open to a cross-service confused deputy.
//! - [`edge`]: nodes, edges, requirements, badges and the witness request of a hop.
//! - [`witness`]: choosing request values that meet a statement's conditions.
//! - [`query`]: who can assume, reach, paths, external access.
//! - [`render`]: Graphviz `dot`, Mermaid and JSON pictures of the graph.
//!
//! Account-root and `*` trusts are class grants: they are never expanded into every
//! principal × role pair, only into the callers whose own policy may name the role, and a
//! hop through one is decided once for every caller with the same policies. Building the
//! graph indexes policies and decides no hop: each query decides what it needs on first use
//! and keeps it (the hops into the roles a who-can-assume walk meets; every role's ways in,
//! indexed by caller, for the first walk forwards; only the outside principals' hops for the
//! external-access scan), so later queries walk kept hops ([`TrustGraph::build_eager`]
//! decides everything up front).
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use rolescope::engine::graph::{TrustGraph, DEFAULT_MAX_DEPTH};
//!
//! let inventory = Arc::new(rolescope::engine::load::load_demo().expect("the demo loads"));
//! let graph = TrustGraph::build(inventory, chrono::Utc::now());
//! let role = graph.find("ProdDatabaseAdmin").expect("a demo role");
//! let answer = graph.who_can_assume(role, DEFAULT_MAX_DEPTH);
//! for row in &answer.rows {
//!     let badges: Vec<String> = row.path.hops.iter().flat_map(|h| h.badges()).collect();
//!     println!("{} in {} hop(s) [{}]", graph.node(row.principal).id, row.path.len(), badges.join(", "));
//! }
//! ```

mod build;
pub mod deputy;
pub mod edge;
pub mod query;
pub mod render;
pub mod witness;

pub use build::TrustGraph;
pub use edge::{
    Api, CHAIN_CAP_SECONDS, Chaining, Edge, EdgeStatus, Grant, HopTerms, Node, NodeId, NodeKind,
    PERMISSION_SET_KEY, Requirement, RequirementKind, Side, WitnessRequest, permission_set,
};
pub use query::{
    AssumeRow, ClassGrant, ConfusedDeputy, DEFAULT_MAX_DEPTH, ExternalAccess, ExternalFinding,
    ExternalKind, HopOut, HopsOut, Incoming, MAX_PATH_DEPTH, MAX_PATHS, NoPath, Path, Paths,
    PrincipalClass, Reach, ReachRow, WhoCanAssume,
};
pub use render::Format;
