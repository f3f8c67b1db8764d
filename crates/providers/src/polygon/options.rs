//! Polygon v3 option chain snapshot: `{"results": [{details, greeks, last_quote, …}], "next_url":
//! …}` → [`OptionQuote`]s. Times are nanoseconds; the contract drops Polygon's `O:` prefix.

use std::borrow::Cow;

use domain::{
    DomainError, OptionContract, OptionQuote, OptionRight, OptionStyle, STANDARD_MULTIPLIER, Symbol,
};
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
    #[serde(default)]
    exercise_style: Option<String>,
    #[serde(borrow, default)]
    shares_per_contract: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawLastQuote<'a> {
    #[serde(borrow, default)]
    bid: Option<&'a RawValue>,
    #[serde(borrow, default)]
    ask: Option<&'a RawValue>,
    #[serde(borrow, default)]
    bid_size: Option<&'a RawValue>,
    #[serde(borrow, default)]
    ask_size: Option<&'a RawValue>,
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
    #[serde(borrow, default)]
    price: Option<&'a RawValue>,
}

fn option_quote(s: &RawSnapshot) -> Result<OptionQuote, DomainError> {
    let occ = s.details.ticker.trim_start_matches("O:");
    let (root, _, occ_right, _) = OptionQuote::parse_occ(occ)?;
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
    let style = match &s.details.exercise_style {
        Some(t) => t.parse::<OptionStyle>()?,
        None => OptionStyle::American,
    };
    let multiplier = match parse::opt(
        s.details.shares_per_contract,
        parse::float,
        "shares_per_contract",
    )? {
        None => STANDARD_MULTIPLIER,
        Some(m) if m >= 1.0 && m <= f64::from(u32::MAX) && m.fract() == 0.0 => m as u32,
        Some(m) => {
            return Err(DomainError::new(
                "shares_per_contract",
                format!("{m} is not a whole number of shares"),
            ));
        }
    };
    let mut contract = OptionContract::from_occ(occ, Some(&underlying), style, multiplier)?;
    contract.right = right;
    let p = |v, f| parse::opt(v, parse::price, f);
    let n = |v, f| parse::opt(v, parse::quantity, f);
    let g = |v, f| parse::opt(v, parse::float, f);
    let greeks = s.greeks.as_ref();
    let quote = s.last_quote.as_ref();
    let mut q = OptionQuote::empty(contract, ts);
    q.bid = p(quote.and_then(|q| q.bid), "bid")?;
    q.ask = p(quote.and_then(|q| q.ask), "ask")?;
    q.bid_size = n(quote.and_then(|q| q.bid_size), "bid_size")?;
    q.ask_size = n(quote.and_then(|q| q.ask_size), "ask_size")?;
    q.quoted_at = quote_ts;
    q.last = p(s.last_trade.as_ref().and_then(|t| t.price), "last")?;
    q.last_trade_at = trade_ts;
    q.volume = n(s.day.as_ref().and_then(|d| d.volume), "volume")?;
    q.open_interest = n(s.open_interest, "open_interest")?;
    q.underlying_price = p(
        s.underlying_asset.as_ref().and_then(|u| u.price),
        "underlying_asset.price",
    )?;
    q.iv = g(s.implied_volatility, "iv")?;
    q.delta = g(greeks.and_then(|x| x.delta), "delta")?;
    q.gamma = g(greeks.and_then(|x| x.gamma), "gamma")?;
    q.theta = g(greeks.and_then(|x| x.theta), "theta")?;
    q.vega = g(greeks.and_then(|x| x.vega), "vega")?;
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
