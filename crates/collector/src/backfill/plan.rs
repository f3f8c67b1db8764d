//! Which chunks a backfill fetches: the requested range minus what the checkpoint says is
//! stored, cut into chunks, with an interrupted chunk first; and how much of a fetched chunk
//! counts as stored. Pure.

use domain::calendar::Calendar;
use domain::grid::first_unfinished;
use domain::time::{NANOS_PER_DAY, NANOS_PER_MINUTE};
use domain::{Timeframe, UnixNanos};
use store::{Checkpoint, ChunkProgress, DataKind, Span};

/// Data younger than this may still change at the provider (Alpaca's free SIP feed is 15
/// minutes late), so it is fetched but not marked covered: the next run asks for it again.
pub const SETTLE_NANOS: i64 = 15 * NANOS_PER_MINUTE;

/// Default chunk length per kind: about a page or a few per chunk at the providers' page sizes,
/// so a checkpoint's covered range grows steadily and a resumed chunk is short.
pub fn default_chunk(kind: DataKind, tf: Timeframe) -> i64 {
    match kind {
        DataKind::Bars => {
            let step = tf.nanos().unwrap_or(NANOS_PER_DAY);
            if step >= NANOS_PER_DAY {
                20 * 365 * NANOS_PER_DAY
            } else if step >= 60 * NANOS_PER_MINUTE {
                365 * NANOS_PER_DAY
            } else {
                // 30 days of 1m bars with extended hours is about 29k bars: three Alpaca pages.
                30 * NANOS_PER_DAY * (step / NANOS_PER_MINUTE).max(1)
            }
        }
        DataKind::Trades | DataKind::Quotes => NANOS_PER_DAY,
        DataKind::News => 90 * NANOS_PER_DAY,
        DataKind::Options => i64::MAX,
    }
}

/// One unit of paging: `[span.start, span.end)` from `resume` (the interrupted chunk's cursor
/// and tick numbering) or from its start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub span: Span,
    pub resume: Option<ChunkProgress>,
}

/// The chunks to fetch for `[start, end)` given the checkpoint: first the interrupted chunk if
/// it overlaps what is missing, then the rest of the missing ranges in `len`-long pieces.
pub fn plan_chunks(cp: &Checkpoint, start: UnixNanos, end: UnixNanos, len: i64) -> Vec<Chunk> {
    let len = len.max(1);
    let mut missing = cp.missing(start, end);
    let mut out = Vec::new();
    if let Some(c) = &cp.chunk {
        let overlaps = missing.iter().any(|m| m.start < c.end && c.start < m.end);
        if overlaps {
            out.push(Chunk {
                span: Span {
                    start: c.start,
                    end: c.end,
                },
                resume: Some(c.clone()),
            });
            missing = subtract(&missing, c.start, c.end);
        }
    }
    for m in missing {
        let mut at = m.start;
        while at < m.end {
            let stop = UnixNanos::new(at.as_i64().saturating_add(len)).min(m.end);
            out.push(Chunk {
                span: Span {
                    start: at,
                    end: stop,
                },
                resume: None,
            });
            at = stop;
        }
    }
    out
}

fn subtract(spans: &[Span], start: UnixNanos, end: UnixNanos) -> Vec<Span> {
    let mut out = Vec::new();
    for s in spans {
        if s.end <= start || s.start >= end {
            out.push(*s);
            continue;
        }
        if s.start < start {
            out.push(Span {
                start: s.start,
                end: start,
            });
        }
        if s.end > end {
            out.push(Span {
                start: end,
                end: s.end,
            });
        }
    }
    out
}

