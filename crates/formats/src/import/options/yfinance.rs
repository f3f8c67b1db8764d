//! One row of a yfinance chain snapshot → an [`OptionQuote`].
//!
//! The contract comes from `contractSymbol` (OCC), American with 100 shares for a `REGULAR`
//! contract size; the `strike` and `optionType` columns must agree with it. A 0 bid or ask is
//! kept (a side nobody quotes) and an empty field is unknown (`None`): both are findings.

use domain::{OptionContract, OptionQuote, OptionStyle, STANDARD_MULTIPLIER, Symbol, UnixNanos};

use super::cells::{Cells, Clock, FieldError};
use super::header::YfinanceColumns;

/// A row read: its snapshot (at `ts`, the read loop's snapshot time once known) and the names
/// of the columns it left empty.
pub(super) struct Row {
    pub quote: OptionQuote,
    pub empty: Vec<String>,
}

pub(super) fn row(
    c: &Cells<'_>,
    cols: &YfinanceColumns,
    underlying: Option<&Symbol>,
    ts: UnixNanos,
    clock: &mut Clock,
) -> Result<Row, FieldError> {
    let multiplier = match cols.contract_size {
        Some(col) if !c.is_empty(col) => match c.text(col).to_ascii_uppercase().as_str() {
            "REGULAR" => STANDARD_MULTIPLIER,
            other => {
                return Err(c.err(
                    col,
                    format!("{other:?} is not a contract size this reader knows (REGULAR)"),
                ));
            }
        },
        _ => STANDARD_MULTIPLIER,
    };
    if c.is_empty(cols.occ) {
        return Err(c.err(cols.occ, "empty"));
    }
    let contract = OptionContract::from_occ(
        &c.text(cols.occ),
        underlying,
        OptionStyle::American,
        multiplier,
    )
    .map_err(|e| c.err(cols.occ, e.reason))?;
    let strike = c.price(cols.strike)?;
    if strike != contract.strike {
        return Err(c.err(
            cols.strike,
            format!(
                "{strike} is not the strike of {} ({})",
                contract.occ, contract.strike
            ),
        ));
    }
    if let Some(col) = cols.option_type.filter(|&col| !c.is_empty(col)) {
        let right = c.right(col)?;
        if right != contract.right {
            return Err(c.err(
                col,
                format!(
                    "{right} is not the right of {} ({})",
                    contract.occ, contract.right
                ),
            ));
        }
    }
    let mut q = OptionQuote::empty(contract, ts);
    q.last_trade_at = c.opt_instant(cols.last_trade, clock)?;
    q.last = c.opt_price(cols.last)?;
    q.bid = c.opt_price(cols.bid)?;
    q.ask = c.opt_price(cols.ask)?;
    q.volume = c.opt_quantity(cols.volume)?;
    q.open_interest = c.opt_quantity(cols.open_interest)?;
    q.iv = c.opt_ratio(cols.iv)?;
    let read = [
        Some(cols.last_trade),
        Some(cols.last),
        Some(cols.bid),
        Some(cols.ask),
        Some(cols.volume),
        Some(cols.open_interest),
        Some(cols.iv),
        cols.contract_size,
        cols.option_type,
    ];
    let empty = read
        .into_iter()
        .flatten()
        .filter(|&col| c.is_empty(col))
        .map(|col| c.names[col].trim().to_string())
        .collect();
    Ok(Row { quote: q, empty })
}
