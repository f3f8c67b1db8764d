//! `cargo run -p formats --example export_sample -- OUT.{csv,json,parquet} [TIMEFRAME] [DAYS]`
//! Writes synthetic SPY bars (from 2024-03-04, seed 1) in the format the extension names. The
//! first bar has no trade_count and the second no vwap, so readers see both kinds of null.
//! `crates/formats/tests/read_parquet.py` uses it to check what pandas and polars read.

use std::path::Path;

use domain::{Symbol, Timeframe};
use formats::export::{Format, export_file};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = Path::new(
        args.first()
            .ok_or("usage: export_sample OUT [TIMEFRAME] [DAYS]")?,
    );
    let tf = Timeframe::parse(args.get(1).map_or("1m", String::as_str))?;
    let days: usize = args.get(2).map_or(Ok(5), |d| d.parse())?;
    let format = Format::from_path(out).ok_or("OUT must end in .csv, .json or .parquet")?;
    let first = chrono::NaiveDate::from_ymd_opt(2024, 3, 4).expect("valid date");
    let mut bars = formats::synth::generate_bars(&Symbol::lit("SPY"), first, days, tf, 1);
    if bars.len() >= 2 {
        bars[0].trade_count = None;
        bars[1].vwap = None;
    }
    let n = export_file(
        out,
        format,
        tf,
        bars.into_iter().map(Ok::<_, std::io::Error>),
    )?;
    println!("{n} bars -> {}", out.display());
    Ok(())
}
