//! Arbitrage opportunities in PostgreSQL: one `unnest` merge per batch on (underlying_id, key,
//! first_seen) (see [`super::ticks`]), the legs and detail sent as JSON text and cast to JSONB.

use std::collections::HashMap;

use domain::{Symbol, UnixNanos};
use postgres::Client;

use super::ticks::{merge, merge_sql};
use super::{PgStore, bars::intern};
use crate::arbitrage::{self, ArbitrageRecord, check_records, json_text};
use crate::{ArbitrageStore, StoreError, UpsertCounts};

/// The columns [`arbitrage::record`] reads, from `arbitrage_opportunities a` and `symbols s`.
const COLUMNS: &str = "s.symbol, a.kind, a.key, a.expiry::text, a.legs::text, a.edge, \
     a.quantity, a.total_edge, a.first_seen, a.last_seen, a.snapshots::int8, a.next_edge, \
     a.detail::text";

fn upsert(client: &mut Client, rows: &[ArbitrageRecord]) -> Result<UpsertCounts, StoreError> {
    check_records(rows)?;
    let mut tx = client.transaction()?;
    if rows.is_empty() {
        return Ok(UpsertCounts::default());
    }
    let mut ids: HashMap<&Symbol, i32> = HashMap::new();
    for r in rows {
        if !ids.contains_key(&r.underlying) {
            ids.insert(&r.underlying, intern(&mut tx, &r.underlying)?);
        }
    }
    let uid: Vec<i32> = rows.iter().map(|r| ids[&r.underlying]).collect();
    let key: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    let first_seen: Vec<i64> = rows.iter().map(|r| r.first_seen.as_i64()).collect();
    let kind: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    let expiry: Vec<String> = rows.iter().map(|r| r.expiry.to_string()).collect();
    let legs: Vec<String> = rows.iter().map(|r| json_text(&r.legs)).collect();
    let edge: Vec<i64> = rows.iter().map(|r| r.edge.raw()).collect();
    let quantity: Vec<i64> = rows.iter().map(|r| r.quantity.raw()).collect();
    let total_edge: Vec<i64> = rows.iter().map(|r| r.total_edge.raw()).collect();
    let last_seen: Vec<i64> = rows.iter().map(|r| r.last_seen.as_i64()).collect();
    let snapshots: Vec<i64> = rows.iter().map(|r| i64::from(r.snapshots)).collect();
    let next_edge: Vec<Option<i64>> = rows.iter().map(|r| r.next_edge.map(|p| p.raw())).collect();
    let detail: Vec<String> = rows.iter().map(|r| json_text(&r.detail)).collect();
    let sql = merge_sql(
        arbitrage::TABLE,
        "underlying_id, key, first_seen",
        &[
            ("underlying_id", "int4", ""),
            ("key", "text", ""),
            ("first_seen", "int8", ""),
            ("kind", "text", ""),
            ("expiry", "text", "::date"),
            ("legs", "text", "::jsonb"),
            ("edge", "int8", ""),
            ("quantity", "int8", ""),
            ("total_edge", "int8", ""),
            ("last_seen", "int8", ""),
            ("snapshots", "int8", "::int4"),
            ("next_edge", "int8", ""),
            ("detail", "text", "::jsonb"),
        ],
        &[],
    );
    let counts = merge(
        &mut tx,
        &sql,
        &[
            &uid,
            &key,
            &first_seen,
            &kind,
            &expiry,
            &legs,
            &edge,
            &quantity,
            &total_edge,
            &last_seen,
            &snapshots,
            &next_edge,
            &detail,
        ],
        rows.len(),
    )?;
    tx.commit()?;
    Ok(counts)
}

fn select(
    client: &mut Client,
    filter: &str,
    args: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Vec<ArbitrageRecord>, StoreError> {
    client
        .query(
            &format!(
                "SELECT {COLUMNS} FROM arbitrage_opportunities a
                 JOIN symbols s ON s.id = a.underlying_id
                 WHERE s.symbol = $1 AND {filter}
                 ORDER BY a.first_seen, a.kind, a.key"
            ),
            args,
        )?
        .iter()
        .map(arbitrage::record)
        .collect()
}

impl ArbitrageStore for PgStore {
    fn upsert_opportunities(
        &mut self,
        rows: &[ArbitrageRecord],
    ) -> Result<UpsertCounts, StoreError> {
        upsert(self.client.get_mut(), rows)
    }

    fn opportunities(
        &self,
        underlying: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<ArbitrageRecord>, StoreError> {
        let lo = start.map_or(i64::MIN, UnixNanos::as_i64);
        let hi = end.map_or(i64::MAX, UnixNanos::as_i64);
        select(
            &mut self.client.borrow_mut(),
            "a.last_seen >= $2 AND a.first_seen < $3",
            &[&underlying.as_str(), &lo, &hi],
        )
    }

    fn open_opportunities(
        &self,
        underlying: &Symbol,
        last_seen: UnixNanos,
    ) -> Result<Vec<ArbitrageRecord>, StoreError> {
        select(
            &mut self.client.borrow_mut(),
            "a.last_seen = $2",
            &[&underlying.as_str(), &last_seen.as_i64()],
        )
    }
}
