//! Provider records into the rows `corporate_actions` takes: one per (symbol, ex-date, kind).
//! Pure.
//!
//! - The same record twice (the same provider id; for records without one, the same kind,
//!   symbol, date and values) counts once: a repeated page, or Alpaca's symbol batches
//!   overlapping on an action of two symbols.
//! - Distinct records sharing a key are combined, as their effects on the price combine: cash
//!   amounts add (a regular and a special dividend, or a fund's long- and short-term capital
//!   gains, on one ex-date), split ratios multiply (a split and a stock dividend on one day).
//!   Always over the whole fetch, so a rerun combines the same records into the same row.
//! - Two splits of one symbol with the same ratio less than [`NEAR_DAYS`] apart are stored as
//!   sent but warned about: providers list one split under two dates now and then (Polygon's
//!   SHOP 10-for-1 of 2022, under 06-22 and 06-29), and adjusting for both is wrong.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use domain::{CorporateAction, CorporateActionKind, Symbol};
use providers::ActionRecord;

/// Same-ratio splits closer than this are probably one event.
pub const NEAR_DAYS: i64 = 31;

/// The rows to store and what merging them did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Merged {
    /// Ordered by symbol, ex-date, kind (a dividend before a split, as the store reads them).
    pub actions: Vec<CorporateAction>,
    /// Records left out because they repeated an earlier one.
    pub repeated: u64,
    /// Records folded into another with the same key.
    pub combined: u64,
    /// Records kept, by the provider's name of their kind.
    pub by_source: BTreeMap<String, u64>,
    pub warnings: Vec<String>,
}

/// What a row is keyed by besides symbol and date: `split` or `dividend`.
pub fn kind(a: &CorporateAction) -> &'static str {
    match a.kind {
        CorporateActionKind::Split { .. } => "split",
        CorporateActionKind::CashDividend { .. } => "dividend",
    }
}

