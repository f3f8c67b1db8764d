//! Ingest and read speed of both backends against their own bulk loaders, in one run.
//!
//! ```text
//! cargo build --release -p store --examples
//! target/release/examples/store_bench [ROWS] [POSTGRES_URL]
//! ```
//!
//! Upserts ROWS (default 1,000,000) synthetic one-minute bars of one series into a fresh SQLite
//! file and a fresh PostgreSQL schema, upserts them again (all unchanged: the merge path), reads
//! them back through `BarStream`, and times the same rows written as CSV and loaded by
//! `sqlite3 .import` and `psql \copy` into the same schema. Prints one line per measurement.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use domain::{Bar, Price, Quantity, Symbol, Timeframe, UnixNanos};
use store::{BarQuery, BarStore};

const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/test";

/// One-minute bars of a random walk, 390 a day, weekdays only (so 1M bars span ten years).
fn synthetic(n: usize) -> Vec<Bar> {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move |m: i64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as i64
    };
    let day0 = UnixNanos::parse_rfc3339("2010-01-04T14:30:00Z")
        .unwrap()
        .as_i64();
    let (minute, day) = (60_000_000_000i64, 86_400_000_000_000i64);
    let mut price = 100_000_000_000i64;
    let mut out = Vec::with_capacity(n);
    let mut d = 0;
    while out.len() < n {
        if (d + 4) % 7 < 5 {
            for m in 0..390 {
                if out.len() == n {
                    break;
                }
                let open = price;
                let close = (price + rnd(100_000_001) - 50_000_000).max(1_000_000_000);
                let high = open.max(close) + rnd(20_000_000);
                let low = open.min(close) - rnd(20_000_000);
                out.push(Bar {
                    ts: UnixNanos::new(day0 + d * day + m * minute),
                    open: Price::from_raw(open),
                    high: Price::from_raw(high),
                    low: Price::from_raw(low),
                    close: Price::from_raw(close),
                    volume: Quantity::from_raw((100 + rnd(100_000)) * 100_000_000),
                    vwap: Some(Price::from_raw((high + low) / 2)),
                    trade_count: Some(1 + rnd(500) as u64),
                });
                price = close;
            }
        }
        d += 1;
    }
    out
}

/// The rows as raw integers, the columns of `bars` after symbol_id and timeframe.
fn write_csv(path: &Path, bars: &[Bar], created_at: bool) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for b in bars {
        write!(
            f,
            "1,1m,{},{},{},{},{},{},{},{}",
            b.ts.as_i64(),
            b.open.raw(),
            b.high.raw(),
            b.low.raw(),
            b.close.raw(),
            b.volume.raw(),
            b.vwap.unwrap().raw(),
            b.trade_count.unwrap()
        )
        .unwrap();
        if created_at {
            write!(f, ",1700000000").unwrap();
        }
        writeln!(f).unwrap();
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let r = f();
    (r, secs(t.elapsed()))
}

/// CPU time of this thread (Linux), to show how much of a wall time is ours.
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |ns| ns / 1e9)
}

fn timed_cpu<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let c = thread_cpu();
    let (r, t) = timed(f);
    (r, t, thread_cpu() - c)
}

fn read_back(s: &dyn BarStore, n: usize) -> (f64, f64) {
    let q = BarQuery {
        symbol: Symbol::lit("SPY"),
        timeframe: Timeframe::M1,
        start: None,
        end: None,
    };
    let (sum, t, cpu) = timed_cpu(|| {
        let mut count = 0usize;
        let mut sum = 0i128;
        for b in s.bars(q) {
            let b = b.unwrap();
            count += 1;
            sum += i128::from(b.close.raw());
        }
        assert_eq!(count, n);
        sum
    });
    assert!(sum > 0);
    (t, cpu)
}

