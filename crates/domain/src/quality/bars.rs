//! [`BarChecker`]: one pass over a stored bar series in time order, page by page, in memory
//! bounded by a few hundred bars whatever the series' length.
//!
//! What it checks, and why these:
//! - **Order** ([`Kind::OutOfOrder`], error): the store keys bars by (symbol, timeframe, ts) and
//!   reads them in key order, so a stamp that does not increase can only be a corrupted index
//!   or a backend that broke its contract. Checked because it costs one comparison.
//! - **Duplicates** ([`Kind::Duplicate`], error): the key rules out two rows with one stamp,
//!   but not two rows in one slot of the grid: an hourly series holding both a 09:00 and a
//!   09:30 bar (two exporters' labels), or a daily bar at midnight beside one at 04:00 UTC.
//!   One finding per date, with how many slots hold more than one bar.
//! - **Misaligned** ([`Kind::Misaligned`], info): bars not stamped at a slot's start. They fill
//!   the slot they fall in (the grid allows it), so one finding per series with the count.
//! - **OHLC** ([`Kind::Ohlc`], error): low ≤ open, close ≤ high, prices above zero, volume not
//!   negative. The schema's CHECK refuses such rows, so they come from other writers: a
//!   constraint dropped or disabled, a bulk load around it.
//! - **Zero volume** ([`Kind::ZeroVolume`], warn): bars with no volume in an expected slot (the
//!   regular session), a run per session. A series where that is the rule
//!   ([`super::Config::no_volume_share`]) does not report volume at all, as an index: one
//!   [`Kind::NoVolume`] (info) instead.
//! - **Stale** ([`Kind::Stale`], warn): the same open, high, low and close for
//!   [`super::Config::stale_bars`] bars or more in a row, each with volume: trades were counted
//!   but the prices did not move, a feed repeating its last bar. A bar of one price (open =
//!   high = low = close) counts only when its volume repeats too: one trade a second at the
//!   same price, or a thin minute, is how quiet markets look.
//! - **Outliers**: [`super::outliers`].

use chrono::NaiveDate;

use super::outliers::Outliers;
use super::runs::Runs;
use super::{Config, Finding, Kind, Severity};
use crate::bar::Bar;
use crate::corporate_action::{CorporateAction, CorporateActionKind};
use crate::grid::days::date_bounds;
use crate::grid::{BarGrid, Slots};
use crate::time::{NANOS_PER_DAY, UnixNanos};
use crate::timeframe::Timeframe;

/// A run of bars with one OHLC.
#[derive(Debug, Clone, Copy)]
struct StaleRun {
    first: UnixNanos,
    last: UnixNanos,
    bars: u32,
    bar: Bar,
}

/// The checks of one bar series; see the module docs.
#[derive(Debug)]
pub struct BarChecker {
    cfg: Config,
    tf: Timeframe,
    grid: Option<BarGrid>,
    /// The expected slots from the current bar's on; the next one peeked.
    slots: Option<Slots>,
    next_slot: Option<UnixNanos>,
    /// Splits: the first instant of the ex-date, from, to; and the next one not yet passed.
    splits: Vec<(UnixNanos, u64, u64)>,
    next_split: usize,
    report_from: UnixNanos,
    prev: Option<Bar>,
    prev_slot: Option<UnixNanos>,
    bars: u64,
    in_session: u64,
    zero_in_session: u64,
    misaligned: Option<(u64, UnixNanos, UnixNanos)>,
    zero: Runs<()>,
    duplicate: Runs<()>,
    stale: Option<StaleRun>,
    outliers: Outliers,
    findings: Vec<Finding>,
}

impl BarChecker {
    /// The checks of a `tf` series; `grid` is the series' expected-bar grid (`None` for a
    /// timeframe without one: no session checks).
    pub fn new(tf: Timeframe, grid: Option<BarGrid>, cfg: Config) -> Self {
        let step = (!tf.is_daily_or_longer()).then(|| tf.nanos()).flatten();
        Self {
            cfg,
            tf,
            grid,
            slots: None,
            next_slot: None,
            splits: Vec::new(),
            next_split: 0,
            report_from: UnixNanos::MIN,
            prev: None,
            prev_slot: None,
            bars: 0,
            in_session: 0,
            zero_in_session: 0,
            misaligned: None,
            zero: Runs::new(tf, true),
            duplicate: Runs::new(tf, false),
            stale: None,
            outliers: Outliers::new(cfg, step),
            findings: Vec::new(),
        }
    }

