//! The buffer the engine journals into: ids, the records, the snapshot cadence and the day's
//! risk tally. Only built when the journal is on; every method is called behind that check.

use std::sync::Arc;

use domain::calendar::Calendar;
use domain::journal::*;
use domain::{Action, Money, Price, Quantity, Symbol, UnixNanos};

use super::ledger::{Ledger, signal_of};
use super::{JournalConfig, SignalNote, SnapshotCadence, order_side};
use crate::event::SymbolId;
use crate::order::{OrderKind, OrderQty, OrderRequest, Side};

#[derive(Debug, Clone)]
struct DayTally {
    day: RiskDay,
    peak: Money,
    r_sum: f64,
    r_any: bool,
}

pub(crate) struct Recorder {
    cfg: JournalConfig,
    calendar: Calendar,
    pub(crate) journal: Journal,
    pub(crate) notes: Vec<SignalNote>,
    /// The order whose fills are being booked (0: none).
    pub(crate) active_order: u64,
    /// When the active order's bar opened (the fill's earliest time), for latency.
    pub(crate) fill_at: UnixNanos,
    /// Per symbol: the order that opened the position and its first fill price.
    entries: Vec<Option<(u64, Price)>>,
    last_snapshot: Option<UnixNanos>,
    /// The close of the last bar marked.
    pub(crate) last_close: Option<UnixNanos>,
    day_bounds: (UnixNanos, UnixNanos),
    day: Option<DayTally>,
    /// The current trading date, shared by the day's signals.
    session: Option<Arc<str>>,
    /// `strategy:rule` per rule seen, shared by every signal of that rule.
    setups: Vec<(&'static str, Arc<str>)>,
    /// The bars the run expects (0: unknown) and whether the records' vectors were sized from
    /// the rate seen so far ([`Recorder::project`]).
    bars_expected: u64,
    projected: bool,
    /// The round trips, built fill by fill.
    ledger: Ledger,
}

impl Recorder {
    pub(crate) fn new(cfg: JournalConfig, calendar: Calendar, symbols: usize) -> Self {
        Self {
            cfg,
            calendar,
            journal: Journal::default(),
            notes: Vec::new(),
            active_order: 0,
            fill_at: UnixNanos::MIN,
            entries: vec![None; symbols],
            last_snapshot: None,
            last_close: None,
            day_bounds: (UnixNanos::MAX, UnixNanos::MIN),
            day: None,
            session: None,
            setups: Vec::new(),
            bars_expected: 0,
            projected: false,
            ledger: Ledger::default(),
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
        let j = &mut self.journal;
        size(&mut j.signals, seen, expected);
        size(&mut j.orders, seen, expected);
        size(&mut j.order_events, seen, expected);
        size(&mut j.fills, seen, expected);
        size(&mut j.snapshots, seen, expected);
        size(&mut self.ledger.done, seen, expected);
    }

    fn setup(&mut self, rule: &'static str) -> Arc<str> {
        if let Some((_, s)) = self.setups.iter().find(|(r, _)| *r == rule) {
            return s.clone();
        }
        let s: Arc<str> = format!("{}:{rule}", self.cfg.strategy).into();
        self.setups.push((rule, s.clone()));
        s
    }

    /// Records a signal; its note (if the strategy gave one) names the rule and filters.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn signal(
        &mut self,
        symbol: &Symbol,
        side: Side,
        ts: UnixNanos,
        reference: Option<Price>,
        note: Option<SignalNote>,
        fallback_rule: &'static str,
        status: SignalStatus,
    ) -> u64 {
        let id = self.journal.signals.len() as u64 + 1;
        let (rule, score, passed, blocked) = match note {
            Some(n) => (n.rule, n.score, n.passed, n.blocked),
            None => (fallback_rule, None, Vec::new(), Vec::new()),
        };
        let setup = self.setup(rule);
        self.journal.signals.push(SignalRecord {
            id,
            symbol: symbol.clone(),
            ts,
            session: self.session.clone(),
            setup,
            side: order_side(side),
            score,
            reference_price: reference,
            features_ref: None,
            filters_passed: passed,
            filters_blocked: blocked,
            status,
        });
        id
    }

    /// The strategy's unblocked note for `symbol` and `side`, taken out of the pending notes.
    pub(crate) fn take_note(&mut self, symbol: SymbolId, side: Side) -> Option<SignalNote> {
        let k = self
            .notes
            .iter()
            .position(|n| n.symbol == symbol && n.side == side && n.blocked.is_empty())?;
        Some(self.notes.remove(k))
    }

    /// Notes no request answered: blocked by a filter, or generated and not acted on.
    pub(crate) fn flush_notes(
        &mut self,
        symbols: &[Symbol],
        ts: UnixNanos,
        marks: &[Option<Price>],
    ) {
        for n in std::mem::take(&mut self.notes) {
            let status = if n.blocked.is_empty() {
                SignalStatus::Generated
            } else {
                SignalStatus::Blocked
            };
            let i = n.symbol.index();
            self.signal(&symbols[i], n.side, ts, marks[i], Some(n), "", status);
        }
    }

    pub(crate) fn block(&mut self, signal: u64, filter: Text) {
        let s = &mut self.journal.signals[signal as usize - 1];
        s.status = SignalStatus::Blocked;
        s.filters_blocked.push(filter);
    }

