//! `ztrade bench labels` without building the whole binary: triple-barrier labels for N signals
//! over M bars vs the hand-written first-touch loop, with the same flags.
//!
//! `cargo run --release -p bench --example bench_labels -- --bars 1000000 --signals 1000000`

use clap::Parser;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    bench: bench::labels::LabelsBench,
}

fn main() -> Result<(), bench::Error> {
    let report = bench::labels::run(&Args::parse().bench)?;
    for row in &report.rows {
        println!("{}", row.join("  "));
    }
    if let Some(note) = report.note {
        println!("{note}");
    }
    println!("{}", report.json);
    Ok(())
}
