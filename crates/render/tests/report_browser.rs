//! The report file in headless Chromium (issue 10): no console error, no request of any kind
//! beyond the file itself, every chart drawn with the model's series and points, the trade list
//! paged and sorted over all its rows, hover read-outs, and the edge runs without a NaN on the
//! page. Screenshots go to target/screenshots/.

mod common;

use app::report::{self, ReportRequest};
use app::time::Window;
use common::{agent, edge_runs, saved, store};
use serde_json::json;
use testkit::browser::{Browser, file_url};

/// `[name, points]` of each series of chart `chart`, as drawn.
async fn series(b: &Browser, chart: String) -> serde_json::Value {
    b.eval(&format!(
        "[...document.querySelectorAll('svg[data-chart=\"{chart}\"] .series')].map(s => [s.dataset.series, +s.dataset.points])"
    ))
    .await
}

/// The P&L cells of the trade rows shown.
async fn shown(b: &Browser, table: String) -> serde_json::Value {
    b.eval(&format!(
        "[...document.querySelectorAll('{table} tbody tr')].map(r => r.cells[8].textContent)"
    ))
    .await
}

#[tokio::test]
async fn the_report_draws_every_chart_offline() {
    let (dir, mut s) = store();
    let sma = saved(
        &mut s,
        &agent("sma", "SPY", "{ kind: sma_crossover, fast: 3, slow: 9 }"),
        Window::default(),
    );
    let r = report::build(s.as_ref(), &ReportRequest::new(vec![sma])).unwrap();
    let p = &r.runs[0];
    let path = dir.path().join("report.html");
    std::fs::write(&path, render::html::report(&r, "browser test")).unwrap();
    let url = file_url(&path);

    let b = Browser::start().await;
    b.open(&url).await;
    assert_eq!(b.console_errors().await, Vec::<String>::new());
    let requested = b.requests().await;
    assert!(
        requested.iter().all(|u| *u == url),
        "the report asked for more than itself: {requested:?}"
    );
    assert_eq!(b.external_requests().await, Vec::<String>::new());

    // Each chart: its series, each with the model's number of points.
    let id = p.header.id;
    let lines = |ls: &[&report::Line]| {
        json!(
            ls.iter()
                .map(|l| json!([l.name, l.points.len()]))
                .collect::<Vec<_>>()
        )
    };
    let cumulative: Vec<_> = p.cumulative.iter().collect();
    assert_eq!(cumulative.len(), 2);
    assert_eq!(series(&b, format!("equity-{id}")).await, lines(&cumulative));
    assert_eq!(
        series(&b, format!("equity-log-{id}")).await,
        lines(&cumulative)
    );
    assert_eq!(
        series(&b, format!("underwater-{id}")).await,
        lines(&[&p.underwater])
    );
    assert_eq!(
        series(&b, format!("exposure-{id}")).await,
        lines(&[&p.exposure])
    );
    for (i, l) in p.rolling.iter().enumerate() {
        // Beta against a flat QQQ is undefined everywhere: said, not drawn.
        let want = if l.points.is_empty() {
            json!([])
        } else {
            lines(&[l])
        };
        assert_eq!(series(&b, format!("rolling-{i}-{id}")).await, want);
    }
    assert_eq!(p.rolling[2].name, "beta");
    assert!(p.rolling[2].points.is_empty() && !p.rolling[0].points.is_empty());
    assert_eq!(
        series(&b, format!("distribution-{id}")).await,
        json!([["daily returns", p.distribution.len()]])
    );
    assert_eq!(
        series(&b, format!("yearly-{id}")).await,
        json!([["yearly", p.monthly.len()]])
    );
    assert_eq!(
        series(&b, format!("pnl-{id}")).await,
        json!([["P&L", p.trades.len()]])
    );
    let c = p.candles.as_ref().unwrap();
    assert_eq!(
        series(&b, format!("price-{id}")).await,
        json!([["SPY", c.candles.len()], ["fills", c.markers.len()]])
    );
    // Each fill is a marker whose hover text is the fill and its reason.
    let titles = b
        .eval(&format!(
            "[...document.querySelectorAll('svg[data-chart=\"price-{id}\"] path.marker title')].map(t => t.textContent)"
        ))
        .await;
    let want: Vec<&str> = c.markers.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(titles, json!(want));
    assert_eq!(
        b.eval(&format!("document.querySelectorAll('table[data-chart=\"monthly-{id}\"] td.cell:not(.total)').length")).await,
        json!(p.monthly.iter().map(|y| y.months.iter().flatten().count()).sum::<usize>())
    );

    // The trade list: every round trip behind a pager, sorted over all of them.
    let table = format!("table[data-table=\"trades-{id}\"]");
    let first = shown(&b, table.clone()).await;
    assert_eq!(first.as_array().unwrap().len(), p.trades.len().min(200));
    b.click(&format!("{table} th:nth-child(9)")).await;
    let worst = p.trades.iter().map(|t| t.pnl).min().unwrap();
    assert_eq!(
        shown(&b, table.clone()).await[0],
        json!(app::views::fmt::money(worst))
    );

    // Hover on the equity chart reads the values back.
    let tip = b
        .eval(&format!(
            "(() => {{ const s = document.querySelector('svg[data-chart=\"equity-{id}\"]'); const r = s.getBoundingClientRect();
              s.dispatchEvent(new MouseEvent('mousemove', {{clientX: r.left + r.width * 0.6, clientY: r.top + r.height / 2, bubbles: true}}));
              const t = document.getElementById('tip'); return [t.hidden, t.textContent]; }})()"
        ))
        .await;
    assert_eq!(tip[0], json!(false));
    let text = tip[1].as_str().unwrap();
    assert!(
        text.contains("2023-") && text.contains("sma: ") && text.contains("QQQ: "),
        "{text}"
    );
    let shot = b.screenshot("report").await;
    assert!(std::fs::metadata(shot).unwrap().len() > 10_000);
}

#[tokio::test]
async fn edge_runs_render_without_an_error_or_a_nan() {
    let (dir, mut s) = store();
    let (flat, one) = edge_runs(&mut s);
    let r = report::build(s.as_ref(), &ReportRequest::new(vec![flat, one])).unwrap();
    let path = dir.path().join("edges.html");
    std::fs::write(&path, render::html::report(&r, "edges")).unwrap();
    let b = Browser::start().await;
    b.open(&file_url(&path)).await;
    assert_eq!(b.console_errors().await, Vec::<String>::new());
    assert_eq!(b.external_requests().await, Vec::<String>::new());
    let text = b.eval("document.body.innerText").await;
    let text = text.as_str().unwrap();
    for bad in ["NaN", "Infinity", "undefined"] {
        assert!(!text.contains(bad), "{bad} on the page");
    }
    assert!(text.contains("no round trip closed"));
    // Escaped, not run: the description is text.
    assert!(text.contains("<script>alert('flat')</script>"));
    assert_eq!(b.eval("typeof window.alerted").await, json!("undefined"));
    b.screenshot("report-edges").await;
}
