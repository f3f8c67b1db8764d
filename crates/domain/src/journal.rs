//! A run's journal: every decision and what became of it, in one shape for the engine that
//! writes it, the store that keeps it and the views that show it.
//!
//! - [`SignalRecord`]: what a strategy saw and wanted (its rule, score, filters) and whether it
//!   was promoted to an order or blocked.
//! - [`RiskVeto`]: a risk rule that refused a signal, with the observed value and the limit.
//! - [`OrderRecord`] and [`OrderEvent`]: each order with its id and its life (submitted …
//!   filled, canceled, expired, rejected).
//! - [`JournalFill`]: one execution of an order, with slippage against the signal's reference
//!   price and the signal→fill latency in simulated time.
//! - [`AccountSnapshot`], [`RiskDay`]: the account at a cadence and the daily risk roll-up.
//! - [`RoundTrip`]: the trade ledger, linking signal → order → fills → P&L.
//!
//! Ids are per run, from 1, in the order the engine made them. Texts the engine repeats are
//! shared (`Arc<str>`: setup, session; [`Texts`]: filter lists, bracket legs) or static
//! (`Cow<'static, str>`: reasons, rules, filters), so journaling a signal, an order or a fill
//! allocates nothing: a journal's cost is the memory its records fill, so they are kept small.

/// A text that is usually one of the engine's own constants.
pub type Text = Cow<'static, str>;

/// A list of texts shared by the records that repeat it (a rule's filters, a bracket's legs):
/// journaling the thousandth crossover of a run clones a pointer, it allocates no list.
pub type Texts = Arc<[Text]>;

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{Action, Money, Price, Quantity, Symbol, UnixNanos};

use crate::text_enum;

