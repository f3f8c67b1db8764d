//! What a run did, in one shape for the engine that makes it, the store that keeps it and the
//! views that show it: each [`Fill`] with its [`Action`], and the [`EquityPoint`]s of the curve.
//! Serialized with exact decimal strings, so the same run always gives byte-identical JSON.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Money, Price, Quantity, Symbol, UnixNanos};

/// What a fill did to the position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Opened or added to a long.
    Buy,
    /// Reduced or closed a long.
    Sell,
    /// Opened or added to a short.
    Short,
    /// Reduced or closed a short.
    Cover,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Buy => "buy",
            Self::Sell => "sell",
            Self::Short => "short",
            Self::Cover => "cover",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "buy" => Ok(Self::Buy),
            "sell" => Ok(Self::Sell),
            "short" => Ok(Self::Short),
            "cover" => Ok(Self::Cover),
            other => Err(format!(
                "{other:?} is not an action (buy, sell, short, cover)"
            )),
        }
    }
}

/// One execution. `timestamp` is the stamp (start) of the bar it filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fill {
    pub timestamp: UnixNanos,
    pub symbol: Symbol,
    pub action: Action,
    pub quantity: Quantity,
    pub price: Price,
    pub commission: Money,
    /// Realized P&L of a closing fill, before its commission; `None` on an opening one.
    pub pnl: Option<Money>,
    /// `signal`, `stop_loss`, `take_profit`, `session_close`, `max_daily_loss`, `max_drawdown`
    /// or a custom strategy's label.
    pub reason: String,
}

/// Equity and cash after a bar close (after a timestamp group when several symbols share a bar
/// stamp). `timestamp` is the bar stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquityPoint {
    pub timestamp: UnixNanos,
    pub equity: Money,
    pub cash: Money,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_read_back_what_they_write() {
        for a in [Action::Buy, Action::Sell, Action::Short, Action::Cover] {
            assert_eq!(a.as_str().parse::<Action>(), Ok(a));
        }
        assert!("hold".parse::<Action>().unwrap_err().contains("buy, sell"));
    }
}
