//! Sweeps: the stored list, a ranking, a walk-forward with its stability.

use app::sweep::SweepReport;
use app::sweep::walk::WalkForwardReport;
use app::views::fmt::{pct, ratio};
use store::SweepSummary;

use crate::{Text, table};

/// `fast=5..9 slow=20,30` from a sweep's grid.
pub(crate) fn grid_text(grid: &serde_json::Value) -> String {
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
pub fn sweeps(t: &mut Text, sweeps: &[SweepSummary]) {
    if sweeps.is_empty() {
        t.line("no stored sweeps; `ztrade backtest sweep AGENT --param …` makes one");
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
    t.line(format!("{}", table(&header, rows)));
}

pub fn sweep(t: &mut Text, r: &SweepReport, top: usize) {
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
    t.line(format!("{}", table(&refs, body)));
    t.line(format!(
        "{} combinations ranked by {}{}",
        r.runs.len(),
        r.metric.as_str(),
        if r.invalid_combinations > 0 {
            format!(", {} invalid skipped", r.invalid_combinations)
        } else {
            String::new()
        }
    ));
    if r.runs.iter().any(|row| row.run_id.is_some() && !row.kept) {
        t.line(
            "runs marked (metrics) were stored with their parameters and metrics only; \
             --keep all stores every run's fills and equity",
        );
    }
}

pub fn walk_forward(t: &mut Text, r: &WalkForwardReport) {
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
    t.line(format!("{}", table(&header, rows)));
    t.line(format!(
        "windows of {} + {} sessions; compounded out-of-sample return: {:.2}% over {} windows",
        r.train_sessions,
        r.test_sessions,
        r.out_of_sample_return * 100.0,
        r.windows.len()
    ));
    let s = &r.stability;
    let chosen = s.chosen.iter().map(|c| {
        vec![
            serde_json::Value::Object(c.params.clone()).to_string(),
            format!("{} of {}", c.windows, r.windows.len()),
        ]
    });
    t.line(format!("{}", table(&["params", "chosen"], chosen)));
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
    t.line(format!(
        "{}",
        table(
            &["", "in-sample (mean of winners)", "out-of-sample (chained)"],
            figures
        )
    ));
    if let Some(d) = s.sharpe_decay {
        t.line(format!("Sharpe decay (out-of-sample / in-sample): {d:.2}"));
    }
    for w in &s.warnings {
        t.warn(w.to_string());
    }
}

/// `backtest show --sweep ID`: its summary line, then its ranking or walk-forward report drawn as
/// when it ran. A report that does not read back as either is an error.
pub fn stored_sweep(t: &mut Text, stored: &store::StoredSweep) -> Result<(), serde_json::Error> {
    sweeps(t, std::slice::from_ref(&stored.summary));
    let report = &stored.report;
    if report.get("windows").is_some() {
        walk_forward(t, &serde_json::from_value(report.clone())?);
    } else if report.get("runs").is_some() {
        sweep(t, &serde_json::from_value(report.clone())?, usize::MAX);
    } else {
        t.line("this sweep stopped before its report was stored");
    }
    Ok(())
}
