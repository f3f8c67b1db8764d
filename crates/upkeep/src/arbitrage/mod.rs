//! The arbitrage scan over stored chain snapshots, shared by `ztrade options scan` (through
//! `app::options`) and the option-chain job kind that scans after each snapshot.
//!
//! For each snapshot time of the underlying in the window, oldest first:
//! 1. the chain as of that time (`OptionStore::chain_at`) and the stock's quote
//!    ([`underlying::stock_quote`]) make a [`Book`]; the dividends going ex before each expiry
//!    come from the stored corporate actions;
//! 2. [`options::scan::scan`] finds what could be traded;
//! 3. what the previous snapshot found is priced again, same legs, same sides, on this one:
//!    its `next_edge` says whether the edge was still there to trade ([`Evaluation`]), and a
//!    finding seen again extends its run (`snapshots`, `last_seen`); one not seen before opens
//!    a new run.
//!
//! Every run touched is written in one `upsert_opportunities` call at the end, so a scan stores
//! all of its window or nothing. Scanning a window again finds the same runs (same first
//! snapshot, same key) and updates them in place.

pub mod underlying;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::{CorporateActionKind, Money, Price, Quantity, Symbol, UnixNanos};
use options::forward::ForwardSource;
use options::scan::{self, Book, Evaluation, Finding, Kind, ScanConfig, SeriesKey, Spec, Unpriced};
use serde::Serialize;
use store::{
    ActionStore, ArbitrageRecord, ArbitrageStore, BarStore, OptionStore, TickStore, UpsertCounts,
};

use crate::UpkeepError;

/// The store roles a scan reads and writes.
pub trait ScanStore: OptionStore + ArbitrageStore + BarStore + TickStore + ActionStore {}
impl<T: OptionStore + ArbitrageStore + BarStore + TickStore + ActionStore + ?Sized> ScanStore
    for T
{
}

/// Which snapshots to scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The chain as of one instant.
    At(UnixNanos),
    /// Every stored snapshot time with `from ≤ ts < to`.
    Range { from: UnixNanos, to: UnixNanos },
}

impl Window {
    /// The window of `--at T`, or of `--from T1 --to T2`; anything else is an input error.
    pub fn from_flags(
        at: Option<UnixNanos>,
        from: Option<UnixNanos>,
        to: Option<UnixNanos>,
    ) -> Result<Self, UpkeepError> {
        match (at, from, to) {
            (Some(at), None, None) => Ok(Self::At(at)),
            (None, Some(from), Some(to)) if from < to => Ok(Self::Range { from, to }),
            (None, Some(_), Some(_)) => Err(UpkeepError::input("--from must be before --to")),
            _ => Err(UpkeepError::input(
                "say which snapshots: --at TIME, or --from T1 --to T2",
            )),
        }
    }
}

/// A scan as asked for.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    pub underlying: Symbol,
    pub window: Window,
    pub config: ScanConfig,
    /// A contract's latest snapshot older than this (ns) is not part of the chain, nor is a
    /// stock quote older than this.
    pub max_age: i64,
    /// Write the runs found into `arbitrage_opportunities`.
    pub record: bool,
    /// In a range, scan a snapshot time only when it is at least this long (ns) after the last
    /// one scanned; 0 scans every stored time. Collected chains stamp each contract with its
    /// own quote time, so a range of them holds about one time per contract: a step of a
    /// minute scans them once a minute.
    pub step: i64,
}

/// One snapshot's scan, in short.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotScan {
    pub at: UnixNanos,
    pub contracts: usize,
    pub stock: bool,
    pub checked: usize,
    pub found: usize,
    pub unpriced: BTreeMap<Unpriced, usize>,
    pub no_size: usize,
    /// Series whose forward and discount factor came from their own parity, from the given
    /// rate and dividend yield, or from neither (no fit and no stock quote).
    pub forwards: ForwardCounts,
}

/// How the series of a snapshot got their forwards.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ForwardCounts {
    pub fitted: usize,
    pub given: usize,
    pub none: usize,
}

impl ForwardCounts {
    fn of(book: &Book) -> Self {
        let mut c = Self::default();
        for s in book.series.values() {
            match s.forward.as_ref().map(|f| &f.source) {
                Some(ForwardSource::Parity { .. }) => c.fitted += 1,
                Some(ForwardSource::Given { .. }) => c.given += 1,
                None => c.none += 1,
            }
        }
        c
    }
}

