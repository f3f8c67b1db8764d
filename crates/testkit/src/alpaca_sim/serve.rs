//! The simulator's one handler: the endpoint from the path, the scripted fault of this request
//! number, the rows of the window (inclusive end, as Alpaca's), a page of them from the token,
//! and the body built from the rows' JSON texts.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use domain::UnixNanos;

use super::{Fault, Sim};

/// An opaque page token: hex of `symbol|index|salt`, so a resumed request lands on the row.
fn token(symbol: &str, index: usize, salt: &str) -> String {
    let plain = format!("{symbol}|{index}|{salt}");
    plain.bytes().map(|b| format!("{b:02x}")).collect()
}

fn untoken(text: &str) -> Option<usize> {
    let bytes: Option<Vec<u8>> = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect();
    let plain = String::from_utf8(bytes?).ok()?;
    plain.split('|').nth(1)?.parse().ok()
}

pub(super) fn nanos(text: &str) -> Option<i64> {
    UnixNanos::parse_rfc3339(text).ok().map(UnixNanos::as_i64)
}

fn reply(status: u16, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = StatusCode::from_u16(status).unwrap();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

pub(super) async fn handle(State(sim): State<Arc<Sim>>, req: Request) -> Response {
    let n = sim.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let path = req.uri().path().to_string();
    let query: HashMap<String, String> = req
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    sim.seen.lock().unwrap().push(
        req.uri()
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    let key_id = req
        .headers()
        .get("apca-api-key-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    sim.key_ids.lock().unwrap().push(key_id);
    let endpoint = match path.as_str() {
        "/v2/stocks/bars" => "bars",
        "/v2/stocks/trades" => "trades",
        "/v2/stocks/quotes" => "quotes",
        "/v1beta1/news" => "news",
        _ => return reply(404, r#"{"message":"Not Found"}"#),
    };
    let fault = sim.faults.lock().unwrap().remove(&n);
    match &fault {
        Some(Fault::Status(code, retry)) => {
            let mut r = reply(*code, format!(r#"{{"message":"injected {code}"}}"#));
            if let Some(s) = retry {
                r.headers_mut().insert(
                    "retry-after",
                    HeaderValue::from_str(&s.to_string()).unwrap(),
                );
            }
            return r;
        }
        Some(Fault::Delay(d)) => tokio::time::sleep(*d).await,
        _ => {}
    }
    if !sim.page_delay.is_zero() {
        tokio::time::sleep(sim.page_delay).await;
    }
    let requested = query.get("symbols").cloned().unwrap_or_default();
    let symbol = sim
        .answer_as
        .get(&requested)
        .cloned()
        .unwrap_or_else(|| requested.clone());
    if sim.rejected.contains(&requested) {
        return reply(
            422,
            format!(r#"{{"code":42210000,"message":"invalid symbol: {symbol}"}}"#),
        );
    }
    if endpoint != "news" && symbol.contains(',') {
        return reply(
            400,
            r#"{"message":"this simulator serves one symbol per request"}"#,
        );
    }
    let lo = query
        .get("start")
        .and_then(|s| nanos(s))
        .unwrap_or(i64::MIN);
    let hi = query.get("end").and_then(|s| nanos(s)).unwrap_or(i64::MAX);
    let limit: usize = query
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(sim.page_size);
    let empty = Vec::new();
    let rows = sim
        .data
        .get(&(endpoint.to_string(), symbol.clone()))
        .unwrap_or(&empty);
    // Rows in the window: [first, last) of the symbol's vector.
    let first = rows.partition_point(|r| r.ts < lo);
    let last = rows.partition_point(|r| r.ts <= hi);
    let mut at = match query.get("page_token") {
        Some(t) => match untoken(t) {
            Some(i) => i.clamp(first, last),
            None => return reply(400, r#"{"message":"invalid page token"}"#),
        },
        None => first,
    };
    let size = limit.min(sim.page_size).max(1);
    let (from, to, next) = match fault {
        Some(Fault::Empty) => (at, at, (at < last).then(|| token(&symbol, at, "empty"))),
        Some(Fault::Repeat(k)) => {
            let to = (at + size).min(last);
            at = at.saturating_sub(k).max(first);
            (at, to, (to < last).then(|| token(&symbol, to, "")))
        }
        _ => {
            let to = (at + size).min(last);
            (at, to, (to < last).then(|| token(&symbol, to, "")))
        }
    };
    let mut body = String::with_capacity((to - from) * 140 + 200);
    let list: Vec<&str> = rows[from..to].iter().map(|r| r.json.as_str()).collect();
    if endpoint == "news" {
        body.push_str(r#"{"news":["#);
    } else {
        body.push_str(&format!(r#"{{"{endpoint}":{{"{symbol}":["#));
    }
    body.push_str(&list.join(","));
    body.push_str(if endpoint == "news" { "]" } else { "]}" });
    match next {
        Some(t) => body.push_str(&format!(r#","next_page_token":"{t}"}}"#)),
        None => body.push_str(r#","next_page_token":null}"#),
    }
    if matches!(fault, Some(Fault::Truncate)) {
        body.truncate(body.len() / 2);
    } else {
        *sim.pages
            .lock()
            .unwrap()
            .entry(endpoint.into())
            .or_default() += 1;
    }
    reply(200, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_the_row_they_resume_at() {
        assert_eq!(untoken(&token("SPY", 1234, "")), Some(1234));
        assert_eq!(untoken(&token("BRK.B", 0, "empty")), Some(0));
        assert_eq!(untoken("zz"), None);
        assert_eq!(untoken("abc"), None);
    }
}
