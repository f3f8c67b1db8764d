//! `ztrade options chain SYMBOL --at TIME`: the stored chain as of a time, each contract with
//! ztrade's implied volatility and greeks beside the provider's, and each expiry's forward and
//! discount factor.
//!
//! - The chain is `OptionStore::chain_at`: per live contract, its latest snapshot at or before
//!   the time, no older than `max_age`.
//! - The spot is the stock's quote mid at the time (`upkeep::arbitrage::underlying`), else the
//!   provider's underlying price carried by the snapshots, else the close of the last stored
//!   minute bar; [`ChainView::spot_source`] says which.
//! - Each expiry's forward and discount factor come from its own put-call parity
//!   (`options::forward`), else from the given rate and dividend yield with the spot.
//! - A contract's IV is inverted from its quote's mid, after the quote checks (expired, no bid,
//!   crossed, stale), with the expiry's rate `r = −ln(DF)/T` and the yield the forward implies,
//!   `q = r − ln(F/S)/T`: European by Let's Be Rational, American by Bjerksund-Stensland 2002.
//!   Greeks are per share in py_vollib's units (vega per vol point, theta per calendar day, rho
//!   per 1 % rate), as Alpaca and Polygon give theirs.

use domain::time::NANOS_PER_MINUTE;
use domain::{OptionQuote, Symbol, Timeframe, UnixNanos};
use options::chain::{Contract, Priced, Underlying, price_contract};
use options::forward::{Fallback, Forward, ParityPoint, infer};
use options::quote::checked_mid;
use options::{IvStatus, OptionRight, OptionStyle};
use serde::Serialize;
use store::{BarStore, OptionStore, TickStore};

use crate::AppError;

/// `options chain SYMBOL --at TIME`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainRequest {
    pub underlying: Symbol,
    pub at: UnixNanos,
    /// Snapshots older than this (ns) are not part of the chain.
    pub max_age: i64,
    /// A quote older than this (s) at the time is stale: no IV.
    pub stale_after_seconds: f64,
    /// For an expiry whose chain gives no discount factor.
    pub rate: f64,
    pub dividend_yield: f64,
}

/// The chain with ztrade's numbers and the provider's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainView {
    pub underlying: Symbol,
    pub at: UnixNanos,
    pub spot: Option<f64>,
    /// `stock_quote`, `provider`, `minute_bar` or `none`.
    pub spot_source: &'static str,
    pub expiries: Vec<ExpiryView>,
}

/// One expiry (and style and multiplier) of the chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpiryView {
    pub expiry: chrono::NaiveDate,
    pub style: OptionStyle,
    pub multiplier: u32,
    pub years: f64,
    /// `None` when neither the chain nor a spot gives one: no IV for this expiry.
    pub forward: Option<Forward>,
    pub contracts: Vec<ContractView>,
}

/// One contract: the quote, ztrade's IV and greeks, the provider's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContractView {
    pub occ: Symbol,
    pub strike: domain::Price,
    pub right: OptionRight,
    pub bid: Option<domain::Price>,
    pub ask: Option<domain::Price>,
    pub quoted_at: Option<UnixNanos>,
    pub status: IvStatus,
    pub iv: Option<f64>,
    pub delta: Option<f64>,
    pub gamma: Option<f64>,
    pub vega: Option<f64>,
    pub theta: Option<f64>,
    pub rho: Option<f64>,
    pub provider: ProviderNumbers,
}

/// What the provider sent with the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProviderNumbers {
    pub iv: Option<f64>,
    pub delta: Option<f64>,
    pub gamma: Option<f64>,
    pub vega: Option<f64>,
    pub theta: Option<f64>,
    pub rho: Option<f64>,
}

/// The chain as of `req.at`, priced.
pub fn chain(
    store: &(impl OptionStore + BarStore + TickStore + ?Sized),
    req: &ChainRequest,
) -> Result<ChainView, AppError> {
    let quotes = store.chain_at(&req.underlying, req.at, Some(req.max_age))?;
    if quotes.is_empty() {
        return Err(AppError::NoData(format!(
            "no option snapshots of {} at {} or in the {} minutes before: import a chain \
             (ztrade options import) or collect one",
            req.underlying,
            req.at.to_rfc3339(),
            req.max_age / NANOS_PER_MINUTE
        )));
    }
    let (spot, spot_source) = spot(store, req, &quotes)?;
    let mut expiries: Vec<ExpiryView> = Vec::new();
    for q in &quotes {
        let c = &q.contract;
        // One view per (expiry, style, multiplier): an adjusted contract of the same expiry
        // interleaves with the standard ones in the chain's strike order.
        let same = |e: &ExpiryView| {
            e.expiry == c.expiry && e.style == c.style && e.multiplier == c.multiplier
        };
        let i = match expiries.iter().position(same) {
            Some(i) => i,
            None => {
                let years = options::expiry::years_to_expiry(req.at, c.expiry).unwrap_or(0.0);
                expiries.push(ExpiryView {
                    expiry: c.expiry,
                    style: c.style,
                    multiplier: c.multiplier,
                    years,
                    forward: None,
                    contracts: Vec::new(),
                });
                expiries.len() - 1
            }
        };
        let years = expiries[i].years;
        expiries[i].contracts.push(contract_view(q, years, req));
    }
    for e in &mut expiries {
        e.forward = forward(e, spot, req);
        price(e, spot, req);
    }
    Ok(ChainView {
        underlying: req.underlying.clone(),
        at: req.at,
        spot,
        spot_source,
        expiries,
    })
}

