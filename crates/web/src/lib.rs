//! The dashboard: an axum router over `app`'s use cases, rendering the same view models as the
//! CLI's `--json` and the HTML report (`render::html`), read-only. `ztrade serve` runs it.
//!
//! - [`router`]: [`app`], the whole dashboard as one function of its state.
//! - [`config`]: what `serve` was given, checked before anything opens (a non-loopback address
//!   needs a token).
//! - [`state`]: [`AppState`]: the store (a connection per request, on the blocking pool), the
//!   token's digest, the scale-out queue's address, the clock.
//! - [`auth`]: the token check (Bearer header, cookie, or `?token=` once).
//! - [`page`]: the frame of every page (the report's style and script), the headers of every
//!   response, 404 and 405.
//! - [`error`]: [`WebError`] and [`error::ApiError`], each mapped to its status.
//! - Routes, each a page and its JSON under `/api`: [`runs`] (`/`, `/runs`), [`run`]
//!   (`/runs/{id}`, `/compare`), [`sweeps`] (`/sweeps/{id}`), [`data`] (`/data`, one day of a
//!   series) with [`coverage`] (sessions on the expected-bar grid) and [`quality`] (the last
//!   `data validate`'s findings), [`collection`].
//! - [`serve`]: binds and serves until Ctrl-C.

pub mod auth;
pub mod collection;
pub mod config;
pub mod coverage;
pub mod data;
pub mod error;
pub mod page;
pub mod quality;
pub mod router;
pub mod run;
pub mod runs;
pub mod serve;
pub mod state;
pub mod sweeps;

pub use config::{Config, ConfigError};
pub use error::WebError;
pub use router::app;
pub use serve::{ServeError, serve};
pub use state::AppState;
