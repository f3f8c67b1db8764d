//! Symbols and their calendars in PostgreSQL. A calendar change locks the symbol's row (bar
//! batches read it `FOR SHARE`, see `days`), rebuilds its day index and forgets its roll-up
//! checkpoints in one transaction.

use domain::Symbol;
use domain::calendar::Calendar;

use super::PgStore;
use crate::days::parse_calendar;
use crate::rows::{i64_to_count, parse_symbol};
use crate::{StoreError, SymbolInfo, SymbolStore};

impl SymbolStore for PgStore {
    fn symbols(&self) -> Result<Vec<SymbolInfo>, StoreError> {
        let rows = self.client.borrow_mut().query(
            "SELECT s.symbol, s.calendar, count(st.symbol_id), coalesce(sum(st.rows), 0)::BIGINT
             FROM symbols s LEFT JOIN series_stats st ON st.symbol_id = s.id
             GROUP BY s.id, s.symbol, s.calendar ORDER BY s.symbol",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok(SymbolInfo {
                    symbol: parse_symbol(r.get(0), "symbols")?,
                    calendar: parse_calendar(r.get(1))?,
                    series: i64_to_count(r.get(2), "series_stats", "count")?,
                    rows: i64_to_count(r.get(3), "series_stats", "rows")?,
                })
            })
            .collect()
    }

    fn symbol_calendar(&self, symbol: &Symbol) -> Result<Calendar, StoreError> {
        let row = self.client.borrow_mut().query_opt(
            "SELECT calendar FROM symbols WHERE symbol = $1",
            &[&symbol.as_str()],
        )?;
        row.map_or(Ok(Calendar::default()), |r| parse_calendar(r.get(0)))
    }

    fn set_symbol_calendar(
        &mut self,
        symbol: &Symbol,
        calendar: Calendar,
    ) -> Result<Calendar, StoreError> {
        let mut tx = self.client.get_mut().transaction()?;
        let sid = super::bars::intern(&mut tx, symbol)?;
        let row = tx.query_one(
            "SELECT calendar FROM symbols WHERE id = $1 FOR UPDATE",
            &[&sid],
        )?;
        let old = parse_calendar(row.get(0))?;
        if old != calendar {
            tx.execute(
                "UPDATE symbols SET calendar = $1 WHERE id = $2",
                &[&calendar.as_str(), &sid],
            )?;
            tx.execute(
                "DELETE FROM rollup_checkpoints WHERE symbol_id = $1",
                &[&sid],
            )?;
            super::days::rebuild_symbol(&mut tx, sid, calendar)?;
        }
        tx.commit()?;
        Ok(old)
    }
}
