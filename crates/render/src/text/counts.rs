//! One-line summaries of writes: imports, seeding, deletions.

use app::data::seed::SeedSummary;
use store::UpsertCounts;

use crate::Text;

/// `SPY 1m: 3 inserted, 0 updated, 0 unchanged, 1 skipped`.
pub fn upserted(t: &mut Text, what: &str, c: &UpsertCounts) {
    t.line(format!(
        "{what}: {} inserted, {} updated, {} unchanged, {} skipped",
        c.inserted, c.updated, c.unchanged, c.skipped
    ));
}

/// `data seed`.
pub fn seeded(t: &mut Text, s: &SeedSummary, symbols: &str, timeframe: domain::Timeframe) {
    let total = |c: &UpsertCounts| c.inserted + c.updated + c.unchanged;
    t.line(format!(
        "seeded {} bars ({} inserted) and {} sentiment records for {symbols} at {timeframe}",
        total(&s.bars),
        s.bars.inserted,
        total(&s.sentiment)
    ));
}
