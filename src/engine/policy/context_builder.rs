//! The one builder of a request's context: the condition keys AWS adds to a request on its
//! own, for every interface (`authorize` through [`super::gather()`], `simulate`, `assume`
//! and the federation calls of the STS simulator, the trust graph, the wizard, lessons and
//! the explorer), so the same request gets the same keys and the same answer everywhere.
//!
//! - [`ContextBuilder::clock`]: `aws:CurrentTime`, `aws:EpochTime`, `aws:SecureTransport`,
//!   `aws:RequestedRegion`;
//! - [`ContextBuilder::principal`]: the keys of the caller described by a [`Requester`]
//!   (IAM-RULES §6);
//! - [`ContextBuilder::resource`] and [`ContextBuilder::role_resource`]: the resource's
//!   account, organization and tags;
//! - [`ContextBuilder::request_tags`]: tags passed in the call;
//! - [`ContextBuilder::supplied`]: keys the request gives, set last so they win.
//!
//! A call's own parameter keys (`sts:ExternalId`, `sts:RoleSessionName`, a web identity
//! token's claims, a SAML assertion's attributes) are set by the call that reads them, on the
//! same builder. Which keys an inventory reads, for builders that skip the others, is
//! [`super::key_filter`].

use std::borrow::Cow;

use chrono::{DateTime, SecondsFormat, Utc};

use super::context::{ContextValue, RequestContext};
use super::key_filter::KeyFilter;
use super::principal::{Principal, PrincipalType};
use crate::engine::model::{Inventory, Role, User};

/// `aws:CurrentTime` text: RFC 3339 in UTC with whole seconds.
#[must_use]
pub fn time_text(t: DateTime<Utc>) -> String {
    match rfc3339_seconds(t) {
        Some(b) => {
            let mut s = String::with_capacity(20);
            s.push_str(rfc3339_str(&b));
            s.push('Z');
            s
        }
        None => t.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
}

/// The ASCII text of [`rfc3339_seconds`].
pub(crate) fn rfc3339_str(b: &[u8; 19]) -> &str {
    std::str::from_utf8(b).unwrap_or_default()
}

/// `YYYY-MM-DDTHH:MM:SS` as bytes for years 0 to 9999 outside a leap second (what chrono's
/// RFC 3339 writer prints then, without its formatting machinery); `None` otherwise.
pub(crate) fn rfc3339_seconds(t: DateTime<Utc>) -> Option<[u8; 19]> {
    use chrono::{Datelike, Timelike};
    let year = t.year();
    if !(0..=9999).contains(&year) || t.nanosecond() >= 1_000_000_000 {
        return None;
    }
    let mut b = *b"0000-00-00T00:00:00";
    let two = |b: &mut [u8; 19], at: usize, n: u32| {
        b[at] = b'0' + u8::try_from(n / 10 % 10).unwrap_or(0);
        b[at + 1] = b'0' + u8::try_from(n % 10).unwrap_or(0);
    };
    let y = year.unsigned_abs();
    two(&mut b, 0, y / 100);
    two(&mut b, 2, y % 100);
    two(&mut b, 5, t.month());
    two(&mut b, 8, t.day());
    two(&mut b, 11, t.hour());
    two(&mut b, 14, t.minute());
    two(&mut b, 17, t.second());
    Some(b)
}

/// `prefix` followed by `key` (`aws:PrincipalTag/` and a tag key).
fn prefixed(prefix: &str, key: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + key.len());
    s.push_str(prefix);
    s.push_str(key);
    s
}

/// The region of requests to global services, and the default one.
pub const DEFAULT_REGION: &str = "us-east-1";

/// `aws:RequestedRegion`: the region given, else the resource ARN's, else [`DEFAULT_REGION`]
/// (where global services such as IAM answer).
#[must_use]
pub fn requested_region(region: Option<&str>, resource: &str) -> String {
    match region {
        Some(r) => r.to_owned(),
        None => match resource.split(':').nth(3) {
            Some(r) if !r.is_empty() && resource.starts_with("arn:") => r.to_owned(),
            _ => DEFAULT_REGION.to_owned(),
        },
    }
}

/// The organization id of `account`, when the data puts it in one.
#[must_use]
pub fn org_id<'i>(inv: &'i Inventory, account: &str) -> Option<&'i str> {
    inv.account(account)
        .and_then(|a| a.organization.as_ref())
        .map(|o| o.org_id.as_str())
}

