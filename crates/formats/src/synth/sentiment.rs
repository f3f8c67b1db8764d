//! Synthetic sentiment that knows a little about the future, so a sentiment-confirmed strategy
//! has something to find in demo data.
//!
//! Each record's score is `tanh` of a mix of the **next** session's open-to-close move (in units
//! of its volatility) and noise; the weight of the move grows with the record's confidence
//! (correlation ≈ 0.1 at confidence 0, ≈ 0.45 at confidence 1). Records are timed so that they
//! are public before that move starts:
//!
//! | source | cadence | published | predicts |
//! |---|---|---|---|
//! | news | ~4 a session × buzz | evening before to 09:29 | that session |
//! | reddit | most market hours | 10:00–15:59 | the next session |
//! | sec | ~1 in 25 sessions | 16:05–17:59 | the next session |
//!
//! The path is the same day path [`generate_bars`](super::generate_bars) uses, so records match
//! bars generated with the same symbol, first date and seed.

use domain::time::NANOS_PER_MINUTE;
use domain::{SentimentLabel, SentimentRecord, SentimentSource, Symbol, UnixNanos};
use serde_json::json;

use super::bars::{Day, day_path};
use super::profile::profile;
use super::rng::Stream;

const PUBLISHERS: [&str; 5] = [
    "Benzinga",
    "Reuters",
    "MarketWatch",
    "Bloomberg",
    "Seeking Alpha",
];
const SUBREDDITS: [&str; 4] = ["wallstreetbets", "stocks", "investing", "options"];
const FORMS: [(&str, f64); 5] = [
    ("8-K", 0.45),
    ("4", 0.3),
    ("10-Q", 0.15),
    ("10-K", 0.05),
    ("13G", 0.05),
];

fn headline(rng: &mut Stream, sym: &str, score: f64) -> String {
    const UP: [&str; 4] = [
        "{} shares climb as analysts raise price targets",
        "{} beats estimates; guidance tops forecasts",
        "Buyers return to {} after upbeat demand data",
        "{} gains on report of new large contract",
    ];
    const DOWN: [&str; 4] = [
        "{} slides after downgrade on valuation",
        "{} misses revenue estimates, shares fall",
        "Regulators open inquiry into {}",
        "{} cuts outlook citing weaker orders",
    ];
    const FLAT: [&str; 3] = [
        "{} trades flat ahead of the Fed decision",
        "What to watch in {} this week",
        "{} holds steady as sector rotates",
    ];
    let t = if score > 0.15 {
        rng.pick(&UP)
    } else if score < -0.15 {
        rng.pick(&DOWN)
    } else {
        rng.pick(&FLAT)
    };
    t.replace("{}", sym)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Score and confidence for a record that foresees a move of `z` standard deviations.
fn score(rng: &mut Stream, z: Option<f64>) -> (f64, f64) {
    let conf = round3(0.3 + 0.65 * rng.uniform().powf(0.8));
    let rho = match z {
        Some(_) => 0.1 + 0.35 * conf,
        None => 0.0,
    };
    let signal = z.unwrap_or(0.0).clamp(-3.0, 3.0);
    let x = rho * signal + (1.0 - rho * rho).sqrt() * rng.normal();
    (round3((0.8 * x).tanh()), conf)
}

fn minute(rng: &mut Stream, from: i64, to: i64) -> UnixNanos {
    let span = ((to - from) / NANOS_PER_MINUTE).max(1) as u64;
    UnixNanos::new(from + rng.below(span) as i64 * NANOS_PER_MINUTE)
}

fn record(
    sym: &Symbol,
    ts: UnixNanos,
    source: SentimentSource,
    (score, conf): (f64, f64),
    metadata: serde_json::Value,
) -> SentimentRecord {
    SentimentRecord::new(
        sym.clone(),
        ts,
        source,
        SentimentLabel::from_score(score, 0.05),
        score,
        conf,
        metadata,
    )
    .expect("scores are clamped by tanh and rounded within range")
}

fn for_symbol(sym: &Symbol, path: &[Day], seed: u64, out: &mut Vec<SentimentRecord>) {
    let name = sym.as_str();
    let buzz = profile(name).buzz;
    let mut rng = Stream::new(seed, name, "sentiment", 0);
    let hour = 60 * NANOS_PER_MINUTE;
    for (i, day) in path.iter().enumerate() {
        let open = day.session.open.as_i64();
        let close = day.session.close.as_i64();
        let next_z = path.get(i + 1).map(Day::z);
        // News: from 18:00 the evening before (or the previous close) up to the open.
        let from = if i == 0 {
            open - 15 * hour
        } else {
            path[i - 1].session.close.as_i64() + 2 * hour
        };
        // (symbol, time, source) is a record's key, so two items never share a minute.
        let mut taken: Vec<UnixNanos> = Vec::new();
        for _ in 0..rng.poisson(4.0 * buzz) {
            let mut ts = minute(&mut rng, from, open);
            while taken.contains(&ts) {
                ts = ts.plus(NANOS_PER_MINUTE);
            }
            taken.push(ts);
            let s = score(&mut rng, Some(day.z()));
            let meta = json!({
                "headline": headline(&mut rng, name, s.0),
                "publisher": rng.pick(&PUBLISHERS),
                "synthetic": true,
            });
            out.push(record(sym, ts, SentimentSource::News, s, meta));
        }
        // Reddit: most full hours of the session from 10:00, about the next session.
        let mut h = open + 30 * NANOS_PER_MINUTE;
        while h + hour <= close {
            if rng.chance((0.55 * buzz).min(0.95)) {
                let ts = minute(&mut rng, h, h + hour);
                let s = score(&mut rng, next_z);
                let mentions = 1 + rng.poisson(6.0 * buzz);
                let meta = json!({
                    "subreddit": rng.pick(&SUBREDDITS),
                    "mentions": mentions,
                    "upvotes": mentions * (5 + rng.below(60) as u32),
                    "synthetic": true,
                });
                out.push(record(sym, ts, SentimentSource::Reddit, s, meta));
            }
            h += hour;
        }
        // SEC filings: rare, after the close.
        if rng.chance(0.04) {
            let ts = minute(&mut rng, close + 5 * NANOS_PER_MINUTE, close + 2 * hour);
            let s = score(&mut rng, next_z);
            let mut u = rng.uniform();
            let form = FORMS
                .iter()
                .find(|(_, p)| {
                    u -= p;
                    u < 0.0
                })
                .map_or("8-K", |f| f.0);
            let meta = json!({"form_type": form, "synthetic": true});
            out.push(record(sym, ts, SentimentSource::Sec, s, meta));
        }
    }
}

/// Records for `symbols` over the first `days` sessions on or after `first_date`, sorted by
/// time, then symbol, then source.
pub fn generate_sentiment(
    symbols: &[Symbol],
    first_date: chrono::NaiveDate,
    days: usize,
    seed: u64,
) -> Vec<SentimentRecord> {
    let mut out = Vec::new();
    for sym in symbols {
        let path = day_path(sym.as_str(), first_date, days, seed);
        for_symbol(sym, &path, seed, &mut out);
    }
    out.sort_by(|a, b| (a.ts, &a.symbol, a.source).cmp(&(b.ts, &b.symbol, b.source)));
    out
}
