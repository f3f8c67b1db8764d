use std::io::Write;

use super::*;
use crate::import::tests::data_dir;

fn opts(kind: TickKind) -> TickOptions {
    TickOptions {
        kind,
        tz: domain::time::NEW_YORK,
        skip_invalid: false,
    }
}

fn read(text: &str, o: TickOptions) -> Result<TickReadResult, ImportError> {
    read_ticks_from(Path::new("t.csv"), &mut text.as_bytes(), &o)
}

fn trades(r: &TickReadResult) -> &[TradeTick] {
    match &r.rows {
        TickRows::Trades(t) => t,
        TickRows::Quotes(_) => panic!("quotes"),
    }
}

fn quotes(r: &TickReadResult) -> &[QuoteTick] {
    match &r.rows {
        TickRows::Quotes(q) => q,
        TickRows::Trades(_) => panic!("trades"),
    }
}

fn err(text: &str, o: TickOptions) -> String {
    read(text, o).unwrap_err().to_string()
}

#[test]
fn the_real_lean_trade_file_gz() {
    let path = data_dir().join("ticks/lean_spy_trade_ticks_2013-10-07.csv.gz");
    let r = read_ticks(&path, &opts(TickKind::Trades), &mut |_| {}).unwrap();
    let t = trades(&r);
    assert_eq!(t.len(), 250_601);
    assert!(!r.reordered && r.skipped.is_empty());
    // 2013-10-07T04:00:00.464-04:00,167.41,100,P,20002000,0
    assert_eq!(t[0].ts.to_rfc3339(), "2013-10-07T08:00:00.464Z");
    assert_eq!(t[0].price, Price::lit("167.41"));
    assert_eq!(t[0].size, Quantity::from_int(100));
    assert_eq!(t[0].exchange, "P");
    assert_eq!(t[0].conditions, ["20002000"]);
    assert!(!t[0].suspicious);
    // Duplicate timestamps are kept, in file order.
    let dups = t.windows(2).filter(|w| w[0].ts == w[1].ts).count();
    assert!(dups > 100_000, "{dups}");
    assert_eq!(t[1].ts, t[2].ts);
    assert_eq!(
        (t[1].size, t[2].size),
        (Quantity::from_int(1400), Quantity::from_int(100))
    );
}

