//! Running one agent against the store: stream its bars (hashing them on the way for the run's
//! data fingerprint), run the engine, run the benchmark, compute metrics, and shape a stored run.
//! `backtest run`, `sweep` and `demo` all come through here.

use std::cell::RefCell;
use std::rc::Rc;

use anyhow::{Context, bail};
use backtest::{AgentConfig, BacktestResult, Inputs, IntrabarPolicy};
use domain::{Bar, Money, SentimentRecord, Symbol, Timeframe, UnixNanos};
use store::{BarQuery, NewRun, RunTrade, Store, StoreError};
use xxhash_rust::xxh3::Xxh3;

use super::trips;

/// Optional overrides from the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunWindow {
    pub start: Option<UnixNanos>,
    pub end: Option<UnixNanos>,
    pub capital: Option<Money>,
}

impl RunWindow {
    pub fn contains(&self, t: UnixNanos) -> bool {
        self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t < e)
    }
}

/// A finished run, before or after it is stored.
pub struct Outcome {
    pub agent: AgentConfig,
    pub result: BacktestResult,
    pub metrics: analytics::Metrics,
    pub fingerprint: String,
}

/// Where each symbol's bars come from: the store (streamed) or memory (sweeps load once).
pub enum Source<'a> {
    Store(&'a dyn Store),
    Memory(&'a Preloaded),
}

/// Bars and sentiment read once and shared by many runs.
pub struct Preloaded {
    pub bars: Vec<(Symbol, Timeframe, Vec<Bar>)>,
    pub sentiment: Vec<SentimentRecord>,
}

impl Preloaded {
    pub fn load(store: &dyn Store, agent: &AgentConfig, w: RunWindow) -> anyhow::Result<Self> {
        let mut bars = Vec::new();
        for (symbol, tf) in streams_needed(store, agent)? {
            let q = query(&symbol, tf, w);
            let v = store.bars(q).collect::<Result<Vec<_>, _>>()?;
            bars.push((symbol, tf, v));
        }
        Ok(Self {
            bars,
            sentiment: if reads_sentiment(agent) {
                store.sentiment(&agent.symbols, w.start, w.end)?
            } else {
                Vec::new()
            },
        })
    }
}

fn query(symbol: &Symbol, timeframe: Timeframe, w: RunWindow) -> BarQuery {
    BarQuery {
        symbol: symbol.clone(),
        timeframe,
        start: w.start,
        end: w.end,
    }
}

/// The (symbol, timeframe) streams a run reads: each symbol at the agent's timeframe, plus the
/// finest stored timeframe that divides it when the agent resolves brackets on finer bars.
/// A symbol with nothing stored is an error that says how to get data.
fn streams_needed(
    store: &dyn Store,
    agent: &AgentConfig,
) -> anyhow::Result<Vec<(Symbol, Timeframe)>> {
    let series = store.series()?;
    let mut out = Vec::new();
    for s in &agent.symbols {
        if !series
            .iter()
            .any(|x| &x.symbol == s && x.timeframe == agent.timeframe)
        {
            let have: Vec<String> = series
                .iter()
                .filter(|x| &x.symbol == s)
                .map(|x| x.timeframe.to_string())
                .collect();
            bail!(
                "agent {}: no {s} {} bars in the store{}; import or seed them first (`ztrade data status` lists what is stored)",
                agent.id,
                agent.timeframe,
                if have.is_empty() {
                    String::new()
                } else {
                    format!(" (it has {})", have.join(", "))
                }
            );
        }
        out.push((s.clone(), agent.timeframe));
        if agent.intrabar == IntrabarPolicy::FinerBars {
            let run_ns = agent.timeframe.nanos();
            let finer = series
                .iter()
                .filter(|x| &x.symbol == s)
                .filter_map(|x| Some((x.timeframe, x.timeframe.nanos()?)))
                .filter(|(_, n)| match run_ns {
                    Some(r) => *n < r && r % n == 0,
                    None => *n < domain::time::NANOS_PER_DAY,
                })
                .min_by_key(|(_, n)| *n);
            if let Some((tf, _)) = finer {
                out.push((s.clone(), tf));
            }
        }
    }
    Ok(out)
}

/// Feeds every bar through an XXH3-128 per stream, so the fingerprint costs no second pass (and
/// about a nanosecond a bar; it detects changed data, it is not a cryptographic seal).
fn hashed<'a, I>(it: I, h: Rc<RefCell<Xxh3>>) -> impl Iterator<Item = Result<Bar, StoreError>> + 'a
where
    I: Iterator<Item = Result<Bar, StoreError>> + 'a,
{
    it.inspect(move |b| {
        if let Ok(b) = b {
            let mut h = h.borrow_mut();
            h.update(&b.ts.as_i64().to_le_bytes());
            for p in [b.open, b.high, b.low, b.close] {
                h.update(&p.raw().to_le_bytes());
            }
            h.update(&b.volume.raw().to_le_bytes());
        }
    })
}

/// Runs `agent` and its benchmark over `w`, and computes the metrics.
pub fn run_agent(src: &Source<'_>, agent: &AgentConfig, w: RunWindow) -> anyhow::Result<Outcome> {
    let mut agent = agent.clone();
    if let Some(c) = w.capital {
        agent.initial_capital = c;
    }
    agent
        .validate()
        .map_err(|e| anyhow::anyhow!("agent {}: {e}", agent.id))?;
    let (result, fingerprint) = execute(src, &agent, w)?;
    let benchmark = match agent.benchmark_agent() {
        Some(b) => Some(
            execute(src, &b, w)
                .with_context(|| format!("benchmark {} of agent {}", b.symbols[0], agent.id))?
                .0,
        ),
        None => None,
    };
    let metrics = trips::metrics(&result, benchmark.as_ref())?;
    Ok(Outcome {
        agent,
        result,
        metrics,
        fingerprint,
    })
}

fn execute(
    src: &Source<'_>,
    agent: &AgentConfig,
    w: RunWindow,
) -> anyhow::Result<(BacktestResult, String)> {
    let engine = agent.engine()?;
    let mut hashes = Vec::new();
    let mut inputs: Inputs<'_, StoreError> = Inputs::new();
    let sentiment = match src {
        Source::Store(store) => {
            for (symbol, tf) in streams_needed(*store, agent)? {
                let h = Rc::new(RefCell::new(Xxh3::new()));
                hashes.push(h.clone());
                inputs.bars(
                    symbol.clone(),
                    tf,
                    hashed(store.bars(query(&symbol, tf, w)), h),
                );
            }
            if reads_sentiment(agent) {
                store.sentiment(&agent.symbols, w.start, w.end)?
            } else {
                Vec::new()
            }
        }
        Source::Memory(pre) => {
            for (symbol, tf, bars) in pre.bars.iter().filter(|(s, ..)| agent.symbols.contains(s)) {
                let h = Rc::new(RefCell::new(Xxh3::new()));
                hashes.push(h.clone());
                let inside = bars.iter().copied().filter(move |b| w.contains(b.ts));
                inputs.bars(symbol.clone(), *tf, hashed(inside.map(Ok), h));
            }
            let wanted =
                |r: &&SentimentRecord| agent.symbols.contains(&r.symbol) && w.contains(r.ts);
            pre.sentiment.iter().filter(wanted).cloned().collect()
        }
    };
    let mut total = Xxh3::new();
    for r in &sentiment {
        total.update(r.symbol.as_str().as_bytes());
        total.update(&r.ts.as_i64().to_le_bytes());
        total.update(r.source.as_str().as_bytes());
        total.update(&r.score.to_bits().to_le_bytes());
        total.update(&r.confidence.to_bits().to_le_bytes());
    }
    inputs.sentiment(sentiment);
    let result = engine
        .run(inputs)
        .with_context(|| format!("agent {}", agent.id))?;
    for h in hashes {
        let h = Rc::try_unwrap(h)
            .map(|c| c.into_inner())
            .unwrap_or_default();
        total.update(&h.digest128().to_le_bytes());
    }
    Ok((result, format!("xxh3-128:{:032x}", total.digest128())))
}

/// Only a strategy that reads sentiment is given it (and has it in its fingerprint).
fn reads_sentiment(agent: &AgentConfig) -> bool {
    matches!(
        agent.strategy,
        backtest::strategies::StrategyConfig::TechnicalSentiment(_)
    )
}

/// Stores the run, waiting out another process's write lock ([`store::BusyRetry`]).
pub fn save(store: &mut dyn Store, o: &Outcome) -> Result<i64, StoreError> {
    let run = to_new_run(o);
    store::BusyRetry::default().run(|| store.save_run(&run))
}

/// The rows `backtest_runs`, `backtest_trades` and `backtest_equity` take.
pub fn to_new_run(o: &Outcome) -> NewRun {
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
        metrics: serde_json::to_value(&o.metrics).expect("metrics serialize"),
        data_fingerprint: o.fingerprint.clone(),
        engine_version: backtest::ENGINE_VERSION.to_string(),
        trades: r
            .fills
            .iter()
            .map(|f| RunTrade {
                timestamp: f.timestamp,
                symbol: f.symbol.clone(),
                action: f.action.as_str().to_string(),
                quantity: f.quantity,
                price: f.price,
                commission: f.commission,
                pnl: f.pnl,
                reason: f.reason.clone(),
            })
            .collect(),
        equity: r
            .equity
            .iter()
            .map(|e| store::EquityPoint {
                timestamp: e.timestamp,
                equity: e.equity,
                cash: e.cash,
            })
            .collect(),
    }
}
