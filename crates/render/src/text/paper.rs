//! `paper status` and `replay`.

use analytics::drift::{Decision, DriftReport};
use app::paper::{ReplayReport, SessionView};
use app::views::fmt;
use domain::UnixNanos;

use crate::{Text, table};

fn at(t: Option<UnixNanos>) -> String {
    t.map_or("–".into(), |t| t.to_rfc3339())
}

fn money(m: Option<domain::Money>) -> String {
    m.map_or("–".into(), fmt::money)
}

/// `paper status`: one row per session, then each session's positions and open orders.
pub fn sessions(t: &mut Text, sessions: &[SessionView]) {
    if sessions.is_empty() {
        t.line("no paper sessions (start one with `ztrade paper run AGENT`)");
        return;
    }
    let rows: Vec<Vec<String>> = sessions
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.agent_id.clone(),
                s.broker.to_string(),
                match &s.halt_reason {
                    Some(r) => format!("{} ({r})", s.status),
                    None => s.status.to_string(),
                },
                money(s.equity),
                money(s.today_pnl),
                s.positions.len().to_string(),
                s.open_orders.len().to_string(),
                at(s.last_bar),
                s.lag_seconds.map_or("–".into(), |l| format!("{l:.0} s")),
            ]
        })
        .collect();
    let head = [
        "session",
        "agent",
        "broker",
        "status",
        "equity",
        "today P&L",
        "positions",
        "open orders",
        "last bar",
        "lag",
    ];
    t.line(table(&head, rows).to_string());
    for s in sessions
        .iter()
        .filter(|s| !s.positions.is_empty() || !s.open_orders.is_empty())
    {
        for p in &s.positions {
            t.line(format!("{}: holds {} {}", s.name, p.quantity, p.symbol));
        }
        for o in &s.open_orders {
            t.line(format!(
                "{}: open order {} {} {} {} since {}",
                s.name,
                o.id,
                o.side,
                o.quantity.map_or("all".into(), |q| q.to_string()),
                o.symbol,
                o.ts.to_rfc3339()
            ));
        }
    }
}

fn decision(d: &Option<Decision>) -> String {
    match d {
        None => "nothing".into(),
        Some(Decision::Signal {
            id,
            symbol,
            setup,
            side,
            status,
        }) => {
            format!("signal {id} {side} {symbol} ({setup}, {status})")
        }
        Some(Decision::Order {
            id,
            symbol,
            side,
            order_type,
            quantity,
            ..
        }) => format!(
            "order {id} {side} {} {symbol} ({order_type})",
            quantity.map_or("all".into(), |q| q.to_string())
        ),
    }
}

/// `replay`: the session, the first diverging event, the totals and the drift by kind.
pub fn replay(t: &mut Text, r: &ReplayReport) {
    let d: &DriftReport = &r.drift;
    t.line(format!(
        "session {} ({}, broker {}, {}): {} bars from {} to {}, {} late",
        r.session,
        r.agent_id,
        r.broker,
        r.status,
        r.inputs,
        at(r.first_bar),
        at(r.last_bar),
        r.late_inputs
    ));
    match &d.decision.first {
        None => t.line("decision drift: none (replay made every live decision)"),
        Some(e) => t.line(format!(
            "decision drift: {} signals and {} orders differ; first at {}: live did {}, replay did {}",
            d.decision.diverging_signals,
            d.decision.diverging_orders,
            e.ts.to_rfc3339(),
            decision(&e.live),
            decision(&e.replay)
        )),
    }
    let x = &d.execution;
    let tot = &d.totals;
    let rows = vec![
        vec!["live".into(), fmt::money(tot.live)],
        vec![
            "replay (recorded bars, fill model)".into(),
            fmt::money(tot.replay),
        ],
        vec![
            "  + execution (slippage, fees of matched fills)".into(),
            fmt::money(tot.execution),
        ],
        vec![
            "  + unmatched fills (fill rate)".into(),
            fmt::money(tot.unmatched),
        ],
        vec![
            "  + residual (open positions, quantities)".into(),
            fmt::money(tot.residual),
        ],
        vec![
            "replay on the bars stored now".into(),
            money(tot.replay_now),
        ],
        vec!["  data drift (now − recorded)".into(), fmt::money(tot.data)],
    ];
    t.line(table(&["realized P&L, net of fees", "amount"], rows).to_string());
    t.line(format!(
        "data drift: {} bars revised since the session; execution drift: {} matched fills, slippage {}, {} live-only and {} replay-only fills, fill rate difference {}",
        d.data.revised_bars,
        x.fills.len(),
        fmt::money(x.slippage),
        x.live_only_fills,
        x.replay_only_fills,
        fmt::pct(x.fill_rate_difference)
    ));
    t.line(format!(
        "daily returns correlation live/replay: {}; suggested slippage: {}",
        fmt::ratio(d.daily_returns_correlation),
        d.calibration
            .overall
            .median_bps
            .map_or("– (no matched fills)".into(), |b| format!(
                "{b:.2} bps over {} fills",
                d.calibration.overall.fills
            ))
    ));
    if r.engine_version != r.replay_engine_version {
        t.warn(format!(
            "the session ran {}, this replay runs {}: decision drift may come from the engine",
            r.engine_version, r.replay_engine_version
        ));
    }
    if !tot.add_up() {
        t.warn("the totals do not add up: please report this".to_string());
    }
}

/// `paper run` and `collect --paper`: what the loop did and why it ended.
pub fn paper_run(t: &mut Text, r: &app::paper::LoopReport) {
    use app::paper::StopReason;
    let ended = match &r.stop {
        StopReason::Done => "its end condition was reached; the session is still running (resume it with the same command)".to_string(),
        StopReason::Interrupted => "ended with the collection (or interrupted); the session is still running (resume it with the same command)".to_string(),
        StopReason::Stopped { reason } => format!("stopped: {reason}"),
        StopReason::Halted { reason } => format!("halted: {reason}"),
    };
    t.line(format!(
        "paper session {}: {} bars decided ({} late, {} missed), {} orders so far, last bar {}{}; {ended}",
        r.session,
        r.decided,
        r.late,
        r.missed,
        r.orders,
        at(r.last_bar),
        if r.resumed_bars > 0 { format!(", resumed after replaying {} recorded bars", r.resumed_bars) } else { String::new() },
    ));
}
