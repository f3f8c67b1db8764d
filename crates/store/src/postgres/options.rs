//! Option contracts and their snapshots in PostgreSQL: `option_contracts` (one row per OCC
//! symbol) and `option_quotes` keyed by (contract_id, ts). An upsert writes the batch's
//! contracts with two array statements (update the changed, insert the new), reads their ids
//! back, and merges the snapshots with one `unnest` statement (see [`super::ticks`]).

use std::collections::{HashMap, HashSet};

use domain::{OptionContract, OptionQuote, Price, Quantity, Symbol, UnixNanos};
use postgres::{Client, Transaction};

use super::ticks::{merge, merge_sql};
use super::{PgStore, bars::intern, collect};
use crate::collection_rows::{chain_bounds, check_options};
use crate::decode::{self, QUOTE_COLUMNS};
use crate::rows::inclusive_bounds;
use crate::{Checkpoint, OptionStore, StoreError, UpsertCounts};

/// The contract's columns and the underlying's symbol, in the order [`decode::option_quote`]
/// reads them, from `option_contracts c`, `option_quotes q` and `symbols s`.
fn select_columns() -> String {
    format!(
        "c.occ, q.ts, s.symbol, c.expiry::text, c.strike, c.option_right, c.style, \
         c.multiplier::int8, {QUOTE_COLUMNS}"
    )
}

/// The unnest of a batch's contracts, as `i`.
const CONTRACTS: &str = "unnest($1::text[], $2::int4[], $3::text[], $4::int8[], $5::text[], \
     $6::text[], $7::int4[]) AS i(occ, underlying_id, expiry, strike, option_right, style, multiplier)";

