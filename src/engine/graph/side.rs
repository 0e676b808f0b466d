//! Two pieces of work side by side on two threads.

/// `a` on a scoped thread and `b` on this one, both answers returned when both are done: the
/// caller waits for the longer of the two, not their sum. Where no thread can be made, `a`
/// runs after `b` on this one. A panic on the thread is raised again here, as if both had run
/// on this thread.
///
/// The commands that answer with the trust graph's assume-role answer and the walk that
/// also takes escalation edges (`reach`, `who-can-assume`, `path`) run the two this way: they
/// share the graph's decided hops (whichever needs a hop first decides it; the other finds it
/// decided), so together they cost little more than the longer alone.
pub fn side_by_side<A: Send, B>(a: impl Fn() -> A + Sync, b: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name("rolescope-side".to_owned())
            .spawn_scoped(scope, &a)
        {
            Ok(handle) => {
                let second = b();
                match handle.join() {
                    Ok(first) => (first, second),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            Err(e) => {
                tracing::debug!("no second thread ({e}): one after the other");
                let second = b();
                (a(), second)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::side_by_side;

    #[test]
    fn both_answers_come_back_and_the_first_runs_on_another_thread() {
        let here = std::thread::current().id();
        let (there, n) = side_by_side(|| std::thread::current().id(), || 2 + 2);
        assert_eq!(n, 4);
        assert_ne!(there, here);
    }

    #[test]
    fn a_panic_on_the_other_thread_is_raised_here() {
        let caught = std::panic::catch_unwind(|| {
            side_by_side(|| -> u8 { panic!("the other thread's panic") }, || 1)
        });
        let message = caught
            .err()
            .and_then(|p| p.downcast_ref::<&str>().map(|s| (*s).to_owned()));
        assert_eq!(message.as_deref(), Some("the other thread's panic"));
    }
}
