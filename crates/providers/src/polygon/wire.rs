//! Polygon response bodies and their conversion into pages of domain records.
//!
//! Every list endpoint answers `{"results": [...], "status": "OK", "next_url": …}`; a missing
//! `results` is an empty page. Times are epoch numbers read exactly from their text: aggregates
//! in milliseconds (`t`), ticks and snapshots in nanoseconds (`sip_timestamp`, `last_updated`).

use std::borrow::Cow;

use domain::{
    Bar, DomainError, OptionQuote, OptionRight, QuoteTick, SentimentLabel, Symbol, TradeTick,
    UnixNanos,
};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::ProviderError;
use crate::http::{Fetched, HttpCore};
use crate::news::{NewsItem, TickerSentiment};
use crate::page::{Cursor, Issue, OnInvalidRecord, Page, PageBuilder};
use crate::parse::{self, Code, Codes, Epoch};

#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
struct Body<T> {
    #[serde(default)]
    results: Option<Vec<T>>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    next_url: Option<String>,
}

/// Decodes a list body; a 200 whose `status` says the request failed is still a failure.
fn decode<'a, T: Deserialize<'a>>(
    core: &HttpCore,
    fetched: &'a Fetched,
) -> Result<(Vec<T>, Option<Cursor>), ProviderError> {
    let b: Body<T> = parse::decode(core, &fetched.request, &fetched.body)?;
    let excerpt = || {
        core.scrub(
            &b.error
                .clone()
                .unwrap_or_else(|| core.excerpt(&fetched.body)),
        )
    };
    match b.status.as_deref() {
        Some("NOT_AUTHORIZED") => {
            return Err(ProviderError::Auth {
                request: fetched.request.clone(),
                status: 200,
                excerpt: excerpt(),
            });
        }
        Some("ERROR") => {
            return Err(ProviderError::Rejected {
                request: fetched.request.clone(),
                status: 200,
                excerpt: excerpt(),
            });
        }
        _ => {}
    }
    Ok((
        b.results.unwrap_or_default(),
        b.next_url.as_deref().and_then(cursor_of),
    ))
}

/// A `next_url` as a cursor: its path and query, with any `apiKey` removed, so it is safe to
/// store and can be replayed against whichever base URL the client is configured with.
pub(super) fn cursor_of(next_url: &str) -> Option<Cursor> {
    let next_url = next_url.trim();
    if next_url.is_empty() {
        return None;
    }
    let parsed = url::Url::parse(next_url)
        .or_else(|_| url::Url::parse("http://relative.invalid")?.join(next_url))
        .ok()?;
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| k != "apiKey")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut out = parsed.path().to_owned();
    if !pairs.is_empty() {
        let q = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        out.push('?');
        out.push_str(&q);
    }
    Some(Cursor::new(out))
}

#[derive(Deserialize)]
struct RawAgg<'a> {
    #[serde(borrow)]
    t: &'a RawValue,
    #[serde(borrow)]
    o: &'a RawValue,
    #[serde(borrow)]
    h: &'a RawValue,
    #[serde(borrow)]
    l: &'a RawValue,
    #[serde(borrow)]
    c: &'a RawValue,
    #[serde(borrow)]
    v: &'a RawValue,
    #[serde(borrow, default)]
    vw: Option<&'a RawValue>,
    #[serde(borrow, default)]
    n: Option<&'a RawValue>,
}

fn agg(r: &RawAgg, daily: bool) -> Result<Bar, DomainError> {
    let mut ts = parse::epoch(r.t, Epoch::Millis, "ts")?;
    if daily {
        ts = UnixNanos::from_date(ts.exchange_date());
    }
    Bar::new(
        ts,
        parse::price(r.o, "open")?,
        parse::price(r.h, "high")?,
        parse::price(r.l, "low")?,
        parse::price(r.c, "close")?,
        parse::quantity(r.v, "volume")?,
        r.vw.map(|v| parse::price(v, "vwap")).transpose()?,
        r.n.map(|n| parse::count(n, "trade_count")).transpose()?,
    )
}

pub(super) fn bars_page(
    core: &HttpCore,
    fetched: &Fetched,
    symbol: &Symbol,
    daily: bool,
    policy: OnInvalidRecord,
) -> Result<Page<(Symbol, Bar)>, ProviderError> {
    let (rows, next) = decode::<RawAgg>(core, fetched)?;
    let mut page = PageBuilder::new(policy, &fetched.request, rows.len());
    for (i, r) in rows.iter().enumerate() {
        page.push(
            symbol.as_str(),
            i,
            agg(r, daily).map(|b| (symbol.clone(), b)),
        )?;
    }
    Ok(page.finish(next))
}

#[derive(Deserialize)]
struct RawTrade<'a> {
    #[serde(borrow)]
    sip_timestamp: &'a RawValue,
    #[serde(borrow)]
    price: &'a RawValue,
    #[serde(borrow)]
    size: &'a RawValue,
    #[serde(default)]
    exchange: Code,
    #[serde(default)]
    conditions: Codes,
    #[serde(default)]
    id: Option<Code>,
    #[serde(default)]
    correction: Option<u32>,
}

