//! The token: without it 401 (a page, or JSON under /api), with it as a Bearer header, a
//! cookie, or `?token=` once (which sets the HttpOnly, SameSite=Strict cookie) 200; the token
//! never comes back in a body; still read-only with it.

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use support::{config, fixture, request, send_to, state};

const TOKEN: &str = "s3cret-token-0123456789";

fn with(h: header::HeaderName, v: &str, uri: &str) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .header(h, v)
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn without_the_token_every_route_is_401() {
    let f = fixture();
    for uri in [
        "/",
        "/runs",
        &format!("/runs/{}", f.run),
        "/data",
        "/collection",
        "/nowhere",
    ] {
        let r = send_to(state(Some(TOKEN)), request(Method::GET, uri)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(r.content_type(), "text/html; charset=utf-8");
        assert!(r.body.contains("needs a token"), "{uri}: {}", r.body);
        assert_eq!(r.headers.get(header::WWW_AUTHENTICATE).unwrap(), "Bearer");
        assert!(!r.body.contains(TOKEN));
    }
    let api = send_to(state(Some(TOKEN)), request(Method::GET, "/api/runs")).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert!(api.json()["error"].as_str().unwrap().contains("token"));
    for wrong in [
        "Bearer nope",
        "Bearer s3cret-token-012345678",
        "Basic czNjcmV0",
        "Bearer ",
    ] {
        let r = send_to(
            state(Some(TOKEN)),
            with(header::AUTHORIZATION, wrong, "/api/runs"),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{wrong}");
    }
    let r = send_to(
        state(Some(TOKEN)),
        request(Method::GET, "/runs?token=wrong-token-0123456789"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn a_bearer_token_opens_every_route() {
    let f = fixture();
    for uri in [
        "/runs",
        &format!("/api/runs/{}", f.run),
        "/api/data",
        "/collection",
    ] {
        let r = send_to(
            state(Some(TOKEN)),
            with(header::AUTHORIZATION, &format!("Bearer {TOKEN}"), uri),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert!(!r.body.contains(TOKEN), "{uri}: the token is never echoed");
    }
}

#[tokio::test]
async fn a_token_in_the_url_sets_a_cookie_that_then_suffices() {
    let r = send_to(
        state(Some(TOKEN)),
        request(Method::GET, &format!("/runs?token={TOKEN}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains(TOKEN));
    let cookie = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.starts_with(&format!("{}={TOKEN};", web::auth::COOKIE)),
        "{cookie}"
    );
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/")
    );
    assert_eq!(
        r.headers.get(header::REFERRER_POLICY).unwrap(),
        "no-referrer"
    );
    // The browser sends it back with every link followed.
    let pair = cookie.split(';').next().unwrap();
    let next = send_to(
        state(Some(TOKEN)),
        with(header::COOKIE, &format!("theme=dark; {pair}"), "/data"),
    )
    .await;
    assert_eq!(next.status, StatusCode::OK);
    let stale = send_to(
        state(Some(TOKEN)),
        with(header::COOKIE, "ztrade_token=old-token-0123456789", "/data"),
    )
    .await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_token_does_not_make_it_writable() {
    let mut req = with(header::AUTHORIZATION, &format!("Bearer {TOKEN}"), "/runs");
    *req.method_mut() = Method::POST;
    assert_eq!(
        send_to(state(Some(TOKEN)), req).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[test]
fn a_dashboard_off_loopback_is_refused_without_a_token() {
    let bind = "0.0.0.0:8080".parse().unwrap();
    let e = web::Config::new(fixture().url.clone(), bind, None, None).unwrap_err();
    assert!(e.to_string().contains("needs a token"), "{e}");
    assert!(web::Config::new(fixture().url.clone(), bind, Some(TOKEN.into()), None).is_ok());
    assert!(config(Some(TOKEN)).token.is_some());
    assert!(!format!("{:?}", config(Some(TOKEN))).contains(TOKEN));
}
