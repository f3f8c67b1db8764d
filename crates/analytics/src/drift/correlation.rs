//! The daily returns correlation between live and replay, as QuantConnect reports it for a live
//! algorithm against its backtest: Pearson's correlation of the two daily return series over
//! the dates both have.
//!
//! Each journal's account snapshots become a daily curve with [`DailyCurve`] (the last snapshot
//! of each New York date; the first snapshot is the baseline, so one snapshot per session close
//! gives one return per session after the first). `None` with fewer than two common returns,
//! when either series is constant (the correlation is undefined) or when an equity is not
//! positive.

use domain::journal::Journal;

use crate::daily::{DailyCurve, DateKey, align};

/// Pearson correlation of the daily returns of `live` and `replay`; see the module docs.
pub fn daily_returns_correlation(live: &Journal, replay: &Journal) -> Option<f64> {
    let (a, b) = align(&daily_returns(live)?, &daily_returns(replay)?);
    pearson(&a, &b)
}

fn daily_returns(j: &Journal) -> Option<Vec<(chrono::NaiveDate, f64)>> {
    let curve: Vec<_> = j.snapshots.iter().map(|s| (s.ts, s.equity)).collect();
    DailyCurve::from_curve("snapshots", &curve, DateKey::Exchange)
        .ok()
        .map(|c| c.returns())
}

/// Pearson's r; `None` for fewer than two pairs or a series without variance.
pub fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len().min(b.len());
    if n < 2 {
        return None;
    }
    let (a, b) = (&a[..n], &b[..n]);
    let mean = |x: &[f64]| x.iter().sum::<f64>() / n as f64;
    let (ma, mb) = (mean(a), mean(b));
    let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        cov += (x - ma) * (y - mb);
        va += (x - ma) * (x - ma);
        vb += (y - mb) * (y - mb);
    }
    if va == 0.0 || vb == 0.0 {
        return None;
    }
    Some((cov / (va.sqrt() * vb.sqrt())).clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_of_known_series() {
        let r = pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).unwrap();
        assert!((r - 1.0).abs() < 1e-12);
        let r = pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap();
        assert!((r + 1.0).abs() < 1e-12);
        // x = 1,2,3,4; y = 1,3,2,4: co-deviation 4, deviations 5 each → 0.8.
        let r = pearson(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0]).unwrap();
        assert!((r - 0.8).abs() < 1e-12);
        assert_eq!(pearson(&[1.0], &[1.0]), None);
        assert_eq!(pearson(&[1.0, 1.0], &[1.0, 2.0]), None);
    }
}
