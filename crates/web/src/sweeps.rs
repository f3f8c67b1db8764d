//! A stored sweep: `/sweeps/{id}` draws its metric as a heatmap over the first two parameters of
//! its grid (the best value over any other parameter, each cell linking to its run), then its
//! ranking; a walk-forward draws how many windows each parameter pair won, its windows and its
//! chained out-of-sample curve. `/api/sweeps/{id}` is the stored sweep as
//! `backtest sweeps ID --json` prints it.

use app::report::Line;
use app::sweep::RankBy;
use app::sweep::walk::WalkForwardReport;
use app::sweep::{SweepReport, SweepRow};
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Map, Value};
use store::StoredSweep;

use crate::error::{ApiError, WebError};
use crate::page::{Nav, page, pct, ratio};
use crate::state::AppState;

/// Ranking rows listed on the page (the JSON has them all).
pub const SHOWN_ROWS: usize = 100;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sweeps/{id}", get(sweep_page))
        .route("/api/sweeps/{id}", get(sweep_api))
}

async fn load(state: &AppState, id: i64) -> Result<StoredSweep, WebError> {
    state.read(move |s| Ok(s.get_sweep(id)?)).await
}

async fn sweep_api(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<StoredSweep>, ApiError> {
    Ok(Json(load(&state, id).await?))
}

/// A stored report read back as what it is (as `backtest sweeps ID` does).
pub enum Stored {
    Ranking(SweepReport),
    Walk(WalkForwardReport),
    Unfinished,
}

impl Stored {
    pub fn of(report: &Value) -> Result<Self, WebError> {
        let bad = |e: serde_json::Error| WebError::Internal(format!("stored sweep report: {e}"));
        if report.get("windows").is_some() {
            Ok(Self::Walk(
                serde_json::from_value(report.clone()).map_err(bad)?,
            ))
        } else if report.get("runs").is_some() {
            Ok(Self::Ranking(
                serde_json::from_value(report.clone()).map_err(bad)?,
            ))
        } else {
            Ok(Self::Unfinished)
        }
    }
}

/// One parameter of the grid with the values it tried, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub name: String,
    pub values: Vec<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub value: f64,
    pub run_id: Option<i64>,
}

/// A value over the first two parameters; `cells[y][x]`. A grid of one parameter has one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    pub x: Axis,
    pub y: Option<Axis>,
    pub cells: Vec<Vec<Option<Cell>>>,
}

/// The best value at each (x, y) of `points` (parameters, value, run), over any other parameter.
pub fn heatmap<'a>(
    grid: &Value,
    points: impl IntoIterator<Item = (&'a Map<String, Value>, Option<f64>, Option<i64>)>,
) -> Option<Heatmap> {
    let mut axes = grid.as_object()?.iter().map(|(k, v)| Axis {
        name: k.clone(),
        values: v.as_array().cloned().unwrap_or_default(),
    });
    let x = axes.next()?;
    let y = axes.next();
    let rows = y.as_ref().map_or(1, |y| y.values.len());
    let mut cells = vec![vec![None::<Cell>; x.values.len()]; rows];
    for (params, value, run_id) in points {
        let Some(value) = value.filter(|v| v.is_finite()) else {
            continue;
        };
        let at = |a: &Axis| {
            params
                .get(&a.name)
                .and_then(|v| a.values.iter().position(|w| w == v))
        };
        let (Some(i), Some(j)) = (at(&x), y.as_ref().map_or(Some(0), at)) else {
            continue;
        };
        let c = &mut cells[j][i];
        if c.is_none_or(|c| value > c.value) {
            *c = Some(Cell { value, run_id });
        }
    }
    Some(Heatmap { x, y, cells })
}

/// How a metric reads: a percentage or a ratio.
fn shown(metric: RankBy, v: f64) -> String {
    match metric {
        RankBy::TotalReturn | RankBy::Cagr | RankBy::MaxDrawdown | RankBy::WinRate => pct(Some(v)),
        _ => ratio(Some(v)),
    }
}

