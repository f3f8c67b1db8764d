//! Sample agents (the YAML a user writes in `agents/ID.yaml`) for the binary's backtests.
//!
//! - [`REF_SMA`]: the reference agent as written (SMA 10/30 on SPY daily), whose fills
//!   on LEAN SPY daily the exact Python reference computed (scripts/peers/golden).
//! - [`sma_crossover`]: the same agent for any id, symbol, timeframe and windows.
//! - [`buy_and_hold`]: buy SPY once with a given capital (text, so that out-of-range values
//!   reach the agent's own checks). Its `initial_capital` is on line 4.
//!
//! [`crate::Cli::agent`] writes one into the binary's `agents/` folder.

/// The reference agent, as written in the issue.
pub const REF_SMA: &str = "id: ref_sma
symbols: [SPY]
timeframe: 1d
initial_capital: 100000
strategy: { kind: sma_crossover, fast: 10, slow: 30 }
sizing: { kind: all_cash }
costs: { commission_per_share: 0, slippage_bps: 0 }
fill: next_open
";

/// An SMA-crossover agent on one symbol: all cash, no costs, fills at the next open.
pub fn sma_crossover(id: &str, symbol: &str, timeframe: &str, fast: u32, slow: u32) -> String {
    format!(
        "id: {id}
symbols: [{symbol}]
timeframe: {timeframe}
initial_capital: 100000
strategy: {{ kind: sma_crossover, fast: {fast}, slow: {slow} }}
sizing: {{ kind: all_cash }}
costs: {{ commission_per_share: 0, slippage_bps: 0 }}
fill: next_open
"
    )
}

/// Buy-and-hold SPY 5m with `capital` as written, all cash.
pub fn buy_and_hold(id: &str, capital: &str) -> String {
    format!(
        "id: {id}
symbols: [SPY]
timeframe: 5m
initial_capital: {capital}
strategy: {{ kind: buy_and_hold }}
sizing: {{ kind: all_cash }}
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builder_writes_the_reference_agent() {
        assert_eq!(sma_crossover("ref_sma", "SPY", "1d", 10, 30), REF_SMA);
    }

    #[test]
    fn buy_and_hold_names_its_capital_on_line_4() {
        let text = buy_and_hold("a", "1.7e21");
        assert_eq!(text.lines().nth(3), Some("initial_capital: 1.7e21"));
    }
}
