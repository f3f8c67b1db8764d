//! Tables for the typed reports of `app` (the `--json` output is the reports themselves):
//! a run, the run list, a stored run, a comparison; sweeps, status, `data aggregate`,
//! roll-ups, symbols and `data validate` in their own files.
//! roll-ups, retention and the journal in their own files.

use app::run::Run;
use app::views::fmt::{money, money_or_blank, pct, ratio, stamp};
use app::views::round_trips::ROUND_TRIP_COLUMNS;
use app::views::{
    CompareReport, RoundTrip, StoredRunReport, metric_rows, round_trips, short_run_note,
    warmup_note,
};
use app::views::{Entry, params_text};

use crate::{Text, table};

mod aggregate;
mod backfill;
mod collection;
mod counts;
mod features;
mod job_health;
mod journal;
mod labels;
mod options;
mod paper;
mod retain;
mod rollup;
mod setup;
mod status;
mod store_admin;
mod sweep;
mod symbols;
mod validate;

pub use aggregate::aggregate;
pub use backfill::backfill;
pub use collection::{embedded, scheduler, worker};
pub use counts::{seeded, upserted};
pub use features::features;
pub use job_health::job_health;
pub use journal::{journal, run_outcome};
pub use labels::{dataset, labels};
pub use options::{option_chain, option_import, option_scan};
pub use paper::{paper_run, replay, sessions};
pub use retain::retain;
pub use rollup::rollup;
pub use setup::{agent_checks, agents, key_audit, keys};
pub use status::status;
pub use store_admin::{actions_imported, demo_next, demo_step, migrated, schema_status};
use sweep::grid_text;
pub use sweep::{stored_sweep, sweep, sweeps, walk_forward};
pub use symbols::{calendar_change, symbol, symbols};
pub use validate::validate;

pub fn run(t: &mut Text, run_id: Option<i64>, o: &Run, trades: bool) {
    let r = &o.result;
    let symbols: Vec<&str> = o.agent.symbols.iter().map(|s| s.as_str()).collect();
    t.line(format!(
        "{} on {} {}  {} → {}",
        o.agent.id,
        symbols.join(","),
        o.agent.timeframe,
        stamp(r.start, r.timeframe),
        stamp(r.end, r.timeframe)
    ));
    t.line(format!(
        "capital {} → equity {}  ({} fills, {} bars){}",
        money(r.initial_capital),
        money(r.final_equity),
        r.fills.len(),
        r.counts.bars,
        run_id.map_or("  [not saved]".into(), |id| format!("  run #{id}"))
    ));
    if let Some(note) = warmup_note(&o.warmup, r.timeframe) {
        if o.warmup.short() {
            t.warn(note);
        } else {
            t.line(&note);
        }
    }
    if !o.without_ticks.is_empty() {
        let names: Vec<&str> = o.without_ticks.iter().map(|s| s.as_str()).collect();
        t.warn(format!(
            "no ticks stored for {} in the run's window: its cvd and obi have no value, so a \
             filter on them lets no entry through",
            names.join(", ")
        ));
    }
    if let Some(h) = &r.halted {
        t.line(format!("halted at {}: {}", h.at, h.reason));
    }
    let rows = metric_rows(&o.metrics)
        .into_iter()
        .map(|m| vec![m.name.to_string(), m.text]);
    t.line(format!("{}", table(&["metric", "value"], rows)));
    if let Some(note) = short_run_note(&o.metrics) {
        t.line(&note);
    }
    if trades {
        round_trips_table(t, &round_trips(&r.fills, r.timeframe));
    }
}

/// One row per round trip, then a count of the open position's fills if any.
pub fn round_trips_table(t: &mut Text, trips: &[RoundTrip]) {
    if trips.is_empty() {
        t.line("no round trip closed");
        return;
    }
    let rows = trips.iter().map(|t| t.cells().to_vec());
    let header = ROUND_TRIP_COLUMNS;
    t.line(format!("{}", table(&header, rows)));
}

