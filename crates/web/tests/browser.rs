//! The dashboard in headless Chromium (issue 10), served on 127.0.0.1 by `web::app` over the
//! test store: every page loads without a console error and asks nothing of another host, a
//! click on a run in the list opens its page with its charts, `/data` shows each series' last
//! quality check with its warnings, and with a token set a request
//! without it gets the token page, `?token=` lets the browser in. Screenshots go to
//! target/screenshots/dashboard-*.png.

mod support;

use serde_json::json;
use support::{fixture, state};
use testkit::browser::Browser;

const TOKEN: &str = "browser-test-token-0123456789";

/// Serves the dashboard on a free port of 127.0.0.1 on this test's runtime; its base URL.
async fn serve(token: Option<&str>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = web::app(state(token));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn clean(b: &Browser, page: &str) {
    assert_eq!(b.console_errors().await, Vec::<String>::new(), "{page}");
    assert_eq!(b.external_requests().await, Vec::<String>::new(), "{page}");
    let text = b.eval("document.body.innerText").await;
    let text = text.as_str().unwrap();
    assert!(
        !text.contains("NaN") && !text.contains("undefined"),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_loads_clean_and_a_run_opens_from_the_list() {
    let f = fixture();
    let base = serve(None).await;
    let b = Browser::start().await;

    b.open(&format!("{base}/runs")).await;
    clean(&b, "/runs").await;
    b.screenshot("dashboard-runs").await;
    b.click(&format!("a[href=\"/runs/{}\"]", f.run)).await;
    b.wait_for("svg.chart").await;
    assert_eq!(b.current_url().await, format!("{base}/runs/{}", f.run));
    clean(&b, "/runs/ID").await;
    let drawn = b
        .eval(&format!(
            "[...document.querySelectorAll('svg[data-chart=\"equity-{}\"] .series')].map(s => +s.dataset.points > 0)",
            f.run
        ))
        .await;
    assert!(
        !drawn.as_array().unwrap().is_empty()
            && drawn.as_array().unwrap().iter().all(|x| *x == json!(true))
    );
    // The `<script>` description is shown as text, not run.
    assert!(
        b.text("section.run")
            .await
            .contains("<script>alert('x')</script>")
    );
    b.screenshot("dashboard-run").await;

    for path in [
        format!("/compare?ids={},{}", f.run, f.other),
        format!("/sweeps/{}", f.sweep),
        format!("/sweeps/{}", f.walk),
        "/data".to_string(),
        "/collection".to_string(),
    ] {
        b.open(&format!("{base}{path}")).await;
        clean(&b, &path).await;
    }
    b.screenshot("dashboard-collection").await;
    b.open(&format!("{base}/data")).await;
    b.screenshot("dashboard-data").await;
    // The last `data validate` is shown with each series: SPY 5m's missing session, a gap.
    let gaps = b
        .eval("[...document.querySelectorAll('table.findings tr.warn')].map(r => r.cells[1].innerText)")
        .await;
    assert_eq!(gaps, json!(["gap"]));
    assert!(b.text("p.quality").await.contains("0 errors, 1 warning, "));
    // A day in the calendar opens that day's bars.
    let day = b
        .eval("document.querySelector('a[href^=\"/data/\"]').getAttribute('href')")
        .await;
    let day = day.as_str().unwrap().to_string();
    b.click(&format!("a[href=\"{day}\"]")).await;
    b.wait_for("table").await;
    assert_eq!(b.current_url().await, format!("{base}{day}"));
    clean(&b, &day).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_token_the_browser_needs_it() {
    let f = fixture();
    let base = serve(Some(TOKEN)).await;
    let b = Browser::start().await;
    b.open(&format!("{base}/runs")).await;
    let text = b.eval("document.body.innerText").await;
    assert!(text.as_str().unwrap().contains("needs a token"), "{text}");
    assert_eq!(
        b.eval("document.querySelectorAll('svg.chart, table').length")
            .await,
        json!(0)
    );
    b.screenshot("dashboard-token").await;
    // Once with ?token=, then the cookie carries it: a link works.
    b.open(&format!("{base}/runs?token={TOKEN}")).await;
    b.click(&format!("a[href=\"/runs/{}\"]", f.run)).await;
    b.wait_for("svg.chart").await;
    assert_eq!(b.current_url().await, format!("{base}/runs/{}", f.run));
    assert!(
        !b.eval("document.documentElement.outerHTML")
            .await
            .as_str()
            .unwrap()
            .contains(TOKEN)
    );
}
