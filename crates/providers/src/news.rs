//! News items as both providers publish them, with the provider's own sentiment when it has one.

use domain::{SentimentLabel, Symbol, UnixNanos};

use crate::page::Issue;

/// One article. `id` is the provider's (Alpaca's number as text, Polygon's hash).
#[derive(Debug, Clone, PartialEq)]
pub struct NewsItem {
    pub id: String,
    pub symbols: Vec<Symbol>,
    pub headline: String,
    pub summary: String,
    /// Where it was published: Alpaca `source` (e.g. `benzinga`), Polygon `publisher.name`.
    pub source: String,
    pub author: Option<String>,
    pub url: String,
    pub created_at: UnixNanos,
    pub updated_at: Option<UnixNanos>,
    /// `None` when the provider sends no sentiment (Alpaca); Polygon's `insights` otherwise.
    pub provider_sentiment: Option<Vec<TickerSentiment>>,
}

/// The provider's judgement of one ticker in one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TickerSentiment {
    pub symbol: Symbol,
    pub label: SentimentLabel,
    pub reasoning: Option<String>,
}

/// An item's tickers; one that is not a valid symbol is left out and reported as
/// [`Issue::BadSymbol`] (the item is kept).
pub(crate) fn symbols(item: &str, texts: &[String], issues: &mut Vec<Issue>) -> Vec<Symbol> {
    let mut out = Vec::with_capacity(texts.len());
    for t in texts {
        match Symbol::new(t) {
            Ok(s) => out.push(s),
            Err(_) => issues.push(Issue::BadSymbol {
                item: item.to_owned(),
                text: t.clone(),
            }),
        }
    }
    out
}
