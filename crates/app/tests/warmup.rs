//! Warm-up (issue 9): a run with a start first shows its strategy the stored bars before it, so
//! an SMA 10/30 agent started where a run over all the data is flat makes exactly that run's
//! entries and exits from then on, at the same times and prices. Without warm-up it misses
//! what happens while its slow average fills again. The bars come from a SQLite store, as
//! `backtest run --start` reads them.

use app::run::{self, Preloaded, Run};
use app::time::Window;
use backtest::{Action, AgentConfig};
use domain::{Bar, Price, Quantity, Symbol, Timeframe, UnixNanos};
use store::Store;

const DAY: i64 = 86_400_000_000_000;

/// 700 weekday bars from 2020-01-01: a wave with drift and deterministic noise, in cents.
fn bars() -> Vec<Bar> {
    let t0 = UnixNanos::parse_rfc3339("2020-01-01T00:00:00Z").unwrap();
    let mut seed: u64 = 7;
    let mut out = Vec::new();
    let mut day = 0i64;
    while out.len() < 700 {
        // 2020-01-01 is a Wednesday: days 3 and 4 of each week are the weekend.
        if !matches!(day % 7, 3 | 4) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let noise = (seed >> 33) as i64 % 300 - 150;
            let i = out.len() as f64;
            let wave = (1500.0 * (i / 17.0).sin() + 800.0 * (i / 5.0).cos()) as i64;
            let close = 10_000 + wave + noise + out.len() as i64 * 3;
            let open = close - noise / 2;
            let cents = |c: i64| Price::from_raw(c * 10_000_000);
            out.push(Bar {
                ts: t0.plus(day * DAY),
                open: cents(open),
                high: cents(open.max(close) + 40),
                low: cents(open.min(close) - 40),
                close: cents(close),
                volume: Quantity::from_int(1_000),
                vwap: None,
                trade_count: None,
            });
        }
        day += 1;
    }
    out
}

fn agent(warmup: &str) -> AgentConfig {
    AgentConfig::from_yaml(&format!(
        "id: sma\nsymbols: [SPY]\ntimeframe: 1d\ninitial_capital: 100000\n\
         strategy: {{ kind: sma_crossover, fast: 10, slow: 30 }}\n\
         sizing: {{ kind: fixed_quantity, quantity: 10 }}\nwarmup: {warmup}\n"
    ))
    .unwrap()
}

fn store(bars: &[Bar]) -> (tempfile::TempDir, Box<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("w.db").display());
    let mut s = store::open_migrated(&url).unwrap();
    s.upsert_bars(&Symbol::new("SPY").unwrap(), Timeframe::D1, bars)
        .unwrap();
    (dir, s)
}

fn from(start: UnixNanos) -> Window {
    Window {
        start: Some(start),
        end: None,
    }
}

/// (time, action, quantity, price) of each fill at or after `t`.
fn fills_from(r: &Run, t: UnixNanos) -> Vec<(UnixNanos, Action, Quantity, Price)> {
    r.result
        .fills
        .iter()
        .filter(|f| f.timestamp >= t)
        .map(|f| (f.timestamp, f.action, f.quantity, f.price))
        .collect()
}

