//! The buffer the engine journals into: ids, the compact records ([`JournalTape`]), the
//! snapshot cadence and the day's risk tally. Only built when the journal is on; every method
//! is called behind that check.

use std::cell::RefCell;
use std::sync::Arc;

use domain::calendar::Calendar;
use domain::journal::*;
use domain::{Action, Money, Price, Quantity, Symbol, UnixNanos};

use super::tape::{EventEntry, FillEntry, JournalTape, NONE, NONE_MONEY, OrderEntry, SignalEntry};
use super::{JournalConfig, SignalNote, SnapshotCadence, TextList, order_side};
use crate::event::SymbolId;
use crate::order::{Bracket, OrderKind, OrderQty, OrderRequest, Side};

#[derive(Debug, Clone)]
struct DayTally {
    day: RiskDay,
    peak: Money,
    r_sum: f64,
    r_any: bool,
}

#[derive(Clone)]
pub(crate) struct Recorder {
    cfg: JournalConfig,
    calendar: Calendar,
    pub(crate) tape: JournalTape,
    /// What the strategy said in the call being handled ([`crate::Context::note`]).
    pub(crate) notes: RefCell<Vec<SignalNote>>,
    /// The order whose fills are being booked (0: none).
    pub(crate) active_order: u64,
    /// When the active order's bar opened (the fill's earliest time), for latency.
    pub(crate) fill_at: UnixNanos,
    /// Per symbol: the order that opened the position and its first fill price.
    entries: Vec<Option<(u64, Price)>>,
    last_snapshot: Option<UnixNanos>,
    /// The close of the last bar marked.
    pub(crate) last_close: Option<UnixNanos>,
    /// A fill was booked since the last bar marked: a flat book's equity (its cash) may have
    /// changed. A flat book that did not trade has the equity it had.
    pub(crate) moved: bool,
    day_bounds: (UnixNanos, UnixNanos),
    day: Option<DayTally>,
    /// The current trading date (1 + its index in the tape's sessions; 0: none).
    session: u32,
    /// The rules seen, in the order of the tape's setups (`strategy:rule`).
    rules: Vec<&'static str>,
    /// The bars the run expects (0: unknown) and whether the records' vectors were sized from
    /// the rate seen so far ([`Recorder::project`]).
    bars_expected: u64,
    projected: bool,
    /// Filter lists seen lately, shared by the signals that repeat them.
    lists: SharedLists,
    /// Texts seen lately (reasons), shared by the records that repeat them.
    texts: SharedTexts,
    /// The last bracket and the index of its legs' list.
    legs: Option<(Bracket, u32)>,
}

/// The indices of the last few distinct entries of a table, so that a repeated list or text
/// is stored once per run, not once per record. A computed one (a score in it) misses and is
/// added. The last one found is tried first: runs repeat themselves.
#[derive(Debug, Default, Clone)]
struct Recent {
    kept: Vec<u32>,
    next: usize,
    last: Option<u32>,
}

impl Recent {
    const KEPT: usize = 8;

    fn find<T>(&mut self, table: &[T], same: impl Fn(&T) -> bool) -> Option<u32> {
        let found = (self.last.into_iter().chain(self.kept.iter().copied()))
            .find(|&i| table.get(i as usize).is_some_and(&same));
        if found.is_some() {
            self.last = found;
        }
        found
    }

    /// Appends `item` to `table` and remembers it; its index (saturated: a run never holds
    /// 4 billion distinct texts).
    fn add<T>(&mut self, table: &mut Vec<T>, item: T) -> u32 {
        let i = u32::try_from(table.len()).unwrap_or(u32::MAX);
        table.push(item);
        if self.kept.len() < Self::KEPT {
            self.kept.push(i);
        } else {
            self.kept[self.next] = i;
            self.next = (self.next + 1) % Self::KEPT;
        }
        self.last = Some(i);
        i
    }
}

/// Equal texts; the engine's constants are the same pointer, so most are decided without
/// reading them.
fn same_text(a: &Text, b: &Text) -> bool {
    (a.len() == b.len() && std::ptr::eq(a.as_ptr(), b.as_ptr())) || a == b
}

#[derive(Debug, Default, Clone)]
struct SharedLists(Recent);

