//! The standard normal distribution, as scipy's `norm` gives it to quantstats: [`cdf`] for the
//! probabilistic Sharpe ratio, [`pdf`] and [`ppf`] for the parametric VaR and CVaR.
//!
//! `cdf` rests on `libm::erfc` (correctly rounded to about an ulp); `ppf` refines a rough
//! closed-form guess by Halley steps on `cdf`, so it is as accurate as `cdf` itself.

use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// `Φ(x) = P(Z ≤ x)`. Computed from `erfc` on both sides, so the lower tail keeps its relative
/// precision.
pub fn cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x * FRAC_1_SQRT_2)
}

/// `φ(x) = exp(−x²/2) / √(2π)`.
pub fn pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

/// The quantile `Φ⁻¹(p)`: −∞ at 0, +∞ at 1, NaN outside `[0, 1]`.
pub fn ppf(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    // Solve in the lower tail, where cdf keeps its relative precision; 1 − p is exact for
    // p ≥ 0.5, and the upper quantile is the mirror image.
    let q = p.min(1.0 - p);
    // Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4) as the starting point.
    let t = (-2.0 * q.ln()).sqrt();
    let mut z = -(t
        - (2.515517 + 0.802853 * t + 0.010328 * t * t)
            / (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
    // Halley's method on cdf(z) − q converges cubically: three steps reach the last bit.
    for _ in 0..4 {
        let u = (cdf(z) - q) / pdf(z);
        let step = u / (1.0 + 0.5 * z * u);
        z -= step;
        if step.abs() <= 1e-17 * z.abs().max(1.0) {
            break;
        }
    }
    if p > 0.5 { -z } else { z }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // Reference values of scipy.stats.norm.
        assert_eq!(cdf(0.0), 0.5);
        assert!((cdf(1.0) - 0.841_344_746_068_542_9).abs() < 3e-16); // an ulp
        let lower = cdf(-3.0);
        assert!(
            (lower - 0.001_349_898_031_630_093_3).abs() < 1e-18,
            "{lower:e}"
        );
        assert!((ppf(0.05) + 1.644_853_626_951_472_9).abs() < 1e-15);
        assert!((ppf(0.975) - 1.959_963_984_540_054).abs() < 1e-15);
        assert!((ppf(1e-10) + 6.361_340_902_404_056).abs() < 1e-13);
        assert!((pdf(0.0) - 0.398_942_280_401_432_7).abs() < 1e-16);
        assert!(ppf(0.5).abs() < 1e-16);
        assert!(ppf(0.0).is_infinite() && ppf(1.0).is_infinite());
        assert!(ppf(-0.1).is_nan() && ppf(f64::NAN).is_nan());
    }

    #[test]
    fn ppf_inverts_cdf() {
        for i in 1..1000 {
            let p = i as f64 / 1000.0;
            let back = cdf(ppf(p));
            assert!((back - p).abs() <= 4e-15 * p, "{p}: {back}");
        }
    }
}
