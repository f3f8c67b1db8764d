//! Progress bars for long work, shown only when stderr is a terminal (never in pipes, CI or
//! `--json` runs): [`Bar`] is how the use cases in `app` report progress here.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// A byte-count bar (imports) or item-count bar (seeds, sweeps); hidden off a terminal.
pub struct Bar(ProgressBar);

impl Bar {
    pub fn new(unit: Unit) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self(ProgressBar::hidden());
        }
        let template = match unit {
            Unit::Bytes => "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            Unit::Items => "{msg} [{bar:30}] {pos}/{len} {per_sec} eta {eta}",
        };
        let pb = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template(template) {
            pb.set_style(style.progress_chars("=> "));
        }
        Self(pb)
    }
}

impl app::Progress for Bar {
    fn start(&self, total: u64, what: &str) {
        self.0.reset();
        self.0.set_length(total);
        self.0.set_message(what.to_string());
    }

    fn advance(&self, n: u64) {
        self.0.inc(n);
    }

    fn set_position(&self, position: u64) {
        self.0.set_position(position);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// A bar over a time range (position in seconds covered, for the ETA) whose message the caller
/// keeps at "N rows, R rows/s" (backfill); hidden off a terminal.
pub fn span_bar(total_secs: u64, message: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(total_secs);
    if let Ok(style) =
        ProgressStyle::with_template("{prefix} [{bar:30}] {percent}% {msg} eta {eta}")
    {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_prefix(message.to_string());
    pb
}

#[derive(Debug, Clone, Copy)]
pub enum Unit {
    Bytes,
    Items,
}
