//! Arbitrage opportunities in SQLite: one IMMEDIATE transaction of cached single-row upserts on
//! (underlying_id, key, first_seen), each counted by a key probe before it.

use domain::{Symbol, UnixNanos};
use rusqlite::{Connection, TransactionBehavior, params};

use super::{SqliteStore, bars::intern};
use crate::arbitrage::{self, ArbitrageRecord, check_records, json_text};
use crate::{ArbitrageStore, StoreError, UpsertCounts};

/// The columns [`arbitrage::record`] reads, from `arbitrage_opportunities a` and `symbols s`.
const COLUMNS: &str = "s.symbol, a.kind, a.key, a.expiry, a.legs, a.edge, a.quantity, \
     a.total_edge, a.first_seen, a.last_seen, a.snapshots, a.next_edge, a.detail";

/// The columns written besides the key (underlying_id, key, first_seen).
const VALUES: [&str; 10] = [
    "kind",
    "expiry",
    "legs",
    "edge",
    "quantity",
    "total_edge",
    "last_seen",
    "snapshots",
    "next_edge",
    "detail",
];

fn upsert(conn: &mut Connection, rows: &[ArbitrageRecord]) -> Result<UpsertCounts, StoreError> {
    check_records(rows)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut counts = UpsertCounts::default();
    {
        let mut exists = tx.prepare_cached(
            "SELECT 1 FROM arbitrage_opportunities
             WHERE underlying_id = ?1 AND key = ?2 AND first_seen = ?3",
        )?;
        let set: Vec<String> = VALUES
            .iter()
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        let differs: Vec<String> = VALUES
            .iter()
            .map(|c| format!("{c} IS NOT excluded.{c}"))
            .collect();
        let mut write = tx.prepare_cached(&format!(
            "INSERT INTO arbitrage_opportunities (underlying_id, key, first_seen, {})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (underlying_id, key, first_seen) DO UPDATE SET {} WHERE {}",
            VALUES.join(", "),
            set.join(", "),
            differs.join(" OR ")
        ))?;
        for r in rows {
            let uid = intern(&tx, &r.underlying)?;
            let existed = exists.exists(params![uid, r.key, r.first_seen.as_i64()])?;
            let changed = write.execute(params![
                uid,
                r.key,
                r.first_seen.as_i64(),
                r.kind,
                r.expiry.to_string(),
                json_text(&r.legs),
                r.edge.raw(),
                r.quantity.raw(),
                r.total_edge.raw(),
                r.last_seen.as_i64(),
                i64::from(r.snapshots),
                r.next_edge.map(|p| p.raw()),
                json_text(&r.detail),
            ])?;
            match (existed, changed) {
                (false, _) => counts.inserted += 1,
                (true, 0) => counts.unchanged += 1,
                (true, _) => counts.updated += 1,
            }
        }
    }
    tx.commit()?;
    Ok(counts)
}

fn select(
    conn: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<ArbitrageRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM arbitrage_opportunities a JOIN symbols s ON s.id = a.underlying_id
         WHERE s.symbol = ?1 AND {filter}
         ORDER BY a.first_seen, a.kind, a.key"
    ))?;
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(arbitrage::record(r)?);
    }
    Ok(out)
}

impl ArbitrageStore for SqliteStore {
    fn upsert_opportunities(
        &mut self,
        rows: &[ArbitrageRecord],
    ) -> Result<UpsertCounts, StoreError> {
        upsert(&mut self.conn, rows)
    }

    fn opportunities(
        &self,
        underlying: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<ArbitrageRecord>, StoreError> {
        select(
            &self.conn,
            "a.last_seen >= ?2 AND a.first_seen < ?3",
            params![
                underlying.as_str(),
                start.map_or(i64::MIN, UnixNanos::as_i64),
                end.map_or(i64::MAX, UnixNanos::as_i64),
            ],
        )
    }

    fn open_opportunities(
        &self,
        underlying: &Symbol,
        last_seen: UnixNanos,
    ) -> Result<Vec<ArbitrageRecord>, StoreError> {
        select(
            &self.conn,
            "a.last_seen = ?2",
            params![underlying.as_str(), last_seen.as_i64()],
        )
    }
}
