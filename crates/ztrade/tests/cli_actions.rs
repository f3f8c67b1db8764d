//! Splits and dividends through the binary (issue 11), on SQLite and PostgreSQL:
//! `data actions import` (strict, every bad line as FILE:LINE: field: reason; `--skip-invalid`;
//! an idempotent upsert) and `data export --adjust --as-of` over LEAN's raw AAPL daily bars.

mod common;

use common::BIN;
use common::daily::{export_daily, import_daily};
use testkit::{Cli, shared_data};

testkit::both_backends!(actions_import_and_adjusted_export);

fn actions_import_and_adjusted_export(backend: &str) {
    let db = Cli::of(BIN, backend, "cli_actions");
    let bad = db.path("bad_actions.csv");
    std::fs::write(
        &bad,
        "symbol,ex_date,kind,split_from,split_to,cash_amount\n\
         AAPL,2014-06-09,split,1,7,\n\
         AAPL,2014-13-01,split,1,7,\n\
         AAPL,2012-08-09,dividend,,,abc\n\
         AAPL,2012-11-07,dividend,,,2.6501\n",
    )
    .unwrap();
    let file = bad.to_str().unwrap();

    // Strict: refused, every bad line named, nothing stored.
    let out = db.run(&["data", "actions", "import", file]);
    assert_eq!(out.status.code(), Some(1));
    let err = testkit::cli::stderr(&out);
    assert!(
        err.starts_with(&format!("error: {file}:3: ex_date: ")),
        "{err}"
    );
    assert!(err.contains(&format!("{file}:4: cash_amount: ")), "{err}");
    assert!(err.contains("2 invalid lines; nothing stored"), "{err}");

    // Skipping: the good lines stored, the bad ones listed and counted.
    let out = db.run(&[
        "data",
        "actions",
        "import",
        file,
        "--skip-invalid",
        "--json",
    ]);
    assert!(out.status.success(), "{}", testkit::cli::stderr(&out));
    let err = testkit::cli::stderr(&out);
    assert!(
        err.contains(&format!("skipped {file}:3: ex_date: ")),
        "{err}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["counts"]["inserted"], 2);
    assert_eq!(report["counts"]["skipped"], 2);

    // The real list: an upsert over what is there, then nothing changes.
    let lean = shared_data().join("actions/lean_aapl_actions.csv");
    let lean = lean.to_str().unwrap();
    let first = db.json(&["data", "actions", "import", lean]);
    assert_eq!(first["counts"]["inserted"], 37);
    assert_eq!(first["counts"]["unchanged"], 2);
    assert_eq!(first["splits"], 4);
    assert_eq!(first["dividends"], 35);
    let again = db.ok(&["data", "actions", "import", lean]);
    assert_eq!(
        again.trim(),
        "AAPL: 4 splits and 35 dividends: 0 inserted, 0 updated, 39 unchanged, 0 skipped"
    );

    let daily = shared_data().join("daily/lean_aapl_daily.csv");
    import_daily(&db, daily.to_str().unwrap(), "AAPL");
    let window = ["--start", "2014-06-06", "--end", "2014-06-09"];
    let export = |extra: &[&str]| export_daily(&db, "AAPL", &[&window[..], extra].concat());
    let raw = export(&[]);
    assert!(
        raw.contains("2014-06-06,650,651.25,644.48,645.57,12116671"),
        "{raw}"
    );
    // Split-adjusted as of the split: the day before is 1/7 (volume ×7), the split day raw.
    let split = export(&["--adjust", "split", "--as-of", "2014-06-09"]);
    assert!(
        split.contains("2014-06-06,92.857142857,93.035714286,92.068571429,92.224285714,84816697"),
        "{split}"
    );
    assert!(
        split.contains("2014-06-09,92.69,93.88,91.75,93.7,72875948"),
        "{split}"
    );
    // As of the day before, the split is not known yet.
    assert_eq!(export(&["--adjust", "split", "--as-of", "2014-06-08"]), raw);
    // Every action (two more splits, dividends): smaller still, and not the split-only file.
    let all = export(&["--adjust", "all"]);
    assert_ne!(all, split);
    assert_ne!(all, raw);
    // The stored bars are untouched.
    assert_eq!(export(&[]), raw);

    let out = db.run(&[
        "data",
        "export",
        "--symbol",
        "AAPL",
        "--timeframe",
        "1d",
        "--format",
        "csv",
        "--out",
        "-",
        "--as-of",
        "2014-06-09",
    ]);
    testkit::cli::error_line(&out, 1, "--as-of needs --adjust split or --adjust all");

    // Every flag has its help.
    let help = db.ok(&["data", "export", "--help"]);
    assert!(
        help.contains("--adjust") && help.contains("--as-of"),
        "{help}"
    );
    let help = db.ok(&["data", "actions", "import", "--help"]);
    assert!(help.contains("--skip-invalid"), "{help}");
}
