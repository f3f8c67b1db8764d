//! Corporate actions as the providers send them, mapped onto [`domain::CorporateAction`].
//!
//! - [`ActionsRequest`]: symbols and an inclusive date range.
//! - [`ActionRecord`]: one action the domain models (a split or a cash dividend), with the
//!   provider's id and the provider's name for its kind. Kinds the domain does not model
//!   (mergers, spin-offs, name changes, …) are left out of a page's items and reported as
//!   [`crate::Issue::UnsupportedAction`].
//! - [`split_ratio`], [`stock_dividend_ratio`]: provider numbers (which may be decimals, `1.5`)
//!   as the whole-number ratio in lowest terms a split is stored as.
//!
//! The mapping, shared by both clients:
//!
//! | provider kind                                   | stored as                                      |
//! |-------------------------------------------------|------------------------------------------------|
//! | forward or reverse split (`old_rate` → `new_rate`, `split_from` → `split_to`) | split `from:to` (a reverse split simply has `from > to`) |
//! | stock dividend of `rate` new shares per share    | split `1 : 1 + rate` (the price effect of a stock dividend) |
//! | cash dividend (Polygon: any `dividend_type`, CD, SC, LT, ST) | cash dividend, amount per share |
//! | cash dividend in another currency than USD (Polygon `currency`) | left out: the bars are in USD |
//! | everything else                                  | left out and counted by kind                   |

use chrono::NaiveDate;
use domain::fixed::parse_decimal;
use domain::{CorporateAction, CorporateActionKind, DomainError, Price, Symbol};
use serde_json::value::RawValue;

use crate::error::ProviderError;

/// Rows per page both providers allow on these endpoints (and what is asked for).
pub(crate) const MAX_ACTIONS_PER_PAGE: u32 = 1_000;

/// Actions of `symbols` from `start` to `end`, both inclusive. Alpaca filters on the process
/// date, Polygon on the execution date (splits) and the ex-dividend date (dividends).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionsRequest {
    pub symbols: Vec<Symbol>,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl ActionsRequest {
    /// A non-empty symbol list within `max`, and a range that is not backwards.
    pub(crate) fn check(&self, max: usize) -> Result<(), ProviderError> {
        let bad = |m: String| Err(ProviderError::InvalidRequest(m));
        if self.symbols.is_empty() {
            return bad("no symbol given".into());
        }
        if self.symbols.len() > max {
            return bad(format!(
                "{} symbols in one request; this provider takes at most {max}",
                self.symbols.len()
            ));
        }
        if self.start > self.end {
            return bad(format!("start {} is after end {}", self.start, self.end));
        }
        Ok(())
    }
}

/// One action as a provider sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRecord {
    /// The provider's id of the event; for a record without one, its kind, symbol, date and
    /// values, so the same record sent twice has the same id.
    pub id: String,
    /// The provider's name of the kind: `forward_split`, `reverse_split`, `stock_dividend`,
    /// `cash_dividend`, or Polygon's `dividend_type` as `cash_dividend_cd`, `…_sc`, …
    pub source: String,
    pub action: CorporateAction,
}

impl ActionRecord {
    /// The record, with `id` made from its fields when the provider sent none.
    pub(crate) fn new(id: Option<String>, source: String, action: CorporateAction) -> Self {
        let id = id.filter(|i| !i.is_empty()).unwrap_or_else(|| {
            let what = match action.kind {
                CorporateActionKind::Split { from, to } => format!("{from}:{to}"),
                CorporateActionKind::CashDividend { amount } => amount.to_string(),
            };
            format!("{source}/{}/{}/{what}", action.symbol, action.ex_date)
        });
        Self { id, source, action }
    }
}

/// `YYYY-MM-DD`.
pub(crate) fn date(text: &str, field: &'static str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| DomainError::new(field, format!("{text:?} is not a date (YYYY-MM-DD)")))
}

