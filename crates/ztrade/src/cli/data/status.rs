//! `ztrade data status`: per series, rows, first, last and missing bars against the NYSE calendar.
//!
//! "Missing" counts the bar slots inside regular sessions between the series' first and last bar
//! that hold no bar: for daily bars, sessions without a bar; for intraday bars, each session's
//! `ceil(session length / timeframe)` slots (early closes and DST included) minus the slots
//! present. Bars outside regular hours are stored and counted as rows but fill no slot.

use std::collections::HashSet;

use domain::calendar::{NyseCalendar, Session};
use domain::timeframe::TimeUnit;
use domain::{Timeframe, UnixNanos};
use serde::Serialize;
use store::{BarQuery, SeriesStatus};

use super::GlobalArgs;
use crate::output;

#[derive(Debug, Serialize)]
struct Row {
    symbol: String,
    timeframe: String,
    rows: u64,
    first: String,
    last: String,
    /// `None` for timeframes the calendar cannot judge (weeks, months).
    missing: Option<u64>,
}

pub fn run(g: &GlobalArgs) -> anyhow::Result<()> {
    let store = store::open_ready(&g.db_url())?;
    let mut rows = Vec::new();
    for s in store.series()? {
        let q = BarQuery {
            symbol: s.symbol.clone(),
            timeframe: s.timeframe,
            start: None,
            end: None,
        };
        let mut stamps = Vec::with_capacity(s.rows as usize);
        for bar in store.bars(q) {
            stamps.push(bar?.ts);
        }
        rows.push(row(&s, &stamps));
    }
    if g.json {
        return output::json(&rows);
    }
    if rows.is_empty() {
        println!(
            "the store holds no bars yet; try `ztrade data seed` or `ztrade data import FILE`"
        );
        return Ok(());
    }
    let table = output::table(
        &["symbol", "timeframe", "rows", "first", "last", "missing"],
        rows.iter().map(|r| {
            vec![
                r.symbol.clone(),
                r.timeframe.clone(),
                r.rows.to_string(),
                r.first.clone(),
                r.last.clone(),
                r.missing.map_or("n/a".into(), |m| m.to_string()),
            ]
        }),
    );
    println!("{table}");
    Ok(())
}

fn row(s: &SeriesStatus, stamps: &[UnixNanos]) -> Row {
    let daily = s.timeframe.is_daily_or_longer();
    let show = |t: UnixNanos| {
        if daily {
            t.utc_date().to_string()
        } else {
            t.to_rfc3339()
        }
    };
    Row {
        symbol: s.symbol.to_string(),
        timeframe: s.timeframe.to_string(),
        rows: s.rows,
        first: show(s.first),
        last: show(s.last),
        missing: missing(s.timeframe, stamps),
    }
}

/// Empty slots in regular sessions between the first and last stamp (inclusive).
pub fn missing(tf: Timeframe, stamps: &[UnixNanos]) -> Option<u64> {
    let (first, last) = (*stamps.first()?, *stamps.last()?);
    let cal = NyseCalendar;
    match tf.unit {
        TimeUnit::Day if tf.amount == 1 => {
            let have: HashSet<_> = stamps.iter().map(|t| t.utc_date()).collect();
            let sessions = cal.sessions(first.utc_date(), last.utc_date());
            Some(sessions.iter().filter(|s| !have.contains(&s.date)).count() as u64)
        }
        TimeUnit::Second | TimeUnit::Minute | TimeUnit::Hour => {
            let step = tf.nanos()?;
            let sessions = cal.sessions(first.exchange_date(), last.exchange_date());
            Some(
                sessions
                    .iter()
                    .map(|s| session_missing(s, step, first, last, stamps))
                    .sum(),
            )
        }
        _ => None,
    }
}

/// Slots of one session inside `[first, last]` with no stamp, aligned to the open. A bar that
/// starts before the open but runs into it (LEAN's hourly bar labelled 09:00) fills slot 0.
fn session_missing(
    s: &Session,
    step: i64,
    first: UnixNanos,
    last: UnixNanos,
    stamps: &[UnixNanos],
) -> u64 {
    // Saturating: a stored stamp or timeframe near the ends of the range must not overflow.
    let open = s.open.as_i64();
    let close = s.close.as_i64();
    let lo = stamps.partition_point(|t| t.as_i64() <= open.saturating_sub(step));
    let hi = stamps.partition_point(|t| t.as_i64() < close);
    let filled: HashSet<i64> = stamps[lo..hi]
        .iter()
        .map(|t| t.as_i64().saturating_sub(open).max(0) / step)
        .collect();
    let length = close - open;
    let slots = length / step + i64::from(length % step != 0);
    (0..slots)
        .filter(|k| {
            let start = open.saturating_add(k.saturating_mul(step));
            start.saturating_add(step) > first.as_i64()
                && start <= last.as_i64()
                && !filled.contains(k)
        })
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn daily_gap_over_a_weekend_is_not_missing() {
        // Fri 2024-03-08 and Mon 2024-03-11: nothing missing; drop Monday and keep Tuesday: one.
        let full = [ts("2024-03-08"), ts("2024-03-11"), ts("2024-03-12")];
        assert_eq!(missing(Timeframe::D1, &full), Some(0));
        let gap = [ts("2024-03-08"), ts("2024-03-12")];
        assert_eq!(missing(Timeframe::D1, &gap), Some(1));
    }

    #[test]
    fn minute_gaps_count_within_sessions_only() {
        // 2024-11-29 is an early close (13:00): 210 one-minute slots.
        let open = ts("2024-11-29T14:30:00Z").as_i64();
        let all: Vec<_> = (0..210)
            .map(|k| UnixNanos::new(open + k * 60_000_000_000))
            .collect();
        assert_eq!(missing(Timeframe::M1, &all), Some(0));
        let mut holes = all.clone();
        holes.remove(100);
        holes.remove(50);
        assert_eq!(missing(Timeframe::M1, &holes), Some(2));
        // An after-hours bar adds a row but no slot.
        let mut late = all.clone();
        late.push(ts("2024-11-29T20:00:00Z"));
        assert_eq!(missing(Timeframe::M1, &late), Some(0));
        assert_eq!(missing(Timeframe::parse("1mo").unwrap(), &all), None);
    }
}
