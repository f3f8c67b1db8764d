//! `ztrade symbols list|show|set`: symbols and the calendar each is measured against.

use clap::Subcommand;
use domain::Symbol;
use domain::calendar::Calendar;

use super::{GlobalArgs, Open};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum SymbolsCommand {
    /// Every stored symbol with its calendar, bar series and rows.
    List,
    /// One symbol: its calendar, what that calendar expects, and its series with missing bars.
    Show {
        /// Ticker (e.g. EURUSD).
        symbol: Symbol,
    },
    /// Put a symbol on a calendar: its series' missing bars are counted on it at once, and its
    /// next `data rollup` recomputes every bucket on the new trading days.
    Set {
        /// Ticker (stored if new, so a calendar can be set before the first import).
        symbol: Symbol,
        /// nyse (US equities and ETFs; the default), fx (24/5: Sunday 17:00 to Friday 17:00
        /// New York, days end at 17:00), crypto (24/7, UTC days) or none (nothing expected:
        /// coverage is not measured and no gap is reported).
        #[arg(long)]
        calendar: Calendar,
    },
}

pub fn run(cmd: SymbolsCommand, g: &GlobalArgs) -> anyhow::Result<()> {
    match cmd {
        SymbolsCommand::List => {
            let list = app::symbols::list(g.open(Open::Ready)?.as_ref())?;
            output::reply(g.json, &list, |t, l| render::text::symbols(t, l))
        }
        SymbolsCommand::Show { symbol } => {
            let view = app::symbols::show(g.open(Open::Ready)?.as_ref(), &symbol)?;
            output::reply(g.json, &view, render::text::symbol)
        }
        SymbolsCommand::Set { symbol, calendar } => {
            let mut store = g.open(Open::Migrated)?;
            let change = app::symbols::set(store.as_mut(), &symbol, calendar)?;
            output::reply(g.json, &change, render::text::calendar_change)
        }
    }
}
