//! Arbitrage opportunities as stored ([`crate::ArbitrageStore`]): one [`ArbitrageRecord`] per
//! streak of the same legs seen in consecutive chain snapshots.
//!
//! - [`ArbitrageRecord`]: the row, keyed by (underlying, key, first_seen).
//! - `check_records`: what a batch must satisfy before either backend writes it.
//! - `record`: a fetched row read back, shared by both backends.

use chrono::NaiveDate;
use domain::{Price, Quantity, Symbol, UnixNanos};
use serde::{Deserialize, Serialize};

use crate::StoreError;
use crate::decode::Columns;
use crate::rows::{parse_json, parse_symbol};

/// The table both backends write.
pub(crate) const TABLE: &str = "arbitrage_opportunities";

/// One opportunity: the same legs (`key`) seen from `first_seen` to `last_seen` over
/// `snapshots` consecutive snapshots of `underlying`'s chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArbitrageRecord {
    pub underlying: Symbol,
    /// What kind of arbitrage (e.g. `box`, `parity`, `vertical`), the finder's name for it.
    pub kind: String,
    /// A stable identity of the legs, given by the caller; with `underlying` and `first_seen`
    /// it is the row's key.
    pub key: String,
    /// The nearest leg's expiry.
    pub expiry: NaiveDate,
    /// The legs as the finder describes them.
    pub legs: serde_json::Value,
    /// Edge per unit after fees.
    pub edge: Price,
    /// Contracts tradable at that edge.
    pub quantity: Quantity,
    /// Money the whole quantity would have made.
    pub total_edge: Price,
    pub first_seen: UnixNanos,
    /// The snapshot it was last seen in (equal to `first_seen` for a one-snapshot streak).
    pub last_seen: UnixNanos,
    /// How many snapshots in a row it lasted (at least 1).
    pub snapshots: u32,
    /// The same legs' edge at tradable prices in the snapshot after `last_seen`; `None` until
    /// there is one.
    pub next_edge: Option<Price>,
    /// Anything else the finder keeps (prices seen, fees, model inputs).
    pub detail: serde_json::Value,
}

/// Refuses a streak that ends before it starts, one of no snapshots, a negative quantity, and
/// two rows with one key in a batch.
pub(crate) fn check_records(rows: &[ArbitrageRecord]) -> Result<(), StoreError> {
    let mut seen = std::collections::HashSet::with_capacity(rows.len());
    for r in rows {
        let name = || format!("{} opportunity {:?} of {}", r.kind, r.key, r.underlying);
        if r.last_seen < r.first_seen {
            return Err(StoreError::Invalid(format!(
                "{} was last seen at {} before it was first seen at {}",
                name(),
                r.last_seen,
                r.first_seen
            )));
        }
        if r.snapshots == 0 {
            return Err(StoreError::Invalid(format!("{} has no snapshots", name())));
        }
        if r.quantity.raw() < 0 {
            return Err(StoreError::Invalid(format!(
                "{} has a negative quantity",
                name()
            )));
        }
        if !seen.insert((&r.underlying, r.key.as_str(), r.first_seen)) {
            return Err(StoreError::Invalid(format!(
                "{} first seen at {} twice in one batch",
                name(),
                r.first_seen
            )));
        }
    }
    Ok(())
}

/// JSON text of `legs` and `detail`, as both backends send them.
pub(crate) fn json_text(value: &serde_json::Value) -> String {
    value.to_string()
}

/// Columns: underlying symbol, kind, key, expiry (`YYYY-MM-DD`), legs (JSON text), edge,
/// quantity, total_edge, first_seen, last_seen, snapshots, next_edge, detail (JSON text).
pub(crate) fn record(r: &impl Columns) -> Result<ArbitrageRecord, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        table: TABLE,
        reason,
    };
    let expiry = r.text(3)?;
    let snapshots = r.int(10)?;
    Ok(ArbitrageRecord {
        underlying: parse_symbol(&r.text(0)?, TABLE)?,
        kind: r.string(1)?,
        key: r.string(2)?,
        expiry: NaiveDate::parse_from_str(&expiry, "%Y-%m-%d")
            .map_err(|e| corrupt(format!("expiry {expiry:?}: {e}")))?,
        legs: parse_json(&r.text(4)?, TABLE, "legs")?,
        edge: Price::from_raw(r.int(5)?),
        quantity: Quantity::from_raw(r.int(6)?),
        total_edge: Price::from_raw(r.int(7)?),
        first_seen: r.nanos(8)?,
        last_seen: r.nanos(9)?,
        snapshots: u32::try_from(snapshots)
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| corrupt(format!("snapshots {snapshots} is not a positive u32")))?,
        next_edge: r.opt_int(11)?.map(Price::from_raw),
        detail: parse_json(&r.text(12)?, TABLE, "detail")?,
    })
}
