//! The journal's rows are pinned: two runs with shorts, brackets, a daily-loss halt and two
//! snapshot cadences give exactly the rows (as JSON) that the journal wrote before its compact
//! tape (`85ed006`, where these digests were taken). A change to what a journal records shows
//! here; update the digests only for a change meant to alter the rows.

mod common;

use backtest::{AgentConfig, Inputs, JournalConfig, SnapshotCadence};
use common::seeded_walk;
use domain::calendar::Calendar;
use domain::{Symbol, Timeframe};

/// An FNV-1a-style digest of the text (the basis the digests were taken with).
fn fnv(text: &str) -> u64 {
    (text.bytes()).fold(1_469_598_103_934_665_603, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn the_journal_rows_are_those_of_the_journal_before_the_tape() {
    let cases = [
        (
            "fast: 5, slow: 20",
            SnapshotCadence::EveryMinutes(15),
            (4_400_751, 2_477_435_757_450_502_950),
            [2604, 3903, 11709, 4184, 2092, 509],
        ),
        (
            "fast: 10, slow: 30",
            SnapshotCadence::SessionClose,
            (2_481_230, 5_296_814_248_303_112_987),
            [1587, 2272, 6816, 2336, 1168, 419],
        ),
    ];
    for (sma, cadence, (len, digest), counts) in cases {
        let agent = AgentConfig::from_yaml(&format!(
            "id: x\nsymbols: [SPY, QQQ]\ntimeframe: 1m\ninitial_capital: 100000\n\
             strategy: {{ kind: sma_crossover, {sma} }}\nallow_short: true\n\
             risk: {{ stop_loss_pct: 0.2, take_profit_pct: 0.3, max_daily_loss_pct: 1 }}\n\
             sizing: {{ kind: percent_equity, pct: 40 }}\n"
        ))
        .unwrap();
        let mut inputs: Inputs<'_, std::convert::Infallible> = Inputs::new();
        for (name, seed) in [("SPY", 42), ("QQQ", 7)] {
            inputs.bar_vec(Symbol::lit(name), Timeframe::M1, seeded_walk(20_000, seed));
        }
        let cfg = JournalConfig {
            strategy: "sma_crossover".into(),
            snapshots: cadence,
        };
        let r = (agent.engine(Calendar::Nyse).unwrap().with_journal(cfg))
            .run(inputs)
            .unwrap();
        let j = r.journal.unwrap().journal();
        let got = [
            j.signals.len(),
            j.orders.len(),
            j.order_events.len(),
            j.fills.len(),
            j.ledger.len(),
            j.vetoes.len(),
        ];
        assert_eq!(got, counts, "signals, orders, events, fills, trips, vetoes");
        let json = serde_json::to_string(&j).unwrap();
        assert_eq!((json.len(), fnv(&json)), (len, digest), "{sma}");
    }
}
