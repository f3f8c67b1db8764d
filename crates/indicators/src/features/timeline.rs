//! [`TickTimeline`]: the tick features of one symbol as a step function of time, so a run over
//! bars reads them at each bar's close without replaying ticks: the value at instant `t` is the
//! one after every tick stamped before `t` (a tick at a bar's close belongs to the next bar).
//!
//! Trades and quotes are merged in time order, a quote before a trade at the same instant
//! ([`super::ticks`]). Both features start afresh each **trading day** of the calendar
//! ([`Calendar::trading_date`]: the New York date on `nyse`, pre- and after-market included):
//! the CVD is the day's delta so far, the OBI the day's last quote. Until the day's first trade
//! (for the CVD) or quote (for the OBI) the value is `None`, so a day with no stored ticks reads
//! as no value, not as a flat book, and a filter on it fails. The signing state starts afresh
//! too (the day's first trade before any two-sided quote of the day is unsigned), so a day's
//! values depend on that day's ticks alone: a run reads the same values whatever window its
//! ticks were loaded for.

use domain::calendar::Calendar;
use domain::{QuoteTick, TradeTick, UnixNanos};

use super::ticks::{BookImbalance, CumulativeDelta};

/// The tick features at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TickValues {
    pub cvd: Option<f64>,
    pub obi: Option<f64>,
}

/// The values after each tick stamp, and `None`s from the end of each trading day that had
/// ticks; read with [`TickTimeline::at`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TickTimeline {
    steps: Vec<(UnixNanos, TickValues)>,
}

/// The trading day a stamp falls in, cached as its `[start, end)`.
#[derive(Debug, Clone)]
struct Days {
    calendar: Calendar,
    current: Option<(UnixNanos, UnixNanos)>,
}

impl Days {
    /// The end of the day that closed if `t` starts a new one.
    fn enter(&mut self, t: UnixNanos) -> Option<Option<UnixNanos>> {
        if self.current.is_some_and(|(s, e)| s <= t && t < e) {
            return None;
        }
        let ended = self.current.map(|(_, e)| e);
        let bounds = self.calendar.day_bounds(self.calendar.trading_date(t));
        self.current = Some(bounds.unwrap_or((t, t.checked_plus(1).unwrap_or(t))));
        Some(ended)
    }
}

impl TickTimeline {
    /// The timeline of `quotes` and `trades` (each in time order) on `calendar`'s days.
    pub fn build(calendar: Calendar, quotes: &[QuoteTick], trades: &[TradeTick]) -> Self {
        let mut b = TimelineBuilder::new(calendar);
        b.feed(quotes, trades);
        b.finish()
    }

