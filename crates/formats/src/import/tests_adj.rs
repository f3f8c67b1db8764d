//! `--adj-close` (issue 9): Yahoo's Adj Close scales the bar into a total-return series, or is
//! reported as ignored.

use std::path::Path;

use domain::{Price, Quantity, Timeframe};

use super::{ReadOptions, Rows, read_from};

const YAHOO: &str = "Date,Open,High,Low,Close,Adj Close,Volume\n\
                     2004-08-19,2.250714,2.275714,2.168571,2.193571,1.966391,97230000\n\
                     2004-08-20,2.193571,2.213571,2.177857,2.200000,2.200000,79195200\n";

fn read(adj_close: bool, text: &str) -> Result<super::ReadResult, super::ImportError> {
    let opts = ReadOptions {
        adj_close,
        ..ReadOptions::new(Timeframe::D1)
    };
    read_from(
        Path::new("aapl.csv"),
        &mut text.as_bytes(),
        &opts,
        &mut |_| {},
    )
}

fn bars(r: &super::ReadResult) -> &[domain::Bar] {
    match &r.rows {
        Rows::Bars(b) => b,
        Rows::QuoteBars(_) => panic!("bars expected"),
    }
}

#[test]
fn adj_close_scales_prices_and_volume_exactly() {
    let r = read(true, YAHOO).unwrap();
    assert!(!r.adj_close_ignored);
    let b = &bars(&r)[0];
    // 2.250714 × 1.966391 / 2.193571, rounded half to even at 1e-9.
    assert_eq!(b.open, Price::lit("2.017615912"));
    assert_eq!(b.close, Price::lit("1.966391"));
    assert_eq!(b.high, Price::lit("2.040026755"));
    assert_eq!(b.low, Price::lit("1.943980157"));
    // 97230000 × 2.193571 / 1.966391, at 1e-8: price × volume is kept.
    assert_eq!(b.volume, Quantity::lit("108463122.71059011"));
    // A row whose Adj Close equals its Close is unchanged.
    let b = &bars(&r)[1];
    assert_eq!(
        (b.open, b.volume),
        (Price::lit("2.193571"), Quantity::lit("79195200"))
    );
}

#[test]
fn without_the_flag_adj_close_is_ignored_and_said() {
    let r = read(false, YAHOO).unwrap();
    assert!(r.adj_close_ignored);
    assert_eq!(bars(&r)[0].close, Price::lit("2.193571"));
    let plain = "Date,Open,High,Low,Close,Volume\n2004-08-19,2.25,2.27,2.16,2.19,100\n";
    assert!(!read(false, plain).unwrap().adj_close_ignored);
    // With the flag and no such column, nothing changes.
    assert_eq!(
        bars(&read(true, plain).unwrap())[0].close,
        Price::lit("2.19")
    );
}

#[test]
fn a_bad_adj_close_names_its_line_and_field() {
    let text = "Date,Open,High,Low,Close,Adj Close,Volume\n2004-08-19,2.25,2.27,2.16,2.19,x,100\n";
    let e = read(true, text).unwrap_err().to_string();
    assert!(e.starts_with("aapl.csv:2: adj_close:"), "{e}");
    let text = "Date,Open,High,Low,Close,Adj Close,Volume\n2004-08-19,2.25,2.27,2.16,2.19,0,100\n";
    let e = read(true, text).unwrap_err().to_string();
    assert!(
        e.contains("aapl.csv:2: adj_close:") && e.contains("positive"),
        "{e}"
    );
}
