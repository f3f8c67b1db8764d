//! Typed view models: what a run, a stored run, a comparison look like, built once here and
//! rendered by the CLI as tables or JSON (and by the coming report and dashboard as HTML).
//!
//! - [`fmt`]: how a percentage, a ratio and an amount of money are written (the one place).
//! - [`metrics`]: a run's metrics as named rows, each knowing how to rank it.
//! - [`run`]: [`RunReport`] (`backtest run`), [`StoredRunReport`] (`backtest show`), fills.
//! - [`listing`]: `backtest list`: runs and sweeps, each sweep one line, with parameters.
//! - [`round_trips`]: fills grouped into round trips (entry, exit, P&L, why it closed).
//! - [`journal`]: `backtest journal`: a stored run's journal and its ledger as trade stories.
//! - [`compare`]: [`CompareReport`], metrics side by side with the best of each row marked.

pub mod compare;
pub mod fmt;
pub mod journal;
pub mod listing;
pub mod metrics;
pub mod round_trips;
pub mod run;

pub use compare::CompareReport;
pub use journal::{JournalPart, journal_report};
pub use listing::{Entry, listing, params_text};
pub use metrics::{MetricRow, Rank, metric_rows, short_run_note};
pub use round_trips::{RoundTrip, round_trips};
pub use run::{RunReport, StoredRunReport, TradeView, warmup_note};
