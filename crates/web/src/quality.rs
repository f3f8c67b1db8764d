//! The data-quality findings on `/data` (and in `/api/data`): per series the summary of its
//! last `data validate` (when, counts by severity, coverage) and its latest warnings and
//! errors, read from the store (`QualityStore`); nothing here checks anything.

use app::data::status::QualityCell;
use domain::quality::{Finding, Severity};
use maud::{Markup, html};
use serde::Serialize;
use store::{FindingFilter, QualityStore, QualitySummary, SeriesKey, SeriesKind, SeriesStatus};

use crate::error::WebError;

/// Warnings and errors shown per series, the first ones in time order.
const SHOWN: u64 = 20;

/// A series' stored quality: its last check and the first of its warnings and errors.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SeriesQuality {
    pub findings: Vec<Finding>,
}

/// Every checked series' summary, read once per page.
pub fn summaries(store: &(impl QualityStore + ?Sized)) -> Result<Vec<QualitySummary>, WebError> {
    Ok(store.quality_summaries()?)
}

/// The summary cell and the findings of a bar (`quotes` false) or quote-bar series.
pub fn of_series(
    store: &(impl QualityStore + ?Sized),
    all: &[QualitySummary],
    s: &SeriesStatus,
    quotes: bool,
) -> Result<(Option<QualityCell>, SeriesQuality), WebError> {
    let key = SeriesKey {
        kind: if quotes {
            SeriesKind::QuoteBars
        } else {
            SeriesKind::Bars
        },
        symbol: s.symbol.clone(),
        timeframe: Some(s.timeframe),
    };
    let Some(summary) = all.iter().find(|q| q.check.series == key) else {
        return Ok((None, SeriesQuality::default()));
    };
    let findings = store
        .quality_findings(&FindingFilter {
            series: Some(key),
            min_severity: Some(Severity::Warn),
            limit: Some(SHOWN),
        })?
        .into_iter()
        .map(|f| f.finding)
        .collect();
    Ok((Some(QualityCell::of(summary)), SeriesQuality { findings }))
}

/// `1 warning`, `2 warnings`.
fn count(n: u64, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The quality line and table of one series on `/data`.
pub fn section(cell: Option<&QualityCell>, q: &SeriesQuality, daily: bool) -> Markup {
    let at = |t: domain::UnixNanos| {
        if daily {
            t.utc_date().to_string()
        } else {
            t.to_rfc3339()
        }
    };
    html! {
        @match cell {
            None => p.quality { "quality: never checked (" code { "ztrade data validate" } ")" },
            Some(c) => p.quality {
                "quality, checked " (c.checked_at) ": " (count(c.errors, "error")) ", " (count(c.warnings, "warning")) ", " (c.infos) " info"
                @if let Some(cov) = c.coverage { " · coverage " (format!("{cov:.3}%")) }
            },
        }
        @if !q.findings.is_empty() {
            table.list.findings {
                thead { tr { th { "severity" } th { "kind" } th { "from" } th { "to" } th { "reason" } } }
                tbody {
                    @for f in &q.findings {
                        tr class=(f.severity.as_str()) {
                            td { (f.severity) } td { (f.kind) } td { (at(f.start)) }
                            td { @if f.end != f.start { (at(f.end)) } } td { (f.reason) }
                        }
                    }
                }
            }
        }
    }
}
