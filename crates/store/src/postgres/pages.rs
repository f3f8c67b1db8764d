//! Keyset pages of bars and quote bars in PostgreSQL, on a client or inside a transaction: used
//! by the streams, by a day's re-summary and by the day index's rebuild.

use domain::UnixNanos;
use postgres::GenericClient;
use postgres::ToStatement;

use crate::rows::{SeriesRow, page_bounds, tf_key};
use crate::{BarQuery, StoreError};

/// The page statement of `R`'s table.
pub(super) fn page_sql<R: SeriesRow>() -> String {
    format!(
        "SELECT ts, {} FROM {}
         WHERE symbol_id = (SELECT id FROM symbols WHERE symbol = $1)
           AND timeframe = $2 AND ts BETWEEN $3 AND $4
         ORDER BY ts LIMIT $5",
        R::COLUMNS.join(", "),
        R::TABLE
    )
}

pub(super) fn page<R: SeriesRow, C: GenericClient>(
    client: &mut C,
    q: &BarQuery,
    after: Option<UnixNanos>,
    limit: usize,
) -> Result<Vec<R>, StoreError> {
    page_on(client, page_sql::<R>().as_str(), q, after, limit)
}

/// [`page`] with its statement ([`page_sql`]) prepared by the caller, who reads many pages.
pub(super) fn page_on<R: SeriesRow, C: GenericClient, S: ToStatement + ?Sized>(
    client: &mut C,
    sql: &S,
    q: &BarQuery,
    after: Option<UnixNanos>,
    limit: usize,
) -> Result<Vec<R>, StoreError> {
    let Some((lo, hi)) = page_bounds(q, after) else {
        return Ok(Vec::new());
    };
    // Pages come through the row protocol. A binary `COPY (SELECT …) TO STDOUT` decoded here was
    // tried and was no faster: the sync driver spends its time per message either way (about
    // 0.5 µs of client CPU a bar; the server's index scan is the other half).
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = client.query(
        sql,
        &[&q.symbol.as_str(), &tf_key(q.timeframe), &lo, &hi, &limit],
    )?;
    let ncols = R::COLUMNS.len();
    let mut vals = [None; 16];
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let ts: i64 = row.try_get(0)?;
        for (c, v) in vals.iter_mut().enumerate().take(ncols) {
            *v = row.try_get(c + 1)?;
        }
        out.push(R::from_values(ts, &vals[..ncols])?);
    }
    Ok(out)
}
