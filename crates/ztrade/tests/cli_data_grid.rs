//! `data status` judges a series on the grid the collector fills. Complete series of 1h, 5m, 15m
//! and 1d bars, labelled the way Alpaca labels them and stored by `ztrade data backfill` from a
//! local Alpaca-shaped server, show 0 missing; the same series without one regular-hours bar shows
//! 1 missing. On SQLite and PostgreSQL.
//!
//! The labels are written here from the provider's rule, not taken from the grid: a bar starts at
//! a wall-clock multiple of its length in New York (so the hourly bar holding the 09:30 open is
//! stamped 09:00) and Alpaca sends pre-market and after-hours bars too; a daily bar is stamped at
//! midnight New York. The windows cross the start of DST (2024-03-10), its end (2024-11-03),
//! Thanksgiving (2024-11-28) and the early close after it (2024-11-29).

mod common;

use chrono::{NaiveDate, NaiveTime};
use common::BIN;
use domain::UnixNanos;
use domain::calendar::NyseCalendar;
use domain::time::NEW_YORK;
use serde_json::Value;
use testkit::Cli;
use testkit::alpaca_sim::{Row, Sim};

testkit::both_backends!(
    hourly_bars_as_collected_show_none_missing,
    five_minute_bars_as_collected_show_none_missing,
    fifteen_minute_bars_as_collected_show_none_missing,
    daily_bars_as_collected_show_none_missing,
);

fn hourly_bars_as_collected_show_none_missing(backend: &str) {
    // 09:00 on the first Monday after DST ends: the bar that covers the open.
    check(backend, "1h", 60, "2024-11-04T09:00");
}

fn five_minute_bars_as_collected_show_none_missing(backend: &str) {
    // The last bar of the early close.
    check(backend, "5m", 5, "2024-11-29T12:55");
}

fn fifteen_minute_bars_as_collected_show_none_missing(backend: &str) {
    check(backend, "15m", 15, "2024-11-29T09:30");
}

fn daily_bars_as_collected_show_none_missing(backend: &str) {
    check(backend, "1d", 0, "2024-11-29T00:00");
}

/// SPY holds the autumn window, QQQ the spring one, IWM the autumn window without the bar at
/// `removed` (New York time).
fn check(backend: &str, tf: &str, minutes: u32, removed: &str) {
    let db = Cli::of(BIN, backend, &format!("grid_{tf}"));
    let autumn = labels(minutes, date("2024-10-28"), date("2024-12-03"));
    let spring = labels(minutes, date("2024-03-04"), date("2024-03-15"));
    let removed = local(
        date(&removed[..10]),
        NaiveTime::parse_from_str(&removed[11..], "%H:%M").unwrap(),
    );
    assert!(autumn.contains(&removed), "{removed} is not a label");
    let holed: Vec<UnixNanos> = autumn.iter().copied().filter(|t| *t != removed).collect();
    let (base, _sim) = Sim::new()
        .rows("bars", "SPY", rows(&autumn))
        .rows("bars", "QQQ", rows(&spring))
        .rows("bars", "IWM", rows(&holed))
        .start_thread();
    let out = db
        .backfill(&base)
        .args(["--symbols", "SPY,QQQ,IWM", "--timeframe", tf])
        .args(["--start", "2024-03-01", "--end", "2024-12-03", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "backfill failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stored = autumn.len() + spring.len() + holed.len();
    assert_eq!(report["rows"]["inserted"], stored, "{report}");

    let status = db.json(&["data", "status"]);
    let missing = |symbol: &str| {
        let row = status
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["symbol"] == symbol && r["timeframe"] == tf)
            .unwrap_or_else(|| panic!("no {symbol} {tf} in {status}"));
        row["missing"].clone()
    };
    assert_eq!(missing("SPY"), 0, "{tf} autumn: {status}");
    assert_eq!(missing("QQQ"), 0, "{tf} spring: {status}");
    assert_eq!(missing("IWM"), 1, "{tf} without {removed}: {status}");
}

/// The stamps Alpaca sends for every session in `from..=to`: bars of `minutes` from 04:00 to
/// 18:00 New York (regular hours with pre-market and most of after-hours), or, for 0, one daily
/// bar at midnight New York.
fn labels(minutes: u32, from: NaiveDate, to: NaiveDate) -> Vec<UnixNanos> {
    let mut out = Vec::new();
    for s in NyseCalendar.sessions(from, to) {
        if minutes == 0 {
            out.push(local(s.date, NaiveTime::MIN));
            continue;
        }
        let mut m = 4 * 60;
        while m < 18 * 60 {
            let at = NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap();
            out.push(local(s.date, at));
            m += minutes;
        }
    }
    out
}

fn local(d: NaiveDate, t: NaiveTime) -> UnixNanos {
    UnixNanos::from_local(d.and_time(t), NEW_YORK).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Alpaca's JSON for a bar at each stamp; prices vary so that no two rows are alike.
fn rows(stamps: &[UnixNanos]) -> Vec<Row> {
    stamps
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let c = 100 + i % 7;
            Row {
                ts: t.as_i64(),
                json: format!(
                    r#"{{"t":"{}","o":{c},"h":{},"l":{},"c":{c}.5,"v":{},"n":{},"vw":{c}.25}}"#,
                    t.to_rfc3339(),
                    c + 1,
                    c - 1,
                    1_000 + i,
                    10 + i % 5
                ),
                symbols: vec![],
            }
        })
        .collect()
}

trait Backfill {
    fn backfill(&self, base: &str) -> std::process::Command;
}

impl Backfill for Cli {
    /// `ztrade --db URL data backfill --provider alpaca` against the server at `base`.
    fn backfill(&self, base: &str) -> std::process::Command {
        let mut c = self.cmd(&["data", "backfill", "--provider", "alpaca"]);
        c.env("ZTRADE_ALPACA_DATA_URL", base)
            .env("APCA_API_KEY_ID", "PKGRIDTESTKEY")
            .env("APCA_API_SECRET_KEY", "grid-test-secret")
            .env_remove("RUST_LOG")
            .env_remove("ZTRADE_MASTER_KEY")
            .stdin(std::process::Stdio::null());
        c
    }
}
