//! The engine: one event type in, one `process`, a [`BacktestResult`] out.
//!
//! - this file: [`Engine`] construction, [`Engine::run`] (feed → process loop) and
//!   [`Engine::process`], the per-bar sequence, and [`Engine::finish`].
//! - `curve`: timestamp groups, the equity points kept ([`crate::EquityCurve`]), per-stamp counts.
//! - `exec`: working orders against a bar, sizing, booking fills.
//! - `bracket`: stop-loss and take-profit levels and the exits they trigger.
//! - `risk`: session tracking, daily-loss and drawdown halts, flatten at the close.
//!
//! Per bar of the run's timeframe, in this order: close the previous timestamp group (its equity
//! point, if the curve keeps it); roll the session; fill working orders decided before the bar
//! opened; check the position's bracket; mark to the close; apply risk limits; ask the strategy
//! (which sees the position after this bar's fills); flatten at the session close if configured.
//! Each step that has nothing to do costs one predictable branch. A run over a single bar stream
//! (one symbol, no finer bars, no sentiment) skips the feed's heap. The hot path allocates
//! nothing except the equity curve's amortized growth.
//!
//! Every step returns `Result<_, Overflow>`: a price, quantity or amount that would not fit its
//! type ends the run with [`EngineError::Overflow`], naming the symbol and bar, rather than
//! being wrapped or capped. The checks are single branches on values computed anyway.

mod bracket;
mod curve;
mod exec;
mod journaling;
mod risk;
#[cfg(test)]
mod tests;

use domain::{Bar, Price, SentimentRecord, Symbol, UnixNanos};

use crate::bartime::WindowRule;
use crate::clock::Clock;
use crate::config::{EngineConfig, IntrabarPolicy};
use crate::error::{EngineError, SourceError};
use crate::event::{Event, SymbolId};
use crate::features::{FeatureBook, FeatureSet};
use crate::feed::{Feed, Inputs, Route, Timed};
use crate::journal::recorder::Recorder;
use crate::models::{FeeModel, FillModel, NextOpen, NoFees, NoSlippage, SlippageModel};
use crate::order::{Bracket, OrderRequest, WorkingOrder};
use crate::overflow::Overflow;
use crate::portfolio::Portfolio;
use crate::result::{BacktestResult, Counts, Fill, Halt, OpenPosition};
use crate::strategy::{Context, Strategy};

use curve::Groups;
pub use risk::RiskState;

/// Stop and take-profit levels guarding one symbol's position.
#[derive(Debug, Clone, Copy)]
struct ActiveBracket {
    stop: Option<Price>,
    take_profit: Option<Price>,
    /// Bars opening before this cannot trigger it (an entry filled inside a bar waits a bar).
    active_from: UnixNanos,
}

#[derive(Debug, Default)]
struct SymbolState {
    bracket: Option<ActiveBracket>,
    /// Finer bars since the last bar of the run's timeframe (`intrabar: finer_bars`).
    finer: Vec<Bar>,
}

pub struct Engine {
    cfg: EngineConfig,
    rule: WindowRule,
    default_bracket: Option<Bracket>,
    strategy: Box<dyn Strategy>,
    fill_model: Box<dyn FillModel>,
    fees: Box<dyn FeeModel>,
    slippage: Box<dyn SlippageModel>,
    clock: Clock,
    book: Portfolio,
    symbols: Vec<SymbolState>,
    working: Vec<WorkingOrder>,
    out: Vec<OrderRequest>,
    fills: Vec<Fill>,
    groups: Groups,
    counts: Counts,
    risk: RiskState,
    halt: Option<Halt>,
    /// No session tracking, no book-wide limits, no finer bars: most runs, on a shorter path.
    plain: bool,
    /// Bars stamped before this only warm the strategy up ([`crate::warmup`]); cleared at the
    /// first bar at or after it.
    trade_from: Option<UnixNanos>,
    /// The agent's features ([`crate::features`]); `None` costs one branch per bar.
    features: Option<Box<FeatureBook>>,
    /// The journal, when one was asked for ([`Engine::with_journal`]); boxed so an engine
    /// without one stays as small as before.
    journal: Option<Box<Recorder>>,
}

