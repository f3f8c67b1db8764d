//! Helpers of the paper-trading tests: a day of real SPY minute bars (../shared/data) as an
//! Alpaca-shaped server serves them, the collection config, an agent, and the session's record
//! read back from the store.

use domain::UnixNanos;
use domain::journal::{Journal, JournalFill};
use store::RecordedBar;
use testkit::Cli;
use testkit::alpaca_sim::{Row, Sim};

pub const DAY_FILE: &str = "intraday/lean_spy_1min_trade_2023-08-03.csv";
/// 09:30 and 16:00 New York (EDT) on 2023-08-03.
pub const OPEN: &str = "2023-08-03T13:30:00Z";
pub const CLOSE: &str = "2023-08-03T20:00:00Z";

pub const COLLECT: &str = r#"
symbols = ["SPY"]

[[jobs]]
kind = "bars"
provider = "alpaca"
lookback = "5m"
"#;

/// An SMA crossover on SPY minute bars that trades a few times a day.
pub fn agent(id: &str) -> String {
    testkit::agents::sma_crossover(id, "SPY", "1Min", 5, 20)
}

/// The day's regular-session bars as Alpaca's bars endpoint sends them: (ts, row JSON).
pub fn session_rows() -> Vec<Row> {
    let path = testkit::fixtures::shared_data().join(DAY_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    let (open, close) = (at(OPEN), at(CLOSE));
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let ts = UnixNanos::parse_rfc3339(f[0]).unwrap();
            (ts >= open && ts < close).then(|| Row {
                ts: ts.as_i64(),
                json: format!(
                    r#"{{"t":"{}","o":{},"h":{},"l":{},"c":{},"v":{},"n":1,"vw":{}}}"#,
                    ts.to_rfc3339(),
                    f[1],
                    f[2],
                    f[3],
                    f[4],
                    f[5],
                    f[4]
                ),
                symbols: vec![],
            })
        })
        .collect()
}

/// The server holding the day, and its environment for the binary.
pub fn server() -> (Vec<(&'static str, String)>, std::sync::Arc<Sim>) {
    let (url, sim) = Sim::new()
        .rows("bars", "SPY", session_rows())
        .start_thread();
    let env = vec![
        ("ZTRADE_ALPACA_DATA_URL", url),
        ("APCA_API_KEY_ID", "PKTESTKEY".into()),
        ("APCA_API_SECRET_KEY", "test-secret".into()),
    ];
    (env, sim)
}

pub fn at(t: &str) -> UnixNanos {
    UnixNanos::parse_rfc3339(t).unwrap()
}

/// Session `name`'s inputs and journal as stored.
pub fn record(db: &Cli, name: &str) -> (Vec<RecordedBar>, Journal) {
    let store = store::open_ready(&db.url).unwrap();
    (
        store.inputs(name).unwrap(),
        store.session_journal(name).unwrap(),
    )
}

/// A fill as both a backtest and a session record it.
pub fn fill_key(f: &JournalFill) -> (i64, String, String, String) {
    (
        f.ts.as_i64(),
        f.action.as_str().to_string(),
        f.quantity.to_string(),
        f.price.to_string(),
    )
}
