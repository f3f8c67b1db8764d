//! The HTML report: one self-contained page (inline CSS, SVG and a little script of our own,
//! and a Content-Security-Policy that forbids every network request), rendered from
//! `app::report::Report`. Everything that comes from data is escaped by maud.

pub mod chart;
pub mod page;

use app::report::{Line, Report, RunPanel};
use maud::{DOCTYPE, Markup, html};

use chart::Fmt;

/// Markers drawn on the price chart at most (the trade list has every fill).
pub const MAX_MARKERS: usize = 5_000;

/// The title of `ztrade report`'s page: the run, or how many are compared.
pub fn title(r: &Report) -> String {
    match r.runs.as_slice() {
        [one] => format!("Run #{} · {}", one.header.id, one.header.agent_id),
        runs => format!("{} runs compared", runs.len()),
    }
}

/// The whole page.
pub fn report(r: &Report, title: &str) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";
                meta name="viewport" content="width=device-width, initial-scale=1";
                link rel="icon" href="data:,";
                title { (title) }
                style { (maud::PreEscaped(page::CSS)) }
            }
            body {
                header.top { h1 { (title) } p.sub { "ztrade report · offline, self-contained" } }
                @if r.runs.len() > 1 { (several(r)) }
                @for p in &r.runs { (panel(p)) }
                div #tip hidden {}
                script { (maud::PreEscaped(page::JS)) }
            }
        }
    }
    .into_string()
}

