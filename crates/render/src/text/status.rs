//! `data status`.

use app::data::status::{SeriesRow, StatusReport};

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
            ]
        }),
    );
    t.line(table.to_string());
}
