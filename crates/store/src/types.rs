//! Plain rows that cross the role traits ([`crate::roles`]). No backend types leak out of them.

use domain::calendar::Calendar;
use domain::{Money, Symbol, Timeframe, UnixNanos};
use serde::{Deserialize, Serialize};

/// Which backend a store is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// As users know it: "SQLite", "PostgreSQL".
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }

    /// The cargo feature that builds it in.
    pub fn feature(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// What one ingest call did. `inserted + updated + unchanged` is the number of rows offered;
/// `skipped` counts rows the caller dropped as invalid before the store saw them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpsertCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub skipped: u64,
}

impl std::ops::AddAssign for UpsertCounts {
    fn add_assign(&mut self, o: Self) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.skipped += o.skipped;
    }
}

/// Bars of one series in `[start, end)`; `None` leaves that side open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarQuery {
    pub symbol: Symbol,
    pub timeframe: Timeframe,
    pub start: Option<UnixNanos>,
    pub end: Option<UnixNanos>,
}

/// One stored series, for `data status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesStatus {
    pub symbol: Symbol,
    pub timeframe: Timeframe,
    /// The symbol's calendar: the grid its coverage is measured on.
    pub calendar: Calendar,
    pub rows: u64,
    pub first: UnixNanos,
    pub last: UnixNanos,
}

/// A migration that is known to this binary, and whether the database has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrationInfo {
    pub version: i64,
    pub name: String,
    /// RFC 3339 time it was applied, `None` if pending.
    pub applied_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaStatus {
    pub backend: String,
    /// Highest version recorded in `schema_migrations` (0 for an empty database).
    pub current: i64,
    /// Highest version this binary knows.
    pub latest: i64,
    pub migrations: Vec<MigrationInfo>,
}

// A run's fills (`backtest_trades`) and equity curve (`backtest_equity`) are stored in the
// engine's own shapes, `domain::Fill` and `domain::EquityPoint`.
pub use domain::{EquityPoint, Fill};

/// Everything `backtest run` stores about a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewRun {
    pub agent_id: String,
    pub start: UnixNanos,
    pub end: UnixNanos,
    pub initial_capital: Money,
    pub final_capital: Money,
    pub total_trades: u64,
    pub winning_trades: u64,
    pub losing_trades: u64,
    /// Fraction, e.g. 0.12 for a 12% drawdown.
    pub max_drawdown: f64,
    pub sharpe_ratio: Option<f64>,
    /// The agent config as run (snapshot, not a path).
    pub config: serde_json::Value,
    /// All metrics as computed by the analytics crate (stored as their JSON).
    pub metrics: analytics::Metrics,
    /// Hash of the bars and sentiment the run read, so a rerun can prove it saw the same data.
    pub data_fingerprint: String,
    pub engine_version: String,
    pub trades: Vec<Fill>,
    pub equity: Vec<EquityPoint>,
    /// The sweep the run belongs to, and the parameters it swept.
    pub sweep_id: Option<i64>,
    pub params: Option<serde_json::Value>,
}

/// A stored run without its trades and equity curve, for `backtest list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub id: i64,
    pub agent_id: String,
    pub start: UnixNanos,
    pub end: UnixNanos,
    pub initial_capital: Money,
    pub final_capital: Money,
    pub total_trades: u64,
    pub winning_trades: u64,
    pub losing_trades: u64,
    pub max_drawdown: f64,
    pub sharpe_ratio: Option<f64>,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// The sweep the run belongs to, and the parameters it swept.
    pub sweep_id: Option<i64>,
    pub params: Option<serde_json::Value>,
}

/// A stored run in full, for `backtest show` and `compare`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRun {
    pub summary: RunSummary,
    pub config: serde_json::Value,
    pub metrics: analytics::Metrics,
    pub data_fingerprint: String,
    pub engine_version: String,
    pub trades: Vec<Fill>,
    pub equity: Vec<EquityPoint>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFilter {
    pub agent_id: Option<String>,
    /// Newest first; `None` means all.
    pub limit: Option<u64>,
    /// Only runs that belong to no sweep.
    pub standalone: bool,
    /// Only the runs of this sweep.
    pub sweep_id: Option<i64>,
}

/// A sweep as it is recorded before its runs are stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSweep {
    pub agent_id: String,
    pub metric: String,
    /// The parameter ranges, as JSON.
    pub grid: serde_json::Value,
    /// Which runs keep their fills and equity (`top:5`, `all`, `none`).
    pub keep: String,
}

/// One line of `backtest sweeps`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSummary {
    pub id: i64,
    pub agent_id: String,
    pub metric: String,
    pub grid: serde_json::Value,
    pub keep: String,
    pub runs: u64,
    /// RFC 3339 UTC.
    pub created_at: String,
}

/// A sweep with its report (the ranking or the walk-forward).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSweep {
    pub summary: SweepSummary,
    pub report: serde_json::Value,
}

/// Which runs `backtest delete` removes: every condition given must hold; at least one is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSelection {
    pub ids: Vec<i64>,
    /// A sweep: its runs and the sweep itself.
    pub sweep_id: Option<i64>,
    pub agent_id: Option<String>,
    /// Runs created before this instant.
    pub before: Option<UnixNanos>,
}

/// What a delete removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Deleted {
    pub runs: u64,
    pub sweeps: u64,
}

/// Where a run of bars came from: one `bar_origins` row, written with its bars in one
/// transaction by [`crate::AggregateStore::upsert_aggregated_bars`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BarOrigin {
    /// Start of the first and of the last bar written (inclusive).
    pub first: UnixNanos,
    pub last: UnixNanos,
    /// The tick table the bars were made from: `trades`.
    pub aggregated_from: String,
    /// The sale-condition rules applied (`domain::aggregate::Conditions::name`).
    pub rules: String,
    /// Ticks read for these bars, and bars written.
    pub ticks: u64,
    pub bars: u64,
}