/// How much of a finished chunk counts as covered: all of it, except what is younger than
/// [`SETTLE_NANOS`] at `now`. For bars, "younger" is the bar's end, not its start, and the
/// covered range stops at a slot of the expected-bar grid: an hourly bar started 30 minutes
/// ago is still forming, so it is neither covered nor skipped by the next run. A daily bar ends
/// at its session's close on the symbol's calendar `cal` (17:00 New York for fx, midnight UTC
/// for crypto).
pub fn settled_end(
    kind: DataKind,
    tf: Timeframe,
    cal: Calendar,
    chunk_end: UnixNanos,
    now: UnixNanos,
) -> UnixNanos {
    let cutoff = now.checked_plus(-SETTLE_NANOS).unwrap_or(UnixNanos::MIN);
    let settled = match kind {
        DataKind::Bars => first_unfinished(tf, cal, cutoff),
        _ => cutoff,
    };
    chunk_end.min(settled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Symbol;
    use store::CheckpointKey;

    fn t(v: i64) -> UnixNanos {
        UnixNanos::new(v)
    }

    fn cp(covered: &[(i64, i64)], chunk: Option<(i64, i64)>) -> Checkpoint {
        let mut c = Checkpoint::new(
            CheckpointKey {
                provider: "alpaca".into(),
                symbol: Symbol::lit("SPY"),
                kind: DataKind::Bars,
                timeframe: Some(Timeframe::M1),
            },
            t(0),
        );
        for &(s, e) in covered {
            c.cover(t(s), t(e));
        }
        c.chunk = chunk.map(|(s, e)| ChunkProgress {
            start: t(s),
            end: t(e),
            cursor: Some("tok".into()),
            tick_ts: None,
            tick_seq: 0,
        });
        c
    }

    fn spans(chunks: &[Chunk]) -> Vec<(i64, i64, bool)> {
        chunks
            .iter()
            .map(|c| {
                (
                    c.span.start.as_i64(),
                    c.span.end.as_i64(),
                    c.resume.is_some(),
                )
            })
            .collect()
    }

    #[test]
    fn fresh_range_is_cut_into_chunks() {
        let plan = plan_chunks(&cp(&[], None), t(0), t(25), 10);
        assert_eq!(
            spans(&plan),
            [(0, 10, false), (10, 20, false), (20, 25, false)]
        );
    }

    #[test]
    fn covered_ranges_are_skipped_and_a_completed_range_is_empty() {
        let c = cp(&[(5, 12)], None);
        assert_eq!(
            spans(&plan_chunks(&c, t(0), t(20), 10)),
            [(0, 5, false), (12, 20, false)]
        );
        assert!(plan_chunks(&c, t(6), t(12), 10).is_empty());
    }

    #[test]
    fn an_interrupted_chunk_resumes_first() {
        let c = cp(&[(0, 10)], Some((10, 20)));
        let plan = plan_chunks(&c, t(0), t(35), 10);
        assert_eq!(
            spans(&plan),
            [(10, 20, true), (20, 30, false), (30, 35, false)]
        );
        assert_eq!(
            plan[0].resume.as_ref().unwrap().cursor.as_deref(),
            Some("tok")
        );
        // An interrupted chunk outside the request is left alone.
        let plan = plan_chunks(&c, t(40), t(50), 10);
        assert_eq!(spans(&plan), [(40, 50, false)]);
    }

    #[test]
    fn settling_holds_back_recent_data() {
        let settled = |chunk_end, now| {
            settled_end(
                DataKind::Bars,
                Timeframe::M1,
                Calendar::Nyse,
                chunk_end,
                now,
            )
        };
        let now = t(100 * NANOS_PER_MINUTE);
        assert_eq!(settled(t(10), now), t(10));
        assert_eq!(settled(now, now), t(85 * NANOS_PER_MINUTE));
    }

    /// A bar counts as settled once it has ended: the hourly bar of 14:00 is still forming at
    /// 14:55, so a chunk fetched at 15:10 is covered up to 14:00, not 14:55, and the next run
    /// asks for that bar again.
    #[test]
    fn a_bar_still_forming_is_not_covered() {
        let at = |s: &str| UnixNanos::parse_rfc3339(s).unwrap();
        let (end, now) = (at("2024-07-01T20:00:00Z"), at("2024-07-01T15:10:00Z"));
        let bars = |tf| settled_end(DataKind::Bars, tf, Calendar::Nyse, end, now);
        assert_eq!(bars(Timeframe::H1), at("2024-07-01T14:00:00Z"));
        assert_eq!(bars(Timeframe::M15), at("2024-07-01T14:45:00Z"));
        assert_eq!(bars(Timeframe::M1), at("2024-07-01T14:55:00Z"));
        // Today's daily bar ends at the close: not covered before it.
        assert_eq!(bars(Timeframe::D1), at("2024-07-01T00:00:00Z"));
        let after_close = at("2024-07-01T20:15:00Z");
        let day = |cal, now| settled_end(DataKind::Bars, Timeframe::D1, cal, at("2024-07-03"), now);
        assert_eq!(day(Calendar::Nyse, after_close), at("2024-07-02T00:00:00Z"));
        // Fx days end at 17:00 New York (21:00 UTC in July), crypto days at midnight UTC.
        assert_eq!(day(Calendar::Fx, after_close), at("2024-07-01T00:00:00Z"));
        let fx_closed = at("2024-07-01T21:15:00Z");
        assert_eq!(day(Calendar::Fx, fx_closed), at("2024-07-02T00:00:00Z"));
        assert_eq!(day(Calendar::Crypto, fx_closed), at("2024-07-01T00:00:00Z"));
        let next_utc_day = at("2024-07-02T00:15:00Z");
        assert_eq!(
            day(Calendar::Crypto, next_utc_day),
            at("2024-07-02T00:00:00Z")
        );
        // Ticks and news have no bars: younger than 15 minutes is all that is held back.
        let ticks = settled_end(DataKind::Trades, Timeframe::H1, Calendar::Nyse, end, now);
        assert_eq!(ticks, at("2024-07-01T14:55:00Z"));
        assert_eq!(
            settled_end(
                DataKind::Bars,
                Timeframe::H1,
                Calendar::Nyse,
                end,
                UnixNanos::MIN
            ),
            UnixNanos::MIN
        );
    }

    #[test]
    fn chunk_lengths_follow_the_timeframe() {
        assert_eq!(
            default_chunk(DataKind::Bars, Timeframe::M1),
            30 * NANOS_PER_DAY
        );
        assert_eq!(
            default_chunk(DataKind::Bars, Timeframe::M5),
            150 * NANOS_PER_DAY
        );
        assert!(default_chunk(DataKind::Bars, Timeframe::D1) > 10 * 365 * NANOS_PER_DAY);
        assert_eq!(
            default_chunk(DataKind::Trades, Timeframe::M1),
            NANOS_PER_DAY
        );
    }
}
