//! Trades and quotes in SQLite.
//!
//! Each batch is one IMMEDIATE transaction (plus the checkpoint, when given); a file import
//! (`import_*`) writes all its batches in one. Speed comes from the
//! bar path's habits: statements inserting [`CHUNK`] rows each, with the symbol id and
//! created_at bound once as `?1`, `?2`; and, when the batch's [first, last] holds no tick of the symbol yet (a first import, a
//! backfill of new days), a plain INSERT instead of the upsert. Otherwise each row is an
//! `INSERT … ON CONFLICT DO UPDATE … WHERE <a column differs>`: rows in the range before and after
//! give `inserted`, and `changes()` (which the WHERE keeps at 0 for identical rows) gives
//! `updated`.

use std::borrow::Cow;

use domain::{Price, Quantity, QuoteTick, Symbol, TradeTick, UnixNanos};
use rusqlite::{Connection, Row, Statement, TransactionBehavior, params};

use super::insert::{self, InsertShape};
use super::{SqliteStore, bars::intern, collect};
use crate::collection_rows::{check_seq_unique, join_codes, split_codes};
use crate::rows::inclusive_bounds;
use crate::{Checkpoint, Seq, StoreError, TickFeed, TickStore, UpsertCounts};

/// Rows per multi-row INSERT (as for bars: 32 rows a statement, then the gain is flat).
const CHUNK: usize = 32;

/// Leading parameters shared by every row: symbol_id, created_at (bound once, where the
/// column's default would call `unixepoch()` for every row).
const SHARED: usize = 2;

/// One tick table: its name, value columns (after symbol_id, ts, seq) and row conversions.
trait TickRow: Sized {
    const TABLE: &'static str;
    const WHAT: &'static str;
    const COLUMNS: &'static [&'static str];
    fn ts(&self) -> UnixNanos;
    /// Binds COLUMNS from parameter `*i` on, advancing it.
    fn bind(&self, stmt: &mut Statement<'_>, i: &mut usize) -> Result<(), StoreError>;
    /// `row` holds ts, seq, then COLUMNS.
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError>;
}

/// The stored form of condition codes, borrowed for the usual single code.
fn codes<'a>(codes: &'a [String], what: &str) -> Result<Cow<'a, str>, StoreError> {
    match codes {
        [] => Ok(Cow::Borrowed("")),
        [one] if !one.contains(',') => Ok(Cow::Borrowed(one)),
        many => join_codes(many, what).map(Cow::Owned),
    }
}

#[inline]
fn put<T: rusqlite::ToSql>(
    stmt: &mut Statement<'_>,
    i: &mut usize,
    v: T,
) -> Result<(), StoreError> {
    stmt.raw_bind_parameter(*i, v)?;
    *i += 1;
    Ok(())
}

impl TickRow for TradeTick {
    const TABLE: &'static str = "market_trades";
    const WHAT: &'static str = "trades";
    const COLUMNS: &'static [&'static str] = &[
        "price",
        "size",
        "exchange",
        "conditions",
        "trade_id",
        "suspicious",
    ];
    fn ts(&self) -> UnixNanos {
        self.ts
    }
    #[inline]
    fn bind(&self, stmt: &mut Statement<'_>, i: &mut usize) -> Result<(), StoreError> {
        put(stmt, i, self.price.raw())?;
        put(stmt, i, self.size.raw())?;
        put(stmt, i, self.exchange.as_str())?;
        put(stmt, i, codes(&self.conditions, "trade")?.as_ref())?;
        put(stmt, i, self.trade_id.as_deref())?;
        put(stmt, i, i64::from(self.suspicious))
    }
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(TradeTick {
            ts: UnixNanos::new(r.get(0)?),
            price: Price::from_raw(r.get(2)?),
            size: Quantity::from_raw(r.get(3)?),
            exchange: r.get(4)?,
            conditions: split_codes(&r.get::<_, String>(5)?),
            trade_id: r.get(6)?,
            suspicious: r.get::<_, i64>(7)? != 0,
        })
    }
}

