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
//! - **Episodes by depth** ([`worst_drawdowns`], [`deepest_drawdown`]) and the **underwater**
//!   series ([`underwater`]): quantstats' worst-drawdowns table and drawdown plot.

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

/// A drawdown episode: from its peak to its valley and on to the recovery (the first later value
/// at or above the peak), or to the last value. [`deepest_drawdown`] gives the deepest one,
/// [`worst_drawdowns`] the deepest few.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DrawdownEpisode {
    /// `valley / peak − 1`, negative.
    pub depth: f64,
    pub peak_date: NaiveDate,
    pub valley_date: NaiveDate,
    /// `None` when the curve never came back to the peak.
    pub recovery_date: Option<NaiveDate>,
    /// Daily periods (trading dates) from the peak to the recovery, or to the last value.
    pub sessions: usize,
    /// Calendar days from the peak to the recovery, or to the last value.
    pub calendar_days: i64,
}

/// The deepest drawdown's episode (the first of equal depths), or `None` when the curve never
/// falls below a peak. Its depth is the [`crate::stats::max_drawdown`] of the curve's returns.
pub fn deepest_drawdown(points: &[DailyPoint]) -> Option<DrawdownEpisode> {
    worst_drawdowns(points, 1).pop()
}

/// The `n` deepest drawdown episodes, deepest first (equal depths in date order): quantstats'
/// `drawdown_details(to_drawdown_series(returns))` sorted by `max drawdown`, as its tearsheet's
/// "Worst Drawdowns" table. Episodes are the same as quantstats' but reported from the peak:
///
/// | quantstats | here |
/// |---|---|
/// | `start` (first day under water) | the date after `peak_date` in `points` |
/// | `valley` | `valley_date` |
/// | `end` (last day under water, or the last date) | the date before `recovery_date`, or the last date |
/// | `days` = `end − start + 1` | `calendar_days` runs from `peak_date` to the recovery (or the last date) |
/// | `max drawdown` (percent) | `depth` (fraction) |
///
/// Unlike quantstats, an episode that begins on the first return is always reported: quantstats
/// drops it when no later episode starts (its `drawdown_details` finds no start to anchor on).
pub fn worst_drawdowns(points: &[DailyPoint], n: usize) -> Vec<DrawdownEpisode> {
    let mut all = episodes(points);
    // Stable: equal depths stay in date order.
    all.sort_by(|a, b| a.depth.total_cmp(&b.depth));
    all.truncate(n);
    all
}

/// Drawdown from the running peak (the baseline included) on each date after the first point,
/// `V / max(V so far) − 1 ≤ 0`: dated as [`crate::DailyCurve::returns`], so it lines up with the
/// returns and with quantstats' `to_drawdown_series`. Exactly 0 at or above the peak.
pub fn underwater(points: &[DailyPoint]) -> Vec<(NaiveDate, f64)> {
    let Some(first) = points.first() else {
        return Vec::new();
    };
    let mut peak = first.equity;
    points[1..]
        .iter()
        .map(|p| {
            peak = peak.max(p.equity);
            (p.date, below(p.equity, peak))
        })
        .collect()
}

/// `v / peak − 1`, the difference taken exactly (as [`crate::DailyCurve::returns`] does).
fn below(v: Money, peak: Money) -> f64 {
    (v.raw() - peak.raw()) as f64 / peak.raw() as f64
}

