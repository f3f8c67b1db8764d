//! The one place the collector reads the wall clock.
//!
//! [`Clock::System`] is the real time. [`Clock::Shifted`] is a testing aid (`--now`): it starts
//! at a fixed instant and then advances with real elapsed time, optionally faster (`speed`), so
//! a test can make jobs due inside market hours on any day without waiting for the market.
//! Everything downstream takes the time as an argument.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use domain::UnixNanos;

#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Shifted {
        /// What `now()` returned at `origin`.
        start: UnixNanos,
        origin: Instant,
        /// Simulated seconds per real second (1 = real time).
        speed: u32,
    },
}

impl Clock {
    /// A clock that reads `start` now and then runs `speed` times faster than real time.
    pub fn shifted(start: UnixNanos, speed: u32) -> Self {
        Self::Shifted {
            start,
            origin: Instant::now(),
            speed: speed.max(1),
        }
    }

    pub fn now(&self) -> UnixNanos {
        match *self {
            Self::System => system_now(),
            Self::Shifted {
                start,
                origin,
                speed,
            } => {
                let real = origin.elapsed().as_nanos().min(i64::MAX as u128) as i64;
                start.plus(real.saturating_mul(i64::from(speed)))
            }
        }
    }

    /// Real time to wait until the clock reads `t` (zero if it already has).
    pub fn until(&self, t: UnixNanos) -> Duration {
        let ahead = t.as_i64().saturating_sub(self.now().as_i64());
        if ahead <= 0 {
            return Duration::ZERO;
        }
        let speed = match self {
            Self::System => 1,
            Self::Shifted { speed, .. } => i64::from(*speed),
        };
        // Round up so that after the sleep the clock has reached `t`.
        Duration::from_nanos(((ahead + speed - 1) / speed) as u64)
    }

    /// Sleeps until the clock reads `t`. Re-checks after waking, because a sleep may end early
    /// (or the system clock may have been stepped).
    pub async fn sleep_until(&self, t: UnixNanos) {
        loop {
            let d = self.until(t);
            if d.is_zero() {
                return;
            }
            tokio::time::sleep(d).await;
        }
    }
}

fn system_now() -> UnixNanos {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    UnixNanos::new(d.as_nanos().min(i64::MAX as u128) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifted_clock_starts_at_the_given_instant_and_advances() {
        let start = UnixNanos::parse_rfc3339("2024-01-03T15:00:00Z").unwrap();
        let c = Clock::shifted(start, 60);
        let a = c.now();
        assert!(
            a >= start && a.as_i64() - start.as_i64() < 60_000_000_000,
            "{a}"
        );
        std::thread::sleep(Duration::from_millis(20));
        // 20 ms real at 60× is at least 1.2 s simulated.
        assert!(c.now().as_i64() - start.as_i64() >= 1_200_000_000);
        // A minute ahead is at most a second of real waiting at 60×.
        assert!(c.until(start.plus(60_000_000_000)) <= Duration::from_secs(1));
        assert_eq!(c.until(start), Duration::ZERO);
    }

    #[test]
    fn system_clock_is_recent() {
        let now = Clock::System.now();
        assert!(now > UnixNanos::parse_rfc3339("2025-01-01").unwrap());
    }
}