/// What a scan found: the snapshots scanned and the runs of opportunities, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanOutcome {
    pub underlying: Symbol,
    pub snapshots: Vec<SnapshotScan>,
    pub runs: Vec<ArbitrageRecord>,
    /// Findings per kind, over every snapshot.
    pub found_by_kind: BTreeMap<String, usize>,
    /// Runs whose next snapshot was scanned, and of those, the ones still tradable at an edge
    /// above `min_edge` there.
    pub followed: usize,
    pub still_there: usize,
    /// What recording did (`None` without `record`).
    pub recorded: Option<UpsertCounts>,
    /// The fallback rate the scan was given, for expiries the chain gives no discount factor.
    pub rate: f64,
    /// Cash dividends of the underlying stored as corporate actions (conversions and
    /// reversals count them; with none stored, a dividend payer's reversals look like profit).
    pub dividends_stored: usize,
}

/// A run being followed from snapshot to snapshot.
struct Open {
    record: ArbitrageRecord,
    spec: Spec,
}

/// Scans the window; see the module's comment.
pub fn scan_chain(
    store: &mut (impl ScanStore + ?Sized),
    req: &ScanRequest,
) -> Result<ScanOutcome, UpkeepError> {
    let mut config = req.config.clone();
    config.dividends = dividends(&*store, &req.underlying)?;
    let times = match req.window {
        Window::At(t) => vec![t],
        Window::Range { from, to } => thin(
            store.option_snapshot_times(&req.underlying, Some(from), Some(to))?,
            req.step,
        ),
    };
    if times.is_empty() {
        return Err(UpkeepError::NoData(format!(
            "no option snapshots of {} in that window: import a chain (ztrade options import) \
             or collect one",
            req.underlying
        )));
    }
    let mut out = ScanOutcome {
        underlying: req.underlying.clone(),
        snapshots: Vec::with_capacity(times.len()),
        runs: Vec::new(),
        found_by_kind: BTreeMap::new(),
        followed: 0,
        still_there: 0,
        recorded: None,
        rate: config.rate,
        dividends_stored: config.dividends.len(),
    };
    let mut open = seed(&*store, &req.underlying, times[0])?;
    let settings = settings_of(req);
    for at in times {
        let chain = store.chain_at(&req.underlying, at, Some(req.max_age))?;
        if chain.is_empty() && matches!(req.window, Window::At(_)) {
            return Err(UpkeepError::NoData(format!(
                "no option snapshots of {} at {} or in the {} minutes before: import a chain \
                 (ztrade options import) or collect one",
                req.underlying,
                at.to_rfc3339(),
                req.max_age / domain::time::NANOS_PER_MINUTE
            )));
        }
        let stock = underlying::stock_quote(&*store, &req.underlying, at, req.max_age)?;
        let book = Book::new(
            &req.underlying,
            at,
            &chain,
            stock,
            config.rate,
            config.dividend_yield,
        );
        let report = scan::scan(&book, &config);
        follow(&mut open, &book, &config, &mut out);
        for f in &report.findings {
            *out.found_by_kind
                .entry(f.spec.kind.as_str().to_string())
                .or_default() += 1;
            let run = match open.remove(&f.key) {
                Some(mut run) => {
                    run.record.snapshots = run.record.snapshots.saturating_add(1);
                    run.record.last_seen = at;
                    fill(&mut run.record, f, &settings)?;
                    run
                }
                None => Open {
                    record: record_of(&req.underlying, at, f, &settings)?,
                    spec: f.spec.clone(),
                },
            };
            open.insert(f.key.clone(), run);
        }
        // Runs not found again here are closed; keep them for the output.
        let (kept, closed): (BTreeMap<_, _>, BTreeMap<_, _>) = std::mem::take(&mut open)
            .into_iter()
            .partition(|(_, r)| r.record.last_seen == at);
        out.runs.extend(closed.into_values().map(|r| r.record));
        open = kept;
        out.snapshots.push(SnapshotScan {
            at,
            contracts: chain.len(),
            stock: book.stock.is_some(),
            checked: report.checked,
            found: report.findings.len(),
            unpriced: report.unpriced,
            no_size: report.no_size,
            forwards: ForwardCounts::of(&book),
        });
    }
    out.runs.extend(open.into_values().map(|r| r.record));
    out.runs
        .sort_by(|a, b| (a.first_seen, &a.kind, &a.key).cmp(&(b.first_seen, &b.kind, &b.key)));
    if req.record && !out.runs.is_empty() {
        out.recorded = Some(store.upsert_opportunities(&out.runs)?);
    }
    Ok(out)
}

