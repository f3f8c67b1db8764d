//! Alpaca v1beta1 option chain snapshots: `{"snapshots": {OCC: {...}}, "next_page_token": …}`
//! → [`OptionQuote`]s, with greeks and IV where Alpaca computed them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use domain::{DomainError, OptionContract, OptionQuote, OptionStyle, STANDARD_MULTIPLIER, Symbol};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::wire::{RawBar, next_cursor};
use crate::error::ProviderError;
use crate::http::{Fetched, HttpCore};
use crate::page::{OnInvalidRecord, Page, PageBuilder};
use crate::parse::{self, RawGreeks};

#[derive(Deserialize)]
struct SnapshotsBody<'a> {
    #[serde(borrow, default)]
    snapshots: Option<BTreeMap<String, RawSnapshot<'a>>>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct RawSnapshot<'a> {
    #[serde(borrow, default)]
    greeks: Option<RawGreeks<'a>>,
    #[serde(borrow, default, rename = "impliedVolatility")]
    iv: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "latestQuote")]
    quote: Option<RawQuoteOpt<'a>>,
    #[serde(borrow, default, rename = "latestTrade")]
    trade: Option<RawTradeOpt<'a>>,
    #[serde(borrow, default, rename = "dailyBar")]
    daily: Option<RawBar<'a>>,
}

#[derive(Deserialize)]
struct RawQuoteOpt<'a> {
    #[serde(borrow)]
    t: Cow<'a, str>,
    #[serde(borrow)]
    ap: &'a RawValue,
    #[serde(borrow)]
    bp: &'a RawValue,
    #[serde(borrow, default, rename = "as")]
    ask_size: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "bs")]
    bid_size: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawTradeOpt<'a> {
    #[serde(borrow)]
    t: Cow<'a, str>,
    #[serde(borrow)]
    p: &'a RawValue,
}

/// `underlying` is the chain's: an adjusted contract's OCC root (`AAPL1`) is not a ticker.
fn option_quote(
    underlying: &Symbol,
    contract: &str,
    s: &RawSnapshot,
) -> Result<OptionQuote, DomainError> {
    // Alpaca's snapshots say nothing of style or size: US equity options are American, 100.
    let contract = OptionContract::from_occ(
        contract,
        Some(underlying),
        OptionStyle::American,
        STANDARD_MULTIPLIER,
    )?;
    let quote_ts = s
        .quote
        .as_ref()
        .map(|q| parse::timestamp(&q.t, "ts"))
        .transpose()?;
    let trade_ts = s
        .trade
        .as_ref()
        .map(|t| parse::timestamp(&t.t, "ts"))
        .transpose()?;
    // The snapshot is as of its latest quote or trade, whichever is later.
    let ts = quote_ts
        .max(trade_ts)
        .ok_or_else(|| DomainError::new("ts", "snapshot has neither a quote nor a trade"))?;
    let g = s.greeks.as_ref();
    let quote = s.quote.as_ref();
    let mut q = OptionQuote::empty(contract, ts);
    q.bid = quote.map(|q| parse::price(q.bp, "bid")).transpose()?;
    q.ask = quote.map(|q| parse::price(q.ap, "ask")).transpose()?;
    q.bid_size = parse::opt(quote.and_then(|q| q.bid_size), parse::quantity, "bs")?;
    q.ask_size = parse::opt(quote.and_then(|q| q.ask_size), parse::quantity, "as")?;
    q.quoted_at = quote_ts;
    q.last = s
        .trade
        .as_ref()
        .map(|t| parse::price(t.p, "last"))
        .transpose()?;
    q.last_trade_at = trade_ts;
    q.volume = s
        .daily
        .as_ref()
        .map(|d| parse::quantity(d.v, "volume"))
        .transpose()?;
    q.iv = parse::opt(s.iv, parse::float, "iv")?;
    q.delta = parse::opt(g.and_then(|g| g.delta), parse::float, "delta")?;
    q.gamma = parse::opt(g.and_then(|g| g.gamma), parse::float, "gamma")?;
    q.theta = parse::opt(g.and_then(|g| g.theta), parse::float, "theta")?;
    q.vega = parse::opt(g.and_then(|g| g.vega), parse::float, "vega")?;
    q.rho = parse::opt(g.and_then(|g| g.rho), parse::float, "rho")?;
    q.validate()?;
    Ok(q)
}

pub(super) fn option_chain_page(
    core: &HttpCore,
    fetched: &Fetched,
    underlying: &Symbol,
    policy: OnInvalidRecord,
) -> Result<Page<OptionQuote>, ProviderError> {
    let body: SnapshotsBody = parse::decode(core, &fetched.request, &fetched.body)?;
    let snaps = body.snapshots.unwrap_or_default();
    let mut page = PageBuilder::new(policy, &fetched.request, snaps.len());
    for (position, (contract, s)) in snaps.iter().enumerate() {
        page.push(contract, position, option_quote(underlying, contract, s))?;
    }
    Ok(page.finish(next_cursor(body.next_page_token)))
}
