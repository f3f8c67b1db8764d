//! A backtest keeps its symbols' calendar (read from the store, SQLite and PostgreSQL): on EURUSD
//! hours `flatten_at_close` closes at 17:00 New York, the fx day's end, and fills from the first
//! hour of the fx session; on NYSE the same bars trade 09:30–16:00 only. Symbols on different
//! calendars run together only where the calendar changes nothing.

use app::run;
use app::time::Window;
use backtest::AgentConfig;
use domain::calendar::Calendar;
use domain::{Bar, Symbol, Timeframe};
use testkit::{TestDb, conformance};

conformance!(
    flatten_at_close_follows_the_calendar,
    symbols_on_two_calendars,
);

/// The first two days of backtesting.py's EURUSD hours (UTC), from 2017-04-19 09:00.
fn eurusd() -> Vec<Bar> {
    testkit::eurusd_hours()[..48].to_vec()
}

fn agent(symbols: &str, extra: &str) -> AgentConfig {
    AgentConfig::from_yaml(&format!(
        "id: day\nsymbols: [{symbols}]\ntimeframe: 1h\ninitial_capital: 100000\n\
         strategy: {{ kind: buy_and_hold }}\nallow_short: false\n{extra}"
    ))
    .unwrap()
}

/// (action, time, reason) of each fill.
fn fills(r: &run::Run) -> Vec<(String, String, String)> {
    r.result
        .fills
        .iter()
        .map(|f| {
            let t = f.timestamp.to_rfc3339();
            (f.action.as_str().to_string(), t, f.reason.clone())
        })
        .collect()
}

fn flatten_at_close_follows_the_calendar(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let eur = Symbol::lit("EURUSD");
    s.upsert_bars(&eur, Timeframe::H1, &eurusd()).unwrap();
    let a = agent("EURUSD", "risk: { flatten_at_close: true }\n");
    let row = |action: &str, t: &str, reason: &str| (action.into(), t.into(), reason.into());

    s.set_symbol_calendar(&eur, Calendar::Fx).unwrap();
    let fx = run::run(s.as_ref(), &a, Window::default(), None).unwrap();
    // Bought at the next hour's open; closed with the bar ending at 17:00 EDT (21:00 UTC).
    assert_eq!(
        fills(&fx),
        [
            row("buy", "2017-04-19T10:00:00Z", "signal"),
            row("sell", "2017-04-19T20:00:00Z", "session_close"),
        ]
    );

    s.set_symbol_calendar(&eur, Calendar::Nyse).unwrap();
    let nyse = run::run(s.as_ref(), &a, Window::default(), None).unwrap();
    // The first bar opening inside 09:30–16:00 EDT, and the one spanning 16:00.
    assert_eq!(
        fills(&nyse),
        [
            row("buy", "2017-04-19T14:00:00Z", "signal"),
            row("sell", "2017-04-19T19:00:00Z", "session_close"),
        ]
    );
    assert_ne!(fx.fingerprint, nyse.fingerprint);
}

fn symbols_on_two_calendars(db: &TestDb) {
    let mut s = store::open_migrated(&db.url).unwrap();
    let bars = eurusd();
    for (sym, cal) in [("EURUSD", Calendar::Fx), ("BTCUSD", Calendar::Crypto)] {
        let sym = Symbol::lit(sym);
        s.upsert_bars(&sym, Timeframe::H1, &bars).unwrap();
        s.set_symbol_calendar(&sym, cal).unwrap();
    }
    // Intraday bars without session rules: the calendars change nothing, so they run together.
    let plain = agent("EURUSD, BTCUSD", "");
    let r = run::run(s.as_ref(), &plain, Window::default(), None).unwrap();
    assert_eq!(r.result.counts.bars, 2 * 48);
    // A session close needs one calendar.
    let flat = agent("EURUSD, BTCUSD", "risk: { flatten_at_close: true }\n");
    let e = run::run(s.as_ref(), &flat, Window::default(), None)
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("EURUSD is on the fx calendar and BTCUSD on crypto"),
        "{e}"
    );
}
