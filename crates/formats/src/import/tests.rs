//! The importer against every real file in /work/shared/data and against crafted bad files.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use domain::{Price, Timeframe, UnixNanos};

use super::*;

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

fn read(path: &Path, tf: Timeframe, tz: Tz, skip: bool) -> Result<ReadResult, ImportError> {
    let opts = ReadOptions {
        timeframe: tf,
        tz,
        skip_invalid: skip,
        strict_tail: true,
        adj_close: false,
    };
    read_file(path, &opts, &mut |_| {})
}

fn bars(r: &ReadResult) -> &[domain::Bar] {
    match &r.rows {
        Rows::Bars(b) => b,
        Rows::QuoteBars(_) => panic!("expected trade bars"),
    }
}

const NY: Tz = chrono_tz::America::New_York;
const UTC: Tz = chrono_tz::UTC;

/// Row counts from the data README.
pub const REAL: [(&str, &str, usize, bool); 24] = [
    ("daily/backtesting_BTCUSD_monthly.csv", "1mo", 156, false),
    ("daily/backtesting_GOOG_daily.csv", "1d", 2148, false),
    ("daily/backtrader_nvda-1999-2014.txt", "1d", 4012, false),
    ("daily/backtrader_yhoo-1996-2015.txt", "1d", 4965, false),
    ("daily/lean_aapl_daily.csv", "1d", 5849, false),
    ("daily/lean_goog_daily.csv", "1d", 4183, false),
    ("daily/lean_spy_daily.csv", "1d", 5849, false),
    (
        "daily/mplfinance_yahoofinance-AAPL-20040819-20180120.csv",
        "1d",
        3379,
        false,
    ),
    (
        "daily/mplfinance_yahoofinance-GOOG-20040819-20180120.csv",
        "1d",
        3379,
        false,
    ),
    (
        "daily/mplfinance_yahoofinance-SPY-20200901-20210113.csv",
        "1d",
        92,
        false,
    ),
    ("intraday/backtesting_EURUSD_1hour.csv", "1h", 5000, false),
    (
        "intraday/backtrader_2006-min-005_stoxx50.csv",
        "5m",
        2142,
        false,
    ),
    (
        "intraday/lean_aapl_1min_quote_2014-06-05_to_2014-06-09.csv",
        "1m",
        2512,
        true,
    ),
    (
        "intraday/lean_aapl_1min_trade_2014-06-05_to_2014-06-09.csv",
        "1m",
        2303,
        false,
    ),
    (
        "intraday/lean_spy_1hour_trade_1998-2021.csv.gz",
        "1h",
        40832,
        false,
    ),
    (
        "intraday/lean_spy_1min_quote_2013-10-04_to_2013-10-11.csv",
        "1m",
        5412,
        true,
    ),
    (
        "intraday/lean_spy_1min_quote_2023-08-03.csv",
        "1m",
        961,
        true,
    ),
    (
        "intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv",
        "1m",
        4839,
        false,
    ),
    (
        "intraday/lean_spy_1min_trade_2023-08-03.csv",
        "1m",
        947,
        false,
    ),
    (
        "intraday/lean_spy_1sec_quote_2013-10-07.csv.gz",
        "1s",
        27409,
        true,
    ),
    (
        "intraday/lean_spy_1sec_trade_2013-10-07.csv.gz",
        "1s",
        16675,
        false,
    ),
    (
        "intraday/mplfinance_SP500_NOV2019_IDay.csv",
        "1m",
        1563,
        false,
    ),
    (
        "intraday/watstreet_DBB_1min_2023-07-10_to_2025-07-08.csv.gz",
        "1m",
        38964,
        false,
    ),
    // The Yahoo SPY file with two bad rows, read skipping them.
    (
        "daily/mplfinance_yahoofinance-SPY-20080101-20180101.csv",
        "1d",
        2517,
        false,
    ),
];

