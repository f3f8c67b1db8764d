//! `agent new`: a commented agent file for a strategy kind, with the strategy's defaults, that
//! parses as written (checked before it is returned).

use backtest::AgentConfig;

use crate::AppError;

/// The strategy kinds and the `strategy:` block each starts with, with what its fields mean.
const KINDS: [(&str, &str, &str); 7] = [
    (
        "sma_crossover",
        "{ kind: sma_crossover, fast: 10, slow: 30 }",
        "buy when the fast simple moving average crosses above the slow one, sell below",
    ),
    (
        "ema_crossover",
        "{ kind: ema_crossover, fast: 12, slow: 26 }",
        "the same with exponential moving averages",
    ),
    (
        "rsi_reversion",
        "{ kind: rsi_reversion, period: 14, oversold: 30, overbought: 70, cooldown_bars: 0 }",
        "buy when RSI is below oversold, sell above overbought; cooldown_bars: no re-entry for that many bars after a close",
    ),
    (
        "bollinger",
        "{ kind: bollinger, period: 20, k: 2, mode: reversion, cooldown_bars: 0 }",
        "bands k standard deviations around a period-bar mean; mode: reversion or breakout; cooldown_bars as for rsi_reversion",
    ),
    (
        "macd",
        "{ kind: macd, fast: 12, slow: 26, signal: 9 }",
        "buy when the MACD line crosses above its signal line, sell below",
    ),
    (
        "buy_and_hold",
        "{ kind: buy_and_hold }",
        "buy at the first bar and hold",
    ),
    (
        "technical_sentiment",
        "{ kind: technical_sentiment, fast: 10, slow: 30, min_score: 0.05 }",
        "an SMA cross confirmed by the latest news/reddit/sec sentiment (min_score)",
    ),
];

/// The kinds `agent new --strategy` takes.
pub fn kinds() -> impl Iterator<Item = &'static str> {
    KINDS.iter().map(|k| k.0)
}

/// A commented agent file: `id`, trading `symbols` at `timeframe` with `kind`'s defaults.
pub fn new_agent(
    id: &str,
    kind: &str,
    symbols: &[String],
    timeframe: &str,
) -> Result<String, AppError> {
    let Some((_, strategy, what)) = KINDS.iter().find(|k| k.0 == kind) else {
        let all: Vec<&str> = kinds().collect();
        return Err(AppError::input(format!(
            "--strategy {kind:?}: expected one of {}",
            all.join(", ")
        )));
    };
    let line = |field: String, note: &str| format!("{field:<31} # {note}");
    let text = [
        format!(
            "# Agent {id}, written by `ztrade agent new`: edit freely; `ztrade agent validate {id}`"
        ),
        "# checks it, naming the line and field of any mistake. The README's Agents section lists"
            .into(),
        "# every field.".into(),
        line(
            format!("id: {id}"),
            "must equal the file name without .yaml",
        ),
        line(
            format!("symbols: [{}]", symbols.join(", ")),
            "one run over all of them, sharing the capital",
        ),
        line(format!("timeframe: {timeframe}"), "1m, 5m, 15m, 1h or 1d"),
        "initial_capital: 100000".into(),
        format!("# {what}"),
        format!("strategy: {strategy}"),
        line(
            "sizing: { kind: all_cash }".into(),
            "or percent_equity { pct }, fixed_quantity { quantity },",
        ),
        line(
            String::new(),
            "fixed_cash { amount }, risk_per_trade { pct } (needs a stop)",
        ),
        "costs: { commission_per_share: 0, slippage_bps: 0 }".into(),
        line(
            "# risk: { stop_loss_pct: 2 }".into(),
            "also take_profit_pct; percent of the entry price",
        ),
        line(
            "# benchmark: SPY".into(),
            "buy and hold it over the same period, for alpha and beta",
        ),
        line(
            "warmup: auto".into(),
            "bars before --start shown to the strategy first: auto, N, none",
        ),
        line(
            "# adjustment: split".into(),
            "prices read: raw (default), split, or all (splits and dividends)",
        ),
    ]
    .join("\n")
        + "\n";
    AgentConfig::from_yaml(&text).map_err(|e| {
        AppError::input(format!("agent new {id}: the file would not be valid: {e}"))
    })?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_writes_a_file_that_parses_with_its_defaults() {
        for kind in kinds() {
            let text = new_agent("a1", kind, &["SPY".into(), "QQQ".into()], "1d").unwrap();
            let a = AgentConfig::from_yaml(&text).unwrap();
            assert_eq!(a.strategy.kind(), kind);
            assert_eq!(a.symbols.len(), 2);
        }
        let e = new_agent("a1", "momentum", &["SPY".into()], "1d").unwrap_err();
        assert!(e.to_string().contains("sma_crossover"), "{e}");
        let e = new_agent("a1", "macd", &["SPY".into()], "7x").unwrap_err();
        assert!(e.to_string().contains("timeframe"), "{e}");
    }
}
