//! Errors of a request, split by what the reader can do about them, each with its status: a
//! page for people ([`WebError`]) and `{"error": …}` for the API ([`ApiError`]).

use app::AppError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use store::StoreError;
use thiserror::Error;

use crate::page;

#[derive(Debug, Error)]
pub enum WebError {
    /// No such run, sweep, series or day.
    #[error("{0}")]
    NotFound(String),
    /// A query parameter or path segment the reader can fix.
    #[error("{0}")]
    BadRequest(String),
    /// The store cannot be used as it is (not migrated, unreachable): the message says why.
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
}

impl WebError {
    pub fn bad(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Whether the connection that raised it can serve the next request.
    pub fn keeps_connection(&self) -> bool {
        matches!(self, Self::NotFound(_) | Self::BadRequest(_))
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => Self::NotFound(m),
            StoreError::Invalid(m) => Self::BadRequest(m),
            e @ (StoreError::NotMigrated { .. }
            | StoreError::TooNew { .. }
            | StoreError::Connect { .. }
            | StoreError::BadUrl { .. }
            | StoreError::NotBuilt(_)) => Self::Unavailable(e.to_string()),
            e => Self::Internal(e.to_string()),
        }
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(e) => e.into(),
            AppError::Input(m) => Self::BadRequest(m),
            AppError::NoData(m) => Self::NotFound(m),
            e => Self::Internal(e.to_string()),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let title = match &self {
            Self::NotFound(_) => "Not found",
            Self::BadRequest(_) => "Bad request",
            Self::Unavailable(_) => "Store unavailable",
            Self::Internal(_) => "Error",
        };
        page::message(self.status(), title, &self.to_string())
    }
}

/// A [`WebError`] as the API answers it: the same status, the message as JSON.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        Self(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.0.to_string() });
        (self.0.status(), Json(body)).into_response()
    }
}