/// The keys of a role as the resource of a request, as the role is (no caller's session
/// tags): `aws:ResourceAccount`, `aws:ResourceOrgID` when its account is in an organization
/// (`org_id`), and its tags under `iam:ResourceTag/` and `aws:ResourceTag/`
/// ([SAR:awsidentityandaccessmanagementiam]; [UG:reference_policies_examples_iam-assume-tagged-role]).
pub fn role_resource_pairs<'r>(
    role: &'r Role,
    org_id: Option<&'r str>,
) -> impl Iterator<Item = (Cow<'static, str>, &'r str)> + 'r {
    std::iter::once((Cow::Borrowed("aws:ResourceAccount"), role.account.as_str()))
        .chain(org_id.map(|o| (Cow::Borrowed("aws:ResourceOrgID"), o)))
        .chain(role.tags.iter().flat_map(|t| {
            [
                (
                    Cow::Owned(prefixed("iam:ResourceTag/", &t.key)),
                    t.value.as_str(),
                ),
                (
                    Cow::Owned(prefixed("aws:ResourceTag/", &t.key)),
                    t.value.as_str(),
                ),
            ]
        }))
}

/// Who makes a request, as far as the keys AWS adds for the principal go (IAM-RULES §6).
/// Every interface describes its caller this way, so the same caller gets the same keys.
#[derive(Debug, Clone, Copy)]
pub struct Requester<'a> {
    pub principal: &'a Principal,
    /// The IAM user in the data: the principal itself, or for a federated-user session the
    /// user that called `GetFederationToken`.
    pub user: Option<&'a User>,
    /// The role in the data whose session makes the request.
    pub role: Option<&'a Role>,
    /// Signed with temporary credentials: a role or federated-user session, or a user's
    /// `GetSessionToken` credentials.
    pub temporary: bool,
    /// When the temporary credentials were issued; `None`: at the request's time.
    pub issued_at: Option<DateTime<Utc>>,
    /// When the caller authenticated with MFA, if it did.
    pub mfa_authenticated_at: Option<DateTime<Utc>>,
    /// The session's tags (key, value), inherited transitive tags included.
    pub session_tags: &'a [(&'a str, &'a str)],
    pub source_identity: Option<&'a str>,
    /// For web-identity and SAML role sessions: the identity provider.
    pub federated_provider: Option<&'a str>,
}

impl<'a> Requester<'a> {
    /// A principal with long-term credentials and nothing else known about it.
    #[must_use]
    pub fn new(principal: &'a Principal) -> Self {
        Self {
            principal,
            user: None,
            role: None,
            temporary: false,
            issued_at: None,
            mfa_authenticated_at: None,
            session_tags: &[],
            source_identity: None,
            federated_provider: None,
        }
    }
}

/// Builds a request context, leaving out keys no policy reads when given a filter.
#[derive(Debug)]
pub struct ContextBuilder<'f> {
    pub ctx: RequestContext,
    filter: Option<&'f KeyFilter>,
    buf: String,
}

impl<'f> ContextBuilder<'f> {
    /// A builder that keeps every key (`None`) or only the keys `filter` says are read.
    #[must_use]
    pub fn new(filter: Option<&'f KeyFilter>) -> Self {
        Self {
            ctx: RequestContext::with_capacity(28),
            filter,
            buf: String::new(),
        }
    }

    /// True when `key` should be set (always, without a filter).
    pub fn wants(&mut self, key: &str) -> bool {
        let Some(f) = self.filter else { return true };
        self.buf.clear();
        if key.is_ascii() {
            self.buf.push_str(key);
            self.buf.make_ascii_lowercase();
        } else {
            self.buf.extend(key.chars().flat_map(char::to_lowercase));
        }
        f.reads(&self.buf)
    }

    /// True when some key under `lowercase_prefix` (e.g. `aws:principaltag/`) may be read.
    #[must_use]
    pub fn wants_prefix(&self, lowercase_prefix: &str) -> bool {
        self.filter.is_none_or(|f| f.reads_prefix(lowercase_prefix))
    }

    /// Sets `key` when it is wanted. Key names written in the code cost no copy.
    pub fn insert(
        &mut self,
        key: impl Into<Cow<'static, str>> + AsRef<str>,
        value: impl Into<ContextValue>,
    ) {
        if self.wants(key.as_ref()) {
            match key.into() {
                Cow::Borrowed(k) => self.ctx.insert_static(k, value),
                Cow::Owned(k) => self.ctx.insert(k, value),
            }
        }
    }

    /// Sets `key` whatever the filter says (keys the request itself gives).
    pub fn force(&mut self, key: impl Into<String>, value: impl Into<ContextValue>) {
        self.ctx.insert(key, value);
    }

    /// The context built.
    #[must_use]
    pub fn finish(self) -> RequestContext {
        self.ctx
    }

