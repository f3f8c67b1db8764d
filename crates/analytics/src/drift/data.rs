//! Data drift: the bars a session saw against the bars stored now for the same minutes.
//!
//! [`bar_revisions`] lists every `(symbol, ts)` where the two sets differ: a bar revised by the
//! vendor (the fields that changed are named), a bar stored since (a late bar or a gap filled
//! later) or a bar gone since. The P&L the revisions explain is the engine's own answer: the
//! realized P&L of the replay over the bars stored now minus that of the replay over the
//! recorded bars ([`super::DriftTotals::data`]).

use std::collections::BTreeMap;

use domain::{Bar, Money, Symbol, UnixNanos};
use serde::{Deserialize, Serialize};

/// How many revisions a report lists; the count is always complete.
pub const MAX_LISTED_REVISIONS: usize = 100;

/// A field of a bar that a revision changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BarField {
    Open,
    High,
    Low,
    Close,
    Volume,
    Vwap,
    TradeCount,
}

/// One minute where the recorded and the current bar differ. `recorded` is `None` for a bar
/// the session never saw (stored later), `current` is `None` for a bar no longer stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BarRevision {
    pub symbol: Symbol,
    pub ts: UnixNanos,
    pub recorded: Option<Bar>,
    pub current: Option<Bar>,
    /// The fields that differ when both bars exist; empty otherwise.
    pub changed: Vec<BarField>,
}

/// The revised bars and the P&L they explain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DataDrift {
    /// Every revision, listed or not.
    pub revised_bars: usize,
    /// The first [`MAX_LISTED_REVISIONS`] revisions, in `(symbol, ts)` order.
    pub revisions: Vec<BarRevision>,
    /// Realized P&L of the replay over the current bars minus that over the recorded bars; zero
    /// without a replay over the current bars.
    pub pnl: Money,
}

/// The fields in which `a` and `b` differ.
pub fn changed_fields(a: &Bar, b: &Bar) -> Vec<BarField> {
    let checks = [
        (BarField::Open, a.open != b.open),
        (BarField::High, a.high != b.high),
        (BarField::Low, a.low != b.low),
        (BarField::Close, a.close != b.close),
        (BarField::Volume, a.volume != b.volume),
        (BarField::Vwap, a.vwap != b.vwap),
        (BarField::TradeCount, a.trade_count != b.trade_count),
    ];
    checks
        .into_iter()
        .filter_map(|(f, differs)| differs.then_some(f))
        .collect()
}

/// Every `(symbol, bar ts)` where `recorded` (what the session saw) and `current` (what is
/// stored now) differ, in `(symbol, ts)` order. A key given twice on one side keeps its last bar.
pub fn bar_revisions(recorded: &[(Symbol, Bar)], current: &[(Symbol, Bar)]) -> Vec<BarRevision> {
    type Sides = (Option<Bar>, Option<Bar>);
    let mut by_key: BTreeMap<(Symbol, UnixNanos), Sides> = BTreeMap::new();
    for (symbol, bar) in recorded {
        by_key.entry((symbol.clone(), bar.ts)).or_default().0 = Some(*bar);
    }
    for (symbol, bar) in current {
        by_key.entry((symbol.clone(), bar.ts)).or_default().1 = Some(*bar);
    }
    by_key
        .into_iter()
        .filter_map(|((symbol, ts), (recorded, current))| {
            let changed = match (&recorded, &current) {
                (Some(a), Some(b)) if a == b => return None,
                (Some(a), Some(b)) => changed_fields(a, b),
                _ => Vec::new(),
            };
            Some(BarRevision {
                symbol,
                ts,
                recorded,
                current,
                changed,
            })
        })
        .collect()
}

/// The data drift of `revisions`, whose P&L is `pnl`.
pub fn data_drift(revisions: &[BarRevision], pnl: Money) -> DataDrift {
    DataDrift {
        revised_bars: revisions.len(),
        revisions: revisions
            .iter()
            .take(MAX_LISTED_REVISIONS)
            .cloned()
            .collect(),
        pnl,
    }
}
