//! Where a run's bars come from: streamed from any store with the bar, sentiment and action
//! roles, or from memory for sweeps that load once and run many times ([`Source`]); and which
//! streams an agent reads. An agent with `adjustment: split | all` reads its bars adjusted on
//! the way (warm-up bars too) for the actions with an ex-date up to the date of the last bar it
//! reads ([`crate::data::adjust::run_as_of`]); the digest of those actions joins the run's
//! fingerprint. A run's calendar is its symbols' ([`run_calendar`]). An agent that lists a tick
//! feature also reads its symbols' tick timelines ([`super::ticks`]).

use std::collections::HashMap;
use std::sync::Mutex;

use backtest::features::TickTimeline;
use domain::calendar::Calendar;
use domain::time::NANOS_PER_DAY;
use domain::{Bar, SentimentRecord, Symbol, Timeframe, UnixNanos};
use store::{ActionStore, BarQuery, BarStore, SentimentStore, StoreError, SymbolStore, TickStore};

use crate::AppError;
use crate::data::adjust::{AdjustSpec, adjusted, adjuster, run_as_of};
use crate::time::Window;
use backtest::{AgentConfig, IntrabarPolicy};

/// One series' bars inside a run's window, in timestamp order.
pub type Bars<'a> = Box<dyn Iterator<Item = Result<Bar, StoreError>> + 'a>;

/// One (symbol, timeframe) stream of a run: its warm-up bars first, then the window's.
pub struct Series<'a> {
    pub symbol: Symbol,
    pub timeframe: Timeframe,
    /// How many bars at the front are before the window (the warm-up).
    pub warmup: usize,
    /// The first warm-up bar's stamp.
    pub warmup_from: Option<UnixNanos>,
    pub bars: SeriesBars<'a>,
    /// The digest of the adjustment and the actions it counts; `None` for raw prices.
    pub actions: Option<u128>,
}

/// Streamed from a store, or lent from memory (no copy, no virtual call per bar) with their
/// fingerprint digest ([`super::fingerprint::digest`]).
pub enum SeriesBars<'a> {
    Streamed(Bars<'a>),
    Lent { bars: &'a [Bar], digest: u128 },
}

/// The bars (and sentiment) a run reads: a store ([`BarStore`] + [`SentimentStore`] +
/// [`ActionStore`], streamed) or [`Preloaded`] memory (lent).
pub trait Source {
    /// Each (symbol, timeframe) stream `agent` reads (its symbols at its timeframe, plus finer
    /// bars for `intrabar: finer_bars`), with its bars in `w`, preceded on the agent's own
    /// timeframe by up to `warmup` bars before `w` ([`backtest::warmup`]).
    fn bar_series(
        &self,
        agent: &AgentConfig,
        w: Window,
        warmup: usize,
    ) -> Result<Vec<Series<'_>>, AppError>;
    /// The sentiment `agent` reads in `w`.
    fn sentiment_for(
        &self,
        agent: &AgentConfig,
        w: Window,
    ) -> Result<Vec<SentimentRecord>, AppError>;
    /// The calendar of each of `agent`'s symbols.
    fn calendars(&self, agent: &AgentConfig) -> Result<Vec<(Symbol, Calendar)>, AppError>;
    /// The tick timelines `agent` reads in `w` on `calendar`'s days: none unless it lists a
    /// tick feature ([`super::ticks::timelines`]).
    fn tick_timelines(
        &self,
        agent: &AgentConfig,
        w: Window,
        calendar: Calendar,
    ) -> Result<Vec<(Symbol, TickTimeline)>, AppError>;
}

/// The one calendar a run of `agent` keeps (daily bar windows, the session close, the daily-loss
/// day): its symbols' calendar. Symbols on different calendars run together only where the
/// calendar changes nothing (intraday bars without `flatten_at_close` or `max_daily_loss_pct`).
pub fn run_calendar(
    agent: &AgentConfig,
    calendars: &[(Symbol, Calendar)],
) -> Result<Calendar, AppError> {
    let Some((_, first)) = calendars.first() else {
        return Ok(Calendar::default());
    };
    let odd = calendars.iter().find(|(_, c)| c != first);
    match odd {
        Some((s, c)) if agent.engine_config(*first).uses_calendar() => {
            Err(AppError::input(format!(
                "agent {}: {} is on the {first} calendar and {s} on {c}; a run with daily bars,                  flatten_at_close or max_daily_loss_pct keeps one calendar's sessions (set them                  alike with `ztrade symbols set SYMBOL --calendar …`)",
                agent.id, calendars[0].0
            )))
        }
        _ => Ok(*first),
    }
}

impl<S: BarStore + SentimentStore + ActionStore + SymbolStore + TickStore + ?Sized> Source for S {
    fn bar_series(
        &self,
        agent: &AgentConfig,
        w: Window,
        warmup: usize,
    ) -> Result<Vec<Series<'_>>, AppError> {
        let mut out = Vec::new();
        for (symbol, tf) in streams_needed(self, agent)? {
            let warm = match w.start {
                Some(start) if warmup > 0 && tf == agent.timeframe => {
                    last_before(self, &symbol, tf, start, warmup)?
                }
                _ => Vec::new(),
            };
            let inside = self.bars(query(&symbol, tf, w));
            let adjust = if agent.adjustment.is_raw() {
                None
            } else {
                let spec = AdjustSpec {
                    adjustment: agent.adjustment,
                    as_of: run_as_of(self, &symbol, tf, w.end)?,
                };
                adjuster(self, &symbol, tf, spec)?
            };
            let (warmup, warmup_from) = (warm.len(), warm.first().map(|b| b.ts));
            let raw: Bars<'_> = if warm.is_empty() {
                Box::new(inside)
            } else {
                Box::new(warm.into_iter().map(Ok).chain(inside))
            };
            let (bars, actions): (Bars<'_>, _) = match adjust {
                Some(a) => (Box::new(adjusted(raw, a.adjuster)), Some(a.digest)),
                None => (raw, None),
            };
            out.push(Series {
                warmup,
                warmup_from,
                bars: SeriesBars::Streamed(bars),
                actions,
                symbol,
                timeframe: tf,
            });
        }
        Ok(out)
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

    fn calendars(&self, agent: &AgentConfig) -> Result<Vec<(Symbol, Calendar)>, AppError> {
        agent
            .symbols
            .iter()
            .map(|s| Ok((s.clone(), self.symbol_calendar(s)?)))
            .collect()
    }

    fn tick_timelines(
        &self,
        agent: &AgentConfig,
        w: Window,
        calendar: Calendar,
    ) -> Result<Vec<(Symbol, TickTimeline)>, AppError> {
        super::ticks::timelines(self, agent, w, calendar)
    }
}

