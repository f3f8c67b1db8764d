//! The baselines of storing a journal: the same rows through the databases' own bulk loaders.
//! A journal stored by ztrade in a SQLite file is dumped table by table as CSV (outside the
//! timer), then loaded by `sqlite3 .import` into a fresh file of the same schema, and by
//! `psql \copy` into the same tables in PostgreSQL, each in one transaction as ztrade writes
//! it. Their time is what the databases need for those rows; ztrade's is compared with it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use backtest::BacktestResult;
use serde_json::json;

use crate::{Result, ensure, need_tool, secs, sh};

/// The journal's tables, in the order ztrade writes them.
pub const TABLES: [&str; 8] = [
    "signals",
    "risk_vetoes",
    "orders",
    "order_events",
    "fills",
    "trade_ledger",
    "account_snapshots",
    "risk_day",
];

/// One table's rows as CSV: its name, the file, its columns.
struct Dump {
    table: &'static str,
    file: PathBuf,
    columns: String,
    rows: u64,
}

fn sqlite3(db: &Path, sql: &str) -> Result<String> {
    let db = db.to_str().ok_or("the temp path is not UTF-8")?;
    Ok(sh(Command::new("sqlite3").args([db, sql]))?
        .0
        .trim()
        .to_owned())
}

/// Run `run`'s rows of every journal table of the SQLite file `db`, as CSV files in `dir`,
/// with `run_as` in place of the run id (the id the loaded rows will hang on).
fn dump(db: &Path, run: i64, run_as: i64, dir: &Path) -> Result<Vec<Dump>> {
    let mut out = Vec::new();
    for table in TABLES {
        let columns = sqlite3(
            db,
            &format!("SELECT group_concat(name, ',') FROM pragma_table_info('{table}')"),
        )?;
        let select = columns.replacen("run_id", &format!("{run_as} AS run_id"), 1);
        let file = dir.join(format!("{table}.csv"));
        let dbs = db.to_str().ok_or("the temp path is not UTF-8")?;
        let status = Command::new("sqlite3")
            .args([
                "-csv",
                dbs,
                &format!("SELECT {select} FROM {table} WHERE run_id = {run}"),
            ])
            .stdout(std::fs::File::create(&file)?)
            .stderr(Stdio::inherit())
            .status()?;
        ensure!(status.success(), "sqlite3 could not dump {table}");
        let rows = sqlite3(
            db,
            &format!("SELECT count(*) FROM {table} WHERE run_id = {run}"),
        )?
        .parse()?;
        out.push(Dump {
            table,
            file,
            columns,
            rows,
        });
    }
    Ok(out)
}

/// A run row to hang the journal on.
pub(crate) fn new_run(r: &BacktestResult) -> Result<store::NewRun> {
    let curve = [(r.start, r.initial_capital), (r.end, r.final_equity)];
    Ok(store::NewRun {
        agent_id: "bench_journal".into(),
        start: r.start,
        end: r.end,
        initial_capital: r.initial_capital,
        final_capital: r.final_equity,
        total_trades: r.fills.len() as u64,
        winning_trades: 0,
        losing_trades: 0,
        max_drawdown: 0.0,
        sharpe_ratio: None,
        config: json!({}),
        metrics: analytics::compute(&analytics::MetricsInput::new(&curve))?,
        data_fingerprint: String::new(),
        engine_version: backtest::ENGINE_VERSION.into(),
        trades: vec![],
        equity: vec![],
        sweep_id: None,
        params: None,
    })
}

/// A fresh store at `url` with one run of `r`; the run's id.
fn fresh_run(url: &str, r: &BacktestResult) -> Result<i64> {
    let mut s = store::open_migrated(url)?;
    Ok(s.save_run(&new_run(r)?)?)
}

/// Seconds for `sqlite3 .import` to load run `run`'s journal (stored in the SQLite file `db`)
/// into a fresh file of the same schema, all tables in one transaction; and the rows loaded.
pub fn sqlite3_import_seconds(
    db: &Path,
    run: i64,
    r: &BacktestResult,
    dir: &Path,
) -> Result<(f64, u64)> {
    need_tool("sqlite3")?;
    let fresh = dir.join("baseline.db");
    let run_as = fresh_run(&format!("sqlite://{}", fresh.display()), r)?;
    let dumps = dump(db, run, run_as, dir)?;
    let mut script = String::from(".bail on\n.mode csv\nBEGIN;\n");
    for d in &dumps {
        script.push_str(&format!(".import '{}' {}\n", d.file.display(), d.table));
    }
    script.push_str("COMMIT;\n");
    let script_file = dir.join("import.sql");
    std::fs::write(&script_file, script)?;
    let fresh_s = fresh.to_str().ok_or("the temp path is not UTF-8")?;
    let t = Instant::now();
    let status = Command::new("sqlite3")
        .arg(fresh_s)
        .stdin(std::fs::File::open(&script_file)?)
        .status()?;
    let d = t.elapsed();
    ensure!(status.success(), "sqlite3 .import failed");
    let rows: u64 = dumps.iter().map(|d| d.rows).sum();
    let loaded: u64 = (TABLES.iter())
        .map(|t| {
            sqlite3(&fresh, &format!("SELECT count(*) FROM {t}"))?
                .parse::<u64>()
                .map_err(Into::into)
        })
        .sum::<Result<u64>>()?;
    ensure!(loaded == rows, "sqlite3 loaded {loaded} of {rows} rows");
    Ok((secs(d), rows))
}

/// Seconds for `psql \copy` to load the same rows into the PostgreSQL database at `url` (its
/// journal tables, under a new run), all tables in one transaction.
pub fn psql_copy_seconds(
    db: &Path,
    run: i64,
    r: &BacktestResult,
    dir: &Path,
    url: &str,
) -> Result<f64> {
    need_tool("psql")?;
    need_tool("sqlite3")?;
    let run_as = fresh_run(url, r)?;
    let dumps = dump(db, run, run_as, dir)?;
    let mut script = String::from("\\set ON_ERROR_STOP on\nBEGIN;\n");
    for d in &dumps {
        script.push_str(&format!(
            "\\copy {} ({}) FROM '{}' WITH (FORMAT csv)\n",
            d.table,
            d.columns,
            d.file.display()
        ));
    }
    script.push_str("COMMIT;\n");
    let script_file = dir.join("copy.sql");
    std::fs::write(&script_file, script)?;
    let script_s = script_file.to_str().ok_or("the temp path is not UTF-8")?;
    let t = Instant::now();
    sh(Command::new("psql").args(["-q", url, "-f", script_s]))?;
    Ok(secs(t.elapsed()))
}
