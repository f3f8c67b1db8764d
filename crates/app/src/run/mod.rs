//! Running one agent: [`RunRequest`] → [`RunOutcome`].
//!
//! The agent's bar streams (plus finer bars for `intrabar: finer_bars`, plus sentiment for a
//! strategy that reads it) are streamed from the store or lent from memory ([`source`]), adjusted
//! for splits and dividends when the agent asks, hashed on the way for the run's data
//! fingerprint (with the actions counted), run through the engine, and again for the
//! benchmark; then metrics ([`trips`]), and the rows a stored run takes ([`record`]). An agent
//! with tick features (`cvd`, `obi`) also reads its symbols' ticks, as timelines ([`ticks`]),
//! which join the fingerprint.
//! `backtest run`, `sweep`, walk-forward and `demo` all come through [`run`].

pub mod features;
pub mod fingerprint;
pub mod journal;
pub mod record;
pub mod source;
pub mod ticks;
pub mod trips;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use backtest::features::Feature;
use backtest::journal::JournalTape;
use backtest::{AgentConfig, BacktestResult, Inputs};
use backtest::{JournalConfig, SnapshotCadence};
use domain::calendar::Calendar;
use domain::{Money, Symbol, UnixNanos};
use serde::Serialize;
use store::{
    ActionStore, BarStore, RunAttachments, RunStore, SentimentStore, StoreError, SymbolStore,
    TickStore,
};
use xxhash_rust::xxh3::Xxh3;

use crate::AppError;
use crate::time::Window;
use fingerprint::{StreamHash, hashed};
pub use source::{Bars, Preloaded, Series, SeriesBars, Source};

/// A finished run, before or after it is stored.
pub struct Run {
    pub agent: AgentConfig,
    pub result: BacktestResult,
    pub metrics: analytics::Metrics,
    /// `xxh3-128:…` over every bar and sentiment record the run read (warm-up included).
    pub fingerprint: String,
    /// The bars shown to the strategy before the run's start.
    pub warmup: Warmup,
    /// The symbols whose tick features (`cvd`, `obi`) have no value at any bar: no trade or
    /// quote of theirs is stored in the run's window.
    pub without_ticks: Vec<Symbol>,
}

/// How a run with a start warmed its strategy up ([`backtest::warmup`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Warmup {
    /// Bars per symbol the agent's `warmup` asks for; 0 for a run without a start, which
    /// begins at the first stored bar with nothing before it.
    pub wanted: usize,
    /// Bars per symbol found before the start (the fewest over the run's symbols).
    pub used: Option<usize>,
    /// The earliest warm-up bar.
    pub from: Option<UnixNanos>,
}

impl Warmup {
    fn note(&mut self, bars: usize, first: Option<UnixNanos>) {
        self.used = Some(self.used.map_or(bars, |u| u.min(bars)));
        if let Some(f) = first {
            self.from = Some(self.from.map_or(f, |x| x.min(f)));
        }
    }

    /// Fewer bars were stored before the start than the strategy needs: its first signals
    /// come later than in a run over all the data.
    pub fn short(&self) -> bool {
        self.used.is_some_and(|u| u < self.wanted)
    }
}

/// What `backtest run` asks for.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub agent: AgentConfig,
    pub window: Window,
    /// Starting cash in place of the agent's `initial_capital`.
    pub capital: Option<Money>,
    /// Store the run (with [`store::BusyRetry`] against another writer's lock).
    pub save: bool,
    /// Keep the engine's journal (and store it with the run) at this snapshot cadence.
    pub journal: Option<SnapshotCadence>,
}

impl RunRequest {
    /// `symbols`, when given, replace the agent's (one run over all of them).
    pub fn new(
        mut agent: AgentConfig,
        symbols: Vec<domain::Symbol>,
        window: Window,
        capital: Option<Money>,
        save: bool,
        journal: Option<SnapshotCadence>,
    ) -> Self {
        if !symbols.is_empty() {
            agent.symbols = symbols;
        }
        Self {
            agent,
            window,
            capital,
            save,
            journal,
        }
    }
}

/// A run and what became of saving it. A run that could not be saved is still whole, so the
/// caller can show it before saying why it was not kept.
pub struct RunOutcome {
    pub run: Run,
    pub run_id: Option<i64>,
    pub save_error: Option<StoreError>,
    /// With a journal: its size and the time spent storing it.
    pub journal: Option<journal::JournalSaveReport>,
}

