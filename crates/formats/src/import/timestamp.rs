//! Timestamp text → UTC nanoseconds, fast.
//!
//! - [`parse_stamp`] reads the layouts found in real files with a hand-written cursor
//!   (`2013-10-04T04:06:00-04:00`, `…Z`, `2017-04-19 09:00:00`, `2006-01-02`, `11/5/2019 9:30`,
//!   `20240102`, `20240718T093000`, epoch seconds/ms/µs/ns), and falls back to chrono for month
//!   names (`02-Jan-2006`).
//! - [`StampReader`]: the same answers with a shortcut for the commonest layouts, for the import
//!   loop.
//!
//! Naive results become instants in the importer's `zone` module (a per-day offset cache).

use chrono::{NaiveDate, NaiveDateTime};

use domain::civil::{days_from_civil, days_in_month};

const NANOS: i64 = 1_000_000_000;

/// What a timestamp text says, before a time zone is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// A calendar date with no time of day.
    Date { days: i64 },
    /// A wall-clock time with no offset: to be read in the file's time zone.
    Naive { days: i64, secs: u32, nanos: u32 },
    /// An instant. `days` is the calendar date as written, if the text had one.
    Instant { nanos: i64, days: Option<i64> },
}

impl Stamp {
    /// The calendar date written in the text (what daily bars are keyed by).
    pub fn written_date(self) -> Option<i64> {
        match self {
            Stamp::Date { days } | Stamp::Naive { days, .. } => Some(days),
            Stamp::Instant { days, .. } => days,
        }
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    /// Up to `max` digits (at least one); returns the value and how many were read.
    fn num(&mut self, max: usize) -> Option<(u64, usize)> {
        let start = self.i;
        let mut v: u64 = 0;
        while self.i - start < max {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    v = v * 10 + u64::from(c - b'0');
                    self.i += 1;
                }
                _ => break,
            }
        }
        let n = self.i - start;
        (n > 0).then_some((v, n))
    }
    fn fixed(&mut self, n: usize) -> Option<u32> {
        match self.num(n) {
            Some((v, k)) if k == n => Some(v as u32),
            _ => None,
        }
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

/// [`parse_stamp`] with a shortcut for the commonest layouts, `YYYY-MM-DD[T ]HH:MM:SS[.f…]`
/// (up to nine fractional digits, as tick files write) followed by nothing, `Z` or `±HH:MM`,
/// that remembers the last date (consecutive rows share it). Anything else, including every
/// invalid value, takes the general path, so results are identical.
#[derive(Debug, Default)]
pub struct StampReader {
    last_date: [u8; 10],
    last_days: i64,
}

#[inline]
fn two(a: u8, b: u8) -> Option<u32> {
    (a.is_ascii_digit() && b.is_ascii_digit())
        .then(|| u32::from(a - b'0') * 10 + u32::from(b - b'0'))
}

impl StampReader {
    #[inline]
    pub fn parse(&mut self, text: &[u8]) -> Result<Stamp, String> {
        match self.iso(text) {
            Some(s) => Ok(s),
            None => parse_stamp(text),
        }
    }

    #[inline]
    fn iso(&mut self, t: &[u8]) -> Option<Stamp> {
        if t.len() < 19
            || t[4] != b'-'
            || t[7] != b'-'
            || !(t[10] == b'T' || t[10] == b' ')
            || t[13] != b':'
            || t[16] != b':'
        {
            return None;
        }
        let days = if t[..10] == self.last_date {
            self.last_days
        } else {
            let y = two(t[0], t[1])? * 100 + two(t[2], t[3])?;
            let (m, d) = (two(t[5], t[6])?, two(t[8], t[9])?);
            if !(1..=12).contains(&m) || d == 0 || d > days_in_month(i64::from(y), m) {
                return None;
            }
            let days = days_from_civil(i64::from(y), m, d);
            self.last_date.copy_from_slice(&t[..10]);
            self.last_days = days;
            days
        };
        let (h, mi, s) = (two(t[11], t[12])?, two(t[14], t[15])?, two(t[17], t[18])?);
        if h > 23 || mi > 59 || s > 59 {
            return None;
        }
        let secs = h * 3600 + mi * 60 + s;
        let mut rest = &t[19..];
        let mut frac = 0u32;
        if let [b'.', tail @ ..] = rest {
            let k = tail.iter().take_while(|b| b.is_ascii_digit()).count();
            if k == 0 || k > 9 {
                return None;
            }
            for &d in &tail[..k] {
                frac = frac * 10 + u32::from(d - b'0');
            }
            frac *= 10u32.pow((9 - k) as u32);
            rest = &tail[k..];
        }
        let offset = match *rest {
            [] => {
                return Some(Stamp::Naive {
                    days,
                    secs,
                    nanos: frac,
                });
            }
            [b'Z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let (oh, om) = (two(h1, h2)?, two(m1, m2)?);
                if oh > 23 || om > 59 {
                    return None;
                }
                let off = i64::from(oh * 3600 + om * 60);
                if sign == b'-' { -off } else { off }
            }
            _ => return None,
        };
        let nanos = (days * 86_400 + i64::from(secs) - offset)
            .checked_mul(NANOS)?
            .checked_add(i64::from(frac))?;
        Some(Stamp::Instant {
            nanos,
            days: Some(days),
        })
    }
}

/// Parses one timestamp. The error is the reason only; the caller adds file, line and field.
pub fn parse_stamp(text: &[u8]) -> Result<Stamp, String> {
    let t = text.trim_ascii();
    if t.is_empty() {
        return Err("empty value".into());
    }
    if let Some(s) = fast(t) {
        return s;
    }
    slow(t)
}

fn bad(t: &[u8]) -> String {
    format!(
        "{:?} is not a timestamp (expected e.g. 2024-01-02T09:30:00-05:00, 2024-01-02 09:30:00 or 2024-01-02)",
        String::from_utf8_lossy(t)
    )
}

/// `None` means "not a layout this parser knows": try chrono. `Some(Err)` is a known layout with
/// an impossible value (month 13, 25:00).
fn fast(t: &[u8]) -> Option<Result<Stamp, String>> {
    let mut c = Cursor { b: t, i: 0 };
    let (first, n) = c.num(19)?;
    if c.done() && n != 8 {
        return Some(epoch(first, n).ok_or_else(|| bad(t)));
    }
    let (y, m, d) = match (n, c.peek()) {
        (4, Some(sep @ (b'-' | b'/'))) => {
            c.i += 1;
            let (m, _) = c.num(2)?;
            if !c.eat(sep) {
                return None;
            }
            let (d, _) = c.num(2)?;
            (first as i64, m as u32, d as u32)
        }
        (8, _) => (
            (first / 10_000) as i64,
            (first / 100 % 100) as u32,
            (first % 100) as u32,
        ),
        // US month/day/year; European day.month.year.
        (1 | 2, Some(sep @ (b'/' | b'.'))) => {
            c.i += 1;
            let (second, _) = c.num(2)?;
            if !c.eat(sep) {
                return None;
            }
            let y = c.fixed(4)?;
            let (m, d) = if sep == b'/' {
                (first, second)
            } else {
                (second, first)
            };
            (i64::from(y), m as u32, d as u32)
        }
        _ => return None,
    };
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return Some(Err(format!(
            "{:?} has no such date",
            String::from_utf8_lossy(t)
        )));
    }
    let days = days_from_civil(y, m, d);
    if c.done() {
        return Some(Ok(Stamp::Date { days }));
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let (h, mi, s) = if n == 8 && c.b[c.i..].iter().take(6).all(u8::is_ascii_digit) {
        (c.fixed(2)?, c.fixed(2)?, c.fixed(2)?) // 20240718T093000
    } else {
        let (h, _) = c.num(2)?;
        if !c.eat(b':') {
            return None;
        }
        let mi = c.fixed(2)?;
        let s = if c.eat(b':') { c.fixed(2)? } else { 0 };
        (h as u32, mi, s)
    };
    let mut nanos = 0u32;
    if c.eat(b'.') || c.eat(b',') {
        let (f, k) = c.num(9)?;
        nanos = (f * 10u64.pow((9 - k) as u32)) as u32;
        let extra = c.b[c.i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let nonzero = c.b[c.i..c.i + extra].iter().any(|&b| b != b'0');
        c.i += extra;
        if nonzero {
            return Some(Err(format!(
                "{:?} has more than 9 fractional digits",
                String::from_utf8_lossy(t)
            )));
        }
    }
    if h > 23 || mi > 59 || s > 59 {
        return Some(Err(format!(
            "{:?} has no such time of day",
            String::from_utf8_lossy(t)
        )));
    }
    let secs = h * 3600 + mi * 60 + s;
    c.eat(b' ');
    if c.done() {
        return Some(Ok(Stamp::Naive { days, secs, nanos }));
    }
    let offset = offset(&mut c)?;
    if !c.done() {
        return None;
    }
    let local = days * 86_400 + i64::from(secs) - offset;
    let nanos = local
        .checked_mul(NANOS)
        .and_then(|v| v.checked_add(i64::from(nanos)));
    Some(match nanos {
        Some(nanos) => Ok(Stamp::Instant {
            nanos,
            days: Some(days),
        }),
        None => Err(out_of_range(t)),
    })
}

/// `Z`, `UTC`, `+HH:MM`, `+HHMM`, `+HH` → seconds east of UTC.
fn offset(c: &mut Cursor) -> Option<i64> {
    if c.eat(b'Z') || c.eat(b'z') {
        return Some(0);
    }
    if c.b[c.i..].eq_ignore_ascii_case(b"utc") || c.b[c.i..].eq_ignore_ascii_case(b"gmt") {
        c.i += 3;
        return Some(0);
    }
    let sign = match c.peek()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    c.i += 1;
    let h = c.fixed(2)?;
    c.eat(b':');
    let m = if c.done() { 0 } else { c.fixed(2)? };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * i64::from(h * 3600 + m * 60))
}

/// All digits: 10 = seconds, 13 = milliseconds, 16 = microseconds, 19 = nanoseconds since 1970.
fn epoch(v: u64, digits: usize) -> Option<Stamp> {
    let per = match digits {
        10 => NANOS,
        13 => 1_000_000,
        16 => 1_000,
        19 => 1,
        _ => return None,
    };
    let nanos = i64::try_from(v).ok()?.checked_mul(per)?;
    Some(Stamp::Instant { nanos, days: None })
}

fn out_of_range(t: &[u8]) -> String {
    format!(
        "{:?} is outside the years 1677..2262",
        String::from_utf8_lossy(t)
    )
}

/// Layouts with month names, through chrono (rare, so speed does not matter).
fn slow(t: &[u8]) -> Result<Stamp, String> {
    let s = std::str::from_utf8(t).map_err(|_| bad(t))?;
    if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(s) {
        let nanos = dt.timestamp_nanos_opt().ok_or_else(|| out_of_range(t))?;
        let days = days_of(dt.date_naive());
        return Ok(Stamp::Instant {
            nanos,
            days: Some(days),
        });
    }
    for f in [
        "%d-%b-%Y %H:%M:%S",
        "%d-%b-%Y %H:%M",
        "%d %b %Y %H:%M:%S",
        "%d %b %Y %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, f) {
            let secs = dt.and_utc().timestamp().rem_euclid(86_400) as u32;
            return Ok(Stamp::Naive {
                days: days_of(dt.date()),
                secs,
                nanos: 0,
            });
        }
    }
    for f in [
        "%d-%b-%Y",
        "%d-%b-%y",
        "%d %b %Y",
        "%b %d, %Y",
        "%b %d %Y",
        "%Y-%b-%d",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Ok(Stamp::Date { days: days_of(d) });
        }
    }
    Err(bad(t))
}

