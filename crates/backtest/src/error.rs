//! Engine errors, split by what the caller can do: fix the inputs (data errors name the symbol and
//! timeframe), fix the configuration, or report a bug in the data source; or see that a value
//! left the supported range ([`EngineError::Overflow`]).

use domain::{Timeframe, UnixNanos};

use crate::overflow::Overflow;
use thiserror::Error;

/// Boxed error from a caller's bar iterator (a store read, a file parse).
pub type SourceError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, Error)]
pub enum EngineError {
    /// An event is older than one already processed: a stream is out of order.
    #[error("event at {event} is older than the engine clock {now}: time went backwards")]
    TimeWentBackwards { now: UnixNanos, event: UnixNanos },

    #[error(
        "{symbol} {timeframe}: bar at {next} does not come after the bar at {previous} (streams must be strictly increasing)"
    )]
    OutOfOrder {
        symbol: String,
        timeframe: Timeframe,
        previous: UnixNanos,
        next: UnixNanos,
    },

    /// Data for a symbol the run does not trade.
    #[error("{what} for unknown symbol {symbol:?}: the run's symbols are {known}")]
    UnknownSymbol {
        what: &'static str,
        symbol: String,
        known: String,
    },

    /// A traded symbol with no bar stream at all.
    #[error("no {timeframe} bar stream was given for {symbol}")]
    MissingData {
        symbol: String,
        timeframe: Timeframe,
    },

    /// A stream that yielded nothing: the range has no data.
    #[error("no {timeframe} bars for {symbol} in the requested range")]
    NoBars {
        symbol: String,
        timeframe: Timeframe,
    },

    #[error("{symbol}: {timeframe} bars cannot be used in a {run} run ({reason})")]
    Timeframe {
        symbol: String,
        timeframe: Timeframe,
        run: Timeframe,
        reason: &'static str,
    },

    /// The bar source itself failed (a database read, a file parse).
    #[error("reading {symbol} {timeframe} bars: {source}")]
    Data {
        symbol: String,
        timeframe: Timeframe,
        #[source]
        source: SourceError,
    },

    #[error("engine configuration: {0}")]
    Config(String),

    /// A price, quantity or amount the run needed does not fit its fixed-point type (see
    /// [`crate::overflow`]); nothing was rounded, wrapped or capped instead.
    #[error("{symbol} bar at {at}: {detail}")]
    Overflow {
        symbol: String,
        at: UnixNanos,
        detail: Overflow,
    },
}
