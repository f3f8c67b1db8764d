//! The checks a quote passes before its mid is worth inverting into an implied volatility.
//!
//! In order, the first failure wins: expired ([`IvStatus::Expired`]), no two-sided market
//! ([`IvStatus::NoBid`]), ask below bid ([`IvStatus::Crossed`]), too old ([`IvStatus::Stale`]).
//! A locked quote (ask equal to bid) passes. The checks use no clock: the caller passes the
//! quote's age as of the moment it values the chain.

use crate::iv::IvStatus;

/// One quote and the limits it is checked against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuoteCheck {
    /// Best bid; `None`, NaN or <= 0 means no bid.
    pub bid: Option<f64>,
    /// Best ask; `None`, NaN or <= 0 means no ask, which is treated as no bid (no two-sided
    /// market to take a mid from).
    pub ask: Option<f64>,
    /// Seconds between the quote and the valuation time; `None` when unknown, which is not
    /// checked.
    pub quote_age_seconds: Option<f64>,
    /// The oldest quote accepted, in seconds.
    pub max_age_seconds: f64,
    /// Years to expiry at the valuation time.
    pub years: f64,
}

impl QuoteCheck {
    /// The mid `(bid + ask) / 2`, or the first check it fails.
    pub fn mid(&self) -> Result<f64, IvStatus> {
        // NaN years fail too: expired is the safe reading of an unknown expiry.
        if self.years.is_nan() || self.years <= 0.0 {
            return Err(IvStatus::Expired);
        }
        let present = |p: Option<f64>| p.filter(|p| p.is_finite() && *p > 0.0);
        let (Some(bid), Some(ask)) = (present(self.bid), present(self.ask)) else {
            return Err(IvStatus::NoBid);
        };
        if ask < bid {
            return Err(IvStatus::Crossed);
        }
        if let Some(age) = self.quote_age_seconds
            && (age.is_nan() || age > self.max_age_seconds)
        {
            return Err(IvStatus::Stale);
        }
        Ok(0.5 * (bid + ask))
    }
}

/// [`QuoteCheck::mid`] as a free function.
pub fn checked_mid(
    bid: Option<f64>,
    ask: Option<f64>,
    quote_age_seconds: Option<f64>,
    max_age_seconds: f64,
    years: f64,
) -> Result<f64, IvStatus> {
    QuoteCheck {
        bid,
        ask,
        quote_age_seconds,
        max_age_seconds,
        years,
    }
    .mid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_failure_wins() {
        // Expired beats everything else.
        assert_eq!(
            checked_mid(None, Some(1.0), Some(1e9), 60.0, 0.0),
            Err(IvStatus::Expired)
        );
        // No bid beats crossed and stale.
        assert_eq!(
            checked_mid(Some(0.0), Some(1.0), Some(1e9), 60.0, 0.1),
            Err(IvStatus::NoBid)
        );
        // Crossed beats stale.
        assert_eq!(
            checked_mid(Some(2.0), Some(1.0), Some(1e9), 60.0, 0.1),
            Err(IvStatus::Crossed)
        );
        assert_eq!(
            checked_mid(Some(1.0), Some(2.0), Some(61.0), 60.0, 0.1),
            Err(IvStatus::Stale)
        );
        assert_eq!(
            checked_mid(Some(1.0), Some(2.0), Some(60.0), 60.0, 0.1),
            Ok(1.5)
        );
        assert_eq!(checked_mid(Some(1.0), Some(1.0), None, 60.0, 0.1), Ok(1.0));
    }

    #[test]
    fn nan_fields_fail_closed() {
        assert_eq!(
            checked_mid(Some(f64::NAN), Some(1.0), None, 60.0, 0.1),
            Err(IvStatus::NoBid)
        );
        assert_eq!(
            checked_mid(Some(1.0), Some(1.1), Some(f64::NAN), 60.0, 0.1),
            Err(IvStatus::Stale)
        );
        assert_eq!(
            checked_mid(Some(1.0), Some(1.1), None, 60.0, f64::NAN),
            Err(IvStatus::Expired)
        );
    }
}