impl RunOutcome {
    /// The run was stored, or why not (the run itself is whole either way).
    pub fn saved(&self) -> Result<(), String> {
        match &self.save_error {
            Some(e) => Err(format!(
                "the run above was computed but not saved (run_id is null): {e}"
            )),
            None => Ok(()),
        }
    }
}

/// Runs the request against the store and saves it when asked, with its features when its
/// agent lists any and its journal when the request keeps one, all in one transaction
/// ([`store::RunStore::save_run_with`]).
pub fn backtest(
    store: &mut (
             impl BarStore + SentimentStore + ActionStore + RunStore + SymbolStore + TickStore + ?Sized
         ),
    req: &RunRequest,
) -> Result<RunOutcome, AppError> {
    let run = run_journaled(&*store, &req.agent, req.window, req.capital, req.journal)?;
    let started = Instant::now();
    let rows = run.result.journal.as_ref().map(JournalTape::journal);
    let mut journal = rows.as_ref().map(journal::JournalSaveReport::new);
    let (run_id, save_error) = if req.save {
        let features = features::FeatureRows::of(&run);
        let feature_rows = features.as_ref().and_then(|f| f.rows(&run));
        let with = RunAttachments {
            features: feature_rows.as_ref(),
            journal: rows.as_ref(),
        };
        let row = record::new_run(&run);
        match store::BusyRetry::default().run(|| store.save_run_with(&row, with)) {
            Ok(saved) => {
                if let Some(j) = &mut journal {
                    j.store_seconds = Some(started.elapsed().as_secs_f64());
                }
                (Some(saved.id), None)
            }
            Err(e) => (None, Some(e)),
        }
    } else {
        (None, None)
    };
    Ok(RunOutcome {
        run,
        run_id,
        save_error,
        journal,
    })
}

/// Runs `agent` over `w` and its benchmark over the run's own period, and computes the metrics.
pub fn run(
    src: &(impl Source + ?Sized),
    agent: &AgentConfig,
    w: Window,
    capital: Option<Money>,
) -> Result<Run, AppError> {
    run_journaled(src, agent, w, capital, None)
}

/// [`run`], keeping the engine's journal (not the benchmark's) in the result when asked.
pub fn run_journaled(
    src: &(impl Source + ?Sized),
    agent: &AgentConfig,
    w: Window,
    capital: Option<Money>,
    journal: Option<SnapshotCadence>,
) -> Result<Run, AppError> {
    let mut agent = agent.clone();
    if let Some(c) = capital {
        agent.initial_capital = c;
    }
    agent
        .validate()
        .map_err(|e| AppError::input(format!("agent {}: {e}", agent.id)))?;
    let (result, fingerprint, warmup, without_ticks) = execute(src, &agent, w, journal)?;
    let benchmark = match agent.benchmark_agent() {
        Some(b) => Some(
            execute(src, &b, period_of(&result), None)
                .map_err(|e| AppError::Benchmark {
                    symbol: b.symbols[0].to_string(),
                    agent: agent.id.clone(),
                    source: Box::new(e),
                })?
                .0,
        ),
        None => None,
    };
    let metrics = trips::metrics(&result, benchmark.as_ref())?;
    Ok(Run {
        agent,
        result,
        metrics,
        fingerprint,
        warmup,
        without_ticks,
    })
}

/// The window from the run's first bar to its last, both included: the benchmark covers exactly
/// the run's period, not everything the benchmark has stored.
fn period_of(result: &BacktestResult) -> Window {
    Window {
        start: Some(result.start),
        // Bars start on supported days, far before the last instant: `+ 1` never saturates.
        end: Some(result.end.checked_plus(1).unwrap_or(result.end)),
    }
}

/// Stores the run, waiting out another process's write lock ([`store::BusyRetry`]).
pub fn save(store: &mut (impl RunStore + ?Sized), run: &Run) -> Result<i64, StoreError> {
    let row = record::new_run(run);
    store::BusyRetry::default().run(|| store.save_run(&row))
}

/// [`save`] for a run of sweep `sweep_id` with its swept `params`.
pub fn save_swept(
    store: &mut (impl RunStore + ?Sized),
    run: &Run,
    sweep_id: i64,
    params: serde_json::Value,
) -> Result<i64, StoreError> {
    let row = record::swept(run, Some(sweep_id), Some(params));
    store::BusyRetry::default().run(|| store.save_run(&row))
}

