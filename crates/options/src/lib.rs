//! Option pricing without IO: models, greeks, implied volatility and quote checks.
//!
//! - [`inputs`]: the right (`domain::OptionRight`), the exercise style (`domain::OptionStyle`)
//!   and the input checks every model shares ([`inputs::InputError`]).
//! - [`greeks`]: [`greeks::Greeks`], a price with its sensitivities in the units of py_vollib and the
//!   data vendors (vega per vol point, theta per calendar day, rho per 1% rate).
//! - [`black76`]: Black-76 on a forward with a discount factor; the kernel the other models use.
//! - [`bsm`]: Black-Scholes-Merton on a spot with a continuous dividend yield.
//! - [`american`]: Bjerksund-Stensland 2002 for American calls and puts, greeks by finite
//!   differences.
//! - [`iv`]: implied volatility (Let's Be Rational for European prices, a bracketed root find for
//!   American ones) and its [`iv::IvStatus`].
//! - [`quote`]: the checks a quote passes before its mid is worth inverting.
//! - [`chain`]: a slice of contracts priced in one pass (IV and greeks).
//!
//! Everything here is a pure function of its inputs: no clock, no IO, no allocation per contract.

pub mod american;
pub mod black76;
pub mod bsm;
pub mod chain;
pub mod greeks;
pub mod inputs;
pub mod iv;
mod normal;
pub mod quote;

pub use domain::{OptionRight, OptionStyle};
pub use greeks::Greeks;
pub use inputs::InputError;
pub use iv::IvStatus;
