//! Symbols and their calendars (`SymbolStore`), on SQLite and PostgreSQL: the NYSE default, a
//! calendar set before or after the bars, the day index rebuilt on the new calendar (equal to the
//! summaries `domain::grid::days` computes on it) in the transaction that changes it, and the
//! roll-up checkpoints forgotten with it. Real EURUSD hours (UTC) are the fx series.

mod common;

use common::TestDb;
use domain::calendar::Calendar;
use domain::grid::BarGrid;
use domain::grid::days::{DaySummary, summarize_bars};
use domain::grid::rollup::Hours;
use domain::{Bar, Symbol, Timeframe};
use store::{BarQuery, RollupCheckpoint, Store, SymbolInfo};
use testkit::{conformance, eurusd_hours as eurusd};

/// The stored index of `symbol`'s hourly bars, checked equal to the summaries of its stored
/// bars on `cal`.
fn index_on(s: &dyn Store, symbol: &Symbol, cal: Calendar) -> Vec<DaySummary> {
    let tf = Timeframe::H1;
    let q = BarQuery {
        symbol: symbol.clone(),
        timeframe: tf,
        start: None,
        end: None,
    };
    let stored: Vec<Bar> = s.bars(q).collect::<Result<_, _>>().unwrap();
    let index = s.bar_days(symbol, tf, None, None).unwrap();
    let grid = BarGrid::new(tf, cal).ok();
    assert_eq!(
        index,
        summarize_bars(tf, grid.as_ref(), &stored).unwrap(),
        "{cal}"
    );
    index
}

fn filled(days: &[DaySummary]) -> u64 {
    days.iter().map(|d| d.filled).sum()
}

fn a_symbol_is_on_nyse_until_set(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let eur = Symbol::lit("EURUSD");
    assert_eq!(s.symbol_calendar(&eur).unwrap(), Calendar::Nyse);
    assert!(s.symbols().unwrap().is_empty());
    let bars = eurusd();
    s.upsert_bars(&eur, Timeframe::H1, &bars[..100]).unwrap();
    assert_eq!(
        s.symbols().unwrap(),
        [SymbolInfo {
            symbol: eur.clone(),
            calendar: Calendar::Nyse,
            series: 1,
            rows: 100
        }]
    );
    assert_eq!(s.series().unwrap()[0].calendar, Calendar::Nyse);
    assert_eq!(
        s.set_symbol_calendar(&eur, Calendar::Fx).unwrap(),
        Calendar::Nyse
    );
    assert_eq!(
        s.set_symbol_calendar(&eur, Calendar::Fx).unwrap(),
        Calendar::Fx
    );
    assert_eq!(s.symbol_calendar(&eur).unwrap(), Calendar::Fx);
    assert_eq!(s.series().unwrap()[0].calendar, Calendar::Fx);
    // Setting a calendar stores a symbol that has nothing yet.
    let btc = Symbol::lit("BTC-USD");
    s.set_symbol_calendar(&btc, Calendar::Crypto).unwrap();
    let listed: Vec<(String, Calendar, u64)> = s
        .symbols()
        .unwrap()
        .into_iter()
        .map(|i| (i.symbol.to_string(), i.calendar, i.series))
        .collect();
    assert_eq!(
        listed,
        [
            ("BTC-USD".to_string(), Calendar::Crypto, 0),
            ("EURUSD".into(), Calendar::Fx, 1)
        ]
    );
}

/// EURUSD written on NYSE fills only NYSE's hours; put on fx, its index is rebuilt at once and
/// fills every hour but the two real closures' and the two after-close bars; later writes keep
/// it on fx; back on NYSE it is what it was. A calendar set first indexes the first batch on it.
fn a_calendar_change_rebuilds_the_day_index(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let eur = Symbol::lit("EURUSD");
    let bars = eurusd();
    s.upsert_bars(&eur, Timeframe::H1, &bars[..3000]).unwrap();
    let on_nyse = index_on(s.as_ref(), &eur, Calendar::Nyse);
    assert!(filled(&on_nyse) < 1000);
    s.set_symbol_calendar(&eur, Calendar::Fx).unwrap();
    index_on(s.as_ref(), &eur, Calendar::Fx);
    s.upsert_bars(&eur, Timeframe::H1, &bars[2500..]).unwrap();
    let on_fx = index_on(s.as_ref(), &eur, Calendar::Fx);
    assert_eq!(filled(&on_fx), 5000 - 2);
    assert_eq!(on_fx.iter().map(|d| d.rows).sum::<u64>(), 5000);
    s.set_symbol_calendar(&eur, Calendar::Nyse).unwrap();
    let back = index_on(s.as_ref(), &eur, Calendar::Nyse);
    // The first batch's dates but its last (which the second batch completed) are as they were.
    let n = on_nyse.len() - 1;
    assert_eq!(back[..n], on_nyse[..n]);
    // `none` fills nothing; the rows stay counted.
    s.set_symbol_calendar(&eur, Calendar::None).unwrap();
    let none = index_on(s.as_ref(), &eur, Calendar::None);
    assert_eq!(
        (filled(&none), none.iter().map(|d| d.rows).sum::<u64>()),
        (0, 5000)
    );

    let gbp = Symbol::lit("GBPUSD");
    s.set_symbol_calendar(&gbp, Calendar::Fx).unwrap();
    s.upsert_bars(&gbp, Timeframe::H1, &bars).unwrap();
    assert_eq!(filled(&index_on(s.as_ref(), &gbp, Calendar::Fx)), 5000 - 2);
}

/// A roll-up made on one calendar is not resumed on another: the change forgets the symbol's
/// checkpoints (and only its own), so the next roll-up recomputes every bucket.
fn a_calendar_change_forgets_the_roll_up_checkpoints(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let bars = eurusd();
    let checkpoint = |symbol: &Symbol| RollupCheckpoint {
        symbol: symbol.clone(),
        from: Timeframe::H1,
        to: Timeframe::D1,
        hours: Hours::Regular,
        last_source: bars[23].ts,
    };
    let (eur, gbp) = (Symbol::lit("EURUSD"), Symbol::lit("GBPUSD"));
    for sym in [&eur, &gbp] {
        s.upsert_bars(sym, Timeframe::H1, &bars[..24]).unwrap();
        s.upsert_rolled_bars(&[], &checkpoint(sym)).unwrap();
    }
    let stored = |s: &dyn Store, sym: &Symbol| {
        s.rollup_checkpoint(sym, Timeframe::H1, Timeframe::D1)
            .unwrap()
    };
    assert_eq!(stored(s.as_ref(), &eur), Some(checkpoint(&eur)));
    s.set_symbol_calendar(&eur, Calendar::Nyse).unwrap(); // unchanged: kept
    assert_eq!(stored(s.as_ref(), &eur), Some(checkpoint(&eur)));
    s.set_symbol_calendar(&eur, Calendar::Fx).unwrap();
    assert_eq!(stored(s.as_ref(), &eur), None);
    assert_eq!(stored(s.as_ref(), &gbp), Some(checkpoint(&gbp)));
}

conformance!(
    a_symbol_is_on_nyse_until_set,
    a_calendar_change_rebuilds_the_day_index,
    a_calendar_change_forgets_the_roll_up_checkpoints,
);