/// Several runs overlaid, with their metrics side by side.
pub fn several(r: &Report) -> Markup {
    let equity: Vec<_> = r.runs.iter().filter_map(|p| p.cumulative.first()).collect();
    // Each run's drawdown, named after its run for the legend.
    let named: Vec<Line> = r
        .runs
        .iter()
        .filter(|p| !p.underwater.points.is_empty())
        .map(|p| Line {
            name: format!("#{} {}", p.header.id, p.header.agent_id),
            ..p.underwater.clone()
        })
        .collect();
    let dd: Vec<&Line> = named.iter().collect();
    let names: Vec<String> = r
        .runs
        .iter()
        .map(|p| format!("#{} {}", p.header.id, p.header.agent_id))
        .collect();
    html! {
        section.compare {
            h2 { "Runs compared" }
            h3 { "Cumulative return" }
            (chart::lines("compare-equity", &equity, Fmt::Pct, false, None))
            h3 { "Drawdown" }
            (chart::lines("compare-drawdown", &dd, Fmt::Pct, false, None))
            table.metrics.sortable data-table="compare" {
                thead { tr { th { "metric" } @for n in &names { th { (n) } } } }
                tbody {
                    @for (i, m) in r.runs[0].metrics.iter().enumerate() {
                        tr {
                            td { (m.name) }
                            @for p in &r.runs {
                                td { (p.metrics.get(i).filter(|x| x.name == m.name).map_or("", |x| x.text.as_str())) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One run's section: header, metrics, every chart, the trade list (the dashboard's run page too).
pub fn panel(p: &RunPanel) -> Markup {
    let h = &p.header;
    let id = h.id;
    let strategy: Vec<_> = p.cumulative.iter().collect();
    let yearly: Vec<(String, f64)> = p
        .monthly
        .iter()
        .filter_map(|y| y.total.map(|t| (y.year.to_string(), t)))
        .collect();
    let pnl: Vec<(String, f64)> = p
        .trades
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("trade {} ({})", i + 1, t.exit_time), t.pnl.to_f64()))
        .collect();
    let bins: Vec<(String, f64)> = p
        .distribution
        .iter()
        .map(|b| {
            (
                format!("{:.2}% to {:.2}%", b.lo * 100.0, b.hi * 100.0),
                b.count as f64,
            )
        })
        .collect();
    html! {
        section.run id=(format!("run-{id}")) data-run=(id) {
            h2 { "Run #" (id) " · " (h.agent_id) }
            @if let Some(d) = &h.description { p.desc { (d) } }
            dl.header {
                dt { "symbols" } dd { (h.symbols.join(", ")) }
                dt { "timeframe" } dd { (h.timeframe) }
                dt { "period" } dd { (h.start) " → " (h.end) }
                @if let Some(b) = &h.benchmark { dt { "benchmark" } dd { (b) } }
                @if let Some(params) = &h.params { dt { "parameters" } dd { (params.to_string()) } }
                dt { "data fingerprint" } dd { code { (h.data_fingerprint) } }
                dt { "engine" } dd { (h.engine_version) }
                dt { "created" } dd { (h.created_at) }
            }
            details.config { summary { "agent as run" } pre { (serde_json::to_string_pretty(&h.config).unwrap_or_default()) } }
            @for n in &p.notes { p.note { (n) } }
            div.grid {
                div {
                    h3 { "Metrics" }
                    table.metrics data-table="metrics" {
                        tbody { @for m in &p.metrics { tr { td { (m.name) } td.num { (m.text) } } } }
                    }
                }
                div {
                    h3 { "Cumulative return" }
                    (chart::lines(&format!("equity-{id}"), &strategy, Fmt::Pct, false, None))
                    h3 { "Cumulative return, log scale" }
                    (chart::lines(&format!("equity-log-{id}"), &strategy, Fmt::Pct, true, None))
                    h3 { "Drawdown" }
                    (chart::lines(&format!("underwater-{id}"), &[&p.underwater], Fmt::Pct, false, Some("loss")))
                }
            }
            h3 { "Monthly returns" }
            (page::heatmap(&format!("monthly-{id}"), &p.monthly))
            h3 { "Yearly returns" }
            (chart::bars(&format!("yearly-{id}"), "yearly", &yearly, Fmt::Pct))
            @if p.rolling.iter().all(|l| l.points.is_empty()) {
                h3 { "Rolling 6-month Sharpe, volatility and beta" }
                p.empty data-chart=(format!("rolling-{id}")) { "fewer than 126 sessions: no full 6-month window" }
            } @else {
                @for (i, l) in p.rolling.iter().enumerate() {
                    h3 { "Rolling 6-month " (l.name) }
                    (chart::lines(&format!("rolling-{i}-{id}"), &[l], if l.name == "volatility" { Fmt::Pct } else { Fmt::Num }, false, None))
                }
            }
            h3 { "Distribution of daily returns" }
            (chart::bars(&format!("distribution-{id}"), "daily returns", &bins, Fmt::Num))
            @if let (Some(lo), Some(hi)) = (p.distribution.first(), p.distribution.last()) {
                p.axis { "from " (format!("{:.2}%", lo.lo * 100.0)) " to " (format!("{:.2}%", hi.hi * 100.0)) " in " (p.distribution.len()) " equal bins; hover a bar for its range and count" }
            }
            h3 { "Worst drawdowns" }
            (page::drawdowns(id, &p.worst_drawdowns))
            h3 { "Exposure" }
            (chart::lines(&format!("exposure-{id}"), &[&p.exposure], Fmt::Pct, false, Some("held")))
            h3 { "P&L per trade" }
            (chart::bars(&format!("pnl-{id}"), "P&L", &pnl, Fmt::Num))
            @if pnl.len() > chart::DENSE {
                p.axis { (pnl.len()) " trades in order: each pixel column shows its largest gain and loss" }
            }
            @if let Some(c) = &p.candles {
                h3 { "Price · " (c.symbol) " " (c.timeframe) }
                (chart::candles(&format!("price-{id}"), c, MAX_MARKERS))
                @if c.markers.len() > MAX_MARKERS {
                    p.note { (MAX_MARKERS) " of " (c.markers.len()) " fills marked; the trade list has them all" }
                }
            }
            h3 { "Round trips" }
            (page::trades(id, &p.trades))
        }
    }
}
