//! Test support shared by ztrade's crates; a dev-dependency only, never shipped.
//!
//! - [`fixtures`]: the shared real data and provider bodies (`../shared`), the local services'
//!   addresses (`ZTRADE_TEST_PG_URL`, `ZTRADE_TEST_REDIS_URL`), RFC 3339 time literals.
//! - Local provider servers, each on 127.0.0.1:0:
//!   - [`alpaca_sim`]: Alpaca Market Data over a dataset it holds, paged by token, with
//!     scripted faults ([`alpaca_sim::minute_bars`] makes the dataset and the bars it must
//!     become);
//!   - [`alpaca_trading`]: Alpaca's Trading API v2 holding orders, fills and an account,
//!     built from the trading fixtures, with scripted submit faults (the broker's tests);
//!   - [`collect_server`]: Alpaca-shaped, a bar for every session minute of any window, the
//!     scheduled collection's server;
//!   - [`scripted`]: replies given in order (fixture bodies, statuses, headers, delays);
//!   - [`hostile`]: every reply a function of the request, for cursors that loop forever.
//! - `db` feature (on by default):
//!   - [`TestDb`]: a fresh store per test, a temp SQLite file or a PostgreSQL schema of its own
//!     (dropped at the end); an unreachable PostgreSQL fails the test, never skips it;
//!   - [`conformance!`], [`both_backends!`]: one body run on both backends;
//!   - [`Cli`]: a binary (`ztrade`, whose path only its own tests know) run against a `TestDb`,
//!     and the checks of its output ([`cli::error_line`], [`cli::wait_until`], …).
//! - [`agents`]: sample agents (YAML) for the binary's backtests.
//! - `browser` feature (off by default): [`browser::Browser`], headless Chromium through
//!   chromedriver for tests of pages (console errors, requests that would leave the machine,
//!   screenshots in `target/screenshots/`).

pub mod agents;
pub mod alpaca_sim;
pub mod alpaca_trading;
pub mod collect_server;
pub mod fixtures;
pub mod hostile;
pub mod scripted;

#[cfg(feature = "browser")]
pub mod browser;
#[cfg(feature = "db")]
pub mod cli;
#[cfg(feature = "db")]
pub mod db;

#[cfg(feature = "db")]
pub use cli::Cli;
#[cfg(feature = "db")]
pub use db::{TestDb, blocking};
pub use fixtures::{
    eurusd_hours, fixture, fixture_dir, fixture_json, pg_base_url, redis_url, shared_data, t,
};
