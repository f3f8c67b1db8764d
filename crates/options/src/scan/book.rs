//! A chain snapshot arranged for the checks: the quotes one could trade (two-sided, not
//! crossed), grouped into series (expiry, style, multiplier) and by strike, each series with
//! its forward and discount factor.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::{OptionQuote, OptionRight, OptionStyle, Price, Quantity, Symbol, UnixNanos};
use serde::Serialize;

use crate::expiry::years_to_expiry;
use crate::forward::{self, Fallback, Forward, ParityPoint};

/// A quote both sides of which can be traded: bid > 0, ask ≥ bid.
#[derive(Debug, Clone, PartialEq)]
pub struct Tradable {
    /// The contract's OCC symbol, or the underlying's ticker for the stock.
    pub instrument: Symbol,
    pub bid: Price,
    pub ask: Price,
    pub bid_size: Option<Quantity>,
    pub ask_size: Option<Quantity>,
    /// When the quote was made (the provider's quote time, else the snapshot's).
    pub at: UnixNanos,
}

impl Tradable {
    /// The mid price as a float, for fits only; trades use `bid` and `ask`.
    pub fn mid(&self) -> f64 {
        (self.bid.to_f64() + self.ask.to_f64()) / 2.0
    }
}

/// Why a quote cannot be traded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unusable {
    /// A side is missing or zero.
    OneSided,
    /// The ask is below the bid.
    Crossed,
    /// The contract expired at or before the snapshot.
    Expired,
}

/// The tradable quote of `bid`/`ask`, or why there is none.
pub fn tradable(
    instrument: &Symbol,
    bid: Option<Price>,
    ask: Option<Price>,
    sizes: (Option<Quantity>, Option<Quantity>),
    at: UnixNanos,
) -> Result<Tradable, Unusable> {
    let (Some(bid), Some(ask)) = (bid, ask) else {
        return Err(Unusable::OneSided);
    };
    if bid.raw() <= 0 || ask.raw() <= 0 {
        return Err(Unusable::OneSided);
    }
    if ask < bid {
        return Err(Unusable::Crossed);
    }
    Ok(Tradable {
        instrument: instrument.clone(),
        bid,
        ask,
        bid_size: sizes.0,
        ask_size: sizes.1,
        at,
    })
}

/// Contracts that settle alike: one expiry, one exercise style, one multiplier (an adjusted
/// contract after a split delivers another number of shares and is a series of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SeriesKey {
    pub expiry: NaiveDate,
    pub style: OptionStyle,
    pub multiplier: u32,
}

/// The call and the put of one strike, where tradable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pair {
    pub call: Option<Tradable>,
    pub put: Option<Tradable>,
}

impl Pair {
    /// The side of `right`.
    pub fn get(&self, right: OptionRight) -> Option<&Tradable> {
        match right {
            OptionRight::Call => self.call.as_ref(),
            OptionRight::Put => self.put.as_ref(),
        }
    }
}

/// One series' tradable strikes and its forward.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub key: SeriesKey,
    pub years: f64,
    /// `None` when neither the chain nor the fallback gives one: the checks that discount
    /// (parity, boxes, wide verticals) are then skipped.
    pub forward: Option<Forward>,
    pub strikes: BTreeMap<Price, Pair>,
}

/// A snapshot of a chain ready for the checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    pub underlying: Symbol,
    pub at: UnixNanos,
    pub stock: Option<Tradable>,
    pub series: BTreeMap<SeriesKey, Series>,
    /// Quotes left out, per reason.
    pub unusable: BTreeMap<Unusable, usize>,
}

impl Book {
    /// Arranges `quotes` (one snapshot of `underlying`'s chain at `at`) and fits each series'
    /// forward; `stock` is the underlying's quote at the same time, if known.
    pub fn new(
        underlying: &Symbol,
        at: UnixNanos,
        quotes: &[OptionQuote],
        stock: Option<Tradable>,
        rate: f64,
        dividend_yield: f64,
    ) -> Self {
        let mut series: BTreeMap<SeriesKey, Series> = BTreeMap::new();
        let mut unusable: BTreeMap<Unusable, usize> = BTreeMap::new();
        for q in quotes
            .iter()
            .filter(|q| &q.contract.underlying == underlying)
        {
            let c = &q.contract;
            let key = SeriesKey {
                expiry: c.expiry,
                style: c.style,
                multiplier: c.multiplier,
            };
            let years = years_to_expiry(at, c.expiry).unwrap_or(0.0);
            if years <= 0.0 {
                *unusable.entry(Unusable::Expired).or_default() += 1;
                continue;
            }
            let t = match tradable(
                &c.occ,
                q.bid,
                q.ask,
                (q.bid_size, q.ask_size),
                q.quoted_at.unwrap_or(q.ts),
            ) {
                Ok(t) => t,
                Err(why) => {
                    *unusable.entry(why).or_default() += 1;
                    continue;
                }
            };
            let s = series.entry(key).or_insert_with(|| Series {
                key,
                years,
                forward: None,
                strikes: BTreeMap::new(),
            });
            let pair = s.strikes.entry(c.strike).or_default();
            match c.right {
                OptionRight::Call => pair.call = Some(t),
                OptionRight::Put => pair.put = Some(t),
            }
        }
        let fallback = Fallback {
            spot: stock.as_ref().map(Tradable::mid),
            rate,
            dividend_yield,
        };
        for s in series.values_mut() {
            let points: Vec<ParityPoint> = s
                .strikes
                .iter()
                .filter_map(|(k, p)| {
                    Some(ParityPoint {
                        strike: k.to_f64(),
                        call_mid: p.call.as_ref()?.mid(),
                        put_mid: p.put.as_ref()?.mid(),
                    })
                })
                .collect();
            s.forward = forward::infer(&points, s.years, &fallback);
        }
        Self {
            underlying: underlying.clone(),
            at,
            stock,
            series,
            unusable,
        }
    }
}
