//! `symbols list|show|set`.

use app::symbols::{CalendarChange, SymbolView};
use store::SymbolInfo;

use crate::{Text, table};

/// `symbols list`: one row per stored symbol.
pub fn symbols(t: &mut Text, list: &[SymbolInfo]) {
    if list.is_empty() {
        t.line("the store holds no symbols yet; try `ztrade data import FILE --symbol S`");
        return;
    }
    let rows = list.iter().map(|s| {
        vec![
            s.symbol.to_string(),
            s.calendar.to_string(),
            s.series.to_string(),
            s.rows.to_string(),
        ]
    });
    t.line(table(&["symbol", "calendar", "series", "rows"], rows).to_string());
}

/// `symbols show`: the calendar, then the symbol's series as `data status` shows them.
pub fn symbol(t: &mut Text, v: &SymbolView) {
    t.line(format!(
        "{} on the {} calendar: {}",
        v.symbol, v.calendar, v.sessions
    ));
    if v.series.is_empty() {
        t.line("no bar series stored");
        return;
    }
    super::status::series_table(t, &v.series);
}

/// `symbols set`.
pub fn calendar_change(t: &mut Text, c: &CalendarChange) {
    let s = &c.symbol;
    t.line(if c.changed() {
        format!(
            "{s}: calendar {} → {}; its day index was rebuilt and its next roll-up recomputes \
             every bucket",
            c.from, c.to
        )
    } else {
        format!("{s}: already on the {} calendar; nothing changed", c.to)
    });
}