impl TickRow for QuoteTick {
    const TABLE: &'static str = "market_quotes";
    const WHAT: &'static str = "quotes";
    const COLUMNS: &'static [&'static str] = &[
        "bid",
        "ask",
        "bid_size",
        "ask_size",
        "bid_exchange",
        "ask_exchange",
        "conditions",
        "suspicious",
    ];
    fn ts(&self) -> UnixNanos {
        self.ts
    }
    #[inline]
    fn bind(&self, stmt: &mut Statement<'_>, i: &mut usize) -> Result<(), StoreError> {
        put(stmt, i, self.bid.raw())?;
        put(stmt, i, self.ask.raw())?;
        put(stmt, i, self.bid_size.raw())?;
        put(stmt, i, self.ask_size.raw())?;
        put(stmt, i, self.bid_exchange.as_str())?;
        put(stmt, i, self.ask_exchange.as_str())?;
        put(stmt, i, codes(&self.conditions, "quote")?.as_ref())?;
        put(stmt, i, i64::from(self.suspicious))
    }
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(QuoteTick {
            ts: UnixNanos::new(r.get(0)?),
            bid: Price::from_raw(r.get(2)?),
            ask: Price::from_raw(r.get(3)?),
            bid_size: Quantity::from_raw(r.get(4)?),
            ask_size: Quantity::from_raw(r.get(5)?),
            bid_exchange: r.get(6)?,
            ask_exchange: r.get(7)?,
            conditions: split_codes(&r.get::<_, String>(8)?),
            suspicious: r.get::<_, i64>(9)? != 0,
        })
    }
}

fn count_range(
    tx: &Connection,
    table: &str,
    sid: i64,
    lo: i64,
    hi: i64,
) -> Result<u64, StoreError> {
    let n: i64 = tx
        .prepare_cached(&format!(
            "SELECT count(*) FROM {table} WHERE symbol_id = ?1 AND ts BETWEEN ?2 AND ?3"
        ))?
        .query_row(params![sid, lo, hi], |r| r.get(0))?;
    Ok(n as u64)
}

fn insert_sql<T: TickRow>(rows: usize, upsert: bool) -> String {
    let shape = InsertShape {
        table: T::TABLE,
        shared: &["symbol_id", "created_at"],
        row_keys: &["ts", "seq"],
        values: T::COLUMNS,
        conflict: "symbol_id, ts, seq",
        or_fail: true,
    };
    insert::insert_sql(&shape, rows, upsert)
}

#[inline]
fn bind_row<T: TickRow>(
    stmt: &mut Statement<'_>,
    i: &mut usize,
    row: &Seq<T>,
) -> Result<(), StoreError> {
    put(stmt, i, row.tick.ts().as_i64())?;
    put(stmt, i, i64::from(row.seq))?;
    row.tick.bind(stmt, i)
}

/// Writes every row, CHUNK at a time; returns the summed `changes()`.
fn write_rows<T: TickRow>(
    conn: &Connection,
    sid: i64,
    rows: &[Seq<T>],
    upsert: bool,
) -> Result<u64, StoreError> {
    let mut many = conn.prepare_cached(&insert_sql::<T>(CHUNK, upsert))?;
    let mut one = conn.prepare_cached(&insert_sql::<T>(1, upsert))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    for stmt in [&mut *many, &mut *one] {
        stmt.raw_bind_parameter(1, sid)?;
        stmt.raw_bind_parameter(2, now)?;
    }
    insert::execute_chunked(&mut many, &mut one, (CHUNK, SHARED), rows, bind_row)
}

/// Writes one batch inside the caller's transaction: a plain insert when the batch's time range
/// holds no tick of the symbol yet, else the upsert with its counts.
fn write_batch<T: TickRow>(
    tx: &Connection,
    sid: i64,
    rows: &[Seq<T>],
) -> Result<UpsertCounts, StoreError> {
    check_seq_unique(rows, T::ts, T::WHAT)?;
    let (Some(lo), Some(hi)) = (
        rows.iter().map(|r| r.tick.ts()).min(),
        rows.iter().map(|r| r.tick.ts()).max(),
    ) else {
        return Ok(UpsertCounts::default());
    };
    let before = count_range(tx, T::TABLE, sid, lo.as_i64(), hi.as_i64())?;
    let n = rows.len() as u64;
    if before == 0 {
        write_rows(tx, sid, rows, false)?;
        return Ok(UpsertCounts {
            inserted: n,
            ..Default::default()
        });
    }
    let changed = write_rows(tx, sid, rows, true)?;
    let after = count_range(tx, T::TABLE, sid, lo.as_i64(), hi.as_i64())?;
    let inserted = after - before;
    Ok(UpsertCounts {
        inserted,
        updated: changed - inserted,
        unchanged: n - changed,
        skipped: 0,
    })
}

fn upsert<T: TickRow>(
    conn: &mut Connection,
    symbol: &Symbol,
    rows: &[Seq<T>],
    checkpoint: Option<&Checkpoint>,
) -> Result<UpsertCounts, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut counts = UpsertCounts::default();
    if !rows.is_empty() {
        let sid = intern(&tx, symbol)?;
        counts = write_batch(&tx, sid, rows)?;
    }
    if let Some(cp) = checkpoint {
        collect::write_checkpoint(&tx, cp)?;
    }
    tx.commit()?;
    Ok(counts)
}

