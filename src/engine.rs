//! The IAM engine: model, loading, policy evaluation, STS simulation and the trust graph.
//! No terminal, no async: callers pass the clock (`now`) in.

pub mod access_summary;
pub mod arn;
pub mod catalogue;
pub mod coverage;
pub mod escalation;
pub mod exercise;
pub mod graph;
pub mod kinds;
pub mod lesson;
pub mod lint;
pub mod load;
pub mod lookup;
pub mod model;
pub mod policy;
pub mod profiles;
pub mod provenance;
pub mod sts;
pub mod whatif;
pub mod wizard;
