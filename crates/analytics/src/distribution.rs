//! The shape of a return distribution: the moments and quantiles quantstats reads from pandas, and
//! a histogram for the report.
//!
//! - [`skew`], [`kurtosis`]: pandas' `Series.skew()` / `Series.kurt()` (bias-corrected sample
//!   skewness G1 and excess kurtosis G2); NaN below 3 (skew) or 4 (kurtosis) values and for a
//!   series of identical values (pandas ≥ 3.1 returns NaN for a degenerate distribution).
//! - [`quantile`]: pandas' `Series.quantile(q)`, linear interpolation between order statistics.
//! - [`histogram`]: equal-width bins from the minimum to the maximum, counted as
//!   `numpy.histogram(x, bins)` counts.

use serde::{Deserialize, Serialize};

/// Central sums `Σ(x − mean)^k` for k = 2, 3, 4, two-pass; `None` when every value is the same
/// (the online moments of pandas are then exactly zero).
fn central_sums(x: &[f64]) -> Option<(f64, f64, f64)> {
    let first = *x.first()?;
    if x.iter().all(|&v| v == first) {
        return None;
    }
    let m = x.iter().sum::<f64>() / x.len() as f64;
    let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
    for &v in x {
        let d = v - m;
        let d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    Some((m2, m3, m4))
}

/// Sample skewness `n·√(n−1)/(n−2) · m3 / m2^1.5` (with `m_k` the central sums), as pandas.
pub fn skew(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    match central_sums(x) {
        Some((m2, m3, _)) if x.len() >= 3 => {
            m3 / (m2 * m2.sqrt()) * (n * (n - 1.0).sqrt() / (n - 2.0))
        }
        _ => f64::NAN,
    }
}

/// Sample excess kurtosis `(n−1)/((n−2)(n−3)) · (n(n+1)·m4/m2² − 3(n−1))`, as pandas; 0 for a
/// normal distribution.
pub fn kurtosis(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    match central_sums(x) {
        Some((m2, _, m4)) if x.len() >= 4 => {
            let inner = n * (n + 1.0) * (m4 / (m2 * m2)) - 3.0 * (n - 1.0);
            (n - 1.0) / ((n - 2.0) * (n - 3.0)) * inner
        }
        _ => f64::NAN,
    }
}

/// The `q` quantile of `sorted` (ascending, finite) by linear interpolation at `(n − 1)·q`;
/// NaN for no values.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return f64::NAN;
    };
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor().clamp(0.0, (sorted.len() - 1) as f64) as usize;
    let Some(&b) = sorted.get(lo + 1) else {
        return last;
    };
    let (a, t) = (sorted[lo], h - lo as f64);
    // Interpolate from the nearer end, as numpy does, so t = 1 gives b exactly.
    if t >= 0.5 {
        b - (b - a) * (1.0 - t)
    } else {
        a + (b - a) * t
    }
}

/// Finite values in ascending order.
pub fn sorted_finite(x: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// One bar of a histogram: the values in `[lo, hi)`, the last bar also holding `hi`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
}

/// `bins` equal-width bins over `[min, max]` of the finite values. Edges are `min + i·width` and
/// the last is `max` exactly (numpy's `linspace`), so the counts are numpy's. Empty for no finite
/// value or `bins == 0`; a single bin `[v, v]` when every value is `v` (numpy would widen the
/// range to `v ± 0.5`, which on daily returns says nothing).
pub fn histogram(returns: &[f64], bins: usize) -> Vec<Bin> {
    let v = sorted_finite(returns);
    let (Some(&lo), Some(&hi)) = (v.first(), v.last()) else {
        return Vec::new();
    };
    if bins == 0 {
        return Vec::new();
    }
    if lo == hi {
        return vec![Bin {
            lo,
            hi,
            count: v.len(),
        }];
    }
    let width = (hi - lo) / bins as f64;
    let edge = |i: usize| if i == bins { hi } else { i as f64 * width + lo };
    let mut out: Vec<Bin> = (0..bins)
        .map(|i| Bin {
            lo: edge(i),
            hi: edge(i + 1),
            count: 0,
        })
        .collect();
    for x in v {
        // A first guess from the width, then moved so that edge(i) ≤ x < edge(i + 1).
        let mut i = (((x - lo) / (hi - lo)) * bins as f64) as usize;
        i = i.min(bins - 1);
        while i > 0 && x < edge(i) {
            i -= 1;
        }
        while i + 1 < bins && x >= edge(i + 1) {
            i += 1;
        }
        out[i].count += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn moments_match_pandas() {
        // pandas: Series([1, 2, 3, 10]).skew() / .kurt()
        let x = [1.0, 2.0, 3.0, 10.0];
        assert!(
            (skew(&x) - 1.763_632_614_803_888).abs() < 1e-13,
            "{}",
            skew(&x)
        );
        assert!((kurtosis(&x) - 3.228).abs() < 1e-13, "{}", kurtosis(&x));
        assert!(skew(&[1.0, 2.0]).is_nan() && kurtosis(&[1.0, 2.0, 3.0]).is_nan());
        assert!(skew(&[0.5; 10]).is_nan() && kurtosis(&[0.5; 10]).is_nan());
        assert!(skew(&[]).is_nan());
    }

    #[test]
    fn quantiles_interpolate() {
        let s = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&s, 0.5), 3.0);
        assert!((quantile(&s, 0.95) - 4.8).abs() < 1e-15);
        assert!((quantile(&s, 1.0 - 0.95) - 1.2).abs() < 1e-15);
        assert_eq!(quantile(&[7.0], 0.05), 7.0);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn histogram_edges_and_counts() {
        let h = histogram(&[0.0, 1.0, 2.0, 3.0, 4.0, f64::NAN], 4);
        let counts: Vec<usize> = h.iter().map(|b| b.count).collect();
        assert_eq!(counts, [1, 1, 1, 2]); // the maximum falls in the last bin
        assert_eq!((h[0].lo, h[3].hi), (0.0, 4.0));
        assert_eq!(
            histogram(&[0.1; 3], 10),
            [Bin {
                lo: 0.1,
                hi: 0.1,
                count: 3
            }]
        );
        assert!(histogram(&[], 10).is_empty() && histogram(&[1.0], 0).is_empty());
    }

    proptest! {
        #[test]
        fn histogram_counts_every_value(x in prop::collection::vec(-1.0f64..1.0, 1..200), bins in 1usize..50) {
            let h = histogram(&x, bins);
            prop_assert_eq!(h.iter().map(|b| b.count).sum::<usize>(), x.len());
            for w in h.windows(2) {
                prop_assert!(w[0].hi == w[1].lo && w[0].lo <= w[0].hi);
            }
        }
    }
}
