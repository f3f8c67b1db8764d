//! A user's date or time as an instant: the one parser behind `--start`, `--end`, `--now` and
//! `--stop-at`. A date (`2024-01-02`) is midnight UTC; an RFC 3339 time is itself. As the end
//! of a window a date means the whole day, so `--end 2024-01-02` includes that day.

use domain::UnixNanos;
use domain::time::NANOS_PER_DAY;
use serde::Serialize;

use crate::AppError;

/// Which side of a window a bound is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Start,
    End,
}

/// `--tz`: an IANA zone name, with an error that says so (chrono-tz's own is "failed to parse").
pub fn zone(text: &str) -> Result<chrono_tz::Tz, String> {
    text.parse().map_err(|_| {
        format!("{text:?} is not an IANA time zone (e.g. America/New_York, Europe/London, UTC)")
    })
}

/// `text` as an instant, or why it is not one (for a flag parser to show).
pub fn instant(text: &str) -> Result<UnixNanos, String> {
    UnixNanos::parse_rfc3339(text).map_err(|e| e.to_string())
}

/// A date as that New York date's noon (a moment inside it whatever the zone's offset), or an
/// RFC 3339 time as itself: `--as-of` of `data retain`.
pub fn noon_or_instant(text: &str) -> Result<UnixNanos, String> {
    match chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(d) => UnixNanos::from_local(d.and_time(chrono::NaiveTime::MIN), domain::time::NEW_YORK)
            .map(|t| t.plus(12 * domain::time::NANOS_PER_HOUR))
            .map_err(|e| e.to_string()),
        Err(_) => instant(text),
    }
}

/// `text` as an instant; `flag` names it in the error (`--start: …`).
pub fn parse_instant(text: &str, flag: &str) -> Result<UnixNanos, AppError> {
    instant(text).map_err(|e| AppError::input(format!("{flag}: {e}")))
}

/// A window bound: an end date includes that whole day.
pub fn parse_bound(text: &str, bound: Bound) -> Result<UnixNanos, AppError> {
    let flag = match bound {
        Bound::Start => "--start",
        Bound::End => "--end",
    };
    let t = parse_instant(text, flag)?;
    let date_only = text.trim().len() == 10;
    Ok(if bound == Bound::End && date_only {
        t.checked_plus(NANOS_PER_DAY).ok_or_else(|| {
            AppError::input(format!("{flag} {text}: beyond the last supported day"))
        })?
    } else {
        t
    })
}

/// `[start, end)`, either side open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Window {
    pub start: Option<UnixNanos>,
    pub end: Option<UnixNanos>,
}

impl Window {
    /// Both bounds, refusing an empty window up front so that the user hears "start after end"
    /// rather than "no bars".
    pub fn parse(start: Option<&str>, end: Option<&str>) -> Result<Self, AppError> {
        let s = start.map(|t| parse_bound(t, Bound::Start)).transpose()?;
        let e = end.map(|t| parse_bound(t, Bound::End)).transpose()?;
        if let (Some(s), Some(e), Some(st), Some(et)) = (s, e, start, end)
            && s >= e
        {
            return Err(AppError::input(format!(
                "--start {st} is not before --end {et}: the range is empty"
            )));
        }
        Ok(Self { start: s, end: e })
    }

    pub fn contains(&self, t: UnixNanos) -> bool {
        self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t < e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_end_date_includes_its_day() {
        let w = Window::parse(Some("2024-01-02"), Some("2024-01-02")).unwrap();
        assert_eq!(
            w.start,
            Some(UnixNanos::parse_rfc3339("2024-01-02").unwrap())
        );
        assert_eq!(w.end, Some(UnixNanos::parse_rfc3339("2024-01-03").unwrap()));
        assert!(w.contains(UnixNanos::parse_rfc3339("2024-01-02T23:59:59Z").unwrap()));
        assert!(!w.contains(UnixNanos::parse_rfc3339("2024-01-03T00:00:00Z").unwrap()));
    }

    #[test]
    fn errors_name_the_flag() {
        let e = Window::parse(Some("yesterday"), None)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("--start: "), "{e}");
        let e = Window::parse(Some("2024-02-01"), Some("2024-01-01"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("is not before --end"), "{e}");
        let e = parse_instant("soon", "--now").unwrap_err().to_string();
        assert!(e.starts_with("--now: "), "{e}");
    }
}
