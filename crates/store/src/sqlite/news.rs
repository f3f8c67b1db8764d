//! News in SQLite: articles upserted on (provider, id) with their ticker index rewritten when
//! they change, plus the sentiment derived from them and the checkpoint, in one transaction.

use domain::{NewsArticle, SentimentRecord, Symbol, UnixNanos};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{SqliteStore, collect, sentiment, symbol_list};
use crate::collection_rows::{check_news, join_symbols, sentiment_json};
use crate::decode;
use crate::rows::inclusive_bounds;
use crate::{Checkpoint, NewsCounts, NewsStore, StoreError};

pub(super) fn upsert(
    conn: &mut Connection,
    items: &[NewsArticle],
    sentiment_records: &[SentimentRecord],
    checkpoint: Option<&Checkpoint>,
) -> Result<NewsCounts, StoreError> {
    check_news(items)?;
    crate::rows::check_unique(sentiment_records)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut counts = NewsCounts::default();
    {
        let mut find = tx.prepare_cached("SELECT nid FROM news WHERE provider = ?1 AND id = ?2")?;
        let mut write = tx.prepare_cached(
            "INSERT INTO news (provider, id, symbols, headline, summary, source, author, url,
                               created_at, updated_at, provider_sentiment)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (provider, id) DO UPDATE SET
                 symbols = excluded.symbols, headline = excluded.headline,
                 summary = excluded.summary, source = excluded.source, author = excluded.author,
                 url = excluded.url, created_at = excluded.created_at,
                 updated_at = excluded.updated_at, provider_sentiment = excluded.provider_sentiment
             WHERE symbols IS NOT excluded.symbols OR headline IS NOT excluded.headline
                OR summary IS NOT excluded.summary OR source IS NOT excluded.source
                OR author IS NOT excluded.author OR url IS NOT excluded.url
                OR created_at IS NOT excluded.created_at OR updated_at IS NOT excluded.updated_at
                OR provider_sentiment IS NOT excluded.provider_sentiment",
        )?;
        let mut unlink = tx.prepare_cached("DELETE FROM news_symbols WHERE nid = ?1")?;
        let mut link = tx.prepare_cached(
            "INSERT OR IGNORE INTO news_symbols (symbol, created_at, nid) VALUES (?1, ?2, ?3)",
        )?;
        for n in items {
            let key = params![n.provider.as_str(), n.id];
            let existed: Option<i64> = find.query_row(key, |r| r.get(0)).optional()?;
            let changed = write.execute(params![
                n.provider.as_str(),
                n.id,
                join_symbols(&n.symbols),
                n.headline,
                n.summary,
                n.source,
                n.author,
                n.url,
                n.created_at.as_i64(),
                n.updated_at.map(UnixNanos::as_i64),
                sentiment_json(n)?,
            ])?;
            match (existed, changed) {
                (Some(_), 0) => {
                    counts.news.unchanged += 1;
                    continue;
                }
                (Some(nid), _) => {
                    counts.news.updated += 1;
                    unlink.execute([nid])?;
                }
                (None, _) => counts.news.inserted += 1,
            }
            let nid: i64 = find.query_row(params![n.provider.as_str(), n.id], |r| r.get(0))?;
            for s in &n.symbols {
                link.execute(params![s.as_str(), n.created_at.as_i64(), nid])?;
            }
        }
    }
    counts.sentiment = sentiment::upsert_in(&tx, sentiment_records)?;
    if let Some(cp) = checkpoint {
        collect::write_checkpoint(&tx, cp)?;
    }
    tx.commit()?;
    Ok(counts)
}

pub(super) fn range(
    conn: &Connection,
    symbols: &[Symbol],
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<NewsArticle>, StoreError> {
    let Some((lo, hi)) = inclusive_bounds(start, end, None) else {
        return Ok(Vec::new());
    };
    let list = symbol_list(symbols);
    let mut stmt = conn.prepare_cached(
        "SELECT provider, id, symbols, headline, summary, source, author, url, created_at,
                updated_at, provider_sentiment
         FROM news n
         WHERE n.created_at BETWEEN ?2 AND ?3
           AND (?1 IS NULL OR n.nid IN (
                SELECT nid FROM news_symbols
                WHERE symbol IN (SELECT value FROM json_each(?1))
                  AND created_at BETWEEN ?2 AND ?3))
         ORDER BY n.created_at, n.provider, n.id",
    )?;
    let mut rows = stmt.query(params![list, lo, hi])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(decode::news(r)?);
    }
    Ok(out)
}

impl NewsStore for SqliteStore {
    fn upsert_news(
        &mut self,
        items: &[NewsArticle],
        sentiment: &[SentimentRecord],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<NewsCounts, StoreError> {
        upsert(&mut self.conn, items, sentiment, checkpoint)
    }

    fn news(
        &self,
        symbols: &[Symbol],
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<NewsArticle>, StoreError> {
        range(&self.conn, symbols, start, end)
    }
}
