//! The real binary in a real terminal: rolescope runs inside tmux, driven with
//! `send-keys` and read with `capture-pane`, waiting for text or for a condition (never a
//! bare sleep). It searches, opens a role, simulates an assume-role, watches the timer
//! count down, chains, quits — and the terminal must be given back (main screen, no mouse
//! capture, cursor shown, cooked mode) on every way out: `q`, Ctrl-C, SIGTERM and SIGHUP
//! (ending with the conventional status, 128 + the signal), around Ctrl-Z and SIGTSTP (and
//! taken again, fully redrawn, on SIGCONT). Resizing down to 20×6 and back, and pasting or
//! typing thousands of characters at once, leave it responsive. The path view and the
//! external-access findings open, simulate a hop and open a role as they do in the tests of
//! the state.
//!
//! Each test runs its own tmux server (`-L`), and the tests of this file take turns: on a
//! loaded machine, several debug builds starting at once were what made the waits run out.
//! Waits have a generous deadline; they return as soon as the condition holds.
//!
//! `.ci/run` installs tmux; without it the test says so and passes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_rolescope");

/// How long a wait may take before the test fails (a loaded 2-core machine can take
/// tens of seconds to start a debug build).
const DEADLINE: Duration = Duration::from_secs(120);

/// One real-terminal test at a time.
static TURN: Mutex<()> = Mutex::new(());

fn turn() -> MutexGuard<'static, ()> {
    TURN.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// This test's turn at the terminal, or `None` (and a note) when tmux is missing.
fn real_terminal() -> Option<MutexGuard<'static, ()>> {
    if tmux_available() {
        Some(turn())
    } else {
        println!("skipping the real-terminal test: tmux is not installed (.ci/run installs it)");
        None
    }
}

/// Polls `cond` until it gives a value, or fails saying what was awaited and `last()`.
fn wait_until<T>(what: &str, mut cond: impl FnMut() -> Option<T>, last: impl Fn() -> String) -> T {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(v) = cond() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; last seen:\n{}",
            last()
        );
        std::thread::sleep(Duration::from_millis(40));
    }
}

/// A tmux server of its own running one command; killed when dropped.
struct Pane {
    socket: String,
}

