//! The simulation clock: simulated time that can run at ×1, ×10, ×60 or ×600, pause,
//! and jump ahead (to the next session expiry, say).
//!
//! The clock is a pure function of the real time elapsed since the app started (a
//! monotonic `Duration` the loop passes in), so tests drive it with chosen durations.
//! Sessions keep their `issued_at`/`expires_at`; countdowns are `expires_at - now`.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

/// The speeds the clock offers, slowest first.
pub const SPEEDS: [u32; 4] = [1, 10, 60, 600];

/// Simulated time anchored to real elapsed time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimClock {
    /// Simulated time at the anchor.
    anchor_sim: DateTime<Utc>,
    /// Real elapsed time at the anchor.
    anchor_real: Duration,
    speed: u32,
    paused: bool,
}

impl SimClock {
    /// A running ×1 clock showing `start` at real elapsed time zero.
    #[must_use]
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            anchor_sim: start,
            anchor_real: Duration::ZERO,
            speed: 1,
            paused: false,
        }
    }

    /// Simulated time at real elapsed time `real`.
    #[must_use]
    pub fn now(&self, real: Duration) -> DateTime<Utc> {
        if self.paused {
            return self.anchor_sim;
        }
        let gone = real.saturating_sub(self.anchor_real);
        let scaled = gone.saturating_mul(self.speed);
        let delta = TimeDelta::from_std(scaled).unwrap_or(TimeDelta::MAX);
        self.anchor_sim
            .checked_add_signed(delta)
            .unwrap_or(self.anchor_sim)
    }

    fn reanchor(&mut self, real: Duration) {
        self.anchor_sim = self.now(real);
        self.anchor_real = real;
    }

    #[must_use]
    pub fn speed(&self) -> u32 {
        self.speed
    }

    #[must_use]
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    pub fn toggle_pause(&mut self, real: Duration) {
        self.reanchor(real);
        self.paused = !self.paused;
    }

    pub fn set_speed(&mut self, speed: u32, real: Duration) {
        self.reanchor(real);
        self.speed = speed.max(1);
    }

    /// The next speed in [`SPEEDS`], wrapping to ×1 after ×600.
    pub fn faster(&mut self, real: Duration) {
        let next = SPEEDS
            .iter()
            .copied()
            .find(|&s| s > self.speed)
            .unwrap_or(self.speed);
        self.set_speed(next, real);
    }

    /// The previous speed in [`SPEEDS`], staying at ×1.
    pub fn slower(&mut self, real: Duration) {
        let prev = SPEEDS
            .iter()
            .rev()
            .copied()
            .find(|&s| s < self.speed)
            .unwrap_or(SPEEDS[0]);
        self.set_speed(prev, real);
    }

    /// Moves simulated time to `to` (never backwards), keeping speed and pause state.
    pub fn jump_to(&mut self, to: DateTime<Utc>, real: Duration) {
        self.reanchor(real);
        if to > self.anchor_sim {
            self.anchor_sim = to;
        }
    }

    /// Moves simulated time to `to`, backwards too (a lesson gone back to an earlier
    /// step), keeping speed and pause state.
    pub fn set_to(&mut self, to: DateTime<Utc>, real: Duration) {
        self.reanchor(real);
        self.anchor_sim = to;
    }

    /// Real time until the simulated clock next reaches a whole second; `None` when
    /// paused (nothing on screen moves then).
    #[must_use]
    pub fn until_next_second(&self, real: Duration) -> Option<Duration> {
        if self.paused {
            return None;
        }
        let now = self.now(real);
        let sub = u64::from(now.timestamp_subsec_nanos());
        let sim_left = 1_000_000_000u64.saturating_sub(sub).max(1);
        Some(Duration::from_nanos(sim_left / u64::from(self.speed)).max(Duration::from_millis(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn runs_at_the_chosen_speed_and_keeps_time_across_speed_changes() {
        let mut c = SimClock::new(t0());
        assert_eq!(c.now(Duration::from_secs(5)), t0() + TimeDelta::seconds(5));
        c.set_speed(60, Duration::from_secs(5));
        assert_eq!(c.now(Duration::from_secs(6)), t0() + TimeDelta::seconds(65));
        c.faster(Duration::from_secs(6));
        assert_eq!(c.speed(), 600);
        // The fastest speed stays the fastest: `+` does not wrap to ×1.
        c.faster(Duration::from_secs(6));
        assert_eq!(c.speed(), 600);
        for _ in 0..5 {
            c.slower(Duration::from_secs(6));
        }
        assert_eq!(c.speed(), 1);
    }

    #[test]
    fn paused_clock_stands_still_and_resumes_where_it_stopped() {
        let mut c = SimClock::new(t0());
        c.toggle_pause(Duration::from_secs(10));
        assert_eq!(
            c.now(Duration::from_secs(100)),
            t0() + TimeDelta::seconds(10)
        );
        assert_eq!(c.until_next_second(Duration::from_secs(100)), None);
        c.toggle_pause(Duration::from_secs(100));
        assert_eq!(
            c.now(Duration::from_secs(101)),
            t0() + TimeDelta::seconds(11)
        );
    }

    #[test]
    fn jump_never_goes_backwards() {
        let mut c = SimClock::new(t0());
        c.jump_to(t0() + TimeDelta::hours(1), Duration::ZERO);
        assert_eq!(c.now(Duration::ZERO), t0() + TimeDelta::hours(1));
        c.jump_to(t0(), Duration::ZERO);
        assert_eq!(c.now(Duration::ZERO), t0() + TimeDelta::hours(1));
    }
}
