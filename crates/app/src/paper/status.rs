//! `ztrade paper status`: each session from its stored record — equity, positions, open
//! orders, today's P&L, the last bar decided and how far it lags the market.

use std::collections::BTreeMap;

use backtest::bartime::WindowRule;
use domain::journal::{Journal, OrderEventKind, OrderSide};
use domain::{Action, Money, Price, Quantity, Symbol, UnixNanos};
use serde::Serialize;
use store::{PaperBroker, PaperStore, SessionRow, SessionStatus};

use super::session::SessionConfig;
use crate::AppError;

/// A position the session holds, from its fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaperPosition {
    pub symbol: Symbol,
    /// Negative for a short.
    pub quantity: Quantity,
}

/// An order with no final event (filled, canceled, expired, rejected) yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenOrder {
    pub id: u64,
    pub symbol: Symbol,
    pub side: OrderSide,
    pub quantity: Option<Quantity>,
    pub limit_price: Option<Price>,
    pub stop_price: Option<Price>,
    pub ts: UnixNanos,
}

/// One session as `paper status` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub name: String,
    pub agent_id: String,
    pub broker: PaperBroker,
    pub status: SessionStatus,
    pub halt_reason: Option<String>,
    pub initial_capital: Money,
    /// The last account snapshot's equity.
    pub equity: Option<Money>,
    pub cash: Option<Money>,
    /// Equity now less equity at the previous trading day's close (or the initial capital on
    /// the first day).
    pub today_pnl: Option<Money>,
    pub positions: Vec<PaperPosition>,
    pub open_orders: Vec<OpenOrder>,
    pub orders: usize,
    pub fills: usize,
    pub inputs: u64,
    pub late_inputs: u64,
    /// The last bar decided and when its window closed.
    pub last_bar: Option<UnixNanos>,
    pub last_bar_close: Option<UnixNanos>,
    /// `now − last_bar_close`, in seconds: how far the session is behind the market.
    pub lag_seconds: Option<f64>,
    pub created_at: String,
    pub updated_at: String,
}

/// Every session, newest first, as of `now`.
pub fn status(
    store: &(impl PaperStore + ?Sized),
    now: UnixNanos,
) -> Result<Vec<SessionView>, AppError> {
    store
        .sessions()?
        .iter()
        .map(|row| view(store, row, now))
        .collect()
}

/// Session `row` as of `now`.
pub fn view(
    store: &(impl PaperStore + ?Sized),
    row: &SessionRow,
    now: UnixNanos,
) -> Result<SessionView, AppError> {
    let cfg = SessionConfig::of(row)?;
    let journal = store.session_journal(&row.name)?;
    let inputs = store.input_summary(&row.name)?;
    let last_bar = inputs.last;
    let last_bar_close =
        last_bar.map(|t| WindowRule::new(row.timeframe, row.calendar).window(t).close);
    let last = journal.snapshots.last();
    Ok(SessionView {
        name: row.name.clone(),
        agent_id: row.agent_id.clone(),
        broker: row.broker,
        status: row.status,
        halt_reason: row.halt_reason.clone(),
        initial_capital: cfg.agent.initial_capital,
        equity: last.map(|s| s.equity),
        cash: last.map(|s| s.cash),
        today_pnl: today_pnl(&journal, cfg.agent.initial_capital)?,
        positions: positions(&journal)?,
        open_orders: open_orders(&journal),
        orders: journal.orders.len(),
        fills: journal.fills.len(),
        inputs: inputs.bars,
        late_inputs: inputs.late,
        last_bar,
        last_bar_close,
        lag_seconds: last_bar_close.map(|c| (now.as_i64() - c.as_i64()) as f64 / 1e9),
        created_at: row.created_at.clone(),
        updated_at: row.updated_at.clone(),
    })
}

/// Net quantity per symbol over the fills; flat symbols left out.
pub fn positions(j: &Journal) -> Result<Vec<PaperPosition>, AppError> {
    let mut net: BTreeMap<&Symbol, Quantity> = BTreeMap::new();
    for f in &j.fills {
        let q = net.entry(&f.symbol).or_insert(Quantity::ZERO);
        let next = match f.action {
            Action::Buy | Action::Cover => q.checked_add(f.quantity),
            Action::Sell | Action::Short => q.checked_sub(f.quantity),
        };
        *q = next.ok_or_else(|| {
            AppError::Overflow(format!(
                "the {} position overflows at fill of order {}",
                f.symbol, f.order_id
            ))
        })?;
    }
    Ok(net
        .into_iter()
        .filter(|(_, q)| *q != Quantity::ZERO)
        .map(|(s, q)| PaperPosition {
            symbol: s.clone(),
            quantity: q,
        })
        .collect())
}

/// Orders without a final event.
pub fn open_orders(j: &Journal) -> Vec<OpenOrder> {
    let done: std::collections::HashSet<u64> = (j.order_events.iter())
        .filter(|e| {
            matches!(
                e.kind,
                OrderEventKind::Filled
                    | OrderEventKind::Canceled
                    | OrderEventKind::Expired
                    | OrderEventKind::Rejected
            )
        })
        .map(|e| e.order_id)
        .collect();
    (j.orders.iter())
        .filter(|o| !done.contains(&o.id))
        .map(|o| OpenOrder {
            id: o.id,
            symbol: o.symbol.clone(),
            side: o.side,
            quantity: o.quantity,
            limit_price: o.limit_price,
            stop_price: o.stop_price,
            ts: o.ts,
        })
        .collect()
}

/// Last equity less the last snapshot before today's first bar (the previous close).
fn today_pnl(j: &Journal, initial: Money) -> Result<Option<Money>, AppError> {
    let Some(now) = j.snapshots.last() else {
        return Ok(None);
    };
    let today = j.risk_days.last().map(|d| d.ts);
    let before = today.and_then(|t| j.snapshots.iter().rev().find(|s| s.ts < t));
    let base = before.map_or(initial, |s| s.equity);
    now.equity
        .checked_sub(base)
        .map(Some)
        .ok_or_else(|| AppError::Overflow(format!("today's P&L: {} - {base}", now.equity)))
}
