//! Trades and quotes in PostgreSQL. A batch is one statement over `unnest`ed
//! arrays (`INSERT … ON CONFLICT DO UPDATE … WHERE IS DISTINCT FROM`, counting inserts by
//! `xmax = 0`), plus the checkpoint, in one transaction: one round trip per page of ticks.
//! Trades into a time range the symbol has none in yet (a first import) are COPYed in binary
//! instead, under an advisory lock on the symbol's trades. A file import (`import_*`) writes
//! its batches the same way, all in one transaction.

use domain::{Price, Quantity, QuoteTick, Symbol, TradeTick, UnixNanos};
use postgres::types::ToSql;
use postgres::{Client, Row, Transaction};

use super::copy::BinaryCopy;
use super::{PgStore, bars::intern, collect};
use crate::collection_rows::{check_seq_unique, join_codes, split_codes};
use crate::rows::inclusive_bounds;
use crate::{Checkpoint, Seq, StoreError, TickFeed, TickStore, UpsertCounts};

/// Runs a merge statement that returns (inserted, updated) and turns it into counts.
pub(super) fn merge(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    n: usize,
) -> Result<UpsertCounts, StoreError> {
    let row = tx.query_one(sql, params)?;
    let inserted = row.get::<_, i64>(0) as u64;
    let updated = row.get::<_, i64>(1) as u64;
    Ok(UpsertCounts {
        inserted,
        updated,
        unchanged: n as u64 - inserted - updated,
        skipped: 0,
    })
}

/// `INSERT … SELECT … FROM unnest(…)` merged on `key`, counted. Each column is (name, array
/// element type, cast applied to it in the SELECT, e.g. `::date` for a date sent as text);
/// `fixed` columns take one expression for every row.
pub(super) fn merge_sql(
    table: &str,
    key: &str,
    cols: &[(&str, &str, &str)],
    fixed: &[(&str, &str)],
) -> String {
    let names: Vec<&str> = fixed
        .iter()
        .map(|(c, _)| *c)
        .chain(cols.iter().map(|(c, _, _)| *c))
        .collect();
    let exprs: Vec<String> = fixed
        .iter()
        .map(|(_, e)| e.to_string())
        .chain(cols.iter().map(|(c, _, cast)| format!("i.{c}{cast}")))
        .collect();
    let arrays: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(k, (_, ty, _))| format!("${}::{ty}[]", k + 1))
        .collect();
    let keys: Vec<&str> = key.split(", ").collect();
    let values: Vec<&str> = names
        .iter()
        .copied()
        .filter(|c| !keys.contains(c))
        .collect();
    let set: Vec<String> = values
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let old: Vec<String> = values.iter().map(|c| format!("t.{c}")).collect();
    let new: Vec<String> = values.iter().map(|c| format!("excluded.{c}")).collect();
    format!(
        "WITH merged AS (
             INSERT INTO {table} AS t ({names})
             SELECT {exprs} FROM unnest({arrays}) AS i({aliases})
             ON CONFLICT ({key}) DO UPDATE SET {set}
             WHERE ({old}) IS DISTINCT FROM ({new})
             RETURNING (xmax = 0) AS inserted
         )
         SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged",
        names = names.join(", "),
        exprs = exprs.join(", "),
        arrays = arrays.join(", "),
        aliases = cols
            .iter()
            .map(|(c, _, _)| *c)
            .collect::<Vec<_>>()
            .join(", "),
        set = set.join(", "),
        old = old.join(", "),
        new = new.join(", "),
    )
}

fn seqs<T>(rows: &[Seq<T>]) -> Result<Vec<i32>, StoreError> {
    rows.iter()
        .map(|r| {
            i32::try_from(r.seq)
                .map_err(|_| StoreError::Invalid(format!("seq {} is beyond i32", r.seq)))
        })
        .collect()
}

