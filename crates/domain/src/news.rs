//! News articles, one type from the provider's page to the store and the sentiment scorer.
//!
//! - [`NewsArticle`]: one article as a provider publishes it, with the provider's own
//!   per-ticker sentiment when it sends one.
//! - [`TickerSentiment`]: that judgement for one ticker.

use serde::{Deserialize, Serialize};

use crate::provider::Provider;
use crate::sentiment::SentimentLabel;
use crate::symbol::Symbol;
use crate::time::UnixNanos;

/// One article. Unique per (`provider`, `id`): ids are the provider's own (Alpaca's number as
/// text, Polygon's hash), so two providers may use one id for different articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewsArticle {
    pub provider: Provider,
    pub id: String,
    /// The tickers it is about, in the provider's order.
    pub symbols: Vec<Symbol>,
    pub headline: String,
    /// Empty when the provider sends none.
    pub summary: String,
    /// Where it was published: Alpaca `source` (e.g. `benzinga`), Polygon `publisher.name`.
    pub source: String,
    pub author: Option<String>,
    pub url: String,
    /// When the provider published it (the providers' name for it).
    pub created_at: UnixNanos,
    pub updated_at: Option<UnixNanos>,
    /// `None` when the provider sends no sentiment (Alpaca); Polygon's `insights` otherwise.
    pub provider_sentiment: Option<Vec<TickerSentiment>>,
}

impl NewsArticle {
    /// `provider/id`: the article's name across providers.
    pub fn key(&self) -> String {
        format!("{}/{}", self.provider, self.id)
    }
}

/// The provider's judgement of one ticker in one article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TickerSentiment {
    pub symbol: Symbol,
    pub label: SentimentLabel,
    pub reasoning: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_the_provider_and_the_id() {
        let a = NewsArticle {
            provider: Provider::Polygon,
            id: "abc".into(),
            symbols: vec![Symbol::lit("SPY")],
            headline: "h".into(),
            summary: String::new(),
            source: "s".into(),
            author: None,
            url: String::new(),
            created_at: UnixNanos::new(0),
            updated_at: None,
            provider_sentiment: Some(vec![TickerSentiment {
                symbol: Symbol::lit("SPY"),
                label: SentimentLabel::Positive,
                reasoning: None,
            }]),
        };
        assert_eq!(a.key(), "polygon/abc");
        // The provider's sentiment serializes as the store has always kept it.
        assert_eq!(
            serde_json::to_value(a.provider_sentiment.as_ref().unwrap()).unwrap(),
            serde_json::json!([{"symbol": "SPY", "label": "positive", "reasoning": null}])
        );
    }
}