    /// The values after every tick stamped before `t` (none before the first tick).
    pub fn at(&self, t: UnixNanos) -> TickValues {
        match self.steps.partition_point(|(at, _)| *at < t) {
            0 => TickValues::default(),
            i => self.steps[i - 1].1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Each stamp where the values change and the values from it on (for fingerprints).
    pub fn steps(&self) -> &[(UnixNanos, TickValues)] {
        &self.steps
    }
}

/// Builds a [`TickTimeline`] from ticks handed over in consecutive chunks of time (a day of
/// stored ticks at a time), so a long window never holds all its ticks at once.
#[derive(Debug, Clone)]
pub struct TimelineBuilder {
    days: Days,
    cvd: CumulativeDelta,
    obi: BookImbalance,
    now: TickValues,
    steps: Vec<(UnixNanos, TickValues)>,
}

impl TimelineBuilder {
    pub fn new(calendar: Calendar) -> Self {
        Self {
            days: Days {
                calendar,
                current: None,
            },
            cvd: CumulativeDelta::new(),
            obi: BookImbalance::new(),
            now: TickValues::default(),
            steps: Vec::new(),
        }
    }

    /// The next chunk: `quotes` and `trades` each in time order, none before a tick already fed.
    pub fn feed(&mut self, quotes: &[QuoteTick], trades: &[TradeTick]) {
        let (mut q, mut t) = (quotes.iter().peekable(), trades.iter().peekable());
        loop {
            // A quote first at equal stamps: it prevailed when the trade printed.
            let quote = match (q.peek(), t.peek()) {
                (Some(a), Some(b)) if a.ts <= b.ts => q.next(),
                (Some(_), None) => q.next(),
                (_, Some(_)) => None,
                (None, None) => break,
            };
            let trade = if quote.is_none() { t.next() } else { None };
            let ts = quote.map_or_else(|| trade.map(|x| x.ts), |x| Some(x.ts));
            let Some(ts) = ts else { break };
            if let Some(ended) = self.days.enter(ts) {
                if let Some(end) = ended {
                    self.steps.push((end, TickValues::default()));
                }
                self.cvd = CumulativeDelta::new();
                self.now = TickValues::default();
            }
            if let Some(x) = quote {
                self.cvd.on_quote(x);
                self.now.obi = self.obi.on_quote(x);
            }
            if let Some(x) = trade {
                self.now.cvd = Some(self.cvd.on_trade(x));
            }
            match self.steps.last_mut() {
                Some((at, v)) if *at == ts => *v = self.now,
                _ => self.steps.push((ts, self.now)),
            }
        }
    }

    /// The timeline, its values ending with the last fed tick's trading day.
    pub fn finish(mut self) -> TickTimeline {
        if let Some((_, end)) = self.days.current {
            self.steps.push((end, TickValues::default()));
        }
        TickTimeline { steps: self.steps }
    }
}

#[cfg(test)]
mod tests {
    use domain::{Price, Quantity};

    use super::*;

    const MIN: i64 = 60_000_000_000;
    /// 2024-01-02 14:30 UTC, 09:30 New York.
    const OPEN: i64 = 1_704_205_800_000_000_000;

    fn at(min: i64) -> UnixNanos {
        UnixNanos::new(OPEN + min * MIN)
    }

    fn trade(min: i64, price: &str, size: &str) -> TradeTick {
        TradeTick {
            ts: at(min),
            price: Price::parse(price).unwrap(),
            size: Quantity::parse(size).unwrap(),
            exchange: String::new(),
            conditions: Vec::new(),
            trade_id: None,
            suspicious: false,
        }
    }

    fn quote(min: i64, bid: &str, ask: &str, bid_size: &str, ask_size: &str) -> QuoteTick {
        QuoteTick {
            ts: at(min),
            bid: Price::parse(bid).unwrap(),
            ask: Price::parse(ask).unwrap(),
            bid_size: Quantity::parse(bid_size).unwrap(),
            ask_size: Quantity::parse(ask_size).unwrap(),
            bid_exchange: String::new(),
            ask_exchange: String::new(),
            conditions: Vec::new(),
            suspicious: false,
        }
    }

    #[test]
    fn values_step_at_ticks_and_end_with_the_day() {
        let quotes = [quote(0, "10.00", "10.02", "300", "100")];
        // At the quote's instant: above the mid (buy), then below (sell).
        let trades = [trade(0, "10.02", "50"), trade(2, "10.00", "20")];
        let tl = TickTimeline::build(Calendar::Nyse, &quotes, &trades);
        assert_eq!(
            tl.at(at(0)),
            TickValues::default(),
            "a tick at t is not before t"
        );
        let v = tl.at(at(1));
        assert_eq!((v.cvd, v.obi), (Some(50.0), Some(0.5)));
        assert_eq!(tl.at(at(3)).cvd, Some(30.0));
        // The next New York day has no ticks: no values, not yesterday's.
        assert_eq!(tl.at(at(24 * 60)), TickValues::default());
    }

    #[test]
    fn the_delta_restarts_each_day_and_waits_for_its_first_trade() {
        let quotes = [quote(0, "10.00", "10.02", "1", "3")];
        let trades = [trade(1, "10.02", "5"), trade(24 * 60 + 5, "10.03", "7")];
        let tl = TickTimeline::build(Calendar::Nyse, &quotes, &trades);
        assert_eq!(tl.at(at(2)).cvd, Some(5.0));
        // Next day before its first trade: no CVD, and yesterday's quote is not today's OBI.
        assert_eq!(tl.at(at(24 * 60)), TickValues::default());
        // Its first trade has no quote of its day and no earlier trade of its day: unsigned.
        let v = tl.at(at(24 * 60 + 6));
        assert_eq!((v.cvd, v.obi), (Some(0.0), None));
    }

    #[test]
    fn chunks_fed_one_after_another_build_the_same_timeline() {
        let quotes = [
            quote(0, "10.00", "10.02", "1", "3"),
            quote(3, "10.01", "10.03", "2", "2"),
        ];
        let trades = [
            trade(1, "10.02", "5"),
            trade(3, "10.00", "2"),
            trade(5, "10.04", "1"),
        ];
        let whole = TickTimeline::build(Calendar::Nyse, &quotes, &trades);
        let mut b = TimelineBuilder::new(Calendar::Nyse);
        b.feed(&quotes[..1], &trades[..1]);
        b.feed(&quotes[1..], &trades[1..]);
        assert_eq!(b.finish(), whole);
        // Quote at 3 first (mid 10.02), so the trade at 10.00 then is a sell.
        assert_eq!(whole.at(at(4)).cvd, Some(3.0));
    }
}
