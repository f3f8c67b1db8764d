//! `ztrade bench ticks`: N synthetic trade ticks in LEAN's layout (several per millisecond, as in
//! real files), then
//! - `sqlite3 DB ".import --csv --skip 1"` of the same file into a plain table of its columns
//!   (no key: the file has none), vs `ztrade data import --kind trades` into a fresh SQLite store
//!   (parse, validate, number, upsert), and the re-import (every tick unchanged);
//! - with `--pg URL`: `psql \copy` into a plain table vs `ztrade data import --kind trades`;
//! - ticks → one-minute bars in memory ([`domain::aggregate::ticks_to_bars`], LEAN rules) vs a
//!   hand-written OHLCV loop over the same ticks with no rules ([`hand_bars`]);
//! - `ztrade data aggregate --to 1m` end to end from the store.
//!
//! Each figure is the best of `--repeat` runs.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use domain::aggregate::{Conditions, ticks_to_bars};
use domain::{Timeframe, TradeTick};
use formats::import::ticks::{TickKind, TickOptions, TickRows, read_ticks};
use serde_json::json;

use crate::{Report, Result, best_of, ensure, need_tool, secs, sh};

const BASELINE_TABLE: &str = "CREATE TABLE ticks(timestamp_et TEXT NOT NULL, price NUMERIC, \
    size INTEGER, exchange TEXT, sale_condition TEXT, suspicious INTEGER);";

/// The LEAN codes of SPY 2013-10-07, roughly in their proportions.
const CODES: [&str; 8] = [
    "1", "20000020", "1", "20000020", "20", "20002020", "2000", "20100200",
];
const EXCHANGES: [&str; 6] = ["P", "Q", "D", "Z", "K", "N"];

/// Writes `n` ticks of one session (04:00–20:00 New York, 2013-10-07) in LEAN's layout.
pub fn write_lean_ticks(path: &Path, n: usize) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        out,
        "timestamp_et,price,size,exchange,sale_condition,suspicious"
    )?;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let span_ms = 16 * 3600 * 1000u64;
    let mean_gap = (span_ms / n.max(1) as u64).max(1);
    let (mut ms, mut cents) = (4 * 3600 * 1000u64, 16_741i64);
    for _ in 0..n {
        let r = next();
        // About a third of the ticks share the previous one's millisecond.
        if r % 3 != 0 {
            ms += (r >> 8) % (2 * mean_gap + 1);
        }
        cents = (cents + ((r >> 20) % 3) as i64 - 1).max(100);
        let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        writeln!(
            out,
            "2013-10-07T{h:02}:{m:02}:{s:02}.{milli:03}-04:00,{}.{:02},{},{},{},0",
            cents / 100,
            cents % 100,
            100 * (1 + (r >> 32) % 20),
            EXCHANGES[((r >> 40) % 6) as usize],
            CODES[((r >> 44) % 8) as usize],
        )?;
    }
    out.flush()?;
    Ok(())
}

/// The baseline of the in-memory figure: open, high, low, close and volume per minute, every
/// tick counted, no condition read, no validation.
pub fn hand_bars(ticks: &[TradeTick]) -> Vec<[i64; 6]> {
    const MIN: i64 = 60_000_000_000;
    let mut out: Vec<[i64; 6]> = Vec::new();
    for t in ticks {
        let ts = t.ts.as_i64();
        let start = ts - ts.rem_euclid(MIN);
        let (p, q) = (t.price.raw(), t.size.raw());
        match out.last_mut() {
            Some(b) if b[0] == start => {
                b[2] = b[2].max(p);
                b[3] = b[3].min(p);
                b[4] = p;
                b[5] += q;
            }
            _ => out.push([start, p, p, p, p, q]),
        }
    }
    out
}

