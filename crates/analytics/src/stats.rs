//! empyrical's return statistics, ported function by function onto a slice of per-period simple
//! returns (`r_t = V_t / V_{t-1} − 1`).
//!
//! Each function keeps empyrical-reloaded 0.7's name, argument order, edge cases and order of
//! operations, so results agree to floating-point rounding (the golden tests check 1e-9). Undefined
//! values are `NaN` here, exactly as empyrical returns them; [`crate::Metrics`] turns every
//! non-finite value into `None`. `ppy` is the annualization factor (periods per year, 252 for
//! daily returns); `risk_free` and `required_return` are per-period rates.
//!
//! | function | formula |
//! |---|---|
//! | [`cum_returns_final`] | `Π(1 + r) − 1` |
//! | [`annual_return`] | `Π(1 + r) ^ (ppy / n) − 1` (CAGR) |
//! | [`annual_volatility`] | `std(r, ddof=1) · √ppy` |
//! | [`sharpe_ratio`] | `mean(r − rf) / std(r − rf, ddof=1) · √ppy` |
//! | [`downside_risk`] | `√mean(min(r − req, 0)²) · √ppy` |
//! | [`sortino_ratio`] | `mean(r − req) · ppy / downside_risk` |
//! | [`max_drawdown`] | `min_t (C_t − max_{s≤t} C_s) / max_{s≤t} C_s`, `C = 100·Π(1+r)`, anchored at 100 |
//! | [`calmar_ratio`] | `annual_return / |max_drawdown|` when the drawdown is below zero |
//! | [`beta`] | `mean((f − mean f)·r) / mean((f − mean f)²)` (NaN when the variance < 1e-30) |
//! | [`alpha`] | `(1 + mean((r − rf) − β(f − rf))) ^ ppy − 1` |

/// Arithmetic mean; NaN for an empty slice (numpy's `mean` of nothing).
pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    x.iter().sum::<f64>() / x.len() as f64
}

/// Standard deviation with `ddof` delta degrees of freedom, two-pass as numpy computes it; NaN
/// when `n − ddof ≤ 0`.
pub fn std(x: &[f64], ddof: usize) -> f64 {
    if x.len() <= ddof {
        return f64::NAN;
    }
    let m = mean(x);
    let ss: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    (ss / (x.len() - ddof) as f64).sqrt()
}

/// empyrical's `_zero_dispersion_std`: identical values have a deviation of exactly zero, not the
/// ~1e-18 residue that centring on a rounded mean leaves (which would make Sharpe ≈ 1e15).
fn zero_dispersion_std(x: &[f64], std: f64) -> f64 {
    let (lo, hi) = x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if lo == hi && std.is_finite() {
        0.0
    } else {
        std
    }
}

/// Total compounded return `Π(1 + r) − 1`; NaN for no returns.
pub fn cum_returns_final(returns: &[f64]) -> f64 {
    if returns.is_empty() {
        return f64::NAN;
    }
    returns.iter().fold(1.0, |acc, r| acc * (1.0 + r)) - 1.0
}

/// CAGR: the compounded ending value raised to `1 / years`, `years = n / ppy`.
pub fn annual_return(returns: &[f64], ppy: f64) -> f64 {
    if returns.is_empty() {
        return f64::NAN;
    }
    let num_years = returns.len() as f64 / ppy;
    let ending_value = cum_returns_final(returns) + 1.0;
    ending_value.powf(1.0 / num_years) - 1.0
}

/// Sample standard deviation (ddof = 1) scaled by `√ppy`; NaN for fewer than two returns.
pub fn annual_volatility(returns: &[f64], ppy: f64) -> f64 {
    if returns.len() < 2 {
        return f64::NAN;
    }
    std(returns, 1) * ppy.powf(0.5)
}

/// Annualized Sharpe ratio of returns in excess of a constant per-period `risk_free`. Infinite
/// when the excess returns are constant and non-zero, NaN when they are all zero.
pub fn sharpe_ratio(returns: &[f64], risk_free: f64, ppy: f64) -> f64 {
    if returns.len() < 2 {
        return f64::NAN;
    }
    let adj = adjust(returns, risk_free);
    let sd = zero_dispersion_std(&adj, std(&adj, 1));
    mean(&adj) / sd * ppy.sqrt()
}

