//! A scripted local HTTP server (axum on 127.0.0.1:0): it answers requests with the given
//! replies in order and records every request, for provider responses used as they are
//! (fixtures) and for faults a reply can describe (statuses, `Retry-After`, delays).
//!
//! - [`Mock::start`], [`Mock::push`], [`Mock::seen`]: the server, its script, what it saw.
//! - [`Reply`]: a body (or a fixture's), a status, headers, a delay.
//! - [`Seen`]: one request: path and query as sent, parameters decoded, headers.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

/// One scripted answer: status, headers, body, and how long to wait before sending it.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(body: impl Into<Vec<u8>>) -> Self {
        Self {
            status: 200,
            headers: vec![],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
    pub fn fixture(rel: &str) -> Self {
        Self::json(crate::fixture(rel))
    }
    pub fn status(status: u16, body: &str) -> Self {
        Self {
            status,
            ..Self::json(body.as_bytes().to_vec())
        }
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    pub fn after(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// Path and query as sent (query still encoded).
    pub uri: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
}

impl Seen {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn param_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.query.iter().map(|(k, _)| k.as_str()).collect();
        v.sort_unstable();
        v
    }
}

#[derive(Default)]
struct Script {
    replies: VecDeque<Reply>,
    seen: Vec<Seen>,
}

/// The server: replies in order, then 418 `script exhausted` (a status no client retries).
pub struct Mock {
    pub base: String,
    script: Arc<Mutex<Script>>,
}

impl Mock {
    /// Serves on a task of the current runtime.
    pub async fn start(replies: Vec<Reply>) -> Self {
        let script = Arc::new(Mutex::new(Script {
            replies: replies.into(),
            seen: vec![],
        }));
        let app = Router::new().fallback(handle).with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base: format!("http://{addr}"),
            script,
        }
    }

    /// Appends a reply to the script.
    pub fn push(&self, reply: Reply) {
        self.script.lock().unwrap().replies.push_back(reply);
    }

    /// Every request so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.script.lock().unwrap().seen.clone()
    }
}

async fn handle(State(script): State<Arc<Mutex<Script>>>, req: Request) -> Response {
    let query = req
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let reply = {
        let mut s = script.lock().unwrap();
        s.seen.push(Seen {
            uri: req
                .uri()
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            path: req.uri().path().to_owned(),
            query,
            headers: req.headers().clone(),
        });
        s.replies.pop_front()
    };
    // An unscripted request is a test bug: answer with a status no client retries.
    let reply = reply.unwrap_or_else(|| Reply::status(418, "script exhausted"));
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut resp = Response::new(Body::from(reply.body));
    *resp.status_mut() = StatusCode::from_u16(reply.status).unwrap();
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    for (k, v) in reply.headers {
        resp.headers_mut()
            .insert(k, HeaderValue::from_str(&v).unwrap());
    }
    resp
}
