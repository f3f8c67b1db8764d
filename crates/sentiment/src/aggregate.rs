//! Scored news → one [`SentimentRecord`] per symbol and interval.
//!
//! A record is stamped at the **end** of its interval: news published in 09:45–10:00 becomes
//! the 10:00 record, the first instant at which all of it was known, so a backtest that reads
//! sentiment at or before a bar's time never sees news from the future.
//!
//! Score: mean compound of the interval's items. Confidence: `agreement × (1 − 2⁻ⁿ)`, where
//! `agreement` is the share of items whose own label matches the interval's label and `n` the
//! item count: one item gives at most 0.5, three unanimous items 0.875. Output depends only on
//! the set of items, not their order: items are deduplicated by (provider, id) and summed in
//! (created_at, provider, id) order. The metadata lists them as `provider/id`.

use std::collections::{BTreeMap, BTreeSet};

use domain::{
    DomainError, NewsArticle, SentimentLabel, SentimentRecord, SentimentSource, Symbol, Timeframe,
    UnixNanos,
};
use serde_json::json;
use thiserror::Error;

use crate::vader::{Score, Scorer, label_of};

/// An article and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredItem {
    pub item: NewsArticle,
    pub score: Score,
}

#[derive(Debug, Error)]
pub enum AggregateError {
    #[error("interval: {0} has no fixed length; use seconds, minutes, hours or days")]
    Interval(Timeframe),
    #[error(transparent)]
    Record(#[from] DomainError),
}

/// Scores headline and summary together: the summary carries most of the tone when present.
pub fn score_items(scorer: &Scorer<'_>, items: &[NewsArticle]) -> Vec<ScoredItem> {
    items
        .iter()
        .map(|item| {
            let score = if item.summary.trim().is_empty() {
                scorer.score(&item.headline)
            } else {
                scorer.score(&format!("{}. {}", item.headline, item.summary))
            };
            ScoredItem {
                item: item.clone(),
                score,
            }
        })
        .collect()
}

/// Records ordered by (ts, symbol).
pub fn aggregate(
    scored: &[ScoredItem],
    interval: Timeframe,
) -> Result<Vec<SentimentRecord>, AggregateError> {
    let iv = interval
        .nanos()
        .filter(|n| *n > 0)
        .ok_or(AggregateError::Interval(interval))?;
    let mut ordered: Vec<&ScoredItem> = scored.iter().collect();
    ordered.sort_by(|a, b| {
        let (a, b) = (&a.item, &b.item);
        (a.created_at, a.provider, &a.id).cmp(&(b.created_at, b.provider, &b.id))
    });
    let mut seen = BTreeSet::new();
    let mut groups: BTreeMap<(UnixNanos, Symbol), Vec<&ScoredItem>> = BTreeMap::new();
    for s in ordered {
        if !seen.insert((s.item.provider, s.item.id.as_str())) {
            continue;
        }
        let end = UnixNanos::new((s.item.created_at.as_i64().div_euclid(iv) + 1) * iv);
        let symbols: BTreeSet<&Symbol> = s.item.symbols.iter().collect();
        for sym in symbols {
            groups.entry((end, sym.clone())).or_default().push(s);
        }
    }
    groups
        .into_iter()
        .map(|((ts, symbol), items)| record(symbol, ts, &items, interval))
        .collect()
}

fn record(
    symbol: Symbol,
    ts: UnixNanos,
    items: &[&ScoredItem],
    interval: Timeframe,
) -> Result<SentimentRecord, AggregateError> {
    let n = items.len();
    let mean = items.iter().map(|s| s.score.compound).sum::<f64>() / n as f64;
    let score = ((mean * 1e4).round() / 1e4).clamp(-1.0, 1.0);
    let label = label_of(score);
    let count = |l: SentimentLabel| items.iter().filter(|s| s.score.label == l).count();
    let agreement = count(label) as f64 / n as f64;
    let confidence = agreement * (1.0 - 0.5f64.powi(n.min(64) as i32));
    let metadata = json!({
        "count": n,
        "items": items.iter().map(|s| s.item.key()).collect::<Vec<_>>(),
        "labels": {
            "positive": count(SentimentLabel::Positive),
            "neutral": count(SentimentLabel::Neutral),
            "negative": count(SentimentLabel::Negative),
        },
        "interval": interval.to_string(),
    });
    Ok(SentimentRecord::new(
        symbol,
        ts,
        SentimentSource::News,
        label,
        score,
        confidence,
        metadata,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item(id: &str, at: &str, symbols: &str, headline: &str) -> NewsArticle {
        NewsArticle {
            provider: domain::Provider::Alpaca,
            id: id.to_string(),
            created_at: UnixNanos::parse_rfc3339(at).unwrap(),
            symbols: Symbol::parse_list(symbols).unwrap(),
            headline: headline.to_string(),
            summary: String::new(),
            source: String::new(),
            author: None,
            url: String::new(),
            updated_at: None,
            provider_sentiment: None,
        }
    }

    fn news() -> Vec<NewsArticle> {
        vec![
            item(
                "a",
                "2024-07-19T13:31:00Z",
                "AAPL",
                "Apple shares surge to a record high",
            ),
            item(
                "b",
                "2024-07-19T13:44:59Z",
                "AAPL,MSFT",
                "Analysts upgrade Apple and Microsoft",
            ),
            item(
                "c",
                "2024-07-19T13:45:00Z",
                "AAPL",
                "Apple faces antitrust lawsuit, shares fall",
            ),
            item(
                "b",
                "2024-07-19T13:44:59Z",
                "AAPL,MSFT",
                "Analysts upgrade Apple and Microsoft",
            ),
            item(
                "d",
                "2024-07-19T13:50:00Z",
                "MSFT",
                "Microsoft schedules its earnings call",
            ),
        ]
    }

    #[test]
    fn buckets_stamped_at_interval_end() {
        let scored = score_items(&Scorer::default(), &news());
        let recs = aggregate(&scored, Timeframe::M15).unwrap();
        let keys: Vec<_> = recs
            .iter()
            .map(|r| (r.ts.to_rfc3339(), r.symbol.to_string()))
            .collect();
        assert_eq!(
            keys,
            [
                ("2024-07-19T13:45:00Z".to_string(), "AAPL".to_string()),
                ("2024-07-19T13:45:00Z".into(), "MSFT".into()),
                ("2024-07-19T14:00:00Z".into(), "AAPL".into()),
                ("2024-07-19T14:00:00Z".into(), "MSFT".into()),
            ]
        );
        let first = &recs[0];
        assert_eq!(first.source, SentimentSource::News);
        assert_eq!(first.label, SentimentLabel::Positive);
        assert_eq!(first.metadata["count"], 2, "the duplicate of b counts once");
        // Items are named `provider/id`: ids are unique per provider only.
        assert_eq!(first.metadata["items"], json!(["alpaca/a", "alpaca/b"]));
        // Two items, both positive: agreement 1, count factor 1 - 1/4.
        assert!((first.confidence - 0.75).abs() < 1e-12);
        let ab = (scored[0].score.compound + scored[1].score.compound) / 2.0;
        assert!((first.score - ab).abs() < 1e-4);
        assert_eq!(recs[2].label, SentimentLabel::Negative);
        // One neutral item: agreement 1, count factor 1/2.
        assert_eq!(recs[3].label, SentimentLabel::Neutral);
        assert!((recs[3].confidence - 0.5).abs() < 1e-12);
    }

    #[test]
    fn interval_must_have_a_length() {
        let scored = score_items(&Scorer::default(), &news());
        let err = aggregate(&scored, Timeframe::parse("1mo").unwrap()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("interval: 1mo has no fixed length")
        );
    }

    proptest! {
        #[test]
        fn order_does_not_matter(seed in any::<u64>()) {
            use rand::{SeedableRng, seq::SliceRandom};
            let scored = score_items(&Scorer::default(), &news());
            let base = serde_json::to_string(&aggregate(&scored, Timeframe::M15).unwrap()).unwrap();
            let mut shuffled = scored.clone();
            shuffled.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
            let again = serde_json::to_string(&aggregate(&shuffled, Timeframe::M15).unwrap()).unwrap();
            prop_assert_eq!(base, again);
        }
    }
}
