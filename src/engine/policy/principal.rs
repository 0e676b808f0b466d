//! The principal making a request: what kind it is and the names policies can use for it.
//!
//! A request is made by an IAM user, a role session (`assumed-role`), a federated-user session
//! (`GetFederationToken`), an account root user, an AWS service, a web-identity or SAML
//! provider (before a session exists: `AssumeRoleWith…`), or nobody (anonymous). This module
//! reads that from an ARN or service name; matching a principal against a policy's `Principal`
//! element is `policy::compiled`, building the request context for it is `policy::gather`.

use serde::Serialize;

use crate::engine::arn::{Arn, ArnRef, is_account_id};

/// The kind of principal, as AWS classifies the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum PrincipalType {
    /// An IAM user signing with its own credentials.
    User,
    /// A role session (`arn:aws:sts::A:assumed-role/Role/Session`).
    AssumedRole,
    /// A `GetFederationToken` session (`arn:aws:sts::A:federated-user/Name`).
    FederatedUser,
    /// The account root user (`arn:aws:iam::A:root`).
    Root,
    /// An AWS service principal (`ec2.amazonaws.com`).
    Service,
    /// An OIDC provider calling `AssumeRoleWithWebIdentity`.
    WebIdentity,
    /// A SAML provider calling `AssumeRoleWithSAML`.
    Saml,
    /// An unauthenticated request.
    Anonymous,
}

impl PrincipalType {
    /// The value AWS gives `aws:PrincipalType`, when it gives one.
    #[must_use]
    pub fn context_value(self) -> Option<&'static str> {
        match self {
            Self::User => Some("User"),
            Self::AssumedRole => Some("AssumedRole"),
            Self::FederatedUser => Some("FederatedUser"),
            Self::Root => Some("Account"),
            Self::Anonymous => Some("Anonymous"),
            Self::Service | Self::WebIdentity | Self::Saml => None,
        }
    }

    /// The word AWS starts an access-denied message with.
    #[must_use]
    pub fn message_word(self) -> &'static str {
        match self {
            Self::User | Self::AssumedRole | Self::FederatedUser | Self::Root => "User",
            Self::Service => "Service",
            Self::WebIdentity | Self::Saml => "Federated principal",
            Self::Anonymous => "Anonymous user",
        }
    }

    /// True for principals that carry identity-based policies of an account (and so are
    /// subject to that account's SCPs).
    #[must_use]
    pub fn is_iam_identity(self) -> bool {
        matches!(
            self,
            Self::User | Self::AssumedRole | Self::FederatedUser | Self::Root
        )
    }
}

/// The principal of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub kind: PrincipalType,
    /// The request's principal: user ARN, session ARN, federated-user ARN, root ARN, service
    /// name, provider ARN or name; `*` for anonymous.
    pub arn: String,
    /// The principal's account (none for services and anonymous).
    pub account: Option<String>,
    /// Role sessions: the role's IAM ARN (`arn:aws:iam::A:role/path/Name`).
    pub role_arn: Option<String>,
    /// False when `role_arn` was rebuilt from a session ARN, which drops the role's path;
    /// trust and resource policies are then matched by account and role name.
    pub role_path_known: bool,
    /// Federated-user sessions: the IAM user that called `GetFederationToken`, when known.
    pub source_user_arn: Option<String>,
    /// The unique id (`AIDA…` for users, `AROA…` for roles), when known.
    pub unique_id: Option<String>,
    /// Role sessions: the session name.
    pub session_name: Option<String>,
    /// Role sessions of a service-linked role (path `/aws-service-role/`), which SCPs and RCPs
    /// do not restrict.
    pub service_linked: bool,
}

/// Why text could not be read as a principal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrincipalError {
    #[error(
        "`{0}` is not a principal; give a user, role, assumed-role session, federated-user or root ARN, a 12-digit account id, a service name such as `ec2.amazonaws.com`, or `*` for anonymous"
    )]
    Unrecognized(String),
}

/// The session name rolescope uses when a request names a role rather than one of its sessions.
pub const DEFAULT_SESSION_NAME: &str = "rolescope";

