//! Polygon v3 reference splits and dividends → [`ActionRecord`]s (the mapping is in
//! [`crate::actions`]).
//!
//! - Splits: `split_from` old shares became `split_to` new ones on `execution_date` (the
//!   ex-date). The source is Polygon's `adjustment_type` where sent (`forward_split`,
//!   `reverse_split`, `stock_dividend`), else forward or reverse by the ratio.
//! - Dividends: `cash_amount` per share on `ex_dividend_date`, whatever the `dividend_type`
//!   (CD regular, SC special, LT/ST capital gains: all are cash leaving the share price). A
//!   dividend whose `currency` is not USD is left out as [`Issue::UnsupportedAction`]
//!   (`non_usd_cash_dividend`): the bars it would adjust are in USD.
//! - [`start`]: the two endpoints as one paged stream. The first page is the splits', and
//!   the last splits page's cursor is the first dividends page (a path and query like any
//!   `next_url` cursor), so a caller pages through both without knowing there are two.

use chrono::NaiveDate;
use domain::{DomainError, Symbol};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::wire::decode;
use crate::actions::{ActionRecord, MAX_ACTIONS_PER_PAGE, cash_dividend, date, split, split_ratio};
use crate::error::ProviderError;
use crate::http::{Fetched, HttpCore};
use crate::page::{Cursor, Issue, OnInvalidRecord, Page, PageBuilder};

pub(super) const SPLITS: [&str; 3] = ["v3", "reference", "splits"];
pub(super) const DIVIDENDS: [&str; 3] = ["v3", "reference", "dividends"];

/// Whether `cursor` continues the dividends (else the splits).
pub(super) fn on_dividends(cursor: Option<&Cursor>) -> bool {
    cursor.is_some_and(|c| c.as_str().starts_with("/v3/reference/dividends"))
}

/// The first page's query of one endpoint: `symbol` with `date_field` in `[start, end]`.
pub(super) fn start(
    date_field: &str,
    symbol: &Symbol,
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<(String, String)> {
    vec![
        ("ticker".into(), symbol.to_string()),
        (format!("{date_field}.gte"), start.to_string()),
        (format!("{date_field}.lte"), end.to_string()),
        ("order".into(), "asc".into()),
        ("sort".into(), date_field.to_owned()),
        ("limit".into(), MAX_ACTIONS_PER_PAGE.to_string()),
    ]
}

/// The cursor of the first dividends page.
pub(super) fn dividends_cursor(symbol: &Symbol, from: NaiveDate, to: NaiveDate) -> Cursor {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(start("ex_dividend_date", symbol, from, to))
        .finish();
    Cursor::new(format!("/{}?{query}", DIVIDENDS.join("/")))
}

#[derive(Deserialize)]
struct RawSplit<'a> {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    ticker: Option<String>,
    #[serde(default)]
    execution_date: Option<String>,
    #[serde(borrow, default)]
    split_from: Option<&'a RawValue>,
    #[serde(borrow, default)]
    split_to: Option<&'a RawValue>,
    #[serde(default)]
    adjustment_type: Option<String>,
}

#[derive(Deserialize)]
struct RawDividend<'a> {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    ticker: Option<String>,
    #[serde(default)]
    ex_dividend_date: Option<String>,
    #[serde(borrow, default)]
    cash_amount: Option<&'a RawValue>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    dividend_type: Option<String>,
}

fn need<T>(v: Option<T>, field: &'static str) -> Result<T, DomainError> {
    v.ok_or_else(|| DomainError::new(field, "missing"))
}

fn split_record(r: &RawSplit) -> Result<ActionRecord, DomainError> {
    let symbol = need(r.ticker.as_deref(), "ticker")?;
    let ex_date = date(
        need(r.execution_date.as_deref(), "execution_date")?,
        "execution_date",
    )?;
    let (from, to) = (
        need(r.split_from, "split_from")?,
        need(r.split_to, "split_to")?,
    );
    let ratio = split_ratio(from, to, ["split_from", "split_to"])?;
    let source = r.adjustment_type.clone().unwrap_or_else(|| {
        let kind = if ratio.0 > ratio.1 {
            "reverse"
        } else {
            "forward"
        };
        format!("{kind}_split")
    });
    Ok(ActionRecord::new(
        r.id.clone(),
        source,
        split(symbol, ex_date, ratio)?,
    ))
}

fn dividend_record(r: &RawDividend) -> Result<ActionRecord, DomainError> {
    let symbol = need(r.ticker.as_deref(), "ticker")?;
    let ex_date = date(
        need(r.ex_dividend_date.as_deref(), "ex_dividend_date")?,
        "ex_dividend_date",
    )?;
    let amount = need(r.cash_amount, "cash_amount")?;
    let source = match r.dividend_type.as_deref() {
        Some("SC") => "special_cash_dividend",
        Some("LT") => "long_term_capital_gain",
        Some("ST") => "short_term_capital_gain",
        _ => "cash_dividend",
    };
    Ok(ActionRecord::new(
        r.id.clone(),
        source.to_owned(),
        cash_dividend(symbol, ex_date, amount)?,
    ))
}

pub(super) fn splits_page(
    core: &HttpCore,
    fetched: &Fetched,
    policy: OnInvalidRecord,
) -> Result<Page<ActionRecord>, ProviderError> {
    let (rows, next) = decode::<RawSplit>(core, fetched)?;
    let mut page = PageBuilder::new(policy, &fetched.request, rows.len());
    for (i, r) in rows.iter().enumerate() {
        page.push(r.ticker.as_deref().unwrap_or(""), i, split_record(r))?;
    }
    Ok(page.finish(next))
}

pub(super) fn dividends_page(
    core: &HttpCore,
    fetched: &Fetched,
    policy: OnInvalidRecord,
) -> Result<Page<ActionRecord>, ProviderError> {
    let (rows, next) = decode::<RawDividend>(core, fetched)?;
    let mut page = PageBuilder::new(policy, &fetched.request, rows.len());
    for (i, r) in rows.iter().enumerate() {
        let currency = r.currency.as_deref().unwrap_or("USD");
        if !currency.eq_ignore_ascii_case("USD") {
            let id = r.id.clone().unwrap_or_else(|| {
                let (t, d) = (r.ticker.as_deref(), r.ex_dividend_date.as_deref());
                format!("{currency}/{}/{}", t.unwrap_or(""), d.unwrap_or(""))
            });
            page.issues.push(Issue::UnsupportedAction {
                kind: "non_usd_cash_dividend".into(),
                id,
            });
            continue;
        }
        page.push(r.ticker.as_deref().unwrap_or(""), i, dividend_record(r))?;
    }
    Ok(page.finish(next))
}