fn execute(
    src: &(impl Source + ?Sized),
    agent: &AgentConfig,
    w: Window,
    journal: Option<SnapshotCadence>,
) -> Result<(BacktestResult, String, Warmup, Vec<Symbol>), AppError> {
    let calendar = source::run_calendar(agent, &src.calendars(agent)?)?;
    let mut engine = agent.engine(calendar)?;
    if let Some(snapshots) = journal {
        engine = engine.with_journal(JournalConfig {
            strategy: agent.strategy.kind().to_owned(),
            snapshots,
        });
    }
    let wanted = agent.warmup_bars();
    let warm_from = w.start.filter(|_| wanted > 0);
    if let Some(t) = warm_from {
        engine = engine.trading_from(t);
    }
    let mut warmup = Warmup {
        wanted: if warm_from.is_some() { wanted } else { 0 },
        used: None,
        from: None,
    };
    let mut hashes = Vec::new();
    let mut adjusted = Vec::new();
    let mut inputs: Inputs<'_, StoreError> = Inputs::new();
    for s in src.bar_series(agent, w, warmup.wanted)? {
        if warm_from.is_some() && s.timeframe == agent.timeframe {
            warmup.note(s.warmup, s.warmup_from);
        }
        adjusted.extend(s.actions);
        match s.bars {
            SeriesBars::Lent { bars, digest } => {
                hashes.push(StreamHash::Done(digest));
                inputs.lend_bars(s.symbol, s.timeframe, bars);
            }
            SeriesBars::Streamed(bars) => {
                let h = Rc::new(RefCell::new(Xxh3::new()));
                hashes.push(StreamHash::Streaming(h.clone()));
                inputs.bars(s.symbol, s.timeframe, hashed(bars, h));
            }
        }
    }
    let sentiment_window = Window {
        start: warmup.from.or(w.start),
        ..w
    };
    let sentiment = src.sentiment_for(agent, sentiment_window)?;
    let mut total = Xxh3::new();
    for r in &sentiment {
        total.update(r.symbol.as_str().as_bytes());
        total.update(&r.ts.as_i64().to_le_bytes());
        total.update(r.source.as_str().as_bytes());
        total.update(&r.score.to_bits().to_le_bytes());
        total.update(&r.confidence.to_bits().to_le_bytes());
    }
    inputs.sentiment(sentiment);
    // Only the steps inside the ticks this window reads: a sweep's timelines, loaded over a
    // wider window, give the run the same values and the same fingerprint.
    let (from, to) = ticks::tick_window(w, agent.timeframe, calendar);
    let inside = |t: &UnixNanos| from.is_none_or(|f| *t > f) && to.is_none_or(|e| *t < e);
    let timelines = src.tick_timelines(agent, w, calendar)?;
    let without_ticks: Vec<Symbol> = match agent.features.iter().any(Feature::is_tick) {
        true => (agent.symbols.iter())
            .filter(|s| !timelines.iter().any(|(t, _)| t == *s))
            .cloned()
            .collect(),
        false => Vec::new(),
    };
    for (symbol, timeline) in timelines {
        total.update(symbol.as_str().as_bytes());
        for (t, v) in timeline.steps().iter().filter(|(t, _)| inside(t)) {
            total.update(&t.as_i64().to_le_bytes());
            for x in [v.cvd, v.obi] {
                total.update(&x.map_or(u64::MAX, f64::to_bits).to_le_bytes());
            }
        }
        inputs.tick_features(symbol, timeline);
    }
    let result = engine.run(inputs).map_err(|source| AppError::Run {
        agent: agent.id.clone(),
        source,
    })?;
    for h in hashes {
        total.update(&h.digest().to_le_bytes());
    }
    // A run on adjusted prices also covers the actions it counted (and the adjustment itself),
    // so the same bars adjusted another way never share a fingerprint.
    for d in adjusted {
        total.update(&d.to_le_bytes());
    }
    // A run on another calendar than the default covers it too, so the same bars measured in
    // other sessions never share a fingerprint (and every NYSE run keeps the one it had).
    if calendar != Calendar::default() {
        total.update(calendar.as_str().as_bytes());
    }
    Ok((
        result,
        format!("xxh3-128:{:032x}", total.digest128()),
        warmup,
        without_ticks,
    ))
}
