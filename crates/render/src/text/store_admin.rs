//! `db migrate`, `db status`, `data actions import` and the demo's steps.

use app::data::actions::ActionsImportReport;
use app::demo::{DemoStep, SAMPLE_AGENTS};
use store::{MigrationInfo, SchemaStatus};

use crate::{Text, table};

/// `db migrate`: what was applied, and the version the store is at now.
pub fn migrated(t: &mut Text, applied: &[MigrationInfo], status: &SchemaStatus) {
    if applied.is_empty() {
        t.line(format!(
            "{} store is up to date at version {}",
            status.backend, status.current
        ));
        return;
    }
    for m in applied {
        t.line(format!("applied {:04} {}", m.version, m.name));
    }
    t.line(format!(
        "{} store now at version {}",
        status.backend, status.current
    ));
}

/// `db status`: the version, then every known migration and when it was applied.
pub fn schema_status(t: &mut Text, status: &SchemaStatus) {
    t.line(format!(
        "backend: {}  version: {} (this ztrade knows {})",
        status.backend, status.current, status.latest
    ));
    let rows = status.migrations.iter().map(|m| {
        vec![
            format!("{:04}", m.version),
            m.name.clone(),
            m.applied_at.clone().unwrap_or_else(|| "pending".into()),
        ]
    });
    t.line(table(&["version", "name", "applied"], rows).to_string());
}

/// `data actions import`.
pub fn actions_imported(t: &mut Text, r: &ActionsImportReport) {
    let c = &r.counts;
    t.line(format!(
        "{}: {} splits and {} dividends: {} inserted, {} updated, {} unchanged, {} skipped",
        r.symbols.join(","),
        r.splits,
        r.dividends,
        c.inserted,
        c.updated,
        c.unchanged,
        c.skipped
    ));
}

/// One step of `ztrade demo`, as it happens.
pub fn demo_step(step: DemoStep<'_>, url: &str, days: u32) -> String {
    match step {
        DemoStep::Seeded(s) => format!(
            "1. store {url}: seeded {} bars and {} sentiment records (SPY, TSLA, AAPL, 5m, {days} sessions)",
            s.bars.inserted + s.bars.updated + s.bars.unchanged,
            s.sentiment.inserted + s.sentiment.updated + s.sentiment.unchanged,
        ),
        DemoStep::AgentsWritten(dir) => format!(
            "2. agents in {}: {}",
            dir.display(),
            SAMPLE_AGENTS.map(|a| a.0).join(", ")
        ),
        DemoStep::Ran { id, run, run_id } => format!(
            "3. ran {id}: equity {} → {} in {} fills, run #{run_id}",
            run.result.initial_capital.round_dp(2),
            run.result.final_equity.round_dp(2),
            run.result.fills.len()
        ),
    }
}

/// After `ztrade demo`: where to go next.
pub fn demo_next(t: &mut Text, first_run: i64, agents_dir: &std::path::Path, report: &str) {
    t.line(format!(
        "\nNext: `ztrade backtest list`, `ztrade backtest show {first_run} --trades`, edit {}/demo_sma.yaml and `ztrade backtest run demo_sma`",
        agents_dir.display()
    ));
    t.line(format!(
        "The charts: open {report} in a browser (it works offline); `ztrade serve` starts the dashboard on http://127.0.0.1:8080"
    ));
}