impl Pane {
    fn start(tag: &str, command: &str) -> Self {
        let socket = format!("rolescope-{tag}-{}", std::process::id());
        let pane = Self { socket };
        let _ = pane.tmux(&["kill-server"]);
        let out = pane.tmux(&[
            "new-session",
            "-d",
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
        let _ = pane.tmux(&["set-option", "remain-on-exit", "on"]);
        pane
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p"]).stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        assert!(self.tmux(&args).status.success());
    }

    fn text(&self, text: &str) {
        assert!(self.tmux(&["send-keys", "-l", text]).status.success());
    }

    fn flag(&self, format: &str) -> String {
        let out = self.tmux(&["display-message", "-p", format]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Polls the screen until `pred` holds, or fails with the last screen.
    fn wait(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        wait_until(
            what,
            || {
                let s = self.screen();
                pred(&s).then_some(s)
            },
            || self.screen(),
        )
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait(text, |s| s.contains(text))
    }

    /// Waits until the tmux format `format` reads `want`.
    fn wait_flag(&self, format: &str, want: &str) {
        wait_until(
            &format!("{format} to be {want}"),
            || (self.flag(format) == want).then_some(()),
            || format!("{format} = {}\n{}", self.flag(format), self.screen()),
        );
    }

    /// The roles list is on screen.
    fn wait_for_list(&self) -> String {
        self.wait("the roles list", |s| {
            s.contains("Roles — ") && s.contains(" loaded")
        })
    }

    /// rolescope's process id: the only child of the pane's shell.
    fn app_pid(&self) -> String {
        let shell = self.flag("#{pane_pid}");
        wait_until(
            "rolescope's process",
            || {
                let out = Command::new("pgrep").args(["-P", &shell]).output().ok()?;
                let pid = String::from_utf8_lossy(&out.stdout).trim().to_owned();
                (!pid.is_empty() && !pid.contains('\n')).then_some(pid)
            },
            || format!("children of {shell}"),
        )
    }

    /// The pane's terminal settings, as `stty -a` prints them, read from outside.
    fn stty(&self) -> String {
        let tty = self.flag("#{pane_tty}");
        let out = Command::new("stty")
            .args(["-F", &tty, "-a"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// True when the pane's terminal is in cooked mode with echo.
    fn cooked(&self) -> bool {
        let s = self.stty();
        let words: Vec<&str> = s.split_whitespace().collect();
        words.contains(&"icanon") && words.contains(&"echo")
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

    /// Waits for the shell's report after rolescope ended, checks the exit status and
    /// that the terminal was given back.
    fn assert_exited_and_restored(&self, status: u8) {
        let after = self.wait_for("TTY-CHECKED");
        assert!(after.contains(&format!("EXIT={status}")), "{after}");
        assert!(
            after.contains("icanon echo"),
            "terminal left in raw mode:\n{after}"
        );
        assert!(
            !after.contains("Sessions —"),
            "the explorer's screen is still shown:\n{after}"
        );
        self.assert_restored();
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// The state letter of process `pid` (`T` when stopped), from `/proc`.
fn process_state(pid: &str) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

fn signal(pid: &str, name: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{name}"), pid])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{name} {pid}");
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
    let Some(_turn) = real_terminal() else {
        return;
    };
    let pane = Pane::start("flow", &shell_around_binary());
    pane.wait_for_list();
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
    pane.assert_exited_and_restored(0);
}

#[test]
fn paths_and_external_access_open_simulate_a_hop_and_quit_in_a_real_terminal() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let pane = Pane::start("paths", &shell_around_binary());
    pane.wait_for_list();
    // How does maria.garcia get to ProdOperations?
    pane.keys(&["2", "/"]);
    pane.text("maria.garcia");
    pane.wait_for("▶ maria.garcia");
    pane.keys(&["Enter", "V"]);
    pane.wait_for("Paths from maria.garcia: pick the role to reach");
    pane.text("ProdOperations");
    pane.wait_for("role     arn:aws:iam::222222222222:role/ProdOperations");
    pane.keys(&["Enter"]);
    pane.wait_for("1. maria.garcia → OpsEntry → ProdOperations · 2 hop(s) · max 1 h");
    // The first hop, pre-filled in the form; Esc comes back to the paths.
    pane.keys(&["a"]);
    pane.wait_for("Simulate — AssumeRole");
    pane.keys(&["C-r"]);
    pane.wait_for("ALLOWED");
    pane.keys(&["Escape"]);
    pane.wait_for("2 path(s) within 5 hop(s)");
    pane.keys(&["Escape", "Escape"]);
    // External access, and Enter on a finding opens its role.
    pane.keys(&["1", "X"]);
    pane.wait_for("finding(s):");
    pane.keys(&["G"]);
    pane.wait_for("▶ deputy   storefront-sms-sender");
    pane.keys(&["Enter"]);
    pane.wait_for("storefront-sms-sender — arn:aws:iam::");
    pane.keys(&["q"]);
    pane.assert_exited_and_restored(0);
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let pane = Pane::start("ctrlc", &shell_around_binary());
    pane.wait_for_list();
    pane.keys(&["/"]);
    pane.text("etl");
    pane.wait_for("etl-stage-one");
    pane.keys(&["C-c"]);
    pane.assert_exited_and_restored(0);
}

/// A termination signal gives the terminal back, then ends the process by that signal:
/// the shell sees 128 + its number.
fn signal_quits(tag: &str, name: &str, status: u8) {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let pane = Pane::start(tag, &shell_around_binary());
    pane.wait_for_list();
    pane.keys(&["Tab"]);
    signal(&pane.app_pid(), name);
    pane.assert_exited_and_restored(status);
}

#[test]
fn sigterm_restores_the_terminal_and_exits_143() {
    signal_quits("term", "TERM", 143);
}

#[test]
fn sighup_restores_the_terminal_and_exits_129() {
    signal_quits("hup", "HUP", 129);
}

#[test]
fn sigint_from_outside_restores_the_terminal_and_exits_130() {
    signal_quits("int", "INT", 130);
}

#[test]
fn ctrl_z_and_sigtstp_suspend_and_sigcont_resumes_with_a_full_redraw() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let pane = Pane::start("suspend", &shell_around_binary());
    pane.wait_for_list();
    let pid = pane.app_pid();
    for how in ["Ctrl-Z", "SIGTSTP"] {
        pane.keys(&["/"]);
        pane.text("etl");
        pane.wait_for("etl-stage-one");
        if how == "Ctrl-Z" {
            pane.keys(&["C-z"]);
        } else {
            signal(&pid, "TSTP");
        }
        wait_until(
            &format!("the process to stop after {how}"),
            || (process_state(&pid) == Some('T')).then_some(()),
            || format!("state {:?}", process_state(&pid)),
        );
        // Stopped: the shell's terminal is back.
        pane.wait_flag("#{alternate_on}", "0");
        assert!(
            pane.cooked(),
            "raw mode left on while stopped:\n{}",
            pane.stty()
        );
        pane.assert_restored();
        signal(&pid, "CONT");
        // Continued: raw mode and the alternate screen again, everything redrawn.
        pane.wait_flag("#{alternate_on}", "1");
        let s = pane.wait_for("etl-stage-one");
        assert!(s.contains("Roles — "), "{s}");
        wait_until(
            "raw mode again",
            || (!pane.cooked()).then_some(()),
            || pane.stty(),
        );
        pane.keys(&["Escape"]);
        pane.wait_for("/ to search");
    }
    pane.keys(&["q"]);
    pane.assert_exited_and_restored(0);
}

#[test]
fn resizing_down_to_20x6_and_back_keeps_working() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let pane = Pane::start("resize", &shell_around_binary());
    pane.wait_for_list();
    for (w, h) in [
        (60, 15),
        (49, 13),
        (30, 8),
        (20, 6),
        (21, 7),
        (110, 30),
        (140, 40),
    ] {
        let out = pane.tmux(&["resize-window", "-x", &w.to_string(), "-y", &h.to_string()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if w < 50 || h < 14 {
            pane.wait("the too-small message", |s| {
                s.contains(&format!("{w}×{h}")) && s.contains("small")
            });
        } else {
            pane.wait_for_list();
        }
    }
    pane.keys(&["/"]);
    pane.text("etl");
    pane.wait_for("etl-stage-one");
    pane.keys(&["Enter", "q"]);
    pane.assert_exited_and_restored(0);
}

#[test]
fn pasting_and_typing_thousands_of_characters_stays_responsive() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let pane = Pane::start("paste", &shell_around_binary());
    let list = pane.wait_for_list();
    let loaded = list
        .split("Roles — ")
        .nth(1)
        .and_then(|r| r.split(" shown").next())
        .unwrap()
        .to_owned();
    pane.keys(&["/"]);
    pane.wait_for("▏");
    // A bracketed paste of 10,000 characters: one event, one search.
    let text: String = "payments-api-".chars().cycle().take(10_000).collect();
    assert!(pane.tmux(&["set-buffer", &text]).status.success());
    assert!(pane.tmux(&["paste-buffer", "-p"]).status.success());
    pane.wait_for("no match");
    pane.keys(&["C-u"]);
    pane.wait_for(&format!("Roles — {loaded} shown"));
    // Key repeat: thousands of separate keys, then the search is cleared and works.
    let typed: String = "ledgeretl".chars().cycle().take(3_000).collect();
    pane.text(&typed);
    pane.wait_for("no match");
    pane.keys(&["C-u"]);
    pane.text("etl");
    pane.wait_for("etl-stage-one");
    // One Escape per wait: ESC followed at once by another key reads as Alt-that-key.
    pane.keys(&["Escape"]);
    pane.wait_for(&format!("Roles — {loaded} shown"));
    pane.keys(&["q"]);
    pane.assert_exited_and_restored(0);
}

/// What-if editing through `$EDITOR` in a real terminal: the editor gets the terminal and
/// the keyboard (it reads a line typed in tmux), the explorer comes back, the edit is
/// checked and applied, who can assume the role updates, and it can be undone.
#[test]
fn a_what_if_edit_in_editor_takes_the_terminal_and_gives_it_back() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'EDITOR-WAITING\\n'\nread answer\nprintf 'EDITOR-GOT-%s\\n' \"$answer\"\nsed -i 's/\"Allow\"/\"Deny\"/' \"$1\"\n",
    )
    .unwrap();
    let mode = std::os::unix::fs::PermissionsExt::from_mode(0o755);
    std::fs::set_permissions(&editor, mode).unwrap();
    let command = format!(
        "VISUAL= EDITOR='{}' {}",
        editor.display(),
        shell_around_binary()
    );
    let pane = Pane::start("editor", &command);
    pane.wait_for_list();
    pane.keys(&["/"]);
    pane.text("ProdDatabaseAdmin");
    pane.wait_for("▶ ProdDatabaseAdmin");
    pane.keys(&["Enter", "Enter"]);
    // The who-can-assume list arrives from the graph worker.
    pane.wait_for("1 principal(s) can get in");
    pane.keys(&["E"]);
    pane.wait_for("edit which document? ($EDITOR)");
    pane.keys(&["Enter"]);
    // The editor has the terminal: main screen, and it reads what is typed.
    pane.wait_for("EDITOR-WAITING");
    pane.wait_flag("#{alternate_on}", "0");
    pane.text("yes");
    pane.keys(&["Enter"]);
    pane.wait_for("- lost    sam.patel → ProdDatabaseAdmin");
    pane.wait_for("WHAT-IF: 1 edit(s)");
    pane.keys(&["Escape"]);
    pane.wait_for("0 principal(s) can get in");
    // Undo from the what-if view.
    pane.keys(&["D"]);
    pane.wait_for("u undo the newest edit");
    pane.keys(&["u", "Escape"]);
    pane.wait_for("1 principal(s) can get in");
    pane.keys(&["q"]);
    pane.assert_exited_and_restored(0);
    assert!(
        pane.screen().contains("EDITOR-GOT-yes"),
        "the editor read the keyboard:\n{}",
        pane.screen()
    );
}

/// Ctrl-Z while `$EDITOR` has the terminal: the terminal stops the whole job, and the
/// explorer stops with the editor instead of waiting on a stopped editor; continuing the
/// job lets the editor finish, and the explorer takes the terminal back and goes on (it
/// does not stop again afterwards).
#[test]
fn ctrl_z_in_the_editor_stops_the_whole_job_and_continuing_resumes_it() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'EDITOR-WAITING\\n'\nread answer\nsed -i 's/\"Allow\"/\"Deny\"/' \"$1\"\n",
    )
    .unwrap();
    let mode = std::os::unix::fs::PermissionsExt::from_mode(0o755);
    std::fs::set_permissions(&editor, mode).unwrap();
    let command = format!(
        "VISUAL= EDITOR='{}' {}",
        editor.display(),
        shell_around_binary()
    );
    let pane = Pane::start("editorstop", &command);
    pane.wait_for_list();
    let pid = pane.app_pid();
    pane.keys(&["/"]);
    pane.text("ProdDatabaseAdmin");
    pane.wait_for("▶ ProdDatabaseAdmin");
    pane.keys(&["Enter", "Enter"]);
    pane.wait_for("1 principal(s) can get in");
    pane.keys(&["E"]);
    pane.wait_for("edit which document? ($EDITOR)");
    pane.keys(&["Enter"]);
    pane.wait_for("EDITOR-WAITING");
    pane.keys(&["C-z"]);
    wait_until(
        "the explorer to stop with the editor",
        || (process_state(&pid) == Some('T')).then_some(()),
        || format!("state {:?}\n{}", process_state(&pid), pane.screen()),
    );
    // The shell of the pane leads the job's process group: continue all of it.
    let job = format!("-{}", pane.flag("#{pane_pid}"));
    let sent = Command::new("kill")
        .args(["-s", "CONT", "--", &job])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -s CONT -- {job}");
    wait_until(
        "the explorer to run again",
        || (process_state(&pid) != Some('T')).then_some(()),
        || format!("state {:?}", process_state(&pid)),
    );
    pane.text("yes");
    pane.keys(&["Enter"]);
    pane.wait_for("WHAT-IF: 1 edit(s)");
    // Still running and answering keys.
    pane.keys(&["Escape"]);
    pane.wait_for("0 principal(s) can get in");
    assert_ne!(process_state(&pid), Some('T'));
    // With a what-if edit pending, q asks first; q again quits.
    pane.keys(&["q"]);
    pane.wait_for("q again quits");
    pane.keys(&["q"]);
    pane.assert_exited_and_restored(0);
}

/// Runs the binary with the configuration file `config`, then reports as
/// [`shell_around_binary`] does.
fn shell_with_config(config: &std::path::Path) -> String {
    format!(
        "ROLESCOPE_CONFIG='{}' '{BIN}'; echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo TTY-CHECKED; sleep 600",
        config.display()
    )
}

#[test]
fn a_config_file_sets_the_theme_a_remapped_key_and_the_data_in_a_real_terminal() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/moto-account-authz-local.json"
        ),
        dir.path().join("export.json"),
    )
    .unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[data]\npaths = [\"export.json\"]\n[explorer]\ntheme = \"light\"\n[keys]\nquit = \"Q\"\n",
    )
    .unwrap();
    let pane = Pane::start("config", &shell_with_config(&config));
    // The configured data, not the demo organisation.
    let screen = pane.wait_for_list();
    assert!(screen.contains("AdminMFA"), "{screen}");
    assert!(!screen.contains("BreakGlassAdmin"), "{screen}");
    // The light theme: titles and borders in blue (colour 4), never the dark theme's cyan
    // (colour 6).
    let colours =
        String::from_utf8_lossy(&pane.tmux(&["capture-pane", "-p", "-e"]).stdout).into_owned();
    assert!(colours.contains("[38;5;4m"), "{colours}");
    assert!(!colours.contains("[38;5;6m"), "{colours}");
    // `q` no longer quits; help lists `Q`; `Q` quits.
    pane.keys(&["?"]);
    pane.wait_for("Help — keys");
    pane.keys(&["PageDown"]);
    pane.wait("Q in help", |s| {
        s.lines().any(|l| l.contains("  Q ") && l.contains("quit"))
    });
    pane.keys(&["Escape"]);
    pane.wait("help closed", |s| !s.contains("Help — keys"));
    pane.keys(&["q", "?"]);
    // Still running after `q`: help opens again.
    pane.wait_for("Help — keys");
    // (Esc and a key sent together read as Alt and the key: wait between them.)
    pane.keys(&["Escape"]);
    pane.wait("help closed", |s| !s.contains("Help — keys"));
    pane.keys(&["Q"]);
    pane.assert_exited_and_restored(0);
}