pub fn tz_of(file: &str) -> Tz {
    if file.contains("stoxx50") {
        chrono_tz::Europe::Berlin
    } else if file.contains("watstreet") || file.contains("EURUSD") {
        UTC
    } else {
        NY
    }
}

#[test]
fn every_real_file_reads_with_the_readme_row_count() {
    let mut seen = 0;
    for (file, tf, rows, quotes) in REAL {
        let path = data_dir().join(file);
        let skip = file.contains("SPY-20080101");
        let r = read(&path, Timeframe::parse(tf).unwrap(), tz_of(file), skip)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.rows.len(), rows, "{file}");
        assert_eq!(matches!(r.rows, Rows::QuoteBars(_)), quotes, "{file}");
        assert_eq!(r.bytes, std::fs::metadata(&path).unwrap().len(), "{file}");
        assert!(!r.reordered && r.duplicates == 0, "{file}");
        seen += 1;
    }
    // Every file in both folders is in the table.
    let on_disk: usize = ["daily", "intraday"]
        .iter()
        .map(|d| std::fs::read_dir(data_dir().join(d)).unwrap().count())
        .sum();
    assert_eq!(seen, on_disk);
}

#[test]
fn real_values_land_where_they_should() {
    let first = |file: &str, tf: &str, tz: Tz| {
        let r = read(
            &data_dir().join(file),
            Timeframe::parse(tf).unwrap(),
            tz,
            false,
        )
        .unwrap();
        bars(&r)[0]
    };
    let sp = first("intraday/mplfinance_SP500_NOV2019_IDay.csv", "1m", NY);
    assert_eq!(sp.ts.to_rfc3339(), "2019-11-05T14:30:00Z");
    assert_eq!(
        (sp.open, sp.high, sp.low, sp.close),
        (
            Price::lit("3080.8"),
            Price::lit("3081.47"),
            Price::lit("3080.3"),
            Price::lit("3080.49")
        )
    );
    let stoxx = first(
        "intraday/backtrader_2006-min-005_stoxx50.csv",
        "5m",
        chrono_tz::Europe::Berlin,
    );
    assert_eq!(stoxx.ts.to_rfc3339(), "2006-01-02T08:05:00Z");
    let dbb = first(
        "intraday/watstreet_DBB_1min_2023-07-10_to_2025-07-08.csv.gz",
        "1m",
        UTC,
    );
    assert_eq!(dbb.ts.to_rfc3339(), "2023-07-10T13:30:00Z");
    let lean = first(
        "intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv",
        "1m",
        NY,
    );
    assert_eq!(lean.ts.to_rfc3339(), "2013-10-04T08:06:00Z");
    let btc = first("daily/backtesting_BTCUSD_monthly.csv", "1mo", NY);
    assert_eq!(btc.ts, UnixNanos::parse_rfc3339("2012-01-31").unwrap());
    assert_eq!(btc.volume.to_string(), "2012.25343589");
    let yahoo = first("daily/backtrader_nvda-1999-2014.txt", "1d", NY);
    assert_eq!(yahoo.open.to_string(), "1.75");
    assert_eq!(yahoo.high.to_string(), "1.953125");
}

#[test]
fn yahoo_spy_bad_rows_strict_and_skipped() {
    let path = data_dir().join("daily/mplfinance_yahoofinance-SPY-20080101-20180101.csv");
    let e = read(&path, Timeframe::D1, NY, false).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}:1808: open: open 209.419998 is outside [low 209.850006, high 210.800003]",
            path.display()
        )
    );
    let r = read(&path, Timeframe::D1, NY, true).unwrap();
    let lines: Vec<u64> = r.skipped.iter().map(|e| e.line).collect();
    assert_eq!(lines, [1808, 1825]);
    assert!(r.skipped.iter().all(|e| e.field == "open"));
    assert_eq!(r.rows.len(), 2519 - 2);
}

