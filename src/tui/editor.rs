//! Editing a policy document for a what-if edit outside the built-in editor's buffer
//! ([`TextBuffer`](crate::tui::widgets::editor::TextBuffer)): finding the line a validation
//! finding's JSON path points at, and handing the text to the user's `$VISUAL`/`$EDITOR`
//! (the loop suspends the screen around it). Nothing here draws.

use std::collections::HashMap;
use std::io::Write;
use std::process::Command;

use crate::engine::whatif::{DocumentKind, EditError};

/// The 1-based line each JSON path of `text` starts on (`$`, `$.Statement`,
/// `$.Statement[1].Condition.StringEquals`), in the notation validation findings use.
/// Text that is not JSON yields what was read before the error.
#[must_use]
pub fn json_path_lines(text: &str) -> HashMap<String, usize> {
    enum Frame {
        Object { path: String, key: Option<String> },
        Array { path: String, index: usize },
    }
    let mut out = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    // The path of the value about to start.
    let value_path = |stack: &[Frame]| -> String {
        match stack.last() {
            None => "$".to_owned(),
            Some(Frame::Object { path, key }) => format!("{path}.{}", key.as_deref().unwrap_or("")),
            Some(Frame::Array { path, index }) => format!("{path}[{index}]"),
        }
    };
    let mut expecting_key = false;
    while let Some(ch) = chars.next() {
        match ch {
            '\n' => line += 1,
            '"' => {
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                s.push(e);
                            }
                        }
                        '"' => break,
                        '\n' => {
                            line += 1;
                            s.push(c);
                        }
                        _ => s.push(c),
                    }
                }
                if expecting_key {
                    if let Some(Frame::Object { key, .. }) = stack.last_mut() {
                        *key = Some(s);
                    }
                    expecting_key = false;
                } else {
                    out.entry(value_path(&stack)).or_insert(line);
                }
            }
            '{' => {
                let path = value_path(&stack);
                out.entry(path.clone()).or_insert(line);
                stack.push(Frame::Object { path, key: None });
                expecting_key = true;
            }
            '[' => {
                let path = value_path(&stack);
                out.entry(path.clone()).or_insert(line);
                stack.push(Frame::Array { path, index: 0 });
            }
            '}' | ']' => {
                stack.pop();
                expecting_key = false;
            }
            ',' => match stack.last_mut() {
                Some(Frame::Array { index, .. }) => *index += 1,
                Some(Frame::Object { .. }) => expecting_key = true,
                None => {}
            },
            c if !c.is_whitespace() && c != ':' => {
                out.entry(value_path(&stack)).or_insert(line);
            }
            _ => {}
        }
    }
    out
}

/// The 1-based line a JSON path points at: the path itself, or the nearest enclosing one
/// found (`$.Statement[0].Condition.Bool.aws:X` → the `Bool` line when the key is odd).
#[must_use]
pub fn locate(text: &str, path: &str) -> Option<usize> {
    let lines = json_path_lines(text);
    let mut p = path.to_owned();
    loop {
        if let Some(l) = lines.get(&p) {
            return Some(*l);
        }
        let cut = p.rfind(['.', '['])?;
        p.truncate(cut);
    }
}

/// Where an edit was refused: the message, and the 1-based line and column to put the
/// cursor on when the problem can be located.
#[must_use]
pub fn refusal(text: &str, err: &EditError) -> (String, Option<(usize, usize)>) {
    let at = match err {
        EditError::Syntax { line, column, .. } => Some((*line, *column)),
        EditError::Malformed { findings, .. } => findings.first().and_then(|f| {
            crate::engine::policy::validate::locate::locate(text, &f.path)
                .map(|p| (p.line, p.column))
                .or_else(|| locate(text, &f.path).map(|l| (l, 1)))
        }),
        _ => None,
    };
    let message = match (err, at) {
        (EditError::Malformed { .. }, Some((line, column))) => {
            format!("{line}:{column}: {err}")
        }
        _ => err.to_string(),
    };
    (message, at)
}