pub(super) fn trades_page(
    core: &HttpCore,
    fetched: &Fetched,
    symbol: &Symbol,
    policy: OnInvalidRecord,
) -> Result<Page<(Symbol, TradeTick)>, ProviderError> {
    let (rows, next) = decode::<RawTrade>(core, fetched)?;
    let mut page = PageBuilder::new(policy, &fetched.request, rows.len());
    for (i, r) in rows.iter().enumerate() {
        let trade = (|| {
            let ts = parse::epoch(r.sip_timestamp, Epoch::Nanos, "ts")?;
            let t = TradeTick {
                ts,
                price: parse::price(r.price, "price")?,
                size: parse::quantity(r.size, "size")?,
                exchange: r.exchange.0.clone(),
                conditions: r.conditions.0.clone(),
                trade_id: r.id.as_ref().map(|c| c.0.clone()),
            };
            t.validate()?;
            Ok(t)
        })();
        match (trade, r.correction) {
            // A non-zero correction indicator marks a print that was later corrected or
            // cancelled, or the correction record itself: not a plain print to replay.
            (Ok(t), Some(c)) if c != 0 => page.issues.push(Issue::TradeUpdate {
                symbol: symbol.clone(),
                ts: t.ts,
                trade_id: t.trade_id,
                update: format!("correction {c}"),
            }),
            (t, _) => page.push(symbol.as_str(), i, t.map(|t| (symbol.clone(), t)))?,
        }
    }
    Ok(page.finish(next))
}

#[derive(Deserialize)]
struct RawQuote<'a> {
    #[serde(borrow)]
    sip_timestamp: &'a RawValue,
    #[serde(borrow)]
    bid_price: &'a RawValue,
    #[serde(borrow)]
    ask_price: &'a RawValue,
    #[serde(borrow)]
    bid_size: &'a RawValue,
    #[serde(borrow)]
    ask_size: &'a RawValue,
    #[serde(default)]
    bid_exchange: Code,
    #[serde(default)]
    ask_exchange: Code,
    #[serde(default)]
    conditions: Codes,
}

pub(super) fn quotes_page(
    core: &HttpCore,
    fetched: &Fetched,
    symbol: &Symbol,
    policy: OnInvalidRecord,
) -> Result<Page<(Symbol, QuoteTick)>, ProviderError> {
    let (rows, next) = decode::<RawQuote>(core, fetched)?;
    let mut page = PageBuilder::new(policy, &fetched.request, rows.len());
    for (i, r) in rows.iter().enumerate() {
        let q = (|| {
            let q = QuoteTick {
                ts: parse::epoch(r.sip_timestamp, Epoch::Nanos, "ts")?,
                bid: parse::price(r.bid_price, "bid")?,
                ask: parse::price(r.ask_price, "ask")?,
                bid_size: parse::quantity(r.bid_size, "bid_size")?,
                ask_size: parse::quantity(r.ask_size, "ask_size")?,
                bid_exchange: r.bid_exchange.0.clone(),
                ask_exchange: r.ask_exchange.0.clone(),
                conditions: r.conditions.0.clone(),
            };
            q.validate()?;
            Ok(q)
        })();
        if let Ok(q) = &q
            && q.is_crossed()
        {
            page.issues.push(Issue::CrossedQuote {
                symbol: symbol.clone(),
                ts: q.ts,
                bid: q.bid,
                ask: q.ask,
            });
        }
        page.push(symbol.as_str(), i, q.map(|q| (symbol.clone(), q)))?;
    }
    Ok(page.finish(next))
}

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

fn news_item(n: RawNews, issues: &mut Vec<Issue>) -> Result<NewsItem, DomainError> {
    let id = n.id.0;
    let mut symbols = Vec::with_capacity(n.tickers.len());
    for t in &n.tickers {
        match Symbol::new(t) {
            Ok(s) => symbols.push(s),
            Err(_) => issues.push(Issue::BadSymbol {
                item: id.clone(),
                text: t.clone(),
            }),
        }
    }
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
    Ok(NewsItem {
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
) -> Result<Page<NewsItem>, ProviderError> {
    let (rows, next) = decode::<RawNews>(core, fetched)?;
    let mut page = PageBuilder::new(policy, &fetched.request, rows.len());
    for (i, n) in rows.into_iter().enumerate() {
        let id = n.id.0.clone();
        let item = news_item(n, &mut page.issues);
        page.push(&id, i, item)?;
    }
    Ok(page.finish(next))
}

#[derive(Deserialize)]
struct RawSnapshot<'a> {
    #[serde(borrow, default)]
    day: Option<RawDay<'a>>,
    details: RawDetails<'a>,
    #[serde(borrow, default)]
    greeks: Option<RawGreeks<'a>>,
    #[serde(borrow, default)]
    implied_volatility: Option<&'a RawValue>,
    #[serde(borrow, default)]
    last_quote: Option<RawLastQuote<'a>>,
    #[serde(borrow, default)]
    last_trade: Option<RawLastTrade<'a>>,
    #[serde(borrow, default)]
    open_interest: Option<&'a RawValue>,
    #[serde(borrow, default)]
    underlying_asset: Option<RawUnderlying<'a>>,
}

#[derive(Deserialize)]
struct RawDay<'a> {
    #[serde(borrow, default)]
    volume: Option<&'a RawValue>,
    #[serde(borrow, default)]
    last_updated: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawDetails<'a> {
    #[serde(borrow)]
    ticker: Cow<'a, str>,
    #[serde(default)]
    contract_type: Option<String>,
}