#[test]
fn a_warm_start_trades_exactly_as_the_full_run_from_a_flat_point() {
    let bars = bars();
    let (_dir, st) = store(&bars);
    let full = run::run(&*st, &agent("auto"), Window::default(), None).unwrap();
    assert!(full.result.fills.len() > 10, "the wave crosses often");

    // A flat point: the bar after an exit fill, when the next entry is decided 2..30 bars
    // later (inside the slow average's refill, so a cold start must miss it).
    let index = |t: UnixNanos| bars.iter().position(|b| b.ts == t).unwrap();
    let fills = &full.result.fills;
    let start = fills
        .windows(2)
        .filter(|w| w[0].action == Action::Sell && w[1].action == Action::Buy)
        .map(|w| (index(w[0].timestamp) + 1, index(w[1].timestamp)))
        .find(|&(s, next)| s >= 100 && next >= s + 3 && next <= s + 30)
        .map(|(s, _)| bars[s].ts)
        .expect("an exit followed by an entry within the slow window");

    let warm = run::run(&*st, &agent("auto"), from(start), None).unwrap();
    assert_eq!(fills_from(&warm, start), fills_from(&full, start));
    assert_eq!(warm.result.fills.len(), fills_from(&full, start).len());
    assert_eq!(
        warm.result.start, start,
        "the warm-up is not part of the run"
    );
    assert_eq!(warm.result.counts.warmup_bars, 30);
    assert_eq!(warm.warmup.wanted, 30);
    assert_eq!(warm.warmup.used, Some(30));
    assert_eq!(warm.warmup.from, Some(bars[index(start) - 30].ts));
    assert!(!warm.warmup.short());

    // Cold, the entry inside the refill is missed.
    let cold = run::run(&*st, &agent("none"), from(start), None).unwrap();
    assert_ne!(fills_from(&cold, start), fills_from(&full, start));
    assert_eq!(cold.result.counts.warmup_bars, 0);

    // The same from memory, as sweeps and walk-forward read it.
    let pre = Preloaded::new(
        vec![(Symbol::new("SPY").unwrap(), Timeframe::D1, bars.clone())],
        Vec::new(),
    );
    let warm_pre = run::run(&pre, &agent("auto"), from(start), None).unwrap();
    assert_eq!(fills_from(&warm_pre, start), fills_from(&full, start));
    assert_eq!(
        warm_pre.fingerprint, warm.fingerprint,
        "the same bars were read"
    );
}

#[test]
fn the_warmup_never_reads_the_start_or_later() {
    // Bars from the start on are changed wildly; the warm-up bars (and so the strategy's state
    // at the start) depend only on what came before.
    let bars = bars();
    let start = bars[200].ts;
    let mut changed = bars.clone();
    for b in &mut changed[200..] {
        b.close = b.open;
    }
    let (_a, one) = store(&bars);
    let (_b, two) = store(&changed);
    let n = 40;
    let spy = Symbol::new("SPY").unwrap();
    use app::run::source::last_before;
    let w1 = last_before(&*one, &spy, Timeframe::D1, start, n).unwrap();
    let w2 = last_before(&*two, &spy, Timeframe::D1, start, n).unwrap();
    assert_eq!(w1, w2);
    assert_eq!(w1, bars[160..200].to_vec());
}

#[test]
fn too_little_history_is_reported_not_hidden() {
    let bars = bars();
    let (_dir, st) = store(&bars);
    let r = run::run(&*st, &agent("auto"), from(bars[12].ts), None).unwrap();
    assert_eq!(r.warmup.wanted, 30);
    assert_eq!(r.warmup.used, Some(12));
    assert!(r.warmup.short());
    let note = app::views::warmup_note(&r.warmup, Timeframe::D1).unwrap();
    assert!(note.contains("only 12 of the 30 bars"), "{note}");

    // A fixed number, and none.
    let r = run::run(&*st, &agent("100"), from(bars[300].ts), None).unwrap();
    assert_eq!((r.warmup.wanted, r.warmup.used), (100, Some(100)));
    assert_eq!(r.result.counts.warmup_bars, 100);
    let r = run::run(&*st, &agent("none"), from(bars[300].ts), None).unwrap();
    assert_eq!((r.warmup.wanted, r.warmup.used), (0, None));
    assert!(app::views::warmup_note(&r.warmup, Timeframe::D1).is_none());

    // Without a start there is nothing before the first bar to warm up on.
    let r = run::run(&*st, &agent("auto"), Window::default(), None).unwrap();
    assert_eq!((r.warmup.wanted, r.warmup.used), (0, None));
}
