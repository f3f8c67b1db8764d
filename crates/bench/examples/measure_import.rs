//! `cargo run --release -p bench --example measure_import -- [ROWS] [DIR]`
//! Times generate → write CSV → read_file for ROWS (default 1,000,000) one-minute bars.
//! `… -- read FILE [TIMEFRAME]` times read_file on an existing file instead.

use std::time::Instant;

use formats::import::{ReadOptions, read_file};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("read") {
        let path = std::path::Path::new(args.get(1).ok_or("read FILE [TIMEFRAME]")?);
        let tf = domain::Timeframe::parse(args.get(2).map_or("1m", String::as_str))?;
        let t = Instant::now();
        let r = read_file(path, &ReadOptions::new(tf), &mut |_| {})?;
        println!("{} rows in {:.3}s", r.rows.len(), t.elapsed().as_secs_f64());
        return Ok(());
    }
    let rows: usize = args
        .first()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let dir = args.get(1).map_or_else(std::env::temp_dir, Into::into);
    let m = bench::csv_import::measure_import(&dir, rows, 1)?;
    println!(
        "{} rows, {:.1} MB: generate {:.3}s, write {:.3}s, read_file {:.3}s ({:.2}M rows/s, {:.0} MB/s) -> {}",
        m.rows_read,
        m.bytes as f64 / 1e6,
        m.generate.as_secs_f64(),
        m.write.as_secs_f64(),
        m.read.as_secs_f64(),
        m.rows_per_sec() / 1e6,
        m.mb_per_sec(),
        m.path.display()
    );
    Ok(())
}