#[test]
fn quote_bars_keep_both_sides() {
    let path = data_dir().join("intraday/lean_spy_1min_quote_2013-10-04_to_2013-10-11.csv");
    let r = read(&path, Timeframe::M1, NY, false).unwrap();
    let Rows::QuoteBars(q) = &r.rows else {
        panic!("quote bars expected")
    };
    assert_eq!(q[0].ts.to_rfc3339(), "2013-10-04T08:00:00Z");
    assert_eq!(q[0].bid.unwrap().open, Price::lit("167.42"));
    assert_eq!(q[0].ask.unwrap().close, Price::lit("167.6"));
    assert_eq!(q[0].ask_size.to_string(), "20000");
    assert!(q.iter().all(|b| !b.is_crossed()));
}

/// Writes `text` to a temp file named `name`, reads it strictly, returns the error text with the
/// directory removed.
fn strict_err(name: &str, text: &[u8], tf: Timeframe) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let e = read(&path, tf, NY, false).unwrap_err().to_string();
    e.replace(&format!("{}/", dir.path().display()), "")
}

const HEAD: &str = "date,open,high,low,close,volume\n";

#[test]
fn crafted_errors_read_file_line_field_reason() {
    let d = Timeframe::D1;
    let cases: [(&str, String, &str); 11] = [
        (
            "a.csv",
            format!("{HEAD}2024-01-02,1,2,0.5,1.5,100\n2024-01-03,abc,2,1,1,1\n"),
            "a.csv:3: open: \"abc\": not a decimal number",
        ),
        (
            "b.csv",
            "date,open,high,low,volume\n".into(),
            "b.csv:1: close: missing column (header is \"date,open,high,low,volume\")",
        ),
        (
            "c.csv",
            "date,open,high,low,close,Volumn\n".into(),
            "c.csv:1: Volumn: unknown column (expected timestamp or date, open, high, low, close, volume, vwap, trade_count, or the LEAN quote columns bid_open..ask_size)",
        ),
        (
            "d.csv",
            format!("{HEAD}2024-01-02,1,2,0.5,1.5\n"),
            "d.csv:2: row: expected 6 fields as in the header, found 5",
        ),
        (
            "e.csv",
            format!(
                "{HEAD}2024-01-02,1,2,0.5,1.5,1\n2024-01-03,1,2,0.5,1.5,1\n2024-01-03,1,2,0.5,1.6,1\n"
            ),
            "e.csv:4: timestamp: duplicate timestamp 2024-01-03T00:00:00Z (line 3) with different values",
        ),
        (
            "f.csv",
            format!("{HEAD}2024-01-02,1,1,2,1,1\n"),
            "f.csv:2: high: high 1 is below low 2",
        ),
        (
            "g.csv",
            format!("{HEAD}2024-13-02,1,1,1,1,1\n"),
            "g.csv:2: timestamp: \"2024-13-02\" has no such date",
        ),
        (
            "h.csv",
            format!("{HEAD}2024-01-02,1,1,1,1,-5\n"),
            "h.csv:2: volume: negative volume -5",
        ),
        (
            "i.csv",
            String::new(),
            "i.csv:1: header: empty file (expected a header row)",
        ),
        (
            "j.csv",
            format!("{HEAD}2024-01-02,1,1,1,1,1\n2024-01-03,1,1,1,,1\n"),
            "j.csv:3: close: empty value",
        ),
        (
            "k.csv",
            format!("{HEAD}2024-01-02,1.0000000001,2,1,1,1\n"),
            "k.csv:2: open: \"1.0000000001\": more than 9 decimal places",
        ),
    ];
    for (name, text, want) in cases {
        assert_eq!(strict_err(name, text.as_bytes(), d), want);
    }
    let gap = "timestamp,open,high,low,close,volume\n2024-03-10 02:30:00,1,1,1,1,1\n";
    assert_eq!(
        strict_err("gap.csv", gap.as_bytes(), Timeframe::M1),
        "gap.csv:2: timestamp: 2024-03-10 02:30:00 does not exist in America/New_York (skipped by a DST change)"
    );
    // Conflicting duplicates that only meet after sorting: the later line is reported.
    let far = format!("{HEAD}2024-01-03,1,1,1,1,1\n2024-01-02,1,1,1,1,1\n2024-01-03,2,2,2,2,2\n");
    assert_eq!(
        strict_err("far.csv", far.as_bytes(), d),
        "far.csv:4: timestamp: duplicate timestamp 2024-01-03T00:00:00Z (line 2) with different values"
    );
    let blank =
        format!("{HEAD}2024-01-03,1,1,1,1,1\n\n2024-01-02,1,1,1,1,1\n2024-01-03,2,2,2,2,2\n");
    assert_eq!(
        strict_err("blank.csv", blank.as_bytes(), d),
        "blank.csv:5: timestamp: duplicate timestamp 2024-01-03T00:00:00Z (line 2) with different values"
    );
    assert_eq!(
        strict_err("z.csv", b"PK\x03\x04rest", d),
        "z.csv: a zip archive; unzip it first (gzip is read directly)"
    );
}