impl Engine {
    /// An engine with the default models: [`NextOpen`] fills, no fees, no slippage.
    pub fn new(cfg: EngineConfig, strategy: Box<dyn Strategy>) -> Result<Self, EngineError> {
        cfg.validate()?;
        let n = cfg.symbols.len();
        let risk = RiskState::new(&cfg);
        Ok(Self {
            rule: WindowRule::new(cfg.timeframe, cfg.calendar),
            default_bracket: cfg.risk.default_bracket(),
            book: Portfolio::new(cfg.initial_capital, n),
            symbols: (0..n).map(|_| SymbolState::default()).collect(),
            plain: !risk.tracks_sessions()
                && !risk.has_limits()
                && cfg.intrabar != IntrabarPolicy::FinerBars,
            risk,
            groups: Groups::new(cfg.equity_curve, cfg.timeframe),
            cfg,
            strategy,
            fill_model: Box::new(NextOpen),
            fees: Box::new(NoFees),
            slippage: Box::new(NoSlippage),
            clock: Clock::new(),
            working: Vec::new(),
            out: Vec::with_capacity(8),
            fills: Vec::new(),
            counts: Counts::default(),
            halt: None,
            trade_from: None,
            features: None,
            journal: None,
        })
    }

    /// Bars stamped before `t` warm the strategy up and nothing else: no fills, no equity, no
    /// counts but [`Counts::warmup_bars`]. The run's result starts at its first bar from `t`.
    pub fn trading_from(mut self, t: UnixNanos) -> Self {
        self.trade_from = Some(t);
        self
    }

    /// Computes `set` for every symbol at each bar before the strategy decides; strategies read
    /// them through [`Context::feature`] and the result keeps them ([`BacktestResult::features`]).
    /// An empty set changes nothing.
    pub fn with_features(mut self, set: FeatureSet) -> Self {
        self.features = (!set.is_empty()).then(|| {
            Box::new(FeatureBook::new(
                set,
                &self.cfg.symbols,
                self.cfg.calendar,
                self.cfg.timeframe,
            ))
        });
        self
    }

    pub fn with_fill_model(mut self, m: Box<dyn FillModel>) -> Self {
        self.fill_model = m;
        self
    }
    pub fn with_fees(mut self, m: Box<dyn FeeModel>) -> Self {
        self.fees = m;
        self
    }
    pub fn with_slippage(mut self, m: Box<dyn SlippageModel>) -> Self {
        self.slippage = m;
        self
    }

    pub fn config(&self) -> &EngineConfig {
        &self.cfg
    }
    pub fn portfolio(&self) -> &Portfolio {
        &self.book
    }
    pub fn fills(&self) -> &[Fill] {
        &self.fills
    }
    pub fn now(&self) -> Option<UnixNanos> {
        self.clock.now()
    }

    /// The id of `symbol` in this run, for building [`Event`]s by hand.
    pub fn symbol_id(&self, symbol: &Symbol) -> Option<SymbolId> {
        self.cfg
            .symbols
            .iter()
            .position(|s| s == symbol)
            .map(|i| SymbolId(i as u32))
    }

    /// Merges `inputs`, processes every event and returns the result.
    pub fn run<E: Into<SourceError>>(
        mut self,
        mut inputs: Inputs<'_, E>,
    ) -> Result<BacktestResult, EngineError> {
        for (symbol, timeline) in std::mem::take(&mut inputs.ticks) {
            let Some(s) = self.symbol_id(&symbol) else {
                return Err(self.unknown("tick features", symbol.to_string()));
            };
            if let Some(f) = self.features.as_deref_mut() {
                f.set_ticks(s.index(), timeline);
            }
        }
        let feed = Feed::new(
            &self.cfg.symbols,
            self.cfg.timeframe,
            self.cfg.calendar,
            inputs,
        )?;
        if self.groups.keeps_every_group() {
            self.groups.points.reserve(feed.bar_stamps_hint());
        }
        if let Some(j) = &mut self.journal {
            j.expect_bars(feed.bars_hint());
        }
        match feed.route() {
            Route::Single(symbol, bars) => bars.try_for_each(|bar, w| {
                self.clock.advance(w.close)?;
                self.on_bar(symbol, bar, w.open, w.close)
                    .map_err(|e| self.overflow(symbol, bar.ts, e))
            })?,
            Route::Merge(feed) => {
                for item in feed {
                    self.process_timed(item?)?;
                }
            }
        }
        self.finish()
    }