/// Every episode in date order: from a running peak that the next value falls below, through the
/// valley (the first lowest value), to the first value at or above the peak, or to the end.
fn episodes(points: &[DailyPoint]) -> Vec<DrawdownEpisode> {
    let mut out = Vec::new();
    let mut peak = 0usize;
    let mut valley: Option<(usize, f64)> = None; // while under water
    let mut close = |peak: usize, (valley, depth): (usize, f64), end: usize, recovered: bool| {
        out.push(DrawdownEpisode {
            depth,
            peak_date: points[peak].date,
            valley_date: points[valley].date,
            recovery_date: recovered.then(|| points[end].date),
            sessions: end - peak,
            calendar_days: (points[end].date - points[peak].date).num_days(),
        });
    };
    for (i, p) in points.iter().enumerate() {
        if p.equity >= points[peak].equity {
            if let Some(v) = valley.take() {
                close(peak, v, i, true);
            }
            peak = i;
            continue;
        }
        let depth = below(p.equity, points[peak].equity);
        if valley.is_none_or(|(_, d)| depth < d) {
            valley = Some((i, depth));
        }
    }
    if let Some(v) = valley {
        close(peak, v, points.len() - 1, false);
    }
    out
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
    fn the_deepest_episode_with_its_valley_and_recovery() {
        // Peak 100 at 0, valley 80 at 2 (−20 %), recovered at 4; then peak 120 at 5, valley
        // 100 at 6 (−16.7 %), never recovered.
        let c = curve(&[100, 90, 80, 95, 100, 120, 100, 110]);
        let e = deepest_drawdown(&c).unwrap();
        assert!((e.depth + 0.2).abs() < 1e-15);
        assert_eq!((e.peak_date, e.valley_date), (c[0].date, c[2].date));
        assert_eq!(e.recovery_date, Some(c[4].date));
        assert_eq!((e.sessions, e.calendar_days), (4, 4));
        // The deepest one still open at the end runs to the last value.
        let c = curve(&[100, 110, 70, 90]);
        let e = deepest_drawdown(&c).unwrap();
        assert_eq!(
            (e.peak_date, e.valley_date, e.recovery_date),
            (c[1].date, c[2].date, None)
        );
        assert_eq!(e.sessions, 2);
        assert!(deepest_drawdown(&curve(&[1, 2, 3])).is_none());
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
    fn episodes_by_depth_and_underwater() {
        // Episodes: 100 → 90 (−10 %, recovered at 3), 110 → 88 (−20 %, recovered at 7),
        // 120 → 114 (−5 %, open).
        let c = curve(&[100, 90, 95, 100, 110, 88, 99, 110, 120, 114]);
        let w = worst_drawdowns(&c, 5);
        let depths: Vec<f64> = w.iter().map(|e| e.depth).collect();
        assert_eq!(depths, [-0.2, -0.1, -0.05]);
        assert_eq!((w[0].peak_date, w[0].valley_date), (c[4].date, c[5].date));
        assert_eq!((w[0].recovery_date, w[0].sessions), (Some(c[7].date), 3));
        assert_eq!((w[2].recovery_date, w[2].sessions), (None, 1));
        assert_eq!(worst_drawdowns(&c, 1), vec![deepest_drawdown(&c).unwrap()]);
        assert!(worst_drawdowns(&c, 0).is_empty());
        let u = underwater(&c);
        assert_eq!(u.len(), c.len() - 1);
        assert_eq!(u[0], (c[1].date, -0.1));
        assert_eq!(u[2].1, 0.0); // back at the peak
        assert_eq!(u[4], (c[5].date, -0.2));
        assert!(underwater(&c[..1]).is_empty() && underwater(&[]).is_empty());
        // Equal depths keep date order; a fall from the first value counts.
        let c = curve(&[100, 50, 100, 50, 100]);
        let w = worst_drawdowns(&c, 2);
        assert_eq!((w[0].peak_date, w[1].peak_date), (c[0].date, c[2].date));
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
            let under = underwater(&c);
            let worst = worst_drawdowns(&c, usize::MAX);
            let deepest = under.iter().map(|u| u.1).fold(0.0, f64::min);
            prop_assert_eq!(worst.first().map_or(0.0, |e| e.depth), deepest);
            prop_assert!(worst.windows(2).all(|w| w[0].depth <= w[1].depth));
            prop_assert_eq!(worst.iter().filter(|e| e.recovery_date.is_none()).count(),
                usize::from(under.last().is_some_and(|u| u.1 < 0.0)));
        }
    }
}