/// The Access Analyzer findings a saved document still has (warnings, and errors IAM lets
/// through), as one status line: how many, and the first with its line:column and code.
#[must_use]
pub fn findings_line(findings: &[crate::engine::lint::LintFinding]) -> Option<String> {
    let first = findings.first()?;
    let at = first
        .position
        .map(|p| format!("{}:{}: ", p.line, p.column))
        .unwrap_or_default();
    let sev = match first.finding.severity {
        crate::engine::policy::validate::Severity::Error => "error",
        crate::engine::policy::validate::Severity::Warning => "warning",
    };
    Some(format!(
        "saved with {} finding(s) IAM lets through — {at}{sev} {}: {}",
        findings.len(),
        first.finding.code,
        first.finding.message
    ))
}

/// A file name for the document being edited (the extension lets editors highlight it).
#[must_use]
pub fn file_name(role: &str, kind: &DocumentKind) -> String {
    let name = role.rsplit('/').next().unwrap_or("role");
    let what = match kind {
        DocumentKind::Trust => "trust-policy".to_owned(),
        DocumentKind::Inline(n) => format!("inline-{n}"),
        DocumentKind::Boundary => "boundary".to_owned(),
    };
    let safe: String = format!("{name}-{what}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("rolescope-{safe}.json")
}

/// The editor command the user chose: `$VISUAL`, else `$EDITOR`.
#[must_use]
pub fn configured() -> Option<String> {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(std::env::var_os)
        .map(|v| v.to_string_lossy().trim().to_owned())
        .find(|v| !v.is_empty())
}

/// Writes `text` to a temporary file named `name`, runs `editor` on it (the command may
/// carry arguments, as in `code --wait`), and reads the file back.
///
/// # Errors
/// A sentence saying what went wrong and what to do: the editor is not set, cannot be
/// started, exits with a failure, or the file cannot be written or read.
pub fn run_external(editor: Option<&str>, name: &str, text: &str) -> Result<String, String> {
    let editor = editor.ok_or(
        "no editor configured: set $EDITOR (or $VISUAL), or press e for the built-in editor",
    )?;
    let mut words = editor.split_whitespace();
    let program = words
        .next()
        .ok_or("$EDITOR is empty: set it, or press e for the built-in editor")?;
    let single = {
        let mut parts = std::path::Path::new(name).components();
        matches!(
            (parts.next(), parts.next()),
            (Some(std::path::Component::Normal(_)), None)
        )
    };
    if !single {
        return Err(format!(
            "`{name}` is not a plain file name; the document is edited in a private temporary directory"
        ));
    }
    // A private directory (mode 0700, unpredictable name) and a file created exclusively
    // in it: another local user can neither place a link where the document is written
    // nor read it.
    let mut builder = tempfile::Builder::new();
    builder.prefix("rolescope-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    let dir = builder
        .tempdir()
        .map_err(|e| format!("cannot create a private temporary directory: {e}"))?;
    let path = dir.path().join(name);
    let write = |path: &std::path::Path| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()
    };
    write(&path).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    let status = Command::new(program).args(words).arg(&path).status();
    let result = match status {
        Err(e) => Err(format!(
            "cannot start the editor `{editor}`: {e}; set $EDITOR to an installed editor, or press e for the built-in one"
        )),
        Ok(s) if !s.success() => Err(format!(
            "the editor `{editor}` exited with {s}; the edit was not applied"
        )),
        Ok(_) => std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read back `{}`: {e}", path.display())),
    };
    // Removes the file and anything the editor left beside it (swap or backup files).
    if let Err(e) = dir.close() {
        return result.and(Err(format!("cannot remove the temporary directory: {e}")));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_map_to_their_lines() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\"\n    },\n    {\n      \"Effect\": \"Alow\",\n      \"Action\": \"s3:*\"\n    }\n  ]\n}\n";
        let lines = json_path_lines(text);
        assert_eq!(lines["$.Version"], 2);
        assert_eq!(lines["$.Statement[1]"], 7);
        assert_eq!(lines["$.Statement[1].Effect"], 8);
        assert_eq!(locate(text, "$.Statement[1].Action"), Some(9));
        // An unknown key falls back to its statement.
        assert_eq!(locate(text, "$.Statement[1].Resource"), Some(7));
    }

    #[test]
    fn a_missing_or_failing_editor_is_reported_not_fatal() {
        let e = run_external(None, "missing.json", "{}").unwrap_err();
        assert!(e.contains("set $EDITOR"), "{e}");
        let e =
            run_external(Some("rolescope-no-such-editor-xyz"), "missing.json", "{}").unwrap_err();
        assert!(e.contains("cannot start the editor"), "{e}");
        let e = run_external(Some("false"), "failing.json", "{}").unwrap_err();
        assert!(e.contains("exited with"), "{e}");
    }

    /// The temporary file once lived at `/tmp/rolescope-<pid>-<n>/<name>`: another local
    /// user could create that directory first with a link named like the document, and the
    /// write went through the link (CWE-377, CWE-59).
    #[test]
    fn a_link_planted_at_the_old_predictable_path_is_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim.txt");
        std::fs::write(&victim, "precious\n").unwrap();
        let name = "planted-link-case.json";
        let mut planted = Vec::new();
        for n in 0..32 {
            let dir = std::env::temp_dir().join(format!("rolescope-{}-{n}", std::process::id()));
            if std::fs::create_dir(&dir).is_ok() {
                std::os::unix::fs::symlink(&victim, dir.join(name)).unwrap();
                planted.push(dir);
            }
        }
        let out = run_external(
            Some("sed -i s/Allow/Deny/"),
            name,
            "{\"Effect\":\"Allow\"}\n",
        );
        for dir in &planted {
            std::fs::remove_dir_all(dir).unwrap();
        }
        assert_eq!(out.unwrap(), "{\"Effect\":\"Deny\"}\n");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    }

    #[test]
    fn the_document_is_edited_in_a_private_directory_that_is_removed_after() {
        use std::os::unix::fs::PermissionsExt;
        // The "editor" writes its file's directory and that directory's mode into the file.
        let bin = tempfile::tempdir().unwrap();
        let script = bin.path().join("report-dir-mode");
        std::fs::write(
            &script,
            "#!/bin/sh\nd=$(dirname \"$1\")\nprintf '%s %s' \"$d\" \"$(stat -c %a \"$d\")\" > \"$1\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let out = run_external(Some(script.to_str().unwrap()), "mode.json", "{}").unwrap();
        let (dir, mode) = out.rsplit_once(' ').unwrap();
        assert_eq!(mode, "700", "{out}");
        let dir_name = std::path::Path::new(dir)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            !dir_name.contains(&std::process::id().to_string()),
            "the directory name must not be predictable: {dir}"
        );
        assert!(!std::path::Path::new(dir).exists(), "{dir} was left behind");
    }

    #[test]
    fn a_name_with_a_directory_part_is_refused() {
        for name in ["../escape.json", "a/b.json", "/etc/x.json", ".."] {
            let e = run_external(Some("true"), name, "{}").unwrap_err();
            assert!(e.contains("not a plain file name"), "{name}: {e}");
        }
    }

    #[test]
    fn an_editor_command_with_arguments_edits_the_file() {
        // `sed -i` stands in for a person: it rewrites the file in place and exits 0.
        let out = run_external(
            Some("sed -i s/Allow/Deny/"),
            "edited.json",
            "{\"Effect\":\"Allow\"}\n",
        )
        .unwrap();
        assert_eq!(out, "{\"Effect\":\"Deny\"}\n");
    }
}
