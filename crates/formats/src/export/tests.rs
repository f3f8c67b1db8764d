//! Golden text, CSV round trips through the importer, Parquet read back, atomic files.

use std::path::Path;

use domain::{Bar, Price, Quantity, Symbol, Timeframe, UnixNanos};

use super::*;

use crate::import::{ReadOptions, Rows, read_file, read_from};

#[allow(clippy::too_many_arguments)]
fn bar(
    ts: &str,
    o: &str,
    h: &str,
    l: &str,
    c: &str,
    v: &str,
    vwap: Option<&str>,
    n: Option<u64>,
) -> Bar {
    Bar::new(
        UnixNanos::parse_rfc3339(ts).unwrap(),
        Price::lit(o),
        Price::lit(h),
        Price::lit(l),
        Price::lit(c),
        Quantity::lit(v),
        vwap.map(Price::lit),
        n,
    )
    .unwrap()
}

fn two() -> Vec<Bar> {
    vec![
        bar(
            "2013-10-04T04:06:00-04:00",
            "167.65",
            "167.7",
            "167.6",
            "167.65",
            "20000",
            Some("167.6512"),
            Some(12),
        ),
        bar(
            "2013-10-04T08:07:00.5Z",
            "209.419998",
            "210",
            "209",
            "209.5",
            "0.00000001",
            None,
            None,
        ),
    ]
}

fn ok(bars: &[Bar]) -> impl Iterator<Item = Result<Bar, std::io::Error>> + '_ {
    bars.iter().map(|b| Ok(*b))
}

fn text(format: Format, tf: Timeframe, bars: &[Bar]) -> String {
    let mut out = Vec::new();
    let n = write_to(&mut out, format, tf, ok(bars)).unwrap();
    assert_eq!(n, bars.len() as u64);
    String::from_utf8(out).unwrap()
}

#[test]
fn csv_golden() {
    assert_eq!(
        text(Format::Csv, Timeframe::M1, &two()),
        "timestamp,open,high,low,close,volume,vwap,trade_count\n\
         2013-10-04T08:06:00Z,167.65,167.7,167.6,167.65,20000,167.6512,12\n\
         2013-10-04T08:07:00.500Z,209.419998,210,209,209.5,0.00000001,,\n"
    );
    let daily = [bar(
        "2024-01-02",
        "1",
        "2",
        "0.5",
        "1.5",
        "100",
        None,
        Some(3),
    )];
    assert_eq!(
        text(Format::Csv, Timeframe::D1, &daily),
        "timestamp,open,high,low,close,volume,vwap,trade_count\n2024-01-02,1,2,0.5,1.5,100,,3\n"
    );
}

#[test]
fn json_golden() {
    assert_eq!(
        text(Format::Json, Timeframe::M1, &two()),
        "[\n\
         {\"timestamp\":\"2013-10-04T08:06:00Z\",\"open\":167.65,\"high\":167.7,\"low\":167.6,\"close\":167.65,\"volume\":20000,\"vwap\":167.6512,\"trade_count\":12},\n\
         {\"timestamp\":\"2013-10-04T08:07:00.500Z\",\"open\":209.419998,\"high\":210,\"low\":209,\"close\":209.5,\"volume\":0.00000001,\"vwap\":null,\"trade_count\":null}\n\
         ]\n"
    );
    assert_eq!(text(Format::Json, Timeframe::M1, &[]), "[\n]\n");
    let parsed: serde_json::Value =
        serde_json::from_str(&text(Format::Json, Timeframe::D1, &two())).unwrap();
    assert_eq!(parsed[1]["timestamp"], "2013-10-04");
    assert_eq!(parsed[1]["open"].as_f64(), Some(209.419998));
}

/// Export → import gives the same bars, and exporting those gives the same bytes.
fn round_trip(bars: &[Bar], tf: Timeframe) {
    let first = text(Format::Csv, tf, bars);
    let back = read_from(
        Path::new("round.csv"),
        &mut first.as_bytes(),
        &ReadOptions::new(tf),
        &mut |_| {},
    )
    .unwrap();
    let Rows::Bars(back) = back.rows else {
        panic!("bars expected")
    };
    assert_eq!(back, bars);
    assert_eq!(text(Format::Csv, tf, &back), first);
}

#[test]
fn csv_round_trips_exactly() {
    // Import refuses a sub-second start for any bar timeframe; the fraction's text is in the goldens.
    let mut whole = two();
    whole[1].ts = UnixNanos::parse_rfc3339("2013-10-04T08:07:00Z").unwrap();
    round_trip(&whole, Timeframe::M1);
    let spy = crate::synth::generate_bars(
        &Symbol::lit("SPY"),
        chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        10,
        Timeframe::M5,
        1,
    );
    round_trip(&spy, Timeframe::M5);
    let daily = crate::synth::generate_bars(
        &Symbol::lit("BTC-USD"),
        chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        300,
        Timeframe::D1,
        1,
    );
    round_trip(&daily, Timeframe::D1);
    // Real files, as imported.
    let data = crate::import::tests::data_dir();
    for (file, tf) in [
        (
            "intraday/lean_aapl_1min_trade_2014-06-05_to_2014-06-09.csv",
            Timeframe::M1,
        ),
        (
            "daily/backtesting_BTCUSD_monthly.csv",
            Timeframe::parse("1mo").unwrap(),
        ),
        (
            "daily/mplfinance_yahoofinance-AAPL-20040819-20180120.csv",
            Timeframe::D1,
        ),
    ] {
        let r = read_file(&data.join(file), &ReadOptions::new(tf), &mut |_| {}).unwrap();
        let Rows::Bars(b) = r.rows else { panic!() };
        round_trip(&b, tf);
    }
}