    /// The keys of any request to any resource: the clock and region keys, the principal's
    /// keys, and the resource's ([`ContextBuilder::clock`], [`ContextBuilder::principal`],
    /// [`ContextBuilder::resource`]). `region` `None`: the resource ARN's region, else
    /// [`DEFAULT_REGION`].
    pub fn request(
        &mut self,
        inv: &Inventory,
        who: &Requester<'_>,
        resource: &str,
        resource_account: Option<&str>,
        region: Option<&str>,
        now: DateTime<Utc>,
    ) {
        self.clock(now, Some(&requested_region(region, resource)));
        self.principal(inv, who, now);
        self.resource(inv, resource, resource_account);
    }

    /// The keys every request carries: `aws:CurrentTime`, `aws:EpochTime`,
    /// `aws:SecureTransport` (true: SDKs and the CLI sign over HTTPS; a request sets it false
    /// to model HTTP) and `aws:RequestedRegion` when the region is known.
    pub fn clock(&mut self, now: DateTime<Utc>, region: Option<&str>) {
        if self.wants("aws:currenttime") {
            self.insert("aws:CurrentTime", time_text(now));
        }
        if self.wants("aws:epochtime") {
            self.insert("aws:EpochTime", now.timestamp().to_string());
        }
        self.insert("aws:SecureTransport", "true");
        if let Some(r) = region {
            self.insert("aws:RequestedRegion", r);
        }
    }

    /// The keys AWS adds for the principal (IAM-RULES §6, [UG:reference_policies_condition-keys]):
    /// - `aws:ViaAWSService` false (a call made directly, not by a service on the principal's
    ///   behalf) and `aws:PrincipalIsAWSService`, present in every request and true only for a
    ///   service principal, which also gets `aws:PrincipalServiceName`;
    /// - for IAM identities `aws:PrincipalArn` (the role ARN for a role session),
    ///   `aws:PrincipalAccount`, `aws:PrincipalOrgID` (account in an organization);
    /// - `aws:PrincipalType`, `aws:userid` (user id; `AROA…:session`; `account:name` for a
    ///   federated user; the account id for root), `aws:username` (users only);
    /// - `aws:PrincipalTag/*`: a user's tags; a role session's role tags, or a federated
    ///   user's user tags, overridden by the session's tags (keys compared without case);
    /// - `aws:MultiFactorAuthPresent` (true with MFA; false for temporary credentials
    ///   without; absent for long-term keys without) and `aws:MultiFactorAuthAge`;
    /// - temporary credentials: `aws:TokenIssueTime`; role sessions: `aws:SourceIdentity`
    ///   and `aws:FederatedProvider` when the session has them.
    pub fn principal(&mut self, inv: &Inventory, who: &Requester<'_>, now: DateTime<Utc>) {
        let p = who.principal;
        self.insert("aws:ViaAWSService", "false");
        let service = p.kind == PrincipalType::Service;
        self.insert(
            "aws:PrincipalIsAWSService",
            if service { "true" } else { "false" },
        );
        if service {
            self.insert("aws:PrincipalServiceName", p.arn.as_str());
        }
        if let Some(t) = p.kind.context_value() {
            self.insert("aws:PrincipalType", t);
        }
        if p.kind.is_iam_identity() {
            self.insert("aws:PrincipalArn", p.principal_arn());
            if let Some(a) = p.account.as_deref() {
                self.insert("aws:PrincipalAccount", a);
                if let Some(org) = org_id(inv, a) {
                    self.insert("aws:PrincipalOrgID", org);
                }
            }
        }
        match p.kind {
            PrincipalType::User => {
                if let Some(u) = who.user {
                    self.insert("aws:userid", u.user_id.as_str());
                }
                if let Some(name) = who.user.map(|u| u.name.as_str()).or_else(|| p.name()) {
                    self.insert("aws:username", name);
                }
            }
            PrincipalType::AssumedRole => {
                if let (Some(r), Some(s)) = (who.role, p.session_name.as_deref())
                    && self.wants("aws:userid")
                {
                    self.insert("aws:userid", [r.role_id.as_str(), ":", s].concat());
                }
            }
            PrincipalType::FederatedUser => {
                if let (Some(a), Some(n)) = (p.account.as_deref(), p.name())
                    && self.wants("aws:userid")
                {
                    self.insert("aws:userid", [a, ":", n].concat());
                }
            }
            PrincipalType::Root => {
                if let Some(a) = p.account.as_deref() {
                    self.insert("aws:userid", a);
                }
            }
            PrincipalType::Service
            | PrincipalType::WebIdentity
            | PrincipalType::Saml
            | PrincipalType::Anonymous => {}
        }
        if self.wants_prefix("aws:principaltag/") {
            let own = match p.kind {
                PrincipalType::User | PrincipalType::FederatedUser => who.user.map(|u| &u.tags),
                PrincipalType::AssumedRole => who.role.map(|r| &r.tags),
                _ => None,
            };
            for t in own.into_iter().flatten() {
                self.insert(prefixed("aws:PrincipalTag/", &t.key), t.value.as_str());
            }
            if matches!(
                p.kind,
                PrincipalType::AssumedRole | PrincipalType::FederatedUser
            ) {
                for (k, v) in who.session_tags {
                    self.insert(prefixed("aws:PrincipalTag/", k), *v);
                }
            }
        }
        match who.mfa_authenticated_at {
            Some(at) => {
                self.insert("aws:MultiFactorAuthPresent", "true");
                if self.wants("aws:multifactorauthage") {
                    self.insert(
                        "aws:MultiFactorAuthAge",
                        (now - at).num_seconds().max(0).to_string(),
                    );
                }
            }
            None if who.temporary => self.insert("aws:MultiFactorAuthPresent", "false"),
            None => {}
        }
        if who.temporary && self.wants("aws:tokenissuetime") {
            self.insert(
                "aws:TokenIssueTime",
                time_text(who.issued_at.unwrap_or(now)),
            );
        }
        if p.kind == PrincipalType::AssumedRole {
            if let Some(si) = who.source_identity {
                self.insert("aws:SourceIdentity", si);
            }
            if let Some(fp) = who.federated_provider {
                self.insert("aws:FederatedProvider", fp);
            }
        }
    }