/// The times at least `step` after the last one kept (all of them for a step of 0 or less).
fn thin(times: Vec<UnixNanos>, step: i64) -> Vec<UnixNanos> {
    if step <= 0 {
        return times;
    }
    let mut kept: Vec<UnixNanos> = Vec::with_capacity(times.len());
    for t in times {
        if kept
            .last()
            .is_none_or(|last| t.as_i64().saturating_sub(last.as_i64()) >= step)
        {
            kept.push(t);
        }
    }
    kept
}

/// Prices every open run's legs on `book`, the snapshot after the one it was last seen in.
fn follow(
    open: &mut BTreeMap<String, Open>,
    book: &Book,
    config: &ScanConfig,
    out: &mut ScanOutcome,
) {
    for run in open
        .values_mut()
        .filter(|r| r.record.next_edge.is_none() && r.record.last_seen < book.at)
    {
        out.followed += 1;
        let next = scan::evaluate(&run.spec, book, config);
        let detail = run.record.detail.as_object_mut();
        match next {
            Ok(e) => {
                if e.edge > config.min_edge {
                    out.still_there += 1;
                }
                run.record.next_edge = price_of_money(e.edge);
                if let Some(d) = detail {
                    d.insert(
                        "next".into(),
                        serde_json::json!({"at": book.at, "sets": e.sets}),
                    );
                }
            }
            Err(why) => {
                if let Some(d) = detail {
                    d.insert(
                        "next".into(),
                        serde_json::json!({"at": book.at, "unpriced": why}),
                    );
                }
            }
        }
    }
}

/// A new run opened by `f` at `at`.
fn record_of(
    underlying: &Symbol,
    at: UnixNanos,
    f: &Finding,
    settings: &serde_json::Value,
) -> Result<ArbitrageRecord, UpkeepError> {
    let mut r = ArbitrageRecord {
        underlying: underlying.clone(),
        kind: f.spec.kind.as_str().to_string(),
        key: f.key.clone(),
        expiry: f.spec.series.expiry,
        legs: serde_json::Value::Null,
        edge: Price::ZERO,
        quantity: Quantity::ZERO,
        total_edge: Price::ZERO,
        first_seen: at,
        last_seen: at,
        snapshots: 1,
        next_edge: None,
        detail: serde_json::Value::Null,
    };
    fill(&mut r, f, settings)?;
    Ok(r)
}

/// The settings a run was found with, kept in its detail: rows of scans with other fees or
/// rates can be told apart.
fn settings_of(req: &ScanRequest) -> serde_json::Value {
    let c = &req.config;
    serde_json::json!({
        "fees_per_contract": c.fees_per_contract,
        "stock_fee_per_share": c.stock_fee_per_share,
        "min_edge": price_of_money(c.min_edge),
        "tolerance_ns": c.max_quote_skew_ns,
        "allow_unsized": c.allow_unsized,
        "rate": c.rate,
        "dividend_yield": c.dividend_yield,
        "max_age_ns": req.max_age,
    })
}

