//! Data-quality rows on SQLite and PostgreSQL: a run's checks stored in one transaction, a
//! check replacing its series' findings from its first instant on (the findings before it kept,
//! with their own check time), summaries counting what is stored, and the findings read back
//! exactly (kind, severity, range, the named values in order, the reason), filtered.

mod common;

use common::{TestDb, bars, ts};
use domain::quality::{Counts, Finding, Kind, Severity};
use domain::{Symbol, Timeframe, UnixNanos};
use store::{FindingFilter, QualityCheck, SeriesCheck, SeriesKey, SeriesKind};
use testkit::conformance;

conformance!(
    a_check_replaces_findings_from_where_it_looked,
    findings_read_back_exactly_and_filtered,
    ticks_and_quote_bars_are_their_own_series,
);

fn key(kind: SeriesKind, sym: &str, tf: Option<Timeframe>) -> SeriesKey {
    SeriesKey {
        kind,
        symbol: Symbol::lit(sym),
        timeframe: tf,
    }
}

fn bars_key(sym: &str) -> SeriesKey {
    key(SeriesKind::Bars, sym, Some(Timeframe::M1))
}

fn finding(kind: Kind, severity: Severity, minute: i64) -> Finding {
    Finding::new(kind, severity, ts(minute), ts(minute + 1))
        .with("close", "294.57")
        .with("a_name", minute)
        .because(format!("{kind} at {minute}"))
}

fn check(series: SeriesKey, at: i64, from: Option<i64>, findings: Vec<Finding>) -> SeriesCheck {
    SeriesCheck {
        check: QualityCheck {
            series,
            checked_at: UnixNanos::new(at),
            from: from.map(ts),
            rows: 100,
            expected: Some(90),
            filled: Some(88),
        },
        findings,
    }
}

fn kinds_at(s: &dyn store::Store, k: &SeriesKey) -> Vec<(Kind, UnixNanos, i64)> {
    s.quality_findings(&FindingFilter {
        series: Some(k.clone()),
        ..Default::default()
    })
    .unwrap()
    .into_iter()
    .map(|f| (f.finding.kind, f.finding.start, f.checked_at.as_i64()))
    .collect()
}

fn a_check_replaces_findings_from_where_it_looked(db: &TestDb) {
    db.with(|s| {
        s.upsert_bars(&Symbol::lit("SPY"), Timeframe::M1, &bars(0..10))
            .unwrap();
        let spy = bars_key("SPY");
        let first = vec![
            finding(Kind::Gap, Severity::Warn, 2),
            finding(Kind::BadPrint, Severity::Error, 5),
            finding(Kind::Coverage, Severity::Info, 0),
        ];
        s.save_quality(&[check(spy.clone(), 1000, None, first)])
            .unwrap();
        assert_eq!(
            kinds_at(s, &spy),
            [
                (Kind::Coverage, ts(0), 1000),
                (Kind::Gap, ts(2), 1000),
                (Kind::BadPrint, ts(5), 1000)
            ]
        );
        // From minute 4 on: the gap (ending at 3) stays with its own check time, the bad print
        // (ending at 6) goes, and what the new check found is added.
        s.save_quality(&[check(
            spy.clone(),
            2000,
            Some(4),
            vec![finding(Kind::Stale, Severity::Warn, 7)],
        )])
        .unwrap();
        assert_eq!(
            kinds_at(s, &spy),
            [
                (Kind::Coverage, ts(0), 1000),
                (Kind::Gap, ts(2), 1000),
                (Kind::Stale, ts(7), 2000)
            ]
        );
        let sum = s.quality_summaries().unwrap();
        assert_eq!(sum.len(), 1);
        assert_eq!(
            (
                sum[0].check.checked_at.as_i64(),
                sum[0].check.from,
                sum[0].check.rows
            ),
            (2000, Some(ts(4)), 100)
        );
        assert_eq!(
            sum[0].counts,
            Counts {
                error: 0,
                warn: 2,
                info: 1
            }
        );
        assert_eq!(
            (sum[0].check.expected, sum[0].check.filled),
            (Some(90), Some(88))
        );
        // A whole-series check with nothing to say clears it.
        s.save_quality(&[check(spy.clone(), 3000, None, vec![])])
            .unwrap();
        assert_eq!(kinds_at(s, &spy), []);
        assert_eq!(s.quality_summaries().unwrap()[0].counts, Counts::default());
    });
}

fn findings_read_back_exactly_and_filtered(db: &TestDb) {
    db.with(|s| {
        let (a, b) = (bars_key("AAPL"), bars_key("GOOG"));
        let fa = finding(Kind::LargeMove, Severity::Warn, 1);
        let fb = vec![
            finding(Kind::BadPrint, Severity::Error, 3),
            finding(Kind::PartialSession, Severity::Info, 4),
        ];
        s.save_quality(&[
            check(a.clone(), 5, None, vec![fa.clone()]),
            check(b.clone(), 5, None, fb.clone()),
        ])
        .unwrap();
        let all = s.quality_findings(&FindingFilter::default()).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].series, a);
        assert_eq!(all[0].finding, fa);
        assert_eq!(
            all[0].finding.observed.iter().collect::<Vec<_>>(),
            [("close", "294.57"), ("a_name", "1")]
        );
        let bad = s
            .quality_findings(&FindingFilter {
                min_severity: Some(Severity::Warn),
                series: Some(b.clone()),
                limit: None,
            })
            .unwrap();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].finding, fb[0]);
        let one = s
            .quality_findings(&FindingFilter {
                limit: Some(1),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(one.len(), 1);
        let names: Vec<String> = s
            .quality_summaries()
            .unwrap()
            .iter()
            .map(|q| q.check.series.symbol.to_string())
            .collect();
        assert_eq!(names, ["AAPL", "GOOG"]);
    });
    // The values are a JSON object in SQL too, in their order.
    assert_eq!(
        db.column("SELECT observed FROM data_quality WHERE kind = 'large_move'")[0].as_deref(),
        Some(r#"{"close":"294.57","a_name":"1"}"#)
    );
}

fn ticks_and_quote_bars_are_their_own_series(db: &TestDb) {
    db.with(|s| {
        let t = key(SeriesKind::Trades, "SPY", None);
        let q = key(SeriesKind::QuoteBars, "SPY", Some(Timeframe::M1));
        let b = bars_key("SPY");
        s.save_quality(&[
            check(
                t.clone(),
                1,
                None,
                vec![finding(Kind::TickOutlier, Severity::Warn, 1)],
            ),
            check(
                q.clone(),
                1,
                None,
                vec![finding(Kind::Crossed, Severity::Warn, 1)],
            ),
            check(b.clone(), 1, None, vec![]),
        ])
        .unwrap();
        // Clearing the bars leaves the ticks' and quote bars' findings.
        s.save_quality(&[check(b.clone(), 2, None, vec![])])
            .unwrap();
        assert_eq!(kinds_at(s, &t), [(Kind::TickOutlier, ts(1), 1)]);
        assert_eq!(kinds_at(s, &q), [(Kind::Crossed, ts(1), 1)]);
        let sum = s.quality_summaries().unwrap();
        let kinds: Vec<(SeriesKind, Option<Timeframe>)> = sum
            .iter()
            .map(|x| (x.check.series.kind, x.check.series.timeframe))
            .collect();
        assert_eq!(
            kinds,
            [
                (SeriesKind::Bars, Some(Timeframe::M1)),
                (SeriesKind::QuoteBars, Some(Timeframe::M1)),
                (SeriesKind::Trades, None)
            ]
        );
    });
}
