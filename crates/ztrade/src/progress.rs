//! Progress bars for long work, shown only when stderr is a terminal (never in pipes, CI or
//! `--json` runs).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// A byte-count bar (imports) or item-count bar (seeds, sweeps); hidden off a terminal.
pub fn bar(total: u64, unit: Unit, message: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let template = match unit {
        Unit::Bytes => "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        Unit::Items => "{msg} [{bar:30}] {pos}/{len} {per_sec} eta {eta}",
    };
    let pb = ProgressBar::new(total);
    pb.set_style(
        ProgressStyle::with_template(template)
            .expect("valid template")
            .progress_chars("=> "),
    );
    pb.set_message(message.to_string());
    pb
}

/// A bar over a time range (position in seconds covered, for the ETA) whose message the caller
/// keeps at "N rows, R rows/s" (backfill); hidden off a terminal.
pub fn span_bar(total_secs: u64, message: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(total_secs);
    pb.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {percent}% {msg} eta {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    pb.set_prefix(message.to_string());
    pb
}

#[derive(Debug, Clone, Copy)]
pub enum Unit {
    Bytes,
    Items,
}
