//! A lesson played through the real binary in a real terminal (tmux): start with
//! `--lesson`, advance steps, answer a predict-then-reveal question, open presenter mode
//! and the glossary, quit, and find the terminal given back. Every wait is a wait for text
//! on the screen, with a deadline; no bare sleeps.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(cmd: &str, w: u16, h: u16) -> Option<Self> {
        let socket = format!("rolescope-lesson-{}", std::process::id());
        let ok = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "new-session",
                "-d",
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string(),
                cmd,
            ])
            .status()
            .ok()?
            .success();
        ok.then_some(Self { socket })
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .expect("tmux capture-pane runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["-L", &self.socket, "send-keys"];
        args.extend_from_slice(keys);
        Command::new("tmux")
            .args(&args)
            .status()
            .expect("tmux send-keys runs");
    }

    /// Waits until `text` is no longer on screen; panics with the screen after the deadline.
    fn wait_gone(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let s = self.screen();
            if !s.contains(text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "`{text}` never went away; the screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// Waits until `text` is on screen; panics with the screen after the deadline.
    fn wait_for(&self, text: &str) -> String {
        // Generous: a debug build on a loaded 2-core machine can take tens of seconds to
        // start; the wait returns as soon as the text shows.
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "`{text}` never appeared; the screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

#[test]
fn a_lesson_plays_through_the_real_binary() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux is not installed: the terminal test cannot run here (.ci/run installs it)");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_rolescope");
    let cmd =
        format!("NO_COLOR=1 {bin} --lesson role-chaining; echo rolescope-exited-$?; sleep 600");
    let t = Tmux::start(&cmd, 160, 45).expect("tmux starts");
    t.wait_for("press ] to start (10 steps)");
    t.keys(&["]"]);
    t.wait_for("step 1 of 10");
    t.keys(&["]"]);
    let s = t.wait_for("step 2 of 10");
    assert!(s.contains("Hop A"), "{s}");
    t.wait_for("maria.garcia → OpsEntry");
    t.keys(&["]"]);
    t.wait_for("? Will this succeed, and for how long?");
    t.keys(&["n"]);
    t.wait_for("1 of 1 — it fails");
    t.keys(&["R"]);
    t.wait_for("score: 1 of 1");
    t.wait_for("09:10:00");
    t.keys(&["P"]);
    t.wait_for("█");
    t.keys(&["t"]);
    t.wait_for("Glossary");
    // Escape and the next key must not reach the program in one read: ESC followed at once
    // by `q` is Alt-q to a terminal program. Wait for the glossary to close first.
    t.keys(&["Escape"]);
    t.wait_gone("Glossary —");
    t.keys(&["q"]);
    let s = t.wait_for("rolescope-exited-0");
    assert!(
        !s.contains("Lesson:"),
        "the alternate screen is left on quit:\n{s}"
    );
}
