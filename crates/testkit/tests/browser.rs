//! The browser harness on pages of its own: a `file://` page per case in a temp folder, and an
//! `http://127.0.0.1` pair of pages from an axum server on the test's runtime.

use std::path::PathBuf;

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use serde_json::json;
use testkit::browser::{Browser, VIEWPORT, file_url, is_local, screenshot_dir};

/// Writes `body` as an HTML page in a fresh temp folder; returns the folder (kept alive by the
/// caller) and the page's `file://` URL.
fn page(body: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("page.html");
    std::fs::write(
        &path,
        format!("<!doctype html><html><head><meta charset=utf-8><title>t</title></head><body>{body}</body></html>"),
    )
    .unwrap();
    let url = file_url(&path);
    (dir, url)
}

const SVG: &str = r##"<svg id=chart width=300 height=120 xmlns="http://www.w3.org/2000/svg">
  <rect width=300 height=120 fill="#f4f4f4"/>
  <circle cx=30 cy=60 r=12 fill="steelblue"/><circle cx=90 cy=40 r=12 fill="steelblue"/>
  <circle cx=150 cy=80 r=12 fill="steelblue"/><circle cx=210 cy=30 r=12 fill="steelblue"/>
  <circle cx=270 cy=70 r=12 fill="tomato"/>
</svg>
<p id=status>static</p>
<script>document.getElementById('status').textContent = 'ran ' + (1 + 2);</script>"##;

#[tokio::test]
async fn clean_page_svg_screenshot() {
    let (_dir, url) = page(SVG);
    let b = Browser::start().await;
    b.open(&url).await;
    assert_eq!(b.current_url().await, url);

    // (a) the inline SVG's circles, counted in the page
    assert_eq!(
        b.eval("document.querySelectorAll('#chart circle').length")
            .await,
        json!(5)
    );
    assert_eq!(
        b.eval("[...document.querySelectorAll('circle')].map(c => c.getAttribute('fill')).filter(f => f === 'tomato')")
            .await,
        json!(["tomato"])
    );
    assert_eq!(b.eval("Promise.resolve(40 + 2)").await, json!(42));
    assert_eq!(
        b.eval("[innerWidth, innerHeight]").await,
        json!([VIEWPORT.0, VIEWPORT.1])
    );
    assert_eq!(b.text("#status").await, "ran 3");

    // (d) a clean page: no console error, nothing requested but the page itself
    assert_eq!(b.console_errors().await, Vec::<String>::new());
    assert_eq!(b.requests().await, vec![url.clone()]);
    assert_eq!(b.external_requests().await, Vec::<String>::new());

    // (e) a screenshot, a PNG of the viewport, where the docs say
    let shot = b.screenshot("testkit-browser-clean").await;
    assert_eq!(shot, screenshot_dir().join("testkit-browser-clean.png"));
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{}", shot.display());
    let (w, h) = (
        u32::from_be_bytes(png[16..20].try_into().unwrap()),
        u32::from_be_bytes(png[20..24].try_into().unwrap()),
    );
    assert_eq!((w, h), VIEWPORT);
}

#[tokio::test]
async fn js_error_is_a_console_error() {
    // (b) an uncaught exception at load, a console.error later
    let (_dir, url) = page(
        "<p>x</p><script>window.addEventListener('load', () => setTimeout(() => \
         console.error('late trouble'), 0)); throw new Error('boom in page');</script>",
    );
    let b = Browser::start().await;
    b.open(&url).await;
    b.wait_for("p").await;
    let errors = b.console_errors().await;
    assert!(
        errors
            .iter()
            .any(|e| e.contains("Uncaught Error: boom in page")),
        "{errors:?}"
    );
    // the timer may fire after load: poll briefly
    for _ in 0..50 {
        if b.console_errors()
            .await
            .iter()
            .any(|e| e.contains("late trouble"))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let errors = b.console_errors().await;
    assert!(
        errors.iter().any(|e| e.contains("late trouble")),
        "{errors:?}"
    );

    // a new page starts clean
    let (_dir2, clean) = page("<p>fine</p>");
    b.open(&clean).await;
    assert_eq!(b.console_errors().await, Vec::<String>::new());
}

#[tokio::test]
async fn external_request_is_recorded() {
    // (c) an image from off the machine: requested (and failed: nothing resolves off it)
    let (_dir, url) = page(
        r#"<img src="http://example.invalid/x.png" alt=x><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">"#,
    );
    let b = Browser::start().await;
    b.open(&url).await;
    let external = b.external_requests().await;
    assert_eq!(external, vec!["http://example.invalid/x.png".to_string()]);
    let all = b.requests().await;
    assert!(all.contains(&url), "{all:?}");
    assert!(b.eval("document.images[0].naturalWidth").await == json!(0));
}

#[test]
fn local_means_this_machine() {
    for u in [
        "file:///tmp/a.html",
        "data:text/plain,x",
        "blob:null/1234",
        "about:blank",
        "http://127.0.0.1:8080/x",
        "https://localhost/y",
        "http://[::1]:9/z",
    ] {
        assert!(is_local(u), "{u}");
    }
    for u in [
        "http://example.invalid/x.png",
        "https://cdn.example.com/lib.js",
        "http://127.0.0.2/",
        "http://localhost.example.com/",
        "not a url",
    ] {
        assert!(!is_local(u), "{u}");
    }
}

#[tokio::test]
async fn http_link_navigates() {
    let app = Router::new()
        .route(
            "/",
            get(|| async {
                Html("<!doctype html><title>home</title><link rel=icon href=\"data:,\"><a id=next href=\"/next?x=1\">next</a>")
            }),
        )
        .route(
            "/next",
            get(|| async { Html("<!doctype html><title>next</title><link rel=icon href=\"data:,\"><h1 id=done>arrived</h1>") }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let b = Browser::start().await;
    b.open(&format!("{base}/")).await;
    assert_eq!(b.current_url().await, format!("{base}/"));
    b.click("#next").await;
    b.wait_for("#done").await;
    assert_eq!(b.current_url().await, format!("{base}/next?x=1"));
    assert_eq!(b.text("#done").await, "arrived");
    let requests = b.requests().await;
    assert!(
        requests.contains(&format!("{base}/next?x=1")),
        "{requests:?}"
    );
    assert_eq!(b.external_requests().await, Vec::<String>::new());
    assert_eq!(b.console_errors().await, Vec::<String>::new());

    // localhost is this machine too (only other hosts resolve to nothing)
    let port = base.rsplit(':').next().unwrap();
    b.open(&format!("http://localhost:{port}/next?x=2")).await;
    assert_eq!(b.text("#done").await, "arrived");
    assert_eq!(b.external_requests().await, Vec::<String>::new());
}
