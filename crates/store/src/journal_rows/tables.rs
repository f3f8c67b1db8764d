//! Each journal record as a row of its table: columns in order, cells to write, decoding.

use domain::UnixNanos;
use domain::journal::*;

use super::Kind::*;
use super::*;
use crate::StoreError;

impl JournalRow for SignalRecord {
    const TABLE: &'static str = "signals";
    const COLUMNS: &'static [(&'static str, Kind)] = &[
        ("id", Int),
        ("ts", Int),
        ("symbol", Text),
        ("session", Text),
        ("setup", Text),
        ("side", Text),
        ("score", Real),
        ("reference_price", Decimal),
        ("features_ref", Text),
        ("filters_passed", Json),
        ("filters_blocked", Json),
        ("status", Text),
    ];
    fn cells<'a>(&'a self, _seq: u64, out: &mut Vec<Cell<'a>>) {
        out.extend([
            id(self.id),
            Cell::Int(self.ts.as_i64()),
            text(self.symbol.as_str()),
            opt_text(self.session.as_deref()),
            text(&self.setup),
            text(self.side.as_str()),
            self.score.map_or(Cell::Null, Cell::Real),
            opt_dec(self.reference_price),
            opt_text(self.features_ref.as_deref()),
            list(&self.filters_passed),
            list(&self.filters_blocked),
            text(self.status.as_str()),
        ]);
    }
    fn decode(c: &mut Cursor<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: c.id()?,
            ts: c.ts()?,
            symbol: c.symbol()?,
            session: c.opt_string()?,
            setup: c.string()?,
            side: c.parse()?,
            score: c.opt_real()?,
            reference_price: c.opt_price("reference_price")?,
            features_ref: c.opt_string()?,
            filters_passed: c.list::<domain::journal::Text>("filters_passed")?.into(),
            filters_blocked: c.list::<domain::journal::Text>("filters_blocked")?.into(),
            status: c.parse()?,
        })
    }
}

impl JournalRow for RiskVeto {
    const TABLE: &'static str = "risk_vetoes";
    const COLUMNS: &'static [(&'static str, Kind)] = &[
        ("seq", Int),
        ("ts", Int),
        ("signal_id", Int),
        ("symbol", Text),
        ("rule", Text),
        ("observed", Decimal),
        ("limit_value", Decimal),
    ];
    fn cells<'a>(&'a self, seq: u64, out: &mut Vec<Cell<'a>>) {
        out.extend([
            id(seq),
            Cell::Int(self.ts.as_i64()),
            id(self.signal_id),
            text(self.symbol.as_str()),
            text(&self.rule),
            dec(self.observed),
            dec(self.limit),
        ]);
    }
    fn decode(c: &mut Cursor<'_>) -> Result<Self, StoreError> {
        c.skip();
        Ok(Self {
            ts: c.ts()?,
            signal_id: c.id()?,
            symbol: c.symbol()?,
            rule: c.string()?,
            observed: c.money("observed")?,
            limit: c.money("limit_value")?,
        })
    }
}

