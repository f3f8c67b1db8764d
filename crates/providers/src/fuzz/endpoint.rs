//! Which body a fuzzed parser expects. Its own file so that the providers' dispatchers
//! (`alpaca/fuzz.rs`, `polygon/fuzz.rs`) and `fuzz/mod.rs`, which calls them, depend on it one way.
//! `Actions` is Alpaca's corporate actions, and for Polygon the body through both the splits' and
//! the dividends' parser.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Bars { daily: bool },
    Trades,
    Quotes,
    News,
    OptionChain,
    Actions,
}
