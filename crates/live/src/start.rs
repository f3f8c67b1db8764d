//! `paper run` and `collect --paper` as library calls: [`start`] opens the store, connects the
//! session's broker and runs the loop; [`beside`] runs the loop next to other work (the
//! collection) and ends it, after a last step, when that work is done.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use app::paper::{LoopReport, PaperSpec};
use domain::UnixNanos;
use providers::alpaca::trading::{AlpacaTrading, AlpacaTradingConfig};
use store::PaperBroker;

use crate::route::BrokerRoute;
use crate::{LiveError, LoopOptions, run_session};

/// How a broker finds its keys and base URL: variable name → value.
pub type Keys<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Runs session `spec` on the store at `db_url` until it ends (see [`run_session`]).
///
/// `keys` is how a broker finds its keys and base URL (`APCA_API_KEY_ID`,
/// `APCA_API_SECRET_KEY`, `ZTRADE_ALPACA_TRADING_URL`: the environment, then the key vault);
/// the `sim` broker needs none.
pub fn start(
    db_url: &str,
    spec: &PaperSpec,
    opts: &LoopOptions,
    keys: Option<Keys<'_>>,
    now: &dyn Fn() -> UnixNanos,
) -> Result<LoopReport, LiveError> {
    let mut store = store::open_migrated(db_url)?;
    match spec.broker {
        PaperBroker::Sim => run_session(store.as_mut(), spec, opts, None, now),
        PaperBroker::AlpacaPaper => {
            let broker = |message: String| LiveError::Broker {
                broker: spec.broker.to_string(),
                message,
            };
            let keys = keys.ok_or_else(|| broker("no keys were given".into()))?;
            let config =
                AlpacaTradingConfig::from_lookup(keys).map_err(|e| broker(e.to_string()))?;
            let client = AlpacaTrading::new(config).map_err(|e| broker(e.to_string()))?;
            let mut route = BrokerRoute::new(Box::new(client), &spec.name)?;
            run_session(store.as_mut(), spec, opts, Some(&mut route), now)
        }
    }
}

/// Runs `work` while `paper` runs the loop on another thread with an interrupt flag; when
/// `work` returns, the flag is set and the loop ends after one more step (which sees what
/// `work` wrote). Returns both results; [`LiveError::LoopPanicked`] if the loop's thread did.
pub fn beside<R, T: Send + 'static>(
    paper: impl FnOnce(Arc<AtomicBool>) -> T + Send + 'static,
    work: impl FnOnce() -> R,
) -> (R, Result<T, LiveError>) {
    let interrupt = Arc::new(AtomicBool::new(false));
    let flag = interrupt.clone();
    let handle = std::thread::spawn(move || paper(flag));
    let done = work();
    interrupt.store(true, Ordering::Relaxed);
    let report = handle.join().map_err(|_| LiveError::LoopPanicked);
    (done, report)
}
