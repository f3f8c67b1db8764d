//! Crossed (bid above ask) and locked (bid equal to ask) quotes.
//!
//! - **Quote bars** ([`QuoteBarChecker`]): a bar's open and its close are each one moment of the
//!   book, so the bid and the ask are compared there (a bar's high and low are not
//!   simultaneous). A side the source had no quote on is not compared.
//! - **Quote ticks** ([`NbboChecker`]): each exchange's latest bid and ask, updated tick by tick
//!   in (ts, seq) order, make the NBBO (highest bid, lowest ask), judged once all the ticks of
//!   one stamp are in (updates sharing a stamp are one moment). A side with price 0 and size 0
//!   is absent from that update, as LEAN writes one-sided quotes: that exchange's last quote
//!   on the side stands, and a one-sided quote is never crossed. Suspicious updates are left
//!   out.
//!
//! Crossed is a warning (real feeds cross for milliseconds; minutes of it are bad data); locked
//! is info. Consecutive crossed (or locked) bars or stamps of one date are one finding, with the
//! widest crossing seen.

use super::runs::{Run, Runs};
use super::{Finding, Kind, Severity};
use crate::fixed::Price;
use crate::quote_bar::QuoteBar;
use crate::tick::QuoteTick;
use crate::time::UnixNanos;
use crate::timeframe::Timeframe;

/// The widest crossing of a run: bid, ask and when.
#[derive(Debug, Clone, Copy)]
struct Widest {
    bid: Price,
    ask: Price,
    at: UnixNanos,
}

impl Widest {
    fn update(&mut self, bid: Price, ask: Price, at: UnixNanos) {
        if bid.raw().saturating_sub(ask.raw()) > self.bid.raw().saturating_sub(self.ask.raw()) {
            *self = Self { bid, ask, at };
        }
    }
}

/// Crossed and locked runs of one series of book states.
#[derive(Debug)]
struct Book {
    crossed: Runs<Widest>,
    locked: Runs<Widest>,
}

impl Book {
    fn new(tf: Timeframe) -> Self {
        Self {
            crossed: Runs::new(tf, true),
            locked: Runs::new(tf, true),
        }
    }

    /// One state at `ts`: the bid and ask compared (`None` when a side is absent).
    fn state(&mut self, ts: UnixNanos, pairs: &[Option<(Price, Price)>]) {
        let crossed = pairs.iter().flatten().find(|(b, a)| b > a);
        let locked = pairs.iter().flatten().find(|(b, a)| b == a);
        let init = |(bid, ask): (Price, Price)| move || Widest { bid, ask, at: ts };
        match crossed {
            Some(&(b, a)) => self.crossed.flag(ts, init((b, a)), |w| w.update(b, a, ts)),
            None => self.crossed.pass(),
        }
        match locked.filter(|_| crossed.is_none()) {
            Some(&(b, a)) => self.locked.flag(ts, init((b, a)), |w| w.update(b, a, ts)),
            None => self.locked.pass(),
        }
    }

    fn finish(self, what: &str) -> Vec<Finding> {
        let mut out: Vec<Finding> = self
            .crossed
            .finish()
            .into_iter()
            .map(|r| finding(Kind::Crossed, Severity::Warn, &r, what))
            .collect();
        out.extend(
            self.locked
                .finish()
                .into_iter()
                .map(|r| finding(Kind::Locked, Severity::Info, &r, what)),
        );
        out.sort_by_key(|f| f.start);
        out
    }
}

fn finding(kind: Kind, severity: Severity, r: &Run<Widest>, what: &str) -> Finding {
    let w = r.acc;
    let state = if kind == Kind::Crossed {
        "crossed (bid above ask)"
    } else {
        "locked (bid equal to ask)"
    };
    Finding::new(kind, severity, r.first, r.last)
        .with("date", r.date)
        .with("count", r.count)
        .with("bid", w.bid)
        .with("ask", w.ask)
        .with("at", w.at)
        .because(format!(
            "{} {what}{} on {} {state}; the widest: bid {} ask {} at {}",
            r.count,
            if r.count == 1 { "" } else { "s" },
            r.date,
            w.bid,
            w.ask,
            w.at
        ))
}

/// Crossed and locked quote bars, fed in time order.
#[derive(Debug)]
pub struct QuoteBarChecker {
    book: Book,
    bars: u64,
}

impl QuoteBarChecker {
    pub fn new(tf: Timeframe) -> Self {
        Self {
            book: Book::new(tf),
            bars: 0,
        }
    }

    pub fn push(&mut self, bars: &[QuoteBar]) {
        for q in bars {
            self.bars += 1;
            let pairs = match (q.bid, q.ask) {
                (Some(b), Some(a)) => [Some((b.open, a.open)), Some((b.close, a.close))],
                _ => [None, None],
            };
            self.book.state(q.ts, &pairs);
        }
    }

    pub fn bars(&self) -> u64 {
        self.bars
    }

    pub fn finish(self) -> Vec<Finding> {
        self.book.finish("quote bar")
    }
}

/// One exchange's standing quote.
#[derive(Debug, Clone)]
struct Venue {
    exchange: String,
    bid: Option<Price>,
    ask: Option<Price>,
}

/// The NBBO built from quote ticks, fed in (ts, seq) order, checked for crossed and locked
/// states.
#[derive(Debug)]
pub struct NbboChecker {
    book: Book,
    venues: Vec<Venue>,
    /// The stamp whose updates are being applied.
    at: Option<UnixNanos>,
    ticks: u64,
}

impl Default for NbboChecker {
    fn default() -> Self {
        Self::new()
    }
}

impl NbboChecker {
    pub fn new() -> Self {
        Self {
            // Ticks are dated like intraday bars: by their New York date.
            book: Book::new(Timeframe::S1),
            venues: Vec::new(),
            at: None,
            ticks: 0,
        }
    }

    pub fn push(&mut self, ticks: &[QuoteTick]) {
        for q in ticks {
            if self.at.is_some_and(|t| t != q.ts) {
                self.judge();
            }
            self.at = Some(q.ts);
            self.ticks += 1;
            if q.suspicious {
                continue;
            }
            if q.has_bid() {
                self.venue(&q.bid_exchange).bid = Some(q.bid);
            }
            if q.has_ask() {
                self.venue(&q.ask_exchange).ask = Some(q.ask);
            }
        }
    }

    pub fn ticks(&self) -> u64 {
        self.ticks
    }

    fn venue(&mut self, exchange: &str) -> &mut Venue {
        let i = match self.venues.iter().position(|v| v.exchange == exchange) {
            Some(i) => i,
            None => {
                self.venues.push(Venue {
                    exchange: exchange.to_string(),
                    bid: None,
                    ask: None,
                });
                self.venues.len() - 1
            }
        };
        &mut self.venues[i]
    }

    fn judge(&mut self) {
        let Some(at) = self.at else { return };
        let bid = self.venues.iter().filter_map(|v| v.bid).max();
        let ask = self.venues.iter().filter_map(|v| v.ask).min();
        self.book.state(at, &[bid.zip(ask)]);
    }

    pub fn finish(mut self) -> Vec<Finding> {
        self.judge();
        self.book.finish("NBBO state")
    }
}
