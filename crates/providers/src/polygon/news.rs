//! Polygon v2 reference news: `{"results": [...], "next_url": …}` → [`NewsArticle`]s, with the
//! provider's per-ticker `insights` as `provider_sentiment` when present.

use domain::{DomainError, NewsArticle, Provider, SentimentLabel, Symbol, TickerSentiment};
use serde::Deserialize;

use super::wire::decode;
use crate::error::ProviderError;
use crate::http::{Fetched, HttpCore};
use crate::news;
use crate::page::{Issue, OnInvalidRecord, Page, PageBuilder};
use crate::parse::{self, Code};

#[derive(Deserialize)]
struct RawNews {
    id: Code,
    #[serde(default)]
    publisher: Option<Publisher>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    author: Option<String>,
    published_utc: String,
    #[serde(default)]
    article_url: String,
    #[serde(default)]
    tickers: Vec<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    insights: Option<Vec<Insight>>,
}

#[derive(Deserialize)]
struct Publisher {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct Insight {
    ticker: String,
    sentiment: String,
    #[serde(default)]
    sentiment_reasoning: Option<String>,
}

fn news_item(n: RawNews, issues: &mut Vec<Issue>) -> Result<NewsArticle, DomainError> {
    let id = n.id.0;
    let symbols = news::symbols(&id, &n.tickers, issues);
    let sentiment = n
        .insights
        .map(|ins| {
            ins.into_iter()
                .map(|i| {
                    Ok(TickerSentiment {
                        symbol: Symbol::new(&i.ticker)?,
                        label: SentimentLabel::parse(&i.sentiment)?,
                        reasoning: i.sentiment_reasoning,
                    })
                })
                .collect::<Result<Vec<_>, DomainError>>()
        })
        .transpose()?;
    Ok(NewsArticle {
        provider: Provider::Polygon,
        created_at: parse::timestamp(&n.published_utc, "created_at")?,
        id,
        symbols,
        headline: n.title,
        summary: n.description.unwrap_or_default(),
        source: n.publisher.map(|p| p.name).unwrap_or_default(),
        author: n.author.filter(|a| !a.is_empty()),
        url: n.article_url,
        updated_at: None,
        provider_sentiment: sentiment,
    })
}

pub(super) fn news_page(
    core: &HttpCore,
    fetched: &Fetched,
    policy: OnInvalidRecord,
) -> Result<Page<NewsArticle>, ProviderError> {
    let (rows, next) = decode::<RawNews>(core, fetched)?;
    let mut page = PageBuilder::new(policy, &fetched.request, rows.len());
    for (i, n) in rows.into_iter().enumerate() {
        let id = n.id.0.clone();
        let item = news_item(n, &mut page.issues);
        page.push(&id, i, item)?;
    }
    Ok(page.finish(next))
}
