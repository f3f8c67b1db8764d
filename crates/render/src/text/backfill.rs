//! `data backfill`.

use collector::backfill::{BackfillReport, SymbolReport};

use crate::{Text, table};

fn notes(r: &SymbolReport) -> String {
    let mut n = Vec::new();
    if r.up_to_date {
        n.push("up to date".to_string());
    }
    if r.resumed {
        n.push("resumed".into());
    }
    for (count, what) in [
        (r.crossed, "crossed quotes"),
        (r.repeated, "repeated rows dropped"),
        (r.trade_updates, "trade corrections skipped"),
        (r.outside, "rows outside the request"),
        (r.restarts, "chunks restarted"),
    ] {
        if count > 0 {
            n.push(format!("{count} {what}"));
        }
    }
    n.join(", ")
}

/// `data backfill`: a row per symbol, the errors of those that stopped early, then the totals.
pub fn backfill(t: &mut Text, r: &BackfillReport, elapsed: f64) {
    let rows = r.symbols.iter().map(|s| {
        vec![
            s.symbol.clone(),
            s.rows.inserted.to_string(),
            s.rows.updated.to_string(),
            s.rows.unchanged.to_string(),
            s.pages.to_string(),
            if s.ok() {
                notes(s)
            } else {
                "stopped early (below)".into()
            },
        ]
    });
    t.line(
        table(
            &[
                "symbol",
                "inserted",
                "updated",
                "unchanged",
                "pages",
                "notes",
            ],
            rows,
        )
        .to_string(),
    );
    for s in r.symbols.iter().filter(|s| !s.ok()) {
        t.line(format!("{}: {}", s.symbol, s.errors.join("; ")));
    }
    let offered = r.rows.inserted + r.rows.updated + r.rows.unchanged;
    t.line(format!(
        "{} {} from {}: {} inserted, {} updated, {} unchanged in {} pages, {:.1} s ({:.0} rows/s)",
        r.kind,
        r.timeframe.map(|t| t.to_string()).unwrap_or_default(),
        r.provider,
        r.rows.inserted,
        r.rows.updated,
        r.rows.unchanged,
        r.pages,
        elapsed,
        offered as f64 / elapsed.max(1e-3)
    ));
}
