//! Every page and API route through `web::app(state).oneshot`, no socket, over a real SQLite
//! store: status, content type, the piece of content each is for, the same JSON shapes as the
//! CLI's `--json`, escaping of data, 404s, 405s and the security headers.

mod support;

use axum::http::{Method, StatusCode, header};
use serde_json::Value;
use support::{MISSING_DAY, PARTIAL_DAY, QUOTE_DAY, XSS, fixture, get, request, send_to, state};

fn html_ok(r: &support::Reply, what: &str) {
    assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
    assert_eq!(r.content_type(), "text/html; charset=utf-8", "{what}");
    let csp = r
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.starts_with(web::page::CSP), "{what}: {csp}");
    assert!(
        r.body.contains(web::page::CSP),
        "{what}: the page carries the policy too"
    );
    assert!(
        !r.body.contains("http://") && !r.body.contains("https://"),
        "{what}: nothing from elsewhere"
    );
    assert!(
        !r.body.contains(&fixture().path),
        "{what}: the store's location is not shown"
    );
}

#[tokio::test]
async fn the_runs_page_lists_runs_and_sweeps_with_links() {
    let f = fixture();
    for uri in ["/", "/runs"] {
        let r = get(uri).await;
        html_ok(&r, uri);
        assert!(
            r.body.contains(&format!("href=\"/runs/{}\"", f.run)),
            "{uri}"
        );
        assert!(r.body.contains(&format!("href=\"/runs/{}\"", f.other)));
        assert!(r.body.contains(&format!("href=\"/sweeps/{}\"", f.sweep)));
        assert!(r.body.contains(&format!("href=\"/sweeps/{}\"", f.walk)));
        assert!(r.body.contains("action=\"/compare\""));
    }
}

#[tokio::test]
async fn the_runs_api_is_backtest_list_filtered_and_sorted() {
    let f = fixture();
    let reply = get("/api/runs").await;
    let s = store::open_ready(&f.url).unwrap();
    let cli =
        serde_json::to_string(&app::views::listing(s.as_ref(), 1_000, None).unwrap()).unwrap();
    assert!(
        reply.body == cli,
        "the same entries as `backtest list --json`"
    );
    let all = reply.json();
    let kinds: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "run").count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == "sweep").count(), 2);

    let ids = |v: Value| -> Vec<i64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(get("/api/runs?agent=hold").await.json()), [f.other]);
    let by_id = ids(
        get("/api/runs?sort=id&dir=asc&from=2024-03-01&to=2024-04-30")
            .await
            .json(),
    );
    assert_eq!(
        by_id,
        [f.run.min(f.other), f.run.max(f.other)],
        "a period leaves the sweeps out"
    );
    assert!(
        ids(get("/api/runs?from=2024-04-01").await.json()).is_empty(),
        "no run starts in April"
    );
    assert!(ids(get("/api/runs?metric=sharpe&min=1000").await.json()).is_empty());
    let dd = ids(get("/api/runs?metric=max-drawdown&min=-1&sort=drawdown")
        .await
        .json());
    assert_eq!(dd.len(), 2);
    assert_eq!(
        ids(get("/api/runs?limit=1&sort=id&dir=desc").await.json()).len(),
        1
    );
    for bad in [
        "/api/runs?metric=sortino&min=1",
        "/api/runs?sort=colour",
        "/api/runs?from=yesterday",
        "/api/runs?limit=0",
    ] {
        let r = get(bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.json()["error"].is_string(), "{bad}");
    }
    let page = get("/runs?agent=hold&sort=return").await;
    html_ok(&page, "filtered page");
    assert!(!page.body.contains(&format!("href=\"/runs/{}\"", f.run)));
    assert!(
        page.body.contains("sort=return&amp;dir=asc"),
        "the sorted column sorts the other way next"
    );
}

#[tokio::test]
async fn the_run_page_is_the_report_panel_with_its_script() {
    let f = fixture();
    let r = get(&format!("/runs/{}", f.run)).await;
    html_ok(&r, "run page");
    assert!(r.body.contains(&format!("Run #{} · xss", f.run)));
    assert!(r.body.contains("data-chart=\"equity-"), "the equity chart");
    assert!(r.body.contains("class=\"trades paged\""), "the round trips");
    assert!(
        r.body.contains("getScreenCTM"),
        "the shared hover and zoom script"
    );
    let api = get(&format!("/api/runs/{}", f.run)).await;
    let s = store::open_ready(&f.url).unwrap();
    let report =
        app::report::build(s.as_ref(), &app::report::ReportRequest::new(vec![f.run])).unwrap();
    let cli = serde_json::to_string(&report.runs[0]).unwrap();
    assert!(api.body == cli, "the panel of `ztrade report ID --json`");
}