/// Every batch of `feed` in one transaction; an error from the feed or a batch rolls back all.
fn import<T: TickRow>(
    conn: &mut Connection,
    symbol: &Symbol,
    feed: &mut TickFeed<'_, T>,
) -> Result<UpsertCounts, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut counts = UpsertCounts::default();
    let mut sid = None;
    while let Some(rows) = feed()? {
        if rows.is_empty() {
            continue;
        }
        let id = match sid {
            Some(id) => id,
            None => *sid.insert(intern(&tx, symbol)?),
        };
        counts += write_batch(&tx, id, &rows)?;
    }
    tx.commit()?;
    Ok(counts)
}

fn range<T: TickRow>(
    conn: &Connection,
    symbol: &Symbol,
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<Seq<T>>, StoreError> {
    let Some((lo, hi)) = inclusive_bounds(start, end, None) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT ts, seq, {} FROM {} WHERE symbol_id = (SELECT id FROM symbols WHERE symbol = ?1)
           AND ts BETWEEN ?2 AND ?3 ORDER BY ts, seq",
        T::COLUMNS.join(", "),
        T::TABLE
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![symbol.as_str(), lo, hi])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(1)?;
        out.push(Seq {
            seq: u32::try_from(seq).map_err(|_| StoreError::Corrupt {
                table: T::TABLE,
                reason: format!("seq {seq}"),
            })?,
            tick: T::from_row(r)?,
        });
    }
    Ok(out)
}

pub(super) fn upsert_trades(
    conn: &mut Connection,
    symbol: &Symbol,
    rows: &[Seq<TradeTick>],
    cp: Option<&Checkpoint>,
) -> Result<UpsertCounts, StoreError> {
    upsert(conn, symbol, rows, cp)
}

pub(super) fn upsert_quotes(
    conn: &mut Connection,
    symbol: &Symbol,
    rows: &[Seq<QuoteTick>],
    cp: Option<&Checkpoint>,
) -> Result<UpsertCounts, StoreError> {
    upsert(conn, symbol, rows, cp)
}

pub(super) fn trades(
    conn: &Connection,
    symbol: &Symbol,
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<Seq<TradeTick>>, StoreError> {
    range(conn, symbol, start, end)
}

pub(super) fn quotes(
    conn: &Connection,
    symbol: &Symbol,
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<Seq<QuoteTick>>, StoreError> {
    range(conn, symbol, start, end)
}

impl TickStore for SqliteStore {
    fn trade_span(&self, symbol: &Symbol) -> Result<Option<(UnixNanos, UnixNanos)>, StoreError> {
        let span: (Option<i64>, Option<i64>) = self
            .conn
            .prepare_cached(
                "SELECT min(ts), max(ts) FROM market_trades
                 WHERE symbol_id = (SELECT id FROM symbols WHERE symbol = ?1)",
            )?
            .query_row([symbol.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(match span {
            (Some(a), Some(b)) => Some((UnixNanos::new(a), UnixNanos::new(b))),
            _ => None,
        })
    }

    fn upsert_trades(
        &mut self,
        symbol: &Symbol,
        trades: &[Seq<TradeTick>],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<UpsertCounts, StoreError> {
        upsert_trades(&mut self.conn, symbol, trades, checkpoint)
    }

    fn upsert_quotes(
        &mut self,
        symbol: &Symbol,
        quotes: &[Seq<QuoteTick>],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<UpsertCounts, StoreError> {
        upsert_quotes(&mut self.conn, symbol, quotes, checkpoint)
    }

    fn import_trades(
        &mut self,
        symbol: &Symbol,
        feed: &mut TickFeed<'_, TradeTick>,
    ) -> Result<UpsertCounts, StoreError> {
        import(&mut self.conn, symbol, feed)
    }

    fn import_quotes(
        &mut self,
        symbol: &Symbol,
        feed: &mut TickFeed<'_, QuoteTick>,
    ) -> Result<UpsertCounts, StoreError> {
        import(&mut self.conn, symbol, feed)
    }

    fn trades(
        &self,
        symbol: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<Seq<TradeTick>>, StoreError> {
        trades(&self.conn, symbol, start, end)
    }

    fn quotes(
        &self,
        symbol: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<Seq<QuoteTick>>, StoreError> {
        quotes(&self.conn, symbol, start, end)
    }
}
