//! Writing what was collected as a bundle (docs/bundle.md): one object per account under
//! `Accounts`, with its `Provenance` and `NotCollected`. With `--merge`, an existing bundle
//! keeps the accounts not collected now. The file is written beside its final name and
//! renamed into place, so a failed run never leaves half a bundle.

use std::collections::BTreeSet;
use std::fmt;
use std::io::Write;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::Collected;
use super::account::AccountOut;
use crate::engine::model::DataPart;

/// The counts of the one-line summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub accounts: usize,
    pub roles: usize,
    pub users: usize,
    pub policies: usize,
    pub providers: usize,
    pub scps: usize,
    pub rcps: usize,
    pub resource_policies: usize,
    /// Calls recorded as not collected.
    pub errors: usize,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "collected {}: {}, {}, {}, {}, {}, {}, {}; {}",
            plural(self.accounts, "account", "accounts"),
            plural(self.roles, "role", "roles"),
            plural(self.users, "user", "users"),
            plural(self.policies, "managed policy", "managed policies"),
            plural(self.providers, "identity provider", "identity providers"),
            plural(self.scps, "SCP", "SCPs"),
            plural(self.rcps, "RCP", "RCPs"),
            plural(
                self.resource_policies,
                "resource policy",
                "resource policies"
            ),
            plural(self.errors, "call not collected", "calls not collected"),
        )
    }
}

/// One account as the bundle holds it, keys in a fixed order.
#[must_use]
pub fn account_object(out: &AccountOut, cli_version: &str) -> Map<String, Value> {
    let mut o = Map::new();
    if let Some(n) = &out.name {
        o.insert("Name".into(), json!(n));
    }
    let collected: Vec<DataPart> = out.collected.iter().copied().collect();
    o.insert(
        "Provenance".into(),
        json!({
            "CollectedAt": out.collected_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            "CallerArn": out.caller_arn,
            "CliVersion": cli_version,
            "ToolVersion": concat!("rolescope ", env!("CARGO_PKG_VERSION")),
            "Collected": collected,
        }),
    );
    o.insert(
        "NotCollected".into(),
        Value::Array(out.gaps.iter().map(super::Gap::to_json).collect()),
    );
    if let Some(org) = &out.organization {
        o.insert("Organization".into(), org.clone());
    }
    for (k, v) in &out.data {
        o.insert(k.clone(), v.clone());
    }
    o
}

/// Counts what the accounts hold.
#[must_use]
pub fn summary(collected: &Collected) -> Summary {
    let mut s = Summary::default();
    let mut scps = BTreeSet::new();
    let mut rcps = BTreeSet::new();
    for a in collected.accounts.values() {
        let count = |k: &str| a.data.get(k).and_then(Value::as_array).map_or(0, Vec::len);
        s.accounts += 1;
        s.roles += count("RoleDetailList");
        s.users += count("UserDetailList");
        s.policies += count("Policies");
        s.providers += count("IdentityProviders");
        s.resource_policies += count("ResourcePolicies");
        s.errors += a.gaps.len();
        for (key, set) in [("ScpsByLevel", &mut scps), ("RcpsByLevel", &mut rcps)] {
            let levels = a
                .organization
                .as_ref()
                .and_then(|o| o.get(key))
                .and_then(Value::as_array);
            for l in levels.into_iter().flatten() {
                for p in l
                    .get("PolicySummaries")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(id) = p.get("Id").and_then(Value::as_str) {
                        set.insert(id.to_owned());
                    }
                }
            }
        }
    }
    s.scps = scps.len();
    s.rcps = rcps.len();
    s
}

/// Writes the bundle to `path`; with `merge`, the accounts of an existing bundle there that
/// were not collected now are kept.
///
/// # Errors
/// A message naming the file: an existing bundle that cannot be read for `--merge`, or a file
/// that cannot be written.
pub fn write(collected: &Collected, path: &Path, merge: bool) -> Result<(), String> {
    let shown = path.display();
    let mut accounts = Map::new();
    if merge && path.exists() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{shown}` to merge into it: {e}"))?;
        let existing: Value = serde_json::from_str(&text).map_err(|e| {
            format!(
                "`{shown}` is not JSON (line {}, column {}: {e}); give `--out` a bundle written by `rolescope collect`, or drop `--merge`",
                e.line(),
                e.column()
            )
        })?;
        match existing.get("Accounts") {
            Some(Value::Object(a)) => accounts.clone_from(a),
            _ => {
                return Err(format!(
                    "`{shown}` is not a bundle (no `Accounts` object at `$.Accounts`); give `--out` a bundle written by `rolescope collect`, or drop `--merge`"
                ));
            }
        }
    }
    for (id, out) in &collected.accounts {
        accounts.insert(
            id.clone(),
            Value::Object(account_object(out, &collected.cli_version)),
        );
    }
    let mut sorted: Vec<(String, Value)> = accounts.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let bundle = json!({ "Accounts": Map::from_iter(sorted) });

    let file_name = path
        .file_name()
        .map_or_else(|| "bundle".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{file_name}.partial"));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        serde_json::to_writer_pretty(&mut f, &bundle)?;
        f.write_all(b"\n")?;
        f.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write `{shown}`: {e}")
    })
}
