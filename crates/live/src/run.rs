//! The loop: open (or resume) the session, then step it every `poll` until something ends it.
//!
//! Each turn, in this order: the kill switch file, the session's stored status (`paper stop`
//! from another process), the step (bars complete by now recorded and decided), the route
//! (orders out, broker events in), the halt check, the end condition. Every write is the
//! store's, one transaction each, so a `kill -9` anywhere leaves a record the next start
//! resumes from ([`app::paper::session`]).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use app::paper::{LoopReport, PaperSession, PaperSpec, StopReason};
use domain::UnixNanos;
use store::{BarStore, PaperStore, SessionStatus, SymbolStore};

use crate::LiveError;
use crate::route::Route;

/// How the loop runs.
#[derive(Debug, Clone)]
pub struct LoopOptions {
    /// Real time between steps.
    pub poll: Duration,
    /// The kill switch: when this file exists, the session stops (and says so).
    pub kill_file: Option<PathBuf>,
    /// End the loop (the session stays `running`, to be resumed) once the clock passes this.
    pub until: Option<UnixNanos>,
    /// End the loop once this many bars were decided in this run of it.
    pub max_bars: Option<u64>,
    /// Set from outside (Ctrl-C, the collector finishing) to end the loop after its step.
    pub interrupt: Arc<AtomicBool>,
}

impl Default for LoopOptions {
    fn default() -> Self {
        LoopOptions {
            poll: Duration::from_secs(1),
            kill_file: None,
            until: None,
            max_bars: None,
            interrupt: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// Runs session `spec` until it ends; `now` is the loop's clock.
pub fn run_session<S>(
    store: &mut S,
    spec: &PaperSpec,
    opts: &LoopOptions,
    mut route: Option<&mut dyn Route>,
    now: &dyn Fn() -> UnixNanos,
) -> Result<LoopReport, LiveError>
where
    S: BarStore + PaperStore + SymbolStore + ?Sized,
{
    let mut session = PaperSession::open(store, spec, now())?;
    tracing::info!(
        session = %spec.name,
        agent = %spec.agent.id,
        broker = %spec.broker,
        resumed_bars = session.resumed_bars,
        "paper session open"
    );
    if let Some(r) = route.as_deref_mut() {
        let stored = store.session_journal(&spec.name)?;
        r.resume(&stored)?;
        if let Some(live) = r.sync(session.journal(), now())? {
            store.save_session_journal(&spec.name, &live)?;
        }
    }
    let mut report = LoopReport {
        session: spec.name.clone(),
        resumed_bars: session.resumed_bars,
        steps: 0,
        decided: 0,
        late: 0,
        missed: 0,
        last_bar: None,
        orders: session.journal().orders.len(),
        broker_errors: 0,
        stop: StopReason::Done,
    };
    loop {
        // Read before the step, so that the step after an interrupt sees everything written
        // before it (the collector's last bars, for `collect --paper`).
        let interrupted = opts.interrupt.load(Ordering::Relaxed);
        if let Some(path) = opts.kill_file.as_ref().filter(|p| p.exists()) {
            let reason = format!("kill switch: {} exists", path.display());
            report.stop = stop(store, &spec.name, &mut route, &reason, now())?;
            break;
        }
        let row = session.stored_status(store)?;
        if row.status != SessionStatus::Running {
            let reason = row.halt_reason.unwrap_or_else(|| row.status.to_string());
            if row.status == SessionStatus::Stopped {
                report.stop = stop(store, &spec.name, &mut route, &reason, now())?;
            } else {
                report.stop = StopReason::Halted { reason };
            }
            break;
        }
        let t = now();
        let step = session.step(store, t)?;
        report.steps += 1;
        report.decided += step.decided as u64;
        report.late += step.late as u64;
        report.missed = step.missed;
        report.last_bar = step.last_bar;
        report.orders = step.orders;
        if step.decided > 0 {
            tracing::debug!(session = %spec.name, decided = step.decided, late = step.late, orders = step.orders, "step");
        }
        if let Some(r) = route.as_deref_mut() {
            // A broker that cannot be reached (timeout, 5xx, 429 past the client's retries)
            // does not end the session: the route keeps what it recorded and the next step
            // looks up, then sends, what did not go through.
            match r.sync(session.journal(), t) {
                Ok(Some(live)) => {
                    store.save_session_journal(&spec.name, &live)?;
                }
                Ok(None) => {}
                Err(e) => {
                    report.broker_errors += 1;
                    tracing::warn!(session = %spec.name, error = %e, "broker sync failed; retried at the next step");
                }
            }
        }
        if let Some(reason) = step.halted {
            tracing::warn!(session = %spec.name, %reason, "paper session halted");
            if let Some(r) = route.as_deref_mut()
                && let Some(live) = r.cancel_open(t)?
            {
                store.save_session_journal(&spec.name, &live)?;
            }
            report.stop = StopReason::Halted { reason };
            break;
        }
        if opts.max_bars.is_some_and(|m| report.decided >= m) || opts.until.is_some_and(|u| t >= u)
        {
            break;
        }
        if interrupted {
            report.stop = StopReason::Interrupted;
            break;
        }
        std::thread::sleep(opts.poll);
    }
    Ok(report)
}

/// Stops the session: its status says why, and the broker's open orders are canceled.
fn stop<S: PaperStore + ?Sized>(
    store: &mut S,
    name: &str,
    route: &mut Option<&mut dyn Route>,
    reason: &str,
    now: UnixNanos,
) -> Result<StopReason, LiveError> {
    if let Some(r) = route.as_deref_mut()
        && let Some(live) = r.cancel_open(now)?
    {
        store.save_session_journal(name, &live)?;
    }
    store.set_session_status(name, SessionStatus::Stopped, Some(reason))?;
    tracing::warn!(session = %name, %reason, "paper session stopped");
    Ok(StopReason::Stopped {
        reason: reason.to_owned(),
    })
}
