//! Tables for the typed reports of `app` (the `--json` output is the reports themselves):
//! a run, the run list, a stored run, a comparison, a sweep, a walk-forward.

use app::run::Run;
use app::sweep::SweepReport;
use app::sweep::walk::WalkForwardReport;
use app::views::fmt::{money, money_or_blank, pct, ratio, stamp};
use app::views::{
    CompareReport, RoundTrip, StoredRunReport, metric_rows, round_trips, short_run_note,
    warmup_note,
};
use app::views::{Entry, params_text};
use store::SweepSummary;

use crate::output::table;

pub fn print_run(run_id: Option<i64>, o: &Run, trades: bool) {
    let r = &o.result;
    let symbols: Vec<&str> = o.agent.symbols.iter().map(|s| s.as_str()).collect();
    println!(
        "{} on {} {}  {} → {}",
        o.agent.id,
        symbols.join(","),
        o.agent.timeframe,
        stamp(r.start, r.timeframe),
        stamp(r.end, r.timeframe)
    );
    println!(
        "capital {} → equity {}  ({} fills, {} bars){}",
        money(r.initial_capital),
        money(r.final_equity),
        r.fills.len(),
        r.counts.bars,
        run_id.map_or("  [not saved]".into(), |id| format!("  run #{id}"))
    );
    if let Some(note) = warmup_note(&o.warmup, r.timeframe) {
        if o.warmup.short() {
            eprintln!("warning: {note}");
        } else {
            println!("{note}");
        }
    }
    if let Some(h) = &r.halted {
        println!("halted at {}: {}", h.at, h.reason);
    }
    let rows = metric_rows(&o.metrics)
        .into_iter()
        .map(|m| vec![m.name.to_string(), m.text]);
    println!("{}", table(&["metric", "value"], rows));
    if let Some(note) = short_run_note(&o.metrics) {
        println!("{note}");
    }
    if trades {
        print_round_trips(&round_trips(&r.fills, r.timeframe));
    }
}

/// One row per round trip, then a count of the open position's fills if any.
pub fn print_round_trips(trips: &[RoundTrip]) {
    if trips.is_empty() {
        println!("no round trip closed");
        return;
    }
    let rows = trips.iter().map(|t| {
        vec![
            t.symbol.clone(),
            t.side.to_string(),
            t.quantity.to_string(),
            t.entry_time.clone(),
            t.entry_price.to_string(),
            t.exit_time.clone(),
            t.exit_price.to_string(),
            money(t.pnl),
            t.exit_reason.clone(),
        ]
    });
    let header = [
        "symbol",
        "side",
        "qty",
        "entry",
        "price",
        "exit",
        "price",
        "P&L",
        "closed by",
    ];
    println!("{}", table(&header, rows));
}

