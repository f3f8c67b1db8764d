//! The stored runs and sweeps, as `backtest list` lists them (`app::views::listing`): `/` and
//! `/runs` as a page, `/api/runs` as the same JSON entries as `backtest list --json`. Both take
//! the same query: `agent`, `from`/`to` (runs inside that period), `metric` with `min` (runs
//! whose metric is at least `min`), `sort`/`dir` and `limit`.

use app::sweep::RankBy;
use app::views::fmt::money;
use app::views::{Entry, listing, params_text};
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use domain::UnixNanos;
use domain::time::NANOS_PER_DAY;
use maud::{Markup, html};
use serde::Deserialize;
use store::RunSummary;

use crate::error::{ApiError, WebError};
use crate::page::{Nav, page, pct, ratio};
use crate::state::AppState;

/// Rows shown unless `limit` says otherwise, and the most it may say.
pub const DEFAULT_LIMIT: usize = 500;
pub const MAX_LIMIT: usize = 100_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(runs_page))
        .route("/runs", get(runs_page))
        .route("/api/runs", get(runs_api))
}

/// The query as sent: every field text, an empty one (a blank form field) meaning unset.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub agent: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub metric: Option<String>,
    pub min: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub limit: Option<String>,
}

/// A column to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Id,
    Agent,
    Start,
    End,
    Return,
    Sharpe,
    Drawdown,
    Trades,
    Created,
}

impl Sort {
    pub const ALL: [(Self, &'static str); 9] = [
        (Self::Id, "id"),
        (Self::Agent, "agent"),
        (Self::Start, "start"),
        (Self::End, "end"),
        (Self::Return, "return"),
        (Self::Sharpe, "sharpe"),
        (Self::Drawdown, "drawdown"),
        (Self::Trades, "trades"),
        (Self::Created, "created"),
    ];

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, n)| *n == s).map(|(v, _)| *v)
    }

    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(v, _)| *v == self)
            .map_or("", |(_, n)| n)
    }
}

/// The metrics a run's summary holds, which the list can filter on without reading each run.
pub const FILTER_METRICS: [RankBy; 3] = [RankBy::Sharpe, RankBy::TotalReturn, RankBy::MaxDrawdown];

/// [`ListQuery`] checked.
#[derive(Debug, Clone)]
pub struct Filter {
    pub agent: Option<String>,
    pub from: Option<UnixNanos>,
    pub to: Option<UnixNanos>,
    pub min: Option<(RankBy, f64)>,
    pub sort: Sort,
    pub desc: bool,
    pub limit: usize,
}

fn set(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Filter {
    pub fn parse(q: &ListQuery) -> Result<Self, WebError> {
        // A date alone as `to` includes its whole day, as `--end` does.
        let bound = |name: &str, v: Option<&str>, end: bool| {
            v.map(|t| {
                let at =
                    app::time::instant(t).map_err(|e| WebError::bad(format!("{name}: {e}")))?;
                Ok::<_, WebError>(if end && t.len() == 10 {
                    at.plus(NANOS_PER_DAY)
                } else {
                    at
                })
            })
            .transpose()
        };
        let from = bound("from", set(&q.from), false)?;
        let to = bound("to", set(&q.to), true)?;
        let min = match (set(&q.metric), set(&q.min)) {
            (Some(m), Some(v)) => {
                let metric: RankBy = m.parse().map_err(WebError::BadRequest)?;
                if !FILTER_METRICS.contains(&metric) {
                    return Err(WebError::bad(format!(
                        "metric: the list filters on sharpe, total-return or max-drawdown, not {m}"
                    )));
                }
                let v: f64 = v
                    .parse()
                    .map_err(|_| WebError::bad(format!("min: {v:?} is not a number")))?;
                Some((metric, v))
            }
            _ => None,
        };
        let sort = match set(&q.sort) {
            Some(s) => {
                Sort::parse(s).ok_or_else(|| WebError::bad(format!("sort: no column {s:?}")))?
            }
            None => Sort::Created,
        };
        let desc = match set(&q.dir) {
            Some("asc") => false,
            Some("desc") => true,
            Some(d) => return Err(WebError::bad(format!("dir: asc or desc, not {d:?}"))),
            None => sort != Sort::Agent,
        };
        let limit = match set(&q.limit) {
            Some(l) => l
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| WebError::bad(format!("limit: 1 to {MAX_LIMIT}, not {l:?}")))?,
            None => DEFAULT_LIMIT,
        };
        Ok(Self {
            agent: set(&q.agent).map(str::to_string),
            from,
            to,
            min,
            sort,
            desc,
            limit,
        })
    }

    /// Sweeps have no period or metric of their own: a filter on either leaves them out.
    fn keeps(&self, e: &Entry) -> bool {
        match e {
            Entry::Sweep(_) => self.from.is_none() && self.to.is_none() && self.min.is_none(),
            Entry::Run(r) => {
                self.from.is_none_or(|f| r.start >= f)
                    && self.to.is_none_or(|t| r.end < t)
                    && self
                        .min
                        .is_none_or(|(m, v)| summary_metric(r, m).is_some_and(|x| x >= v))
            }
        }
    }
}

