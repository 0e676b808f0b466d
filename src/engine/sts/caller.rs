//! Who is calling: classifies the caller of an `AssumeRole` request (IAM user keys, role
//! session, EC2 instance-profile credentials, ECS task role, `GetSessionToken`, federated
//! user, root, service principal), decides whether the call is role chaining, and refuses
//! the callers STS refuses (IAM-RULES §1.2, §1.3, §8 step 1).
//!
//! Evaluating what the caller's policies allow is `assume`'s job through the policy engine.

use chrono::{DateTime, Utc};

use crate::engine::arn::{ArnRef, is_account_id};
use crate::engine::model::{Inventory, Role, User};
use crate::engine::policy::Principal;
use crate::engine::policy::context_builder::Requester;
use crate::engine::sts::docs;
use crate::engine::sts::request::{CallerCredentials, CallerSessionDoc, SessionOrigin, TagDoc};
use crate::engine::sts::session::assumed_role_arn;

/// What kind of principal the caller is, with what the data says about it.
#[derive(Debug, Clone, PartialEq)]
pub enum CallerKind {
    /// An IAM user signing with its own keys (`long-term`) or `GetSessionToken` credentials.
    User {
        user_arn: String,
        /// Index into `Inventory::users`, when the user is in the data.
        user: Option<usize>,
    },
    /// A session of a role.
    RoleSession {
        role_arn: String,
        /// Index into `Inventory::roles`, when the role is in the data.
        role: Option<usize>,
        session_name: String,
    },
    /// An AWS service principal (`ec2.amazonaws.com`).
    Service { name: String },
    /// The account root user.
    Root,
    /// A `GetFederationToken` session.
    FederatedUser,
}

/// A classified caller.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub kind: CallerKind,
    pub credentials: CallerCredentials,
    /// The ARN STS names in messages: the user, the assumed-role session, root…
    pub arn: String,
    /// `aws:PrincipalArn`: the user ARN, or the role ARN (with path) for a role session.
    pub principal_arn: String,
    /// The caller's account (empty for a service principal).
    pub account: String,
    pub partition: String,
    /// The caller's own session (temporary credentials only).
    pub session: Option<CallerSessionDoc>,
    /// True when assuming a role with these credentials is role chaining (§1.3).
    pub chaining: bool,
    /// Facts the classification assumed.
    pub notes: Vec<String>,
}

impl Caller {
    /// The caller's user in the data.
    #[must_use]
    pub fn user<'a>(&self, inv: &'a Inventory) -> Option<&'a User> {
        match self.kind {
            CallerKind::User { user: Some(i), .. } => inv.users.get(i),
            _ => None,
        }
    }

    /// The role the caller holds a session of, in the data.
    #[must_use]
    pub fn role<'a>(&self, inv: &'a Inventory) -> Option<&'a Role> {
        match self.kind {
            CallerKind::RoleSession { role: Some(i), .. } => inv.roles.get(i),
            _ => None,
        }
    }

    /// True for callers whose temporary credentials carry a session (role sessions,
    /// `GetSessionToken`).
    #[must_use]
    pub fn has_temporary_credentials(&self) -> bool {
        !matches!(
            self.credentials,
            CallerCredentials::LongTerm
                | CallerCredentials::Root
                | CallerCredentials::ServicePrincipal
        )
    }

    /// The IAM user whose tags and id the request carries: the caller itself, or for a
    /// `GetFederationToken` session the user that called it.
    #[must_use]
    pub fn context_user<'a>(&self, inv: &'a Inventory) -> Option<&'a User> {
        match self.kind {
            CallerKind::FederatedUser => self
                .session
                .as_ref()
                .and_then(|s| s.user_arn.as_deref())
                .and_then(|arn| inv.user_by_arn(arn)),
            _ => self.user(inv),
        }
    }

    /// The session's tags as (key, value), inherited transitive tags included.
    #[must_use]
    pub fn session_tags(&self) -> Vec<(&str, &str)> {
        self.session
            .iter()
            .flat_map(|s| &s.session_tags)
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect()
    }

    /// The caller as the request context describes it ([`ContextBuilder::principal`]), with
    /// `principal` its principal and `session_tags` its [`Caller::session_tags`]. The MFA
    /// state is the session's: a caller with long-term keys passes MFA in the call itself.
    ///
    /// [`ContextBuilder::principal`]: crate::engine::policy::context_builder::ContextBuilder::principal
    #[must_use]
    pub fn requester<'a>(
        &'a self,
        inv: &'a Inventory,
        principal: &'a Principal,
        session_tags: &'a [(&'a str, &'a str)],
        now: DateTime<Utc>,
    ) -> Requester<'a> {
        let temporary = self.has_temporary_credentials();
        let session = self.session.as_ref().filter(|_| temporary);
        let issued_at = session.and_then(|s| s.issued_at);
        Requester {
            user: self.context_user(inv),
            role: self.role(inv),
            temporary,
            issued_at,
            mfa_authenticated_at: session
                .filter(|s| s.mfa_authenticated)
                .map(|s| s.mfa_auth_time.or(issued_at).unwrap_or(now)),
            session_tags,
            source_identity: session.and_then(|s| s.source_identity.as_deref()),
            federated_provider: None,
            ..Requester::new(principal)
        }
    }

    /// The inherited transitive tags of the caller's session.
    #[must_use]
    pub fn inherited_transitive(&self) -> Vec<TagDoc> {
        let Some(s) = &self.session else {
            return Vec::new();
        };
        s.session_tags
            .iter()
            .filter(|t| {
                s.transitive_tag_keys
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(&t.key))
            })
            .cloned()
            .collect()
    }

    /// Whether the caller's session (if any) has expired at `now`.
    #[must_use]
    pub fn session_expired(&self, now: DateTime<Utc>) -> bool {
        self.session
            .as_ref()
            .and_then(|s| s.expires_at)
            .is_some_and(|e| e <= now)
    }
}

