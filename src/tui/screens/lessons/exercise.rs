//! A lesson's exercises in the explorer, after its steps: each opens on the data as loaded;
//! `e` / `E` edit the exercise's role in the what-if editor (built-in, or `$EDITOR`); the
//! engine's exercise check runs on every save ([`watch`], called by the app whenever the
//! what-if data changes) and the lesson moves on when every goal holds; `h` shows the next
//! hint (each costs a point), `z` resets the data, `]` skips. Then the recap.
//!
//! The checking is the engine's ([`Attempt`](crate::engine::exercise::Attempt)): goals met,
//! over-broad or destructive changes named, rules kept, the score.

use std::sync::Arc;

use crate::engine::exercise::Attempt;
use crate::tui::outcome::Outcome;
use crate::tui::teach::{After, ExerciseDone, ExerciseView, LessonView, StepScreen};
use crate::tui::world::World;

/// After the steps (or an exercise): the next exercise, or the recap.
pub fn advance(world: &mut World) -> Option<StepScreen> {
    let l = world.teach.lesson.as_mut()?;
    let next = match &l.after {
        After::Steps => 0,
        After::Exercise(x) => {
            // Moving on without solving it: no points.
            let done = finished(x, false);
            l.exercises_done.push(done);
            x.index + 1
        }
        After::Recap => return None,
    };
    start_at(world, next)
}

/// Starts the exercise at `next` (the recap when there is none).
fn start_at(world: &mut World, next: usize) -> Option<StepScreen> {
    let l = world.teach.lesson.as_mut()?;
    l.scroll = 0;
    let Some(ex) = l.player.lesson().exercises.get(next).cloned() else {
        return Some(to_recap(world));
    };
    let base = Arc::clone(l.player.whatif().base());
    let attempt = Attempt::new(ex.clone(), base);
    let mut screen = StepScreen::at(l.player.now());
    screen.edited = Some(attempt.whatif().clone());
    screen.select_role = ex.spec.roles.first().cloned();
    l.after = After::Exercise(Box::new(ExerciseView {
        index: next,
        attempt,
    }));
    world.note(format!("exercise `{}` started", ex.spec.name));
    world.say(
        format!(
            "exercise `{}`: e edits {}, every save is checked; h hint, z reset, ] skip",
            ex.spec.name,
            ex.spec.roles.first().map_or("a role", String::as_str)
        ),
        false,
    );
    Some(screen)
}

fn finished(x: &ExerciseView, solved: bool) -> ExerciseDone {
    let spec = &x.attempt.exercise().spec;
    ExerciseDone {
        name: spec.name.clone(),
        title: spec.title.clone(),
        solved,
        score: if solved {
            x.attempt.score()
        } else {
            crate::engine::exercise::ExerciseScore {
                points: 0,
                out_of: 3,
            }
        },
    }
}

/// The lesson's points so far: the questions' and the exercises'.
#[must_use]
pub fn total(l: &LessonView) -> (u32, u32) {
    let s = l.player.score();
    l.exercises_done
        .iter()
        .fold((s.points, s.out_of), |(p, o), d| {
            (p + d.score.points, o + d.score.out_of)
        })
}

/// The recap: the lesson is over (and its result remembered for the index).
fn to_recap(world: &mut World) -> StepScreen {
    let Some(l) = world.teach.lesson.as_mut() else {
        return StepScreen::at(world.now);
    };
    l.after = After::Recap;
    l.scroll = 0;
    let (points, out_of) = total(l);
    let name = l.player.lesson().name.clone();
    let now = l.player.now();
    world.teach.finished.insert(name.clone(), (points, out_of));
    world.note(format!(
        "lesson `{name}` finished: {points} of {out_of} points"
    ));
    world.say(
        format!("end of the lesson: {points} of {out_of} points; {{ plays it again"),
        false,
    );
    StepScreen::at(now)
}

/// The exercise being worked on.
fn current(world: &mut World) -> Option<&mut ExerciseView> {
    match &mut world.teach.lesson.as_mut()?.after {
        After::Exercise(x) => Some(x),
        _ => None,
    }
}

/// `e` / `E`: the edit menu of the exercise's role.
pub fn edit(world: &mut World, external: bool) -> Outcome {
    let Some(x) = current(world) else {
        return Outcome::Done;
    };
    let Some(name) = x.attempt.exercise().spec.roles.first().cloned() else {
        world.say(
            "this exercise names no role to edit; press D to see the edits",
            true,
        );
        return Outcome::Done;
    };
    let found = crate::engine::lookup::find_role(&world.inventory, &name)
        .ok()
        .and_then(|r| world.inventory.index.role_by_arn.get(&r.arn).copied());
    let Some(i) = found else {
        world.say(
            format!("the exercise's role `{name}` is not in the data"),
            true,
        );
        return Outcome::Done;
    };
    let mut screen = StepScreen::at(world.now);
    screen.edit_role = Some((i, external));
    Outcome::LessonStep(Box::new(screen))
}

/// `h`: the next hint, kept on the narrative.
pub fn hint(world: &mut World) {
    let Some(x) = current(world) else {
        return;
    };
    let said = match x.attempt.hint() {
        Some(h) => format!("hint: {h}"),
        None => "no more hints for this exercise".to_owned(),
    };
    world.say(said, false);
}

