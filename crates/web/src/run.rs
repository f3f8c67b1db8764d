//! One run and runs side by side, from `app::report` (the model `ztrade report` draws):
//! `/runs/{id}` is the report's panel of the run (`render::html::panel`: hover read-outs and
//! drag-to-zoom come with the shared script), `/compare?ids=1,2,3` overlays several
//! (`render::html::several`) above their panels. `/api/runs/{id}` is the run's `RunPanel` and
//! `/api/compare?ids=` the `Report`, as `ztrade report ID… --json` prints it.

use app::report::{Report, ReportRequest, RunPanel};
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use maud::html;

use crate::error::{ApiError, WebError};
use crate::page::{Nav, page};
use crate::state::AppState;

/// Runs one comparison may hold (each is a whole report panel).
pub const MAX_COMPARE: usize = 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/runs/{id}", get(run_page))
        .route("/api/runs/{id}", get(run_api))
        .route("/compare", get(compare_page))
        .route("/api/compare", get(compare_api))
}

async fn report(state: &AppState, ids: Vec<i64>) -> Result<Report, WebError> {
    state
        .read(move |s| Ok(app::report::build(s, &ReportRequest::new(ids))?))
        .await
}

async fn one(state: &AppState, id: i64) -> Result<RunPanel, WebError> {
    let mut r = report(state, vec![id]).await?;
    r.runs
        .pop()
        .ok_or_else(|| WebError::NotFound(format!("run {id} not found")))
}

async fn run_api(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<RunPanel>, ApiError> {
    Ok(Json(one(&state, id).await?))
}

async fn run_page(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let p = one(&state, id).await?;
    let title = format!("Run #{} · {}", p.header.id, p.header.agent_id);
    let body = html! {
        p.sub { a href="/runs" { "← runs" } " · " a href=(format!("/api/runs/{id}")) { "as JSON" } }
        (render::html::panel(&p))
    };
    Ok(page(&title, Nav::Runs, None, body))
}

/// Every `ids` parameter, each a comma-separated list (`?ids=1,2&ids=3` is 1, 2, 3), once each.
pub fn parse_ids(pairs: &[(String, String)]) -> Result<Vec<i64>, WebError> {
    let mut ids = Vec::new();
    for part in pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let id: i64 = part
            .parse()
            .map_err(|_| WebError::bad(format!("ids: {part:?} is not a run id")))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    match ids.len() {
        0 => Err(WebError::bad(
            "ids: name the runs to compare, e.g. ?ids=1,2,3",
        )),
        n if n > MAX_COMPARE => Err(WebError::bad(format!(
            "ids: at most {MAX_COMPARE} runs at once, not {n}"
        ))),
        _ => Ok(ids),
    }
}

async fn compare_api(
    State(state): State<AppState>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Json<Report>, ApiError> {
    Ok(Json(report(&state, parse_ids(&q)?).await?))
}

async fn compare_page(
    State(state): State<AppState>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Html<String>, WebError> {
    let ids = parse_ids(&q)?;
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let r = report(&state, ids).await?;
    let body = html! {
        h1 { (r.runs.len()) " runs compared" }
        p.sub { a href="/runs" { "← runs" } " · " a href=(format!("/api/compare?ids={list}")) { "as JSON" } }
        @if r.runs.len() > 1 { (render::html::several(&r)) }
        @for p in &r.runs { (render::html::panel(p)) }
    };
    Ok(page("Compare runs", Nav::Runs, None, body))
}