/// Writes the batch's contracts (updating the ones that changed, inserting the new: an insert
/// that conflicts would still take an id from the sequence) and returns their ids by OCC.
fn contract_ids(
    tx: &mut Transaction<'_>,
    quotes: &[OptionQuote],
) -> Result<HashMap<String, i64>, StoreError> {
    let mut seen = HashSet::new();
    let contracts: Vec<&OptionContract> = quotes
        .iter()
        .map(|q| &q.contract)
        .filter(|c| seen.insert(&c.occ))
        .collect();
    let mut uids: HashMap<&Symbol, i32> = HashMap::new();
    for c in &contracts {
        if !uids.contains_key(&c.underlying) {
            uids.insert(&c.underlying, intern(tx, &c.underlying)?);
        }
    }
    let occ: Vec<&str> = contracts.iter().map(|c| c.occ.as_str()).collect();
    let uid: Vec<i32> = contracts.iter().map(|c| uids[&c.underlying]).collect();
    let expiry: Vec<String> = contracts.iter().map(|c| c.expiry.to_string()).collect();
    let strike: Vec<i64> = contracts.iter().map(|c| c.strike.raw()).collect();
    let right: Vec<&str> = contracts.iter().map(|c| c.right.as_str()).collect();
    let style: Vec<&str> = contracts.iter().map(|c| c.style.as_str()).collect();
    let multiplier: Vec<i32> = contracts
        .iter()
        .map(|c| {
            i32::try_from(c.multiplier).map_err(|_| {
                StoreError::Invalid(format!(
                    "{}: multiplier {} is beyond i32",
                    c.occ, c.multiplier
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    let args: [&(dyn postgres::types::ToSql + Sync); 7] =
        [&occ, &uid, &expiry, &strike, &right, &style, &multiplier];
    tx.execute(
        &format!(
            "UPDATE option_contracts c SET underlying_id = i.underlying_id,
                 expiry = i.expiry::date, strike = i.strike, option_right = i.option_right,
                 style = i.style, multiplier = i.multiplier
             FROM {CONTRACTS}
             WHERE c.occ = i.occ
               AND (c.underlying_id, c.expiry, c.strike, c.option_right, c.style, c.multiplier)
                   IS DISTINCT FROM
                   (i.underlying_id, i.expiry::date, i.strike, i.option_right, i.style,
                    i.multiplier)"
        ),
        &args,
    )?;
    tx.execute(
        &format!(
            "INSERT INTO option_contracts
                 (occ, underlying_id, expiry, strike, option_right, style, multiplier)
             SELECT i.occ, i.underlying_id, i.expiry::date, i.strike, i.option_right, i.style,
                    i.multiplier
             FROM {CONTRACTS}
             WHERE NOT EXISTS (SELECT 1 FROM option_contracts c WHERE c.occ = i.occ)
             ON CONFLICT (occ) DO NOTHING"
        ),
        &args,
    )?;
    let rows = tx.query(
        "SELECT occ, id FROM option_contracts WHERE occ = ANY($1)",
        &[&occ],
    )?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub(super) fn upsert(
    client: &mut Client,
    quotes: &[OptionQuote],
    checkpoint: Option<&Checkpoint>,
) -> Result<UpsertCounts, StoreError> {
    check_options(quotes)?;
    let mut tx = client.transaction()?;
    let mut counts = UpsertCounts::default();
    if !quotes.is_empty() {
        let ids = contract_ids(&mut tx, quotes)?;
        let contract_id: Vec<i64> = quotes
            .iter()
            .map(|q| {
                ids.get(q.contract.occ.as_str()).copied().ok_or_else(|| {
                    StoreError::Invalid(format!("contract {} was not stored", q.contract.occ))
                })
            })
            .collect::<Result<_, _>>()?;
        let ts: Vec<i64> = quotes.iter().map(|q| q.ts.as_i64()).collect();
        let price = |f: fn(&OptionQuote) -> Option<Price>| -> Vec<Option<i64>> {
            quotes.iter().map(|q| f(q).map(Price::raw)).collect()
        };
        let qty = |f: fn(&OptionQuote) -> Option<Quantity>| -> Vec<Option<i64>> {
            quotes.iter().map(|q| f(q).map(Quantity::raw)).collect()
        };
        let time = |f: fn(&OptionQuote) -> Option<UnixNanos>| -> Vec<Option<i64>> {
            quotes.iter().map(|q| f(q).map(UnixNanos::as_i64)).collect()
        };
        let real = |f: fn(&OptionQuote) -> Option<f64>| -> Vec<Option<f64>> {
            quotes.iter().map(f).collect()
        };
        let (bid, ask, last) = (price(|q| q.bid), price(|q| q.ask), price(|q| q.last));
        let underlying_price = price(|q| q.underlying_price);
        let (bid_size, ask_size) = (qty(|q| q.bid_size), qty(|q| q.ask_size));
        let (volume, oi) = (qty(|q| q.volume), qty(|q| q.open_interest));
        let (quoted_at, last_trade_at) = (time(|q| q.quoted_at), time(|q| q.last_trade_at));
        let (iv, delta, gamma) = (real(|q| q.iv), real(|q| q.delta), real(|q| q.gamma));
        let (theta, vega, rho) = (real(|q| q.theta), real(|q| q.vega), real(|q| q.rho));
        let sql = merge_sql(
            "option_quotes",
            "contract_id, ts",
            &[
                ("contract_id", "int8", ""),
                ("ts", "int8", ""),
                ("bid", "int8", ""),
                ("ask", "int8", ""),
                ("bid_size", "int8", ""),
                ("ask_size", "int8", ""),
                ("quoted_at", "int8", ""),
                ("last", "int8", ""),
                ("last_trade_at", "int8", ""),
                ("volume", "int8", ""),
                ("open_interest", "int8", ""),
                ("underlying_price", "int8", ""),
                ("iv", "float8", ""),
                ("delta", "float8", ""),
                ("gamma", "float8", ""),
                ("theta", "float8", ""),
                ("vega", "float8", ""),
                ("rho", "float8", ""),
            ],
            &[],
        );
        counts = merge(
            &mut tx,
            &sql,
            &[
                &contract_id,
                &ts,
                &bid,
                &ask,
                &bid_size,
                &ask_size,
                &quoted_at,
                &last,
                &last_trade_at,
                &volume,
                &oi,
                &underlying_price,
                &iv,
                &delta,
                &gamma,
                &theta,
                &vega,
                &rho,
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

fn quotes(
    client: &mut Client,
    sql: &str,
    args: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Vec<OptionQuote>, StoreError> {
    client
        .query(sql, args)?
        .iter()
        .map(decode::option_quote)
        .collect()
}

pub(super) fn range(
    client: &mut Client,
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
         WHERE s.symbol = $1 AND q.ts BETWEEN $2 AND $3
         ORDER BY q.ts, c.occ",
        select_columns()
    );
    quotes(client, &sql, &[&underlying.as_str(), &lo, &hi])
}

/// One query: the underlying's live contracts through `option_contracts_chain`, then per
/// contract a LATERAL newest-first walk of the primary key that stops at its first row
/// (EXPLAIN: `Index Scan Backward using option_quotes_pkey` under a `Limit`, in a Nested Loop).
/// The test `chain_at_is_an_index_seek` checks the plan.
pub(crate) fn chain_at_sql() -> String {
    format!(
        "SELECT {} FROM symbols s
         JOIN option_contracts c ON c.underlying_id = s.id AND c.expiry >= $2::text::date
         CROSS JOIN LATERAL (
             SELECT * FROM option_quotes l
             WHERE l.contract_id = c.id AND l.ts BETWEEN $3 AND $4
             ORDER BY l.ts DESC LIMIT 1) q
         WHERE s.symbol = $1
         ORDER BY c.expiry, c.strike, c.option_right, c.occ",
        select_columns()
    )
}

pub(super) fn chain_at(
    client: &mut Client,
    underlying: &Symbol,
    at: UnixNanos,
    max_age: Option<i64>,
) -> Result<Vec<OptionQuote>, StoreError> {
    let (date, lo, hi) = chain_bounds(at, max_age)?;
    quotes(
        client,
        &chain_at_sql(),
        &[&underlying.as_str(), &date, &lo, &hi],
    )
}

pub(super) fn snapshot_times(
    client: &mut Client,
    underlying: &Symbol,
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<UnixNanos>, StoreError> {
    let Some((lo, hi)) = inclusive_bounds(start, end, None) else {
        return Ok(Vec::new());
    };
    let rows = client.query(
        "SELECT DISTINCT q.ts FROM symbols s
         JOIN option_contracts c ON c.underlying_id = s.id
         JOIN option_quotes q ON q.contract_id = c.id
         WHERE s.symbol = $1 AND q.ts BETWEEN $2 AND $3
         ORDER BY q.ts",
        &[&underlying.as_str(), &lo, &hi],
    )?;
    rows.iter()
        .map(|r| Ok(UnixNanos::new(r.try_get::<_, i64>(0)?)))
        .collect()
}

impl OptionStore for PgStore {
    fn upsert_options(
        &mut self,
        quotes: &[OptionQuote],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<UpsertCounts, StoreError> {
        upsert(self.client.get_mut(), quotes, checkpoint)
    }

    fn options(
        &self,
        underlying: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<OptionQuote>, StoreError> {
        range(&mut self.client.borrow_mut(), underlying, start, end)
    }

    fn chain_at(
        &self,
        underlying: &Symbol,
        at: UnixNanos,
        max_age: Option<i64>,
    ) -> Result<Vec<OptionQuote>, StoreError> {
        chain_at(&mut self.client.borrow_mut(), underlying, at, max_age)
    }

    fn option_snapshot_times(
        &self,
        underlying: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<UnixNanos>, StoreError> {
        snapshot_times(&mut self.client.borrow_mut(), underlying, start, end)
    }
}
