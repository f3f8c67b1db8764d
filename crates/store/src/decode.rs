//! Rows read back the same way by both backends, turned into domain values once.
//!
//! - [`Columns`]: a fetched row read by column index, for `postgres::Row` and `rusqlite::Row`.
//!   Each accessor calls the driver's own typed getter, so driver errors stay as they were.
//! - One function per table read alike: checkpoints, collection runs and job status, collected
//!   series, news, option snapshots, sentiment, backtest runs with their trades and equity.
//!
//! The SELECTs stay in the backends (the dialects differ); each names its columns in the order
//! the function here reads them.

use std::borrow::Cow;

use domain::{
    NewsArticle, OptionQuote, OptionRight, OptionStyle, Price, Provider, Quantity, SentimentLabel,
    SentimentRecord, SentimentSource, UnixNanos,
};

use crate::collection_rows::{parse_covered, parse_tf_column, split_symbols};
use crate::rows::{
    i64_to_count, parse_json, parse_money, parse_price, parse_quantity, parse_symbol,
};
use crate::{
    Checkpoint, CheckpointKey, ChunkProgress, CollectedSeries, CollectionRun, DataKind,
    EquityPoint, Fill, JobStatus, RunSummary, StoreError, StoredCollectionRun,
};

/// A fetched row, read by column index.
pub(crate) trait Columns {
    fn int(&self, i: usize) -> Result<i64, StoreError>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError>;
    fn real(&self, i: usize) -> Result<f64, StoreError>;
    fn opt_real(&self, i: usize) -> Result<Option<f64>, StoreError>;
    /// Borrowed where the driver allows it (PostgreSQL).
    fn text(&self, i: usize) -> Result<Cow<'_, str>, StoreError>;
    fn opt_text(&self, i: usize) -> Result<Option<Cow<'_, str>>, StoreError>;

    fn string(&self, i: usize) -> Result<String, StoreError> {
        Ok(self.text(i)?.into_owned())
    }
    fn opt_string(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.opt_text(i)?.map(Cow::into_owned))
    }
    fn nanos(&self, i: usize) -> Result<UnixNanos, StoreError> {
        Ok(UnixNanos::new(self.int(i)?))
    }
    fn opt_nanos(&self, i: usize) -> Result<Option<UnixNanos>, StoreError> {
        Ok(self.opt_int(i)?.map(UnixNanos::new))
    }
}

#[cfg(feature = "postgres")]
impl Columns for postgres::Row {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn real(&self, i: usize) -> Result<f64, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_real(&self, i: usize) -> Result<Option<f64>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn text(&self, i: usize) -> Result<Cow<'_, str>, StoreError> {
        Ok(Cow::Borrowed(self.try_get::<_, &str>(i)?))
    }
    fn opt_text(&self, i: usize) -> Result<Option<Cow<'_, str>>, StoreError> {
        Ok(self.try_get::<_, Option<&str>>(i)?.map(Cow::Borrowed))
    }
}

#[cfg(feature = "sqlite")]
impl Columns for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.get(i)?)
    }
    fn real(&self, i: usize) -> Result<f64, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_real(&self, i: usize) -> Result<Option<f64>, StoreError> {
        Ok(self.get(i)?)
    }
    fn text(&self, i: usize) -> Result<Cow<'_, str>, StoreError> {
        Ok(Cow::Owned(self.get::<_, String>(i)?))
    }
    fn opt_text(&self, i: usize) -> Result<Option<Cow<'_, str>>, StoreError> {
        Ok(self.get::<_, Option<String>>(i)?.map(Cow::Owned))
    }
}

/// Columns: provider, symbol, kind, timeframe, covered (JSON text), chunk_start, chunk_end,
/// cursor, tick_ts, tick_seq, rows, pages, updated_at.
pub(crate) fn checkpoint(r: &impl Columns) -> Result<Checkpoint, StoreError> {
    const T: &str = "collection_checkpoints";
    let chunk = match (r.opt_int(5)?, r.opt_int(6)?) {
        (Some(start), Some(end)) => Some(ChunkProgress {
            start: UnixNanos::new(start),
            end: UnixNanos::new(end),
            cursor: r.opt_string(7)?,
            tick_ts: r.opt_nanos(8)?,
            tick_seq: u32::try_from(r.int(9)?).map_err(|_| StoreError::Corrupt {
                table: T,
                reason: "tick_seq beyond u32".into(),
            })?,
        }),
        _ => None,
    };
    Ok(Checkpoint {
        key: CheckpointKey {
            provider: r.string(0)?,
            symbol: parse_symbol(&r.text(1)?, T)?,
            kind: DataKind::parse(&r.text(2)?).map_err(|e| StoreError::Corrupt {
                table: T,
                reason: e.to_string(),
            })?,
            timeframe: parse_tf_column(&r.text(3)?)?,
        },
        covered: parse_covered(&r.text(4)?)?,
        chunk,
        rows: i64_to_count(r.int(10)?, T, "rows")?,
        pages: i64_to_count(r.int(11)?, T, "pages")?,
        updated_at: r.nanos(12)?,
    })
}

