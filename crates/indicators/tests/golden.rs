//! Agreement with TA-Lib on 5,849 real SPY closes. The golden files are written by
//! `scripts/golden/talib_indicators.py` (PyPI `ta-lib`); CI has no Python, so they are committed.
//! Each row is `i,close,values…`, empty before TA-Lib's first value, so lookbacks are checked too.

use std::path::PathBuf;

use domain::Price;
use indicators::{Bollinger, Ema, Macd, Rsi, Sma};

const TOLERANCE: f64 = 1e-9;

struct Golden {
    name: String,
    closes: Vec<Price>,
    columns: Vec<String>,
    rows: Vec<Vec<Option<f64>>>,
}

fn load(name: &str) -> Golden {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/talib_{name}.csv"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let mut g = Golden {
        name: name.to_owned(),
        closes: Vec::new(),
        columns: header[2..].to_vec(),
        rows: Vec::new(),
    };
    for (n, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(
            f[0].parse::<usize>().unwrap(),
            n,
            "{}:{}",
            path.display(),
            n + 2
        );
        g.closes.push(Price::lit(f[1]));
        g.rows.push(
            f[2..]
                .iter()
                .map(|v| (!v.is_empty()).then(|| v.parse::<f64>().unwrap()))
                .collect(),
        );
    }
    assert!(g.rows.len() > 5000);
    g
}

/// Compares column `col` with `ours` bar by bar: same first index, values within TOLERANCE.
fn check(g: &Golden, col: usize, ours: &[Option<f64>]) -> f64 {
    let mut worst = 0.0f64;
    for (i, (want, got)) in g.rows.iter().map(|r| r[col]).zip(ours).enumerate() {
        match (want, got) {
            (None, None) => {}
            (Some(w), Some(o)) => {
                let d = (w - o).abs();
                worst = worst.max(d);
                assert!(
                    d <= TOLERANCE,
                    "{} {} row {i}: talib {w} ours {o} (diff {d:e})",
                    g.name,
                    g.columns[col]
                );
            }
            _ => panic!(
                "{} {} row {i}: talib {want:?} ours {got:?} (lookback differs)",
                g.name, g.columns[col]
            ),
        }
    }
    worst
}

fn series<T>(
    closes: &[Price],
    mut ind: T,
    mut f: impl FnMut(&mut T, Price) -> Option<f64>,
) -> Vec<Option<f64>> {
    closes.iter().map(|&c| f(&mut ind, c)).collect()
}

#[test]
fn sma_matches_talib() {
    let g = load("sma");
    for (col, n) in [(0, 10), (1, 30)] {
        let s = series(&g.closes, Sma::new(n).unwrap(), |s, p| {
            s.update(p);
            s.value()
        });
        eprintln!(
            "{} {}: worst {:e}",
            g.name,
            g.columns[col],
            check(&g, col, &s)
        );
    }
}

#[test]
fn ema_matches_talib() {
    let g = load("ema");
    for (col, n) in [(0, 10), (1, 30)] {
        let s = series(&g.closes, Ema::new(n).unwrap(), |e, p| e.update(p));
        eprintln!(
            "{} {}: worst {:e}",
            g.name,
            g.columns[col],
            check(&g, col, &s)
        );
    }
}

#[test]
fn rsi_matches_talib() {
    let g = load("rsi");
    for (col, n) in [(0, 14), (1, 2)] {
        let s = series(&g.closes, Rsi::new(n).unwrap(), |r, p| r.update(p));
        eprintln!(
            "{} {}: worst {:e}",
            g.name,
            g.columns[col],
            check(&g, col, &s)
        );
    }
}

#[test]
fn bollinger_matches_talib() {
    let g = load("bbands");
    let bands: Vec<_> = {
        let mut b = Bollinger::new(20, 2.0).unwrap();
        g.closes.iter().map(|&c| b.update(c)).collect()
    };
    let pick = |f: fn(&indicators::Bands) -> f64| {
        bands.iter().map(|b| b.as_ref().map(f)).collect::<Vec<_>>()
    };
    let worst = [
        check(&g, 0, &pick(|b| b.upper)),
        check(&g, 1, &pick(|b| b.middle)),
        check(&g, 2, &pick(|b| b.lower)),
    ];
    eprintln!("bollinger worst abs diff vs talib: {worst:?}");
}

#[test]
fn macd_matches_talib() {
    let g = load("macd");
    let vals: Vec<_> = {
        let mut m = Macd::new(12, 26, 9).unwrap();
        g.closes.iter().map(|&c| m.update(c)).collect()
    };
    check(
        &g,
        0,
        &vals.iter().map(|v| v.map(|v| v.macd)).collect::<Vec<_>>(),
    );
    check(
        &g,
        1,
        &vals.iter().map(|v| v.map(|v| v.signal)).collect::<Vec<_>>(),
    );
    check(
        &g,
        2,
        &vals
            .iter()
            .map(|v| v.map(|v| v.histogram))
            .collect::<Vec<_>>(),
    );
}
