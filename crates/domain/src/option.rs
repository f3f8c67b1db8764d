//! Option contracts and their quote snapshots.
//!
//! - [`OptionContract`]: what a contract *is* (underlying, expiry, strike, right, exercise style,
//!   multiplier, OCC symbol), parsed and validated once.
//! - [`OptionQuote`]: what the market said about it at one instant (bid, ask and their sizes,
//!   last, volume, open interest, and the provider's IV and greeks when it gave them).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::fixed::{Price, Quantity};
use crate::symbol::Symbol;
use crate::time::UnixNanos;

/// Call or put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionRight {
    Call,
    Put,
}

impl OptionRight {
    /// `c`, `call`, `p` or `put`, any case.
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

    /// `call` or `put`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::Put => "put",
        }
    }
}

impl fmt::Display for OptionRight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When the holder may exercise: any day up to expiry (US equity and ETF options) or only at
/// expiry (most index options, e.g. SPX).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum OptionStyle {
    #[default]
    American,
    European,
}

impl OptionStyle {
    /// `american` or `european`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::American => "american",
            Self::European => "european",
        }
    }
}

impl FromStr for OptionStyle {
    type Err = DomainError;

    fn from_str(text: &str) -> Result<Self, DomainError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "american" | "a" => Ok(Self::American),
            "european" | "e" => Ok(Self::European),
            other => Err(DomainError::new(
                "style",
                format!("{other:?} is not american or european"),
            )),
        }
    }
}

impl fmt::Display for OptionStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Shares per standard US equity option contract.
pub const STANDARD_MULTIPLIER: u32 = 100;

/// One listed option contract.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OptionContract {
    /// OCC symbol without padding, e.g. `AAPL230616C00150000`.
    pub occ: Symbol,
    /// The ticker the contract delivers. An adjusted contract's OCC root (`AAPL1`) is not it.
    pub underlying: Symbol,
    pub expiry: NaiveDate,
    pub strike: Price,
    pub right: OptionRight,
    pub style: OptionStyle,
    /// Units of the underlying per contract (100 for standard equity options).
    pub multiplier: u32,
}

impl OptionContract {
    /// A contract from its parts; the OCC symbol is built from them.
    pub fn new(
        underlying: Symbol,
        expiry: NaiveDate,
        right: OptionRight,
        strike: Price,
        style: OptionStyle,
        multiplier: u32,
    ) -> Result<Self, DomainError> {
        let occ = occ_symbol(&underlying, expiry, right, strike)?;
        let c = Self {
            occ,
            underlying,
            expiry,
            strike,
            right,
            style,
            multiplier,
        };
        c.validate()?;
        Ok(c)
    }

    /// A contract from its OCC symbol (optionally `O:`-prefixed). The underlying is the OCC
    /// root unless `underlying` names it.
    pub fn from_occ(
        occ: &str,
        underlying: Option<&Symbol>,
        style: OptionStyle,
        multiplier: u32,
    ) -> Result<Self, DomainError> {
        let (root, expiry, right, strike) = parse_occ(occ)?;
        let c = Self {
            occ: Symbol::new(occ.trim().trim_start_matches("O:"))?,
            underlying: underlying.cloned().unwrap_or(root),
            expiry,
            strike,
            right,
            style,
            multiplier,
        };
        c.validate()?;
        Ok(c)
    }

    /// Checks the strike is positive and OCC-representable and the multiplier is not zero.
    pub fn validate(&self) -> Result<(), DomainError> {
        self.strike.in_range("strike")?;
        if self.strike.raw() <= 0 {
            return Err(DomainError::new("strike", "must be above zero"));
        }
        if self.multiplier == 0 {
            return Err(DomainError::new("multiplier", "must be above zero"));
        }
        Ok(())
    }
}

/// The OCC symbol of a contract: root, `YYMMDD`, `C`/`P`, strike × 1000 in eight digits.
pub fn occ_symbol(
    root: &Symbol,
    expiry: NaiveDate,
    right: OptionRight,
    strike: Price,
) -> Result<Symbol, DomainError> {
    let unit = Price::UNIT / 1000;
    let bad = |why: &str| DomainError::new("strike", format!("{strike} {why}"));
    if strike.raw() <= 0 || strike.raw() % unit != 0 {
        return Err(bad("is not a positive multiple of 0.001"));
    }
    let thousandths = strike.raw() / unit;
    if thousandths > 99_999_999 {
        return Err(bad("is above the OCC maximum 99999.999"));
    }
    if !(2000..=2099).contains(&expiry.year()) {
        return Err(DomainError::new(
            "expiry",
            format!("{expiry} is outside the OCC years 2000..=2099"),
        ));
    }
    let r = match right {
        OptionRight::Call => 'C',
        OptionRight::Put => 'P',
    };
    Symbol::new(&format!(
        "{}{}{r}{thousandths:08}",
        root.as_str(),
        expiry.format("%y%m%d")
    ))
}

/// Splits an OCC symbol (`AAPL230616C00150000`, optionally `O:`-prefixed) into root, expiry,
/// right and strike.
pub fn parse_occ(occ: &str) -> Result<(Symbol, NaiveDate, OptionRight, Price), DomainError> {
    let s = occ.trim().trim_start_matches("O:");
    let bad = || DomainError::new("contract", format!("{occ:?} is not an OCC option symbol"));
    if s.len() < 16 || !s.is_ascii() {
        return Err(bad());
    }
    let (root, tail) = s.split_at(s.len() - 15);
    if !tail[..6].bytes().all(|b| b.is_ascii_digit())
        || !tail[7..].bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let expiry =
        NaiveDate::parse_from_str(&format!("20{}", &tail[..6]), "%Y%m%d").map_err(|_| bad())?;
    let right = OptionRight::parse(&tail[6..7])?;
    let strike_int: i64 = tail[7..].parse().map_err(|_| bad())?;
    let strike = Price::from_raw(strike_int * (Price::UNIT / 1000));
    Ok((Symbol::new(root.trim())?, expiry, right, strike))
}