/// The latest snapshot's legs, edge and size on a run.
fn fill(
    r: &mut ArbitrageRecord,
    f: &Finding,
    settings: &serde_json::Value,
) -> Result<(), UpkeepError> {
    let e: &Evaluation = &f.evaluation;
    let overflow = || UpkeepError::Stored(format!("the edge of {} does not fit a price", f.key));
    r.legs = serde_json::to_value(&e.legs).map_err(|err| UpkeepError::Stored(err.to_string()))?;
    r.edge = price_of_money(e.edge).ok_or_else(overflow)?;
    r.quantity = match e.sets {
        Some(n) => Quantity::checked_from_int(n).ok_or_else(overflow)?,
        None => Quantity::ZERO,
    };
    r.total_edge = match f.total_edge {
        Some(t) => price_of_money(t).ok_or_else(overflow)?,
        None => Price::ZERO,
    };
    r.next_edge = None;
    r.detail = serde_json::json!({
        "stock": e.legs.iter().any(|l| l.is_stock),
        "strikes": f.spec.strikes,
        "far_expiry": f.spec.far.map(|k| k.expiry),
        "style": f.spec.series.style,
        "multiplier": f.spec.series.multiplier,
        "cash": price_of_money(e.cash),
        "payoff_pv": price_of_money(e.payoff_pv),
        "fees": price_of_money(e.fees),
        "discount_factor": e.discount_factor,
        "sized": e.sets.is_some(),
        "settings": settings,
    });
    Ok(())
}

/// Money (10⁻¹⁷) as a price (10⁻⁹), half to even; `None` when it does not fit.
pub fn price_of_money(m: Money) -> Option<Price> {
    let raw = m.checked_mul_ratio(1, 100_000_000)?.raw();
    i64::try_from(raw).ok().map(Price::from_raw)
}

/// The underlying's cash dividends by ex-date, from the stored corporate actions.
fn dividends(
    store: &(impl ActionStore + ?Sized),
    symbol: &Symbol,
) -> Result<Vec<(NaiveDate, Price)>, UpkeepError> {
    Ok(store
        .actions(symbol)?
        .into_iter()
        .filter_map(|a| match a.kind {
            CorporateActionKind::CashDividend { amount } => Some((a.ex_date, amount)),
            CorporateActionKind::Split { .. } => None,
        })
        .collect())
}

/// Runs of an earlier scan that cover `prev`, the snapshot before this scan's first, cut back to
/// end there so this scan extends them: a window scanned again continues the same runs instead
/// of opening new ones.
fn seed(
    store: &(impl ScanStore + ?Sized),
    underlying: &Symbol,
    first: UnixNanos,
) -> Result<BTreeMap<String, Open>, UpkeepError> {
    let mut open = BTreeMap::new();
    let look_back = Some(UnixNanos::new(first.as_i64().saturating_sub(LOOK_BACK)));
    let Some(prev) = store
        .option_snapshot_times(underlying, look_back, Some(first))?
        .last()
        .copied()
    else {
        return Ok(open);
    };
    let after = Some(UnixNanos::new(prev.as_i64().saturating_add(1)));
    let records = store.opportunities(underlying, Some(prev), after)?;
    // The snapshot times each run covered, read once from the earliest run's start.
    let earliest = records.iter().map(|r| r.first_seen).min();
    let covered = match earliest {
        Some(from) => store.option_snapshot_times(underlying, Some(from), after)?,
        None => Vec::new(),
    };
    for mut record in records {
        let Some(spec) = spec_of(&record) else {
            return Err(UpkeepError::Stored(format!(
                "arbitrage run {:?} has a detail this version cannot read",
                record.key
            )));
        };
        let since = covered.len() - covered.partition_point(|t| *t < record.first_seen);
        record.snapshots = u32::try_from(since).unwrap_or(u32::MAX);
        record.last_seen = prev;
        record.next_edge = None;
        open.insert(record.key.clone(), Open { record, spec });
    }
    Ok(open)
}

/// How far back the snapshot before a scan's first is looked for: a week.
const LOOK_BACK: i64 = 7 * domain::time::NANOS_PER_DAY;

/// The check a stored run came from, rebuilt from its kind and detail.
fn spec_of(r: &ArbitrageRecord) -> Option<Spec> {
    let d = &r.detail;
    let kind = Kind::parse(&r.kind)?;
    let series = SeriesKey {
        expiry: r.expiry,
        style: serde_json::from_value(d.get("style")?.clone()).ok()?,
        multiplier: u32::try_from(d.get("multiplier")?.as_u64()?).ok()?,
    };
    let strikes: Vec<Price> = serde_json::from_value(d.get("strikes")?.clone()).ok()?;
    let far: Option<NaiveDate> = serde_json::from_value(d.get("far_expiry")?.clone()).ok()?;
    Some(Spec {
        kind,
        series,
        strikes,
        far: far.map(|expiry| SeriesKey { expiry, ..series }),
    })
}
