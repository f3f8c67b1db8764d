//! `options import` and `options scan`.

use std::collections::BTreeMap;

use app::options::import::ImportSummary;
use app::options::scan::ScanOutcome;

use crate::{Text, table};

/// `options import`: the counts, then each kind of finding with its first lines.
pub fn option_import(t: &mut Text, s: &ImportSummary) {
    let c = &s.counts;
    let at = s.snapshot_at.map_or(String::new(), |a| {
        format!(", snapshot at {}", a.to_rfc3339())
    });
    t.line(format!(
        "{} ({}, {} rows{at}): {} inserted, {} updated, {} unchanged, {} skipped",
        s.file, s.layout, s.rows, c.inserted, c.updated, c.unchanged, c.skipped
    ));
    for f in &s.findings {
        let lines: Vec<String> = f.lines.iter().map(u64::to_string).collect();
        t.line(format!(
            "  {}: {} rows (lines {}{})",
            f.kind,
            f.count,
            lines.join(", "),
            if f.count > f.lines.len() as u64 {
                ", …"
            } else {
                ""
            }
        ));
    }
}

/// `options scan`: what was scanned, the runs found, and what the next snapshot said.
pub fn option_scan(t: &mut Text, o: &ScanOutcome) {
    let first = o.snapshots.first().map(|s| s.at.to_rfc3339());
    let last = o.snapshots.last().map(|s| s.at.to_rfc3339());
    let checked: usize = o.snapshots.iter().map(|s| s.checked).sum();
    let found: usize = o.snapshots.iter().map(|s| s.found).sum();
    let with_stock = o.snapshots.iter().filter(|s| s.stock).count();
    t.line(format!(
        "{}: {} snapshots ({} … {}), {} with the stock's quote; {checked} checks priced, \
         {found} findings in {} runs",
        o.underlying,
        o.snapshots.len(),
        first.unwrap_or_default(),
        last.unwrap_or_default(),
        with_stock,
        o.runs.len()
    ));
    let given: usize = o.snapshots.iter().map(|s| s.forwards.given).sum();
    let none: usize = o.snapshots.iter().map(|s| s.forwards.none).sum();
    if given > 0 {
        t.warn(format!(
            "{given} expiries (over all snapshots) had too few liquid strikes, or an implausible \
             fit, for a discount factor of their own: they used --rate {} (parity, boxes and \
             wide verticals depend on it)",
            o.rate
        ));
    }
    let parity = o.found_by_kind.get("conversion").copied().unwrap_or(0)
        + o.found_by_kind.get("reversal").copied().unwrap_or(0);
    if parity > 0 && o.dividends_stored == 0 {
        t.warn(format!(
            "no dividends of {} are stored: conversions and reversals count none (ztrade data \
             actions import, or data backfill --kind actions)",
            o.underlying
        ));
    }
    if none > 0 {
        t.warn(format!(
            "{none} expiries had no discount factor at all (no fit and no stock quote for a \
             forward): their parity, box and wide-vertical checks were not priced"
        ));
    }
    if !o.found_by_kind.is_empty() {
        let kinds: Vec<String> = o
            .found_by_kind
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        t.line(format!("  by kind: {}", kinds.join(", ")));
    }
    if o.followed > 0 {
        t.line(format!(
            "  priced again in the next snapshot: {}, still tradable above the minimum edge: {}",
            o.followed, o.still_there
        ));
    }
    let mut unpriced: BTreeMap<String, usize> = BTreeMap::new();
    let mut no_size = 0;
    for s in &o.snapshots {
        for (why, n) in &s.unpriced {
            let name = serde_json::to_value(why)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            *unpriced.entry(name).or_default() += n;
        }
        no_size += s.no_size;
    }
    if !unpriced.is_empty() || no_size > 0 {
        let mut parts: Vec<String> = unpriced.iter().map(|(k, n)| format!("{k} {n}")).collect();
        if no_size > 0 {
            parts.push(format!("edge but no size {no_size}"));
        }
        t.line(format!("  not priced: {}", parts.join(", ")));
    }
    if o.runs.is_empty() {
        return;
    }
    let stamp = |s: domain::UnixNanos| s.to_rfc3339();
    let table = table(
        &[
            "kind",
            "legs",
            "first seen",
            "last seen",
            "snapshots",
            "edge/set",
            "sets",
            "total",
            "next edge",
        ],
        o.runs.iter().map(|r| {
            let legs = r.key.split_once(' ').map_or("", |(_, l)| l).to_string();
            vec![
                r.kind.clone(),
                legs,
                stamp(r.first_seen),
                stamp(r.last_seen),
                r.snapshots.to_string(),
                r.edge.to_string(),
                r.quantity.to_string(),
                r.total_edge.to_string(),
                r.next_edge.map_or("-".into(), |e| e.to_string()),
            ]
        }),
    );
    t.line(table.to_string());
    if let Some(c) = &o.recorded {
        t.line(format!(
            "recorded: {} inserted, {} updated, {} unchanged",
            c.inserted, c.updated, c.unchanged
        ));
    }
}

/// `options chain`: per expiry its forward, then each contract with ztrade's numbers and the
/// provider's.
pub fn option_chain(t: &mut Text, c: &app::options::chain::ChainView) {
    let spot = c.spot.map_or("no spot".to_string(), |s| {
        format!("spot {s:.4} ({})", c.spot_source)
    });
    t.line(format!("{} at {}: {spot}", c.underlying, c.at.to_rfc3339()));
    let num = |x: Option<f64>, d: usize| x.map_or("-".to_string(), |x| format!("{x:.d$}"));
    for e in &c.expiries {
        let fwd = match &e.forward {
            Some(f) => {
                let how = match &f.source {
                    options::forward::ForwardSource::Parity { strikes, rmse } => {
                        format!("parity over {strikes} strikes, rmse {rmse:.4}")
                    }
                    options::forward::ForwardSource::Given { reason } => {
                        format!("given rate: {reason}")
                    }
                };
                format!(
                    "forward {:.4}, discount factor {:.6} ({how})",
                    f.forward, f.discount_factor
                )
            }
            None => "no forward: no parity fit and no spot".to_string(),
        };
        t.line(format!(
            "{} {} ×{}, {:.4} years: {fwd}",
            e.expiry, e.style, e.multiplier, e.years
        ));
        let table = table(
            &[
                "contract",
                "bid",
                "ask",
                "status",
                "iv",
                "iv (provider)",
                "delta",
                "delta (provider)",
                "gamma",
                "vega",
                "theta",
                "rho",
            ],
            e.contracts.iter().map(|x| {
                vec![
                    x.occ.to_string(),
                    x.bid.map_or("-".into(), |p| p.to_string()),
                    x.ask.map_or("-".into(), |p| p.to_string()),
                    x.status.as_str().to_string(),
                    num(x.iv, 4),
                    num(x.provider.iv, 4),
                    num(x.delta, 4),
                    num(x.provider.delta, 4),
                    num(x.gamma, 5),
                    num(x.vega, 4),
                    num(x.theta, 4),
                    num(x.rho, 4),
                ]
            }),
        );
        t.line(table.to_string());
    }
}
