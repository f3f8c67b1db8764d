//! `collect status`: the health of each job (`collector::health`), as a table or JSON.

use std::path::PathBuf;

use clap::Args;
use collector::schedule::load_plan;

use super::ClockArgs;
use crate::cli::{GlobalArgs, Open};
use crate::output;

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The collection config: adds jobs that never ran, next runs from the schedule, and how
    /// far each job is behind it.
    #[arg(long, short, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    clock: ClockArgs,
}

pub fn run(args: StatusArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let plan = args.config.as_deref().map(load_plan).transpose()?;
    let store = g.open(Open::Ready)?;
    let now = args.clock.clock().now();
    let rows = collector::health::job_health(store.as_ref(), plan.as_ref(), now)?;
    output::reply(g.json, &rows, |t, rows| render::text::job_health(t, rows))
}
