//! Polygon response bodies and their conversion into pages of domain records.
//!
//! Every list endpoint answers `{"results": [...], "status": "OK", "next_url": …}`; a missing
//! `results` is an empty page. Times are epoch numbers read exactly from their text: aggregates
//! in milliseconds (`t`), ticks and snapshots in nanoseconds (`sip_timestamp`, `last_updated`).

use domain::{Bar, DomainError, QuoteTick, Symbol, TradeTick};
use serde::Deserialize;
use serde_json::value::RawValue;
use url::Url;

use crate::error::ProviderError;
use crate::http::{Fetched, HttpCore};
use crate::page::{Cursor, Issue, OnInvalidRecord, Page, PageBuilder};
use crate::parse::{self, Code, Codes, Epoch};
use crate::polygon::DEFAULT_POLYGON_URL;

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
    let next = match b.next_url.as_deref().map(|n| cursor_of(n, core.base())) {
        None => None,
        Some(Ok(c)) => c,
        Some(Err(reason)) => {
            return Err(ProviderError::Malformed {
                request: fetched.request.clone(),
                reason: core.scrub(&reason),
                excerpt: core.excerpt(&fetched.body),
            });
        }
    };
    Ok((b.results.unwrap_or_default(), next))
}

/// A `next_url` as a cursor: its path and query, with any `apiKey` removed, so it is safe to
/// store and can be replayed against whichever base URL the client is configured with (`base`).
/// A `next_url` on another origin than `base`'s or Polygon's own is refused, so a server cannot
/// steer the paging, and with it the key, elsewhere.
pub(super) fn cursor_of(next_url: &str, base: &Url) -> Result<Option<Cursor>, String> {
    let next_url = next_url.trim();
    if next_url.is_empty() {
        return Ok(None);
    }
    let relative_base = Url::parse("http://relative.invalid").expect("valid");
    let parsed = match Url::parse(next_url) {
        Err(url::ParseError::RelativeUrlWithoutBase) => relative_base.join(next_url),
        other => other,
    }
    .map_err(|e| format!("next_url {next_url:?} is not a URL: {e}"))?;
    let origin = parsed.origin();
    let ours = origin == base.origin();
    let polygon = origin == Url::parse(DEFAULT_POLYGON_URL).expect("valid").origin();
    if !(ours || polygon || origin == relative_base.origin()) {
        return Err(format!(
            "next_url {next_url:?} is on another origin ({}) than the configured {}; not \
             followed, so the key is never sent there",
            origin.ascii_serialization(),
            base.origin().ascii_serialization()
        ));
    }
    // Our own origin names the base URL's path prefix (a proxy's); the cursor goes without it.
    let prefix = base.path().trim_end_matches('/');
    let path = match parsed.path().strip_prefix(prefix) {
        Some(rest) if ours && !prefix.is_empty() && rest.starts_with('/') => rest,
        _ => parsed.path(),
    };
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| k != "apiKey")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut out = path.to_owned();
    if !pairs.is_empty() {
        let q = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        out.push('?');
        out.push_str(&q);
    }
    Ok(Some(Cursor::new(out)))
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
                suspicious: false,
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
                suspicious: false,
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
        let base = Url::parse("http://127.0.0.1:8080").unwrap();
        let cursor = |n: &str| cursor_of(n, &base).unwrap().unwrap();
        let c = cursor("https://api.polygon.io/v3/quotes/AAPL?cursor=YXA9MTky&apiKey=SECRET");
        assert_eq!(c.as_str(), "/v3/quotes/AAPL?cursor=YXA9MTky");
        assert_eq!(
            cursor("/v3/trades/X?cursor=a%3Db").as_str(),
            "/v3/trades/X?cursor=a%3Db"
        );
        assert_eq!(cursor_of("  ", &base), Ok(None));
    }

    #[test]
    fn cursor_refuses_other_origins_and_drops_our_prefix() {
        let base = Url::parse("https://proxy.example/polygon").unwrap();
        let ok = |n: &str| cursor_of(n, &base).unwrap().unwrap().as_str().to_owned();
        assert_eq!(
            ok("https://proxy.example/polygon/v3/x?cursor=1"),
            "/v3/x?cursor=1"
        );
        assert_eq!(ok("https://api.polygon.io/v3/x?cursor=1"), "/v3/x?cursor=1");
        for bad in [
            "http://proxy.example/polygon/v3/x",
            "https://proxy.example:444/v3/x",
            "https://evil.example/v3/x",
            "//evil.example/v3/x",
        ] {
            let e = cursor_of(bad, &base).unwrap_err();
            assert!(e.contains("another origin"), "{bad}: {e}");
        }
        assert!(
            cursor_of("http://[::1", &base)
                .unwrap_err()
                .contains("not a URL")
        );
    }
}
