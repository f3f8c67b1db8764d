//! News runs (articles, then sentiment per interval) and option-chain runs.
//!
//! Sentiment is written only for intervals wholly inside the run's window: the record stamped
//! at an interval's end must count every article of the interval, and the window
//! (`[due − max(every, interval), due)`, see [`JobSpec::for_run`]) makes each interval whole in
//! some run. Articles and records are upserts, so the overlap between runs costs nothing.

use std::collections::BTreeMap;

use domain::{OptionQuote, SentimentRecord, Symbol, Timeframe, UnixNanos};
use providers::{NewsItem, NewsRequest, OptionChainRequest, Provider as Source};
use store::NewsRecord;

use crate::queue::JobSpec;
use crate::sentiment::{self, Scorer};
use crate::worker::{JobError, JobReport, StoreHandle};

/// Every article about `symbols` published in `[start, end)`, once each, by id.
async fn fetch_news(
    client: &dyn Source,
    symbols: &[Symbol],
    start: UnixNanos,
    end: UnixNanos,
    report: &mut JobReport,
) -> Result<BTreeMap<String, NewsItem>, JobError> {
    let mut out = BTreeMap::new();
    let per_request = client.limits().max_symbols_per_request.max(1);
    for chunk in symbols.chunks(per_request) {
        let req = NewsRequest {
            symbols: chunk.to_vec(),
            start: Some(start),
            end: Some(end),
            ..NewsRequest::default()
        };
        let mut cursor = None;
        loop {
            let page = client.fetch_news(&req, cursor.as_ref()).await?;
            report.requests += 1;
            for item in page.items {
                out.insert(item.id.clone(), item);
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    Ok(out)
}

fn record(provider: &str, n: &NewsItem) -> NewsRecord {
    let provider_sentiment = n.provider_sentiment.as_ref().map(|list| {
        serde_json::Value::Array(
            list.iter()
                .map(|t| {
                    serde_json::json!({
                        "symbol": t.symbol.as_str(),
                        "label": t.label.as_str(),
                        "reasoning": t.reasoning,
                    })
                })
                .collect(),
        )
    });
    NewsRecord {
        provider: provider.to_string(),
        id: n.id.clone(),
        symbols: n.symbols.clone(),
        headline: n.headline.clone(),
        summary: n.summary.clone(),
        source: n.source.clone(),
        author: n.author.clone(),
        url: n.url.clone(),
        created_at: n.created_at,
        updated_at: n.updated_at,
        provider_sentiment,
    }
}

/// Sentiment of `symbols` per `interval`, for the intervals wholly inside `[start, end)`.
pub fn window_sentiment(
    items: &[NewsItem],
    symbols: &[Symbol],
    interval: Timeframe,
    start: UnixNanos,
    end: UnixNanos,
) -> Result<Vec<SentimentRecord>, JobError> {
    let iv = interval
        .nanos()
        .ok_or_else(|| JobError::Config(format!("sentiment interval {interval} has no length")))?;
    let plain: Vec<sentiment::NewsItem> = items
        .iter()
        .map(|n| sentiment::NewsItem {
            id: n.id.clone(),
            published: n.created_at,
            symbols: n.symbols.clone(),
            headline: n.headline.clone(),
            summary: Some(n.summary.clone()).filter(|s| !s.trim().is_empty()),
        })
        .collect();
    let scored = sentiment::score_items(&Scorer::default(), &plain);
    let records =
        sentiment::aggregate(&scored, interval).map_err(|e| JobError::Config(e.to_string()))?;
    Ok(records
        .into_iter()
        .filter(|r| r.ts.plus(-iv) >= start && r.ts <= end && symbols.contains(&r.symbol))
        .collect())
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
    let items: Vec<NewsItem> = fetch_news(client, &spec.symbols, start, end, &mut report)
        .await?
        .into_values()
        .collect();
    let sentiment = match interval {
        Some(iv) => window_sentiment(&items, &spec.symbols, iv, start, end)?,
        None => Vec::new(),
    };
    let records: Vec<NewsRecord> = items.iter().map(|n| record(client.name(), n)).collect();
    let counts = store
        .call(move |st| st.upsert_news(&records, &sentiment, None))
        .await?;
    report.add_counts(counts.news);
    report.add_counts(counts.sentiment);
    report.lag_seconds = Some(0);
    Ok(report)
}

/// One snapshot of each symbol's chain. A symbol whose chain fails is reported; the others
/// are still stored.
pub async fn run_options(
    client: &dyn Source,
    store: &StoreHandle,
    spec: &JobSpec,
) -> Result<JobReport, JobError> {
    let mut report = JobReport::default();
    let mut failed = 0;
    for symbol in &spec.symbols {
        match chain(client, symbol, &mut report).await {
            Ok(quotes) => {
                let counts = store
                    .call(move |st| st.upsert_options(&quotes, None))
                    .await?;
                report.add_counts(counts);
            }
            Err(e) => {
                tracing::warn!(job = %spec.job, symbol = %symbol, "option chain failed: {e}");
                report.errors.push(format!("{symbol}: {e}"));
                failed += 1;
            }
        }
    }
    if failed == spec.symbols.len() && failed > 0 {
        return Err(JobError::Config(format!(
            "every option chain failed; first: {}",
            report.errors[0]
        )));
    }
    report.lag_seconds = Some(0);
    Ok(report)
}

async fn chain(
    client: &dyn Source,
    symbol: &Symbol,
    report: &mut JobReport,
) -> Result<Vec<OptionQuote>, JobError> {
    let req = OptionChainRequest::new(symbol.clone());
    let mut by_key: BTreeMap<(Symbol, UnixNanos), OptionQuote> = BTreeMap::new();
    let mut cursor = None;
    loop {
        let page = client.fetch_option_chain(&req, cursor.as_ref()).await?;
        report.requests += 1;
        for q in page.items {
            by_key.insert((q.contract.clone(), q.ts), q);
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(by_key.into_values().collect()),
        }
    }
}
