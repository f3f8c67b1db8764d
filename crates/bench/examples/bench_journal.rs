//! What the engine's journal costs, as a ratio that holds on a noisy machine.
//!
//! `cargo run --release -p bench --example bench_journal [bars] [rounds] [cadence]` (defaults:
//! 1,000,000 one-minute bars, 11 rounds, snapshots at each `session` close; `bar`, `never` or
//! minutes like `15m` for other cadences). Each round runs the reference agent twice on the
//! same bars, without and then with the journal (`Engine::with_journal`), each given its own
//! copy of the bars made outside the timer; the two runs of a round see the same load, so
//! their ratio does. Reported: the median ns/bar of each and the median of the rounds' ratios
//! (the goal of issue 12: ≤ 1.5×). `bench_engine` reports the same pair as best of 5 beside
//! the other engine figures.

use std::time::Instant;

use backtest::{AgentConfig, BacktestResult, Inputs, JournalConfig, SnapshotCadence};
use bench::synthetic::{REF_SMA, minute_bars};
use domain::{Bar, Symbol, Timeframe};

/// Minor page faults of this process so far (Linux `/proc/self/stat`, field 10; 0 elsewhere):
/// each is a first touch of a fresh page, the journal's main cost.
fn minor_faults() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let after_name = s.rsplit_once(')')?.1;
            after_name.split_whitespace().nth(7)?.parse().ok()
        })
        .unwrap_or(0)
}

/// One run: seconds, minor page faults, the result.
fn run(
    agent: &AgentConfig,
    bars: &[Bar],
    journal: Option<SnapshotCadence>,
) -> (f64, u64, BacktestResult) {
    let mut inputs = Inputs::new();
    inputs.bar_vec(Symbol::lit("SPY"), Timeframe::M1, bars.to_vec());
    let faults = minor_faults();
    let t = Instant::now();
    let mut engine = agent.engine(domain::calendar::Calendar::Nyse).unwrap();
    if let Some(snapshots) = journal {
        engine = engine.with_journal(JournalConfig {
            strategy: "sma_crossover".into(),
            snapshots,
        });
    }
    let r = engine.run(inputs).unwrap();
    (t.elapsed().as_secs_f64(), minor_faults() - faults, r)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(11);
    let cadence: SnapshotCadence = args
        .next()
        .map(|a| a.parse().unwrap())
        .unwrap_or(SnapshotCadence::SessionClose);
    let bars = minute_bars(n);
    let agent = AgentConfig::from_yaml(REF_SMA).unwrap();
    let (mut off, mut on, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut last, mut faults) = (None, (0, 0));
    for _ in 0..rounds {
        let (t_off, f_off, plain) = run(&agent, &bars, None);
        let (t_on, f_on, journaled) = run(&agent, &bars, Some(cadence));
        faults = (f_off, f_on);
        assert_eq!(plain.fills, journaled.fills, "the journal changes no fill");
        last = journaled.journal;
        off.push(t_off);
        on.push(t_on);
        ratios.push(t_on / t_off);
    }
    let rows = last.map_or(0, |t| t.journal().len());
    let per = |s: f64| s * 1e9 / n as f64;
    println!("bars: {n}, journal rows: {rows}, cadence: {cadence:?}, rounds: {rounds}");
    println!(
        "engine, no journal      {:7.2} ns/bar (median), {} minor faults (last round)",
        per(median(off)),
        faults.0
    );
    println!(
        "engine + journal        {:7.2} ns/bar (median), {} minor faults (last round)",
        per(median(on)),
        faults.1
    );
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "journal / engine        {:7.2}x (median of the rounds' ratios; range {:.2}-{:.2})",
        median(ratios),
        sorted[0],
        sorted[sorted.len() - 1]
    );
}
