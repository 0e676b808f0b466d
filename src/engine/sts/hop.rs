//! From a hop (a caller, a target role and the request that satisfies the trust — a
//! trust-graph edge's [`WitnessRequest`], or a caller chosen by hand) to the `AssumeRole`
//! request STS would receive.
//!
//! One rule decides how a role calls: only as a session of itself. With the live sessions a
//! face holds, a role caller chains from its newest live session, or the answer is that a
//! session of it is needed first; it never becomes EC2 instance-profile credentials the role
//! may not be trusted for. A session's MFA is its own: a role session passes no MFA code
//! (STS takes one only for the device of the IAM user making the call, [STS-API AssumeRole]
//! `SerialNumber`). The trust graph's replays use the same function with a session assumed
//! fresh, so `assume`, `path`, the graph and the explorer build one request for one hop.

use chrono::{DateTime, Utc};

use crate::engine::graph::WitnessRequest;
use crate::engine::sts::request::{AssumeRoleRequest, CallerCredentials};
use crate::engine::sts::session::Session;

/// The sessions a role caller may call with.
#[derive(Debug, Clone, Copy)]
pub enum CallerSessions<'a> {
    /// The live sessions a face holds (the explorer's Sessions panel, a lesson's): a role
    /// caller chains from the newest of its own that has not expired.
    Live(&'a [Session]),
    /// A session of the role issued at `now`, without MFA: what the trust graph assumes a
    /// role caller holds when it answers who can reach what.
    Assumed,
}

/// The STS request for a hop, or why there is none yet.
#[derive(Debug, Clone, PartialEq)]
pub enum HopRequest {
    /// The request, ready for [`crate::engine::sts::Simulator::assume_role`].
    Ready(Box<AssumeRoleRequest>),
    /// The caller is a role with no live session at `now`: assume the role first, then
    /// chain from its session.
    NeedsSession {
        /// The caller role's ARN.
        role_arn: String,
        /// What to do, in the product's words.
        message: String,
    },
}

/// True when `caller` is an IAM role ARN (a role calls only through one of its sessions).
#[must_use]
pub fn is_role_arn(caller: &str) -> bool {
    caller.starts_with("arn:")
        && caller.split(':').nth(2) == Some("iam")
        && caller.contains(":role/")
}

/// The newest session of `role_arn` among `sessions` that is still valid at `now`.
#[must_use]
pub fn live_session<'s>(
    sessions: &'s [Session],
    role_arn: &str,
    now: DateTime<Utc>,
) -> Option<&'s Session> {
    sessions
        .iter()
        .filter(|s| s.role_arn == role_arn && s.expiration > now)
        .max_by_key(|s| s.issued_at)
}

/// The `AssumeRole` request `caller` sends to assume `role_arn` with the parameters of `w`.
/// `caller` is a user, role or assumed-role ARN, or a service principal name.
#[must_use]
pub fn hop_request(
    caller: &str,
    role_arn: &str,
    w: &WitnessRequest,
    sessions: CallerSessions<'_>,
    now: DateTime<Utc>,
) -> HopRequest {
    let mut req = w.to_assume_role_request(caller, role_arn, now);
    if !is_role_arn(caller) {
        return HopRequest::Ready(Box::new(req));
    }
    // A role session's call carries its session's MFA, never a code of its own.
    req.mfa = None;
    match sessions {
        CallerSessions::Assumed => HopRequest::Ready(Box::new(req)),
        CallerSessions::Live(list) => match live_session(list, caller, now) {
            Some(s) => {
                req.caller.clone_from(&s.assumed_role_arn);
                req.caller_credentials = Some(CallerCredentials::AssumedRoleSession);
                req.caller_session = Some(s.as_caller_session());
                HopRequest::Ready(Box::new(req))
            }
            None => HopRequest::NeedsSession {
                role_arn: caller.to_owned(),
                message: format!(
                    "`{caller}` is a role: it calls only as a session of itself, and there is no live session of it; assume it first, then chain from that session"
                ),
            },
        },
    }
}
