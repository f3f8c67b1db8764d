//! `ztrade report RUN…`: one self-contained HTML file (`app::report` → `render::html`).
//! The clap `about` below is the command's help.

use std::path::PathBuf;

use anyhow::Context;
use app::report::ReportRequest;
use clap::Args;
use domain::Symbol;
use formats::export::{Destination, write_bytes};

use super::{GlobalArgs, Open};
use crate::output;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Stored run ids (`backtest list` shows them); several runs are also overlaid and compared.
    #[arg(required = true)]
    runs: Vec<i64>,
    /// Draw this symbol's stored bars as the benchmark (default: the agent's own `benchmark:`).
    #[arg(long)]
    benchmark: Option<String>,
    /// The HTML file to write, or `-` for stdout. It holds everything it shows and makes no
    /// network request, so it opens offline and from a USB stick.
    #[arg(long, default_value = "report.html")]
    out: PathBuf,
}

pub fn run(a: ReportArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let mut req = ReportRequest::new(a.runs);
    req.benchmark = a
        .benchmark
        .map(|b| Symbol::new(&b).with_context(|| format!("--benchmark {b:?}")))
        .transpose()?;
    let report = app::report::build(g.open(Open::Ready)?.as_ref(), &req)?;
    if g.json {
        return output::json(&report);
    }
    let html = render::html::report(&report, &render::html::title(&report));
    let dest = Destination::of(&a.out)?;
    let bytes = write_bytes(&dest, html.as_bytes())?;
    if !dest.is_stdout() {
        eprintln!(
            "wrote {} ({} KiB): open it in a browser; it works offline",
            a.out.display(),
            bytes.div_ceil(1024)
        );
    }
    Ok(())
}
