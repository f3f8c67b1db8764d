//! Schema conformance, run against SQLite and PostgreSQL: migrating from empty, status,
//! re-migrating, migrating an older database forward, refusing a newer one, and URL handling.

mod common;

use common::TestDb;
use store::migrations::{self, Migration};
use store::{Backend, StoreError};
use testkit::conformance;

fn list(db: &TestDb) -> &'static [Migration] {
    if db.is_postgres() {
        migrations::POSTGRES
    } else {
        migrations::SQLITE
    }
}

fn migrate_from_empty(db: &TestDb) {
    let latest = migrations::latest(list(db));
    let mut s = store::open(&db.url).unwrap();
    let expected = if db.is_postgres() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    assert_eq!(s.backend(), expected);
    let before = s.schema_status().unwrap();
    assert_eq!((before.current, before.latest), (0, latest));
    assert!(before.migrations.iter().all(|m| m.applied_at.is_none()));
    assert_eq!(before.migrations.len(), list(db).len());

    let applied = s.migrate().unwrap();
    assert_eq!(
        applied.iter().map(|m| m.version).collect::<Vec<_>>(),
        list(db).iter().map(|m| m.version).collect::<Vec<_>>()
    );
    let after = s.schema_status().unwrap();
    assert_eq!(after.current, latest);
    assert!(after.migrations.iter().all(|m| m.applied_at.is_some()));
    // Every table and view of the issue exists.
    for t in [
        "symbols",
        "bars",
        "market_bars",
        "quote_bars",
        "market_quote_bars",
        "market_trades",
        "market_quotes",
        "options_chain",
        "option_contracts",
        "option_quotes",
        "arbitrage_opportunities",
        "corporate_actions",
        "sentiment_history",
        "latest_sentiment",
        "backtest_runs",
        "backtest_trades",
        "backtest_equity",
        "backtest_performance",
        "news",
        "news_symbols",
        "collection_checkpoints",
        "collection_runs",
        "key_vault",
        "api_keys",
        "key_audit",
    ] {
        assert_eq!(db.count(&format!("SELECT count(*) FROM {t}")), 0, "{t}");
    }
    store::open_ready(&db.url).expect("ready after migrate");
}

fn remigrate_is_a_no_op(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    assert!(s.migrate().unwrap().is_empty());
    let again = store::open_migrated(&db.url).unwrap();
    assert_eq!(
        again.schema_status().unwrap().current,
        migrations::latest(list(db))
    );
    assert_eq!(
        db.count("SELECT count(*) FROM schema_migrations"),
        list(db).len() as i64
    );
}

fn newer_database_is_refused(db: &TestDb) {
    store::open_migrated(&db.url).unwrap();
    db.exec(
        "INSERT INTO schema_migrations (version, name, applied_at)
         VALUES (9999, 'from_the_future', '2030-01-01T00:00:00Z')",
    );
    let latest = migrations::latest(list(db));
    for result in [
        store::open(&db.url).map(|_| ()),
        store::open_ready(&db.url).map(|_| ()),
        store::open_migrated(&db.url).map(|_| ()),
    ] {
        let e = result.unwrap_err();
        assert!(
            matches!(e, StoreError::TooNew { found: 9999, known } if known == latest),
            "{e:?}"
        );
        assert!(e.to_string().contains("upgrade ztrade"), "{e}");
    }
}

