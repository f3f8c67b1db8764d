//! One row of LEAN option minute trade bars → an [`OptionQuote`] at the end of the minute with
//! only the trade fields: `last` the close, the bar's volume, and `last_trade_at` the bar's end
//! (a minute bar says a trade happened within it, not when; its end is the latest it can be).

use domain::{OptionQuote, Symbol};

use super::cells::{Cells, Clock, FieldError};
use super::header::LeanTradeColumns;
use super::lean::contract_and_end;

pub(super) fn row(
    c: &Cells<'_>,
    cols: &LeanTradeColumns,
    underlying: Option<&Symbol>,
    clock: &mut Clock,
) -> Result<OptionQuote, FieldError> {
    let (contract, end) = contract_and_end(c, &cols.contract, underlying, clock)?;
    for &col in &cols.ohlc {
        c.price(col)?;
    }
    let mut q = OptionQuote::empty(contract, end);
    q.last = Some(c.price(cols.ohlc[3])?);
    q.volume = Some(c.quantity(cols.volume)?);
    q.last_trade_at = Some(end);
    Ok(q)
}
