//! The per-client request budget: a GCRA token bucket (`governor`) plus any pause the server
//! asked for (`Retry-After`, or `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset`).
//!
//! Both are shared by every task using the client, so concurrent page fetches queue behind one
//! budget instead of each discovering the limit with its own 429.
//!
//! A server pause is capped (`HttpConfig::max_server_pause`), and a reset time is waited for
//! once: a server that repeats the same reset on every response (or names one far in the
//! future) costs one capped pause, not one per page.

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
    /// The latest `X-RateLimit-Reset` (epoch seconds) already paused for.
    honoured_reset: Mutex<Option<u64>>,
}

impl RateGate {
    pub fn new(per_minute: NonZeroU32, max_pause: Duration) -> Self {
        Self {
            limiter: RateLimiter::direct(Quota::per_minute(per_minute)),
            clock: DefaultClock::default(),
            paused_until: Mutex::new(None),
            max_pause,
            honoured_reset: Mutex::new(None),
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

    /// Reads Alpaca-style budget headers: with nothing remaining, pause until the reset time
    /// (capped), unless that reset, or a later one, was already paused for.
    pub fn observe(&self, headers: &HeaderMap) {
        let remaining = header_u64(headers, "x-ratelimit-remaining");
        if remaining != Some(0) {
            return;
        }
        let Some(reset) = header_u64(headers, "x-ratelimit-reset") else {
            return;
        };
        {
            let mut honoured = self.honoured_reset.lock().expect("rate gate lock");
            if honoured.is_some_and(|h| reset <= h) {
                return;
            }
            *honoured = Some(reset);
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        // Round up: the budget refills at the start of the reset second, not before.
        let wait = Duration::from_secs(reset).saturating_sub(now) + Duration::from_millis(50);
        tracing::debug!(
            wait_ms = wait.as_millis() as u64,
            max_pause_ms = self.max_pause.as_millis() as u64,
            "rate limit: budget exhausted, pausing until reset"
        );
        self.pause_for(wait);
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
            honoured_reset: Mutex::new(None),
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

    fn budget(remaining: u64, reset: u64) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
        h.insert("x-ratelimit-reset", HeaderValue::from(reset));
        h
    }

    fn in_secs(s: u64) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + s
    }

    // Paused time: the pauses are measured on tokio's clock, which only moves when every task
    // waits, so nothing here depends on how fast the machine is.
    #[tokio::test(start_paused = true)]
    async fn a_far_future_reset_pauses_once_at_the_cap_not_on_every_page() {
        let cap = Duration::from_secs(65);
        let gate = RateGate::new(NonZeroU32::new(1000).unwrap(), cap);
        let far = budget(0, in_secs(24 * 3600));
        gate.observe(&far);
        assert_eq!(gate.acquire().await, cap);
        // Every later page repeats the same reset: already waited for, not waited for again.
        for _ in 0..5 {
            gate.observe(&far);
            assert_eq!(gate.acquire().await, Duration::ZERO);
        }
        // Budget left: no pause, whatever the reset says.
        gate.observe(&budget(3, in_secs(48 * 3600)));
        assert_eq!(gate.acquire().await, Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_reset_after_the_old_one_is_honoured_again() {
        let gate = RateGate::new(NonZeroU32::new(1000).unwrap(), Duration::from_secs(65));
        let reset = in_secs(2);
        gate.observe(&budget(0, reset));
        let first = gate.acquire().await;
        assert!(
            first > Duration::from_secs(1) && first <= Duration::from_secs(3),
            "{first:?}"
        );
        gate.observe(&budget(0, reset));
        assert_eq!(gate.acquire().await, Duration::ZERO);
        // The next window's exhaustion has a later reset: that one is waited for.
        gate.observe(&budget(0, reset + 60));
        assert!(gate.acquire().await > Duration::from_secs(1));
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
