//! Features in the engine: an agent's `features: [..]` computed at every bar (warm-up bars
//! included, traded bars recorded), read by strategies through the context, and `filters: [..]`
//! gating entries; bad lists refused at their line.

mod common;
#[allow(dead_code)]
mod support;

use backtest::features::Feature;
use backtest::journal::SignalStatus;
use backtest::{AgentConfig, BacktestResult, Inputs, JournalConfig, SnapshotCadence};
use domain::calendar::Calendar;
use domain::{Bar, Timeframe, UnixNanos};
use indicators::features::{BarFeatures, FeatureSet};

use common::spy;

use support::{sma_agent as agent, spy_week};

fn run(agent: &AgentConfig, bars: &[Bar], from: Option<UnixNanos>) -> BacktestResult {
    let mut engine = agent.engine(Calendar::Nyse).unwrap();
    if let Some(t) = from {
        engine = engine.trading_from(t);
    }
    let mut inputs = Inputs::new();
    inputs.bar_vec(spy(), Timeframe::parse("1m").unwrap(), bars.to_vec());
    engine.run(inputs).unwrap()
}

#[test]
fn the_engine_records_the_features_of_every_traded_bar() {
    let bars = spy_week();
    let a = agent("features: [rvol, vwap, ema20, hod, prev_close]\n");
    // Warm-up: the first day's bars only fill the features.
    let from = common::t("2013-10-07T13:30:00Z");
    let r = run(&a, &bars, Some(from));
    let frame = r.features.expect("features were asked for");
    let traded: Vec<&Bar> = bars.iter().filter(|b| b.ts >= from).collect();
    assert_eq!(frame.len(), traded.len());
    assert_eq!(
        frame.features.as_slice(),
        &[
            Feature::Vwap,
            Feature::Ema20,
            Feature::Rvol,
            Feature::Hod,
            Feature::PrevClose
        ],
        "in the set's fixed order"
    );
    // The same values as the pure features over every bar (warm-up included).
    let set = frame.features.clone();
    let mut pure = BarFeatures::new(set, Calendar::Nyse, Timeframe::parse("1m").unwrap());
    let mut row = 0;
    for b in &bars {
        let v = pure.update(b).to_vec();
        if b.ts >= from {
            assert_eq!(frame.ts[row], b.ts);
            assert_eq!(frame.row(row), v.as_slice(), "row {row}");
            row += 1;
        }
    }
    // prev_close is known from the first traded bar: the warm-up day gave it.
    assert!(frame.row(0)[4].is_some());
}

#[test]
fn a_run_without_features_has_none_and_the_same_json() {
    let bars = spy_week();
    let plain = run(&agent(""), &bars, None);
    assert!(plain.features.is_none());
    assert!(!plain.to_json().contains("\"features\""));
    let with = run(&agent("features: [vwap]\n"), &bars, None);
    assert_eq!(plain.fills, with.fills, "features alone change no decision");
}

#[test]
fn filters_gate_entries_and_only_entries() {
    let bars = spy_week();
    let free = run(&agent("features: [vwap, ema20_slope]\n"), &bars, None);
    let gated_agent =
        agent("features: [vwap, ema20_slope]\nfilters: [\"close > vwap\", \"ema20_slope > 0\"]\n");
    let gated = run(&gated_agent, &bars, None);
    let blocked = gated.strategy.as_ref().unwrap()["entries_filtered"]
        .as_u64()
        .unwrap();
    assert!(blocked > 0, "some entries were below the vwap");
    let buys = |r: &BacktestResult| {
        r.fills
            .iter()
            .filter(|f| f.action.as_str() == "buy")
            .count()
    };
    assert!(
        buys(&gated) < buys(&free),
        "{} vs {}",
        buys(&gated),
        buys(&free)
    );
    assert!(buys(&gated) > 0);
    // Every gated entry was decided at a bar whose close was above the vwap with a rising ema20:
    // the bar before its fill.
    let frame = gated.features.as_ref().unwrap();
    for f in gated.fills.iter().filter(|f| f.action.as_str() == "buy") {
        let r = frame.ts.iter().position(|t| *t == f.timestamp).unwrap() - 1;
        let close = bars
            .iter()
            .find(|b| b.ts == frame.ts[r])
            .unwrap()
            .close
            .to_f64();
        let (vwap, slope) = (frame.row(r)[0].unwrap(), frame.row(r)[1].unwrap());
        assert!(
            close > vwap && slope > 0.0,
            "entry decided at {}",
            frame.ts[r]
        );
    }
    // The stored snapshot reads back into the same agent.
    let back: AgentConfig = serde_json::from_value(gated_agent.to_json()).unwrap();
    assert_eq!(back, gated_agent);
}