fn unmigrated_is_not_ready(db: &TestDb) {
    let e = store::open_ready(&db.url).map(|_| ()).unwrap_err();
    assert!(
        matches!(e, StoreError::NotMigrated { found: 0, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("ztrade db migrate"), "{e}");
}

/// A database left at version 1 by an older ztrade: not ready, shows what is pending, and is
/// brought forward by migrate without touching its data.
fn older_database_migrates_forward(db: &TestDb) {
    let first = list(db)[0];
    let applied_at = if db.is_postgres() {
        "TIMESTAMPTZ"
    } else {
        "TEXT"
    };
    let bootstrap = format!(
        "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, \
         applied_at {applied_at} NOT NULL);"
    );
    db.exec(&format!(
        "{bootstrap}\n{}\nINSERT INTO schema_migrations VALUES (1, '{}', '2024-01-01T00:00:00Z');
         INSERT INTO symbols (symbol) VALUES ('OLD');",
        first.sql, first.name
    ));
    let e = store::open_ready(&db.url).map(|_| ()).unwrap_err();
    assert!(
        matches!(e, StoreError::NotMigrated { found: 1, .. }),
        "{e:?}"
    );

    let status = store::open(&db.url).unwrap().schema_status().unwrap();
    assert_eq!(status.current, 1);
    let pending: Vec<i64> = status
        .migrations
        .iter()
        .filter(|m| m.applied_at.is_none())
        .map(|m| m.version)
        .collect();
    // Every later migration is pending (numbers are assigned per branch, so they may skip).
    let later: Vec<i64> = list(db)
        .iter()
        .map(|m| m.version)
        .filter(|v| *v > 1)
        .collect();
    assert_eq!(pending, later);

    let s = store::open_migrated(&db.url).unwrap();
    assert_eq!(s.schema_status().unwrap().current, status.latest);
    assert_eq!(
        db.count("SELECT count(*) FROM symbols WHERE symbol = 'OLD'"),
        1
    );
    // A symbol stored before calendars existed is on NYSE, the default (migration 12).
    assert_eq!(
        db.count("SELECT count(*) FROM symbols WHERE symbol = 'OLD' AND calendar = 'nyse'"),
        1
    );
}

/// A database left at version 16 with snapshots in the 0002 `options_chain` table: migration
/// 17 moves them into `option_contracts` and `option_quotes` (American, 100 a contract), and
/// the old name still reads them, as a view.
fn old_option_snapshots_migrate(db: &TestDb) {
    let applied_at = if db.is_postgres() {
        "TIMESTAMPTZ"
    } else {
        "TEXT"
    };
    let mut sql = format!(
        "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, \
         applied_at {applied_at} NOT NULL);\n"
    );
    for m in list(db).iter().filter(|m| m.version < 17) {
        sql.push_str(m.sql);
        sql.push_str(&format!(
            "\nINSERT INTO schema_migrations VALUES ({}, '{}', '2024-01-01T00:00:00Z');\n",
            m.version, m.name
        ));
    }
    db.exec(&sql);
    let row = |occ: &str, ts: i64, right: &str, bid: &str| {
        format!(
            "INSERT INTO options_chain (contract, ts, underlying_id, expiry, strike, option_right,
                 bid, ask, last, volume, open_interest, iv, delta, gamma, theta, vega)
             VALUES ('{occ}', {ts}, (SELECT id FROM symbols WHERE symbol = 'AAPL'), '2023-06-16',
                 150000000000, '{right}', {bid}, 5250000000, NULL, 1200000000, NULL, 0.3125,
                 -0.42, NULL, -0.011, 0.2);"
        )
    };
    db.exec(&format!(
        "INSERT INTO symbols (symbol) VALUES ('AAPL');\n{}\n{}\n{}",
        row("AAPL230616C00150000", 60, "call", "5100000000"),
        row("AAPL230616C00150000", 120, "call", "5200000000"),
        row("AAPL230616P00150000", 60, "put", "NULL"),
    ));
    let s = store::open_migrated(&db.url).unwrap();
    let back = s.options(&domain::Symbol::lit("AAPL"), None, None).unwrap();
    let snapshot = |occ: &str, ts: i64, bid: Option<&str>| {
        let c = domain::OptionContract::from_occ(occ, None, domain::OptionStyle::American, 100)
            .unwrap();
        let mut q = domain::OptionQuote::empty(c, domain::UnixNanos::new(ts));
        q.bid = bid.map(domain::Price::lit);
        q.ask = Some(domain::Price::lit("5.25"));
        q.volume = Some(domain::Quantity::from_int(12));
        q.iv = Some(0.3125);
        q.delta = Some(-0.42);
        q.theta = Some(-0.011);
        q.vega = Some(0.2);
        q
    };
    assert_eq!(
        back,
        vec![
            snapshot("AAPL230616C00150000", 60, Some("5.1")),
            snapshot("AAPL230616P00150000", 60, None),
            snapshot("AAPL230616C00150000", 120, Some("5.2")),
        ]
    );
    assert_eq!(db.count("SELECT count(*) FROM option_contracts"), 2);
    assert_eq!(db.count("SELECT count(*) FROM option_quotes"), 3);
    assert_eq!(
        db.count("SELECT count(*) FROM options_chain WHERE contract = 'AAPL230616C00150000' AND bid IS NOT NULL"),
        2
    );
}

fn location_is_the_url(db: &TestDb) {
    let s = store::open(&db.url).unwrap();
    assert_eq!(s.location(), db.url);
}

conformance!(
    migrate_from_empty,
    remigrate_is_a_no_op,
    newer_database_is_refused,
    unmigrated_is_not_ready,
    older_database_migrates_forward,
    old_option_snapshots_migrate,
    location_is_the_url,
);

#[test]
fn unreachable_postgres_error_has_no_password() {
    let e = store::open("postgres://bob:hunter2@127.0.0.1:1/test")
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(e, StoreError::Connect { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(!msg.contains("hunter2"), "{msg}");
    assert!(msg.contains("bob:***@127.0.0.1:1"), "{msg}");
}

#[test]
fn bad_urls_are_named() {
    let e = store::open("mysql://x").map(|_| ()).unwrap_err();
    assert!(matches!(e, StoreError::BadUrl { .. }), "{e:?}");
    let e = store::open("sqlite:///no/such/dir/x.db")
        .map(|_| ())
        .unwrap_err();
    assert!(e.to_string().contains("/no/such/dir"), "{e}");
}

#[test]
fn missing_sqlite_file_is_not_ready_and_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.db");
    let e = store::open_ready(&format!("sqlite://{}", path.display()))
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(e, StoreError::NotMigrated { found: 0, .. }),
        "{e:?}"
    );
    assert!(!path.exists());
}