/// Why a caller could not be classified at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallerError {
    #[error("the request names no `caller`; give a principal ARN or a service principal name")]
    Missing,
    #[error(
        "`{0}` is not a principal rolescope can simulate; use a user, role, assumed-role session, root or federated-user ARN, or a service principal such as `ec2.amazonaws.com`"
    )]
    Unrecognised(String),
    #[error(
        "caller `{arn}` is not in the loaded data for account {account}; check the ARN (names are case sensitive) or load that account's export"
    )]
    NotInData { arn: String, account: String },
    #[error(
        "the caller is a role session but no role is known for it; give `caller_session.role_arn` or an assumed-role ARN"
    )]
    NoRole,
}

fn account_loaded(inv: &Inventory, account: &str) -> bool {
    inv.accounts.contains_key(account)
        || inv.roles.iter().any(|r| r.account == account)
        || inv.users.iter().any(|u| u.account == account)
}

fn infer_credentials(arn: &str, session: Option<&CallerSessionDoc>) -> CallerCredentials {
    if let Some(origin) = session.and_then(|s| s.created_by) {
        return match origin {
            SessionOrigin::Ec2InstanceProfile => CallerCredentials::Ec2InstanceProfile,
            SessionOrigin::GetSessionToken => CallerCredentials::GetSessionToken,
            SessionOrigin::GetFederationToken => CallerCredentials::FederatedUser,
            _ => CallerCredentials::AssumedRoleSession,
        };
    }
    if is_account_id(arn) {
        return CallerCredentials::Root;
    }
    match ArnRef::parse(arn) {
        Ok(a) => match (a.service, a.resource_type()) {
            ("iam", "root") => CallerCredentials::Root,
            ("sts", "federated-user") => CallerCredentials::FederatedUser,
            ("sts", "assumed-role") | ("iam", "role") => CallerCredentials::AssumedRoleSession,
            _ => CallerCredentials::LongTerm,
        },
        Err(_) => CallerCredentials::ServicePrincipal,
    }
}

/// Finds a role in `account` by name (an assumed-role ARN has no path).
fn role_in_account(inv: &Inventory, account: &str, name: &str) -> Option<usize> {
    inv.index
        .roles_by_name
        .get(name)
        .and_then(|v| v.iter().copied().find(|&i| inv.roles[i].account == account))
}

