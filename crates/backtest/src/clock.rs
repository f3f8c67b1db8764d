//! The engine's only notion of "now": the time of the last event processed. It starts unset,
//! moves only when an event arrives, and refuses to go backwards.

use domain::UnixNanos;

use crate::error::EngineError;

#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    now: Option<UnixNanos>,
}

impl Clock {
    pub fn new() -> Self {
        Self::default()
    }

    /// `None` before the first event.
    pub fn now(&self) -> Option<UnixNanos> {
        self.now
    }

    /// Moves to `t`; staying at the same instant is allowed (several events share a time).
    #[inline]
    pub fn advance(&mut self, t: UnixNanos) -> Result<(), EngineError> {
        match self.now {
            Some(now) if t < now => Err(EngineError::TimeWentBackwards { now, event: t }),
            _ => {
                self.now = Some(t);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_moves_forward() {
        let mut c = Clock::new();
        assert_eq!(c.now(), None);
        c.advance(UnixNanos::new(10)).unwrap();
        c.advance(UnixNanos::new(10)).unwrap();
        c.advance(UnixNanos::new(11)).unwrap();
        let e = c.advance(UnixNanos::new(5)).unwrap_err();
        assert!(matches!(e, EngineError::TimeWentBackwards { .. }));
        assert!(e.to_string().contains("backwards"), "{e}");
        assert_eq!(c.now(), Some(UnixNanos::new(11)));
    }
}
