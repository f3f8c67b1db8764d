//! Options without IO: models, greeks, implied volatility, quote checks, the forward a chain
//! implies, and the arbitrage scanner.
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
//! - [`expiry`]: when a contract expires (16:00 New York) and the year fraction to it.
//! - [`forward`]: an expiry's forward and discount factor from the chain's own put-call parity,
//!   with a fallback to a given rate and dividend yield.
//! - [`scan`]: the arbitrage scanner: every check priced at the side one would trade, with fees,
//!   sized by the top of the book.
//!
//! Everything here is a pure function of its inputs: no clock, no IO, no allocation per contract.

pub mod american;
pub mod black76;
pub mod bsm;
pub mod chain;
pub mod expiry;
pub mod forward;
pub mod greeks;
pub mod inputs;
pub mod iv;
mod normal;
pub mod quote;
pub mod scan;

pub use domain::{OptionRight, OptionStyle};
pub use greeks::Greeks;
pub use inputs::InputError;
pub use iv::IvStatus;