/// Total return from the capital, as `backtest list` shows it.
pub fn total_return(r: &RunSummary) -> f64 {
    (r.final_capital - r.initial_capital).to_f64() / r.initial_capital.to_f64()
}

/// A metric of [`FILTER_METRICS`] from the summary, higher better (drawdowns negative).
fn summary_metric(r: &RunSummary, m: RankBy) -> Option<f64> {
    match m {
        RankBy::Sharpe => r.sharpe_ratio,
        RankBy::TotalReturn => Some(total_return(r)),
        RankBy::MaxDrawdown => Some(-r.max_drawdown),
        _ => None,
    }
    .filter(|v| v.is_finite())
}

/// The entries the filter keeps, sorted, at most `limit`; and how many it kept in all.
pub fn select(entries: Vec<Entry>, f: &Filter) -> (Vec<Entry>, usize) {
    let mut kept: Vec<Entry> = entries.into_iter().filter(|e| f.keeps(e)).collect();
    let key = |e: &Entry| -> (u8, Key) {
        let (id, agent) = match e {
            Entry::Run(r) => (r.id, r.agent_id.as_str()),
            Entry::Sweep(s) => (s.id, s.agent_id.as_str()),
        };
        let k = match (f.sort, e) {
            (Sort::Id, _) => Key::Int(id),
            (Sort::Agent, _) => Key::Text(agent.to_string()),
            (Sort::Created, _) => Key::Text(e.created_at().to_string()),
            (Sort::Start, Entry::Run(r)) => Key::Int(r.start.as_i64()),
            (Sort::End, Entry::Run(r)) => Key::Int(r.end.as_i64()),
            (Sort::Return, Entry::Run(r)) => Key::Num(total_return(r)),
            (Sort::Sharpe, Entry::Run(r)) => r.sharpe_ratio.map_or(Key::None, Key::Num),
            (Sort::Drawdown, Entry::Run(r)) => Key::Num(-r.max_drawdown),
            (Sort::Trades, Entry::Run(r)) => Key::Int(r.total_trades as i64),
            (_, Entry::Sweep(_)) => Key::None,
        };
        // Entries without a value go last whichever the direction.
        (u8::from(matches!(k, Key::None)), k)
    };
    kept.sort_by(|a, b| {
        let (ga, ka) = key(a);
        let (gb, kb) = key(b);
        let by = ka.cmp(&kb);
        ga.cmp(&gb).then(if f.desc { by.reverse() } else { by })
    });
    let total = kept.len();
    kept.truncate(f.limit);
    (kept, total)
}

#[derive(Debug, PartialEq, PartialOrd)]
enum Key {
    None,
    Int(i64),
    Num(f64),
    Text(String),
}

impl Key {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        match (self, o) {
            (Self::Num(a), Self::Num(b)) => a.total_cmp(b),
            _ => self.partial_cmp(o).unwrap_or(std::cmp::Ordering::Equal),
        }
    }
}

async fn load(state: &AppState, q: &ListQuery) -> Result<(Vec<Entry>, usize, Filter), WebError> {
    let f = Filter::parse(q)?;
    let agent = f.agent.clone();
    let all = state
        .read(move |s| Ok(listing(s, i64::MAX as u64, agent.as_deref())?))
        .await?;
    let (entries, total) = select(all, &f);
    Ok((entries, total, f))
}

