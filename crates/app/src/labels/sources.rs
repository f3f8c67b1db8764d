//! Where labels get their entries and the dataset its features: two small traits, so that the
//! use cases do not care which tables hold them.
//!
//! [`stored_entries`] picks the entries: a run stored with `--journal` gives its promoted
//! signals that opened a trade ([`JournalEntries`]: the journal's ledger → its signal); one
//! stored without it gives
//! - [`TradeEntries`]: each opening fill in the run's stored trades
//!   (`backtest_trades`: a `buy` or `short` from flat → long or short) is a promoted entry; its signal bar is the
//!   bar before the fill's bar (fills are at the next open), its id is the fill's position in the
//!   run's trades (1-based), its quantity the fill's.
//!
//! The features come from the `features` table ([`RunFeatures`]: one column per feature, its
//! warm-up from the table's provenance, the value at (symbol, t0)); [`NoFeatures`] gives none.

use std::collections::BTreeMap;

use domain::{Action, Bar, Symbol, UnixNanos};
use labels::{Direction, Entry};
use store::StoredRun;

use crate::AppError;

/// One symbol's bars as a label run reads them.
#[derive(Debug, Clone, Default)]
pub struct SymbolBars {
    pub bars: Vec<Bar>,
    /// For `intrabar: finer_bars`: the finest stored timeframe dividing the run's.
    pub finer: Vec<Bar>,
}

/// A run's bars, per symbol.
pub type RunBars = BTreeMap<Symbol, SymbolBars>;

/// The promoted entry signals of a run, per symbol.
pub trait EntrySource {
    /// What the manifest names as the entries' source.
    fn name(&self) -> &'static str;
    /// Each promoted entry of `run` with its symbol; `bars` are the run's bars, for a source
    /// that must place its entries on them.
    fn entries(&self, run: &StoredRun, bars: &RunBars) -> Result<Vec<(Symbol, Entry)>, AppError>;
}

/// One feature column: its name and the bars of history it needs before its first value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FeatureColumn {
    pub name: String,
    pub warmup_bars: u32,
}

/// Feature values for a list of (symbol, t0) keys: per column, one value per key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeatureTable {
    pub columns: Vec<FeatureColumn>,
    pub values: Vec<Vec<Option<f64>>>,
}

/// The features of a run at its signals' times.
pub trait FeatureSource {
    fn name(&self) -> &'static str;
    /// The value of each feature at each of `keys` (the signal bar of a label), computed from
    /// data up to that bar only; `None` where a feature has no value (its warm-up).
    fn features(
        &self,
        run: &StoredRun,
        keys: &[(Symbol, UnixNanos)],
    ) -> Result<FeatureTable, AppError>;
}

/// The entries of a run stored with `--journal`: every promoted signal that opened a trade (a
/// round trip of the journal's ledger), with the ledger's side and quantity; its signal bar is
/// the last bar before the signal's time (a signal is stamped at its bar's close).
#[derive(Debug, Clone, Default)]
pub struct JournalEntries {
    journal: domain::journal::Journal,
}

impl JournalEntries {
    pub fn new(journal: domain::journal::Journal) -> Self {
        Self { journal }
    }
}

impl EntrySource for JournalEntries {
    fn name(&self) -> &'static str {
        "journal (promoted signals that opened a trade: trade_ledger → signals)"
    }

    fn entries(&self, run: &StoredRun, bars: &RunBars) -> Result<Vec<(Symbol, Entry)>, AppError> {
        let signals: BTreeMap<u64, &domain::journal::SignalRecord> =
            self.journal.signals.iter().map(|s| (s.id, s)).collect();
        let mut out = Vec::new();
        for trip in &self.journal.ledger {
            let Some(signal) = trip.signal_id.and_then(|id| signals.get(&id)) else {
                continue;
            };
            let series = bars.get(&trip.symbol).map_or(&[][..], |b| &b.bars[..]);
            let at = series.partition_point(|b| b.ts < signal.ts);
            let Some(t0) = at.checked_sub(1).map(|i| series[i].ts) else {
                return Err(AppError::Stored(format!(
                    "run {}: signal {} of {} at {} has no bar before it in the store",
                    run.summary.id,
                    signal.id,
                    trip.symbol,
                    signal.ts.to_rfc3339()
                )));
            };
            let side = match trip.side {
                domain::journal::OrderSide::Buy => Direction::Long,
                domain::journal::OrderSide::Sell => Direction::Short,
            };
            let id = i64::try_from(signal.id)
                .map_err(|_| AppError::Stored(format!("signal id {} beyond i64", signal.id)))?;
            out.push((
                trip.symbol.clone(),
                Entry {
                    id,
                    t0,
                    side: Some(side),
                    quantity: Some(trip.quantity),
                },
            ));
        }
        Ok(out)
    }
}

