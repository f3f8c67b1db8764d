//! Does the file fit `--timeframe`? Asked before anything is stored.
//!
//! - [`check_row`], per row (a bad row is skippable like any other): the bar starts and ends in
//!   the supported days ([`domain::span`]), and an intraday bar starts on a boundary of its
//!   period: a multiple of `gcd(period, 15 minutes)` since 1970, quarter-hours for hourly bars so
//!   that zones such as +05:30 still fit.
//! - [`check_spacing`], per file, from the two closest bars: bars closer together than one
//!   period mean finer data than the timeframe (a daily file read as `1w` or `1mo`, a `1m` file
//!   as `7m`), and intraday bars that are all at least 20 hours apart are daily data.
//!
//! Both name a line; a row's error quotes its timestamp as written in the file.

use chrono_tz::Tz;
use domain::span::check_bar_span;
use domain::time::{NANOS_PER_DAY, NANOS_PER_HOUR, NANOS_PER_MINUTE, NANOS_PER_SECOND};
use domain::timeframe::TimeUnit;
use domain::{Timeframe, UnixNanos};

use super::RowError;

/// The two bars nearest in time, `(line, stamp)` each, after sorting and dropping repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closest {
    pub earlier: (u64, UnixNanos),
    pub later: (u64, UnixNanos),
}

impl Closest {
    pub fn gap(&self) -> i64 {
        self.later
            .1
            .as_i64()
            .saturating_sub(self.earlier.1.as_i64())
    }
}

/// The boundary an intraday bar's start must sit on; `None` for daily or longer.
fn grid(tf: Timeframe) -> Option<i64> {
    let n = tf.nanos().filter(|_| !tf.is_daily_or_longer())?;
    Some(gcd(n, 15 * NANOS_PER_MINUTE))
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Why the bar at `ts` cannot be a `tf` bar; the reason reads after the quoted timestamp.
pub fn check_row(tf: Timeframe, ts: UnixNanos) -> Result<(), String> {
    check_bar_span(tf, ts).map_err(|e| e.reason)?;
    match grid(tf) {
        Some(g) if ts.as_i64().rem_euclid(g) != 0 => Err(format!(
            "does not start on a {tf} boundary; is --timeframe {tf} right for this file?"
        )),
        _ => Ok(()),
    }
}

/// The least time between the starts of two consecutive bars of `tf`. Calendar periods allow
/// for holidays moving a bar's label: a week's bar may be labelled by its last session (three
/// days after the previous Friday in the week of 2001-09-11), a month's by its first or last.
fn min_spacing(tf: Timeframe) -> Option<i64> {
    let amount = i64::from(tf.amount);
    match tf.unit {
        TimeUnit::Second | TimeUnit::Minute | TimeUnit::Hour => tf.nanos(),
        TimeUnit::Day => amount.checked_mul(NANOS_PER_DAY),
        TimeUnit::Week => (7 * amount - 4).checked_mul(NANOS_PER_DAY),
        TimeUnit::Month => (28 * amount - 4).checked_mul(NANOS_PER_DAY),
    }
}

/// Refuses a file whose bar spacing does not fit `tf`; `rows` is how many bars it holds.
pub fn check_spacing(
    name: &std::path::Path,
    tf: Timeframe,
    tz: Tz,
    closest: Option<Closest>,
    rows: usize,
) -> Result<(), RowError> {
    let Some(c) = closest else {
        return Ok(());
    };
    let gap = c.gap();
    let show = |t: UnixNanos| show(tf, tz, t);
    let err = |reason: String| RowError::new(name, c.later.0, "timestamp", reason);
    if min_spacing(tf).is_some_and(|least| gap < least) {
        return Err(err(format!(
            "{} is only {} after {} (line {}), closer than {tf} bars can be; is --timeframe {tf} right for this file?",
            show(c.later.1),
            duration(gap),
            show(c.earlier.1),
            c.earlier.0
        )));
    }
    if !tf.is_daily_or_longer() && rows >= 3 && gap >= 20 * NANOS_PER_HOUR {
        return Err(err(format!(
            "even the closest bars, {} (line {}) and {}, are {} apart: this looks like daily data (--timeframe 1d), not {tf}",
            show(c.earlier.1),
            c.earlier.0,
            show(c.later.1),
            duration(gap)
        )));
    }
    Ok(())
}

/// A daily-or-longer bar by its date (the date the file wrote); an intraday one in the file's
/// zone, as its wall clock read.
fn show(tf: Timeframe, tz: Tz, t: UnixNanos) -> String {
    if tf.is_daily_or_longer() {
        t.utc_date().to_string()
    } else {
        let local = t.to_datetime().with_timezone(&tz);
        local.format("%Y-%m-%d %H:%M:%S%:z").to_string()
    }
}

/// `3 days`, `15 minutes`, `90 seconds`: the largest unit that measures `nanos` exactly.
fn duration(nanos: i64) -> String {
    let units = [
        (NANOS_PER_DAY, "day"),
        (NANOS_PER_HOUR, "hour"),
        (NANOS_PER_MINUTE, "minute"),
        (NANOS_PER_SECOND, "second"),
        (1, "nanosecond"),
    ];
    let (size, name) = units
        .into_iter()
        .find(|(size, _)| nanos % size == 0)
        .unwrap_or((1, "nanosecond"));
    let n = nanos / size;
    format!("{n} {name}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(NANOS_PER_DAY), "1 day");
        assert_eq!(duration(3 * NANOS_PER_DAY), "3 days");
        assert_eq!(duration(90 * NANOS_PER_MINUTE), "90 minutes");
        assert_eq!(duration(1500), "1500 nanoseconds");
    }

    #[test]
    fn grids_and_spacings() {
        let tf = |t: &str| Timeframe::parse(t).unwrap();
        assert_eq!(grid(tf("1h")), Some(15 * NANOS_PER_MINUTE));
        assert_eq!(grid(tf("7m")), Some(NANOS_PER_MINUTE));
        assert_eq!(grid(tf("1d")), None);
        assert_eq!(min_spacing(tf("1w")), Some(3 * NANOS_PER_DAY));
        assert_eq!(min_spacing(tf("1mo")), Some(24 * NANOS_PER_DAY));
        assert_eq!(min_spacing(tf("1d")), Some(NANOS_PER_DAY));
    }
}