/// Bars and sentiment read once and shared by many runs, which also share the fingerprint
/// digest of each window they read (a sweep hashes its bars once, not once per combination).
pub struct Preloaded {
    pub bars: Vec<(Symbol, Timeframe, Vec<Bar>)>,
    pub sentiment: Vec<SentimentRecord>,
    /// The symbols' calendars; a symbol not listed is on NYSE ([`Preloaded::new`]).
    pub calendars: Vec<(Symbol, Calendar)>,
    /// The tick timelines of the loaded window, when the agent lists a tick feature.
    pub ticks: Vec<(Symbol, TickTimeline)>,
    /// Per series of `bars`, the digest of the actions its bars were adjusted for.
    actions: Vec<Option<u128>>,
    /// (series, first, end) → digest of `bars[series][first..end]`.
    digests: Mutex<HashMap<(usize, usize, usize), u128>>,
}

impl Preloaded {
    /// Bars and sentiment in memory, every symbol on the NYSE calendar (push onto
    /// [`Preloaded::calendars`] for others); [`Preloaded::load`] reads the stored calendars.
    pub fn new(bars: Vec<(Symbol, Timeframe, Vec<Bar>)>, sentiment: Vec<SentimentRecord>) -> Self {
        Self {
            bars,
            sentiment,
            calendars: Vec::new(),
            ticks: Vec::new(),
            actions: Vec::new(),
            digests: Mutex::default(),
        }
    }

    fn digest(&self, series: usize, from: usize, to: usize) -> u128 {
        let key = (series, from, to);
        let cached = self.digests.lock().map(|m| m.get(&key).copied());
        if let Ok(Some(d)) = cached {
            return d;
        }
        let d = super::fingerprint::digest(&self.bars[series].2[from..to]);
        if let Ok(mut m) = self.digests.lock() {
            m.insert(key, d);
        }
        d
    }

