//! Drawdown in money and drawdown duration, on the daily curve (the same points the percentage
//! [`crate::stats::max_drawdown`] is computed from).
//!
//! - **Max drawdown amount**: `max_t (max_{s≤t} V_s − V_t)`, exact in [`Money`]. It can come from
//!   a different episode than the deepest percentage drawdown.
//! - **Drawdown duration**: an episode starts at a peak (a daily value at least as high as every
//!   value before it) that the next value falls below, and ends at the first later value at or
//!   above that peak (the recovery). Its length is counted in daily periods (returns, i.e. trading
//!   dates) and in calendar days between the peak's and the recovery's dates. An episode still open
//!   at the end runs to the last value and is marked `recovered: false`. The longest episode in
//!   periods is reported (the earliest of equals).

use chrono::NaiveDate;
use domain::Money;
use serde::{Deserialize, Serialize};

use crate::daily::DailyPoint;

/// The longest peak-to-recovery episode of a daily curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawdownSpan {
    /// Date of the peak the episode fell from.
    pub peak_date: NaiveDate,
    /// Date of the recovery, or of the last value when `recovered` is false.
    pub end_date: NaiveDate,
    /// Daily periods from the peak to the end (trading dates, or bars of a daily curve).
    pub periods: usize,
    /// Calendar days from `peak_date` to `end_date`.
    pub calendar_days: i64,
    /// False when the curve never came back to the peak.
    pub recovered: bool,
}

/// The largest fall, in money, from a running peak; zero when the curve never falls.
pub fn max_drawdown_amount(points: &[DailyPoint]) -> Money {
    let mut peak = match points.first() {
        Some(p) => p.equity,
        None => return Money::ZERO,
    };
    let mut worst = Money::ZERO;
    for p in points {
        peak = peak.max(p.equity);
        worst = worst.max(peak - p.equity);
    }
    worst
}

/// The longest drawdown episode, or `None` when the curve never falls below a peak.
pub fn longest_drawdown(points: &[DailyPoint]) -> Option<DrawdownSpan> {
    let mut best: Option<DrawdownSpan> = None;
    let mut consider = |span: DrawdownSpan| {
        if best.is_none_or(|b| span.periods > b.periods) {
            best = Some(span);
        }
    };
    let mut peak = 0usize; // index of the running peak
    let mut under = false; // currently below points[peak]
    for (i, p) in points.iter().enumerate() {
        if p.equity >= points[peak].equity {
            if under {
                consider(span(points, peak, i, true));
                under = false;
            }
            peak = i;
        } else {
            under = true;
        }
    }
    if under {
        consider(span(points, peak, points.len() - 1, false));
    }
    best
}

fn span(points: &[DailyPoint], peak: usize, end: usize, recovered: bool) -> DrawdownSpan {
    let (a, b) = (points[peak].date, points[end].date);
    DrawdownSpan {
        peak_date: a,
        end_date: b,
        periods: end - peak,
        calendar_days: (b - a).num_days(),
        recovered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::UnixNanos;
    use proptest::prelude::*;

    fn curve(values: &[i64]) -> Vec<DailyPoint> {
        let d0 = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let date = d0 + chrono::Days::new(i as u64);
                DailyPoint {
                    date,
                    ts: UnixNanos::from_date(date),
                    equity: Money::from_price(domain::Price::from_int(*v)),
                }
            })
            .collect()
    }

    #[test]
    fn longest_episode_and_deepest_amount() {
        // Episode 1: peak 100 at 0, recovered at 3 (3 periods). Episode 2: peak 120 at 4,
        // never recovered, 2 periods. The deepest fall in money is 120 → 90.
        let c = curve(&[100, 90, 95, 100, 120, 90, 110]);
        let s = longest_drawdown(&c).unwrap();
        assert_eq!((s.periods, s.recovered, s.calendar_days), (3, true, 3));
        assert_eq!(s.peak_date.to_string(), "2020-01-01");
        assert_eq!(max_drawdown_amount(&c).to_string(), "30");

        let c = curve(&[100, 99, 98, 97, 101, 100]);
        let s = longest_drawdown(&c).unwrap();
        assert_eq!((s.periods, s.recovered), (4, true));

        let c = curve(&[100, 101, 90, 91]);
        let s = longest_drawdown(&c).unwrap();
        assert_eq!((s.periods, s.recovered), (2, false));
        assert_eq!(s.end_date.to_string(), "2020-01-04");
    }

    #[test]
    fn flat_or_rising_curve_has_no_drawdown() {
        assert_eq!(longest_drawdown(&curve(&[100, 100, 101, 101])), None);
        assert_eq!(max_drawdown_amount(&curve(&[100, 100, 101])), Money::ZERO);
        assert_eq!(longest_drawdown(&curve(&[100])), None);
    }

    proptest! {
        #[test]
        fn span_fits_in_curve(values in prop::collection::vec(1i64..1000, 1..100)) {
            let c = curve(&values);
            if let Some(s) = longest_drawdown(&c) {
                prop_assert!(s.periods >= 1 && s.periods < c.len());
                prop_assert!(s.end_date > s.peak_date);
            }
            let max = *values.iter().max().unwrap();
            let min = *values.iter().min().unwrap();
            prop_assert!(max_drawdown_amount(&c) <= Money::from_price(domain::Price::from_int(max - min)));
        }
    }
}