/// A row's key in `corporate_actions`.
pub type Key = (Symbol, NaiveDate, &'static str);

pub fn key(a: &CorporateAction) -> Key {
    (a.symbol.clone(), a.ex_date, kind(a))
}

/// Merges `records` (in the order fetched). An error names the records that cannot be
/// combined (a sum or a ratio beyond what is stored).
pub fn merge(records: Vec<ActionRecord>) -> Result<Merged, String> {
    let mut out = Merged::default();
    let mut seen = HashSet::new();
    let mut rows: BTreeMap<Key, CorporateAction> = BTreeMap::new();
    for r in records {
        if !seen.insert(r.id) {
            out.repeated += 1;
            continue;
        }
        *out.by_source.entry(r.source).or_default() += 1;
        match rows.entry(key(&r.action)) {
            Entry::Vacant(e) => {
                e.insert(r.action);
            }
            Entry::Occupied(mut e) => {
                let kind = combine(&e.get().kind, &r.action.kind).ok_or_else(|| {
                    format!(
                        "{} on {}: {:?} and {:?} do not combine into a storable row",
                        r.action.symbol,
                        r.action.ex_date,
                        e.get().kind,
                        r.action.kind
                    )
                })?;
                e.get_mut().kind = kind;
                out.combined += 1;
            }
        }
    }
    out.actions = rows.into_values().collect();
    out.warnings = near_repeats(&out.actions);
    Ok(out)
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Two actions of one key as one: amounts added, ratios multiplied (in lowest terms).
fn combine(a: &CorporateActionKind, b: &CorporateActionKind) -> Option<CorporateActionKind> {
    use CorporateActionKind::{CashDividend, Split};
    match (*a, *b) {
        (CashDividend { amount: x }, CashDividend { amount: y }) => Some(CashDividend {
            amount: x.checked_add(y)?.in_range("amount").ok()?,
        }),
        (Split { from: f1, to: t1 }, Split { from: f2, to: t2 }) => {
            let (from, to) = (u64::from(f1) * u64::from(f2), u64::from(t1) * u64::from(t2));
            let g = gcd(from, to);
            Some(Split {
                from: u32::try_from(from / g).ok()?,
                to: u32::try_from(to / g).ok()?,
            })
        }
        _ => None,
    }
}

/// A warning for each pair of same-ratio splits of one symbol less than [`NEAR_DAYS`] apart
/// (`actions` ordered by symbol and date).
fn near_repeats(actions: &[CorporateAction]) -> Vec<String> {
    let splits: Vec<(&CorporateAction, u32, u32)> = actions
        .iter()
        .filter_map(|a| match a.kind {
            CorporateActionKind::Split { from, to } => Some((a, from, to)),
            CorporateActionKind::CashDividend { .. } => None,
        })
        .collect();
    splits
        .windows(2)
        .filter_map(|w| {
            let ((a, f1, t1), (b, f2, t2)) = (w[0], w[1]);
            let days = (b.ex_date - a.ex_date).num_days();
            (a.symbol == b.symbol && (f1, t1) == (f2, t2) && days < NEAR_DAYS).then(|| {
                format!(
                    "{}: the same {t1}-for-{f1} split on {} and on {}, {days} days apart: \
                     probably one split listed twice; both are stored, so prices before the \
                     first are adjusted for both (check which date is right)",
                    a.symbol, a.ex_date, b.ex_date
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Price;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn rec(id: &str, sym: &str, day: &str, kind: CorporateActionKind) -> ActionRecord {
        ActionRecord {
            id: id.into(),
            source: "test".into(),
            action: CorporateAction::new(Symbol::lit(sym), date(day), kind).unwrap(),
        }
    }

    fn div(amount: &str) -> CorporateActionKind {
        CorporateActionKind::CashDividend {
            amount: Price::lit(amount),
        }
    }

    fn split(from: u32, to: u32) -> CorporateActionKind {
        CorporateActionKind::Split { from, to }
    }

    #[test]
    fn repeats_count_once_and_distinct_records_of_one_key_combine() {
        let m = merge(vec![
            rec("a", "XYZ", "2024-03-01", div("0.5")),
            rec("b", "XYZ", "2024-03-01", div("0.25")),
            rec("a", "XYZ", "2024-03-01", div("0.5")),
            rec("c", "XYZ", "2024-03-01", split(1, 2)),
            rec("d", "XYZ", "2024-03-01", split(20, 21)),
            rec("e", "ABC", "2024-01-02", split(3, 1)),
        ])
        .unwrap();
        assert_eq!((m.repeated, m.combined), (1, 2));
        assert_eq!(m.by_source["test"], 5);
        let rows: Vec<(String, String, CorporateActionKind)> = m
            .actions
            .iter()
            .map(|a| (a.symbol.to_string(), a.ex_date.to_string(), a.kind))
            .collect();
        assert_eq!(
            rows,
            [
                ("ABC".into(), "2024-01-02".into(), split(3, 1)),
                ("XYZ".into(), "2024-03-01".into(), div("0.75")),
                ("XYZ".into(), "2024-03-01".into(), split(10, 21)),
            ]
        );
        assert!(m.warnings.is_empty());
    }

    #[test]
    fn the_same_split_twice_within_a_month_is_warned_about() {
        let m = merge(vec![
            rec("a", "SHOP", "2022-06-22", split(1, 10)),
            rec("b", "SHOP", "2022-06-29", split(1, 10)),
            rec("c", "AMZN", "2022-06-06", split(1, 20)),
            rec("d", "AMZN", "2022-09-06", split(1, 20)),
        ])
        .unwrap();
        assert_eq!(m.actions.len(), 4);
        assert_eq!(m.warnings.len(), 1, "{:?}", m.warnings);
        assert!(
            m.warnings[0].starts_with(
                "SHOP: the same 10-for-1 split on 2022-06-22 and on 2022-06-29, 7 days apart"
            ),
            "{}",
            m.warnings[0]
        );
    }

    #[test]
    fn a_combination_beyond_what_is_stored_is_an_error_naming_it() {
        let big = u32::MAX;
        let e = merge(vec![
            rec("a", "XYZ", "2024-03-01", split(big, 1)),
            rec("b", "XYZ", "2024-03-01", split(3, 1)),
        ])
        .unwrap_err();
        assert!(e.starts_with("XYZ on 2024-03-01"), "{e}");
    }
}