/// Trades into a range of the symbol that holds none yet (a first import, new days of a
/// backfill): binary COPY, every row inserted.
fn copy_trades(
    tx: &mut Transaction<'_>,
    sid: i32,
    rows: &[Seq<TradeTick>],
) -> Result<u64, StoreError> {
    let sink = tx.copy_in(
        "COPY market_trades (symbol_id, ts, seq, price, size, exchange, conditions, trade_id, \
         suspicious) FROM STDIN (FORMAT binary)",
    )?;
    let mut copy = BinaryCopy::new(sink);
    for r in rows {
        let t = &r.tick;
        copy.row(9);
        copy.i32(sid);
        copy.i64(t.ts.as_i64());
        copy.i32(
            i32::try_from(r.seq)
                .map_err(|_| StoreError::Invalid(format!("seq {} is beyond i32", r.seq)))?,
        );
        copy.i64(t.price.raw());
        copy.i64(t.size.raw());
        copy.text(&t.exchange);
        match t.conditions.as_slice() {
            [] => copy.text(""),
            [one] if !one.contains(',') => copy.text(one),
            many => copy.text(&join_codes(many, "trade")?),
        }
        copy.opt_text(t.trade_id.as_deref());
        copy.bool(t.suspicious);
        copy.maybe_flush()?;
    }
    copy.finish()
}

fn merge_trades(
    tx: &mut Transaction<'_>,
    sid: i32,
    rows: &[Seq<TradeTick>],
) -> Result<UpsertCounts, StoreError> {
    let ts: Vec<i64> = rows.iter().map(|r| r.tick.ts.as_i64()).collect();
    let seq = seqs(rows)?;
    let price: Vec<i64> = rows.iter().map(|r| r.tick.price.raw()).collect();
    let size: Vec<i64> = rows.iter().map(|r| r.tick.size.raw()).collect();
    let exchange: Vec<&str> = rows.iter().map(|r| r.tick.exchange.as_str()).collect();
    let conditions: Vec<String> = rows
        .iter()
        .map(|r| join_codes(&r.tick.conditions, "trade"))
        .collect::<Result<_, _>>()?;
    let trade_id: Vec<Option<&str>> = rows.iter().map(|r| r.tick.trade_id.as_deref()).collect();
    let suspicious: Vec<bool> = rows.iter().map(|r| r.tick.suspicious).collect();
    let sql = merge_sql(
        "market_trades",
        "symbol_id, ts, seq",
        &[
            ("ts", "int8", ""),
            ("seq", "int4", ""),
            ("price", "int8", ""),
            ("size", "int8", ""),
            ("exchange", "text", ""),
            ("conditions", "text", ""),
            ("trade_id", "text", ""),
            ("suspicious", "bool", ""),
        ],
        &[("symbol_id", "$9::int4")],
    );
    merge(
        tx,
        &sql,
        &[
            &ts,
            &seq,
            &price,
            &size,
            &exchange,
            &conditions,
            &trade_id,
            &suspicious,
            &sid,
        ],
        rows.len(),
    )
}

/// Takes the advisory lock on the symbol's trades (so the emptiness the COPY path relies on
/// holds until commit).
fn lock_trades(tx: &mut Transaction<'_>, lock_key: &str, sid: i32) -> Result<(), StoreError> {
    let lock = format!("{lock_key}:market_trades:{sid}");
    tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&lock])?;
    Ok(())
}

/// One batch of trades inside the caller's transaction (which holds [`lock_trades`]): COPY into
/// an empty range, the counted merge otherwise.
fn write_trades(
    tx: &mut Transaction<'_>,
    sid: i32,
    rows: &[Seq<TradeTick>],
) -> Result<UpsertCounts, StoreError> {
    check_seq_unique(rows, |t| t.ts, "trades")?;
    let (Some(lo), Some(hi)) = (
        rows.iter().map(|r| r.tick.ts.as_i64()).min(),
        rows.iter().map(|r| r.tick.ts.as_i64()).max(),
    ) else {
        return Ok(UpsertCounts::default());
    };
    let occupied: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM market_trades
             WHERE symbol_id = $1 AND ts BETWEEN $2 AND $3)",
            &[&sid, &lo, &hi],
        )?
        .get(0);
    if occupied {
        merge_trades(tx, sid, rows)
    } else {
        Ok(UpsertCounts {
            inserted: copy_trades(tx, sid, rows)?,
            ..Default::default()
        })
    }
}

/// One transaction under the symbol's advisory lock: [`write_trades`], then the checkpoint.
pub(super) fn upsert_trades(
    client: &mut Client,
    lock_key: &str,
    symbol: &Symbol,
    rows: &[Seq<TradeTick>],
    checkpoint: Option<&Checkpoint>,
) -> Result<UpsertCounts, StoreError> {
    let mut tx = client.transaction()?;
    let mut counts = UpsertCounts::default();
    if !rows.is_empty() {
        let sid = intern(&mut tx, symbol)?;
        lock_trades(&mut tx, lock_key, sid)?;
        counts = write_trades(&mut tx, sid, rows)?;
    }
    if let Some(cp) = checkpoint {
        collect::write_checkpoint(&mut tx, cp)?;
    }
    tx.commit()?;
    Ok(counts)
}

