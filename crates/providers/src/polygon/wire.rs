//! Polygon response bodies and their conversion into pages of domain records.
//!
//! Every list endpoint answers `{"results": [...], "status": "OK", "next_url": …}`; a missing
//! `results` is an empty page. Times are epoch numbers read exactly from their text: aggregates
//! in milliseconds (`t`), ticks and snapshots in nanoseconds (`sip_timestamp`, `last_updated`).

use domain::{Bar, DomainError, QuoteTick, Symbol, TradeTick};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::ProviderError;
use crate::http::{Fetched, HttpCore};
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
pub(super) fn decode<'a, T: Deserialize<'a>>(
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

/// An aggregate, stamped in epoch milliseconds.
type RawAgg<'a> = parse::RawBar<'a, &'a RawValue>;

fn agg(r: &RawAgg, daily: bool) -> Result<Bar, DomainError> {
    r.bar(parse::epoch(r.t, Epoch::Millis, "ts")?, daily)
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
        if let Ok(q) = &q {
            page.issues.extend(Issue::crossed(symbol, q));
        }
        page.push(symbol.as_str(), i, q.map(|q| (symbol.clone(), q)))?;
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