/// Classifies the caller of a request.
///
/// # Errors
/// When the caller is missing, unreadable, or (in a loaded account) not in the data.
pub fn classify(
    inv: &Inventory,
    caller: &str,
    credentials: Option<CallerCredentials>,
    session: Option<&CallerSessionDoc>,
) -> Result<Caller, CallerError> {
    let caller = caller.trim();
    if caller.is_empty() {
        return Err(CallerError::Missing);
    }
    let credentials = credentials.unwrap_or_else(|| infer_credentials(caller, session));
    let mut notes = Vec::new();
    if credentials == CallerCredentials::ServicePrincipal {
        return Ok(Caller {
            kind: CallerKind::Service {
                name: caller.to_owned(),
            },
            credentials,
            arn: caller.to_owned(),
            principal_arn: caller.to_owned(),
            account: String::new(),
            partition: "aws".to_owned(),
            session: None,
            chaining: false,
            notes,
        });
    }
    let root_text;
    let parsed = if is_account_id(caller) {
        root_text = format!("arn:aws:iam::{caller}:root");
        ArnRef::parse(&root_text)
    } else {
        ArnRef::parse(caller)
    }
    .map_err(|_| CallerError::Unrecognised(caller.to_owned()))?;
    let account = parsed.account.to_owned();
    let partition = parsed.partition.to_owned();
    match credentials {
        CallerCredentials::Root => {
            let root_arn = ["arn:", &partition, ":iam::", &account, ":root"].concat();
            Ok(Caller {
                kind: CallerKind::Root,
                credentials,
                arn: root_arn.clone(),
                principal_arn: root_arn,
                account,
                partition,
                session: session.cloned(),
                chaining: false,
                notes,
            })
        }
        CallerCredentials::FederatedUser => Ok(Caller {
            kind: CallerKind::FederatedUser,
            credentials,
            arn: caller.to_owned(),
            principal_arn: caller.to_owned(),
            account,
            partition,
            session: session.cloned(),
            chaining: true,
            notes,
        }),
        CallerCredentials::LongTerm | CallerCredentials::GetSessionToken => {
            if parsed.service != "iam" || parsed.resource_type() != "user" {
                return Err(CallerError::Unrecognised(caller.to_owned()));
            }
            let user = inv.index.user_by_arn.get(caller).copied();
            if user.is_none() {
                if account_loaded(inv, &account) {
                    return Err(CallerError::NotInData {
                        arn: caller.to_owned(),
                        account,
                    });
                }
                notes.push(format!(
                    "account {account} is not in the loaded data: the caller's identity policies, boundary and SCPs are unknown, and so is any answer that needs them"
                ));
            }
            let chaining = credentials == CallerCredentials::GetSessionToken;
            if chaining {
                notes.push(
                    // IAM-RULES §1.3
                    "GetSessionToken credentials are treated as role chaining (observed behaviour)"
                        .to_owned(),
                );
            }
            Ok(Caller {
                kind: CallerKind::User {
                    user_arn: caller.to_owned(),
                    user,
                },
                credentials,
                arn: caller.to_owned(),
                principal_arn: caller.to_owned(),
                account,
                partition,
                session: session.cloned(),
                chaining,
                notes,
            })
        }
        CallerCredentials::AssumedRoleSession | CallerCredentials::Ec2InstanceProfile => {
            // Which role: caller_session.role_arn, an iam role ARN, or by name from an
            // assumed-role ARN.
            let (role_idx, role_arn, arn_session) =
                if let Some(ra) = session.and_then(|s| s.role_arn.as_deref()) {
                    let idx = inv.index.role_by_arn.get(ra).copied();
                    let name_from_caller = (parsed.service == "sts")
                        .then(|| parsed.resource.split('/').nth(2).map(str::to_owned))
                        .flatten();
                    (idx, ra.to_owned(), name_from_caller)
                } else if parsed.service == "iam" && parsed.resource_type() == "role" {
                    (
                        inv.index.role_by_arn.get(caller).copied(),
                        caller.to_owned(),
                        None,
                    )
                } else if parsed.service == "sts" && parsed.resource_type() == "assumed-role" {
                    let mut parts = parsed.resource.splitn(3, '/');
                    let _ = parts.next();
                    let role_name = parts.next().unwrap_or_default().to_owned();
                    let sess = parts.next().map(str::to_owned);
                    let idx = role_in_account(inv, &account, &role_name);
                    let arn = idx.map_or_else(
                        || format!("arn:{partition}:iam::{account}:role/{role_name}"),
                        |i| inv.roles[i].arn.clone(),
                    );
                    (idx, arn, sess)
                } else {
                    return Err(CallerError::NoRole);
                };
            if role_idx.is_none() {
                if account_loaded(inv, &account) {
                    return Err(CallerError::NotInData {
                        arn: role_arn,
                        account,
                    });
                }
                notes.push(format!(
                    "account {account} is not in the loaded data: the caller's identity policies, boundary and SCPs are unknown, and so is any answer that needs them"
                ));
            }
            let role_name = role_idx.map_or_else(
                || role_arn.rsplit('/').next().unwrap_or_default().to_owned(),
                |i| inv.roles[i].name.clone(),
            );
            let session_name = session
                .and_then(|s| s.session_name.clone())
                .or(arn_session)
                .unwrap_or_else(|| {
                    if credentials == CallerCredentials::Ec2InstanceProfile {
                        "i-0123456789abcdef0".to_owned()
                    } else {
                        "session".to_owned()
                    }
                });
            let origin = session.and_then(|s| s.created_by);
            let chaining = match (credentials, origin) {
                (CallerCredentials::Ec2InstanceProfile, _)
                | (_, Some(SessionOrigin::Ec2InstanceProfile)) => {
                    // IAM-RULES §1.3
                    notes.push(format!("EC2 instance-profile credentials: assuming a role with them is not role chaining ({})", docs::UG_ROLE_TERMS));
                    false
                }
                (_, Some(SessionOrigin::EcsTaskRole)) => {
                    // IAM-RULES §1.3
                    notes.push("ECS task-role credentials are treated as role chaining (observed behaviour)".to_owned());
                    true
                }
                _ => true,
            };
            Ok(Caller {
                kind: CallerKind::RoleSession {
                    role_arn: role_arn.clone(),
                    role: role_idx,
                    session_name: session_name.clone(),
                },
                credentials,
                arn: assumed_role_arn(&partition, &account, &role_name, &session_name),
                principal_arn: role_arn,
                account,
                partition,
                session: session.cloned(),
                chaining,
                notes,
            })
        }
        CallerCredentials::ServicePrincipal => Err(CallerError::Unrecognised(caller.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inv() -> Inventory {
        Inventory::default()
    }

    fn session(origin: SessionOrigin) -> CallerSessionDoc {
        CallerSessionDoc {
            role_arn: Some("arn:aws:iam::111122223333:role/app/Worker".into()),
            session_name: Some("s1".into()),
            created_by: Some(origin),
            ..CallerSessionDoc::default()
        }
    }

    #[test]
    fn chaining_by_caller_credentials_table() {
        // IAM-RULES §1.3 table.
        let cases = [
            ("arn:aws:iam::111122223333:user/bob", None, None, false),
            (
                "arn:aws:iam::111122223333:user/bob",
                Some(CallerCredentials::GetSessionToken),
                None,
                true,
            ),
            (
                "arn:aws:sts::111122223333:assumed-role/Worker/s1",
                None,
                Some(SessionOrigin::AssumeRole),
                true,
            ),
            (
                "arn:aws:sts::111122223333:assumed-role/Worker/s1",
                None,
                Some(SessionOrigin::AssumeRoleWithWebIdentity),
                true,
            ),
            (
                "arn:aws:sts::111122223333:assumed-role/Worker/s1",
                None,
                Some(SessionOrigin::AssumeRoleWithSaml),
                true,
            ),
            (
                "arn:aws:sts::111122223333:assumed-role/Worker/i-1",
                None,
                Some(SessionOrigin::Ec2InstanceProfile),
                false,
            ),
            (
                "arn:aws:sts::111122223333:assumed-role/Worker/t",
                None,
                Some(SessionOrigin::EcsTaskRole),
                true,
            ),
        ];
        for (arn, creds, origin, chaining) in cases {
            let s = origin.map(session);
            let c = classify(&inv(), arn, creds, s.as_ref()).unwrap();
            assert_eq!(c.chaining, chaining, "{arn} {origin:?}");
        }
    }

    #[test]
    fn session_caller_arn_drops_the_path_and_principal_arn_keeps_it() {
        let s = session(SessionOrigin::AssumeRole);
        let c = classify(
            &inv(),
            "arn:aws:sts::111122223333:assumed-role/Worker/s1",
            None,
            Some(&s),
        )
        .unwrap();
        assert_eq!(c.arn, "arn:aws:sts::111122223333:assumed-role/Worker/s1");
        assert_eq!(c.principal_arn, "arn:aws:iam::111122223333:role/app/Worker");
        assert_eq!(c.credentials, CallerCredentials::AssumedRoleSession);
    }

    #[test]
    fn root_federated_and_service_callers_are_recognised() {
        let c = classify(&inv(), "arn:aws:iam::111122223333:root", None, None).unwrap();
        assert_eq!(c.kind, CallerKind::Root);
        let c = classify(&inv(), "111122223333", None, None).unwrap();
        assert_eq!(c.kind, CallerKind::Root);
        let c = classify(
            &inv(),
            "arn:aws:sts::111122223333:federated-user/Ann",
            None,
            None,
        )
        .unwrap();
        assert_eq!(c.kind, CallerKind::FederatedUser);
        let c = classify(&inv(), "ec2.amazonaws.com", None, None).unwrap();
        assert_eq!(
            c.kind,
            CallerKind::Service {
                name: "ec2.amazonaws.com".into()
            }
        );
    }

    #[test]
    fn unknown_callers_are_refused_with_guidance() {
        assert_eq!(classify(&inv(), " ", None, None), Err(CallerError::Missing));
        assert!(matches!(
            classify(
                &inv(),
                "arn:aws:s3:::bucket",
                Some(CallerCredentials::LongTerm),
                None
            ),
            Err(CallerError::Unrecognised(_))
        ));
    }
}
