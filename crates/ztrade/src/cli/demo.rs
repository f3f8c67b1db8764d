//! `ztrade demo`: the whole job on the embedded default, from nothing. Creates the store, seeds
//! it with synthetic bars and sentiment, writes sample agents, runs them, prints `compare`.
//! Deterministic: the same command gives the same numbers.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use domain::{Symbol, Timeframe};

use super::GlobalArgs;
use super::backtest::{load_agent, runner, view};
use crate::output;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where the sample agents are written (existing files are kept).
    #[arg(long, default_value = "agents")]
    agents_dir: PathBuf,
    /// Trading sessions of synthetic 5-minute bars to seed.
    #[arg(long, default_value_t = 120)]
    days: u32,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// The sample agents: the reference SMA crossover, the original system's technical+sentiment
/// agent, and the buy-and-hold benchmark.
pub const SAMPLE_AGENTS: [(&str, &str); 3] = [
    (
        "demo_sma",
        "id: demo_sma\ndescription: SMA(10) over SMA(30) crossover on SPY, long only\nsymbols: [SPY]\ntimeframe: 5m\n\
         initial_capital: 100000\nstrategy: { kind: sma_crossover, fast: 10, slow: 30 }\nsizing: { kind: all_cash }\n\
         costs: { commission_per_share: 0.005, commission_min: 1, slippage_bps: 1 }\nfill: next_open\nbenchmark: SPY\n",
    ),
    (
        "demo_sentiment",
        "id: demo_sentiment\ndescription: SMA crossover confirmed or vetoed by news, reddit and SEC sentiment\n\
         symbols: [SPY, TSLA, AAPL]\ntimeframe: 5m\ninitial_capital: 100000\n\
         strategy: { kind: technical_sentiment, fast: 10, slow: 30 }\nsizing: { kind: percent_equity, pct: 30 }\n\
         costs: { commission_per_share: 0.005, commission_min: 1, slippage_bps: 1 }\n\
         risk: { stop_loss_pct: 2, take_profit_pct: 4 }\nfill: next_open\nbenchmark: SPY\n",
    ),
    (
        "demo_buy_hold",
        "id: demo_buy_hold\ndescription: buy SPY on the first bar and hold (the benchmark)\nsymbols: [SPY]\n\
         timeframe: 5m\ninitial_capital: 100000\nstrategy: { kind: buy_and_hold }\nsizing: { kind: all_cash }\n\
         costs: { commission_per_share: 0.005, commission_min: 1, slippage_bps: 1 }\nfill: next_open\n",
    ),
];

pub fn run(args: DemoArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let url = g.db_url();
    let symbols: Vec<Symbol> = ["SPY", "TSLA", "AAPL"]
        .iter()
        .map(|s| Symbol::lit(s))
        .collect();
    let end = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).expect("valid date");
    let seeded = super::data::seed_store(&url, &symbols, args.days, end, Timeframe::M5, args.seed)?;
    if !g.json {
        println!(
            "1. store {url}: seeded {} bars and {} sentiment records (SPY, TSLA, AAPL, 5m, {} sessions)",
            seeded.bars.inserted + seeded.bars.updated + seeded.bars.unchanged,
            seeded.sentiment.inserted + seeded.sentiment.updated + seeded.sentiment.unchanged,
            args.days
        );
    }
    std::fs::create_dir_all(&args.agents_dir)
        .with_context(|| format!("cannot create {}", args.agents_dir.display()))?;
    for (id, yaml) in SAMPLE_AGENTS {
        let path = args.agents_dir.join(format!("{id}.yaml"));
        if !path.exists() {
            std::fs::write(&path, yaml)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    if !g.json {
        println!(
            "2. agents in {}: {}",
            args.agents_dir.display(),
            SAMPLE_AGENTS.map(|a| a.0).join(", ")
        );
    }
    let mut store = store::open_ready(&url)?;
    let mut ids = Vec::new();
    for (id, _) in SAMPLE_AGENTS {
        let agent = load_agent(&args.agents_dir, id)?;
        let outcome = runner::run_agent(
            &runner::Source::Store(store.as_ref()),
            &agent,
            runner::RunWindow::default(),
        )?;
        let run_id = runner::save(store.as_mut(), &outcome)?;
        if !g.json {
            println!(
                "3. ran {id}: equity {} → {} in {} fills, run #{run_id}",
                outcome.result.initial_capital.round_dp(2),
                outcome.result.final_equity.round_dp(2),
                outcome.result.fills.len()
            );
        }
        ids.push(run_id);
    }
    let runs = ids
        .iter()
        .map(|id| store.get_run(*id))
        .collect::<Result<Vec<_>, _>>()?;
    if g.json {
        return output::json(
            &serde_json::json!({ "seeded": seeded, "run_ids": ids, "compare": view::compare_json(&runs) }),
        );
    }
    println!("\n{}", view::compare_table(&runs)?);
    println!(
        "\nNext: `ztrade backtest list`, `ztrade backtest show {} --trades`, edit {}/demo_sma.yaml and `ztrade backtest run demo_sma`",
        ids[0],
        args.agents_dir.display()
    );
    Ok(())
}
