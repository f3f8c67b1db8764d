//! What can be wrong with the inputs. Every variant names the curve, trade or field at fault.

use domain::{Money, UnixNanos};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalyticsError {
    #[error("{curve} curve is empty")]
    EmptyCurve { curve: &'static str },

    #[error(
        "{curve} curve: point {index} at {time} is earlier than the point before it ({previous})"
    )]
    Unsorted {
        curve: &'static str,
        index: usize,
        time: UnixNanos,
        previous: UnixNanos,
    },

    #[error(
        "{curve} curve: daily value {index} ({equity} at {time}) is not positive, so the return after it is undefined"
    )]
    NonPositiveEquity {
        curve: &'static str,
        index: usize,
        time: UnixNanos,
        equity: Money,
    },

    #[error("trade {index}: exit time {exit} is before entry time {entry}")]
    TradeTimes {
        index: usize,
        entry: UnixNanos,
        exit: UnixNanos,
    },

    #[error("exposure: {in_market} bars in the market is more than the {total} bars in total")]
    Exposure { in_market: u64, total: u64 },

    #[error("config: {field}: {reason}")]
    Config { field: &'static str, reason: String },

    /// A sum of trade P&L beyond what `Money` holds (about 1.7e21); never a wrapped amount.
    #[error("trades: the sum of {what} exceeds the largest amount money can hold")]
    Overflow { what: &'static str },
}
