//! Exporting one series. An empty range is an error found before anything is written, so an
//! existing file stays untouched and no empty file appears; a file is written beside its target
//! and renamed into place ([`formats::export::Destination`]). Bars are adjusted on the way out
//! when asked ([`super::adjust`]); what is stored stays raw.

use domain::{Bar, Symbol, Timeframe};
use formats::export::{Destination, Format};
use store::{ActionStore, BarQuery, BarStore, StoreError};

use crate::AppError;
use crate::time::Window;

use super::adjust::{AdjustSpec, adjusted, adjuster};

#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub symbol: Symbol,
    pub timeframe: Timeframe,
    pub window: Window,
    pub format: Format,
    /// The symbol's quote bars (bid and ask) instead of its bars; CSV only.
    pub quotes: bool,
    /// Split (and dividend) adjustment on read, as of a date; raw by default.
    pub adjust: AdjustSpec,
}

/// Writes the series to `dest`; returns how many bars.
pub fn export(
    store: &(impl BarStore + ActionStore + ?Sized),
    req: &ExportRequest,
    dest: &Destination,
) -> Result<u64, AppError> {
    let query = BarQuery {
        symbol: req.symbol.clone(),
        timeframe: req.timeframe,
        start: req.window.start,
        end: req.window.end,
    };
    if req.quotes {
        if !req.adjust.adjustment.is_raw() {
            return Err(AppError::input(
                "--adjust: quote bars export raw (adjustment applies to bars)",
            ));
        }
        if req.format != Format::Csv {
            return Err(AppError::input(
                "--quotes: quote bars export as csv (json and parquet hold bars)",
            ));
        }
        let mut quotes = store.quote_bars(query).peekable();
        if quotes.peek().is_none() {
            return Err(AppError::NoData(format!(
                "no {} {} quote bars in that range; see `ztrade data status`",
                req.symbol, req.timeframe
            )));
        }
        return Ok(formats::export::export_quotes_to(
            dest,
            req.timeframe,
            quotes,
        )?);
    }
    let adjust = adjuster(store, &req.symbol, req.timeframe, req.adjust)?;
    let raw = store.bars(query);
    let bars: Box<dyn Iterator<Item = Result<Bar, StoreError>> + '_> = match adjust {
        Some(a) => Box::new(adjusted(raw, a.adjuster)),
        None => Box::new(raw),
    };
    let mut bars = bars.peekable();
    if bars.peek().is_none() {
        return Err(AppError::NoData(format!(
            "no {} {} bars in that range; see `ztrade data status`",
            req.symbol, req.timeframe
        )));
    }
    Ok(formats::export::export_to(
        dest,
        req.format,
        req.timeframe,
        bars,
    )?)
}