/// A snapshot of one contract's market at `ts`. IV and greeks are the provider's model outputs,
/// not money, so they are floats; ztrade computes its own in the `options` crate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionQuote {
    /// The snapshot's time: when the chain was observed (or the provider's latest update).
    pub ts: UnixNanos,
    pub contract: OptionContract,
    pub bid: Option<Price>,
    pub ask: Option<Price>,
    /// Contracts at the bid and at the ask.
    pub bid_size: Option<Quantity>,
    pub ask_size: Option<Quantity>,
    /// When the quote was last updated, when the provider says; a quote much older than `ts` is
    /// stale.
    pub quoted_at: Option<UnixNanos>,
    pub last: Option<Price>,
    /// When `last` traded.
    pub last_trade_at: Option<UnixNanos>,
    pub volume: Option<Quantity>,
    pub open_interest: Option<Quantity>,
    /// The underlying's price the provider reported with the snapshot.
    pub underlying_price: Option<Price>,
    pub iv: Option<f64>,
    pub delta: Option<f64>,
    pub gamma: Option<f64>,
    pub theta: Option<f64>,
    pub vega: Option<f64>,
    pub rho: Option<f64>,
}

impl OptionQuote {
    /// An empty snapshot of `contract` at `ts`, for filling in field by field.
    pub fn empty(contract: OptionContract, ts: UnixNanos) -> Self {
        Self {
            ts,
            contract,
            bid: None,
            ask: None,
            bid_size: None,
            ask_size: None,
            quoted_at: None,
            last: None,
            last_trade_at: None,
            volume: None,
            open_interest: None,
            underlying_price: None,
            iv: None,
            delta: None,
            gamma: None,
            theta: None,
            vega: None,
            rho: None,
        }
    }

    /// Splits an OCC symbol; see [`parse_occ`].
    pub fn parse_occ(occ: &str) -> Result<(Symbol, NaiveDate, OptionRight, Price), DomainError> {
        parse_occ(occ)
    }

    /// Checks prices and sizes are in range and not negative, and the model outputs are finite.
    /// A crossed or one-sided quote is real data and passes.
    pub fn validate(&self) -> Result<(), DomainError> {
        self.contract.validate()?;
        for (f, p) in [
            ("bid", self.bid),
            ("ask", self.ask),
            ("last", self.last),
            ("underlying_price", self.underlying_price),
        ] {
            if let Some(p) = p {
                p.in_range(f)?;
                if p.raw() < 0 {
                    return Err(DomainError::new(f, "is negative"));
                }
            }
        }
        for (f, q) in [
            ("bid_size", self.bid_size),
            ("ask_size", self.ask_size),
            ("volume", self.volume),
            ("open_interest", self.open_interest),
        ] {
            if let Some(q) = q
                && q.raw() < 0
            {
                return Err(DomainError::new(f, "is negative"));
            }
        }
        for (f, v) in [
            ("iv", self.iv),
            ("delta", self.delta),
            ("gamma", self.gamma),
            ("theta", self.theta),
            ("vega", self.vega),
            ("rho", self.rho),
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
        let (u, e, r, k) = parse_occ("O:AAPL230616C00150000").unwrap();
        assert_eq!(
            (
                u.as_str(),
                e.to_string().as_str(),
                r,
                k.to_string().as_str()
            ),
            ("AAPL", "2023-06-16", OptionRight::Call, "150")
        );
        let (_, _, r, k) = parse_occ("SPY240426P00555500").unwrap();
        assert_eq!((r, k.to_string().as_str()), (OptionRight::Put, "555.5"));
        assert!(parse_occ("AAPL").is_err());
        assert!(parse_occ("SPY24042XP00555500").is_err());
        assert!(parse_occ("SPY240426P0055550x").is_err());
    }

    #[test]
    fn contracts_round_trip_through_occ() {
        let spy = Symbol::new("SPY").unwrap();
        let expiry = NaiveDate::from_ymd_opt(2023, 9, 1).unwrap();
        let c = OptionContract::new(
            spy.clone(),
            expiry,
            OptionRight::Put,
            "430.5".parse().unwrap(),
            OptionStyle::American,
            STANDARD_MULTIPLIER,
        )
        .unwrap();
        assert_eq!(c.occ.as_str(), "SPY230901P00430500");
        let back = OptionContract::from_occ("O:SPY230901P00430500", None, c.style, 100).unwrap();
        assert_eq!(back, c);
        let adjusted =
            OptionContract::from_occ("AAPL1230616C00150000", Some(&spy), c.style, 100).unwrap();
        assert_eq!(adjusted.underlying, spy);
    }

    #[test]
    fn bad_contracts_are_refused() {
        let spy = Symbol::new("SPY").unwrap();
        let expiry = NaiveDate::from_ymd_opt(2023, 9, 1).unwrap();
        let make = |k: &str, m| {
            OptionContract::new(
                spy.clone(),
                expiry,
                OptionRight::Call,
                k.parse().unwrap(),
                OptionStyle::European,
                m,
            )
        };
        assert!(make("0", 100).is_err());
        assert!(make("1.0005", 100).is_err());
        assert!(make("100000", 100).is_err());
        assert!(make("100", 0).is_err());
        assert!(make("100", 10).is_ok());
        assert_eq!(
            "European".parse::<OptionStyle>().unwrap(),
            OptionStyle::European
        );
        assert!("bermudan".parse::<OptionStyle>().is_err());
    }
}
