//! `data retain`.

use app::data::retain::RetainReport;

use crate::{Text, table};

/// `12.3 MB`, in powers of 1000 as disk sizes are sold.
fn size(bytes: u64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < units.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", units[u])
    }
}

/// `data retain`: one row per series a policy names, then the totals and what was given back.
pub fn retain(t: &mut Text, r: &RetainReport) {
    let head = if r.applied {
        "deleted"
    } else {
        "would delete (dry run; --apply deletes)"
    };
    t.line(format!("retention as of {}: {head}", r.as_of.to_rfc3339()));
    let table = table(
        &[
            "series",
            "keep",
            "before",
            "old rows",
            "rows",
            "≈ size",
            "not rolled up",
            "runs' data",
            "held by a coarser series",
        ],
        r.series.iter().map(|s| {
            vec![
                s.series.label(),
                s.keep.to_string(),
                s.first_kept.map_or("-".into(), |d| d.to_string()),
                s.old_rows.to_string(),
                s.rows.to_string(),
                size(s.bytes),
                s.kept_not_rolled_up.to_string(),
                match s.runs.as_slice() {
                    [] => s.kept_for_runs.to_string(),
                    ids => format!(
                        "{} (runs {})",
                        s.kept_for_runs,
                        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
                    ),
                },
                s.rolled_up.clone(),
            ]
        }),
    );
    t.line(table.to_string());
    t.line(format!(
        "{} rows, ≈ {}; the size is {}",
        r.rows,
        size(r.bytes),
        r.bytes_estimate
    ));
    for c in &r.chunks {
        let rows: u64 = c.rows.iter().map(|(_, n)| n).sum();
        t.line(format!(
            "TimescaleDB: whole chunks before {} dropped ({rows} rows)",
            c.until.to_rfc3339()
        ));
    }
    if let Some(rc) = &r.reclaimed {
        match rc.bytes {
            Some(b) => t.line(format!("reclaimed {}: {}", size(b), rc.how)),
            None => t.line(rc.how.clone()),
        }
    }
    if !r.force && r.series.iter().any(|s| s.kept_for_runs > 0) {
        t.warn("some old rows were kept because stored backtest runs read them; --force deletes them too");
    }
}
