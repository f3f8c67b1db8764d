//! A finished run as the rows `backtest_runs`, `backtest_trades` and `backtest_equity` take.

use store::NewRun;

use super::Run;

/// The rows `backtest_runs`, `backtest_trades` and `backtest_equity` take.
pub fn new_run(o: &Run) -> NewRun {
    swept(o, None, Some(strategy_params(&o.agent)))
}

/// The strategy's parameters as the run used them (`{"fast": 10, "slow": 30}`), shown with the
/// run in `backtest list` and `show`.
pub fn strategy_params(agent: &backtest::AgentConfig) -> serde_json::Value {
    let mut block = agent.to_json()["strategy"].clone();
    if let Some(map) = block.as_object_mut() {
        map.remove("kind");
    }
    block
}

/// [`new_run`] of a sweep's run: its sweep and the parameters it was run with.
pub fn swept(o: &Run, sweep_id: Option<i64>, params: Option<serde_json::Value>) -> NewRun {
    let r = &o.result;
    let t = &o.metrics.trades;
    NewRun {
        agent_id: o.agent.id.clone(),
        start: r.start,
        end: r.end,
        initial_capital: r.initial_capital,
        final_capital: r.final_equity,
        total_trades: t.count as u64,
        winning_trades: t.wins as u64,
        losing_trades: t.losses as u64,
        max_drawdown: o.metrics.max_drawdown.unwrap_or(0.0).abs(),
        sharpe_ratio: o.metrics.sharpe,
        config: o.agent.to_json(),
        metrics: o.metrics.clone(),
        data_fingerprint: o.fingerprint.clone(),
        engine_version: backtest::ENGINE_VERSION.to_string(),
        trades: r.fills.clone(),
        equity: r.equity.clone(),
        sweep_id,
        params,
    }
}