#[test]
fn a_config_file_with_a_syntax_error_starts_on_the_defaults_saying_where_in_a_real_terminal() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[explorer]\ntheme = light\n[keys]\nquit = \"Q\"\n").unwrap();
    let pane = Pane::start("badconfig", &shell_with_config(&config));
    let screen = pane.wait_for("line 2, column 9");
    assert!(screen.contains("using the default"), "{screen}");
    pane.keys(&["Escape"]);
    pane.wait("the pop-up closed", |s| !s.contains("Configuration"));
    // The defaults: the demo organisation, and `q` quits.
    let screen = pane.wait_for_list();
    assert!(
        screen.contains("BreakGlassAdmin") || screen.contains("51 loaded"),
        "{screen}"
    );
    pane.keys(&["q"]);
    pane.assert_exited_and_restored(0);
}

#[test]
fn the_log_goes_to_its_file_and_never_to_the_screen_in_a_real_terminal() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("rolescope.log");
    let pane = Pane::start(
        "log",
        &format!(
            "ROLESCOPE_CONFIG=/dev/null ROLESCOPE_LOG=debug '{BIN}' --log '{}'; echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo TTY-CHECKED; sleep 600",
            log.display()
        ),
    );
    pane.wait_for_list();
    // Opening a role asks the trust graph who can assume it: a job on a thread of its own.
    pane.keys(&["/"]);
    pane.text("OpsEntry");
    pane.wait_for("▶ OpsEntry");
    pane.keys(&["Enter"]);
    pane.keys(&["Enter"]);
    pane.wait_for("Who can assume");
    pane.wait("the who-can-assume answer", |s| !s.contains("working out"));
    let screen = pane.screen();
    assert!(
        !screen.contains("DEBUG") && !screen.contains("INFO"),
        "{screen}"
    );
    pane.keys(&["q"]);
    pane.assert_exited_and_restored(0);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("explorer starting"), "{text}");
    assert!(text.contains("trust-graph job done"), "{text}");
    assert!(text.contains("ms="), "{text}");
}

