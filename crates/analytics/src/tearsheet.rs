//! The figures of a quantstats tearsheet beyond [`crate::Metrics`], each defined as quantstats
//! 0.0.86 (`quantstats/stats.py`) defines it, on daily simple returns with no risk-free rate.
//!
//! The functions return `f64` with NaN where quantstats gives NaN, like [`crate::stats`];
//! [`extended_metrics`] gathers them into [`ExtendedMetrics`], where NaN or an infinity is `None`.
//! Where ztrade deliberately differs (a degenerate VaR, a CVaR of one return) the function says
//! so; docs/METRICS.md keeps the table.
//!
//! | field | quantstats | formula |
//! |---|---|---|
//! | `probabilistic_sharpe` | `probabilistic_sharpe_ratio(rf=0)` | `Φ(SR / σ_SR)`, `SR = mean / std` per period (not annualized), `σ_SR = √((1 − γ₃·SR + (γ₄ − 1)/4·SR²) / (n − 1))`, γ₃ skew, γ₄ = excess kurtosis + 3 |
//! | `omega` | `omega(rf=0, required_return=0)` | `Σ max(r, 0) / Σ max(−r, 0)` |
//! | `tail_ratio` | `tail_ratio(0.95)` | `|q₀.₉₅ / q₀.₀₅|` |
//! | `value_at_risk` | `value_at_risk(sigma=1, confidence=0.95)` | `mean + std · Φ⁻¹(0.05)` |
//! | `conditional_value_at_risk` | `cvar(..., method="parametric")` | `mean − std · φ(Φ⁻¹(0.05)) / 0.05` |
//! | `kelly` | `kelly_criterion` | `p − (1 − p) / b`, `p` = up days / non-zero days, `b` = mean up / |mean down| |
//! | `skew`, `kurtosis` | `skew`, `kurtosis` | pandas' G1 and excess G2 ([`crate::distribution`]) |
//! | `best_day` … `worst_month` | `best`/`worst(aggregate=None / "ME")` | extreme daily return; extreme compounded calendar month |
//!
//! `std` is the sample deviation (ddof 1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::distribution::{kurtosis, quantile, skew, sorted_finite};
use crate::monthly::monthly_returns;
use crate::normal;
use crate::stats::{mean, std};

/// The confidence of [`ExtendedMetrics::value_at_risk`] and its conditional form.
pub const VAR_CONFIDENCE: f64 = 0.95;
/// The upper quantile of [`ExtendedMetrics::tail_ratio`] (the lower is `1 − cutoff`).
pub const TAIL_CUTOFF: f64 = 0.95;

/// Distribution and risk figures of one return series; `None` where undefined. Returns, VaR and
/// CVaR are fractions (−0.02 = a 2 % loss).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExtendedMetrics {
    /// Probability that the true per-period Sharpe ratio is above zero, in `[0, 1]`.
    pub probabilistic_sharpe: Option<f64>,
    pub omega: Option<f64>,
    pub tail_ratio: Option<f64>,
    /// One-day 95 % value at risk, normal (variance–covariance) method; negative for a loss.
    pub value_at_risk: Option<f64>,
    /// One-day 95 % expected shortfall of the same normal distribution.
    pub conditional_value_at_risk: Option<f64>,
    /// Kelly fraction of capital from the daily win rate and payoff.
    pub kelly: Option<f64>,
    pub skew: Option<f64>,
    /// Excess kurtosis (0 for a normal distribution).
    pub kurtosis: Option<f64>,
    pub best_day: Option<f64>,
    pub best_day_date: Option<NaiveDate>,
    pub worst_day: Option<f64>,
    pub worst_day_date: Option<NaiveDate>,
    /// Best compounded calendar month, and which `(year, month)`.
    pub best_month: Option<f64>,
    pub best_month_of: Option<(i32, u32)>,
    pub worst_month: Option<f64>,
    pub worst_month_of: Option<(i32, u32)>,
}

