//! `ztrade bench import`: N synthetic one-minute bars written as CSV, then
//! - `sqlite3 DB ".import --csv --skip 1"` into a table with the same primary key, vs
//!   `ztrade data import` into a fresh SQLite store (parse, validate, upsert), and the re-import
//!   (every row unchanged);
//! - with `--pg URL`: `psql \copy` into a table of the same shape, vs `ztrade data import` into a
//!   fresh PostgreSQL schema;
//! - reading the N bars back in timestamp order through `BarStream`.
//!
//! Each figure is the best of `--repeat` runs.

use std::process::Command;
use std::time::Instant;

use std::path::Path;

use domain::{Symbol, Timeframe};
use serde_json::json;

use crate::{Report, Result, best_of, ensure, need_tool, secs, sh};

/// What `ztrade bench import` and `ztrade bench ticks` measure (their flags).
#[derive(Debug, Clone, clap::Args)]
pub struct ImportOptions {
    /// Rows in the CSV (one-minute bars, or ticks).
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// Runs of each figure; the best is reported.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// Also measure PostgreSQL at this URL (a schema of its own is created and dropped there).
    #[arg(long)]
    pub pg: Option<String>,
}

const BASELINE_TABLE: &str = "CREATE TABLE bars(timestamp TEXT NOT NULL, open NUMERIC, high NUMERIC, low NUMERIC, \
    close NUMERIC, volume NUMERIC, vwap NUMERIC, trade_count INTEGER, PRIMARY KEY (timestamp)) WITHOUT ROWID;";

/// The SQLite figures `bench import` and `bench ticks` share, best of `repeat` each: the
/// baseline `sqlite3 .import` of `csv` (header skipped) into `table` of a fresh database made by
/// `create`; `ztrade <import>` into a fresh store (with its peak RSS); the same import again
/// over that store, every row unchanged. `db` is the last store imported into.
pub(crate) struct SqliteImport {
    pub sqlite3: std::time::Duration,
    pub ours: std::time::Duration,
    pub peak: Option<u64>,
    pub reimport: std::time::Duration,
    pub db: String,
}

pub(crate) fn sqlite_import(
    repeat: usize,
    dir: &Path,
    exe: &Path,
    (create, table): (&str, &str),
    csv: &str,
    import: &[&str],
) -> Result<SqliteImport> {
    let mut k = 0;
    let mut fresh = |name: &str| {
        k += 1;
        dir.join(format!("{name}{k}.db"))
    };
    // The time of the .import alone, not of creating the table.
    let (_, sqlite3) = best_of(repeat, || {
        let db = fresh("base");
        sh(Command::new("sqlite3").arg(&db).arg(create))?;
        let t = Instant::now();
        sh(Command::new("sqlite3")
            .arg(&db)
            .arg(format!(".import --csv --skip 1 {csv} {table}")))?;
        Ok(t.elapsed())
    })?;
    let mut last_db = None;
    let (ours, peak) = best_of(repeat, || {
        let db = format!("sqlite://{}", fresh("zt").display());
        let out = sh(crate::ztrade(exe, &db).args(import))?;
        last_db = Some(db);
        Ok(out.1)
    })?;
    let db = last_db.ok_or("no import ran")?;
    let (reimport, _) = best_of(repeat, || sh(crate::ztrade(exe, &db).args(import)))?;
    Ok(SqliteImport {
        sqlite3,
        ours,
        peak,
        reimport,
        db,
    })
}

