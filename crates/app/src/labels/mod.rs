//! Triple-barrier labels of a run's entry signals and the ML dataset built from them
//! (`ztrade ml labels`, `ztrade ml export`).
//!
//! - [`label_run`]: a stored run → its bars (all stored bars of its symbols at its timeframe, and
//!   finer bars for `intrabar: finer_bars`) → its entries ([`sources::EntrySource`]) → the pure
//!   [`labels`] crate, with the agent's costs and intrabar rule → [`store::LabelStore`], replacing
//!   the run's earlier labels → a [`LabelReport`].
//! - [`dataset`]: the stored labels joined with features ([`sources::FeatureSource`]) on
//!   (symbol, t0), written as CSV or Parquet with a manifest beside it.
//! - [`sources`]: the entry and feature sources, and the interim ones used until the journal and
//!   the feature store land (the switch point is documented there).
//!
//! Barriers come from the flags, else from the agent's own `risk.take_profit_pct` and
//! `risk.stop_loss_pct`.

pub mod dataset;
pub mod sources;

use backtest::{AgentConfig, IntrabarPolicy, Pct};
use domain::{Price, Quantity, Symbol};
use labels::{Label, LabelParams, Level, Series, Skipped, TimeStop, label_series, weights};
use serde::Serialize;
use store::{BarQuery, BarStore, LabelRow, LabelStore, RunStore, StoredRun, SymbolStore};

use crate::AppError;
use sources::{EntrySource, RunBars, SymbolBars};

/// `ztrade ml labels`'s flags, as given.
#[derive(Debug, Clone, Default)]
pub struct LabelRequest {
    pub run_id: i64,
    /// Percent, as `take_profit_pct` in an agent.
    pub take_profit: Option<String>,
    pub stop_loss: Option<String>,
    pub max_bars: Option<u32>,
    pub max_minutes: Option<u32>,
    pub session_close: bool,
    pub vol_window: Option<usize>,
    pub tp_vol: Option<f64>,
    pub sl_vol: Option<f64>,
}

impl LabelRequest {
    /// The label parameters for a run of `agent`.
    pub fn params(&self, agent: &AgentConfig) -> Result<LabelParams, AppError> {
        let pct = |flag: &str, v: &Option<String>| {
            v.as_deref()
                .map(|t| {
                    Price::parse(t)
                        .map(|p| Level::Pct(Pct::from_percent(p)))
                        .map_err(|e| AppError::input(format!("--{flag} {t:?}: {e}")))
                })
                .transpose()
        };
        let pick = |flag: &str, p: Option<Level>, vol: Option<f64>, agent: Option<Pct>| {
            let short = if flag == "take-profit" { "tp" } else { "sl" };
            match (p, vol) {
                (Some(_), Some(_)) => Err(AppError::input(format!(
                    "--{flag} and --{short}-vol: give one"
                ))),
                (Some(p), None) => Ok(Some(p)),
                (None, Some(k)) => Ok(Some(Level::Vol(k))),
                (None, None) => Ok(agent.map(Level::Pct)),
            }
        };
        let p = LabelParams {
            take_profit: pick(
                "take-profit",
                pct("take-profit", &self.take_profit)?,
                self.tp_vol,
                agent.risk.take_profit_pct,
            )?,
            stop_loss: pick(
                "stop-loss",
                pct("stop-loss", &self.stop_loss)?,
                self.sl_vol,
                agent.risk.stop_loss_pct,
            )?,
            vol_window: self.vol_window.unwrap_or(20),
            time: TimeStop {
                max_bars: self.max_bars,
                max_minutes: self.max_minutes,
                session_close: self.session_close,
            },
            intrabar: agent.intrabar,
            costs: agent.costs,
            quantity: Quantity::from_int(1),
        };
        p.validate().map_err(|e| AppError::input(e.to_string()))?;
        Ok(p)
    }
}

/// Counts per barrier and per label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub tp: usize,
    pub sl: usize,
    pub time: usize,
}

/// What `ztrade ml labels` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelReport {
    pub run_id: i64,
    pub agent_id: String,
    pub entry_source: String,
    pub params: serde_json::Value,
    pub entries: usize,
    pub labelled: usize,
    pub skipped: Skipped,
    pub barriers: Tally,
    /// Meta-labels equal to 1 (trades that made money net of costs).
    pub winners: usize,
    pub mean_ret: Option<f64>,
    pub mean_uniqueness: Option<f64>,
}

/// Loads a stored run and its agent.
pub fn load_run(
    store: &(impl RunStore + ?Sized),
    run_id: i64,
) -> Result<(StoredRun, AgentConfig), AppError> {
    let run = store.get_run(run_id)?;
    let agent: AgentConfig = serde_json::from_value(run.config.clone()).map_err(|e| {
        AppError::Stored(format!(
            "run {run_id}: its agent config cannot be read back: {e}"
        ))
    })?;
    Ok((run, agent))
}