fn run(cmd: &mut Command) -> f64 {
    let (out, t) = timed(|| cmd.output().expect("run baseline tool"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    t
}

/// One line: wall time, rate, our CPU time where measured, ratio to the baseline.
fn report(what: &str, t: f64, cpu: Option<f64>, rows: usize, baseline: Option<(&str, f64)>) {
    let rate = rows as f64 / t / 1e6;
    let cpu = cpu.map_or(String::from("            "), |c| {
        format!("(cpu {c:>6.3} s)")
    });
    let ratio = baseline.map_or(String::new(), |(name, b)| format!("{:.2}× {name}", t / b));
    println!("{what:<40} {t:>7.3} s {cpu} {rate:>6.2} M rows/s  {ratio}");
}

fn sqlite(bars: &[Bar], dir: &Path) {
    let n = bars.len();
    let spy = Symbol::lit("SPY");
    // Baselines first, each into a fresh file: the full ztrade schema, and a bare table with the
    // same primary key and nothing else.
    let csv = dir.join("bars_sqlite.csv");
    write_csv(&csv, bars, true);
    let same = dir.join("import_same_schema.db");
    store::open_migrated(&format!("sqlite://{}", same.display())).unwrap();
    let t_same = run(Command::new("sqlite3")
        .arg(&same)
        .arg(format!(".import --csv {} bars", csv.display())));
    let bare = dir.join("import_bare.db");
    let ddl = "PRAGMA journal_mode=WAL; CREATE TABLE bars (symbol_id INTEGER, timeframe TEXT, \
        ts INTEGER, open INTEGER, high INTEGER, low INTEGER, close INTEGER, volume INTEGER, \
        vwap INTEGER, trade_count INTEGER, created_at INTEGER, \
        PRIMARY KEY (symbol_id, timeframe, ts)) WITHOUT ROWID;";
    let t_bare = {
        run(Command::new("sqlite3").arg(&bare).arg(ddl));
        run(Command::new("sqlite3")
            .arg(&bare)
            .arg(format!(".import --csv {} bars", csv.display())))
    };
    report("sqlite3 .import, ztrade schema", t_same, None, n, None);
    report(
        "sqlite3 .import, bare table, same PK",
        t_bare,
        None,
        n,
        None,
    );

    let url = format!("sqlite://{}", dir.join("ztrade.db").display());
    let mut s = store::open_migrated(&url).unwrap();
    let (c, t, cpu) = timed_cpu(|| s.upsert_bars(&spy, Timeframe::M1, bars).unwrap());
    assert_eq!(c.inserted as usize, n);
    report(
        "sqlite upsert_bars, new range",
        t,
        Some(cpu),
        n,
        Some((".import", t_same)),
    );
    let (c, t, cpu) = timed_cpu(|| s.upsert_bars(&spy, Timeframe::M1, bars).unwrap());
    assert_eq!(c.unchanged as usize, n);
    report(
        "sqlite upsert_bars, same rows again",
        t,
        Some(cpu),
        n,
        Some((".import", t_same)),
    );
    let (t, cpu) = read_back(&*s, n);
    report("sqlite read back through BarStream", t, Some(cpu), n, None);
}

fn postgres(bars: &[Bar], base: &str, dir: &Path) {
    let n = bars.len();
    let spy = Symbol::lit("SPY");
    let schema = |name: &str| {
        let mut c = postgres::Client::connect(base, postgres::NoTls).expect("PostgreSQL");
        c.batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}schema={name}")
    };
    let csv = dir.join("bars_pg.csv");
    write_csv(&csv, bars, false);
    let copy_url = schema("zt_bench_copy");
    store::open_migrated(&copy_url).unwrap();
    let t_copy = run(Command::new("psql")
        .arg(base)
        .env("PGOPTIONS", "-c search_path=zt_bench_copy")
        .arg("-v")
        .arg("ON_ERROR_STOP=1")
        .arg("-c")
        .arg(format!(
            "\\copy bars (symbol_id, timeframe, ts, open, high, low, close, volume, vwap, \
             trade_count) FROM '{}' CSV",
            csv.display()
        )));
    report("psql \\copy, ztrade schema", t_copy, None, n, None);

    let url = schema("zt_bench_store");
    let mut s = store::open_migrated(&url).unwrap();
    let (c, t, cpu) = timed_cpu(|| s.upsert_bars(&spy, Timeframe::M1, bars).unwrap());
    assert_eq!(c.inserted as usize, n);
    report(
        "postgres upsert_bars, new range",
        t,
        Some(cpu),
        n,
        Some(("\\copy", t_copy)),
    );
    let (c, t, cpu) = timed_cpu(|| s.upsert_bars(&spy, Timeframe::M1, bars).unwrap());
    assert_eq!(c.unchanged as usize, n);
    report(
        "postgres upsert_bars, same rows again",
        t,
        Some(cpu),
        n,
        Some(("\\copy", t_copy)),
    );
    let (t, cpu) = read_back(&*s, n);
    report(
        "postgres read back through BarStream",
        t,
        Some(cpu),
        n,
        None,
    );
    let mut c = postgres::Client::connect(base, postgres::NoTls).unwrap();
    c.batch_execute("DROP SCHEMA zt_bench_copy CASCADE; DROP SCHEMA zt_bench_store CASCADE")
        .unwrap();
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(1_000_000, |a| a.parse().expect("ROWS"));
    let pg = args.next().unwrap_or_else(|| DEFAULT_PG.to_string());
    let (bars, t) = timed(|| synthetic(n));
    println!("{n} synthetic 1m bars generated in {t:.3} s");
    let dir = tempfile::tempdir().unwrap();
    sqlite(&bars, dir.path());
    if pg != "-" {
        postgres(&bars, &pg, dir.path());
    }
}
