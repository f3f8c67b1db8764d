//! A run as scripts and people read it: [`RunReport`] for a run just made (`backtest run`),
//! [`StoredRunReport`] for a stored one (`backtest show`), and their fills as [`TradeView`].
//! Money is written as exact JSON numbers, never strings or rounded floats.

use analytics::Metrics;
use domain::Fill;
use serde::Serialize;
use serde_json::value::RawValue;
use store::{RunSummary, StoredRun};

use super::round_trips::{RoundTrip, round_trips};
use crate::run::{Run, Warmup};

/// An exact decimal as a JSON number (not a string, not a rounded float).
pub fn num(v: impl std::fmt::Display) -> Box<RawValue> {
    RawValue::from_string(v.to_string()).unwrap_or_else(|_| {
        RawValue::from_string("null".into()).unwrap_or_else(|_| unreachable!("null is JSON"))
    })
}

/// One fill; field order is the documented contract.
#[derive(Debug, Serialize)]
pub struct TradeView<'a> {
    pub timestamp: String,
    pub symbol: &'a str,
    pub action: &'a str,
    pub quantity: Box<RawValue>,
    pub price: Box<RawValue>,
    pub commission: Box<RawValue>,
    pub pnl: Option<Box<RawValue>>,
    pub reason: &'a str,
}

impl<'a> TradeView<'a> {
    pub fn new(f: &'a Fill) -> Self {
        Self {
            timestamp: f.timestamp.to_rfc3339(),
            symbol: f.symbol.as_str(),
            action: f.action.as_str(),
            quantity: num(f.quantity),
            price: num(f.price),
            commission: num(f.commission),
            pnl: f.pnl.map(num),
            reason: &f.reason,
        }
    }
}

/// `backtest run`: one document, serialized straight from the run (no JSON tree).
#[derive(Serialize)]
pub struct RunReport<'a> {
    pub run_id: Option<i64>,
    pub agent_id: &'a str,
    pub start: String,
    pub end: String,
    pub initial_capital: Box<RawValue>,
    pub final_equity: Box<RawValue>,
    pub data_fingerprint: &'a str,
    pub engine_version: &'static str,
    pub halted: &'a Option<backtest::Halt>,
    pub warmup: &'a Warmup,
    /// Symbols whose tick features have no value (no ticks stored in the window).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub without_ticks: &'a [domain::Symbol],
    pub metrics: &'a Metrics,
    pub trades: Vec<TradeView<'a>>,
    /// With `--trades`: the fills grouped into round trips.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_trips: Option<Vec<RoundTrip>>,
    /// With `--journal`: what was kept and the time spent storing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal: Option<crate::run::journal::JournalSaveReport>,
}

/// What the warm-up of a run with a start was, for people: `None` when there was none to do.
pub fn warmup_note(w: &Warmup, timeframe: domain::Timeframe) -> Option<String> {
    let used = w.used?;
    if w.wanted == 0 {
        return None;
    }
    let from = w.from.map_or(String::new(), |t| {
        format!(" (from {})", super::fmt::stamp(t, timeframe))
    });
    Some(if w.short() {
        format!(
            "warm-up: only {used} of the {} bars the strategy needs are stored before the start{from}; \
             its first signals may come later than in a run over all the data",
            w.wanted
        )
    } else {
        format!("warm-up: {used} bars before the start{from}, no trades")
    })
}

impl<'a> RunReport<'a> {
    pub fn new(run_id: Option<i64>, o: &'a Run) -> Self {
        Self {
            run_id,
            agent_id: &o.agent.id,
            start: o.result.start.to_rfc3339(),
            end: o.result.end.to_rfc3339(),
            initial_capital: num(o.result.initial_capital),
            final_equity: num(o.result.final_equity),
            data_fingerprint: &o.fingerprint,
            engine_version: backtest::ENGINE_VERSION,
            halted: &o.result.halted,
            warmup: &o.warmup,
            without_ticks: &o.without_ticks,
            metrics: &o.metrics,
            trades: o.result.fills.iter().map(TradeView::new).collect(),
            round_trips: None,
            journal: None,
        }
    }

    /// `backtest run`'s report of `out`, with its round trips when asked and its journal's.
    pub fn of(out: &'a crate::run::RunOutcome, trades: bool) -> Self {
        let mut r = Self::new(out.run_id, &out.run);
        r.journal = out.journal;
        if trades {
            r.with_round_trips(&out.run)
        } else {
            r
        }
    }

    /// With the round trips of the run's fills.
    pub fn with_round_trips(mut self, o: &Run) -> Self {
        self.round_trips = Some(round_trips(&o.result.fills, o.result.timeframe));
        self
    }
}

/// `backtest show`: a stored run.
#[derive(Serialize)]
pub struct StoredRunReport<'a> {
    pub run: &'a RunSummary,
    pub config: &'a serde_json::Value,
    pub metrics: &'a Metrics,
    pub data_fingerprint: &'a str,
    pub engine_version: &'a str,
    /// False for a sweep's run stored with its parameters and metrics only (`--keep`).
    pub fills_kept: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trades: Option<Vec<TradeView<'a>>>,
    /// With `--trades`: the fills grouped into round trips.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_trips: Option<Vec<RoundTrip>>,
}

impl<'a> StoredRunReport<'a> {
    pub fn new(run: &'a StoredRun, with_trades: bool) -> Self {
        Self {
            run: &run.summary,
            config: &run.config,
            metrics: &run.metrics,
            data_fingerprint: &run.data_fingerprint,
            engine_version: &run.engine_version,
            // A whole run has at least its first equity point.
            fills_kept: !run.equity.is_empty(),
            trades: with_trades.then(|| run.trades.iter().map(TradeView::new).collect()),
            round_trips: with_trades.then(|| round_trips(&run.trades, stored_timeframe(run))),
        }
    }
}

/// The timeframe of a stored run, from its agent snapshot (1d if the snapshot lacks one).
pub fn stored_timeframe(run: &StoredRun) -> domain::Timeframe {
    run.config["timeframe"]
        .as_str()
        .and_then(|t| domain::Timeframe::parse(t).ok())
        .unwrap_or(domain::Timeframe::D1)
}
