//! What a run produces: its fills and equity curve (the shapes of `domain::execution`, which
//! the store keeps as they are), counts, and why it halted. Serialized with exact decimal
//! strings and no maps, so the same run always gives byte-identical JSON.

pub use domain::{Action, EquityPoint, Fill};
use domain::{Money, Price, Quantity, Symbol, Timeframe, UnixNanos};
use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Bars of the run's timeframe processed.
    pub bars: u64,
    /// Bars before the first traded one, shown only to the strategy ([`crate::warmup`]).
    pub warmup_bars: u64,
    /// Distinct bar stamps (timestamp groups): the length of a `bar` equity curve.
    pub stamps: u64,
    /// Stamps at whose close a position was held (after that stamp's fills): with `stamps`, the
    /// time in the market by bar, whatever equity curve was recorded.
    pub stamps_in_market: u64,
    pub finer_bars: u64,
    pub sentiment: u64,
    /// Requests the strategy (or a risk rule) made, cancellations excluded.
    pub orders: u64,
    /// Requests refused: while halted, shorting without `allow_short`, or sized to zero.
    pub rejected: u64,
    /// Requests still working when the data ended (e.g. a signal on the last bar).
    pub unfilled: u64,
    pub fills: u64,
    pub closing_fills: u64,
    /// Closing fills with positive / negative realized P&L.
    pub winning: u64,
    pub losing: u64,
    /// Bars where both bracket legs were reachable.
    pub intrabar_ambiguous: u64,
    /// Ambiguous bars that `finer_bars` could not resolve from finer data.
    pub finer_fallbacks: u64,
}

/// Why trading stopped early.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Halt {
    pub at: UnixNanos,
    pub reason: String,
}

/// A position still open at the end, valued at its last close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenPosition {
    pub symbol: Symbol,
    pub quantity: Quantity,
    pub cost: Money,
    pub mark: Price,
    pub market_value: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestResult {
    pub symbols: Vec<Symbol>,
    pub timeframe: Timeframe,
    /// Stamps of the first and last bar of the run's timeframe.
    pub start: UnixNanos,
    pub end: UnixNanos,
    pub initial_capital: Money,
    pub final_equity: Money,
    pub final_cash: Money,
    pub realized_pnl: Money,
    pub unrealized_pnl: Money,
    pub total_commission: Money,
    pub counts: Counts,
    pub halted: Option<Halt>,
    pub open_positions: Vec<OpenPosition>,
    pub strategy: Option<serde_json::Value>,
    pub fills: Vec<Fill>,
    /// Equity and cash after bar closes, in time order, as the run's [`crate::EquityCurve`]
    /// chose: with `session` (the default) the first bar, the last bar of each New York exchange
    /// date and the final bar; with `bar`, or on a daily-or-longer timeframe, every bar (one
    /// point per timestamp group). Either resamples to the same daily curve.
    pub equity: Vec<EquityPoint>,
    /// The agent's features at every traded bar, when it asked for any (`features: [..]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<crate::features::FeatureFrame>,
    /// Every decision and what became of it, when the engine was given a journal
    /// ([`crate::Engine::with_journal`]); not part of the result's JSON.
    /// [`crate::journal::JournalTape::journal`] gives its rows.
    #[serde(skip)]
    pub journal: Option<crate::journal::JournalTape>,
}

impl BacktestResult {
    /// Compact JSON; identical inputs give identical bytes.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a result always serializes")
    }
}