pub fn print_list(entries: &[Entry]) {
    if entries.is_empty() {
        println!("no stored runs yet; try `ztrade backtest run AGENT` or `ztrade demo`");
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
    println!("{}", table(&header, rows));
}

/// `fast=5..9 slow=20,30` from a sweep's grid.
fn grid_text(grid: &serde_json::Value) -> String {
    let Some(map) = grid.as_object() else {
        return grid.to_string();
    };
    map.iter()
        .map(|(k, v)| {
            let values: Vec<String> = v
                .as_array()
                .map(|a| a.iter().map(|x| x.to_string()).collect())
                .unwrap_or_default();
            match values.as_slice() {
                [one] => format!("{k}={one}"),
                [first, .., last] if values.len() > 3 => format!("{k}={first}..{last}"),
                _ => format!("{k}={}", values.join(",")),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `backtest sweeps`: one line per stored sweep.
pub fn print_sweeps(sweeps: &[SweepSummary]) {
    if sweeps.is_empty() {
        println!("no stored sweeps; `ztrade backtest sweep AGENT --param …` makes one");
        return;
    }
    let rows = sweeps.iter().map(|s| {
        vec![
            s.id.to_string(),
            s.agent_id.clone(),
            grid_text(&s.grid),
            s.metric.clone(),
            s.runs.to_string(),
            s.keep.clone(),
            s.created_at.clone(),
        ]
    });
    let header = [
        "sweep", "agent", "grid", "metric", "runs", "kept", "created",
    ];
    println!("{}", table(&header, rows));
}

pub fn print_show(run: &StoredRunReport<'_>, trades: &[domain::Fill], tf: domain::Timeframe) {
    let s = run.run;
    println!(
        "run #{}  agent {}  {} → {}  created {}",
        s.id, s.agent_id, s.start, s.end, s.created_at
    );
    println!(
        "params {}{}",
        params_text(s.params.as_ref()),
        s.sweep_id.map_or(String::new(), |id| format!(
            "  (sweep {id}: `backtest sweeps {id}`)"
        ))
    );
    println!(
        "engine {}  data {}",
        run.engine_version, run.data_fingerprint
    );
    let rows = metric_rows(run.metrics)
        .into_iter()
        .map(|m| vec![m.name.to_string(), m.text]);
    println!("{}", table(&["metric", "value"], rows));
    if let Some(note) = short_run_note(run.metrics) {
        println!("{note}");
    }
    if !run.fills_kept {
        println!(
            "fills and equity were not kept: a sweep stored this run with its parameters and \
             metrics only (sweep --keep all keeps them)"
        );
        return;
    }
    let Some(trips) = &run.round_trips else {
        return;
    };
    print_round_trips(trips);
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
    println!("{}", table(&header, rows));
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

pub fn print_sweep(r: &SweepReport, top: usize) {
    let names: Vec<String> = r
        .runs
        .first()
        .map(|row| row.params.keys().cloned().collect())
        .unwrap_or_default();
    let mut header: Vec<String> = vec!["rank".into()];
    header.extend(names.iter().cloned());
    header.extend(["score", "return", "Sharpe", "max DD", "trades", "run"].map(String::from));
    let body = r.runs.iter().take(top).enumerate().map(|(i, row)| {
        let mut cells = vec![(i + 1).to_string()];
        cells.extend(
            names
                .iter()
                .map(|n| row.params.get(n).map(|v| v.to_string()).unwrap_or_default()),
        );
        cells.extend([
            ratio(row.score),
            pct(row.metrics.total_return),
            ratio(row.metrics.sharpe),
            pct(row.metrics.max_drawdown),
            row.metrics.trades.count.to_string(),
            match row.run_id {
                Some(id) if row.kept => format!("#{id}"),
                Some(id) => format!("#{id} (metrics)"),
                None => "–".into(),
            },
        ]);
        cells
    });
    let refs: Vec<&str> = header.iter().map(String::as_str).collect();
    println!("{}", table(&refs, body));
    println!(
        "{} combinations ranked by {}{}",
        r.runs.len(),
        r.metric.as_str(),
        if r.invalid_combinations > 0 {
            format!(", {} invalid skipped", r.invalid_combinations)
        } else {
            String::new()
        }
    );
    if r.runs.iter().any(|row| row.run_id.is_some() && !row.kept) {
        println!(
            "runs marked (metrics) were stored with their parameters and metrics only; \
             --keep all stores every run's fills and equity"
        );
    }
}

pub fn print_walk_forward(r: &WalkForwardReport) {
    let rows = r.windows.iter().map(|w| {
        let mut best = serde_json::Value::Object(w.best.clone()).to_string();
        if !w.on_grid_edge.is_empty() {
            best.push_str(" (edge)");
        }
        vec![
            format!("{} → {}", w.in_sample[0], w.in_sample[1]),
            format!("{} → {}", w.out_of_sample[0], w.out_of_sample[1]),
            best,
            ratio(w.in_sample_score),
            ratio(w.out_of_sample_score),
            if w.out_of_sample_fills == 0 {
                "no trade".to_string()
            } else {
                pct(w.out_of_sample_return)
            },
        ]
    });
    let header = [
        "in-sample",
        "out-of-sample",
        "best params",
        "IS score",
        "OOS score",
        "OOS return",
    ];
    println!("{}", table(&header, rows));
    println!(
        "windows of {} + {} sessions; compounded out-of-sample return: {:.2}% over {} windows",
        r.train_sessions,
        r.test_sessions,
        r.out_of_sample_return * 100.0,
        r.windows.len()
    );
    let s = &r.stability;
    let chosen = s.chosen.iter().map(|c| {
        vec![
            serde_json::Value::Object(c.params.clone()).to_string(),
            format!("{} of {}", c.windows, r.windows.len()),
        ]
    });
    println!("{}", table(&["params", "chosen"], chosen));
    let figures = [
        (
            "total return",
            pct(s.in_sample.total_return),
            pct(s.out_of_sample.total_return),
        ),
        (
            "annual return",
            pct(s.in_sample.annual_return),
            pct(s.out_of_sample.annual_return),
        ),
        (
            "Sharpe",
            ratio(s.in_sample.sharpe),
            ratio(s.out_of_sample.sharpe),
        ),
        (
            "max drawdown",
            pct(s.in_sample.max_drawdown),
            pct(s.out_of_sample.max_drawdown),
        ),
    ]
    .into_iter()
    .map(|(name, is, oos)| vec![name.to_string(), is, oos]);
    println!(
        "{}",
        table(
            &["", "in-sample (mean of winners)", "out-of-sample (chained)"],
            figures
        )
    );
    if let Some(d) = s.sharpe_decay {
        println!("Sharpe decay (out-of-sample / in-sample): {d:.2}");
    }
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
}
