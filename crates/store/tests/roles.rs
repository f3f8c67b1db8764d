//! The role traits used alone. Functions that take one role (`&dyn BarStore`, `&dyn TickStore`,
//! `&mut dyn CollectionStore`, `&mut dyn KeyStore`) run on both backends, given the opened
//! `Box<dyn Store>` through trait upcasting; a small sum of roles works as a bound; and a role
//! can be implemented alone (a memory fake with only `BarStore`), its streams included.

mod common;

use std::cell::Cell;

use chrono::NaiveDate;
use common::{TestDb, bars, seq, trade, ts, upserted};
use domain::grid::days::DaySummary;
use domain::{Bar, QuoteBar, Symbol, Timeframe, TradeTick, UnixNanos};
use store::stream::PAGE_SIZE;
use store::{
    BarQuery, BarStore, Checkpoint, CheckpointKey, CollectionStore, DataKind, KeyStore,
    SchemaStore, Seq, SeriesStatus, StoreError, TickStore, UpsertCounts, VaultHeaderRow,
};
use testkit::conformance;

conformance!(each_role_alone, a_sum_of_roles_as_a_bound);

fn all(symbol: &Symbol) -> BarQuery {
    BarQuery {
        symbol: symbol.clone(),
        timeframe: Timeframe::M1,
        start: None,
        end: None,
    }
}

/// Copies a 1m series to another symbol: the bar role is all it needs.
fn copy_series(st: &mut dyn BarStore, from: &Symbol, to: &Symbol) -> UpsertCounts {
    let rows: Vec<Bar> = st.bars(all(from)).collect::<Result<_, _>>().unwrap();
    st.upsert_bars(to, Timeframe::M1, &rows).unwrap()
}

fn series_rows(st: &dyn BarStore) -> Vec<(String, u64)> {
    let series = st.series().unwrap();
    series
        .iter()
        .map(|s| (s.symbol.to_string(), s.rows))
        .collect()
}

fn last_trade(st: &dyn TickStore, symbol: &Symbol) -> Option<Seq<TradeTick>> {
    st.trades(symbol, None, None).unwrap().pop()
}

fn cover(st: &mut dyn CollectionStore, key: &CheckpointKey, end: i64) -> Checkpoint {
    let mut cp = st
        .checkpoint(key)
        .unwrap()
        .unwrap_or_else(|| Checkpoint::new(key.clone(), UnixNanos::new(1)));
    cp.cover(ts(0), ts(end));
    st.save_checkpoint(&cp).unwrap();
    cp
}

fn header() -> VaultHeaderRow {
    VaultHeaderRow {
        kdf: "argon2id-v19".into(),
        salt: vec![1; 16],
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
        check_nonce: vec![2; 12],
        check_value: vec![3; 35],
        created_at: UnixNanos::new(5),
    }
}

fn init_vault(st: &mut dyn KeyStore) -> Result<(), StoreError> {
    st.init_vault_header(&header())
}

fn bar_key() -> CheckpointKey {
    CheckpointKey {
        provider: "alpaca".into(),
        symbol: Symbol::lit("SPY"),
        kind: DataKind::Bars,
        timeframe: Some(Timeframe::M1),
    }
}

fn each_role_alone(db: &TestDb) {
    let mut st = store::open_migrated(&db.url).unwrap();
    let (spy, qqq) = (Symbol::lit("SPY"), Symbol::lit("QQQ"));

    let schema: &dyn SchemaStore = st.as_ref();
    let status = schema.schema_status().unwrap();
    assert_eq!(status.current, status.latest);
    assert_eq!(status.backend, db.backend());

    st.upsert_bars(&spy, Timeframe::M1, &bars(0..10)).unwrap();
    assert_eq!(copy_series(st.as_mut(), &spy, &qqq), upserted(10, 0, 0));
    assert_eq!(copy_series(st.as_mut(), &spy, &qqq), upserted(0, 0, 10));
    assert_eq!(
        series_rows(st.as_ref()),
        [("QQQ".to_string(), 10), ("SPY".to_string(), 10)]
    );

    assert_eq!(last_trade(st.as_ref(), &spy), None);
    let batch = [seq(0, trade(0, 1, "a")), seq(1, trade(0, 2, "b"))];
    st.upsert_trades(&spy, &batch, None).unwrap();
    assert_eq!(last_trade(st.as_ref(), &spy), Some(batch[1].clone()));

    let key = bar_key();
    cover(st.as_mut(), &key, 5);
    let cp = cover(st.as_mut(), &key, 9);
    assert_eq!(st.checkpoint(&key).unwrap(), Some(cp.clone()));
    assert_eq!(cp.missing(ts(0), ts(10)).len(), 1);

    init_vault(st.as_mut()).unwrap();
    assert_eq!(st.vault_header().unwrap(), Some(header()));
    assert!(matches!(
        init_vault(st.as_mut()),
        Err(StoreError::Invalid(_))
    ));
}

