//! Rows for the store's conformance suite: valid bars, trades and option snapshots whose values
//! move with their minute, and the upsert counts to expect. The stores themselves come from
//! testkit ([`TestDb`], one per backend; `testkit::conformance!` runs a body on both).

#![allow(dead_code)]

use domain::{Bar, OptionQuote, Price, Quantity, Symbol, TradeTick, UnixNanos};
use store::{Seq, UpsertCounts};
pub use testkit::TestDb;

pub mod journal;

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
        suspicious: false,
    }
}

pub fn seq<T>(seq: u32, tick: T) -> Seq<T> {
    Seq { seq, tick }
}

/// A snapshot of OCC `contract` at minute `minute`, with some greeks and fields left empty.
pub fn option(contract: &str, minute: i64, bid: Option<&str>) -> OptionQuote {
    let contract = domain::OptionContract::from_occ(
        contract,
        None,
        domain::OptionStyle::American,
        domain::STANDARD_MULTIPLIER,
    )
    .unwrap();
    let mut q = OptionQuote::empty(contract, ts(minute));
    q.bid = bid.map(Price::lit);
    q.ask = Some(Price::lit("5.25"));
    q.volume = Some(Quantity::from_int(12));
    q.iv = Some(0.3125);
    q.delta = Some(-0.42);
    q.theta = Some(-0.011);
    q.vega = Some(0.2);
    q
}

/// A contract of `underlying` expiring on `expiry` (`YYYY-MM-DD`).
pub fn contract(
    underlying: &str,
    expiry: &str,
    right: domain::OptionRight,
    strike: &str,
    style: domain::OptionStyle,
    multiplier: u32,
) -> domain::OptionContract {
    domain::OptionContract::new(
        Symbol::lit(underlying),
        expiry.parse().unwrap(),
        right,
        Price::lit(strike),
        style,
        multiplier,
    )
    .unwrap()
}

/// A snapshot of `contract` at minute `minute` with every field set, moving with `salt`.
pub fn full_option(contract: &domain::OptionContract, minute: i64, salt: i64) -> OptionQuote {
    let p = |base: i64| Some(Price::from_raw(base * 10_000_000 + salt));
    let q = |n: i64| Some(Quantity::from_raw(n * 100_000_000 + salt));
    let at = |back: i64| Some(UnixNanos::new(ts(minute).as_i64() - back));
    OptionQuote {
        ts: ts(minute),
        contract: contract.clone(),
        bid: p(510),
        ask: p(525),
        bid_size: q(12),
        ask_size: q(7),
        quoted_at: at(1_500),
        last: p(515),
        last_trade_at: at(30 * MINUTE),
        volume: q(1_234),
        open_interest: q(56_789),
        underlying_price: p(47_012),
        iv: Some(0.3125 + salt as f64 * 1e-6),
        delta: Some(-0.42),
        gamma: Some(0.0125),
        theta: Some(-0.011),
        vega: Some(0.2),
        rho: Some(-0.035),
    }
}

/// Sets `column` of every row of `table` to the SQL `value`, past the schema's CHECK on it
/// (SQLite ignores checks for the statement; PostgreSQL drops the column's check), to stand for
/// a hand-edited or corrupt database.
pub fn corrupt(db: &TestDb, table: &str, column: &str, value: &str) {
    let update = format!("UPDATE {table} SET {column} = {value}");
    if db.is_postgres() {
        db.exec(&format!(
            "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{column}_check; {update}"
        ));
    } else {
        db.exec(&format!("PRAGMA ignore_check_constraints = ON; {update}"));
    }
}
