//! `ztrade bench validate`: N stored one-minute bars, as `--symbols` series of synthetic
//! SPY-like minutes from 2015 (every minute of every session, one bad close planted in each),
//! checked end to end by `ztrade data validate` (day index, every bar read back and checked,
//! findings stored), against `sqlite3` scanning the same rows (`SELECT` of every bar column
//! summed: the least SQLite itself does to touch them), in the same run.
//!
//! The report must find exactly the planted bad prints, or the bench fails.

use std::path::Path;
use std::process::Command;

use domain::{Price, Symbol, Timeframe};
use serde_json::json;

use crate::{Report, Result, best_of, ensure, need_tool, secs, sh};

#[derive(Debug, Clone, clap::Args)]
pub struct ValidateBench {
    /// One-minute bars stored and validated.
    #[arg(long, default_value_t = 10_000_000)]
    pub rows: usize,
    /// Series they are split into (symbols S000, S001, …).
    #[arg(long, default_value_t = 10)]
    pub symbols: usize,
    /// Runs of each figure; the best is reported.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
}

const SCAN: &str = "SELECT count(*), total(open), total(high), total(low), total(close), \
    total(volume), total(vwap), total(trade_count) FROM bars";

pub fn run(a: &ValidateBench, exe: &Path) -> Result<Report> {
    need_tool("sqlite3")?;
    ensure!(
        a.symbols > 0 && a.rows >= a.symbols * 1000,
        "--rows: at least 1000 a symbol"
    );
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.db");
    let db = format!("sqlite://{}", path.display());
    let per = a.rows / a.symbols;
    {
        let mut store = store::open_migrated(&db)?;
        for i in 0..a.symbols {
            let mut bars = formats::synth::generate_minute_bars(per, 100 + i as u64);
            // A close 30% under its neighbours, back the next minute.
            let b = &mut bars[per / 2];
            b.close = Price::from_raw(b.close.raw() / 10 * 7);
            b.low = b.low.min(b.close);
            store.upsert_bars(&Symbol::new(&format!("S{i:03}"))?, Timeframe::M1, &bars)?;
        }
    }
    eprintln!(
        "{} bars stored in {} series; best of {}",
        per * a.symbols,
        a.symbols,
        a.repeat
    );
    let (ours, (out, peak)) = best_of(a.repeat, || {
        sh(crate::ztrade(exe, &db).args(["data", "validate", "--json"]))
    })?;
    let report: serde_json::Value = serde_json::from_str(&out)?;
    let bad: usize = report["series"]
        .as_array()
        .map(|s| {
            s.iter()
                .flat_map(|x| x["findings"].as_array().cloned().unwrap_or_default())
                .filter(|f| f["kind"] == "bad_print")
                .count()
        })
        .unwrap_or(0);
    ensure!(
        bad == a.symbols,
        "found {bad} bad prints, planted {}",
        a.symbols
    );
    let (scan, _) = best_of(a.repeat, || {
        sh(Command::new("sqlite3").arg(&path).arg(SCAN))
    })?;
    let rows = per * a.symbols;
    let json = json!({
        "rows": rows,
        "series": a.symbols,
        "ztrade_data_validate_s": secs(ours),
        "ztrade_peak_rss_mib": peak.map(|k| k as f64 / 1024.0),
        "bars_per_s": rows as f64 / secs(ours),
        "sqlite3_scan_s": secs(scan),
        "ratio": secs(ours) / secs(scan),
        "findings": report["counts"],
    });
    let rows_out = vec![
        vec![
            format!("ztrade data validate, {rows} bars"),
            format!("{:.3}", secs(ours)),
            format!("{:.2}×", secs(ours) / secs(scan)),
        ],
        vec![
            "sqlite3 SELECT scan of the same rows (baseline)".into(),
            format!("{:.3}", secs(scan)),
            "1.00×".into(),
        ],
    ];
    Ok(Report {
        json,
        rows: rows_out,
        note: Some(format!(
            "{:.1} M bars/s; peak RSS {} MiB; the planted bad prints found: {bad}",
            rows as f64 / secs(ours) / 1e6,
            peak.map_or("?".into(), |k| format!("{:.0}", k as f64 / 1024.0))
        )),
    })
}