#[test]
fn the_journal_names_the_feature_filter_that_blocked_an_entry() {
    let bars = spy_week();
    let a =
        agent("features: [vwap, ema20_slope]\nfilters: [\"close > vwap\", \"ema20_slope > 0\"]\n");
    let plain = run(&a, &bars, None);
    let mut inputs = Inputs::new();
    inputs.bar_vec(spy(), Timeframe::parse("1m").unwrap(), bars.to_vec());
    let cfg = JournalConfig {
        strategy: "sma_crossover".into(),
        snapshots: SnapshotCadence::Never,
    };
    let r = (a.engine(Calendar::Nyse).unwrap().with_journal(cfg))
        .run(inputs)
        .unwrap();
    assert_eq!(r.fills, plain.fills, "the journal changes no decision");
    let j = r.journal.unwrap().journal();
    let filtered = plain.strategy.as_ref().unwrap()["entries_filtered"]
        .as_u64()
        .unwrap();
    // Every dropped entry is a blocked signal: the crossover that wanted it, and the filter
    // that failed with its value.
    let blocked: Vec<_> = (j.signals.iter())
        .filter(|s| s.status == SignalStatus::Blocked)
        .collect();
    assert_eq!(blocked.len() as u64, filtered);
    for s in &blocked {
        assert_eq!(&*s.setup, "sma_crossover:cross_up", "{s:?}");
        assert!(
            s.filters_passed
                .iter()
                .any(|f| f.starts_with("fast sma crossed"))
        );
        assert!(
            (s.filters_blocked.iter()).any(|f| f.starts_with("filter close > vwap (close ")
                || f.starts_with("filter ema20_slope > 0 (ema20_slope ")),
            "{s:?}"
        );
    }
    // A promoted entry passed both filters, and says so.
    let promoted = (j.signals.iter())
        .filter(|s| s.status == SignalStatus::Promoted && s.setup.ends_with("cross_up"));
    let mut n = 0;
    for s in promoted {
        assert_eq!(s.filters_passed.len(), 3, "{s:?}");
        assert!(s.filters_blocked.is_empty());
        n += 1;
    }
    assert!(n > 0);
}

#[test]
fn unknown_features_and_filters_are_refused_at_their_line() {
    let base = "id: f\nsymbols: [SPY]\ntimeframe: 1m\ninitial_capital: 100000\nstrategy: { kind: buy_and_hold }\n";
    let err = |extra: &str| {
        AgentConfig::parse_file(std::path::Path::new("f.yaml"), &format!("{base}{extra}"))
            .unwrap_err()
            .to_string()
    };
    let e = err("features: [vwap, volume_profile]\n");
    assert!(e.starts_with("f.yaml:6: features[1]"), "{e}");
    assert!(e.contains("unknown feature \"volume_profile\""), "{e}");
    assert!(
        e.contains("cvd, obi"),
        "the known names include the tick features: {e}"
    );
    let e = err("features: [vwap, vwap]\n");
    assert!(e.contains("listed twice"), "{e}");
    let e = err("features: [vwap]\nfilters: [\"rvol > 1.5\"]\n");
    assert_eq!(
        e,
        "f.yaml:7: filters[0]: \"rvol > 1.5\" reads rvol, which is not in features: list it there"
    );
    let e = err("features: [vwap]\nfilters: [\"close >> vwap\"]\n");
    assert!(
        e.starts_with("f.yaml:7: filters[0]: unknown comparison"),
        "{e}"
    );
    let e = err("features: [vwap]\nfilters: [\"close>vwap\"]\n");
    assert!(e.contains("is not LEFT OP RIGHT"), "{e}");
}

#[test]
fn feature_sets_put_features_in_a_fixed_order() {
    let s = FeatureSet::new([Feature::Rvol, Feature::Vwap, Feature::Rvol]);
    assert_eq!(s.as_slice(), &[Feature::Vwap, Feature::Rvol]);
}
