//! `ztrade serve`: checks the store, binds, serves until Ctrl-C or SIGTERM.

use collector::runtime::Clock;
use thiserror::Error;

use crate::config::Config;
use crate::error::WebError;
use crate::router::app;
use crate::state::AppState;

#[derive(Debug, Error)]
pub enum ServeError {
    #[error("the store: {0}")]
    Store(#[from] WebError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the server: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves the dashboard of `config` on its own runtime until Ctrl-C or SIGTERM; says where on
/// stderr once it listens.
pub fn serve(config: Config) -> Result<(), ServeError> {
    let state = AppState::new(&config, Clock::System);
    state.check_ready()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|source| ServeError::Bind {
                addr: config.bind,
                source,
            })?;
        let addr = listener.local_addr()?;
        eprintln!(
            "dashboard on http://{addr}/ (read-only{}); Ctrl-C stops it",
            if config.token.is_some() {
                "; open it once with ?token=YOUR_TOKEN"
            } else {
                ""
            }
        );
        axum::serve(listener, app(state))
            .with_graceful_shutdown(stopped())
            .await?;
        Ok(())
    })
}

async fn stopped() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