    /// The resource's keys for a request on any resource: `aws:ResourceAccount` and
    /// `aws:ResourceOrgID` whenever the resource's account is known, and for an IAM role or
    /// user its tags under `aws:ResourceTag/` and, as IAM's own key for them,
    /// `iam:ResourceTag/` ([SAR:awsidentityandaccessmanagementiam], condition keys).
    pub fn resource(&mut self, inv: &Inventory, resource: &str, resource_account: Option<&str>) {
        if let Some(role) = inv.role_by_arn(resource) {
            self.role_resource(inv, role, &[]);
            return;
        }
        if let Some(acct) = resource_account {
            self.insert("aws:ResourceAccount", acct);
            if let Some(org) = org_id(inv, acct) {
                self.insert("aws:ResourceOrgID", org);
            }
        }
        if let Some(u) = inv.user_by_arn(resource) {
            for t in &u.tags {
                self.insert(prefixed("aws:ResourceTag/", &t.key), t.value.as_str());
                self.insert(prefixed("iam:ResourceTag/", &t.key), t.value.as_str());
            }
        }
    }

    /// The keys of a role as the resource: [`role_resource_pairs`], then the caller's
    /// inherited transitive tags (key, value) over the role's `aws:ResourceTag/*` (IAM-RULES
    /// §3.5, the "chaining roles with session tags" paragraph); `iam:ResourceTag/*` stays the
    /// role's own.
    pub fn role_resource(
        &mut self,
        inv: &Inventory,
        role: &Role,
        inherited_transitive: &[(&str, &str)],
    ) {
        for (k, v) in role_resource_pairs(role, org_id(inv, &role.account)) {
            self.insert(k, v);
        }
        for (k, v) in inherited_transitive {
            self.insert(prefixed("aws:ResourceTag/", k), *v);
        }
    }

