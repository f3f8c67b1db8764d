//! Trades, quotes and option snapshots in SQLite.
//!
//! Each batch is one IMMEDIATE transaction of cached single-row `INSERT … ON CONFLICT DO UPDATE
//! … WHERE <a column differs>` statements (plus the checkpoint, when given). As with bars, rows
//! in the batch's [first, last] before and after give `inserted`, and `changes()` (which the
//! WHERE keeps at 0 for identical rows) gives `updated`.

use domain::{OptionQuote, OptionRight, Price, Quantity, QuoteTick, Symbol, TradeTick, UnixNanos};
use rusqlite::types::Value;
use rusqlite::{Connection, Row, TransactionBehavior, params, params_from_iter};

use super::{bars::intern, collect};
use crate::collection::{check_options, check_seq_unique, join_codes, split_codes};
use crate::rows::{inclusive_bounds, parse_symbol};
use crate::{Checkpoint, Seq, StoreError, UpsertCounts};

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

const OPTION_COLUMNS: &str = "underlying_id, expiry, strike, option_right, bid, ask, last, \
     volume, open_interest, iv, delta, gamma, theta, vega";

fn right_text(r: OptionRight) -> &'static str {
    match r {
        OptionRight::Call => "call",
        OptionRight::Put => "put",
    }
}

pub(super) fn upsert_options(
    conn: &mut Connection,
    quotes: &[OptionQuote],
    checkpoint: Option<&Checkpoint>,
) -> Result<UpsertCounts, StoreError> {
    check_options(quotes)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut counts = UpsertCounts::default();
    {
        let mut exists =
            tx.prepare_cached("SELECT 1 FROM options_chain WHERE contract = ?1 AND ts = ?2")?;
        let cols: Vec<&str> = OPTION_COLUMNS.split(", ").collect();
        let set: Vec<String> = cols.iter().map(|c| format!("{c} = excluded.{c}")).collect();
        let differs: Vec<String> = cols
            .iter()
            .map(|c| format!("{c} IS NOT excluded.{c}"))
            .collect();
        let mut write = tx.prepare_cached(&format!(
            "INSERT INTO options_chain (contract, ts, {OPTION_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT (contract, ts) DO UPDATE SET {} WHERE {}",
            set.join(", "),
            differs.join(" OR ")
        ))?;
        for q in quotes {
            let key = params![q.contract.as_str(), q.ts.as_i64()];
            let existed = exists.exists(key)?;
            let uid = intern(&tx, &q.underlying)?;
            let changed = write.execute(params![
                q.contract.as_str(),
                q.ts.as_i64(),
                uid,
                q.expiry.to_string(),
                q.strike.raw(),
                right_text(q.right),
                q.bid.map(Price::raw),
                q.ask.map(Price::raw),
                q.last.map(Price::raw),
                q.volume.map(Quantity::raw),
                q.open_interest.map(Quantity::raw),
                q.iv,
                q.delta,
                q.gamma,
                q.theta,
                q.vega,
            ])?;
            match (existed, changed) {
                (false, _) => counts.inserted += 1,
                (true, 0) => counts.unchanged += 1,
                (true, _) => counts.updated += 1,
            }
        }
    }
    if let Some(cp) = checkpoint {
        collect::write_checkpoint(&tx, cp)?;
    }
    tx.commit()?;
    Ok(counts)
}

pub(super) fn options(
    conn: &Connection,
    underlying: &Symbol,
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<OptionQuote>, StoreError> {
    let Some((lo, hi)) = inclusive_bounds(start, end, None) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT o.contract, o.ts, s.symbol, o.expiry, o.strike, o.option_right, o.bid, o.ask,
                o.last, o.volume, o.open_interest, o.iv, o.delta, o.gamma, o.theta, o.vega
         FROM options_chain o JOIN symbols s ON s.id = o.underlying_id
         WHERE s.symbol = ?1 AND o.ts BETWEEN ?2 AND ?3
         ORDER BY o.ts, o.contract",
    )?;
    let mut rows = stmt.query(params![underlying.as_str(), lo, hi])?;
    let mut out = Vec::new();
    let corrupt = |reason: String| StoreError::Corrupt {
        table: "options_chain",
        reason,
    };
    while let Some(r) = rows.next()? {
        let expiry: String = r.get(3)?;
        let right: String = r.get(5)?;
        out.push(OptionQuote {
            contract: parse_symbol(&r.get::<_, String>(0)?, "options_chain")?,
            ts: UnixNanos::new(r.get(1)?),
            underlying: parse_symbol(&r.get::<_, String>(2)?, "options_chain")?,
            expiry: chrono::NaiveDate::parse_from_str(&expiry, "%Y-%m-%d")
                .map_err(|e| corrupt(format!("expiry {expiry:?}: {e}")))?,
            strike: Price::from_raw(r.get(4)?),
            right: match right.as_str() {
                "call" => OptionRight::Call,
                "put" => OptionRight::Put,
                other => return Err(corrupt(format!("option_right {other:?}"))),
            },
            bid: r.get::<_, Option<i64>>(6)?.map(Price::from_raw),
            ask: r.get::<_, Option<i64>>(7)?.map(Price::from_raw),
            last: r.get::<_, Option<i64>>(8)?.map(Price::from_raw),
            volume: r.get::<_, Option<i64>>(9)?.map(Quantity::from_raw),
            open_interest: r.get::<_, Option<i64>>(10)?.map(Quantity::from_raw),
            iv: r.get(11)?,
            delta: r.get(12)?,
            gamma: r.get(13)?,
            theta: r.get(14)?,
            vega: r.get(15)?,
        });
    }
    Ok(out)
}
