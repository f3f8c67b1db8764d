//! Walk-forward analysis: optimise on an in-sample window, test the winner on the next
//! out-of-sample window, roll forward by the test length. Only out-of-sample results say
//! anything about the future; they are printed per window and compounded.

use domain::UnixNanos;
use domain::time::NANOS_PER_DAY;
use serde::Serialize;

use super::GlobalArgs;
use super::runner::{Preloaded, RunWindow};
use super::sweep::{Combo, RankBy, label, run_all};
use crate::output;

#[derive(Debug, Serialize)]
struct Window {
    in_sample: [String; 2],
    out_of_sample: [String; 2],
    best: serde_json::Map<String, serde_json::Value>,
    in_sample_score: Option<f64>,
    out_of_sample_score: Option<f64>,
    out_of_sample_return: Option<f64>,
}

pub fn walk_forward(
    pre: &Preloaded,
    combos: &[Combo],
    metric: RankBy,
    outer: RunWindow,
    train_days: i64,
    test_days: i64,
    g: &GlobalArgs,
) -> anyhow::Result<()> {
    let stamps = pre
        .bars
        .first()
        .map(|(_, _, b)| b.as_slice())
        .unwrap_or_default();
    let (Some(first), Some(last)) = (stamps.first(), stamps.last()) else {
        anyhow::bail!("no bars to walk forward over");
    };
    let (train, test) = (train_days * NANOS_PER_DAY, test_days * NANOS_PER_DAY);
    let mut windows = Vec::new();
    let mut t0 = first.ts.as_i64();
    let mut compounded = 1.0;
    while t0 + train < last.ts.as_i64() {
        let is = RunWindow {
            start: Some(UnixNanos::new(t0)),
            end: Some(UnixNanos::new(t0 + train)),
            capital: outer.capital,
        };
        let oos = RunWindow {
            start: is.end,
            // The last window ends with the data, so its dates say what was really tested.
            end: Some(UnixNanos::new(
                (t0 + train + test).min(last.ts.as_i64() + 1),
            )),
            capital: outer.capital,
        };
        let scored = run_all(pre, combos, is, "in-sample")?;
        let best = scored
            .iter()
            .enumerate()
            .max_by(|a, b| {
                let (x, y) = (metric.value(&a.1.metrics), metric.value(&b.1.metrics));
                x.unwrap_or(f64::NEG_INFINITY)
                    .total_cmp(&y.unwrap_or(f64::NEG_INFINITY))
                    .then(b.0.cmp(&a.0))
            })
            .map(|(i, o)| (i, metric.value(&o.metrics)));
        let Some((i, is_score)) = best else { break };
        let tested = run_all(pre, &combos[i..=i], oos, "out-of-sample")?.remove(0);
        let ret = tested.metrics.total_return;
        compounded *= 1.0 + ret.unwrap_or(0.0);
        let day = |w: &RunWindow| {
            w.start
                .map(|t| t.utc_date().to_string())
                .unwrap_or_default()
        };
        let end_day = |w: &RunWindow| {
            w.end
                .map(|t| UnixNanos::new(t.as_i64() - 1).utc_date().to_string())
                .unwrap_or_default()
        };
        windows.push(Window {
            in_sample: [day(&is), end_day(&is)],
            out_of_sample: [day(&oos), end_day(&oos)],
            best: label(&combos[i].0),
            in_sample_score: is_score,
            out_of_sample_score: metric.value(&tested.metrics),
            out_of_sample_return: ret,
        });
        t0 += test;
    }
    if windows.is_empty() {
        anyhow::bail!("the data span is shorter than one {train_days}-day training window");
    }
    if g.json {
        return output::json(
            &serde_json::json!({ "metric": metric, "windows": windows, "out_of_sample_return": compounded - 1.0 }),
        );
    }
    let f = |v: Option<f64>, pct: bool| {
        v.map_or("–".into(), |x| {
            if pct {
                format!("{:.2}%", x * 100.0)
            } else {
                format!("{x:.3}")
            }
        })
    };
    let rows = windows.iter().map(|w| {
        vec![
            format!("{} → {}", w.in_sample[0], w.in_sample[1]),
            format!("{} → {}", w.out_of_sample[0], w.out_of_sample[1]),
            serde_json::Value::Object(w.best.clone()).to_string(),
            f(w.in_sample_score, false),
            f(w.out_of_sample_score, false),
            f(w.out_of_sample_return, true),
        ]
    });
    println!(
        "{}",
        output::table(
            &[
                "in-sample",
                "out-of-sample",
                "best params",
                "IS score",
                "OOS score",
                "OOS return"
            ],
            rows
        )
    );
    println!(
        "compounded out-of-sample return: {:.2}% over {} windows",
        (compounded - 1.0) * 100.0,
        windows.len()
    );
    Ok(())
}
