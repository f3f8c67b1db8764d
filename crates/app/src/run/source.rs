//! Where a run's bars come from: streamed from any store with the bar and sentiment roles, or
//! from memory for sweeps that load once and run many times ([`Source`]); and which streams an
//! agent reads.

use domain::time::NANOS_PER_DAY;
use domain::{Bar, SentimentRecord, Symbol, Timeframe, UnixNanos};
use store::{BarQuery, BarStore, SentimentStore, StoreError};

use crate::AppError;
use crate::time::Window;
use backtest::{AgentConfig, IntrabarPolicy};

/// One series' bars inside a run's window, in timestamp order.
pub type Bars<'a> = Box<dyn Iterator<Item = Result<Bar, StoreError>> + 'a>;

/// The bars (and sentiment) a run reads: a store ([`BarStore`] + [`SentimentStore`], streamed)
/// or [`Preloaded`] memory.
pub trait Source {
    /// Each (symbol, timeframe) stream `agent` reads (its symbols at its timeframe, plus finer
    /// bars for `intrabar: finer_bars`), with its bars in `w`.
    fn bar_streams(
        &self,
        agent: &AgentConfig,
        w: Window,
    ) -> Result<Vec<(Symbol, Timeframe, Bars<'_>)>, AppError>;
    /// Up to `n` bars of `symbol` at `timeframe` stamped before `before`, in time order: the
    /// warm-up of a run that starts at `before` ([`backtest::warmup`]).
    fn bars_before(
        &self,
        symbol: &Symbol,
        timeframe: Timeframe,
        before: UnixNanos,
        n: usize,
    ) -> Result<Vec<Bar>, AppError>;
    /// The sentiment `agent` reads in `w`.
    fn sentiment_for(
        &self,
        agent: &AgentConfig,
        w: Window,
    ) -> Result<Vec<SentimentRecord>, AppError>;
}

impl<S: BarStore + SentimentStore + ?Sized> Source for S {
    fn bar_streams(
        &self,
        agent: &AgentConfig,
        w: Window,
    ) -> Result<Vec<(Symbol, Timeframe, Bars<'_>)>, AppError> {
        Ok(streams_needed(self, agent)?
            .into_iter()
            .map(|(symbol, tf)| {
                let bars: Bars<'_> = Box::new(self.bars(query(&symbol, tf, w)));
                (symbol, tf, bars)
            })
            .collect())
    }

    fn bars_before(
        &self,
        symbol: &Symbol,
        timeframe: Timeframe,
        before: UnixNanos,
        n: usize,
    ) -> Result<Vec<Bar>, AppError> {
        last_before(self, symbol, timeframe, before, n)
    }

    fn sentiment_for(
        &self,
        agent: &AgentConfig,
        w: Window,
    ) -> Result<Vec<SentimentRecord>, AppError> {
        Ok(if agent.strategy.reads_sentiment() {
            self.sentiment(&agent.symbols, w.start, w.end)?
        } else {
            Vec::new()
        })
    }
}

/// Bars and sentiment read once and shared by many runs.
pub struct Preloaded {
    pub bars: Vec<(Symbol, Timeframe, Vec<Bar>)>,
    pub sentiment: Vec<SentimentRecord>,
}

impl Preloaded {
    /// The bars and sentiment `agent` reads in `w`, and up to `warmup` bars of each of its
    /// series before `w` (the most any run on this data will ask for).
    pub fn load(
        store: &(impl BarStore + SentimentStore + ?Sized),
        agent: &AgentConfig,
        w: Window,
        warmup: usize,
    ) -> Result<Self, AppError> {
        let mut bars = Vec::new();
        let mut from = w.start;
        for (symbol, tf, stream) in store.bar_streams(agent, w)? {
            let mut series = match w.start {
                Some(start) if warmup > 0 && tf == agent.timeframe => {
                    store.bars_before(&symbol, tf, start, warmup)?
                }
                _ => Vec::new(),
            };
            if let Some(first) = series.first() {
                from = from.map(|f| f.min(first.ts));
            }
            for bar in stream {
                series.push(bar?);
            }
            bars.push((symbol, tf, series));
        }
        let sentiment_window = Window { start: from, ..w };
        Ok(Self {
            bars,
            sentiment: store.sentiment_for(agent, sentiment_window)?,
        })
    }
}

/// What was loaded, cut to each run's symbols and window.
impl Source for Preloaded {
    fn bar_streams(
        &self,
        agent: &AgentConfig,
        w: Window,
    ) -> Result<Vec<(Symbol, Timeframe, Bars<'_>)>, AppError> {
        Ok(self
            .bars
            .iter()
            .filter(|(s, ..)| agent.symbols.contains(s))
            .map(|(symbol, tf, bars)| {
                let inside = bars.iter().copied().filter(move |b| w.contains(b.ts));
                let bars: Bars<'_> = Box::new(inside.map(Ok));
                (symbol.clone(), *tf, bars)
            })
            .collect())
    }

