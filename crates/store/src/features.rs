//! The feature store's rows: what [`crate::FeatureStore`] writes and reads.
//!
//! A run's features are written column by column, borrowed from the engine's frame
//! ([`NewFeatures`]: row `r` is symbol `symbols[symbol[r]]` at `ts[r]`, in session
//! `session[r]`, with the values `values[r·n .. (r+1)·n]` of the `n` features), and read back
//! row by row ([`FeatureRow`]: a symbol, a stamp, its session and feature name → value), the
//! shape a join on (symbol, time) wants.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::{Symbol, UnixNanos};

/// One feature as it was computed: its name, fixed parameters and warm-up.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FeatureInfo {
    pub name: String,
    /// e.g. `k=2`, `sessions=20`; empty when it has none.
    pub params: String,
    pub warmup_bars: u32,
    pub warmup_sessions: u32,
}

/// What reproduces a run's features.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FeatureProvenance {
    /// The calendar whose sessions the features were computed on (`nyse`, `fx`, …).
    pub calendar: String,
    pub timeframe: String,
    /// SHA-256 of the agent configuration as stored with the run.
    pub config_hash: String,
    /// The engine that computed them (`backtest x.y.z`).
    pub engine_version: String,
    /// In the order of the values of each row.
    pub features: Vec<FeatureInfo>,
}

/// A run's features to store, borrowed column by column.
#[derive(Debug, Clone, Copy)]
pub struct NewFeatures<'a> {
    pub provenance: &'a FeatureProvenance,
    pub symbols: &'a [Symbol],
    pub symbol: &'a [u32],
    pub ts: &'a [UnixNanos],
    pub session: &'a [NaiveDate],
    /// `ts.len() × provenance.features.len()` values; `None` while a feature warms up.
    pub values: &'a [Option<f64>],
}

impl NewFeatures<'_> {
    /// The columns agree in length and every symbol index is in range.
    pub fn check(&self) -> Result<(), String> {
        let (rows, n) = (self.ts.len(), self.provenance.features.len());
        if self.symbol.len() != rows || self.session.len() != rows || self.values.len() != rows * n
        {
            return Err(format!(
                "{rows} stamps, {} symbols, {} sessions and {} values for {n} features",
                self.symbol.len(),
                self.session.len(),
                self.values.len()
            ));
        }
        if let Some(s) = self
            .symbol
            .iter()
            .find(|s| **s as usize >= self.symbols.len())
        {
            return Err(format!(
                "symbol index {s} of {} symbols",
                self.symbols.len()
            ));
        }
        Ok(())
    }
}

/// One bar's features as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FeatureRow {
    pub symbol: Symbol,
    pub ts: UnixNanos,
    /// The trading session the bar belongs to on the provenance's calendar.
    pub session: NaiveDate,
    /// Feature name → value (`None` while it warmed up).
    pub values: BTreeMap<String, Option<f64>>,
}

/// A run's features: provenance and rows in (symbol, ts) order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredFeatures {
    pub run_id: i64,
    pub provenance: FeatureProvenance,
    pub rows: Vec<FeatureRow>,
}

/// Folds (symbol, ts, session, feature, value) rows, ordered by (symbol, ts), into rows.
pub(crate) fn fold_rows(
    flat: impl IntoIterator<Item = (Symbol, UnixNanos, NaiveDate, String, Option<f64>)>,
) -> Vec<FeatureRow> {
    let mut out: Vec<FeatureRow> = Vec::new();
    for (symbol, ts, session, name, value) in flat {
        match out.last_mut() {
            Some(r) if r.symbol == symbol && r.ts == ts => {
                r.values.insert(name, value);
            }
            _ => out.push(FeatureRow {
                symbol,
                ts,
                session,
                values: BTreeMap::from([(name, value)]),
            }),
        }
    }
    out
}
