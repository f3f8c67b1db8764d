//! Engine overhead vs a hand-written loop, same process, same data.
//!
//! `cargo run --release -p bench --example bench_engine [bars]` (default 1,000,000 one-minute
//! bars). Every side runs the reference strategy (SMA 10/30 on exact integer sums, next-open
//! market fills, all cash in whole shares); the hand loops have no feed, no events, no strategy
//! trait, no order objects. Reported: best of 5 runs in ns/bar and as ratios to two baselines,
//! the loop of `ztrade bench backtest` (over (open, close) pairs) and the same strategy over the
//! engine's own `Bar`s. The engine runs with each equity curve; the hand loop over bars with and
//! without a point per bar shows what such a curve costs by itself. Each engine run gets its copy
//! of the bars outside the timer (and frees it inside, as any consumer of a `Vec` does), except
//! the last rows, where the engine borrows the bars; one of them computes and records every
//! bar feature (`features: [..]`, docs/BENCHMARKS.md). Two more rows keep the engine's journal
//! (`Engine::with_journal`: signals, orders, order events, fills, ledger, risk days) with
//! account snapshots at each session close and at every bar; `× engine` compares them with
//! the engine without one (the session row), run in the same process. Last, the per-bar
//! journal (over a million rows) is stored once in a fresh SQLite file, and in PostgreSQL when
//! `ZTRADE_BENCH_PG` names a database (build with `--features store/postgres`).

use std::time::Instant;

use backtest::{AgentConfig, Inputs, JournalConfig, SnapshotCadence};
use bench::synthetic::{REF_SMA, minute_bars};
use domain::{Bar, Money, Price, Quantity, Symbol, Timeframe, UnixNanos};

const ALL_FEATURES: &str =
    "vwap, vwap_upper, vwap_lower, ema20, ema50, ema20_slope, rvol, hod, lod, prev_close";

struct HandResult {
    fills: usize,
    equity: Vec<(UnixNanos, Money, Money)>,
}

/// The same strategy and accounting with everything inlined.
fn hand_loop(bars: &[Bar], curve: bool) -> HandResult {
    let mut fast = [0i64; 10];
    let mut slow = [0i64; 30];
    let (mut fs, mut ss): (i128, i128) = (0, 0);
    let mut prev: Option<std::cmp::Ordering> = None;
    let mut cash = Money::from_price(Price::from_int(100_000));
    let mut pos = Quantity::ZERO;
    let mut pending: i8 = 0;
    let mut fills = 0;
    let mut equity = Vec::with_capacity(if curve { bars.len() } else { 1 });
    for (i, b) in bars.iter().enumerate() {
        if pending == 1 {
            let q = (cash.checked_max_quantity(b.open, Quantity::from_int(1)))
                .unwrap_or(Quantity::ZERO);
            if !q.is_zero() {
                cash -= b.open.notional(q);
                pos = q;
                fills += 1;
            }
        } else if pending == -1 {
            cash += b.open.notional(pos);
            pos = Quantity::ZERO;
            fills += 1;
        }
        pending = 0;
        let c = b.close.raw();
        fs += i128::from(c) - i128::from(fast[i % 10]);
        fast[i % 10] = c;
        ss += i128::from(c) - i128::from(slow[i % 30]);
        slow[i % 30] = c;
        if i >= 29 {
            let now = (fs * 30).cmp(&(ss * 10));
            if let Some(p) = prev {
                use std::cmp::Ordering::{Greater, Less};
                if p != Greater && now == Greater && pos.is_zero() {
                    pending = 1;
                } else if p != Less && now == Less && pos.raw() > 0 {
                    pending = -1;
                }
            }
            prev = Some(now);
        }
        if curve || i + 1 == bars.len() {
            equity.push((b.ts, cash + b.close.notional(pos), cash));
        }
    }
    HandResult { fills, equity }
}