    fn bars_before(
        &self,
        symbol: &Symbol,
        timeframe: Timeframe,
        before: UnixNanos,
        n: usize,
    ) -> Result<Vec<Bar>, AppError> {
        let Some((.., bars)) = self
            .bars
            .iter()
            .find(|(s, tf, _)| s == symbol && *tf == timeframe)
        else {
            return Ok(Vec::new());
        };
        let end = bars.partition_point(|b| b.ts < before);
        Ok(bars[end.saturating_sub(n)..end].to_vec())
    }

    fn sentiment_for(
        &self,
        agent: &AgentConfig,
        w: Window,
    ) -> Result<Vec<SentimentRecord>, AppError> {
        let wanted = |r: &&SentimentRecord| agent.symbols.contains(&r.symbol) && w.contains(r.ts);
        Ok(self.sentiment.iter().filter(wanted).cloned().collect())
    }
}

/// The last `n` stored bars before `before`: a window `n` bar lengths wide (twice that, for
/// nights, weekends and holidays), widened fourfold until it holds `n` bars or reaches the
/// series' first bar. A few indexed range reads, never a scan from the start of the series.
fn last_before(
    store: &(impl BarStore + ?Sized),
    symbol: &Symbol,
    timeframe: Timeframe,
    before: UnixNanos,
    n: usize,
) -> Result<Vec<Bar>, AppError> {
    let first = store
        .series()?
        .into_iter()
        .find(|x| &x.symbol == symbol && x.timeframe == timeframe)
        .map(|x| x.first);
    let Some(first) = first.filter(|f| *f < before && n > 0) else {
        return Ok(Vec::new());
    };
    let bar = timeframe.nanos().unwrap_or(31 * NANOS_PER_DAY);
    let mut span = bar.saturating_mul(2).saturating_mul(n as i64);
    loop {
        let from = UnixNanos::new(before.as_i64().saturating_sub(span)).max(first);
        let w = Window {
            start: Some(from),
            end: Some(before),
        };
        let mut got = store
            .bars(query(symbol, timeframe, w))
            .collect::<Result<Vec<_>, _>>()?;
        if got.len() >= n || from == first {
            let extra = got.len().saturating_sub(n);
            got.drain(..extra);
            return Ok(got);
        }
        span = span.saturating_mul(4);
    }
}

fn query(symbol: &Symbol, timeframe: Timeframe, w: Window) -> BarQuery {
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
    store: &(impl BarStore + ?Sized),
    agent: &AgentConfig,
) -> Result<Vec<(Symbol, Timeframe)>, AppError> {
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
            return Err(AppError::NoData(format!(
                "agent {}: no {s} {} bars in the store{}; import or seed them first (`ztrade data status` lists what is stored)",
                agent.id,
                agent.timeframe,
                if have.is_empty() {
                    String::new()
                } else {
                    format!(" (it has {})", have.join(", "))
                }
            )));
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
