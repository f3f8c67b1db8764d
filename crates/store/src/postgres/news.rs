//! News in PostgreSQL: articles upserted on (provider, id) with their ticker index rewritten
//! when they change, plus the sentiment derived from them and the checkpoint, in one
//! transaction. News comes in pages of tens, so rows go one by one through prepared statements.

use domain::{NewsArticle, SentimentRecord, Symbol, UnixNanos};
use postgres::Client;

use super::{PgStore, collect, sentiment};
use crate::collection_rows::{check_news, join_symbols, sentiment_json};
use crate::decode;
use crate::rows::inclusive_bounds;
use crate::{Checkpoint, NewsCounts, NewsStore, StoreError};

pub(super) fn upsert(
    client: &mut Client,
    items: &[NewsArticle],
    sentiment_records: &[SentimentRecord],
    checkpoint: Option<&Checkpoint>,
) -> Result<NewsCounts, StoreError> {
    check_news(items)?;
    crate::rows::check_unique(sentiment_records)?;
    let mut tx = client.transaction()?;
    let mut counts = NewsCounts::default();
    let find = tx.prepare("SELECT nid FROM news WHERE provider = $1 AND id = $2")?;
    let write = tx.prepare(
        "INSERT INTO news AS n (provider, id, symbols, headline, summary, source, author, url,
                                created_at, updated_at, provider_sentiment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text::jsonb)
         ON CONFLICT (provider, id) DO UPDATE SET
             symbols = excluded.symbols, headline = excluded.headline,
             summary = excluded.summary, source = excluded.source, author = excluded.author,
             url = excluded.url, created_at = excluded.created_at,
             updated_at = excluded.updated_at, provider_sentiment = excluded.provider_sentiment
         WHERE (n.symbols, n.headline, n.summary, n.source, n.author, n.url, n.created_at,
                n.updated_at, n.provider_sentiment)
               IS DISTINCT FROM
               (excluded.symbols, excluded.headline, excluded.summary, excluded.source,
                excluded.author, excluded.url, excluded.created_at, excluded.updated_at,
                excluded.provider_sentiment)
         RETURNING nid",
    )?;
    let unlink = tx.prepare("DELETE FROM news_symbols WHERE nid = $1")?;
    let link = tx.prepare(
        "INSERT INTO news_symbols (symbol, created_at, nid) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )?;
    for n in items {
        let existed = tx
            .query_opt(&find, &[&n.provider.as_str(), &n.id])?
            .is_some();
        let ps = sentiment_json(n)?;
        let written = tx.query_opt(
            &write,
            &[
                &n.provider.as_str(),
                &n.id,
                &join_symbols(&n.symbols),
                &n.headline,
                &n.summary,
                &n.source,
                &n.author,
                &n.url,
                &n.created_at.as_i64(),
                &n.updated_at.map(UnixNanos::as_i64),
                &ps,
            ],
        )?;
        let Some(row) = written else {
            counts.news.unchanged += 1;
            continue;
        };
        let nid: i64 = row.get(0);
        if existed {
            counts.news.updated += 1;
            tx.execute(&unlink, &[&nid])?;
        } else {
            counts.news.inserted += 1;
        }
        for s in &n.symbols {
            tx.execute(&link, &[&s.as_str(), &n.created_at.as_i64(), &nid])?;
        }
    }
    counts.sentiment = sentiment::upsert_in(&mut tx, sentiment_records)?;
    if let Some(cp) = checkpoint {
        collect::write_checkpoint(&mut tx, cp)?;
    }
    tx.commit()?;
    Ok(counts)
}

pub(super) fn range(
    client: &mut Client,
    symbols: &[Symbol],
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<NewsArticle>, StoreError> {
    let Some((lo, hi)) = inclusive_bounds(start, end, None) else {
        return Ok(Vec::new());
    };
    let list: Option<Vec<&str>> =
        (!symbols.is_empty()).then(|| symbols.iter().map(|s| s.as_str()).collect());
    let rows = client.query(
        "SELECT provider, id, symbols, headline, summary, source, author, url, created_at,
                updated_at, provider_sentiment::text
         FROM news n
         WHERE n.created_at BETWEEN $2 AND $3
           AND ($1::text[] IS NULL OR n.nid IN (
                SELECT nid FROM news_symbols
                WHERE symbol = ANY($1) AND created_at BETWEEN $2 AND $3))
         ORDER BY n.created_at, n.provider, n.id",
        &[&list, &lo, &hi],
    )?;
    rows.iter().map(decode::news).collect()
}

impl NewsStore for PgStore {
    fn upsert_news(
        &mut self,
        items: &[NewsArticle],
        sentiment: &[SentimentRecord],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<NewsCounts, StoreError> {
        upsert(self.client.get_mut(), items, sentiment, checkpoint)
    }

    fn news(
        &self,
        symbols: &[Symbol],
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<NewsArticle>, StoreError> {
        range(&mut self.client.borrow_mut(), symbols, start, end)
    }
}