    /// The bars and sentiment `agent` reads in `w`, and up to `warmup` bars of each of its
    /// series before `w` (the most any run on this data will ask for), with its tick timelines
    /// over `w`.
    pub fn load(
        store: &(impl BarStore + SentimentStore + ActionStore + SymbolStore + TickStore + ?Sized),
        agent: &AgentConfig,
        w: Window,
        warmup: usize,
    ) -> Result<Self, AppError> {
        let mut bars = Vec::new();
        let mut actions = Vec::new();
        let mut from = w.start;
        for s in Source::bar_series(store, agent, w, warmup)? {
            if let Some(first) = s.warmup_from {
                from = from.map(|f| f.min(first));
            }
            let loaded = match s.bars {
                SeriesBars::Streamed(it) => it.collect::<Result<Vec<_>, _>>()?,
                SeriesBars::Lent { bars, .. } => bars.to_vec(),
            };
            bars.push((s.symbol, s.timeframe, loaded));
            actions.push(s.actions);
        }
        let sentiment_window = Window { start: from, ..w };
        let sentiment = store.sentiment_for(agent, sentiment_window)?;
        let calendars = store.calendars(agent)?;
        let ticks = store.tick_timelines(agent, w, run_calendar(agent, &calendars)?)?;
        Ok(Self {
            actions,
            calendars,
            ticks,
            ..Self::new(bars, sentiment)
        })
    }
}

/// What was loaded, cut to each run's symbols and window (two binary searches), lent.
impl Source for Preloaded {
    fn bar_series(
        &self,
        agent: &AgentConfig,
        w: Window,
        warmup: usize,
    ) -> Result<Vec<Series<'_>>, AppError> {
        Ok(self
            .bars
            .iter()
            .enumerate()
            .filter(|(_, (s, ..))| agent.symbols.contains(s))
            .map(|(series, (symbol, tf, bars))| {
                let lo = w.start.map_or(0, |t| bars.partition_point(|b| b.ts < t));
                let hi = w
                    .end
                    .map_or(bars.len(), |t| bars.partition_point(|b| b.ts < t));
                let warm = if w.start.is_some() && *tf == agent.timeframe {
                    warmup.min(lo)
                } else {
                    0
                };
                let (from, to) = (lo - warm, hi.max(lo));
                Series {
                    symbol: symbol.clone(),
                    timeframe: *tf,
                    warmup: warm,
                    warmup_from: (warm > 0).then(|| bars[from].ts),
                    bars: SeriesBars::Lent {
                        bars: &bars[from..to],
                        digest: self.digest(series, from, to),
                    },
                    actions: self.actions.get(series).copied().flatten(),
                }
            })
            .collect())
    }

    fn sentiment_for(
        &self,
        agent: &AgentConfig,
        w: Window,
    ) -> Result<Vec<SentimentRecord>, AppError> {
        let wanted = |r: &&SentimentRecord| agent.symbols.contains(&r.symbol) && w.contains(r.ts);
        Ok(self.sentiment.iter().filter(wanted).cloned().collect())
    }

    fn calendars(&self, agent: &AgentConfig) -> Result<Vec<(Symbol, Calendar)>, AppError> {
        let of = |s: &Symbol| {
            let listed = self.calendars.iter().find(|(x, _)| x == s);
            listed.map_or(Calendar::Nyse, |(_, c)| *c)
        };
        Ok(agent.symbols.iter().map(|s| (s.clone(), of(s))).collect())
    }

    /// The loaded timelines (a step function of time: any window inside the loaded one reads
    /// the same values).
    fn tick_timelines(
        &self,
        agent: &AgentConfig,
        _w: Window,
        _calendar: Calendar,
    ) -> Result<Vec<(Symbol, TickTimeline)>, AppError> {
        if !agent
            .features
            .iter()
            .any(backtest::features::Feature::is_tick)
        {
            return Ok(Vec::new());
        }
        let wanted = |(s, _): &&(Symbol, TickTimeline)| agent.symbols.contains(s);
        Ok(self.ticks.iter().filter(wanted).cloned().collect())
    }
}

/// The last `n` stored bars before `before`: a window `n` bar lengths wide (twice that, for
/// nights, weekends and holidays), widened fourfold until it holds `n` bars or reaches the
/// series' first bar. A few indexed range reads, never a scan from the start of the series.
pub fn last_before(
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
pub(crate) fn streams_needed(
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
