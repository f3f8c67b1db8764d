//! The per-client request budget: a GCRA token bucket (`governor`) plus any pause the server
//! asked for (`Retry-After`, or `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset`).
//!
//! Both are shared by every task using the client, so concurrent page fetches queue behind one
//! budget instead of each discovering the limit with its own 429.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::HeaderMap;
use tokio::time::Instant;

pub(crate) struct RateGate {
    limiter: DefaultDirectRateLimiter,
    clock: DefaultClock,
    paused_until: Mutex<Option<Instant>>,
    max_pause: Duration,
}

impl RateGate {
    pub fn new(per_minute: NonZeroU32, max_pause: Duration) -> Self {
        Self {
            limiter: RateLimiter::direct(Quota::per_minute(per_minute)),
            clock: DefaultClock::default(),
            paused_until: Mutex::new(None),
            max_pause,
        }
    }

    /// Waits until a request may be sent: first out any server-requested pause, then for a
    /// token. Returns how long it waited in total.
    pub async fn acquire(&self) -> Duration {
        let started = Instant::now();
        loop {
            let until = *self.paused_until.lock().expect("rate gate lock");
            match until {
                Some(u) if u > Instant::now() => {
                    tracing::debug!(
                        wait_ms = (u - Instant::now()).as_millis() as u64,
                        "rate limit: waiting out the server's pause"
                    );
                    tokio::time::sleep_until(u).await;
                }
                _ => break,
            }
        }
        while let Err(not_until) = self.limiter.check() {
            let wait = not_until.wait_time_from(self.clock.now());
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "rate limit: waiting for a token"
            );
            tokio::time::sleep(wait).await;
        }
        started.elapsed()
    }

    /// Holds every request back for `d` (capped at the configured maximum).
    pub fn pause_for(&self, d: Duration) {
        let until = Instant::now() + d.min(self.max_pause);
        let mut g = self.paused_until.lock().expect("rate gate lock");
        if g.is_none_or(|cur| cur < until) {
            *g = Some(until);
        }
    }

    /// Reads Alpaca-style budget headers: with nothing remaining, pause until the reset time.
    pub fn observe(&self, headers: &HeaderMap) {
        let remaining = header_u64(headers, "x-ratelimit-remaining");
        if remaining != Some(0) {
            return;
        }
        if let Some(reset) = header_u64(headers, "x-ratelimit-reset") {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            // Round up: the budget refills at the start of the reset second, not before.
            let wait = Duration::from_secs(reset).saturating_sub(now) + Duration::from_millis(50);
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "rate limit: budget exhausted, pausing until reset"
            );
            self.pause_for(wait);
        }
    }
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// `Retry-After` as seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?.timestamp();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(
        u64::try_from(at).ok()?.saturating_sub(now),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn parses_retry_after_forms() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
    }

    #[tokio::test]
    async fn bucket_spaces_requests_beyond_the_burst() {
        // 600/min = one every 100 ms after a burst of 600; use a tiny quota to see the wait.
        let gate = RateGate {
            limiter: RateLimiter::direct(
                Quota::with_period(Duration::from_millis(40))
                    .unwrap()
                    .allow_burst(NonZeroU32::new(2).unwrap()),
            ),
            clock: DefaultClock::default(),
            paused_until: Mutex::new(None),
            max_pause: Duration::from_secs(1),
        };
        let t = Instant::now();
        for _ in 0..4 {
            gate.acquire().await;
        }
        assert!(
            t.elapsed() >= Duration::from_millis(70),
            "{:?}",
            t.elapsed()
        );
    }

    #[tokio::test]
    async fn exhausted_budget_pauses_until_reset() {
        let gate = RateGate::new(NonZeroU32::new(1000).unwrap(), Duration::from_millis(300));
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        let reset = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 30;
        h.insert("x-ratelimit-reset", HeaderValue::from(reset));
        gate.observe(&h);
        // The 30 s reset is capped by max_pause (300 ms).
        let waited = gate.acquire().await;
        assert!(waited >= Duration::from_millis(250), "{waited:?}");
        assert!(waited < Duration::from_secs(2), "{waited:?}");
    }
}
