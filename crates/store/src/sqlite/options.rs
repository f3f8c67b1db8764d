//! Option-chain snapshots in SQLite, keyed by (contract, ts): one IMMEDIATE transaction of
//! cached single-row upserts, each counted by a key probe before it (chains come in pages of
//! hundreds, so per-row statements cost little).

use domain::{OptionQuote, OptionRight, Price, Quantity, Symbol, UnixNanos};
use rusqlite::{Connection, TransactionBehavior, params};

use super::{SqliteStore, bars::intern, collect};
use crate::collection_rows::check_options;
use crate::decode;
use crate::rows::inclusive_bounds;
use crate::{Checkpoint, OptionStore, StoreError, UpsertCounts};

const OPTION_COLUMNS: &str = "underlying_id, expiry, strike, option_right, bid, ask, last, \
     volume, open_interest, iv, delta, gamma, theta, vega";

fn right_text(r: OptionRight) -> &'static str {
    match r {
        OptionRight::Call => "call",
        OptionRight::Put => "put",
    }
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
            let key = params![q.contract.occ.as_str(), q.ts.as_i64()];
            let existed = exists.exists(key)?;
            let uid = intern(&tx, &q.contract.underlying)?;
            let changed = write.execute(params![
                q.contract.occ.as_str(),
                q.ts.as_i64(),
                uid,
                q.contract.expiry.to_string(),
                q.contract.strike.raw(),
                right_text(q.contract.right),
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

pub(super) fn range(
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
    while let Some(r) = rows.next()? {
        out.push(decode::option_quote(r)?);
    }
    Ok(out)
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
}