    /// The symbol's stored corporate actions: its splits explain jumps at their ex-dates.
    pub fn with_actions(mut self, actions: &[CorporateAction]) -> Self {
        let mut splits: Vec<(UnixNanos, u64, u64)> = actions
            .iter()
            .filter_map(|a| match a.kind {
                CorporateActionKind::Split { from, to } => {
                    let (at, _) = date_bounds(self.tf, a.ex_date)?;
                    Some((at, u64::from(from), u64::from(to)))
                }
                CorporateActionKind::CashDividend { .. } => None,
            })
            .collect();
        splits.sort_by_key(|s| s.0);
        self.splits = splits;
        self
    }

    /// Bars before `t` are context (the previous close, the scale) and are not reported on.
    pub fn report_from(mut self, t: UnixNanos) -> Self {
        self.report_from = t;
        self
    }

    /// Bars checked at or after the report start.
    pub fn bars(&self) -> u64 {
        self.bars
    }

    /// The next bars of the series, after every bar pushed before.
    pub fn push(&mut self, bars: &[Bar]) {
        for b in bars {
            self.one(b);
        }
    }

    fn one(&mut self, b: &Bar) {
        if let Some(p) = self.prev
            && b.ts <= p.ts
        {
            self.findings.push(
                Finding::new(Kind::OutOfOrder, Severity::Error, p.ts, b.ts)
                    .with("previous", p.ts)
                    .with("next", b.ts)
                    .because(format!(
                        "the store returned {} after {}: stamps must increase",
                        b.ts, p.ts
                    )),
            );
            return;
        }
        self.bars += u64::from(b.ts >= self.report_from);
        if let Some(grid) = self.grid {
            self.slot(grid, b);
        }
        self.ohlc(b);
        self.stale(b);
        let split = self.split_before(b.ts);
        self.outliers.push(b, split);
        self.prev = Some(*b);
    }

    fn slot(&mut self, grid: BarGrid, b: &Bar) {
        let Some(slot) = grid.slot_of(b.ts) else {
            return;
        };
        if slot != b.ts {
            let m = self.misaligned.get_or_insert((0, b.ts, b.ts));
            m.0 += 1;
            m.2 = b.ts;
        }
        if self.prev_slot == Some(slot) {
            self.duplicate.flag(b.ts, || (), |_| ());
        }
        self.prev_slot = Some(slot);
        // Walk the expected slots up to this bar's; restart the walk after a long hole.
        let behind = self
            .next_slot
            .is_none_or(|s| slot.as_i64().saturating_sub(s.as_i64()) > 2 * NANOS_PER_DAY);
        if self.slots.is_none() || behind {
            self.slots = grid.expected(slot, UnixNanos::MAX).ok();
            self.next_slot = self.slots.as_mut().and_then(Iterator::next);
        }
        while let Some(s) = self.next_slot
            && s < slot
        {
            self.next_slot = self.slots.as_mut().and_then(Iterator::next);
        }
        if self.next_slot != Some(slot) {
            return;
        }
        self.in_session += 1;
        if b.volume.is_zero() {
            self.zero_in_session += 1;
            self.zero.flag(b.ts, || (), |_| ());
        } else {
            self.zero.pass();
        }
    }

    fn ohlc(&mut self, b: &Bar) {
        let problem = if [b.open, b.high, b.low, b.close]
            .iter()
            .any(|p| p.raw() <= 0)
        {
            "a price is zero or below".to_string()
        } else if b.low > b.high {
            format!("the low {} is above the high {}", b.low, b.high)
        } else if b.open < b.low || b.open > b.high {
            format!(
                "the open {} is outside [low {}, high {}]",
                b.open, b.low, b.high
            )
        } else if b.close < b.low || b.close > b.high {
            format!(
                "the close {} is outside [low {}, high {}]",
                b.close, b.low, b.high
            )
        } else if b.volume.is_negative() {
            format!("the volume {} is negative", b.volume)
        } else {
            return;
        };
        self.findings.push(
            Finding::new(Kind::Ohlc, Severity::Error, b.ts, b.ts)
                .with("open", b.open)
                .with("high", b.high)
                .with("low", b.low)
                .with("close", b.close)
                .with("volume", b.volume)
                .because(problem),
        );
    }

