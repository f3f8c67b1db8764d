//! Graceful shutdown: a [`Shutdown`] every long-running part waits on, fired by Ctrl-C, SIGTERM
//! or the code itself. Firing it stops new work; runs already started finish and are recorded.

use tokio::sync::watch;

/// Fires a [`Shutdown`]. Dropping it does not fire it.
#[derive(Debug, Clone)]
pub struct Trigger(watch::Sender<bool>);

/// Cheap to clone; every clone sees the same signal.
#[derive(Debug, Clone)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    pub fn new() -> (Trigger, Shutdown) {
        let (tx, rx) = watch::channel(false);
        (Trigger(tx), Shutdown(rx))
    }

    pub fn is_triggered(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once fired. Never resolves if every [`Trigger`] is gone unfired.
    pub async fn wait(&self) {
        let mut rx = self.0.clone();
        if rx.wait_for(|fired| *fired).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl Trigger {
    pub fn trigger(&self) {
        self.0.send_replace(true);
    }

    /// Fires on the first Ctrl-C (SIGINT) or SIGTERM. Call inside a Tokio runtime.
    pub fn on_signals(&self) {
        let me = self.clone();
        tokio::spawn(async move {
            let name = signal().await;
            tracing::info!(signal = name, "shutting down: finishing runs in progress");
            me.trigger();
        });
    }
}

#[cfg(unix)]
async fn signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("cannot listen for SIGTERM: {e}");
            let _ = tokio::signal::ctrl_c().await;
            return "SIGINT";
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = term.recv() => "SIGTERM",
    }
}

#[cfg(not(unix))]
async fn signal() -> &'static str {
    let _ = tokio::signal::ctrl_c().await;
    "Ctrl-C"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_clone_sees_the_trigger() {
        let (t, s) = Shutdown::new();
        let s2 = s.clone();
        assert!(!s.is_triggered());
        let waiter = tokio::spawn(async move { s2.wait().await });
        t.trigger();
        waiter.await.unwrap();
        assert!(s.is_triggered());
        // Waiting after the fact returns at once.
        s.wait().await;
    }
}
