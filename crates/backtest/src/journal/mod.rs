//! The engine's journal: every signal, risk veto, order, order event, fill, account snapshot and
//! risk day of a run, as [`domain::journal`] records (no IO here: the caller stores them).
//!
//! - this file: [`JournalConfig`] (turning it on, the snapshot cadence) and [`SignalNote`], what
//!   a strategy says about a decision.
//! - `recorder`: the buffer the engine writes into, with ids and the day's risk roll-up.
//! - `tape`: what it writes, compact ([`JournalTape`]), and the rows it stands for.
//! - [`ledger`]: round trips built from the fills, linked to their orders and signals.
//!
//! With no journal the engine pays one predictable branch per bar and per order step
//! (`Option::is_some`); everything else is behind it.

pub mod ledger;
pub(crate) mod recorder;
mod tape;

pub use domain::journal::*;
pub use tape::JournalTape;

use std::borrow::Cow;

use crate::event::SymbolId;
use crate::order::Side;

/// When the journal takes an [`AccountSnapshot`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SnapshotCadence {
    /// After every bar of the run's timeframe.
    EveryBar,
    /// At the first bar close at least this many minutes after the last snapshot.
    EveryMinutes(u32),
    /// At the last bar of each trading day of the run's calendar (and at the end).
    #[default]
    SessionClose,
    Never,
}

impl std::str::FromStr for SnapshotCadence {
    type Err = String;

    /// `bar`, `session`, `never` or a number of minutes (`15m` or `15`).
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "bar" => Ok(Self::EveryBar),
            "session" => Ok(Self::SessionClose),
            "never" => Ok(Self::Never),
            m => m
                .trim_end_matches('m')
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .map(Self::EveryMinutes)
                .ok_or_else(|| {
                    format!("{s:?} is not a cadence (bar, session, never or minutes like 15m)")
                }),
        }
    }
}

/// Turns the journal on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalConfig {
    /// The strategy's name, the first half of every signal's `setup`.
    pub strategy: String,
    pub snapshots: SnapshotCadence,
}

/// Filter texts of a note: a constant list or one built for it.
pub type TextList = Cow<'static, [Text]>;

/// A strategy's account of one decision, given to [`crate::Context::note`] when the engine
/// journals ([`crate::Context::journaling`]).
///
/// A note with no `blocked` filter is matched to the order request the strategy made for the
/// same symbol in the same call (promoted) or recorded as `generated`; a note with blocked
/// filters is recorded as `blocked`.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalNote {
    pub symbol: SymbolId,
    pub side: Side,
    /// The rule that fired, e.g. `cross_up`.
    pub rule: &'static str,
    pub score: Option<f64>,
    /// A constant list (`Cow::Borrowed(&[..])`) where the wording is fixed: the note then
    /// allocates nothing and the journal shares the list; `to_mut()` to add to it.
    pub passed: TextList,
    pub blocked: TextList,
}

impl SignalNote {
    pub fn new(symbol: SymbolId, side: Side, rule: &'static str) -> Self {
        Self {
            symbol,
            side,
            rule,
            score: None,
            passed: Cow::Borrowed(&[]),
            blocked: Cow::Borrowed(&[]),
        }
    }
}

pub(crate) fn order_side(side: Side) -> OrderSide {
    match side {
        Side::Buy => OrderSide::Buy,
        Side::Sell => OrderSide::Sell,
    }
}