    /// `aws:RequestTag/*` and `aws:TagKeys` for tags (key, value) passed in the call, and
    /// `sts:TransitiveTagKeys`.
    pub fn request_tags<'t>(
        &mut self,
        tags: impl IntoIterator<Item = (&'t str, &'t str)>,
        transitive: &[String],
    ) {
        let mut keys = Vec::new();
        for (k, v) in tags {
            self.insert(prefixed("aws:RequestTag/", k), v);
            keys.push(k.to_owned());
        }
        if !keys.is_empty() {
            self.insert("aws:TagKeys", ContextValue::Multi(keys));
        }
        if !transitive.is_empty() {
            self.insert(
                "sts:TransitiveTagKeys",
                ContextValue::Multi(transitive.to_vec()),
            );
        }
    }

    /// Keys the request itself gives, set last so they override what AWS would add.
    pub fn supplied(&mut self, context: &RequestContext) {
        for (k, v) in context.iter() {
            self.force(k, v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const MARIA: &str = "arn:aws:iam::111111111111:user/people/maria.garcia";
    const OPS_ENTRY: &str = "arn:aws:iam::111111111111:role/OpsEntry";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
    }

    fn keys(inv: &Inventory, who: &Requester<'_>) -> RequestContext {
        let mut b = ContextBuilder::new(None);
        b.principal(inv, who, now());
        b.finish()
    }

    fn single<'c>(c: &'c RequestContext, k: &str) -> Option<&'c str> {
        c.get(k).and_then(ContextValue::single)
    }

    /// IAM-RULES §6 and §3.4, [UG:reference_policies_condition-keys]: an IAM user signing with
    /// its long-term keys has `aws:username` and `aws:userid`, no `aws:TokenIssueTime`, and no
    /// `aws:MultiFactorAuthPresent` at all without MFA (true with it).
    #[test]
    fn reference_policies_condition_keys_a_user_with_long_term_keys() {
        let inv = crate::engine::load::load_demo().unwrap();
        let user = inv.user_by_arn(MARIA).unwrap();
        let p = Principal::user(MARIA, "111111111111");
        let c = keys(
            &inv,
            &Requester {
                user: Some(user),
                ..Requester::new(&p)
            },
        );
        assert_eq!(single(&c, "aws:username"), Some("maria.garcia"));
        assert_eq!(single(&c, "aws:userid"), Some(user.user_id.as_str()));
        assert_eq!(single(&c, "aws:PrincipalArn"), Some(MARIA));
        assert_eq!(single(&c, "aws:PrincipalType"), Some("User"));
        assert_eq!(single(&c, "aws:ViaAWSService"), Some("false"));
        assert_eq!(single(&c, "aws:PrincipalIsAWSService"), Some("false"));
        assert!(!c.contains("aws:MultiFactorAuthPresent"));
        assert!(!c.contains("aws:TokenIssueTime"));
        let with_mfa = keys(
            &inv,
            &Requester {
                user: Some(user),
                mfa_authenticated_at: Some(now() - chrono::Duration::seconds(90)),
                ..Requester::new(&p)
            },
        );
        assert_eq!(
            single(&with_mfa, "aws:MultiFactorAuthPresent"),
            Some("true")
        );
        assert_eq!(single(&with_mfa, "aws:MultiFactorAuthAge"), Some("90"));
    }

    /// IAM-RULES §6, §3.5: a role session's `aws:PrincipalArn` is the role's ARN, its
    /// `aws:userid` `AROA…:session`, its principal tags the role's overridden by the
    /// session's (keys without case), `aws:TokenIssueTime` always present (the request's
    /// time when the issue time is not known) and `aws:MultiFactorAuthPresent` false.
    #[test]
    fn reference_policies_condition_keys_a_role_session() {
        let inv = crate::engine::load::load_demo().unwrap();
        let role = inv.role_by_arn(OPS_ENTRY).unwrap();
        let p = Principal::role_session(OPS_ENTRY, "maria");
        let tags = [("Team", "ops")];
        let c = keys(
            &inv,
            &Requester {
                role: Some(role),
                temporary: true,
                session_tags: &tags,
                ..Requester::new(&p)
            },
        );
        assert_eq!(single(&c, "aws:PrincipalArn"), Some(OPS_ENTRY));
        assert_eq!(
            single(&c, "aws:userid"),
            Some(format!("{}:maria", role.role_id).as_str())
        );
        assert_eq!(single(&c, "aws:PrincipalTag/team"), Some("ops"));
        assert_eq!(
            single(&c, "aws:TokenIssueTime"),
            Some("2026-11-24T12:00:00Z")
        );
        assert_eq!(single(&c, "aws:MultiFactorAuthPresent"), Some("false"));
        assert!(!c.contains("aws:username"));
        assert_eq!(single(&c, "aws:PrincipalOrgID"), Some("o-acme7x2k9q"));
    }

    #[test]
    fn time_texts_are_what_chrono_writes() {
        for t in [
            "2026-11-24T09:00:00Z",
            "0001-01-01T00:00:00Z",
            "1970-01-01T00:00:00.5Z",
            "9999-12-31T23:59:59.999999999Z",
            "2024-02-29T12:34:56.000123Z",
            "1987-06-15T13:47:38Z",
            "0999-10-05T03:09:07Z",
        ] {
            let t: DateTime<Utc> = t.parse().unwrap();
            assert_eq!(time_text(t), t.to_rfc3339_opts(SecondsFormat::Secs, true));
            if let Some(b) = rfc3339_seconds(t).filter(|_| t.timestamp_subsec_nanos() == 0) {
                assert_eq!(format!("{}+00:00", rfc3339_str(&b)), t.to_rfc3339());
            }
        }
    }
}
