//! `ztrade data validate` through the binary (issue 11), on SQLite and PostgreSQL: every flag's
//! help, the table and the JSON report, `--fail-on` for pipelines, the quality column of
//! `data status`, and `kill -9` during a check: the stored findings are those of the previous
//! check or of the complete new one, never a mix, and a rerun writes them complete.

mod common;

use common::BIN;
use common::daily::import_daily_with;
use testkit::{Cli, shared_data};

testkit::both_backends!(
    validate_reports_and_fails_on,
    killed_validate_leaves_before_or_complete
);

fn import(db: &Cli, sym: &str, rel: &str) {
    let file = shared_data().join(rel);
    import_daily_with(db, file.to_str().unwrap(), sym, &["--skip-invalid"]);
}

fn validate_reports_and_fails_on(backend: &str) {
    let db = Cli::of(BIN, backend, "cli_validate");
    let help = db.ok(&["data", "validate", "--help"]);
    for flag in ["--symbol", "--timeframe", "--since", "--fail-on", "--json"] {
        assert!(help.contains(flag), "{flag} missing from\n{help}");
    }
    import(&db, "GOOG", "daily/lean_goog_daily.csv");
    import(
        &db,
        "SPY",
        "daily/mplfinance_yahoofinance-SPY-20080101-20180101.csv",
    );
    // Never checked yet.
    let status = db.json(&["data", "status"]);
    assert!(status[0]["quality"].is_null(), "{status}");

    let text = db.ok(&["data", "validate"]);
    assert!(text.contains("bad_print"), "{text}");
    assert!(
        text.contains("the session of 2015-03-05 has no bar"),
        "{text}"
    );
    assert!(text.contains("2 series checked"), "{text}");

    let json = db.json(&["data", "validate", "--symbol", "SPY"]);
    let series = json["series"].as_array().unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!(
        (
            &series[0]["kind"],
            &series[0]["symbol"],
            &series[0]["timeframe"]
        ),
        (&"bars".into(), &"SPY".into(), &"1d".into())
    );
    let gaps: Vec<&serde_json::Value> = series[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "gap")
        .collect();
    assert_eq!(gaps.len(), 2);
    assert_eq!(gaps[0]["severity"], "warn");
    assert_eq!(gaps[0]["observed"]["first_session"], "2015-03-05");
    assert_eq!(json["counts"]["warn"], 2);

    // SPY has warnings and no error; GOOG has its bad print.
    let spy = ["data", "validate", "--symbol", "SPY", "--fail-on"];
    db.ok(&[&spy[..], &["error"]].concat());
    let out = db.run(&[&spy[..], &["warn"]].concat());
    testkit::cli::error_line(&out, 1, "2 findings at warn or worse (--fail-on warn)");
    let out = db.run(&["data", "validate", "--symbol", "GOOG", "--fail-on", "error"]);
    testkit::cli::error_line(&out, 1, "findings at error or worse");
    let out = db.run(&["data", "validate", "--fail-on", "bad"]);
    assert_eq!(out.status.code(), Some(2), "a bad value is a usage error");
    let out = db.run(&["data", "validate", "--symbol", "NONE"]);
    testkit::cli::error_line(&out, 1, "nothing of NONE is stored");

    let status = db.ok(&["data", "status"]);
    assert!(status.contains("quality"), "{status}");
    assert!(status.contains("2 warnings"), "{status}");
    let status = db.json(&["data", "status"]);
    let goog = status
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["symbol"] == "GOOG")
        .unwrap();
    assert_eq!(goog["quality"]["errors"], 1, "{goog}");
    assert_eq!(goog["quality"]["coverage"], 100.0);
}

/// The stored findings, one line each, in a fixed order (the time of the check left out).
fn stored(db: &Cli) -> Vec<Option<String>> {
    let s = store::open_ready(&db.url).unwrap();
    s.quality_findings(&store::FindingFilter::default())
        .unwrap()
        .into_iter()
        .map(|f| {
            Some(format!(
                "{} {} {} {} {} {}",
                f.series.symbol,
                f.finding.kind,
                f.finding.start.as_i64(),
                f.finding.end.as_i64(),
                f.finding.observed,
                f.finding.reason
            ))
        })
        .collect()
}

fn killed_validate_leaves_before_or_complete(backend: &str) {
    let db = Cli::of(BIN, backend, "validate_kill");
    db.ok(&[
        "data",
        "seed",
        "--symbols",
        "K1,K2,K3,K4",
        "--days",
        "250",
        "--timeframe",
        "1m",
    ]);
    import(&db, "GOOG", "daily/lean_goog_daily.csv");
    db.ok(&["data", "validate"]);
    let before = stored(&db);
    assert!(!before.is_empty());
    // New data, so that a complete check stores something else.
    import(
        &db,
        "SPY",
        "daily/mplfinance_yahoofinance-SPY-20080101-20180101.csv",
    );
    let mut seen_before = false;
    for delay_ms in [100u64, 400, 900, 1600] {
        db.kill_after(
            &["data", "validate"],
            std::time::Duration::from_millis(delay_ms),
        );
        let now = stored(&db);
        if now == before {
            seen_before = true;
            continue;
        }
        // Complete: the previous findings and the new series' ones.
        assert!(
            before.iter().all(|f| now.contains(f)),
            "killed after {delay_ms} ms"
        );
        assert_eq!(
            now.len(),
            before.len() + 3,
            "killed after {delay_ms} ms: {now:#?}"
        );
    }
    assert!(
        seen_before,
        "no kill landed before the commit; the test proves nothing"
    );
    let done = db.json(&["data", "validate"]);
    let now = stored(&db);
    let reported: usize = done["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["findings"].as_array().unwrap().len())
        .sum();
    assert_eq!(now.len(), reported);
    assert!(before.iter().all(|f| now.contains(f)));
    assert!(
        now.iter().flatten().any(|f| f.starts_with("SPY gap")),
        "{now:#?}"
    );
}