/// A number's text; a quoted number is accepted too.
fn text(raw: &RawValue) -> &str {
    let s = raw.get();
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

/// Decimal places a rate may have: more than any real ratio, few enough for `u32` sides once
/// reduced.
const RATE_DECIMALS: u32 = 9;

fn scaled(raw: &RawValue, field: &'static str) -> Result<u128, DomainError> {
    let v = parse_decimal(text(raw), RATE_DECIMALS, false)
        .map_err(|e| DomainError::new(field, format!("{}: {e}", raw.get())))?;
    match u128::try_from(v) {
        Ok(v) if v > 0 => Ok(v),
        _ => Err(DomainError::new(
            field,
            format!("{} is not a positive number", raw.get()),
        )),
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `from:to` in lowest terms, both sides fitting the stored `u32`.
fn lowest(from: u128, to: u128, field: &'static str) -> Result<(u32, u32), DomainError> {
    let g = gcd(from, to);
    match (u32::try_from(from / g), u32::try_from(to / g)) {
        (Ok(f), Ok(t)) => Ok((f, t)),
        _ => Err(DomainError::new(
            field,
            format!("ratio {from}:{to} does not reduce to whole numbers below 2^32"),
        )),
    }
}

/// `old` shares became `new` ones, as whole numbers in lowest terms (`1.5` for `1` is 3:2).
pub fn split_ratio(
    old: &RawValue,
    new: &RawValue,
    fields: [&'static str; 2],
) -> Result<(u32, u32), DomainError> {
    lowest(scaled(old, fields[0])?, scaled(new, fields[1])?, fields[0])
}

/// A stock dividend of `rate` new shares per share held, as the split with the same effect on
/// the price: `1 : 1 + rate` (5% is 20:21).
pub fn stock_dividend_ratio(rate: &RawValue) -> Result<(u32, u32), DomainError> {
    let unit = 10u128.pow(RATE_DECIMALS);
    lowest(unit, unit + scaled(rate, "rate")?, "rate")
}

/// A split of `symbol` on `ex_date`.
pub(crate) fn split(
    symbol: &str,
    ex_date: NaiveDate,
    (from, to): (u32, u32),
) -> Result<CorporateAction, DomainError> {
    CorporateAction::new(
        Symbol::new(symbol)?,
        ex_date,
        CorporateActionKind::Split { from, to },
    )
}

/// A cash dividend of `amount` per share.
pub(crate) fn cash_dividend(
    symbol: &str,
    ex_date: NaiveDate,
    amount: &RawValue,
) -> Result<CorporateAction, DomainError> {
    let amount = Price::parse_rounded(text(amount))
        .map_err(|e| DomainError::new("amount", format!("{}: {e}", amount.get())))?
        .in_range("amount")?;
    CorporateAction::new(
        Symbol::new(symbol)?,
        ex_date,
        CorporateActionKind::CashDividend { amount },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_owned()).unwrap()
    }

    #[test]
    fn ratios_are_whole_numbers_in_lowest_terms() {
        let f = ["old_rate", "new_rate"];
        assert_eq!(split_ratio(&raw("1"), &raw("7"), f).unwrap(), (1, 7));
        assert_eq!(split_ratio(&raw("50"), &raw("1"), f).unwrap(), (50, 1));
        assert_eq!(split_ratio(&raw("1"), &raw("1.5"), f).unwrap(), (2, 3));
        assert_eq!(split_ratio(&raw("10"), &raw("20"), f).unwrap(), (1, 2));
        assert_eq!(split_ratio(&raw("\"3\""), &raw("4"), f).unwrap(), (3, 4));
        let zero = split_ratio(&raw("0"), &raw("2"), f).unwrap_err();
        assert_eq!(zero.field, "old_rate");
        assert!(split_ratio(&raw("-1"), &raw("2"), f).is_err());
        assert!(split_ratio(&raw("1"), &raw("0.0000000001"), f).is_err());
        // Too fine to store: 5 : 1.000000001 is 5,000,000,000 : 1,000,000,001.
        assert!(split_ratio(&raw("5"), &raw("1.000000001"), f).is_err());
        assert_eq!(stock_dividend_ratio(&raw("0.05")).unwrap(), (20, 21));
        assert_eq!(stock_dividend_ratio(&raw("1")).unwrap(), (1, 2));
    }

    #[test]
    fn a_record_without_an_id_gets_one_from_its_fields() {
        let d = NaiveDate::from_ymd_opt(2022, 7, 18).unwrap();
        let a = split("GOOG", d, (1, 20)).unwrap();
        let r = ActionRecord::new(None, "forward_split".into(), a.clone());
        assert_eq!(r.id, "forward_split/GOOG/2022-07-18/1:20");
        assert_eq!(ActionRecord::new(Some("x1".into()), "s".into(), a).id, "x1");
        let div = cash_dividend("FCF", d, &raw("0.125")).unwrap();
        assert_eq!(
            div.kind,
            CorporateActionKind::CashDividend {
                amount: Price::lit("0.125")
            }
        );
        assert_eq!(
            cash_dividend("FCF", d, &raw("0")).unwrap_err().field,
            "amount"
        );
        assert_eq!(date("2022-7-18", "ex_date").unwrap_err().field, "ex_date");
    }
}