/// Every figure of [`ExtendedMetrics`] from daily returns in date order (as
/// [`crate::DailyCurve::returns`] gives them). Non-finite returns are dropped first, as pandas
/// skips NaN. Ties for best or worst go to the earliest date.
pub fn extended_metrics(returns: &[(NaiveDate, f64)]) -> ExtendedMetrics {
    let dated: Vec<(NaiveDate, f64)> = returns
        .iter()
        .copied()
        .filter(|(_, r)| r.is_finite())
        .collect();
    let r: Vec<f64> = dated.iter().map(|&(_, x)| x).collect();
    let some = |x: f64| Some(x).filter(|v| v.is_finite());
    let best = extreme(dated.iter().copied(), |a, b| a > b);
    let worst = extreme(dated.iter().copied(), |a, b| a < b);
    let months = monthly_returns(&dated).into_iter().flat_map(|row| {
        (1..=12u32).filter_map(move |m| row.months[m as usize - 1].map(|v| ((row.year, m), v)))
    });
    let months: Vec<((i32, u32), f64)> = months.collect();
    let best_month = extreme(months.iter().copied(), |a, b| a > b);
    let worst_month = extreme(months.iter().copied(), |a, b| a < b);
    ExtendedMetrics {
        probabilistic_sharpe: some(probabilistic_sharpe_ratio(&r)),
        omega: some(omega(&r)),
        tail_ratio: some(tail_ratio(&r, TAIL_CUTOFF)),
        value_at_risk: some(value_at_risk(&r, 1.0, VAR_CONFIDENCE)),
        conditional_value_at_risk: some(conditional_value_at_risk(&r, 1.0, VAR_CONFIDENCE)),
        kelly: some(kelly_criterion(&r)),
        skew: some(skew(&r)),
        kurtosis: some(kurtosis(&r)),
        best_day: best.map(|b| b.1),
        best_day_date: best.map(|b| b.0),
        worst_day: worst.map(|w| w.1),
        worst_day_date: worst.map(|w| w.0),
        best_month: best_month.map(|b| b.1),
        best_month_of: best_month.map(|b| b.0),
        worst_month: worst_month.map(|w| w.1),
        worst_month_of: worst_month.map(|w| w.0),
    }
}

/// The first item whose value beats every other by `better`.
fn extreme<K: Copy>(
    items: impl Iterator<Item = (K, f64)>,
    better: impl Fn(f64, f64) -> bool,
) -> Option<(K, f64)> {
    items.fold(None, |acc, (k, v)| match acc {
        Some((_, a)) if !better(v, a) => acc,
        _ => Some((k, v)),
    })
}

/// Sample deviation, exactly zero when every value is the same (not the residue of centring on a
/// rounded mean).
fn dispersion(r: &[f64]) -> f64 {
    match r.first() {
        Some(&f) if r.len() >= 2 && r.iter().all(|&x| x == f) => 0.0,
        _ => std(r, 1),
    }
}

/// quantstats' `probabilistic_sharpe_ratio(rf=0, smart=False)`: the per-period (not annualized)
/// Sharpe ratio `SR = mean / std` and its standard error under skewed, fat-tailed returns
/// (Bailey & López de Prado 2012), `Φ(SR / σ_SR)`. quantstats ignores its `annualize` argument
/// here (a probability has no annual form). NaN below four returns (the kurtosis is undefined)
/// and for identical returns.
pub fn probabilistic_sharpe_ratio(r: &[f64]) -> f64 {
    let sr = mean(r) / dispersion(r);
    let (g3, g4) = (skew(r), kurtosis(r) + 3.0);
    let n = r.len() as f64;
    let sigma_sr = ((1.0 - g3 * sr + (g4 - 1.0) / 4.0 * sr * sr) / (n - 1.0)).sqrt();
    normal::cdf(sr / sigma_sr)
}

/// quantstats' `omega(rf=0, required_return=0)`: gains over losses around a zero threshold. NaN
/// below two returns or with no losing day.
pub fn omega(r: &[f64]) -> f64 {
    if r.len() < 2 {
        return f64::NAN;
    }
    let gains: f64 = r.iter().filter(|&&x| x > 0.0).sum();
    let losses: f64 = -r.iter().filter(|&&x| x < 0.0).sum::<f64>();
    if losses > 0.0 {
        gains / losses
    } else {
        f64::NAN
    }
}

/// quantstats' `tail_ratio(cutoff)`: `|q(cutoff) / q(1 − cutoff)|`, NaN for no returns or a
/// lower quantile of zero.
pub fn tail_ratio(r: &[f64], cutoff: f64) -> f64 {
    let s = sorted_finite(r);
    let (upper, lower) = (quantile(&s, cutoff), quantile(&s, 1.0 - cutoff));
    if lower == 0.0 || lower.is_nan() {
        return f64::NAN;
    }
    (upper / lower).abs()
}

/// quantstats' `value_at_risk(sigma, confidence)`: the `1 − confidence` quantile of a normal
/// distribution with the sample mean and `sigma` times the sample deviation. NaN below two
/// returns. **Differs** for identical returns: scipy rejects a zero scale and quantstats returns
/// NaN (or, when float residue leaves a deviation of 1e-19, the mean); ztrade returns the mean,
/// the quantile of a distribution with no spread, as quantstats' own CVaR does.
pub fn value_at_risk(r: &[f64], sigma: f64, confidence: f64) -> f64 {
    if r.len() < 2 {
        return f64::NAN;
    }
    mean(r) + sigma * dispersion(r) * normal::ppf(1.0 - confidence)
}

