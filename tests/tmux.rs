//! The real binary in a real terminal: rolescope runs inside tmux, driven with
//! `send-keys` and read with `capture-pane`, waiting for text (never a bare sleep). It
//! searches, opens a role, simulates an assume-role, watches the timer count down,
//! chains, quits — and the terminal must be given back (main screen, no mouse capture,
//! cursor shown, cooked mode) after `q`, Ctrl-C and SIGTERM.
//!
//! `.ci/run` installs tmux; without it the test says so and passes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_rolescope");

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn tmux(args: &[&str]) -> Output {
    Command::new("tmux").args(args).output().expect("tmux runs")
}

/// A tmux session running one command; killed when dropped.
struct Pane {
    name: String,
}

impl Pane {
    fn start(tag: &str, command: &str) -> Self {
        let name = format!("rolescope-{tag}-{}", std::process::id());
        let _ = tmux(&["kill-session", "-t", &name]);
        let out = tmux(&[
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            "140",
            "-y",
            "40",
            "sh",
            "-c",
            command,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let _ = tmux(&["set-option", "-t", &name, "remain-on-exit", "on"]);
        Self { name }
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", &self.name]).stdout)
            .into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.name];
        args.extend_from_slice(keys);
        assert!(tmux(&args).status.success());
    }

    fn text(&self, text: &str) {
        assert!(
            tmux(&["send-keys", "-t", &self.name, "-l", text])
                .status
                .success()
        );
    }

    fn flag(&self, format: &str) -> String {
        let out = tmux(&["display-message", "-p", "-t", &self.name, format]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Polls the screen until `pred` holds, or fails with the last screen.
    fn wait(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait(text, |s| s.contains(text))
    }

    /// The terminal is as a shell left it: main screen, no mouse reporting, cursor shown.
    fn assert_restored(&self) {
        assert_eq!(
            self.flag("#{alternate_on}"),
            "0",
            "still on the alternate screen"
        );
        assert_eq!(self.flag("#{mouse_any_flag}"), "0", "mouse capture left on");
        assert_eq!(self.flag("#{cursor_flag}"), "1", "cursor left hidden");
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = tmux(&["kill-session", "-t", &self.name]);
    }
}

/// Runs the binary, then reports its exit status and whether the tty is back in
/// canonical (cooked) mode with echo.
fn shell_around_binary() -> String {
    format!(
        "'{BIN}'; echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo TTY-CHECKED; sleep 600"
    )
}

fn countdown(screen: &str) -> Option<String> {
    let at = screen.find(" left ")?;
    let start = screen[..at].rfind(' ')? + 1;
    Some(screen[start..at].to_owned())
}

#[test]
fn search_open_simulate_watch_chain_and_quit_in_a_real_terminal() {
    if !tmux_available() {
        println!("skipping the real-terminal test: tmux is not installed (.ci/run installs it)");
        return;
    }
    let pane = Pane::start("flow", &shell_around_binary());
    pane.wait("the roles list", |s| {
        s.contains("Roles — ") && s.contains(" loaded")
    });
    // Search, keep the query, open the role.
    pane.keys(&["/"]);
    pane.text("OpsEntry");
    pane.wait_for("▶ OpsEntry");
    pane.keys(&["Enter"]);
    pane.keys(&["Enter"]);
    pane.wait_for("role OpsEntry — arn:aws:iam::111111111111:role/OpsEntry");
    pane.wait_for("Trust policy");
    // Simulate maria.garcia assuming it.
    pane.keys(&["a"]);
    pane.wait_for("Simulate — AssumeRole");
    pane.keys(&["Enter"]);
    pane.wait_for("Pick the caller");
    pane.text("maria.garcia");
    pane.wait_for("user     arn:aws:iam::111111111111:user/people/maria.garcia");
    pane.keys(&["Enter"]);
    pane.keys(&["C-r"]);
    pane.wait_for("ALLOWED");
    pane.keys(&["Escape"]);
    pane.wait_for("ACTIVE   maria.garcia → OpsEntry");
    // The timer counts down, faster at ×60.
    pane.keys(&["+", "+"]);
    pane.wait_for("×60");
    let first = countdown(&pane.wait("a countdown", |s| countdown(s).is_some())).unwrap();
    pane.wait("the countdown to move", |s| {
        countdown(s).is_some_and(|c| c != first)
    });
    // Chain from the session to ProdOperations.
    pane.keys(&["-", "-", "Escape"]);
    pane.wait_for("Roles — 1 shown");
    pane.keys(&["Tab", "c"]);
    pane.wait_for("chain from a session");
    pane.keys(&["Enter"]);
    pane.wait_for("Pick the role to assume");
    pane.text("ProdOperations");
    pane.wait_for("role     arn:aws:iam::222222222222:role/ProdOperations");
    pane.keys(&["Enter"]);
    pane.keys(&["C-r"]);
    pane.wait_for("role chaining: the session is capped at one hour");
    pane.keys(&["Escape"]);
    pane.wait_for("ACTIVE   maria.garcia → OpsEntry → ProdOp");
    pane.wait_for("you: ProdOperations");
    // Quit; the shell gets its terminal back.
    pane.keys(&["q"]);
    let after = pane.wait_for("TTY-CHECKED");
    assert!(after.contains("EXIT=0"), "{after}");
    assert!(
        after.contains("icanon echo"),
        "terminal left in raw mode:\n{after}"
    );
    assert!(
        !after.contains("Sessions —"),
        "the explorer's screen is still shown:\n{after}"
    );
    pane.assert_restored();
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    if !tmux_available() {
        println!("skipping the real-terminal test: tmux is not installed (.ci/run installs it)");
        return;
    }
    let pane = Pane::start("ctrlc", &shell_around_binary());
    pane.wait("the roles list", |s| {
        s.contains("Roles — ") && s.contains(" loaded")
    });
    pane.keys(&["/"]);
    pane.text("etl");
    pane.wait_for("etl-stage-one");
    pane.keys(&["C-c"]);
    let after = pane.wait_for("TTY-CHECKED");
    assert!(after.contains("EXIT=0"), "{after}");
    assert!(
        after.contains("icanon echo"),
        "terminal left in raw mode:\n{after}"
    );
    pane.assert_restored();
}

#[test]
fn sigterm_quits_and_restores_the_terminal() {
    if !tmux_available() {
        println!("skipping the real-terminal test: tmux is not installed (.ci/run installs it)");
        return;
    }
    let pane = Pane::start("term", &shell_around_binary());
    pane.wait("the roles list", |s| {
        s.contains("Roles — ") && s.contains(" loaded")
    });
    pane.keys(&["Tab"]);
    // rolescope is the only child of the pane's shell.
    let shell = pane.flag("#{pane_pid}");
    let out = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        !pid.is_empty() && !pid.contains('\n'),
        "rolescope's process id: {pid:?}"
    );
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let after = pane.wait_for("TTY-CHECKED");
    assert!(after.contains("EXIT=0"), "{after}");
    assert!(
        after.contains("icanon echo"),
        "terminal left in raw mode:\n{after}"
    );
    pane.assert_restored();
}
