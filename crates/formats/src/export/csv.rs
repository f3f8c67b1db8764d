//! CSV: `timestamp,open,high,low,close,volume,vwap,trade_count`, empty fields for missing values.
//! The importer reads this back to the same bars, and re-exporting gives the same bytes.

use std::io::Write;

use domain::{Bar, Price, Quantity, Timeframe};

use super::text::{push_date, push_fixed, push_rfc3339, push_u64};
use super::{ExportError, SourceError};

pub const CSV_HEADER: &str = "timestamp,open,high,low,close,volume,vwap,trade_count\n";

/// Bytes buffered before each write to `out`.
const FLUSH_AT: usize = 1 << 16;

fn push_row(out: &mut Vec<u8>, bar: &Bar, daily: bool) {
    if daily {
        push_date(out, bar.ts);
    } else {
        push_rfc3339(out, bar.ts);
    }
    for p in [bar.open, bar.high, bar.low, bar.close] {
        out.push(b',');
        push_fixed(out, p.raw(), Price::SCALE);
    }
    out.push(b',');
    push_fixed(out, bar.volume.raw(), Quantity::SCALE);
    out.push(b',');
    if let Some(v) = bar.vwap {
        push_fixed(out, v.raw(), Price::SCALE);
    }
    out.push(b',');
    if let Some(n) = bar.trade_count {
        push_u64(out, n);
    }
    out.push(b'\n');
}

/// Writes the header and one line per bar; returns the number of bars.
pub fn write_csv<W, I, E>(mut out: W, timeframe: Timeframe, bars: I) -> Result<u64, ExportError>
where
    W: Write,
    I: IntoIterator<Item = Result<Bar, E>>,
    E: Into<SourceError>,
{
    let daily = timeframe.is_daily_or_longer();
    let mut buf = Vec::with_capacity(FLUSH_AT + 256);
    buf.extend_from_slice(CSV_HEADER.as_bytes());
    let mut n = 0u64;
    for bar in bars {
        let bar = bar.map_err(|e| ExportError::Source(e.into()))?;
        push_row(&mut buf, &bar, daily);
        n += 1;
        if buf.len() >= FLUSH_AT {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    out.flush()?;
    Ok(n)
}