#[tokio::test]
async fn data_is_escaped_where_it_is_shown() {
    let f = fixture();
    let r = get(&format!("/runs/{}", f.run)).await;
    assert!(!r.body.contains(XSS), "the description comes out escaped");
    assert!(r.body.contains("&lt;script&gt;alert("), "and is shown");
    let c = get("/collection").await;
    assert!(!c.body.contains(XSS));
    assert!(c.body.contains("&lt;script&gt;alert(") && c.body.contains("provider said 500"));
    let listing = get("/runs").await;
    assert!(!listing.body.contains("<script>alert"));
    // JSON carries the text as it is, under a type no browser runs.
    let api = get(&format!("/api/runs/{}", f.run)).await;
    assert_eq!(api.json()["header"]["description"], XSS);
    assert_eq!(
        api.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff"
    );
}

#[tokio::test]
async fn compare_overlays_the_runs() {
    let f = fixture();
    let uri = format!("/compare?ids={},{}", f.run, f.other);
    let r = get(&uri).await;
    html_ok(&r, "compare");
    assert!(r.body.contains("Runs compared") && r.body.contains("data-chart=\"compare-equity\""));
    assert_eq!(r.body.matches("<section class=\"run\"").count(), 2);
    // Ticked boxes arrive as ids=1&ids=2.
    let ticked = get(&format!("/compare?ids={}&ids={}", f.run, f.other)).await;
    assert_eq!(ticked.status, StatusCode::OK);
    let api = get(&format!("/api/compare?ids={},{}", f.run, f.other))
        .await
        .json();
    assert_eq!(api["runs"].as_array().unwrap().len(), 2);
    assert_eq!(api["runs"][1]["header"]["id"], f.other);
    assert_eq!(get("/compare").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        get("/api/compare?ids=1,x").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get("/api/compare?ids=999999").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_sweep_is_a_heatmap_over_its_grid_and_its_ranking() {
    let f = fixture();
    let r = get(&format!("/sweeps/{}", f.sweep)).await;
    html_ok(&r, "sweep");
    assert!(r.body.contains("class=\"heat\""), "{}", r.body);
    assert!(r.body.contains("slow ╲ fast"), "fast across, slow down");
    for slow in [8, 9, 10] {
        assert!(
            r.body.contains(&format!("<tr><th>{slow}</th>")),
            "a row per slow value"
        );
    }
    let reply = get(&format!("/api/sweeps/{}", f.sweep)).await;
    let s = store::open_ready(&f.url).unwrap();
    let cli = serde_json::to_string(&s.get_sweep(f.sweep).unwrap()).unwrap();
    assert!(
        reply.body == cli,
        "the sweep as `backtest sweeps ID --json`"
    );
    let api = reply.json();
    assert_eq!(api["report"]["runs"].as_array().unwrap().len(), 9);
    // A kept run links from its cell.
    let kept = api["report"]["runs"][0]["run_id"].as_i64().unwrap();
    assert!(r.body.contains(&format!("href=\"/runs/{kept}\"")));
    let by_return = get(&format!("/sweeps/{}?metric=total-return", f.sweep)).await;
    assert!(by_return.body.contains("total-return over the grid"));
    assert!(by_return.body.contains('%'));
    assert_eq!(
        get(&format!("/sweeps/{}?metric=luck", f.sweep))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_walk_forward_shows_its_windows() {
    let f = fixture();
    let r = get(&format!("/sweeps/{}", f.walk)).await;
    html_ok(&r, "walk-forward");
    assert!(r.body.contains("Windows won over the grid") && r.body.contains("class=\"heat\""));
    assert!(r.body.contains("data-table=\"windows\""));
    assert!(r.body.contains("data-chart=\"walk-curve\""));
    let api = get(&format!("/api/sweeps/{}", f.walk)).await.json();
    let windows = api["report"]["windows"].as_array().unwrap().len();
    assert!(windows >= 2, "{windows}");
    assert_eq!(r.body.matches(" → ").count(), 2 * windows);
}

#[tokio::test]
async fn the_data_calendar_marks_complete_partial_and_missing_sessions() {
    let r = get("/data").await;
    html_ok(&r, "data");
    assert!(r.body.contains("SPY 5m"));
    for (day, class) in [
        (PARTIAL_DAY, "partial"),
        (MISSING_DAY, "missing"),
        ("2024-03-11", "complete"),
    ] {
        let link = format!("<a class=\"{class}\" href=\"/data/SPY/5m/{day}\"");
        assert!(r.body.contains(&link), "{link}");
    }
    assert!(
        r.body.contains("title=\"2024-03-29: no session\""),
        "Good Friday"
    );
    let api = get("/api/data").await.json();
    let series = &api[0];
    assert_eq!(series["symbol"], "SPY");
    // Half of 2024-03-12 (39 slots) and all of 2024-03-13 (78).
    assert_eq!(series["missing"], 39 + 78);
    let f = fixture();
    let s = store::open_ready(&f.url).unwrap();
    let status = serde_json::to_value(app::data::status::status(s.as_ref()).unwrap()).unwrap();
    for (k, v) in status[0].as_object().unwrap() {
        assert_eq!(&series[k], v, "{k}: as `data status --json`");
    }
    let days = series["days"].as_array().unwrap();
    let day = |d: &str| days.iter().find(|x| x["date"] == d).unwrap().clone();
    assert_eq!(day(PARTIAL_DAY)["state"], "partial");
    assert_eq!(day(PARTIAL_DAY)["filled"], 39);
    assert_eq!(day(MISSING_DAY)["state"], "missing");
    assert_eq!(
        get("/api/data?symbol=QQQ").await.json(),
        serde_json::json!([])
    );
    // Each series lists its last year by default, any year or all of them on request.
    assert_eq!(series["year"], 2024);
    assert_eq!(series["years"][0]["year"], 2024);
    assert_eq!(
        series["years"][0]["filled"],
        series["years"][0]["expected"].as_u64().unwrap() - 117
    );
    let all = get("/api/data?symbol=SPY&timeframe=5m&year=all")
        .await
        .json();
    assert_eq!(
        (&all[0]["year"], &all[0]["days"]),
        (&serde_json::Value::Null, &series["days"])
    );
    let none = get("/api/data?symbol=SPY&timeframe=5m&year=2023")
        .await
        .json();
    assert_eq!(none[0]["days"], serde_json::json!([]));
    assert_eq!(
        none[0]["missing"], 117,
        "the row is the whole series' either way"
    );
    let bad = get("/api/data?year=next").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("year"), "{}", bad.body);
    // Quote bars are a series too, as `data status` lists them.
    let quotes = api
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "quotes")
        .expect("the quote series");
    assert_eq!(
        (&quotes["timeframe"], &quotes["missing"]),
        (&"1m".into(), &10.into())
    );
    let row = status
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "quotes")
        .unwrap();
    for (k, v) in row.as_object().unwrap() {
        assert_eq!(&quotes[k], v, "{k}: as `data status --json`");
    }
    // The last `data validate`: the missing session is a gap, listed with the series; the
    // partial one is info, counted but not listed.
    let gaps: Vec<&serde_json::Value> = series["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "gap")
        .collect();
    assert_eq!(gaps.len(), 1, "{}", series["findings"]);
    assert_eq!(gaps[0]["observed"]["first_session"], MISSING_DAY);
    assert!(
        series["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "info")
    );
    assert_eq!(series["quality"]["checked_at"], "2024-04-30T15:30:00Z");
    assert!(
        series["quality"]["infos"].as_u64().unwrap() >= 2,
        "{}",
        series["quality"]
    );
    let page = get("/data").await;
    assert!(page.body.contains("quality, checked 2024-04-30T15:30:00Z"));
    assert!(
        page.body
            .contains(&format!("the session of {MISSING_DAY} has no bar"))
    );
    assert!(page.body.contains("SPY 1m quotes"));
    assert!(
        page.body
            .contains(&format!("href=\"/data/quotes/SPY/1m/{QUOTE_DAY}\""))
    );
}

#[tokio::test]
async fn a_day_of_quote_bars_lists_them_and_the_slots_without_one() {
    let r = get(&format!("/data/quotes/SPY/1m/{QUOTE_DAY}")).await;
    html_ok(&r, "quote day");
    assert!(r.body.contains("380 quote bars stored"), "{}", r.body);
    assert!(r.body.contains("380 of 390 expected slots filled"));
    assert!(
        r.body.contains("15:00:00, 15:01:00"),
        "the empty slots, New York time"
    );
    assert!(r.body.contains("data-table=\"quotes\""));
    let api = get(&format!("/api/data/quotes/SPY/1m/{QUOTE_DAY}"))
        .await
        .json();
    assert_eq!(api["quotes"].as_array().unwrap().len(), 380);
    assert_eq!(api["missing"].as_array().unwrap().len(), 10);
    assert_eq!(api["missing"][0], format!("{QUOTE_DAY}T19:00:00Z"));
    assert_eq!(
        get(&format!("/data/quotes/QQQ/1m/{QUOTE_DAY}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_day_lists_its_bars_and_the_slots_without_one() {
    let r = get(&format!("/data/SPY/5m/{PARTIAL_DAY}")).await;
    html_ok(&r, "day");
    assert!(r.body.contains("39 bars stored") && r.body.contains("39 of 78 expected slots filled"));
    assert!(
        r.body.contains("12:45:00, 12:50:00"),
        "the missing slots, New York time"
    );
    assert!(r.body.contains("data-table=\"bars\""));
    let missing = get(&format!("/api/data/SPY/5m/{MISSING_DAY}")).await.json();
    assert_eq!(missing["expected"], 78);
    assert_eq!(missing["missing"].as_array().unwrap().len(), 78);
    assert!(missing["bars"].as_array().unwrap().is_empty());
    let whole = get("/api/data/spy/5m/2024-03-11").await.json();
    assert_eq!(whole["bars"].as_array().unwrap().len(), 78);
    assert!(whole["missing"].as_array().unwrap().is_empty());
    assert_eq!(
        get("/data/QQQ/5m/2024-03-11").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get("/data/SPY/5m/2024-13-01").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get("/api/data/SPY/fortnight/2024-03-11").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn collection_health_refreshes_itself() {
    let r = get("/collection").await;
    html_ok(&r, "collection");
    assert!(
        r.body
            .contains("<meta http-equiv=\"refresh\" content=\"30\">")
    );
    assert!(r.body.contains("bars-alpaca") && r.body.contains("news-alpaca"));
    assert!(r.body.contains("Recent failures"));
    assert!(
        r.body.contains("serve --redis URL"),
        "says the queue is not shown"
    );
    let api = get("/api/collection").await.json();
    let f = fixture();
    let s = store::open_ready(&f.url).unwrap();
    let now = support::t("2024-04-30T16:00:00Z");
    let cli = collector::health::job_health(s.as_ref(), None, now).unwrap();
    let cli: Value = serde_json::from_str(&serde_json::to_string(&cli).unwrap()).unwrap();
    assert_eq!(api["jobs"], cli, "`collect status --json`");
    assert_eq!(api["recent_failures"].as_array().unwrap().len(), 1);
    assert_eq!(api["recent_failures"][0]["job"], "news-alpaca");
    assert!(api["queue"].is_null());
}

#[tokio::test]
async fn a_missing_run_or_sweep_is_404() {
    let r = get("/runs/999999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.content_type(), "text/html; charset=utf-8");
    let api = get("/api/runs/999999").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.json()["error"].as_str().unwrap().contains("999999"));
    assert_eq!(get("/sweeps/999999").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get("/api/sweeps/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get("/nowhere").await.status, StatusCode::NOT_FOUND);
    let api = get("/api/nowhere").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.json()["error"].is_string());
    assert_eq!(get("/runs/abc").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn only_get_and_head_are_answered() {
    let f = fixture();
    for (method, uri) in [
        (Method::POST, "/runs".to_string()),
        (Method::POST, "/api/runs".into()),
        (Method::DELETE, format!("/runs/{}", f.run)),
        (Method::PUT, "/api/collection".into()),
        (Method::PATCH, "/data".into()),
        (Method::POST, "/nowhere".into()),
    ] {
        let r = send_to(state(None), request(method.clone(), &uri)).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        let allow = r.headers.get(header::ALLOW).unwrap().to_str().unwrap();
        assert!(allow.contains("GET") && !allow.contains("POST"), "{allow}");
    }
    let head = send_to(state(None), request(Method::HEAD, "/runs")).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
}

#[tokio::test]
async fn a_store_that_is_not_migrated_is_503_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("none.db").display());
    let config = web::Config::new(url, "127.0.0.1:0".parse().unwrap(), None, None).unwrap();
    let state = web::AppState::new(&config, collector::runtime::Clock::System);
    assert!(state.check_ready().is_err());
    let r = send_to(state, request(Method::GET, "/api/runs")).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        r.json()["error"].as_str().unwrap().contains("migrate"),
        "{}",
        r.body
    );
}
