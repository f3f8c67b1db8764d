//! The report model (issue 10) from a real SQLite store: its lines agree with the stored metrics,
//! the benchmark is drawn over the run's period, the price chart marks every fill and aggregates
//! when there are too many bars, and the edge runs (no trade, one day, metrics only) report
//! without a NaN.

mod common;

use app::report::{self, ReportRequest};
use app::time::Window;
use common::{agent, edge_runs, saved, store};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn the_lines_agree_with_the_stored_metrics_and_every_fill_is_marked() {
    let (_dir, mut s) = store();
    let a = agent("sma", "SPY", "{ kind: sma_crossover, fast: 3, slow: 9 }");
    let id = saved(&mut s, &a, Window::default());
    let stored = s.get_run(id).unwrap();
    let r = report::build(s.as_ref(), &ReportRequest::new(vec![id])).unwrap();
    let p = &r.runs[0];
    assert_eq!(p.header.agent_id, "sma");
    assert_eq!(p.header.benchmark.as_deref(), Some("QQQ"));
    assert_eq!(p.header.data_fingerprint, stored.data_fingerprint);
    assert_eq!(p.cumulative.len(), 2, "the run and its benchmark");
    let last = |l: &report::Line| l.points.last().unwrap()[1];
    assert!(close(
        last(&p.cumulative[0]),
        stored.metrics.total_return.unwrap()
    ));
    assert_eq!(last(&p.cumulative[1]), 0.0, "QQQ is flat");
    let deepest = p.underwater.points.iter().map(|q| q[1]).fold(0.0, f64::min);
    assert!(close(-deepest, stored.metrics.max_drawdown.unwrap().abs()));
    // The tearsheet figures (analytics, as quantstats defines them) are in the table.
    for name in [
        "probabilistic Sharpe",
        "Omega",
        "daily CVaR (95%)",
        "worst month",
    ] {
        assert!(p.metrics.iter().any(|m| m.name == name), "{name}");
    }
    let names: Vec<&str> = p.rolling.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Sharpe", "volatility", "beta"]);
    assert_eq!(
        p.rolling[0].source_points,
        399 - 125,
        "one per full 126-session window"
    );
    let counted: usize = p.distribution.iter().map(|b| b.count).sum();
    assert_eq!(counted, 399, "every daily return in a bin");
    assert!(!p.worst_drawdowns.is_empty() && p.worst_drawdowns.len() <= 5);
    assert!(close(
        -p.worst_drawdowns[0].depth,
        stored.metrics.max_drawdown.unwrap().abs()
    ));
    let c = p.candles.as_ref().unwrap();
    assert_eq!((c.candles.len(), c.timeframe.as_str()), (400, "1d"));
    assert_eq!(c.aggregated_from, None);
    assert!(!stored.trades.is_empty());
    assert_eq!(c.markers.len(), stored.trades.len());
    assert_eq!(
        p.trades.len(),
        stored.trades.iter().filter(|f| f.pnl.is_some()).count()
    );
    assert!(p.trades.iter().all(|t| t.symbol == "SPY"));

    // Too many bars for the budget: weekly candles, the same range, a note that says so.
    let mut req = ReportRequest::new(vec![id]);
    req.max_candles = 100;
    req.max_points = 50;
    let small = report::build(s.as_ref(), &req).unwrap();
    let p2 = &small.runs[0];
    let c2 = p2.candles.as_ref().unwrap();
    assert_eq!(c2.timeframe, "1w");
    assert_eq!(c2.aggregated_from.as_deref(), Some("1d"));
    assert!(c2.candles.len() <= 100 && c2.candles.len() >= 57);
    let hi = |cs: &[report::Candle]| cs.iter().map(|k| k.high).fold(f64::MIN, f64::max);
    assert_eq!(hi(&c2.candles), hi(&c.candles));
    assert!(
        p2.notes.iter().any(|n| n.contains("1w candles aggregated")),
        "{:?}",
        p2.notes
    );
    assert_eq!(p2.cumulative[0].points.len(), 50);
    assert_eq!(
        p2.cumulative[0].points.last(),
        p.cumulative[0].points.last()
    );
    assert!(p2.notes.iter().any(|n| n.contains("LTTB")));

    // --benchmark draws another symbol, and says that the table's alpha and beta are the run's.
    let mut other = ReportRequest::new(vec![id]);
    other.benchmark = Some(domain::Symbol::new("SPY").unwrap());
    let o = report::build(s.as_ref(), &other).unwrap();
    assert_eq!(o.runs[0].cumulative[1].name, "SPY");
    assert!(
        o.runs[0].notes.iter().any(|n| n.contains("against QQQ")),
        "{:?}",
        o.runs[0].notes
    );

    // Data is escaped on the page; the page names no other host.
    let html = render::html::report(&r, "t");
    assert!(
        !html.contains("<script>alert"),
        "a description is text, not a script"
    );
    assert!(html.contains("&lt;script&gt;alert"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(html.contains("default-src 'none'"));
}

#[test]
fn edge_runs_report_without_a_nan() {
    let (_dir, mut s) = store();
    let (flat, one) = edge_runs(&mut s);
    let r = report::build(s.as_ref(), &ReportRequest::new(vec![flat, one])).unwrap();
    let p = &r.runs[0];
    assert!(p.trades.is_empty());
    assert!(p.exposure.points.iter().all(|q| q[1] == 0.0));
    assert!(p.candles.as_ref().unwrap().markers.is_empty());
    assert_eq!(r.runs[1].candles.as_ref().unwrap().candles.len(), 1);
    let json = serde_json::to_string(&r).unwrap();
    let html = render::html::report(&r, "edges");
    // What the page shows: its markup without the script (which may say `isNaN`).
    let shown = match (html.find("<script>"), html.rfind("</script>")) {
        (Some(a), Some(b)) => format!("{}{}", &html[..a], &html[b..]),
        _ => html.clone(),
    };
    for text in [&json, &shown] {
        for bad in ["NaN", "Infinity", "inf%", ">inf", "-inf", "null%"] {
            assert!(!text.contains(bad), "{bad} in the output");
        }
    }
    assert!(report::build(s.as_ref(), &ReportRequest::new(vec![])).is_err());
    assert!(report::build(s.as_ref(), &ReportRequest::new(vec![999])).is_err());
}