impl SharedLists {
    /// The list's index in `table` (0, the empty list, for an empty one).
    fn share(&mut self, table: &mut Vec<Texts>, list: TextList) -> u32 {
        if list.is_empty() {
            return 0;
        }
        let same = |l: &Texts| {
            l.len() == list.len() && l.iter().zip(list.iter()).all(|(a, b)| same_text(a, b))
        };
        match self.0.find(table, same) {
            Some(i) => i,
            None => self.0.add(table, Texts::from(list.into_owned())),
        }
    }
}

#[derive(Debug, Default, Clone)]
struct SharedTexts(Recent);

impl SharedTexts {
    /// 1 + the text's index in `table`.
    fn share(&mut self, table: &mut Vec<Text>, text: Text) -> u32 {
        let i = match self.0.find(table, |t| same_text(t, &text)) {
            Some(i) => i,
            None => self.0.add(table, text),
        };
        i.saturating_add(1)
    }
}

impl Recorder {
    pub(crate) fn new(cfg: JournalConfig, calendar: Calendar, symbols: Vec<Symbol>) -> Self {
        Self {
            cfg,
            calendar,
            entries: vec![None; symbols.len()],
            tape: JournalTape::new(symbols),
            notes: RefCell::new(Vec::new()),
            active_order: 0,
            fill_at: UnixNanos::MIN,
            last_snapshot: None,
            last_close: None,
            moved: false,
            day_bounds: (UnixNanos::MAX, UnixNanos::MIN),
            day: None,
            session: 0,
            rules: Vec::new(),
            bars_expected: 0,
            projected: false,
            lists: SharedLists::default(),
            texts: SharedTexts::default(),
            legs: None,
        }
    }

    /// The run holds about `bars` bars: once a 32nd of them is seen, the records' vectors are
    /// sized for the rest at the rate seen so far (see [`Recorder::project`]).
    pub(crate) fn expect_bars(&mut self, bars: usize) {
        self.bars_expected = bars as u64;
    }

    /// Sizes every growing record vector once for the whole run, from its length after `seen`
    /// of the expected bars plus an eighth: the records are then written once into their final
    /// buffer instead of being copied at each doubling (the copies and the page faults of
    /// each new buffer were most of the journal's cost). A run whose rate rises later grows
    /// as before; one whose rate falls keeps unused (never touched) capacity.
    fn project(&mut self, seen: u64) {
        let expected = self.bars_expected;
        if self.projected || seen == 0 || expected < 1024 || seen.saturating_mul(32) < expected {
            return;
        }
        self.projected = true;
        fn size<T>(v: &mut Vec<T>, seen: u64, expected: u64) {
            let total = (v.len() as u128 * u128::from(expected) / u128::from(seen)) as usize;
            let want = total.saturating_add(total / 8);
            v.reserve(want.saturating_sub(v.len()));
        }
        let j = &mut self.tape;
        size(&mut j.signals, seen, expected);
        size(&mut j.orders, seen, expected);
        size(&mut j.events, seen, expected);
        size(&mut j.fills, seen, expected);
        size(&mut j.snapshots, seen, expected);
    }

    /// The index of `strategy:rule` among the tape's setups.
    fn setup(&mut self, rule: &'static str) -> u16 {
        let same = |r: &&str| {
            (r.len() == rule.len() && std::ptr::eq(r.as_ptr(), rule.as_ptr())) || *r == rule
        };
        if let Some(k) = self.rules.iter().position(same) {
            return u16::try_from(k).unwrap_or(u16::MAX);
        }
        let s: Arc<str> = format!("{}:{rule}", self.cfg.strategy).into();
        self.rules.push(rule);
        self.tape.setups.push(s);
        u16::try_from(self.rules.len() - 1).unwrap_or(u16::MAX)
    }

    fn text(&mut self, text: impl Into<Text>) -> u32 {
        self.texts.share(&mut self.tape.texts, text.into())
    }

    fn signal_entry(&self, signal: u64) -> Option<&SignalEntry> {
        self.tape
            .signals
            .get(usize::try_from(signal).ok()?.checked_sub(1)?)
    }

