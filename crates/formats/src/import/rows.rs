//! One row's fields → a validated [`Bar`] or [`QuoteBar`], and the per-file order checks.
//!
//! - [`RowParser`] converts fields; every failure is `(field, reason)` so the reader can prefix
//!   `FILE:LINE:`. Field names are the canonical ones (`open`, `bid_low`, `timestamp`) whatever the
//!   header spelt, matching the domain's validation errors.
//!   The timestamp is checked against the timeframe here ([`fit::check_row`]).
//! - [`Collector`] keeps rows with their line numbers, drops exact duplicates, refuses conflicting
//!   ones, and sorts a file whose timestamps go backwards (a stable sort, so the first of two
//!   conflicting rows in the file is the one kept when rows are skipped). It also finds the two
//!   bars nearest in time, for the file's spacing check.

use chrono_tz::Tz;
use domain::fixed::ParseFixedError;
use domain::span::SUPPORTED_DAYS;
use domain::time::NANOS_PER_DAY;
use domain::{Bar, Ohlc, Price, Quantity, QuoteBar, Timeframe, UnixNanos};

use super::columns::{Kind, Layout, QUOTE_FIELDS, TsSource};
use super::fit::{self, Closest};
use super::numbers;
use super::split::Fields;
use super::timestamp::{Stamp, StampReader};
use super::zone::LocalZone;

