//! `backtest journal RUN`: a stored run's journal, whole or one part, and the trade ledger told
//! as stories: for each round trip, the signal that made it (rule, filters, score), its entry
//! and exit orders with their events, its fills, and the P&L — "why did it buy here?".

use domain::journal::{
    AccountSnapshot, Journal, JournalFill, OrderEvent, OrderRecord, RiskDay, RiskVeto, RoundTrip,
    SignalRecord,
};
use serde::Serialize;
use store::JournalStore;

use crate::AppError;
use crate::run::journal::JournalSaveReport;

/// Which part of the journal to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JournalPart {
    /// Counts, risk vetoes, risk days and the ledger.
    #[default]
    Summary,
    Signals,
    Orders,
    Ledger,
}

impl JournalPart {
    /// The part named by the CLI's `--signals`, `--orders`, `--ledger` (at most one is set).
    pub fn pick(signals: bool, orders: bool, ledger: bool) -> Self {
        match (signals, orders, ledger) {
            (true, ..) => Self::Signals,
            (_, true, _) => Self::Orders,
            (.., true) => Self::Ledger,
            _ => Self::Summary,
        }
    }
}

/// An order with everything that happened to it.
#[derive(Debug, Clone, Serialize)]
pub struct OrderView {
    pub order: OrderRecord,
    pub events: Vec<OrderEvent>,
}

/// One round trip traced back to its decision.
#[derive(Debug, Clone, Serialize)]
pub struct TradeStory {
    pub trip: RoundTrip,
    pub signal: Option<SignalRecord>,
    pub entry: Option<OrderView>,
    pub exit: Option<OrderView>,
    pub fills: Vec<JournalFill>,
}

#[derive(Debug, Clone, Serialize)]
pub struct JournalReport {
    pub run_id: i64,
    pub counts: JournalSaveReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signals: Option<Vec<SignalRecord>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orders: Option<Vec<OrderView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vetoes: Option<Vec<RiskVeto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_days: Option<Vec<RiskDay>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshots: Option<Vec<AccountSnapshot>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger: Option<Vec<TradeStory>>,
}

/// Reads run `run`'s journal and builds the part asked for.
pub fn journal_report(
    store: &(impl JournalStore + ?Sized),
    run: i64,
    part: JournalPart,
) -> Result<JournalReport, AppError> {
    let j = store.journal(run)?;
    if j.is_empty() {
        return Err(AppError::input(format!(
            "run {run} has no journal (no such run, or it was run without --journal)"
        )));
    }
    Ok(report(run, j, part))
}

pub fn report(run_id: i64, j: Journal, part: JournalPart) -> JournalReport {
    let counts = JournalSaveReport::new(&j);
    let mut r = JournalReport {
        run_id,
        counts,
        signals: None,
        orders: None,
        vetoes: None,
        risk_days: None,
        snapshots: None,
        ledger: None,
    };
    match part {
        JournalPart::Signals => r.signals = Some(j.signals),
        JournalPart::Orders => r.orders = Some(order_views(&j)),
        JournalPart::Ledger => r.ledger = Some(stories(&j)),
        JournalPart::Summary => {
            r.ledger = Some(stories(&j));
            r.vetoes = Some(j.vetoes);
            r.risk_days = Some(j.risk_days);
            r.snapshots = Some(j.snapshots);
        }
    }
    r
}

fn order_view(j: &Journal, id: u64) -> Option<OrderView> {
    let order = j.orders.get(id.checked_sub(1)? as usize)?.clone();
    let events = j
        .order_events
        .iter()
        .filter(|e| e.order_id == id)
        .cloned()
        .collect();
    Some(OrderView { order, events })
}

fn order_views(j: &Journal) -> Vec<OrderView> {
    j.orders
        .iter()
        .filter_map(|o| order_view(j, o.id))
        .collect()
}

/// Each round trip with its signal, orders and fills (ids are positions: see `domain::journal`).
pub fn stories(j: &Journal) -> Vec<TradeStory> {
    j.ledger
        .iter()
        .map(|t| {
            let signal = t
                .signal_id
                .and_then(|s| j.signals.get(s.checked_sub(1)? as usize))
                .cloned();
            let fills = j
                .fills
                .iter()
                .filter(|f| f.order_id == t.entry_order_id || Some(f.order_id) == t.exit_order_id)
                .filter(|f| f.ts >= t.entry_ts && t.exit_ts.is_none_or(|x| f.ts <= x))
                .cloned()
                .collect();
            TradeStory {
                trip: t.clone(),
                signal,
                entry: order_view(j, t.entry_order_id),
                exit: t.exit_order_id.and_then(|o| order_view(j, o)),
                fills,
            }
        })
        .collect()
}
