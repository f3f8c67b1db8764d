//! `ztrade paper run|stop|status` and `ztrade replay`: an agent traded forward on the bars the
//! collector stores (`app::paper`, the `live` loop), and a session replayed against its record.

use clap::{Args, Subcommand};
use collector::runtime::Clock;

use super::flags::ClockArgs;
use super::paper_loop::{PaperLoopArgs, run_loop};
use super::provider_keys::MasterArgs;
use super::{GlobalArgs, Open};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum PaperCommand {
    /// Run an agent forward on the bars the collector writes into the store: each bar decided
    /// once when complete, every input and decision recorded; run it again to resume.
    Run(RunArgs),
    /// Stop a session: its loop ends at its next step, cancels open orders and says why.
    Stop {
        /// The session's name (`paper status`).
        session: String,
        /// Why, shown by `paper status`.
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Every session: equity, open positions and orders, today's P&L, the last bar decided and
    /// the lag behind the market.
    Status,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The agent's id (agents/ID.yaml).
    agent: String,
    #[command(flatten)]
    paper: PaperLoopArgs,
    /// End the loop once the clock passes TIME (RFC 3339); the session stays resumable.
    #[arg(long, value_name = "TIME", value_parser = super::flags::parse_time)]
    until: Option<domain::UnixNanos>,
    #[command(flatten)]
    clock: ClockArgs,
    /// alpaca-paper: keys from the environment first, then the vault in the store.
    #[command(flatten)]
    master: MasterArgs,
}

/// `ztrade replay SESSION`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The session's name (`paper status`).
    session: String,
}

pub fn run(cmd: PaperCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    match cmd {
        PaperCommand::Run(a) => {
            let (clock, key_file) = ((a.clock.clock(), a.until), a.master.key_file.as_deref());
            let r = run_loop(g, &a.agent, &a.paper, key_file, clock, Default::default())?;
            output::reply(g.json, &r, render::text::paper_run)
        }
        PaperCommand::Stop { session, reason } => {
            app::paper::stop(g.open(Open::Ready)?.as_mut(), &session, reason.as_deref())?;
            output::reply(
                g.json,
                &serde_json::json!({"session": session, "status": "stopped"}),
                |t, _| t.line(format!("paper session {session} stopped")),
            )
        }
        PaperCommand::Status => {
            let views = app::paper::status(g.open(Open::Ready)?.as_ref(), Clock::System.now())?;
            output::reply(g.json, &views, |t, v| render::text::sessions(t, v))
        }
    }
}

pub fn replay(args: ReplayArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let r = app::paper::replay(g.open(Open::Ready)?.as_ref(), &args.session)?;
    output::reply(g.json, &r, render::text::replay)
}
