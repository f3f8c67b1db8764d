//! Gap detection around weekends, holidays, early closes and DST changes, and on real minute
//! bars (moved here from the collector's schedule tests when its gap detection became the grid).

use super::*;
use crate::time::NANOS_PER_MINUTE;

fn t(s: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(s).unwrap()
}

/// The collector's former entry points, over the grid, so that the assertions read as they did.
fn missing_bars(
    tf: Timeframe,
    start: UnixNanos,
    end: UnixNanos,
    stored: &[UnixNanos],
) -> Result<Vec<Gap>, GridError> {
    BarGrid::new(tf, Calendar::Nyse)?.gaps(start, end, stored)
}

fn expected_bars(
    tf: Timeframe,
    start: UnixNanos,
    end: UnixNanos,
) -> Result<Vec<UnixNanos>, GridError> {
    Ok(BarGrid::new(tf, Calendar::Nyse)?
        .expected(start, end)?
        .collect())
}

fn minutes(from: &str, n: i64) -> Vec<UnixNanos> {
    let start = t(from);
    (0..n).map(|k| start.plus(k * NANOS_PER_MINUTE)).collect()
}

#[test]
fn gaps_in_one_session() {
    let (start, end) = (t("2024-07-01T00:00:00Z"), t("2024-07-02T00:00:00Z"));
    let mut stored = minutes("2024-07-01T12:00:00Z", 90); // pre-market, ignored
    stored.extend(minutes("2024-07-01T13:30:00Z", 390));
    stored.retain(|s| !(t("2024-07-01T14:00:00Z") <= *s && *s < t("2024-07-01T14:05:00Z")));
    stored.retain(|s| *s != t("2024-07-01T19:59:00Z"));
    let gaps = missing_bars(Timeframe::M1, start, end, &stored).unwrap();
    assert_eq!(
        gaps,
        [
            Gap {
                start: t("2024-07-01T14:00:00Z"),
                end: t("2024-07-01T14:05:00Z"),
                bars: 5
            },
            Gap {
                start: t("2024-07-01T19:59:00Z"),
                end: t("2024-07-01T20:00:00Z"),
                bars: 1
            },
        ]
    );
}

#[test]
fn gaps_span_weekends_holidays_and_early_closes() {
    // Nothing stored for Wed 2024-07-03 (early close) .. Mon 07-08: one gap, holiday skipped.
    let (start, end) = (t("2024-07-03T00:00:00Z"), t("2024-07-09T00:00:00Z"));
    let gaps = missing_bars(Timeframe::M1, start, end, &[]).unwrap();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0].start, t("2024-07-03T13:30:00Z"));
    assert_eq!(gaps[0].end, t("2024-07-08T20:00:00Z"));
    assert_eq!(gaps[0].bars, 210 + 390 + 390);
    // A stored Friday splits it in two.
    let stored = minutes("2024-07-05T13:30:00Z", 390);
    let gaps = missing_bars(Timeframe::M1, start, end, &stored).unwrap();
    assert_eq!(gaps.iter().map(|g| g.bars).collect::<Vec<_>>(), [210, 390]);
    assert_eq!(
        gaps[0].end,
        t("2024-07-03T17:00:00Z"),
        "early close at 13:00 EDT"
    );
}

#[test]
fn expected_bars_follow_dst_and_clock_hours() {
    let e = expected_bars(
        Timeframe::M1,
        t("2024-03-08T00:00:00Z"),
        t("2024-03-12T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(e.len(), 780);
    assert_eq!(e[0], t("2024-03-08T14:30:00Z"));
    assert_eq!(e[390], t("2024-03-11T13:30:00Z"));
    let h = expected_bars(
        Timeframe::H1,
        t("2024-07-01T00:00:00Z"),
        t("2024-07-02T00:00:00Z"),
    )
    .unwrap();
    let hours: Vec<_> = h
        .iter()
        .map(|x| x.to_rfc3339()[11..16].to_string())
        .collect();
    assert_eq!(
        hours,
        [
            "13:00", "14:00", "15:00", "16:00", "17:00", "18:00", "19:00"
        ]
    ); // 09:00..15:00 EDT
    let d = expected_bars(
        Timeframe::D1,
        t("2024-12-23T00:00:00Z"),
        t("2024-12-28T00:00:00Z"),
    )
    .unwrap();
    let days: Vec<_> = d.iter().map(|x| x.to_rfc3339()[..10].to_string()).collect();
    assert_eq!(
        days,
        ["2024-12-23", "2024-12-24", "2024-12-26", "2024-12-27"]
    );
    let stored = [t("2024-12-23T00:00:00Z"), t("2024-12-27T00:00:00Z")];
    let gaps = missing_bars(
        Timeframe::D1,
        t("2024-12-23T00:00:00Z"),
        t("2024-12-28T00:00:00Z"),
        &stored,
    )
    .unwrap();
    assert_eq!(
        gaps,
        [Gap {
            start: t("2024-12-24T00:00:00Z"),
            end: t("2024-12-27T00:00:00Z"),
            bars: 2
        }]
    );
}

#[test]
fn bad_gap_inputs() {
    let (a, b) = (t("2024-07-01T00:00:00Z"), t("2024-07-02T00:00:00Z"));
    let err = missing_bars(Timeframe::M1, a, b, &[b, a]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("stored timestamps are not sorted: [1]"),
        "{err}"
    );
    assert!(matches!(
        missing_bars(Timeframe::M1, b, a, &[]),
        Err(GridError::Range { .. })
    ));
    let week = Timeframe::parse("1w").unwrap();
    assert!(matches!(
        missing_bars(week, a, b, &[]),
        Err(GridError::Timeframe(_))
    ));
}

/// LEAN's real SPY minute bars (2013-10-04..11, with pre- and after-hours) cover every
/// regular-session minute.
#[test]
fn no_gaps_in_real_lean_minutes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv"
    );
    let mut rdr = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let stored: Vec<UnixNanos> = rdr.records().map(|r| t(&r.unwrap()[0])).collect();
    let (start, end) = (t("2013-10-04T00:00:00Z"), t("2013-10-12T00:00:00Z"));
    let expected = expected_bars(Timeframe::M1, start, end).unwrap();
    assert_eq!((stored.len(), expected.len()), (4839, 6 * 390));
    assert_eq!(
        missing_bars(Timeframe::M1, start, end, &stored).unwrap(),
        []
    );
}

