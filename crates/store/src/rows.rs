//! Backend-neutral pieces of row handling: batch checks, key bounds, the integer columns of bars
//! and quote bars, and parsing stored text back into exact values.

use std::borrow::Cow;

use domain::{Bar, Money, Ohlc, Price, Quantity, QuoteBar, Timeframe, UnixNanos};

use crate::{BarQuery, StoreError};

/// The batch in strictly increasing timestamp order: borrowed when it already is (the common
/// case), sorted otherwise. Two rows with one timestamp are refused, naming it.
pub(crate) fn sorted_unique<'a, T: Clone>(
    rows: &'a [T],
    ts: impl Fn(&T) -> UnixNanos,
    what: &str,
) -> Result<Cow<'a, [T]>, StoreError> {
    if rows.windows(2).all(|w| ts(&w[0]) < ts(&w[1])) {
        return Ok(Cow::Borrowed(rows));
    }
    let mut v = rows.to_vec();
    v.sort_by_key(&ts);
    if let Some(w) = v.windows(2).find(|w| ts(&w[0]) == ts(&w[1])) {
        return Err(StoreError::Invalid(format!(
            "two {what} at {} in one batch",
            ts(&w[0])
        )));
    }
    Ok(Cow::Owned(v))
}

/// Inclusive `[lo, hi]` timestamp bounds of a page: `start ≤ ts < end` and `ts > after`.
/// `None` when the range is empty.
pub(crate) fn page_bounds(q: &BarQuery, after: Option<UnixNanos>) -> Option<(i64, i64)> {
    let min_lo = match after {
        Some(a) => Some(a.as_i64().checked_add(1)?),
        None => None,
    };
    inclusive_bounds(q.start, q.end, min_lo)
}

/// `[start, end)` (and an extra inclusive lower bound) as inclusive `[lo, hi]`; `None` if empty.
pub(crate) fn inclusive_bounds(
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
    min_lo: Option<i64>,
) -> Option<(i64, i64)> {
    let lo = start
        .map_or(i64::MIN, UnixNanos::as_i64)
        .max(min_lo.unwrap_or(i64::MIN));
    let hi = match end {
        Some(e) => e.as_i64().checked_sub(1)?,
        None => i64::MAX,
    };
    (lo <= hi).then_some((lo, hi))
}

pub(crate) fn count_to_i64(v: u64, field: &str) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Invalid(format!("{field} {v} is beyond i64")))
}

pub(crate) fn i64_to_count(v: i64, table: &'static str, field: &str) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt {
        table,
        reason: format!("negative {field} {v}"),
    })
}

/// Canonical spelling the store keys on (`1m`, `1d`).
pub(crate) fn tf_key(tf: Timeframe) -> String {
    tf.to_string()
}

pub(crate) fn parse_tf(text: &str, table: &'static str) -> Result<Timeframe, StoreError> {
    Timeframe::parse(text).map_err(|e| StoreError::Corrupt {
        table,
        reason: e.to_string(),
    })
}

pub(crate) fn parse_symbol(text: &str, table: &'static str) -> Result<domain::Symbol, StoreError> {
    domain::Symbol::new(text).map_err(|e| StoreError::Corrupt {
        table,
        reason: e.to_string(),
    })
}

pub(crate) fn parse_money(
    text: &str,
    table: &'static str,
    field: &str,
) -> Result<Money, StoreError> {
    Money::parse(text).map_err(|e| StoreError::Corrupt {
        table,
        reason: format!("{field} {text:?}: {e}"),
    })
}

pub(crate) fn parse_price(
    text: &str,
    table: &'static str,
    field: &str,
) -> Result<Price, StoreError> {
    Price::parse(text).map_err(|e| StoreError::Corrupt {
        table,
        reason: format!("{field} {text:?}: {e}"),
    })
}

pub(crate) fn parse_quantity(
    text: &str,
    table: &'static str,
    field: &str,
) -> Result<Quantity, StoreError> {
    Quantity::parse(text).map_err(|e| StoreError::Corrupt {
        table,
        reason: format!("{field} {text:?}: {e}"),
    })
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    table: &'static str,
    field: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        table,
        reason: format!("{field}: {e}"),
    })
}

