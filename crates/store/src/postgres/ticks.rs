//! Trades, quotes and option snapshots in PostgreSQL. A batch is one statement over `unnest`ed
//! arrays (`INSERT … ON CONFLICT DO UPDATE … WHERE IS DISTINCT FROM`, counting inserts by
//! `xmax = 0`), plus the checkpoint, in one transaction: one round trip per page of ticks.

use domain::{OptionQuote, OptionRight, Price, Quantity, QuoteTick, Symbol, TradeTick, UnixNanos};
use postgres::types::ToSql;
use postgres::{Client, Row, Transaction};

use super::{bars::intern, collect};
use crate::collection::{check_options, check_seq_unique, join_codes, split_codes};
use crate::rows::{inclusive_bounds, parse_symbol};
use crate::{Checkpoint, Seq, StoreError, UpsertCounts};

/// Runs a merge statement that returns (inserted, updated) and turns it into counts.
fn merge(
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
fn merge_sql(
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

pub(super) fn upsert_trades(
    client: &mut Client,
    symbol: &Symbol,
    rows: &[Seq<TradeTick>],
    checkpoint: Option<&Checkpoint>,
) -> Result<UpsertCounts, StoreError> {
    check_seq_unique(rows, |t| t.ts, "trades")?;
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
    let mut tx = client.transaction()?;
    let mut counts = UpsertCounts::default();
    if !rows.is_empty() {
        let sid = intern(&mut tx, symbol)?;
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
            ],
            &[("symbol_id", "$8::int4")],
        );
        counts = merge(
            &mut tx,
            &sql,
            &[
                &ts,
                &seq,
                &price,
                &size,
                &exchange,
                &conditions,
                &trade_id,
                &sid,
            ],
            rows.len(),
        )?;
    }
    if let Some(cp) = checkpoint {
        collect::write_checkpoint(&mut tx, cp)?;
    }
    tx.commit()?;
    Ok(counts)
}

pub(super) fn upsert_quotes(
    client: &mut Client,
    symbol: &Symbol,
    rows: &[Seq<QuoteTick>],
    checkpoint: Option<&Checkpoint>,
) -> Result<UpsertCounts, StoreError> {
    check_seq_unique(rows, |q| q.ts, "quotes")?;
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
    let mut tx = client.transaction()?;
    let mut counts = UpsertCounts::default();
    if !rows.is_empty() {
        let sid = intern(&mut tx, symbol)?;
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
            ],
            &[("symbol_id", "$10::int4")],
        );
        counts = merge(
            &mut tx,
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
                &sid,
            ],
            rows.len(),
        )?;
    }
    if let Some(cp) = checkpoint {
        collect::write_checkpoint(&mut tx, cp)?;
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
        "SELECT ts, seq, price, size, exchange, conditions, trade_id FROM market_trades
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
        "SELECT ts, seq, bid, ask, bid_size, ask_size, bid_exchange, ask_exchange, conditions
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
                },
            })
        })
        .collect()
}

fn right_text(r: OptionRight) -> &'static str {
    match r {
        OptionRight::Call => "call",
        OptionRight::Put => "put",
    }
}

