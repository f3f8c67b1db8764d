//! The Trading API's bodies: orders, FILL activities, the account and error bodies, read into
//! domain values. Numbers are read from their JSON text (Alpaca sends decimal strings, and
//! sometimes bare numbers), exactly; a field that breaks a rule is `Malformed`, naming the
//! request and the field, never a panic.

use std::str::FromStr;

use domain::journal::{OrderSide, OrderType, TimeInForce};
use domain::{DomainError, Quantity, Symbol, UnixNanos};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::broker::{BrokerAccount, BrokerFill, BrokerOrder, BrokerStatus, OrderClass};
use crate::error::{ProviderError, RequestInfo};
use crate::http::HttpCore;
use crate::parse::{self, decode, exact_price, exact_quantity, money, opt};

/// An order (Alpaca's `Order` object). `type` is the field SDKs read (`order_type` repeats it).
#[derive(Deserialize)]
struct RawOrder<'a> {
    id: String,
    client_order_id: String,
    symbol: String,
    side: String,
    #[serde(rename = "type")]
    order_type: String,
    time_in_force: String,
    #[serde(default)]
    order_class: Option<String>,
    #[serde(borrow, default)]
    qty: Option<&'a RawValue>,
    #[serde(borrow)]
    filled_qty: &'a RawValue,
    #[serde(borrow, default)]
    filled_avg_price: Option<&'a RawValue>,
    #[serde(borrow, default)]
    limit_price: Option<&'a RawValue>,
    #[serde(borrow, default)]
    stop_price: Option<&'a RawValue>,
    status: String,
    created_at: String,
    updated_at: String,
    #[serde(default)]
    submitted_at: Option<String>,
    #[serde(default)]
    filled_at: Option<String>,
    #[serde(default)]
    canceled_at: Option<String>,
    #[serde(borrow, default)]
    legs: Option<Vec<RawOrder<'a>>>,
}

/// An entry of `/v2/account/activities`; only FILLs are read, other kinds are passed over.
#[derive(Deserialize)]
struct RawActivity<'a> {
    id: String,
    activity_type: String,
    #[serde(rename = "type", default)]
    fill_type: Option<String>,
    #[serde(default)]
    transaction_time: Option<String>,
    #[serde(default)]
    order_id: Option<String>,
    #[serde(default)]
    symbol: Option<String>,
    #[serde(default)]
    side: Option<String>,
    #[serde(borrow, default)]
    qty: Option<&'a RawValue>,
    #[serde(borrow, default)]
    price: Option<&'a RawValue>,
    #[serde(borrow, default)]
    leaves_qty: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawAccount<'a> {
    id: String,
    currency: String,
    #[serde(borrow)]
    cash: &'a RawValue,
    #[serde(borrow)]
    equity: &'a RawValue,
    #[serde(borrow)]
    buying_power: &'a RawValue,
    #[serde(default)]
    trading_blocked: bool,
    #[serde(default)]
    account_blocked: bool,
}

/// Alpaca's error body: `{"code": 40310000, "message": "insufficient buying power"}`.
#[derive(Deserialize)]
pub(super) struct ApiError {
    #[serde(default)]
    pub code: Option<u64>,
    pub message: String,
}

/// An error body's code and message, when it is one.
pub(super) fn api_error(text: &str) -> Option<ApiError> {
    serde_json::from_str(text).ok()
}

/// One order body.
pub(super) fn order(
    core: &HttpCore,
    request: &RequestInfo,
    body: &[u8],
) -> Result<BrokerOrder, ProviderError> {
    let raw: RawOrder = decode(core, request, body)?;
    to_order(raw).map_err(|e| malformed(core, request, body, e))
}

/// A list of orders.
pub(super) fn orders(
    core: &HttpCore,
    request: &RequestInfo,
    body: &[u8],
) -> Result<Vec<BrokerOrder>, ProviderError> {
    let raw: Vec<RawOrder> = decode(core, request, body)?;
    raw.into_iter()
        .enumerate()
        .map(|(i, r)| to_order(r).map_err(|e| malformed(core, request, body, at(i, e))))
        .collect()
}

/// One page of activities: its FILLs, and the id of its last entry (the next `page_token`),
/// `None` for an empty page (the end).
pub(super) fn fills_page(
    core: &HttpCore,
    request: &RequestInfo,
    body: &[u8],
) -> Result<(Vec<BrokerFill>, Option<String>), ProviderError> {
    let raw: Vec<RawActivity> = decode(core, request, body)?;
    let last = raw.last().map(|a| a.id.clone());
    let mut fills = Vec::new();
    for (i, a) in raw.into_iter().enumerate() {
        if a.activity_type != "FILL" {
            continue;
        }
        fills.push(to_fill(a).map_err(|e| malformed(core, request, body, at(i, e)))?);
    }
    Ok((fills, last))
}

pub(super) fn account(
    core: &HttpCore,
    request: &RequestInfo,
    body: &[u8],
) -> Result<BrokerAccount, ProviderError> {
    let raw: RawAccount = decode(core, request, body)?;
    let read = || -> Result<BrokerAccount, DomainError> {
        Ok(BrokerAccount {
            id: raw.id.clone(),
            currency: raw.currency.clone(),
            cash: money(raw.cash, "cash")?,
            equity: money(raw.equity, "equity")?,
            buying_power: money(raw.buying_power, "buying_power")?,
            trading_blocked: raw.trading_blocked || raw.account_blocked,
        })
    };
    read().map_err(|e| malformed(core, request, body, e))
}