#[test]
fn the_explorer_lists_the_aws_profiles_and_starts_one_in_a_real_terminal() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        concat!(
            "[profiles]\naws_config = \"",
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/aws-config\"\n[profiles.sources]\nmaria = \"arn:aws:iam::111111111111:user/people/maria.garcia\"\n"
        ),
    )
    .unwrap();
    let pane = Pane::start("profiles", &shell_with_config(&config));
    pane.wait_for_list();
    pane.keys(&["O"]);
    pane.wait_for("AWS CLI profiles (18)");
    let screen = pane.wait_for("prod-repair-4h");
    assert!(
        screen
            .lines()
            .any(|l| l.contains("prod-ops") && l.contains("works") && l.contains("1h 00m")),
        "{screen}"
    );
    // ops-entry is the third profile: its hop, pre-filled, simulated.
    pane.keys(&["j", "j", "Enter"]);
    pane.wait_for("Simulate — AssumeRole");
    pane.keys(&["C-r"]);
    pane.wait_for("ALLOWED");
    pane.keys(&["Escape"]);
    pane.wait_for("maria.garcia → OpsEntry");
    pane.keys(&["C-c"]);
    pane.assert_exited_and_restored(0);
}

#[test]
fn escalation_hops_show_in_the_reach_tree_explain_and_refuse_to_pose_as_assume_role() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let pane = Pane::start("escalation", &shell_around_binary());
    pane.wait_for_list();
    // intern.build passes an administrator role to Lambda: the tree marks the hop ⇪.
    pane.keys(&["2", "/"]);
    pane.text("intern.build");
    pane.wait_for("▶ intern.build");
    pane.keys(&["Enter", "v"]);
    pane.wait_for("What arn:aws:iam::333333333333:user/escalation/intern.build can reach");
    pane.wait_for("lambda-admin-exec (333333333333)  ⇪ iam:PassRole → lambda:CreateFunction");
    // x on it explains: technique, the statement that allows each action, what is gained.
    let at = pane.wait("the escalation line", |s| s.contains("⇪ iam:PassRole"));
    let above = at
        .lines()
        .skip_while(|l| !l.contains("can reach"))
        .skip(1)
        .take_while(|l| !l.contains("⇪ iam:PassRole"))
        .count();
    for _ in 0..above {
        pane.keys(&["j"]);
    }
    pane.wait("the escalation line selected", |s| {
        s.lines()
            .any(|l| l.contains("▶") && l.contains("lambda-admin-exec (333333333333)"))
    });
    pane.keys(&["x"]);
    pane.wait_for("Escalation hop: intern.build ⇒ lambda-admin-exec");
    pane.wait_for("pass-role-lambda (pass a role to a service)");
    pane.wait_for("`PassMaintenanceRole`");
    pane.keys(&["Escape"]);
    pane.wait("the tree again", |s| !s.contains("Escalation hop:"));
    // a on it does not open the Simulate form: it says what the hop is and explains it.
    pane.keys(&["a"]);
    pane.wait_for("Not an AssumeRole");
    let shown = pane.screen();
    assert!(!shown.contains("Simulate — AssumeRole"), "{shown}");
    pane.keys(&["Escape"]);
    pane.wait("the tree again", |s| !s.contains("Not an AssumeRole"));
    pane.keys(&["Escape"]);
    pane.wait("the list again", |s| !s.contains("can reach"));
    pane.keys(&["q"]);
    pane.assert_exited_and_restored(0);
}

