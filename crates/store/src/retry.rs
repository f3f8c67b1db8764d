//! Waiting out another writer: a call that failed only because the database was locked
//! ([`StoreError::is_busy`]) is tried again after a growing pause, so a long import in one
//! process does not throw away a backtest another process just computed.

use std::time::Duration;

use crate::StoreError;

/// Pauses between attempts; the attempt count is one more than the pauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusyRetry {
    pub pauses: Vec<Duration>,
}

impl Default for BusyRetry {
    /// Four more attempts after 0.5, 1, 2 and 4 s: on top of each attempt's own busy timeout.
    fn default() -> Self {
        Self {
            pauses: [500, 1_000, 2_000, 4_000]
                .map(Duration::from_millis)
                .to_vec(),
        }
    }
}

impl BusyRetry {
    /// Runs `op` until it succeeds, fails for another reason, or the pauses run out. The last
    /// error is returned, with how many attempts were made when there was more than one.
    pub fn run<T>(&self, mut op: impl FnMut() -> Result<T, StoreError>) -> Result<T, StoreError> {
        let mut pauses = self.pauses.iter();
        let mut attempts = 1usize;
        loop {
            match op() {
                Err(e) if e.is_busy() => match pauses.next() {
                    Some(p) => {
                        tracing::warn!(attempt = attempts, pause_ms = p.as_millis() as u64, error = %e, "database busy; retrying");
                        std::thread::sleep(*p);
                        attempts += 1;
                    }
                    None if attempts > 1 => {
                        return Err(StoreError::Busy(format!(
                            "{attempts} attempts: {}",
                            busy_detail(&e)
                        )));
                    }
                    None => return Err(e),
                },
                other => return other,
            }
        }
    }
}

fn busy_detail(e: &StoreError) -> String {
    match e {
        StoreError::Busy(d) => d.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn busy() -> StoreError {
        StoreError::Busy("database is locked".into())
    }

    #[test]
    fn retries_busy_then_succeeds() {
        let r = BusyRetry {
            pauses: vec![Duration::ZERO; 3],
        };
        let mut calls = 0;
        let v = r.run(|| {
            calls += 1;
            if calls < 3 { Err(busy()) } else { Ok(7) }
        });
        assert_eq!(v.unwrap(), 7);
        assert_eq!(calls, 3);
    }

    #[test]
    fn gives_up_after_the_pauses_and_says_how_often() {
        let r = BusyRetry {
            pauses: vec![Duration::ZERO; 2],
        };
        let mut calls = 0;
        let e = r
            .run(|| -> Result<(), _> {
                calls += 1;
                Err(busy())
            })
            .unwrap_err();
        assert_eq!(calls, 3);
        assert!(e.is_busy());
        assert!(e.to_string().contains("3 attempts"), "{e}");
        assert!(e.to_string().contains("another process is writing"), "{e}");
    }

    #[test]
    fn other_errors_are_not_retried() {
        let r = BusyRetry::default();
        let mut calls = 0;
        let e = r
            .run(|| -> Result<(), _> {
                calls += 1;
                Err(StoreError::Invalid("no".into()))
            })
            .unwrap_err();
        assert_eq!(calls, 1);
        assert!(!e.is_busy(), "{e}");
    }
}
