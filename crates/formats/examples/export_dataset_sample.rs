//! `cargo run -p formats --example export_dataset_sample -- OUT.{csv,parquet}`
//! Writes a small hand-made ML dataset in the columns of `ztrade ml export` (exact prices, UTC
//! times, labels, weights, a feature column), with a null of every nullable kind, so that
//! `crates/formats/tests/read_parquet.py` can check what pandas and polars read against its
//! golden file.

use std::path::Path;

use domain::{Price, UnixNanos};
use formats::export::{Cells, Column, Destination, Format, Table, export_table};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .ok_or("usage: export_dataset_sample OUT")?;
    let out = Path::new(&out);
    let format = Format::from_path(out).ok_or("OUT must end in .csv or .parquet")?;
    let t = |s: &str| UnixNanos::parse_rfc3339(s).map(Some);
    let p = |s: &str| Price::parse(s).map(Some);
    let col = |name: &str, cells| Column {
        name: name.into(),
        cells,
    };
    let table = Table {
        columns: vec![
            col(
                "symbol",
                Cells::Text(vec!["SPY".into(), "TSLA".into(), "SPY".into()]),
            ),
            col(
                "t0",
                Cells::Time(vec![
                    t("2024-03-04T14:35:00Z")?,
                    t("2024-03-04T15:00:00Z")?,
                    t("2024-03-05T20:55:00.000000001Z")?,
                ]),
            ),
            col("side", Cells::Int(vec![Some(1), Some(-1), None])),
            col(
                "entry_time",
                Cells::Time(vec![
                    t("2024-03-04T14:40:00Z")?,
                    t("2024-03-04T15:05:00Z")?,
                    t("2024-03-06T14:30:00Z")?,
                ]),
            ),
            col(
                "entry_price",
                Cells::Price(vec![
                    p("512.123456789")?,
                    p("0.000000001")?,
                    p("1000000000")?,
                ]),
            ),
            col(
                "t1",
                Cells::Time(vec![
                    t("2024-03-04T15:10:00Z")?,
                    t("2024-03-04T15:05:00Z")?,
                    t("2024-03-06T21:00:00Z")?,
                ]),
            ),
            col(
                "barrier",
                Cells::Text(vec!["tp".into(), "sl".into(), "time".into()]),
            ),
            col(
                "ret",
                Cells::Float(vec![Some(0.0099), Some(-0.005), Some(0.0)]),
            ),
            col("label", Cells::Int(vec![Some(1), Some(-1), Some(0)])),
            col(
                "weight_uniqueness",
                Cells::Float(vec![Some(1.0), Some(0.5), Some(2.0 / 3.0)]),
            ),
            col(
                "weight_return",
                Cells::Float(vec![Some(1.25), Some(0.75), Some(1.0)]),
            ),
            col(
                "signal_id",
                Cells::Int(vec![Some(1), Some(2), Some(9_007_199_254_740_993)]),
            ),
            col("meta_label", Cells::Int(vec![Some(1), Some(0), None])),
            col(
                "take_profit",
                Cells::Price(vec![p("517.244691357")?, None, p("1010000000")?]),
            ),
            col(
                "stop_loss",
                Cells::Price(vec![p("509.562839505")?, p("0.000000001")?, None]),
            ),
            col(
                "exit_price",
                Cells::Price(vec![
                    p("517.244691357")?,
                    p("0")?,
                    p("999999999.999999999")?,
                ]),
            ),
            col("rvol", Cells::Float(vec![Some(1.5), None, Some(0.1)])),
        ],
        metadata: vec![("ztrade.manifest".into(), "{\"sample\":true}".into())],
    };
    let n = export_table(&Destination::of(out)?, format, &table)?;
    println!("{n} rows -> {}", out.display());
    Ok(())
}
