//! The whole job on an empty store, deterministic: seed SPY, TSLA and AAPL with synthetic 5m
//! bars and sentiment, write the sample agents (keeping files already there), run and store
//! each, compare them. Each step is reported as it ends, so a caller can show progress.

use std::path::Path;

use chrono::NaiveDate;
use domain::{Symbol, Timeframe};
use store::{ActionStore, BarStore, RunStore, SentimentStore, SymbolStore, TickStore};

use crate::AppError;
use crate::agents::AgentsDir;
use crate::data::seed::{SeedRequest, SeedSummary, seed};
use crate::progress::Progress;
use crate::run::{self, Run};
use crate::time::Window;
use crate::views::CompareReport;

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

/// What the demo does, step by step.
pub enum DemoStep<'a> {
    Seeded(&'a SeedSummary),
    AgentsWritten(&'a Path),
    Ran {
        id: &'a str,
        run: &'a Run,
        run_id: i64,
    },
}

/// The seed request of a demo of `days` sessions: fixed symbols, timeframe and last day, so the
/// same command always gives the same numbers.
pub fn seed_request(days: u32, seed: u64) -> Result<SeedRequest, AppError> {
    Ok(SeedRequest {
        symbols: ["SPY", "TSLA", "AAPL"].map(Symbol::lit).to_vec(),
        days,
        end: NaiveDate::from_ymd_opt(2025, 12, 31)
            .ok_or_else(|| AppError::input("the demo's last day is not a date"))?,
        timeframe: Timeframe::M5,
        seed,
    })
}

/// Runs the demo; returns the stored run ids (in [`SAMPLE_AGENTS`] order) and their comparison.
pub fn demo(
    store: &mut (
             impl BarStore + SentimentStore + ActionStore + RunStore + SymbolStore + TickStore + ?Sized
         ),
    agents: &AgentsDir,
    req: &SeedRequest,
    progress: &dyn Progress,
    on_step: &mut dyn FnMut(DemoStep<'_>),
) -> Result<(Vec<i64>, SeedSummary, CompareReport), AppError> {
    let seeded = seed(store, req, progress)?;
    on_step(DemoStep::Seeded(&seeded));
    write_samples(&agents.dir)?;
    on_step(DemoStep::AgentsWritten(&agents.dir));
    let mut ids = Vec::new();
    for (id, _) in SAMPLE_AGENTS {
        let agent = agents.load(id)?;
        let done = run::run(&*store, &agent, Window::default(), None)?;
        let run_id = run::save(store, &done)?;
        on_step(DemoStep::Ran {
            id,
            run: &done,
            run_id,
        });
        ids.push(run_id);
    }
    let runs = ids
        .iter()
        .map(|id| store.get_run(*id))
        .collect::<Result<Vec<_>, _>>()?;
    let compare = CompareReport::new(&runs);
    Ok((ids, seeded, compare))
}

/// Writes each sample agent whose file does not exist yet.
fn write_samples(dir: &Path) -> Result<(), AppError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| AppError::io(format!("cannot create {}", dir.display()), e))?;
    for (id, yaml) in SAMPLE_AGENTS {
        let path = dir.join(format!("{id}.yaml"));
        if !path.exists() {
            std::fs::write(&path, yaml)
                .map_err(|e| AppError::io(format!("cannot write {}", path.display()), e))?;
        }
    }
    Ok(())
}
