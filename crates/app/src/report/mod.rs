//! The report of one or more stored runs: everything `ztrade report` and the dashboard's run page
//! draw, as one typed, serialisable model. Metrics come from the stored run and from
//! `analytics`; nothing here computes a metric of its own. Long series are downsampled
//! ([`lines`]) and the price chart aggregated ([`candles`]), so a run over a million bars still
//! makes a light page. A run on adjusted prices (its agent's `adjustment`) has its candles and
//! benchmark line adjusted the same way, as of its last bar, so fills sit on the candles.

pub mod candles;
mod extended;
pub mod lines;
pub mod period;

use analytics::monthly::{YearReturns, monthly_returns};
use analytics::{
    Bin, DailyCurve, DateKey, DrawdownEpisode, ROLLING_WINDOW, extended_metrics, histogram,
    rolling, underwater, worst_drawdowns,
};
use backtest::AgentConfig;
use chrono::NaiveDate;
use domain::grid::days::{DaySummary, summarize_bars};
use domain::{Bar, Money, Symbol, Timeframe, UnixNanos};
use serde::Serialize;
use store::{ActionStore, BarQuery, BarStore, RunStore, SentimentStore, StoreError, StoredRun};

use crate::data::adjust::{AdjustSpec, adjusted, adjuster, bar_date};
use crate::error::AppError;
use crate::views::{RoundTrip, metric_rows, round_trips, run::stored_timeframe, short_run_note};
pub use candles::{Candle, Candles, Marker};
pub use lines::Line;

/// What to report on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRequest {
    pub runs: Vec<i64>,
    /// The benchmark drawn against each run; by default the agent's own (`benchmark:`).
    pub benchmark: Option<Symbol>,
    /// Points per line at most (LTTB beyond).
    pub max_points: usize,
    /// Candles at most (a coarser timeframe beyond).
    pub max_candles: usize,
}

impl ReportRequest {
    pub fn new(runs: Vec<i64>) -> Self {
        Self {
            runs,
            benchmark: None,
            max_points: 1_000,
            max_candles: 600,
        }
    }
}

/// One metric as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricCell {
    pub name: String,
    pub text: String,
}

/// Who, what and on which data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunHeader {
    pub id: i64,
    pub agent_id: String,
    pub description: Option<String>,
    pub symbols: Vec<String>,
    pub timeframe: String,
    pub start: String,
    pub end: String,
    pub created_at: String,
    pub params: Option<serde_json::Value>,
    /// The agent as it ran.
    pub config: serde_json::Value,
    pub data_fingerprint: String,
    pub engine_version: String,
    pub benchmark: Option<String>,
}

/// Everything drawn for one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunPanel {
    pub header: RunHeader,
    pub metrics: Vec<MetricCell>,
    /// Cumulative return of the run, then of the benchmark when there is one.
    pub cumulative: Vec<Line>,
    /// Drawdown from the running peak (≤ 0).
    pub underwater: Line,
    /// Share of equity held in positions, from the stored equity and cash.
    pub exposure: Line,
    pub monthly: Vec<YearReturns>,
    /// Rolling 6-month (126-session) Sharpe, volatility, and beta against the benchmark.
    pub rolling: Vec<Line>,
    /// Daily returns in 40 equal-width bins.
    pub distribution: Vec<Bin>,
    /// The five deepest drawdowns.
    pub worst_drawdowns: Vec<DrawdownEpisode>,
    pub candles: Option<Candles>,
    /// The round trips in the order they closed (the P&L-per-trade chart draws their net P&L).
    pub trades: Vec<RoundTrip>,
    /// What the reader should know: downsampling, aggregation, a short run, fills not kept.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub runs: Vec<RunPanel>,
}

