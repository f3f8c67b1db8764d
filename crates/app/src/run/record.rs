//! A finished run as the rows `backtest_runs`, `backtest_trades` and `backtest_equity` take.

use store::NewRun;

use super::Run;

/// The rows `backtest_runs`, `backtest_trades` and `backtest_equity` take.
pub fn new_run(o: &Run) -> NewRun {
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
    }
}
