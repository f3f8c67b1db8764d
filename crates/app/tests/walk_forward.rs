//! Walk-forward (issue 9): windows in sessions, test windows warmed up on the data before them,
//! and a stability report (winners counted, out-of-sample windows chained, no-trade windows and
//! grid-edge winners flagged).

use app::NoProgress;
use app::run::Preloaded;
use app::sweep::walk::{WalkForward, walk_forward};
use app::sweep::{ParamRange, RankBy, combinations};
use backtest::AgentConfig;
use domain::{Bar, Price, Quantity, Symbol, Timeframe, UnixNanos};

const DAY: i64 = 86_400_000_000_000;

/// `n` weekday bars from 2020-01-01 (a Wednesday) on a 25-bar wave: a 5-bar average crosses a
/// longer one about every 12 bars.
fn wave(n: usize) -> Vec<Bar> {
    let t0 = UnixNanos::parse_rfc3339("2020-01-01T00:00:00Z").unwrap();
    let mut out = Vec::new();
    let mut day = 0i64;
    while out.len() < n {
        if !matches!(day % 7, 3 | 4) {
            let i = out.len() as f64;
            let close = 10_000 + (1_500.0 * (i / 4.0).sin()) as i64 + out.len() as i64;
            let p = Price::from_raw(close * 10_000_000);
            out.push(Bar {
                ts: t0.plus(day * DAY),
                open: p,
                high: p,
                low: p,
                close: p,
                volume: Quantity::from_int(1_000),
                vwap: None,
                trade_count: None,
            });
        }
        day += 1;
    }
    out
}

fn agent(warmup: &str) -> AgentConfig {
    AgentConfig::from_yaml(&format!(
        "id: wf\nsymbols: [SPY]\ntimeframe: 1d\ninitial_capital: 100000\n\
         strategy: {{ kind: sma_crossover, fast: 5, slow: 45 }}\nwarmup: {warmup}\n"
    ))
    .unwrap()
}

fn preloaded(bars: Vec<Bar>) -> Preloaded {
    Preloaded::new(
        vec![(Symbol::new("SPY").unwrap(), Timeframe::D1, bars)],
        Vec::new(),
    )
}

const WF: WalkForward = WalkForward {
    train_sessions: 100,
    test_sessions: 30,
};

#[test]
fn windows_count_sessions_and_test_windows_start_warm() {
    let pre = preloaded(wave(400));
    let grid = [ParamRange::parse("slow=45..45").unwrap()];
    let (warm_combos, _) = combinations(&agent("auto"), &grid).unwrap();
    let r = walk_forward(&pre, &warm_combos, RankBy::Sharpe, WF, &NoProgress).unwrap();
    // 400 sessions: windows start at sessions 0, 30, …, 270 (the last one tests 270+100..400).
    assert_eq!(r.windows.len(), 10);
    let w0 = &r.windows[0];
    // 100 weekday sessions from Wed 2020-01-01 end on Tue 2020-05-19; the test starts Wed.
    assert_eq!(
        w0.in_sample,
        ["2020-01-01".to_string(), "2020-05-19".into()]
    );
    assert_eq!(w0.out_of_sample[0], "2020-05-20");
    assert_eq!(w0.out_of_sample_sessions, 30);
    assert_eq!(r.windows[9].out_of_sample_sessions, 30);
    // Warm, every 30-session window holds a cross up, and trades.
    assert_eq!(
        r.stability.windows_without_trades, 0,
        "{:?}",
        r.stability.warnings
    );
    assert!(r.windows.iter().all(|w| w.out_of_sample_fills > 0));

    // Cold, every test window is shorter than the slow average: none can trade.
    let (cold_combos, _) = combinations(&agent("none"), &grid).unwrap();
    let cold = walk_forward(&pre, &cold_combos, RankBy::Sharpe, WF, &NoProgress).unwrap();
    assert_eq!(cold.stability.windows_without_trades, 10);
    assert!(cold.windows.iter().all(|w| w.out_of_sample_fills == 0));
    assert!(
        cold.stability.warnings[0].starts_with("10 of 10 out-of-sample windows had no trade"),
        "{:?}",
        cold.stability.warnings
    );
}

#[test]
fn the_stability_report_adds_up() {
    let pre = preloaded(wave(400));
    let grid = [
        ParamRange::parse("fast=3..9:3").unwrap(),
        ParamRange::parse("slow=20..40:10").unwrap(),
    ];
    let (combos, _) = combinations(&agent("auto"), &grid).unwrap();
    let r = walk_forward(&pre, &combos, RankBy::Sharpe, WF, &NoProgress).unwrap();
    let s = &r.stability;
    assert_eq!(
        s.chosen.iter().map(|c| c.windows).sum::<usize>(),
        r.windows.len()
    );
    assert!(s.chosen.windows(2).all(|w| w[0].windows >= w[1].windows));
    // The chained curve compounds to the windows' compounded return.
    let chained = s.out_of_sample.total_return.unwrap();
    assert!(
        (chained - r.out_of_sample_return).abs() < 1e-9,
        "{chained} vs {}",
        r.out_of_sample_return
    );
    assert_eq!(s.curve.dates.len(), s.curve.growth.len());
    assert!((s.curve.growth.last().unwrap() - 1.0 - chained).abs() < 1e-9);
    // Edges: 3 or 9 for fast, 20 or 40 for slow; 6 and 30 are inside.
    for w in &r.windows {
        let fast = w.best["fast"].as_u64().unwrap();
        let slow = w.best["slow"].as_u64().unwrap();
        let mut want = Vec::new();
        if fast == 3 || fast == 9 {
            want.push("fast".to_string());
        }
        if slow == 20 || slow == 40 {
            want.push("slow".to_string());
        }
        assert_eq!(w.on_grid_edge, want, "{:?}", w.best);
    }
    let on_edge = r
        .windows
        .iter()
        .filter(|w| !w.on_grid_edge.is_empty())
        .count();
    assert_eq!(s.windows_on_grid_edge, on_edge);
    assert!(s.in_sample.sharpe.is_some() && s.out_of_sample.sharpe.is_some());
}

#[test]
fn too_few_sessions_for_one_window_is_an_error() {
    let pre = preloaded(wave(100));
    let (combos, _) = combinations(&agent("auto"), &[]).unwrap();
    let e = walk_forward(&pre, &combos, RankBy::Sharpe, WF, &NoProgress).unwrap_err();
    assert!(e.to_string().contains("holds 100 sessions"), "{e}");
}