fn days_of(d: NaiveDate) -> i64 {
    use chrono::Datelike;
    days_from_civil(i64::from(d.year()), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::zone::LocalZone;
    use chrono_tz::America::New_York;
    use chrono_tz::Tz;
    use domain::UnixNanos;
    use proptest::prelude::*;

    fn instant(text: &str, tz: Tz) -> String {
        let nanos = match parse_stamp(text.as_bytes()).unwrap() {
            Stamp::Instant { nanos, .. } => nanos,
            Stamp::Naive { days, secs, nanos } => {
                LocalZone::new(tz).instant(days, secs, nanos).unwrap()
            }
            Stamp::Date { days } => days * 86_400 * NANOS,
        };
        UnixNanos::new(nanos).to_rfc3339()
    }

    #[test]
    fn layouts_in_real_files() {
        let ny = New_York;
        for (text, want) in [
            ("2013-10-04T04:06:00-04:00", "2013-10-04T08:06:00Z"),
            ("2013-10-04T08:06:00Z", "2013-10-04T08:06:00Z"),
            (
                "2022-03-09T09:00:00.123456789Z",
                "2022-03-09T09:00:00.123456789Z",
            ),
            ("2017-04-19 09:00:00", "2017-04-19T13:00:00Z"),
            ("11/5/2019 9:30", "2019-11-05T14:30:00Z"),
            ("2006-01-02 09:05:00", "2006-01-02T14:05:00Z"),
            ("20240718T093000", "2024-07-18T13:30:00Z"),
            ("2024-01-02 09:30:00+00:00", "2024-01-02T09:30:00Z"),
            ("2024-01-02 09:30:00 UTC", "2024-01-02T09:30:00Z"),
            ("1380873960", "2013-10-04T08:06:00Z"),
            ("1380873960000", "2013-10-04T08:06:00Z"),
            ("02-Jan-2006 09:05", "2006-01-02T14:05:00Z"),
            ("2006-01-02", "2006-01-02T00:00:00Z"),
            ("20060102", "2006-01-02T00:00:00Z"),
            ("5.11.2019 09:30", "2019-11-05T14:30:00Z"),
        ] {
            assert_eq!(instant(text, ny), want, "{text}");
        }
    }

    #[test]
    fn written_date_ignores_the_offset() {
        let s = parse_stamp(b"2024-01-02T00:00:00Z").unwrap();
        assert_eq!(s.written_date(), Some(days_from_civil(2024, 1, 2)));
    }

    #[test]
    fn impossible_values_are_named() {
        assert_eq!(
            parse_stamp(b"2024-02-30").unwrap_err(),
            "\"2024-02-30\" has no such date"
        );
        assert_eq!(
            parse_stamp(b"2024-01-02 24:00").unwrap_err(),
            "\"2024-01-02 24:00\" has no such time of day"
        );
        assert!(
            parse_stamp(b"yesterday")
                .unwrap_err()
                .contains("not a timestamp")
        );
        assert_eq!(parse_stamp(b"  ").unwrap_err(), "empty value");
    }

    proptest! {
        /// The shortcut and the general parser agree on valid and invalid text alike.
        #[test]
        fn shortcut_is_the_general_parser(text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(|\\.[0-9]{0,11})(|Z|[+-][0-9]{2}:[0-9]{2}|x)") {
            let mut r = StampReader::default();
            prop_assert_eq!(r.parse(text.as_bytes()), parse_stamp(text.as_bytes()));
            prop_assert_eq!(r.parse(text.as_bytes()), parse_stamp(text.as_bytes()));
        }

        #[test]
        fn rfc3339_agrees_with_domain(secs in -2_000_000_000i64..8_000_000_000, frac in 0u32..1_000_000_000) {
            let t = UnixNanos::new(secs * NANOS + i64::from(frac));
            let text = t.to_rfc3339();
            prop_assert_eq!(parse_stamp(text.as_bytes()).unwrap(), Stamp::Instant {
                nanos: t.as_i64(),
                days: Some(secs.div_euclid(86_400)),
            });
        }
    }
}
