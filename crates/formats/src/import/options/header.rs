//! Header names → which layout, and where its fields are.

use std::fmt;

use domain::OptionQuote;

use super::cells::FieldError;

/// The option file layouts read; see the module's comment of [`super`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionLayout {
    /// A yfinance `option_chain()` snapshot.
    YfinanceChain,
    /// LEAN option minute quote bars.
    LeanQuoteBars,
    /// LEAN option minute trade bars.
    LeanTradeBars,
}

impl OptionLayout {
    /// Every layout, in the order errors list them.
    pub const ALL: [OptionLayout; 3] = [
        Self::YfinanceChain,
        Self::LeanQuoteBars,
        Self::LeanTradeBars,
    ];

    /// `yfinance`, `lean_quote` or `lean_trade`.
    pub fn name(self) -> &'static str {
        match self {
            Self::YfinanceChain => "yfinance",
            Self::LeanQuoteBars => "lean_quote",
            Self::LeanTradeBars => "lean_trade",
        }
    }

    /// The columns the layout needs, as an error message lists them.
    pub fn columns(self) -> &'static str {
        match self {
            Self::YfinanceChain => {
                "contractSymbol, lastTradeDate, strike, lastPrice, bid, ask, volume, \
                 openInterest, impliedVolatility[, contractSize, optionType, ...]"
            }
            Self::LeanQuoteBars => {
                "timestamp_et, underlying, right[, style], strike, expiry, bid_open, bid_high, \
                 bid_low, bid_close, bid_size, ask_open, ask_high, ask_low, ask_close, ask_size"
            }
            Self::LeanTradeBars => {
                "timestamp_et, underlying, right[, style], strike, expiry, open, high, low, \
                 close, volume"
            }
        }
    }

    /// `stored` with the fields this layout carries taken from `new` (same contract and time):
    /// what a file of this layout says replaces, what it cannot say is kept. A trade-bar file
    /// so keeps the bid and ask a quote-bar file stored, and the other way round.
    pub fn overlay(self, stored: &OptionQuote, new: OptionQuote) -> OptionQuote {
        let mut out = stored.clone();
        match self {
            Self::YfinanceChain => {
                out.bid = new.bid;
                out.ask = new.ask;
                out.last = new.last;
                out.last_trade_at = new.last_trade_at;
                out.volume = new.volume;
                out.open_interest = new.open_interest;
                out.iv = new.iv;
            }
            Self::LeanQuoteBars => {
                out.bid = new.bid;
                out.ask = new.ask;
                out.bid_size = new.bid_size;
                out.ask_size = new.ask_size;
                out.quoted_at = new.quoted_at;
            }
            Self::LeanTradeBars => {
                out.last = new.last;
                out.last_trade_at = new.last_trade_at;
                out.volume = new.volume;
            }
        }
        out.contract = new.contract;
        out.ts = new.ts;
        out
    }
}

impl fmt::Display for OptionLayout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Field positions of a yfinance chain.
#[derive(Debug, Clone)]
pub(super) struct YfinanceColumns {
    pub occ: usize,
    pub last_trade: usize,
    pub strike: usize,
    pub last: usize,
    pub bid: usize,
    pub ask: usize,
    pub volume: usize,
    pub open_interest: usize,
    pub iv: usize,
    pub contract_size: Option<usize>,
    pub option_type: Option<usize>,
}

/// Field positions of the contract columns of a LEAN option file.
#[derive(Debug, Clone)]
pub(super) struct LeanContract {
    pub ts: usize,
    pub underlying: usize,
    pub right: usize,
    pub style: Option<usize>,
    pub strike: usize,
    pub expiry: usize,
}

/// Field positions of LEAN quote bars: the contract, then open, high, low, close and size of
/// each side.
#[derive(Debug, Clone)]
pub(super) struct LeanQuoteColumns {
    pub contract: LeanContract,
    pub bid: [usize; 4],
    pub bid_size: usize,
    pub ask: [usize; 4],
    pub ask_size: usize,
}

/// Field positions of LEAN trade bars: the contract, open, high, low, close and volume.
#[derive(Debug, Clone)]
pub(super) struct LeanTradeColumns {
    pub contract: LeanContract,
    pub ohlc: [usize; 4],
    pub volume: usize,
}

/// A header read: the layout with its field positions.
#[derive(Debug, Clone)]
pub(super) enum Columns {
    Yfinance(YfinanceColumns),
    LeanQuote(LeanQuoteColumns),
    LeanTrade(LeanTradeColumns),
}

