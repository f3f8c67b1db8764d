//! Tiny hand-made series where the answer is obvious: the helpers here, the barrier rules in
//! `barriers`, volatility, weights and entry order in `vol_weights`.

mod barriers;
mod vol_weights;

use backtest::Pct;
use domain::calendar::Calendar;
use domain::time::NANOS_PER_MINUTE;
use domain::{Bar, Price, Quantity, Timeframe, UnixNanos};

use crate::params::Level;
use crate::{Direction, Entry, Label, LabelParams, Series, label_series};

/// 2024-01-02T14:30:00Z, 09:30 New York: the session's first minute.
pub(super) const OPEN: i64 = 1_704_205_800_000_000_000;

pub(super) fn at(minute: i64) -> UnixNanos {
    UnixNanos::new(OPEN + minute * NANOS_PER_MINUTE)
}

pub(super) fn bar(minute: i64, o: &str, h: &str, l: &str, c: &str) -> Bar {
    let p = Price::lit;
    Bar::new(
        at(minute),
        p(o),
        p(h),
        p(l),
        p(c),
        Quantity::from_int(1),
        None,
        None,
    )
    .unwrap()
}

pub(super) fn series(bars: &[Bar]) -> Series<'_> {
    Series {
        bars,
        finer: &[],
        timeframe: Timeframe::M1,
        calendar: Calendar::Nyse,
    }
}

pub(super) fn pct(tp: &str, sl: &str) -> LabelParams {
    LabelParams {
        take_profit: Some(Level::Pct(Pct::lit(tp))),
        stop_loss: Some(Level::Pct(Pct::lit(sl))),
        ..LabelParams::default()
    }
}

pub(super) fn long(id: i64, minute: i64) -> Entry {
    Entry {
        id,
        t0: at(minute),
        side: Some(Direction::Long),
        quantity: None,
    }
}

pub(super) fn one(s: &Series<'_>, e: Entry, p: &LabelParams) -> Label {
    let out = label_series(s, &[e], p).unwrap();
    assert_eq!(out.labels.len(), 1, "{:?}", out.skipped);
    out.labels[0].clone()
}