impl JournalRow for OrderRecord {
    const TABLE: &'static str = "orders";
    const COLUMNS: &'static [(&'static str, Kind)] = &[
        ("id", Int),
        ("ts", Int),
        ("signal_id", Int),
        ("parent_id", Int),
        ("symbol", Text),
        ("side", Text),
        ("qty_rule", Text),
        ("quantity", Decimal),
        ("order_type", Text),
        ("limit_price", Decimal),
        ("stop_price", Decimal),
        ("legs", Json),
        ("time_in_force", Text),
        ("reason", Text),
        ("payload", Text),
    ];
    fn cells<'a>(&'a self, _seq: u64, out: &mut Vec<Cell<'a>>) {
        out.extend([
            id(self.id),
            Cell::Int(self.ts.as_i64()),
            opt_int(self.signal_id.map(|v| v as i64)),
            opt_int(self.parent_id.map(|v| v as i64)),
            text(self.symbol.as_str()),
            text(self.side.as_str()),
            text(self.qty_rule.as_str()),
            opt_dec(self.quantity),
            text(self.order_type.as_str()),
            opt_dec(self.limit_price),
            opt_dec(self.stop_price),
            list(&self.legs),
            text(self.time_in_force.as_str()),
            text(&self.reason),
            opt_text(self.payload.as_deref()),
        ]);
    }
    fn decode(c: &mut Cursor<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: c.id()?,
            ts: c.ts()?,
            signal_id: c.opt_id()?,
            parent_id: c.opt_id()?,
            symbol: c.symbol()?,
            side: c.parse()?,
            qty_rule: c.parse()?,
            quantity: c.opt_qty("quantity")?,
            order_type: c.parse()?,
            limit_price: c.opt_price("limit_price")?,
            stop_price: c.opt_price("stop_price")?,
            legs: c.list::<domain::journal::Text>("legs")?.into(),
            time_in_force: c.parse()?,
            reason: c.string()?,
            payload: c.opt_string()?,
        })
    }
}

impl JournalRow for OrderEvent {
    const TABLE: &'static str = "order_events";
    const COLUMNS: &'static [(&'static str, Kind)] = &[
        ("seq", Int),
        ("ts", Int),
        ("order_id", Int),
        ("kind", Text),
        ("reason", Text),
    ];
    fn cells<'a>(&'a self, seq: u64, out: &mut Vec<Cell<'a>>) {
        out.extend([
            id(seq),
            Cell::Int(self.ts.as_i64()),
            id(self.order_id),
            text(self.kind.as_str()),
            opt_text(self.reason.as_deref()),
        ]);
    }
    fn decode(c: &mut Cursor<'_>) -> Result<Self, StoreError> {
        c.skip();
        Ok(Self {
            ts: c.ts()?,
            order_id: c.id()?,
            kind: c.parse()?,
            reason: c.opt_string()?,
        })
    }
}

impl JournalRow for JournalFill {
    const TABLE: &'static str = "fills";
    const COLUMNS: &'static [(&'static str, Kind)] = &[
        ("seq", Int),
        ("ts", Int),
        ("order_id", Int),
        ("symbol", Text),
        ("action", Text),
        ("quantity", Decimal),
        ("price", Decimal),
        ("fee", Decimal),
        ("pnl", Decimal),
        ("slippage", Decimal),
        ("latency_ns", Int),
        ("reason", Text),
    ];
    fn cells<'a>(&'a self, seq: u64, out: &mut Vec<Cell<'a>>) {
        out.extend([
            id(seq),
            Cell::Int(self.ts.as_i64()),
            id(self.order_id),
            text(self.symbol.as_str()),
            text(self.action.as_str()),
            dec(self.quantity),
            dec(self.price),
            dec(self.fee),
            opt_dec(self.pnl),
            opt_dec(self.slippage),
            opt_int(self.latency_ns),
            text(&self.reason),
        ]);
    }
    fn decode(c: &mut Cursor<'_>) -> Result<Self, StoreError> {
        c.skip();
        Ok(Self {
            ts: c.ts()?,
            order_id: c.id()?,
            symbol: c.symbol()?,
            action: c.parse()?,
            quantity: c.qty("quantity")?,
            price: c.price("price")?,
            fee: c.money("fee")?,
            pnl: c.opt_money("pnl")?,
            slippage: c.opt_price("slippage")?,
            latency_ns: c.row.opt_int(c.next())?,
            reason: c.string()?,
        })
    }
}

