//! The standard normal distribution: density, distribution function, and the bivariate
//! distribution function that Bjerksund-Stensland 2002 needs.
//!
//! The univariate distribution function is the one Let's Be Rational uses (implied-vol's
//! `DefaultSpecialFn`, Cody's erfc), so greeks and implied volatilities share one definition.
//! The bivariate one is Genz's method (A. Genz, "Numerical computation of rectangular bivariate
//! and trivariate normal and t probabilities", Statistics and Computing 14, 2004), which
//! follows Drezner and Wesolowsky (1990): Gauss-Legendre quadrature of Plackett's formula for
//! |ρ| < 0.925 and of an expansion around |ρ| = 1 above; accurate to about 1e-15.

use implied_vol::{DefaultSpecialFn, SpecialFn};

const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// The standard normal density φ(x).
#[inline]
pub(crate) fn pdf(x: f64) -> f64 {
    INV_SQRT_2PI * (-0.5 * x * x).exp()
}

/// The standard normal distribution function Φ(x).
#[inline]
pub(crate) fn cdf(x: f64) -> f64 {
    DefaultSpecialFn::norm_cdf(x)
}

/// Gauss-Legendre nodes (negative half) and weights for 6, 12 and 20 points.
const NODES: [&[(f64, f64)]; 3] = [
    &[
        (-0.932_469_514_203_152, 0.171_324_492_379_170),
        (-0.661_209_386_466_265, 0.360_761_573_048_139),
        (-0.238_619_186_083_197, 0.467_913_934_572_691),
    ],
    &[
        (-0.981_560_634_246_719, 0.047_175_336_386_512),
        (-0.904_117_256_370_475, 0.106_939_325_995_318),
        (-0.769_902_674_194_305, 0.160_078_328_543_346),
        (-0.587_317_954_286_617, 0.203_167_426_723_066),
        (-0.367_831_498_998_180, 0.233_492_536_538_355),
        (-0.125_233_408_511_469, 0.249_147_045_813_403),
    ],
    &[
        (-0.993_128_599_185_095, 0.017_614_007_139_152),
        (-0.963_971_927_277_914, 0.040_601_429_800_387),
        (-0.912_234_428_251_326, 0.062_672_048_334_109),
        (-0.839_116_971_822_219, 0.083_276_741_576_705),
        (-0.746_331_906_460_151, 0.101_930_119_817_240),
        (-0.636_053_680_726_515, 0.118_194_531_961_518),
        (-0.510_867_001_950_827, 0.131_688_638_449_177),
        (-0.373_706_088_715_420, 0.142_096_109_318_382),
        (-0.227_785_851_141_645, 0.149_172_986_472_604),
        (-0.076_526_521_133_497, 0.152_753_387_130_726),
    ],
];

/// P(X < x, Y < y) for standard normals X, Y with correlation `rho` in [-1, 1].
pub(crate) fn bivariate_cdf(x: f64, y: f64, rho: f64) -> f64 {
    use std::f64::consts::PI;
    let nodes = if rho.abs() < 0.3 {
        NODES[0]
    } else if rho.abs() < 0.75 {
        NODES[1]
    } else {
        NODES[2]
    };
    let h = -x;
    let mut k = -y;
    let mut hk = h * k;
    let mut bvn = 0.0;
    if rho.abs() < 0.925 {
        if rho != 0.0 {
            let hs = (h * h + k * k) / 2.0;
            let asr = rho.asin();
            for &(node, weight) in nodes {
                for side in [-1.0, 1.0] {
                    let sn = (asr * (side * node + 1.0) / 2.0).sin();
                    bvn += weight * ((sn * hk - hs) / (1.0 - sn * sn)).exp();
                }
            }
            bvn *= asr / (4.0 * PI);
        }
        return bvn + cdf(-h) * cdf(-k);
    }
    if rho < 0.0 {
        k = -k;
        hk = -hk;
    }
    if rho.abs() < 1.0 {
        let ass = (1.0 - rho) * (1.0 + rho);
        let mut a = ass.sqrt();
        let bs = (h - k) * (h - k);
        let c = (4.0 - hk) / 8.0;
        let d = (12.0 - hk) / 16.0;
        let asr = -(bs / ass + hk) / 2.0;
        if asr > -100.0 {
            bvn = a
                * asr.exp()
                * (1.0 - c * (bs - ass) * (1.0 - d * bs / 5.0) / 3.0 + c * d * ass * ass / 5.0);
        }
        if -hk < 100.0 {
            let b = bs.sqrt();
            bvn -= (-hk / 2.0).exp()
                * (2.0 * PI).sqrt()
                * cdf(-b / a)
                * b
                * (1.0 - c * bs * (1.0 - d * bs / 5.0) / 3.0);
        }
        a /= 2.0;
        for &(node, weight) in nodes {
            for side in [-1.0, 1.0] {
                let xs = (a * (side * node + 1.0)).powi(2);
                let rs = (1.0 - xs).sqrt();
                let asr = -(bs / xs + hk) / 2.0;
                if asr > -100.0 {
                    bvn += a
                        * weight
                        * asr.exp()
                        * ((-hk * (1.0 - rs) / (2.0 * (1.0 + rs))).exp() / rs
                            - (1.0 + c * xs * (1.0 + d * xs)));
                }
            }
        }
        bvn = -bvn / (2.0 * PI);
    }
    if rho > 0.0 {
        bvn + cdf(-h.max(k))
    } else {
        let mut out = -bvn;
        if k > h {
            out += cdf(k) - cdf(h);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P(X < x, Y < y) = ∫_{-∞}^{x} φ(t) Φ((y − ρt)/√(1−ρ²)) dt by Simpson's rule.
    fn by_quadrature(x: f64, y: f64, rho: f64) -> f64 {
        let lo = -12.0;
        let n = 20_000;
        let h = (x - lo) / n as f64;
        let s = (1.0 - rho * rho).sqrt();
        let f = |t: f64| pdf(t) * cdf((y - rho * t) / s);
        let mut sum = f(lo) + f(x);
        for i in 1..n {
            sum += f(lo + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        sum * h / 3.0
    }

    #[test]
    fn matches_quadrature_over_a_grid() {
        let mut worst: f64 = 0.0;
        for &rho in &[
            -0.99, -0.95, -0.8, -0.5, -0.2, 0.0, 0.1, 0.4, 0.7, 0.9, 0.93, 0.999,
        ] {
            for &x in &[-3.0, -1.0, -0.2, 0.0, 0.5, 2.0] {
                for &y in &[-2.5, -0.7, 0.0, 0.3, 1.5, 3.0] {
                    let err = (bivariate_cdf(x, y, rho) - by_quadrature(x, y, rho)).abs();
                    worst = worst.max(err);
                }
            }
        }
        assert!(worst < 1e-10, "worst {worst:e}");
    }

    #[test]
    fn known_values() {
        for rho in [-0.9f64, -0.3, 0.0, 0.5, 0.95] {
            let want = 0.25 + rho.asin() / (2.0 * std::f64::consts::PI);
            assert!((bivariate_cdf(0.0, 0.0, rho) - want).abs() < 1e-14);
        }
        assert!((bivariate_cdf(0.4, -1.1, 0.0) - cdf(0.4) * cdf(-1.1)).abs() < 1e-15);
        assert!((bivariate_cdf(0.4, 40.0, 0.6) - cdf(0.4)).abs() < 1e-14);
    }
}
