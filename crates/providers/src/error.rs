//! What can go wrong, split by what the caller can do about it.
//!
//! | variant           | cause                                   | caller's move                    |
//! |-------------------|-----------------------------------------|----------------------------------|
//! | `Auth`            | HTTP 401/403, provider status NOT_AUTHORIZED | fix credentials; never retry |
//! | `NotFound`        | HTTP 404                                | skip the symbol / endpoint       |
//! | `Rejected`        | other 4xx: a parameter the API refuses  | fix the request                  |
//! | `Redirected`      | any 3xx: clients never follow one, so no credential reaches another host | fix the base URL |
//! | `Unavailable`     | 429, 5xx, timeouts, dropped connections, after the retry budget, the request's time limit or a `Retry-After` beyond the cap ([`GiveUp`]) | retry later (`is_retryable`) |
//! | `Malformed`       | body is not the JSON shape expected     | report; the page cannot be used  |
//! | `InvalidRecord`   | a row breaks a domain invariant         | report; or use `OnInvalidRecord::SkipAndReport` |
//! | `InvalidRequest`  | the request cannot be expressed         | fix the caller                   |
//! | `Config`          | missing credentials, bad base URL       | fix configuration                |
//!
//! Every variant that follows an HTTP exchange carries the [`RequestInfo`] (method and URL with
//! secrets replaced), so a log line alone says which call failed.

use std::fmt;
use std::time::Duration;

use domain::DomainError;
use thiserror::Error;

/// The request an error belongs to. The URL never holds a secret: key parameters are replaced
/// by `[redacted]` before this value exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInfo {
    pub method: &'static str,
    pub url: String,
}

impl fmt::Display for RequestInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.url)
    }
}

/// Why the client stopped retrying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GiveUp {
    /// `RetryPolicy::max_retries` retries were made.
    Retries,
    /// The next attempt or wait would pass `HttpConfig::max_request_time` (this value).
    Deadline(Duration),
    /// The server asked to wait `asked`, more than `RetryPolicy::max_retry_after` (`cap`).
    RetryAfter { asked: Duration, cap: Duration },
}

impl GiveUp {
    /// `last`, preceded by why retrying stopped when that is not simply the retry count.
    fn explain(&self, last: &Transient) -> String {
        match self {
            Self::Retries => last.to_string(),
            Self::Deadline(limit) => format!(
                "the {} limit for one request (max_request_time) leaves no time for another \
                 attempt; last: {last}",
                seconds(*limit)
            ),
            Self::RetryAfter { asked, cap } => format!(
                "the server asked to wait {} before retrying, more than the {} this client \
                 waits (max_retry_after); last: {last}",
                seconds(*asked),
                seconds(*cap)
            ),
        }
    }
}

/// `d` in seconds as people write them: `120 s`, `0.35 s`.
pub(crate) fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// A failure worth retrying. `Unavailable` keeps the last one seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transient {
    /// HTTP 429; `retry_after` is what the server asked for, if anything.
    RateLimited { retry_after: Option<Duration> },
    /// HTTP 5xx (or 408).
    Status(u16),
    /// No complete response within the configured timeout.
    Timeout,
    /// Could not connect, or the connection broke.
    Network(String),
}

impl fmt::Display for Transient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RateLimited {
                retry_after: Some(d),
            } => write!(f, "rate limited (HTTP 429, retry after {d:?})"),
            Self::RateLimited { retry_after: None } => f.write_str("rate limited (HTTP 429)"),
            Self::Status(s) => write!(f, "server error (HTTP {s})"),
            Self::Timeout => f.write_str("timed out"),
            Self::Network(e) => write!(f, "network error: {e}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ProviderError {
    #[error("{request}: credentials refused (HTTP {status}): {excerpt}")]
    Auth {
        request: RequestInfo,
        status: u16,
        excerpt: String,
    },
    #[error("{request}: not found (HTTP 404): {excerpt}")]
    NotFound {
        request: RequestInfo,
        excerpt: String,
    },
    #[error("{request}: request rejected (HTTP {status}): {excerpt}")]
    Rejected {
        request: RequestInfo,
        status: u16,
        excerpt: String,
    },
    #[error(
        "{request}: the server redirected (HTTP {status}) to {location}; provider clients do not \
         follow redirects, so no credential is sent there (check the base URL)"
    )]
    Redirected {
        request: RequestInfo,
        status: u16,
        /// Where the server pointed, with secrets replaced as in `request`.
        location: String,
    },
    #[error("{request}: gave up after {attempts} attempt(s): {}", .why.explain(.last))]
    Unavailable {
        request: RequestInfo,
        attempts: u32,
        last: Transient,
        why: GiveUp,
    },
    #[error("{request}: malformed response: {reason}; body excerpt: {excerpt:?}")]
    Malformed {
        request: RequestInfo,
        reason: String,
        excerpt: String,
    },
    #[error("{request}: {symbol} record {index}: {source}")]
    InvalidRecord {
        request: RequestInfo,
        symbol: String,
        index: usize,
        #[source]
        source: DomainError,
    },
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("configuration: {0}")]
    Config(String),
}

/// Keys missing or half set: a configuration error naming the variables.
impl From<vault::CredentialsError> for ProviderError {
    fn from(e: vault::CredentialsError) -> Self {
        Self::Config(e.to_string())
    }
}

impl From<vault::IncompleteKeys> for ProviderError {
    fn from(e: vault::IncompleteKeys) -> Self {
        Self::Config(e.to_string())
    }
}

impl ProviderError {
    /// True only for failures that may pass if the same request is sent again later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }

    /// The HTTP request behind the error, when there was one.
    pub fn request(&self) -> Option<&RequestInfo> {
        match self {
            Self::Auth { request, .. }
            | Self::NotFound { request, .. }
            | Self::Rejected { request, .. }
            | Self::Redirected { request, .. }
            | Self::Unavailable { request, .. }
            | Self::Malformed { request, .. }
            | Self::InvalidRecord { request, .. } => Some(request),
            Self::InvalidRequest(_) | Self::Config(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unavailable_is_retryable() {
        let request = RequestInfo {
            method: "GET",
            url: "http://x/v2/stocks/bars".into(),
        };
        let un = ProviderError::Unavailable {
            request: request.clone(),
            attempts: 3,
            last: Transient::Timeout,
            why: GiveUp::Retries,
        };
        assert!(un.is_retryable());
        assert_eq!(
            un.to_string(),
            "GET http://x/v2/stocks/bars: gave up after 3 attempt(s): timed out"
        );
        let auth = ProviderError::Auth {
            request,
            status: 401,
            excerpt: "{\"message\":\"unauthorized.\"}".into(),
        };
        assert!(!auth.is_retryable());
        assert_eq!(auth.request().unwrap().method, "GET");
        assert!(
            ProviderError::InvalidRequest("x".into())
                .request()
                .is_none()
        );
    }

    #[test]
    fn key_errors_are_configuration_errors_naming_the_variables() {
        let half =
            vault::CredentialSet::from_lookup(|k| (k == "APCA_API_KEY_ID").then(|| "id".into()))
                .unwrap_err();
        assert_eq!(
            ProviderError::from(half).to_string(),
            "configuration: APCA_API_KEY_ID is set but APCA_API_SECRET_KEY is not"
        );
        let missing = vault::CredentialSet::default()
            .require_polygon()
            .unwrap_err();
        assert_eq!(
            ProviderError::from(missing).to_string(),
            "configuration: Polygon credentials missing: set POLYGON_API_KEY"
        );
    }
}
