//! What every model takes: the right, the exercise style, and the checks on market inputs.
//!
//! The right and the exercise style are `domain::OptionRight` (call or put) and
//! `domain::OptionStyle` (American or European), re-exported here so callers of this crate
//! need not name `domain`.
//!
//! Models check their inputs once, when their input struct is built ([`crate::bsm::Bsm::new`],
//! [`crate::black76::Black76::new`]), and return an [`InputError`] naming the field instead of
//! producing a NaN later.

pub use domain::{OptionRight, OptionStyle};

/// A market input outside the domain of the models.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("{field} must be {requirement}, got {value}")]
pub struct InputError {
    /// The argument's name (`"spot"`, `"strike"`, `"years"`, ...).
    pub field: &'static str,
    /// What it must be, in words (`"finite and > 0"`).
    pub requirement: &'static str,
    /// The value given.
    pub value: f64,
}

/// `+1` for a call, `-1` for a put: the sign that turns call formulas into put formulas.
#[inline]
pub(crate) fn sign(right: OptionRight) -> f64 {
    match right {
        OptionRight::Call => 1.0,
        OptionRight::Put => -1.0,
    }
}

/// The payoff of exercising now at `underlying`: `max(±(underlying − strike), 0)`.
#[inline]
pub fn intrinsic(underlying: f64, strike: f64, right: OptionRight) -> f64 {
    (sign(right) * (underlying - strike)).max(0.0)
}

/// Checks `value` is finite and strictly positive.
pub(crate) fn positive(field: &'static str, value: f64) -> Result<f64, InputError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(InputError {
            field,
            requirement: "finite and > 0",
            value,
        })
    }
}

/// Checks `value` is finite and not negative.
pub(crate) fn non_negative(field: &'static str, value: f64) -> Result<f64, InputError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(InputError {
            field,
            requirement: "finite and >= 0",
            value,
        })
    }
}

/// Checks `value` is finite (rates and yields may be negative).
pub(crate) fn finite(field: &'static str, value: f64) -> Result<f64, InputError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(InputError {
            field,
            requirement: "finite",
            value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intrinsic_is_the_exercise_payoff() {
        assert_eq!(intrinsic(110.0, 100.0, OptionRight::Call), 10.0);
        assert_eq!(intrinsic(90.0, 100.0, OptionRight::Call), 0.0);
        assert_eq!(intrinsic(90.0, 100.0, OptionRight::Put), 10.0);
        assert_eq!(intrinsic(110.0, 100.0, OptionRight::Put), 0.0);
    }

    #[test]
    fn checks_name_the_field() {
        let err = positive("spot", -1.0).unwrap_err();
        assert_eq!(err.field, "spot");
        assert_eq!(err.to_string(), "spot must be finite and > 0, got -1");
        assert!(non_negative("years", f64::NAN).is_err());
        assert!(finite("rate", f64::INFINITY).is_err());
        assert_eq!(finite("rate", -0.01), Ok(-0.01));
    }
}
