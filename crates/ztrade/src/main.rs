//! The `ztrade` binary: parses the command line, sets up logging, and hands each command to its
//! module under `cli/`. Errors end here: printed once, exit code 1.

mod cli;
mod logging;
mod output;
mod progress;

use clap::Parser;

fn main() -> std::process::ExitCode {
    // Like other Unix tools, end quietly when the reader of stdout goes away (`ztrade … | head`)
    // instead of panicking on a broken pipe.
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = cli::Cli::parse();
    logging::init(args.global.log_format);
    let result = cli::run(args);
    report_peak_rss();
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The error and its causes joined by ": ", like `{:#}`, but a cause that its parent's message
/// already quotes (library errors often print their `#[source]` too) is not repeated.
fn one_line(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// With `ZTRADE_REPORT_PEAK_RSS=1`, prints the process's peak resident memory to stderr on exit
/// (read by `ztrade bench`, which runs ztrade as a user would).
fn report_peak_rss() {
    if std::env::var_os("ZTRADE_REPORT_PEAK_RSS").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(kib) = status.lines().find_map(|l| l.strip_prefix("VmHWM:")) {
        eprintln!(
            "ztrade peak rss kib: {}",
            kib.trim().trim_end_matches(" kB")
        );
    }
}
