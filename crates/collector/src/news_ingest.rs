//! A page of news articles ([`domain::NewsArticle`], stored as they come) and its sentiment:
//! [`interval_sentiment`] recomputes a symbol's per-interval sentiment (source `news`) for the
//! intervals a page touched, from every stored article in them plus the page's.
//!
//! Recomputing from the stored articles keeps a record a function of the interval's articles
//! whatever pages they arrived on, so the record written with a page (in its transaction) is
//! the one a full refetch would write.

use std::collections::{BTreeMap, BTreeSet};

use domain::{NewsArticle, Provider, SentimentRecord, Symbol, Timeframe, UnixNanos};

use sentiment::{AggregateError, Scorer};

/// The interval news sentiment is aggregated over.
pub const SENTIMENT_INTERVAL: Timeframe = Timeframe::M15;

/// `[start, end)` of the intervals holding articles about `symbol` in `page`; `None` if none.
pub fn touched_range(
    symbol: &Symbol,
    page: &[NewsArticle],
    interval: Timeframe,
) -> Option<(UnixNanos, UnixNanos)> {
    let iv = interval.nanos()?;
    let starts: BTreeSet<i64> = page
        .iter()
        .filter(|n| n.symbols.contains(symbol))
        .map(|n| n.created_at.as_i64().div_euclid(iv) * iv)
        .collect();
    Some((
        UnixNanos::new(*starts.first()?),
        UnixNanos::new(*starts.last()? + iv),
    ))
}

/// The sentiment records of `symbol` for every interval an article of `page` about it falls
/// in, each from all of `stored` and `page` in that interval (`page` wins on an id both hold).
pub fn interval_sentiment(
    symbol: &Symbol,
    stored: &[NewsArticle],
    page: &[NewsArticle],
    interval: Timeframe,
) -> Result<Vec<SentimentRecord>, AggregateError> {
    let Some(iv) = interval.nanos().filter(|n| *n > 0) else {
        return Err(AggregateError::Interval(interval));
    };
    let end_of = |t: UnixNanos| UnixNanos::new((t.as_i64().div_euclid(iv) + 1) * iv);
    let touched: BTreeSet<UnixNanos> = page
        .iter()
        .filter(|n| n.symbols.contains(symbol))
        .map(|n| end_of(n.created_at))
        .collect();
    // Ids are unique per provider only.
    let mut all: BTreeMap<(Provider, &str), &NewsArticle> = BTreeMap::new();
    for n in stored.iter().chain(page) {
        all.insert((n.provider, n.id.as_str()), n);
    }
    let items: Vec<NewsArticle> = all
        .values()
        .filter(|n| n.symbols.contains(symbol) && touched.contains(&end_of(n.created_at)))
        .map(|n| NewsArticle {
            // Only this symbol's record is computed here: the page holds every article about
            // it, not every article about the other tickers it names.
            symbols: vec![symbol.clone()],
            ..(*n).clone()
        })
        .collect();
    let scored = sentiment::score_items(&Scorer::default(), &items);
    sentiment::aggregate(&scored, interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn news(provider: &str, id: &str, at: &str, symbols: &str, headline: &str) -> NewsArticle {
        NewsArticle {
            provider: Provider::parse(provider).unwrap(),
            id: id.into(),
            symbols: Symbol::parse_list(symbols).unwrap(),
            headline: headline.into(),
            summary: String::new(),
            source: "benzinga".into(),
            author: None,
            url: String::new(),
            created_at: UnixNanos::parse_rfc3339(at).unwrap(),
            updated_at: None,
            provider_sentiment: None,
        }
    }

    #[test]
    fn recomputes_touched_intervals_from_stored_and_page() {
        let spy = Symbol::lit("SPY");
        let stored = vec![
            news(
                "alpaca",
                "1",
                "2024-01-02T14:31:00Z",
                "SPY",
                "Stocks surge to record high",
            ),
            news(
                "alpaca",
                "2",
                "2024-01-02T15:01:00Z",
                "SPY",
                "Stocks plunge",
            ),
        ];
        let page = vec![
            news(
                "alpaca",
                "3",
                "2024-01-02T14:40:00Z",
                "SPY,AAPL",
                "Strong gains continue",
            ),
            news("alpaca", "4", "2024-01-02T14:41:00Z", "AAPL", "Apple falls"),
        ];
        let recs = interval_sentiment(&spy, &stored, &page, SENTIMENT_INTERVAL).unwrap();
        // Only 14:30–14:45 was touched, and only SPY's record is made; it counts both articles.
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].symbol, spy);
        assert_eq!(
            recs[0].ts,
            UnixNanos::parse_rfc3339("2024-01-02T14:45:00Z").unwrap()
        );
        assert_eq!(recs[0].metadata["count"], 2);
        assert!(recs[0].score > 0.0);
        // The same articles arriving in one page give the same record.
        let all: Vec<NewsArticle> = stored.iter().chain(&page).cloned().collect();
        let again = interval_sentiment(&spy, &[], &all, SENTIMENT_INTERVAL).unwrap();
        assert_eq!(again[0], recs[0]);
        assert_eq!(
            touched_range(&spy, &page, SENTIMENT_INTERVAL),
            Some((
                UnixNanos::parse_rfc3339("2024-01-02T14:30:00Z").unwrap(),
                UnixNanos::parse_rfc3339("2024-01-02T14:45:00Z").unwrap()
            ))
        );
        assert_eq!(
            touched_range(&Symbol::lit("QQQ"), &page, SENTIMENT_INTERVAL),
            None
        );
    }
}
