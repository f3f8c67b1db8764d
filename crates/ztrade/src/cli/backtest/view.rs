//! How runs look: `--json` documents (money as exact JSON numbers) and terminal tables.

use analytics::Metrics;
use serde::Serialize;
use serde_json::{Value, json, value::RawValue};
use store::{RunSummary, RunTrade, StoredRun};

use super::runner::Outcome;
use crate::output;

/// An exact decimal as a JSON number (not a string, not a rounded float).
pub fn num(v: impl std::fmt::Display) -> Box<RawValue> {
    RawValue::from_string(v.to_string()).expect("a decimal is a JSON number")
}

/// One fill as scripts read it; field order is the documented contract.
#[derive(Serialize)]
struct TradeJson<'a> {
    timestamp: String,
    symbol: &'a str,
    action: &'a str,
    quantity: Box<RawValue>,
    price: Box<RawValue>,
    commission: Box<RawValue>,
    pnl: Option<Box<RawValue>>,
    reason: &'a str,
}

impl<'a> TradeJson<'a> {
    fn from_fill(f: &'a backtest::Fill) -> Self {
        Self {
            timestamp: f.timestamp.to_rfc3339(),
            symbol: f.symbol.as_str(),
            action: f.action.as_str(),
            quantity: num(f.quantity),
            price: num(f.price),
            commission: num(f.commission),
            pnl: f.pnl.map(num),
            reason: &f.reason,
        }
    }

    fn from_stored(t: &'a RunTrade) -> Self {
        Self {
            timestamp: t.timestamp.to_rfc3339(),
            symbol: t.symbol.as_str(),
            action: &t.action,
            quantity: num(t.quantity),
            price: num(t.price),
            commission: num(t.commission),
            pnl: t.pnl.map(num),
            reason: &t.reason,
        }
    }
}

fn trade_json(t: &RunTrade) -> Value {
    serde_json::to_value(TradeJson::from_stored(t)).expect("a trade serializes")
}

/// `backtest run --json`: one document, serialized straight from the run (no JSON tree).
#[derive(Serialize)]
pub struct RunJson<'a> {
    run_id: Option<i64>,
    agent_id: &'a str,
    start: String,
    end: String,
    initial_capital: Box<RawValue>,
    final_equity: Box<RawValue>,
    data_fingerprint: &'a str,
    engine_version: &'static str,
    halted: &'a Option<backtest::Halt>,
    metrics: &'a Metrics,
    trades: Vec<TradeJson<'a>>,
}

pub fn run_json(run_id: Option<i64>, o: &Outcome) -> RunJson<'_> {
    RunJson {
        run_id,
        agent_id: &o.agent.id,
        start: o.result.start.to_rfc3339(),
        end: o.result.end.to_rfc3339(),
        initial_capital: num(o.result.initial_capital),
        final_equity: num(o.result.final_equity),
        data_fingerprint: &o.fingerprint,
        engine_version: backtest::ENGINE_VERSION,
        halted: &o.result.halted,
        metrics: &o.metrics,
        trades: o.result.fills.iter().map(TradeJson::from_fill).collect(),
    }
}

pub fn show_json(run: &StoredRun, with_trades: bool) -> Value {
    let mut v = json!({
        "run": run.summary,
        "config": run.config,
        "metrics": run.metrics,
        "data_fingerprint": run.data_fingerprint,
        "engine_version": run.engine_version,
    });
    if with_trades {
        v["trades"] = Value::Array(run.trades.iter().map(trade_json).collect());
    }
    v
}

fn pct(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| format!("{:.2}%", x * 100.0))
}

fn ratio(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| format!("{x:.3}"))
}

fn money(m: domain::Money) -> String {
    m.round_dp(2).to_string()
}

/// The rows shown for a run, each with how to rank it in `compare`.
fn metric_rows(m: &Metrics) -> Vec<(&'static str, String, Option<f64>, Rank)> {
    let t = &m.trades;
    let b = m.benchmark.as_ref();
    vec![
        (
            "total return",
            pct(m.total_return),
            m.total_return,
            Rank::High,
        ),
        ("CAGR", pct(m.cagr), m.cagr, Rank::High),
        (
            "annual volatility",
            pct(m.annual_volatility),
            m.annual_volatility,
            Rank::Low,
        ),
        ("Sharpe", ratio(m.sharpe), m.sharpe, Rank::High),
        ("Sortino", ratio(m.sortino), m.sortino, Rank::High),
        ("Calmar", ratio(m.calmar), m.calmar, Rank::High),
        (
            "max drawdown",
            pct(m.max_drawdown),
            m.max_drawdown,
            Rank::High,
        ),
        (
            "max drawdown $",
            money(m.max_drawdown_amount),
            Some(-m.max_drawdown_amount.to_f64()),
            Rank::High,
        ),
        (
            "drawdown periods",
            m.max_drawdown_duration
                .as_ref()
                .map_or("–".into(), |d| d.periods.to_string()),
            m.max_drawdown_duration
                .as_ref()
                .map(|d| -(d.periods as f64)),
            Rank::High,
        ),
        ("trades", t.count.to_string(), None, Rank::None),
        ("win rate", pct(t.win_rate), t.win_rate, Rank::High),
        (
            "avg trade",
            t.average_trade.map_or("–".into(), money),
            t.average_trade.map(|x| x.to_f64()),
            Rank::High,
        ),
        (
            "avg win",
            t.average_win.map_or("–".into(), money),
            None,
            Rank::None,
        ),
        (
            "avg loss",
            t.average_loss.map_or("–".into(), money),
            None,
            Rank::None,
        ),
        (
            "profit factor",
            ratio(t.profit_factor),
            t.profit_factor,
            Rank::High,
        ),
        (
            "expectancy",
            t.expectancy.map_or("–".into(), money),
            t.expectancy.map(|x| x.to_f64()),
            Rank::High,
        ),
        ("exposure", pct(m.exposure), None, Rank::None),
        (
            "alpha",
            ratio(b.and_then(|b| b.alpha)),
            b.and_then(|b| b.alpha),
            Rank::High,
        ),
        ("beta", ratio(b.and_then(|b| b.beta)), None, Rank::None),
    ]
}

