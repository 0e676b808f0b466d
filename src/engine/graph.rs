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
//! - [`recent`]: recent answers of the walks, kept (bounded by the hops they hold).
//! - [`render`]: Graphviz `dot`, Mermaid and JSON pictures of the graph.
//!
//! # What is decided when
//!
//! [`TrustGraph::build`] reads and indexes; it decides no hop. It reads every trust policy
//! into grants indexed by the principal each names (and `"*"`), reads every user's and role's
//! `sts:AssumeRole` allows once, indexes the distinct documents holding them by the accounts
//! whose roles they may name, groups callers with the same policies, boundary and account
//! into *caller policy sets*. Policies (identity, trust, SCPs, RCPs) are compiled when a hop
//! first needs them, and kept. Each query then decides what it needs on first use and keeps
//! it:
//!
//! - who-can-assume decides the ways into the roles its walk backwards meets (one role's
//!   ways in: the principals its trust names, and for an account or `"*"` grant only the
//!   callers whose own policy may name the role);
//! - reach and path decide the hops out of the principals their walk meets
//!   ([`TrustGraph::hops_from`]), from the trust grants that can name each one: the grants
//!   naming it (through the index by principal), the account grants to its account and the
//!   `"*"` grants. Hops through trusts that treat a policy set's members alike are decided
//!   once for the set and kept for all of them; a member's own hops (grants naming it,
//!   trusts reading who the caller is) are kept for it. Members with the same own hops share
//!   a class ([`OutClass`]), and a walk that has taken one member skips the others;
//! - the external-access scan decides only the hops of principals outside the loaded
//!   accounts (and `"*"`), then reads the scan off them;
//! - a forward walk that needs only the roles it has not met ([`TrustGraph::hops_from_into`])
//!   has a set's hops decided into those roles only while the set's list is not kept.
//!
//! Reach and path answers are kept ([`recent`]): the same question again is a lookup.
//!
//! [`TrustGraph::build_eager`] decides everything up front.
//!
//! # Classes of callers
//!
//! Account-root and `"*"` trusts are *class grants* ([`ClassGrant`]): never expanded into
//! every principal × role pair. A hop through one is decided once per caller policy set (the
//! class: "every principal of account A whose policy allows `sts:AssumeRole` on the role"),
//! kept as one way in for the whole set, and expanded into members only where an answer lists
//! them; for roles of one account with the same trust document, once per document when the
//! set's policies treat the roles alike. A trust with several grants (an account and a
//! principal, two statements) is decided per caller, each caller's grants in trust order.
//! A trust listing thousands of principals or accounts is one grant per entry, each indexed
//! under the principal it names; when nothing in the trust tells the principals it names
//! apart (no `Deny`, no condition on who the caller is), the callers of one policy set named
//! in one statement share one decision, and so do the outside accounts one statement lists in
//! the external-access scan.
//!
//! # Escalation edges
//!
//! Paths that also take escalation edges (passing a role to a service, making another
//! user's credentials, rewriting a trust, granting oneself more) are walked by
//! [`crate::engine::escalation::walk`] over this graph's public queries.
//! [`crate::engine::escalation::LazyEscalations`] decides a principal's escalation edges
//! when a walk meets it, and the edges into a principal from the few principals of its
//! account whose policies may allow a technique at all;
//! [`crate::engine::escalation::Escalations::compute`] decides every principal's (for
//! `rolescope admins`).
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
mod outs;
pub mod query;
pub mod recent;
pub mod render;
mod side;
pub mod witness;

pub use build::TrustGraph;
/// A hash map hashed with foldhash (fast; the keys come from the user's own files).
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// A set hashed as [`FastMap`] is.
pub(crate) type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
pub use edge::{
    Api, CHAIN_CAP_SECONDS, Chaining, Edge, EdgeStatus, Grant, HopTerms, Node, NodeId, NodeKind,
    PERMISSION_SET_KEY, Requirement, RequirementKind, Side, WitnessRequest, permission_set,
};
pub use outs::OutClass;
pub use query::{
    AssumeRow, ClassGrant, ConfusedDeputy, DEFAULT_MAX_DEPTH, ExternalAccess, ExternalFinding,
    ExternalKind, HopOut, HopsOut, Incoming, MAX_PATH_DEPTH, MAX_PATHS, NoPath, Path, Paths,
    PrincipalClass, Reach, ReachRow, WhoCanAssume,
};
pub use render::Format;
pub use side::side_by_side;
