//! The edges of what import accepts: the supported days, bars off their timeframe's boundary,
//! bar spacing that does not fit the timeframe, endless lines, and files cut short.

use std::io::Read;
use std::path::Path;

use domain::Timeframe;

use super::tests::{REAL, data_dir, tz_of};
use super::*;

const HEAD: &str = "timestamp,open,high,low,close,volume\n";

fn opts(tf: &str, skip: bool) -> ReadOptions {
    ReadOptions {
        skip_invalid: skip,
        ..ReadOptions::new(Timeframe::parse(tf).unwrap())
    }
}

fn read_text(name: &str, text: &[u8], opts: &ReadOptions) -> Result<ReadResult, ImportError> {
    read_from(Path::new(name), &mut &text[..], opts, &mut |_| {})
}

fn err(name: &str, text: &str, tf: &str) -> String {
    read_text(name, text.as_bytes(), &opts(tf, false))
        .unwrap_err()
        .to_string()
}

/// Defect 5: a bar must start and end inside the days nanosecond timestamps hold whole, or the
/// calendar and the engine cannot place it.
#[test]
fn bars_outside_the_supported_days_are_refused_with_their_line() {
    let early = format!(
        "{HEAD}2024-01-02T14:30:00Z,1,2,0.5,1.5,100\n1677-09-21T00:13:00Z,1,2,0.5,1.5,100\n"
    );
    assert_eq!(
        err("early.csv", &early, "1m"),
        "early.csv:3: timestamp: \"1677-09-21T00:13:00Z\" is outside the supported days 1677-09-22..=2262-04-10"
    );
    let late = format!("{HEAD}2262-04-11T23:47:16Z,1,2,0.5,1.5,100\n");
    assert_eq!(
        err("late.csv", &late, "1s"),
        "late.csv:2: timestamp: \"2262-04-11T23:47:16Z\" is outside the supported days 1677-09-22..=2262-04-10"
    );
    // The start fits, the end does not.
    let ends_late = format!("{HEAD}2262-04-10T23:30:00Z,1,2,0.5,1.5,100\n");
    assert_eq!(
        err("end.csv", &ends_late, "1h"),
        "end.csv:2: timestamp: \"2262-04-10T23:30:00Z\" starts a 1h bar that ends after 2262-04-10, the last supported day"
    );
    let month = "date,open,high,low,close,volume\n2262-04-01,1,2,0.5,1.5,100\n";
    assert!(err("mo.csv", month, "1mo").contains("starts a 1mo bar that ends after 2262-04-10"));
    let day = "date,open,high,low,close,volume\n1677-09-21,1,2,0.5,1.5,100\n";
    assert!(err("d.csv", day, "1d").contains("\"1677-09-21\" is outside the supported days"));
    // The last whole days on either side import.
    let edges = format!(
        "{HEAD}1677-09-22T00:00:00Z,1,2,0.5,1.5,100\n2262-04-10T23:59:59Z,1,2,0.5,1.5,100\n"
    );
    assert_eq!(
        read_text("ok.csv", edges.as_bytes(), &opts("1s", false))
            .unwrap()
            .rows
            .len(),
        2
    );
}

/// Defect 8: a bar off its timeframe's boundary is a row error with its line, quoting the
/// timestamp as the file wrote it, and `skip_invalid` skips it like any other.
#[test]
fn misaligned_rows_name_their_line_in_the_files_notation() {
    let text = "timestamp_et,open,high,low,close,volume\n\
                2023-08-03T09:30:00-04:00,1,2,0.5,1.5,100\n\
                2023-08-03T09:31:00-04:00,1,2,0.5,1.5,100\n\
                2023-08-03T09:35:00-04:00,1,2,0.5,1.5,100\n\
                2023-08-03T09:37:00-04:00,1,2,0.5,1.5,100\n";
    assert_eq!(
        err("m.csv", text, "5m"),
        "m.csv:3: timestamp: \"2023-08-03T09:31:00-04:00\" does not start on a 5m boundary; is --timeframe 5m right for this file?"
    );
    let r = read_text("m.csv", text.as_bytes(), &opts("5m", true)).unwrap();
    assert_eq!(r.rows.len(), 2);
    let skipped: Vec<(u64, &str)> = r
        .skipped
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(skipped, [(3, "timestamp"), (5, "timestamp")]);
    // A Date + Time pair is quoted as the two fields read together.
    let pair = "Date,Time,Open,High,Low,Close,Volume\n2006-01-02,09:05:00,1,1,1,1,0\n2006-01-02,09:07:00,1,1,1,1,0\n";
    assert!(
        err("p.csv", pair, "5m")
            .starts_with("p.csv:3: timestamp: \"2006-01-02 09:07:00\" does not start")
    );
}

