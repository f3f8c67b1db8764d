//! Alpaca v1 corporate actions: `{"corporate_actions": {"forward_splits": [...], …},
//! "next_page_token": …}` → [`ActionRecord`]s (the mapping is in [`crate::actions`]).
//!
//! Forward and reverse splits (`old_rate` → `new_rate`), stock dividends (`rate`) and cash
//! dividends (`rate` per share) are kept; the other kinds (`unit_splits`, `spin_offs`, the
//! mergers, `redemptions`, `name_changes`, `worthless_removals`, `rights_distributions`, and
//! any kind Alpaca adds later) are reported as [`Issue::UnsupportedAction`] under Alpaca's
//! singular type name (`spin_off`). Kinds are read in name order, so the same body always
//! gives the same page.

use std::collections::BTreeMap;

use domain::{CorporateAction, DomainError};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::wire::next_cursor;
use crate::actions::{ActionRecord, cash_dividend, date, split, split_ratio, stock_dividend_ratio};
use crate::error::ProviderError;
use crate::http::{Fetched, HttpCore};
use crate::page::{Issue, OnInvalidRecord, Page, PageBuilder};
use crate::parse;

#[derive(Deserialize)]
struct ActionsBody {
    #[serde(default)]
    corporate_actions: Option<BTreeMap<String, Vec<Box<RawValue>>>>,
    #[serde(default)]
    next_page_token: Option<String>,
}

/// The fields of every kind kept; which ones a kind needs is checked per kind.
#[derive(Deserialize)]
struct RawAction<'a> {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    symbol: Option<String>,
    #[serde(default)]
    ex_date: Option<String>,
    #[serde(borrow, default)]
    old_rate: Option<&'a RawValue>,
    #[serde(borrow, default)]
    new_rate: Option<&'a RawValue>,
    #[serde(borrow, default)]
    rate: Option<&'a RawValue>,
}

fn need<T>(v: Option<T>, field: &'static str) -> Result<T, DomainError> {
    v.ok_or_else(|| DomainError::new(field, "missing"))
}

/// `kind` is Alpaca's singular type name; `None` for a kind the domain does not model.
fn action(kind: &str, r: &RawAction) -> Option<Result<CorporateAction, DomainError>> {
    let ratio = match kind {
        "forward_split" | "reverse_split" => None,
        "stock_dividend" => Some(true),
        "cash_dividend" => Some(false),
        _ => return None,
    };
    Some((|| {
        let symbol = need(r.symbol.as_deref(), "symbol")?;
        let ex_date = date(need(r.ex_date.as_deref(), "ex_date")?, "ex_date")?;
        match ratio {
            None => {
                let (old, new) = (need(r.old_rate, "old_rate")?, need(r.new_rate, "new_rate")?);
                split(
                    symbol,
                    ex_date,
                    split_ratio(old, new, ["old_rate", "new_rate"])?,
                )
            }
            Some(true) => split(
                symbol,
                ex_date,
                stock_dividend_ratio(need(r.rate, "rate")?)?,
            ),
            Some(false) => cash_dividend(symbol, ex_date, need(r.rate, "rate")?),
        }
    })())
}

pub(super) fn actions_page(
    core: &HttpCore,
    fetched: &Fetched,
    policy: OnInvalidRecord,
) -> Result<Page<ActionRecord>, ProviderError> {
    let body: ActionsBody = parse::decode(core, &fetched.request, &fetched.body)?;
    let groups = body.corporate_actions.unwrap_or_default();
    let rows = groups.values().map(Vec::len).sum();
    let mut page = PageBuilder::new(policy, &fetched.request, rows);
    let mut position = 0;
    for (key, rows) in &groups {
        let kind = key.strip_suffix('s').unwrap_or(key);
        for raw in rows {
            let parsed = serde_json::from_str::<RawAction>(raw.get())
                .map_err(|e| DomainError::new("record", format!("{kind}: {e}")));
            let id = parsed.as_ref().ok().and_then(|r| r.id.clone());
            let symbol = parsed.as_ref().ok().and_then(|r| r.symbol.clone());
            let row = match parsed.map(|r| action(kind, &r)) {
                Ok(None) => {
                    let id = id.unwrap_or_else(|| raw.get().to_owned());
                    page.issues.push(Issue::UnsupportedAction {
                        kind: kind.to_owned(),
                        id,
                    });
                    position += 1;
                    continue;
                }
                Ok(Some(a)) => a.map(|a| ActionRecord::new(id, kind.to_owned(), a)),
                Err(e) => Err(e),
            };
            page.push(symbol.as_deref().unwrap_or(kind), position, row)?;
            position += 1;
        }
    }
    Ok(page.finish(next_cursor(body.next_page_token)))
}
