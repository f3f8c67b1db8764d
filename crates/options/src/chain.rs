//! A slice of contracts on one underlying priced in one pass: implied volatility and greeks.
//!
//! [`price_chain`] writes one [`Priced`] row per [`Contract`] into a caller's vector, which it
//! clears and reserves once, so pricing a chain allocates nothing per contract (and nothing at all
//! when the vector is reused). European contracts use Let's Be Rational and the analytical BSM
//! greeks; American ones the Bjerksund-Stensland root find and finite-difference greeks, which
//! cost a few hundred model evaluations each.

use serde::{Deserialize, Serialize};

use crate::american::american_greeks;
use crate::bsm::Bsm;
use crate::greeks::Greeks;
use crate::inputs::{OptionRight, OptionStyle};
use crate::iv::{IvStatus, implied_vol_american, implied_vol_bsm};

/// What the contracts of a chain share: the spot, the rate and the dividend yield.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Underlying {
    /// The underlying's price now.
    pub spot: f64,
    /// Continuously compounded rate to the expiries of the slice.
    pub rate: f64,
    /// Continuous dividend yield.
    pub dividend_yield: f64,
}

/// One contract and its market price (usually a checked mid, see [`crate::quote`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    /// Strike.
    pub strike: f64,
    /// Years to expiry.
    pub years: f64,
    /// Call or put.
    pub right: OptionRight,
    /// European or American exercise.
    pub style: OptionStyle,
    /// The option price to invert.
    pub price: f64,
}

/// The implied volatility of one contract and its greeks at that volatility.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Priced {
    /// [`IvStatus::Ok`] when `iv` and `greeks` are present, the reason otherwise.
    pub status: IvStatus,
    /// The implied volatility, when there is one.
    pub iv: Option<f64>,
    /// Greeks at the implied volatility (units in [`crate::greeks`]).
    pub greeks: Option<Greeks>,
}

impl Priced {
    /// A row with no volatility: the reason only.
    pub fn failed(status: IvStatus) -> Self {
        Self {
            status,
            iv: None,
            greeks: None,
        }
    }
}

/// Prices one contract: its implied volatility, then its greeks at that volatility.
pub fn price_contract(underlying: &Underlying, contract: &Contract) -> Priced {
    let Underlying {
        spot,
        rate,
        dividend_yield,
    } = *underlying;
    let Contract {
        strike,
        years,
        right,
        style,
        price,
    } = *contract;
    let iv = match style {
        OptionStyle::European => {
            implied_vol_bsm(price, spot, strike, years, rate, dividend_yield, right)
        }
        OptionStyle::American => {
            implied_vol_american(price, spot, strike, years, rate, dividend_yield, right)
        }
    };
    let sigma = match iv {
        Ok(sigma) => sigma,
        Err(status) => return Priced::failed(status),
    };
    let greeks = Bsm::new(spot, strike, years, rate, dividend_yield).and_then(|m| match style {
        OptionStyle::European => m.greeks(sigma, right),
        OptionStyle::American => american_greeks(&m, sigma, right),
    });
    match greeks {
        Ok(greeks) => Priced {
            status: IvStatus::Ok,
            iv: Some(sigma),
            greeks: Some(greeks),
        },
        Err(_) => Priced::failed(IvStatus::InvalidInput),
    }
}

/// Prices every contract into `out` (cleared first), in the order given.
pub fn price_chain(underlying: &Underlying, contracts: &[Contract], out: &mut Vec<Priced>) {
    out.clear();
    out.reserve(contracts.len());
    out.extend(contracts.iter().map(|c| price_contract(underlying, c)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_a_small_chain_in_order() {
        let u = Underlying {
            spot: 100.0,
            rate: 0.04,
            dividend_yield: 0.01,
        };
        let m = Bsm::new(100.0, 95.0, 0.5, 0.04, 0.01).unwrap();
        let fair = m.price(0.25, OptionRight::Put).unwrap();
        let contracts = [
            Contract {
                strike: 95.0,
                years: 0.5,
                right: OptionRight::Put,
                style: OptionStyle::European,
                price: fair,
            },
            Contract {
                strike: 95.0,
                years: 0.0,
                right: OptionRight::Put,
                style: OptionStyle::European,
                price: fair,
            },
            Contract {
                strike: 95.0,
                years: 0.5,
                right: OptionRight::Put,
                style: OptionStyle::American,
                price: fair + 0.05,
            },
        ];
        let mut out = Vec::new();
        price_chain(&u, &contracts, &mut out);
        assert_eq!(out.len(), 3);
        assert!((out[0].iv.unwrap() - 0.25).abs() < 1e-12);
        assert_eq!(
            out[0].greeks.unwrap(),
            m.greeks(out[0].iv.unwrap(), OptionRight::Put).unwrap()
        );
        assert_eq!(out[1], Priced::failed(IvStatus::Expired));
        assert_eq!(out[2].status, IvStatus::Ok);
        assert!(out[2].greeks.unwrap().is_finite());
    }
}
