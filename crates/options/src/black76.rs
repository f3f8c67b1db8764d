//! Black-76: a European option on a forward `F`, paid at expiry and discounted by a factor `DF`.
//!
//! price = DF · Black(F, K, σ, T), with Black the undiscounted Black-Scholes formula. The
//! undiscounted price comes from implied-vol's implementation of Jäckel's normalised Black
//! function, which keeps full relative accuracy far out of the money (where `F·N(d1) − K·N(d2)`
//! would cancel to noise), so a price inverted by Let's Be Rational reprices to the last bits.
//!
//! Greeks (units in [`crate::greeks`]) follow py_vollib's `black` analytical greeks:
//! - `delta`, `gamma` are with respect to the **forward**, not a spot: `DF·N(d1)` for a call.
//! - `theta` moves calendar time with the forward and the rate `r = −ln(DF)/T` held fixed:
//!   `(−DF·F·φ(d1)·σ/(2√T) + r·price) / 365`.
//! - `rho` moves `r` with the forward held fixed, so only the discount factor moves:
//!   `−T·price × 0.01`.

use implied_vol::{DefaultSpecialFn, PriceBlackScholes};

use crate::greeks::{DAYS_PER_YEAR, Greeks, PER_POINT};
use crate::inputs::{InputError, OptionRight, intrinsic, non_negative, positive, sign};
use crate::normal::{cdf, pdf};

/// The market side of a Black-76 valuation, checked once; price any σ and right from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Black76 {
    forward: f64,
    strike: f64,
    years: f64,
    discount_factor: f64,
}

impl Black76 {
    /// Checks the inputs: forward, strike and discount factor finite and > 0, years finite and
    /// >= 0 (0 means at expiry: the price is the discounted intrinsic value).
    pub fn new(
        forward: f64,
        strike: f64,
        years: f64,
        discount_factor: f64,
    ) -> Result<Self, InputError> {
        Ok(Self {
            forward: positive("forward", forward)?,
            strike: positive("strike", strike)?,
            years: non_negative("years", years)?,
            discount_factor: positive("discount_factor", discount_factor)?,
        })
    }

    /// The forward price `F`.
    pub fn forward(&self) -> f64 {
        self.forward
    }

    /// The strike `K`.
    pub fn strike(&self) -> f64 {
        self.strike
    }

    /// Time to expiry in years.
    pub fn years(&self) -> f64 {
        self.years
    }

    /// The discount factor `DF = exp(−rT)` to the payment date.
    pub fn discount_factor(&self) -> f64 {
        self.discount_factor
    }

    /// The continuously compounded rate implied by the discount factor, `−ln(DF)/T` (0 at expiry).
    pub fn rate(&self) -> f64 {
        if self.years > 0.0 {
            -self.discount_factor.ln() / self.years
        } else {
            0.0
        }
    }

    /// The undiscounted price `Black(F, K, σ, T)`; `sigma` must be finite and >= 0.
    pub fn undiscounted_price(&self, sigma: f64, right: OptionRight) -> Result<f64, InputError> {
        let sigma = non_negative("sigma", sigma)?;
        Ok(self.undiscounted_unchecked(sigma, right))
    }

    /// The present value `DF · Black(F, K, σ, T)`; `sigma` must be finite and >= 0.
    pub fn price(&self, sigma: f64, right: OptionRight) -> Result<f64, InputError> {
        Ok(self.discount_factor * self.undiscounted_price(sigma, right)?)
    }

    /// The price and its greeks; `sigma` must be finite and >= 0. At zero volatility or at
    /// expiry the option is its discounted intrinsic value, with delta `±DF` in the money.
    pub fn greeks(&self, sigma: f64, right: OptionRight) -> Result<Greeks, InputError> {
        let sigma = non_negative("sigma", sigma)?;
        let df = self.discount_factor;
        let (f, k, t) = (self.forward, self.strike, self.years);
        let price = df * self.undiscounted_unchecked(sigma, right);
        let total = sigma * t.sqrt();
        if total == 0.0 || !total.is_finite() {
            let in_money = intrinsic(f, k, right) > 0.0;
            let delta = if in_money { sign(right) * df } else { 0.0 };
            let mut flat = Greeks::flat(price, delta);
            flat.theta = self.rate() * price / DAYS_PER_YEAR;
            flat.rho = -t * price * PER_POINT;
            return Ok(flat);
        }
        let w = sign(right);
        let d1 = (f / k).ln() / total + 0.5 * total;
        let density = pdf(d1);
        Ok(Greeks {
            price,
            delta: w * df * cdf(w * d1),
            gamma: df * density / (f * total),
            vega: df * f * density * t.sqrt() * PER_POINT,
            theta: (-df * f * density * sigma / (2.0 * t.sqrt()) + self.rate() * price)
                / DAYS_PER_YEAR,
            rho: -t * price * PER_POINT,
        })
    }

