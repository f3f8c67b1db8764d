//! A server that answers requests with the given bodies in order (then 418), recording each
//! request's path and query: for provider responses used as they are (fixtures).
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

#[derive(Default)]
pub struct Script {
    pub bodies: Vec<String>,
    pub seen: Vec<String>,
}

pub async fn serve(bodies: Vec<String>) -> (String, Arc<Mutex<Script>>) {
    let script = Arc::new(Mutex::new(Script {
        bodies: bodies.into_iter().rev().collect(),
        seen: vec![],
    }));
    let app = Router::new().fallback(handle).with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, script)
}

async fn handle(State(script): State<Arc<Mutex<Script>>>, req: Request) -> Response {
    let mut s = script.lock().unwrap();
    s.seen.push(
        req.uri()
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    let (status, body) = match s.bodies.pop() {
        Some(b) => (200, b),
        None => (418, "script exhausted".to_string()),
    };
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

pub fn fixture(rel: &str) -> serde_json::Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(rel);
    let text = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_slice(&text).unwrap()
}