    /// Handles one event. Bars must arrive in close-time order (the clock refuses older ones).
    /// After an [`EngineError::Overflow`] the run cannot go on: drop the engine.
    pub fn process(&mut self, event: Event) -> Result<(), EngineError> {
        let (time, open) = match &event {
            Event::Bar { timeframe, bar, .. } => {
                let w = if *timeframe == self.cfg.timeframe {
                    self.rule.window(bar.ts)
                } else {
                    WindowRule::new(*timeframe, self.cfg.calendar).window(bar.ts)
                };
                (w.close, w.open)
            }
            Event::Sentiment(r) => (r.ts, r.ts),
        };
        self.process_timed(Timed { time, open, event })
    }

    #[inline]
    fn process_timed(&mut self, t: Timed) -> Result<(), EngineError> {
        self.clock.advance(t.time)?;
        match t.event {
            Event::Bar {
                symbol,
                timeframe,
                bar,
            } => {
                if symbol.index() >= self.cfg.symbols.len() {
                    return Err(self.unknown("bars", format!("#{}", symbol.0)));
                }
                if timeframe == self.cfg.timeframe {
                    self.on_bar(symbol, &bar, t.open, t.time)
                        .map_err(|e| self.overflow(symbol, bar.ts, e))?;
                } else {
                    self.counts.finer_bars += 1;
                    if self.cfg.intrabar == IntrabarPolicy::FinerBars {
                        self.symbols[symbol.index()].finer.push(bar);
                    }
                }
            }
            Event::Sentiment(record) => self.on_sentiment(record, t.time)?,
        }
        Ok(())
    }

    #[cold]
    fn overflow(&self, s: SymbolId, at: UnixNanos, detail: Overflow) -> EngineError {
        EngineError::Overflow {
            symbol: self.cfg.symbols[s.index()].to_string(),
            at,
            detail,
        }
    }

    /// An overflow in a book-wide value (equity), named by every symbol of the run.
    #[cold]
    fn book_overflow(&self, at: UnixNanos, detail: Overflow) -> EngineError {
        EngineError::Overflow {
            symbol: self.symbol_list(","),
            at,
            detail,
        }
    }

    fn symbol_list(&self, separator: &str) -> String {
        let names: Vec<&str> = self.cfg.symbols.iter().map(Symbol::as_str).collect();
        names.join(separator)
    }

    fn unknown(&self, what: &'static str, symbol: String) -> EngineError {
        EngineError::UnknownSymbol {
            what,
            symbol,
            known: self.symbol_list(", "),
        }
    }

    #[inline]
    fn on_bar(
        &mut self,
        s: SymbolId,
        bar: &Bar,
        open: UnixNanos,
        close: UnixNanos,
    ) -> Result<(), Overflow> {
        if let Some(t) = self.trade_from {
            if bar.ts < t {
                self.warm_up(s, bar, close);
                return Ok(());
            }
            self.trade_from = None;
        }
        let i = s.index();
        if let Some(f) = self.features.as_deref_mut() {
            f.update(i, bar, close, true);
        }
        if self.groups.current != Some(bar.ts) {
            self.next_group(bar.ts)?;
        }
        self.counts.bars += 1;
        if self.journal.is_some() {
            self.journal_bar_start(bar, open)?;
        }
        if self.plain {
            // The sequence below without the steps that have nothing to do in such a run.
            if !self.working.is_empty() {
                self.fill_working(i, bar, open)?;
            }
            if self.symbols[i].bracket.is_some() {
                self.check_bracket(i, bar, open, close)?;
            }
            self.book.set_mark(i, bar.close);
            if self.journal.is_some() {
                self.journal_marked(close)?;
            }
            self.decide(s, bar, close);
            return Ok(());
        }
        let sessions = self.risk.tracks_sessions();
        if sessions {
            self.roll_session(open)?;
            self.flatten_outside_session(i, bar, open)?;
        }
        if !self.working.is_empty() && (!sessions || self.may_fill(open)) {
            self.fill_working(i, bar, open)?;
        }
        if self.symbols[i].bracket.is_some() {
            self.check_bracket(i, bar, open, close)?;
        }
        self.book.set_mark(i, bar.close);
        if self.risk.has_limits() {
            self.check_limits(bar.ts, close)?;
        }
        if self.journal.is_some() {
            self.journal_marked(close)?;
        }
        self.decide(s, bar, close);
        if sessions {
            self.flatten_at_close(i, bar, open, close)?;
        }
        if !self.symbols[i].finer.is_empty() {
            self.symbols[i].finer.clear();
        }
        Ok(())
    }