pub fn run(a: &crate::import::ImportOptions, exe: &Path) -> Result<Report> {
    let ztrade = |db: &str| crate::ztrade(exe, db);
    need_tool("sqlite3")?;
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("ticks.csv");
    write_lean_ticks(&csv, a.rows)?;
    let csv_s = csv.to_str().ok_or("the temp path is not UTF-8")?;
    let size = std::fs::metadata(&csv)?.len();
    eprintln!(
        "{} ticks, {:.1} MB CSV; best of {}",
        a.rows,
        size as f64 / 1e6,
        a.repeat
    );
    let import = [
        "data", "import", csv_s, "--kind", "trades", "--symbol", "BENCH",
    ];
    let crate::import::SqliteImport {
        sqlite3,
        ours,
        peak,
        reimport,
        db,
    } = crate::import::sqlite_import(
        a.repeat,
        dir.path(),
        exe,
        (BASELINE_TABLE, "ticks"),
        csv_s,
        &import,
    )?;
    let aggregate = [
        "data",
        "aggregate",
        "--symbol",
        "BENCH",
        "--from",
        "trades",
        "--to",
        "1m",
        "--json",
    ];
    let (agg_e2e, out) = best_of(a.repeat, || sh(ztrade(&db).args(aggregate)))?;
    let agg: serde_json::Value = serde_json::from_str(&out.0)?;
    ensure!(
        agg["stats"]["ticks"] == a.rows as u64,
        "aggregate read {} of {} ticks",
        agg["stats"]["ticks"],
        a.rows
    );

    let read = read_ticks(
        &csv,
        &TickOptions {
            kind: TickKind::Trades,
            tz: domain::time::NEW_YORK,
            skip_invalid: false,
        },
        &mut |_| {},
    )?;
    let TickRows::Trades(ticks) = read.rows else {
        return Err("read quotes".into());
    };
    let (hand, n_hand) = best_of(a.repeat.max(5), || Ok(hand_bars(&ticks).len()))?;
    let (pure, n_pure) = best_of(a.repeat.max(5), || {
        Ok(ticks_to_bars(&ticks, Timeframe::M1, Conditions::Lean)?
            .0
            .len())
    })?;
    ensure!(n_pure > 0 && n_hand > 0, "no bars");
    let n = a.rows as f64;
    let mut report = json!({
        "ticks": a.rows,
        "csv_bytes": size,
        "sqlite": {
            "sqlite3_import_s": secs(sqlite3),
            "ztrade_import_s": secs(ours),
            "ratio": secs(ours) / secs(sqlite3),
            "ticks_per_s": n / secs(ours),
            "ztrade_reimport_unchanged_s": secs(reimport),
            "ztrade_peak_rss_mib": peak.map(|k| k as f64 / 1024.0),
            "aggregate_e2e_s": secs(agg_e2e),
            "aggregate_e2e_ticks_per_s": n / secs(agg_e2e),
        },
        "memory": {
            "hand_loop_s": secs(hand),
            "hand_ticks_per_s": n / secs(hand),
            "ticks_to_bars_s": secs(pure),
            "ticks_to_bars_per_s": n / secs(pure),
            "ratio": secs(pure) / secs(hand),
            "bars": n_pure,
        },
    });
    if let Some(pg) = &a.pg {
        report["postgres"] = postgres(pg, csv_s, a.repeat, &ztrade, a.rows)?;
    }
    let f = |v: &serde_json::Value| v.as_f64().map_or("–".into(), |x| format!("{x:.3}"));
    let per_s = |v: &serde_json::Value| {
        v.as_f64()
            .map_or("–".into(), |x| format!("{:.2} M ticks/s", x / 1e6))
    };
    let (s, m) = (&report["sqlite"], &report["memory"]);
    let mut rows = vec![
        vec![
            "sqlite3 .import (baseline)".into(),
            f(&s["sqlite3_import_s"]),
            "1.00×".into(),
        ],
        vec![
            "ztrade data import --kind trades → SQLite".into(),
            f(&s["ztrade_import_s"]),
            format!(
                "{:.2}× ({})",
                s["ratio"].as_f64().unwrap_or(0.0),
                per_s(&s["ticks_per_s"])
            ),
        ],
        vec![
            "ztrade re-import (all unchanged)".into(),
            f(&s["ztrade_reimport_unchanged_s"]),
            String::new(),
        ],
        vec![
            "hand OHLCV loop in memory (baseline)".into(),
            f(&m["hand_loop_s"]),
            format!("1.00× ({})", per_s(&m["hand_ticks_per_s"])),
        ],
        vec![
            "ticks_to_bars 1m, LEAN rules, in memory".into(),
            f(&m["ticks_to_bars_s"]),
            format!(
                "{:.2}× ({})",
                m["ratio"].as_f64().unwrap_or(0.0),
                per_s(&m["ticks_to_bars_per_s"])
            ),
        ],
        vec![
            "ztrade data aggregate --to 1m (SQLite, end to end)".into(),
            f(&s["aggregate_e2e_s"]),
            per_s(&s["aggregate_e2e_ticks_per_s"]),
        ],
    ];
    if let Some(p) = report.get("postgres") {
        rows.push(vec![
            "psql \\copy (baseline)".into(),
            f(&p["psql_copy_s"]),
            "1.00×".into(),
        ]);
        rows.push(vec![
            "ztrade data import --kind trades → PostgreSQL".into(),
            f(&p["ztrade_import_s"]),
            format!(
                "{:.2}× ({})",
                p["ratio"].as_f64().unwrap_or(0.0),
                per_s(&p["ticks_per_s"])
            ),
        ]);
        rows.push(vec![
            "ztrade data aggregate --to 1m (PostgreSQL, end to end)".into(),
            f(&p["aggregate_e2e_s"]),
            per_s(&p["aggregate_e2e_ticks_per_s"]),
        ]);
    }
    Ok(Report {
        json: report,
        rows,
        note: None,
    })
}