/// Refuses a run that finished before it started.
pub(crate) fn check_run(run: &CollectionRun) -> Result<(), StoreError> {
    if run.finished_at < run.started_at {
        return Err(StoreError::Invalid(format!(
            "run of {} finished at {} before it started at {}",
            run.job, run.finished_at, run.started_at
        )));
    }
    Ok(())
}

/// The columns [`collection_run`] reads, in its order.
pub(crate) const RUN_COLUMNS: &str =
    "id, job, started_at, finished_at, rows_written, errors, last_error, lag_seconds, next_run";

pub(crate) fn collection_run(r: &impl Columns) -> Result<StoredCollectionRun, StoreError> {
    const T: &str = "collection_runs";
    Ok(StoredCollectionRun {
        id: r.int(0)?,
        run: CollectionRun {
            job: r.string(1)?,
            started_at: r.nanos(2)?,
            finished_at: r.nanos(3)?,
            rows_written: i64_to_count(r.int(4)?, T, "rows_written")?,
            errors: i64_to_count(r.int(5)?, T, "errors")?,
            last_error: r.opt_string(6)?,
            lag_seconds: r.opt_int(7)?,
            next_run: r.opt_nanos(8)?,
        },
    })
}

/// `totals`: job, run count, rows written, errors, last finish without errors. `newest` is the
/// job's latest run, `error` its latest error message and when that run finished.
pub(crate) fn job_status(
    totals: &impl Columns,
    newest: CollectionRun,
    error: Option<(String, i64)>,
) -> Result<JobStatus, StoreError> {
    const T: &str = "collection_runs";
    Ok(JobStatus {
        job: totals.string(0)?,
        runs: i64_to_count(totals.int(1)?, T, "count")?,
        total_rows_written: i64_to_count(totals.int(2)?, T, "rows_written")?,
        total_errors: i64_to_count(totals.int(3)?, T, "errors")?,
        last_success_at: totals.opt_nanos(4)?,
        last_started_at: newest.started_at,
        last_finished_at: newest.finished_at,
        last_rows_written: newest.rows_written,
        last_errors: newest.errors,
        last_error_at: error.as_ref().map(|(_, at)| UnixNanos::new(*at)),
        last_error: error.map(|(e, _)| e),
        lag_seconds: newest.lag_seconds,
        next_run: newest.next_run,
    })
}

/// Columns: kind, symbol, count, first ts, last ts.
pub(crate) fn collected(r: &impl Columns) -> Result<CollectedSeries, StoreError> {
    Ok(CollectedSeries {
        kind: DataKind::parse(&r.text(0)?)?,
        symbol: parse_symbol(&r.text(1)?, "symbols")?,
        rows: i64_to_count(r.int(2)?, "collected", "count")?,
        first: r.nanos(3)?,
        last: r.nanos(4)?,
    })
}

/// Columns: provider, id, symbols, headline, summary, source, author, url, created_at,
/// updated_at, provider_sentiment (JSON text).
pub(crate) fn news(r: &impl Columns) -> Result<NewsArticle, StoreError> {
    let provider = r.text(0)?;
    Ok(NewsArticle {
        provider: Provider::parse(&provider).map_err(|e| StoreError::Corrupt {
            table: "news",
            reason: format!("provider: {e}"),
        })?,
        id: r.string(1)?,
        symbols: split_symbols(&r.text(2)?)?,
        headline: r.string(3)?,
        summary: r.string(4)?,
        source: r.string(5)?,
        author: r.opt_string(6)?,
        url: r.string(7)?,
        created_at: r.nanos(8)?,
        updated_at: r.opt_nanos(9)?,
        provider_sentiment: r
            .opt_text(10)?
            .map(|t| parse_json(&t, "news", "provider_sentiment"))
            .transpose()?,
    })
}

/// The quote columns [`option_quote`] reads after the contract's eight, from `option_quotes q`.
pub(crate) const QUOTE_COLUMNS: &str = "q.bid, q.ask, q.bid_size, q.ask_size, q.quoted_at, \
     q.last, q.last_trade_at, q.volume, q.open_interest, q.underlying_price, q.iv, q.delta, \
     q.gamma, q.theta, q.vega, q.rho";