/// The entries of stored run `run_id`: its journal's ([`JournalEntries`]) when it was stored
/// with `--journal`, else its opening fills ([`TradeEntries`]).
pub fn stored_entries(
    store: &(impl store::JournalStore + ?Sized),
    run_id: i64,
) -> Result<Box<dyn EntrySource>, AppError> {
    let journal = store.journal(run_id)?;
    Ok(if journal.ledger.is_empty() {
        Box::new(TradeEntries)
    } else {
        Box::new(JournalEntries::new(journal))
    })
}

/// Entries from the run's stored opening fills (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct TradeEntries;

impl EntrySource for TradeEntries {
    fn name(&self) -> &'static str {
        "backtest_trades (opening fills: the run was stored without --journal)"
    }

    fn entries(&self, run: &StoredRun, bars: &RunBars) -> Result<Vec<(Symbol, Entry)>, AppError> {
        let mut out = Vec::new();
        // Net position per symbol, to tell an entry (from flat) from an add.
        let mut position: BTreeMap<&Symbol, i128> = BTreeMap::new();
        for (i, fill) in run.trades.iter().enumerate() {
            let pos = position.entry(&fill.symbol).or_default();
            let flat = *pos == 0;
            let q = i128::from(fill.quantity.raw());
            *pos += match fill.action {
                Action::Buy | Action::Cover => q,
                Action::Sell | Action::Short => -q,
            };
            let side = match fill.action {
                Action::Buy if flat => Direction::Long,
                Action::Short if flat => Direction::Short,
                _ => continue,
            };
            let series = bars.get(&fill.symbol).map_or(&[][..], |b| &b.bars[..]);
            let at = series.partition_point(|b| b.ts < fill.timestamp);
            let Some(signal) = at.checked_sub(1).map(|s| series[s].ts) else {
                return Err(AppError::Stored(format!(
                    "run {}: the {} fill at {} has no bar before it in the store",
                    run.summary.id,
                    fill.symbol,
                    fill.timestamp.to_rfc3339()
                )));
            };
            out.push((
                fill.symbol.clone(),
                Entry {
                    id: i as i64 + 1,
                    t0: signal,
                    side: Some(side),
                    quantity: Some(fill.quantity),
                },
            ));
        }
        Ok(out)
    }
}

/// The features the run stored (`features: [..]` in its agent; the `features` table): one column
/// per feature with its warm-up from the provenance, the value of the bar at (symbol, t0). A
/// run without stored features gives no columns.
pub struct RunFeatures<'a, S: ?Sized>(pub &'a S);

impl<S: store::FeatureStore + ?Sized> FeatureSource for RunFeatures<'_, S> {
    fn name(&self) -> &'static str {
        "features (the run's stored bar features)"
    }

    fn features(
        &self,
        run: &StoredRun,
        keys: &[(Symbol, UnixNanos)],
    ) -> Result<FeatureTable, AppError> {
        let stored = match self.0.run_features(run.summary.id) {
            Ok(f) => f,
            Err(store::StoreError::NotFound(_)) => return Ok(FeatureTable::default()),
            Err(e) => return Err(e.into()),
        };
        let at: BTreeMap<(&Symbol, UnixNanos), &BTreeMap<String, Option<f64>>> = stored
            .rows
            .iter()
            .map(|r| ((&r.symbol, r.ts), &r.values))
            .collect();
        let columns: Vec<FeatureColumn> = stored
            .provenance
            .features
            .iter()
            .map(|f| FeatureColumn {
                name: f.name.clone(),
                warmup_bars: f.warmup_bars,
            })
            .collect();
        let values = columns
            .iter()
            .map(|c| {
                keys.iter()
                    .map(|(sym, t0)| {
                        at.get(&(sym, *t0))
                            .and_then(|v| v.get(&c.name).copied().flatten())
                    })
                    .collect()
            })
            .collect();
        Ok(FeatureTable { columns, values })
    }
}

/// No features (the dataset has only the label columns).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFeatures;

impl FeatureSource for NoFeatures {
    fn name(&self) -> &'static str {
        "none (interim until the feature store)"
    }

    fn features(&self, _: &StoredRun, _: &[(Symbol, UnixNanos)]) -> Result<FeatureTable, AppError> {
        Ok(FeatureTable::default())
    }
}
