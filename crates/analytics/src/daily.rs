//! From an equity curve at any frequency to one value per trading date, and daily returns.
//!
//! The daily curve is the curve's first point (the **baseline**, normally the starting cash)
//! followed by the last value of every date. When the first date has only that one point (a
//! daily curve), the baseline is that date's close. Each later point gives one return
//! `r = V_d / V_prev − 1`, dated with its date, so:
//! - a daily curve of `n` closes gives `n − 1` returns (pandas' `pct_change().iloc[1:]`);
//! - an intraday curve gives one return per date, the first measured from the opening equity.
//!
//! Which date a timestamp belongs to is a [`DateKey`]; the default reads daily bars (stamped at
//! midnight UTC of their exchange date, see `domain::Bar`) by their UTC date and everything else by
//! the New York date.

use chrono::NaiveDate;
use domain::time::NANOS_PER_DAY;
use domain::{Money, UnixNanos};
use serde::{Deserialize, Serialize};

use crate::error::AnalyticsError;

/// How a timestamp maps to the trading date it is resampled into.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateKey {
    /// `Utc` when every timestamp is at midnight UTC (a curve of daily bars), else `Exchange`.
    #[default]
    Auto,
    /// The New York calendar date ([`UnixNanos::exchange_date`]).
    Exchange,
    /// The UTC calendar date ([`UnixNanos::utc_date`]).
    Utc,
}

impl DateKey {
    /// The concrete key for `curve` (never `Auto`).
    pub fn resolve(self, curve: &[(UnixNanos, Money)]) -> DateKey {
        match self {
            DateKey::Auto if curve.iter().all(|(t, _)| t.as_i64() % NANOS_PER_DAY == 0) => {
                DateKey::Utc
            }
            DateKey::Auto => DateKey::Exchange,
            other => other,
        }
    }

    fn date(self, t: UnixNanos) -> NaiveDate {
        match self {
            DateKey::Utc => t.utc_date(),
            _ => t.exchange_date(),
        }
    }
}

/// One value of the daily curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyPoint {
    pub date: NaiveDate,
    /// Time of the curve point this value came from.
    pub ts: UnixNanos,
    pub equity: Money,
}

/// The baseline followed by one close per date; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyCurve {
    pub points: Vec<DailyPoint>,
}

impl DailyCurve {
    /// Resamples `curve` (named `name` in errors). Timestamps must not decrease; several points at
    /// one timestamp are allowed (the last one counts). Every value that a return is measured from
    /// must be positive.
    pub fn from_curve(
        name: &'static str,
        curve: &[(UnixNanos, Money)],
        key: DateKey,
    ) -> Result<Self, AnalyticsError> {
        let Some(&(t0, v0)) = curve.first() else {
            return Err(AnalyticsError::EmptyCurve { curve: name });
        };
        let key = key.resolve(curve);
        let mut points = vec![DailyPoint {
            date: key.date(t0),
            ts: t0,
            equity: v0,
        }];
        // `closing` is true while the last point still stands for the close of its date.
        let mut closing = false;
        for (i, w) in curve.windows(2).enumerate() {
            let ((prev_t, _), (t, v)) = (w[0], w[1]);
            if t < prev_t {
                return Err(AnalyticsError::Unsorted {
                    curve: name,
                    index: i + 1,
                    time: t,
                    previous: prev_t,
                });
            }
            let date = key.date(t);
            let last = points.last_mut().expect("baseline");
            let point = DailyPoint {
                date,
                ts: t,
                equity: v,
            };
            if date == last.date && closing {
                *last = point;
            } else {
                points.push(point);
                closing = true;
            }
        }
        for (i, w) in points.windows(2).enumerate() {
            if w[0].equity.raw() <= 0 {
                return Err(AnalyticsError::NonPositiveEquity {
                    curve: name,
                    index: i,
                    time: w[0].ts,
                    equity: w[0].equity,
                });
            }
        }
        Ok(Self { points })
    }

    /// One simple return per point after the first, dated with that point's date. The difference
    /// is taken exactly in integers before the division.
    pub fn returns(&self) -> Vec<(NaiveDate, f64)> {
        self.points
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0].equity.raw(), w[1].equity.raw());
                (w[1].date, (b - a) as f64 / a as f64)
            })
            .collect()
    }

    pub fn first(&self) -> &DailyPoint {
        &self.points[0]
    }

    pub fn last(&self) -> &DailyPoint {
        self.points.last().expect("never empty")
    }
}