    /// A warm-up bar: the strategy sees it against an empty book, and that is all.
    #[cold]
    fn warm_up(&mut self, s: SymbolId, bar: &Bar, close: UnixNanos) {
        self.counts.warmup_bars += 1;
        if let Some(f) = self.features.as_deref_mut() {
            f.update(s.index(), bar, close, false);
        }
        let ctx = Context {
            now: close,
            symbols: &self.cfg.symbols,
            book: &self.book,
            working: &[],
            allow_short: self.cfg.allow_short,
            halted: false,
            features: self.features.as_deref(),
            notes: None,
        };
        self.strategy.warm_up(&ctx, s, bar);
    }

    /// The strategy's turn at a bar's close; what it asks for starts working.
    #[inline]
    fn decide(&mut self, s: SymbolId, bar: &Bar, close: UnixNanos) {
        let ctx = Context {
            now: close,
            symbols: &self.cfg.symbols,
            book: &self.book,
            working: &self.working,
            allow_short: self.cfg.allow_short,
            halted: self.risk.halted(),
            features: self.features.as_deref(),
            notes: self.journal.as_deref().map(|j| &j.notes),
        };
        self.strategy.on_bar(&ctx, s, bar, &mut self.out);
        if !self.out.is_empty() {
            self.submit(close);
        }
        if self.journal.as_mut().is_some_and(|j| j.has_notes()) {
            self.journal_flush_notes(close);
        }
    }

    fn on_sentiment(&mut self, record: SentimentRecord, now: UnixNanos) -> Result<(), EngineError> {
        let Some(s) = self.symbol_id(&record.symbol) else {
            return Err(self.unknown("sentiment record", record.symbol.to_string()));
        };
        self.counts.sentiment += 1;
        let warming = self.trade_from.is_some_and(|t| record.ts < t);
        let ctx = Context {
            now,
            symbols: &self.cfg.symbols,
            book: &self.book,
            working: &self.working,
            allow_short: self.cfg.allow_short,
            halted: self.risk.halted(),
            features: self.features.as_deref(),
            notes: (self.journal.as_deref())
                .filter(|_| !warming)
                .map(|j| &j.notes),
        };
        self.strategy.on_sentiment(&ctx, s, &record, &mut self.out);
        if warming {
            self.out.clear();
        } else if !self.out.is_empty() {
            self.submit(now);
        }
        if self.journal.as_mut().is_some_and(|j| j.has_notes()) {
            self.journal_flush_notes(now);
        }
        Ok(())
    }

    /// Ends the run: records the last equity point, drops orders that never filled and values
    /// open positions at their last close (they are not closed).
    pub fn finish(mut self) -> Result<BacktestResult, EngineError> {
        let (Some(start), Some(end)) = (self.groups.first, self.groups.current) else {
            return Err(EngineError::NoBars {
                symbol: self.symbol_list(","),
                timeframe: self.cfg.timeframe,
            });
        };
        self.close_group(end, true)
            .map_err(|e| self.book_overflow(end, e))?;
        let final_equity = self.book.equity().map_err(|e| self.book_overflow(end, e))?;
        let unrealized_pnl = (self.book.unrealized()).map_err(|e| self.book_overflow(end, e))?;
        self.counts.unfilled += self.working.len() as u64;
        let journal = match self.journal.take() {
            Some(j) => Some(
                self.journal_finish(*j, end)
                    .map_err(|e| self.book_overflow(end, e))?,
            ),
            None => None,
        };
        let open_positions = self
            .book
            .positions()
            .iter()
            .zip(&self.cfg.symbols)
            .filter(|(p, _)| !p.qty.is_zero())
            .map(|(p, s)| OpenPosition {
                symbol: s.clone(),
                quantity: p.qty,
                cost: p.cost,
                mark: p.mark.unwrap_or_default(),
                market_value: p.market_value(),
            })
            .collect();
        Ok(BacktestResult {
            symbols: self.cfg.symbols.clone(),
            timeframe: self.cfg.timeframe,
            start,
            end,
            initial_capital: self.book.initial(),
            final_equity,
            final_cash: self.book.cash(),
            realized_pnl: self.book.realized(),
            unrealized_pnl,
            total_commission: self.book.fees(),
            counts: self.counts,
            halted: self.halt,
            open_positions,
            strategy: self.strategy.diagnostics(),
            fills: self.fills,
            equity: self.groups.points,
            features: self.features.map(|f| f.into_frame()),
            journal,
        })
    }
}