/// Every stored bar of the agent's symbols at its timeframe (the labels may run past the run's
/// end and σ needs bars before its start), and finer bars for `intrabar: finer_bars`.
pub fn load_bars(
    store: &(impl BarStore + ?Sized),
    agent: &AgentConfig,
) -> Result<RunBars, AppError> {
    let streams = crate::run::source::streams_needed(store, agent)?;
    let mut out = RunBars::new();
    for (symbol, tf) in streams {
        let q = BarQuery {
            symbol: symbol.clone(),
            timeframe: tf,
            start: None,
            end: None,
        };
        let bars = store.bars(q).collect::<Result<Vec<_>, _>>()?;
        let slot: &mut SymbolBars = out.entry(symbol).or_default();
        if tf == agent.timeframe {
            slot.bars = bars;
        } else {
            slot.finer = bars;
        }
    }
    Ok(out)
}

/// Labels every entry of run `req.run_id` and stores the labels (replacing earlier ones).
/// `ml labels`: [`label_run`] on the entries [`sources::stored_entries`] picks (the journal's
/// promoted signals, or the opening fills of a run stored without `--journal`).
pub fn label_stored(
    store: &mut (impl RunStore + BarStore + SymbolStore + LabelStore + store::JournalStore + ?Sized),
    req: &LabelRequest,
) -> Result<LabelReport, AppError> {
    let entries = sources::stored_entries(&*store, req.run_id)?;
    label_run(store, req, entries.as_ref())
}

pub fn label_run(
    store: &mut (impl RunStore + BarStore + SymbolStore + LabelStore + ?Sized),
    req: &LabelRequest,
    source: &dyn EntrySource,
) -> Result<LabelReport, AppError> {
    let (run, agent) = load_run(store, req.run_id)?;
    let params = req.params(&agent)?;
    let bars = load_bars(store, &agent)?;
    let entries = source.entries(&run, &bars)?;
    let mut labels: Vec<(Symbol, Label)> = Vec::with_capacity(entries.len());
    let mut skipped = Skipped::default();
    for (symbol, b) in &bars {
        let mine: Vec<labels::Entry> = entries
            .iter()
            .filter(|(s, _)| s == symbol)
            .map(|(_, e)| *e)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let series = Series {
            bars: &b.bars,
            finer: if params.intrabar == IntrabarPolicy::FinerBars {
                &b.finer
            } else {
                &[]
            },
            timeframe: agent.timeframe,
            calendar: store.symbol_calendar(symbol)?,
        };
        let out = label_series(&series, &mine, &params).map_err(|e| match e {
            labels::LabelError::Params(m) => AppError::Input(m),
            labels::LabelError::Overflow(m) => AppError::Overflow(m),
        })?;
        skipped.no_next_bar += out.skipped.no_next_bar;
        skipped.no_sigma += out.skipped.no_sigma;
        labels.extend(out.labels.into_iter().map(|l| (symbol.clone(), l)));
    }
    let mut only: Vec<Label> = labels.iter().map(|(_, l)| l.clone()).collect();
    weights::normalize_returns(&mut only);
    let rows: Vec<LabelRow> = labels
        .iter()
        .zip(&only)
        .map(|((s, _), l)| row(s, l))
        .collect();
    let params_json = serde_json::to_value(&params)
        .map_err(|e| AppError::Stored(format!("label parameters: {e}")))?;
    store.save_labels(run.summary.id, &params_json, &rows)?;
    Ok(report(
        &run,
        source.name(),
        params_json,
        entries.len(),
        skipped,
        &only,
    ))
}

fn row(symbol: &Symbol, l: &Label) -> LabelRow {
    LabelRow {
        signal_id: l.id,
        symbol: symbol.clone(),
        t0: l.t0,
        side: l.side.map(|d| d.sign()),
        entry_time: l.entry_time,
        entry_price: l.entry_price,
        take_profit: l.take_profit,
        stop_loss: l.stop_loss,
        t1: l.t1,
        exit_price: l.exit_price,
        barrier: l.barrier.as_str().to_owned(),
        ret: l.ret,
        label: l.label,
        meta_label: l.meta_label.map(|m| m as i8),
        weight_uniqueness: l.weight_uniqueness,
        weight_return: l.weight_return,
    }
}

fn report(
    run: &StoredRun,
    source: &str,
    params: serde_json::Value,
    entries: usize,
    skipped: Skipped,
    labels: &[Label],
) -> LabelReport {
    let mut barriers = Tally::default();
    for l in labels {
        match l.barrier {
            labels::Barrier::TakeProfit => barriers.tp += 1,
            labels::Barrier::StopLoss => barriers.sl += 1,
            labels::Barrier::Time => barriers.time += 1,
        }
    }
    let n = labels.len() as f64;
    let mean =
        |f: fn(&Label) -> f64| (!labels.is_empty()).then(|| labels.iter().map(f).sum::<f64>() / n);
    LabelReport {
        run_id: run.summary.id,
        agent_id: run.summary.agent_id.clone(),
        entry_source: source.to_owned(),
        params,
        entries,
        labelled: labels.len(),
        skipped,
        barriers,
        winners: labels.iter().filter(|l| l.meta_label == Some(1)).count(),
        mean_ret: mean(|l| l.ret),
        mean_uniqueness: mean(|l| l.weight_uniqueness),
    }
}
