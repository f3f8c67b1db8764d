//! The stored bars: `/data` draws a calendar per series (`BarStore::series`, then the quote-bar
//! series) with each session complete, partial or missing on the expected-bar grid
//! ([`crate::coverage`]); a day links to `/data/{symbol}/{timeframe}/{date}` (or
//! `/data/quotes/…` for quote bars), that day's rows and the slots without one. `/api/data`
//! gives each series as its `data status --json` row plus its days; `/api/data/…/{date}` the
//! day. `?symbol=` and `?timeframe=` narrow `/data` to some series.

use std::collections::HashMap;

use app::data::status::SeriesRow;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use domain::calendar::Calendar;
use domain::grid::days::DaySummary;
use domain::time::NEW_YORK;
use domain::{Bar, QuoteBar, Symbol, Timeframe, UnixNanos};
use maud::{Markup, html};
use serde::{Deserialize, Serialize};
use store::{BarQuery, BarStore, QualityStore, SeriesStatus, Store};

use crate::coverage::{self, Day, DayState};
use crate::error::{ApiError, WebError};
use crate::page::{Nav, page, segment};
use crate::quality::{self, SeriesQuality};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/data", get(data_page))
        .route("/api/data", get(data_api))
        .route("/data/{symbol}/{timeframe}/{date}", get(day_page))
        .route("/api/data/{symbol}/{timeframe}/{date}", get(day_api))
        .route(
            "/data/quotes/{symbol}/{timeframe}/{date}",
            get(quote_day_page),
        )
        .route(
            "/api/data/quotes/{symbol}/{timeframe}/{date}",
            get(quote_day_api),
        )
}

/// A series as `data status --json` shows it, its years, and the days of the year shown.
#[derive(Debug, Serialize)]
pub struct SeriesCoverage {
    #[serde(flatten)]
    pub series: SeriesRow,
    /// Every year of the series with its slots and rows, for the year strip.
    pub years: Vec<YearCoverage>,
    /// The year whose days are listed; `None` when all are (`?year=all`).
    pub year: Option<i32>,
    pub days: Vec<Day>,
    /// The last `data validate`'s warnings and errors (its summary is `quality` in the row).
    #[serde(flatten)]
    pub quality: SeriesQuality,
}

/// One year of a series: the sum of its days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearCoverage {
    pub year: i32,
    pub expected: u64,
    pub filled: u64,
    pub rows: u64,
}

#[derive(Debug, Default, Deserialize)]
pub struct DataQuery {
    pub symbol: Option<String>,
    pub timeframe: Option<String>,
    /// `YYYY`, or `all`; by default each series' last year.
    pub year: Option<String>,
}

/// Which days of a series to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum YearChoice {
    Last,
    All,
    Year(i32),
}

fn year_choice(q: &DataQuery) -> Result<YearChoice, WebError> {
    match q.year.as_deref().map(str::trim) {
        None | Some("") => Ok(YearChoice::Last),
        Some(a) if a.eq_ignore_ascii_case("all") => Ok(YearChoice::All),
        Some(y) => y
            .parse()
            .map(YearChoice::Year)
            .map_err(|_| WebError::bad(format!("year: {y:?} is not a year (YYYY) or all"))),
    }
}

/// Every stored bar and quote-bar series (or those `q` names) with its days.
pub fn coverage_of(
    store: &(impl BarStore + QualityStore + ?Sized),
    q: &DataQuery,
) -> Result<Vec<SeriesCoverage>, WebError> {
    let choice = year_choice(q)?;
    let want = |v: &Option<String>, s: &str| {
        v.as_deref()
            .filter(|w| !w.is_empty())
            .is_none_or(|w| w.eq_ignore_ascii_case(s))
    };
    let wanted = |s: &SeriesStatus| {
        want(&q.symbol, s.symbol.as_str()) && want(&q.timeframe, &s.timeframe.to_string())
    };
    let checks = quality::summaries(store)?;
    let mut out = Vec::new();
    for s in store.series()?.into_iter().filter(|s| wanted(s)) {
        let index = store.bar_days(&s.symbol, s.timeframe, None, None)?;
        let mut c = series_coverage("bars", &s, &index, choice)?;
        (c.series.quality, c.quality) = quality::of_series(store, &checks, &s, false)?;
        out.push(c);
    }
    for s in store.quote_series()?.into_iter().filter(|s| wanted(s)) {
        let index = store.quote_bar_days(&s.symbol, s.timeframe, None, None)?;
        let mut c = series_coverage("quotes", &s, &index, choice)?;
        (c.series.quality, c.quality) = quality::of_series(store, &checks, &s, true)?;
        out.push(c);
    }
    Ok(out)
}