/// A row of a bar-like series table (`bars`, `quote_bars`): keyed by (symbol_id, timeframe, ts),
/// every other column an integer. Both backends write and read them through this.
pub(crate) trait SeriesRow: Clone {
    const TABLE: &'static str;
    /// Plural for messages: "bars", "quote bars".
    const WHAT: &'static str;
    /// Value columns after ts, in the order of [`SeriesRow::values`].
    const COLUMNS: &'static [&'static str];
    type Values: AsRef<[Option<i64>]>;
    fn ts(&self) -> UnixNanos;
    fn values(&self) -> Result<Self::Values, StoreError>;
    /// `v` has `COLUMNS.len()` entries.
    fn from_values(ts: i64, v: &[Option<i64>]) -> Result<Self, StoreError>;
}

impl SeriesRow for Bar {
    const TABLE: &'static str = "bars";
    const WHAT: &'static str = "bars";
    const COLUMNS: &'static [&'static str] = &[
        "open",
        "high",
        "low",
        "close",
        "volume",
        "vwap",
        "trade_count",
    ];
    type Values = [Option<i64>; 7];

    fn ts(&self) -> UnixNanos {
        self.ts
    }

    #[inline]
    fn values(&self) -> Result<Self::Values, StoreError> {
        let trade_count = match self.trade_count {
            Some(n) => Some(count_to_i64(n, "trade_count")?),
            None => None,
        };
        Ok([
            Some(self.open.raw()),
            Some(self.high.raw()),
            Some(self.low.raw()),
            Some(self.close.raw()),
            Some(self.volume.raw()),
            self.vwap.map(Price::raw),
            trade_count,
        ])
    }

    #[inline]
    fn from_values(ts: i64, v: &[Option<i64>]) -> Result<Self, StoreError> {
        let req = |x: Option<i64>| {
            x.ok_or_else(|| StoreError::Corrupt {
                table: "bars",
                reason: format!("NULL price or volume at ts {ts}"),
            })
        };
        let trade_count = match v[6] {
            Some(n) => Some(i64_to_count(n, "bars", "trade_count")?),
            None => None,
        };
        Ok(Bar {
            ts: UnixNanos::new(ts),
            open: Price::from_raw(req(v[0])?),
            high: Price::from_raw(req(v[1])?),
            low: Price::from_raw(req(v[2])?),
            close: Price::from_raw(req(v[3])?),
            volume: Quantity::from_raw(req(v[4])?),
            vwap: v[5].map(Price::from_raw),
            trade_count,
        })
    }
}

impl SeriesRow for QuoteBar {
    const TABLE: &'static str = "quote_bars";
    const WHAT: &'static str = "quote bars";
    const COLUMNS: &'static [&'static str] = &[
        "bid_open",
        "bid_high",
        "bid_low",
        "bid_close",
        "ask_open",
        "ask_high",
        "ask_low",
        "ask_close",
        "bid_size",
        "ask_size",
    ];
    type Values = [Option<i64>; 10];

    fn ts(&self) -> UnixNanos {
        self.ts
    }

    fn values(&self) -> Result<Self::Values, StoreError> {
        let side = |s: Option<Ohlc>| match s {
            Some(o) => [
                Some(o.open.raw()),
                Some(o.high.raw()),
                Some(o.low.raw()),
                Some(o.close.raw()),
            ],
            None => [None; 4],
        };
        let [bo, bh, bl, bc] = side(self.bid);
        let [ao, ah, al, ac] = side(self.ask);
        Ok([
            bo,
            bh,
            bl,
            bc,
            ao,
            ah,
            al,
            ac,
            Some(self.bid_size.raw()),
            Some(self.ask_size.raw()),
        ])
    }

    fn from_values(ts: i64, v: &[Option<i64>]) -> Result<Self, StoreError> {
        let side = |s: &[Option<i64>]| -> Result<Option<Ohlc>, StoreError> {
            match (s[0], s[1], s[2], s[3]) {
                (Some(o), Some(h), Some(l), Some(c)) => Ok(Some(Ohlc {
                    open: Price::from_raw(o),
                    high: Price::from_raw(h),
                    low: Price::from_raw(l),
                    close: Price::from_raw(c),
                })),
                (None, None, None, None) => Ok(None),
                _ => Err(StoreError::Corrupt {
                    table: "quote_bars",
                    reason: format!("half a side at ts {ts}"),
                }),
            }
        };
        let size = |x: Option<i64>| {
            x.map(Quantity::from_raw)
                .ok_or_else(|| StoreError::Corrupt {
                    table: "quote_bars",
                    reason: format!("NULL size at ts {ts}"),
                })
        };
        Ok(QuoteBar {
            ts: UnixNanos::new(ts),
            bid: side(&v[0..4])?,
            ask: side(&v[4..8])?,
            bid_size: size(v[8])?,
            ask_size: size(v[9])?,
        })
    }
}

