//! Chart series: (time, value) lines, downsampled with LTTB so a long run stays light.

use chrono::NaiveDate;
use serde::Serialize;

/// One drawn series: its name and its points, x in milliseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub name: String,
    pub points: Vec<[f64; 2]>,
    /// How many points the series had before downsampling.
    pub source_points: usize,
}

/// Midnight UTC of `d`, in milliseconds: the x of a daily value.
pub fn date_ms(d: NaiveDate) -> f64 {
    d.and_hms_opt(0, 0, 0)
        .map_or(0.0, |t| t.and_utc().timestamp_millis() as f64)
}

impl Line {
    /// A line of dated values, with at most `max_points` points (LTTB keeps its shape: every
    /// peak and trough that shows at that width). Non-finite values are left out, never drawn.
    pub fn dated(
        name: impl Into<String>,
        values: impl IntoIterator<Item = (NaiveDate, f64)>,
        max_points: usize,
    ) -> Line {
        Line::timed(
            name,
            values.into_iter().map(|(d, v)| (date_ms(d), v)),
            max_points,
        )
    }

    /// [`Line::dated`] for points already in milliseconds (strictly increasing x).
    pub fn timed(
        name: impl Into<String>,
        values: impl IntoIterator<Item = (f64, f64)>,
        max_points: usize,
    ) -> Line {
        let mut raw: Vec<minmaxlttb::Point> = Vec::new();
        for (x, y) in values {
            if !y.is_finite() {
                continue;
            }
            // Two values on one x (two curve points in one millisecond): the later one wins.
            match raw.last_mut() {
                Some(last) if last.x() >= x => *last = minmaxlttb::Point::new(last.x(), y),
                _ => raw.push(minmaxlttb::Point::new(x, y)),
            }
        }
        let source_points = raw.len();
        let kept = if max_points >= 3 && raw.len() > max_points {
            minmaxlttb::lttb(&raw, max_points, minmaxlttb::Binning::ByCount).unwrap_or(raw)
        } else {
            raw
        };
        Line {
            name: name.into(),
            points: kept.iter().map(|p| [p.x(), p.y()]).collect(),
            source_points,
        }
    }

    pub fn downsampled(&self) -> bool {
        self.points.len() < self.source_points
    }
}

/// Cumulative return of a daily value series: `v / v₀ − 1` from its first value.
pub fn cumulative(values: &[(NaiveDate, f64)]) -> Vec<(NaiveDate, f64)> {
    let Some(&(_, first)) = values.first() else {
        return Vec::new();
    };
    values
        .iter()
        .map(|&(d, v)| {
            (
                d,
                if first != 0.0 {
                    v / first - 1.0
                } else {
                    f64::NAN
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(i: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(u64::from(i))
    }

    #[test]
    fn a_long_line_keeps_its_ends_and_extremes_within_the_budget() {
        let values: Vec<_> = (0..10_000)
            .map(|i| (day(i), if i == 4_321 { 50.0 } else { (i % 7) as f64 }))
            .collect();
        let l = Line::dated("x", values, 500);
        assert_eq!(l.points.len(), 500);
        assert_eq!(l.source_points, 10_000);
        assert_eq!(l.points[0], [date_ms(day(0)), 0.0]);
        assert_eq!(l.points[499][0], date_ms(day(9_999)));
        assert!(l.points.iter().any(|p| p[1] == 50.0), "the spike is kept");
        assert!(l.downsampled());
    }

    #[test]
    fn short_lines_and_non_finite_values() {
        let l = Line::dated("x", [(day(0), 1.0), (day(1), f64::NAN), (day(2), 2.0)], 500);
        assert_eq!(
            l.points,
            vec![[date_ms(day(0)), 1.0], [date_ms(day(2)), 2.0]]
        );
        assert!(!l.downsampled());
        assert!(Line::dated("x", [], 500).points.is_empty());
        assert_eq!(
            cumulative(&[(day(0), 100.0), (day(1), 110.0)]),
            vec![(day(0), 0.0), (day(1), 0.10000000000000009)]
        );
    }
}
