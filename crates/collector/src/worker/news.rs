//! News runs: articles, then sentiment per interval. (Option-chain runs are
//! [`crate::worker::option_chain`].)
//!
//! Sentiment follows the backfill's rule ([`news_ingest`]): a symbol's record for an interval
//! is recomputed from every stored article of that interval plus the run's, so a record written
//! by a run that saw part of an interval is corrected by the run that sees the rest, and a
//! scheduled run and a backfill write the same record. Articles and records are upserts, so
//! the overlap between runs (the window is `[due − max(every, interval), due)`) costs nothing.
//! Paging is bounded as the backfill's is ([`PageGuard`]): a loop fails the run.

use std::collections::BTreeMap;

use domain::{NewsArticle, SentimentRecord, Symbol, Timeframe, UnixNanos};
use providers::{NewsRequest, Provider as Source};
use store::{DataKind, Span};

use crate::backfill::guard::{PageGuard, rows_bound};
use crate::news_ingest;
use crate::queue::JobSpec;
use crate::worker::{JobError, JobReport, StoreHandle};

/// Every article about `symbols` published in `[start, end)`, once each, by id.
async fn fetch_news(
    client: &dyn Source,
    symbols: &[Symbol],
    start: UnixNanos,
    end: UnixNanos,
    report: &mut JobReport,
) -> Result<BTreeMap<String, NewsArticle>, JobError> {
    let mut out = BTreeMap::new();
    let per_request = client.limits().max_symbols_per_request.max(1);
    let rows = rows_bound(DataKind::News, Timeframe::M1, Span { start, end });
    for chunk in symbols.chunks(per_request) {
        let req = NewsRequest {
            symbols: chunk.to_vec(),
            start: Some(start),
            end: Some(end),
            ..NewsRequest::default()
        };
        let mut cursor = None;
        let mut guard = PageGuard::new(rows.saturating_mul(chunk.len() as u64), None);
        loop {
            let page = client.fetch_news(&req, cursor.as_ref()).await?;
            report.requests += 1;
            let n = page.items.len();
            let mut fresh = 0;
            for item in page.items {
                fresh += usize::from(out.insert(item.id.clone(), item).is_none());
            }
            guard
                .check_rows(&page.request, n, fresh, page.next.as_ref())
                .map_err(JobError::Failed)?;
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    Ok(out)
}

pub async fn run_news(
    client: &dyn Source,
    store: &StoreHandle,
    spec: &JobSpec,
    start: UnixNanos,
    end: UnixNanos,
    interval: Option<Timeframe>,
) -> Result<JobReport, JobError> {
    let mut report = JobReport::default();
    let records: Vec<NewsArticle> = fetch_news(client, &spec.symbols, start, end, &mut report)
        .await?
        .into_values()
        .collect();
    let mut sentiment = Vec::new();
    if let Some(iv) = interval {
        for symbol in &spec.symbols {
            sentiment.extend(symbol_sentiment(store, symbol, &records, iv).await?);
        }
    }
    let counts = store
        .call(move |st| st.upsert_news(&records, &sentiment, None))
        .await?;
    report.add_counts(counts.news);
    report.add_counts(counts.sentiment);
    report.lag_seconds = Some(0);
    Ok(report)
}

/// `symbol`'s records for the intervals `page` touches, each from every stored article of the
/// interval plus the page's (the same rule as the backfill, so both write the same record).
async fn symbol_sentiment(
    store: &StoreHandle,
    symbol: &Symbol,
    page: &[NewsArticle],
    interval: Timeframe,
) -> Result<Vec<SentimentRecord>, JobError> {
    let Some((from, to)) = news_ingest::touched_range(symbol, page, interval) else {
        return Ok(Vec::new());
    };
    let s = symbol.clone();
    let stored = store
        .call(move |st| st.news(std::slice::from_ref(&s), Some(from), Some(to)))
        .await?;
    news_ingest::interval_sentiment(symbol, &stored, page, interval)
        .map_err(|e| JobError::Config(e.to_string()))
}
