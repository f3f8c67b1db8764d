//! What every request shares: the store, the token, the scale-out queue's address and the clock.
//!
//! The store is synchronous and a connection is `Send` but not `Sync`, so a request borrows a
//! connection of its own for its whole read, on tokio's blocking pool ([`AppState::read`]):
//! an idle one if there is one, a fresh `store::open_ready` otherwise, given back afterwards
//! (up to [`MAX_IDLE`] are kept; one that failed is dropped). Requests never share a
//! connection, and never block the async workers.

use std::sync::{Arc, Mutex};

use collector::queue::RedisQueueConfig;
use collector::runtime::Clock;
use domain::UnixNanos;
use store::Store;
use subtle::ConstantTimeEq;

use crate::config::{Config, TokenDigest};
use crate::error::WebError;

/// Idle connections kept for the next requests.
pub const MAX_IDLE: usize = 8;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    db_url: String,
    idle: Mutex<Vec<Box<dyn Store>>>,
    token: Option<TokenDigest>,
    redis: Option<RedisQueueConfig>,
    plan: Option<Arc<collector::schedule::Plan>>,
    clock: Clock,
}

impl AppState {
    /// The state of `config`, reading the time from `clock` (collection lag, live workers).
    pub fn new(config: &Config, clock: Clock) -> Self {
        Self(Arc::new(Inner {
            db_url: config.db_url.clone(),
            idle: Mutex::new(Vec::new()),
            token: config.token.clone(),
            redis: config.redis.clone(),
            plan: config.plan.clone().map(Arc::new),
            clock,
        }))
    }

    /// Opens one connection now, so that a store that is missing or not migrated stops
    /// `ztrade serve` at startup rather than at the first request.
    pub fn check_ready(&self) -> Result<(), WebError> {
        let store = store::open_ready(&self.0.db_url)?;
        self.give_back(store);
        Ok(())
    }

    /// Runs `f` with a connection of its own on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, WebError> + Send + 'static,
    {
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let store = me.take()?;
            let out = f(store.as_ref());
            if out.as_ref().err().is_none_or(WebError::keeps_connection) {
                me.give_back(store);
            }
            out
        })
        .await
        .map_err(|e| WebError::Internal(format!("the request's work stopped: {e}")))?
    }

    fn take(&self) -> Result<Box<dyn Store>, WebError> {
        let idle = self.0.idle.lock().ok().and_then(|mut v| v.pop());
        match idle {
            Some(s) => Ok(s),
            None => Ok(store::open_ready(&self.0.db_url)?),
        }
    }

    fn give_back(&self, store: Box<dyn Store>) {
        if let Ok(mut idle) = self.0.idle.lock()
            && idle.len() < MAX_IDLE
        {
            idle.push(store);
        }
    }

    /// Whether requests must carry the token.
    pub fn token_required(&self) -> bool {
        self.0.token.is_some()
    }

    /// `presented` is the token, compared in constant time (as digests, so its length does not
    /// show either). Always true when no token is set.
    pub fn token_matches(&self, presented: &str) -> bool {
        match &self.0.token {
            Some(want) => bool::from(TokenDigest::of(presented).0.ct_eq(&want.0)),
            None => true,
        }
    }

    pub fn redis(&self) -> Option<&RedisQueueConfig> {
        self.0.redis.as_ref()
    }

    /// The collection plan given to `serve --config`.
    pub fn plan(&self) -> Option<Arc<collector::schedule::Plan>> {
        self.0.plan.clone()
    }

    pub fn now(&self) -> UnixNanos {
        self.0.clock.now()
    }
}
