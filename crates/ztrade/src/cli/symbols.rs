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
            if g.json {
                return output::json(&list);
            }
            output::text(|t| render::text::symbols(t, &list));
        }
        SymbolsCommand::Show { symbol } => {
            let view = app::symbols::show(g.open(Open::Ready)?.as_ref(), &symbol)?;
            if g.json {
                return output::json(&view);
            }
            output::text(|t| render::text::symbol(t, &view));
        }
        SymbolsCommand::Set { symbol, calendar } => {
            let mut store = g.open(Open::Migrated)?;
            let change = app::symbols::set(store.as_mut(), &symbol, calendar)?;
            if g.json {
                return output::json(&change);
            }
            output::text(|t| render::text::calendar_change(t, &symbol, &change));
        }
    }
    Ok(())
}
