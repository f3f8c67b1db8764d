//! The one input type of the engine.
//!
//! Symbols travel as [`SymbolId`], an index into the run's symbol list fixed when the engine is
//! built, so the hot path never hashes or clones a ticker string.

use domain::{Bar, SentimentRecord, Timeframe};

/// Index of a symbol in the engine's symbol list (the order of the agent's `symbols`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SymbolId(pub u32);

impl SymbolId {
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Something that happened in the market. A bar event carries its own timeframe: bars of the
/// run's timeframe drive the strategy; strictly finer bars of the same symbol are kept only to
/// resolve which bracket leg a coarse bar hit first (`intrabar: finer_bars`).
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Bar {
        symbol: SymbolId,
        timeframe: Timeframe,
        bar: Bar,
    },
    Sentiment(SentimentRecord),
}

/// Tie-break rank at equal times: sentiment first (a decision at a bar's close may use news
/// stamped at that instant), then finer bars (the coarse bar that contains them needs them), then
/// the run's own bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventRank {
    Sentiment = 0,
    FinerBar = 1,
    Bar = 2,
}
