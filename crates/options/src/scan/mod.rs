//! The arbitrage scanner: every static no-arbitrage relation of a chain snapshot, checked only
//! where it could be traded.
//!
//! - [`book`]: the snapshot's tradable quotes (two-sided, not crossed) by series and strike,
//!   each series with the forward and discount factor its own parity implies.
//! - [`spec`]: the kinds of arbitrage and the concrete checks a book offers.
//! - [`legs`]: a check as trades, each leg at the side it would trade.
//! - [`evaluate`]: a check priced on a book: cash now, the sure payoff's present value, fees,
//!   edge, and the sets the top of the book allows.
//!
//! [`scan`] keeps the checks whose edge per set beats `min_edge` and whose every leg shows a
//! size (unless `allow_unsized`); the same [`Spec`] priced on the next snapshot
//! ([`evaluate::evaluate`]) tells whether the edge was still there to trade.

pub mod book;
pub mod evaluate;
pub mod legs;
pub mod spec;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::{Money, Price};
use serde::Serialize;

pub use book::{Book, SeriesKey, Tradable, Unusable};
pub use evaluate::{Evaluation, Unpriced, evaluate};
pub use legs::{Leg, Side};
pub use spec::{Kind, Spec, specs};

/// What the scanner charges and tolerates.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanConfig {
    /// Fees per option contract traded, per leg.
    pub fees_per_contract: Price,
    /// Fees per share of stock traded.
    pub stock_fee_per_share: Price,
    /// A finding's edge per set, after fees, must be above this.
    pub min_edge: Money,
    /// The legs' quote times may differ by at most this many nanoseconds.
    pub max_quote_skew_ns: i64,
    /// Keep findings where a leg shows no size (the set count is then unknown).
    pub allow_unsized: bool,
    /// The fallback rate and dividend yield of a series whose chain gives no forward.
    pub rate: f64,
    pub dividend_yield: f64,
    /// Cash dividends per share by ex-date (a conversion holds the stock through them).
    pub dividends: Vec<(NaiveDate, Price)>,
}

impl Default for ScanConfig {
    fn default() -> Self {
        Self {
            fees_per_contract: Price::ZERO,
            stock_fee_per_share: Price::ZERO,
            min_edge: Money::ZERO,
            max_quote_skew_ns: 5 * domain::time::NANOS_PER_SECOND,
            allow_unsized: false,
            rate: 0.0,
            dividend_yield: 0.0,
            dividends: Vec::new(),
        }
    }
}

/// One executable opportunity in one snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub spec: Spec,
    /// A stable identity of the legs: the kind and each leg's side, ratio and instrument.
    pub key: String,
    pub evaluation: Evaluation,
    /// `edge × sets`, when the sizes are known.
    pub total_edge: Option<Money>,
}

/// What one snapshot's scan found and left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanReport {
    pub findings: Vec<Finding>,
    /// Checks priced.
    pub checked: usize,
    /// Checks that could not be priced, per reason.
    pub unpriced: BTreeMap<Unpriced, usize>,
    /// Priced checks with an edge left out for having no size (without `allow_unsized`) or
    /// none left at the top of the book.
    pub no_size: usize,
}

/// Scans `book`: every check, kept when its edge per set beats `config.min_edge` and the book
/// shows at least one set (or no sizes, with `allow_unsized`).
pub fn scan(book: &Book, config: &ScanConfig) -> ScanReport {
    let mut report = ScanReport {
        findings: Vec::new(),
        checked: 0,
        unpriced: BTreeMap::new(),
        no_size: 0,
    };
    for spec in specs(book) {
        let evaluation = match evaluate(&spec, book, config) {
            Ok(e) => e,
            Err(why) => {
                *report.unpriced.entry(why).or_default() += 1;
                continue;
            }
        };
        report.checked += 1;
        if evaluation.edge <= config.min_edge {
            continue;
        }
        let sized = match evaluation.sets {
            Some(n) => n > 0,
            None => config.allow_unsized,
        };
        if !sized {
            report.no_size += 1;
            continue;
        }
        let total_edge = evaluation
            .sets
            .and_then(|n| evaluation.edge.checked_mul_ratio(n, 1));
        report.findings.push(Finding {
            key: key_of(spec.kind, &evaluation.legs),
            spec,
            evaluation,
            total_edge,
        });
    }
    report
}

/// `box_long +1 SPY…C…430 -1 SPY…C…470 …`.
pub fn key_of(kind: Kind, legs: &[Leg]) -> String {
    let mut key = kind.as_str().to_string();
    for l in legs {
        key.push(' ');
        key.push_str(&l.key());
    }
    key
}

#[cfg(test)]
mod tests;