/// LEAN's real SPY hourly bars, 1998–2021, labelled 09:00…15:00 New York like the providers'
/// (first written for the grid). 5,849 sessions, and only three days lack a slot, each for a
/// reason outside the bars' labelling: on 2002-09-11 the NYSE opened at noon; on 1999-12-31
/// the file stops after 13:00; 2003-12-26 closed at 13:00, an early close the calendar's rules
/// do not list. Hours after an early close (LEAN has some before 2006) are rows, not slots.
#[test]
fn real_lean_hours_fill_the_grid() {
    use std::io::Read;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/intraday/lean_spy_1hour_trade_1998-2021.csv.gz"
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}")),
    )
    .read_to_string(&mut text)
    .unwrap();
    let stored: Vec<UnixNanos> = text
        .lines()
        .skip(1)
        .map(|l| t(l.split(',').next().unwrap()))
        .collect();
    assert_eq!(stored.len(), 40_832);
    let grid = BarGrid::new(Timeframe::H1, Calendar::Nyse).unwrap();
    let (first, last) = (stored[0], stored[stored.len() - 1]);
    let gaps = grid.gaps(first, last.plus(1), &stored).unwrap();
    let shown: Vec<(String, u64)> = gaps
        .iter()
        .map(|g| (g.start.to_rfc3339(), g.bars))
        .collect();
    assert_eq!(
        shown,
        [
            ("1999-12-31T19:00:00Z".to_string(), 2), // 14:00 and 15:00 EST
            ("2002-09-11T13:00:00Z".to_string(), 2), // 09:00 and 10:00 EDT
            ("2003-12-26T20:00:00Z".to_string(), 1), // 15:00 EST
        ]
    );
    assert_eq!(grid.missing(&stored), Ok(5));
}

/// DBB, a thinly traded ETF (real minute bars with many gaps, naive UTC stamps): the gaps
/// found must be exactly the in-session minutes the file lacks, counted independently, and
/// each gap must be a maximal run of them.
#[test]
fn gaps_in_real_sparse_minutes() {
    use std::io::Read;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/intraday/watstreet_DBB_1min_2023-07-10_to_2025-07-08.csv.gz"
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}")),
    )
    .read_to_string(&mut text)
    .unwrap();
    let (start, end) = (t("2023-07-10T00:00:00Z"), t("2023-08-01T00:00:00Z"));
    let stored: Vec<UnixNanos> = text
        .lines()
        .skip(1)
        .map(|l| t(&format!("{}Z", l[..19].replace(' ', "T"))))
        .filter(|s| start <= *s && *s < end)
        .collect();
    let expected = expected_bars(Timeframe::M1, start, end).unwrap();
    let lacking: Vec<UnixNanos> = expected
        .iter()
        .copied()
        .filter(|e| stored.binary_search(e).is_err())
        .collect();
    let gaps = missing_bars(Timeframe::M1, start, end, &stored).unwrap();
    let covered: Vec<UnixNanos> = expected
        .iter()
        .copied()
        .filter(|e| gaps.iter().any(|g| g.start <= *e && *e < g.end))
        .collect();
    assert_eq!(covered, lacking);
    assert_eq!(
        gaps.iter().map(|g| g.bars).sum::<u64>(),
        lacking.len() as u64
    );
    for w in gaps.windows(2) {
        // Between two gaps there is at least one stored expected bar.
        assert!(
            expected
                .iter()
                .any(|e| w[0].end <= *e && *e < w[1].start && stored.binary_search(e).is_ok())
        );
    }
    println!(
        "DBB 2023-07-10..31: {} stored, {} expected, {} missing in {} gaps",
        stored.len(),
        expected.len(),
        lacking.len(),
        gaps.len()
    );
    assert!(
        gaps.len() > 100,
        "DBB is sparse; found only {} gaps",
        gaps.len()
    );
}
