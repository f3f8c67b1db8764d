//! Splits and dividends from a provider into `corporate_actions` (`data backfill --kind
//! actions`).
//!
//! - this file: [`ActionsSpec`] → [`run_actions_backfill`] → [`ActionsReport`].
//! - [`merge`]: records into one row per (symbol, ex-date, kind), repeats dropped.
//!
//! How it runs:
//! - Alpaca's corporate actions for up to 100 symbols per request; Polygon's splits, then
//!   dividends, one ticker per request (the client chains the two endpoints into one paged
//!   stream). Each request is followed page by page under a [`PageGuard`]: a cursor seen
//!   before, pages without a new record or more pages than the range can need end the run with
//!   an error naming the request. Retries, timeouts and redirects are the clients' (as for bars).
//! - Everything is fetched first and written at the end in one transaction (an upsert on
//!   (symbol, ex-date, kind)): a failure anywhere stores nothing, and a rerun over the same range
//!   finds every row unchanged. Actions are a few rows per symbol and year, so there is no
//!   checkpoint: a rerun fetches again.
//! - Kinds the domain does not model are counted by the provider's name (`skipped`), as are
//!   records of symbols not asked for (`outside`, not stored).

pub mod merge;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use domain::{CorporateAction, Provider, Symbol, UnixNanos};
use providers::{ActionRecord, ActionsRequest, Cursor, Issue, Provider as Source, ProviderError};
use serde::Serialize;
use store::{StoreError, UpsertCounts};
use thiserror::Error;

use crate::backfill::guard::PageGuard;
use crate::worker::{Clients, JobError, StoreHandle};
use merge::{Key, Merged, key, kind, merge};

/// Corporate actions of `symbols` from `provider`, `start` to `end` inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionsSpec {
    pub provider: Provider,
    pub symbols: Vec<Symbol>,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl ActionsSpec {
    /// The dates of the half-open window `[start, end)` (as `data backfill` parses it).
    pub fn for_window(
        provider: Provider,
        symbols: Vec<Symbol>,
        start: UnixNanos,
        end: UnixNanos,
    ) -> Self {
        Self {
            provider,
            symbols,
            start: start.utc_date(),
            end: end.plus(-1).utc_date(),
        }
    }
}

/// What a run fetched and stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActionsReport {
    pub provider: String,
    pub kind: &'static str,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub symbols: Vec<String>,
    /// Paged requests made (Alpaca: one per 100 symbols; Polygon: one per symbol).
    pub requests: u64,
    pub pages: u64,
    /// Every row written, as the store counted them.
    pub rows: UpsertCounts,
    pub splits: UpsertCounts,
    pub dividends: UpsertCounts,
    /// Records kept, by the provider's name of their kind (`reverse_split`, `stock_dividend`…).
    pub by_source: BTreeMap<String, u64>,
    /// Records of kinds the domain does not model, by the provider's name (`spin_off`…).
    pub skipped: BTreeMap<String, u64>,
    /// Records sent again (the same id), counted once.
    pub repeated: u64,
    /// Records folded into another of the same symbol, ex-date and kind.
    pub combined: u64,
    /// Records of symbols not asked for: not stored.
    pub outside: u64,
    pub warnings: Vec<String>,
}

impl ActionsReport {
    /// The report for people, a few lines.
    pub fn summary(&self) -> String {
        let c = |u: &UpsertCounts| {
            format!(
                "{} inserted, {} updated, {} unchanged",
                u.inserted, u.updated, u.unchanged
            )
        };
        let mut out = format!(
            "corporate actions from {} for {} (requests: {}, pages: {})\nsplits: {}\ndividends: {}",
            self.provider,
            self.symbols.join(","),
            self.requests,
            self.pages,
            c(&self.splits),
            c(&self.dividends),
        );
        let skipped: Vec<String> = self
            .skipped
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        if !skipped.is_empty() {
            out.push_str(&format!("\nnot modelled, skipped: {}", skipped.join(", ")));
        }
        for (n, what) in [
            (self.repeated, "repeated records counted once"),
            (
                self.combined,
                "records combined with another on the same ex-date",
            ),
            (self.outside, "records of symbols not asked for, not stored"),
        ] {
            if n > 0 {
                out.push_str(&format!("\n{n} {what}"));
            }
        }
        for w in &self.warnings {
            out.push_str(&format!("\nwarning: {w}"));
        }
        out
    }
}