    #[inline]
    fn undiscounted_unchecked(&self, sigma: f64, right: OptionRight) -> f64 {
        if self.years == 0.0 || sigma == 0.0 {
            return intrinsic(self.forward, self.strike, right);
        }
        PriceBlackScholes::builder()
            .forward(self.forward)
            .strike(self.strike)
            .volatility(sigma)
            .expiry(self.years)
            .is_call(right == OptionRight::Call)
            .build_unchecked()
            .calculate::<DefaultSpecialFn>()
    }
}

/// Black-76 price and greeks in one call: see [`Black76::new`] and [`Black76::greeks`].
pub fn black76(
    forward: f64,
    strike: f64,
    years: f64,
    discount_factor: f64,
    sigma: f64,
    right: OptionRight,
) -> Result<Greeks, InputError> {
    Black76::new(forward, strike, years, discount_factor)?.greeks(sigma, right)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALL: OptionRight = OptionRight::Call;
    const PUT: OptionRight = OptionRight::Put;

    #[test]
    fn put_call_parity_holds() {
        let m = Black76::new(105.0, 100.0, 0.75, (-0.04f64 * 0.75).exp()).unwrap();
        let c = m.price(0.3, CALL).unwrap();
        let p = m.price(0.3, PUT).unwrap();
        let parity = m.discount_factor() * (105.0 - 100.0);
        assert!((c - p - parity).abs() < 1e-12);
    }

    #[test]
    fn textbook_value() {
        // py_vollib's doctest: F=49, K=50, t=0.3846, r=0.05, σ=0.2 → delta 0.45107017482201828.
        let g = black76(49.0, 50.0, 0.3846, (-0.05f64 * 0.3846).exp(), 0.2, CALL).unwrap();
        assert!((g.delta - 0.451_070_174_822_018_3).abs() < 1e-12);
        assert!((g.gamma - 0.064_064_670_588_2).abs() < 1e-11);
    }

    #[test]
    fn greeks_match_finite_differences() {
        let (f, k, t, r, s) = (100.0, 90.0, 0.5, 0.03, 0.25);
        let price = |f: f64, t: f64, r: f64, s: f64, right| {
            Black76::new(f, k, t, (-r * t).exp())
                .unwrap()
                .price(s, right)
                .unwrap()
        };
        for right in [CALL, PUT] {
            let g = black76(f, k, t, (-r * t).exp(), s, right).unwrap();
            let h = 1e-4;
            let delta = (price(f + h, t, r, s, right) - price(f - h, t, r, s, right)) / (2.0 * h);
            let vega = (price(f, t, r, s + h, right) - price(f, t, r, s - h, right)) / (2.0 * h);
            let theta = -(price(f, t + h, r, s, right) - price(f, t - h, r, s, right)) / (2.0 * h);
            let rho = (price(f, t, r + h, s, right) - price(f, t, r - h, s, right)) / (2.0 * h);
            assert!((g.delta - delta).abs() < 1e-7, "{right:?}");
            assert!((g.vega - vega * PER_POINT).abs() < 1e-8);
            assert!((g.theta - theta / DAYS_PER_YEAR).abs() < 1e-8);
            assert!((g.rho - rho * PER_POINT).abs() < 1e-8);
        }
    }

    #[test]
    fn expiry_and_zero_vol_are_intrinsic() {
        let g = black76(110.0, 100.0, 0.0, 1.0, 0.2, CALL).unwrap();
        assert_eq!((g.price, g.delta, g.gamma), (10.0, 1.0, 0.0));
        let g = black76(110.0, 100.0, 1.0, 0.9, 0.0, PUT).unwrap();
        assert_eq!((g.price, g.delta), (0.0, 0.0));
        assert!(black76(110.0, 100.0, 1.0, 0.9, -0.1, PUT).is_err());
        assert!(black76(110.0, f64::NAN, 1.0, 0.9, 0.1, PUT).is_err());
    }
}
