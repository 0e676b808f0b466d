//! rolescope in a terminal user's set-up: shell completions, the man page, the
//! configuration file and the log file, as the binary gives them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use predicates::prelude::*;

fn rolescope(config: &Path) -> Command {
    let mut c = Command::cargo_bin("rolescope").unwrap();
    c.env("ROLESCOPE_CONFIG", config)
        .env_remove("ROLESCOPE_LOG")
        .env_remove("XDG_CONFIG_HOME");
    c
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bash_sources_the_completion_script_and_completes_subcommands_and_options() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("rolescope.bash");
    let text = stdout(rolescope(Path::new("/dev/null")).args(["completions", "bash"]));
    std::fs::write(&script, text).unwrap();
    // Completes `rolescope wh<TAB>` and `rolescope completions <TAB>` the way bash's
    // programmable completion calls the function: COMP_WORDS, COMP_CWORD, then
    // `_rolescope COMMAND WORD PREVIOUS`.
    let probe = format!(
        r#"set -e
source '{}'
complete -p rolescope
COMP_WORDS=(rolescope wh); COMP_CWORD=1; COMP_LINE='rolescope wh'; COMP_POINT=${{#COMP_LINE}}
_rolescope rolescope wh rolescope
echo "sub: ${{COMPREPLY[*]}}"
COMP_WORDS=(rolescope completions ''); COMP_CWORD=2; COMP_LINE='rolescope completions '; COMP_POINT=${{#COMP_LINE}}
_rolescope rolescope '' completions
echo "shells: ${{COMPREPLY[*]}}"
COMP_WORDS=(rolescope --the); COMP_CWORD=1; COMP_LINE='rolescope --the'; COMP_POINT=${{#COMP_LINE}}
_rolescope rolescope --the rolescope
echo "option: ${{COMPREPLY[*]}}"
"#,
        script.display()
    );
    let out = Process::new("bash")
        .args(["--norc", "--noprofile", "-c", &probe])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("-F _rolescope rolescope"), "{text}");
    assert!(text.contains("sub: who-can-assume"), "{text}");
    assert!(
        text.contains("shells: ") && text.contains("bash elvish fish powershell zsh"),
        "{text}"
    );
    assert!(text.contains("option: --theme"), "{text}");
}

#[test]
fn every_shell_gets_a_script_naming_the_subcommands() {
    for (shell, marker) in [
        ("bash", "_rolescope()"),
        ("zsh", "#compdef rolescope"),
        ("fish", "complete -c rolescope"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[rolescope]"),
    ] {
        let text = stdout(rolescope(Path::new("/dev/null")).args(["completions", shell]));
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(text.contains("who-can-assume"), "{shell}");
    }
    rolescope(Path::new("/dev/null"))
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values"));
}

#[test]
fn the_man_page_renders_with_its_sections() {
    let dir = tempfile::tempdir().unwrap();
    let roff = stdout(rolescope(Path::new("/dev/null")).arg("man"));
    // The roff structure, whether or not `man` is installed.
    assert!(roff.starts_with(".ie \\n(.g .ds Aq"), "{}", &roff[..80]);
    for section in [
        ".TH rolescope 1",
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
    ] {
        assert!(roff.contains(section), "{section} missing");
    }
    assert!(roff.contains("who\\-can\\-assume"), "subcommands listed");
    let man = Process::new("man").arg("--version").output();
    if man.is_err() {
        println!(
            "`man` is not installed: checked the roff structure only (.ci/run installs man-db)"
        );
        return;
    }
    let file = dir.path().join("rolescope.1");
    std::fs::write(&file, &roff).unwrap();
    let out = Process::new("man")
        .args(["-l", "-P", "cat"])
        .arg(&file)
        .env("MANWIDTH", "80")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(page.contains("NAME"), "{page}");
    assert!(
        page.contains("rolescope - Explore and simulate AWS IAM roles"),
        "{page}"
    );
    assert!(page.contains("--theme"), "{page}");
}

#[test]
fn config_path_follows_rolescope_config_then_xdg() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine.toml");
    rolescope(&mine)
        .args(["config", "path"])
        .assert()
        .success()
        .stdout(format!("{}\n", mine.display()));
    let mut c = Command::cargo_bin("rolescope").unwrap();
    c.env_remove("ROLESCOPE_CONFIG")
        .env("XDG_CONFIG_HOME", dir.path())
        .args(["config", "path"])
        .assert()
        .success()
        .stdout(format!(
            "{}\n",
            dir.path().join("rolescope/config.toml").display()
        ));
}

#[test]
fn the_default_config_is_valid_and_commented() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    let text = stdout(rolescope(&file).args(["config", "default"]));
    assert!(text.lines().filter(|l| l.starts_with('#')).count() > 20);
    std::fs::write(&file, text).unwrap();
    rolescope(&file)
        .args(["config", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("is valid"));
}

#[test]
fn a_bad_config_is_located_and_a_command_still_runs_on_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "[explorer]\ntheme = \"light\"\nclock_speed = = 10\n").unwrap();
    rolescope(&file)
        .arg("roles")
        .assert()
        .success()
        .stdout(predicate::str::contains("BreakGlassAdmin"))
        .stderr(predicate::str::contains(format!(
            "warning: config file `{}` line 3, column 15:",
            file.display()
        )))
        .stderr(predicate::str::contains("using the default settings"));
    rolescope(&file)
        .args(["config", "check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 3, column 15"));
}

#[test]
fn unknown_keys_and_bad_key_remaps_are_reported_by_config_check() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(
        &file,
        "[explorer]\nthem = \"light\"\n[keys]\nquit = \"a\"\nhelp = \"F1\"\n",
    )
    .unwrap();
    rolescope(&file)
        .args(["config", "check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown key `explorer.them`"))
        .stderr(predicate::str::contains(
            "`quit`: key `a` already means \"simulate an assume-role\" in Lists",
        ));
}

#[test]
fn the_config_data_paths_are_loaded_when_the_command_line_names_none() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::copy(
        fixture("moto-account-authz-local.json"),
        dir.path().join("export.json"),
    )
    .unwrap();
    std::fs::write(&file, "[data]\npaths = [\"export.json\"]\n").unwrap();
    let listed = stdout(rolescope(&file).arg("roles"));
    assert!(!listed.contains("BreakGlassAdmin"), "the demo was loaded");
    let demo = stdout(rolescope(&file).args(["roles", "--demo"]));
    assert!(demo.contains("BreakGlassAdmin"));
    assert_ne!(listed, demo);
}

#[test]
fn log_writes_load_times_to_the_file_and_nothing_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("rolescope.log");
    let out = rolescope(Path::new("/dev/null"))
        .args(["roles", "--log"])
        .arg(&log)
        .arg(fixture("moto-account-authz-local.json"))
        .output()
        .unwrap();
    assert!(out.status.success());
    // The load's own warnings go to stderr; no log line does.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("INFO") && !stderr.contains("rolescope started"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("rolescope started"), "{text}");
    assert!(text.contains("loaded") && text.contains("ms="), "{text}");
    rolescope(Path::new("/dev/null"))
        .env("ROLESCOPE_LOG", "loud")
        .args(["roles", "--log"])
        .arg(&log)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`ROLESCOPE_LOG=loud` is not a log level",
        ));
}