/// Defect 10b: bars closer together than one period of the timeframe mean the file is finer
/// than `--timeframe`, for calendar periods as for intraday ones.
#[test]
fn bars_closer_than_the_timeframe_are_refused() {
    let daily = data_dir().join("daily/lean_spy_daily.csv");
    for tf in ["1w", "1mo", "2d"] {
        let e = read_file(&daily, &opts(tf, false), &mut |_| {}).unwrap_err();
        assert!(
            e.to_string().ends_with(&format!(
                "lean_spy_daily.csv:4: timestamp: 1998-01-06 is only 1 day after 1998-01-05 (line 3), \
                 closer than {tf} bars can be; is --timeframe {tf} right for this file?"
            )),
            "{tf}: {e}"
        );
    }
    let weekly = "date,open,high,low,close,volume\n2024-03-22,1,1,1,1,1\n2024-03-28,1,1,1,1,1\n2024-04-05,1,1,1,1,1\n";
    // Weekly bars labelled by their last session (Good Friday 2024-03-29 moves one to Thursday).
    assert_eq!(
        read_text("w.csv", weekly.as_bytes(), &opts("1w", false))
            .unwrap()
            .rows
            .len(),
        3
    );
    assert_eq!(
        err("w.csv", weekly, "1mo"),
        "w.csv:3: timestamp: 2024-03-28 is only 6 days after 2024-03-22 (line 2), closer than 1mo bars can be; is --timeframe 1mo right for this file?"
    );
    // Quarter-hour bars fit the hourly boundary but not its spacing; minute bars are not 7m.
    let quarter = format!(
        "{HEAD}2024-01-02 09:30:00,1,1,1,1,1\n2024-01-02 09:45:00,1,1,1,1,1\n2024-01-02 10:00:00,1,1,1,1,1\n"
    );
    assert_eq!(
        err("q.csv", &quarter, "1h"),
        "q.csv:3: timestamp: 2024-01-02 09:45:00-05:00 is only 15 minutes after 2024-01-02 09:30:00-05:00 (line 2), closer than 1h bars can be; is --timeframe 1h right for this file?"
    );
    let minute = data_dir().join("intraday/lean_spy_1min_trade_2023-08-03.csv");
    let e = read_file(&minute, &opts("7m", false), &mut |_| {}).unwrap_err();
    assert!(e.to_string().contains("only 1 minute after"), "{e}");
    // Daily data read as intraday: the closest bars are still a day apart.
    let e = read_file(&daily, &opts("7m", false), &mut |_| {}).unwrap_err();
    assert!(
        e.to_string().contains(
            "lean_spy_daily.csv:4: timestamp: even the closest bars, 1998-01-05 00:00:00-05:00 (line 3) \
             and 1998-01-06 00:00:00-05:00, are 1 day apart"
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("this looks like daily data (--timeframe 1d), not 7m"),
        "{e}"
    );
}

/// Defect 9: a line may be 1 MiB at most; an endless line is refused after that, not buffered.
#[test]
fn lines_longer_than_a_mebibyte_are_refused() {
    let mut text = HEAD.as_bytes().to_vec();
    text.extend(std::iter::repeat_n(b'7', MAX_LINE + 1));
    text.extend_from_slice(b"\n2024-01-02T14:30:00Z,1,2,0.5,1.5,100\n");
    let e = read_text("long.csv", &text, &opts("1m", true)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "long.csv:2: line longer than 1 MiB; is this a CSV file?"
    );
    // Exactly the limit is an ordinary (bad) row, so the limit is the line's, not the buffer's.
    let mut text = HEAD.as_bytes().to_vec();
    text.extend(std::iter::repeat_n(b'7', MAX_LINE));
    text.push(b'\n');
    let e = read_text("max.csv", &text, &opts("1m", false)).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("max.csv:2: row: expected 6 fields"),
        "{e}"
    );
    // A reader that never ends (like /dev/zero) ends in the same error.
    let mut zeros = std::io::repeat(0);
    let e = read_from(
        Path::new("zero"),
        &mut zeros,
        &opts("1m", true),
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "zero:1: line longer than 1 MiB; is this a CSV file?"
    );
}

