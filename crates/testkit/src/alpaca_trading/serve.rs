//! The request handler: authentication, then one arm per endpoint.

use std::sync::{Arc, Mutex};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::{State, SubmitFault, TradingRequest};

type Shared = Arc<Mutex<State>>;

fn reply(status: u16, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = StatusCode::from_u16(status).unwrap();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

fn error(status: u16, code: u64, message: &str) -> Response {
    reply(
        status,
        json!({"code": code, "message": message}).to_string(),
    )
}

fn not_found() -> Response {
    error(404, 40410000, "order not found")
}

/// Orders Alpaca lists under `status=open`.
fn is_open(o: &Value) -> bool {
    !matches!(
        o["status"].as_str(),
        Some("filled" | "canceled" | "expired" | "replaced" | "rejected" | "done_for_day")
    )
}

pub(super) async fn handle(AxumState(state): AxumState<Shared>, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let query: Vec<(String, String)> = req
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let headers = req.headers().clone();
    let body = to_bytes(req.into_body(), 1 << 20).await.unwrap_or_default();
    let seen = TradingRequest {
        method: method.to_string(),
        path: path.clone(),
        query,
        headers: headers.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let (mut response, stall) = route(&mut state.lock().unwrap(), seen, &method, &path, &body);
    if let Some(d) = stall {
        tokio::time::sleep(d).await;
    }
    if response.status() == StatusCode::TOO_MANY_REQUESTS {
        response
            .headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
    }
    response
}

/// The answer to one request, and how long to stall before sending it.
fn route(
    s: &mut State,
    seen: TradingRequest,
    method: &Method,
    path: &str,
    body: &[u8],
) -> (Response, Option<std::time::Duration>) {
    let headers = seen.headers.clone();
    s.requests.push(seen.clone());
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    if header("apca-api-key-id") != s.key_id || header("apca-api-secret-key") != s.secret {
        return (reply(401, r#"{"message": "unauthorized."}"#), None);
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let response = match (method, segments.as_slice()) {
        (&Method::POST, ["v2", "orders"]) => {
            let (status, body, stall) = submit(s, body);
            return (reply(status, body), stall);
        }
        (&Method::GET, ["v2", "orders"]) => {
            let open = seen.param("status") == Some("open");
            let list: Vec<&Value> = s.orders.iter().filter(|o| !open || is_open(o)).collect();
            reply(200, json!(list).to_string())
        }
        (&Method::GET, ["v2", "orders:by_client_order_id"]) => {
            let id = seen.param("client_order_id").unwrap_or("");
            match s.orders.iter().find(|o| o["client_order_id"] == id) {
                Some(o) => reply(200, o.to_string()),
                None => not_found(),
            }
        }
        (&Method::GET, ["v2", "orders", id]) => match s.orders.iter().find(|o| o["id"] == *id) {
            Some(o) => reply(200, o.to_string()),
            None => not_found(),
        },
        (&Method::DELETE, ["v2", "orders", id]) => {
            let now = s.tick();
            match s.orders.iter_mut().find(|o| o["id"] == *id) {
                None => not_found(),
                Some(o) if !is_open(o) => error(422, 42210000, "order is not cancelable"),
                Some(o) => {
                    o["status"] = json!("canceled");
                    o["canceled_at"] = json!(now);
                    o["updated_at"] = json!(now);
                    reply(204, "")
                }
            }
        }
        (&Method::GET, ["v2", "account"]) => reply(200, s.account.to_string()),
        (&Method::GET, ["v2", "account", "activities", "FILL"]) => {
            let after = seen.param("after").map(str::to_owned);
            let token = seen.param("page_token").map(str::to_owned);
            let size: usize = seen
                .param("page_size")
                .and_then(|p| p.parse().ok())
                .unwrap_or(100);
            let page: Vec<&Value> = s
                .activities
                .iter()
                .filter(|a| a["activity_type"] == "FILL")
                // RFC 3339 UTC stamps of one format compare as text.
                .filter(|a| {
                    after
                        .as_deref()
                        .is_none_or(|t| a["transaction_time"].as_str().unwrap() > t)
                })
                .filter(|a| {
                    token
                        .as_deref()
                        .is_none_or(|t| a["id"].as_str().unwrap() > t)
                })
                .take(size)
                .collect();
            reply(200, json!(page).to_string())
        }
        _ => error(404, 40410000, "endpoint not found"),
    };
    (response, None)
}

/// A submit: (status, body, stall before answering).
fn submit(s: &mut State, body: &[u8]) -> (u16, String, Option<std::time::Duration>) {
    let Ok(req) = serde_json::from_slice::<Value>(body) else {
        return (
            400,
            json!({"code": 40010000, "message": "invalid body"}).to_string(),
            None,
        );
    };
    let cid = req["client_order_id"].as_str().unwrap_or("").to_owned();
    *s.submissions.entry(cid.clone()).or_default() += 1;
    let fault = s.faults.pop_front();
    match &fault {
        Some(SubmitFault::Refuse(status)) => {
            return (
                *status,
                json!({"message": "internal server error"}).to_string(),
                None,
            );
        }
        Some(SubmitFault::Reject(status, body)) => return (*status, body.clone(), None),
        _ => {}
    }
    if s.orders
        .iter()
        .any(|o| o["client_order_id"] == cid.as_str())
    {
        let e = json!({"code": 40010001, "message": "client_order_id must be unique"});
        return (422, e.to_string(), None);
    }
    let order = s.order_from(&req);
    s.orders.push(order.clone());
    match fault {
        Some(SubmitFault::HoldThenFail(status)) => (
            status,
            json!({"message": "internal server error"}).to_string(),
            None,
        ),
        Some(SubmitFault::HoldThenStall(d)) => (200, order.to_string(), Some(d)),
        _ => (200, order.to_string(), None),
    }
}