/// Refuses two records with one (symbol, source, timestamp) key in a batch.
pub(crate) fn check_unique(records: &[domain::SentimentRecord]) -> Result<(), StoreError> {
    let mut seen = std::collections::HashSet::with_capacity(records.len());
    for r in records {
        if !seen.insert((&r.symbol, r.source, r.ts)) {
            return Err(StoreError::Invalid(format!(
                "two sentiment records for {} from {} at {} in one batch",
                r.symbol,
                r.source.as_str(),
                r.ts
            )));
        }
    }
    Ok(())
}

/// Sorts series summaries by symbol, then timeframe from shortest to longest unit.
pub(crate) fn sort_series(v: &mut [crate::SeriesStatus]) {
    v.sort_by(|a, b| {
        (&a.symbol, a.timeframe.unit, a.timeframe.amount).cmp(&(
            &b.symbol,
            b.timeframe.unit,
            b.timeframe.amount,
        ))
    });
}

/// `t` in the format of [`now_rfc3339`], so that created_at compares with it as text.
pub(crate) fn rfc3339_micros(t: domain::UnixNanos) -> String {
    chrono::DateTime::from_timestamp_nanos(t.as_i64())
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

/// Now as RFC 3339 UTC with microseconds, the format both backends return for created_at.
pub(crate) fn now_rfc3339() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64);
    chrono::DateTime::from_timestamp_nanos(nanos)
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

/// A delete selection must name something: an empty one would delete every run.
pub(crate) fn check_selection(sel: &crate::RunSelection) -> Result<(), StoreError> {
    if sel.ids.is_empty()
        && sel.sweep_id.is_none()
        && sel.agent_id.is_none()
        && sel.before.is_none()
    {
        return Err(StoreError::Invalid(
            "nothing selected: give run ids, a sweep, an agent or a date".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Symbol;

    fn q(start: Option<i64>, end: Option<i64>) -> BarQuery {
        BarQuery {
            symbol: Symbol::lit("SPY"),
            timeframe: Timeframe::M1,
            start: start.map(UnixNanos::new),
            end: end.map(UnixNanos::new),
        }
    }

    #[test]
    fn bounds() {
        assert_eq!(
            page_bounds(&q(None, None), None),
            Some((i64::MIN, i64::MAX))
        );
        assert_eq!(page_bounds(&q(Some(5), Some(10)), None), Some((5, 9)));
        assert_eq!(
            page_bounds(&q(Some(5), Some(10)), Some(UnixNanos::new(7))),
            Some((8, 9))
        );
        assert_eq!(
            page_bounds(&q(Some(5), Some(10)), Some(UnixNanos::new(9))),
            None
        );
        assert_eq!(page_bounds(&q(Some(5), Some(5)), None), None);
        assert_eq!(page_bounds(&q(None, Some(i64::MIN)), None), None);
        assert_eq!(page_bounds(&q(None, None), Some(UnixNanos::MAX)), None);
    }

    #[test]
    fn batches_are_sorted_and_unique() {
        let v = [3i64, 1, 2];
        let s = sorted_unique(&v, |x| UnixNanos::new(*x), "bars").unwrap();
        assert_eq!(&*s, &[1, 2, 3]);
        let ok = [1i64, 2];
        assert!(matches!(
            sorted_unique(&ok, |x| UnixNanos::new(*x), "bars").unwrap(),
            Cow::Borrowed(_)
        ));
        let dup = [2i64, 1, 2];
        let e = sorted_unique(&dup, |x| UnixNanos::new(*x), "bars").unwrap_err();
        assert!(e.to_string().contains("two bars at"), "{e}");
    }
}
