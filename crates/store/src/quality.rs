//! Data-quality rows (migration 11): a series' latest check ([`SeriesCheck`], read back as a
//! [`QualitySummary`]) and its findings ([`StoredFinding`]), written by
//! [`crate::QualityStore::save_quality`] and decoded here the same way for both backends.

use std::fmt;

use domain::quality::{Counts, Finding, Kind, Observed, Severity};
use domain::{Symbol, Timeframe, UnixNanos};
use serde::Serialize;

use crate::StoreError;
use crate::decode::Columns;
use crate::rows::{parse_symbol, parse_tf};

const CHECKS: &str = "quality_checks";
const FINDINGS: &str = "data_quality";

/// What a checked series holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesKind {
    Bars,
    QuoteBars,
    Trades,
    Quotes,
}

impl SeriesKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bars => "bars",
            Self::QuoteBars => "quote_bars",
            Self::Trades => "trades",
            Self::Quotes => "quotes",
        }
    }

    fn parse(text: &str, table: &'static str) -> Result<Self, StoreError> {
        [Self::Bars, Self::QuoteBars, Self::Trades, Self::Quotes]
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| StoreError::Corrupt {
                table,
                reason: format!("series kind {text:?}"),
            })
    }
}

impl fmt::Display for SeriesKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One checked series: bars or quote bars of a timeframe, or a symbol's trades or quotes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SeriesKey {
    pub kind: SeriesKind,
    pub symbol: Symbol,
    /// `None` for ticks.
    pub timeframe: Option<Timeframe>,
}

impl SeriesKey {
    /// The `timeframe` column: `''` for ticks.
    pub(crate) fn tf_column(&self) -> String {
        self.timeframe.map(|t| t.to_string()).unwrap_or_default()
    }
}

/// What one check of a series looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualityCheck {
    #[serde(flatten)]
    pub series: SeriesKey,
    /// The application's clock when the check ran.
    pub checked_at: UnixNanos,
    /// The first instant looked at; `None`: the whole series.
    pub from: Option<UnixNanos>,
    /// Rows checked.
    pub rows: u64,
    /// Expected-bar slots in the range and those holding a bar (bar series with a grid).
    pub expected: Option<u64>,
    pub filled: Option<u64>,
}

impl QualityCheck {
    /// `filled / expected` in percent, to 4 decimals (so that it reads back from JSON as
    /// written); `None` without a grid or with nothing expected.
    pub fn coverage(&self) -> Option<f64> {
        self.expected
            .zip(self.filled)
            .filter(|(e, _)| *e > 0)
            .map(|(e, f)| (1e6 * f as f64 / e as f64).round() / 1e4)
    }
}

/// One series' check with its findings, as stored: it replaces the series' findings ending at
/// or after `check.from`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesCheck {
    #[serde(flatten)]
    pub check: QualityCheck,
    pub findings: Vec<Finding>,
}

/// A series' latest check and the findings stored for it, counted by severity (those of
/// earlier checks before its `from` included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualitySummary {
    #[serde(flatten)]
    pub check: QualityCheck,
    pub counts: Counts,
}

/// A stored finding with its series and the time of the check that found it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredFinding {
    pub series: SeriesKey,
    pub checked_at: UnixNanos,
    #[serde(flatten)]
    pub finding: Finding,
}

/// Which stored findings to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingFilter {
    /// One series; every series when `None`.
    pub series: Option<SeriesKey>,
    /// Only this severity and worse.
    pub min_severity: Option<Severity>,
    /// At most this many, in the order they are read (series, then first stamp); `None`: all.
    pub limit: Option<u64>,
}

/// The severities at or above `min` as stored, for an `IN` list.
pub(crate) fn severities(min: Option<Severity>) -> Vec<&'static str> {
    Severity::ALL
        .into_iter()
        .filter(|s| min.is_none_or(|m| *s >= m))
        .map(Severity::as_str)
        .collect()
}

pub(crate) fn observed_json(f: &Finding) -> Result<String, StoreError> {
    serde_json::to_string(&f.observed).map_err(|e| StoreError::Invalid(format!("observed: {e}")))
}

fn key(r: &impl Columns, table: &'static str) -> Result<SeriesKey, StoreError> {
    let tf = r.text(2)?;
    Ok(SeriesKey {
        kind: SeriesKind::parse(&r.text(0)?, table)?,
        symbol: parse_symbol(&r.text(1)?, table)?,
        timeframe: if tf.is_empty() {
            None
        } else {
            Some(parse_tf(&tf, table)?)
        },
    })
}

fn count(v: Option<i64>, table: &'static str) -> Result<Option<u64>, StoreError> {
    v.map(|n| {
        u64::try_from(n).map_err(|_| StoreError::Corrupt {
            table,
            reason: format!("negative count {n}"),
        })
    })
    .transpose()
}

/// Columns: series_kind, symbol, timeframe, checked_at, from_ts, rows, expected, filled,
/// errors, warnings, infos.
pub(crate) fn summary(r: &impl Columns) -> Result<QualitySummary, StoreError> {
    let n =
        |i: usize| -> Result<u64, StoreError> { Ok(count(Some(r.int(i)?), CHECKS)?.unwrap_or(0)) };
    Ok(QualitySummary {
        check: QualityCheck {
            series: key(r, CHECKS)?,
            checked_at: r.nanos(3)?,
            from: r.opt_nanos(4)?,
            rows: n(5)?,
            expected: count(r.opt_int(6)?, CHECKS)?,
            filled: count(r.opt_int(7)?, CHECKS)?,
        },
        counts: Counts {
            error: n(8)?,
            warn: n(9)?,
            info: n(10)?,
        },
    })
}

/// Columns: series_kind, symbol, timeframe, checked_at, kind, severity, start_ts, end_ts,
/// observed (JSON text), reason.
pub(crate) fn finding(r: &impl Columns) -> Result<StoredFinding, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        table: FINDINGS,
        reason,
    };
    let kind: Kind = r.text(4)?.parse().map_err(corrupt)?;
    let severity: Severity = r.text(5)?.parse().map_err(corrupt)?;
    let observed: Observed =
        serde_json::from_str(&r.text(8)?).map_err(|e| corrupt(format!("observed: {e}")))?;
    Ok(StoredFinding {
        series: key(r, FINDINGS)?,
        checked_at: r.nanos(3)?,
        finding: Finding {
            kind,
            severity,
            start: r.nanos(6)?,
            end: r.nanos(7)?,
            observed,
            reason: r.string(9)?,
        },
    })
}
