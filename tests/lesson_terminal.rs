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
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let socket = format!(
            "rolescope-lesson-{}-{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
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

    fn literal(&self, text: &str) {
        Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-l", text])
            .status()
            .expect("tmux send-keys runs");
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
    t.wait_for("press ] to start (10 steps, 1 exercise(s))");
    t.keys(&["]"]);
    t.wait_for("step 1 of 10");
    t.keys(&["]"]);
    let s = t.wait_for("step 2 of 10");
    assert!(s.contains("Hop A"), "{s}");
    t.wait_for("maria.garcia → OpsEntry");
    t.keys(&["]"]);
    t.wait_for("? Will this succeed, and for how long?");
    t.keys(&["n"]);
    t.wait_for("? Which check decides it?");
    t.keys(&["j"]);
    t.wait_for("1 of 1 — it fails");
    t.wait_for("which check:");
    t.keys(&["R"]);
    t.wait_gone("reveal the next check");
    t.wait_for("09:10:00");
    t.keys(&["P"]);
    t.wait_for("█");
    t.keys(&["t"]);
    t.wait_for("Glossary");
    // Escape and the next key must not reach the program in one read: ESC followed at once
    // by `q` is Alt-q to a terminal program. Wait for the glossary to close first.
    t.keys(&["Escape"]);
    t.wait_gone("Glossary —");
    // Quitting in the middle of a lesson asks first.
    t.keys(&["q"]);
    t.wait_for("q again quits");
    t.keys(&["q"]);
    let s = t.wait_for("rolescope-exited-0");
    assert!(
        !s.contains("Lesson:"),
        "the alternate screen is left on quit:\n{s}"
    );
}

/// A lesson played to its end in the real binary: a prediction with "which check decides
/// it?", a step's own question, an exercise solved in the built-in what-if editor (checked
/// on save, the lesson moving on), the recap, and the screen saved as text with Ctrl-O.
#[test]
fn a_lesson_with_an_exercise_plays_to_its_recap() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux is not installed: the terminal test cannot run here (.ci/run installs it)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("rolescope-recap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = env!("CARGO_BIN_EXE_rolescope");
    let cmd = format!(
        "cd {} && NO_COLOR=1 {bin} --lesson cross-account-delegation; echo rolescope-exited-$?; sleep 600",
        dir.display()
    );
    let t = Tmux::start(&cmd, 160, 50).expect("tmux starts");
    t.wait_for("press ] to start (11 steps, 2 exercise(s))");
    t.keys(&["]"]);
    t.wait_for("step 1 of 11");
    t.keys(&["]"]);
    t.wait_for("? Will this succeed, and for how long?");
    t.keys(&["y"]);
    t.wait_for("? For how long will the session last?");
    t.keys(&["2"]);
    let s = t.wait_for("? Which check decides it?");
    assert!(s.contains("a nothing blocks it: every check allows"), "{s}");
    t.keys(&["a"]);
    t.wait_for("allows — right");
    // Step 3: it fails on the caller's own policy (the trusted account's half).
    t.keys(&["]"]);
    t.wait_for("step 3 of 11");
    t.keys(&["n"]);
    t.wait_for("? Which check decides it?");
    t.keys(&["c"]);
    t.wait_for("— right");
    // Step 4 applies the proposed fix and opens the what-if view over the screen.
    t.keys(&["]"]);
    t.wait_for("gained  noah.kim → QAReleaseVerifier");
    for step in 5..=11 {
        t.keys(&["]"]);
        t.wait_for(&format!("step {step} of 11"));
    }
    t.wait_for("least-privilege");
    t.keys(&["2"]);
    t.wait_for("2: right");
    t.keys(&["]"]);
    t.wait_for("exercise 1 of 2");
    t.keys(&["e"]);
    t.wait_for("trust policy (who may assume)");
    t.keys(&["Enter"]);
    t.wait_for("\"AWS\": \"arn:aws:iam::111111111111:root\"");
    for _ in 0..6 {
        t.keys(&["Down"]);
    }
    t.keys(&["C-u"]);
    t.literal("        \"AWS\": \"arn:aws:iam::333333333333:root\"");
    t.wait_for("\"AWS\": \"arn:aws:iam::333333333333:root\"");
    t.keys(&["C-s"]);
    t.wait_for("✓ exercise `analytics-trust` solved: 3 of 3 points");
    t.wait_for("exercise 2 of 2");
    t.keys(&["]"]);
    let s = t.wait_for("Recap · Delegation across accounts");
    for want in ["Key takeaways", "Your answers"] {
        assert!(s.contains(want), "`{want}` missing:\n{s}");
    }
    t.keys(&["C-o"]);
    t.wait_for("screen saved as text");
    let saved: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let text = std::fs::read_to_string(&saved[0]).unwrap();
    assert!(
        text.contains("Recap · Delegation across accounts"),
        "{text}"
    );
    // At the recap the lesson is over: q quits at once.
    t.keys(&["q"]);
    t.wait_for("rolescope-exited-0");
    std::fs::remove_dir_all(&dir).unwrap();
}