/// Annualized downside deviation below `required_return`: the root mean square of the shortfalls,
/// where periods above the threshold count as zero (they stay in the denominator `n`).
pub fn downside_risk(returns: &[f64], required_return: f64, ppy: f64) -> f64 {
    if returns.is_empty() {
        return f64::NAN;
    }
    let sq: Vec<f64> = adjust(returns, required_return)
        .into_iter()
        .map(|d| {
            let d = d.min(0.0);
            d * d
        })
        .collect();
    mean(&sq).sqrt() * ppy.sqrt()
}

/// Annualized Sortino ratio: the annualized mean excess over `required_return` divided by
/// [`downside_risk`]. Infinite when nothing falls below the threshold.
pub fn sortino_ratio(returns: &[f64], required_return: f64, ppy: f64) -> f64 {
    if returns.len() < 2 {
        return f64::NAN;
    }
    let average_annual_return = mean(&adjust(returns, required_return)) * ppy;
    average_annual_return / downside_risk(returns, required_return, ppy)
}

/// The deepest fall from a running peak, as a non-positive fraction (−0.25 is a 25% drawdown).
/// The cumulative curve starts at an anchor, so a first-period loss counts.
pub fn max_drawdown(returns: &[f64]) -> f64 {
    if returns.is_empty() {
        return f64::NAN;
    }
    // empyrical: out = cumprod(1 + r) * 100 with out[0] = 100; peak = fmax.accumulate(out).
    let start = 100.0;
    let mut growth = 1.0;
    let mut peak = start;
    let mut worst = f64::INFINITY;
    for r in returns {
        growth *= 1.0 + r;
        let value = growth * start;
        peak = peak.max(value);
        worst = worst.min((value - peak) / peak);
    }
    worst
}

/// CAGR over the magnitude of the maximum drawdown; NaN when there was no drawdown or the ratio is
/// infinite.
pub fn calmar_ratio(returns: &[f64], ppy: f64) -> f64 {
    let max_dd = max_drawdown(returns);
    if max_dd < 0.0 {
        let temp = annual_return(returns, ppy) / max_dd.abs();
        if temp.is_infinite() { f64::NAN } else { temp }
    } else {
        f64::NAN
    }
}

/// Beta of `returns` against `factor` (same length, same periods): covariance over the factor's
/// variance, both with ddof 0 (the ratio does not depend on it). NaN below two periods or when the
/// factor's variance is under 1e-30. Like empyrical, the risk-free rate does not enter.
pub fn beta(returns: &[f64], factor: &[f64]) -> f64 {
    assert_eq!(returns.len(), factor.len(), "beta needs aligned series");
    if returns.is_empty() || factor.len() < 2 {
        return f64::NAN;
    }
    let fm = mean(factor);
    let residual: Vec<f64> = factor.iter().map(|f| f - fm).collect();
    let prod: Vec<f64> = residual.iter().zip(returns).map(|(x, r)| x * r).collect();
    let covariance = mean(&prod);
    let sq: Vec<f64> = residual.iter().map(|x| x * x).collect();
    let variance = mean(&sq);
    if variance < 1.0e-30 {
        return f64::NAN;
    }
    covariance / variance
}

/// Annualized alpha given `beta`: the mean per-period residual `(r − rf) − β(f − rf)`, compounded
/// over `ppy` periods. NaN below two periods.
pub fn alpha(returns: &[f64], factor: &[f64], risk_free: f64, ppy: f64, beta: f64) -> f64 {
    assert_eq!(returns.len(), factor.len(), "alpha needs aligned series");
    if returns.len() < 2 {
        return f64::NAN;
    }
    let series: Vec<f64> = returns
        .iter()
        .zip(factor)
        .map(|(r, f)| (r - risk_free) - beta * (f - risk_free))
        .collect();
    (mean(&series) + 1.0).powf(ppy) - 1.0
}