fn postgres(
    base: &str,
    csv: &str,
    repeat: usize,
    ztrade: &dyn Fn(&str) -> Command,
    n: usize,
) -> Result<serde_json::Value> {
    need_tool("psql")?;
    let schema = format!("zt_bench_ticks_{}", std::process::id());
    let psql =
        |sql: &str| sh(Command::new("psql").args(["-v", "ON_ERROR_STOP=1", "-q", base, "-c", sql]));
    let reset = || {
        psql(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
    };
    let table = format!(
        "CREATE TABLE {schema}.ticks(timestamp_et timestamptz NOT NULL, price numeric, size bigint, \
         exchange text, sale_condition text, suspicious int)"
    );
    let (copy, _) = best_of(repeat, || {
        reset()?;
        psql(&table)?;
        let t = Instant::now();
        psql(&format!(
            "\\copy {schema}.ticks FROM '{csv}' WITH (FORMAT csv, HEADER true)"
        ))?;
        Ok(t.elapsed())
    })
    .map(|(_, d)| (d, ()))?;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}schema={schema}");
    let import = [
        "data", "import", csv, "--kind", "trades", "--symbol", "BENCH",
    ];
    let (ours, _) = best_of(repeat, || {
        reset()?;
        sh(ztrade(&url).args(["db", "migrate"]))?;
        let t = Instant::now();
        sh(ztrade(&url).args(import))?;
        Ok(t.elapsed())
    })
    .map(|(_, d)| (d, ()))?;
    let (agg, _) = best_of(repeat, || {
        sh(ztrade(&url).args([
            "data",
            "aggregate",
            "--symbol",
            "BENCH",
            "--from",
            "trades",
            "--to",
            "1m",
        ]))
    })?;
    psql(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))?;
    Ok(json!({
        "psql_copy_s": secs(copy),
        "ztrade_import_s": secs(ours),
        "ratio": secs(ours) / secs(copy),
        "ticks_per_s": n as f64 / secs(ours),
        "aggregate_e2e_s": secs(agg),
        "aggregate_e2e_ticks_per_s": n as f64 / secs(agg),
    }))
}