    fn stale(&mut self, b: &Bar) {
        // A bar of one price repeated with new volumes is thin trading at that price (one
        // trade a second, a quiet minute): only a bar with a range, or the same volume too,
        // repeated looks like a feed repeating itself.
        let same = |a: &Bar| {
            (a.open, a.high, a.low, a.close) == (b.open, b.high, b.low, b.close)
                && (a.high > a.low || a.volume == b.volume)
        };
        let traded = !b.volume.is_zero() && !b.volume.is_negative();
        match &mut self.stale {
            Some(r) if traded && same(&r.bar) => {
                r.last = b.ts;
                r.bars += 1;
                return;
            }
            _ => {}
        }
        self.close_stale();
        if traded {
            self.stale = Some(StaleRun {
                first: b.ts,
                last: b.ts,
                bars: 1,
                bar: *b,
            });
        }
    }

    fn close_stale(&mut self) {
        let Some(r) = self.stale.take() else { return };
        if r.bars < self.cfg.stale_bars {
            return;
        }
        let b = r.bar;
        self.findings.push(
            Finding::new(Kind::Stale, Severity::Warn, r.first, r.last)
                .with("bars", r.bars)
                .with("open", b.open)
                .with("high", b.high)
                .with("low", b.low)
                .with("close", b.close)
                .because(format!(
                    "{} bars in a row have the same open, high, low and close ({}) while each \
                     has volume: a feed repeating its last bar?",
                    r.bars, b.close
                )),
        );
    }

    /// The combined ratio of the splits whose ex-date starts after the previous bar and at or
    /// before `ts`.
    fn split_before(&mut self, ts: UnixNanos) -> Option<(u64, u64)> {
        let prev = self.prev.map(|p| p.ts);
        let mut ratio: Option<(u64, u64)> = None;
        while let Some(&(at, from, to)) = self.splits.get(self.next_split)
            && at <= ts
        {
            self.next_split += 1;
            if prev.is_some_and(|p| p < at) {
                let (f, t) = ratio.unwrap_or((1, 1));
                ratio = f.checked_mul(from).zip(t.checked_mul(to));
            }
        }
        ratio
    }

    /// Every finding of the series, in time order; those ending before the report start left
    /// out.
    pub fn finish(mut self) -> Vec<Finding> {
        self.close_stale();
        let mut out = std::mem::take(&mut self.findings);
        let zero_runs = std::mem::replace(&mut self.zero, Runs::new(self.tf, true)).finish();
        let no_volume = self.in_session > 0
            && self.zero_in_session as f64 >= self.cfg.no_volume_share * self.in_session as f64;
        if no_volume && let (Some(first), Some(last)) = (zero_runs.first(), zero_runs.last()) {
            out.push(
                Finding::new(Kind::NoVolume, Severity::Info, first.first, last.last)
                    .with("bars_in_session", self.in_session)
                    .with("zero_volume", self.zero_in_session)
                    .because(format!(
                        "{} of {} bars in the session have zero volume: the series reports no \
                         volume (an index?), so zero volume is not checked",
                        self.zero_in_session, self.in_session
                    )),
            );
        } else {
            out.extend(zero_runs.into_iter().map(|r| {
                Finding::new(Kind::ZeroVolume, Severity::Warn, r.first, r.last)
                    .with("date", r.date)
                    .with("bars", r.count)
                    .because(format!(
                        "{} bar{} in the regular session of {} with zero volume",
                        r.count,
                        if r.count == 1 { "" } else { "s" },
                        r.date
                    ))
            }));
        }
        let dups = std::mem::replace(&mut self.duplicate, Runs::new(self.tf, false)).finish();
        out.extend(
            dups.into_iter()
                .map(|r| duplicate(self.tf, r.date, r.count, r.first, r.last)),
        );
        if let Some((n, first, last)) = self.misaligned {
            out.push(
                Finding::new(Kind::Misaligned, Severity::Info, first, last)
                    .with("bars", n)
                    .because(format!(
                        "{n} bars are not stamped at the start of a {} slot; each fills the slot \
                         it falls in",
                        self.tf
                    )),
            );
        }
        out.extend(self.outliers.finish());
        out.retain(|f| f.end >= self.report_from);
        out.sort_by_key(|f| (f.start, f.kind));
        out
    }
}

fn duplicate(tf: Timeframe, date: NaiveDate, n: u64, first: UnixNanos, last: UnixNanos) -> Finding {
    Finding::new(Kind::Duplicate, Severity::Error, first, last)
        .with("date", date)
        .with("extra_bars", n)
        .because(format!(
            "{n} bar{} on {date} fall in a {tf} slot that already holds a bar (two labels for \
             one period?)",
            if n == 1 { "" } else { "s" }
        ))
}