/// The first screen says it shows the built-in demo; the `:` command line completes with
/// Tab, names an unknown command with the list of commands, switches lists, and `:q` quits.
#[test]
fn the_demo_says_so_and_the_command_line_switches_lists_and_quits_in_a_real_terminal() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    let pane = Pane::start("colon", &shell_around_binary());
    pane.wait_for_list();
    // The list may be on the pane before the rest of the first frame (tmux is read while the
    // frame is written): the first screen says it is the demo, waited for, not read at once.
    pane.wait_for("the built-in demo organisation");
    pane.keys(&[":"]);
    pane.wait_for("Tab completes");
    pane.text("frob");
    pane.keys(&["Enter"]);
    let shown = pane.wait_for("unknown command `frob`");
    assert!(shown.contains("roles, users"), "{shown}");
    pane.keys(&["C-u"]);
    pane.text("us");
    pane.keys(&["Tab"]);
    pane.wait_for(":users");
    pane.keys(&["Enter"]);
    pane.wait("the users list", |s| {
        s.contains("Users — ") && s.contains(" loaded")
    });
    pane.keys(&[":"]);
    pane.wait_for("Tab completes");
    pane.text("q");
    pane.keys(&["Enter"]);
    pane.assert_exited_and_restored(0);
}

/// A burst of keys over whatever screens they open (forms, trees, the wizard, lessons, the
/// command line), then Ctrl-C: the shell gets its terminal back as it left it. Seeded, so a
/// failure replays; keys that hand the terminal to `$EDITOR`, suspend, write files or quit
/// are left out of the burst.
#[test]
fn a_burst_of_keys_then_ctrl_c_gives_the_shell_a_sane_terminal() {
    let Some(_turn) = real_terminal() else {
        return;
    };
    const KEYS: [&str; 62] = [
        "j", "k", "g", "G", "Enter", "Escape", "Tab", "BTab", "v", "V", "X", "D", "T", "I", "?",
        "a", "e", "w", "c", "x", "i", "p", "/", "Left", "Right", "Up", "Down", "PageUp",
        "PageDown", "Space", "+", "-", "n", "1", "2", "3", "4", ":", "f", "s", "A", "F", "y", "S",
        "t", "P", "]", "r", "o", "O", "Home", "End", "BSpace", "C-u", "C-r", "*", "h", "l", "u",
        "R", "L", "z",
    ];
    let pane = Pane::start("burst", &shell_around_binary());
    pane.wait_for_list();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..12 {
        let burst: Vec<&str> = (0..50)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                KEYS[usize::try_from(seed % KEYS.len() as u64).unwrap()]
            })
            .collect();
        pane.keys(&burst);
    }
    // Still drawing: the header is on screen whatever is open.
    pane.wait("the header", |s| s.starts_with(" rolescope "));
    pane.keys(&["C-c"]);
    pane.assert_exited_and_restored(0);
}
