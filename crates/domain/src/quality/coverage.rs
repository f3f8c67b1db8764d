//! Coverage per series and per session, from the day index ([`crate::grid::days`]) and the
//! expected-bar grid: no bar is read, so twenty years of minutes cost a few thousand rows.
//!
//! - **Range**: from the slot of the series' first bar (or the first instant of `since`, when
//!   the series has rows before it) to its last bar. Slots after the last bar are not counted:
//!   a series that stopped is not a gap here.
//! - **Coverage** (info): expected slots, those holding a bar, and the rows that fill no slot
//!   (pre- and after-hours bars, a second bar in a slot).
//! - **Gap** (warn): a run of consecutive sessions none of whose slots holds a bar, as one
//!   finding from the first missing slot to the last. Closures the calendar knows (holidays,
//!   9/11, Hurricane Sandy, days of mourning) have no slots, so they are never gaps.
//! - **Partial session** (info): a session with some slots empty, with how many.
//! - **Off session** (warn): rows on dates without a session, consecutive dates as one finding.

use chrono::NaiveDate;

use super::{Finding, Kind, Severity};
use crate::grid::days::{DaySummary, date_bounds};
use crate::grid::{BarGrid, GridError};
use crate::time::UnixNanos;

/// What [`coverage`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coverage {
    /// Expected slots in the range.
    pub expected: u64,
    /// Of them, those holding a bar.
    pub filled: u64,
    /// Stored rows in the range.
    pub rows: u64,
    pub findings: Vec<Finding>,
}

impl Coverage {
    /// Filled over expected, in percent; `None` with nothing expected.
    pub fn percent(&self) -> Option<f64> {
        (self.expected > 0).then(|| 100.0 * self.filled as f64 / self.expected as f64)
    }
}

/// Consecutive dates without a session that hold rows.
struct Off {
    first: NaiveDate,
    last: NaiveDate,
    rows: u64,
    start: UnixNanos,
    end: UnixNanos,
}

/// A run of consecutive missing sessions being collected.
struct Run {
    first: NaiveDate,
    last: NaiveDate,
    sessions: u64,
    slots: u64,
}

