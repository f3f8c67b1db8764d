//! `data validate`: per series a line with its coverage and counts, then its warnings and
//! errors as a table; info findings are counted (`--json` lists every finding).

use app::data::validate::ValidateReport;
use domain::quality::Severity;

use crate::{Text, table};

pub fn validate(t: &mut Text, r: &ValidateReport) {
    for s in &r.series {
        let tf = s
            .check
            .series
            .timeframe
            .map(|t| format!(" {t}"))
            .unwrap_or_default();
        let coverage = s
            .coverage
            .map(|c| format!(", coverage {c:.3}%"))
            .unwrap_or_default();
        t.line(format!(
            "{}{tf} {}: {} rows{coverage}; {} errors, {} warnings, {} info",
            s.check.series.symbol,
            s.check.series.kind,
            s.check.rows,
            s.counts.error,
            s.counts.warn,
            s.counts.info
        ));
        let shown: Vec<_> = s
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warn)
            .collect();
        if shown.is_empty() {
            continue;
        }
        let daily = s
            .check
            .series
            .timeframe
            .is_some_and(|t| t.is_daily_or_longer());
        let at = |u: domain::UnixNanos| {
            if daily {
                u.utc_date().to_string()
            } else {
                u.to_rfc3339()
            }
        };
        let rows = shown.iter().map(|f| {
            vec![
                f.severity.to_string(),
                f.kind.to_string(),
                at(f.start),
                if f.end == f.start {
                    String::new()
                } else {
                    at(f.end)
                },
                f.reason.clone(),
            ]
        });
        t.line(table(&["severity", "kind", "from", "to", "reason"], rows).to_string());
    }
    t.line(format!(
        "{} series checked: {} errors, {} warnings, {} info (stored; `data status` shows them, \
         `--json` lists every finding)",
        r.series.len(),
        r.counts.error,
        r.counts.warn,
        r.counts.info
    ));
}
