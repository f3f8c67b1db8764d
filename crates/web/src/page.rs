//! The frame of every page: the report's own style and script (`render::html::page`), a
//! navigation bar, and the headers every response carries (a Content-Security-Policy that
//! allows nothing from elsewhere, no caching, no referrer). Pages work offline: no CDN, no
//! font, no request to anything but this server.

use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// The report's policy, plus `connect-src 'self'` (a script may read this server's API).
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; connect-src 'self'";

/// Sent as a header only (a `<meta>` policy cannot say these): no framing, forms to here only.
const CSP_HEADER_EXTRA: &str = "; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// Which part of the dashboard a page belongs to, for the navigation bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Runs,
    Data,
    Collection,
    None,
}

/// The dashboard's additions to the report's style: navigation, forms, calendars, heatmaps.
const CSS: &str = r#"
nav.top{display:flex;gap:18px;align-items:baseline;border-bottom:2px solid var(--line);padding-bottom:8px;margin-bottom:8px}
nav.top a{color:var(--fg);text-decoration:none}nav.top a.on{font-weight:600;border-bottom:2px solid var(--s0)}nav.top .brand{font-weight:700;margin-right:12px}
form.filters{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:end;margin:10px 0}form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
form.filters input,form.filters select{font:inherit;padding:2px 4px}table.list{font-size:13px}table.list th a{color:inherit}
.cal{border-collapse:separate;border-spacing:2px;margin:2px 0 8px}.cal td,.cal th{padding:0;border:0;font-size:10px;color:var(--muted);font-weight:400}
.cal td a,.cal td span{display:block;width:11px;height:11px;border-radius:2px}.cal .complete{background:#2da44e}.cal .partial{background:#e3b341}
.cal .missing{background:#d1242f}.cal .extra{background:#8250df}.cal .off{background:#eef1f4}.legend span.k{display:inline-block;width:11px;height:11px;border-radius:2px;margin:0 3px 0 10px;vertical-align:-1px}
table.heat td{text-align:right;min-width:56px}table.heat td a{color:inherit}.err{color:#b42318}.ok{color:#1a7f4b}
"#;

/// A whole page. `refresh`: seconds after which the browser reloads it.
pub fn page(title: &str, nav: Nav, refresh: Option<u32>, body: Markup) -> Html<String> {
    let link = |href: &str, name: &str, on: bool| {
        html! { a href=(href) class=[on.then_some("on")] { (name) } }
    };
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta http-equiv="Content-Security-Policy" content=(CSP);
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    // No icon to fetch: a browser asks for /favicon.ico otherwise.
                    link rel="icon" href="data:,";
                    @if let Some(s) = refresh { meta http-equiv="refresh" content=(s); }
                    title { (title) " · ztrade" }
                    style { (PreEscaped(render::html::page::CSS)) (PreEscaped(CSS)) }
                }
                body {
                    nav.top {
                        span.brand { "ztrade" }
                        (link("/runs", "Runs", nav == Nav::Runs))
                        (link("/data", "Data", nav == Nav::Data))
                        (link("/collection", "Collection", nav == Nav::Collection))
                    }
                    (body)
                    div #tip hidden {}
                    script { (PreEscaped(render::html::page::JS)) }
                }
            }
        }
        .into_string(),
    )
}

/// A small page saying one thing, with its status (errors, 404, 405, the token request).
pub fn message(status: StatusCode, title: &str, text: &str) -> Response {
    let body = html! { h1 { (title) } p { (text) } p { a href="/" { "Back to the runs" } } };
    (status, page(title, Nav::None, None, body)).into_response()
}

/// Every route is a GET (HEAD comes with it); any other method on any path is 405, and an
/// unknown path is 404 (as JSON under `/api/`).
pub async fn fallback(method: Method, uri: Uri) -> Response {
    let (status, title, text) = if method != Method::GET && method != Method::HEAD {
        (
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed",
            "The dashboard is read-only: it answers GET and HEAD only.".to_string(),
        )
    } else {
        (
            StatusCode::NOT_FOUND,
            "Not found",
            format!("Nothing lives at {}.", uri.path()),
        )
    };
    let mut r = if uri.path().starts_with("/api/") {
        (status, axum::Json(serde_json::json!({ "error": text }))).into_response()
    } else {
        message(status, title, &text)
    };
    if status == StatusCode::METHOD_NOT_ALLOWED {
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    }
    r
}

/// Headers on every response: the policy, no sniffing, no caching (pages show live data and
/// may sit behind a token), no referrer (a `?token=` URL never leaves in one).
pub async fn headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    let csp = format!("{CSP}{CSP_HEADER_EXTRA}");
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}

/// Characters left as they are in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_');

/// `text` as one path segment (`BTC/USD` → `BTC%2FUSD`).
pub fn segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// `0.1234` → `12.34%`, `None` → `–` (as the CLI writes them).
pub use app::views::fmt::{pct, ratio};
