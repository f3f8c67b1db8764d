//! Symbols and their calendars in SQLite. A calendar change rebuilds the symbol's day index and
//! forgets its roll-up checkpoints in the transaction that makes it.

use domain::Symbol;
use domain::calendar::Calendar;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::SqliteStore;
use crate::days::parse_calendar;
use crate::rows::{i64_to_count, parse_symbol};
use crate::{StoreError, SymbolInfo, SymbolStore};

impl SymbolStore for SqliteStore {
    fn symbols(&self) -> Result<Vec<SymbolInfo>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.symbol, s.calendar, count(st.symbol_id), coalesce(sum(st.rows), 0)
             FROM symbols s LEFT JOIN series_stats st ON st.symbol_id = s.id
             GROUP BY s.id, s.symbol, s.calendar ORDER BY s.symbol",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(SymbolInfo {
                symbol: parse_symbol(&r.get::<_, String>(0)?, "symbols")?,
                calendar: parse_calendar(&r.get::<_, String>(1)?)?,
                series: i64_to_count(r.get(2)?, "series_stats", "count")?,
                rows: i64_to_count(r.get(3)?, "series_stats", "rows")?,
            });
        }
        Ok(out)
    }

    fn symbol_calendar(&self, symbol: &Symbol) -> Result<Calendar, StoreError> {
        let text: Option<String> = self
            .conn
            .prepare_cached("SELECT calendar FROM symbols WHERE symbol = ?1")?
            .query_row([symbol.as_str()], |r| r.get(0))
            .optional()?;
        text.map_or(Ok(Calendar::default()), |t| parse_calendar(&t))
    }

    fn set_symbol_calendar(
        &mut self,
        symbol: &Symbol,
        calendar: Calendar,
    ) -> Result<Calendar, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sid = super::bars::intern(&tx, symbol)?;
        let old = super::days::calendar_of(&tx, sid)?;
        if old != calendar {
            tx.execute(
                "UPDATE symbols SET calendar = ?1 WHERE id = ?2",
                params![calendar.as_str(), sid],
            )?;
            tx.execute("DELETE FROM rollup_checkpoints WHERE symbol_id = ?1", [sid])?;
            super::days::rebuild_symbol(&tx, sid, calendar)?;
        }
        tx.commit()?;
        Ok(old)
    }
}
