//! How long to wait before retrying a transient failure: exponential backoff with jitter,
//! a bounded number of times.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Retry schedule. Delay before retry `k` (0-based) is `base · 2^k`, capped at `max_delay`,
/// then jittered into `[d/2, d]` so clients that failed together do not return together.
/// A server's `Retry-After` replaces the delay when longer; one longer than `max_retry_after`
/// ends the request instead (`GiveUp::RetryAfter`), as does any wait past the request's time
/// limit (`HttpConfig::max_request_time`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured: a server asking for more ends the request with an
    /// error saying so, rather than parking a worker for as long as it likes.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// Millisecond delays for tests and local servers.
    pub fn fast(max_retries: u32) -> Self {
        Self {
            max_retries,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(10),
            max_retry_after: Duration::from_secs(5),
        }
    }

    /// The delay before retry `retry` (0-based), with a server hint if any.
    pub fn delay(&self, retry: u32, server_hint: Option<Duration>, jitter: &Jitter) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.min(20))
            .min(self.max_delay);
        let half = exp / 2;
        let jittered = half + jitter.up_to(exp - half);
        match server_hint {
            Some(h) => jittered.max(h.min(self.max_retry_after)),
            None => jittered,
        }
    }
}

/// A seeded SplitMix64 stream: reproducible in tests, different per client in production.
#[derive(Debug)]
pub struct Jitter(AtomicU64);

impl Jitter {
    pub fn new(seed: u64) -> Self {
        Self(AtomicU64::new(seed))
    }

    /// Seeded from the process id and the clock, so a fleet of collectors does not retry in step.
    pub fn from_entropy() -> Self {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Self::new(t ^ (u64::from(std::process::id()) << 32))
    }

    fn next(&self) -> u64 {
        let mut z = self
            .0
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, max]` at nanosecond resolution.
    pub fn up_to(&self, max: Duration) -> Duration {
        let n = max.as_nanos() as u64;
        if n == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(self.next() % (n + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn grows_then_caps() {
        let p = RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(5),
        };
        let j = Jitter::new(7);
        let d: Vec<Duration> = (0..6).map(|k| p.delay(k, None, &j)).collect();
        assert!(d[0] >= Duration::from_millis(50) && d[0] <= Duration::from_millis(100));
        assert!(d[3] >= Duration::from_millis(400) && d[3] <= Duration::from_millis(800));
        assert!(d[5] >= Duration::from_millis(500) && d[5] <= Duration::from_secs(1));
        // Retry-After wins when longer, capped by max_retry_after.
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(3)), &j),
            Duration::from_secs(3)
        );
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(60)), &j),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn same_seed_same_delays() {
        let p = RetryPolicy::default();
        let (a, b) = (Jitter::new(42), Jitter::new(42));
        for k in 0..8 {
            assert_eq!(p.delay(k, None, &a), p.delay(k, None, &b));
        }
    }

    proptest! {
        #[test]
        fn delay_stays_in_band(k in 0u32..40, seed in any::<u64>(), base_ms in 1u64..2000) {
            let p = RetryPolicy {
                max_retries: 40,
                base_delay: Duration::from_millis(base_ms),
                max_delay: Duration::from_secs(30),
                max_retry_after: Duration::from_secs(120),
            };
            let d = p.delay(k, None, &Jitter::new(seed));
            let cap = p.base_delay.saturating_mul(1 << k.min(20)).min(p.max_delay);
            prop_assert!(d <= cap && d >= cap / 2);
        }
    }
}
