//! The `ztrade` binary: parses the command line, sets up logging, and hands each command to its
//! module under `cli/`. Errors end here: printed once, exit code 1.

mod cli;
mod logging;
mod output;
mod progress;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    logging::init(args.global.log_format);
    match cli::run(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
