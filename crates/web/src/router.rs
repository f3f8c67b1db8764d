//! The dashboard as a function: [`app`] takes the shared state and returns the whole router, so
//! tests call it without a socket (`tower::ServiceExt::oneshot`) and `serve` binds it.

use axum::Router;
use axum::middleware;

use crate::state::AppState;
use crate::{auth, collection, data, page, run, runs, sweeps};

/// Every page and API route, GET (and HEAD) only, behind the token check when a token is set;
/// every response carries the security headers.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(runs::routes())
        .merge(run::routes())
        .merge(sweeps::routes())
        .merge(data::routes())
        .merge(collection::routes())
        .fallback(page::fallback)
        .layer(middleware::from_fn_with_state(state.clone(), auth::check))
        .layer(middleware::map_response(page::headers))
        .with_state(state)
}
