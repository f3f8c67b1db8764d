//! Alpaca response bodies and their conversion into pages of domain records.
//!
//! Bodies are decoded into borrowed structs whose numbers stay `RawValue` text, then each row
//! is converted and validated once. Multi-symbol bodies key rows by symbol (`{"bars": {"AAPL":
//! [...]}}`); single-symbol ones hold a list (`{"bars": [...], "symbol": "AAPL"}`); either is
//! accepted from either endpoint. Rows are flattened in body order, which `position` in issues
//! and errors counts.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use domain::{Bar, DomainError, QuoteTick, Symbol, TradeTick};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::ProviderError;
use crate::http::{Fetched, HttpCore};
use crate::page::{Cursor, Issue, OnInvalidRecord, Page, PageBuilder};
use crate::parse::{self, Code, Codes};

/// `{"bars"|"trades"|"quotes": {SYMBOL: [row…]} | [row…], "symbol": …, "next_page_token": …}`:
/// the multi-symbol endpoint keys rows by symbol, the single-symbol one lists them.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
struct Body<T> {
    #[serde(alias = "bars", alias = "trades", alias = "quotes", default)]
    data: Option<Rows<T>>,
    #[serde(default)]
    symbol: Option<String>,
    /// Present when prices are converted (`currency=` parameter); we never ask, so anything
    /// but USD means the numbers are not what the caller thinks.
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    next_page_token: Option<String>,
}

enum Rows<T> {
    BySymbol(Vec<(String, Vec<T>)>),
    List(Vec<T>),
}