/// `(field, reason)` of a bad row.
pub type FieldError = (&'static str, String);

pub struct RowParser {
    layout: Layout,
    zone: LocalZone,
    timeframe: Timeframe,
    joined: Vec<u8>,
    stamps: StampReader,
    /// Scale bars by their `Adj Close` ([`super::ReadOptions::adj_close`]).
    adjust: bool,
}

fn num_err(field: &'static str, text: &[u8], e: ParseFixedError) -> FieldError {
    match e {
        ParseFixedError::Empty => (field, "empty value".into()),
        e => (field, format!("{:?}: {e}", String::from_utf8_lossy(text))),
    }
}

/// A timestamp error quoting the text as the file wrote it.
fn stamp_err(text: &[u8], reason: &str) -> FieldError {
    (
        "timestamp",
        format!("{:?} {reason}", String::from_utf8_lossy(text.trim_ascii())),
    )
}

impl RowParser {
    pub fn new(layout: Layout, tz: Tz, timeframe: Timeframe) -> Self {
        Self {
            layout,
            zone: LocalZone::new(tz),
            timeframe,
            joined: Vec::new(),
            stamps: StampReader::default(),
            adjust: false,
        }
    }

    /// Scale each bar by its `Adj Close / Close` when the file has that column.
    pub fn adjusting(mut self, adjust: bool) -> Self {
        self.adjust = adjust;
        self
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The row's bar start, checked against the timeframe ([`fit::check_row`]).
    #[inline]
    fn ts(&mut self, f: &Fields) -> Result<UnixNanos, FieldError> {
        let text: &[u8] = match self.layout.ts {
            TsSource::One(i) => f.get(i),
            TsSource::DateTime { date, time } => {
                self.joined.clear();
                self.joined.extend_from_slice(f.get(date).trim_ascii());
                self.joined.push(b' ');
                self.joined.extend_from_slice(f.get(time).trim_ascii());
                &self.joined
            }
        };
        let daily = self.timeframe.is_daily_or_longer();
        let ts = instant(&mut self.stamps, &mut self.zone, daily, text)?;
        fit::check_row(self.timeframe, ts).map_err(|reason| stamp_err(text, &reason))?;
        Ok(ts)
    }

    #[inline]
    pub fn bar(&mut self, f: &Fields) -> Result<Bar, FieldError> {
        let Kind::Bars {
            open,
            high,
            low,
            close,
            volume,
            vwap,
            trade_count,
            adj_close,
        } = self.layout.kind
        else {
            unreachable!("bar() on a quote layout")
        };
        let ts = self.ts(f)?;
        let price = |i: usize, name: &'static str| {
            let t = f.get(i);
            numbers::price(t).map_err(|e| num_err(name, t, e))
        };
        let (o, h, l, c) = (
            price(open, "open")?,
            price(high, "high")?,
            price(low, "low")?,
            price(close, "close")?,
        );
        let v = match volume {
            Some(i) => numbers::quantity(f.get(i)).map_err(|e| num_err("volume", f.get(i), e))?,
            None => domain::Quantity::ZERO,
        };
        let vwap = match vwap.map(|i| f.get(i)) {
            Some(t) if !t.trim_ascii().is_empty() => {
                Some(numbers::price_rounded(t).map_err(|e| num_err("vwap", t, e))?)
            }
            _ => None,
        };
        let trade_count = match trade_count.map(|i| f.get(i)) {
            Some(t) if !t.trim_ascii().is_empty() => {
                Some(numbers::count(t).map_err(|r| ("trade_count", r))?)
            }
            _ => None,
        };
        let (o, h, l, c, v) = match adj_close.filter(|_| self.adjust) {
            Some(i) => {
                let adj = price(i, "adj_close")?;
                adjust(o, h, l, c, v, adj)?
            }
            None => (o, h, l, c, v),
        };
        Bar::new(ts, o, h, l, c, v, vwap, trade_count).map_err(|e| (e.field, e.reason))
    }

    pub fn quote(&mut self, f: &Fields) -> Result<QuoteBar, FieldError> {
        let Kind::Quotes { fields } = self.layout.kind else {
            unreachable!("quote() on a bar layout")
        };
        let ts = self.ts(f)?;
        let side = |k: usize| -> Result<(Option<Ohlc>, domain::Quantity), FieldError> {
            let names = |j: usize| QUOTE_FIELDS[k + j];
            let text: [&[u8]; 5] = std::array::from_fn(|j| f.get(fields[k + j]).trim_ascii());
            let size = if text[4].is_empty() {
                domain::Quantity::ZERO
            } else {
                numbers::quantity(text[4]).map_err(|e| num_err(names(4), text[4], e))?
            };
            if text[..4].iter().all(|t| t.is_empty()) {
                return Ok((None, size)); // the side had no quote in this period
            }
            let mut p = [domain::Price::ZERO; 4];
            for j in 0..4 {
                p[j] = numbers::price(text[j]).map_err(|e| num_err(names(j), text[j], e))?;
            }
            let ohlc = Ohlc {
                open: p[0],
                high: p[1],
                low: p[2],
                close: p[3],
            };
            Ok((Some(ohlc), size))
        };
        let (bid, bid_size) = side(0)?;
        let (ask, ask_size) = side(5)?;
        let q = QuoteBar {
            ts,
            bid,
            ask,
            bid_size,
            ask_size,
        };
        q.validate().map_err(|e| (e.field, e.reason))?;
        Ok(q)
    }
}

/// Timestamp text → the bar's start: an instant, or for daily-or-longer bars midnight UTC of the
/// exchange date as written, whatever time or offset follows it.
#[inline]
fn instant(
    stamps: &mut StampReader,
    zone: &mut LocalZone,
    daily: bool,
    text: &[u8],
) -> Result<UnixNanos, FieldError> {
    let stamp = stamps.parse(text).map_err(|r| ("timestamp", r))?;
    let range = || {
        stamp_err(
            text,
            &format!("is outside the supported days {SUPPORTED_DAYS}"),
        )
    };
    if daily {
        let days = match stamp.written_date() {
            Some(d) => d,
            None => {
                let Stamp::Instant { nanos, .. } = stamp else {
                    unreachable!("only instants lack a written date")
                };
                let local = UnixNanos::new(nanos)
                    .to_datetime()
                    .with_timezone(&zone.tz());
                return UnixNanos::try_from_date(local.date_naive()).map_err(|_| range());
            }
        };
        return days
            .checked_mul(NANOS_PER_DAY)
            .map(UnixNanos::new)
            .ok_or_else(range);
    }
    let nanos = match stamp {
        Stamp::Instant { nanos, .. } => nanos,
        Stamp::Date { days } => zone.instant(days, 0, 0).map_err(|r| ("timestamp", r))?,
        Stamp::Naive { days, secs, nanos } => zone
            .instant(days, secs, nanos)
            .map_err(|r| ("timestamp", r))?,
    };
    Ok(UnixNanos::new(nanos))
}

/// A row type the collector can order.
pub trait Keyed: Copy + PartialEq {
    fn key(&self) -> UnixNanos;
}
impl Keyed for Bar {
    fn key(&self) -> UnixNanos {
        self.ts
    }
}
impl Keyed for QuoteBar {
    fn key(&self) -> UnixNanos {
        self.ts
    }
}

/// Rows in file order with their line numbers.
pub struct Collector<T> {
    rows: Vec<T>,
    /// Line of each row; left empty while rows sit on consecutive lines from `first_line`
    /// (the usual case), which saves a vector as long as the file.
    lines: Vec<u64>,
    first_line: u64,
    unsorted: bool,
    pub duplicates: u64,
}

/// A conflicting duplicate: `(line of the later row, reason)`.
pub type Conflict = (u64, String);

fn conflict_reason(ts: UnixNanos, first_line: u64) -> String {
    format!("duplicate timestamp {ts} (line {first_line}) with different values")
}

impl<T> Default for Collector<T> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            lines: Vec::new(),
            first_line: 0,
            unsorted: false,
            duplicates: 0,
        }
    }
}

impl<T: Keyed> Collector<T> {
    pub fn reserve(&mut self, n: usize) {
        self.rows.reserve(n);
    }

    fn line_of(&self, i: usize) -> u64 {
        if self.lines.is_empty() {
            self.first_line + i as u64
        } else {
            self.lines[i]
        }
    }

