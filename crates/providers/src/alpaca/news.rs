//! Alpaca v1beta1 news bodies: `{"news": [...], "next_page_token": …}` → [`NewsArticle`]s.
//! Alpaca sends no sentiment, so `provider_sentiment` is `None`.

use domain::{NewsArticle, Provider};
use serde::Deserialize;

use super::wire::next_cursor;
use crate::error::ProviderError;
use crate::http::{Fetched, HttpCore};
use crate::news;
use crate::page::{OnInvalidRecord, Page, PageBuilder};
use crate::parse::{self, Code};

#[derive(Deserialize)]
struct NewsBody {
    #[serde(default)]
    news: Option<Vec<RawNews>>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct RawNews {
    id: Code,
    #[serde(default)]
    headline: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    author: Option<String>,
    created_at: String,
    #[serde(default)]
    updated_at: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    symbols: Vec<String>,
}

pub(super) fn news_page(
    core: &HttpCore,
    fetched: &Fetched,
    policy: OnInvalidRecord,
) -> Result<Page<NewsArticle>, ProviderError> {
    let body: NewsBody = parse::decode(core, &fetched.request, &fetched.body)?;
    let rows = body.news.unwrap_or_default();
    let mut page = PageBuilder::new(policy, &fetched.request, rows.len());
    for (position, n) in rows.into_iter().enumerate() {
        let id = n.id.0;
        let symbols = news::symbols(&id, &n.symbols, &mut page.issues);
        let item = (|| {
            Ok(NewsArticle {
                provider: Provider::Alpaca,
                symbols,
                headline: n.headline,
                summary: n.summary,
                source: n.source,
                author: n.author.filter(|a| !a.is_empty()),
                url: n.url.unwrap_or_default(),
                created_at: parse::timestamp(&n.created_at, "created_at")?,
                updated_at: n
                    .updated_at
                    .as_deref()
                    .map(|t| parse::timestamp(t, "updated_at"))
                    .transpose()?,
                provider_sentiment: None,
                id: id.clone(),
            })
        })();
        page.push(&id, position, item)?;
    }
    Ok(page.finish(next_cursor(body.next_page_token)))
}