/// One series' `data status` row, its years and the days of the chosen year, from its day
/// index.
fn series_coverage(
    kind: &'static str,
    s: &SeriesStatus,
    index: &[DaySummary],
    choice: YearChoice,
) -> Result<SeriesCoverage, WebError> {
    let days = coverage::days(s.timeframe, s.calendar, index).map_err(|e| {
        WebError::Internal(format!("{} {}: stored {kind}: {e}", s.symbol, s.timeframe))
    })?;
    let grid = domain::grid::BarGrid::new(s.timeframe, s.calendar).is_ok();
    let missing = grid.then(|| days.iter().map(|d| d.expected - d.filled).sum());
    let series = app::data::status::row(kind, s, missing);
    let mut years: Vec<YearCoverage> = Vec::new();
    for d in &days {
        let y = d.date.year();
        if years.last().is_none_or(|l| l.year != y) {
            years.push(YearCoverage {
                year: y,
                expected: 0,
                filled: 0,
                rows: 0,
            });
        }
        if let Some(l) = years.last_mut() {
            l.expected += d.expected;
            l.filled += d.filled;
            l.rows += d.rows;
        }
    }
    let year = match choice {
        YearChoice::All => None,
        YearChoice::Last => years.last().map(|y| y.year),
        YearChoice::Year(y) => Some(y),
    };
    let days = days
        .into_iter()
        .filter(|d| year.is_none_or(|y| d.date.year() == y))
        .collect();
    Ok(SeriesCoverage {
        series,
        years,
        year,
        days,
        quality: SeriesQuality::default(),
    })
}

async fn data_api(
    State(state): State<AppState>,
    Query(q): Query<DataQuery>,
) -> Result<Json<Vec<SeriesCoverage>>, ApiError> {
    Ok(Json(state.read(move |s| coverage_of(s, &q)).await?))
}

async fn data_page(
    State(state): State<AppState>,
    Query(q): Query<DataQuery>,
) -> Result<Html<String>, WebError> {
    let all = state.read(move |s| coverage_of(s, &q)).await?;
    let count = |c: &SeriesCoverage, st: DayState| c.days.iter().filter(|d| d.state == st).count();
    let body = html! {
        h1 { "Stored data" }
        p.sub { "Each session on the NYSE calendar against the expected-bar grid, from a series' first bar to its last; the last year of each series unless a year is chosen. " a href="/api/data" { "as JSON" } }
        p.legend {
            "sessions:" span.k style="background:#2da44e" {} "complete" span.k style="background:#e3b341" {} "partial"
            span.k style="background:#d1242f" {} "missing" span.k style="background:#8250df" {} "rows off the grid" span.k style="background:#eef1f4" {} "no session"
        }
        @if all.is_empty() { p.empty { "no bars stored; try `ztrade data import`, `ztrade data seed` or `ztrade demo`" } }
        @for c in &all {
            h2 { (c.series.symbol) " " (c.series.timeframe) @if c.series.kind == "quotes" { " quotes" } }
            p.sub {
                (c.series.rows) " rows, " (c.series.first) " → " (c.series.last) " · "
                @match c.series.missing {
                    Some(m) => { (m) " missing · " (count(c, DayState::Complete)) " complete, " (count(c, DayState::Partial)) " partial, " (count(c, DayState::Missing)) " missing sessions" @if let Some(y) = c.year { " in " (y) } },
                    None => "no expected-bar grid for this timeframe",
                }
            }
            (quality::section(c.series.quality.as_ref(), &c.quality, Timeframe::parse(&c.series.timeframe).is_ok_and(|t| t.is_daily_or_longer())))
            (year_strip(c))
            (calendar(&format!("/data/{}{}/{}", if c.series.kind == "quotes" { "quotes/" } else { "" }, segment(&c.series.symbol), c.series.timeframe), &c.days))
        }
    };
    Ok(page("Data", Nav::Data, None, body))
}

