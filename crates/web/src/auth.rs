//! The token check in front of every route, when a token is set. A request carries it as
//! `Authorization: Bearer T`, as the cookie [`COOKIE`], or once as `?token=T`, which answers
//! with that cookie (HttpOnly, SameSite=Strict) so that the page's links work without it.
//! Without it: 401 and a small page (or JSON under `/api/`) saying a token is needed.

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::page;
use crate::state::AppState;

/// The cookie that carries the token after a `?token=` visit.
pub const COOKIE: &str = "ztrade_token";

pub async fn check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !state.token_required() {
        return next.run(req).await;
    }
    let carried = bearer(req.headers())
        .into_iter()
        .chain(cookie(req.headers()))
        .any(|t| state.token_matches(t));
    if carried {
        return next.run(req).await;
    }
    let from_query = query_token(req.uri()).filter(|t| state.token_matches(t));
    if let Some(t) = from_query {
        // The token passed the check, so it is made of URL- and cookie-safe characters only.
        let set = format!("{COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict");
        let mut r = next.run(req).await;
        if let Ok(v) = HeaderValue::from_str(&set) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
        return r;
    }
    unauthorized(req.uri().path().starts_with("/api/"))
}

fn unauthorized(api: bool) -> Response {
    let text = "This dashboard needs a token: send `Authorization: Bearer TOKEN`, or open \
                the page once with ?token=TOKEN (a cookie then keeps it).";
    let mut r = if api {
        (
            StatusCode::UNAUTHORIZED,
            axum::Json(serde_json::json!({ "error": text })),
        )
            .into_response()
    } else {
        page::message(StatusCode::UNAUTHORIZED, "Token needed", text)
    };
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

fn bearer(h: &HeaderMap) -> Option<&str> {
    let v = h.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Every value of [`COOKIE`] the request carries.
fn cookie(h: &HeaderMap) -> Vec<&str> {
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .filter(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
        .collect()
}

/// The `token` query parameter, percent-decoded.
fn query_token(uri: &Uri) -> Option<String> {
    let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri).ok()?;
    pairs
        .into_iter()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_from_each_place() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; ztrade_token=xyz; b=2"),
        );
        assert_eq!(bearer(&h), Some("abc"));
        assert_eq!(cookie(&h), vec!["xyz"]);
        let uri = |s: &str| s.parse::<Uri>().unwrap();
        assert_eq!(
            query_token(&uri("/runs?x=1&token=a%2Db")),
            Some("a-b".into())
        );
        assert_eq!(query_token(&uri("/runs?x=1")), None);
        assert_eq!(query_token(&uri("/runs")), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
    }
}
