//! One row of LEAN option minute quote bars → an [`OptionQuote`] at the end of the minute: the
//! bid and ask are the closes (the quote standing at that instant), with their sizes.

use domain::{OptionQuote, Symbol};

use super::cells::{Cells, Clock, FieldError};
use super::header::LeanQuoteColumns;
use super::lean::contract_and_end;

pub(super) fn row(
    c: &Cells<'_>,
    cols: &LeanQuoteColumns,
    underlying: Option<&Symbol>,
    clock: &mut Clock,
) -> Result<OptionQuote, FieldError> {
    let (contract, end) = contract_and_end(c, &cols.contract, underlying, clock)?;
    // Open, high and low are not kept, but a bad number there is a bad row all the same.
    for &col in cols.bid.iter().chain(&cols.ask) {
        c.price(col)?;
    }
    let mut q = OptionQuote::empty(contract, end);
    q.bid = Some(c.price(cols.bid[3])?);
    q.ask = Some(c.price(cols.ask[3])?);
    q.bid_size = Some(c.quantity(cols.bid_size)?);
    q.ask_size = Some(c.quantity(cols.ask_size)?);
    q.quoted_at = Some(end);
    Ok(q)
}
