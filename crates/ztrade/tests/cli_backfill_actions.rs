//! `data backfill --kind actions` through the binary, on SQLite and PostgreSQL, against a local
//! server replaying Polygon's real splits and dividends bodies: GOOG's 20-for-1 split of
//! 2022-07-18 is stored (the other tickers' rows are counted, not stored), a rerun changes
//! nothing, and `data export --adjust split` then divides the prices before the split by 20.

mod common;

use common::BIN;
use common::daily::{export_daily, import_daily};
use testkit::Cli;
use testkit::scripted::{Mock, Reply};

testkit::both_backends!(polygon_actions_feed_the_split_adjusted_export);

const KEY: &str = "polygon-cli-actions-key";

/// GOOG around its split: two days before, two after (hand-written prices near the real ones).
const GOOG_DAILY: &str = "date,open,high,low,close,volume\n\
    2022-07-14,2200,2240,2180,2235.2,1400000\n\
    2022-07-15,2240,2260,2220,2255.4,1600000\n\
    2022-07-18,112.5,113.6,109.2,109.7,41000000\n\
    2022-07-19,111.3,114.9,110.6,114.6,30000000\n";

fn polygon_fixtures() -> Vec<Reply> {
    vec![
        Reply::fixture("polygon/v3_reference_splits.json"),
        Reply::fixture("polygon/v3_reference_dividends.json"),
    ]
}

fn polygon_actions_feed_the_split_adjusted_export(backend: &str) {
    let db = Cli::of(BIN, backend, "cli_bf_actions");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mock = rt.block_on(Mock::start(polygon_fixtures()));
    let backfill = || {
        let mut c = db.cmd(&[
            "data",
            "backfill",
            "--provider",
            "polygon",
            "--kind",
            "actions",
            "--symbols",
            "GOOG",
            "--start",
            "2022-01-01",
            "--end",
            "2025-12-31",
            "--json",
        ]);
        c.env("ZTRADE_POLYGON_URL", &mock.base)
            .env("POLYGON_API_KEY", KEY)
            .env_remove("RUST_LOG")
            .env_remove("ZTRADE_MASTER_KEY");
        let out = c.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{err}");
        assert!(!err.contains(KEY), "{err}");
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let r = backfill();
    assert_eq!(r["kind"], "actions");
    assert_eq!(
        (r["requests"].as_u64(), r["pages"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(r["splits"]["inserted"], 1, "{r}");
    assert_eq!(r["dividends"]["inserted"], 0, "{r}");
    // The fixtures hold every ticker's rows: 9 other splits and 10 dividends.
    assert_eq!(r["outside"], 19, "{r}");
    let seen = mock.seen();
    assert_eq!(seen[0].path, "/v3/reference/splits");
    assert_eq!(seen[1].path, "/v3/reference/dividends");
    assert_eq!(seen[1].param("ticker"), Some("GOOG"));

    for reply in polygon_fixtures() {
        mock.push(reply);
    }
    let again = backfill();
    assert_eq!(again["splits"]["unchanged"], 1, "{again}");
    assert_eq!(again["rows"]["inserted"], 0, "{again}");

    let csv = db.path("goog_daily.csv");
    std::fs::write(&csv, GOOG_DAILY).unwrap();
    let csv = csv.to_str().unwrap();
    import_daily(&db, csv, "GOOG");
    let export = |extra: &[&str]| export_daily(&db, "GOOG", extra);
    let raw = export(&[]);
    assert!(
        raw.contains("2022-07-15,2240,2260,2220,2255.4,1600000"),
        "{raw}"
    );
    let split = export(&["--adjust", "split"]);
    // Before the ex-date: prices ÷ 20, volume × 20. From it on: as stored.
    assert!(
        split.contains("2022-07-15,112,113,111,112.77,32000000"),
        "{split}"
    );
    assert!(
        split.contains("2022-07-14,110,112,109,111.76,28000000"),
        "{split}"
    );
    assert!(
        split.contains("2022-07-18,112.5,113.6,109.2,109.7,41000000"),
        "{split}"
    );

    let help = db.ok(&["data", "backfill", "--help"]);
    assert!(help.contains("corporate_actions"), "{help}");
}