/// Why a run stored nothing.
#[derive(Debug, Error)]
pub enum ActionsError {
    #[error("backfill: {0}")]
    Spec(String),
    #[error(transparent)]
    Client(#[from] JobError),
    #[error("{0}; nothing stored (run the same command again)")]
    Provider(#[from] ProviderError),
    #[error("{0}; nothing stored")]
    Data(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Opens (and migrates) the store at `store_url`, then [`run_actions_backfill_with`].
pub async fn run_actions_backfill(
    spec: &ActionsSpec,
    store_url: &str,
    clients: &Clients,
) -> Result<ActionsReport, ActionsError> {
    let store = StoreHandle::open(store_url).await?;
    let report = run_actions_backfill_with(spec, &store, clients).await;
    // Closing a PostgreSQL connection blocks: do it on the blocking pool.
    let _ = tokio::task::spawn_blocking(move || drop(store)).await;
    report
}

/// Fetches every page of every request, then stores the merged rows in one transaction.
pub async fn run_actions_backfill_with(
    spec: &ActionsSpec,
    store: &StoreHandle,
    clients: &Clients,
) -> Result<ActionsReport, ActionsError> {
    if spec.symbols.is_empty() {
        return Err(ActionsError::Spec("no symbols given".into()));
    }
    if spec.start > spec.end {
        let (s, e) = (spec.start, spec.end);
        return Err(ActionsError::Spec(format!("start {s} is after end {e}")));
    }
    let client = clients.get(spec.provider)?.clone();
    let mut fetch = Fetch {
        report: ActionsReport {
            provider: spec.provider.to_string(),
            kind: "actions",
            start: Some(spec.start),
            end: Some(spec.end),
            symbols: spec.symbols.iter().map(Symbol::to_string).collect(),
            ..ActionsReport::default()
        },
        records: Vec::new(),
        skipped_ids: HashSet::new(),
    };
    let per_request = client.limits().max_symbols_per_request.max(1);
    for symbols in spec.symbols.chunks(per_request) {
        let req = ActionsRequest {
            symbols: symbols.to_vec(),
            start: spec.start,
            end: spec.end,
        };
        fetch.request(client.as_ref(), &req).await?;
    }
    let Fetch {
        mut report,
        records,
        ..
    } = fetch;
    let wanted: HashSet<&Symbol> = spec.symbols.iter().collect();
    let (kept, outside): (Vec<ActionRecord>, Vec<ActionRecord>) = records
        .into_iter()
        .partition(|r| wanted.contains(&r.action.symbol));
    report.outside = outside.len() as u64;
    let Merged {
        actions,
        repeated,
        combined,
        by_source,
        warnings,
    } = merge(kept).map_err(ActionsError::Data)?;
    (report.repeated, report.combined) = (repeated, combined);
    (report.by_source, report.warnings) = (by_source, warnings);
    for w in &report.warnings {
        tracing::warn!("{w}");
    }
    if !actions.is_empty() {
        let (rows, [splits, dividends]) = store.call(move |st| write(st, &actions)).await?;
        (report.rows, report.splits, report.dividends) = (rows, splits, dividends);
    }
    Ok(report)
}

/// The records of a run so far.
struct Fetch {
    report: ActionsReport,
    records: Vec<ActionRecord>,
    /// Skipped records already counted (a repeated page, or overlapping symbol batches).
    skipped_ids: HashSet<String>,
}

impl Fetch {
    /// Every page of `req`, under a [`PageGuard`].
    async fn request(
        &mut self,
        client: &dyn Source,
        req: &ActionsRequest,
    ) -> Result<(), ActionsError> {
        self.report.requests += 1;
        let mut guard = PageGuard::new(rows_bound(req), None);
        let mut seen: HashSet<String> = HashSet::new();
        let mut cursor: Option<Cursor> = None;
        loop {
            let page = client.fetch_actions(req, cursor.as_ref()).await?;
            self.report.pages += 1;
            let mut fresh = page
                .items
                .iter()
                .filter(|r| seen.insert(r.id.clone()))
                .count();
            let mut rows = page.items.len();
            for issue in &page.issues {
                let Issue::UnsupportedAction { kind, id } = issue else {
                    continue;
                };
                rows += 1;
                fresh += usize::from(seen.insert(format!("skipped:{id}")));
                if self.skipped_ids.insert(id.clone()) {
                    *self.report.skipped.entry(kind.clone()).or_default() += 1;
                }
            }
            guard
                .check_rows(&page.request, rows, fresh, page.next.as_ref())
                .map_err(ActionsError::Data)?;
            self.records.extend(page.items);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(()),
            }
        }
    }
}

/// Far more actions than a symbol has in a day, summed over the range: bounds the paging.
fn rows_bound(req: &ActionsRequest) -> u64 {
    let days = u64::try_from((req.end - req.start).num_days()).unwrap_or(0) + 1;
    days.saturating_mul(req.symbols.len() as u64)
        .saturating_mul(4)
        .saturating_add(100)
}

/// Upserts `actions` (one transaction) and counts per kind what it does, from the rows stored
/// before it: `[splits, dividends]`.
fn write(
    st: &mut dyn store::Store,
    actions: &[CorporateAction],
) -> Result<(UpsertCounts, [UpsertCounts; 2]), StoreError> {
    let symbols: HashSet<&Symbol> = actions.iter().map(|a| &a.symbol).collect();
    let mut before: HashMap<Key, CorporateAction> = HashMap::new();
    for s in symbols {
        for a in st.actions(s)? {
            before.insert(key(&a), a);
        }
    }
    let mut per = [UpsertCounts::default(); 2];
    for a in actions {
        let c = &mut per[usize::from(kind(a) == "dividend")];
        match before.get(&key(a)) {
            None => c.inserted += 1,
            Some(b) if b == a => c.unchanged += 1,
            Some(_) => c.updated += 1,
        }
    }
    Ok((st.upsert_actions(actions)?, per))
}
