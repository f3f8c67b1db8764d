//! The benchmark covers exactly the run's period (issue 9): a stock traded for three weeks is
//! compared with the benchmark over those three weeks, not over everything the benchmark has
//! stored, whether or not the run has an end.

use app::run::{self, Preloaded};
use app::time::Window;
use backtest::AgentConfig;
use domain::{Bar, Price, Quantity, Symbol, Timeframe, UnixNanos};

const DAY: i64 = 86_400_000_000_000;

/// Daily bars at midnight UTC from 2024-01-01 on, opening and closing at each price.
fn days(from: usize, prices: &[i64]) -> Vec<Bar> {
    let t0 = UnixNanos::parse_rfc3339("2024-01-01T00:00:00Z").unwrap();
    prices
        .iter()
        .enumerate()
        .map(|(i, &p)| {
            let p = Price::from_int(p);
            Bar {
                ts: t0.plus((from + i) as i64 * DAY),
                open: p,
                high: p,
                low: p,
                close: p,
                volume: Quantity::from_int(1000),
                vwap: None,
                trade_count: None,
            }
        })
        .collect()
}

fn agent() -> AgentConfig {
    AgentConfig::from_yaml(
        "id: intc\nsymbols: [INTC]\ntimeframe: 1d\ninitial_capital: 100000\n\
         strategy: { kind: buy_and_hold }\nbenchmark: SPY\n",
    )
    .unwrap()
}

#[test]
fn the_benchmark_spans_the_runs_bars_and_no_more() {
    // INTC trades on days 20..40. SPY is stored for days 0..60: flat at 100 while INTC trades,
    // quadrupling before and halving after.
    let intc: Vec<i64> = (0..20).map(|i| 50 + i).collect();
    let mut spy: Vec<i64> = (0..20).map(|i| 25 + i * 4).collect();
    spy.extend([100; 20]);
    spy.extend((0..20).map(|i| 100 - i * 2));
    let pre = Preloaded::new(
        vec![
            (Symbol::new("INTC").unwrap(), Timeframe::D1, days(20, &intc)),
            (Symbol::new("SPY").unwrap(), Timeframe::D1, days(0, &spy)),
        ],
        Vec::new(),
    );
    for w in [
        Window::default(),
        Window {
            start: None,
            end: Some(UnixNanos::parse_rfc3339("2024-12-31T00:00:00Z").unwrap()),
        },
    ] {
        let r = run::run(&pre, &agent(), w, None).unwrap();
        assert_eq!(r.result.counts.bars, 20);
        let b = r.metrics.benchmark.as_ref().expect("a benchmark");
        assert_eq!(b.total_return, Some(0.0), "SPY was flat over INTC's period");
        assert_eq!(b.max_drawdown, Some(0.0));
        assert_eq!(
            b.aligned_periods, r.metrics.periods,
            "one date range for both"
        );
    }
}
