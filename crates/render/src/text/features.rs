//! `backtest features RUN`: the provenance, then one row per bar and symbol.

use app::features::value_text;
use store::StoredFeatures;

use crate::{Text, table};

pub fn features(t: &mut Text, f: &StoredFeatures) {
    let p = &f.provenance;
    t.line(format!(
        "run {}: {} bars, {} on the {} calendar, config {}, {}",
        f.run_id,
        f.rows.len(),
        p.timeframe,
        p.calendar,
        p.config_hash,
        p.engine_version
    ));
    let info = p.features.iter().map(|i| {
        vec![
            i.name.clone(),
            i.params.clone(),
            i.warmup_bars.to_string(),
            i.warmup_sessions.to_string(),
        ]
    });
    t.line(
        table(
            &["feature", "params", "warm-up bars", "warm-up sessions"],
            info,
        )
        .to_string(),
    );
    let names: Vec<&str> = p.features.iter().map(|i| i.name.as_str()).collect();
    let header: Vec<&str> = ["symbol", "time", "session"]
        .into_iter()
        .chain(names.iter().copied())
        .collect();
    let rows = f.rows.iter().map(|r| {
        let mut row = vec![
            r.symbol.to_string(),
            r.ts.to_rfc3339(),
            r.session.to_string(),
        ];
        row.extend(
            names
                .iter()
                .map(|n| value_text(r.values.get(*n).copied().flatten())),
        );
        row
    });
    t.line(table(&header, rows).to_string());
}