impl Principal {
    fn base(kind: PrincipalType, arn: String, account: Option<String>) -> Self {
        Self {
            kind,
            arn,
            account,
            role_arn: None,
            role_path_known: true,
            source_user_arn: None,
            unique_id: None,
            session_name: None,
            service_linked: false,
        }
    }

    /// An IAM user.
    #[must_use]
    pub fn user(arn: &str, account: &str) -> Self {
        Self::base(
            PrincipalType::User,
            arn.to_owned(),
            Some(account.to_owned()),
        )
    }

    /// A session of the role `role_arn` (with its path) named `session_name`.
    #[must_use]
    pub fn role_session(role_arn: &str, session_name: &str) -> Self {
        let parsed = ArnRef::parse(role_arn).ok();
        let (partition, account, name, path_slr) = match &parsed {
            Some(a) => (
                a.partition,
                a.account,
                a.resource.rsplit('/').next().unwrap_or(a.resource),
                a.resource.starts_with("role/aws-service-role/"),
            ),
            None => ("aws", "", role_arn, false),
        };
        let mut p = Self::base(
            PrincipalType::AssumedRole,
            [
                "arn:",
                partition,
                ":sts::",
                account,
                ":assumed-role/",
                name,
                "/",
                session_name,
            ]
            .concat(),
            Some(account.to_owned()),
        );
        p.role_arn = Some(role_arn.to_owned());
        p.session_name = Some(session_name.to_owned());
        p.service_linked = path_slr;
        p
    }

    /// The root user of `account`.
    #[must_use]
    pub fn root(account: &str) -> Self {
        Self::base(
            PrincipalType::Root,
            format!("arn:aws:iam::{account}:root"),
            Some(account.to_owned()),
        )
    }

    /// An AWS service principal.
    #[must_use]
    pub fn service(name: &str) -> Self {
        Self::base(PrincipalType::Service, name.to_owned(), None)
    }

    /// An unauthenticated caller.
    #[must_use]
    pub fn anonymous() -> Self {
        Self::base(PrincipalType::Anonymous, "*".to_owned(), None)
    }

    /// Reads a principal from an ARN, account id, service name or `*`.
    ///
    /// A role ARN stands for a session of that role named [`DEFAULT_SESSION_NAME`]; an
    /// assumed-role ARN gives the role's ARN without its path (`role_path_known` false).
    ///
    /// # Errors
    /// When the text is none of those.
    pub fn parse(text: &str) -> Result<Self, PrincipalError> {
        let t = text.trim();
        if t == "*" || t.eq_ignore_ascii_case("anonymous") {
            return Ok(Self::anonymous());
        }
        if is_account_id(t) {
            return Ok(Self::root(t));
        }
        if !t.starts_with("arn:") {
            if t == "cognito-identity.amazonaws.com"
                || t == "accounts.google.com"
                || t == "graph.facebook.com"
                || t == "www.amazon.com"
            {
                return Ok(Self::base(PrincipalType::WebIdentity, t.to_owned(), None));
            }
            if t.ends_with(".amazonaws.com") || t.ends_with(".amazonaws.com.cn") {
                return Ok(Self::service(t));
            }
            return Err(PrincipalError::Unrecognized(t.to_owned()));
        }
        let arn = Arn::parse(t).map_err(|_| PrincipalError::Unrecognized(t.to_owned()))?;
        let account = arn.account.clone();
        let res = arn.resource.as_str();
        match (arn.service.as_str(), arn.resource_type()) {
            ("iam", "root") if res == "root" => {
                let mut p = Self::root(&account);
                p.arn = t.to_owned();
                Ok(p)
            }
            ("iam", "user") => Ok(Self::user(t, &account)),
            ("iam", "role") => Ok(Self::role_session(t, DEFAULT_SESSION_NAME)),
            ("iam", "oidc-provider") => Ok(Self::base(
                PrincipalType::WebIdentity,
                t.to_owned(),
                Some(account),
            )),
            ("iam", "saml-provider") => {
                Ok(Self::base(PrincipalType::Saml, t.to_owned(), Some(account)))
            }
            ("sts", "assumed-role") => {
                let mut parts = res.splitn(3, '/');
                let (_, Some(role), Some(session)) = (parts.next(), parts.next(), parts.next())
                else {
                    return Err(PrincipalError::Unrecognized(t.to_owned()));
                };
                let mut p = Self::base(PrincipalType::AssumedRole, t.to_owned(), Some(account));
                p.role_arn = Some(format!(
                    "arn:{}:iam::{}:role/{role}",
                    arn.partition, arn.account
                ));
                p.role_path_known = false;
                p.session_name = Some(session.to_owned());
                Ok(p)
            }
            ("sts", "federated-user") => Ok(Self::base(
                PrincipalType::FederatedUser,
                t.to_owned(),
                Some(account),
            )),
            _ => Err(PrincipalError::Unrecognized(t.to_owned())),
        }
    }

