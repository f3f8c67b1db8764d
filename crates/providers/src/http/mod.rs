//! The HTTP layer both providers share: one GET with rate limiting, retries and tracing, and
//! secrets kept out of every URL, error and log line.
//!
//! - [`HttpConfig`]: timeouts (per attempt and per request), [`RetryPolicy`], requests per
//!   minute.
//! - `HttpCore::get` (and `send`, for any method with an optional JSON body): refuse a URL off
//!   the configured origin → wait for the [`rate`] gate → send → map the status → retry
//!   transient failures per [`retry`] until the retries, the request's time limit or the
//!   server's `Retry-After` rule it out → the body bytes, or a [`ProviderError`] carrying the
//!   request.
//! - `HttpCore::send_once` and `HttpCore::backoff`: one attempt, and the wait before the next,
//!   for requests that are not safe to repeat blindly (an order submit), whose caller decides
//!   between attempts (the broker looks the order up by its `client_order_id` first).
//! - `exchange`: one send and its answer mapped. Redirects are never followed (a 3xx is
//!   [`ProviderError::Redirected`]): credentials travel in headers and query parameters that a
//!   redirect would carry to whichever host it names.

mod exchange;
pub mod rate;
pub mod retry;

use std::num::NonZeroU32;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use tokio::time::Instant;
use tracing::Instrument;
use url::{Origin, Url};
use vault::Secret;

use crate::error::{GiveUp, ProviderError, RequestInfo, Transient};
use rate::RateGate;
pub use retry::{Jitter, RetryPolicy};

/// Transport settings for one client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// One attempt: the whole exchange, body included.
    pub timeout: Duration,
    /// One request from its first send to its answer, across every retry and wait (a stalled
    /// or throttling server cannot hold a worker longer). Time queued behind the client's own
    /// budget before the first send does not count.
    pub max_request_time: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    /// The client's own budget (token bucket; the burst is one minute's worth).
    pub requests_per_minute: NonZeroU32,
    /// Longest pause every task of the client takes on the server's word
    /// (`X-RateLimit-Reset`, `Retry-After`); the retrying request itself waits out a
    /// `Retry-After` up to `RetryPolicy::max_retry_after`.
    pub max_server_pause: Duration,
    /// Seed for retry jitter; `None` seeds from the clock and process id.
    pub jitter_seed: Option<u64>,
    pub user_agent: String,
}

impl HttpConfig {
    pub fn with_rate(requests_per_minute: u32) -> Self {
        Self {
            timeout: Duration::from_secs(30),
            max_request_time: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            requests_per_minute: NonZeroU32::new(requests_per_minute.max(1)).expect("max(1)"),
            max_server_pause: Duration::from_secs(65),
            jitter_seed: None,
            user_agent: concat!("ztrade/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// A provider base URL: http(s), with an optional path prefix (for proxies), no query.
pub(crate) fn parse_base_url(text: &str, what: &str) -> Result<Url, ProviderError> {
    let url = Url::parse(text.trim())
        .map_err(|e| ProviderError::Config(format!("{what} {text:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(ProviderError::Config(format!(
            "{what} {text:?} is not an http(s) base URL"
        )));
    }
    if url.query().is_some() {
        return Err(ProviderError::Config(format!(
            "{what} {text:?} must not have a query"
        )));
    }
    Ok(url)
}

/// `base` + `segments`, each percent-encoded as one path segment (so `BTC/USD` stays one).
pub(crate) fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut u = base.clone();
    u.path_segments_mut()
        .expect("checked by parse_base_url")
        .pop_if_empty()
        .extend(segments);
    u
}

/// A header carrying a credential, marked sensitive so it never shows in debug output.
pub(crate) fn secret_header(value: &str, what: &str) -> Result<HeaderValue, ProviderError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        ProviderError::Config(format!("{what} holds characters not allowed in a header"))
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// A successful response body and the request it answers.
pub(crate) struct Fetched {
    pub request: RequestInfo,
    pub body: Vec<u8>,
}

/// One request to send: method, URL, headers and an optional JSON body.
pub(crate) struct Outgoing<'a> {
    pub method: Method,
    pub url: Url,
    pub headers: &'a HeaderMap,
    pub json: Option<Vec<u8>>,
}

impl<'a> Outgoing<'a> {
    pub fn get(url: Url, headers: &'a HeaderMap) -> Self {
        Self {
            method: Method::GET,
            url,
            headers,
            json: None,
        }
    }
}

/// The wait before a retry ([`HttpCore::backoff`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wait {
    pub delay: Duration,
    /// The server asked for it (`Retry-After`): every task of the client waits too.
    pub server_asked: bool,
}

