//! Labels of a run's entry signals (`ml_label_sets`, `ml_labels`): the rows [`crate::LabelStore`]
//! writes and reads, and their decoding, shared by both backends.
//!
//! A label is stored as plain values (no dependency on the `labels` crate, which makes them):
//! exact prices, times in UTC nanoseconds, side and labels as small integers, the return and the
//! weights as f64.

use domain::{Price, Symbol, UnixNanos};
use serde::{Deserialize, Serialize};

use crate::StoreError;
use crate::decode::Columns;
use crate::rows::{parse_json, parse_price, parse_symbol};

/// One labelled signal of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelRow {
    pub signal_id: i64,
    pub symbol: Symbol,
    pub t0: UnixNanos,
    /// 1 long, −1 short, `None` for a side-less signal.
    pub side: Option<i8>,
    pub entry_time: UnixNanos,
    pub entry_price: Price,
    pub take_profit: Option<Price>,
    pub stop_loss: Option<Price>,
    pub t1: UnixNanos,
    pub exit_price: Price,
    /// `tp`, `sl` or `time`.
    pub barrier: String,
    pub ret: f64,
    pub label: i8,
    pub meta_label: Option<i8>,
    pub weight_uniqueness: f64,
    pub weight_return: f64,
}

/// A run's labels with the parameters they were made with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelSet {
    pub run_id: i64,
    pub params: serde_json::Value,
    pub created_at: String,
    /// In (t0, signal id) order.
    pub labels: Vec<LabelRow>,
}

/// The columns every SELECT of `ml_labels` names, in this order (prices as text).
pub(crate) const COLUMNS: &str = "signal_id, symbol, t0, side, entry_time, entry_price, \
     take_profit, stop_loss, t1, exit_price, barrier, ret, label, meta_label, \
     weight_uniqueness, weight_return";

const TABLE: &str = "ml_labels";

fn small(v: i64, field: &str) -> Result<i8, StoreError> {
    i8::try_from(v).map_err(|_| StoreError::Corrupt {
        table: TABLE,
        reason: format!("{field} {v} is not a small integer"),
    })
}

pub(crate) fn label_row(r: &impl Columns) -> Result<LabelRow, StoreError> {
    let price = |i: usize, field: &str| parse_price(&r.text(i)?, TABLE, field);
    let opt_price = |i: usize, field: &str| {
        r.opt_text(i)?
            .map(|t| parse_price(&t, TABLE, field))
            .transpose()
    };
    Ok(LabelRow {
        signal_id: r.int(0)?,
        symbol: parse_symbol(&r.text(1)?, TABLE)?,
        t0: r.nanos(2)?,
        side: r.opt_int(3)?.map(|v| small(v, "side")).transpose()?,
        entry_time: r.nanos(4)?,
        entry_price: price(5, "entry_price")?,
        take_profit: opt_price(6, "take_profit")?,
        stop_loss: opt_price(7, "stop_loss")?,
        t1: r.nanos(8)?,
        exit_price: price(9, "exit_price")?,
        barrier: r.string(10)?,
        ret: r.real(11)?,
        label: small(r.int(12)?, "label")?,
        meta_label: r.opt_int(13)?.map(|v| small(v, "meta_label")).transpose()?,
        weight_uniqueness: r.real(14)?,
        weight_return: r.real(15)?,
    })
}

pub(crate) fn params(text: &str) -> Result<serde_json::Value, StoreError> {
    parse_json(text, "ml_label_sets", "params")
}
