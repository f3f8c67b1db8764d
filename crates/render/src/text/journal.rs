//! `backtest run --journal`'s summary line and `backtest journal RUN`: signals, orders, vetoes,
//! risk days and the ledger, each trade told from its signal to its P&L.

use app::run::RunOutcome;
use app::run::journal::JournalSaveReport;
use app::views::fmt::money;
use app::views::journal::{JournalReport, OrderView, TradeStory};
use domain::journal::{OrderType, SignalRecord};
use domain::{Money, UnixNanos};

use crate::{Text, table};

/// `backtest run`: the run, then what its journal kept.
pub fn run_outcome(t: &mut Text, out: &RunOutcome, trades: bool) {
    super::run(t, out.run_id, &out.run, trades);
    if let Some(j) = &out.journal {
        journal_saved(t, j);
    }
}

fn journal_saved(t: &mut Text, j: &JournalSaveReport) {
    let stored = j
        .store_seconds
        .map_or(String::new(), |s| format!(", stored in {s:.3} s"));
    t.line(format!(
        "journal: {} rows ({} signals, {} vetoes, {} orders, {} order events, {} fills, {} round trips, {} snapshots, {} risk days){stored}",
        j.rows, j.signals, j.vetoes, j.orders, j.order_events, j.fills, j.round_trips, j.snapshots, j.risk_days
    ));
}

fn time(ts: UnixNanos) -> String {
    ts.to_rfc3339()
}

fn list(v: &[impl AsRef<str>]) -> String {
    if v.is_empty() {
        return "–".into();
    }
    let v: Vec<&str> = v.iter().map(AsRef::as_ref).collect();
    v.join("; ")
}

fn setup(s: &SignalRecord) -> String {
    let score = s.score.map_or(String::new(), |x| format!(", score {x:.4}"));
    format!(
        "signal #{} {} {} {} at {}{score} (reference {})",
        s.id,
        s.setup,
        s.side,
        s.symbol,
        time(s.ts),
        s.reference_price.map_or("–".into(), |p| p.to_string())
    )
}

fn order_line(v: &OrderView) -> String {
    let o = &v.order;
    let price = match o.order_type {
        OrderType::Limit => o.limit_price.map_or(String::new(), |p| format!(" @ {p}")),
        OrderType::Stop => o.stop_price.map_or(String::new(), |p| format!(" stop {p}")),
        OrderType::Market => String::new(),
    };
    let qty = o.quantity.map_or(o.qty_rule.to_string(), |q| q.to_string());
    let legs = if o.legs.is_empty() {
        String::new()
    } else {
        format!(", legs {}", o.legs.join(", "))
    };
    let events: Vec<String> = v
        .events
        .iter()
        .map(|e| match &e.reason {
            Some(r) => format!("{} ({r})", e.kind),
            None => e.kind.to_string(),
        })
        .collect();
    format!(
        "order #{} {} {} {qty}{price} ({}{legs}): {}",
        o.id,
        o.side,
        o.order_type,
        o.reason,
        events.join(" → ")
    )
}

fn story(t: &mut Text, s: &TradeStory) {
    let r = &s.trip;
    let side = if r.side == domain::journal::OrderSide::Buy {
        "long"
    } else {
        "short"
    };
    let exit = match (r.exit_price, r.exit_ts) {
        (Some(p), Some(ts)) => format!("{p} at {}", time(ts)),
        _ => "open".into(),
    };
    let pnl = r.pnl.map_or("–".into(), money);
    t.line(format!(
        "trade #{} {} {side} {} @ {} at {} → {exit}  P&L {pnl}  fees {}  exit: {}",
        r.id,
        r.symbol,
        r.quantity,
        r.entry_price,
        time(r.entry_ts),
        money(r.fees),
        r.exit_reason.as_deref().unwrap_or("–")
    ));
    match &s.signal {
        Some(sig) => {
            t.line(format!("  why: {}", setup(sig)));
            t.line(format!(
                "       passed: {}; blocked: {}",
                list(&sig.filters_passed),
                list(&sig.filters_blocked)
            ));
        }
        None => t.line("  why: no signal recorded"),
    }
    if let Some(o) = &s.entry {
        t.line(format!("  entry {}", order_line(o)));
    }
    for f in &s.fills {
        let slip = f.slippage.map_or("–".into(), |p| p.to_string());
        let pnl = f
            .pnl
            .map_or(String::new(), |p| format!(", P&L {}", money(p)));
        t.line(format!(
            "  fill {} {} @ {} at {} (order #{}, fee {}, slippage {slip}{pnl})",
            f.action,
            f.quantity,
            f.price,
            time(f.ts),
            f.order_id,
            money(f.fee)
        ));
    }
    if let Some(o) = &s.exit {
        t.line(format!("  exit {}", order_line(o)));
    }
}

/// `backtest journal RUN`.
pub fn journal(t: &mut Text, r: &JournalReport) {
    t.line(format!("run #{} journal", r.run_id));
    journal_saved(t, &r.counts);
    if let Some(signals) = &r.signals {
        let rows = signals.iter().map(|s| {
            vec![
                s.id.to_string(),
                time(s.ts),
                s.symbol.to_string(),
                s.setup.to_string(),
                s.side.to_string(),
                s.score.map_or("–".into(), |x| format!("{x:.4}")),
                s.status.to_string(),
                list(&s.filters_passed),
                list(&s.filters_blocked),
            ]
        });
        let header = [
            "id", "time", "symbol", "setup", "side", "score", "status", "passed", "blocked",
        ];
        t.line(table(&header, rows).to_string());
    }
    if let Some(orders) = &r.orders {
        for o in orders {
            let signal = o
                .order
                .signal_id
                .map_or("engine".into(), |s| format!("signal #{s}"));
            t.line(format!(
                "{} at {} [{signal}]",
                order_line(o),
                time(o.order.ts)
            ));
        }
    }
    if let Some(vetoes) = r.vetoes.as_ref().filter(|v| !v.is_empty()) {
        let rows = vetoes.iter().map(|v| {
            vec![
                time(v.ts),
                v.symbol.to_string(),
                format!("#{}", v.signal_id),
                v.rule.to_string(),
                money(v.observed),
                money(v.limit),
            ]
        });
        t.line(
            table(
                &["time", "symbol", "signal", "rule", "observed", "limit"],
                rows,
            )
            .to_string(),
        );
    }
    if let Some(days) = &r.risk_days {
        let rows = days.iter().map(|d| {
            let flags: Vec<&str> = [
                (d.daily_loss_breached, "daily_loss"),
                (d.drawdown_breached, "drawdown"),
            ]
            .iter()
            .filter_map(|(on, n)| on.then_some(*n))
            .collect();
            vec![
                d.date.clone(),
                d.trades.to_string(),
                money(d.realized_pnl),
                d.realized_r.map_or("–".into(), |x| format!("{x:.2}")),
                money(d.max_drawdown),
                flags.join(", "),
            ]
        });
        t.line(
            table(
                &[
                    "date",
                    "trades",
                    "realized",
                    "R",
                    "max drawdown",
                    "breaches",
                ],
                rows,
            )
            .to_string(),
        );
    }
    if let Some(stories) = &r.ledger {
        for s in stories {
            story(t, s);
        }
        let total = stories
            .iter()
            .filter_map(|s| s.trip.pnl)
            .fold(Money::ZERO, |a, p| a.checked_add(p).unwrap_or(a));
        t.line(format!(
            "{} round trips, realized P&L {}",
            stories.len(),
            money(total)
        ));
    }
}
