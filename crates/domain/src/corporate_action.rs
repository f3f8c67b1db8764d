//! Splits and cash dividends, keyed by ex-date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::fixed::Price;
use crate::symbol::Symbol;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CorporateActionKind {
    /// `to` new shares for every `from` old ones (AAPL 2014: 7 for 1).
    Split { from: u32, to: u32 },
    /// Cash per share.
    CashDividend { amount: Price },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorporateAction {
    pub symbol: Symbol,
    pub ex_date: NaiveDate,
    #[serde(flatten)]
    pub kind: CorporateActionKind,
}

impl CorporateAction {
    pub fn new(
        symbol: Symbol,
        ex_date: NaiveDate,
        kind: CorporateActionKind,
    ) -> Result<Self, DomainError> {
        match kind {
            CorporateActionKind::Split { from, to } if from == 0 || to == 0 => {
                return Err(DomainError::new(
                    "ratio",
                    format!("split {to}:{from} has a zero side"),
                ));
            }
            CorporateActionKind::CashDividend { amount }
                if amount.is_negative() || amount.is_zero() =>
            {
                return Err(DomainError::new(
                    "amount",
                    format!("dividend {amount} is not positive"),
                ));
            }
            _ => {}
        }
        Ok(Self {
            symbol,
            ex_date,
            kind,
        })
    }

    /// Adjusts a price from before the ex-date so it is comparable with prices after it
    /// (splits only; dividends need the prior close and are applied by the adjuster). `None`
    /// when a reverse split takes the price beyond what [`Price`] holds.
    pub fn adjust_price(&self, p: Price) -> Option<Price> {
        match self.kind {
            CorporateActionKind::Split { from, to } => {
                p.checked_mul_ratio(i64::from(from), i64::from(to))
            }
            CorporateActionKind::CashDividend { .. } => Some(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aapl_2014_split() {
        let a = CorporateAction::new(
            Symbol::lit("AAPL"),
            NaiveDate::from_ymd_opt(2014, 6, 9).unwrap(),
            CorporateActionKind::Split { from: 1, to: 7 },
        )
        .unwrap();
        assert_eq!(
            a.adjust_price(Price::lit("645.57")).unwrap().to_string(),
            "92.224285714"
        );
        let bad = CorporateActionKind::Split { from: 0, to: 7 };
        assert_eq!(
            CorporateAction::new(Symbol::lit("AAPL"), a.ex_date, bad)
                .unwrap_err()
                .field,
            "ratio"
        );
    }
}
