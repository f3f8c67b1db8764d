//! A model price with its sensitivities, in the units traders and vendors quote.
//!
//! The units are those of py_vollib's analytical greeks (and of the Polygon and Alpaca option
//! snapshots), so our numbers and theirs compare without conversion:
//!
//! | field | meaning | unit |
//! |---|---|---|
//! | `price` | the option's present value | currency, like the strike |
//! | `delta` | ∂price/∂underlying | per 1 unit of the underlying (spot for BSM and American, forward for Black-76) |
//! | `gamma` | ∂²price/∂underlying² | per 1 unit of the underlying, squared |
//! | `vega` | ∂price/∂σ × 0.01 | per 1 volatility point (σ from 0.20 to 0.21) |
//! | `theta` | ∂price/∂t ÷ 365 | per calendar day of time passing (negative: value decays) |
//! | `rho` | ∂price/∂r × 0.01 | per 1 percentage point of the continuously compounded rate |
//!
//! Which variables stay fixed differs by model and is said on each model's function: Black-76
//! holds the forward fixed when the rate or time moves (as py_vollib's `black` does), BSM holds
//! the spot and the dividend yield fixed.

use serde::{Deserialize, Serialize};

/// Vega and rho are quoted per 1 point (0.01) of volatility or rate.
pub const PER_POINT: f64 = 0.01;
/// Theta is quoted per calendar day: an annual rate divided by this.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// A price and its first-order sensitivities (and gamma), in the units of the module doc.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Greeks {
    /// Present value of the option.
    pub price: f64,
    /// Change in price per 1 unit move of the underlying.
    pub delta: f64,
    /// Change in delta per 1 unit move of the underlying.
    pub gamma: f64,
    /// Change in price per 1 volatility point (0.01 of σ).
    pub vega: f64,
    /// Change in price per calendar day passing (1/365 of a year), usually negative.
    pub theta: f64,
    /// Change in price per 1 percentage point (0.01) of the interest rate.
    pub rho: f64,
}

impl Greeks {
    /// The greeks of a payoff that no longer depends on volatility or time: a price and a delta,
    /// every other sensitivity zero. Used at expiry and at zero volatility.
    pub fn flat(price: f64, delta: f64) -> Self {
        Self {
            price,
            delta,
            ..Self::default()
        }
    }

    /// True when every field is finite (no NaN, no infinity).
    pub fn is_finite(&self) -> bool {
        [
            self.price, self.delta, self.gamma, self.vega, self.theta, self.rho,
        ]
        .iter()
        .all(|v| v.is_finite())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_has_only_price_and_delta() {
        let g = Greeks::flat(3.0, 1.0);
        assert_eq!((g.price, g.delta), (3.0, 1.0));
        assert_eq!((g.gamma, g.vega, g.theta, g.rho), (0.0, 0.0, 0.0, 0.0));
        assert!(g.is_finite());
        assert!(!Greeks::flat(f64::NAN, 0.0).is_finite());
    }
}
