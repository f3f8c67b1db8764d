//! Corporate-action rows as both backends write and read them: the columns of one action, the
//! batch check, and the decoding of a fetched row.

use std::collections::HashSet;

use chrono::NaiveDate;
use domain::{CorporateAction, CorporateActionKind, Price};

use crate::StoreError;
use crate::decode::Columns;
use crate::rows::parse_symbol;

const T: &str = "corporate_actions";

/// `kind`, `split_from`, `split_to`, `amount` as stored.
pub(crate) struct ActionColumns {
    pub kind: &'static str,
    pub split_from: Option<i64>,
    pub split_to: Option<i64>,
    pub amount: Option<i64>,
}

pub(crate) fn columns(a: &CorporateAction) -> ActionColumns {
    match a.kind {
        CorporateActionKind::Split { from, to } => ActionColumns {
            kind: "split",
            split_from: Some(i64::from(from)),
            split_to: Some(i64::from(to)),
            amount: None,
        },
        CorporateActionKind::CashDividend { amount } => ActionColumns {
            kind: "cash_dividend",
            split_from: None,
            split_to: None,
            amount: Some(amount.raw()),
        },
    }
}

/// Refuses two actions with one (symbol, ex_date, kind) in a batch.
pub(crate) fn check_unique(actions: &[CorporateAction]) -> Result<(), StoreError> {
    let mut seen = HashSet::with_capacity(actions.len());
    for a in actions {
        let kind = columns(a).kind;
        if !seen.insert((&a.symbol, a.ex_date, kind)) {
            return Err(StoreError::Invalid(format!(
                "two {kind} actions for {} on {} in one batch",
                a.symbol, a.ex_date
            )));
        }
    }
    Ok(())
}

/// Columns: symbol, ex_date (YYYY-MM-DD text), kind, split_from, split_to, amount.
pub(crate) fn action(r: &impl Columns) -> Result<CorporateAction, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt { table: T, reason };
    let symbol = parse_symbol(&r.text(0)?, T)?;
    let date = r.text(1)?;
    let ex_date = NaiveDate::parse_from_str(&date, "%Y-%m-%d")
        .map_err(|e| corrupt(format!("ex_date {date:?}: {e}")))?;
    let ratio = |i: usize| -> Result<u32, StoreError> {
        let v = r.opt_int(i)?.unwrap_or(0);
        u32::try_from(v).map_err(|_| corrupt(format!("split ratio {v}")))
    };
    let kind = match &*r.text(2)? {
        "split" => CorporateActionKind::Split {
            from: ratio(3)?,
            to: ratio(4)?,
        },
        "cash_dividend" => CorporateActionKind::CashDividend {
            amount: Price::from_raw(r.opt_int(5)?.unwrap_or(0)),
        },
        other => return Err(corrupt(format!("kind {other:?}"))),
    };
    CorporateAction::new(symbol, ex_date, kind).map_err(|e| corrupt(e.to_string()))
}
