//! Every built-in lesson plays headlessly against the demo organisation, and every step's
//! stated expectation holds — so a lesson cannot silently go stale when the demo data or the
//! engine changes. Also pins the classroom-pack layout and the predict-then-reveal score.

use std::sync::Arc;

use rolescope::engine::lesson::{self, Player, Prediction};
use rolescope::engine::load::load_demo;

#[test]
fn every_builtin_lesson_plays_and_every_expectation_holds() {
    let inv = Arc::new(load_demo().expect("the demo loads"));
    let lessons = lesson::builtin().expect("the built-in lessons load");
    assert!(lessons.len() >= 10, "{} lessons", lessons.len());
    let mut failures = Vec::new();
    let mut checked = 0;
    for l in &lessons {
        let mut p = Player::new(l.clone(), Arc::clone(&inv));
        for r in p.play_all() {
            checked += r.checks.len();
            for f in r.failures() {
                failures.push(format!(
                    "{} step {} (`{}`, line {}): {f}",
                    l.name,
                    r.index + 1,
                    r.title,
                    l.step_lines[r.index]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing expectation(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 60, "only {checked} expectations checked");
}

#[test]
fn predictions_are_scored_one_point_for_the_outcome_and_one_for_the_duration() {
    let inv = Arc::new(load_demo().expect("the demo loads"));
    let all = lesson::builtin().expect("lessons load");
    let l = lesson::find(&all, "role-chaining").expect("there");
    let mut p = Player::new(l.clone(), inv);
    let reports = p.play_all();
    let asked: Vec<_> = reports.iter().filter(|r| r.answer.is_some()).collect();
    assert_eq!(asked.len(), 3, "three predict steps in role-chaining");
    // Hop B asking for two hours fails: predicting failure scores 1 of 1.
    let v = p
        .answer(
            asked[0],
            Prediction {
                succeeds: false,
                duration_seconds: None,
            },
        )
        .expect("a question");
    assert_eq!((v.points, v.out_of), (1, 1));
    // Hop C succeeds for one hour: predicting four hours scores 1 of 2.
    let v = p
        .answer(
            asked[1],
            Prediction {
                succeeds: true,
                duration_seconds: Some(14400),
            },
        )
        .expect("a question");
    assert_eq!((v.points, v.out_of, v.duration_right), (1, 2, Some(false)));
    let s = p.score();
    assert_eq!((s.questions, s.points, s.out_of), (2, 2, 3));
}

#[test]
fn a_classroom_pack_brings_its_own_bundle_and_lessons() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(
        dir.path().join("org.json"),
        rolescope::engine::load::DEMO_BUNDLE,
    )
    .expect("write bundle");
    std::fs::create_dir(dir.path().join("lessons")).expect("lessons dir");
    std::fs::write(
        dir.path().join("lessons/mine.toml"),
        "title = \"Mine\"\nsummary = \"s\"\n[[step]]\ntitle = \"a\"\ntext = \"look\"\nselect_role = \"OpsEntry\"\nexpect = { role_max_session_duration = 3600 }\n",
    )
    .expect("write lesson");
    let paths = vec![dir.path().to_path_buf()];
    let lessons = lesson::load_packs(&paths).expect("reads").expect("a pack");
    assert_eq!(lessons.len(), 1);
    let inv = Arc::new(rolescope::engine::load::load_paths(&paths).expect("the pack's data loads"));
    let mut p = Player::new(lessons[0].clone(), inv);
    assert!(p.play_all().iter().all(lesson::StepReport::passed));
}

#[test]
fn a_lesson_whose_expectation_no_longer_holds_fails_with_its_step_and_values() {
    let text = "title = \"t\"\nsummary = \"s\"\n[[step]]\ntitle = \"stale\"\ntext = \"x\"\nselect_role = \"OpsEntry\"\nexpect = { role_max_session_duration = 7200 }\n";
    let l = lesson::parse("stale", "stale.toml", text).expect("parses");
    let inv = Arc::new(load_demo().expect("the demo loads"));
    let r = Player::new(l, inv).play_all();
    assert!(!r[0].passed());
    let f = r[0].failures().join("\n");
    assert!(f.contains("expected 7200") && f.contains("3600"), "{f}");
}

#[cfg(unix)]
#[test]
fn a_pack_does_not_follow_links_to_files_outside_its_folder() {
    let lesson_text =
        "title = \"Mine\"\nsummary = \"s\"\n[[step]]\ntitle = \"a\"\ntext = \"look\"\n";
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("elsewhere.toml"), lesson_text).expect("write");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("lessons")).expect("lessons dir");
    std::fs::write(dir.path().join("lessons/mine.toml"), lesson_text).expect("write");
    // A link inside the pack is followed.
    std::os::unix::fs::symlink(
        dir.path().join("lessons/mine.toml"),
        dir.path().join("lessons/again.toml"),
    )
    .expect("link");
    let paths = vec![dir.path().to_path_buf()];
    assert_eq!(
        lesson::load_packs(&paths)
            .expect("reads")
            .expect("a pack")
            .len(),
        2
    );
    // A link to a file outside it is refused, naming the link.
    std::os::unix::fs::symlink(
        outside.path().join("elsewhere.toml"),
        dir.path().join("lessons/evil.toml"),
    )
    .expect("link");
    let e = lesson::load_packs(&paths).expect_err("refused").to_string();
    assert!(
        e.contains("evil.toml") && e.contains("outside the folder"),
        "{e}"
    );
    // So is a `lessons` folder that is a link to one outside.
    let dir2 = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(outside.path(), dir2.path().join("lessons")).expect("link");
    let e = lesson::load_packs(&[dir2.path().to_path_buf()])
        .expect_err("refused")
        .to_string();
    assert!(e.contains("outside the pack"), "{e}");
}

/// Every lesson's recap names glossary terms (checked on load) and every prerequisite is a
/// lesson that exists.
#[test]
fn built_in_lessons_have_metadata_prerequisites_that_exist_and_a_recap() {
    let all = lesson::builtin().expect("lessons load");
    for l in &all {
        assert!(l.minutes.is_some() && l.level.is_some(), "{}", l.name);
        assert!(!l.recap.takeaways.is_empty(), "{}", l.name);
        for p in &l.prerequisites {
            assert!(lesson::find(&all, p).is_ok(), "{}: `{p}`", l.name);
        }
    }
}

#[test]
fn which_check_decides_is_scored_against_the_engines_categories() {
    use rolescope::engine::lesson::Decider;
    let inv = Arc::new(load_demo().expect("the demo loads"));
    let all = lesson::builtin().expect("lessons load");
    let l = lesson::find(&all, "troubleshooting").expect("there");
    let mut p = Player::new(l.clone(), inv);
    let reports = p.play_all();
    let asked: Vec<_> = reports.iter().filter(|r| r.answer.is_some()).collect();
    // li.wei → AnalyticsReadOnly: the trust decides, not her own policy.
    let li = asked[0];
    assert_eq!(li.title, "First, predict: li.wei and AnalyticsReadOnly");
    assert_eq!(p.answer_check(li, Decider::CallerPolicy), Some(false));
    assert_eq!(p.answer_check(li, Decider::Trust), Some(true));
    // sam.patel → ProdDatabaseAdmin: MFA.
    assert_eq!(p.answer_check(asked[1], Decider::Mfa), Some(true));
    // The Bool deny with long-term keys: allowed, nothing blocks it.
    let bool_step = asked[2];
    assert_eq!(bool_step.title, "Long-term keys, no MFA");
    assert_eq!(p.answer_check(bool_step, Decider::Nothing), Some(true));
    let s = p.score();
    assert_eq!((s.points, s.out_of), (3, 4));
    let recap = p.recap();
    assert_eq!(recap.questions.len(), 4);
    assert_eq!(recap.questions[0].given, "the caller's own policy");
    assert_eq!(recap.questions[0].truth, "the role's trust policy");
    assert!(!recap.questions[0].right);
    assert!(
        recap
            .terms
            .iter()
            .any(|(t, e)| t == "MFA" && e.contains("BoolIfExists"))
    );
}

#[test]
fn a_multiple_choice_question_is_scored_and_recapped() {
    let inv = Arc::new(load_demo().expect("the demo loads"));
    let all = lesson::builtin().expect("lessons load");
    let l = lesson::find(&all, "trust-permissions-boundary").expect("there");
    let step = l
        .steps
        .iter()
        .position(|s| !s.choices.is_empty())
        .expect("a choice step");
    let mut p = Player::new(l.clone(), inv);
    p.play_all();
    assert_eq!(p.answer_choice(step, 1), Some(false));
    assert_eq!(p.answer_choice(step, 3), Some(true));
    assert_eq!(p.answer_choice(step, 9), None, "not a choice");
    let r = p.recap();
    assert_eq!(r.questions[0].given, "an inline policy of the role");
    assert_eq!(
        r.questions[0].truth,
        "a resource policy naming the role session's ARN"
    );
    assert_eq!((r.score.points, r.score.out_of), (1, 2));
    p.restart();
    assert_eq!((p.position(), p.score().out_of, p.asked().len()), (0, 0, 0));
}

/// A trace says which lines are checks and which are notes: a denied call's notes (here
/// "resource control policies do not apply to `iam` actions", true whatever the decision)
/// are informational, never a failed check, while the check that denies stays failed.
#[test]
fn informational_trace_lines_are_not_failed_checks() {
    use rolescope::engine::lesson::TraceMark;
    let inv = Arc::new(load_demo().expect("the demo loads"));
    let lessons = lesson::builtin().expect("the built-in lessons load");
    let l = lessons
        .iter()
        .find(|l| l.name == "privilege-escalation")
        .expect("the lesson is built in");
    let mut p = Player::new(l.clone(), Arc::clone(&inv));
    let reports = p.play_all();
    let denied: Vec<_> = reports
        .iter()
        .filter(|r| {
            r.result
                .as_ref()
                .is_some_and(|d| d.error_code.as_deref() == Some("AccessDenied"))
        })
        .collect();
    assert!(!denied.is_empty(), "the lesson has denied calls");
    let mut notes = 0;
    for r in &denied {
        for t in &r.trace {
            if t.text.starts_with("resource control policies do not apply") {
                assert_eq!(t.mark, TraceMark::Info, "{t:?}");
                assert!(t.ok, "an informational line is not a failure: {t:?}");
                notes += 1;
            }
        }
        assert!(
            r.trace.iter().any(|t| t.mark == TraceMark::Failed && !t.ok),
            "a denied call keeps its failed check: {:?}",
            r.trace
        );
    }
    assert!(notes > 0, "a denied call of the lesson carries the note");
}

/// The wizard's fix for AnalyticsReadOnly swaps the wrong account for the right one, as
/// the lessons teach ("a fix replaces the wrong principal"): played in the troubleshooting
/// lesson, the trust afterwards names acme-dev and no longer acme-management.
#[test]
fn the_troubleshooting_lesson_s_wizard_swaps_the_wrong_account() {
    let inv = Arc::new(load_demo().expect("the demo loads"));
    let lessons = lesson::builtin().expect("the built-in lessons load");
    let l = lessons
        .iter()
        .find(|l| l.name == "troubleshooting")
        .expect("the lesson is built in");
    let mut p = Player::new(l.clone(), Arc::clone(&inv));
    let reports = p.play_all();
    let wizard = reports
        .iter()
        .find(|r| {
            r.title
                .contains("The analysts cannot get into AnalyticsReadOnly")
        })
        .expect("the wizard step");
    assert!(wizard.passed(), "{:?}", wizard.failures());
    let applied: Vec<&String> = wizard
        .log
        .iter()
        .filter(|l| l.starts_with("applied: "))
        .collect();
    assert_eq!(applied.len(), 1, "{:?}", wizard.log);
    assert!(
        applied[0].contains(
            "replace `arn:aws:iam::111111111111:root` with `arn:aws:iam::333333333333:root`"
        ),
        "{}",
        applied[0]
    );
    assert!(
        wizard
            .log
            .iter()
            .any(|l| l.contains("the trust names the wrong account")),
        "{:?}",
        wizard.log
    );
}

/// The trust-graph questions a lesson asks (the explorer's who-can-assume, reach, path and
/// external views) are answered from the data, and a wrong expectation fails.
#[test]
fn graph_questions_are_answered_from_the_data() {
    let inv = Arc::new(load_demo().expect("the demo loads"));
    let lessons = lesson::builtin().expect("the built-in lessons load");
    let l = lessons
        .iter()
        .find(|l| l.name == "cross-account-delegation")
        .expect("the lesson is built in");
    let reports = Player::new(l.clone(), Arc::clone(&inv)).play_all();
    let obs = |title: &str| {
        reports
            .iter()
            .find(|r| r.title == title)
            .unwrap_or_else(|| panic!("no step `{title}`"))
            .observation
            .clone()
    };
    let path = obs("How does one get from here to there?");
    assert_eq!(path["path_hops"], serde_json::json!(2));
    assert_eq!(path["path_via"], serde_json::json!(["OpsEntry"]));
    let reach = obs("Everything one person can reach");
    let roles = reach["reach_roles"].as_array().expect("a list");
    assert!(
        roles.contains(&serde_json::json!("DataLakeReader")),
        "{roles:?}"
    );
    assert!(
        !roles.contains(&serde_json::json!("AnalyticsReadOnly")),
        "{roles:?}"
    );
    let who = obs("Who can get in, seen from the role");
    assert!(
        who["role_assumable_by"]
            .as_array()
            .expect("a list")
            .contains(&serde_json::json!("li.wei"))
    );
    // The same lesson with a wrong expectation fails, naming the key.
    let mut wrong = l.clone();
    let i = wrong
        .steps
        .iter()
        .position(|s| s.title == "How does one get from here to there?")
        .expect("the step");
    wrong.steps[i]
        .expect
        .insert("path_hops".into(), serde_json::json!(3));
    let failures: Vec<String> = Player::new(wrong, inv)
        .play_all()
        .iter()
        .flat_map(|r| r.failures())
        .collect();
    assert!(
        failures.iter().any(|f| f.contains("path_hops")),
        "{failures:?}"
    );
}

#[allow(clippy::expect_used, reason = "a test helper fails loudly")]
fn played(name: &str) -> Vec<rolescope::engine::lesson::StepReport> {
    let inv = Arc::new(load_demo().expect("the demo loads"));
    let lessons = lesson::builtin().expect("the built-in lessons load");
    let l = lesson::find(&lessons, name).expect("the lesson is built in");
    Player::new(l.clone(), inv).play_all()
}

/// The beginner trace: the deciding check first (a permissions boundary for the cart
/// write, as the lesson teaches), the organisation's SCP levels folded into one line where
/// the full trace has one line per level, short names with the ARNs kept aside; and for a
/// grant past the boundary (a table policy naming the session, IAM UG "Permissions
/// boundaries for IAM entities"), the boundary's implicit deny shown as not needed.
#[test]
fn the_beginner_trace_puts_the_deciding_check_first_and_folds_the_organisation() {
    use rolescope::engine::lesson::TraceMark;
    let reports = played("trust-permissions-boundary");
    let cart = &reports[2];
    let first = &cart.beginner[0];
    assert_eq!(first.mark, TraceMark::Failed, "{:?}", cart.beginner);
    assert!(
        first
            .text
            .starts_with("denied implicitly — decided by a permissions boundary: the permissions boundary of storefront-builder/storefront-builder does not allow dynamodb:PutItem"),
        "{first:?}"
    );
    let scp_lines = cart
        .trace
        .iter()
        .filter(|t| t.text.starts_with("SCP "))
        .count();
    assert!(
        scp_lines >= 3,
        "the full trace has a line per level: {:?}",
        cart.trace
    );
    let org: Vec<_> = cart
        .beginner
        .iter()
        .filter(|t| t.text.starts_with("organisation:"))
        .collect();
    assert_eq!(org.len(), 1, "{:?}", cart.beginner);
    assert!(
        org[0].text.contains("SCPs allow it at all 3 levels"),
        "{org:?}"
    );
    assert!(
        cart.beginner.iter().all(|t| !t.text.contains("arn:")),
        "{:?}",
        cart.beginner
    );
    assert!(
        first.names.iter().any(|n| n.arn
            == "arn:aws:sts::333333333333:assumed-role/storefront-builder/storefront-builder"),
        "{first:?}"
    );
    // The identity policy allowed: a passed line, after the deciding one.
    assert!(cart.beginner[1..].iter().any(|t| {
        t.mark == TraceMark::Passed
            && t.text
                .contains("a policy of storefront-builder/storefront-builder allows it")
    }));

    let table = &reports[7];
    let first = &table.beginner[0];
    assert_eq!(first.mark, TraceMark::Passed, "{:?}", table.beginner);
    assert!(
        first
            .text
            .starts_with("allowed — the resource policy of table/storefront-sessions allows it"),
        "{first:?}"
    );
    assert!(
        table.beginner.iter().any(|t| t.mark == TraceMark::Info
            && t.text.starts_with("the permissions boundary of")
            && t.text.contains("not needed here")),
        "{:?}",
        table.beginner
    );
}

/// For an STS call the deciding check is the first failing one, in the words of the
/// question "which check decides it?": kevin.lee's own policy for OpsEntry (the trust names
/// the account, IAM UG "AWS JSON policy elements: Principal").
#[test]
fn the_beginner_trace_of_an_assume_role_names_the_deciding_check_as_the_question_does() {
    use rolescope::engine::lesson::{Decider, TraceMark};
    let reports = played("roles-vs-users");
    let kevin = &reports[1];
    let first = &kevin.beginner[0];
    assert_eq!(first.mark, TraceMark::Failed);
    assert!(
        first.text.starts_with(&format!(
            "denied — decided by {}:",
            Decider::CallerPolicy.label()
        )),
        "{first:?}"
    );
    assert!(
        first.text.contains("kevin.lee") && !first.text.contains("arn:"),
        "{first:?}"
    );
    assert_eq!(
        kevin.beginner.last().map(|t| t.text.as_str()),
        Some("STS answers AccessDenied")
    );
}

/// Every simulated step of every built-in lesson: the beginner trace opens with the
/// outcome (✓ for an allowed call, ✗ for a refused one), says it once per line without an
/// ARN in its text, and keeps every ARN it shortened.
#[test]
fn every_beginner_trace_opens_with_the_outcome_and_keeps_its_arns_aside() {
    use rolescope::engine::lesson::TraceMark;
    use rolescope::engine::sts::request::DecisionDoc;
    let inv = Arc::new(load_demo().expect("the demo loads"));
    let mut steps = 0;
    for l in lesson::builtin().expect("the built-in lessons load") {
        for r in Player::new(l.clone(), Arc::clone(&inv)).play_all() {
            let Some(doc) = &r.result else { continue };
            if r.observation.contains_key("wizard_categories") {
                continue;
            }
            steps += 1;
            let first = r
                .beginner
                .first()
                .unwrap_or_else(|| panic!("{} step {}: empty", l.name, r.index + 1));
            let want = match doc.decision {
                Some(DecisionDoc::Allow) => TraceMark::Passed,
                Some(DecisionDoc::Unknown) => TraceMark::Unknown,
                _ => TraceMark::Failed,
            };
            assert_eq!(
                first.mark,
                want,
                "{} step {}: {:?}",
                l.name,
                r.index + 1,
                r.beginner
            );
            for t in &r.beginner {
                assert!(
                    !t.text.contains("arn:aws"),
                    "{} step {}: {t:?}",
                    l.name,
                    r.index + 1
                );
                assert!(t.names.iter().all(|n| n.arn.starts_with("arn:")), "{t:?}");
            }
            let mut texts: Vec<_> = r.beginner.iter().map(|t| &t.text).collect();
            texts.sort();
            texts.dedup();
            assert_eq!(
                texts.len(),
                r.beginner.len(),
                "{} step {}: a line twice",
                l.name,
                r.index + 1
            );
        }
    }
    assert!(steps > 30, "{steps} simulated steps");
}

/// The wizard's advice for "the session expired early" and "the instance has the wrong
/// role" says what AWS does: a chained session keeps its own expiry, and a wrong role on an
/// instance does not stop the launch and is replaced without relaunching (IAM UG, "Roles
/// terms and concepts" and "Troubleshoot IAM and Amazon EC2").
#[test]
fn the_wizard_s_advice_on_early_expiry_and_a_wrong_instance_role_is_right() {
    use rolescope::engine::sts::request::Request;
    use rolescope::engine::whatif::WhatIf;
    use rolescope::engine::wizard::{Symptom, diagnose};
    let inv = Arc::new(load_demo().expect("the demo loads"));
    let whatif = WhatIf::new(Arc::clone(&inv));
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .unwrap()
        .to_utc();
    let req = Request::from_value(serde_json::json!({
        "kind": "assume-role",
        "caller": "arn:aws:iam::111111111111:user/people/maria.garcia",
        "caller_credentials": "long-term",
        "role": "arn:aws:iam::111111111111:role/OpsEntry",
        "role_session_name": "maria"
    }))
    .unwrap();
    let early = diagnose(&whatif, Symptom::SessionExpiredEarly, &req, now)
        .unwrap()
        .explanation
        .join(" ");
    assert!(
        early.contains("does not end when the session it came from does"),
        "{early}"
    );
    assert!(
        early.contains("SessionNotOnOrAfter") && early.contains("Revoke active sessions"),
        "{early}"
    );
    assert!(
        !early.contains("cannot be used after the caller's own session"),
        "{early}"
    );
    let req = Request::from_value(serde_json::json!({
        "kind": "ec2-instance-profile",
        "role": "arn:aws:iam::222222222222:role/service-role/order-processor-lambda",
        "instance_id": "i-0a1b2c3d4e5f60718"
    }))
    .unwrap();
    let wrong = diagnose(&whatif, Symptom::WrongRoleOnInstance, &req, now)
        .unwrap()
        .explanation
        .join(" ");
    assert!(wrong.contains("The launch did not fail on this"), "{wrong}");
    assert!(
        wrong.contains("replace-iam-instance-profile-association"),
        "{wrong}"
    );
    assert!(!wrong.contains("Launch the instance with"), "{wrong}");
}
