//! Keyset pages of bars and quote bars in SQLite: the hot read loop on SQLite's C API
//! ([`super::raw`]), used by the streams, by a day's re-summary and by the day index's rebuild.

use domain::UnixNanos;
use rusqlite::Connection;

use super::raw::RawStatement;
use crate::rows::{SeriesRow, page_bounds, tf_key};
use crate::{BarQuery, StoreError};

pub(super) fn page<R: SeriesRow>(
    conn: &Connection,
    q: &BarQuery,
    after: Option<UnixNanos>,
    limit: usize,
) -> Result<Vec<R>, StoreError> {
    let Some((lo, hi)) = page_bounds(q, after) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT ts, {} FROM {} \
         WHERE symbol_id = (SELECT id FROM symbols WHERE symbol = ?1) \
           AND timeframe = ?2 AND ts BETWEEN ?3 AND ?4 \
         ORDER BY ts LIMIT ?5",
        R::COLUMNS.join(", "),
        R::TABLE
    );
    let mut stmt = RawStatement::prepare(conn, &sql)?;
    stmt.bind_text(1, q.symbol.as_str())?;
    stmt.bind_text(2, &tf_key(q.timeframe))?;
    stmt.bind_i64(3, lo)?;
    stmt.bind_i64(4, hi)?;
    stmt.bind_i64(5, i64::try_from(limit).unwrap_or(i64::MAX))?;
    let ncols = R::COLUMNS.len();
    debug_assert_eq!(stmt.column_count() as usize, ncols + 1);
    let mut out = Vec::with_capacity(limit.min(1 << 16));
    let mut vals = [None; 16];
    while stmt.step()? {
        let ts = stmt
            .opt_i64(0, R::TABLE)?
            .ok_or_else(|| StoreError::Corrupt {
                table: R::TABLE,
                reason: "NULL ts".into(),
            })?;
        for (c, v) in vals.iter_mut().enumerate().take(ncols) {
            *v = stmt.opt_i64(c as i32 + 1, R::TABLE)?;
        }
        out.push(R::from_values(ts, &vals[..ncols])?);
    }
    Ok(out)
}