/// Best wall time of `runs` calls of `f`, each given a fresh copy of `input` made outside the
/// timer, and the last call's output.
fn best<I: Clone, T>(runs: usize, input: &I, mut f: impl FnMut(I) -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut out = None;
    for _ in 0..runs {
        let copy = input.clone();
        let t = Instant::now();
        let r = f(copy);
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(r);
    }
    (best, out.expect("at least one run"))
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let runs = 5;
    let bars = minute_bars(n);
    let pairs: Vec<(i64, i64)> = bars.iter().map(|b| (b.open.raw(), b.close.raw())).collect();
    let engine_run = |curve: &str| {
        let agent = AgentConfig::from_yaml(&format!("{REF_SMA}equity_curve: {curve}\n")).unwrap();
        best(runs, &bars, |input: Vec<Bar>| {
            let mut inputs = Inputs::new();
            inputs.bar_vec(Symbol::lit("SPY"), Timeframe::M1, input);
            agent
                .engine(domain::calendar::Calendar::Nyse)
                .unwrap()
                .run(inputs)
                .unwrap()
        })
    };

    let (t_pairs, (pair_fills, pair_equity)) = best(runs, &(), |_| {
        let (fills, equity) = bench::baseline::run(&pairs, 100_000);
        (fills.len(), equity)
    });
    let (t_bare, bare) = best(runs, &(), |_| hand_loop(&bars, false));
    let (t_curve, hand) = best(runs, &(), |_| hand_loop(&bars, true));
    let (t_session, session) = engine_run("session");
    let (t_bar, per_bar) = engine_run("bar");
    let agent = AgentConfig::from_yaml(REF_SMA).unwrap();
    let (t_lent, lent) = best(runs, &(), |_| {
        let mut inputs = Inputs::new();
        inputs.bar_slice(Symbol::lit("SPY"), Timeframe::M1, &bars);
        agent
            .engine(domain::calendar::Calendar::Nyse)
            .unwrap()
            .run(inputs)
            .unwrap()
    });
    assert_eq!(lent, session);
    // The same run with every bar feature computed at every bar (and recorded).
    let featured =
        AgentConfig::from_yaml(&format!("{REF_SMA}features: [{ALL_FEATURES}]\n")).unwrap();
    let (t_feat, feat) = best(runs, &(), |_| {
        let mut inputs = Inputs::new();
        inputs.bar_slice(Symbol::lit("SPY"), Timeframe::M1, &bars);
        featured
            .engine(domain::calendar::Calendar::Nyse)
            .unwrap()
            .run(inputs)
            .unwrap()
    });
    assert_eq!(
        feat.fills, session.fills,
        "features alone change no decision"
    );
    assert_eq!(feat.features.as_ref().map(|f| f.len()), Some(n));
    let journaled = |snapshots| {
        best(runs, &bars, |input: Vec<Bar>| {
            let mut inputs = Inputs::new();
            inputs.bar_vec(Symbol::lit("SPY"), Timeframe::M1, input);
            let journal = JournalConfig {
                strategy: "sma_crossover".into(),
                snapshots,
            };
            (agent.engine(domain::calendar::Calendar::Nyse).unwrap())
                .with_journal(journal)
                .run(inputs)
                .unwrap()
        })
    };
    let (t_journal, with_journal) = journaled(SnapshotCadence::SessionClose);
    let (t_journal_bar, with_journal_bar) = journaled(SnapshotCadence::EveryBar);
    for r in [&with_journal, &with_journal_bar] {
        assert_eq!(r.fills, session.fills, "the journal changes no fill");
        assert_eq!(
            r.journal.as_ref().unwrap().decisions().3,
            session.fills.len()
        );
    }

    for r in [&session, &per_bar] {
        assert_eq!(
            hand.fills,
            r.fills.len(),
            "both sides must trade identically"
        );
        assert_eq!(pair_fills, r.fills.len());
        assert_eq!(bare.fills, r.fills.len());
        assert_eq!(hand.equity.last().unwrap().1, r.final_equity);
        assert_eq!(Money::from_raw(pair_equity * 100_000_000), r.final_equity);
    }
    assert_eq!(hand.equity.len(), per_bar.equity.len());
    assert_eq!(per_bar.equity.last(), session.equity.last());

    let per = |s: f64| s * 1e9 / n as f64;
    println!(
        "bars: {n}, fills: {}, equity points: {} (session), {} (bar); best of {runs}",
        session.fills.len(),
        session.equity.len(),
        per_bar.equity.len()
    );
    let rows = [
        ("hand loop over (open, close) pairs [ztrade bench]", t_pairs),
        ("hand loop over Bars, no curve", t_bare),
        ("hand loop over Bars, a point per bar", t_curve),
        ("engine, equity_curve: session (default)", t_session),
        ("engine, equity_curve: bar", t_bar),
        ("engine, session, bars lent (Inputs::bar_slice)", t_lent),
        ("engine, lent, features: all ten, recorded", t_feat),
        ("engine + journal, snapshots at session close", t_journal),
        ("engine + journal, a snapshot per bar", t_journal_bar),
    ];
    for (what, t) in rows {
        println!(
            "{what:50} {:7.2} ns/bar  {:5.2}x pairs  {:5.2}x bars  {:5.2}x engine",
            per(t),
            t / t_pairs,
            t / t_bare,
            t / t_session
        );
    }
    let tape = with_journal_bar.journal.as_ref().unwrap();
    let made = Instant::now();
    let j = tape.journal();
    println!(
        "the per-bar journal's rows from its tape: {:.1} ms",
        made.elapsed().as_secs_f64() * 1e3
    );
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("journal.db").display());
    let mut stores = vec![("SQLite", url)];
    stores.extend(
        std::env::var("ZTRADE_BENCH_PG")
            .ok()
            .map(|u| ("PostgreSQL", u)),
    );
    for (name, url) in stores {
        let s = bench::journal::store_seconds(&url, &with_journal_bar, tape).unwrap();
        println!(
            "store the per-bar journal ({} rows) in {name}: {s:.3} s, {:.0} rows/s",
            j.len(),
            j.len() as f64 / s
        );
    }
    for (what, r) in [("session", &with_journal), ("per bar", &with_journal_bar)] {
        let j = r.journal.as_ref().unwrap().journal();
        println!(
            "journal ({what} snapshots): {} rows: {} signals, {} orders, {} order events, {} fills, {} round trips, {} snapshots, {} risk days",
            j.len(),
            j.signals.len(),
            j.orders.len(),
            j.order_events.len(),
            j.fills.len(),
            j.ledger.len(),
            j.snapshots.len(),
            j.risk_days.len()
        );
    }
}
