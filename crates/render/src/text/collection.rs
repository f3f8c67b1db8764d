//! `collect`, `scheduler` and `worker`: what each run of the collection did.

use collector::service::{EmbeddedReport, SchedulerReport, WorkerReport};

use crate::Text;

/// `collect`: runs and their follow-ups.
pub fn embedded(t: &mut Text, r: &EmbeddedReport) {
    let after = match r.follow_ups {
        0 => String::new(),
        n => format!(" and {n} queued after them"),
    };
    t.line(format!(
        "{} runs{after}: {} ok, {} failed",
        r.runs, r.ok, r.failed
    ));
}

/// `scheduler`: runs due and queued.
pub fn scheduler(t: &mut Text, s: &SchedulerReport) {
    t.line(format!("{} runs due, {} newly queued", s.runs, s.enqueued));
}

/// `worker`: its runs.
pub fn worker(t: &mut Text, w: &WorkerReport) {
    t.line(format!(
        "worker {}: {} runs ok, {} failed",
        w.worker, w.ok, w.failed
    ));
}
