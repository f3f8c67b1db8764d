//! `data rollup`.

use app::data::rollup::RollupReport;

use crate::{Text, table};

/// `data rollup`: one row per target timeframe.
pub fn rollup(t: &mut Text, r: &RollupReport) {
    // The default calendar goes unsaid.
    let calendar = match r.calendar {
        domain::calendar::Calendar::Nyse => String::new(),
        c => format!(" of the {c} calendar"),
    };
    t.line(format!(
        "{} {} rolled up over {} hours{calendar}{}",
        r.symbol,
        r.from,
        r.hours.as_str(),
        if r.full { " (full)" } else { "" }
    ));
    let stamp = |s: Option<domain::UnixNanos>| s.map_or("-".to_string(), |s| s.to_rfc3339());
    let table = table(
        &[
            "to",
            "after",
            "source bars",
            "buckets",
            "inserted",
            "updated",
            "unchanged",
            "batches",
            "checkpoint",
        ],
        r.targets.iter().map(|x| {
            vec![
                x.to.to_string(),
                stamp(x.resumed_after),
                x.source_bars.to_string(),
                x.buckets.to_string(),
                x.inserted.to_string(),
                x.updated.to_string(),
                x.unchanged.to_string(),
                x.batches.to_string(),
                stamp(x.last_source),
            ]
        }),
    );
    t.line(table.to_string());
}
