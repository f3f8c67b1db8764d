//! What both golden tests share: where the golden files are, the input curve, and the one
//! tolerance `|got − want| ≤ 1e-9 · max(1, |want|)` (an expected `null` must be undefined here).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use domain::{Money, UnixNanos};
use serde_json::Value;

pub const TOL: f64 = 1e-9;

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// An input's `[[rfc3339, money], …]` equity curve.
pub fn curve(v: &Value) -> Vec<(UnixNanos, Money)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let t = UnixNanos::parse_rfc3339(p[0].as_str().unwrap()).unwrap();
            (t, Money::parse(p[1].as_str().unwrap()).unwrap())
        })
        .collect()
}

/// Compares `got` with `peer`'s expected JSON value (a number or null).
pub fn check(peer: &str, case: &str, what: &str, got: Option<f64>, want: &Value) {
    let got = got.filter(|x| x.is_finite());
    match (got, want.as_f64()) {
        (None, None) => {}
        (Some(g), Some(w)) => {
            let err = (g - w).abs();
            assert!(
                err <= TOL * w.abs().max(1.0),
                "{case}: {what}: got {g:e}, {peer} {w:e} (error {err:e})"
            );
        }
        (g, _) => panic!("{case}: {what}: got {g:?}, {peer} {want}"),
    }
}
