//! Sentiment records in PostgreSQL: a batch is one statement over `unnest`ed arrays, so it costs
//! one round trip however many records it holds.

use domain::{SentimentRecord, Symbol, UnixNanos};
use postgres::{Client, Transaction};

use super::PgStore;
use crate::decode;
use crate::rows::{check_unique, inclusive_bounds};
use crate::{SentimentStore, StoreError, UpsertCounts};

pub(super) fn upsert(
    client: &mut Client,
    records: &[SentimentRecord],
) -> Result<UpsertCounts, StoreError> {
    if records.is_empty() {
        return Ok(UpsertCounts::default());
    }
    // ON CONFLICT may not touch one row twice in a statement; refuse such a batch up front with
    // the same message as SQLite.
    check_unique(records)?;
    let mut tx = client.transaction()?;
    let counts = upsert_in(&mut tx, records)?;
    tx.commit()?;
    Ok(counts)
}

/// The upsert inside the caller's transaction (news writes its derived sentiment with it).
/// The caller has checked the batch for repeated keys.
pub(super) fn upsert_in(
    tx: &mut Transaction<'_>,
    records: &[SentimentRecord],
) -> Result<UpsertCounts, StoreError> {
    if records.is_empty() {
        return Ok(UpsertCounts::default());
    }
    let symbols: Vec<&str> = records.iter().map(|r| r.symbol.as_str()).collect();
    let ts: Vec<i64> = records.iter().map(|r| r.ts.as_i64()).collect();
    let sources: Vec<&str> = records.iter().map(|r| r.source.as_str()).collect();
    let labels: Vec<&str> = records.iter().map(|r| r.label.as_str()).collect();
    let scores: Vec<f64> = records.iter().map(|r| r.score).collect();
    let confidences: Vec<f64> = records.iter().map(|r| r.confidence).collect();
    let metadata: Vec<String> = records
        .iter()
        .map(|r| serde_json::to_string(&r.metadata))
        .collect::<Result<_, _>>()
        .map_err(|e| StoreError::Invalid(format!("sentiment metadata: {e}")))?;
    let row = tx.query_one(
        "WITH merged AS (
             INSERT INTO sentiment_history AS h
                 (symbol, timestamp, source, sentiment, score, confidence, metadata)
             SELECT s, t, src, l, sc, c, m::jsonb
             FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::float8[],
                         $6::float8[], $7::text[]) AS i(s, t, src, l, sc, c, m)
             ON CONFLICT (symbol, source, timestamp) DO UPDATE SET
                 sentiment = excluded.sentiment, score = excluded.score,
                 confidence = excluded.confidence, metadata = excluded.metadata
             WHERE (h.sentiment, h.score, h.confidence, h.metadata)
                   IS DISTINCT FROM (excluded.sentiment, excluded.score, excluded.confidence,
                                     excluded.metadata)
             RETURNING (xmax = 0) AS inserted
         )
         SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)
         FROM merged",
        &[
            &symbols,
            &ts,
            &sources,
            &labels,
            &scores,
            &confidences,
            &metadata,
        ],
    )?;
    let inserted = row.get::<_, i64>(0) as u64;
    let updated = row.get::<_, i64>(1) as u64;
    Ok(UpsertCounts {
        inserted,
        updated,
        unchanged: records.len() as u64 - inserted - updated,
        skipped: 0,
    })
}

pub(super) fn range(
    client: &mut Client,
    symbols: &[Symbol],
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<SentimentRecord>, StoreError> {
    let Some((lo, hi)) = inclusive_bounds(start, end, None) else {
        return Ok(Vec::new());
    };
    let list: Option<Vec<&str>> =
        (!symbols.is_empty()).then(|| symbols.iter().map(|s| s.as_str()).collect());
    let rows = client.query(
        "SELECT symbol, timestamp, source, sentiment, score, confidence, metadata::text
         FROM sentiment_history
         WHERE ($1::text[] IS NULL OR symbol = ANY($1))
           AND timestamp BETWEEN $2 AND $3
         ORDER BY timestamp, symbol, source",
        &[&list, &lo, &hi],
    )?;
    rows.iter().map(decode::sentiment).collect()
}

impl SentimentStore for PgStore {
    fn upsert_sentiment(
        &mut self,
        records: &[SentimentRecord],
    ) -> Result<UpsertCounts, StoreError> {
        upsert(self.client.get_mut(), records)
    }

    fn sentiment(
        &self,
        symbols: &[Symbol],
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<SentimentRecord>, StoreError> {
        range(&mut self.client.borrow_mut(), symbols, start, end)
    }
}