#[test]
fn plain_and_gz_layouts_read_alike() {
    let text = "timestamp,price,size,exchange,conditions\n\
                2024-01-02T14:30:00.000000001Z,187.15,100,V,@ T\n\
                2024-01-02T14:30:00.000000001Z,187.16,5,V,\n\
                2024-01-02 09:30:01,187.2,10,,\n";
    let plain = read(text, opts(TickKind::Trades)).unwrap();
    let t = trades(&plain);
    assert_eq!(t.len(), 3);
    assert_eq!(t[0].conditions, ["@", "T"]);
    assert!(t[1].conditions.is_empty());
    // Naive times are New York time.
    assert_eq!(t[2].ts.to_rfc3339(), "2024-01-02T14:30:01Z");

    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("t.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap();
    let from_gz = read_ticks(&gz, &opts(TickKind::Trades), &mut |_| {}).unwrap();
    assert_eq!(from_gz.rows, plain.rows);
    // Only three columns.
    let short = read(
        "ts,price,size\n1704205800000,1.5,2\n",
        opts(TickKind::Trades),
    )
    .unwrap();
    assert_eq!(trades(&short)[0].exchange, "");
}

#[test]
fn lean_quotes_one_sided_are_neither_crossed_nor_bad() {
    let text = "timestamp_et,bid_price,bid_size,ask_price,ask_size,exchange,sale_condition,suspicious\n\
                2013-10-07T09:30:00.001-04:00,167.41,300,167.42,500,P,00000001,0\n\
                2013-10-07T09:30:00.001-04:00,0,0,167.43,200,Q,00000001,0\n\
                2013-10-07T09:30:00.002-04:00,167.40,100,0,0,Z,00000001,1\n";
    let r = read(text, opts(TickKind::Quotes)).unwrap();
    let q = quotes(&r);
    assert_eq!(q.len(), 3);
    assert!(q[0].has_bid() && q[0].has_ask());
    assert!(!q[1].has_bid() && q[1].has_ask() && !q[1].is_crossed());
    assert!(q[2].has_bid() && !q[2].has_ask() && !q[2].is_crossed());
    assert!(q[2].suspicious);
    assert_eq!(
        (q[1].bid_exchange.as_str(), q[1].ask_exchange.as_str()),
        ("Q", "Q")
    );
    // The plain quote layout, with a crossed quote kept.
    let plain = "timestamp,bid,bid_size,ask,ask_size\n2022-03-09T09:00:00Z,159.52,1,158.65,1\n";
    let r = read(plain, opts(TickKind::Quotes)).unwrap();
    assert!(quotes(&r)[0].is_crossed());
}

#[test]
fn errors_name_file_line_and_field() {
    let lean_q =
        "timestamp_et,bid_price,bid_size,ask_price,ask_size,exchange,sale_condition,suspicious\n";
    for (text, kind, want) in [
        (
            "timestamp,price,size\n2024-01-02T14:30:00Z,1,1\n2024-01-02T14:30:00Z,abc,1\n",
            TickKind::Trades,
            "t.csv:3: price: \"abc\"",
        ),
        (
            "timestamp,price,size\n2024-01-02T14:30:00Z,0,1\n",
            TickKind::Trades,
            "t.csv:2: price: 0 is not a trade price",
        ),
        (
            "timestamp,price,size\n2024-01-02T14:30:00Z,1,-5\n",
            TickKind::Trades,
            "t.csv:2: size: ",
        ),
        (
            "timestamp,price,size\nyesterday,1,1\n",
            TickKind::Trades,
            "t.csv:2: timestamp: \"yesterday\" is not a timestamp",
        ),
        (
            "timestamp,price,size,suspicious\n2024-01-02T14:30:00Z,1,1,maybe\n",
            TickKind::Trades,
            "t.csv:2: suspicious: \"maybe\" is not 0 or 1",
        ),
        (
            "timestamp,price,size\n2024-01-02T14:30:00Z,1\n",
            TickKind::Trades,
            "t.csv:2: row: expected 3 fields as in the header, found 2",
        ),
        (
            "timestamp,price,size,colour\n",
            TickKind::Trades,
            "t.csv:1: colour: unknown column",
        ),
        (
            lean_q,
            TickKind::Trades,
            "t.csv:1: header: no price column (this looks like a quote file: --kind quotes)",
        ),
        (
            &format!("{lean_q}2013-10-07T09:30:00-04:00,0,100,167.42,500,P,1,0\n"),
            TickKind::Quotes,
            "t.csv:2: bid_price: 0 with size 100: a quoted side needs a price",
        ),
        (
            &format!("{lean_q}2013-10-07T09:30:00-04:00,0,0,0,0,P,1,0\n"),
            TickKind::Quotes,
            "t.csv:2: row: neither side is quoted",
        ),
        ("", TickKind::Trades, "t.csv:1: header: empty file"),
    ] {
        let e = err(text, opts(kind));
        assert!(e.starts_with(want), "{e}\nwanted {want}");
    }
}

#[test]
fn skip_invalid_keeps_the_good_rows_and_lists_the_bad() {
    let text = "timestamp,price,size\n\
                2024-01-02T14:30:02Z,1,1\n\
                2024-01-02T14:30:00Z,x,1\n\
                2024-01-02T14:30:01Z,2,1\n\
                2024-01-02T14:30:01Z,3,1";
    let mut o = opts(TickKind::Trades);
    o.skip_invalid = true;
    let r = read(text, o).unwrap();
    let t = trades(&r);
    // Sorted by time, stable within a timestamp.
    assert!(r.reordered);
    let prices: Vec<String> = t.iter().map(|t| t.price.to_string()).collect();
    assert_eq!(prices, ["2", "3", "1"]);
    assert_eq!(r.skipped.len(), 1);
    assert_eq!(r.skipped[0].line, 3);
    assert_eq!(r.warnings.len(), 1, "the last line has no newline");
}

fn stream(
    path: &Path,
    batch: usize,
    stop_after: usize,
) -> (Vec<Vec<TradeTick>>, Result<TickReadReport, ImportError>) {
    let mut batches = Vec::new();
    let report = stream_ticks(path, &opts(TickKind::Trades), batch, &mut |rows, _bytes| {
        let TickRows::Trades(t) = rows else {
            panic!("trades")
        };
        batches.push(t);
        batches.len() < stop_after
    });
    (batches, report)
}

#[test]
fn streamed_batches_never_split_a_timestamp_and_add_up_to_the_file() {
    let path = data_dir().join("ticks/lean_spy_trade_ticks_2013-10-07.csv.gz");
    let whole = read_ticks(&path, &opts(TickKind::Trades), &mut |_| {}).unwrap();
    let (batches, report) = stream(&path, 10_000, usize::MAX);
    let report = report.unwrap();
    assert_eq!(report.kept, 250_601);
    assert!(batches.len() > 20, "{}", batches.len());
    for pair in batches.windows(2) {
        assert!(pair[0].len() >= 10_000);
        assert_ne!(pair[0].last().unwrap().ts, pair[1][0].ts);
    }
    assert_eq!(TickRows::Trades(batches.concat()), whole.rows);
    assert_eq!(report.bytes, whole.bytes);
}

#[test]
fn a_stream_stops_when_its_consumer_says_so_and_reports_rows_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    std::fs::write(
        &path,
        "ts,price,size\n1704205800002,1,1\n1704205800003,1,1\n1704205800001,1,1\n",
    )
    .unwrap();
    let (batches, report) = stream(&path, 1, 1);
    assert_eq!(batches.len(), 1);
    assert!(matches!(report, Err(ImportError::Stopped)), "{report:?}");
    // Not sorted while streaming: the report says the file went back in time.
    let (batches, report) = stream(&path, 2, usize::MAX);
    let ts: Vec<i64> = batches
        .concat()
        .iter()
        .map(|t| t.ts.as_i64() / 1_000_000)
        .collect();
    assert_eq!(ts, [1704205800002, 1704205800003, 1704205800001]);
    assert!(report.unwrap().reordered);
}
