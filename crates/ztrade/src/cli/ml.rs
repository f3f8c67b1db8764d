//! `ztrade ml labels|export`: triple-barrier labels of a run's entries, and the dataset
//! (`app::labels`, which picks the entries and features a run stored).

use std::path::PathBuf;

use app::labels::dataset::{self, DatasetRequest};
use app::labels::{LabelRequest, label_stored};
use clap::{Args, Subcommand};
use formats::export::Format;

use super::{GlobalArgs, Open};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum MlCommand {
    /// Label every promoted entry of a stored run with a triple barrier (take-profit, stop-loss,
    /// time) and store the labels; barriers default to the agent's take_profit_pct and
    /// stop_loss_pct.
    Labels(LabelArgs),
    /// Write a labelled run's dataset (one row per label, then one column per feature) as CSV or
    /// Parquet, with a manifest (FILE.manifest.json) beside it.
    Export {
        /// The stored run (`backtest list`), labelled by `ml labels`.
        #[arg(long)]
        run: i64,
        /// csv or parquet (exact decimal prices, UTC timestamps).
        #[arg(long, value_parser = ["csv", "parquet"])]
        format: String,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct LabelArgs {
    /// The stored run (`backtest list`).
    #[arg(long)]
    run: i64,
    /// Take-profit in percent of the entry (2.5 = 2.5 %), as take_profit_pct in an agent.
    #[arg(long, value_name = "PCT")]
    take_profit: Option<String>,
    /// Stop-loss in percent of the entry, as stop_loss_pct in an agent.
    #[arg(long, value_name = "PCT")]
    stop_loss: Option<String>,
    /// Time stop: held at most N bars, the entry bar first.
    #[arg(long, value_name = "N")]
    max_bars: Option<u32>,
    /// Time stop: held in the bars starting within N minutes of the entry.
    #[arg(long, value_name = "N")]
    max_minutes: Option<u32>,
    /// Time stop at the close of the entry's session (the symbol's calendar).
    #[arg(long)]
    session_close: bool,
    /// Returns σ is measured over for --tp-vol and --sl-vol (default 20), up to the signal bar.
    #[arg(long, value_name = "N")]
    vol_window: Option<usize>,
    /// Take-profit at K × σ of past returns from the entry (instead of --take-profit).
    #[arg(long, value_name = "K")]
    tp_vol: Option<f64>,
    /// Stop-loss at K × σ of past returns from the entry (instead of --stop-loss).
    #[arg(long, value_name = "K")]
    sl_vol: Option<f64>,
}

pub fn run(cmd: MlCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    match cmd {
        MlCommand::Labels(a) => {
            let req = LabelRequest {
                run_id: a.run,
                take_profit: a.take_profit,
                stop_loss: a.stop_loss,
                max_bars: a.max_bars,
                max_minutes: a.max_minutes,
                session_close: a.session_close,
                vol_window: a.vol_window,
                tp_vol: a.tp_vol,
                sl_vol: a.sl_vol,
            };
            let report = label_stored(g.open(Open::Migrated)?.as_mut(), &req)?;
            output::reply(g.json, &report, render::text::labels)
        }
        MlCommand::Export { run, format, out } => {
            let req = DatasetRequest {
                run_id: run,
                format: Format::parse(&format)?,
                out,
            };
            let report = dataset::export_stored(g.open(Open::Ready)?.as_ref(), &req)?;
            output::reply(g.json, &report, render::text::dataset)
        }
    }
}