/// Either shape, keeping the body's symbol order (so the same body always gives the same page).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Rows<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Rows<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("rows keyed by symbol, or a list of rows")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Rows<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = m.next_entry::<String, Vec<T>>()? {
                    out.push(entry);
                }
                Ok(Rows::BySymbol(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Rows<T>, A::Error> {
                let mut out = Vec::with_capacity(s.size_hint().unwrap_or(0));
                while let Some(row) = s.next_element()? {
                    out.push(row);
                }
                Ok(Rows::List(out))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A bar stamped with RFC 3339 text.
pub(super) type RawBar<'a> = parse::RawBar<'a, parse::Rfc3339<'a>>;

#[derive(Deserialize)]
struct RawTrade<'a> {
    #[serde(borrow)]
    t: Cow<'a, str>,
    #[serde(default)]
    x: Code,
    #[serde(borrow)]
    p: &'a RawValue,
    #[serde(borrow)]
    s: &'a RawValue,
    #[serde(default)]
    c: Codes,
    #[serde(default)]
    i: Option<Code>,
    #[serde(default)]
    u: Option<String>,
}

#[derive(Deserialize)]
struct RawQuote<'a> {
    #[serde(borrow)]
    t: Cow<'a, str>,
    #[serde(default)]
    ax: Code,
    #[serde(borrow)]
    ap: &'a RawValue,
    #[serde(borrow, rename = "as")]
    asz: &'a RawValue,
    #[serde(default)]
    bx: Code,
    #[serde(borrow)]
    bp: &'a RawValue,
    #[serde(borrow)]
    bs: &'a RawValue,
    #[serde(default)]
    c: Codes,
}

/// Rows grouped by the symbol they belong to, in body order.
type Groups<T> = Vec<(String, Vec<T>)>;

/// The rows of a bars/trades/quotes body, symbol by symbol. A listed body takes its symbol from
/// the body, else from the request (`single`).
fn groups<'a, T: Deserialize<'a>>(
    core: &HttpCore,
    fetched: &'a Fetched,
    single: Option<&Symbol>,
) -> Result<(Groups<T>, Option<Cursor>), ProviderError> {
    let b: Body<T> = parse::decode(core, &fetched.request, &fetched.body)?;
    if let Some(c) = b
        .currency
        .as_deref()
        .filter(|c| !c.eq_ignore_ascii_case("USD"))
    {
        return Err(ProviderError::Malformed {
            request: fetched.request.clone(),
            reason: format!("prices are in {c}, not USD"),
            excerpt: core.excerpt(&fetched.body),
        });
    }
    let groups = match b.data {
        None => Vec::new(),
        Some(Rows::BySymbol(g)) => g,
        Some(Rows::List(rows)) => {
            let symbol = match (b.symbol, single) {
                (Some(s), _) => s,
                (None, Some(s)) => s.to_string(),
                (None, None) => {
                    return Err(ProviderError::Malformed {
                        request: fetched.request.clone(),
                        reason: "a list of rows with no symbol".into(),
                        excerpt: core.excerpt(&fetched.body),
                    });
                }
            };
            vec![(symbol, rows)]
        }
    };
    Ok((groups, next_cursor(b.next_page_token)))
}

pub(super) fn next_cursor(token: Option<String>) -> Option<Cursor> {
    token.filter(|t| !t.is_empty()).map(Cursor::new)
}

/// Runs `convert` over every row, symbol by symbol, into a page under `policy`.
fn flatten<T, U>(
    fetched: &Fetched,
    policy: OnInvalidRecord,
    groups: Groups<T>,
    next: Option<Cursor>,
    mut convert: impl FnMut(&Symbol, &T, &mut Vec<Issue>) -> Result<Option<U>, DomainError>,
) -> Result<Page<(Symbol, U)>, ProviderError> {
    let rows = groups.iter().map(|(_, r)| r.len()).sum();
    let mut page = PageBuilder::new(policy, &fetched.request, rows);
    let mut position = 0;
    for (key, rows) in &groups {
        let symbol = Symbol::new(key);
        for row in rows {
            let out = match &symbol {
                Ok(sym) => convert(sym, row, &mut page.issues).map(|o| o.map(|u| (sym.clone(), u))),
                Err(e) => Err(e.clone()),
            };
            match out {
                Ok(None) => {}
                Ok(Some(item)) => page.items.push(item),
                Err(e) => page.push(key, position, Err(e))?,
            }
            position += 1;
        }
    }
    Ok(page.finish(next))
}

pub(super) fn bars_page(
    core: &HttpCore,
    fetched: &Fetched,
    single: Option<&Symbol>,
    daily: bool,
    policy: OnInvalidRecord,
) -> Result<Page<(Symbol, Bar)>, ProviderError> {
    let (groups, next) = groups::<RawBar>(core, fetched, single)?;
    flatten(fetched, policy, groups, next, |_, r, _| {
        r.bar(parse::timestamp(&r.t.0, "ts")?, daily).map(Some)
    })
}

pub(super) fn trades_page(
    core: &HttpCore,
    fetched: &Fetched,
    single: Option<&Symbol>,
    policy: OnInvalidRecord,
) -> Result<Page<(Symbol, TradeTick)>, ProviderError> {
    let (groups, next) = groups::<RawTrade>(core, fetched, single)?;
    flatten(fetched, policy, groups, next, |sym, r, issues| {
        let ts = parse::timestamp(&r.t, "ts")?;
        let trade_id = r.i.as_ref().map(|c| c.0.clone());
        if let Some(update) = &r.u {
            issues.push(Issue::TradeUpdate {
                symbol: sym.clone(),
                ts,
                trade_id,
                update: update.clone(),
            });
            return Ok(None);
        }
        let t = TradeTick {
            ts,
            price: parse::price(r.p, "price")?,
            size: parse::quantity(r.s, "size")?,
            exchange: r.x.0.clone(),
            conditions: r.c.0.clone(),
            trade_id,
            suspicious: false,
        };
        t.validate()?;
        Ok(Some(t))
    })
}

pub(super) fn quotes_page(
    core: &HttpCore,
    fetched: &Fetched,
    single: Option<&Symbol>,
    policy: OnInvalidRecord,
) -> Result<Page<(Symbol, QuoteTick)>, ProviderError> {
    let (groups, next) = groups::<RawQuote>(core, fetched, single)?;
    flatten(fetched, policy, groups, next, |sym, r, issues| {
        let q = QuoteTick {
            ts: parse::timestamp(&r.t, "ts")?,
            bid: parse::price(r.bp, "bid")?,
            ask: parse::price(r.ap, "ask")?,
            bid_size: parse::quantity(r.bs, "bid_size")?,
            ask_size: parse::quantity(r.asz, "ask_size")?,
            bid_exchange: r.bx.0.clone(),
            ask_exchange: r.ax.0.clone(),
            conditions: r.c.0.clone(),
            suspicious: false,
        };
        q.validate()?;
        issues.extend(Issue::crossed(sym, &q));
        Ok(Some(q))
    })
}