/// The values of `a` and `b` on the dates both have, in date order (both must be sorted by date,
/// as [`DailyCurve::returns`] is). Equivalent to empyrical aligning two series on their index and
/// skipping the periods where either is missing.
pub fn align(a: &[(NaiveDate, f64)], b: &[(NaiveDate, f64)]) -> (Vec<f64>, Vec<f64>) {
    let (mut i, mut j) = (0, 0);
    let (mut xa, mut xb) = (Vec::new(), Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                xa.push(a[i].1);
                xb.push(b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    (xa, xb)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(rfc).unwrap()
    }

    #[test]
    fn daily_bars_are_keyed_by_utc_date() {
        let curve = [
            (at("2013-10-04"), Money::lit("100")),
            (at("2013-10-07"), Money::lit("110")),
            (at("2013-10-08"), Money::lit("99")),
        ];
        let d = DailyCurve::from_curve("equity", &curve, DateKey::Auto).unwrap();
        let r = d.returns();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].0.to_string(), "2013-10-07");
        assert!((r[0].1 - 0.1).abs() < 1e-15);
        assert!((r[1].1 + 0.1).abs() < 1e-15);
        // Read as exchange dates the same stamps would fall on the day before.
        let e = DailyCurve::from_curve("equity", &curve, DateKey::Exchange).unwrap();
        assert_eq!(e.returns()[0].0.to_string(), "2013-10-06");
    }

    #[test]
    fn intraday_keeps_the_last_value_of_each_new_york_date() {
        let curve = [
            (at("2013-10-04T13:30:00Z"), Money::lit("100")),
            (at("2013-10-04T15:00:00Z"), Money::lit("105")),
            (at("2013-10-04T23:59:00Z"), Money::lit("104")), // 19:59 in New York
            (at("2013-10-07T13:30:00Z"), Money::lit("120")),
            (at("2013-10-07T20:00:00Z"), Money::lit("117")),
        ];
        let d = DailyCurve::from_curve("equity", &curve, DateKey::Auto).unwrap();
        let eq: Vec<String> = d.points.iter().map(|p| p.equity.to_string()).collect();
        assert_eq!(eq, ["100", "104", "117"]);
        let r = d.returns();
        assert_eq!(r[0].0.to_string(), "2013-10-04");
        assert!((r[0].1 - 0.04).abs() < 1e-15);
        assert!((r[1].1 - 0.125).abs() < 1e-15);
    }

    #[test]
    fn bad_curves_name_the_point() {
        let err = DailyCurve::from_curve("equity", &[], DateKey::Auto).unwrap_err();
        assert_eq!(err.to_string(), "equity curve is empty");
        let curve = [
            (at("2013-10-07"), Money::lit("1")),
            (at("2013-10-04"), Money::lit("1")),
        ];
        let err = DailyCurve::from_curve("benchmark", &curve, DateKey::Auto).unwrap_err();
        assert!(
            err.to_string().contains("benchmark curve: point 1"),
            "{err}"
        );
        let curve = [
            (at("2013-10-04"), Money::lit("1")),
            (at("2013-10-07"), Money::lit("0")),
            (at("2013-10-08"), Money::lit("1")),
        ];
        let err = DailyCurve::from_curve("equity", &curve, DateKey::Auto).unwrap_err();
        assert!(matches!(
            err,
            AnalyticsError::NonPositiveEquity { index: 1, .. }
        ));
        // A final value of zero is a total loss, not an error.
        let d = DailyCurve::from_curve("equity", &curve[..2], DateKey::Auto).unwrap();
        assert_eq!(d.returns()[0].1, -1.0);
    }

    #[test]
    fn align_keeps_common_dates() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let a = [
            (d("2020-01-02"), 1.0),
            (d("2020-01-03"), 2.0),
            (d("2020-01-06"), 3.0),
        ];
        let b = [
            (d("2020-01-03"), 20.0),
            (d("2020-01-06"), 30.0),
            (d("2020-01-07"), 40.0),
        ];
        assert_eq!(align(&a, &b), (vec![2.0, 3.0], vec![20.0, 30.0]));
    }
}