    pub(crate) fn veto(
        &mut self,
        signal: u64,
        ts: UnixNanos,
        rule: &'static str,
        observed: Money,
        limit: Money,
    ) {
        let symbol = self.journal.signals[signal as usize - 1].symbol.clone();
        self.journal.vetoes.push(RiskVeto {
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
        symbol: &Symbol,
        signal: Option<u64>,
        parent: Option<u64>,
        ts: UnixNanos,
    ) -> u64 {
        let id = self.journal.orders.len() as u64 + 1;
        let (order_type, limit_price, stop_price) = match req.kind {
            OrderKind::Limit(p) => (OrderType::Limit, Some(p), None),
            OrderKind::Stop(p) => (OrderType::Stop, None, Some(p)),
            OrderKind::Market | OrderKind::Cancel => (OrderType::Market, None, None),
        };
        let (qty_rule, quantity) = match req.qty {
            OrderQty::Sized => (QtyRule::Sized, None),
            OrderQty::Exact(q) => (QtyRule::Exact, Some(q)),
            OrderQty::ClosePosition => (QtyRule::Close, None),
        };
        let mut legs = Vec::new();
        if let Some(b) = req.bracket {
            legs.extend(b.stop_loss.map(|o| o.setting("stop_loss")));
            legs.extend(b.take_profit.map(|o| o.setting("take_profit")));
        }
        self.journal.orders.push(OrderRecord {
            id,
            signal_id: signal,
            parent_id: parent,
            symbol: symbol.clone(),
            ts,
            side: order_side(req.side),
            qty_rule,
            quantity,
            order_type,
            limit_price,
            stop_price,
            legs,
            time_in_force: "gtc".into(),
            reason: req.reason.as_str().into(),
            payload: None,
        });
        self.event(id, ts, OrderEventKind::Submitted, None);
        self.event(id, ts, OrderEventKind::Accepted, None);
        id
    }

    /// An exit the engine makes itself (bracket leg, session close): an order on the entry.
    pub(crate) fn exit_order(
        &mut self,
        i: usize,
        req: OrderRequest,
        symbol: &Symbol,
        ts: UnixNanos,
    ) {
        let parent = self.entries[i].map(|(o, _)| o);
        self.active_order = self.order(&req, symbol, None, parent, ts);
    }

    pub(crate) fn event(
        &mut self,
        order: u64,
        ts: UnixNanos,
        kind: OrderEventKind,
        reason: Option<String>,
    ) {
        if order != 0 {
            self.journal.order_events.push(OrderEvent {
                order_id: order,
                ts,
                kind,
                reason,
            });
        }
    }

    /// One fill of the active order. `stop` is the bracket stop guarding the position before it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fill(
        &mut self,
        i: usize,
        symbol: &Symbol,
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
        let signal = order
            .checked_sub(1)
            .and_then(|k| self.journal.orders.get(k as usize))
            .and_then(|o| o.signal_id)
            .map(|s| &self.journal.signals[s as usize - 1]);
        let buying = matches!(action, Action::Buy | Action::Cover);
        let slippage = signal.and_then(|s| s.reference_price).and_then(|r| {
            if buying {
                price.checked_sub(r)
            } else {
                r.checked_sub(price)
            }
        });
        let latency_ns = signal.map(|s| self.fill_at.as_i64().saturating_sub(s.ts.as_i64()));
        self.journal.fills.push(JournalFill {
            order_id: order,
            ts,
            symbol: symbol.clone(),
            action,
            quantity,
            price,
            fee,
            pnl,
            slippage,
            latency_ns,
            reason: reason.into(),
        });
        if let Some(f) = self.journal.fills.last() {
            let j = &self.journal;
            self.ledger.add(i, f, |order| signal_of(j, order));
        }
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
            self.journal.snapshots.push(now);
        }
        self.close_day();
        let label = date.format("%Y-%m-%d").to_string();
        self.session = Some(label.as_str().into());
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
    #[inline]
    pub(crate) fn wants_snapshot(&self, close: UnixNanos) -> bool {
        match self.cfg.snapshots {
            SnapshotCadence::EveryBar => true,
            SnapshotCadence::EveryMinutes(n) => self
                .last_snapshot
                .is_none_or(|t| close.as_i64() - t.as_i64() >= i64::from(n) * 60_000_000_000),
            SnapshotCadence::SessionClose | SnapshotCadence::Never => false,
        }
    }

    /// After a bar's marks: the day's drawdown, and the snapshot the cadence asked for.
    #[inline]
    pub(crate) fn marked(
        &mut self,
        close: UnixNanos,
        equity: Money,
        snapshot: Option<AccountSnapshot>,
    ) {
        self.last_close = Some(close);
        if let Some(d) = &mut self.day {
            if equity > d.peak {
                d.peak = equity;
            }
            if let Some(dd) = d.peak.checked_sub(equity)
                && dd > d.day.max_drawdown
            {
                d.day.max_drawdown = dd;
            }
        }
        if let Some(s) = snapshot {
            self.last_snapshot = Some(s.ts);
            self.journal.snapshots.push(s);
        }
    }

    fn close_day(&mut self) {
        if let Some(mut d) = self.day.take() {
            d.day.realized_r = d.r_any.then_some(d.r_sum);
            self.journal.risk_days.push(d.day);
        }
    }

    /// Ends the journal with the account at the end (`now`), the last day, then the ledger.
    pub(crate) fn finish(mut self, now: AccountSnapshot) -> Journal {
        if self.cfg.snapshots == SnapshotCadence::SessionClose {
            self.journal.snapshots.push(now);
        }
        self.close_day();
        self.journal.ledger = self.ledger.finish();
        self.journal
    }
}