/// The text of a real data file, unzipped.
fn real_text(file: &str) -> Vec<u8> {
    let raw = std::fs::read(data_dir().join(file)).unwrap();
    if !file.ends_with(".gz") {
        return raw;
    }
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(&raw[..])
        .read_to_end(&mut text)
        .unwrap();
    text
}

/// Defect 10a, the false-alarm side: every real file, whole but with no final newline, imports
/// as before and says that its last line had no newline.
#[test]
fn whole_real_files_without_a_final_newline_are_read_with_a_warning() {
    for (file, tf, rows, _) in REAL {
        let mut text = real_text(file);
        while text.last() == Some(&b'\n') {
            text.pop();
        }
        let o = ReadOptions {
            tz: tz_of(file),
            skip_invalid: file.contains("SPY-20080101"),
            ..ReadOptions::new(Timeframe::parse(tf).unwrap())
        };
        let r = read_text(file, &text, &o).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.rows.len(), rows, "{file}");
        assert_eq!(r.warnings.len(), 1, "{file}");
        assert!(
            r.warnings[0]
                .to_string()
                .ends_with("row: the last line has no newline; read as it stands"),
            "{file}: {}",
            r.warnings[0]
        );
    }
}

/// Defect 10a: every real file cut like `head -c -5` is refused (by the tail check, or because
/// the cut left a malformed row) or, where the cut value is no shorter than every other, read
/// with a warning that the file may be cut short; never silently.
#[test]
fn real_files_cut_short_are_refused_or_flagged() {
    let (mut refused, mut flagged) = (0, Vec::new());
    for (file, tf, _, _) in REAL {
        let text = real_text(file);
        let cut = &text[..text.len() - 5];
        let o = ReadOptions {
            tz: tz_of(file),
            skip_invalid: file.contains("SPY-20080101"),
            ..ReadOptions::new(Timeframe::parse(tf).unwrap())
        };
        match read_text(file, cut, &o) {
            Err(e) => {
                assert!(e.to_string().contains("cut short"), "{file}: {e}");
                refused += 1;
            }
            // Read skipping bad rows (the file with two bad rows): the cut row is one of them.
            Ok(r) if r.skipped.iter().any(|e| e.reason.contains("cut short")) => refused += 1,
            Ok(r) => {
                assert_eq!(r.warnings.len(), 1, "{file}");
                let w = r.warnings[0].to_string();
                assert!(w.contains("the file may be cut short"), "{file}: {w}");
                flagged.push(file);
            }
        }
    }
    assert_eq!(refused + flagged.len(), REAL.len());
    assert!(refused >= 20, "{refused} refused; flagged: {flagged:?}");
    let spy = real_text("daily/lean_spy_daily.csv");
    let cut = &spy[..spy.len() - 5];
    assert_eq!(
        read_text("spy.csv", cut, &ReadOptions::new(Timeframe::D1))
            .unwrap_err()
            .to_string(),
        "spy.csv:5850: volume: \"90673\" is shorter than every other value in this column (at least 7 characters) \
         and is on the last line, which has no newline: the file looks cut short (--strict-tail=false reads it anyway)"
    );
    // Lenient: read, with the same words as a warning; skipping: listed as skipped.
    let lenient = ReadOptions {
        strict_tail: false,
        ..ReadOptions::new(Timeframe::D1)
    };
    let r = read_text("spy.csv", cut, &lenient).unwrap();
    assert_eq!(r.rows.len(), 5849);
    assert_eq!(r.warnings[0].line, 5850);
    assert!(r.warnings[0].reason.contains("looks cut short"));
    let r = read_text("spy.csv", cut, &opts("1d", true)).unwrap();
    assert_eq!((r.rows.len(), r.skipped[0].line), (5848, 5850));
}