/// The report of `req.runs`, read from `store`.
pub fn build<S>(store: &S, req: &ReportRequest) -> Result<Report, AppError>
where
    S: BarStore + SentimentStore + ActionStore + RunStore + ?Sized,
{
    if req.runs.is_empty() {
        return Err(AppError::input("a report needs at least one run id"));
    }
    let runs = req
        .runs
        .iter()
        .map(|id| {
            let run = store.get_run(*id)?;
            panel(store, &run, req)
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Report { runs })
}

fn curve(run: &StoredRun) -> Vec<(UnixNanos, Money)> {
    run.equity.iter().map(|e| (e.timestamp, e.equity)).collect()
}

fn daily_values(c: &DailyCurve) -> Vec<(NaiveDate, f64)> {
    c.points
        .iter()
        .map(|p| (p.date, p.equity.to_f64()))
        .collect()
}

/// The panel of one stored run.
pub fn panel<S>(store: &S, run: &StoredRun, req: &ReportRequest) -> Result<RunPanel, AppError>
where
    S: BarStore + SentimentStore + ActionStore + ?Sized,
{
    let s = &run.summary;
    let tf = stored_timeframe(run);
    let agent: Option<AgentConfig> = serde_json::from_value(run.config.clone()).ok();
    let own = agent.as_ref().and_then(|a| a.benchmark.clone());
    let benchmark = req.benchmark.clone().or_else(|| own.clone());
    let mut notes = Vec::new();
    if req.benchmark.is_some() && req.benchmark != own {
        notes.push(match &own {
            Some(o) => format!(
                "the charts compare with {}; alpha and beta in the table are against {o}, the \
                 agent's own benchmark, as stored with the run",
                benchmark.as_ref().map_or("", |b| b.as_str())
            ),
            None => format!(
                "the charts compare with {}; the agent has no benchmark, so the table has no \
                 alpha or beta",
                benchmark.as_ref().map_or("", |b| b.as_str())
            ),
        });
    }
    let mut metrics: Vec<MetricCell> = metric_rows(&run.metrics)
        .into_iter()
        .map(|m| MetricCell {
            name: m.name.to_string(),
            text: m.text,
        })
        .collect();
    if let Some(n) = short_run_note(&run.metrics) {
        notes.push(n);
    }
    let symbols: Vec<String> = agent.as_ref().map_or_else(Vec::new, |a| {
        a.symbols.iter().map(|s| s.to_string()).collect()
    });
    let header = RunHeader {
        id: s.id,
        agent_id: s.agent_id.clone(),
        description: agent.as_ref().and_then(|a| a.description.clone()),
        symbols: symbols.clone(),
        timeframe: tf.to_string(),
        start: crate::views::fmt::stamp(s.start, tf),
        end: crate::views::fmt::stamp(s.end, tf),
        created_at: s.created_at.clone(),
        params: s.params.clone(),
        config: run.config.clone(),
        data_fingerprint: run.data_fingerprint.clone(),
        engine_version: run.engine_version.clone(),
        benchmark: benchmark.as_ref().map(|b| b.to_string()),
    };
    let max = req.max_points;
    let empty = |name: &str| Line::timed(name, [], max);
    if run.equity.is_empty() {
        notes.push(
            "fills and equity were not kept for this run (a sweep stored its metrics only); \
             only its metrics are shown"
                .into(),
        );
        return Ok(RunPanel {
            header,
            metrics,
            cumulative: Vec::new(),
            underwater: empty("drawdown"),
            exposure: empty("exposure"),
            monthly: Vec::new(),
            rolling: Vec::new(),
            distribution: Vec::new(),
            worst_drawdowns: Vec::new(),
            candles: None,
            trades: Vec::new(),
            notes,
        });
    }
    let daily = DailyCurve::from_curve("equity", &curve(run), DateKey::Auto)?;
    let values = daily_values(&daily);
    let returns = daily.returns();
    let mut cumulative = vec![Line::dated(
        format!("#{} {}", s.id, s.agent_id),
        lines::cumulative(&values),
        max,
    )];
    let mut bench_returns = None;
    if let (Some(sym), Some(a)) = (&benchmark, &agent) {
        match benchmark_values(store, a, sym, s.start, s.end)? {
            Some(b) => {
                cumulative.push(Line::dated(sym.to_string(), lines::cumulative(&b), max));
                bench_returns = Some(
                    b.windows(2)
                        .map(|w| (w[1].0, w[1].1 / w[0].1 - 1.0))
                        .collect::<Vec<_>>(),
                );
            }
            None => notes.push(format!(
                "no stored {sym} bars over the run's period to compare with"
            )),
        }
    }
    metrics.extend(extended::cells(&extended_metrics(&returns)));
    let underwater = Line::dated("drawdown", underwater(&daily.points), max);
    let roll = rolling(&returns, bench_returns.as_deref(), ROLLING_WINDOW);
    let mut rolling_lines = vec![
        Line::dated(
            "Sharpe",
            roll.iter().filter_map(|p| Some((p.date, p.sharpe?))),
            max,
        ),
        Line::dated(
            "volatility",
            roll.iter().filter_map(|p| Some((p.date, p.volatility?))),
            max,
        ),
    ];
    if bench_returns.is_some() {
        rolling_lines.push(Line::dated(
            "beta",
            roll.iter().filter_map(|p| Some((p.date, p.beta?))),
            max,
        ));
    }
    let daily_returns: Vec<f64> = returns.iter().map(|r| r.1).collect();
    let exposure = Line::timed(
        "exposure",
        run.equity.iter().map(|e| {
            let eq = e.equity.to_f64();
            (
                e.timestamp.as_i64().div_euclid(1_000_000) as f64,
                if eq > 0.0 {
                    (eq - e.cash.to_f64()) / eq
                } else {
                    0.0
                },
            )
        }),
        max,
    );
    let trips = round_trips(&run.trades, tf);
    // The day index holds raw prices: an adjusted run reads its bars as it read them, adjusted,
    // and summarises them per date here; a raw run reads the index and at most the bars of a
    // period whose candles fit.
    let adjusted_run = agent.as_ref().filter(|a| !a.adjustment.is_raw());
    let candles = match symbols.first() {
        Some(sym) => {
            let symbol = Symbol::new(sym).map_err(|e| AppError::input(e.to_string()))?;
            let q = BarQuery {
                symbol: symbol.clone(),
                timeframe: tf,
                start: Some(s.start),
                end: s.end.checked_plus(1),
            };
            let (level, drawn) = if adjusted_run.is_some() {
                let bars =
                    as_run_read(store, agent.as_ref(), q, s.end)?.collect::<Result<Vec<_>, _>>()?;
                let days = summarize(&symbol, tf, &bars)?;
                let level = candles::choose(tf, &days, req.max_candles);
                let drawn = if level.from_days() {
                    candles::from_days(level, &days)
                } else {
                    candles::from_bars(level, bars.into_iter())
                };
                (level, drawn)
            } else {
                let days = period::period_days(store, &symbol, tf, s.start, s.end)?;
                let level = candles::choose(tf, &days, req.max_candles);
                let drawn = if level.from_days() {
                    candles::from_days(level, &days)
                } else {
                    let bars = store.bars(q).collect::<Result<Vec<_>, _>>()?;
                    candles::from_bars(level, bars.into_iter())
                };
                (level, drawn)
            };
            let c = candles::chart(sym, tf, level, drawn, &run.trades);
            if let Some(a) = adjusted_run {
                notes.push(format!(
                    "prices are adjusted ({}) as the run read them, as of {}",
                    a.adjustment,
                    bar_date(s.end, tf)
                ));
            }
            if let Some(from) = &c.aggregated_from {
                notes.push(format!(
                    "the price chart shows {} candles aggregated from the stored {from} bars",
                    c.timeframe
                ));
            }
            Some(c)
        }
        None => None,
    };
    for l in cumulative.iter().chain([&underwater, &exposure]) {
        if l.downsampled() {
            notes.push(format!(
                "{}: {} points drawn of {} (LTTB keeps the shape)",
                l.name,
                l.points.len(),
                l.source_points
            ));
        }
    }
    metrics.retain(|m| !m.text.is_empty());
    Ok(RunPanel {
        header,
        metrics,
        cumulative,
        underwater,
        exposure,
        monthly: monthly_returns(&returns),
        rolling: rolling_lines,
        distribution: histogram(&daily_returns, 40),
        worst_drawdowns: worst_drawdowns(&daily.points, 5),
        candles,
        trades: trips,
        notes,
    })
}

/// The benchmark's daily closes over the run's period, from its bars of the agent's timeframe:
/// the last close of each date, from the day index (adjusted runs: from the bars as the run read
/// them); `None` when nothing is stored.
fn benchmark_values<S: BarStore + ActionStore + ?Sized>(
    store: &S,
    agent: &AgentConfig,
    symbol: &Symbol,
    start: UnixNanos,
    end: UnixNanos,
) -> Result<Option<Vec<(NaiveDate, f64)>>, AppError> {
    let days = if agent.adjustment.is_raw() {
        period::period_days(store, symbol, agent.timeframe, start, end)?
    } else {
        let q = BarQuery {
            symbol: symbol.clone(),
            timeframe: agent.timeframe,
            start: Some(start),
            end: end.checked_plus(1),
        };
        let bars = as_run_read(store, Some(agent), q, end)?.collect::<Result<Vec<_>, _>>()?;
        summarize(symbol, agent.timeframe, &bars)?
    };
    let out: Vec<(NaiveDate, f64)> = days
        .into_iter()
        .filter_map(|d| Some((d.date, d.ohlcv?.close.to_f64())))
        .collect();
    Ok((!out.is_empty()).then_some(out))
}

/// Per date, the rows and OHLCV a chart reads (no grid: its filled slots are not read).
fn summarize(symbol: &Symbol, tf: Timeframe, bars: &[Bar]) -> Result<Vec<DaySummary>, AppError> {
    summarize_bars(tf, None, bars).map_err(|e| AppError::Stored(format!("{symbol} {tf}: {e}")))
}

/// The bars of `q` as the run read them: adjusted when its agent asked (`adjustment`), as of the
/// date of the run's `last` bar, so candles and the benchmark line match the prices it traded.
fn as_run_read<'a, S: BarStore + ActionStore + ?Sized>(
    store: &'a S,
    agent: Option<&AgentConfig>,
    q: BarQuery,
    last: UnixNanos,
) -> Result<Box<dyn Iterator<Item = Result<domain::Bar, StoreError>> + 'a>, AppError> {
    let adjustment = agent.map_or_else(Default::default, |a| a.adjustment);
    let spec = AdjustSpec {
        adjustment,
        as_of: Some(bar_date(last, q.timeframe)),
    };
    let adjust = adjuster(store, &q.symbol, q.timeframe, spec)?;
    let raw = store.bars(q);
    Ok(match adjust {
        Some(a) => Box::new(adjusted(raw, a.adjuster)),
        None => Box::new(raw),
    })
}