impl Columns {
    pub fn layout(&self) -> OptionLayout {
        match self {
            Self::Yfinance(_) => OptionLayout::YfinanceChain,
            Self::LeanQuote(_) => OptionLayout::LeanQuoteBars,
            Self::LeanTrade(_) => OptionLayout::LeanTradeBars,
        }
    }
}

/// Header names, looked up by any of a column's spellings, in any case.
struct Names<'a> {
    names: &'a [String],
    layout: OptionLayout,
}

impl Names<'_> {
    fn find(&self, spellings: &[&str]) -> Result<Option<usize>, FieldError> {
        let mut hits = self.names.iter().enumerate().filter(|(_, n)| {
            let n = n.trim();
            spellings.iter().any(|s| n.eq_ignore_ascii_case(s))
        });
        let first = hits.next().map(|(i, _)| i);
        if let Some((_, again)) = hits.next() {
            return Err((again.trim().to_string(), "column given twice".into()));
        }
        Ok(first)
    }

    fn has(&self, spelling: &str) -> bool {
        self.names
            .iter()
            .any(|n| n.trim().eq_ignore_ascii_case(spelling))
    }

    fn need(&self, spellings: &[&str]) -> Result<usize, FieldError> {
        self.find(spellings)?.ok_or_else(|| {
            (
                "header".to_string(),
                format!(
                    "no {} column (a {} file has {})",
                    spellings[0],
                    self.layout.name(),
                    self.layout.columns()
                ),
            )
        })
    }
}

/// The layout of a file with these header names, or an error listing the known layouts.
pub(super) fn columns(names: &[String]) -> Result<Columns, FieldError> {
    let mut n = Names {
        names,
        layout: OptionLayout::YfinanceChain,
    };
    if n.has("contractSymbol") {
        return Ok(Columns::Yfinance(YfinanceColumns {
            occ: n.need(&["contractSymbol"])?,
            last_trade: n.need(&["lastTradeDate"])?,
            strike: n.need(&["strike"])?,
            last: n.need(&["lastPrice"])?,
            bid: n.need(&["bid"])?,
            ask: n.need(&["ask"])?,
            volume: n.need(&["volume"])?,
            open_interest: n.need(&["openInterest"])?,
            iv: n.need(&["impliedVolatility"])?,
            contract_size: n.find(&["contractSize"])?,
            option_type: n.find(&["optionType"])?,
        }));
    }
    let lean = ["right", "strike", "expiry"].iter().all(|c| n.has(c));
    if lean && n.has("bid_close") {
        n.layout = OptionLayout::LeanQuoteBars;
        let side = |s: &str| -> Result<[usize; 4], FieldError> {
            Ok([
                n.need(&[&format!("{s}_open")])?,
                n.need(&[&format!("{s}_high")])?,
                n.need(&[&format!("{s}_low")])?,
                n.need(&[&format!("{s}_close")])?,
            ])
        };
        return Ok(Columns::LeanQuote(LeanQuoteColumns {
            contract: lean_contract(&n)?,
            bid: side("bid")?,
            bid_size: n.need(&["bid_size"])?,
            ask: side("ask")?,
            ask_size: n.need(&["ask_size"])?,
        }));
    }
    if lean && n.has("close") {
        n.layout = OptionLayout::LeanTradeBars;
        return Ok(Columns::LeanTrade(LeanTradeColumns {
            contract: lean_contract(&n)?,
            ohlc: [
                n.need(&["open"])?,
                n.need(&["high"])?,
                n.need(&["low"])?,
                n.need(&["close"])?,
            ],
            volume: n.need(&["volume"])?,
        }));
    }
    let known: Vec<String> = OptionLayout::ALL
        .iter()
        .map(|l| format!("{} ({})", l.name(), l.columns()))
        .collect();
    Err((
        "header".into(),
        format!(
            "not a known option file layout; the known layouts are: {}",
            known.join("; ")
        ),
    ))
}

fn lean_contract(n: &Names<'_>) -> Result<LeanContract, FieldError> {
    Ok(LeanContract {
        ts: n.need(&["timestamp_et", "timestamp", "time"])?,
        underlying: n.need(&["underlying"])?,
        right: n.need(&["right"])?,
        style: n.find(&["style"])?,
        strike: n.need(&["strike"])?,
        expiry: n.need(&["expiry"])?,
    })
}