fn contract_view(q: &OptionQuote, years: f64, req: &ChainRequest) -> ContractView {
    let age = q
        .quoted_at
        .map(|t| (req.at.as_i64() - t.as_i64()) as f64 / 1e9);
    let status = match checked_mid(
        q.bid.map(|p| p.to_f64()),
        q.ask.map(|p| p.to_f64()),
        age,
        req.stale_after_seconds,
        years,
    ) {
        Ok(_) => IvStatus::Ok,
        Err(s) => s,
    };
    ContractView {
        occ: q.contract.occ.clone(),
        strike: q.contract.strike,
        right: q.contract.right,
        bid: q.bid,
        ask: q.ask,
        quoted_at: q.quoted_at,
        status,
        iv: None,
        delta: None,
        gamma: None,
        vega: None,
        theta: None,
        rho: None,
        provider: ProviderNumbers {
            iv: q.iv,
            delta: q.delta,
            gamma: q.gamma,
            vega: q.vega,
            theta: q.theta,
            rho: q.rho,
        },
    }
}

/// The expiry's forward: its parity fit over the contracts that passed the quote checks.
fn forward(e: &ExpiryView, spot: Option<f64>, req: &ChainRequest) -> Option<Forward> {
    let mid = |c: &ContractView| Some((c.bid?.to_f64() + c.ask?.to_f64()) / 2.0);
    let mut points = Vec::new();
    for call in e.contracts.iter().filter(|c| c.right == OptionRight::Call) {
        let put = e
            .contracts
            .iter()
            .find(|p| p.right == OptionRight::Put && p.strike == call.strike);
        if let Some(put) = put
            && call.status == IvStatus::Ok
            && put.status == IvStatus::Ok
        {
            points.push(ParityPoint {
                strike: call.strike.to_f64(),
                call_mid: mid(call)?,
                put_mid: mid(put)?,
            });
        }
    }
    let fallback = Fallback {
        spot,
        rate: req.rate,
        dividend_yield: req.dividend_yield,
    };
    infer(&points, e.years, &fallback)
}

/// IV and greeks of every contract that passed the checks.
fn price(e: &mut ExpiryView, spot: Option<f64>, req: &ChainRequest) {
    let Some(f) = e.forward.clone() else {
        for c in e.contracts.iter_mut().filter(|c| c.status == IvStatus::Ok) {
            c.status = IvStatus::NoForward;
        }
        return;
    };
    let rate = f.implied_rate().unwrap_or(req.rate);
    // Without a spot, price on the forward's present value: S·e^{−qT} = F·DF.
    let s = spot.unwrap_or(f.forward * f.discount_factor);
    let q = if spot.is_some() && e.years > 0.0 {
        rate - (f.forward / s).ln() / e.years
    } else {
        0.0
    };
    let underlying = Underlying {
        spot: s,
        rate,
        dividend_yield: q,
    };
    for c in e.contracts.iter_mut().filter(|c| c.status == IvStatus::Ok) {
        let (Some(bid), Some(ask)) = (c.bid, c.ask) else {
            continue;
        };
        let p: Priced = price_contract(
            &underlying,
            &Contract {
                strike: c.strike.to_f64(),
                years: e.years,
                right: c.right,
                style: e.style,
                price: (bid.to_f64() + ask.to_f64()) / 2.0,
            },
        );
        c.status = p.status;
        c.iv = p.iv;
        if let Some(g) = p.greeks {
            (c.delta, c.gamma, c.vega, c.theta, c.rho) = (
                Some(g.delta),
                Some(g.gamma),
                Some(g.vega),
                Some(g.theta),
                Some(g.rho),
            );
        }
    }
}

/// The spot at the time, and where it came from.
fn spot(
    store: &(impl BarStore + TickStore + ?Sized),
    req: &ChainRequest,
    quotes: &[OptionQuote],
) -> Result<(Option<f64>, &'static str), AppError> {
    let stock =
        upkeep::arbitrage::underlying::stock_quote(store, &req.underlying, req.at, req.max_age)?;
    if let Some(s) = stock {
        return Ok((Some(s.mid()), "stock_quote"));
    }
    if let Some(p) = quotes
        .iter()
        .filter_map(|q| q.underlying_price.map(|p| (q.ts, p)))
        .max_by_key(|(ts, _)| *ts)
    {
        return Ok((Some(p.1.to_f64()), "provider"));
    }
    let before = UnixNanos::new(
        req.at
            .as_i64()
            .saturating_sub(NANOS_PER_MINUTE)
            .saturating_add(1),
    );
    let bars = crate::run::source::last_before(store, &req.underlying, Timeframe::M1, before, 1)?;
    match bars.last() {
        Some(b) if req.at.as_i64() - b.ts.as_i64() <= req.max_age + NANOS_PER_MINUTE => {
            Ok((Some(b.close.to_f64()), "minute_bar"))
        }
        _ => Ok((None, "none")),
    }
}
