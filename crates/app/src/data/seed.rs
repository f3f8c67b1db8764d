//! Seeding: deterministic, realistic synthetic bars on NYSE sessions and sentiment records
//! (news, reddit, sec) for each symbol. The same request always stores the same data.

use chrono::NaiveDate;
use domain::calendar::{NyseCalendar, Session};
use domain::{Symbol, Timeframe, UnixNanos};
use serde::Serialize;
use store::{BarStore, SentimentStore, UpsertCounts};

use crate::AppError;
use crate::progress::Progress;

/// Enough for any real use, and small enough that a typo cannot generate billions of bars.
pub const MAX_SEED_DAYS: u32 = 10_000;

#[derive(Debug, Clone)]
pub struct SeedRequest {
    pub symbols: Vec<Symbol>,
    /// Trading sessions to generate, ending with `end`.
    pub days: u32,
    /// Last session date.
    pub end: NaiveDate,
    pub timeframe: Timeframe,
    pub seed: u64,
}

#[derive(Debug, Serialize)]
pub struct SeedSummary {
    pub bars: UpsertCounts,
    pub sentiment: UpsertCounts,
    pub first: Option<UnixNanos>,
    pub last: Option<UnixNanos>,
}

impl SeedRequest {
    /// Checks the request before anything is opened or stored; returns the sessions to seed.
    pub fn sessions(&self) -> Result<Vec<Session>, AppError> {
        let (days, end) = (self.days, self.end);
        let fail = |m: String| Err(AppError::Input(m));
        if days == 0 {
            return fail("--days must be at least 1".into());
        }
        if days > MAX_SEED_DAYS {
            return fail(format!(
                "--days {days} is too many (at most {MAX_SEED_DAYS} sessions, about 40 years)"
            ));
        }
        if !(first_seed_date()..=last_seed_date()).contains(&end) {
            return fail(format!(
                "--end {end} is outside {}..={}",
                first_seed_date(),
                last_seed_date()
            ));
        }
        // A repeated symbol would fail halfway, at the sentiment.
        for (i, s) in self.symbols.iter().enumerate() {
            if self.symbols[..i].contains(s) {
                return fail(format!("--symbols lists {s} more than once"));
            }
        }
        let sessions = last_sessions(end, days);
        if sessions.len() != days as usize {
            return fail(format!(
                "--days {days} before --end {end} reaches before {}",
                first_seed_date()
            ));
        }
        Ok(sessions)
    }
}

/// Generates and stores the bars and sentiment (progress by symbol).
pub fn seed(
    store: &mut (impl BarStore + SentimentStore + ?Sized),
    req: &SeedRequest,
    progress: &dyn Progress,
) -> Result<SeedSummary, AppError> {
    let sessions = req.sessions()?;
    let first_day = sessions
        .first()
        .ok_or_else(|| AppError::input("no sessions to seed"))?
        .date;
    let days = req.days as usize;
    progress.start(req.symbols.len() as u64, "seeding");
    let mut summary = SeedSummary {
        bars: UpsertCounts::default(),
        sentiment: UpsertCounts::default(),
        first: None,
        last: None,
    };
    for symbol in &req.symbols {
        let bars = formats::synth::generate_bars(symbol, first_day, days, req.timeframe, req.seed);
        summary.first = summary
            .first
            .min(bars.first().map(|b| b.ts))
            .or(bars.first().map(|b| b.ts));
        summary.last = summary.last.max(bars.last().map(|b| b.ts));
        summary.bars += store.upsert_bars(symbol, req.timeframe, &bars)?;
        progress.advance(1);
    }
    let sentiment = formats::synth::generate_sentiment(&req.symbols, first_day, days, req.seed);
    summary.sentiment += store.upsert_sentiment(&sentiment)?;
    progress.finish();
    Ok(summary)
}

/// Seeded sessions stay inside the timestamps' range (1677..2262), where the calendar works.
fn first_seed_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn last_seed_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2200, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// The `n` NYSE sessions ending on or before `end` (not before [`first_seed_date`]), oldest first.
fn last_sessions(end: NaiveDate, n: u32) -> Vec<Session> {
    let cal = NyseCalendar;
    let mut out: Vec<_> = end
        .iter_days()
        .rev()
        .take_while(|d| *d >= first_seed_date())
        .filter_map(|d| cal.session(d))
        .take(n as usize)
        .collect();
    out.reverse();
    out
}