fn draw(h: &Heatmap, show: impl Fn(f64) -> String) -> Markup {
    let values = h.cells.iter().flatten().flatten().map(|c| c.value);
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    // Red for the worst, green for the best.
    let colour = |v: f64| {
        let t = if hi > lo { (v - lo) / (hi - lo) } else { 1.0 };
        format!("background:hsl({:.0},65%,72%)", t * 120.0)
    };
    let label = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    html! {
        table.heat {
            thead { tr {
                th { (h.y.as_ref().map_or("", |y| y.name.as_str())) " ╲ " (h.x.name) }
                @for v in &h.x.values { th { (label(v)) } }
            } }
            tbody {
                @for (j, row) in h.cells.iter().enumerate() {
                    tr {
                        th { (h.y.as_ref().and_then(|y| y.values.get(j)).map(label).unwrap_or_default()) }
                        @for c in row {
                            @match c {
                                Some(c) => td style=(colour(c.value)) {
                                    @match c.run_id {
                                        Some(id) => a href=(format!("/runs/{id}")) title=(format!("run {id}")) { (show(c.value)) },
                                        None => (show(c.value)),
                                    }
                                },
                                None => td { "–" },
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct SweepQuery {
    metric: Option<String>,
}

async fn sweep_page(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<SweepQuery>,
) -> Result<Html<String>, WebError> {
    let sweep = load(&state, id).await?;
    let s = &sweep.summary;
    let body = html! {
        p.sub { a href="/runs" { "← runs" } " · " a href=(format!("/api/sweeps/{id}")) { "as JSON" } }
        h1 { "Sweep #" (s.id) " · " (s.agent_id) }
        dl.header {
            dt { "ranked by" } dd { (s.metric) }
            dt { "grid" } dd { code { (s.grid.to_string()) } }
            dt { "kept" } dd { (s.keep) }
            dt { "stored runs" } dd { (s.runs) }
            dt { "created" } dd { (s.created_at) }
        }
        @match Stored::of(&sweep.report)? {
            Stored::Ranking(r) => (ranking(&sweep, &r, q.metric.as_deref())?),
            Stored::Walk(w) => (walk(&sweep, &w)),
            Stored::Unfinished => p.note { "this sweep stopped before its report was stored" },
        }
    };
    Ok(page(&format!("Sweep #{id}"), Nav::Runs, None, body))
}

fn ranking(sweep: &StoredSweep, r: &SweepReport, metric: Option<&str>) -> Result<Markup, WebError> {
    let metric = match metric.filter(|m| !m.is_empty()) {
        Some(m) => m.parse().map_err(WebError::BadRequest)?,
        None => r.metric,
    };
    let value = |row: &SweepRow| metric.value(&row.metrics);
    let heat = heatmap(
        &sweep.summary.grid,
        r.runs
            .iter()
            .map(|row| (&row.params, value(row), row.run_id)),
    );
    Ok(html! {
        h2 { (metric.as_str()) " over the grid" }
        form.filters method="get" {
            label { "metric" select name="metric" {
                @for m in RankBy::ALL { option value=(m.as_str()) selected[m == metric] { (m.as_str()) } }
            } }
            button type="submit" { "Draw" }
        }
        @match &heat {
            Some(h) => (draw(h, |v| shown(metric, v))),
            None => p.empty { "no parameter grid to draw" },
        }
        @if r.invalid_combinations > 0 { p.note { (r.invalid_combinations) " combinations were refused by the agent's own checks" } }
        h2 { "Ranking by " (r.metric.as_str()) }
        table.list.sortable data-table="ranking" {
            thead { tr { th { "#" } th { "params" } th { (r.metric.as_str()) } th { "return" } th { "Sharpe" } th { "max DD" } th { "run" } } }
            tbody {
                @for (i, row) in r.runs.iter().take(SHOWN_ROWS).enumerate() {
                    tr {
                        td.num { (i + 1) }
                        td { (Value::Object(row.params.clone()).to_string()) }
                        td.num { (row.score.map_or("–".into(), |v| shown(r.metric, v))) }
                        td.num { (pct(row.metrics.total_return)) }
                        td.num { (ratio(row.metrics.sharpe)) }
                        td.num { (pct(row.metrics.max_drawdown)) }
                        td { @match row.run_id {
                            Some(id) => a href=(format!("/runs/{id}")) { "#" (id) @if row.kept { " (fills kept)" } },
                            None => "not stored",
                        } }
                    }
                }
            }
        }
        @if r.runs.len() > SHOWN_ROWS { p.sub { (SHOWN_ROWS) " of " (r.runs.len()) " shown; the JSON has every row" } }
    })
}

fn walk(sweep: &StoredSweep, w: &WalkForwardReport) -> Markup {
    let won = w
        .stability
        .chosen
        .iter()
        .map(|c| (&c.params, Some(c.windows as f64), None));
    let heat = heatmap(&sweep.summary.grid, won);
    let st = &w.stability;
    let curve = Line::dated(
        "out-of-sample",
        st.curve
            .dates
            .iter()
            .zip(&st.curve.growth)
            .filter_map(|(d, g)| Some((d.parse::<NaiveDate>().ok()?, g - 1.0))),
        1_000,
    );
    html! {
        h2 { "Windows won over the grid" }
        @match &heat {
            Some(h) => (draw(h, |v| format!("{v:.0}"))),
            None => p.empty { "no parameter grid to draw" },
        }
        h2 { "Walk-forward: " (w.train_sessions) " + " (w.test_sessions) " sessions, by " (w.metric.as_str()) }
        @for warning in &st.warnings { p.note { (warning) } }
        dl.header {
            dt { "compounded out-of-sample return" } dd { (pct(Some(w.out_of_sample_return))) }
            dt { "out-of-sample Sharpe" } dd { (ratio(st.out_of_sample.sharpe)) }
            dt { "in-sample Sharpe (mean)" } dd { (ratio(st.in_sample.sharpe)) }
            dt { "Sharpe decay" } dd { (ratio(st.sharpe_decay)) }
            dt { "out-of-sample max drawdown" } dd { (pct(st.out_of_sample.max_drawdown)) }
            dt { "windows without trades" } dd { (st.windows_without_trades) " of " (w.windows.len()) }
            dt { "winners on the grid's edge" } dd { (st.windows_on_grid_edge) }
        }
        h3 { "Out-of-sample windows chained" }
        (render::html::chart::lines("walk-curve", &[&curve], render::html::chart::Fmt::Pct, false, None))
        h3 { "Windows" }
        table.list.sortable data-table="windows" {
            thead { tr { th { "in-sample" } th { "out-of-sample" } th { "best params" } th { "IS score" } th { "OOS score" } th { "OOS return" } th { "fills" } } }
            tbody {
                @for win in &w.windows {
                    tr {
                        td { (win.in_sample[0]) " → " (win.in_sample[1]) }
                        td { (win.out_of_sample[0]) " → " (win.out_of_sample[1]) }
                        td { (Value::Object(win.best.clone()).to_string()) @if !win.on_grid_edge.is_empty() { " (edge: " (win.on_grid_edge.join(", ")) ")" } }
                        td.num { (ratio(win.in_sample_score)) }
                        td.num { (ratio(win.out_of_sample_score)) }
                        td.num { @if win.out_of_sample_fills == 0 { "no trade" } @else { (pct(win.out_of_sample_return)) } }
                        td.num { (win.out_of_sample_fills) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_cell_holds_the_best_value_over_the_other_parameters() {
        let grid = json!({"fast": [2, 3], "slow": [8, 9], "z": [1, 2]});
        let p = |f: i64, s: i64, k: i64| {
            json!({"fast": f, "slow": s, "z": k})
                .as_object()
                .unwrap()
                .clone()
        };
        let rows = [
            (p(2, 8, 1), Some(0.5), Some(1)),
            (p(2, 8, 2), Some(0.9), Some(2)),
            (p(3, 9, 1), None, Some(3)),
            (p(3, 8, 1), Some(f64::NAN), Some(4)),
        ];
        let h = heatmap(&grid, rows.iter().map(|(a, b, c)| (a, *b, *c))).unwrap();
        assert_eq!(h.x.name, "fast");
        assert_eq!(h.y.as_ref().unwrap().name, "slow");
        assert_eq!(
            h.cells[0][0],
            Some(Cell {
                value: 0.9,
                run_id: Some(2)
            })
        );
        assert_eq!(h.cells[1][1], None, "no value");
        assert_eq!(h.cells[0][1], None, "not finite");
        let one = heatmap(
            &json!({"fast": [2, 3]}),
            rows.iter().map(|(a, b, c)| (a, *b, *c)),
        )
        .unwrap();
        assert_eq!(one.cells.len(), 1);
        assert!(heatmap(&json!({}), std::iter::empty()).is_none());
    }
}