/// `z`: the exercise's data as loaded again (the hints seen stay seen).
pub fn reset(world: &mut World) -> Outcome {
    let Some(x) = current(world) else {
        return Outcome::Done;
    };
    x.attempt.reset();
    let fresh = x.attempt.whatif().clone();
    let mut screen = StepScreen::at(world.now);
    screen.edited = Some(fresh);
    world.say("exercise reset: the data as loaded", false);
    Outcome::LessonStep(Box::new(screen))
}

/// The watch loop: the what-if data changed (a save in the editor, an undo); when an
/// exercise is being worked on and its data is not the one last checked, the engine checks
/// it. Solved: the lesson moves on (the screen part returned, for the app). Not yet: the
/// status line says what is still wrong, an over-broad change with the access it adds.
pub fn watch(world: &mut World) -> Option<StepScreen> {
    let edited = world.whatif.clone();
    let x = current(world)?;
    if x.attempt.whatif().edits() == edited.edits() && x.attempt.last().is_some() {
        return None;
    }
    if !Arc::ptr_eq(x.attempt.whatif().base(), edited.base()) {
        return None;
    }
    if edited.edits().is_empty() && x.attempt.last().is_none() {
        return None;
    }
    let report = x.attempt.check_edited(&edited).clone();
    if report.solved {
        let done = finished(x, true);
        let line = format!(
            "✓ exercise `{}` solved: {} of {} points",
            done.name, done.score.points, done.score.out_of
        );
        let next = x.index + 1;
        let l = world.teach.lesson.as_mut()?;
        l.exercises_done.push(done);
        l.solved_banner = Some(line.clone());
        world.note(line.clone());
        let screen = start_at(world, next);
        world.say(line, false);
        return screen;
    }
    let problems = report.problems();
    world.say(
        format!(
            "not solved yet ({} problem(s)): {}",
            problems.len(),
            problems.first().map_or("", String::as_str)
        ),
        true,
    );
    None
}

/// The narrative of the exercise being worked on: the task, the goals as last checked, what
/// is still wrong, the hints seen and the keys.
pub fn lines(
    x: &ExerciseView,
    total: usize,
    theme: crate::tui::theme::Theme,
) -> Vec<ratatui::text::Line<'static>> {
    use ratatui::style::Modifier;
    use ratatui::text::{Line, Span};
    let spec = &x.attempt.exercise().spec;
    let mut out = vec![
        Line::styled(
            format!("exercise {} of {total} · {}", x.index + 1, spec.title),
            theme.title(),
        ),
        Line::raw(""),
    ];
    let last = x.attempt.last();
    if let Some(r) = last {
        let mut problems = summed(
            "too broad:",
            "can now assume it, which the exercise does not allow",
            &r.extra_gained,
        );
        problems.extend(summed(
            "too much taken away:",
            "can no longer assume it",
            &r.extra_lost,
        ));
        problems.extend(r.rules_broken.iter().cloned());
        for p in problems {
            out.push(Line::styled(format!("✗ {p}"), theme.error()));
        }
    }
    for (i, g) in spec.goals.iter().enumerate() {
        let result = last.and_then(|r| r.goals.get(i));
        let (mark, style) = match result {
            Some(r) if r.met => ("✓", theme.ok()),
            Some(_) => ("✗", theme.error()),
            None => ("·", theme.dim()),
        };
        out.push(Line::from(vec![
            Span::styled(format!("{mark} "), style),
            Span::raw(g.says.clone()),
        ]));
        if let Some(why) = result.and_then(|r| r.why.as_ref()) {
            out.push(Line::styled(format!("    {why}"), theme.dim()));
        }
    }
    for (i, h) in x.attempt.hints_seen().iter().enumerate() {
        out.push(Line::styled(
            format!("hint {}: {h}", i + 1),
            theme.warn().add_modifier(Modifier::ITALIC),
        ));
    }
    let mut keys = vec![
        Span::styled("e", theme.key()),
        Span::raw(" edit (E in $EDITOR), every save is checked · "),
        Span::styled("h", theme.key()),
        Span::raw(format!(
            " hint ({} left, each costs a point) · ",
            spec.hints
                .len()
                .saturating_sub(x.attempt.hints_seen().len())
        )),
        Span::styled("z", theme.key()),
        Span::raw(" reset · "),
        Span::styled("]", theme.key()),
        Span::raw(" skip"),
    ];
    if spec.roles.is_empty() {
        keys.drain(..2);
    }
    out.push(Line::from(keys));
    out.push(Line::raw(""));
    for para in spec.text.trim().split("\n\n") {
        out.push(Line::raw(para.replace('\n', " ")));
        out.push(Line::raw(""));
    }
    out
}

/// One line per pair when there are a few; past three, one line naming the first three and
/// how many more (an access wide open can add dozens).
fn summed(what: &str, tail: &str, pairs: &[String]) -> Vec<String> {
    const SHOWN: usize = 3;
    if pairs.len() <= SHOWN {
        return pairs.iter().map(|p| format!("{what} {p} {tail}")).collect();
    }
    vec![format!(
        "{what} {} and {} more pairs: they {tail}",
        pairs[..SHOWN].join("; "),
        pairs.len() - SHOWN
    )]
}
