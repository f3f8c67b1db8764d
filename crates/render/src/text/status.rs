//! `data status`.

use app::data::status::{QualityCell, SeriesRow, StatusReport};

use crate::{Text, table};

/// `data status`: one row per stored series.
pub fn status(t: &mut Text, report: &StatusReport) {
    if report.series.is_empty() {
        t.line("the store holds no bars yet; try `ztrade data seed` or `ztrade data import FILE`");
        return;
    }
    series_table(t, &report.series);
}

/// The rows of `data status` (and of `symbols show`).
pub fn series_table(t: &mut Text, series: &[SeriesRow]) {
    let table = table(
        &[
            "symbol",
            "kind",
            "timeframe",
            "calendar",
            "rows",
            "first",
            "last",
            "missing",
            "quality",
        ],
        series.iter().map(|r| {
            vec![
                r.symbol.clone(),
                r.kind.to_string(),
                r.timeframe.clone(),
                r.calendar.to_string(),
                r.rows.to_string(),
                r.first.clone(),
                r.last.clone(),
                r.missing.map_or("n/a".into(), |m| m.to_string()),
                quality(r.quality.as_ref()),
            ]
        }),
    );
    t.line(table.to_string());
}

/// `2 errors, 1 warning` (or `ok`) since the last `data validate`; `-` if never checked.
fn quality(q: Option<&QualityCell>) -> String {
    let Some(q) = q else {
        return "-".into();
    };
    let plural = |n: u64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match (q.errors, q.warnings) {
        (0, 0) => "ok".into(),
        (0, w) => plural(w, "warning"),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}
