//! Helpers for the golden-fills conformance test (tests/golden_fills.rs).
//!
//! - [`synth`]: the byte-exact port of scripts/peers/synth.py.
//! - [`load_bars`]: CSV text → bars, reading exactly the rows reference.py reads.
//! - [`Golden`]: one dataset's golden summary and fills from scripts/peers/golden.
//! - [`fills_csv`]: an engine run's fills in the golden file's format.
//! - [`sha256_hex`].

pub mod synth;

use std::path::PathBuf;

use backtest::{Action, BacktestResult};
use domain::{Bar, Money, Price, Quantity, UnixNanos};
use sha2::{Digest, Sha256};

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn shared_data() -> PathBuf {
    repo_root().join("../shared/data")
}

/// Bars from CSV text as reference.py reads it: the header names `open` and `close` (any case),
/// the first column is the time (a date = midnight UTC, or RFC 3339 with `Z` or an offset), and
/// every data row is a bar, pre- and after-market minutes included, so bar `i` is data row `i`.
/// High, low and volume are read by name too (the reference ignores them; the engine needs
/// them). Any unreadable field panics with `origin:line: field`.
/// LEAN's SPY one-minute trade bars of the week 2013-10-04 to 2013-10-11 (../shared/data).
pub fn spy_week() -> Vec<Bar> {
    let path = shared_data().join("intraday/lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv");
    load_bars("spy", &std::fs::read_to_string(path).unwrap())
}

/// A one-symbol SPY one-minute agent on sma_crossover 5/20, with `extra` YAML lines.
pub fn sma_agent(extra: &str) -> backtest::AgentConfig {
    backtest::AgentConfig::from_yaml(&format!(
        "id: f\nsymbols: [SPY]\ntimeframe: 1m\ninitial_capital: 100000\n\
         strategy: {{ kind: sma_crossover, fast: 5, slow: 20 }}\n{extra}"
    ))
    .unwrap()
}

pub fn load_bars(origin: &str, text: &str) -> Vec<Bar> {
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or_else(|| panic!("{origin}: empty file"))
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{origin}:1: no {name} column in {header:?}"))
    };
    let (o, h, l, c, v) = (
        col("open"),
        col("high"),
        col("low"),
        col("close"),
        col("volume"),
    );
    lines
        .enumerate()
        .map(|(k, row)| {
            let line = k + 2;
            let fields: Vec<&str> = row.split(',').collect();
            let field = |i: usize, name: &str| {
                *fields
                    .get(i)
                    .unwrap_or_else(|| panic!("{origin}:{line}: {name}: missing"))
            };
            let price = |i: usize, name: &str| {
                Price::parse(field(i, name).trim())
                    .unwrap_or_else(|e| panic!("{origin}:{line}: {name}: {e}"))
            };
            let ts = UnixNanos::parse_rfc3339(field(0, "time"))
                .unwrap_or_else(|e| panic!("{origin}:{line}: time: {e}"));
            let volume = Quantity::parse(field(v, "volume").trim())
                .unwrap_or_else(|e| panic!("{origin}:{line}: volume: {e}"));
            Bar::new(
                ts,
                price(o, "open"),
                price(h, "high"),
                price(l, "low"),
                price(c, "close"),
                volume,
                None,
                None,
            )
            .unwrap_or_else(|e| panic!("{origin}:{line}: {e}"))
        })
        .collect()
}

/// One dataset's golden files: `<name>.summary.json` and, when it was written, `<name>.fills.csv`.
pub struct Golden {
    pub bars: usize,
    pub input_sha256: String,
    pub fills: usize,
    pub fills_sha256: String,
    pub final_cash: Money,
    pub final_position: i64,
    pub final_equity: Money,
    pub exact_ties: u64,
    /// The fills CSV text; `None` when the reference skipped a file over 5 MB.
    pub fills_text: Option<String>,
}

impl Golden {
    pub fn read(name: &str) -> Self {
        let dir = repo_root().join("scripts/peers/golden");
        let path = dir.join(format!("{name}.summary.json"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let get = |field: &str| {
            json.get(field)
                .unwrap_or_else(|| panic!("{}: no {field}", path.display()))
        };
        let string = |field: &str| {
            get(field)
                .as_str()
                .unwrap_or_else(|| panic!("{}: {field}: not a string", path.display()))
                .to_owned()
        };
        let int = |field: &str| {
            get(field)
                .as_i64()
                .unwrap_or_else(|| panic!("{}: {field}: not an integer", path.display()))
        };
        let money = |field: &str| {
            Money::parse(&string(field))
                .unwrap_or_else(|e| panic!("{}: {field}: {e}", path.display()))
        };
        let fills_text = json.get("fills_file").and_then(|f| f.as_str()).map(|f| {
            let p = dir.join(f);
            std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        });
        Self {
            bars: int("bars") as usize,
            input_sha256: string("input_sha256"),
            fills: int("fills") as usize,
            fills_sha256: string("fills_sha256"),
            final_cash: money("final_cash"),
            final_position: int("final_position"),
            final_equity: money("final_equity"),
            exact_ties: int("exact_ties") as u64,
            fills_text,
        }
    }
}

/// The run's fills as `bar_index,timestamp,action,quantity,price` lines, the reference's format:
/// `bar_index` is the data row of the bar whose stamp the fill carries.
pub fn fills_csv(bars: &[Bar], result: &BacktestResult) -> String {
    let mut out = String::from("bar_index,timestamp,action,quantity,price\n");
    for (k, f) in result.fills.iter().enumerate() {
        let index = bars
            .binary_search_by_key(&f.timestamp, |b| b.ts)
            .unwrap_or_else(|_| panic!("fill {k} at {} is not a bar stamp", f.timestamp));
        let action = match f.action {
            Action::Buy => "BUY",
            Action::Sell => "SELL",
            other => panic!("fill {k}: a long-only run made a {} fill", other.as_str()),
        };
        out.push_str(&format!(
            "{index},{},{action},{},{}\n",
            f.timestamp.to_rfc3339(),
            f.quantity,
            f.price
        ));
    }
    out
}

/// Panics at the first line where `got` and `want` differ, showing both and the line before.
pub fn assert_same_lines(name: &str, got: &str, want: &str) {
    let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
    if let Some(i) = (0..g.len().max(w.len())).find(|&i| g.get(i) != w.get(i)) {
        let at = |v: &[&str], i: usize| v.get(i).copied().unwrap_or("<end of file>").to_owned();
        panic!(
            "{name}: fills differ first at line {} of {} (ztrade) / {} (golden)\n  \
             previous: {}\n  ztrade:   {}\n  golden:   {}",
            i + 1,
            g.len(),
            w.len(),
            if i > 0 { at(&w, i - 1) } else { "-".into() },
            at(&g, i),
            at(&w, i),
        );
    }
}