pub fn run(a: &ImportOptions, exe: &Path) -> Result<Report> {
    let ztrade = |db: &str| crate::ztrade(exe, db);
    need_tool("sqlite3")?;
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("bars.csv");
    let bars = formats::synth::generate_minute_bars(a.rows, 7);
    formats::export::export_file(
        &csv,
        formats::export::Format::Csv,
        Timeframe::M1,
        bars.into_iter().map(Ok::<_, std::convert::Infallible>),
    )?;
    let csv_s = csv.to_str().ok_or("the temp path is not UTF-8")?;
    let size = std::fs::metadata(&csv)?.len();
    eprintln!(
        "{} rows, {:.1} MB CSV; best of {}",
        a.rows,
        size as f64 / 1e6,
        a.repeat
    );

    let import = [
        "data",
        "import",
        csv_s,
        "--symbol",
        "BENCH",
        "--timeframe",
        "1m",
    ];
    let SqliteImport {
        sqlite3,
        ours,
        peak,
        reimport,
        db,
    } = sqlite_import(
        a.repeat,
        dir.path(),
        exe,
        (BASELINE_TABLE, "bars"),
        csv_s,
        &import,
    )?;

    let store = store::open_ready(&db)?;
    let q = store::BarQuery {
        symbol: Symbol::lit("BENCH"),
        timeframe: Timeframe::M1,
        start: None,
        end: None,
    };
    let (read, n) = best_of(a.repeat, || {
        let mut n = 0u64;
        for b in store.bars(q.clone()) {
            b?;
            n += 1;
        }
        Ok(n)
    })?;
    ensure!(n == a.rows as u64, "read back {n} of {} bars", a.rows);

    let mut report = json!({
        "rows": a.rows,
        "csv_bytes": size,
        "sqlite": {
            "sqlite3_import_s": secs(sqlite3),
            "ztrade_import_s": secs(ours),
            "ratio": secs(ours) / secs(sqlite3),
            "ztrade_reimport_unchanged_s": secs(reimport),
            "ztrade_peak_rss_mib": peak.map(|k| k as f64 / 1024.0),
            "read_s": secs(read),
            "read_bars_per_s": n as f64 / secs(read),
        },
    });
    if let Some(pg) = &a.pg {
        report["postgres"] = postgres(pg, csv_s, a.repeat, &ztrade)?;
    }
    let s = &report["sqlite"];
    let f = |v: &serde_json::Value| v.as_f64().map_or("–".into(), |x| format!("{x:.3}"));
    let mut rows = vec![
        vec![
            "sqlite3 .import (baseline)".into(),
            f(&s["sqlite3_import_s"]),
            "1.00×".into(),
        ],
        vec![
            "ztrade data import → SQLite".into(),
            f(&s["ztrade_import_s"]),
            format!("{:.2}×", s["ratio"].as_f64().unwrap_or(0.0)),
        ],
        vec![
            "ztrade re-import (all unchanged)".into(),
            f(&s["ztrade_reimport_unchanged_s"]),
            String::new(),
        ],
        vec![
            "read back in order (BarStream)".into(),
            f(&s["read_s"]),
            format!(
                "{:.1} M bars/s",
                s["read_bars_per_s"].as_f64().unwrap_or(0.0) / 1e6
            ),
        ],
    ];
    if let Some(p) = report.get("postgres") {
        rows.push(vec![
            "psql \\copy (baseline)".into(),
            f(&p["psql_copy_s"]),
            "1.00×".into(),
        ]);
        rows.push(vec![
            "ztrade data import → PostgreSQL".into(),
            f(&p["ztrade_import_s"]),
            format!("{:.2}×", p["ratio"].as_f64().unwrap_or(0.0)),
        ]);
        rows.push(vec![
            "ztrade re-import → PostgreSQL (unchanged)".into(),
            f(&p["ztrade_reimport_unchanged_s"]),
            String::new(),
        ]);
    }
    Ok(Report {
        json: report,
        rows,
        note: None,
    })
}

/// `psql \copy` into a plain table of the same columns and key vs `ztrade data import`, each in
/// a fresh schema.
fn postgres(
    base: &str,
    csv: &str,
    repeat: usize,
    ztrade: &dyn Fn(&str) -> Command,
) -> Result<serde_json::Value> {
    need_tool("psql")?;
    let schema = format!("zt_bench_{}", std::process::id());
    let psql =
        |sql: &str| sh(Command::new("psql").args(["-v", "ON_ERROR_STOP=1", "-q", base, "-c", sql]));
    let reset = || {
        psql(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
    };
    let table = format!(
        "CREATE TABLE {schema}.bars(timestamp timestamptz NOT NULL PRIMARY KEY, open numeric, high numeric, low numeric, \
         close numeric, volume numeric, vwap numeric, trade_count bigint)"
    );
    let (copy, _) = best_of(repeat, || {
        reset()?;
        psql(&table)?;
        let t = Instant::now();
        psql(&format!(
            "\\copy {schema}.bars FROM '{csv}' WITH (FORMAT csv, HEADER true)"
        ))?;
        Ok(t.elapsed())
    })
    .map(|(_, d)| (d, ()))?;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}schema={schema}");
    let (ours, _) = best_of(repeat, || {
        reset()?;
        sh(ztrade(&url).args(["db", "migrate"]))?;
        let t = Instant::now();
        sh(ztrade(&url).args([
            "data",
            "import",
            csv,
            "--symbol",
            "BENCH",
            "--timeframe",
            "1m",
        ]))?;
        Ok(t.elapsed())
    })
    .map(|(_, d)| (d, ()))?;
    let (again, _) = best_of(repeat, || {
        sh(ztrade(&url).args([
            "data",
            "import",
            csv,
            "--symbol",
            "BENCH",
            "--timeframe",
            "1m",
        ]))
    })?;
    psql(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))?;
    Ok(json!({
        "psql_copy_s": secs(copy),
        "ztrade_import_s": secs(ours),
        "ratio": secs(ours) / secs(copy),
        "ztrade_reimport_unchanged_s": secs(again),
    }))
}
