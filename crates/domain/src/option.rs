//! Option contracts and their quotes with greeks.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::fixed::{Price, Quantity};
use crate::symbol::Symbol;
use crate::time::UnixNanos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionRight {
    Call,
    Put,
}

impl OptionRight {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "c" | "call" => Ok(Self::Call),
            "p" | "put" => Ok(Self::Put),
            other => Err(DomainError::new(
                "right",
                format!("{other:?} is not call or put"),
            )),
        }
    }
}

/// A snapshot of one contract. Greeks and IV are model outputs, not money, so they are floats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionQuote {
    pub ts: UnixNanos,
    /// OCC symbol, e.g. `AAPL230616C00150000`.
    pub contract: Symbol,
    pub underlying: Symbol,
    pub expiry: NaiveDate,
    pub strike: Price,
    pub right: OptionRight,
    pub bid: Option<Price>,
    pub ask: Option<Price>,
    pub last: Option<Price>,
    pub volume: Option<Quantity>,
    pub open_interest: Option<Quantity>,
    pub iv: Option<f64>,
    pub delta: Option<f64>,
    pub gamma: Option<f64>,
    pub theta: Option<f64>,
    pub vega: Option<f64>,
}

impl OptionQuote {
    /// Splits an OCC symbol (`AAPL230616C00150000`, optionally `O:`-prefixed) into underlying,
    /// expiry, right and strike.
    pub fn parse_occ(occ: &str) -> Result<(Symbol, NaiveDate, OptionRight, Price), DomainError> {
        let s = occ.trim().trim_start_matches("O:");
        let bad = || DomainError::new("contract", format!("{occ:?} is not an OCC option symbol"));
        if s.len() < 16 || !s.is_ascii() {
            return Err(bad());
        }
        let (root, tail) = s.split_at(s.len() - 15);
        let expiry =
            NaiveDate::parse_from_str(&format!("20{}", &tail[..6]), "%Y%m%d").map_err(|_| bad())?;
        let right = OptionRight::parse(&tail[6..7])?;
        let strike_int: i64 = tail[7..].parse().map_err(|_| bad())?;
        let strike = Price::from_raw(strike_int * (Price::UNIT / 1000));
        Ok((Symbol::new(root)?, expiry, right, strike))
    }

    pub fn validate(&self) -> Result<(), DomainError> {
        self.strike.in_range("strike")?;
        for (f, p) in [("bid", self.bid), ("ask", self.ask), ("last", self.last)] {
            if let Some(p) = p {
                p.in_range(f)?;
            }
        }
        for (f, v) in [
            ("iv", self.iv),
            ("delta", self.delta),
            ("gamma", self.gamma),
            ("theta", self.theta),
            ("vega", self.vega),
        ] {
            if let Some(v) = v
                && !v.is_finite()
            {
                return Err(DomainError::new(f, "not a finite number"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occ_symbols() {
        let (u, e, r, k) = OptionQuote::parse_occ("O:AAPL230616C00150000").unwrap();
        assert_eq!(
            (
                u.as_str(),
                e.to_string().as_str(),
                r,
                k.to_string().as_str()
            ),
            ("AAPL", "2023-06-16", OptionRight::Call, "150")
        );
        let (_, _, r, k) = OptionQuote::parse_occ("SPY240426P00555500").unwrap();
        assert_eq!((r, k.to_string().as_str()), (OptionRight::Put, "555.5"));
        assert!(OptionQuote::parse_occ("AAPL").is_err());
    }
}
