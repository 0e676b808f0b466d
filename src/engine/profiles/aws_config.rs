//! The AWS CLI's config file (`~/.aws/config`) read as the CLI reads it: `[default]`,
//! `[profile NAME]` and `[sso-session NAME]` sections of `key = value` lines, `#`/`;`
//! comments, and indented sub-settings (`s3 =` then indented lines), which are skipped.
//! Only the keys that make a role chain are kept; the credentials file is never read.
//! <https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html>

use std::collections::BTreeMap;

/// One profile's chain-making settings, with the line of its section header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub line: usize,
    pub role_arn: Option<String>,
    pub source_profile: Option<String>,
    /// `Environment`, `Ec2InstanceMetadata` or `EcsContainer`.
    pub credential_source: Option<String>,
    pub mfa_serial: Option<String>,
    pub external_id: Option<String>,
    /// As written; checked when simulated (STS's own range applies).
    pub duration_seconds: Option<String>,
    pub role_session_name: Option<String>,
    pub web_identity_token_file: Option<String>,
    pub credential_process: Option<String>,
    pub sso_session: Option<String>,
    pub sso_start_url: Option<String>,
    pub sso_account_id: Option<String>,
    pub sso_role_name: Option<String>,
}

impl Profile {
    /// True for an IAM Identity Center profile (an account and a permission set).
    #[must_use]
    pub fn is_sso(&self) -> bool {
        self.sso_account_id.is_some() || self.sso_role_name.is_some()
    }
}

/// The profiles of a config file, in file order, and its `sso-session` sections' names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsConfig {
    pub profiles: Vec<Profile>,
    pub sso_sessions: BTreeMap<String, usize>,
}

impl AwsConfig {
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }
}

/// A line of the file that is not AWS config syntax.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{file}` line {line}: {message}")]
pub struct ConfigSyntaxError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

enum Section {
    None,
    Profile(usize),
    Other,
}

/// Parses the text of an AWS CLI config file; `file` names it in errors.
///
/// # Errors
/// The first line that is neither a section header, a setting, a sub-setting nor a
/// comment, or a setting before any section.
pub fn parse(text: &str, file: &str) -> Result<AwsConfig, ConfigSyntaxError> {
    let mut out = AwsConfig::default();
    let mut section = Section::None;
    let err = |line: usize, message: String| ConfigSyntaxError {
        file: file.to_owned(),
        line,
        message,
    };
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        // An indented line continues the previous setting (a nested sub-setting).
        if raw.starts_with([' ', '\t']) && !matches!(section, Section::None) {
            continue;
        }
        if let Some(header) = trimmed.strip_prefix('[') {
            let Some(header) = header.strip_suffix(']') else {
                return Err(err(
                    n,
                    format!("`{trimmed}` opens a section but has no closing `]`"),
                ));
            };
            let header = header.trim();
            let words: Vec<&str> = header.split_whitespace().collect();
            section = match words.as_slice() {
                ["default"] => Section::Profile(new_profile(&mut out, "default", n)),
                ["profile", name] => Section::Profile(new_profile(&mut out, name, n)),
                ["sso-session", name] => {
                    out.sso_sessions.insert((*name).to_owned(), n);
                    Section::Other
                }
                _ => Section::Other,
            };
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            return Err(err(
                n,
                format!("`{trimmed}` is neither `[section]` nor `key = value`"),
            ));
        };
        let (key, value) = (key.trim(), value.trim());
        let profile = match section {
            Section::None => {
                return Err(err(
                    n,
                    format!("setting `{key}` comes before any `[profile NAME]` section"),
                ));
            }
            Section::Other => continue,
            Section::Profile(p) => &mut out.profiles[p],
        };
        let value = (!value.is_empty()).then(|| value.to_owned());
        let slot = match key {
            "role_arn" => &mut profile.role_arn,
            "source_profile" => &mut profile.source_profile,
            "credential_source" => &mut profile.credential_source,
            "mfa_serial" => &mut profile.mfa_serial,
            "external_id" => &mut profile.external_id,
            "duration_seconds" => &mut profile.duration_seconds,
            "role_session_name" => &mut profile.role_session_name,
            "web_identity_token_file" => &mut profile.web_identity_token_file,
            "credential_process" => &mut profile.credential_process,
            "sso_session" => &mut profile.sso_session,
            "sso_start_url" => &mut profile.sso_start_url,
            "sso_account_id" => &mut profile.sso_account_id,
            "sso_role_name" => &mut profile.sso_role_name,
            // region, output, cli_pager, s3 … : not part of a chain.
            _ => continue,
        };
        *slot = value;
    }
    Ok(out)
}

/// The profile `name`, made when first seen (a profile may be split over two sections;
/// the later settings win, as in the CLI).
fn new_profile(out: &mut AwsConfig, name: &str, line: usize) -> usize {
    if let Some(i) = out.profiles.iter().position(|p| p.name == name) {
        return i;
    }
    out.profiles.push(Profile {
        name: name.to_owned(),
        line,
        ..Profile::default()
    });
    out.profiles.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_profiles_sso_sessions_and_skips_sub_settings_and_comments() {
        let text = "\
# comment
[default]
region = eu-west-1
s3 =
  max_concurrent_requests = 20
[profile ops]
role_arn = arn:aws:iam::111111111111:role/OpsEntry
source_profile = default
mfa_serial = arn:aws:iam::111111111111:mfa/maria
; another comment
duration_seconds = 3600
[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
[profile admin]
sso_session = acme
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
";
        let c = parse(text, "config").unwrap();
        assert_eq!(c.profiles.len(), 3);
        let ops = c.get("ops").unwrap();
        assert_eq!(ops.line, 6);
        assert_eq!(ops.source_profile.as_deref(), Some("default"));
        assert_eq!(ops.duration_seconds.as_deref(), Some("3600"));
        assert!(c.get("admin").unwrap().is_sso());
        assert_eq!(c.sso_sessions.get("acme"), Some(&12));
    }

    #[test]
    fn a_line_that_is_not_config_is_located() {
        let e = parse("[profile a]\nrole_arn\n", "cfg").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.to_string()
                .starts_with("`cfg` line 2: `role_arn` is neither")
        );
        let e = parse("region = x\n", "cfg").unwrap_err();
        assert!(e.message.contains("before any"), "{e}");
        let e = parse("[profile a\n", "cfg").unwrap_err();
        assert!(e.message.contains("closing"), "{e}");
    }
}
