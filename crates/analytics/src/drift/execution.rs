//! Execution drift: the fills a venue gave against the fills the model gave for the same orders.
//!
//! **Matching.** Fills are grouped by order id, each group in journal order. The k-th live fill
//! of order `n` is matched with the k-th replay fill of order `n` when both have the same symbol
//! and action (ids are per run, so after a decision diverges an id may name another order; the
//! symbol and action check keeps such fills apart). Every other fill is one-sided: a partial
//! fill the model did in one piece, an order one side never filled, or a diverged decision.
//!
//! **Per matched fill**, at the live quantity (what was actually traded):
//! - `slippage = (live price − model price) × quantity` for a buy or cover and
//!   `(model price − live price) × quantity` for a sell or short, so positive is worse for the
//!   trader;
//! - `fee_difference = live fee − model fee`;
//! - `pnl = −slippage − fee_difference`, the P&L the venue cost (negative) or gave (positive);
//! - `latency_difference_ns = live latency − model latency`, when both are known.

use std::collections::BTreeMap;

use domain::journal::{Journal, JournalFill};
use domain::{Action, Money, Price, Quantity, Symbol, UnixNanos};
use serde::{Deserialize, Serialize};

use super::realized_of;

/// One matched fill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FillDrift {
    pub order_id: u64,
    /// The live fill's time (the stamp of the bar it filled in).
    pub ts: UnixNanos,
    pub symbol: Symbol,
    pub action: Action,
    /// The live fill's quantity.
    pub quantity: Quantity,
    pub live_price: Price,
    pub model_price: Price,
    /// Positive when the live fill was worse for the trader; see the module docs.
    pub slippage: Money,
    /// Per-share slippage over the model price, in basis points; `None` at a model price of 0.
    pub slippage_bps: Option<f64>,
    pub fee_difference: Money,
    pub latency_difference_ns: Option<i64>,
    /// `−slippage − fee_difference`.
    pub pnl: Money,
}

/// Real fills against the fill model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecutionDrift {
    /// Every matched fill, in live journal order.
    pub fills: Vec<FillDrift>,
    pub live_only_fills: usize,
    pub replay_only_fills: usize,
    /// Orders in each journal and how many of them got at least one fill.
    pub live_orders: usize,
    pub replay_orders: usize,
    pub live_orders_filled: usize,
    pub replay_orders_filled: usize,
    /// Live fill rate minus replay fill rate (filled orders over orders); `None` when either
    /// journal has no orders.
    pub fill_rate_difference: Option<f64>,
    /// Mean of the matched fills' latency differences, where known.
    pub mean_latency_difference_ns: Option<f64>,
    /// Sum of the matched fills' slippage (positive: worse live).
    pub slippage: Money,
    /// Sum of the matched fills' fee differences.
    pub fee_difference: Money,
    /// Sum of the matched fills' P&L: `−slippage − fee_difference`.
    pub pnl: Money,
    /// Realized P&L (net of fees) of the live-only fills minus that of the replay-only fills:
    /// what orders filled on one side only explain.
    pub unmatched_pnl: Money,
}

/// Matches `live` fills to `replay` fills and measures them; see the module docs.
pub fn execution_drift(live: &Journal, replay: &Journal) -> ExecutionDrift {
    let mut model = by_order(&replay.fills);
    let mut seen: BTreeMap<u64, usize> = BTreeMap::new();
    let mut out = ExecutionDrift::default();
    let mut live_only: Vec<&JournalFill> = Vec::new();
    for f in &live.fills {
        let k = seen.entry(f.order_id).or_default();
        let counterpart = model
            .get_mut(&f.order_id)
            .and_then(|fills| fills.get_mut(*k))
            .filter(|m| m.is_some_and(|m| m.symbol == f.symbol && m.action == f.action))
            .and_then(Option::take);
        *k += 1;
        match counterpart {
            Some(m) => out.fills.push(fill_drift(f, m)),
            None => live_only.push(f),
        }
    }
    let replay_only: Vec<&JournalFill> = model.into_values().flatten().flatten().collect();

    out.live_only_fills = live_only.len();
    out.replay_only_fills = replay_only.len();
    out.unmatched_pnl = realized_of(live_only) - realized_of(replay_only);
    out.slippage = out.fills.iter().map(|d| d.slippage).sum();
    out.fee_difference = out.fills.iter().map(|d| d.fee_difference).sum();
    out.pnl = out.fills.iter().map(|d| d.pnl).sum();
    let latencies: Vec<i64> = out
        .fills
        .iter()
        .filter_map(|d| d.latency_difference_ns)
        .collect();
    out.mean_latency_difference_ns = (!latencies.is_empty())
        .then(|| latencies.iter().map(|&l| l as f64).sum::<f64>() / latencies.len() as f64);

    out.live_orders = live.orders.len();
    out.replay_orders = replay.orders.len();
    out.live_orders_filled = filled_orders(live);
    out.replay_orders_filled = filled_orders(replay);
    let rate = |filled: usize, all: usize| (all > 0).then(|| filled as f64 / all as f64);
    out.fill_rate_difference = rate(out.live_orders_filled, out.live_orders)
        .zip(rate(out.replay_orders_filled, out.replay_orders))
        .map(|(l, r)| l - r);
    out
}

/// The fills of each order, in journal order; a slot is emptied when it is matched.
fn by_order(fills: &[JournalFill]) -> BTreeMap<u64, Vec<Option<&JournalFill>>> {
    let mut map: BTreeMap<u64, Vec<Option<&JournalFill>>> = BTreeMap::new();
    for f in fills {
        map.entry(f.order_id).or_default().push(Some(f));
    }
    map
}

/// Orders of `j` with at least one fill.
fn filled_orders(j: &Journal) -> usize {
    let ids: std::collections::BTreeSet<u64> = j.fills.iter().map(|f| f.order_id).collect();
    j.orders.iter().filter(|o| ids.contains(&o.id)).count()
}

fn fill_drift(live: &JournalFill, model: &JournalFill) -> FillDrift {
    let pays = matches!(live.action, Action::Buy | Action::Cover);
    // Per-share price difference, signed so that positive is worse for the trader.
    let worse = if pays {
        live.price - model.price
    } else {
        model.price - live.price
    };
    let slippage = worse.notional(live.quantity);
    let fee_difference = live.fee - model.fee;
    let slippage_bps =
        (!model.price.is_zero()).then(|| worse.raw() as f64 / model.price.raw() as f64 * 10_000.0);
    FillDrift {
        order_id: live.order_id,
        ts: live.ts,
        symbol: live.symbol.clone(),
        action: live.action,
        quantity: live.quantity,
        live_price: live.price,
        model_price: model.price,
        slippage,
        slippage_bps,
        fee_difference,
        latency_difference_ns: live
            .latency_ns
            .zip(model.latency_ns)
            .and_then(|(l, m)| l.checked_sub(m)),
        pnl: -slippage - fee_difference,
    }
}
