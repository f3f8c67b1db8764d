//! Rows of the symbols role ([`crate::SymbolStore`]): a stored symbol with its calendar.

use domain::Symbol;
use domain::calendar::Calendar;
use serde::{Deserialize, Serialize};

/// One stored symbol: the calendar it is measured against and its bar series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SymbolInfo {
    pub symbol: Symbol,
    pub calendar: Calendar,
    /// Bar and quote-bar series stored under it.
    pub series: u64,
    /// Their rows.
    pub rows: u64,
}
