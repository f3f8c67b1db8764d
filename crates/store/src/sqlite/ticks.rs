//! Trades and quotes in SQLite.
//!
//! Each batch is one IMMEDIATE transaction of cached single-row `INSERT … ON CONFLICT DO UPDATE
//! … WHERE <a column differs>` statements (plus the checkpoint, when given). As with bars, rows
//! in the batch's [first, last] before and after give `inserted`, and `changes()` (which the
//! WHERE keeps at 0 for identical rows) gives `updated`.

use domain::{Price, Quantity, QuoteTick, Symbol, TradeTick, UnixNanos};
use rusqlite::types::Value;
use rusqlite::{Connection, Row, TransactionBehavior, params, params_from_iter};

use super::{SqliteStore, bars::intern, collect};
use crate::collection_rows::{check_seq_unique, join_codes, split_codes};
use crate::rows::inclusive_bounds;
use crate::{Checkpoint, Seq, StoreError, TickStore, UpsertCounts};

/// One tick table: its name, value columns (after symbol_id, ts, seq) and row conversions.
trait TickRow: Sized {
    const TABLE: &'static str;
    const WHAT: &'static str;
    const COLUMNS: &'static [&'static str];
    fn ts(&self) -> UnixNanos;
    fn values(&self) -> Result<Vec<Value>, StoreError>;
    /// `row` holds ts, seq, then COLUMNS.
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError>;
}

impl TickRow for TradeTick {
    const TABLE: &'static str = "market_trades";
    const WHAT: &'static str = "trades";
    const COLUMNS: &'static [&'static str] =
        &["price", "size", "exchange", "conditions", "trade_id"];
    fn ts(&self) -> UnixNanos {
        self.ts
    }
    fn values(&self) -> Result<Vec<Value>, StoreError> {
        Ok(vec![
            Value::Integer(self.price.raw()),
            Value::Integer(self.size.raw()),
            Value::Text(self.exchange.clone()),
            Value::Text(join_codes(&self.conditions, "trade")?),
            self.trade_id.clone().map_or(Value::Null, Value::Text),
        ])
    }
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(TradeTick {
            ts: UnixNanos::new(r.get(0)?),
            price: Price::from_raw(r.get(2)?),
            size: Quantity::from_raw(r.get(3)?),
            exchange: r.get(4)?,
            conditions: split_codes(&r.get::<_, String>(5)?),
            trade_id: r.get(6)?,
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
    ];
    fn ts(&self) -> UnixNanos {
        self.ts
    }
    fn values(&self) -> Result<Vec<Value>, StoreError> {
        Ok(vec![
            Value::Integer(self.bid.raw()),
            Value::Integer(self.ask.raw()),
            Value::Integer(self.bid_size.raw()),
            Value::Integer(self.ask_size.raw()),
            Value::Text(self.bid_exchange.clone()),
            Value::Text(self.ask_exchange.clone()),
            Value::Text(join_codes(&self.conditions, "quote")?),
        ])
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

fn upsert<T: TickRow>(
    conn: &mut Connection,
    symbol: &Symbol,
    rows: &[Seq<T>],
    checkpoint: Option<&Checkpoint>,
) -> Result<UpsertCounts, StoreError> {
    check_seq_unique(rows, T::ts, T::WHAT)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut counts = UpsertCounts::default();
    if !rows.is_empty() {
        let sid = intern(&tx, symbol)?;
        let lo = rows.iter().map(|r| r.tick.ts()).min().expect("non-empty");
        let hi = rows.iter().map(|r| r.tick.ts()).max().expect("non-empty");
        let before = count_range(&tx, T::TABLE, sid, lo.as_i64(), hi.as_i64())?;
        let cols = T::COLUMNS;
        let marks: Vec<String> = (0..cols.len()).map(|i| format!("?{}", i + 4)).collect();
        let set: Vec<String> = cols.iter().map(|c| format!("{c} = excluded.{c}")).collect();
        let differs: Vec<String> = cols
            .iter()
            .map(|c| format!("{c} IS NOT excluded.{c}"))
            .collect();
        let sql = format!(
            "INSERT INTO {} (symbol_id, ts, seq, {}) VALUES (?1, ?2, ?3, {})
             ON CONFLICT (symbol_id, ts, seq) DO UPDATE SET {} WHERE {}",
            T::TABLE,
            cols.join(", "),
            marks.join(", "),
            set.join(", "),
            differs.join(" OR ")
        );
        let mut stmt = tx.prepare_cached(&sql)?;
        let mut changed = 0u64;
        for r in rows {
            let mut values = vec![
                Value::Integer(sid),
                Value::Integer(r.tick.ts().as_i64()),
                Value::Integer(i64::from(r.seq)),
            ];
            values.extend(r.tick.values()?);
            changed += stmt.execute(params_from_iter(values))? as u64;
        }
        drop(stmt);
        let after = count_range(&tx, T::TABLE, sid, lo.as_i64(), hi.as_i64())?;
        let inserted = after - before;
        counts = UpsertCounts {
            inserted,
            updated: changed - inserted,
            unchanged: rows.len() as u64 - changed,
            skipped: 0,
        };
    }
    if let Some(cp) = checkpoint {
        collect::write_checkpoint(&tx, cp)?;
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
