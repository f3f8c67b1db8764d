//! Arithmetic that would leave the fixed-point types' range. The engine never wraps or saturates
//! a price, quantity or amount: it stops the run with this error, which says what was being
//! computed, from which values and, when a setting caused it, which one
//! (`costs.slippage_bps: 9999 moves a buy at 9000000000 above the largest price …`). The engine
//! adds the symbol and the bar ([`crate::EngineError::Overflow`]).

use std::fmt::Display;

use domain::{Money, Price, Quantity};

/// Boxed, so that the engine's per-bar `Result<(), Overflow>` is two registers wide.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Overflow(Box<str>);

impl Overflow {
    #[cold]
    pub fn new(what: impl Into<String>) -> Self {
        Self(what.into().into_boxed_str())
    }

    /// `what` gives a price beyond what [`Price`] holds.
    #[cold]
    pub fn price(what: impl Display) -> Self {
        Self::new(format!(
            "{what} above the largest price {}",
            Price::from_raw(i64::MAX)
        ))
    }

    /// `what` gives an amount beyond what [`Money`] holds.
    #[cold]
    pub fn money(what: impl Display) -> Self {
        Self::new(format!(
            "{what} exceeds the largest amount {}",
            Money::from_raw(i128::MAX)
        ))
    }

    /// `what` gives a quantity beyond what [`Quantity`] holds.
    #[cold]
    pub fn quantity(what: impl Display) -> Self {
        Self::new(format!(
            "{what} is more than the largest supported quantity {}",
            Quantity::MAX
        ))
    }
}

/// `a + b` on money, or an error naming what was being added.
#[inline]
pub fn add(a: Money, b: Money, what: &str) -> Result<Money, Overflow> {
    a.checked_add(b)
        .ok_or_else(|| Overflow::money(format_args!("{what}: {a} + {b}")))
}

/// `a − b` on money, or an error naming what was being subtracted.
#[inline]
pub fn sub(a: Money, b: Money, what: &str) -> Result<Money, Overflow> {
    a.checked_sub(b)
        .ok_or_else(|| Overflow::money(format_args!("{what}: {a} − {b}")))
}
