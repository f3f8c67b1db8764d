//! Option contracts and their snapshots in SQLite: `option_contracts` (one row per OCC symbol)
//! and `option_quotes` keyed by (contract_id, ts). An upsert is one IMMEDIATE transaction of
//! cached single-row statements, each snapshot counted by a key probe before it (chains come in
//! pages of hundreds, so per-row statements cost little).

use std::collections::HashMap;

use domain::{OptionContract, OptionQuote, Price, Quantity, Symbol, UnixNanos};
use rusqlite::{Connection, TransactionBehavior, params};

use super::{SqliteStore, bars::intern, collect};
use crate::collection_rows::{chain_bounds, check_options};
use crate::decode::{self, QUOTE_COLUMNS};
use crate::rows::inclusive_bounds;
use crate::{Checkpoint, OptionStore, StoreError, UpsertCounts};

/// The value columns of `option_quotes`, in the order [`upsert`] binds them after
/// (contract_id, ts).
const QUOTE_FIELDS: [&str; 16] = [
    "bid",
    "ask",
    "bid_size",
    "ask_size",
    "quoted_at",
    "last",
    "last_trade_at",
    "volume",
    "open_interest",
    "underlying_price",
    "iv",
    "delta",
    "gamma",
    "theta",
    "vega",
    "rho",
];

/// The contract's columns and the underlying's symbol, in the order [`decode::option_quote`]
/// reads them, from `option_contracts c`, `option_quotes q` and `symbols s`.
fn select_columns() -> String {
    format!(
        "c.occ, q.ts, s.symbol, c.expiry, c.strike, c.option_right, c.style, c.multiplier, \
         {QUOTE_COLUMNS}"
    )
}

fn quote_upsert_sql() -> String {
    let set: Vec<String> = QUOTE_FIELDS
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let differs: Vec<String> = QUOTE_FIELDS
        .iter()
        .map(|c| format!("{c} IS NOT excluded.{c}"))
        .collect();
    let marks: Vec<String> = (1..=QUOTE_FIELDS.len() + 2)
        .map(|i| format!("?{i}"))
        .collect();
    format!(
        "INSERT INTO option_quotes (contract_id, ts, {}) VALUES ({})
         ON CONFLICT (contract_id, ts) DO UPDATE SET {} WHERE {}",
        QUOTE_FIELDS.join(", "),
        marks.join(", "),
        set.join(", "),
        differs.join(" OR ")
    )
}

/// Inserts `c`, or updates it where it changed, and returns its id.
fn contract_id(conn: &Connection, c: &OptionContract) -> Result<i64, StoreError> {
    let uid = intern(conn, &c.underlying)?;
    conn.prepare_cached(
        "INSERT INTO option_contracts
             (occ, underlying_id, expiry, strike, option_right, style, multiplier)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (occ) DO UPDATE SET underlying_id = excluded.underlying_id,
             expiry = excluded.expiry, strike = excluded.strike,
             option_right = excluded.option_right, style = excluded.style,
             multiplier = excluded.multiplier
         WHERE underlying_id IS NOT excluded.underlying_id OR expiry IS NOT excluded.expiry
             OR strike IS NOT excluded.strike OR option_right IS NOT excluded.option_right
             OR style IS NOT excluded.style OR multiplier IS NOT excluded.multiplier",
    )?
    .execute(params![
        c.occ.as_str(),
        uid,
        c.expiry.to_string(),
        c.strike.raw(),
        c.right.as_str(),
        c.style.as_str(),
        i64::from(c.multiplier),
    ])?;
    Ok(conn
        .prepare_cached("SELECT id FROM option_contracts WHERE occ = ?1")?
        .query_row([c.occ.as_str()], |r| r.get(0))?)
}