async fn runs_api(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<Entry>>, ApiError> {
    Ok(Json(load(&state, &q).await?.0))
}

async fn runs_page(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    let (entries, total, f) = load(&state, &q).await?;
    let body = html! {
        h1 { "Runs" }
        (filters(&q))
        p.sub {
            (entries.len()) " of " (total) " shown"
            @if entries.len() < total { " (raise limit= to see more)" }
            " · " a href=(format!("/api/runs{}", query_string(&q, &[("sort", f.sort.name()), ("dir", if f.desc { "desc" } else { "asc" })]))) { "as JSON" }
        }
        @if entries.is_empty() {
            p.empty { "no stored runs match; try `ztrade backtest run AGENT` or `ztrade demo`" }
        } @else {
            form #compare action="/compare" method="get" { button type="submit" { "Compare the runs ticked" } }
            (table(&entries, &q, &f))
        }
    };
    Ok(page("Runs", Nav::Runs, None, body))
}

fn filters(q: &ListQuery) -> Markup {
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let metric = v(&q.metric);
    html! {
        form.filters method="get" action="/runs" {
            label { "agent" input name="agent" value=(v(&q.agent)); }
            label { "from" input name="from" placeholder="2024-01-01" value=(v(&q.from)); }
            label { "to" input name="to" placeholder="2024-12-31" value=(v(&q.to)); }
            label { "metric at least"
                select name="metric" {
                    option value="" { "–" }
                    @for m in FILTER_METRICS { option value=(m.as_str()) selected[metric == m.as_str()] { (m.as_str()) } }
                }
            }
            label { "min" input name="min" size="6" value=(v(&q.min)); }
            input type="hidden" name="sort" value=(v(&q.sort));
            input type="hidden" name="dir" value=(v(&q.dir));
            label { "limit" input name="limit" size="6" value=(v(&q.limit)); }
            button type="submit" { "Show" }
        }
    }
}

/// The query's own parameters (never anything else it was sent, such as a token), then `extra`.
fn query_string(q: &ListQuery, extra: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let own = [
        ("agent", &q.agent),
        ("from", &q.from),
        ("to", &q.to),
        ("metric", &q.metric),
        ("min", &q.min),
        ("limit", &q.limit),
    ];
    let pairs: Vec<String> = own
        .into_iter()
        .filter_map(|(k, v)| set(v).map(|v| (k, v)))
        .chain(extra.iter().copied())
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

/// `/runs?…` sorting by `col`: the other way round when it already sorts by it.
fn sort_link(q: &ListQuery, f: &Filter, col: Sort) -> String {
    let dir = if f.sort == col && f.desc {
        "asc"
    } else {
        "desc"
    };
    format!(
        "/runs{}",
        query_string(q, &[("sort", col.name()), ("dir", dir)])
    )
}

fn table(entries: &[Entry], q: &ListQuery, f: &Filter) -> Markup {
    let th = |col: Sort, name: &str| {
        let mark = match (f.sort == col, f.desc) {
            (true, true) => " ▼",
            (true, false) => " ▲",
            _ => "",
        };
        html! { th { a href=(sort_link(q, f, col)) { (name) (mark) } } }
    };
    html! {
        table.list.runs {
            thead { tr {
                th { "" } (th(Sort::Id, "id")) (th(Sort::Agent, "agent")) th { "params" }
                (th(Sort::Start, "start")) (th(Sort::End, "end")) th { "final equity" }
                (th(Sort::Return, "return")) (th(Sort::Sharpe, "Sharpe")) (th(Sort::Drawdown, "max DD"))
                (th(Sort::Trades, "trades")) (th(Sort::Created, "created"))
            } }
            tbody {
                @for e in entries {
                    @match e {
                        Entry::Run(r) => tr {
                            td { input type="checkbox" name="ids" value=(r.id) form="compare"; }
                            td.num { a href=(format!("/runs/{}", r.id)) { (r.id) } }
                            td { (r.agent_id) } td { (params_text(r.params.as_ref())) }
                            td { (r.start.utc_date()) } td { (r.end.utc_date()) }
                            td.num { (money(r.final_capital)) } td.num { (pct(Some(total_return(r)))) }
                            td.num { (ratio(r.sharpe_ratio)) } td.num { (pct(Some(-r.max_drawdown))) }
                            td.num { (r.total_trades) } td { (r.created_at) }
                        },
                        Entry::Sweep(s) => tr.sweep {
                            td {} td { a href=(format!("/sweeps/{}", s.id)) { "sweep " (s.id) } }
                            td { (s.agent_id) }
                            td colspan="8" {
                                @if s.keep.starts_with("walk-forward") { (s.keep) } @else { (s.runs) " runs" }
                                " of " (s.grid.to_string()) " by " (s.metric)
                            }
                            td { (s.created_at) }
                        },
                    }
                }
            }
        }
    }
}