/// quantstats' `conditional_value_at_risk(sigma, confidence, method="parametric")`: the expected
/// shortfall of the same normal distribution, `mean − sd · φ(Φ⁻¹(α)) / α` with `α = 1 −
/// confidence`; the mean when `sd` is zero. **Differs** for a single return: quantstats falls back
/// to that return (its deviation is NaN), ztrade gives NaN like its VaR.
pub fn conditional_value_at_risk(r: &[f64], sigma: f64, confidence: f64) -> f64 {
    if r.len() < 2 {
        return f64::NAN;
    }
    let (mu, sd, alpha) = (mean(r), sigma * dispersion(r), 1.0 - confidence);
    if sd == 0.0 {
        return mu;
    }
    mu - sd * normal::pdf(normal::ppf(alpha)) / alpha
}

/// quantstats' `kelly_criterion`: the fixed-odds fraction `(b·p − q) / b`, with `p` the share of
/// up days among non-zero days, `q = 1 − p`, `b` the mean up day over the magnitude of the mean
/// down day. NaN without an up day or a down day.
pub fn kelly_criterion(r: &[f64]) -> f64 {
    let (up, down): (Vec<f64>, Vec<f64>) = r.iter().filter(|&&x| x != 0.0).partition(|&&x| x > 0.0);
    if up.is_empty() || down.is_empty() {
        return f64::NAN;
    }
    let b = mean(&up) / mean(&down).abs();
    let p = up.len() as f64 / (up.len() + down.len()) as f64;
    (b * p - (1.0 - p)) / b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dated(r: &[f64]) -> Vec<(NaiveDate, f64)> {
        let d0 = NaiveDate::from_ymd_opt(2021, 1, 25).unwrap();
        r.iter()
            .enumerate()
            .map(|(i, &x)| (d0 + chrono::Days::new(i as u64 * 3), x))
            .collect()
    }

    #[test]
    fn small_series_by_hand() {
        let r = [0.01, -0.02, 0.03, -0.01, 0.02];
        assert!((omega(&r) - 0.06 / 0.03).abs() < 1e-15);
        // p = 3/5, b = 0.02 / 0.015 → (4/3 · 3/5 − 2/5) / (4/3) = 0.3
        assert!((kelly_criterion(&r) - 0.3).abs() < 1e-15);
        // q(0.95) = 0.028, q(0.05) = −0.018
        assert!((tail_ratio(&r, 0.95) - 0.028 / 0.018).abs() < 1e-14);
        let m = extended_metrics(&dated(&r));
        assert_eq!(m.best_day, Some(0.03));
        assert_eq!(
            m.worst_day_date,
            Some(NaiveDate::from_ymd_opt(2021, 1, 28).unwrap())
        );
        // Dated 01-25, 01-28, 01-31, 02-03, 02-06: January +1.95 %, February +0.98 %.
        assert_eq!(
            (m.best_month_of, m.worst_month_of),
            (Some((2021, 1)), Some((2021, 2)))
        );
        assert!((m.best_month.unwrap() - (1.01 * 0.98 * 1.03 - 1.0)).abs() < 1e-15);
        assert!((m.worst_month.unwrap() - (0.99 * 1.02 - 1.0)).abs() < 1e-15);
        assert!(m.value_at_risk.unwrap() < 0.0);
        assert!(m.conditional_value_at_risk < m.value_at_risk);
    }

    #[test]
    fn degenerate_inputs_give_none_not_panics() {
        let empty = extended_metrics(&[]);
        assert_eq!(empty, ExtendedMetrics::default());
        let one = extended_metrics(&dated(&[0.01]));
        assert_eq!(
            (one.tail_ratio, one.best_day, one.value_at_risk),
            (Some(1.0), Some(0.01), None)
        );
        assert_eq!(one.conditional_value_at_risk, None);
        let flat = extended_metrics(&dated(&[0.0; 10]));
        assert_eq!(
            (flat.omega, flat.tail_ratio, flat.kelly, flat.skew),
            (None, None, None, None)
        );
        assert_eq!(
            (flat.value_at_risk, flat.conditional_value_at_risk),
            (Some(0.0), Some(0.0))
        );
        let constant = extended_metrics(&dated(&[0.001; 30]));
        assert_eq!(
            (constant.probabilistic_sharpe, constant.kurtosis),
            (None, None)
        );
        assert!((constant.value_at_risk.unwrap() - 0.001).abs() < 1e-18);
        let with_nan = extended_metrics(&dated(&[0.01, f64::NAN, -0.01, f64::INFINITY]));
        assert_eq!(with_nan.omega, Some(1.0));
    }
}