    fn last_line(&self) -> u64 {
        self.line_of(self.rows.len() - 1)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Adds a row; an exact repeat of the previous row is dropped, a different row at the same
    /// time is refused with the reason.
    #[inline]
    pub fn push(&mut self, row: T, line: u64) -> Result<(), String> {
        if let Some(last) = self.rows.last() {
            if row.key() == last.key() {
                if row == *last {
                    self.duplicates += 1;
                    return Ok(());
                }
                return Err(conflict_reason(row.key(), self.last_line()));
            }
            self.unsorted |= row.key() < last.key();
        } else {
            self.first_line = line;
        }
        if self.lines.is_empty() && line != self.first_line + self.rows.len() as u64 {
            self.lines = (0..self.rows.len())
                .map(|i| self.first_line + i as u64)
                .collect();
        }
        if !self.lines.is_empty() {
            self.lines.push(line);
        }
        self.rows.push(row);
        Ok(())
    }

    /// Rows in time order, with what sorting found.
    pub fn finish(mut self) -> Finished<T> {
        let mut closest = Nearest::default();
        if !self.unsorted {
            for i in 0..self.rows.len() {
                closest.next(self.line_of(i), self.rows[i].key());
            }
            return Finished {
                rows: self.rows,
                reordered: false,
                conflicts: Vec::new(),
                duplicates: self.duplicates,
                closest: closest.best,
            };
        }
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        order.sort_by_key(|&i| self.rows[i].key()); // stable: file order among equal times
        let mut out: Vec<T> = Vec::with_capacity(self.rows.len());
        let mut out_line = 0u64;
        let mut conflicts = Vec::new();
        for i in order {
            let row = self.rows[i];
            match out.last() {
                Some(prev) if prev.key() == row.key() => {
                    if *prev == row {
                        self.duplicates += 1;
                    } else {
                        conflicts.push((self.line_of(i), conflict_reason(row.key(), out_line)));
                    }
                }
                _ => {
                    out.push(row);
                    out_line = self.line_of(i);
                    closest.next(out_line, row.key());
                }
            }
        }
        conflicts.sort_by_key(|c| c.0);
        Finished {
            rows: out,
            reordered: true,
            conflicts,
            duplicates: self.duplicates,
            closest: closest.best,
        }
    }
}

/// What [`Collector::finish`] found.
pub struct Finished<T> {
    /// In time order, one per timestamp.
    pub rows: Vec<T>,
    /// The file's timestamps went backwards somewhere.
    pub reordered: bool,
    /// Conflicting duplicates met only after sorting, in line order.
    pub conflicts: Vec<Conflict>,
    pub duplicates: u64,
    /// The two consecutive rows nearest in time (the first such pair).
    pub closest: Option<Closest>,
}

/// Tracks the smallest gap between consecutive stamps fed in time order.
#[derive(Default)]
struct Nearest {
    prev: Option<(u64, UnixNanos)>,
    best: Option<Closest>,
}

impl Nearest {
    #[inline]
    fn next(&mut self, line: u64, ts: UnixNanos) {
        if let Some(prev) = self.prev {
            let pair = Closest {
                earlier: prev,
                later: (line, ts),
            };
            if self.best.is_none_or(|b| pair.gap() < b.gap()) {
                self.best = Some(pair);
            }
        }
        self.prev = Some((line, ts));
    }
}

/// A bar scaled by `adj / close` (Yahoo's total-return adjustment): prices times the ratio,
/// rounded half to even at the price's precision, the close becoming `adj`; volume divided by
/// it, so that price × volume is kept. Exact up to that rounding.
fn adjust(
    o: Price,
    h: Price,
    l: Price,
    c: Price,
    v: Quantity,
    adj: Price,
) -> Result<(Price, Price, Price, Price, Quantity), FieldError> {
    if c.raw() <= 0 || adj.raw() <= 0 {
        return Err((
            "adj_close",
            format!("cannot scale by Adj Close {adj} over Close {c}: both must be positive"),
        ));
    }
    let scaled = |p: Price| {
        domain::fixed::mul_div_round(i128::from(p.raw()), adj.raw(), c.raw())
            .and_then(|r| i64::try_from(r).ok())
            .map(Price::from_raw)
            .ok_or_else(|| ("adj_close", format!("{p} × {adj} / {c} is out of range")))
    };
    let volume = domain::fixed::mul_div_round(i128::from(v.raw()), c.raw(), adj.raw())
        .and_then(|r| i64::try_from(r).ok())
        .map(Quantity::from_raw)
        .ok_or_else(|| {
            (
                "adj_close",
                format!("volume {v} × {c} / {adj} is out of range"),
            )
        })?;
    Ok((scaled(o)?, scaled(h)?, scaled(l)?, adj, volume))
}