/// One batch of quotes inside the caller's transaction: the counted merge.
fn write_quotes(
    tx: &mut Transaction<'_>,
    sid: i32,
    rows: &[Seq<QuoteTick>],
) -> Result<UpsertCounts, StoreError> {
    check_seq_unique(rows, |q| q.ts, "quotes")?;
    if rows.is_empty() {
        return Ok(UpsertCounts::default());
    }
    let ts: Vec<i64> = rows.iter().map(|r| r.tick.ts.as_i64()).collect();
    let seq = seqs(rows)?;
    let bid: Vec<i64> = rows.iter().map(|r| r.tick.bid.raw()).collect();
    let ask: Vec<i64> = rows.iter().map(|r| r.tick.ask.raw()).collect();
    let bid_size: Vec<i64> = rows.iter().map(|r| r.tick.bid_size.raw()).collect();
    let ask_size: Vec<i64> = rows.iter().map(|r| r.tick.ask_size.raw()).collect();
    let bid_ex: Vec<&str> = rows.iter().map(|r| r.tick.bid_exchange.as_str()).collect();
    let ask_ex: Vec<&str> = rows.iter().map(|r| r.tick.ask_exchange.as_str()).collect();
    let conditions: Vec<String> = rows
        .iter()
        .map(|r| join_codes(&r.tick.conditions, "quote"))
        .collect::<Result<_, _>>()?;
    let suspicious: Vec<bool> = rows.iter().map(|r| r.tick.suspicious).collect();
    let sql = merge_sql(
        "market_quotes",
        "symbol_id, ts, seq",
        &[
            ("ts", "int8", ""),
            ("seq", "int4", ""),
            ("bid", "int8", ""),
            ("ask", "int8", ""),
            ("bid_size", "int8", ""),
            ("ask_size", "int8", ""),
            ("bid_exchange", "text", ""),
            ("ask_exchange", "text", ""),
            ("conditions", "text", ""),
            ("suspicious", "bool", ""),
        ],
        &[("symbol_id", "$11::int4")],
    );
    merge(
        tx,
        &sql,
        &[
            &ts,
            &seq,
            &bid,
            &ask,
            &bid_size,
            &ask_size,
            &bid_ex,
            &ask_ex,
            &conditions,
            &suspicious,
            &sid,
        ],
        rows.len(),
    )
}

pub(super) fn upsert_quotes(
    client: &mut Client,
    symbol: &Symbol,
    rows: &[Seq<QuoteTick>],
    checkpoint: Option<&Checkpoint>,
) -> Result<UpsertCounts, StoreError> {
    let mut tx = client.transaction()?;
    let mut counts = UpsertCounts::default();
    if !rows.is_empty() {
        let sid = intern(&mut tx, symbol)?;
        counts = write_quotes(&mut tx, sid, rows)?;
    }
    if let Some(cp) = checkpoint {
        collect::write_checkpoint(&mut tx, cp)?;
    }
    tx.commit()?;
    Ok(counts)
}

