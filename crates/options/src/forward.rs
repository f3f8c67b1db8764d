//! The forward price and discount factor of one expiry, inferred from the chain itself.
//!
//! Put-call parity for European options says `C − P = DF·(F − K)`: across strikes, `C − P` is a
//! straight line in `K` with slope `−DF` and intercept `DF·F`. An ordinary least-squares fit of
//! the mid prices of the liquid strikes (both sides quoted, neither crossed) gives both, with
//! no rate, dividend or borrow assumption. American puts carry an early-exercise premium that
//! bends the line away from the money, so the fit uses the [`NEAR_MONEY`] strikes nearest to
//! where `C − P` changes sign.
//!
//! When fewer than [`MIN_STRIKES`] liquid strikes are left, or the fit is implausible (a
//! discount factor whose rate is outside [`PLAUSIBLE_RATES`], a forward ≤ 0), the forward falls
//! back to the given rate and dividend yield: `DF = e^{−rT}`, `F = S·e^{(r−q)T}`. Stale or
//! wide quotes (a snapshot taken after the close) easily tilt a fit over a few strikes; a
//! discount factor above one would make a box look cheap and rich at once.

use serde::Serialize;

/// Liquid strikes needed for a fit.
pub const MIN_STRIKES: usize = 3;

/// The continuously compounded rates a fitted discount factor may imply: −5 % to 25 % a year.
pub const PLAUSIBLE_RATES: (f64, f64) = (-0.05, 0.25);

/// Strikes nearest the money used by the fit.
pub const NEAR_MONEY: usize = 12;

/// One strike with both a call and a put quoted on both sides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParityPoint {
    pub strike: f64,
    pub call_mid: f64,
    pub put_mid: f64,
}

/// Where an expiry's forward and discount factor came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum ForwardSource {
    /// Fitted on `strikes` strikes; `rmse` is the fit's root-mean-square residual in price.
    Parity { strikes: usize, rmse: f64 },
    /// The given rate and dividend yield, and why the fit was not used.
    Given { reason: String },
}

/// An expiry's forward and discount factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forward {
    pub years: f64,
    pub forward: f64,
    pub discount_factor: f64,
    pub source: ForwardSource,
}

impl Forward {
    /// The continuously compounded rate the discount factor implies.
    pub fn implied_rate(&self) -> Option<f64> {
        (self.years > 0.0 && self.discount_factor > 0.0)
            .then(|| -self.discount_factor.ln() / self.years)
    }
}

/// The rate and dividend yield to fall back on, and the underlying's price if known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fallback {
    pub spot: Option<f64>,
    pub rate: f64,
    pub dividend_yield: f64,
}

impl Fallback {
    /// `DF = e^{−rT}`, `F = S·e^{(r−q)T}`; `None` without a spot.
    pub fn forward(&self, years: f64, reason: String) -> Option<Forward> {
        let spot = self.spot.filter(|s| s.is_finite() && *s > 0.0)?;
        Some(Forward {
            years,
            forward: spot * ((self.rate - self.dividend_yield) * years).exp(),
            discount_factor: (-self.rate * years).exp(),
            source: ForwardSource::Given { reason },
        })
    }
}

/// The forward of one expiry `years` away: fitted on `points` when they allow it, else the
/// fallback's; `None` when neither can give one (no fit and no spot).
pub fn infer(points: &[ParityPoint], years: f64, fallback: &Fallback) -> Option<Forward> {
    match fit(points).and_then(|f| plausible(f, years)) {
        Ok((forward, discount_factor, strikes, rmse)) => Some(Forward {
            years,
            forward,
            discount_factor,
            source: ForwardSource::Parity { strikes, rmse },
        }),
        Err(reason) => fallback.forward(years, reason),
    }
}

/// The fit, if the rate its discount factor implies is in [`PLAUSIBLE_RATES`].
fn plausible(fit: (f64, f64, usize, f64), years: f64) -> Result<(f64, f64, usize, f64), String> {
    let (lo, hi) = PLAUSIBLE_RATES;
    let rate = -fit.1.ln() / years;
    if years > 0.0 && rate.is_finite() && (lo..=hi).contains(&rate) {
        Ok(fit)
    } else {
        Err(format!(
            "the fitted discount factor {:.6} implies a rate of {:.2} % a year",
            fit.1,
            rate * 100.0
        ))
    }
}

