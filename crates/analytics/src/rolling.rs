//! Rolling Sharpe ratio, volatility and beta over a trailing window of daily returns, as
//! quantstats plots them (`rolling_sharpe`, `rolling_volatility`, `rolling_greeks`).
//!
//! With `w` the window and `ppy` = 252, at each date whose trailing window is full:
//! - `volatility = std(r, ddof=1) · √ppy`;
//! - `sharpe = mean(r) / std(r, ddof=1) · √ppy` (rf = 0);
//! - `beta = cov(r, b) / var(b)` against the benchmark's returns on the same dates.
//!
//! One pass with running (compensated) sums of values shifted by the series' first value, so a
//! long series costs O(n) whatever the window; a window of identical values has a deviation of
//! exactly zero, as pandas' rolling variance gives it.
//!
//! Differences from quantstats (docs/METRICS.md): a window in which the strategy never moves has a
//! beta of 0 (quantstats divides 0 by 0 and its chart then draws 0); a strategy date the benchmark
//! lacks leaves `beta` empty for the windows that hold it (quantstats counts a 0 return there).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// quantstats' default window: six months of sessions.
pub const ROLLING_WINDOW: usize = 126;
const PPY: f64 = 252.0;

/// The rolling figures at one date; `None` until the window is full and where undefined (a zero
/// deviation, a non-finite return in the window, no benchmark).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RollingPoint {
    pub date: NaiveDate,
    pub sharpe: Option<f64>,
    pub volatility: Option<f64>,
    pub beta: Option<f64>,
}

/// Neumaier's compensated sum: adding and later removing the same values leaves no drift.
#[derive(Debug, Default, Clone, Copy)]
struct Sum {
    s: f64,
    c: f64,
}

impl Sum {
    fn add(&mut self, x: f64) {
        let t = self.s + x;
        self.c += if self.s.abs() >= x.abs() {
            (self.s - t) + x
        } else {
            (x - t) + self.s
        };
        self.s = t;
    }
    fn get(self) -> f64 {
        self.s + self.c
    }
}

/// Running sums over the window of one series (`x`) or a pair (`x`, `y`), values shifted.
#[derive(Debug, Default)]
struct Window {
    x: Sum,
    xx: Sum,
    y: Sum,
    yy: Sum,
    xy: Sum,
    /// Entries of the window that are left out (non-finite, or no pair).
    missing: usize,
}

impl Window {
    fn update(&mut self, v: Option<(f64, f64)>, sign: f64) {
        match v {
            Some((x, y)) => {
                self.x.add(sign * x);
                self.xx.add(sign * x * x);
                self.y.add(sign * y);
                self.yy.add(sign * y * y);
                self.xy.add(sign * x * y);
            }
            None if sign > 0.0 => self.missing += 1,
            None => self.missing -= 1,
        }
    }
}

/// Length of the run of equal values ending at each index (a missing value breaks it).
fn runs(v: &[Option<f64>]) -> Vec<usize> {
    let mut out = Vec::with_capacity(v.len());
    for (i, x) in v.iter().enumerate() {
        let same = i > 0 && x.is_some() && v[i - 1] == *x;
        out.push(if same {
            out[i - 1] + 1
        } else {
            usize::from(x.is_some())
        });
    }
    out
}

/// `benchmark`'s value on each date of `returns` (both in date order).
fn on_dates(returns: &[(NaiveDate, f64)], benchmark: &[(NaiveDate, f64)]) -> Vec<Option<f64>> {
    let mut j = 0;
    returns
        .iter()
        .map(|&(d, _)| {
            while j < benchmark.len() && benchmark[j].0 < d {
                j += 1;
            }
            (j < benchmark.len() && benchmark[j].0 == d).then(|| benchmark[j].1)
        })
        .collect()
}