#[derive(Clone, Copy, PartialEq)]
enum Rank {
    High,
    Low,
    None,
}

pub fn print_run(run_id: Option<i64>, o: &Outcome) -> anyhow::Result<()> {
    let r = &o.result;
    println!(
        "{} on {} {}  {} → {}",
        o.agent.id,
        o.agent
            .symbols
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(","),
        o.agent.timeframe,
        r.start,
        r.end
    );
    println!(
        "capital {} → equity {}  ({} fills, {} bars){}",
        money(r.initial_capital),
        money(r.final_equity),
        r.fills.len(),
        r.counts.bars,
        run_id.map_or("  [not saved]".into(), |id| format!("  run #{id}"))
    );
    if let Some(h) = &r.halted {
        println!("halted at {}: {}", h.at, h.reason);
    }
    let rows = metric_rows(&o.metrics)
        .into_iter()
        .map(|(k, v, ..)| vec![k.to_string(), v]);
    println!("{}", output::table(&["metric", "value"], rows));
    Ok(())
}

pub fn print_list(runs: &[RunSummary]) -> anyhow::Result<()> {
    if runs.is_empty() {
        println!("no stored runs yet; try `ztrade backtest run AGENT` or `ztrade demo`");
        return Ok(());
    }
    let rows = runs.iter().map(|r| {
        let ret = (r.final_capital - r.initial_capital).to_f64() / r.initial_capital.to_f64();
        vec![
            r.id.to_string(),
            r.agent_id.clone(),
            r.start.utc_date().to_string(),
            r.end.utc_date().to_string(),
            money(r.final_capital),
            pct(Some(ret)),
            ratio(r.sharpe_ratio),
            pct(Some(-r.max_drawdown)),
            r.total_trades.to_string(),
            r.created_at.clone(),
        ]
    });
    let header = [
        "id",
        "agent",
        "start",
        "end",
        "final equity",
        "return",
        "Sharpe",
        "max DD",
        "trades",
        "created",
    ];
    println!("{}", output::table(&header, rows));
    Ok(())
}

fn stored_metrics(run: &StoredRun) -> anyhow::Result<Metrics> {
    serde_json::from_value(run.metrics.clone())
        .map_err(|e| anyhow::anyhow!("run {}: stored metrics are unreadable: {e}", run.summary.id))
}

pub fn print_show(run: &StoredRun, with_trades: bool) -> anyhow::Result<()> {
    let s = &run.summary;
    println!(
        "run #{}  agent {}  {} → {}  created {}",
        s.id, s.agent_id, s.start, s.end, s.created_at
    );
    println!(
        "engine {}  data {}",
        run.engine_version, run.data_fingerprint
    );
    let rows = metric_rows(&stored_metrics(run)?)
        .into_iter()
        .map(|(k, v, ..)| vec![k.to_string(), v]);
    println!("{}", output::table(&["metric", "value"], rows));
    if with_trades {
        let rows = run.trades.iter().map(|t| {
            vec![
                t.timestamp.to_rfc3339(),
                t.symbol.to_string(),
                t.action.clone(),
                t.quantity.to_string(),
                t.price.to_string(),
                money(t.commission),
                t.pnl.map_or(String::new(), money),
                t.reason.clone(),
            ]
        });
        let header = [
            "timestamp",
            "symbol",
            "action",
            "qty",
            "price",
            "commission",
            "pnl",
            "reason",
        ];
        println!("{}", output::table(&header, rows));
    }
    Ok(())
}

pub fn compare_json(runs: &[StoredRun]) -> Value {
    Value::Array(
        runs.iter()
            .map(|r| json!({ "run_id": r.summary.id, "agent_id": r.summary.agent_id, "metrics": r.metrics }))
            .collect(),
    )
}

pub fn print_compare(runs: &[StoredRun]) -> anyhow::Result<()> {
    println!("{}", compare_table(runs)?);
    Ok(())
}

/// Metrics side by side; `*` marks the best value of each ranked row.
pub fn compare_table(runs: &[StoredRun]) -> anyhow::Result<comfy_table::Table> {
    let metrics = runs
        .iter()
        .map(stored_metrics)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let columns: Vec<_> = metrics.iter().map(metric_rows).collect();
    let mut header = vec!["metric".to_string()];
    header.extend(
        runs.iter()
            .map(|r| format!("#{} {}", r.summary.id, r.summary.agent_id)),
    );
    let n_rows = columns.first().map_or(0, Vec::len);
    let rows = (0..n_rows).map(|i| {
        let (name, _, _, rank) = columns[0][i];
        let values: Vec<Option<f64>> = columns.iter().map(|c| c[i].2).collect();
        let best = match rank {
            Rank::High => values
                .iter()
                .flatten()
                .copied()
                .fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v)))),
            Rank::Low => values
                .iter()
                .flatten()
                .copied()
                .fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.min(v)))),
            Rank::None => None,
        };
        let mut row = vec![name.to_string()];
        for c in &columns {
            let marked = best.is_some() && c[i].2 == best && values.iter().flatten().count() > 1;
            row.push(if marked {
                format!("{} *", c[i].1)
            } else {
                c[i].1.clone()
            });
        }
        row
    });
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    Ok(output::table(&header_refs, rows))
}