#[derive(Deserialize)]
struct RawGreeks<'a> {
    #[serde(borrow, default)]
    delta: Option<&'a RawValue>,
    #[serde(borrow, default)]
    gamma: Option<&'a RawValue>,
    #[serde(borrow, default)]
    theta: Option<&'a RawValue>,
    #[serde(borrow, default)]
    vega: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawLastQuote<'a> {
    #[serde(borrow, default)]
    bid: Option<&'a RawValue>,
    #[serde(borrow, default)]
    ask: Option<&'a RawValue>,
    #[serde(borrow, default)]
    last_updated: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawLastTrade<'a> {
    #[serde(borrow, default)]
    price: Option<&'a RawValue>,
    #[serde(borrow, default)]
    sip_timestamp: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawUnderlying<'a> {
    #[serde(borrow, default)]
    ticker: Option<Cow<'a, str>>,
}

fn option_quote(s: &RawSnapshot) -> Result<OptionQuote, DomainError> {
    let occ = s.details.ticker.trim_start_matches("O:");
    let (root, expiry, occ_right, strike) = OptionQuote::parse_occ(occ)?;
    let right = match &s.details.contract_type {
        Some(t) => OptionRight::parse(t)?,
        None => occ_right,
    };
    let nanos = |v: Option<&RawValue>| v.map(|v| parse::epoch(v, Epoch::Nanos, "ts")).transpose();
    let quote_ts = nanos(s.last_quote.as_ref().and_then(|q| q.last_updated))?;
    let trade_ts = nanos(s.last_trade.as_ref().and_then(|t| t.sip_timestamp))?;
    let day_ts = nanos(s.day.as_ref().and_then(|d| d.last_updated))?;
    // As of the latest quote or trade; the day aggregate's time only when neither is given.
    let ts = quote_ts
        .max(trade_ts)
        .or(day_ts)
        .ok_or_else(|| DomainError::new("ts", "snapshot has no quote, trade or day time"))?;
    let underlying = match s
        .underlying_asset
        .as_ref()
        .and_then(|u| u.ticker.as_deref())
    {
        Some(t) => Symbol::new(t)?,
        None => root,
    };
    let p = |v: Option<&RawValue>, f| v.map(|v| parse::price(v, f)).transpose();
    let g = |v: Option<&RawValue>, f| v.map(|v| parse::float(v, f)).transpose();
    let greeks = s.greeks.as_ref();
    let q = OptionQuote {
        ts,
        contract: Symbol::new(occ)?,
        underlying,
        expiry,
        strike,
        right,
        bid: p(s.last_quote.as_ref().and_then(|q| q.bid), "bid")?,
        ask: p(s.last_quote.as_ref().and_then(|q| q.ask), "ask")?,
        last: p(s.last_trade.as_ref().and_then(|t| t.price), "last")?,
        volume: s
            .day
            .as_ref()
            .and_then(|d| d.volume)
            .map(|v| parse::quantity(v, "volume"))
            .transpose()?,
        open_interest: s
            .open_interest
            .map(|v| parse::quantity(v, "open_interest"))
            .transpose()?,
        iv: g(s.implied_volatility, "iv")?,
        delta: g(greeks.and_then(|x| x.delta), "delta")?,
        gamma: g(greeks.and_then(|x| x.gamma), "gamma")?,
        theta: g(greeks.and_then(|x| x.theta), "theta")?,
        vega: g(greeks.and_then(|x| x.vega), "vega")?,
    };
    q.validate()?;
    Ok(q)
}

pub(super) fn option_chain_page(
    core: &HttpCore,
    fetched: &Fetched,
    policy: OnInvalidRecord,
) -> Result<Page<OptionQuote>, ProviderError> {
    let (rows, next) = decode::<RawSnapshot>(core, fetched)?;
    let mut page = PageBuilder::new(policy, &fetched.request, rows.len());
    for (i, s) in rows.iter().enumerate() {
        page.push(&s.details.ticker, i, option_quote(s))?;
    }
    Ok(page.finish(next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_drops_host_and_key() {
        let c = cursor_of("https://api.polygon.io/v3/quotes/AAPL?cursor=YXA9MTky&apiKey=SECRET")
            .unwrap();
        assert_eq!(c.as_str(), "/v3/quotes/AAPL?cursor=YXA9MTky");
        assert_eq!(
            cursor_of("/v3/trades/X?cursor=a%3Db").unwrap().as_str(),
            "/v3/trades/X?cursor=a%3Db"
        );
        assert_eq!(cursor_of("  "), None);
    }
}
