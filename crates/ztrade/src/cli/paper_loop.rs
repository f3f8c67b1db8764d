//! The paper loop as `paper run` and `collect --paper` start it: its flags, the agent and the
//! broker it trades through, and [`run_loop`] (`live::run_session` on the command's clock).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use app::paper::{LoopReport, PaperSpec, Timing};
use clap::Args;
use collector::Provider;
use collector::runtime::Clock;
use domain::UnixNanos;
use live::LoopOptions;
use store::PaperBroker;

use super::flags::{parse_short_span, parse_span};
use super::provider_keys::provider_lookup;
use super::{GlobalArgs, Open};

/// How the paper loop runs.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Paper trading")]
pub struct PaperLoopArgs {
    /// Where orders go: sim (the agent's fill model on live bars) or alpaca-paper (Alpaca's
    /// paper account; keys from APCA_API_KEY_ID / APCA_API_SECRET_KEY or `ztrade keys`, URL
    /// from ZTRADE_ALPACA_TRADING_URL).
    #[arg(long, default_value = "sim", value_name = "BROKER")]
    pub broker: PaperBroker,
    /// The session's name (default: the agent's id). Running it again resumes it.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// Real time between two looks at the store (250ms, 1s, …).
    #[arg(long, default_value = "1s", value_name = "DURATION", value_parser = parse_short_span)]
    pub poll: i64,
    /// How long after a bar's close to wait for the agent's other symbols' bars.
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = parse_span)]
    pub grace: i64,
    /// A bar first seen this long after its close is flagged late.
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = parse_span)]
    pub late_after: i64,
    /// Kill switch: when this file exists the session stops, cancels its open orders and says
    /// why.
    #[arg(long, value_name = "PATH")]
    pub kill_file: Option<PathBuf>,
    /// End the loop after this many bars were decided (the session stays resumable).
    #[arg(long, value_name = "N")]
    pub max_bars: Option<u64>,
}

fn span(nanos: i64) -> Duration {
    Duration::from_nanos(nanos.max(0) as u64)
}

/// Runs `agent_id`'s session (`live::start`) until it ends: `until` on `clock`, the kill
/// switch, `paper stop`, a halt, `max_bars` or `interrupt`. A broker's keys come from the
/// environment, then the vault opened with `key_file` or $ZTRADE_MASTER_KEY.
pub fn run_loop(
    g: &GlobalArgs,
    agent_id: &str,
    args: &PaperLoopArgs,
    key_file: Option<&Path>,
    (clock, until): (Clock, Option<UnixNanos>),
    interrupt: Arc<AtomicBool>,
) -> anyhow::Result<LoopReport> {
    let agent = g.agents().load(agent_id)?;
    let spec = PaperSpec {
        name: args.session.clone().unwrap_or_else(|| agent.id.clone()),
        agent,
        broker: args.broker,
        timing: Timing {
            grace: span(args.grace),
            late_after: span(args.late_after),
        },
    };
    let opts = LoopOptions {
        poll: span(args.poll),
        kill_file: args.kill_file.clone(),
        until,
        max_bars: args.max_bars,
        interrupt,
    };
    let keys = match args.broker {
        PaperBroker::Sim => None,
        PaperBroker::AlpacaPaper => {
            let mut store = g.open(Open::Migrated)?;
            Some(provider_lookup(
                store.as_mut(),
                key_file,
                &[Provider::Alpaca],
            )?)
        }
    };
    let keys = keys.as_ref().map(|k| k as live::start::Keys<'_>);
    Ok(live::start(&g.db_url(), &spec, &opts, keys, &move || {
        clock.now()
    })?)
}