fn malformed(core: &HttpCore, request: &RequestInfo, body: &[u8], e: DomainError) -> ProviderError {
    ProviderError::Malformed {
        request: request.clone(),
        reason: format!("field {e}"),
        excerpt: core.excerpt(body),
    }
}

/// `e`, said to be in entry `i` of a list.
fn at(i: usize, e: DomainError) -> DomainError {
    DomainError::new(e.field, format!("{} (entry {i})", e.reason))
}

fn to_order(r: RawOrder) -> Result<BrokerOrder, DomainError> {
    let legs = r
        .legs
        .unwrap_or_default()
        .into_iter()
        .map(to_order)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| DomainError::new(e.field, format!("in a leg: {}", e.reason)))?;
    Ok(BrokerOrder {
        symbol: symbol(&r.symbol)?,
        side: text_enum::<OrderSide>(&r.side, "side")?,
        order_type: text_enum::<OrderType>(&r.order_type, "type")?,
        time_in_force: text_enum::<TimeInForce>(&r.time_in_force, "time_in_force")?,
        class: class(r.order_class.as_deref())?,
        qty: opt(r.qty, exact_quantity, "qty")?,
        filled_qty: exact_quantity(r.filled_qty, "filled_qty")?,
        filled_avg_price: opt(r.filled_avg_price, exact_price, "filled_avg_price")?,
        limit_price: opt(r.limit_price, exact_price, "limit_price")?,
        stop_price: opt(r.stop_price, exact_price, "stop_price")?,
        status: BrokerStatus::parse(&r.status).ok_or_else(|| {
            DomainError::new(
                "status",
                format!("{:?} is not an order status this client knows", r.status),
            )
        })?,
        created_at: parse::timestamp(&r.created_at, "created_at")?,
        updated_at: parse::timestamp(&r.updated_at, "updated_at")?,
        submitted_at: time(r.submitted_at.as_deref(), "submitted_at")?,
        filled_at: time(r.filled_at.as_deref(), "filled_at")?,
        canceled_at: time(r.canceled_at.as_deref(), "canceled_at")?,
        id: nonempty(r.id, "id")?,
        client_order_id: r.client_order_id,
        legs,
    })
}

fn to_fill(a: RawActivity) -> Result<BrokerFill, DomainError> {
    let need = |v: Option<String>, field| v.ok_or_else(|| DomainError::new(field, "missing"));
    let qty = exact_quantity(raw(a.qty, "qty")?, "qty")?;
    if qty.is_negative() || qty.is_zero() {
        return Err(DomainError::new("qty", format!("{qty} is not positive")));
    }
    let leaves_qty: Quantity = opt(a.leaves_qty, exact_quantity, "leaves_qty")?.unwrap_or_default();
    let completes = match a.fill_type.as_deref() {
        Some("fill") => true,
        Some("partial_fill") => false,
        Some(other) => {
            return Err(DomainError::new(
                "type",
                format!("{other:?} is neither fill nor partial_fill"),
            ));
        }
        None => leaves_qty.is_zero(),
    };
    Ok(BrokerFill {
        order_id: nonempty(need(a.order_id, "order_id")?, "order_id")?,
        symbol: symbol(&need(a.symbol, "symbol")?)?,
        side: text_enum::<OrderSide>(&need(a.side, "side")?, "side")?,
        qty,
        price: exact_price(raw(a.price, "price")?, "price")?,
        ts: parse::timestamp(
            &need(a.transaction_time, "transaction_time")?,
            "transaction_time",
        )?,
        leaves_qty,
        completes,
        id: nonempty(a.id, "id")?,
    })
}

fn raw<'a>(v: Option<&'a RawValue>, field: &'static str) -> Result<&'a RawValue, DomainError> {
    v.ok_or_else(|| DomainError::new(field, "missing"))
}

fn symbol(text: &str) -> Result<Symbol, DomainError> {
    Symbol::new(text).map_err(|e| DomainError::new("symbol", e.reason))
}

fn text_enum<T: FromStr<Err = String>>(text: &str, field: &'static str) -> Result<T, DomainError> {
    T::from_str(text).map_err(|e| DomainError::new(field, e))
}

fn class(text: Option<&str>) -> Result<OrderClass, DomainError> {
    Ok(match text {
        // The captured order sends "" for a simple one.
        None | Some("") | Some("simple") => OrderClass::Simple,
        Some("bracket") => OrderClass::Bracket,
        Some("oco") => OrderClass::Oco,
        Some("oto") => OrderClass::Oto,
        Some(other) => {
            return Err(DomainError::new(
                "order_class",
                format!("{other:?} is not an order class"),
            ));
        }
    })
}

fn time(text: Option<&str>, field: &'static str) -> Result<Option<UnixNanos>, DomainError> {
    text.map(|t| parse::timestamp(t, field)).transpose()
}

fn nonempty(text: String, field: &'static str) -> Result<String, DomainError> {
    if text.trim().is_empty() {
        Err(DomainError::new(field, "empty"))
    } else {
        Ok(text)
    }
}
