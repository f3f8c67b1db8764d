//! Sentiment records in SQLite. Volumes are small (thousands a day), so rows go one by one
//! through cached statements inside one transaction.

use domain::{SentimentRecord, Symbol, UnixNanos};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{SqliteStore, symbol_list};
use crate::decode;
use crate::rows::{check_unique, inclusive_bounds};
use crate::{SentimentStore, StoreError, UpsertCounts};

pub(super) fn upsert(
    conn: &mut Connection,
    records: &[SentimentRecord],
) -> Result<UpsertCounts, StoreError> {
    check_unique(records)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let counts = upsert_in(&tx, records)?;
    tx.commit()?;
    Ok(counts)
}

/// The upsert inside the caller's transaction (news writes its derived sentiment with it).
pub(super) fn upsert_in(
    tx: &Connection,
    records: &[SentimentRecord],
) -> Result<UpsertCounts, StoreError> {
    let mut counts = UpsertCounts::default();
    {
        let mut exists = tx.prepare_cached(
            "SELECT 1 FROM sentiment_history WHERE symbol = ?1 AND source = ?2 AND timestamp = ?3",
        )?;
        let mut write = tx.prepare_cached(
            "INSERT INTO sentiment_history
                 (symbol, timestamp, source, sentiment, score, confidence, metadata)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (symbol, source, timestamp) DO UPDATE SET
                 sentiment = excluded.sentiment, score = excluded.score,
                 confidence = excluded.confidence, metadata = excluded.metadata
             WHERE sentiment IS NOT excluded.sentiment OR score IS NOT excluded.score
                OR confidence IS NOT excluded.confidence OR metadata IS NOT excluded.metadata",
        )?;
        for r in records {
            let (sym, src, ts) = (r.symbol.as_str(), r.source.as_str(), r.ts.as_i64());
            let existed = exists
                .query_row(params![sym, src, ts], |_| Ok(()))
                .optional()?
                .is_some();
            let metadata = serde_json::to_string(&r.metadata)
                .map_err(|e| StoreError::Invalid(format!("sentiment metadata: {e}")))?;
            let changed = write.execute(params![
                sym,
                ts,
                src,
                r.label.as_str(),
                r.score,
                r.confidence,
                metadata
            ])?;
            match (existed, changed) {
                (false, _) => counts.inserted += 1,
                (true, 0) => counts.unchanged += 1,
                (true, _) => counts.updated += 1,
            }
        }
    }
    Ok(counts)
}

pub(super) fn range(
    conn: &Connection,
    symbols: &[Symbol],
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<SentimentRecord>, StoreError> {
    let Some((lo, hi)) = inclusive_bounds(start, end, None) else {
        return Ok(Vec::new());
    };
    let list = symbol_list(symbols);
    let mut stmt = conn.prepare_cached(
        "SELECT symbol, timestamp, source, sentiment, score, confidence, metadata
         FROM sentiment_history
         WHERE (?1 IS NULL OR symbol IN (SELECT value FROM json_each(?1)))
           AND timestamp BETWEEN ?2 AND ?3
         ORDER BY timestamp, symbol, source",
    )?;
    let mut rows = stmt.query(params![list, lo, hi])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(decode::sentiment(r)?);
    }
    Ok(out)
}

impl SentimentStore for SqliteStore {
    fn upsert_sentiment(
        &mut self,
        records: &[SentimentRecord],
    ) -> Result<UpsertCounts, StoreError> {
        upsert(&mut self.conn, records)
    }

    fn sentiment(
        &self,
        symbols: &[Symbol],
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<SentimentRecord>, StoreError> {
        range(&self.conn, symbols, start, end)
    }
}
