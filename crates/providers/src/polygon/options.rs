//! Polygon v3 option chain snapshot: `{"results": [{details, greeks, last_quote, …}], "next_url":
//! …}` → [`OptionQuote`]s. Times are nanoseconds; the contract drops Polygon's `O:` prefix.

use std::borrow::Cow;

use domain::{DomainError, OptionQuote, OptionRight, Symbol};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::wire::decode;
use crate::error::ProviderError;
use crate::http::{Fetched, HttpCore};
use crate::page::{OnInvalidRecord, Page, PageBuilder};
use crate::parse::{self, Epoch, RawGreeks};

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
    let p = |v, f| parse::opt(v, parse::price, f);
    let g = |v, f| parse::opt(v, parse::float, f);
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
        volume: parse::opt(
            s.day.as_ref().and_then(|d| d.volume),
            parse::quantity,
            "volume",
        )?,
        open_interest: parse::opt(s.open_interest, parse::quantity, "open_interest")?,
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