text_enum!(
    /// `promoted`: it became an order; `blocked`: a filter or a risk rule stopped it;
    /// `generated`: seen but not acted on (e.g. nothing to do in that direction).
    SignalStatus { Generated => "generated", Blocked => "blocked", Promoted => "promoted" }
);
text_enum!(OrderSide { Buy => "buy", Sell => "sell" });
text_enum!(OrderType { Market => "market", Limit => "limit", Stop => "stop" });
text_enum!(
    /// What an order asked for: a sized entry, an exact quantity or the whole position.
    QtyRule { Sized => "sized", Exact => "exact", Close => "close" }
);
text_enum!(
    /// How long an order works: the engine's orders are `gtc` (until filled or canceled); a
    /// broker's may be any of Alpaca's.
    TimeInForce { Gtc => "gtc", Day => "day", Opg => "opg", Cls => "cls", Ioc => "ioc", Fok => "fok" }
);
text_enum!(OrderEventKind {
    Submitted => "submitted",
    Accepted => "accepted",
    PartiallyFilled => "partially_filled",
    Filled => "filled",
    Canceled => "canceled",
    Expired => "expired",
    Rejected => "rejected",
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalRecord {
    pub id: u64,
    pub symbol: Symbol,
    /// The event's time: a bar's close or a sentiment record's stamp.
    pub ts: UnixNanos,
    /// The trading date of the run's calendar (`YYYY-MM-DD`), when the run tracks sessions.
    pub session: Option<Arc<str>>,
    /// `strategy:rule`, e.g. `sma_crossover:cross_up`.
    pub setup: Arc<str>,
    pub side: OrderSide,
    pub score: Option<f64>,
    /// The close the decision was made at: fills measure their slippage against it.
    pub reference_price: Option<Price>,
    /// A key into the feature store, when one was computed for this bar.
    pub features_ref: Option<Arc<str>>,
    pub filters_passed: Texts,
    pub filters_blocked: Texts,
    pub status: SignalStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskVeto {
    pub signal_id: u64,
    pub ts: UnixNanos,
    pub symbol: Symbol,
    /// `max_daily_loss`, `max_drawdown`, `max_position`, `buying_power`, `allow_short`.
    pub rule: Text,
    pub observed: Money,
    pub limit: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    pub id: u64,
    /// The decision behind it; `None` for exits the engine makes (brackets, risk, session).
    pub signal_id: Option<u64>,
    /// The entry order whose bracket leg this is.
    pub parent_id: Option<u64>,
    pub symbol: Symbol,
    pub ts: UnixNanos,
    pub side: OrderSide,
    pub qty_rule: QtyRule,
    pub quantity: Option<Quantity>,
    pub order_type: OrderType,
    pub limit_price: Option<Price>,
    pub stop_price: Option<Price>,
    /// The bracket (OCO) legs armed when it fills, e.g. `stop_loss_pct: 2%`.
    pub legs: Texts,
    pub time_in_force: TimeInForce,
    pub reason: Text,
    /// The order as the venue received it (a broker's JSON, for the live-trading issue);
    /// `None` in a backtest, where the columns above are the whole request.
    pub payload: Option<Arc<str>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEvent {
    pub order_id: u64,
    pub ts: UnixNanos,
    pub kind: OrderEventKind,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalFill {
    pub order_id: u64,
    /// The stamp (start) of the bar it filled in, as [`crate::Fill::timestamp`].
    pub ts: UnixNanos,
    pub symbol: Symbol,
    pub action: Action,
    pub quantity: Quantity,
    pub price: Price,
    pub fee: Money,
    pub pnl: Option<Money>,
    /// Against the signal's reference price, positive when worse for the order's side.
    pub slippage: Option<Price>,
    /// From the signal's time to the open of the bar the fill happened in (its earliest time;
    /// the close for a session-close flatten), in simulated nanoseconds.
    pub latency_ns: Option<i64>,
    pub reason: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSnapshot {
    pub ts: UnixNanos,
    pub cash: Money,
    pub equity: Money,
    pub unrealized: Money,
    pub realized: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskDay {
    /// The trading date (`YYYY-MM-DD`) of the run's calendar.
    pub date: String,
    /// The first bar stamp of the day.
    pub ts: UnixNanos,
    /// Entries filled that day.
    pub trades: u64,
    pub realized_pnl: Money,
    /// Realized P&L in units of the risk taken (stop distance × quantity), for trades with a
    /// stop; `None` when none had one.
    pub realized_r: Option<f64>,
    /// The largest fall of bar-close equity from the day's high.
    pub max_drawdown: Money,
    pub daily_loss_breached: bool,
    pub drawdown_breached: bool,
}

/// One round trip: from flat to flat on one symbol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundTrip {
    pub id: u64,
    pub symbol: Symbol,
    /// `buy` for a long, `sell` for a short.
    pub side: OrderSide,
    pub signal_id: Option<u64>,
    pub entry_order_id: u64,
    pub exit_order_id: Option<u64>,
    pub entry_ts: UnixNanos,
    pub exit_ts: Option<UnixNanos>,
    pub quantity: Quantity,
    pub entry_price: Price,
    pub exit_price: Option<Price>,
    /// Sum of the closing fills' P&L (before fees); `None` while open.
    pub pnl: Option<Money>,
    pub fees: Money,
    pub exit_reason: Option<Text>,
}

/// Everything a run recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Journal {
    pub signals: Vec<SignalRecord>,
    pub vetoes: Vec<RiskVeto>,
    pub orders: Vec<OrderRecord>,
    pub order_events: Vec<OrderEvent>,
    pub fills: Vec<JournalFill>,
    pub ledger: Vec<RoundTrip>,
    pub snapshots: Vec<AccountSnapshot>,
    pub risk_days: Vec<RiskDay>,
}

impl Journal {
    /// Rows over every table.
    pub fn len(&self) -> usize {
        self.signals.len()
            + self.vetoes.len()
            + self.orders.len()
            + self.order_events.len()
            + self.fills.len()
            + self.ledger.len()
            + self.snapshots.len()
            + self.risk_days.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