/// Columns: occ, ts, underlying, expiry (`YYYY-MM-DD`), strike, option_right, style,
/// multiplier, then [`QUOTE_COLUMNS`].
pub(crate) fn option_quote(r: &impl Columns) -> Result<OptionQuote, StoreError> {
    let corrupt = |table: &'static str, reason: String| StoreError::Corrupt { table, reason };
    const C: &str = "option_contracts";
    let expiry = r.text(3)?;
    let multiplier = r.int(7)?;
    let contract = domain::OptionContract {
        occ: parse_symbol(&r.text(0)?, C)?,
        underlying: parse_symbol(&r.text(2)?, "symbols")?,
        expiry: chrono::NaiveDate::parse_from_str(&expiry, "%Y-%m-%d")
            .map_err(|e| corrupt(C, format!("expiry {expiry:?}: {e}")))?,
        strike: Price::from_raw(r.int(4)?),
        right: match &*r.text(5)? {
            "call" => OptionRight::Call,
            "put" => OptionRight::Put,
            other => return Err(corrupt(C, format!("option_right {other:?}"))),
        },
        style: match &*r.text(6)? {
            "american" => OptionStyle::American,
            "european" => OptionStyle::European,
            other => return Err(corrupt(C, format!("style {other:?}"))),
        },
        multiplier: u32::try_from(multiplier)
            .ok()
            .filter(|m| *m > 0)
            .ok_or_else(|| corrupt(C, format!("multiplier {multiplier} is not a positive u32")))?,
    };
    let price = |i| Ok::<_, StoreError>(r.opt_int(i)?.map(Price::from_raw));
    let qty = |i| Ok::<_, StoreError>(r.opt_int(i)?.map(Quantity::from_raw));
    Ok(OptionQuote {
        ts: r.nanos(1)?,
        contract,
        bid: price(8)?,
        ask: price(9)?,
        bid_size: qty(10)?,
        ask_size: qty(11)?,
        quoted_at: r.opt_nanos(12)?,
        last: price(13)?,
        last_trade_at: r.opt_nanos(14)?,
        volume: qty(15)?,
        open_interest: qty(16)?,
        underlying_price: price(17)?,
        iv: r.opt_real(18)?,
        delta: r.opt_real(19)?,
        gamma: r.opt_real(20)?,
        theta: r.opt_real(21)?,
        vega: r.opt_real(22)?,
        rho: r.opt_real(23)?,
    })
}

/// Columns: symbol, timestamp, source, sentiment, score, confidence, metadata (JSON text).
pub(crate) fn sentiment(r: &impl Columns) -> Result<SentimentRecord, StoreError> {
    const T: &str = "sentiment_history";
    let bad = |e: domain::DomainError| StoreError::Corrupt {
        table: T,
        reason: e.to_string(),
    };
    Ok(SentimentRecord {
        symbol: parse_symbol(&r.text(0)?, T)?,
        ts: r.nanos(1)?,
        source: SentimentSource::parse(&r.text(2)?).map_err(bad)?,
        label: SentimentLabel::parse(&r.text(3)?).map_err(bad)?,
        score: r.real(4)?,
        confidence: r.real(5)?,
        metadata: parse_json(&r.text(6)?, T, "metadata")?,
    })
}

/// Columns: id, agent_id, start, end, initial_capital, final_capital, total_trades,
/// winning_trades, losing_trades, max_drawdown, sharpe_ratio, created_at; money as text.
pub(crate) fn run_summary(r: &impl Columns) -> Result<RunSummary, StoreError> {
    const T: &str = "backtest_runs";
    Ok(RunSummary {
        id: r.int(0)?,
        agent_id: r.string(1)?,
        start: r.nanos(2)?,
        end: r.nanos(3)?,
        initial_capital: parse_money(&r.text(4)?, T, "initial_capital")?,
        final_capital: parse_money(&r.text(5)?, T, "final_capital")?,
        total_trades: i64_to_count(r.int(6)?, T, "total_trades")?,
        winning_trades: i64_to_count(r.int(7)?, T, "winning_trades")?,
        losing_trades: i64_to_count(r.int(8)?, T, "losing_trades")?,
        max_drawdown: r.real(9)?,
        sharpe_ratio: r.opt_real(10)?,
        created_at: r.string(11)?,
        sweep_id: r.opt_int(12)?,
        params: r
            .opt_text(13)?
            .map(|t| crate::rows::parse_json(&t, T, "params"))
            .transpose()?,
    })
}

/// Columns: timestamp, symbol, action, quantity, price, commission, pnl, reason; exact values
/// as text.
pub(crate) fn run_trade(r: &impl Columns) -> Result<Fill, StoreError> {
    const T: &str = "backtest_trades";
    Ok(Fill {
        timestamp: r.nanos(0)?,
        symbol: parse_symbol(&r.text(1)?, T)?,
        action: r
            .string(2)?
            .parse()
            .map_err(|reason| StoreError::Corrupt { table: T, reason })?,
        quantity: parse_quantity(&r.text(3)?, T, "quantity")?,
        price: parse_price(&r.text(4)?, T, "price")?,
        commission: parse_money(&r.text(5)?, T, "commission")?,
        pnl: r
            .opt_text(6)?
            .map(|p| parse_money(&p, T, "pnl"))
            .transpose()?,
        reason: r.string(7)?,
    })
}

/// Columns: timestamp, equity, cash; money as text.
pub(crate) fn equity_point(r: &impl Columns) -> Result<EquityPoint, StoreError> {
    const T: &str = "backtest_equity";
    Ok(EquityPoint {
        timestamp: r.nanos(0)?,
        equity: parse_money(&r.text(1)?, T, "equity")?,
        cash: parse_money(&r.text(2)?, T, "cash")?,
    })
}
