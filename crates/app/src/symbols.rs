//! Symbols and their calendars: `ztrade symbols list|show|set` and `data import --calendar`.
//!
//! A symbol's calendar ([`Calendar`]: `nyse` by default, `fx`, `crypto`, `none`) is stored with
//! it and decides what its series should hold: the expected-bar grid of `data status` and the
//! collector's gap check, its roll-ups' trading days and its backtests' session close. Setting
//! it rebuilds the symbol's day index in the same transaction and forgets its roll-up
//! checkpoints ([`store::SymbolStore::set_symbol_calendar`]), so `data status` shows the new
//! count at once and the next `data rollup` recomputes every bucket on the new days.

use domain::Symbol;
use domain::calendar::Calendar;
use serde::Serialize;
use store::{BarStore, QualityStore, SymbolInfo, SymbolStore};

use crate::AppError;
use crate::data::status::{SeriesRow, status_of};

/// `symbols list`: every stored symbol with its calendar, series and rows.
pub fn list(store: &(impl SymbolStore + ?Sized)) -> Result<Vec<SymbolInfo>, AppError> {
    Ok(store.symbols()?)
}

/// `symbols show`: one symbol's calendar, what that calendar expects, and its series as
/// `data status` shows them.
#[derive(Debug, Serialize)]
pub struct SymbolView {
    pub symbol: Symbol,
    pub calendar: Calendar,
    /// What the calendar expects, for people.
    pub sessions: &'static str,
    pub series: Vec<SeriesRow>,
}

pub fn show(
    store: &(impl BarStore + SymbolStore + QualityStore + ?Sized),
    symbol: &Symbol,
) -> Result<SymbolView, AppError> {
    let Some(info) = store.symbols()?.into_iter().find(|s| &s.symbol == symbol) else {
        return Err(AppError::NoData(format!(
            "{symbol} is not stored; `ztrade symbols list` shows the symbols that are"
        )));
    };
    Ok(SymbolView {
        sessions: info.calendar.describe(),
        calendar: info.calendar,
        series: status_of(store, |s| &s.symbol == symbol)?.series,
        symbol: info.symbol,
    })
}

/// `symbols set`: the calendar a symbol was on and is on now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarChange {
    pub symbol: Symbol,
    pub from: Calendar,
    pub to: Calendar,
}

impl CalendarChange {
    pub fn changed(&self) -> bool {
        self.from != self.to
    }
}

/// Puts `symbol` on `calendar` (storing the symbol if new).
pub fn set(
    store: &mut (impl SymbolStore + ?Sized),
    symbol: &Symbol,
    calendar: Calendar,
) -> Result<CalendarChange, AppError> {
    let from = store.set_symbol_calendar(symbol, calendar)?;
    Ok(CalendarChange {
        symbol: symbol.clone(),
        from,
        to: calendar,
    })
}

/// `data import --calendar`: sets the calendar, when given, after the file was read and checked
/// (a refused file changes nothing) and before its rows are written, so that their day index
/// is built on it.
pub fn set_for_import(
    store: &mut (impl SymbolStore + ?Sized),
    symbol: &Symbol,
    calendar: Option<Calendar>,
) -> Result<(), AppError> {
    if let Some(c) = calendar {
        set(store, symbol, c)?;
    }
    Ok(())
}