    /// The signal behind order `order` (0: none).
    pub(crate) fn signal_of(&self, order: u64) -> u64 {
        let k = usize::try_from(order).ok().and_then(|o| o.checked_sub(1));
        k.and_then(|k| self.tape.orders.get(k))
            .map_or(0, |o| o.signal)
    }

    pub(crate) fn fills(&self) -> usize {
        self.tape.fills.len()
    }

    /// Records a signal; its note (if the strategy gave one) names the rule and filters.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn signal(
        &mut self,
        symbol: SymbolId,
        side: Side,
        ts: UnixNanos,
        reference: Option<Price>,
        note: Option<SignalNote>,
        fallback_rule: &'static str,
        status: SignalStatus,
    ) -> u64 {
        let id = self.tape.signals.len() as u64 + 1;
        let (rule, score, passed, blocked) = match note {
            Some(n) => (n.rule, n.score, n.passed, n.blocked),
            None => (
                fallback_rule,
                None,
                TextList::Borrowed(&[]),
                TextList::Borrowed(&[]),
            ),
        };
        let setup = self.setup(rule);
        let passed = self.lists.share(&mut self.tape.lists, passed);
        let blocked = self.lists.share(&mut self.tape.lists, blocked);
        self.tape.signals.push(SignalEntry {
            ts,
            reference: reference.map_or(NONE, Price::raw),
            score: score.unwrap_or(0.0),
            passed,
            blocked,
            symbol: symbol.0,
            session: self.session,
            setup,
            has_score: score.is_some(),
            side: order_side(side),
            status,
        });
        id
    }

    /// The strategy's unblocked note for `symbol` and `side`, taken out of the pending notes.
    pub(crate) fn take_note(&mut self, symbol: SymbolId, side: Side) -> Option<SignalNote> {
        let notes = self.notes.get_mut();
        let k = notes
            .iter()
            .position(|n| n.symbol == symbol && n.side == side && n.blocked.is_empty())?;
        Some(notes.remove(k))
    }

    /// Whether the strategy said anything in the call just handled.
    #[inline]
    pub(crate) fn has_notes(&mut self) -> bool {
        !self.notes.get_mut().is_empty()
    }

    /// Notes no request answered: blocked by a filter, or generated and not acted on.
    /// `mark(i)`: symbol `i`'s last close, the notes' reference price. The notes' buffer keeps
    /// its capacity for the next bar.
    pub(crate) fn flush_notes(&mut self, ts: UnixNanos, mark: impl Fn(usize) -> Option<Price>) {
        let mut notes = std::mem::take(self.notes.get_mut());
        for n in notes.drain(..) {
            let status = if n.blocked.is_empty() {
                SignalStatus::Generated
            } else {
                SignalStatus::Blocked
            };
            let s = n.symbol;
            self.signal(s, n.side, ts, mark(s.index()), Some(n), "", status);
        }
        *self.notes.get_mut() = notes;
    }

    pub(crate) fn block(&mut self, signal: u64, filter: Text) {
        let Some(s) = self.signal_entry(signal).copied() else {
            return;
        };
        let mut list = self
            .tape
            .lists
            .get(s.blocked as usize)
            .map_or(Vec::new(), |l| l.to_vec());
        list.push(filter);
        let blocked = self.lists.share(&mut self.tape.lists, list.into());
        if let Some(s) = self.tape.signals.get_mut(signal as usize - 1) {
            s.status = SignalStatus::Blocked;
            s.blocked = blocked;
        }
    }

    pub(crate) fn veto(
        &mut self,
        signal: u64,
        ts: UnixNanos,
        rule: &'static str,
        observed: Money,
        limit: Money,
    ) {
        let Some(s) = self.signal_entry(signal) else {
            return;
        };
        let symbol = self.tape.symbols[s.symbol as usize].clone();
        self.tape.vetoes.push(RiskVeto {
            signal_id: signal,
            ts,
            symbol,
            rule: rule.into(),
            observed,
            limit,
        });
    }

    /// Records an order, submitted and accepted at `ts`; returns its id.
    pub(crate) fn order(
        &mut self,
        req: &OrderRequest,
        signal: Option<u64>,
        parent: Option<u64>,
        ts: UnixNanos,
    ) -> u64 {
        let id = self.tape.orders.len() as u64 + 1;
        let (order_type, price) = match req.kind {
            OrderKind::Limit(p) => (OrderType::Limit, p.raw()),
            OrderKind::Stop(p) => (OrderType::Stop, p.raw()),
            OrderKind::Market | OrderKind::Cancel => (OrderType::Market, NONE),
        };
        let (qty_rule, quantity) = match req.qty {
            OrderQty::Sized => (QtyRule::Sized, NONE),
            OrderQty::Exact(q) => (QtyRule::Exact, q.raw()),
            OrderQty::ClosePosition => (QtyRule::Close, NONE),
        };
        let legs = self.legs(req.bracket.unwrap_or_default());
        let reason = self.text(req.reason.as_str());
        self.tape.orders.push(OrderEntry {
            ts,
            signal: signal.unwrap_or(0),
            parent: parent.unwrap_or(0),
            quantity,
            price,
            symbol: req.symbol.0,
            legs,
            reason,
            side: order_side(req.side),
            qty_rule,
            order_type,
            // Submitted and accepted at `ts`, after the events before it: the tape keeps the
            // place, the rows get the two events there.
            events_before: self.tape.events.len(),
        });
        id
    }

    /// The list of `bracket`'s legs as texts (`stop_loss_pct: 2`), shared with the last
    /// order's.
    fn legs(&mut self, bracket: Bracket) -> u32 {
        if let Some((b, legs)) = self.legs
            && b == bracket
        {
            return legs;
        }
        let legs: Vec<Text> = [
            bracket.stop_loss.map(|o| o.setting("stop_loss")),
            bracket.take_profit.map(|o| o.setting("take_profit")),
        ]
        .into_iter()
        .flatten()
        .map(Text::from)
        .collect();
        let legs = self.lists.share(&mut self.tape.lists, legs.into());
        self.legs = Some((bracket, legs));
        legs
    }

    /// An exit the engine makes itself (bracket leg, session close): an order on the entry.
    pub(crate) fn exit_order(&mut self, req: OrderRequest, ts: UnixNanos) {
        let parent = self.entries[req.symbol.index()].map(|(o, _)| o);
        self.active_order = self.order(&req, None, parent, ts);
    }

    pub(crate) fn event(
        &mut self,
        order: u64,
        ts: UnixNanos,
        kind: OrderEventKind,
        reason: Option<Text>,
    ) {
        if order != 0 {
            let reason = reason.map_or(0, |r| self.text(r));
            self.tape.events.push(EventEntry {
                ts,
                order,
                reason,
                kind,
            });
        }
    }

    /// One fill of the active order. `stop` is the bracket stop guarding the position before it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fill(
        &mut self,
        i: usize,
        action: Action,
        quantity: Quantity,
        price: Price,
        fee: Money,
        pnl: Option<Money>,
        ts: UnixNanos,
        reason: &'static str,
        stop: Option<Price>,
        flat_after: bool,
    ) {
        let order = self.active_order;
        let signal = self.signal_entry(self.signal_of(order));
        let buying = matches!(action, Action::Buy | Action::Cover);
        let reference = signal.map_or(NONE, |s| s.reference);
        let slippage = (reference != NONE)
            .then(|| {
                let r = Price::from_raw(reference);
                if buying {
                    price.checked_sub(r)
                } else {
                    r.checked_sub(price)
                }
            })
            .flatten();
        let latency_ns = signal.map(|s| self.fill_at.as_i64().saturating_sub(s.ts.as_i64()));
        let reason = self.text(reason);
        self.tape.fills.push(FillEntry {
            fee: fee.raw(),
            pnl: pnl.map_or(NONE_MONEY, Money::raw),
            ts,
            order,
            quantity: quantity.raw(),
            price: price.raw(),
            slippage: slippage.map_or(NONE, Price::raw),
            latency_ns: latency_ns.unwrap_or(NONE),
            symbol: u32::try_from(i).unwrap_or(u32::MAX),
            reason,
            action,
        });
        self.moved = true;
        let entry = self.entries[i];
        if let Some(d) = &mut self.day {
            match pnl {
                None => d.day.trades += 1,
                Some(p) => {
                    d.day.realized_pnl = d
                        .day
                        .realized_pnl
                        .checked_add(p)
                        .unwrap_or(d.day.realized_pnl);
                    if let (Some((_, e)), Some(s)) = (entry, stop) {
                        let risk = (e.to_f64() - s.to_f64()).abs() * quantity.to_f64();
                        if risk > 0.0 {
                            d.r_sum += p.to_f64() / risk;
                            d.r_any = true;
                        }
                    }
                }
            }
        }
        if flat_after {
            self.entries[i] = None;
        } else if pnl.is_none() && entry.is_none() {
            self.entries[i] = Some((order, price));
        }
    }

    pub(crate) fn breach(&mut self, daily_loss: bool) {
        if let Some(d) = &mut self.day {
            if daily_loss {
                d.day.daily_loss_breached = true;
            } else {
                d.day.drawdown_breached = true;
            }
        }
    }

    /// Before a bar's fills, at `open`: a new trading day closes the last one (its snapshot is
    /// the account now, as the last bar left it) and starts a tally at `equity`.
    #[inline]
    pub(crate) fn rolls(&self, open: UnixNanos) -> bool {
        !(self.day_bounds.0 <= open && open < self.day_bounds.1)
    }

    /// `bars`: the bars seen so far, this one included.
    pub(crate) fn roll(
        &mut self,
        open: UnixNanos,
        bar_ts: UnixNanos,
        now: AccountSnapshot,
        bars: u64,
    ) {
        self.project(bars);
        let date = self.calendar.trading_date(open);
        self.day_bounds = self
            .calendar
            .day_bounds(date)
            .unwrap_or((open, open.checked_plus(1).unwrap_or(open)));
        if self.day.is_some() && self.cfg.snapshots == SnapshotCadence::SessionClose {
            self.tape.push_snapshot(now);
        }
        self.close_day();
        let label = date.format("%Y-%m-%d").to_string();
        self.tape.sessions.push(label.as_str().into());
        self.session = u32::try_from(self.tape.sessions.len()).unwrap_or(u32::MAX);
        self.day = Some(DayTally {
            day: RiskDay {
                date: label,
                ts: bar_ts,
                trades: 0,
                realized_pnl: Money::ZERO,
                realized_r: None,
                max_drawdown: Money::ZERO,
                daily_loss_breached: false,
                drawdown_breached: false,
            },
            peak: now.equity,
            r_sum: 0.0,
            r_any: false,
        });
    }

    /// Whether the cadence wants a snapshot at a bar closing at `close`.
    #[inline(always)]
    pub(crate) fn wants_snapshot(&self, close: UnixNanos) -> bool {
        match self.cfg.snapshots {
            SnapshotCadence::EveryBar => true,
            SnapshotCadence::EveryMinutes(n) => self
                .last_snapshot
                .is_none_or(|t| close.as_i64() - t.as_i64() >= i64::from(n) * 60_000_000_000),
            SnapshotCadence::SessionClose | SnapshotCadence::Never => false,
        }
    }

    /// After a bar's marks: the day's drawdown at the bar's close.
    #[inline(always)]
    pub(crate) fn marked(&mut self, close: UnixNanos, equity: Money) {
        self.last_close = Some(close);
        if let Some(d) = &mut self.day {
            if equity > d.peak {
                d.peak = equity;
            } else if let Some(dd) = d.peak.checked_sub(equity)
                && dd > d.day.max_drawdown
            {
                d.day.max_drawdown = dd;
            }
        }
    }

    /// The snapshot the cadence asked for ([`Recorder::wants_snapshot`]).
    pub(crate) fn snapshot(&mut self, s: AccountSnapshot) {
        self.last_snapshot = Some(s.ts);
        self.tape.push_snapshot(s);
    }

    fn close_day(&mut self) {
        if let Some(mut d) = self.day.take() {
            d.day.realized_r = d.r_any.then_some(d.r_sum);
            self.tape.risk_days.push(d.day);
        }
    }

    /// Ends the journal with the account at the end (`now`) and the last day.
    pub(crate) fn finish(mut self, now: AccountSnapshot) -> JournalTape {
        if self.cfg.snapshots == SnapshotCadence::SessionClose {
            self.tape.push_snapshot(now);
        }
        self.close_day();
        self.tape
    }
}