/// The series' years, each a link to its calendar with the share of its slots filled.
fn year_strip(c: &SeriesCoverage) -> Markup {
    let link = |y: &str| {
        format!(
            "/data?symbol={}&timeframe={}&year={y}",
            segment(&c.series.symbol),
            c.series.timeframe
        )
    };
    html! {
        p.years {
            "years: "
            @for y in &c.years {
                @let pct = if y.expected > 0 { format!("{:.1}%", y.filled as f64 * 100.0 / y.expected as f64) } else { format!("{} rows", y.rows) };
                @if c.year == Some(y.year) {
                    b title=(format!("{}: {pct}", y.year)) { (y.year) }
                } @else {
                    a href=(link(&y.year.to_string())) title=(format!("{}: {pct}", y.year)) { (y.year) }
                }
                " "
            }
            @if c.year.is_some() && c.years.len() > 1 { a href=(link("all")) { "all" } }
        }
    }
}

/// A year per row of weeks (GitHub-style), Monday on top; weekends only when a bar fell on one.
fn calendar(base: &str, days: &[Day]) -> Markup {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return html! {};
    };
    let by_date: HashMap<NaiveDate, &Day> = days.iter().map(|d| (d.date, d)).collect();
    let weekend = days
        .iter()
        .any(|d| d.date.weekday().number_from_monday() > 5);
    let rows: u32 = if weekend { 7 } else { 5 };
    let cls = |s: DayState| match s {
        DayState::Complete => "complete",
        DayState::Partial => "partial",
        DayState::Missing => "missing",
        DayState::Extra => "extra",
    };
    html! {
        @for year in first.date.year()..=last.date.year() {
            @let from = first.date.max(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(first.date));
            @let to = last.date.min(NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(last.date));
            @let monday = from - Duration::days(i64::from(from.weekday().num_days_from_monday()));
            @let weeks = (to - monday).num_days() / 7 + 1;
            table.cal {
                @for r in 0..rows {
                    tr {
                        th { @if r == 0 { (year) } @else if r == 2 { (Weekday::Wed) } }
                        @for w in 0..weeks {
                            @let d = monday + Duration::days(w * 7 + i64::from(r));
                            td {
                                @if let Some(day) = by_date.get(&d) {
                                    a class=(cls(day.state)) href=(format!("{base}/{d}"))
                                      title=(format!("{d}: {} of {} slots filled, {} rows", day.filled, day.expected, day.rows)) {}
                                } @else if d >= from && d <= to {
                                    span.off title=(format!("{d}: no session")) {}
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One day of one series.
#[derive(Debug, Serialize)]
pub struct DayBars {
    pub symbol: Symbol,
    pub timeframe: Timeframe,
    pub date: NaiveDate,
    /// Slots the grid expects this day (from the series' first bar, up to its last); `None`
    /// for a timeframe without a grid.
    pub expected: Option<u64>,
    /// The expected slots no bar fills.
    pub missing: Vec<UnixNanos>,
    pub bars: Vec<Bar>,
}

fn parse_day(
    symbol: &str,
    timeframe: &str,
    date: &str,
) -> Result<(Symbol, Timeframe, NaiveDate), WebError> {
    let symbol = Symbol::new(symbol).map_err(|e| WebError::bad(e.to_string()))?;
    let tf = Timeframe::parse(timeframe).map_err(|e| WebError::bad(e.to_string()))?;
    let date = date
        .parse()
        .map_err(|_| WebError::bad(format!("{date:?} is not a date (YYYY-MM-DD)")))?;
    Ok((symbol, tf, date))
}

/// The day's instants, first and last: midnight to midnight UTC for daily bars, New York time
/// for intraday.
fn day_range(tf: Timeframe, date: NaiveDate) -> Result<(UnixNanos, UnixNanos), WebError> {
    domain::grid::days::date_bounds(tf, date)
        .ok_or_else(|| WebError::bad(format!("{date} is outside the supported days")))
}

/// The rows of one day of one series, with the slots the grid expects and those no row fills,
/// counted as on the calendar: from the series' first row to its last. `read(q, limit)` reads
/// the rows of `q` (at most `limit`); a series with no row at all is not found.
fn one_day<R>(
    (symbol, cal): (&Symbol, Calendar),
    tf: Timeframe,
    date: NaiveDate,
    what: &str,
    read: impl Fn(BarQuery, Option<usize>) -> Result<Vec<R>, WebError>,
    stamp: impl Fn(&R) -> UnixNanos,
) -> Result<OneDay<R>, WebError> {
    let (start, last) = day_range(tf, date)?;
    // `None`: the date runs to the last instant a stamp can hold.
    let end = last.checked_plus(1);
    let query = |start, end| BarQuery {
        symbol: symbol.clone(),
        timeframe: tf,
        start,
        end,
    };
    let rows = read(query(Some(start), end), None)?;
    let before = !read(query(None, Some(start)), Some(1))?.is_empty();
    let after = match end {
        Some(e) => !read(query(Some(e), None), Some(1))?.is_empty(),
        None => false,
    };
    let end = end.unwrap_or(UnixNanos::MAX);
    let ts: Vec<UnixNanos> = rows.iter().map(&stamp).collect();
    if ts.is_empty() && !before && !after {
        return Err(WebError::NotFound(format!(
            "no {symbol} {tf} {what} are stored"
        )));
    }
    let lo = if before {
        start
    } else {
        ts.first().copied().unwrap_or(end)
    };
    let hi = if after {
        end
    } else {
        ts.last()
            .map_or(start, |t| t.checked_plus(1).unwrap_or(UnixNanos::MAX))
    };
    let grid = coverage::slots(tf, cal, date, lo, hi.max(lo), &ts)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let (expected, missing) = match grid {
        Some((e, m)) => (Some(e), m),
        None => (None, Vec::new()),
    };
    Ok(OneDay {
        rows,
        expected,
        missing,
    })
}

/// What [`one_day`] finds.
struct OneDay<R> {
    rows: Vec<R>,
    expected: Option<u64>,
    missing: Vec<UnixNanos>,
}

pub fn day_of(
    store: &dyn Store,
    symbol: Symbol,
    tf: Timeframe,
    date: NaiveDate,
) -> Result<DayBars, WebError> {
    let read = |q: BarQuery, limit: Option<usize>| -> Result<Vec<Bar>, WebError> {
        Ok(match limit {
            Some(n) => store.bar_page(&q, None, n)?,
            None => store.bars(q).collect::<Result<_, _>>()?,
        })
    };
    let cal = store.symbol_calendar(&symbol)?;
    let d = one_day((&symbol, cal), tf, date, "bars", read, |b| b.ts)?;
    Ok(DayBars {
        symbol,
        timeframe: tf,
        date,
        expected: d.expected,
        missing: d.missing,
        bars: d.rows,
    })
}

/// One day of one quote-bar series.
#[derive(Debug, Serialize)]
pub struct DayQuotes {
    pub symbol: Symbol,
    pub timeframe: Timeframe,
    pub date: NaiveDate,
    pub expected: Option<u64>,
    pub missing: Vec<UnixNanos>,
    pub quotes: Vec<QuoteBar>,
}

pub fn quote_day_of(
    store: &dyn Store,
    symbol: Symbol,
    tf: Timeframe,
    date: NaiveDate,
) -> Result<DayQuotes, WebError> {
    let read = |q: BarQuery, limit: Option<usize>| -> Result<Vec<QuoteBar>, WebError> {
        Ok(match limit {
            Some(n) => store.quote_bar_page(&q, None, n)?,
            None => store.quote_bars(q).collect::<Result<_, _>>()?,
        })
    };
    let cal = store.symbol_calendar(&symbol)?;
    let d = one_day((&symbol, cal), tf, date, "quote bars", read, |b| b.ts)?;
    Ok(DayQuotes {
        symbol,
        timeframe: tf,
        date,
        expected: d.expected,
        missing: d.missing,
        quotes: d.rows,
    })
}

/// The top of a day's page: links, title, how many rows fill how many slots, the empty slots.
fn day_header(
    kind: &str,
    (symbol, tf, date): (&Symbol, Timeframe, NaiveDate),
    rows: usize,
    (expected, missing): (Option<u64>, &[UnixNanos]),
) -> (String, Markup) {
    let daily = tf.is_daily_or_longer();
    let what = if kind == "quotes" {
        "quote bars"
    } else {
        "bars"
    };
    let prefix = if kind == "quotes" { "quotes/" } else { "" };
    let title = format!(
        "{symbol} {tf}{} · {date}",
        if kind == "quotes" { " quotes" } else { "" }
    );
    let api = format!("/api/data/{prefix}{}/{tf}/{date}", segment(symbol.as_str()));
    let markup = html! {
        p.sub { a href="/data" { "← data" } " · " a href=(api) { "as JSON" } }
        h1 { (title) }
        p {
            (rows) " " (what) " stored"
            @if let Some(e) = expected { " · " (e - missing.len() as u64) " of " (e) " expected slots filled" }
        }
        @if !missing.is_empty() {
            h3 { "Slots without a row" @if !daily { " (New York time)" } }
            p { @for (i, s) in missing.iter().enumerate() { @if i > 0 { ", " } (if daily { s.utc_date().to_string() } else { local(*s) }) } }
        }
    };
    (title, markup)
}

/// A stamp as New York's wall clock.
fn local(t: UnixNanos) -> String {
    t.to_datetime()
        .with_timezone(&NEW_YORK)
        .format("%H:%M:%S")
        .to_string()
}

async fn load_quote_day(
    state: &AppState,
    (symbol, tf, date): (String, String, String),
) -> Result<DayQuotes, WebError> {
    let (symbol, tf, date) = parse_day(&symbol, &tf, &date)?;
    state.read(move |s| quote_day_of(s, symbol, tf, date)).await
}

async fn quote_day_api(
    State(state): State<AppState>,
    Path(p): Path<(String, String, String)>,
) -> Result<Json<DayQuotes>, ApiError> {
    Ok(Json(load_quote_day(&state, p).await?))
}

async fn quote_day_page(
    State(state): State<AppState>,
    Path(p): Path<(String, String, String)>,
) -> Result<Html<String>, WebError> {
    let d = load_quote_day(&state, p).await?;
    let side = |o: &Option<domain::Ohlc>| -> [String; 4] {
        o.map_or_else(Default::default, |o| {
            [o.open, o.high, o.low, o.close].map(|p| p.to_string())
        })
    };
    let (title, header) = day_header(
        "quotes",
        (&d.symbol, d.timeframe, d.date),
        d.quotes.len(),
        (d.expected, &d.missing),
    );
    let body = html! {
        (header)
        @if d.quotes.is_empty() { p.empty { "no quote bar stored on this day" } } @else {
            table.list.sortable data-table="quotes" {
                thead { tr { th { "UTC" } th { "bid open" } th { "bid high" } th { "bid low" } th { "bid close" } th { "ask open" } th { "ask high" } th { "ask low" } th { "ask close" } th { "bid size" } th { "ask size" } } }
                tbody {
                    @for q in &d.quotes {
                        tr {
                            td { (q.ts.to_rfc3339()) }
                            @for c in side(&q.bid) { td.num { (c) } }
                            @for c in side(&q.ask) { td.num { (c) } }
                            td.num { (q.bid_size) } td.num { (q.ask_size) }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&title, Nav::Data, None, body))
}

async fn load_day(
    state: &AppState,
    (symbol, tf, date): (String, String, String),
) -> Result<DayBars, WebError> {
    let (symbol, tf, date) = parse_day(&symbol, &tf, &date)?;
    state.read(move |s| day_of(s, symbol, tf, date)).await
}

async fn day_api(
    State(state): State<AppState>,
    Path(p): Path<(String, String, String)>,
) -> Result<Json<DayBars>, ApiError> {
    Ok(Json(load_day(&state, p).await?))
}

async fn day_page(
    State(state): State<AppState>,
    Path(p): Path<(String, String, String)>,
) -> Result<Html<String>, WebError> {
    let d = load_day(&state, p).await?;
    let daily = d.timeframe.is_daily_or_longer();
    let (title, header) = day_header(
        "bars",
        (&d.symbol, d.timeframe, d.date),
        d.bars.len(),
        (d.expected, &d.missing),
    );
    let body = html! {
        (header)
        @if d.bars.is_empty() { p.empty { "no bar stored on this day" } } @else {
            table.list.sortable data-table="bars" {
                thead { tr { th { @if daily { "date" } @else { "New York" } } th { "UTC" } th { "open" } th { "high" } th { "low" } th { "close" } th { "volume" } th { "vwap" } th { "trades" } } }
                tbody {
                    @for b in &d.bars {
                        tr {
                            td { @if daily { (b.ts.utc_date()) } @else { (local(b.ts)) } }
                            td { (b.ts.to_rfc3339()) }
                            td.num { (b.open) } td.num { (b.high) } td.num { (b.low) } td.num { (b.close) }
                            td.num { (b.volume) } td.num { (b.vwap.map(|v| v.to_string()).unwrap_or_default()) }
                            td.num { (b.trade_count.map(|v| v.to_string()).unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&title, Nav::Data, None, body))
}
