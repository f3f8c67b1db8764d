//! What LEAN's option quote and trade bars share: the contract columns and the bar's end.

use domain::{OptionContract, STANDARD_MULTIPLIER, Symbol, UnixNanos};

use super::LEAN_BAR;
use super::cells::{Cells, Clock, FieldError};
use super::header::LeanContract;

/// The row's contract and the end of its bar (bars are labelled with their start; the close is
/// the market at the end). The contract's OCC root is the `underlying` column; `underlying`, when
/// given, names the underlying instead.
pub(super) fn contract_and_end(
    c: &Cells<'_>,
    cols: &LeanContract,
    underlying: Option<&Symbol>,
    clock: &mut Clock,
) -> Result<(OptionContract, UnixNanos), FieldError> {
    let start = c.instant(cols.ts, clock)?;
    let bar = i64::try_from(LEAN_BAR.as_nanos()).unwrap_or(i64::MAX);
    let end = start
        .checked_plus(bar)
        .ok_or_else(|| c.err(cols.ts, "the bar's end is past 2262"))?;
    let root = c.symbol(cols.underlying)?;
    let right = c.right(cols.right)?;
    let style = c.style(cols.style)?;
    let strike = c.price(cols.strike)?;
    let expiry = c.date(cols.expiry)?;
    let mut contract = OptionContract::new(root, expiry, right, strike, style, STANDARD_MULTIPLIER)
        .map_err(|e| match e.field {
            "expiry" => c.err(cols.expiry, e.reason),
            _ => c.err(cols.strike, e.reason),
        })?;
    if let Some(u) = underlying {
        contract.underlying = u.clone();
    }
    Ok((contract, end))
}
