//! Quote bars out as CSV in LEAN's columns, `timestamp,bid_open,bid_high,bid_low,bid_close,
//! bid_size,ask_open,ask_high,ask_low,ask_close,ask_size`, a side without a quote in the period
//! left empty. The importer reads this back to the same quote bars.

use std::io::Write;

use domain::{Ohlc, Price, Quantity, QuoteBar, Timeframe};

use super::text::{push_date, push_fixed, push_rfc3339};
use super::{ExportError, SourceError};

pub const QUOTES_CSV_HEADER: &str = "timestamp,bid_open,bid_high,bid_low,bid_close,bid_size,\
                                     ask_open,ask_high,ask_low,ask_close,ask_size\n";

fn push_side(out: &mut Vec<u8>, side: Option<Ohlc>, size: Quantity) {
    match side {
        Some(o) => {
            for p in [o.open, o.high, o.low, o.close] {
                out.push(b',');
                push_fixed(out, p.raw(), Price::SCALE);
            }
        }
        None => out.extend_from_slice(b",,,,"),
    }
    out.push(b',');
    push_fixed(out, size.raw(), Quantity::SCALE);
}

/// Writes the header and one line per quote bar; returns the number written.
pub fn write_quotes_csv<I, E>(
    out: &mut (dyn Write + Send),
    timeframe: Timeframe,
    quotes: I,
) -> Result<u64, ExportError>
where
    I: IntoIterator<Item = Result<QuoteBar, E>>,
    E: Into<SourceError>,
{
    let daily = timeframe.is_daily_or_longer();
    let mut buf = Vec::with_capacity(1 << 16);
    buf.extend_from_slice(QUOTES_CSV_HEADER.as_bytes());
    let mut n = 0u64;
    for q in quotes {
        let q = q.map_err(|e| ExportError::Source(e.into()))?;
        if daily {
            push_date(&mut buf, q.ts);
        } else {
            push_rfc3339(&mut buf, q.ts);
        }
        push_side(&mut buf, q.bid, q.bid_size);
        push_side(&mut buf, q.ask, q.ask_size);
        buf.push(b'\n');
        n += 1;
        if buf.len() >= 1 << 16 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    out.flush()?;
    Ok(n)
}