impl JournalRow for RoundTrip {
    const TABLE: &'static str = "trade_ledger";
    const COLUMNS: &'static [(&'static str, Kind)] = &[
        ("id", Int),
        ("ts", Int),
        ("symbol", Text),
        ("side", Text),
        ("signal_id", Int),
        ("entry_order_id", Int),
        ("exit_order_id", Int),
        ("exit_ts", Int),
        ("quantity", Decimal),
        ("entry_price", Decimal),
        ("exit_price", Decimal),
        ("pnl", Decimal),
        ("fees", Decimal),
        ("exit_reason", Text),
    ];
    fn cells<'a>(&'a self, _seq: u64, out: &mut Vec<Cell<'a>>) {
        out.extend([
            id(self.id),
            Cell::Int(self.entry_ts.as_i64()),
            text(self.symbol.as_str()),
            text(self.side.as_str()),
            opt_int(self.signal_id.map(|v| v as i64)),
            id(self.entry_order_id),
            opt_int(self.exit_order_id.map(|v| v as i64)),
            opt_int(self.exit_ts.map(UnixNanos::as_i64)),
            dec(self.quantity),
            dec(self.entry_price),
            opt_dec(self.exit_price),
            opt_dec(self.pnl),
            dec(self.fees),
            opt_text(self.exit_reason.as_deref()),
        ]);
    }
    fn decode(c: &mut Cursor<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: c.id()?,
            entry_ts: c.ts()?,
            symbol: c.symbol()?,
            side: c.parse()?,
            signal_id: c.opt_id()?,
            entry_order_id: c.id()?,
            exit_order_id: c.opt_id()?,
            exit_ts: c.opt_ts()?,
            quantity: c.qty("quantity")?,
            entry_price: c.price("entry_price")?,
            exit_price: c.opt_price("exit_price")?,
            pnl: c.opt_money("pnl")?,
            fees: c.money("fees")?,
            exit_reason: c.opt_string()?,
        })
    }
}

impl JournalRow for AccountSnapshot {
    const TABLE: &'static str = "account_snapshots";
    const COLUMNS: &'static [(&'static str, Kind)] = &[
        ("seq", Int),
        ("ts", Int),
        ("cash", Decimal),
        ("equity", Decimal),
        ("unrealized", Decimal),
        ("realized", Decimal),
    ];
    fn cells<'a>(&'a self, seq: u64, out: &mut Vec<Cell<'a>>) {
        out.extend([
            id(seq),
            Cell::Int(self.ts.as_i64()),
            dec(self.cash),
            dec(self.equity),
            dec(self.unrealized),
            dec(self.realized),
        ]);
    }
    fn decode(c: &mut Cursor<'_>) -> Result<Self, StoreError> {
        c.skip();
        Ok(Self {
            ts: c.ts()?,
            cash: c.money("cash")?,
            equity: c.money("equity")?,
            unrealized: c.money("unrealized")?,
            realized: c.money("realized")?,
        })
    }
}

impl JournalRow for RiskDay {
    const TABLE: &'static str = "risk_day";
    const COLUMNS: &'static [(&'static str, Kind)] = &[
        ("seq", Int),
        ("ts", Int),
        ("date", Text),
        ("trades", Int),
        ("realized_pnl", Decimal),
        ("realized_r", Real),
        ("max_drawdown", Decimal),
        ("daily_loss_breached", Bool),
        ("drawdown_breached", Bool),
    ];
    fn cells<'a>(&'a self, seq: u64, out: &mut Vec<Cell<'a>>) {
        out.extend([
            id(seq),
            Cell::Int(self.ts.as_i64()),
            text(&self.date),
            id(self.trades),
            dec(self.realized_pnl),
            self.realized_r.map_or(Cell::Null, Cell::Real),
            dec(self.max_drawdown),
            Cell::Bool(self.daily_loss_breached),
            Cell::Bool(self.drawdown_breached),
        ]);
    }
    fn decode(c: &mut Cursor<'_>) -> Result<Self, StoreError> {
        c.skip();
        Ok(Self {
            ts: c.ts()?,
            date: c.string()?,
            trades: c.id()?,
            realized_pnl: c.money("realized_pnl")?,
            realized_r: c.opt_real()?,
            max_drawdown: c.money("max_drawdown")?,
            daily_loss_breached: c.flag()?,
            drawdown_breached: c.flag()?,
        })
    }
}