/// `(alpha, beta)` as empyrical's `alpha_beta_aligned`.
pub fn alpha_beta(returns: &[f64], factor: &[f64], risk_free: f64, ppy: f64) -> (f64, f64) {
    let b = beta(returns, factor);
    (alpha(returns, factor, risk_free, ppy, b), b)
}

/// A per-period rate from an annual one, compounding: `(1 + annual)^(1/ppy) − 1` (quantstats'
/// convention for its `rf` argument).
pub fn per_period_rate(annual: f64, ppy: f64) -> f64 {
    (1.0 + annual).powf(1.0 / ppy) - 1.0
}

fn adjust(returns: &[f64], by: f64) -> Vec<f64> {
    returns.iter().map(|r| r - by).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hand_checked_values() {
        let r = [0.1, -0.05, 0.02];
        assert!((cum_returns_final(&r) - (1.1 * 0.95 * 1.02 - 1.0)).abs() < 1e-15);
        // Peak 110 after the first period, then 104.5: a 5% drawdown.
        assert!((max_drawdown(&r) + 0.05).abs() < 1e-15);
        // A first-period loss is a drawdown from the anchor.
        assert!((max_drawdown(&[-0.1, 0.05]) + 0.1).abs() < 1e-15);
        assert_eq!(max_drawdown(&[0.01, 0.02]), 0.0);
        let m: f64 = (0.1 - 0.05 + 0.02) / 3.0;
        let sd = (((0.1 - m) * (0.1 - m) + (-0.05 - m) * (-0.05 - m) + (0.02 - m) * (0.02 - m))
            / 2.0)
            .sqrt();
        assert!((sharpe_ratio(&r, 0.0, 252.0) - m / sd * 252f64.sqrt()).abs() < 1e-12);
        let dd = (0.05f64 * 0.05 / 3.0).sqrt() * 252f64.sqrt();
        assert!((downside_risk(&r, 0.0, 252.0) - dd).abs() < 1e-15);
        assert!((sortino_ratio(&r, 0.0, 252.0) - m * 252.0 / dd).abs() < 1e-12);
    }

    #[test]
    fn undefined_cases_follow_empyrical() {
        assert!(sharpe_ratio(&[0.01], 0.0, 252.0).is_nan());
        assert!(sharpe_ratio(&[0.0, 0.0, 0.0], 0.0, 252.0).is_nan());
        assert_eq!(sharpe_ratio(&[0.01, 0.01], 0.0, 252.0), f64::INFINITY);
        assert_eq!(sortino_ratio(&[0.01, 0.02], 0.0, 252.0), f64::INFINITY);
        assert!(calmar_ratio(&[0.01, 0.02], 252.0).is_nan());
        assert!(annual_return(&[], 252.0).is_nan());
        assert!(beta(&[0.01, 0.02], &[0.01, 0.01]).is_nan());
        assert!(alpha_beta(&[0.01], &[0.02], 0.0, 252.0).0.is_nan());
    }

    #[test]
    fn beta_of_a_scaled_factor_is_the_scale() {
        let f = [0.01, -0.02, 0.015, 0.003, -0.007];
        let r: Vec<f64> = f.iter().map(|x| 2.0 * x + 0.001).collect();
        let (a, b) = alpha_beta(&r, &f, 0.0, 252.0);
        assert!((b - 2.0).abs() < 1e-12);
        assert!((a - (1.001f64.powf(252.0) - 1.0)).abs() < 1e-9);
    }

    proptest! {
        #[test]
        fn drawdown_is_between_minus_one_and_zero(r in prop::collection::vec(-0.5f64..0.5, 1..200)) {
            let dd = max_drawdown(&r);
            prop_assert!((-1.0..=0.0).contains(&dd));
        }

        #[test]
        fn cagr_over_whole_years_compounds_back(r in prop::collection::vec(-0.05f64..0.05, 252..=252)) {
            // One year of daily returns: CAGR equals the total return.
            let total = cum_returns_final(&r);
            prop_assert!((annual_return(&r, 252.0) - total).abs() < 1e-12);
        }
    }
}
