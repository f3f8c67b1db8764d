//! The journal's speed-ups change no record: a run whose length is known (its vectors sized
//! from the rate seen in its first 32nd) journals exactly what the same run streamed with no
//! size hint does, and the ledger built fill by fill equals [`ledger::round_trips`] of the
//! journal, on two symbols.

mod common;

use std::convert::Infallible;

use backtest::journal::ledger;
use backtest::{AgentConfig, BacktestResult, Inputs, JournalConfig, SnapshotCadence};
use common::*;
use domain::calendar::Calendar;
use domain::{Money, Symbol, Timeframe};

const TWO: &str = "id: two
symbols: [SPY, QQQ]
timeframe: 1m
initial_capital: 100000
strategy: { kind: sma_crossover, fast: 5, slow: 20 }
sizing: { kind: all_cash }
costs: { commission_per_share: 0.01, slippage_bps: 1 }
fill: next_open
";

fn run(agent: &AgentConfig, hinted: bool, cadence: SnapshotCadence) -> BacktestResult {
    let data = [
        ("SPY", seeded_walk(20_000, 42)),
        ("QQQ", seeded_walk(20_000, 7)),
    ];
    let mut inputs: Inputs<'_, Infallible> = Inputs::new();
    for (name, bars) in data {
        let symbol = Symbol::lit(name);
        if hinted {
            inputs.bar_vec(symbol, Timeframe::M1, bars);
        } else {
            // A filtered iterator's size hint is 0: nothing is sized ahead.
            inputs.bars(
                symbol,
                Timeframe::M1,
                bars.into_iter().filter(|_| true).map(Ok),
            );
        }
    }
    let cfg = JournalConfig {
        strategy: "sma_crossover".into(),
        snapshots: cadence,
    };
    (agent.engine(Calendar::Nyse).unwrap())
        .with_journal(cfg)
        .run(inputs)
        .unwrap()
}

#[test]
fn sizing_ahead_and_the_incremental_ledger_change_no_record() {
    let agent = AgentConfig::from_yaml(TWO).unwrap();
    for cadence in [SnapshotCadence::SessionClose, SnapshotCadence::EveryBar] {
        let sized = run(&agent, true, cadence);
        let streamed = run(&agent, false, cadence);
        let j = &sized.journal.as_ref().unwrap().journal();
        assert!(j.ledger.len() > 100, "{} round trips", j.ledger.len());
        assert!(j.fills.iter().any(|f| f.symbol == Symbol::lit("QQQ")));
        assert_eq!(sized.journal, streamed.journal);
        assert_eq!(sized.fills, streamed.fills);
        assert_eq!(j.ledger, ledger::round_trips(j));
    }
}

#[test]
fn a_days_drawdown_is_the_largest_fall_of_bar_close_equity_from_its_high() {
    // One symbol: the engine marks the book once per bar, as the per-bar equity curve does.
    let one = TWO.replace("[SPY, QQQ]", "[SPY]");
    let agent = AgentConfig::from_yaml(&format!("{one}equity_curve: bar\n")).unwrap();
    let cfg = JournalConfig {
        strategy: "sma_crossover".into(),
        snapshots: SnapshotCadence::Never,
    };
    let mut inputs: Inputs<'_, Infallible> = Inputs::new();
    inputs.bar_vec(Symbol::lit("SPY"), Timeframe::M1, seeded_walk(20_000, 42));
    let r = (agent.engine(Calendar::Nyse).unwrap())
        .with_journal(cfg)
        .run(inputs)
        .unwrap();
    let j = r.journal.as_ref().unwrap().journal();
    assert!(j.risk_days.len() > 10, "{} days", j.risk_days.len());
    // Each day starts from the equity the last day ended with (the capital at first).
    let mut start = r.initial_capital;
    let mut falls = 0;
    for (k, d) in j.risk_days.iter().enumerate() {
        let end = j.risk_days.get(k + 1).map(|n| n.ts);
        let day = (r.equity.iter())
            .filter(|p| p.timestamp >= d.ts && end.is_none_or(|e| p.timestamp < e));
        let (mut peak, mut dd) = (start, Money::ZERO);
        for p in day {
            peak = peak.max(p.equity);
            dd = dd.max(peak - p.equity);
            start = p.equity;
        }
        assert_eq!(d.max_drawdown, dd, "{}", d.date);
        falls += usize::from(dd > Money::ZERO);
    }
    assert!(falls > 5, "{falls} days fell");
}