pub(super) fn upsert_options(
    client: &mut Client,
    quotes: &[OptionQuote],
    checkpoint: Option<&Checkpoint>,
) -> Result<UpsertCounts, StoreError> {
    check_options(quotes)?;
    let mut tx = client.transaction()?;
    let mut counts = UpsertCounts::default();
    if !quotes.is_empty() {
        let mut ids: std::collections::HashMap<&Symbol, i32> = Default::default();
        for q in quotes {
            if !ids.contains_key(&q.underlying) {
                ids.insert(&q.underlying, intern(&mut tx, &q.underlying)?);
            }
        }
        let contract: Vec<&str> = quotes.iter().map(|q| q.contract.as_str()).collect();
        let ts: Vec<i64> = quotes.iter().map(|q| q.ts.as_i64()).collect();
        let uid: Vec<i32> = quotes.iter().map(|q| ids[&q.underlying]).collect();
        let expiry: Vec<String> = quotes.iter().map(|q| q.expiry.to_string()).collect();
        let strike: Vec<i64> = quotes.iter().map(|q| q.strike.raw()).collect();
        let right: Vec<&str> = quotes.iter().map(|q| right_text(q.right)).collect();
        let price = |f: fn(&OptionQuote) -> Option<Price>| -> Vec<Option<i64>> {
            quotes.iter().map(|q| f(q).map(Price::raw)).collect()
        };
        let qty = |f: fn(&OptionQuote) -> Option<Quantity>| -> Vec<Option<i64>> {
            quotes.iter().map(|q| f(q).map(Quantity::raw)).collect()
        };
        let real = |f: fn(&OptionQuote) -> Option<f64>| -> Vec<Option<f64>> {
            quotes.iter().map(f).collect()
        };
        let (bid, ask, last) = (price(|q| q.bid), price(|q| q.ask), price(|q| q.last));
        let (volume, oi) = (qty(|q| q.volume), qty(|q| q.open_interest));
        let (iv, delta, gamma, theta, vega) = (
            real(|q| q.iv),
            real(|q| q.delta),
            real(|q| q.gamma),
            real(|q| q.theta),
            real(|q| q.vega),
        );
        let sql = merge_sql(
            "options_chain",
            "contract, ts",
            &[
                ("contract", "text", ""),
                ("ts", "int8", ""),
                ("underlying_id", "int4", ""),
                ("expiry", "text", "::date"),
                ("strike", "int8", ""),
                ("option_right", "text", ""),
                ("bid", "int8", ""),
                ("ask", "int8", ""),
                ("last", "int8", ""),
                ("volume", "int8", ""),
                ("open_interest", "int8", ""),
                ("iv", "float8", ""),
                ("delta", "float8", ""),
                ("gamma", "float8", ""),
                ("theta", "float8", ""),
                ("vega", "float8", ""),
            ],
            &[],
        );
        counts = merge(
            &mut tx,
            &sql,
            &[
                &contract, &ts, &uid, &expiry, &strike, &right, &bid, &ask, &last, &volume, &oi,
                &iv, &delta, &gamma, &theta, &vega,
            ],
            quotes.len(),
        )?;
    }
    if let Some(cp) = checkpoint {
        collect::write_checkpoint(&mut tx, cp)?;
    }
    tx.commit()?;
    Ok(counts)
}

pub(super) fn options(
    client: &mut Client,
    underlying: &Symbol,
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<OptionQuote>, StoreError> {
    let Some((lo, hi)) = inclusive_bounds(start, end, None) else {
        return Ok(Vec::new());
    };
    let rows = client.query(
        "SELECT o.contract, o.ts, s.symbol, o.expiry::text, o.strike, o.option_right, o.bid,
                o.ask, o.last, o.volume, o.open_interest, o.iv, o.delta, o.gamma, o.theta, o.vega
         FROM options_chain o JOIN symbols s ON s.id = o.underlying_id
         WHERE s.symbol = $1 AND o.ts BETWEEN $2 AND $3
         ORDER BY o.ts, o.contract",
        &[&underlying.as_str(), &lo, &hi],
    )?;
    let corrupt = |reason: String| StoreError::Corrupt {
        table: "options_chain",
        reason,
    };
    rows.iter()
        .map(|r| {
            let expiry: &str = r.try_get(3)?;
            let right: &str = r.try_get(5)?;
            Ok(OptionQuote {
                contract: parse_symbol(r.try_get(0)?, "options_chain")?,
                ts: UnixNanos::new(r.try_get(1)?),
                underlying: parse_symbol(r.try_get(2)?, "options_chain")?,
                expiry: chrono::NaiveDate::parse_from_str(expiry, "%Y-%m-%d")
                    .map_err(|e| corrupt(format!("expiry {expiry:?}: {e}")))?,
                strike: Price::from_raw(r.try_get(4)?),
                right: match right {
                    "call" => OptionRight::Call,
                    "put" => OptionRight::Put,
                    other => return Err(corrupt(format!("option_right {other:?}"))),
                },
                bid: r.try_get::<_, Option<i64>>(6)?.map(Price::from_raw),
                ask: r.try_get::<_, Option<i64>>(7)?.map(Price::from_raw),
                last: r.try_get::<_, Option<i64>>(8)?.map(Price::from_raw),
                volume: r.try_get::<_, Option<i64>>(9)?.map(Quantity::from_raw),
                open_interest: r.try_get::<_, Option<i64>>(10)?.map(Quantity::from_raw),
                iv: r.try_get(11)?,
                delta: r.try_get(12)?,
                gamma: r.try_get(13)?,
                theta: r.try_get(14)?,
                vega: r.try_get(15)?,
            })
        })
        .collect()
}