/// A method's name as [`RequestInfo`] shows it.
fn method_name(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::PUT => "PUT",
        Method::HEAD => "HEAD",
        _ => "OTHER",
    }
}

pub(crate) struct HttpCore {
    provider: &'static str,
    /// The configured base URL; nothing is ever sent off its origin.
    base: Url,
    origin: Origin,
    client: reqwest::Client,
    timeout: Duration,
    max_request_time: Duration,
    gate: RateGate,
    retry: RetryPolicy,
    jitter: Jitter,
    /// Query parameters whose values are credentials (`apiKey`).
    secret_params: &'static [&'static str],
    /// Every credential, scrubbed from anything echoed into an error.
    secrets: Vec<Secret>,
}

const EXCERPT_CHARS: usize = 300;

impl HttpCore {
    pub fn new(
        provider: &'static str,
        config: &HttpConfig,
        base: &Url,
        secret_params: &'static [&'static str],
        secrets: Vec<Secret>,
    ) -> Result<Self, ProviderError> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ProviderError::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            provider,
            base: base.clone(),
            origin: base.origin(),
            client,
            timeout: config.timeout,
            max_request_time: config.max_request_time,
            gate: RateGate::new(config.requests_per_minute, config.max_server_pause),
            retry: config.retry.clone(),
            jitter: config
                .jitter_seed
                .map_or_else(Jitter::from_entropy, Jitter::new),
            secret_params,
            secrets: secrets
                .into_iter()
                .filter(|s| !s.expose().is_empty())
                .collect(),
        })
    }

    /// The configured base URL.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The URL as it may be shown: secret parameters replaced, secret text scrubbed.
    pub fn describe(&self, url: &Url) -> RequestInfo {
        self.describe_as(&Method::GET, url)
    }

    /// [`Self::describe`] for a request of any method.
    pub fn describe_as(&self, method: &Method, url: &Url) -> RequestInfo {
        let mut shown = url.clone();
        if url.query().is_some() && !self.secret_params.is_empty() {
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| {
                    let v = if self.secret_params.contains(&k.as_ref()) {
                        "[redacted]".to_owned()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            shown.query_pairs_mut().clear().extend_pairs(pairs);
        }
        RequestInfo {
            method: method_name(method),
            url: self.scrub(shown.as_str()),
        }
    }

    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for s in &self.secrets {
            if out.contains(s.expose()) {
                out = out.replace(s.expose(), "[redacted]");
            }
        }
        out
    }

    /// Up to 300 characters of `body`, lossily decoded and scrubbed.
    pub fn excerpt(&self, body: &[u8]) -> String {
        let text = String::from_utf8_lossy(body);
        self.scrub(&text.chars().take(EXCERPT_CHARS).collect::<String>())
    }

    /// GET `url` with `headers`, retrying transient failures per the policy.
    pub async fn get(&self, url: Url, headers: &HeaderMap) -> Result<Fetched, ProviderError> {
        self.send(Outgoing::get(url, headers)).await
    }

    /// Sends `out`, retrying transient failures per the policy: only for requests that are
    /// safe to repeat (reads, and deletes of one resource).
    pub async fn send(&self, out: Outgoing<'_>) -> Result<Fetched, ProviderError> {
        let request = self.checked(&out)?;
        let span = if out.method == Method::GET {
            tracing::debug_span!("http_get", provider = self.provider, url = %request.url)
        } else {
            let method = request.method;
            tracing::debug_span!("http_send", provider = self.provider, method, url = %request.url)
        };
        self.send_inner(out, request).instrument(span).await
    }

    /// The request as it may be shown, once its URL is known to be on the configured origin.
    fn checked(&self, out: &Outgoing<'_>) -> Result<RequestInfo, ProviderError> {
        let request = self.describe_as(&out.method, &out.url);
        if out.url.origin() != self.origin {
            // Callers build URLs from the base; this keeps a bug from sending keys elsewhere.
            return Err(ProviderError::InvalidRequest(format!(
                "{request} is not on the configured origin {}; credentials are only sent there",
                self.origin.ascii_serialization()
            )));
        }
        Ok(request)
    }

    /// One attempt at `out` after the rate gate, never retried: `Ok(Ok)` is a body, `Ok(Err)`
    /// a failure that might pass if sent again (the caller decides whether that is safe).
    pub async fn send_once(
        &self,
        out: &Outgoing<'_>,
    ) -> Result<(RequestInfo, Result<Vec<u8>, Transient>), ProviderError> {
        let request = self.checked(out)?;
        self.gate.acquire().await;
        let outcome = self.attempt(out, &request, self.timeout).await?;
        if let Err(t) = &outcome {
            tracing::warn!(url = %request.url, cause = %t, "attempt failed");
        }
        Ok((request, outcome))
    }

    /// The wait before retry `retry` (0-based) after `transient`, or why not to retry (the
    /// retry budget spent, or a `Retry-After` beyond the cap).
    pub fn backoff(&self, retry: u32, transient: &Transient) -> Result<Wait, GiveUp> {
        if retry >= self.retry.max_retries {
            return Err(GiveUp::Retries);
        }
        let hint = match transient {
            Transient::RateLimited { retry_after } => *retry_after,
            _ => None,
        };
        let cap = self.retry.max_retry_after;
        if let Some(asked) = hint.filter(|h| *h > cap) {
            return Err(GiveUp::RetryAfter { asked, cap });
        }
        Ok(Wait {
            delay: self.retry.delay(retry, hint, &self.jitter),
            server_asked: hint.is_some(),
        })
    }

    /// Waits `wait` out; a wait the server asked for holds every task of the client.
    pub async fn wait_out(&self, wait: Wait) {
        if wait.server_asked {
            self.gate.pause_for(wait.delay);
        }
        tokio::time::sleep(wait.delay).await;
    }

    async fn send_inner(
        &self,
        out: Outgoing<'_>,
        request: RequestInfo,
    ) -> Result<Fetched, ProviderError> {
        let give_up = |attempts, last, why| {
            tracing::warn!(attempts, cause = %last, "giving up");
            Err(ProviderError::Unavailable {
                request: request.clone(),
                attempts,
                last,
                why,
            })
        };
        let limit = self.max_request_time;
        let mut deadline: Option<Instant> = None;
        let mut last: Option<Transient> = None;
        let mut attempt: u32 = 0;
        loop {
            let waited = match (deadline, last.take()) {
                // A retry's turn at the gate counts against the request's time.
                (Some(d), Some(prev)) => {
                    match tokio::time::timeout_at(d, self.gate.acquire()).await {
                        Ok(w) => w,
                        Err(_) => return give_up(attempt, prev, GiveUp::Deadline(limit)),
                    }
                }
                _ => self.gate.acquire().await,
            };
            attempt += 1;
            let started = Instant::now();
            let deadline = *deadline.get_or_insert(started + limit);
            let budget = self
                .timeout
                .min(deadline.saturating_duration_since(started));
            let outcome = self.attempt(&out, &request, budget).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let transient = match outcome {
                Ok(Ok(body)) => {
                    tracing::debug!(
                        attempt,
                        bytes = body.len(),
                        elapsed_ms,
                        rate_wait_ms = waited.as_millis() as u64,
                        "response"
                    );
                    return Ok(Fetched {
                        request: request.clone(),
                        body,
                    });
                }
                Ok(Err(transient)) => transient,
                Err(fatal) => {
                    tracing::warn!(attempt, elapsed_ms, error = %fatal, "request failed");
                    return Err(fatal);
                }
            };
            let wait = match self.backoff(attempt - 1, &transient) {
                Ok(w) => w,
                Err(why) => return give_up(attempt, transient, why),
            };
            let delay = wait.delay;
            // The retry must also get its turn at the gate and a moment to answer: a wait
            // that ends at the deadline leaves no time for either.
            if Instant::now() + delay >= deadline {
                return give_up(attempt, transient, GiveUp::Deadline(limit));
            }
            if wait.server_asked {
                // Everyone sharing this client waits, not only this task.
                self.gate.pause_for(delay);
            }
            tracing::warn!(
                attempt,
                delay_ms = delay.as_millis() as u64,
                left_ms = deadline.saturating_duration_since(Instant::now()).as_millis() as u64,
                cause = %transient,
                "retrying"
            );
            last = Some(transient);
            tokio::time::sleep(delay).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_redacts_key_parameters_and_text() {
        let core = HttpCore::new(
            "polygon",
            &HttpConfig::with_rate(5),
            &Url::parse("http://h").unwrap(),
            &["apiKey"],
            vec![Secret::new("K3Y")],
        )
        .unwrap();
        let url = Url::parse("http://h/v3/quotes/AAPL?cursor=abc&apiKey=K3Y").unwrap();
        let r = core.describe(&url);
        assert_eq!(
            r.url,
            "http://h/v3/quotes/AAPL?cursor=abc&apiKey=%5Bredacted%5D"
        );
        assert_eq!(r.to_string(), format!("GET {}", r.url));
        assert_eq!(core.excerpt(b"echo K3Y back"), "echo [redacted] back");
    }
}