/// One [`RollingPoint`] per return, in date order; see the module docs. `returns` and
/// `benchmark` must be sorted by date; the benchmark may cover other dates too.
pub fn rolling(
    returns: &[(NaiveDate, f64)],
    benchmark: Option<&[(NaiveDate, f64)]>,
    window: usize,
) -> Vec<RollingPoint> {
    let finite = |x: f64| Some(x).filter(|v| v.is_finite());
    let r: Vec<Option<f64>> = returns.iter().map(|&(_, x)| finite(x)).collect();
    let b: Vec<Option<f64>> = match benchmark {
        Some(bench) => on_dates(returns, bench)
            .into_iter()
            .map(|x| x.and_then(finite))
            .collect(),
        None => vec![None; returns.len()],
    };
    // Shifting by a value of the series keeps the sums small where the window barely moves.
    let kr = r.iter().flatten().next().copied().unwrap_or(0.0);
    let kb = b.iter().flatten().next().copied().unwrap_or(0.0);
    let single = |i: usize| r[i].map(|x| (x - kr, 0.0));
    let pair = |i: usize| Some((r[i]? - kr, b[i]? - kb));
    let (run_r, run_b) = (runs(&r), runs(&b));
    let (mut own, mut both) = (Window::default(), Window::default());
    let n = window as f64;
    let mut out = Vec::with_capacity(returns.len());
    for (i, &(date, _)) in returns.iter().enumerate() {
        own.update(single(i), 1.0);
        both.update(pair(i), 1.0);
        if i >= window {
            own.update(single(i - window), -1.0);
            both.update(pair(i - window), -1.0);
        }
        let mut point = RollingPoint {
            date,
            sharpe: None,
            volatility: None,
            beta: None,
        };
        if window >= 2 && i + 1 >= window {
            let flat_r = run_r[i] >= window;
            if own.missing == 0 {
                let var = if flat_r {
                    0.0
                } else {
                    variance(own.x, own.xx, n)
                };
                let (mean, sd) = (own.x.get() / n + kr, var.sqrt());
                point.volatility = Some(sd * PPY.sqrt());
                point.sharpe = Some(mean / sd * PPY.sqrt()).filter(|s| s.is_finite());
            }
            if both.missing == 0 && benchmark.is_some() && run_b[i] < window {
                let var_b = variance(both.y, both.yy, n);
                let cov = (both.xy.get() - both.x.get() * both.y.get() / n) / (n - 1.0);
                point.beta = if flat_r {
                    Some(0.0)
                } else {
                    Some(cov / var_b).filter(|v| var_b > 0.0 && v.is_finite())
                };
            }
        }
        out.push(point);
    }
    out
}

/// Sample variance from the sum and the sum of squares of `n` values, never negative.
fn variance(s: Sum, ss: Sum, n: f64) -> f64 {
    let s = s.get();
    ((ss.get() - s * s / n) / (n - 1.0)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats;

    fn dated(r: &[f64]) -> Vec<(NaiveDate, f64)> {
        let d0 = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        r.iter()
            .enumerate()
            .map(|(i, &x)| (d0 + chrono::Days::new(i as u64), x))
            .collect()
    }

    #[test]
    fn running_sums_match_a_fresh_computation() {
        // A deterministic wiggle, long enough for the running sums to drift if they could.
        let r: Vec<f64> = (0..5000)
            .map(|i| ((i * 7919 % 1000) as f64 - 480.0) * 1e-5)
            .collect();
        let b: Vec<f64> = (0..5000)
            .map(|i| ((i * 104_729 % 997) as f64 - 500.0) * 2e-5)
            .collect();
        let (dr, db) = (dated(&r), dated(&b));
        let w = 126;
        let out = rolling(&dr, Some(&db), w);
        assert_eq!(out.len(), r.len());
        assert!(
            out[..w - 1]
                .iter()
                .all(|p| p.sharpe.is_none() && p.beta.is_none())
        );
        for i in (w - 1..r.len()).step_by(97) {
            let (x, y) = (&r[i + 1 - w..=i], &b[i + 1 - w..=i]);
            let sd = stats::std(x, 1);
            let p = out[i];
            assert!((p.volatility.unwrap() - sd * 252f64.sqrt()).abs() < 1e-14);
            assert!((p.sharpe.unwrap() - stats::mean(x) / sd * 252f64.sqrt()).abs() < 1e-11);
            assert!((p.beta.unwrap() - stats::beta(x, y)).abs() < 1e-11, "{i}");
        }
    }

    #[test]
    fn flat_windows_missing_dates_and_short_input() {
        let mut r = vec![0.01, -0.02, 0.015, 0.0, 0.0, 0.0, 0.0, 0.01];
        let b = dated(&[0.02, -0.01, 0.01, 0.005, -0.003, 0.002, 0.001, 0.004]);
        let out = rolling(&dated(&r), Some(&b), 3);
        // Windows ending at 5 and 6 are all zeros: no Sharpe, zero volatility, beta 0.
        assert_eq!(
            (out[5].sharpe, out[5].volatility, out[5].beta),
            (None, Some(0.0), Some(0.0))
        );
        assert!(out[7].sharpe.is_some() && out[7].beta.is_some());
        // A benchmark without the date of index 4 leaves the windows holding it without beta.
        let gap: Vec<_> = b.iter().copied().filter(|&(d, _)| d != b[4].0).collect();
        let out = rolling(&dated(&r), Some(&gap), 3);
        let betas: Vec<bool> = out.iter().map(|p| p.beta.is_some()).collect();
        assert_eq!(betas, [false, false, true, true, false, false, false, true]);
        r[1] = f64::NAN;
        let out = rolling(&dated(&r), None, 3);
        assert!(out[1..4].iter().all(|p| p.volatility.is_none()) && out[4].volatility.is_some());
        assert!(rolling(&[], None, 126).is_empty());
        assert!(rolling(&dated(&[0.01]), None, 1)[0].volatility.is_none());
        assert!(
            rolling(&dated(&[0.01, 0.02]), None, 0)
                .iter()
                .all(|p| p.sharpe.is_none())
        );
    }
}
