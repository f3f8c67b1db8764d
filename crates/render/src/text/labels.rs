//! `ml labels` and `ml export`.

use app::labels::LabelReport;
use app::labels::dataset::DatasetReport;

use crate::{Text, table};

/// `ml labels`: what was labelled, and how the labels fell.
pub fn labels(t: &mut Text, r: &LabelReport) {
    t.line(format!(
        "run {} ({}): {} of {} entries labelled; entries from {}",
        r.run_id, r.agent_id, r.labelled, r.entries, r.entry_source
    ));
    let f = |x: Option<f64>, pct: bool| match x {
        Some(v) if pct => format!("{:.4}%", v * 100.0),
        Some(v) => format!("{v:.4}"),
        None => "-".into(),
    };
    let rows = vec![
        vec!["take-profit".into(), r.barriers.tp.to_string()],
        vec!["stop-loss".into(), r.barriers.sl.to_string()],
        vec!["time".into(), r.barriers.time.to_string()],
        vec!["made money (meta-label 1)".into(), r.winners.to_string()],
        vec!["mean return, net".into(), f(r.mean_ret, true)],
        vec!["mean uniqueness".into(), f(r.mean_uniqueness, false)],
    ];
    t.line(table(&["labels", "count"], rows).to_string());
    if r.skipped.no_next_bar > 0 {
        t.warn(format!(
            "{} entries have no bar after their signal",
            r.skipped.no_next_bar
        ));
    }
    if r.skipped.no_sigma > 0 {
        t.warn(format!(
            "{} entries have no volatility yet (fewer bars than --vol-window before them, or flat prices)",
            r.skipped.no_sigma
        ));
    }
}

/// `ml export`: the files written.
pub fn dataset(t: &mut Text, r: &DatasetReport) {
    t.line(format!(
        "wrote {} rows of run {} to {} ({} columns, {} features); manifest {}",
        r.manifest.rows,
        r.manifest.run_id,
        r.file.display(),
        r.manifest.columns.len(),
        r.manifest.features.len(),
        r.manifest_file.display()
    ));
}
