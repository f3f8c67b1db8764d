//! Test databases: a temp SQLite file, or a fresh schema in PostgreSQL database `test`
//! (`postgres://postgres@127.0.0.1:5432/test`, or `ZTRADE_TEST_PG_URL`). PostgreSQL being
//! unreachable fails the test; it never skips.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use domain::{Bar, OptionQuote, Price, Quantity, Symbol, TradeTick, UnixNanos};
use store::{Seq, UpsertCounts};

pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub enum Kind {
    Sqlite(tempfile::TempDir),
    Postgres { base: String, schema: String },
}

pub struct TestDb {
    pub url: String,
    pub kind: Kind,
}

pub fn pg_base_url() -> String {
    std::env::var("ZTRADE_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_string())
}

pub fn pg_connect(base: &str) -> postgres::Client {
    postgres::Client::connect(base, postgres::NoTls).unwrap_or_else(|e| {
        panic!(
            "PostgreSQL at {} is unreachable: {}. The PostgreSQL conformance tests need it; \
             start it or point ZTRADE_TEST_PG_URL at one.",
            store::url::redact(base),
            store::error::pg_message(&e)
        )
    })
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        Self {
            url,
            kind: Kind::Sqlite(dir),
        }
    }

    /// A schema of its own, named after the test, dropped again when the test ends.
    pub fn postgres(test: &str) -> Self {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let base = pg_base_url();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let mut schema = format!(
            "zt_{}_{}_{}_{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed),
            nanos,
            test
        );
        schema.truncate(63);
        let mut c = pg_connect(&base);
        c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .expect("drop old schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        Self {
            url: format!("{base}{sep}schema={schema}"),
            kind: Kind::Postgres { base, schema },
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.kind, Kind::Postgres { .. })
    }

    /// Runs raw SQL (several statements allowed) outside the store.
    pub fn exec(&self, sql: &str) {
        match &self.kind {
            Kind::Sqlite(dir) => {
                let c = rusqlite::Connection::open(dir.path().join("test.db")).unwrap();
                c.execute_batch(sql)
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            Kind::Postgres { base, schema } => {
                let mut c = pg_connect(base);
                c.batch_execute(&format!(
                    "CREATE SCHEMA IF NOT EXISTS \"{schema}\"; SET search_path TO \"{schema}\";"
                ))
                .unwrap();
                c.batch_execute(sql)
                    .unwrap_or_else(|e| panic!("{sql}: {}", store::error::pg_message(&e)));
            }
        }
    }

    /// First column of every row, as text (NULL as None).
    pub fn column(&self, sql: &str) -> Vec<Option<String>> {
        match &self.kind {
            Kind::Sqlite(dir) => {
                let c = rusqlite::Connection::open(dir.path().join("test.db")).unwrap();
                let mut stmt = c.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                let mut rows = stmt.query([]).unwrap();
                let mut out = Vec::new();
                while let Some(r) = rows.next().unwrap() {
                    use rusqlite::types::ValueRef;
                    out.push(match r.get_ref(0).unwrap() {
                        ValueRef::Null => None,
                        ValueRef::Integer(i) => Some(i.to_string()),
                        ValueRef::Real(f) => Some(f.to_string()),
                        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Blob(_) => Some("<blob>".into()),
                    });
                }
                out
            }
            Kind::Postgres { base, schema } => {
                let mut c = pg_connect(base);
                c.batch_execute(&format!("SET search_path TO \"{schema}\""))
                    .unwrap();
                c.simple_query(sql)
                    .unwrap_or_else(|e| panic!("{sql}: {}", store::error::pg_message(&e)))
                    .into_iter()
                    .filter_map(|m| match m {
                        postgres::SimpleQueryMessage::Row(r) => Some(r.get(0).map(str::to_string)),
                        _ => None,
                    })
                    .collect()
            }
        }
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.column(sql)[0].as_deref().unwrap().parse().unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Kind::Postgres { base, schema } = &self.kind
            && let Ok(mut c) = postgres::Client::connect(base, postgres::NoTls)
        {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
        }
    }
}

/// Runs every listed conformance test against both backends.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(&super::common::TestDb::sqlite());
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    super::$name(&super::common::TestDb::postgres(stringify!($name)));
                }
            )*
        }
    };
}

pub const MINUTE: i64 = 60_000_000_000;
/// 2024-01-02T14:30:00Z.
pub const T0: i64 = 1_704_205_800_000_000_000;

pub fn ts(minute: i64) -> UnixNanos {
    UnixNanos::new(T0 + minute * MINUTE)
}

/// A valid 1m bar at minute `i` whose prices move with `i` (and `salt`, to make changed rows).
pub fn bar(i: i64, salt: i64) -> Bar {
    let base = 100_000_000_000 + i * 1_000_000 + salt;
    Bar {
        ts: ts(i),
        open: Price::from_raw(base),
        high: Price::from_raw(base + 500_000_000),
        low: Price::from_raw(base - 500_000_000),
        close: Price::from_raw(base + 250_000_000),
        volume: Quantity::from_raw((1000 + i) * 100_000_000),
        vwap: (i % 3 != 0).then(|| Price::from_raw(base + 1)),
        trade_count: (i % 5 != 0).then_some(i as u64),
    }
}

pub fn bars(range: std::ops::Range<i64>) -> Vec<Bar> {
    range.map(|i| bar(i, 0)).collect()
}

/// What an upsert should report, with nothing skipped.
pub fn upserted(inserted: u64, updated: u64, unchanged: u64) -> UpsertCounts {
    UpsertCounts {
        inserted,
        updated,
        unchanged,
        skipped: 0,
    }
}

/// A trade at minute `minute`, `cents` above $100; `id` empty for none.
pub fn trade(minute: i64, cents: i64, id: &str) -> TradeTick {
    TradeTick {
        ts: ts(minute),
        price: Price::from_raw(100_000_000_000 + cents * 10_000_000),
        size: Quantity::from_int(100),
        exchange: "V".into(),
        conditions: vec!["@".into(), "I".into()],
        trade_id: (!id.is_empty()).then(|| id.to_string()),
    }
}

pub fn seq<T>(seq: u32, tick: T) -> Seq<T> {
    Seq { seq, tick }
}

/// A snapshot of OCC `contract` at minute `minute`, with some greeks and fields left empty.
pub fn option(contract: &str, minute: i64, bid: Option<&str>) -> OptionQuote {
    let (underlying, expiry, right, strike) = OptionQuote::parse_occ(contract).unwrap();
    OptionQuote {
        ts: ts(minute),
        contract: Symbol::lit(contract),
        underlying,
        expiry,
        strike,
        right,
        bid: bid.map(Price::lit),
        ask: Some(Price::lit("5.25")),
        last: None,
        volume: Some(Quantity::from_int(12)),
        open_interest: None,
        iv: Some(0.3125),
        delta: Some(-0.42),
        gamma: None,
        theta: Some(-0.011),
        vega: Some(0.2),
    }
}
