//! Running the user's own `aws` CLI: one subprocess per call, JSON out, failures sorted.
//!
//! Every call is `aws [--profile P] [--endpoint-url U] [--region R] SERVICE OPERATION ARGS
//! --output json`, run with `tokio::process` so several can wait at once. The CLI keeps doing
//! what it does for the user — credentials of every kind, its retries, its pagination — and
//! this module only reads what it prints: the JSON on stdout, or the error on stderr, which
//! [`Failure`] sorts into what the collector must do next (record and go on, retry, or stop
//! because the credentials themselves are gone).

use std::collections::HashSet;
use std::ffi::OsString;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Map, Value};

/// How many items one paginated call asks for (`--max-items`); the CLI hands back a
/// `NextToken` when there are more.
const PAGE_ITEMS: &str = "1000";
/// A safety net against a CLI that keeps answering with new tokens.
const MAX_PAGES: usize = 100_000;
/// Pauses before calling again after the CLI gave up on a throttled call (it already retried).
const THROTTLE_PAUSES: [Duration; 2] = [Duration::from_secs(1), Duration::from_secs(3)];
/// The longest stretch of a CLI message kept in a record.
const MESSAGE_LIMIT: usize = 2000;

/// Temporary credentials of an assumed role, passed to the CLI in its environment.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
}

/// How to run the CLI for one account.
#[derive(Debug, Clone)]
pub struct Aws {
    /// The program to run; `aws`, found on PATH.
    pub program: OsString,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// Set for a member account reached through `--assume-role`: the profile is then not
    /// passed, the credentials are.
    pub credentials: Option<Credentials>,
    /// The region for calls that name none (the CLI's own default when `None`).
    pub default_region: Option<String>,
}

/// Why a call gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The `aws` program is not on PATH (or cannot be run).
    Missing(String),
    /// AWS refused the call (AccessDenied and the like).
    Denied(String),
    /// Throttled even after the CLI's own retries and ours.
    Throttled(String),
    /// The credentials are gone: SSO session expired, profile unknown, no credentials,
    /// expired or rejected keys. Every further call would fail the same way.
    Credentials(CredentialProblem, String),
    /// The CLI printed something that is not JSON.
    Garbage(String),
    /// Any other error, with AWS's error code when it printed one.
    Other(Option<String>, String),
}

/// Which credential problem, for the one line that says what to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialProblem {
    SsoExpired,
    ProfileNotFound,
    NoCredentials,
    Rejected,
}

impl Failure {
    /// The message to keep in the bundle: AWS's (or the CLI's) own words.
    #[must_use]
    pub fn message(&self) -> &str {
        match self {
            Self::Missing(m)
            | Self::Denied(m)
            | Self::Throttled(m)
            | Self::Credentials(_, m)
            | Self::Garbage(m)
            | Self::Other(_, m) => m,
        }
    }

    /// True when no further call with the same credentials can succeed.
    #[must_use]
    pub fn is_fatal(&self) -> bool {
        matches!(self, Self::Missing(_) | Self::Credentials(..))
    }

    /// AWS's error code, when it printed one.
    #[must_use]
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Other(code, _) => code.as_deref(),
            _ => None,
        }
    }
}

/// The error code in the CLI's `An error occurred (Code) when calling …` line.
fn error_code(stderr: &str) -> Option<&str> {
    let start = stderr.find("An error occurred (")? + "An error occurred (".len();
    let len = stderr[start..].find(')')?;
    Some(&stderr[start..start + len])
}

/// The meaningful part of what the CLI printed on stderr: its last non-empty lines, trimmed
/// and bounded.
fn clean_message(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // The CLI's own error is the last line; a traceback or a usage block comes before it.
    let text = lines
        .last()
        .copied()
        .unwrap_or("the AWS CLI failed without a message");
    bounded(text)
}

