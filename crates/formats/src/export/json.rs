//! JSON: an array with one object per line,
//! `{"timestamp":"…","open":167.65,…,"vwap":null,"trade_count":null}`. Prices are JSON numbers
//! written from the exact decimal text (never through f64), so `json.loads` with
//! `parse_float=Decimal` recovers them exactly.

use std::io::Write;

use domain::{Bar, Price, Quantity, Timeframe};

use super::text::{push_date, push_fixed, push_rfc3339, push_u64};
use super::{ExportError, SourceError};

const FLUSH_AT: usize = 1 << 16;

fn push_object(out: &mut Vec<u8>, bar: &Bar, daily: bool) {
    out.extend_from_slice(b"{\"timestamp\":\"");
    if daily {
        push_date(out, bar.ts);
    } else {
        push_rfc3339(out, bar.ts);
    }
    out.push(b'"');
    for (key, p) in [
        (&b",\"open\":"[..], bar.open),
        (b",\"high\":", bar.high),
        (b",\"low\":", bar.low),
        (b",\"close\":", bar.close),
    ] {
        out.extend_from_slice(key);
        push_fixed(out, p.raw(), Price::SCALE);
    }
    out.extend_from_slice(b",\"volume\":");
    push_fixed(out, bar.volume.raw(), Quantity::SCALE);
    out.extend_from_slice(b",\"vwap\":");
    match bar.vwap {
        Some(v) => push_fixed(out, v.raw(), Price::SCALE),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"trade_count\":");
    match bar.trade_count {
        Some(n) => push_u64(out, n),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
}

/// Writes `[`, one object per line, `]`; returns the number of bars.
pub fn write_json<W, I, E>(mut out: W, timeframe: Timeframe, bars: I) -> Result<u64, ExportError>
where
    W: Write,
    I: IntoIterator<Item = Result<Bar, E>>,
    E: Into<SourceError>,
{
    let daily = timeframe.is_daily_or_longer();
    let mut buf = Vec::with_capacity(FLUSH_AT + 512);
    buf.push(b'[');
    let mut n = 0u64;
    for bar in bars {
        let bar = bar.map_err(|e| ExportError::Source(e.into()))?;
        buf.extend_from_slice(if n == 0 { b"\n" } else { b",\n" });
        push_object(&mut buf, &bar, daily);
        n += 1;
        if buf.len() >= FLUSH_AT {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    buf.extend_from_slice(b"\n]\n");
    out.write_all(&buf)?;
    out.flush()?;
    Ok(n)
}