    /// The role's name, for role sessions.
    #[must_use]
    pub fn role_name(&self) -> Option<&str> {
        self.role_arn
            .as_deref()
            .and_then(|a| a.rsplit('/').next())
            .filter(|n| !n.is_empty())
    }

    /// The user's, role's or federated user's name (for `aws:username` and messages).
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        match self.kind {
            PrincipalType::User | PrincipalType::FederatedUser => self.arn.rsplit('/').next(),
            PrincipalType::AssumedRole => self.role_name(),
            _ => None,
        }
    }

    /// The ARN that goes into `aws:PrincipalArn`: the role's ARN for a role session, the
    /// principal's own ARN otherwise [UG:reference_policies_condition-keys].
    #[must_use]
    pub fn principal_arn(&self) -> &str {
        match self.kind {
            PrincipalType::AssumedRole => self.role_arn.as_deref().unwrap_or(&self.arn),
            _ => &self.arn,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_kinds_are_read_from_their_arns() {
        let cases: &[(&str, PrincipalType)] = &[
            (
                "arn:aws:iam::123456789012:user/people/alice",
                PrincipalType::User,
            ),
            (
                "arn:aws:iam::123456789012:role/team/Dev",
                PrincipalType::AssumedRole,
            ),
            (
                "arn:aws:sts::123456789012:assumed-role/Dev/s1",
                PrincipalType::AssumedRole,
            ),
            (
                "arn:aws:sts::123456789012:federated-user/bob",
                PrincipalType::FederatedUser,
            ),
            ("arn:aws:iam::123456789012:root", PrincipalType::Root),
            ("123456789012", PrincipalType::Root),
            ("ec2.amazonaws.com", PrincipalType::Service),
            (
                "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
                PrincipalType::WebIdentity,
            ),
            (
                "arn:aws:iam::123456789012:saml-provider/CorpIdP",
                PrincipalType::Saml,
            ),
            ("cognito-identity.amazonaws.com", PrincipalType::WebIdentity),
            ("*", PrincipalType::Anonymous),
        ];
        for (text, kind) in cases {
            assert_eq!(Principal::parse(text).unwrap().kind, *kind, "{text}");
        }
        assert!(Principal::parse("bob").is_err());
    }

    #[test]
    fn a_role_arn_stands_for_a_session_and_principal_arn_is_the_role() {
        let p = Principal::parse("arn:aws:iam::123456789012:role/team/Dev").unwrap();
        assert_eq!(
            p.arn,
            "arn:aws:sts::123456789012:assumed-role/Dev/rolescope"
        );
        assert_eq!(p.principal_arn(), "arn:aws:iam::123456789012:role/team/Dev");
        assert!(p.role_path_known);
    }

    #[test]
    fn a_session_arn_drops_the_role_path() {
        let p = Principal::parse("arn:aws:sts::123456789012:assumed-role/Dev/s1").unwrap();
        assert_eq!(p.principal_arn(), "arn:aws:iam::123456789012:role/Dev");
        assert!(!p.role_path_known);
        assert_eq!(p.session_name.as_deref(), Some("s1"));
    }

    #[test]
    fn service_linked_role_sessions_are_recognised_by_path() {
        let p = Principal::role_session(
            "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
            "s",
        );
        assert!(p.service_linked);
    }
}