#[test]
fn skipping_reports_each_line_and_keeps_the_rest() {
    let text = format!(
        "{HEAD}2024-01-02,1,2,0.5,1.5,100\n2024-01-03,x,2,1,1,1\n2024-01-04,1,2,1\n\
         2024-01-05,1,2,1,1,1\n2024-01-05,1,2,1,1.5,1\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.csv");
    std::fs::write(&path, text).unwrap();
    let r = read(&path, Timeframe::D1, NY, true).unwrap();
    assert_eq!(r.rows.len(), 2);
    let got: Vec<(u64, &str)> = r
        .skipped
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(got, [(3, "open"), (4, "row"), (6, "timestamp")]);
}

#[test]
fn out_of_order_rows_are_sorted_and_exact_repeats_dropped() {
    let text = "Timestamp,Close,Low,High,Open,Volume\r\n\
                2024-01-03T14:31:00Z,2,1,3,2,10\r\n\
                2024-01-03T14:30:00Z,1,1,1,1,5\r\n\
                2024-01-03T14:30:00Z,1,1,1,1,5\r\n\
                \r\n";
    let mut r = read_from(
        Path::new("mem.csv"),
        &mut text.as_bytes(),
        &ReadOptions::new(Timeframe::M1),
        &mut |_| {},
    )
    .unwrap();
    assert!(r.reordered);
    assert_eq!(r.duplicates, 1);
    let b = bars(&r).to_vec();
    assert_eq!(b.len(), 2);
    assert!(b[0].ts < b[1].ts);
    assert_eq!(b[1].high, Price::lit("3"));
    r.rows = Rows::Bars(Vec::new());
    assert_eq!(r.bytes, text.len() as u64);
}

#[test]
fn gzip_is_detected_by_content_not_name() {
    let text = format!("{HEAD}2024-01-02,1,2,0.5,1.5,100\n2024-01-03,1,2,0.5,1.5,100\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("looks_plain.csv");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    let mut calls = Vec::new();
    let opts = ReadOptions::new(Timeframe::D1);
    let r = read_file(&path, &opts, &mut |b| calls.push(b)).unwrap();
    assert_eq!(r.rows.len(), 2);
    assert_eq!(calls.last().copied(), Some(r.bytes));
}

#[test]
fn quoted_fields_bom_and_semicolons() {
    let text = "\u{feff}\"Date\";\"Open\";\"High\";\"Low\";\"Close\";\"Volume\"\n\"2024-01-02\";1;2;1;2;3\n";
    let r = read_from(
        Path::new("q.csv"),
        &mut text.as_bytes(),
        &ReadOptions::new(Timeframe::D1),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(bars(&r)[0].close, Price::lit("2"));
}