/// A page of a bar backfill and its checkpoint: two roles, named as a bound.
fn store_page(
    st: &mut (impl BarStore + CollectionStore + ?Sized),
    page: &[Bar],
    checkpoint: &Checkpoint,
) -> (UpsertCounts, Option<Checkpoint>) {
    let key = &checkpoint.key;
    let counts = st
        .upsert_bars_with_checkpoint(&key.symbol, Timeframe::M1, page, checkpoint)
        .unwrap();
    (counts, st.checkpoint(key).unwrap())
}

fn a_sum_of_roles_as_a_bound(db: &TestDb) {
    let mut st = store::open_migrated(&db.url).unwrap();
    let mut cp = Checkpoint::new(bar_key(), UnixNanos::new(1));
    cp.cover(ts(0), ts(20));
    cp.rows = 20;
    cp.pages = 1;
    let (counts, stored) = store_page(st.as_mut(), &bars(0..20), &cp);
    assert_eq!(counts, upserted(20, 0, 0));
    assert_eq!(stored, Some(cp));
    assert_eq!(st.bars(all(&Symbol::lit("SPY"))).count(), 20);
}

/// Bars in memory, and nothing else: a role is small enough to fake.
struct MemoryBars {
    bars: Vec<Bar>,
    pages: Cell<usize>,
}

impl BarStore for MemoryBars {
    fn upsert_bars(
        &mut self,
        _: &Symbol,
        _: Timeframe,
        bars: &[Bar],
    ) -> Result<UpsertCounts, StoreError> {
        self.bars.extend_from_slice(bars);
        self.bars.sort_by_key(|b| b.ts);
        Ok(upserted(bars.len() as u64, 0, 0))
    }
    fn upsert_bars_with_checkpoint(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[Bar],
        _: &Checkpoint,
    ) -> Result<UpsertCounts, StoreError> {
        self.upsert_bars(symbol, tf, bars)
    }
    fn bar_page(
        &self,
        q: &BarQuery,
        after: Option<UnixNanos>,
        limit: usize,
    ) -> Result<Vec<Bar>, StoreError> {
        self.pages.set(self.pages.get() + 1);
        let inside = |b: &&Bar| {
            after.is_none_or(|a| b.ts > a)
                && q.start.is_none_or(|s| b.ts >= s)
                && q.end.is_none_or(|e| b.ts < e)
        };
        Ok(self
            .bars
            .iter()
            .filter(inside)
            .take(limit)
            .copied()
            .collect())
    }
    fn series(&self) -> Result<Vec<SeriesStatus>, StoreError> {
        Ok(Vec::new())
    }
    fn bar_days(
        &self,
        _: &Symbol,
        tf: Timeframe,
        _: Option<NaiveDate>,
        _: Option<NaiveDate>,
    ) -> Result<Vec<DaySummary>, StoreError> {
        let nyse = domain::grid::BarGrid::new(tf, domain::calendar::Calendar::Nyse).ok();
        domain::grid::days::summarize_bars(tf, nyse.as_ref(), &self.bars)
            .map_err(|e| StoreError::Invalid(e.to_string()))
    }
    fn upsert_quote_bars(
        &mut self,
        _: &Symbol,
        _: Timeframe,
        _: &[QuoteBar],
    ) -> Result<UpsertCounts, StoreError> {
        Err(StoreError::Invalid("no quote bars here".into()))
    }
    fn quote_bar_page(
        &self,
        _: &BarQuery,
        _: Option<UnixNanos>,
        _: usize,
    ) -> Result<Vec<QuoteBar>, StoreError> {
        Ok(Vec::new())
    }
    fn quote_series(&self) -> Result<Vec<SeriesStatus>, StoreError> {
        Ok(Vec::new())
    }
    fn quote_bar_days(
        &self,
        _: &Symbol,
        _: Timeframe,
        _: Option<NaiveDate>,
        _: Option<NaiveDate>,
    ) -> Result<Vec<DaySummary>, StoreError> {
        Ok(Vec::new())
    }
}

#[test]
fn a_role_implemented_alone_streams_page_by_page() {
    let n = 2 * PAGE_SIZE as i64 + 7;
    let mut mem = MemoryBars {
        bars: Vec::new(),
        pages: Cell::new(0),
    };
    let spy = Symbol::lit("SPY");
    mem.upsert_bars(&spy, Timeframe::M1, &bars(0..n)).unwrap();

    let read: Vec<Bar> = mem.bars(all(&spy)).collect::<Result<_, _>>().unwrap();
    assert_eq!(read, bars(0..n));
    // Two full pages and the short one that ends the stream.
    assert_eq!(mem.pages.get(), 3);

    let mut from_ten = all(&spy);
    from_ten.start = Some(ts(10));
    from_ten.end = Some(ts(20));
    let dyn_bars: &dyn BarStore = &mem;
    assert_eq!(dyn_bars.bars(from_ten).count(), 10);
    assert_eq!(mem.quote_bars(all(&spy)).count(), 0);
}
