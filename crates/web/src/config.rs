//! What `ztrade serve` was given, checked before anything is opened or bound: a dashboard on
//! an address other than loopback must have a token, and a token must be one a cookie and a
//! URL can carry unchanged.

use std::net::SocketAddr;

use collector::queue::RedisQueueConfig;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The address `ztrade serve` listens on unless told otherwise.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Tokens shorter than this are guessable over a network.
pub const MIN_TOKEN_LEN: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    #[error(
        "--bind {0}: a dashboard reachable from other machines needs a token (--token or \
         ZTRADE_DASHBOARD_TOKEN, e.g. from `openssl rand -hex 16`); without one, bind to 127.0.0.1"
    )]
    NeedsToken(SocketAddr),
    #[error(
        "the dashboard token must be at least {MIN_TOKEN_LEN} characters of A-Z a-z 0-9 . _ ~ -"
    )]
    BadToken,
    /// The collection config (`--config`) does not load: its error, which names the file.
    #[error("--config: {0}")]
    Plan(String),
}

/// The token, kept only as its SHA-256: requests are checked against the digest, so neither the
/// comparison's time nor a memory dump tells the token.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenDigest(pub(crate) [u8; 32]);

impl TokenDigest {
    pub fn of(token: &str) -> Self {
        Self(Sha256::digest(token.as_bytes()).into())
    }
}

impl std::fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenDigest(…)")
    }
}

/// A validated serve configuration.
#[derive(Clone)]
pub struct Config {
    /// The store URL (`--db`); opened per request, never shown.
    pub db_url: String,
    pub bind: SocketAddr,
    pub token: Option<TokenDigest>,
    /// The collector's scale-out queue (default queue name and heartbeats), for its depth and
    /// live workers.
    pub redis: Option<RedisQueueConfig>,
    /// The collection plan (`--config`): the collection page then lists jobs that never ran,
    /// and how far each job is behind its schedule.
    pub plan: Option<collector::schedule::Plan>,
}

/// URLs without their passwords.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("db_url", &store::url::redact(&self.db_url))
            .field("bind", &self.bind)
            .field("token", &self.token)
            .field("plan", &self.plan.as_ref().map(|p| p.jobs.len()))
            .field(
                "redis",
                &self
                    .redis
                    .as_ref()
                    .map(|r| collector::queue::redis::redact(&r.url)),
            )
            .finish()
    }
}

impl Config {
    /// Refuses a non-loopback `bind` without a token, and a token that is short or holds a
    /// character a cookie or a query string would change.
    pub fn new(
        db_url: String,
        bind: SocketAddr,
        token: Option<String>,
        redis: Option<String>,
    ) -> Result<Self, ConfigError> {
        let token = token.map(|t| check_token(&t)).transpose()?;
        if token.is_none() && !bind.ip().is_loopback() {
            return Err(ConfigError::NeedsToken(bind));
        }
        Ok(Self {
            db_url,
            bind,
            token,
            redis: redis
                .filter(|r| !r.trim().is_empty())
                .map(|url| RedisQueueConfig {
                    url,
                    ..RedisQueueConfig::default()
                }),
            plan: None,
        })
    }
}

impl Config {
    /// With the collection plan read from `file` (refused at startup when it does not load).
    pub fn with_plan(mut self, file: Option<&std::path::Path>) -> Result<Self, ConfigError> {
        self.plan = file
            .map(collector::schedule::load_plan)
            .transpose()
            .map_err(|e| ConfigError::Plan(e.to_string()))?;
        Ok(self)
    }
}

fn check_token(t: &str) -> Result<TokenDigest, ConfigError> {
    let ok = t.len() >= MIN_TOKEN_LEN
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._~-".contains(&b));
    if ok {
        Ok(TokenDigest::of(t))
    } else {
        Err(ConfigError::BadToken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_loopback_may_go_without_a_token() {
        let db = || "sqlite://x.db".to_string();
        assert!(Config::new(db(), addr(DEFAULT_BIND), None, None).is_ok());
        assert!(Config::new(db(), addr("[::1]:8080"), None, None).is_ok());
        for open in ["0.0.0.0:8080", "192.168.1.5:80", "[::]:8080"] {
            assert_eq!(
                Config::new(db(), addr(open), None, None).unwrap_err(),
                ConfigError::NeedsToken(addr(open))
            );
        }
        let token = Some("0123456789abcdef".to_string());
        assert!(Config::new(db(), addr("0.0.0.0:8080"), token, None).is_ok());
    }

    #[test]
    fn a_token_is_long_and_url_safe() {
        for bad in [
            "",
            "short",
            "0123456789abcde f",
            "0123456789abcdef;x",
            "é123456789abcdef",
        ] {
            assert_eq!(check_token(bad), Err(ConfigError::BadToken), "{bad:?}");
        }
        assert!(check_token("A-b_c.d~0123456789").is_ok());
        assert!(!format!("{:?}", check_token("0123456789abcdef").unwrap()).contains("0123"));
    }
}