fn bounded(text: &str) -> String {
    if text.len() <= MESSAGE_LIMIT {
        return text.to_owned();
    }
    let mut end = MESSAGE_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Sorts a failed call's stderr.
#[must_use]
pub fn classify(stderr: &str) -> Failure {
    let message = clean_message(stderr);
    let lower = stderr.to_ascii_lowercase();
    if lower.contains("sso session associated with this profile has expired")
        || lower.contains("error loading sso token")
        || lower.contains("error when retrieving token from sso")
        || lower.contains("token has expired and refresh failed")
        || lower.contains("sso token") && (lower.contains("expired") || lower.contains("invalid"))
    {
        return Failure::Credentials(CredentialProblem::SsoExpired, message);
    }
    if lower.contains("the config profile (") && lower.contains("could not be found") {
        return Failure::Credentials(CredentialProblem::ProfileNotFound, message);
    }
    if lower.contains("unable to locate credentials") {
        return Failure::Credentials(CredentialProblem::NoCredentials, message);
    }
    match error_code(stderr) {
        Some(
            "ExpiredToken"
            | "ExpiredTokenException"
            | "RequestExpired"
            | "InvalidClientTokenId"
            | "UnrecognizedClientException"
            | "InvalidAccessKeyId"
            | "SignatureDoesNotMatch",
        ) => Failure::Credentials(CredentialProblem::Rejected, message),
        Some(
            "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "AuthorizationError"
            | "AuthorizationErrorException"
            | "Forbidden",
        ) => Failure::Denied(message),
        Some(
            "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "TooManyRequestsException"
            | "RequestLimitExceeded"
            | "RequestThrottled"
            | "RequestThrottledException"
            | "SlowDown"
            | "PriorRequestNotComplete",
        ) => Failure::Throttled(message),
        code => Failure::Other(code.map(str::to_owned), message),
    }
}

/// A page's list keys collected across pages, each entry kept once (the CLI's resume
/// tokens can repeat entries of the non-primary keys of a multi-key result).
#[derive(Debug, Default)]
pub struct Pages {
    pub lists: Map<String, Value>,
    seen: HashSet<String>,
}

impl Pages {
    fn add(&mut self, key: &str, page: &mut Map<String, Value>) {
        let Some(Value::Array(items)) = page.remove(key) else {
            return;
        };
        let list = self
            .lists
            .entry(key.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = list {
            for item in items {
                let fingerprint = format!("{key}\u{0}{item}");
                if self.seen.insert(fingerprint) {
                    list.push(item);
                }
            }
        }
    }

    /// The entries of `key`, or an empty slice.
    #[must_use]
    pub fn list(&self, key: &str) -> &[Value] {
        match self.lists.get(key) {
            Some(Value::Array(l)) => l,
            _ => &[],
        }
    }

    /// Takes the entries of `key` out.
    pub fn take(&mut self, key: &str) -> Vec<Value> {
        match self.lists.remove(key) {
            Some(Value::Array(l)) => l,
            _ => Vec::new(),
        }
    }
}

impl Aws {
    fn command(&self, region: Option<&str>, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&self.program);
        if let Some(c) = &self.credentials {
            cmd.env("AWS_ACCESS_KEY_ID", &c.access_key_id)
                .env("AWS_SECRET_ACCESS_KEY", &c.secret_access_key)
                .env("AWS_SESSION_TOKEN", &c.session_token)
                .env_remove("AWS_PROFILE")
                .env_remove("AWS_DEFAULT_PROFILE");
        } else if let Some(p) = &self.profile {
            cmd.arg("--profile").arg(p);
        }
        if let Some(u) = &self.endpoint_url {
            cmd.arg("--endpoint-url").arg(u);
        }
        if let Some(r) = region.or(self.default_region.as_deref()) {
            cmd.arg("--region").arg(r);
        }
        cmd.args(args)
            .arg("--output")
            .arg("json")
            // CLI v2 pages its output through `less` unless told not to.
            .env("AWS_PAGER", "")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    /// Runs `aws --version` and returns its line.
    ///
    /// # Errors
    /// [`Failure::Missing`] when the program cannot be started.
    pub async fn version(&self) -> Result<String, Failure> {
        let output = tokio::process::Command::new(&self.program)
            .arg("--version")
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output()
            .await
            .map_err(|e| self.missing(&e))?;
        // CLI v1 printed its version on stderr before 1.x.y; v2 prints it on stdout.
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .to_owned())
    }

    fn missing(&self, e: &std::io::Error) -> Failure {
        Failure::Missing(format!(
            "cannot run `{}`: {e}",
            self.program.to_string_lossy()
        ))
    }

    /// One call; the parsed JSON object it printed (empty for calls that print nothing).
    ///
    /// # Errors
    /// A [`Failure`] sorted from what the CLI printed; throttled calls are retried first.
    pub async fn call(
        &self,
        region: Option<&str>,
        args: &[&str],
        interactive: bool,
    ) -> Result<Map<String, Value>, Failure> {
        let mut pauses = THROTTLE_PAUSES.iter();
        loop {
            match self.call_once(region, args, interactive).await {
                Err(Failure::Throttled(m)) => match pauses.next() {
                    Some(p) => tokio::time::sleep(*p).await,
                    None => return Err(Failure::Throttled(m)),
                },
                other => return other,
            }
        }
    }

    async fn call_once(
        &self,
        region: Option<&str>,
        args: &[&str],
        interactive: bool,
    ) -> Result<Map<String, Value>, Failure> {
        let mut cmd = self.command(region, args);
        if interactive {
            // A profile may prompt for an MFA code (on the terminal) the first time.
            cmd.stdin(Stdio::inherit());
        }
        let output = cmd.output().await.map_err(|e| self.missing(&e))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(classify(&String::from_utf8_lossy(&output.stderr)));
        }
        let text = stdout.trim();
        if text.is_empty() {
            return Ok(Map::new());
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err(Failure::Garbage(
                "the AWS CLI printed JSON that is not an object".to_owned(),
            )),
            Err(e) => {
                let excerpt: String = text.chars().take(80).collect();
                Err(Failure::Garbage(format!(
                    "the AWS CLI printed something that is not JSON ({e}): `{excerpt}`"
                )))
            }
        }
    }

    /// A paginated call: every page, following the CLI's `NextToken`, with the entries of
    /// `keys` gathered. `on_page` gets the number of entries so far after each page.
    ///
    /// # Errors
    /// The first page's or a later page's [`Failure`].
    pub async fn paged(
        &self,
        region: Option<&str>,
        args: &[&str],
        keys: &[&str],
        mut on_page: impl FnMut(usize),
    ) -> Result<Pages, Failure> {
        let mut pages = Pages::default();
        let mut token: Option<String> = None;
        let mut tokens_seen = HashSet::new();
        for _ in 0..MAX_PAGES {
            let mut full: Vec<&str> = args.to_vec();
            full.extend(["--max-items", PAGE_ITEMS]);
            if let Some(t) = &token {
                full.extend(["--starting-token", t.as_str()]);
            }
            let mut page = self.call(region, &full, false).await?;
            for k in keys {
                pages.add(k, &mut page);
            }
            on_page(keys.iter().map(|k| pages.list(k).len()).sum());
            match page.remove("NextToken") {
                Some(Value::String(t)) if !t.is_empty() => {
                    if !tokens_seen.insert(t.clone()) {
                        return Err(Failure::Garbage(format!(
                            "the AWS CLI gave the same NextToken `{}` twice",
                            bounded(&t)
                        )));
                    }
                    token = Some(t);
                }
                _ => return Ok(pages),
            }
        }
        Err(Failure::Garbage(format!(
            "the AWS CLI kept returning a NextToken after {MAX_PAGES} pages"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_denied_is_a_refusal() {
        let f = classify(
            "\nAn error occurred (AccessDenied) when calling the ListSAMLProviders operation: User: arn:aws:iam::1:user/x is not authorized\n",
        );
        assert!(
            matches!(f, Failure::Denied(ref m) if m.starts_with("An error occurred (AccessDenied)"))
        );
        assert!(!f.is_fatal());
    }

    #[test]
    fn expired_sso_session_is_fatal() {
        let f = classify(
            "Error when retrieving token from sso: Token has expired and refresh failed\n",
        );
        assert_eq!(
            f,
            Failure::Credentials(
                CredentialProblem::SsoExpired,
                "Error when retrieving token from sso: Token has expired and refresh failed"
                    .to_owned()
            )
        );
        assert!(f.is_fatal());
    }

    #[test]
    fn unknown_profile_and_missing_credentials() {
        assert!(matches!(
            classify("\nThe config profile (nope) could not be found\n"),
            Failure::Credentials(CredentialProblem::ProfileNotFound, _)
        ));
        assert!(matches!(
            classify(
                "Unable to locate credentials. You can configure credentials by running \"aws configure\"."
            ),
            Failure::Credentials(CredentialProblem::NoCredentials, _)
        ));
        assert!(matches!(
            classify(
                "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired"
            ),
            Failure::Credentials(CredentialProblem::Rejected, _)
        ));
    }

    #[test]
    fn throttling_and_other_codes() {
        assert!(matches!(
            classify(
                "An error occurred (Throttling) when calling the ListRoles operation (reached max retries: 4): Rate exceeded"
            ),
            Failure::Throttled(_)
        ));
        let f = classify(
            "An error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: The bucket policy does not exist",
        );
        assert_eq!(f.code(), Some("NoSuchBucketPolicy"));
    }

    #[test]
    fn pages_keep_each_entry_once() {
        let mut p = Pages::default();
        let mut a = serde_json::json!({"Roles": [{"Arn": "a"}, {"Arn": "b"}]});
        let mut b = serde_json::json!({"Roles": [{"Arn": "b"}, {"Arn": "c"}]});
        p.add("Roles", a.as_object_mut().unwrap());
        p.add("Roles", b.as_object_mut().unwrap());
        assert_eq!(p.list("Roles").len(), 3);
    }
}
