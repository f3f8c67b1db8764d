//! `data aggregate`.

use app::data::aggregate::AggregateReport;
use app::views::fmt::stamp;

use crate::{Text, table};

/// `data aggregate`: what was read, what was written.
pub fn aggregate(t: &mut Text, r: &AggregateReport) {
    let (Some(first), Some(last)) = (r.first, r.last) else {
        t.line(format!(
            "no bars: {} has no counted trades in the range ({} ticks read)",
            r.symbol, r.stats.ticks
        ));
        return;
    };
    let s = &r.stats;
    let rows = [
        (
            "bars",
            format!("{} {} from {}", r.symbol, r.timeframe, r.aggregated_from),
        ),
        (
            "range",
            format!(
                "{} … {}",
                stamp(first, r.timeframe),
                stamp(last, r.timeframe)
            ),
        ),
        (
            "written",
            format!(
                "{} inserted, {} updated, {} unchanged ({} transactions)",
                r.bars.inserted, r.bars.updated, r.bars.unchanged, r.batches
            ),
        ),
        ("ticks read", s.ticks.to_string()),
        ("conditions", r.conditions.name().to_string()),
        ("volume only", s.volume_only.to_string()),
        ("counted nowhere", s.excluded.to_string()),
        ("suspicious (left out)", s.suspicious.to_string()),
        (
            "bars priced by volume-only ticks",
            s.volume_only_bars.to_string(),
        ),
    ];
    let table = table(
        &["", ""],
        rows.iter().map(|(k, v)| vec![k.to_string(), v.clone()]),
    );
    t.line(table.to_string());
}