pub fn list(t: &mut Text, entries: &[Entry]) {
    if entries.is_empty() {
        t.line("no stored runs yet; try `ztrade backtest run AGENT` or `ztrade demo`");
        return;
    }
    let rows = entries.iter().map(|e| match e {
        Entry::Run(r) => {
            let ret = (r.final_capital - r.initial_capital).to_f64() / r.initial_capital.to_f64();
            vec![
                r.id.to_string(),
                r.agent_id.clone(),
                params_text(r.params.as_ref()),
                r.start.utc_date().to_string(),
                r.end.utc_date().to_string(),
                money(r.final_capital),
                pct(Some(ret)),
                ratio(r.sharpe_ratio),
                pct(Some(-r.max_drawdown)),
                r.total_trades.to_string(),
                r.created_at.clone(),
            ]
        }
        Entry::Sweep(s) => vec![
            format!("sweep {}", s.id),
            s.agent_id.clone(),
            if s.keep.starts_with("walk-forward") {
                format!("{} of {} by {}", s.keep, grid_text(&s.grid), s.metric)
            } else {
                format!("{} runs of {} by {}", s.runs, grid_text(&s.grid), s.metric)
            },
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            format!("`backtest sweeps {}`", s.id),
            s.created_at.clone(),
        ],
    });
    let header = [
        "id",
        "agent",
        "params",
        "start",
        "end",
        "final equity",
        "return",
        "Sharpe",
        "max DD",
        "trades",
        "created",
    ];
    t.line(format!("{}", table(&header, rows)));
}

pub fn show(
    t: &mut Text,
    run: &StoredRunReport<'_>,
    trades: &[domain::Fill],
    tf: domain::Timeframe,
) {
    let s = run.run;
    t.line(format!(
        "run #{}  agent {}  {} → {}  created {}",
        s.id, s.agent_id, s.start, s.end, s.created_at
    ));
    t.line(format!(
        "params {}{}",
        params_text(s.params.as_ref()),
        s.sweep_id.map_or(String::new(), |id| format!(
            "  (sweep {id}: `backtest sweeps {id}`)"
        ))
    ));
    t.line(format!(
        "engine {}  data {}",
        run.engine_version, run.data_fingerprint
    ));
    let rows = metric_rows(run.metrics)
        .into_iter()
        .map(|m| vec![m.name.to_string(), m.text]);
    t.line(format!("{}", table(&["metric", "value"], rows)));
    if let Some(note) = short_run_note(run.metrics) {
        t.line(&note);
    }
    if !run.fills_kept {
        t.line(
            "fills and equity were not kept: a sweep stored this run with its parameters and \
             metrics only (sweep --keep all keeps them)",
        );
        return;
    }
    let Some(trips) = &run.round_trips else {
        return;
    };
    round_trips_table(t, trips);
    let rows = trades.iter().map(|t| {
        vec![
            stamp(t.timestamp, tf),
            t.symbol.to_string(),
            t.action.to_string(),
            t.quantity.to_string(),
            t.price.to_string(),
            money(t.commission),
            money_or_blank(t.pnl),
            t.reason.clone(),
        ]
    });
    let header = [
        "timestamp",
        "symbol",
        "action",
        "qty",
        "price",
        "commission",
        "pnl",
        "reason",
    ];
    t.line(format!("{}", table(&header, rows)));
}

/// Metrics side by side; `*` marks the best value of each ranked row.
pub fn compare_table(c: &CompareReport) -> comfy_table::Table {
    let mut header = vec!["metric".to_string()];
    header.extend(
        c.runs
            .iter()
            .map(|r| format!("#{} {}", r.run_id, r.agent_id)),
    );
    let rows = c.rows.iter().map(|row| {
        let mut cells = vec![row.name.to_string()];
        for (text, best) in row.cells.iter().zip(&row.best) {
            cells.push(if *best {
                format!("{text} *")
            } else {
                text.clone()
            });
        }
        cells
    });
    let refs: Vec<&str> = header.iter().map(String::as_str).collect();
    table(&refs, rows)
}