/// Every batch of `feed` in one transaction, through `write`; `lock` runs once the symbol has
/// an id. An error from the feed or a batch rolls back all of them.
fn import<T>(
    client: &mut Client,
    symbol: &Symbol,
    feed: &mut TickFeed<'_, T>,
    lock: impl Fn(&mut Transaction<'_>, i32) -> Result<(), StoreError>,
    write: impl Fn(&mut Transaction<'_>, i32, &[Seq<T>]) -> Result<UpsertCounts, StoreError>,
) -> Result<UpsertCounts, StoreError> {
    let mut tx = client.transaction()?;
    let mut counts = UpsertCounts::default();
    let mut sid = None;
    while let Some(rows) = feed()? {
        if rows.is_empty() {
            continue;
        }
        let id = match sid {
            Some(id) => id,
            None => {
                let id = intern(&mut tx, symbol)?;
                lock(&mut tx, id)?;
                *sid.insert(id)
            }
        };
        counts += write(&mut tx, id, &rows)?;
    }
    tx.commit()?;
    Ok(counts)
}

fn seq_of(row: &Row, table: &'static str) -> Result<u32, StoreError> {
    let seq: i32 = row.try_get(1)?;
    u32::try_from(seq).map_err(|_| StoreError::Corrupt {
        table,
        reason: format!("seq {seq}"),
    })
}

pub(super) fn trades(
    client: &mut Client,
    symbol: &Symbol,
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<Seq<TradeTick>>, StoreError> {
    let Some((lo, hi)) = inclusive_bounds(start, end, None) else {
        return Ok(Vec::new());
    };
    let rows = client.query(
        "SELECT ts, seq, price, size, exchange, conditions, trade_id, suspicious
         FROM market_trades
         WHERE symbol_id = (SELECT id FROM symbols WHERE symbol = $1) AND ts BETWEEN $2 AND $3
         ORDER BY ts, seq",
        &[&symbol.as_str(), &lo, &hi],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Seq {
                seq: seq_of(r, "market_trades")?,
                tick: TradeTick {
                    ts: UnixNanos::new(r.try_get(0)?),
                    price: Price::from_raw(r.try_get(2)?),
                    size: Quantity::from_raw(r.try_get(3)?),
                    exchange: r.try_get(4)?,
                    conditions: split_codes(r.try_get(5)?),
                    trade_id: r.try_get(6)?,
                    suspicious: r.try_get(7)?,
                },
            })
        })
        .collect()
}

pub(super) fn quotes(
    client: &mut Client,
    symbol: &Symbol,
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<Seq<QuoteTick>>, StoreError> {
    let Some((lo, hi)) = inclusive_bounds(start, end, None) else {
        return Ok(Vec::new());
    };
    let rows = client.query(
        "SELECT ts, seq, bid, ask, bid_size, ask_size, bid_exchange, ask_exchange, conditions,
                suspicious
         FROM market_quotes
         WHERE symbol_id = (SELECT id FROM symbols WHERE symbol = $1) AND ts BETWEEN $2 AND $3
         ORDER BY ts, seq",
        &[&symbol.as_str(), &lo, &hi],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Seq {
                seq: seq_of(r, "market_quotes")?,
                tick: QuoteTick {
                    ts: UnixNanos::new(r.try_get(0)?),
                    bid: Price::from_raw(r.try_get(2)?),
                    ask: Price::from_raw(r.try_get(3)?),
                    bid_size: Quantity::from_raw(r.try_get(4)?),
                    ask_size: Quantity::from_raw(r.try_get(5)?),
                    bid_exchange: r.try_get(6)?,
                    ask_exchange: r.try_get(7)?,
                    conditions: split_codes(r.try_get(8)?),
                    suspicious: r.try_get(9)?,
                },
            })
        })
        .collect()
}

impl TickStore for PgStore {
    fn trade_span(&self, symbol: &Symbol) -> Result<Option<(UnixNanos, UnixNanos)>, StoreError> {
        let row = self.client.borrow_mut().query_one(
            "SELECT min(ts), max(ts) FROM market_trades
             WHERE symbol_id = (SELECT id FROM symbols WHERE symbol = $1)",
            &[&symbol.as_str()],
        )?;
        let span: (Option<i64>, Option<i64>) = (row.try_get(0)?, row.try_get(1)?);
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
        let key = self.lock_key("ticks");
        upsert_trades(self.client.get_mut(), &key, symbol, trades, checkpoint)
    }

    fn upsert_quotes(
        &mut self,
        symbol: &Symbol,
        quotes: &[Seq<QuoteTick>],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<UpsertCounts, StoreError> {
        upsert_quotes(self.client.get_mut(), symbol, quotes, checkpoint)
    }

    fn import_trades(
        &mut self,
        symbol: &Symbol,
        feed: &mut TickFeed<'_, TradeTick>,
    ) -> Result<UpsertCounts, StoreError> {
        let key = self.lock_key("ticks");
        let lock = |tx: &mut Transaction<'_>, sid| lock_trades(tx, &key, sid);
        import(self.client.get_mut(), symbol, feed, lock, write_trades)
    }

    fn import_quotes(
        &mut self,
        symbol: &Symbol,
        feed: &mut TickFeed<'_, QuoteTick>,
    ) -> Result<UpsertCounts, StoreError> {
        import(
            self.client.get_mut(),
            symbol,
            feed,
            |_, _| Ok(()),
            write_quotes,
        )
    }

    fn trades(
        &self,
        symbol: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<Seq<TradeTick>>, StoreError> {
        trades(&mut self.client.borrow_mut(), symbol, start, end)
    }

    fn quotes(
        &self,
        symbol: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<Seq<QuoteTick>>, StoreError> {
        quotes(&mut self.client.borrow_mut(), symbol, start, end)
    }
}
