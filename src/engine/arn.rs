//! Amazon Resource Names: parsing an ARN into its six parts and printing it back.
//!
//! Owns only the syntax (`arn:partition:service:region:account:resource`); what an ARN
//! *means* (a role, a session, an account root) is decided by the callers in `model` and
//! `policy`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A parsed ARN. The resource part keeps every character after the fifth colon, so
/// `arn:aws:s3:::bucket/key:with:colons` keeps `bucket/key:with:colons`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account: String,
    pub resource: String,
}

/// An ARN's parts borrowed from its text: [`Arn`] without copying them (for callers that
/// only inspect an ARN).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArnRef<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> ArnRef<'a> {
    /// Splits `s` into an ARN's parts.
    ///
    /// # Errors
    /// As [`Arn::parse`].
    pub fn parse(s: &'a str) -> Result<Self, ArnError> {
        let Some(rest) = s.strip_prefix("arn:") else {
            return Err(ArnError::NoPrefix(s.to_owned()));
        };
        let mut parts = rest.splitn(5, ':');
        let (Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(ArnError::TooFewParts(s.to_owned()));
        };
        if partition.is_empty() || service.is_empty() {
            return Err(ArnError::EmptyPart(s.to_owned()));
        }
        Ok(Self {
            partition,
            service,
            region,
            account,
            resource,
        })
    }

    /// As [`Arn::resource_type`].
    #[must_use]
    pub fn resource_type(&self) -> &'a str {
        self.resource
            .split(['/', ':'])
            .next()
            .unwrap_or(self.resource)
    }
}

/// Why a string is not an ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    #[error("`{0}` is not an ARN: it must start with `arn:`")]
    NoPrefix(String),
    #[error(
        "`{0}` is not an ARN: it needs six colon-separated parts (arn:partition:service:region:account:resource)"
    )]
    TooFewParts(String),
    #[error("`{0}` is not an ARN: the partition and the service must not be empty")]
    EmptyPart(String),
}

impl Arn {
    /// Parses `s` as an ARN.
    ///
    /// # Errors
    /// When `s` does not start with `arn:` or has fewer than six parts.
    pub fn parse(s: &str) -> Result<Self, ArnError> {
        let a = ArnRef::parse(s)?;
        Ok(Self {
            partition: a.partition.to_owned(),
            service: a.service.to_owned(),
            region: a.region.to_owned(),
            account: a.account.to_owned(),
            resource: a.resource.to_owned(),
        })
    }

    /// The resource type: the part of the resource before the first `/` or `:`
    /// (`role` for `role/path/Name`), or the whole resource when it has neither.
    #[must_use]
    pub fn resource_type(&self) -> &str {
        self.resource
            .split(['/', ':'])
            .next()
            .unwrap_or(self.resource.as_str())
    }

    /// The last `/`-separated segment of the resource: a role's or user's name.
    #[must_use]
    pub fn resource_name(&self) -> &str {
        self.resource
            .rsplit('/')
            .next()
            .unwrap_or(self.resource.as_str())
    }
}

impl FromStr for Arn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

/// True when `s` is a 12-digit AWS account id.
#[must_use]
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arn_with_path_parses_into_six_parts() {
        let arn = Arn::parse("arn:aws:iam::123456789012:role/team/Deploy").unwrap();
        assert_eq!(arn.partition, "aws");
        assert_eq!(arn.service, "iam");
        assert_eq!(arn.region, "");
        assert_eq!(arn.account, "123456789012");
        assert_eq!(arn.resource, "role/team/Deploy");
        assert_eq!(arn.resource_type(), "role");
        assert_eq!(arn.resource_name(), "Deploy");
        assert_eq!(
            arn.to_string(),
            "arn:aws:iam::123456789012:role/team/Deploy"
        );
    }

    #[test]
    fn resource_keeps_colons_after_the_fifth() {
        let arn = Arn::parse("arn:aws:logs:us-east-1:123456789012:log-group:/a/b:*").unwrap();
        assert_eq!(arn.resource, "log-group:/a/b:*");
        assert_eq!(arn.resource_type(), "log-group");
    }

    #[test]
    fn non_arns_are_rejected_with_the_reason() {
        assert!(matches!(
            Arn::parse("role/Deploy"),
            Err(ArnError::NoPrefix(_))
        ));
        assert!(matches!(
            Arn::parse("arn:aws:iam"),
            Err(ArnError::TooFewParts(_))
        ));
        assert!(matches!(
            Arn::parse("arn::iam:::x"),
            Err(ArnError::EmptyPart(_))
        ));
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(is_account_id("123456789012"));
        assert!(!is_account_id("12345678901"));
        assert!(!is_account_id("12345678901a"));
    }
}
