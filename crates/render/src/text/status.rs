//! `data status`.

use app::data::status::StatusReport;

use crate::{Text, table};

/// `data status`: one row per stored series.
pub fn status(t: &mut Text, report: &StatusReport) {
    if report.series.is_empty() {
        t.line("the store holds no bars yet; try `ztrade data seed` or `ztrade data import FILE`");
        return;
    }
    let table = table(
        &[
            "symbol",
            "kind",
            "timeframe",
            "rows",
            "first",
            "last",
            "missing",
        ],
        report.series.iter().map(|r| {
            vec![
                r.symbol.clone(),
                r.kind.to_string(),
                r.timeframe.clone(),
                r.rows.to_string(),
                r.first.clone(),
                r.last.clone(),
                r.missing.map_or("n/a".into(), |m| m.to_string()),
            ]
        }),
    );
    t.line(table.to_string());
}