pub(super) fn upsert(
    conn: &mut Connection,
    quotes: &[OptionQuote],
    checkpoint: Option<&Checkpoint>,
) -> Result<UpsertCounts, StoreError> {
    check_options(quotes)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut counts = UpsertCounts::default();
    {
        let mut ids: HashMap<&Symbol, i64> = HashMap::new();
        let mut exists =
            tx.prepare_cached("SELECT 1 FROM option_quotes WHERE contract_id = ?1 AND ts = ?2")?;
        let mut write = tx.prepare_cached(&quote_upsert_sql())?;
        for q in quotes {
            let id = match ids.get(&q.contract.occ) {
                Some(id) => *id,
                None => {
                    let id = contract_id(&tx, &q.contract)?;
                    ids.insert(&q.contract.occ, id);
                    id
                }
            };
            let existed = exists.exists(params![id, q.ts.as_i64()])?;
            let price = |p: Option<Price>| p.map(Price::raw);
            let qty = |v: Option<Quantity>| v.map(Quantity::raw);
            let changed = write.execute(params![
                id,
                q.ts.as_i64(),
                price(q.bid),
                price(q.ask),
                qty(q.bid_size),
                qty(q.ask_size),
                q.quoted_at.map(UnixNanos::as_i64),
                price(q.last),
                q.last_trade_at.map(UnixNanos::as_i64),
                qty(q.volume),
                qty(q.open_interest),
                price(q.underlying_price),
                q.iv,
                q.delta,
                q.gamma,
                q.theta,
                q.vega,
                q.rho,
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

fn quotes(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<OptionQuote>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(decode::option_quote(r)?);
    }
    Ok(out)
}

pub(super) fn range(
    conn: &Connection,
    underlying: &Symbol,
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<OptionQuote>, StoreError> {
    let Some((lo, hi)) = inclusive_bounds(start, end, None) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT {} FROM symbols s
         JOIN option_contracts c ON c.underlying_id = s.id
         JOIN option_quotes q ON q.contract_id = c.id
         WHERE s.symbol = ?1 AND q.ts BETWEEN ?2 AND ?3
         ORDER BY q.ts, c.occ",
        select_columns()
    );
    quotes(conn, &sql, params![underlying.as_str(), lo, hi])
}

/// One query: the underlying's live contracts through `option_contracts_chain`, then per
/// contract a correlated `max(ts)` that EXPLAIN QUERY PLAN shows as a seek on the primary key
/// (`SEARCH l USING PRIMARY KEY (contract_id=? AND ts>? AND ts<?)`), and the row at that key
/// (`SEARCH q USING PRIMARY KEY (contract_id=? AND ts=?)`). The test `chain_at_is_an_index_seek`
/// checks the plan.
pub(crate) fn chain_at_sql() -> String {
    format!(
        "SELECT {} FROM symbols s
         JOIN option_contracts c ON c.underlying_id = s.id AND c.expiry >= ?2
         JOIN option_quotes q ON q.contract_id = c.id AND q.ts = (
             SELECT max(l.ts) FROM option_quotes l
             WHERE l.contract_id = c.id AND l.ts BETWEEN ?3 AND ?4)
         WHERE s.symbol = ?1
         ORDER BY c.expiry, c.strike, c.option_right, c.occ",
        select_columns()
    )
}

pub(super) fn chain_at(
    conn: &Connection,
    underlying: &Symbol,
    at: UnixNanos,
    max_age: Option<i64>,
) -> Result<Vec<OptionQuote>, StoreError> {
    let (date, lo, hi) = chain_bounds(at, max_age)?;
    quotes(
        conn,
        &chain_at_sql(),
        params![underlying.as_str(), date, lo, hi],
    )
}

pub(super) fn snapshot_times(
    conn: &Connection,
    underlying: &Symbol,
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<UnixNanos>, StoreError> {
    let Some((lo, hi)) = inclusive_bounds(start, end, None) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT q.ts FROM symbols s
         JOIN option_contracts c ON c.underlying_id = s.id
         JOIN option_quotes q ON q.contract_id = c.id
         WHERE s.symbol = ?1 AND q.ts BETWEEN ?2 AND ?3
         ORDER BY q.ts",
    )?;
    let times = stmt
        .query_map(params![underlying.as_str(), lo, hi], |r| {
            r.get::<_, i64>(0).map(UnixNanos::new)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(times)
}

impl OptionStore for SqliteStore {
    fn upsert_options(
        &mut self,
        quotes: &[OptionQuote],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<UpsertCounts, StoreError> {
        upsert(&mut self.conn, quotes, checkpoint)
    }

    fn options(
        &self,
        underlying: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<OptionQuote>, StoreError> {
        range(&self.conn, underlying, start, end)
    }

    fn chain_at(
        &self,
        underlying: &Symbol,
        at: UnixNanos,
        max_age: Option<i64>,
    ) -> Result<Vec<OptionQuote>, StoreError> {
        chain_at(&self.conn, underlying, at, max_age)
    }

    fn option_snapshot_times(
        &self,
        underlying: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<UnixNanos>, StoreError> {
        snapshot_times(&self.conn, underlying, start, end)
    }
}