#[test]
fn failed_exports_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let bars = two();
    let items = vec![
        Ok(bars[0]),
        Err(std::io::Error::other("store went away")),
        Ok(bars[1]),
    ];
    let e = export_file(&path, Format::Csv, Timeframe::M1, items).unwrap_err();
    assert_eq!(e.to_string(), "store went away");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let n = export_file(&path, Format::Json, Timeframe::M1, ok(&bars)).unwrap();
    assert_eq!(n, 2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    let missing = dir.path().join("no/such/dir/out.csv");
    let e = export_file(&missing, Format::Csv, Timeframe::M1, ok(&bars)).unwrap_err();
    assert!(
        e.to_string().starts_with(&missing.display().to_string()),
        "{e}"
    );
    assert_eq!(
        Format::from_path(Path::new("x.PARQUET")),
        Some(Format::Parquet)
    );
    assert_eq!(
        Format::parse("xlsx").unwrap_err().to_string(),
        "\"xlsx\" is not an export format (csv, json or parquet)"
    );
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_reads_back() {
    use ::parquet::file::reader::{FileReader, SerializedFileReader};
    use ::parquet::record::Field;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bars.parquet");
    // More than one row group.
    let mut bars = crate::synth::generate_minute_bars(140_000, 3);
    bars[0].trade_count = None;
    bars[1].vwap = None;
    export_file(&path, Format::Parquet, Timeframe::M1, ok(&bars)).unwrap();
    let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
    let meta = reader.metadata();
    assert_eq!(meta.file_metadata().num_rows(), 140_000);
    assert_eq!(meta.num_row_groups(), 2);
    let kv = meta.file_metadata().key_value_metadata().unwrap();
    assert!(
        kv.iter()
            .any(|k| k.key == "ztrade.timeframe" && k.value.as_deref() == Some("1m"))
    );
    let rows: Vec<_> = reader
        .get_row_iter(None)
        .unwrap()
        .take(2)
        .map(Result::unwrap)
        .collect();
    let cols: Vec<(String, Field)> = rows[0]
        .get_column_iter()
        .map(|(n, f)| (n.clone(), f.clone()))
        .collect();
    assert_eq!(cols[0].0, "timestamp");
    assert_eq!(cols[0].1, Field::Long(bars[0].ts.as_i64()));
    let ts_type = format!(
        "{:?}",
        meta.file_metadata()
            .schema_descr()
            .column(0)
            .logical_type_ref()
    );
    assert!(
        ts_type.contains("NANOS") && ts_type.contains("true"),
        "{ts_type}"
    );
    assert_eq!(
        cols[1],
        ("open".to_string(), Field::Double(bars[0].open.to_f64()))
    );
    assert_eq!(cols[7], ("trade_count".to_string(), Field::Null));
    let second: Vec<Field> = rows[1].get_column_iter().map(|(_, f)| f.clone()).collect();
    assert_eq!(second[6], Field::Null);
    assert_eq!(second[7], Field::Long(bars[1].trade_count.unwrap() as i64));
}

#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_needs_the_feature() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bars.parquet");
    let e = export_file(&path, Format::Parquet, Timeframe::M1, ok(&two())).unwrap_err();
    assert!(matches!(e, ExportError::ParquetDisabled));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Defect 6: a symlink is followed and kept, its target replaced atomically; a FIFO is written
/// in place; `-` is stdout; a directory is refused.
#[cfg(unix)]
#[test]
fn destinations_follow_links_and_keep_pipes() {
    use std::os::unix::fs::{FileTypeExt, symlink};

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.csv");
    std::fs::write(&target, "old\n").unwrap();
    let link = dir.path().join("link.csv");
    symlink("real.csv", &link).unwrap();
    assert_eq!(
        Destination::of(&link).unwrap(),
        Destination::Atomic {
            target: target.clone()
        }
    );
    export_file(&link, Format::Csv, Timeframe::M1, ok(&two())).unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with(CSV_HEADER)
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}"); // no partial file left

    // A link to a file not there yet creates it, in the target's folder.
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let dangling = dir.path().join("new.csv");
    symlink("sub/made.csv", &dangling).unwrap();
    export_file(&dangling, Format::Json, Timeframe::M1, ok(&two())).unwrap();
    assert!(dir.path().join("sub/made.csv").is_file());

    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    assert_eq!(
        Destination::of(&fifo).unwrap(),
        Destination::InPlace(fifo.clone())
    );
    // Read concurrently; the guard turns a reader left waiting (a FIFO replaced by a file) into
    // a failure instead of a hang.
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let fifo = fifo.clone();
        std::thread::spawn(move || tx.send(std::fs::read_to_string(fifo).unwrap()));
    }
    let n = export_file(&fifo, Format::Csv, Timeframe::M1, ok(&two())).unwrap();
    assert_eq!(n, 2);
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    let read = rx.recv_timeout(std::time::Duration::from_secs(60));
    assert_eq!(
        read.expect("the FIFO's reader got nothing"),
        text(Format::Csv, Timeframe::M1, &two())
    );

    assert_eq!(
        Destination::of(Path::new("-")).unwrap(),
        Destination::Stdout
    );
    let e = Destination::of(dir.path()).unwrap_err().to_string();
    assert!(
        e.ends_with("Is a directory") || e.ends_with("is a directory"),
        "{e}"
    );
}