/// Coverage and the session findings of one series from its whole day index (`days`,
/// ascending), counting from `since` when given.
pub fn coverage(
    grid: &BarGrid,
    days: &[DaySummary],
    since: Option<NaiveDate>,
) -> Result<Coverage, GridError> {
    let tf = grid.timeframe();
    let from = since.map_or(0, |s| days.partition_point(|d| d.date < s));
    let (Some(first), Some(last)) = (days.get(from), days.last()) else {
        return Ok(Coverage::default());
    };
    let start = match since.and_then(|s| date_bounds(tf, s)) {
        Some((lo, _)) if from > 0 => lo,
        _ => grid.slot_of(first.first).unwrap_or(first.first),
    };
    let end = last.last.checked_plus(1).unwrap_or(UnixNanos::MAX);
    let expected = grid.expected_per_date(start, end)?;
    let days = &days[from..];
    let mut out = Coverage {
        expected: expected.iter().map(|(_, n)| n).sum(),
        filled: days.iter().map(|d| d.filled).sum(),
        rows: days.iter().map(|d| d.rows).sum(),
        findings: Vec::new(),
    };
    let mut gap: Option<Run> = None;
    let mut off: Option<Off> = None;
    let (mut e, mut d) = (0, 0);
    while e < expected.len() || d < days.len() {
        let exp = expected.get(e).copied();
        let day = days.get(d);
        let date = match (exp, day) {
            (Some((a, _)), Some(b)) => a.min(b.date),
            (Some((a, _)), None) => a,
            (None, Some(b)) => b.date,
            (None, None) => break,
        };
        let n = exp.filter(|(a, _)| *a == date).map_or(0, |(_, n)| n);
        let day = day.filter(|b| b.date == date);
        e += usize::from(n > 0);
        d += usize::from(day.is_some());
        let filled = day.map_or(0, |b| b.filled);
        if n == 0 {
            // Rows on a date without a session.
            if let Some(b) = day {
                match &mut off {
                    Some(o) if o.last.succ_opt() == Some(date) => {
                        o.last = date;
                        o.rows += b.rows;
                        o.end = b.last;
                    }
                    _ => {
                        out.findings.extend(off.take().map(off_session));
                        off = Some(Off {
                            first: date,
                            last: date,
                            rows: b.rows,
                            start: b.first,
                            end: b.last,
                        });
                    }
                }
            }
            continue;
        }
        if filled == 0 {
            match &mut gap {
                Some(r) => {
                    r.last = date;
                    r.sessions += 1;
                    r.slots += n;
                }
                None => {
                    gap = Some(Run {
                        first: date,
                        last: date,
                        sessions: 1,
                        slots: n,
                    })
                }
            }
            continue;
        }
        if let Some(r) = gap.take() {
            out.findings.push(gap_finding(grid, &r)?);
        }
        if filled < n {
            let (lo, hi) = session_slots(grid, date)?;
            out.findings.push(
                Finding::new(Kind::PartialSession, Severity::Info, lo, hi)
                    .with("date", date)
                    .with("expected", n)
                    .with("filled", filled)
                    .with("missing", n - filled)
                    .because(format!(
                        "{} of the session's {n} expected {tf} bars are missing",
                        n - filled
                    )),
            );
        }
    }
    if let Some(r) = gap.take() {
        out.findings.push(gap_finding(grid, &r)?);
    }
    out.findings.extend(off.take().map(off_session));
    out.findings.sort_by_key(|f| f.start);
    let missing = out.expected.saturating_sub(out.filled);
    let unslotted = out.rows.saturating_sub(out.filled);
    let pct = out.percent().unwrap_or(100.0);
    out.findings.insert(
        0,
        Finding::new(Kind::Coverage, Severity::Info, start, last.last)
            .with("coverage", format!("{pct:.3}%"))
            .with("expected", out.expected)
            .with("filled", out.filled)
            .with("missing", missing)
            .with("rows", out.rows)
            .with("outside_slots", unslotted)
            .because(format!(
                "{pct:.3}% of the {} expected {tf} bars are stored; {unslotted} rows fill no \
                 slot (outside the regular session, or a second bar in a slot)",
                out.expected
            )),
    );
    Ok(out)
}

/// The first and last expected slot of a session date.
fn session_slots(grid: &BarGrid, date: NaiveDate) -> Result<(UnixNanos, UnixNanos), GridError> {
    let Some((lo, hi)) = date_bounds(grid.timeframe(), date) else {
        return Ok((UnixNanos::MIN, UnixNanos::MIN));
    };
    let mut slots = grid.expected(lo, hi.checked_plus(1).unwrap_or(UnixNanos::MAX))?;
    let first = slots.next().unwrap_or(lo);
    Ok((first, slots.last().unwrap_or(first)))
}

fn gap_finding(grid: &BarGrid, r: &Run) -> Result<Finding, GridError> {
    let (lo, _) = session_slots(grid, r.first)?;
    let (_, hi) = session_slots(grid, r.last)?;
    let what = if r.sessions == 1 {
        format!("the session of {} has no bar", r.first)
    } else {
        format!(
            "{} sessions in a row, {} to {}, have no bar",
            r.sessions, r.first, r.last
        )
    };
    Ok(Finding::new(Kind::Gap, Severity::Warn, lo, hi)
        .with("first_session", r.first)
        .with("last_session", r.last)
        .with("sessions", r.sessions)
        .with("bars", r.slots)
        .because(format!("{what} ({} expected bars)", r.slots)))
}

fn off_session(o: Off) -> Finding {
    let Off {
        first,
        last,
        rows,
        start,
        end,
    } = o;
    let dates = if first == last {
        format!("{first}, a date without a session")
    } else {
        format!("{first} to {last}, dates without a session")
    };
    Finding::new(Kind::OffSession, Severity::Warn, start, end)
        .with("first_date", first)
        .with("last_date", last)
        .with("rows", rows)
        .because(format!("{rows} rows stored on {dates}"))
}