/// `(F, DF, strikes used, rmse)`, or why there is no plausible fit.
fn fit(points: &[ParityPoint]) -> Result<(f64, f64, usize, f64), String> {
    let mut usable: Vec<ParityPoint> = points
        .iter()
        .copied()
        .filter(|p| p.strike > 0.0 && p.call_mid.is_finite() && p.put_mid.is_finite())
        .collect();
    if usable.len() < MIN_STRIKES {
        return Err(format!(
            "{} liquid strikes with both a call and a put (at least {MIN_STRIKES} needed)",
            usable.len()
        ));
    }
    // Nearest the money: smallest |C − P|.
    usable.sort_by(|a, b| {
        (a.call_mid - a.put_mid)
            .abs()
            .total_cmp(&(b.call_mid - b.put_mid).abs())
    });
    usable.truncate(NEAR_MONEY);
    let n = usable.len() as f64;
    let mean_k = usable.iter().map(|p| p.strike).sum::<f64>() / n;
    let mean_y = usable.iter().map(|p| p.call_mid - p.put_mid).sum::<f64>() / n;
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for p in &usable {
        let dx = p.strike - mean_k;
        sxx += dx * dx;
        sxy += dx * (p.call_mid - p.put_mid - mean_y);
    }
    if sxx <= 0.0 {
        return Err("the liquid strikes are all one strike".into());
    }
    let slope = sxy / sxx;
    let intercept = mean_y - slope * mean_k;
    let df = -slope;
    if !(df > 0.0 && df <= 1.25) {
        return Err(format!("the fitted discount factor {df:.6} is implausible"));
    }
    let forward = intercept / df;
    if !(forward.is_finite() && forward > 0.0) {
        return Err(format!("the fitted forward {forward:.6} is implausible"));
    }
    let sse: f64 = usable
        .iter()
        .map(|p| {
            let r = p.call_mid - p.put_mid - (intercept + slope * p.strike);
            r * r
        })
        .sum();
    Ok((forward, df, usable.len(), (sse / n).sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(forward: f64, df: f64, strikes: &[f64]) -> Vec<ParityPoint> {
        // Any call prices will do: the put follows from parity.
        strikes
            .iter()
            .map(|&k| {
                let call = (forward - k).max(0.0) * df + 1.5;
                ParityPoint {
                    strike: k,
                    call_mid: call,
                    put_mid: call - df * (forward - k),
                }
            })
            .collect()
    }

    const FALLBACK: Fallback = Fallback {
        spot: Some(100.0),
        rate: 0.05,
        dividend_yield: 0.01,
    };

    #[test]
    fn an_exact_parity_chain_gives_back_its_forward() {
        let pts = chain(101.25, 0.98, &[90.0, 95.0, 100.0, 105.0, 110.0]);
        let f = infer(&pts, 0.5, &FALLBACK).unwrap();
        assert!((f.forward - 101.25).abs() < 1e-9, "{f:?}");
        assert!((f.discount_factor - 0.98).abs() < 1e-12);
        assert!(matches!(f.source, ForwardSource::Parity { strikes: 5, rmse } if rmse < 1e-9));
        assert!((f.implied_rate().unwrap() - (-(0.98f64).ln() / 0.5)).abs() < 1e-12);
    }

    #[test]
    fn too_few_or_implausible_strikes_fall_back() {
        let pts = chain(101.25, 0.98, &[95.0, 100.0]);
        let f = infer(&pts, 1.0, &FALLBACK).unwrap();
        assert!(
            matches!(&f.source, ForwardSource::Given { reason } if reason.contains("2 liquid"))
        );
        assert!((f.discount_factor - (-0.05f64).exp()).abs() < 1e-15);
        assert!((f.forward - 100.0 * (0.04f64).exp()).abs() < 1e-12);
        // C − P rising with K means a negative discount factor.
        let bad = chain(100.0, -0.5, &[90.0, 100.0, 110.0]);
        let f = infer(&bad, 1.0, &FALLBACK).unwrap();
        assert!(
            matches!(&f.source, ForwardSource::Given { reason } if reason.contains("implausible"))
        );
        let no_spot = Fallback {
            spot: None,
            ..FALLBACK
        };
        assert!(infer(&bad, 1.0, &no_spot).is_none());
    }
}
